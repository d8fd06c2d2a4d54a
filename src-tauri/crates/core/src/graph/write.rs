//! The one way to change a workspace.
//!
//! Every change — a sync page, a rule, a team, the workflow map, and the decisions, policies,
//! intents and plans that people make — is a [`WriteOp`]. [`Workspace::write`] runs it in one
//! transaction and returns the [`Changes`] it made; everything that must follow a change (the
//! in-memory index, read caches, the app's `WorkspaceChanged` event) follows from that value,
//! never from a hand-placed call:
//!
//! - the workspace brings its caches up to date from it ([`Changes::index_effect`]);
//! - it is published to every [`Workspace::subscribe`]r (the app turns it into one typed event
//!   for the UI, which maps change kinds to the queries it refetches).
//!
//! ```ignore
//! struct SaveNote { item: String, text: String }
//! impl WriteOp for SaveNote {
//!     type Output = ();
//!     type Error = CoreError;
//!     async fn apply(self, w: &mut Writer<'_>) -> CoreResult<()> {
//!         repo::decisions::insert(w.conn(), ...).await?;
//!         w.changed(ChangeKind::Decisions);
//!         Ok(())
//!     }
//! }
//! let ((), changes) = ws.write(SaveNote { .. }).await?;
//! ```

use std::collections::BTreeSet;
use std::future::Future;

use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::SqliteConnection;

use crate::error::CoreError;
use crate::graph::side::SideFile;
use crate::graph::Workspace;

/// What kind of rows a write changed. The UI maps each kind to the queries it refetches.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Type,
)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Work items, their changes (transitions) or their links.
    Items,
    /// People and their identities on sources.
    People,
    /// Teams.
    Teams,
    /// Sources: added, edited, enabled or disabled, removed (with what was synced from them).
    Sources,
    /// Sync history and cursors: runs started, pages recorded, runs ended.
    SyncRuns,
    /// Team and provenance rules.
    Rules,
    /// The workflow map (raw state → flow state, wait reason) and the states it re-derives.
    Workflow,
    /// Goals, initiatives, milestones and the links of work to them.
    Intents,
    /// Decisions people took (owners, triage outcomes, confirmed duplicates, notes).
    Decisions,
    /// Policies and the working calendars their clocks run on.
    Policies,
    /// Plans people make: scenarios and planning sessions.
    Plans,
    /// People's conflict rules: which `CODEOWNERS` owner is which team, the sensitive paths.
    ConflictRules,
}

impl ChangeKind {
    /// Every kind, in order.
    pub const ALL: [ChangeKind; 12] = [
        ChangeKind::Items,
        ChangeKind::People,
        ChangeKind::Teams,
        ChangeKind::Sources,
        ChangeKind::SyncRuns,
        ChangeKind::Rules,
        ChangeKind::Workflow,
        ChangeKind::Intents,
        ChangeKind::Decisions,
        ChangeKind::Policies,
        ChangeKind::Plans,
        ChangeKind::ConflictRules,
    ];

    /// What a change of this kind means for the in-memory index.
    fn index_effect(self) -> IndexEffect {
        match self {
            // The index follows items (and the people they name) one by one.
            ChangeKind::Items | ChangeKind::People => IndexEffect::Items,
            // Dictionaries the index interns (names, the intent tree), or removals.
            ChangeKind::Teams | ChangeKind::Sources | ChangeKind::Intents => IndexEffect::Rebuild,
            // Nothing the index holds. (A workflow change that moves items' stored states also
            // records those items.)
            ChangeKind::SyncRuns
            | ChangeKind::Rules
            | ChangeKind::Workflow
            | ChangeKind::Decisions
            | ChangeKind::Policies
            | ChangeKind::Plans
            | ChangeKind::ConflictRules => IndexEffect::None,
        }
    }
}

/// What a set of changes means for the in-memory index and the caches keyed on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum IndexEffect {
    /// Nothing it holds changed.
    None,
    /// Only the listed items (their rows, changes, links, people) changed: follow them.
    Items,
    /// Something it cannot follow item by item changed: rebuild it.
    Rebuild,
}

