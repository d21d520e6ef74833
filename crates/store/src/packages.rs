//! Packages and their versions. A version is immutable: publishing the same name and
//! normalized version again with identical bytes is a no-op, with other bytes a conflict.
//! The archive must already be in blob storage when [`Db::publish_version`] runs, so a row
//! never points at a missing file.

use serde::{Deserialize, Serialize};

use crate::db::{Db, now, now_millis};
use crate::error::{Result, StoreError};
use crate::macros::{bump, in_tx, on_db, record_audit};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct PackageVersion {
    #[serde(skip)]
    pub id: i64,
    pub name: String,
    /// As published, e.g. 2.4.7-p1.
    pub version: String,
    pub version_normalized: String,
    /// The composer.json object as published (JSON text).
    #[serde(skip)]
    pub manifest: String,
    /// RFC 3339: the release time `updates_until` compares.
    #[serde(with = "crate::timestamps::rfc3339")]
    #[cfg_attr(feature = "schema", schema(value_type = String))]
    pub released_at: i64,
    pub sha1: String,
    pub sha256: String,
    pub size: i64,
    #[serde(skip)]
    pub blob_key: String,
    /// RFC 3339.
    #[serde(with = "crate::timestamps::rfc3339")]
    #[cfg_attr(feature = "schema", schema(value_type = String))]
    pub created_at: i64,
    /// RFC 3339, when unlisted.
    #[serde(with = "crate::timestamps::rfc3339_opt")]
    #[cfg_attr(feature = "schema", schema(value_type = Option<String>))]
    pub unlisted_at: Option<i64>,
    #[serde(skip)]
    pub changed_at: i64,
    /// Who published it (unknown for versions published before this was recorded).
    pub published_by: Option<String>,
}

pub struct NewVersion<'a> {
    pub name: &'a str,
    pub version: &'a str,
    pub version_normalized: &'a str,
    pub manifest: &'a str,
    pub released_at: i64,
    pub sha1: &'a str,
    pub sha256: &'a str,
    pub size: i64,
    pub blob_key: &'a str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PublishOutcome {
    Published,
    /// The identical archive was already published; nothing changed.
    Unchanged,
}

pub(crate) const SELECT: &str = "SELECT v.id, p.name, v.version, v.version_normalized, v.manifest, v.released_at, v.sha1, \
    v.sha256, v.size, v.blob_key, v.created_at, v.unlisted_at, v.changed_at, v.published_by \
    FROM versions v JOIN packages p ON p.id = v.package_id";

impl Db {
    pub async fn publish_version(
        &self,
        new: &NewVersion<'_>,
        actor: &str,
    ) -> Result<PublishOutcome> {
        let outcome = on_db!(self, pool => {
            let mut tx = crate::macros::BeginWrite::begin_write(pool).await?;
            sqlx::query("INSERT INTO packages (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
                .bind(new.name)
                .bind(now())
                .execute(&mut *tx)
                .await?;
            let package_id: i64 = sqlx::query_scalar("SELECT id FROM packages WHERE name = $1")
                .bind(new.name)
                .fetch_one(&mut *tx)
                .await?;
            let existing: Option<(i64, String, String, Option<i64>)> = sqlx::query_as(
                "SELECT id, sha256, version, unlisted_at FROM versions WHERE package_id = $1 AND version_normalized = $2",
            )
            .bind(package_id)
            .bind(new.version_normalized)
            .fetch_optional(&mut *tx)
            .await?;
            let outcome = match existing {
                Some((_, sha256, version, _)) if sha256 != new.sha256 => {
                    return Err(StoreError::Conflict(format!(
                        "{} {version} is already published with different contents; versions are immutable, publish a new version instead",
                        new.name
                    )));
                }
                Some((id, _, _, Some(_))) => {
                    // Same bytes as an unlisted version: publishing it again lists it again.
                    sqlx::query("UPDATE versions SET unlisted_at = NULL, changed_at = $2 WHERE id = $1")
                        .bind(id)
                        .bind(now_millis())
                        .execute(&mut *tx)
                        .await?;
                    PublishOutcome::Published
                }
                Some(_) => PublishOutcome::Unchanged,
                None => {
                    sqlx::query(
                        "INSERT INTO versions (package_id, version, version_normalized, manifest, released_at, sha1, sha256, size, blob_key, created_at, changed_at, published_by) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                    )
                    .bind(package_id)
                    .bind(new.version)
                    .bind(new.version_normalized)
                    .bind(new.manifest)
                    .bind(new.released_at)
                    .bind(new.sha1)
                    .bind(new.sha256)
                    .bind(new.size)
                    .bind(new.blob_key)
                    .bind(now())
                    .bind(now_millis())
                    .bind(actor)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| crate::error::conflict_on_unique(e, format!("{} {} is being published concurrently; retry", new.name, new.version)))?;
                    PublishOutcome::Published
                }
            };
            if outcome == PublishOutcome::Published {
                bump!(tx, Package, package_id);
                record_audit!(tx, actor, "version.publish", format!("{} {}", new.name, new.version));
                tx.commit().await?;
            }
            outcome
        });
        Ok(outcome)
    }

    /// Every version, listed or not, of one page of packages in name order: `limit`
    /// packages after the first `offset`.
    pub async fn versions_page(&self, offset: i64, limit: i64) -> Result<Vec<PackageVersion>> {
        let sql = format!(
            "{SELECT} WHERE p.id IN (SELECT id FROM packages ORDER BY name LIMIT $1 OFFSET $2) \
             ORDER BY p.name, v.released_at, v.id"
        );
        Ok(
            on_db!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?),
        )
    }

