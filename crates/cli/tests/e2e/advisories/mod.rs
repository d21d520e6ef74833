//! SPEC §12 with Debian's Composer 2.5.5: `composer audit` reports the vendor's advisories
//! (and passes once withdrawn), abandoned packages name their replacement, a recalled
//! version's dist answers 410 with the reason and `composer update` stops choosing it, and
//! discovery (`list`, `search`, `composer search`, the advisory api, `providers-api`) shows an
//! account only what it may see. 2.5.5 predates the blocking of 2.9 and the filter lists of
//! 2.10; those wire formats are checked in the server's unit tests (`announce::tests`).

use serde_json::{Value, json};

use crate::support::*;

mod discovery;
mod marks;

/// A server with the [`catalog`], a shop licensed for greetings and another for the secret
/// sauce: each one's key pair (public, private).
pub(crate) fn two_shops(backend: Backend) -> (Server, (String, String), (String, String)) {
    let server = Server::start(backend);
    catalog(&server);
    let (_, public, private) = server.licensed_customer("shop@example.com", &["greetings"]);
    let (_, other_public, other_private) = server.licensed_customer("else@example.com", &["sauce"]);
    (server, (public, private), (other_public, other_private))
}

/// acme/hello 1.4.1 and 1.4.2, its replacement acme/hola, and acme/secret for someone else.
pub(crate) fn catalog(server: &Server) {
    let report = server.publish(&[
        package_zip(
            "acme/hello",
            "1.4.1",
            json!({"time": "2026-01-05", "description": "Says hello politely"}),
        ),
        package_zip(
            "acme/hello",
            "1.4.2",
            json!({"time": "2026-02-05", "description": "Says hello politely"}),
        ),
        package_zip(
            "acme/hola",
            "1.0.0",
            json!({"type": "magento2-module", "description": "Dice hola",
                   "provide": {"acme/greeting-implementation": "1.0"}}),
        ),
        package_zip(
            "acme/secret",
            "1.0.0",
            json!({"description": "Secret sauce"}),
        ),
    ]);
    assert!(report["failed"].as_array().unwrap().is_empty(), "{report}");
    server.product("greetings", "Greetings", "acme/hello,acme/hola", &[]);
    server.product("sauce", "Sauce", "acme/secret", &[]);
}

/// `advisory add acme/hello --affected '<1.4.2' --title 'Greeting is too friendly'` plus
/// `extra`; its JSON answer.
pub(crate) fn greeting_advisory(server: &Server, extra: &[&str]) -> Value {
    server.cli_json(&add_hello("<1.4.2", "Greeting is too friendly", extra))
}

/// The arguments of `advisory add acme/hello --affected <affected> --title <title>` plus
/// `extra`.
pub(crate) fn add_hello<'a>(affected: &'a str, title: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let args = ["advisory", "add", "acme/hello", "--affected", affected];
    [&args[..], &["--title", title], extra].concat()
}

/// `advisory add acme/secret --affected '*' --title 'Sauce leaks'` plus `extra`; its JSON
/// answer.
pub(crate) fn sauce_advisory(server: &Server, extra: &[&str]) -> Value {
    let args = ["advisory", "add", "acme/secret", "--affected", "*"];
    server.cli_json(&[&args[..], &["--title", "Sauce leaks"], extra].concat())
}

/// Recalls acme/hello 1.4.2 because "it deletes the cart".
pub(crate) fn recall_hello(server: &Server) {
    server.cli(&[
        "version",
        "recall",
        "acme/hello",
        "1.4.2",
        "--reason",
        "it deletes the cart",
    ]);
}

/// The advisory api's answer for `names` as this key pair sees it.
pub(crate) fn advisories_as(server: &Server, public: &str, private: &str, names: &[&str]) -> Value {
    let form: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(i, n)| format!("packages[{i}]={n}"))
        .collect();
    let url = format!("{}/security-advisories", server.url);
    let answer = curl_as(&url, public, private, &["--data", &form.join("&")]);
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json()
}

