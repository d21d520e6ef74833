//! Customer commands as admin API calls: accounts, their keys, entitlements and invoices.

use anyhow::{Result, bail};
use serde_json::{Value, json};

use super::client::{Client, account_path, delete, post, segment, switch};
use crate::args::{AccountCmd, EntitlementCmd, InvoiceCmd, KEY_FORMS, KeyCmd, KeyRef};
use crate::context::read_password_stdin;

/// What the commands written once for both modes (`commands::shared`) answer here: they
/// never reach this module.
pub(super) const UNIFIED: &str = "this command runs through the shared command tree";

pub(super) fn account(c: &Client, cmd: AccountCmd) -> Result<(Value, Option<String>)> {
    Ok(match cmd {
        AccountCmd::Create {
            email,
            name,
            password_stdin,
            ..
        } => {
            let password = password_stdin.then(read_password_stdin).transpose()?;
            let body = json!({ "email": email, "name": name, "password": password });
            let v = c.call("POST", "/api/v1/accounts", Some(&body))?;
            let id = v["id"].as_str().map(str::to_string);
            (json!({ "id": v["id"] }), id)
        }
        AccountCmd::List | AccountCmd::Show { .. } => bail!(UNIFIED),
        AccountCmd::Update { id, name, email } => {
            let body = json!({ "name": name, "email": email });
            (c.call("PATCH", &account_path(&id), Some(&body))?, None)
        }
        AccountCmd::Close { id } => post(
            c,
            &format!("{}/close", account_path(&id)),
            format!("{id} closed"),
        )?,
        AccountCmd::Reopen { id } => post(
            c,
            &format!("{}/reopen", account_path(&id)),
            format!("{id} reopened"),
        )?,
        AccountCmd::SetPassword { id, .. } => {
            let body = json!({ "password": read_password_stdin()? });
            c.call("PATCH", &account_path(&id), Some(&body))?;
            (json!({ "id": id }), Some(format!("password of {id} set")))
        }
    })
}

pub(super) fn key(c: &Client, cmd: KeyCmd) -> Result<(Value, Option<String>)> {
    let key_path = |k: &str| format!("/api/v1/keys/{}", segment(k));
    Ok(match cmd {
        KeyCmd::Create {
            account,
            name,
            products,
        } => {
            let v = c.call(
                "POST",
                &format!("{}/keys", account_path(&account)),
                Some(&json!({ "name": name, "products": products })),
            )?;
            let human = format!(
                "public key:  {}\nprivate key: {}\n(the private key is shown only now; store it safely)",
                v["public_key"].as_str().unwrap_or_default(),
                v["private_key"].as_str().unwrap_or_default()
            );
            (v, Some(human))
        }
        KeyCmd::Import { .. } | KeyCmd::List { .. } => bail!(UNIFIED),
        KeyCmd::Disable(key) => {
            let public_key = the_key(c, &key)?;
            switch(c, &key_path(public_key), public_key, false)?
        }
        KeyCmd::Enable(key) => {
            let public_key = the_key(c, &key)?;
            switch(c, &key_path(public_key), public_key, true)?
        }
        KeyCmd::Delete(key) => {
            let public_key = the_key(c, &key)?;
            delete(
                c,
                &key_path(public_key),
                ("public_key", public_key),
                format!("{public_key} deleted"),
            )?
        }
    })
}

/// The public key `key` names, checked to be the account's when one is given (the API
/// addresses keys by public key alone).
fn the_key<'k>(c: &Client, key: &'k KeyRef) -> Result<&'k str> {
    let (account, public_key) = key.parts()?;
    if let Some(account) = account {
        let keys = c.call("GET", &format!("{}/keys", account_path(account)), None)?;
        let listed = keys["keys"].as_array().into_iter().flatten();
        if !listed.into_iter().any(|k| k["public_key"] == public_key) {
            anyhow::bail!("{public_key} is not a key of account {account}; {KEY_FORMS}")
        }
    }
    Ok(public_key)
}

pub(super) fn entitlement(c: &Client, cmd: EntitlementCmd) -> Result<(Value, Option<String>)> {
    let path = |a: &str, p: &str| format!("{}/entitlements/{}", account_path(a), segment(p));
    Ok(match cmd {
        EntitlementCmd::Grant {
            account,
            product,
            updates_until,
            versions,
        } => {
            let v = c.call(
                "PUT",
                &path(&account, &product),
                Some(&json!({ "updates_until": updates_until, "versions": versions })),
            )?;
            let human = format!(
                "{account} may install {product} ({})",
                v["change"]["change"].as_str().unwrap_or("granted")
            );
            (v, Some(human))
        }
        EntitlementCmd::Revoke { account, product } => {
            c.call("DELETE", &path(&account, &product), None)?;
            (
                json!({ "account": account, "product": product, "revoked": true }),
                Some("revoked".into()),
            )
        }
        EntitlementCmd::List { .. } => bail!(UNIFIED),
    })
}

pub(super) fn invoice(c: &Client, cmd: InvoiceCmd) -> Result<(Value, Option<String>)> {
    Ok(match cmd {
        InvoiceCmd::Add(add) => {
            let body = json!({
                "number": add.number, "amount": add.amount, "currency": add.currency, "due": add.due
            });
            let v = c.call(
                "POST",
                &format!("{}/invoices", account_path(&add.account)),
                Some(&body),
            )?;
            (v, Some(format!("invoice {} added", add.number)))
        }
        InvoiceCmd::Pay { number } => {
            let v = c.call(
                "POST",
                &format!("/api/v1/invoices/{}/pay", segment(&number)),
                None,
            )?;
            (v, Some(format!("invoice {number} paid")))
        }
        InvoiceCmd::Void { number, reason } => {
            let v = c.call(
                "POST",
                &format!("/api/v1/invoices/{}/void", segment(&number)),
                Some(&json!({ "reason": reason })),
            )?;
            (v, Some(format!("invoice {number} void")))
        }
        InvoiceCmd::List { .. } => bail!(UNIFIED),
    })
}
