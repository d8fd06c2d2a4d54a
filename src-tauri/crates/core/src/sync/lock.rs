//! One sync of a source at a time, across processes.
//!
//! Within the app the pollers never overlap two runs of a source, but the app and `baton sync`
//! (or two `baton sync`s) are separate processes sharing one workspace file. Each run therefore
//! holds its source's row in `sync_locks` (owner pid, host name, run id, when taken, last sign of
//! life):
//!
//! - [`start_run`] takes the lock in the transaction that records the run as running;
//! - while the run goes, a heartbeat refreshes the row every [`HEARTBEAT_EVERY`] (on the wall
//!   clock: locks are about real processes, not the injected clock of the API);
//! - [`RunLock::finish`] records the run's end and gives the lock up in one transaction, whether
//!   the run succeeded, failed or was canceled.
//!
//! A second sync of the same source is **refused** with `sync_in_progress`, naming the holder
//! (pid, host, run, since when). It does not wait: a sync can last long, the scheduler tries again
//! at its next tick and a person can try again; refusing never doubles the API calls.
//!
//! A lock is stale, and the next run takes it over, when its owner is
//! - this process, and the run that took it is no longer going (its task was aborted);
//! - another process on this host that is no longer alive (`kill(pid, 0)` on Unix);
//! - silent for more than [`STALE_AFTER`] (a process on another host, a hung process, a pid that
//!   was reused).
//!
//! Only on a take-over (or when no lock was held at all) are the source's runs still marked
//! "running" closed as interrupted: they belong to an owner that is gone, never to a live one. A
//! run whose heartbeat finds that its lock was taken over (it was silent too long, for example
//! while the computer slept) stops with `sync_in_progress` rather than walk alongside the other.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::graph::repo::sync_locks::SyncLock;
use crate::graph::repo::{self, sync_runs::SyncRun};
use crate::graph::{ChangeKind, Workspace, WriteOp, Writer};
use crate::ingest::error::SyncError;
use crate::time::to_rfc3339;

/// How often a running sync refreshes its lock.
pub const HEARTBEAT_EVERY: Duration = Duration::from_secs(20);

/// A lock whose owner has given no sign of life for this long is stale.
pub const STALE_AFTER: Duration = Duration::from_secs(120);

/// The runs of this process that hold (or are taking) a lock.
fn active() -> &'static Mutex<HashSet<String>> {
    static ACTIVE: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    ACTIVE.get_or_init(Mutex::default)
}

fn is_active(run_id: &str) -> bool {
    active()
        .lock()
        .map(|runs| runs.contains(run_id))
        .unwrap_or(false)
}

/// A run of this process marked as going, until dropped (also when its task is aborted).
struct Registration(String);

impl Registration {
    fn new(run_id: &str) -> Registration {
        if let Ok(mut runs) = active().lock() {
            runs.insert(run_id.to_owned());
        }
        Registration(run_id.to_owned())
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        if let Ok(mut runs) = active().lock() {
            runs.remove(&self.0);
        }
    }
}

/// A process as a lock names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    pub pid: i64,
    pub hostname: String,
}

impl Process {
    /// This process.
    pub fn current() -> Process {
        static HOSTNAME: OnceLock<String> = OnceLock::new();
        Process {
            pid: i64::from(std::process::id()),
            hostname: HOSTNAME.get_or_init(read_hostname).clone(),
        }
    }
}

#[cfg(unix)]
fn read_hostname() -> String {
    rustix::system::uname()
        .nodename()
        .to_string_lossy()
        .into_owned()
}

#[cfg(not(unix))]
fn read_hostname() -> String {
    std::env::var("COMPUTERNAME").unwrap_or_default()
}

/// Whether process `pid` is alive on this host; `None` when this system cannot tell (the
/// heartbeat then decides). A pid that cannot be one (zero, negative, too large) is not alive.
#[cfg(unix)]
pub fn pid_alive(pid: i64) -> Option<bool> {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .filter(|p| *p > 0)
        .and_then(rustix::process::Pid::from_raw)
    else {
        return Some(false);
    };
    match rustix::process::test_kill_process(pid) {
        Ok(()) => Some(true),
        Err(rustix::io::Errno::SRCH) => Some(false),
        // It exists, but belongs to someone else.
        Err(rustix::io::Errno::PERM) => Some(true),
        Err(_) => None,
    }
}

/// Whether process `pid` is alive on this host; `None` when this system cannot tell (the
/// heartbeat then decides).
#[cfg(not(unix))]
pub fn pid_alive(pid: i64) -> Option<bool> {
    (pid <= 0).then_some(false)
}

