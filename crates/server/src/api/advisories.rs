//! `/api/v1/advisories`, abandoned packages, recalled versions and notices (SPEC §12): the
//! admin API behind `packyard advisory|package|version|notice --server`. Bodies are typed
//! and checked by the same rules as the CLI ([`packyard_core::marks_input`]). Abandoning and
//! recalling live under `/api/v1/packages/…` (the `publish` scope, like publishing and
//! unlisting); advisories and notices need `admin`.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use packyard_api::marks::{
    AbandonBody, AbandonedView, AdvisoryList, AdvisoryView, NewAdvisoryBody, NoticeBody,
    NoticeList, RecallBody, RecallList,
};
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::{Conflict, NotFound, Unprocessable};
use super::operation::{Admin, Answer, Created, by_key, created, listed};
use super::params::AdvisoryId;
use crate::edge::error::{ApiError, ApiResult};
use crate::state::AppState;
use packyard_core::marks_input;

fn unprocessable(why: String) -> ApiError {
    ApiError::operator(StatusCode::UNPROCESSABLE_ENTITY, why)
}

#[derive(Deserialize, IntoParams)]
pub struct PackageFilter {
    /// Only this package's entries.
    package: Option<String>,
}

/// Advisories, of one package or all, newest report first.
#[utoipa::path(get, path = "/api/v1/advisories", tag = "advisories", params(PackageFilter),
    responses((status = 200, body = AdvisoryList)))]
pub async fn list(
    State(state): State<AppState>,
    Query(filter): Query<PackageFilter>,
) -> Answer<AdvisoryList> {
    listed(
        state.db.advisories(filter.package.as_deref()),
        |advisories| AdvisoryList { advisories },
    )
    .await
}

/// Publish an advisory: `composer audit` reports it to every account that sees the package.
#[utoipa::path(post, path = "/api/v1/advisories", tag = "advisories",
    responses((status = 201, body = AdvisoryView), NotFound, Unprocessable))]
pub async fn add(
    Admin { state, operator }: Admin,
    Json(body): Json<NewAdvisoryBody>,
) -> Created<AdvisoryView> {
    let checked = body.check().map_err(unprocessable)?;
    let advisory = state
        .db
        .add_advisory(&checked.as_new(), &operator.email)
        .await?;
    created(advisory)
}

by_key! {
    /// Withdraw an advisory; its id is never reused.
    #[utoipa::path(post, path = "/api/v1/advisories/{id}/withdraw", tag = "advisories",
        params(AdvisoryId),
        responses((status = 200, body = AdvisoryView), NotFound, Conflict))]
    withdraw = withdraw_advisory(AdvisoryId { id }) -> AdvisoryView;
}

fn package_of(vendor: &str, name: &str) -> ApiResult<String> {
    marks_input::package_name(&format!("{vendor}/{name}")).map_err(unprocessable)
}

/// Mark a package abandoned, with an optional replacement.
#[utoipa::path(put, path = "/api/v1/packages/{vendor}/{name}/abandoned", tag = "packages",
    params(("vendor" = String, Path), ("name" = String, Path)),
    responses((status = 200, body = AbandonedView), NotFound, Unprocessable))]
pub async fn abandon(
    Admin { state, operator }: Admin,
    Path((vendor, name)): Path<(String, String)>,
    Json(body): Json<AbandonBody>,
) -> Answer<AbandonedView> {
    let name = package_of(&vendor, &name)?;
    let replacement = body
        .replacement
        .as_deref()
        .map(marks_input::package_name)
        .transpose()
        .map_err(unprocessable)?;
    state
        .db
        .set_abandoned(&name, Some(replacement.as_deref()), &operator.email)
        .await?;
    Ok(Json(AbandonedView {
        name,
        abandoned: true,
        replacement,
    }))
}

/// Take the abandoned mark off a package.
#[utoipa::path(delete, path = "/api/v1/packages/{vendor}/{name}/abandoned", tag = "packages",
    params(("vendor" = String, Path), ("name" = String, Path)),
    responses((status = 200, body = AbandonedView), NotFound))]
