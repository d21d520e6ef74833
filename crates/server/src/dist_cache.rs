//! Recently served dist archives, kept in memory. Blob keys are content-addressed, so a cached
//! archive can never be stale; the cache only has to stay bounded. Small archives (Composer
//! packages are mostly tens of kilobytes) are then answered from memory with no file I/O,
//! which is what lets an authenticated download keep pace with nginx's `sendfile`. Large
//! archives are streamed from storage and never cached.

use std::collections::HashMap;
use std::sync::Mutex;

use bytes::Bytes;

/// Archives up to this size are cached.
pub const MAX_CACHED_ARCHIVE: u64 = 4 * 1024 * 1024;

pub struct DistCache {
    capacity: usize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    bytes: usize,
    entries: HashMap<String, Bytes>,
}

impl DistCache {
    pub fn new(capacity: usize) -> DistCache {
        DistCache {
            capacity,
            inner: Mutex::default(),
        }
    }

    pub fn get(&self, key: &str) -> Option<Bytes> {
        self.inner
            .lock()
            .expect("dist cache lock")
            .entries
            .get(key)
            .cloned()
    }

    /// Keeps `bytes` under `key`. When full, the cache starts over: simpler than LRU
    /// bookkeeping on every hit, and a refill costs one read per archive.
    pub fn insert(&self, key: &str, bytes: Bytes) {
        if bytes.len() > self.capacity {
            return;
        }
        let mut inner = self.inner.lock().expect("dist cache lock");
        if inner.bytes + bytes.len() > self.capacity {
            inner.entries.clear();
            inner.bytes = 0;
        }
        inner.bytes += bytes.len();
        if let Some(old) = inner.entries.insert(key.to_string(), bytes) {
            inner.bytes -= old.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_within_capacity() {
        let cache = DistCache::new(10);
        cache.insert("a", Bytes::from_static(b"123456"));
        assert_eq!(cache.get("a").as_deref(), Some(&b"123456"[..]));
        cache.insert("b", Bytes::from_static(b"123456"));
        assert!(cache.get("a").is_none());
        assert!(cache.get("b").is_some());
        cache.insert("big", Bytes::from_static(b"12345678901"));
        assert!(cache.get("big").is_none());
    }
}
