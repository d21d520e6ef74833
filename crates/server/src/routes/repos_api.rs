//! Admin API for git repositories (`/api/v1/repos…`, SPEC §9 and §11), with the operator's
//! Bearer token: list, register, show (with skipped refs and conflicts), remove, and queue a
//! sync. Kept in its own file so the admin API's router can register it as a unit.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use packyard_store::StoreError;
use serde::Deserialize;
use serde_json::{Value, json};

use super::admin::{error, operator, store_error};
use crate::AppState;
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

/// Runs `work` for an authenticated operator (401 otherwise), answering store errors as
/// JSON with their status.
async fn as_operator<Fut>(
    state: &AppState,
    headers: &HeaderMap,
    work: impl FnOnce(String) -> Fut,
) -> Response
where
    Fut: Future<Output = Result<Response, StoreError>>,
{
    match operator(state, headers) {
        Err(why) => error(StatusCode::UNAUTHORIZED, why),
        Ok(email) => work(email).await.unwrap_or_else(store_error),
    }
}

fn repo_id(id: &str) -> Result<i64, StoreError> {
    id.parse()
        .map_err(|_| StoreError::NotFound(format!("no repository with id {id:?}")))
}

pub async fn list(State(state): State<AppState>, headers: HeaderMap) -> Response {
    as_operator(&state, &headers, |_| async {
        let repos = state.db.repos().await?;
        let all: Vec<Value> = repos
            .iter()
            .map(|r| describe(r, &state.config.public_url))
            .collect();
        Ok(Json(json!({ "repos": all })).into_response())
    })
    .await
}

pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(new): Json<NewRepo>,
) -> Response {
    let state = &state;
    as_operator(state, &headers, |email| async move {
        let added = add_repository(
            &state.db,
            &new.url,
            new.name.as_deref(),
            new.secret.as_deref(),
            true,
            &email,
        )
        .await?;
        state.repo_sync.notify_one();
        let mut body = describe(&added.repo, &state.config.public_url);
        body["secret"] = added.generated_secret.map_or(Value::Null, Value::from);
        Ok((StatusCode::CREATED, Json(body)).into_response())
    })
    .await
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    as_operator(&state, &headers, |_| async {
        let id = repo_id(&id)?;
        let repo = state.db.repo(id).await?;
        let refs = state.db.repo_refs(id).await?;
        Ok(Json(describe_with_refs(&repo, &refs, &state.config.public_url)).into_response())
    })
    .await
}

pub async fn remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let state = &state;
    as_operator(state, &headers, |email| async move {
        state.db.remove_repo(repo_id(&id)?, &email).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

pub async fn sync(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    as_operator(&state, &headers, |_| async {
        let id = repo_id(&id)?;
        state.db.request_repo_sync(id).await?;
        state.repo_sync.notify_one();
        let hook = webhook_url(&state.config.public_url, id);
        Ok((
            StatusCode::ACCEPTED,
            Json(json!({ "id": id, "queued": true, "webhook_url": hook })),
        )
            .into_response())
    })
    .await
}
