//! Single-use links through which a new user sets their password. The token is random
//! (≥ 256 bits) and only its SHA-256 is stored; redeeming deletes the row in the same
//! transaction that sets the password, so a link works once, and not after it expires (compared with the caller's `now`).

use crate::db::Db;
use crate::error::{Result, StoreError};
use crate::macros::{exec, in_tx, on_db, record_audit};
use crate::secret::{random_alphanumeric, sha256};
use crate::users::User;

pub const LINK_TOKEN_LEN: usize = 43;

/// How long a link stays valid: a week, time enough to read the mail or message.
pub const LINK_TTL_SECS: i64 = 7 * 24 * 3600;

impl Db {
    /// A new password link token for `user`, valid for [`LINK_TTL_SECS`] from `now`; earlier
    /// unused links of the user stop working.
    pub async fn create_password_link(&self, user: &User, now: i64) -> Result<String> {
        let token = random_alphanumeric(LINK_TOKEN_LEN);
        in_tx!(self, tx => {
            exec!(tx, "DELETE FROM password_links WHERE user_id = $1", user.id)?;
            exec!(
                tx,
                "INSERT INTO password_links (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
                sha256(&token),
                user.id,
                now + LINK_TTL_SECS
            )?;
        });
        Ok(token)
    }

    /// The user a link valid at `now` belongs to (the link stays usable).
    pub async fn password_link_user(&self, token: &str, now: i64) -> Result<User> {
        let row: Option<(i64, String, i64)> = on_db!(self, pool => {
            sqlx::query_as(
                "SELECT u.id, u.email, u.created_at FROM password_links l JOIN users u ON u.id = l.user_id \
                 WHERE l.token_hash = $1 AND l.expires_at > $2",
            )
            .bind(sha256(token))
            .bind(now)
            .fetch_optional(pool)
            .await?
        });
        row.map(|(id, email, created_at)| User {
            id,
            email,
            created_at,
        })
        .ok_or_else(|| {
            StoreError::NotFound(
                "this link is not valid (it was used already or has expired); ask an owner of the account for a new one".into(),
            )
        })
    }

    /// Sets the password of the link's user and uses the link up.
    pub async fn redeem_password_link(
        &self,
        token: &str,
        password_hash: &str,
        now: i64,
    ) -> Result<User> {
        let user = self.password_link_user(token, now).await?;
        in_tx!(self, tx => {
            let used = exec!(tx, "DELETE FROM password_links WHERE token_hash = $1 AND expires_at > $2", sha256(token), now)?;
            if used.rows_affected() == 0 {
                return Err(StoreError::NotFound("this link was used already".into()));
            }
            exec!(tx, "UPDATE users SET password_hash = $1 WHERE id = $2", password_hash, user.id)?;
            record_audit!(tx, user.email.as_str(), "user.password_link", &user.email);
        });
        Ok(user)
    }
}
