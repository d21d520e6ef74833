//! The operator's Upstreams page (SPEC §15): each mirrored repository with its priority,
//! the names it may provide, how it authenticates (never the credentials), and this node's
//! counters: packages mirrored, hits, misses, bytes fetched, and the last error. Adding one
//! stays on the CLI and admin API, where credentials arrive on standard input or in a body.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::error::PortalResult;
use super::session::OperatorSession;
use super::views::{Layout, datetime};
use crate::state::PortalState;
use packyard_core::upstream::registry::{self, UpstreamView};

#[derive(Template, WebTemplate)]
#[template(path = "admin_upstreams.html")]
pub struct UpstreamsPage {
    l: Layout,
    upstreams: Vec<(UpstreamView, String)>,
}

pub async fn list(
    State(state): State<PortalState>,
    session: OperatorSession,
) -> PortalResult<UpstreamsPage> {
    let upstreams = state
        .db
        .upstreams()
        .await?
        .iter()
        .map(|u| {
            let view = registry::view(u, &state.mirror);
            let when = view.last_error_at.map(datetime).unwrap_or_default();
            (view, when)
        })
        .collect();
    Ok(UpstreamsPage {
        l: Layout::operator(&session, "Upstreams", "upstreams"),
        upstreams,
    })
}
