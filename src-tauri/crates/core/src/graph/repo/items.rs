//! `items`: work items.

use sqlx::{Executor, Sqlite, SqliteConnection};

use crate::graph::model::{FlowState, ItemKind, Provenance, WaitReason, WorkItem};

/// Inserts items or, for an existing (id), replaces the synced fields.
pub async fn upsert_many(conn: &mut SqliteConnection, items: &[WorkItem]) -> sqlx::Result<u64> {
    let ordered = super::in_key_order(items, |i| &i.id);
    super::insert_with(conn, &UPSERT, &ordered, |b, i| bind(b, i)).await
}

/// The statement of a bulk upsert of items ([`bind`] binds a row).
pub(crate) const UPSERT: super::BulkInsert = super::BulkInsert {
    head: "INSERT INTO items (id, source_id, external_id, key, url, kind, title, team_id, owner_id, author_id,
             provenance, provenance_agent, provenance_confidence, raw_state, flow_state, wait_reason, intent_id,
             priority, estimate, created_at, started_at, done_at, updated_at) ",
    columns: 23,
    tail: " ON CONFLICT (id) DO UPDATE SET key = excluded.key, url = excluded.url, kind = excluded.kind,
             title = excluded.title, team_id = excluded.team_id, owner_id = excluded.owner_id,
             author_id = excluded.author_id, provenance = excluded.provenance,
             provenance_agent = excluded.provenance_agent, provenance_confidence = excluded.provenance_confidence,
             raw_state = excluded.raw_state, flow_state = excluded.flow_state, wait_reason = excluded.wait_reason,
             priority = excluded.priority, estimate = excluded.estimate, created_at = excluded.created_at,
             started_at = excluded.started_at, done_at = excluded.done_at, updated_at = excluded.updated_at",
};

/// An item's values for [`UPSERT`].
pub(crate) fn bind<'a, B: super::RowValues<'a>>(b: &mut B, i: &'a WorkItem) {
    b.text(&i.id)
        .text(&i.source_id)
        .text(&i.external_id)
        .text(&i.key)
        .text(&i.url)
        .text(i.kind.as_str())
        .text(&i.title)
        .opt_text(i.team_id.as_deref())
        .opt_text(i.owner_id.as_deref())
        .opt_text(i.author_id.as_deref())
        .text(i.provenance.as_str())
        .opt_text(i.provenance_agent.as_deref())
        .real(i.provenance_confidence)
        .text(&i.raw_state)
        .text(i.flow_state.as_str())
        .opt_text(i.wait_reason.map(|w| w.as_str()))
        .opt_text(i.intent_id.as_deref())
        .opt_text(i.priority.as_deref())
        .opt_real(i.estimate)
        .int(i.created_at)
        .opt_int(i.started_at)
        .opt_int(i.done_at)
        .int(i.updated_at);
}

/// Who asked for each item, as its own record says: `rows` is a JSON array of
/// `[item id, requester person id or null, signal or null]`. Items not stored are skipped.
pub async fn set_requesters(conn: &mut SqliteConnection, rows_json: &str) -> sqlx::Result<u64> {
    let done = sqlx::query(SET_REQUESTERS)
        .bind(rows_json)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}

/// The statement of [`set_requesters`] (`?1`: the JSON array of rows).
pub(crate) const SET_REQUESTERS: &str = "UPDATE items
   SET requester_id = json_extract(j.value, '$[1]'), requester_signal = json_extract(j.value, '$[2]')
   FROM json_each(?1) AS j
   WHERE items.id = json_extract(j.value, '$[0]')
     AND (items.requester_id IS NOT json_extract(j.value, '$[1]')
          OR items.requester_signal IS NOT json_extract(j.value, '$[2]'))";

/// Who asked for an item and by which signal, as stored: (requester person id, signal).
pub async fn requester(
    exec: impl Executor<'_, Database = Sqlite>,
    id: &str,
) -> sqlx::Result<Option<(Option<String>, Option<String>)>> {
    let row = sqlx::query!(
        "SELECT requester_id, requester_signal FROM items WHERE id = ?",
        id
    )
    .fetch_optional(exec)
    .await?;
    Ok(row.map(|r| (r.requester_id, r.requester_signal)))
}

