//! Running queued syncs. Anything may queue one (a webhook, an operator, the poll timer, the
//! CLI) by bumping the repository's request counter; whoever holds the repository's lease
//! runs it. The lease lives in the database, so with several nodes exactly one runs a given
//! repository's sync at a time, and a node that dies mid-sync loses the lease when it
//! expires. The server's worker wakes at once for hooks that reach this node and polls for
//! requests queued through other nodes.

use std::sync::Arc;
use std::time::{Duration, Instant};

use packyard_store::{Db, StoreError};
use tokio::sync::Notify;

use super::sync::{LEASE_SECONDS, SyncError, SyncReport, sync_repo};
use super::{Progress, Quiet, SyncContext};

/// How the lease attempt ended.
pub enum Leased {
    Done(Result<SyncReport, SyncError>),
    /// Another process holds the lease; its sync (or the next) serves the request.
    Busy,
}

/// A random name for this process's leases.
pub fn lease_owner() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        packyard_store::secret::random_alphanumeric(10)
    )
}

/// Runs one sync of repository `id` if its lease is free, recording the outcome.
pub async fn sync_with_lease(
    ctx: &SyncContext,
    id: i64,
    owner: &str,
    progress: &dyn Progress,
) -> Result<Leased, StoreError> {
    let Some(ticket) = ctx.db.acquire_repo_lease(id, owner, LEASE_SECONDS).await? else {
        return Ok(Leased::Busy);
    };
    let repo = ctx.db.repo(id).await?;
    let result = sync_repo(ctx, &repo, Some(owner), progress).await;
    let (summary, error) = match &result {
        Ok(report) => (report.summary(), None),
        Err(e) => (String::from("{}"), Some(e.to_string())),
    };
    ctx.db
        .finish_repo_sync(id, owner, ticket, &summary, error.as_deref())
        .await?;
    Ok(Leased::Done(result))
}

/// The server's background worker: serves queued syncs under leases named `owner`, and
/// queues one for every repository each `poll` interval (`--repo-poll-interval`, if set).
pub async fn run(ctx: SyncContext, poll: Option<Duration>, wake: Arc<Notify>, owner: String) {
    let mut last_poll = Instant::now();
    loop {
        tokio::select! {
            () = wake.notified() => {},
            () = tokio::time::sleep(Duration::from_millis(500)) => {},
        }
        if let Some(every) = poll
            && last_poll.elapsed() >= every
        {
            last_poll = Instant::now();
            if let Err(e) = queue_all(&ctx.db).await {
                tracing::warn!("could not queue repository polls: {e}");
            }
        }
        let pending = match ctx.db.pending_repo_syncs().await {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!("could not read the repository sync queue: {e}");
                continue;
            }
        };
        for id in pending {
            match sync_with_lease(&ctx, id, &owner, &Quiet).await {
                Ok(Leased::Done(Ok(report))) => {
                    tracing::info!("repository {id} synced: {}", report.summary())
                }
                Ok(Leased::Done(Err(e))) => tracing::warn!("repository {id} sync failed: {e}"),
                Ok(Leased::Busy) => {}
                Err(e) => tracing::warn!("repository {id} sync could not be recorded: {e}"),
            }
        }
    }
}

async fn queue_all(db: &Db) -> Result<(), StoreError> {
    for repo in db.repos().await? {
        db.request_repo_sync(repo.id).await?;
    }
    Ok(())
}
