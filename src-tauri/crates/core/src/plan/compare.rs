//! Scenarios compared side by side with the baseline: each intent's finish at 50% and 85%
//! confidence, its critical path, the team that becomes its bottleneck, WIP per team, and the
//! difference explained in words. Definitions in `docs/metrics.md` ("Scenarios").
//!
//! Every column is simulated with the same seed (common random numbers): a change that cannot
//! reach an intent's network leaves its forecast exactly as it was, so a difference is the
//! change's, not the dice's.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::demo::rng::Rng;
use crate::deps::graph::slot;
use crate::error::{CoreError, CoreResult};
use crate::flow::{item_ref, FlowFilter, ItemRef, Mapping};
use crate::graph::index::WorkIndex;
use crate::graph::model::FlowState;
use crate::graph::Workspace;

use super::scenario::{describe_with, ItemLookup, Overlay, Scenario};
use super::{
    checked, dependency_forecast, team_label, Forecast, ForecastMethod, IntentOwn, IntentShared,
    NetworkRun, Node, Prepared, Question, DEFAULT_SEED, DEFAULT_WINDOW_DAYS, WINDOW_DAYS,
};

/// Trials per forecast in a comparison, by default (each column simulates every intent).
pub const DEFAULT_COMPARE_TRIALS: u32 = 2_000;
const COMPARE_TRIALS: std::ops::RangeInclusive<u32> = 100..=20_000;
/// The most scenarios compared at once.
pub const MAX_COMPARED: usize = 6;
/// The most changes of one scenario run alone to explain one intent's difference.
const MAX_ALONE: usize = 3;
/// The most items of a critical path listed.
const PATH_SHOWN: usize = 12;

/// What to compare.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", default)]
pub struct CompareSpec {
    /// The range end and time zone the forecasts start from (the slices are not used).
    pub filter: FlowFilter,
    /// Scenario ids (or names), one column each after the baseline.
    pub scenarios: Vec<String>,
    /// Intent ids; empty: every intent with open items.
    pub intents: Vec<String>,
    pub window_days: Option<u32>,
    /// Trials per forecast (default 2,000, 100 to 20,000).
    pub trials: Option<u32>,
    pub seed: Option<u32>,
}

/// One column: the baseline (no id) or a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CompareColumn {
    pub id: Option<String>,
    pub name: String,
    /// Each change in words.
    pub changes: Vec<String>,
    /// Changes left out because what they name is not in the graph.
    pub warnings: Vec<String>,
}

/// A finish date at one confidence.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Finish {
    /// Days from the first forecast day (0: nothing left).
    pub days: u32,
    /// `YYYY-MM-DD`; None when nothing is left.
    pub date: Option<String>,
}

/// One item of a critical path.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PathStep {
    /// The item (empty id for new scope a scenario adds; its title is the change's).
    pub item: ItemRef,
    pub team: String,
    /// Share of the trials in which it was on the critical path (percent).
    pub share: u32,
    pub added: bool,
}

/// The team whose queue adds most days to an intent's critical path.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Bottleneck {
    pub team: String,
    /// Days its queue adds to the critical path, on average over the trials.
    pub days: f64,
    /// Its share of the critical path's days (percent).
    pub share: u32,
}

/// An intent under one column.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct IntentCell {
    pub items: u32,
    pub upstream_items: u32,
    pub p50: Option<Finish>,
    pub p85: Option<Finish>,
    /// Days later (positive) or earlier (negative) than the baseline; None for the baseline
    /// or when either has no date.
    pub delta_p50: Option<i32>,
    pub delta_p85: Option<i32>,
    pub critical_path: Vec<PathStep>,
    /// Items on the critical path in all (the list shows the first twelve).
    pub critical_length: u32,
    pub bottleneck: Option<Bottleneck>,
    /// Risks in words: waits on other teams on the critical path, teams without pace, cycles.
    pub risks: Vec<String>,
    pub notes: Vec<String>,
}

/// An intent across the columns.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct IntentRow {
    pub id: String,
    pub name: String,
    pub cells: Vec<IntentCell>,
}

/// A team under one column.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamCell {
    /// Open items it has started (its WIP).
    pub wip: u32,
    /// Open items, started or not (new scope included).
    pub open: u32,
    /// Intents whose bottleneck it is.
    pub bottleneck_of: Vec<String>,
}

/// A team across the columns.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamRow {
    pub team: String,
    pub cells: Vec<TeamCell>,
}

