//! Background writes beside the workspace (the index snapshot, the kept duplicate candidates
//! and conflicts) give way to the questions being answered. They are due once the workspace is
//! quiet (15 s without writes), but a user is often asking at that moment: the first pages after
//! a sync, or right after opening a workspace whose index had to be built. Measured in the
//! process that answers (`baton bench`), the three writes took the CPU an Intents answer had on a
//! two-core machine. So a background write starts only once no question has been asked for
//! [`IDLE`], and its writer stops between blocks of at most [`BLOCK`] bytes while one is being
//! asked, going on once the foreground has been idle again for as long; a write that is stopped
//! (a newer state supersedes it, the workspace closes) gives up at its next block, without
//! waiting for the foreground.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

/// How long no question must have been asked before a background write goes on.
pub const IDLE: Duration = Duration::from_millis(750);

/// The most a paced writer writes between two looks at the foreground.
pub const BLOCK: usize = 1 << 20;

/// When the workspace's questions were last asked, shared with its background writes.
#[derive(Debug)]
pub struct Foreground {
    epoch: Instant,
    /// Milliseconds from `epoch` to the last question (0: none yet).
    asked: AtomicU64,
    /// Wakes the writers waiting for quiet (to see they were stopped or hurried).
    wake: (Mutex<()>, Condvar),
}

impl Default for Foreground {
    fn default() -> Self {
        Foreground {
            epoch: Instant::now(),
            asked: AtomicU64::new(0),
            wake: (Mutex::new(()), Condvar::new()),
        }
    }
}

impl Foreground {
    /// Notes that a question is being asked now.
    pub fn asked(&self) {
        let now = self.epoch.elapsed().as_millis() as u64;
        self.asked.store(now.max(1), Ordering::Release);
    }

    /// How long ago the last question was asked (a long time when none was).
    pub fn quiet_for(&self) -> Duration {
        let asked = self.asked.load(Ordering::Acquire);
        if asked == 0 {
            return Duration::MAX;
        }
        self.epoch
            .elapsed()
            .saturating_sub(Duration::from_millis(asked))
    }

    /// Wakes the writers waiting for quiet, so that one stopped or hurried sees it now.
    pub fn wake(&self) {
        let _held = self.wake.0.lock();
        self.wake.1.notify_all();
    }
}

/// Why a paced write gave up.
#[derive(Debug)]
pub struct Stopped;

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("stopped before it was complete (a newer state or the close supersedes it)")
    }
}

impl std::error::Error for Stopped {}

/// Whether `err` is a paced write that gave up ([`Stopped`]).
pub fn is_stopped(err: &std::io::Error) -> bool {
    err.get_ref().is_some_and(|e| e.is::<Stopped>())
}

/// How a background write gives way: to the foreground's questions, until it is stopped or
/// hurried. [`Pace::unpaced`] never waits (a write asked for now: on close, by `keep_beside`).
#[derive(Debug, Clone, Default)]
pub struct Pace {
    foreground: Option<Arc<Foreground>>,
    stop: Option<CancellationToken>,
    hurry: Option<CancellationToken>,
}

impl Pace {
    /// Never waits, never stops.
    pub fn unpaced() -> Pace {
        Pace::default()
    }

    /// Waits for `foreground` to be idle; gives up once `stop` is cancelled, stops waiting once
    /// `hurry` is.
    pub fn giving_way(
        foreground: Arc<Foreground>,
        stop: CancellationToken,
        hurry: Option<CancellationToken>,
    ) -> Pace {
        Pace {
            foreground: Some(foreground),
            stop: Some(stop),
            hurry,
        }
    }

    /// Returns once the foreground has been idle for [`IDLE`] (at once when unpaced or
    /// hurried); an error ([`Stopped`]) once the write is stopped.
    pub fn wait(&self) -> std::io::Result<()> {
        let Some(fg) = &self.foreground else {
            return Ok(());
        };
        let mut waited = false;
        loop {
            if self.stop.as_ref().is_some_and(|s| s.is_cancelled()) {
                return Err(std::io::Error::other(Stopped));
            }
            if self.hurry.as_ref().is_some_and(|h| h.is_cancelled()) {
                return Ok(());
            }
            let quiet = fg.quiet_for();
            if quiet >= IDLE {
                if waited {
                    tracing::debug!("a background write goes on: the foreground is idle");
                }
                return Ok(());
            }
            if !waited {
                tracing::debug!("a background write waits for the foreground to be idle");
                waited = true;
            }
            let held = fg.wake.0.lock().unwrap_or_else(|p| p.into_inner());
            let _ = fg.wake.1.wait_timeout(held, IDLE - quiet);
        }
    }
}

/// A writer that looks at its [`Pace`] before each block it writes (at most [`BLOCK`] bytes).
pub struct Paced<'p, W: Write> {
    inner: W,
    pace: &'p Pace,
}

impl<'p, W: Write> Paced<'p, W> {
    pub fn new(inner: W, pace: &'p Pace) -> Self {
        Paced { inner, pace }
    }
}

impl<W: Write> Write for Paced<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pace.wait()?;
        self.inner.write(&buf[..buf.len().min(BLOCK)])
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paced_write_waits_for_an_idle_foreground_and_gives_up_once_stopped() {
        let fg = Arc::new(Foreground::default());
        // No question yet: at once.
        let stop = CancellationToken::new();
        let pace = Pace::giving_way(fg.clone(), stop.clone(), None);
        let started = Instant::now();
        pace.wait().unwrap();
        assert!(started.elapsed() < IDLE / 2);
        // A question just asked: it waits for the foreground to be idle.
        fg.asked();
        let started = Instant::now();
        pace.wait().unwrap();
        assert!(started.elapsed() >= IDLE - Duration::from_millis(20));
        // Stopped while it waits: it gives up at once, the foreground still busy.
        fg.asked();
        let (fg2, stop2) = (fg.clone(), stop.clone());
        let stopper = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            stop2.cancel();
            fg2.wake();
        });
        let started = Instant::now();
        let err = Paced::new(Vec::new(), &pace).write(b"x").unwrap_err();
        assert!(is_stopped(&err));
        assert!(started.elapsed() < IDLE / 2, "{:?}", started.elapsed());
        stopper.join().unwrap();
        // Hurried: it writes at once.
        let hurry = CancellationToken::new();
        hurry.cancel();
        fg.asked();
        let hurried = Pace::giving_way(fg, CancellationToken::new(), Some(hurry));
        let started = Instant::now();
        let mut out = Paced::new(Vec::new(), &hurried);
        out.write_all(&vec![7u8; BLOCK + 10]).unwrap();
        assert_eq!(out.inner.len(), BLOCK + 10);
        assert!(started.elapsed() < IDLE / 2);
        // Unpaced: never waits.
        Paced::new(Vec::new(), &Pace::unpaced())
            .write_all(b"y")
            .unwrap();
    }
}
