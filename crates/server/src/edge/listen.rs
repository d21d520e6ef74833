//! Connections, accepted here rather than by `axum::serve`, because a server facing the
//! internet needs what that loop lacks (SPEC §8, §10):
//! - a deadline for the first request head (`header_timeout`; hyper enforces the same for
//!   every later head) and an idle deadline between requests, for HTTP/1 and HTTP/2 alike;
//! - a cap on open connections below the file limit; at the cap the idle connection that has
//!   waited longest is closed to make room, so a flood of idle or half-open sockets costs an
//!   honest client nothing but a slot;
//! - TLS handshakes inside each connection's own task (counted by the cap, bounded by the
//!   header deadline), HTTP/2 or HTTP/1.1 by ALPN, certificates swappable at run time;
//! - graceful shutdown: stop accepting, let in-flight requests finish (up to
//!   `drain_timeout`), then return.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio_util::either::Either;
use tokio_util::sync::CancellationToken;

use bytes::BytesMut;
pub use packyard_core::config::ConnectionLimits;

pub use crate::edge::activity::{Activity, RequestSlot};
use crate::edge::coalesce::{Coalesce, Passes};
use crate::edge::direct::{self, Outcome};
use crate::edge::inline_first::InlineFirst;
use crate::edge::rewind::Rewind;
pub use crate::edge::serve::Serve;
use crate::edge::tls::{TlsCertificates, TlsListener};

/// What the accept loop accepts connections on.
pub enum Listener {
    Plain(TcpListener),
    Tls(TlsListener),
}

impl From<TcpListener> for Listener {
    fn from(tcp: TcpListener) -> Listener {
        Listener::Plain(tcp)
    }
}

impl From<TlsListener> for Listener {
    fn from(tls: TlsListener) -> Listener {
        Listener::Tls(tls)
    }
}

#[derive(Clone)]
enum Handshake {
    Plain,
    Tls(TlsCertificates),
}

type Stream = Either<TcpStream, tokio_rustls::server::TlsStream<TcpStream>>;

impl Handshake {
    async fn accept(&self, tcp: TcpStream) -> std::io::Result<Stream> {
        match self {
            Handshake::Plain => Ok(Either::Left(tcp)),
            Handshake::Tls(certificates) => {
                Ok(Either::Right(certificates.acceptor().accept(tcp).await?))
            }
        }
    }
}

/// The open connections, so that the accept loop can make room and shutdown can wait.
#[derive(Default)]
struct Registry {
    open: Mutex<HashMap<u64, Arc<Activity>>>,
    next_id: AtomicU64,
    closed: Notify,
}

impl Registry {
    fn open(&self) -> MutexGuard<'_, HashMap<u64, Arc<Activity>>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn insert(self: &Arc<Registry>) -> Registered {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let activity = Activity::new();
        self.open().insert(id, activity.clone());
        Registered {
            registry: self.clone(),
            id,
            activity,
        }
    }

    /// Closes the connection that has been idle longest; false when none is idle.
    fn shed_idle(&self) -> bool {
        let open = self.open();
        let oldest = open
            .values()
            .filter(|a| !a.close.is_raised())
            .filter_map(|a| a.idle_since().map(|since| (since, a)))
            .min_by_key(|(since, _)| *since);
        match oldest {
            Some((_, activity)) => {
                activity.close.raise();
                true
            }
            None => false,
        }
    }

    /// Waits until fewer than `max` connections are open, shedding idle ones if needed.
    async fn make_room(&self, max: usize) {
        loop {
            let closed = self.closed.notified();
            tokio::pin!(closed);
            closed.as_mut().enable();
            if self.open().len() < max {
                return;
            }
            if self.shed_idle() {
                tracing::debug!("connection limit reached: closed the longest-idle connection");
            }
            closed.await;
        }
    }

    /// Asks every open connection to finish its request in flight and close.
    fn drain_all(&self) {
        for activity in self.open().values() {
            activity.drain.raise();
        }
    }

    async fn wait_empty(&self) {
        loop {
            let closed = self.closed.notified();
            tokio::pin!(closed);
            closed.as_mut().enable();
            if self.open().is_empty() {
                return;
            }
            closed.await;
        }
    }
}

/// A registry entry that removes itself when the connection's task ends (however it ends).
struct Registered {
    registry: Arc<Registry>,
    id: u64,
    activity: Arc<Activity>,
}

impl Drop for Registered {
    fn drop(&mut self) {
        self.registry.open().remove(&self.id);
        self.registry.closed.notify_waiters();
    }
}

struct Shared<S> {
    service: S,
    limits: ConnectionLimits,
    handshake: Handshake,
    builder: auto::Builder<InlineFirst>,
}

