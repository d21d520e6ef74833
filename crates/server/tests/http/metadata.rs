//! Metadata answers over HTTP: the root document's layout, `Last-Modified` on every answer,
//! `304` for a current `If-Modified-Since`, and a new version moving the date forward.

use packyard_testkit::Backend;
use serde_json::json;

use crate::support::*;

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
    for path in ["/packages.json", "/p2/acme/hello.json"] {
        // Documents changed in the current second are dated a second earlier, so the first
        // revalidation may legitimately be a 200; once the second has passed it is a 304.
        let revalidated = eventually(3, || async {
            let fresh = server.get_as(path, &customer).await;
            let stamp = fresh
                .header("last-modified")
                .expect("Last-Modified on every answer");
            get_since(&server, path, &customer, stamp).await.status == 304
        });
        assert!(revalidated.await, "{path} never answered 304");
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
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    server
        .publish("acme/hello", "2.5.0", json!({ "time": "2024-07-01" }))
        .await;
    server.refresh().await;
    let after = get_since(&server, path, &customer, &stamp).await;
    assert_eq!(after.status, 200);
    after.assert_text_contains("2.5.0");
}
