//! Upstream Composer repositories (SPEC §15), in both modes. Locally, credentials are sealed
//! with `--secrets-key-file` and `sync` fetches in this process, against the same database
//! and storage as the servers; remotely the server does both with its own key.

use std::sync::Arc;

use anyhow::{Result, bail};
use packyard_api::upstreams::{AddUpstream, SyncReport, SyncRequest, UpstreamList, UpstreamView};
use packyard_core::upstream::Mirror;
use packyard_core::upstream::client::UpstreamLimits;
use packyard_core::upstream::registry;

use super::client::segment;
use super::handles::{Backend, Local, call, get, send};
use crate::context::{CLI_ACTOR, secrets_key};

fn upstream_path(name: &str) -> String {
    format!("/api/v1/upstreams/{}", segment(name))
}

/// The mirror over this installation, with what it holds loaded when `load` is set.
async fn mirror(l: &Local, load: bool) -> Result<Arc<Mirror>> {
    let limits = UpstreamLimits::default();
    let mirror = Arc::new(Mirror::new(
        l.db.clone(),
        l.blobs()?,
        limits.clone(),
        secrets_key(&l.global)?,
        Arc::new(packyard_net::upstream::HttpFetcher::new(&limits)),
    ));
    if load {
        mirror.load().await?;
    }
    Ok(mirror)
}

impl Backend {
    pub async fn upstreams(&self) -> Result<UpstreamList> {
        match self {
            Backend::Local(l) => {
                let mirror = mirror(l, true).await?;
                let upstreams = l.db.upstreams().await?;
                let views = upstreams.iter().map(|u| registry::view(u, &mirror));
                Ok(UpstreamList {
                    upstreams: views.collect(),
                })
            }
            Backend::Remote(c) => get(c, "/api/v1/upstreams"),
        }
    }

    pub async fn upstream(&self, name: &str) -> Result<UpstreamView> {
        match self {
            Backend::Local(l) => {
                let mirror = mirror(l, true).await?;
                Ok(registry::view(&l.db.upstream(name).await?, &mirror))
            }
            Backend::Remote(c) => get(c, &upstream_path(name)),
        }
    }

    /// Refuses credentials for an upstream before they are read when this CLI could not
    /// seal them (local mode without `--secrets-key-file`); a server seals with its own key.
    pub fn can_seal_credentials(&self) -> Result<()> {
        match self {
            Backend::Local(l) if secrets_key(&l.global)?.is_none() => bail!(
                "credentials are stored encrypted: pass --secrets-key-file FILE (or set PACKYARD_SECRETS_KEY_FILE) holding 64 hex digits from `openssl rand -hex 32`"
            ),
            _ => Ok(()),
        }
    }

    pub async fn add_upstream(&self, add: AddUpstream) -> Result<UpstreamView> {
        match self {
            Backend::Local(l) => {
                let key = secrets_key(&l.global)?;
                let mirror = mirror(l, false).await?;
                let up = registry::add(&l.db, key.as_ref(), &add, CLI_ACTOR).await?;
                Ok(registry::view(&up, &mirror))
            }
            Backend::Remote(c) => send(c, "POST", "/api/v1/upstreams", &add),
        }
    }

    pub async fn remove_upstream(&self, name: &str) -> Result<()> {
        match self {
            Backend::Local(l) => Ok(l.db.remove_upstream(name, CLI_ACTOR).await?),
            Backend::Remote(c) => call(c, "DELETE", &upstream_path(name)),
        }
    }

    /// Refreshes what is held from an upstream, or fetches `packages` and their archives.
    pub async fn sync_upstream(&self, name: &str, packages: Vec<String>) -> Result<SyncReport> {
        match self {
            Backend::Local(l) => {
                let mirror = mirror(l, true).await?;
                let up = l.db.upstream(name).await?;
                Ok(registry::sync(&mirror, &up, &packages).await)
            }
            Backend::Remote(c) => {
                let path = format!("{}/sync", upstream_path(name));
                send(c, "POST", &path, &SyncRequest { packages })
            }
        }
    }
}
