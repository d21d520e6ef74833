//! A consistent copy of the embedded database while servers keep writing to it. SQLite's
//! `VACUUM INTO` reads inside one transaction, so the copy is the database as of one commit,
//! never a mix; it is written to a new file that no one else uses. PostgreSQL has its own
//! tools (`pg_dump`), so this is refused there.

use std::path::Path;

use crate::db::Db;
use crate::error::{Result, StoreError};

impl Db {
    /// Writes a consistent copy of the SQLite database to `target` (which must not exist).
    pub async fn backup_into(&self, target: &Path) -> Result<()> {
        let Db::Sqlite(pool) = self else {
            return Err(StoreError::Invalid(
                "backup copies the embedded SQLite database; back up PostgreSQL with pg_dump and the artifact storage with its own tools".into(),
            ));
        };
        let path = target.to_str().ok_or_else(|| {
            StoreError::Invalid(format!("{} is not a UTF-8 path", target.display()))
        })?;
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(pool)
            .await?;
        Ok(())
    }
}
