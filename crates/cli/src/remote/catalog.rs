//! Package uploads and release archives as admin API calls.

use anyhow::{Result, bail};
use packyard_api::files::{Published, ReleaseAdded, ReleaseList};
use serde_json::json;

use super::client::{Client, delete, print, segment, typed};
use crate::args::{PublishArgs, ReleaseCmd};
use crate::render;

/// `publish` through the API: one upload per file, the same JSON report as local mode.
pub fn publish(c: &Client, json_out: bool, args: PublishArgs) -> Result<()> {
    if args.version.is_some() && args.files.len() > 1 {
        bail!("--version names the version of one zip; publish the files one by one");
    }
    let query = args
        .version
        .as_deref()
        .map(|v| format!("?version={}", segment(v)))
        .unwrap_or_default();
    let (mut published, mut skipped, mut failed) = (Vec::new(), Vec::new(), Vec::new());
    for file in &args.files {
        let answer = c.upload("POST", &format!("/api/v1/packages{query}"), file);
        match answer.and_then(typed::<Published>) {
            Ok(v) if v.outcome == "published" => {
                published.push(json!({ "name": v.name, "version": v.version }))
            }
            Ok(v) => skipped.push(
                json!({ "name": v.name, "version": v.version, "file": file.display().to_string() }),
            ),
            Err(e) => {
                eprintln!("{}: {e:#}", file.display());
                failed
                    .push(json!({ "file": file.display().to_string(), "error": format!("{e:#}") }));
            }
        }
    }
    let failures = failed.len();
    let summary = crate::context::publish_summary(&published, &skipped, failures);
    let report = json!({ "published": published, "skipped": skipped, "failed": failed });
    print(json_out, &report, Some(summary));
    if failures > 0 {
        return Err(crate::context::Reported(format!(
            "{failures} of {} files could not be published",
            args.files.len()
        ))
        .into());
    }
    Ok(())
}

/// `release add|list|delete` through the API; the file streams from disk.
pub fn release(c: &Client, json_out: bool, cmd: ReleaseCmd) -> Result<()> {
    let (answer, human) = match cmd {
        ReleaseCmd::Add(add) => {
            let name = add.file_name()?;
            let path = format!(
                "/api/v1/releases/{}?type={}&version={}&product={}",
                segment(&name),
                segment(&add.kind),
                segment(&add.version),
                segment(&add.product)
            );
            let added: ReleaseAdded = typed(c.upload("PUT", &path, &add.file)?)?;
            let human = render::release_added(&added, &add.product);
            (serde_json::to_value(added)?, Some(human))
        }
        ReleaseCmd::List => {
            let list: ReleaseList = c.get("/api/v1/releases")?;
            let human = render::releases(&list);
            (serde_json::to_value(list)?, Some(human))
        }
        ReleaseCmd::Delete { file_name } => delete(
            c,
            &format!("/api/v1/releases/{}", segment(&file_name)),
            ("file_name", &file_name),
            format!("{file_name} deleted"),
        )?,
    };
    print(json_out, &answer, human);
    Ok(())
}
