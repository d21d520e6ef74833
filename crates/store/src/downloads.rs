//! Install statistics from Composer's notify-batch requests.

use serde::Serialize;

use crate::{Db, Result, on_db};

#[derive(Clone, Debug, Serialize)]
pub struct DownloadEvent {
    pub account_id: Option<i64>,
    pub package: String,
    pub version: String,
    pub at: i64,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct DownloadCount {
    pub package: String,
    pub version: String,
    pub count: i64,
}

impl Db {
    pub async fn record_downloads(&self, events: &[DownloadEvent]) -> Result<()> {
        on_db!(self, pool => {
            let mut tx = pool.begin().await?;
            for e in events {
                sqlx::query("INSERT INTO downloads (account_id, package, version, at) VALUES ($1, $2, $3, $4)")
                    .bind(e.account_id)
                    .bind(&e.package)
                    .bind(&e.version)
                    .bind(e.at)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn download_counts(&self) -> Result<Vec<DownloadCount>> {
        Ok(on_db!(self, pool => {
            sqlx::query_as(
                "SELECT package, version, COUNT(*) AS count FROM downloads GROUP BY package, version ORDER BY package, version",
            )
            .fetch_all(pool)
            .await?
        }))
    }
}
