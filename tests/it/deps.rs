//! Dependency analyses on hand-built graphs: chains, a diamond, a cycle, a self-link, links
//! across sources, the same dependency seen twice, removed links and deleted items.

use baton_core::demo::{self, DemoGraph};
use baton_core::deps::{self, DepsFilter, GraphRequest, Target};
use baton_core::graph::model::*;
use baton_core::graph::Workspace;

/// Monday 2026-03-02T00:00:00Z.
const T0: i64 = 1_772_409_600_000;
const D: i64 = 86_400_000;
const NOW: i64 = T0 + 10 * D;

fn item(id: &str, team: &str, state: &str, flow: FlowState) -> WorkItem {
    WorkItem {
        id: id.into(),
        source_id: if id.starts_with('g') {
            "gh".into()
        } else {
            "jira".into()
        },
        external_id: id.into(),
        key: id.to_uppercase(),
        url: format!("https://example.test/{id}"),
        kind: ItemKind::Task,
        title: format!("Item {id}"),
        team_id: Some(team.into()),
        owner_id: None,
        author_id: None,
        provenance: Provenance::Human,
        provenance_agent: None,
        provenance_confidence: 1.0,
        raw_state: state.into(),
        flow_state: flow,
        wait_reason: None,
        intent_id: None,
        priority: None,
        estimate: None,
        created_at: T0,
        started_at: None,
        done_at: None,
        updated_at: T0,
    }
}

fn link(from: &str, to: &str, kind: LinkKind, removed: bool) -> Link {
    Link {
        from_item_id: from.into(),
        to_item_id: to.into(),
        kind,
        origin: LinkOrigin::Source,
        confidence: 1.0,
        created_at: T0 + D,
        removed_at: removed.then_some(T0 + 2 * D),
        found_in: None,
    }
}

fn change(item: &str, n: u32, at: i64, to: &str) -> Transition {
    Transition {
        item_id: item.into(),
        event_id: format!("c{n}"),
        kind: TransitionKind::State,
        from_state: Some("Backlog".into()),
        to_state: to.into(),
        at,
        actor_id: None,
    }
}

/// Platform: gp1 (GitHub, in progress since day 1), gp2 (done on day 2 after 1.5 days).
/// Mobile: m1 (blocked), m2 (ready, untouched since day 0), m3, c1..c3 (a cycle).
/// Security: s1, s2, a, b, c (a diamond s2 → a, b → c), x (blocks itself), r1, r2.
fn graph() -> DemoGraph {
    use FlowState::*;
    let maps = [
        ("Backlog", New, None),
        ("Ready", Waiting, Some(WaitReason::Queue)),
        ("Blocked", Waiting, Some(WaitReason::Blocked)),
        ("In Progress", Active, None),
        ("Done", Done, None),
    ];
    let source = |id: &str, kind: SourceKind| Source {
        id: id.into(),
        kind,
        name: id.into(),
        base_url: "https://example.test".into(),
        scope: "{}".into(),
        secret_ref: None,
        poll_interval_s: 600,
        enabled: true,
        synthetic: true,
        created_at: T0,
    };
    let mut items = vec![
        item("gp1", "plat", "In Progress", Active),
        item("gp2", "plat", "Done", Done),
        item("m1", "mob", "Blocked", Waiting),
        item("m2", "mob", "Ready", Waiting),
        item("m3", "mob", "Backlog", New),
        item("c1", "mob", "Backlog", New),
        item("c2", "mob", "Backlog", New),
        item("c3", "mob", "Backlog", New),
        item("s1", "sec", "Backlog", New),
        item("s2", "sec", "Backlog", New),
        item("a", "sec", "Backlog", New),
        item("b", "sec", "Backlog", New),
        item("c", "sec", "Backlog", New),
        item("x", "sec", "Backlog", New),
        item("r1", "sec", "Backlog", New),
        item("r2", "sec", "Backlog", New),
    ];
    items.iter_mut().for_each(|i| i.updated_at = T0 + 2 * D);
    DemoGraph {
        sources: vec![
            source("jira", SourceKind::Jira),
            source("gh", SourceKind::Github),
        ],
        teams: ["plat", "mob", "sec"]
            .iter()
            .map(|t| Team {
                id: (*t).into(),
                name: t.to_uppercase(),
            })
            .collect(),
        workflow_maps: ["jira", "gh"]
            .iter()
            .flat_map(|s| {
                maps.iter().map(|(raw, flow, reason)| WorkflowMap {
                    source_id: (*s).into(),
                    team_id: String::new(),
                    item_kind: None,
                    scope: String::new(),
                    raw_state: (*raw).into(),
                    flow_state: *flow,
                    wait_reason: *reason,
                    origin: "inferred".into(),
                })
            })
            .collect(),
        items,
        transitions: vec![
            change("gp1", 1, T0 + D, "In Progress"),
            change("gp2", 1, T0 + D / 2, "In Progress"),
            change("gp2", 2, T0 + 2 * D, "Done"),
            change("m1", 1, T0, "Blocked"),
            change("m2", 1, T0, "Ready"),
        ],
        links: vec![
            link("s1", "gp1", LinkKind::Blocks, false),
            link("gp1", "m1", LinkKind::Blocks, false),
            link("m1", "gp1", LinkKind::Parent, false),
            link("m1", "m3", LinkKind::Blocks, false),
            link("gp2", "m2", LinkKind::Blocks, false),
            link("s2", "a", LinkKind::Blocks, false),
            link("s2", "b", LinkKind::Blocks, false),
            link("a", "c", LinkKind::Blocks, false),
            link("b", "c", LinkKind::Blocks, false),
            link("c1", "c2", LinkKind::Blocks, false),
            link("c2", "c3", LinkKind::Blocks, false),
            link("c3", "c1", LinkKind::Blocks, false),
            link("x", "x", LinkKind::Blocks, false),
            link("r1", "r2", LinkKind::Blocks, true),
        ],
        ..DemoGraph::default()
    }
}

