//! Every request hyper reads passes through [`Observed`], and every request the connection
//! answers itself ([`crate::edge::direct`]) through [`Serve::at_once`]; either writes one
//! access-log line when its response is finished (method, path without the query, status,
//! bytes, duration, the account when a handler named it; never a credential; see
//! [`crate::edge::access_log`]) and feeds the counters that `GET /metrics` shows. Working at the connection level, not as a
//! router layer, means the bytes counted are the bytes actually sent, even for streamed
//! downloads. Per request this costs the account slot (one small allocation), the access
//! line and two atomic additions; the response body is only wrapped when it is streamed.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Instant, SystemTime};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, Response, Uri};
use bytes::Bytes;
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use tower_service::Service;

use crate::edge::access_log::{self, AccessLine};
use crate::edge::activity::RequestSlot;
use crate::edge::conditional::JsonAnswer;
use crate::edge::metrics::{Failure, Metrics, RouteGroup};
use crate::edge::request_headers::{LaneHeaders, RequestHeaders};
use crate::edge::serve::{Arrival, Serve};
use packyard_core::snapshot::AccountEntry;

/// A lane in front of the router for the requests that are answered most and entirely from
/// memory: it answers them synchronously, naming the account, or returns `None` and the
/// request goes on to the router, which answers it the same way (see
/// `crate::composer::hot`).
pub trait Lane: Clone + Send + Sync + 'static {
    /// What a connection carries from one of its requests to the next (the credential it
    /// verified): kept by the direct lane's loop, or by hyper's service for the connection.
    type Memo: Default + Send;

    fn answer<'m>(
        &self,
        method: &Method,
        path: &str,
        headers: &impl RequestHeaders,
        memo: &'m mut Self::Memo,
    ) -> Option<(JsonAnswer, &'m Arc<AccountEntry>)>;
}

/// The lane and the router behind the observer: every exchange they answer is logged and
/// counted in `metrics`.
#[derive(Clone)]
pub struct Observed<L> {
    metrics: Arc<Metrics>,
    lane: L,
    app: axum::Router,
}

impl<L: Lane> Observed<L> {
    pub fn new(metrics: Arc<Metrics>, lane: L, app: axum::Router) -> Observed<L> {
        Observed { metrics, lane, app }
    }
}

impl<L: Lane> Serve for Observed<L> {
    type Memo = L::Memo;

    fn serve(
        &self,
        peer: SocketAddr,
        request: Request<Incoming>,
        slot: RequestSlot,
        memo: &mut L::Memo,
    ) -> impl Future<Output = Response<Body>> + Send + use<L> {
        let started = Instant::now();
        let quick = self
            .lane
            .answer(
                request.method(),
                request.uri().path(),
                request.headers(),
                memo,
            )
            .map(|(response, account)| (response, account.clone()));
        let (metrics, app) = (self.metrics.clone(), self.app.clone());
        async move {
            match quick {
                Some((response, account)) => {
                    let account = Account::Known(account);
                    finish(
                        Exchange::new(metrics, &request, started, slot, account),
                        response.into_response().map(Body::from),
                    )
                }
                None => handle_from(metrics, app, peer, request, slot, started).await,
            }
        }
    }

    fn at_once(
        &self,
        method: &Method,
        path: &str,
        headers: &LaneHeaders<'_>,
        arrived: Arrival,
        memo: &mut L::Memo,
    ) -> Option<JsonAnswer> {
        let (response, account) = self.lane.answer(method, path, headers, memo)?;
        // Written in one piece by the connection right after this: counted as sent.
        let bytes = response.body.len() as u64;
        record(
            &self.metrics,
            &Logged {
                method: method.as_str(),
                path,
                status: response.status().as_u16(),
                bytes,
                started: arrived.instant,
                at: Some(arrived.wall),
                account: &account.public_id,
            },
        );
        Some(response)
    }
}

/// One exchange as the access log and the counters see it.
struct Logged<'a> {
    method: &'a str,
    /// Without the query.
    path: &'a str,
    status: u16,
    bytes: u64,
    started: Instant,
    /// When it was read, if the caller read the wall clock already (else: now).
    at: Option<SystemTime>,
    account: &'a str,
}

