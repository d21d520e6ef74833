//! What one access key sees (SPEC §13), the rule every front end asks: the Composer
//! metadata and dists, and `explain`. A key sees through **seats**: an account key has one
//! (its account, limited to its product scope when it has one); a personal key has one per
//! account of its user. Each seat applies its own account's standing and grants to its
//! own products only, and the key's view is the union over its seats in good standing.
//!
//! Everything here reads the in-memory snapshot: scopes and memberships are precomputed
//! there, so the hot path does no database work, and the combined [`Licence`] is a value
//! the p2 cache is keyed by (keys with the same combined terms share one body).

use std::borrow::Cow;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::rules::{self, Licence, Standing};
use crate::snapshot::{AccountEntry, KeyEntry, KeyOwner, PackageEntry, Snapshot, UnpaidInvoice};

/// One account a key sees through, and the products it is limited to there.
#[derive(Clone)]
pub struct Seat {
    pub account: Arc<AccountEntry>,
    /// Sorted product indexes, or None for all of the account's products.
    pub scope: Option<Arc<[usize]>>,
}

/// The newest licence change among the seats' accounts: part of `Last-Modified`.
pub fn licences_changed_at(seats: &[Seat]) -> i64 {
    seats
        .iter()
        .map(|s| s.account.licences_changed_at)
        .max()
        .unwrap_or(0)
}

impl Seat {
    pub fn allows(&self, product: usize) -> bool {
        self.scope
            .as_ref()
            .is_none_or(|s| s.binary_search(&product).is_ok())
    }

    /// The account's standing today ([`rules::standing`]).
    pub fn standing(&self, today: NaiveDate, grace_days: i64) -> Standing<&UnpaidInvoice> {
        rules::standing(
            self.account.closed,
            self.account.billing_hold(today, grace_days),
        )
    }
}

impl Snapshot {
    /// Every seat of `key`, in account order, whatever their standing.
    pub fn seats(&self, key: &KeyEntry) -> Vec<Seat> {
        let seat = |id: &i64, scope: Option<Arc<[usize]>>| {
            self.accounts.get_arc(id).map(|account| Seat {
                account: account.clone(),
                scope,
            })
        };
        match key.owner {
            KeyOwner::Account(id) => seat(&id, key.scope.clone()).into_iter().collect(),
            KeyOwner::User(user) => self
                .memberships
                .get(&user)
                .map(|ids| ids.iter().filter_map(|id| seat(id, None)).collect())
                .unwrap_or_default(),
        }
    }

    /// What one seat may install of `package`: the union over the products covering it
    /// that the seat may use.
    pub fn seat_licence(&self, seat: &Seat, package: &PackageEntry) -> Option<Licence> {
        rules::combined(self.seat_grants(seat, package)).map(Cow::into_owned)
    }

    /// The grants (or none) of each product covering `package` that `seat` may use.
    fn seat_grants<'a>(
        &'a self,
        seat: &'a Seat,
        package: &'a PackageEntry,
    ) -> impl Iterator<Item = Option<&'a Licence>> {
        package
            .products
            .iter()
            .filter(|&&idx| seat.allows(idx))
            .map(|&idx| self.product_licence(&seat.account, idx))
    }

    /// What a key with these seats (those in good standing) may install of `package`.
    pub fn licence(&self, seats: &[Seat], package: &PackageEntry) -> Option<Licence> {
        self.licence_ref(seats, package).map(Cow::into_owned)
    }

    /// [`Snapshot::licence`] without taking a reference to a shared licence when one grant
    /// covers the package: the hot lane's look-up (a reference count every worker answering
    /// the account would write).
    pub fn licence_ref<'a>(
        &'a self,
        seats: &'a [Seat],
        package: &'a PackageEntry,
    ) -> Option<Cow<'a, Licence>> {
        rules::combined(
            seats
                .iter()
                .flat_map(|seat| self.seat_grants(seat, package)),
        )
    }

    /// The products these seats may see something of, in index order: the root cache key.
    pub fn visible_products(&self, seats: &[Seat]) -> Vec<usize> {
        (0..self.products.len())
            .filter(|&i| {
                seats
                    .iter()
                    .any(|s| s.allows(i) && self.product_licence(&s.account, i).is_some())
            })
            .collect()
    }
}