backend_tests!(audit_reports_advisories_until_they_are_withdrawn);
fn audit_reports_advisories_until_they_are_withdrawn(backend: Backend) {
    let (server, (public, private), (other_public, other_private)) = two_shops(backend);
    let dev = Developer::new(&server, "shop", &public, &private);
    let project = dev.project(&server, "app");
    server.wait_visible(&public, &private, "acme/hello");
    assert_eq!(
        dev.require_locked(&project, "acme/hello:1.4.1").as_deref(),
        Some("1.4.1")
    );
    let (ok, out) = dev.composer(&project, &["audit"]);
    assert!(ok, "{backend:?}: nothing to report yet: {out}");

    let added = greeting_advisory(
        &server,
        &[
            "--cve",
            "CVE-2026-0001",
            "--link",
            "https://vendor.test/advisories/1",
            "--severity",
            "high",
            "--reported-at",
            "2026-03-01",
        ],
    );
    assert_eq!(added["advisoryId"], "PKSA-2026-0001", "{added}");
    let secret = sauce_advisory(&server, &["--reported-at", "2026-03-02"]);
    assert_eq!(secret["advisoryId"], "PKSA-2026-0002");
    let bad = server.cli_output(&add_hello("soon", "x", &[]));
    assert_failed_with(&bad, "constraint");

    let seen = eventually(PROPAGATION * 5, || {
        advisories_as(&server, &public, &private, &["acme/hello"])["advisories"]["acme/hello"]
            .as_array()
            .is_some_and(|a| a.len() == 1)
    });
    assert!(seen, "{backend:?}: the advisory never reached the api");
    let (ok, out) = dev.composer(&project, &["audit"]);
    assert!(!ok, "{backend:?}: audit must fail: {out}");
    for expected in [
        "Greeting is too friendly",
        "CVE-2026-0001",
        "https://vendor.test/advisories/1",
        "acme/hello",
    ] {
        assert!(
            out.contains(expected),
            "{backend:?}: {expected} missing:\n{out}"
        );
    }
    assert!(!out.contains("Sauce leaks"), "{out}");

    // Nobody learns of advisories for packages they may not see; visible ones answer [].
    let mine = advisories_as(
        &server,
        &public,
        &private,
        &["acme/hello", "acme/hola", "acme/secret"],
    );
    let keys: Vec<&String> = mine["advisories"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["acme/hello", "acme/hola"], "{mine}");
    assert_eq!(mine["advisories"]["acme/hola"], json!([]));
    let theirs = advisories_as(
        &server,
        &other_public,
        &other_private,
        &["acme/hello", "acme/secret"],
    );
    assert!(theirs["advisories"].get("acme/hello").is_none(), "{theirs}");
    assert_eq!(
        theirs["advisories"]["acme/secret"][0]["title"],
        "Sauce leaks"
    );

    server.cli(&["advisory", "withdraw", "PKSA-2026-0001"]);
    let gone = eventually(PROPAGATION * 5, || {
        advisories_as(&server, &public, &private, &["acme/hello"])["advisories"]["acme/hello"]
            == json!([])
    });
    assert!(gone, "{backend:?}: the withdrawal never reached the api");
    let (ok, out) = dev.composer(&project, &["audit"]);
    assert!(ok, "{backend:?}: audit passes after the withdrawal: {out}");
    let listed = server.cli_json(&["advisory", "list", "acme/hello"]);
    assert!(
        listed["advisories"][0]["withdrawnAt"].is_string(),
        "{listed}"
    );
}

/// Composer aborts an update when the advisory api fails: it must answer from memory while
/// the database is unreachable.
#[test]
fn the_advisory_api_answers_during_a_postgres_outage() {
    let (_database, proxy, server) = crate::outage::server_behind_a_proxy();
    catalog(&server);
    let (_, public, private) = server.licensed_customer("shop@example.com", &["greetings"]);
    greeting_advisory(&server, &[]);
    let dev = Developer::new(&server, "shop", &public, &private);
    let project = dev.project(&server, "app");
    server.wait_visible(&public, &private, "acme/hello");
    dev.require_locked(&project, "acme/hello:1.4.1");
    let seen = eventually(PROPAGATION * 5, || {
        advisories_as(&server, &public, &private, &["acme/hello"])["advisories"]["acme/hello"]
            .as_array()
            .is_some_and(|a| a.len() == 1)
    });
    assert!(seen);

    proxy.cut();
    let answer = advisories_as(&server, &public, &private, &["acme/hello", "acme/hola"]);
    assert_eq!(
        answer["advisories"]["acme/hello"][0]["title"],
        "Greeting is too friendly"
    );
    assert_eq!(answer["advisories"]["acme/hola"], json!([]));
    let (ok, out) = dev.composer(&project, &["audit"]);
    assert!(!ok && out.contains("Greeting is too friendly"), "{out}");
    proxy.restore();
}
