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
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
pub struct ExplainQuery {
    /// The package, optionally with a version: acme/module or acme/module:2.4.7.
    package: String,
}

/// The explanation for `asker`, from this node's snapshot and today's date.
fn explained(state: &AppState, asker: Asker, query: &ExplainQuery) -> Answer<ExplanationView> {
    let today = Today {
        date: state.config.clock.today(),
        grace_days: state.config.billing_grace_days,
    };
    let e = explain(&state.snapshot(), asker, &query.package, today);
    Ok(Json(e.into()))
}

/// Why an account can or cannot install a package, step by step.
#[utoipa::path(get, path = "/api/v1/accounts/{id}/explain", tag = "accounts",
    params(("id" = String, Path, description = "Account id"), ExplainQuery),
    responses((status = 200, body = ExplanationView), (status = 401, body = ErrorBody)))]
pub async fn explain_account(
    Admin { state, .. }: Admin,
    Path(id): Path<String>,
    Query(query): Query<ExplainQuery>,
) -> Answer<ExplanationView> {
    explained(&state, Asker::Account(&id), &query)
}

/// Why an access key can or cannot install a package, step by step.
#[utoipa::path(get, path = "/api/v1/keys/{public_key}/explain", tag = "keys",
    params(("public_key" = String, Path, description = "The key's public half"), ExplainQuery),
    responses((status = 200, body = ExplanationView), (status = 401, body = ErrorBody)))]
pub async fn explain_key(
    Admin { state, .. }: Admin,
    Path(public_key): Path<String>,
    Query(query): Query<ExplainQuery>,
) -> Answer<ExplanationView> {
    explained(&state, Asker::Key(&public_key), &query)
}
