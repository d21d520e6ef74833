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
    let beside_the_data = matches!(
        cli.command,
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
    match cli.command {
        Command::Serve(args) => serve::run(&g, *args).await,
        Command::Migrate => {
            let db = open_db_creating(&g).await?;
            print(
                g.json,
                &serde_json::json!({ "migrated": db.backend_name() }),
                format!("{} database is up to date", db.backend_name()),
            )
        }
        Command::Backup(args) => backup::backup(&g, args).await,
        Command::Restore(args) => backup::restore(&g, args).await,
        Command::Completions(args) => completions(args.shell),
        Command::Storage(cmd) => storage::run(&g, cmd).await,
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
        // Every other command is written once for both modes.
        command => shared::run(&g, command).await,
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