async fn workspace(dir: &std::path::Path) -> Workspace {
    let ws = Workspace::create(&dir.join("deps.baton")).await.unwrap();
    demo::write(&ws, &graph()).await.unwrap();
    ws
}

fn keys(items: &[deps::DepItem]) -> Vec<&str> {
    items.iter().map(|i| i.item.key.as_str()).collect()
}

#[tokio::test]
async fn team_matrix_counts_open_blocking_links_once() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let r = deps::deps_report(&ws, &DepsFilter::default(), NOW)
        .await
        .unwrap();
    // Open: s1→gp1, gp1→m1 (also seen as a parent link: one dependency), m1→m3, s2→a, s2→b,
    // a→c, b→c, c1→c2, c2→c3, c3→c1. Not: gp2→m2 (gp2 is done), r1→r2 (removed), x→x (self).
    assert_eq!(r.open_blocking_links, 10);
    let cell = |from: &str, to: &str| {
        r.matrix
            .iter()
            .find(|c| c.blocker_team == from && c.blocked_team == to)
            .map(|c| c.open_links)
    };
    assert_eq!(cell("SEC", "PLAT"), Some(1));
    assert_eq!(
        cell("PLAT", "MOB"),
        Some(1),
        "a GitHub item blocking a Jira item counts"
    );
    assert_eq!(cell("MOB", "MOB"), Some(4));
    assert_eq!(cell("SEC", "SEC"), Some(4));
    assert_eq!(cell("PLAT", "PLAT"), None);
    let plat = r.teams.iter().find(|t| t.team_name == "PLAT").unwrap();
    assert_eq!(
        (plat.blocking, plat.blocked),
        (1, 1),
        "links within a team are not counted between teams"
    );
    let oldest = r.matrix.iter().map(|c| c.oldest_days).fold(0.0, f64::max);
    assert_eq!(oldest, 9.0, "links made on day 1, measured on day 10");
}

#[tokio::test]
async fn chains_cycles_and_self_links() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let r = deps::deps_report(&ws, &DepsFilter::default(), NOW)
        .await
        .unwrap();
    let longest = &r.chains[0];
    assert_eq!(
        keys(&longest.items),
        ["S1", "GP1", "M1", "M3"],
        "the longest chain of open blockers"
    );
    assert_eq!(longest.waiting_days, 27.0, "three links of 9 days");
    assert_eq!(longest.teams, 3);
    let diamond: Vec<Vec<&str>> = r
        .chains
        .iter()
        .map(|c| keys(&c.items))
        .filter(|k| k.contains(&"C"))
        .collect();
    assert_eq!(diamond.len(), 1, "a diamond gives one chain to its end");
    assert_eq!(diamond[0].len(), 3);
    assert!(
        r.chains.iter().all(|c| !keys(&c.items).contains(&"C1")),
        "links inside a cycle form no chain"
    );
    let cycle = r.cycles.iter().find(|c| !c.self_link).unwrap();
    assert_eq!(keys(&cycle.items), ["C1", "C2", "C3"]);
    let own = r.cycles.iter().find(|c| c.self_link).unwrap();
    assert_eq!(
        keys(&own.items),
        ["X"],
        "an item blocking itself is reported as a cycle of one"
    );
}

#[tokio::test]
async fn at_risk_and_undelivered_handoffs() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let r = deps::deps_report(&ws, &DepsFilter::default(), NOW)
        .await
        .unwrap();
    // PLAT's 85th percentile cycle time is 1.5 days (gp2); gp1 has been in progress for 9.
    let m1 = r.at_risk.iter().find(|a| a.item.item.key == "M1").unwrap();
    assert_eq!(
        (
            m1.blocker.item.key.as_str(),
            m1.distance,
            m1.blocker_age_days,
            m1.threshold_days
        ),
        ("GP1", 1, 9.0, 1.5)
    );
    let m3 = r.at_risk.iter().find(|a| a.item.item.key == "M3").unwrap();
    assert_eq!(
        (m3.blocker.item.key.as_str(), m3.distance),
        ("GP1", 2),
        "m1 (10 days, under MOB's default 12) is not old; gp1 further up is"
    );
    assert!(!m3.default_threshold);
    assert!(
        r.at_risk.iter().all(|a| a.item.item.key != "GP1"),
        "s1 (10 days old, SEC default 12) is not old"
    );
    assert_eq!(r.handoffs.len(), 1);
    let h = &r.handoffs[0];
    assert_eq!(
        (
            h.upstream.item.key.as_str(),
            h.downstream.item.key.as_str(),
            h.days_waiting
        ),
        ("GP2", "M2", 8.0)
    );
    assert_eq!(h.upstream.item.title, "Item gp2");
}

#[tokio::test]
async fn critical_path_uses_team_percentiles() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let path = deps::deps_critical_path(&ws, &Target::Item { id: "m3".into() }, NOW)
        .await
        .unwrap();
    let steps: Vec<&str> = path
        .steps
        .iter()
        .map(|s| s.item.item.key.as_str())
        .collect();
    assert_eq!(steps, ["S1", "GP1", "M1", "M3"]);
    // P85: s1 12 (SEC default, not started) + gp1 + m1 12 (MOB default, never started) + m3 12.
    // gp1 has been in progress 9 days, past PLAT's P85 of 1.5: it is forecast from its age, not
    // as finished now. PLAT never finished anything that took 9 days, so it gets another 1.5.
    let gp1 = path
        .steps
        .iter()
        .find(|s| s.item.item.key == "GP1")
        .unwrap();
    assert_eq!((gp1.remaining_p50_days, gp1.remaining_p85_days), (1.5, 1.5));
    assert_eq!(
        path.finish_p85,
        baton_core::time::to_rfc3339(NOW + 75 * D / 2)
    );
    assert_eq!(
        path.finish_p50,
        baton_core::time::to_rfc3339(NOW + 33 * D / 2),
        "5 + 1.5 + 5 + 5 with the P50 defaults"
    );
    assert_eq!(path.open_upstream_items, 3);
    assert_eq!((path.target_items, path.open_target_items), (1, 1));
    let cyc = deps::deps_critical_path(&ws, &Target::Item { id: "c3".into() }, NOW)
        .await
        .unwrap();
    assert_eq!(
        cyc.items_in_cycles, 2,
        "the cycle is broken where it closes, and reported"
    );
    let err = deps::deps_critical_path(&ws, &Target::Item { id: "nope".into() }, NOW)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "not_found");
}

