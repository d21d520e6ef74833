//! The two links that choose a password, one flow for both: a reset link mailed on request
//! ([`crate::password`], `/password/reset`) and a new user's set-password link
//! ([`crate::invites`], `/password/set`). `GET` shows the form while the link is live;
//! `POST` checks the form token and the two copies, sets the password and uses the link up.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};

use super::error::PortalResult;
use super::login::check_form_token;
use super::password::reset_page;
use super::posted::form;
use crate::hashing::hash_in_turn;
use crate::state::PortalState;

form! {
    /// `?token=…` of a link.
    TokenQuery { token }
}

form! {
    /// The form that chooses a password through a link.
    ResetForm { token, password, confirm, csrf }
}

/// Which link a handler serves: [`ResetLink`] or [`SetLink`].
pub trait LinkKind {
    /// The step of [`reset_page`] that shows the form.
    const STEP: &'static str;
    /// Whether the page names the link's user (a set-password link does, a reset link not).
    const SHOWS_EMAIL: bool;
}

/// A reset link, mailed to whoever asked at `/password/forgot`.
pub struct ResetLink;

impl LinkKind for ResetLink {
    const STEP: &'static str = "choose";
    const SHOWS_EMAIL: bool = false;
}

/// A new user's set-password link.
pub struct SetLink;

impl LinkKind for SetLink {
    const STEP: &'static str = "link";
    const SHOWS_EMAIL: bool = true;
}

/// The email a live link `token` of kind `K` was made for, as its page shows it (empty for
/// a reset link); refused once used or expired.
async fn shown_email<K: LinkKind>(state: &PortalState, token: &str) -> PortalResult<String> {
    let now = state.config.clock.unix_secs();
    Ok(if K::SHOWS_EMAIL {
        state.db.password_link_user(token, now).await?.email
    } else {
        state.db.password_reset_email(token, now).await?;
        String::new()
    })
}

/// `GET /password/reset?token=…` and `/password/set?token=…`.
pub async fn link_form<K: LinkKind>(
    State(state): State<PortalState>,
    Query(query): Query<TokenQuery>,
) -> PortalResult<Response> {
    let email = shown_email::<K>(&state, &query.token).await?;
    Ok(reset_page(&state, K::STEP, query.token, None, &email))
}

/// `POST` of a link's form: once the form token and the two copies agree, the password is
/// set and the link used up (a reset also ends the user's sessions); on to the login form.
/// Otherwise the page again, saying why.
pub async fn set_by_link<K: LinkKind>(
    State(state): State<PortalState>,
    headers: HeaderMap,
    Form(form): Form<ResetForm>,
) -> PortalResult<Response> {
    let email = shown_email::<K>(&state, &form.token).await?;
    check_form_token(&headers, &form.csrf)?;
    if form.password != form.confirm {
        let error = "The two passwords differ. Type the same password twice.".to_string();
        let page = reset_page(&state, K::STEP, form.token, Some(error), &email);
        return Ok(page);
    }
    let hash = hash_in_turn(&state, form.password).await?;
    let now = state.config.clock.unix_secs();
    if K::SHOWS_EMAIL {
        state
            .db
            .redeem_password_link(&form.token, &hash, now)
            .await?;
        Ok(Redirect::to("/login?reset=set").into_response())
    } else {
        let user = state.db.reset_password(&form.token, &hash, now).await?;
        state.db.delete_user_sessions(user.id).await?;
        Ok(Redirect::to("/login?reset=done").into_response())
    }
}
