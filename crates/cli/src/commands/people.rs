//! `user` and `explain` (SPEC §13), and the parts of `key` and `entitlement` that §13 adds
//! (product scopes, imported pairs, version constraints).

use anyhow::{Context, Result, bail};
use packyard_core::explain::{Asker, Explanation, Today, explain};
use packyard_core::passwords::hash_password;
use packyard_core::snapshot::Snapshot;
use packyard_store::Db;
use packyard_store::keys::{CreatedKey, NewKey};
use packyard_store::products::Product;
use packyard_store::users::Role;
use serde_json::json;

use super::{CLI_ACTOR, emit, emit_list};
use crate::args::{ExplainArgs, Global, UserCmd, UserKeyCmd};
use crate::context::{open_db, read_password_stdin};

/// Prints a new key pair: the only time the private key is shown.
pub fn print_created_key(json: bool, key: &CreatedKey) -> Result<()> {
    let human = format!(
        "public key:  {}\nprivate key: {}\n(the private key is shown only now; store it safely)",
        key.public_key, key.private_key
    );
    emit(json, serde_json::to_value(key)?, human);
    Ok(())
}

/// The products named by slug.
pub async fn products_named(db: &Db, slugs: &[String]) -> Result<Vec<Product>> {
    let mut products = Vec::new();
    for slug in slugs.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        products.push(db.product(slug).await?);
    }
    Ok(products)
}

/// `key create --products …` and `key import`.
pub async fn create_key(
    g: &Global,
    account: &str,
    name: &str,
    products: &[String],
    pair: Option<(&str, &str)>,
) -> Result<()> {
    let db = open_db(g).await?;
    let account = db.account(account).await?;
    let products = products_named(&db, products).await?;
    let new = NewKey {
        name,
        products: &products,
        pair,
    };
    let key = db.create_account_key(&account, &new, CLI_ACTOR).await?;
    print_created_key(g.json, &key)
}

/// The private half of an imported pair, from standard input.
pub fn read_private_key(private_key_stdin: bool) -> Result<String> {
    if !private_key_stdin {
        bail!(
            "pipe the private key in and pass --private-key-stdin (it never goes on the command line)"
        );
    }
    read_password_stdin().context("cannot read the private key from standard input")
}

pub async fn user(g: &Global, cmd: UserCmd) -> Result<()> {
    let db = open_db(g).await?;
    match cmd {
        UserCmd::Add {
            account,
            email,
            role,
            password_stdin,
        } => {
            let role = Role::parse(&role)?;
            let account = db.account(&account).await?;
            let hash = password_stdin
                .then(|| read_password_stdin().and_then(|p| Ok(hash_password(&p)?)))
                .transpose()?;
            let (user, needs_password) = db
                .add_user(&account, &email, role, hash.as_deref(), CLI_ACTOR)
                .await?;
            let link = match needs_password {
                true => Some(db.create_password_link(&user).await?),
                false => None,
            };
            let human = match &link {
                Some(token) => format!(
                    "{} is now {} of {}; they set their password at /account/password/{token} (single use)",
                    user.email,
                    role.as_str(),
                    account.public_id
                ),
                None => format!(
                    "{} is now {} of {}",
                    user.email,
                    role.as_str(),
                    account.public_id
                ),
            };
            let value = json!({ "account": account.public_id, "email": user.email, "role": role, "password_link_token": link });
            emit(g.json, value, human);
        }
        UserCmd::List { account } => {
            let account = db.account(&account).await?;
            let users = db.users_of(&account).await?;
            emit_list(g.json, "users", &users, |u| {
                let pending = if u.password_set {
                    ""
                } else {
                    "  (password not set yet)"
                };
                format!("{}  {}{pending}", u.email, u.role.as_str())
            });
        }
        UserCmd::Remove { account, email } => {
            let account = db.account(&account).await?;
            db.remove_user(&account, &email, CLI_ACTOR).await?;
            let value = json!({ "account": account.public_id, "email": email, "removed": true });
            emit(
                g.json,
                value,
                format!("{email} removed from {}", account.public_id),
            );
        }
        UserCmd::SetRole {
            account,
            email,
            role,
        } => {
            let role = Role::parse(&role)?;
            let account = db.account(&account).await?;
            db.set_role(&account, &email, role, CLI_ACTOR).await?;
            let value = json!({ "account": account.public_id, "email": email, "role": role });
            emit(
                g.json,
                value,
                format!("{email} is now {} of {}", role.as_str(), account.public_id),
            );
        }
        UserCmd::Key(UserKeyCmd::Create { email, name }) => {
            let user = db.user(&email).await?;
            let key = db.create_personal_key(&user, &name, CLI_ACTOR).await?;
            print_created_key(g.json, &key)?;
        }
        UserCmd::Key(UserKeyCmd::List { email }) => {
            let user = db.user(&email).await?;
            let keys = db.personal_keys_of(&user).await?;
            emit_list(g.json, "keys", &keys, |k| {
                let state = if k.enabled { "enabled" } else { "disabled" };
                format!("{}  {state:<8}  {}", k.public_key, k.name)
            });
        }
    }
    Ok(())
}

/// The explanation as people read it: the verdict, then the steps and versions.
pub fn explanation_text(e: &Explanation) -> String {
    let mut lines = vec![e.verdict.clone()];
    lines.extend(e.steps.iter().map(|s| format!("  - {s}")));
    if !e.visible_versions.is_empty() {
        lines.push(format!("  visible: {}", e.visible_versions.join(", ")));
    }
    if let Some(h) = &e.first_hidden {
        lines.push(format!("  first hidden: {} ({})", h.version, h.why));
    }
    lines.join("\n")
}

pub async fn run_explain(g: &Global, args: ExplainArgs) -> Result<()> {
    let db = open_db(g).await?;
    let snapshot = Snapshot::load(&db, None).await?;
    let (asker, package) = match (&args.key, args.names.as_slice()) {
        (Some(key), [package]) => (Asker::Key(key), package),
        (None, [account, package]) => (Asker::Account(account), package),
        _ => bail!(
            "use: packyard explain ACCOUNT PACKAGE[:VERSION] or packyard explain --key PUBLIC_KEY PACKAGE[:VERSION]"
        ),
    };
    let today = Today {
        date: chrono::Utc::now().date_naive(),
        grace_days: args.billing_grace_days,
    };
    let e = explain(&snapshot, asker, package, today);
    emit(g.json, serde_json::to_value(&e)?, explanation_text(&e));
    Ok(())
}
