//! Conformance tests: every test body runs against SQLite (a temp file) and PostgreSQL (a
//! fresh database on the server named by `PACKYARD_TEST_POSTGRES`, which `.ci/run` starts).
//! Without that variable the tests fail rather than silently covering one backend, unless
//! `PACKYARD_TEST_SKIP_POSTGRES=1` says so explicitly.

use crate::snapshot_rows::Scope;
use std::future::Future;

use chrono::NaiveDate;

use crate::accounts::NewAccount;
use crate::packages::{NewVersion, PublishOutcome};
use crate::secret::sha256;
use crate::{Db, StoreError};

pub(crate) async fn each_backend<F, Fut>(test: F)
where
    F: Fn(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_data_dir(dir.path()).await.unwrap();
    test(db.clone()).await;
    db.close().await;

    if std::env::var("PACKYARD_TEST_SKIP_POSTGRES").as_deref() == Ok("1") {
        return;
    }
    let admin_url = std::env::var("PACKYARD_TEST_POSTGRES").expect(
        "PACKYARD_TEST_POSTGRES must name a PostgreSQL server (e.g. postgres://root:root@127.0.0.1/postgres); \
         run the suite through .ci/run, or set PACKYARD_TEST_SKIP_POSTGRES=1",
    );
    let (url, drop_db) = fresh_postgres_database(&admin_url).await;
    let db = Db::connect(&url, true).await.unwrap();
    test(db.clone()).await;
    db.close().await;
    drop_db.await;
}

/// Creates an empty database for one test and returns its URL and a future that drops it.
pub(crate) async fn fresh_postgres_database(admin_url: &str) -> (String, impl Future<Output = ()>) {
    let name = format!(
        "packyard_test_{}",
        crate::secret::random_alphanumeric(12).to_ascii_lowercase()
    );
    let admin = Db::connect(admin_url, false).await.unwrap();
    let Db::Postgres(pool) = &admin else {
        panic!("PACKYARD_TEST_POSTGRES is not a postgres:// URL")
    };
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(pool)
        .await
        .unwrap();
    let base = admin_url.rsplit_once('/').map_or(admin_url, |(b, _)| b);
    let url = format!("{base}/{name}");
    let cleanup = async move {
        if let Db::Postgres(pool) = &admin {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(pool)
            .await;
        }
        admin.close().await;
    };
    (url, cleanup)
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

#[tokio::test]
async fn accounts_get_sequential_never_reused_ids() {
    each_backend(|db| async move {
        let a = db
            .create_account(new_account("a@example.com"), "test")
            .await
            .unwrap();
        let b = db
            .create_account(new_account("b@example.com"), "test")
            .await
            .unwrap();
        assert_eq!(a.public_id, "MAG000000001");
        assert_eq!(b.public_id, "MAG000000002");
        let dup = db
            .create_account(new_account("A@example.com"), "test")
            .await
            .unwrap_err();
        assert!(matches!(dup, StoreError::Conflict(_)), "{dup}");
        // The failed insert must not have consumed or reused an id visible to anyone.
        let c = db
            .create_account(new_account("c@example.com"), "test")
            .await
            .unwrap();
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
    })
    .await;
}

#[tokio::test]
async fn keys_store_only_a_hash_and_change_state() {
    each_backend(|db| async move {
        let seq0 = db.change_seq().await.unwrap();
        let acct = db
            .create_account(new_account("k@example.com"), "t")
            .await
            .unwrap();
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
    })
    .await;
}

#[tokio::test]
async fn one_download_token_per_account() {
    each_backend(|db| async move {
        let acct = db
            .create_account(new_account("t@example.com"), "t")
            .await
            .unwrap();
        let first = db.generate_token(&acct, "t").await.unwrap();
        let second = db.generate_token(&acct, "t").await.unwrap();
        assert_ne!(first, second);
        let all = db.account_rows(Scope::All).await.unwrap().tokens;
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].token_hash, sha256(&second));
    })
    .await;
}

#[tokio::test]
async fn products_entitlements_and_invoices() {
    each_backend(|db| async move {
        let acct = db
            .create_account(new_account("p@example.com"), "t")
            .await
            .unwrap();
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
    })
    .await;
}

#[tokio::test]
async fn versions_are_immutable() {
    each_backend(|db| async move {
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
    })
    .await;
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

#[tokio::test]
async fn releases_are_unique_and_validated() {
    each_backend(|db| async move {
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
    })
    .await;
}

/// The listed versions of every package.
async fn listed(db: &Db) -> Vec<crate::packages::PackageVersion> {
    let mut all = db.versions_page(0, 1_000).await.unwrap();
    all.retain(|v| v.unlisted_at.is_none());
    all
}
