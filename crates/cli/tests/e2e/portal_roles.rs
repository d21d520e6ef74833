//! SPEC §13 in the portal, checked from the outside on both backends: each role reaches only
//! its pages (the navigation leaves the others out, a direct URL or a forged post answers 403
//! in the portal's frame and changes nothing); owners add users, who set their password
//! through a single-use link and log in; the last owner cannot be removed or demoted; a user
//! of two accounts switches between them; a personal key made in the portal installs what
//! both accounts may install, an owner's product-limited key sees only its product (tried
//! with real HTTP Basic requests); the audit log names the user behind each action. The
//! browser version of the role checks is `browser/roles.mjs`.

mod back_office;

use serde_json::Value;

use crate::portal::{CUSTOMER_PASSWORD, customer_with_password};
use crate::portal_design::element_text;
use crate::support::*;

pub const OWNER: &str = "owner@roles.example";
pub const DEV: &str = "dev@roles.example";
pub const BILL: &str = "bill@roles.example";
pub const INVOICE: &str = "INV-ROLES-1";

/// A server with an account run by an owner, a developer and a billing user, and a second
/// account on which the developer is billing: (server, first account, second account).
pub fn team(backend: Backend) -> (Server, String, String) {
    let server = Server::start(backend);
    let report = server.publish(&[
        package_zip("acme/hello", "1.0.0", serde_json::json!({})),
        package_zip("acme/legacy", "1.0.0", serde_json::json!({})),
    ]);
    assert_eq!(report["published"].as_array().unwrap().len(), 2, "{report}");
    server.product("hello", "Hello", "acme/hello", &[]);
    server.product("legacy", "Legacy", "acme/legacy", &[]);
    let account = customer_with_password(&server, OWNER);
    server.grant(&account, &["hello"]);
    server.grant(&account, &["legacy"]);
    server.invoice(&account, INVOICE, "120", "2099-01-31");
    for (email, role) in [(DEV, "developer"), (BILL, "billing")] {
        let args = ["user", "add", &account, "--email", email, "--role", role];
        server.cli_with_stdin(
            &[&args[..], &["--password-stdin"]].concat(),
            CUSTOMER_PASSWORD,
        );
    }
    let second = customer_with_password(&server, "second@roles.example");
    server.grant(&second, &["legacy"]);
    server.cli(&["user", "add", &second, "--email", DEV, "--role", "billing"]);
    (server, account, second)
}

