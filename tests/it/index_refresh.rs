//! The in-memory index followed item by item after writes equals one rebuilt from scratch.

use baton_core::demo::{self, DemoOptions};
use baton_core::flow::{self, FlowFilter};
use baton_core::graph::model::*;
use baton_core::graph::snapshot::{self, Stamp, Unused};
use baton_core::graph::{repo, Workspace, WriteOp, Writer};
use baton_core::query;
use std::path::Path;

const T0: i64 = 1_772_409_600_000;
const D: i64 = 86_400_000;

/// Everything the index says about the items and the small tables, in a comparable form
/// (positions replaced by ids).
fn snapshot(ix: &baton_core::graph::index::WorkIndex) -> Vec<String> {
    let mut rows: Vec<String> = (0..ix.items.len())
        .map(|i| {
            let item = &ix.items[i];
            let state = |s: u32| {
                ix.states
                    .get(s as usize)
                    .map(|k| k.raw.clone())
                    .unwrap_or_else(|| "-".into())
            };
            let events: Vec<String> = ix
                .events_of(i)
                .iter()
                .map(|e| {
                    // State codes are positions in the interned names: compare the names.
                    let code = match e.kind() {
                        baton_core::graph::index::EventKind::State => state(e.code()),
                        _ => e.code().to_string(),
                    };
                    format!(
                        "{}:{:?}:{}:{}",
                        e.at,
                        e.kind(),
                        code,
                        ix.people.get(e.actor as usize).map_or("", |p| &p.id)
                    )
                })
                .collect();
            let person = |p: u32| ix.people.get(p as usize).map_or("-", |p| p.id.as_str());
            format!(
                "{} {} {} team={:?} flow={:?} now={} initial={} rows={} ooo={} owner={} asked={} {:?} agent={:?} priority={} [{}]",
                &ix.item_ids[i],
                &ix.item_keys[i],
                &ix.item_titles_folded[i],
                ix.teams.get(item.team as usize).map(|t| &t.id),
                item.flow,
                state(item.current_state),
                state(item.initial_state),
                item.transition_rows,
                item.out_of_order,
                person(item.owner),
                person(item.requester),
                item.requester_signal,
                ix.agents.get(item.agent as usize),
                item.has_priority,
                events.join(" ")
            )
        })
        .collect();
    let mut links: Vec<String> = ix
        .links
        .iter()
        .map(|l| {
            format!(
                "link {} {} {:?} {} {:?}",
                &ix.item_ids[l.from as usize],
                &ix.item_ids[l.to as usize],
                l.kind,
                l.created,
                l.removed
            )
        })
        .collect();
    let mut assignments: Vec<String> = ix
        .assignments
        .iter()
        .map(|a| {
            let person = |p: u32| ix.people.get(p as usize).map_or("-", |p| p.id.as_str());
            format!(
                "assigned {} {} by {} to {}",
                &ix.item_ids[a.item as usize],
                a.at,
                person(a.actor),
                person(a.assignee)
            )
        })
        .collect();
    rows.sort();
    links.sort();
    assignments.sort();
    rows.extend(links);
    rows.extend(assignments);
    rows.push(format!(
        "totals {} {} {}",
        ix.transition_rows, ix.link_rows, ix.standing_blocks_links
    ));
    // The small tables, in the index's order (lists and pickers show them in it).
    let name = |p: u32| ix.people.get(p as usize).map_or("-", |p| p.id.as_str());
    rows.push(format!("teams {:?}", ix.teams));
    rows.push(format!("sources {:?}", ix.sources));
    rows.push(format!(
        "intents {:?}",
        ix.intents
            .iter()
            .zip(&ix.intent_parents)
            .map(|(i, p)| (&i.id, &i.name, p.map(|p| &ix.intents[p as usize].id)))
            .collect::<Vec<_>>()
    ));
    rows.push(format!(
        "people {:?}",
        ix.people.iter().zip(&ix.people_is_bot).collect::<Vec<_>>()
    ));
    rows.push(format!("agents {:?}", ix.agents));
    rows.push(format!(
        "identities {} {:?}",
        ix.identity_rows(),
        ix.identity_logins()
            .into_iter()
            .map(|(s, login, p)| (&ix.sources[s as usize].id, login, name(p)))
            .collect::<Vec<_>>()
    ));
    let mut repaired: Vec<String> = ix
        .repaired
        .iter()
        .map(|r| format!("repaired {} {} {}", r.table, r.row, r.column))
        .collect();
    repaired.sort();
    rows.extend(repaired);
    rows
}

