//! Every request passes through [`handle`], which writes one access-log line when its
//! response is finished (method, path without the query, status, bytes, duration, the
//! account when a handler named it; never a credential) and feeds the counters that
//! `GET /metrics` shows. Working at the connection level, not as a router layer, means
//! the bytes counted are the bytes actually sent, even for streamed downloads.

use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, Response};
use bytes::Bytes;
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use tower_service::Service;

use crate::edge::listen::{RequestSlot, Serve};
use crate::edge::metrics::{Failure, Metrics};

/// The router behind the observer: every exchange it answers is logged and counted in
/// `metrics`.
#[derive(Clone)]
pub struct Observed {
    metrics: std::sync::Arc<Metrics>,
    app: axum::Router,
}

impl Observed {
    pub fn new(metrics: std::sync::Arc<Metrics>, app: axum::Router) -> Observed {
        Observed { metrics, app }
    }
}

impl Serve for Observed {
    fn serve(
        &self,
        peer: SocketAddr,
        request: Request<Incoming>,
        slot: RequestSlot,
    ) -> impl Future<Output = Response<Body>> + Send + use<> {
        handle(
            self.metrics.clone(),
            self.app.clone(),
            peer,
            request,
            Box::new(slot),
        )
    }
}

/// Whose request it was: put into every request's extensions here and filled in by the
/// authentication extractors ([`crate::auth`]) once a credential names an account, so every
/// authenticated route logs its account without each handler having to say so.
#[derive(Clone, Debug, Default)]
pub struct AccountSlot(std::sync::Arc<std::sync::OnceLock<String>>);

impl AccountSlot {
    pub fn set(&self, account_id: &str) {
        let _ = self.0.set(account_id.to_string());
    }
}

/// Coarse route families for metrics (a label per path would be unbounded).
pub fn route_group(path: &str) -> &'static str {
    const GROUPS: [(&str, &str); 11] = [
        ("/packages.json", "packages"),
        ("/p2/", "p2"),
        ("/dist/", "dist"),
        ("/downloads/", "notify"),
        ("/products/downloads/", "downloads"),
        ("/api/", "api"),
        ("/metrics", "metrics"),
        ("/healthz", "health"),
        ("/readyz", "health"),
        ("/admin", "admin_portal"),
        ("/assets/", "assets"),
    ];
    GROUPS
        .iter()
        .find(|(prefix, _)| path.starts_with(prefix))
        .map_or("portal", |(_, group)| group)
}

/// What is known about a request until its response body is finished or dropped.
struct Exchange {
    metrics: std::sync::Arc<Metrics>,
    method: Method,
    path: String,
    group: &'static str,
    started: Instant,
    status: u16,
    bytes: u64,
    account: Option<String>,
    /// Whatever the connection layer holds while the request is in flight (its request
    /// slot): released when the exchange ends, i.e. when the last byte has gone out.
    _slot: InFlight,
}

impl Drop for Exchange {
    fn drop(&mut self) {
        let elapsed = self.started.elapsed();
        self.metrics
            .record_request(self.group, self.status, self.bytes);
        tracing::info!(
            target: "packyard::access",
            method = %self.method,
            path = %self.path,
            status = self.status,
            bytes = self.bytes,
            duration_ms = elapsed.as_secs_f64() * 1000.0,
            account = self.account.as_deref().unwrap_or("-"),
            "request",
        );
    }
}

/// A guard the caller keeps alive for as long as the request is in flight (the connection's
/// [`RequestSlot`]), type-erased so an exchange holds any such guard.
pub type InFlight = Box<dyn std::any::Any + Send + Sync>;

/// Runs one request through the router and wraps its response body so that the exchange
/// is recorded when the last byte has gone out.
pub async fn handle(
    metrics: std::sync::Arc<Metrics>,
    mut app: axum::Router,
    peer: SocketAddr,
    mut request: Request<Incoming>,
    slot: InFlight,
) -> Response<Body> {
    let path = request.uri().path().to_string();
    let mut exchange = Exchange {
        metrics: metrics.clone(),
        method: request.method().clone(),
        group: route_group(&path),
        path,
        started: Instant::now(),
        // Replaced below; stays 499 (client went away) if the handler never answers.
        status: 499,
        bytes: 0,
        account: None,
        _slot: slot,
    };
    request.extensions_mut().insert(ConnectInfo(peer));
    let account = AccountSlot::default();
    request.extensions_mut().insert(account.clone());
    let response = match app.call(request.map(Body::new)).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    exchange.status = response.status().as_u16();
    exchange.account = account.0.get().cloned();
    if let Some(failure) = response.extensions().get::<Failure>() {
        metrics.record_failure(*failure);
    }
    response.map(|inner| {
        Body::new(Counted {
            inner,
            exchange: Some(exchange),
        })
    })
}

/// A response body that counts what it yields and records the exchange when done.
struct Counted {
    inner: Body,
    exchange: Option<Exchange>,
}

impl http_body::Body for Counted {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let (Some(data), Some(exchange)) = (frame.data_ref(), self.exchange.as_mut()) {
                    exchange.bytes += data.len() as u64;
                }
            }
            // Finished (or failed): record now rather than when hyper drops the body.
            Poll::Ready(_) => drop(self.exchange.take()),
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
