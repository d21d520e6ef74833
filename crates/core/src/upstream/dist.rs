//! A dist fetched from an upstream on first request: its bytes go to the client and into
//! storage at once (a bounded channel between them, so memory stays flat however large the
//! archive), and the copy becomes visible under its content-addressed key only once it is
//! complete and matches the upstream's sha1. Anything short of that is discarded and the
//! client's response is cut off with an error, so neither side keeps a half archive.
//!
//! Single flight: while a dist is being fetched, further requests for it do not call the
//! upstream again; they wait for that fetch and are served from storage once it is stored
//! (or told why it failed). The first client's stream paces the fetch, as before.

use std::io;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use packyard_blobs::ByteStream;
use tokio::sync::watch;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use packyard_blobs::StagedObject;
use packyard_store::upstreams::{Upstream, UpstreamDist};
use sha1::{Digest, Sha1};
use tokio::sync::mpsc;

use super::catalog::{MirroredVersion, UpstreamDistRef};
use super::client::{FetchResponse, UpstreamError};
use super::mirror::{DistId, FlightOutcome, Mirror};

/// Chunks buffered between the upstream and storage, and between the upstream and a slow
/// client.
const CHANNEL_CHUNKS: usize = 2;

/// The upstream's bytes are copied into pieces of this size before they queue: the HTTP
/// client's read buffer (up to ~400 KiB) is then free to be reused by its next read, instead
/// of a fresh one being allocated per read while the chunks it backs wait in the channels.
/// Memory in flight stays about 2 × `CHANNEL_CHUNKS` pieces plus one read buffer.
const PIECE_BYTES: usize = 64 * 1024;

/// The client's side of a dist: its size when known, and its bytes as they come (from the
/// upstream while the first fetch runs, from storage afterwards).
pub struct Streaming {
    pub size: Option<u64>,
    pub body: ByteStream,
}

/// The leader's end of a fetch in flight. Dropped without [`Flight::land`] (an error before
/// the first byte, a panic), it tells the waiters the fetch failed.
struct Flight {
    mirror: Arc<Mirror>,
    id: DistId,
    outcome: watch::Sender<FlightOutcome>,
    landed: bool,
}

impl Flight {
    fn land(mut self, outcome: Result<(), String>) {
        self.landed = true;
        self.finish(outcome);
    }

    fn finish(&self, outcome: Result<(), String>) {
        // Stored (and remembered) before the entry goes: a request that finds no flight finds
        // the stored dist.
        self.mirror
            .flights
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.id);
        self.outcome.send_replace(Some(outcome));
    }
}

impl Drop for Flight {
    fn drop(&mut self) {
        if !self.landed {
            self.finish(Err("the fetch was abandoned".into()));
        }
    }
}

/// What a request for a dist not yet stored does: fetch it, or wait for the fetch running.
enum Role {
    Leader(Flight),
    Follower(watch::Receiver<FlightOutcome>),
    Stored(UpstreamDist),
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
        let id = (
            package.to_string(),
            version.version_normalized.clone(),
            dist.reference.clone(),
        );
        let flight = match self.role(id) {
            Role::Leader(flight) => flight,
            Role::Stored(stored) => return self.stored_stream(up, &stored).await,
            Role::Follower(mut outcome) => {
                self.stats(up.id).hits.fetch_add(1, Ordering::Relaxed);
                let landed = outcome
                    .wait_for(Option::is_some)
                    .await
                    .map(|o| o.clone().unwrap_or(Ok(())))
                    .unwrap_or_else(|_| Err("the fetch was abandoned".into()));
                landed.map_err(|e| UpstreamError::Fetch(up.name.clone(), e))?;
                let stored = self
                    .stored_dist(up.id, package, &version.version_normalized, &dist.reference)
                    .await
                    .ok_or_else(|| {
                        UpstreamError::Fetch(up.name.clone(), "it was not stored".into())
                    })?;
                return self.stored_stream(up, &stored).await;
            }
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
            flight.land(outcome.clone());
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
        Ok(Streaming {
            size,
            body: receiver_stream(rx).boxed(),
        })
    }

    /// Whether this request fetches dist `id`, waits for the fetch in flight, or finds it
    /// stored since the caller last looked.
    fn role(self: &Arc<Self>, id: DistId) -> Role {
        let mut flights = self.flights.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(outcome) = flights.get(&id) {
            return Role::Follower(outcome.clone());
        }
        if let Some(stored) = self.dists.load().get(&id) {
            return Role::Stored(stored.clone());
        }
        let (outcome, waiting) = watch::channel(None);
        flights.insert(id.clone(), waiting);
        Role::Leader(Flight {
            mirror: self.clone(),
            id,
            outcome,
            landed: false,
        })
    }

    /// A stored dist's bytes from our storage.
    async fn stored_stream(
        &self,
        up: &Upstream,
        stored: &UpstreamDist,
    ) -> Result<Streaming, UpstreamError> {
        let body = self
            .blobs
            .read(&stored.blob_key, None)
            .await
            .map_err(|e| UpstreamError::Fetch(up.name.clone(), format!("storage: {e}")))?;
        Ok(Streaming {
            size: Some(stored.size as u64),
            body,
        })
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
            'chunks: loop {
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
                for piece in chunk.chunks(PIECE_BYTES) {
                    let piece = Bytes::copy_from_slice(piece);
                    if pipe_tx.send(Ok(piece.clone())).await.is_err() {
                        break 'chunks Err("storage stopped reading".to_string());
                    }
                    if client_open && client.send(Ok(piece)).await.is_err() {
                        // The client went away; finish storing for the next one.
                        client_open = false;
                    }
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
