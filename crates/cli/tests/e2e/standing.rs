//! Issue 22: operators see what their customers see. An account held by an overdue invoice
//! shows "on hold since D because of invoice N" in `account show`, `account list`, their
//! `--json`, the admin API and the back office, by the rule the Composer path applies (with
//! the grace period the server runs with, which the CLI reads from what `serve` recorded);
//! the customer portal says so on every page. Voiding the invoice (CLI, admin API, back
//! office; audited) lifts the hold, and the invoice stays listed as void.

use serde_json::json;

use crate::portal::{CUSTOMER_PASSWORD, OPERATOR_PASSWORD, customer_with_password, operator};
use crate::support::*;

const HELD: &str = "on hold since 2020-01-04 because of invoice INV-1";

backend_tests!(a_held_account_shows_its_hold_everywhere_and_a_void_invoice_lifts_it);
fn a_held_account_shows_its_hold_everywhere_and_a_void_invoice_lifts_it(backend: Backend) {
    // Two days of grace: the hold begins on the third day after the due date.
    let server = Server::start_with(backend, &["--billing-grace-days", "2"]);
    let account = customer_with_password(&server, "held@example.com");
    let key = server.cli_json(&["key", "create", &account, "--name", "ci"]);
    let (public, private) = (
        key["public_key"].as_str().unwrap(),
        key["private_key"].as_str().unwrap(),
    );
    server.invoice(&account, "INV-1", "100.00", "2020-01-01");
    server.invoice(&account, "INV-2", "5.00", "2020-01-01");
    let api = Api::new(&server, &server.admin_token("ops@example.com"));
    operator(&server, "office@example.com");

    let shown = server.cli(&["account", "show", &account]);
    assert!(shown.contains(&format!("status: {HELD}")), "{shown}");
    let listed = server.cli(&["account", "list"]);
    assert!(listed.contains(HELD), "{listed}");
    let standing = json!({ "state": "on_hold", "invoice": "INV-1", "on_hold_since": "2020-01-04" });
    let as_json = server.cli_json(&["account", "show", &account]);
    assert_eq!(as_json["account"]["standing"], standing);
    assert_eq!(
        server.cli_json(&["account", "list"])["accounts"][0]["standing"],
        standing
    );
    let from_api = api.get(&format!("/api/v1/accounts/{account}")).json();
    assert_eq!(from_api["account"]["standing"], standing);
    assert_eq!(
        api.get("/api/v1/accounts").json()["accounts"][0]["standing"],
        standing
    );

    let office = PortalClient::new(&server);
    office.login("/admin/login", "office@example.com", OPERATOR_PASSWORD);
    let page = office.get(&format!("/admin/accounts/{account}")).text();
    assert!(
        page.contains(&format!("<dd id=\"account-status\">{HELD}</dd>")),
        "{page}"
    );
    assert!(office.get("/admin/accounts").text().contains(HELD));

    let customer = PortalClient::new(&server);
    customer.login("/login", "held@example.com", CUSTOMER_PASSWORD);
    for page in ["/account/keys", "/account/token", "/account/licences"] {
        let html = customer.get(page).text();
        assert!(html.contains("id=\"hold-banner\""), "{page}: {html}");
        assert!(html.contains(HELD), "{page}: {html}");
    }
    assert_eq!(server.get_as("/packages.json", public, private).status, 403);

    // INV-1 voided with the CLI: INV-2 holds now. Voided through the admin API too: active.
    server.cli(&["invoice", "void", "INV-1", "--reason", "entered twice"]);
    let shown = server.cli(&["account", "show", &account]);
    assert!(shown.contains("because of invoice INV-2"), "{shown}");
    let r = api.post(
        "/api/v1/invoices/INV-2/void",
        &json!({ "reason": "goodwill" }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["void_reason"], "goodwill");
    assert!(
        server
            .cli(&["account", "show", &account])
            .contains("status: active")
    );
    assert_eq!(server.get_as("/packages.json", public, private).status, 200);
    assert!(!customer.get("/account/keys").text().contains("hold-banner"));
    let invoices = server.cli(&["invoice", "list", &account]);
    assert_eq!(invoices.matches("  void").count(), 2, "{invoices}");
    let paying = server.cli_output(&["invoice", "pay", "INV-1"]);
    assert!(!paying.status.success(), "a void invoice cannot be paid");
    assert!(all_output(&paying).contains("is void"));
    let audit = office.get("/admin/audit").text();
    assert!(audit.contains("invoice.void"), "{audit}");

    // In the back office: a new overdue invoice, voided there with a reason.
    server.invoice(&account, "INV-3", "7.00", "2020-01-01");
    let page = office.get(&format!("/admin/accounts/{account}")).text();
    let form = [
        ("number", "INV-3"),
        ("reason", "wrong customer"),
        ("csrf", &csrf_of(&page)),
    ];
    let voided = office.post(&format!("/admin/accounts/{account}/void"), &form, &[]);
    assert_eq!(voided.status, 303, "{}", voided.text());
    let page = office.get(&format!("/admin/accounts/{account}")).text();
    assert!(
        page.contains("<dd id=\"account-status\">active</dd>"),
        "{page}"
    );
    assert!(page.contains("wrong customer"));
}

backend_tests!(the_back_office_sets_a_customers_password_and_creates_their_keys);
fn the_back_office_sets_a_customers_password_and_creates_their_keys(backend: Backend) {
    let server = Server::start(backend);
    let (account, _, _) = server.customer("nopass@example.com");
    operator(&server, "office@example.com");
    let office = PortalClient::new(&server);
    office.login("/admin/login", "office@example.com", OPERATOR_PASSWORD);
    let csrf = csrf_of(&office.get(&format!("/admin/accounts/{account}")).text());

    let form = [("password", "a brand new secret"), ("csrf", csrf.as_str())];
    let set = office.post(&format!("/admin/accounts/{account}/password"), &form, &[]);
    assert_eq!(set.status, 303, "{}", set.text());
    let customer = PortalClient::new(&server);
    let login = customer.login("/login", "nopass@example.com", "a brand new secret");
    assert_eq!(login.status, 303, "{}", login.text());

    let form = [("name", "CI of the customer"), ("csrf", csrf.as_str())];
    let created = office.post(&format!("/admin/accounts/{account}/keys"), &form, &[]);
    assert_eq!(created.status, 200, "{}", created.text());
    let page = created.text();
    let code = |id: &str| {
        let marker = format!("<code id=\"{id}\"");
        let at = page.find(&marker).unwrap() + marker.len();
        let start = at + page[at..].find('>').unwrap() + 1;
        page[start..].split('<').next().unwrap().to_string()
    };
    let (public, private) = (code("public-key"), code("private-key"));
    assert_eq!(
        server.get_as("/packages.json", &public, &private).status,
        200
    );
    let keys = server.cli(&["key", "list", &account]);
    assert!(keys.contains("CI of the customer"), "{keys}");
}
