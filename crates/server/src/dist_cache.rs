//! Recently served dist archives, kept in memory. Blob keys are content-addressed, so a cached
//! archive can never be stale; the cache only has to stay bounded. Small archives (Composer
//! packages are mostly tens of kilobytes) are then answered from memory with no file I/O,
//! which is what lets an authenticated download keep pace with nginx's `sendfile`. Large
//! archives are streamed from storage and never cached. The cache is split into shards behind
//! read-write locks so concurrent downloads of different archives do not contend.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::RwLock;

use bytes::Bytes;

/// Archives up to this size are cached.
pub const MAX_CACHED_ARCHIVE: u64 = 4 * 1024 * 1024;

const SHARDS: usize = 32;

pub struct DistCache {
    /// Bytes per shard.
    capacity: usize,
    router: RandomState,
    shards: Vec<RwLock<Shard>>,
}

#[derive(Default)]
struct Shard {
    bytes: usize,
    entries: HashMap<String, Bytes>,
}

impl DistCache {
    /// A cache holding up to about `capacity` bytes.
    pub fn new(capacity: usize) -> DistCache {
        DistCache {
            capacity: capacity / SHARDS,
            router: RandomState::new(),
            shards: (0..SHARDS).map(|_| RwLock::default()).collect(),
        }
    }

    fn shard(&self, key: &str) -> &RwLock<Shard> {
        &self.shards[self.router.hash_one(key) as usize % SHARDS]
    }

    pub fn get(&self, key: &str) -> Option<Bytes> {
        let shard = self.shard(key).read().expect("dist cache lock");
        shard.entries.get(key).cloned()
    }

    /// Keeps `bytes` under `key`. When its shard is full, the shard starts over: simpler than
    /// LRU bookkeeping on every hit, and a refill costs one read per archive.
    pub fn insert(&self, key: &str, bytes: Bytes) {
        if bytes.len() > self.capacity {
            return;
        }
        let mut shard = self.shard(key).write().expect("dist cache lock");
        if shard.bytes + bytes.len() > self.capacity {
            shard.entries.clear();
            shard.bytes = 0;
        }
        shard.bytes += bytes.len();
        if let Some(old) = shard.entries.insert(key.to_string(), bytes) {
            shard.bytes -= old.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_within_capacity() {
        let cache = DistCache::new(10 * SHARDS);
        cache.insert("a", Bytes::from_static(b"123456"));
        assert_eq!(cache.get("a").as_deref(), Some(&b"123456"[..]));
        cache.insert("big", Bytes::from_static(b"12345678901"));
        assert!(cache.get("big").is_none());
        let mut total = 0;
        for i in 0..1000 {
            cache.insert(&format!("k{i}"), Bytes::from_static(b"123"));
            total = cache
                .shards
                .iter()
                .map(|s| s.read().unwrap().bytes)
                .sum::<usize>();
        }
        assert!(total <= 10 * SHARDS, "{total}");
    }
}
