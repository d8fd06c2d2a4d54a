//! The duplicates engine on the demo organisation and on small hand-made graphs.

use super::*;
use crate::demo::{self, DemoOptions};

/// 2026-03-31T17:00:00Z.
const END: i64 = 1_774_976_400_000;

async fn demo_workspace(items: u32) -> (tempfile::TempDir, Workspace, demo::DemoGraph) {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::create(&dir.path().join("d.baton"))
        .await
        .unwrap();
    let graph = demo::generate(&DemoOptions {
        items,
        seed: demo::DEFAULT_SEED,
        end: END,
    });
    demo::write(&ws, &graph).await.unwrap();
    (dir, ws, graph)
}

#[tokio::test]
async fn descriptions_read_in_several_texts_are_every_row_once() {
    let (_dir, ws, _graph) = demo_workspace(400).await;
    let mut conn = ws.pool().acquire().await.unwrap();
    let mut stored: Vec<(i64, i64, Vec<u8>)> =
        repo::item_texts::of_items(&mut conn, None, text::DESC_SCHEME)
            .await
            .unwrap()
            .into_iter()
            .map(|(rowid, _, words, sig)| (rowid, words, sig))
            .collect();
    stored.sort();
    assert!(stored.len() > 100, "the demo describes its items");
    // Texts of 7 rows (the last one short), of exactly as many rows as there are (a last text
    // with none), and of more.
    let n = stored.len() as i64;
    for per_text in [7, n, n + 1, 8_192] {
        let mut read = repo::item_texts::all_packed_by(&mut conn, text::DESC_SCHEME, per_text)
            .await
            .unwrap();
        read.sort();
        assert_eq!(read, stored, "{per_text} rows to a text");
    }
    // Another scheme's rows are not read.
    let other = repo::item_texts::all_packed_by(&mut conn, text::DESC_SCHEME + 1, 7)
        .await
        .unwrap();
    assert!(other.is_empty());
}

#[tokio::test]
async fn the_demo_ranking_finds_its_duplicates() {
    let (_dir, ws, graph) = demo_workspace(3_000).await;
    let (ix, engine, how) = engine_for(&ws, &mut |_, _| {}).await.unwrap();
    assert_eq!(how, Computed::Full, "the first question builds the engine");
    let linked = linked_pairs(&ix);
    let mut known = linked.clone();
    known.extend(graph.planted_duplicates.iter().cloned());
    let all = evaluate_in(&ws, &known).await.unwrap();
    let source = evaluate_in(&ws, &linked).await.unwrap();
    let titles_only = evaluate(&ix, &engine, &known);
    eprintln!(
        "demo 3,000 items: against links and planted pairs {all:?}; against links only \
         {source:?}; titles and structure only (no files, no descriptions) {titles_only:?}"
    );
    assert!(
        all.known >= 20,
        "the demo holds duplicates, got {}",
        all.known
    );
    assert!(
        all.precision_at_20.unwrap_or(0.0) >= 0.8,
        "precision@20 meets the goal: {all:?}"
    );
    assert!(
        all.recall.unwrap_or(0.0) >= 0.7,
        "most duplicates are found: {all:?}"
    );
}

#[tokio::test]
async fn candidates_exclude_facts_and_explain_themselves() {
    let (_dir, ws, graph) = demo_workspace(3_000).await;
    let r = report(&ws, &DuplicatesQuery::default(), END, &mut |_, _| {})
        .await
        .unwrap();
    assert!(r.total > 0, "the demo has open candidates");
    let linked: HashSet<(String, String)> = {
        let ix = ws.index().await.unwrap();
        linked_pairs(&ix)
            .into_iter()
            .flat_map(|(a, b)| [(a.clone(), b.clone()), (b, a)])
            .collect()
    };
    for p in &r.pairs {
        assert!(
            !linked.contains(&(p.a.id.clone(), p.b.id.clone())),
            "a pair the source links is a fact, not a candidate: {} / {}",
            p.a.key,
            p.b.key
        );
        assert!(p.explanation.starts_with("titles "), "{}", p.explanation);
        assert!(
            !p.a.title.is_empty() && !p.b.title.is_empty(),
            "titles are read"
        );
        assert!(
            p.a.team != p.b.team || p.a.source != p.b.source || p.a.provenance != p.b.provenance,
            "pairs are across teams, sources or makers"
        );
    }
    let planted: HashSet<(String, String)> = graph
        .planted_duplicates
        .iter()
        .flat_map(|(a, b)| [(a.clone(), b.clone()), (b.clone(), a.clone())])
        .collect();
    let top = &r.pairs[..r.pairs.len().min(10)];
    let hits = top
        .iter()
        .filter(|p| planted.contains(&(p.a.id.clone(), p.b.id.clone())))
        .count();
    assert!(
        hits >= 7,
        "the first candidates are the planted duplicates: {hits} of {}",
        top.len()
    );
    assert!(
        r.teams.iter().any(|t| t.items > 0 && t.days > 0.0),
        "linked duplicates count as duplicated work: {:?}",
        r.teams
    );
}

