//! Building snapshots: everything at startup ([`Snapshot::load`]), and afterwards only the
//! entities the change log names ([`Snapshot::reload_accounts`], [`Snapshot::reload_packages`],
//! …) on a clone of the current snapshot, read in bulk (one query per table for the whole
//! set), which is what the change feed does with each batch of changes.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::AtomicI64;

use packyard_store::snapshot_rows::{AccountRow, AccountRows, KeyRow, PeopleRows, Scope};
use packyard_store::{Db, Result};

use super::mark_rows::MarkRows;
use super::read_packages::{Entries, date_of, on_own_task, read_packages};
use super::{
    AccountEntry, AdminToken, KeyEntry, KeyOwner, PackageEntry, ProductEntry, ReleaseEntry,
    RootCache, ShardedMap, Snapshot, UnpaidInvoice,
};
use crate::rules::{Licence, Terms};

/// The entry of a stored key; none if its stored hash is not a SHA-256 (it could never
/// match a private key).
fn key_entry(k: &KeyRow, owner: KeyOwner, scope: Option<Arc<[usize]>>) -> Option<KeyEntry> {
    let Ok(private_key_hash) = k.private_key_hash[..].try_into() else {
        tracing::error!(
            "stored hash of access key {} is not a SHA-256; the key is ignored",
            k.public_key
        );
        return None;
    };
    Some(KeyEntry {
        private_key_hash,
        enabled: k.enabled,
        owner,
        scope,
        use_recorded_at: AtomicI64::new(0),
    })
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
        let upstreams = db.upstreams().await?;
        let products_changed_at = upstreams
            .iter()
            .map(|u| u.created_at * 1000)
            .fold(products_changed_at, i64::max);
        let mut snapshot = Snapshot {
            seq,
            keys: ShardedMap::new(),
            accounts: ShardedMap::new(),
            account_ids: ShardedMap::new(),
            products: Arc::new(products),
            product_index: Arc::new(product_index),
            packages: ShardedMap::new(),
            admin_tokens: Arc::default(),
            memberships: Arc::default(),
            download_tokens: ShardedMap::new(),
            releases: Arc::default(),
            catalog_changed_at: 0,
            products_changed_at,
            roots: Arc::default(),
            notices: Arc::default(),
            upstreams: Arc::new(upstreams),
            full_loads: previous.map_or(0, |p| p.full_loads) + 1,
        };
        let started = std::time::Instant::now();
        // The tables are read at once, each on its own connection and task, so their rows
        // are fetched and decoded on every core (most of a large repository's start-up);
        // accounts and keys are installed on their task while the packages are still read.
        let products = snapshot.products.clone();
        let accounts = on_own_task(db.clone(), |db| async move {
            let (accounts, people) =
                tokio::try_join!(db.account_rows(Scope::All), db.people_rows())?;
            snapshot.install_accounts(accounts);
            snapshot.install_people(people);
            Ok(snapshot)
        });
        let packages = read_packages(db, products);
        let (mut snapshot, packages) = tokio::try_join!(accounts, packages)?;
        snapshot.install_packages(db, packages).await?;
        snapshot.reload_operators(db).await?;
        snapshot.reload_releases(db).await?;
        snapshot.notices = Arc::new(db.notices().await?);
        let noticed_at = snapshot.notices.iter().map(|n| n.set_at * 1000).max();
        snapshot.catalog_changed_at = snapshot.catalog_changed_at.max(noticed_at.unwrap_or(0));
        let loaded = format!(
            "snapshot loaded in {:.1} s: {} accounts, {} keys, {} packages ({} versions)",
            started.elapsed().as_secs_f64(),
            snapshot.accounts.len(),
            snapshot.keys.len(),
            snapshot.packages.len(),
            snapshot
                .packages
                .values()
                .map(|p| p.versions.len())
                .sum::<usize>(),
        );
        // At start-up an operator's information; a full reload later is the feed's business.
        match previous {
            None => tracing::info!("{loaded}"),
            Some(_) => tracing::debug!("{loaded}"),
        }
        Ok(snapshot)
    }

    /// Adds the accounts in `rows` with their keys, licences, unpaid invoices and tokens.
    fn install_accounts(&mut self, rows: AccountRows) {
        let mut accounts: HashMap<i64, AccountEntry> = rows
            .accounts
            .iter()
            .map(|a| (a.id, self.account_entry(a)))
            .collect();
        for e in rows.entitlements {
            if let (Some(account), Some(&idx)) = (
                accounts.get_mut(&e.account_id),
                self.product_index.get(&e.product_id),
            ) {
                match Terms::of_grant(&e) {
                    Ok(terms) => {
                        account.grants.insert(idx, Licence::new(terms));
                    }
                    Err(bad) => tracing::error!(
                        "stored version constraint {bad:?} of a grant of account {} does not parse; the grant is ignored",
                        account.public_id
                    ),
                }
            }
        }
        let mut scopes: HashMap<i64, Vec<usize>> = HashMap::new();
        for (key_id, product_id) in rows.key_products {
            if let Some(&idx) = self.product_index.get(&product_id) {
                scopes.entry(key_id).or_default().push(idx);
            }
        }
        for inv in rows.unpaid {
            if let (Some(account), Some(due)) = (accounts.get_mut(&inv.account_id), inv.due()) {
                account.unpaid.push(UnpaidInvoice {
                    number: inv.number,
                    due,
                });
            }
        }
        for k in rows.keys {
            let Some(account) = k.account_id.and_then(|id| accounts.get_mut(&id)) else {
                continue;
            };
            let scope = scopes.remove(&k.id).map(|mut s| {
                s.sort_unstable();
                Arc::from(s)
            });
            let Some(entry) = key_entry(&k, KeyOwner::Account(account.id), scope) else {
                continue;
            };
            account.keys.push(k.public_key.clone());
            self.keys.insert(k.public_key, entry);
        }
        for t in rows.tokens {
            if accounts.contains_key(&t.account_id) {
                self.download_tokens.insert(t.account_id, t.token_hash);
            }
        }
        for (id, entry) in accounts {
            self.account_ids.insert(entry.public_id.clone(), id);
            self.accounts.insert(id, entry);
        }
    }

    /// Personal keys and who belongs to which account (read whole at every load: their
    /// changes are `All` changes).
    fn install_people(&mut self, rows: PeopleRows) {
        let mut memberships: HashMap<i64, Vec<i64>> = HashMap::new();
        for (user, account) in rows.memberships {
            memberships.entry(user).or_default().push(account);
        }
        for accounts in memberships.values_mut() {
            accounts.sort_unstable();
        }
        self.memberships = Arc::new(memberships);
        for k in rows.personal_keys {
            let owner = k.user_id.map(KeyOwner::User);
            if let Some(entry) = owner.and_then(|owner| key_entry(&k, owner, None)) {
                self.keys.insert(k.public_key, entry);
            }
        }
    }

    fn account_entry(&self, a: &AccountRow) -> AccountEntry {
        AccountEntry {
            id: a.id,
            closed: a.is_closed(),
            public_id: a.public_id.clone(),
            grants: HashMap::new(),
            unpaid: Vec::new(),
            licences_changed_at: a.licences_changed_at,
            keys: Vec::new(),
        }
    }

    /// Installs the packages read by [`read_packages`] with their marks.
    async fn install_packages(
        &mut self,
        db: &Db,
        mut packages: Vec<(String, PackageEntry)>,
    ) -> Result<()> {
        let mut marks = MarkRows::read(db, Scope::All).await?;
        for (name, entry) in &mut packages {
            marks.apply(name, entry);
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

    /// Replaces these accounts (their keys, licences, unpaid invoices and download tokens)
    /// with what the database holds now; removes those that are gone.
    pub async fn reload_accounts(&mut self, db: &Db, ids: &[i64]) -> Result<()> {
        let rows = db.account_rows(Scope::Ids(ids)).await?;
        for id in ids {
            if let Some(old) = self.accounts.remove(id) {
                for key in &old.keys {
                    self.keys.remove(key.as_str());
                }
                self.account_ids.remove(old.public_id.as_str());
            }
            self.download_tokens.remove(id);
        }
        self.install_accounts(rows);
        Ok(())
    }

    /// Replaces these packages' versions (and so their rendered bodies) with what the
    /// database holds now. Other packages keep their entries and caches.
    pub async fn reload_packages(&mut self, db: &Db, ids: &[i64]) -> Result<()> {
        let products = self.products.clone();
        let mut read = Entries::new(&products);
        db.package_rows_of(ids, &mut read).await?;
        let mut marks = MarkRows::read(db, Scope::Ids(ids)).await?;
        for (name, mut entry) in read.finish() {
            marks.apply(&name, &mut entry);
            self.catalog_changed_at = self.catalog_changed_at.max(entry.changed_at);
            if !self.packages.contains_key(name.as_str()) {
                // A new name changes every account's `available-packages`.
                self.roots = Arc::new(RootCache::default());
            }
            self.packages.insert(name, entry);
        }
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
                    version_normalized: packyard_composer::version::normalize(&r.version)
                        .unwrap_or_else(|_| r.version.clone()),
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

    /// Reads the operator's notices; the root documents that carry them are rendered again,
    /// and dated now so that clients holding the old root fetch the new one.
    pub async fn reload_notices(&mut self, db: &Db) -> Result<()> {
        self.notices = Arc::new(db.notices().await?);
        self.roots = Arc::new(RootCache::default());
        self.catalog_changed_at = self.catalog_changed_at.max(packyard_store::now_millis());
        Ok(())
    }
}
