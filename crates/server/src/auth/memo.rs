//! What one connection last verified: Composer sends the same `Authorization` header with
//! every request of a kept-alive connection, so the hot lane ([`crate::composer::hot`])
//! remembers the header it verified and what it verified to, and skips the base64 decode,
//! the SHA-256 and the look-ups while both the header and the snapshot stay the same (they
//! were about 5 % of a p2 request's cost in the profile, BENCHMARKS.md).
//!
//! The answer is exactly what [`super::checks::key`] would say again:
//! - the check is a function of the snapshot and the header alone, except for billing holds,
//!   which start as the date passes an invoice's grace period, so a key whose accounts owe
//!   anything is checked in full every time;
//! - a new snapshot (a key disabled, an account closed, a licence changed) is a new
//!   allocation, and the memo holds a [`Weak`] to the one it checked against, which keeps
//!   that address from being reused, so comparing addresses cannot mistake one for another;
//! - a refused or unknown credential is never remembered: it goes to the router each time.
//!
//! The memo holds no strong reference to a snapshot (an idle connection never keeps an old
//! one alive, only the small allocation a `Weak` points to) and lives as long as its
//! connection.

use std::sync::{Arc, Weak};

use super::checks;
use packyard_core::access::Seat;
use packyard_core::config::Config;
use packyard_core::snapshot::{AccountEntry, Snapshot};

/// The last access key pair a connection presented and what it was verified to.
#[derive(Default)]
pub struct KeyMemo(Option<Remembered>);

struct Remembered {
    authorization: Box<[u8]>,
    snapshot: Weak<Snapshot>,
    verified: Verified,
    /// False when the check depends on the date (an account with an unpaid invoice).
    reusable: bool,
}

/// A key pair the snapshot knows, with its accounts in good standing: what the hot lane
/// needs of a [`super::Customer`].
pub struct Verified {
    /// The key's account, or a personal key's first account in good standing.
    pub account: Arc<AccountEntry>,
    /// The accounts (and product scope) the key sees through.
    pub seats: Vec<Seat>,
}

impl KeyMemo {
    /// The key pair of `authorization` (as sent), verified against `snapshot` (once per
    /// header and snapshot), or `None` for anything the router should answer with its reason.
    pub fn known_key(
        &mut self,
        snapshot: &Arc<Snapshot>,
        config: &Config,
        authorization: Option<&[u8]>,
    ) -> Option<&Verified> {
        let sent = authorization?;
        let same = self.0.as_ref().is_some_and(|m| {
            m.reusable
                && std::ptr::eq(m.snapshot.as_ptr(), Arc::as_ptr(snapshot))
                && same_bytes(&m.authorization, sent)
        });
        if !same {
            let customer = checks::key(snapshot, config, Some(sent)).ok()?;
            // Seats a personal key lost to a hold or a closure come back only with a new
            // snapshot; those it has could be put on hold by the date alone.
            let reusable = customer.seats.iter().all(|s| s.account.unpaid.is_empty());
            self.0 = Some(Remembered {
                authorization: sent.into(),
                snapshot: Arc::downgrade(snapshot),
                verified: Verified {
                    account: customer.account,
                    seats: customer.seats,
                },
                reusable,
            });
        }
        self.0.as_ref().map(|m| &m.verified)
    }
}

/// Whether `a` and `b` are equal, looking at every byte whatever the first difference (no
/// early exit). Both are what this connection's client sent, so nothing stored is learnt
/// from the time either way; `subtle`'s byte-wise barrier cost more than the check it saves.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
