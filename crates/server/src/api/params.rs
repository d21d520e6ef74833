//! The path parameters several operations share, each declared once: its name, type and
//! description for the OpenAPI document (`IntoParams`, named in an operation's `params(...)`)
//! and how the handler reads it (an extractor of its own, through axum's `Path`), so the
//! document and the handler cannot disagree about a parameter.

use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use serde::Deserialize;
use utoipa::IntoParams;

/// Declares path parameters: the type, its one field, and the field's description.
macro_rules! path_params {
    ($($(#[$doc:meta])* $name:ident { $field:ident })+) => {$(
        #[derive(Deserialize, IntoParams)]
        #[into_params(parameter_in = Path)]
        pub struct $name {
            $(#[$doc])*
            pub $field: String,
        }

        impl<S: Send + Sync> FromRequestParts<S> for $name {
            type Rejection = PathRejection;

            async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PathRejection> {
                let Path(path) = Path::<Self>::from_request_parts(parts, state).await?;
                Ok(path)
            }
        }
    )+};
}

path_params! {
    /// Account id, e.g. MAG000000001
    AccountId { id }
    /// The key's public half
    PublicKey { public_key }
    Email { email }
    /// The product's slug
    Slug { slug }
    /// Invoice number
    InvoiceNumber { number }
    /// Upstream name
    UpstreamName { name }
    /// The advisory id, e.g. PKSA-2026-0001
    AdvisoryId { id }
    /// The name customers download, e.g. Acme-CE-2.4.7.tar.gz
    FileName { file_name }
}
