//! Conformance tests: every test body runs as two tests, `name::sqlite` (a temp file) and
//! `name::postgres` (a fresh database on the server named by `PACKYARD_TEST_POSTGRES`), through
//! `packyard_testkit::backend_tests!`.

use std::ops::Deref;

use chrono::NaiveDate;
use packyard_testkit::{Backend, TestDatabase, backend_tests};

use crate::accounts::NewAccount;
use crate::db::Db;
use crate::error::StoreError;
use crate::packages::{NewVersion, PublishOutcome};
use crate::secret::sha256;
use crate::snapshot_rows::Scope;

/// A migrated, empty database on one backend for one test, removed when this is dropped.
/// Derefs to [`Db`].
pub(crate) struct TestDb {
    db: Db,
    _database: TestDatabase,
}

impl TestDb {
    pub(crate) async fn open(backend: Backend) -> TestDb {
        let database = TestDatabase::create(backend);
        TestDb {
            db: Db::connect(&database.url, true).await.unwrap(),
            _database: database,
        }
    }
}

impl TestDb {
    /// A database with the migrations up to `last` applied, to test the next one's data
    /// changes.
    pub(crate) async fn open_at(backend: Backend, last: i64) -> TestDb {
        let database = TestDatabase::create_empty(backend);
        let db = Db::connect(&database.url, false).await.unwrap();
        db.migrate_up_to(last).await.unwrap();
        TestDb {
            db,
            _database: database,
        }
    }

    /// Creates an active account called Acme Corp with `email`.
    pub(crate) async fn test_account(&self, email: &str) -> crate::accounts::Account {
        self.create_account(new_account(email), "test")
            .await
            .unwrap()
    }
}

impl Deref for TestDb {
    type Target = Db;
    fn deref(&self) -> &Db {
        &self.db
    }
}

fn new_account<'a>(email: &'a str) -> NewAccount<'a> {
    NewAccount {
        email,
        name: "Acme Corp",
        id_prefix: "MAG",
        password_hash: None,
    }
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

backend_tests!(async accounts_get_sequential_never_reused_ids);
async fn accounts_get_sequential_never_reused_ids(backend: Backend) {
    let db = TestDb::open(backend).await;
    let a = db.test_account("a@example.com").await;
    let b = db.test_account("b@example.com").await;
    assert_eq!(a.public_id, "MAG000000001");
    assert_eq!(b.public_id, "MAG000000002");
    let dup = db
        .create_account(new_account("A@example.com"), "test")
        .await
        .unwrap_err();
    assert!(matches!(dup, StoreError::Conflict(_)), "{dup}");
    // The failed insert must not have consumed or reused an id visible to anyone.
    let c = db.test_account("c@example.com").await;
    assert!(c.public_id > b.public_id);
    assert_eq!(
        db.account("mag000000001").await.unwrap().email,
        "a@example.com"
    );
    let closed = db.close_account(&a.public_id, "test").await.unwrap();
    assert!(closed.is_closed());
    assert!(matches!(
        db.account("MAG999").await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        db.create_account(new_account("not-an-email"), "t").await,
        Err(StoreError::Invalid(_))
    ));
}

backend_tests!(async keys_store_only_a_hash_and_change_state);
async fn keys_store_only_a_hash_and_change_state(backend: Backend) {
    let db = TestDb::open(backend).await;
    let seq0 = db.change_seq().await.unwrap();
    let acct = db.test_account("k@example.com").await;
    let key = db.create_key(&acct, "alice laptop", "t").await.unwrap();
    assert_eq!(key.public_key.len(), 32);
    assert_eq!(key.private_key.len(), 32);
    let stored = db.key(&key.public_key).await.unwrap();
    assert_eq!(stored.private_key_hash, sha256(&key.private_key));
    assert!(stored.enabled);
    assert!(db.change_seq().await.unwrap() > seq0);

    let disabled = db
        .set_key_enabled(&key.public_key, false, "t")
        .await
        .unwrap();
    assert!(!disabled.enabled);
    db.record_key_uses(&[(key.public_key.clone(), 1_700_000_000, "10.0.0.1".into())])
        .await
        .unwrap();
    let used = db.key(&key.public_key).await.unwrap();
    assert_eq!(used.last_used_ip.as_deref(), Some("10.0.0.1"));
    db.delete_key(&key.public_key, "t").await.unwrap();
    assert!(matches!(
        db.key(&key.public_key).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        db.create_key(&acct, "  ", "t").await,
        Err(StoreError::Invalid(_))
    ));
    let audit = db.audit_log(10).await.unwrap();
    assert_eq!(audit[0].action, "key.delete");
}

