//! Download tokens: one per account, replaced at once, never valid for another account;
//! billing holds and closed accounts.

use packyard_testkit::Backend;

use super::*;

backend_tests!(async a_token_only_works_with_its_own_account);
async fn a_token_only_works_with_its_own_account(backend: Backend) {
    let f = fixture(backend).await;
    let (_, a, a_token) = f.ce_account("a@example.com").await;
    let (_, b, b_token) = f.ce_account("b@example.com").await;
    for (id, token) in [(&a, &b_token), (&b, &a_token)] {
        let r = f.get("info/files", id, token).await;
        assert_eq!(r.status, 401, "{id} with another account's token");
        assert!(r.header("www-authenticate").is_some());
        r.assert_text_contains("invalid account id or download access token");
    }
    let unknown = f.get("info/files", "MAG999999999", &a_token).await;
    assert_eq!(unknown.status, 401);
    assert_eq!(f.get("info/files", &a, "").await.status, 401);
    // The account id is case-insensitive, as people type it.
    let lowercase = f.get("info/files", &a.to_lowercase(), &a_token).await;
    assert_eq!(lowercase.status, 200);
}

backend_tests!(async requests_without_valid_credentials_are_told_how_to_send_them);
async fn requests_without_valid_credentials_are_told_how_to_send_them(backend: Backend) {
    let f = fixture(backend).await;
    f.ce_account("a@example.com").await;
    let path = "/products/downloads/info/files";
    let anonymous = f.server.get(path).await;
    assert_eq!(anonymous.status, 401);
    anonymous.assert_text_contains("ACCOUNT_ID:TOKEN@");
    let header = ("Authorization", "Basic !!!not-base64");
    let malformed = f
        .server
        .send(Request::get(path).header(header.0, header.1))
        .await;
    assert_eq!(malformed.status, 401);
    malformed.assert_text_contains("malformed Authorization header");
}

backend_tests!(async a_new_token_retires_the_old_one);
async fn a_new_token_retires_the_old_one(backend: Backend) {
    let f = fixture(backend).await;
    let (customer, a, old_token) = f.ce_account("a@example.com").await;
    let new_token = f.server.download_token(&customer).await;
    assert_ne!(new_token, old_token);
    assert_eq!(f.get("info/files", &a, &old_token).await.status, 401);
    let file = f.get("file/Acme-CE-2.4.6.tar.gz", &a, &new_token).await;
    assert_eq!(file.status, 200);
}

backend_tests!(async a_billing_hold_blocks_every_endpoint_until_paid);
async fn a_billing_hold_blocks_every_endpoint_until_paid(backend: Backend) {
    let f = fixture(backend).await;
    let (customer, a, token) = f.ce_account("a@example.com").await;
    let (_, b, b_token) = f.ce_account("b@example.com").await;
    f.server
        .invoice(&customer, "INV-7", "10.00", "2024-01-31")
        .await;
    let reason = format!("account {a} is on hold: invoice INV-7 overdue since 2024-01-31");
    for path in [
        "info/help",
        "info/files",
        "info/json",
        "file/Acme-CE-2.4.6.tar.gz",
    ] {
        let held = f.get(path, &a, &token).await;
        assert_eq!(held.status, 403, "{path}");
        held.assert_text_contains(&reason);
    }
    let unaffected = f.get("info/files", &b, &b_token).await;
    assert_eq!(unaffected.status, 200, "other accounts are unaffected");
    f.server.db().pay_invoice("INV-7", ACTOR).await.unwrap();
    f.server.refresh().await;
    let lifted = f.get("file/Acme-CE-2.4.6.tar.gz", &a, &token).await;
    assert_eq!(lifted.status, 200, "paying lifts the hold");
}

backend_tests!(async a_closed_account_is_refused_with_the_reason);
async fn a_closed_account_is_refused_with_the_reason(backend: Backend) {
    let f = fixture(backend).await;
    let (_, a, token) = f.ce_account("a@example.com").await;
    f.server.db().close_account(&a, ACTOR).await.unwrap();
    f.server.refresh().await;
    let closed = f.get("info/files", &a, &token).await;
    assert_eq!(closed.status, 403);
    closed.assert_text_contains("is closed");
}
