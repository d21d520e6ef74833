//! `explain` over the admin API (SPEC §13): the same explanation as the CLI and the
//! operator's account page, computed from this node's snapshot by `packyard_core::explain`.

use axum::Json;
use axum::extract::Query;
use packyard_api::explain::ExplanationView;
use packyard_core::explain::{Asker, Today, explain};
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::Unauthorized;
use super::operation::{Admin, Answer};
use super::params::{AccountId, PublicKey};

#[derive(Deserialize, IntoParams)]
pub struct ExplainQuery {
    /// The package, optionally with a version: acme/module or acme/module:2.4.7.
    package: String,
}

/// Declares an explain operation: the two differ only in who asks (an account by its id, an
/// access key by its public half), named by the path's one parameter (its type and field).
macro_rules! explain_operation {
    ($(#[$attr:meta])* $name:ident asks as $asker:ident($key:ident { $field:ident })) => {
        $(#[$attr])*
        pub async fn $name(
            Admin { state, .. }: Admin,
            $key { $field: who }: $key,
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
        params(AccountId, ExplainQuery),
        responses((status = 200, body = ExplanationView), Unauthorized))]
    explain_account asks as Account(AccountId { id })
}

explain_operation! {
    /// Why an access key can or cannot install a package, step by step.
    #[utoipa::path(get, path = "/api/v1/keys/{public_key}/explain", tag = "keys",
        params(PublicKey, ExplainQuery),
        responses((status = 200, body = ExplanationView), Unauthorized))]
    explain_key asks as Key(PublicKey { public_key })
}
