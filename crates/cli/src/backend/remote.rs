//! The remote half of [`super::Backend`]: each answer is one admin API call, read as the
//! `packyard_api` type the server documents it with.

use anyhow::Result;
use packyard_api::accounts::{AccountDetail, AccountList, CreatedKeyView, ImportKeyBody, KeyList};
use packyard_api::catalog::{EntitlementList, InvoiceList, ProductList};
use packyard_api::explain::ExplanationView;
use packyard_api::users::{
    Membership, NewPersonalKeyBody, NewUserBody, RoleBody, UserList, UserRemoved,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::ExplainFor;
use crate::remote::client::{Client, account_path, segment};

fn get<T: DeserializeOwned>(c: &Client, path: &str) -> Result<T> {
    tokio::task::block_in_place(|| c.get(path))
}

fn send<T: DeserializeOwned>(c: &Client, method: &str, path: &str, body: &impl Serialize) -> Result<T> {
    tokio::task::block_in_place(|| c.send(method, path, body))
}

/// `base`, narrowed to one account when given.
fn of_account(base: &str, account: Option<&str>) -> String {
    match account {
        Some(a) => format!("{base}?account={}", segment(a)),
        None => base.to_string(),
    }
}

fn user_path(account: &str, email: &str) -> String {
    format!("{}/users/{}", account_path(account), segment(email))
}

pub fn accounts(c: &Client) -> Result<AccountList> {
    get(c, "/api/v1/accounts")
}

pub fn account(c: &Client, id: &str) -> Result<AccountDetail> {
    get(c, &account_path(id))
}

pub fn keys(c: &Client, account: &str) -> Result<KeyList> {
    get(c, &format!("{}/keys", account_path(account)))
}

pub fn import_key(c: &Client, account: &str, pair: &ImportKeyBody) -> Result<CreatedKeyView> {
    let path = format!("{}/keys/import", account_path(account));
    send(c, "POST", &path, pair)
}

pub fn products(c: &Client) -> Result<ProductList> {
    get(c, "/api/v1/products")
}

pub fn entitlements(c: &Client, account: Option<&str>) -> Result<EntitlementList> {
    get(c, &of_account("/api/v1/entitlements", account))
}

pub fn invoices(c: &Client, account: Option<&str>) -> Result<InvoiceList> {
    get(c, &of_account("/api/v1/invoices", account))
}

pub fn users(c: &Client, account: &str) -> Result<UserList> {
    get(c, &format!("{}/users", account_path(account)))
}

pub fn add_user(c: &Client, account: &str, user: &NewUserBody) -> Result<Membership> {
    send(c, "POST", &format!("{}/users", account_path(account)), user)
}

pub fn set_role(c: &Client, account: &str, email: &str, role: &str) -> Result<Membership> {
    let body = RoleBody { role: role.into() };
    send(c, "PUT", &format!("{}/role", user_path(account, email)), &body)
}

pub fn remove_user(c: &Client, account: &str, email: &str) -> Result<UserRemoved> {
    tokio::task::block_in_place(|| {
        let answer = c.call("DELETE", &user_path(account, email), None)?;
        Ok(serde_json::from_value(answer)?)
    })
}

pub fn personal_keys(c: &Client, email: &str) -> Result<KeyList> {
    get(c, &format!("/api/v1/users/{}/keys", segment(email)))
}

pub fn create_personal_key(c: &Client, email: &str, name: &str) -> Result<CreatedKeyView> {
    let body = NewPersonalKeyBody { name: name.into() };
    send(c, "POST", &format!("/api/v1/users/{}/keys", segment(email)), &body)
}

pub fn explain(c: &Client, asker: ExplainFor<'_>, package: &str) -> Result<ExplanationView> {
    let base = match asker {
        ExplainFor::Account(id) => account_path(id),
        ExplainFor::Key(key) => format!("/api/v1/keys/{}", segment(key)),
    };
    get(c, &format!("{base}/explain?package={}", segment(package)))
}
