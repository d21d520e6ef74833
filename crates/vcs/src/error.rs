//! What git access can fail with.

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
