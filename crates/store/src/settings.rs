//! Settings a running server records for the CLI, which otherwise could not know them: the
//! public URL clients use (the webhook URLs `repo add` prints) and the billing grace period
//! (the standing `account show` prints). `packyard serve` writes them at start; the last
//! server started wins, which is right for nodes that share one configuration.

use crate::db::{Db, now};
use crate::error::Result;
use crate::macros::on_db;

/// The server's public URL, e.g. `https://repo.example.com`.
pub const PUBLIC_URL: &str = "public_url";
/// Days after an invoice's due date before its account goes on hold.
pub const BILLING_GRACE_DAYS: &str = "billing_grace_days";

impl Db {
    /// Records `value` under `name`, replacing what was there.
    pub async fn set_setting(&self, name: &str, value: &str) -> Result<()> {
        on_db!(self, pool => {
            sqlx::query(
                "INSERT INTO settings (name, value, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            )
            .bind(name)
            .bind(value)
            .bind(now())
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The value recorded under `name`, if a server recorded one.
    pub async fn setting(&self, name: &str) -> Result<Option<String>> {
        Ok(on_db!(self, pool => {
            sqlx::query_scalar("SELECT value FROM settings WHERE name = $1")
                .bind(name)
                .fetch_optional(pool)
                .await?
        }))
    }
}
