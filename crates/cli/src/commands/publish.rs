//! `packyard publish FILE…`: one progress bar for the batch, one summary line, and a JSON
//! report with `--json`. A failing file never stops the batch; the exit status says whether
//! every file made it.

use std::path::PathBuf;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use packyard_composer::archive::ZipLimits;
use packyard_server::publish::publish_zip;
use packyard_store::packages::PublishOutcome;
use serde_json::json;

use super::{CLI_ACTOR, Reported};
use crate::args::Global;
use crate::context::{open_blobs, open_db};

pub async fn run(g: &Global, files: Vec<PathBuf>, max_unpacked_mib: u64) -> Result<()> {
    let db = open_db(g).await?;
    let blobs = open_blobs(g)?;
    let limits = ZipLimits {
        max_uncompressed_bytes: max_unpacked_mib << 20,
        ..ZipLimits::default()
    };
    let bar = ProgressBar::new(files.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {per_sec} {wide_msg}")
            .expect("valid progress template"),
    );
    let (mut published, mut skipped, mut failed) = (Vec::new(), Vec::new(), Vec::new());
    for file in &files {
        bar.set_message(file.display().to_string());
        let result = match tokio::fs::read(file).await {
            Ok(bytes) => publish_zip(&db, &blobs, bytes, &limits, CLI_ACTOR)
                .await
                .map_err(|e| e.to_string()),
            Err(e) => Err(format!("cannot read the file: {e}")),
        };
        match result {
            Ok(p) if p.outcome == PublishOutcome::Published => {
                published.push(json!({ "name": p.name, "version": p.version }))
            }
            Ok(p) => skipped.push(
                json!({ "name": p.name, "version": p.version, "file": file.display().to_string() }),
            ),
            Err(error) => {
                bar.suspend(|| eprintln!("{}: {error}", file.display()));
                failed.push(json!({ "file": file.display().to_string(), "error": error }));
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let summary = format!(
        "published {}, skipped {} (already published), failed {}",
        published.len(),
        skipped.len(),
        failed.len()
    );
    let failures = failed.len();
    if g.json {
        println!(
            "{}",
            json!({ "published": published, "skipped": skipped, "failed": failed })
        );
    } else {
        println!("{summary}");
    }
    if failures > 0 {
        return Err(Reported(format!(
            "{failures} of {} files could not be published",
            files.len()
        ))
        .into());
    }
    Ok(())
}
