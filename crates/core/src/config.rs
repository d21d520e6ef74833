//! Server settings, passed in explicitly (no globals) so tests can run several servers with
//! different settings in one process.

use std::path::PathBuf;
use std::time::Duration;

use ipnet::IpNet;

use crate::clock::Clock;
use packyard_composer::archive::ZipLimits;
use packyard_vcs::remote::GitSettings;

#[derive(Clone, Debug)]
pub struct Config {
    /// Base URL clients use, without a trailing slash; dist URLs are built from it.
    pub public_url: String,
    /// Days after an invoice's due date before the account goes on billing hold.
    pub billing_grace_days: i64,
    /// Largest accepted upload body, in bytes.
    pub max_upload_bytes: usize,
    /// Largest accepted release archive (streamed, so only disk bounds it), in bytes.
    pub max_release_bytes: u64,
    pub zip_limits: ZipLimits,
    /// How often the change feed polls the database.
    pub poll_interval: Duration,
    /// How long a portal login lasts (absolute, from the moment of login).
    pub session_ttl: Duration,
    /// Failed portal logins per client address and email within `login_window` before
    /// further attempts are refused with 429.
    pub login_max_failures: i64,
    pub login_window: Duration,
    /// Prefix of account ids created in the operator portal, e.g. `MAG`.
    pub account_id_prefix: String,
    /// Login attempts per client address within `login_window` before 429, counted before
    /// any password is hashed (see `login_guard`).
    pub login_address_budget: usize,
    /// Password hashes computed at once; more logins wait for a turn.
    pub login_hash_concurrency: usize,
    /// How long a login waits for a hashing turn before 503.
    pub login_hash_wait: Duration,
    /// Install reports kept in memory while the database cannot take them (see `usage`).
    pub usage_buffer_limit: usize,
    /// When set, downloads not served from memory answer with a presigned storage URL valid
    /// this long instead of streaming through the node (S3 only).
    pub storage_redirect: Option<Duration>,
    /// How long `/readyz` waits for the database and storage before calling them unreachable.
    pub readiness_timeout: Duration,
    /// Timeouts and the cap on open connections.
    pub connections: ConnectionLimits,
    /// Whether `GET /metrics` is answered to anyone on the main listener (the CLI serves it
    /// on its own listener instead).
    pub metrics_on_main_listener: bool,
    /// sha256 of `--metrics-token`: with it, the main listener answers `GET /metrics` to
    /// `Authorization: Bearer TOKEN`.
    pub metrics_token_hash: Option<Vec<u8>>,
    /// Bytes of small dist archives kept in memory (weighted by size, least recently used
    /// evicted first).
    pub dist_cache_bytes: u64,
    /// Archives up to this size are served from the memory cache; larger ones stream.
    pub max_cached_archive: u64,
    /// Largest notify-batch body Composer may send, in bytes.
    pub notify_body_limit: usize,
    pub compression: CompressionConfig,
    /// Operator-portal packages page size.
    pub admin_page_size: usize,
    /// Failed credential attempts per client address and minute before that address is
    /// answered 429 (0 = no limit).
    pub auth_failure_budget: u32,
    /// Proxies whose `Forwarded` / `X-Forwarded-For` name the client (the server's `client_addr`).
    pub trusted_proxies: Vec<IpNet>,
    /// Longest wait for the database when a request brings an unknown credential.
    pub credential_lookup_timeout: Duration,
    /// Local cache of bare git mirrors for repository syncs (`DATA_DIR/git`).
    pub git_mirror_dir: PathBuf,
    /// Sync every git repository this often even without webhooks (`--repo-poll-interval`).
    pub repo_poll_interval: Option<Duration>,
    /// The vendor's name, logo and colour on every portal page and mail.
    pub brand: std::sync::Arc<crate::brand::Brand>,
    /// Where mail goes (`--smtp-url`, `--mail-from`); `None`: no mail, and password resets
    /// are not offered.
    pub mail: Option<crate::mail::MailSettings>,
    /// How often the notice task looks for overdue invoices and ending licences.
    pub notice_interval: Duration,
    /// The time the time rules read (`Last-Modified` settling, failure and login windows);
    /// the system clock unless a test moves it.
    pub clock: Clock,
    /// How git is run for repository syncs.
    pub git: GitSettings,
    /// How calls to upstream repositories are bounded, and how often they are refreshed.
    pub upstreams: crate::upstream::client::UpstreamLimits,
    /// The operator's key for upstream credentials (`--secrets-key-file`).
    pub secrets_key: Option<crate::upstream::secrets::SecretsKey>,
}