backend_tests!(async a_key_s_product_slugs_are_trimmed_and_empty_ones_skipped);
async fn a_key_s_product_slugs_are_trimmed_and_empty_ones_skipped(backend: Backend) {
    let db = TestDb::open(backend).await;
    let account = db.test_account("ops@acme.test").await;
    let patterns = ["acme/*".to_string()];
    db.create_product("acme-pro", "Acme Pro", &patterns, true, "t")
        .await
        .unwrap();
    let id = &account.public_id;
    let slugs = [" acme-pro ".to_string(), String::new(), "  ".to_string()];
    db.add_account_key(id, "ci", &slugs, None, "t")
        .await
        .unwrap();
    let keys = db.keys_of(&account).await.unwrap();
    assert_eq!(keys.len(), 1, "{}", db.backend_name());
    assert_eq!(keys[0].products, ["acme-pro"], "{}", db.backend_name());
    let unknown = ["acme-pro".to_string(), "nope".to_string()];
    let refused = db.add_account_key(id, "x", &unknown, None, "t").await;
    assert!(
        matches!(refused, Err(StoreError::NotFound(_))),
        "{refused:?}"
    );
    assert_eq!(
        db.keys_of(&account).await.unwrap().len(),
        1,
        "nothing added"
    );
}

backend_tests!(async one_download_token_per_account);
async fn one_download_token_per_account(backend: Backend) {
    let db = TestDb::open(backend).await;
    let acct = db.test_account("t@example.com").await;
    let first = db.generate_token(&acct, "t").await.unwrap();
    let second = db.generate_token(&acct, "t").await.unwrap();
    assert_ne!(first, second);
    let all = db.account_rows(Scope::All).await.unwrap().tokens;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].token_hash, sha256(&second));
}

