//! The change feed applies each kind of change without a full reload, on both backends, and
//! the precomputed, licence-filtered p2 bodies hold exactly the versions the licence covers.

use std::sync::Arc;

use chrono::NaiveDate;
use packyard_store::Db;
use packyard_store::accounts::NewAccount;
use packyard_store::packages::NewVersion;
use packyard_testkit::{Backend, TestDatabase, backend_tests};

use super::{Feed, Refresh, Uncounted, refresh};
use crate::access::Seat;
use crate::config::Config;
use crate::metadata::render_p2;
use crate::rules::{Licence, Terms};

const ACTOR: &str = "test";

async fn publish(db: &Db, name: &str, version: &str, released: &str) {
    let released_at = NaiveDate::parse_from_str(released, "%Y-%m-%d")
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp();
    let sha = format!("{:0>40}", format!("{name}{version}").len());
    let manifest = format!(r#"{{"name":"{name}","version":"{version}","type":"library"}}"#);
    db.publish_version(
        &NewVersion {
            name,
            version,
            version_normalized: &format!("{version}.0"),
            manifest: &manifest,
            released_at,
            sha1: &sha,
            sha256: &format!("{name}{version}"),
            size: 1,
            blob_key: "dists/none.zip",
        },
        ACTOR,
    )
    .await
    .unwrap();
}

/// The versions a p2 body lists, in order.
fn versions_in(body: &[u8], name: &str) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_slice(body).unwrap();
    doc["packages"][name]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_str().unwrap().to_string())
        .collect()
}

backend_tests!(async feed_applies_changes_incrementally);
async fn feed_applies_changes_incrementally(backend: Backend) {
    let database = TestDatabase::create(backend);
    let db = Db::connect(&database.url, true).await.unwrap();
    let product = db
        .create_product("pro", "Pro", &["acme/*".to_string()], false, ACTOR)
        .await
        .unwrap();
    let account = db
        .create_account(
            NewAccount {
                email: "a@example.com",
                name: "A",
                id_prefix: "MAG",
                password_hash: None,
            },
            ACTOR,
        )
        .await
        .unwrap();
    let until = NaiveDate::from_ymd_opt(2024, 6, 30);
    db.grant(&account, &product, until, ACTOR).await.unwrap();
    let key = db.create_key(&account, "ci", ACTOR).await.unwrap();
    publish(&db, "acme/a", "1.0.0", "2024-01-01").await;
    publish(&db, "acme/a", "1.1.0", "2024-06-30").await;
    publish(&db, "acme/a", "1.2.0", "2024-07-01").await;
    publish(&db, "acme/b", "1.0.0", "2024-01-01").await;

    let config = Config::new("http://127.0.0.1:1");
    let state = Feed::load(db.clone(), &config, Arc::new(Uncounted))
        .await
        .unwrap();
    let first = state.snapshot();
    assert_eq!(first.full_loads, 1);
    assert_eq!(refresh(&state).await.unwrap(), Refresh::Unchanged);

    // Licence filtering: the cutoff sees exactly the releases on or before it.
    let a = first.packages.get("acme/a").unwrap();
    let entry = first.accounts.get_arc(&account.id).unwrap().clone();
    let seats = [Seat {
        account: entry,
        scope: None,
    }];
    let licence = first.licence(&seats, a).unwrap();
    assert_eq!(licence, Licence::new(Terms::until(until.unwrap())));
    let filtered = render_p2("acme/a", a, &licence, false, &Config::new("http://h"));
    assert_eq!(versions_in(&filtered.body, "acme/a"), ["1.1.0", "1.0.0"]);
    let all = render_p2(
        "acme/a",
        a,
        &Licence::unlimited(),
        false,
        &Config::new("http://h"),
    );
    assert_eq!(
        versions_in(&all.body, "acme/a"),
        ["1.2.0", "1.1.0", "1.0.0"]
    );
    let b_before = first.packages.get_arc("acme/b").unwrap().clone();

    // A key disable reaches the snapshot without a full reload.
    db.set_key_enabled(&key.public_key, false, ACTOR)
        .await
        .unwrap();
    assert_eq!(refresh(&state).await.unwrap(), Refresh::Incremental(1));
    let s = state.snapshot();
    assert!(!s.keys.get(key.public_key.as_str()).unwrap().enabled);
    assert!(first.keys.get(key.public_key.as_str()).unwrap().enabled);

    // A publish replaces that package only; the other keeps its entry and rendered cache.
    publish(&db, "acme/a", "1.0.1", "2024-02-01").await;
    assert_eq!(refresh(&state).await.unwrap(), Refresh::Incremental(1));
    let s = state.snapshot();
    assert!(Arc::ptr_eq(
        s.packages.get_arc("acme/b").unwrap(),
        &b_before
    ));
    let a = s.packages.get("acme/a").unwrap();
    let body = render_p2("acme/a", a, &licence, false, &Config::new("http://h"));
    assert_eq!(
        versions_in(&body.body, "acme/a"),
        ["1.1.0", "1.0.1", "1.0.0"]
    );

    // An overdue invoice puts the account on hold; paying lifts it, incrementally.
    let today = chrono::Utc::now().date_naive();
    let due = today - chrono::Days::new(3);
    db.add_invoice(&account, "INV-1", "10.00", "EUR", due, ACTOR)
        .await
        .unwrap();
    db.pay_invoice("INV-1", ACTOR).await.unwrap();
    db.add_invoice(&account, "INV-2", "10.00", "EUR", due, ACTOR)
        .await
        .unwrap();
    assert_eq!(refresh(&state).await.unwrap(), Refresh::Incremental(3));
    let s = state.snapshot();
    let entry = s.accounts.get(&account.id).unwrap();
    assert_eq!(entry.billing_hold(today, 0).unwrap().number, "INV-2");
    db.pay_invoice("INV-2", ACTOR).await.unwrap();
    assert_eq!(refresh(&state).await.unwrap(), Refresh::Incremental(1));
    let s = state.snapshot();
    assert!(
        s.accounts
            .get(&account.id)
            .unwrap()
            .billing_hold(today, 0)
            .is_none()
    );
    assert_eq!(s.full_loads, 1, "no full reload so far");

    // Deleting a key removes it; a new product is a wide change and reloads everything.
    db.delete_key(&key.public_key, ACTOR).await.unwrap();
    assert_eq!(refresh(&state).await.unwrap(), Refresh::Incremental(1));
    assert!(state.snapshot().keys.get(key.public_key.as_str()).is_none());
    db.create_product("extra", "Extra", &["other/*".to_string()], true, ACTOR)
        .await
        .unwrap();
    assert_eq!(refresh(&state).await.unwrap(), Refresh::Full);
    assert_eq!(state.snapshot().full_loads, 2);
    assert_eq!(state.snapshot().products.len(), 2);
}

