//! `operator …`: back office logins and their admin API tokens (SPEC §9), written once for
//! both modes (see `shared`). Token secrets are printed once, at creation; `token list` shows
//! ids, names, scopes and revocation times.

use anyhow::{Result, bail};
use packyard_api::operators::{NewOperator, NewToken};
use serde_json::json;

use crate::args::{Global, OperatorCmd, OperatorTokenCmd};
use crate::backend::Backend;
use crate::context::show;
use crate::input::read_new_password;
use crate::render::{self, print};

pub async fn run(g: &Global, backend: &Backend, cmd: OperatorCmd) -> Result<()> {
    let json = g.json;
    match cmd {
        OperatorCmd::Create {
            email,
            password_stdin,
        } => {
            use std::io::IsTerminal;
            if !password_stdin && !std::io::stdin().is_terminal() {
                bail!(
                    "operators need a password: type it at the prompt or pipe it in with --password-stdin"
                );
            }
            let new = NewOperator {
                email,
                password: read_new_password()?,
            };
            let op = backend.create_operator(new).await?;
            print(json, &op, format!("operator {} created", op.email))
        }
        OperatorCmd::List => show(json, backend.operators().await?, render::operators),
        OperatorCmd::Disable { email } => set_disabled(g, backend, &email, true).await,
        OperatorCmd::Enable { email } => set_disabled(g, backend, &email, false).await,
        OperatorCmd::SetPassword { email, .. } => {
            let op = backend
                .set_operator_password(&email, read_new_password()?)
                .await?;
            let human = format!("password of operator {} set", op.email);
            print(json, &json!({ "email": op.email }), human)
        }
        OperatorCmd::Token(cmd) => token(g, backend, cmd).await,
    }
}

async fn token(g: &Global, backend: &Backend, cmd: OperatorTokenCmd) -> Result<()> {
    match cmd {
        OperatorTokenCmd::Create { email, name, scope } => {
            let new = NewToken {
                email,
                name,
                scope: Some(scope),
            };
            let created = backend.create_operator_token(new).await?;
            print(g.json, &created, &created.token)
        }
        OperatorTokenCmd::List { email } => show(
            g.json,
            backend.operator_tokens(email.as_deref()).await?,
            render::tokens,
        ),
        OperatorTokenCmd::Revoke { id } => {
            let t = backend.revoke_operator_token(id).await?;
            let human = format!("token {} ({}, {}) revoked", t.id, t.name, t.email);
            print(g.json, &t, human)
        }
    }
}

async fn set_disabled(g: &Global, backend: &Backend, email: &str, disabled: bool) -> Result<()> {
    if email.trim().is_empty() {
        bail!("give the operator's email")
    }
    let op = backend.set_operator_disabled(email, disabled).await?;
    let human = if disabled {
        format!(
            "operator {} disabled (tokens and sessions stop working)",
            op.email
        )
    } else {
        format!("operator {} enabled", op.email)
    };
    print(g.json, &op, human)
}
