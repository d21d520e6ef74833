//! `packyard upstream …` (SPEC §15): upstream Composer repositories mirrored through ours.

use clap::Subcommand;

#[derive(Subcommand)]
pub enum UpstreamCmd {
    /// Mirror an upstream Composer 2 repository (e.g. `packagist https://repo.packagist.org`);
    /// credentials need --secrets-key-file.
    Add {
        /// A short name for the upstream (letters, digits, '-', '_', '.').
        name: String,
        /// The repository URL (where its packages.json is).
        url: String,
        /// HTTP Basic user name (e.g. the public key of repo.magento.com access keys).
        #[arg(long, env = "PACKYARD_UPSTREAM_USERNAME", requires = "password_stdin")]
        username: Option<String>,
        /// Read the HTTP Basic password from standard input.
        #[arg(
            long,
            env = "PACKYARD_UPSTREAM_PASSWORD_STDIN",
            requires = "username",
            conflicts_with = "bearer_stdin"
        )]
        password_stdin: bool,
        /// Read a bearer token from standard input.
        #[arg(long, env = "PACKYARD_UPSTREAM_BEARER_STDIN")]
        bearer_stdin: bool,
        /// Only these names come from this upstream (comma-separated, `*` wildcards).
        #[arg(long, env = "PACKYARD_UPSTREAM_PACKAGES")]
        packages: Option<String>,
        /// Lower numbers are asked first; the first upstream that has a name serves it.
        #[arg(long, env = "PACKYARD_UPSTREAM_PRIORITY", default_value_t = 0)]
        priority: i64,
    },
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
