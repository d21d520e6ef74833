//! Errors a portal page can end in, rendered in the portal's frame (brand and navigation) as
//! a page that says what happened and what to do. Internal causes are logged, never shown.

use std::sync::Arc;

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use packyard_store::StoreError;
use packyard_store::users::Role;

use super::views::Layout;
use packyard_core::brand::Brand;

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

/// What an error page says, attached to the error's response; [`render_error_page`] (run
/// by the portal's middleware, which knows the brand and the path) turns it into the page.
#[derive(Clone, Debug)]
pub struct ErrorView {
    pub status: u16,
    pub heading: &'static str,
    pub message: String,
    /// The customer's role, when the error knows it: the navigation shows that role's pages.
    pub role: Option<Role>,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    l: Layout,
    status: u16,
    message: &'a str,
}

/// The error page for `view` at `path`, in the portal's frame.
pub fn render_error_page(brand: &Arc<Brand>, path: &str, view: &ErrorView) -> Option<String> {
    let page = ErrorPage {
        l: Layout::for_error(brand, path, view.heading, view.role),
        status: view.status,
        message: &view.message,
    };
    page.render()
        .map_err(|e| tracing::error!("portal: cannot render the error page: {e}"))
        .ok()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_pages_have_the_frame_and_hide_internal_causes() {
        let brand = Arc::new(Brand::new(Some("Acme Repo"), None, None).unwrap());
        let response = PortalError::Internal("disk on fire".into()).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let view = response.extensions().get::<ErrorView>().unwrap().clone();
        let html = render_error_page(&brand, "/admin/accounts", &view).unwrap();
        assert!(html.contains("<title>Something went wrong · Acme Repo</title>"));
        assert!(
            html.contains("aria-label=\"Back office\""),
            "operator navigation"
        );
        assert!(html.contains("Error 500") && !html.contains("disk on fire"));
        let missing = PortalError::NotFound("no such key".into()).into_response();
        let view = missing.extensions().get::<ErrorView>().unwrap().clone();
        let html = render_error_page(&brand, "/account/keys/x/delete", &view).unwrap();
        assert!(html.contains("aria-label=\"Account\"") && html.contains("no such key"));
    }

    #[test]
    fn a_refused_page_shows_only_the_roles_navigation() {
        let brand = Arc::new(Brand::new(None, None, None).unwrap());
        let message = crate::areas::Area::Invoices.refusal(Role::Developer, "MAG000000001");
        let refused = PortalError::Forbidden {
            message,
            role: Role::Developer,
        }
        .into_response();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        let view = refused.extensions().get::<ErrorView>().unwrap().clone();
        let html = render_error_page(&brand, "/account/invoices", &view).unwrap();
        assert!(html.contains("does not include Invoices"), "{html}");
        assert!(html.contains("href=\"/account/keys\""), "{html}");
        assert!(!html.contains("href=\"/account/invoices\""), "{html}");
    }
}
