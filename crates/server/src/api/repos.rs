//! Admin API for git repositories (`/api/v1/repos…`, SPEC §9 and §11), with the operator's
//! Bearer token: list, register, show (with skipped refs and conflicts), remove, and queue a
//! sync.

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use packyard_api::repos::{NewRepo, RepoList, RepoView, SyncQueued};

use super::error::{Conflict, NotFound, Unauthorized, Unprocessable};

use super::operation::Admin;
use crate::edge::error::{ApiError, ApiResult};
use packyard_core::git::registry::{add_repository, describe, describe_with_refs, webhook_url};

/// The typed form of core's description of a repository.
fn view(described: serde_json::Value) -> Result<RepoView, ApiError> {
    RepoView::from_description(described)
        .map_err(|e| ApiError::internal("a repository description does not match its schema", e))
}

fn repo_id(id: &str) -> Result<i64, ApiError> {
    id.parse().map_err(|_| {
        ApiError::operator(
            StatusCode::NOT_FOUND,
            format!("no repository with id {id:?}"),
        )
    })
}

/// List git repositories and their last sync.
#[utoipa::path(get, path = "/api/v1/repos", tag = "repositories",
    responses((status = 200, body = RepoList), Unauthorized))]
pub async fn list(Admin { state, .. }: Admin) -> ApiResult {
    let repos = state.db.repos().await?;
    let repos = repos
        .iter()
        .map(|r| view(describe(r, &state.config.public_url)))
        .collect::<Result<_, _>>()?;
    Ok(Json(RepoList { repos }).into_response())
}

/// Register a git repository and queue its first import; a generated webhook secret is
/// answered once.
#[utoipa::path(post, path = "/api/v1/repos", tag = "repositories",
    responses((status = 201, body = RepoView), Conflict, Unprocessable))]
pub async fn create(Admin { state, operator }: Admin, Json(new): Json<NewRepo>) -> ApiResult {
    let added = add_repository(
        &state.db,
        &state.config.git,
        &new.url,
        new.name.as_deref(),
        new.secret.as_deref(),
        true,
        &operator.email,
    )
    .await?;
    state.repo_sync.notify_one();
    let mut body = view(describe(&added.repo, &state.config.public_url))?;
    body.secret = Some(added.generated_secret);
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// A repository with its versions, skipped refs (with the reason) and conflicts.
#[utoipa::path(get, path = "/api/v1/repos/{id}", tag = "repositories",
    params(("id" = i64, Path, description = "Repository id")),
    responses((status = 200, body = RepoView), NotFound))]
pub async fn show(Admin { state, .. }: Admin, Path(id): Path<String>) -> ApiResult {
    let id = repo_id(&id)?;
    let repo = state.db.repo(id).await?;
    let refs = state.db.repo_refs(id).await?;
    let described = describe_with_refs(&repo, &refs, &state.config.public_url);
    Ok(Json(view(described)?).into_response())
}

/// Forget a repository; the versions it published stay.
#[utoipa::path(delete, path = "/api/v1/repos/{id}", tag = "repositories",
    params(("id" = i64, Path, description = "Repository id")),
    responses((status = 204), NotFound))]
pub async fn remove(Admin { state, operator }: Admin, Path(id): Path<String>) -> ApiResult {
    state.db.remove_repo(repo_id(&id)?, &operator.email).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Queue an incremental sync (only new or moved refs are fetched and built).
#[utoipa::path(post, path = "/api/v1/repos/{id}/sync", tag = "repositories",
    params(("id" = i64, Path, description = "Repository id")),
    responses((status = 202, body = SyncQueued), NotFound))]
pub async fn sync(Admin { state, .. }: Admin, Path(id): Path<String>) -> ApiResult {
    let id = repo_id(&id)?;
    state.db.request_repo_sync(id).await?;
    state.repo_sync.notify_one();
    let hook = webhook_url(&state.config.public_url, id);
    Ok((
        StatusCode::ACCEPTED,
        Json(SyncQueued {
            id,
            queued: true,
            webhook_url: hook,
        }),
    )
        .into_response())
}
