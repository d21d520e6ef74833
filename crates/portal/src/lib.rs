//! The web portal: server-rendered HTML for customers (`/login`, `/account/…`) and for the
//! vendor's operators (`/admin/login`, `/admin/…`). Customers and operators log in on
//! separate forms and hold separate cookies, so an operator who is also a customer can use
//! both in one browser and neither session ever grants the other's powers.
//!
//! Everything works without JavaScript; the one script only adds copy buttons. Pages are
//! askama templates (`templates/`), which escape every value, so names users type (key
//! names, package descriptions) always render as text. Every POST passes the origin check
//! in [`csrf`] (a middleware on this router) and carries the session's token, which
//! the [`posted`] extractors verify before a handler runs (a handler cannot take a session on
//! a POST any other way). Handlers read the database directly: the portal
//! is not the hot path, and the database is the source of truth the snapshot follows.
//!
//! The server mounts [`router`] over a [`PortalState`]: the handles the pages use, nothing
//! of the Composer routes' hot path.

mod account_users;
mod admin_account_forms;
mod admin_account_users;
mod admin_accounts;
mod admin_advisories;
mod admin_catalog;
mod admin_dashboard;
mod admin_log;
mod admin_releases;
mod admin_repos;
mod admin_upstreams;
pub mod areas;
mod assets;
pub mod csrf;
mod customer;
mod error;
mod error_page;
mod hashing;
mod install;
mod invites;
mod keys;
mod letters;
mod licences;
mod link_forms;
mod login;
pub mod login_guard;
pub mod notices;
mod password;
mod posted;
mod routes;
mod session;
mod state;
mod views;

use axum::Router;
use axum::extract::Request;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};

pub use error::PortalError;
pub use state::{ClientAddrFn, Handles, PortalState};

/// The portal's pages and assets over `state`, ready to merge into any router.
pub fn router<S: Clone + Send + Sync + 'static>(state: PortalState) -> Router<S> {
    let table = routes::table().into_iter();
    table
        .fold(Router::new(), |router, (path, page)| {
            router.route(path, page)
        })
        .layer(from_fn_with_state(state.clone(), portal_guard))
        .with_state(state)
}

/// Refuses cross-origin form posts before any handler runs, renders error answers as pages
/// in the portal's frame, and marks every portal answer as uncacheable, unframeable and
/// script-restricted.
async fn portal_guard(State(state): State<PortalState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let mut response = match crate::csrf::check_origin(request.method(), request.headers()) {
        Ok(()) => next.run(request).await,
        Err(e) => PortalError::Csrf(e).into_response(),
    };
    if let Some(view) = response.extensions_mut().remove::<error::ErrorView>()
        && let Some(html) = error_page::render(&state.config.brand, &path, &view)
    {
        let (mut parts, _) = response.into_parts();
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        parts.headers.remove(header::CONTENT_LENGTH);
        response = Response::from_parts(parts, axum::body::Body::from(html));
    }
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
