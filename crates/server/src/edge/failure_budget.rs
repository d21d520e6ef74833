//! The failure budget for credentials (SPEC §8): failed HTTP Basic, download-token and
//! Bearer attempts are counted per client address in a fixed one-minute window; past
//! `--auth-failure-budget` that address gets 429 with `Retry-After` for its failed attempts
//! (and its unknown credentials are no longer looked up in the database), while valid
//! credentials, from it or anyone else, are unaffected.
//!
//! IPv6 clients are counted per /64, the block one subscriber usually holds. Memory is
//! bounded: the table keeps at most `MAX_TRACKED` addresses, dropping expired windows first.
//! Failures are logged in aggregate once a minute (counts and the busiest addresses, never
//! a credential), and counted for metrics ([`AuthCounters`]).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use packyard_core::clock::Clock;

/// Addresses tracked at once.
const MAX_TRACKED: usize = 100_000;

/// Counters a metrics endpoint can read.
#[derive(Default, Debug)]
pub struct AuthCounters {
    /// Failed credential checks.
    pub failures: AtomicU64,
    /// Failed attempts answered 429 because their address was over budget.
    pub throttled: AtomicU64,
    /// Database look-ups for credentials the snapshot did not know.
    pub lookups: AtomicU64,
}

struct Window {
    started: Instant,
    failures: u32,
}

pub struct FailureBudget {
    budget: u32,
    window: Duration,
    clock: Clock,
    windows: Mutex<HashMap<IpAddr, Window>>,
    /// Failures since the last aggregate log line.
    unreported: AtomicU64,
    pub counters: AuthCounters,
}

/// The address failures are counted against: IPv6 by its /64.
fn bucket(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none() => {
            let mut segments = v6.segments();
            segments[4..].fill(0);
            IpAddr::from(segments)
        }
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        IpAddr::V4(_) => addr,
    }
}

impl FailureBudget {
    /// `budget` failures per `window` (as `clock` measures it) per address; 0 disables the
    /// budget.
    pub fn new(budget: u32, window: Duration, clock: Clock) -> FailureBudget {
        FailureBudget {
            budget,
            window,
            clock,
            windows: Mutex::default(),
            unreported: AtomicU64::new(0),
            counters: AuthCounters::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, Window>> {
        // A panic while holding this lock leaves only counters behind; keep using them.
        self.windows.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Seconds until `addr` may fail again, when it has used up its budget.
    pub fn exhausted(&self, addr: IpAddr) -> Option<u64> {
        if self.budget == 0 {
            return None;
        }
        let windows = self.lock();
        let w = windows.get(&bucket(addr))?;
        let left = self.window.checked_sub(self.clock.instant() - w.started)?;
        (w.failures >= self.budget).then(|| left.as_secs().max(1))
    }

    /// Counts a failed attempt from `addr`.
    pub fn record_failure(&self, addr: IpAddr) {
        self.counters.failures.fetch_add(1, Ordering::Relaxed);
        self.unreported.fetch_add(1, Ordering::Relaxed);
        if self.budget == 0 {
            return;
        }
        let now = self.clock.instant();
        let mut windows = self.lock();
        if windows.len() >= MAX_TRACKED && !windows.contains_key(&bucket(addr)) {
            windows.retain(|_, w| now.duration_since(w.started) < self.window);
            if windows.len() >= MAX_TRACKED {
                let budget = self.budget;
                windows.retain(|_, w| w.failures >= budget);
            }
        }
        let w = windows.entry(bucket(addr)).or_insert(Window {
            started: now,
            failures: 0,
        });
        if now.duration_since(w.started) >= self.window {
            *w = Window {
                started: now,
                failures: 0,
            };
        }
        w.failures = w.failures.saturating_add(1);
    }

    /// Counts an attempt refused with 429.
    pub fn record_throttled(&self) {
        self.counters.throttled.fetch_add(1, Ordering::Relaxed);
    }

    /// One log line for the failures since the last call, if there were any.
    pub fn report(&self) {
        let failures = self.unreported.swap(0, Ordering::Relaxed);
        if failures == 0 {
            return;
        }
        let now = self.clock.instant();
        let windows = self.lock();
        let mut over: Vec<(&IpAddr, u32)> = windows
            .iter()
            .filter(|(_, w)| now - w.started < self.window && w.failures >= self.budget)
            .map(|(a, w)| (a, w.failures))
            .collect();
        over.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        let busiest: Vec<String> = over
            .iter()
            .take(5)
            .map(|(a, n)| format!("{a} ({n})"))
            .collect();
        tracing::warn!(
            failures,
            addresses_over_budget = over.len(),
            "failed authentication attempts since the last report; over budget: {}",
            if busiest.is_empty() {
                "none".to_string()
            } else {
                busiest.join(", ")
            }
        );
    }
}

/// Logs the aggregate once a minute.
pub async fn run_reports(budget: std::sync::Arc<FailureBudget>) {
    let mut interval = tokio::time::interval(Duration::from_secs(60));
    loop {
        interval.tick().await;
        budget.report();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_is_per_address_and_resets_with_the_window() {
        let clock = Clock::system();
        let budget = FailureBudget::new(3, Duration::from_secs(60), clock.clone());
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..3 {
            assert_eq!(budget.exhausted(a), None);
            budget.record_failure(a);
        }
        assert!(budget.exhausted(a).is_some());
        assert_eq!(budget.exhausted(b), None, "other addresses are unaffected");
        clock.advance(Duration::from_secs(59));
        assert!(budget.exhausted(a).is_some(), "still inside the window");
        clock.advance(Duration::from_secs(1));
        assert_eq!(budget.exhausted(a), None, "the window passed");
        assert_eq!(budget.counters.failures.load(Ordering::Relaxed), 3);
    }

    #[test]
    fn ipv6_counts_per_64_and_zero_disables() {
        let budget = FailureBudget::new(1, Duration::from_secs(60), Clock::system());
        budget.record_failure("2001:db8:1:2::1".parse().unwrap());
        assert!(
            budget
                .exhausted("2001:db8:1:2::ffff".parse().unwrap())
                .is_some()
        );
        assert!(
            budget
                .exhausted("2001:db8:1:3::1".parse().unwrap())
                .is_none()
        );
        let off = FailureBudget::new(0, Duration::from_secs(60), Clock::system());
        off.record_failure("192.0.2.1".parse().unwrap());
        assert!(off.exhausted("192.0.2.1".parse().unwrap()).is_none());
    }
}
