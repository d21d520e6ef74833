//! One incremental sync of a repository: list upstream refs, compare them with what the last
//! sync recorded, fetch and build only refs that are new or moved, and record the outcome of
//! each ref as it is decided (so a sync killed half-way resumes where it stopped: rebuilding
//! a ref gives the same bytes, which publishing treats as a no-op).
//!
//! Rules (SPEC §11): a published tag never changes; if it moves or disappears upstream it is
//! recorded as a conflict and its first archive stays. Branch versions follow their branch
//! and are unlisted when it is deleted.

use std::collections::BTreeMap;

use futures_util::StreamExt;
use packyard_composer::vcs_versions::tag_version;
use packyard_store::StoreError;
use packyard_store::repo_refs::{GitRef, RefState};
use packyard_store::repos::GitRepo;
use packyard_vcs::VcsError;
use packyard_vcs::remote::Remote;
use serde::Serialize;

use super::build::{BuildError, Built, prepare_ref, publish_ref};
use super::{Progress, SyncContext};

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// Listing or fetching the upstream repository failed.
    #[error(transparent)]
    Git(#[from] VcsError),
    #[error(transparent)]
    Build(#[from] BuildError),
    /// The blocking git task panicked or was cancelled.
    #[error("the git task stopped: {0}")]
    Stopped(tokio::task::JoinError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What one sync did, ref by ref.
#[derive(Debug, Default, Serialize)]
pub struct SyncReport {
    pub imported: Vec<RefLine>,
    pub skipped: Vec<RefLine>,
    pub conflicts: Vec<RefLine>,
    /// Refs already up to date.
    pub unchanged: usize,
    /// Branch versions unlisted because their branch was deleted.
    pub removed: Vec<RefLine>,
}

#[derive(Debug, Serialize)]
pub struct RefLine {
    #[serde(rename = "ref")]
    pub ref_name: String,
    pub detail: String,
}

impl SyncReport {
    /// The counts stored as the repository's last-sync summary.
    pub fn summary(&self) -> String {
        serde_json::json!({
            "imported": self.imported.len(),
            "skipped": self.skipped.len(),
            "conflicts": self.conflicts.len(),
            "unchanged": self.unchanged,
            "removed": self.removed.len(),
        })
        .to_string()
    }
}

/// How long a sync lease lasts; a sync renews it as it builds refs, so only a stuck or dead
/// sync ever lets it expire.
pub const LEASE_SECONDS: i64 = 300;

/// Syncs `repo`. The caller holds its lease as `lease_owner`, renewed here while refs build.
pub async fn sync_repo(
    ctx: &SyncContext,
    repo: &GitRepo,
    lease_owner: Option<&str>,
    progress: &dyn Progress,
) -> Result<SyncReport, SyncError> {
    let remote = Remote::new(&repo.url);
    let (listing, settings) = (remote.clone(), ctx.git.clone());
    let upstream = tokio::task::spawn_blocking(move || listing.list_refs(&settings))
        .await
        .map_err(SyncError::Stopped)??;
    let known: BTreeMap<String, GitRef> = ctx
        .db
        .repo_refs(repo.id)
        .await?
        .into_iter()
        .map(|r| (r.ref_name.clone(), r))
        .collect();
    let mut report = SyncReport::default();
    let mut to_build = Vec::new();
    for (name, commit) in &upstream {
        match known.get(name) {
            Some(r) if r.commit == *commit && r.upstream_commit == *commit => report.unchanged += 1,
            Some(r) if is_tag(name) && r.state != RefState::Skipped => {
                moved_tag(ctx, r, commit, &mut report).await?;
            }
            _ => match tag_name_problem(name) {
                Some(reason) => {
                    record(
                        ctx,
                        repo.id,
                        name,
                        commit,
                        Built::Skipped(reason),
                        &mut report,
                    )
                    .await?
                }
                None => to_build.push((name.clone(), commit.clone())),
            },
        }
    }
    for r in known
        .values()
        .filter(|r| !upstream.contains_key(&r.ref_name))
    {
        vanished(ctx, r, &mut report).await?;
    }
    if to_build.is_empty() {
        return Ok(report);
    }
    let mirror = ctx.mirror_dir.join(format!("{}.git", repo.id));
    let (fetch_dir, names, settings) = (
        mirror.clone(),
        to_build.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
        ctx.git.clone(),
    );
    tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        remote.fetch(&settings, &fetch_dir, &refs)
    })
    .await
    .map_err(SyncError::Stopped)??;
    progress.start(to_build.len());
    // Zipping is CPU-bound and independent per ref: prepare a few at once, publish in order.
    let parallel = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(2, 8);
    let mut builds = futures_util::stream::iter(to_build.into_iter().map(|(name, commit)| {
        let mirror = mirror.clone();
        async move {
            let prepared = prepare_ref(&mirror, &name, &commit, &ctx.limits).await;
            (name, commit, prepared)
        }
    }))
    .buffered(parallel);
    let mut built_so_far = 0usize;
    while let Some((name, commit, prepared)) = builds.next().await {
        let built = publish_ref(ctx, &name, prepared?).await?;
        record(ctx, repo.id, &name, &commit, built, &mut report).await?;
        built_so_far += 1;
        if let Some(owner) = lease_owner.filter(|_| built_so_far.is_multiple_of(16)) {
            ctx.db
                .acquire_repo_lease(repo.id, owner, LEASE_SECONDS)
                .await?;
        }
        progress.built(&name);
    }
    progress.finish();
    Ok(report)
}

fn is_tag(name: &str) -> bool {
    name.starts_with("refs/tags/")
}

/// Why a tag's name alone rules it out (decided without fetching anything).
fn tag_name_problem(name: &str) -> Option<String> {
    let tag = name.strip_prefix("refs/tags/")?;
    tag_version(tag, None).err().map(|e| e.to_string())
}

async fn record(
    ctx: &SyncContext,
    repo_id: i64,
    name: &str,
    commit: &str,
    built: Built,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let mut r = GitRef {
        repo_id,
        ref_name: name.to_string(),
        commit: commit.to_string(),
        upstream_commit: commit.to_string(),
        state: RefState::Skipped,
        package: None,
        version: None,
        reason: None,
        updated_at: 0,
    };
    let line = |detail: String| RefLine {
        ref_name: name.to_string(),
        detail,
    };
    match built {
        Built::Published { package, version } => {
            r.state = RefState::Published;
            report.imported.push(line(format!("{package} {version}")));
            (r.package, r.version) = (Some(package), Some(version));
        }
        Built::Skipped(reason) => {
            report.skipped.push(line(reason.clone()));
            r.reason = Some(reason);
        }
        Built::Conflict(reason) => mark_conflict(&mut r, reason, report),
    }
    ctx.db.save_repo_ref(&r).await?;
    Ok(())
}

/// A published tag now points elsewhere upstream (or back where it was).
async fn moved_tag(
    ctx: &SyncContext,
    known: &GitRef,
    upstream: &str,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let mut r = known.clone();
    r.upstream_commit = upstream.to_string();
    if upstream == known.commit {
        r.state = RefState::Published;
        r.reason = None;
        report.unchanged += 1;
    } else {
        let reason = format!(
            "tag moved upstream from {} to {}; the version keeps its first archive (published versions are immutable)",
            short(&known.commit),
            short(upstream)
        );
        mark_conflict(&mut r, reason, report);
    }
    ctx.db.save_repo_ref(&r).await?;
    Ok(())
}

/// Puts `r` in conflict for `reason` and lists it among the report's conflicts.
fn mark_conflict(r: &mut GitRef, reason: String, report: &mut SyncReport) {
    r.state = RefState::Conflict;
    report.conflicts.push(RefLine {
        ref_name: r.ref_name.clone(),
        detail: reason.clone(),
    });
    r.reason = Some(reason);
}

/// A ref the last sync saw is gone upstream.
async fn vanished(
    ctx: &SyncContext,
    known: &GitRef,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let line = |detail: &str| RefLine {
        ref_name: known.ref_name.clone(),
        detail: detail.to_string(),
    };
    match (is_tag(&known.ref_name), known.state) {
        (true, RefState::Published | RefState::Conflict) => {
            let reason = "tag deleted upstream; the version stays published with its first archive";
            let mut r = known.clone();
            (r.state, r.upstream_commit, r.reason) =
                (RefState::Conflict, String::new(), Some(reason.into()));
            if known.upstream_commit.is_empty() {
                report.unchanged += 1;
            } else {
                report.conflicts.push(line(reason));
            }
            ctx.db.save_repo_ref(&r).await?;
        }
        (false, RefState::Published) => {
            if let (Some(package), Some(version)) = (&known.package, &known.version) {
                let normalized = packyard_composer::version::normalize(version).unwrap_or_default();
                match ctx
                    .db
                    .unlist_version(package, &normalized, &ctx.actor)
                    .await
                {
                    Ok(()) | Err(StoreError::NotFound(_)) => {}
                    Err(e) => return Err(e.into()),
                }
                report.removed.push(line(&format!(
                    "{package} {version} unlisted: branch deleted"
                )));
            }
            ctx.db
                .delete_repo_ref(known.repo_id, &known.ref_name)
                .await?;
        }
        _ => {
            ctx.db
                .delete_repo_ref(known.repo_id, &known.ref_name)
                .await?
        }
    }
    Ok(())
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(12)]
}
