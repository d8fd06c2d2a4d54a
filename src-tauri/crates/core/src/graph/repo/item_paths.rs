//! `item_paths`, `item_path_lists`, `repo_owners`, `owner_rules`, `sensitive_paths`,
//! `conflict_rule_sets`: the files each change touches, and who owns which paths.

use sqlx::{Executor, Sqlite, SqliteConnection};

/// One file a change touches, as its source lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemPath {
    pub item_id: String,
    pub path: String,
    /// `added`, `removed`, `modified`, `renamed`, `copied`, `changed`, `unchanged`.
    pub status: String,
    pub additions: i64,
    pub deletions: i64,
    /// The old name of a renamed file.
    pub previous_path: Option<String>,
}

/// The whole file list of one change (what a sync writes for an item).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PathList {
    pub item_id: String,
    /// How many files the source says the change has (may exceed `paths.len()`).
    pub files: i64,
    /// The source cut the list short (GitHub: more than 3,000 files).
    pub truncated: bool,
    /// The item's update time (at the source) the list was read for: an item updated since is
    /// read again ([`stale_lists`]). Stored as `item_path_lists.read_at`.
    pub read_for: i64,
    pub paths: Vec<ItemPath>,
}

/// A repository's `CODEOWNERS` as last read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoOwners {
    pub source_id: String,
    /// `owner/name` (GitHub), the project path (GitLab).
    pub repository: String,
    /// Where it was read from; `None`: the repository has none.
    pub location: Option<String>,
    pub body: String,
    pub sha: Option<String>,
    pub read_at: i64,
}

/// Replaces the file lists of the lists' items (each item's rows are its list's).
pub async fn set_lists(conn: &mut SqliteConnection, lists: &[PathList]) -> sqlx::Result<()> {
    if lists.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = lists.iter().map(|l| l.item_id.as_str()).collect();
    let json = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
    sqlx::query("DELETE FROM item_paths WHERE item_id IN (SELECT value FROM json_each(?1))")
        .bind(&json)
        .execute(&mut *conn)
        .await?;
    // In the order of the tables' keys (each list's rows together, as given), so that a large
    // write appends to both B-trees rather than splitting pages all over them.
    let lists = super::in_key_order(lists, |l| l.item_id.as_str());
    let heads: Vec<(&str, i64, bool, i64)> = lists
        .iter()
        .map(|l| (l.item_id.as_str(), l.files, l.truncated, l.read_for))
        .collect();
    super::insert_batched(
        conn,
        "INSERT INTO item_path_lists (item_id, files, truncated, read_at) ",
        4,
        " ON CONFLICT (item_id) DO UPDATE SET files = excluded.files, \
          truncated = excluded.truncated, read_at = excluded.read_at",
        &heads,
        |b, (item, files, truncated, read_for)| {
            b.push_str(item)
                .push_bind(*files)
                .push_bind(i64::from(*truncated))
                .push_bind(*read_for);
        },
    )
    .await?;
    let rows: Vec<&ItemPath> = lists.iter().flat_map(|l| l.paths.iter()).collect();
    super::insert_batched(
        conn,
        "INSERT OR REPLACE INTO item_paths \
         (item_id, path, status, additions, deletions, previous_path) ",
        6,
        "",
        &rows,
        |b, p| {
            // Text packed: see `insert_batched`.
            b.push_str(&p.item_id)
                .push_str(&p.path)
                .push_str(&p.status)
                .push_bind(p.additions)
                .push_bind(p.deletions)
                .push_opt_str(p.previous_path.as_deref());
        },
    )
    .await?;
    Ok(())
}

type PathRow = (String, String, String, i64, i64, Option<String>);

fn from_row((item_id, path, status, additions, deletions, previous_path): PathRow) -> ItemPath {
    ItemPath {
        item_id,
        path,
        status,
        additions,
        deletions,
        previous_path,
    }
}

/// The files an item touches, by path.
pub async fn paths_of<'e>(
    db: impl Executor<'e, Database = Sqlite>,
    item_id: &str,
) -> sqlx::Result<Vec<ItemPath>> {
    let rows: Vec<PathRow> = sqlx::query_as(
        "SELECT item_id, path, status, additions, deletions, previous_path
         FROM item_paths WHERE item_id = ?1 ORDER BY path",
    )
    .bind(item_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(from_row).collect())
}

