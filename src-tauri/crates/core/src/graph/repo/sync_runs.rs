//! `sync_runs`: the history of every sync, failures included.

use sqlx::{Executor, Sqlite};

/// What a finished (or running) sync did.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncRun {
    pub id: String,
    pub source_id: String,
    pub started_at: i64,
    pub ended_at: Option<i64>,
    /// running, succeeded, failed or canceled.
    pub status: String,
    pub pages: i64,
    pub items: i64,
    pub rate_limit_waits: i64,
    pub rate_limit_wait_ms: i64,
    pub error: Option<String>,
}

/// Records a new run or updates it as it progresses.
pub async fn upsert(exec: impl Executor<'_, Database = Sqlite>, run: &SyncRun) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO sync_runs (id, source_id, started_at, ended_at, status, pages, items, rate_limit_waits, rate_limit_wait_ms, error)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET ended_at = excluded.ended_at, status = excluded.status, pages = excluded.pages,
             items = excluded.items, rate_limit_waits = excluded.rate_limit_waits,
             rate_limit_wait_ms = excluded.rate_limit_wait_ms, error = excluded.error",
        run.id,
        run.source_id,
        run.started_at,
        run.ended_at,
        run.status,
        run.pages,
        run.items,
        run.rate_limit_waits,
        run.rate_limit_wait_ms,
        run.error
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// The latest runs of a source, newest first.
pub async fn recent(
    exec: impl Executor<'_, Database = Sqlite>,
    source_id: &str,
    limit: i64,
) -> sqlx::Result<Vec<SyncRun>> {
    let rows = sqlx::query!(
        r#"SELECT id AS "id!", source_id, started_at, ended_at, status, pages, items, rate_limit_waits, rate_limit_wait_ms, error
           FROM sync_runs WHERE source_id = ? ORDER BY started_at DESC LIMIT ?"#,
        source_id,
        limit
    )
    .fetch_all(exec)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| SyncRun {
            id: r.id,
            source_id: r.source_id,
            started_at: r.started_at,
            ended_at: r.ended_at,
            status: r.status,
            pages: r.pages,
            items: r.items,
            rate_limit_waits: r.rate_limit_waits,
            rate_limit_wait_ms: r.rate_limit_wait_ms,
            error: r.error,
        })
        .collect())
}
