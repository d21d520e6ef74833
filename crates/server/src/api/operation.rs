//! What the admin API's handlers have in common, in one place: the [`Admin`] extractor (the
//! server's state with the operator acting, whose email every change's audit entry records),
//! the answer types ([`Answer`], [`Created`]), listings of store rows ([`listed`]), password
//! hashing off the async workers ([`hashed`]), and two macros for families of operations
//! whose declarations would otherwise be copies: [`switched`] (pairs that differ by a flag)
//! and [`by_key`] (one store call on the path's key). Path parameters are the types of
//! [`super::params`], extractors that also document themselves.
//!
//! A handler reads as its operation: the extractors it needs and what it does. The scope check
//! in front of every route has already authenticated the operator; [`Admin`] takes them from
//! the request as [`Operator`] does. Every operation keeps its own `#[utoipa::path]` (the
//! macros write one per operation), so `/api/openapi.json` is the same whichever way an
//! operation is declared.

use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use packyard_core::passwords::hash_password;
use packyard_store::StoreError;

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

/// A listing: the rows a store call reads (they are the API's bodies), in the list body
/// `list` makes of them.
pub async fn listed<T, L>(
    rows: impl Future<Output = Result<Vec<T>, StoreError>>,
    list: impl FnOnce(Vec<T>) -> L,
) -> Answer<L> {
    Ok(Json(list(rows.await?)))
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

/// Declares operations that differ only in the flag they hand one function (disable and
/// enable, unlist and relist, close and reopen). A group names the function (it takes the
/// [`Admin`], the path's parameters and the flag), its answer, and the OpenAPI tag, parameters
/// and responses its operations share; then, in braces, each operation: its doc comment,
/// method, route, name and flag. Each gets its own `#[utoipa::path]`.
macro_rules! switched {
    ($(
        $set:ident($path:ty) -> $answer:ty: tag = $tag:literal, params $params:tt,
            responses $responses:tt {
            $($(#[$doc:meta])* $method:ident $route:literal $name:ident = $flag:expr;)+
        }
    )+) => {$($(
        $(#[$doc])*
        #[utoipa::path($method, path = $route, tag = $tag, params $params, responses $responses)]
        pub async fn $name(admin: Admin, path: $path) -> $answer {
            $set(admin, path, $flag).await
        }
    )+)+};
}
pub(super) use switched;

/// Declares operations that hand the path's one key (a type of [`super::params`] and its
/// field) and the acting operator's email to one store call: `name = call(Key { field }) ->
/// View;` answers the row the call returns as `View`, `-> NoContent` answers 204 with no body.
macro_rules! by_key {
    ($($(#[$attr:meta])* $name:ident = $call:ident($key:ident { $field:ident }) -> $answer:ident;)+) => {$(
        by_key!(@one $(#[$attr])* $name $call $key $field $answer);
    )+};
    (@one $(#[$attr:meta])* $name:ident $call:ident $key:ident $field:ident NoContent) => {
        $(#[$attr])*
        pub async fn $name(
            Admin { state, operator }: Admin,
            $key { $field: key }: $key,
        ) -> ApiResult<StatusCode> {
            state.db.$call(&key, &operator.email).await?;
            Ok(StatusCode::NO_CONTENT)
        }
    };
    (@one $(#[$attr:meta])* $name:ident $call:ident $key:ident $field:ident $view:ident) => {
        $(#[$attr])*
        pub async fn $name(
            Admin { state, operator }: Admin,
            $key { $field: key }: $key,
        ) -> Answer<$view> {
            Ok(Json(state.db.$call(&key, &operator.email).await?.into()))
        }
    };
}
pub(super) use by_key;

/// A password's hash, computed off the async workers; a password the rules refuse is
/// answered with `refused`.
pub async fn hashed(password: String, refused: StatusCode) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| ApiError::internal("password hashing failed", e))?
        .map_err(|e| ApiError::operator(refused, e.to_string()))
}