/// How many files an item's source says it changes and whether the stored list is cut short;
/// `None` when its files were never read.
pub async fn list_of<'e>(
    db: impl Executor<'e, Database = Sqlite>,
    item_id: &str,
) -> sqlx::Result<Option<(i64, bool)>> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT files, truncated FROM item_path_lists WHERE item_id = ?1")
            .bind(item_id)
            .fetch_optional(db)
            .await?;
    Ok(row.map(|(files, truncated)| (files, truncated != 0)))
}

/// The end (exclusive) of the range of paths starting with `prefix`: the prefix with its last
/// character raised by one (`payments/` → `payments0`).
fn prefix_end(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        if let Some(next) = char::from_u32(u32::from(last) + 1) {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// The files, of any item, whose path starts with `prefix` (`payments/` for a folder, a whole
/// path for one file; empty: every file), by item then path. Uses the path index.
pub async fn touching<'e>(
    db: impl Executor<'e, Database = Sqlite>,
    prefix: &str,
) -> sqlx::Result<Vec<ItemPath>> {
    let rows: Vec<PathRow> = match prefix_end(prefix) {
        Some(end) => {
            sqlx::query_as(
                "SELECT item_id, path, status, additions, deletions, previous_path
                 FROM item_paths WHERE path >= ?1 AND path < ?2 ORDER BY item_id, path",
            )
            .bind(prefix)
            .bind(end)
            .fetch_all(db)
            .await?
        }
        None => {
            sqlx::query_as(
                "SELECT item_id, path, status, additions, deletions, previous_path
                 FROM item_paths ORDER BY item_id, path",
            )
            .fetch_all(db)
            .await?
        }
    };
    Ok(rows.into_iter().map(from_row).collect())
}

/// The ids of the items touching a path starting with `prefix`, each once, in id order.
pub async fn items_touching<'e>(
    db: impl Executor<'e, Database = Sqlite>,
    prefix: &str,
) -> sqlx::Result<Vec<String>> {
    match prefix_end(prefix) {
        Some(end) => {
            sqlx::query_scalar(
                "SELECT DISTINCT item_id FROM item_paths WHERE path >= ?1 AND path < ?2
                 ORDER BY item_id",
            )
            .bind(prefix)
            .bind(end)
            .fetch_all(db)
            .await
        }
        None => {
            sqlx::query_scalar("SELECT DISTINCT item_id FROM item_paths ORDER BY item_id")
                .fetch_all(db)
                .await
        }
    }
}

/// Every stored path of the given items (all items when `None`), as (item id, path), by item
/// then path.
pub async fn paths_of_items(
    conn: &mut SqliteConnection,
    items: Option<&[String]>,
) -> sqlx::Result<Vec<(String, String)>> {
    match items {
        Some(items) => {
            let json = serde_json::to_string(items).unwrap_or_else(|_| "[]".into());
            sqlx::query_as(
                "SELECT item_id, path FROM item_paths
                 WHERE item_id IN (SELECT value FROM json_each(?1)) ORDER BY item_id, path",
            )
            .bind(json)
            .fetch_all(&mut *conn)
            .await
        }
        None => {
            sqlx::query_as("SELECT item_id, path FROM item_paths ORDER BY item_id, path")
                .fetch_all(&mut *conn)
                .await
        }
    }
}

/// Changes of a source whose key starts with `key_prefix` (`owner/repo#`) and whose file list
/// was never read or was read before their last update, as (id, key, updated at), most
/// recently updated first, at most `limit`.
pub async fn stale_lists<'e>(
    db: impl Executor<'e, Database = Sqlite>,
    source_id: &str,
    key_prefix: &str,
    limit: i64,
) -> sqlx::Result<Vec<(String, String, i64)>> {
    sqlx::query_as(
        "SELECT i.id, i.key, i.updated_at FROM items i
         LEFT JOIN item_path_lists l ON l.item_id = i.id
         WHERE i.source_id = ?1 AND i.kind = 'pull_request'
           AND substr(i.key, 1, length(?2)) = ?2
           AND (l.item_id IS NULL OR l.read_at < i.updated_at)
         ORDER BY i.updated_at DESC, i.id LIMIT ?3",
    )
    .bind(source_id)
    .bind(key_prefix)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Items whose stored list is cut short.
pub async fn truncated_items<'e>(
    db: impl Executor<'e, Database = Sqlite>,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT item_id FROM item_path_lists WHERE truncated = 1 ORDER BY item_id")
        .fetch_all(db)
        .await
}

