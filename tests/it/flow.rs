//! Flow metrics on a hand-built history whose every number was worked out by hand
//! (the derivations are in the comments), plus properties on generated data.

use baton_core::demo::{self, DemoGraph, DemoOptions};
use baton_core::flow::{self, CycleRule, FlowFilter, Stage};
use baton_core::graph::model::*;
use baton_core::graph::Workspace;

/// Monday 2026-03-02T00:00:00Z.
const T0: i64 = 1_772_409_600_000;
const H: i64 = 3_600_000;
const D: i64 = 24 * H;

fn item(id: &str, team: &str, kind: ItemKind, created: i64, state: &str) -> WorkItem {
    WorkItem {
        id: id.into(),
        source_id: "jira".into(),
        external_id: id.into(),
        key: id.to_uppercase(),
        url: format!("https://acme.atlassian.net/browse/{id}"),
        kind,
        title: format!("Item {id}"),
        team_id: Some(team.into()),
        owner_id: None,
        author_id: None,
        provenance: Provenance::Human,
        provenance_agent: None,
        provenance_confidence: 1.0,
        raw_state: state.into(),
        flow_state: FlowState::New,
        wait_reason: None,
        intent_id: None,
        priority: None,
        created_at: created,
        started_at: None,
        done_at: None,
        updated_at: created,
    }
}

/// (item, at, kind, to) changes; event ids are their positions.
fn changes(list: &[(&str, i64, TransitionKind, &str)]) -> Vec<Transition> {
    list.iter()
        .enumerate()
        .map(|(n, (item, at, kind, to))| Transition {
            item_id: (*item).into(),
            event_id: format!("h{n}"),
            kind: *kind,
            from_state: None,
            to_state: (*to).into(),
            at: *at,
            actor_id: None,
        })
        .collect()
}

/// Team A: a1 (rework), a2 (reopened), a3 (blocked inside active work), a4 (never started),
/// a5 (canceled), a6 (in progress at the end). Team B: b1 (same-day), b2 (unmapped state).
fn history() -> DemoGraph {
    use TransitionKind::{Flag, State};
    let maps = [
        ("Backlog", FlowState::New, None),
        ("Ready", FlowState::Waiting, Some(WaitReason::Queue)),
        ("In Progress", FlowState::Active, None),
        ("In Review", FlowState::Waiting, Some(WaitReason::Review)),
        ("Done", FlowState::Done, None),
        ("Won't Do", FlowState::Canceled, None),
    ];
    DemoGraph {
        sources: vec![Source {
            id: "jira".into(),
            kind: SourceKind::Jira,
            name: "Jira".into(),
            base_url: "https://acme.atlassian.net".into(),
            scope: "{}".into(),
            secret_ref: None,
            poll_interval_s: 600,
            enabled: true,
            synthetic: true,
            created_at: T0,
        }],
        teams: vec![
            Team {
                id: "a".into(),
                name: "Alpha".into(),
            },
            Team {
                id: "b".into(),
                name: "Beta".into(),
            },
        ],
        workflow_maps: maps
            .iter()
            .map(|(raw, flow, reason)| WorkflowMap {
                source_id: "jira".into(),
                team_id: String::new(),
                scope: String::new(),
                raw_state: (*raw).into(),
                flow_state: *flow,
                wait_reason: *reason,
                origin: "inferred".into(),
            })
            .collect(),
        items: vec![
            item("a1", "a", ItemKind::Feature, T0, "Done"),
            item("a2", "a", ItemKind::Defect, T0, "Done"),
            item("a3", "a", ItemKind::Feature, T0 + D, "Done"),
            item("a4", "a", ItemKind::Task, T0, "Ready"),
            item("a5", "a", ItemKind::Task, T0, "Won't Do"),
            item("a6", "a", ItemKind::Feature, T0 + 2 * D, "In Review"),
            item("b1", "b", ItemKind::Task, T0 + 3 * D + 10 * H, "Done"),
            item("b2", "b", ItemKind::Task, T0, "Done"),
        ],
        transitions: changes(&[
            ("a1", T0 + D, State, "Ready"),
            ("a1", T0 + 2 * D, State, "In Progress"),
            ("a1", T0 + 4 * D, State, "In Review"),
            ("a1", T0 + 5 * D, State, "In Progress"),
            ("a1", T0 + 6 * D, State, "Done"),
            ("a2", T0 + D, State, "In Progress"),
            ("a2", T0 + 3 * D, State, "Done"),
            ("a2", T0 + 5 * D, State, "In Progress"),
            ("a2", T0 + 8 * D, State, "Done"),
            ("a3", T0 + 2 * D, State, "Ready"),
            ("a3", T0 + 3 * D, State, "In Progress"),
            ("a3", T0 + 4 * D, Flag, "blocked"),
            ("a3", T0 + 6 * D, Flag, "unblocked"),
            ("a3", T0 + 7 * D, State, "Done"),
            ("a4", T0 + 2 * D, State, "Ready"),
            ("a5", T0 + D, State, "In Progress"),
            ("a5", T0 + 3 * D, State, "Won't Do"),
            ("a6", T0 + 3 * D, State, "In Progress"),
            ("a6", T0 + 9 * D, State, "In Review"),
            ("b1", T0 + 3 * D + 10 * H, State, "In Progress"),
            ("b1", T0 + 3 * D + 15 * H, State, "Done"),
            ("b2", T0 + D, State, "Foo"),
            ("b2", T0 + 2 * D, State, "Done"),
        ]),
        ..DemoGraph::default()
    }
}

