//! What is in storage, for `packyard storage gc`: the content-addressed objects (which the
//! database may or may not reference) and the leftovers of uploads that never finished
//! (temporary files on local disk, staging objects under `uploads/` on S3). Deciding what
//! may go is the caller's job; this module only lists and deletes.

use std::path::Path;

use crate::error::{BlobError, Result, io_err};
use crate::object::validate_key;
use crate::store::BlobStore;

/// Top-level directories of content-addressed objects.
pub const CONTENT_DIRS: [&str; 2] = ["dists", "releases"];

/// One stored object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectInfo {
    pub key: String,
    pub size: u64,
    /// Last modification, unix seconds.
    pub modified: i64,
}

/// Local temporary files: `tmp/.upload-*` (streamed uploads) and `.tmp-*` beside objects.
fn is_local_temp(name: &str) -> bool {
    name.starts_with(".upload-") || name.starts_with(".tmp-")
}

impl BlobStore {
    /// Every content-addressed object.
    pub async fn list_objects(&self) -> Result<Vec<ObjectInfo>> {
        let mut all = Vec::new();
        for dir in CONTENT_DIRS {
            all.extend(self.list_dir(dir, false).await?);
        }
        Ok(all)
    }

    /// Leftovers of uploads that were never made visible (or are still being written: the
    /// caller judges by age).
    pub async fn list_unfinished_uploads(&self) -> Result<Vec<ObjectInfo>> {
        match self {
            #[cfg(feature = "s3")]
            BlobStore::S3(_) => self.list_dir("uploads", false).await,
            BlobStore::Local { .. } => {
                let mut all = self.list_dir("tmp", true).await?;
                for dir in CONTENT_DIRS {
                    all.extend(self.list_dir(dir, true).await?);
                }
                Ok(all)
            }
        }
    }

    async fn list_dir(&self, dir: &str, temporary: bool) -> Result<Vec<ObjectInfo>> {
        let root = match self {
            #[cfg(feature = "s3")]
            BlobStore::S3(s3) => {
                let listed = s3.list(dir).await?;
                return Ok(listed
                    .into_iter()
                    .map(|l| ObjectInfo {
                        key: l.key,
                        size: l.size,
                        modified: l.modified,
                    })
                    .collect());
            }
            BlobStore::Local { root } => root.clone(),
        };
        let dir = dir.to_string();
        tokio::task::spawn_blocking(move || {
            let mut found = Vec::new();
            walk(&root, &root.join(&dir), temporary, &mut found)?;
            Ok(found)
        })
        .await
        .map_err(|e| BlobError::Unavailable(format!("listing storage failed: {e}")))?
    }

    /// Deletes one object; deleting a missing object is not an error.
    pub async fn delete(&self, key: &str) -> Result<()> {
        validate_key(key)?;
        match self {
            #[cfg(feature = "s3")]
            BlobStore::S3(s3) => s3.delete(key).await,
            BlobStore::Local { root } => {
                let path = root.join(key);
                match tokio::fs::remove_file(&path).await {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io_err(&path)(e)),
                    _ => Ok(()),
                }
            }
        }
    }
}

/// Collects the files under `dir`: temporary ones or finished ones, as asked.
fn walk(root: &Path, dir: &Path, temporary: bool, found: &mut Vec<ObjectInfo>) -> Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_err(dir)(e)),
    };
    for entry in entries {
        let entry = entry.map_err(io_err(dir))?;
        let path = entry.path();
        let meta = entry.metadata().map_err(io_err(&path))?;
        if meta.is_dir() {
            walk(root, &path, temporary, found)?;
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_local_temp(&name) != temporary {
            continue;
        }
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs() as i64);
        let Ok(relative) = path.strip_prefix(root) else {
            continue;
        };
        found.push(ObjectInfo {
            key: relative.to_string_lossy().into_owned(),
            size: meta.len(),
            modified,
        });
    }
    Ok(())
}
