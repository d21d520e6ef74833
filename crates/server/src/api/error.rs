//! The admin API's error shape, `{"error": "…"}`: its schema for the OpenAPI document, and a
//! middleware that gives axum's own rejections the same shape. The errors themselves are
//! [`crate::edge::error::ApiError`] with the operator audience. Each error status an
//! operation documents is one type here ([`NotFound`], [`Conflict`]…), named in its
//! `responses(...)`, so that "a 404 answers an `ErrorBody`" is said once (the document
//! registers the `ErrorBody` schema itself: these types only refer to it).

use axum::http::header;
use axum::response::{IntoResponse, Response};
pub use packyard_api::ErrorBody;

use crate::edge::error::ApiError;

/// Declares the error answers an operation can list: a status, answered with an [`ErrorBody`].
macro_rules! error_answers {
    ($($name:ident = $status:literal;)+) => {$(
        #[derive(utoipa::IntoResponses)]
        #[response(status = $status)]
        pub struct $name(pub ErrorBody);
    )+};
}

error_answers! {
    BadRequest = 400;
    Unauthorized = 401;
    NotFound = 404;
    Conflict = 409;
    TooLarge = 413;
    Unprocessable = 422;
}

/// Rejections that axum's extractors answer themselves (malformed JSON or query, a body over
/// the limit, a wrong method) are plain text; this middleware gives them the admin API's
/// `{"error": …}` shape too, so clients parse every error the same way.
pub async fn json_errors(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let text = match axum::body::to_bytes(response.into_body(), 64 * 1024).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).trim().to_string(),
        Err(_) => String::new(),
    };
    let message = if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_string()
    } else {
        text
    };
    ApiError::operator(status, message).into_response()
}
