//! Letting a new user in (SPEC §13): adding them to an account makes a single-use link
//! through which they set their password (`packyard_store::password_links`: stored as a
//! hash, gone once used, valid a week). The link is shown to whoever added them (an owner on
//! the Users page, an operator on the account page) and mailed when mail is set up. The
//! customer Users page and the back office both go through [`add_user`] and [`link_for`].
//!
//! `/password/set?token=…` is the page the link opens ([`crate::link_forms`]): choose a
//! password, then log in.

use packyard_store::accounts::Account;
use packyard_store::users::{Role, User};

use super::error::PortalResult;
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
