//! Download tokens: one per account, replaced at once, never valid for another account;
//! billing holds and closed accounts.

use super::*;

backend_tests!(tokens_are_per_account_replaced_at_once_and_follow_holds);
fn tokens_are_per_account_replaced_at_once_and_follow_holds(backend: Backend) {
    let f = fixture(backend);
    let (a, a_token) = f.account("a@example.com", &["ce"]);
    let (b, b_token) = f.account("b@example.com", &["ee"]);
    f.wait_ready(&a, &a_token);
    f.wait_ready(&b, &b_token);

    // A token only ever works with its own account id.
    for (id, token) in [(&a, &b_token), (&b, &a_token)] {
        let r = f.get("info/files", id, token, &[]);
        assert_eq!(
            r.status, 401,
            "{backend:?}: {id} with another account's token"
        );
        assert!(r.header("www-authenticate").is_some());
        assert!(
            r.text()
                .contains("invalid account id or download access token"),
            "{}",
            r.text()
        );
    }
    assert_eq!(
        f.get("info/files", "MAG999999999", &a_token, &[]).status,
        401
    );
    assert_eq!(f.get("info/files", &a, "", &[]).status, 401);
    let anonymous = curl(
        &format!("{}/products/downloads/info/files", f.server.url),
        &[],
    );
    assert_eq!(anonymous.status, 401);
    assert!(
        anonymous.text().contains("ACCOUNT_ID:TOKEN@"),
        "{}",
        anonymous.text()
    );
    let malformed = curl(
        &format!("{}/products/downloads/info/files", f.server.url),
        &["-H", "Authorization: Basic !!!not-base64"],
    );
    assert_eq!(malformed.status, 401);
    assert!(
        malformed.text().contains("malformed Authorization header"),
        "{}",
        malformed.text()
    );
    // The account id is case-insensitive, as people type it.
    assert_eq!(
        f.get("info/files", &a.to_lowercase(), &a_token, &[]).status,
        200
    );

    // Generating a new token retires the old one within a second.
    let new_token = f.server.download_token(&a);
    assert_ne!(new_token, a_token);
    assert!(
        f.becomes("info/files", &a, &a_token, 401),
        "{backend:?}: the old token still works after 1 s"
    );
    assert_eq!(
        f.get("file/Acme-CE-2.4.6.tar.gz", &a, &new_token, &[])
            .status,
        200
    );

    // Billing hold: every endpoint answers 403 naming the invoice, until it is paid.
    f.server.invoice(&a, "INV-7", "10.00", "2024-01-31");
    assert!(
        f.becomes("info/files", &a, &new_token, 403),
        "{backend:?}: hold took over 1 s"
    );
    for path in ["info/help", "info/json", "file/Acme-CE-2.4.6.tar.gz"] {
        let held = f.get(path, &a, &new_token, &[]);
        assert_eq!(held.status, 403, "{path}");
        assert!(
            held.text().contains(&format!(
                "account {a} is on hold: invoice INV-7 overdue since 2024-01-31"
            )),
            "{path}: {}",
            held.text()
        );
    }
    assert_eq!(
        f.get("info/files", &b, &b_token, &[]).status,
        200,
        "other accounts are unaffected"
    );
    f.server.cli(&["invoice", "pay", "INV-7"]);
    assert!(
        f.becomes("file/Acme-CE-2.4.6.tar.gz", &a, &new_token, 200),
        "{backend:?}: paying did not lift the hold within 1 s"
    );

    f.server.cli(&["account", "close", &b]);
    assert!(f.becomes("info/files", &b, &b_token, 403));
    assert!(
        f.get("info/files", &b, &b_token, &[])
            .text()
            .contains("is closed")
    );
}
