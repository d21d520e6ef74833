//! `product`, `entitlement`, `invoice` and `operator` subcommands.

use anyhow::{Result, bail};
use packyard_server::passwords::hash_password;
use packyard_store::products::parse_patterns;
use serde_json::json;

use super::{CLI_ACTOR, emit};
use crate::args::{EntitlementCmd, Global, InvoiceCmd, OperatorCmd, OperatorTokenCmd, ProductCmd};
use crate::context::{open_db, parse_date, read_new_password};

pub async fn product(g: &Global, cmd: ProductCmd) -> Result<()> {
    let db = open_db(g).await?;
    match cmd {
        ProductCmd::Create {
            slug,
            name,
            packages,
            public,
        } => {
            let patterns = parse_patterns(&packages)?;
            let p = db
                .create_product(&slug, &name, &patterns, public, CLI_ACTOR)
                .await?;
            emit(
                g.json,
                serde_json::to_value(&p)?,
                format!("product {} created", p.slug),
            );
        }
        ProductCmd::List => {
            let products = db.products().await?;
            let human: Vec<String> = products
                .iter()
                .map(|p| {
                    format!(
                        "{}  {}  {}{}",
                        p.slug,
                        p.name,
                        p.patterns.join(","),
                        if p.public { "  (public)" } else { "" }
                    )
                })
                .collect();
            emit(g.json, json!({ "products": products }), human.join("\n"));
        }
    }
    Ok(())
}

pub async fn entitlement(g: &Global, cmd: EntitlementCmd) -> Result<()> {
    let db = open_db(g).await?;
    match cmd {
        EntitlementCmd::Grant {
            account,
            product,
            updates_until,
        } => {
            let until = updates_until
                .as_deref()
                .map(|d| parse_date(d, "--updates-until"))
                .transpose()?;
            let account = db.account(&account).await?;
            let product = db.product(&product).await?;
            db.grant(&account, &product, until, CLI_ACTOR).await?;
            let until_text = until.map(|d| d.to_string());
            let human = format!(
                "{} may install {}{}",
                account.public_id,
                product.slug,
                until_text
                    .as_deref()
                    .map(|d| format!(" (releases up to {d})"))
                    .unwrap_or_default()
            );
            emit(
                g.json,
                json!({ "account": account.public_id, "product": product.slug, "updates_until": until_text }),
                human,
            );
        }
        EntitlementCmd::Revoke { account, product } => {
            let account = db.account(&account).await?;
            let product = db.product(&product).await?;
            db.revoke(&account, &product, CLI_ACTOR).await?;
            emit(
                g.json,
                json!({ "account": account.public_id, "product": product.slug, "revoked": true }),
                "revoked",
            );
        }
    }
    Ok(())
}

pub async fn invoice(g: &Global, cmd: InvoiceCmd) -> Result<()> {
    let db = open_db(g).await?;
    match cmd {
        InvoiceCmd::Add {
            account,
            number,
            amount,
            currency,
            due,
        } => {
            let due = parse_date(&due, "--due")?;
            let account = db.account(&account).await?;
            let inv = db
                .add_invoice(&account, &number, &amount, &currency, due, CLI_ACTOR)
                .await?;
            let human = format!(
                "invoice {} for {} {} due {}",
                inv.number,
                inv.amount(),
                inv.currency,
                inv.due_date
            );
            emit(g.json, serde_json::to_value(&inv)?, human);
        }
        InvoiceCmd::Pay { number } => {
            let inv = db.pay_invoice(&number, CLI_ACTOR).await?;
            emit(
                g.json,
                serde_json::to_value(&inv)?,
                format!("invoice {} paid", inv.number),
            );
        }
    }
    Ok(())
}

pub async fn operator(g: &Global, cmd: OperatorCmd) -> Result<()> {
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
        OperatorCmd::Token(OperatorTokenCmd::Create { email, name }) => {
            let token = db.create_operator_token(&email, &name, CLI_ACTOR).await?;
            emit(g.json, json!({ "token": token, "name": name }), &token);
        }
    }
    Ok(())
}
