//! `POST /api/hooks/{repo_id}`: push webhooks from GitHub, GitLab, Gitea/Forgejo and
//! Bitbucket. A verified hook queues an incremental sync and wakes this node's worker; a
//! missing or wrong signature is 401 and changes nothing. The payload itself is not trusted
//! for what changed: the sync asks the repository.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use packyard_store::StoreError;
use serde_json::json;

use super::admin::{error, store_error};
use crate::AppState;
use crate::git::hooks::verify;

pub async fn receive(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return error(StatusCode::NOT_FOUND, "no such repository");
    };
    let repo = match state.db.repo(id).await {
        Ok(r) => r,
        Err(StoreError::NotFound(_)) => return error(StatusCode::NOT_FOUND, "no such repository"),
        Err(e) => return store_error(e),
    };
    let provider = match verify(&headers, &body, &repo.hook_key) {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!("webhook for repository {id} refused: {e}");
            return error(StatusCode::UNAUTHORIZED, e);
        }
    };
    // GitHub's "ping" (sent when a hook is created) only checks the signature.
    if headers.get("x-github-event").is_some_and(|e| e == "ping") {
        return Json(json!({ "ok": true, "queued": false })).into_response();
    }
    if let Err(e) = state.db.request_repo_sync(id).await {
        return store_error(e);
    }
    state.repo_sync.notify_one();
    (
        StatusCode::ACCEPTED,
        Json(json!({ "ok": true, "queued": true, "provider": format!("{provider:?}") })),
    )
        .into_response()
}
