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
        estimate: None,
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
        decisions: Vec::new(),
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
                item_kind: None,
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

/// A past day's throughput and WIP are read from each item's whole history up to the range end,
/// so they can change when that end moves (docs/metrics.md, "Past days can change when the range
/// end moves"). a2 is started on day 1, done on day 3, reopened on day 5 and done again on day 8.
#[tokio::test]
async fn a_past_days_throughput_and_wip_change_when_the_range_end_moves() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let ending = |to: &str, rule: CycleRule| FlowFilter {
        to: Some(to.into()),
        rule,
        ..ten_days()
    };
    // Ending on day 3 (2026-03-05): a2 is done at the end of the range, finished on day 3.
    let short = flow::flow_report(&ws, &ending("2026-03-05", CycleRule::LastEntry), NOW)
        .await
        .unwrap();
    // Ending on day 9: a2 was reopened on day 5, so its day-3 finish is not its finish any more.
    let long = flow::flow_report(&ws, &ending("2026-03-11", CycleRule::LastEntry), NOW)
        .await
        .unwrap();
    assert_eq!(short.range.dates[3], long.range.dates[3]);
    assert_eq!(
        (short.throughput_daily[3], long.throughput_daily[3]),
        (2, 1),
        "day 3: a2 and b1 finish in the short range, only b1 in the long one"
    );
    assert_eq!(
        (short.wip_daily[3], long.wip_daily[3]),
        (3, 4),
        "at the end of day 3 a2 is finished in the short range, in progress in the long one"
    );
    // Under the first-entry rule a finish never moves: day 3 reads the same for both ends.
    let short = flow::flow_report(&ws, &ending("2026-03-05", CycleRule::FirstEntry), NOW)
        .await
        .unwrap();
    let long = flow::flow_report(&ws, &ending("2026-03-11", CycleRule::FirstEntry), NOW)
        .await
        .unwrap();
    assert_eq!(
        (short.throughput_daily[3], long.throughput_daily[3]),
        (2, 2)
    );
    assert_eq!((short.wip_daily[3], long.wip_daily[3]), (3, 3));
}

