//! The router: the Composer and curl routes, health, the admin API, the portal and
//! `/metrics`, over one [`AppState`].

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::routing::get;

use crate::health;
use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    let notify_limit = state.config.notify_body_limit;
    let metrics = if state.config.metrics_on_main_listener {
        metrics_router()
    } else {
        Router::new()
    };
    crate::composer::routes(notify_limit)
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .merge(crate::api::router(state.clone()))
        .merge(packyard_portal::router(state.portal.clone()))
        .merge(metrics)
        .with_state(state)
}

/// `GET /metrics` alone, for the main listener or a separate `--metrics-listen` address.
pub fn metrics_router() -> Router<AppState> {
    Router::new().route(
        "/metrics",
        get(|State(state): State<AppState>| async move {
            (
                [(
                    header::CONTENT_TYPE,
                    "text/plain; version=0.0.4; charset=utf-8",
                )],
                state.metrics.render(),
            )
        }),
    )
}
