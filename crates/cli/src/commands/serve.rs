//! `packyard serve`: binds the listener, prints the address it got (tests bind port 0 and
//! read it from this line), and serves until SIGINT or SIGTERM.

use std::io::Write;

use anyhow::{Context, Result};
use packyard_server::{AppState, Config};

use crate::args::{Global, ServeArgs};
use crate::context::{open_blobs_in, open_db_creating};

pub async fn run(g: &Global, args: ServeArgs) -> Result<()> {
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(packyard_server::tls::load_config(cert, key)?),
        _ => None,
    };
    let db = open_db_creating(g).await?;
    let blobs = open_blobs_in(g, true)?;
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
    config.account_id_prefix = args.account_id_prefix;
    config.max_release_bytes = args.max_release_mib << 20;
    let state = AppState::new(db, blobs, config)
        .await
        .context("cannot load the repository state")?;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PACKYARD_LOG")
                .unwrap_or_else(|_| "packyard=info,warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    println!("packyard listening on {scheme}://{addr} (public URL {public_url})");
    std::io::stdout().flush()?;
    match tls {
        Some(config) => {
            let listener = packyard_server::tls::TlsListener::new(listener, config)?;
            packyard_server::serve(listener, state, shutdown_signal()).await?;
        }
        None => {
            // Like nginx's `tcp_nodelay on`: a response goes out the moment it is written.
            let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
                let _ = tcp.set_nodelay(true);
            });
            packyard_server::serve(listener, state, shutdown_signal()).await?
        }
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
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
}
