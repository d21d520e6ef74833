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
    } else if state.config.metrics_token_hash.is_some() {
        metrics_router().layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics_token,
        ))
    } else {
        Router::new()
    };
    crate::composer::routes(notify_limit)
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .merge(crate::api::router(state.clone()))
        .merge(packyard_portal::router(state.portal.clone()))
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
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
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
        false => axum::http::StatusCode::NOT_FOUND.into_response(),
    }
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
