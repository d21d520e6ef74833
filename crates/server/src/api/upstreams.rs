//! Admin API for upstream repositories (`/api/v1/upstreams…`, SPEC §15): list, add (with
//! credentials, sealed with the server's secrets key and never answered back), show, remove,
//! and sync ahead of time. Bodies are typed so the OpenAPI document describes them.

use axum::Json;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use packyard_api::upstreams::{AddUpstream, SyncReport, SyncRequest, UpstreamList, UpstreamView};

use super::error::{Conflict, NotFound, Unauthorized, Unprocessable};
use super::params::UpstreamName;

use super::operation::{Admin, by_key};
use crate::edge::error::ApiResult;
use packyard_core::upstream::registry;

/// Upstreams in priority order, with this node's counters and the last error.
#[utoipa::path(get, path = "/api/v1/upstreams", tag = "upstreams",
    responses((status = 200, body = UpstreamList), Unauthorized))]
pub async fn list(Admin { state, .. }: Admin) -> ApiResult {
    let upstreams = state.db.upstreams().await?;
    let views = upstreams
        .iter()
        .map(|u| registry::view(u, &state.mirror))
        .collect();
    Ok(Json(UpstreamList { upstreams: views }).into_response())
}

/// Add an upstream; credentials need the server's `--secrets-key-file`.
#[utoipa::path(post, path = "/api/v1/upstreams", tag = "upstreams",
    responses((status = 201, body = UpstreamView), Conflict, Unprocessable))]
pub async fn create(Admin { state, operator }: Admin, Json(add): Json<AddUpstream>) -> ApiResult {
    let key = state.config.secrets_key.as_ref();
    let up = registry::add(&state.db, key, &add, &operator.email).await?;
    let view = registry::view(&up, &state.mirror);
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// One upstream (never its credentials).
#[utoipa::path(get, path = "/api/v1/upstreams/{name}", tag = "upstreams", params(UpstreamName),
    responses((status = 200, body = UpstreamView), NotFound))]
pub async fn show(Admin { state, .. }: Admin, UpstreamName { name }: UpstreamName) -> ApiResult {
    let up = state.db.upstream(&name).await?;
    let view = registry::view(&up, &state.mirror);
    Ok(Json(view).into_response())
}

by_key! {
    /// Forget an upstream and what was fetched from it.
    #[utoipa::path(delete, path = "/api/v1/upstreams/{name}", tag = "upstreams",
        params(UpstreamName),
        responses((status = 204), NotFound))]
    remove = remove_upstream(UpstreamName { name }) -> NoContent;
}

/// Refresh what is held from an upstream, or fetch packages and their archives now.
#[utoipa::path(post, path = "/api/v1/upstreams/{name}/sync", tag = "upstreams",
    params(UpstreamName),
    responses((status = 200, body = SyncReport), NotFound))]
pub async fn sync(
    Admin { state, .. }: Admin,
    UpstreamName { name }: UpstreamName,
    Json(request): Json<SyncRequest>,
) -> ApiResult {
    let up = state.db.upstream(&name).await?;
    let report = registry::sync(&state.mirror, &up, &request.packages).await;
    Ok(Json(report).into_response())
}
