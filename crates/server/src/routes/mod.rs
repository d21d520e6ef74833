//! The router: one module per resource.

mod composer;
mod dist;
mod downloads;
mod health;
mod notify;
mod portal;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::AppState;

/// Seconds a client should wait before retrying a download while storage is unreachable.
pub(crate) const STORAGE_RETRY_AFTER: u64 = 5;

/// With `--storage-redirect`, a 302 to a short-lived presigned URL of the object instead of
/// streaming it through this node. `None` when redirects are off, the backend has no such
/// URLs (local disk), or signing failed (then the node streams it).
async fn storage_redirect(state: &AppState, key: &str, file_name: &str) -> Option<Response> {
    let expires_in = state.config.storage_redirect?;
    match state.blobs.presigned_url(key, file_name, expires_in).await {
        Ok(Some(url)) => {
            let mut resp = StatusCode::FOUND.into_response();
            let location = HeaderValue::from_str(&url).ok()?;
            resp.headers_mut().insert(header::LOCATION, location);
            resp.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Some(resp)
        }
        Ok(None) => None,
        Err(e) => {
            tracing::warn!("cannot presign {key}, streaming it instead: {e}");
            None
        }
    }
}
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
        .route("/products/downloads/info/{*option}", get(downloads::info))
        .route("/products/downloads/file/{name}", get(downloads::file))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .merge(crate::admin_api::router(state.clone()))
        .merge(portal::router(state.clone(), upload_limit))
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
