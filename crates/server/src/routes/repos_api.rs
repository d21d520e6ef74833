//! Admin API for git repositories (`/api/v1/repos…`, SPEC §9 and §11), with the operator's
//! Bearer token: list, register, show (with skipped refs and conflicts), remove, and queue a
//! sync. Kept in its own file so the admin API's router can register it as a unit.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
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

macro_rules! operator_or_401 {
    ($state:expr, $headers:expr) => {
        match operator(&$state, &$headers) {
            Ok(email) => email,
            Err(why) => return error(StatusCode::UNAUTHORIZED, why),
        }
    };
}

/// The repository id of a path, or the 404 answer for one that cannot exist.
macro_rules! repo_id_or_404 {
    ($id:expr) => {
        match $id.parse::<i64>() {
            Ok(id) => id,
            Err(_) => {
                return error(
                    StatusCode::NOT_FOUND,
                    format!("no repository with id {:?}", $id),
                )
            }
        }
    };
}

pub async fn list(State(state): State<AppState>, headers: HeaderMap) -> Response {
    operator_or_401!(state, headers);
    match state.db.repos().await {
        Ok(repos) => {
            let all: Vec<Value> = repos
                .iter()
                .map(|r| describe(r, &state.config.public_url))
                .collect();
            Json(json!({ "repos": all })).into_response()
        }
        Err(e) => store_error(e),
    }
}

pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(new): Json<NewRepo>,
) -> Response {
    let email = operator_or_401!(state, headers);
    match add_repository(
        &state.db,
        &new.url,
        new.name.as_deref(),
        new.secret.as_deref(),
        &email,
    )
    .await
    {
        Ok(added) => {
            state.repo_sync.notify_one();
            let mut body = describe(&added.repo, &state.config.public_url);
            body["secret"] = added.generated_secret.map_or(Value::Null, Value::from);
            (StatusCode::CREATED, Json(body)).into_response()
        }
        Err(e) => store_error(e),
    }
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    operator_or_401!(state, headers);
    let id = repo_id_or_404!(id);
    let repo = match state.db.repo(id).await {
        Ok(r) => r,
        Err(e) => return store_error(e),
    };
    match state.db.repo_refs(id).await {
        Ok(refs) => {
            Json(describe_with_refs(&repo, &refs, &state.config.public_url)).into_response()
        }
        Err(e) => store_error(e),
    }
}

pub async fn remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let email = operator_or_401!(state, headers);
    let id = repo_id_or_404!(id);
    match state.db.remove_repo(id, &email).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => store_error(e),
    }
}

pub async fn sync(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    operator_or_401!(state, headers);
    let id = repo_id_or_404!(id);
    match state.db.request_repo_sync(id).await {
        Ok(()) => {
            state.repo_sync.notify_one();
            let hook = webhook_url(&state.config.public_url, id);
            (
                StatusCode::ACCEPTED,
                Json(json!({ "id": id, "queued": true, "webhook_url": hook })),
            )
                .into_response()
        }
        Err(e) => store_error(e),
    }
}
