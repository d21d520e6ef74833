//! Packyard's HTTP server as a library: the caller binds the listener (`127.0.0.1:0` in
//! tests), builds [`AppState`] and calls [`serve`]. Requests on the hot path (auth, metadata,
//! dists) are answered from an in-memory [`snapshot::Snapshot`] that a background task keeps
//! in step with the database ([`feed`]); they never query the database themselves.

pub mod admin_api;
pub mod auth;
pub mod conditional;
pub mod config;
pub mod csrf;
pub mod denial;
pub mod dist_cache;
pub mod error;
pub mod feed;
pub mod metadata;
pub mod passwords;
pub mod publish;
pub mod releases;
pub mod rendered;
pub mod routes;
pub mod rules;
pub mod sharded;
pub mod snapshot;
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
            usage: usage::UsageRecorder::default(),
            dists: Arc::new(dist_cache::DistCache::new(
                config.dist_cache_bytes,
                config.max_cached_archive,
            )),
            db,
            blobs,
            config: Arc::new(config),
            snapshot: Arc::new(ArcSwap::from_pointee(snapshot)),
        })
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot.load_full()
    }
}

/// Serves until `shutdown` resolves, running the change feed and usage flusher alongside.
/// `listener` is a plain [`tokio::net::TcpListener`] or a [`tls::TlsListener`].
pub async fn serve<L>(
    listener: L,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()>
where
    L: axum::serve::Listener<Addr = std::net::SocketAddr>,
{
    let feed = tokio::spawn(feed::run(state.clone()));
    let flusher = tokio::spawn(usage::run(state.clone()));
    let app =
        routes::router(state.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>();
    // `tap_io` gives every listener kind the generic `SocketAddr` connect info.
    let listener = axum::serve::ListenerExt::tap_io(listener, |_| {});
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    feed.abort();
    flusher.abort();
    usage::flush(&state).await;
    result
}