#[tokio::test]
async fn graph_view_focuses_and_highlights_the_critical_path() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let focused = deps::deps_graph(
        &ws,
        &GraphRequest {
            focus: Some("m1".into()),
            hops: 1,
            ..GraphRequest::default()
        },
        NOW,
    )
    .await
    .unwrap();
    let mut ids: Vec<&str> = focused.nodes.iter().map(|n| n.item.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["gp1", "m1", "m3"]);
    assert_eq!(
        focused.edges.len(),
        2,
        "gp1–m1 drawn once though also a parent link, m1→m3"
    );
    let whole = deps::deps_graph(
        &ws,
        &GraphRequest {
            critical: Some(Target::Item { id: "m3".into() }),
            max_nodes: 3,
            ..GraphRequest::default()
        },
        NOW,
    )
    .await
    .unwrap();
    assert!(whole.truncated);
    assert_eq!(whole.nodes.len(), 3);
    assert!(
        whole.nodes.iter().all(|n| n.critical),
        "the critical path is drawn first"
    );
}

#[tokio::test]
async fn items_deleted_at_the_source_leave_the_analyses() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    ws.write(crate::common::DeleteItem("gp1")).await.unwrap();
    let r = deps::deps_report(&ws, &DepsFilter::default(), NOW)
        .await
        .unwrap();
    assert_eq!(r.open_blocking_links, 8, "its links went with it");
    assert_eq!(
        keys(&r.chains[0].items).len(),
        3,
        "the longest chain is now a diamond branch or m1→m3"
    );
    assert!(r.at_risk.is_empty());
    let filtered = deps::deps_report(
        &ws,
        &DepsFilter {
            teams: vec!["plat".into()],
            ..DepsFilter::default()
        },
        NOW,
    )
    .await
    .unwrap();
    assert_eq!(
        filtered.handoffs.len(),
        1,
        "rows touching a chosen team are kept"
    );
    assert!(filtered.cycles.is_empty());
}

#[tokio::test]
async fn a_team_filtered_graph_keeps_the_other_ends_of_its_links() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let request = GraphRequest {
        filter: DepsFilter {
            teams: vec!["plat".into()],
            ..DepsFilter::default()
        },
        ..GraphRequest::default()
    };
    let view = deps::deps_graph(&ws, &request, NOW).await.unwrap();
    let mut ids: Vec<&str> = view.nodes.iter().map(|n| n.item.id.as_str()).collect();
    ids.sort();
    assert_eq!(
        ids,
        ["gp1", "m1", "s1"],
        "gp1 (PLAT) and the items it blocks or is blocked by"
    );
    assert_eq!(
        view.edges
            .iter()
            .filter(|e| e.kind == LinkKind::Blocks)
            .count(),
        2
    );
    let r = deps::deps_report(&ws, &DepsFilter::default(), NOW)
        .await
        .unwrap();
    assert_eq!(
        (r.cycles_total, r.chains_total as usize),
        (2, r.chains.len()),
        "totals count what the lists cap"
    );
}

#[tokio::test]
async fn single_blocking_links_are_counted_and_listed_beside_chains() {
    let mut g = graph();
    // u1 blocks u2 and nothing else touches them; w1 blocks w2 and w3 (two single links).
    for (id, team) in [
        ("u1", "plat"),
        ("u2", "mob"),
        ("w1", "sec"),
        ("w2", "mob"),
        ("w3", "plat"),
    ] {
        g.items.push(item(id, team, "Backlog", FlowState::New));
    }
    g.links.push(Link {
        created_at: T0,
        ..link("u1", "u2", LinkKind::Blocks, false)
    });
    g.links.push(link("w1", "w2", LinkKind::Blocks, false));
    g.links.push(link("w1", "w3", LinkKind::Blocks, false));
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::create(&dir.path().join("single.baton"))
        .await
        .unwrap();
    demo::write(&ws, &g).await.unwrap();
    let r = deps::deps_report(&ws, &DepsFilter::default(), NOW)
        .await
        .unwrap();
    assert_eq!(r.open_blocking_links, 13);
    let singles: Vec<(&str, &str, f64)> = r
        .single_links
        .iter()
        .map(|s| {
            (
                s.blocker.item.key.as_str(),
                s.blocked.item.key.as_str(),
                s.days,
            )
        })
        .collect();
    assert_eq!(
        singles,
        [("U1", "U2", 10.0), ("W1", "W2", 9.0), ("W1", "W3", 9.0)],
        "links in no chain, oldest first; links in chains, the diamond and the cycle are not single"
    );
    assert_eq!(r.single_links_total, 3);
    assert_eq!(
        r.chains_total, 2,
        "chains need two links: S1→GP1→M1→M3 and the diamond"
    );
    assert_eq!(r.single_links[0].blocked.team_name.as_deref(), Some("MOB"));
    let plat_only = deps::deps_report(
        &ws,
        &DepsFilter {
            teams: vec!["plat".into()],
            ..DepsFilter::default()
        },
        NOW,
    )
    .await
    .unwrap();
    assert_eq!(
        plat_only.single_links_total, 2,
        "a team filter keeps the single links touching the team (u1→u2, w1→w3)"
    );
}

