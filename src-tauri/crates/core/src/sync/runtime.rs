//! Pollers: one owned, cancellable tokio task per source, waking on its schedule (the source's
//! `poll_interval_s`, 10 minutes by default) or on "sync now", and running [`run_source`].
//!
//! Each task is a `select!` over the schedule (on the injected clock), its command channel and a
//! stop token. A run in progress has its own child token: [`Pollers::cancel`] cancels the run,
//! [`Pollers::shutdown`] stops everything. Sources that are disabled get no schedule, but "sync
//! now" still runs them once. A run never overlaps another run of the same source: here because
//! a poller runs one at a time, across processes through the source's [`crate::sync::lock`] (a
//! run refused because another process syncs the source is skipped until the next tick).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::connectors::kinds::{syncable, unsupported};
use crate::graph::repo;
use crate::ingest::error::SyncError;
use crate::sync::{run_source, SyncContext};

/// How long after start-up (or after a source is added) its first scheduled sync runs.
pub const FIRST_SYNC_DELAY: Duration = Duration::from_secs(3);

#[derive(Debug)]
enum Command {
    SyncNow,
}

struct Poller {
    commands: mpsc::UnboundedSender<Command>,
    current: Arc<Mutex<Option<CancellationToken>>>,
    stop: CancellationToken,
    task: JoinHandle<()>,
}

/// The pollers of one workspace.
#[derive(Clone)]
pub struct Pollers {
    ctx: SyncContext,
    tasks: Arc<Mutex<HashMap<String, Poller>>>,
    stop: CancellationToken,
}

impl std::fmt::Debug for Pollers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pollers")
            .field("running", &self.running())
            .finish_non_exhaustive()
    }
}

impl Pollers {
    /// Pollers for the sources of `ctx.ws` (none run until [`Pollers::reload`]).
    pub fn new(ctx: SyncContext) -> Pollers {
        Pollers {
            ctx,
            tasks: Arc::default(),
            stop: CancellationToken::new(),
        }
    }

    /// Starts a poller for every enabled, syncable source that has none, and stops the pollers
    /// of sources that are gone or disabled (and not running).
    pub async fn reload(&self) -> Result<(), SyncError> {
        let sources = repo::sources::list(self.ctx.ws.pool()).await?;
        let wanted: Vec<String> = sources
            .iter()
            .filter(|s| s.enabled && !s.synthetic && syncable(s.kind))
            .map(|s| s.id.clone())
            .collect();
        let mut tasks = self
            .tasks
            .lock()
            .map_err(|_| SyncError::Config("poller lock poisoned".into()))?;
        tasks.retain(|id, poller| {
            let keep =
                wanted.contains(id) || poller.current.lock().map(|c| c.is_some()).unwrap_or(false);
            if !keep {
                poller.stop.cancel();
            }
            keep && !poller.task.is_finished()
        });
        for id in wanted {
            if let std::collections::hash_map::Entry::Vacant(slot) = tasks.entry(id) {
                let poller = self.spawn(slot.key(), true);
                slot.insert(poller);
            }
        }
        Ok(())
    }

    fn spawn(&self, source_id: &str, scheduled: bool) -> Poller {
        let (commands, mut inbox) = mpsc::unbounded_channel();
        let current: Arc<Mutex<Option<CancellationToken>>> = Arc::default();
        let stop = self.stop.child_token();
        let (ctx, id, task_current, task_stop) = (
            self.ctx.clone(),
            source_id.to_owned(),
            current.clone(),
            stop.clone(),
        );
        let task = tokio::spawn(async move {
            let mut wait = FIRST_SYNC_DELAY;
            loop {
                let interval = match repo::sources::get(ctx.ws.pool(), &id).await {
                    Ok(Some(source)) => (scheduled && source.enabled)
                        .then(|| Duration::from_secs(source.poll_interval_s.max(60) as u64)),
                    Ok(None) => return,
                    Err(err) => {
                        tracing::warn!(source = %id, %err, "cannot read the source; poller stops");
                        return;
                    }
                };
                let sleep = ctx.clock.sleep(wait);
                tokio::select! {
                    _ = task_stop.cancelled() => return,
                    command = inbox.recv() => match command {
                        Some(Command::SyncNow) => {}
                        None => return,
                    },
                    _ = sleep, if interval.is_some() => {}
                }
                let token = task_stop.child_token();
                if let Ok(mut slot) = task_current.lock() {
                    *slot = Some(token.clone());
                }
                match run_source(&ctx, &id, token).await {
                    Ok(_) => {}
                    // Another process syncs this source now; the next tick tries again.
                    Err(SyncError::InProgress(_)) => {}
                    Err(err) => {
                        tracing::error!(source = %id, code = err.code(), %err, "a sync could not be recorded");
                    }
                }
                if let Ok(mut slot) = task_current.lock() {
                    *slot = None;
                }
                // Commands that arrived during the run are satisfied by it.
                while inbox.try_recv().is_ok() {}
                wait = interval.unwrap_or(Duration::from_secs(600));
            }
        });
        Poller {
            commands,
            current,
            stop,
            task,
        }
    }

    /// Syncs a source now (once, even when it is disabled); a run already going satisfies it.
    pub async fn sync_now(&self, source_id: &str) -> Result<(), SyncError> {
        let source = repo::sources::get(self.ctx.ws.pool(), source_id)
            .await?
            .ok_or_else(|| SyncError::Config(format!("there is no source {source_id}")))?;
        if source.synthetic {
            return Err(SyncError::Config(format!(
                "{} is generated demo data and is never synced",
                source.name
            )));
        }
        if !syncable(source.kind) {
            return Err(unsupported(source.kind));
        }
        let mut tasks = self
            .tasks
            .lock()
            .map_err(|_| SyncError::Config("poller lock poisoned".into()))?;
        if tasks.get(source_id).is_none_or(|p| p.task.is_finished()) {
            let poller = self.spawn(source_id, source.enabled);
            tasks.insert(source_id.to_owned(), poller);
        }
        if let Some(poller) = tasks.get(source_id) {
            let _ = poller.commands.send(Command::SyncNow);
        }
        Ok(())
    }

    /// Cancels the run in progress of a source; false when none runs.
    pub fn cancel(&self, source_id: &str) -> bool {
        let Ok(tasks) = self.tasks.lock() else {
            return false;
        };
        let Some(poller) = tasks.get(source_id) else {
            return false;
        };
        let Ok(current) = poller.current.lock() else {
            return false;
        };
        match current.as_ref() {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    /// Ids of the sources with a sync in progress.
    pub fn running(&self) -> Vec<String> {
        let Ok(tasks) = self.tasks.lock() else {
            return Vec::new();
        };
        tasks
            .iter()
            .filter(|(_, p)| p.current.lock().map(|c| c.is_some()).unwrap_or(false))
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// Stops every poller (a run in progress is canceled and recorded as such) and waits for
    /// them to end.
    pub async fn shutdown(&self) {
        self.stop.cancel();
        let handles: Vec<JoinHandle<()>> = match self.tasks.lock() {
            Ok(mut tasks) => tasks.drain().map(|(_, p)| p.task).collect(),
            Err(_) => Vec::new(),
        };
        for handle in handles {
            let _ = handle.await;
        }
    }
}
