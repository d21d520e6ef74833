//! `packyard package list|show|unlist|relist` (and `abandon|unabandon`, in `advisories`): what the back office's Packages page shows
//! and does, for operators at a shell. Versions are named as published (`2.4.7-p1`); the
//! store addresses them by their normalized form.

use std::collections::HashMap;

use anyhow::Result;
use packyard_store::Db;
use packyard_store::packages::PackageVersion;
use serde_json::json;

use super::{CLI_ACTOR, emit};
use crate::args::{Global, PackageCmd};
use crate::context::open_db;
use crate::render::{self, print};
use packyard_api::files::{PackageView, VersionView};

pub async fn run(g: &Global, cmd: PackageCmd) -> Result<()> {
    let db = open_db(g).await?;
    match cmd {
        PackageCmd::List => list(g, &db).await,
        PackageCmd::Show { name } => show(g, &db, &name).await,
        PackageCmd::Unlist { name, version } => {
            let normalized = packyard_composer::version::normalize(&version)?;
            db.unlist_version(&name, &normalized, CLI_ACTOR).await?;
            let done = json!({ "name": name, "version": version, "listed": false });
            emit(g.json, done, format!("{name} {version} unlisted"));
            Ok(())
        }
        PackageCmd::Relist { name, version } => {
            let normalized = packyard_composer::version::normalize(&version)?;
            db.relist_version(&name, &normalized, CLI_ACTOR).await?;
            let done = json!({ "name": name, "version": version, "listed": true });
            emit(g.json, done, format!("{name} {version} listed again"));
            Ok(())
        }
        PackageCmd::Abandon { name, replacement } => {
            super::advisories::abandoned(g, &db, &name, Some(replacement)).await
        }
        PackageCmd::Unabandon { name } => super::advisories::abandoned(g, &db, &name, None).await,
    }
}

/// Installs reported by Composer, by (package, version as published).
async fn installs(db: &Db) -> Result<HashMap<(String, String), i64>> {
    let counts = db.download_counts().await?;
    Ok(counts
        .into_iter()
        .map(|c| ((c.package, c.version), c.count))
        .collect())
}

async fn list(g: &Global, db: &Db) -> Result<()> {
    let installs = installs(db).await?;
    let (mut rows, mut human) = (Vec::new(), Vec::new());
    for name in db.package_names().await? {
        let versions = db.package_versions(&name).await?;
        let listed = versions.iter().filter(|v| v.unlisted_at.is_none());
        let latest = listed.clone().next_back().map(|v| v.version.clone());
        let count: i64 = versions
            .iter()
            .map(|v| {
                installs
                    .get(&(name.clone(), v.version.clone()))
                    .unwrap_or(&0)
            })
            .sum();
        human.push(format!(
            "{name}  {} version(s)  latest {}  {count} install(s)",
            listed.count(),
            latest.as_deref().unwrap_or("none listed")
        ));
        rows.push(json!({
            "name": name, "versions": versions.len(), "latest": latest, "installs": count
        }));
    }
    emit(g.json, json!({ "packages": rows }), human.join("\n"));
    Ok(())
}

async fn show(g: &Global, db: &Db, name: &str) -> Result<()> {
    let installs = installs(db).await?;
    let versions = db.package_versions(name).await?;
    let count = |v: &PackageVersion| {
        *installs
            .get(&(v.name.clone(), v.version.clone()))
            .unwrap_or(&0)
    };
    let shown = PackageView {
        name: name.to_string(),
        versions: versions
            .into_iter()
            .map(|v| VersionView {
                installs: Some(count(&v)),
                ..v.into()
            })
            .collect(),
    };
    print(g.json, &shown, render::package(&shown))?;
    Ok(())
}
