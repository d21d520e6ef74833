//! The admin API for operators, authenticated with `Authorization: Bearer <admin token>`
//! ([`crate::auth::Operator`], checked before any body is read). Customer key pairs never
//! reach it. Errors are `{"error": "..."}` with a status that says whether to fix the
//! request (4xx) or retry (5xx, with `Retry-After` when the database is unavailable).

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use bytes::Bytes;
use futures_util::TryStreamExt;
use packyard_store::packages::PublishOutcome;
use serde_json::json;
use tokio_util::io::StreamReader;

use crate::AppState;
use crate::auth::Operator;
use crate::error::{ApiError, ApiResult};
use crate::publish::publish_zip;
use crate::releases::ingest::{ReleaseOutcome, ReleaseRequest, add_release};

/// `POST /api/packages` with the zip as the request body.
pub async fn upload(State(state): State<AppState>, operator: Operator, body: Bytes) -> ApiResult {
    let p = publish_zip(
        &state.db,
        &state.blobs,
        body.to_vec(),
        &state.config.zip_limits,
        &operator.email,
    )
    .await?;
    let status = match p.outcome {
        PublishOutcome::Published => StatusCode::CREATED,
        PublishOutcome::Unchanged => StatusCode::OK,
    };
    let body = json!({ "name": p.name, "version": p.version, "outcome": p.outcome });
    Ok((status, Json(body)).into_response())
}

/// `DELETE /api/packages/{vendor}/{name}/{version}`: unlist a version.
pub async fn unlist(
    State(state): State<AppState>,
    operator: Operator,
    Path((vendor, name, version)): Path<(String, String, String)>,
) -> ApiResult {
    let normalized = packyard_composer::version::normalize(&version)
        .map_err(|e| ApiError::operator(StatusCode::BAD_REQUEST, e.to_string()))?;
    state
        .db
        .unlist_version(&format!("{vendor}/{name}"), &normalized, &operator.email)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(serde::Deserialize)]
pub struct ReleaseParams {
    #[serde(rename = "type")]
    kind: String,
    version: String,
    product: String,
}

/// `PUT /api/releases/{file_name}?type=ce-full&version=2.4.7&product=SLUG` with the file as
/// the request body, streamed to storage (never held in memory).
pub async fn upload_release(
    State(state): State<AppState>,
    operator: Operator,
    Path(file_name): Path<String>,
    Query(params): Query<ReleaseParams>,
    body: Body,
) -> ApiResult {
    let stream = body.into_data_stream().map_err(std::io::Error::other);
    let request = ReleaseRequest {
        file_name: &file_name,
        kind: &params.kind,
        version: &params.version,
        product: &params.product,
        max_bytes: state.config.max_release_bytes,
    };
    let reader = StreamReader::new(stream);
    let (release, outcome) =
        add_release(&state.db, &state.blobs, &request, reader, &operator.email).await?;
    let status = match outcome {
        ReleaseOutcome::Added => StatusCode::CREATED,
        ReleaseOutcome::Unchanged => StatusCode::OK,
    };
    Ok((
        status,
        Json(json!({ "release": release, "outcome": outcome })),
    )
        .into_response())
}
