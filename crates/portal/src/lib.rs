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
mod login;
pub mod login_guard;
pub mod notices;
mod password;
mod posted;
mod session;
mod state;
mod views;

use axum::Router;
use axum::extract::State;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{any, get, post};

pub use error::PortalError;
use session::{CustomerSession, OperatorSession};
pub use state::{ClientAddrFn, Handles, PortalState};

/// The portal's pages and assets over `state`, ready to merge into any router.
pub fn router<S: Clone + Send + Sync + 'static>(state: PortalState) -> Router<S> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/account") }))
        .route(
            "/login",
            get(login::form::<CustomerSession>).post(login::log_in::<CustomerSession>),
        )
        .route("/logout", post(login::log_out::<CustomerSession>))
        .route("/account", get(account_users::home))
        .route("/account/switch", post(account_users::switch))
        .route(
            "/account/users",
            get(account_users::list).post(account_users::add),
        )
        .route("/account/users/role", post(account_users::set_role))
        .route("/account/users/remove", post(account_users::remove))
        .route("/password/set", get(invites::set_form).post(invites::set))
        .route("/account/keys", get(keys::list).post(keys::create))
        .route("/account/keys/personal", post(keys::create_personal))
        .route(
            "/account/keys/{public_key}/{action}",
            post(keys::enable_or_disable),
        )
        .route(
            "/account/keys/{public_key}/delete",
            get(keys::confirm_delete).post(keys::delete),
        )
        .route(
            "/account/token",
            get(customer::token_page).post(customer::generate_token),
        )
        .route("/account/licences", get(licences::licences))
        .route(
            "/account/password",
            get(password::change_form).post(password::change),
        )
        .route(
            "/password/forgot",
            get(password::forgot_form).post(password::forgot),
        )
        .route(
            "/password/reset",
            get(password::reset_form).post(password::reset),
        )
        .route("/account/invoices", get(customer::invoices))
        .route(
            "/admin/login",
            get(login::form::<OperatorSession>).post(login::log_in::<OperatorSession>),
        )
        .route("/admin/logout", post(login::log_out::<OperatorSession>))
        .route("/admin", get(|| async { Redirect::to("/admin/dashboard") }))
        .route("/admin/dashboard", get(admin_dashboard::dashboard))
        .route(
            "/admin/accounts",
            get(admin_accounts::list).post(admin_accounts::create),
        )
        .route("/admin/accounts/{id}", get(admin_accounts::show))
        .route("/admin/accounts/{id}/close", post(admin_accounts::close))
        .route("/admin/accounts/{id}/reopen", post(admin_accounts::reopen))
        .route(
            "/admin/accounts/{id}/keys/{public_key}/{action}",
            post(admin_accounts::key_action),
        )
        .route("/admin/accounts/{id}/grant", post(admin_accounts::grant))
        .route("/admin/accounts/{id}/revoke", post(admin_accounts::revoke))
        .route(
            "/admin/accounts/{id}/invoices",
            post(admin_accounts::add_invoice),
        )
        .route(
            "/admin/accounts/{id}/pay",
            post(admin_accounts::pay_invoice),
        )
        .route(
            "/admin/accounts/{id}/void",
            post(admin_account_forms::void_invoice),
        )
        .route(
            "/admin/accounts/{id}/password",
            post(admin_account_forms::set_password),
        )
        .route(
            "/admin/accounts/{id}/keys",
            post(admin_account_forms::create_key),
        )
        .route("/admin/accounts/{id}/users", post(admin_account_users::add))
        .route(
            "/admin/accounts/{id}/users/{action}",
            post(admin_account_users::change),
        )
        .route(
            "/admin/accounts/{id}/explain",
            get(admin_account_users::explain),
        )
        .route(
            "/admin/products",
            get(admin_catalog::products).post(admin_catalog::create_product),
        )
        .route(
            "/admin/packages",
            get(admin_catalog::packages)
                .post(admin_catalog::upload)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/admin/packages/unlist", post(admin_catalog::unlist))
        .route(
            "/admin/advisories",
            get(admin_advisories::page).post(admin_advisories::add),
        )
        .route(
            "/admin/advisories/withdraw",
            post(admin_advisories::withdraw),
        )
        .route(
            "/admin/releases",
            get(admin_releases::list)
                .post(admin_releases::upload)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/admin/repos", get(admin_repos::list))
        .route("/admin/repos/{id}/sync", post(admin_repos::sync))
        .route(
            "/admin/upstreams",
            get(admin_upstreams::list).post(admin_upstreams::add),
        )
        .route("/admin/upstreams/remove", post(admin_upstreams::remove))
        .route("/admin/upstreams/sync", post(admin_upstreams::sync))
        .route("/admin/audit", get(admin_log::audit))
        .route("/admin/stats", get(admin_log::stats))
        .route("/account/{*rest}", any(no_such_page))
        .route("/admin/{*rest}", any(no_such_page))
        .route("/assets/portal.css", get(assets::css))
        .route("/assets/portal.js", get(assets::js))
        .route("/assets/brand.css", get(assets::brand_css))
        .route("/assets/logo", get(assets::logo))
        .layer(from_fn_with_state(state.clone(), portal_guard))
        .with_state(state)
}

/// Unknown pages under `/account/` and `/admin/` get the portal's error page, with a way
/// back, instead of an empty 404.
async fn no_such_page() -> PortalError {
    PortalError::NotFound(
        "There is no such page. Use the menu above to find what you were looking for.".into(),
    )
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
