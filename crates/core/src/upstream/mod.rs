//! Mirroring upstream Composer repositories (SPEC §15). Which upstreams exist is part of the
//! snapshot (adding or removing one is an `All` change); what was fetched from them lives
//! here, in memory, backed by the `upstream_*` tables so that a restart, another node or an
//! upstream outage still answers from what was fetched once.
//!
//! Invariants:
//! - A name is served by one source only: our own packages first (the routes look there
//!   before asking us), then the first upstream in priority order that has the package
//!   ([`Mirror::resolve`]); its `~dev` file comes from that same upstream.
//! - Requests never wait on an upstream for something already fetched; the first fetch of
//!   a file waits at most `first_fetch_wait`, behind that upstream's own concurrency limit,
//!   so one slow upstream delays nobody else ([`UpstreamStats::permits`]).
//! - Dists are stored content-addressed before they are recorded ([`dist`]).

pub mod catalog;
pub mod client;
pub mod dist;
mod fetch;
pub mod refresh;
pub mod registry;
pub mod secrets;

pub use registry::metrics;

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use packyard_blobs::BlobStore;
use packyard_store::Db;
use packyard_store::upstreams::{Upstream, UpstreamDist};

use crate::access::Seat;
use crate::rules::{self, Licence};
use crate::snapshot::Snapshot;
use catalog::MirroredFile;
use client::{Caller, UpstreamError, UpstreamFetcher, UpstreamLimits};
use secrets::SecretsKey;

/// Counters and limits of one upstream on this node.
pub struct UpstreamStats {
    /// Calls in flight to this upstream (at most `UpstreamLimits::concurrency`).
    pub permits: Arc<tokio::sync::Semaphore>,
    /// Requests answered from what we had (metadata and dists).
    pub hits: AtomicU64,
    /// Requests that had to go to the upstream.
    pub misses: AtomicU64,
    /// Dist bytes fetched from the upstream.
    pub bytes: AtomicU64,
    pub last_error: Mutex<Option<String>>,
}

/// A dist's identity: (package, normalized version, reference).
type DistId = (String, String, String);

pub struct Mirror {
    pub db: Db,
    pub blobs: BlobStore,
    pub limits: UpstreamLimits,
    pub key: Option<SecretsKey>,
    http: Arc<dyn UpstreamFetcher>,
    /// Fetched p2 files by file name (`vendor/name`, `vendor/name~dev`).
    files: ArcSwap<HashMap<String, Arc<MirroredFile>>>,
    /// Stored dists by (package, normalized version, reference).
    dists: ArcSwap<HashMap<DistId, UpstreamDist>>,
    stats: Mutex<HashMap<i64, Arc<UpstreamStats>>>,
    /// One first fetch per name at a time (single flight).
    fetching: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Dists being fetched, and how each fetch ended, for the requests waiting on it.
    flights: Mutex<HashMap<DistId, tokio::sync::watch::Receiver<dist::FlightOutcome>>>,
}

/// Whether `up` may provide `name` (its `--packages` patterns; none = any name).
pub fn provides(up: &Upstream, name: &str) -> bool {
    up.packages.is_empty() || rules::product_covers(&up.packages, name)
}

/// What a key seeing through `seats` may install of a mirrored `name`: the products whose
/// patterns cover it, each seat's scope and grants applied to that seat only.
pub fn licence(snapshot: &Snapshot, seats: &[Seat], name: &str) -> Option<Licence> {
    let covering: Vec<usize> = snapshot
        .products
        .iter()
        .enumerate()
        .filter(|(_, p)| rules::product_covers(&p.patterns, name))
        .map(|(i, _)| i)
        .collect();
    rules::combined(seats.iter().flat_map(|seat| {
        covering
            .iter()
            .filter(|&&i| seat.allows(i))
            .map(|&i| snapshot.product_licence(&seat.account, i))
    }))
}

/// The patterns of the visible products, for the root's `available-package-patterns`: any
/// name they cover may come from an upstream.
pub fn root_patterns(snapshot: &Snapshot, visible: &[usize]) -> Vec<String> {
    let mut patterns: Vec<String> = visible
        .iter()
        .flat_map(|&i| snapshot.products[i].patterns.iter().cloned())
        .collect();
    patterns.sort_unstable();
    patterns.dedup();
    patterns
}

pub fn date_of(unix: i64) -> chrono::NaiveDate {
    chrono::DateTime::<chrono::Utc>::from_timestamp(unix, 0)
        .unwrap_or_default()
        .date_naive()
}

