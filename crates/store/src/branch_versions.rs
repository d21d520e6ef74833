//! Branch (`dev-…`) versions from git follow their branch (SPEC §11): unlike tagged versions
//! they are replaced when the branch moves. Only `dev` versions may be replaced this way; a
//! stable version keeps its first bytes forever ([`Db::publish_version`]).

use crate::db::{Db, now_millis};
use crate::error::{Result, StoreError};
use crate::macros::{bump, on_db, record_audit};
use crate::packages::{NewVersion, PublishOutcome};

impl Db {
    /// Publishes `new` (a branch version), replacing the archive of an existing one.
    pub async fn publish_branch_version(
        &self,
        new: &NewVersion<'_>,
        actor: &str,
    ) -> Result<PublishOutcome> {
        if !(new.version_normalized.starts_with("dev-") || new.version_normalized.ends_with("-dev"))
        {
            return Err(StoreError::Invalid(format!(
                "{} is not a branch version",
                new.version
            )));
        }
        let replaced: Option<i64> = on_db!(self, pool => {
            let mut tx = crate::macros::BeginWrite::begin_write(pool).await?;
            let id: Option<(i64, i64, String, Option<i64>)> = sqlx::query_as(
                "SELECT v.id, v.package_id, v.sha256, v.unlisted_at FROM versions v JOIN packages p ON p.id = v.package_id \
                 WHERE p.name = $1 AND v.version_normalized = $2",
            )
            .bind(new.name).bind(new.version_normalized).fetch_optional(&mut *tx).await?;
            match id {
                None => None,
                Some((_, _, sha256, None)) if sha256 == new.sha256 => Some(0),
                Some((id, package_id, _, _)) => {
                    sqlx::query(
                        "UPDATE versions SET manifest = $2, released_at = $3, sha1 = $4, sha256 = $5, size = $6, \
                         blob_key = $7, unlisted_at = NULL, changed_at = $8 WHERE id = $1",
                    )
                    .bind(id).bind(new.manifest).bind(new.released_at).bind(new.sha1).bind(new.sha256)
                    .bind(new.size).bind(new.blob_key).bind(now_millis())
                    .execute(&mut *tx).await?;
                    bump!(tx, Package, package_id);
                    record_audit!(tx, actor, "version.follow-branch", format!("{} {}", new.name, new.version));
                    tx.commit().await?;
                    Some(id)
                }
            }
        });
        match replaced {
            None => self.publish_version(new, actor).await,
            Some(0) => Ok(PublishOutcome::Unchanged),
            Some(_) => Ok(PublishOutcome::Published),
        }
    }
}
