//! Flow metrics: cycle and lead time, throughput, WIP, age and pace, flow efficiency, flow
//! distribution, cumulative flow, time in stage, wait reasons, blocker clusters, pull-request
//! segments. Definitions: `docs/metrics.md`. Every number comes from one pass over the
//! in-memory index ([`engine::run`]); nothing here runs SQL over transitions.

pub mod drill;
pub mod engine;
pub mod filter;
pub mod mapping;
pub mod percentile;
pub mod report;
pub mod timeline;
pub mod workflow;

use std::collections::HashMap;

use chrono::Datelike;

use crate::error::CoreResult;
use crate::graph::index::{WorkIndex, NONE};
use crate::graph::model::{FlowState, ItemKind, WorkflowMap};
use crate::graph::repo;
use crate::graph::text::LossyText;
use crate::graph::Workspace;
use crate::time::{to_rfc3339, DAY_MS};

pub use drill::{FlowItem, FlowItems, FlowSelection};
pub use filter::{FlowFilter, Scope};
pub use mapping::Mapping;
pub use report::*;
pub use timeline::CycleRule;
pub use workflow::{workflow_list, workflow_set, MappingOrigin, WorkflowChange, WorkflowRow};

/// The most points the scatter sends (beyond them it sends an even sample).
pub const MAX_SCATTER_POINTS: usize = 4_000;
/// The most items the aging chart lists.
pub const MAX_AGING_ITEMS: usize = 500;
/// Above this relative gap between the two sides of Little's law (20%), the Flow page explains
/// where the gap comes from.
pub const LITTLES_LAW_LARGE_GAP: f64 = 0.2;
/// Examples per wait reason.
pub const EXAMPLES: usize = 5;

fn days(ms: i64) -> f64 {
    ms as f64 / DAY_MS as f64
}

pub(crate) fn item_ref(ix: &WorkIndex, i: u32) -> ItemRef {
    ItemRef {
        id: ix.item_ids[i as usize].to_string(),
        key: ix.item_keys[i as usize].to_string(),
        title: String::new(),
    }
}

fn team_name(ix: &WorkIndex, team: u32) -> Option<String> {
    ix.teams.get(team as usize).map(|t| t.name.clone())
}

pub(crate) fn range_info(scope: &Scope) -> RangeInfo {
    RangeInfo {
        from: scope.date(0),
        to: scope.date(scope.days - 1),
        dates: (0..scope.days).map(|d| scope.date(d)).collect(),
        as_of: to_rfc3339(scope.as_of),
        utc_offset_minutes: (scope.offset_ms / 60_000) as i32,
        rule: scope.rule,
    }
}

fn notes(ix: &WorkIndex, pass: &engine::Pass) -> Vec<DataNote> {
    let mut notes: Vec<DataNote> = pass
        .unmapped
        .iter()
        .map(|(state, items)| {
            let key = ix.states.get(*state as usize);
            let source = key.and_then(|k| ix.sources.get(k.source as usize));
            let raw = key.map(|k| k.raw.clone()).unwrap_or_default();
            DataNote {
                code: "unmapped_state".into(),
                message: format!(
                    "{items} item{} skipped: state \u{201c}{raw}\u{201d} of {} is not mapped to a flow state — map it in Settings → Workflow",
                    if *items == 1 { "" } else { "s" },
                    source.map_or("a source", |s| s.name.as_str())
                ),
                items: *items,
                source_id: source.map(|s| s.id.clone()),
                raw_state: Some(raw),
            }
        })
        .collect();
    if pass.out_of_order > 0 {
        notes.push(DataNote {
            code: "out_of_order".into(),
            message: format!(
                "{} item{} had changes recorded out of time order; they were put in time order",
                pass.out_of_order,
                if pass.out_of_order == 1 { "" } else { "s" }
            ),
            items: pass.out_of_order,
            source_id: None,
            raw_state: None,
        });
    }
    if pass.repeated > 0 {
        notes.push(DataNote {
            code: "repeated_state".into(),
            message: format!(
                "{} item{} recorded a change into the state they were already in; it changed nothing",
                pass.repeated,
                if pass.repeated == 1 { "" } else { "s" }
            ),
            items: pass.repeated,
            source_id: None,
            raw_state: None,
        });
    }
    if pass.before_creation > 0 {
        notes.push(DataNote {
            code: "before_creation".into(),
            message: format!(
                "{} item{} had changes dated before the item was created; they count from its creation",
                pass.before_creation,
                if pass.before_creation == 1 { "" } else { "s" }
            ),
            items: pass.before_creation,
            source_id: None,
            raw_state: None,
        });
    }
    notes
}

