//! `packyard repo add|list|show|sync|remove` (SPEC §11), written once for both modes (see
//! `shared`). A local `sync` runs in this process with a progress bar over the refs it builds
//! and a summary (imported / skipped with reason / conflicts); a remote one is queued.

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use packyard_api::repos::NewRepo;
use packyard_core::git::Progress;
use packyard_core::git::sync::SyncReport;
use packyard_core::git::worker::lease_owner;
use serde_json::json;

use crate::args::{Global, RepoArgs, RepoCmd};
use crate::backend::{Backend, RepoSync};
use crate::context::{Reported, show};
use crate::input::read_password_stdin;
use crate::render::{self, print};

pub async fn run(g: &Global, backend: &Backend, args: RepoArgs) -> Result<()> {
    let public = args.public_url.as_deref();
    match args.cmd {
        RepoCmd::Add {
            url,
            name,
            secret_stdin,
        } => {
            let secret = secret_stdin.then(read_password_stdin).transpose()?;
            let new = NewRepo { url, name, secret };
            let added = backend.add_repo(new, public).await?;
            print(g.json, &added, render::repo_added(&added))
        }
        RepoCmd::List => {
            let list = backend.repos(public).await?;
            let human: Vec<String> = list.repos.iter().map(render::repo_line).collect();
            print(g.json, &list, human.join("\n"))
        }
        RepoCmd::Show { id } => show(g.json, backend.repo(id, public).await?, render::repo),
        RepoCmd::Sync { id, all } => {
            let ids = match (all, id) {
                (true, _) | (_, None) => {
                    let repos = backend.repos(public).await?.repos;
                    repos.iter().map(|r| r.id).collect()
                }
                (false, Some(id)) => vec![id],
            };
            sync(g, backend, &ids).await
        }
        RepoCmd::Remove { id } => {
            backend.remove_repo(id).await?;
            print(g.json, &json!({ "removed": id }), render::repo_removed(id))
        }
    }
}

struct Bar(ProgressBar);

impl Progress for Bar {
    fn start(&self, n: usize) {
        self.0.set_length(n as u64);
        self.0.reset();
    }
    fn built(&self, ref_name: &str) {
        self.0.set_message(ref_name.to_string());
        self.0.inc(1);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

async fn sync(g: &Global, backend: &Backend, ids: &[i64]) -> Result<()> {
    let owner = lease_owner();
    let mut reports = Vec::new();
    let mut failed = false;
    for &id in ids {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} {per_sec} {wide_msg}")
                .context("progress template")?,
        );
        let (human, report) = match backend.sync_repo(id, &owner, &Bar(bar)).await? {
            RepoSync::Ran(Ok(r)) => (summary_text(id, &r), json!({ "id": id, "report": r })),
            RepoSync::Ran(Err(e)) => {
                failed = true;
                if !g.json {
                    eprintln!("repository {id}: sync failed: {e}");
                }
                reports.push(json!({ "id": id, "error": e }));
                continue;
            }
            RepoSync::Queued(q) => (format!("sync of repository {id} queued"), json!(q)),
        };
        if !g.json {
            println!("{human}");
        }
        reports.push(report);
    }
    if g.json {
        println!("{}", json!({ "synced": reports }));
    }
    if failed {
        if g.json {
            return Err(Reported("a repository sync failed".into()).into());
        }
        bail!("a repository sync failed");
    }
    Ok(())
}

fn summary_text(id: i64, r: &SyncReport) -> String {
    let mut out = vec![format!(
        "repository {id}: imported {}, skipped {}, conflicts {}, unchanged {}, removed {}",
        r.imported.len(),
        r.skipped.len(),
        r.conflicts.len(),
        r.unchanged,
        r.removed.len()
    )];
    for (label, lines) in [
        ("skipped", &r.skipped),
        ("conflict", &r.conflicts),
        ("removed", &r.removed),
    ] {
        out.extend(
            lines
                .iter()
                .map(|l| format!("  {label} {}: {}", l.ref_name, l.detail)),
        );
    }
    out.join("\n")
}