#[tokio::test]
async fn the_at_risk_search_looks_32_links_upstream() {
    let mut g = graph();
    // k0 (PLAT, in progress since day 1: 9 days, far above PLAT's 1.5-day P85) heads a line of
    // 34 items k0 → k1 → … → k33 (SEC, not started: 10 days, under SEC's default 12).
    let mut k0 = item("k0", "plat", "In Progress", FlowState::Active);
    k0.updated_at = T0 + D;
    g.items.push(k0);
    g.transitions.push(change("k0", 1, T0 + D, "In Progress"));
    for n in 1..34 {
        g.items
            .push(item(&format!("k{n}"), "sec", "Backlog", FlowState::New));
        g.links.push(link(
            &format!("k{}", n - 1),
            &format!("k{n}"),
            LinkKind::Blocks,
            false,
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::create(&dir.path().join("deep.baton"))
        .await
        .unwrap();
    demo::write(&ws, &g).await.unwrap();
    let r = deps::deps_report(&ws, &DepsFilter::default(), NOW)
        .await
        .unwrap();
    assert_eq!(r.at_risk_max_depth, 32);
    let distance = |key: &str| {
        r.at_risk
            .iter()
            .find(|a| a.item.item.key == key)
            .map(|a| (a.blocker.item.key.clone(), a.distance))
    };
    assert_eq!(distance("K1"), Some(("K0".into(), 1)));
    assert_eq!(
        distance("K32"),
        Some(("K0".into(), 32)),
        "32 links up is searched"
    );
    assert_eq!(distance("K33"), None, "33 links up is beyond the search");
}

#[tokio::test]
async fn a_link_made_at_exactly_now_stands() {
    let mut g = graph();
    g.items.push(item("n1", "plat", "Backlog", FlowState::New));
    g.items.push(item("n2", "mob", "Backlog", FlowState::New));
    g.links.push(Link {
        created_at: NOW,
        ..link("n1", "n2", LinkKind::Blocks, false)
    });
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::create(&dir.path().join("now.baton"))
        .await
        .unwrap();
    demo::write(&ws, &g).await.unwrap();
    let r = deps::deps_report(&ws, &DepsFilter::default(), NOW)
        .await
        .unwrap();
    assert_eq!(
        r.open_blocking_links, 11,
        "the 10 of the base graph and n1 → n2"
    );
    let later = deps::deps_report(&ws, &DepsFilter::default(), NOW - 1)
        .await
        .unwrap();
    assert_eq!(
        later.open_blocking_links, 10,
        "a millisecond before, it did not exist"
    );
}

/// "Open blocking links" is one figure: the Overview's summary (and `baton stats`), the
/// Dependencies report (and `baton deps`) and the Bottlenecks report give the same number on the
/// demo, and it leaves out the links whose blocker or blocked item is finished.
#[tokio::test]
async fn open_blocking_links_are_the_same_figure_on_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, now) = demo_3000(dir.path()).await;
    let summary = baton_core::query::workspace_summary(&ws).await.unwrap();
    let deps = deps::deps_report(&ws, &DepsFilter::default(), now)
        .await
        .unwrap();
    let bottlenecks =
        baton_core::flow::bottleneck_report(&ws, &baton_core::flow::FlowFilter::default(), now)
            .await
            .unwrap();
    let ix = ws.index().await.unwrap();
    assert!(
        deps.open_blocking_links > 0,
        "the demo has open blocking links"
    );
    assert!(
        (deps.open_blocking_links as u64) < ix.standing_blocks_links,
        "links between finished items are not open blocking links"
    );
    assert_eq!(
        summary.totals.open_blocking_links, deps.open_blocking_links,
        "Overview = Dependencies"
    );
    assert_eq!(
        bottlenecks.open_blocking_links, deps.open_blocking_links,
        "Bottlenecks = Dependencies"
    );
}

/// The Bottlenecks page keeps its count of open blocking links while nothing it depends on
/// moves, and every page still shows the count made again from scratch: at later moments (the
/// count kept), for a range ending in the past (counted, not kept), and after the workflow map
/// makes a blocker's state a finished one.
#[tokio::test]
async fn the_kept_count_of_open_blocking_links_is_the_count_made_again() {
    use baton_core::flow::{self, FlowFilter};
    let dir = tempfile::tempdir().unwrap();
    let (ws, now) = demo_3000(dir.path()).await;
    let counted = |filter: FlowFilter, now: i64| {
        let ws = &ws;
        async move {
            let (ix, mapping, scope) = flow::prepare(ws, &filter, now).await.unwrap();
            flow::compute_bottlenecks(&ix, &mapping, &scope).open_blocking_links
        }
    };
    let shown = |filter: FlowFilter, now: i64| {
        let ws = &ws;
        async move {
            flow::bottleneck_report(ws, &filter, now)
                .await
                .unwrap()
                .open_blocking_links
        }
    };
    let rolling = FlowFilter {
        last_days: Some(30),
        ..FlowFilter::default()
    };
    let today = counted(rolling.clone(), now).await;
    assert!(today > 0, "the demo has open blocking links");
    for later in [now, now + 1, now + 60_000, now + 7 * D] {
        assert_eq!(
            shown(rolling.clone(), later).await,
            counted(rolling.clone(), later).await
        );
    }
    assert_eq!(shown(FlowFilter::default(), now).await, today);
    // A range ending 60 days before the demo's last day: other links stood, other blockers were
    // still open.
    let past = FlowFilter {
        to: Some(baton_core::time::to_rfc3339(now - 61 * D)[..10].to_owned()),
        ..FlowFilter::default()
    };
    let then = counted(past.clone(), now).await;
    assert_ne!(then, today, "the past range counts other links");
    assert_eq!(shown(past, now).await, then);
    assert_eq!(shown(rolling.clone(), now).await, today);
    // The raw state of an open blocker becomes a finished one.
    let (source_id, raw_state): (String, String) = sqlx::query_as(
        "SELECT i.source_id, i.raw_state FROM links l JOIN items i ON i.id = l.from_item_id
          WHERE l.kind = 'blocks' AND l.removed_at IS NULL
            AND i.flow_state NOT IN ('done', 'canceled')
          GROUP BY i.source_id, i.raw_state ORDER BY count(*) DESC LIMIT 1",
    )
    .fetch_one(ws.pool())
    .await
    .unwrap();
    baton_core::flow::workflow_set(
        &ws,
        &baton_core::flow::WorkflowChange {
            source_id,
            team_id: String::new(),
            item_kind: None,
            scope: String::new(),
            raw_state,
            flow_state: Some(FlowState::Done),
            wait_reason: None,
        },
    )
    .await
    .unwrap();
    let after = counted(rolling.clone(), now).await;
    assert!(
        after < today,
        "fewer blocking links are open: {after} of {today}"
    );
    assert_eq!(shown(rolling, now).await, after);
}

/// Every "where work is stuck" count on the Overview is the total of the list it opens, the
/// reasons add up to the waiting items, and the oldest waiting items come first.
#[tokio::test]
async fn attention_counts_are_the_lists_they_open() {
    use baton_core::deps::AttentionList;
    let dir = tempfile::tempdir().unwrap();
    let (ws, now) = demo_3000(dir.path()).await;
    let a = deps::attention(&ws, now).await.unwrap();
    assert!(a.waiting > 0 && a.over_expectation > 0 && a.blocked_by_other_teams > 0);
    assert_eq!(
        a.by_reason.iter().map(|r| r.items).sum::<u32>(),
        a.waiting,
        "every waiting item has one reason"
    );
    let total = |list| {
        let ws = &ws;
        async move { deps::attention_items(ws, list, now).await.unwrap() }
    };
    assert_eq!(
        total(AttentionList::Waiting { stage: None }).await.total,
        a.waiting
    );
    let late = total(AttentionList::OverExpectation).await;
    assert_eq!(late.total, a.over_expectation);
    assert!(late
        .items
        .iter()
        .all(|r| r.age_days > r.expectation_days && r.item.flow_state == FlowState::Waiting));
    assert!(
        late.items
            .windows(2)
            .all(|w| w[0].age_days >= w[1].age_days),
        "oldest first"
    );
    for r in &a.by_reason {
        let list = total(AttentionList::Waiting {
            stage: Some(r.stage),
        })
        .await;
        assert_eq!(list.total, r.items, "{:?}", r.stage);
    }
    assert_eq!(
        total(AttentionList::BlockedByOtherTeams).await.total,
        a.blocked_by_other_teams
    );
    let awaiting = total(AttentionList::AiAwaitingReview).await;
    assert_eq!(awaiting.total, a.ai_awaiting_review);
    // One rule for "reviewed": the tile lists the open ones among the Overview card's list (Work
    // items, without independent review).
    let card = baton_core::query::items_list(
        &ws,
        &baton_core::query::ItemsQuery {
            without_independent_review: true,
            limit: 1_000,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let card_ids: std::collections::BTreeSet<&str> =
        card.rows.iter().map(|r| r.id.as_str()).collect();
    assert!(a.ai_awaiting_review > 0 && a.ai_awaiting_review < card.total);
    assert!(awaiting
        .items
        .iter()
        .all(|r| card_ids.contains(r.item.item.id.as_str())
            && !matches!(r.item.flow_state, FlowState::Done | FlowState::Canceled)));
    assert_eq!(
        card.rows
            .iter()
            .filter(|r| !matches!(r.flow_state, FlowState::Done | FlowState::Canceled))
            .count() as u32,
        a.ai_awaiting_review,
        "the tile counts the card's pull requests still open"
    );
    assert_eq!(
        total(AttentionList::HandoffsNotArrived).await.total,
        a.handoffs_not_arrived
    );
    let report = deps::deps_report(&ws, &DepsFilter::default(), now)
        .await
        .unwrap();
    assert!(a.handoffs_not_arrived <= report.handoffs_total);
    assert_eq!(
        a.oldest_waiting.first().map(|r| r.age_days),
        late.items.first().map(|r| r.age_days)
    );
    assert!(
        a.oldest_waiting
            .iter()
            .all(|r| !r.item.item.title.is_empty()),
        "titles are filled"
    );
}

#[tokio::test]
async fn overview_in_progress_and_flow_wip_reconcile() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, now) = demo_3000(dir.path()).await;
    let a = deps::attention(&ws, now).await.unwrap();
    let summary = baton_core::query::workspace_summary(&ws).await.unwrap();
    let count_of = |key: &str| {
        summary
            .by_flow_state
            .iter()
            .find(|c| c.key == key)
            .map_or(0, |c| c.count)
    };
    assert_eq!(
        a.in_progress,
        count_of("waiting") + count_of("active"),
        "the Overview's Waiting + Active is the attention's in-progress figure"
    );
    let flow = baton_core::flow::flow_report(&ws, &baton_core::flow::FlowFilter::default(), now)
        .await
        .unwrap();
    assert_eq!(
        a.flow_wip, flow.in_progress,
        "the figure the Overview quotes is the Flow page's work in progress (range ending now)"
    );
    assert!(
        a.not_started > 0,
        "the demo has items waiting before their cycle started"
    );
    assert_eq!(
        a.in_progress - a.not_started + a.started_back_in_new,
        a.flow_wip,
        "the card's reasons account for the whole difference"
    );
}

/// Closes items and adds `blocks` links between others, as a sync page would: each closed item
/// gets a change into a done state of its source an hour before `at`; the linked items are
/// rewritten (their index rows read again).
struct ClosePage {
    close: Vec<String>,
    links: Vec<(String, String)>,
    at: i64,
}

impl baton_core::graph::WriteOp for ClosePage {
    type Output = ();
    type Error = baton_core::CoreError;

    async fn apply(
        self,
        w: &mut baton_core::graph::Writer<'_>,
    ) -> Result<(), baton_core::CoreError> {
        let at = self.at - 3_600_000;
        let mut changes = Vec::new();
        for id in &self.close {
            let (from, done): (String, String) = sqlx::query_as(
                "SELECT i.raw_state, (SELECT d.raw_state FROM items d WHERE d.source_id = i.source_id
                   AND d.flow_state = 'done' LIMIT 1) FROM items i WHERE i.id = ?1",
            )
            .bind(id)
            .fetch_one(&mut *w.conn())
            .await?;
            sqlx::query(
                "UPDATE items SET raw_state = ?2, flow_state = 'done', updated_at = ?3 WHERE id = ?1",
            )
            .bind(id)
            .bind(&done)
            .bind(at)
            .execute(&mut *w.conn())
            .await?;
            changes.push(Transition {
                item_id: id.clone(),
                event_id: format!("closed-{id}"),
                kind: TransitionKind::State,
                from_state: Some(from),
                to_state: done,
                at,
                actor_id: None,
            });
        }
        baton_core::graph::repo::transitions::insert_many(w.conn(), &changes).await?;
        let links: Vec<Link> = self
            .links
            .iter()
            .map(|(from, to)| Link {
                from_item_id: from.clone(),
                to_item_id: to.clone(),
                kind: LinkKind::Blocks,
                origin: LinkOrigin::Source,
                confidence: 1.0,
                created_at: at,
                removed_at: None,
                found_in: None,
            })
            .collect();
        baton_core::graph::repo::links::upsert_many(w.conn(), &links).await?;
        let touched: std::collections::BTreeSet<String> = self
            .close
            .iter()
            .cloned()
            .chain(self.links.iter().flat_map(|(a, b)| [a.clone(), b.clone()]))
            .collect();
        w.items_changed(touched);
        Ok(())
    }
}

