//! Time for the pollers, injected: the real clock in the app, a fake one in tests so that
//! rate-limit waits and backoffs are checked to the millisecond without sleeping.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// A boxed future that sleeps.
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Wall time and waiting.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;
    /// Waits `duration`.
    fn sleep(&self, duration: Duration) -> Sleep;
}

/// The system clock and tokio's timer.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        crate::time::now_ms()
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A clock that only moves when told to or when something sleeps: a sleep returns at once,
/// moving the time forward by its duration and recording it.
#[derive(Debug)]
pub struct FakeClock {
    now: AtomicI64,
    slept: Mutex<Vec<Duration>>,
}

impl FakeClock {
    /// A clock reading `now_ms`.
    pub fn new(now_ms: i64) -> FakeClock {
        FakeClock {
            now: AtomicI64::new(now_ms),
            slept: Mutex::default(),
        }
    }

    /// Moves the time forward.
    pub fn advance(&self, duration: Duration) {
        self.now
            .fetch_add(duration.as_millis() as i64, Ordering::SeqCst);
    }

    /// Every sleep so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.slept.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// The sum of every sleep so far.
    pub fn total_slept(&self) -> Duration {
        self.sleeps().iter().sum()
    }
}

impl Clock for FakeClock {
    fn now_ms(&self) -> i64 {
        self.now.load(Ordering::SeqCst)
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        self.advance(duration);
        if let Ok(mut slept) = self.slept.lock() {
            slept.push(duration);
        }
        // Yield once so a sleeping task still lets others (and cancellation) run.
        Box::pin(tokio::task::yield_now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_fake_clock_moves_only_when_asked() {
        let clock = FakeClock::new(1_000);
        clock.sleep(Duration::from_secs(60)).await;
        assert_eq!(
            clock.now_ms(),
            61_000,
            "a sleep moves the fake time by its length"
        );
        assert_eq!(clock.sleeps(), vec![Duration::from_secs(60)]);
    }
}
