//! `workflow_maps`: what each raw state means as a flow state and wait reason, per source, and
//! optionally per team and per Jira project (`scope`).

use sqlx::{Executor, Sqlite, SqliteConnection};

use crate::graph::model::{FlowState, WaitReason, WorkflowMap};

/// Inserts mappings; a user's mapping is never replaced by an inferred one.
pub async fn upsert_many(conn: &mut SqliteConnection, maps: &[WorkflowMap]) -> sqlx::Result<u64> {
    super::insert_batched(
        conn,
        "INSERT INTO workflow_maps (source_id, team_id, scope, raw_state, flow_state, wait_reason, origin) ",
        7,
        " ON CONFLICT (source_id, team_id, scope, raw_state) DO UPDATE SET flow_state = excluded.flow_state,
             wait_reason = excluded.wait_reason, origin = excluded.origin
           WHERE workflow_maps.origin = 'inferred' OR excluded.origin = 'user'",
        maps,
        |mut b, m| {
            b.push_bind(m.source_id.as_str())
                .push_bind(m.team_id.as_str())
                .push_bind(m.scope.as_str())
                .push_bind(m.raw_state.as_str())
                .push_bind(m.flow_state.as_str())
                .push_bind(m.wait_reason.map(WaitReason::as_str))
                .push_bind(m.origin.as_str());
        },
    )
    .await
}

/// Every mapping of every source.
pub async fn list(exec: impl Executor<'_, Database = Sqlite>) -> sqlx::Result<Vec<WorkflowMap>> {
    let rows = sqlx::query!(
        "SELECT source_id, team_id, scope, raw_state, flow_state, wait_reason, origin FROM workflow_maps
         ORDER BY source_id, team_id, scope, raw_state"
    )
    .fetch_all(exec)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| WorkflowMap {
            source_id: r.source_id,
            team_id: r.team_id,
            scope: r.scope,
            raw_state: r.raw_state,
            flow_state: FlowState::parse(&r.flow_state).unwrap_or(FlowState::New),
            wait_reason: r.wait_reason.as_deref().and_then(WaitReason::parse),
            origin: r.origin,
        })
        .collect())
}

/// Removes one mapping row (a team's or a project's own mapping, typically).
pub async fn delete(
    exec: impl Executor<'_, Database = Sqlite>,
    source_id: &str,
    team_id: &str,
    scope: &str,
    raw_state: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "DELETE FROM workflow_maps WHERE source_id = ? AND team_id = ? AND scope = ? AND raw_state = ?",
        source_id,
        team_id,
        scope,
        raw_state
    )
    .execute(exec)
    .await?;
    Ok(done.rows_affected() > 0)
}
