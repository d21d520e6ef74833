//! Side records of the hot path (when and where a key was last used, install counts from
//! notify-batch) are buffered in memory and written in batches, so answering a request
//! never waits on the database.
//!
//! A batch the database does not take (it is unreachable, SPEC §8) goes back into the
//! buffer and is written with the next batch once the database returns; nothing is lost to
//! an outage. The buffer is bounded: past `Config::usage_buffer_limit` install reports the
//! oldest are dropped, counted and logged. Key uses need no bound: there is one entry per
//! key, holding its latest use.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use packyard_store::Db;
use packyard_store::downloads::DownloadEvent;

use crate::snapshot::KeyEntry;

type KeyUses = HashMap<String, (i64, IpAddr)>;

#[derive(Clone)]
pub struct UsageRecorder {
    key_uses: Arc<Mutex<KeyUses>>,
    downloads: Arc<Mutex<Vec<DownloadEvent>>>,
    limit: usize,
    dropped: Arc<AtomicU64>,
}

/// Takes a buffer's lock; a panic elsewhere while holding it leaves the data usable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl UsageRecorder {
    /// A recorder holding at most `limit` unwritten install reports.
    pub fn new(limit: usize) -> UsageRecorder {
        UsageRecorder {
            key_uses: Arc::default(),
            downloads: Arc::default(),
            limit: limit.max(1),
            dropped: Arc::default(),
        }
    }

    /// Called on every `packages.json`: takes the lock at most once per key and second
    /// (the key entry remembers the second it was last recorded).
    pub fn key_used(&self, key: &KeyEntry, public_key: &str, ip: IpAddr) {
        let now = packyard_store::now();
        // Read first: a shared read does not bounce the cache line between cores.
        if key.use_recorded_at.load(Ordering::Relaxed) == now
            || key.use_recorded_at.swap(now, Ordering::Relaxed) == now
        {
            return;
        }
        let mut uses = lock(&self.key_uses);
        match uses.get_mut(public_key) {
            Some(entry) => *entry = (now, ip),
            None => drop(uses.insert(public_key.to_string(), (now, ip))),
        }
    }

    pub fn downloaded(&self, events: impl IntoIterator<Item = DownloadEvent>) {
        let mut downloads = lock(&self.downloads);
        downloads.extend(events);
        self.trim(&mut downloads);
    }

    /// Install reports not yet written.
    pub fn buffered_downloads(&self) -> usize {
        lock(&self.downloads).len()
    }

    /// Install reports dropped because the buffer was full.
    pub fn dropped_downloads(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    fn trim(&self, downloads: &mut Vec<DownloadEvent>) {
        if downloads.len() > self.limit {
            let excess = downloads.len() - self.limit;
            downloads.drain(..excess);
            let total = self.dropped.fetch_add(excess as u64, Ordering::Relaxed) + excess as u64;
            tracing::warn!(
                "install reports buffer full: dropped the {excess} oldest ({total} in all)"
            );
        }
    }

    /// Puts back a batch the database did not take, ahead of what came in meanwhile.
    fn give_back_downloads(&self, batch: Vec<DownloadEvent>) {
        let mut downloads = lock(&self.downloads);
        let newer = std::mem::replace(&mut *downloads, batch);
        downloads.extend(newer);
        self.trim(&mut downloads);
    }

    /// Puts back key uses the database did not take, unless a newer use came in meanwhile.
    fn give_back_key_uses(&self, batch: KeyUses) {
        let mut uses = lock(&self.key_uses);
        for (key, used) in batch {
            uses.entry(key).or_insert(used);
        }
    }
}

pub async fn run(usage: UsageRecorder, db: Db) {
    let mut interval = tokio::time::interval(Duration::from_secs(1));
    loop {
        interval.tick().await;
        flush(&usage, &db).await;
    }
}

/// Writes what is buffered; what the database does not take stays buffered for the next time.
pub async fn flush(usage: &UsageRecorder, db: &Db) {
    let uses = std::mem::take(&mut *lock(&usage.key_uses));
    if !uses.is_empty() {
        let rows: Vec<(String, i64, String)> = uses
            .iter()
            .map(|(k, (at, ip))| (k.clone(), *at, ip.to_string()))
            .collect();
        if let Err(e) = db.record_key_uses(&rows).await {
            tracing::warn!("could not record key usage yet, keeping it: {e}");
            usage.give_back_key_uses(uses);
        }
    }
    let downloads = std::mem::take(&mut *lock(&usage.downloads));
    if !downloads.is_empty()
        && let Err(e) = db.record_downloads(&downloads).await
    {
        let n = downloads.len();
        tracing::warn!("could not record {n} install notifications yet, keeping them: {e}");
        usage.give_back_downloads(downloads);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(i: usize) -> DownloadEvent {
        DownloadEvent {
            account_id: None,
            package: format!("acme/p{i}"),
            version: "1.0.0.0".into(),
            at: 0,
        }
    }

    #[test]
    fn a_batch_given_back_goes_ahead_of_newer_reports_and_the_bound_holds() {
        let usage = UsageRecorder::new(3);
        usage.downloaded([event(1), event(2)]);
        let batch = std::mem::take(&mut *lock(&usage.downloads));
        usage.downloaded([event(3)]);
        usage.give_back_downloads(batch);
        let names: Vec<String> = lock(&usage.downloads)
            .iter()
            .map(|e| e.package.clone())
            .collect();
        assert_eq!(names, ["acme/p1", "acme/p2", "acme/p3"]);
        usage.downloaded([event(4), event(5)]);
        assert_eq!(usage.buffered_downloads(), 3);
        assert_eq!(
            usage.dropped_downloads(),
            2,
            "the two oldest were dropped and counted"
        );
        let first = lock(&usage.downloads)[0].package.clone();
        assert_eq!(first, "acme/p3");
    }
}
