//! `packyard publish FILE…`: one progress bar for the batch, one summary line, and a JSON
//! report with `--json`. A failing file never stops the batch; the exit status says whether
//! every file made it.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use packyard_api::files::Published;
use packyard_composer::archive::ZipLimits;
use packyard_core::publish::PublishError;
use packyard_store::StoreError;
use serde_json::json;
use tokio::task::JoinSet;

use crate::args::{Global, PublishArgs};
use crate::backend::{Backend, PublishFailure};
use crate::context::Reported;

/// Archives in flight at once.
const IN_FLIGHT: usize = 8;

/// What every file of one `publish` run shares.
#[derive(Clone)]
struct Target {
    backend: Arc<Backend>,
    limits: ZipLimits,
    version: Option<String>,
}

async fn publish_file(target: &Target, file: &Path) -> Result<Published> {
    let version = target.version.as_deref();
    target.backend.publish(file, version, &target.limits).await
}

/// Two files with the same name and version raced each other (local mode only).
fn lost_a_race(error: &anyhow::Error) -> bool {
    matches!(
        error.downcast_ref::<PublishFailure>(),
        Some(PublishFailure::Publish(PublishError::Store(
            StoreError::Conflict(_)
        )))
    )
}

/// A failure as one line: a local one as it reads, a remote one with its causes.
fn reason(error: &anyhow::Error) -> String {
    match error.downcast_ref::<PublishFailure>() {
        Some(failure) => failure.to_string(),
        None => format!("{error:#}"),
    }
}

pub async fn run(g: &Global, backend: &Backend, args: PublishArgs) -> Result<()> {
    let PublishArgs {
        files,
        version,
        max_unpacked_mib,
    } = args;
    if version.is_some() && files.len() > 1 {
        bail!("--version names the version of one zip; publish the files one by one");
    }
    let limits = ZipLimits {
        max_uncompressed_bytes: max_unpacked_mib << 20,
        ..ZipLimits::default()
    };
    let target = Target {
        backend: Arc::new(backend.clone()),
        limits,
        version,
    };
    let bar = ProgressBar::new(files.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {per_sec} {wide_msg}")
            .expect("valid progress template"),
    );
    // Archives are inspected, hashed and stored several at a time (their fsyncs overlap);
    // the database serialises the version rows. Results are reported in argument order.
    let mut results: Vec<Option<Result<Published>>> = (0..files.len()).map(|_| None).collect();
    let mut tasks = JoinSet::new();
    let mut next = 0;
    while next < files.len() || !tasks.is_empty() {
        while next < files.len() && tasks.len() < IN_FLIGHT {
            let (target, file) = (target.clone(), files[next].clone());
            let index = next;
            tasks.spawn(async move { (index, publish_file(&target, &file).await) });
            next += 1;
        }
        if let Some(joined) = tasks.join_next().await {
            let (index, result) = joined.expect("a publish task does not panic");
            bar.set_message(files[index].display().to_string());
            bar.inc(1);
            results[index] = Some(result);
        }
    }
    // Two files with the same name and version raced each other: decide them one by one,
    // which turns the loser into "skipped" (same bytes) or a real conflict (other bytes).
    for (index, slot) in results.iter_mut().enumerate() {
        if let Some(Err(e)) = slot
            && lost_a_race(e)
        {
            *slot = Some(publish_file(&target, &files[index]).await);
        }
    }
    let (mut published, mut skipped, mut failed) = (Vec::new(), Vec::new(), Vec::new());
    for (file, result) in files.iter().zip(results) {
        match result.expect("every file was published") {
            Ok(p) if p.outcome == "published" => {
                published.push(json!({ "name": p.name, "version": p.version }))
            }
            Ok(p) => skipped.push(
                json!({ "name": p.name, "version": p.version, "file": file.display().to_string() }),
            ),
            Err(error) => {
                let error = reason(&error);
                bar.suspend(|| eprintln!("{}: {error}", file.display()));
                failed.push(json!({ "file": file.display().to_string(), "error": error }));
            }
        }
    }
    bar.finish_and_clear();
    let summary = crate::context::publish_summary(&published, &skipped, failed.len());
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
