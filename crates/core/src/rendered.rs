//! A rendered document with its encodings, each made once: what the snapshot caches and the
//! Composer routes serve. Kept apart from rendering (the `metadata` module) and from the
//! snapshot so that both depend on it and not on each other.
//!
//! [`RenderCache`] is the one cache of rendered bodies: a local package's p2 files, the
//! roots per set of visible products, and a mirrored upstream file's p2 bodies all keep
//! theirs in one, next to the data they were rendered from (so none outlives its data).

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use arc_swap::ArcSwap;
use bytes::Bytes;
use flate2::write::GzEncoder;
use tokio::task::JoinError;

use crate::config::CompressionConfig;

/// The codings a rendered document is sent in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coding {
    Brotli,
    Gzip,
    Identity,
}

/// A rendered document and the unix-millis stamp of the data it was rendered from.
///
/// Its compressed forms are made the first time a client asks for each, not when it is
/// rendered: most clients ask for one coding (Composer for brotli, curl and scripts for
/// none), and a cache of tens of thousands of bodies would otherwise keep two codings
/// nobody asked for (on the benchmark's p2 files, 30 % of the bytes it holds).
pub struct Rendered {
    pub body: Bytes,
    /// `body` gzip-compressed, for clients sending `Accept-Encoding: gzip`.
    gzip: OnceLock<Bytes>,
    /// `body` brotli-compressed: Composer's curl asks for `br` and decodes it, and it is
    /// smaller than gzip on JSON. Compressed once, never per request.
    brotli: OnceLock<Bytes>,
    compression: CompressionConfig,
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
        Rendered {
            body: exact(body),
            gzip: OnceLock::new(),
            brotli: OnceLock::new(),
            compression: *compression,
            changed_at,
            has_warning,
        }
    }

    /// The body in `coding` if it is at hand without compressing: never waits.
    pub fn at_hand(&self, coding: Coding) -> Option<&Bytes> {
        match coding {
            Coding::Identity => Some(&self.body),
            Coding::Gzip => self.gzip.get(),
            Coding::Brotli => self.brotli.get(),
        }
    }

    /// The body in `coding`, compressed now if it was not yet. That takes milliseconds for
    /// a large package: async callers make it at hand first ([`RenderCache::get_or_render`]).
    pub fn encoded(&self, coding: Coding) -> &Bytes {
        match coding {
            Coding::Identity => &self.body,
            Coding::Gzip => self.gzip.get_or_init(|| exact(self.gzipped())),
            Coding::Brotli => self.brotli.get_or_init(|| exact(self.brotlied())),
        }
    }

    // Writing into a Vec cannot fail; an error in either would be a bug in flate2/brotli,
    // and the identity body is still served correctly if it ever happened.
    fn gzipped(&self) -> Vec<u8> {
        let mut gz = GzEncoder::new(
            Vec::with_capacity(self.body.len() / 4 + 64),
            flate2::Compression::new(self.compression.gzip_level),
        );
        gz.write_all(&self.body)
            .and_then(|()| gz.finish())
            .unwrap_or_default()
    }

    fn brotlied(&self) -> Vec<u8> {
        let mut br = brotli::CompressorWriter::new(
            Vec::with_capacity(self.body.len() / 5 + 64),
            self.compression.brotli_buffer,
            self.compression.brotli_quality,
            self.compression.brotli_window,
        );
        match br.write_all(&self.body) {
            Ok(()) => br.into_inner(),
            Err(_) => Vec::new(),
        }
    }
}

/// `doc` with its `coding` at hand, compressed on a blocking thread if it is not yet.
/// Requests that ask at once wait for one compression (each on a blocking thread).
async fn at_hand(doc: Arc<Rendered>, coding: Coding) -> Result<Arc<Rendered>, JoinError> {
    if doc.at_hand(coding).is_some() {
        return Ok(doc);
    }
    tokio::task::spawn_blocking(move || {
        doc.encoded(coding);
        doc
    })
    .await
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
    /// The body under `key`, rendered by `render` on first use (counted in `counter`), with
    /// its `coding` at hand: compressed in the same blocking task as the render, or in one
    /// of its own when the body was rendered for another coding.
    pub async fn get_or_render(
        &self,
        key: K,
        coding: Coding,
        counter: &AtomicU64,
        render: impl FnOnce() -> Rendered + Send + 'static,
    ) -> Result<Arc<Rendered>, JoinError> {
        if let Some(hit) = self.cached(&key) {
            return at_hand(hit, coding).await;
        }
        let _single_flight = self.rendering.lock().await;
        if let Some(hit) = self.cached(&key) {
            return at_hand(hit, coding).await;
        }
        let rendered = Arc::new(
            tokio::task::spawn_blocking(move || {
                let rendered = render();
                rendered.encoded(coding);
                rendered
            })
            .await?,
        );
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
    pub fn with_cached<Q, T>(&self, key: &Q, answer: impl FnOnce(&Arc<Rendered>) -> T) -> Option<T>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
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

    #[tokio::test]
    async fn a_coding_is_compressed_only_once_a_client_asks_for_it() {
        let cache = RenderCache::<u8>::default();
        let counter = AtomicU64::new(0);
        let json = br#"{"packages":{"acme/foo":[{"version":"1.0.0"},{"version":"1.0.1"}]}}"#;
        let render = || {
            let config = crate::config::Config::new("http://us.test");
            Rendered::new(json.to_vec(), 0, false, &config.compression)
        };
        let plain = cache
            .get_or_render(1, Coding::Identity, &counter, render)
            .await
            .unwrap();
        assert!(plain.at_hand(Coding::Gzip).is_none());
        assert!(plain.at_hand(Coding::Brotli).is_none());
        let gzip = cache
            .get_or_render(1, Coding::Gzip, &counter, render)
            .await
            .unwrap();
        assert!(
            Arc::ptr_eq(&plain, &gzip),
            "the same body, not a second render"
        );
        assert_eq!(counter.load(Ordering::Relaxed), 1);
        let gzipped = gzip
            .at_hand(Coding::Gzip)
            .expect("gzip at hand once asked for");
        let mut decoded = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(&gzipped[..]),
            &mut decoded,
        )
        .unwrap();
        assert_eq!(decoded, json);
        assert!(
            gzip.at_hand(Coding::Brotli).is_none(),
            "brotli still not made"
        );
        let fresh = RenderCache::<u8>::default();
        let br = fresh
            .get_or_render(2, Coding::Brotli, &counter, render)
            .await
            .unwrap();
        let mut decoded = Vec::new();
        let compressed = br.at_hand(Coding::Brotli).expect("made with the render");
        brotli::BrotliDecompress(&mut &compressed[..], &mut decoded).unwrap();
        assert_eq!(decoded, json);
        assert!(br.at_hand(Coding::Gzip).is_none());
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
                    .get_or_render(key, Coding::Identity, &counter, move || {
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
