//! One error type for every handler outside the portal: handlers return
//! `Result<Response, ApiError>` and each cause (a [`Denial`], a publish, ingest, store or
//! blob error) converts once, here, into the answer its audience expects:
//!
//! - Composer (metadata, dists, notify-batch): the warning JSON of SPEC §2, which Composer
//!   prints to the developer, with `WWW-Authenticate` on 401;
//! - curl users of the release downloads (SPEC §3): the same sentence as plain text;
//! - operators on the admin API: `{"error": "…"}`.
//!
//! A database that cannot be reached (pool timeout, lost connection) answers 503 with
//! `Retry-After`, never a bare 500: the request can simply be repeated.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use packyard_blobs::BlobError;
use packyard_store::StoreError;

use crate::edge::denial::Denial;
use crate::edge::metrics::Failure;
use crate::edge::warning::warning;
use packyard_core::publish::PublishError;
use packyard_core::releases::ingest::IngestError;

/// Who reads the answer, which decides its shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    Composer,
    Curl,
    Operator,
}

/// The `WWW-Authenticate` challenges: Composer's and the downloads' realms.
const COMPOSER_CHALLENGE: &str = "Basic realm=\"Packyard\", charset=\"UTF-8\"";
const DOWNLOADS_CHALLENGE: &str = "Basic realm=\"Packyard downloads\", charset=\"UTF-8\"";

/// Seconds a client should wait before retrying after a 503.
const RETRY_AFTER_SECS: u64 = 5;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    /// One sentence the reader can act on.
    pub message: String,
    pub audience: Audience,
    /// Seconds for `Retry-After` (503 and 429 answers).
    pub retry_after: Option<u64>,
    /// What `/metrics` counts this answer as, if anything.
    pub failure: Option<Failure>,
}

pub type ApiResult<T = Response> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, audience: Audience, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            audience,
            retry_after: None,
            failure: None,
        }
    }

    /// Marks the answer for the failure counters of `/metrics`.
    pub fn failed(mut self, failure: Failure) -> ApiError {
        self.failure = Some(failure);
        self
    }

    /// An admin-API answer.
    pub fn operator(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError::new(status, Audience::Operator, message)
    }

    /// The same error for another audience (a denial met on the downloads is plain text).
    pub fn for_audience(mut self, audience: Audience) -> ApiError {
        self.audience = audience;
        self
    }

    pub fn retry_after(mut self, secs: u64) -> ApiError {
        self.retry_after = Some(secs);
        self
    }

    /// A backend (`failure`) that cannot be reached just now: 503, try again shortly.
    fn unavailable(message: &str, failure: Failure) -> ApiError {
        ApiError::operator(StatusCode::SERVICE_UNAVAILABLE, message)
            .retry_after(RETRY_AFTER_SECS)
            .failed(failure)
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

impl From<Denial> for ApiError {
    fn from(denial: Denial) -> ApiError {
        let reason = match denial {
            Denial::Unauthorized(_) => "unauthorized",
            Denial::Forbidden(_) => "forbidden",
            Denial::TooManyFailures { .. } => "throttled",
        };
        let error: ApiError = match denial {
            Denial::Unauthorized(m) => ApiError::new(StatusCode::UNAUTHORIZED, Audience::Composer, m),
            Denial::Forbidden(m) => ApiError::new(StatusCode::FORBIDDEN, Audience::Composer, m),
            Denial::TooManyFailures { retry_after } => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                Audience::Composer,
                format!("too many failed authentication attempts from your address; wait {retry_after} seconds and check your credentials"),
            )
            .retry_after(retry_after),
        };
        error.failed(Failure::Auth(reason))
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::NotFound(m) => ApiError::operator(StatusCode::NOT_FOUND, m),
            StoreError::Conflict(m) => ApiError::operator(StatusCode::CONFLICT, m),
            StoreError::Invalid(m) => ApiError::operator(StatusCode::BAD_REQUEST, m),
            e if e.is_unavailable() => {
                tracing::warn!("database unavailable: {e}");
                ApiError::unavailable(
                    "the database is unavailable right now; nothing was changed, try again shortly",
                    Failure::Database,
                )
            }
            other => ApiError::internal("internal error", other).failed(Failure::Database),
        }
    }
}