/// A demo of about `items` items written into a new workspace at `path`, its index loaded.
async fn demo_indexed(
    path: &Path,
    items: u32,
    seed: u64,
    end: i64,
) -> (Workspace, demo::DemoGraph) {
    let graph = demo::generate(&DemoOptions { items, seed, end });
    let ws = Workspace::create(path).await.unwrap();
    demo::write(&ws, &graph).await.unwrap();
    ws.index().await.unwrap();
    (ws, graph)
}

#[tokio::test]
async fn a_refreshed_index_equals_a_rebuilt_one() {
    let dir = tempfile::tempdir().unwrap();
    let end = T0 + 200 * D;
    let path = dir.path().join("demo.baton");
    let (ws, graph) = demo_indexed(&path, 800, 21, end).await;

    // A sync-like page: edit two items, give one more changes, add an item with changes and a
    // link, and retire a link.
    let mut edited: Vec<WorkItem> = graph.items[..2].to_vec();
    edited[0].title = "Renamed: <b>bold</b> move".into();
    edited[1].raw_state = graph.items[5].raw_state.clone();
    edited[1].flow_state = graph.items[5].flow_state;
    let mut added = graph.items[3].clone();
    added.id = "jira:NEW-1".into();
    added.external_id = "NEW-1".into();
    added.key = "NEW-1".into();
    let mut changes: Vec<Transition> = graph
        .transitions
        .iter()
        .filter(|t| t.item_id == graph.items[3].id)
        .cloned()
        .collect();
    for t in changes.iter_mut() {
        t.item_id = added.id.clone();
    }
    let mut more = graph
        .transitions
        .iter()
        .find(|t| t.item_id == graph.items[0].id && t.kind == TransitionKind::State)
        .cloned()
        .unwrap();
    more.event_id = "late-1".into();
    more.at = end - D;
    changes.push(more.clone());
    // An owner and a hand-over are followed too (who the item was assigned to, by whom).
    edited[0].owner_id = Some(graph.people[1].id.clone());
    let login = graph
        .identities
        .iter()
        .find(|i| i.source_id == graph.items[0].source_id)
        .unwrap();
    changes.push(Transition {
        event_id: "assigned-1".into(),
        kind: TransitionKind::Assignee,
        from_state: None,
        to_state: login.login.clone(),
        at: end - D + 1,
        ..more
    });
    let link = Link {
        from_item_id: added.id.clone(),
        to_item_id: graph.items[1].id.clone(),
        kind: LinkKind::Blocks,
        origin: LinkOrigin::Source,
        confidence: 1.0,
        created_at: end - 2 * D,
        removed_at: None,
        found_in: None,
    };
    let mut retired = graph
        .links
        .iter()
        .find(|l| l.removed_at.is_none())
        .cloned()
        .unwrap();
    retired.removed_at = Some(end - D);

    edited.push(added.clone());
    let touched = vec![
        graph.items[0].id.clone(),
        graph.items[1].id.clone(),
        added.id.clone(),
        retired.from_item_id.clone(),
        retired.to_item_id.clone(),
    ];
    let (_, written) = ws
        .write(WritePage {
            items: &edited,
            changes: &changes,
            links: &[link, retired.clone()],
            touched: &touched,
        })
        .await
        .unwrap();
    assert_eq!(
        written.index_effect(),
        baton_core::graph::write::IndexEffect::Items,
        "a page of items is followed item by item"
    );

    let refreshed = ws.index().await.unwrap();
    assert!(
        refreshed.stale_events > 0,
        "the index was refreshed item by item, not rebuilt"
    );
    let fresh = Workspace::open(&path).await.unwrap();
    let rebuilt = fresh.index().await.unwrap();
    assert_eq!(rebuilt.stale_events, 0);
    let (a, b) = (snapshot(&refreshed), snapshot(&rebuilt));
    let differ: Vec<(&String, &String)> =
        a.iter().zip(&b).filter(|(x, y)| x != y).take(3).collect();
    assert!(
        differ.is_empty() && a.len() == b.len(),
        "item by item or from scratch, the index is the same: {differ:#?} ({} vs {} rows)",
        a.len(),
        b.len()
    );

    let filter = FlowFilter::default();
    let a = serde_json::to_value(flow::flow_report(&ws, &filter, end).await.unwrap()).unwrap();
    let b = serde_json::to_value(flow::flow_report(&fresh, &filter, end).await.unwrap()).unwrap();
    assert_eq!(a, b, "and so are the flow metrics");
    let s1 = query::workspace_summary(&ws).await.unwrap();
    let s2 = query::workspace_summary(&fresh).await.unwrap();
    assert_eq!((s1.totals, s1.by_flow_state), (s2.totals, s2.by_flow_state));

    // Writes the index cannot follow item by item (a deleted item) rebuild it.
    ws.write(crate::common::DeleteItem(&added.id))
        .await
        .unwrap();
    let after = ws.index().await.unwrap();
    assert_eq!(after.stale_events, 0, "rebuilt");
    assert!(after.item_ids.iter().all(|id| id != added.id));
}

