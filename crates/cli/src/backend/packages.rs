//! Published packages, uploads and release archives, in both modes: the store and core
//! functions the `/api/v1/packages…` and `/api/v1/releases…` handlers call, or those
//! handlers over HTTP. Versions are named as published (`2.4.7-p1`); the store addresses
//! them by their normalized form.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use packyard_api::files::{
    PackagePage, PackageView, Published, ReleaseAdded, ReleaseList, VersionView,
};
use packyard_blobs::BlobStore;
use packyard_composer::archive::ZipLimits;
use packyard_composer::version::normalize;
use packyard_core::publish::{PublishError, publish_zip_as};
use packyard_core::releases::ingest::{ReleaseOutcome, ReleaseRequest, add_release};
use packyard_store::Db;

use super::client::{Client, package_path, segment};
use super::handles::{Backend, Local, call, get, upload};
use crate::context::CLI_ACTOR;

/// Why one file of a local `publish` failed (remote failures are the server's answer).
#[derive(Debug, thiserror::Error)]
pub enum PublishFailure {
    #[error("cannot read the file: {0}")]
    Read(std::io::Error),
    #[error(transparent)]
    Publish(#[from] PublishError),
}

/// Installs reported by Composer, by (package, version as published).
async fn installs(db: &Db) -> Result<HashMap<(String, String), i64>> {
    let counts = db.download_counts().await?;
    Ok(counts
        .into_iter()
        .map(|c| ((c.package, c.version), c.count))
        .collect())
}

/// A package's versions with their installs, as `GET /api/v1/packages/{vendor}/{name}`.
async fn package_of(
    db: &Db,
    name: &str,
    installs: &HashMap<(String, String), i64>,
) -> Result<PackageView> {
    let versions = db.package_versions(name).await?;
    let versions = versions.into_iter().map(|v| {
        let count = installs.get(&(v.name.clone(), v.version.clone()));
        VersionView {
            installs: Some(count.copied().unwrap_or(0)),
            ..v.into()
        }
    });
    Ok(PackageView {
        name: name.to_string(),
        versions: versions.collect(),
    })
}

/// Every package name, page by page.
fn package_names(c: &Client) -> Result<Vec<String>> {
    let (mut names, mut page) = (Vec::new(), 1);
    loop {
        let answer: PackagePage = get(c, &format!("/api/v1/packages?per_page=1000&page={page}"))?;
        let done = answer.packages.is_empty()
            || names.len() + answer.packages.len() >= answer.total as usize;
        names.extend(answer.packages.into_iter().map(|p| p.name));
        if done {
            return Ok(names);
        }
        page += 1;
    }
}

async fn publish_local(
    l: &Local,
    blobs: &BlobStore,
    file: &Path,
    version: Option<&str>,
    limits: &ZipLimits,
) -> Result<Published, PublishFailure> {
    let bytes = tokio::fs::read(file).await.map_err(PublishFailure::Read)?;
    let p = publish_zip_as(&l.db, blobs, bytes, limits, version, CLI_ACTOR).await?;
    Ok(Published::new(p.name, p.version, p.outcome))
}

impl Backend {
    /// Every package with its versions and their installs.
    pub async fn packages(&self) -> Result<Vec<PackageView>> {
        let mut packages = Vec::new();
        match self {
            Backend::Local(l) => {
                let installs = installs(&l.db).await?;
                for name in l.db.package_names().await? {
                    packages.push(package_of(&l.db, &name, &installs).await?);
                }
            }
            Backend::Remote(c) => {
                for name in package_names(c)? {
                    packages.push(get(c, &package_path(&name))?);
                }
            }
        }
        Ok(packages)
    }

    pub async fn package(&self, name: &str) -> Result<PackageView> {
        match self {
            Backend::Local(l) => package_of(&l.db, name, &installs(&l.db).await?).await,
            Backend::Remote(c) => get(c, &package_path(name)),
        }
    }

    /// Unlists (`listed` false) or lists again one version.
    pub async fn set_listed(&self, name: &str, version: &str, listed: bool) -> Result<()> {
        match self {
            Backend::Local(l) => {
                let normalized = normalize(version)?;
                match listed {
                    true => l.db.relist_version(name, &normalized, CLI_ACTOR).await?,
                    false => l.db.unlist_version(name, &normalized, CLI_ACTOR).await?,
                }
                Ok(())
            }
            Backend::Remote(c) => {
                let path = format!("{}/{}", package_path(name), segment(version));
                match listed {
                    true => call(c, "POST", &format!("{path}/relist")),
                    false => call(c, "DELETE", &path),
                }
            }
        }
    }

    /// Publishes one zip. A local failure is a [`PublishFailure`].
    pub async fn publish(
        &self,
        file: &Path,
        version: Option<&str>,
        limits: &ZipLimits,
    ) -> Result<Published> {
        match self {
            Backend::Local(l) => {
                let blobs = l.blobs()?;
                Ok(publish_local(l, &blobs, file, version, limits).await?)
            }
            Backend::Remote(c) => {
                let query = version
                    .map(|v| format!("?version={}", segment(v)))
                    .unwrap_or_default();
                upload(c, "POST", &format!("/api/v1/packages{query}"), file)
            }
        }
    }

    pub async fn releases(&self) -> Result<ReleaseList> {
        match self {
            Backend::Local(l) => Ok(ReleaseList {
                releases: l.db.releases().await?,
            }),
            Backend::Remote(c) => get(c, "/api/v1/releases"),
        }
    }

    /// Adds the release archive `file` under `request.file_name`, streamed from disk.
    pub async fn add_release(
        &self,
        request: &ReleaseRequest<'_>,
        file: &Path,
    ) -> Result<ReleaseAdded> {
        match self {
            Backend::Local(l) => {
                let blobs = l.blobs()?;
                let reader = tokio::fs::File::open(file)
                    .await
                    .with_context(|| format!("cannot read {}", file.display()))?;
                let (release, outcome) =
                    add_release(&l.db, &blobs, request, reader, CLI_ACTOR).await?;
                let outcome = match outcome {
                    ReleaseOutcome::Added => "added",
                    ReleaseOutcome::Unchanged => "unchanged",
                };
                Ok(ReleaseAdded {
                    release,
                    outcome: outcome.into(),
                })
            }
            Backend::Remote(c) => {
                let path = format!(
                    "/api/v1/releases/{}?type={}&version={}&product={}",
                    segment(request.file_name),
                    segment(request.kind),
                    segment(request.version),
                    segment(request.product)
                );
                upload(c, "PUT", &path, file)
            }
        }
    }

    pub async fn delete_release(&self, file_name: &str) -> Result<()> {
        match self {
            Backend::Local(l) => Ok(l.db.delete_release(file_name, CLI_ACTOR).await.map(drop)?),
            Backend::Remote(c) => call(
                c,
                "DELETE",
                &format!("/api/v1/releases/{}", segment(file_name)),
            ),
        }
    }
}