/// Whether `lock` belongs to a sync that is still going, as seen by `me` at `now` (wall ms).
fn is_live(lock: &SyncLock, me: &Process, now: i64) -> bool {
    let same_host = lock.hostname == me.hostname;
    if same_host && lock.owner_pid == me.pid {
        return is_active(&lock.run_id);
    }
    let stale_ms = i64::try_from(STALE_AFTER.as_millis()).unwrap_or(i64::MAX);
    let heard_from = now.saturating_sub(lock.heartbeat_at) < stale_ms;
    heard_from && !(same_host && pid_alive(lock.owner_pid) == Some(false))
}

/// The refusal: who syncs the source, since when, and what to do.
fn describe(lock: &SyncLock, me: &Process, now: i64, source_name: &str) -> String {
    let who = if lock.hostname == me.hostname && lock.owner_pid == me.pid {
        format!("this process (pid {})", lock.owner_pid)
    } else if lock.hostname == me.hostname {
        format!("another process (pid {})", lock.owner_pid)
    } else {
        format!("a process on {} (pid {})", lock.hostname, lock.owner_pid)
    };
    let quiet_s = now.saturating_sub(lock.heartbeat_at).max(0) / 1_000;
    format!(
        "{source_name} is already being synced by {who} since {} (run {}, last sign of life {quiet_s} s ago), so this sync did not start; try again when that one has ended (a lock left by a process that stopped is taken over once the process is gone, or after {} min without a sign of life)",
        to_rfc3339(lock.acquired_at),
        lock.run_id,
        STALE_AFTER.as_secs() / 60,
    )
}

/// A run that holds its source's lock; give it back with [`RunLock::finish`]. Dropped without
/// it (an aborted task), the lock stays in the file but is stale at once for this process and
/// after the heartbeat's silence for others.
pub struct RunLock {
    interrupted: u64,
    lost: Arc<AtomicBool>,
    cancel: CancellationToken,
    heartbeat: JoinHandle<()>,
    _registration: Registration,
}

impl Drop for RunLock {
    fn drop(&mut self) {
        self.heartbeat.abort();
    }
}

/// Takes `row.source_id`'s lock for the run `row` and records the run as running, in one
/// transaction; `cancel` is the run's token. Refused with [`SyncError::InProgress`] while
/// another sync of the source is going. Runs a stale owner left "running" are closed as
/// interrupted ([`RunLock::interrupted`] says how many).
pub async fn start_run(
    ws: &Workspace,
    source_name: &str,
    row: &SyncRun,
    cancel: &CancellationToken,
) -> Result<RunLock, SyncError> {
    // Registered before the transaction, so that a second run of this process, whose
    // transaction can only follow this one's, sees this one as going.
    let registration = Registration::new(&row.id);
    let (interrupted, _) = ws
        .write(StartRun {
            row,
            source_name,
            me: Process::current(),
            now: crate::time::now_ms(),
        })
        .await?;
    let cancel = cancel.child_token();
    let lost: Arc<AtomicBool> = Arc::default();
    let heartbeat = tokio::spawn(beat(
        ws.clone(),
        row.source_id.clone(),
        row.id.clone(),
        lost.clone(),
        cancel.clone(),
    ));
    Ok(RunLock {
        interrupted,
        lost,
        cancel,
        heartbeat,
        _registration: registration,
    })
}

impl RunLock {
    /// How many runs a stale owner had left "running" (now closed as interrupted).
    pub fn interrupted(&self) -> u64 {
        self.interrupted
    }

    /// The token the run should obey: canceled with the caller's, or when the lock is lost.
    pub fn cancel_token(&self) -> CancellationToken {
        self.cancel.clone()
    }

    /// The run's outcome, where a stop caused by losing the lock reads as `sync_in_progress`.
    pub fn outcome(&self, outcome: Result<(), SyncError>) -> Result<(), SyncError> {
        match outcome {
            Err(SyncError::Canceled) if self.lost.load(Ordering::SeqCst) => {
                Err(SyncError::InProgress(format!(
                    "another process took this source's sync over, because this run had given no sign of life for {} min (the computer may have slept); this run stopped where it was",
                    STALE_AFTER.as_secs() / 60
                )))
            }
            other => other,
        }
    }

    /// Records the run's end (`row`) and gives the lock up, in one transaction.
    pub async fn finish(self, ws: &Workspace, row: &SyncRun) -> Result<(), SyncError> {
        self.heartbeat.abort();
        ws.write(EndRun { row }).await?;
        Ok(())
    }
}