/// Pages after pages (new items, edits of old and of new ones) are followed item by item, each
/// index equal to one rebuilt from the file: the items stay in row id order, which each
/// refresh works out from the positions it wrote rather than by looking at every item.
#[tokio::test]
async fn pages_after_pages_are_followed_as_a_rebuild_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let end = T0 + 200 * D;
    let path = dir.path().join("demo.baton");
    let (ws, graph) = demo_indexed(&path, 600, 5, end).await;

    let new = |n: usize| {
        let mut item = graph.items[n].clone();
        item.id = format!("jira:NEW-{n}");
        item.external_id = format!("NEW-{n}");
        item.key = format!("NEW-{n}");
        item
    };
    let edited = |mut item: WorkItem, title: &str| {
        item.title = title.into();
        item
    };
    let pages = [
        vec![new(3)],
        vec![edited(graph.items[9].clone(), "Edited"), new(4), new(5)],
        vec![
            edited(new(4), "New and edited"),
            edited(graph.items[0].clone(), "First"),
        ],
        vec![edited(graph.items[599].clone(), "Last"), new(6)],
    ];
    for page in pages {
        let touched: Vec<String> = page.iter().map(|i| i.id.clone()).collect();
        let before = ws.index().await.unwrap().generation;
        ws.write(WritePage {
            items: &page,
            changes: &[],
            links: &[],
            touched: &touched,
        })
        .await
        .unwrap();
        let refreshed = ws.index().await.unwrap();
        assert!(
            refreshed.changed_since(before).is_some(),
            "followed item by item, not read again"
        );
        let fresh = Workspace::open(&path).await.unwrap();
        let rebuilt = fresh.index().await.unwrap();
        assert_eq!(refreshed.items.len(), rebuilt.items.len(), "no item twice");
        assert_eq!(
            snapshot(&refreshed),
            snapshot(&rebuilt),
            "item by item or from scratch, the index is the same"
        );
        assert_eq!(
            refreshed.item_ids.iter().collect::<Vec<_>>(),
            rebuilt.item_ids.iter().collect::<Vec<_>>(),
            "in the same order: the order of their rows"
        );
        drop((refreshed, rebuilt));
        fresh.close().await;
    }
    ws.close().await;
}

/// Items, their changes and links written as a sync page would be, naming the items touched.
struct WritePage<'a> {
    items: &'a [WorkItem],
    changes: &'a [Transition],
    links: &'a [Link],
    touched: &'a [String],
}

