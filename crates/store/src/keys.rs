//! Access key pairs: the public key is Composer's HTTP Basic username, the private key its
//! password. The private key exists in plaintext only in the value returned by
//! [`Db::create_key`]; the table holds its SHA-256.

use serde::Serialize;

use crate::accounts::Account;
use crate::secret::{random_alphanumeric, sha256};
use crate::{Db, Result, StoreError, audited_change, bump, now, on_db, record_audit};

pub const KEY_LEN: usize = 32;

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct AccessKey {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub account_id: i64,
    pub name: String,
    pub public_key: String,
    #[serde(skip)]
    pub private_key_hash: Vec<u8>,
    pub enabled: bool,
    #[serde(serialize_with = "crate::timestamps::rfc3339")]
    pub created_at: i64,
    #[serde(serialize_with = "crate::timestamps::rfc3339_opt")]
    pub last_used_at: Option<i64>,
    pub last_used_ip: Option<String>,
}

/// A freshly created pair; the only place the private key is ever available.
#[derive(Debug, Serialize)]
pub struct CreatedKey {
    pub public_key: String,
    pub private_key: String,
    pub name: String,
}

pub(crate) const COLUMNS: &str = "id, account_id, name, public_key, private_key_hash, enabled, created_at, last_used_at, last_used_ip";

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

impl Db {
    pub async fn create_key(
        &self,
        account: &Account,
        name: &str,
        actor: &str,
    ) -> Result<CreatedKey> {
        let name = validate_key_name(name)?;
        if account.is_closed() {
            return Err(StoreError::Invalid(format!(
                "account {} is closed; keys cannot be added to it",
                account.public_id
            )));
        }
        let public_key = random_alphanumeric(KEY_LEN);
        let private_key = random_alphanumeric(KEY_LEN);
        on_db!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO access_keys (account_id, name, public_key, private_key_hash, enabled, created_at) \
                 VALUES ($1, $2, $3, $4, TRUE, $5)",
            )
            .bind(account.id)
            .bind(name)
            .bind(&public_key)
            .bind(sha256(&private_key))
            .bind(now())
            .execute(&mut *tx)
            .await?;
            bump!(tx, Account, account.id);
            record_audit!(tx, actor, "key.create", format!("{} {public_key} ({name})", account.public_id));
            tx.commit().await?;
        });
        Ok(CreatedKey {
            public_key,
            private_key,
            name: name.to_string(),
        })
    }

    pub async fn keys_of(&self, account: &Account) -> Result<Vec<AccessKey>> {
        let sql = format!("SELECT {COLUMNS} FROM access_keys WHERE account_id = $1 ORDER BY id");
        Ok(
            on_db!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(account.id).fetch_all(pool).await?),
        )
    }

    pub async fn key(&self, public_key: &str) -> Result<AccessKey> {
        let sql = format!("SELECT {COLUMNS} FROM access_keys WHERE public_key = $1");
        let found: Option<AccessKey> = on_db!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(public_key.trim()).fetch_optional(pool).await?);
        found.ok_or_else(|| {
            StoreError::NotFound(format!("no access key with public key {public_key:?}"))
        })
    }

    pub async fn set_key_enabled(
        &self,
        public_key: &str,
        enabled: bool,
        actor: &str,
    ) -> Result<AccessKey> {
        let key = self.key(public_key).await?;
        let action = if enabled { "key.enable" } else { "key.disable" };
        audited_change!(
            self,
            Account,
            key.account_id,
            actor,
            action,
            &key.public_key,
            sqlx::query("UPDATE access_keys SET enabled = $1 WHERE id = $2")
                .bind(enabled)
                .bind(key.id)
        );
        self.key(public_key).await
    }

    pub async fn delete_key(&self, public_key: &str, actor: &str) -> Result<()> {
        let key = self.key(public_key).await?;
        audited_change!(
            self,
            Account,
            key.account_id,
            actor,
            "key.delete",
            &key.public_key,
            sqlx::query("DELETE FROM access_keys WHERE id = $1").bind(key.id)
        );
        Ok(())
    }

    /// Records when and from where keys were last used. Not a change the hot path depends on,
    /// so it does not bump the change counter.
    pub async fn record_key_uses(&self, uses: &[(String, i64, String)]) -> Result<()> {
        on_db!(self, pool => {
            let mut tx = pool.begin().await?;
            for (public_key, at, ip) in uses {
                sqlx::query("UPDATE access_keys SET last_used_at = $1, last_used_ip = $2 WHERE public_key = $3")
                    .bind(at)
                    .bind(ip)
                    .bind(public_key)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }
}