/// Every view the bench asks (no filter, a team, an intent with its critical path, a focus)
/// answered from what the workspace kept equals the answer computed afresh at `at`.
async fn assert_kept_answers_equal_fresh(ws: &Workspace, at: i64) -> deps::DepsReport {
    let kept = deps::context(ws, at).await.unwrap();
    let graph = deps::dep_graph(ws, &kept);
    let fresh = deps::fresh_context(ws, at).await.unwrap();
    let (k, f) = (&kept.facts, &fresh.facts);
    assert_eq!((k.as_of, k.horizon), (f.as_of, f.horizon));
    assert_eq!(k.start, f.start, "cycle starts");
    assert_eq!(k.finish, f.finish, "deliveries");
    assert_eq!(k.flow, f.flow, "flow states");
    assert_eq!(k.stage, f.stage, "stages");
    assert_eq!(k.since, f.since, "state starts");
    assert_eq!(
        (&k.team_p50, &k.team_p85, &k.team_samples, &k.team_cycles),
        (&f.team_p50, &f.team_p85, &f.team_samples, &f.team_cycles),
        "team cycle times"
    );
    let ix = &kept.ix;
    let all = deps::analyse(&fresh.ix, &fresh.facts, &DepsFilter::default());
    let end = all
        .chains
        .first()
        .and_then(|c| c.items.last())
        .map(|i| i.item.id.clone())
        .expect("the demo has chains");
    let team = ix.teams[0].id.clone();
    let intent = ix.intents[0].id.clone();
    let item_target = Target::Item { id: end.clone() };
    let intent_target = Target::Intent { id: intent.clone() };
    let views = [
        (DepsFilter::default(), None, item_target.clone(), 300),
        (
            DepsFilter {
                teams: vec![team.clone()],
                intents: Vec::new(),
            },
            None,
            item_target.clone(),
            2_000,
        ),
        (
            DepsFilter {
                teams: Vec::new(),
                intents: vec![intent.clone()],
            },
            None,
            intent_target.clone(),
            2_000,
        ),
        (
            DepsFilter {
                teams: vec![team, String::new()],
                intents: vec![intent],
            },
            None,
            intent_target,
            2_000,
        ),
        (DepsFilter::default(), Some(end), item_target, 2_000),
    ];
    for (filter, focus, target, max_nodes) in views {
        assert_eq!(
            deps::analyse_in(ix, &kept.facts, &graph, &filter),
            deps::analyse(&fresh.ix, &fresh.facts, &filter),
            "report, {filter:?}"
        );
        assert_eq!(
            deps::critical_path_in(ix, &kept.facts, &graph, &target)
                .unwrap()
                .0,
            deps::critical_path(&fresh.ix, &fresh.facts, &target).unwrap(),
            "critical path to {target:?}"
        );
        let request = GraphRequest {
            focus,
            hops: 2,
            filter,
            critical: Some(target),
            max_nodes,
        };
        assert_eq!(
            deps::graph_view_in(ix, &kept.facts, &graph, &request).unwrap(),
            deps::graph_view(&fresh.ix, &fresh.facts, &request).unwrap(),
            "graph view, {request:?}"
        );
    }
    all
}

