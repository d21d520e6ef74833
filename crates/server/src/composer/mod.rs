//! What Composer and curl users reach: the repository's metadata, dist archives and install
//! reports, and the release downloads (SPEC §2, §3). One module per resource.

mod dist;
mod downloads;
mod metadata;
mod notify;
mod storage;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::state::AppState;

pub use downloads::{RangeRequest, parse_range};

/// The Composer and curl routes.
pub fn routes(notify_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/packages.json", get(metadata::packages_json))
        .route("/p2/{vendor}/{file}", get(metadata::p2))
        .route("/dist/{vendor}/{name}/{*rest}", get(dist::download))
        .route(
            "/downloads/",
            post(notify::notify_batch).layer(DefaultBodyLimit::max(notify_limit)),
        )
        .route("/products/downloads/info/{*option}", get(downloads::info))
        .route("/products/downloads/file/{name}", get(downloads::file))
}
