//! The portal's defences, checked over HTTP with curl: CSRF (missing or wrong token,
//! cross-site origin: 403 and nothing changes), session expiry and logout (the old cookie
//! stops working), login throttling (429 after too many failures), cookie flags.

use crate::portal::{CUSTOMER_PASSWORD, customer_with_password};
use crate::support::*;

fn key_names(server: &Server, account: &str) -> Vec<String> {
    server.cli_json(&["key", "list", account])["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn forms_without_the_right_token_or_from_other_sites_change_nothing() {
    let server = Server::start(Backend::Sqlite);
    let account = customer_with_password(&server, "csrf@example.com");
    let client = PortalClient::customer_session(&server, "csrf@example.com");
    let page = client.get("/account/keys");
    assert_eq!(page.status, 200);
    let token = csrf_of(&page.text());

    let attempts = [
        ("no token", vec![("name", "a")], vec![]),
        (
            "wrong token",
            vec![("name", "b"), ("csrf", "0123456789")],
            vec![],
        ),
        (
            "cross-site origin",
            vec![("name", "c"), ("csrf", &token)],
            vec!["-H", "Origin: https://evil.example"],
        ),
        (
            "cross-site fetch metadata",
            vec![("name", "d"), ("csrf", &token)],
            vec!["-H", "Sec-Fetch-Site: cross-site"],
        ),
    ];
    for (what, form, headers) in &attempts {
        let r = client.post("/account/keys", form, headers);
        assert_eq!(r.status, 403, "{what}: {}", r.text());
        assert!(r.text().contains("nothing changed"), "{what}: {}", r.text());
    }
    assert!(
        key_names(&server, &account).is_empty(),
        "no key was created"
    );

    // A cross-site logout is refused too, and the session survives it.
    let r = client.post(
        "/logout",
        &[("csrf", &token)],
        &["-H", "Origin: http://evil.example"],
    );
    assert_eq!(r.status, 403);
    assert_eq!(client.get("/account/keys").status, 200);

    // The same form from our own origin with the token works.
    let origin = format!("Origin: {}", server.url);
    let ok = client.post(
        "/account/keys",
        &[("name", "laptop"), ("csrf", &token)],
        &["-H", &origin],
    );
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(key_names(&server, &account), vec!["laptop"]);

    // The login form has its own token (no session yet).
    let fresh = PortalClient::new(&server);
    let r = fresh.post(
        "/login",
        &[
            ("email", "csrf@example.com"),
            ("password", CUSTOMER_PASSWORD),
            ("csrf", "forged"),
        ],
        &[],
    );
    assert_eq!(r.status, 403, "{}", r.text());
    assert_eq!(fresh.cookie("packyard_session"), None);
}

/// Session expiry (cookie flags, refusal once the lifetime has passed) is tested in-process
/// with the server's clock: `crates/server/tests/http/expiry.rs`.
#[test]
fn logout_ends_the_session() {
    // Logout ends the session on the server: replaying the old cookie gets the login form.
    let server = Server::start(Backend::Sqlite);
    customer_with_password(&server, "out@example.com");
    let client = PortalClient::customer_session(&server, "out@example.com");
    let cookie = client.cookie("packyard_session").expect("session cookie");
    let token = csrf_of(&client.get("/account/keys").text());
    let out = client.post("/logout", &[("csrf", &token)], &[]);
    assert_eq!(out.status, 303);
    assert_eq!(out.header("location"), Some("/login"));
    let r = curl(
        &format!("{}/account/keys", server.url),
        &["-H", &format!("Cookie: packyard_session={cookie}")],
    );
    assert_eq!(r.status, 303, "the old cookie must not work after logout");
}

#[test]
fn repeated_failed_logins_are_refused_with_429() {
    let server = Server::start_with(Backend::Sqlite, &["--login-max-failures", "3"]);
    customer_with_password(&server, "slow@example.com");
    let client = PortalClient::new(&server);
    for _ in 0..3 {
        let r = client.login("/login", "slow@example.com", "wrong password!");
        assert_eq!(r.status, 401, "{}", r.text());
        assert!(r.text().contains("email address or password is wrong"));
    }
    // Now even the right password is refused until the window passes.
    let r = client.login("/login", "slow@example.com", CUSTOMER_PASSWORD);
    assert_eq!(r.status, 429, "{}", r.text());
    r.assert_text_contains("too many failed logins");
    assert_eq!(client.cookie("packyard_session"), None);
    // Unknown emails answer like wrong passwords (and count the same way).
    let r = client.login("/login", "nobody@example.com", "whatever123");
    assert_eq!(r.status, 401);
    // Operators have their own form; a customer's password does not open it.
    let r = client.login("/admin/login", "slow@example.com", CUSTOMER_PASSWORD);
    assert_eq!(r.status, 401);
}

#[test]
fn customers_cannot_touch_other_accounts_keys_and_bad_input_changes_nothing() {
    let server = Server::start(Backend::Sqlite);
    let mine = customer_with_password(&server, "mine@example.com");
    let (_, theirs_public, theirs_private) = server.customer("theirs@example.com");
    let client = PortalClient::customer_session(&server, "mine@example.com");
    let token = csrf_of(&client.get("/account/keys").text());

    // Another account's key: "not found", and it keeps working.
    for action in ["disable", "delete"] {
        let r = client.post(
            &format!("/account/keys/{theirs_public}/{action}"),
            &[("csrf", &token)],
            &[],
        );
        assert_eq!(r.status, 404, "{action}: {}", r.text());
    }
    assert_eq!(
        client
            .get(&format!("/account/keys/{theirs_public}/delete"))
            .status,
        404
    );
    // (The key was created moments ago: give the change feed its propagation time.)
    assert!(eventually(PROPAGATION, || {
        server
            .get_as("/packages.json", &theirs_public, &theirs_private)
            .status
            == 200
    }));

    // An empty or over-long key name is refused with a message; no key appears.
    for name in ["", "   ", &"x".repeat(101)] {
        let r = client.post("/account/keys", &[("name", name), ("csrf", &token)], &[]);
        assert_eq!(r.status, 400, "{name:?}: {}", r.text());
        r.assert_text_contains("a key name must be 1 to 100 printable characters");
    }
    assert!(key_names(&server, &mine).is_empty());

    // A new password set with the CLI logs out every browser.
    server.cli_with_stdin(&["account", "set-password", &mine], "another password 7");
    assert_eq!(client.get("/account/keys").status, 303);
}

#[test]
fn operator_forms_need_an_operator_session_and_token() {
    let server = Server::start(Backend::Sqlite);
    crate::portal::operator(&server, "ops@example.com");
    customer_with_password(&server, "cust@example.com");
    let customer = PortalClient::customer_session(&server, "cust@example.com");
    // A customer session is no operator session.
    let r = customer.get("/admin/accounts");
    assert_eq!(
        (r.status, r.header("location")),
        (303, Some("/admin/login"))
    );

    let ops = PortalClient::new(&server);
    let r = ops.login(
        "/admin/login",
        "ops@example.com",
        crate::portal::OPERATOR_PASSWORD,
    );
    assert_eq!(
        (r.status, r.header("location")),
        (303, Some("/admin/dashboard"))
    );
    let token = csrf_of(&ops.get("/admin/products").text());
    let form = [("slug", "pro"), ("name", "Pro"), ("packages", "acme/*")];
    let r = ops.post("/admin/products", &form, &[]);
    assert_eq!(r.status, 403, "no token: {}", r.text());
    let with_token = [form[0], form[1], form[2], ("csrf", token.as_str())];
    let from_site = |site: &str| {
        let header = format!("Sec-Fetch-Site: {site}");
        ops.post("/admin/products", &with_token, &["-H", &header])
    };
    let products = || server.cli_json(&["product", "list"])["products"].clone();
    let r = from_site("same-site");
    assert_eq!(r.status, 403, "same-site is not same-origin: {}", r.text());
    assert_eq!(products(), serde_json::json!([]));
    let r = from_site("same-origin");
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(products()[0]["slug"], "pro");
    // Bad input is refused with a message and changes nothing.
    let bad = [
        ("slug", "Bad Slug"),
        ("name", "x"),
        ("packages", "acme/*"),
        ("csrf", token.as_str()),
    ];
    let r = ops.post("/admin/products", &bad, &[]);
    assert_eq!(r.status, 400);
    r.assert_text_contains("must be 1 to 64 lowercase letters");
    assert_eq!(
        server.cli_json(&["product", "list"])["products"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
