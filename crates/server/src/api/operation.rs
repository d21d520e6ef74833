//! What the admin API's handlers have in common, in one place: the [`Admin`] extractor (the
//! server's state with the operator acting, whose email every change's audit entry records),
//! the answer types ([`Answer`], [`Created`]), store rows as the listed views ([`views`],
//! [`listed`]), password hashing off the async workers ([`hashed`]), and two macros for
//! families of operations whose declarations would otherwise be copies: [`switched`] (pairs
//! that differ by a flag) and [`by_key`] (one store call on the path's key).
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

/// Store rows as the views the API lists.
pub fn views<T, V: From<T>>(rows: Vec<T>) -> Vec<V> {
    rows.into_iter().map(V::from).collect()
}

/// A listing: the rows a store call reads, as views in the list body `list` makes of them.
pub async fn listed<T, V: From<T>, L>(
    rows: impl Future<Output = Result<Vec<T>, StoreError>>,
    list: impl FnOnce(Vec<V>) -> L,
) -> Answer<L> {
    Ok(Json(list(views(rows.await?))))
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
        pub async fn $name(admin: Admin, path: Path<$path>) -> $answer {
            $set(admin, path, $flag).await
        }
    )+)+};
}
pub(super) use switched;

/// Declares operations that hand the path's one key and the acting operator's email to one
/// store call: `name = call -> View;` answers the row the call returns as `View`,
/// `name = call -> NoContent;` answers 204 with no body.
macro_rules! by_key {
    ($($(#[$attr:meta])* $name:ident = $call:ident -> $answer:ident;)+) => {$(
        by_key!(@one $(#[$attr])* $name $call $answer);
    )+};
    (@one $(#[$attr:meta])* $name:ident $call:ident NoContent) => {
        $(#[$attr])*
        pub async fn $name(
            Admin { state, operator }: Admin,
            Path(key): Path<String>,
        ) -> ApiResult<StatusCode> {
            state.db.$call(&key, &operator.email).await?;
            Ok(StatusCode::NO_CONTENT)
        }
    };
    (@one $(#[$attr:meta])* $name:ident $call:ident $view:ident) => {
        $(#[$attr])*
        pub async fn $name(
            Admin { state, operator }: Admin,
            Path(key): Path<String>,
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
