//! Who is looking at a portal page: the session cookie, found again in the database by its
//! hash (see `packyard_store::sessions`). Cookies are `HttpOnly` (no script can read them),
//! `SameSite=Lax` (not sent on cross-site POSTs) and `Secure` when the public URL is HTTPS.
//! A missing, unknown or expired session redirects to the login form.
//!
//! A customer session names a user and the account they work on now (one of theirs; the
//! switcher in the header changes it). Finding it applies the role rule of
//! [`crate::areas`] to the request's path, so a page a role may not use answers 403
//! whichever handler serves it.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use cookie::{Cookie, SameSite};
use packyard_store::StoreError;
use packyard_store::accounts::Account;
use packyard_store::operators::Operator;
use packyard_store::sessions::SessionKind;
use packyard_store::users::{Membership, Role, User};

use super::error::PortalError;
use super::posted::{Session, SignedIn, refuse_unchecked_post};
use crate::areas::Area;
use crate::state::PortalState;
use packyard_core::Config;
use packyard_core::rules::AccountStanding;

pub const CUSTOMER_COOKIE: &str = "packyard_session";
pub const OPERATOR_COOKIE: &str = "packyard_admin";
/// Double-submit cookie for the login forms, which have no session yet.
pub const LOGIN_CSRF_COOKIE: &str = "packyard_login";

