//! `intents`, `intent_edits`, `intent_rules`, `intent_links` and `item_facets`: goals,
//! initiatives and milestones as a tree, what people did to them, and how work is linked to them.
//!
//! An item's effective intent (`items.intent_id`, which the in-memory index reads) is derived
//! here only ([`resolve`]): the hand link, else the rule link, else the source link.

use std::collections::{HashMap, HashSet};

use sqlx::{Executor, Row, Sqlite, SqliteConnection};

use crate::graph::model::{
    Intent, IntentKind, IntentOrigin, IntentRuleField, ItemFacet, SourceIntentLink, SourcedIntent,
};
use crate::graph::text::LossyText;

/// The columns of [`Intent`], in the order [`from_row`] reads them.
const COLUMNS: &str =
    "id, parent_id, kind, title, description, owner_id, target_at, created_at, origin,
     source_id, external_id, source_key, url, success_measure, priority, position, archived_at";

fn from_row(r: &sqlx::sqlite::SqliteRow) -> sqlx::Result<Intent> {
    let text = |i: usize| -> sqlx::Result<String> { Ok(r.try_get::<LossyText, _>(i)?.text) };
    let opt = |i: usize| -> sqlx::Result<Option<String>> {
        Ok(r.try_get::<Option<LossyText>, _>(i)?.map(|t| t.text))
    };
    Ok(Intent {
        id: text(0)?,
        parent_id: opt(1)?,
        kind: IntentKind::parse(&text(2)?).unwrap_or(IntentKind::Initiative),
        title: text(3)?,
        description: text(4)?,
        owner_id: opt(5)?,
        target_at: r.try_get(6)?,
        created_at: r.try_get(7)?,
        origin: IntentOrigin::parse(&text(8)?).unwrap_or(IntentOrigin::Baton),
        source_id: opt(9)?,
        external_id: opt(10)?,
        source_key: opt(11)?,
        url: text(12)?,
        success_measure: text(13)?,
        priority: r.try_get(14)?,
        position: r.try_get(15)?,
        archived_at: r.try_get(16)?,
    })
}

/// Inserts intents, updating existing ones (every field). Parents must come before their
/// children. Used for intents written as a whole (made in Baton, tests).
pub async fn upsert_many(conn: &mut SqliteConnection, intents: &[Intent]) -> sqlx::Result<u64> {
    let mut n = 0;
    for i in intents {
        upsert(&mut *conn, i).await?;
        n += 1;
    }
    Ok(n)
}

/// Inserts or replaces one intent's row.
pub async fn upsert(exec: impl Executor<'_, Database = Sqlite>, i: &Intent) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO intents (id, parent_id, kind, title, description, owner_id, target_at, created_at, origin,
             source_id, external_id, source_key, url, success_measure, priority, position, archived_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
         ON CONFLICT (id) DO UPDATE SET parent_id = excluded.parent_id, kind = excluded.kind,
             title = excluded.title, description = excluded.description, owner_id = excluded.owner_id,
             target_at = excluded.target_at, origin = excluded.origin, source_id = excluded.source_id,
             external_id = excluded.external_id, source_key = excluded.source_key, url = excluded.url,
             success_measure = excluded.success_measure, priority = excluded.priority,
             position = excluded.position, archived_at = excluded.archived_at",
    )
    .bind(&i.id)
    .bind(&i.parent_id)
    .bind(i.kind.as_str())
    .bind(&i.title)
    .bind(&i.description)
    .bind(&i.owner_id)
    .bind(i.target_at)
    .bind(i.created_at)
    .bind(i.origin.as_str())
    .bind(&i.source_id)
    .bind(&i.external_id)
    .bind(&i.source_key)
    .bind(&i.url)
    .bind(&i.success_measure)
    .bind(i.priority)
    .bind(i.position)
    .bind(i.archived_at)
    .execute(exec)
    .await?;
    Ok(())
}

/// Every intent, parents before children, siblings in their order.
pub async fn list(exec: impl Executor<'_, Database = Sqlite>) -> sqlx::Result<Vec<Intent>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM intents ORDER BY parent_id IS NOT NULL, position, created_at, id"
    ))
    .fetch_all(exec)
    .await?;
    rows.iter().map(from_row).collect()
}

/// One intent.
pub async fn get(
    exec: impl Executor<'_, Database = Sqlite>,
    id: &str,
) -> sqlx::Result<Option<Intent>> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM intents WHERE id = ?1"))
        .bind(id)
        .fetch_optional(exec)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The fields people set in Baton on each of `ids` (their names), which a sync keeps.
