//! A large load's biggest tables, filled in parallel in scratch files and copied in whole.
//!
//! SQLite writes a file from one connection at a time, so a load through the workspace's
//! writing connection runs on one thread however many cores there are. A large demo load
//! ([`super::write`], from [`super::INDEXES_AFTER_ROWS`] rows) instead fills its tables with the
//! most rows in [`PARTS`] scratch database files beside the workspace, each on a connection (and
//! so a thread) of its own, at the same time: the same repository calls, in the same order, as
//! the load into the workspace makes, then the tables' secondary indexes built over the rows.
//! The workspace's write then copies each table in with `INSERT INTO main.t SELECT * FROM
//! partN.t` ([`COPIES`]): into an empty table with foreign keys off, SQLite moves the records
//! and index entries as they are, without decoding them (its transfer optimisation), at a
//! fraction of the cost of binding and inserting each row.
//!
//! The scratch files are only read by the workspace's write, which is one transaction as any
//! other: the workspace gets all of the load or none of it, whatever happens to them. They are
//! written without a journal and without syncing (nobody else opens them, and a load that
//! stops half-way throws them away), and removed when the load ends, fails or is dropped;
//! files left by a killed load are replaced by the next load beside the same workspace.

use std::path::{Path, PathBuf};

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, SqliteConnection};

use super::DemoGraph;
use crate::error::{CoreError, CoreResult};
use crate::graph::model::Transition;
use crate::graph::repo;
use crate::graph::Workspace;

/// How many scratch files a load fills at once.
pub(super) const PARTS: usize = 4;

/// Each table filled in a scratch file, and from which (`partN`), in the order the workspace's
/// write copies them. The transitions, half the rows, are split by item over two files; the
/// second half copied after the first goes in after the first's last key, in the same order.
pub(super) const COPIES: &[(&str, usize)] = &[
    ("transitions", 0),
    ("transitions", 1),
    ("items", 2),
    ("item_texts", 2),
    ("item_keys", 3),
    ("links", 3),
    ("item_paths", 3),
    ("item_path_lists", 3),
    ("item_facets", 3),
    ("intent_links", 3),
];

/// The page cache of each scratch file's connection, KiB: its rows and the indexes built over
/// them stay in memory until they are written once. Freed as the connection closes.
const PART_CACHE_KIB: u32 = 256 * 1024;

/// The scratch files of a load; removed when dropped.
pub(super) struct Parts {
    paths: Vec<PathBuf>,
}

impl Parts {
    /// The files, `part0` first.
    pub(super) fn paths(&self) -> &[PathBuf] {
        &self.paths
    }
}

impl Drop for Parts {
    fn drop(&mut self) {
        for path in &self.paths {
            remove(path);
        }
    }
}

/// Removes a scratch file and the journal SQLite may have left beside it.
fn remove(path: &Path) {
    let _ = std::fs::remove_file(path);
    let mut journal = path.as_os_str().to_owned();
    journal.push("-journal");
    let _ = std::fs::remove_file(PathBuf::from(journal));
}

/// The scratch file `n` of a load into `workspace`: beside it, named after it.
fn part_path(workspace: &Path, n: usize) -> PathBuf {
    let mut name = workspace
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(format!(".load-{n}"));
    workspace.with_file_name(name)
}

