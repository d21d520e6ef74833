//! The commands written once for both modes: [`run`] opens the [`Backend`] (the database,
//! or the admin API with `--server`) and hands it to the command, which asks it for its
//! answer and prints it with [`render`], so local and remote mode print the same text and
//! the same `--json` documents. Accounts, keys and download tokens are here; the catalog in
//! `shared_catalog`, users and `explain` in `people`, the operator-side groups in their own
//! modules (`operators`, `packages`, `publish`, `releases`, `repos`, `advisories`,
//! `upstreams`).

use anyhow::{Result, anyhow, bail};
use packyard_api::accounts::{AccountChange, ImportKeyBody, NewAccountBody, NewKeyBody};
use serde_json::json;

use super::{
    advisories, operators, packages, people, publish, releases, repos, shared_catalog, upstreams,
};
use crate::args::{AccountCmd, Command, Global, KEY_FORMS, KeyCmd, KeyRef, TokenCmd};
use crate::backend::Backend;
use crate::context::{deleted, show};
use crate::input::{read_new_password, read_password_stdin, read_private_key};
use crate::render::{self, print};

/// Runs one of the commands written once for both modes on the backend `g` names.
pub async fn run(g: &Global, command: Command) -> Result<()> {
    let backend = Backend::open(g).await?;
    let backend = &backend;
    match command {
        Command::Account(cmd) => account(g, backend, cmd).await,
        Command::Key(cmd) => key(g, backend, cmd).await,
        Command::Token(TokenCmd::Generate { account }) => {
            let token = backend.generate_token(&account).await?;
            print(g.json, &token, &token.token)
        }
        Command::Product(cmd) => shared_catalog::product(g, backend, cmd).await,
        Command::Entitlement(cmd) => shared_catalog::entitlement(g, backend, cmd).await,
        Command::Invoice(cmd) => shared_catalog::invoice(g, backend, cmd).await,
        Command::User(cmd) => people::user(g, backend, cmd).await,
        Command::Explain(args) => people::explain(g, backend, args).await,
        Command::Operator(cmd) => operators::run(g, backend, cmd).await,
        Command::Package(cmd) => packages::run(g, backend, cmd).await,
        Command::Publish(args) => publish::run(g, backend, args).await,
        Command::Release(cmd) => releases::run(g, backend, cmd).await,
        Command::Repo(args) => repos::run(g, backend, args).await,
        Command::Advisory(cmd) => advisories::advisory(g, backend, cmd).await,
        Command::Version(cmd) => advisories::version(g, backend, cmd).await,
        Command::Notice(cmd) => advisories::notice(g, backend, cmd).await,
        Command::Upstream(cmd) => upstreams::run(g, backend, cmd).await,
        _ => bail!("this command works on the data directory only; run it without --server"),
    }
}

async fn account(g: &Global, backend: &Backend, cmd: AccountCmd) -> Result<()> {
    let json = g.json;
    match cmd {
        AccountCmd::Create {
            email,
            name,
            password_stdin,
            id_prefix,
        } => {
            let password = password_stdin.then(read_password_stdin).transpose()?;
            let new = NewAccountBody {
                email,
                name,
                password,
            };
            let prefix = crate::args::account_id_prefix(id_prefix);
            let created = backend.create_account(new, &prefix).await?;
            print(json, &json!({ "id": created.id }), &created.id)
        }
        AccountCmd::List => show(json, backend.accounts().await?, render::accounts),
        AccountCmd::Show { id } => show(json, backend.account(&id).await?, render::account),
        AccountCmd::Update { id, name, email } => {
            if name.is_none() && email.is_none() {
                bail!("nothing to change: give --name and/or --email");
            }
            let change = AccountChange {
                name,
                email,
                password: None,
            };
            let changed = backend.update_account(&id, change).await?;
            let a = &changed.account;
            print(
                json,
                &changed,
                format!("{}: {} <{}>", a.public_id, a.name, a.email),
            )
        }
        AccountCmd::Close { id } => set_open(g, backend, &id, false).await,
        AccountCmd::Reopen { id } => set_open(g, backend, &id, true).await,
        AccountCmd::SetPassword { id, .. } => {
            let change = AccountChange {
                password: Some(read_new_password()?),
                ..AccountChange::default()
            };
            let id = backend.update_account(&id, change).await?.account.public_id;
            print(json, &json!({ "id": id }), format!("password of {id} set"))
        }
    }
}

async fn set_open(g: &Global, backend: &Backend, id: &str, open: bool) -> Result<()> {
    let a = backend.set_account_open(id, open).await?.account;
    let done = if open { "reopened" } else { "closed" };
    let answer = json!({ "id": a.public_id, "status": a.status });
    print(g.json, &answer, format!("{} {done}", a.public_id))
}

async fn key(g: &Global, backend: &Backend, cmd: KeyCmd) -> Result<()> {
    let json = g.json;
    match cmd {
        KeyCmd::Create {
            account,
            name,
            products,
        } => {
            let new = NewKeyBody { name, products };
            let key = backend.create_key(&account, new).await?;
            print(json, &key, render::created_key(&key))
        }
        KeyCmd::Import {
            account,
            name,
            public_key,
            private_key_stdin,
            products,
        } => {
            let private_key = read_private_key(private_key_stdin)?;
            let pair = ImportKeyBody {
                name,
                public_key,
                private_key,
                products,
            };
            let key = backend.import_key(&account, pair).await?;
            print(json, &key, render::created_key(&key))
        }
        KeyCmd::List { account } => show(json, backend.keys(&account).await?, render::keys),
        KeyCmd::Disable(key) => set_enabled(g, backend, &key, false).await,
        KeyCmd::Enable(key) => set_enabled(g, backend, &key, true).await,
        KeyCmd::Delete(key) => {
            let public_key = the_key(backend, &key).await?;
            backend
                .delete_key(public_key)
                .await
                .map_err(|e| anyhow!("{e:#}; {KEY_FORMS}"))?;
            let human = format!("{public_key} deleted");
            print(json, &deleted("public_key", public_key), human)
        }
    }
}

/// The public key `key` names, checked to be the account's when one is given.
async fn the_key<'k>(backend: &Backend, key: &'k KeyRef) -> Result<&'k str> {
    let (account, public_key) = key.parts()?;
    if let Some(account) = account {
        let keys = backend.keys(account).await?.keys;
        if !keys.iter().any(|k| k.public_key == public_key) {
            bail!("{public_key} is not a key of account {account}; {KEY_FORMS}")
        }
    }
    Ok(public_key)
}

async fn set_enabled(g: &Global, backend: &Backend, key: &KeyRef, enabled: bool) -> Result<()> {
    let public_key = the_key(backend, key).await?;
    let switched = backend
        .set_key_enabled(public_key, enabled)
        .await
        .map_err(|e| anyhow!("{e:#}; {KEY_FORMS}"))?;
    let state = if enabled { "enabled" } else { "disabled" };
    let human = format!("{} {state}", switched.public_key);
    print(g.json, &switched, human)
}