impl From<BlobError> for ApiError {
    fn from(e: BlobError) -> ApiError {
        match e {
            BlobError::TooLarge(limit) => ApiError::operator(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the file is larger than the server's limit of {limit} bytes"),
            ),
            BlobError::Unavailable(why) => {
                tracing::warn!("object storage unavailable: {why}");
                ApiError::unavailable(
                    "object storage is unreachable right now; nothing was stored, try again shortly",
                    Failure::Storage,
                )
            }
            other => ApiError::internal("could not store the file", other).failed(Failure::Storage),
        }
    }
}

impl From<PublishError> for ApiError {
    fn from(e: PublishError) -> ApiError {
        match e {
            PublishError::Archive(_) | PublishError::Time(_) | PublishError::Inspection => {
                ApiError::operator(StatusCode::UNPROCESSABLE_ENTITY, e.to_string())
            }
            PublishError::Store(e) => e.into(),
            PublishError::Blob(e) => e.into(),
        }
    }
}

impl From<IngestError> for ApiError {
    fn from(e: IngestError) -> ApiError {
        match e {
            IngestError::Store(e) => e.into(),
            IngestError::Blob(e) => e.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = match self.audience {
            Audience::Composer => warning(self.status, self.message),
            Audience::Curl => {
                let mut r = (self.status, format!("{}\n", self.message)).into_response();
                r.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; charset=utf-8"),
                );
                r
            }
            Audience::Operator => (
                self.status,
                Json(serde_json::json!({ "error": self.message })),
            )
                .into_response(),
        };
        let h = resp.headers_mut();
        if self.status == StatusCode::UNAUTHORIZED {
            let challenge = match self.audience {
                Audience::Curl => DOWNLOADS_CHALLENGE,
                Audience::Composer | Audience::Operator => COMPOSER_CHALLENGE,
            };
            if self.audience != Audience::Operator {
                h.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(challenge),
                );
            }
        }
        if let Some(secs) = self.retry_after {
            h.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if let Some(failure) = self.failure {
            resp.extensions_mut().insert(failure);
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreachable_database_is_503_with_retry_after() {
        let resp = ApiError::from(StoreError::Database(sqlx::Error::PoolTimedOut)).into_response();
        assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(resp.headers()[header::RETRY_AFTER], "5");
        let conflict = ApiError::from(StoreError::Conflict("taken".into())).into_response();
        assert_eq!(conflict.status(), StatusCode::CONFLICT);
    }

    #[test]
    fn an_uninspectable_archive_is_422_saying_how_to_check_it() {
        let answer = ApiError::from(PublishError::Inspection);
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(answer.message.contains("unzip -t"), "{}", answer.message);
    }

    #[test]
    fn each_audience_gets_its_shape() {
        let composer = ApiError::from(Denial::Unauthorized("no".into())).into_response();
        assert_eq!(composer.headers()[header::CONTENT_TYPE], "application/json");
        assert!(
            composer.headers()[header::WWW_AUTHENTICATE]
                .to_str()
                .unwrap()
                .contains("realm=\"Packyard\"")
        );
        let curl = ApiError::from(Denial::Unauthorized("no".into()))
            .for_audience(Audience::Curl)
            .into_response();
        assert!(
            curl.headers()[header::WWW_AUTHENTICATE]
                .to_str()
                .unwrap()
                .contains("Packyard downloads")
        );
        let operator = ApiError::operator(StatusCode::UNAUTHORIZED, "no").into_response();
        assert!(operator.headers().get(header::WWW_AUTHENTICATE).is_none());
        let throttled = ApiError::from(Denial::TooManyFailures { retry_after: 7 }).into_response();
        assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(throttled.headers()[header::RETRY_AFTER], "7");
    }
}
