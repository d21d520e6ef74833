//! First fetches of upstream metadata: which upstream serves a name (the first in priority
//! order that has it; its `~dev` file from the same one), one fetch per name at a time, and
//! each call within the upstream's concurrency limit.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use packyard_store::upstreams::{Upstream, UpstreamFile};

use super::catalog::{self, MirroredFile};
use super::client::{Fetched, UpstreamError};
use super::coverage::provides;
use super::mirror::{Mirror, now_millis};

impl Mirror {
    /// The file `name` (or its `~dev` file) from the upstream that serves the name, fetching
    /// it on first use. `Ok(None)`: no upstream has it.
    pub async fn resolve(
        self: &Arc<Self>,
        upstreams: &Arc<Vec<Upstream>>,
        name: &str,
        dev: bool,
    ) -> Result<Option<Arc<MirroredFile>>, UpstreamError> {
        let file = if dev {
            format!("{name}~dev")
        } else {
            name.to_string()
        };
        if let Some(found) = self.held(upstreams, &file) {
            self.stats(found.upstream_id)
                .hits
                .fetch_add(1, Ordering::Relaxed);
            return Ok(Some(found));
        }
        let (mirror, upstreams, name) = (self.clone(), upstreams.clone(), name.to_string());
        let first = tokio::spawn(async move { mirror.first_fetch(&upstreams, &name, dev).await });
        match tokio::time::timeout(self.limits.first_fetch_wait, first).await {
            Ok(Ok(result)) => result,
            Ok(Err(panicked)) => Err(UpstreamError::Unreachable("?".into(), panicked.to_string())),
            Err(_) => Err(UpstreamError::Slow(
                "for this package".into(),
                self.limits.first_fetch_wait.as_secs(),
            )),
        }
    }

    async fn first_fetch(
        self: &Arc<Self>,
        upstreams: &[Upstream],
        name: &str,
        dev: bool,
    ) -> Result<Option<Arc<MirroredFile>>, UpstreamError> {
        let gate = {
            let mut map = self.fetching.lock().unwrap_or_else(|e| e.into_inner());
            map.entry(name.to_string()).or_default().clone()
        };
        let _single_flight = gate.lock().await;
        let file = if dev {
            format!("{name}~dev")
        } else {
            name.to_string()
        };
        if let Some(found) = self.held(upstreams, &file) {
            return Ok(Some(found));
        }
        if dev {
            // The `~dev` file comes from the upstream that serves the name.
            let Some(stable) = self.held(upstreams, name) else {
                drop(_single_flight);
                return match Box::pin(self.first_fetch(upstreams, name, false)).await? {
                    Some(_) => Box::pin(self.first_fetch(upstreams, name, true)).await,
                    None => Ok(None),
                };
            };
            let Some(up) = upstreams.iter().find(|u| u.id == stable.upstream_id) else {
                return Ok(None);
            };
            return self.fetch_from(up, &file).await;
        }
        for up in upstreams.iter().filter(|u| provides(u, name)) {
            if let Some(found) = self.fetch_from(up, &file).await? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    /// Fetches one file from `up` (or takes another node's stored copy), keeping it.
    async fn fetch_from(
        &self,
        up: &Upstream,
        file: &str,
    ) -> Result<Option<Arc<MirroredFile>>, UpstreamError> {
        let fresh_secs = self.limits.refresh_interval.as_secs() as i64;
        if let Ok(Some(stored)) = self.db.upstream_file(up.id, file).await
            && packyard_store::now() - stored.fetched_at < fresh_secs
        {
            if stored.body.is_empty() {
                return Ok(None);
            }
            if let Ok(parsed) = catalog::parse(
                up.id,
                file,
                &stored.body,
                stored.last_modified,
                stored.etag,
                stored.fetched_at * 1000,
            ) {
                let parsed = Arc::new(parsed);
                self.keep(file, parsed.clone());
                return Ok(Some(parsed));
            }
        }
        let stats = self.stats(up.id);
        stats.misses.fetch_add(1, Ordering::Relaxed);
        let fetched = self
            .call(up, &format!("p2/{file}.json"), (None, None))
            .await;
        self.outcome(up, fetched.as_ref().err()).await;
        let (body, last_modified, etag) = match fetched? {
            Fetched::Body {
                body,
                last_modified,
                etag,
            } => (body, last_modified, etag),
            Fetched::NotFound | Fetched::NotModified => (String::new(), None, None),
        };
        let parsed = if body.is_empty() {
            None
        } else {
            let parsed = catalog::parse(
                up.id,
                file,
                &body,
                last_modified.clone(),
                etag.clone(),
                now_millis(),
            )
            .map_err(|_| UpstreamError::Malformed(up.name.clone()))?;
            Some(Arc::new(parsed))
        };
        self.save_file(up.id, file, body, last_modified, etag).await;
        if let Some(p) = &parsed {
            self.keep(file, p.clone());
        }
        Ok(parsed)
    }

    /// Stores a fetched p2 file of upstream `upstream_id` (`body` empty: the upstream has no
    /// such package). A failed write is only logged: the copy in memory still serves, and
    /// the next fetch writes again.
    pub(crate) async fn save_file(
        &self,
        upstream_id: i64,
        file: &str,
        body: String,
        last_modified: Option<String>,
        etag: Option<String>,
    ) {
        let record = UpstreamFile {
            upstream_id,
            file: file.to_string(),
            body,
            last_modified,
            etag,
            fetched_at: packyard_store::now(),
        };
        if let Err(e) = self.db.save_upstream_file(&record).await {
            tracing::warn!("could not store upstream metadata {file}: {e}");
        }
    }

    /// One metadata call to `up`, within its concurrency limit.
    pub(crate) async fn call(
        &self,
        up: &Upstream,
        path: &str,
        validators: (Option<&str>, Option<&str>),
    ) -> Result<Fetched, UpstreamError> {
        let caller = self.caller(up)?;
        let stats = self.stats(up.id);
        let _slot = stats.permits.clone().acquire_owned().await;
        caller
            .fetch(self.http(), &self.limits, path, validators)
            .await
    }
}