pub async fn edited_fields(
    conn: &mut SqliteConnection,
    ids: &[&str],
) -> sqlx::Result<HashMap<String, HashSet<String>>> {
    let json = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT e.intent_id, k.key FROM intent_edits e, json_each(e.fields) k
         WHERE e.intent_id IN (SELECT value FROM json_each(?1))",
    )
    .bind(json)
    .fetch_all(&mut *conn)
    .await?;
    let mut out: HashMap<String, HashSet<String>> = HashMap::new();
    for (id, field) in rows {
        out.entry(id).or_default().insert(field);
    }
    Ok(out)
}

/// Writes the intents a source's mapping read (`source_id`): new ones are inserted, known ones
/// (same id) updated, except the fields people set in Baton. Parents named by the source are
/// resolved among the source's intents (both ways: a child synced before its parent gets it
/// when the parent arrives). Returns whether any row changed.
pub async fn import(
    conn: &mut SqliteConnection,
    source_id: &str,
    intents: &[SourcedIntent],
) -> sqlx::Result<bool> {
    if intents.is_empty() {
        return Ok(false);
    }
    let ids: Vec<&str> = intents.iter().map(|i| i.id.as_str()).collect();
    let edited = edited_fields(conn, &ids).await?;
    let mut changed = false;
    for s in intents {
        let before = get(&mut *conn, &s.id).await?;
        let kept = edited.get(&s.id);
        let keep = |field: &str| kept.is_some_and(|k| k.contains(field));
        let mut next = before.clone().unwrap_or_else(|| Intent {
            origin: IntentOrigin::Source,
            ..Intent::baton(&s.id, s.kind, &s.title, s.created_at)
        });
        next.origin = IntentOrigin::Source;
        next.source_id = Some(source_id.to_owned());
        next.external_id = Some(s.external_id.clone());
        next.source_key = Some(s.key.clone());
        next.url = s.url.clone();
        if !keep("kind") {
            next.kind = s.kind;
        }
        if !keep("title") {
            next.title = s.title.clone();
        }
        if !keep("description") {
            next.description = s.description.clone();
        }
        if !keep("owner_id") {
            next.owner_id = s.owner_id.clone();
        }
        if !keep("target_at") {
            next.target_at = s.target_at;
        }
        if !keep("priority") {
            next.priority = s.priority;
        }
        if before.as_ref() != Some(&next) {
            upsert(&mut *conn, &next).await?;
            changed = true;
        }
        let parent_before: Option<String> =
            sqlx::query_scalar("SELECT source_parent FROM intents WHERE id = ?1")
                .bind(&s.id)
                .fetch_one(&mut *conn)
                .await?;
        if parent_before != s.parent {
            sqlx::query("UPDATE intents SET source_parent = ?2 WHERE id = ?1")
                .bind(&s.id)
                .bind(&s.parent)
                .execute(&mut *conn)
                .await?;
            changed = true;
        }
    }
    // Parents at the source, unless people placed the intent themselves.
    let moved = sqlx::query(
        "UPDATE intents SET parent_id = (
             SELECT p.id FROM intents p WHERE p.source_id = intents.source_id AND p.id <> intents.id
               AND (p.external_id = intents.source_parent OR p.source_key = intents.source_parent))
         WHERE source_id = ?1 AND origin = 'source'
           AND NOT EXISTS (SELECT 1 FROM intent_edits e WHERE e.intent_id = intents.id
                           AND json_type(e.fields, '$.parent_id') IS NOT NULL)
           AND parent_id IS NOT (
             SELECT p.id FROM intents p WHERE p.source_id = intents.source_id AND p.id <> intents.id
               AND (p.external_id = intents.source_parent OR p.source_key = intents.source_parent))",
    )
    .bind(source_id)
    .execute(&mut *conn)
    .await?;
    Ok(changed || moved.rows_affected() > 0)
}

