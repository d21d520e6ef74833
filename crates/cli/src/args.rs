//! Command-line grammar (SPEC §5, §9, §10). Names here are part of the product contract.
//! Every option has help text and an environment variable (`PACKYARD_…`); the subcommand
//! groups live in the submodules.

mod advisories;
mod catalog;
mod customers;
mod operations;
mod people;
mod portal;
mod protection;
mod serve;
mod upstreams;
mod values;

pub use advisories::*;
pub use catalog::*;
pub use customers::*;
pub use operations::*;
pub use people::*;
pub use serve::{DEFAULT_METRICS_LISTEN, LogFormat};
pub use upstreams::UpstreamCmd;
pub use values::{parse_age, parse_duration, parse_public_url};

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "packyard",
    version,
    about = "A self-hosted Composer repository for selling private PHP packages"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Clone)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// Directory for the embedded database and artifacts. Commands other than serve, migrate
    /// and restore refuse to create it.
    #[arg(
        long,
        global = true,
        env = "PACKYARD_DATA_DIR",
        default_value = "./packyard-data"
    )]
    pub data_dir: PathBuf,
    /// sqlite://PATH or postgres://USER:PASS@HOST/DB (default: SQLite inside --data-dir).
    #[arg(
        long,
        global = true,
        env = "PACKYARD_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Where archives are stored: a directory, file:///path or s3://bucket/prefix (default:
    /// DATA_DIR/artifacts). S3 reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION,
    /// AWS_ENDPOINT_URL and AWS_ALLOW_HTTP.
    #[arg(long, global = true, env = "PACKYARD_STORAGE_URL")]
    pub storage_url: Option<String>,
    /// How long one object storage request may take before it counts as failed (e.g. 10s).
    #[arg(long, global = true, env = "PACKYARD_STORAGE_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub storage_timeout: std::time::Duration,
    /// Print one JSON document instead of human text.
    #[arg(long, global = true, env = "PACKYARD_JSON")]
    pub json: bool,
    /// Act through a running server's admin API at this URL instead of on the database
    /// (needs --token); for CI and machines without the data directory.
    #[arg(long, global = true, env = "PACKYARD_SERVER", requires = "token")]
    pub server: Option<String>,
    /// A file holding the key that encrypts upstream credentials (64 hex digits, e.g. from
    /// `openssl rand -hex 32`); the same file for serve and the CLI.
    #[arg(long, global = true, env = "PACKYARD_SECRETS_KEY_FILE")]
    pub secrets_key_file: Option<PathBuf>,
    /// An operator API token for --server (create one with 'packyard operator token create').
    #[arg(long, global = true, env = "PACKYARD_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the HTTP server (Composer repository, downloads, portal, admin API).
    Serve(Box<ServeArgs>),
    /// Apply database migrations and exit.
    Migrate,
    /// Customer accounts: create, list, show, rename, close, reopen, set the portal password.
    #[command(subcommand)]
    Account(AccountCmd),
    /// Access key pairs (Composer credentials) of an account.
    #[command(subcommand)]
    Key(KeyCmd),
    /// People of an account (owner, developer, billing) and their personal keys.
    #[command(subcommand)]
    User(UserCmd),
    /// Why an account or key can or cannot install a package, step by step.
    Explain(ExplainArgs),
    /// Download access tokens (release downloads with curl).
    #[command(subcommand)]
    Token(TokenCmd),
    /// Products: named sets of packages that accounts are entitled to.
    #[command(subcommand)]
    Product(ProductCmd),
    /// Which account may install which product, and until when.
    #[command(subcommand)]
    Entitlement(EntitlementCmd),
    /// Invoices; an unpaid one past its due date puts the account on billing hold.
    #[command(subcommand)]
    Invoice(InvoiceCmd),
    /// Published packages and their versions: list, show, unlist, relist, abandon.
    #[command(subcommand)]
    Package(PackageCmd),
    /// Publish Composer package zips (each needs composer.json with a name, and a version
    /// unless --version gives it).
    Publish(PublishArgs),
    /// Install counts reported by Composer (notify-batch), per package and version.
    Stats,
    /// Full release archives fetched with curl and a download access token.
    #[command(subcommand)]
    Release(ReleaseCmd),
    /// Operators (back office logins) and their admin API tokens.
    #[command(subcommand)]
    Operator(OperatorCmd),
    /// Copy the embedded database and the artifacts to a directory, while the server runs.
    Backup(BackupArgs),
    /// Restore a backup into an empty data directory.
    Restore(RestoreArgs),
    /// Print a shell completion script (bash, zsh or fish) to standard output.
    Completions(CompletionsArgs),
    /// Git repositories whose tags and branches become package versions.
    Repo(RepoArgs),
    /// Artifact storage maintenance.
    #[command(subcommand)]
    Storage(StorageCmd),
    /// Security advisories for your packages, reported by `composer audit`.
    #[command(subcommand)]
    Advisory(AdvisoryCmd),
    /// Recall published versions (and undo recalls).
    #[command(subcommand)]
    Version(VersionCmd),
    /// Messages every Composer run shows (e.g. maintenance).
    #[command(subcommand)]
    Notice(NoticeCmd),
    /// Upstream Composer repositories mirrored through this one (packagist, repo.magento.com, …).
    #[command(subcommand)]
    Upstream(UpstreamCmd),
}

