//! `packyard serve`: binds the listener, prints the address it got (tests bind port 0 and
//! read it from this line), and serves until SIGINT or SIGTERM, after which in-flight
//! requests finish (up to 30 s) and the process exits 0. SIGHUP re-reads the TLS
//! certificate and key.

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result};
use packyard_core::Config;
use packyard_server::AppState;
use packyard_server::edge::listen::{ConnectionLimits, Listener};
use packyard_server::edge::tls::{TlsCertificates, TlsListener};
use packyard_server::edge::{access_log, log_sink};
use tokio::signal::unix::{SignalKind, signal};

use crate::args::LogFormat;
use crate::args::{Global, ServeArgs};
use crate::context::{git_settings, open_blobs_in, open_db_with, redact};

pub async fn run(g: &Global, args: ServeArgs) -> Result<()> {
    let _log_writer = init_logging(args.operations.log_format);
    let file_limit = raise_file_limit();
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(TlsCertificates::load(cert, key)?),
        _ => None,
    };
    let db = open_db_with(g, &args.protection.pool_settings()).await?;
    let blobs = open_blobs_in(g, true)?;
    let swept = blobs
        .sweep_temporaries()
        .await
        .context("cannot clean the artifact store's temporary files")?;
    if swept > 0 {
        tracing::info!("removed {swept} temporary file(s) left by an interrupted upload");
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let public_url = args
        .public_url
        .unwrap_or_else(|| format!("{scheme}://{addr}"));
    let mut config = Config::new(&public_url);
    config.billing_grace_days = args.billing_grace_days;
    config.max_upload_bytes = args.max_upload_mib * 1024 * 1024;
    config.zip_limits.max_uncompressed_bytes = args.max_unpacked_mib << 20;
    config.session_ttl = args.session_ttl;
    config.login_max_failures = args.login_max_failures;
    config.account_id_prefix = crate::args::account_id_prefix(args.account_id_prefix);
    config.max_release_bytes = args.max_release_mib << 20;
    args.protection
        .apply(&mut config)
        .map_err(anyhow::Error::msg)?;
    args.portal.apply(&mut config)?;
    config.auth_failure_budget = args.auth_failure_budget;
    config.poll_interval = args.poll_interval;
    config.git_mirror_dir = g.data_dir.join("git");
    config.repo_poll_interval = args.repo_poll_interval;
    config.git = git_settings();
    config.upstreams.refresh_interval = args.upstream_refresh;
    config.upstreams.first_fetch_wait = args.upstream_wait;
    config.upstreams.concurrency = args.upstream_concurrency.max(1);
    config.secrets_key = crate::context::secrets_key(g)?;
    config.storage_redirect = args
        .storage_redirect
        .then_some(args.storage_redirect_expiry);
    config.readiness_timeout = g.storage_timeout;
    let ops = args.operations;
    config.connections = ConnectionLimits {
        header_timeout: ops.header_timeout,
        idle_timeout: ops.idle_timeout,
        max_connections: ops.max_connections.unwrap_or(file_limit / 2).max(16),
        drain_timeout: Duration::from_secs(30),
    };
    // `/metrics` is never open to everyone on the public listener: it is served on its own
    // address (this machine only by default), and on the main listener only with a token.
    config.metrics_on_main_listener = false;
    config.metrics_token_hash = ops
        .metrics_token
        .as_deref()
        .map(packyard_store::secret::sha256);
    let state = AppState::new(db, blobs, config)
        .await
        .context("cannot load the repository state")?;
    let metrics_url = serve_metrics(ops.metrics_listen, &state).await?;
    record_settings(&state).await;
    let metrics = match &metrics_url {
        Some(url) => format!("{url} (this address only; see --metrics-listen)"),
        None => "not served (see --metrics-listen, --metrics-token)".into(),
    };
    // One write: whoever reads the first line (a supervisor, the tests) may close the pipe
    // right after, and nothing is written to standard output later.
    let banner = format!(
        "packyard listening on {scheme}://{addr} (public URL {public_url})\n  data: {}\n  metrics: {metrics}\n  next: {}\n",
        where_data_lives(g),
        next_step(&state).await
    );
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(banner.as_bytes())
        .and_then(|()| stdout.flush());
    drop(stdout);
    tokio::spawn(reload_on_sighup(tls.clone()));
    let listener: Listener = match tls {
        Some(certificates) => TlsListener::new(listener, certificates).into(),
        None => listener.into(),
    };
    packyard_server::serve(listener, state, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Records what the CLI cannot know by itself (the public URL for `repo add`, the grace
/// period for `account show`); a database that refuses only costs those defaults.
async fn record_settings(state: &AppState) {
    use packyard_store::settings::{BILLING_GRACE_DAYS, PUBLIC_URL};
    let grace = state.config.billing_grace_days.to_string();
    for (name, value) in [
        (PUBLIC_URL, state.config.public_url.as_str()),
        (BILLING_GRACE_DAYS, grace.as_str()),
    ] {
        if let Err(e) = state.db.set_setting(name, value).await {
            tracing::warn!("could not record the {name} setting for the CLI: {e}");
        }
    }
}

/// The start-up line's "data:" part: the data directory, or the database and storage.
fn where_data_lives(g: &Global) -> String {
    let dir = std::path::absolute(&g.data_dir).unwrap_or_else(|_| g.data_dir.clone());
    let storage = match &g.storage_url {
        Some(url) => url.clone(),
        None => dir.join("artifacts").display().to_string(),
    };
    match &g.database_url {
        Some(url) => format!("database {}, archives in {storage}", redact(url)),
        None => format!(
            "{} (SQLite database and archives in {storage})",
            dir.display()
        ),
    }
}

/// The start-up line's "next:" part: the first thing this installation still lacks. Packages
/// and accounts are looked up in the snapshot just loaded, not read again (a large
/// repository's start-up would read every row twice).
async fn next_step(state: &AppState) -> String {
    let operators = state.db.operators().await;
    let snapshot = state.snapshot();
    let back_office = format!("{}/admin", state.config.public_url);
    if operators.is_ok_and(|o| o.is_empty()) {
        "create an operator for the back office and admin API: packyard operator create --email you@example.com --password-stdin".into()
    } else if snapshot.packages.is_empty() {
        format!(
            "publish a package: packyard publish FILE.zip (or upload it at {back_office}/packages)"
        )
    } else if snapshot.accounts.is_empty() {
        format!(
            "create a customer: packyard account create --email E --name N (or at {back_office}/accounts)"
        )
    } else {
        format!("manage accounts and packages at {back_office}")
    }
}

/// Serves `GET /metrics` on `--metrics-listen`, or on the default local address when that
/// is free; returns the URL it is served at, if any.
async fn serve_metrics(given: Option<SocketAddr>, state: &AppState) -> Result<Option<String>> {
    let addr = match given {
        Some(addr) => addr,
        None => crate::args::DEFAULT_METRICS_LISTEN.parse()?,
    };
    let metrics = match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(e) if given.is_none() => {
            tracing::warn!(
                "metrics are not served: {addr} is not available ({e}); choose an address with --metrics-listen"
            );
            return Ok(None);
        }
        Err(e) => return Err(e).with_context(|| format!("cannot listen on {addr} for metrics")),
    };
    let url = format!("http://{}/metrics", metrics.local_addr()?);
    let app = packyard_server::metrics_router().with_state(state.clone());
    tokio::spawn(async move { axum::serve(metrics, app).await });
    Ok(Some(url))
}

/// Logs go to stderr through [`log_sink`]: each thread appends whole lines to its own
/// buffer and a writer thread writes them out in batches, so a request never waits on a
/// write to the terminal or journal (one access line per request adds up); the returned
/// guard writes out what is pending when `serve` ends. Lines are never dropped: when the
/// writer falls far behind, the thread filling a buffer writes it out itself.
fn init_logging(format: LogFormat) -> log_sink::SinkGuard {
    let filter = tracing_subscriber::EnvFilter::try_from_env("PACKYARD_LOG")
        .unwrap_or_else(|_| "packyard=info,warn".into());
    let (sink, guard) = log_sink::LogSink::start(std::io::stderr());
    sink.install();
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(move || log_sink::SinkWriter(sink.clone()))
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match format {
        LogFormat::Text => {
            access_log::set_format(access_log::Format::Text);
            logs.init();
        }
        LogFormat::Json => {
            access_log::set_format(access_log::Format::Json);
            logs.json().init();
        }
    }
    guard
}

/// Raises the soft open-file limit to the hard one, so the connection cap (half of it) can
/// be generous; returns the limit in force.
fn raise_file_limit() -> usize {
    let limit = rlimit::increase_nofile_limit(u64::MAX).unwrap_or_else(|e| {
        tracing::warn!("cannot raise the open-file limit: {e}");
        rlimit::getrlimit(rlimit::Resource::NOFILE).map_or(1024, |(soft, _)| soft)
    });
    usize::try_from(limit).unwrap_or(usize::MAX)
}

/// SIGHUP re-reads the certificate and key; connections already open keep theirs.
async fn reload_on_sighup(tls: Option<TlsCertificates>) {
    let Ok(mut hangups) = signal(SignalKind::hangup()) else {
        return;
    };
    while hangups.recv().await.is_some() {
        match &tls {
            Some(certificates) => match certificates.reload() {
                Ok(()) => tracing::info!("SIGHUP: re-read the TLS certificate and key"),
                Err(e) => tracing::warn!("SIGHUP: kept the previous TLS certificate: {e}"),
            },
            None => tracing::info!("SIGHUP: no TLS certificate to re-read"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: no new connections; finishing requests in flight");
}
