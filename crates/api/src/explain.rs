//! `explain` (SPEC §13): `/api/v1/accounts/{id}/explain` and `/api/v1/keys/{key}/explain`.
//! The domain's explanation is the body.

pub use packyard_core::explain::{Explanation as ExplanationView, Hidden as HiddenVersion};
