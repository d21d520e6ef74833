//! `/api/v1/products…`, entitlements and invoices: what is sold, to whom, and whether it is
//! paid for.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use packyard_store::products::{ProductChange, parse_patterns};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

use super::error::ErrorBody;
use crate::auth::Operator;
use crate::edge::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
pub struct NewProduct {
    /// Short id, e.g. acme-pro.
    slug: String,
    name: String,
    /// Package names and patterns, e.g. ["acme/*", "acme/extra"].
    packages: Vec<String>,
    /// Installable by every active account without an entitlement.
    #[serde(default)]
    public: bool,
}

#[derive(Deserialize, ToSchema)]
pub struct ProductPatch {
    name: Option<String>,
    packages: Option<Vec<String>>,
    public: Option<bool>,
}

#[derive(Deserialize, ToSchema)]
pub struct GrantBody {
    /// Releases after this date (YYYY-MM-DD) are not covered; null for unlimited updates.
    updates_until: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct NewInvoice {
    /// Invoice number, unique, e.g. INV-1001.
    number: String,
    /// Amount with at most two decimals, e.g. "100.00".
    amount: String,
    /// ISO 4217 code, e.g. EUR.
    currency: String,
    /// Due date, YYYY-MM-DD.
    due: String,
}

/// Narrows a listing to one account.
#[derive(Deserialize, IntoParams)]
pub struct AccountFilter {
    /// Account id; omit for every account.
    account: Option<String>,
}

fn date(value: &str, what: &str) -> ApiResult<NaiveDate> {
    packyard_store::timestamps::parse_day(value, what)
        .map_err(|e| ApiError::operator(StatusCode::UNPROCESSABLE_ENTITY, e))
}

/// Every product.
#[utoipa::path(get, path = "/api/v1/products", tag = "products",
    responses((status = 200, body = Value)))]
pub async fn products(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    Ok(Json(json!({ "products": state.db.products().await? })))
}

/// Create a product.
#[utoipa::path(post, path = "/api/v1/products", tag = "products", request_body = NewProduct,
    responses((status = 201, body = Value), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_product(
    State(state): State<AppState>,
    operator: Operator,
    Json(body): Json<NewProduct>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let patterns = parse_patterns(&body.packages.join(","))?;
    let product = state
        .db
        .create_product(
            &body.slug,
            &body.name,
            &patterns,
            body.public,
            &operator.email,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(json!(product))))
}

/// One product.
#[utoipa::path(get, path = "/api/v1/products/{slug}", tag = "products",
    params(("slug" = String, Path, description = "The product's slug")),
    responses((status = 200, body = Value), (status = 404, body = ErrorBody)))]
pub async fn product(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(json!(state.db.product(&slug).await?)))
}

/// Change a product's name, packages or visibility.
#[utoipa::path(patch, path = "/api/v1/products/{slug}", tag = "products", request_body = ProductPatch,
    params(("slug" = String, Path, description = "The product's slug")),
    responses((status = 200, body = Value), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_product(
    State(state): State<AppState>,
    operator: Operator,
    Path(slug): Path<String>,
    Json(body): Json<ProductPatch>,
) -> ApiResult<Json<Value>> {
    let change = ProductChange {
        name: body.name,
        patterns: body
            .packages
            .map(|p| parse_patterns(&p.join(",")))
            .transpose()?,
        public: body.public,
    };
    Ok(Json(json!(
        state
            .db
            .update_product(&slug, &change, &operator.email)
            .await?
    )))
}

/// Delete a product no entitlement or release uses.
#[utoipa::path(delete, path = "/api/v1/products/{slug}", tag = "products",
    params(("slug" = String, Path, description = "The product's slug")),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_product(
    State(state): State<AppState>,
    operator: Operator,
    Path(slug): Path<String>,
) -> ApiResult<StatusCode> {
    state.db.delete_product(&slug, &operator.email).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Entitlements, of one account or all.
#[utoipa::path(get, path = "/api/v1/entitlements", tag = "entitlements", params(AccountFilter),
    responses((status = 200, body = Value), (status = 404, body = ErrorBody)))]
pub async fn entitlements(
    State(state): State<AppState>,
    Query(filter): Query<AccountFilter>,
) -> ApiResult<Json<Value>> {
    let account = match filter.account {
        Some(id) => Some(state.db.account(&id).await?),
        None => None,
    };
    Ok(Json(
        json!({ "entitlements": state.db.licences(account.as_ref()).await? }),
    ))
}