#[derive(Subcommand)]
pub enum StorageCmd {
    /// Delete stored archives that no version or release references (failed or refused
    /// uploads, crashed writers); safe while servers run and publish.
    Gc {
        /// Leave objects younger than this alone (e.g. 1h; 0 for all).
        #[arg(long, env = "PACKYARD_GC_MIN_AGE", default_value = "1h", value_parser = parse_age)]
        min_age: std::time::Duration,
        /// Only list what would be deleted.
        #[arg(long, env = "PACKYARD_GC_DRY_RUN")]
        dry_run: bool,
    },
}

#[derive(Args)]
pub struct ServeArgs {
    /// Address and port to listen on (0.0.0.0:8080 for every interface).
    #[arg(long, env = "PACKYARD_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The URL clients use, absolute http(s) (default: http://LISTEN address).
    #[arg(long, env = "PACKYARD_PUBLIC_URL", value_parser = parse_public_url)]
    pub public_url: Option<String>,
    /// PEM certificate chain, to serve HTTPS directly (with --tls-key).
    #[arg(long, env = "PACKYARD_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of --tls-cert.
    #[arg(long, env = "PACKYARD_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Days past an invoice's due date before the account goes on hold.
    #[arg(long, env = "PACKYARD_BILLING_GRACE_DAYS", default_value_t = 0)]
    pub billing_grace_days: i64,
    /// Largest accepted upload, in MiB.
    #[arg(long, env = "PACKYARD_MAX_UPLOAD_MIB", default_value_t = 256)]
    pub max_upload_mib: usize,
    /// Refuse uploaded archives that would expand to more than this many MiB.
    #[arg(long, env = "PACKYARD_MAX_UNPACKED_MIB", default_value_t = 512)]
    pub max_unpacked_mib: u64,
    /// How long a portal login lasts: seconds, or a number with s, m, h or d (e.g. 12h).
    #[arg(long, env = "PACKYARD_SESSION_TTL", default_value = "12h", value_parser = parse_duration)]
    pub session_ttl: std::time::Duration,
    /// Failed portal logins per address and email within 15 minutes before logins are refused.
    #[arg(long, env = "PACKYARD_LOGIN_MAX_FAILURES", default_value_t = 5)]
    pub login_max_failures: i64,
    /// Prefix of account ids created in the operator portal (default MAG; the older
    /// variable PACKYARD_ACCOUNT_PREFIX is still read).
    #[arg(long, env = "PACKYARD_ACCOUNT_ID_PREFIX")]
    pub account_id_prefix: Option<String>,
    /// Largest release archive accepted through the admin API, in MiB.
    #[arg(long, env = "PACKYARD_MAX_RELEASE_MIB", default_value_t = 65536)]
    pub max_release_mib: u64,
    #[command(flatten)]
    pub protection: protection::ProtectionArgs,
    #[command(flatten)]
    pub portal: portal::PortalArgs,
    /// Failed credential attempts (Basic, download token, Bearer) per client address and
    /// minute before that address is answered 429 (0 = no limit).
    #[arg(long, env = "PACKYARD_AUTH_FAILURE_BUDGET", default_value_t = 60)]
    pub auth_failure_budget: u32,
    /// How often to poll the database for changes made by other nodes or the CLI.
    #[arg(long, env = "PACKYARD_POLL_INTERVAL", default_value = "250ms", value_parser = parse_duration)]
    pub poll_interval: std::time::Duration,
    /// Sync every git repository this often even without webhooks (e.g. 5m; default: only
    /// on webhooks and requests).
    #[arg(long, env = "PACKYARD_REPO_POLL_INTERVAL", value_parser = parse_duration)]
    pub repo_poll_interval: Option<std::time::Duration>,
    /// How often metadata fetched from upstreams is revalidated (e.g. 5m).
    #[arg(long, env = "PACKYARD_UPSTREAM_REFRESH", default_value = "5m", value_parser = parse_duration)]
    pub upstream_refresh: std::time::Duration,
    /// How long a client waits for an upstream's first answer about a package or archive.
    #[arg(long, env = "PACKYARD_UPSTREAM_WAIT", default_value = "20s", value_parser = parse_duration)]
    pub upstream_wait: std::time::Duration,
    /// Calls in flight to one upstream; more wait their turn.
    #[arg(long, env = "PACKYARD_UPSTREAM_CONCURRENCY", default_value_t = 8)]
    pub upstream_concurrency: usize,
    /// Answer downloads that are not served from memory with a redirect to a short-lived
    /// presigned storage URL instead of streaming them through this node (S3 only).
    #[arg(long, env = "PACKYARD_STORAGE_REDIRECT")]
    pub storage_redirect: bool,
    /// How long a presigned storage URL stays valid.
    #[arg(long, env = "PACKYARD_STORAGE_REDIRECT_EXPIRY", default_value = "5m", value_parser = parse_duration)]
    pub storage_redirect_expiry: std::time::Duration,
    #[command(flatten)]
    pub operations: serve::OperationsArgs,
}

