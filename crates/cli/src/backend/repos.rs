//! Git repositories (SPEC §11), in both modes. `public_url` names the server for the
//! webhook URLs shown locally (a server uses its own). A local sync runs in this process,
//! under the same per-repository lease as the servers' workers; a remote one is queued for
//! the server's worker.

use std::time::Duration;

use anyhow::Result;
use packyard_api::repos::{NewRepo, RepoList, RepoView, SyncQueued};
use packyard_composer::archive::ZipLimits;
use packyard_core::git::registry::{add_repository, describe, describe_with_refs};
use packyard_core::git::sync::SyncReport;
use packyard_core::git::worker::{Leased, sync_with_lease};
use packyard_core::git::{Progress, SyncContext};

use super::handles::{Backend, Local, call, get, send};
use crate::context::{CLI_ACTOR, git_settings};

/// What `repo sync` did for one repository.
pub enum RepoSync {
    /// Synced here: the report, or why the sync failed.
    Ran(Result<SyncReport, String>),
    /// Queued for the server's worker.
    Queued(SyncQueued),
}

/// The public URL given, else the one the last `packyard serve` on this database recorded.
async fn public_url(l: &Local, given: Option<&str>) -> Result<String> {
    let recorded = match given {
        Some(url) => Some(url.to_string()),
        None => l.db.setting(packyard_store::settings::PUBLIC_URL).await?,
    };
    Ok(recorded.unwrap_or_else(|| "http://127.0.0.1:8080".into()))
}

fn view(described: serde_json::Value) -> Result<RepoView> {
    Ok(RepoView::from_description(described)?)
}

impl Backend {
    pub async fn repos(&self, public: Option<&str>) -> Result<RepoList> {
        match self {
            Backend::Local(l) => {
                let url = public_url(l, public).await?;
                let repos = l.db.repos().await?;
                let repos = repos.iter().map(|r| view(describe(r, &url)));
                Ok(RepoList {
                    repos: repos.collect::<Result<_>>()?,
                })
            }
            Backend::Remote(c) => get(c, "/api/v1/repos"),
        }
    }

    /// A repository with its versions, skipped refs and conflicts.
    pub async fn repo(&self, id: i64, public: Option<&str>) -> Result<RepoView> {
        match self {
            Backend::Local(l) => {
                let url = public_url(l, public).await?;
                let (repo, refs) = (l.db.repo(id).await?, l.db.repo_refs(id).await?);
                view(describe_with_refs(&repo, &refs, &url))
            }
            Backend::Remote(c) => get(c, &format!("/api/v1/repos/{id}")),
        }
    }

    /// Registers a repository; a generated webhook secret is in this answer only.
    pub async fn add_repo(&self, new: NewRepo, public: Option<&str>) -> Result<RepoView> {
        match self {
            Backend::Local(l) => {
                let url = public_url(l, public).await?;
                let (name, secret) = (new.name.as_deref(), new.secret.as_deref());
                let added = add_repository(
                    &l.db,
                    &git_settings(),
                    &new.url,
                    name,
                    secret,
                    false,
                    CLI_ACTOR,
                )
                .await?;
                let mut added_view = view(describe(&added.repo, &url))?;
                added_view.secret = Some(added.generated_secret);
                Ok(added_view)
            }
            Backend::Remote(c) => send(c, "POST", "/api/v1/repos", &new),
        }
    }

    pub async fn remove_repo(&self, id: i64) -> Result<()> {
        match self {
            Backend::Local(l) => Ok(l.db.remove_repo(id, CLI_ACTOR).await?),
            Backend::Remote(c) => call(c, "DELETE", &format!("/api/v1/repos/{id}")),
        }
    }

    /// Syncs repository `id` here (local) or queues its sync (remote).
    pub async fn sync_repo(
        &self,
        id: i64,
        owner: &str,
        progress: &dyn Progress,
    ) -> Result<RepoSync> {
        let l = match self {
            Backend::Local(l) => l,
            Backend::Remote(c) => {
                let path = format!("/api/v1/repos/{id}/sync");
                return Ok(RepoSync::Queued(super::handles::post(c, &path)?));
            }
        };
        let ctx = SyncContext {
            db: l.db.clone(),
            blobs: l.blobs()?,
            mirror_dir: l.global.data_dir.join("git"),
            actor: CLI_ACTOR.into(),
            git: git_settings(),
            limits: ZipLimits::default(),
        };
        // No queued request: this command runs the sync itself, so a server's worker must
        // not pick the same work up and leave this report saying "nothing changed".
        loop {
            match sync_with_lease(&ctx, id, owner, progress).await? {
                Leased::Done(report) => {
                    return Ok(RepoSync::Ran(report.map_err(|e| e.to_string())));
                }
                // Another node or command is syncing this repository: wait for its lease.
                Leased::Busy => tokio::time::sleep(Duration::from_millis(300)).await,
            }
        }
    }
}