/// Replaces the source links of `items` (the items of a sync page) with `links`.
pub async fn set_source_links(
    conn: &mut SqliteConnection,
    items: &[String],
    links: &[SourceIntentLink],
    now: i64,
) -> sqlx::Result<()> {
    let json = serde_json::to_string(items).unwrap_or_else(|_| "[]".into());
    sqlx::query(
        "DELETE FROM intent_links WHERE how = 'source' AND item_id IN (SELECT value FROM json_each(?1))",
    )
    .bind(json)
    .execute(&mut *conn)
    .await?;
    // Many links a statement (one statement each made every link a round trip to SQLite's
    // thread); links of items not stored are skipped, as before.
    super::insert_batched(
        conn,
        "INSERT OR REPLACE INTO intent_links (item_id, how, source_ref, created_at)
         SELECT v.column1, 'source', v.column2, v.column3 FROM (",
        3,
        ") AS v WHERE EXISTS (SELECT 1 FROM items WHERE id = v.column1)",
        links,
        |b, link| {
            b.push_bind(link.item_id.as_str())
                .push_bind(link.source_ref.as_str())
                .push_bind(now);
        },
    )
    .await?;
    Ok(())
}

/// Source links made with the intent's id directly (made in Baton's demo, or migrated).
pub async fn set_source_intents(
    conn: &mut SqliteConnection,
    links: &[(String, String)],
    now: i64,
) -> sqlx::Result<()> {
    super::insert_batched(
        conn,
        "INSERT OR REPLACE INTO intent_links (item_id, how, intent_id, created_at) ",
        4,
        "",
        links,
        |b, (item, intent)| {
            // Text packed: see `super::insert_batched`.
            b.push_str(item)
                .push_str("source")
                .push_str(intent)
                .push_bind(now);
        },
    )
    .await?;
    Ok(())
}

/// Replaces the facets of `items` with `facets`.
pub async fn set_facets(
    conn: &mut SqliteConnection,
    items: &[String],
    facets: &[ItemFacet],
) -> sqlx::Result<()> {
    let json = serde_json::to_string(items).unwrap_or_else(|_| "[]".into());
    sqlx::query("DELETE FROM item_facets WHERE item_id IN (SELECT value FROM json_each(?1))")
        .bind(json)
        .execute(&mut *conn)
        .await?;
    let stored: Vec<&ItemFacet> = super::in_key_order(facets, |f| f.item_id.as_str());
    let rows: Vec<(&str, &str, &str)> = stored
        .iter()
        .map(|f| (f.item_id.as_str(), f.field.as_str(), f.value.as_str()))
        .collect();
    super::insert_batched(
        conn,
        "INSERT OR IGNORE INTO item_facets (item_id, field, value) ",
        3,
        "",
        &rows,
        |b, (item, field, value)| {
            // Text packed: see `insert_batched`.
            b.push_str(item).push_str(field).push_str(value);
        },
    )
    .await?;
    Ok(())
}

/// Every facet of the items (all when `items` is None), for the fields the rules use.
pub async fn facets(
    conn: &mut SqliteConnection,
    items: Option<&[String]>,
) -> sqlx::Result<Vec<(String, String, String)>> {
    let rows = match items {
        Some(items) => {
            let json = serde_json::to_string(items).unwrap_or_else(|_| "[]".into());
            sqlx::query_as(
                "SELECT item_id, field, value FROM item_facets
                 WHERE item_id IN (SELECT value FROM json_each(?1)) ORDER BY item_id",
            )
            .bind(json)
            .fetch_all(&mut *conn)
            .await?
        }
        None => {
            sqlx::query_as("SELECT item_id, field, value FROM item_facets ORDER BY item_id")
                .fetch_all(&mut *conn)
                .await?
        }
    };
    Ok(rows)
}

/// A stored rule's columns, as read.
type RuleColumns = (String, String, String, String, i64, String, String, i64);
/// A stored link's columns, as read.
type LinkColumns = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    i64,
);

/// One intent rule.
#[derive(Debug, Clone, PartialEq)]
pub struct IntentRuleRow {
    pub id: String,
    pub intent_id: String,
    pub field: IntentRuleField,
    pub pattern: String,
    pub position: i64,
    pub actor: String,
    pub why: String,
    pub created_at: i64,
}

/// Every intent rule, in the order they are tried.
pub async fn rules(exec: impl Executor<'_, Database = Sqlite>) -> sqlx::Result<Vec<IntentRuleRow>> {
    let rows: Vec<RuleColumns> = sqlx::query_as(
        "SELECT id, intent_id, field, pattern, position, actor, why, created_at FROM intent_rules
         ORDER BY position, created_at, id",
    )
    .fetch_all(exec)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(IntentRuleRow {
                field: IntentRuleField::parse(&r.2)?,
                id: r.0,
                intent_id: r.1,
                pattern: r.3,
                position: r.4,
                actor: r.5,
                why: r.6,
                created_at: r.7,
            })
        })
        .collect())
}

