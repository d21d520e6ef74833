//! `/api/v1/operators…` and `/api/v1/operator-tokens…`: the vendor's staff and their API
//! tokens. Token secrets appear once, in the answer that creates them.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use packyard_api::operators::{
    CreatedTokenView, NewOperator, NewToken, OperatorList, OperatorPassword, OperatorView,
    TokenList, TokenView,
};
use packyard_store::operator_tokens::TokenScope;
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::ErrorBody;
use crate::auth::Operator;
use crate::edge::error::{ApiError, ApiResult};
use crate::state::AppState;
use packyard_core::passwords::hash_password;

#[derive(Deserialize, IntoParams)]
pub struct OperatorFilter {
    /// Only this operator's tokens.
    email: Option<String>,
}

/// Every operator.
#[utoipa::path(get, path = "/api/v1/operators", tag = "operators", responses((status = 200, body = OperatorList)))]
pub async fn list(State(state): State<AppState>) -> ApiResult<Json<OperatorList>> {
    let operators = state.db.operators().await?;
    Ok(Json(OperatorList { operators }))
}

/// Create an operator.
#[utoipa::path(post, path = "/api/v1/operators", tag = "operators", request_body = NewOperator,
    responses((status = 201, body = OperatorView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    operator: Operator,
    Json(body): Json<NewOperator>,
) -> ApiResult<(StatusCode, Json<OperatorView>)> {
    let hash = hashed(body.password).await?;
    let operator = state
        .db
        .create_operator(&body.email, &hash, &operator.email)
        .await?;
    Ok((StatusCode::CREATED, Json(operator)))
}

/// A password's hash, computed off the async workers.
async fn hashed(password: String) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| ApiError::internal("password hashing failed", e))?
        .map_err(|e| ApiError::operator(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))
}

/// Set an operator's back-office password.
#[utoipa::path(put, path = "/api/v1/operators/{email}/password", tag = "operators", request_body = OperatorPassword,
    params(("email" = String, Path)),
    responses((status = 200, body = OperatorView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_password(
    State(state): State<AppState>,
    operator: Operator,
    Path(email): Path<String>,
    Json(body): Json<OperatorPassword>,
) -> ApiResult<Json<OperatorView>> {
    let hash = hashed(body.password).await?;
    let db = &state.db;
    db.set_operator_password(&email, &hash, &operator.email)
        .await?;
    Ok(Json(db.operator(&email).await?))
}

/// Disable an operator: their tokens and sessions stop working within a second.
#[utoipa::path(post, path = "/api/v1/operators/{email}/disable", tag = "operators",
    params(("email" = String, Path)), responses((status = 200, body = OperatorView), (status = 404, body = ErrorBody)))]
pub async fn disable(
    state: State<AppState>,
    operator: Operator,
    email: Path<String>,
) -> ApiResult<Json<OperatorView>> {
    set_disabled(state, operator, email, true).await
}

/// Enable a disabled operator.
#[utoipa::path(post, path = "/api/v1/operators/{email}/enable", tag = "operators",
    params(("email" = String, Path)), responses((status = 200, body = OperatorView), (status = 404, body = ErrorBody)))]
pub async fn enable(
    state: State<AppState>,
    operator: Operator,
    email: Path<String>,
) -> ApiResult<Json<OperatorView>> {
    set_disabled(state, operator, email, false).await
}

async fn set_disabled(
    State(state): State<AppState>,
    operator: Operator,
    Path(email): Path<String>,
    disabled: bool,
) -> ApiResult<Json<OperatorView>> {
    let changed = state
        .db
        .set_operator_disabled(&email, disabled, &operator.email)
        .await?;
    Ok(Json(changed))
}

/// API tokens (never the secrets), of one operator or all.
#[utoipa::path(get, path = "/api/v1/operator-tokens", tag = "operators", params(OperatorFilter),
    responses((status = 200, body = TokenList), (status = 404, body = ErrorBody)))]
pub async fn tokens(
    State(state): State<AppState>,
    Query(filter): Query<OperatorFilter>,
) -> ApiResult<Json<TokenList>> {
    let tokens = state.db.operator_tokens(filter.email.as_deref()).await?;
    Ok(Json(TokenList { tokens }))
}

/// Create an API token; the secret is in this answer only.
#[utoipa::path(post, path = "/api/v1/operator-tokens", tag = "operators", request_body = NewToken,
    responses((status = 201, body = CreatedTokenView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_token(
    State(state): State<AppState>,
    operator: Operator,
    Json(body): Json<NewToken>,
) -> ApiResult<(StatusCode, Json<CreatedTokenView>)> {
    let scope: TokenScope = body.scope.as_deref().unwrap_or("admin").parse()?;
    let created = state
        .db
        .create_operator_token(&body.email, &body.name, scope, &operator.email)
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Revoke an API token: refused on every node within a second.
#[utoipa::path(delete, path = "/api/v1/operator-tokens/{id}", tag = "operators",
    params(("id" = i64, Path)), responses((status = 200, body = TokenView), (status = 404, body = ErrorBody)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    operator: Operator,
    Path(id): Path<i64>,
) -> ApiResult<Json<TokenView>> {
    let revoked = state.db.revoke_operator_token(id, &operator.email).await?;
    Ok(Json(revoked))
}
