//! The admin API for operators, authenticated with `Authorization: Bearer <admin token>`.
//! Customer key pairs never reach it. Errors are `{"error": "..."}` with a status that says
//! whether to fix the request (4xx) or retry (5xx).

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::TryStreamExt;
use packyard_blobs::BlobError;
use packyard_store::StoreError;
use packyard_store::packages::PublishOutcome;
use serde_json::json;

use crate::AppState;
use crate::auth::bearer_token;
use crate::publish::{PublishError, publish_zip};
use crate::releases::ingest::{IngestError, ReleaseOutcome, ReleaseRequest, add_release};
use tokio_util::io::StreamReader;

fn error(status: StatusCode, message: impl std::fmt::Display) -> Response {
    (status, Json(json!({ "error": message.to_string() }))).into_response()
}

/// The operator's email, or why the token was refused (answered with 401).
fn operator(state: &AppState, headers: &HeaderMap) -> Result<String, &'static str> {
    let Some(token) = bearer_token(headers) else {
        return Err(
            "send an admin API token as 'Authorization: Bearer <token>' (create one with 'packyard operator token create')",
        );
    };
    let hash = packyard_store::secret::sha256(token);
    state
        .snapshot()
        .admin_tokens
        .get(&hash)
        .map(|t| t.email.clone())
        .ok_or("invalid admin API token")
}

fn store_error(e: StoreError) -> Response {
    match e {
        StoreError::NotFound(m) => error(StatusCode::NOT_FOUND, m),
        StoreError::Conflict(m) => error(StatusCode::CONFLICT, m),
        StoreError::Invalid(m) => error(StatusCode::BAD_REQUEST, m),
        other => {
            tracing::error!("admin API: {other}");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal error; see the server log",
            )
        }
    }
}

/// `POST /api/packages` with the zip as the request body.
pub async fn upload(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let email = match operator(&state, &headers) {
        Ok(e) => e,
        Err(why) => return error(StatusCode::UNAUTHORIZED, why),
    };
    match publish_zip(
        &state.db,
        &state.blobs,
        body.to_vec(),
        &state.config.zip_limits,
        &email,
    )
    .await
    {
        Ok(p) => {
            let status = if p.outcome == PublishOutcome::Published {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            (
                status,
                Json(json!({ "name": p.name, "version": p.version, "outcome": p.outcome })),
            )
                .into_response()
        }
        Err(PublishError::Archive(e)) => error(StatusCode::UNPROCESSABLE_ENTITY, e),
        Err(PublishError::Time(_)) => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "composer.json has an invalid \"time\"",
        ),
        Err(PublishError::Store(e)) => store_error(e),
        Err(PublishError::Blob(e)) => {
            tracing::error!("admin upload: {e}");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "could not store the archive; see the server log",
            )
        }
    }
}

/// `DELETE /api/packages/{vendor}/{name}/{version}`: unlist a version.
pub async fn unlist(
    State(state): State<AppState>,
    Path((vendor, name, version)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let email = match operator(&state, &headers) {
        Ok(e) => e,
        Err(why) => return error(StatusCode::UNAUTHORIZED, why),
    };
    let normalized = match packyard_composer::version::normalize(&version) {
        Ok(v) => v,
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    match state
        .db
        .unlist_version(&format!("{vendor}/{name}"), &normalized, &email)
        .await
    {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => store_error(e),
    }
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
    Path(file_name): Path<String>,
    Query(params): Query<ReleaseParams>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let email = match operator(&state, &headers) {
        Ok(e) => e,
        Err(why) => return error(StatusCode::UNAUTHORIZED, why),
    };
    let stream = body.into_data_stream().map_err(std::io::Error::other);
    let request = ReleaseRequest {
        file_name: &file_name,
        kind: &params.kind,
        version: &params.version,
        product: &params.product,
        max_bytes: state.config.max_release_bytes,
    };
    match add_release(
        &state.db,
        &state.blobs,
        &request,
        StreamReader::new(stream),
        &email,
    )
    .await
    {
        Ok((release, outcome)) => {
            let status = match outcome {
                ReleaseOutcome::Added => StatusCode::CREATED,
                ReleaseOutcome::Unchanged => StatusCode::OK,
            };
            (
                status,
                Json(json!({ "release": release, "outcome": outcome })),
            )
                .into_response()
        }
        Err(IngestError::Store(e)) => store_error(e),
        Err(IngestError::Blob(BlobError::TooLarge(limit))) => error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the file is larger than the server's limit of {limit} bytes"),
        ),
        Err(IngestError::Blob(e)) => {
            tracing::error!("release upload: {e}");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "could not store the file; see the server log",
            )
        }
    }
}
