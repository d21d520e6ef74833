//! `upstream …` through `/api/v1/upstreams`: credentials read from standard input go in the
//! request body and are sealed by the server with its own secrets key.

use anyhow::{Result, bail};
use serde_json::{Value, json};

use super::client::{Client, segment};
use crate::args::UpstreamCmd;

pub fn upstream(c: &Client, cmd: UpstreamCmd) -> Result<(Value, Option<String>)> {
    let path = |name: &str| format!("/api/v1/upstreams/{}", segment(name));
    Ok(match cmd {
        UpstreamCmd::Add(add) => {
            let request = add.into_request()?;
            let added = c.call("POST", "/api/v1/upstreams", Some(&json!(request)))?;
            (added, Some(format!("added upstream {}", request.name)))
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
