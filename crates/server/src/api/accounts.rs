//! `/api/v1/accounts…` and `/api/v1/keys…`: customer accounts, their access keys and their
//! download access token.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use packyard_store::accounts::{Account, NewAccount};
use packyard_store::invoices::Invoice;
use packyard_store::sessions::SessionKind;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::error::ErrorBody;
use crate::auth::Operator;
use crate::edge::error::{ApiError, ApiResult};
use crate::state::AppState;
use packyard_core::passwords::hash_password;
use packyard_core::rules::AccountStanding;

#[derive(Deserialize, ToSchema)]
pub struct NewAccountBody {
    /// Primary contact's email (the portal login).
    email: String,
    /// Display name, e.g. the company.
    name: String,
    /// Portal password (optional; without one the customer cannot log in yet).
    password: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct AccountChange {
    name: Option<String>,
    email: Option<String>,
    /// A new portal password; logs out the account's browsers.
    password: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct NewKeyBody {
    /// Who or what uses the key.
    name: String,
}

async fn password_hash(password: Option<String>) -> ApiResult<Option<String>> {
    match password {
        None => Ok(None),
        Some(p) => {
            let hashed = tokio::task::spawn_blocking(move || hash_password(&p))
                .await
                .map_err(|e| ApiError::internal("password hashing failed", e))?;
            hashed
                .map(Some)
                .map_err(|e| ApiError::operator(StatusCode::BAD_REQUEST, e.to_string()))
        }
    }
}

/// Every account.
#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts",
    responses((status = 200, body = Value), (status = 401, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    let mut accounts = Vec::new();
    for account in state.db.accounts().await? {
        let invoices = state.db.invoices_of(&account).await?;
        accounts.push(with_standing(&state, account, &invoices));
    }
    Ok(Json(json!({ "accounts": accounts })))
}

/// An account's row with its `standing` (active, on hold since a day because of an
/// invoice, or closed), decided by the rule the Composer path applies.
fn with_standing(state: &AppState, account: Account, invoices: &[Invoice]) -> Value {
    let today = chrono::Utc::now().date_naive();
    let grace = state.config.billing_grace_days;
    let standing = AccountStanding::of(account.is_closed(), invoices, today, grace);
    let mut value = json!(account);
    value["standing"] = json!(standing);
    value
}

/// Create an account; answers its id.
#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", request_body = NewAccountBody,
    responses((status = 201, body = Value), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    operator: Operator,
    Json(body): Json<NewAccountBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
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
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": account.public_id, "account": account })),
    ))
}

/// One account with its keys, licences and invoices.
#[utoipa::path(get, path = "/api/v1/accounts/{id}", tag = "accounts",
    params(("id" = String, Path, description = "Account id, e.g. MAG000000001")),
    responses((status = 200, body = Value), (status = 404, body = ErrorBody)))]
pub async fn show(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let db = &state.db;
    let account = db.account(&id).await?;
    let keys = db.keys_of(&account).await?;
    let licences = db.licences(Some(&account)).await?;
    let invoices = db.invoices_of(&account).await?;
    let account = with_standing(&state, account, &invoices);
    Ok(Json(
        json!({ "account": account, "keys": keys, "licences": licences, "invoices": invoices }),
    ))
}

/// Rename an account, change its email or its portal password.
#[utoipa::path(patch, path = "/api/v1/accounts/{id}", tag = "accounts", request_body = AccountChange,
    params(("id" = String, Path, description = "Account id")),
    responses((status = 200, body = Value), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    operator: Operator,
    Path(id): Path<String>,
    Json(change): Json<AccountChange>,
) -> ApiResult<Json<Value>> {
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
    Ok(Json(json!({ "account": account })))
}

/// Close an account: its keys and token are refused until it is reopened.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/close", tag = "accounts",
    params(("id" = String, Path, description = "Account id")),
    responses((status = 200, body = Value), (status = 404, body = ErrorBody)))]
pub async fn close(
    State(state): State<AppState>,
    operator: Operator,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let account = state.db.close_account(&id, &operator.email).await?;
    Ok(Json(json!({ "account": account })))
}

/// Reopen a closed account.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/reopen", tag = "accounts",
    params(("id" = String, Path, description = "Account id")),
    responses((status = 200, body = Value), (status = 404, body = ErrorBody)))]
pub async fn reopen(
    State(state): State<AppState>,
    operator: Operator,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let account = state.db.reopen_account(&id, &operator.email).await?;
    Ok(Json(json!({ "account": account })))
}

/// An account's access keys (never the private keys).
#[utoipa::path(get, path = "/api/v1/accounts/{id}/keys", tag = "keys",
    params(("id" = String, Path, description = "Account id")),
    responses((status = 200, body = Value), (status = 404, body = ErrorBody)))]
pub async fn keys(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let account = state.db.account(&id).await?;
    Ok(Json(json!({ "keys": state.db.keys_of(&account).await? })))
}

/// Create an access key pair; the private key is in this answer only.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/keys", tag = "keys", request_body = NewKeyBody,
    params(("id" = String, Path, description = "Account id")),
    responses((status = 201, body = Value), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_key(
    State(state): State<AppState>,
    operator: Operator,
    Path(id): Path<String>,
    Json(body): Json<NewKeyBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let account = state.db.account(&id).await?;
    let key = state
        .db
        .create_key(&account, &body.name, &operator.email)
        .await?;
    Ok((StatusCode::CREATED, Json(json!(key))))
}

/// Disable an access key.
#[utoipa::path(post, path = "/api/v1/keys/{public_key}/disable", tag = "keys",
    params(("public_key" = String, Path, description = "The key's public half")),
    responses((status = 200, body = Value), (status = 404, body = ErrorBody)))]
pub async fn disable_key(
    state: State<AppState>,
    operator: Operator,
    key: Path<String>,
) -> ApiResult<Json<Value>> {
    set_key(state, operator, key, false).await
}

/// Enable an access key.
#[utoipa::path(post, path = "/api/v1/keys/{public_key}/enable", tag = "keys",
    params(("public_key" = String, Path, description = "The key's public half")),
    responses((status = 200, body = Value), (status = 404, body = ErrorBody)))]
pub async fn enable_key(
    state: State<AppState>,
    operator: Operator,
    key: Path<String>,
) -> ApiResult<Json<Value>> {
    set_key(state, operator, key, true).await
}

async fn set_key(
    State(state): State<AppState>,
    operator: Operator,
    Path(public_key): Path<String>,
    enabled: bool,
) -> ApiResult<Json<Value>> {
    let key = state
        .db
        .set_key_enabled(&public_key, enabled, &operator.email)
        .await?;
    Ok(Json(
        json!({ "public_key": key.public_key, "enabled": key.enabled }),
    ))
}

/// Delete an access key for good.
#[utoipa::path(delete, path = "/api/v1/keys/{public_key}", tag = "keys",
    params(("public_key" = String, Path, description = "The key's public half")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete_key(
    State(state): State<AppState>,
    operator: Operator,
    Path(public_key): Path<String>,
) -> ApiResult<StatusCode> {
    state.db.delete_key(&public_key, &operator.email).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Generate the account's download access token, replacing the previous one at once.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/download-token", tag = "download tokens",
    params(("id" = String, Path, description = "Account id")),
    responses((status = 201, body = Value), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn generate_token(
    State(state): State<AppState>,
    operator: Operator,
    Path(id): Path<String>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let account = state.db.account(&id).await?;
    let token = state.db.generate_token(&account, &operator.email).await?;
    Ok((StatusCode::CREATED, Json(json!({ "token": token }))))
}
