//! Upstream repositories (SPEC §15): `/api/v1/upstreams…`. The domain's own types live in
//! `packyard_core::upstream::registry`; these are their wire forms.

use packyard_core::upstream::registry;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What an operator gives to add an upstream.
/// (No `Debug`: it carries the password or token.)
#[derive(Clone, Serialize, Deserialize, ToSchema)]
pub struct AddUpstream {
    pub name: String,
    pub url: String,
    /// HTTP Basic user name; needs `password`.
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    /// A bearer token instead of a user name and password.
    #[serde(default)]
    pub bearer: Option<String>,
    /// Comma-separated name patterns this upstream may provide (none = every name).
    #[serde(default)]
    pub packages: Option<String>,
    /// Lower numbers are asked first.
    #[serde(default)]
    pub priority: i64,
}

impl From<AddUpstream> for registry::AddUpstream {
    fn from(a: AddUpstream) -> Self {
        registry::AddUpstream {
            name: a.name,
            url: a.url,
            username: a.username,
            password: a.password,
            bearer: a.bearer,
            packages: a.packages,
            priority: a.priority,
        }
    }
}

/// An upstream as operators see it: never its credentials.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UpstreamView {
    pub name: String,
    pub url: String,
    pub priority: i64,
    pub packages: Vec<String>,
    /// `none`, `basic` or `bearer`.
    pub auth: String,
    pub username: Option<String>,
    /// Packages this node holds metadata of.
    pub packages_mirrored: u64,
    pub hits: u64,
    pub misses: u64,
    /// Dist bytes fetched from the upstream by this node.
    pub bytes: u64,
    pub last_error: Option<String>,
    /// Unix seconds of the last error.
    pub last_error_at: Option<i64>,
}

impl From<registry::UpstreamView> for UpstreamView {
    fn from(v: registry::UpstreamView) -> Self {
        UpstreamView {
            name: v.name,
            url: v.url,
            priority: v.priority,
            packages: v.packages,
            auth: v.auth,
            username: v.username,
            packages_mirrored: v.packages_mirrored,
            hits: v.hits,
            misses: v.misses,
            bytes: v.bytes,
            last_error: v.last_error,
            last_error_at: v.last_error_at,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UpstreamList {
    pub upstreams: Vec<UpstreamView>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct SyncRequest {
    /// Packages to fetch with their stable archives; empty = refresh what is held.
    #[serde(default)]
    pub packages: Vec<String>,
}

/// What `upstream sync` did.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SyncReport {
    pub metadata: u64,
    pub dists: u64,
    pub errors: Vec<String>,
}

impl From<registry::SyncReport> for SyncReport {
    fn from(r: registry::SyncReport) -> Self {
        SyncReport {
            metadata: r.metadata,
            dists: r.dists,
            errors: r.errors,
        }
    }
}