pub async fn unabandon(
    Admin { state, operator }: Admin,
    Path((vendor, name)): Path<(String, String)>,
) -> Answer<AbandonedView> {
    let name = package_of(&vendor, &name)?;
    state.db.set_abandoned(&name, None, &operator.email).await?;
    Ok(Json(AbandonedView {
        name,
        abandoned: false,
        replacement: None,
    }))
}

/// Recalled versions, of one package or all.
#[utoipa::path(get, path = "/api/v1/recalls", tag = "packages", params(PackageFilter),
    responses((status = 200, body = RecallList)))]
pub async fn recalls(
    State(state): State<AppState>,
    Query(filter): Query<PackageFilter>,
) -> Answer<RecallList> {
    recalls_of(&state, filter.package.as_deref()).await
}

/// The recalled versions of `package`, or of every package.
async fn recalls_of(state: &AppState, package: Option<&str>) -> Answer<RecallList> {
    listed(state.db.recalls(package), |recalls| RecallList { recalls }).await
}

/// Recall a version: it leaves every account's metadata and its archive answers 410.
#[utoipa::path(post, path = "/api/v1/packages/{vendor}/{name}/versions/{version}/recall", tag = "packages",
    params(("vendor" = String, Path), ("name" = String, Path), ("version" = String, Path)),
    responses((status = 200, body = RecallList), NotFound, Conflict, Unprocessable))]
pub async fn recall(
    Admin { state, operator }: Admin,
    Path((vendor, name, version)): Path<(String, String, String)>,
    Json(body): Json<RecallBody>,
) -> Answer<RecallList> {
    let name = package_of(&vendor, &name)?;
    let normalized = marks_input::recall(&version, &body.reason).map_err(unprocessable)?;
    state
        .db
        .recall_version(&name, &normalized, body.reason.trim(), &operator.email)
        .await?;
    recalls_of(&state, Some(&name)).await
}

/// Undo a recall.
#[utoipa::path(delete, path = "/api/v1/packages/{vendor}/{name}/versions/{version}/recall", tag = "packages",
    params(("vendor" = String, Path), ("name" = String, Path), ("version" = String, Path)),
    responses((status = 200, body = RecallList), NotFound, Unprocessable))]
pub async fn unrecall(
    Admin { state, operator }: Admin,
    Path((vendor, name, version)): Path<(String, String, String)>,
) -> Answer<RecallList> {
    let name = package_of(&vendor, &name)?;
    let normalized = packyard_composer::version::normalize(&version)
        .map_err(|e| unprocessable(e.to_string()))?;
    state
        .db
        .unrecall_version(&name, &normalized, &operator.email)
        .await?;
    recalls_of(&state, Some(&name)).await
}

/// The notices in force.
#[utoipa::path(get, path = "/api/v1/notices", tag = "notices",
    responses((status = 200, body = NoticeList)))]
pub async fn notices(State(state): State<AppState>) -> Answer<NoticeList> {
    listed(state.db.notices(), |notices| NoticeList { notices }).await
}

/// Set the info or warning notice of the root packages.json.
#[utoipa::path(put, path = "/api/v1/notices/{kind}", tag = "notices",
    params(("kind" = String, Path, description = "info or warning")),
    responses((status = 200, body = NoticeList), Unprocessable))]
pub async fn set_notice(
    Admin { state, operator }: Admin,
    Path(kind): Path<String>,
    Json(body): Json<NoticeBody>,
) -> Answer<NoticeList> {
    let versions =
        marks_input::notice(&body.message, body.versions.as_deref()).map_err(unprocessable)?;
    state
        .db
        .set_notice(&kind, body.message.trim(), &versions, &operator.email)
        .await?;
    notices(State(state)).await
}

/// Clear the notice of one kind (`info`, `warning`) or both (`all`).
#[utoipa::path(delete, path = "/api/v1/notices/{kind}", tag = "notices",
    params(("kind" = String, Path, description = "info, warning or all")),
    responses((status = 200, body = NoticeList)))]
pub async fn clear_notice(
    Admin { state, operator }: Admin,
    Path(kind): Path<String>,
) -> Answer<NoticeList> {
    let kind = (kind != "all").then_some(kind);
    state
        .db
        .clear_notice(kind.as_deref(), &operator.email)
        .await?;
    notices(State(state)).await
}
