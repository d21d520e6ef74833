//! `packyard serve` options for running in production (SPEC §8, §10): connection limits,
//! logs and metrics. Kept apart from the product options in `args.rs`.

use std::net::SocketAddr;

use clap::{Args, ValueEnum};

use super::values::parse_duration;

/// The metrics address when `--metrics-listen` is not given: this machine only.
pub const DEFAULT_METRICS_LISTEN: &str = "127.0.0.1:9464";

#[derive(Args, Clone, Debug)]
pub struct OperationsArgs {
    /// Time a client has to send a complete request head, on a new connection and between
    /// requests on a kept-alive one (e.g. 10s).
    #[arg(long, env = "PACKYARD_HEADER_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub header_timeout: std::time::Duration,
    /// How long a connection may stay open with no request in flight (HTTP/2 included).
    #[arg(long, env = "PACKYARD_IDLE_TIMEOUT", default_value = "60s", value_parser = parse_duration)]
    pub idle_timeout: std::time::Duration,
    /// Open connections at most (default: half the process's file limit, which is raised
    /// to its hard limit at start). At the cap, the longest-idle connection is closed.
    #[arg(long, env = "PACKYARD_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Log format: `text` for people, `json` for log collectors (one object per line).
    #[arg(long, env = "PACKYARD_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Where `GET /metrics` is served, apart from the main listener [default:
    /// 127.0.0.1:9464, skipped with a warning when that port is taken]. To let a Prometheus
    /// on another machine scrape it, listen on a reachable address (e.g. 0.0.0.0:9464
    /// behind a firewall) or use --metrics-token.
    #[arg(long, env = "PACKYARD_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,
    /// Also answer `GET /metrics` on the main listener, to requests that send
    /// `Authorization: Bearer TOKEN` (for scrapers that reach only the public address).
    #[arg(long, env = "PACKYARD_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}