/// What a write changed: the kinds of rows and, for items, which ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Changes {
    /// The kinds of rows changed, each once, in a fixed order.
    pub kinds: Vec<ChangeKind>,
    /// The items written (rows, changes or links), when they are few enough to list; empty when
    /// no item changed or when `allItems` is set.
    pub item_ids: Vec<String>,
    /// Items changed that are not (or not all) listed: treat every item as changed.
    pub all_items: bool,
}

/// Above this many item ids, [`Changes`] stops listing them and says "all items" instead (the
/// index then rebuilds rather than following a large share of itself one by one).
pub const MAX_LISTED_ITEMS: usize = 5_000;

impl Changes {
    /// No change.
    pub fn none() -> Changes {
        Changes::default()
    }

    /// Everything may have changed (a workspace written as a whole, such as the demo).
    pub fn everything() -> Changes {
        Changes {
            kinds: ChangeKind::ALL.to_vec(),
            item_ids: Vec::new(),
            all_items: true,
        }
    }

    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// Whether rows of `kind` changed.
    pub fn has(&self, kind: ChangeKind) -> bool {
        self.kinds.contains(&kind)
    }

    /// Adds a kind.
    pub fn add(&mut self, kind: ChangeKind) {
        if let Err(at) = self.kinds.binary_search(&kind) {
            self.kinds.insert(at, kind);
        }
    }

    /// Adds items written (their rows, changes or links).
    pub fn add_items<S: Into<String>>(&mut self, ids: impl IntoIterator<Item = S>) {
        self.add(ChangeKind::Items);
        if self.all_items {
            return;
        }
        let mut set: BTreeSet<String> = std::mem::take(&mut self.item_ids).into_iter().collect();
        set.extend(ids.into_iter().map(Into::into));
        if set.len() > MAX_LISTED_ITEMS {
            self.all_items = true;
        } else {
            self.item_ids = set.into_iter().collect();
        }
    }

    /// Says that items changed without listing them.
    pub fn add_all_items(&mut self) {
        self.add(ChangeKind::Items);
        self.all_items = true;
        self.item_ids.clear();
    }

    /// Both sets of changes in one (for events batched over a short time).
    pub fn merge(&mut self, other: &Changes) {
        for &kind in &other.kinds {
            self.add(kind);
        }
        if other.all_items {
            self.add_all_items();
        } else if !other.item_ids.is_empty() {
            self.add_items(other.item_ids.iter().cloned());
        }
    }

    /// What these changes mean for the in-memory index.
    pub fn index_effect(&self) -> IndexEffect {
        let effect = self
            .kinds
            .iter()
            .map(|k| k.index_effect())
            .max()
            .unwrap_or(IndexEffect::None);
        if effect == IndexEffect::Items && self.all_items {
            IndexEffect::Rebuild
        } else {
            effect
        }
    }
}

/// A write in progress: the transaction's connection and what it has changed so far.
pub struct Writer<'t> {
    conn: &'t mut SqliteConnection,
    changes: Changes,
}

impl<'t> Writer<'t> {
    /// The transaction's connection, for repository calls.
    pub fn conn(&mut self) -> &mut SqliteConnection {
        self.conn
    }

    /// Records that rows of `kind` changed.
    pub fn changed(&mut self, kind: ChangeKind) {
        self.changes.add(kind);
    }

    /// Records that these items changed (their rows, changes or links).
    pub fn items_changed<S: Into<String>>(&mut self, ids: impl IntoIterator<Item = S>) {
        self.changes.add_items(ids);
    }

    /// Records that items changed without listing them.
    pub fn all_items_changed(&mut self) {
        self.changes.add_all_items();
    }

    /// Records that anything may have changed (a workspace written as a whole).
    pub fn everything_changed(&mut self) {
        self.changes.merge(&Changes::everything());
    }

    /// What was recorded so far.
    pub fn changes(&self) -> &Changes {
        &self.changes
    }
}

/// One change to a workspace, run by [`Workspace::write`] in a transaction of its own.
///
/// `apply` does the reads and writes through [`Writer::conn`] and records what it changed with
/// [`Writer::changed`] / [`Writer::items_changed`]. When it fails, nothing it wrote is kept.
pub trait WriteOp: Send {
    /// What the caller gets back (an id, a row, figures).
    type Output: Send;
    /// The error it can fail with.
    type Error: From<CoreError> + From<sqlx::Error> + Send;

