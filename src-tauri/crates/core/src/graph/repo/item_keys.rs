//! `item_keys`: every key an item is or was known by (its source's namespace included:
//! `jira:acme.atlassian.net/PAY-12`, `gh:github.com/acme/web#12`) → the item's id. A link may
//! name an end by such a key (a pull request closing `acme/api#3` in a repository not synced
//! yet, an epic link naming `PAY-7`, an issue that moved from `PAY-12` to `OPS-7`); the page
//! writer and the promotion of pending links resolve it here.

use sqlx::SqliteConnection;

/// Records that `ref` names `item_id` (the newest naming wins).
pub async fn upsert_many(
    conn: &mut SqliteConnection,
    keys: &[(String, String)],
) -> sqlx::Result<u64> {
    let ordered = super::in_key_order(keys, |(r, _)| r);
    super::insert_batched(
        conn,
        "INSERT INTO item_keys (ref, item_id) ",
        2,
        " ON CONFLICT (ref) DO UPDATE SET item_id = excluded.item_id
           WHERE item_keys.item_id <> excluded.item_id",
        &ordered,
        |b, (r, id)| {
            b.push_str(r).push_str(id);
        },
    )
    .await
}

/// The items the keys among `refs_json` (a JSON array of strings) name: (ref, item id).
pub async fn resolve(
    conn: &mut SqliteConnection,
    refs_json: &str,
) -> sqlx::Result<Vec<(String, String)>> {
    let rows = sqlx::query!(
        r#"SELECT ref AS "key!", item_id AS "item_id!" FROM item_keys
           WHERE ref IN (SELECT value FROM json_each(?1))"#,
        refs_json
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.key, r.item_id)).collect())
}
