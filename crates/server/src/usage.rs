//! Side records of the hot path (when and where a key was last used, install counts from
//! notify-batch) are buffered in memory and written in batches, so answering a request
//! never waits on the database.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use packyard_store::downloads::DownloadEvent;

use crate::AppState;
use crate::snapshot::KeyEntry;

#[derive(Clone, Default)]
pub struct UsageRecorder {
    key_uses: Arc<Mutex<HashMap<String, (i64, IpAddr)>>>,
    downloads: Arc<Mutex<Vec<DownloadEvent>>>,
}

impl UsageRecorder {
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
        let mut uses = self.key_uses.lock().expect("usage lock");
        match uses.get_mut(public_key) {
            Some(entry) => *entry = (now, ip),
            None => drop(uses.insert(public_key.to_string(), (now, ip))),
        }
    }

    pub fn downloaded(&self, events: impl IntoIterator<Item = DownloadEvent>) {
        self.downloads.lock().expect("usage lock").extend(events);
    }
}

pub async fn run(state: AppState) {
    let mut interval = tokio::time::interval(Duration::from_secs(1));
    loop {
        interval.tick().await;
        flush(&state).await;
    }
}

pub async fn flush(state: &AppState) {
    let uses: Vec<(String, i64, String)> =
        std::mem::take(&mut *state.usage.key_uses.lock().expect("usage lock"))
            .into_iter()
            .map(|(k, (at, ip))| (k, at, ip.to_string()))
            .collect();
    if !uses.is_empty()
        && let Err(e) = state.db.record_key_uses(&uses).await
    {
        tracing::warn!("could not record key usage: {e}");
    }
    let downloads = std::mem::take(&mut *state.usage.downloads.lock().expect("usage lock"));
    if !downloads.is_empty()
        && let Err(e) = state.db.record_downloads(&downloads).await
    {
        tracing::warn!(
            "could not record {} install notifications: {e}",
            downloads.len()
        );
    }
}
