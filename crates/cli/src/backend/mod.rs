//! The one interface every unified command is written against: local mode (the database)
//! and remote mode (`--server URL --token T`, the admin API) answer with the same
//! `packyard_api` types, so a command fetches its answer from [`Backend`] and prints it
//! once, as the same human table or the same `--json` document in both modes.
//!
//! The remote half calls the blocking HTTP client on this worker thread
//! (`block_in_place`); the runtime is multi-threaded.

mod local;
mod remote;

use anyhow::{Result, bail};
use packyard_api::accounts::{AccountDetail, AccountList, CreatedKeyView, ImportKeyBody, KeyList};
use packyard_api::catalog::{EntitlementList, InvoiceList, ProductList};
use packyard_api::explain::ExplanationView;
use packyard_api::users::{Membership, NewUserBody, UserList, UserRemoved};
use packyard_store::Db;

use crate::args::Global;
use crate::context::open_db;
use crate::remote::client::Client;

/// Where a command's answers come from.
pub enum Backend {
    /// The database, with the billing grace period the server recorded.
    Local { db: Db, grace_days: i64 },
    /// A running server's admin API.
    Remote(Client),
}

/// Who or what `explain` asks about.
pub enum ExplainFor<'a> {
    Account(&'a str),
    Key(&'a str),
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
                Ok(Backend::Local { db, grace_days })
            }
        }
    }

    pub async fn accounts(&self) -> Result<AccountList> {
        match self {
            Backend::Local { db, grace_days } => local::accounts(db, *grace_days).await,
            Backend::Remote(c) => remote::accounts(c),
        }
    }

    pub async fn account(&self, id: &str) -> Result<AccountDetail> {
        match self {
            Backend::Local { db, grace_days } => local::account(db, *grace_days, id).await,
            Backend::Remote(c) => remote::account(c, id),
        }
    }

    pub async fn keys(&self, account: &str) -> Result<KeyList> {
        match self {
            Backend::Local { db, .. } => local::keys(db, account).await,
            Backend::Remote(c) => remote::keys(c, account),
        }
    }

    pub async fn import_key(&self, account: &str, pair: ImportKeyBody) -> Result<CreatedKeyView> {
        match self {
            Backend::Local { db, .. } => local::import_key(db, account, pair).await,
            Backend::Remote(c) => remote::import_key(c, account, &pair),
        }
    }

    pub async fn products(&self) -> Result<ProductList> {
        match self {
            Backend::Local { db, .. } => local::products(db).await,
            Backend::Remote(c) => remote::products(c),
        }
    }

    pub async fn entitlements(&self, account: Option<&str>) -> Result<EntitlementList> {
        match self {
            Backend::Local { db, .. } => local::entitlements(db, account).await,
            Backend::Remote(c) => remote::entitlements(c, account),
        }
    }

    pub async fn invoices(&self, account: Option<&str>) -> Result<InvoiceList> {
        match self {
            Backend::Local { db, .. } => local::invoices(db, account).await,
            Backend::Remote(c) => remote::invoices(c, account),
        }
    }

    pub async fn users(&self, account: &str) -> Result<UserList> {
        match self {
            Backend::Local { db, .. } => local::users(db, account).await,
            Backend::Remote(c) => remote::users(c, account),
        }
    }

    pub async fn add_user(&self, account: &str, user: NewUserBody) -> Result<Membership> {
        match self {
            Backend::Local { db, .. } => local::add_user(db, account, user).await,
            Backend::Remote(c) => remote::add_user(c, account, &user),
        }
    }

    pub async fn set_role(&self, account: &str, email: &str, role: &str) -> Result<Membership> {
        match self {
            Backend::Local { db, .. } => local::set_role(db, account, email, role).await,
            Backend::Remote(c) => remote::set_role(c, account, email, role),
        }
    }

    pub async fn remove_user(&self, account: &str, email: &str) -> Result<UserRemoved> {
        match self {
            Backend::Local { db, .. } => local::remove_user(db, account, email).await,
            Backend::Remote(c) => remote::remove_user(c, account, email),
        }
    }

    pub async fn personal_keys(&self, email: &str) -> Result<KeyList> {
        match self {
            Backend::Local { db, .. } => local::personal_keys(db, email).await,
            Backend::Remote(c) => remote::personal_keys(c, email),
        }
    }

    pub async fn create_personal_key(&self, email: &str, name: &str) -> Result<CreatedKeyView> {
        match self {
            Backend::Local { db, .. } => local::create_personal_key(db, email, name).await,
            Backend::Remote(c) => remote::create_personal_key(c, email, name),
        }
    }

    /// `grace_days` is the server's in remote mode; locally the caller's `--billing-grace-days`.
    pub async fn explain(
        &self,
        asker: ExplainFor<'_>,
        package: &str,
        grace_days: i64,
    ) -> Result<ExplanationView> {
        match self {
            Backend::Local { db, .. } => local::explain(db, asker, package, grace_days).await,
            Backend::Remote(c) => remote::explain(c, asker, package),
        }
    }
}