/// Cycle times sorted ascending, and the same per team: (team, its cycle times) in the order
/// the teams are first met.
type SortedCycles = (Vec<f64>, Vec<(u32, Vec<f64>)>);

/// Finished lists at least this long are sorted on two threads (the lead times and the finish
/// order on one, the cycle times on the other, see [`sort_finished`]): below it a thread costs
/// more than it saves.
const SORT_APART: usize = 4_096;

/// The finished items' sorted lists: the cycle times (whole range and per team, see
/// [`sorted_cycles`]), the lead times, and the items themselves in finish order, for the
/// scatter. (No two finished items share an item, so the finish order is the one a stable sort
/// gives.) The cycles are sorted on another thread while this one sorts the rest, when there are
/// enough of them; the lists are the same either way.
fn sort_finished(
    ix: &WorkIndex,
    finished: &mut [engine::Finished],
    apart: usize,
) -> (SortedCycles, Vec<f64>) {
    let cycle_pairs = |finished: &[engine::Finished]| -> Vec<(f64, u32)> {
        finished
            .iter()
            .filter_map(|f| f.cycle.map(|c| (c, ix.items[f.item as usize].team)))
            .collect()
    };
    let mut leads: Vec<f64> = finished.iter().map(|f| f.lead).collect();
    let sort_rest = |leads: &mut Vec<f64>, finished: &mut [engine::Finished]| {
        percentile::sort_values(leads);
        finished.sort_unstable_by_key(|f| (f.finish, f.item));
    };
    if finished.len() < apart {
        let sorted = sorted_cycles(cycle_pairs(finished));
        sort_rest(&mut leads, finished);
        return (sorted, leads);
    }
    let pairs = cycle_pairs(finished);
    let sorted = std::thread::scope(|threads| {
        let apart = std::thread::Builder::new()
            .name("baton-flow".into())
            .spawn_scoped(threads, move || sorted_cycles(pairs));
        match apart {
            Ok(handle) => {
                sort_rest(&mut leads, finished);
                match handle.join() {
                    Ok(sorted) => sorted,
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            // No thread to be had: this one sorts everything.
            Err(_) => {
                let sorted = sorted_cycles(cycle_pairs(finished));
                sort_rest(&mut leads, finished);
                sorted
            }
        }
    });
    (sorted, leads)
}

/// The cycle times of the items finished in the range, sorted ascending, and the same per team
/// (in the order the teams are first met), each sorted too: one sort of (cycle, team) pairs,
/// dealt out to the teams in order, instead of a sort of every team's list and a hash per item.
fn sorted_cycles(mut pairs: Vec<(f64, u32)>) -> SortedCycles {
    // Pairs with the same cycle may end up in either order; each team's list and the whole list
    // are the same either way (equal cycles have the same bits).
    pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let mut by_team: Vec<(u32, Vec<f64>)> = Vec::new();
    let mut cycles = Vec::with_capacity(pairs.len());
    for (cycle, team) in pairs {
        cycles.push(cycle);
        match by_team.iter_mut().find(|(t, _)| *t == team) {
            Some((_, values)) => values.push(cycle),
            None => by_team.push((team, vec![cycle])),
        }
    }
    (cycles, by_team)
}

/// The calendar dates of a scope's days, each formatted the first time it is asked for.
struct Dates<'a> {
    scope: &'a Scope,
    made: Vec<Option<String>>,
}

impl<'a> Dates<'a> {
    fn new(scope: &'a Scope) -> Dates<'a> {
        Dates {
            scope,
            made: vec![None; scope.days],
        }
    }

    /// [`Scope::date`] of day `d`.
    fn date(&mut self, d: usize) -> String {
        match self.made.get_mut(d) {
            Some(slot) => slot.get_or_insert_with(|| self.scope.date(d)).clone(),
            None => self.scope.date(d),
        }
    }
}

/// The Flow page from an index, a mapping and a scope (no I/O; titles left empty).
pub fn compute_flow(ix: &WorkIndex, mapping: &Mapping, scope: &Scope) -> FlowReport {
    compute_flow_sorting_apart(ix, mapping, scope, SORT_APART)
}

/// [`compute_flow`] with the finished lists sorted on two threads from `apart` items on (what a
/// test compares both ways with).
#[doc(hidden)]
pub fn compute_flow_sorting_apart(
    ix: &WorkIndex,
    mapping: &Mapping,
    scope: &Scope,
    apart: usize,
) -> FlowReport {
    let pass = engine::run(ix, mapping, scope, engine::Page::Flow);
    flow_from_pass(ix, scope, pass, apart)
}

fn flow_from_pass(
    ix: &WorkIndex,
    scope: &Scope,
    mut pass: engine::Pass,
    apart: usize,
) -> FlowReport {
    let n = scope.days;
    let ((cycles, by_team), leads) = sort_finished(ix, &mut pass.finished, apart);

    // Per-team cycle-time percentiles.
    let mut cycle_time_by_team: Vec<TeamPercentiles> = by_team
        .into_iter()
        .map(|(team, values)| TeamPercentiles {
            team_id: ix
                .teams
                .get(team as usize)
                .map(|t| t.id.clone())
                .unwrap_or_default(),
            team_name: team_name(ix, team).unwrap_or_else(|| "No team".into()),
            cycle_time: engine::percentiles_of_sorted(&values),
        })
        .collect();
    cycle_time_by_team.sort_by(|a, b| a.team_name.cmp(&b.team_name));

    // Scatter: every finished item with a cycle time (in finish order), or an even sample plus
    // the outliers.
    let with_cycle: Vec<&engine::Finished> =
        pass.finished.iter().filter(|f| f.cycle.is_some()).collect();
    let p95 = percentile::nearest_rank(&cycles, 95.0).unwrap_or(f64::MAX);
    let sampled = with_cycle.len() > MAX_SCATTER_POINTS;
    let stride = with_cycle.len().div_ceil(MAX_SCATTER_POINTS).max(1);
    let mut dates = Dates::new(scope);
    let points = with_cycle
        .iter()
        .enumerate()
        .filter(|(k, f)| !sampled || k % stride == 0 || f.cycle.unwrap_or(0.0) > p95)
        .map(|(_, f)| ScatterPoint {
            id: ix.item_ids[f.item as usize].to_string(),
            key: ix.item_keys[f.item as usize].to_string(),
            finished: dates.date(scope.day_of(f.finish).clamp(0, n as i64 - 1) as usize),
            days: f.cycle.unwrap_or(0.0),
            kind: ix.items[f.item as usize].kind,
        })
        .collect();

    // Weekly throughput (weeks start on Monday, in the filter's time zone).
    let mut weeks: Vec<WeekCount> = Vec::new();
    for (d, count) in pass.throughput.iter().enumerate() {
        let date =
            chrono::NaiveDate::parse_from_str(&scope.date(d), "%Y-%m-%d").unwrap_or_default();
        let monday = date - chrono::Days::new(u64::from(date.weekday().num_days_from_monday()));
        let week = monday.format("%Y-%m-%d").to_string();
        match weeks.last_mut() {
            Some(w) if w.week == week => {
                w.count += count;
                w.days_in_range += 1;
            }
            _ => weeks.push(WeekCount {
                week,
                count: *count,
                days_in_range: 1,
            }),
        }
    }

    let cfd = FlowState::ALL
        .iter()
        .enumerate()
        .map(|(k, state)| CfdBand {
            state: *state,
            counts: engine::running(&pass.cfd[k], n),
        })
        .collect();
    let wip_daily = engine::running(&pass.wip, n);

    // Aging work in progress, oldest first, with its pace against the range's cycle times.
    // Only the oldest are listed: they are picked and sorted, the rest left unsorted (no two
    // share an item, so they are the ones a sort of them all puts first).
    let in_progress = pass.in_progress.len() as u32;
    let aging = percentile::first_sorted(&mut pass.in_progress, MAX_AGING_ITEMS, |a, b| {
        b.age.total_cmp(&a.age).then(a.item.cmp(&b.item))
    })
    .iter()
    .map(|w| AgingItem {
        item: item_ref(ix, w.item),
        team_name: team_name(ix, ix.items[w.item as usize].team),
        stage: w.stage,
        age_days: w.age,
        pace: percentile::rank_of(&cycles, w.age),
    })
    .collect();

    // Flow efficiency.
    let (active, waiting) = pass
        .efficiency
        .iter()
        .fold((0i64, 0i64), |(a, w), (x, y)| (a + x, w + y));
    let mut histogram = vec![0u32; 10];
    for (a, w) in &pass.efficiency {
        if a + w > 0 {
            let share = *a as f64 / (a + w) as f64;
            histogram[((share * 10.0) as usize).min(9)] += 1;
        }
    }
    let efficiency = Efficiency {
        aggregate: (active + waiting > 0).then(|| active as f64 / (active + waiting) as f64),
        active_days: days(active),
        waiting_days: days(waiting),
        histogram,
        count: pass.efficiency.iter().filter(|(a, w)| a + w > 0).count() as u32,
    };

    let mut distribution: Vec<KindShare> = ItemKind::ALL
        .iter()
        .map(|kind| KindShare {
            kind: *kind,
            finished: pass.kinds_finished.get(kind).copied().unwrap_or(0),
            in_progress: pass.kinds_in_progress.get(kind).copied().unwrap_or(0),
        })
        .filter(|k| k.finished + k.in_progress > 0)
        .collect();
    distribution.sort_by_key(|k| std::cmp::Reverse(k.finished));

    let throughput_total: u32 = pass.throughput.iter().sum();
    let elapsed_days = days(scope.as_of - scope.from).max(f64::MIN_POSITIVE);
    let average_cycle =
        (!cycles.is_empty()).then(|| cycles.iter().sum::<f64>() / cycles.len() as f64);
    let average_wip = if wip_daily.is_empty() {
        0.0
    } else {
        wip_daily.iter().map(|w| f64::from(*w)).sum::<f64>() / wip_daily.len() as f64
    };
    let throughput_per_day = f64::from(throughput_total) / elapsed_days;
    let predicted_wip = average_cycle.map(|c| c * throughput_per_day);
    let carried_in_wip = days(pass.carried_in_ms) / elapsed_days;
    let unfinished_wip = days(pass.unfinished_ms) / elapsed_days;
    let continuous_wip = predicted_wip.unwrap_or(0.0) - carried_in_wip + unfinished_wip;
    let gap = predicted_wip
        .filter(|p| *p > 0.0)
        .map(|p| (average_wip - p) / p);
    let littles_law = LittlesLaw {
        average_wip,
        throughput_per_day,
        average_cycle_days: average_cycle,
        predicted_wip,
        gap,
        large_gap: gap.is_some_and(|g| g.abs() > LITTLES_LAW_LARGE_GAP),
        range_days: elapsed_days,
        short_range: percentile::nearest_rank(&cycles, 85.0)
            .is_some_and(|p85| elapsed_days < 2.0 * p85),
        started_before: pass.started_before,
        carried_in_wip,
        open_at_end: pass.in_progress.len() as u32,
        reopened: pass.reopened,
        canceled: pass.canceled_in_range,
        unfinished_wip,
        sampling: average_wip - continuous_wip,
    };

    FlowReport {
        range: range_info(scope),
        items: pass.items,
        skipped: pass.skipped,
        cycle_time: engine::percentiles_of_sorted(&cycles),
        lead_time: engine::percentiles_of_sorted(&leads),
        cycle_time_by_team,
        scatter: Scatter {
            total: with_cycle.len() as u32,
            points,
            sampled,
        },
        throughput_daily: pass.throughput.clone(),
        throughput_weekly: weeks,
        throughput_total,
        wip_daily,
        cfd,
        aging,
        in_progress,
        efficiency,
        distribution,
        littles_law,
        notes: notes(ix, &pass),
    }
}

/// Per stage, the days inside the range of every item that spent time there, grouped by the
/// item's team slot: one list per stage and, per slot, where its values end (`ends[slot]..
/// ends[slot + 1]`), each slot's values in item order. Read from the pass's examples (one entry
/// per item and stage with time in the range), counted first so each list is made once at its
/// size.
#[doc(hidden)]
pub fn stage_times_by_team(
    ix: &WorkIndex,
    examples: &[Vec<(u32, i64, i64)>],
    slots: usize,
) -> Vec<(Vec<f64>, Vec<usize>)> {
    let slot_of = |i: u32| crate::deps::graph::slot(ix, ix.items[i as usize].team);
    examples
        .iter()
        .map(|list| {
            let mut ends = vec![0usize; slots + 1];
            for (i, _, _) in list {
                ends[slot_of(*i) + 1] += 1;
            }
            for s in 0..slots {
                ends[s + 1] += ends[s];
            }
            let mut next = ends.clone();
            let mut values = vec![0.0; list.len()];
            for (i, _, ms) in list {
                let s = slot_of(*i);
                values[next[s]] = days(*ms);
                next[s] += 1;
            }
            (values, ends)
        })
        .collect()
}

/// The Bottlenecks page from an index, a mapping and a scope (no I/O; titles left empty).
pub fn compute_bottlenecks(ix: &WorkIndex, mapping: &Mapping, scope: &Scope) -> BottleneckReport {
    compute_bottlenecks_with(ix, mapping, scope, None)
}

/// [`compute_bottlenecks`], with the open blocking links at the end of the range already
/// counted (`open_links`, when known: [`bottleneck_report`] keeps the count while nothing it
/// depends on moves).
fn compute_bottlenecks_with(
    ix: &WorkIndex,
    mapping: &Mapping,
    scope: &Scope,
    open_links: Option<u32>,
) -> BottleneckReport {
    let mut pass = engine::run(ix, mapping, scope, engine::Page::Bottlenecks);
    let n = scope.days;

    let slots = ix.teams.len() + 1;
    let mut by_team = stage_times_by_team(ix, &pass.stage_examples, slots);
    let mut matrix = Vec::new();
    for slot in 0..slots {
        if pass.stage_total[slot].iter().all(|ms| *ms == 0) {
            continue;
        }
        let cells = Stage::ALL
            .iter()
            .enumerate()
            .map(|(k, stage)| {
                let (values, ends) = &mut by_team[k];
                let values = &mut values[ends[slot]..ends[slot + 1]];
                StageCell {
                    stage: *stage,
                    total_days: days(pass.stage_total[slot][k]),
                    median_days: percentile::nearest_rank_unsorted(values, 50.0),
                    items: values.len() as u32,
                }
            })
            .collect();
        let (team_id, name) = match ix.teams.get(slot) {
            Some(t) => (t.id.clone(), t.name.clone()),
            None => (String::new(), "No team".to_owned()),
        };
        matrix.push(TeamStages {
            team_id,
            team_name: name,
            cells,
        });
    }

    let waiting_total: i64 = (0..slots)
        .map(|slot| {
            Stage::ALL
                .iter()
                .enumerate()
                .filter(|(_, s)| s.is_waiting())
                .map(|(k, _)| pass.stage_total[slot][k])
                .sum::<i64>()
        })
        .sum();
    let mut wait_reasons: Vec<WaitShare> = Stage::ALL
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_waiting())
        .map(|(k, stage)| {
            let total: i64 = (0..slots).map(|slot| pass.stage_total[slot][k]).sum();
            // The longest waits only are picked and sorted (an item is listed once a stage).
            let examples_of = &mut pass.stage_examples[k];
            let items = examples_of.len() as u32;
            let examples = percentile::first_sorted(examples_of, EXAMPLES, |a, b| {
                b.1.cmp(&a.1).then(a.0.cmp(&b.0))
            });
            WaitShare {
                stage: *stage,
                total_days: days(total),
                share: if waiting_total > 0 {
                    total as f64 / waiting_total as f64
                } else {
                    0.0
                },
                items,
                examples: examples
                    .iter()
                    .map(|(i, whole, in_range)| WaitExample {
                        item: item_ref(ix, *i),
                        team_name: team_name(ix, ix.items[*i as usize].team),
                        days: days(*whole),
                        in_range_days: days(*in_range),
                    })
                    .collect(),
            }
        })
        .filter(|w| w.items > 0)
        .collect();
    wait_reasons.sort_by(|a, b| b.total_days.total_cmp(&a.total_days));

    // Blocker clusters: items waiting at the end of the range that an item still open then
    // blocks, by the blocker's team.
    let mut waiting = vec![false; ix.items.len()];
    for (item, _) in &pass.waiting_now {
        waiting[*item as usize] = true;
    }
    // Each item's state at the range end is worked out once for the clusters and the open
    // blocking links below.
    let mut end_states = engine::EndStates::new(ix, mapping, scope);
    let blockers_of =
        engine::open_blockers_with(ix, scope, &mut end_states, |i| waiting[i as usize]);
    let mut clusters: HashMap<u32, (u32, f64, HashMap<u32, u32>)> = HashMap::new();
    for (item, since) in &pass.waiting_now {
        let Some(blockers) = blockers_of.get(item) else {
            continue;
        };
        let mut teams_seen: Vec<u32> = Vec::new();
        for b in blockers {
            let team = ix.items[*b as usize].team;
            let entry = clusters.entry(team).or_default();
            *entry.2.entry(*b).or_default() += 1;
            if !teams_seen.contains(&team) {
                teams_seen.push(team);
                entry.0 += 1;
                entry.1 += days(scope.as_of - since);
            }
        }
    }
    let mut blocker_clusters: Vec<BlockerCluster> = clusters
        .into_iter()
        .map(|(team, (blocked_items, blocked_days, items))| {
            let mut items: Vec<(u32, u32)> = items.into_iter().collect();
            items.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            BlockerCluster {
                team_id: ix
                    .teams
                    .get(team as usize)
                    .map(|t| t.id.clone())
                    .unwrap_or_default(),
                team_name: if team == NONE {
                    "No team".into()
                } else {
                    team_name(ix, team).unwrap_or_default()
                },
                blocked_items,
                blocked_days,
                blockers: items
                    .into_iter()
                    .take(EXAMPLES)
                    .map(|(i, blocks)| BlockerItem {
                        item: item_ref(ix, i),
                        blocks,
                    })
                    .collect(),
            }
        })
        .collect();
    blocker_clusters.sort_by(|a, b| {
        b.blocked_days
            .total_cmp(&a.blocked_days)
            .then(a.team_name.cmp(&b.team_name))
    });

    let queues = Stage::ALL
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_waiting())
        .map(|(k, stage)| QueueSeries {
            stage: *stage,
            counts: engine::running(&pass.queues[k], n),
        })
        .filter(|q| q.counts.iter().any(|c| *c > 0))
        .collect();

    let segment = |name: &str, pick: fn(&engine::PrTimes) -> Option<i64>| {
        let mut ms: Vec<i64> = pass.pull_requests.iter().filter_map(pick).collect();
        PrSegment {
            segment: name.into(),
            days: engine::percentiles_of_ms(&mut ms),
        }
    };
    let pr_segments = vec![
        segment("coding", |p| p.coding),
        segment("pickup", |p| p.pickup),
        segment("review", |p| p.review),
        segment("merge", |p| p.merge),
    ];

    // Open blocking links at the end of the range, across all teams: the one definition
    // (`deps::graph::open_blocking_links`, counted without listing them), states judged at that
    // moment like blocker clusters (each item's worked out once for both).
    let open_blocking_links = open_links.unwrap_or_else(|| {
        crate::deps::graph::count_open_blocking_links(ix, scope.as_of, |i| end_states.closed(i))
            as u32
    });

    BottleneckReport {
        range: range_info(scope),
        open_blocking_links,
        items: pass.items,
        skipped: pass.skipped,
        stages: Stage::ALL.to_vec(),
        matrix,
        wait_reasons,
        blocker_clusters,
        queues,
        pull_requests: pass.pull_requests.len() as u32,
        pr_segments,
        notes: notes(ix, &pass),
    }
}