#[tokio::test]
async fn confirm_links_and_dismiss_hides_until_an_item_changes() {
    let (_dir, ws, _) = demo_workspace(3_000).await;
    let r = report(&ws, &DuplicatesQuery::default(), END, &mut |_, _| {})
        .await
        .unwrap();
    let first = r.pairs[0].clone();
    let second = r.pairs[1].clone();
    let links_before = ws.index().await.unwrap().links.len();
    answer(
        &ws,
        &PairAnswer {
            item: first.b.id.clone(),
            of: first.a.id.clone(),
            confirm: true,
            why: "same refund work".into(),
        },
        "lead",
        END,
    )
    .await
    .unwrap();
    let ix = ws.index().await.unwrap();
    assert!(
        linked_pairs(&ix).contains(&(first.b.id.clone(), first.a.id.clone())),
        "a confirmation writes a duplicates link"
    );
    assert_eq!(ix.links.len(), links_before + 1);
    answer(
        &ws,
        &PairAnswer {
            item: second.a.id.clone(),
            of: second.b.id.clone(),
            confirm: false,
            why: String::new(),
        },
        "lead",
        END,
    )
    .await
    .unwrap();
    let after = report(&ws, &DuplicatesQuery::default(), END, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        after.computed,
        Computed::Incremental,
        "a decision needs no rebuild"
    );
    let ids = |p: &DuplicatePair| (p.a.id.clone(), p.b.id.clone());
    assert!(
        after.pairs.iter().all(|p| ids(p) != ids(&first)),
        "confirmed: off the list"
    );
    assert!(
        after.pairs.iter().all(|p| ids(p) != ids(&second)),
        "dismissed: off the list"
    );
    assert_eq!(after.total + 2, r.total);
    assert_eq!((after.confirmed, after.dismissed), (1, 1));

    // A sync that writes the same edge as removed at its source leaves the person's link.
    ws.write(SourceSays(crate::graph::model::Link {
        from_item_id: first.b.id.clone(),
        to_item_id: first.a.id.clone(),
        kind: LinkKind::Duplicates,
        origin: crate::graph::model::LinkOrigin::Source,
        confidence: 1.0,
        created_at: END,
        removed_at: Some(END),
        found_in: None,
    }))
    .await
    .unwrap();
    let ix = ws.index().await.unwrap();
    assert!(
        linked_pairs(&ix).contains(&(first.b.id.clone(), first.a.id.clone())),
        "a sync never overwrites a confirmed duplicate"
    );

    // The dismissed pair comes back once one of its items changes.
    ws.write(Touch(second.b.id.clone(), END + 1)).await.unwrap();
    let later = report(&ws, &DuplicatesQuery::default(), END, &mut |_, _| {})
        .await
        .unwrap();
    assert!(
        later.pairs.iter().any(|p| ids(p) == ids(&second)),
        "a dismissal holds only while both items are unchanged"
    );
}

struct SourceSays(crate::graph::model::Link);

impl crate::graph::WriteOp for SourceSays {
    type Output = ();
    type Error = CoreError;
    async fn apply(self, w: &mut crate::graph::Writer<'_>) -> CoreResult<()> {
        repo::links::upsert_many(w.conn(), std::slice::from_ref(&self.0)).await?;
        w.items_changed([self.0.from_item_id, self.0.to_item_id]);
        Ok(())
    }
}

struct Touch(String, i64);

impl crate::graph::WriteOp for Touch {
    type Output = ();
    type Error = CoreError;
    async fn apply(self, w: &mut crate::graph::Writer<'_>) -> CoreResult<()> {
        sqlx::query("UPDATE items SET updated_at = ?1 WHERE id = ?2")
            .bind(self.1)
            .bind(&self.0)
            .execute(&mut *w.conn())
            .await?;
        w.items_changed([self.0]);
        Ok(())
    }
}

#[tokio::test]
async fn triage_lists_the_later_item_of_each_open_candidate_until_it_is_answered() {
    use crate::triage::{triage_list, Reason, TriageQuery};
    let (_dir, ws, _) = demo_workspace(3_000).await;
    let r = report(&ws, &DuplicatesQuery::default(), END, &mut |_, _| {})
        .await
        .unwrap();
    let q = TriageQuery {
        reasons: vec![Reason::DuplicateCandidate],
        limit: 1_000,
        ..TriageQuery::default()
    };
    let listed = triage_list(&ws, &q, END).await.unwrap();
    assert!(listed.total > 0, "open candidates are on the worklist");
    let first = &r.pairs[0];
    let row = listed
        .rows
        .iter()
        .find(|row| row.id == first.b.id)
        .expect("the later item of the best pair is listed");
    let reason = row
        .reasons
        .iter()
        .find(|x| x.reason == Reason::DuplicateCandidate)
        .unwrap();
    assert!(
        reason
            .detail
            .starts_with(&format!("Looks like {}", first.a.key)),
        "{}",
        reason.detail
    );
    assert_eq!(
        reason.other.as_ref().map(|o| o.id.as_str()),
        Some(first.a.id.as_str())
    );
    assert!(
        listed.rows.iter().all(|row| row.id != first.a.id
            || row
                .reasons
                .iter()
                .all(|x| x.other.as_ref().map(|o| &o.id) != Some(&first.b.id))),
        "the earlier item is not listed as a duplicate of the later one"
    );
    answer(
        &ws,
        &PairAnswer {
            item: first.b.id.clone(),
            of: first.a.id.clone(),
            confirm: false,
            why: "different work".into(),
        },
        "lead",
        END,
    )
    .await
    .unwrap();
    let after = triage_list(&ws, &q, END).await.unwrap();
    assert!(
        after.rows.iter().all(|row| row.id != first.b.id
            || row
                .reasons
                .iter()
                .all(|x| x.other.as_ref().map(|o| &o.id) != Some(&first.a.id))),
        "a dismissed pair leaves the worklist"
    );
}

