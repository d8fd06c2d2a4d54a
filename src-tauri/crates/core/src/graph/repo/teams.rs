//! `teams`.

use sqlx::{Executor, Sqlite, SqliteConnection};

use crate::graph::model::Team;

/// Inserts teams, renaming existing ones.
pub async fn upsert_many(conn: &mut SqliteConnection, teams: &[Team]) -> sqlx::Result<u64> {
    super::insert_batched(
        conn,
        "INSERT INTO teams (id, name) ",
        2,
        " ON CONFLICT (id) DO UPDATE SET name = excluded.name",
        teams,
        |b, t| {
            b.push_bind(t.id.as_str()).push_bind(t.name.as_str());
        },
    )
    .await
}

/// Every team, by name.
pub async fn list(exec: impl Executor<'_, Database = Sqlite>) -> sqlx::Result<Vec<Team>> {
    let rows = sqlx::query!(r#"SELECT id AS "id!", name FROM teams ORDER BY name"#)
        .fetch_all(exec)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| Team {
            id: r.id,
            name: r.name,
        })
        .collect())
}
