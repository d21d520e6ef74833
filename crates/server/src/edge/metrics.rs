//! Counters for `GET /metrics` in the Prometheus text format (SPEC §10). Label values come
//! from fixed sets (route groups, status codes, failure reasons), so the output stays
//! bounded, and the per-request counters are a fixed table of atomics indexed by (route
//! group, status): a request adds to two atomics and takes no lock.
//!
//! Written by hand rather than with `prometheus-client` or `metrics`: their labelled
//! counters look the label set up in a map behind a lock (or a registry) on every
//! increment, which is the cost this table avoids, and a dozen counters with one text
//! rendering do not need a framework.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// Route families for the request counters (a label per path would be unbounded); the
/// first prefix that matches names the group, `portal` takes the rest.
const GROUPS: [(&str, &str); 11] = [
    ("/packages.json", "packages"),
    ("/p2/", "p2"),
    ("/dist/", "dist"),
    ("/downloads/", "notify"),
    ("/products/downloads/", "downloads"),
    ("/api/", "api"),
    ("/metrics", "metrics"),
    ("/healthz", "health"),
    ("/readyz", "health"),
    ("/admin", "admin_portal"),
    ("/assets/", "assets"),
];
const PORTAL: usize = GROUPS.len();
/// Status codes 100 to 999 (all `http::StatusCode` can hold).
const STATUSES: usize = 900;

/// A request's route group, as an index into the counter table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RouteGroup(usize);

impl RouteGroup {
    pub fn of(path: &str) -> RouteGroup {
        RouteGroup(
            GROUPS
                .iter()
                .position(|(prefix, _)| path.starts_with(prefix))
                .unwrap_or(PORTAL),
        )
    }

    pub fn name(self) -> &'static str {
        GROUPS.get(self.0).map_or("portal", |(_, name)| name)
    }
}

/// Requests answered, by route group and status.
struct RequestCounts(Box<[AtomicU64]>);

impl Default for RequestCounts {
    fn default() -> Self {
        RequestCounts(
            (0..(PORTAL + 1) * STATUSES)
                .map(|_| AtomicU64::new(0))
                .collect(),
        )
    }
}

impl RequestCounts {
    fn add(&self, group: RouteGroup, status: u16) {
        let status = usize::from(status).clamp(100, 100 + STATUSES - 1) - 100;
        self.0[group.0 * STATUSES + status].fetch_add(1, Ordering::Relaxed);
    }

    /// Every non-zero count as (group name, status, count), ordered by group name then status.
    fn snapshot(&self) -> BTreeMap<(&'static str, u16), u64> {
        let mut out = BTreeMap::new();
        for (i, count) in self.0.iter().enumerate() {
            let n = count.load(Ordering::Relaxed);
            if n > 0 {
                let key = (RouteGroup(i / STATUSES).name(), (100 + i % STATUSES) as u16);
                *out.entry(key).or_default() += n;
            }
        }
        out
    }
}

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
    requests: RequestCounts,
    /// Refusals are rare: a map behind a lock is enough for their open set of reasons.
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
    pub fn record_request(&self, group: RouteGroup, status: u16, bytes: u64) {
        self.requests.add(group, status);
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
        for ((group, status), n) in self.requests.snapshot() {
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

pub(crate) fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}
