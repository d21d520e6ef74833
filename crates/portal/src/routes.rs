//! The portal's route table: every path it answers and the handlers of its methods, one
//! row a path, so the router is built from one list.

use axum::extract::DefaultBodyLimit;
use axum::response::Redirect;
use axum::routing::{MethodRouter, any, get, post};

use crate::error::PortalError;
use crate::link_forms::{ResetLink, SetLink, link_form, set_by_link};
use crate::session::{CustomerSession, OperatorSession};
use crate::state::PortalState;
use crate::{
    account_users, admin_account_forms, admin_account_users, admin_accounts, admin_advisories,
    admin_catalog, admin_dashboard, admin_log, admin_releases, admin_repos, admin_upstreams,
    assets, customer, keys, licences, login, password,
};

/// The rows `path => handlers,` as a list of pairs.
macro_rules! routes {
    ($($path:literal => $page:expr,)*) => {
        vec![$(($path, $page)),*]
    };
}

/// Every path of the portal and what answers it.
pub fn table() -> Vec<(&'static str, MethodRouter<PortalState>)> {
    routes! {
        "/" => get(|| async { Redirect::to("/account") }),
        "/login" => get(login::form::<CustomerSession>).post(login::log_in::<CustomerSession>),
        "/logout" => post(login::log_out::<CustomerSession>),
        "/account" => get(account_users::home),
        "/account/switch" => post(account_users::switch),
        "/account/users" => get(account_users::list).post(account_users::add),
        "/account/users/role" => post(account_users::set_role),
        "/account/users/remove" => post(account_users::remove),
        "/password/set" => get(link_form::<SetLink>).post(set_by_link::<SetLink>),
        "/account/keys" => get(keys::list).post(keys::create),
        "/account/keys/personal" => post(keys::create_personal),
        "/account/keys/{public_key}/{action}" => post(keys::enable_or_disable),
        "/account/keys/{public_key}/delete" => get(keys::confirm_delete).post(keys::delete),
        "/account/token" => get(customer::token_page).post(customer::generate_token),
        "/account/licences" => get(licences::licences),
        "/account/password" => get(password::change_form).post(password::change),
        "/password/forgot" => get(password::forgot_form).post(password::forgot),
        "/password/reset" => get(link_form::<ResetLink>).post(set_by_link::<ResetLink>),
        "/account/invoices" => get(customer::invoices),
        "/admin/login" => get(login::form::<OperatorSession>)
            .post(login::log_in::<OperatorSession>),
        "/admin/logout" => post(login::log_out::<OperatorSession>),
        "/admin" => get(|| async { Redirect::to("/admin/dashboard") }),
        "/admin/dashboard" => get(admin_dashboard::dashboard),
        "/admin/accounts" => get(admin_accounts::list).post(admin_accounts::create),
        "/admin/accounts/{id}" => get(admin_accounts::show),
        "/admin/accounts/{id}/close" => post(admin_accounts::close),
        "/admin/accounts/{id}/reopen" => post(admin_accounts::reopen),
        "/admin/accounts/{id}/keys/{public_key}/{action}" => post(admin_accounts::key_action),
        "/admin/accounts/{id}/grant" => post(admin_accounts::grant),
        "/admin/accounts/{id}/revoke" => post(admin_accounts::revoke),
        "/admin/accounts/{id}/invoices" => post(admin_accounts::add_invoice),
        "/admin/accounts/{id}/pay" => post(admin_accounts::pay_invoice),
        "/admin/accounts/{id}/void" => post(admin_account_forms::void_invoice),
        "/admin/accounts/{id}/password" => post(admin_account_forms::set_password),
        "/admin/accounts/{id}/keys" => post(admin_account_forms::create_key),
        "/admin/accounts/{id}/users" => post(admin_account_users::add),
        "/admin/accounts/{id}/users/{action}" => post(admin_account_users::change),
        "/admin/accounts/{id}/explain" => get(admin_account_users::explain),
        "/admin/products" => get(admin_catalog::products).post(admin_catalog::create_product),
        "/admin/packages" => get(admin_catalog::packages)
            .post(admin_catalog::upload)
            .layer(DefaultBodyLimit::disable()),
        "/admin/packages/unlist" => post(admin_catalog::unlist),
        "/admin/advisories" => get(admin_advisories::page).post(admin_advisories::add),
        "/admin/advisories/withdraw" => post(admin_advisories::withdraw),
        "/admin/releases" => get(admin_releases::list)
            .post(admin_releases::upload)
            .layer(DefaultBodyLimit::disable()),
        "/admin/repos" => get(admin_repos::list),
        "/admin/repos/{id}/sync" => post(admin_repos::sync),
        "/admin/upstreams" => get(admin_upstreams::list).post(admin_upstreams::add),
        "/admin/upstreams/remove" => post(admin_upstreams::remove),
        "/admin/upstreams/sync" => post(admin_upstreams::sync),
        "/admin/audit" => get(admin_log::audit),
        "/admin/stats" => get(admin_log::stats),
        "/account/{*rest}" => any(no_such_page),
        "/admin/{*rest}" => any(no_such_page),
        "/assets/portal.css" => get(assets::css),
        "/assets/portal.js" => get(assets::js),
        "/assets/brand.css" => get(assets::brand_css),
        "/assets/logo" => get(assets::logo),
    }
}

/// Unknown pages under `/account/` and `/admin/` get the portal's error page, with a way
/// back, instead of an empty 404.
async fn no_such_page() -> PortalError {
    PortalError::NotFound(
        "There is no such page. Use the menu above to find what you were looking for.".into(),
    )
}