    /// Runs the change inside the transaction.
    fn apply(
        self,
        w: &mut Writer<'_>,
    ) -> impl Future<Output = Result<Self::Output, Self::Error>> + Send;
}

impl Workspace {
    /// Runs `op` in one transaction, commits it, brings the caches up to date from what it
    /// changed, tells every subscriber, and returns its output with the changes.
    pub async fn write<O: WriteOp>(&self, op: O) -> Result<(O::Output, Changes), O::Error> {
        // A read-only workspace says so, naming the file, before SQLite would refuse.
        self.ensure_writable()?;
        let tx = self.write_pool().begin().await?;
        self.run_write(tx, op, KeyCheck::EachRow).await
    }

    /// [`Workspace::write`] for a large load (the demo's rows into a new workspace): the same
    /// one transaction, with every foreign key checked once, over the whole file, before the
    /// commit (`PRAGMA foreign_key_check`) instead of a look-up in the parent table for each key
    /// of each row as it goes in. A load that leaves any key without its row fails and writes
    /// nothing, as it would with the keys checked row by row.
    ///
    /// The two give the same rows only for a write that deletes or replaces no row another
    /// table refers to (no `ON DELETE` action to follow), which is what a load into an empty
    /// workspace does. SQLite switches the keys' enforcement per connection and only outside a
    /// transaction, so the writing connection runs this one write with it off and is then
    /// closed, never handed back to the pool (not even when the write fails or is cancelled):
    /// the next write opens a fresh one with the keys on. The connection also gets a page cache
    /// large enough for the load's pages ([`BULK_CACHE_KIB`]), freed as it closes.
    pub async fn write_bulk<O: WriteOp>(&self, op: O) -> Result<(O::Output, Changes), O::Error> {
        self.write_bulk_beside(op, &[], &[]).await
    }

    /// [`Workspace::write_bulk`] with side files attached to its connection (each as its
    /// [`SideFile::schema`]), whose tables `op` copies in ([`SideFile::copy_into`]) once other
    /// connections have filled them. The foreign keys of the rows of `checked` are left out of
    /// the check before the commit: `op` checks every key it writes into those tables itself,
    /// against the rows it writes (and fails when one names none).
    pub(crate) async fn write_bulk_beside<O: WriteOp>(
        &self,
        op: O,
        sides: &[&SideFile],
        checked: &[&str],
    ) -> Result<(O::Output, Changes), O::Error> {
        self.ensure_writable()?;
        let mut conn = self.write_pool().acquire().await?;
        conn.close_on_drop();
        sqlx::query("PRAGMA foreign_keys = OFF")
            .execute(&mut *conn)
            .await?;
        sqlx::query(&format!("PRAGMA cache_size = -{BULK_CACHE_KIB}"))
            .execute(&mut *conn)
            .await?;
        for side in sides {
            // (SQLite attaches a file only outside a transaction.)
            let path = side.path().to_str().ok_or_else(|| {
                CoreError::Invalid("the side file's path is not valid UTF-8".into())
            })?;
            sqlx::query(&format!(
                "ATTACH DATABASE ?1 AS \"{}\"",
                side.schema().replace('"', "\"\"")
            ))
            .bind(path)
            .execute(&mut *conn)
            .await?;
        }
        let tx = sqlx::Connection::begin(&mut *conn).await?;
        let except = checked.iter().map(|t| (*t).to_owned()).collect();
        let written = self
            .run_write(tx, op, KeyCheck::AtCommit { except })
            .await?;
        tracing::debug!("bulk write: committed");
        for side in sides {
            // Let go of the side file before it is removed (the connection closes anyway).
            sqlx::query(&format!(
                "DETACH DATABASE \"{}\"",
                side.schema().replace('"', "\"\"")
            ))
            .execute(&mut *conn)
            .await?;
        }
        Ok(written)
    }

