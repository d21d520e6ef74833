//! What Composer and curl users reach: the repository's metadata, dist archives and install
//! reports, the advisory api and discovery (SPEC §12), and the release downloads (SPEC §2,
//! §3). One module per resource.

mod advisories;
mod discovery;
pub(crate) mod dist;
mod downloads;
pub mod hot;
mod metadata;
mod notify;
mod storage;
mod upstream;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::state::AppState;

pub use advisories::{AdvisoryQuery, MAX_NAMES, answer as advisory_answer};
pub use downloads::{RangeRequest, parse_range};

/// The Composer and curl routes.
pub fn routes(notify_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/packages.json", get(metadata::packages_json))
        .route("/p2/{vendor}/{file}", get(metadata::p2))
        .route("/dist/{vendor}/{name}/{*rest}", get(dist::download))
        .route(
            packyard_core::announce::ADVISORY_API_PATH,
            post(advisories::advisories).get(advisories::advisories),
        )
        .route("/packages/list.json", get(discovery::list))
        .route("/search.json", get(discovery::search))
        .route("/providers/{vendor}/{file}", get(discovery::providers))
        .route(
            "/downloads/",
            post(notify::notify_batch).layer(DefaultBodyLimit::max(notify_limit)),
        )
        .route("/products/downloads/info/{*option}", get(downloads::info))
        .route("/products/downloads/file/{name}", get(downloads::file))
}