/// One item by id.
pub async fn get(
    exec: impl Executor<'_, Database = Sqlite>,
    id: &str,
) -> sqlx::Result<Option<WorkItem>> {
    let row = sqlx::query!(
        r#"SELECT id AS "id!", source_id, external_id, key, url, kind, title, team_id, owner_id, author_id, provenance,
                  provenance_agent, provenance_confidence, raw_state, flow_state, wait_reason, intent_id, priority,
                  estimate, created_at, started_at, done_at, updated_at
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
        estimate: r.estimate,
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
/// kind, its team (every kind), its project (a Jira project key, the part of the item's key
/// before its number), its kind (every team), then the mapping of every team and kind.
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
                    AND (m.scope = '' OR (m.team_id = '' AND m.item_kind = '' AND substr(items.key, 1, length(m.scope) + 1) = m.scope || '-'))
                  ORDER BY CASE WHEN m.team_id <> '' AND m.item_kind <> '' THEN 0 WHEN m.team_id <> '' THEN 1 WHEN m.scope <> '' THEN 2 WHEN m.item_kind <> '' THEN 3 ELSE 4 END LIMIT 1),
                 items.flow_state),
             wait_reason = CASE
                 WHEN EXISTS (SELECT 1 FROM workflow_maps m
                              WHERE m.source_id = items.source_id AND m.raw_state = items.raw_state
                                AND m.team_id IN ('', COALESCE(items.team_id, '')) AND m.item_kind IN ('', items.kind)
                                AND (m.scope = '' OR (m.team_id = '' AND m.item_kind = '' AND substr(items.key, 1, length(m.scope) + 1) = m.scope || '-')))
                 THEN (SELECT m.wait_reason FROM workflow_maps m
                       WHERE m.source_id = items.source_id AND m.raw_state = items.raw_state
                         AND m.team_id IN ('', COALESCE(items.team_id, '')) AND m.item_kind IN ('', items.kind)
                         AND (m.scope = '' OR (m.team_id = '' AND m.item_kind = '' AND substr(items.key, 1, length(m.scope) + 1) = m.scope || '-'))
                       ORDER BY CASE WHEN m.team_id <> '' AND m.item_kind <> '' THEN 0 WHEN m.team_id <> '' THEN 1 WHEN m.scope <> '' THEN 2 WHEN m.item_kind <> '' THEN 3 ELSE 4 END LIMIT 1)
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

/// The titles of `ids` as written (the index keeps them folded), by id; ids not stored are left
/// out.
pub async fn titles(
    exec: impl Executor<'_, Database = Sqlite>,
    ids: &[&str],
) -> sqlx::Result<std::collections::HashMap<String, String>> {
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let json = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    let rows: Vec<(crate::graph::text::LossyText, crate::graph::text::LossyText)> =
        sqlx::query_as("SELECT id, title FROM items WHERE id IN (SELECT value FROM json_each(?1))")
            .bind(json)
            .fetch_all(exec)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, title)| (id.text, title.text))
        .collect())
}

/// The items `text` names: the item with that id, else those whose key it is (`PAY-12`,
/// `acme/pay#7`), else the one a former key or source reference names (a renamed repository's
/// old key). Several when a key is shared across sources.
pub async fn named_by(
    exec: impl Executor<'_, Database = Sqlite>,
    text: &str,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT id FROM items WHERE id = ?1
         UNION ALL
         SELECT id FROM items WHERE key = ?1 AND NOT EXISTS (SELECT 1 FROM items WHERE id = ?1)
         UNION ALL
         SELECT DISTINCT k.item_id FROM item_keys k
          WHERE (k.ref = ?1 OR (length(k.ref) > length(?1)
                 AND substr(k.ref, -length(?1)) = ?1 AND substr(k.ref, -length(?1) - 1, 1) = '/'))
            AND NOT EXISTS (SELECT 1 FROM items WHERE id = ?1 OR key = ?1)",
    )
    .bind(text)
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

/// The first id after every id that starts with `prefix` (for range scans over a prefix).
fn prefix_end(prefix: &str) -> String {
    let mut end = prefix.to_owned();
    match end.pop() {
        Some(last) => {
            let next = char::from_u32(u32::from(last) + 1).unwrap_or(char::MAX);
            end.push(next);
            end
        }
        None => char::MAX.to_string(),
    }
}