fn record(metrics: &Metrics, exchange: &Logged<'_>) {
    metrics.record_request(
        RouteGroup::of(exchange.path),
        exchange.status,
        exchange.bytes,
    );
    access_log::write(&AccessLine {
        method: exchange.method,
        path: exchange.path,
        status: exchange.status,
        bytes: exchange.bytes,
        duration: exchange.started.elapsed(),
        at: exchange.at.unwrap_or_else(SystemTime::now),
        account: exchange.account,
    });
}

/// Whose request it was: put into every routed request's extensions here and filled in by
/// the authentication extractors ([`crate::auth`]) once a credential names an account, so
/// every authenticated route logs its account without each handler having to say so.
#[derive(Clone, Debug, Default)]
pub struct AccountSlot(Arc<std::sync::OnceLock<String>>);

impl AccountSlot {
    pub fn set(&self, account_id: &str) {
        let _ = self.0.set(account_id.to_string());
    }
}

/// The account an exchange is logged under: named by the lane, or by the router's extractors.
enum Account {
    Known(Arc<AccountEntry>),
    Slot(AccountSlot),
}

impl Account {
    fn name(&self) -> &str {
        match self {
            Account::Known(entry) => &entry.public_id,
            Account::Slot(slot) => slot.0.get().map_or("-", String::as_str),
        }
    }
}

/// What is known about a request until its response body is finished or dropped.
struct Exchange<S> {
    metrics: Arc<Metrics>,
    method: Method,
    /// The request's URI (shares the request head's bytes): its path goes into the log line.
    uri: Uri,
    started: Instant,
    status: u16,
    bytes: u64,
    account: Account,
    /// Whatever the connection layer holds while the request is in flight (its request
    /// slot): released when the exchange ends, i.e. when the last byte has gone out.
    _slot: S,
}

impl<S> Drop for Exchange<S> {
    fn drop(&mut self) {
        record(
            &self.metrics,
            &Logged {
                method: self.method.as_str(),
                path: self.uri.path(),
                status: self.status,
                bytes: self.bytes,
                started: self.started,
                at: None,
                account: self.account.name(),
            },
        );
    }
}

/// Bodies up to this size, known in advance, are counted and logged when the handler
/// answers: they go out in one piece, so there is no need to watch them being sent.
const SMALL_BODY: u64 = 64 * 1024;

impl<S> Exchange<S> {
    fn new<B>(
        metrics: Arc<Metrics>,
        request: &Request<B>,
        started: Instant,
        slot: S,
        account: Account,
    ) -> Self {
        let uri = request.uri().clone();
        Exchange {
            metrics,
            method: request.method().clone(),
            uri,
            started,
            // Replaced when answered; stays 499 (client went away) if the handler never answers.
            status: 499,
            bytes: 0,
            account,
            _slot: slot,
        }
    }
}

/// Runs one request through the router and records the exchange when the last byte of its
/// response has gone out (a small body of known size: when the handler answers). `slot`
/// is whatever the caller keeps alive for as long as the request is in flight.
async fn handle_from<S: Send + Sync + Unpin + 'static>(
    metrics: Arc<Metrics>,
    mut app: axum::Router,
    peer: SocketAddr,
    mut request: Request<Incoming>,
    slot: S,
    started: Instant,
) -> Response<Body> {
    let named = AccountSlot::default();
    request.extensions_mut().insert(ConnectInfo(peer));
    request.extensions_mut().insert(named.clone());
    let exchange = Exchange::new(
        metrics.clone(),
        &request,
        started,
        slot,
        Account::Slot(named),
    );
    let response = match app.call(request.map(Body::new)).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    if let Some(failure) = response.extensions().get::<Failure>() {
        metrics.record_failure(*failure);
    }
    finish(exchange, response)
}

/// Records the exchange now if the response is a small body of known size, or when its
/// body has been sent.
fn finish<S: Send + Unpin + 'static>(
    mut exchange: Exchange<S>,
    response: Response<Body>,
) -> Response<Body> {
    exchange.status = response.status().as_u16();
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
