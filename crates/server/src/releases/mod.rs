//! Full release archives outside Composer (SPEC §1 Release, §3): adding them (CLI and admin
//! API share [`ingest`]) and the plain-text listings of the curl interface ([`listing`]).
//! Which releases an account sees is decided here too, so the listings and the file
//! download can never disagree.

pub mod ingest;
pub mod listing;

use crate::snapshot::{AccountEntry, ReleaseEntry, Snapshot};

/// Why an account may not download a release it asked for by name.
pub enum ReleaseRefusal {
    /// No licence for the release's product at all.
    NotLicensed { product: String },
    /// A licence whose updates end before the release was published.
    TooNew { until: chrono::NaiveDate },
}

/// May `account` download `release`? Public products are open to every account; licensed
/// products follow the account's entitlements, including their `updates_until` date, the
/// same rule as for Composer packages.
pub fn check_access(
    snapshot: &Snapshot,
    account: &AccountEntry,
    release: &ReleaseEntry,
) -> Result<(), ReleaseRefusal> {
    match snapshot.product_licence(account, release.product) {
        None => Err(ReleaseRefusal::NotLicensed {
            product: snapshot.products[release.product].slug.clone(),
        }),
        Some(licence) => match licence.excludes(release.released_on) {
            Some(until) => Err(ReleaseRefusal::TooNew { until }),
            None => Ok(()),
        },
    }
}

/// Every release `account` may download, in listing order.
pub fn visible<'a>(snapshot: &'a Snapshot, account: &AccountEntry) -> Vec<&'a ReleaseEntry> {
    snapshot
        .releases
        .iter()
        .filter(|r| check_access(snapshot, account, r).is_ok())
        .collect()
}
