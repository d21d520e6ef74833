//! `/api/v1/products…`, entitlements and invoices: what is sold, to whom, and whether it is
//! paid for.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use packyard_api::catalog::{
    AccountInvoice, EntitlementList, Grant, GrantBody, InvoiceList, InvoiceView, NewInvoice,
    NewProduct, ProductList, ProductPatch, ProductView, VoidBody,
};
use packyard_composer::constraint::VersionConstraint;
use packyard_store::entitlements::GrantTerms;
use packyard_store::products::{ProductChange, parse_patterns};
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::{Conflict, NotFound, Unprocessable};
use super::operation::{Admin, Answer, Created, by_key, created, listed};
use super::params::{AccountId, InvoiceNumber, Slug};
use crate::edge::error::{ApiError, ApiResult};
use crate::state::AppState;

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
    responses((status = 200, body = ProductList)))]
pub async fn products(State(state): State<AppState>) -> Answer<ProductList> {
    listed(state.db.products(), |products| ProductList { products }).await
}

/// Create a product.
#[utoipa::path(post, path = "/api/v1/products", tag = "products",
    responses((status = 201, body = ProductView), Conflict, Unprocessable))]
pub async fn create_product(
    Admin { state, operator }: Admin,
    Json(body): Json<NewProduct>,
) -> Created<ProductView> {
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
    created(product)
}

/// One product.
#[utoipa::path(get, path = "/api/v1/products/{slug}", tag = "products", params(Slug),
    responses((status = 200, body = ProductView), NotFound))]
pub async fn product(State(state): State<AppState>, Slug { slug }: Slug) -> Answer<ProductView> {
    Ok(Json(state.db.product(&slug).await?))
}

/// Change a product's name, packages or visibility.
#[utoipa::path(patch, path = "/api/v1/products/{slug}", tag = "products", params(Slug),
    responses((status = 200, body = ProductView), NotFound, Unprocessable))]
pub async fn update_product(
    Admin { state, operator }: Admin,
    Slug { slug }: Slug,
    Json(body): Json<ProductPatch>,
) -> Answer<ProductView> {
    let change = ProductChange {
        name: body.name,
        patterns: body
            .packages
            .map(|p| parse_patterns(&p.join(",")))
            .transpose()?,
        public: body.public,
    };
    let product = state
        .db
        .update_product(&slug, &change, &operator.email)
        .await?;
    Ok(Json(product))
}

by_key! {
    /// Delete a product no entitlement or release uses.
    #[utoipa::path(delete, path = "/api/v1/products/{slug}", tag = "products", params(Slug),
        responses((status = 204), NotFound, Conflict))]
    delete_product = delete_product(Slug { slug }) -> NoContent;
}

/// Entitlements, of one account or all.
#[utoipa::path(get, path = "/api/v1/entitlements", tag = "entitlements", params(AccountFilter),
    responses((status = 200, body = EntitlementList), NotFound))]
pub async fn entitlements(
    State(state): State<AppState>,
    Query(filter): Query<AccountFilter>,
) -> Answer<EntitlementList> {
    let account = match filter.account {
        Some(id) => Some(state.db.account(&id).await?),
        None => None,
    };
    listed(state.db.licences(account.as_ref()), |entitlements| {
        EntitlementList { entitlements }
    })
    .await
}

/// Grant a product to an account, or change the grant's date; says what changed.
#[utoipa::path(put, path = "/api/v1/accounts/{id}/entitlements/{product}", tag = "entitlements",
    params(("id" = String, Path, description = "Account id"), ("product" = String, Path, description = "Product slug")),
    responses((status = 200, body = Grant), NotFound, Unprocessable))]
pub async fn grant(
    Admin { state, operator }: Admin,
    Path((id, slug)): Path<(String, String)>,
    Json(body): Json<GrantBody>,
) -> Answer<Grant> {
    let until = body
        .updates_until
        .as_deref()
        .map(|d| date(d, "updates_until"))
        .transpose()?;
    let versions = body
        .versions
        .as_deref()
        .map(|v| {
            v.parse::<VersionConstraint>()
                .map_err(|e| ApiError::operator(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))
        })
        .transpose()?;
    let account = state.db.account(&id).await?;
    let product = state.db.product(&slug).await?;
    let terms = GrantTerms {
        updates_until: until,
        versions,
    };
    let change = state
        .db
        .grant_with(&account, &product, &terms, &operator.email)
        .await?;
    Ok(Json(Grant {
        account: account.public_id,
        product: product.slug,
        updates_until: until.map(|d| d.to_string()),
        versions: terms.versions.as_ref().map(|v| v.to_string()),
        change,
    }))
}

/// Take a product away from an account.
#[utoipa::path(delete, path = "/api/v1/accounts/{id}/entitlements/{product}", tag = "entitlements",
    params(("id" = String, Path, description = "Account id"), ("product" = String, Path, description = "Product slug")),
    responses((status = 204), NotFound))]
pub async fn revoke(
    Admin { state, operator }: Admin,
    Path((id, slug)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let account = state.db.account(&id).await?;
    let product = state.db.product(&slug).await?;
    state.db.revoke(&account, &product, &operator.email).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Invoices with their account, of one account or all.
#[utoipa::path(get, path = "/api/v1/invoices", tag = "invoices", params(AccountFilter),
    responses((status = 200, body = InvoiceList), NotFound))]
pub async fn invoices(
    State(state): State<AppState>,
    Query(filter): Query<AccountFilter>,
) -> Answer<InvoiceList> {
    let accounts = match filter.account {
        Some(id) => vec![state.db.account(&id).await?],
        None => state.db.accounts().await?,
    };
    let mut listed = Vec::new();
    for account in accounts {
        for invoice in state.db.invoices_of(&account).await? {
            listed.push(AccountInvoice {
                invoice,
                account: account.public_id.clone(),
            });
        }
    }
    Ok(Json(InvoiceList { invoices: listed }))
}

/// Record an invoice for an account.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/invoices", tag = "invoices", params(AccountId),
    responses((status = 201, body = InvoiceView), Conflict, Unprocessable))]
pub async fn add_invoice(
    Admin { state, operator }: Admin,
    AccountId { id }: AccountId,
    Json(body): Json<NewInvoice>,
) -> Created<InvoiceView> {
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
    created(invoice)
}

by_key! {
    /// Mark an invoice paid (lifts a billing hold within a second).
    #[utoipa::path(post, path = "/api/v1/invoices/{number}/pay", tag = "invoices",
        params(InvoiceNumber),
        responses((status = 200, body = InvoiceView), NotFound))]
    pay_invoice = pay_invoice(InvoiceNumber { number }) -> InvoiceView;
}

/// Void an invoice entered by mistake: it never holds the account and stays listed as void.
#[utoipa::path(post, path = "/api/v1/invoices/{number}/void", tag = "invoices",
    params(InvoiceNumber),
    responses((status = 200, body = InvoiceView), NotFound, Conflict, Unprocessable))]
pub async fn void_invoice(
    Admin { state, operator }: Admin,
    InvoiceNumber { number }: InvoiceNumber,
    Json(body): Json<VoidBody>,
) -> Answer<InvoiceView> {
    let invoice = state
        .db
        .void_invoice(&number, &body.reason, &operator.email)
        .await?;
    Ok(Json(invoice))
}
