//! The running hashes that name an upload by its content, and the size limit it must stay
//! within, shared by both backends' streamed uploads.

use md5::Md5;
use sha2::{Digest, Sha256};

use crate::error::{BlobError, Result};
use crate::object::{StoredObject, content_key};

/// How much of an upload is read at a time.
pub(crate) const UPLOAD_CHUNK: usize = 256 * 1024;

/// The running hashes and size of an upload, which must stay within `max_bytes`.
pub(crate) struct UploadDigest {
    md5: Md5,
    sha256: Sha256,
    size: u64,
    max_bytes: u64,
}

impl UploadDigest {
    pub(crate) fn new(max_bytes: u64) -> UploadDigest {
        UploadDigest {
            md5: Md5::new(),
            sha256: Sha256::new(),
            size: 0,
            max_bytes,
        }
    }

    pub(crate) fn update(&mut self, chunk: &[u8]) -> Result<()> {
        self.size += chunk.len() as u64;
        if self.size > self.max_bytes {
            return Err(BlobError::TooLarge(self.max_bytes));
        }
        self.md5.update(chunk);
        self.sha256.update(chunk);
        Ok(())
    }

    /// What the upload is, under its content-addressed key.
    pub(crate) fn finish(self, kind: &str, extension: &str) -> StoredObject {
        let sha256 = hex::encode(self.sha256.finalize());
        StoredObject {
            key: content_key(kind, &sha256, extension),
            size: self.size,
            md5: hex::encode(self.md5.finalize()),
            sha256,
        }
    }
}