/// A difference from the baseline, in words.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    pub scenario: String,
    pub intent: String,
    /// Days at 85% confidence (negative: earlier).
    pub days: i32,
    pub text: String,
}

/// The comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    pub start: String,
    pub window_from: String,
    pub window_to: String,
    pub window_days: u32,
    pub trials: u32,
    pub seed: u32,
    pub columns: Vec<CompareColumn>,
    pub intents: Vec<IntentRow>,
    pub teams: Vec<TeamRow>,
    pub explanations: Vec<Explanation>,
    pub notes: Vec<String>,
}

/// What one intent's forecasts share across the columns.
struct IntentBase<'a> {
    at: usize,
    shared: &'a IntentShared,
    own: IntentOwn,
}

/// One intent forecast under an overlay.
#[derive(Clone)]
struct Run {
    report: Forecast,
    network: Option<NetworkRun>,
}

fn run_intent(
    ix: &WorkIndex,
    prep: &Prepared,
    base: &IntentBase<'_>,
    overlay: &Overlay,
    trials: u32,
    seed: u32,
) -> Run {
    let mut report = Forecast {
        question: Question::When { items: None },
        method: ForecastMethod::Dependencies,
        label: ix.intents[base.at].name.clone(),
        start: String::new(),
        window_from: String::new(),
        window_to: String::new(),
        window_days: prep.window,
        trials,
        seed,
        history_finished: 0,
        history_days_with_finish: 0,
        items: 0,
        horizon_days: 0,
        levels: Vec::new(),
        histogram: Vec::new(),
        beyond_limit: 0,
        backtest: None,
        teams: Vec::new(),
        upstream_items: 0,
        items_in_cycles: 0,
        notes: Vec::new(),
    };
    let mut notes = Vec::new();
    let mut rng = Rng::new(u64::from(seed));
    let network = dependency_forecast(
        ix,
        prep,
        &base.shared.inputs(&base.own),
        overlay,
        trials,
        &mut rng,
        &mut report,
        &mut notes,
    );
    if report.beyond_limit > 0 {
        notes.push(format!(
            "{} of {} trials did not finish within ten years.",
            report.beyond_limit, report.trials
        ));
    }
    report.notes = notes;
    Run { report, network }
}

fn finish(f: &Forecast, confidence: u32) -> Option<Finish> {
    let l = f.levels.iter().find(|l| l.confidence == confidence)?;
    Some(Finish {
        days: l.days?,
        date: l.date.clone(),
    })
}

/// The critical path of a run: from the target item most often last, back through the blocker
/// most often on the path.
fn critical_path(
    ix: &WorkIndex,
    overlay: &Overlay,
    run: &NetworkRun,
    trials: u32,
) -> (Vec<PathStep>, u32, Vec<usize>) {
    let sim = &run.sim;
    let finished = sim.days.iter().filter(|d| d.is_some()).count() as u32;
    if finished == 0 {
        return (Vec::new(), 0, Vec::new());
    }
    // Blockers of each job, from the simulation's input order (nodes are in job order).
    let mut path: Vec<usize> = Vec::new();
    let Some(mut at) = (0..run.nodes.len())
        .filter(|j| run.jobs[*j].target)
        .max_by_key(|j| (sim.critical[*j], std::cmp::Reverse(*j)))
    else {
        return (Vec::new(), 0, Vec::new());
    };
    let mut seen = vec![false; run.nodes.len()];
    while !seen[at] && sim.critical[at] > 0 {
        seen[at] = true;
        path.push(at);
        match run.jobs[at]
            .blockers
            .iter()
            .map(|b| *b as usize)
            .filter(|b| sim.critical[*b] > 0)
            .max_by_key(|b| (sim.critical[*b], std::cmp::Reverse(*b)))
        {
            Some(b) => at = b,
            None => break,
        }
    }
    // Listed in the order work happens: the first blocker first.
    path.reverse();
    let length = path.len() as u32;
    let steps = path
        .iter()
        .take(PATH_SHOWN)
        .map(|j| {
            let share = (u64::from(sim.critical[*j]) * 100 / u64::from(trials.max(1))) as u32;
            let team = team_label(ix, run.lane_team[run.jobs[*j].lane]);
            match run.nodes[*j] {
                Node::Item(i) => PathStep {
                    item: item_ref(ix, i),
                    team,
                    share,
                    added: false,
                },
                Node::New { added, n } => {
                    let scope = &overlay.added[added as usize];
                    PathStep {
                        item: ItemRef {
                            id: String::new(),
                            key: format!("new {}/{}", n + 1, scope.count),
                            title: scope.title.clone(),
                        },
                        team,
                        share,
                        added: true,
                    }
                }
            }
        })
        .collect();
    (steps, length, path)
}

