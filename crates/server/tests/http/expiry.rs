//! Expiry and date rules, tested by moving the server's clock instead of sleeping: a portal
//! session ends at its lifetime, a password reset link after its hour, a set-password link
//! after its week, a licence's updates end after their date, a billing hold starts the day
//! after an invoice's due date plus the grace period, and failed logins stop counting once
//! their window has passed.

use std::time::Duration;

use packyard_store::password_links::LINK_TTL_SECS;
use packyard_store::users::Role;

use crate::support::portal::CUSTOMER_PASSWORD;
use crate::support::{ACTOR, KeptAlive, Request, TestServer, backend_tests};
use packyard_testkit::Backend;

const DAY: Duration = Duration::from_secs(86_400);
const SESSION_TTL: Duration = Duration::from_secs(3600);
/// How far short of a lifetime a "still valid" check stays: the real time a test takes
/// between creating something and asking must not decide the verdict.
const MARGIN: Duration = Duration::from_secs(60);
/// SPEC §8: a password reset link works once within an hour.
const RESET_TTL: Duration = Duration::from_secs(3600);

backend_tests!(async a_session_expires_when_the_clock_passes_its_lifetime);
async fn a_session_expires_when_the_clock_passes_its_lifetime(backend: Backend) {
    let server = TestServer::start_with(backend, |c| c.session_ttl = SESSION_TTL).await;
    server.customer_with_password("ttl@example.com").await;
    let mut client = server.portal();
    let login = client
        .login("/login", "ttl@example.com", CUSTOMER_PASSWORD)
        .await;
    assert_eq!(login.status, 303, "{}", login.text());
    let set_cookie = login
        .headers
        .iter()
        .find(|(n, v)| n.eq_ignore_ascii_case("set-cookie") && v.starts_with("packyard_session="))
        .map(|(_, v)| v.clone())
        .expect("a session cookie");
    for flag in ["HttpOnly", "SameSite=Lax", "Max-Age=3600", "Path=/"] {
        assert!(set_cookie.contains(flag), "{set_cookie}");
    }
    assert!(
        !set_cookie.contains("Secure"),
        "plain-HTTP public URL: {set_cookie}"
    );
    assert_eq!(client.get("/account/keys").await.status, 200);
    // A minute short of the lifetime: still in. Then the rest of it: out.
    server.advance_clock(SESSION_TTL - MARGIN);
    assert_eq!(client.get("/account/keys").await.status, 200);
    server.advance_clock(MARGIN);
    // The client still sends the cookie (as a replay would); the server refuses it.
    let r = client.get("/account/keys").await;
    assert_eq!(r.status, 303, "expired session must not be accepted");
    assert_eq!(r.header("location"), Some("/login"));
}

backend_tests!(async a_reset_link_expires_after_its_hour);
async fn a_reset_link_expires_after_its_hour(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.customer_with_password("reset@example.com").await;
    let now = server.state.config.clock.unix_secs();
    let ttl = RESET_TTL.as_secs() as i64;
    let token = server
        .db()
        .create_password_reset("reset@example.com", ttl, now)
        .await
        .unwrap();
    let path = format!("/password/reset?token={token}");
    let mut client = server.portal();
    server.advance_clock(RESET_TTL - MARGIN);
    let form = client.get(&path).await;
    assert_eq!(form.status, 200, "{}", form.text());
    let csrf = crate::support::portal::csrf_of(&form.text());

    server.advance_clock(MARGIN);
    let expired = client.get(&path).await;
    assert_eq!(expired.status, 400);
    expired.assert_text_contains("has expired");
    let fields = [
        ("token", token.as_str()),
        ("password", "a-new-password-2"),
        ("confirm", "a-new-password-2"),
        ("csrf", csrf.as_str()),
    ];
    let refused = client.post("/password/reset", &fields).await;
    assert_eq!(refused.status, 400, "{}", refused.text());
    refused.assert_text_contains("has expired");
    // The password stays.
    let login = server
        .portal()
        .login("/login", "reset@example.com", CUSTOMER_PASSWORD)
        .await;
    assert_eq!(login.status, 303, "{}", login.text());
}