/// Stores repositories' `CODEOWNERS` (replacing what was read before).
pub async fn put_owners(conn: &mut SqliteConnection, files: &[RepoOwners]) -> sqlx::Result<()> {
    for f in files {
        sqlx::query(
            "INSERT INTO repo_owners (source_id, repository, location, body, sha, read_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (source_id, repository) DO UPDATE SET location = excluded.location,
               body = excluded.body, sha = excluded.sha, read_at = excluded.read_at",
        )
        .bind(&f.source_id)
        .bind(&f.repository)
        .bind(f.location.as_deref())
        .bind(&f.body)
        .bind(f.sha.as_deref())
        .bind(f.read_at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

type OwnersRow = (String, String, Option<String>, String, Option<String>, i64);

/// Every repository's `CODEOWNERS` as last read, by source then repository.
pub async fn owners<'e>(db: impl Executor<'e, Database = Sqlite>) -> sqlx::Result<Vec<RepoOwners>> {
    let rows: Vec<OwnersRow> = sqlx::query_as(
        "SELECT source_id, repository, location, body, sha, read_at FROM repo_owners
         ORDER BY source_id, repository",
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(source_id, repository, location, body, sha, read_at)| RepoOwners {
                source_id,
                repository,
                location,
                body,
                sha,
                read_at,
            },
        )
        .collect())
}

/// One repository's `CODEOWNERS` as last read.
pub async fn owners_of<'e>(
    db: impl Executor<'e, Database = Sqlite>,
    source_id: &str,
    repository: &str,
) -> sqlx::Result<Option<RepoOwners>> {
    let row: Option<OwnersRow> = sqlx::query_as(
        "SELECT source_id, repository, location, body, sha, read_at FROM repo_owners
         WHERE source_id = ?1 AND repository = ?2",
    )
    .bind(source_id)
    .bind(repository)
    .fetch_optional(db)
    .await?;
    Ok(row.map(
        |(source_id, repository, location, body, sha, read_at)| RepoOwners {
            source_id,
            repository,
            location,
            body,
            sha,
            read_at,
        },
    ))
}

/// People's owner → team rules with who set each and when, by owner.
pub async fn owner_rules_full<'e>(
    db: impl Executor<'e, Database = Sqlite>,
) -> sqlx::Result<Vec<(String, String, String, i64)>> {
    sqlx::query_as("SELECT owner, team_id, updated_by, updated_at FROM owner_rules ORDER BY owner")
        .fetch_all(db)
        .await
}

/// People's owner → team rules, by owner.
pub async fn owner_rules<'e>(
    db: impl Executor<'e, Database = Sqlite>,
) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("SELECT owner, team_id FROM owner_rules ORDER BY owner")
        .fetch_all(db)
        .await
}

/// Sets (or, with `team` None, removes) the rule of an owner.
pub async fn set_owner_rule<'e>(
    db: impl Executor<'e, Database = Sqlite>,
    owner: &str,
    team: Option<&str>,
    actor: &str,
    now: i64,
) -> sqlx::Result<()> {
    match team {
        Some(team) => {
            sqlx::query(
                "INSERT INTO owner_rules (owner, team_id, updated_by, updated_at)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (owner) DO UPDATE SET team_id = excluded.team_id,
                   updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            )
            .bind(owner)
            .bind(team)
            .bind(actor)
            .bind(now)
            .execute(db)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM owner_rules WHERE owner = ?1")
                .bind(owner)
                .execute(db)
                .await?;
        }
    }
    Ok(())
}

/// People's sensitive paths (pattern, label, reviewer team), by pattern; see
/// [`sensitive_paths_saved`] for whether they replace the defaults.
pub async fn sensitive_paths<'e>(
    db: impl Executor<'e, Database = Sqlite>,
) -> sqlx::Result<Vec<(String, String, Option<String>)>> {
    sqlx::query_as("SELECT pattern, label, reviewer_team FROM sensitive_paths ORDER BY pattern")
        .fetch_all(db)
        .await
}

