//! Opening, creating and checking a workspace: one `.baton` SQLite file.
//!
//! A file is checked before anything can write to it: it must be a regular file, its header
//! must say SQLite, its `application_id` must say Baton, its `user_version` and migrations must
//! be a schema this build knows, and its schema must be readable. Every check reads through a
//! connection that cannot write a byte, to the file or beside it (see [`ReadPath`]), so a file
//! that fails a check is left exactly as it was, log and shared-memory index included.
//!
//! A file this process cannot write (or whose folder it cannot write) opens read-only; so does
//! [`Workspace::open_read_only`], which the CLI's reading commands use.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::ConnectOptions;

use crate::error::{CoreError, CoreResult};
use crate::graph::index::{self, WorkIndex};
use crate::graph::snapshot::{self, Stamp, Unused};
use crate::graph::write::{Changes, IndexEffect};

/// `PRAGMA application_id` of every Baton workspace: "BATN" in ASCII.
pub const APPLICATION_ID: u32 = 0x4241_544E;
/// The newest schema this build reads and writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = 1;
/// File extension of workspaces.
pub const EXTENSION: &str = "baton";
/// How many published changes a slow subscriber may fall behind before it is told it lagged.
const CHANGE_BACKLOG: usize = 256;
/// After the index follows a write, its snapshot is saved once no write came for this long
/// (a sync writes pages in bursts; saving after each would rewrite the file for nothing).
const SAVE_WHEN_QUIET: Duration = Duration::from_secs(15);
/// Beyond this many written items (or own writes) not yet seen by the index, the next question
/// rebuilds it rather than following them one by one (and the list stops growing).
const MAX_PENDING: usize = 100_000;

pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The ordered row ids of the last item list asked for, keyed by the list's description and the
/// generation it was computed at (the item list's cache; readers above the graph fill it).
#[derive(Debug, Default)]
pub(crate) struct OrderCache {
    pub(crate) key: Option<(String, u64)>,
    pub(crate) rowids: Vec<i64>,
}

/// Caches of read models above the graph (the Triage worklist's base), type-erased so the graph
/// knows nothing of them: each is stored and found under its owner's name, and keys itself.
#[derive(Default)]
pub(crate) struct DerivedCache(
    std::collections::HashMap<&'static str, Arc<dyn std::any::Any + Send + Sync>>,
);

impl std::fmt::Debug for DerivedCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
}

/// An open workspace: the file, a pool of connections to it, and caches of what was read.
#[derive(Debug, Clone)]
pub struct Workspace {
    path: PathBuf,
    pool: SqlitePool,
    /// The one connection [`Workspace::write`] writes through (none when read-only), opened on
    /// the first write. Writes never run on the reading connections, so no other connection of
    /// this process writes the file and this one's page cache stays valid from one write to the
    /// next (SQLite empties a connection's cache when another one has written since it last
    /// read), and its cache can be larger than the readers'.
    writer: Option<SqlitePool>,
    /// Opened read-only: every write is refused with [`CoreError::ReadOnly`].
    read_only: bool,
    /// A new workspace's scratch file, written without a log and synced once complete
    /// ([`Workspace::create_unlogged`]): a bulk write starts syncing it before its commit.
    unlogged: bool,
    /// The private copy a read-only pool reads, when the file's log had no index beside it
    /// ([`ReadPath::Copy`]); deleted when the last clone of the workspace goes.
    _copy: Option<Arc<tempfile::TempDir>>,
    /// Bumped by [`Workspace::mark_changed`]; caches keyed on an older value are stale.
    generation: Arc<AtomicU64>,
    /// Bumped by every committed write through [`Workspace::write`], whatever it changed.
    committed: Arc<AtomicU64>,
    item_order: Arc<tokio::sync::Mutex<OrderCache>>,
    derived: Arc<std::sync::Mutex<DerivedCache>>,
    index: Arc<tokio::sync::Mutex<Option<Arc<WorkIndex>>>>,
    /// What changed since the index was built.
    pending: Arc<std::sync::Mutex<Pending>>,
    /// Every committed write's [`Changes`], for whoever listens (the app's change event).
    published: tokio::sync::broadcast::Sender<Changes>,
    /// The index snapshot beside the file: what it holds, and the save in progress.
    snapshot: Arc<SnapshotState>,
    /// Counts the clones alive, so [`Workspace::close_when_unused`] can wait for the others.
    users: Users,
}

/// One of the clones of a workspace: cloning counts one more, dropping one less (and wakes
/// whoever waits for the others to go).
#[derive(Debug)]
struct Users(Arc<UsersInner>);

#[derive(Debug)]
struct UsersInner {
    alive: std::sync::atomic::AtomicUsize,
    gone: tokio::sync::Notify,
}

impl Users {
    fn first() -> Users {
        Users(Arc::new(UsersInner {
            alive: std::sync::atomic::AtomicUsize::new(1),
            gone: tokio::sync::Notify::new(),
        }))
    }

    fn alive(&self) -> usize {
        self.0.alive.load(Ordering::Acquire)
    }
}

impl Clone for Users {
    fn clone(&self) -> Users {
        self.0.alive.fetch_add(1, Ordering::AcqRel);
        Users(self.0.clone())
    }
}

impl Drop for Users {
    fn drop(&mut self) {
        self.0.alive.fetch_sub(1, Ordering::AcqRel);
        self.0.gone.notify_waiters();
    }
}

/// Changes the index has not seen yet.
#[derive(Debug, Default)]
struct Pending {
    /// Something the index cannot follow item by item changed: rebuild it.
    full: bool,
    /// Items written (their rows, changes or links).
    items: std::collections::BTreeSet<String>,
    /// The `meta.writes` numbers of this workspace's own writes (to tell them from writes by
    /// other programs, which the index cannot follow item by item).
    own_writes: std::collections::BTreeSet<i64>,
}

impl Pending {
    fn is_empty(&self) -> bool {
        !self.full && self.items.is_empty() && self.own_writes.is_empty()
    }
}

/// What this workspace knows of its index snapshot.
#[derive(Debug, Default)]
struct SnapshotState {
    /// The stamp of the snapshot on disk when this process last loaded or saved it.
    on_disk: std::sync::Mutex<Option<Stamp>>,
    /// The save scheduled or running, if any, and what stops it while it waits.
    saving: std::sync::Mutex<Option<Saving>>,
    /// When a question was last asked: what the background writes give way to
    /// ([`super::pace`]).
    foreground: Arc<super::pace::Foreground>,
}

