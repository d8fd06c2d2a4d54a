//! `transitions`: every state change and review action, idempotent on the source's event id.

use sqlx::{Executor, Sqlite, SqliteConnection};

use crate::graph::model::{Transition, TransitionKind};

/// Inserts transitions; one already stored (same item and event id) is skipped.
/// Returns how many were new. The order of `transitions` is kept as the tie-break between
/// changes of one item recorded at the same instant.
pub async fn insert_many(
    conn: &mut SqliteConnection,
    transitions: &[Transition],
) -> sqlx::Result<u64> {
    insert_numbered(conn, &numbered(transitions)).await
}

/// `transitions`, each with its `seq`: its place in the slice.
pub(crate) fn numbered(transitions: &[Transition]) -> Vec<(i64, &Transition)> {
    transitions
        .iter()
        .enumerate()
        .map(|(i, t)| (i as i64, t))
        .collect()
}

/// [`insert_many`] with each transition's `seq` given.
pub async fn insert_numbered(
    conn: &mut SqliteConnection,
    transitions: &[(i64, &Transition)],
) -> sqlx::Result<u64> {
    let ordered = in_key_order(transitions);
    super::insert_with(conn, &INSERT, &ordered, bind).await
}

/// Numbered transitions in the order of their item (see `super::in_key_order`).
pub(crate) fn in_key_order<'a>(
    transitions: &[(i64, &'a Transition)],
) -> Vec<(i64, &'a Transition)> {
    super::in_key_order(transitions, |(_, t)| &t.item_id)
        .into_iter()
        .copied()
        .collect()
}

/// The statement of a bulk insert of numbered transitions ([`bind`] binds a row).
pub(crate) const INSERT: super::BulkInsert = super::BulkInsert {
    head: "INSERT INTO transitions (item_id, event_id, seq, kind, from_state, to_state, at, actor_id) ",
    columns: 8,
    tail: " ON CONFLICT (item_id, event_id) DO NOTHING",
};

/// A numbered transition's values for [`INSERT`].
pub(crate) fn bind<'a, B: super::RowValues<'a>>(b: &mut B, &(seq, t): &(i64, &'a Transition)) {
    b.text(&t.item_id)
        .text(&t.event_id)
        .int(seq)
        .text(t.kind.as_str())
        .opt_text(t.from_state.as_deref())
        .text(&t.to_state)
        .int(t.at)
        .opt_text(t.actor_id.as_deref());
}

/// Deletes the state changes, blocked flags and review actions of the items in `ids_json` (a
/// JSON array of item ids), whose complete history a sync is about to write again (GitHub
/// lifecycles, from whole timelines). Label and assignee changes stay. Returns how many rows
/// went.
pub async fn delete_lifecycle_of(conn: &mut SqliteConnection, ids_json: &str) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "DELETE FROM transitions WHERE kind IN ('state', 'flag', 'review')
           AND item_id IN (SELECT value FROM json_each(?1))",
        ids_json
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

/// The transitions of one item, in time order (ties in insertion order).
pub async fn for_item(
    exec: impl Executor<'_, Database = Sqlite>,
    item_id: &str,
) -> sqlx::Result<Vec<Transition>> {
    let rows = sqlx::query!(
        "SELECT item_id, event_id, kind, from_state, to_state, at, actor_id FROM transitions
         WHERE item_id = ? ORDER BY at, seq",
        item_id
    )
    .fetch_all(exec)
    .await?;
    // Kinds this build does not know are skipped, not misread.
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Transition {
                kind: TransitionKind::parse(&r.kind)?,
                item_id: r.item_id,
                event_id: r.event_id,
                from_state: r.from_state,
                to_state: r.to_state,
                at: r.at,
                actor_id: r.actor_id,
            })
        })
        .collect())
}