impl WriteOp for WritePage<'_> {
    type Output = ();
    type Error = baton_core::CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> Result<(), baton_core::CoreError> {
        repo::items::upsert_many(w.conn(), self.items).await?;
        repo::transitions::insert_many(w.conn(), self.changes).await?;
        repo::links::upsert_many(w.conn(), self.links).await?;
        w.items_changed(self.touched.iter().cloned());
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// The index snapshot beside the file

/// What the index of `path` says when built from the file's rows (its snapshot moved aside
/// for the build and put back after), and the Flow page it answers at `end`.
async fn from_rows(path: &Path, end: i64) -> (Vec<String>, serde_json::Value) {
    let snap = snapshot::path_for(path);
    let aside = path.with_extension("aside");
    let had = snap.exists();
    if had {
        std::fs::rename(&snap, &aside).unwrap();
    }
    let ws = Workspace::open_read_only(path).await.unwrap();
    let ix = ws.index().await.unwrap();
    assert!(!ix.from_snapshot, "built from the rows");
    let flow = flow_page(&ws, end).await;
    let rows = snapshot(&ix);
    drop(ix);
    ws.close().await;
    if had {
        std::fs::rename(&aside, &snap).unwrap();
    }
    (rows, flow)
}

async fn flow_page(ws: &Workspace, end: i64) -> serde_json::Value {
    serde_json::to_value(
        flow::flow_report(ws, &FlowFilter::default(), end)
            .await
            .unwrap(),
    )
    .unwrap()
}

/// Opens `path` afresh (as a new process would), asks for its index, and checks whether it
/// came from the snapshot and that it answers as one built from the rows does. Saves the
/// snapshot on close.
async fn open_and_check(path: &Path, end: i64, expect_snapshot: bool, why: &str) {
    let expected = from_rows(path, end).await;
    let ws = Workspace::open(path).await.unwrap();
    let ix = ws.index().await.unwrap();
    assert_eq!(
        ix.from_snapshot, expect_snapshot,
        "{why}: from the snapshot?"
    );
    let got = (snapshot(&ix), flow_page(&ws, end).await);
    let differ: Vec<(&String, &String)> = got
        .0
        .iter()
        .zip(&expected.0)
        .filter(|(x, y)| x != y)
        .take(3)
        .collect();
    assert!(
        differ.is_empty() && got.0.len() == expected.0.len(),
        "{why}: the index equals one built from the rows: {differ:#?}"
    );
    assert_eq!(got.1, expected.1, "{why}: and answers the same Flow page");
    drop(ix);
    ws.close().await;
}

/// Renames an item, through the write layer.
struct Rename<'a>(&'a str, &'a str);

impl WriteOp for Rename<'_> {
    type Output = ();
    type Error = baton_core::CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> Result<(), baton_core::CoreError> {
        sqlx::query("UPDATE items SET title = ?2 WHERE id = ?1")
            .bind(self.0)
            .bind(self.1)
            .execute(w.conn())
            .await?;
        w.items_changed([self.0]);
        Ok(())
    }
}

async fn demo_file(dir: &Path, name: &str, end: i64) -> std::path::PathBuf {
    let path = dir.join(name);
    let graph = demo::generate(&DemoOptions {
        items: 600,
        seed: 5,
        end,
    });
    let ws = Workspace::create(&path).await.unwrap();
    demo::write(&ws, &graph).await.unwrap();
    let ix = ws.index().await.unwrap();
    assert!(!ix.from_snapshot, "a new file has no snapshot");
    drop(ix);
    ws.save_index_snapshot().await.unwrap();
    ws.close().await;
    assert!(snapshot::path_for(&path).exists(), "the snapshot was saved");
    path
}

/// Gives an item an assignee change, through the write layer.
struct Assign<'a> {
    item: &'a str,
    login: &'a str,
    at: i64,
}

impl WriteOp for Assign<'_> {
    type Output = ();
    type Error = baton_core::CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> Result<(), baton_core::CoreError> {
        sqlx::query(
            "INSERT INTO transitions (item_id, event_id, seq, kind, from_state, to_state, at, actor_id)
             VALUES (?1, 'test-assign', 0, 'assignee', NULL, ?2, ?3, NULL)",
        )
        .bind(self.item)
        .bind(self.login)
        .bind(self.at)
        .execute(w.conn())
        .await?;
        w.items_changed([self.item]);
        Ok(())
    }
}