/// A snapshot save: waiting for quiet, then writing.
#[derive(Debug)]
struct Saving {
    stop: tokio_util::sync::CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

/// Whether the writes between two stamps were all made by this workspace (so the index can
/// follow them item by item); anything else means another program changed the file.
fn own_writes_explain(before: &Stamp, now: &Stamp, own: &std::collections::BTreeSet<i64>) -> bool {
    if !before.is_known() || !now.is_known() || before.uid != now.uid {
        return false;
    }
    if now.writes == before.writes {
        return now == before;
    }
    now.writes > before.writes && (before.writes + 1..=now.writes).all(|w| own.contains(&w))
}

impl Workspace {
    /// Creates a new, empty workspace at `path`. Fails if anything exists there.
    pub async fn create(path: &Path) -> CoreResult<Workspace> {
        if path.exists() {
            return Err(CoreError::AlreadyExists {
                path: path.to_owned(),
            });
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let pool = connect(path, true).await?;
        MIGRATOR.run(&pool).await?;
        // Put the header (application id, schema version) into the main file right away, so
        // other processes recognise the file before the log is checkpointed.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&pool)
            .await?;
        tracing::info!(path = %path.display(), "workspace created");
        let writer = connect_writer(path)?;
        Ok(Workspace::new(path, pool, Some(writer), None))
    }

    /// A new workspace at `path`, first written in a scratch file of its own beside `path`
    /// without SQLite's rollback journal or log and without syncs (a large first load writes
    /// each page once, instead of into the log and then again into the file), and moved to
    /// `path` by [`NewWorkspace::finish`] once complete: in WAL mode like every workspace,
    /// synced, then renamed (never over anything). A load that fails or stops before that
    /// leaves nothing at `path`; the scratch file is removed when the [`NewWorkspace`] is
    /// dropped (a killed process can leave a hidden `.NAME.*.filling` beside `path`, never a
    /// half workspace at it). Only a file this creates is ever written this way. Fails if
    /// anything exists at `path`.
    pub async fn create_unlogged(path: &Path) -> CoreResult<NewWorkspace> {
        if path.exists() {
            return Err(CoreError::AlreadyExists {
                path: path.to_owned(),
            });
        }
        let folder = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(folder)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let prefix = format!(".{name}.");
        let mut scratch = tempfile::Builder::new();
        scratch.prefix(&prefix).suffix(".filling");
        // The mode SQLite gives a file it creates (0644 less the umask), not a temporary file's.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            scratch.permissions(std::fs::Permissions::from_mode(0o644));
        }
        let scratch = scratch.tempfile_in(folder)?.into_temp_path();
        let unlogged = |cache_kib| -> CoreResult<SqliteConnectOptions> {
            Ok(options(&scratch, false, cache_kib)?
                .journal_mode(SqliteJournalMode::Off)
                .synchronous(SqliteSynchronous::Off))
        };
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(unlogged(READ_CACHE_KIB)?)
            .await?;
        MIGRATOR.run(&pool).await?;
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_lazy_with(unlogged(WRITE_CACHE_KIB)?);
        let mut ws = Workspace::new(&scratch, pool, Some(writer), None);
        ws.unlogged = true;
        Ok(NewWorkspace {
            ws,
            path: path.to_owned(),
            scratch: Some(scratch),
        })
    }

    /// Opens an existing workspace after checking it, and applies pending (additive)
    /// migrations. A file this process cannot write, or whose folder it cannot write (SQLite
    /// keeps its log and index beside the file), opens read-only instead:
    /// [`Workspace::is_read_only`] says so and writes fail with `workspace_read_only`.
    pub async fn open(path: &Path) -> CoreResult<Workspace> {
        if !can_write(path) {
            tracing::info!(
                path = %path.display(),
                "the file or its folder cannot be written: opening it read-only"
            );
            return Workspace::open_read_only(path).await;
        }
        // The checking connection is closed (and SQLite done with the file) before the
        // writing pool opens: SQLite shares one index mapping per file in a process, and a
        // read-only one would make the writers read-only.
        check(path).await?;
        let pool = connect(path, false)
            .await
            .map_err(|err| err.in_file(path))?;
        MIGRATOR.run(&pool).await.map_err(|err| {
            let err: CoreError = err.into();
            err.in_file(path)
        })?;
        tracing::info!(path = %path.display(), "workspace opened");
        let writer = connect_writer(path).map_err(|err| err.in_file(path))?;
        Ok(Workspace::new(path, pool, Some(writer), None))
    }

    /// Opens an existing workspace for reading only, after the same checks as
    /// [`Workspace::open`]. Nothing is written to the file or beside it: no log, no
    /// shared-memory index, no migration (a file that needs one is refused with
    /// `workspace_needs_upgrade`). Writes fail with `workspace_read_only`.
    pub async fn open_read_only(path: &Path) -> CoreResult<Workspace> {
        const ATTEMPTS: u32 = 4;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let checked = check(path).await?;
            if checked.pending_migrations {
                return Err(CoreError::NeedsUpgrade {
                    path: path.to_owned(),
                });
            }
            match read_only_pool(path, &checked).await {
                Ok(pool) => {
                    tracing::info!(
                        path = %path.display(),
                        read = ?checked.how,
                        "workspace opened read-only"
                    );
                    return Ok(Workspace::new(path, pool, None, checked.copy.map(Arc::new)));
                }
                // The log or its index vanished between the check and the pool (the program
                // that had the file open closed it): check again with what is there now.
                Err(err) if attempt < ATTEMPTS && beside_changed(path, &checked.on_disk).await => {
                    tracing::debug!(%err, "the files beside the workspace changed; opening again");
                }
                Err(err) => return Err(err),
            }
        }
    }

    /// Opens a workspace to read it: read-only, unless the file was written by an older Baton
    /// and can be written, in which case it is opened as [`Workspace::open`] does (which brings
    /// it up to date). What the CLI's reading commands use.
    pub async fn open_for_reading(path: &Path) -> CoreResult<Workspace> {
        match Workspace::open_read_only(path).await {
            Err(CoreError::NeedsUpgrade { .. }) if can_write(path) => Workspace::open(path).await,
            other => other,
        }
    }

    /// A workspace reading through `pool` and writing through `writer` (read-only without one).
    fn new(
        path: &Path,
        pool: SqlitePool,
        writer: Option<SqlitePool>,
        copy: Option<Arc<tempfile::TempDir>>,
    ) -> Workspace {
        Workspace {
            path: path.to_owned(),
            pool,
            read_only: writer.is_none(),
            unlogged: false,
            writer,
            _copy: copy,
            generation: Arc::default(),
            committed: Arc::default(),
            item_order: Arc::default(),
            derived: Arc::default(),
            index: Arc::default(),
            pending: Arc::default(),
            published: tokio::sync::broadcast::channel(CHANGE_BACKLOG).0,
            snapshot: Arc::default(),
            users: Users::first(),
        }
    }

    /// Whether the workspace was opened read-only (see [`Workspace::open`]).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Fails with `workspace_read_only` when the workspace was opened read-only; writers call
    /// it before they start, so the user reads why rather than SQLite's message.
    pub fn ensure_writable(&self) -> CoreResult<()> {
        if self.read_only {
            return Err(CoreError::ReadOnly {
                path: self.path.clone(),
            });
        }
        Ok(())
    }

