//! `/api/v1/accounts…` and `/api/v1/keys…`: customer accounts, their access keys and their
//! download access token.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use packyard_api::accounts::{
    AccountAnswer, AccountChange, AccountCreated, AccountDetail, AccountList, AccountStandingView,
    CreatedKeyView, DownloadToken, ImportKeyBody, KeyList, KeySwitched, NewAccountBody, NewKeyBody,
};
use packyard_store::accounts::{Account, NewAccount};
use packyard_store::invoices::Invoice;
use packyard_store::sessions::SessionKind;

use super::error::{Conflict, NotFound, Unauthorized, Unprocessable};
use super::operation::{Admin, Answer, Created, by_key, created, hashed, listed, switched};
use super::params::{AccountId, PublicKey};
use crate::edge::error::ApiResult;
use crate::state::AppState;
use packyard_core::rules::AccountStanding;

/// A customer's portal password as stored (its hash); a password the rules refuse is 400.
pub(super) async fn password_hash(password: Option<String>) -> ApiResult<Option<String>> {
    match password {
        None => Ok(None),
        Some(p) => hashed(p, StatusCode::BAD_REQUEST).await.map(Some),
    }
}

/// The answer naming the account an operation changed.
fn account_answer(account: Account) -> Answer<AccountAnswer> {
    Ok(Json(AccountAnswer { account }))
}

/// Every account.
#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts",
    responses((status = 200, body = AccountList), Unauthorized))]
pub async fn list(State(state): State<AppState>) -> Answer<AccountList> {
    let mut accounts = Vec::new();
    for account in state.db.accounts().await? {
        let invoices = state.db.invoices_of(&account).await?;
        accounts.push(with_standing(&state, account, &invoices));
    }
    Ok(Json(AccountList { accounts }))
}

/// An account's row with its `standing` (active, on hold since a day because of an
/// invoice, or closed), decided by the rule the Composer path applies.
fn with_standing(state: &AppState, account: Account, invoices: &[Invoice]) -> AccountStandingView {
    let today = state.config.clock.today();
    let grace = state.config.billing_grace_days;
    let standing = AccountStanding::of(account.is_closed(), invoices, today, grace);
    AccountStandingView { account, standing }
}

/// Create an account; answers its id.
#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts",
    responses((status = 201, body = AccountCreated), Conflict, Unprocessable))]
pub async fn create(
    Admin { state, operator }: Admin,
    Json(body): Json<NewAccountBody>,
) -> Created<AccountCreated> {
    let password_hash = password_hash(body.password).await?;
    let account = state
        .db
        .create_account(
            NewAccount {
                email: &body.email,
                name: &body.name,
                id_prefix: &state.config.account_id_prefix,
                password_hash,
            },
            &operator.email,
        )
        .await?;
    created(AccountCreated {
        id: account.public_id.clone(),
        account,
    })
}

/// One account with its keys, licences and invoices.
#[utoipa::path(get, path = "/api/v1/accounts/{id}", tag = "accounts", params(AccountId),
    responses((status = 200, body = AccountDetail), NotFound))]
pub async fn show(
    State(state): State<AppState>,
    AccountId { id }: AccountId,
) -> Answer<AccountDetail> {
    let db = &state.db;
    let account = db.account(&id).await?;
    let keys = db.keys_of(&account).await?;
    let licences = db.licences(Some(&account)).await?;
    let invoices = db.invoices_of(&account).await?;
    let account = with_standing(&state, account, &invoices);
    Ok(Json(AccountDetail {
        account,
        keys,
        licences,
        invoices,
    }))
}

/// Rename an account, change its email or its portal password.
#[utoipa::path(patch, path = "/api/v1/accounts/{id}", tag = "accounts", params(AccountId),
    responses((status = 200, body = AccountAnswer), NotFound, Conflict))]
pub async fn update(
    Admin { state, operator }: Admin,
    AccountId { id }: AccountId,
    Json(change): Json<AccountChange>,
) -> Answer<AccountAnswer> {
    let db = &state.db;
    let mut account = db.account(&id).await?;
    if change.name.is_some() || change.email.is_some() {
        account = db
            .update_account(
                &id,
                change.name.as_deref(),
                change.email.as_deref(),
                &operator.email,
            )
            .await?;
    }
    if let Some(hash) = password_hash(change.password).await? {
        db.set_account_password(&id, &hash, &operator.email).await?;
        db.delete_sessions_of(SessionKind::Customer, account.id)
            .await?;
    }
    account_answer(account)
}

