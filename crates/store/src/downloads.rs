//! Install statistics from Composer's notify-batch requests.

use serde::Serialize;

use crate::db::Db;
use crate::error::Result;
use crate::macros::{exec, in_tx, on_db};

#[derive(Clone, Debug, Serialize)]
pub struct DownloadEvent {
    pub account_id: Option<i64>,
    pub package: String,
    pub version: String,
    pub at: i64,
}

/// Installs of one package on one day (`day` = unix seconds / 86400, UTC).
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct DailyDownloads {
    pub package: String,
    pub day: i64,
    pub count: i64,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct DownloadCount {
    pub package: String,
    pub version: String,
    pub count: i64,
}

impl Db {
    pub async fn record_downloads(&self, events: &[DownloadEvent]) -> Result<()> {
        in_tx!(self, tx => {
            for e in events {
                exec!(
                    tx,
                    "INSERT INTO downloads (account_id, package, version, at) VALUES ($1, $2, $3, $4)",
                    e.account_id,
                    &e.package,
                    &e.version,
                    e.at
                )?;
            }
        });
        Ok(())
    }

    pub async fn download_counts(&self) -> Result<Vec<DownloadCount>> {
        Ok(on_db!(self, pool => {
            // Composer reports the normalized version (`2.4.7.0-patch1`); people know the
            // published one (`2.4.7-p1`), so show that where the version is still stored.
            sqlx::query_as(
                "SELECT d.package, COALESCE(MIN(v.version), d.version) AS version, COUNT(*) AS count \
                 FROM downloads d LEFT JOIN packages p ON p.name = d.package \
                 LEFT JOIN versions v ON v.package_id = p.id AND v.version_normalized = d.version \
                 GROUP BY d.package, d.version ORDER BY d.package, d.version",
            )
            .fetch_all(pool)
            .await?
        }))
    }

    /// Installs per package and UTC day from `since` (unix seconds) on, oldest day first.
    pub async fn daily_downloads(&self, since: i64) -> Result<Vec<DailyDownloads>> {
        Ok(on_db!(self, pool => {
            sqlx::query_as(
                "SELECT package, at / 86400 AS day, COUNT(*) AS count FROM downloads WHERE at >= $1 \
                 GROUP BY package, at / 86400 ORDER BY package, day",
            )
            .bind(since)
            .fetch_all(pool)
            .await?
        }))
    }
}