#[tokio::test]
async fn kept_dependency_answers_equal_fresh_ones_through_changes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.baton");
    let end = NOW;
    let ws = demo::build(
        &path,
        &demo::DemoOptions {
            items: 3_000,
            seed: demo::DEFAULT_SEED,
            end,
        },
    )
    .await
    .unwrap();
    let now = end + 3_600_000;
    let before = assert_kept_answers_equal_fresh(&ws, now).await;

    // A minute on, nothing changed: the kept graph is read again, not built again. (A question
    // holds the index only while it is answered: one still held is not refreshed in place.)
    let first = {
        let cx = deps::context(&ws, now + 60_000).await.unwrap();
        deps::dep_graph(&ws, &cx)
    };
    let again = {
        let cx = deps::context(&ws, now + 120_000).await.unwrap();
        deps::dep_graph(&ws, &cx)
    };
    assert!(
        std::sync::Arc::ptr_eq(&first, &again),
        "nothing changed: the same graph"
    );
    assert_kept_answers_equal_fresh(&ws, now + 120_000).await;

    // A sync page: open blockers of chains close, new links join open items.
    let blockers: Vec<String> = before
        .chains
        .iter()
        .take(15)
        .map(|c| c.items[0].item.id.clone())
        .collect();
    let open: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM items WHERE flow_state IN ('active', 'waiting') ORDER BY id LIMIT 24",
    )
    .fetch_all(ws.pool())
    .await
    .unwrap();
    let links = open
        .chunks(2)
        .map(|p| (p[0].clone(), p[1].clone()))
        .collect();
    let generation = ws.index().await.unwrap().generation;
    ws.write(ClosePage {
        close: blockers,
        links,
        at: now + 180_000,
    })
    .await
    .unwrap();
    let later = now + 2 * D;
    let after = assert_kept_answers_equal_fresh(&ws, later).await;
    assert!(
        ws.index()
            .await
            .unwrap()
            .changed_since(generation)
            .is_some_and(|c| !c.is_empty()),
        "the index followed the page item by item, so the facts did too"
    );
    assert_ne!(
        (before.open_blocking_links, &before.chains),
        (after.open_blocking_links, &after.chains),
        "the page moved the answers"
    );
    // Asked for an earlier instant (a clock set back): gathered again, still equal.
    assert_kept_answers_equal_fresh(&ws, later - D).await;
    assert_kept_answers_equal_fresh(&ws, later + 60_000).await;
    ws.close().await;
}