fn bottleneck(ix: &WorkIndex, run: &NetworkRun) -> Option<Bottleneck> {
    let finished = run.sim.days.iter().filter(|d| d.is_some()).count() as u64;
    if finished == 0 {
        return None;
    }
    let mut by_team: HashMap<usize, u64> = HashMap::new();
    for (lane, days) in run.sim.lane_days.iter().enumerate() {
        *by_team.entry(run.lane_team[lane]).or_default() += days;
    }
    let total: u64 = by_team.values().sum();
    let (team, days) = by_team
        .into_iter()
        .max_by_key(|(t, d)| (*d, std::cmp::Reverse(*t)))?;
    if total == 0 {
        return None;
    }
    Some(Bottleneck {
        team: team_label(ix, team),
        days: (days as f64 / finished as f64 * 10.0).round() / 10.0,
        share: (days * 100 / total) as u32,
    })
}

/// Risks of a run in words: critical-path items that wait on another team's item (unless
/// de-risked), and the run's notes that say a figure is fragile.
fn risks(ix: &WorkIndex, overlay: &Overlay, run: &Run, path: &[usize]) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(net) = &run.network {
        for j in path {
            let Node::Item(i) = net.nodes[*j] else {
                continue;
            };
            if overlay.derisked.contains(&i) {
                continue;
            }
            let team = net.lane_team[net.jobs[*j].lane];
            for b in &net.jobs[*j].blockers {
                let other = net.lane_team[net.jobs[*b as usize].lane];
                if other != team {
                    let who = match net.nodes[*b as usize] {
                        Node::Item(k) => ix.item_keys.get(k as usize).unwrap_or("").to_owned(),
                        Node::New { added, .. } => overlay.added[added as usize].title.clone(),
                    };
                    out.push(format!(
                        "{} ({}) waits for {who} of {} on the critical path.",
                        ix.item_keys.get(i as usize).unwrap_or(""),
                        team_label(ix, team),
                        team_label(ix, other)
                    ));
                }
            }
        }
    }
    for n in &run.report.notes {
        if n.contains("whole pace") || n.contains("cycle") || n.contains("No forecast") {
            out.push(n.clone());
        }
    }
    out
}

fn cell(
    ix: &WorkIndex,
    overlay: &Overlay,
    run: &Run,
    base: Option<&Run>,
    trials: u32,
) -> IntentCell {
    let f = &run.report;
    let (p50, p85) = (finish(f, 50), finish(f, 85));
    let delta = |c: u32| -> Option<i32> {
        let b = finish(&base?.report, c)?;
        let s = finish(f, c)?;
        Some(s.days as i32 - b.days as i32)
    };
    let (critical_path, critical_length, path) = match &run.network {
        Some(net) => critical_path(ix, overlay, net, trials),
        None => (Vec::new(), 0, Vec::new()),
    };
    IntentCell {
        items: f.items,
        upstream_items: f.upstream_items,
        p50,
        p85,
        delta_p50: base.and(delta(50)),
        delta_p85: base.and(delta(85)),
        critical_path,
        critical_length,
        bottleneck: run.network.as_ref().and_then(|n| bottleneck(ix, n)),
        risks: risks(ix, overlay, run, &path),
        notes: f.notes.clone(),
    }
}

/// Whether an open item has started (counts in its team's WIP).
fn started(prep: &Prepared, i: usize) -> bool {
    prep.facts.start[i].is_some()
        && matches!(prep.facts.flow[i], FlowState::Active | FlowState::Waiting)
}

/// WIP and open items per team slot in the live graph.
fn team_load(ix: &WorkIndex, prep: &Prepared) -> Vec<(u32, u32)> {
    let mut load = vec![(0u32, 0u32); ix.teams.len() + 1];
    for i in 0..ix.items.len() {
        if !prep.open(ix, i) {
            continue;
        }
        let team = slot(ix, ix.items[i].team);
        load[team].1 += 1;
        if started(prep, i) {
            load[team].0 += 1;
        }
    }
    load
}

