//! Packyard's HTTP server as a library: the caller binds the listener (`127.0.0.1:0` in
//! tests), builds [`AppState`] and calls [`serve`]. Requests on the hot path (auth, metadata,
//! dists) are answered from the in-memory snapshot that a background task keeps in step with
//! the database (`packyard_core::feed`); they never query the database themselves.
//!
//! The folders say which tier is which: [`edge`] (connections, TLS, the request observer,
//! errors, metrics), [`auth`] (who is asking), [`composer`] (the Composer and curl routes),
//! [`api`] (the admin API); the portal is the `packyard-portal` crate and the domain
//! services are `packyard-core`.

pub mod api;
pub mod auth;
pub mod composer;
pub mod edge;
mod health;
pub mod read_your_writes;
pub mod router;
pub mod state;

pub use packyard_core::Config;
pub use router::{metrics_router, router};
pub use state::AppState;

use packyard_core::git::SyncContext;
use packyard_core::{feed, git, usage};

use edge::{failure_budget, listen, observe};

/// Serves until `shutdown` resolves, running the change feed and usage flusher alongside;
/// then stops accepting and lets in-flight requests finish (see [`listen`]).
/// `listener` is a plain [`tokio::net::TcpListener`] or a [`edge::tls::TlsListener`].
pub async fn serve(
    listener: impl Into<listen::Listener>,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let feed = tokio::spawn(feed::run(state.feed.clone()));
    let flusher = tokio::spawn(usage::run(state.usage.clone(), state.db.clone()));
    let reports = tokio::spawn(failure_budget::run_reports(state.failures.clone()));
    let mirror_refresh = tokio::spawn(packyard_core::upstream::refresh::run(
        state.mirror.clone(),
        state.feed.clone(),
    ));
    let lease_owner = git::worker::lease_owner();
    let sync = SyncContext {
        db: state.db.clone(),
        blobs: state.blobs.clone(),
        mirror_dir: state.config.git_mirror_dir.clone(),
        actor: "git-sync".into(),
        git: state.config.git.clone(),
        limits: state.config.zip_limits.clone(),
    };
    let git_worker = tokio::spawn(git::worker::run(
        sync,
        state.config.repo_poll_interval,
        state.repo_sync.clone(),
        lease_owner.clone(),
    ));
    let notices =
        state.portal.mailer.clone().map(|mailer| {
            tokio::spawn(packyard_portal::notices::run(state.portal.clone(), mailer))
        });
    let stop = tokio_util::sync::CancellationToken::new();
    let trigger = stop.clone();
    tokio::spawn(async move {
        shutdown.await;
        trigger.cancel();
    });
    let app = router(state.clone());
    let lane = composer::hot::HotLane(state.clone());
    let observed = observe::Observed::new(state.metrics.clone(), lane, app);
    listen::run(
        listener.into(),
        state.config.connections.clone(),
        observed,
        stop,
    )
    .await;
    feed.abort();
    flusher.abort();
    reports.abort();
    mirror_refresh.abort();
    git_worker.abort();
    if let Some(notices) = notices {
        notices.abort();
    }
    let _ = git_worker.await; // cancelled: wait until it has stopped
    // A sync cut short leaves its requests queued; free its lease so another node takes over.
    if let Err(e) = state.db.release_repo_leases(&lease_owner).await {
        tracing::warn!("could not release repository sync leases: {e}");
    }
    usage::flush(&state.usage, &state.db).await;
    Ok(())
}
