//! Packages from git (SPEC §11): a repository's tags become versions and its branches
//! `dev-` versions. [`sync`] compares upstream refs with what the last sync saw and builds
//! only new or moved refs; [`worker`] runs queued syncs in the server, one at a time per
//! repository across all nodes (a database lease); [`hooks`] verifies push webhooks.

pub mod build;
pub mod hooks;
pub mod registry;
pub mod sync;
pub mod worker;

use std::path::PathBuf;

use packyard_blobs::BlobStore;
use packyard_composer::archive::ZipLimits;
use packyard_store::Db;
pub use packyard_vcs::remote::GitSettings;

/// What a sync needs, whether it runs in the server or in the CLI.
#[derive(Clone)]
pub struct SyncContext {
    pub db: Db,
    pub blobs: BlobStore,
    /// Where bare mirrors of the repositories are kept (a local cache: any node can rebuild
    /// it, and the archives do not depend on it).
    pub mirror_dir: PathBuf,
    /// Who the audit log names for versions a sync publishes.
    pub actor: String,
    /// How git is run (program, fallback credentials, ssh key and known hosts).
    pub git: GitSettings,
    /// The operator's archive limits, the same as for uploads: a ref whose tree exceeds
    /// them is skipped with the reason.
    pub limits: ZipLimits,
}

/// Reports a sync's progress (the CLI draws a bar; the server logs nothing per ref).
pub trait Progress: Send + Sync {
    fn start(&self, _refs_to_build: usize) {}
    fn built(&self, _ref_name: &str) {}
    fn finish(&self) {}
}

/// A [`Progress`] that shows nothing.
pub struct Quiet;
impl Progress for Quiet {}

#[cfg(test)]
mod tests;