/// The value of cookie `name` in the request, if any.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(name)
        .map(|c| c.value().to_string())
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Lax`, `Path=/`, `Secure` over HTTPS;
/// `max_age` of `None` deletes the cookie.
pub fn set_cookie(config: &Config, name: &str, value: &str, max_age: Option<u64>) -> HeaderValue {
    let age = max_age.unwrap_or(0).min(i64::MAX as u64) as i64;
    let cookie = Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::seconds(age))
        .secure(config.is_https())
        .build();
    // Our names and values are alphanumeric, so the header is always valid; an empty
    // value would only fail to set the cookie, never let an attacker's text through.
    HeaderValue::from_str(&cookie.to_string()).unwrap_or(HeaderValue::from_static(""))
}

/// A logged-in customer: a user working on one of their accounts.
pub struct CustomerSession {
    pub user: User,
    /// The account they work on now.
    pub account: Account,
    /// Their role on it.
    pub role: Role,
    /// Every open account of the user, for the switcher.
    pub accounts: Vec<Membership>,
    pub signed: SignedIn,
    /// Why the account is on billing hold ("on hold since … because of invoice …"), if it
    /// is: every customer page says so, by the rule the Composer path applies.
    pub hold: Option<String>,
}

/// A logged-in operator.
pub struct OperatorSession {
    pub operator: Operator,
    pub signed: SignedIn,
}

/// Finds the live session of `kind` behind the request's cookie.
async fn live_session(
    parts: &Parts,
    state: &PortalState,
    kind: SessionKind,
) -> Result<Option<packyard_store::sessions::Session>, Response> {
    let name = match kind {
        SessionKind::Customer => CUSTOMER_COOKIE,
        SessionKind::Operator => OPERATOR_COOKIE,
    };
    let Some(value) = cookie(&parts.headers, name) else {
        return Ok(None);
    };
    let session = state
        .db
        .session(&value, state.config.clock.unix_secs())
        .await
        .map_err(|e| PortalError::from(e).into_response())?;
    Ok(session.filter(|s| s.is(kind)))
}

fn to_login(path: &str) -> Response {
    Redirect::to(path).into_response()
}

const CUSTOMER_LOGIN: &str = "/login";
const OPERATOR_LOGIN: &str = "/admin/login";

/// Who the live session of `kind` belongs to (`load` finds them from the session), with the
/// session's [`SignedIn`] part; without one, a redirect to the login form.
async fn signed_in<T>(
    parts: &Parts,
    state: &PortalState,
    kind: SessionKind,
    load: impl AsyncFnOnce(packyard_store::sessions::Session) -> Result<T, StoreError>,
) -> Result<(T, SignedIn), Response> {
    let login = match kind {
        SessionKind::Customer => CUSTOMER_LOGIN,
        SessionKind::Operator => OPERATOR_LOGIN,
    };
    let Some(session) = live_session(parts, state, kind).await? else {
        return Err(to_login(login));
    };
    let csrf = session.csrf_token.clone();
    let principal = match load(session).await {
        Ok(p) => p,
        Err(StoreError::NotFound(_)) => return Err(to_login(login)),
        Err(e) => return Err(PortalError::from(e).into_response()),
    };
    let ip = client_ip(parts, state);
    let brand = state.config.brand.clone();
    Ok((principal, SignedIn { csrf, ip, brand }))
}

/// The client's address as the edge decides it (trusted proxies included), as text for the
/// audit log.
fn client_ip(parts: &Parts, state: &PortalState) -> String {
    match state.client_of(parts) {
        Some(ip) => ip.to_string(),
        None => "unknown".into(),
    }
}

impl Session for CustomerSession {
    fn signed(&self) -> (&SignedIn, &str) {
        (&self.signed, &self.user.email)
    }

    async fn find(parts: &Parts, state: &PortalState) -> Result<Self, Response> {
        let fail = |e: StoreError| PortalError::from(e).into_response();
        let load = async |s: packyard_store::sessions::Session| {
            let user = state.db.user_by_id(s.principal_id).await?;
            Ok((user, s.account_id))
        };
        let ((user, chosen), signed) = signed_in(parts, state, SessionKind::Customer, load).await?;
        let mut accounts = state.db.memberships(&user).await.map_err(fail)?;
        accounts.retain(|m| !m.account.is_closed());
        let Some(current) = accounts
            .iter()
            .find(|m| Some(m.account.id) == chosen)
            .or(accounts.first())
            .cloned()
        else {
            return Err(to_login(CUSTOMER_LOGIN));
        };
        if chosen != Some(current.account.id)
            && let Some(value) = cookie(&parts.headers, CUSTOMER_COOKIE)
        {
            // The chosen account was closed or left: work on the first open one now.
            let id = current.account.id;
            state
                .db
                .set_session_account(&value, id)
                .await
                .map_err(fail)?;
        }
        let Membership { account, role } = current;
        if let Some(area) = Area::of_path(parts.uri.path())
            && !area.allows(role)
        {
            let message = area.refusal(role, &account.public_id);
            return Err(PortalError::Forbidden { message, role }.into_response());
        }
        let today = state.config.clock.today();
        let grace = state.config.billing_grace_days;
        let invoices = state.db.invoices_of(&account).await.map_err(fail)?;
        let standing = AccountStanding::of(false, &invoices, today, grace);
        let hold = standing.invoice.is_some().then(|| standing.to_string());
        Ok(CustomerSession {
            user,
            account,
            role,
            accounts,
            signed,
            hold,
        })
    }
}

impl Session for OperatorSession {
    fn signed(&self) -> (&SignedIn, &str) {
        (&self.signed, &self.operator.email)
    }

    async fn find(parts: &Parts, state: &PortalState) -> Result<Self, Response> {
        let load = async |s: packyard_store::sessions::Session| {
            state.db.operator_by_id(s.principal_id).await
        };
        let (operator, signed) = signed_in(parts, state, SessionKind::Operator, load).await?;
        if operator.disabled {
            return Err(to_login(OPERATOR_LOGIN));
        }
        Ok(OperatorSession { operator, signed })
    }
}

/// Pages that only show something take the session directly; see [`refuse_unchecked_post`].
macro_rules! session_extractor {
    ($session:ty) => {
        impl FromRequestParts<PortalState> for $session {
            type Rejection = Response;

            async fn from_request_parts(
                parts: &mut Parts,
                state: &PortalState,
            ) -> Result<Self, Response> {
                refuse_unchecked_post(&parts.method).map_err(IntoResponse::into_response)?;
                <$session as Session>::find(parts, state).await
            }
        }
    };
}
session_extractor!(CustomerSession);
session_extractor!(OperatorSession);

#[cfg(test)]
mod tests {
    use super::*;

    fn attributes(value: &HeaderValue) -> Vec<String> {
        let mut parts: Vec<String> = value
            .to_str()
            .unwrap()
            .split(';')
            .map(|p| p.trim().to_string())
            .collect();
        parts.sort();
        parts
    }

    #[test]
    fn cookies_are_http_only_lax_and_secure_only_over_https() {
        let plain = set_cookie(&Config::new("http://127.0.0.1:8080"), "s", "abc", Some(60));
        assert_eq!(
            attributes(&plain),
            ["HttpOnly", "Max-Age=60", "Path=/", "SameSite=Lax", "s=abc"]
        );
        let tls = set_cookie(&Config::new("https://repo.example.com"), "s", "abc", None);
        assert_eq!(
            attributes(&tls),
            [
                "HttpOnly",
                "Max-Age=0",
                "Path=/",
                "SameSite=Lax",
                "Secure",
                "s=abc"
            ]
        );
    }

    #[test]
    fn finds_a_cookie_among_several() {
        let mut h = HeaderMap::new();
        h.insert(
            axum::http::header::COOKIE,
            HeaderValue::from_static("a=1; packyard_session=xyz; b=2"),
        );
        assert_eq!(cookie(&h, CUSTOMER_COOKIE).as_deref(), Some("xyz"));
        assert_eq!(cookie(&h, OPERATOR_COOKIE), None);
    }
}