async fn workspace(dir: &std::path::Path) -> Workspace {
    let ws = Workspace::create(&dir.join("flow.baton")).await.unwrap();
    demo::write(&ws, &history()).await.unwrap();
    ws
}

/// The ten days 2026-03-02 ..= 2026-03-11, measured at their end.
fn ten_days() -> FlowFilter {
    FlowFilter {
        from: Some("2026-03-02".into()),
        to: Some("2026-03-11".into()),
        ..FlowFilter::default()
    }
}

const NOW: i64 = T0 + 10 * D;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[tokio::test]
async fn cycle_lead_throughput_and_percentiles_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let r = flow::flow_report(&ws, &ten_days(), NOW).await.unwrap();
    assert_eq!(r.range.dates.len(), 10);
    assert_eq!(
        (r.items, r.skipped),
        (7, 1),
        "b2 passes through the unmapped state Foo and is left out"
    );
    // Finished in the range: a1 day 6, a2 day 8 (last entry into done), a3 day 7, b1 day 3.
    assert_eq!(r.throughput_daily, vec![0, 0, 0, 1, 0, 0, 1, 1, 1, 0]);
    assert_eq!(r.throughput_total, 4);
    // Cycle times: a1 2d→6d = 4, a2 1d→8d = 7, a3 3d→7d = 4, b1 5 hours.
    // Sorted [0.208, 4, 4, 7]: p50 rank ceil(2) = 4; p85 rank ceil(3.4) = 7; p95 = 7.
    assert_eq!(r.cycle_time.count, 4);
    assert_eq!(
        (r.cycle_time.p50, r.cycle_time.p85, r.cycle_time.p95),
        (Some(4.0), Some(7.0), Some(7.0))
    );
    assert!(close(r.cycle_time.mean.unwrap(), (5.0 / 24.0 + 15.0) / 4.0));
    // Lead times: a1 6, a2 8, a3 6 (created day 1), b1 5 hours → p50 rank 2 = 6.
    assert_eq!(r.lead_time.p50, Some(6.0));
    let weeks: Vec<(String, u32)> = r
        .throughput_weekly
        .iter()
        .map(|w| (w.week.clone(), w.count))
        .collect();
    assert_eq!(
        weeks,
        vec![("2026-03-02".to_owned(), 2), ("2026-03-09".to_owned(), 2)],
        "weeks start on Monday: days 0-6, then 7-9"
    );
    let alpha = r
        .cycle_time_by_team
        .iter()
        .find(|t| t.team_name == "Alpha")
        .unwrap();
    assert_eq!(
        (alpha.cycle_time.count, alpha.cycle_time.p50),
        (3, Some(4.0))
    );
}

#[tokio::test]
async fn first_entry_rule_finishes_reopened_work_at_its_first_done() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let filter = FlowFilter {
        rule: CycleRule::FirstEntry,
        ..ten_days()
    };
    let r = flow::flow_report(&ws, &filter, NOW).await.unwrap();
    assert_eq!(
        r.throughput_daily,
        vec![0, 0, 0, 2, 0, 0, 1, 1, 0, 0],
        "a2 now finishes on day 3, with b1"
    );
    assert_eq!(
        r.cycle_time.p85,
        Some(4.0),
        "a2's cycle is 2 days: sorted [0.208, 2, 4, 4]"
    );
}