    pub async fn package_count(&self) -> Result<i64> {
        Ok(
            on_db!(self, pool => sqlx::query_scalar("SELECT COUNT(*) FROM packages")
            .fetch_one(pool)
            .await?),
        )
    }

    pub async fn package_names(&self) -> Result<Vec<String>> {
        Ok(
            on_db!(self, pool => sqlx::query_scalar("SELECT name FROM packages ORDER BY name").fetch_all(pool).await?),
        )
    }

    /// Unlists a version (by normalized version): clients stop seeing it; the archive stays,
    /// so the version cannot be re-published with different bytes.
    pub async fn unlist_version(
        &self,
        name: &str,
        version_normalized: &str,
        actor: &str,
    ) -> Result<()> {
        self.set_listed(name, version_normalized, false, actor)
            .await
    }

    /// Lists an unlisted version again (by normalized version), as it was.
    pub async fn relist_version(
        &self,
        name: &str,
        version_normalized: &str,
        actor: &str,
    ) -> Result<()> {
        self.set_listed(name, version_normalized, true, actor).await
    }

    async fn set_listed(
        &self,
        name: &str,
        version_normalized: &str,
        listed: bool,
        actor: &str,
    ) -> Result<()> {
        // $1: the new `unlisted_at` (NULL to list again), $4: `changed_at`.
        let (unlisted_at, was, action, state) = match listed {
            true => (None, "IS NOT NULL", "version.relist", "unlisted"),
            false => (Some(now()), "IS NULL", "version.unlist", "listed"),
        };
        let sql = format!(
            "UPDATE versions SET unlisted_at = $1, changed_at = $4 WHERE unlisted_at {was} \
             AND version_normalized = $2 AND package_id = (SELECT id FROM packages WHERE name = $3) \
             RETURNING package_id"
        );
        in_tx!(self, tx => {
            let done: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(unlisted_at)
            .bind(version_normalized)
            .bind(name)
            .bind(now_millis())
            .fetch_optional(&mut *tx)
            .await?;
            let Some(package_id) = done else {
                return Err(StoreError::NotFound(format!("no {state} version {version_normalized} of {name}")));
            };
            bump!(tx, Package, package_id);
            record_audit!(tx, actor, action, format!("{name} {version_normalized}"));
        });
        Ok(())
    }

    /// Every version of one package (listed or not), oldest release first.
    pub async fn package_versions(&self, name: &str) -> Result<Vec<PackageVersion>> {
        let sql = format!("{SELECT} WHERE p.name = $1 ORDER BY v.released_at, v.id");
        let found: Vec<PackageVersion> = on_db!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(name.trim()).fetch_all(pool).await?);
        if found.is_empty() {
            return Err(StoreError::NotFound(format!("no package named {name:?}")));
        }
        Ok(found)
    }
}