switched! {
    set_open(AccountId) -> Answer<AccountAnswer>: tag = "accounts", params(AccountId),
        responses((status = 200, body = AccountAnswer), NotFound) {
        /// Close an account: its keys and token are refused until it is reopened.
        post "/api/v1/accounts/{id}/close" close = false;
        /// Reopen a closed account.
        post "/api/v1/accounts/{id}/reopen" reopen = true;
    }

    set_key(PublicKey) -> Answer<KeySwitched>: tag = "keys", params(PublicKey),
        responses((status = 200, body = KeySwitched), NotFound) {
        /// Disable an access key.
        post "/api/v1/keys/{public_key}/disable" disable_key = false;
        /// Enable an access key.
        post "/api/v1/keys/{public_key}/enable" enable_key = true;
    }
}

async fn set_open(
    Admin { state, operator }: Admin,
    AccountId { id }: AccountId,
    open: bool,
) -> Answer<AccountAnswer> {
    let account = match open {
        true => state.db.reopen_account(&id, &operator.email).await?,
        false => state.db.close_account(&id, &operator.email).await?,
    };
    account_answer(account)
}

/// An account's access keys (never the private keys).
#[utoipa::path(get, path = "/api/v1/accounts/{id}/keys", tag = "keys", params(AccountId),
    responses((status = 200, body = KeyList), NotFound))]
pub async fn keys(State(state): State<AppState>, AccountId { id }: AccountId) -> Answer<KeyList> {
    let account = state.db.account(&id).await?;
    listed(state.db.keys_of(&account), |keys| KeyList { keys }).await
}

/// Create an access key pair; the private key is in this answer only.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/keys", tag = "keys", params(AccountId),
    responses((status = 201, body = CreatedKeyView), NotFound, Unprocessable))]
pub async fn create_key(
    Admin { state, operator }: Admin,
    AccountId { id }: AccountId,
    Json(body): Json<NewKeyBody>,
) -> Created<CreatedKeyView> {
    let (name, by) = (&body.name, &operator.email);
    created(
        state
            .db
            .add_account_key(&id, name, &body.products, None, by)
            .await?,
    )
}

/// Adopt an existing key pair (e.g. from another repository); only its hash is stored.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/keys/import", tag = "keys", params(AccountId),
    responses((status = 201, body = CreatedKeyView), NotFound, Conflict, Unprocessable))]
pub async fn import_key(
    Admin { state, operator }: Admin,
    AccountId { id }: AccountId,
    Json(body): Json<ImportKeyBody>,
) -> Created<CreatedKeyView> {
    let pair = Some((body.public_key.as_str(), body.private_key.as_str()));
    let (name, by) = (&body.name, &operator.email);
    created(
        state
            .db
            .add_account_key(&id, name, &body.products, pair, by)
            .await?,
    )
}

async fn set_key(
    Admin { state, operator }: Admin,
    PublicKey { public_key }: PublicKey,
    enabled: bool,
) -> Answer<KeySwitched> {
    let key = state
        .db
        .set_key_enabled(&public_key, enabled, &operator.email)
        .await?;
    Ok(Json(KeySwitched {
        public_key: key.public_key,
        enabled: key.enabled,
    }))
}

by_key! {
    /// Delete an access key for good.
    #[utoipa::path(delete, path = "/api/v1/keys/{public_key}", tag = "keys", params(PublicKey),
        responses((status = 204), NotFound))]
    delete_key = delete_key(PublicKey { public_key }) -> NoContent;
}

/// Generate the account's download access token, replacing the previous one at once.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/download-token", tag = "download tokens",
    params(AccountId),
    responses((status = 201, body = DownloadToken), NotFound, Unprocessable))]
pub async fn generate_token(
    Admin { state, operator }: Admin,
    AccountId { id }: AccountId,
) -> Created<DownloadToken> {
    let account = state.db.account(&id).await?;
    let token = state.db.generate_token(&account, &operator.email).await?;
    created(DownloadToken { token })
}
