//! `policies` and `work_calendars`: the workspace's policy set (see the migration
//! `20261204000006_policies.sql`). Bodies are JSON; `governance` gives them their types.

use sqlx::{Executor, Sqlite, SqliteConnection};

/// One stored policy.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyRow {
    pub name: String,
    pub position: i64,
    pub version: i64,
    pub body: String,
    pub updated_at: i64,
}

/// Every stored policy, in the set's order.
pub async fn list(exec: impl Executor<'_, Database = Sqlite>) -> sqlx::Result<Vec<PolicyRow>> {
    sqlx::query_as!(
        PolicyRow,
        "SELECT name, position, version, body, updated_at FROM policies ORDER BY position, name"
    )
    .fetch_all(exec)
    .await
}

/// Every stored calendar: (team id or name, '' for every team; JSON body).
pub async fn calendars(
    exec: impl Executor<'_, Database = Sqlite>,
) -> sqlx::Result<Vec<(String, String)>> {
    let rows = sqlx::query!("SELECT team_id, body FROM work_calendars ORDER BY team_id")
        .fetch_all(exec)
        .await?;
    Ok(rows.into_iter().map(|r| (r.team_id, r.body)).collect())
}

/// Replaces the set: `rows` are written (their `version` as given), policies not among them
/// are removed, and the calendars are replaced by `calendars`.
pub async fn replace(
    conn: &mut SqliteConnection,
    rows: &[PolicyRow],
    calendars: &[(String, String)],
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM policies")
        .execute(&mut *conn)
        .await?;
    for r in rows {
        sqlx::query!(
            "INSERT INTO policies (name, position, version, body, updated_at) VALUES (?, ?, ?, ?, ?)",
            r.name,
            r.position,
            r.version,
            r.body,
            r.updated_at
        )
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query!("DELETE FROM work_calendars")
        .execute(&mut *conn)
        .await?;
    for (team, body) in calendars {
        sqlx::query!(
            "INSERT INTO work_calendars (team_id, body, updated_at) VALUES (?, ?, ?)",
            team,
            body,
            now
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
