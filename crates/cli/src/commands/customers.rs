//! `account`, `key` and `token` subcommands.

use anyhow::{Result, bail};
use packyard_core::passwords::hash_password;
use packyard_store::Db;
use packyard_store::accounts::{Account, NewAccount};
use packyard_store::sessions::SessionKind;
use serde_json::json;

use super::{CLI_ACTOR, deleted, emit};
use crate::args::{AccountCmd, Command, Global, KEY_FORMS, KeyCmd, KeyRef, TokenCmd};
use crate::context::{open_db, read_new_password, read_password_stdin};

pub async fn account(g: &Global, cmd: AccountCmd) -> Result<()> {
    let db = open_db(g).await?;
    match cmd {
        AccountCmd::Create {
            email,
            name,
            password_stdin,
            id_prefix,
        } => {
            let password_hash = if password_stdin {
                Some(hash_password(&read_password_stdin()?)?)
            } else {
                None
            };
            let account = db
                .create_account(
                    NewAccount {
                        email: &email,
                        name: &name,
                        id_prefix: &crate::args::account_id_prefix(id_prefix),
                        password_hash,
                    },
                    CLI_ACTOR,
                )
                .await?;
            emit(
                g.json,
                json!({ "id": account.public_id }),
                &account.public_id,
            );
        }
        cmd @ (AccountCmd::List | AccountCmd::Show { .. }) => {
            super::shared::run(g, Command::Account(cmd)).await?;
        }
        AccountCmd::Update { id, name, email } => {
            if name.is_none() && email.is_none() {
                bail!("nothing to change: give --name and/or --email");
            }
            let a = db
                .update_account(&id, name.as_deref(), email.as_deref(), CLI_ACTOR)
                .await?;
            let human = format!("{}: {} <{}>", a.public_id, a.name, a.email);
            emit(g.json, json!({ "account": a }), human);
        }
        AccountCmd::Close { id } => {
            emit_status(g, db.close_account(&id, CLI_ACTOR).await?, "closed")
        }
        AccountCmd::Reopen { id } => {
            emit_status(g, db.reopen_account(&id, CLI_ACTOR).await?, "reopened")
        }
        AccountCmd::SetPassword { id, .. } => {
            let account = db.account(&id).await?;
            let hash = hash_password(&read_new_password()?)?;
            db.set_account_password(&account.public_id, &hash, CLI_ACTOR)
                .await?;
            // A new password logs out every browser that knew the old one.
            db.delete_sessions_of(SessionKind::Customer, account.id)
                .await?;
            let id = account.public_id;
            emit(g.json, json!({ "id": id }), format!("password of {id} set"));
        }
    }
    Ok(())
}

pub async fn key(g: &Global, cmd: KeyCmd) -> Result<()> {
    let db = open_db(g).await?;
    match cmd {
        KeyCmd::Create {
            account,
            name,
            products,
        } => super::people::create_key(g, &account, &name, &products, None).await?,
        cmd @ (KeyCmd::Import { .. } | KeyCmd::List { .. }) => {
            super::shared::run(g, Command::Key(cmd)).await?;
        }
        KeyCmd::Disable(key) => set_key_enabled(g, &db, &key, false).await?,
        KeyCmd::Enable(key) => set_key_enabled(g, &db, &key, true).await?,
        KeyCmd::Delete(key) => {
            let public_key = the_key(&db, &key).await?;
            db.delete_key(&public_key, CLI_ACTOR).await?;
            emit(
                g.json,
                deleted("public_key", &public_key),
                format!("{public_key} deleted"),
            );
        }
    }
    Ok(())
}

/// Reports an account's new status (`done` says what happened, for people).
fn emit_status(g: &Global, a: Account, done: &str) {
    emit(
        g.json,
        json!({ "id": a.public_id, "status": a.status }),
        format!("{} {done}", a.public_id),
    );
}

/// The public key `key` names, checked to exist (and to be the account's, when one is given).
async fn the_key(db: &Db, key: &KeyRef) -> Result<String> {
    let (account, public_key) = key.parts()?;
    let found = db
        .key(public_key)
        .await
        .map_err(|e| anyhow::anyhow!("{e}; {KEY_FORMS}"))?;
    if let Some(account) = account
        && Some(db.account(account).await?.id) != found.account_id
    {
        bail!("{public_key} is not a key of account {account}; {KEY_FORMS}")
    }
    Ok(found.public_key)
}

async fn set_key_enabled(g: &Global, db: &Db, key: &KeyRef, enabled: bool) -> Result<()> {
    let public_key = the_key(db, key).await?;
    let k = db.set_key_enabled(&public_key, enabled, CLI_ACTOR).await?;
    let state = if enabled { "enabled" } else { "disabled" };
    emit(
        g.json,
        json!({ "public_key": k.public_key, "enabled": enabled }),
        format!("{} {state}", k.public_key),
    );
    Ok(())
}

pub async fn token(g: &Global, cmd: TokenCmd) -> Result<()> {
    let db = open_db(g).await?;
    let TokenCmd::Generate { account } = cmd;
    let account = db.account(&account).await?;
    let token = db.generate_token(&account, CLI_ACTOR).await?;
    emit(g.json, json!({ "token": token }), &token);
    Ok(())
}
