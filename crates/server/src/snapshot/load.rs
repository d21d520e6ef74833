//! Building snapshots: everything at startup ([`Snapshot::load`]), and one entity at a time
//! afterwards ([`Snapshot::reload_account`], [`Snapshot::reload_package`], …) on a clone of
//! the current snapshot, which is what the change feed does for each change-log entry.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::AtomicI64;

use chrono::{DateTime, Utc};
use packyard_store::accounts::Account;
use packyard_store::packages::PackageVersion;
use packyard_store::{Db, Result};

use super::{
    AccountEntry, AdminToken, KeyEntry, PackageEntry, ProductEntry, ReleaseEntry, RootCache,
    ShardedMap, Snapshot, UnpaidInvoice, VersionEntry, pattern_matches,
};

fn date_of(unix: i64) -> chrono::NaiveDate {
    DateTime::<Utc>::from_timestamp(unix, 0)
        .unwrap_or_default()
        .date_naive()
}

/// The entry for one package from all its stored versions (listed or not, oldest first).
fn package_entry(
    name: &str,
    products: &[ProductEntry],
    rows: impl IntoIterator<Item = PackageVersion>,
) -> PackageEntry {
    let mut entry = PackageEntry {
        versions: Vec::new(),
        products: products
            .iter()
            .enumerate()
            .filter(|(_, p)| p.patterns.iter().any(|pat| pattern_matches(pat, name)))
            .map(|(i, _)| i)
            .collect(),
        changed_at: 0,
        rendered: Default::default(),
    };
    for v in rows {
        entry.changed_at = entry.changed_at.max(v.changed_at);
        if v.unlisted_at.is_some() {
            continue;
        }
        if !v.manifest.trim_start().starts_with('{') {
            tracing::error!(
                "stored manifest of {name} {} is not a JSON object; skipping it",
                v.version
            );
            continue;
        }
        entry.versions.push(VersionEntry {
            dev: packyard_composer::version::is_dev(&v.version_normalized),
            released_on: date_of(v.released_at),
            version: v.version,
            version_normalized: v.version_normalized,
            released_at: v.released_at,
            sha1: v.sha1,
            size: v.size,
            blob_key: v.blob_key,
            manifest: v.manifest.into_boxed_str(),
        });
    }
    entry.versions.shrink_to_fit();
    entry
}

