//! Portal logins cost a password hash each (argon2id: ~19 MiB and tens of milliseconds), so
//! a flood of logins is a way to exhaust memory and CPU. Two limits hold before any hash is
//! computed (SPEC §8):
//!
//! - per client address: at most `Config::login_address_budget` attempts within
//!   `Config::login_window` (IPv6 clients are counted per /64, which one subscriber usually
//!   holds whole); a successful login returns its attempt, so logging in never locks anyone
//!   out, while failures accumulate. Past the budget the answer is 429 with `Retry-After`.
//! - overall: at most `Config::login_hash_concurrency` hashes at once; an attempt waits up to
//!   `Config::login_hash_wait` for a turn and is then answered 503 with `Retry-After`, so
//!   waiting never queues without bound.
//!
//! The per-email failure count (stored, see `routes::portal::login`) applies after these.
//! Counts live in memory: they only need to outlast a flood, not a restart.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use packyard_core::Config;
use packyard_core::clock::Clock;

/// Addresses remembered at most; past this, expired entries go, and if that is not enough
/// the oldest counts are forgotten (the hashing limit still bounds the cost).
const MAX_TRACKED_ADDRESSES: usize = 100_000;

/// Seconds a client should wait after a 503 because every hashing slot was busy.
pub const BUSY_RETRY_AFTER_SECS: u64 = 5;

pub struct LoginGuard {
    hashing: Arc<Semaphore>,
    hash_wait: Duration,
    budget: usize,
    window: Duration,
    clock: Clock,
    attempts: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

impl LoginGuard {
    pub fn new(config: &Config) -> LoginGuard {
        LoginGuard {
            hashing: Arc::new(Semaphore::new(config.login_hash_concurrency.max(1))),
            hash_wait: config.login_hash_wait,
            budget: config.login_address_budget.max(1),
            window: config.login_window,
            clock: config.clock.clone(),
            attempts: Mutex::new(HashMap::new()),
        }
    }

    /// Counts an attempt from `client`; `Err(seconds to wait)` once its budget is spent.
    pub fn admit(&self, client: IpAddr) -> Result<(), u64> {
        let now = self.clock.instant();
        let mut attempts = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        if attempts.len() >= MAX_TRACKED_ADDRESSES && !attempts.contains_key(&bucket(client)) {
            self.forget_expired(&mut attempts, now);
        }
        let recent = attempts.entry(bucket(client)).or_default();
        while recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            recent.pop_front();
        }
        if recent.len() >= self.budget {
            let oldest = recent.front().copied().unwrap_or(now);
            let wait = self.window.saturating_sub(now.duration_since(oldest));
            return Err(wait.as_secs().max(1));
        }
        recent.push_back(now);
        Ok(())
    }

    /// A successful login gives its attempt back.
    pub fn forgive(&self, client: IpAddr) {
        let mut attempts = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(recent) = attempts.get_mut(&bucket(client)) {
            recent.pop_back();
        }
    }

    /// A turn to compute one hash, or `None` if none came free within the wait. The turn is
    /// owned so it can travel with the hash onto its blocking thread: a client that hangs up
    /// does not free the turn before the hash is done.
    pub async fn hashing_turn(&self) -> Option<OwnedSemaphorePermit> {
        let acquire = self.hashing.clone().acquire_owned();
        let turn = tokio::time::timeout(self.hash_wait, acquire).await;
        turn.ok().and_then(Result::ok)
    }

    fn forget_expired(&self, attempts: &mut HashMap<IpAddr, VecDeque<Instant>>, now: Instant) {
        attempts.retain(|_, r| {
            r.back()
                .is_some_and(|t| now.duration_since(*t) < self.window)
        });
        if attempts.len() >= MAX_TRACKED_ADDRESSES {
            tracing::warn!("login throttling tracks too many addresses; forgetting their counts");
            attempts.clear();
        }
    }
}

/// The unit an address is counted in: itself for IPv4, its /64 for IPv6.
fn bucket(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !u128::from(u64::MAX)).into()),
        },
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(budget: usize, concurrency: usize) -> LoginGuard {
        let mut config = Config::new("http://localhost");
        config.login_address_budget = budget;
        config.login_hash_concurrency = concurrency;
        config.login_hash_wait = Duration::from_millis(50);
        LoginGuard::new(&config)
    }

    #[test]
    fn each_address_has_its_own_budget_and_successes_give_theirs_back() {
        let g = guard(2, 1);
        let (a, b) = ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap());
        assert!(g.admit(a).is_ok() && g.admit(a).is_ok());
        let wait = g.admit(a).unwrap_err();
        assert!(wait > 0 && wait <= 15 * 60, "{wait}");
        assert!(g.admit(b).is_ok(), "another address is unaffected");
        g.forgive(a);
        assert!(g.admit(a).is_ok(), "a success returned its attempt");
    }

    #[test]
    fn a_spent_budget_returns_when_the_window_has_passed() {
        let g = guard(1, 1);
        let a = "192.0.2.1".parse().unwrap();
        assert!(g.admit(a).is_ok());
        g.clock.advance(g.window - Duration::from_secs(1));
        assert_eq!(g.admit(a), Err(1), "one second of the window left");
        g.clock.advance(Duration::from_secs(1));
        assert!(g.admit(a).is_ok(), "the window passed");
    }

    #[test]
    fn ipv6_clients_count_per_64() {
        let g = guard(1, 1);
        assert!(g.admit("2001:db8:1:2::1".parse().unwrap()).is_ok());
        assert!(g.admit("2001:db8:1:2::ffff".parse().unwrap()).is_err());
        assert!(g.admit("2001:db8:1:3::1".parse().unwrap()).is_ok());
    }

    #[tokio::test]
    async fn hashing_turns_are_bounded_and_waiting_ends() {
        let g = guard(10, 2);
        let first = g.hashing_turn().await;
        let second = g.hashing_turn().await;
        assert!(first.is_some() && second.is_some());
        assert!(
            g.hashing_turn().await.is_none(),
            "a third waits, then gives up"
        );
        drop(first);
        assert!(g.hashing_turn().await.is_some());
    }
}