/// Adds a rule.
pub async fn insert_rule(
    exec: impl Executor<'_, Database = Sqlite>,
    r: &IntentRuleRow,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO intent_rules (id, intent_id, field, pattern, position, actor, why, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .bind(&r.id)
    .bind(&r.intent_id)
    .bind(r.field.as_str())
    .bind(&r.pattern)
    .bind(r.position)
    .bind(&r.actor)
    .bind(&r.why)
    .bind(r.created_at)
    .execute(exec)
    .await?;
    Ok(())
}

/// Removes a rule; whether it existed.
pub async fn delete_rule(
    exec: impl Executor<'_, Database = Sqlite>,
    id: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM intent_rules WHERE id = ?1")
        .bind(id)
        .execute(exec)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// The rule links now: item id → (rule id, intent id).
pub async fn rule_links(
    conn: &mut SqliteConnection,
) -> sqlx::Result<HashMap<String, (String, String)>> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT item_id, COALESCE(rule_id, ''), COALESCE(intent_id, '') FROM intent_links WHERE how = 'rule'",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(i, r, n)| (i, (r, n))).collect())
}

/// Replaces the rule links of `items` (every item when None) with `links` (item, rule, intent).
pub async fn set_rule_links(
    conn: &mut SqliteConnection,
    items: Option<&[String]>,
    links: &[(String, String, String)],
    now: i64,
) -> sqlx::Result<()> {
    match items {
        Some(items) => {
            let json = serde_json::to_string(items).unwrap_or_else(|_| "[]".into());
            sqlx::query(
                "DELETE FROM intent_links WHERE how = 'rule' AND item_id IN (SELECT value FROM json_each(?1))",
            )
            .bind(json)
            .execute(&mut *conn)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM intent_links WHERE how = 'rule'")
                .execute(&mut *conn)
                .await?;
        }
    }
    let rows: Vec<&(String, String, String)> = links.iter().collect();
    super::insert_batched(
        conn,
        "INSERT OR REPLACE INTO intent_links (item_id, how, rule_id, intent_id, created_at) ",
        5,
        "",
        &rows,
        |b, (item, rule, intent)| {
            b.push_bind(item.as_str())
                .push_bind("rule")
                .push_bind(rule.as_str())
                .push_bind(intent.as_str())
                .push_bind(now);
        },
    )
    .await?;
    Ok(())
}

/// A person's link of one item: to an intent, or deliberately to none (`unaligned` says why:
/// maintenance, support, ...). `None` removes the hand link.
#[derive(Debug, Clone, PartialEq)]
pub struct HandLink {
    pub intent_id: Option<String>,
    pub unaligned: Option<String>,
    pub decision_id: String,
    pub actor: String,
    pub at: i64,
}

/// Sets or removes the hand link of an item.
pub async fn set_hand_link(
    conn: &mut SqliteConnection,
    item_id: &str,
    link: Option<&HandLink>,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM intent_links WHERE how = 'hand' AND item_id = ?1")
        .bind(item_id)
        .execute(&mut *conn)
        .await?;
    if let Some(l) = link {
        sqlx::query(
            "INSERT INTO intent_links (item_id, how, intent_id, unaligned, decision_id, actor, created_at)
             VALUES (?1, 'hand', ?2, ?3, ?4, ?5, ?6)",
        )
        .bind(item_id)
        .bind(&l.intent_id)
        .bind(&l.unaligned)
        .bind(&l.decision_id)
        .bind(&l.actor)
        .bind(l.at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Sets the effective intent of `items` (every item when None) from their links: the hand
/// link, else the rule link, else the source link (its intent, or the intent of the item's
/// source whose external id or key it names). Returns the items whose intent changed.
pub async fn resolve(
    conn: &mut SqliteConnection,
    items: Option<&[String]>,
) -> sqlx::Result<Vec<String>> {
    let effective = "(SELECT COALESCE(l.intent_id, CASE WHEN l.how = 'source' THEN
             (SELECT n.id FROM intents n WHERE n.source_id = items.source_id
                AND (n.external_id = l.source_ref OR n.source_key = l.source_ref) LIMIT 1) END)
         FROM intent_links l WHERE l.item_id = items.id
         ORDER BY CASE l.how WHEN 'hand' THEN 0 WHEN 'rule' THEN 1 ELSE 2 END LIMIT 1)";
    match items {
        Some(items) => {
            if items.is_empty() {
                return Ok(Vec::new());
            }
            let json = serde_json::to_string(items).unwrap_or_else(|_| "[]".into());
            sqlx::query_scalar(&format!(
                "UPDATE items SET intent_id = {effective}
                 WHERE id IN (SELECT value FROM json_each(?1)) AND intent_id IS NOT {effective}
                 RETURNING id"
            ))
            .bind(json)
            .fetch_all(&mut *conn)
            .await
        }
        None => {
            sqlx::query_scalar(&format!(
                "UPDATE items SET intent_id = {effective} WHERE intent_id IS NOT {effective} RETURNING id"
            ))
            .fetch_all(&mut *conn)
            .await
        }
    }
}

/// The external id and key each of `intents` is stored with now, by id (those stored).
pub async fn refs_of(
    conn: &mut SqliteConnection,
    intents: &[SourcedIntent],
) -> sqlx::Result<HashMap<String, (String, String)>> {
    if intents.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<&str> = intents.iter().map(|i| i.id.as_str()).collect();
    let json = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
    let rows: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT id, external_id, source_key FROM intents WHERE id IN (SELECT value FROM json_each(?1))",
    )
    .bind(json)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, external_id, key)| {
            (
                id,
                (external_id.unwrap_or_default(), key.unwrap_or_default()),
            )
        })
        .collect())
}

