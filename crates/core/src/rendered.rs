//! A rendered document with its precomputed encodings: what the snapshot caches and the
//! Composer routes serve. Kept apart from rendering (the `metadata` module) and from the
//! snapshot so that both depend on it and not on each other.
//!
//! [`RenderCache`] is the one cache of rendered bodies: a local package's p2 files, the
//! roots per set of visible products, and a mirrored upstream file's p2 bodies all keep
//! theirs in one, next to the data they were rendered from (so none outlives its data).

use std::collections::HashMap;
use std::hash::Hash;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use arc_swap::ArcSwap;
use bytes::Bytes;
use flate2::write::GzEncoder;
use tokio::task::JoinError;

use crate::config::CompressionConfig;

/// A rendered document and the unix-millis stamp of the data it was rendered from.
pub struct Rendered {
    pub body: Bytes,
    /// `body` gzip-compressed, for clients sending `Accept-Encoding: gzip`.
    pub gzip: Bytes,
    /// `body` brotli-compressed: Composer's curl asks for `br` and decodes it, and it is
    /// smaller than gzip on JSON. Compressed once here, never per request.
    pub brotli: Bytes,
    pub changed_at: i64,
    /// Carries a warning for the developer. Composer prints warnings only from full (200)
    /// answers, so such documents are never answered with 304: the reason a version is
    /// missing shows up on every resolution, not just the first.
    pub has_warning: bool,
}

impl Rendered {
    pub fn new(
        body: Vec<u8>,
        changed_at: i64,
        has_warning: bool,
        compression: &CompressionConfig,
    ) -> Rendered {
        let mut gz = GzEncoder::new(
            Vec::with_capacity(body.len() / 4 + 64),
            flate2::Compression::new(compression.gzip_level),
        );
        // Writing into a Vec cannot fail; an error here would be a bug in flate2/brotli,
        // and the identity body is still served correctly if it ever happened.
        let gzip = gz
            .write_all(&body)
            .and_then(|()| gz.finish())
            .unwrap_or_default();
        let mut br = brotli::CompressorWriter::new(
            Vec::with_capacity(body.len() / 5 + 64),
            compression.brotli_buffer,
            compression.brotli_quality,
            compression.brotli_window,
        );
        let brotli = match br.write_all(&body) {
            Ok(()) => br.into_inner(),
            Err(_) => Vec::new(),
        };
        Rendered {
            body: exact(body),
            gzip: exact(gzip),
            brotli: exact(brotli),
            changed_at,
            has_warning,
        }
    }
}

/// `bytes` without the spare capacity its growth left (up to as much again as it holds):
/// a cache of tens of thousands of bodies would keep all of it.
fn exact(mut bytes: Vec<u8>) -> Bytes {
    bytes.shrink_to_fit();
    Bytes::from(bytes)
}

/// Rendered bodies by key, each rendered once. Read without locking (the map is swapped whole
/// when a body is added); a miss renders on a blocking thread (rendering and compressing a
/// large package takes milliseconds that must not stall the async workers), single-flight:
/// the lock is held while rendering and the map checked again once it is acquired, so
/// concurrent requests wait for one render. A panic while rendering comes back as an
/// error, never as a crashed worker.
pub struct RenderCache<K> {
    bodies: ArcSwap<Bodies<K>>,
    rendering: tokio::sync::Mutex<()>,
}

/// The bodies by key. foldhash rather than SipHash: every p2 answer looks its body up here
/// (the keys are the server's own licence terms, and the seed is still random per map).
type Bodies<K> = HashMap<K, Arc<Rendered>, foldhash::fast::RandomState>;

impl<K> Default for RenderCache<K> {
    fn default() -> Self {
        RenderCache {
            bodies: ArcSwap::default(),
            rendering: tokio::sync::Mutex::new(()),
        }
    }
}

impl<K: Clone + Eq + Hash> RenderCache<K> {
    /// The body under `key`, rendered by `render` on first use (counted in `counter`).
    pub async fn get_or_render(
        &self,
        key: K,
        counter: &AtomicU64,
        render: impl FnOnce() -> Rendered + Send + 'static,
    ) -> Result<Arc<Rendered>, JoinError> {
        if let Some(hit) = self.cached(&key) {
            return Ok(hit);
        }
        let _single_flight = self.rendering.lock().await;
        if let Some(hit) = self.cached(&key) {
            return Ok(hit);
        }
        let rendered = Arc::new(tokio::task::spawn_blocking(render).await?);
        counter.fetch_add(1, Ordering::Relaxed);
        self.bodies.rcu(|map| {
            let mut map = Bodies::clone(map);
            map.insert(key.clone(), rendered.clone());
            map
        });
        Ok(rendered)
    }

    /// The body under `key` if it was rendered already (never waits).
    pub fn cached(&self, key: &K) -> Option<Arc<Rendered>> {
        self.with_cached(key, Arc::clone)
    }

    /// `answer` of the body under `key`, if it was rendered already (never waits), without
    /// taking a reference to it: its count is shared by every worker answering it.
    pub fn with_cached<T>(&self, key: &K, answer: impl FnOnce(&Arc<Rendered>) -> T) -> Option<T> {
        self.bodies.load().get(key).map(answer)
    }

    /// How many bodies are held.
    pub fn len(&self) -> usize {
        self.bodies.load().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rendered_body_keeps_no_spare_capacity() {
        let mut grown = Vec::with_capacity(4096);
        grown.extend_from_slice(b"{\"packages\":{}}");
        let kept = Vec::<u8>::from(exact(grown));
        assert_eq!(kept.capacity(), kept.len());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn each_key_renders_once_however_many_ask_at_once() {
        let cache = Arc::new(RenderCache::<u8>::default());
        let counter = Arc::new(AtomicU64::new(0));
        let asks = (0..16u8).map(|i| {
            let (cache, counter) = (cache.clone(), counter.clone());
            tokio::spawn(async move {
                let key = i % 2;
                cache
                    .get_or_render(key, &counter, move || {
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        let config = crate::config::Config::new("http://us.test");
                        Rendered::new(vec![b'0' + key], 0, false, &config.compression)
                    })
                    .await
                    .unwrap()
            })
        });
        for (i, done) in futures_util::future::join_all(asks)
            .await
            .into_iter()
            .enumerate()
        {
            assert_eq!(done.unwrap().body.as_ref(), [b'0' + (i % 2) as u8]);
        }
        assert_eq!(counter.load(Ordering::Relaxed), 2, "one render per key");
        assert_eq!(cache.len(), 2);
    }
}
