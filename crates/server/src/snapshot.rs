//! The in-memory picture of everything the hot path needs: keys, accounts with their
//! licences and unpaid invoices, products, packages and versions, admin and download tokens.
//! It is immutable once built; the change feed replaces it wholesale, and rendered metadata
//! is cached inside it so a cache can never outlive the data it was rendered from.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Days, NaiveDate, Utc};
use packyard_store::{Db, Result};
use serde_json::{Map, Value};

use crate::metadata::Rendered;

pub struct KeyEntry {
    pub private_key_hash: Vec<u8>,
    pub enabled: bool,
    pub account_id: i64,
}

pub struct UnpaidInvoice {
    pub number: String,
    pub due: NaiveDate,
}

pub struct AccountEntry {
    pub public_id: String,
    pub closed: bool,
    /// product index → updates_until (None = unlimited updates)
    pub grants: HashMap<usize, Option<NaiveDate>>,
    pub unpaid: Vec<UnpaidInvoice>,
    pub licences_changed_at: i64,
}

pub struct ProductEntry {
    pub slug: String,
    pub public: bool,
    pub patterns: Vec<String>,
}

pub struct VersionEntry {
    pub version: String,
    pub version_normalized: String,
    pub released_at: i64,
    pub released_on: NaiveDate,
    pub sha1: String,
    pub size: i64,
    pub blob_key: String,
    pub dev: bool,
    pub manifest: Map<String, Value>,
}

pub struct PackageEntry {
    /// Listed versions, oldest release first.
    pub versions: Vec<VersionEntry>,
    /// Indexes of the products whose patterns cover this package.
    pub products: Vec<usize>,
    /// Unix millis of the last publish/unlist in this package.
    pub changed_at: i64,
}

/// What an account may install of one package.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Licence {
    Unlimited,
    /// Releases made on or before this date.
    Until(NaiveDate),
}

impl Licence {
    /// Several licences covering one package combine: unlimited wins, else the latest date.
    pub fn widest(self, other: Licence) -> Licence {
        match (self, other) {
            (Licence::Until(a), Licence::Until(b)) => Licence::Until(a.max(b)),
            _ => Licence::Unlimited,
        }
    }

    pub fn covers(self, released_on: NaiveDate) -> bool {
        match self {
            Licence::Unlimited => true,
            Licence::Until(date) => released_on <= date,
        }
    }
}

pub struct ReleaseEntry {
    pub file_name: String,
    pub kind: String,
    pub version: String,
    pub size: i64,
    pub md5: String,
    pub sha256: String,
    pub blob_key: String,
    pub released_on: NaiveDate,
    pub product: usize,
}

/// A rendered p2 document depends on the package, the file (`~dev` or not) and the licence.
pub type P2Key = (String, bool, Licence);

pub struct Snapshot {
    pub seq: i64,
    pub keys: HashMap<String, KeyEntry>,
    pub accounts: HashMap<i64, AccountEntry>,
    pub account_ids: HashMap<String, i64>,
    pub products: Vec<ProductEntry>,
    pub packages: BTreeMap<String, PackageEntry>,
    /// sha256(admin token) → operator email
    pub admin_tokens: HashMap<Vec<u8>, String>,
    /// account id → sha256(download token)
    pub download_tokens: HashMap<i64, Vec<u8>>,
    /// Release archives, sorted by type, version and file name.
    pub releases: Vec<ReleaseEntry>,
    /// Unix millis of the newest change to any package or product: every account's view of
    /// the catalog is at most this old, apart from its own licence changes.
    pub catalog_changed_at: i64,
    /// Unix millis of the newest product: a new product can widen any account's view.
    pub products_changed_at: i64,
    pub p2_cache: Mutex<HashMap<P2Key, Arc<Rendered>>>,
    pub root_cache: Mutex<HashMap<i64, Arc<Rendered>>>,
}

/// Does `name` match a product pattern (`*` matches any run of characters)?
pub fn pattern_matches(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((prefix, rest)) => {
            let Some(mut tail) = name.strip_prefix(prefix) else {
                return false;
            };
            let mut parts = rest.split('*').peekable();
            while let Some(part) = parts.next() {
                if parts.peek().is_none() {
                    return tail.len() >= part.len() && tail.ends_with(part);
                }
                match tail.find(part) {
                    Some(i) => tail = &tail[i + part.len()..],
                    None => return false,
                }
            }
            true
        }
    }
}

