//! The in-memory picture of everything the hot path needs: keys, accounts with their
//! licences and unpaid invoices, products, packages and versions, admin and download tokens.
//!
//! A snapshot is immutable once published. The change feed builds the next one by cloning
//! the current one (cheap: every large map is a [`ShardedMap`] of shared entries) and
//! replacing only the accounts and packages the change log names ([`load`]), so the cost of
//! a change does not grow with the repository. Rendered metadata is cached inside the
//! entry it was rendered from (a package's p2 bodies live in its [`PackageEntry`]), so a
//! cache can never outlive its data, and unchanged packages keep their cache across swaps.

mod load;
mod mark_rows;
mod read_packages;
mod versions;

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::AtomicI64;

use chrono::NaiveDate;
use packyard_store::operator_tokens::TokenScope;

use crate::rendered::RenderCache;
use crate::rules::{self, Licence};
pub use crate::sharded::ShardedMap;
pub use versions::{BlobKey, Listed, VersionEntry, Versions, VersionsBuilder, dist_key, lower_hex};

/// Whose a key is (SPEC §13).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyOwner {
    /// An account's key (`accounts.id`).
    Account(i64),
    /// A user's personal key (`users.id`): it sees what the user's accounts may install.
    User(i64),
}

pub struct KeyEntry {
    /// SHA-256 of the private key.
    pub private_key_hash: [u8; 32],
    pub enabled: bool,
    pub owner: KeyOwner,
    /// Product indexes an account key is limited to, sorted (None = all the account's).
    pub scope: Option<Arc<[usize]>>,
    /// Unix second this key's use was last handed to the usage recorder: uses within the
    /// same second are not recorded again, so the hot path rarely takes the recorder's lock.
    pub use_recorded_at: AtomicI64,
}

/// An invoice with no payment recorded (the store's definition of unpaid).
pub struct UnpaidInvoice {
    pub number: String,
    pub due: NaiveDate,
}

pub struct AccountEntry {
    /// `accounts.id`.
    pub id: i64,
    pub public_id: String,
    pub closed: bool,
    /// product index → the grant's limits, as the licence requests share
    pub grants: HashMap<usize, Licence>,
    pub unpaid: Vec<UnpaidInvoice>,
    pub licences_changed_at: i64,
    /// Public keys of this account's access keys, so a change can drop deleted ones.
    pub keys: Vec<String>,
}

pub struct ProductEntry {
    pub slug: String,
    pub public: bool,
    pub patterns: Vec<String>,
}

pub struct PackageEntry {
    /// Listed versions, oldest release first.
    pub versions: Versions,
    /// Indexes of the products whose patterns cover this package.
    pub products: Vec<usize>,
    /// Unix millis of the last publish/unlist in this package.
    pub changed_at: i64,
    /// Rendered p2 bodies of this package, by (`~dev` file, licence), filled on first use
    /// (single-flight). Looked up through [`P2Key`].
    pub rendered: RenderCache<(bool, Licence)>,
    /// Advisories, abandonment, recalled versions and discovery facts ([`crate::marks`]).
    pub marks: crate::marks::PackageMarks,
}

/// A p2 body's key as a look-up holds it: the licence may be borrowed, so the hot lane finds
/// a body without taking a reference to the licence (its count is shared by every worker
/// answering the account). Hashes and compares as the owned `(dev, licence)` does.
pub trait P2Key {
    fn parts(&self) -> (bool, &Licence);
}

impl P2Key for (bool, Licence) {
    fn parts(&self) -> (bool, &Licence) {
        (self.0, &self.1)
    }
}

impl P2Key for (bool, &Licence) {
    fn parts(&self) -> (bool, &Licence) {
        (self.0, self.1)
    }
}

impl<'a> Borrow<dyn P2Key + 'a> for (bool, Licence) {
    fn borrow(&self) -> &(dyn P2Key + 'a) {
        self
    }
}

impl Hash for dyn P2Key + '_ {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.parts().hash(state);
    }
}

impl PartialEq for dyn P2Key + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for dyn P2Key + '_ {}

/// An operator's admin API token as the admin API sees it.
#[derive(Clone, Debug)]
pub struct AdminToken {
    pub id: i64,
    pub operator_id: i64,
    pub email: String,
    pub scope: TokenScope,
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
    /// The version normalized as Composer does, for grants limited by a constraint.
    pub version_normalized: String,
    pub product: usize,
}

