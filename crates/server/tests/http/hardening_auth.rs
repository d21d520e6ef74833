//! SPEC §8 on credentials: a credential created through the library the CLI runs works on the
//! very next request (the feed polls hourly here, so only the credential look-up can know
//! it); failed attempts are budgeted per client address, and only trusted proxies may name
//! that address. (That an unauthenticated upload is refused before its body is read is
//! measured on the binary's memory in the e2e tests.)

use std::time::Duration;

use packyard_store::operator_tokens::TokenScope;

use crate::support::{ACTOR, Request, Response, TestServer, backend_tests};
use packyard_testkit::Backend;

backend_tests!(async credentials_created_by_the_cli_work_on_the_very_next_request);
async fn credentials_created_by_the_cli_work_on_the_very_next_request(backend: Backend) {
    let server =
        TestServer::start_with(backend, |c| c.poll_interval = Duration::from_secs(3600)).await;
    let db = server.db();
    // Access key pair: created, then used at once (no refresh; the feed polls hourly).
    let account = db
        .create_account(
            packyard_store::accounts::NewAccount {
                email: "fresh@example.com",
                name: "Fresh",
                id_prefix: "MAG",
                password_hash: None,
            },
            ACTOR,
        )
        .await
        .unwrap();
    let key = db.create_key(&account, "ci", ACTOR).await.unwrap();
    let r = server
        .send(Request::get("/packages.json").basic(&key.public_key, &key.private_key))
        .await;
    assert_eq!(r.status, 200, "{backend:?}: new key refused: {}", r.text());

    // Download access token.
    let token = db.generate_token(&account, ACTOR).await.unwrap();
    let files = Request::get("/products/downloads/info/files").basic(&account.public_id, &token);
    let r = server.send(files).await;
    assert_eq!(
        r.status,
        200,
        "{backend:?}: new token refused: {}",
        r.text()
    );

    // Operator API token: authenticated, so the unknown version is a 404, not a 401.
    db.create_operator("ops@example.com", "$argon2id$unused", ACTOR)
        .await
        .unwrap();
    let admin = db
        .create_operator_token("ops@example.com", "ci", TokenScope::Admin, ACTOR)
        .await
        .unwrap();
    let mut delete = Request::get("/api/packages/acme/none/1.0.0").bearer(&admin.token);
    delete.method = "DELETE".into();
    let r = server.send(delete).await;
    assert_eq!(r.status, 404, "{backend:?}: new admin token: {}", r.text());
}

/// A wrong secret for `public` from `client` (through the trusted proxy on 127.0.0.1).
async fn guess(server: &TestServer, client: &str, public: &str) -> Response {
    let request = Request::get("/packages.json")
        .basic(public, "wrong-private-key")
        .header("X-Forwarded-For", client);
    server.send(request).await
}

backend_tests!(async failed_attempts_past_the_budget_get_429_for_that_address_only);
async fn failed_attempts_past_the_budget_get_429_for_that_address_only(backend: Backend) {
    let server = TestServer::start_with(backend, |c| {
        c.auth_failure_budget = 5;
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    let customer = server.one_package_and_customer("budget@example.com").await;
    let public = customer.public.as_str();
    for attempt in 1..=5 {
        let r = guess(&server, "203.0.113.9", public).await;
        assert_eq!(r.status, 401, "attempt {attempt}: {}", r.text());
    }
    let r = guess(&server, "203.0.113.9", public).await;
    assert_eq!(r.status, 429, "{}", r.text());
    let retry: u64 = r
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert!(r.warning().contains("too many failed"), "{}", r.warning());

    // Download tokens and Bearer tokens share the address's budget.
    let xff = ("X-Forwarded-For", "203.0.113.9");
    let id = customer.account.public_id.as_str();
    let token = Request::get("/products/downloads/info/files").basic(id, "wrong");
    assert_eq!(server.send(token.header(xff.0, xff.1)).await.status, 429);
    let mut api = Request::get("/api/packages/acme/x/1.0.0").bearer("wrong");
    api.method = "DELETE".into();
    let r = server.send(api.header(xff.0, xff.1)).await;
    assert_eq!(r.status, 429, "{}", r.text());

    // Valid credentials are unaffected, from that address and from any other; another
    // address still has its own budget.
    for client in ["203.0.113.9", "198.51.100.20"] {
        let valid = Request::get("/packages.json")
            .basic(public, &customer.private)
            .header("X-Forwarded-For", client);
        let r = server.send(valid).await;
        assert_eq!(r.status, 200, "valid key from {client}: {}", r.text());
    }
    assert_eq!(guess(&server, "198.51.100.20", public).await.status, 401);
}

backend_tests!(async forwarding_headers_from_untrusted_peers_are_ignored);
async fn forwarding_headers_from_untrusted_peers_are_ignored(backend: Backend) {
    let server = TestServer::start_with(backend, |c| c.auth_failure_budget = 3).await;
    let customer = server.one_package_and_customer("spoof@example.com").await;
    for n in 0..3 {
        let r = guess(&server, &format!("192.0.2.{n}"), &customer.public).await;
        assert_eq!(r.status, 401);
    }
    // A new X-Forwarded-For each time does not buy a new budget: the peer is the client.
    let r = guess(&server, "192.0.2.99", &customer.public).await;
    assert_eq!(r.status, 429);
}
