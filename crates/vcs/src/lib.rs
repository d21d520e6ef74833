//! Packyard's git access, kept apart from the server so its weight (gix) builds in parallel
//! and its rules are testable alone: [`remote`] lists and fetches a repository's refs into a
//! local bare mirror, [`tree`] reads commits and files from that mirror with gix, and
//! [`archive`] turns a commit's tree into a dist zip whose bytes depend only on the commit.

pub mod archive;
pub mod remote;
pub mod tree;

#[derive(Debug, thiserror::Error)]
pub enum VcsError {
    /// The `git` command failed (network, authentication, unknown repository).
    #[error("git {command} failed: {message}")]
    Command { command: String, message: String },
    /// Reading objects from the local mirror failed.
    #[error("reading the git mirror failed: {0}")]
    Read(String),
    #[error("git object {0} is missing from the mirror; fetch it first")]
    Missing(String),
    /// The tree exceeds the operator's archive limits (the same as for uploads).
    #[error(
        "the tree is larger than the archive limits ({max_entries} files, {max_bytes} bytes uncompressed)"
    )]
    TooLarge { max_entries: usize, max_bytes: u64 },
    #[error("building the zip failed: {0}")]
    Zip(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = VcsError> = std::result::Result<T, E>;

/// Turns any displayable gix error into a [`VcsError::Read`].
pub(crate) fn read_err(e: impl std::fmt::Display) -> VcsError {
    VcsError::Read(e.to_string())
}

#[cfg(test)]
mod tests;
