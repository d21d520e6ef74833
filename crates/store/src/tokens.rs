//! Download access tokens: at most one per account. Generating a token replaces the row, so
//! the previous token stops matching the moment the transaction commits.

use serde::Serialize;

use crate::accounts::Account;
use crate::db::{Db, now};
use crate::error::{Result, StoreError};
use crate::macros::{audited_change, exec, fetch};
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
        audited_change!(self, Account, account.id, actor, "token.generate", &account.public_id, tx => {
            exec!(
                tx,
                "INSERT INTO download_tokens (account_id, token_hash, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (account_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at",
                account.id,
                sha256(&token),
                now()
            )?;
        });
        Ok(token)
    }

    pub async fn token_of(&self, account: &Account) -> Result<Option<DownloadToken>> {
        Ok(fetch!(
            self,
            fetch_optional,
            "SELECT account_id, token_hash, created_at FROM download_tokens WHERE account_id = $1",
            account.id
        ))
    }
}
