//! Publishing a dist zip, shared by the CLI and the admin API: inspect the archive (pure,
//! in `packyard-composer`), store the bytes content-addressed, then record the version. The
//! order matters: a crash between the two steps leaves at worst an unreferenced blob, never
//! a version whose archive is missing.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use packyard_blobs::{BlobError, BlobStore};
use packyard_composer::archive::{ArchiveError, ZipLimits, inspect_zip_with_version};
use packyard_store::packages::{NewVersion, PublishOutcome};
use packyard_store::{Db, StoreError};
use serde::Serialize;
use serde_json::Value;
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::storage::with_write_lease;

#[derive(Debug, Serialize)]
pub struct Published {
    pub name: String,
    pub version: String,
    pub outcome: PublishOutcome,
}

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Blob(#[from] BlobError),
    #[error(
        "composer.json has an invalid \"time\" {0:?}: use a date like 2024-01-31 or 2024-01-31T12:00:00+00:00"
    )]
    Time(String),
    /// The zip inspector panicked: a bug, but one upload must not take the server down.
    #[error(
        "the archive could not be inspected (it is probably malformed); check it with 'unzip -t' and upload it again"
    )]
    Inspection,
}

/// Parses composer.json's `time` the way Composer accepts it in practice.
pub fn parse_release_time(value: &str) -> Option<i64> {
    if let Ok(t) = DateTime::parse_from_rfc3339(value) {
        return Some(t.timestamp());
    }
    for fmt in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(value, fmt) {
            return Some(t.and_utc().timestamp());
        }
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .map(|d| d.and_time(NaiveTime::MIN).and_utc().timestamp())
}

pub async fn publish_zip(
    db: &Db,
    blobs: &BlobStore,
    bytes: Vec<u8>,
    limits: &ZipLimits,
    actor: &str,
) -> Result<Published, PublishError> {
    publish_zip_as(db, blobs, bytes, limits, None, actor).await
}

/// [`publish_zip`] with the version given by the publisher, for zips whose composer.json
/// has none (`composer archive`); a different version inside the zip is refused.
pub async fn publish_zip_as(
    db: &Db,
    blobs: &BlobStore,
    bytes: Vec<u8>,
    limits: &ZipLimits,
    version: Option<&str>,
    actor: &str,
) -> Result<Published, PublishError> {
    let limits = limits.clone();
    let version = version.map(str::to_string);
    let (bytes, manifest) = off_the_runtime(bytes, move |b| {
        inspect_zip_with_version(b, &limits, version.as_deref())
    })
    .await?;
    let released_at = match manifest.json.get("time") {
        None => Utc::now().timestamp(),
        Some(Value::String(s)) => {
            parse_release_time(s).ok_or_else(|| PublishError::Time(s.clone()))?
        }
        Some(other) => return Err(PublishError::Time(other.to_string())),
    };
    let outcome = store_version(
        db,
        blobs,
        &StoredManifest {
            name: &manifest.name,
            version: &manifest.version,
            version_normalized: &manifest.version_normalized,
            json: &manifest.json,
            released_at,
        },
        &bytes,
        actor,
        false,
    )
    .await?;
    Ok(Published {
        name: manifest.name,
        version: manifest.version,
        outcome,
    })
}

/// Runs `inspect` on a blocking thread (inflating a whole archive takes a while) and hands
/// the bytes back with its verdict. A panic in the inspector, a bug, is logged and refused as
/// [`PublishError::Inspection`]: one upload never takes a worker down with it.
async fn off_the_runtime<T: Send + 'static>(
    bytes: Vec<u8>,
    inspect: impl FnOnce(&[u8]) -> Result<T, ArchiveError> + Send + 'static,
) -> Result<(Vec<u8>, T), PublishError> {
    let (bytes, verdict) = tokio::task::spawn_blocking(move || {
        let verdict = inspect(&bytes);
        (bytes, verdict)
    })
    .await
    .map_err(|e| {
        tracing::error!("zip inspection failed: {e}");
        PublishError::Inspection
    })?;
    Ok((bytes, verdict?))
}

/// What a version row records about its archive, however the archive was made.
pub struct StoredManifest<'a> {
    pub name: &'a str,
    pub version: &'a str,
    pub version_normalized: &'a str,
    pub json: &'a serde_json::Map<String, Value>,
    pub released_at: i64,
}

/// Stores `bytes` content-addressed, then records the version (the order that never leaves
/// a version without its archive). `follow_branch` replaces an existing branch version
/// instead of refusing different bytes.
pub async fn store_version(
    db: &Db,
    blobs: &BlobStore,
    manifest: &StoredManifest<'_>,
    bytes: &[u8],
    actor: &str,
    follow_branch: bool,
) -> Result<PublishOutcome, PublishError> {
    let sha1 = hex::encode(Sha1::digest(bytes));
    let sha256 = hex::encode(Sha256::digest(bytes));
    let key = crate::snapshot::dist_key(&sha256);
    let manifest_text = Value::Object(manifest.json.clone()).to_string();
    let new = NewVersion {
        name: manifest.name,
        version: manifest.version,
        version_normalized: manifest.version_normalized,
        manifest: &manifest_text,
        released_at: manifest.released_at,
        sha1: &sha1,
        sha256: &sha256,
        size: bytes.len() as i64,
        blob_key: &key,
    };
    // The lease keeps `storage gc` away from the object until its version row is committed.
    with_write_lease(db, &key, async {
        blobs.put(&key, bytes).await?;
        Ok(if follow_branch {
            db.publish_branch_version(&new, actor).await?
        } else {
            db.publish_version(&new, actor).await?
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::{PublishError, off_the_runtime, parse_release_time};

    #[tokio::test]
    async fn a_panicking_inspector_is_a_refused_upload() {
        let outcome = off_the_runtime(b"PK".to_vec(), |_| -> Result<(), _> {
            panic!("inspector bug")
        })
        .await;
        assert!(matches!(outcome, Err(PublishError::Inspection)));
        let message = PublishError::Inspection.to_string();
        assert!(message.contains("unzip -t"), "{message}");
        let fine = off_the_runtime(b"PK".to_vec(), |b| Ok(b.len()))
            .await
            .unwrap();
        assert_eq!(fine, (b"PK".to_vec(), 2));
    }

    #[test]
    fn release_times() {
        assert_eq!(parse_release_time("2024-01-01"), Some(1_704_067_200));
        assert_eq!(
            parse_release_time("2024-01-01T00:00:00+00:00"),
            Some(1_704_067_200)
        );
        assert_eq!(
            parse_release_time("2024-01-01 01:00:00"),
            Some(1_704_070_800)
        );
        assert_eq!(parse_release_time("yesterday"), None);
    }
}