fn now_millis() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Mirror {
    pub fn new(
        db: Db,
        blobs: BlobStore,
        limits: UpstreamLimits,
        key: Option<SecretsKey>,
        http: Arc<dyn UpstreamFetcher>,
    ) -> Mirror {
        Mirror {
            http,
            db,
            blobs,
            limits,
            key,
            files: Default::default(),
            dists: Default::default(),
            stats: Default::default(),
            fetching: Default::default(),
            flights: Default::default(),
        }
    }

    /// Loads what earlier runs fetched: files (for each name, from the first upstream in
    /// priority order that has it) and the stored dists.
    pub async fn load(&self) -> Result<(), packyard_store::StoreError> {
        let order: HashMap<i64, usize> = self
            .db
            .upstreams()
            .await?
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id, i))
            .collect();
        let mut stored = self.db.upstream_files().await?;
        stored.retain(|f| !f.body.is_empty() && order.contains_key(&f.upstream_id));
        stored.sort_by_key(|f| order[&f.upstream_id]);
        let mut files = HashMap::new();
        for f in stored {
            if files.contains_key(&f.file) {
                continue;
            }
            match catalog::parse(
                f.upstream_id,
                &f.file,
                &f.body,
                f.last_modified,
                f.etag,
                f.fetched_at * 1000,
            ) {
                Ok(parsed) => drop(files.insert(f.file, Arc::new(parsed))),
                Err(e) => tracing::warn!("{e}; it will be fetched again"),
            }
        }
        self.files.store(Arc::new(files));
        let dists = self.db.upstream_dists().await?;
        self.dists.store(Arc::new(
            dists
                .into_iter()
                .map(|d| {
                    (
                        (
                            d.package.clone(),
                            d.version_normalized.clone(),
                            d.reference.clone(),
                        ),
                        d,
                    )
                })
                .collect(),
        ));
        Ok(())
    }

    pub fn stats(&self, upstream_id: i64) -> Arc<UpstreamStats> {
        let mut stats = self.stats.lock().unwrap_or_else(|e| e.into_inner());
        stats
            .entry(upstream_id)
            .or_insert_with(|| {
                Arc::new(UpstreamStats {
                    permits: Arc::new(tokio::sync::Semaphore::new(self.limits.concurrency)),
                    hits: AtomicU64::new(0),
                    misses: AtomicU64::new(0),
                    bytes: AtomicU64::new(0),
                    last_error: Mutex::new(None),
                })
            })
            .clone()
    }

    /// How many packages (non-`~dev` files) this node holds from `upstream_id`.
    pub fn packages_mirrored(&self, upstream_id: i64) -> usize {
        self.files
            .load()
            .values()
            .filter(|f| f.upstream_id == upstream_id && !f.dev)
            .count()
    }

    /// Every file held, for the background refresh.
    pub fn held_files(&self) -> Vec<Arc<MirroredFile>> {
        self.files.load().values().cloned().collect()
    }

    /// A held file, if its upstream still exists and may still provide it.
    pub fn held_file(&self, upstreams: &[Upstream], file: &str) -> Option<Arc<MirroredFile>> {
        self.held(upstreams, file)
    }

    /// The upstream serving `name`, if this node holds its file.
    pub fn source_of(&self, upstreams: &[Upstream], name: &str) -> Option<i64> {
        self.held(upstreams, name).map(|f| f.upstream_id)
    }

    fn held(&self, upstreams: &[Upstream], file: &str) -> Option<Arc<MirroredFile>> {
        let found = self.files.load().get(file).cloned()?;
        upstreams
            .iter()
            .any(|u| u.id == found.upstream_id && provides(u, &found.name))
            .then_some(found)
    }

    fn keep(&self, file: &str, parsed: Arc<MirroredFile>) {
        self.files.rcu(|map| {
            let mut map = HashMap::clone(map);
            map.insert(file.to_string(), parsed.clone());
            map
        });
    }

    pub(crate) fn caller(&self, up: &Upstream) -> Result<Caller, UpstreamError> {
        Caller::new(up, self.key.as_ref())
    }

    /// Records the outcome of a call for operators (in memory and in the database).
    pub(crate) async fn outcome(&self, up: &Upstream, error: Option<&UpstreamError>) {
        let text = error.map(|e| e.to_string());
        if let Some(t) = &text {
            tracing::warn!("{t}");
        }
        let stats = self.stats(up.id);
        let changed = {
            let mut last = stats.last_error.lock().unwrap_or_else(|e| e.into_inner());
            std::mem::replace(&mut *last, text.clone()) != text
        };
        if (changed || text.is_some())
            && let Err(e) = self.db.record_upstream_error(up.id, text.as_deref()).await
        {
            tracing::warn!("could not record the state of upstream {}: {e}", up.name);
        }
    }

    /// A stored dist with this identity, from memory or (stored by another node) the database.
    pub async fn stored_dist(
        &self,
        upstream_id: i64,
        package: &str,
        version_normalized: &str,
        reference: &str,
    ) -> Option<UpstreamDist> {
        let id = (
            package.to_string(),
            version_normalized.to_string(),
            reference.to_string(),
        );
        if let Some(d) = self.dists.load().get(&id) {
            return Some(d.clone());
        }
        let found = self
            .db
            .upstream_dist(upstream_id, package, version_normalized, reference)
            .await
            .ok()??;
        self.remember_dist(found.clone());
        Some(found)
    }

    pub(crate) fn remember_dist(&self, d: UpstreamDist) {
        let id = (
            d.package.clone(),
            d.version_normalized.clone(),
            d.reference.clone(),
        );
        self.dists.rcu(|map| {
            let mut map = HashMap::clone(map);
            map.insert(id.clone(), d.clone());
            map
        });
    }

    pub(crate) fn http(&self) -> &dyn UpstreamFetcher {
        self.http.as_ref()
    }
}