/// Grant a product to an account, or change the grant's date; says what changed.
#[utoipa::path(put, path = "/api/v1/accounts/{id}/entitlements/{product}", tag = "entitlements",
    request_body = GrantBody,
    params(("id" = String, Path, description = "Account id"), ("product" = String, Path, description = "Product slug")),
    responses((status = 200, body = Value), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn grant(
    State(state): State<AppState>,
    operator: Operator,
    Path((id, slug)): Path<(String, String)>,
    Json(body): Json<GrantBody>,
) -> ApiResult<Json<Value>> {
    let until = body
        .updates_until
        .as_deref()
        .map(|d| date(d, "updates_until"))
        .transpose()?;
    let account = state.db.account(&id).await?;
    let product = state.db.product(&slug).await?;
    let change = state
        .db
        .grant(&account, &product, until, &operator.email)
        .await?;
    Ok(Json(json!({
        "account": account.public_id,
        "product": product.slug,
        "updates_until": until.map(|d| d.to_string()),
        "change": change,
    })))
}

/// Take a product away from an account.
#[utoipa::path(delete, path = "/api/v1/accounts/{id}/entitlements/{product}", tag = "entitlements",
    params(("id" = String, Path, description = "Account id"), ("product" = String, Path, description = "Product slug")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn revoke(
    State(state): State<AppState>,
    operator: Operator,
    Path((id, slug)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let account = state.db.account(&id).await?;
    let product = state.db.product(&slug).await?;
    state.db.revoke(&account, &product, &operator.email).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Invoices with their account, of one account or all.
#[utoipa::path(get, path = "/api/v1/invoices", tag = "invoices", params(AccountFilter),
    responses((status = 200, body = Value), (status = 404, body = ErrorBody)))]
pub async fn invoices(
    State(state): State<AppState>,
    Query(filter): Query<AccountFilter>,
) -> ApiResult<Json<Value>> {
    let accounts = match filter.account {
        Some(id) => vec![state.db.account(&id).await?],
        None => state.db.accounts().await?,
    };
    let mut listed = Vec::new();
    for account in accounts {
        for invoice in state.db.invoices_of(&account).await? {
            let mut v = json!(invoice);
            v["account"] = json!(account.public_id);
            listed.push(v);
        }
    }
    Ok(Json(json!({ "invoices": listed })))
}

/// Record an invoice for an account.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/invoices", tag = "invoices", request_body = NewInvoice,
    params(("id" = String, Path, description = "Account id")),
    responses((status = 201, body = Value), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_invoice(
    State(state): State<AppState>,
    operator: Operator,
    Path(id): Path<String>,
    Json(body): Json<NewInvoice>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let due = date(&body.due, "due")?;
    let account = state.db.account(&id).await?;
    let invoice = state
        .db
        .add_invoice(
            &account,
            &body.number,
            &body.amount,
            &body.currency,
            due,
            &operator.email,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(json!(invoice))))
}

/// Mark an invoice paid (lifts a billing hold within a second).
#[utoipa::path(post, path = "/api/v1/invoices/{number}/pay", tag = "invoices",
    params(("number" = String, Path, description = "Invoice number")),
    responses((status = 200, body = Value), (status = 404, body = ErrorBody)))]
pub async fn pay_invoice(
    State(state): State<AppState>,
    operator: Operator,
    Path(number): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(json!(
        state.db.pay_invoice(&number, &operator.email).await?
    )))
}

#[derive(Deserialize, ToSchema)]
pub struct VoidBody {
    /// Why the invoice is void (e.g. "entered twice"), kept with it and in the audit log.
    reason: String,
}

/// Void an invoice entered by mistake: it never holds the account and stays listed as void.
#[utoipa::path(post, path = "/api/v1/invoices/{number}/void", tag = "invoices", request_body = VoidBody,
    params(("number" = String, Path, description = "Invoice number")),
    responses((status = 200, body = Value), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn void_invoice(
    State(state): State<AppState>,
    operator: Operator,
    Path(number): Path<String>,
    Json(body): Json<VoidBody>,
) -> ApiResult<Json<Value>> {
    let invoice = state
        .db
        .void_invoice(&number, &body.reason, &operator.email)
        .await?;
    Ok(Json(json!(invoice)))
}
