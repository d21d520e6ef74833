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

pub fn router(state: AppState) -> Router {
    let upload_limit = state.config.max_upload_bytes;
    let notify_limit = state.config.notify_body_limit;
    Router::new()
        .route("/packages.json", get(composer::packages_json))
        .route("/p2/{vendor}/{file}", get(composer::p2))
        .route("/dist/{vendor}/{name}/{*rest}", get(dist::download))
        .route(
            "/downloads/",
            post(notify::notify_batch).layer(DefaultBodyLimit::max(notify_limit)),
        )
        .route("/products/downloads/info/{*option}", get(downloads::info))
        .route("/products/downloads/file/{name}", get(downloads::file))
        .route("/healthz", get(|| async { "ok\n" }))
        .merge(crate::admin_api::router(state.clone()))
        .merge(portal::router(upload_limit))
        .with_state(state)
}