    /// Brings the caches up to date after a committed write (see [`Changes::index_effect`]) and
    /// tells the subscribers. `written` is the write's `meta.writes` number when it changed
    /// what the index holds. Only [`Workspace::write`] calls it.
    pub(crate) fn apply_changes(&self, changes: &Changes, written: Option<i64>) {
        self.committed.fetch_add(1, Ordering::AcqRel);
        let effect = changes.index_effect();
        if effect != IndexEffect::None {
            if let Ok(mut pending) = self.pending.lock() {
                if effect == IndexEffect::Rebuild {
                    pending.full = true;
                } else {
                    pending.items.extend(changes.item_ids.iter().cloned());
                }
                pending.own_writes.extend(written);
                if pending.items.len() > MAX_PENDING || pending.own_writes.len() > MAX_PENDING {
                    // Too many to follow one by one: the next question rebuilds.
                    pending.full = true;
                    pending.items.clear();
                    pending.own_writes.clear();
                }
            }
            self.generation.fetch_add(1, Ordering::Release);
        }
        if !changes.is_empty() {
            // No subscriber is not an error: the CLI and tests write without listening.
            let _ = self.published.send(changes.clone());
        }
    }

    /// A counter bumped by every write committed through [`Workspace::write`], whatever it
    /// changed (also rows the index does not hold: decisions, review requests…); an answer kept
    /// at an older value may be stale.
    pub fn committed(&self) -> u64 {
        self.committed.load(Ordering::Acquire)
    }

