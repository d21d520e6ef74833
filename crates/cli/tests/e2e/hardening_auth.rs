//! SPEC §8 on credentials: an unauthenticated upload is refused before its body is read,
//! measured on the server process's memory. (New credentials on the very next request and
//! the failure budget per client address are tested in-process:
//! `crates/server/tests/http/hardening_auth.rs`.)

use super::support::*;

#[test]
fn unauthenticated_uploads_are_refused_before_their_body_is_read() {
    const BODY: u64 = 250 * 1024 * 1024;
    let server = Server::start(Backend::Sqlite);
    // Warm up the allocator with one ordinary request.
    assert_eq!(curl(&format!("{}/healthz", server.url), &[]).status, 200);
    let before = memory_kib(server.pid(), "VmRSS");
    let routes = [
        "POST /api/packages HTTP/1.1\r\nAuthorization: Bearer wrong-token",
        "PUT /api/releases/x.tar.gz?type=other&version=1&product=p HTTP/1.1\r\nAuthorization: Bearer wrong-token",
        "POST /admin/packages HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=b",
    ];
    for head in routes {
        let status = stream_body(&server.host, head, b"", BODY);
        assert!(
            status.is_empty() || status.contains(" 401 ") || status.contains(" 303 "),
            "{head}: {status}"
        );
    }
    let grown = memory_kib(server.pid(), "VmRSS").saturating_sub(before);
    eprintln!("server RSS {before} KiB before, grew by {grown} KiB");
    assert!(
        grown < 16 * 1024,
        "RSS grew by {grown} KiB over 3 × 250 MB uploads"
    );
}
