//! Issue 22 over HTTP: an account held by an overdue invoice shows "on hold since D because
//! of invoice N" in the admin API and the back office, by the rule the Composer path applies
//! (with the server's grace period), and the customer portal says so on every page; voiding
//! the invoices (admin API, back office; audited) lifts the hold. The back office also sets a
//! customer's password and makes their keys. (What the CLI prints stays in the e2e
//! `standing`.)

use chrono::NaiveDate;
use packyard_store::accounts::Account;
use packyard_testkit::Backend;
use serde_json::{Value, json};

use crate::support::portal::{CUSTOMER_PASSWORD, csrf_of};
use crate::support::{ACTOR, Request, Response, TestServer, backend_tests};

const HELD: &str = "on hold since 2020-01-04 because of invoice INV-1";

async fn invoice(server: &TestServer, account: &Account, number: &str, amount: &str) {
    let due = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    server
        .db()
        .add_invoice(account, number, amount, "EUR", due, ACTOR)
        .await
        .unwrap();
    server.refresh().await;
}

async fn api(server: &TestServer, token: &str, path: &str, body: Option<Value>) -> Response {
    let request = match body {
        None => Request::get(path),
        Some(body) => {
            Request::post(path, body.to_string()).header("Content-Type", "application/json")
        }
    };
    server.send(request.bearer(token)).await
}

/// Voids invoice `number` of `account` through the admin API (asserting 200): the void
/// invoice, and the account's standing after it.
async fn void(
    server: &TestServer,
    token: &str,
    account: &str,
    number: &str,
    why: &str,
) -> [Value; 2] {
    let path = format!("/api/v1/invoices/{number}/void");
    let voided = api(server, token, &path, Some(json!({ "reason": why }))).await;
    assert_eq!(voided.status, 200, "{}", voided.text());
    let shown = api(server, token, &format!("/api/v1/accounts/{account}"), None).await;
    [voided.json(), shown.json()["account"]["standing"].clone()]
}

backend_tests!(async a_held_account_shows_its_hold_over_http_and_voiding_lifts_it);
async fn a_held_account_shows_its_hold_over_http_and_voiding_lifts_it(backend: Backend) {
    // Two days of grace: the hold begins on the third day after the due date.
    let server = TestServer::start_with(backend, |c| c.billing_grace_days = 2).await;
    let account = server.customer_with_password("held@example.com").await;
    let key = server.db().create_key(&account, "ci", ACTOR).await.unwrap();
    invoice(&server, &account, "INV-1", "100.00").await;
    invoice(&server, &account, "INV-2", "5.00").await;
    let token = server.admin_token("ops@example.com").await;
    let id = account.public_id.as_str();

    let standing = json!({ "state": "on_hold", "invoice": "INV-1", "on_hold_since": "2020-01-04" });
    let one = api(&server, &token, &format!("/api/v1/accounts/{id}"), None).await;
    assert_eq!(one.json()["account"]["standing"], standing);
    let all = api(&server, &token, "/api/v1/accounts", None).await;
    assert_eq!(all.json()["accounts"][0]["standing"], standing);

    let mut office = server.office_session("office@example.com").await;
    let page = office.get(&format!("/admin/accounts/{id}")).await.text();
    assert!(
        page.contains(&format!("<dd id=\"account-status\">{HELD}</dd>")),
        "{page}"
    );
    office
        .get("/admin/accounts")
        .await
        .assert_text_contains(HELD);

    let mut customer = server.portal();
    customer
        .login("/login", "held@example.com", CUSTOMER_PASSWORD)
        .await;
    for page in ["/account/keys", "/account/token", "/account/licences"] {
        let html = customer.get(page).await.text();
        assert!(html.contains("id=\"hold-banner\""), "{page}: {html}");
        assert!(html.contains(HELD), "{page}: {html}");
    }
    let root = || Request::get("/packages.json").basic(&key.public_key, &key.private_key);
    assert_eq!(server.send(root()).await.status, 403);

    // INV-1 voided: INV-2 holds now. INV-2 voided too: active.
    let [_, standing] = void(&server, &token, id, "INV-1", "entered twice").await;
    assert_eq!(standing["invoice"], "INV-2");
    let [voided, standing] = void(&server, &token, id, "INV-2", "goodwill").await;
    assert_eq!(voided["void_reason"], "goodwill");
    assert_eq!(standing["state"], "active");
    server.refresh().await;
    assert_eq!(server.send(root()).await.status, 200);
    let keys = customer.get("/account/keys").await.text();
    assert!(!keys.contains("hold-banner"), "{keys}");
    office
        .get("/admin/audit")
        .await
        .assert_text_contains("invoice.void");

    // In the back office: a new overdue invoice, voided there with a reason.
    invoice(&server, &account, "INV-3", "7.00").await;
    let page = office.get(&format!("/admin/accounts/{id}")).await.text();
    let csrf = csrf_of(&page);
    let form = [
        ("number", "INV-3"),
        ("reason", "wrong customer"),
        ("csrf", &csrf),
    ];
    let voided = office
        .post(&format!("/admin/accounts/{id}/void"), &form)
        .await;
    assert_eq!(voided.status, 303, "{}", voided.text());
    let page = office.get(&format!("/admin/accounts/{id}")).await.text();
    assert!(
        page.contains("<dd id=\"account-status\">active</dd>"),
        "{page}"
    );
    assert!(page.contains("wrong customer"));
}

backend_tests!(async the_back_office_sets_a_customers_password_and_creates_their_keys);
async fn the_back_office_sets_a_customers_password_and_creates_their_keys(backend: Backend) {
    let server = TestServer::start(backend).await;
    let customer = server.customer("nopass@example.com", &[]).await;
    let id = customer.account.public_id.as_str();
    let mut office = server.office_session("office@example.com").await;
    let csrf = csrf_of(&office.get(&format!("/admin/accounts/{id}")).await.text());

    let form = [("password", "a brand new secret"), ("csrf", csrf.as_str())];
    let set = office
        .post(&format!("/admin/accounts/{id}/password"), &form)
        .await;
    assert_eq!(set.status, 303, "{}", set.text());
    let login = server
        .portal()
        .login("/login", "nopass@example.com", "a brand new secret")
        .await;
    assert_eq!(login.status, 303, "{}", login.text());

    let form = [("name", "CI of the customer"), ("csrf", csrf.as_str())];
    let created = office
        .post(&format!("/admin/accounts/{id}/keys"), &form)
        .await;
    assert_eq!(created.status, 200, "{}", created.text());
    let page = created.text();
    let code = |id: &str| {
        let marker = format!("<code id=\"{id}\"");
        let at = page.find(&marker).unwrap() + marker.len();
        let start = at + page[at..].find('>').unwrap() + 1;
        page[start..].split('<').next().unwrap().to_string()
    };
    let (public, private) = (code("public-key"), code("private-key"));
    let root = Request::get("/packages.json").basic(&public, &private);
    assert_eq!(server.send(root).await.status, 200);
    let keys = server.db().keys_of(&customer.account).await.unwrap();
    assert!(
        keys.iter().any(|k| k.name == "CI of the customer"),
        "{:?}",
        keys.iter().map(|k| &k.name).collect::<Vec<_>>()
    );
}
