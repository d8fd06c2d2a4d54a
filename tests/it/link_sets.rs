//! Link sets left out of a page because they cannot retire anything
//! ([`baton_core::connectors::link_sets::IdleSets`]): the graph is the one every set gives,
//! also when the check runs while the walk's write before is still in flight.

use baton_core::connectors::link_sets::IdleSets;
use baton_core::graph::model::*;
use baton_core::graph::repo::links::{self, LinkSet, Side};
use baton_core::graph::{WriteOp, Writer};
use baton_core::ingest::write::{commit_page, PageWrite, RunFigures};

use crate::sync_support::*;

fn item(source: &str, id: &str) -> WorkItem {
    WorkItem {
        id: id.into(),
        source_id: source.into(),
        external_id: id.into(),
        key: id.into(),
        url: String::new(),
        kind: ItemKind::Task,
        title: id.into(),
        team_id: None,
        owner_id: None,
        author_id: None,
        provenance: Provenance::Human,
        provenance_agent: None,
        provenance_confidence: 1.0,
        raw_state: "open".into(),
        flow_state: FlowState::New,
        wait_reason: None,
        intent_id: None,
        priority: None,
        estimate: None,
        created_at: NOW - 86_400_000,
        started_at: None,
        done_at: None,
        updated_at: NOW - 86_400_000,
    }
}

fn link(from: &str, to: &str, kind: LinkKind) -> Link {
    Link {
        from_item_id: from.into(),
        to_item_id: to.into(),
        kind,
        origin: LinkOrigin::Source,
        confidence: 1.0,
        created_at: NOW - 86_400_000,
        removed_at: None,
        found_in: Some("issue relations".into()),
    }
}

/// A page of issues as the Linear mapping gives them: each issue with the links its record
/// lists, its relations' set (either side) and its parent's set (the child's side).
fn page(source: &str, issues: &[(&str, &[Link])], keys: &[(&str, &str)]) -> PageWrite {
    let mut page = PageWrite::new("issues");
    for (id, links) in issues {
        page.items.push(item(source, id));
        let keep: Vec<(String, String, LinkKind)> = links
            .iter()
            .map(|l| (l.from_item_id.clone(), l.to_item_id.clone(), l.kind))
            .collect();
        page.links.extend(links.iter().cloned());
        page.link_sets.push(LinkSet {
            item_id: (*id).into(),
            kinds: vec![LinkKind::Blocks, LinkKind::Duplicates, LinkKind::Relates],
            side: Side::Either,
            other_prefix: "lin:".into(),
            keep: keep
                .iter()
                .filter(|k| k.2 != LinkKind::Parent)
                .cloned()
                .collect(),
        });
        page.link_sets.push(LinkSet {
            item_id: (*id).into(),
            kinds: vec![LinkKind::Parent],
            side: Side::To,
            other_prefix: "lin:".into(),
            keep: keep
                .into_iter()
                .filter(|k| k.2 == LinkKind::Parent && k.1 == *id)
                .collect(),
        });
    }
    page.keys = keys
        .iter()
        .map(|(k, id)| ((*k).into(), (*id).into()))
        .collect();
    page
}

async fn commit(h: &Harness, source: &str, page: &PageWrite) {
    commit_page(&h.ws, source, "run", RunFigures::default(), page, NOW)
        .await
        .unwrap();
}

async fn graph(h: &Harness) -> Vec<String> {
    let mut rows = h
        .strings("SELECT 'link ' || from_item_id || ' ' || kind || ' ' || to_item_id || ' ' || COALESCE(removed_at, '-') FROM links")
        .await;
    rows.extend(
        h.strings("SELECT 'pending ' || from_item_id || ' ' || kind || ' ' || to_item_id || ' ' || COALESCE(removed_at, '-') FROM pending_links")
            .await,
    );
    rows.sort();
    rows
}

const A: &str = "lin:acme/a";
const B: &str = "lin:acme/b";
const C: &str = "lin:acme/c";
const D: &str = "lin:acme/d";
const E: &str = "lin:acme/e";
const F: &str = "lin:acme/f";
const G: &str = "lin:acme/g";
const X: &str = "lin:acme/x";
const Y: &str = "lin:acme/y";
const Z: &str = "lin:acme/z";
/// The key F is known by.
const KEY_F: &str = "lin:acme/ENG-9";

