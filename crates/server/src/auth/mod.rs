//! Who is asking: one entry point per credential kind, each named for what it verifies, and
//! each an extractor, so it runs before any request body is read.
//!
//! | entry point | credential | principal |
//! |---|---|---|
//! | [`authenticate_key`] | Basic `public_key:private_key` (Composer) | [`Customer`] |
//! | [`authenticate_download_token`] | Basic `ACCOUNT_ID:TOKEN` (curl) | [`DownloadAccount`] |
//! | [`authenticate_operator`] | `Bearer` admin API token | [`Operator`] |
//!
//! Rules:
//! - credentials are checked against the in-memory snapshot (no database on the hot path);
//! - an unknown public key (or account id) and a wrong secret get the same answer, after the
//!   same work (a hash comparison against a dummy), so neither the message nor the timing
//!   tells whether a key exists;
//! - only a caller holding the right private key learns that the key is disabled;
//! - hashes are compared in constant time;
//! - an authenticated account must also be in good standing ([`crate::rules::standing`]).

mod credentials;

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use chrono::Utc;

pub use credentials::{
    BasicCredentials, CredentialsError, basic_credentials, bearer_token, hash_matches,
};

use packyard_store::operator_tokens::TokenScope;

use crate::AppState;
use crate::config::Config;
pub use crate::denial::Denial;
use crate::error::{ApiError, Audience};
use crate::rules::{self, Standing};
use crate::snapshot::{AccountEntry, KeyEntry, Snapshot};

const DUMMY_HASH: [u8; 32] = [0u8; 32];

/// A customer authenticated with an access key pair, and the snapshot it was checked
/// against (the handler answers from the same one).
pub struct Customer {
    pub snapshot: Arc<Snapshot>,
    pub account: Arc<AccountEntry>,
    pub key: Arc<KeyEntry>,
    pub public_key: String,
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
    /// The API token used, and what it may do (see `admin_api::scope`).
    pub token_id: i64,
    pub scope: TokenScope,
}

/// Verifies an access key pair (Composer's HTTP Basic) and the account's standing.
pub fn authenticate_key(state: &AppState, headers: &HeaderMap) -> Result<Customer, Denial> {
    let snapshot = state.snapshot();
    let host = state.config.host();
    let creds = basic_or_denial(
        headers,
        &format!(
            "this repository needs an access key: add your public key as username and private key as password to auth.json under \"http-basic\" for \"{host}\""
        ),
        "send HTTP Basic with your public key as username and private key as password",
    )?;
    let supplied = packyard_store::secret::sha256(&creds.password);
    let entry = snapshot.keys.get_arc(&creds.user);
    let stored = entry.map_or(&DUMMY_HASH[..], |k| &k.private_key_hash[..]);
    let matches = hash_matches(&supplied, stored);
    let Some(key) = entry.filter(|_| matches).cloned() else {
        return Err(Denial::Unauthorized(format!(
            "invalid access key for {host}: check the public key (username) and private key (password) in your auth.json"
        )));
    };
    let Some(account) = snapshot.accounts.get_arc(&key.account_id).cloned() else {
        return Err(Denial::Unauthorized(format!(
            "invalid access key for {host}"
        )));
    };
    if !key.enabled {
        return Err(Denial::Unauthorized(format!(
            "access key {} is disabled; enable it on the Access Keys page of account {} or use another key",
            creds.user, account.public_id
        )));
    }
    in_good_standing(&state.config, &account)?;
    Ok(Customer {
        snapshot,
        account,
        key,
        public_key: creds.user,
    })
}

/// Verifies `ACCOUNT_ID:TOKEN` for the release downloads. As with keys, an unknown account
/// id and a wrong token get the same answer after the same work.
pub fn authenticate_download_token(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<DownloadAccount, Denial> {
    let snapshot = state.snapshot();
    let usage = format!(
        "use your account id and download access token: {}",
        state.config.download_command("ACCOUNT_ID", "TOKEN")
    );
    let creds = basic_or_denial(
        headers,
        &format!("authentication required; {usage}"),
        &usage,
    )?;
    let account_id = snapshot
        .account_ids
        .get(&creds.user.trim().to_ascii_uppercase())
        .copied();
    let stored = account_id.and_then(|id| snapshot.download_tokens.get(&id));
    let supplied = packyard_store::secret::sha256(&creds.password);
    let matches = hash_matches(&supplied, stored.map_or(&DUMMY_HASH[..], |h| &h[..]));
    let Some(account) = account_id
        .filter(|_| matches && stored.is_some())
        .and_then(|id| snapshot.accounts.get_arc(&id).cloned())
    else {
        return Err(Denial::Unauthorized(format!(
            "invalid account id or download access token; generate a new token at {}/account/token",
            state.config.public_url
        )));
    };
    in_good_standing(&state.config, &account)?;
    Ok(DownloadAccount { snapshot, account })
}

/// Verifies an admin API token (`Authorization: Bearer …`).
pub fn authenticate_operator(state: &AppState, headers: &HeaderMap) -> Result<Operator, Denial> {
    let Some(token) = bearer_token(headers) else {
        return Err(Denial::Unauthorized(
            "send an admin API token as 'Authorization: Bearer <token>' (create one with 'packyard operator token create')".into(),
        ));
    };
    let hash = packyard_store::secret::sha256(token);
    // Revoked tokens and those of disabled operators are not in the snapshot.
    match state.snapshot().admin_tokens.get(&hash) {
        Some(token) => Ok(Operator {
            email: token.email.clone(),
            token_id: token.id,
            scope: token.scope,
        }),
        None => Err(Denial::Unauthorized(
            "invalid, revoked or disabled operator API token".into(),
        )),
    }
}

/// The request's HTTP Basic credentials, or a 401 saying `missing` when there are none, or
/// what is malformed followed by `hint`.
fn basic_or_denial(
    headers: &HeaderMap,
    missing: &str,
    hint: &str,
) -> Result<BasicCredentials, Denial> {
    basic_credentials(headers).map_err(|e| match e {
        CredentialsError::Missing => Denial::Unauthorized(missing.to_string()),
        CredentialsError::Malformed(why) => {
            Denial::Unauthorized(format!("malformed Authorization header ({why}); {hint}"))
        }
    })
}

/// Closed accounts and billing holds are refused with the reason, whatever the credential.
fn in_good_standing(config: &Config, account: &AccountEntry) -> Result<(), Denial> {
    let today = Utc::now().date_naive();
    let hold = account.billing_hold(today, config.billing_grace_days);
    match rules::standing(account.closed, hold) {
        Standing::Open => Ok(()),
        Standing::Closed => Err(Denial::Forbidden(format!(
            "account {} is closed; contact the vendor to reopen it",
            account.public_id
        ))),
        Standing::OnHold(invoice) => Err(Denial::Forbidden(format!(
            "account {} is on hold: invoice {} overdue since {}; pay it to restore access",
            account.public_id, invoice.number, invoice.due
        ))),
    }
}

impl FromRequestParts<AppState> for Customer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(authenticate_key(state, &parts.headers)?)
    }
}

impl FromRequestParts<AppState> for DownloadAccount {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        authenticate_download_token(state, &parts.headers)
            .map_err(|d| ApiError::from(d).for_audience(Audience::Curl))
    }
}

impl FromRequestParts<AppState> for Operator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        // The admin API's scope check already authenticated this request.
        if let Some(operator) = parts.extensions.get::<Operator>() {
            return Ok(operator.clone());
        }
        authenticate_operator(state, &parts.headers)
            .map_err(|d| ApiError::from(d).for_audience(Audience::Operator))
    }
}