/// Other seeds and sizes of the demo: the figures the notes quote (printed; the default seed's
/// are asserted above).
#[tokio::test]
async fn the_demo_ranking_on_other_seeds() {
    for (items, seed) in [(3_000, 1), (3_000, 2), (10_000, demo::DEFAULT_SEED)] {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::create(&dir.path().join("d.baton"))
            .await
            .unwrap();
        let graph = demo::generate(&DemoOptions {
            items,
            seed,
            end: END,
        });
        demo::write(&ws, &graph).await.unwrap();
        let ix = ws.index().await.unwrap();
        let mut known = linked_pairs(&ix);
        known.extend(graph.planted_duplicates.iter().cloned());
        let e = evaluate_in(&ws, &known).await.unwrap();
        eprintln!("demo {items} items, seed {seed}: {e:?}");
        assert!(
            e.precision_at_20.unwrap_or(0.0) >= 0.8,
            "{items} items, seed {seed}: {e:?}"
        );
    }
}

#[test]
fn changes_touching_the_same_files_share_them_by_jaccard_and_say_which() {
    let mut f = FileSets::default();
    f.set(
        "a",
        1,
        &["payments/refund.rs".into(), "payments/ledger.rs".into()],
    );
    f.set("b", 1, &["payments/refund.rs".into(), "README.md".into()]);
    f.set("c", 1, &["docs/index.md".into()]);
    let (both, share) = f.shared("a", "b");
    assert_eq!(both.len(), 1);
    assert!(
        (share - 1.0 / 3.0).abs() < 1e-9,
        "1 file in common of 3: {share}"
    );
    assert_eq!(f.shared("a", "c").1, 0.0, "nothing in common");
    assert_eq!(f.shared("a", "unknown").1, 0.0, "files never read");
    assert!(
        f.current("a", 1) && !f.current("a", 2),
        "an update makes it stale"
    );
    assert_eq!(
        explain(&[Signal::SameFiles {
            paths: vec!["payments/refund.rs".into()],
            share: 0.33
        }]),
        "both touch payments/refund.rs (33% of their files in common)"
    );
}

/// A sync page's kind of change: an item retitled, moved to a team, or linked (the write lists
/// only the items it names, as a page does).
enum PageChange {
    Retitle(String, String),
    Team(String, Option<String>),
    Link(String, String, LinkKind),
}

struct Page(Vec<PageChange>, i64);

impl crate::graph::WriteOp for Page {
    type Output = ();
    type Error = CoreError;
    async fn apply(self, w: &mut crate::graph::Writer<'_>) -> CoreResult<()> {
        for change in self.0 {
            let named = match change {
                PageChange::Retitle(id, title) => {
                    sqlx::query("UPDATE items SET title = ?1, updated_at = ?2 WHERE id = ?3")
                        .bind(title)
                        .bind(self.1)
                        .bind(&id)
                        .execute(&mut *w.conn())
                        .await?;
                    id
                }
                PageChange::Team(id, team) => {
                    sqlx::query("UPDATE items SET team_id = ?1, updated_at = ?2 WHERE id = ?3")
                        .bind(team)
                        .bind(self.1)
                        .bind(&id)
                        .execute(&mut *w.conn())
                        .await?;
                    id
                }
                PageChange::Link(from, to, kind) => {
                    repo::links::upsert_many(
                        w.conn(),
                        &[crate::graph::model::Link {
                            from_item_id: from.clone(),
                            to_item_id: to,
                            kind,
                            origin: crate::graph::model::LinkOrigin::Source,
                            confidence: 1.0,
                            created_at: self.1,
                            removed_at: None,
                            found_in: None,
                        }],
                    )
                    .await?;
                    from
                }
            };
            w.items_changed([named]);
        }
        Ok(())
    }
}

/// The ranking `current` keeps, against ranking every pair of the same engine again.
async fn assert_ranked_afresh(ws: &Workspace, what: &str) -> Current {
    let c = current(ws, &mut |_, _| {}).await.unwrap();
    assert_eq!(c.computed, Computed::Incremental, "{what}: no rebuild");
    let mut files = FileSets::default();
    load_files(ws, &c.ix, &c.engine, &mut files).await.unwrap();
    let mut descs = Descriptions::default();
    load_descriptions(ws, &c.ix, &c.engine, &mut descs)
        .await
        .unwrap();
    let fresh = rank_with(
        &c.ix,
        &c.engine,
        RankOptions::default(),
        Some(&files),
        Some(&descs),
    );
    let key = |s: &Scored| {
        (
            s.a,
            s.b,
            s.score.to_bits(),
            s.shared.clone(),
            s.same_intent,
            s.description.map(f64::to_bits),
        )
    };
    assert_eq!(
        c.ranked.iter().map(key).collect::<Vec<_>>(),
        fresh.iter().map(key).collect::<Vec<_>>(),
        "{what}: the ranking followed item by item equals one made afresh"
    );
    c
}