/// The index, the mapping and the scope of a filter on a workspace.
pub async fn prepare(
    ws: &Workspace,
    filter: &FlowFilter,
    now: i64,
) -> CoreResult<(std::sync::Arc<WorkIndex>, Mapping, Scope)> {
    let (ix, mapping, scope, _) = prepare_keyed(ws, filter, now).await?;
    Ok((ix, mapping, scope))
}

/// [`prepare`], and the workflow map's rows the mapping was built from.
async fn prepare_keyed(
    ws: &Workspace,
    filter: &FlowFilter,
    now: i64,
) -> CoreResult<(std::sync::Arc<WorkIndex>, Mapping, Scope, Vec<WorkflowMap>)> {
    let ix = ws.index().await?;
    let rows = repo::workflow_maps::list(ws.pool()).await?;
    let mapping = Mapping::build(&ix, &rows);
    let mut scope = Scope::resolve_after(&ix, filter, now, latest_updated(ws, &ix))?;
    scope.questions = crate::approvals::question_waits(ws, &ix).await?;
    Ok((ix, mapping, scope, rows))
}

/// The open blocking links a Bottlenecks page counted at the end of its range, kept with what
/// the count depends on: the index (its generation), the workflow map (which says which states
/// are done or canceled), and the end of the range, but only while that end is after the last
/// instant the index records (an item made, a change, a link made or removed). From then on
/// every item's state and every link is what it will be at any later end, so the same count
/// answers each page asked at a later "now" (every page asked about today: its range ends at
/// the moment it is asked). Counting them means working out the state of every end of a
/// standing link at that moment, a third of the page's time on a 200,000-item workspace.
#[derive(Debug, Default)]
struct KeptOpenLinks {
    /// The index generation and item count `last` was read from.
    index: Option<(u64, usize)>,
    /// The last instant the index records.
    last: i64,
    /// The workflow map's rows and the count, once counted past `last`.
    count: Option<(Vec<WorkflowMap>, u32)>,
}

