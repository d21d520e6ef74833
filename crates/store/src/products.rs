//! Products: named, sellable sets of packages given as exact names and `*` patterns.
//! A public product is installable by every active account without an entitlement.

use serde::{Deserialize, Serialize};

use crate::db::{Db, now};
use crate::error::{Result, StoreError, conflict_on_unique};
use crate::macros::{audited_change, bump, exec, found, in_tx, on_db, record_audit};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema), schema(as = ProductView))]
pub struct Product {
    #[serde(skip)]
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// Package names and patterns.
    pub patterns: Vec<String>,
    pub public: bool,
    /// RFC 3339.
    #[serde(with = "crate::timestamps::rfc3339")]
    #[cfg_attr(feature = "schema", schema(value_type = String))]
    pub created_at: i64,
}

#[derive(sqlx::FromRow)]
struct ProductRow {
    id: i64,
    slug: String,
    name: String,
    patterns: String,
    public: bool,
    created_at: i64,
}

impl From<ProductRow> for Product {
    fn from(r: ProductRow) -> Self {
        Product {
            id: r.id,
            slug: r.slug,
            name: r.name,
            patterns: r.patterns.split(',').map(str::to_string).collect(),
            public: r.public,
            created_at: r.created_at,
        }
    }
}

/// A change to a product; `None` fields stay as they are.
#[derive(Clone, Debug, Default)]
pub struct ProductChange {
    pub name: Option<String>,
    pub patterns: Option<Vec<String>>,
    pub public: Option<bool>,
}

const COLUMNS: &str = "id, slug, name, patterns, public, created_at";

fn validate_slug(slug: &str) -> Result<()> {
    let ok = !slug.is_empty()
        && slug.len() <= 64
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && slug.as_bytes()[0].is_ascii_alphanumeric();
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "product slug {slug:?} must be 1 to 64 lowercase letters, digits, '-' or '_' (e.g. acme-pro)"
        )))
    }
}

/// Parses a comma-separated list of package names and `vendor/*`-style patterns.
pub fn parse_patterns(list: &str) -> Result<Vec<String>> {
    let patterns: Vec<String> = list
        .split(',')
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    if patterns.is_empty() {
        return Err(StoreError::Invalid(
            "a product needs at least one package name or pattern (e.g. 'acme/*,acme/extra')"
                .into(),
        ));
    }
    for p in &patterns {
        let valid = matches!(p.split_once('/'), Some((v, n)) if !v.is_empty() && !n.is_empty() && !n.contains('/'))
            && p.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"/_.-*".contains(&b));
        if !valid {
            return Err(StoreError::Invalid(format!(
                "{p:?} is not a package name or pattern: use lowercase vendor/name, with * as a wildcard (e.g. acme/module-*)"
            )));
        }
    }
    Ok(patterns)
}

impl Db {
    pub async fn create_product(
        &self,
        slug: &str,
        name: &str,
        patterns: &[String],
        public: bool,
        actor: &str,
    ) -> Result<Product> {
        validate_slug(slug)?;
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Invalid(
                "the product name must not be empty".into(),
            ));
        }
        parse_patterns(&patterns.join(","))?;
        audited_change!(self, All, 0i64, actor, "product.create", slug, tx => {
            exec!(tx, "INSERT INTO products (slug, name, patterns, public, created_at) VALUES ($1, $2, $3, $4, $5)", slug, name, patterns.join(","), public, now())
                .map_err(|e| conflict_on_unique(e, format!("a product with slug {slug} already exists")))?;
        });
        self.product(slug).await
    }

    pub async fn product(&self, slug: &str) -> Result<Product> {
        let sql = format!("SELECT {COLUMNS} FROM products WHERE slug = $1");
        let row: Result<ProductRow> =
            found!(self, sql, [slug.trim()], "no product with slug {slug:?}");
        row.map(Product::from)
    }

    pub async fn products(&self) -> Result<Vec<Product>> {
        let sql = format!("SELECT {COLUMNS} FROM products ORDER BY slug");
        let rows: Vec<ProductRow> =
            on_db!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?);
        Ok(rows.into_iter().map(Product::from).collect())
    }

    /// Changes a product's name, patterns or visibility; `None` keeps the value.
    pub async fn update_product(
        &self,
        slug: &str,
        change: &ProductChange,
        actor: &str,
    ) -> Result<Product> {
        let product = self.product(slug).await?;
        let name = match change.name.as_deref().map(str::trim) {
            Some("") => {
                return Err(StoreError::Invalid(
                    "the product name must not be empty".into(),
                ));
            }
            Some(n) => n.to_string(),
            None => product.name.clone(),
        };
        let patterns = match &change.patterns {
            Some(p) => parse_patterns(&p.join(","))?,
            None => product.patterns.clone(),
        };
        let public = change.public.unwrap_or(product.public);
        audited_change!(
            self,
            All,
            0i64,
            actor,
            "product.update",
            &product.slug,
            sqlx::query("UPDATE products SET name = $1, patterns = $2, public = $3 WHERE id = $4")
                .bind(&name)
                .bind(patterns.join(","))
                .bind(public)
                .bind(product.id)
        );
        self.product(slug).await
    }

    /// Deletes a product nobody is entitled to and no release belongs to; otherwise says
    /// what still uses it (revoke those entitlements or delete those releases first).
    pub async fn delete_product(&self, slug: &str, actor: &str) -> Result<()> {
        let product = self.product(slug).await?;
        in_tx!(self, tx => {
            // Write first (see `Db::grant`): the counts below then read under the write lock.
            bump!(tx);
            let entitled: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM entitlements WHERE product_id = $1")
                .bind(product.id)
                .fetch_one(&mut *tx)
                .await?;
            let releases: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM releases WHERE product_id = $1")
                .bind(product.id)
                .fetch_one(&mut *tx)
                .await?;
            if entitled > 0 || releases > 0 {
                return Err(StoreError::Conflict(format!(
                    "product {slug} is still used by {entitled} entitlement(s) and {releases} release(s); revoke or delete them first"
                )));
            }
            exec!(tx, "DELETE FROM products WHERE id = $1", product.id)?;
            record_audit!(tx, actor, "product.delete", &product.slug);
        });
        Ok(())
    }
}
