//! Form posts from a logged-in session, with the CSRF token checked by construction.
//!
//! A handler that changes something takes [`Posted<S, F>`] (a urlencoded form) or
//! [`PostedUpload<S>`] (a multipart upload); both find the session first (from the cookie,
//! before any body is read), then verify the form's `csrf` field against the session's token
//! in constant time ([`crate::csrf::check_token`]) before the handler sees either. The
//! session extractors themselves refuse unsafe methods ([`refuse_unchecked_post`]), so a
//! new POST handler that takes a bare session fails on its first request instead of
//! silently skipping the check: the check cannot be forgotten.

use std::future::Future;
use std::sync::Arc;

use axum::Form;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::Method;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use packyard_core::brand::Brand;
use packyard_store::audit::actor_at;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::error::PortalError;
use crate::csrf::check_token;
use crate::state::PortalState;

/// What every logged-in session holds besides its principal.
pub struct SignedIn {
    /// The session's CSRF token.
    pub csrf: String,
    /// The client's address, for the audit log.
    pub ip: String,
    /// The vendor's brand, for the page frame ([`crate::views::Layout`]).
    pub brand: Arc<Brand>,
}

/// A logged-in principal found from the request's cookie.
pub trait Session: Sized + Send {
    /// The session's [`SignedIn`] part and the email its principal acts as.
    fn signed(&self) -> (&SignedIn, &str);

    /// The session's CSRF token.
    fn csrf(&self) -> &str {
        &self.signed().0.csrf
    }

    /// The actor recorded in the audit log: who, from which address.
    fn actor(&self) -> String {
        let (signed, email) = self.signed();
        actor_at(email, &signed.ip)
    }

    /// Finds the live session behind the cookie, or the response that sends the visitor to
    /// the login form.
    fn find(
        parts: &Parts,
        state: &PortalState,
    ) -> impl Future<Output = Result<Self, Response>> + Send;
}

/// Refuses a bare session extractor on a method that may change something: such handlers
/// must take [`Posted`] or [`PostedUpload`].
pub fn refuse_unchecked_post(method: &Method) -> Result<(), PortalError> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        Ok(())
    } else {
        Err(PortalError::Internal(format!(
            "a {method} handler takes a session without the CSRF check; use Posted or PostedUpload"
        )))
    }
}

/// Declares a portal form: `#[derive(Deserialize, Default)]` with every field defaulted, so
/// a field the browser leaves out reads as empty (the handler's checks say what is missing)
/// instead of failing the whole post; a field is a `String` unless it names its type.
macro_rules! form {
    ($(#[$meta:meta])* $name:ident { $($(#[$fmeta:meta])* $field:ident $(: $ty:ty)?),* $(,)? }) => {
        $(#[$meta])*
        #[derive(serde::Deserialize, Default)]
        #[serde(default)]
        pub struct $name {
            $($(#[$fmeta])* pub $field: $crate::posted::form!(@type $($ty)?),)*
        }
    };
    (@type) => { String };
    (@type $ty:ty) => { $ty };
}
pub(crate) use form;

form! {
    /// A form with no fields besides the CSRF token (logout, disable, enable, delete…).
    NoFields {}
}

#[derive(Deserialize)]
struct WithCsrf<F> {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    form: F,
}

/// A urlencoded form post whose CSRF token matched the session's: the state it acts on, the
/// session and the form, taken apart like axum's own extractors (`Posted(state, session, form)`).
pub struct Posted<S, F>(pub PortalState, pub S, pub F);

impl<S, F> FromRequest<PortalState> for Posted<S, F>
where
    S: Session,
    F: DeserializeOwned + Send,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &PortalState) -> Result<Self, Response> {
        let (parts, body) = request.into_parts();
        let session = S::find(&parts, state).await?;
        let request = Request::from_parts(parts, body);
        let Form(WithCsrf { csrf, form }) = Form::<WithCsrf<F>>::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        check_token(session.csrf(), &csrf).map_err(|e| PortalError::Csrf(e).into_response())?;
        Ok(Posted(state.clone(), session, form))
    }
}

/// A `multipart/form-data` upload whose first field, `csrf`, matched the session's token;
/// the handler reads the remaining fields. Nothing after the token is read before it is
/// checked, so a forged upload is refused before its file arrives.
pub struct PostedUpload<S> {
    pub state: PortalState,
    pub session: S,
    pub fields: Multipart,
}

/// The answer to a multipart body that cannot be read.
pub fn unreadable(e: axum::extract::multipart::MultipartError) -> PortalError {
    PortalError::Invalid(format!("The upload could not be read: {e}"))
}

impl<S: Session> FromRequest<PortalState> for PostedUpload<S> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &PortalState) -> Result<Self, Response> {
        let (parts, body) = request.into_parts();
        let session = S::find(&parts, state).await?;
        let request = Request::from_parts(parts, body);
        let mut fields = Multipart::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let first = fields
            .next_field()
            .await
            .map_err(|e| unreadable(e).into_response())?;
        let csrf = match first {
            Some(field) if field.name() == Some("csrf") => field
                .text()
                .await
                .map_err(|e| unreadable(e).into_response())?,
            _ => String::new(),
        };
        check_token(session.csrf(), &csrf).map_err(|e| PortalError::Csrf(e).into_response())?;
        Ok(PostedUpload {
            state: state.clone(),
            session,
            fields,
        })
    }
}

/// A page seen from a logged-in session: the state and the session in one extractor, for the
/// pages that only show something (a handler that changes something takes [`Posted`]). The
/// session is taken by its own extractor, so the unsafe-method refusal still applies.
pub struct Viewed<S>(pub PortalState, pub S);

impl<S> FromRequestParts<PortalState> for Viewed<S>
where
    S: FromRequestParts<PortalState, Rejection = Response> + Send,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &PortalState) -> Result<Self, Response> {
        let session = S::from_request_parts(parts, state).await?;
        Ok(Viewed(state.clone(), session))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_sessions_are_refused_on_methods_that_change_things() {
        for safe in [Method::GET, Method::HEAD, Method::OPTIONS] {
            assert!(refuse_unchecked_post(&safe).is_ok(), "{safe}");
        }
        for unsafe_method in [Method::POST, Method::PUT, Method::DELETE, Method::PATCH] {
            assert!(
                refuse_unchecked_post(&unsafe_method).is_err(),
                "{unsafe_method}"
            );
        }
    }
}
