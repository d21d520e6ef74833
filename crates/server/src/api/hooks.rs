//! `POST /api/hooks/{repo_id}`: push webhooks from GitHub, GitLab, Gitea/Forgejo and
//! Bitbucket. A verified hook queues an incremental sync and wakes this node's worker; a
//! missing or wrong signature is 401 and changes nothing. The payload itself is not trusted
//! for what changed: the sync asks the repository.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use packyard_api::repos::HookAnswer;
use packyard_store::StoreError;

use super::error::{NotFound, Unauthorized};
use crate::edge::error::{ApiError, ApiResult};
use crate::state::AppState;
use packyard_core::git::hooks::verify;

/// Receive a push webhook (no token: verified with the repository's secret) and queue a sync.
#[utoipa::path(post, path = "/api/hooks/{repo_id}", tag = "repositories", security(()),
    params(("repo_id" = i64, Path, description = "Repository id")),
    request_body(content = String, description = "The host's push event, signed with the repository's secret"),
    responses((status = 202, body = HookAnswer), (status = 200, body = HookAnswer), Unauthorized, NotFound))]
pub async fn receive(
    State(state): State<AppState>,
    Path(repo_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let unknown = || ApiError::operator(StatusCode::NOT_FOUND, "no such repository");
    let id: i64 = repo_id.parse().map_err(|_| unknown())?;
    let repo = match state.db.repo(id).await {
        Err(StoreError::NotFound(_)) => return Err(unknown()),
        other => other?,
    };
    let provider = verify(
        |name| headers.get(name).and_then(|v| v.to_str().ok()),
        &body,
        &repo.hook_key,
    )
    .map_err(|e| {
        tracing::warn!("webhook for repository {id} refused: {e}");
        ApiError::operator(StatusCode::UNAUTHORIZED, e.to_string())
    })?;
    // GitHub's "ping" (sent when a hook is created) only checks the signature.
    if headers.get("x-github-event").is_some_and(|e| e == "ping") {
        let ping = HookAnswer {
            ok: true,
            queued: false,
            provider: None,
        };
        return Ok(Json(ping).into_response());
    }
    state.db.request_repo_sync(id).await?;
    state.repo_sync.notify_one();
    let body = HookAnswer {
        ok: true,
        queued: true,
        provider: Some(format!("{provider:?}")),
    };
    Ok((StatusCode::ACCEPTED, Json(body)).into_response())
}