backend_tests!(async backlog_applies_within_a_second);
/// A backlog of thousands of changes (a bulk import, a node back from a pause) is applied
/// incrementally, in bulk, within the SPEC's one second.
async fn backlog_applies_within_a_second(backend: Backend) {
    let database = TestDatabase::create(backend);
    let db = Db::connect(&database.url, true).await.unwrap();
    const ACCOUNTS: usize = 1_000;
    let config = Config::new("http://127.0.0.1:1");
    let state = Feed::load(db.clone(), &config, Arc::new(Uncounted))
        .await
        .unwrap();
    for i in 0..ACCOUNTS {
        let account = db
            .create_account(
                NewAccount {
                    email: &format!("bulk{i}@example.com"),
                    name: "Bulk",
                    id_prefix: "MAG",
                    password_hash: None,
                },
                ACTOR,
            )
            .await
            .unwrap();
        db.create_key(&account, "ci", ACTOR).await.unwrap();
    }
    let started = std::time::Instant::now();
    let refreshed = refresh(&state).await.unwrap();
    let took = started.elapsed();

    assert_eq!(refreshed, Refresh::Incremental(2 * ACCOUNTS), "{backend}");
    assert!(
        took < std::time::Duration::from_secs(1),
        "{backend}: {} changes took {took:?}",
        2 * ACCOUNTS
    );
    let s = state.snapshot();
    assert_eq!(s.keys.len(), ACCOUNTS, "{backend}");
    assert_eq!(s.accounts.len(), ACCOUNTS, "{backend}");
}

/// On PostgreSQL a committed change wakes the feed through LISTEN/NOTIFY, without a poll.
#[tokio::test]
async fn postgres_announces_changes() {
    let database = TestDatabase::create(Backend::Postgres);
    let db = Db::connect(&database.url, true).await.unwrap();
    {
        let wakeup = super::wakeup::Wakeup::start(db.clone());
        for attempt in 0..20 {
            // Until the listener is connected, a change goes unannounced; try again.
            let email = format!("notify{attempt}@example.com");
            let account = NewAccount {
                email: &email,
                name: "Notify",
                id_prefix: "MAG",
                password_hash: None,
            };
            db.create_account(account, ACTOR).await.unwrap();
            let woken = tokio::time::timeout(
                std::time::Duration::from_millis(250),
                wakeup.notify.notified(),
            );
            if woken.await.is_ok() {
                return;
            }
        }
        panic!("postgres: no change notification arrived");
    }
}
