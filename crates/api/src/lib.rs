//! The admin API's bodies (SPEC §9) as Rust types, one home shared by the server's handlers
//! (which answer with them, so `/api/openapi.json` carries a schema for every response) and
//! the remote CLI (which reads them, so no command indexes JSON by string).
//!
//! The field names are the wire format: they stay what the API has always answered. A store
//! row or a domain value that the API shows is its own body (one type per concept, re-exported
//! here under the name the API documents); its schema derives only under the `schema` feature
//! of `packyard-store` and `packyard-core`, which this crate alone enables, so neither links
//! utoipa otherwise. What is left here are the request bodies and the answers that combine
//! rows.

pub mod accounts;
pub mod catalog;
mod error;
pub mod explain;
pub mod files;
mod macros;
pub mod marks;
pub mod operators;
pub mod repos;
pub mod upstreams;
pub mod users;

pub use error::ErrorBody;
