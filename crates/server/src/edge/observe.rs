//! Every request passes through [`handle`], which writes one access-log line when its
//! response is finished (method, path without the query, status, bytes, duration, the
//! account when a handler named it; never a credential; see [`crate::edge::access_log`]) and
//! feeds the counters that `GET /metrics` shows. Working at the connection level, not as a
//! router layer, means the bytes counted are the bytes actually sent, even for streamed
//! downloads. Per request this costs the account slot (one small allocation), the access
//! line and two atomic additions; the response body is only wrapped when it is streamed.

use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, Response, Uri};
use bytes::Bytes;
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use tower_service::Service;

use crate::edge::access_log::{self, AccessLine};
use crate::edge::listen::{RequestSlot, Serve};
use crate::edge::metrics::{Failure, Metrics, RouteGroup};

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
        handle(self.metrics.clone(), self.app.clone(), peer, request, slot)
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

/// What is known about a request until its response body is finished or dropped.
struct Exchange<S> {
    metrics: std::sync::Arc<Metrics>,
    method: Method,
    /// The request's URI (shares the request head's bytes): its path goes into the log line.
    uri: Uri,
    group: RouteGroup,
    started: Instant,
    status: u16,
    bytes: u64,
    account: AccountSlot,
    /// Whatever the connection layer holds while the request is in flight (its request
    /// slot): released when the exchange ends, i.e. when the last byte has gone out.
    _slot: S,
}

impl<S> Drop for Exchange<S> {
    fn drop(&mut self) {
        self.metrics
            .record_request(self.group, self.status, self.bytes);
        let line = AccessLine {
            method: self.method.as_str(),
            path: self.uri.path(),
            status: self.status,
            bytes: self.bytes,
            duration: self.started.elapsed(),
            account: self.account.0.get().map_or("-", String::as_str),
        };
        access_log::write(&line);
    }
}

/// Bodies up to this size, known in advance, are counted and logged when the handler
/// answers: they go out in one piece, so there is no need to watch them being sent.
const SMALL_BODY: u64 = 64 * 1024;

/// Runs one request through the router and records the exchange when the last byte of its
/// response has gone out (a small body of known size: when the handler answers). `slot`
/// is whatever the caller keeps alive for as long as the request is in flight.
pub async fn handle<S: Send + Sync + Unpin + 'static>(
    metrics: std::sync::Arc<Metrics>,
    mut app: axum::Router,
    peer: SocketAddr,
    mut request: Request<Incoming>,
    slot: S,
) -> Response<Body> {
    let uri = request.uri().clone();
    let mut exchange = Exchange {
        metrics: metrics.clone(),
        method: request.method().clone(),
        group: RouteGroup::of(uri.path()),
        uri,
        started: Instant::now(),
        // Replaced below; stays 499 (client went away) if the handler never answers.
        status: 499,
        bytes: 0,
        account: AccountSlot::default(),
        _slot: slot,
    };
    request.extensions_mut().insert(ConnectInfo(peer));
    request.extensions_mut().insert(exchange.account.clone());
    let response = match app.call(request.map(Body::new)).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    exchange.status = response.status().as_u16();
    if let Some(failure) = response.extensions().get::<Failure>() {
        metrics.record_failure(*failure);
    }
    match http_body::Body::size_hint(response.body()).exact() {
        Some(size) if size <= SMALL_BODY => {
            exchange.bytes = size;
            drop(exchange);
            response
        }
        _ => response.map(|inner| {
            Body::new(Counted {
                inner,
                exchange: Some(exchange),
            })
        }),
    }
}

/// A response body that counts what it yields and records the exchange when done.
struct Counted<S> {
    inner: Body,
    exchange: Option<Exchange<S>>,
}

impl<S: Send + Unpin + 'static> http_body::Body for Counted<S> {
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