/// Fails unless the demo gives every field of the index a value that tells a dropped field
/// from a kept one (else comparing a snapshot's index with the rows' proves nothing about it).
fn every_field_has_values(ix: &baton_core::graph::index::WorkIndex) {
    use baton_core::graph::index::NONE;
    let items = &ix.items;
    let checks: [(&str, bool); 17] = [
        ("owner", items.iter().any(|i| i.owner != NONE)),
        ("requester", items.iter().any(|i| i.requester != NONE)),
        (
            "requester signal",
            items.iter().any(|i| i.requester_signal.is_some()),
        ),
        ("agent", items.iter().any(|i| i.agent != NONE)),
        ("priority", items.iter().any(|i| i.has_priority)),
        ("no priority", items.iter().any(|i| !i.has_priority)),
        ("author", items.iter().any(|i| i.author != NONE)),
        ("intent", items.iter().any(|i| i.intent != NONE)),
        ("team", items.iter().any(|i| i.team != NONE)),
        (
            "assignment with an assignee",
            ix.assignments.iter().any(|a| a.assignee != NONE),
        ),
        (
            "assignment by someone",
            ix.assignments.iter().any(|a| a.actor != NONE),
        ),
        ("identities", !ix.identity_logins().is_empty()),
        ("bots", ix.people_is_bot.iter().any(|b| *b)),
        ("agents", !ix.agents.is_empty()),
        (
            "intent parents",
            ix.intent_parents.iter().any(Option::is_some),
        ),
        ("links", !ix.links.is_empty()),
        ("changes", !ix.events.is_empty()),
    ];
    let missing: Vec<&str> = checks
        .iter()
        .filter(|(_, has)| !has)
        .map(|(what, _)| *what)
        .collect();
    assert!(
        missing.is_empty(),
        "the demo gives no value to: {missing:?}"
    );
}

#[tokio::test]
async fn a_current_snapshot_is_used_and_answers_as_the_rows_do() {
    let dir = tempfile::tempdir().unwrap();
    let end = T0 + 200 * D;
    let path = demo_file(dir.path(), "a.baton", end).await;
    every_field_has_values(&from_snapshot_of(&path).await);
    open_and_check(&path, end, true, "current").await;
    // A read-only opening reads a current snapshot too, and writes none.
    let ws = Workspace::open_read_only(&path).await.unwrap();
    assert!(ws.index().await.unwrap().from_snapshot);
    ws.close().await;

    // An index loaded from the snapshot follows a write item by item as one built from the
    // rows does: its identities (which person a login is) came with it.
    let ws = Workspace::open(&path).await.unwrap();
    let ix = ws.index().await.unwrap();
    assert!(ix.from_snapshot);
    let (source, login, person) = ix.identity_logins()[0];
    let (login, person) = (login.to_owned(), ix.people[person as usize].id.clone());
    let at = ix
        .items
        .iter()
        .position(|i| i.source == source)
        .expect("an item of the identity's source");
    let item = ix.item_ids[at].to_owned();
    drop(ix);
    ws.write(Assign {
        item: &item,
        login: &login,
        at: T0 + 3 * D,
    })
    .await
    .unwrap();
    let ix = ws.index().await.unwrap();
    assert!(
        ix.from_snapshot,
        "followed item by item, not rebuilt from the rows"
    );
    assert!(
        ix.assignments.iter().any(|a| a.at == T0 + 3 * D
            && ix.item_ids[a.item as usize] == *item
            && ix.people.get(a.assignee as usize).map(|p| &p.id) == Some(&person)),
        "the new assignment names the login's person"
    );
    let followed = snapshot(&ix);
    drop(ix);
    assert_eq!(
        followed,
        from_rows(&path, end).await.0,
        "the followed index equals one built from the rows"
    );
    ws.close().await;
    open_and_check(&path, end, true, "saved after the write").await;
}

