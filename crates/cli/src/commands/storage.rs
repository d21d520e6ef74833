//! `packyard storage gc`: removes archives nothing references, safe while nodes publish
//! (see `packyard_core::storage::gc`).

use anyhow::Result;

use crate::args::{Global, StorageCmd};
use crate::context::{open_blobs, open_db};
use crate::render::print;

pub async fn run(g: &Global, cmd: StorageCmd) -> Result<()> {
    let StorageCmd::Gc { min_age, dry_run } = cmd;
    let db = open_db(g).await?;
    let blobs = open_blobs(g)?;
    let report = packyard_core::storage::gc::collect(&db, &blobs, min_age, dry_run).await?;
    let verb = if dry_run { "would delete" } else { "deleted" };
    let mut human = format!(
        "{} objects scanned, {} referenced, {} spared (younger than {}s or being written); {verb} {} ({} bytes)",
        report.scanned,
        report.referenced,
        report.spared,
        min_age.as_secs(),
        report.deleted.len(),
        report.deleted_bytes
    );
    for key in &report.deleted {
        human.push_str(&format!("\n  {key}"));
    }
    print(
        g.json,
        &serde_json::json!({ "dry_run": dry_run, "report": report }),
        human,
    )
}
