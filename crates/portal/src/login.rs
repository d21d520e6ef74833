//! Logging in and out, for customers (`/login`) and operators (`/admin/login`).
//!
//! A customer logs in as a user (SPEC §13: one email, one password, a role on each of their
//! accounts) and starts on their first open account; the session remembers the account they
//! work on, which the header's switcher changes. A user whose accounts are all closed is told
//! so after the right password.
//!
//! Passwords are argon2id (see `packyard_core::passwords`), verified off the async runtime. A
//! wrong email and a wrong password get the same answer after the same work. Failed
//! attempts are counted per client address and email; past `Config::login_max_failures`
//! within `Config::login_window` the form answers 429 until the window has passed, even for
//! the right password. Logins, failed logins and logouts go to the audit log.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use packyard_store::audit::actor_at;
use packyard_store::secret::random_alphanumeric;
use packyard_store::sessions::SessionKind;

use super::error::PortalError;
use super::error::PortalResult;
use super::posted::form;
use super::posted::{NoFields, Posted, Session};
use super::session::{
    CUSTOMER_COOKIE, CustomerSession, LOGIN_CSRF_COOKIE, OPERATOR_COOKIE, OperatorSession, cookie,
    set_cookie,
};
use super::views::Layout;
use crate::csrf::check_token;
use crate::hashing::verify_in_turn;
use crate::state::ClientAddr;
use crate::state::PortalState;

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub struct LoginPage {
    l: Layout,
    heading: &'static str,
    action: &'static str,
    login_csrf: String,
    email: String,
    error: Option<String>,
    /// What happened before (a password was reset), shown above the form.
    notice: Option<&'static str>,
    /// Whether to offer "Forgot your password?" (customers, with mail set up).
    forgot: bool,
}

form! {
    /// `GET /login?reset=done`: the form after a password reset.
    LoginQuery { reset: Option<String> }
}

form! {
    LoginForm {
        email,
        password,
        /// Checked against the double-submit cookie: the login form has no session yet.
        csrf,
    }
}

/// Which login form: they differ only in the table they check and where they lead.
#[derive(Clone, Copy)]
pub struct Side {
    kind: SessionKind,
    heading: &'static str,
    action: &'static str,
    cookie: &'static str,
    home: &'static str,
}

const CUSTOMER: Side = Side {
    kind: SessionKind::Customer,
    heading: "Log in to your account",
    action: "/login",
    cookie: CUSTOMER_COOKIE,
    // `/account` sends each user to the first page their role allows.
    home: "/account",
};

const OPERATOR: Side = Side {
    kind: SessionKind::Operator,
    heading: "Operator login",
    action: "/admin/login",
    cookie: OPERATOR_COOKIE,
    home: "/admin/dashboard",
};

fn form_page(
    state: &PortalState,
    side: Side,
    status: StatusCode,
    email: String,
    error: Option<String>,
) -> Response {
    form_with_notice(state, side, status, email, error, None)
}

fn form_with_notice(
    state: &PortalState,
    side: Side,
    status: StatusCode,
    email: String,
    error: Option<String>,
    notice: Option<&'static str>,
) -> Response {
    let (login_csrf, cookie) = fresh_form_token(state);
    let page = LoginPage {
        l: Layout::anonymous(&state.config.brand, side.heading),
        heading: side.heading,
        action: side.action,
        login_csrf: login_csrf.clone(),
        email,
        error,
        notice,
        forgot: side.kind == SessionKind::Customer && state.mailer.is_some(),
    };
    let mut resp = (status, page).into_response();
    resp.headers_mut().append(header::SET_COOKIE, cookie);
    resp
}

/// A token for a form shown before login (login, password reset), and the double-submit
/// cookie that carries it: the post must bring both ([`check_form_token`]).
pub(super) fn fresh_form_token(state: &PortalState) -> (String, HeaderValue) {
    let token = random_alphanumeric(32);
    let cookie = set_cookie(&state.config, LOGIN_CSRF_COOKIE, &token, Some(3600));
    (token, cookie)
}

