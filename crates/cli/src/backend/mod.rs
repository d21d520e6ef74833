//! The one interface every command of the customer and catalog groups is written against:
//! local mode (the database) and remote mode (`--server URL --token T`, the admin API)
//! answer with the same `packyard_api` types, so a command asks [`Backend`] for its answer
//! and prints it once, as the same human table or the same `--json` document in both modes.
//!
//! The customer and catalog operations are one function in `local` (the store functions the
//! admin API's handlers call) and one in `remote` (the admin API call), the catalog's in
//! their `_catalog` companions; `both!` picks the half. The operator-side groups (operators,
//! packages and releases, advisories and marks, repositories, upstreams) keep both halves of
//! an operation side by side in one method of their own module. The remote half calls the
//! blocking HTTP client on this worker thread (`block_in_place`; the runtime is
//! multi-threaded).

mod client;
mod handles;
mod local;
mod local_catalog;
mod marks;
mod operators;
mod packages;
mod remote;
mod remote_catalog;
mod repos;
mod upstreams;

use anyhow::{Result, bail};
use packyard_api::accounts::{
    AccountAnswer, AccountChange, AccountCreated, AccountDetail, AccountList, CreatedKeyView,
    DownloadToken, ImportKeyBody, KeyList, KeySwitched, NewAccountBody, NewKeyBody,
};
use packyard_api::catalog::{
    EntitlementList, Grant, GrantBody, InvoiceList, InvoiceView, NewInvoice, NewProduct,
    ProductList, ProductPatch, ProductView,
};
use packyard_api::explain::ExplanationView;
use packyard_api::users::{Membership, NewUserBody, UserList, UserRemoved};

pub use handles::{Backend, ExplainFor, Local};
pub use packages::PublishFailure;
pub use repos::RepoSync;

use crate::args::Global;
use crate::context::open_db;
use client::Client;

/// Calls the local or the remote half of one operation.
macro_rules! both {
    ($backend:expr, $name:ident($($arg:expr),*)) => {
        match $backend {
            Backend::Local(l) => local::$name(l, $($arg),*).await,
            Backend::Remote(c) => remote::$name(c, $($arg),*),
        }
    };
}

impl Backend {
    /// Remote with `--server`, else the database of the installation.
    pub async fn open(g: &Global) -> Result<Backend> {
        match (&g.server, &g.token) {
            (Some(server), Some(token)) => Ok(Backend::Remote(Client::new(server, token)?)),
            (Some(_), None) => bail!("remote mode needs both --server URL and --token TOKEN"),
            _ => {
                let db = open_db(g).await?;
                let grace_days = local::grace_days(&db).await?;
                let global = g.clone();
                Ok(Backend::Local(Local {
                    db,
                    grace_days,
                    global,
                    blobs: Default::default(),
                }))
            }
        }
    }

    pub async fn accounts(&self) -> Result<AccountList> {
        both!(self, accounts())
    }

    pub async fn account(&self, id: &str) -> Result<AccountDetail> {
        both!(self, account(id))
    }

    /// `id_prefix` applies locally; a server uses its own `--account-id-prefix`.
    pub async fn create_account(
        &self,
        new: NewAccountBody,
        id_prefix: &str,
    ) -> Result<AccountCreated> {
        match self {
            Backend::Local(l) => local::create_account(l, new, id_prefix).await,
            Backend::Remote(c) => remote::create_account(c, &new),
        }
    }

    pub async fn update_account(&self, id: &str, change: AccountChange) -> Result<AccountAnswer> {
        both!(self, update_account(id, change))
    }

    /// Closes (`open` false) or reopens an account.
    pub async fn set_account_open(&self, id: &str, open: bool) -> Result<AccountAnswer> {
        both!(self, set_account_open(id, open))
    }

    pub async fn keys(&self, account: &str) -> Result<KeyList> {
        both!(self, keys(account))
    }

    pub async fn create_key(&self, account: &str, key: NewKeyBody) -> Result<CreatedKeyView> {
        both!(self, create_key(account, key))
    }

    pub async fn import_key(&self, account: &str, pair: ImportKeyBody) -> Result<CreatedKeyView> {
        both!(self, import_key(account, pair))
    }

    pub async fn set_key_enabled(&self, public_key: &str, enabled: bool) -> Result<KeySwitched> {
        both!(self, set_key_enabled(public_key, enabled))
    }

    pub async fn delete_key(&self, public_key: &str) -> Result<()> {
        both!(self, delete_key(public_key))
    }

    pub async fn generate_token(&self, account: &str) -> Result<DownloadToken> {
        both!(self, generate_token(account))
    }

    pub async fn products(&self) -> Result<ProductList> {
        both!(self, products())
    }

    pub async fn create_product(&self, new: NewProduct) -> Result<ProductView> {
        both!(self, create_product(new))
    }

    pub async fn update_product(&self, slug: &str, patch: ProductPatch) -> Result<ProductView> {
        both!(self, update_product(slug, patch))
    }

    pub async fn delete_product(&self, slug: &str) -> Result<()> {
        both!(self, delete_product(slug))
    }

    pub async fn entitlements(&self, account: Option<&str>) -> Result<EntitlementList> {
        both!(self, entitlements(account))
    }

    pub async fn grant(&self, account: &str, product: &str, terms: GrantBody) -> Result<Grant> {
        both!(self, grant(account, product, terms))
    }

    pub async fn revoke(&self, account: &str, product: &str) -> Result<()> {
        both!(self, revoke(account, product))
    }

    pub async fn invoices(&self, account: Option<&str>) -> Result<InvoiceList> {
        both!(self, invoices(account))
    }

    pub async fn add_invoice(&self, account: &str, new: NewInvoice) -> Result<InvoiceView> {
        both!(self, add_invoice(account, new))
    }

    pub async fn pay_invoice(&self, number: &str) -> Result<InvoiceView> {
        both!(self, pay_invoice(number))
    }

    pub async fn void_invoice(&self, number: &str, reason: &str) -> Result<InvoiceView> {
        both!(self, void_invoice(number, reason))
    }

    pub async fn users(&self, account: &str) -> Result<UserList> {
        both!(self, users(account))
    }

    pub async fn add_user(&self, account: &str, user: NewUserBody) -> Result<Membership> {
        both!(self, add_user(account, user))
    }

    pub async fn set_role(&self, account: &str, email: &str, role: &str) -> Result<Membership> {
        both!(self, set_role(account, email, role))
    }

    pub async fn remove_user(&self, account: &str, email: &str) -> Result<UserRemoved> {
        both!(self, remove_user(account, email))
    }

    pub async fn personal_keys(&self, email: &str) -> Result<KeyList> {
        both!(self, personal_keys(email))
    }

    pub async fn create_personal_key(&self, email: &str, name: &str) -> Result<CreatedKeyView> {
        both!(self, create_personal_key(email, name))
    }

    /// `grace_days` counts locally (the caller's `--billing-grace-days`); a server uses its own.
    pub async fn explain(
        &self,
        asker: ExplainFor<'_>,
        package: &str,
        grace_days: i64,
    ) -> Result<ExplanationView> {
        match self {
            Backend::Local(l) => local::explain(l, asker, package, grace_days).await,
            Backend::Remote(c) => remote::explain(c, asker, package),
        }
    }
}
