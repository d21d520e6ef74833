//! `release add|list|delete`: full archives for the curl download interface, written once
//! for both modes (see `shared`). The file is streamed into storage (or to the server), so
//! adding a multi-GiB release needs no memory to speak of.

use anyhow::Result;
use packyard_core::releases::ingest::ReleaseRequest;

use crate::args::{Global, ReleaseCmd};
use crate::backend::Backend;
use crate::context::{deleted, show};
use crate::render::{self, print};

pub async fn run(g: &Global, backend: &Backend, cmd: ReleaseCmd) -> Result<()> {
    match cmd {
        ReleaseCmd::Add(add) => {
            let file_name = add.file_name()?;
            let request = ReleaseRequest {
                file_name: &file_name,
                kind: &add.kind,
                version: &add.version,
                product: &add.product,
                max_bytes: u64::MAX,
            };
            let added = backend.add_release(&request, &add.file).await?;
            print(g.json, &added, render::release_added(&added, &add.product))
        }
        ReleaseCmd::List => show(g.json, backend.releases().await?, render::releases),
        ReleaseCmd::Delete { file_name } => {
            backend.delete_release(&file_name).await?;
            let human = format!("{file_name} deleted");
            print(g.json, &deleted("file_name", &file_name), human)
        }
    }
}
