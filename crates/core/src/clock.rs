//! The time the services read. A [`Clock`] is a value handed to whatever applies a time rule
//! (it travels in [`crate::Config`]), never a global: in production it is the system clock;
//! a test moves its own server's clock forward with [`Clock::advance`], so expiry, settle and
//! window rules are tested without sleeping and without touching other servers in the process.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};

/// The system clock plus however far a test has moved it forward (zero in production). Clones
/// share the offset.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    ahead_millis: Arc<AtomicU64>,
}

/// Seconds since the Unix epoch at `time` (0 before it).
pub fn unix_secs_of(time: std::time::SystemTime) -> i64 {
    time.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock::default()
    }

    fn ahead(&self) -> Duration {
        Duration::from_millis(self.ahead_millis.load(Ordering::Relaxed))
    }

    /// The wall-clock time now.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.ahead()
    }

    /// Seconds since the Unix epoch now: what the store's expiry columns are compared with.
    pub fn unix_secs(&self) -> i64 {
        // Without chrono's calendar conversion: every p2 answer reads this (`Last-Modified`).
        unix_secs_of(std::time::SystemTime::now() + self.ahead())
    }

    /// Today's date (UTC), for the date rules (billing hold, licence updates).
    pub fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }

    /// Milliseconds since the Unix epoch now.
    pub fn now_millis(&self) -> i64 {
        self.now().timestamp_millis()
    }

    /// The monotonic time now, for windows measured in elapsed time.
    pub fn instant(&self) -> Instant {
        Instant::now() + self.ahead()
    }

    /// Moves this clock (and every clone of it) forward by `by`. Tests only; time never runs
    /// backwards.
    pub fn advance(&self, by: Duration) {
        let millis = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        self.ahead_millis.fetch_add(millis, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_every_clone_and_both_readings() {
        let clock = Clock::system();
        let clone = clock.clone();
        let (wall, mono, day) = (clock.now(), clock.instant(), clock.today());
        clone.advance(Duration::from_secs(3600));
        clone.advance(Duration::from_secs(2 * 86_400));
        assert!(clock.today() > day);
        assert!(clock.unix_secs() - wall.timestamp() >= 2 * 86_400 + 3600);
        assert!(clock.now() - wall >= chrono::Duration::seconds(3600));
        assert!(clock.instant() - mono >= Duration::from_secs(3600));
        assert!(Clock::system().now() - wall < chrono::Duration::seconds(3600));
    }
}
