//! Recently served dist archives, kept in memory. Blob keys are content-addressed, so a cached
//! archive can never be stale; the cache only has to stay bounded. Small archives (Composer
//! packages are mostly tens of kilobytes) are then answered from memory with no file I/O,
//! which is what lets an authenticated download keep pace with nginx's `sendfile`. Large
//! archives are streamed from storage and never cached.
//!
//! The bound is in bytes, not entries (`quick_cache` weighted by archive size, with its
//! CLOCK-Pro eviction keeping popular archives), so a burst of new archives evicts the least
//! useful ones instead of emptying a whole shard.

use bytes::Bytes;
use quick_cache::Weighter;
use quick_cache::sync::Cache;

#[derive(Clone)]
struct BySize;

impl Weighter<String, Bytes> for BySize {
    fn weight(&self, _key: &String, bytes: &Bytes) -> u64 {
        // Empty archives still cost an entry.
        (bytes.len() as u64).max(1)
    }
}

pub struct DistCache {
    /// Archives larger than this are not cached.
    max_archive: u64,
    cache: Cache<String, Bytes, BySize>,
}

impl DistCache {
    /// A cache holding up to `capacity` bytes of archives of at most `max_archive` bytes.
    pub fn new(capacity: u64, max_archive: u64) -> DistCache {
        // Composer archives average tens of KiB; the estimate only sizes the index.
        let estimated_items = (capacity / (32 * 1024)).clamp(16, 1 << 20) as usize;
        DistCache {
            max_archive,
            cache: Cache::with_weighter(estimated_items, capacity, BySize),
        }
    }

    /// Whether an archive of `size` bytes is worth caching.
    pub fn accepts(&self, size: u64) -> bool {
        size <= self.max_archive
    }

    pub fn get(&self, key: &str) -> Option<Bytes> {
        self.cache.get(key)
    }

    pub fn insert(&self, key: &str, bytes: Bytes) {
        if self.accepts(bytes.len() as u64) {
            self.cache.insert(key.to_string(), bytes);
        }
    }

    /// Bytes held now.
    pub fn weight(&self) -> u64 {
        self.cache.weight()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_within_capacity_and_refuses_large_archives() {
        let cache = DistCache::new(1000, 100);
        cache.insert("a", Bytes::from_static(b"123456"));
        assert_eq!(cache.get("a").as_deref(), Some(&b"123456"[..]));
        cache.insert("big", Bytes::from(vec![0u8; 101]));
        assert!(cache.get("big").is_none());
        for i in 0..1000 {
            cache.insert(&format!("k{i}"), Bytes::from(vec![1u8; 50]));
            assert!(cache.weight() <= 1000, "{}", cache.weight());
        }
        let kept = (0..1000)
            .filter(|i| cache.get(&format!("k{i}")).is_some())
            .count();
        assert!(
            kept >= 10,
            "a full cache keeps most of its capacity: {kept}"
        );
    }
}
