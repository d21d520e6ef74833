//! `packyard storage gc`: deletes stored objects that no version or release references
//! (uploads refused after storing, releases whose row never got written because the writer
//! crashed, leftovers of unfinished uploads), never an object a writer may still reference.
//! Two guards: objects younger than `min_age` are left alone, and each deletion happens
//! under a collector's lease after checking for writers' leases (see
//! `packyard_store::blob_leases`).

use std::time::Duration;

use packyard_blobs::{BlobStore, ObjectInfo};
use packyard_store::blob_leases::LeaseHolder;
use packyard_store::{Db, now};
use serde::Serialize;

use super::StorageError;

/// A writer's lease older than this belongs to a crashed writer.
pub const WRITER_LEASE_EXPIRY: i64 = 24 * 3600;

/// What a collection found and did.
#[derive(Debug, Default, Serialize)]
pub struct GcReport {
    /// Content-addressed objects looked at.
    pub scanned: usize,
    /// Objects a version or release references.
    pub referenced: usize,
    /// Unreferenced objects left alone because they are younger than the minimum age or a
    /// writer holds them.
    pub spared: usize,
    /// Keys deleted (unreferenced objects and unfinished uploads).
    pub deleted: Vec<String>,
    pub deleted_bytes: u64,
}

/// Collects unreferenced objects older than `min_age`; with `dry_run`, only reports them.
pub async fn collect(
    db: &Db,
    blobs: &BlobStore,
    min_age: Duration,
    dry_run: bool,
) -> Result<GcReport, StorageError> {
    let started = now();
    let cutoff = started - min_age.as_secs() as i64;
    db.prune_blob_leases(started - WRITER_LEASE_EXPIRY).await?;
    let referenced = db.referenced_blob_keys().await?;
    let mut report = GcReport::default();
    for object in blobs.list_objects().await? {
        report.scanned += 1;
        if referenced.contains(&object.key) {
            report.referenced += 1;
        } else if object.modified > cutoff {
            report.spared += 1;
        } else if dry_run || delete_unless_held(db, blobs, &object.key).await? {
            record(&mut report, object);
        } else {
            report.spared += 1;
        }
    }
    for upload in blobs.list_unfinished_uploads().await? {
        if upload.modified <= cutoff {
            if !dry_run {
                blobs.delete(&upload.key).await?;
            }
            record(&mut report, upload);
        }
    }
    Ok(report)
}

fn record(report: &mut GcReport, object: ObjectInfo) {
    report.deleted_bytes += object.size;
    report.deleted.push(object.key);
}

/// Deletes `key` under a collector's lease unless a writer holds it or a row references it
/// by now; returns whether it deleted.
async fn delete_unless_held(db: &Db, blobs: &BlobStore, key: &str) -> Result<bool, StorageError> {
    let lease = db.lease_blob(key, LeaseHolder::Collector).await?;
    let outcome = async {
        let writers_since = now() - WRITER_LEASE_EXPIRY;
        if db
            .blob_leased(key, LeaseHolder::Writer, writers_since)
            .await?
            || db.blob_referenced(key).await?
        {
            return Ok(false);
        }
        blobs.delete(key).await?;
        Ok(true)
    }
    .await;
    db.drop_blob_lease(lease).await?;
    outcome
}