#[tokio::test]
async fn wip_and_cumulative_flow_at_the_end_of_each_day() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let r = flow::flow_report(&ws, &ten_days(), NOW).await.unwrap();
    // In the cycle at the end of day d: a1 [2,6) a2 [1,8) a3 [3,7) a5 [1,3) a6 [3,∞);
    // b1's 5-hour cycle never spans a day's end.
    assert_eq!(r.wip_daily, vec![2, 3, 4, 4, 4, 3, 2, 1, 1, 1]);
    let band = |state: FlowState| {
        r.cfd
            .iter()
            .find(|b| b.state == state)
            .unwrap()
            .counts
            .clone()
    };
    assert_eq!(
        band(FlowState::Done),
        vec![0, 0, 1, 2, 1, 2, 3, 4, 4, 4],
        "a2 leaves done when reopened on day 5"
    );
    assert_eq!(
        band(FlowState::Canceled),
        vec![0, 0, 1, 1, 1, 1, 1, 1, 1, 1]
    );
    assert_eq!(
        band(FlowState::Waiting),
        vec![1, 2, 1, 3, 2, 1, 1, 1, 2, 2],
        "the blocked flag makes a3 wait on days 4-5"
    );
    assert_eq!(band(FlowState::Active), vec![2, 3, 3, 1, 3, 3, 2, 1, 0, 0]);
    assert_eq!(band(FlowState::New), vec![2, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    let existing = [5, 6, 6, 7, 7, 7, 7, 7, 7, 7];
    for (d, expected) in existing.iter().enumerate() {
        let sum: u32 = r.cfd.iter().map(|b| b.counts[d]).sum();
        assert_eq!(
            sum, *expected,
            "bands sum to the items that exist at the end of day {d}"
        );
    }
}

#[tokio::test]
async fn efficiency_aging_distribution_and_notes() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let r = flow::flow_report(&ws, &ten_days(), NOW).await.unwrap();
    // Active / waiting inside each cycle: a1 3/1, a2 5/2 (its 2 done days count as waiting),
    // a3 2/2 (the blocked days inside active work count once, as waiting), b1 5h/0.
    let active = 10.0 + 5.0 / 24.0;
    assert!(close(r.efficiency.active_days, active));
    assert!(close(r.efficiency.waiting_days, 5.0));
    assert!(close(
        r.efficiency.aggregate.unwrap(),
        active / (active + 5.0)
    ));
    assert_eq!(
        r.efficiency.histogram,
        vec![0, 0, 0, 0, 0, 1, 0, 2, 0, 1],
        "0.5, 0.71, 0.75, 1.0"
    );
    // a6 started on day 3 and is in review at the end: 7 days old, older than or equal to
    // every finished cycle.
    assert_eq!(r.in_progress, 1);
    let a6 = &r.aging[0];
    assert_eq!(
        (a6.item.id.as_str(), a6.stage, a6.age_days, a6.pace),
        ("a6", Stage::Review, 7.0, Some(100.0))
    );
    assert_eq!(a6.item.title, "Item a6", "titles are filled in");
    let feature = r
        .distribution
        .iter()
        .find(|k| k.kind == ItemKind::Feature)
        .unwrap();
    assert_eq!((feature.finished, feature.in_progress), (2, 1));
    let note = r
        .notes
        .iter()
        .find(|n| n.code == "unmapped_state")
        .expect("the unmapped state is reported");
    assert_eq!((note.items, note.raw_state.as_deref()), (1, Some("Foo")));
    assert!(note.message.contains("1 item skipped"), "{}", note.message);
}

#[tokio::test]
async fn days_follow_the_chosen_time_zone() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    // b1 finished at 15:00 UTC on day 3: 01:00 the next day in UTC+10.
    let utc = flow::flow_report(&ws, &ten_days(), NOW).await.unwrap();
    let sydney = flow::flow_report(
        &ws,
        &FlowFilter {
            utc_offset_minutes: 600,
            ..ten_days()
        },
        NOW,
    )
    .await
    .unwrap();
    assert_eq!(utc.throughput_daily[3], 1);
    assert_eq!(sydney.throughput_daily[3], 0);
    assert_eq!(
        sydney.throughput_daily[4], 1,
        "the same finish falls on the next local day"
    );
    assert_eq!(sydney.throughput_total, 4);
}

