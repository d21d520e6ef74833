//! `product`, `entitlement` and `invoice` subcommands.

use anyhow::{Result, bail};
use packyard_store::entitlements::{GrantChange, GrantTerms};
use packyard_store::products::{ProductChange, parse_patterns};
use serde_json::json;

use super::{CLI_ACTOR, deleted, emit};
use crate::args::{Command, EntitlementCmd, Global, InvoiceCmd, ProductCmd};
use crate::context::{open_db, parse_date};

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
            super::shared::run(g, Command::Product(ProductCmd::List)).await?;
        }
        ProductCmd::Update {
            slug,
            name,
            packages,
            public,
        } => {
            let change = ProductChange {
                name,
                patterns: packages.as_deref().map(parse_patterns).transpose()?,
                public,
            };
            if change.name.is_none() && change.patterns.is_none() && change.public.is_none() {
                bail!("nothing to change: give --name, --packages and/or --public true|false");
            }
            let p = db.update_product(&slug, &change, CLI_ACTOR).await?;
            emit(
                g.json,
                serde_json::to_value(&p)?,
                format!("product {} updated", p.slug),
            );
        }
        ProductCmd::Delete { slug } => {
            db.delete_product(&slug, CLI_ACTOR).await?;
            emit(
                g.json,
                deleted("slug", &slug),
                format!("product {slug} deleted"),
            );
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
            versions,
        } => {
            let until = updates_until
                .as_deref()
                .map(|d| parse_date(d, "--updates-until"))
                .transpose()?;
            let versions = versions.as_deref().map(str::parse).transpose()?;
            let account = db.account(&account).await?;
            let product = db.product(&product).await?;
            let terms = GrantTerms {
                updates_until: until,
                versions,
            };
            let change = db.grant_with(&account, &product, &terms, CLI_ACTOR).await?;
            let until_text = until.map(|d| d.to_string());
            let mut human = grant_text(&account.public_id, &product.slug, &until_text, &change);
            if let Some(v) = &terms.versions {
                human.push_str(&format!("; versions {v}"));
            }
            emit(
                g.json,
                json!({ "account": account.public_id, "product": product.slug, "updates_until": until_text, "versions": terms.versions.as_ref().map(|v| v.to_string()), "change": change }),
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
        cmd @ EntitlementCmd::List { .. } => {
            super::shared::run(g, Command::Entitlement(cmd)).await?;
        }
    }
    Ok(())
}

pub async fn invoice(g: &Global, cmd: InvoiceCmd) -> Result<()> {
    let db = open_db(g).await?;
    match cmd {
        InvoiceCmd::Add(add) => {
            let due = parse_date(&add.due, "--due")?;
            let account = db.account(&add.account).await?;
            let inv = db
                .add_invoice(
                    &account,
                    &add.number,
                    &add.amount,
                    &add.currency,
                    due,
                    CLI_ACTOR,
                )
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
        InvoiceCmd::Void { number, reason } => {
            let inv = db.void_invoice(&number, &reason, CLI_ACTOR).await?;
            emit(
                g.json,
                serde_json::to_value(&inv)?,
                format!("invoice {} void", inv.number),
            );
        }
        cmd @ InvoiceCmd::List { .. } => {
            super::shared::run(g, Command::Invoice(cmd)).await?;
        }
    }
    Ok(())
}

/// What a grant did, in words: new, unchanged, or which date it replaced.
fn grant_text(
    account: &str,
    product: &str,
    until: &Option<String>,
    change: &GrantChange,
) -> String {
    let scope = |u: &Option<String>| match u {
        Some(d) => format!("releases up to {d}"),
        None => "unlimited updates".to_string(),
    };
    match change {
        GrantChange::New => format!("{account} may install {product} ({})", scope(until)),
        GrantChange::Unchanged => {
            format!(
                "{account} already had {product} ({}); nothing changed",
                scope(until)
            )
        }
        GrantChange::Changed { previous, .. } => format!(
            "{account} may install {product}: changed from {} to {}",
            scope(previous),
            scope(until)
        ),
    }
}
