//! `explain` over the admin API (SPEC §13): the same explanation as the CLI and the
//! operator's account page, computed from this node's snapshot by `packyard_core::explain`.

use axum::Json;
use axum::extract::{Path, Query, State};
use packyard_api::explain::ExplanationView;
use packyard_core::explain::{Asker, Today, explain};
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::ErrorBody;
use crate::auth::Operator;
use crate::edge::error::ApiResult;
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
pub struct ExplainQuery {
    /// The package, optionally with a version: acme/module or acme/module:2.4.7.
    package: String,
}

fn today(state: &AppState) -> Today {
    Today {
        date: state.config.clock.today(),
        grace_days: state.config.billing_grace_days,
    }
}

/// Why an account can or cannot install a package, step by step.
#[utoipa::path(get, path = "/api/v1/accounts/{id}/explain", tag = "accounts",
    params(("id" = String, Path, description = "Account id"), ExplainQuery),
    responses((status = 200, body = ExplanationView), (status = 401, body = ErrorBody)))]
pub async fn explain_account(
    State(state): State<AppState>,
    _operator: Operator,
    Path(id): Path<String>,
    Query(query): Query<ExplainQuery>,
) -> ApiResult<Json<ExplanationView>> {
    let e = explain(
        &state.snapshot(),
        Asker::Account(&id),
        &query.package,
        today(&state),
    );
    Ok(Json(e))
}

/// Why an access key can or cannot install a package, step by step.
#[utoipa::path(get, path = "/api/v1/keys/{public_key}/explain", tag = "keys",
    params(("public_key" = String, Path, description = "The key's public half"), ExplainQuery),
    responses((status = 200, body = ExplanationView), (status = 401, body = ErrorBody)))]
pub async fn explain_key(
    State(state): State<AppState>,
    _operator: Operator,
    Path(public_key): Path<String>,
    Query(query): Query<ExplainQuery>,
) -> ApiResult<Json<ExplanationView>> {
    let e = explain(
        &state.snapshot(),
        Asker::Key(&public_key),
        &query.package,
        today(&state),
    );
    Ok(Json(e))
}