#[tokio::test]
async fn mapping_a_state_brings_its_items_back_without_a_resync() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let mut conn = ws.pool().acquire().await.unwrap();
    baton_core::graph::repo::workflow_maps::upsert_many(
        &mut conn,
        &[WorkflowMap {
            source_id: "jira".into(),
            team_id: String::new(),
            scope: String::new(),
            raw_state: "Foo".into(),
            flow_state: FlowState::Active,
            wait_reason: None,
            origin: "user".into(),
        }],
    )
    .await
    .unwrap();
    drop(conn);
    let r = flow::flow_report(&ws, &ten_days(), NOW).await.unwrap();
    assert_eq!((r.items, r.skipped), (8, 0));
    assert!(r.notes.iter().all(|n| n.code != "unmapped_state"));
    // b2: Foo (active) from day 1, done day 2 → a 1-day cycle, finished on day 2.
    assert_eq!(r.throughput_daily[2], 1);
}

#[tokio::test]
async fn bottlenecks_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let r = flow::bottleneck_report(&ws, &ten_days(), NOW)
        .await
        .unwrap();
    let alpha = r.matrix.iter().find(|t| t.team_name == "Alpha").unwrap();
    let cell = |stage: Stage| alpha.cells.iter().find(|c| c.stage == stage).unwrap();
    // Queue: a1 1d, a3 1d, a4 8d (Ready from day 2 to the end) → total 10, median rank 2 of [1,1,8] = 1.
    assert_eq!(
        (
            cell(Stage::Queue).total_days,
            cell(Stage::Queue).median_days,
            cell(Stage::Queue).items
        ),
        (10.0, Some(1.0), 3)
    );
    // Active: a1 3, a2 5, a3 2, a5 2, a6 6 → 18.
    assert_eq!(cell(Stage::Active).total_days, 18.0);
    assert_eq!(cell(Stage::Blocked).total_days, 2.0, "a3's flagged days");
    assert_eq!(
        cell(Stage::Review).total_days,
        2.0,
        "a1 one day, a6 its last day"
    );
    let top = &r.wait_reasons[0];
    assert_eq!(top.stage, Stage::Queue, "most waiting is in the queue");
    assert!(close(top.share, 10.0 / 14.0));
    assert_eq!(top.examples[0].item.id, "a4");
    assert_eq!(top.examples[0].item.title, "Item a4");
}

#[tokio::test]
async fn generated_data_keeps_the_flow_invariants() {
    let dir = tempfile::tempdir().unwrap();
    let end = T0 + 200 * D;
    let ws = demo::build(
        &dir.path().join("demo.baton"),
        &DemoOptions {
            items: 3_000,
            seed: 7,
            end,
        },
    )
    .await
    .unwrap();
    let filter = FlowFilter {
        from: Some("2025-06-01".into()),
        to: Some("2026-09-30".into()),
        ..FlowFilter::default()
    };
    let r = flow::flow_report(&ws, &filter, end).await.unwrap();
    let ix = ws.index().await.unwrap();
    for (d, date) in r.range.dates.iter().enumerate() {
        let day_end = baton_core::time::parse_rfc3339(&format!("{date}T00:00:00Z")).unwrap() + D;
        let existing = ix
            .items
            .iter()
            .filter(|i| i.created < day_end.min(end))
            .count() as u32;
        let sum: u32 = r.cfd.iter().map(|b| b.counts[d]).sum();
        assert_eq!(
            sum,
            existing - r.skipped.min(existing),
            "CFD bands sum to the items that exist on {date}"
        );
    }
    assert_eq!(r.throughput_daily.iter().sum::<u32>(), r.throughput_total);
    assert_eq!(
        r.throughput_total as usize,
        ix.items
            .iter()
            .filter(|i| i.flow == FlowState::Done)
            .count(),
        "over the whole history, every done item finished once (last-entry rule)"
    );
    assert_eq!(
        r.throughput_weekly.iter().map(|w| w.count).sum::<u32>(),
        r.throughput_total,
        "weeks add up to days"
    );
    // Little's law over a window in the middle of the history: average WIP ≈ throughput ×
    // average cycle time, within 15% (edges, cancellations and daily sampling).
    let mid = FlowFilter {
        from: Some("2026-05-01".into()),
        to: Some("2026-07-31".into()),
        ..FlowFilter::default()
    };
    let m = flow::flow_report(&ws, &mid, end).await.unwrap();
    let law = &m.littles_law;
    let predicted = law.predicted_wip.unwrap();
    assert!(
        (law.average_wip - predicted).abs() / predicted < 0.15,
        "Little's law: average WIP {:.1} vs throughput {:.2}/day x cycle {:.1}d = {:.1}",
        law.average_wip,
        law.throughput_per_day,
        law.average_cycle_days.unwrap(),
        predicted
    );
}

