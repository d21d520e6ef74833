//! The router: one module per resource.

mod admin;
mod composer;
mod dist;
mod downloads;
mod notify;
mod portal;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post, put};

use crate::AppState;

pub use downloads::{RangeRequest, parse_range};

pub fn router(state: AppState) -> Router {
    let upload_limit = state.config.max_upload_bytes;
    let notify_limit = state.config.notify_body_limit;
    let metrics = if state.config.metrics_on_main_listener {
        metrics_router()
    } else {
        Router::new()
    };
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
        .route("/healthz", get(|| async { "ok\n" }))
        .merge(portal::router(upload_limit))
        .merge(metrics)
        .with_state(state)
}

/// `GET /metrics` alone, for the main listener or a separate `--metrics-listen` address.
pub fn metrics_router() -> Router<AppState> {
    Router::new().route(
        "/metrics",
        get(
            |axum::extract::State(state): axum::extract::State<AppState>| async move {
                (
                    [(
                        axum::http::header::CONTENT_TYPE,
                        "text/plain; version=0.0.4; charset=utf-8",
                    )],
                    state.metrics.render(),
                )
            },
        ),
    )
}
