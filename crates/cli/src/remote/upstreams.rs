//! `upstream …` through `/api/v1/upstreams`: credentials read from standard input go in the
//! request body and are sealed by the server with its own secrets key.

use anyhow::{Result, bail};
use serde_json::{Value, json};

use super::client::{Client, segment};
use crate::args::UpstreamCmd;
use crate::context::read_password_stdin;

pub fn upstream(c: &Client, cmd: UpstreamCmd) -> Result<(Value, Option<String>)> {
    let path = |name: &str| format!("/api/v1/upstreams/{}", segment(name));
    Ok(match cmd {
        UpstreamCmd::Add {
            name,
            url,
            username,
            password_stdin,
            bearer_stdin,
            packages,
            priority,
        } => {
            let secret = (password_stdin || bearer_stdin)
                .then(read_password_stdin)
                .transpose()?;
            let body = json!({
                "name": name, "url": url, "username": username, "priority": priority,
                "packages": packages,
                "password": secret.clone().filter(|_| password_stdin),
                "bearer": secret.filter(|_| bearer_stdin),
            });
            let added = c.call("POST", "/api/v1/upstreams", Some(&body))?;
            (added, Some(format!("added upstream {name}")))
        }
        UpstreamCmd::List => (c.call("GET", "/api/v1/upstreams", None)?, None),
        UpstreamCmd::Show { name } => (c.call("GET", &path(&name), None)?, None),
        UpstreamCmd::Remove { name } => {
            c.call("DELETE", &path(&name), None)?;
            (
                json!({ "upstream": name, "deleted": true }),
                Some(format!("removed upstream {name}")),
            )
        }
        UpstreamCmd::Sync { name, packages } => {
            let body = json!({ "packages": packages });
            let report = c.call("POST", &format!("{}/sync", path(&name)), Some(&body))?;
            if report["errors"].as_array().is_some_and(|e| !e.is_empty()) {
                bail!("syncing upstream {name} failed: {}", report["errors"]);
            }
            (report, None)
        }
    })
}