/// How long connections may take and how many may be open (the server's accept loop).
#[derive(Clone, Debug)]
pub struct ConnectionLimits {
    /// Time from accepting a connection (or ending a response) to a complete request head.
    pub header_timeout: Duration,
    /// How long a connection may stay open with no request in flight after its first one.
    pub idle_timeout: Duration,
    /// Open connections at most; keep it below the process's file limit.
    pub max_connections: usize,
    /// How long shutdown waits for in-flight requests.
    pub drain_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections: 1024,
            drain_timeout: Duration::from_secs(30),
        }
    }
}

/// How rendered metadata is compressed (once per document and coding, never per request).
#[derive(Clone, Copy, Debug)]
pub struct CompressionConfig {
    /// gzip level 0–9.
    pub gzip_level: u32,
    /// Brotli quality 0–11: 5 compresses JSON better than gzip -6 at a similar speed.
    pub brotli_quality: u32,
    /// Brotli window, log2 bytes (10–24).
    pub brotli_window: u32,
    /// Brotli's internal buffer, in bytes.
    pub brotli_buffer: usize,
}

impl Default for CompressionConfig {
    fn default() -> Self {
        CompressionConfig {
            gzip_level: 6,
            brotli_quality: 5,
            brotli_window: 22,
            brotli_buffer: 16 * 1024,
        }
    }
}

impl Config {
    pub fn new(public_url: &str) -> Config {
        Config {
            public_url: public_url.trim_end_matches('/').to_string(),
            billing_grace_days: 0,
            max_upload_bytes: 256 * 1024 * 1024,
            max_release_bytes: 64 << 30,
            zip_limits: ZipLimits::default(),
            poll_interval: Duration::from_millis(250),
            session_ttl: Duration::from_secs(12 * 3600),
            login_max_failures: 5,
            login_window: Duration::from_secs(15 * 60),
            account_id_prefix: "MAG".into(),
            trusted_proxies: Vec::new(),
            login_address_budget: 30,
            login_hash_concurrency: std::thread::available_parallelism()
                .map_or(2, |n| n.get().clamp(1, 4)),
            login_hash_wait: Duration::from_secs(2),
            usage_buffer_limit: 100_000,
            git_mirror_dir: PathBuf::from("packyard-data/git"),
            repo_poll_interval: None,
            git: GitSettings::default(),
            storage_redirect: None,
            readiness_timeout: Duration::from_secs(5),
            connections: ConnectionLimits::default(),
            metrics_on_main_listener: true,
            metrics_token_hash: None,
            dist_cache_bytes: 256 * 1024 * 1024,
            max_cached_archive: 4 * 1024 * 1024,
            notify_body_limit: 1024 * 1024,
            compression: CompressionConfig::default(),
            admin_page_size: 50,
            auth_failure_budget: 60,
            credential_lookup_timeout: Duration::from_secs(1),
            upstreams: Default::default(),
            secrets_key: None,
            brand: Default::default(),
            mail: None,
            notice_interval: Duration::from_secs(600),
            clock: Clock::system(),
        }
    }

    /// Whether browsers reach us over HTTPS, so cookies must be marked `Secure`.
    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// `host:port` of the public URL: what Composer prints and keys credentials by.
    pub fn host(&self) -> &str {
        let rest = self
            .public_url
            .split_once("://")
            .map_or(self.public_url.as_str(), |(_, r)| r);
        rest.split('/').next().unwrap_or(rest)
    }

    /// The public URL with `user:password@` in it, the way curl users write credentials;
    /// the scheme is the server's real one (`http` on a plain-HTTP server).
    pub fn url_with_credentials(&self, user: &str, password: &str) -> String {
        let scheme = self
            .public_url
            .split_once("://")
            .map_or("https", |(s, _)| s);
        format!("{scheme}://{user}:{password}@{}", self.host())
    }

    /// The absolute URL of a portal page (`path` starts with `/`), for links in mail.
    pub fn portal_url(&self, path: &str) -> String {
        format!("{}{path}", self.public_url)
    }

    /// The ready-to-paste command that downloads a release with an account's token.
    pub fn download_command(&self, account_id: &str, token: &str) -> String {
        format!(
            "curl -O {}/products/downloads/file/NAME",
            self.url_with_credentials(account_id, token)
        )
    }
}
