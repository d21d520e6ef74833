//! Password hashing for the portal's forms (login, password change and reset, set-password
//! links): argon2id is deliberately slow, so it runs on a blocking thread and only in one of
//! the bounded hashing turns of [`crate::login_guard`]; when none comes free in time the form
//! answers 503 instead of letting a login flood starve the server.

use super::error::{PortalError, PortalResult};
use crate::state::PortalState;
use packyard_core::passwords::{hash_password, verify_against_nothing, verify_password};

/// Verifies `password` against `hash` (or against nothing, for unknown emails, so timing
/// does not tell) on a blocking thread, in one of the bounded hashing turns
/// (`crate::login_guard`); 503 if no turn comes free in time.
pub async fn verify_in_turn(
    state: &PortalState,
    password: String,
    hash: Option<String>,
) -> PortalResult<bool> {
    in_turn(state, move || match hash {
        Some(hash) => verify_password(&password, &hash),
        None => {
            verify_against_nothing(&password);
            false
        }
    })
    .await
}

/// Hashes a new password in one of the bounded hashing turns, like [`verify_in_turn`].
pub async fn hash_in_turn(state: &PortalState, password: String) -> PortalResult<String> {
    Ok(in_turn(state, move || hash_password(&password)).await??)
}

/// Runs password work on a blocking thread once a hashing turn is free; 503 if none comes
/// free in time.
async fn in_turn<T: Send + 'static>(
    state: &PortalState,
    work: impl FnOnce() -> T + Send + 'static,
) -> PortalResult<T> {
    let Some(turn) = state.logins.hashing_turn().await else {
        return Err(PortalError::Unavailable {
            message: "The server is handling many logins right now. Try again in a few seconds."
                .into(),
            retry_after: crate::login_guard::BUSY_RETRY_AFTER_SECS,
        });
    };
    tokio::task::spawn_blocking(move || {
        let _turn = turn;
        work()
    })
    .await
    .map_err(|e| PortalError::Internal(e.to_string()))
}