/// Refreshes the lock every [`HEARTBEAT_EVERY`] until aborted or lost.
async fn beat(
    ws: Workspace,
    source_id: String,
    run_id: String,
    lost: Arc<AtomicBool>,
    cancel: CancellationToken,
) {
    let start = tokio::time::Instant::now() + HEARTBEAT_EVERY;
    let mut ticks = tokio::time::interval_at(start, HEARTBEAT_EVERY);
    loop {
        ticks.tick().await;
        if !beat_once(&ws, &source_id, &run_id, &lost, &cancel).await {
            return;
        }
    }
}

/// One sign of life. When the lock was taken over, marks it lost, cancels the run and returns
/// false; a failed write is only logged (the next beat tries again).
async fn beat_once(
    ws: &Workspace,
    source_id: &str,
    run_id: &str,
    lost: &AtomicBool,
    cancel: &CancellationToken,
) -> bool {
    let beat = Heartbeat {
        source_id,
        run_id,
        now: crate::time::now_ms(),
    };
    match ws.write(beat).await {
        Ok((true, _)) => true,
        Ok((false, _)) => {
            tracing::warn!(source = %source_id, run = %run_id, "another process took this sync's lock over; stopping");
            lost.store(true, Ordering::SeqCst);
            cancel.cancel();
            false
        }
        Err(err) => {
            tracing::warn!(source = %source_id, run = %run_id, %err, "could not refresh the sync lock; trying again");
            true
        }
    }
}

/// Takes the lock (or a stale one over), closes a stale owner's runs, records the new run.
struct StartRun<'a> {
    row: &'a SyncRun,
    source_name: &'a str,
    me: Process,
    now: i64,
}

impl WriteOp for StartRun<'_> {
    type Output = u64;
    type Error = SyncError;

    async fn apply(self, w: &mut Writer<'_>) -> Result<u64, SyncError> {
        let row = self.row;
        let lock = SyncLock {
            source_id: row.source_id.clone(),
            owner_pid: self.me.pid,
            hostname: self.me.hostname.clone(),
            run_id: row.id.clone(),
            acquired_at: self.now,
            heartbeat_at: self.now,
        };
        // A write first: the transaction holds SQLite's write lock from here on.
        if !repo::sync_locks::insert_if_free(w.conn(), &lock).await? {
            if let Some(held) = repo::sync_locks::get(w.conn(), &row.source_id).await? {
                if is_live(&held, &self.me, self.now) {
                    return Err(SyncError::InProgress(describe(
                        &held,
                        &self.me,
                        self.now,
                        self.source_name,
                    )));
                }
                tracing::warn!(
                    source = %row.source_id,
                    stale_run = %held.run_id,
                    pid = held.owner_pid,
                    host = %held.hostname,
                    "taking over a stale sync lock"
                );
            }
            repo::sync_locks::replace(w.conn(), &lock).await?;
        }
        let interrupted =
            repo::sync_runs::close_interrupted(w.conn(), &row.source_id, row.started_at).await?;
        repo::sync_runs::upsert(w.conn(), row).await?;
        w.changed(ChangeKind::SyncRuns);
        Ok(interrupted)
    }
}

/// Records a run's end and deletes its lock.
struct EndRun<'a> {
    row: &'a SyncRun,
}

impl WriteOp for EndRun<'_> {
    type Output = ();
    type Error = SyncError;

    async fn apply(self, w: &mut Writer<'_>) -> Result<(), SyncError> {
        repo::sync_runs::upsert(w.conn(), self.row).await?;
        repo::sync_locks::release(w.conn(), &self.row.source_id, &self.row.id).await?;
        w.changed(ChangeKind::SyncRuns);
        Ok(())
    }
}

/// A run's sign of life; false when it no longer holds the lock.
struct Heartbeat<'a> {
    source_id: &'a str,
    run_id: &'a str,
    now: i64,
}