/// The last instant `ix` records: an item made, a change, a link made or removed.
fn last_instant(ix: &WorkIndex) -> i64 {
    let items = ix.items.iter().map(|i| i.created);
    let events = ix.events.iter().map(|e| e.at);
    let links = ix
        .links
        .iter()
        .map(|l| l.removed.map_or(l.created, |r| r.max(l.created)));
    items.chain(events).chain(links).max().unwrap_or(i64::MIN)
}

/// The kept count of open blocking links for a range ending at `as_of` (see
/// [`KeptOpenLinks`]), if one holds; and whether a count made at `as_of` may be kept.
fn kept_open_links(
    ws: &Workspace,
    ix: &WorkIndex,
    map: &[WorkflowMap],
    as_of: i64,
) -> (Option<u32>, bool) {
    let slot = open_links_slot(ws);
    let Ok(mut kept) = slot.lock() else {
        return (None, false);
    };
    let index = (ix.generation, ix.items.len());
    if kept.index != Some(index) {
        *kept = KeptOpenLinks {
            index: Some(index),
            last: last_instant(ix),
            count: None,
        };
    }
    if as_of <= kept.last {
        return (None, false);
    }
    let count = kept
        .count
        .as_ref()
        .filter(|(kept_map, _)| kept_map.as_slice() == map)
        .map(|(_, count)| *count);
    (count, count.is_none())
}

