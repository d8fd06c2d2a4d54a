//! `team_rules`: which team an item belongs to, from where it lives at the source.

use sqlx::{Executor, Sqlite};

/// One rule (see the migration for the meaning of each field).
#[derive(Debug, Clone, PartialEq)]
pub struct TeamRule {
    pub id: String,
    /// `None`: every source.
    pub source_id: Option<String>,
    /// repo, project, component or label.
    pub field: String,
    pub pattern: String,
    pub team_id: String,
    pub priority: i64,
}

/// Every rule, in the order they are tried.
pub async fn list(exec: impl Executor<'_, Database = Sqlite>) -> sqlx::Result<Vec<TeamRule>> {
    let rows = sqlx::query!(
        r#"SELECT id AS "id!", source_id, field, pattern, team_id, priority FROM team_rules ORDER BY priority, id"#
    )
    .fetch_all(exec)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| TeamRule {
            id: r.id,
            source_id: r.source_id,
            field: r.field,
            pattern: r.pattern,
            team_id: r.team_id,
            priority: r.priority,
        })
        .collect())
}

/// Inserts or replaces a rule.
pub async fn upsert(
    exec: impl Executor<'_, Database = Sqlite>,
    rule: &TeamRule,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO team_rules (id, source_id, field, pattern, team_id, priority) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET source_id = excluded.source_id, field = excluded.field,
             pattern = excluded.pattern, team_id = excluded.team_id, priority = excluded.priority",
        rule.id,
        rule.source_id,
        rule.field,
        rule.pattern,
        rule.team_id,
        rule.priority
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// Deletes a rule.
pub async fn delete(exec: impl Executor<'_, Database = Sqlite>, id: &str) -> sqlx::Result<bool> {
    let done = sqlx::query!("DELETE FROM team_rules WHERE id = ?", id)
        .execute(exec)
        .await?;
    Ok(done.rows_affected() > 0)
}
