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

use anyhow::{Result, bail};

use crate::args::{Cli, Command, Shell};
use crate::context::{open_db, open_db_creating};
use crate::render::print;

pub async fn run(cli: Cli) -> Result<()> {
    let g = cli.global;
    let Some(command) = shared::run(&g, cli.command).await? else {
        return Ok(());
    };
    let beside_the_data = matches!(
        command,
        Command::Serve(_)
            | Command::Migrate
            | Command::Backup(_)
            | Command::Restore(_)
            | Command::Storage(_)
            | Command::Stats
    );
    if g.server.is_some() && beside_the_data {
        bail!("this command works on the data directory only; run it without --server");
    }
    match command {
        Command::Serve(args) => serve::run(&g, *args).await,
        Command::Migrate => {
            let db = open_db_creating(&g).await?;
            print(
                g.json,
                &serde_json::json!({ "migrated": db.backend_name() }),
                format!("{} database is up to date", db.backend_name()),
            )
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
            print(
                g.json,
                &serde_json::json!({ "downloads": counts }),
                human.join("\n"),
            )
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
