//! The remote half of the catalog operations: products, entitlements and invoices.

use anyhow::Result;
use packyard_api::catalog::{
    EntitlementList, Grant, GrantBody, InvoiceList, InvoiceView, NewInvoice, NewProduct,
    ProductList, ProductPatch, ProductView, VoidBody,
};

use super::client::{Client, account_path, segment};
use super::handles::{call, get, post, send};

/// `base`, narrowed to one account when given.
fn of_account(base: &str, account: Option<&str>) -> String {
    match account {
        Some(a) => format!("{base}?account={}", segment(a)),
        None => base.to_string(),
    }
}

fn product_path(slug: &str) -> String {
    format!("/api/v1/products/{}", segment(slug))
}

fn entitlement_path(account: &str, product: &str) -> String {
    format!(
        "{}/entitlements/{}",
        account_path(account),
        segment(product)
    )
}

fn invoice_path(number: &str, action: &str) -> String {
    format!("/api/v1/invoices/{}/{action}", segment(number))
}

pub fn products(c: &Client) -> Result<ProductList> {
    get(c, "/api/v1/products")
}

pub fn create_product(c: &Client, new: NewProduct) -> Result<ProductView> {
    send(c, "POST", "/api/v1/products", &new)
}

pub fn update_product(c: &Client, slug: &str, patch: ProductPatch) -> Result<ProductView> {
    send(c, "PATCH", &product_path(slug), &patch)
}

pub fn delete_product(c: &Client, slug: &str) -> Result<()> {
    call(c, "DELETE", &product_path(slug))
}

pub fn entitlements(c: &Client, account: Option<&str>) -> Result<EntitlementList> {
    get(c, &of_account("/api/v1/entitlements", account))
}

pub fn grant(c: &Client, account: &str, product: &str, terms: GrantBody) -> Result<Grant> {
    send(c, "PUT", &entitlement_path(account, product), &terms)
}

pub fn revoke(c: &Client, account: &str, product: &str) -> Result<()> {
    call(c, "DELETE", &entitlement_path(account, product))
}

pub fn invoices(c: &Client, account: Option<&str>) -> Result<InvoiceList> {
    get(c, &of_account("/api/v1/invoices", account))
}

pub fn add_invoice(c: &Client, account: &str, new: NewInvoice) -> Result<InvoiceView> {
    send(
        c,
        "POST",
        &format!("{}/invoices", account_path(account)),
        &new,
    )
}

pub fn pay_invoice(c: &Client, number: &str) -> Result<InvoiceView> {
    post(c, &invoice_path(number, "pay"))
}

pub fn void_invoice(c: &Client, number: &str, reason: &str) -> Result<InvoiceView> {
    let body = VoidBody {
        reason: reason.into(),
    };
    send(c, "POST", &invoice_path(number, "void"), &body)
}
