//! What an object is: its content-addressed key, how keys are checked, and its bytes as they
//! stream out of storage.

use std::io;

use bytes::Bytes;
use futures_util::stream::BoxStream;

use crate::error::{BlobError, Result};

/// An object's bytes as they arrive from storage.
pub type ByteStream = BoxStream<'static, io::Result<Bytes>>;

/// What [`crate::BlobStore::stage_stream`] stored.
#[derive(Clone, Debug)]
pub struct StoredObject {
    pub key: String,
    pub size: u64,
    pub md5: String,
    pub sha256: String,
}

/// The content-addressed key for an object with this sha256 (hex) and file extension.
pub fn content_key(kind: &str, sha256_hex: &str, extension: &str) -> String {
    format!(
        "{kind}/{}/{}/{sha256_hex}.{extension}",
        &sha256_hex[..2],
        &sha256_hex[2..4]
    )
}

/// Keys are relative, `/`-separated, without `.`/`..` segments, from a small alphabet.
pub(crate) fn validate_key(key: &str) -> Result<()> {
    let valid = !key.is_empty()
        && key
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-".contains(&b));
    if valid {
        Ok(())
    } else {
        Err(BlobError::InvalidKey(key.to_string()))
    }
}

/// A random suffix for temporary names, so concurrent writers never collide.
pub(crate) fn unique_suffix() -> String {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).expect("the operating system's random source failed");
    b.iter().map(|x| format!("{x:02x}")).collect()
}
