//! The operator's Repositories page: git repositories feeding packages, their last sync,
//! skipped refs (with the reason) and conflicts (moved or deleted tags), and a button that
//! queues a sync. Registering a repository stays on the CLI and admin API, where the
//! generated webhook secret can be shown once to someone who will store it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use packyard_store::repo_refs::{GitRef, RefState};
use packyard_store::repos::GitRepo;
use packyard_vcs::remote::Remote;

use super::error::PortalResult;
use super::posted::{NoFields, Posted};
use super::session::OperatorSession;
use super::views::{Layout, datetime};
use crate::state::PortalState;
use packyard_core::git::registry::webhook_url;

/// One repository as the page shows it.
pub struct RepoView {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub webhook_url: String,
    pub last_sync: String,
    pub error: Option<String>,
    pub summary: String,
    pub pending: bool,
    pub published: Vec<GitRef>,
    pub skipped: Vec<GitRef>,
    pub conflicts: Vec<GitRef>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_repos.html")]
pub struct ReposPage {
    l: Layout,
    repos: Vec<RepoView>,
}

fn view(repo: GitRepo, refs: Vec<GitRef>, public_url: &str) -> RepoView {
    let pick = |state: RefState| {
        refs.iter()
            .filter(|r| r.state == state)
            .cloned()
            .collect::<Vec<_>>()
    };
    RepoView {
        id: repo.id,
        url: Remote::new(&repo.url).display_url().to_string(),
        webhook_url: webhook_url(public_url, repo.id),
        last_sync: repo.last_sync_at.map_or_else(|| "never".into(), datetime),
        summary: repo.last_sync_summary.clone().unwrap_or_default(),
        pending: repo.sync_pending(),
        error: repo.last_sync_error.clone(),
        name: repo.name,
        published: pick(RefState::Published),
        skipped: pick(RefState::Skipped),
        conflicts: pick(RefState::Conflict),
    }
}

pub async fn list(
    State(state): State<PortalState>,
    session: OperatorSession,
) -> PortalResult<ReposPage> {
    let mut repos = Vec::new();
    for repo in state.db.repos().await? {
        let refs = state.db.repo_refs(repo.id).await?;
        repos.push(view(repo, refs, &state.config.public_url));
    }
    Ok(ReposPage {
        l: Layout::operator(&session, "Repositories", "repos"),
        repos,
    })
}

/// The Sync now form carries only its CSRF token (checked by [`Posted`]).
pub async fn sync(
    Path(id): Path<i64>,
    Posted(state, _, _): Posted<OperatorSession, NoFields>,
) -> PortalResult<Response> {
    state.db.request_repo_sync(id).await?;
    state.repo_sync.notify_one();
    Ok(Redirect::to("/admin/repos").into_response())
}
