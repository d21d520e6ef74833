//! Packyard's domain services: what the CLI and the server both run, with no HTTP in them.
//! Requests on the server's hot path are answered from an in-memory [`snapshot::Snapshot`]
//! that the change [`feed`] keeps in step with the database; [`rules`] decide what an
//! account may install, [`metadata`] renders what Composer reads, [`publish`] and
//! [`releases`] take new archives in, [`git`] builds versions from repositories, [`storage`]
//! guards and collects blobs, [`usage`] buffers the side records of the hot path, and
//! [`upstream`] mirrors other Composer repositories.

pub mod access;
pub mod account_marks;
pub mod announce;
pub mod brand;
pub mod clock;
pub mod config;
pub mod dist_cache;
pub mod explain;
pub mod feed;
pub mod git;
pub mod licence;
pub mod mail;
pub mod marks;
pub mod marks_input;
pub mod metadata;
pub mod passwords;
pub mod publish;
pub mod releases;
pub mod rendered;
pub mod rules;
pub mod sharded;
pub mod snapshot;
pub mod storage;
pub mod upload;
pub mod upstream;
pub mod usage;

pub use config::Config;
