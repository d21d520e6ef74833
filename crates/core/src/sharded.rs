//! A copy-on-write hash map split into shards, so a snapshot update copies O(changed), not
//! O(all). Cloning the map clones one `Arc` per shard; inserting or removing copies only the
//! one shard the key falls in (about `len / SHARDS` entries, each an `Arc`), and maps cloned
//! earlier keep seeing their old shard. Lookups cost one extra hash to pick the shard.
//!
//! Why not a persistent map crate (`im`, `rpds`): those are MPL-licensed, and a hash-array
//! mapped trie makes every lookup slower; the hot path does far more lookups than updates.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash};

/// foldhash rather than SipHash: every request looks up a key, an account and a package,
/// and foldhash is several times faster on short strings. Each map (and the router) gets
/// its own random seed, so keys cannot be chosen in advance to collide.
type RandomState = foldhash::fast::RandomState;
use std::sync::Arc;

const SHARDS: usize = 256;

pub struct ShardedMap<K, V> {
    /// Picks the shard. Independent of the shards' own hasher, so that keys in one shard do
    /// not share hash bits the shard's table relies on.
    router: RandomState,
    shards: Vec<Arc<HashMap<K, Arc<V>, RandomState>>>,
}

impl<K, V> Clone for ShardedMap<K, V> {
    fn clone(&self) -> Self {
        ShardedMap {
            router: self.router.clone(),
            shards: self.shards.clone(),
        }
    }
}

impl<K: Hash + Eq + Clone, V> Default for ShardedMap<K, V> {
    fn default() -> Self {
        ShardedMap {
            router: RandomState::default(),
            shards: (0..SHARDS).map(|_| Arc::new(HashMap::default())).collect(),
        }
    }
}

impl<K: Hash + Eq + Clone, V> ShardedMap<K, V> {
    pub fn new() -> Self {
        Self::default()
    }

    fn shard_of<Q: Hash + ?Sized>(&self, key: &Q) -> usize {
        (self.router.hash_one(key) as usize) % SHARDS
    }

    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.shards[self.shard_of(key)].get(key).map(|v| &**v)
    }

    /// The shared entry itself, to keep it alive past this snapshot or compare identity.
    pub fn get_arc<Q>(&self, key: &Q) -> Option<&Arc<V>>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.shards[self.shard_of(key)].get(key)
    }

    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.get(key).is_some()
    }

    pub fn insert(&mut self, key: K, value: V) {
        self.insert_arc(key, Arc::new(value));
    }

    pub fn insert_arc(&mut self, key: K, value: Arc<V>) {
        let i = self.shard_of(&key);
        Arc::make_mut(&mut self.shards[i]).insert(key, value);
    }

    pub fn remove<Q>(&mut self, key: &Q) -> Option<Arc<V>>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let i = self.shard_of(key);
        if !self.shards[i].contains_key(key) {
            return None;
        }
        Arc::make_mut(&mut self.shards[i]).remove(key)
    }

    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.shards.iter().all(|s| s.is_empty())
    }

    /// Every entry, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.shards
            .iter()
            .flat_map(|s| s.iter().map(|(k, v)| (k, &**v)))
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.shards.iter().flat_map(|s| s.keys())
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.shards.iter().flat_map(|s| s.values().map(|v| &**v))
    }
}

impl<K: Hash + Eq + Clone, V> FromIterator<(K, V)> for ShardedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = ShardedMap::new();
        let mut staged: Vec<HashMap<K, Arc<V>, RandomState>> =
            (0..SHARDS).map(|_| HashMap::default()).collect();
        for (k, v) in iter {
            staged[map.shard_of(&k)].insert(k, Arc::new(v));
        }
        map.shards = staged.into_iter().map(Arc::new).collect();
        map
    }
}

#[cfg(test)]
mod tests {
    use super::ShardedMap;
    use std::sync::Arc;

    #[test]
    fn clones_share_untouched_shards_and_keep_their_own_view() {
        let mut a: ShardedMap<String, u32> = (0..10_000).map(|i| (format!("k{i}"), i)).collect();
        let before = a.clone();
        a.insert("k5".into(), 99);
        a.remove("k6");
        assert_eq!(a.get("k5"), Some(&99));
        assert_eq!(a.get("k6"), None);
        assert_eq!(before.get("k5"), Some(&5));
        assert_eq!(before.get("k6"), Some(&6));
        assert_eq!(a.len(), 9_999);
        let shared = (0..10_000)
            .map(|i| format!("k{i}"))
            .filter(|k| {
                Arc::ptr_eq(
                    a.get_arc(k.as_str()).unwrap_or(&Arc::new(0)),
                    before.get_arc(k.as_str()).unwrap(),
                )
            })
            .count();
        // Only the two touched shards were copied; their entries are still the same Arcs,
        // except the replaced one.
        assert_eq!(shared, 9_998);
        let copied = a
            .shards
            .iter()
            .zip(&before.shards)
            .filter(|(x, y)| !Arc::ptr_eq(x, y))
            .count();
        assert!(copied <= 2, "{copied} shards copied");
    }
}
