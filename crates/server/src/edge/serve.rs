//! The service the accept loop ([`super::listen`]) runs every request through: the request
//! observer in front of the router, and its answers from memory for the connection's own
//! HTTP/1.1 loop ([`super::direct`]).

use std::net::SocketAddr;

use axum::body::Body;
use axum::http::{Method, Request, Response};
use hyper::body::Incoming;

use super::activity::RequestSlot;
use super::conditional::JsonAnswer;
use super::request_headers::LaneHeaders;

/// What the accept loop runs each request through (the request observer in front of the
/// router): the peer, the request, the connection's slot for it, which the service keeps
/// until the response's last byte has gone out, and the connection's memo.
pub trait Serve: Clone + Send + Sync + 'static {
    /// What the connection's own loop keeps from one request to the next for
    /// [`Serve::at_once`] (the credential it verified last).
    type Memo: Default + Send;

    fn serve(
        &self,
        peer: SocketAddr,
        request: Request<Incoming>,
        slot: RequestSlot,
        memo: &mut Self::Memo,
    ) -> impl Future<Output = Response<Body>> + Send + use<Self>;

    /// Answers at once, from memory, a request the connection reads and writes itself
    /// ([`super::direct`]), having recorded the exchange; `None` leaves the request, and the
    /// rest of the connection, to hyper and [`Serve::serve`].
    fn at_once(
        &self,
        method: &Method,
        path: &str,
        headers: &LaneHeaders<'_>,
        arrived: Arrival,
        memo: &mut Self::Memo,
    ) -> Option<JsonAnswer>;
}

/// When a request answered at once was read, on both clocks: read once, for its duration,
/// its access line's timestamp and its `Date`.
#[derive(Clone, Copy, Debug)]
pub struct Arrival {
    pub instant: std::time::Instant,
    pub wall: std::time::SystemTime,
}

impl Arrival {
    pub fn now() -> Arrival {
        Arrival {
            instant: std::time::Instant::now(),
            wall: std::time::SystemTime::now(),
        }
    }
}
