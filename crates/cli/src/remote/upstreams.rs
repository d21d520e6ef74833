//! `upstream …` through `/api/v1/upstreams`: credentials read from standard input go in the
//! request body and are sealed by the server with its own secrets key.

use anyhow::{Result, bail};
use packyard_api::upstreams::{SyncReport, SyncRequest, UpstreamList, UpstreamView};
use serde_json::{Value, json};

use super::client::{Client, segment, shown};
use crate::args::UpstreamCmd;
use crate::render;

pub fn upstream(c: &Client, cmd: UpstreamCmd) -> Result<(Value, Option<String>)> {
    let path = |name: &str| format!("/api/v1/upstreams/{}", segment(name));
    Ok(match cmd {
        UpstreamCmd::Add(add) => {
            let request = add.into_request()?;
            let added: UpstreamView = c.send("POST", "/api/v1/upstreams", &request)?;
            let human = format!("added upstream {}", added.name);
            (serde_json::to_value(added)?, Some(human))
        }
        UpstreamCmd::List => shown(
            c.get::<UpstreamList>("/api/v1/upstreams")?,
            render::upstreams,
        )?,
        UpstreamCmd::Show { name } => {
            shown(c.get::<UpstreamView>(&path(&name))?, render::upstream)?
        }
        UpstreamCmd::Remove { name } => {
            c.call("DELETE", &path(&name), None)?;
            (
                json!({ "upstream": name, "deleted": true }),
                Some(format!("removed upstream {name}")),
            )
        }
        UpstreamCmd::Sync { name, packages } => {
            let body = SyncRequest { packages };
            let report: SyncReport = c.send("POST", &format!("{}/sync", path(&name)), &body)?;
            if !report.errors.is_empty() {
                bail!(
                    "syncing upstream {name} failed: {}",
                    report.errors.join("; ")
                );
            }
            let human = render::upstream_synced(&name, &report);
            (serde_json::to_value(report)?, Some(human))
        }
    })
}
