//! `sources`: connections to the tools work comes from.

use sqlx::{Executor, Sqlite};

use crate::graph::model::{Source, SourceKind};

/// Inserts a source, or updates it when the id exists.
pub async fn upsert(
    exec: impl Executor<'_, Database = Sqlite>,
    source: &Source,
) -> sqlx::Result<()> {
    let kind = source.kind.as_str();
    sqlx::query!(
        "INSERT INTO sources (id, kind, name, base_url, scope, secret_ref, poll_interval_s, enabled, synthetic, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name, base_url = excluded.base_url,
             scope = excluded.scope, secret_ref = excluded.secret_ref, poll_interval_s = excluded.poll_interval_s,
             enabled = excluded.enabled, synthetic = excluded.synthetic",
        source.id,
        kind,
        source.name,
        source.base_url,
        source.scope,
        source.secret_ref,
        source.poll_interval_s,
        source.enabled,
        source.synthetic,
        source.created_at,
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// Every source, by name.
pub async fn list(exec: impl Executor<'_, Database = Sqlite>) -> sqlx::Result<Vec<Source>> {
    let rows = sqlx::query!(
        r#"SELECT id AS "id!", kind, name, base_url, scope, secret_ref, poll_interval_s, enabled AS "enabled: bool",
                  synthetic AS "synthetic: bool", created_at FROM sources ORDER BY name"#
    )
    .fetch_all(exec)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Source {
            id: r.id,
            kind: SourceKind::parse(&r.kind).unwrap_or(SourceKind::File),
            name: r.name,
            base_url: r.base_url,
            scope: r.scope,
            secret_ref: r.secret_ref,
            poll_interval_s: r.poll_interval_s,
            enabled: r.enabled,
            synthetic: r.synthetic,
            created_at: r.created_at,
        })
        .collect())
}

/// Removes a source and, by cascade, everything synced from it.
pub async fn delete(exec: impl Executor<'_, Database = Sqlite>, id: &str) -> sqlx::Result<bool> {
    let done = sqlx::query!("DELETE FROM sources WHERE id = ?", id)
        .execute(exec)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// One source by id.
pub async fn get(
    exec: impl Executor<'_, Database = Sqlite>,
    id: &str,
) -> sqlx::Result<Option<Source>> {
    let row = sqlx::query!(
        r#"SELECT id AS "id!", kind, name, base_url, scope, secret_ref, poll_interval_s, enabled AS "enabled: bool",
                  synthetic AS "synthetic: bool", created_at FROM sources WHERE id = ?"#,
        id
    )
    .fetch_optional(exec)
    .await?;
    Ok(row.map(|r| Source {
        id: r.id,
        kind: SourceKind::parse(&r.kind).unwrap_or(SourceKind::File),
        name: r.name,
        base_url: r.base_url,
        scope: r.scope,
        secret_ref: r.secret_ref,
        poll_interval_s: r.poll_interval_s,
        enabled: r.enabled,
        synthetic: r.synthetic,
        created_at: r.created_at,
    }))
}

/// Turns polling of a source on or off.
pub async fn set_enabled(
    exec: impl Executor<'_, Database = Sqlite>,
    id: &str,
    enabled: bool,
) -> sqlx::Result<bool> {
    let done = sqlx::query!("UPDATE sources SET enabled = ? WHERE id = ?", enabled, id)
        .execute(exec)
        .await?;
    Ok(done.rows_affected() > 0)
}
