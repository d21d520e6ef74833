//! `packyard repo add|list|show|sync|remove` (SPEC §11). `sync` runs in this process, under
//! the same per-repository lease as the servers' workers, with a progress bar over the refs
//! it builds and a summary (imported / skipped with reason / conflicts).

use std::time::Duration;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use packyard_composer::archive::ZipLimits;
use packyard_core::git::registry::{add_repository, describe, describe_with_refs};
use packyard_core::git::sync::SyncReport;
use packyard_core::git::worker::{Leased, lease_owner, sync_with_lease};
use packyard_core::git::{Progress, SyncContext};
use serde_json::{Value, json};

use super::{CLI_ACTOR, Reported, emit};
use crate::args::{Global, RepoArgs, RepoCmd};
use crate::context::{git_settings, open_blobs, open_db, read_password_stdin};
use crate::render;
use packyard_api::repos::RepoView;

pub async fn run(g: &Global, args: RepoArgs) -> Result<()> {
    let db = open_db(g).await?;
    let recorded = match args.public_url {
        Some(url) => Some(url),
        None => db.setting(packyard_store::settings::PUBLIC_URL).await?,
    };
    let url = recorded.as_deref().unwrap_or("http://127.0.0.1:8080");
    match args.cmd {
        RepoCmd::Add {
            url: repo_url,
            name,
            secret_stdin,
        } => {
            let secret = if secret_stdin {
                Some(read_password_stdin()?)
            } else {
                None
            };
            let added = add_repository(
                &db,
                &git_settings(),
                &repo_url,
                name.as_deref(),
                secret.as_deref(),
                false,
                CLI_ACTOR,
            )
            .await?;
            let mut out = describe(&added.repo, url);
            out["secret"] = added
                .generated_secret
                .clone()
                .map_or(Value::Null, Value::from);
            let human = render::repo_added(&RepoView::from_description(out.clone())?);
            emit(g.json, out, human);
        }
        RepoCmd::List => {
            let all: Vec<Value> = db.repos().await?.iter().map(|r| describe(r, url)).collect();
            let views = all
                .iter()
                .map(|d| RepoView::from_description(d.clone()))
                .collect::<Result<Vec<_>, _>>()?;
            let human: Vec<String> = views.iter().map(render::repo_line).collect();
            emit(g.json, json!({ "repos": all }), human.join("\n"));
        }
        RepoCmd::Show { id } => {
            let repo = db.repo(id).await?;
            let refs = db.repo_refs(id).await?;
            let d = describe_with_refs(&repo, &refs, url);
            let human = render::repo(&RepoView::from_description(d.clone())?);
            emit(g.json, d, human);
        }
        RepoCmd::Sync { id, all } => {
            let ids = if all {
                db.repos().await?.iter().map(|r| r.id).collect()
            } else {
                id.into_iter().collect::<Vec<_>>()
            };
            let ctx = SyncContext {
                db,
                blobs: open_blobs(g)?,
                mirror_dir: g.data_dir.join("git"),
                actor: CLI_ACTOR.into(),
                git: git_settings(),
                limits: ZipLimits::default(),
            };
            sync(g, &ctx, &ids).await?;
        }
        RepoCmd::Remove { id } => {
            db.remove_repo(id, CLI_ACTOR).await?;
            emit(g.json, json!({ "removed": id }), render::repo_removed(id));
        }
    }
    Ok(())
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

async fn sync(g: &Global, ctx: &SyncContext, ids: &[i64]) -> Result<()> {
    let owner = lease_owner();
    let mut reports = Vec::new();
    let mut failed = false;
    for &id in ids {
        // No queued request: this command runs the sync itself, so a server's worker must
        // not pick the same work up and leave this report saying "nothing changed".
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} {per_sec} {wide_msg}")
                .context("progress template")?,
        );
        let report = loop {
            match sync_with_lease(ctx, id, &owner, &Bar(bar.clone())).await? {
                Leased::Done(r) => break r,
                // Another node or command is syncing this repository: wait for its lease.
                Leased::Busy => tokio::time::sleep(Duration::from_millis(300)).await,
            }
        };
        match report {
            Ok(r) => {
                if !g.json {
                    println!("{}", summary_text(id, &r));
                }
                reports.push(json!({ "id": id, "report": r }));
            }
            Err(e) => {
                failed = true;
                if !g.json {
                    eprintln!("repository {id}: sync failed: {e}");
                }
                reports.push(json!({ "id": id, "error": e.to_string() }));
            }
        }
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