/// WIP and open items per team slot under an overlay: the live graph's, with what the overlay
/// removes, moves and adds (only the items it names are read).
fn overlay_load(
    ix: &WorkIndex,
    prep: &Prepared,
    overlay: &Overlay,
    live: &[(u32, u32)],
) -> Vec<(u32, u32)> {
    let mut load = live.to_vec();
    let take = |load: &mut Vec<(u32, u32)>, team: usize, i: usize, sign: bool| {
        let wip = u32::from(started(prep, i));
        let (w, o) = &mut load[team];
        if sign {
            *w += wip;
            *o += 1;
        } else {
            *w = w.saturating_sub(wip);
            *o = o.saturating_sub(1);
        }
    };
    for i in &overlay.removed {
        let i = *i as usize;
        if i < ix.items.len() && prep.open(ix, i) {
            take(&mut load, slot(ix, ix.items[i].team), i, false);
        }
    }
    for (i, team) in &overlay.team {
        let i = *i as usize;
        if i < ix.items.len() && prep.open(ix, i) && !overlay.removed.contains(&(i as u32)) {
            take(&mut load, slot(ix, ix.items[i].team), i, false);
            take(&mut load, *team, i, true);
        }
    }
    for scope in &overlay.added {
        load[scope.team].1 += scope.count;
    }
    load
}

/// Whether a change can move an intent's forecast: it names an item of the intent's network
/// (in the baseline or the scenario), a team working on it, or adds scope to it.
fn touches(overlay: &Overlay, change: usize, nets: &[&NetworkRun], within: &[bool]) -> bool {
    let Some(t) = overlay.touches.get(change) else {
        return false;
    };
    if !t.resolved {
        return false;
    }
    if t.intent
        .is_some_and(|x| within.get(x as usize).copied().unwrap_or(false))
    {
        return true;
    }
    nets.iter().any(|net| {
        t.items.iter().any(|i| net.nodes.contains(&Node::Item(*i)))
            || t.teams.iter().any(|team| net.lane_team.contains(team))
    })
}

/// Whether an overlay can give an intent another forecast than the baseline's: one of its
/// changes names an item of the baseline's network, changes the pace of a team with a lane in
/// it, or adds scope to the intent. Otherwise the scenario's network is the baseline's (its
/// targets, their blockers, lanes, order and sizes are only changed through items it holds) and
/// each lane's dice are its own, so the baseline's run is the scenario's, trial by trial.
/// Partly resolved changes count too (what did resolve is in the overlay).
fn reaches(overlay: &Overlay, net: &NetworkRun, within: &[bool]) -> bool {
    let members: std::collections::HashSet<u32> = net
        .nodes
        .iter()
        .filter_map(|n| match n {
            Node::Item(i) => Some(*i),
            Node::New { .. } => None,
        })
        .collect();
    overlay.touches.iter().any(|t| {
        t.intent
            .is_some_and(|x| within.get(x as usize).copied().unwrap_or(false))
            || t.items.iter().any(|i| members.contains(i))
            || (t.pace && t.teams.iter().any(|team| net.lane_team.contains(team)))
    })
}

fn when(days: i32) -> String {
    let n = days.unsigned_abs();
    let unit = if n == 1 { "day" } else { "days" };
    if days < 0 {
        format!("forward by {n} {unit}")
    } else {
        format!("back by {n} {unit}")
    }
}

/// Runs `f` on every element of `work` over up to `threads` workers, each taking the next
/// element as it frees up, and answers in `work`'s order. An element whose worker panicked is
/// run again here (the same answer, more slowly).
fn in_order_on_cores<T: Send>(
    work: &[usize],
    threads: usize,
    f: impl Fn(usize) -> T + Sync,
) -> Vec<T> {
    let threads = threads.clamp(1, work.len().max(1));
    if threads == 1 {
        return work.iter().map(|w| f(*w)).collect();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<Option<T>> = std::iter::repeat_with(|| None).take(work.len()).collect();
    std::thread::scope(|scope| {
        let (f, next) = (&f, &next);
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let mut mine = Vec::new();
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some(w) = work.get(k) else { break };
                        mine.push((k, f(*w)));
                    }
                    mine
                })
            })
            .collect();
        for h in handles {
            for (k, t) in h.join().unwrap_or_default() {
                done[k] = Some(t);
            }
        }
    });
    done.into_iter()
        .zip(work)
        .map(|(t, w)| t.unwrap_or_else(|| f(*w)))
        .collect()
}