/// The index of `path` loaded from its snapshot.
async fn from_snapshot_of(path: &Path) -> baton_core::graph::index::WorkIndex {
    let ws = Workspace::open_read_only(path).await.unwrap();
    let mut conn = ws.pool().acquire().await.unwrap();
    let stamp = Stamp::read(&mut conn).await.unwrap();
    drop(conn);
    ws.close().await;
    snapshot::load(path, &stamp, 0).expect("a current snapshot loads")
}

#[tokio::test]
async fn a_snapshot_is_stale_after_a_write_through_the_write_layer() {
    let dir = tempfile::tempdir().unwrap();
    let end = T0 + 200 * D;
    let path = demo_file(dir.path(), "a.baton", end).await;

    // A workspace holding its index (loaded from the snapshot), and another program writing.
    let ws = Workspace::open(&path).await.unwrap();
    let before = ws.index().await.unwrap();
    assert!(before.from_snapshot);
    let id = before.item_ids[7].to_owned();
    drop(before);
    let other = Workspace::open(&path).await.unwrap();
    other
        .write(Rename(&id, "Renamed By Another Process"))
        .await
        .unwrap();
    other.close().await;

    // The holder sees it at its next question (and reads the file again).
    let after = ws.index().await.unwrap();
    let at = after.item_ids.iter().position(|x| x == id).unwrap();
    assert_eq!(&after.item_titles_folded[at], "renamed by another process");
    assert!(
        !after.from_snapshot,
        "the snapshot on disk is stale: not used"
    );
    drop(after);

    // Its own write is followed item by item and the snapshot saved again at close; a fresh
    // process uses it.
    ws.write(Rename(&id, "Renamed Again")).await.unwrap();
    let own = ws.index().await.unwrap();
    let at = own.item_ids.iter().position(|x| x == id).unwrap();
    assert_eq!(&own.item_titles_folded[at], "renamed again");
    drop(own);
    ws.close().await;
    open_and_check(&path, end, true, "saved after its own write").await;

    // A write by a process that never loads the index leaves the snapshot stale.
    let other = Workspace::open(&path).await.unwrap();
    other.write(Rename(&id, "Third Name")).await.unwrap();
    other.close().await;
    open_and_check(&path, end, false, "after another process's write").await;
    open_and_check(&path, end, true, "saved again by the last opening").await;
}

#[tokio::test]
async fn a_snapshot_is_stale_after_rows_added_or_deleted_by_raw_sql() {
    let dir = tempfile::tempdir().unwrap();
    let end = T0 + 200 * D;
    let path = demo_file(dir.path(), "a.baton", end).await;

    // An item added behind Baton's back (a copy of another under a new id).
    let ws = Workspace::open(&path).await.unwrap();
    let mut conn = ws.pool().acquire().await.unwrap();
    for sql in [
        "CREATE TEMP TABLE copy AS SELECT * FROM items WHERE rowid = (SELECT MIN(rowid) FROM items)",
        "UPDATE copy SET id = 'raw:1', external_id = 'RAW-1', key = 'RAW-1', title = 'Added by hand'",
        "INSERT INTO items SELECT * FROM copy",
    ] {
        sqlx::query(sql).execute(&mut *conn).await.unwrap();
    }
    drop(conn);
    ws.close().await;
    open_and_check(&path, end, false, "after an item added by raw SQL").await;

    // The item just added deleted again (the largest row id goes back to what it was before).
    let ws = Workspace::open(&path).await.unwrap();
    sqlx::query("DELETE FROM items WHERE id = 'raw:1'")
        .execute(ws.pool())
        .await
        .unwrap();
    ws.close().await;
    open_and_check(&path, end, false, "after an item deleted by raw SQL").await;

    // A team added by hand.
    let ws = Workspace::open(&path).await.unwrap();
    sqlx::query("INSERT INTO teams (id, name) VALUES ('raw-team', 'Added by hand')")
        .execute(ws.pool())
        .await
        .unwrap();
    ws.close().await;
    open_and_check(&path, end, false, "after a team added by raw SQL").await;
}

