//! Artifact storage behind a small interface, so the rest of Packyard never touches paths.
//! Keys are content-addressed (`dists/ab/cd/<sha256>.zip`), so a key, once written, always
//! names the same bytes and writes of the same content are idempotent.
//!
//! Two backends: local disk (the embedded default) and S3-compatible object storage
//! ([`s3`], for several nodes). Local writes are crash-safe: bytes go to a temporary file in
//! the destination directory, are fsynced, then renamed into place, so a reader (or a restart
//! after `kill -9`) sees either the whole object or none. S3 gives the same guarantee with
//! conditional PUTs and completed uploads (see [`s3`]). [`inventory`] lists and deletes
//! objects for `packyard storage gc`.

mod digest;
mod error;
pub mod inventory;
mod object;
#[cfg(feature = "s3")]
pub mod s3;
mod staging;
mod store;

pub use error::{BlobError, Result};
pub use inventory::ObjectInfo;
pub use object::{ByteStream, StoredObject, content_key};
#[cfg(feature = "s3")]
pub use s3::S3Store;
pub use staging::StagedObject;
pub use store::{BlobStore, DEFAULT_TIMEOUT};

#[cfg(test)]
mod tests;