/// What is stored before the walk, and the walk's pages, for source `s`.
fn scenario(s: &str) -> (PageWrite, Vec<PageWrite>) {
    // Stored before the walk: x relates to y (both stored), x blocks z (z not synced: the link
    // waits), and f, known by a key.
    let before = page(
        s,
        &[
            (
                X,
                &[link(X, Y, LinkKind::Relates), link(X, Z, LinkKind::Blocks)],
            ),
            (Y, &[link(X, Y, LinkKind::Relates)]),
            (F, &[]),
        ],
        &[(KEY_F, F)],
    );
    let walk = vec![
        // a blocks b, as only a lists it: b's set, in the same write, retires it.
        page(s, &[(A, &[link(A, B, LinkKind::Blocks)]), (B, &[])], &[]),
        // c has no link at all; z no longer lists x's block; y no longer lists x.
        page(s, &[(C, &[]), (Z, &[]), (Y, &[])], &[]),
        // e blocks d (not synced yet), d is g's parent, and g relates to f, named by its key ...
        page(
            s,
            &[
                (E, &[link(E, D, LinkKind::Blocks)]),
                (
                    G,
                    &[
                        link(D, G, LinkKind::Parent),
                        link(G, KEY_F, LinkKind::Relates),
                    ],
                ),
            ],
            &[],
        ),
        // ... which neither d (new) nor f lists.
        page(s, &[(D, &[]), (F, &[])], &[(KEY_F, F)]),
        // g again, without a parent; c again, still without links.
        page(s, &[(G, &[]), (C, &[])], &[]),
    ];
    (before, walk)
}

#[tokio::test]
async fn leaving_out_sets_that_retire_nothing_gives_the_same_links() {
    let url = "http://127.0.0.1:9";
    // Every set written; sets left out as the connectors do; no set at all (to show they matter).
    let (all, some, none) = (
        Harness::new().await,
        Harness::new().await,
        Harness::new().await,
    );
    let mut graphs = Vec::new();
    let mut dropped = 0;
    for (n, h) in [&all, &some, &none].into_iter().enumerate() {
        let s = h.add_linear(url, LIN_TOKEN).await;
        let (before, walk) = scenario(&s);
        commit(h, &s, &before).await;
        match n {
            0 => {
                for p in &walk {
                    commit(h, &s, p).await;
                }
            }
            1 => {
                // Each page's check runs before the write before it is committed, as when that
                // write is still in flight.
                let mut idle = IdleSets::new();
                let mut held: Option<PageWrite> = None;
                for mut p in walk {
                    dropped += idle.drop_idle(&h.ws, &mut p).await.unwrap();
                    if let Some(earlier) = held.take() {
                        commit(h, &s, &earlier).await;
                    }
                    held = Some(p);
                }
                if let Some(last) = held {
                    commit(h, &s, &last).await;
                }
            }
            _ => {
                for mut p in walk {
                    p.link_sets.clear();
                    commit(h, &s, &p).await;
                }
            }
        }
        graphs.push(graph(h).await);
    }
    let expected = &graphs[0];
    assert_same(
        &graphs[1],
        expected,
        "the same links with idle sets left out",
    );
    // Left out: c's two sets (on two pages), the parent set of every item no parent link points
    // at (a, b, z, y, e, d, f), and the sets that list every link of theirs (a's relations with
    // a blocks b, e's with e blocks d, g's parent set with d on p3). Kept: every set that has,
    // or is about to have, a link of its kinds at its side it does not list: b's (a blocks b,
    // the same write), z's and y's (stored), d's (e blocks d, the write before still in
    // flight), f's (named by its key in that write), g's relations (a link to a key: what the
    // key names may change), g's parent set on p5 (d, in flight too, no longer listed).
    assert_eq!(dropped, 14, "idle sets left out");
    // The sets kept did their work: links only one side lists are retired (a waiting link
    // deleted, a stored one marked removed), which without sets stay.
    for gone in [(A, "blocks", B), (X, "blocks", Z), (E, "blocks", D)] {
        let edge = format!("{} {} {} ", gone.0, gone.1, gone.2);
        assert!(
            !expected.iter().any(|r| r.contains(&edge)),
            "{edge}: {expected:#?}"
        );
        assert!(
            graphs[2].contains(&format!("link {edge}-")),
            "{edge}: {:#?}",
            graphs[2]
        );
    }
    for retired in [(X, "relates", Y), (D, "parent", G), (G, "relates", F)] {
        let edge = format!("link {} {} {} ", retired.0, retired.1, retired.2);
        assert!(
            expected.contains(&format!("{edge}{NOW}")),
            "{edge}: {expected:#?}"
        );
        assert!(
            graphs[2].contains(&format!("{edge}-")),
            "{edge}: {:#?}",
            graphs[2]
        );
    }
}

