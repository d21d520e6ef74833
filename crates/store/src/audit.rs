//! The audit log: who did what, when. Rows are written by the `audit!` macro inside the
//! transaction of the change they describe; this module only reads them back.

use serde::Serialize;

use crate::{Db, Result, on_db};

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub ip: Option<String>,
}

impl Db {
    /// The newest `limit` entries, newest first.
    pub async fn audit_log(&self, limit: i64) -> Result<Vec<AuditEntry>> {
        Ok(on_db!(self, pool => {
            sqlx::query_as("SELECT id, at, actor, action, subject, ip FROM audit_log ORDER BY id DESC LIMIT $1")
                .bind(limit)
                .fetch_all(pool)
                .await?
        }))
    }
}
