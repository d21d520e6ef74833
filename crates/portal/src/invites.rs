//! Letting a new user in (SPEC §13): adding them to an account makes a single-use link
//! through which they set their password (`packyard_store::password_links`: stored as a
//! hash, gone once used, valid a week). The link is shown to whoever added them (an owner on
//! the Users page, an operator on the account page) and mailed when mail is set up. The
//! customer Users page and the back office both go through [`add_user`] and [`link_for`].
//!
//! `/password/set?token=…` is the page the link opens: choose a password, then log in.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use packyard_store::accounts::Account;
use packyard_store::users::{Role, User};

use super::error::PortalResult;
use super::password::{ResetForm, TokenQuery, chosen_hash, reset_page};
use crate::letters::Letter;
use crate::state::PortalState;

/// A set-password link as the page that made it shows it.
pub struct ShownLink {
    pub email: String,
    pub url: String,
    /// Whether it also went out by mail.
    pub mailed: bool,
}

/// Adds `email` to `account` with `role`; a user who has no password yet gets a link.
pub async fn add_user(
    state: &PortalState,
    account: &Account,
    email: &str,
    role: &str,
    actor: &str,
) -> PortalResult<Option<ShownLink>> {
    let role = Role::parse(role)?;
    let (user, needs_password) = state.db.add_user(account, email, role, None, actor).await?;
    if !needs_password {
        return Ok(None);
    }
    Ok(Some(link_for(state, account, &user).await?))
}

/// A fresh set-password link for `user` (earlier ones stop working), mailed if mail is set up.
pub async fn link_for(
    state: &PortalState,
    account: &Account,
    user: &User,
) -> PortalResult<ShownLink> {
    let token = state
        .db
        .create_password_link(user, state.config.clock.unix_secs())
        .await?;
    let url = state
        .config
        .portal_url(&format!("/password/set?token={token}"));
    let mut mailed = false;
    if let Some(mailer) = &state.mailer {
        let letter = Letter {
            subject: format!("Your access to account {}", account.public_id),
            paragraphs: vec![
                format!(
                    "You were added to account {} ({}) on the portal, as {}.",
                    account.public_id, account.name, user.email
                ),
                "Choose your password through the link below; it works once, within a week.".into(),
            ],
            action: Some(("Choose your password".into(), url.clone())),
        };
        let mail = letter.compose(&state.config.brand, &state.config.public_url);
        match mailer.send(&user.email, &mail).await {
            Ok(()) => mailed = true,
            Err(e) => tracing::warn!("set-password link mail: {e}"),
        }
    }
    Ok(ShownLink {
        email: user.email.clone(),
        url,
        mailed,
    })
}

/// The user a live set-password link `token` was made for (refused once used or expired).
async fn link_user(state: &PortalState, token: &str) -> PortalResult<User> {
    let now = state.config.clock.unix_secs();
    Ok(state.db.password_link_user(token, now).await?)
}

/// `GET /password/set?token=…`.
pub async fn set_form(
    State(state): State<PortalState>,
    Query(query): Query<TokenQuery>,
) -> PortalResult<Response> {
    let user = link_user(&state, &query.token).await?;
    Ok(reset_page(&state, "link", query.token, None, &user.email))
}

/// `POST /password/set`: the password is set, the link used up; on to the login form.
pub async fn set(
    State(state): State<PortalState>,
    headers: HeaderMap,
    Form(form): Form<ResetForm>,
) -> PortalResult<Response> {
    let user = link_user(&state, &form.token).await?;
    let token = form.token.clone();
    let hash = match chosen_hash(&state, &headers, form, "link", &user.email).await? {
        Ok(hash) => hash,
        Err(page) => return Ok(page),
    };
    let now = state.config.clock.unix_secs();
    state.db.redeem_password_link(&token, &hash, now).await?;
    Ok(Redirect::to("/login?reset=set").into_response())
}
