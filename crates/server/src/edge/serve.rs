//! The service the accept loop ([`super::listen`]) runs every request through: the request
//! observer in front of the router, and its answers from memory for the connection's own
//! HTTP/1.1 loop ([`super::direct`]).

use std::net::SocketAddr;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, Response};
use bytes::Bytes;
use hyper::body::Incoming;

use super::activity::RequestSlot;

/// What the accept loop runs each request through (the request observer in front of the
/// router): the peer, the request, and the connection's slot for it, which the service keeps
/// until the response's last byte has gone out.
pub trait Serve: Clone + Send + Sync + 'static {
    fn serve(
        &self,
        peer: SocketAddr,
        request: Request<Incoming>,
        slot: RequestSlot,
    ) -> impl Future<Output = Response<Body>> + Send + use<Self>;

    /// Answers at once, from memory, a request the connection reads and writes itself
    /// ([`super::direct`]), having recorded the exchange; `None` leaves the request, and the
    /// rest of the connection, to hyper and [`Serve::serve`].
    fn at_once(
        &self,
        method: &Method,
        path: &str,
        headers: &HeaderMap,
        started: std::time::Instant,
    ) -> Option<Response<Bytes>>;
}
