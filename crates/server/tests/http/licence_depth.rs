//! SPEC §13 in the answers themselves (Composer's view of them is the e2e `licence_depth`):
//! a grant limited by a version constraint, and with a date too, narrows the versions in
//! p2; a key limited to some products sees only them; a personal key across two accounts
//! loses exactly the packages of the account that goes on hold.

use packyard_composer::constraint;
use packyard_store::entitlements::GrantTerms;
use packyard_store::keys::NewKey;
use packyard_store::products::Product;
use packyard_store::users::Role;
use packyard_testkit::Backend;
use serde_json::json;

use crate::support::{ACTOR, Request, TestServer, backend_tests};

/// acme/suite in 1.x, 2.x and 3.x; acme/a and acme/b in their own products.
async fn catalog(server: &TestServer) -> [Product; 3] {
    for (version, time) in [
        ("1.0.0", "2024-01-10"),
        ("2.0.0", "2024-03-10"),
        ("2.5.0", "2024-05-10"),
        ("3.0.0", "2024-07-10"),
        ("3.1.0", "2024-09-10"),
    ] {
        server
            .publish("acme/suite", version, json!({ "time": time }))
            .await;
    }
    for name in ["acme/a", "acme/b"] {
        server
            .publish(name, "1.0.0", json!({ "time": "2024-01-10" }))
            .await;
    }
    [
        server.product("suite", &["acme/suite"]).await,
        server.product("alpha", &["acme/a"]).await,
        server.product("beta", &["acme/b"]).await,
    ]
}

/// The versions `public`/`private` get in p2 for `package`, newest first.
async fn versions_seen(server: &TestServer, key: (&str, &str), package: &str) -> Vec<String> {
    let request = Request::get(&format!("/p2/{package}.json")).basic(key.0, key.1);
    let p2 = server.send(request).await.json();
    packyard_testkit::http::p2_versions(&p2, package)
}

/// The packages `packages.json` lists for the key.
async fn available(server: &TestServer, key: (&str, &str)) -> serde_json::Value {
    let root = Request::get("/packages.json").basic(key.0, key.1);
    server.send(root).await.json()["available-packages"].clone()
}

async fn p2_status(server: &TestServer, key: (&str, &str), package: &str) -> u16 {
    let request = Request::get(&format!("/p2/{package}.json")).basic(key.0, key.1);
    server.send(request).await.status
}

backend_tests!(async a_version_constraint_and_a_date_narrow_the_versions_served);
async fn a_version_constraint_and_a_date_narrow_the_versions_served(backend: Backend) {
    let server = TestServer::start(backend).await;
    let [suite, ..] = catalog(&server).await;
    let customer = server.customer("ranges@example.com", &[]).await;
    let key = (customer.public.as_str(), customer.private.as_str());
    // Below 3.0; then, combined with a date, 2.x releases until 2024-04-01 leave 2.0.0 and
    // 1.0.0.
    let grants: [(&str, Option<&str>, &[&str]); 2] = [
        ("<3.0", None, &["2.5.0", "2.0.0", "1.0.0"]),
        ("^2.0 || ^1.0", Some("2024-04-01"), &["2.0.0", "1.0.0"]),
    ];
    for (versions, until, seen) in grants {
        let terms = GrantTerms {
            versions: Some(constraint::parse(versions).unwrap()),
            updates_until: until.map(|d| d.parse().unwrap()),
        };
        let db = server.db();
        db.grant_with(&customer.account, &suite, &terms, ACTOR)
            .await
            .unwrap();
        server.refresh().await;
        let served = versions_seen(&server, key, "acme/suite").await;
        assert_eq!(served, seen, "{versions} until {until:?}");
    }
}

backend_tests!(async a_key_limited_to_a_product_sees_only_its_packages);
async fn a_key_limited_to_a_product_sees_only_its_packages(backend: Backend) {
    let server = TestServer::start(backend).await;
    let [_, alpha, beta] = catalog(&server).await;
    let customer = server
        .customer("scoped@example.com", &[&alpha, &beta])
        .await;
    let scope = [alpha];
    let new = NewKey {
        name: "alpha only",
        products: &scope,
        pair: None,
    };
    let db = server.db();
    let scoped = db
        .create_account_key(&customer.account, &new, ACTOR)
        .await
        .unwrap();
    server.refresh().await;
    let key = (scoped.public_key.as_str(), scoped.private_key.as_str());
    assert_eq!(available(&server, key).await, json!(["acme/a"]));
    assert_eq!(p2_status(&server, key, "acme/b").await, 404);
    assert_eq!(p2_status(&server, key, "acme/a").await, 200);
    let full = (customer.public.as_str(), customer.private.as_str());
    assert_eq!(available(&server, full).await, json!(["acme/a", "acme/b"]));
}

backend_tests!(async a_personal_key_loses_exactly_the_held_accounts_packages);
async fn a_personal_key_loses_exactly_the_held_accounts_packages(backend: Backend) {
    let server = TestServer::start(backend).await;
    let [_, alpha, beta] = catalog(&server).await;
    let first = server.customer("agency-a@example.com", &[&alpha]).await;
    let second = server.customer("agency-b@example.com", &[&beta]).await;
    let db = server.db();
    let mut user = None;
    for customer in [&first, &second] {
        let (added, _) = db
            .add_user(
                &customer.account,
                "dev@agency.example",
                Role::Developer,
                None,
                ACTOR,
            )
            .await
            .unwrap();
        user = Some(added);
    }
    let personal = db
        .create_personal_key(&user.unwrap(), "laptop", ACTOR)
        .await
        .unwrap();
    server.refresh().await;
    let key = (personal.public_key.as_str(), personal.private_key.as_str());
    assert_eq!(available(&server, key).await, json!(["acme/a", "acme/b"]));

    // The second account goes on hold: exactly its package disappears.
    server
        .invoice(&second, "INV-B-1", "10.00", "2020-01-01")
        .await;
    assert_eq!(p2_status(&server, key, "acme/b").await, 404);
    assert_eq!(p2_status(&server, key, "acme/a").await, 200);
    assert_eq!(available(&server, key).await, json!(["acme/a"]));
}
