//! Metadata answers over HTTP: the root document's layout, `Last-Modified` on every answer,
//! `304` for a current `If-Modified-Since`, and a new version moving the date forward.

use packyard_testkit::Backend;
use serde_json::json;

use crate::support::*;

/// Longer than the time a change's second takes to settle as a validator.
const SETTLE: std::time::Duration = std::time::Duration::from_secs(3);

backend_tests!(async the_root_lists_the_repository_layout);
async fn the_root_lists_the_repository_layout(backend: Backend) {
    let server = TestServer::start(backend).await;
    let customer = server.one_package_and_customer("root@example.com").await;
    let root = server.get_as("/packages.json", &customer).await;
    assert_eq!(root.header("content-type"), Some("application/json"));
    let root = root.json();
    assert_eq!(root["metadata-url"], "/p2/%package%.json");
    assert_eq!(root["available-packages"], json!(["acme/hello"]));
    assert_eq!(root["notify-batch"], format!("{}/downloads/", server.url));
    assert_eq!(root["packages"], json!([]));
}

/// `GET path` with `If-Modified-Since: since`.
async fn get_since(server: &TestServer, path: &str, who: &Customer, since: &str) -> Response {
    let request = Request::get(path)
        .basic(&who.public, &who.private)
        .header("If-Modified-Since", since);
    server.send(request).await
}

backend_tests!(async a_current_if_modified_since_gets_304);
async fn a_current_if_modified_since_gets_304(backend: Backend) {
    let server = TestServer::start(backend).await;
    let customer = server.one_package_and_customer("304@example.com").await;
    let paths = ["/packages.json", "/p2/acme/hello.json"];
    // A document changed within the settle time is dated a second earlier and never answered
    // 304; once the server's clock has passed it, its date is a validator.
    for path in paths {
        let fresh = server.get_as(path, &customer).await;
        let stamp = fresh.header("last-modified").expect("Last-Modified");
        assert_eq!(get_since(&server, path, &customer, stamp).await.status, 200);
    }
    server.advance_clock(SETTLE);
    for path in paths {
        let stamp = server.get_as(path, &customer).await;
        let stamp = stamp.header("last-modified").unwrap();
        let cached = get_since(&server, path, &customer, stamp).await;
        assert_eq!(cached.status, 304, "{path}");
        assert!(cached.body.is_empty());
        assert!(cached.header("last-modified").is_some());
        let old = "Mon, 01 Jan 2001 00:00:00 GMT";
        assert_eq!(get_since(&server, path, &customer, old).await.status, 200);
    }
}

backend_tests!(async a_new_version_moves_last_modified_forward);
async fn a_new_version_moves_last_modified_forward(backend: Backend) {
    let server = TestServer::start(backend).await;
    let customer = server.one_package_and_customer("moves@example.com").await;
    let path = "/p2/acme/hello.json";
    let before = server.get_as(path, &customer).await;
    let stamp = before.header("last-modified").unwrap().to_string();
    server
        .publish("acme/hello", "2.5.0", json!({ "time": "2024-07-01" }))
        .await;
    server.refresh().await;
    let after = get_since(&server, path, &customer, &stamp).await;
    assert_eq!(after.status, 200);
    after.assert_text_contains("2.5.0");
}
