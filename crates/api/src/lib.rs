//! The admin API's bodies (SPEC §9) as Rust types, one home shared by the server's handlers
//! (which answer with them, so `/api/openapi.json` carries a schema for every response) and
//! the remote CLI (which reads them, so no command indexes JSON by string).
//!
//! The field names are the wire format: they stay what the API has always answered. Store
//! rows and domain values become these views through `From`, so `packyard-core` and
//! `packyard-store` know nothing of OpenAPI.

pub mod accounts;
pub mod catalog;
pub mod explain;
pub mod files;
pub mod marks;
pub mod operators;
pub mod repos;
pub mod upstreams;
pub mod users;

/// RFC 3339 text of unix seconds, as every timestamp in the API is written.
pub(crate) fn time(unix: i64) -> String {
    packyard_store::timestamps::rfc3339_text(unix)
}

/// The body of every admin API error.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// One sentence saying what went wrong and what to do.
    pub error: String,
}
