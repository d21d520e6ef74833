//! Packyard's HTTP server as a library: the caller binds the listener (`127.0.0.1:0` in
//! tests), builds [`AppState`] and calls [`serve`]. Requests on the hot path (auth, metadata,
//! dists) are answered from an in-memory [`snapshot::Snapshot`] that a background task keeps
//! in step with the database ([`feed`]); they never query the database themselves.

pub mod access_log;
pub mod admin_api;
pub mod auth;
pub mod client_addr;
pub mod conditional;
pub mod config;
pub mod csrf;
pub mod denial;
pub mod dist_cache;
pub mod error;
pub mod failure_budget;
pub mod feed;
#[doc(hidden)]
pub mod fuzz_checks;
pub mod git;
pub mod listen;
pub mod log_sink;
pub mod login_guard;
pub mod metadata;
pub mod metrics;
pub mod observe;
pub mod passwords;
pub mod publish;
pub mod releases;
pub mod rendered;
pub mod routes;
pub mod rules;
pub mod sharded;
pub mod snapshot;
pub mod storage;
pub mod tls;
pub mod usage;
pub mod warning;

use std::sync::Arc;

use arc_swap::ArcSwap;
use packyard_blobs::BlobStore;
use packyard_store::Db;

pub use config::Config;
use snapshot::Snapshot;

/// Everything a handler needs, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub blobs: BlobStore,
    pub config: Arc<Config>,
    pub snapshot: Arc<ArcSwap<Snapshot>>,
    pub usage: usage::UsageRecorder,
    /// Recently served small dist archives (content-addressed, so never stale).
    pub dists: Arc<dist_cache::DistCache>,
    /// Counters behind `GET /metrics`.
    pub metrics: Arc<metrics::Metrics>,
    /// Wakes the git sync worker when a webhook or operator queues a sync on this node.
    pub repo_sync: Arc<tokio::sync::Notify>,
    /// Portal login limits that hold before any password is hashed.
    pub logins: Arc<login_guard::LoginGuard>,
    /// Failed credential attempts per client address, and the auth counters.
    pub failures: Arc<failure_budget::FailureBudget>,
    pub sync: Arc<SnapshotSync>,
    /// How often metadata bodies were rendered (each is rendered once per change).
    pub renders: Arc<metadata::RenderCounters>,
}

/// Coordination of snapshot refreshes ([`feed::refresh`], [`feed::catch_up`]).
pub struct SnapshotSync {
    /// Held while a refresh runs: refreshes never overlap.
    pub refreshing: tokio::sync::Mutex<()>,
    /// When the latest credential catch-up started.
    pub last_catch_up: tokio::sync::Mutex<std::time::Instant>,
}

impl AppState {
    /// Loads the first snapshot; fails if the database cannot be read.
    pub async fn new(
        db: Db,
        blobs: BlobStore,
        config: Config,
    ) -> Result<AppState, packyard_store::StoreError> {
        let snapshot = Snapshot::load(&db, None).await?;
        Ok(AppState {
            failures: Arc::new(failure_budget::FailureBudget::new(
                config.auth_failure_budget,
                std::time::Duration::from_secs(60),
            )),
            sync: Arc::new(SnapshotSync {
                refreshing: tokio::sync::Mutex::new(()),
                last_catch_up: tokio::sync::Mutex::new(std::time::Instant::now()),
            }),
            renders: Arc::default(),
            usage: usage::UsageRecorder::new(config.usage_buffer_limit),
            dists: Arc::new(dist_cache::DistCache::new(
                config.dist_cache_bytes,
                config.max_cached_archive,
            )),
            logins: Arc::new(login_guard::LoginGuard::new(&config)),
            repo_sync: Arc::new(tokio::sync::Notify::new()),
            db,
            blobs,
            config: Arc::new(config),
            snapshot: Arc::new(ArcSwap::from_pointee(snapshot)),
            metrics: Arc::default(),
        })
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot.load_full()
    }
}

/// Serves until `shutdown` resolves, running the change feed and usage flusher alongside;
/// then stops accepting and lets in-flight requests finish (see [`listen`]).
/// `listener` is a plain [`tokio::net::TcpListener`] or a [`tls::TlsListener`].
pub async fn serve(
    listener: impl Into<listen::Listener>,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let feed = tokio::spawn(feed::run(state.clone()));
    let flusher = tokio::spawn(usage::run(state.clone()));
    let reports = tokio::spawn(failure_budget::run_reports(state.failures.clone()));
    let lease_owner = git::worker::lease_owner();
    let git_worker = tokio::spawn(git::worker::run(
        state.clone(),
        state.repo_sync.clone(),
        lease_owner.clone(),
    ));
    let stop = tokio_util::sync::CancellationToken::new();
    let trigger = stop.clone();
    tokio::spawn(async move {
        shutdown.await;
        trigger.cancel();
    });
    let app = routes::router(state.clone());
    listen::run(listener.into(), state.clone(), app, stop).await;
    feed.abort();
    flusher.abort();
    reports.abort();
    git_worker.abort();
    let _ = git_worker.await; // cancelled: wait until it has stopped
    // A sync cut short leaves its requests queued; free its lease so another node takes over.
    if let Err(e) = state.db.release_repo_leases(&lease_owner).await {
        tracing::warn!("could not release repository sync leases: {e}");
    }
    usage::flush(&state).await;
    Ok(())
}
