//! Access key pairs: the public key is Composer's HTTP Basic username, the private key its
//! password. The private key exists in plaintext only in the value returned by
//! [`Db::create_key`]; the table holds its SHA-256 (an imported pair's private key is
//! hashed the same way and never stored).
//!
//! A key belongs to an account or, as a personal key, to a user ([`crate::personal_keys`]).
//! An account key may be limited to some of the account's products (`access_key_products`).

use serde::{Deserialize, Serialize};

use crate::accounts::Account;
use crate::audit::split_actor;
use crate::db::{Db, now};
use crate::error::{Result, StoreError, conflict_on_unique};
use crate::macros::{audited_change, bump, exec, found, in_tx, on_db, record_audit};
use crate::products::Product;
use crate::secret::{random_alphanumeric, sha256};

pub const KEY_LEN: usize = 32;

/// An access key (never its private half).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema), schema(as = KeyView))]
pub struct AccessKey {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub account_id: Option<i64>,
    /// The user of a personal key.
    #[serde(skip)]
    pub user_id: Option<i64>,
    pub name: String,
    pub public_key: String,
    #[serde(skip)]
    pub private_key_hash: Vec<u8>,
    pub enabled: bool,
    /// RFC 3339.
    #[serde(with = "crate::timestamps::rfc3339")]
    #[cfg_attr(feature = "schema", schema(value_type = String))]
    pub created_at: i64,
    /// RFC 3339, or null when never used.
    #[serde(with = "crate::timestamps::rfc3339_opt")]
    #[cfg_attr(feature = "schema", schema(value_type = Option<String>))]
    pub last_used_at: Option<i64>,
    pub last_used_ip: Option<String>,
    /// Who created the key (a user's email, an operator, "cli"); None for keys made before
    /// users existed.
    pub created_by: Option<String>,
    /// Slugs of the products the key is limited to; empty = all of the account's products.
    #[sqlx(skip)]
    pub products: Vec<String>,
}

/// A freshly created pair; the only place (and the only admin API answer) that carries the
/// private key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema), schema(as = CreatedKeyView))]
pub struct CreatedKey {
    pub public_key: String,
    pub private_key: String,
    pub name: String,
}

pub(crate) const COLUMNS: &str = "id, account_id, user_id, name, public_key, private_key_hash, enabled, created_at, last_used_at, last_used_ip, created_by";

/// What to create: a name, optionally a product scope, optionally an existing pair to adopt.
#[derive(Clone, Copy, Debug, Default)]
pub struct NewKey<'a> {
    pub name: &'a str,
    /// Products the key is limited to (each must be public or licensed to the account).
    pub products: &'a [Product],
    /// `(public key, private key)` of a pair made elsewhere, for `key import`.
    pub pair: Option<(&'a str, &'a str)>,
}

/// Checks one half of an imported pair: `[A-Za-z0-9]{32}`, as Packyard's own keys.
fn validate_half(which: &str, half: &str) -> Result<()> {
    if half.len() == KEY_LEN && half.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Ok(());
    }
    Err(StoreError::Invalid(format!(
        "the {which} key must be exactly {KEY_LEN} letters and digits ([A-Za-z0-9])"
    )))
}

/// The pair to store: the imported one (checked) or a fresh random one.
pub(crate) fn pair_for(new: &NewKey<'_>) -> Result<(String, String)> {
    match new.pair {
        Some((public, private)) => {
            validate_half("public", public)?;
            validate_half("private", private)?;
            Ok((public.to_string(), private.to_string()))
        }
        None => Ok((random_alphanumeric(KEY_LEN), random_alphanumeric(KEY_LEN))),
    }
}

pub fn validate_key_name(name: &str) -> Result<&str> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(StoreError::Invalid(
            "a key name must be 1 to 100 printable characters (e.g. the developer who gets it)"
                .into(),
        ));
    }
    Ok(name)
}

/// Changes a key in one audited transaction. An account key's change is that account's; a
/// personal key's reaches across accounts, so it reloads everything (rare).
macro_rules! change_key {
    ($db:expr, $key:expr, $actor:expr, $action:expr, $tx:ident => $body:expr) => {
        in_tx!($db, $tx => {
            $body;
            match $key.account_id {
                Some(account_id) => bump!($tx, Account, account_id),
                None => bump!($tx),
            }
            record_audit!($tx, $actor, $action, &$key.public_key);
        })
    };
}

/// Limits the new or existing key `$key_id` to `$products`, inside the caller's transaction.
macro_rules! insert_key_products {
    ($tx:expr, $key_id:expr, $products:expr) => {
        for product in $products {
            exec!(
                $tx,
                "INSERT INTO access_key_products (key_id, product_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                $key_id,
                product.id
            )?;
        }
    };
}
pub(crate) use insert_key_products;

