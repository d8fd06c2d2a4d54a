//! `items`: work items.

use sqlx::{Executor, Sqlite, SqliteConnection};

use crate::graph::model::{FlowState, ItemKind, Provenance, WaitReason, WorkItem};

/// Inserts items or, for an existing (id), replaces the synced fields.
pub async fn upsert_many(conn: &mut SqliteConnection, items: &[WorkItem]) -> sqlx::Result<u64> {
    let ordered = super::in_key_order(items, |i| &i.id);
    super::insert_batched(
        conn,
        "INSERT INTO items (id, source_id, external_id, key, url, kind, title, team_id, owner_id, author_id,
             provenance, provenance_agent, provenance_confidence, raw_state, flow_state, wait_reason, intent_id,
             priority, created_at, started_at, done_at, updated_at) ",
        22,
        " ON CONFLICT (id) DO UPDATE SET key = excluded.key, url = excluded.url, kind = excluded.kind,
             title = excluded.title, team_id = excluded.team_id, owner_id = excluded.owner_id,
             author_id = excluded.author_id, provenance = excluded.provenance,
             provenance_agent = excluded.provenance_agent, provenance_confidence = excluded.provenance_confidence,
             raw_state = excluded.raw_state, flow_state = excluded.flow_state, wait_reason = excluded.wait_reason,
             intent_id = excluded.intent_id, priority = excluded.priority, created_at = excluded.created_at,
             started_at = excluded.started_at, done_at = excluded.done_at, updated_at = excluded.updated_at",
        &ordered,
        |mut b, i| {
            b.push_bind(i.id.as_str())
                .push_bind(i.source_id.as_str())
                .push_bind(i.external_id.as_str())
                .push_bind(i.key.as_str())
                .push_bind(i.url.as_str())
                .push_bind(i.kind.as_str())
                .push_bind(i.title.as_str())
                .push_bind(i.team_id.as_deref())
                .push_bind(i.owner_id.as_deref())
                .push_bind(i.author_id.as_deref())
                .push_bind(i.provenance.as_str())
                .push_bind(i.provenance_agent.as_deref())
                .push_bind(i.provenance_confidence)
                .push_bind(i.raw_state.as_str())
                .push_bind(i.flow_state.as_str())
                .push_bind(i.wait_reason.map(WaitReason::as_str))
                .push_bind(i.intent_id.as_deref())
                .push_bind(i.priority.as_deref())
                .push_bind(i.created_at)
                .push_bind(i.started_at)
                .push_bind(i.done_at)
                .push_bind(i.updated_at);
        },
    )
    .await
}

/// One item by id.
pub async fn get(
    exec: impl Executor<'_, Database = Sqlite>,
    id: &str,
) -> sqlx::Result<Option<WorkItem>> {
    let row = sqlx::query!(
        r#"SELECT id AS "id!", source_id, external_id, key, url, kind, title, team_id, owner_id, author_id, provenance,
                  provenance_agent, provenance_confidence, raw_state, flow_state, wait_reason, intent_id, priority,
                  created_at, started_at, done_at, updated_at
           FROM items WHERE id = ?"#,
        id
    )
    .fetch_optional(exec)
    .await?;
    Ok(row.map(|r| WorkItem {
        id: r.id,
        source_id: r.source_id,
        external_id: r.external_id,
        key: r.key,
        url: r.url,
        kind: ItemKind::parse(&r.kind).unwrap_or(ItemKind::Task),
        title: r.title,
        team_id: r.team_id,
        owner_id: r.owner_id,
        author_id: r.author_id,
        provenance: Provenance::parse(&r.provenance).unwrap_or(Provenance::Human),
        provenance_agent: r.provenance_agent,
        provenance_confidence: r.provenance_confidence,
        raw_state: r.raw_state,
        flow_state: FlowState::parse(&r.flow_state).unwrap_or(FlowState::New),
        wait_reason: r.wait_reason.as_deref().and_then(WaitReason::parse),
        intent_id: r.intent_id,
        priority: r.priority,
        created_at: r.created_at,
        started_at: r.started_at,
        done_at: r.done_at,
        updated_at: r.updated_at,
    }))
}

/// Deletes an item (its transitions and links go with it).
pub async fn delete(exec: impl Executor<'_, Database = Sqlite>, id: &str) -> sqlx::Result<bool> {
    let done = sqlx::query!("DELETE FROM items WHERE id = ?", id)
        .execute(exec)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Re-derives the stored current flow state and wait reason of the items of a source that are
/// in `raw_state`, from the workflow map: the most specific mapping wins — the item's team and
/// kind, its team (every kind), its kind (every team), then the mapping of every team and kind.
pub async fn remap_current_state(
    conn: &mut SqliteConnection,
    source_id: &str,
    raw_state: &str,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        r#"UPDATE items SET
             flow_state = COALESCE(
                 (SELECT m.flow_state FROM workflow_maps m
                  WHERE m.source_id = items.source_id AND m.raw_state = items.raw_state
                    AND m.team_id IN ('', COALESCE(items.team_id, '')) AND m.item_kind IN ('', items.kind)
                  ORDER BY m.team_id = '', m.item_kind = '' LIMIT 1),
                 items.flow_state),
             wait_reason = CASE
                 WHEN EXISTS (SELECT 1 FROM workflow_maps m
                              WHERE m.source_id = items.source_id AND m.raw_state = items.raw_state
                                AND m.team_id IN ('', COALESCE(items.team_id, '')) AND m.item_kind IN ('', items.kind))
                 THEN (SELECT m.wait_reason FROM workflow_maps m
                       WHERE m.source_id = items.source_id AND m.raw_state = items.raw_state
                         AND m.team_id IN ('', COALESCE(items.team_id, '')) AND m.item_kind IN ('', items.kind)
                       ORDER BY m.team_id = '', m.item_kind = '' LIMIT 1)
                 ELSE items.wait_reason END
           WHERE source_id = ?1 AND raw_state = ?2"#,
        source_id,
        raw_state
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

/// Which of `ids` (a JSON array of strings) are stored items.
pub async fn existing(
    exec: impl Executor<'_, Database = Sqlite>,
    ids_json: &str,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        r#"SELECT id AS "id!" FROM items WHERE id IN (SELECT value FROM json_each(?1))"#,
        ids_json
    )
    .fetch_all(exec)
    .await
}

/// How many items a source has.
pub async fn count_for_source(
    exec: impl Executor<'_, Database = Sqlite>,
    source_id: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!("SELECT COUNT(*) FROM items WHERE source_id = ?", source_id)
        .fetch_one(exec)
        .await
}
