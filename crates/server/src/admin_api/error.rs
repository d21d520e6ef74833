//! The admin API's error answer: `{"error": "…"}` with a status that says whether to fix the
//! request (4xx) or retry (5xx, with `Retry-After` when the database is unreachable).
//! Each cause converts once, here. (This mirrors the `ApiError` of the request-path
//! restructure, so the two merge into one type.)

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use packyard_blobs::BlobError;
use packyard_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::publish::PublishError;
use crate::releases::ingest::IngestError;

/// Seconds a client should wait before retrying after a 503.
const RETRY_AFTER_SECS: u64 = 5;

/// The body of every admin API error.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// One sentence saying what went wrong and what to do.
    pub error: String,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    pub retry_after: Option<u64>,
}

pub type ApiResult<T = Response> = Result<T, ApiError>;

impl ApiError {
    pub fn operator(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::operator(StatusCode::BAD_REQUEST, message)
    }

    /// A failure whose cause goes to the log and whose answer says only what failed.
    pub fn internal(what: &str, cause: impl std::fmt::Display) -> ApiError {
        tracing::error!("{what}: {cause}");
        ApiError::operator(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("{what}; see the server log"),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            Json(ErrorBody {
                error: self.message,
            }),
        )
            .into_response();
        if let Some(secs) = self.retry_after
            && let Ok(value) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::NotFound(m) => ApiError::operator(StatusCode::NOT_FOUND, m),
            StoreError::Conflict(m) => ApiError::operator(StatusCode::CONFLICT, m),
            StoreError::Invalid(m) => ApiError::operator(StatusCode::UNPROCESSABLE_ENTITY, m),
            e if e.is_unavailable() => ApiError {
                status: StatusCode::SERVICE_UNAVAILABLE,
                message:
                    "the database is unavailable right now; nothing was changed, try again shortly"
                        .into(),
                retry_after: Some(RETRY_AFTER_SECS),
            },
            other => ApiError::internal("internal error", other),
        }
    }
}

impl From<PublishError> for ApiError {
    fn from(e: PublishError) -> ApiError {
        match e {
            PublishError::Archive(e) => {
                ApiError::operator(StatusCode::UNPROCESSABLE_ENTITY, e.to_string())
            }
            PublishError::Time(_) => {
                ApiError::operator(StatusCode::UNPROCESSABLE_ENTITY, e.to_string())
            }
            PublishError::Store(e) => e.into(),
            PublishError::Blob(e) => ApiError::internal("could not store the archive", e),
        }
    }
}

impl From<IngestError> for ApiError {
    fn from(e: IngestError) -> ApiError {
        match e {
            IngestError::Store(e) => e.into(),
            IngestError::Blob(BlobError::TooLarge(limit)) => ApiError::operator(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the file is larger than the server's limit of {limit} bytes"),
            ),
            IngestError::Blob(e) => ApiError::internal("could not store the file", e),
        }
    }
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
