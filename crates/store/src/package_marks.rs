//! What an operator says about packages and versions besides publishing them (SPEC §12):
//! a package is abandoned (optionally for a replacement), a version is recalled with a reason
//! (it leaves every account's metadata and its archive answers 410; deleting the recall undoes
//! it), and notices for the root `packages.json`. Each change is audited and logged as a
//! package change (notices: a notices change), so servers re-render only what it touches.

use serde::{Deserialize, Serialize};

use crate::advisories::{marks_change, touch_marks};
use crate::db::{Db, now};
use crate::error::{Result, StoreError};
use crate::macros::{bump, exec, fetch, in_tx, locked_change, on_db, record_audit};
use crate::snapshot_rows::Scope;

/// A package's operator marks, for the snapshot.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PackageMarks {
    pub package_id: i64,
    pub name: String,
    pub abandoned: bool,
    pub replacement: Option<String>,
    pub marks_changed_at: i64,
}

/// A recalled version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema), schema(as = RecallView))]
pub struct Recall {
    #[serde(skip)]
    pub package_id: i64,
    pub name: String,
    pub version: String,
    #[serde(skip)]
    pub version_normalized: String,
    pub reason: String,
    /// RFC 3339.
    #[serde(with = "crate::timestamps::rfc3339")]
    #[cfg_attr(feature = "schema", schema(value_type = String))]
    pub recalled_at: i64,
}

/// A message in the root `packages.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema), schema(as = NoticeView))]
pub struct Notice {
    /// `info` or `warning`.
    pub kind: String,
    pub message: String,
    /// Composer versions the message is for (a constraint).
    pub versions: String,
    #[serde(skip)]
    pub set_at: i64,
}

const RECALLS: &str = "SELECT v.package_id, p.name, v.version, v.version_normalized, r.reason, r.recalled_at \
    FROM recalls r JOIN versions v ON v.id = r.version_id JOIN packages p ON p.id = v.package_id";

impl Db {
    async fn package_id(&self, name: &str) -> Result<i64> {
        let id: Option<i64> = on_db!(self, pool => sqlx::query_scalar("SELECT id FROM packages WHERE name = $1")
            .bind(name)
            .fetch_optional(pool)
            .await?);
        id.ok_or_else(|| {
            StoreError::NotFound(format!(
                "no package {name}; `packyard package list` shows the published ones"
            ))
        })
    }

    /// Marks a package abandoned (`replacement`: the package to use instead), or not.
    pub async fn set_abandoned(
        &self,
        name: &str,
        abandoned: Option<Option<&str>>,
        actor: &str,
    ) -> Result<()> {
        let package_id = self.package_id(name).await?;
        let (action, subject) = match abandoned {
            Some(Some(other)) => ("package.abandon", format!("{name} (use {other})")),
            Some(None) => ("package.abandon", name.to_string()),
            None => ("package.unabandon", name.to_string()),
        };
        marks_change!(self, package_id, actor, action, subject, tx => {
            exec!(tx, "UPDATE packages SET abandoned = $1, replacement = $2 WHERE id = $3", abandoned.is_some(), abandoned.flatten(), package_id)?;
        });
        Ok(())
    }

    /// Recalls a listed version (by normalized version) with a reason customers will read.
    pub async fn recall_version(
        &self,
        name: &str,
        version_normalized: &str,
        reason: &str,
        actor: &str,
    ) -> Result<()> {
        let package_id = self.package_id(name).await?;
        // The audit names the version as published, read inside the transaction.
        in_tx!(self, tx => {
            bump!(tx, Package, package_id);
            let version: Option<(i64, String)> = sqlx::query_as(
                "SELECT id, version FROM versions WHERE package_id = $1 AND version_normalized = $2 AND unlisted_at IS NULL",
            )
            .bind(package_id)
            .bind(version_normalized)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((version_id, version)) = version else {
                return Err(StoreError::NotFound(format!("no listed version {version_normalized} of {name}")));
            };
            exec!(tx, "INSERT INTO recalls (version_id, reason, recalled_at) VALUES ($1, $2, $3)", version_id, reason, now())
                .map_err(|e| crate::error::conflict_on_unique(e, format!("{name} {version} is already recalled")))?;
            touch_marks!(tx, package_id);
            record_audit!(tx, actor, "version.recall", format!("{name} {version}: {reason}"));
        });
        Ok(())
    }

