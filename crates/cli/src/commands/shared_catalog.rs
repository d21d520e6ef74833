//! `product`, `entitlement` and `invoice`, written once for both modes (see `shared`).

use anyhow::{Result, bail};
use packyard_api::catalog::{GrantBody, GrantChangeView, NewInvoice, NewProduct, ProductPatch};
use packyard_store::products::parse_patterns;
use serde_json::json;

use crate::args::{EntitlementCmd, Global, InvoiceCmd, ProductCmd};
use crate::backend::Backend;
use crate::context::{deleted, show};
use crate::render::{self, print};

pub async fn product(g: &Global, backend: &Backend, cmd: ProductCmd) -> Result<()> {
    let json = g.json;
    match cmd {
        ProductCmd::Create {
            slug,
            name,
            packages,
            public,
        } => {
            let new = NewProduct {
                slug,
                name,
                packages: parse_patterns(&packages)?,
                public,
            };
            let p = backend.create_product(new).await?;
            print(json, &p, format!("product {} created", p.slug))
        }
        ProductCmd::List => show(json, backend.products().await?, render::products),
        ProductCmd::Update {
            slug,
            name,
            packages,
            public,
        } => {
            let patch = ProductPatch {
                name,
                packages: packages.as_deref().map(parse_patterns).transpose()?,
                public,
            };
            if patch.name.is_none() && patch.packages.is_none() && patch.public.is_none() {
                bail!("nothing to change: give --name, --packages and/or --public true|false");
            }
            let p = backend.update_product(&slug, patch).await?;
            print(json, &p, format!("product {} updated", p.slug))
        }
        ProductCmd::Delete { slug } => {
            backend.delete_product(&slug).await?;
            let human = format!("product {slug} deleted");
            print(json, &deleted("slug", &slug), human)
        }
    }
}

pub async fn entitlement(g: &Global, backend: &Backend, cmd: EntitlementCmd) -> Result<()> {
    let json = g.json;
    match cmd {
        EntitlementCmd::Grant {
            account,
            product,
            updates_until,
            versions,
        } => {
            let terms = GrantBody {
                updates_until,
                versions,
            };
            let grant = backend.grant(&account, &product, terms).await?;
            let mut human = grant_text(
                &grant.account,
                &grant.product,
                &grant.updates_until,
                &grant.change,
            );
            if let Some(v) = &grant.versions {
                human.push_str(&format!("; versions {v}"));
            }
            print(json, &grant, human)
        }
        EntitlementCmd::Revoke { account, product } => {
            backend.revoke(&account, &product).await?;
            let answer = json!({ "account": account, "product": product, "revoked": true });
            print(json, &answer, "revoked")
        }
        EntitlementCmd::List { account } => show(
            json,
            backend.entitlements(account.as_deref()).await?,
            render::entitlements,
        ),
    }
}

pub async fn invoice(g: &Global, backend: &Backend, cmd: InvoiceCmd) -> Result<()> {
    let json = g.json;
    match cmd {
        InvoiceCmd::Add(add) => {
            let new = NewInvoice {
                number: add.number,
                amount: add.amount,
                currency: add.currency,
                due: add.due,
            };
            let i = backend.add_invoice(&add.account, new).await?;
            let human = format!(
                "invoice {} for {} {} due {}",
                i.number,
                i.amount(),
                i.currency,
                i.due_date
            );
            print(json, &i, human)
        }
        InvoiceCmd::Pay { number } => {
            let i = backend.pay_invoice(&number).await?;
            print(json, &i, format!("invoice {} paid", i.number))
        }
        InvoiceCmd::Void { number, reason } => {
            let i = backend.void_invoice(&number, &reason).await?;
            print(json, &i, format!("invoice {} void", i.number))
        }
        InvoiceCmd::List { account } => show(
            json,
            backend.invoices(account.as_deref()).await?,
            render::invoices,
        ),
    }
}

/// What a grant did, in words: new, unchanged, or which date it replaced.
fn grant_text(
    account: &str,
    product: &str,
    until: &Option<String>,
    change: &GrantChangeView,
) -> String {
    let scope = |u: &Option<String>| match u {
        Some(d) => format!("releases up to {d}"),
        None => "unlimited updates".to_string(),
    };
    match change {
        GrantChangeView::Unchanged => format!(
            "{account} already had {product} ({}); nothing changed",
            scope(until)
        ),
        GrantChangeView::Changed { previous, .. } => format!(
            "{account} may install {product}: changed from {} to {}",
            scope(previous),
            scope(until)
        ),
        GrantChangeView::New => format!("{account} may install {product} ({})", scope(until)),
    }
}
