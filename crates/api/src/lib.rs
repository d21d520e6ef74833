//! The admin API's bodies (SPEC §9) as Rust types, one home shared by the server's handlers
//! (which answer with them, so `/api/openapi.json` carries a schema for every response) and
//! the remote CLI (which reads them, so no command indexes JSON by string).
//!
//! The field names are the wire format: they stay what the API has always answered. Store
//! rows and domain values become these views through `From`, so `packyard-core` and
//! `packyard-store` know nothing of OpenAPI.

pub mod accounts;
pub mod catalog;
mod error;
pub mod explain;
pub mod files;
pub mod marks;
pub mod operators;
pub mod repos;
pub mod upstreams;
pub mod users;

pub use error::ErrorBody;