    /// The changes of every write committed from now on, in order. A receiver that falls more
    /// than a few hundred writes behind is told it lagged and should treat everything as changed.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Changes> {
        self.published.subscribe()
    }

    /// A counter bumped by every write that changes what the index holds; caches keyed on an
    /// older value are stale.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The in-memory index: loaded on first use (from its snapshot when that is current, else
    /// built from the file), then brought up to date after each change — item by item when
    /// only this workspace's writes changed items (and no other reader holds it), or loaded
    /// again. A write by another program (another Baton process, or an edit by hand that moves
    /// the file's [`Stamp`]) is seen here, at the next question, and reloads the index.
    pub async fn index(&self) -> CoreResult<Arc<WorkIndex>> {
        // Every question starts here: the background writes give way to it.
        self.snapshot.foreground.asked();
        let mut slot = self.index.lock().await;
        let started = std::time::Instant::now();
        // Taken before the file's state is read: every write taken here committed before
        // that read, so the state read includes it.
        let pending = self
            .pending
            .lock()
            .map(|mut p| std::mem::take(&mut *p))
            .unwrap_or_default();
        let mut generation = self.generation();
        let mut tx = self.pool.begin().await.map_err(|e| self.in_file(e))?;
        let stamp = Stamp::read(&mut tx)
            .await
            .map_err(|e| e.in_file(&self.path))?;
        if let Some(current) = slot.take() {
            if own_writes_explain(&current.stamp, &stamp, &pending.own_writes) {
                if pending.is_empty() && current.stamp == stamp && current.generation == generation
                {
                    *slot = Some(current.clone());
                    return Ok(current);
                }
                let small = pending.items.len() <= (current.items.len() / 5).max(1_000);
                if !pending.full && small {
                    // A save waiting for quiet holds the index: stop it (one that is writing
                    // finishes first). The refreshed index schedules its own.
                    self.settle_saving().await;
                    // A question still holding the index (an answer being computed, a caller
                    // keeping it) keeps the one it holds: this refresh follows a copy. Copying
                    // is a fraction of reading every row again (seconds at 200,000 items).
                    let mut ix = Arc::try_unwrap(current).unwrap_or_else(|held| {
                        tracing::debug!("work index held elsewhere: refreshing a copy of it");
                        WorkIndex::clone(&held)
                    });
                    let ids: Vec<String> = pending.items.iter().cloned().collect();
                    let applied = ids.is_empty()
                        || index::refresh(&mut tx, &mut ix, &ids, generation, stamp.clone())
                            .await
                            .map_err(|err| err.in_file(&self.path))?;
                    if applied {
                        ix.generation = generation;
                        ix.stamp = stamp;
                        tracing::debug!(
                            items = ids.len(),
                            ms = started.elapsed().as_millis() as u64,
                            "work index refreshed"
                        );
                        let ix = Arc::new(ix);
                        *slot = Some(ix.clone());
                        self.schedule_save(&ix, SAVE_WHEN_QUIET);
                        return Ok(ix);
                    }
                }
            } else {
                tracing::info!(
                    path = %self.path.display(),
                    writes = stamp.writes,
                    "the workspace was changed by another program: reading the index again"
                );
                // Caches keyed on the generation are stale too.
                generation = self.generation.fetch_add(1, Ordering::AcqRel) + 1;
            }
        }
        drop(tx);
        let (ix, from_snapshot) = self.load_index(&stamp, generation).await?;
        let ix = Arc::new(ix);
        tracing::info!(
            items = ix.items.len(),
            events = ix.events.len(),
            from_snapshot,
            ms = started.elapsed().as_millis() as u64,
            "work index loaded"
        );
        if !ix.repaired.is_empty() {
            tracing::warn!(
                path = %self.path.display(),
                rows = ix.repaired.len(),
                "rows whose text is not valid UTF-8 are shown with replacement characters"
            );
        }
        if !from_snapshot {
            self.schedule_save(&ix, Duration::ZERO);
        }
        *slot = Some(ix.clone());
        Ok(ix)
    }

    /// The whole index at state `stamp`: from the snapshot when it holds exactly that state,
    /// else built from the file (in one read transaction, whose own stamp it takes).
    async fn load_index(&self, stamp: &Stamp, generation: u64) -> CoreResult<(WorkIndex, bool)> {
        let path = self.path.clone();
        let expected = stamp.clone();
        let loaded =
            tokio::task::spawn_blocking(move || snapshot::load(&path, &expected, generation))
                .await
                .map_err(|err| {
                    CoreError::Invalid(format!("the index snapshot load stopped: {err}"))
                })?;
        match loaded {
            Ok(ix) => {
                if let Ok(mut on_disk) = self.snapshot.on_disk.lock() {
                    *on_disk = Some(ix.stamp.clone());
                }
                return Ok((ix, true));
            }
            Err(Unused::Missing) => {}
            Err(why) => tracing::info!(
                path = %snapshot::path_for(&self.path).display(),
                %why,
                "the work index snapshot is not used; building the index from the workspace"
            ),
        }
        let mut tx = self.pool.begin().await.map_err(|e| self.in_file(e))?;
        let stamp = Stamp::read(&mut tx)
            .await
            .map_err(|e| e.in_file(&self.path))?;
        let ix = index::load(&mut tx, generation, stamp)
            .await
            .map_err(|err| err.in_file(&self.path))?;
        Ok((ix, false))
    }

    /// Saves the snapshot of `ix` after `delay`, unless the workspace is read-only, the
    /// snapshot on disk already holds that state, or a write came in the meantime (the index
    /// that follows it schedules its own save). Replaces a save scheduled earlier.
    fn schedule_save(&self, ix: &Arc<WorkIndex>, delay: Duration) {
        if self.read_only || !ix.stamp.is_known() {
            return;
        }
        let unsaved = self
            .snapshot
            .on_disk
            .lock()
            .map(|d| d.as_ref() != Some(&ix.stamp))
            .unwrap_or(false);
        if !unsaved {
            return;
        }
        let Ok(mut saving) = self.snapshot.saving.lock() else {
            return;
        };
        if let Some(previous) = saving.take() {
            // One still waiting stops; one writing finishes on its own.
            previous.stop.cancel();
        }
        let (ix, path, state, generation) = (
            ix.clone(),
            self.path.clone(),
            self.snapshot.clone(),
            self.generation.clone(),
        );
        let stop = tokio_util::sync::CancellationToken::new();
        let stopped = stop.clone();
        let task = tokio::spawn(async move {
            tokio::select! {
                biased;
                () = stopped.cancelled() => return,
                () = tokio::time::sleep(delay) => {}
            }
            if generation.load(Ordering::Acquire) != ix.generation {
                return;
            }
            // Giving way to the questions being asked; stopped when a write supersedes it.
            let pace = super::pace::Pace::giving_way(state.foreground.clone(), stopped, None);
            let _ = save_blocking(ix, path, state, pace).await;
        });
        *saving = Some(Saving { stop, task });
    }

    /// Brings the index up to date and saves its snapshot now (unless the snapshot on disk
    /// already holds this state). For programs that exit soon after writing, such as
    /// `baton demo`. A read-only workspace saves nothing.
    pub async fn save_index_snapshot(&self) -> CoreResult<()> {
        let ix = self.index().await?;
        self.settle_saving().await;
        self.save_if_current(ix).await
    }

    /// Saves the snapshot of `ix` if it holds the file's state now and is not on disk yet
    /// (never for a read-only workspace).
    async fn save_if_current(&self, ix: Arc<WorkIndex>) -> CoreResult<()> {
        if self.read_only || !ix.stamp.is_known() {
            return Ok(());
        }
        let on_disk = self.snapshot.on_disk.lock().ok().and_then(|d| d.clone());
        if on_disk.as_ref() == Some(&ix.stamp) {
            return Ok(());
        }
        let mut tx = self.pool.begin().await.map_err(|e| self.in_file(e))?;
        let now = Stamp::read(&mut tx)
            .await
            .map_err(|e| e.in_file(&self.path))?;
        drop(tx);
        if now != ix.stamp {
            return Ok(());
        }
        save_blocking(
            ix,
            self.path.clone(),
            self.snapshot.clone(),
            super::pace::Pace::unpaced(),
        )
        .await
    }

    /// Writes the index snapshot of `copy`, a copy of this workspace made by `VACUUM INTO`
    /// whose file now stands at `copy_stamp`, so the copy opens without building its index.
    /// `VACUUM` moves the copy's schema cookie, so the live snapshot (whose stamp names the
    /// live file's cookie) would be judged stale there: the index of the copied state, taken
    /// from memory or from the live snapshot when either holds exactly that state (the same
    /// uid, write count, random version and row counts, under this file's schema), is written
    /// again under the copy's stamp. Returns whether a snapshot was written (`false`: neither
    /// holds that state, and the copy builds its index on first use).
    pub async fn save_index_for_copy(&self, copy: &Path, copy_stamp: &Stamp) -> CoreResult<bool> {
        if !copy_stamp.is_known() {
            return Ok(false);
        }
        let mut conn = self.pool.acquire().await.map_err(|e| self.in_file(e))?;
        let here = Stamp::read(&mut conn)
            .await
            .map_err(|e| e.in_file(&self.path))?;
        drop(conn);
        let held = Stamp {
            schema_version: here.schema_version,
            ..copy_stamp.clone()
        };
        let in_memory = self
            .index
            .lock()
            .await
            .clone()
            .filter(|ix| ix.stamp == held);
        let ix = match in_memory {
            Some(ix) => ix,
            None => {
                let (path, expected) = (self.path.clone(), held.clone());
                let loaded =
                    tokio::task::spawn_blocking(move || snapshot::load(&path, &expected, 0))
                        .await
                        .map_err(|err| {
                            CoreError::Invalid(format!("the index snapshot load stopped: {err}"))
                        })?;
                match loaded {
                    Ok(ix) => Arc::new(ix),
                    Err(why) => {
                        tracing::info!(%why, "no index of the copied state to give the copy");
                        return Ok(false);
                    }
                }
            }
        };
        let (target, stamp) = (copy.to_owned(), copy_stamp.clone());
        tokio::task::spawn_blocking(move || snapshot::save_as(&ix, &stamp, &target))
            .await
            .map_err(|err| {
                CoreError::Invalid(format!("the index snapshot save stopped: {err}"))
            })??;
        Ok(true)
    }

    /// Stops a snapshot save still waiting to start, and waits for one that is writing.
    async fn settle_saving(&self) {
        let saving = self.snapshot.saving.lock().ok().and_then(|mut s| s.take());
        if let Some(saving) = saving {
            // One waiting for quiet stops at once; one writing, at its next block.
            saving.stop.cancel();
            self.snapshot.foreground.wake();
            let _ = saving.task.await;
        }
    }

    /// When a question was last asked (what background writes give way to).
    pub(crate) fn foreground(&self) -> Arc<super::pace::Foreground> {
        self.snapshot.foreground.clone()
    }

    fn in_file(&self, err: sqlx::Error) -> CoreError {
        CoreError::from(err).in_file(&self.path)
    }

    pub(crate) fn item_order(&self) -> &tokio::sync::Mutex<OrderCache> {
        &self.item_order
    }

    /// A cached read model stored under `name` (see [`DerivedCache`]), if it is a `T`.
    pub(crate) fn derived<T: std::any::Any + Send + Sync>(
        &self,
        name: &'static str,
    ) -> Option<Arc<T>> {
        let cache = self.derived.lock().ok()?;
        cache.0.get(name).cloned()?.downcast::<T>().ok()
    }

    /// The slot kept under `name` (a `Mutex` a read model keeps its state in), made empty the
    /// first time it is asked for (or when what was there is not a `T`).
    pub(crate) fn derived_slot<T: Default + std::any::Any + Send + Sync>(
        &self,
        name: &'static str,
    ) -> Arc<T> {
        let Ok(mut cache) = self.derived.lock() else {
            return Arc::default();
        };
        if let Some(kept) = cache
            .0
            .get(name)
            .cloned()
            .and_then(|v| v.downcast::<T>().ok())
        {
            return kept;
        }
        let made: Arc<T> = Arc::default();
        cache.0.insert(name, made.clone());
        made
    }

    /// Stores a read model under `name`, replacing what was there.
    pub(crate) fn set_derived<T: std::any::Any + Send + Sync>(
        &self,
        name: &'static str,
        value: Arc<T>,
    ) {
        if let Ok(mut cache) = self.derived.lock() {
            cache.0.insert(name, value);
        }
    }

    /// The workspace file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The display name: the file name without its extension.
    pub fn name(&self) -> String {
        self.path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// The connection pool.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Whether this is a new workspace's scratch file written without a log
    /// ([`Workspace::create_unlogged`]).
    pub(crate) fn is_unlogged(&self) -> bool {
        self.unlogged
    }

    /// The connection writes go through ([`Workspace::write`]); the reading pool when the
    /// workspace is read-only (whose writes are refused before they reach it).
    pub(crate) fn write_pool(&self) -> &SqlitePool {
        self.writer.as_ref().unwrap_or(&self.pool)
    }

    /// [`Workspace::close`] once this is the last clone of the workspace (every other holder
    /// dropped its clone), or after `patience` at the latest. What the app does with the
    /// workspace it switches away from: a command still reading it (it took its clone before
    /// the switch) finishes instead of failing on a closed pool. Returns whether every other
    /// clone was gone when it closed.
    pub async fn close_when_unused(self, patience: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + patience;
        let alone = loop {
            let gone = self.users.0.gone.notified();
            tokio::pin!(gone);
            // Registered before the count is read: a clone dropped after the read wakes it.
            gone.as_mut().enable();
            if self.users.alive() <= 1 {
                break true;
            }
            if tokio::time::timeout_at(deadline, gone).await.is_err() {
                break false;
            }
        };
        if !alone {
            tracing::warn!(
                path = %self.path.display(),
                others = self.users.alive().saturating_sub(1),
                "closing a workspace still held elsewhere after waiting {} s",
                patience.as_secs()
            );
        }
        self.close().await;
        alone
    }

    /// Saves the index snapshot if the index in memory is current and unsaved, checkpoints the
    /// WAL and closes every connection (a read-only workspace just closes).
    pub async fn close(self) {
        self.settle_saving().await;
        let current = self.index.lock().await.clone();
        let quiet = self.pending.lock().map(|p| p.is_empty()).unwrap_or(false);
        if let Some(ix) = current.filter(|ix| quiet && ix.generation == self.generation()) {
            if let Err(err) = self.save_if_current(ix).await {
                tracing::warn!(%err, "the work index snapshot could not be saved");
            }
        }
        if let Some(writer) = &self.writer {
            writer.close().await;
        }
        if self.read_only {
            self.pool.close().await;
            return;
        }
        if let Err(err) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await
        {
            tracing::warn!(%err, "checkpoint on close failed");
        }
        self.pool.close().await;
    }
}