    async fn run_write<O: WriteOp>(
        &self,
        mut tx: sqlx::Transaction<'_, sqlx::Sqlite>,
        op: O,
        keys: KeyCheck,
    ) -> Result<(O::Output, Changes), O::Error> {
        // The write lock is taken first, by a write that changes nothing: waiting (busy
        // timeout) while another connection or process writes. A transaction whose first
        // statement only read would instead fail at once with "database is locked" when another
        // writer committed before its first write (SQLite cannot upgrade a stale read snapshot).
        // (`BEGIN IMMEDIATE` would do the same, but sqlx refuses a custom BEGIN on a connection
        // whose aborted write it has not rolled back yet.)
        sqlx::query("UPDATE meta SET writes = writes WHERE 0")
            .execute(&mut *tx)
            .await?;
        let mut writer = Writer {
            conn: &mut tx,
            changes: Changes::none(),
        };
        let output = op.apply(&mut writer).await?;
        let changes = writer.changes;
        if let KeyCheck::AtCommit { except } = &keys {
            check_foreign_keys(&mut tx, except).await?;
            tracing::debug!("bulk write: foreign keys checked");
        }
        // A write that changes what the index holds moves the file's data version in the same
        // transaction: the index and its snapshot know by it whether they are current.
        let written = if changes.index_effect() == IndexEffect::None {
            None
        } else {
            Some(bump_data_version(&mut tx).await?)
        };
        // A bulk write into a new workspace's file has had most of its pages spilled into the
        // file by now (its page cache is smaller than a large load); the commit writes the
        // rest. Those already written go to disk while it runs, so the sync of the complete
        // file (`NewWorkspace::finish`) has only the commit's pages left to wait for. (A failed
        // sync here is left to that one, which fails the load.)
        let syncing = (self.is_unlogged() && matches!(keys, KeyCheck::AtCommit { .. }))
            .then(|| sync_in_background(self.path().to_owned()));
        tx.commit().await?;
        if let Some(syncing) = syncing {
            let _ = syncing.await;
        }
        self.apply_changes(&changes, written);
        Ok((output, changes))
    }
}

/// Syncs `path`'s data to disk on a blocking thread (opened for writing: some systems sync only
/// a file open for writing); a failure is only logged.
fn sync_in_background(path: std::path::PathBuf) -> tokio::task::JoinHandle<()> {
    tokio::task::spawn_blocking(move || {
        let file = std::fs::OpenOptions::new().write(true).open(&path);
        match file.and_then(|f| f.sync_data()) {
            Ok(()) => tracing::debug!("bulk write: early sync done"),
            Err(err) => tracing::debug!(%err, "bulk write: the early sync failed"),
        }
    })
}

/// The page cache of a bulk write's connection, KiB (the writing connection's is 32 MiB): the
/// pages a large load dirties stay in memory until its commit instead of being spilled to the
/// log half-way and read back from it (by the foreign-key look-ups, and by the indexes built
/// after the rows, which read every row). Filled only as far as the write uses it, and freed
/// when the connection closes after the write.
pub(crate) const BULK_CACHE_KIB: u32 = 512 * 1024;

/// When a write's foreign keys are checked.
#[derive(Debug, Clone, PartialEq, Eq)]
enum KeyCheck {
    /// By SQLite, for each row as it is written (the connection's `foreign_keys` is on).
    EachRow,
    /// Once, over the whole file, before the commit (the connection's `foreign_keys` is off),
    /// but for the rows of the tables `except`, whose writer checked their keys.
    AtCommit { except: Vec<String> },
}

/// Fails, naming the first few, when any row's foreign key has no row to refer to (the rows
/// of the tables `except` aside).
async fn check_foreign_keys(
    conn: &mut SqliteConnection,
    except: &[String],
) -> Result<(), CoreError> {
    use sqlx::Row;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM main.sqlite_schema
         WHERE type = 'table' AND EXISTS (SELECT 1 FROM pragma_foreign_key_list(name, 'main'))
         ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut broken = Vec::new();
    for table in tables.iter().filter(|t| !except.contains(t)) {
        broken.extend(
            sqlx::query(&format!(
                "PRAGMA main.foreign_key_check(\"{}\")",
                table.replace('"', "\"\"")
            ))
            .fetch_all(&mut *conn)
            .await?,
        );
    }
    if broken.is_empty() {
        return Ok(());
    }
    let named: Vec<String> = broken
        .iter()
        .take(3)
        .map(|row| {
            let table: String = row.try_get(0).unwrap_or_default();
            let parent: String = row.try_get(2).unwrap_or_default();
            format!("a row of {table} names no row of {parent}")
        })
        .collect();
    Err(CoreError::Invalid(format!(
        "the write leaves {} foreign key(s) without their row ({}); nothing was written",
        broken.len(),
        named.join("; ")
    )))
}

