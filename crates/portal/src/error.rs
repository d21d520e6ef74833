//! Errors a portal page can end in, and what their page says ([`ErrorView`]): what happened
//! and what to do (`error_page` renders it in the portal's frame). Internal causes are
//! logged, never shown.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use packyard_store::StoreError;
use packyard_store::users::Role;

use crate::csrf::CsrfError;
use packyard_core::passwords::PasswordError;

/// Seconds to wait before retrying a page whose database write could not be made.
const DATABASE_RETRY_AFTER_SECS: u64 = 5;

#[derive(Debug)]
pub enum PortalError {
    /// 400: the form was filled in wrongly; nothing changed.
    Invalid(String),
    /// 404: no such thing (or not this account's).
    NotFound(String),
    /// 409: conflicts with what exists.
    Conflict(String),
    /// 413: an upload past the server's limit (the message names it and its flag).
    TooLarge(String),
    /// 403: the CSRF checks refused the request.
    Csrf(CsrfError),
    /// 403: the user's role on the account does not include this page
    /// ([`crate::areas`]); the page's navigation shows what the role does include.
    Forbidden { message: String, role: Role },
    /// 429: too many (failed) logins; the client should wait that many seconds.
    TooManyLogins { message: String, retry_after: u64 },
    /// 503: the server cannot do this right now (every password-hashing turn taken, or the
    /// database unreachable); nothing was changed, and it can be retried after that many
    /// seconds.
    Unavailable { message: String, retry_after: u64 },
    /// 500: logged; the user sees a generic message.
    Internal(String),
}

impl From<StoreError> for PortalError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(m) => PortalError::NotFound(m),
            StoreError::Conflict(m) => PortalError::Conflict(m),
            StoreError::Invalid(m) => PortalError::Invalid(m),
            e if e.is_unavailable() => {
                tracing::warn!("portal: database unavailable: {e}");
                PortalError::Unavailable {
                    message: "The database cannot be reached right now, so nothing was changed. Try again in a minute.".into(),
                    retry_after: DATABASE_RETRY_AFTER_SECS,
                }
            }
            other => PortalError::Internal(other.to_string()),
        }
    }
}

impl From<PasswordError> for PortalError {
    fn from(e: PasswordError) -> Self {
        match e {
            PasswordError::Length => PortalError::Invalid(e.to_string()),
            PasswordError::Hash(m) => PortalError::Internal(m),
        }
    }
}

/// What an error page says, attached to the error's response; `error_page::render` (run
/// by the portal's middleware, which knows the brand and the path) turns it into the page.
#[derive(Clone, Debug)]
pub struct ErrorView {
    pub status: u16,
    pub heading: &'static str,
    pub message: String,
    /// The customer's role, when the error knows it: the navigation shows that role's pages.
    pub role: Option<Role>,
}

impl IntoResponse for PortalError {
    fn into_response(self) -> Response {
        let (status, heading, message) = match &self {
            PortalError::Invalid(m) => (StatusCode::BAD_REQUEST, "That did not work", m.as_str()),
            PortalError::NotFound(m) => (StatusCode::NOT_FOUND, "Not found", m.as_str()),
            PortalError::Conflict(m) => (StatusCode::CONFLICT, "That already exists", m.as_str()),
            PortalError::TooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, "Too large", m.as_str()),
            PortalError::Csrf(e) => (StatusCode::FORBIDDEN, "Request refused", e.message()),
            PortalError::Forbidden { message, .. } => (
                StatusCode::FORBIDDEN,
                "Not part of your role",
                message.as_str(),
            ),
            PortalError::TooManyLogins { message, .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "Too many login attempts",
                message.as_str(),
            ),
            PortalError::Unavailable { message, .. } => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Please try again shortly",
                message.as_str(),
            ),
            PortalError::Internal(cause) => {
                tracing::error!("portal: {cause}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "The server could not complete this request; nothing was changed. Try again, and tell the vendor if it keeps happening.",
                )
            }
        };
        let view = ErrorView {
            status: status.as_u16(),
            heading,
            message: message.to_string(),
            role: match &self {
                PortalError::Forbidden { role, .. } => Some(*role),
                _ => None,
            },
        };
        // The plain text is only seen if the middleware does not run (it always does on
        // portal routes); it says the same as the page.
        let mut response = (status, format!("{heading}: {message}")).into_response();
        response.extensions_mut().insert(view);
        if let PortalError::TooManyLogins { retry_after, .. }
        | PortalError::Unavailable { retry_after, .. } = self
        {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, retry_after.into());
        }
        response
    }
}

pub type PortalResult<T> = Result<T, PortalError>;