/// A new workspace being written in a scratch file beside its path ([`Workspace::create_unlogged`]).
#[derive(Debug)]
pub struct NewWorkspace {
    /// The workspace on the scratch file.
    ws: Workspace,
    /// Where it goes once complete.
    path: PathBuf,
    /// The scratch file, removed on drop unless moved to `path`.
    scratch: Option<tempfile::TempPath>,
}

impl NewWorkspace {
    /// The workspace to write into (its writes are neither logged nor synced: a write that
    /// fails leaves the scratch file to be dropped, never finished).
    pub fn workspace(&self) -> &Workspace {
        &self.ws
    }

    /// Closes the scratch workspace, puts it in WAL mode, syncs it, moves it to its path (failing,
    /// and removing it, if anything is there now) and opens it there. Stopped before the move,
    /// nothing is at the path; after it, the complete workspace is.
    pub async fn finish(mut self) -> CoreResult<Workspace> {
        // Every connection to the scratch file closes (a clone shares them).
        self.ws.clone().close().await;
        let scratch: PathBuf = match &self.scratch {
            Some(scratch) => scratch.to_path_buf(),
            None => {
                return Err(CoreError::Invalid(
                    "the new workspace was already moved".into(),
                ))
            }
        };
        remove_beside(&scratch);
        mark_wal(&scratch)?;
        let path = self.path.clone();
        if let Some(scratch) = self.scratch.take() {
            // On failure the error holds the scratch file, and removes it as it is dropped.
            scratch
                .persist_noclobber(&path)
                .map_err(|err| match err.error.kind() {
                    std::io::ErrorKind::AlreadyExists => {
                        CoreError::AlreadyExists { path: path.clone() }
                    }
                    _ => err.error.into(),
                })?;
        }
        // The rename itself is durable once the folder is synced (where a folder can be opened).
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            if let Ok(dir) = std::fs::File::open(folder) {
                let _ = dir.sync_all();
            }
        }
        tracing::info!(path = %path.display(), "workspace created (filled before it was moved in place)");
        Workspace::open(&path).await
    }
}

impl Drop for NewWorkspace {
    fn drop(&mut self) {
        // Unfinished: what SQLite or Baton put beside the scratch file goes with it.
        if let Some(scratch) = &self.scratch {
            remove_beside(scratch);
        }
    }
}

/// Puts a closed SQLite file written without a journal in WAL mode, as every workspace is, and
/// syncs it: its header's write and read versions (bytes 18 and 19) become 2, what `PRAGMA
/// journal_mode = WAL` writes there (SQLite's file format, section 1.3.3).
fn mark_wal(path: &Path) -> CoreResult<()> {
    use std::io::{Read, Seek, SeekFrom, Write};
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)?;
    let mut header = [0u8; 20];
    file.read_exact(&mut header)?;
    if &header[..16] != b"SQLite format 3\0" || header[18] != 1 || header[19] != 1 {
        return Err(CoreError::Invalid(
            "the new workspace's file is not an SQLite file in rollback mode".into(),
        ));
    }
    file.seek(SeekFrom::Start(18))?;
    file.write_all(&[2, 2])?;
    file.sync_all()?;
    Ok(())
}

/// Removes the files SQLite and Baton keep beside a workspace file (log, shared-memory index,
/// rollback journal, index snapshot, kept answers), if there.
fn remove_beside(path: &Path) {
    for suffix in [
        "-wal",
        "-shm",
        "-journal",
        "-index",
        "-duplicates",
        "-conflicts",
    ] {
        let _ = std::fs::remove_file(sidecar(path, suffix));
    }
}

/// Writes the snapshot of `ix` off the async threads and notes what is on disk.
async fn save_blocking(
    ix: Arc<WorkIndex>,
    path: PathBuf,
    state: Arc<SnapshotState>,
    pace: super::pace::Pace,
) -> CoreResult<()> {
    let started = std::time::Instant::now();
    let stamp = ix.stamp.clone();
    let target = path.clone();
    let saved =
        tokio::task::spawn_blocking(move || snapshot::save_paced(&ix, &ix.stamp, &target, &pace))
            .await
            .map_err(|err| CoreError::Invalid(format!("the index snapshot save stopped: {err}")))?;
    match saved {
        Ok(bytes) => {
            if let Ok(mut on_disk) = state.on_disk.lock() {
                *on_disk = Some(stamp);
            }
            tracing::info!(
                path = %snapshot::path_for(&path).display(),
                mib = bytes / 1_048_576,
                ms = started.elapsed().as_millis() as u64,
                "work index snapshot saved"
            );
            Ok(())
        }
        Err(CoreError::File { source, .. }) if super::pace::is_stopped(&source) => {
            tracing::debug!("the work index snapshot save stopped: a newer state supersedes it");
            Ok(())
        }
        Err(err) => {
            tracing::warn!(%err, "the work index snapshot could not be saved");
            Err(err)
        }
    }
}

/// How this process opens a workspace to read and write it, with a page cache of
/// `cache_kib` KiB per connection.
fn options(path: &Path, create: bool, cache_kib: u32) -> CoreResult<SqliteConnectOptions> {
    Ok(SqliteConnectOptions::from_str("sqlite://")?
        .filename(path)
        .create_if_missing(create)
        // (Set before anything is written into a new file, a no-op on an existing one.)
        .page_size(PAGE_SIZE)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
        .pragma("cache_size", format!("-{cache_kib}"))
        .pragma("temp_store", "memory")
        .log_statements(tracing::log::LevelFilter::Trace)
        .log_slow_statements(tracing::log::LevelFilter::Info, Duration::from_secs(2)))
}