/// Counts one more write in `meta` and gives it a fresh random version; returns its number.
/// (Recreates the row if it was deleted.)
async fn bump_data_version(conn: &mut SqliteConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"INSERT INTO meta (id, uid, writes, version)
           VALUES (1, lower(hex(randomblob(16))), 1, lower(hex(randomblob(16))))
           ON CONFLICT (id) DO UPDATE SET writes = writes + 1, version = excluded.version
           RETURNING writes AS "writes!: i64""#
    )
    .fetch_one(conn)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_kept_once_and_in_order() {
        let mut c = Changes::none();
        c.add(ChangeKind::Rules);
        c.add(ChangeKind::Items);
        c.add(ChangeKind::Rules);
        assert_eq!(c.kinds, vec![ChangeKind::Items, ChangeKind::Rules]);
        assert!(c.has(ChangeKind::Rules) && !c.has(ChangeKind::Teams));
    }

    #[test]
    fn the_index_follows_items_and_rebuilds_for_dictionaries() {
        let mut c = Changes::none();
        assert_eq!(
            c.index_effect(),
            IndexEffect::None,
            "no change, nothing to do"
        );
        c.add(ChangeKind::SyncRuns);
        assert_eq!(
            c.index_effect(),
            IndexEffect::None,
            "sync history is not in the index"
        );
        c.add_items(["a", "b", "a"]);
        assert_eq!(c.item_ids, vec!["a".to_owned(), "b".to_owned()]);
        assert_eq!(c.index_effect(), IndexEffect::Items);
        c.add(ChangeKind::Teams);
        assert_eq!(
            c.index_effect(),
            IndexEffect::Rebuild,
            "a new team needs a rebuild"
        );
    }

    #[test]
    fn too_many_items_become_all_items() {
        let mut c = Changes::none();
        c.add_items((0..=MAX_LISTED_ITEMS).map(|i| i.to_string()));
        assert!(c.all_items && c.item_ids.is_empty());
        assert_eq!(
            c.index_effect(),
            IndexEffect::Rebuild,
            "unlisted items cannot be followed one by one"
        );
    }

    #[test]
    fn merged_changes_hold_both() {
        let mut a = Changes::none();
        a.add_items(["x"]);
        let mut b = Changes::none();
        b.add(ChangeKind::Rules);
        b.add_items(["y"]);
        a.merge(&b);
        assert_eq!(a.kinds, vec![ChangeKind::Items, ChangeKind::Rules]);
        assert_eq!(a.item_ids, vec!["x".to_owned(), "y".to_owned()]);
        a.merge(&Changes::everything());
        assert!(a.all_items && a.kinds.len() == ChangeKind::ALL.len());
    }

    /// A write that reads, lets another connection try to write, then writes.
    struct ReadThenWrite {
        other: tokio::sync::oneshot::Sender<()>,
        other_done: tokio::sync::oneshot::Receiver<()>,
    }

    impl WriteOp for ReadThenWrite {
        type Output = ();
        type Error = crate::CoreError;

        async fn apply(self, w: &mut Writer<'_>) -> Result<(), crate::CoreError> {
            sqlx::query("SELECT count(*) FROM teams")
                .execute(w.conn())
                .await?;
            let _ = self.other.send(());
            // The other writer either committed in between (a deferred transaction) or waits
            // for this one (an immediate one): give it the time to do either.
            let _ =
                tokio::time::timeout(std::time::Duration::from_millis(300), self.other_done).await;
            sqlx::query("INSERT INTO teams (id, name) VALUES ('t-first', 'First')")
                .execute(w.conn())
                .await?;
            Ok(())
        }
    }

    struct Insert(&'static str);

    impl WriteOp for Insert {
        type Output = ();
        type Error = crate::CoreError;

        async fn apply(self, w: &mut Writer<'_>) -> Result<(), crate::CoreError> {
            sqlx::query("INSERT INTO teams (id, name) VALUES (?1, ?1)")
                .bind(self.0)
                .execute(w.conn())
                .await?;
            Ok(())
        }
    }

    /// A transition of an item that is not there.
    struct Orphan;

    impl WriteOp for Orphan {
        type Output = ();
        type Error = crate::CoreError;

        async fn apply(self, w: &mut Writer<'_>) -> Result<(), crate::CoreError> {
            sqlx::query("INSERT INTO teams (id, name) VALUES ('t-kept', 'Kept')")
                .execute(w.conn())
                .await?;
            sqlx::query(
                "INSERT INTO transitions (item_id, event_id, to_state, at)
                 VALUES ('no-such-item', 'e1', 'Done', 1)",
            )
            .execute(w.conn())
            .await?;
            w.changed(ChangeKind::Items);
            Ok(())
        }
    }

    async fn count(ws: &Workspace, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(ws.pool())
            .await
            .expect("count")
    }

    /// A bulk write checks its foreign keys once, before its commit: one that leaves a key
    /// without its row fails and writes nothing; every write after it (bulk or not, after a
    /// failed or a committed one) has its keys checked again.
    #[tokio::test]
    async fn a_bulk_write_with_a_broken_key_fails_and_keys_are_checked_after_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let ws = Workspace::create(&dir.path().join("keys.baton"))
            .await
            .expect("create");
        let err = ws.write_bulk(Orphan).await.expect_err("a broken key fails");
        assert!(
            err.to_string().contains("transitions") && err.to_string().contains("items"),
            "names the table and what it refers to: {err}"
        );
        assert_eq!(
            count(&ws, "SELECT count(*) FROM teams WHERE id = 't-kept'").await,
            0,
            "nothing of the failed write is kept"
        );
        assert_eq!(count(&ws, "SELECT count(*) FROM transitions").await, 0);
        assert!(
            ws.write(Orphan).await.is_err(),
            "a write after it checks each row's keys"
        );
        ws.write_bulk(Insert("t-bulk")).await.expect("a bulk write");
        assert!(
            ws.write(Orphan).await.is_err(),
            "and so does a write after a committed bulk write"
        );
        assert_eq!(
            count(
                &ws,
                "SELECT count(*) FROM teams WHERE id IN ('t-bulk', 't-kept')"
            )
            .await,
            1,
            "the bulk write committed, the failed ones did not"
        );
        ws.close().await;
    }

    /// Two processes writing one workspace (a sync and a second `baton` refused by the sync
    /// lock, say): a write that read before the other committed still commits, after waiting,
    /// instead of failing with "database is locked".
    #[tokio::test]
    async fn a_write_that_read_first_waits_for_another_writer_instead_of_failing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("two.baton");
        let first = Workspace::create(&path).await.expect("create");
        let second = Workspace::open(&path).await.expect("open again");
        let (go, went) = tokio::sync::oneshot::channel();
        let (done, other_done) = tokio::sync::oneshot::channel();
        let other = tokio::spawn(async move {
            let _ = went.await;
            let result = second.write(Insert("t-second")).await.map(|_| ());
            let _ = done.send(());
            (second, result)
        });
        let mine = first
            .write(ReadThenWrite {
                other: go,
                other_done,
            })
            .await;
        let (second, theirs) = other.await.expect("the other writer");
        assert!(mine.is_ok(), "the first write commits: {mine:?}");
        assert!(theirs.is_ok(), "the second write commits: {theirs:?}");
        let teams: i64 = sqlx::query_scalar("SELECT count(*) FROM teams WHERE id LIKE 't-%'")
            .fetch_one(first.pool())
            .await
            .expect("count");
        assert_eq!(teams, 2, "both writes are in the file");
        first.close().await;
        second.close().await;
    }
}