/// The critical path to an intent counts the intent's own items (its descendants' included) and
/// how many are still open exactly as the Work items list filtered to that intent does: an
/// initiative whose items are all open never says that only the few on the path are.
#[tokio::test]
async fn critical_path_to_an_intent_counts_all_its_open_items() {
    use baton_core::query::{self, ItemsQuery};
    let dir = tempfile::tempdir().unwrap();
    let (ws, now) = demo_3000(dir.path()).await;
    let intents: Vec<String> = ws
        .index()
        .await
        .unwrap()
        .intents
        .iter()
        .map(|n| n.id.clone())
        .collect();
    let mut more_open_than_steps = 0;
    for id in intents {
        let listed = |states: Vec<FlowState>| {
            let (ws, id) = (&ws, id.clone());
            async move {
                query::items_list(
                    ws,
                    &ItemsQuery {
                        intents: vec![id],
                        states,
                        ..ItemsQuery::default()
                    },
                )
                .await
                .unwrap()
                .total
            }
        };
        let all = listed(Vec::new()).await;
        let open = listed(vec![FlowState::New, FlowState::Waiting, FlowState::Active]).await;
        let path = deps::deps_critical_path(&ws, &Target::Intent { id: id.clone() }, now)
            .await
            .unwrap();
        assert_eq!(path.target_items as u64, all as u64, "{id}: its items");
        assert_eq!(
            path.open_target_items as u64, open as u64,
            "{id}: its items still open"
        );
        assert_eq!(path.done, open == 0, "{id}: done only when none is open");
        if path.open_target_items as usize > path.steps.len() {
            more_open_than_steps += 1;
        }
    }
    assert!(
        more_open_than_steps > 0,
        "some intent has more open items than steps on its path (the case the count got wrong)"
    );
}

/// Facts gathered at an instant in the middle of the history and followed, with nothing
/// changed, to later instants (the items made or changed after the first instant derived
/// again, found among those late at the instant before rather than by looking at every item)
/// equal the facts gathered at each instant, step after step.
#[tokio::test]
async fn facts_followed_through_time_equal_those_gathered_at_each_instant() {
    use baton_core::deps::graph::Facts;
    use baton_core::flow::{FlowFilter, Mapping, Scope};
    let dir = tempfile::tempdir().unwrap();
    let (ws, now) = demo_3000(dir.path()).await;
    let rows = baton_core::graph::repo::workflow_maps::list(ws.pool())
        .await
        .unwrap();
    let ix = ws.index().await.unwrap();
    let mapping = Mapping::build(&ix, &rows);
    let filter = FlowFilter::default();
    let at = |t: i64| Scope::resolve(&ix, &filter, t).unwrap();
    let mut facts = Facts::gather(&ix, &mapping, &at(now - 40 * D));
    let late = facts
        .late
        .clone()
        .expect("gathered facts know their late items");
    assert!(
        late.len() > 300,
        "much of the demo changed after the first instant ({} items)",
        late.len()
    );
    for t in [
        now - 40 * D,
        now - 25 * D,
        now - 25 * D + 3_600_000,
        now - 3 * D,
        now,
    ] {
        let scope = at(t);
        facts.follow(&ix, &mapping, &scope, &[]);
        let fresh = Facts::gather(&ix, &mapping, &scope);
        let what = format!("at {t}");
        assert_eq!(facts.as_of, fresh.as_of, "{what}");
        assert_eq!(facts.start, fresh.start, "cycle starts {what}");
        assert_eq!(facts.finish, fresh.finish, "deliveries {what}");
        assert_eq!(facts.flow, fresh.flow, "states {what}");
        assert_eq!(facts.stage, fresh.stage, "stages {what}");
        assert_eq!(facts.since, fresh.since, "since {what}");
        assert_eq!(facts.cycle_slot, fresh.cycle_slot, "cycle slots {what}");
        assert_eq!(facts.team_cycles, fresh.team_cycles, "team cycles {what}");
        assert_eq!(facts.late, fresh.late, "late items {what}");
    }
    assert!(
        facts.late.as_ref().is_some_and(|l| l.len() < late.len()),
        "fewer items are late at the end of the history"
    );
    drop(ix);
    ws.close().await;
}

/// The 3,000-item demo organisation ending 120 days after `T0`, in `dir`, and a moment a day
/// after its end to ask about it.
async fn demo_3000(dir: &std::path::Path) -> (Workspace, i64) {
    let end = T0 + 120 * D;
    let ws = demo::build(
        &dir.join("demo.baton"),
        &demo::DemoOptions {
            items: 3_000,
            seed: demo::DEFAULT_SEED,
            end,
        },
    )
    .await
    .unwrap();
    (ws, end + D)
}

