//! `account`, `key` and `token` subcommands.

use anyhow::{Result, bail};
use chrono::DateTime;
use packyard_core::passwords::hash_password;
use packyard_core::rules::AccountStanding;
use packyard_store::Db;
use packyard_store::accounts::{Account, NewAccount};
use packyard_store::invoices::Invoice;
use packyard_store::sessions::SessionKind;
use serde_json::json;

use super::{CLI_ACTOR, deleted, emit, emit_list};
use crate::args::{AccountCmd, Global, KEY_FORMS, KeyCmd, KeyRef, TokenCmd};
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
        AccountCmd::List => {
            let grace = grace_days(&db).await?;
            let mut rows = Vec::new();
            for a in db.accounts().await? {
                let standing = standing(&a, &db.invoices_of(&a).await?, grace);
                rows.push(AccountRow {
                    account: a,
                    standing,
                });
            }
            emit_list(g.json, "accounts", &rows, |r| {
                let a = &r.account;
                format!("{}  {:<7} {}  {}", a.public_id, r.standing, a.email, a.name)
            });
        }
        AccountCmd::Show { id } => {
            let a = db.account(&id).await?;
            let keys = db.keys_of(&a).await?;
            let licences = db.licences(Some(&a)).await?;
            let invoices = db.invoices_of(&a).await?;
            let standing = standing(&a, &invoices, grace_days(&db).await?);
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
                standing,
                date(a.created_at),
                keys.len(),
                licences.len(),
                if licence_lines.is_empty() { "" } else { "\n" },
                licence_lines.join("\n"),
                invoices.len(),
                invoices.iter().filter(|i| i.is_open()).count()
            );
            let account = AccountRow {
                account: a,
                standing,
            };
            emit(
                g.json,
                json!({ "account": account, "keys": keys, "licences": licences, "invoices": invoices }),
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

/// An account as `account list` and `account show` print it: its row and its standing.
#[derive(serde::Serialize)]
struct AccountRow {
    #[serde(flatten)]
    account: Account,
    standing: AccountStanding,
}

/// The billing grace period the server recorded at its start (0 before any server ran).
async fn grace_days(db: &Db) -> Result<i64> {
    let recorded = db
        .setting(packyard_store::settings::BILLING_GRACE_DAYS)
        .await?;
    Ok(recorded.and_then(|v| v.parse().ok()).unwrap_or(0))
}

/// The account's standing today, by the rule the Composer path applies.
fn standing(a: &Account, invoices: &[Invoice], grace_days: i64) -> AccountStanding {
    let today = chrono::Utc::now().date_naive();
    AccountStanding::of(a.is_closed(), invoices, today, grace_days)
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
        && db.account(account).await?.id != found.account_id
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
