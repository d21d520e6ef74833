//! Issue 22: uploads are spooled, never held in memory. A 300 MiB body sent by an operator
//! to `POST /api/packages` or the back office's upload form (default limit 256 MiB) is
//! refused while it arrives, by its first bytes when it is not a zip and by its size when it
//! looks like one, and the server's peak memory (`VmHWM`) grows by a few MiB at most.

use crate::support::*;

const BODY: u64 = 300 * 1024 * 1024;

#[test]
fn a_300_mib_upload_is_refused_without_growing_the_server() {
    let server = Server::start(Backend::Sqlite);
    let token = server.admin_token("ops@example.com");
    let office = PortalClient::operator_session(&server, "office@example.com");
    let csrf = csrf_of(&office.get("/admin/packages").text());
    let cookie = format!(
        "packyard_admin={}",
        office.cookie("packyard_admin").unwrap()
    );
    let api = format!(
        "POST /api/packages HTTP/1.1\r\nAuthorization: Bearer {token}\r\nConnection: close"
    );
    let form = format!(
        "POST /admin/packages HTTP/1.1\r\nCookie: {cookie}\r\nContent-Type: multipart/form-data; boundary=b\r\nConnection: close"
    );
    let fields = format!(
        "--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--b\r\nContent-Disposition: form-data; name=\"archive\"; filename=\"big.zip\"\r\nContent-Type: application/zip\r\n\r\n"
    );
    let cases = [
        ("API, not a zip", api.clone(), b"not a zip".to_vec(), "422"),
        ("API, zip-shaped", api, b"PK\x03\x04".to_vec(), "413"),
        (
            "back office, not a zip",
            form.clone(),
            [fields.as_bytes(), b"<html>"].concat(),
            "400",
        ),
        (
            "back office, zip-shaped",
            form,
            [fields.as_bytes(), b"PK\x03\x04"].concat(),
            "413",
        ),
    ];
    assert_eq!(curl(&format!("{}/healthz", server.url), &[]).status, 200);
    for (what, head, prefix, status) in cases {
        let before = memory_kib(server.pid(), "VmHWM");
        let answer = stream_body(&server.host, &head, &prefix, BODY);
        let after = memory_kib(server.pid(), "VmHWM");
        let grown = after.saturating_sub(before);
        eprintln!(
            "{what}: peak RSS {before} KiB before, {after} KiB after (+{grown} KiB); answer {answer:?}"
        );
        assert!(
            answer.is_empty() || answer.contains(status),
            "{what}: {answer}"
        );
        assert!(grown < 16 * 1024, "{what}: peak memory grew by {grown} KiB");
    }
    assert!(
        server.cli(&["package", "list"]).trim().is_empty(),
        "nothing was published"
    );
}
