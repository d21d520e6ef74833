//! `packyard upstream add|list|show|remove|sync` (SPEC §15), written once for both modes (see
//! `shared`). Credentials are read from standard input and never printed.

use anyhow::Result;

use crate::args::{Global, UpstreamCmd};
use crate::backend::Backend;
use crate::context::{Reported, deleted, show};
use crate::render::{self, print};

pub async fn run(g: &Global, backend: &Backend, cmd: UpstreamCmd) -> Result<()> {
    let json = g.json;
    match cmd {
        UpstreamCmd::Add(add) => {
            if add.has_credentials() {
                backend.can_seal_credentials()?;
            }
            let added = backend.add_upstream(add.into_request()?).await?;
            let human = format!("added upstream {}", render::upstream(&added));
            print(json, &added, human)
        }
        UpstreamCmd::List => show(json, backend.upstreams().await?, render::upstreams),
        UpstreamCmd::Show { name } => show(json, backend.upstream(&name).await?, render::upstream),
        UpstreamCmd::Remove { name } => {
            backend.remove_upstream(&name).await?;
            let human = format!("removed upstream {name}");
            print(json, &deleted("upstream", &name), human)
        }
        UpstreamCmd::Sync { name, packages } => {
            let report = backend.sync_upstream(&name, packages).await?;
            print(json, &report, render::upstream_synced(&name, &report))?;
            if !report.errors.is_empty() {
                return Err(Reported(format!("syncing upstream {name} failed")).into());
            }
            Ok(())
        }
    }
}