/// The size of a new workspace's pages, bytes (an existing file keeps the size it was made
/// with). 32 KiB rather than SQLite's 4 KiB: a bulk load fills and copies an eighth of the
/// pages, with fewer B-tree levels and splits (see `docs/architecture.md`, "Pages of 32
/// KiB"). A bulk load's side files take the workspace's page size (`graph::side`).
pub(crate) const PAGE_SIZE: u32 = 32_768;

/// The reading connections' page cache, KiB each. Reads mostly go to the in-memory index; what
/// SQL reads (titles and rows by id, the stamp) needs the upper levels of a few B-trees. At 4 MiB
/// each, the four connections' caches filled with the pages of one scan each (a refresh counts
/// the links) and held 16 MiB of the 200,000-item benchmark's memory.
const READ_CACHE_KIB: u32 = 1_024;

/// The writing connection's page cache, KiB: a sync page or a bulk write touches the upper
/// levels of every table and index it writes, which then stay cached from one write to the
/// next. (Filled only as far as writes use it.)
const WRITE_CACHE_KIB: u32 = 32_768;

async fn connect(path: &Path, create: bool) -> CoreResult<SqlitePool> {
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options(path, create, READ_CACHE_KIB)?)
        .await?;
    Ok(pool)
}

/// Pages the log may hold before the writing connection copies it into the file after a
/// commit (SQLite's default is 1,000). A checkpoint copies each page once however many
/// commits rewrote it since the last one, and syncs both files: with the default, a sync
/// checkpointed every ten or so of its pages and spent 12% of its CPU there (`perf`, 20,000
/// items). The log is emptied when the workspace closes.
const WRITE_AUTOCHECKPOINT_PAGES: u32 = 8_000;

/// The writing connection of a workspace whose file exists, opened on its first use.
fn connect_writer(path: &Path) -> CoreResult<SqlitePool> {
    let options = options(path, false, WRITE_CACHE_KIB)?
        .pragma("wal_autocheckpoint", WRITE_AUTOCHECKPOINT_PAGES.to_string());
    Ok(SqlitePoolOptions::new()
        .max_connections(1)
        .connect_lazy_with(options))
}

/// Whether this process can write `path` and create files beside it (SQLite keeps its log and
/// shared-memory index next to the file): false for a read-only file, a file in a read-only
/// folder, a file on a read-only file system, or a log or index beside it that cannot be
/// written. Decides whether [`Workspace::open`] opens read-only.
pub fn can_write(path: &Path) -> bool {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let sidecars_writable = ["-wal", "-shm"].iter().all(|suffix| {
        let file = sidecar(path, suffix);
        !file.exists() || writable(&file)
    });
    writable(path) && writable(folder) && sidecars_writable
}

/// `access(path, W_OK)` for the effective user (root passes unless the file system is
/// read-only).
#[cfg(unix)]
fn writable(path: &Path) -> bool {
    use rustix::fs::{accessat, Access, AtFlags, CWD};
    accessat(CWD, path, Access::WRITE_OK, AtFlags::EACCESS).is_ok()
}

#[cfg(not(unix))]
fn writable(path: &Path) -> bool {
    std::fs::metadata(path)
        .map(|meta| !meta.permissions().readonly())
        .unwrap_or(false)
}

/// A workspace file as it lies on disk, seen without opening SQLite.
#[derive(Debug)]
struct OnDisk {
    len: u64,
    /// The first 100 bytes (fewer when the file is shorter).
    header: Vec<u8>,
    /// The size of the write-ahead log beside the file, when there is one.
    wal: Option<u64>,
    /// Whether the log's shared-memory index (`-shm`) is beside the file.
    shm: bool,
    /// Whether a rollback journal is beside the file.
    journal: bool,
}

/// A file that passed the checks, and how they read it.
#[derive(Debug)]
struct Checked {
    on_disk: OnDisk,
    how: ReadPath,
    /// The file or its private copy ([`ReadPath::Copy`]).
    target: PathBuf,
    /// The folder of the private copy, deleted when dropped.
    copy: Option<tempfile::TempDir>,
    /// Migrations this build knows that the file has not had yet.
    pending_migrations: bool,
}

/// How a connection that must not write reaches a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReadPath {
    /// No log beside the file (or an empty one with no index): the file holds every page, so
    /// it is read as immutable — SQLite takes no lock and opens nothing beside it. Another
    /// program that starts writing the file while it is read can make a read fail as damaged;
    /// reading again then goes through the log.
    Immutable,
    /// A log and its index: both are read, and the index is opened read-only
    /// (`readonly_shm`): with no other program holding it, SQLite rebuilds it in memory
    /// instead of in the file.
    Shared,
    /// A log without its index: SQLite would have to create the index beside the file, so a
    /// private copy of the file and its log, in a temporary folder, is read instead.
    Copy,
}

impl ReadPath {
    fn for_file(on_disk: &OnDisk) -> ReadPath {
        match (on_disk.wal, on_disk.shm) {
            (None, _) | (Some(0), false) => ReadPath::Immutable,
            (Some(_), true) => ReadPath::Shared,
            (Some(_), false) => ReadPath::Copy,
        }
    }
}

/// Reads the file's type, size and header, and what lies beside it, without opening SQLite.
/// Anything but a regular file is refused before it is opened (opening a named pipe would
/// wait for a writer forever; a device never ends).
async fn on_disk(path: &Path) -> CoreResult<OnDisk> {
    let owned = path.to_owned();
    tokio::task::spawn_blocking(move || read_on_disk(&owned))
        .await
        .map_err(|err| CoreError::File {
            path: path.to_owned(),
            action: "read",
            source: std::io::Error::other(err.to_string()),
        })?
}

fn read_on_disk(path: &Path) -> CoreResult<OnDisk> {
    use std::io::Read;
    let unreadable = |source: std::io::Error| CoreError::File {
        path: path.to_owned(),
        action: "read",
        source,
    };
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(CoreError::NotFound(path.display().to_string()))
        }
        Err(err) => return Err(unreadable(err)),
    };
    if !meta.is_file() {
        return Err(CoreError::NotAFile {
            path: path.to_owned(),
            what: kind_of(&meta.file_type()),
        });
    }
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut header = Vec::with_capacity(100);
    file.take(100)
        .read_to_end(&mut header)
        .map_err(unreadable)?;
    let beside = |suffix: &str| {
        std::fs::metadata(sidecar(path, suffix))
            .ok()
            .filter(std::fs::Metadata::is_file)
            .map(|meta| meta.len())
    };
    Ok(OnDisk {
        len: meta.len(),
        header,
        wal: beside("-wal"),
        shm: beside("-shm").is_some(),
        journal: beside("-journal").is_some(),
    })
}

/// What a path that is not a regular file is, for the message.
fn kind_of(file_type: &std::fs::FileType) -> &'static str {
    if file_type.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// Judges whether `path` is a Baton workspace this build can open, without writing anything
