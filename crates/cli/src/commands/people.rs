//! `key create` with a product scope (SPEC §13) in local mode; `user`, `explain` and
//! `key import` are in [`super::shared`], written once for both modes.

use anyhow::Result;
use packyard_store::Db;
use packyard_store::keys::NewKey;
use packyard_store::products::Product;

use super::CLI_ACTOR;
use crate::args::Global;
use crate::context::open_db;
use crate::render::{self, print};

/// The products named by slug.
pub async fn products_named(db: &Db, slugs: &[String]) -> Result<Vec<Product>> {
    let mut products = Vec::new();
    for slug in slugs.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        products.push(db.product(slug).await?);
    }
    Ok(products)
}

/// `key create --products …`.
pub async fn create_key(
    g: &Global,
    account: &str,
    name: &str,
    products: &[String],
    pair: Option<(&str, &str)>,
) -> Result<()> {
    let db = open_db(g).await?;
    let account = db.account(account).await?;
    let products = products_named(&db, products).await?;
    let new = NewKey {
        name,
        products: &products,
        pair,
    };
    let key = packyard_api::accounts::CreatedKeyView::from(
        db.create_account_key(&account, &new, CLI_ACTOR).await?,
    );
    print(g.json, &key, render::created_key(&key))
}
