//! Packyard's git access, kept apart from the server so its weight (gix) builds in parallel
//! and its rules are testable alone: [`remote`] lists and fetches a repository's refs into a
//! local bare mirror, [`tree`] reads commits and files from that mirror with gix, and
//! [`archive`] turns a commit's tree into a dist zip whose bytes depend only on the commit.

pub mod archive;
mod error;
pub mod remote;
pub mod tree;

pub use error::{Result, VcsError};

#[cfg(test)]
mod tests;
