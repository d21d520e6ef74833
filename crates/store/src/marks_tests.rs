//! Advisories, abandoned packages, recalls and notices on both backends: ids numbered per
//! year, withdrawals kept but out of force, marks that only move forward, recalls undone,
//! and every change logged for the servers and audited.

use packyard_testkit::{Backend, backend_tests};

use crate::advisories::NewAdvisory;
use crate::changes::ChangeKind;
use crate::error::StoreError;
use crate::packages::NewVersion;
use crate::snapshot_rows::Scope;
use crate::tests::TestDb;

async fn published(db: &TestDb, name: &str, version: &str, normalized: &str) {
    let sha = format!("{name}{version}");
    db.publish_version(
        &NewVersion {
            name,
            version,
            version_normalized: normalized,
            manifest: "{}",
            released_at: 1,
            sha1: &sha,
            sha256: &sha,
            size: 1,
            blob_key: &sha,
        },
        "test",
    )
    .await
    .unwrap();
}

fn advisory<'a>(package: &'a str, reported_at: i64) -> NewAdvisory<'a> {
    NewAdvisory {
        package,
        affected_versions: "<1.4.2",
        title: "Greeting is too friendly",
        link: Some("https://example.test/a"),
        cve: Some("CVE-2099-0001"),
        severity: Some("high"),
        reported_at,
    }
}

async fn last_change(db: &TestDb) -> (ChangeKind, i64) {
    let changes = db.changes_since(0, 1_000).await.unwrap();
    let last = changes.last().unwrap();
    (last.kind, last.entity)
}

backend_tests!(async advisories_are_numbered_withdrawn_and_logged);
async fn advisories_are_numbered_withdrawn_and_logged(backend: Backend) {
    let db = TestDb::open(backend).await;
    let b = db.backend_name();
    published(&db, "acme/hello", "1.4.1", "1.4.1.0").await;
    let missing = advisory("acme/nope", 1_767_225_600);
    let refused = db.add_advisory(&missing, "t").await;
    assert!(matches!(refused, Err(StoreError::NotFound(_))), "{b}");

    // 2026-01-01 and 2025-06-01: numbered per year of the report.
    let first = db
        .add_advisory(&advisory("acme/hello", 1_767_225_600), "t")
        .await
        .unwrap();
    let second = db
        .add_advisory(&advisory("acme/hello", 1_767_225_700), "t")
        .await
        .unwrap();
    let older = db
        .add_advisory(&advisory("acme/hello", 1_748_736_000), "t")
        .await
        .unwrap();
    assert_eq!(first.advisory_id, "PKSA-2026-0001", "{b}");
    assert_eq!(second.advisory_id, "PKSA-2026-0002", "{b}");
    assert_eq!(older.advisory_id, "PKSA-2025-0001", "{b}");
    assert_eq!(first.cve.as_deref(), Some("CVE-2099-0001"), "{b}");
    let (kind, entity) = last_change(&db).await;
    assert_eq!(kind, ChangeKind::Package, "{b}");
    assert_eq!(entity, first.package_id, "{b}");

    let withdrawn = db.withdraw_advisory("PKSA-2026-0001", "t").await.unwrap();
    assert!(withdrawn.withdrawn_at.is_some(), "{b}");
    assert!(matches!(
        db.withdraw_advisory("PKSA-2026-0001", "t").await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        db.withdraw_advisory("PKSA-2026-0099", "t").await,
        Err(StoreError::NotFound(_))
    ));
    let in_force: Vec<String> = db
        .advisories_in_force(Scope::All)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.advisory_id)
        .collect();
    assert_eq!(in_force, ["PKSA-2025-0001", "PKSA-2026-0002"], "{b}");
    assert_eq!(db.advisories(Some("acme/hello")).await.unwrap().len(), 3);
    assert!(db.advisories(Some("acme/other")).await.unwrap().is_empty());
    // The id of a withdrawn advisory is never reused.
    let next = db
        .add_advisory(&advisory("acme/hello", 1_767_225_800), "t")
        .await
        .unwrap();
    assert_eq!(next.advisory_id, "PKSA-2026-0003", "{b}");
    let actions = db.audit_actions(20).await;
    assert!(actions.contains(&"advisory.withdraw".to_string()), "{b}");
}

