//! `explain` over the admin API (SPEC §13): the same explanation as the CLI and the
//! operator's account page, computed from this node's snapshot by `packyard_core::explain`.

use axum::Json;
use axum::extract::{Path, Query};
use packyard_api::explain::ExplanationView;
use packyard_core::explain::{Asker, Today, explain};
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::ErrorBody;
use super::operation::{Admin, Answer};

#[derive(Deserialize, IntoParams)]
pub struct ExplainQuery {
    /// The package, optionally with a version: acme/module or acme/module:2.4.7.
    package: String,
}

/// Declares an explain operation: the two differ only in who asks (an account by its id, an
/// access key by its public half), named by the path's one parameter.
macro_rules! explain_operation {
    ($(#[$attr:meta])* $name:ident asks as $asker:ident) => {
        $(#[$attr])*
        pub async fn $name(
            Admin { state, .. }: Admin,
            Path(who): Path<String>,
            Query(query): Query<ExplainQuery>,
        ) -> Answer<ExplanationView> {
            let today = Today {
                date: state.config.clock.today(),
                grace_days: state.config.billing_grace_days,
            };
            let e = explain(&state.snapshot(), Asker::$asker(&who), &query.package, today);
            Ok(Json(e.into()))
        }
    };
}

explain_operation! {
    /// Why an account can or cannot install a package, step by step.
    #[utoipa::path(get, path = "/api/v1/accounts/{id}/explain", tag = "accounts",
        params(("id" = String, Path, description = "Account id"), ExplainQuery),
        responses((status = 200, body = ExplanationView), (status = 401, body = ErrorBody)))]
    explain_account asks as Account
}

explain_operation! {
    /// Why an access key can or cannot install a package, step by step.
    #[utoipa::path(get, path = "/api/v1/keys/{public_key}/explain", tag = "keys",
        params(("public_key" = String, Path, description = "The key's public half"), ExplainQuery),
        responses((status = 200, body = ExplanationView), (status = 401, body = ErrorBody)))]
    explain_key asks as Key
}