/// Fills the scratch files of a load of `graph` into `ws`, all at once, each on a thread of its
/// own (building its statements there, while SQLite runs them on its connection's thread);
/// `texts` are the descriptions summed up (`item_texts`), being computed elsewhere.
pub(super) async fn fill(
    ws: &Workspace,
    graph: &DemoGraph,
    texts: tokio::task::JoinHandle<Vec<repo::item_texts::ItemText>>,
) -> CoreResult<Parts> {
    let parts = Parts {
        paths: (0..PARTS).map(|n| part_path(ws.path(), n)).collect(),
    };
    // Each file gets its tables as the workspace's schema writes them (so that the copy can
    // move records and index entries as they are); the indexes are built after the rows.
    let mut schemas = Vec::with_capacity(PARTS);
    for n in 0..PARTS {
        let tables: Vec<&str> = COPIES
            .iter()
            .filter(|(_, part)| *part == n)
            .map(|(table, _)| *table)
            .collect();
        schemas.push(schema_of(ws, &tables).await?);
    }
    for path in &parts.paths {
        remove(path);
    }

    let numbered: Vec<(i64, &Transition)> = graph
        .transitions
        .iter()
        .enumerate()
        .map(|(i, t)| (i as i64, t))
        .collect();
    let ordered: Vec<(i64, &Transition)> = repo::in_key_order(&numbered, |(_, t)| &t.item_id)
        .into_iter()
        .copied()
        .collect();
    let half = split_between_items(&ordered);
    let (first, second) = ordered.split_at(half);
    let keys = super::github_keys(graph);
    let facets = super::facets(graph);
    let served = super::served(graph);
    let at = super::latest_update(graph);
    let requesters = super::requesters_json(graph)?;

    let paths = &parts.paths;
    let schemas = &schemas;
    let (keys, facets, served, requesters) = (&keys, &facets, &served, &requesters);
    let run = move || {
        std::thread::scope(|s| {
            let threads = [
                s.spawn(move || {
                    on_own_thread(&paths[0], &schemas[0], |mut c| async move {
                        repo::transitions::insert_numbered(&mut c, first).await?;
                        Ok(c)
                    })
                }),
                s.spawn(move || {
                    on_own_thread(&paths[1], &schemas[1], |mut c| async move {
                        repo::transitions::insert_numbered(&mut c, second).await?;
                        Ok(c)
                    })
                }),
                s.spawn(move || {
                    on_own_thread(&paths[2], &schemas[2], |mut c| async move {
                        repo::items::upsert_many(&mut c, &graph.items).await?;
                        let texts = texts.await.map_err(|err| {
                            CoreError::Invalid(format!("summing up the descriptions: {err}"))
                        })?;
                        repo::item_texts::set_many(&mut c, &texts).await?;
                        if let Some(json) = requesters {
                            repo::items::set_requesters(&mut c, json).await?;
                        }
                        Ok(c)
                    })
                }),
                s.spawn(move || {
                    on_own_thread(&paths[3], &schemas[3], |mut c| async move {
                        repo::item_keys::upsert_many(&mut c, keys).await?;
                        repo::links::upsert_many(&mut c, &graph.links).await?;
                        repo::item_paths::set_lists(&mut c, &graph.paths).await?;
                        repo::intents::set_facets(&mut c, &[], facets).await?;
                        repo::intents::set_source_intents(&mut c, served, at).await?;
                        Ok(c)
                    })
                }),
            ];
            // Every thread is joined (a scope waits for all); the first failure is returned.
            let mut outcome = Ok(());
            for thread in threads {
                let done = thread.join().unwrap_or_else(|_| {
                    Err(CoreError::Invalid("a thread of the load stopped".into()))
                });
                if outcome.is_ok() {
                    outcome = done;
                }
            }
            outcome
        })
    };
    // This thread only waits: on a runtime of several threads, the others take its tasks.
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(run)?,
        _ => run()?,
    }
    Ok(parts)
}

/// A scratch file's tables, then `fill`'s rows, then its indexes, in one transaction on a
/// connection of its own, run to the end on the calling thread (a runtime of its own).
fn on_own_thread<F, Fut>(
    path: &Path,
    schema: &(Vec<String>, Vec<String>),
    fill: F,
) -> CoreResult<()>
where
    F: FnOnce(SqliteConnection) -> Fut,
    Fut: std::future::Future<Output = CoreResult<SqliteConnection>>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| CoreError::Invalid(format!("a thread of the load: {err}")))?;
    runtime.block_on(async {
        let mut conn = open(path).await?;
        for sql in &schema.0 {
            sqlx::query(sql).execute(&mut conn).await?;
        }
        sqlx::query("BEGIN").execute(&mut conn).await?;
        let mut conn = fill(conn).await?;
        for sql in &schema.1 {
            sqlx::query(sql).execute(&mut conn).await?;
        }
        sqlx::query("COMMIT").execute(&mut conn).await?;
        conn.close().await?;
        Ok(())
    })
}

/// Where to split transitions in item order into two halves of about the same size, between
/// two items (so that each item's transitions, and any two of one key, are in one half).
fn split_between_items(ordered: &[(i64, &Transition)]) -> usize {
    let mut at = ordered.len() / 2;
    while at > 0 && at < ordered.len() && ordered[at].1.item_id == ordered[at - 1].1.item_id {
        at += 1;
    }
    at
}

