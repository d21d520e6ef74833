//! What the admin API's handlers have in common, in one place: the [`Admin`] extractor (the
//! server's state with the operator acting, whose email every change's audit entry records),
//! the answer types ([`Answer`], [`Created`]), store rows as the listed views ([`views`]) and
//! password hashing off the async workers ([`hashed`]).
//!
//! A handler reads as its operation: the extractors it needs and what it does. The scope check
//! in front of every route has already authenticated the operator; [`Admin`] takes them from
//! the request as [`Operator`] does.

use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use packyard_core::passwords::hash_password;

use crate::auth::Operator;
use crate::edge::error::{ApiError, ApiResult};
use crate::state::AppState;

/// An answer with a JSON body (200), or the admin API's error.
pub type Answer<T> = ApiResult<Json<T>>;

/// An answer with a status of its own (201 for what was created) and a JSON body.
pub type Created<T> = ApiResult<(StatusCode, Json<T>)>;

/// What was just created, answered with 201.
pub fn created<T>(body: T) -> Created<T> {
    Ok((StatusCode::CREATED, Json(body)))
}

/// Store rows as the views the API lists.
pub fn views<T, V: From<T>>(rows: Vec<T>) -> Vec<V> {
    rows.into_iter().map(V::from).collect()
}

/// The server's state and the operator acting: what a handler that changes something (or
/// only answers authenticated operators) starts from.
pub struct Admin {
    pub state: AppState,
    pub operator: Operator,
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let operator = Operator::from_request_parts(parts, state).await?;
        Ok(Admin {
            state: state.clone(),
            operator,
        })
    }
}

/// A password's hash, computed off the async workers; a password the rules refuse is
/// answered with `refused`.
pub async fn hashed(password: String, refused: StatusCode) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| ApiError::internal("password hashing failed", e))?
        .map_err(|e| ApiError::operator(refused, e.to_string()))
}
