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
    /// HTTP requests sent.
    pub requests: i64,
    /// Requests sent again after a 5xx, a timeout or a broken response.
    pub retries: i64,
    /// Machine-readable error kind (`auth_bad_token`, `rate_limited`, ...).
    pub error_code: Option<String>,
    pub error: Option<String>,
}

/// Records a new run or updates it as it progresses.
pub async fn upsert(exec: impl Executor<'_, Database = Sqlite>, run: &SyncRun) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO sync_runs (id, source_id, started_at, ended_at, status, pages, items, rate_limit_waits,
             rate_limit_wait_ms, requests, retries, error_code, error)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET ended_at = excluded.ended_at, status = excluded.status, pages = excluded.pages,
             items = excluded.items, rate_limit_waits = excluded.rate_limit_waits,
             rate_limit_wait_ms = excluded.rate_limit_wait_ms, requests = excluded.requests,
             retries = excluded.retries, error_code = excluded.error_code, error = excluded.error",
        run.id,
        run.source_id,
        run.started_at,
        run.ended_at,
        run.status,
        run.pages,
        run.items,
        run.rate_limit_waits,
        run.rate_limit_wait_ms,
        run.requests,
        run.retries,
        run.error_code,
        run.error
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// The figures of a run so far, written with each page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunFigures {
    pub pages: i64,
    pub items: i64,
    pub requests: i64,
    pub retries: i64,
    pub rate_limit_waits: i64,
    pub rate_limit_wait_ms: i64,
}

/// Updates a running run's figures (in the transaction of the page they count).
pub async fn record_progress(
    exec: impl Executor<'_, Database = Sqlite>,
    run_id: &str,
    figures: &RunFigures,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE sync_runs SET pages = ?2, items = ?3, requests = ?4, retries = ?5, rate_limit_waits = ?6,
             rate_limit_wait_ms = ?7 WHERE id = ?1",
        run_id,
        figures.pages,
        figures.items,
        figures.requests,
        figures.retries,
        figures.rate_limit_waits,
        figures.rate_limit_wait_ms
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// Marks runs of a source still "running" (their process stopped before it could say how they
/// ended) as failed. Returns how many there were.
pub async fn close_interrupted(
    exec: impl Executor<'_, Database = Sqlite>,
    source_id: &str,
    now: i64,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "UPDATE sync_runs SET status = 'failed', ended_at = ?2, error_code = 'interrupted',
             error = 'interrupted: Baton stopped before this sync finished; the next sync resumed from the last saved page'
         WHERE source_id = ?1 AND status = 'running'",
        source_id,
        now
    )
    .execute(exec)
    .await?;
    Ok(done.rows_affected())
}

/// The latest runs of a source, newest first.
pub async fn recent(
    exec: impl Executor<'_, Database = Sqlite>,
    source_id: &str,
    limit: i64,
) -> sqlx::Result<Vec<SyncRun>> {
    let rows = sqlx::query!(
        r#"SELECT id AS "id!", source_id, started_at, ended_at, status, pages, items, rate_limit_waits, rate_limit_wait_ms,
                  requests, retries, error_code, error
           FROM sync_runs WHERE source_id = ? ORDER BY started_at DESC, rowid DESC LIMIT ?"#,
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
            requests: r.requests,
            retries: r.retries,
            error_code: r.error_code,
            error: r.error,
        })
        .collect())
}
