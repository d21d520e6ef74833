//! Adding a release: validate the metadata first (so bad input costs no upload), stream the
//! bytes into content-addressed storage while hashing them, then record the row. A crash
//! between the two steps leaves at most an unreferenced blob, never a row without bytes.
//! Adding the same file name again with the same bytes and metadata is a no-op; anything
//! else under an existing name is refused, because customers' scripts pin file names.

use packyard_blobs::BlobStore;
use packyard_store::releases::{
    NewRelease, Release, validate_file_name, validate_kind, validate_release_version,
};
use packyard_store::{Db, StoreError};
use serde::Serialize;
use tokio::io::AsyncRead;

use crate::storage::{StorageError, with_write_lease};

/// What the caller asked to add.
pub struct ReleaseRequest<'a> {
    pub file_name: &'a str,
    pub kind: &'a str,
    pub version: &'a str,
    pub product: &'a str,
    pub max_bytes: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseOutcome {
    Added,
    /// The same file was already there.
    Unchanged,
}

/// Adding a release fails only in storage.
pub type IngestError = StorageError;

pub async fn add_release<R: AsyncRead + Unpin>(
    db: &Db,
    blobs: &BlobStore,
    request: &ReleaseRequest<'_>,
    reader: R,
    actor: &str,
) -> Result<(Release, ReleaseOutcome), IngestError> {
    validate_file_name(request.file_name)?;
    validate_kind(request.kind)?;
    validate_release_version(request.version)?;
    let product = db.product(request.product).await?;
    let existing = match db.release(request.file_name).await {
        Ok(r) => Some(r),
        Err(StoreError::NotFound(_)) => None,
        Err(e) => return Err(e.into()),
    };
    if let Some(existing) = &existing
        && (existing.kind != request.kind
            || existing.version != request.version
            || existing.product_id != product.id)
    {
        return Err(already_exists(request.file_name).into());
    }
    let extension = extension_of(request.file_name);
    let staged = blobs
        .stage_stream("releases", &extension, reader, request.max_bytes)
        .await?;
    if let Some(existing) = existing {
        // Dropping `staged` discards the upload either way: the bytes are already stored,
        // or they are refused.
        return if existing.sha256 == staged.object().sha256 {
            Ok((existing, ReleaseOutcome::Unchanged))
        } else {
            Err(already_exists(request.file_name).into())
        };
    }
    let key = staged.object().key.clone();
    let release = with_write_lease(db, &key, async {
        let stored = staged.commit().await?;
        let new = NewRelease {
            file_name: request.file_name,
            kind: request.kind,
            version: request.version,
            size: stored.size as i64,
            md5: &stored.md5,
            sha256: &stored.sha256,
            blob_key: &stored.key,
        };
        Ok::<_, IngestError>(db.add_release(&product, &new, actor).await?)
    })
    .await?;
    Ok((release, ReleaseOutcome::Added))
}

fn already_exists(file_name: &str) -> StoreError {
    StoreError::Conflict(format!(
        "a different release named {file_name} already exists; release files are immutable, so publish under a new file name"
    ))
}

/// A storage extension derived from the file name (`tar.gz`, `zip`, …), `bin` otherwise.
fn extension_of(file_name: &str) -> String {
    let lower = file_name.to_ascii_lowercase();
    for double in ["tar.gz", "tar.bz2", "tar.xz"] {
        if lower.ends_with(&format!(".{double}")) {
            return double.to_string();
        }
    }
    match lower.rsplit_once('.') {
        Some((_, ext))
            if !ext.is_empty()
                && ext.len() <= 8
                && ext.bytes().all(|b| b.is_ascii_alphanumeric()) =>
        {
            ext.to_string()
        }
        _ => "bin".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::extension_of;

    #[test]
    fn extensions() {
        assert_eq!(extension_of("Acme-CE-2.4.7.tar.gz"), "tar.gz");
        assert_eq!(extension_of("patch.SH"), "sh");
        assert_eq!(extension_of("README"), "bin");
        assert_eq!(extension_of("x.weird-ext"), "bin");
    }
}
