//! The local half of the catalog operations: products, entitlements and invoices.

use anyhow::Result;
use packyard_api::catalog::{
    AccountInvoice, EntitlementList, Grant, GrantBody, InvoiceList, InvoiceView, NewInvoice,
    NewProduct, ProductList, ProductPatch, ProductView,
};
use packyard_store::entitlements::GrantTerms;

use super::handles::Local;
use crate::context::{CLI_ACTOR, parse_date};

pub async fn products(l: &Local) -> Result<ProductList> {
    Ok(ProductList {
        products: l.db.products().await?,
    })
}

pub async fn create_product(l: &Local, new: NewProduct) -> Result<ProductView> {
    let patterns = new.patterns()?;
    let product =
        l.db.create_product(&new.slug, &new.name, &patterns, new.public, CLI_ACTOR)
            .await?;
    Ok(product)
}

pub async fn update_product(l: &Local, slug: &str, patch: ProductPatch) -> Result<ProductView> {
    let change = patch.into_change()?;
    Ok(l.db.update_product(slug, &change, CLI_ACTOR).await?)
}

pub async fn delete_product(l: &Local, slug: &str) -> Result<()> {
    Ok(l.db.delete_product(slug, CLI_ACTOR).await?)
}

pub async fn entitlements(l: &Local, account: Option<&str>) -> Result<EntitlementList> {
    let account = match account {
        Some(id) => Some(l.db.account(id).await?),
        None => None,
    };
    Ok(EntitlementList {
        entitlements: l.db.licences(account.as_ref()).await?,
    })
}

pub async fn grant(l: &Local, account: &str, product: &str, terms: GrantBody) -> Result<Grant> {
    let until = terms
        .updates_until
        .as_deref()
        .map(|d| parse_date(d, "--updates-until"))
        .transpose()?;
    let versions = terms.versions.as_deref().map(str::parse).transpose()?;
    let account = l.db.account(account).await?;
    let product = l.db.product(product).await?;
    let terms = GrantTerms {
        updates_until: until,
        versions,
    };
    let change =
        l.db.grant_with(&account, &product, &terms, CLI_ACTOR)
            .await?;
    Ok(Grant {
        account: account.public_id,
        product: product.slug,
        updates_until: until.map(|d| d.to_string()),
        versions: terms.versions.as_ref().map(|v| v.to_string()),
        change,
    })
}

pub async fn revoke(l: &Local, account: &str, product: &str) -> Result<()> {
    let account = l.db.account(account).await?;
    let product = l.db.product(product).await?;
    Ok(l.db.revoke(&account, &product, CLI_ACTOR).await?)
}

pub async fn invoices(l: &Local, account: Option<&str>) -> Result<InvoiceList> {
    let accounts = match account {
        Some(id) => vec![l.db.account(id).await?],
        None => l.db.accounts().await?,
    };
    let mut invoices = Vec::new();
    for a in accounts {
        invoices.extend(AccountInvoice::all_of(&a, l.db.invoices_of(&a).await?));
    }
    Ok(InvoiceList { invoices })
}

pub async fn add_invoice(l: &Local, account: &str, new: NewInvoice) -> Result<InvoiceView> {
    let due = parse_date(&new.due, "--due")?;
    let account = l.db.account(account).await?;
    let invoice =
        l.db.add_invoice(
            &account,
            &new.number,
            &new.amount,
            &new.currency,
            due,
            CLI_ACTOR,
        )
        .await?;
    Ok(invoice)
}

pub async fn pay_invoice(l: &Local, number: &str) -> Result<InvoiceView> {
    Ok(l.db.pay_invoice(number, CLI_ACTOR).await?)
}

pub async fn void_invoice(l: &Local, number: &str, reason: &str) -> Result<InvoiceView> {
    Ok(l.db.void_invoice(number, reason, CLI_ACTOR).await?)
}
