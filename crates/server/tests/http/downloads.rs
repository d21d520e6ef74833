//! Release file answers (SPEC §3): length and `Accept-Ranges`, 206 with `Content-Range` for
//! byte and suffix ranges, 416 past the end, 404 for unknown or traversal-shaped names and
//! for files of a product the account holds no licence for (never telling the two apart).
//! Real curl downloads and resume stay in the e2e tests.

use packyard_core::releases::ingest::{ReleaseRequest, add_release};
use packyard_testkit::Backend;

use crate::support::*;

const CE: &str = "Acme-CE-2.4.7.tar.gz";

/// Deterministic bytes of release `seed`.
fn release_bytes(seed: u8, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31) ^ seed)
        .collect()
}

/// A server with products `ce` and `ee`, one release in each, and an account licensed for
/// `ce` only; returns the server, the account id and its download token.
async fn fixture(backend: Backend) -> (TestServer, String, String) {
    let server = TestServer::start(backend).await;
    let ce = server.product("ce", &["acme/ce-*"]).await;
    server.product("ee", &["acme/ee-*"]).await;
    for (file_name, product, seed) in [(CE, "ce", 1), ("Acme-EE-2.4.7.tar.gz", "ee", 2)] {
        let request = ReleaseRequest {
            file_name,
            kind: &format!("{product}-full"),
            version: "2.4.7",
            product,
            max_bytes: u64::MAX,
        };
        let bytes = release_bytes(seed, 300_000);
        let db = server.db();
        add_release(db, &server.state.blobs, &request, &bytes[..], ACTOR)
            .await
            .unwrap();
    }
    let customer = server.customer("files@example.com", &[&ce]).await;
    let token = server.db().generate_token(&customer.account, ACTOR).await;
    server.refresh().await;
    (server, customer.account.public_id, token.unwrap())
}

async fn download(server: &TestServer, id: &str, token: &str, name: &str, range: &str) -> Response {
    let mut request = Request::get(&format!("/products/downloads/file/{name}")).basic(id, token);
    if !range.is_empty() {
        request = request.header("Range", range);
    }
    server.send(request).await
}

backend_tests!(async a_whole_file_has_its_length_and_accepts_ranges);
async fn a_whole_file_has_its_length_and_accepts_ranges(backend: Backend) {
    let (server, id, token) = fixture(backend).await;
    let whole = download(&server, &id, &token, CE, "").await;
    assert_eq!(whole.status, 200);
    assert_eq!(whole.body, release_bytes(1, 300_000));
    assert_eq!(whole.header("content-length"), Some("300000"));
    assert_eq!(whole.header("accept-ranges"), Some("bytes"));
}

backend_tests!(async byte_and_suffix_ranges_are_206_with_content_range);
async fn byte_and_suffix_ranges_are_206_with_content_range(backend: Backend) {
    let (server, id, token) = fixture(backend).await;
    let expected = release_bytes(1, 300_000);
    let part = download(&server, &id, &token, CE, "bytes=1000-1999").await;
    assert_eq!(part.status, 206);
    assert_eq!(part.body, &expected[1000..2000]);
    assert_eq!(part.header("content-range"), Some("bytes 1000-1999/300000"));
    let tail = download(&server, &id, &token, CE, "bytes=-10").await;
    assert_eq!(
        (tail.status, tail.body.as_slice()),
        (206, &expected[299_990..])
    );
}

backend_tests!(async a_range_past_the_end_is_416);
async fn a_range_past_the_end_is_416(backend: Backend) {
    let (server, id, token) = fixture(backend).await;
    let beyond = download(&server, &id, &token, CE, "bytes=300000-").await;
    assert_eq!(beyond.status, 416);
    assert_eq!(beyond.header("content-range"), Some("bytes */300000"));
}

backend_tests!(async an_unlicensed_products_file_is_answered_like_a_missing_one);
async fn an_unlicensed_products_file_is_answered_like_a_missing_one(backend: Backend) {
    let (server, id, token) = fixture(backend).await;
    let ee = download(&server, &id, &token, "Acme-EE-2.4.7.tar.gz", "").await;
    let missing = download(&server, &id, &token, "Acme-XX-2.4.7.tar.gz", "").await;
    assert_eq!((ee.status, missing.status), (404, 404));
    let (ee, missing) = (ee.text(), missing.text());
    assert_eq!(
        ee.replace("Acme-EE", "Acme-XX"),
        missing,
        "the same answer as for a name that does not exist"
    );
    assert!(!ee.contains("ee "), "no product slug leaks: {ee}");
}

backend_tests!(async unknown_and_traversal_shaped_names_are_404);
async fn unknown_and_traversal_shaped_names_are_404(backend: Backend) {
    let (server, id, token) = fixture(backend).await;
    let missing = download(&server, &id, &token, "Acme-CE-9.9.9.tar.gz", "").await;
    assert_eq!(missing.status, 404);
    missing.assert_text_contains("info/files");
    for name in ["..%2F..%2Fetc%2Fpasswd", "%2e%2e"] {
        assert_eq!(
            download(&server, &id, &token, name, "").await.status,
            404,
            "{name}"
        );
    }
}
