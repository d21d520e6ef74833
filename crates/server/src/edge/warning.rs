//! The warning JSON Composer can show to a developer. Composer 2 prints the `warning` of a
//! JSON error body as "Warning from <host>: …", but only when `Content-Type` is exactly
//! `application/json` (a charset parameter silences it), so that is what every error
//! response of the repository uses (`ApiError` in the `error` module builds them).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

pub fn warning(status: StatusCode, message: impl Into<String>) -> Response {
    let body = serde_json::json!({ "warning": message.into() }).to_string();
    let mut resp = (status, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}
