//! Opening, creating and checking a workspace: one `.baton` SQLite file.
//!
//! A file is checked before anything can write to it: its header must say SQLite, its
//! `application_id` must say Baton, and its `user_version` must be a schema this build knows.
//! A file that fails a check is left exactly as it was.

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
use crate::graph::write::{Changes, IndexEffect};
use crate::query::items::CachedOrder;

/// `PRAGMA application_id` of every Baton workspace: "BATN" in ASCII.
pub const APPLICATION_ID: u32 = 0x4241_544E;
/// The newest schema this build reads and writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = 1;
/// File extension of workspaces.
pub const EXTENSION: &str = "baton";
/// How many published changes a slow subscriber may fall behind before it is told it lagged.
const CHANGE_BACKLOG: usize = 256;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// An open workspace: the file, a pool of connections to it, and caches of what was read.
#[derive(Debug, Clone)]
pub struct Workspace {
    path: PathBuf,
    pool: SqlitePool,
    /// Bumped by [`Workspace::mark_changed`]; caches keyed on an older value are stale.
    generation: Arc<AtomicU64>,
    item_order: Arc<tokio::sync::Mutex<CachedOrder>>,
    index: Arc<tokio::sync::Mutex<Option<Arc<WorkIndex>>>>,
    /// What changed since the index was built.
    pending: Arc<std::sync::Mutex<Pending>>,
    /// Every committed write's [`Changes`], for whoever listens (the app's change event).
    published: tokio::sync::broadcast::Sender<Changes>,
}

