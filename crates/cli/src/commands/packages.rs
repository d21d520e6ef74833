//! `packyard package list|show|unlist|relist|abandon|unabandon`: what the back office's
//! Packages page shows and does, for operators at a shell, written once for both modes (see
//! `shared`).

use anyhow::Result;
use serde_json::json;

use crate::args::{Global, PackageCmd};
use crate::backend::Backend;
use crate::context::show;
use crate::render::{self, print};

pub async fn run(g: &Global, backend: &Backend, cmd: PackageCmd) -> Result<()> {
    let json = g.json;
    match cmd {
        PackageCmd::List => {
            let packages = backend.packages().await?;
            let (rows, human) = render::package_list(&packages);
            print(json, &json!({ "packages": rows }), human)
        }
        PackageCmd::Show { name } => show(json, backend.package(&name).await?, render::package),
        PackageCmd::Unlist { name, version } => {
            backend.set_listed(&name, &version, false).await?;
            let done = json!({ "name": name, "version": version, "listed": false });
            print(json, &done, format!("{name} {version} unlisted"))
        }
        PackageCmd::Relist { name, version } => {
            backend.set_listed(&name, &version, true).await?;
            let done = json!({ "name": name, "version": version, "listed": true });
            print(json, &done, format!("{name} {version} listed again"))
        }
        PackageCmd::Abandon { name, replacement } => {
            let mark = backend.set_abandoned(&name, Some(replacement)).await?;
            let human = match &mark.replacement {
                Some(other) => format!("{} is abandoned; Composer suggests {other}", mark.name),
                None => format!("{} is abandoned", mark.name),
            };
            print(json, &mark, human)
        }
        PackageCmd::Unabandon { name } => {
            let mark = backend.set_abandoned(&name, None).await?;
            print(json, &mark, format!("{} is no longer abandoned", mark.name))
        }
    }
}
