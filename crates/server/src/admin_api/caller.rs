//! Who is calling the admin API, and whether their token's scope allows the request. This is
//! the one place scopes are enforced: a middleware in front of every `/api/` route checks
//! the Bearer token (before any request body is read) and the scope the request needs:
//!
//! | request | scope needed |
//! |---|---|
//! | `GET` / `HEAD` anything | `read` |
//! | anything else under `/api/v1/packages`, `/api/v1/releases`, `/api/packages`, `/api/releases` | `publish` |
//! | anything else | `admin` |
//!
//! Scopes are ordered (`read` < `publish` < `admin`), so a wider token may do all a narrower
//! one may. Handlers read the authenticated [`Caller`] from the request's extensions.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use packyard_store::operator_tokens::TokenScope;

use super::error::ApiError;
use crate::AppState;
use crate::auth::bearer_token;

/// An operator authenticated with an API token of some scope.
#[derive(Clone, Debug)]
pub struct Caller {
    pub email: String,
    pub token_id: i64,
    pub scope: TokenScope,
}

/// The scope a request needs (see the module table).
pub fn needed_scope(method: &Method, path: &str) -> TokenScope {
    const PUBLISHING: [&str; 4] = [
        "/api/v1/packages",
        "/api/v1/releases",
        "/api/packages",
        "/api/releases",
    ];
    if method == Method::GET || method == Method::HEAD {
        return TokenScope::Read;
    }
    let under = |prefix: &str| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    if PUBLISHING.iter().any(|p| under(p)) {
        TokenScope::Publish
    } else {
        TokenScope::Admin
    }
}

/// Authenticates the Bearer token against the snapshot (revoked tokens and disabled
/// operators are not in it).
pub fn authenticate(state: &AppState, parts: &Parts) -> Result<Caller, ApiError> {
    let Some(token) = bearer_token(&parts.headers) else {
        return Err(ApiError::operator(
            StatusCode::UNAUTHORIZED,
            "send an operator API token as 'Authorization: Bearer <token>' (create one with 'packyard operator token create')",
        ));
    };
    let hash = packyard_store::secret::sha256(token);
    let snapshot = state.snapshot();
    let found = snapshot.admin_tokens.get(&hash).ok_or_else(|| {
        ApiError::operator(
            StatusCode::UNAUTHORIZED,
            "invalid, revoked or disabled operator API token",
        )
    })?;
    Ok(Caller {
        email: found.email.clone(),
        token_id: found.id,
        scope: found.scope,
    })
}

/// The middleware: authenticate, check the scope, hand the caller to the handler.
pub async fn require_scope(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let caller = match authenticate(&state, &parts) {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let needed = needed_scope(&parts.method, parts.uri.path());
    if caller.scope < needed {
        return ApiError::operator(
            StatusCode::FORBIDDEN,
            format!(
                "this token's scope is '{}'; {} {} needs '{needed}' (create a token with --scope {needed})",
                caller.scope,
                parts.method,
                parts.uri.path()
            ),
        )
        .into_response();
    }
    parts.extensions.insert(caller);
    next.run(Request::from_parts(parts, body)).await
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts.extensions.get::<Caller>().cloned().ok_or_else(|| {
            ApiError::internal("admin API route without the scope check", parts.uri.path())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_by_method_and_resource() {
        let cases = [
            (Method::GET, "/api/v1/accounts", TokenScope::Read),
            (Method::HEAD, "/api/v1/operators", TokenScope::Read),
            (Method::POST, "/api/v1/packages", TokenScope::Publish),
            (
                Method::DELETE,
                "/api/v1/packages/acme/x/1.0.0",
                TokenScope::Publish,
            ),
            (Method::PUT, "/api/releases/A.tar.gz", TokenScope::Publish),
            (Method::POST, "/api/v1/accounts", TokenScope::Admin),
            (Method::POST, "/api/v1/packagesX", TokenScope::Admin),
            (
                Method::DELETE,
                "/api/v1/operator-tokens/3",
                TokenScope::Admin,
            ),
        ];
        for (method, path, scope) in cases {
            assert_eq!(needed_scope(&method, path), scope, "{method} {path}");
        }
    }
}
