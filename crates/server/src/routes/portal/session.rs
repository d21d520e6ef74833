//! Who is looking at a portal page: the session cookie, found again in the database by its
//! hash (see `packyard_store::sessions`). Cookies are `HttpOnly` (no script can read them),
//! `SameSite=Lax` (not sent on cross-site POSTs) and `Secure` when the public URL is HTTPS.
//! A missing, unknown or expired session redirects to the login form.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use packyard_store::accounts::Account;
use packyard_store::audit::actor_at;
use packyard_store::operators::Operator;
use packyard_store::sessions::SessionKind;

use super::PortalError;
use crate::AppState;
use crate::config::Config;
use crate::csrf::check_token;

pub const CUSTOMER_COOKIE: &str = "packyard_session";
pub const OPERATOR_COOKIE: &str = "packyard_admin";
/// Double-submit cookie for the login forms, which have no session yet.
pub const LOGIN_CSRF_COOKIE: &str = "packyard_login";

/// The value of cookie `name` in the request, if any.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value; `max_age` of `None` deletes the cookie.
pub fn set_cookie(config: &Config, name: &str, value: &str, max_age: Option<u64>) -> HeaderValue {
    let secure = if config.is_https() { "; Secure" } else { "" };
    let age = max_age.unwrap_or(0);
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={age}{secure}"
    ))
    .expect("cookie values are alphanumeric")
}

/// The client's address as the socket saw it (the portal is meant to be reached directly or
/// through a proxy that the operator trusts to be the only client, so no forwarded headers).
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or_else(|| "unknown".into(), |c| c.0.ip().to_string()),
        ))
    }
}

/// A logged-in customer.
pub struct CustomerSession {
    pub account: Account,
    pub csrf: String,
    pub ip: String,
}

/// A logged-in operator.
pub struct OperatorSession {
    pub operator: Operator,
    pub csrf: String,
    pub ip: String,
}

impl CustomerSession {
    /// The actor recorded in the audit log: the account id, from this address.
    pub fn actor(&self) -> String {
        actor_at(&self.account.public_id, &self.ip)
    }

    pub fn check_csrf(&self, supplied: &str) -> Result<(), PortalError> {
        check_token(&self.csrf, supplied).map_err(PortalError::Csrf)
    }
}

impl OperatorSession {
    pub fn actor(&self) -> String {
        actor_at(&self.operator.email, &self.ip)
    }

    pub fn check_csrf(&self, supplied: &str) -> Result<(), PortalError> {
        check_token(&self.csrf, supplied).map_err(PortalError::Csrf)
    }
}

/// Finds the live session of `kind` behind the request's cookie: (principal id, csrf token).
async fn live_session(
    parts: &Parts,
    state: &AppState,
    kind: SessionKind,
) -> Result<Option<(i64, String)>, Response> {
    let name = match kind {
        SessionKind::Customer => CUSTOMER_COOKIE,
        SessionKind::Operator => OPERATOR_COOKIE,
    };
    let Some(value) = cookie(&parts.headers, name) else {
        return Ok(None);
    };
    let session = state
        .db
        .session(&value)
        .await
        .map_err(|e| PortalError::from(e).into_response())?;
    Ok(session
        .filter(|s| s.is(kind))
        .map(|s| (s.principal_id, s.csrf_token)))
}

fn to_login(path: &str) -> Response {
    Redirect::to(path).into_response()
}

impl FromRequestParts<AppState> for CustomerSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some((id, csrf)) = live_session(parts, state, SessionKind::Customer).await? else {
            return Err(to_login("/login"));
        };
        let account = match state.db.account_by_row_id(id).await {
            Ok(a) if !a.is_closed() => a,
            Ok(_) | Err(packyard_store::StoreError::NotFound(_)) => return Err(to_login("/login")),
            Err(e) => return Err(PortalError::from(e).into_response()),
        };
        let ClientIp(ip) = ClientIp::from_request_parts(parts, state)
            .await
            .unwrap_or_else(|e| match e {});
        Ok(CustomerSession { account, csrf, ip })
    }
}

impl FromRequestParts<AppState> for OperatorSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some((id, csrf)) = live_session(parts, state, SessionKind::Operator).await? else {
            return Err(to_login("/admin/login"));
        };
        let operator = match state.db.operator_by_id(id).await {
            Ok(o) if !o.disabled => o,
            Ok(_) | Err(packyard_store::StoreError::NotFound(_)) => {
                return Err(to_login("/admin/login"));
            }
            Err(e) => return Err(PortalError::from(e).into_response()),
        };
        let ClientIp(ip) = ClientIp::from_request_parts(parts, state)
            .await
            .unwrap_or_else(|e| match e {});
        Ok(OperatorSession { operator, csrf, ip })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_http_only_lax_and_secure_only_over_https() {
        let plain = set_cookie(&Config::new("http://127.0.0.1:8080"), "s", "abc", Some(60));
        assert_eq!(
            plain.to_str().unwrap(),
            "s=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60"
        );
        let tls = set_cookie(&Config::new("https://repo.example.com"), "s", "abc", None);
        assert_eq!(
            tls.to_str().unwrap(),
            "s=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure"
        );
    }

    #[test]
    fn finds_a_cookie_among_several() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; packyard_session=xyz; b=2"),
        );
        assert_eq!(cookie(&h, CUSTOMER_COOKIE).as_deref(), Some("xyz"));
        assert_eq!(cookie(&h, OPERATOR_COOKIE), None);
    }
}
