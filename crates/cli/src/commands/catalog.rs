//! `product`, `entitlement` and `invoice` subcommands.

use anyhow::{Result, bail};
use packyard_store::entitlements::GrantChange;
use packyard_store::invoices::Invoice;
use packyard_store::products::{ProductChange, parse_patterns};
use serde_json::json;

use super::{CLI_ACTOR, deleted, emit, emit_list};
use crate::args::{EntitlementCmd, Global, InvoiceCmd, ProductCmd};
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
            let products = db.products().await?;
            emit_list(g.json, "products", &products, |p| {
                format!(
                    "{}  {}  {}{}",
                    p.slug,
                    p.name,
                    p.patterns.join(","),
                    if p.public { "  (public)" } else { "" }
                )
            });
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
        } => {
            let until = updates_until
                .as_deref()
                .map(|d| parse_date(d, "--updates-until"))
                .transpose()?;
            let account = db.account(&account).await?;
            let product = db.product(&product).await?;
            let change = db.grant(&account, &product, until, CLI_ACTOR).await?;
            let until_text = until.map(|d| d.to_string());
            let human = grant_text(&account.public_id, &product.slug, &until_text, &change);
            emit(
                g.json,
                json!({ "account": account.public_id, "product": product.slug, "updates_until": until_text, "change": change }),
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
        EntitlementCmd::List { account } => {
            let account = match account {
                Some(id) => Some(db.account(&id).await?),
                None => None,
            };
            let licences = db.licences(account.as_ref()).await?;
            let human: Vec<String> = licences
                .iter()
                .map(|l| {
                    let until = l.updates_until.as_deref().unwrap_or("unlimited updates");
                    format!("{}  {}  {until}", l.account, l.product)
                })
                .collect();
            emit(
                g.json,
                json!({ "entitlements": licences }),
                human.join("\n"),
            );
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
        InvoiceCmd::List { account } => {
            let accounts = match account {
                Some(id) => vec![db.account(&id).await?],
                None => db.accounts().await?,
            };
            let mut rows: Vec<(String, Invoice)> = Vec::new();
            for a in accounts {
                for inv in db.invoices_of(&a).await? {
                    rows.push((a.public_id.clone(), inv));
                }
            }
            let human: Vec<String> = rows
                .iter()
                .map(|(account, i)| {
                    let state = match (i.is_void(), i.is_paid()) {
                        (true, _) => "void",
                        (false, true) => "paid",
                        (false, false) => "unpaid",
                    };
                    format!(
                        "{}  {account}  {} {}  due {}  {state}",
                        i.number,
                        i.amount(),
                        i.currency,
                        i.due_date
                    )
                })
                .collect();
            let listed: Vec<serde_json::Value> = rows
                .iter()
                .map(|(account, i)| {
                    let mut v = serde_json::to_value(i).unwrap_or_default();
                    v["account"] = json!(account);
                    v
                })
                .collect();
            emit(g.json, json!({ "invoices": listed }), human.join("\n"));
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
        GrantChange::Changed { previous } => format!(
            "{account} may install {product}: changed from {} to {}",
            scope(previous),
            scope(until)
        ),
    }
}
