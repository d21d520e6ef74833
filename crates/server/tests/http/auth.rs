//! SPEC §2 authentication answers as tabled: 401 with a Basic challenge and a JSON warning,
//! unknown keys indistinguishable from wrong secrets, malformed headers named, closed
//! accounts refused with the reason.

use packyard_testkit::Backend;

use crate::support::*;

backend_tests!(async no_credentials_get_401_with_a_basic_challenge);
async fn no_credentials_get_401_with_a_basic_challenge(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.one_package_and_customer("none@example.com").await;
    let none = server.get("/packages.json").await;
    assert_eq!(none.status, 401);
    assert_eq!(none.header("content-type"), Some("application/json"));
    let challenge = none.header("www-authenticate").unwrap_or_default();
    assert!(challenge.starts_with("Basic realm="), "{challenge}");
    none.assert_warning_contains("needs an access key");
}

backend_tests!(async unknown_keys_and_wrong_secrets_are_indistinguishable);
async fn unknown_keys_and_wrong_secrets_are_indistinguishable(backend: Backend) {
    let server = TestServer::start(backend).await;
    let customer = server.one_package_and_customer("wrong@example.com").await;
    let root = Request::get("/packages.json");
    let unknown = server
        .send(root.clone().basic(&"A".repeat(32), &customer.private))
        .await;
    let wrong = server
        .send(root.basic(&customer.public, &"B".repeat(32)))
        .await;
    assert_eq!((unknown.status, wrong.status), (401, 401));
    assert_eq!(unknown.body, wrong.body);
    assert_eq!(server.get_as("/packages.json", &customer).await.status, 200);
}

backend_tests!(async malformed_authorization_headers_are_named);
async fn malformed_authorization_headers_are_named(backend: Backend) {
    let server = TestServer::start(backend).await;
    server
        .one_package_and_customer("malformed@example.com")
        .await;
    for header in ["Basic", "Basic !!!notbase64", "Bearer abc", "Basic Zm9v"] {
        let request = Request::get("/packages.json").header("Authorization", header);
        let answer = server.send(request).await;
        assert_eq!(answer.status, 401, "{header}");
        assert!(
            answer
                .warning()
                .starts_with("malformed Authorization header"),
            "{header}: {}",
            answer.text()
        );
    }
}

backend_tests!(async a_closed_account_gets_403_with_the_reason);
async fn a_closed_account_gets_403_with_the_reason(backend: Backend) {
    let server = TestServer::start(backend).await;
    let customer = server.one_package_and_customer("closed@example.com").await;
    let id = &customer.account.public_id;
    server.db().close_account(id, ACTOR).await.unwrap();
    server.refresh().await;
    let closed = server.get_as("/packages.json", &customer).await;
    assert_eq!(closed.status, 403);
    assert_eq!(
        closed.warning(),
        format!("account {id} is closed; contact the vendor to reopen it")
    );
}

backend_tests!(async a_package_outside_the_licence_is_404);
async fn a_package_outside_the_licence_is_404(backend: Backend) {
    let server = TestServer::start(backend).await;
    let customer = server.one_package_and_customer("outside@example.com").await;
    server
        .publish("other/thing", "1.0.0", serde_json::json!({}))
        .await;
    server.refresh().await;
    let inside = server.get_as("/p2/acme/hello.json", &customer).await;
    assert_eq!(inside.status, 200);
    let outside = server.get_as("/p2/other/thing.json", &customer).await;
    assert_eq!(outside.status, 404);
}
