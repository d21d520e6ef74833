//! The router: one module per resource.

mod composer;
mod dist;
mod downloads;
mod notify;
mod portal;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::AppState;

/// Chunk size for files streamed from storage (large dists, releases). Larger chunks were
/// no faster over loopback and left the allocator holding more memory after a download
/// (`bench/release-memory`: +12 MiB at 256 KiB, +1 MiB at 64 KiB).
const STREAM_CHUNK: usize = 64 * 1024;

pub fn router(state: AppState) -> Router {
    let upload_limit = state.config.max_upload_bytes;
    Router::new()
        .route("/packages.json", get(composer::packages_json))
        .route("/p2/{vendor}/{file}", get(composer::p2))
        .route("/dist/{vendor}/{name}/{*rest}", get(dist::download))
        .route(
            "/downloads/",
            post(notify::notify_batch).layer(DefaultBodyLimit::max(1024 * 1024)),
        )
        .route("/products/downloads/info/{*option}", get(downloads::info))
        .route("/products/downloads/file/{name}", get(downloads::file))
        .route("/healthz", get(|| async { "ok\n" }))
        .merge(crate::admin_api::router(state.clone()))
        .merge(portal::router(upload_limit))
        .with_state(state)
}