/// The account id prefix given (`--account-id-prefix`, `--id-prefix` or their variable
/// PACKYARD_ACCOUNT_ID_PREFIX), else the one in the variable's older name
/// PACKYARD_ACCOUNT_PREFIX, else `MAG`.
pub fn account_id_prefix(given: Option<String>) -> String {
    given
        .or_else(|| std::env::var("PACKYARD_ACCOUNT_PREFIX").ok())
        .unwrap_or_else(|| "MAG".into())
}

#[derive(Args)]
pub struct RepoArgs {
    /// The server's public URL, for the webhook URLs shown (default: the one the last
    /// `packyard serve` on this database recorded, else http://127.0.0.1:8080).
    #[arg(long, global = true, env = "PACKYARD_PUBLIC_URL", value_parser = parse_public_url)]
    pub public_url: Option<String>,
    #[command(subcommand)]
    pub cmd: RepoCmd,
}

#[derive(Subcommand)]
pub enum RepoCmd {
    /// Register a repository (https://, ssh://, git@host:path, git:// or a local path);
    /// prints its id, webhook URL and (once) a generated webhook secret.
    Add {
        /// Where the repository is: https://, ssh://, git@host:path, git:// or a local path.
        url: String,
        /// A name for the repository (default: the URL's last path segment).
        #[arg(long, env = "PACKYARD_REPO_NAME")]
        name: Option<String>,
        /// Read the webhook secret (over 64 bytes) from standard input instead of generating one.
        #[arg(long, env = "PACKYARD_REPO_SECRET_STDIN")]
        secret_stdin: bool,
    },
    /// List repositories and their last sync.
    List,
    /// Show a repository: versions, skipped refs with reasons, conflicts.
    Show {
        /// The repository id (see `repo list`).
        id: i64,
    },
    /// Fetch and build new or moved refs now.
    Sync {
        /// The repository id (or --all).
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        id: Option<i64>,
        /// Sync every repository.
        #[arg(long, env = "PACKYARD_REPO_SYNC_ALL")]
        all: bool,
    },
    /// Forget a repository (the versions it published stay).
    Remove {
        /// The repository id (see `repo list`).
        id: i64,
    },
}

#[cfg(test)]
mod tests;