/// Checks a pre-login form's token against its cookie.
pub(super) fn check_form_token(headers: &HeaderMap, token: &str) -> PortalResult<()> {
    let expected = cookie(headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    check_token(&expected, token).map_err(PortalError::Csrf)
}

/// The session a login form opens: the handlers below serve both sides through it.
pub trait LoginSide: Session {
    const SIDE: Side;
}

impl LoginSide for CustomerSession {
    const SIDE: Side = CUSTOMER;
}

impl LoginSide for OperatorSession {
    const SIDE: Side = OPERATOR;
}

pub async fn form<S: LoginSide>(
    State(state): State<PortalState>,
    Query(query): Query<LoginQuery>,
) -> Response {
    let notice = match query.reset.as_deref() {
        Some("done") => Some("Your password was changed. Log in with the new one."),
        Some("set") => Some("Your password is set. Log in with your email address and it."),
        _ => None,
    };
    form_with_notice(&state, S::SIDE, StatusCode::OK, String::new(), None, notice)
}

pub async fn log_in<S: LoginSide>(
    State(state): State<PortalState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> PortalResult<Response> {
    login(state, S::SIDE, ip, headers, form).await
}

/// Someone who may log in on one side: a user or an operator.
struct Principal {
    id: i64,
    /// What the audit log and messages call them: their email.
    name: String,
    password_hash: String,
    /// The account a user starts on: their first open one; `None` when every account of
    /// the user is closed (they are told so only after the right password).
    account: Option<i64>,
    /// A disabled operator, or a user whose accounts are all closed (named here).
    closed: Option<String>,
}

/// The principal behind `email`, if it is known and has a password.
async fn principal(
    state: &PortalState,
    side: Side,
    email: &str,
) -> PortalResult<Option<Principal>> {
    Ok(match side.kind {
        SessionKind::Customer => {
            let Some((user, Some(password_hash))) = state.db.user_by_email(email).await? else {
                return Ok(None);
            };
            let memberships = state.db.memberships(&user).await?;
            let open = memberships.iter().find(|m| !m.account.is_closed());
            let closed = match (open, memberships.first()) {
                (None, Some(m)) => Some(format!(
                    "Account {} is closed. Contact the vendor to reopen it.",
                    m.account.public_id
                )),
                (None, None) => Some(format!(
                    "{} belongs to no account any more. Ask an owner of your account to add you again.",
                    user.email
                )),
                _ => None,
            };
            Some(Principal {
                id: user.id,
                account: open.map(|m| m.account.id),
                name: user.email,
                password_hash,
                closed,
            })
        }
        SessionKind::Operator => match state.db.operator(email).await {
            Ok(o) => Some(Principal {
                id: o.id,
                closed: o.disabled.then(|| {
                    format!(
                        "Operator {0} is disabled. Ask another operator to enable it \
                         (packyard operator enable {0}).",
                        o.email
                    )
                }),
                name: o.email,
                password_hash: o.password_hash,
                account: None,
            }),
            Err(packyard_store::StoreError::NotFound(_)) => None,
            Err(e) => return Err(e.into()),
        },
    })
}

async fn login(
    state: PortalState,
    side: Side,
    client: std::net::IpAddr,
    headers: HeaderMap,
    form: LoginForm,
) -> PortalResult<Response> {
    check_form_token(&headers, &form.csrf)?;
    let email = form.email.trim().to_ascii_lowercase();
    // The form again, the email filled in, saying what went wrong.
    let refuse = |status, message: String| {
        Ok(form_page(
            &state,
            side,
            status,
            email.clone(),
            Some(message),
        ))
    };
    if email.is_empty()
        || email.len() > 254
        || form.password.is_empty()
        || form.password.len() > 1024
    {
        return refuse(
            StatusCode::BAD_REQUEST,
            "Enter your email address and password.".into(),
        );
    }
    state.logins.admit(client).map_err(|retry_after| {
        PortalError::TooManyLogins {
            message: format!(
                "There were too many login attempts from your address. Wait {} minutes, then try again.",
                retry_after.div_ceil(60)
            ),
            retry_after,
        }
    })?;
    let ip = client.to_string();
    let scope = format!("{} {ip} {email}", side.kind.as_str());
    let window = state.config.login_window.as_secs() as i64;
    let now = state.config.clock.unix_secs();
    if state.db.login_failures(&scope, window, now).await? >= state.config.login_max_failures {
        state
            .db
            .record_event(
                &actor_at(&email, &ip),
                "login.throttled",
                side.kind.as_str(),
            )
            .await?;
        return Err(PortalError::TooManyLogins {
            message: format!(
                "There were too many failed logins for {email} from your address. Wait {} minutes, then try again.",
                (window + 59) / 60
            ),
            retry_after: window.max(1) as u64,
        });
    }
    let found = principal(&state, side, &email).await?;
    let hash = found.as_ref().map(|p| p.password_hash.clone());
    let ok = verify_in_turn(&state, form.password, hash).await?;
    let Some(principal) = found.filter(|_| ok) else {
        state.db.record_login_failure(&scope, now).await?;
        state
            .db
            .record_event(&actor_at(&email, &ip), "login.failed", side.kind.as_str())
            .await?;
        return refuse(
            StatusCode::UNAUTHORIZED,
            "The email address or password is wrong.".into(),
        );
    };
    if let Some(message) = principal.closed {
        return refuse(StatusCode::FORBIDDEN, message);
    }
    state.logins.forgive(client);
    state.db.clear_login_failures(&scope).await?;
    // Housekeeping rides on logins: they are rare, and expired rows are never read anyway.
    state.db.prune_sessions(window, now).await?;
    let ttl = state.config.session_ttl.as_secs().max(1);
    let new = state
        .db
        .create_session(side.kind, principal.id, ttl as i64, &ip, now)
        .await?;
    if let Some(account) = principal.account {
        state
            .db
            .set_session_account(&new.cookie_value, account)
            .await?;
    }
    state
        .db
        .record_event(&actor_at(&principal.name, &ip), "login", side.kind.as_str())
        .await?;
    let mut resp = Redirect::to(side.home).into_response();
    let h = resp.headers_mut();
    h.append(
        header::SET_COOKIE,
        set_cookie(&state.config, side.cookie, &new.cookie_value, Some(ttl)),
    );
    h.append(
        header::SET_COOKIE,
        set_cookie(&state.config, LOGIN_CSRF_COOKIE, "", None),
    );
    Ok(resp)
}

async fn logout(
    state: &PortalState,
    side: Side,
    headers: &HeaderMap,
    actor: &str,
) -> PortalResult<Response> {
    if let Some(value) = cookie(headers, side.cookie) {
        state.db.delete_session(&value).await?;
    }
    state
        .db
        .record_event(actor, "logout", side.kind.as_str())
        .await?;
    let mut resp = Redirect::to(side.action).into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state.config, side.cookie, "", None),
    );
    Ok(resp)
}

pub async fn log_out<S: LoginSide>(
    headers: HeaderMap,
    Posted(state, session, _): Posted<S, NoFields>,
) -> PortalResult<Response> {
    logout(&state, S::SIDE, &headers, &session.actor()).await
}