/// The items of `source_id` whose source link names one of `refs` (external ids or keys).
pub async fn items_naming(
    conn: &mut SqliteConnection,
    source_id: &str,
    refs: &[&str],
) -> sqlx::Result<Vec<String>> {
    let json = serde_json::to_string(refs).unwrap_or_else(|_| "[]".into());
    sqlx::query_scalar(
        "SELECT l.item_id FROM intent_links l JOIN items i ON i.id = l.item_id
         WHERE l.how = 'source' AND i.source_id = ?1 AND l.source_ref IN (SELECT value FROM json_each(?2))",
    )
    .bind(source_id)
    .bind(json)
    .fetch_all(&mut *conn)
    .await
}

/// One link of an item as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkRow {
    pub item_id: String,
    pub how: String,
    pub intent_id: Option<String>,
    pub source_ref: Option<String>,
    pub rule_id: Option<String>,
    pub decision_id: Option<String>,
    pub unaligned: Option<String>,
    pub actor: String,
    pub created_at: i64,
}

/// The links of the given items (every link when None).
pub async fn links(
    conn: &mut SqliteConnection,
    items: Option<&[String]>,
) -> sqlx::Result<Vec<LinkRow>> {
    let sql = "SELECT item_id, how, intent_id, source_ref, rule_id, decision_id, unaligned, actor, created_at
               FROM intent_links";
    let rows: Vec<LinkColumns> = match items {
        Some(items) => {
            let json = serde_json::to_string(items).unwrap_or_else(|_| "[]".into());
            sqlx::query_as(&format!(
                "{sql} WHERE item_id IN (SELECT value FROM json_each(?1))"
            ))
            .bind(json)
            .fetch_all(&mut *conn)
            .await?
        }
        None => sqlx::query_as(sql).fetch_all(&mut *conn).await?,
    };
    Ok(rows
        .into_iter()
        .map(|r| LinkRow {
            item_id: r.0,
            how: r.1,
            intent_id: r.2,
            source_ref: r.3,
            rule_id: r.4,
            decision_id: r.5,
            unaligned: r.6,
            actor: r.7,
            created_at: r.8,
        })
        .collect())
}

/// Items deliberately aligned to no intent, with why (maintenance, support, ...).
pub async fn unaligned_on_purpose(
    exec: impl Executor<'_, Database = Sqlite>,
) -> sqlx::Result<HashMap<String, String>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT item_id, COALESCE(unaligned, '') FROM intent_links WHERE how = 'hand' AND intent_id IS NULL",
    )
    .fetch_all(exec)
    .await?;
    Ok(rows.into_iter().collect())
}

/// One edit people made to an intent.
#[derive(Debug, Clone, PartialEq)]
pub struct EditRow {
    pub id: String,
    pub intent_id: String,
    pub action: String,
    /// JSON object of field → value.
    pub fields: String,
    pub actor: String,
    pub why: String,
    pub created_at: i64,
}

/// Records an edit.
pub async fn insert_edit(
    exec: impl Executor<'_, Database = Sqlite>,
    e: &EditRow,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO intent_edits (id, intent_id, action, fields, actor, why, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .bind(&e.id)
    .bind(&e.intent_id)
    .bind(&e.action)
    .bind(&e.fields)
    .bind(&e.actor)
    .bind(&e.why)
    .bind(e.created_at)
    .execute(exec)
    .await?;
    Ok(())
}

/// The edits of one intent, oldest first.
pub async fn edits(
    exec: impl Executor<'_, Database = Sqlite>,
    intent_id: &str,
) -> sqlx::Result<Vec<EditRow>> {
    let rows: Vec<(String, String, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT id, intent_id, action, fields, actor, why, created_at FROM intent_edits
         WHERE intent_id = ?1 ORDER BY created_at, rowid",
    )
    .bind(intent_id)
    .fetch_all(exec)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| EditRow {
            id: r.0,
            intent_id: r.1,
            action: r.2,
            fields: r.3,
            actor: r.4,
            why: r.5,
            created_at: r.6,
        })
        .collect())
}
