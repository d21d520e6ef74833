//! The portal's stylesheet and copy-button script, compiled into the binary so a server is
//! one file, and the vendor's brand (its colours as a tiny stylesheet, its logo). Served from
//! our origin so the Content-Security-Policy can forbid inline code and styles.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::state::PortalState;

pub async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../assets/portal.css"),
    )
}

pub async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../assets/portal.js"),
    )
}

/// `--brand-color` as CSS custom properties, read by `portal.css`.
pub async fn brand_css(State(state): State<PortalState>) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        state.config.brand.stylesheet(),
    )
}

/// `--brand-logo`, or 404 when there is none.
pub async fn logo(State(state): State<PortalState>) -> Response {
    match &state.config.brand.logo {
        Some(logo) => (
            [
                (header::CONTENT_TYPE, logo.content_type),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            logo.bytes.clone(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