#[tokio::test]
async fn a_ranking_followed_through_sync_pages_equals_one_made_afresh() {
    let (_dir, ws, _) = demo_workspace(3_000).await;
    let first = current(&ws, &mut |_, _| {}).await.unwrap();
    assert_eq!(first.computed, Computed::Full);
    let id = |i: u32| first.ix.item_ids[i as usize].to_owned();
    let top: Vec<Scored> = first.ranked.iter().take(8).cloned().collect();
    assert!(top.len() == 8, "the demo has candidates");
    let team_of = |i: u32| {
        let t = first.ix.items[i as usize].team;
        (t != crate::graph::index::NONE).then(|| first.ix.teams[t as usize].id.clone())
    };

    // A blocking link between the two items of a candidate, written from one side only: the
    // pair is no longer a candidate although the page names only one of them.
    ws.write(Page(
        vec![PageChange::Link(
            id(top[0].a),
            id(top[0].b),
            LinkKind::Blocks,
        )],
        END + 1,
    ))
    .await
    .unwrap();
    let c = assert_ranked_afresh(&ws, "a link inside a pair").await;
    assert!(!c.ranked.iter().any(|s| (s.a, s.b) == (top[0].a, top[0].b)));

    // A third item linked to both items of another candidate: they now share a neighbour.
    let third = (0..first.ix.items.len() as u32)
        .find(|&i| i != top[1].a && i != top[1].b)
        .unwrap();
    ws.write(Page(
        vec![
            PageChange::Link(id(third), id(top[1].a), LinkKind::Relates),
            PageChange::Link(id(third), id(top[1].b), LinkKind::Relates),
        ],
        END + 2,
    ))
    .await
    .unwrap();
    let c = assert_ranked_afresh(&ws, "a shared neighbour").await;
    let pair = c
        .ranked
        .iter()
        .find(|s| (s.a, s.b) == (top[1].a, top[1].b))
        .unwrap();
    assert!(pair.shared.contains(&third), "the shared item is named");

    // An item moved to the other item's team (one team's own backlog: not a candidate), and an
    // item retitled as another candidate's item (a new pair).
    ws.write(Page(
        vec![
            PageChange::Team(id(top[2].a), team_of(top[2].b)),
            PageChange::Retitle(
                id(top[3].a),
                first.ix.item_titles_folded[top[4].b as usize].to_owned(),
            ),
        ],
        END + 3,
    ))
    .await
    .unwrap();
    assert_ranked_afresh(&ws, "a team change and a retitle").await;
}

// ---------------------------------------------------------------------------------------------
// Descriptions, on a hand-made graph
// ---------------------------------------------------------------------------------------------

/// A hand-made graph: one source, two teams, items (id, team, title, created day) and their
/// descriptions (item id, text), written as a sync writes them.
struct HandMade {
    items: Vec<(&'static str, &'static str, &'static str, i64)>,
    descriptions: Vec<(String, String)>,
}

impl crate::graph::WriteOp for HandMade {
    type Output = ();
    type Error = CoreError;
    async fn apply(self, w: &mut crate::graph::Writer<'_>) -> CoreResult<()> {
        use crate::graph::model::{FlowState, Source, SourceKind, Team, WorkItem};
        repo::sources::upsert(
            &mut *w.conn(),
            &Source {
                id: "src".into(),
                kind: SourceKind::File,
                name: "tracker".into(),
                base_url: String::new(),
                scope: "{}".into(),
                secret_ref: None,
                poll_interval_s: 0,
                enabled: true,
                synthetic: false,
                created_at: 0,
            },
        )
        .await?;
        let teams: Vec<Team> = ["team-a", "team-b"]
            .iter()
            .map(|t| Team {
                id: (*t).into(),
                name: (*t).into(),
            })
            .collect();
        repo::teams::upsert_many(w.conn(), &teams).await?;
        let items: Vec<WorkItem> = self
            .items
            .iter()
            .map(|(id, team, title, day)| WorkItem {
                id: (*id).into(),
                source_id: "src".into(),
                external_id: (*id).into(),
                key: id.to_uppercase(),
                url: String::new(),
                kind: ItemKind::Feature,
                title: (*title).into(),
                team_id: Some((*team).into()),
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
                created_at: END - 200 * DAY_MS + day * DAY_MS,
                started_at: None,
                done_at: None,
                updated_at: END - 100 * DAY_MS + day * DAY_MS,
            })
            .collect();
        repo::items::upsert_many(w.conn(), &items).await?;
        repo::item_texts::set_many(
            w.conn(),
            &crate::ingest::write::item_texts(&self.descriptions),
        )
        .await?;
        w.everything_changed();
        Ok(())
    }
}

/// Items whose titles pair by pair are somewhat alike (two of them created weeks apart), and
/// unrelated items so that word frequencies mean something.
fn hand_made_items() -> Vec<(&'static str, &'static str, &'static str, i64)> {
    let mut items = vec![
        // Alike titles, six weeks apart: by the title alone, not a candidate.
        (
            "m1",
            "team-a",
            "Export settlement reports as CSV for finance",
            0,
        ),
        (
            "m2",
            "team-b",
            "Settlement reports CSV export broken in admin",
            40,
        ),
        // Alike titles, two days apart: by the title alone, a candidate.
        (
            "u1",
            "team-a",
            "Show currency conversion fees on the merchant dashboard",
            10,
        ),
        (
            "u2",
            "team-b",
            "Show currency conversion fees on the payout statement",
            12,
        ),
    ];
    let filler = [
        "Dark mode for the onboarding checklist",
        "Rotate the signing keys of the webhook service",
        "Crash when the camera permission is denied",
        "Paginate the audit log endpoint",
        "Translate the password reset email into German",
        "Slow search results for long customer names",
        "Retire the legacy feature flag service",
        "Alert when the nightly backup job fails",
        "Accessibility labels on the checkout buttons",
        "Cache the product catalogue in the edge workers",
        "Upgrade the build images to the new compiler",
        "Deduplicate push notifications on reconnect",
    ];
    for (k, title) in filler.iter().enumerate() {
        let id: &'static str = Box::leak(format!("f{k}").into_boxed_str());
        let team = if k % 2 == 0 { "team-a" } else { "team-b" };
        items.push((id, team, title, 60 + k as i64));
    }
    items
}

async fn hand_made(descriptions: &[(&str, &str)]) -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::create(&dir.path().join("h.baton"))
        .await
        .unwrap();
    ws.write(HandMade {
        items: hand_made_items(),
        descriptions: descriptions
            .iter()
            .map(|(id, text)| ((*id).to_owned(), (*text).to_owned()))
            .collect(),
    })
    .await
    .unwrap();
    (dir, ws)
}