backend_tests!(async products_entitlements_and_invoices);
async fn products_entitlements_and_invoices(backend: Backend) {
    let db = TestDb::open(backend).await;
    let acct = db.test_account("p@example.com").await;
    let patterns = crate::products::parse_patterns("acme/*, acme/extra").unwrap();
    let product = db
        .create_product("acme-pro", "Acme Pro", &patterns, false, "t")
        .await
        .unwrap();
    assert_eq!(product.patterns, vec!["acme/*", "acme/extra"]);
    assert!(matches!(
        db.create_product("acme-pro", "x", &patterns, false, "t")
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(crate::products::parse_patterns("Acme/X").is_err());

    db.grant(&acct, &product, Some(date("2025-01-31")), "t")
        .await
        .unwrap();
    db.grant(&acct, &product, Some(date("2025-06-30")), "t")
        .await
        .unwrap();
    let ents = db.entitlements_of(&acct).await.unwrap();
    assert_eq!(ents.len(), 1);
    assert_eq!(ents[0].updates_until_date(), Some(date("2025-06-30")));
    db.revoke(&acct, &product, "t").await.unwrap();
    assert!(matches!(
        db.revoke(&acct, &product, "t").await,
        Err(StoreError::NotFound(_))
    ));

    let inv = db
        .add_invoice(&acct, "INV-1001", "100.5", "eur", date("2026-01-01"), "t")
        .await
        .unwrap();
    assert_eq!(inv.amount(), "100.50");
    assert_eq!(inv.currency, "EUR");
    assert!(matches!(
        db.add_invoice(&acct, "INV-1001", "1", "EUR", date("2026-01-01"), "t")
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        db.add_invoice(&acct, "INV-1002", "-1", "EUR", date("2026-01-01"), "t")
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(db.account_rows(Scope::All).await.unwrap().unpaid.len(), 1);
    let paid = db.pay_invoice("INV-1001", "t").await.unwrap();
    assert!(paid.paid_at.is_some());
    assert!(db.account_rows(Scope::All).await.unwrap().unpaid.is_empty());
}

backend_tests!(async an_invoice_is_closed_once_paid_or_void);
async fn an_invoice_is_closed_once_paid_or_void(backend: Backend) {
    let db = TestDb::open(backend).await;
    let acct = db.test_account("close@example.com").await;
    for number in ["INV-P", "INV-V"] {
        db.add_invoice(&acct, number, "5", "EUR", date("2026-01-01"), "t")
            .await
            .unwrap();
    }
    let paid = db.pay_invoice("INV-P", "t").await.unwrap();
    assert_eq!(
        db.pay_invoice("INV-P", "t").await.unwrap().paid_at,
        paid.paid_at
    );
    let voided = db.void_invoice("INV-V", "twice", "t").await.unwrap();
    let again = db.void_invoice("INV-V", "other", "t").await.unwrap();
    assert_eq!(again.void_reason.as_deref(), Some("twice"));
    assert_eq!(again.voided_at, voided.voided_at);
    let conflict = |r: crate::error::Result<_>| match r {
        Err(StoreError::Conflict(m)) => m,
        other => panic!("expected a conflict, got {other:?}"),
    };
    let paying_void = conflict(db.pay_invoice("INV-V", "t").await);
    assert_eq!(paying_void, "invoice INV-V is void and cannot be paid");
    let voiding_paid = conflict(db.void_invoice("INV-P", "late", "t").await);
    assert_eq!(voiding_paid, "invoice INV-P is paid and cannot be voided");
}

backend_tests!(async versions_are_immutable);
async fn versions_are_immutable(backend: Backend) {
    let db = TestDb::open(backend).await;
    let v = NewVersion {
        name: "acme/hello",
        version: "1.0.0",
        version_normalized: "1.0.0.0",
        manifest: r#"{"name":"acme/hello","version":"1.0.0"}"#,
        released_at: 1_700_000_000,
        sha1: "aa",
        sha256: "bb",
        size: 10,
        blob_key: "dists/bb.zip",
    };
    assert_eq!(
        db.publish_version(&v, "t").await.unwrap(),
        PublishOutcome::Published
    );
    let seq = db.change_seq().await.unwrap();
    assert_eq!(
        db.publish_version(&v, "t").await.unwrap(),
        PublishOutcome::Unchanged
    );
    assert_eq!(
        db.change_seq().await.unwrap(),
        seq,
        "a no-op publish must not signal a change"
    );
    let other = NewVersion { sha256: "cc", ..v };
    assert!(matches!(
        db.publish_version(&other, "t").await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(listed(&db).await.len(), 1);
    db.unlist_version("acme/hello", "1.0.0.0", "t")
        .await
        .unwrap();
    assert!(listed(&db).await.is_empty());
    assert!(matches!(
        db.publish_version(&other, "t").await,
        Err(StoreError::Conflict(_))
    ));
    let v = NewVersion {
        sha256: "bb",
        ..other
    };
    assert_eq!(
        db.publish_version(&v, "t").await.unwrap(),
        PublishOutcome::Published
    );
    assert_eq!(listed(&db).await.len(), 1);
}

#[test]
fn both_backends_have_the_same_migrations() {
    let names = |dir: &str| {
        let mut v: Vec<String> =
            std::fs::read_dir(format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR")))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
        v.sort();
        v
    };
    assert_eq!(names("sqlite"), names("postgres"));
}

backend_tests!(async releases_are_unique_and_validated);
async fn releases_are_unique_and_validated(backend: Backend) {
    let db = TestDb::open(backend).await;
    let patterns = crate::products::parse_patterns("acme/*").unwrap();
    let product = db
        .create_product("ce", "CE", &patterns, false, "t")
        .await
        .unwrap();
    let new = crate::releases::NewRelease {
        file_name: "Acme-CE-2.4.7.tar.gz",
        kind: "ce-full",
        version: "2.4.7",
        size: 3,
        md5: "m",
        sha256: "s",
        blob_key: "releases/s.bin",
    };
    let r = db.add_release(&product, &new, "t").await.unwrap();
    assert_eq!((r.kind.as_str(), r.size), ("ce-full", 3));
    assert!(matches!(
        db.add_release(&product, &new, "t").await,
        Err(StoreError::Conflict(_))
    ));
    for (file_name, kind, version) in [
        ("../x", "ce-full", "1"),
        ("a.zip", "full", "1"),
        ("b.zip", "other", "1 0"),
        (".hidden", "other", "1"),
    ] {
        let bad = crate::releases::NewRelease {
            file_name,
            kind,
            version,
            ..new
        };
        assert!(
            matches!(
                db.add_release(&product, &bad, "t").await,
                Err(StoreError::Invalid(_))
            ),
            "{file_name} {kind} {version}"
        );
    }
    assert_eq!(db.releases().await.unwrap().len(), 1);
}

async fn listed(db: &Db) -> Vec<crate::packages::PackageVersion> {
    let mut all = db.versions_page(0, 1_000).await.unwrap();
    all.retain(|v| v.unlisted_at.is_none());
    all
}