/// Accepts connections until `shutdown` is cancelled, then waits for in-flight requests
/// (at most `drain_timeout`).
pub async fn run<S: Serve>(
    listener: Listener,
    limits: ConnectionLimits,
    service: S,
    shutdown: CancellationToken,
) {
    let (tcp, handshake) = match listener {
        Listener::Plain(tcp) => (tcp, Handshake::Plain),
        Listener::Tls(tls) => {
            let (tcp, certificates) = tls.into_parts();
            (tcp, Handshake::Tls(certificates))
        }
    };
    let mut builder = auto::Builder::new(InlineFirst);
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    builder.http2().timer(TokioTimer::new());
    let shared = Arc::new(Shared {
        service,
        limits: limits.clone(),
        handshake,
        builder,
    });
    let registry = Arc::new(Registry::default());
    loop {
        tokio::select! {
            () = shutdown.cancelled() => break,
            () = registry.make_room(limits.max_connections) => {}
        }
        let accepted = tokio::select! {
            () = shutdown.cancelled() => break,
            accepted = tcp.accept() => accepted,
        };
        match accepted {
            Ok((stream, peer)) => {
                let entry = registry.insert();
                tokio::spawn(connection(shared.clone(), entry, stream, peer));
            }
            Err(e) => {
                // Typically out of file descriptors: back off instead of spinning.
                tracing::warn!("accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    drop(tcp);
    registry.drain_all();
    if tokio::time::timeout(limits.drain_timeout, registry.wait_empty())
        .await
        .is_err()
    {
        tracing::warn!(
            "shutdown: {} connection(s) still busy after {:?}; closing them",
            registry.open().len(),
            limits.drain_timeout
        );
    }
}

async fn connection<S: Serve>(
    shared: Arc<Shared<S>>,
    entry: Registered,
    tcp: TcpStream,
    peer: SocketAddr,
) {
    let limits = &shared.limits;
    let activity = entry.activity.clone();
    let _ = tcp.set_nodelay(true);
    let mut io = tokio::select! {
        io = tokio::time::timeout(limits.header_timeout, shared.handshake.accept(tcp)) => match io {
            Ok(Ok(io)) => io,
            Ok(Err(e)) => return tracing::debug!("handshake with {peer} failed: {e}"),
            Err(_) => return tracing::debug!("handshake with {peer} timed out"),
        },
        () = activity.close.raised() => return,
        () = activity.drain.raised() => return,
    };
    let mut unread = BytesMut::new();
    let http1 = speaks_http1(&io);
    if http1 {
        let outcome = tokio::select! {
            outcome = direct::serve(&mut io, &shared.service, &activity, limits) => outcome,
            () = activity.expired(limits) => return,
            () = activity.close.raised() => return,
        };
        match outcome {
            Outcome::Closed => return,
            Outcome::Handover(rest) => unread = rest,
        }
    }
    let io = Rewind::new(unread, io);
    // HTTP/2 by ALPN: the answers of one pass over the connection, gathered into one write.
    // (HTTP/1.1 answers one request at a time, and hyper writes each answer once already.)
    let passes = Passes::default();
    let io = if http1 {
        Either::Left(io)
    } else {
        Either::Right(Coalesce::new(io, passes.clone()))
    };
    let (inner, requests) = (shared.service.clone(), activity.clone());
    // The connection's memo (the credential it verified last). hyper calls the service from
    // the connection's task, one request at a time, so the lock is never contended; were it
    // ever held or poisoned, the request would just verify afresh.
    let memo = std::sync::Mutex::new(S::Memo::default());
    let service = hyper::service::service_fn(move |request| {
        let slot = requests.begin();
        let answer = match memo.try_lock() {
            Ok(mut memo) => inner.serve(peer, request, slot, &mut memo),
            Err(_) => inner.serve(peer, request, slot, &mut S::Memo::default()),
        };
        async move { Ok::<_, Infallible>(answer.await) }
    });
    let conn = shared
        .builder
        .serve_connection_with_upgrades(TokioIo::new(io), service);
    tokio::pin!(conn);
    let mut draining = false;
    loop {
        tokio::select! {
            _ = std::future::poll_fn(|cx| {
                passes.next();
                conn.as_mut().poll(cx)
            }) => break,
            () = activity.drain.raised(), if !draining => {
                conn.as_mut().graceful_shutdown();
                draining = true;
            }
            () = activity.expired(limits), if !draining => break,
            () = activity.close.raised(), if !draining => break,
        }
    }
    drop(entry);
}

/// Whether the connection starts out as HTTP/1 (TLS without ALPN `h2`; a plain connection
/// may still turn out to be HTTP/2 by its preface, which [`direct`] hands to hyper).
fn speaks_http1(io: &Stream) -> bool {
    match io {
        Either::Left(_) => true,
        Either::Right(tls) => tls.get_ref().1.alpn_protocol() != Some(b"h2"),
    }
}
