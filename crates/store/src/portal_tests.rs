//! Conformance tests for what the web portal stores: sessions (hashed, expiring, ended at
//! logout), login failure counts, audit entries with the client's address, and the per-day
//! download series. Each body runs on SQLite and PostgreSQL (see `tests::TestDb`).

use crate::audit::actor_at;
use crate::db::now;
use crate::downloads::DownloadEvent;
use crate::error::StoreError;
use crate::macros::on_db;
use crate::secret::sha256;
use crate::sessions::SessionKind;
use crate::tests::TestDb;
use packyard_testkit::{Backend, backend_tests};

backend_tests!(async sessions_are_stored_hashed_and_end_at_logout_or_expiry);
async fn sessions_are_stored_hashed_and_end_at_logout_or_expiry(backend: Backend) {
    let db = TestDb::open(backend).await;
    let acct = db.account_with_password("s@example.com").await;
    let t = now();
    let new = db
        .create_session(SessionKind::Customer, acct.id, 3600, "10.1.2.3", t)
        .await
        .unwrap();
    assert_eq!(new.cookie_value.len(), 43);
    let found = db.session(&new.cookie_value, t).await.unwrap().unwrap();
    assert!(found.is(SessionKind::Customer));
    assert_eq!(found.principal_id, acct.id);
    assert_eq!(found.csrf_token, new.session.csrf_token);
    assert_ne!(found.csrf_token, new.cookie_value);

    // Only the hash is stored: the plaintext value appears nowhere in the table.
    let stored: Vec<Vec<u8>> = on_db!(&*db, pool => sqlx::query_scalar("SELECT id_hash FROM sessions").fetch_all(pool).await.unwrap());
    assert_eq!(stored, vec![sha256(&new.cookie_value)]);

    assert!(db.session("not-a-session", t).await.unwrap().is_none());
    db.delete_session(&new.cookie_value).await.unwrap();
    assert!(db.session(&new.cookie_value, t).await.unwrap().is_none());

    // Once the caller's clock reaches its end, a session is not found, and pruning removes it.
    let old = db
        .create_session(SessionKind::Operator, 1, 10, "::1", t)
        .await
        .unwrap();
    assert!(
        db.session(&old.cookie_value, t + 9)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        db.session(&old.cookie_value, t + 10)
            .await
            .unwrap()
            .is_none()
    );
    db.prune_sessions(3600, t + 9).await.unwrap();
    assert!(db.session(&old.cookie_value, t).await.unwrap().is_some());
    db.prune_sessions(3600, t + 10).await.unwrap();
    let left: i64 = on_db!(&*db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM sessions").fetch_one(pool).await.unwrap());
    assert_eq!(left, 0);

    // Customer sessions name the user and the account they work on: closing the account
    // ends the sessions on it; a new password ends every session of the user.
    let user = db.user("s@example.com").await.unwrap();
    let other = db.account_with_password("other@example.com").await;
    let mut open = Vec::new();
    for (on, ip) in [(acct.id, "x"), (acct.id, "y"), (other.id, "z")] {
        let s = db
            .create_session(SessionKind::Customer, user.id, 60, ip, t)
            .await
            .unwrap();
        db.set_session_account(&s.cookie_value, on).await.unwrap();
        let found = db.session(&s.cookie_value, t).await.unwrap().unwrap();
        assert_eq!(found.account_id, Some(on));
        open.push(s.cookie_value);
    }
    db.delete_sessions_of(SessionKind::Customer, acct.id)
        .await
        .unwrap();
    assert!(db.session(&open[0], t).await.unwrap().is_none());
    assert!(db.session(&open[1], t).await.unwrap().is_none());
    assert!(db.session(&open[2], t).await.unwrap().is_some());
    db.delete_user_sessions(user.id).await.unwrap();
    assert!(db.session(&open[2], t).await.unwrap().is_none());

    assert!(matches!(
        db.create_session(SessionKind::Customer, acct.id, 0, "x", t)
            .await,
        Err(StoreError::Invalid(_))
    ));
}

backend_tests!(async login_failures_are_counted_per_scope_and_cleared);
async fn login_failures_are_counted_per_scope_and_cleared(backend: Backend) {
    const SCOPE: &str = "10.0.0.1 a@example.com";
    let db = TestDb::open(backend).await;
    let t = now();
    let failures = |scope: &'static str, at: i64| {
        let db = &db;
        async move { db.login_failures(scope, 900, at).await.unwrap() }
    };
    for scope in [SCOPE, SCOPE, SCOPE, "10.0.0.2 a@example.com"] {
        db.record_login_failure(scope, t).await.unwrap();
    }
    assert_eq!(failures(SCOPE, t).await, 3);
    assert_eq!(failures("other", t).await, 0);
    // Failures older than the window do not count.
    assert_eq!(failures(SCOPE, t + 899).await, 3);
    assert_eq!(failures(SCOPE, t + 900).await, 0);
    db.record_login_failure(SCOPE, t).await.unwrap();
    db.clear_login_failures(SCOPE).await.unwrap();
    assert_eq!(failures(SCOPE, t).await, 0);
}

