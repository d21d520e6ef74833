//! `operator …`: back office logins and their admin API tokens (SPEC §9). Token secrets are
//! printed once, at creation; `token list` shows ids, names, scopes and revocation times.

use anyhow::{Result, bail};
use packyard_api::operators::{OperatorList, TokenList};
use packyard_core::passwords::hash_password;
use packyard_store::Db;
use packyard_store::operator_tokens::TokenScope;
use serde_json::json;

use super::{CLI_ACTOR, emit};
use crate::args::{Global, OperatorCmd, OperatorTokenCmd};
use crate::context::{open_db, read_new_password};
use crate::render::{self, views};

pub async fn run(g: &Global, cmd: OperatorCmd) -> Result<()> {
    let db = open_db(g).await?;
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
            let hash = hash_password(&read_new_password()?)?;
            let op = db.create_operator(&email, &hash, CLI_ACTOR).await?;
            emit(
                g.json,
                json!({ "email": op.email }),
                format!("operator {} created", op.email),
            );
        }
        OperatorCmd::List => {
            let operators = db.operators().await?;
            let human = render::operators(&OperatorList {
                operators: views(operators.clone()),
            });
            emit(g.json, json!({ "operators": operators }), human);
        }
        OperatorCmd::Disable { email } => set_disabled(g, &db, &email, true).await?,
        OperatorCmd::Enable { email } => set_disabled(g, &db, &email, false).await?,
        OperatorCmd::SetPassword { email, .. } => {
            let op = db.operator(&email).await?;
            let hash = hash_password(&read_new_password()?)?;
            db.set_operator_password(&op.email, &hash, CLI_ACTOR)
                .await?;
            emit(
                g.json,
                json!({ "email": op.email }),
                format!("password of operator {} set", op.email),
            );
        }
        OperatorCmd::Token(cmd) => token(g, &db, cmd).await?,
    }
    Ok(())
}

async fn token(g: &Global, db: &packyard_store::Db, cmd: OperatorTokenCmd) -> Result<()> {
    match cmd {
        OperatorTokenCmd::Create { email, name, scope } => {
            let scope: TokenScope = scope.parse()?;
            let created = db
                .create_operator_token(&email, &name, scope, CLI_ACTOR)
                .await?;
            emit(g.json, serde_json::to_value(&created)?, &created.token);
        }
        OperatorTokenCmd::List { email } => {
            let tokens = db.operator_tokens(email.as_deref()).await?;
            let human = render::tokens(&TokenList {
                tokens: views(tokens.clone()),
            });
            emit(g.json, json!({ "tokens": tokens }), human);
        }
        OperatorTokenCmd::Revoke { id } => {
            let t = db.revoke_operator_token(id, CLI_ACTOR).await?;
            emit(
                g.json,
                json!({ "id": t.id, "revoked": true }),
                format!("token {} ({}, {}) revoked", t.id, t.name, t.email),
            );
        }
    }
    Ok(())
}

async fn set_disabled(g: &Global, db: &Db, email: &str, disabled: bool) -> Result<()> {
    if email.trim().is_empty() {
        bail!("give the operator's email")
    }
    let op = db.set_operator_disabled(email, disabled, CLI_ACTOR).await?;
    let human = if disabled {
        format!(
            "operator {} disabled (tokens and sessions stop working)",
            op.email
        )
    } else {
        format!("operator {} enabled", op.email)
    };
    emit(
        g.json,
        json!({ "email": op.email, "disabled": disabled }),
        human,
    );
    Ok(())
}
