//! One module per group of subcommands.

mod advisories;
mod backup;
mod operators;
mod packages;
mod people;
mod publish;
mod releases;
mod repos;
mod serve;
mod shared;
mod shared_catalog;
mod storage;
mod upstreams;

use anyhow::Result;
use serde::Serialize;
use serde_json::{Value, json};

use crate::args::{Cli, Command, Shell};
use crate::context::{open_db, open_db_creating};

pub use crate::context::{CLI_ACTOR, Reported, deleted};

/// Prints a listing: `{ key: items }` as JSON, or one `line` per item for people.
pub fn emit_list<T: Serialize>(json: bool, key: &str, items: &[T], line: impl Fn(&T) -> String) {
    let human: Vec<String> = items.iter().map(line).collect();
    emit(json, json!({ key: items }), human.join("\n"));
}

/// Prints `value` as JSON with `--json`, else the human text.
pub fn emit(json: bool, value: Value, human: impl AsRef<str>) {
    if json {
        println!("{value}");
    } else {
        println!("{}", human.as_ref());
    }
}

pub async fn run(cli: Cli) -> Result<()> {
    let g = cli.global;
    let Some(command) = shared::run(&g, cli.command).await? else {
        return Ok(());
    };
    if g.server.is_some() && !matches!(command, Command::Completions(_)) {
        // The HTTP client blocks; keep it off the async workers.
        return tokio::task::spawn_blocking(move || crate::remote::run(&g, command)).await?;
    }
    match command {
        Command::Serve(args) => serve::run(&g, *args).await,
        Command::Migrate => {
            let db = open_db_creating(&g).await?;
            emit(
                g.json,
                serde_json::json!({ "migrated": db.backend_name() }),
                format!("{} database is up to date", db.backend_name()),
            );
            Ok(())
        }
        Command::Account(_)
        | Command::Key(_)
        | Command::Token(_)
        | Command::User(_)
        | Command::Explain(_)
        | Command::Product(_)
        | Command::Entitlement(_)
        | Command::Invoice(_) => shared::run(&g, command).await.map(drop),
        Command::Operator(cmd) => operators::run(&g, cmd).await,
        Command::Package(cmd) => packages::run(&g, cmd).await,
        Command::Publish(args) => publish::run(&g, args).await,
        Command::Backup(args) => backup::backup(&g, args).await,
        Command::Restore(args) => backup::restore(&g, args).await,
        Command::Completions(args) => completions(args.shell),
        Command::Release(cmd) => releases::run(&g, cmd).await,
        Command::Repo(args) => repos::run(&g, args).await,
        Command::Storage(cmd) => storage::run(&g, cmd).await,
        Command::Advisory(cmd) => advisories::advisory(&g, cmd).await,
        Command::Version(cmd) => advisories::version(&g, cmd).await,
        Command::Notice(cmd) => advisories::notice(&g, cmd).await,
        Command::Upstream(cmd) => upstreams::run(&g, cmd).await,
        Command::Stats => {
            let db = open_db(&g).await?;
            let counts = db.download_counts().await?;
            let human: Vec<String> = counts
                .iter()
                .map(|c| format!("{}  {}  {}", c.package, c.version, c.count))
                .collect();
            emit(
                g.json,
                serde_json::json!({ "downloads": counts }),
                human.join("\n"),
            );
            Ok(())
        }
    }
}

/// Writes the completion script for `shell` to standard output.
fn completions(shell: Shell) -> Result<()> {
    use clap::CommandFactory;
    use clap_complete::{Shell as Target, generate};
    use std::io::Write;
    let target = match shell {
        Shell::Bash => Target::Bash,
        Shell::Zsh => Target::Zsh,
        Shell::Fish => Target::Fish,
    };
    // Into memory first: clap_complete panics on a closed pipe (`… | head`).
    let mut script = Vec::new();
    generate(target, &mut Cli::command(), "packyard", &mut script);
    match std::io::stdout().write_all(&script) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