/// Keeps `count`, counted on `ix` with the workflow map `map` past its last instant.
fn keep_open_links(ws: &Workspace, ix: &WorkIndex, map: Vec<WorkflowMap>, count: u32) {
    if let Ok(mut kept) = open_links_slot(ws).lock() {
        if kept.index == Some((ix.generation, ix.items.len())) {
            kept.count = Some((map, count));
        }
    }
}

/// Where a workspace keeps its count of open blocking links (its derived state).
fn open_links_slot(ws: &Workspace) -> std::sync::Arc<std::sync::Mutex<KeptOpenLinks>> {
    ws.derived_slot("open-blocking-links")
}

/// The latest `updated` of the index's items (None when it holds none), kept per index
/// generation: every question's default range ends on its day, and reading it from every item
/// took a tenth of a page's time.
pub(crate) fn latest_updated(ws: &Workspace, ix: &WorkIndex) -> Option<i64> {
    type Kept = std::sync::Mutex<Option<(u64, usize, Option<i64>)>>;
    let slot = ws.derived_slot::<Kept>("latest-updated");
    if let Ok(kept) = slot.lock() {
        if let Some((_, _, latest)) = kept
            .as_ref()
            .filter(|(g, n, _)| *g == ix.generation && *n == ix.items.len())
        {
            return *latest;
        }
    }
    let latest = ix.items.iter().map(|i| i.updated).max();
    if let Ok(mut kept) = slot.lock() {
        *kept = Some((ix.generation, ix.items.len(), latest));
    }
    latest
}