impl Snapshot {
    /// Reads everything from the database. The change counter is read first, so a change
    /// committed during the load is picked up again by the next poll.
    pub async fn load(db: &Db, _previous: Option<&Snapshot>) -> Result<Snapshot> {
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

        let mut accounts: HashMap<i64, AccountEntry> = HashMap::new();
        let mut account_ids = HashMap::new();
        for a in db.accounts().await? {
            account_ids.insert(a.public_id.clone(), a.id);
            accounts.insert(
                a.id,
                AccountEntry {
                    closed: a.is_closed(),
                    public_id: a.public_id,
                    grants: HashMap::new(),
                    unpaid: Vec::new(),
                    licences_changed_at: a.licences_changed_at,
                },
            );
        }
        for e in db.all_entitlements().await? {
            if let (Some(account), Some(&idx)) = (
                accounts.get_mut(&e.account_id),
                product_index.get(&e.product_id),
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

        let keys = db
            .all_keys()
            .await?
            .into_iter()
            .map(|k| {
                let entry = KeyEntry {
                    private_key_hash: k.private_key_hash,
                    enabled: k.enabled,
                    account_id: k.account_id,
                };
                (k.public_key, entry)
            })
            .collect();

        let mut packages: BTreeMap<String, PackageEntry> = BTreeMap::new();
        for v in db.all_versions().await? {
            let entry = packages
                .entry(v.name.clone())
                .or_insert_with(|| PackageEntry {
                    versions: Vec::new(),
                    products: products
                        .iter()
                        .enumerate()
                        .filter(|(_, p)| p.patterns.iter().any(|pat| pattern_matches(pat, &v.name)))
                        .map(|(i, _)| i)
                        .collect(),
                    changed_at: 0,
                });
            entry.changed_at = entry.changed_at.max(v.changed_at);
            if v.unlisted_at.is_some() {
                continue;
            }
            let manifest = match serde_json::from_str::<Value>(&v.manifest) {
                Ok(Value::Object(m)) => m,
                _ => {
                    tracing::error!(
                        "stored manifest of {} {} is not a JSON object; skipping it",
                        v.name,
                        v.version
                    );
                    continue;
                }
            };
            let released_on = DateTime::<Utc>::from_timestamp(v.released_at, 0)
                .unwrap_or_default()
                .date_naive();
            entry.versions.push(VersionEntry {
                dev: packyard_composer::version::is_dev(&v.version_normalized),
                version: v.version,
                version_normalized: v.version_normalized,
                released_at: v.released_at,
                released_on,
                sha1: v.sha1,
                size: v.size,
                blob_key: v.blob_key,
                manifest,
            });
        }
        let catalog_changed_at = packages
            .values()
            .map(|p| p.changed_at)
            .max()
            .unwrap_or(0)
            .max(products_changed_at);

        let admin_tokens = db
            .all_operator_tokens()
            .await?
            .into_iter()
            .map(|t| (t.token_hash, t.email))
            .collect();
        let download_tokens = db
            .all_tokens()
            .await?
            .into_iter()
            .map(|t| (t.account_id, t.token_hash))
            .collect();

        let releases = db
            .releases()
            .await?
            .into_iter()
            .filter_map(|r| {
                let product = *product_index.get(&r.product_id)?;
                let released_on = DateTime::<Utc>::from_timestamp(r.created_at, 0)
                    .unwrap_or_default()
                    .date_naive();
                Some(ReleaseEntry {
                    file_name: r.file_name,
                    kind: r.kind,
                    version: r.version,
                    size: r.size,
                    md5: r.md5,
                    sha256: r.sha256,
                    blob_key: r.blob_key,
                    released_on,
                    product,
                })
            })
            .collect();

        Ok(Snapshot {
            seq,
            releases,
            keys,
            accounts,
            account_ids,
            products,
            packages,
            admin_tokens,
            download_tokens,
            catalog_changed_at,
            products_changed_at,
            p2_cache: Mutex::new(HashMap::new()),
            root_cache: Mutex::new(HashMap::new()),
        })
    }

    /// What `account` may install of `package`: the union over public products and its
    /// entitlements, where any unlimited grant wins and otherwise the latest date wins.
    pub fn licence(&self, account: &AccountEntry, package: &PackageEntry) -> Option<Licence> {
        package
            .products
            .iter()
            .filter_map(|&idx| self.product_licence(account, idx))
            .reduce(Licence::widest)
    }

    /// What `account` may install from one product: public products are open to all.
    pub fn product_licence(&self, account: &AccountEntry, product: usize) -> Option<Licence> {
        if self.products[product].public {
            return Some(Licence::Unlimited);
        }
        account
            .grants
            .get(&product)
            .map(|until| until.map_or(Licence::Unlimited, Licence::Until))
    }

    /// The unpaid invoice that puts the account on billing hold today, if any.
    pub fn billing_hold<'a>(
        &self,
        account: &'a AccountEntry,
        today: NaiveDate,
        grace_days: i64,
    ) -> Option<&'a UnpaidInvoice> {
        account.unpaid.iter().find(|inv| {
            let grace = Days::new(grace_days.max(0) as u64);
            inv.due
                .checked_add_days(grace)
                .is_some_and(|limit| today > limit)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::pattern_matches;

    #[test]
    fn patterns() {
        assert!(pattern_matches("acme/*", "acme/x"));
        assert!(pattern_matches("acme/module-*", "acme/module-sales"));
        assert!(!pattern_matches("acme/module-*", "acme/theme-x"));
        assert!(pattern_matches("acme/extra", "acme/extra"));
        assert!(!pattern_matches("acme/extra", "acme/extras"));
        assert!(pattern_matches("*/x-*-y", "v/x-a-b-y"));
        assert!(!pattern_matches("acme/*-y", "acme/y"));
    }
}
