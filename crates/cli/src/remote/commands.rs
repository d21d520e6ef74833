//! Each CLI subcommand as admin API calls.

use anyhow::{Result, bail};
use serde_json::{Value, json};

use super::client::{Client, segment};
use crate::args::{
    AccountCmd, Command, EntitlementCmd, InvoiceCmd, KeyCmd, OperatorCmd, OperatorTokenCmd,
    ProductCmd, PublishArgs, ReleaseCmd, RepoCmd, TokenCmd,
};
use crate::context::read_password_stdin;

/// A comma-separated package list as the API's array.
fn package_list(packages: &str) -> Vec<String> {
    packages
        .split(',')
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

fn account_path(id: &str) -> String {
    format!("/api/v1/accounts/{}", segment(id))
}

/// The API call(s) for one command: the answer and, when there is one, its human text.
pub fn request(c: &Client, command: Command) -> Result<(Value, Option<String>)> {
    Ok(match command {
        Command::Account(cmd) => account(c, cmd)?,
        Command::Key(cmd) => key(c, cmd)?,
        Command::Token(TokenCmd::Generate { account }) => {
            let v = c.call(
                "POST",
                &format!("{}/download-token", account_path(&account)),
                None,
            )?;
            let token = v["token"].as_str().map(str::to_string);
            (v, token)
        }
        Command::Product(cmd) => product(c, cmd)?,
        Command::Entitlement(cmd) => entitlement(c, cmd)?,
        Command::Invoice(cmd) => invoice(c, cmd)?,
        Command::Operator(cmd) => operator(c, cmd)?,
        Command::Repo(args) => repo(c, args.cmd)?,
        Command::Serve(_)
        | Command::Migrate
        | Command::Stats
        | Command::Backup(_)
        | Command::Restore(_)
        | Command::Completions(_)
        | Command::Storage(_)
        | Command::Publish(_)
        | Command::Release(_) => {
            bail!("this command works on the data directory only; run it without --server")
        }
    })
}

/// `repo …` through `/api/v1/repos`; `sync --all` queues each repository in turn.
fn repo(c: &Client, cmd: RepoCmd) -> Result<(Value, Option<String>)> {
    let sync = |id: i64| c.call("POST", &format!("/api/v1/repos/{id}/sync"), None);
    Ok(match cmd {
        RepoCmd::Add {
            url,
            name,
            secret_stdin,
        } => {
            let secret = secret_stdin.then(read_password_stdin).transpose()?;
            let body = json!({ "url": url, "name": name, "secret": secret });
            (c.call("POST", "/api/v1/repos", Some(&body))?, None)
        }
        RepoCmd::List => (c.call("GET", "/api/v1/repos", None)?, None),
        RepoCmd::Show { id } => (c.call("GET", &format!("/api/v1/repos/{id}"), None)?, None),
        RepoCmd::Remove { id } => (
            c.call("DELETE", &format!("/api/v1/repos/{id}"), None)?,
            None,
        ),
        RepoCmd::Sync { id: Some(id), .. } => {
            (sync(id)?, Some(format!("sync of repository {id} queued")))
        }
        RepoCmd::Sync { id: None, .. } => {
            let listed = c.call("GET", "/api/v1/repos", None)?;
            let ids: Vec<i64> = listed["repos"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r["id"].as_i64())
                .collect();
            for id in &ids {
                sync(*id)?;
            }
            let human = format!("sync of {} repositories queued", ids.len());
            (json!({ "queued": ids }), Some(human))
        }
    })
}

fn account(c: &Client, cmd: AccountCmd) -> Result<(Value, Option<String>)> {
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
        AccountCmd::List => (c.call("GET", "/api/v1/accounts", None)?, None),
        AccountCmd::Show { id } => (c.call("GET", &account_path(&id), None)?, None),
        AccountCmd::Update { id, name, email } => {
            let body = json!({ "name": name, "email": email });
            (c.call("PATCH", &account_path(&id), Some(&body))?, None)
        }
        AccountCmd::Close { id } => (
            c.call("POST", &format!("{}/close", account_path(&id)), None)?,
            Some(format!("{id} closed")),
        ),
        AccountCmd::Reopen { id } => (
            c.call("POST", &format!("{}/reopen", account_path(&id)), None)?,
            Some(format!("{id} reopened")),
        ),
        AccountCmd::SetPassword { id, .. } => {
            let body = json!({ "password": read_password_stdin()? });
            c.call("PATCH", &account_path(&id), Some(&body))?;
            (json!({ "id": id }), Some(format!("password of {id} set")))
        }
    })
}

