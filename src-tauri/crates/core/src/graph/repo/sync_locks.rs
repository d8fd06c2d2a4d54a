//! `sync_locks`: which process is syncing which source (see `sync::lock`).

use sqlx::{Executor, Sqlite};

/// Who holds a source's sync lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncLock {
    pub source_id: String,
    /// The owner's process id, on `hostname`.
    pub owner_pid: i64,
    pub hostname: String,
    /// The owner's run (`sync_runs.id`).
    pub run_id: String,
    /// When the lock was taken, and the owner's last sign of life (ms, its wall clock).
    pub acquired_at: i64,
    pub heartbeat_at: i64,
}

/// Takes the lock when nobody holds it; false when a row is already there. As the first
/// statement of a transaction it also takes SQLite's write lock, so the check that follows a
/// `false` sees a row no other writer can change before the transaction ends.
pub async fn insert_if_free(
    exec: impl Executor<'_, Database = Sqlite>,
    lock: &SyncLock,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "INSERT INTO sync_locks (source_id, owner_pid, hostname, run_id, acquired_at, heartbeat_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source_id) DO NOTHING",
        lock.source_id,
        lock.owner_pid,
        lock.hostname,
        lock.run_id,
        lock.acquired_at,
        lock.heartbeat_at
    )
    .execute(exec)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The lock of a source, if held.
pub async fn get(
    exec: impl Executor<'_, Database = Sqlite>,
    source_id: &str,
) -> sqlx::Result<Option<SyncLock>> {
    let row = sqlx::query!(
        r#"SELECT source_id AS "source_id!", owner_pid, hostname, run_id, acquired_at, heartbeat_at
           FROM sync_locks WHERE source_id = ?"#,
        source_id
    )
    .fetch_optional(exec)
    .await?;
    Ok(row.map(|r| SyncLock {
        source_id: r.source_id,
        owner_pid: r.owner_pid,
        hostname: r.hostname,
        run_id: r.run_id,
        acquired_at: r.acquired_at,
        heartbeat_at: r.heartbeat_at,
    }))
}

/// Replaces the holder of a source's lock (taking over a stale one).
pub async fn replace(
    exec: impl Executor<'_, Database = Sqlite>,
    lock: &SyncLock,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE sync_locks SET owner_pid = ?2, hostname = ?3, run_id = ?4, acquired_at = ?5, heartbeat_at = ?6
         WHERE source_id = ?1",
        lock.source_id,
        lock.owner_pid,
        lock.hostname,
        lock.run_id,
        lock.acquired_at,
        lock.heartbeat_at
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// Records a sign of life of `run_id`; false when it no longer holds the lock.
pub async fn heartbeat(
    exec: impl Executor<'_, Database = Sqlite>,
    source_id: &str,
    run_id: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE sync_locks SET heartbeat_at = ?3 WHERE source_id = ?1 AND run_id = ?2",
        source_id,
        run_id,
        now
    )
    .execute(exec)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives the lock up, if `run_id` still holds it; false when it did not.
pub async fn release(
    exec: impl Executor<'_, Database = Sqlite>,
    source_id: &str,
    run_id: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "DELETE FROM sync_locks WHERE source_id = ?1 AND run_id = ?2",
        source_id,
        run_id
    )
    .execute(exec)
    .await?;
    Ok(done.rows_affected() == 1)
}
