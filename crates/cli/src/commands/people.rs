//! `user` and `explain` (SPEC §13), written once for both modes (see `shared`): the people
//! of an account, their personal keys, and why a key or account can or cannot install a
//! package.

use anyhow::{Result, bail};
use packyard_api::users::{Membership, NewUserBody};

use crate::args::{ExplainArgs, Global, UserCmd, UserKeyCmd};
use crate::backend::{Backend, ExplainFor};
use crate::context::show;
use crate::input::read_password_stdin;
use crate::render::{self, print};

/// "EMAIL is now ROLE of ACCOUNT", with the password link when there is one.
fn membership_text(m: &Membership) -> String {
    let now = format!("{} is now {} of {}", m.email, m.role, m.account);
    match &m.password_link_token {
        Some(token) => {
            format!("{now}; they set their password at /account/password/{token} (single use)")
        }
        None => now,
    }
}

pub async fn user(g: &Global, backend: &Backend, cmd: UserCmd) -> Result<()> {
    let json = g.json;
    match cmd {
        UserCmd::Add {
            account,
            email,
            role,
            password_stdin,
        } => {
            let password = password_stdin.then(read_password_stdin).transpose()?;
            let new = NewUserBody {
                email,
                role,
                password,
            };
            let added = backend.add_user(&account, new).await?;
            print(json, &added, membership_text(&added))
        }
        UserCmd::List { account } => show(json, backend.users(&account).await?, render::users),
        UserCmd::Remove { account, email } => {
            let removed = backend.remove_user(&account, &email).await?;
            let human = format!("{} removed from {}", removed.email, removed.account);
            print(json, &removed, human)
        }
        UserCmd::SetRole {
            account,
            email,
            role,
        } => {
            let changed = backend.set_role(&account, &email, &role).await?;
            print(json, &changed, membership_text(&changed))
        }
        UserCmd::Key(UserKeyCmd::Create { email, name }) => show(
            json,
            backend.create_personal_key(&email, &name).await?,
            render::created_key,
        ),
        UserCmd::Key(UserKeyCmd::List { email }) => show(
            json,
            backend.personal_keys(&email).await?,
            render::personal_keys,
        ),
    }
}

pub async fn explain(g: &Global, backend: &Backend, args: ExplainArgs) -> Result<()> {
    let (asker, package) = match (&args.key, args.names.as_slice()) {
        (Some(key), [package]) => (ExplainFor::Key(key), package),
        (None, [account, package]) => (ExplainFor::Account(account), package),
        _ => bail!(
            "use: packyard explain ACCOUNT PACKAGE[:VERSION] or packyard explain --key PUBLIC_KEY PACKAGE[:VERSION]"
        ),
    };
    let e = backend
        .explain(asker, package, args.billing_grace_days)
        .await?;
    print(g.json, &e, render::explanation(&e))
}