/// to it or beside it.
pub async fn check_file(path: &Path) -> CoreResult<()> {
    check(path).await.map(|_| ())
}

/// Checks `path` through a connection that cannot write (see [`ReadPath`]), closed before
/// this returns. When the files beside it
/// appear or vanish meanwhile — another program opening or closing it — the check starts
/// again with what is there now.
async fn check(path: &Path) -> CoreResult<Checked> {
    const ATTEMPTS: u32 = 4;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let on_disk = on_disk(path).await?;
        let beside = on_disk.wal.is_some() || on_disk.journal;
        if on_disk.len == 0 {
            if beside {
                return Err(CoreError::BeingCreated {
                    path: path.to_owned(),
                });
            }
            return Err(not_baton(path, "the file is empty"));
        }
        check_magic(path, &on_disk.header)?;
        if on_disk.wal.is_none() {
            // Without a log the header in the file is the current one.
            check_header(path, &on_disk.header, on_disk.len)?;
        }
        let seen = (on_disk.wal.is_some(), on_disk.shm, on_disk.journal);
        match check_schema_through(path, on_disk).await {
            Err(err) if attempt < ATTEMPTS && beside_changed_from(path, seen).await => {
                tracing::debug!(%err, "the files beside the workspace changed while it was checked");
                tokio::time::sleep(Duration::from_millis(25 * u64::from(attempt))).await;
            }
            other => return other,
        }
    }
}

/// Whether the log, index or journal beside `path` appeared or vanished since `seen`.
async fn beside_changed(path: &Path, seen: &OnDisk) -> bool {
    beside_changed_from(path, (seen.wal.is_some(), seen.shm, seen.journal)).await
}

async fn beside_changed_from(path: &Path, seen: (bool, bool, bool)) -> bool {
    match on_disk(path).await {
        Ok(now) => (now.wal.is_some(), now.shm, now.journal) != seen,
        Err(_) => false,
    }
}

async fn check_schema_through(path: &Path, on_disk: OnDisk) -> CoreResult<Checked> {
    let how = ReadPath::for_file(&on_disk);
    let (target, copy) = match how {
        ReadPath::Copy => {
            let (dir, copy) = copy_with_log(path).await?;
            (copy, Some(dir))
        }
        _ => (path.to_owned(), None),
    };
    let mut conn = read_only_options(path, &target, how)?
        .connect()
        .await
        .map_err(|err| reading_failed(path, err))?;
    let beside = on_disk.wal.is_some() || on_disk.journal;
    let checked = check_schema(path, &mut conn, beside).await;
    // Closing a connection (not a pool) waits until SQLite has closed the file.
    if let Err(err) = sqlx::Connection::close(conn).await {
        tracing::debug!(%err, "closing the checking connection failed");
    }
    Ok(Checked {
        on_disk,
        how,
        target,
        copy,
        pending_migrations: checked?,
    })
}

/// The pool a read-only workspace reads through, as the checks read it.
async fn read_only_pool(path: &Path, checked: &Checked) -> CoreResult<SqlitePool> {
    let options = read_only_options(path, &checked.target, checked.how)?;
    let pool = match checked.how {
        // One connection, kept open as long as the workspace: while it reads, the program that
        // has the log cannot delete it or its index (that takes an exclusive lock), so they
        // stay there for every later read. A new connection could find them gone.
        ReadPath::Shared => SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None),
        _ => SqlitePoolOptions::new().max_connections(4),
    }
    .connect_with(options)
    .await
    .map_err(|err| reading_failed(path, err))?;
    // A first read takes the connection's shared lock on the file.
    if let Err(err) = sqlx::query("SELECT COUNT(*) FROM sqlite_master")
        .fetch_one(&pool)
        .await
    {
        pool.close().await;
        return Err(reading_failed(path, err));
    }
    Ok(pool)
}

/// Options of a connection that reads `target` (the file, or its private copy) and cannot
/// write a byte to it or beside it. No journal-mode pragma: switching modes writes.
fn read_only_options(
    path: &Path,
    target: &Path,
    how: ReadPath,
) -> CoreResult<SqliteConnectOptions> {
    let absolute = std::path::absolute(target).map_err(|source| CoreError::File {
        path: path.to_owned(),
        action: "read",
        source,
    })?;
    let mut uri = url::Url::from_file_path(&absolute)
        .map_err(|()| not_baton(path, "its path cannot be given to SQLite"))?;
    {
        let mut query = uri.query_pairs_mut();
        query.append_pair("mode", "ro");
        match how {
            ReadPath::Immutable => {
                query.append_pair("immutable", "1");
            }
            ReadPath::Shared => {
                query.append_pair("readonly_shm", "1");
            }
            ReadPath::Copy => {}
        }
    }
    // sqlx hands a filename it adds no parameters to straight to SQLite, with URI parsing on.
    Ok(SqliteConnectOptions::new()
        .filename(uri.as_str())
        .read_only(true)
        .busy_timeout(Duration::from_secs(5))
        .pragma("cache_size", format!("-{READ_CACHE_KIB}"))
        .pragma("temp_store", "memory")
        .log_statements(tracing::log::LevelFilter::Trace)
        .log_slow_statements(tracing::log::LevelFilter::Info, Duration::from_secs(2)))
}

/// Copies a file and its log into a new temporary folder (see [`ReadPath::Copy`]).
async fn copy_with_log(path: &Path) -> CoreResult<(tempfile::TempDir, PathBuf)> {
    let owned = path.to_owned();
    let copied = tokio::task::spawn_blocking(move || -> std::io::Result<_> {
        let dir = tempfile::Builder::new().prefix("baton-read-").tempdir()?;
        let copy = dir.path().join("workspace.baton");
        std::fs::copy(&owned, &copy)?;
        std::fs::copy(sidecar(&owned, "-wal"), sidecar(&copy, "-wal"))?;
        Ok((dir, copy))
    })
    .await
    .map_err(|err| std::io::Error::other(err.to_string()))
    .and_then(|copied| copied);
    copied.map_err(|source| CoreError::File {
        path: path.to_owned(),
        action: "copied to a temporary folder to be read without writing beside it",
        source,
    })
}

/// An error met while reading a file through SQLite during the checks, with the path:
/// damaged for what SQLite says of the bytes (and anything else it could not make sense of),
/// a file error when it could not open the file or what lies beside it, or found it locked.
fn reading_failed(path: &Path, err: sqlx::Error) -> CoreError {
    let (detail, primary) = match &err {
        sqlx::Error::Database(db) => (
            db.message().to_owned(),
            db.code()
                .and_then(|code| code.parse::<i32>().ok())
                .map(|code| code & 0xff),
        ),
        other => (other.to_string(), None),
    };
    // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_CANTOPEN.
    if matches!(primary, Some(5 | 6 | 8 | 14)) {
        return CoreError::File {
            path: path.to_owned(),
            action: "read",
            source: std::io::Error::other(detail),
        };
    }
    CoreError::Corrupt {
        path: path.to_owned(),
        detail,
    }
}