async fn drill_ids(ws: &Workspace, selection: flow::FlowSelection) -> Vec<String> {
    let items = flow::flow_items(ws, &ten_days(), &selection, NOW)
        .await
        .unwrap();
    assert_eq!(items.total as usize, items.items.len());
    let mut ids: Vec<String> = items.items.into_iter().map(|i| i.item.id).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn a_click_lists_exactly_the_items_behind_the_number() {
    use flow::FlowSelection as S;
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    assert_eq!(
        drill_ids(
            &ws,
            S::FinishedOn {
                day: "2026-03-05".into()
            }
        )
        .await,
        ["b1"]
    );
    assert_eq!(drill_ids(&ws, S::Finished).await, ["a1", "a2", "a3", "b1"]);
    assert_eq!(
        drill_ids(
            &ws,
            S::FinishedInWeek {
                week: "2026-03-09".into()
            }
        )
        .await,
        ["a2", "a3"]
    );
    assert_eq!(
        drill_ids(
            &ws,
            S::InStateAt {
                day: "2026-03-05".into(),
                state: FlowState::Waiting
            }
        )
        .await,
        ["a1", "a3", "a4"],
        "the Waiting band of day 3 counts 3"
    );
    assert_eq!(
        drill_ids(
            &ws,
            S::InProgressAt {
                day: "2026-03-04".into()
            }
        )
        .await,
        ["a1", "a2", "a3", "a6"],
        "WIP of day 2 is 4"
    );
    assert_eq!(
        drill_ids(
            &ws,
            S::InProgressInStage {
                stage: Stage::Review
            }
        )
        .await,
        ["a6"]
    );
    assert_eq!(
        drill_ids(
            &ws,
            S::TimeInStage {
                team_id: "a".into(),
                stage: Stage::Queue
            }
        )
        .await,
        ["a1", "a3", "a4"]
    );
    assert_eq!(
        drill_ids(
            &ws,
            S::WaitingIn {
                stage: Stage::Blocked
            }
        )
        .await,
        ["a3"]
    );
    assert_eq!(
        drill_ids(&ws, S::EfficiencyBand { band: 7 }).await,
        ["a1", "a2"]
    );
    assert_eq!(
        drill_ids(
            &ws,
            S::FinishedKind {
                kind: ItemKind::Feature
            }
        )
        .await,
        ["a1", "a3"]
    );
    let top = flow::flow_items(&ws, &ten_days(), &S::Finished, NOW)
        .await
        .unwrap();
    assert_eq!(
        (top.items[0].item.id.as_str(), top.items[0].days),
        ("a2", 7.0),
        "longest first"
    );
    assert_eq!(top.items[0].item.title, "Item a2");
}

#[tokio::test]
async fn drill_downs_agree_with_the_charts_on_generated_data() {
    use flow::FlowSelection as S;
    let dir = tempfile::tempdir().unwrap();
    let end = T0 + 200 * D;
    let ws = demo::build(
        &dir.path().join("demo.baton"),
        &DemoOptions {
            items: 800,
            seed: 11,
            end,
        },
    )
    .await
    .unwrap();
    let filter = FlowFilter {
        from: Some("2026-06-01".into()),
        to: Some("2026-06-30".into()),
        ..FlowFilter::default()
    };
    let r = flow::flow_report(&ws, &filter, end).await.unwrap();
    for (d, date) in r.range.dates.iter().enumerate().step_by(7) {
        let done = flow::flow_items(&ws, &filter, &S::FinishedOn { day: date.clone() }, end)
            .await
            .unwrap();
        assert_eq!(done.total, r.throughput_daily[d], "throughput of {date}");
        let wip = flow::flow_items(&ws, &filter, &S::InProgressAt { day: date.clone() }, end)
            .await
            .unwrap();
        assert_eq!(wip.total, r.wip_daily[d], "WIP of {date}");
        for band in &r.cfd {
            let cell = flow::flow_items(
                &ws,
                &filter,
                &S::InStateAt {
                    day: date.clone(),
                    state: band.state,
                },
                end,
            )
            .await
            .unwrap();
            assert_eq!(
                cell.total, band.counts[d],
                "{:?} band of {date}",
                band.state
            );
        }
    }
    let b = flow::bottleneck_report(&ws, &filter, end).await.unwrap();
    for team in &b.matrix {
        for cell in &team.cells {
            let items = flow::flow_items(
                &ws,
                &filter,
                &S::TimeInStage {
                    team_id: team.team_id.clone(),
                    stage: cell.stage,
                },
                end,
            )
            .await
            .unwrap();
            assert_eq!(
                items.total, cell.items,
                "{} / {:?}",
                team.team_name, cell.stage
            );
        }
    }
    for cluster in &b.blocker_clusters {
        let items = flow::flow_items(
            &ws,
            &filter,
            &S::BlockedBy {
                team_id: cluster.team_id.clone(),
            },
            end,
        )
        .await
        .unwrap();
        assert_eq!(
            items.total, cluster.blocked_items,
            "blocked by {}",
            cluster.team_name
        );
    }
}

#[tokio::test]
async fn the_workflow_screen_lists_and_changes_mappings() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let rows = flow::workflow_list(&ws).await.unwrap();
    let foo = rows.iter().find(|r| r.raw_state == "Foo").unwrap();
    assert_eq!(
        (foo.origin, foo.flow_state, foo.transitions),
        (flow::MappingOrigin::Unmapped, None, 1)
    );
    let review = rows.iter().find(|r| r.raw_state == "In Review").unwrap();
    assert_eq!(
        (review.origin, review.items_now),
        (flow::MappingOrigin::Seeded, 1)
    );
    // Team b treats "In Review" as active work (pairing reviews).
    let change = flow::WorkflowChange {
        source_id: "jira".into(),
        team_id: "b".into(),
        scope: String::new(),
        raw_state: "In Review".into(),
        flow_state: Some(FlowState::Active),
        wait_reason: None,
    };
    flow::workflow_set(&ws, &change).await.unwrap();
    let rows = flow::workflow_list(&ws).await.unwrap();
    assert!(rows.iter().any(|r| r.raw_state == "In Review"
        && r.team_id == "b"
        && r.origin == flow::MappingOrigin::User));
    let bad = flow::WorkflowChange {
        wait_reason: Some(WaitReason::Review),
        ..change.clone()
    };
    assert_eq!(
        flow::workflow_set(&ws, &bad).await.unwrap_err().code(),
        "invalid",
        "a wait reason needs a waiting state"
    );
    // Mapping "In Review" to active for everyone re-derives a6's current state without a resync.
    let everyone = flow::WorkflowChange {
        team_id: String::new(),
        scope: String::new(),
        ..change
    };
    flow::workflow_set(&ws, &everyone).await.unwrap();
    let s = baton_core::query::workspace_summary(&ws).await.unwrap();
    let active = s
        .by_flow_state
        .iter()
        .find(|c| c.key == "active")
        .unwrap()
        .count;
    assert_eq!(active, 1, "a6's stored state follows the new mapping");
    let r = flow::flow_report(&ws, &ten_days(), NOW).await.unwrap();
    assert_eq!(r.aging[0].stage, Stage::Active, "and so does the flow");
}

