//! Discovery per account (`list`, `search`, `composer search`, `providers-api`), operator
//! notices in the root file, and the portal pages showing advisories and recalls.

use serde_json::json;

use super::{catalog, greeting_advisory, recall_hello, sauce_advisory, two_shops};
use crate::support::*;

backend_tests!(discovery_shows_each_account_only_what_it_may_see);
fn discovery_shows_each_account_only_what_it_may_see(backend: Backend) {
    let (server, (public, private), (other_public, other_private)) = two_shops(backend);
    server.wait_visible(&public, &private, "acme/hello");
    server.wait_visible(&other_public, &other_private, "acme/secret");

    let names = |path: &str, public: &str, private: &str| {
        server.get_as(path, public, private).json()["packageNames"].clone()
    };
    assert_eq!(
        names("/packages/list.json", &public, &private),
        json!(["acme/hello", "acme/hola"])
    );
    assert_eq!(
        names("/packages/list.json?filter=acme/h*", &public, &private),
        json!(["acme/hello", "acme/hola"])
    );
    assert_eq!(
        names("/packages/list.json?filter=*secret*", &public, &private),
        json!([])
    );
    assert_eq!(
        names(
            "/packages/list.json?type=magento2-module",
            &public,
            &private
        ),
        json!(["acme/hola"])
    );
    assert_eq!(
        names("/packages/list.json", &other_public, &other_private),
        json!(["acme/secret"])
    );

    let found = |q: &str, public: &str, private: &str| -> Vec<String> {
        let r = server
            .get_as(&format!("/search.json?q={q}&type="), public, private)
            .json();
        r["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(found("politely", &public, &private), ["acme/hello"]);
    assert_eq!(
        found("acme", &public, &private),
        ["acme/hello", "acme/hola"]
    );
    assert!(found("secret", &public, &private).is_empty());
    assert_eq!(
        found("sauce", &other_public, &other_private),
        ["acme/secret"]
    );

    let providers = server.get_as(
        "/providers/acme/greeting-implementation.json",
        &public,
        &private,
    );
    assert_eq!(providers.json()["providers"][0]["name"], "acme/hola");
    let hidden = server.get_as(
        "/providers/acme/greeting-implementation.json",
        &other_public,
        &other_private,
    );
    assert_eq!(hidden.status, 404);

    let dev = Developer::new(&server, "shop", &public, &private);
    let project = dev.project(&server, "app");
    let out = dev.composer_ok(&project, &["search", "politely"]);
    assert!(
        out.contains("acme/hello") && out.contains("Says hello politely"),
        "{out}"
    );
    let out = dev.composer_ok(&project, &["search", "sauce"]);
    assert!(!out.contains("acme/secret"), "{backend:?}: {out}");
    let other = Developer::new(&server, "else", &other_public, &other_private);
    let other_project = other.project(&server, "app");
    let out = other.composer_ok(&other_project, &["search", "sauce"]);
    assert!(out.contains("acme/secret"), "{out}");
}

#[test]
fn notices_reach_every_composer_run_and_can_be_cleared() {
    let server = Server::start(Backend::Sqlite);
    catalog(&server);
    let (_, public, private) = server.licensed_customer("shop@example.com", &["greetings"]);
    server.cli(&[
        "notice",
        "set",
        "maintenance tonight at 22:00 UTC",
        "--versions",
        ">=2.0",
    ]);
    let bad = server.cli_output(&["notice", "set", "x", "--versions", ">=two"]);
    assert!(!bad.status.success(), "a bad constraint is refused");
    server.wait_visible(&public, &private, "acme/hello");
    let dev = Developer::new(&server, "shop", &public, &private);
    let project = dev.project(&server, "app");
    let out = dev.composer_ok(&project, &["require", "acme/hello"]);
    assert!(
        out.contains(&format!(
            "Warning from {}: maintenance tonight at 22:00 UTC",
            server.url
        )),
        "{out}"
    );
    server.cli(&["notice", "clear"]);
    let cleared = eventually(PROPAGATION * 5, || {
        server
            .get_as("/packages.json", &public, &private)
            .json()
            .get("warnings")
            .is_none()
    });
    assert!(cleared);
    let out = dev.composer_ok(&project, &["update"]);
    assert!(!out.contains("maintenance tonight"), "{out}");
}

#[test]
fn licences_page_and_back_office_show_advisories_and_recalls() {
    use crate::portal::customer_with_password;
    let server = Server::start(Backend::Sqlite);
    catalog(&server);
    let account = customer_with_password(&server, "portal@example.com");
    server.grant(&account, &["greetings"]);
    greeting_advisory(&server, &[]);
    sauce_advisory(&server, &[]);
    recall_hello(&server);

    let customer = PortalClient::customer_session(&server, "portal@example.com");
    let shown = eventually(PROPAGATION * 5, || {
        customer
            .get("/account/licences")
            .text()
            .contains("it deletes the cart")
    });
    assert!(shown, "the recall never reached the Licences page");
    let page = customer.get("/account/licences").text();
    assert!(
        page.contains("Greeting is too friendly") && page.contains("1.4.1"),
        "{page}"
    );
    assert!(
        !page.contains("Sauce leaks"),
        "an advisory of a package the account cannot see"
    );

    let ops = PortalClient::operator_session(&server, "ops@example.com");
    let page = ops.get("/admin/advisories").text();
    assert!(
        page.contains("PKSA-")
            && page.contains("Sauce leaks")
            && page.contains("it deletes the cart"),
        "{page}"
    );
    let csrf = csrf_of(&page);
    let refused = ops.post(
        "/admin/advisories",
        &[
            ("csrf", &csrf),
            ("package", "acme/hola"),
            ("affected", "whenever"),
            ("title", "x"),
        ],
        &[],
    );
    assert_eq!(refused.status, 400, "{}", refused.text());
    let added = ops.post(
        "/admin/advisories",
        &[
            ("csrf", &csrf),
            ("package", "acme/hola"),
            ("affected", "<2"),
            ("title", "Hola leaks"),
            ("severity", "low"),
        ],
        &[],
    );
    assert_eq!(added.status, 303, "{}", added.text());
    let listed = server.cli_json(&["advisory", "list", "acme/hola"]);
    let id = listed["advisories"][0]["advisoryId"]
        .as_str()
        .unwrap()
        .to_string();
    let withdrawn = ops.post(
        "/admin/advisories/withdraw",
        &[("csrf", &csrf), ("id", &id)],
        &[],
    );
    assert_eq!(withdrawn.status, 303);
    let listed = server.cli_json(&["advisory", "list", "acme/hola"]);
    assert!(
        listed["advisories"][0]["withdrawnAt"].is_string(),
        "{listed}"
    );
}
