//! Who a request was authenticated as: one principal per credential kind. Each carries what
//! handlers need, including the snapshot the credential was checked against, so a handler
//! answers from the same picture of the world that let the request in.

use std::sync::Arc;

use packyard_store::operator_tokens::TokenScope;

use packyard_core::access::Seat;
use packyard_core::snapshot::{AccountEntry, KeyEntry, Snapshot};

/// A customer authenticated with an access key pair, and the snapshot it was checked
/// against (the handler answers from the same one).
pub struct Customer {
    pub snapshot: Arc<Snapshot>,
    /// The key's account; for a personal key, its first account in good standing (what
    /// logs and install counts are attributed to).
    pub account: Arc<AccountEntry>,
    /// The accounts (and product scope) the key sees through, all in good standing
    /// ([`crate::access`]).
    pub seats: Vec<Seat>,
    pub key: Arc<KeyEntry>,
    pub public_key: String,
}

impl Customer {
    /// The newest licence change among the key's accounts: part of `Last-Modified`.
    pub fn licences_changed_at(&self) -> i64 {
        packyard_core::access::licences_changed_at(&self.seats)
    }
}

/// An account authenticated with its id and download access token (SPEC §3).
pub struct DownloadAccount {
    pub snapshot: Arc<Snapshot>,
    pub account: Arc<AccountEntry>,
}

/// An operator authenticated with an admin API token.
#[derive(Clone, Debug)]
pub struct Operator {
    pub email: String,
    /// The API token used, and what it may do (see `api::scope`).
    pub token_id: i64,
    pub scope: TokenScope,
}
