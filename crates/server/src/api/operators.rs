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

use super::error::{Conflict, NotFound, Unprocessable};
use super::operation::{Admin, Answer, Created, created, hashed, listed, switched};
use super::params::Email;
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
pub struct OperatorFilter {
    /// Only this operator's tokens.
    email: Option<String>,
}

/// Every operator.
#[utoipa::path(get, path = "/api/v1/operators", tag = "operators", responses((status = 200, body = OperatorList)))]
pub async fn list(State(state): State<AppState>) -> Answer<OperatorList> {
    listed(state.db.operators(), |operators| OperatorList { operators }).await
}

/// Create an operator.
#[utoipa::path(post, path = "/api/v1/operators", tag = "operators",
    responses((status = 201, body = OperatorView), Conflict, Unprocessable))]
pub async fn create(
    Admin { state, operator }: Admin,
    Json(body): Json<NewOperator>,
) -> Created<OperatorView> {
    let hash = hashed(body.password, StatusCode::UNPROCESSABLE_ENTITY).await?;
    let operator = state
        .db
        .create_operator(&body.email, &hash, &operator.email)
        .await?;
    created(operator)
}

/// Set an operator's back-office password.
#[utoipa::path(put, path = "/api/v1/operators/{email}/password", tag = "operators", params(Email),
    responses((status = 200, body = OperatorView), NotFound, Unprocessable))]
pub async fn set_password(
    Admin { state, operator }: Admin,
    Email { email }: Email,
    Json(body): Json<OperatorPassword>,
) -> Answer<OperatorView> {
    let hash = hashed(body.password, StatusCode::UNPROCESSABLE_ENTITY).await?;
    let db = &state.db;
    db.set_operator_password(&email, &hash, &operator.email)
        .await?;
    Ok(Json(db.operator(&email).await?))
}

switched! {
    set_disabled(Email) -> Answer<OperatorView>: tag = "operators", params(Email),
        responses((status = 200, body = OperatorView), NotFound) {
        /// Disable an operator: their tokens and sessions stop working within a second.
        post "/api/v1/operators/{email}/disable" disable = true;
        /// Enable a disabled operator.
        post "/api/v1/operators/{email}/enable" enable = false;
    }
}

async fn set_disabled(
    Admin { state, operator }: Admin,
    Email { email }: Email,
    disabled: bool,
) -> Answer<OperatorView> {
    let changed = state
        .db
        .set_operator_disabled(&email, disabled, &operator.email)
        .await?;
    Ok(Json(changed))
}

/// API tokens (never the secrets), of one operator or all.
#[utoipa::path(get, path = "/api/v1/operator-tokens", tag = "operators", params(OperatorFilter),
    responses((status = 200, body = TokenList), NotFound))]
pub async fn tokens(
    State(state): State<AppState>,
    Query(filter): Query<OperatorFilter>,
) -> Answer<TokenList> {
    listed(
        state.db.operator_tokens(filter.email.as_deref()),
        |tokens| TokenList { tokens },
    )
    .await
}

/// Create an API token; the secret is in this answer only.
#[utoipa::path(post, path = "/api/v1/operator-tokens", tag = "operators",
    responses((status = 201, body = CreatedTokenView), NotFound, Unprocessable))]
pub async fn create_token(
    Admin { state, operator }: Admin,
    Json(body): Json<NewToken>,
) -> Created<CreatedTokenView> {
    let scope: TokenScope = body.scope.as_deref().unwrap_or("admin").parse()?;
    let token = state
        .db
        .create_operator_token(&body.email, &body.name, scope, &operator.email)
        .await?;
    created(token)
}

/// Revoke an API token: refused on every node within a second.
#[utoipa::path(delete, path = "/api/v1/operator-tokens/{id}", tag = "operators",
    params(("id" = i64, Path)), responses((status = 200, body = TokenView), NotFound))]
pub async fn revoke_token(
    Admin { state, operator }: Admin,
    Path(id): Path<i64>,
) -> Answer<TokenView> {
    let revoked = state.db.revoke_operator_token(id, &operator.email).await?;
    Ok(Json(revoked))
}