/// Compares the baseline with `scenarios` on an index. `names` is what each intent (in the
/// index's order) is called in the rows and explanations (the lists' labels, which tell apart
/// intents of one title); an intent past its end is called by its title.
pub fn compare_on(
    ix: &WorkIndex,
    mapping: &Mapping,
    spec: &CompareSpec,
    scenarios: &[Scenario],
    now: i64,
    names: &[String],
) -> CoreResult<Comparison> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    compare_on_cores(ix, mapping, spec, scenarios, now, names, threads)
}

/// [`compare_on`] with the intents spread over `threads` workers (1: one after the other).
pub(super) fn compare_on_cores(
    ix: &WorkIndex,
    mapping: &Mapping,
    spec: &CompareSpec,
    scenarios: &[Scenario],
    now: i64,
    names: &[String],
    threads: usize,
) -> CoreResult<Comparison> {
    if scenarios.len() > MAX_COMPARED {
        return Err(CoreError::Invalid(format!(
            "at most {MAX_COMPARED} scenarios can be compared at once"
        )));
    }
    let window = checked(
        spec.window_days,
        DEFAULT_WINDOW_DAYS,
        WINDOW_DAYS,
        "the history window (days)",
    )?;
    let trials = checked(
        spec.trials,
        DEFAULT_COMPARE_TRIALS,
        COMPARE_TRIALS,
        "the number of trials",
    )?;
    let seed = spec.seed.unwrap_or(DEFAULT_SEED);
    let prep = Prepared::new(ix, mapping, &spec.filter, window, now, true)?;
    let shared = IntentShared::new(ix, &prep);
    let offset = prep.set.offset_ms;

    // Columns: the baseline, then each scenario resolved against the index.
    let mut columns = vec![CompareColumn {
        id: None,
        name: "Baseline".into(),
        changes: Vec::new(),
        warnings: Vec::new(),
    }];
    // Each scenario's items are looked up once (one pass over the index), for its overlay, its
    // changes in words and its changes resolved alone to explain a difference.
    let lookups: Vec<ItemLookup> = scenarios
        .iter()
        .map(|s| ItemLookup::new(ix, &s.changes))
        .collect();
    let mut overlays = vec![Overlay::default()];
    for (s, lookup) in scenarios.iter().zip(&lookups) {
        let (overlay, warnings) = Overlay::resolve_with(ix, &s.changes, offset, lookup);
        columns.push(CompareColumn {
            id: Some(s.id.clone()),
            name: s.name.clone(),
            changes: s
                .changes
                .iter()
                .map(|c| describe_with(ix, c, lookup))
                .collect(),
            warnings,
        });
        overlays.push(overlay);
    }
    // Each change alone, resolved the first time an explanation needs it (by whichever worker
    // needs it first: resolving is pure, so every worker reads the same overlay).
    let alone_overlays: Vec<Vec<OnceLock<Overlay>>> = scenarios
        .iter()
        .map(|s| (0..s.changes.len()).map(|_| OnceLock::new()).collect())
        .collect();

    // The intents: those asked, else every intent with open items (or new scope) in any column.
    let chosen: Vec<usize> = if spec.intents.is_empty() {
        (0..ix.intents.len()).collect()
    } else {
        spec.intents
            .iter()
            .map(|id| {
                ix.intents
                    .iter()
                    .position(|n| &n.id == id)
                    .ok_or_else(|| CoreError::NotFound(format!("intent {id}")))
            })
            .collect::<CoreResult<Vec<usize>>>()?
    };
    let keep_empty = !spec.intents.is_empty();
    // One intent's columns and explanations: its own forecasts, read-only use of everything
    // else, so the intents are compared side by side on the cores and put back in order.
    let one = |at: usize| -> Option<(IntentRow, Vec<Explanation>)> {
        let base = IntentBase {
            at,
            shared: &shared,
            own: shared.intent(ix, &prep, at),
        };
        // A scenario none of whose changes reaches the baseline's network (its items, the pace
        // of its teams, new scope for the intent) gives exactly the baseline: each team's dice
        // are its own, so it is not simulated again.
        let baseline = run_intent(ix, &prep, &base, &overlays[0], trials, seed);
        let mut runs: Vec<Run> = Vec::with_capacity(overlays.len());
        for o in &overlays[1..] {
            let reached = match &baseline.network {
                None => true,
                Some(net) => reaches(o, net, &base.own.within),
            };
            runs.push(if reached {
                run_intent(ix, &prep, &base, o, trials, seed)
            } else {
                baseline.clone()
            });
        }
        runs.insert(0, baseline);
        if !keep_empty && runs.iter().all(|r| r.report.items == 0) {
            return None;
        }
        let name = names
            .get(at)
            .cloned()
            .unwrap_or_else(|| ix.intents[at].name.clone());
        let cells: Vec<IntentCell> = runs
            .iter()
            .enumerate()
            .map(|(c, r)| {
                cell(
                    ix,
                    &overlays[c],
                    r,
                    if c == 0 { None } else { Some(&runs[0]) },
                    trials,
                )
            })
            .collect();
        let mut explanations = Vec::new();
        // The differences in words: the change that moved it, else each change alone.
        for (c, s) in scenarios.iter().enumerate() {
            let col = c + 1;
            let Some(delta) = cells[col].delta_p85 else {
                continue;
            };
            if delta == 0 {
                continue;
            }
            let overlay = &overlays[col];
            let words = &columns[col].changes;
            let nets: Vec<&NetworkRun> = [&runs[0], &runs[col]]
                .iter()
                .filter_map(|r| r.network.as_ref())
                .collect();
            let moving: Vec<usize> = (0..s.changes.len())
                .filter(|k| touches(overlay, *k, &nets, &base.own.within))
                .collect();
            let dates = format!(
                "{} \u{2192} {}",
                cells[0]
                    .p85
                    .as_ref()
                    .and_then(|f| f.date.clone())
                    .unwrap_or_else(|| "now".into()),
                cells[col]
                    .p85
                    .as_ref()
                    .and_then(|f| f.date.clone())
                    .unwrap_or_else(|| "now".into())
            );
            let verb = if delta < 0 { "brings" } else { "pushes" };
            let text = if moving.len() == 1 {
                format!(
                    "{} {verb} \u{201c}{name}\u{201d} {} at P85 ({dates}).",
                    words[moving[0]],
                    when(delta)
                )
            } else {
                // Each change alone, against the baseline.
                let mut parts: Vec<(i32, String)> = Vec::new();
                let mut only: Option<(i32, usize)> = None;
                // Each change alone costs a simulation: at most a few, else the scenario is
                // named with the changes that reach the intent.
                let alone: &[usize] = if moving.len() <= MAX_ALONE {
                    &moving
                } else {
                    &[]
                };
                for k in alone {
                    let alone = alone_overlays[c][*k].get_or_init(|| {
                        Overlay::resolve_with(
                            ix,
                            std::slice::from_ref(&s.changes[*k]),
                            offset,
                            &lookups[c],
                        )
                        .0
                    });
                    // A change that cannot reach the baseline's network alone leaves it as it was.
                    let unmoved = runs[0]
                        .network
                        .as_ref()
                        .is_some_and(|net| !reaches(alone, net, &base.own.within));
                    let d = if unmoved {
                        0
                    } else {
                        let r = run_intent(ix, &prep, &base, alone, trials, seed);
                        match (finish(&r.report, 85), cells[0].p85.as_ref()) {
                            (Some(a), Some(b)) => a.days as i32 - b.days as i32,
                            _ => 0,
                        }
                    };
                    if d != 0 {
                        only = if parts.is_empty() {
                            Some((d, *k))
                        } else {
                            None
                        };
                        parts.push((d, format!("{} alone: {:+} days", words[*k], d)));
                    }
                }
                parts.sort_by_key(|(d, _)| std::cmp::Reverse(d.abs()));
                if let Some((_, k)) = only.filter(|(d, _)| *d == delta) {
                    // One change does it all: say so, naming the scenario it belongs to.
                    format!(
                            "{} (\u{201c}{}\u{201d}) {verb} \u{201c}{name}\u{201d} {} at P85 ({dates}).",
                            words[k],
                            s.name,
                            when(delta)
                        )
                } else {
                    let mut text = format!(
                        "\u{201c}{}\u{201d} {verb} \u{201c}{name}\u{201d} {} at P85 ({dates})",
                        s.name,
                        when(delta)
                    );
                    if alone.is_empty() {
                        text.push_str(&format!(
                            " through {} of its changes: {}",
                            moving.len(),
                            moving
                                .iter()
                                .map(|k| words[*k].as_str())
                                .collect::<Vec<_>>()
                                .join("; ")
                        ));
                    } else if !parts.is_empty() {
                        text.push_str(": ");
                        text.push_str(
                            &parts
                                .iter()
                                .map(|(_, p)| p.as_str())
                                .collect::<Vec<_>>()
                                .join("; "),
                        );
                        if parts.len() > 1 {
                            text.push_str(
                                " (changes together need not add up: they share teams and paths)",
                            );
                        }
                    }
                    text.push('.');
                    text
                }
            };
            explanations.push(Explanation {
                scenario: s.name.clone(),
                intent: name.clone(),
                days: delta,
                text,
            });
        }
        Some((
            IntentRow {
                id: ix.intents[at].id.clone(),
                name,
                cells,
            },
            explanations,
        ))
    };
    let mut intents = Vec::new();
    let mut explanations = Vec::new();
    let mut bottlenecks: Vec<HashMap<String, Vec<String>>> = vec![HashMap::new(); overlays.len()];
    for (row, said) in in_order_on_cores(&chosen, threads, one)
        .into_iter()
        .flatten()
    {
        for (c, cl) in row.cells.iter().enumerate() {
            if let Some(b) = &cl.bottleneck {
                bottlenecks[c]
                    .entry(b.team.clone())
                    .or_default()
                    .push(row.name.clone());
            }
        }
        explanations.extend(said);
        intents.push(row);
    }
    explanations.sort_by_key(|e| std::cmp::Reverse(e.days.abs()));

    // Teams: WIP and open items under each column, and the intents each is the bottleneck of.
    let live = team_load(ix, &prep);
    let loads: Vec<Vec<(u32, u32)>> = overlays
        .iter()
        .map(|o| overlay_load(ix, &prep, o, &live))
        .collect();
    let mut teams = Vec::new();
    for s in 0..=ix.teams.len() {
        if loads.iter().all(|l| l[s] == (0, 0)) {
            continue;
        }
        let name = team_label(ix, s);
        teams.push(TeamRow {
            cells: loads
                .iter()
                .enumerate()
                .map(|(c, l)| TeamCell {
                    wip: l[s].0,
                    open: l[s].1,
                    bottleneck_of: bottlenecks[c].get(&name).cloned().unwrap_or_default(),
                })
                .collect(),
            team: name,
        });
    }
    let mut notes = Vec::new();
    if intents.is_empty() {
        notes.push("No intent has open items: there is nothing to compare.".into());
    }
    let label = |t: i64| super::day_label(t, offset);
    Ok(Comparison {
        start: label(prep.start),
        window_from: label(prep.start - i64::from(window) * crate::time::DAY_MS),
        window_to: label(prep.start - crate::time::DAY_MS),
        window_days: window,
        trials,
        seed,
        columns,
        intents,
        teams,
        explanations,
        notes,
    })
}

