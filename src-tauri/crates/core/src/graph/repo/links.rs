//! `links`: typed edges between items.

use sqlx::{Executor, Sqlite, SqliteConnection};

use crate::graph::model::{Link, LinkKind, LinkOrigin};

/// Inserts links; an existing (from, to, kind) edge takes the new origin, confidence and removal,
/// unless it is a standing manual link (a person's decision, which a sync never overwrites).
pub async fn upsert_many(conn: &mut SqliteConnection, links: &[Link]) -> sqlx::Result<u64> {
    let ordered = super::in_key_order(links, |l| &l.from_item_id);
    super::insert_batched(
        conn,
        "INSERT INTO links (from_item_id, to_item_id, kind, origin, confidence, created_at, removed_at, found_in) ",
        8,
        " ON CONFLICT (from_item_id, to_item_id, kind) DO UPDATE SET origin = excluded.origin,
             confidence = excluded.confidence, removed_at = excluded.removed_at,
             found_in = COALESCE(excluded.found_in, links.found_in)
           WHERE links.origin <> 'manual' OR links.removed_at IS NOT NULL",
        &ordered,
        |b, l| {
            // Text packed: see `insert_batched`.
            b.push_str(&l.from_item_id)
                .push_str(&l.to_item_id)
                .push_str(l.kind.as_str())
                .push_str(l.origin.as_str())
                .push_bind(l.confidence)
                .push_bind(l.created_at)
                .push_bind(l.removed_at)
                .push_opt_str(l.found_in.as_deref());
        },
    )
    .await
}

/// Every link that starts or ends at an item.
pub async fn touching(
    exec: impl Executor<'_, Database = Sqlite>,
    item_id: &str,
) -> sqlx::Result<Vec<Link>> {
    let rows = sqlx::query!(
        "SELECT from_item_id, to_item_id, kind, origin, confidence, created_at, removed_at, found_in FROM links
         WHERE from_item_id = ?1 OR to_item_id = ?1 ORDER BY created_at",
        item_id
    )
    .fetch_all(exec)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Link {
            from_item_id: r.from_item_id,
            to_item_id: r.to_item_id,
            kind: LinkKind::parse(&r.kind).unwrap_or(LinkKind::Relates),
            origin: LinkOrigin::parse(&r.origin).unwrap_or(LinkOrigin::Source),
            confidence: r.confidence,
            created_at: r.created_at,
            removed_at: r.removed_at,
            found_in: r.found_in,
        })
        .collect())
}

/// Which side of an item a [`LinkSet`] covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Links from the item.
    From,
    /// Links to the item.
    To,
    /// Both.
    Either,
}

/// The complete set of one item's links of some kinds, as the source lists them now: stored
/// source links of those kinds on that side that are not in `keep` are marked removed.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkSet {
    pub item_id: String,
    pub kinds: Vec<LinkKind>,
    pub side: Side,
    /// Only links whose other end starts with this are covered (e.g. "jira:"), so a source
    /// never retires another source's links.
    pub other_prefix: String,
    /// (from, to, kind) of the links that exist now.
    pub keep: Vec<(String, String, LinkKind)>,
}

/// The source links stored (standing, or waiting in `pending_links`) that have one of `ids` (a
/// JSON array of item ids) as an end: (from, to, kind) of each. What a [`LinkSet`] of one of
/// those items could retire is among them.
pub async fn source_links_of(
    conn: &mut SqliteConnection,
    ids_json: &str,
) -> sqlx::Result<Vec<(String, String, String)>> {
    sqlx::query_as(
        "SELECT from_item_id, to_item_id, kind FROM links
          WHERE origin = 'source' AND removed_at IS NULL
            AND from_item_id IN (SELECT value FROM json_each(?1))
         UNION ALL
         SELECT from_item_id, to_item_id, kind FROM links
          WHERE origin = 'source' AND removed_at IS NULL
            AND to_item_id IN (SELECT value FROM json_each(?1))
         UNION ALL
         SELECT from_item_id, to_item_id, kind FROM pending_links
          WHERE origin = 'source' AND from_item_id IN (SELECT value FROM json_each(?1))
         UNION ALL
         SELECT from_item_id, to_item_id, kind FROM pending_links
          WHERE origin = 'source' AND to_item_id IN (SELECT value FROM json_each(?1))",
    )
    .bind(ids_json)
    .fetch_all(&mut *conn)
    .await
}

