//! Download access tokens: at most one per account. Generating a token replaces the row, so
//! the previous token stops matching the moment the transaction commits.

use serde::Serialize;

use crate::accounts::Account;
use crate::db::{Db, now};
use crate::error::{Result, StoreError};
use crate::macros::{bump, on_db, record_audit};
use crate::secret::{random_alphanumeric, sha256};

pub const TOKEN_LEN: usize = 32;

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct DownloadToken {
    pub account_id: i64,
    #[serde(skip)]
    pub token_hash: Vec<u8>,
    #[serde(with = "crate::timestamps::rfc3339")]
    pub created_at: i64,
}

impl Db {
    /// Creates a new token for `account`, replacing any previous one, and returns it in
    /// plaintext: the only time it is available.
    pub async fn generate_token(&self, account: &Account, actor: &str) -> Result<String> {
        if account.is_closed() {
            return Err(StoreError::Invalid(format!(
                "account {} is closed",
                account.public_id
            )));
        }
        let token = random_alphanumeric(TOKEN_LEN);
        on_db!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO download_tokens (account_id, token_hash, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (account_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at",
            )
            .bind(account.id)
            .bind(sha256(&token))
            .bind(now())
            .execute(&mut *tx)
            .await?;
            bump!(tx, Account, account.id);
            record_audit!(tx, actor, "token.generate", &account.public_id);
            tx.commit().await?;
        });
        Ok(token)
    }

    pub async fn token_of(&self, account: &Account) -> Result<Option<DownloadToken>> {
        Ok(on_db!(self, pool => {
            sqlx::query_as("SELECT account_id, token_hash, created_at FROM download_tokens WHERE account_id = $1")
                .bind(account.id)
                .fetch_optional(pool)
                .await?
        }))
    }
}