/// Finds the scenarios `refs` names (ids or names), in that order.
pub fn pick(all: &[Scenario], refs: &[String]) -> CoreResult<Vec<Scenario>> {
    refs.iter()
        .map(|r| {
            all.iter()
                .find(|s| &s.id == r || s.name.eq_ignore_ascii_case(r.trim()))
                .cloned()
                .ok_or_else(|| CoreError::NotFound(format!("scenario {r}")))
        })
        .collect()
}

/// Compares the baseline with the scenarios `spec` names, on a workspace.
pub async fn compare(ws: &Workspace, spec: &CompareSpec, now: i64) -> CoreResult<Comparison> {
    let all = super::scenario::list(ws).await?;
    let chosen = pick(&all, &spec.scenarios)?;
    let (ix, mapping, _) = crate::flow::prepare(ws, &spec.filter, now).await?;
    let labels = crate::intents::labels::intent_labels(ws).await?;
    let names: Vec<String> = ix
        .intents
        .iter()
        .map(|n| labels.get(&n.id).cloned().unwrap_or_else(|| n.name.clone()))
        .collect();
    let mut out = compare_on(&ix, &mapping, spec, &chosen, now, &names)?;
    let mut refs: Vec<&mut ItemRef> = Vec::new();
    for row in &mut out.intents {
        for c in &mut row.cells {
            for s in &mut c.critical_path {
                if !s.added {
                    refs.push(&mut s.item);
                }
            }
        }
    }
    crate::flow::titles(ws, refs).await?;
    Ok(out)
}