const SETTLEMENT: &str = "Finance reconciles every settlement report by hand each month. The \
    admin console should export the monthly settlement report as a CSV file with acquirer, \
    merchant, gross amount, fees and net amount columns, one row per payout batch.";
const SETTLEMENT_AGAIN: &str = "Finance asks for the monthly settlement report as a CSV file: \
    one row per payout batch with the acquirer, the merchant, the gross amount, the fees and the \
    net amount, so they stop reconciling each settlement report by hand in the admin console.";
const FEES_DASHBOARD: &str = "Merchants cannot see what currency conversion costs them. Add a \
    fees column to the transactions table of the merchant dashboard, with a tooltip giving the \
    rate used and the margin, and a monthly total above the table.";
const FEES_STATEMENT: &str = "The PDF payout statement sent on the first business day lists \
    payouts by bank account. Auditors want the conversion charges itemised on that PDF, grouped \
    by settlement currency, with the reference exchange rate of each day.";

fn pair_of<'a>(ix: &WorkIndex, ranked: &'a [Scored], a: &str, b: &str) -> Option<&'a Scored> {
    ranked.iter().find(|s| {
        let (x, y) = (&ix.item_ids[s.a as usize], &ix.item_ids[s.b as usize]);
        (x == a && y == b) || (x == b && y == a)
    })
}

#[tokio::test]
async fn alike_descriptions_make_a_candidate_and_unlike_ones_unmake_one() {
    // Titles alone (no description stored, as in a workspace synced before descriptions).
    let (_d0, ws) = hand_made(&[]).await;
    let c = current(&ws, &mut |_, _| {}).await.unwrap();
    let in_engine = |a: &str, b: &str| {
        c.engine.pairs().any(|((x, y), _)| {
            let (x, y) = (&c.ix.item_ids[x as usize], &c.ix.item_ids[y as usize]);
            (x == a && y == b) || (x == b && y == a)
        })
    };
    assert!(
        in_engine("m1", "m2") && in_engine("u1", "u2"),
        "both pairs' titles are alike"
    );
    assert!(
        pair_of(&c.ix, &c.ranked, "m1", "m2").is_none(),
        "titles somewhat alike, weeks apart: not a candidate by its title"
    );
    let before = pair_of(&c.ix, &c.ranked, "u1", "u2")
        .cloned()
        .expect("titles nearly the same: a candidate by its title");
    assert_eq!(before.description, None);

    // The same items with their descriptions.
    let (_d1, ws) = hand_made(&[
        ("m1", SETTLEMENT),
        ("m2", SETTLEMENT_AGAIN),
        ("u1", FEES_DASHBOARD),
        ("u2", FEES_STATEMENT),
    ])
    .await;
    let c = current(&ws, &mut |_, _| {}).await.unwrap();
    let made = pair_of(&c.ix, &c.ranked, "m1", "m2")
        .expect("descriptions telling the same work make the pair a candidate");
    let d = made.description.unwrap_or(0.0);
    assert!(d > 0.6, "the two settlement descriptions are alike: {d}");
    assert!(
        pair_of(&c.ix, &c.ranked, "u1", "u2").is_none(),
        "descriptions of different work unmake the pair: {:?}",
        pair_of(&c.ix, &c.ranked, "u1", "u2")
    );
    let r = report(&ws, &DuplicatesQuery::default(), END, &mut |_, _| {})
        .await
        .unwrap();
    let shown = r
        .pairs
        .iter()
        .find(|p| p.a.id == "m1" && p.b.id == "m2")
        .expect("on the page");
    assert!(
        shown.explanation.contains(&format!(
            "descriptions {}% alike",
            (d * 100.0).round() as i64
        )),
        "{}",
        shown.explanation
    );
    assert!(shown
        .signals
        .iter()
        .any(|s| matches!(s, Signal::DescriptionsAlike { .. })));
}

/// A sync page that rewrites one item's description (and its update time, as a source does)
/// is followed by the engine: the pair is scored again with the new description, and the
/// followed ranking equals one made afresh.
#[tokio::test]
async fn a_description_edited_at_the_source_is_followed_after_a_sync_page() {
    let (_d, ws) = hand_made(&[
        ("m1", SETTLEMENT),
        ("m2", SETTLEMENT_AGAIN),
        ("u1", FEES_DASHBOARD),
        ("u2", FEES_STATEMENT),
    ])
    .await;
    let first = current(&ws, &mut |_, _| {}).await.unwrap();
    assert!(pair_of(&first.ix, &first.ranked, "u1", "u2").is_none());
    // u2 is rewritten to tell u1's work.
    ws.write(Redescribe("u2", FEES_DASHBOARD, END))
        .await
        .unwrap();
    let c = assert_ranked_afresh(&ws, "a description edited").await;
    let pair = pair_of(&c.ix, &c.ranked, "u1", "u2").expect("now alike: a candidate");
    assert!(
        pair.description.is_some_and(|d| d > 0.999),
        "{:?}",
        pair.description
    );
}

