//! `release add` and `release list`: full archives for the curl download interface. The file
//! is streamed into storage, so adding a multi-GiB release needs no memory to speak of.

use anyhow::{Context, Result};
use packyard_api::files::{ReleaseAdded, ReleaseList};
use packyard_core::releases::ingest::{ReleaseOutcome, ReleaseRequest, add_release};

use super::{CLI_ACTOR, deleted, emit};
use crate::args::{Global, ReleaseCmd};
use crate::context::{open_blobs, open_db};
use crate::render::{self, print};

pub async fn run(g: &Global, cmd: ReleaseCmd) -> Result<()> {
    let db = open_db(g).await?;
    match cmd {
        ReleaseCmd::Add(add) => {
            let blobs = open_blobs(g)?;
            let file_name = add.file_name()?;
            let reader = tokio::fs::File::open(&add.file)
                .await
                .with_context(|| format!("cannot read {}", add.file.display()))?;
            let request = ReleaseRequest {
                file_name: &file_name,
                kind: &add.kind,
                version: &add.version,
                product: &add.product,
                max_bytes: u64::MAX,
            };
            let (release, outcome) = add_release(&db, &blobs, &request, reader, CLI_ACTOR).await?;
            let outcome = match outcome {
                ReleaseOutcome::Added => "added",
                ReleaseOutcome::Unchanged => "unchanged",
            };
            let added = ReleaseAdded {
                release: release.into(),
                outcome: outcome.into(),
            };
            print(g.json, &added, render::release_added(&added, &add.product))?;
        }
        ReleaseCmd::List => {
            let list = ReleaseList {
                releases: db.releases().await?.into_iter().map(Into::into).collect(),
            };
            print(g.json, &list, render::releases(&list))?;
        }
        ReleaseCmd::Delete { file_name } => {
            let release = db.delete_release(&file_name, CLI_ACTOR).await?;
            let human = format!("{} deleted", release.file_name);
            emit(g.json, deleted("file_name", &release.file_name), human);
        }
    }
    Ok(())
}
