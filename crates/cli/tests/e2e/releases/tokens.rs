//! Download tokens: one per account, replaced at once, never valid for another account;
//! billing holds and closed accounts.

use super::*;

/// The release fixture and a `ce` account whose token already works.
fn ce_account(backend: Backend) -> (Fixture, String, String) {
    let f = fixture(backend);
    let (a, token) = f.account("a@example.com", &["ce"]);
    f.wait_ready(&a, &token);
    (f, a, token)
}

backend_tests!(a_token_only_works_with_its_own_account);
fn a_token_only_works_with_its_own_account(backend: Backend) {
    let (f, a, a_token) = ce_account(backend);
    let (b, b_token) = f.account("b@example.com", &["ee"]);
    f.wait_ready(&b, &b_token);
    for (id, token) in [(&a, &b_token), (&b, &a_token)] {
        let r = f.get("info/files", id, token, &[]);
        assert_eq!(r.status, 401, "{id} with another account's token");
        assert!(r.header("www-authenticate").is_some());
        let reason = "invalid account id or download access token";
        r.assert_text_contains(reason);
    }
    assert_eq!(
        f.get("info/files", "MAG999999999", &a_token, &[]).status,
        401
    );
    assert_eq!(f.get("info/files", &a, "", &[]).status, 401);
    // The account id is case-insensitive, as people type it.
    let lowercase = f.get("info/files", &a.to_lowercase(), &a_token, &[]);
    assert_eq!(lowercase.status, 200);
}

backend_tests!(requests_without_valid_credentials_are_told_how_to_send_them);
fn requests_without_valid_credentials_are_told_how_to_send_them(backend: Backend) {
    let (f, _, _) = ce_account(backend);
    let url = format!("{}/products/downloads/info/files", f.server.url);
    let anonymous = curl(&url, &[]);
    assert_eq!(anonymous.status, 401);
    anonymous.assert_text_contains("ACCOUNT_ID:TOKEN@");
    let malformed = curl(&url, &["-H", "Authorization: Basic !!!not-base64"]);
    assert_eq!(malformed.status, 401);
    let reason = "malformed Authorization header";
    malformed.assert_text_contains(reason);
}

backend_tests!(a_new_token_retires_the_old_one_within_a_second);
fn a_new_token_retires_the_old_one_within_a_second(backend: Backend) {
    let (f, a, old_token) = ce_account(backend);
    let new_token = f.server.download_token(&a);
    assert_ne!(new_token, old_token);
    let retired = f.becomes("info/files", &a, &old_token, 401);
    assert!(retired, "the old token still works after 1 s");
    let file = f.get("file/Acme-CE-2.4.6.tar.gz", &a, &new_token, &[]);
    assert_eq!(file.status, 200);
}

backend_tests!(a_billing_hold_blocks_every_endpoint_until_paid);
fn a_billing_hold_blocks_every_endpoint_until_paid(backend: Backend) {
    let (f, a, token) = ce_account(backend);
    let (b, b_token) = f.account("b@example.com", &["ee"]);
    f.server.invoice(&a, "INV-7", "10.00", "2024-01-31");
    assert!(
        f.becomes("info/files", &a, &token, 403),
        "hold took over 1 s"
    );
    let reason = format!("account {a} is on hold: invoice INV-7 overdue since 2024-01-31");
    for path in ["info/help", "info/json", "file/Acme-CE-2.4.6.tar.gz"] {
        let held = f.get(path, &a, &token, &[]);
        assert_eq!(held.status, 403, "{path}");
        assert!(held.text().contains(&reason), "{path}: {}", held.text());
    }
    let unaffected = f.becomes("info/files", &b, &b_token, 200);
    assert!(unaffected, "other accounts are unaffected");
    f.server.cli(&["invoice", "pay", "INV-7"]);
    let lifted = f.becomes("file/Acme-CE-2.4.6.tar.gz", &a, &token, 200);
    assert!(lifted, "paying did not lift the hold within 1 s");
}

backend_tests!(a_closed_account_is_refused_with_the_reason);
fn a_closed_account_is_refused_with_the_reason(backend: Backend) {
    let (f, a, token) = ce_account(backend);
    f.server.cli(&["account", "close", &a]);
    assert!(f.becomes("info/files", &a, &token, 403));
    let closed = f.get("info/files", &a, &token, &[]);
    closed.assert_text_contains("is closed");
}
