//! The in-memory index followed item by item after writes equals one rebuilt from scratch.

use baton_core::demo::{self, DemoOptions};
use baton_core::flow::{self, FlowFilter};
use baton_core::graph::model::*;
use baton_core::graph::{repo, Workspace, WriteOp, Writer};
use baton_core::query;

const T0: i64 = 1_772_409_600_000;
const D: i64 = 86_400_000;

/// Everything the index says about the items, in a comparable form (positions replaced by ids).
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
                ix.item_ids[i],
                ix.item_keys[i],
                ix.item_titles_folded[i],
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
                ix.item_ids[l.from as usize],
                ix.item_ids[l.to as usize],
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
                ix.item_ids[a.item as usize],
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
    rows
}

#[tokio::test]
async fn a_refreshed_index_equals_a_rebuilt_one() {
    let dir = tempfile::tempdir().unwrap();
    let end = T0 + 200 * D;
    let path = dir.path().join("demo.baton");
    let graph = demo::generate(&DemoOptions {
        items: 800,
        seed: 21,
        end,
    });
    let ws = Workspace::create(&path).await.unwrap();
    demo::write(&ws, &graph).await.unwrap();
    ws.index().await.unwrap();

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
    assert!(after.item_ids.iter().all(|id| id.as_ref() != added.id));
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
