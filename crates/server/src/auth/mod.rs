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
//! - an authenticated account must also be in good standing ([`packyard_core::rules::standing`]);
//! - the hot lane checks a connection's key once per `Authorization` value and snapshot
//!   ([`KeyMemo`]; never for an account that owes, whose standing changes with the date), so
//!   a disabled key or a closed account is refused from the connection's next request on.

mod checks;
mod credentials;
mod memo;
mod principal;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

pub use credentials::{
    BasicCredentials, CredentialsError, basic_credentials, bearer_token, hash_matches,
};

use checks::Verdict;
pub use memo::{KeyMemo, Verified};
pub use principal::{Customer, DownloadAccount, Operator};

use crate::edge::client_addr::ClientAddr;
pub use crate::edge::denial::Denial;
use crate::edge::error::{ApiError, Audience};
use crate::edge::observe::AccountSlot;
use crate::edge::request_headers::RequestHeaders;
use crate::state::AppState;
use packyard_core::feed;
use packyard_core::snapshot::Snapshot;

/// Verifies an access key pair (Composer's HTTP Basic) and the account's standing.
pub async fn authenticate_key(
    state: &AppState,
    headers: &HeaderMap,
    from: ClientAddr,
) -> Result<Customer, Denial> {
    let authorization = headers.first(&AUTHORIZATION);
    verify(state, from, |snapshot| {
        checks::key(snapshot, &state.config, authorization)
    })
    .await
}

/// Verifies `ACCOUNT_ID:TOKEN` for the release downloads, and the account's standing.
pub async fn authenticate_download_token(
    state: &AppState,
    headers: &HeaderMap,
    from: ClientAddr,
) -> Result<DownloadAccount, Denial> {
    verify(state, from, |snapshot| {
        checks::download_token(snapshot, &state.config, headers)
    })
    .await
}

/// Verifies an admin API token (`Authorization: Bearer …`).
pub async fn authenticate_operator(
    state: &AppState,
    headers: &HeaderMap,
    from: ClientAddr,
) -> Result<Operator, Denial> {
    verify(state, from, |snapshot| checks::operator(snapshot, headers)).await
}

/// Runs `check` against the snapshot. A credential it does not know may have been created
/// a moment ago by the CLI or another node, so before refusing it the snapshot is brought
/// up to date once ([`feed::catch_up`]: single-flight, time-bounded) and checked again.
/// Unknown credentials count against the client's failure budget; once that is spent they
/// are answered 429 without a database look-up.
async fn verify<T>(
    state: &AppState,
    ClientAddr(from): ClientAddr,
    check: impl Fn(&Arc<Snapshot>) -> Result<T, Verdict>,
) -> Result<T, Denial> {
    let denial = match check(&state.snapshot()) {
        Ok(principal) => return Ok(principal),
        Err(Verdict::Refused(denial)) => return Err(denial),
        Err(Verdict::Unknown(denial)) => denial,
    };
    // Read only for unknown credentials: a refresh that starts after this moment sees every
    // change committed before the request (it arrived earlier still).
    let arrived = Instant::now();
    let budget = &state.failures;
    if let Some(retry_after) = budget.exhausted(from) {
        budget.record_failure(from);
        budget.record_throttled();
        return Err(Denial::TooManyFailures { retry_after });
    }
    feed::catch_up(&state.feed, arrived).await;
    match check(&state.snapshot()) {
        Ok(principal) => Ok(principal),
        Err(Verdict::Refused(denial)) => Err(denial),
        Err(Verdict::Unknown(_)) => {
            budget.record_failure(from);
            Err(denial)
        }
    }
}

impl FromRequestParts<AppState> for Customer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let from = client(parts, state).await;
        let customer = authenticate_key(state, &parts.headers, from).await?;
        log_account(parts, &customer.account.public_id);
        Ok(customer)
    }
}

impl FromRequestParts<AppState> for DownloadAccount {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let from = client(parts, state).await;
        let holder = authenticate_download_token(state, &parts.headers, from)
            .await
            .map_err(|d| ApiError::from(d).for_audience(Audience::Curl))?;
        log_account(parts, &holder.account.public_id);
        Ok(holder)
    }
}

impl FromRequestParts<AppState> for Operator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        // The admin API's scope check already authenticated this request.
        if let Some(operator) = parts.extensions.get::<Operator>() {
            return Ok(operator.clone());
        }
        let from = client(parts, state).await;
        authenticate_operator(state, &parts.headers, from)
            .await
            .map_err(|d| ApiError::from(d).for_audience(Audience::Operator))
    }
}

async fn client(parts: &mut Parts, state: &AppState) -> ClientAddr {
    ClientAddr::from_request_parts(parts, state)
        .await
        .unwrap_or_else(|never| match never {})
}

/// Names the account in the request's access-log line (see [`AccountSlot`]).
fn log_account(parts: &Parts, account_id: &str) {
    if let Some(slot) = parts.extensions.get::<AccountSlot>() {
        slot.set(account_id);
    }
}
