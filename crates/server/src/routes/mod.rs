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
    } else if state.config.metrics_token_hash.is_some() {
        metrics_router().layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics_token,
        ))
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
        .merge(portal::router(upload_limit))
        .merge(metrics)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::read_your_writes::apply_before_answering,
        ))
        .with_state(state)
}

/// On the main listener, `/metrics` answers only to `Authorization: Bearer` with the
/// configured metrics token; anyone else gets the 404 of a path that does not exist.
async fn metrics_token(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let allowed = match (
        &state.config.metrics_token_hash,
        crate::auth::bearer_token(request.headers()),
    ) {
        (Some(hash), Some(token)) => {
            crate::auth::hash_matches(&packyard_store::secret::sha256(token), hash)
        }
        _ => false,
    };
    match allowed {
        true => next.run(request).await,
        false => StatusCode::NOT_FOUND.into_response(),
    }
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
