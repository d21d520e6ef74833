//! Serving an archive from object storage: how long a client waits while storage is
//! unreachable, the redirect to a presigned URL instead of streaming through this node, and
//! the archive answer itself.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// Seconds a client should wait before retrying a download while storage is unreachable.
pub const STORAGE_RETRY_AFTER: u64 = 5;

/// With `--storage-redirect`, a 302 to a short-lived presigned URL of the object instead of
/// streaming it through this node. `None` when redirects are off, the backend has no such
/// URLs (local disk), or signing failed (then the node streams it).
pub async fn storage_redirect(state: &AppState, key: &str, file_name: &str) -> Option<Response> {
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

/// An archive answer; `size` is its `Content-Length` when known.
pub(crate) fn zip_response(body: Body, size: Option<u64>) -> Response {
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    if let Some(size) = size {
        h.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    }
    resp
}