#[tokio::test]
async fn wip_and_cumulative_flow_at_the_end_of_each_day() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let r = flow::flow_report(&ws, &ten_days(), NOW).await.unwrap();
    // Every change of this history is at a midnight, which belongs to the day it starts (days
    // are half-open): a change at the start of day k is in force at the end of day k, not k-1.
    // In the cycle at the end of day d: a1 [2,6) a2 [1,8) a3 [3,7) a5 [1,3) a6 [3,∞);
    // b1's 5-hour cycle never spans a day's end.
    assert_eq!(r.wip_daily, vec![0, 2, 3, 4, 4, 4, 3, 2, 1, 1]);
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
        vec![0, 0, 0, 2, 2, 1, 2, 3, 4, 4],
        "a2 and b1 are done from day 3; a2 leaves done when reopened on day 5"
    );
    assert_eq!(
        band(FlowState::Canceled),
        vec![0, 0, 0, 1, 1, 1, 1, 1, 1, 1]
    );
    assert_eq!(
        band(FlowState::Waiting),
        vec![0, 1, 2, 1, 3, 2, 1, 1, 1, 2],
        "the blocked flag makes a3 wait on days 4-5"
    );
    assert_eq!(band(FlowState::Active), vec![0, 2, 3, 3, 1, 3, 3, 2, 1, 0]);
    assert_eq!(band(FlowState::New), vec![4, 2, 1, 0, 0, 0, 0, 0, 0, 0]);
    // a3 is created at the midnight that starts day 1: it exists from day 1.
    let existing = [4, 5, 6, 7, 7, 7, 7, 7, 7, 7];
    for (d, expected) in existing.iter().enumerate() {
        let sum: u32 = r.cfd.iter().map(|b| b.counts[d]).sum();
        assert_eq!(
            sum, *expected,
            "bands sum to the items that exist at the end of day {d}"
        );
    }
    // Little's law over the ten days. Finished: a1 4, a2 7, a3 4, b1 5 h → Σ 15 + 5/24 days,
    // predicted 1.52 a day. Not finished: a5 2 WIP days (canceled), a6 7 (open) → +0.9. None
    // started before the range. Sampled: Σ WIP 24 / 10 = 2.4; continuous 24 + 5/24 → −5/240.
    let law = &r.littles_law;
    let predicted = (15.0 + 5.0 / 24.0) / 10.0;
    assert!(close(law.predicted_wip.unwrap(), predicted));
    assert!(close(law.average_wip, 2.4));
    assert!(close(law.unfinished_wip, 0.9));
    assert!(close(law.carried_in_wip, 0.0));
    assert!(close(law.sampling, -5.0 / 240.0));
    assert_eq!(
        (
            law.started_before,
            law.open_at_end,
            law.canceled,
            law.reopened
        ),
        (0, 1, 1, 0)
    );
    assert!(close(law.gap.unwrap(), (2.4 - predicted) / predicted));
    assert!(law.large_gap, "a 58% gap is explained on the page");
    assert!(
        law.short_range,
        "10 days is shorter than twice the 85th-percentile cycle time (7 days)"
    );
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
            item_kind: None,
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
    assert!(
        top.examples
            .iter()
            .all(|e| e.in_range_days > 0.0 && e.in_range_days <= e.days + 1e-9),
        "an example's wait is whole, the part inside the range at most all of it"
    );
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
    // The demo parks a few items in a state no workflow map covers: they are left out.
    let rows = baton_core::graph::repo::workflow_maps::list(ws.pool())
        .await
        .unwrap();
    let mapping = flow::Mapping::build(&ix, &rows);
    let left_out = |i: usize| {
        let item = &ix.items[i];
        mapping
            .resolve(item.initial_state, item.team, item.kind)
            .is_none()
            || ix.events_of(i).iter().any(|e| {
                e.kind() == baton_core::graph::index::EventKind::State
                    && e.at <= end
                    && mapping.resolve(e.code(), item.team, item.kind).is_none()
            })
    };
    assert_eq!(
        r.skipped as usize,
        (0..ix.items.len()).filter(|i| left_out(*i)).count(),
        "the items left out are those in an unmapped state"
    );
    assert!(r.skipped > 0, "the demo has some");
    for (d, date) in r.range.dates.iter().enumerate() {
        let day_end = baton_core::time::parse_rfc3339(&format!("{date}T00:00:00Z")).unwrap() + D;
        let existing = (0..ix.items.len())
            // A range cut short by now holds what was recorded up to now, now included.
            .filter(|i| ix.items[*i].created < day_end.min(end + 1) && !left_out(*i))
            .count() as u32;
        let sum: u32 = r.cfd.iter().map(|b| b.counts[d]).sum();
        assert_eq!(
            sum, existing,
            "CFD bands sum to the items that exist on {date} (but those left out)"
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
    // Little's law over a window in the middle of the history: the two sides differ exactly by
    // the terms the page explains — cycle time before the range of items finished in it, WIP
    // time of items not finished in it — plus the daily sampling of WIP, which is small.
    let mid = FlowFilter {
        from: Some("2026-05-01".into()),
        to: Some("2026-07-31".into()),
        ..FlowFilter::default()
    };
    let m = flow::flow_report(&ws, &mid, end).await.unwrap();
    let law = &m.littles_law;
    let predicted = law.predicted_wip.unwrap();
    assert!(
        (law.average_wip - (predicted - law.carried_in_wip + law.unfinished_wip + law.sampling))
            .abs()
            < 1e-9,
        "average WIP = predicted − carried in + unfinished + sampling: {law:?}"
    );
    assert!(
        law.sampling.abs() < 0.02 * law.average_wip,
        "reading WIP once a day barely changes its average: {law:?}"
    );
    assert!(
        law.started_before > 0 && law.open_at_end > 0 && law.canceled > 0,
        "the demo has work started before the range, open at its end and canceled: {law:?}"
    );
    assert_eq!(law.open_at_end, m.in_progress);
    assert!(
        !law.short_range,
        "three months is long next to the demo's cycle times"
    );
    assert_eq!(
        law.large_gap,
        law.gap.unwrap().abs() > flow::LITTLES_LAW_LARGE_GAP
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
                day: "2026-03-06".into(),
                state: FlowState::Waiting
            }
        )
        .await,
        ["a1", "a3", "a4"],
        "the Waiting band of day 4 counts 3"
    );
    assert_eq!(
        drill_ids(
            &ws,
            S::InProgressAt {
                day: "2026-03-05".into()
            }
        )
        .await,
        ["a1", "a2", "a3", "a6"],
        "WIP of day 3 is 4"
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
            // The list shows each wait whole; the part inside the range adds up to the cell.
            assert!(items
                .items
                .iter()
                .all(|r| r.in_range_days.is_some_and(|part| part <= r.days + 1e-9)));
            if items.total as usize == items.items.len() {
                let in_range: f64 = items.items.iter().filter_map(|r| r.in_range_days).sum();
                assert!(
                    (in_range - cell.total_days).abs() < 1e-6,
                    "{} / {:?}: the parts inside the range add up to the cell ({in_range} vs {})",
                    team.team_name,
                    cell.stage,
                    cell.total_days
                );
            }
        }
    }
    let waits = flow::flow_items(
        &ws,
        &filter,
        &S::WaitingIn {
            stage: Stage::Queue,
        },
        end,
    )
    .await
    .unwrap();
    assert!(
        waits
            .items
            .iter()
            .any(|r| r.in_range_days.is_some_and(|part| r.days > part + 1.0)),
        "some wait began before the range and is shown whole, not cut at the range start"
    );
    let b = flow::bottleneck_report(&ws, &filter, end).await.unwrap();
    assert!(
        b.wait_reasons
            .iter()
            .flat_map(|w| &w.examples)
            .any(|e| e.days > e.in_range_days + 1.0),
        "the longest-waiting examples show whole waits too"
    );
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
        item_kind: None,
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
        item_kind: None,
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
    // Below the initiatives, their GitHub milestones.
    let milestones: Vec<u32> = (0..ix.intents.len() as u32)
        .filter(|i| ix.intent_parents[*i as usize].is_some_and(|p| initiatives.contains(&p)))
        .collect();
    assert!(
        !milestones.is_empty(),
        "the demo's initiatives have milestones"
    );
    let expected = ix
        .items
        .iter()
        .filter(|i| {
            i.created <= end
                && (i.intent == goal
                    || initiatives.contains(&i.intent)
                    || milestones.contains(&i.intent))
        })
        .count() as u32;
    let filter = FlowFilter {
        intents: vec![ix.intents[goal as usize].id.clone()],
        ..FlowFilter::default()
    };
    let r = flow::flow_report(&ws, &filter, end).await.unwrap();
    assert_eq!(
        r.items + r.skipped,
        expected,
        "a goal's filter takes the items of its initiatives and their milestones"
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

// ---------------------------------------------------------------------------------------------
// Day boundaries: a day is [00:00, next 00:00) in the chosen offset, for every number.

/// Local midnight that starts day `k` of a range beginning on 2026-03-02 in `offset` minutes.
fn midnight(k: i64, offset: i32) -> i64 {
    T0 + k * D - i64::from(offset) * 60_000
}

/// m1 starts and finishes at midnights; m2 is in review from a midnight and finishes at the
/// very midnight that ends the range; m3 is created and started at a midnight and finishes in
/// the last millisecond of that day; m4 starts at the first instant of the range and is
/// canceled at a midnight.
fn midnight_history(offset: i32) -> DemoGraph {
    use TransitionKind::State;
    let m = |k: i64| midnight(k, offset);
    DemoGraph {
        decisions: Vec::new(),
        items: vec![
            item("m1", "a", ItemKind::Feature, m(0) + 6 * H, "Done"),
            item("m2", "a", ItemKind::Feature, m(0) + 6 * H, "Done"),
            item("m3", "b", ItemKind::Task, m(5), "Done"),
            item("m4", "b", ItemKind::Task, m(0), "Won't Do"),
        ],
        transitions: changes(&[
            ("m1", m(2), State, "In Progress"),
            ("m1", m(4), State, "Done"),
            ("m2", m(1) + 5 * H, State, "In Progress"),
            ("m2", m(3), State, "In Review"),
            ("m2", m(10), State, "Done"),
            ("m3", m(5), State, "In Progress"),
            ("m3", m(6) - 1, State, "Done"),
            ("m4", m(0), State, "In Progress"),
            ("m4", m(3), State, "Won't Do"),
        ]),
        ..history()
    }
}

/// Every daily number of the Flow and Bottlenecks pages against the drill-down of the same day,
/// and the finished items against throughput, for any filter.
async fn assert_days_agree(ws: &Workspace, filter: &FlowFilter, now: i64) {
    use flow::FlowSelection as S;
    let r = flow::flow_report(ws, filter, now).await.unwrap();
    let b = flow::bottleneck_report(ws, filter, now).await.unwrap();
    let total = |selection: S| async move {
        flow::flow_items(ws, filter, &selection, now)
            .await
            .unwrap()
            .total
    };
    assert_eq!(
        r.throughput_daily.iter().sum::<u32>(),
        r.cycle_time.count,
        "every item with a cycle time finished on a day of the range"
    );
    assert_eq!(r.scatter.total, r.cycle_time.count);
    assert_eq!(total(S::Finished).await, r.cycle_time.count);
    for (d, date) in r.range.dates.iter().enumerate() {
        let day = || date.clone();
        assert_eq!(
            total(S::FinishedOn { day: day() }).await,
            r.throughput_daily[d],
            "throughput of {date}"
        );
        if !r.scatter.sampled {
            let points = r
                .scatter
                .points
                .iter()
                .filter(|p| p.finished == *date)
                .count();
            assert_eq!(
                points as u32, r.throughput_daily[d],
                "the scatter puts a finish on the day throughput counts it ({date})"
            );
        }
        assert_eq!(
            total(S::InProgressAt { day: day() }).await,
            r.wip_daily[d],
            "WIP of {date}"
        );
        for band in &r.cfd {
            assert_eq!(
                total(S::InStateAt {
                    day: day(),
                    state: band.state
                })
                .await,
                band.counts[d],
                "{:?} band of {date}",
                band.state
            );
        }
        for queue in &b.queues {
            assert_eq!(
                total(S::WaitingAt {
                    day: day(),
                    stage: queue.stage
                })
                .await,
                queue.counts[d],
                "{:?} queue of {date}",
                queue.stage
            );
        }
    }
}

#[tokio::test]
async fn a_change_at_midnight_belongs_to_the_day_it_starts_in_every_offset() {
    use flow::FlowSelection as S;
    for offset in [0, 330, -480] {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::create(&dir.path().join("midnight.baton"))
            .await
            .unwrap();
        demo::write(&ws, &midnight_history(offset)).await.unwrap();
        let filter = FlowFilter {
            utc_offset_minutes: offset,
            ..ten_days()
        };
        let now = midnight(13, offset);
        let r = flow::flow_report(&ws, &filter, now).await.unwrap();
        assert_eq!(
            r.range.as_of,
            baton_core::time::to_rfc3339(midnight(10, offset)),
            "UTC{offset:+}"
        );
        assert_eq!(
            r.throughput_daily,
            vec![0, 0, 0, 0, 1, 1, 0, 0, 0, 0],
            "m1 finishes on day 4 (at its first instant), m3 on day 5 (at its last); m2's \
             finish at the midnight ending the range is outside it (UTC{offset:+})"
        );
        assert_eq!(r.cycle_time.count, 2, "m2 is not finished in the range");
        let dates: Vec<(&str, &str)> = r
            .scatter
            .points
            .iter()
            .map(|p| (p.id.as_str(), p.finished.as_str()))
            .collect();
        assert_eq!(
            dates,
            [
                ("m1", r.range.dates[4].as_str()),
                ("m3", r.range.dates[5].as_str())
            ]
        );
        // WIP at the end of day d: m1 [2,4), m2 [1,∞), m3 none (its cycle ends inside day 5),
        // m4 [0,3).
        assert_eq!(
            r.wip_daily,
            vec![1, 2, 3, 2, 1, 1, 1, 1, 1, 1],
            "UTC{offset:+}"
        );
        let band = |state: FlowState| {
            r.cfd
                .iter()
                .find(|b| b.state == state)
                .unwrap()
                .counts
                .clone()
        };
        assert_eq!(band(FlowState::Done), vec![0, 0, 0, 0, 1, 2, 2, 2, 2, 2]);
        assert_eq!(
            band(FlowState::Canceled),
            vec![0, 0, 0, 1, 1, 1, 1, 1, 1, 1]
        );
        assert_eq!(
            band(FlowState::New)[5],
            0,
            "m3, created at a midnight, exists (and is already active) at the end of that day"
        );
        let b = flow::bottleneck_report(&ws, &filter, now).await.unwrap();
        let review = b.queues.iter().find(|q| q.stage == Stage::Review).unwrap();
        assert_eq!(
            review.counts,
            vec![0, 0, 0, 1, 1, 1, 1, 1, 1, 1],
            "m2 waits in review from the day its change at midnight starts"
        );
        let ids = |selection: S| {
            let ws = &ws;
            let filter = &filter;
            async move {
                let mut ids: Vec<String> = flow::flow_items(ws, filter, &selection, now)
                    .await
                    .unwrap()
                    .items
                    .into_iter()
                    .map(|i| i.item.id)
                    .collect();
                ids.sort();
                ids
            }
        };
        let date = |d: usize| r.range.dates[d].clone();
        assert_eq!(ids(S::FinishedOn { day: date(4) }).await, ["m1"]);
        assert!(ids(S::FinishedOn { day: date(9) }).await.is_empty());
        assert_eq!(ids(S::InProgressAt { day: date(3) }).await, ["m1", "m2"]);
        assert_eq!(ids(S::InProgressAt { day: date(9) }).await, ["m2"]);
        assert_eq!(
            ids(S::InProgressInStage {
                stage: Stage::Review
            })
            .await,
            ["m2"],
            "at the end of the range m2 is still in review"
        );
        assert!(ids(S::WaitingAt {
            day: date(2),
            stage: Stage::Review
        })
        .await
        .is_empty());
        assert_eq!(
            ids(S::WaitingAt {
                day: date(3),
                stage: Stage::Review
            })
            .await,
            ["m2"]
        );
        assert_days_agree(&ws, &filter, now).await;
    }
}

/// Local midnight at or before `t`.
fn floor_to_midnight(t: i64, offset: i32) -> i64 {
    let off = i64::from(offset) * 60_000;
    (t + off).div_euclid(D) * D - off
}

#[tokio::test]
async fn generated_changes_on_exact_midnights_keep_throughput_and_cycle_times_together() {
    let offset = 330;
    let end = T0 + 200 * D;
    let mut g = demo::generate(&DemoOptions {
        items: 1_500,
        seed: 21,
        end,
    });
    // Move every change, creation and link to the local midnight before it (order is kept).
    for t in &mut g.transitions {
        t.at = floor_to_midnight(t.at, offset);
    }
    for i in &mut g.items {
        i.created_at = floor_to_midnight(i.created_at, offset);
    }
    for l in &mut g.links {
        l.created_at = floor_to_midnight(l.created_at, offset);
        l.removed_at = l.removed_at.map(|r| floor_to_midnight(r, offset));
    }
    let filter = FlowFilter {
        from: Some("2026-06-01".into()),
        to: Some("2026-07-15".into()),
        utc_offset_minutes: offset,
        ..FlowFilter::default()
    };
    let range_end = floor_to_midnight(
        baton_core::time::parse_rfc3339("2026-07-16T12:00:00+05:30").unwrap(),
        offset,
    );
    let done_states = ["Done", "done", "merged", "Closed", "closed"];
    let finishing_at_the_end = g
        .transitions
        .iter()
        .filter(|t| {
            t.kind == TransitionKind::State
                && t.at == range_end
                && done_states.contains(&t.to_state.as_str())
        })
        .count();
    assert!(
        finishing_at_the_end > 0,
        "the data has finishes at exactly the midnight that ends the range"
    );
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::create(&dir.path().join("midnights.baton"))
        .await
        .unwrap();
    demo::write(&ws, &g).await.unwrap();
    let r = flow::flow_report(&ws, &filter, end).await.unwrap();
    assert_eq!(
        r.range.as_of,
        baton_core::time::to_rfc3339(range_end),
        "the range ends at a local midnight"
    );
    assert!(r.cycle_time.count > 100);
    assert_eq!(
        r.throughput_daily.iter().sum::<u32>(),
        r.cycle_time.count,
        "the sum of daily throughput is the number of cycle-time points in the range"
    );
    assert_days_agree(&ws, &filter, end).await;
    // The Intents page counts the range's finishes on the same half-open days: the throughput of
    // its whole set is the Flow page's.
    let intents = baton_core::intents::report::intents_report(
        &ws,
        &baton_core::intents::report::IntentsQuery {
            filter: filter.clone(),
            include_archived: false,
        },
        end,
    )
    .await
    .unwrap();
    assert_eq!(
        intents.unaligned.all_throughput,
        r.throughput_daily.iter().sum::<u32>(),
        "finishes at the midnight ending the range are in neither"
    );
    // Blocker clusters at the same midnight: a blocker finishing at exactly the range end, or
    // after it, was still open then.
    let done_since = assert_clusters_as_of(&ws, &g, &filter, end, range_end).await;
    assert!(
        done_since > 0,
        "blockers open at the range end are done today"
    );
}

// ---------------------------------------------------------------------------------------------
// "As of" questions are asked at the end of the range, not today.

#[tokio::test]
async fn blockers_count_by_their_state_at_the_end_of_the_range() {
    use TransitionKind::State;
    let mut g = history();
    // w1 waits in the queue from day 1. x1 (team b) blocks it and is finished on day 12, after
    // the range; x2 (team a) finished on day 5, inside it; x3 (team b) finishes at the very
    // midnight that ends the range, so it is still open at its end. Each is stored as done
    // today, as a sync would store it.
    g.items
        .push(item("w1", "a", ItemKind::Feature, T0, "Ready"));
    for (id, team) in [("x1", "b"), ("x2", "a"), ("x3", "b")] {
        let mut x = item(id, team, ItemKind::Task, T0, "Done");
        x.flow_state = FlowState::Done;
        g.items.push(x);
    }
    let more = changes(&[
        ("w1", T0 + D, State, "Ready"),
        ("x1", T0 + D, State, "In Progress"),
        ("x1", T0 + 12 * D, State, "Done"),
        ("x2", T0 + D, State, "In Progress"),
        ("x2", T0 + 5 * D, State, "Done"),
        ("x3", T0 + D, State, "In Progress"),
        ("x3", T0 + 10 * D, State, "Done"),
    ]);
    g.transitions
        .extend(more.into_iter().enumerate().map(|(n, mut t)| {
            t.event_id = format!("x{n}");
            t
        }));
    let blocks = |from: &str| Link {
        from_item_id: from.into(),
        to_item_id: "w1".into(),
        kind: LinkKind::Blocks,
        origin: LinkOrigin::Source,
        confidence: 1.0,
        created_at: T0 + D,
        removed_at: None,
        found_in: None,
    };
    g.links = vec![blocks("x1"), blocks("x2"), blocks("x3")];
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::create(&dir.path().join("blockers.baton"))
        .await
        .unwrap();
    demo::write(&ws, &g).await.unwrap();
    let now = T0 + 20 * D;
    let r = flow::bottleneck_report(&ws, &ten_days(), now)
        .await
        .unwrap();
    /// (blocking team, blocked items, days waiting, (blocker, items it blocks)).
    type Cluster<'a> = (&'a str, u32, f64, Vec<(&'a str, u32)>);
    let clusters: Vec<Cluster> = r
        .blocker_clusters
        .iter()
        .map(|c| {
            (
                c.team_name.as_str(),
                c.blocked_items,
                c.blocked_days,
                c.blockers
                    .iter()
                    .map(|b| (b.item.id.as_str(), b.blocks))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        clusters,
        [("Beta", 1, 9.0, vec![("x1", 1), ("x3", 1)])],
        "x1 and x3 were open when the range ended (w1 had waited 9 days); x2 was done"
    );
    assert_eq!(
        r.open_blocking_links, 2,
        "the open blocking links beside the clusters are judged at the range end too: x1 and x3"
    );
    let drill = flow::flow_items(
        &ws,
        &ten_days(),
        &flow::FlowSelection::BlockedBy {
            team_id: "b".into(),
        },
        now,
    )
    .await
    .unwrap();
    assert_eq!(
        drill
            .items
            .iter()
            .map(|i| i.item.id.as_str())
            .collect::<Vec<_>>(),
        ["w1"]
    );
    let alpha = flow::flow_items(
        &ws,
        &ten_days(),
        &flow::FlowSelection::BlockedBy {
            team_id: "a".into(),
        },
        now,
    )
    .await
    .unwrap();
    assert_eq!(alpha.total, 0, "x2 was finished before the range ended");
    // Today every blocker is done: a range ending today has no clusters.
    let today = FlowFilter {
        from: Some("2026-03-13".into()),
        to: Some("2026-03-21".into()),
        ..FlowFilter::default()
    };
    let r = flow::bottleneck_report(&ws, &today, now).await.unwrap();
    assert!(r.blocker_clusters.is_empty());
    assert_eq!(r.open_blocking_links, 0);
    // The Intents page asks the same "as of" question: w1's intent has a blocked item in the
    // range ending on day 9 (its blockers x1 and x3 were open then), none in today's range.
    let intent = baton_core::intents::create(
        &ws,
        &baton_core::intents::IntentInput {
            title: "Checkout".into(),
            ..Default::default()
        },
        "ann",
        "",
        now,
    )
    .await
    .unwrap();
    baton_core::intents::link(
        &ws,
        &["w1".into()],
        &baton_core::intents::LinkTarget::Intent { id: intent.clone() },
        "ann",
        "",
        now,
    )
    .await
    .unwrap();
    let blocked_in = |filter: FlowFilter| {
        let ws = &ws;
        let intent = &intent;
        async move {
            let r = baton_core::intents::report::intents_report(
                ws,
                &baton_core::intents::report::IntentsQuery {
                    filter,
                    include_archived: false,
                },
                now,
            )
            .await
            .unwrap();
            let row = r.intents.iter().find(|n| n.id == *intent).unwrap();
            (row.blocked, row.open_blocking_links)
        }
    };
    assert_eq!(blocked_in(ten_days()).await, (1, 2), "w1, by x1 and x3");
    assert_eq!(
        blocked_in(today).await,
        (0, 0),
        "every blocker is done today"
    );
}

/// A raw state's meaning for an item of `kind` in a generated graph's workflow map: the map for
/// that kind when there is one (a pull request's "open" waits for review), else the map for every
/// kind (an issue's "open" is New).
fn meaning_of(g: &DemoGraph, source: &str, kind: ItemKind, raw: &str) -> FlowState {
    let of = |k: Option<ItemKind>| {
        g.workflow_maps
            .iter()
            .find(|m| m.source_id == source && m.raw_state == raw && m.item_kind == k)
    };
    of(Some(kind))
        .or_else(|| of(None))
        .unwrap_or_else(|| panic!("the demo maps {raw} of {source}"))
        .flow_state
}

/// The blocker clusters of a range ending at `as_of`, counted from a generated graph's raw rows
/// following docs/metrics.md literally (blocked entries per blocking team), and how many of the
/// blockers counted open then are done today.
fn clusters_from_raw(g: &DemoGraph, as_of: i64) -> (std::collections::BTreeMap<String, u32>, u32) {
    // Each item's workflow state and blocked flag just before `as_of`, from the raw rows.
    let mut by_item: std::collections::HashMap<&str, Vec<(usize, &Transition)>> =
        std::collections::HashMap::new();
    for (n, t) in g.transitions.iter().enumerate() {
        by_item.entry(t.item_id.as_str()).or_default().push((n, t));
    }
    let source_of: std::collections::HashMap<&str, &WorkItem> =
        g.items.iter().map(|i| (i.id.as_str(), i)).collect();
    let state_at = |id: &str| -> Option<(FlowState, bool)> {
        let item = source_of[id];
        if item.created_at >= as_of {
            return None;
        }
        let mut changes: Vec<&(usize, &Transition)> = by_item
            .get(id)
            .map(|v| v.iter().collect())
            .unwrap_or_default();
        changes.sort_by_key(|(n, t)| (t.at, *n));
        let states: Vec<&Transition> = changes
            .iter()
            .map(|(_, t)| *t)
            .filter(|t| t.kind == TransitionKind::State)
            .collect();
        let raw = match states.iter().rev().find(|t| t.at < as_of) {
            Some(t) => Some(t.to_state.as_str()),
            None => match states.first() {
                Some(first) => first.from_state.as_deref(),
                None => Some(item.raw_state.as_str()),
            },
        };
        let flow = raw.map_or(FlowState::New, |r| {
            meaning_of(g, &item.source_id, item.kind, r)
        });
        let flagged = changes
            .iter()
            .map(|(_, t)| *t)
            .rfind(|t| t.kind == TransitionKind::Flag && t.at < as_of)
            .is_some_and(|t| t.to_state == "blocked");
        Some((flow, flagged))
    };
    let mut expected: std::collections::BTreeMap<String, u32> = Default::default();
    let mut blockers_of: std::collections::HashMap<&str, Vec<&str>> = Default::default();
    for l in &g.links {
        if l.kind == LinkKind::Blocks
            && l.created_at < as_of
            && l.removed_at.is_none_or(|r| r >= as_of)
        {
            blockers_of
                .entry(l.to_item_id.as_str())
                .or_default()
                .push(l.from_item_id.as_str());
        }
    }
    let mut done_since = 0u32;
    for (item, blockers) in &blockers_of {
        let waiting = match state_at(item) {
            Some((FlowState::Waiting, _)) => true,
            Some((FlowState::Active, flagged)) => flagged,
            _ => false,
        };
        if !waiting {
            continue;
        }
        let mut teams: Vec<String> = blockers
            .iter()
            .filter(|b| {
                let open = state_at(b).is_some_and(|(flow, _)| {
                    !matches!(flow, FlowState::Done | FlowState::Canceled)
                });
                if open && source_of[*b].flow_state == FlowState::Done {
                    done_since += 1;
                }
                open
            })
            .map(|b| source_of[*b].team_id.clone().unwrap_or_default())
            .collect();
        teams.sort();
        teams.dedup();
        for t in teams {
            *expected.entry(t).or_default() += 1;
        }
    }
    (expected, done_since)
}

/// Checks the Bottlenecks page's blocker clusters, and each one's drill-down, against a count from
/// the raw rows as of `as_of` (the range end); gives how many of those blockers are done today.
async fn assert_clusters_as_of(
    ws: &Workspace,
    g: &DemoGraph,
    filter: &FlowFilter,
    end: i64,
    as_of: i64,
) -> u32 {
    let (expected, done_since) = clusters_from_raw(g, as_of);
    let r = flow::bottleneck_report(ws, filter, end).await.unwrap();
    let got: std::collections::BTreeMap<String, u32> = r
        .blocker_clusters
        .iter()
        .map(|c| (c.team_id.clone(), c.blocked_items))
        .collect();
    assert_eq!(
        got, expected,
        "blocked entries per blocking team, as of the end of the range"
    );
    for c in &r.blocker_clusters {
        let drill = flow::flow_items(
            ws,
            filter,
            &flow::FlowSelection::BlockedBy {
                team_id: c.team_id.clone(),
            },
            end,
        )
        .await
        .unwrap();
        assert_eq!(drill.total, c.blocked_items, "blocked by {}", c.team_name);
    }
    done_since
}

#[tokio::test]
async fn past_blocker_clusters_match_a_count_from_the_raw_transitions_and_links() {
    let end = T0 + 270 * D;
    let g = demo::generate(&DemoOptions {
        items: 4_000,
        seed: 9,
        end,
    });
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::create(&dir.path().join("past.baton"))
        .await
        .unwrap();
    demo::write(&ws, &g).await.unwrap();
    // A range ending three months before the data does.
    let filter = FlowFilter {
        from: Some("2026-06-01".into()),
        to: Some("2026-08-28".into()),
        ..FlowFilter::default()
    };
    let as_of = baton_core::time::parse_rfc3339("2026-08-29T00:00:00Z").unwrap();
    assert!(end - as_of > 85 * D);

    let done_since = assert_clusters_as_of(&ws, &g, &filter, end, as_of).await;
    assert!(
        done_since > 3,
        "many blockers open at the range end are done today ({done_since})"
    );
}

// ---------------------------------------------------------------------------------------------
// Pull requests: review time is work in progress; a blocked flag on a draft.

/// p1: a dependency bump opened for review at noon on day 0 and never merged. p2: a draft,
/// flagged blocked from day 1 06:00 to day 2, ready for review on day 3, approved by Bob on day
/// 4, merged on day 5.
fn pull_requests() -> DemoGraph {
    use TransitionKind::{Flag, Review, State};
    let pr = |id: &str, created: i64, state: &str, provenance: Provenance| WorkItem {
        source_id: "gh".into(),
        author_id: Some("ann".into()),
        provenance,
        ..item(id, "a", ItemKind::PullRequest, created, state)
    };
    let mut transitions = changes(&[
        ("p1", T0 + 12 * H, State, "open"),
        ("p2", T0, State, "draft"),
        ("p2", T0 + D + 6 * H, Flag, "blocked"),
        ("p2", T0 + 2 * D, Flag, "unblocked"),
        ("p2", T0 + 3 * D, State, "open"),
        ("p2", T0 + 4 * D, Review, "approved"),
        ("p2", T0 + 5 * D, State, "merged"),
    ]);
    for t in &mut transitions {
        t.actor_id = Some(if t.kind == Review { "bob" } else { "ann" }.into());
    }
    let person = |id: &str| Person {
        id: id.into(),
        display_name: id.into(),
        team_id: None,
        is_bot: false,
    };
    let maps = [
        ("draft", FlowState::Active, None),
        ("open", FlowState::Waiting, Some(WaitReason::Review)),
        ("merged", FlowState::Done, None),
        ("closed", FlowState::Canceled, None),
    ];
    let mut g = history();
    g.sources.push(Source {
        id: "gh".into(),
        kind: SourceKind::Github,
        name: "GitHub".into(),
        ..g.sources[0].clone()
    });
    g.people = vec![person("ann"), person("bob")];
    g.workflow_maps = maps
        .iter()
        .map(|(raw, flow, reason)| WorkflowMap {
            source_id: "gh".into(),
            team_id: String::new(),
            item_kind: None,
            scope: String::new(),
            raw_state: (*raw).into(),
            flow_state: *flow,
            wait_reason: *reason,
            origin: "inferred".into(),
        })
        .collect();
    g.items = vec![
        pr("p1", T0 + 12 * H, "open", Provenance::Automation),
        pr("p2", T0, "merged", Provenance::Human),
    ];
    g.transitions = transitions;
    g
}

#[tokio::test]
async fn a_pull_request_waiting_for_review_is_work_in_progress_and_waits_in_review() {
    use flow::FlowSelection as S;
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::create(&dir.path().join("prs.baton"))
        .await
        .unwrap();
    demo::write(&ws, &pull_requests()).await.unwrap();
    let r = flow::flow_report(&ws, &ten_days(), NOW).await.unwrap();
    // p1 is in progress from day 0 (opened for review), p2 from day 0 (a draft) to day 5.
    assert_eq!(r.wip_daily, vec![2, 2, 2, 2, 2, 1, 1, 1, 1, 1]);
    assert_eq!(r.in_progress, 1);
    let p1 = &r.aging[0];
    assert_eq!(
        (p1.item.id.as_str(), p1.stage, p1.age_days),
        ("p1", Stage::Review, 9.5),
        "the never-merged bump has been waiting for review, in progress, for 9.5 days"
    );
    let b = flow::bottleneck_report(&ws, &ten_days(), NOW)
        .await
        .unwrap();
    let review = b
        .wait_reasons
        .iter()
        .find(|w| w.stage == Stage::Review)
        .unwrap();
    assert_eq!(
        review.total_days, 11.5,
        "p1's 9.5 days and p2's 2 days in review are where work waits"
    );
    let ids = |selection: S| {
        let ws = &ws;
        async move {
            let mut ids: Vec<String> = flow::flow_items(ws, &ten_days(), &selection, NOW)
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|i| i.item.id)
                .collect();
            ids.sort();
            ids
        }
    };
    assert_eq!(
        ids(S::WaitingIn {
            stage: Stage::Review
        })
        .await,
        ["p1", "p2"]
    );
    assert_eq!(
        ids(S::InProgressInStage {
            stage: Stage::Review
        })
        .await,
        ["p1"],
        "the same wait, in WIP"
    );
    assert_eq!(
        ids(S::InProgressAt {
            day: "2026-03-11".into()
        })
        .await,
        ["p1"]
    );
}

#[tokio::test]
async fn a_blocked_flag_on_a_draft_makes_it_wait_but_not_ready_for_review() {
    use flow::FlowSelection as S;
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::create(&dir.path().join("draft.baton"))
        .await
        .unwrap();
    demo::write(&ws, &pull_requests()).await.unwrap();
    let b = flow::bottleneck_report(&ws, &ten_days(), NOW)
        .await
        .unwrap();
    assert_eq!(b.pull_requests, 1);
    let segment = |name: &str| {
        b.pr_segments
            .iter()
            .find(|s| s.segment == name)
            .unwrap()
            .days
            .p50
    };
    assert_eq!(
        (
            segment("coding"),
            segment("pickup"),
            segment("review"),
            segment("merge")
        ),
        (Some(3.0), Some(1.0), Some(0.0), Some(1.0)),
        "coding runs until the draft is opened for review, not until it was flagged"
    );
    let alpha = b.matrix.iter().find(|t| t.team_name == "Alpha").unwrap();
    let cell = |stage: Stage| alpha.cells.iter().find(|c| c.stage == stage).unwrap();
    assert_eq!(
        cell(Stage::Blocked).total_days,
        0.75,
        "the flagged 18 hours wait as blocked"
    );
    assert_eq!(cell(Stage::Active).total_days, 2.25);
    let on_day_1 = |selection: S| {
        let ws = &ws;
        async move {
            flow::flow_items(ws, &ten_days(), &selection, NOW)
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|i| i.item.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        on_day_1(S::WaitingAt {
            day: "2026-03-03".into(),
            stage: Stage::Blocked
        })
        .await,
        ["p2"],
        "at the end of day 1 the draft waits, blocked"
    );
    assert!(on_day_1(S::InProgressAt {
        day: "2026-03-03".into()
    })
    .await
    .contains(&"p2".to_owned()));
    let r = flow::flow_report(&ws, &ten_days(), NOW).await.unwrap();
    assert_eq!(
        r.cycle_time.p50,
        Some(5.0),
        "a flag does not move the start (the draft) or the finish"
    );
    assert!(close(r.efficiency.aggregate.unwrap(), 2.25 / 5.0));
}

#[tokio::test]
async fn waiting_for_review_approval_or_security_is_in_wip_on_generated_data() {
    use flow::FlowSelection as S;
    let end = T0 + 200 * D;
    let dir = tempfile::tempdir().unwrap();
    let ws = demo::build(
        &dir.path().join("demo.baton"),
        &DemoOptions {
            items: 1_200,
            seed: 4,
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
    let ids = |selection: S| {
        let ws = &ws;
        let filter = &filter;
        async move {
            let items = flow::flow_items(ws, filter, &selection, end).await.unwrap();
            assert_eq!(items.total as usize, items.items.len(), "every item listed");
            items
                .items
                .into_iter()
                .map(|i| i.item.id)
                .collect::<std::collections::HashSet<_>>()
        }
    };
    let mut checked = 0;
    for day in ["2026-06-07", "2026-06-18", "2026-06-30"] {
        let wip = ids(S::InProgressAt { day: day.into() }).await;
        for stage in [Stage::Review, Stage::Approval, Stage::Security] {
            let waiting = ids(S::WaitingAt {
                day: day.into(),
                stage,
            })
            .await;
            checked += waiting.len();
            let outside: Vec<&String> = waiting.difference(&wip).collect();
            assert!(
                outside.is_empty(),
                "waiting in {stage:?} on {day} but not in WIP: {outside:?}"
            );
        }
    }
    assert!(
        checked > 50,
        "the demo has work waiting for review ({checked})"
    );
}

#[tokio::test]
async fn a_change_at_exactly_now_is_seen_when_now_cuts_the_range_short() {
    use flow::FlowSelection as S;
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    // Now is the instant a2 is finished (for good) on day 8: what was recorded at now counts.
    let now = T0 + 8 * D;
    let r = flow::flow_report(&ws, &ten_days(), now).await.unwrap();
    assert_eq!(r.range.as_of, baton_core::time::to_rfc3339(now));
    assert_eq!(r.throughput_daily[8], 1, "a2 finished at now, on day 8");
    assert_eq!(r.throughput_daily.iter().sum::<u32>(), r.cycle_time.count);
    let done = flow::flow_items(
        &ws,
        &ten_days(),
        &S::FinishedOn {
            day: "2026-03-10".into(),
        },
        now,
    )
    .await
    .unwrap();
    assert_eq!(done.items.len(), 1);
    assert_eq!(done.items[0].item.id, "a2");
    let band = r.cfd.iter().find(|b| b.state == FlowState::Done).unwrap();
    assert_eq!(
        band.counts[8], 4,
        "a1, a2, a3, b1 are done at the end of day 8 (now)"
    );
}

#[tokio::test]
async fn a_time_zone_counts_days_at_its_offset_at_the_range_end() {
    let dir = tempfile::tempdir().unwrap();
    let end = T0 + 200 * D;
    let ws = demo::build(
        &dir.path().join("demo.baton"),
        &DemoOptions {
            items: 400,
            seed: 3,
            end,
        },
    )
    .await
    .unwrap();
    // Berlin is UTC+2 in summer and UTC+1 in winter: a range ending in July counts days as
    // +02:00 does, one ending in January as +01:00 does.
    for (to, offset) in [("2026-07-15", 120), ("2026-01-15", 60)] {
        let range = |zone: Option<&str>, minutes: i32| FlowFilter {
            from: Some("2026-01-01".into()),
            to: Some(to.into()),
            time_zone: zone.map(Into::into),
            utc_offset_minutes: minutes,
            ..FlowFilter::default()
        };
        let named = flow::flow_report(&ws, &range(Some("Europe/Berlin"), 0), end)
            .await
            .unwrap();
        let fixed = flow::flow_report(&ws, &range(None, offset), end)
            .await
            .unwrap();
        assert_eq!(named.range, fixed.range, "{to}");
        assert_eq!(named.throughput_daily, fixed.throughput_daily, "{to}");
        assert_eq!(named.wip_daily, fixed.wip_daily, "{to}");
    }
    let err = flow::flow_report(
        &ws,
        &FlowFilter {
            time_zone: Some("Mars/Olympus".into()),
            ..FlowFilter::default()
        },
        end,
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string().contains("Mars/Olympus"),
        "an unknown zone is refused by name: {err}"
    );
}

/// The pass cut into parts on threads of their own (one per core on a large workspace) gives
/// exactly what one thread gives, on both pages, for filters that keep everything, a team, and
/// another rule and time zone; and the mapping's dense table answers as its maps do, with maps
/// of its own for a team and for a kind of item.
#[tokio::test]
async fn a_pass_in_parts_and_the_dense_mapping_give_exactly_the_same_numbers() {
    use baton_core::flow::engine::{run_in_parts, Page};
    let dir = tempfile::tempdir().unwrap();
    let end = T0 + 200 * D;
    let mut g = demo::generate(&DemoOptions {
        items: 3_000,
        seed: 11,
        end,
    });
    // A team and a kind of item that map a state their own way.
    let first = g.workflow_maps[0].clone();
    g.workflow_maps.push(WorkflowMap {
        team_id: g.teams[1].id.clone(),
        flow_state: FlowState::Waiting,
        wait_reason: Some(WaitReason::Blocked),
        ..first.clone()
    });
    let second = g.workflow_maps[1].clone();
    g.workflow_maps.push(WorkflowMap {
        item_kind: Some(ItemKind::Defect),
        flow_state: FlowState::Active,
        wait_reason: None,
        ..second
    });
    let ws = Workspace::create(&dir.path().join("parts.baton"))
        .await
        .unwrap();
    demo::write(&ws, &g).await.unwrap();
    let ix = ws.index().await.unwrap();
    let rows = baton_core::graph::repo::workflow_maps::list(ws.pool())
        .await
        .unwrap();
    let mapping = flow::Mapping::build(&ix, &rows);
    let mut compared = 0;
    for (i, item) in ix.items.iter().enumerate() {
        for state in std::iter::once(item.initial_state)
            .chain(ix.events_of(i).iter().map(|e| e.code()))
            .chain(0..ix.states.len() as u32)
        {
            for team in [item.team, 0, 1, baton_core::graph::index::NONE] {
                assert_eq!(
                    mapping.resolve_item(state, i, team, item.kind),
                    mapping.resolve_by_maps(state, i, team, item.kind),
                    "the dense table answers as the maps for state {state}, team {team}"
                );
                compared += 1;
            }
        }
        if i > 300 {
            break;
        }
    }
    assert!(compared > 1_000);
    let team = ix.teams[1].id.clone();
    let filters = [
        FlowFilter {
            from: Some("2025-06-01".into()),
            to: Some("2026-09-30".into()),
            ..FlowFilter::default()
        },
        FlowFilter {
            teams: vec![team],
            ..FlowFilter::default()
        },
        FlowFilter {
            rule: CycleRule::FirstEntry,
            utc_offset_minutes: -300,
            ..FlowFilter::default()
        },
    ];
    for filter in &filters {
        let scope = flow::Scope::resolve(&ix, filter, end).unwrap();
        for page in [Page::Flow, Page::Bottlenecks] {
            let one = run_in_parts(&ix, &mapping, &scope, page, 1);
            assert!(one.items > 0, "the filter keeps items");
            for parts in [2, 3, 7] {
                assert_eq!(
                    run_in_parts(&ix, &mapping, &scope, page, parts),
                    one,
                    "{parts} parts add up to one pass ({page:?}, {filter:?})"
                );
            }
        }
    }
}

/// The Flow and Bottlenecks pages pick their sorted lists without sorting everything (one sort
/// of the cycles dealt out to the teams, the oldest work in progress and the longest waits
/// selected, percentiles of lists already sorted, each day's date formatted once): the answers
/// equal those of sorting every list in full, as the pages did before, recomputed here from the
/// same pass — on generated data with its reopened and canceled items, for ranges that end on a
/// midnight, span a single day, hold no item at all, and count days in another time zone and
/// rule.
#[tokio::test]
async fn picked_lists_equal_those_of_sorting_every_list() {
    use baton_core::flow::engine::{self, Page};
    use baton_core::flow::percentile;
    use std::collections::HashMap;
    let dir = tempfile::tempdir().unwrap();
    let end = T0 + 200 * D;
    let g = demo::generate(&DemoOptions {
        items: 3_000,
        seed: 29,
        end,
    });
    let ws = Workspace::create(&dir.path().join("picked.baton"))
        .await
        .unwrap();
    demo::write(&ws, &g).await.unwrap();
    let ix = ws.index().await.unwrap();
    let rows = baton_core::graph::repo::workflow_maps::list(ws.pool())
        .await
        .unwrap();
    let mapping = flow::Mapping::build(&ix, &rows);
    let day = |t: i64| {
        chrono::DateTime::<chrono::Utc>::from_timestamp_millis(t)
            .unwrap()
            .date_naive()
            .to_string()
    };
    let team = ix.teams[2].id.clone();
    let filters = [
        FlowFilter::default(),
        FlowFilter {
            from: Some(day(end - 365 * D)),
            to: Some(day(end - D)),
            ..FlowFilter::default()
        },
        // A single day, ending on the midnight the range's end falls on.
        FlowFilter {
            from: Some(day(end - 20 * D)),
            to: Some(day(end - 20 * D)),
            ..FlowFilter::default()
        },
        // Before any item was made: nothing in it.
        FlowFilter {
            from: Some("2001-01-01".into()),
            to: Some("2001-01-31".into()),
            ..FlowFilter::default()
        },
        FlowFilter {
            teams: vec![team],
            rule: CycleRule::FirstEntry,
            utc_offset_minutes: 330,
            ..FlowFilter::default()
        },
    ];
    let mut reopened = 0;
    let mut medians = 0;
    for filter in &filters {
        let scope = flow::Scope::resolve(&ix, filter, end).unwrap();
        let report = flow::compute_flow(&ix, &mapping, &scope);
        // The finished lists sorted on one thread or on two give the same page.
        for apart in [0, usize::MAX] {
            assert_eq!(
                flow::compute_flow_sorting_apart(&ix, &mapping, &scope, apart),
                report
            );
        }
        reopened += report.littles_law.reopened;
        let mut pass = engine::run(&ix, &mapping, &scope, Page::Flow);

        // Cycle and lead times, the whole range and per team, each list sorted in full.
        let mut cycles: Vec<f64> = pass.finished.iter().filter_map(|f| f.cycle).collect();
        cycles.sort_by(f64::total_cmp);
        let old_percentiles = |values: &mut Vec<f64>| {
            values.sort_by(f64::total_cmp);
            (
                values.len() as u32,
                percentile::nearest_rank(values, 50.0),
                percentile::nearest_rank(values, 85.0),
                percentile::nearest_rank(values, 95.0),
                (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64),
            )
        };
        let new_percentiles = |p: &flow::Percentiles| (p.count, p.p50, p.p85, p.p95, p.mean);
        assert_eq!(
            new_percentiles(&report.cycle_time),
            old_percentiles(&mut cycles.clone())
        );
        let mut leads: Vec<f64> = pass.finished.iter().map(|f| f.lead).collect();
        assert_eq!(
            new_percentiles(&report.lead_time),
            old_percentiles(&mut leads)
        );
        let mut by_team: HashMap<u32, Vec<f64>> = HashMap::new();
        for f in &pass.finished {
            if let Some(c) = f.cycle {
                by_team
                    .entry(ix.items[f.item as usize].team)
                    .or_default()
                    .push(c);
            }
        }
        assert_eq!(report.cycle_time_by_team.len(), by_team.len());
        for t in &report.cycle_time_by_team {
            let at = ix
                .teams
                .iter()
                .position(|x| x.id == t.team_id)
                .map_or(baton_core::graph::index::NONE, |p| p as u32);
            assert_eq!(
                new_percentiles(&t.cycle_time),
                old_percentiles(by_team.get_mut(&at).unwrap()),
                "team {}",
                t.team_name
            );
        }

        // The scatter, in finish order, each point's day formatted on its own.
        pass.finished.sort_by_key(|f| (f.finish, f.item));
        let with_cycle: Vec<_> = pass.finished.iter().filter(|f| f.cycle.is_some()).collect();
        let p95 = percentile::nearest_rank(&cycles, 95.0).unwrap_or(f64::MAX);
        let stride = with_cycle.len().div_ceil(flow::MAX_SCATTER_POINTS).max(1);
        let sampled = with_cycle.len() > flow::MAX_SCATTER_POINTS;
        let points: Vec<(String, String, f64)> = with_cycle
            .iter()
            .enumerate()
            .filter(|(k, f)| !sampled || k % stride == 0 || f.cycle.unwrap_or(0.0) > p95)
            .map(|(_, f)| {
                let d = scope.day_of(f.finish).clamp(0, scope.days as i64 - 1) as usize;
                (
                    ix.item_ids[f.item as usize].to_string(),
                    scope.date(d),
                    f.cycle.unwrap(),
                )
            })
            .collect();
        let shown: Vec<(String, String, f64)> = report
            .scatter
            .points
            .iter()
            .map(|p| (p.id.clone(), p.finished.clone(), p.days))
            .collect();
        assert_eq!(shown, points);

        // Aging: every item in progress sorted, oldest first, the first ones listed.
        pass.in_progress
            .sort_by(|a, b| b.age.total_cmp(&a.age).then(a.item.cmp(&b.item)));
        let aging: Vec<(String, f64, Option<f64>)> = pass
            .in_progress
            .iter()
            .take(flow::MAX_AGING_ITEMS)
            .map(|w| {
                (
                    ix.item_ids[w.item as usize].to_string(),
                    w.age,
                    percentile::rank_of(&cycles, w.age),
                )
            })
            .collect();
        let listed: Vec<(String, f64, Option<f64>)> = report
            .aging
            .iter()
            .map(|a| (a.item.id.clone(), a.age_days, a.pace))
            .collect();
        assert_eq!(listed, aging);
        assert_eq!(report.in_progress as usize, pass.in_progress.len());

        // Bottlenecks: each waiting stage's examples from all its items sorted, longest first.
        let bottlenecks = flow::compute_bottlenecks(&ix, &mapping, &scope);
        let mut pass = engine::run(&ix, &mapping, &scope, Page::Bottlenecks);
        // Each team's time in each stage: the days there of its items, sorted in full, the
        // median at its nearest rank (the page groups them from the examples by counting).
        let no_team = ix.teams.len();
        for row in &bottlenecks.matrix {
            let slot = ix
                .teams
                .iter()
                .position(|t| t.id == row.team_id)
                .unwrap_or(no_team);
            for cell in &row.cells {
                let mut values: Vec<f64> = pass.stage_examples[cell.stage.index()]
                    .iter()
                    .filter(|(i, _, _)| {
                        let team = ix.items[*i as usize].team;
                        let of = if team == baton_core::graph::index::NONE {
                            no_team
                        } else {
                            team as usize
                        };
                        of == slot
                    })
                    .map(|(_, _, ms)| *ms as f64 / 86_400_000.0)
                    .collect();
                values.sort_by(f64::total_cmp);
                assert_eq!(cell.items as usize, values.len(), "{:?}", cell.stage);
                assert_eq!(
                    cell.median_days,
                    percentile::nearest_rank(&values, 50.0),
                    "{} {:?}",
                    row.team_name,
                    cell.stage
                );
                medians += usize::from(cell.median_days.is_some());
            }
        }
        for w in &bottlenecks.wait_reasons {
            let all = &mut pass.stage_examples[w.stage.index()];
            all.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            assert_eq!(w.items as usize, all.len());
            let examples: Vec<String> = all
                .iter()
                .take(flow::EXAMPLES)
                .map(|(i, _, _)| ix.item_ids[*i as usize].to_string())
                .collect();
            let shown: Vec<String> = w.examples.iter().map(|e| e.item.id.clone()).collect();
            assert_eq!(shown, examples, "{:?}", w.stage);
        }
        let mut segments: Vec<Vec<f64>> = vec![Vec::new(); 4];
        for p in &pass.pull_requests {
            for (k, v) in [p.coding, p.pickup, p.review, p.merge]
                .into_iter()
                .enumerate()
            {
                segments[k].extend(v.map(|ms| ms as f64 / 86_400_000.0));
            }
        }
        for (s, values) in bottlenecks.pr_segments.iter().zip(segments.iter_mut()) {
            assert_eq!(new_percentiles(&s.days), old_percentiles(values));
        }
    }
    assert!(reopened > 0, "the generated work holds reopened items");
    assert!(medians > 0, "some team spent time in some stage");
}