/// Changes the index has not seen yet.
#[derive(Debug, Default)]
struct Pending {
    /// Something the index cannot follow item by item changed: rebuild it.
    full: bool,
    /// Items written (their rows, changes or links).
    items: std::collections::BTreeSet<String>,
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
        Ok(Workspace::new(path, pool))
    }

    /// Opens an existing workspace after checking it, and applies pending (additive) migrations.
    pub async fn open(path: &Path) -> CoreResult<Workspace> {
        check_file(path).await?;
        let pool = connect(path, false).await.map_err(|err| match err {
            CoreError::Corrupt { detail, .. } => CoreError::Corrupt {
                path: path.to_owned(),
                detail,
            },
            other => other,
        })?;
        let mut conn = pool.acquire().await?;
        check_schema(path, &mut conn).await?;
        drop(conn);
        MIGRATOR.run(&pool).await?;
        tracing::info!(path = %path.display(), "workspace opened");
        Ok(Workspace::new(path, pool))
    }

    fn new(path: &Path, pool: SqlitePool) -> Workspace {
        Workspace {
            path: path.to_owned(),
            pool,
            generation: Arc::default(),
            item_order: Arc::default(),
            index: Arc::default(),
            pending: Arc::default(),
            published: tokio::sync::broadcast::channel(CHANGE_BACKLOG).0,
        }
    }

    /// Brings the caches up to date after a committed write (see [`Changes::index_effect`]) and
    /// tells the subscribers. Only [`Workspace::write`] calls it.
    pub(crate) fn apply_changes(&self, changes: &Changes) {
        match changes.index_effect() {
            IndexEffect::None => {}
            IndexEffect::Items => {
                if let Ok(mut pending) = self.pending.lock() {
                    pending.items.extend(changes.item_ids.iter().cloned());
                }
                self.generation.fetch_add(1, Ordering::Release);
            }
            IndexEffect::Rebuild => {
                if let Ok(mut pending) = self.pending.lock() {
                    pending.full = true;
                }
                self.generation.fetch_add(1, Ordering::Release);
            }
        }
        if !changes.is_empty() {
            // No subscriber is not an error: the CLI and tests write without listening.
            let _ = self.published.send(changes.clone());
        }
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

    /// The in-memory index: built on first use, then brought up to date after each change —
    /// item by item when only items changed (and no other reader holds it), or rebuilt.
    pub async fn index(&self) -> CoreResult<Arc<WorkIndex>> {
        let mut slot = self.index.lock().await;
        let generation = self.generation();
        if let Some(ix) = slot.as_ref().filter(|ix| ix.generation == generation) {
            return Ok(ix.clone());
        }
        let pending = self
            .pending
            .lock()
            .map(|mut p| std::mem::take(&mut *p))
            .unwrap_or_default();
        let started = std::time::Instant::now();
        if let Some(current) = slot.take() {
            let small = pending.items.len() <= (current.items.len() / 5).max(1_000);
            if !pending.full && small {
                if let Ok(mut ix) = Arc::try_unwrap(current) {
                    let ids: Vec<String> = pending.items.iter().cloned().collect();
                    let applied = ids.is_empty()
                        || index::refresh(&self.pool, &mut ix, &ids, generation).await?;
                    if applied {
                        ix.generation = generation;
                        tracing::debug!(
                            items = ids.len(),
                            ms = started.elapsed().as_millis() as u64,
                            "work index refreshed"
                        );
                        let ix = Arc::new(ix);
                        *slot = Some(ix.clone());
                        return Ok(ix);
                    }
                }
            }
        }
        let ix = Arc::new(index::load(&self.pool, generation).await?);
        tracing::info!(
            items = ix.items.len(),
            ms = started.elapsed().as_millis() as u64,
            "work index built"
        );
        *slot = Some(ix.clone());
        Ok(ix)
    }

    pub(crate) fn item_order(&self) -> &tokio::sync::Mutex<CachedOrder> {
        &self.item_order
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

    /// Checkpoints the WAL and closes every connection.
    pub async fn close(self) {
        if let Err(err) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await
        {
            tracing::warn!(%err, "checkpoint on close failed");
        }
        self.pool.close().await;
    }
}

async fn connect(path: &Path, create: bool) -> CoreResult<SqlitePool> {
    let options = SqliteConnectOptions::from_str("sqlite://")?
        .filename(path)
        .create_if_missing(create)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
        .pragma("cache_size", "-4096")
        .pragma("temp_store", "memory")
        .log_statements(tracing::log::LevelFilter::Trace)
        .log_slow_statements(tracing::log::LevelFilter::Info, Duration::from_secs(2));
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await?;
    Ok(pool)
}

/// Reads the 100-byte SQLite header and judges whether `path` is a Baton workspace this build
/// can open, without writing anything.
pub async fn check_file(path: &Path) -> CoreResult<()> {
    let bytes = read_header(path).await?;
    if sidecar(path, "-wal").exists() {
        // The file was not closed cleanly, or another process has it open: its newest pages
        // (even its header) may live only in the write-ahead log, which neither the bytes on
        // disk nor an immutable connection show. Only the magic is checked here; the rest is
        // checked on the real connection (`Workspace::open`).
        check_magic(path, &bytes)?;
        return Ok(());
    }
    check_header(path, &bytes)?;
    // The header is right: make sure the schema itself can be read, through an immutable,
    // read-only connection that cannot write a byte (not even a -wal or -shm file).
    let options = SqliteConnectOptions::from_str("sqlite://")?
        .filename(path)
        .read_only(true)
        .immutable(true)
        .log_statements(tracing::log::LevelFilter::Trace);
    let mut conn = options.connect().await.map_err(|err| corrupt(path, &err))?;
    check_schema(path, &mut conn).await
}

/// Checks that the work graph's tables are there and that no migration is newer than this build.
async fn check_schema(path: &Path, conn: &mut sqlx::SqliteConnection) -> CoreResult<()> {
    let (application_id, version): (i64, i64) = sqlx::query_as(
        "SELECT application_id, user_version FROM pragma_application_id, pragma_user_version",
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(|err| corrupt(path, &err))?;
    if application_id != i64::from(APPLICATION_ID) {
        return Err(CoreError::NotAWorkspace {
            path: path.to_owned(),
            detail: "it is a SQLite database made by another application".into(),
        });
    }
    if version > SCHEMA_VERSION {
        return Err(CoreError::NewerSchema {
            path: path.to_owned(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    let tables: Vec<(String,)> =
        sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(&mut *conn)
            .await
            .map_err(|err| corrupt(path, &err))?;
    let has = |name: &str| tables.iter().any(|(t,)| t == name);
    if !has("items") || !has("_sqlx_migrations") {
        return Err(CoreError::Corrupt {
            path: path.to_owned(),
            detail: "the work graph tables are missing".into(),
        });
    }
    let newest: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(&mut *conn)
        .await
        .map_err(|err| corrupt(path, &err))?;
    let known = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    if newest.unwrap_or(0) > known {
        return Err(CoreError::NewerSchema {
            path: path.to_owned(),
            found: SCHEMA_VERSION + 1,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}

/// `file.baton-wal` and the like.
fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The first 100 bytes of a file (fewer if it is shorter).
async fn read_header(path: &Path) -> CoreResult<Vec<u8>> {
    use tokio::io::AsyncReadExt;
    let file = match tokio::fs::File::open(path).await {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(CoreError::NotFound(path.display().to_string()))
        }
        Err(err) => return Err(err.into()),
    };
    let mut bytes = Vec::with_capacity(100);
    file.take(100).read_to_end(&mut bytes).await?;
    Ok(bytes)
}

fn corrupt(path: &Path, err: &sqlx::Error) -> CoreError {
    CoreError::Corrupt {
        path: path.to_owned(),
        detail: err.to_string(),
    }
}

/// Checks that a file starts like a SQLite database.
fn check_magic(path: &Path, bytes: &[u8]) -> CoreResult<()> {
    let not_baton = |detail: &str| CoreError::NotAWorkspace {
        path: path.to_owned(),
        detail: detail.to_owned(),
    };
    if bytes.is_empty() {
        return Err(not_baton("the file is empty"));
    }
    if bytes.len() < 100 || &bytes[..16] != b"SQLite format 3\0" {
        return Err(not_baton("it is not a SQLite database"));
    }
    Ok(())
}

/// Checks magic bytes, application id and schema version in a file's first 100 bytes.
fn check_header(path: &Path, bytes: &[u8]) -> CoreResult<()> {
    check_magic(path, bytes)?;
    let not_baton = |detail: &str| CoreError::NotAWorkspace {
        path: path.to_owned(),
        detail: detail.to_owned(),
    };
    let word =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    if word(68) != APPLICATION_ID {
        return Err(not_baton(
            "it is a SQLite database made by another application",
        ));
    }
    let version = i64::from(word(60));
    if version > SCHEMA_VERSION {
        return Err(CoreError::NewerSchema {
            path: path.to_owned(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_checks_name_the_problem() {
        let path = Path::new("x.baton");
        let err = check_header(path, b"").unwrap_err();
        assert_eq!(err.code(), "workspace_not_baton");
        let err = check_header(path, &[b'x'; 200]).unwrap_err();
        assert!(err.to_string().contains("not a SQLite database"), "{err}");
        let mut header = b"SQLite format 3\0".to_vec();
        header.resize(100, 0);
        let err = check_header(path, &header).unwrap_err();
        assert!(err.to_string().contains("another application"), "{err}");
        header[68..72].copy_from_slice(&APPLICATION_ID.to_be_bytes());
        header[60..64].copy_from_slice(&7u32.to_be_bytes());
        let err = check_header(path, &header).unwrap_err();
        assert_eq!(err.code(), "workspace_newer_schema");
        header[60..64].copy_from_slice(&1u32.to_be_bytes());
        assert!(check_header(path, &header).is_ok());
    }
}
