//! `packyard serve` options for running in production (SPEC §8, §10): connection limits,
//! logs and metrics. Kept apart from the product options in `args.rs`.

use std::net::SocketAddr;

use clap::{Args, ValueEnum};

use super::parse_duration;

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
    /// Serve `GET /metrics` on this address only, instead of on the main listener.
    #[arg(long, env = "PACKYARD_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}