/// A scratch file's connection: no journal, no sync, foreign keys off (the tables they refer
/// to are elsewhere; the workspace's write checks every key before its commit).
async fn open(path: &Path) -> CoreResult<SqliteConnection> {
    let conn = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Off)
        .synchronous(SqliteSynchronous::Off)
        .foreign_keys(false)
        .pragma("cache_size", format!("-{PART_CACHE_KIB}"))
        .pragma("temp_store", "memory")
        .disable_statement_logging()
        .connect()
        .await?;
    Ok(conn)
}

/// The `CREATE TABLE` statements of `tables` and the `CREATE INDEX` statements of their
/// secondary indexes, as the workspace's schema holds them.
async fn schema_of(ws: &Workspace, tables: &[&str]) -> CoreResult<(Vec<String>, Vec<String>)> {
    let json = serde_json::to_string(tables).map_err(|err| CoreError::Invalid(err.to_string()))?;
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT type, sql FROM sqlite_schema
         WHERE tbl_name IN (SELECT value FROM json_each(?1)) AND sql IS NOT NULL
           AND type IN ('table', 'index')
         ORDER BY type = 'index', name",
    )
    .bind(json)
    .fetch_all(ws.pool())
    .await?;
    let (tables, indexes): (Vec<_>, Vec<_>) = rows.into_iter().partition(|(t, _)| t == "table");
    Ok((
        tables.into_iter().map(|(_, sql)| sql).collect(),
        indexes.into_iter().map(|(_, sql)| sql).collect(),
    ))
}

/// Copies every table of [`COPIES`] from the attached scratch files into the (empty) tables of
/// the workspace, in order.
pub(super) async fn copy_in(conn: &mut SqliteConnection) -> CoreResult<()> {
    for (table, part) in COPIES {
        sqlx::query(&format!(
            "INSERT INTO main.\"{table}\" SELECT * FROM part{part}.\"{table}\""
        ))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transition(item: &str, event: &str) -> Transition {
        Transition {
            item_id: item.into(),
            event_id: event.into(),
            kind: crate::graph::model::TransitionKind::State,
            from_state: None,
            to_state: "done".into(),
            at: 0,
            actor_id: None,
        }
    }

    /// The transitions are split between two items, near the middle: an item's transitions
    /// (and so any two of one key) are never in both halves.
    #[test]
    fn the_split_keeps_each_items_transitions_in_one_half() {
        let rows = [
            transition("a", "1"),
            transition("a", "2"),
            transition("b", "1"),
            transition("b", "2"),
            transition("b", "3"),
            transition("b", "3"),
            transition("c", "1"),
        ];
        let numbered: Vec<(i64, &Transition)> = rows
            .iter()
            .enumerate()
            .map(|(i, t)| (i as i64, t))
            .collect();
        assert_eq!(split_between_items(&numbered), 6, "after the last of b");
        assert_eq!(split_between_items(&numbered[..2]), 2, "one item: no split");
        assert_eq!(
            split_between_items(&numbered[1..5]),
            4,
            "the middle falls in b: all of b in the first half"
        );
        assert_eq!(split_between_items(&[]), 0);
    }

    /// A load that fails (here a key that names no row) writes nothing into the workspace and
    /// leaves no scratch file beside it.
    #[tokio::test]
    async fn a_failed_load_writes_nothing_and_leaves_no_scratch_file() {
        let mut graph = super::super::generate(&super::super::DemoOptions {
            items: 300,
            seed: 5,
            end: 1_772_409_600_000,
        });
        graph.transitions[0].item_id = "no-such-item".into();
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("failed.baton");
        let ws = Workspace::create(&path).await.expect("create");
        let err = super::super::write_as(&ws, &graph, true)
            .await
            .expect_err("a broken key fails the load");
        assert!(err.to_string().contains("transitions"), "{err}");
        for table in ["items", "transitions", "teams", "people"] {
            let rows: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
                .fetch_one(ws.pool())
                .await
                .expect("count");
            assert_eq!(rows, 0, "{table}: nothing written");
        }
        ws.close().await;
        for n in 0..PARTS {
            assert!(!part_path(&path, n).exists(), "scratch file {n} removed");
        }
    }
}