/// Stages links of a source; they reach `links` through [`promote_pending`] once both ends exist.
pub async fn stage_pending(
    conn: &mut SqliteConnection,
    source_id: &str,
    links: &[Link],
) -> sqlx::Result<u64> {
    super::insert_batched(
        conn,
        "INSERT INTO pending_links (source_id, from_item_id, to_item_id, kind, origin, confidence, created_at, removed_at, found_in) ",
        9,
        " ON CONFLICT (from_item_id, to_item_id, kind) DO UPDATE SET origin = excluded.origin,
             confidence = excluded.confidence, removed_at = excluded.removed_at,
             created_at = MIN(pending_links.created_at, excluded.created_at),
             found_in = COALESCE(excluded.found_in, pending_links.found_in)",
        links,
        |b, l| {
            b.push_bind(source_id)
                .push_bind(l.from_item_id.as_str())
                .push_bind(l.to_item_id.as_str())
                .push_bind(l.kind.as_str())
                .push_bind(l.origin.as_str())
                .push_bind(l.confidence)
                .push_bind(l.created_at)
                .push_bind(l.removed_at)
                .push_bind(l.found_in.as_deref());
        },
    )
    .await
}

/// Moves pending links that touch any of `ids` (a JSON array of item ids and keys) and whose two
/// ends now exist into `links` (a manual link is never overwritten). An end named by a key
/// ([`super::item_keys`]) moves as the item that key names. Returns how many moved.
pub async fn promote_pending(conn: &mut SqliteConnection, ids_json: &str) -> sqlx::Result<u64> {
    let moved = sqlx::query!(
        r#"INSERT INTO links (from_item_id, to_item_id, kind, origin, confidence, created_at, removed_at, found_in)
           SELECT r.f, r.t, r.kind, r.origin, r.confidence, r.created_at, r.removed_at, r.found_in
           FROM (SELECT COALESCE((SELECT k.item_id FROM item_keys k WHERE k.ref = p.from_item_id), p.from_item_id) AS f,
                        COALESCE((SELECT k.item_id FROM item_keys k WHERE k.ref = p.to_item_id), p.to_item_id) AS t,
                        p.kind, p.origin, p.confidence, p.created_at, p.removed_at, p.found_in
                 FROM pending_links p
                 WHERE p.from_item_id IN (SELECT value FROM json_each(?1))
                    OR p.to_item_id IN (SELECT value FROM json_each(?1))) r
           WHERE EXISTS (SELECT 1 FROM items WHERE id = r.f)
             AND EXISTS (SELECT 1 FROM items WHERE id = r.t)
           ON CONFLICT (from_item_id, to_item_id, kind) DO UPDATE SET origin = excluded.origin,
               confidence = excluded.confidence, removed_at = excluded.removed_at,
               found_in = COALESCE(excluded.found_in, links.found_in)
           WHERE links.origin <> 'manual'"#,
        ids_json
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    sqlx::query!(
        r#"DELETE FROM pending_links
           WHERE (from_item_id IN (SELECT value FROM json_each(?1)) OR to_item_id IN (SELECT value FROM json_each(?1)))
             AND EXISTS (SELECT 1 FROM items WHERE id = COALESCE(
                 (SELECT k.item_id FROM item_keys k WHERE k.ref = pending_links.from_item_id), pending_links.from_item_id))
             AND EXISTS (SELECT 1 FROM items WHERE id = COALESCE(
                 (SELECT k.item_id FROM item_keys k WHERE k.ref = pending_links.to_item_id), pending_links.to_item_id))"#,
        ids_json
    )
    .execute(&mut *conn)
    .await?;
    Ok(moved)
}

/// Applies every [`LinkSet`] of `sets` at once, with the same result as applying them one after
/// the other: a stored source link is retired (`removed_at` set; a pending link dropped) when one
/// of the sets covers it and does not list it. A few statements for the whole list (a page of a thousand items lists a thousand
/// sets: one statement per set and table was most of a file import's write): the links each set
/// covers are read through the sets' items (an index look-up per item and side), and only those
/// not kept are written (nothing when the source still lists every link, as in a first import
/// or an unchanged re-import). Returns how many links were retired.
pub async fn retire_missing_many(
    conn: &mut SqliteConnection,
    sets: &[LinkSet],
    now: i64,
) -> sqlx::Result<u64> {
    if sets.is_empty() {
        return Ok(0);
    }
    let json: Vec<serde_json::Value> = sets
        .iter()
        .map(|set| {
            serde_json::json!([
                set.item_id,
                match set.side {
                    Side::From => "from",
                    Side::To => "to",
                    Side::Either => "either",
                },
                format!("{}%", set.other_prefix.replace('%', "")),
                set.kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
                set.keep
                    .iter()
                    .map(|(from, to, kind)| [from.as_str(), to.as_str(), kind.as_str()])
                    .collect::<Vec<_>>(),
            ])
        })
        .collect();
    let json = serde_json::Value::from(json).to_string();
    let mut retired = 0;
    for table in ["links", "pending_links"] {
        let standing = if table == "links" {
            " AND l.removed_at IS NULL"
        } else {
            ""
        };
        // For each side: the set's item at that end (by the primary key, or the index on
        // `to_item_id`), the other end under the set's prefix, a kind the set covers, and no
        // triple of the set's `keep` naming it.
        let side = |this: &str, other: &str, sides: &str| {
            format!(
                "SELECT l.from_item_id, l.to_item_id, l.kind
                   FROM json_each(?1) AS s CROSS JOIN {table} AS l
                  WHERE json_extract(s.value, '$[1]') IN ({sides})
                    AND l.{this} = json_extract(s.value, '$[0]')
                    AND l.{other} LIKE json_extract(s.value, '$[2]')
                    AND l.origin = 'source'{standing}
                    AND l.kind IN (SELECT value FROM json_each(s.value, '$[3]'))
                    AND NOT EXISTS (SELECT 1 FROM json_each(s.value, '$[4]') AS k
                                     WHERE json_extract(k.value, '$[0]') = l.from_item_id
                                       AND json_extract(k.value, '$[1]') = l.to_item_id
                                       AND json_extract(k.value, '$[2]') = l.kind)"
            )
        };
        let sql = format!(
            "{} UNION ALL {}",
            side("from_item_id", "to_item_id", "'from', 'either'"),
            side("to_item_id", "from_item_id", "'to', 'either'")
        );
        let mut gone: Vec<(String, String, String)> = sqlx::query_as(&sql)
            .bind(&json)
            .fetch_all(&mut *conn)
            .await?;
        if gone.is_empty() {
            continue;
        }
        gone.sort_unstable();
        gone.dedup();
        let rows = serde_json::to_string(&gone).unwrap_or_else(|_| "[]".into());
        if table == "links" {
            retired += sqlx::query(
                "UPDATE links SET removed_at = ?1 FROM json_each(?2) AS r
                  WHERE links.from_item_id = json_extract(r.value, '$[0]')
                    AND links.to_item_id = json_extract(r.value, '$[1]')
                    AND links.kind = json_extract(r.value, '$[2]')
                    AND links.removed_at IS NULL",
            )
            .bind(now)
            .bind(&rows)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        } else {
            sqlx::query(
                "DELETE FROM pending_links
                  WHERE (from_item_id, to_item_id, kind) IN
                        (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),
                                json_extract(value, '$[2]') FROM json_each(?1))",
            )
            .bind(&rows)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(retired)
}

/// Records a link a person made in Baton (a confirmed duplicate): a new edge, or an existing one
/// made standing and manual. A source link already standing stays as it is.
pub async fn upsert_manual(conn: &mut SqliteConnection, l: &Link) -> sqlx::Result<()> {
    let kind = l.kind.as_str();
    let origin = l.origin.as_str();
    sqlx::query!(
        "INSERT INTO links (from_item_id, to_item_id, kind, origin, confidence, created_at, removed_at, found_in)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7)
         ON CONFLICT (from_item_id, to_item_id, kind) DO UPDATE SET origin = excluded.origin,
             confidence = excluded.confidence, created_at = excluded.created_at, removed_at = NULL,
             found_in = excluded.found_in
         WHERE links.removed_at IS NOT NULL",
        l.from_item_id,
        l.to_item_id,
        kind,
        origin,
        l.confidence,
        l.created_at,
        l.found_in
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Marks a standing manual link removed (its decision was taken back).
pub async fn remove_manual(
    conn: &mut SqliteConnection,
    from: &str,
    to: &str,
    kind: &str,
    at: i64,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "UPDATE links SET removed_at = ?4
         WHERE from_item_id = ?1 AND to_item_id = ?2 AND kind = ?3 AND origin = 'manual'
           AND removed_at IS NULL",
        from,
        to,
        kind,
        at
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}