/// Fills in the titles of item references (the index keeps only folded titles).
pub(crate) async fn titles(ws: &Workspace, refs: Vec<&mut ItemRef>) -> CoreResult<()> {
    if refs.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = refs.iter().map(|r| r.id.as_str()).collect();
    let json = serde_json::to_string(&ids).map_err(|e| crate::CoreError::Invalid(e.to_string()))?;
    // Titles are read leniently: one that is not valid UTF-8 shows with U+FFFD.
    let rows: Vec<(LossyText, LossyText)> =
        sqlx::query_as("SELECT i.id, i.title FROM json_each(?1) j JOIN items i ON i.id = j.value")
            .bind(json)
            .fetch_all(ws.pool())
            .await?;
    let by_id: HashMap<String, String> =
        rows.into_iter().map(|(id, t)| (id.text, t.text)).collect();
    for r in refs {
        if let Some(title) = by_id.get(&r.id) {
            r.title = title.clone();
        }
    }
    Ok(())
}

/// The Flow page of a workspace, measured at `now` at the latest.
pub async fn flow_report(ws: &Workspace, filter: &FlowFilter, now: i64) -> CoreResult<FlowReport> {
    let (ix, mapping, scope) = prepare(ws, filter, now).await?;
    let mut report = compute_flow(&ix, &mapping, &scope);
    titles(ws, report.aging.iter_mut().map(|a| &mut a.item).collect()).await?;
    Ok(report)
}

