//! What a connection's task shares with the accept loop ([`super::listen`]): its requests
//! in flight, since when it has been idle, and two flags the accept loop raises — close now
//! (to make room at the cap) and drain (shutdown). The connection's task looks at them each
//! time it wakes, so they cost a request nothing but atomics: no lock, no registration in a
//! shared list, no wake-up of anyone else.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures_util::task::AtomicWaker;

use packyard_core::config::ConnectionLimits;

/// One connection's requests: how many are in flight and since when it has been idle.
/// Plain atomics, written by every request and read by the connection's idle watchdog and
/// the accept loop at the cap: a request takes no lock and wakes nobody. The watchdog does
/// not need waking: it sleeps until the earliest moment the connection could expire and
/// then reads the counters again (see [`Activity::expired`]).
pub struct Activity {
    in_flight: AtomicUsize,
    /// When the last request ended (or the connection was accepted), in milliseconds
    /// since `epoch`.
    idle_since: AtomicU64,
    served: AtomicBool,
    epoch: Instant,
    /// Raised to close the connection now (the accept loop makes room at the cap).
    pub close: Flag,
    /// Raised at shutdown: finish the request in flight, take no other.
    pub drain: Flag,
}

impl Activity {
    pub fn new() -> Arc<Activity> {
        Arc::new(Activity {
            in_flight: AtomicUsize::new(0),
            idle_since: AtomicU64::new(0),
            served: AtomicBool::new(false),
            epoch: Instant::now(),
            close: Flag::default(),
            drain: Flag::default(),
        })
    }

    /// Marks a request as started; dropping the slot (when the response body is finished or
    /// abandoned) marks it done.
    pub fn begin(self: &Arc<Activity>) -> RequestSlot {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        if !self.served.load(Ordering::Relaxed) {
            self.served.store(true, Ordering::Relaxed);
        }
        RequestSlot {
            activity: self.clone(),
            answered_at: None,
        }
    }

    /// [`Activity::begin`] for a request answered at once, at `at` (already read by the
    /// caller): the connection counts as idle from then, without reading the clock again.
    pub fn begin_answered(self: &Arc<Activity>, at: Instant) -> RequestSlot {
        let mut slot = self.begin();
        slot.answered_at = Some(at);
        slot
    }

    fn end(&self, at: Option<Instant>) {
        let now = at
            .unwrap_or_else(Instant::now)
            .saturating_duration_since(self.epoch)
            .as_millis() as u64;
        // Stamped before the count drops: whoever sees the count at zero sees the stamp.
        self.idle_since.fetch_max(now, Ordering::Release);
        self.in_flight.fetch_sub(1, Ordering::AcqRel);
    }

    /// Since when the connection has been idle; `None` while a request is in flight.
    pub fn idle_since(&self) -> Option<Instant> {
        if self.in_flight.load(Ordering::Acquire) > 0 {
            return None;
        }
        let since = self.idle_since.load(Ordering::Acquire);
        Some(self.epoch + Duration::from_millis(since))
    }

    /// When the idle connection stops being welcome; `None` while a request is in flight.
    fn idle_deadline(&self, limits: &ConnectionLimits) -> Option<Instant> {
        let limit = if self.served.load(Ordering::Relaxed) {
            limits.idle_timeout
        } else {
            limits.header_timeout
        };
        self.idle_since().map(|since| since + limit)
    }

    /// Resolves once the connection has been idle for longer than its limit. A request can
    /// only end at or after the moment it is looked at, so the deadline it leaves behind is
    /// at least an idle timeout away: while a request is in flight, and before the first one
    /// (whose end switches the limit from the header timeout to the idle timeout), looking
    /// again one such period later never misses a deadline.
    pub async fn expired(&self, limits: &ConnectionLimits) {
        loop {
            let now = Instant::now();
            let served = self.served.load(Ordering::Relaxed);
            let wake = match self.idle_deadline(limits) {
                Some(deadline) if now >= deadline => return,
                Some(deadline) if served => deadline,
                Some(deadline) => deadline.min(now + limits.idle_timeout),
                None => now + limits.header_timeout.min(limits.idle_timeout),
            };
            tokio::time::sleep_until(wake.into()).await;
        }
    }
}

/// A request in flight on a connection.
pub struct RequestSlot {
    activity: Arc<Activity>,
    /// When its answer was made, if the caller knows (else the moment the slot is dropped).
    answered_at: Option<Instant>,
}

impl Drop for RequestSlot {
    fn drop(&mut self) {
        self.activity.end(self.answered_at);
    }
}

/// A one-way signal to one connection's task: raised once, seen by the next poll.
#[derive(Default)]
pub struct Flag {
    raised: AtomicBool,
    waker: AtomicWaker,
}

impl Flag {
    pub fn raise(&self) {
        self.raised.store(true, Ordering::Release);
        self.waker.wake();
    }

    pub fn is_raised(&self) -> bool {
        self.raised.load(Ordering::Acquire)
    }

    /// Resolves once the flag is raised. Only the connection's own task waits on it.
    pub fn raised(&self) -> impl Future<Output = ()> + '_ {
        std::future::poll_fn(|cx: &mut Context<'_>| {
            if self.is_raised() {
                return Poll::Ready(());
            }
            self.waker.register(cx.waker());
            if self.is_raised() {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Flag;
    use std::sync::Arc;

    #[tokio::test]
    async fn a_raised_flag_wakes_its_waiter() {
        let flag = Arc::new(Flag::default());
        let raiser = flag.clone();
        let waiter = tokio::spawn(async move { flag.raised().await });
        tokio::task::yield_now().await;
        assert!(!raiser.is_raised());
        raiser.raise();
        waiter.await.unwrap();
        assert!(raiser.is_raised());
    }
}
