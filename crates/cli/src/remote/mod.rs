//! Remote mode (SPEC §9): with `--server URL --token T` the CLI calls a running server's
//! admin API instead of opening the database, so CI and machines without the data directory
//! can publish and manage customers. Each subcommand maps to one or a few `/api/v1/` calls
//! ([`request`]); `--json` prints the server's JSON answer, human output prints the part a
//! person needs (an id, a key pair, a token, a summary) or the answer itself.
//!
//! Commands that only make sense next to the data (`serve`, `migrate`, `backup`, `restore`,
//! `stats`) refuse remote mode. `repo sync` joins here once the repository routes exist:
//! map it to `POST /api/v1/repos/{id}/sync` in [`request`].

mod advisories;
mod catalog;
pub mod client;
mod commands;
mod packages;
mod upstreams;

use anyhow::{Result, bail};

use crate::args::{Command, Global};
use client::{Client, print};
use commands::request;

/// Runs `command` against the admin API of `g.server`.
pub fn run(g: &Global, command: Command) -> Result<()> {
    let (Some(server), Some(token)) = (&g.server, &g.token) else {
        bail!("remote mode needs both --server URL and --token TOKEN");
    };
    let client = Client::new(server, token)?;
    match command {
        Command::Publish(args) => catalog::publish(&client, g.json, args),
        Command::Release(cmd) => catalog::release(&client, g.json, cmd),
        other => {
            let (answer, human) = request(&client, other)?;
            print(g.json, &answer, human);
            Ok(())
        }
    }
}
