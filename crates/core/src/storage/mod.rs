//! Storage bookkeeping shared by every writer: the lease a writer holds on a content key
//! while it stores an object and records the row that references it, and the collector
//! ([`gc`]) that removes objects nothing references. The protocol is described in
//! `packyard_store::blob_leases`.

pub mod gc;

use std::future::Future;
use std::time::Duration;

use packyard_blobs::BlobError;
use packyard_store::blob_leases::LeaseHolder;
use packyard_store::{Db, StoreError};

/// Why storing failed: the database or the blob store. Adding a release and collecting
/// garbage can fail no other way.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Blob(#[from] BlobError),
}

/// A collector's lease older than this belongs to a crashed collector and is ignored.
pub const COLLECTOR_LEASE_EXPIRY: i64 = 300;
/// How long a writer waits for a collector to finish with the key it wants.
const WAIT_FOR_COLLECTOR: Duration = Duration::from_secs(60);

/// Runs `write` (store the object at `key`, then commit the row that references it) while
/// holding a writer's lease on `key`, so a concurrent `storage gc` cannot delete the object
/// between the two steps.
pub async fn with_write_lease<T, E>(
    db: &Db,
    key: &str,
    write: impl Future<Output = Result<T, E>>,
) -> Result<T, E>
where
    E: From<StoreError>,
{
    let lease = db.lease_blob(key, LeaseHolder::Writer).await?;
    let waited = wait_for_collector(db, key).await;
    let result = match waited {
        Ok(()) => write.await,
        Err(e) => Err(e.into()),
    };
    if let Err(e) = db.drop_blob_lease(lease).await {
        // The lease expires on its own; gc then only waits longer for this key.
        tracing::warn!("could not drop the storage lease on {key}: {e}");
    }
    result
}

async fn wait_for_collector(db: &Db, key: &str) -> Result<(), StoreError> {
    let started = tokio::time::Instant::now();
    loop {
        let since = packyard_store::now() - COLLECTOR_LEASE_EXPIRY;
        if !db.blob_leased(key, LeaseHolder::Collector, since).await? {
            return Ok(());
        }
        if started.elapsed() > WAIT_FOR_COLLECTOR {
            return Err(StoreError::Conflict(format!(
                "storage gc has been deleting {key} for over a minute; try again later"
            )));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