/// The Bottlenecks page of a workspace, measured at `now` at the latest.
pub async fn bottleneck_report(
    ws: &Workspace,
    filter: &FlowFilter,
    now: i64,
) -> CoreResult<BottleneckReport> {
    let (ix, mapping, scope, map) = prepare_keyed(ws, filter, now).await?;
    let (kept, may_keep) = kept_open_links(ws, &ix, &map, scope.as_of);
    let mut report = compute_bottlenecks_with(&ix, &mapping, &scope, kept);
    if may_keep {
        keep_open_links(ws, &ix, map, report.open_blocking_links);
    }
    let mut refs: Vec<&mut ItemRef> = Vec::new();
    for w in report.wait_reasons.iter_mut() {
        refs.extend(w.examples.iter_mut().map(|e| &mut e.item));
    }
    for c in report.blocker_clusters.iter_mut() {
        refs.extend(c.blockers.iter_mut().map(|b| &mut b.item));
    }
    titles(ws, refs).await?;
    Ok(report)
}

/// The items behind a number of either page.
pub async fn flow_items(
    ws: &Workspace,
    filter: &FlowFilter,
    selection: &FlowSelection,
    now: i64,
) -> CoreResult<FlowItems> {
    let (ix, mapping, scope) = prepare(ws, filter, now).await?;
    let mut items = drill::drill(&ix, &mapping, &scope, selection);
    titles(ws, items.items.iter_mut().map(|i| &mut i.item).collect()).await?;
    Ok(items)
}
