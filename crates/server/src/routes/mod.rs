//! The router: one module per resource.

mod admin;
mod composer;
mod dist;
mod downloads;
mod hooks;
mod notify;
mod portal;
pub mod repos_api;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post, put};

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
        .route(
            "/api/packages",
            post(admin::upload).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/api/packages/{vendor}/{name}/{version}",
            delete(admin::unlist),
        )
        .route(
            "/api/releases/{file_name}",
            put(admin::upload_release).layer(DefaultBodyLimit::disable()),
        )
        .route("/products/downloads/info/{*option}", get(downloads::info))
        .route("/products/downloads/file/{name}", get(downloads::file))
        .route(
            "/api/hooks/{repo_id}",
            post(hooks::receive).layer(DefaultBodyLimit::max(25 * 1024 * 1024)),
        )
        .merge(repos_api::routes())
        .route("/healthz", get(|| async { "ok\n" }))
        .merge(portal::router(upload_limit))
        .with_state(state)
}
