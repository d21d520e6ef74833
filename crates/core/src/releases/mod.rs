//! Full release archives outside Composer (SPEC §1 Release, §3): adding them (CLI and admin
//! API share [`ingest`]) and the plain-text listings of the curl interface ([`listing`]).
//! Which releases an account sees is decided here too, so the listings and the file
//! download can never disagree.

pub mod ingest;
pub mod listing;

use crate::rules::{Refusal, may_install};
use crate::snapshot::{AccountEntry, ReleaseEntry, Snapshot};

/// May `account` download `release`? The same rule as for Composer packages
/// ([`crate::rules::may_install`]), over the licence for the release's product.
pub fn check_access(
    snapshot: &Snapshot,
    account: &AccountEntry,
    release: &ReleaseEntry,
) -> Result<(), Refusal> {
    may_install(
        snapshot.product_licence(account, release.product),
        release.released_on,
        &release.version_normalized,
    )
}

/// Every release `account` may download, in listing order.
pub fn visible<'a>(snapshot: &'a Snapshot, account: &AccountEntry) -> Vec<&'a ReleaseEntry> {
    snapshot
        .releases
        .iter()
        .filter(|r| check_access(snapshot, account, r).is_ok())
        .collect()
}