backend_tests!(async a_set_password_link_expires_after_a_week);
async fn a_set_password_link_expires_after_a_week(backend: Backend) {
    let server = TestServer::start(backend).await;
    let account = server.customer_with_password("owner@example.com").await;
    let db = server.db();
    let (user, needs_password) = db
        .add_user(&account, "new@example.com", Role::Billing, None, ACTOR)
        .await
        .unwrap();
    assert!(needs_password);
    let now = server.state.config.clock.unix_secs();
    let token = db.create_password_link(&user, now).await.unwrap();
    let path = format!("/password/set?token={token}");
    server.advance_clock(Duration::from_secs(LINK_TTL_SECS as u64) - MARGIN);
    let form = server.portal().get(&path).await;
    assert_eq!(form.status, 200, "{}", form.text());
    form.assert_text_contains("new@example.com");

    server.advance_clock(MARGIN);
    let expired = server.portal().get(&path).await;
    assert_eq!(expired.status, 404, "{}", expired.text());
    expired.assert_text_contains("has expired");
}

backend_tests!(async a_licence_shows_its_updates_ended_once_the_date_passes);
async fn a_licence_shows_its_updates_ended_once_the_date_passes(backend: Backend) {
    // A session that outlives the day the clock moves.
    let server = TestServer::start_with(backend, |c| c.session_ttl = 2 * DAY).await;
    let account = server.customer_with_password("dated@example.com").await;
    let product = server.product("suite", &["acme/*"]).await;
    let until = server.state.config.clock.today();
    let db = server.db();
    db.grant(&account, &product, Some(until), ACTOR)
        .await
        .unwrap();
    server.refresh().await;
    let mut client = server.customer_session("dated@example.com").await;
    let page = client.get("/account/licences").await;
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(!page.text().contains("Updates ended"), "{}", page.text());

    server.advance_clock(DAY);
    let page = client.get("/account/licences").await;
    page.assert_text_contains("Updates ended");
}

backend_tests!(async a_billing_hold_starts_when_the_due_date_and_grace_have_passed);
async fn a_billing_hold_starts_when_the_due_date_and_grace_have_passed(backend: Backend) {
    let server = TestServer::start_with(backend, |c| c.billing_grace_days = 2).await;
    let customer = server.one_package_and_customer("held@example.com").await;
    let due = server.state.config.clock.today();
    server
        .invoice(&customer, "INV-1", "90", &due.to_string())
        .await;
    let p2 = || Request::get("/p2/acme/hello.json").basic(&customer.public, &customer.private);
    // A kept-alive connection too: the hot lane remembers the key it verified
    // (`auth::KeyMemo`), and the hold starts with the date, not with a change to the data.
    let mut kept = KeptAlive::open(server.addr).await;
    // Due today, two days of grace: access stays through the second day after the due date.
    for _ in 0..3 {
        let r = server.send(p2()).await;
        assert_eq!(r.status, 200, "{}", r.text());
        for r in kept.exchange(&[p2(), p2()]).await {
            assert_eq!(r.status, 200, "{}", r.text());
        }
        server.advance_clock(DAY);
    }
    for held in [
        server.send(p2()).await,
        kept.exchange(&[p2()]).await.remove(0),
    ] {
        assert_eq!(held.status, 403, "{}", held.text());
        held.assert_warning_contains(&format!("invoice INV-1 overdue since {due}"));
    }
}

backend_tests!(async failed_logins_stop_counting_once_their_window_has_passed);
async fn failed_logins_stop_counting_once_their_window_has_passed(backend: Backend) {
    let server = TestServer::start_with(backend, |c| c.login_max_failures = 3).await;
    server.customer_with_password("slow@example.com").await;
    let mut client = server.portal();
    for _ in 0..3 {
        let r = client.login("/login", "slow@example.com", "wrong").await;
        assert_eq!(r.status, 401, "{}", r.text());
    }
    let refused = client
        .login("/login", "slow@example.com", CUSTOMER_PASSWORD)
        .await;
    assert_eq!(refused.status, 429, "{}", refused.text());
    server.advance_clock(server.state.config.login_window);
    let login = client
        .login("/login", "slow@example.com", CUSTOMER_PASSWORD)
        .await;
    assert_eq!(login.status, 303, "{}", login.text());
}
