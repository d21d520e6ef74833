//! Admin API for git repositories (`/api/v1/repos…`, SPEC §9 and §11), with the operator's
//! Bearer token: list, register, show (with skipped refs and conflicts), remove, and queue a
//! sync. Kept in its own file so the admin API's router can register it as a unit.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::Operator;
use crate::error::{ApiError, ApiResult};
use crate::git::registry::{add_repository, describe, describe_with_refs, webhook_url};

/// The routes of this file, to merge into the application router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/repos", get(list).post(create))
        .route("/api/v1/repos/{id}", get(show).delete(remove))
        .route("/api/v1/repos/{id}/sync", post(sync))
}

#[derive(Deserialize)]
pub struct NewRepo {
    pub url: String,
    pub name: Option<String>,
    /// The webhook secret (longer than 64 bytes); omitted: one is generated and returned.
    pub secret: Option<String>,
}

fn repo_id(id: &str) -> Result<i64, ApiError> {
    id.parse().map_err(|_| {
        ApiError::operator(
            StatusCode::NOT_FOUND,
            format!("no repository with id {id:?}"),
        )
    })
}

/// `GET /api/v1/repos`
pub async fn list(State(state): State<AppState>, _operator: Operator) -> ApiResult {
    let repos = state.db.repos().await?;
    let all: Vec<Value> = repos
        .iter()
        .map(|r| describe(r, &state.config.public_url))
        .collect();
    Ok(Json(json!({ "repos": all })).into_response())
}

/// `POST /api/v1/repos` `{"url": …, "name": …, "secret": …}`: registers and queues the first import.
pub async fn create(
    State(state): State<AppState>,
    operator: Operator,
    Json(new): Json<NewRepo>,
) -> ApiResult {
    let added = add_repository(
        &state.db,
        &new.url,
        new.name.as_deref(),
        new.secret.as_deref(),
        true,
        &operator.email,
    )
    .await?;
    state.repo_sync.notify_one();
    let mut body = describe(&added.repo, &state.config.public_url);
    body["secret"] = added.generated_secret.map_or(Value::Null, Value::from);
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// `GET /api/v1/repos/{id}`: with versions, skipped refs and conflicts.
pub async fn show(
    State(state): State<AppState>,
    _operator: Operator,
    Path(id): Path<String>,
) -> ApiResult {
    let id = repo_id(&id)?;
    let repo = state.db.repo(id).await?;
    let refs = state.db.repo_refs(id).await?;
    Ok(Json(describe_with_refs(&repo, &refs, &state.config.public_url)).into_response())
}

/// `DELETE /api/v1/repos/{id}`: the versions it published stay.
pub async fn remove(
    State(state): State<AppState>,
    operator: Operator,
    Path(id): Path<String>,
) -> ApiResult {
    state.db.remove_repo(repo_id(&id)?, &operator.email).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /api/v1/repos/{id}/sync`: queues an incremental sync (202).
pub async fn sync(
    State(state): State<AppState>,
    _operator: Operator,
    Path(id): Path<String>,
) -> ApiResult {
    let id = repo_id(&id)?;
    state.db.request_repo_sync(id).await?;
    state.repo_sync.notify_one();
    let hook = webhook_url(&state.config.public_url, id);
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "id": id, "queued": true, "webhook_url": hook })),
    )
        .into_response())
}
