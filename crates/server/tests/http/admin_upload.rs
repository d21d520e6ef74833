//! `POST /api/packages` answers: 201 for a new version, 200 for the same bytes again, 409 for
//! changed bytes under an existing version, 401 without an operator token, 422 for a body that
//! is not a zip, 413 past `--max-upload-mib`.

use packyard_testkit::Backend;
use serde_json::json;

use crate::support::*;

/// A server with a 1 MiB upload limit and an operator token.
async fn server_and_token(backend: Backend) -> (TestServer, String) {
    let server = TestServer::start_with(backend, |c| c.max_upload_bytes = 1 << 20).await;
    let token = server.admin_token("ops@example.com").await;
    (server, token)
}

fn upload(bytes: &[u8]) -> Request {
    Request::post("/api/packages", bytes).header("Content-Type", "application/zip")
}

backend_tests!(async a_new_version_is_201_and_the_same_bytes_again_200);
async fn a_new_version_is_201_and_the_same_bytes_again_200(backend: Backend) {
    let (server, token) = server_and_token(backend).await;
    let zip = package_zip("acme/api", "1.0.0", json!({}));
    assert_eq!(server.send(upload(&zip).bearer(&token)).await.status, 201);
    let again = server.send(upload(&zip).bearer(&token)).await;
    assert_eq!(again.status, 200, "same bytes again is a no-op");
}

backend_tests!(async changed_bytes_under_a_published_version_are_409);
async fn changed_bytes_under_a_published_version_are_409(backend: Backend) {
    let (server, token) = server_and_token(backend).await;
    let zip = package_zip("acme/api", "1.0.0", json!({}));
    server.send(upload(&zip).bearer(&token)).await;
    let changed = package_zip("acme/api", "1.0.0", json!({ "description": "x" }));
    let conflict = server.send(upload(&changed).bearer(&token)).await;
    assert_eq!(conflict.status, 409);
    conflict.assert_error_contains("immutable");
}

backend_tests!(async uploads_without_an_operator_token_are_401);
async fn uploads_without_an_operator_token_are_401(backend: Backend) {
    let (server, _) = server_and_token(backend).await;
    let zip = package_zip("acme/api", "1.0.0", json!({}));
    assert_eq!(server.send(upload(&zip)).await.status, 401);
    assert_eq!(
        server.send(upload(&zip).bearer("pya_wrong")).await.status,
        401
    );
    // A customer key pair never reaches the admin API.
    let customer = server.customer("cust@example.com", &[]).await;
    let as_customer = upload(&zip).basic(&customer.public, &customer.private);
    assert_eq!(server.send(as_customer).await.status, 401);
}

backend_tests!(async a_body_that_is_not_a_zip_is_422);
async fn a_body_that_is_not_a_zip_is_422(backend: Backend) {
    let (server, token) = server_and_token(backend).await;
    let not_zip = server.send(upload(b"hello").bearer(&token)).await;
    assert_eq!(not_zip.status, 422);
    not_zip.assert_error_contains("not a zip archive");
}

backend_tests!(async a_body_past_the_upload_limit_is_413);
async fn a_body_past_the_upload_limit_is_413(backend: Backend) {
    let (server, token) = server_and_token(backend).await;
    // It starts like a zip, so only its size can refuse it, while it arrives.
    let mut zip_like = b"PK\x03\x04".to_vec();
    zip_like.resize(2 << 20, 0);
    let oversized = server.send(upload(&zip_like).bearer(&token)).await;
    assert_eq!(oversized.status, 413);
    oversized.assert_error_contains("limit of 1 MiB");
    oversized.assert_error_contains("--max-upload-mib");
}