fn users(server: &Server, account: &str) -> Vec<(String, String)> {
    let list = server.cli_json(&["user", "list", account]);
    list["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (text(&u["email"]), text(&u["role"])))
        .collect()
}

fn key_count(server: &Server, account: &str) -> usize {
    let list = server.cli_json(&["key", "list", account]);
    list["keys"].as_array().unwrap().len()
}

fn text(v: &Value) -> String {
    v.as_str().expect("a string").to_string()
}

/// Posts a new key's `form` to `path` as `client`; the pair the answer shows, once visible
/// to Composer.
fn made_key(
    server: &Server,
    client: &PortalClient,
    path: &str,
    form: &[(&str, &str)],
) -> (String, String) {
    let made = client.post(path, form, &[]);
    assert_eq!(made.status, 200, "{}", made.text());
    let (public, private) = shown_pair(&made.text());
    server.wait_visible(&public, &private, "acme/hello");
    (public, private)
}

/// The pair a "new key" page shows.
pub fn shown_pair(html: &str) -> (String, String) {
    let pair = (
        element_text(html, "public-key"),
        element_text(html, "private-key"),
    );
    assert_eq!((pair.0.len(), pair.1.len()), (32, 32), "{html}");
    pair
}

/// `page` answered 403 in the portal's frame, saying which page the role lacks, with a
/// navigation that does not offer it.
pub fn refused(page: &HttpResponse, what: &str, path: &str) {
    assert_eq!(page.status, 403, "{path}: {}", page.text());
    let html = page.text();
    assert!(html.contains(&format!("does not include {what}")), "{html}");
    assert!(
        html.contains("aria-label=\"Account\""),
        "in the frame: {html}"
    );
    assert!(!html.contains(&format!("href=\"{path}\"")), "{html}");
}

/// `owner` adds `email` as `role` on the Users page; the answer (a 200).
fn add_user(owner: &PortalClient, email: &str, role: &str) -> HttpResponse {
    let page = owner.get("/account/users");
    assert_eq!(page.status, 200);
    let form = [
        ("email", email),
        ("role", role),
        ("csrf", &csrf_of(&page.text())),
    ];
    let added = owner.post("/account/users", &form, &[]);
    assert_eq!(added.status, 200, "{}", added.text());
    added
}

/// A portal session of `email`, whose `/account` leads to `home`.
fn session_at_home(server: &Server, email: &str, home: &str) -> PortalClient {
    let client = PortalClient::customer_session(server, email);
    assert_eq!(client.get("/account").header("location"), Some(home));
    client
}

backend_tests!(each_role_reaches_only_its_pages);
fn each_role_reaches_only_its_pages(backend: Backend) {
    let (server, account, _) = team(backend);
    let dev = session_at_home(&server, DEV, "/account/keys");
    let keys = dev.get("/account/keys");
    assert_eq!(keys.status, 200);
    for absent in ["href=\"/account/invoices\"", "href=\"/account/users\""] {
        assert!(!keys.text().contains(absent), "{absent} in {}", keys.text());
    }
    refused(
        &dev.get("/account/invoices"),
        "Invoices",
        "/account/invoices",
    );
    refused(&dev.get("/account/users"), "Users", "/account/users");
    // Forged posts are refused the same way, and add nobody.
    let csrf = csrf_of(&keys.text());
    let form = [
        ("email", "x@roles.example"),
        ("role", "owner"),
        ("csrf", &csrf),
    ];
    refused(
        &dev.post("/account/users", &form, &[]),
        "Users",
        "/account/users",
    );
    assert_eq!(users(&server, &account).len(), 3);
    // What a developer may do works: a key, named after its creator.
    let before = key_count(&server, &account);
    let form = [("name", "dev laptop"), ("csrf", &csrf)];
    made_key(&server, &dev, "/account/keys", &form);
    assert_eq!(key_count(&server, &account), before + 1);
    let owner = PortalClient::customer_session(&server, OWNER);
    let listed = owner.get("/account/keys").text();
    assert!(listed.contains(&format!("by {DEV}")), "{listed}");

    let bill = session_at_home(&server, BILL, "/account/licences");
    let invoices = bill.get("/account/invoices");
    assert_eq!(invoices.status, 200);
    assert!(invoices.text().contains(INVOICE));
    assert!(!invoices.text().contains("href=\"/account/keys\""));
    refused(&bill.get("/account/keys"), "Access Keys", "/account/keys");
    refused(
        &bill.get("/account/token"),
        "Download Access Token",
        "/account/token",
    );
    let csrf = csrf_of(&invoices.text());
    let forged = bill.post("/account/keys", &[("name", "sneaky"), ("csrf", &csrf)], &[]);
    refused(&forged, "Access Keys", "/account/keys");
    assert_eq!(key_count(&server, &account), before + 1, "no key was made");
    assert_eq!(bill.get("/account/licences").status, 200);
}

backend_tests!(owners_add_users_who_set_a_password_and_the_last_owner_stays);
fn owners_add_users_who_set_a_password_and_the_last_owner_stays(backend: Backend) {
    let (server, account, _) = team(backend);
    let owner = PortalClient::customer_session(&server, OWNER);
    let added = add_user(&owner, "new@roles.example", "developer");
    let link = element_text(&added.text(), "set-password-link");
    let path = link
        .strip_prefix(&server.url)
        .expect("a link to this portal");
    assert!(users(&server, &account).contains(&("new@roles.example".into(), "developer".into())));

    // The link sets the password once; then the new user logs in.
    let newcomer = PortalClient::new(&server);
    let form_page = newcomer.get(path);
    assert_eq!(form_page.status, 200, "{}", form_page.text());
    assert!(form_page.text().contains("new@roles.example"));
    let token = path.split("token=").nth(1).unwrap();
    let password = "a new user's password";
    // Two different copies: refused, and the link still works.
    let csrf = csrf_of(&form_page.text());
    let differ = [
        ("token", token),
        ("password", password),
        ("confirm", "something else"),
        ("csrf", &csrf),
    ];
    let differ = newcomer.post("/password/set", &differ, &[]);
    assert_eq!(differ.status, 400);
    differ.assert_text_contains("differ");
    let csrf = csrf_of(&differ.text());
    let set_form = [
        ("token", token),
        ("password", password),
        ("confirm", password),
        ("csrf", &csrf),
    ];
    let set = newcomer.post("/password/set", &set_form, &[]);
    assert_eq!(
        set.header("location"),
        Some("/login?reset=set"),
        "{}",
        set.text()
    );
    let login = newcomer.login("/login", "new@roles.example", password);
    assert_eq!(login.status, 303, "{}", login.text());
    assert_eq!(newcomer.get("/account/keys").status, 200);
    assert_eq!(newcomer.get(path).status, 404, "the link works once");

    // The last owner can neither leave nor be demoted; nothing changes.
    let csrf = csrf_of(&owner.get("/account/users").text());
    let remove = owner.post(
        "/account/users/remove",
        &[("email", OWNER), ("csrf", &csrf)],
        &[],
    );
    assert_eq!(remove.status, 400);
    remove.assert_text_contains("last owner");
    let demote = [("email", OWNER), ("role", "billing"), ("csrf", &csrf)];
    let demote = owner.post("/account/users/role", &demote, &[]);
    assert_eq!(demote.status, 400);
    assert!(users(&server, &account).contains(&(OWNER.into(), "owner".into())));
    // With a second owner, the first may step down.
    let promote = [("email", DEV), ("role", "owner"), ("csrf", &csrf)];
    assert_eq!(owner.post("/account/users/role", &promote, &[]).status, 303);
    let demote = [("email", OWNER), ("role", "billing"), ("csrf", &csrf)];
    assert_eq!(owner.post("/account/users/role", &demote, &[]).status, 303);
    refused(&owner.get("/account/users"), "Users", "/account/users");
}

backend_tests!(a_user_of_two_accounts_switches_and_personal_and_scoped_keys_work);
fn a_user_of_two_accounts_switches_and_personal_and_scoped_keys_work(backend: Backend) {
    let (server, account, second) = team(backend);
    let dev = PortalClient::customer_session(&server, DEV);
    let keys = dev.get("/account/keys").text();
    assert!(
        keys.contains(&format!("<option value=\"{second}\">")),
        "{keys}"
    );
    let csrf = csrf_of(&keys);
    let switched = dev.post(
        "/account/switch",
        &[("account", &second), ("csrf", &csrf)],
        &[],
    );
    assert_eq!(switched.header("location"), Some("/account/licences"));
    let invoices = dev.get("/account/invoices");
    assert_eq!(invoices.status, 200, "billing on the second account");
    assert!(
        invoices
            .text()
            .contains(&format!("id=\"account-id\">{second}<"))
    );
    refused(&dev.get("/account/keys"), "Access Keys", "/account/keys");
    let back = dev.post(
        "/account/switch",
        &[("account", &account), ("csrf", &csrf)],
        &[],
    );
    assert_eq!(back.header("location"), Some("/account/keys"));
    let unknown = dev.post(
        "/account/switch",
        &[("account", "MAG999999999"), ("csrf", &csrf)],
        &[],
    );
    assert_eq!(unknown.status, 404);

    // A personal key sees what both accounts may install.
    let form = [("name", "laptop"), ("csrf", &csrf)];
    let (public, private) = made_key(&server, &dev, "/account/keys/personal", &form);
    let seen = server.visible_packages(&public, &private);
    assert_eq!(seen, serde_json::json!(["acme/hello", "acme/legacy"]));
    let listed = dev.get("/account/keys").text();
    assert!(
        listed.contains("id=\"personal-keys\"") && listed.contains(&public),
        "{listed}"
    );
    let own = server.cli_json(&["user", "key", "list", DEV]);
    assert_eq!(own["keys"][0]["public_key"], public.as_str(), "{own}");
    // Only its user may switch it off: for anyone else it does not exist.
    let owner = PortalClient::customer_session(&server, OWNER);
    let owner_csrf = csrf_of(&owner.get("/account/keys").text());
    let action = format!("/account/keys/{public}/disable");
    assert_eq!(
        owner.post(&action, &[("csrf", &owner_csrf)], &[]).status,
        404
    );
    assert_eq!(server.root_status(&public, &private), 200);
    assert_eq!(dev.post(&action, &[("csrf", &csrf)], &[]).status, 303);
    server.root_status_becomes(&public, &private, 401, "disabling the personal key");

    // An owner limits a key to one product: the other product's package is a 404 for it.
    let page = owner.get("/account/keys").text();
    assert!(page.contains("name=\"product.legacy\""), "{page}");
    let form = [
        ("name", "hello only"),
        ("product.hello", "1"),
        ("csrf", &csrf_of(&page)),
    ];
    let (public, private) = made_key(&server, &owner, "/account/keys", &form);
    assert_eq!(
        server
            .get_as("/p2/acme/legacy.json", &public, &private)
            .status,
        404
    );
    assert!(owner.get("/account/keys").text().contains("(only hello)"));

    // The audit log names the user behind each portal action.
    let ops = PortalClient::operator_session(&server, "ops@roles.example");
    let audit = ops.get("/admin/audit?q=key.create").text();
    for (who, action) in [(DEV, "key.create_personal"), (OWNER, "key.create")] {
        let row = audit
            .split("<tr")
            .find(|r| r.contains(&format!(">{action}<")) && r.contains(who));
        assert!(row.is_some(), "{who} {action} in {audit}");
    }
}

/// `browser/roles.mjs` on one server; the key the developer made in the page is a real key.
#[test]
fn roles_in_a_browser() {
    let (server, account, _) = team(Backend::Sqlite);
    let env = [
        ("OWNER_EMAIL", OWNER),
        ("DEV_EMAIL", DEV),
        ("BILL_EMAIL", BILL),
        ("NEW_EMAIL", "newcomer@roles.example"),
        ("INVOICE", INVOICE),
        ("CUSTOMER_PASSWORD", CUSTOMER_PASSWORD),
    ];
    let result = run_browser(&server, "roles.mjs", &env);
    let (public, private) = (text(&result["devPublic"]), text(&result["devPrivate"]));
    server.wait_visible(&public, &private, "acme/hello");
    assert!(
        users(&server, &account).contains(&("newcomer@roles.example".into(), "developer".into()))
    );
}