#[tokio::test]
async fn an_intent_filter_takes_the_items_of_its_descendants() {
    let dir = tempfile::tempdir().unwrap();
    let end = T0 + 200 * D;
    let ws = demo::build(
        &dir.path().join("demo.baton"),
        &DemoOptions {
            items: 1_000,
            seed: 3,
            end,
        },
    )
    .await
    .unwrap();
    let ix = ws.index().await.unwrap();
    let goal = ix
        .intent_parents
        .iter()
        .position(|p| p.is_none())
        .expect("a goal") as u32;
    let initiatives: Vec<u32> = (0..ix.intents.len() as u32)
        .filter(|i| ix.intent_parents[*i as usize] == Some(goal))
        .collect();
    assert!(!initiatives.is_empty(), "the demo's goals have initiatives");
    let expected = ix
        .items
        .iter()
        .filter(|i| i.created <= end && (i.intent == goal || initiatives.contains(&i.intent)))
        .count() as u32;
    let filter = FlowFilter {
        intents: vec![ix.intents[goal as usize].id.clone()],
        ..FlowFilter::default()
    };
    let r = flow::flow_report(&ws, &filter, end).await.unwrap();
    assert_eq!(
        r.items + r.skipped,
        expected,
        "a goal's filter takes the items of its initiatives"
    );
    assert!(expected > 0);
}