    /// Undoes a recall: the version is installable again.
    pub async fn unrecall_version(
        &self,
        name: &str,
        version_normalized: &str,
        actor: &str,
    ) -> Result<()> {
        let package_id = self.package_id(name).await?;
        marks_change!(self, package_id, actor, "version.unrecall", format!("{name} {version_normalized}"), tx => {
            let removed = exec!(
                tx,
                "DELETE FROM recalls WHERE version_id IN \
                 (SELECT id FROM versions WHERE package_id = $1 AND version_normalized = $2)",
                package_id,
                version_normalized
            )?
            .rows_affected();
            if removed == 0 {
                return Err(StoreError::NotFound(format!("{name} {version_normalized} is not recalled")));
            }
        });
        Ok(())
    }

    /// Recalls, newest first; of one package or all.
    pub async fn recalls(&self, package: Option<&str>) -> Result<Vec<Recall>> {
        let sql = format!(
            "{RECALLS} WHERE ($1 IS NULL OR p.name = $1) ORDER BY r.recalled_at DESC, p.name"
        );
        Ok(fetch!(self, fetch_all, sqlx::AssertSqlSafe(sql), package))
    }

    /// Recalls of the packages in `scope`, for the snapshot.
    pub async fn recalls_in(&self, scope: Scope<'_>) -> Result<Vec<Recall>> {
        self.rows_in(&format!("{RECALLS} WHERE 1 = 1"), "v.package_id", scope)
            .await
    }

    /// Marks of the packages in `scope` that ever had one, for the snapshot.
    pub async fn package_marks(&self, scope: Scope<'_>) -> Result<Vec<PackageMarks>> {
        self.rows_in(
            "SELECT id AS package_id, name, abandoned, replacement, marks_changed_at FROM packages \
             WHERE marks_changed_at > 0",
            "id",
            scope,
        )
        .await
    }

    /// Sets the `info` or `warning` notice of the root `packages.json`.
    pub async fn set_notice(
        &self,
        kind: &str,
        message: &str,
        versions: &str,
        actor: &str,
    ) -> Result<()> {
        if !matches!(kind, "info" | "warning") {
            return Err(StoreError::Invalid(format!(
                "unknown notice kind {kind:?}: use info or warning"
            )));
        }
        locked_change!(self, Notices, 0i64, actor, "notice.set", format!("{kind}: {message}"), tx => {
            exec!(
                tx,
                "INSERT INTO notices (kind, message, versions, set_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (kind) DO UPDATE SET message = $2, versions = $3, set_at = $4",
                kind,
                message,
                versions,
                now()
            )?;
        });
        Ok(())
    }

    /// Clears one notice kind, or both with `None`; returns how many were cleared.
    pub async fn clear_notice(&self, kind: Option<&str>, actor: &str) -> Result<u64> {
        Ok(
            locked_change!(self, Notices, 0i64, actor, "notice.clear", kind.unwrap_or("all").to_string(), tx => {
                exec!(tx, "DELETE FROM notices WHERE ($1 IS NULL OR kind = $1)", kind)?.rows_affected()
            }),
        )
    }

    /// The notices in force, info first.
    pub async fn notices(&self) -> Result<Vec<Notice>> {
        Ok(on_db!(self, pool => sqlx::query_as(
            "SELECT kind, message, versions, set_at FROM notices ORDER BY kind",
        )
        .fetch_all(pool)
        .await?))
    }
}