fn key(c: &Client, cmd: KeyCmd) -> Result<(Value, Option<String>)> {
    let key_path = |k: &str, action: &str| format!("/api/v1/keys/{}{action}", segment(k));
    Ok(match cmd {
        KeyCmd::Create { account, name } => {
            let v = c.call(
                "POST",
                &format!("{}/keys", account_path(&account)),
                Some(&json!({ "name": name })),
            )?;
            let human = format!(
                "public key:  {}\nprivate key: {}\n(the private key is shown only now; store it safely)",
                v["public_key"].as_str().unwrap_or_default(),
                v["private_key"].as_str().unwrap_or_default()
            );
            (v, Some(human))
        }
        KeyCmd::List { account } => (
            c.call("GET", &format!("{}/keys", account_path(&account)), None)?,
            None,
        ),
        KeyCmd::Disable { public_key } => (
            c.call("POST", &key_path(&public_key, "/disable"), None)?,
            Some(format!("{public_key} disabled")),
        ),
        KeyCmd::Enable { public_key } => (
            c.call("POST", &key_path(&public_key, "/enable"), None)?,
            Some(format!("{public_key} enabled")),
        ),
        KeyCmd::Delete { public_key } => {
            c.call("DELETE", &key_path(&public_key, ""), None)?;
            (
                json!({ "public_key": public_key, "deleted": true }),
                Some(format!("{public_key} deleted")),
            )
        }
    })
}

fn product(c: &Client, cmd: ProductCmd) -> Result<(Value, Option<String>)> {
    let path = |slug: &str| format!("/api/v1/products/{}", segment(slug));
    Ok(match cmd {
        ProductCmd::Create {
            slug,
            name,
            packages,
            public,
        } => {
            let body = json!({ "slug": slug, "name": name, "packages": package_list(&packages), "public": public });
            (
                c.call("POST", "/api/v1/products", Some(&body))?,
                Some(format!("product {slug} created")),
            )
        }
        ProductCmd::List => (c.call("GET", "/api/v1/products", None)?, None),
        ProductCmd::Update {
            slug,
            name,
            packages,
            public,
        } => {
            let body = json!({ "name": name, "packages": packages.as_deref().map(package_list), "public": public });
            (
                c.call("PATCH", &path(&slug), Some(&body))?,
                Some(format!("product {slug} updated")),
            )
        }
        ProductCmd::Delete { slug } => {
            c.call("DELETE", &path(&slug), None)?;
            (
                json!({ "slug": slug, "deleted": true }),
                Some(format!("product {slug} deleted")),
            )
        }
    })
}

