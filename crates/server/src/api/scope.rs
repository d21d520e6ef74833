//! Whether the caller's API token may make the request. This is the one place scopes are
//! enforced: a middleware in front of every admin API route authenticates the Bearer token
//! ([`crate::auth::authenticate_operator`], before any request body is read) and checks the
//! scope the request needs:
//!
//! | request | scope needed |
//! |---|---|
//! | `GET` / `HEAD` anything | `read` |
//! | anything else under `/api/v1/packages`, `/api/v1/releases`, `/api/packages`, `/api/releases` | `publish` |
//! | anything else | `admin` |
//!
//! Scopes are ordered (`read` < `publish` < `admin`), so a wider token may do all a narrower
//! one may. The authenticated [`crate::auth::Operator`] goes into the request's extensions, where the
//! handlers' `Operator` extractor finds it.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use packyard_store::operator_tokens::TokenScope;

use crate::auth::authenticate_operator;
use crate::edge::client_addr::ClientAddr;
use crate::edge::error::{ApiError, Audience};
use crate::state::AppState;

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

/// The middleware: authenticate, check the scope, hand the caller to the handler.
pub async fn require_scope(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let from = ClientAddr::from_request_parts(&mut parts, &state)
        .await
        .unwrap_or_else(|never| match never {});
    let caller = match authenticate_operator(&state, &parts.headers, from).await {
        Ok(c) => c,
        Err(denial) => {
            return ApiError::from(denial)
                .for_audience(Audience::Operator)
                .into_response();
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_by_method_and_resource() {
        let read = [
            (Method::GET, "/api/v1/accounts"),
            (Method::HEAD, "/api/v1/operators"),
        ];
        let publish = [
            (Method::POST, "/api/v1/packages"),
            (Method::DELETE, "/api/v1/packages/acme/x/1.0.0"),
            (Method::PUT, "/api/releases/A.tar.gz"),
        ];
        let admin = [
            (Method::POST, "/api/v1/accounts"),
            (Method::POST, "/api/v1/packagesX"),
            (Method::DELETE, "/api/v1/operator-tokens/3"),
        ];
        let expected = [
            (TokenScope::Read, &read[..]),
            (TokenScope::Publish, &publish[..]),
            (TokenScope::Admin, &admin[..]),
        ];
        for (scope, requests) in expected {
            for (method, path) in requests {
                assert_eq!(needed_scope(method, path), scope, "{method} {path}");
            }
        }
    }
}
