//! `/api/v1/accounts/{id}/users…` and `/api/v1/users/{email}/keys` (SPEC §13): the people of
//! an account with their roles, and personal keys that see what every account of their user
//! may install. The store keeps the rules (an account always keeps one owner).

use axum::Json;
use axum::extract::State;
use packyard_api::accounts::{CreatedKeyView, KeyList};
use packyard_api::users::{
    Membership, NewPersonalKeyBody, NewUserBody, RoleBody, UserList, UserRemoved,
};
use packyard_store::users::Role;

use super::accounts::password_hash;
use super::error::{Conflict, NotFound, Unprocessable};
use super::operation::{Admin, Answer, Created, created, listed};
use super::params::{AccountId, Email};
use crate::state::AppState;

/// An account's users and their roles.
#[utoipa::path(get, path = "/api/v1/accounts/{id}/users", tag = "users", params(AccountId),
    responses((status = 200, body = UserList), NotFound))]
pub async fn list(State(state): State<AppState>, AccountId { id }: AccountId) -> Answer<UserList> {
    let account = state.db.account(&id).await?;
    listed(state.db.users_of(&account), |users| UserList { users }).await
}

/// Add a user to an account with a role; a user without a password gets a single-use link
/// to set one (its token is in the answer).
#[utoipa::path(post, path = "/api/v1/accounts/{id}/users", tag = "users", params(AccountId),
    responses((status = 201, body = Membership), NotFound, Conflict, Unprocessable))]
pub async fn add(
    Admin { state, operator }: Admin,
    AccountId { id }: AccountId,
    Json(body): Json<NewUserBody>,
) -> Created<Membership> {
    let role = Role::parse(&body.role)?;
    let account = state.db.account(&id).await?;
    let hash = password_hash(body.password).await?;
    let (user, needs_password) = state
        .db
        .add_user(
            &account,
            &body.email,
            role,
            hash.as_deref(),
            &operator.email,
        )
        .await?;
    let link = match needs_password {
        true => {
            let now = state.config.clock.unix_secs();
            Some(state.db.create_password_link(&user, now).await?)
        }
        false => None,
    };
    created(Membership {
        account: account.public_id,
        email: user.email,
        role: role.as_str().into(),
        password_link_token: link,
    })
}

/// Change a user's role on an account (an account always keeps one owner).
#[utoipa::path(put, path = "/api/v1/accounts/{id}/users/{email}/role", tag = "users",
    params(AccountId, Email),
    responses((status = 200, body = Membership), NotFound, Conflict, Unprocessable))]
pub async fn set_role(
    Admin { state, operator }: Admin,
    AccountId { id }: AccountId,
    Email { email }: Email,
    Json(body): Json<RoleBody>,
) -> Answer<Membership> {
    let role = Role::parse(&body.role)?;
    let account = state.db.account(&id).await?;
    state
        .db
        .set_role(&account, &email, role, &operator.email)
        .await?;
    Ok(Json(Membership {
        account: account.public_id,
        email,
        role: role.as_str().into(),
        password_link_token: None,
    }))
}

/// Remove a user from an account (never its last owner).
#[utoipa::path(delete, path = "/api/v1/accounts/{id}/users/{email}", tag = "users",
    params(AccountId, Email),
    responses((status = 200, body = UserRemoved), NotFound, Conflict))]
pub async fn remove(
    Admin { state, operator }: Admin,
    AccountId { id }: AccountId,
    Email { email }: Email,
) -> Answer<UserRemoved> {
    let account = state.db.account(&id).await?;
    state
        .db
        .remove_user(&account, &email, &operator.email)
        .await?;
    Ok(Json(UserRemoved {
        account: account.public_id,
        email,
        removed: true,
    }))
}

/// A user's personal keys (never the private keys).
#[utoipa::path(get, path = "/api/v1/users/{email}/keys", tag = "users", params(Email),
    responses((status = 200, body = KeyList), NotFound))]
pub async fn keys(State(state): State<AppState>, Email { email }: Email) -> Answer<KeyList> {
    let user = state.db.user(&email).await?;
    listed(state.db.personal_keys_of(&user), |keys| KeyList { keys }).await
}

/// Create a personal key pair for a user; the private key is in this answer only.
#[utoipa::path(post, path = "/api/v1/users/{email}/keys", tag = "users", params(Email),
    responses((status = 201, body = CreatedKeyView), NotFound, Unprocessable))]
pub async fn create_key(
    Admin { state, operator }: Admin,
    Email { email }: Email,
    Json(body): Json<NewPersonalKeyBody>,
) -> Created<CreatedKeyView> {
    let user = state.db.user(&email).await?;
    let key = state
        .db
        .create_personal_key(&user, &body.name, &operator.email)
        .await?;
    created(key)
}
