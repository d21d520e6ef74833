//! `packyard upstream add|list|show|remove|sync` (SPEC §15). Credentials are read from
//! standard input, sealed with the secrets key and never printed; `sync` runs the fetches in
//! this process, against the same database and storage as the servers.

use std::sync::Arc;

use anyhow::{Context, Result, bail};
use packyard_core::upstream::Mirror;
use packyard_core::upstream::client::UpstreamLimits;
use packyard_core::upstream::registry::{self, UpstreamView};
use packyard_core::upstream::secrets::SecretsKey;
use serde_json::json;

use super::{CLI_ACTOR, deleted, emit, emit_list};
use crate::args::{Global, UpstreamCmd};
use crate::context::{open_blobs, open_db};
use crate::render::{self, print};

/// The secrets key named by `--secrets-key-file`, if any.
pub fn secrets_key(g: &Global) -> Result<Option<SecretsKey>> {
    g.secrets_key_file
        .as_deref()
        .map(SecretsKey::from_file)
        .transpose()
        .context("cannot use the secrets key")
}

/// The line people read for an upstream (the same in remote mode).
fn line(v: &UpstreamView) -> String {
    render::upstream(&v.clone().into())
}

pub async fn run(g: &Global, cmd: UpstreamCmd) -> Result<()> {
    let db = open_db(g).await?;
    let key = secrets_key(g)?;
    let limits = UpstreamLimits::default();
    let mirror = Arc::new(Mirror::new(
        db.clone(),
        open_blobs(g)?,
        limits.clone(),
        key.clone(),
        Arc::new(packyard_net::upstream::HttpFetcher::new(&limits)),
    ));
    match cmd {
        UpstreamCmd::Add(add) => {
            if add.has_credentials() && key.is_none() {
                bail!(
                    "credentials are stored encrypted: pass --secrets-key-file FILE (or set PACKYARD_SECRETS_KEY_FILE) holding 64 hex digits from `openssl rand -hex 32`"
                );
            }
            let request = add.into_request()?.into();
            let up = registry::add(&db, key.as_ref(), &request, CLI_ACTOR).await?;
            let view = registry::view(&up, &mirror);
            emit(
                g.json,
                json!(view),
                format!("added upstream {}", line(&view)),
            );
        }
        UpstreamCmd::List => {
            mirror.load().await?;
            let views: Vec<UpstreamView> = db
                .upstreams()
                .await?
                .iter()
                .map(|u| registry::view(u, &mirror))
                .collect();
            emit_list(g.json, "upstreams", &views, line);
        }
        UpstreamCmd::Show { name } => {
            mirror.load().await?;
            let view = registry::view(&db.upstream(&name).await?, &mirror);
            emit(g.json, json!(view), line(&view));
        }
        UpstreamCmd::Remove { name } => {
            db.remove_upstream(&name, CLI_ACTOR).await?;
            emit(
                g.json,
                deleted("upstream", &name),
                format!("removed upstream {name}"),
            );
        }
        UpstreamCmd::Sync { name, packages } => {
            mirror.load().await?;
            let up = db.upstream(&name).await?;
            let report = registry::sync(&mirror, &up, &packages).await;
            let report = packyard_api::upstreams::SyncReport::from(report);
            let failed = !report.errors.is_empty();
            print(g.json, &report, render::upstream_synced(&name, &report))?;
            if failed {
                return Err(super::Reported(format!("syncing upstream {name} failed")).into());
            }
        }
    }
    Ok(())
}
