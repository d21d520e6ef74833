//! What the portal's handlers use: the database, the blob store, the settings, the login
//! limits, the git sync worker's wake-up, how the edge attributes a request to a client
//! address, the snapshot (read only) and the mailer. One `Arc`, so a clone is one atomic increment.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::ops::Deref;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;
use packyard_blobs::BlobStore;
use packyard_core::Config;
use packyard_core::feed::Feed;
use packyard_core::mail::Mailer;
use packyard_core::snapshot::Snapshot;
use packyard_core::upstream::Mirror;
use packyard_store::Db;
use tokio::sync::Notify;

use crate::login_guard::LoginGuard;

/// The edge's rule for the client behind a request from a peer (trusted proxies included).
pub type ClientAddrFn = fn(IpAddr, &HeaderMap, &[IpNet]) -> IpAddr;

#[derive(Clone)]
pub struct PortalState(Arc<Handles>);

pub struct Handles {
    pub db: Db,
    pub blobs: BlobStore,
    pub config: Arc<Config>,
    /// Portal login limits that hold before any password is hashed.
    pub logins: LoginGuard,
    /// Wakes the git sync worker when an operator queues a sync on this node.
    pub repo_sync: Arc<Notify>,
    /// What was fetched from upstream repositories, for the Upstreams page's counters.
    pub mirror: Arc<Mirror>,
    pub client_addr: ClientAddrFn,
    /// The snapshot Composer is answered from: the Licences page reads it so it shows what
    /// Composer offers.
    pub feed: Arc<Feed>,
    /// Sends mail when `--smtp-url` is set.
    pub mailer: Option<Mailer>,
}

impl PortalState {
    /// The portal over `handles` (the caller builds the [`LoginGuard`] from the same config).
    pub fn new(handles: Handles) -> PortalState {
        PortalState(Arc::new(handles))
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.feed.snapshot()
    }

    /// The client behind a request; `None` without connect info (a router driven directly).
    pub fn client_of(&self, parts: &Parts) -> Option<IpAddr> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>()?;
        Some((self.client_addr)(
            peer.0.ip(),
            &parts.headers,
            &self.config.trusted_proxies,
        ))
    }
}

impl Deref for PortalState {
    type Target = Handles;

    fn deref(&self) -> &Handles {
        &self.0
    }
}

/// The address a request is attributed to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<PortalState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &PortalState,
    ) -> Result<Self, Self::Rejection> {
        let unknown = IpAddr::V4(Ipv4Addr::UNSPECIFIED);
        Ok(ClientAddr(state.client_of(parts).unwrap_or(unknown)))
    }
}
