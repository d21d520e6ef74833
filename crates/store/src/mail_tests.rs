//! Conformance tests for the mail records: reset links (hashed, single-use, expiring) and
//! notice claims (one winner, released on failure, stale claims taken over), plus the
//! paged lists of the back office. Each body runs on SQLite and PostgreSQL.

use crate::accounts::ACCOUNT_SEARCH;
use crate::audit::AUDIT_SEARCH;
use crate::db::now;
use crate::error::StoreError;
use crate::macros::on_db;
use crate::secret::sha256;
use crate::tests::TestDb;
use packyard_testkit::{Backend, backend_tests};

fn refused_because(e: StoreError, reason: &str) {
    match e {
        StoreError::Invalid(m) => assert!(m.contains(reason), "{m}"),
        other => panic!("expected Invalid({reason}), got {other:?}"),
    }
}

backend_tests!(async reset_links_are_hashed_single_use_and_expire);
async fn reset_links_are_hashed_single_use_and_expire(backend: Backend) {
    let db = TestDb::open(backend).await;
    let acct = db.account_with_password("reset@example.com").await;
    let t = now();
    let token = db
        .create_password_reset("Reset@Example.com", 3600, t)
        .await
        .unwrap();
    let stored: Vec<Vec<u8>> = on_db!(&*db, pool => sqlx::query_scalar("SELECT token_hash FROM password_resets").fetch_all(pool).await.unwrap());
    assert_eq!(stored, vec![sha256(&token)], "only the hash is stored");
    assert_eq!(
        db.password_reset_email(&token, t).await.unwrap(),
        "reset@example.com"
    );
    // Valid until its hour is over, as the caller's clock tells.
    refused_because(
        db.password_reset_email(&token, t + 3600).await.unwrap_err(),
        "expired",
    );
    refused_because(
        db.reset_password(&token, "late", t + 3600)
            .await
            .unwrap_err(),
        "expired",
    );

    let reset = db
        .reset_password(&token, "new-hash", t + 3599)
        .await
        .unwrap();
    assert_eq!(reset.email, "reset@example.com");
    assert_eq!(
        db.user_password_hash("reset@example.com").await.as_deref(),
        Some("new-hash"),
        "the user logs in with it"
    );
    assert_eq!(
        db.account_password_hash("reset@example.com")
            .await
            .as_deref(),
        Some("new-hash")
    );
    refused_because(
        db.reset_password(&token, "again", t).await.unwrap_err(),
        "used already",
    );
    refused_because(
        db.password_reset_email("no-such-token", t)
            .await
            .unwrap_err(),
        "not valid",
    );

    // Expired by a password change: refused, and the password stays.
    let later = db
        .create_password_reset("reset@example.com", 3600, t)
        .await
        .unwrap();
    assert_eq!(
        db.expire_password_resets("reset@example.com", t)
            .await
            .unwrap(),
        1
    );
    refused_because(
        db.reset_password(&later, "late-hash", t).await.unwrap_err(),
        "expired",
    );
    assert_eq!(
        db.account_password_hash("reset@example.com")
            .await
            .as_deref(),
        Some("new-hash")
    );
    let audit = db.audit_events("user.password_reset", 10).await.unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].subject, "reset@example.com");
    assert_eq!(acct.email, "reset@example.com");
}

backend_tests!(async a_notice_is_claimed_by_one_caller_and_retried_after_a_failure);
async fn a_notice_is_claimed_by_one_caller_and_retried_after_a_failure(backend: Backend) {
    let db = TestDb::open(backend).await;
    assert!(
        db.claim_notice("invoice", "INV-1", 600, now())
            .await
            .unwrap()
    );
    assert!(
        !db.claim_notice("invoice", "INV-1", 600, now())
            .await
            .unwrap()
    );
    assert!(
        db.claim_notice("licence", "INV-1", 600, now())
            .await
            .unwrap()
    );
    db.release_notice("invoice", "INV-1").await.unwrap();
    assert!(
        db.claim_notice("invoice", "INV-1", 600, now())
            .await
            .unwrap()
    );
    assert!(!db.notice_was_sent("invoice", "INV-1").await.unwrap());
    db.notice_sent("invoice", "INV-1").await.unwrap();
    assert!(db.notice_was_sent("invoice", "INV-1").await.unwrap());
    // Sent: never claimed again, however old; an unsent stale claim is taken over.
    assert!(
        !db.claim_notice("invoice", "INV-1", -10, now())
            .await
            .unwrap()
    );
    assert!(
        db.claim_notice("licence", "INV-1", -10, now())
            .await
            .unwrap()
    );
}

backend_tests!(async overdue_invoices_and_ending_licences_are_found_by_date);
async fn overdue_invoices_and_ending_licences_are_found_by_date(backend: Backend) {
    let db = TestDb::open(backend).await;
    let acct = db.account_with_password("dates@example.com").await;
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    db.add_invoice(&acct, "INV-OLD", "10", "EUR", day("2026-01-10"), "t")
        .await
        .unwrap();
    db.add_invoice(&acct, "INV-NEW", "10", "EUR", day("2026-03-10"), "t")
        .await
        .unwrap();
    let due = db.unpaid_invoices_due_before("2026-02-01").await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(
        (due[0].number.as_str(), due[0].email.as_str()),
        ("INV-OLD", "dates@example.com")
    );
    db.pay_invoice("INV-OLD", "t").await.unwrap();
    assert!(
        db.unpaid_invoices_due_before("2026-02-01")
            .await
            .unwrap()
            .is_empty()
    );

    let product = db.private_product("suite", "Suite", "acme/*").await;
    db.grant(&acct, &product, Some(day("2026-05-15")), "t")
        .await
        .unwrap();
    let ending = db
        .licences_ending_between("2026-05-01", "2026-05-15")
        .await
        .unwrap();
    assert_eq!(ending.len(), 1);
    assert_eq!(ending[0].product, "suite");
    assert!(
        db.licences_ending_between("2026-05-16", "2026-05-31")
            .await
            .unwrap()
            .is_empty()
    );
}

backend_tests!(async accounts_and_audit_are_paged_and_searched);
async fn accounts_and_audit_are_paged_and_searched(backend: Backend) {
    let db = TestDb::open(backend).await;
    for i in 0..5 {
        db.account_with_password(&format!("page{i}@example.com"))
            .await;
    }
    db.account_with_password("odd_100%@example.com").await;
    let (first, total) = db.search_page(&ACCOUNT_SEARCH, "", 0, 2).await.unwrap();
    assert_eq!((first.len(), total), (2, 6));
    let (last, _) = db.search_page(&ACCOUNT_SEARCH, "", 4, 2).await.unwrap();
    assert_eq!(last[1].email, "odd_100%@example.com");
    let (found, total) = db
        .search_page(&ACCOUNT_SEARCH, "PAGE3", 0, 10)
        .await
        .unwrap();
    assert_eq!((found.len(), total), (1, 1));
    // `%` and `_` are matched literally.
    let (found, total) = db
        .search_page(&ACCOUNT_SEARCH, "_100%", 0, 10)
        .await
        .unwrap();
    assert_eq!((found.len(), total), (1, 1));
    let (entries, total) = db
        .search_page(&AUDIT_SEARCH, "account.create", 0, 4)
        .await
        .unwrap();
    assert_eq!((entries.len(), total), (4, 6));
    assert!(entries[0].id > entries[1].id, "newest first");
}