struct Redescribe(&'static str, &'static str, i64);

impl crate::graph::WriteOp for Redescribe {
    type Output = ();
    type Error = CoreError;
    async fn apply(self, w: &mut crate::graph::Writer<'_>) -> CoreResult<()> {
        sqlx::query("UPDATE items SET updated_at = ?1 WHERE id = ?2")
            .bind(self.2)
            .bind(self.0)
            .execute(&mut *w.conn())
            .await?;
        repo::item_texts::set_many(
            w.conn(),
            &crate::ingest::write::item_texts(&[(self.0.to_owned(), self.1.to_owned())]),
        )
        .await?;
        w.items_changed([self.0.to_owned()]);
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Candidates and conflicts kept beside the workspace
// ---------------------------------------------------------------------------------------------

/// A copy of a closed workspace's file and of what is kept beside it, in a folder of its own.
fn copy_workspace(from: &std::path::Path) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("d.baton");
    std::fs::copy(from, &to).unwrap();
    for kind in ["index", "duplicates", "conflicts"] {
        let kept = crate::graph::kept::path_for(from, kind);
        if kept.exists() {
            std::fs::copy(kept, crate::graph::kept::path_for(&to, kind)).unwrap();
        }
    }
    (dir, to)
}

/// A candidate with its floats as bits (equal only when computed alike to the last bit).
type RankingKey = (u32, u32, u64, Vec<u32>, bool, Option<u64>, Vec<String>, u64);

fn ranking_key(s: &Scored) -> RankingKey {
    (
        s.a,
        s.b,
        s.score.to_bits(),
        s.shared.clone(),
        s.same_intent,
        s.description.map(f64::to_bits),
        s.same_files.clone(),
        s.files_share.to_bits(),
    )
}

#[tokio::test]
async fn candidates_kept_beside_the_workspace_load_as_built_and_follow_sync_pages() {
    let (dir, ws, _) = demo_workspace(3_000).await;
    let path = dir.path().join("d.baton");
    let built = current(&ws, &mut |_, _| {}).await.unwrap();
    assert_eq!(built.computed, Computed::Full);
    assert!(keep_beside(&ws).await.unwrap(), "kept for the file's state");
    drop(built);
    ws.close().await;
    let (_copy_dir, copy) = copy_workspace(&path);
    let (_lazy_dir, lazy) = copy_workspace(&path);

    // The same state twice: the original builds its engine afresh, the copy loads the kept one.
    let a = Workspace::open(&path).await.unwrap();
    forget(&a);
    let b = Workspace::open(&copy).await.unwrap();
    let fresh = current(&a, &mut |_, _| {}).await.unwrap();
    assert_eq!(fresh.computed, Computed::Full);
    let loaded = current(&b, &mut |_, _| {}).await.unwrap();
    assert_eq!(loaded.computed, Computed::Cached, "loaded, not built");
    assert!(!loaded.ranked.is_empty());
    assert_eq!(
        *loaded.ranked, *fresh.ranked,
        "the same candidates, scored alike"
    );
    let pairs = |e: &Engine| {
        let mut p: Vec<((u32, u32), u32)> = e.pairs().map(|(k, s)| (k, s.to_bits())).collect();
        p.sort_unstable();
        p
    };
    assert_eq!(pairs(&loaded.engine), pairs(&fresh.engine));
    assert_eq!(loaded.engine.len(), fresh.engine.len());

    // The same sync page on both: the loaded engine follows it item by item, as the built one.
    let top: Vec<Scored> = fresh.ranked.iter().take(3).cloned().collect();
    let id = |i: u32| fresh.ix.item_ids[i as usize].to_owned();
    let page = || {
        Page(
            vec![
                PageChange::Retitle(
                    id(top[0].a),
                    fresh.ix.item_titles_folded[top[1].b as usize].to_owned(),
                ),
                PageChange::Link(id(top[2].a), id(top[2].b), LinkKind::Blocks),
            ],
            END + 1,
        )
    };
    let kept_b = crate::graph::kept::path_for(&copy, "duplicates");
    let before = std::fs::read(&kept_b).unwrap();

    // A third copy asked only what Triage asks: the ranking is read, the engine left unread,
    // the same open candidates; kept beside again, the file is written as it was read.
    let c = Workspace::open(&lazy).await.unwrap();
    assert_eq!(
        open_by_item(&c).await.unwrap(),
        open_by_item(&a).await.unwrap(),
        "the same open candidates from the ranking alone"
    );
    {
        let slot = c.derived_slot::<Mutex<Kept>>(NAME);
        let slot = slot.lock().unwrap();
        assert!(slot.unread.is_some(), "only the ranking was read");
        assert_eq!(slot.engine.len(), 0);
        assert_eq!(*slot.ranked, *fresh.ranked);
    }
    assert!(keep_beside(&c).await.unwrap());
    assert_eq!(
        std::fs::read(crate::graph::kept::path_for(&lazy, "duplicates")).unwrap(),
        before,
        "written again as it was read"
    );

    a.write(page()).await.unwrap();
    b.write(page()).await.unwrap();
    c.write(page()).await.unwrap();
    let followed_a = assert_ranked_afresh(&a, "the built engine after a page").await;
    let followed_b = assert_ranked_afresh(&b, "the loaded engine after a page").await;
    let followed_c = assert_ranked_afresh(&c, "the engine read after a page").await;
    assert_eq!(
        followed_c
            .ranked
            .iter()
            .map(ranking_key)
            .collect::<Vec<_>>(),
        followed_a
            .ranked
            .iter()
            .map(ranking_key)
            .collect::<Vec<_>>(),
        "the engine left unread, read when a sync page needs it, follows it as the built one"
    );
    drop(followed_c);
    c.close().await;
    assert_eq!(
        followed_b
            .ranked
            .iter()
            .map(ranking_key)
            .collect::<Vec<_>>(),
        followed_a
            .ranked
            .iter()
            .map(ranking_key)
            .collect::<Vec<_>>(),
        "the loaded engine follows a sync page exactly as the built one"
    );
    drop((fresh, loaded, followed_a, followed_b));
    a.close().await;
    b.close().await;

    // The copy's kept file of the state before the page is stale: computed again.
    std::fs::write(&kept_b, &before).unwrap();
    let b = Workspace::open(&copy).await.unwrap();
    let again = current(&b, &mut |_, _| {}).await.unwrap();
    assert_eq!(
        again.computed,
        Computed::Full,
        "a stale kept file is not trusted"
    );
    drop(again);
    b.close().await;
}

#[tokio::test]
async fn damaged_kept_candidates_are_computed_again() {
    let (dir, ws, _) = demo_workspace(1_500).await;
    let path = dir.path().join("d.baton");
    let built = current(&ws, &mut |_, _| {}).await.unwrap();
    assert!(keep_beside(&ws).await.unwrap());
    let expected = built.ranked.clone();
    let expected_ix = built.ix.clone();
    drop(built);
    ws.close().await;
    let kept = crate::graph::kept::path_for(&path, "duplicates");
    let mut bytes = std::fs::read(&kept).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&kept, &bytes).unwrap();
    let ws = Workspace::open(&path).await.unwrap();
    let c = current(&ws, &mut |_, _| {}).await.unwrap();
    assert_eq!(
        c.computed,
        Computed::Full,
        "damage is computed again, never trusted"
    );
    assert_eq!(*c.ranked, *expected);
    drop(c);
    // (Written again, whole, once computed.)
    assert!(keep_beside(&ws).await.unwrap());
    ws.close().await;
    assert!(crate::graph::kept::load(
        &kept,
        KEPT_KIND,
        KEPT_FORMAT,
        &crate::graph::kept::Key::of(&expected_ix, 0)
    )
    .is_ok());
    std::fs::write(&kept, &bytes[..middle]).unwrap();
    let ws = Workspace::open(&path).await.unwrap();
    let c = current(&ws, &mut |_, _| {}).await.unwrap();
    assert_eq!(c.computed, Computed::Full, "a file cut short too");
    drop(c);
    // (Written now, so that no write is left waiting to replace the file below.)
    assert!(keep_beside(&ws).await.unwrap());
    ws.close().await;

