//! `package list|show|unlist|relist|abandon|unabandon` as admin API calls (`/api/v1/packages…`).

use anyhow::Result;
use packyard_api::files::{PackagePage, PackageView};
use serde_json::{Value, json};

use super::client::{Client, package_path, segment, shown};
use crate::args::PackageCmd;
use crate::render;

pub(super) fn package(c: &Client, cmd: PackageCmd) -> Result<(Value, Option<String>)> {
    Ok(match cmd {
        PackageCmd::List => {
            let (mut packages, mut page) = (Vec::new(), 1);
            loop {
                let answer: PackagePage =
                    c.get(&format!("/api/v1/packages?per_page=1000&page={page}"))?;
                let batch = answer.packages;
                let done =
                    batch.is_empty() || packages.len() + batch.len() >= answer.total as usize;
                packages.extend(batch);
                if done {
                    break;
                }
                page += 1;
            }
            let human: Vec<String> = packages
                .iter()
                .map(|p: &PackageView| format!("{}  {} version(s)", p.name, p.versions.len()))
                .collect();
            (json!({ "packages": packages }), Some(human.join("\n")))
        }
        PackageCmd::Show { name } => {
            shown(c.get::<PackageView>(&package_path(&name))?, render::package)?
        }
        PackageCmd::Unlist { name, version } => {
            c.call(
                "DELETE",
                &format!("{}/{}", package_path(&name), segment(&version)),
                None,
            )?;
            let done = json!({ "name": name, "version": version, "listed": false });
            (done, Some(format!("{name} {version} unlisted")))
        }
        PackageCmd::Relist { name, version } => {
            let path = format!("{}/{}/relist", package_path(&name), segment(&version));
            c.call("POST", &path, None)?;
            let done = json!({ "name": name, "version": version, "listed": true });
            (done, Some(format!("{name} {version} listed again")))
        }
        PackageCmd::Abandon { name, replacement } => {
            super::advisories::abandoned(c, &name, Some(replacement))?
        }
        PackageCmd::Unabandon { name } => super::advisories::abandoned(c, &name, None)?,
    })
}