fn entitlement(c: &Client, cmd: EntitlementCmd) -> Result<(Value, Option<String>)> {
    let path = |a: &str, p: &str| format!("{}/entitlements/{}", account_path(a), segment(p));
    Ok(match cmd {
        EntitlementCmd::Grant {
            account,
            product,
            updates_until,
        } => {
            let v = c.call(
                "PUT",
                &path(&account, &product),
                Some(&json!({ "updates_until": updates_until })),
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
        EntitlementCmd::List { account } => {
            let query = account
                .map(|a| format!("?account={}", segment(&a)))
                .unwrap_or_default();
            (
                c.call("GET", &format!("/api/v1/entitlements{query}"), None)?,
                None,
            )
        }
    })
}

fn invoice(c: &Client, cmd: InvoiceCmd) -> Result<(Value, Option<String>)> {
    Ok(match cmd {
        InvoiceCmd::Add {
            account,
            number,
            amount,
            currency,
            due,
        } => {
            let body =
                json!({ "number": number, "amount": amount, "currency": currency, "due": due });
            let v = c.call(
                "POST",
                &format!("{}/invoices", account_path(&account)),
                Some(&body),
            )?;
            (v, Some(format!("invoice {number} added")))
        }
        InvoiceCmd::Pay { number } => {
            let v = c.call(
                "POST",
                &format!("/api/v1/invoices/{}/pay", segment(&number)),
                None,
            )?;
            (v, Some(format!("invoice {number} paid")))
        }
        InvoiceCmd::List { account } => {
            let query = account
                .map(|a| format!("?account={}", segment(&a)))
                .unwrap_or_default();
            (
                c.call("GET", &format!("/api/v1/invoices{query}"), None)?,
                None,
            )
        }
    })
}

fn operator(c: &Client, cmd: OperatorCmd) -> Result<(Value, Option<String>)> {
    let path = |email: &str, action: &str| format!("/api/v1/operators/{}/{action}", segment(email));
    Ok(match cmd {
        OperatorCmd::Create { email, .. } => {
            let body = json!({ "email": email, "password": read_password_stdin()? });
            (
                c.call("POST", "/api/v1/operators", Some(&body))?,
                Some(format!("operator {email} created")),
            )
        }
        OperatorCmd::List => (c.call("GET", "/api/v1/operators", None)?, None),
        OperatorCmd::Disable { email } => (
            c.call("POST", &path(&email, "disable"), None)?,
            Some(format!("operator {email} disabled")),
        ),
        OperatorCmd::Enable { email } => (
            c.call("POST", &path(&email, "enable"), None)?,
            Some(format!("operator {email} enabled")),
        ),
        OperatorCmd::SetPassword { .. } => {
            bail!(
                "set operator passwords on the server: packyard operator set-password EMAIL --password-stdin"
            )
        }
        OperatorCmd::Token(OperatorTokenCmd::Create { email, name, scope }) => {
            let body = json!({ "email": email, "name": name, "scope": scope });
            let v = c.call("POST", "/api/v1/operator-tokens", Some(&body))?;
            let token = v["token"].as_str().map(str::to_string);
            (v, token)
        }
        OperatorCmd::Token(OperatorTokenCmd::List { email }) => {
            let query = email
                .map(|e| format!("?email={}", segment(&e)))
                .unwrap_or_default();
            (
                c.call("GET", &format!("/api/v1/operator-tokens{query}"), None)?,
                None,
            )
        }
        OperatorCmd::Token(OperatorTokenCmd::Revoke { id }) => (
            c.call("DELETE", &format!("/api/v1/operator-tokens/{id}"), None)?,
            Some(format!("token {id} revoked")),
        ),
    })
}

/// `publish` through the API: one upload per file, the same JSON report as local mode.
pub fn publish(c: &Client, json_out: bool, args: PublishArgs) -> Result<()> {
    if args.version.is_some() && args.files.len() > 1 {
        bail!("--version names the version of one zip; publish the files one by one");
    }
    let query = args
        .version
        .as_deref()
        .map(|v| format!("?version={}", segment(v)))
        .unwrap_or_default();
    let (mut published, mut skipped, mut failed) = (Vec::new(), Vec::new(), Vec::new());
    for file in &args.files {
        match c.upload("POST", &format!("/api/v1/packages{query}"), file) {
            Ok(v) if v["outcome"] == "published" => {
                published.push(json!({ "name": v["name"], "version": v["version"] }))
            }
            Ok(v) => skipped.push(json!({ "name": v["name"], "version": v["version"], "file": file.display().to_string() })),
            Err(e) => {
                eprintln!("{}: {e:#}", file.display());
                failed.push(json!({ "file": file.display().to_string(), "error": format!("{e:#}") }));
            }
        }
    }
    let failures = failed.len();
    let summary = format!(
        "published {}, skipped {} (already published), failed {failures}",
        published.len(),
        skipped.len()
    );
    let report = json!({ "published": published, "skipped": skipped, "failed": failed });
    super::print(json_out, &report, Some(summary));
    if failures > 0 {
        return Err(crate::context::Reported(format!(
            "{failures} of {} files could not be published",
            args.files.len()
        ))
        .into());
    }
    Ok(())
}

/// `release add|list|delete` through the API; the file streams from disk.
pub fn release(c: &Client, json_out: bool, cmd: ReleaseCmd) -> Result<()> {
    let (answer, human) = match cmd {
        ReleaseCmd::Add {
            file,
            kind,
            version,
            product,
            name,
        } => {
            let name = match name.or_else(|| {
                file.file_name()
                    .and_then(|n| n.to_str())
                    .map(str::to_string)
            }) {
                Some(n) => n,
                None => bail!("{} has no usable file name; pass --name", file.display()),
            };
            let path = format!(
                "/api/v1/releases/{}?type={}&version={}&product={}",
                segment(&name),
                segment(&kind),
                segment(&version),
                segment(&product)
            );
            let v = c.upload("PUT", &path, &file)?;
            let human = format!("{name} {}", v["outcome"].as_str().unwrap_or("added"));
            (v, Some(human))
        }
        ReleaseCmd::List => (c.call("GET", "/api/v1/releases", None)?, None),
        ReleaseCmd::Delete { file_name } => {
            c.call(
                "DELETE",
                &format!("/api/v1/releases/{}", segment(&file_name)),
                None,
            )?;
            (
                json!({ "file_name": file_name, "deleted": true }),
                Some(format!("{file_name} deleted")),
            )
        }
    };
    super::print(json_out, &answer, human);
    Ok(())
}
