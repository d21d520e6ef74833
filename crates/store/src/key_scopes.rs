//! Product scopes of access keys: a key limited to some of its account's products sees only
//! those (SPEC §13). A scope may name only products the account can install (public or
//! licensed); an empty scope means every product of the account.

use std::collections::HashMap;

use crate::accounts::Account;
use crate::db::Db;
use crate::error::{Result, StoreError};
use crate::keys::{AccessKey, insert_key_products};
use crate::macros::{audited_change, exec, on_db};
use crate::products::Product;

impl Db {
    /// The products a key of `account` may be limited to: the public ones and those the
    /// account is licensed for, by slug.
    pub async fn scopable_products(&self, account: &Account) -> Result<Vec<Product>> {
        let licensed: Vec<i64> = self
            .entitlements_of(account)
            .await?
            .iter()
            .map(|e| e.product_id)
            .collect();
        let mut products = self.products().await?;
        products.retain(|p| p.public || licensed.contains(&p.id));
        Ok(products)
    }

    /// Refuses a scope naming a product the account has no licence for.
    pub(crate) async fn check_scope(&self, account: &Account, products: &[Product]) -> Result<()> {
        if products.is_empty() {
            return Ok(());
        }
        let allowed = self.scopable_products(account).await?;
        match products
            .iter()
            .find(|p| !allowed.iter().any(|a| a.id == p.id))
        {
            Some(p) => Err(StoreError::Invalid(format!(
                "account {} has no licence for product {}; a key can only be limited to the account's products",
                account.public_id, p.slug
            ))),
            None => Ok(()),
        }
    }

    /// Fills in the product slugs of each key's scope.
    pub(crate) async fn with_scopes(&self, mut keys: Vec<AccessKey>) -> Result<Vec<AccessKey>> {
        if keys.is_empty() {
            return Ok(keys);
        }
        let ids: Vec<String> = keys.iter().map(|k| k.id.to_string()).collect();
        let sql = format!(
            "SELECT kp.key_id, p.slug FROM access_key_products kp JOIN products p ON p.id = kp.product_id \
             WHERE kp.key_id IN ({}) ORDER BY p.slug",
            ids.join(", ")
        );
        let rows: Vec<(i64, String)> = on_db!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).persistent(false).fetch_all(pool).await?);
        let mut by_key: HashMap<i64, Vec<String>> = HashMap::new();
        for (key_id, slug) in rows {
            by_key.entry(key_id).or_default().push(slug);
        }
        for key in &mut keys {
            key.products = by_key.remove(&key.id).unwrap_or_default();
        }
        Ok(keys)
    }

    /// Limits an account key to `products` (empty: all of the account's products again).
    pub async fn set_key_products(
        &self,
        public_key: &str,
        products: &[Product],
        actor: &str,
    ) -> Result<AccessKey> {
        let key = self.key(public_key).await?;
        let Some(account_id) = key.account_id else {
            return Err(StoreError::Invalid(
                "a personal key follows its user's accounts; it cannot be limited to products"
                    .into(),
            ));
        };
        let account = self.account_by_row_id(account_id).await?;
        self.check_scope(&account, products).await?;
        let slugs: Vec<&str> = products.iter().map(|p| p.slug.as_str()).collect();
        let scope = if slugs.is_empty() {
            "all products".to_string()
        } else {
            slugs.join(", ")
        };
        let subject = format!("{} {scope}", key.public_key);
        audited_change!(self, Account, account_id, actor, "key.products", subject, tx => {
            exec!(tx, "DELETE FROM access_key_products WHERE key_id = $1", key.id)?;
            insert_key_products!(tx, key.id, products);
        });
        self.key(public_key).await
    }
}
