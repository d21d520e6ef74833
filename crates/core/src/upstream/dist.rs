//! A dist fetched from an upstream on first request: its bytes go to the client and into
//! storage at once (a bounded channel between them, so memory stays flat however large the
//! archive), and the copy becomes visible under its content-addressed key only once it is
//! complete and matches the upstream's sha1. Anything short of that is discarded and the
//! client's response is cut off with an error, so neither side keeps a half archive.

use std::io;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use packyard_blobs::StagedObject;
use packyard_store::upstreams::{Upstream, UpstreamDist};
use sha1::{Digest, Sha1};
use tokio::sync::mpsc;

use super::Mirror;
use super::catalog::{MirroredVersion, UpstreamDistRef};
use super::client::{FetchResponse, UpstreamError};

/// Chunks buffered between the upstream and a slow client.
const CHANNEL_CHUNKS: usize = 2;

/// The client's side of a dist being fetched: its size when the upstream announced it.
pub struct Streaming {
    pub size: Option<u64>,
    pub body: mpsc::Receiver<io::Result<Bytes>>,
}

/// What the storing side needs to know about the dist.
struct Target {
    upstream: Upstream,
    package: String,
    version_normalized: String,
    released_at: i64,
    dist: UpstreamDistRef,
}

impl Mirror {
    /// Starts fetching `version`'s dist from `up`; bytes flow to the returned receiver while
    /// they are stored. Errors before the first byte come back here (for a 502).
    pub async fn fetch_dist(
        self: &Arc<Self>,
        up: &Upstream,
        package: &str,
        version: &MirroredVersion,
    ) -> Result<Streaming, UpstreamError> {
        let Some(dist) = version.dist.clone() else {
            return Err(UpstreamError::Malformed(up.name.clone()));
        };
        let stats = self.stats(up.id);
        stats.misses.fetch_add(1, Ordering::Relaxed);
        let permit = tokio::time::timeout(
            self.limits.first_fetch_wait,
            stats.permits.clone().acquire_owned(),
        )
        .await
        .map_err(|_| UpstreamError::Slow(up.name.clone(), self.limits.first_fetch_wait.as_secs()))?
        .map_err(|_| UpstreamError::Slow(up.name.clone(), 0))?;
        let opened = match self.caller(up) {
            Ok(caller) => caller.open_dist(self.http(), &self.limits, &dist.url).await,
            Err(e) => Err(e),
        };
        self.outcome(up, opened.as_ref().err()).await;
        let resp = opened?;
        let size = resp.content_length;
        let (tx, rx) = mpsc::channel(CHANNEL_CHUNKS);
        let target = Target {
            upstream: up.clone(),
            package: package.to_string(),
            version_normalized: version.version_normalized.clone(),
            released_at: version.released_at,
            dist,
        };
        let mirror = self.clone();
        tokio::spawn(async move {
            let outcome = mirror.store(resp, &target, tx.clone()).await;
            drop(permit);
            if let Err(e) = outcome {
                tracing::warn!(
                    "dist of {} {} from upstream {} not stored: {e}",
                    target.package,
                    target.version_normalized,
                    target.upstream.name
                );
                let _ = tx.send(Err(io::Error::other(e))).await;
            }
        });
        Ok(Streaming { size, body: rx })
    }

    /// Streams `resp` into storage, teeing each chunk to `client`, and records the dist.
    async fn store(
        &self,
        mut resp: FetchResponse,
        target: &Target,
        client: mpsc::Sender<io::Result<Bytes>>,
    ) -> Result<(), String> {
        let sha1 = Arc::new(Mutex::new(Sha1::new()));
        let stats = self.stats(target.upstream.id);
        let hasher = sha1.clone();
        let (pipe_tx, pipe_rx) = mpsc::channel::<io::Result<Bytes>>(CHANNEL_CHUNKS);
        let reader = tokio_util::io::StreamReader::new(Box::pin(receiver_stream(pipe_rx)));
        let extension = if target.dist.kind == "zip" {
            "zip"
        } else {
            "bin"
        };
        let stage = self
            .blobs
            .stage_stream("dists", extension, reader, self.limits.max_dist_bytes);
        let pump = async {
            // Owned by the pump: storage sees the end of the stream when the pump ends.
            let pipe_tx = pipe_tx;
            let mut client_open = true;
            loop {
                let chunk = match resp.body.next().await {
                    Some(Ok(c)) => c,
                    None => break Ok(()),
                    Some(Err(e)) => break Err(format!("the upstream stopped sending: {e}")),
                };
                hasher
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .update(&chunk);
                stats.bytes.fetch_add(chunk.len() as u64, Ordering::Relaxed);
                if pipe_tx.send(Ok(chunk.clone())).await.is_err() {
                    break Err("storage stopped reading".to_string());
                }
                if client_open && client.send(Ok(chunk)).await.is_err() {
                    // The client went away; finish storing for the next one.
                    client_open = false;
                }
            }
        };
        let (pumped, staged) = tokio::join!(pump, stage);
        pumped?;
        let staged: StagedObject = staged.map_err(|e| e.to_string())?;
        let sha1 = hex::encode(
            sha1.lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone()
                .finalize(),
        );
        if !target.dist.shasum.is_empty() && !target.dist.shasum.eq_ignore_ascii_case(&sha1) {
            return Err(format!(
                "its sha1 is {sha1}, the upstream's metadata says {}",
                target.dist.shasum
            ));
        }
        let object = staged.commit().await.map_err(|e| e.to_string())?;
        let record = UpstreamDist {
            upstream_id: target.upstream.id,
            package: target.package.clone(),
            version_normalized: target.version_normalized.clone(),
            reference: target.dist.reference.clone(),
            sha1,
            size: object.size as i64,
            blob_key: object.key,
            released_at: target.released_at,
        };
        self.db
            .save_upstream_dist(&record)
            .await
            .map_err(|e| e.to_string())?;
        self.remember_dist(record);
        Ok(())
    }
}

/// The chunks arriving on `rx`, as a stream (for a response body or a storage reader).
pub fn receiver_stream(
    rx: mpsc::Receiver<io::Result<Bytes>>,
) -> impl Stream<Item = io::Result<Bytes>> + Send + 'static {
    futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) })
}
