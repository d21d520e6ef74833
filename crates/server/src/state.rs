//! [`AppState`]: what the router's handlers use, one `Arc` (a clone is one atomic
//! increment). The infrastructure below the router (accept loop, observer, feed, git worker,
//! usage flusher) is handed only the parts it uses, by [`crate::serve`].

use std::ops::Deref;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::extract::FromRef;
use packyard_blobs::BlobStore;
use packyard_core::Config;
use packyard_core::dist_cache::DistCache;
use packyard_core::feed::{Feed, FeedEvents};
use packyard_core::metadata::RenderCounters;
use packyard_core::snapshot::Snapshot;
use packyard_core::upstream::Mirror;
use packyard_core::usage::UsageRecorder;
use packyard_portal::PortalState;
use packyard_store::Db;

use crate::edge::client_addr::client_addr;
use crate::edge::failure_budget::FailureBudget;
use crate::edge::metrics::{Failure, Metrics};

/// Everything a handler needs, cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Handles>);

pub struct Handles {
    pub db: Db,
    pub blobs: BlobStore,
    pub config: Arc<Config>,
    /// The snapshot the hot path answers from, and what keeps it current.
    pub feed: Arc<Feed>,
    pub usage: UsageRecorder,
    /// Recently served small dist archives (content-addressed, so never stale).
    pub dists: DistCache,
    /// Counters behind `GET /metrics`.
    pub metrics: Arc<Metrics>,
    /// Wakes the git sync worker when a webhook or operator queues a sync on this node.
    pub repo_sync: Arc<tokio::sync::Notify>,
    /// Failed credential attempts per client address, and the auth counters.
    pub failures: Arc<FailureBudget>,
    /// How often metadata bodies were rendered (each is rendered once per change).
    pub renders: RenderCounters,
    /// The portal's handles (its login limits among them).
    pub portal: PortalState,
    /// What was fetched from upstream repositories (SPEC §15).
    pub mirror: Arc<Mirror>,
}

/// The feed's events, counted for `/metrics`.
struct FeedCounters {
    metrics: Arc<Metrics>,
    failures: Arc<FailureBudget>,
}

impl FeedEvents for FeedCounters {
    fn polled(&self, changed: bool) {
        self.metrics.record_feed_poll(changed);
    }

    fn poll_failed(&self) {
        self.metrics.record_failure(Failure::Database);
    }

    fn credential_lookup(&self) {
        self.failures
            .counters
            .lookups
            .fetch_add(1, Ordering::Relaxed);
    }
}

impl AppState {
    /// Loads the first snapshot; fails if the database cannot be read.
    pub async fn new(
        db: Db,
        blobs: BlobStore,
        config: Config,
    ) -> Result<AppState, packyard_store::StoreError> {
        let config = Arc::new(config);
        let metrics = Arc::new(Metrics::default());
        let failures = Arc::new(FailureBudget::new(
            config.auth_failure_budget,
            std::time::Duration::from_secs(60),
            config.clock.clone(),
        ));
        let events = FeedCounters {
            metrics: metrics.clone(),
            failures: failures.clone(),
        };
        let feed = Arc::new(Feed::load(db.clone(), &config, Arc::new(events)).await?);
        let repo_sync = Arc::new(tokio::sync::Notify::new());
        let mirror = Mirror::new(
            db.clone(),
            blobs.clone(),
            config.upstreams.clone(),
            config.secrets_key.clone(),
            Arc::new(packyard_net::upstream::HttpFetcher::new(&config.upstreams)),
        );
        mirror.load().await?;
        let mirror = Arc::new(mirror);
        let mailer = match &config.mail {
            Some(settings) => Some(
                packyard_net::mail::smtp_mailer(settings)
                    .map_err(|e| packyard_store::StoreError::Invalid(e.to_string()))?,
            ),
            None => None,
        };
        let portal = PortalState::new(packyard_portal::Handles {
            logins: packyard_portal::login_guard::LoginGuard::new(&config),
            db: db.clone(),
            blobs: blobs.clone(),
            config: config.clone(),
            repo_sync: repo_sync.clone(),
            mirror: mirror.clone(),
            client_addr,
            feed: feed.clone(),
            mailer,
        });
        Ok(AppState(Arc::new(Handles {
            failures,
            renders: RenderCounters::default(),
            usage: UsageRecorder::new(config.usage_buffer_limit),
            dists: DistCache::new(config.dist_cache_bytes, config.max_cached_archive),
            repo_sync,
            feed,
            portal,
            mirror,
            db,
            blobs,
            config,
            metrics,
        })))
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.feed.snapshot()
    }
}

impl FromRef<AppState> for Arc<Config> {
    fn from_ref(state: &AppState) -> Arc<Config> {
        state.config.clone()
    }
}

impl Deref for AppState {
    type Target = Handles;

    fn deref(&self) -> &Handles {
        &self.0
    }
}
