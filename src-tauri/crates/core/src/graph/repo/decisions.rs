//! `decisions`: the user's own facts layered over synced data. A sync never writes here, and no
//! row is ever updated or deleted (the table's triggers refuse it): a later decision supersedes an
//! earlier one.

use sqlx::{Executor, Sqlite};

/// One decision as stored (see the migration `20261204000004_decisions.sql` for each column).
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionRow {
    /// Insertion order (the row id): among decisions taken at the same instant, the later row
    /// supersedes the earlier.
    pub seq: i64,
    pub id: String,
    pub item_id: Option<String>,
    pub kind: String,
    /// JSON array of item ids.
    pub covers: String,
    /// JSON array of triage reason codes.
    pub reasons: String,
    pub supersedes: Option<String>,
    /// JSON object with a schema version `v`.
    pub payload: String,
    pub actor: String,
    pub why: String,
    pub until_at: Option<i64>,
    pub seen_updated_at: Option<i64>,
    pub seen_changes: Option<i64>,
    pub created_at: i64,
}

/// Records a decision (`seq` is ignored: the row id decides it).
pub async fn insert(
    exec: impl Executor<'_, Database = Sqlite>,
    d: &DecisionRow,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO decisions (id, item_id, kind, covers, reasons, supersedes, payload, actor, why,
             until_at, seen_updated_at, seen_changes, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        d.id,
        d.item_id,
        d.kind,
        d.covers,
        d.reasons,
        d.supersedes,
        d.payload,
        d.actor,
        d.why,
        d.until_at,
        d.seen_updated_at,
        d.seen_changes,
        d.created_at
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// Every decision, in the order they were taken.
pub async fn list(exec: impl Executor<'_, Database = Sqlite>) -> sqlx::Result<Vec<DecisionRow>> {
    let rows = sqlx::query!(
        r#"SELECT rowid AS "seq!: i64", id AS "id!", item_id, kind, covers, reasons, supersedes, payload,
                  actor, why, until_at, seen_updated_at, seen_changes, created_at
           FROM decisions ORDER BY rowid"#
    )
    .fetch_all(exec)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| DecisionRow {
            seq: r.seq,
            id: r.id,
            item_id: r.item_id,
            kind: r.kind,
            covers: r.covers,
            reasons: r.reasons,
            supersedes: r.supersedes,
            payload: r.payload,
            actor: r.actor,
            why: r.why,
            until_at: r.until_at,
            seen_updated_at: r.seen_updated_at,
            seen_changes: r.seen_changes,
            created_at: r.created_at,
        })
        .collect())
}

/// The decisions of the given kinds, in insertion order (a runtime query: the kinds are a
/// list).
pub async fn list_of_kinds(
    exec: impl Executor<'_, Database = Sqlite>,
    kinds: &[&str],
) -> sqlx::Result<Vec<DecisionRow>> {
    type Columns = (
        i64,
        String,
        Option<String>,
        String,
        String,
        String,
        Option<String>,
        String,
        String,
        String,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        i64,
    );
    let kinds = serde_json::to_string(kinds).unwrap_or_else(|_| "[]".into());
    let rows: Vec<Columns> = sqlx::query_as(
        "SELECT rowid, id, item_id, kind, covers, reasons, supersedes, payload, actor, why,
                until_at, seen_updated_at, seen_changes, created_at
         FROM decisions WHERE kind IN (SELECT value FROM json_each(?1)) ORDER BY rowid",
    )
    .bind(kinds)
    .fetch_all(exec)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| DecisionRow {
            seq: r.0,
            id: r.1,
            item_id: r.2,
            kind: r.3,
            covers: r.4,
            reasons: r.5,
            supersedes: r.6,
            payload: r.7,
            actor: r.8,
            why: r.9,
            until_at: r.10,
            seen_updated_at: r.11,
            seen_changes: r.12,
            created_at: r.13,
        })
        .collect())
}

/// Which state the table is in: (rows, last row id). Rows are only ever added, so two equal
/// stamps mean the same decisions.
pub async fn stamp(exec: impl Executor<'_, Database = Sqlite>) -> sqlx::Result<(i64, i64)> {
    let row = sqlx::query!(
        r#"SELECT COUNT(*) AS "rows!: i64", COALESCE(MAX(rowid), 0) AS "last!: i64" FROM decisions"#
    )
    .fetch_one(exec)
    .await?;
    Ok((row.rows, row.last))
}
