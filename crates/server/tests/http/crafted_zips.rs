//! Uploads that must never become a version (SPEC §8): a multipart form body, bytes around
//! the archive, sizes that lie, symbolic links, versions with control characters or `..`.
//! Each is refused with a clear 4xx on both backends, and nothing reaches the database or
//! the artifact store.

use packyard_testkit::Backend;
use packyard_testkit::files::files_under;
use serde_json::json;

use crate::support::crafted::{CRAFTED, crafted_zips};
use crate::support::{Request, TestServer, backend_tests, package_zip};

/// `POST /api/packages` with `bytes` as the body, the way `curl --data-binary` sends it.
fn upload(token: &str, bytes: &[u8]) -> Request {
    Request::post("/api/packages", bytes)
        .bearer(token)
        .header("Content-Type", "application/x-www-form-urlencoded")
}

/// The same file as `curl -F file=@good.zip` sends it: a multipart form.
fn multipart(token: &str, bytes: &[u8]) -> Request {
    const BOUNDARY: &str = "------------------------packyardtest";
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"good.zip\"\r\n\
         Content-Type: application/zip\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    Request::post("/api/packages", body).bearer(token).header(
        "Content-Type",
        &format!("multipart/form-data; boundary={BOUNDARY}"),
    )
}

backend_tests!(async crafted_uploads_are_refused);
async fn crafted_uploads_are_refused(backend: Backend) {
    let server = TestServer::start_with(backend, |c| {
        c.zip_limits.max_uncompressed_bytes = 2 << 20;
    })
    .await;
    let token = server.admin_token("ops@example.com").await;
    let good = package_zip(CRAFTED.0, CRAFTED.1, json!({}));

    let form = server.send(multipart(&token, &good)).await;
    assert_eq!(
        form.status,
        422,
        "{backend:?}: multipart body: {}",
        form.text()
    );
    assert!(
        form.text().contains("multipart"),
        "{backend:?}: {}",
        form.text()
    );
    for (name, bytes, expected) in crafted_zips() {
        let answer = server.send(upload(&token, &bytes)).await;
        // Bytes before the first entry: the upload is refused by its first bytes already.
        let expected = match name {
            "prefixed.zip" => "does not start like one",
            _ => expected,
        };
        assert!(
            (400..500).contains(&answer.status),
            "{backend:?}: {name} answered {}: {}",
            answer.status,
            answer.text()
        );
        assert!(
            answer.text().contains(expected),
            "{backend:?}: {name}: expected {expected:?} in {}",
            answer.text()
        );
    }
    assert_eq!(
        files_under(server.artifacts()),
        Vec::<String>::new(),
        "{backend:?}: a refused upload left bytes in the artifact store"
    );
    // Had any crafted archive been stored as acme/crafted 1.0.0, this would be a 409.
    let honest = server.send(upload(&token, &good)).await;
    assert_eq!(honest.status, 201, "{backend:?}: {}", honest.text());
    assert_eq!(files_under(server.artifacts()).len(), 1, "{backend:?}");
}
