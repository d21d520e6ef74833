//! Packyard's database layer: one implementation over SQLite (the embedded default) and
//! PostgreSQL (multi-node). Every query is written once with portable SQL (`$N` placeholders,
//! `RETURNING`, `BOOLEAN`, unix-second `BIGINT` timestamps) and run through `on_db!`
//! (`macros.rs`), which expands the same code for each driver; the conformance tests run every
//! query on both. This file only declares the modules and re-exports the connection and error
//! types: no module imports from it.
//!
//! Invariants:
//! - Every mutation runs in one transaction that also bumps `change_counter.seq` and appends
//!   a `change_log` row naming the changed entity (`bump!`), so a server polling
//!   [`Db::change_seq`] sees each committed change and can apply only that entity.
//! - Secrets (private keys, tokens) arrive here already hashed; nothing in this crate ever
//!   sees a plaintext secret except [`secret`], which creates them.

pub mod accounts;
pub mod advisories;
pub mod audit;
pub mod backup;
pub mod blob_leases;
pub mod branch_versions;
pub mod changes;
mod db;
pub mod downloads;
pub mod entitlements;
mod error;
pub mod invoices;
pub mod key_scopes;
pub mod keys;
mod macros;
pub mod mail;
pub mod operator_tokens;
pub mod operators;
pub mod package_marks;
pub mod package_rows;
pub mod packages;
pub mod password_links;
pub mod personal_keys;
pub mod products;
pub mod releases;
pub mod repo_refs;
pub mod repos;
pub mod secret;
pub mod sessions;
pub mod settings;
pub mod snapshot_rows;
pub mod timestamps;
pub mod tokens;
pub mod upstreams;
pub mod users;

pub use db::{Db, PoolSettings, Search, SearchRow, now, now_millis};
pub use error::{Result, StoreError};

#[cfg(test)]
mod mail_tests;
#[cfg(test)]
mod marks_tests;
#[cfg(test)]
mod operator_tokens_tests;
#[cfg(test)]
mod portal_tests;
#[cfg(test)]
mod repo_tests;
#[cfg(test)]
mod test_fixtures;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod upstream_tests;
#[cfg(test)]
mod users_tests;
