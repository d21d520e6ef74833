//! `packyard upstream …` (SPEC §15): upstream Composer repositories mirrored through ours.

use anyhow::Result;
use clap::{Args, Subcommand};
use packyard_api::upstreams::AddUpstream;

use crate::input::read_password_stdin;

#[derive(Subcommand)]
pub enum UpstreamCmd {
    /// Mirror an upstream Composer 2 repository (e.g. `packagist https://repo.packagist.org`);
    /// credentials need --secrets-key-file.
    Add(UpstreamAdd),
    /// List upstreams with their packages mirrored and last error.
    List,
    /// Show one upstream (credentials are never shown).
    Show {
        /// The upstream's name.
        name: String,
    },
    /// Forget an upstream and what was fetched from it.
    Remove {
        /// The upstream's name.
        name: String,
    },
    /// Refresh the metadata held from an upstream now, or fetch these packages and their
    /// archives ahead of time.
    Sync {
        /// The upstream's name.
        name: String,
        /// Packages to fetch (metadata and every stable archive); none = refresh what is held.
        packages: Vec<String>,
    },
}

#[derive(Args)]
pub struct UpstreamAdd {
    /// A short name for the upstream (letters, digits, '-', '_', '.').
    pub name: String,
    /// The repository URL (where its packages.json is).
    pub url: String,
    /// HTTP Basic user name (e.g. the public key of repo.magento.com access keys).
    #[arg(long, env = "PACKYARD_UPSTREAM_USERNAME", requires = "password_stdin")]
    pub username: Option<String>,
    /// Read the HTTP Basic password from standard input.
    #[arg(
        long,
        env = "PACKYARD_UPSTREAM_PASSWORD_STDIN",
        requires = "username",
        conflicts_with = "bearer_stdin"
    )]
    pub password_stdin: bool,
    /// Read a bearer token from standard input.
    #[arg(long, env = "PACKYARD_UPSTREAM_BEARER_STDIN")]
    pub bearer_stdin: bool,
    /// Only these names come from this upstream (comma-separated, `*` wildcards).
    #[arg(long, env = "PACKYARD_UPSTREAM_PACKAGES")]
    pub packages: Option<String>,
    /// Lower numbers are asked first; the first upstream that has a name serves it.
    #[arg(long, env = "PACKYARD_UPSTREAM_PRIORITY", default_value_t = 0)]
    pub priority: i64,
}

impl UpstreamAdd {
    pub fn has_credentials(&self) -> bool {
        self.password_stdin || self.bearer_stdin
    }

    /// The request, with the password or token read from standard input.
    pub fn into_request(self) -> Result<AddUpstream> {
        let secret = self
            .has_credentials()
            .then(read_password_stdin)
            .transpose()?;
        Ok(AddUpstream {
            password: secret.clone().filter(|_| self.password_stdin),
            bearer: secret.filter(|_| self.bearer_stdin),
            name: self.name,
            url: self.url,
            username: self.username,
            packages: self.packages,
            priority: self.priority,
        })
    }
}