#[tokio::test]
async fn a_damaged_or_foreign_snapshot_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let end = T0 + 200 * D;
    let path = demo_file(dir.path(), "a.baton", end).await;
    let snap = snapshot::path_for(&path);
    let good = std::fs::read(&snap).unwrap();
    let stamp = {
        let ws = Workspace::open_read_only(&path).await.unwrap();
        let mut conn = ws.pool().acquire().await.unwrap();
        let stamp = Stamp::read(&mut conn).await.unwrap();
        drop(conn);
        ws.close().await;
        stamp
    };
    assert!(
        snapshot::load(&path, &stamp, 0).is_ok(),
        "the good one loads"
    );
    // (what, bytes, whether it is refused as stale rather than damaged)
    let mut damages: Vec<(&str, Vec<u8>, bool)> = Vec::new();
    let mut flipped = good.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x40;
    damages.push(("one byte flipped in the middle", flipped, false));
    damages.push(("cut short", good[..good.len() - 100].to_vec(), false));
    damages.push(("cut to nothing", Vec::new(), false));
    let mut grown = good.clone();
    grown.extend_from_slice(b"more");
    damages.push(("grown", grown, false));
    let mut versioned = good.clone();
    // The format version follows the 8-byte magic.
    let next = (snapshot::FORMAT_VERSION + 1).to_le_bytes();
    versioned[8..12].copy_from_slice(&next);
    damages.push(("another format version", versioned, true));
    let mut huge = good.clone();
    // The length of the Baton version text follows the format version: claim more than the file.
    huge[12..20].copy_from_slice(&u64::MAX.to_le_bytes());
    damages.push(("a length past the end", huge, false));
    for (why, bytes, stale) in damages {
        std::fs::write(&snap, &bytes).unwrap();
        match snapshot::load(&path, &stamp, 0) {
            Err(Unused::Stale(_)) if stale => {}
            Err(Unused::Damaged(_)) if !stale => {}
            other => panic!(
                "{why}: refused as {}: {:?}",
                if stale { "stale" } else { "damaged" },
                other.map(|_| ())
            ),
        }
        open_and_check(&path, end, false, why).await;
        // The opening that rebuilt it saved a good one again.
        open_and_check(&path, end, true, &format!("saved again after: {why}")).await;
    }

    // The snapshot of another workspace (same content, another file) is not this one's.
    let other = demo_file(dir.path(), "b.baton", end).await;
    std::fs::copy(&snap, snapshot::path_for(&other)).unwrap();
    open_and_check(&other, end, false, "another workspace's snapshot").await;
}

#[tokio::test]
async fn an_index_still_held_elsewhere_is_followed_on_a_copy_not_read_again() {
    let dir = tempfile::tempdir().unwrap();
    let end = T0 + 200 * D;
    let path = demo_file(dir.path(), "held.baton", end).await;
    let ws = Workspace::open(&path).await.unwrap();

    // A question (or a caller) keeps the index while a write lands.
    let held = ws.index().await.unwrap();
    let id = held.item_ids[11].to_owned();
    let title_before = held.item_titles_folded[11].to_owned();
    ws.write(Rename(&id, "Renamed While Held")).await.unwrap();
    let next = ws.index().await.unwrap();

    // Followed item by item: the new index lists what changed since the held one (a whole
    // load would start its list afresh and know nothing of the held generation).
    assert!(next.generation > held.generation);
    let changed = next
        .changed_since(held.generation)
        .expect("followed from the held index, not read again from the rows");
    // The renamed item, and the far ends of its links.
    assert!(changed.contains(&11) && changed.len() < 20, "{changed:?}");
    assert_eq!(
        next.from_snapshot, held.from_snapshot,
        "no whole load since"
    );
    assert_eq!(&next.item_titles_folded[11], "renamed while held");
    // The holder's index is untouched.
    assert_eq!(held.item_titles_folded[11], title_before);
    drop(held);

    // And the copy answers as an index built from the rows does.
    let (rows, flow) = from_rows(&path, end).await;
    assert_eq!(snapshot(&next), rows);
    drop(next);
    assert_eq!(flow_page(&ws, end).await, flow);
    ws.close().await;
}