impl Snapshot {
    /// Reads everything from the database. The change counter is read first, so a change
    /// committed during the load is applied again by the next poll (applying is idempotent).
    pub async fn load(db: &Db, previous: Option<&Snapshot>) -> Result<Snapshot> {
        let seq = db.change_seq().await?;
        let stored_products = db.products().await?;
        let product_index: HashMap<i64, usize> = stored_products
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id, i))
            .collect();
        let products_changed_at = stored_products
            .iter()
            .map(|p| p.created_at * 1000)
            .max()
            .unwrap_or(0);
        let products: Vec<ProductEntry> = stored_products
            .into_iter()
            .map(|p| ProductEntry {
                slug: p.slug,
                public: p.public,
                patterns: p.patterns,
            })
            .collect();
        let mut snapshot = Snapshot {
            seq,
            keys: ShardedMap::new(),
            accounts: ShardedMap::new(),
            account_ids: ShardedMap::new(),
            products: Arc::new(products),
            product_index: Arc::new(product_index),
            packages: ShardedMap::new(),
            admin_tokens: Arc::default(),
            download_tokens: ShardedMap::new(),
            releases: Arc::default(),
            catalog_changed_at: 0,
            products_changed_at,
            roots: Arc::default(),
            full_loads: previous.map_or(0, |p| p.full_loads) + 1,
        };
        snapshot.load_accounts(db).await?;
        snapshot.load_packages(db).await?;
        snapshot.reload_operators(db).await?;
        snapshot.reload_releases(db).await?;
        Ok(snapshot)
    }

    async fn load_accounts(&mut self, db: &Db) -> Result<()> {
        let mut accounts: HashMap<i64, AccountEntry> = HashMap::new();
        let mut account_ids = Vec::new();
        for a in db.accounts().await? {
            account_ids.push((a.public_id.clone(), a.id));
            accounts.insert(a.id, self.account_entry(&a));
        }
        for e in db.all_entitlements().await? {
            if let (Some(account), Some(&idx)) = (
                accounts.get_mut(&e.account_id),
                self.product_index.get(&e.product_id),
            ) {
                account.grants.insert(idx, e.updates_until_date());
            }
        }
        for inv in db.unpaid_invoices().await? {
            if let (Some(account), Some(due)) = (accounts.get_mut(&inv.account_id), inv.due()) {
                account.unpaid.push(UnpaidInvoice {
                    number: inv.number,
                    due,
                });
            }
        }
        let mut keys = Vec::new();
        for k in db.all_keys().await? {
            if let Some(account) = accounts.get_mut(&k.account_id) {
                account.keys.push(k.public_key.clone());
            }
            let entry = KeyEntry {
                private_key_hash: k.private_key_hash,
                enabled: k.enabled,
                account_id: k.account_id,
                use_recorded_at: AtomicI64::new(0),
            };
            keys.push((k.public_key, entry));
        }
        self.keys = keys.into_iter().collect();
        self.accounts = accounts.into_iter().collect();
        self.account_ids = account_ids.into_iter().collect();
        self.download_tokens = db
            .all_tokens()
            .await?
            .into_iter()
            .map(|t| (t.account_id, t.token_hash))
            .collect();
        Ok(())
    }

    fn account_entry(&self, a: &Account) -> AccountEntry {
        AccountEntry {
            closed: a.is_closed(),
            public_id: a.public_id.clone(),
            grants: HashMap::new(),
            unpaid: Vec::new(),
            licences_changed_at: a.licences_changed_at,
            keys: Vec::new(),
        }
    }

    async fn load_packages(&mut self, db: &Db) -> Result<()> {
        /// Packages per page: bounds the rows held at once to a few tens of thousands.
        const PAGE: i64 = 2_000;
        let mut packages = Vec::new();
        let max_id = db.max_package_id().await?;
        let mut after = 0;
        while after < max_id {
            let rows = db.versions_between(after, after + PAGE).await?;
            after += PAGE;
            let mut current: Option<(String, Vec<PackageVersion>)> = None;
            for v in rows {
                match &mut current {
                    Some((name, rows)) if *name == v.name => rows.push(v),
                    _ => {
                        if let Some((name, rows)) = current.take() {
                            let entry = package_entry(&name, &self.products, rows);
                            packages.push((name, entry));
                        }
                        current = Some((v.name.clone(), vec![v]));
                    }
                }
            }
            if let Some((name, rows)) = current.take() {
                let entry = package_entry(&name, &self.products, rows);
                packages.push((name, entry));
            }
        }
        self.catalog_changed_at = packages
            .iter()
            .map(|(_, p)| p.changed_at)
            .max()
            .unwrap_or(0)
            .max(self.products_changed_at);
        self.packages = packages.into_iter().collect();
        Ok(())
    }

    /// Replaces one account (its keys, licences, unpaid invoices and download token) with
    /// what the database holds now; removes it if it is gone.
    pub async fn reload_account(&mut self, db: &Db, id: i64) -> Result<()> {
        if let Some(old) = self.accounts.remove(&id) {
            for key in &old.keys {
                self.keys.remove(key.as_str());
            }
            self.account_ids.remove(old.public_id.as_str());
        }
        self.download_tokens.remove(&id);
        let Some(account) = db.account_by_id(id).await? else {
            return Ok(());
        };
        let mut entry = self.account_entry(&account);
        for e in db.entitlements_of(&account).await? {
            if let Some(&idx) = self.product_index.get(&e.product_id) {
                entry.grants.insert(idx, e.updates_until_date());
            }
        }
        for inv in db.invoices_of(&account).await? {
            if let (None, Some(due)) = (inv.paid_at, inv.due()) {
                entry.unpaid.push(UnpaidInvoice {
                    number: inv.number,
                    due,
                });
            }
        }
        for k in db.keys_of(&account).await? {
            entry.keys.push(k.public_key.clone());
            let key = KeyEntry {
                private_key_hash: k.private_key_hash,
                enabled: k.enabled,
                account_id: k.account_id,
                use_recorded_at: AtomicI64::new(0),
            };
            self.keys.insert(k.public_key, key);
        }
        if let Some(token) = db.token_of(&account).await? {
            self.download_tokens.insert(id, token.token_hash);
        }
        self.account_ids.insert(account.public_id.clone(), id);
        self.accounts.insert(id, entry);
        Ok(())
    }

    /// Replaces one package's versions (and so its rendered bodies) with what the database
    /// holds now. Other packages keep their entries and caches.
    pub async fn reload_package(&mut self, db: &Db, id: i64) -> Result<()> {
        let Some(name) = db.package_name(id).await? else {
            return Ok(());
        };
        let entry = package_entry(&name, &self.products, db.versions_of(&name).await?);
        self.catalog_changed_at = self.catalog_changed_at.max(entry.changed_at);
        if !self.packages.contains_key(name.as_str()) {
            // A new name changes every account's `available-packages`.
            self.roots = Arc::new(RootCache::default());
        }
        self.packages.insert(name, entry);
        Ok(())
    }

    pub async fn reload_operators(&mut self, db: &Db) -> Result<()> {
        self.admin_tokens = Arc::new(
            db.active_operator_tokens()
                .await?
                .into_iter()
                .map(|t| {
                    let token = AdminToken {
                        id: t.id,
                        operator_id: t.operator_id,
                        email: t.email,
                        scope: t.scope,
                    };
                    (t.token_hash, token)
                })
                .collect(),
        );
        Ok(())
    }

    pub async fn reload_releases(&mut self, db: &Db) -> Result<()> {
        let releases = db
            .releases()
            .await?
            .into_iter()
            .filter_map(|r| {
                let product = *self.product_index.get(&r.product_id)?;
                Some(ReleaseEntry {
                    released_on: date_of(r.created_at),
                    file_name: r.file_name,
                    kind: r.kind,
                    version: r.version,
                    size: r.size,
                    md5: r.md5,
                    sha256: r.sha256,
                    blob_key: r.blob_key,
                    product,
                })
            })
            .collect();
        self.releases = Arc::new(releases);
        Ok(())
    }
}