    // A file whose checksum holds and whose ranking reads, but whose engine does not read
    // back (never written so): the ranking serves Triage, and the engine is computed the
    // first time it is needed, not trusted.
    let mut payload = Enc::default();
    payload.len(expected.len());
    for s in expected.iter() {
        put_scored(&mut payload, s);
    }
    payload.u8(7);
    crate::graph::kept::save(
        &kept,
        KEPT_KIND,
        KEPT_FORMAT,
        &crate::graph::kept::Key::of(&expected_ix, 0),
        &payload.buf,
    )
    .unwrap();
    let ws = Workspace::open(&path).await.unwrap();
    assert!(!open_by_item(&ws).await.unwrap().is_empty());
    let c = current(&ws, &mut |_, _| {}).await.unwrap();
    assert_eq!(
        c.computed,
        Computed::Full,
        "an engine that does not read back"
    );
    assert_eq!(*c.ranked, *expected);
    drop(c);
    ws.close().await;
}

#[tokio::test]
async fn a_fresh_process_lists_triage_from_what_was_kept_beside_the_workspace() {
    use crate::triage::{keep_beside as keep, triage_list, Reason, TriageQuery};
    let (dir, ws, _) = demo_workspace(3_000).await;
    let path = dir.path().join("d.baton");
    // One conflict answered: the fresh process layers it over the loaded conflicts.
    let ix = ws.index().await.unwrap();
    let report = crate::conflicts::live::compute_unanswered(&ws, &ix)
        .await
        .unwrap();
    let flagged = report
        .conflicts
        .first()
        .expect("the demo has conflicts")
        .clone();
    drop((ix, report));
    crate::conflicts::answers::answer(
        &ws,
        &crate::conflicts::answers::ConflictAnswerInput {
            item: flagged.item.id.clone(),
            rule: flagged.rule,
            other: flagged.other_id.clone(),
            acknowledge: true,
            why: "known".into(),
        },
        "me",
        END,
    )
    .await
    .unwrap();
    let q = TriageQuery::default();
    let first = triage_list(&ws, &q, END).await.unwrap();
    let count = |l: &crate::triage::TriageList, r: Reason| {
        l.by_reason
            .iter()
            .find(|x| x.reason == r)
            .map_or(0, |x| x.count)
    };
    assert!(count(&first, Reason::DuplicateCandidate) > 0);
    assert!(
        count(&first, Reason::ConflictingChange) > 0,
        "the demo has conflicts"
    );
    keep(&ws).await.unwrap();
    ws.close().await;
    for kind in ["duplicates", "conflicts"] {
        assert!(
            crate::graph::kept::path_for(&path, kind).exists(),
            "{kind} kept"
        );
    }

    // A fresh process: the same worklist, the conflicts loaded rather than computed.
    let ws = Workspace::open(&path).await.unwrap();
    let ix = ws.index().await.unwrap();
    let computed = crate::conflicts::live::compute_unanswered(&ws, &ix)
        .await
        .unwrap();
    let ws = {
        ws.close().await;
        Workspace::open(&path).await.unwrap()
    };
    let again = triage_list(&ws, &q, END).await.unwrap();
    assert_eq!(again, first, "a fresh process lists the same worklist");
    let ix = ws.index().await.unwrap();
    let loaded = crate::conflicts::live::unanswered_kept(&ws, &ix, true)
        .await
        .unwrap();
    assert_eq!(
        loaded.report(&ix).unwrap(),
        computed,
        "the kept conflicts, loaded and read back, are those the rules find"
    );

    // An owner rule moves no index stamp, but the kept conflicts are not used after it.
    let team = ix.teams[0].id.clone();
    crate::conflicts::rules::set_owner_rule(&ws, "@acme/someone", Some(&team), "me", END)
        .await
        .unwrap();
    let ix = ws.index().await.unwrap();
    let after = crate::conflicts::live::unanswered_kept(&ws, &ix, true)
        .await
        .unwrap();
    let fresh = crate::conflicts::live::compute_unanswered(&ws, &ix)
        .await
        .unwrap();
    assert_eq!(after.report(&ix).unwrap(), fresh);
    drop((ix, loaded, after, fresh, computed));
    ws.close().await;

    // Damaged: computed again, the same worklist.
    let kept = crate::graph::kept::path_for(&path, "conflicts");
    let mut bytes = std::fs::read(&kept).unwrap();
    let at = bytes.len() / 3;
    bytes[at] ^= 0x08;
    std::fs::write(&kept, &bytes).unwrap();
    let ws = Workspace::open(&path).await.unwrap();
    let ix = ws.index().await.unwrap();
    let c = crate::conflicts::live::unanswered_kept(&ws, &ix, true)
        .await
        .unwrap();
    let fresh = crate::conflicts::live::compute_unanswered(&ws, &ix)
        .await
        .unwrap();
    assert_eq!(c.report(&ix).unwrap(), fresh);
    drop((ix, c, fresh));
    ws.close().await;
}

