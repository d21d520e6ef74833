//! The remote half of [`super::Backend`]: each answer is one admin API call, read as the
//! `packyard_api` type the server documents it with. The catalog's are in `remote_catalog`.

use super::client::{Client, account_path, segment};
use super::handles::{ExplainFor, call, get, post, send};
pub use super::remote_catalog::*;
use anyhow::Result;
use packyard_api::accounts::{
    AccountAnswer, AccountChange, AccountCreated, AccountDetail, AccountList, CreatedKeyView,
    DownloadToken, ImportKeyBody, KeyList, KeySwitched, NewAccountBody, NewKeyBody,
};
use packyard_api::explain::ExplanationView;
use packyard_api::users::{
    Membership, NewPersonalKeyBody, NewUserBody, RoleBody, UserList, UserRemoved,
};

fn user_path(account: &str, email: &str) -> String {
    format!("{}/users/{}", account_path(account), segment(email))
}

fn key_path(public_key: &str) -> String {
    format!("/api/v1/keys/{}", segment(public_key))
}

pub fn accounts(c: &Client) -> Result<AccountList> {
    get(c, "/api/v1/accounts")
}

pub fn account(c: &Client, id: &str) -> Result<AccountDetail> {
    get(c, &account_path(id))
}

pub fn create_account(c: &Client, new: &NewAccountBody) -> Result<AccountCreated> {
    send(c, "POST", "/api/v1/accounts", new)
}

pub fn update_account(c: &Client, id: &str, change: AccountChange) -> Result<AccountAnswer> {
    send(c, "PATCH", &account_path(id), &change)
}

pub fn set_account_open(c: &Client, id: &str, open: bool) -> Result<AccountAnswer> {
    let action = if open { "reopen" } else { "close" };
    post(c, &format!("{}/{action}", account_path(id)))
}

pub fn keys(c: &Client, account: &str) -> Result<KeyList> {
    get(c, &format!("{}/keys", account_path(account)))
}

pub fn create_key(c: &Client, account: &str, key: NewKeyBody) -> Result<CreatedKeyView> {
    send(c, "POST", &format!("{}/keys", account_path(account)), &key)
}

pub fn import_key(c: &Client, account: &str, pair: ImportKeyBody) -> Result<CreatedKeyView> {
    let path = format!("{}/keys/import", account_path(account));
    send(c, "POST", &path, &pair)
}

pub fn set_key_enabled(c: &Client, public_key: &str, enabled: bool) -> Result<KeySwitched> {
    let action = if enabled { "enable" } else { "disable" };
    post(c, &format!("{}/{action}", key_path(public_key)))
}

pub fn delete_key(c: &Client, public_key: &str) -> Result<()> {
    call(c, "DELETE", &key_path(public_key))
}

pub fn generate_token(c: &Client, account: &str) -> Result<DownloadToken> {
    let path = format!("{}/download-token", account_path(account));
    post(c, &path)
}

pub fn users(c: &Client, account: &str) -> Result<UserList> {
    get(c, &format!("{}/users", account_path(account)))
}

pub fn add_user(c: &Client, account: &str, user: NewUserBody) -> Result<Membership> {
    send(
        c,
        "POST",
        &format!("{}/users", account_path(account)),
        &user,
    )
}

pub fn set_role(c: &Client, account: &str, email: &str, role: &str) -> Result<Membership> {
    let body = RoleBody { role: role.into() };
    send(
        c,
        "PUT",
        &format!("{}/role", user_path(account, email)),
        &body,
    )
}

pub fn remove_user(c: &Client, account: &str, email: &str) -> Result<UserRemoved> {
    tokio::task::block_in_place(|| c.answer("DELETE", &user_path(account, email)))
}

pub fn personal_keys(c: &Client, email: &str) -> Result<KeyList> {
    get(c, &format!("/api/v1/users/{}/keys", segment(email)))
}

pub fn create_personal_key(c: &Client, email: &str, name: &str) -> Result<CreatedKeyView> {
    let body = NewPersonalKeyBody { name: name.into() };
    send(
        c,
        "POST",
        &format!("/api/v1/users/{}/keys", segment(email)),
        &body,
    )
}

pub fn explain(c: &Client, asker: ExplainFor<'_>, package: &str) -> Result<ExplanationView> {
    let base = match asker {
        ExplainFor::Account(id) => account_path(id),
        ExplainFor::Key(key) => key_path(key),
    };
    get(c, &format!("{base}/explain?package={}", segment(package)))
}
