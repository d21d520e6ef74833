//! The back office's account forms that act for the customer: set their portal password
//! (which logs out their browsers), create an access key for the account (the private key is
//! shown once, as on the customer's own page), and void an invoice entered by mistake, with
//! the reason. Each is audited with the operator's email and address, like the CLI's.

use axum::response::Response;

use super::admin_accounts::{AccountPost, account_path, back_to, close_invoice};
use super::error::{PortalError, PortalResult};
use super::keys::{KeyCreatedPage, NameForm, created_page};
use super::posted::Session;
use super::posted::form;
use super::views::Layout;
use packyard_core::passwords::hash_password;

form! {
    PasswordForm { password }
}

/// `POST /admin/accounts/{id}/password`.
pub async fn set_password(
    AccountPost(state, session, id, form): AccountPost<PasswordForm>,
) -> PortalResult<Response> {
    let account = state.db.account(&id).await?;
    let password = form.password;
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| PortalError::Invalid(format!("the password could not be hashed: {e}")))?
        .map_err(|e| PortalError::Invalid(e.to_string()))?;
    state
        .db
        .set_account_password(&account.public_id, &hash, &session.actor())
        .await?;
    // The primary contact logs in as a user: their browsers, on any account, are logged out.
    let contact = state.db.user(&account.email).await?;
    state.db.delete_user_sessions(contact.id).await?;
    Ok(back_to(&account))
}

/// `POST /admin/accounts/{id}/keys`: the new pair, shown once.
pub async fn create_key(
    AccountPost(state, session, id, form): AccountPost<NameForm>,
) -> PortalResult<KeyCreatedPage> {
    let account = state.db.account(&id).await?;
    let created = state
        .db
        .create_key(&account, &form.name, &session.actor())
        .await?;
    let l = Layout::operator(&session, "New access key", "accounts");
    let back = account_path(&account);
    Ok(created_page(&state, l, created, back))
}

form! {
    VoidForm { number, reason }
}

/// `POST /admin/accounts/{id}/void`.
pub async fn void_invoice(
    AccountPost(state, session, id, form): AccountPost<VoidForm>,
) -> PortalResult<Response> {
    close_invoice(&state, &session, &id, &form.number, Some(&form.reason)).await
}