/// The engine's band buckets (one item kept apart from several) hold what a list per key holds,
/// in the same order, through additions and removals as builds and updates make them.
#[test]
fn band_buckets_hold_what_a_list_per_key_holds() {
    use super::engine::Buckets;
    let mut compact = Buckets::default();
    let mut lists: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
    let mut state = 0x1234_5678_u64;
    let mut next = |m: u64| {
        state = text::mix(state);
        state % m
    };
    for step in 0..20_000u32 {
        // Few keys, so that buckets of one, several and none all occur; sometimes an item is
        // added to a key twice (an update reads an item again).
        let key = next(400);
        let item = next(300) as u32;
        if step % 3 == 0 {
            compact.remove(key, item);
            if let Some(l) = lists.get_mut(&key) {
                l.retain(|&x| x != item);
            }
        } else {
            compact.push(key, item);
            lists.entry(key).or_default().push(item);
        }
        if step % 97 == 0 {
            for k in 0..400u64 {
                let expected: &[u32] = lists.get(&k).map_or(&[], Vec::as_slice);
                assert_eq!(compact.get(k), expected, "key {k} after step {step}");
            }
        }
    }
    for k in 0..400u64 {
        let expected: &[u32] = lists.get(&k).map_or(&[], Vec::as_slice);
        assert_eq!(compact.get(k), expected, "key {k}");
    }
}

/// An engine built in parts on several threads is the engine one pass builds, for any cut
/// (parts of unequal length, more parts than cores): the same words, frequencies, buckets and
/// pairs, kept in the same order.
#[tokio::test]
async fn an_engine_built_in_parts_is_the_one_pass_engine() {
    let (_dir, ws, _graph) = demo_workspace(3_000).await;
    let ix = ws.index().await.unwrap();
    let one = Engine::build_in_parts(&ix, &mut |_, _| {}, 1);
    assert!(
        one.pairs().count() > 10,
        "titles alike in the demo: {}",
        one.pairs().count()
    );
    let bytes = |e: &Engine| {
        let mut enc = crate::graph::kept::Enc { buf: Vec::new() };
        e.encode(&mut enc);
        enc.buf
    };
    let (one_bytes, one_state) = (bytes(&one), format!("{one:?}"));
    for parts in [2, 3, 7, 64] {
        // The progress told only grows, and ends at every item read and compared.
        let mut told: Vec<(usize, usize)> = Vec::new();
        let cut = Engine::build_in_parts(&ix, &mut |done, all| told.push((done, all)), parts);
        let all = 2 * ix.items.len();
        assert!(
            told.windows(2).all(|w| w[0].0 <= w[1].0),
            "{parts} parts: progress grows"
        );
        assert!(told.iter().all(|t| t.1 == all && t.0 <= all));
        assert_eq!(told.last(), Some(&(all, all)), "{parts} parts: done");
        assert!(
            told.iter()
                .filter(|t| t.0 > ix.items.len() && t.0 < all)
                .count()
                >= parts.min(ix.items.len()) - 1,
            "{parts} parts: the comparing half is told as it goes"
        );
        assert!(bytes(&cut) == one_bytes, "{parts} parts: the kept engine");
        assert!(
            format!("{cut:?}") == one_state,
            "{parts} parts: every field, in the same order"
        );
    }
    drop(ix);
    ws.close().await;
}