impl WriteOp for Heartbeat<'_> {
    type Output = bool;
    type Error = SyncError;

    async fn apply(self, w: &mut Writer<'_>) -> Result<bool, SyncError> {
        Ok(repo::sync_locks::heartbeat(w.conn(), self.source_id, self.run_id, self.now).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lock(pid: i64, hostname: &str, run_id: &str, heartbeat_at: i64) -> SyncLock {
        SyncLock {
            source_id: "s".into(),
            owner_pid: pid,
            hostname: hostname.into(),
            run_id: run_id.into(),
            acquired_at: heartbeat_at,
            heartbeat_at,
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_lock_is_live_while_its_owner_is() {
        let me = Process::current();
        let now = 10_000_000;
        let stale = now - 121_000;
        let _going = Registration::new("run-going");
        assert!(
            is_live(&lock(me.pid, &me.hostname, "run-going", stale), &me, now),
            "a run of this process that is still going holds its lock, whatever its heartbeat"
        );
        assert!(
            !is_live(&lock(me.pid, &me.hostname, "run-aborted", now), &me, now),
            "a run of this process that is no longer going does not"
        );
        let parent = i64::from(std::os::unix::process::parent_id());
        assert!(is_live(&lock(parent, &me.hostname, "r", now), &me, now));
        assert!(
            !is_live(&lock(parent, &me.hostname, "r", stale), &me, now),
            "silent for more than two minutes"
        );
        for bogus in [0, -1, i64::MAX, i64::MIN] {
            assert_eq!(pid_alive(bogus), Some(false), "{bogus} is no process");
            assert!(!is_live(&lock(bogus, &me.hostname, "r", now), &me, now));
        }
        let elsewhere = format!("{}-elsewhere", me.hostname);
        assert!(
            is_live(&lock(i64::MAX, &elsewhere, "r", now), &me, now),
            "another host's pid cannot be checked: the heartbeat decides"
        );
        assert!(!is_live(&lock(1, &elsewhere, "r", stale), &me, now));
        assert!(
            !is_live(&lock(parent, &me.hostname, "r", i64::MIN), &me, i64::MAX),
            "absurd times do not overflow"
        );
    }

    async fn workspace_with_a_source(dir: &std::path::Path) -> Workspace {
        let ws = Workspace::create(&dir.join("lock.baton"))
            .await
            .unwrap_or_else(|e| panic!("a workspace: {e}"));
        let source = crate::graph::model::Source {
            id: "s".into(),
            kind: crate::graph::model::SourceKind::Github,
            name: "GitHub acme".into(),
            base_url: "https://api.github.com".into(),
            scope: "{}".into(),
            secret_ref: None,
            poll_interval_s: 600,
            enabled: true,
            synthetic: false,
            created_at: 0,
        };
        repo::sources::upsert(ws.pool(), &source)
            .await
            .unwrap_or_else(|e| panic!("a source: {e}"));
        ws
    }

    fn running(id: &str) -> SyncRun {
        SyncRun {
            id: id.into(),
            source_id: "s".into(),
            started_at: 1_000,
            ended_at: None,
            status: "running".into(),
            pages: 0,
            items: 0,
            rate_limit_waits: 0,
            rate_limit_wait_ms: 0,
            requests: 0,
            retries: 0,
            error_code: None,
            error: None,
        }
    }

    #[tokio::test]
    async fn a_run_whose_lock_was_taken_over_stops_as_sync_in_progress() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("a temporary directory: {e}"));
        let ws = workspace_with_a_source(dir.path()).await;
        let caller = CancellationToken::new();
        let lock = start_run(&ws, "GitHub acme", &running("run-a"), &caller)
            .await
            .unwrap_or_else(|e| panic!("the lock is free: {e}"));
        assert!(
            beat_once(&ws, "s", "run-a", &lock.lost, &lock.cancel).await,
            "the holder's heartbeat goes through"
        );
        assert!(matches!(
            start_run(&ws, "GitHub acme", &running("run-b"), &caller).await,
            Err(SyncError::InProgress(_))
        ));
        // Another process decided run-a was silent too long and took over.
        let other = SyncLock {
            source_id: "s".into(),
            owner_pid: 1,
            hostname: "elsewhere".into(),
            run_id: "run-c".into(),
            acquired_at: 0,
            heartbeat_at: 0,
        };
        repo::sync_locks::replace(ws.pool(), &other)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!beat_once(&ws, "s", "run-a", &lock.lost, &lock.cancel).await);
        assert!(
            lock.cancel_token().is_cancelled() && !caller.is_cancelled(),
            "the run stops; the caller's token is untouched"
        );
        let outcome = lock.outcome(Err(SyncError::Canceled));
        assert!(
            matches!(&outcome, Err(err) if err.code() == "sync_in_progress"),
            "{outcome:?}"
        );
        let mut ended = running("run-a");
        ended.status = "failed".into();
        ended.ended_at = Some(2_000);
        lock.finish(&ws, &ended)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            repo::sync_locks::get(ws.pool(), "s")
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .map(|l| l.run_id),
            Some("run-c".to_owned()),
            "ending run-a leaves the new owner's lock alone"
        );
        ws.close().await;
    }

    #[test]
    fn the_refusal_names_the_holder() {
        let me = Process::current();
        let held = lock(me.pid + 1, &me.hostname, "run-1", 1_772_409_600_000);
        let text = describe(&held, &me, 1_772_409_612_000, "GitHub acme");
        assert!(text.starts_with("GitHub acme is already being synced by another process (pid "));
        assert!(text.contains("since 2026-03-02T00:00:00Z (run run-1, last sign of life 12 s ago)"));
    }
}
