//! `scenarios`, `plan_sessions` and `session_self`: plans people make (see the migration
//! `20261206000200_scenarios.sql`). No sync writes these tables. Scenario bodies are JSON;
//! `plan::scenario` gives them their types.

use sqlx::{Executor, Sqlite};

/// One stored scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioRow {
    pub id: String,
    pub name: String,
    pub notes: String,
    pub body: String,
    pub version: i64,
    pub created_by: String,
    pub created_at: i64,
    pub updated_by: String,
    pub updated_at: i64,
}

/// Every scenario, by name.
pub async fn list(exec: impl Executor<'_, Database = Sqlite>) -> sqlx::Result<Vec<ScenarioRow>> {
    sqlx::query_as!(
        ScenarioRow,
        "SELECT id, name, notes, body, version, created_by, created_at, updated_by, updated_at
         FROM scenarios ORDER BY name, id"
    )
    .fetch_all(exec)
    .await
}

/// The scenario with this id.
pub async fn get(
    exec: impl Executor<'_, Database = Sqlite>,
    id: &str,
) -> sqlx::Result<Option<ScenarioRow>> {
    sqlx::query_as!(
        ScenarioRow,
        "SELECT id, name, notes, body, version, created_by, created_at, updated_by, updated_at
         FROM scenarios WHERE id = ?",
        id
    )
    .fetch_optional(exec)
    .await
}

/// The id of the scenario named `name`, if any.
pub async fn id_named(
    exec: impl Executor<'_, Database = Sqlite>,
    name: &str,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!("SELECT id FROM scenarios WHERE name = ?", name)
        .fetch_optional(exec)
        .await
}

/// Writes a scenario: inserted, or replaced when its id exists.
pub async fn upsert(
    exec: impl Executor<'_, Database = Sqlite>,
    r: &ScenarioRow,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO scenarios (id, name, notes, body, version, created_by, created_at, updated_by, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, notes = excluded.notes,
             body = excluded.body, version = excluded.version, updated_by = excluded.updated_by,
             updated_at = excluded.updated_at",
        r.id,
        r.name,
        r.notes,
        r.body,
        r.version,
        r.created_by,
        r.created_at,
        r.updated_by,
        r.updated_at
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// Removes a scenario; true when it existed.
pub async fn delete(exec: impl Executor<'_, Database = Sqlite>, id: &str) -> sqlx::Result<bool> {
    let done = sqlx::query!("DELETE FROM scenarios WHERE id = ?", id)
        .execute(exec)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// One planning session started from this workspace.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRow {
    pub id: String,
    pub name: String,
    pub file: String,
    pub started_by: String,
    pub started_at: i64,
    pub merged_at: Option<i64>,
    pub merged_by: Option<String>,
}

/// Every session started from this workspace, newest first.
pub async fn sessions(exec: impl Executor<'_, Database = Sqlite>) -> sqlx::Result<Vec<SessionRow>> {
    sqlx::query_as!(
        SessionRow,
        "SELECT id, name, file, started_by, started_at, merged_at, merged_by
         FROM plan_sessions ORDER BY started_at DESC, id"
    )
    .fetch_all(exec)
    .await
}

/// Records a session started from this workspace.
pub async fn insert_session(
    exec: impl Executor<'_, Database = Sqlite>,
    r: &SessionRow,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO plan_sessions (id, name, file, started_by, started_at, merged_at, merged_by)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
        r.id,
        r.name,
        r.file,
        r.started_by,
        r.started_at,
        r.merged_at,
        r.merged_by
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// Marks a session merged back.
pub async fn mark_merged(
    exec: impl Executor<'_, Database = Sqlite>,
    id: &str,
    by: &str,
    at: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE plan_sessions SET merged_at = ?, merged_by = ? WHERE id = ?",
        at,
        by,
        id
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// The session this file is a copy for: (session id, the live workspace's path, started at).
pub async fn session_self(
    exec: impl Executor<'_, Database = Sqlite>,
) -> sqlx::Result<Option<(String, String, i64)>> {
    let row = sqlx::query!("SELECT id, source, started_at FROM session_self LIMIT 1")
        .fetch_optional(exec)
        .await?;
    Ok(row.map(|r| (r.id, r.source, r.started_at)))
}

/// Marks this file as the copy of a session.
pub async fn set_session_self(
    exec: impl Executor<'_, Database = Sqlite>,
    id: &str,
    source: &str,
    started_at: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO session_self (id, source, started_at) VALUES (?, ?, ?)",
        id,
        source,
        started_at
    )
    .execute(exec)
    .await?;
    Ok(())
}