#[tokio::test]
async fn last_days_rolls_forward_with_the_calendar() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let filter = FlowFilter {
        last_days: Some(10),
        from: Some("2020-01-01".into()),
        ..FlowFilter::default()
    };
    let r = flow::flow_report(&ws, &filter, NOW + 5 * H).await.unwrap();
    assert_eq!(
        (r.range.from.as_str(), r.range.to.as_str()),
        ("2026-03-03", "2026-03-12"),
        "the ten days up to today; from/to are ignored"
    );
    let later = flow::flow_report(&ws, &filter, NOW + 3 * D).await.unwrap();
    assert_eq!(
        later.range.to, "2026-03-15",
        "three days later the range has moved with the calendar"
    );
}

#[tokio::test]
async fn odd_histories_get_a_defined_treatment_and_a_note() {
    use TransitionKind::State;
    let dir = tempfile::tempdir().unwrap();
    let mut g = history();
    // o1: recorded out of order (the later change first), o2: a change dated before the item's
    // creation, o3: the same state twice under two event ids.
    g.items.push(item("o1", "a", ItemKind::Task, T0, "Done"));
    g.items
        .push(item("o2", "a", ItemKind::Task, T0 + 2 * D, "Done"));
    g.items.push(item("o3", "a", ItemKind::Task, T0, "Done"));
    let odd = |id: &str, event: &str, at: i64, to: &str| Transition {
        item_id: id.into(),
        event_id: event.into(),
        kind: State,
        from_state: None,
        to_state: to.into(),
        at,
        actor_id: None,
    };
    g.transitions.extend([
        odd("o1", "x2", T0 + 3 * D, "Done"),
        odd("o1", "x1", T0 + D, "In Progress"),
        odd("o2", "y1", T0 + D, "In Progress"),
        odd("o2", "y2", T0 + 4 * D, "Done"),
        odd("o3", "z1", T0 + D, "In Progress"),
        odd("o3", "z2", T0 + 2 * D, "In Progress"),
        odd("o3", "z3", T0 + 3 * D, "Done"),
        // The same event delivered twice (a re-sync) is stored once.
        odd("o3", "z3", T0 + 3 * D, "Done"),
    ]);
    let ws = Workspace::create(&dir.path().join("odd.baton"))
        .await
        .unwrap();
    demo::write(&ws, &g).await.unwrap();
    let r = flow::flow_report(&ws, &ten_days(), NOW).await.unwrap();
    let note = |code: &str| r.notes.iter().find(|n| n.code == code).map(|n| n.items);
    assert_eq!(
        note("out_of_order"),
        Some(1),
        "o1's changes are put in time order"
    );
    assert_eq!(
        note("before_creation"),
        Some(1),
        "o2's first change counts from its creation"
    );
    assert_eq!(
        note("repeated_state"),
        Some(1),
        "o3's second 'In Progress' changes nothing"
    );
    let finished = flow::flow_items(&ws, &ten_days(), &flow::FlowSelection::Finished, NOW)
        .await
        .unwrap();
    let cycle = |id: &str| {
        finished
            .items
            .iter()
            .find(|i| i.item.id == id)
            .map(|i| i.days)
    };
    assert_eq!(
        cycle("o1"),
        Some(2.0),
        "in time order: started day 1, done day 3"
    );
    assert_eq!(
        cycle("o2"),
        Some(2.0),
        "started at creation (day 2), done day 4"
    );
    assert_eq!(
        cycle("o3"),
        Some(2.0),
        "the repeated state does not restart the cycle"
    );
    let s = baton_core::query::workspace_summary(&ws).await.unwrap();
    assert_eq!(
        s.totals.transitions,
        23 + 7,
        "the duplicated event is stored once"
    );
}