/// The reference: one set applied as its own statements (the way the page write retired link
/// sets before `retire_missing_many`): stored source links it covers but no longer lists get
/// `removed_at` (links) or are dropped (pending links). Returns how many links were retired.
async fn retire_one(
    conn: &mut sqlx::SqliteConnection,
    set: &LinkSet,
    now: i64,
) -> sqlx::Result<u64> {
    let mut retired = 0;
    for table in ["links", "pending_links"] {
        let mut q: sqlx::QueryBuilder<'_, sqlx::Sqlite> = if table == "links" {
            sqlx::QueryBuilder::new("UPDATE links SET removed_at = ")
        } else {
            sqlx::QueryBuilder::new("DELETE FROM pending_links")
        };
        if table == "links" {
            q.push_bind(now);
        }
        q.push(" WHERE origin = 'source' AND kind IN (");
        let mut kinds = q.separated(", ");
        for kind in &set.kinds {
            kinds.push_bind(kind.as_str());
        }
        q.push(")");
        if table == "links" {
            q.push(" AND removed_at IS NULL");
        }
        let prefix = format!("{}%", set.other_prefix.replace('%', ""));
        match set.side {
            Side::From => {
                q.push(" AND from_item_id = ")
                    .push_bind(set.item_id.as_str());
                q.push(" AND to_item_id LIKE ").push_bind(prefix.clone());
            }
            Side::To => {
                q.push(" AND to_item_id = ").push_bind(set.item_id.as_str());
                q.push(" AND from_item_id LIKE ").push_bind(prefix.clone());
            }
            Side::Either => {
                q.push(" AND ((from_item_id = ")
                    .push_bind(set.item_id.as_str());
                q.push(" AND to_item_id LIKE ").push_bind(prefix.clone());
                q.push(") OR (to_item_id = ")
                    .push_bind(set.item_id.as_str());
                q.push(" AND from_item_id LIKE ").push_bind(prefix.clone());
                q.push("))");
            }
        }
        for (from, to, kind) in &set.keep {
            q.push(" AND NOT (from_item_id = ").push_bind(from.as_str());
            q.push(" AND to_item_id = ").push_bind(to.as_str());
            q.push(" AND kind = ").push_bind(kind.as_str());
            q.push(")");
        }
        let done = q.build().execute(&mut *conn).await?.rows_affected();
        if table == "links" {
            retired += done;
        }
    }
    Ok(retired)
}

/// Applies link sets to what is stored: one by one, or all at once.
struct Retire {
    sets: Vec<LinkSet>,
    at_once: bool,
}

impl WriteOp for Retire {
    type Output = u64;
    type Error = baton_core::CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> Result<u64, baton_core::CoreError> {
        if self.at_once {
            return Ok(links::retire_missing_many(w.conn(), &self.sets, NOW).await?);
        }
        let mut retired = 0;
        for set in &self.sets {
            retired += retire_one(w.conn(), set, NOW).await?;
        }
        Ok(retired)
    }
}