backend_tests!(async abandon_and_recall_are_undoable_and_marks_only_grow);
async fn abandon_and_recall_are_undoable_and_marks_only_grow(backend: Backend) {
    let db = TestDb::open(backend).await;
    let b = db.backend_name();
    published(&db, "acme/hello", "1.0.0", "1.0.0.0").await;
    published(&db, "acme/hello", "1.1.0", "1.1.0.0").await;
    published(&db, "acme/other", "1.0.0", "1.0.0.0").await;
    assert!(
        db.package_marks(Scope::All).await.unwrap().is_empty(),
        "{b}"
    );

    db.set_abandoned("acme/hello", Some(Some("acme/other")), "t")
        .await
        .unwrap();
    let marks = db.package_marks(Scope::All).await.unwrap();
    assert_eq!(marks.len(), 1, "{b}");
    assert!(marks[0].abandoned, "{b}");
    assert_eq!(marks[0].replacement.as_deref(), Some("acme/other"), "{b}");
    let stamp = marks[0].marks_changed_at;

    db.set_abandoned("acme/hello", None, "t").await.unwrap();
    let marks = db.package_marks(Scope::Ids(&[marks[0].package_id])).await;
    let marks = marks.unwrap();
    assert!(!marks[0].abandoned && marks[0].replacement.is_none(), "{b}");
    assert!(
        marks[0].marks_changed_at > stamp,
        "{b}: removing a mark moves the stamp on"
    );
    assert!(matches!(
        db.set_abandoned("acme/nope", None, "t").await,
        Err(StoreError::NotFound(_))
    ));

    db.recall_version("acme/hello", "1.1.0.0", "corrupts the cart", "t")
        .await
        .unwrap();
    assert!(matches!(
        db.recall_version("acme/hello", "1.1.0.0", "again", "t")
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        db.recall_version("acme/hello", "9.0.0.0", "no", "t").await,
        Err(StoreError::NotFound(_))
    ));
    let recalls = db.recalls_in(Scope::All).await.unwrap();
    assert_eq!(recalls.len(), 1, "{b}");
    assert_eq!(
        (recalls[0].version.as_str(), recalls[0].reason.as_str()),
        ("1.1.0", "corrupts the cart"),
        "{b}"
    );
    assert_eq!(db.recalls(Some("acme/other")).await.unwrap().len(), 0);
    db.unrecall_version("acme/hello", "1.1.0.0", "t")
        .await
        .unwrap();
    assert!(db.recalls(None).await.unwrap().is_empty(), "{b}");
    assert!(matches!(
        db.unrecall_version("acme/hello", "1.1.0.0", "t").await,
        Err(StoreError::NotFound(_))
    ));
    let actions = db.audit_actions(20).await;
    for action in ["version.recall", "version.unrecall", "package.abandon"] {
        assert!(actions.iter().any(|a| a == action), "{b}: {action} audited");
    }
}

backend_tests!(async notices_are_set_replaced_and_cleared);
async fn notices_are_set_replaced_and_cleared(backend: Backend) {
    let db = TestDb::open(backend).await;
    let b = db.backend_name();
    db.set_notice("warning", "maintenance at 22:00", ">=2.0", "t")
        .await
        .unwrap();
    db.set_notice("warning", "maintenance at 23:00", ">=2.0", "t")
        .await
        .unwrap();
    db.set_notice("info", "new docs", "*", "t").await.unwrap();
    assert!(matches!(
        db.set_notice("shout", "x", "*", "t").await,
        Err(StoreError::Invalid(_))
    ));
    let notices = db.notices().await.unwrap();
    assert_eq!(notices.len(), 2, "{b}");
    assert_eq!(notices[1].message, "maintenance at 23:00", "{b}");
    assert_eq!(last_change(&db).await.0, ChangeKind::Notices, "{b}");
    assert_eq!(db.clear_notice(Some("info"), "t").await.unwrap(), 1);
    assert_eq!(db.clear_notice(None, "t").await.unwrap(), 1);
    assert!(db.notices().await.unwrap().is_empty(), "{b}");
}

/// The CLI writes while the server runs: a write transaction that reads before it writes
/// must wait for the server's write to commit, not fail with "database is locked" (SQLite
/// refuses a deferred transaction's upgrade once another connection has committed since its
/// first read, whatever the busy timeout).
#[tokio::test]
async fn a_write_that_reads_first_waits_for_another_connection_s_write() {
    let db = TestDb::open(Backend::Sqlite).await;
    published(&db, "acme/hello", "1.4.1", "1.4.1.0").await;
    let crate::db::Db::Sqlite(pool) = &*db else {
        unreachable!("a SQLite test database")
    };
    // The "server": a second connection holding the write lock with a change under way.
    let mut server = pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
    sqlx::query("UPDATE packages SET created_at = created_at + 1")
        .execute(&mut *server)
        .await
        .unwrap();
    let cli: crate::db::Db = (*db).clone();
    let adding = tokio::spawn(async move {
        cli.add_advisory(&advisory("acme/hello", 1_767_225_600), "t")
            .await
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    server.commit().await.unwrap();
    let added = adding
        .await
        .unwrap()
        .expect("the advisory waits, then is written");
    assert_eq!(added.advisory_id, "PKSA-2026-0001");
}