/// " limited to a, b" for the audit log, or nothing.
fn scope_words(products: &[Product]) -> String {
    if products.is_empty() {
        return String::new();
    }
    let slugs: Vec<&str> = products.iter().map(|p| p.slug.as_str()).collect();
    format!(" limited to {}", slugs.join(", "))
}

impl Db {
    pub async fn create_key(
        &self,
        account: &Account,
        name: &str,
        actor: &str,
    ) -> Result<CreatedKey> {
        let new = NewKey {
            name,
            ..NewKey::default()
        };
        self.create_account_key(account, &new, actor).await
    }

    /// Creates (or, with `pair`, adopts) a key of the account `account_id` names, limited to
    /// the products `slugs` name: what the admin API and the CLI's local mode both run. A slug
    /// is trimmed and an empty one skipped, as in a comma-separated list (no product's slug
    /// has spaces or is empty, so this only ever spares an input error).
    pub async fn add_account_key(
        &self,
        account_id: &str,
        name: &str,
        slugs: &[String],
        pair: Option<(&str, &str)>,
        actor: &str,
    ) -> Result<CreatedKey> {
        let account = self.account(account_id).await?;
        let mut products = Vec::new();
        for slug in slugs.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            products.push(self.product(slug).await?);
        }
        let new = NewKey {
            name,
            products: &products,
            pair,
        };
        self.create_account_key(&account, &new, actor).await
    }

    /// Creates (or, with [`NewKey::pair`], adopts) a key of `account`.
    pub async fn create_account_key(
        &self,
        account: &Account,
        new: &NewKey<'_>,
        actor: &str,
    ) -> Result<CreatedKey> {
        let name = validate_key_name(new.name)?;
        if account.is_closed() {
            return Err(StoreError::Invalid(format!(
                "account {} is closed; keys cannot be added to it",
                account.public_id
            )));
        }
        self.check_scope(account, new.products).await?;
        let (public_key, private_key) = pair_for(new)?;
        let action = if new.pair.is_some() {
            "key.import"
        } else {
            "key.create"
        };
        let subject = format!(
            "{} {public_key} ({name}){}",
            account.public_id,
            scope_words(new.products)
        );
        audited_change!(self, Account, account.id, actor, action, subject, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO access_keys (account_id, name, public_key, private_key_hash, enabled, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, TRUE, $5, $6) RETURNING id",
            )
            .bind(account.id)
            .bind(name)
            .bind(&public_key)
            .bind(sha256(&private_key))
            .bind(now())
            .bind(split_actor(actor).0)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| conflict_on_unique(e, format!("a key with public key {public_key} exists already")))?;
            insert_key_products!(tx, id, new.products);
        });
        Ok(CreatedKey {
            public_key,
            private_key,
            name: name.to_string(),
        })
    }

    pub async fn keys_of(&self, account: &Account) -> Result<Vec<AccessKey>> {
        let sql = format!("SELECT {COLUMNS} FROM access_keys WHERE account_id = $1 ORDER BY id");
        let keys: Vec<AccessKey> = on_db!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(account.id).fetch_all(pool).await?);
        self.with_scopes(keys).await
    }

    pub async fn key(&self, public_key: &str) -> Result<AccessKey> {
        let sql = format!("SELECT {COLUMNS} FROM access_keys WHERE public_key = $1");
        let key: AccessKey = found!(
            self,
            sql,
            [public_key.trim()],
            "no access key with public key {public_key:?}"
        )?;
        Ok(self.with_scopes(vec![key]).await?.remove(0))
    }

    pub async fn set_key_enabled(
        &self,
        public_key: &str,
        enabled: bool,
        actor: &str,
    ) -> Result<AccessKey> {
        let key = self.key(public_key).await?;
        let action = if enabled { "key.enable" } else { "key.disable" };
        change_key!(self, key, actor, action, tx => {
            exec!(tx, "UPDATE access_keys SET enabled = $1 WHERE id = $2", enabled, key.id)?;
        });
        self.key(public_key).await
    }

    pub async fn delete_key(&self, public_key: &str, actor: &str) -> Result<()> {
        let key = self.key(public_key).await?;
        change_key!(self, key, actor, "key.delete", tx => {
            exec!(tx, "DELETE FROM access_keys WHERE id = $1", key.id)?;
        });
        Ok(())
    }

    /// Records when and from where keys were last used. Not a change the hot path depends on,
    /// so it does not bump the change counter.
    pub async fn record_key_uses(&self, uses: &[(String, i64, String)]) -> Result<()> {
        in_tx!(self, tx => {
            for (public_key, at, ip) in uses {
                exec!(tx, "UPDATE access_keys SET last_used_at = $1, last_used_ip = $2 WHERE public_key = $3", at, ip, public_key)?;
            }
        });
        Ok(())
    }
}