/// Statements run as one write with the transitions they record, naming `changed` as the items
/// changed (what a sync page that moves items between teams and states does).
struct RawPage {
    sql: Vec<String>,
    transitions: Vec<Transition>,
    changed: Vec<String>,
}

impl baton_core::graph::WriteOp for RawPage {
    type Output = ();
    type Error = baton_core::CoreError;

    async fn apply(
        self,
        w: &mut baton_core::graph::Writer<'_>,
    ) -> Result<(), baton_core::CoreError> {
        for sql in &self.sql {
            sqlx::query(sql).execute(&mut *w.conn()).await?;
        }
        baton_core::graph::repo::transitions::insert_many(w.conn(), &self.transitions).await?;
        w.items_changed(self.changed);
        Ok(())
    }
}

/// The team cycle times followed item by item (the finished items a page moved to another team,
/// reopened or closed taken out of their team's sorted times and put back where they now
/// count) are the ones learnt from every item, value for value.
#[tokio::test]
async fn followed_team_cycle_times_equal_those_learnt_from_every_item() {
    use baton_core::deps::graph::Facts;
    use baton_core::flow::{FlowFilter, Mapping, Scope};
    let dir = tempfile::tempdir().unwrap();
    let (ws, now) = demo_3000(dir.path()).await;
    let rows = baton_core::graph::repo::workflow_maps::list(ws.pool())
        .await
        .unwrap();
    let filter = FlowFilter::default();
    let (mut facts, generation, moved, reopened, closed) = {
        let ix = ws.index().await.unwrap();
        let mapping = Mapping::build(&ix, &rows);
        let scope = Scope::resolve(&ix, &filter, now).unwrap();
        let facts = Facts::gather(&ix, &mapping, &scope);
        let counted: Vec<String> = (0..ix.items.len())
            .filter(|&i| facts.cycle_slot[i] != baton_core::graph::index::NONE)
            .map(|i| ix.item_ids[i].to_owned())
            .collect();
        assert!(counted.len() > 60, "the demo finished items in the range");
        let open: Vec<String> = (0..ix.items.len())
            .filter(|&i| !facts.closed(i as u32) && facts.start[i].is_some())
            .take(20)
            .map(|i| ix.item_ids[i].to_owned())
            .collect();
        assert_eq!(open.len(), 20);
        let moved = counted
            .iter()
            .step_by(3)
            .take(20)
            .cloned()
            .collect::<Vec<_>>();
        let reopened = counted
            .iter()
            .skip(1)
            .step_by(3)
            .take(20)
            .cloned()
            .collect();
        (facts, ix.generation, moved, reopened, open)
    };
    let before = facts.team_cycles.clone();
    // Within the demo's last day, so the range (which ends on the latest update's day) stays.
    let at = now - D - 3_600_000;
    let ids = |v: &[String]| {
        v.iter()
            .map(|id| format!("'{id}'"))
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut sql = vec![format!(
        "UPDATE items SET team_id = (SELECT t.id FROM teams t WHERE t.id IS NOT items.team_id
           ORDER BY t.id LIMIT 1) WHERE id IN ({})",
        ids(&moved)
    )];
    let mut transitions = Vec::new();
    for (list, flow) in [(&reopened, "active"), (&closed, "done")] {
        for id in list {
            let (from, to): (String, String) = sqlx::query_as(&format!(
                "SELECT i.raw_state, (SELECT d.raw_state FROM items d WHERE d.source_id = i.source_id
                   AND d.flow_state = '{flow}' ORDER BY d.id LIMIT 1) FROM items i WHERE i.id = ?1"
            ))
            .bind(id)
            .fetch_one(ws.pool())
            .await
            .unwrap();
            sql.push(format!(
                "UPDATE items SET raw_state = '{to}', flow_state = '{flow}', updated_at = {at}
                 WHERE id = '{id}'"
            ));
            transitions.push(Transition {
                item_id: id.clone(),
                event_id: format!("moved-{id}"),
                kind: TransitionKind::State,
                from_state: Some(from),
                to_state: to,
                at,
                actor_id: None,
            });
        }
    }
    let changed = moved
        .iter()
        .chain(&reopened)
        .chain(&closed)
        .cloned()
        .collect();
    ws.write(RawPage {
        sql,
        transitions,
        changed,
    })
    .await
    .unwrap();

    let ix = ws.index().await.unwrap();
    let changed = ix
        .changed_since(generation)
        .expect("the index followed the page item by item");
    assert!(
        changed.len() >= 60,
        "the items the page wrote are read again"
    );
    let mapping = Mapping::build(&ix, &rows);
    let later = now + 3_600_000;
    let scope = Scope::resolve(&ix, &filter, later).unwrap();
    assert_eq!(
        scope.from, facts.cycles_from,
        "the same range start: the cycle times are followed, not learnt anew"
    );
    assert!(facts.follow(&ix, &mapping, &scope, &changed));
    let fresh = Facts::gather(&ix, &mapping, &scope);
    assert_eq!(facts.finish, fresh.finish, "deliveries");
    assert_eq!(
        facts.late, fresh.late,
        "the items whose timelines reach past the instant"
    );
    assert_eq!(
        facts.cycle_slot, fresh.cycle_slot,
        "where each cycle time counts"
    );
    assert_eq!(
        facts.team_cycles, fresh.team_cycles,
        "each team's sorted cycle times"
    );
    assert_eq!(
        (&facts.team_p50, &facts.team_p85, &facts.team_samples),
        (&fresh.team_p50, &fresh.team_p85, &fresh.team_samples)
    );
    assert_ne!(before, fresh.team_cycles, "the page moved cycle times");
    drop(ix);
    ws.close().await;
}
