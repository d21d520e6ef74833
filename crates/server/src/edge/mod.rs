//! The HTTP edge: accepting connections (plain or TLS) with their limits, answering warm
//! p2 requests on the connection itself, observing every exchange for the access log
//! (written through the batched log sink) and `/metrics`, the client's address, conditional
//! answers, the error answers each audience reads, and the failed-credential budget. Nothing here
//! knows the router's state: each part takes the handles it uses.

pub mod access_log;
pub mod activity;
pub mod client_addr;
pub mod coalesce;
pub mod conditional;
pub mod denial;
pub mod direct;
pub mod error;
pub mod failure_budget;
pub mod inline_first;
pub mod listen;
pub mod log_sink;
pub mod metrics;
pub mod observe;
pub mod request_headers;
pub mod rewind;
pub mod serve;
pub mod tls;
pub mod warning;