/// Rendered root `packages.json` bodies by the set of products an account may see. Shared by
/// successive snapshots until a package name appears or the products change.
pub type RootCache = RenderCache<Vec<usize>>;

#[derive(Clone)]
pub struct Snapshot {
    pub seq: i64,
    pub keys: ShardedMap<String, KeyEntry>,
    pub accounts: ShardedMap<i64, AccountEntry>,
    pub account_ids: ShardedMap<String, i64>,
    pub products: Arc<Vec<ProductEntry>>,
    /// products.id → index into `products`
    pub product_index: Arc<HashMap<i64, usize>>,
    pub packages: ShardedMap<String, PackageEntry>,
    /// sha256(admin API token) → its owner and scope; only tokens that authenticate (not
    /// revoked, operator not disabled) are here.
    pub admin_tokens: Arc<HashMap<Vec<u8>, AdminToken>>,
    /// users.id → the accounts the user belongs to (for personal keys).
    pub memberships: Arc<HashMap<i64, Vec<i64>>>,
    /// account id → sha256(download token)
    pub download_tokens: ShardedMap<i64, Vec<u8>>,
    /// Release archives, sorted by type, version and file name.
    pub releases: Arc<Vec<ReleaseEntry>>,
    /// Unix millis of the newest change to any package or product: every account's view of
    /// the catalog is at most this old, apart from its own licence changes.
    pub catalog_changed_at: i64,
    /// Unix millis of the newest product: a new product can widen any account's view.
    pub products_changed_at: i64,
    pub roots: Arc<RootCache>,
    /// The operator's notices for the root `packages.json`.
    pub notices: Arc<Vec<packyard_store::package_marks::Notice>>,
    /// Upstream repositories, in priority order (what was fetched from them lives in
    /// [`crate::upstream::Mirror`]).
    pub upstreams: Arc<Vec<packyard_store::upstreams::Upstream>>,
    /// How many times this snapshot's lineage was loaded in full (startup counts one);
    /// incremental updates leave it alone. Tests use it to prove a change was incremental.
    pub full_loads: u64,
}

impl AccountEntry {
    /// The unpaid invoice that puts this account on billing hold today, if any
    /// ([`rules::billing_hold`]).
    pub fn billing_hold(&self, today: NaiveDate, grace_days: i64) -> Option<&UnpaidInvoice> {
        rules::billing_hold(self.unpaid.iter(), |i| Some(i.due), today, grace_days)
    }
}

impl Snapshot {
    /// What `account` may install from one product ([`rules::product_licence`]), borrowed
    /// from the snapshot and the account.
    pub fn product_licence<'a>(
        &'a self,
        account: &'a AccountEntry,
        product: usize,
    ) -> Option<&'a Licence> {
        rules::product_licence(self.products[product].public, account.grants.get(&product))
    }
}

#[cfg(test)]
mod p2_key_tests {
    use super::{Licence, P2Key, RenderCache};
    use crate::rendered::{Coding, Rendered};
    use crate::rules::Terms;
    use std::sync::atomic::AtomicU64;

    #[tokio::test]
    async fn a_borrowed_key_finds_the_body_of_the_equal_owned_one() {
        let cache = RenderCache::<(bool, Licence)>::default();
        let until = chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        let render = || {
            let config = crate::config::Config::new("http://us.test");
            Rendered::new(b"{}".to_vec(), 0, false, &config.compression)
        };
        let stored = Licence::new(Terms::until(until));
        cache
            .get_or_render(
                (false, stored),
                Coding::Identity,
                &AtomicU64::new(0),
                render,
            )
            .await
            .unwrap();
        // Equal terms in another allocation: found by value, as the owned key would be.
        let same = Licence::new(Terms::until(until));
        let found = |dev: bool, licence: &Licence| {
            cache
                .with_cached(&(dev, licence) as &dyn P2Key, |_| ())
                .is_some()
        };
        assert!(found(false, &same));
        assert!(!found(true, &same), "the dev file is another body");
        assert!(!found(false, Licence::unlimited_ref()), "other terms");
    }
}