#[tokio::test]
async fn retiring_a_pages_sets_at_once_gives_what_retiring_them_one_by_one_gives() {
    let url = "http://127.0.0.1:9";
    let (one_by_one, at_once) = (Harness::new().await, Harness::new().await);
    let other = "gh:github.com/acme/o";
    let mut graphs = Vec::new();
    let mut counts = Vec::new();
    for (n, h) in [&one_by_one, &at_once].into_iter().enumerate() {
        let s = h.add_linear(url, LIN_TOKEN).await;
        // Stored: links between the source's items of every kind, some waiting for an end not
        // synced (z), a link to another source's item (o), and a prefix's `_` matching any
        // character ("lin:acme_" covers "lin:acme/…").
        let mut stored = page(
            &s,
            &[
                (
                    A,
                    &[
                        link(A, B, LinkKind::Blocks),
                        link(A, C, LinkKind::Relates),
                        link(A, Z, LinkKind::Blocks),
                        link(A, other, LinkKind::Relates),
                    ],
                ),
                (
                    B,
                    &[
                        link(B, A, LinkKind::Relates),
                        link(B, C, LinkKind::Parent),
                        link(X, B, LinkKind::Duplicates),
                    ],
                ),
                (
                    C,
                    &[link(C, A, LinkKind::Blocks), link(Y, C, LinkKind::Blocks)],
                ),
                (X, &[]),
                (Y, &[link(Y, Z, LinkKind::Relates)]),
            ],
            &[],
        );
        stored.items.push(item(&s, other));
        stored.link_sets.clear();
        commit(h, &s, &stored).await;
        let set =
            |item: &str, kinds: &[LinkKind], side: Side, prefix: &str, keep: &[Link]| LinkSet {
                item_id: item.into(),
                kinds: kinds.to_vec(),
                side,
                other_prefix: prefix.into(),
                keep: keep
                    .iter()
                    .map(|l| (l.from_item_id.clone(), l.to_item_id.clone(), l.kind))
                    .collect(),
            };
        let sets = vec![
            // a's outgoing blocks and relations: keeps a blocks b only (a → z waits: deleted;
            // a relates c retired; a relates o is another source's: kept).
            set(
                A,
                &[LinkKind::Blocks, LinkKind::Relates],
                Side::From,
                "lin:",
                &[link(A, B, LinkKind::Blocks)],
            ),
            // a again (a second page of the same write): now without a blocks b.
            set(A, &[LinkKind::Blocks], Side::From, "lin:%", &[]),
            // b, either side, every kind but parent, through a prefix with `_`; it keeps x
            // duplicates b (which x's own set below retires all the same) and names a link it
            // does not cover (c blocks a).
            set(
                B,
                &[LinkKind::Relates, LinkKind::Duplicates, LinkKind::Blocks],
                Side::Either,
                "lin:acme_",
                &[
                    link(X, B, LinkKind::Duplicates),
                    link(C, A, LinkKind::Blocks),
                ],
            ),
            // c, links to it: y blocks c kept; c's own outgoing block is not covered.
            set(
                C,
                &[LinkKind::Blocks],
                Side::To,
                "lin:",
                &[link(Y, C, LinkKind::Blocks)],
            ),
            // c, links from it, no kinds: covers nothing.
            set(C, &[], Side::From, "lin:", &[]),
            // y, a prefix no end has: nothing.
            set(Y, LinkKind::ALL, Side::Either, "jira:", &[]),
            // x, every kind from it: x duplicates b goes.
            set(X, LinkKind::ALL, Side::From, "lin:", &[]),
        ];
        let (retired, _) =
            h.ws.write(Retire {
                sets,
                at_once: n == 1,
            })
            .await
            .unwrap();
        counts.push(retired);
        graphs.push(graph(h).await);
    }
    assert_same(&graphs[1], &graphs[0], "the same links");
    assert_eq!(counts[1], counts[0], "the same number retired");
    let retired: Vec<&String> = graphs[0]
        .iter()
        .filter(|r| r.ends_with(&NOW.to_string()))
        .collect();
    assert_eq!(retired.len() as u64, counts[0], "{:#?}", graphs[0]);
    for gone in [
        format!("link {A} blocks {B} {NOW}"),
        format!("link {A} relates {C} {NOW}"),
        format!("link {B} relates {A} {NOW}"),
        format!("link {C} blocks {A} -"),
        format!("link {Y} blocks {C} -"),
        format!("link {X} duplicates {B} {NOW}"),
        format!("link {A} relates {} -", "gh:github.com/acme/o"),
    ] {
        assert!(graphs[0].contains(&gone), "{gone}: {:#?}", graphs[0]);
    }
    assert!(
        !graphs[0]
            .iter()
            .any(|r| r.starts_with(&format!("pending {A} blocks {Z}"))),
        "a waiting link no longer listed is dropped: {:#?}",
        graphs[0]
    );
    assert!(
        graphs[0]
            .iter()
            .any(|r| r.starts_with(&format!("pending {Y} relates {Z}"))),
        "{:#?}",
        graphs[0]
    );
}
