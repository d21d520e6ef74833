//! What can go wrong in artifact storage, on either backend.

use std::io;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("artifact {0} is missing from storage")]
    Missing(String),
    #[error("invalid artifact key {0:?}")]
    InvalidKey(String),
    #[error(
        "unsupported storage URL {0:?}: use a directory path, file:///path or s3://bucket/prefix"
    )]
    UnsupportedUrl(String),
    #[error("invalid object storage settings for {0}")]
    Config(String),
    #[error("object storage is unavailable: {0}")]
    Unavailable(String),
    #[error("the upload is larger than the limit of {0} bytes")]
    TooLarge(u64),
    #[error("artifact storage I/O error on {path}: {source}")]
    Io { path: String, source: io::Error },
}

pub type Result<T, E = BlobError> = std::result::Result<T, E>;

pub(crate) fn io_err(path: &Path) -> impl FnOnce(io::Error) -> BlobError + '_ {
    move |source| BlobError::Io {
        path: path.display().to_string(),
        source,
    }
}