/// Checks the schema through a connection that cannot write: the work graph's tables are
/// there and no migration is newer than this build. Returns whether migrations are pending.
/// `beside` says a log or journal lies beside the file (another program may be writing it).
async fn check_schema(
    path: &Path,
    conn: &mut sqlx::SqliteConnection,
    beside: bool,
) -> CoreResult<bool> {
    let (application_id, version): (i64, i64) = sqlx::query_as(
        "SELECT application_id, user_version FROM pragma_application_id, pragma_user_version",
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(|err| reading_failed(path, err))?;
    let tables: Vec<(String,)> =
        sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(&mut *conn)
            .await
            .map_err(|err| reading_failed(path, err))?;
    let has = |name: &str| tables.iter().any(|(t,)| t == name);
    if application_id != i64::from(APPLICATION_ID) {
        // Baton creates a file in steps: an empty database, sqlx's bookkeeping table, then
        // the first migration, which sets the application id. Until that commits, a reader
        // sees only the first steps.
        let bookkeeping_only = tables
            .iter()
            .all(|(t,)| t == "_sqlx_migrations" || t.starts_with("sqlite_"));
        if application_id == 0
            && version == 0
            && bookkeeping_only
            && (beside || has("_sqlx_migrations"))
        {
            return Err(CoreError::BeingCreated {
                path: path.to_owned(),
            });
        }
        if tables.is_empty() && application_id == 0 {
            return Err(not_baton(path, "it is an empty SQLite database"));
        }
        return Err(not_baton(
            path,
            "it is a SQLite database made by another application",
        ));
    }
    if version > SCHEMA_VERSION {
        return Err(CoreError::NewerSchema {
            path: path.to_owned(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    if !has("items") || !has("_sqlx_migrations") {
        return Err(CoreError::Corrupt {
            path: path.to_owned(),
            detail: "the work graph tables are missing".into(),
        });
    }
    let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations")
        .fetch_all(&mut *conn)
        .await
        .map_err(|err| reading_failed(path, err))?;
    let known = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    if applied.iter().any(|&v| v > known) {
        return Err(CoreError::NewerSchema {
            path: path.to_owned(),
            found: SCHEMA_VERSION + 1,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(MIGRATOR.iter().any(|m| !applied.contains(&m.version)))
}

/// `file.baton-wal` and the like.
fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn not_baton(path: &Path, detail: &str) -> CoreError {
    CoreError::NotAWorkspace {
        path: path.to_owned(),
        detail: detail.to_owned(),
    }
}

/// Checks that a file starts like a SQLite database.
fn check_magic(path: &Path, bytes: &[u8]) -> CoreResult<()> {
    if bytes.is_empty() {
        return Err(not_baton(path, "the file is empty"));
    }
    if bytes.len() < 100 || &bytes[..16] != b"SQLite format 3\0" {
        return Err(not_baton(path, "it is not a SQLite database"));
    }
    Ok(())
}

/// Checks a file's first 100 bytes (magic, application id, schema version) against its
/// length. An application id of 0 is left to the schema check: it is also what a workspace
/// being created shows until its first migration commits.
fn check_header(path: &Path, bytes: &[u8], len: u64) -> CoreResult<()> {
    check_magic(path, bytes)?;
    let word =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    let application_id = word(68);
    if application_id != APPLICATION_ID && application_id != 0 {
        return Err(not_baton(
            path,
            "it is a SQLite database made by another application",
        ));
    }
    let version = i64::from(word(60));
    if application_id == APPLICATION_ID && version > SCHEMA_VERSION {
        return Err(CoreError::NewerSchema {
            path: path.to_owned(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    // The page count in the header is valid when its "version valid for" matches the change
    // counter; a file shorter than that many pages was cut short.
    let page_size = match u16::from_be_bytes([bytes[16], bytes[17]]) {
        1 => 65_536,
        size => u64::from(size),
    };
    let pages = u64::from(word(28));
    if pages > 0 && word(92) == word(24) && pages * page_size > len {
        return Err(CoreError::Corrupt {
            path: path.to_owned(),
            detail: format!(
                "the file is cut short: it should hold {} bytes but holds {len}",
                pages * page_size
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(application_id: u32, version: u32) -> Vec<u8> {
        let mut header = b"SQLite format 3\0".to_vec();
        header.resize(100, 0);
        header[16..18].copy_from_slice(&4096u16.to_be_bytes());
        header[60..64].copy_from_slice(&version.to_be_bytes());
        header[68..72].copy_from_slice(&application_id.to_be_bytes());
        header
    }

    #[test]
    fn header_checks_name_the_problem() {
        let path = Path::new("x.baton");
        let err = check_header(path, b"", 0).unwrap_err();
        assert_eq!(err.code(), "workspace_not_baton");
        let err = check_header(path, &[b'x'; 200], 200).unwrap_err();
        assert!(err.to_string().contains("not a SQLite database"), "{err}");
        let err = check_header(path, &header(0x1234_5678, 0), 4096).unwrap_err();
        assert!(err.to_string().contains("another application"), "{err}");
        assert!(
            check_header(path, &header(0, 0), 4096).is_ok(),
            "an application id of 0 is judged with the schema (a workspace being created shows it)"
        );
        let err = check_header(path, &header(APPLICATION_ID, 7), 4096).unwrap_err();
        assert_eq!(err.code(), "workspace_newer_schema");
        assert!(check_header(path, &header(APPLICATION_ID, 1), 4096).is_ok());
    }

    #[test]
    fn a_file_shorter_than_its_header_says_is_cut_short() {
        let path = Path::new("/data/cut.baton");
        let mut bytes = header(APPLICATION_ID, 1);
        bytes[28..32].copy_from_slice(&10u32.to_be_bytes());
        bytes[24..28].copy_from_slice(&3u32.to_be_bytes());
        bytes[92..96].copy_from_slice(&3u32.to_be_bytes());
        let err = check_header(path, &bytes, 4 * 4096).unwrap_err();
        assert_eq!(err.code(), "workspace_corrupt");
        assert!(err.to_string().contains("/data/cut.baton"), "{err}");
        assert!(err.to_string().contains("cut short"), "{err}");
        assert!(check_header(path, &bytes, 10 * 4096).is_ok(), "whole: fine");
        bytes[92..96].copy_from_slice(&2u32.to_be_bytes());
        assert!(
            check_header(path, &bytes, 4 * 4096).is_ok(),
            "a stale page count says nothing (SQLite ignores it too)"
        );
    }

    /// The bundled SQLite is built as `.cargo/config.toml` says: without memory statistics
    /// (a global mutex around each allocation) and without the process-wide page cache of
    /// `SQLITE_ENABLE_MEMORY_MANAGEMENT` (a global mutex around each page a statement touches).
    #[tokio::test]
    async fn sqlite_is_built_without_global_locks_on_allocations_and_pages() {
        let dir = tempfile::tempdir().expect("temp dir");
        let ws = Workspace::create(&dir.path().join("options.baton"))
            .await
            .expect("create");
        let options: Vec<String> = sqlx::query_scalar("PRAGMA compile_options")
            .fetch_all(ws.pool())
            .await
            .expect("compile options");
        assert!(
            options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
            "memory statistics off: {options:?}"
        );
        assert!(
            !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
            "one page cache per connection: {options:?}"
        );
        ws.close().await;
    }
}