backend_tests!(async audit_entries_record_the_actor_and_address);
async fn audit_entries_record_the_actor_and_address(backend: Backend) {
    let db = TestDb::open(backend).await;
    let acct = db.account_with_password("audit@example.com").await;
    let actor = actor_at(&acct.public_id, "192.0.2.9");
    let key = db.create_key(&acct, "laptop", &actor).await.unwrap();
    db.record_event(&actor, "login.failed", "audit@example.com")
        .await
        .unwrap();
    let log = db.audit_log(10).await.unwrap();
    assert_eq!(log[0].action, "login.failed");
    assert_eq!(log[0].ip.as_deref(), Some("192.0.2.9"));
    assert_eq!(log[1].action, "key.create");
    assert_eq!(log[1].actor, acct.public_id);
    assert_eq!(log[1].ip.as_deref(), Some("192.0.2.9"));
    assert!(log[1].subject.contains(&key.public_key));
    // Actors without an address (the CLI) leave it empty.
    assert_eq!(log[2].action, "account.create");
    assert_eq!(log[2].ip, None);
}

backend_tests!(async downloads_are_grouped_per_package_and_day);
async fn downloads_are_grouped_per_package_and_day(backend: Backend) {
    let db = TestDb::open(backend).await;
    let day = 20_000_i64;
    let event = |package: &str, at: i64| DownloadEvent {
        account_id: None,
        package: package.into(),
        version: "1.0.0.0".into(),
        at,
    };
    db.record_downloads(&[
        event("acme/a", day * 86400 + 5),
        event("acme/a", day * 86400 + 500),
        event("acme/a", (day + 1) * 86400),
        event("acme/b", (day + 1) * 86400 + 1),
        event("acme/b", (day - 5) * 86400),
    ])
    .await
    .unwrap();
    let series = db.daily_downloads(day * 86400).await.unwrap();
    let rows: Vec<(&str, i64, i64)> = series
        .iter()
        .map(|d| (d.package.as_str(), d.day, d.count))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("acme/a", day, 2),
            ("acme/a", day + 1, 1),
            ("acme/b", day + 1, 1)
        ]
    );
}

backend_tests!(async closed_accounts_can_be_reopened);
async fn closed_accounts_can_be_reopened(backend: Backend) {
    let db = TestDb::open(backend).await;
    let acct = db.account_with_password("reopen@example.com").await;
    let seq = db.change_seq().await.unwrap();
    let same = db.reopen_account(&acct.public_id, "t").await.unwrap();
    assert_eq!(same.status, "active");
    assert_eq!(
        db.change_seq().await.unwrap(),
        seq,
        "reopening an open account changes nothing"
    );
    db.close_account(&acct.public_id, "t").await.unwrap();
    let reopened = db.reopen_account(&acct.public_id, "ops").await.unwrap();
    assert!(!reopened.is_closed());
    assert_eq!(db.audit_log(1).await.unwrap()[0].action, "account.reopen");
    assert!(matches!(
        db.reopen_account("MAG999999999", "t").await,
        Err(StoreError::NotFound(_))
    ));
}
