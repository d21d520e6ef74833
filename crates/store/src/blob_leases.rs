//! Leases on storage keys: the handshake that lets `packyard storage gc` run while nodes
//! publish. A writer leases a key before it stores the object and drops the lease once the
//! row referencing it is committed; the collector leases a key, then looks for writers'
//! leases and references, and deletes only when it finds neither. Both insert before they
//! look, so one of them always sees the other (a writer that sees the collector waits for
//! it to finish, then stores the object again). Leases of crashed processes expire.

use std::collections::HashSet;

use crate::db::{Db, now};
use crate::error::Result;
use crate::macros::on_db;

/// Who holds a lease.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaseHolder {
    Writer,
    Collector,
}

impl LeaseHolder {
    fn as_str(self) -> &'static str {
        match self {
            LeaseHolder::Writer => "writer",
            LeaseHolder::Collector => "collector",
        }
    }
}

impl Db {
    /// Takes a lease on `key`; returns its id for [`Db::drop_blob_lease`].
    pub async fn lease_blob(&self, key: &str, holder: LeaseHolder) -> Result<i64> {
        let id: i64 = on_db!(self, pool => sqlx::query_scalar(
            "INSERT INTO blob_leases (blob_key, holder, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(key)
        .bind(holder.as_str())
        .bind(now())
        .fetch_one(pool)
        .await?);
        Ok(id)
    }

    pub async fn drop_blob_lease(&self, id: i64) -> Result<()> {
        self.delete_where("DELETE FROM blob_leases WHERE id = $1", id)
            .await
            .map(drop)
    }

    /// Whether `holder` has a lease on `key` taken at or after `since` (unix seconds).
    pub async fn blob_leased(&self, key: &str, holder: LeaseHolder, since: i64) -> Result<bool> {
        let n: i64 = on_db!(self, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM blob_leases WHERE blob_key = $1 AND holder = $2 AND created_at >= $3",
        )
        .bind(key)
        .bind(holder.as_str())
        .bind(since)
        .fetch_one(pool)
        .await?);
        Ok(n > 0)
    }

    /// Forgets leases taken before `before` (their holders crashed); returns how many.
    pub async fn prune_blob_leases(&self, before: i64) -> Result<u64> {
        self.delete_where("DELETE FROM blob_leases WHERE created_at < $1", before)
            .await
    }

    /// Whether a version, release or mirrored dist references `key`.
    pub async fn blob_referenced(&self, key: &str) -> Result<bool> {
        let n: i64 = on_db!(self, pool => sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM versions WHERE blob_key = $1) + (SELECT COUNT(*) FROM releases WHERE blob_key = $1) \
             + (SELECT COUNT(*) FROM upstream_dists WHERE blob_key = $1)",
        )
        .bind(key)
        .fetch_one(pool)
        .await?);
        Ok(n > 0)
    }

    /// Every key a version, release or mirrored dist references.
    pub async fn referenced_blob_keys(&self) -> Result<HashSet<String>> {
        let keys: Vec<String> = on_db!(self, pool => sqlx::query_scalar(
            "SELECT blob_key FROM versions UNION SELECT blob_key FROM releases UNION SELECT blob_key FROM upstream_dists",
        )
        .fetch_all(pool)
        .await?);
        Ok(keys.into_iter().collect())
    }

    /// A cheap round trip, for readiness checks.
    pub async fn ping(&self) -> Result<()> {
        on_db!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(drop)?);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::LeaseHolder::{Collector, Writer};
    use crate::db::now;
    use crate::packages::NewVersion;
    use crate::tests::TestDb;
    use packyard_testkit::{Backend, backend_tests};

    backend_tests!(async leases_expire_and_references_are_seen);
    async fn leases_expire_and_references_are_seen(backend: Backend) {
        let db = TestDb::open(backend).await;
        {
            let backend = db.backend_name();
            let key = "dists/ab/cd/abcd.zip";
            assert!(!db.blob_referenced(key).await.unwrap(), "{backend}");
            let writer = db.lease_blob(key, Writer).await.unwrap();
            let since = now() - 60;
            assert!(
                db.blob_leased(key, Writer, since).await.unwrap(),
                "{backend}"
            );
            assert!(
                !db.blob_leased(key, Collector, since).await.unwrap(),
                "{backend}"
            );
            assert!(
                !db.blob_leased("dists/other.zip", Writer, since)
                    .await
                    .unwrap()
            );
            // A lease taken before `since` counts as a crashed holder's.
            assert!(
                !db.blob_leased(key, Writer, now() + 1).await.unwrap(),
                "{backend}"
            );
            db.drop_blob_lease(writer).await.unwrap();
            assert!(
                !db.blob_leased(key, Writer, since).await.unwrap(),
                "{backend}"
            );
            db.lease_blob(key, Collector).await.unwrap();
            assert_eq!(
                db.prune_blob_leases(now() + 1).await.unwrap(),
                1,
                "{backend}"
            );

            let version = NewVersion {
                name: "acme/a",
                version: "1.0.0",
                version_normalized: "1.0.0.0",
                manifest: "{}",
                released_at: 0,
                sha1: "aa",
                sha256: "bb",
                size: 1,
                blob_key: key,
            };
            db.publish_version(&version, "test").await.unwrap();
            assert!(db.blob_referenced(key).await.unwrap(), "{backend}");
            let all = db.referenced_blob_keys().await.unwrap();
            assert!(all.contains(key) && all.len() == 1, "{backend}: {all:?}");
            db.ping().await.unwrap();
        }
    }
}
