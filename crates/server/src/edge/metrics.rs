//! Counters for `GET /metrics` in the Prometheus text format (SPEC §10). Written by hand:
//! a handful of counters does not justify a metrics framework. Label values come from
//! fixed sets (route groups, status codes, failure reasons), so the output stays bounded.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// A failure behind a response, set as a response extension where the error is turned
/// into a response ([`crate::edge::error::ApiError`]), and counted here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    Database,
    Storage,
    /// A refused credential, by reason (`unauthorized`, `forbidden`, `throttled`).
    Auth(&'static str),
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(&'static str, u16), u64>>,
    auth_failures: Mutex<BTreeMap<&'static str, u64>>,
    bytes_sent: AtomicU64,
    installs: AtomicU64,
    database_errors: AtomicU64,
    storage_errors: AtomicU64,
    /// Unix millis of the last successful change-feed poll (0 before the first).
    feed_polled_at: AtomicI64,
    /// Unix millis when the snapshot last changed.
    snapshot_built_at: AtomicI64,
}

impl Metrics {
    pub fn record_request(&self, group: &'static str, status: u16, bytes: u64) {
        *self
            .requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry((group, status))
            .or_default() += 1;
        self.bytes_sent.fetch_add(bytes, Ordering::Relaxed);
    }

    /// A refused credential; `reason` is one of a fixed set (e.g. `unknown_key`).
    pub fn record_auth_failure(&self, reason: &'static str) {
        *self
            .auth_failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(reason)
            .or_default() += 1;
    }

    pub fn record_failure(&self, failure: Failure) {
        let counter = match failure {
            Failure::Database => &self.database_errors,
            Failure::Storage => &self.storage_errors,
            Failure::Auth(reason) => return self.record_auth_failure(reason),
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub fn record_installs(&self, count: u64) {
        self.installs.fetch_add(count, Ordering::Relaxed);
    }

    /// The change feed brought the snapshot up to date with the database.
    pub fn record_feed_poll(&self, snapshot_changed: bool) {
        let now = chrono::Utc::now().timestamp_millis();
        self.feed_polled_at.store(now, Ordering::Relaxed);
        if snapshot_changed || self.snapshot_built_at.load(Ordering::Relaxed) == 0 {
            self.snapshot_built_at.store(now, Ordering::Relaxed);
        }
    }

    /// The Prometheus text exposition of every counter.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let now = chrono::Utc::now().timestamp_millis();
        let age = |at: i64| {
            if at == 0 {
                -1.0
            } else {
                (now - at) as f64 / 1000.0
            }
        };
        family(
            &mut out,
            "packyard_http_requests_total",
            "counter",
            "Requests answered, by route group and status.",
        );
        for ((group, status), n) in self
            .requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "packyard_http_requests_total{{group=\"{group}\",status=\"{status}\"}} {n}"
            );
        }
        family(
            &mut out,
            "packyard_auth_failures_total",
            "counter",
            "Refused credentials, by reason.",
        );
        for (reason, n) in self
            .auth_failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "packyard_auth_failures_total{{reason=\"{reason}\"}} {n}"
            );
        }
        let scalars: [(&str, &str, &str, String); 6] = [
            (
                "packyard_http_response_bytes_total",
                "counter",
                "Response body bytes sent.",
                self.bytes_sent.load(Ordering::Relaxed).to_string(),
            ),
            (
                "packyard_installs_total",
                "counter",
                "Package installs reported by Composer (notify-batch).",
                self.installs.load(Ordering::Relaxed).to_string(),
            ),
            (
                "packyard_database_errors_total",
                "counter",
                "Requests that failed on a database error.",
                self.database_errors.load(Ordering::Relaxed).to_string(),
            ),
            (
                "packyard_storage_errors_total",
                "counter",
                "Requests that failed on an artifact storage error.",
                self.storage_errors.load(Ordering::Relaxed).to_string(),
            ),
            (
                "packyard_snapshot_age_seconds",
                "gauge",
                "Seconds since the in-memory snapshot last changed (-1 before the first poll).",
                age(self.snapshot_built_at.load(Ordering::Relaxed)).to_string(),
            ),
            (
                "packyard_change_feed_lag_seconds",
                "gauge",
                "Seconds since the change feed last brought the snapshot up to date with the database (-1 before).",
                age(self.feed_polled_at.load(Ordering::Relaxed)).to_string(),
            ),
        ];
        for (name, kind, help, value) in scalars {
            family(&mut out, name, kind, help);
            let _ = writeln!(out, "{name} {value}");
        }
        out
    }
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}
