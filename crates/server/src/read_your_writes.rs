//! Read-your-writes: a change made through this node (admin API, portal, back office) is in
//! force on this node before the answer that reports it leaves. Without it, a revoked token,
//! a deleted key or a replaced download token kept working here until the next feed poll
//! (up to `Config::poll_interval`), long enough for a leaked admin token to mint a new one.
//!
//! Every write request that succeeded brings the snapshot up to date with the database
//! (`packyard_core::feed::refresh`, incremental and one at a time) before its answer is sent. Other nodes
//! and the local CLI still follow the change feed (SPEC: within 1 s). Composer's install
//! reports (`POST /downloads/`) change no snapshot and are left alone.

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use packyard_core::feed;

use crate::state::AppState;

/// Middleware: after a successful write, refresh the snapshot, then answer.
pub async fn apply_before_answering(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let writes = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) && request.uri().path() != "/downloads/";
    let response = next.run(request).await;
    let status = response.status();
    if writes
        && (status.is_success() || status.is_redirection())
        && let Err(e) = feed::refresh(&state.feed).await
    {
        tracing::warn!("a change was saved but this node could not apply it yet: {e}");
    }
    response
}