/// Who last saved the sensitive paths and when (ms), if anyone did: then they are the whole set
/// (even empty); else the defaults apply.
pub async fn sensitive_paths_saved<'e>(
    db: impl Executor<'e, Database = Sqlite>,
) -> sqlx::Result<Option<(String, i64)>> {
    sqlx::query_as(
        "SELECT updated_by, updated_at FROM conflict_rule_sets WHERE name = 'sensitive_paths'",
    )
    .fetch_optional(db)
    .await
}

/// Replaces the sensitive paths (and marks them saved: they replace the defaults from now on).
pub async fn set_sensitive_paths(
    conn: &mut SqliteConnection,
    rows: &[(String, String, Option<String>)],
    actor: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sensitive_paths")
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO conflict_rule_sets (name, updated_by, updated_at)
         VALUES ('sensitive_paths', ?1, ?2)
         ON CONFLICT (name) DO UPDATE SET updated_by = excluded.updated_by,
           updated_at = excluded.updated_at",
    )
    .bind(actor)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    for (pattern, label, reviewer) in rows {
        sqlx::query(
            "INSERT OR REPLACE INTO sensitive_paths (pattern, label, reviewer_team, updated_by, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .bind(pattern)
        .bind(label)
        .bind(reviewer.as_deref())
        .bind(actor)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{prefix_end, set_lists, ItemPath, PathList};
    use sqlx::{Connection, SqliteConnection};

    fn list(item: &str, files: &[&str]) -> PathList {
        PathList {
            item_id: item.into(),
            files: files.len() as i64,
            truncated: false,
            read_for: 7,
            paths: files
                .iter()
                .map(|f| ItemPath {
                    item_id: item.into(),
                    path: (*f).into(),
                    status: "modified".into(),
                    additions: f.len() as i64,
                    deletions: 1,
                    previous_path: None,
                })
                .collect(),
        }
    }

    /// Lists given out of their items' order are stored in it (both tables appended to in key
    /// order), and a list written again replaces the item's stored one while the others stay.
    #[tokio::test]
    async fn lists_out_of_order_are_stored_in_item_order_and_replace_their_items_rows() {
        let mut conn = SqliteConnection::connect("sqlite::memory:")
            .await
            .expect("connect");
        sqlx::query("PRAGMA foreign_keys = OFF")
            .execute(&mut conn)
            .await
            .expect("keys off (no items here)");
        crate::graph::store::MIGRATOR
            .run(&mut conn)
            .await
            .expect("schema");
        let first = [
            list("gh#30", &["z.rs", "a.rs"]),
            list("gh#10", &["m.rs"]),
            list("gh#20", &["b.rs", "c.rs"]),
        ];
        set_lists(&mut conn, &first).await.expect("first lists");
        set_lists(&mut conn, &[list("gh#20", &["d.rs"])])
            .await
            .expect("gh#20 read again");
        let heads: Vec<(String, i64)> =
            sqlx::query_as("SELECT item_id, files FROM item_path_lists ORDER BY rowid")
                .fetch_all(&mut conn)
                .await
                .expect("heads");
        assert_eq!(
            heads,
            [
                ("gh#10".into(), 1),
                ("gh#20".into(), 1),
                ("gh#30".into(), 2)
            ],
            "in item order, gh#20's count replaced"
        );
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT item_id, path, additions FROM item_paths ORDER BY item_id, path",
        )
        .fetch_all(&mut conn)
        .await
        .expect("paths");
        let want: Vec<(String, String, i64)> = [
            ("gh#10", "m.rs"),
            ("gh#20", "d.rs"),
            ("gh#30", "a.rs"),
            ("gh#30", "z.rs"),
        ]
        .iter()
        .map(|(i, p)| ((*i).into(), (*p).into(), p.len() as i64))
        .collect();
        assert_eq!(rows, want, "gh#20's files are its new list's only");
    }

    #[test]
    fn a_prefix_range_ends_past_every_path_under_it() {
        assert_eq!(prefix_end("payments/").as_deref(), Some("payments0"));
        assert_eq!(prefix_end("").as_deref(), None, "no prefix: every path");
        let end = prefix_end("a/b").unwrap_or_default();
        assert!("a/b/c.rs" < end.as_str() && "a/bz" < end.as_str() && "a/c" >= end.as_str());
    }
}