/// Gives every item whose id starts with `from` the id that starts with `to` instead (the rest
/// kept), with its changes, links, pending links, decisions and keys. An item that already has
/// the new id wins over the old one, which is dropped. Run inside a transaction with
/// `PRAGMA defer_foreign_keys = ON`. Returns how many items were renamed.
pub async fn rekey(conn: &mut SqliteConnection, from: &str, to: &str) -> sqlx::Result<u64> {
    let end = prefix_end(from);
    let any = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM items WHERE id >= ?1 AND id < ?2) AS "any!: bool""#,
        from,
        end
    )
    .fetch_one(&mut *conn)
    .await?;
    if !any {
        return Ok(0);
    }
    sqlx::query!(
        "DELETE FROM items WHERE id >= ?1 AND id < ?3
           AND ?2 || substr(id, length(?1) + 1) IN (SELECT id FROM items)",
        from,
        to,
        end
    )
    .execute(&mut *conn)
    .await?;
    let renamed = sqlx::query!(
        "UPDATE items SET id = ?2 || substr(id, length(?1) + 1) WHERE id >= ?1 AND id < ?3",
        from,
        to,
        end
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    sqlx::query!(
        "UPDATE OR IGNORE transitions SET item_id = ?2 || substr(item_id, length(?1) + 1)
         WHERE item_id >= ?1 AND item_id < ?3",
        from,
        to,
        end
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "DELETE FROM transitions WHERE item_id >= ?1 AND item_id < ?2",
        from,
        end
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE OR IGNORE links SET
             from_item_id = CASE WHEN from_item_id >= ?1 AND from_item_id < ?3
                                 THEN ?2 || substr(from_item_id, length(?1) + 1) ELSE from_item_id END,
             to_item_id = CASE WHEN to_item_id >= ?1 AND to_item_id < ?3
                               THEN ?2 || substr(to_item_id, length(?1) + 1) ELSE to_item_id END
         WHERE (from_item_id >= ?1 AND from_item_id < ?3) OR (to_item_id >= ?1 AND to_item_id < ?3)",
        from,
        to,
        end
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "DELETE FROM links
         WHERE (from_item_id >= ?1 AND from_item_id < ?2) OR (to_item_id >= ?1 AND to_item_id < ?2)",
        from,
        end
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE OR IGNORE pending_links SET
             from_item_id = CASE WHEN from_item_id >= ?1 AND from_item_id < ?3
                                 THEN ?2 || substr(from_item_id, length(?1) + 1) ELSE from_item_id END,
             to_item_id = CASE WHEN to_item_id >= ?1 AND to_item_id < ?3
                               THEN ?2 || substr(to_item_id, length(?1) + 1) ELSE to_item_id END
         WHERE (from_item_id >= ?1 AND from_item_id < ?3) OR (to_item_id >= ?1 AND to_item_id < ?3)",
        from,
        to,
        end
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "DELETE FROM pending_links
         WHERE (from_item_id >= ?1 AND from_item_id < ?2) OR (to_item_id >= ?1 AND to_item_id < ?2)",
        from,
        end
    )
    .execute(&mut *conn)
    .await?;
    // A decision follows its item, by the id it names and the ids it covers (the decisions'
    // trigger lets a decision change in this way only: `20261216000100_decisions_follow_rekeyed_items.sql`).
    sqlx::query(
        "UPDATE decisions SET
             item_id = CASE WHEN item_id >= ?1 AND item_id < ?3
                            THEN ?2 || substr(item_id, length(?1) + 1) ELSE item_id END,
             covers = (SELECT json_group_array(CASE WHEN value >= ?1 AND value < ?3
                                                    THEN ?2 || substr(value, length(?1) + 1) ELSE value END)
                       FROM (SELECT value FROM json_each(decisions.covers) ORDER BY key))
         WHERE (item_id >= ?1 AND item_id < ?3)
            OR EXISTS (SELECT 1 FROM json_each(decisions.covers) WHERE value >= ?1 AND value < ?3)",
    )
    .bind(from)
    .bind(to)
    .bind(&end)
    .execute(&mut *conn)
    .await?;
    // What later schema additions keep per item moves with it too (an item that already has
    // the new id keeps its own rows).
    for table in [
        "intent_links",
        "item_facets",
        "item_paths",
        "item_path_lists",
        "item_texts",
        "review_requests",
    ] {
        sqlx::query(&format!(
            "UPDATE OR IGNORE {table} SET item_id = ?2 || substr(item_id, length(?1) + 1)
             WHERE item_id >= ?1 AND item_id < ?3"
        ))
        .bind(from)
        .bind(to)
        .bind(&end)
        .execute(&mut *conn)
        .await?;
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE item_id >= ?1 AND item_id < ?2"
        ))
        .bind(from)
        .bind(&end)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query!(
        "UPDATE item_keys SET item_id = ?2 || substr(item_id, length(?1) + 1)
         WHERE item_id >= ?1 AND item_id < ?3",
        from,
        to,
        end
    )
    .execute(&mut *conn)
    .await?;
    Ok(renamed)
}

/// Gives the items whose id starts with `id_prefix` and whose key is of repository `old`
/// (`old#12`) the key and URL of repository `new`, and records the new keys (qualified by
/// `ref_prefix`) in `item_keys`; the old keys keep naming them. Returns how many items changed.
pub async fn rename_keys(
    conn: &mut SqliteConnection,
    id_prefix: &str,
    ref_prefix: &str,
    old: &str,
    new: &str,
) -> sqlx::Result<u64> {
    let end = prefix_end(id_prefix);
    let old_key = format!("{old}#");
    let new_key = format!("{new}#");
    let old_path = format!("/{old}/");
    let new_path = format!("/{new}/");
    let changed = sqlx::query!(
        "UPDATE items SET key = ?4 || substr(key, length(?3) + 1), url = replace(url, ?5, ?6)
         WHERE id >= ?1 AND id < ?2 AND substr(key, 1, length(?3)) = ?3",
        id_prefix,
        end,
        old_key,
        new_key,
        old_path,
        new_path
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if changed > 0 {
        // (Only the keys of repository `new`: every other item's key is recorded already.)
        sqlx::query!(
            "INSERT INTO item_keys (ref, item_id)
             SELECT ?3 || key, id FROM items
             WHERE id >= ?1 AND id < ?2 AND substr(key, 1, length(?4)) = ?4
             ON CONFLICT (ref) DO UPDATE SET item_id = excluded.item_id",
            id_prefix,
            end,
            ref_prefix,
            new_key
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(changed)
}
