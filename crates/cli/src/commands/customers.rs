//! `account`, `key` and `token` subcommands.

use anyhow::{Result, bail};
use chrono::DateTime;
use packyard_core::passwords::hash_password;
use packyard_store::Db;
use packyard_store::accounts::{Account, NewAccount};
use packyard_store::sessions::SessionKind;
use serde_json::json;

use super::{CLI_ACTOR, deleted, emit, emit_list};
use crate::args::{AccountCmd, Global, KeyCmd, TokenCmd};
use crate::context::{open_db, read_new_password, read_password_stdin};

fn date(ts: i64) -> String {
    DateTime::from_timestamp(ts, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

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
                        id_prefix: &id_prefix,
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
        AccountCmd::List => {
            let accounts = db.accounts().await?;
            emit_list(g.json, "accounts", &accounts, |a| {
                format!("{}  {:<7} {}  {}", a.public_id, a.status, a.email, a.name)
            });
        }
        AccountCmd::Show { id } => {
            let a = db.account(&id).await?;
            let keys = db.keys_of(&a).await?;
            let licences = db.licences(Some(&a)).await?;
            let invoices = db.invoices_of(&a).await?;
            let licence_lines: Vec<String> = licences
                .iter()
                .map(|l| {
                    let until = l.updates_until.as_deref().unwrap_or("unlimited updates");
                    format!("  {} ({until})", l.product)
                })
                .collect();
            let human = format!(
                "{}\nname: {}\nemail: {}\nstatus: {}\ncreated: {}\nkeys: {}\nlicences: {}{}{}\ninvoices: {} ({} unpaid)",
                a.public_id,
                a.name,
                a.email,
                a.status,
                date(a.created_at),
                keys.len(),
                licences.len(),
                if licence_lines.is_empty() { "" } else { "\n" },
                licence_lines.join("\n"),
                invoices.len(),
                invoices.iter().filter(|i| i.paid_at.is_none()).count()
            );
            emit(
                g.json,
                json!({ "account": a, "keys": keys, "licences": licences, "invoices": invoices }),
                human,
            );
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
        KeyCmd::Create { account, name } => {
            let account = db.account(&account).await?;
            let key = db.create_key(&account, &name, CLI_ACTOR).await?;
            let human = format!(
                "public key:  {}\nprivate key: {}\n(the private key is shown only now; store it safely)",
                key.public_key, key.private_key
            );
            emit(g.json, serde_json::to_value(&key)?, human);
        }
        KeyCmd::List { account } => {
            let account = db.account(&account).await?;
            let keys = db.keys_of(&account).await?;
            emit_list(g.json, "keys", &keys, |k| {
                let state = if k.enabled { "enabled" } else { "disabled" };
                let used = k
                    .last_used_at
                    .map(date)
                    .unwrap_or_else(|| "never used".into());
                format!("{}  {state:<8}  {}  {used}", k.public_key, k.name)
            });
        }
        KeyCmd::Disable { public_key } => set_key_enabled(g, &db, &public_key, false).await?,
        KeyCmd::Enable { public_key } => set_key_enabled(g, &db, &public_key, true).await?,
        KeyCmd::Delete { public_key } => {
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

async fn set_key_enabled(g: &Global, db: &Db, public_key: &str, enabled: bool) -> Result<()> {
    if public_key.trim().is_empty() {
        bail!("give the public key of the access key")
    }
    let k = db.set_key_enabled(public_key, enabled, CLI_ACTOR).await?;
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
