//! Passwords (SPEC §14): a customer who forgot theirs asks for a link by mail
//! (`/password/forgot`), which works once within [`RESET_TTL_SECS`] (`/password/reset`, in
//! [`crate::link_forms`]); a logged-in customer changes theirs at `/account/password`.
//!
//! The forgot form answers the same whether or not an account uses the address, so it
//! does not tell who is a customer; it is throttled per client address like logins. Reset
//! tokens are stored only as hashes (`packyard_store::mail`). A reset ends every session of
//! the user; a change ends the open reset links. Both are audited and mailed.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};

use super::error::{PortalError, PortalResult};
use super::login::{check_form_token, fresh_form_token};
use super::posted::form;
use super::posted::{Posted, Session};
use super::session::CustomerSession;
use super::views::Layout;
use crate::hashing::{hash_in_turn, verify_in_turn};
use crate::letters::Letter;
use crate::state::ClientAddr;
use crate::state::PortalState;

/// How long a reset link works.
pub const RESET_TTL_SECS: i64 = 3600;

/// The anonymous password pages: ask for a link, it is on its way, choose a new password.
#[derive(Template, WebTemplate)]
#[template(path = "password_reset.html")]
pub struct ResetPage {
    l: Layout,
    /// "forgot", "sent", "choose" or "link" (a new user's set-password link).
    step: &'static str,
    /// Whose password a set-password link sets.
    email: String,
    form_token: String,
    reset_token: String,
    error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "password_change.html")]
pub struct ChangePage {
    l: Layout,
    notice: Option<&'static str>,
    error: Option<String>,
}

/// One of the anonymous password pages; `email` names the user of a set-password link.
pub(super) fn reset_page(
    state: &PortalState,
    step: &'static str,
    reset_token: String,
    error: Option<String>,
    email: &str,
) -> Response {
    let (form_token, cookie) = fresh_form_token(state);
    let title = match step {
        "choose" => "Choose a new password",
        "link" => "Choose your password",
        "sent" => "Check your mail",
        _ => "Reset your password",
    };
    let page = ResetPage {
        l: Layout::anonymous(&state.config.brand, title),
        step,
        email: email.to_string(),
        form_token,
        reset_token,
        error,
    };
    let status = if page.error.is_some() {
        axum::http::StatusCode::BAD_REQUEST
    } else {
        axum::http::StatusCode::OK
    };
    let mut response = (status, page).into_response();
    response.headers_mut().append(header::SET_COOKIE, cookie);
    response
}

fn no_mail() -> PortalError {
    PortalError::NotFound(
        "Passwords cannot be reset by mail on this server. Ask the vendor to set a new one.".into(),
    )
}

pub async fn forgot_form(State(state): State<PortalState>) -> PortalResult<Response> {
    if state.mailer.is_none() {
        return Err(no_mail());
    }
    Ok(reset_page(&state, "forgot", String::new(), None, ""))
}

form! {
    ForgotForm { email, csrf }
}

pub async fn forgot(
    State(state): State<PortalState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<ForgotForm>,
) -> PortalResult<Response> {
    let mailer = state.mailer.clone().ok_or_else(no_mail)?;
    check_form_token(&headers, &form.csrf)?;
    state
        .logins
        .admit(ip)
        .map_err(|retry_after| PortalError::TooManyLogins {
            message: format!(
                "There were too many requests from your address. Wait {} minutes, then try again.",
                retry_after.div_ceil(60)
            ),
            retry_after,
        })?;
    let email = form.email.trim().to_ascii_lowercase();
    let user = match state.db.user_by_email(&email).await? {
        Some((user, Some(_))) => Some(user),
        _ => None,
    };
    let account = match &user {
        Some(user) => state
            .db
            .memberships(user)
            .await?
            .into_iter()
            .map(|m| m.account)
            .find(|a| !a.is_closed()),
        None => None,
    };
    if let Some(account) = account {
        let token = state
            .db
            .create_password_reset(&email, RESET_TTL_SECS, state.config.clock.unix_secs())
            .await?;
        let link = state
            .config
            .portal_url(&format!("/password/reset?token={token}"));
        let letter = Letter {
            subject: "Reset your password".into(),
            paragraphs: vec![
                format!(
                    "Someone (hopefully you) asked to reset the portal password of {email} \
                     (account {} and any other account you belong to).",
                    account.public_id
                ),
                "The link below works once, within an hour. If you did not ask for it, ignore \
                 this mail: your password stays as it is."
                    .into(),
            ],
            action: Some(("Choose a new password".into(), link)),
        };
        let mail = letter.compose(&state.config.brand, &state.config.public_url);
        if let Err(e) = mailer.send(&email, &mail).await {
            tracing::warn!("password reset mail: {e}");
            return Err(PortalError::Unavailable {
                message: "The mail could not be sent right now. Try again in a few minutes.".into(),
                retry_after: 60,
            });
        }
        state
            .db
            .record_event(
                &packyard_store::audit::actor_at(&email, &ip.to_string()),
                "password.reset_requested",
                &email,
            )
            .await?;
    }
    Ok(reset_page(&state, "sent", String::new(), None, ""))
}

pub async fn change_form(session: CustomerSession) -> ChangePage {
    ChangePage {
        l: Layout::customer(&session, "Change your password", "password"),
        notice: None,
        error: None,
    }
}

form! {
    ChangeForm { current, password, confirm }
}

pub async fn change(
    Posted(state, session, form): Posted<CustomerSession, ChangeForm>,
) -> PortalResult<Response> {
    let refuse = |error: &str| {
        let page = ChangePage {
            l: Layout::customer(&session, "Change your password", "password"),
            notice: None,
            error: Some(error.to_string()),
        };
        Ok((axum::http::StatusCode::BAD_REQUEST, page).into_response())
    };
    if form.password != form.confirm {
        return refuse("The two new passwords differ. Type the same new password twice.");
    }
    let email = session.user.email.clone();
    let stored = state.db.user_by_email(&email).await?.and_then(|(_, h)| h);
    if !verify_in_turn(&state, form.current, stored).await? {
        return refuse("The current password is wrong; nothing was changed.");
    }
    let hash = hash_in_turn(&state, form.password).await?;
    state
        .db
        .set_user_password(&session.user, &hash, &session.actor())
        .await?;
    let now = state.config.clock.unix_secs();
    state.db.expire_password_resets(&email, now).await?;
    if let Some(mailer) = &state.mailer {
        let letter = Letter {
            subject: "Your password was changed".into(),
            paragraphs: vec![format!(
                "The portal password of {email} (account {} and any other account you \
                 belong to) was changed. If this was not you, reset it from the login page \
                 and tell the vendor.",
                session.account.public_id
            )],
            action: Some(("Log in".into(), state.config.portal_url("/login"))),
        };
        let mail = letter.compose(&state.config.brand, &state.config.public_url);
        if let Err(e) = mailer.send(&email, &mail).await {
            tracing::warn!("password change mail: {e}");
        }
    }
    let page = ChangePage {
        l: Layout::customer(&session, "Change your password", "password"),
        notice: Some("Your password was changed."),
        error: None,
    };
    Ok(page.into_response())
}
