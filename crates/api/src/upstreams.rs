//! Upstream repositories (SPEC §15): `/api/v1/upstreams…`. The domain's own types
//! (`packyard_core::upstream::registry`) are the bodies; this adds the listing and the sync
//! request.

pub use packyard_core::upstream::registry::{AddUpstream, SyncReport, UpstreamView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::macros::list;

list!(UpstreamList, upstreams: UpstreamView);

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct SyncRequest {
    /// Packages to fetch with their stable archives; empty = refresh what is held.
    #[serde(default)]
    pub packages: Vec<String>,
}
