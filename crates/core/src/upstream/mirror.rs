//! What this node holds from its upstreams ([`Mirror`]): the fetched p2 files and stored dists
//! (in memory, loaded from the `upstream_*` tables at start), per-upstream counters and
//! limits, and the single-flight bookkeeping of first fetches and dists in flight. Fetching
//! ([`super::fetch`], [`super::refresh`]) and dists ([`super::dist`]) extend it.

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use packyard_blobs::BlobStore;
use packyard_store::Db;
use packyard_store::upstreams::{Upstream, UpstreamDist};

use super::catalog::{self, MirroredFile};
use super::client::{Caller, UpstreamError, UpstreamFetcher, UpstreamLimits};
use super::coverage::provides;
use super::secrets::SecretsKey;

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

/// How a fetch in flight ended, for the requests waiting on it: `None` while it runs.
pub(crate) type FlightOutcome = Option<Result<(), String>>;

/// A dist's identity: (package, normalized version, reference).
pub(super) type DistId = (String, String, String);

pub struct Mirror {
    pub db: Db,
    pub blobs: BlobStore,
    pub limits: UpstreamLimits,
    pub key: Option<SecretsKey>,
    pub(super) http: Arc<dyn UpstreamFetcher>,
    /// Fetched p2 files by file name (`vendor/name`, `vendor/name~dev`).
    pub(super) files: ArcSwap<HashMap<String, Arc<MirroredFile>>>,
    /// Stored dists by (package, normalized version, reference).
    pub(super) dists: ArcSwap<HashMap<DistId, UpstreamDist>>,
    pub(super) stats: Mutex<HashMap<i64, Arc<UpstreamStats>>>,
    /// One first fetch per name at a time (single flight).
    pub(super) fetching: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Dists being fetched, and how each fetch ended, for the requests waiting on it.
    pub(super) flights: Mutex<HashMap<DistId, tokio::sync::watch::Receiver<FlightOutcome>>>,
}

pub(super) fn now_millis() -> i64 {
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
            match catalog::parse_stored(&f) {
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

    pub(super) fn held(&self, upstreams: &[Upstream], file: &str) -> Option<Arc<MirroredFile>> {
        let found = self.files.load().get(file).cloned()?;
        upstreams
            .iter()
            .any(|u| u.id == found.upstream_id && provides(u, &found.name))
            .then_some(found)
    }

    pub(super) fn keep(&self, file: &str, parsed: Arc<MirroredFile>) {
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
