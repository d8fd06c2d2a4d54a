//! The single pass over the in-memory index that every flow number comes from.
//!
//! For each item in the slice: resolve its changes through the workflow mapping, derive its
//! timeline, and add it to the accumulators of the page asked for ([`Page`]: cumulative flow,
//! WIP, throughput, cycle times, efficiency and aging for Flow; stage times, queues, waits and
//! pull-request segments for Bottlenecks). Nothing here touches SQLite.

use std::collections::HashMap;

use crate::graph::index::{EventKind, WorkIndex, NONE, VERDICT_APPROVED};
use crate::graph::model::{FlowState, ItemKind, LinkKind};
use crate::time::DAY_MS;

use super::filter::Scope;
use super::mapping::Mapping;
use super::percentile;
use super::report::Stage;
use super::timeline::{derive_into, Step, Timeline, TimelineScratch};

const STATES: usize = 5;
const STAGES: usize = Stage::ALL.len();

/// A finished item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Finished {
    pub item: u32,
    pub finish: i64,
    /// Cycle time in days (None when the item never left New before finishing).
    pub cycle: Option<f64>,
    pub lead: f64,
}

/// An item in progress at `as_of`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InProgress {
    pub item: u32,
    pub stage: Stage,
    pub age: f64,
    /// When its current effective state began (for "waiting since").
    pub since: i64,
}

/// A pull request merged in the range: its segments in ms (None when a point is missing). Kept
/// in whole ms so each segment's list is sorted as integers ([`percentiles_of_ms`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PrTimes {
    pub coding: Option<i64>,
    pub pickup: Option<i64>,
    pub review: Option<i64>,
    pub merge: Option<i64>,
}

/// The page a pass is for. Each page's numbers come from the same timelines, but a pass
/// accumulates only what its page shows: the Flow page has no use for per-item stage times,
/// queues or pull-request reviews, and Bottlenecks none for cumulative flow, WIP or aging —
/// computing them anyway roughly doubles the work and the memory of a first answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Flow,
    Bottlenecks,
}

/// Everything accumulated by one pass (the fields of the other page stay empty).
#[derive(Debug, Default, PartialEq)]
pub struct Pass {
    pub items: u32,
    pub skipped: u32,
    /// (state, items) for unmapped states met, in first-met order.
    pub unmapped: Vec<(u32, u32)>,
    pub out_of_order: u32,
    pub before_creation: u32,
    /// Items with a change into the raw state they were already in (ignored).
    pub repeated: u32,
    pub cfd: Vec<Vec<i64>>,
    pub wip: Vec<i64>,
    pub queues: Vec<Vec<i64>>,
    pub throughput: Vec<u32>,
    pub finished: Vec<Finished>,
    pub in_progress: Vec<InProgress>,
    /// Items waiting at `as_of` (started or not): (item, since when).
    pub waiting_now: Vec<(u32, i64)>,
    pub efficiency: Vec<(i64, i64)>,
    /// Per team slot (teams, then "no team"), per stage: Σ ms.
    pub stage_total: Vec<[i64; STAGES]>,
    /// Per stage: (item, whole ms, ms inside the range) of every item that spent time there in
    /// the range, in item order: the longest-waiting examples, and each team's per-item times
    /// (the item's team slot, the ms inside the range), read from here rather than kept twice.
    pub stage_examples: Vec<Vec<(u32, i64, i64)>>,
    /// Little's law terms, in ms of WIP time: the part of the cycles of items finished in the
    /// range that lies before it (and how many such items), and the WIP time inside the range of
    /// items not finished in it.
    pub carried_in_ms: i64,
    pub started_before: u32,
    pub unfinished_ms: i64,
    /// Items whose WIP time in the range ended by a cancellation.
    pub canceled_in_range: u32,
    /// Items in progress at the end of the range that had been done before (reopened).
    pub reopened: u32,
    pub kinds_finished: HashMap<ItemKind, u32>,
    pub kinds_in_progress: HashMap<ItemKind, u32>,
    pub pull_requests: Vec<PrTimes>,
}

fn days(ms: i64) -> f64 {
    ms as f64 / DAY_MS as f64
}

/// Adds +1 from day `from` (inclusive) to `to` (exclusive) into a difference array.
fn add_days(diff: &mut [i64], from: i64, to: i64) {
    let n = diff.len() as i64 - 1;
    let (from, to) = (from.clamp(0, n), to.clamp(0, n));
    if from < to {
        diff[from as usize] += 1;
        diff[to as usize] -= 1;
    }
}

/// Turns a difference array into running counts.
pub fn running(diff: &[i64], days: usize) -> Vec<u32> {
    let mut total = 0i64;
    diff[..days]
        .iter()
        .map(|d| {
            total += d;
            total.max(0) as u32
        })
        .collect()
}

fn team_slot(ix: &WorkIndex, team: u32) -> usize {
    if team == NONE {
        ix.teams.len()
    } else {
        team as usize
    }
}

/// Items a pass gives each thread at least: below twice this, one thread does the whole pass
/// (starting a thread costs tens of microseconds, a small slice less than that).
const ITEMS_PER_THREAD: usize = 16_384;

/// The threads a pass over `items` items uses: one per core (read once), at most one per
/// [`ITEMS_PER_THREAD`] items, at most 8.
pub(crate) fn threads_for(items: usize) -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    let cores = *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, usize::from));
    cores.min(items / ITEMS_PER_THREAD).clamp(1, 8)
}

/// `work` over the items `0..n` cut into `parts` consecutive parts, each on a thread of its own
/// (named `name`) but the first, which runs on the calling thread; the parts' answers in item
/// order. A part no thread could be had for runs on the calling thread after the first.
pub(crate) fn in_parts<T: Send>(
    n: usize,
    parts: usize,
    name: &str,
    work: impl Fn(std::ops::Range<usize>) -> T + Sync,
) -> Vec<T> {
    let parts = parts.clamp(1, n.max(1));
    if parts == 1 {
        return vec![work(0..n)];
    }
    let size = n.div_ceil(parts);
    let range = |p: usize| (p * size).min(n)..((p + 1) * size).min(n);
    let work = &work;
    std::thread::scope(|threads| {
        let others: Vec<_> = (1..parts)
            .map(|p| {
                std::thread::Builder::new()
                    .name(name.into())
                    .spawn_scoped(threads, move || work(range(p)))
                    // No thread to be had: this part waits for the calling thread.
                    .map_err(|_| p)
            })
            .collect();
        let mut all = vec![work(range(0))];
        for other in others {
            all.push(match other {
                Ok(handle) => match handle.join() {
                    Ok(done) => done,
                    Err(panic) => std::panic::resume_unwind(panic),
                },
                Err(p) => work(range(p)),
            });
        }
        all
    })
}

/// Runs the pass for `page` over the scope's slice.
///
/// The items are cut into consecutive parts, one per core ([`threads_for`]), each run on a
/// thread of its own; the parts' accumulators are then joined in item order
/// ([`Pass::absorb`]), so every list is in the order one thread would have made it and every
/// number is the same (a test compares them).
pub fn run(ix: &WorkIndex, mapping: &Mapping, scope: &Scope, page: Page) -> Pass {
    run_in_parts(ix, mapping, scope, page, threads_for(ix.items.len()))
}

/// [`run`] with the items cut into `parts` consecutive parts, each on a thread of its own (the
/// first on the calling thread).
pub fn run_in_parts(
    ix: &WorkIndex,
    mapping: &Mapping,
    scope: &Scope,
    page: Page,
    parts: usize,
) -> Pass {
    let n = ix.items.len();
    let parts = parts.clamp(1, n.max(1));
    if parts == 1 {
        return run_part(ix, mapping, scope, page, 0..n, n);
    }
    let size = n.div_ceil(parts);
    let range = |p: usize| (p * size).min(n)..((p + 1) * size).min(n);
    std::thread::scope(|threads| {
        let others: Vec<_> = (1..parts)
            .map(|p| {
                let part = range(p);
                let room = part.len();
                std::thread::Builder::new()
                    .name("baton-flow".into())
                    .spawn_scoped(threads, move || {
                        run_part(ix, mapping, scope, page, part, room)
                    })
                    // No thread to be had: this part waits for the calling thread.
                    .map_err(|_| p)
            })
            .collect();
        // The first part's lists have room for every part's: the others are appended in place.
        let mut pass = run_part(ix, mapping, scope, page, range(0), n);
        for other in others {
            let part = match other {
                Ok(handle) => match handle.join() {
                    Ok(part) => part,
                    Err(panic) => std::panic::resume_unwind(panic),
                },
                Err(p) => run_part(ix, mapping, scope, page, range(p), range(p).len()),
            };
            pass.absorb(part);
        }
        pass
    })
}

impl Pass {
    /// Adds the accumulators of the pass over the items that follow this pass's (in item order).
    fn absorb(&mut self, next: Pass) {
        fn add<T: Copy + std::ops::AddAssign>(into: &mut [T], from: &[T]) {
            for (a, b) in into.iter_mut().zip(from) {
                *a += *b;
            }
        }
        self.items += next.items;
        self.skipped += next.skipped;
        for (state, items) in next.unmapped {
            match self.unmapped.iter_mut().find(|(s, _)| *s == state) {
                Some(met) => met.1 += items,
                None => self.unmapped.push((state, items)),
            }
        }
        self.out_of_order += next.out_of_order;
        self.before_creation += next.before_creation;
        self.repeated += next.repeated;
        for (into, from) in self.cfd.iter_mut().zip(&next.cfd) {
            add(into, from);
        }
        add(&mut self.wip, &next.wip);
        for (into, from) in self.queues.iter_mut().zip(&next.queues) {
            add(into, from);
        }
        add(&mut self.throughput, &next.throughput);
        self.finished.extend(next.finished);
        self.in_progress.extend(next.in_progress);
        self.waiting_now.extend(next.waiting_now);
        self.efficiency.extend(next.efficiency);
        for (into, from) in self.stage_total.iter_mut().zip(&next.stage_total) {
            add(into, from);
        }
        for (into, from) in self.stage_examples.iter_mut().zip(next.stage_examples) {
            into.extend(from);
        }
        self.carried_in_ms += next.carried_in_ms;
        self.started_before += next.started_before;
        self.unfinished_ms += next.unfinished_ms;
        self.canceled_in_range += next.canceled_in_range;
        self.reopened += next.reopened;
        for (kind, n) in next.kinds_finished {
            *self.kinds_finished.entry(kind).or_default() += n;
        }
        for (kind, n) in next.kinds_in_progress {
            *self.kinds_in_progress.entry(kind).or_default() += n;
        }
        self.pull_requests.extend(next.pull_requests);
    }
}

/// The pass over the items at positions `part`. The page's per-item lists (each holds an item
/// at most once) are made with room for `room` items from the start, so they never grow by
/// copying into a larger buffer: room never written is address space only, not memory.
fn run_part(
    ix: &WorkIndex,
    mapping: &Mapping,
    scope: &Scope,
    page: Page,
    part: std::ops::Range<usize>,
    room: usize,
) -> Pass {
    let days = scope.days;
    let slots = ix.teams.len() + 1;
    let room_for = |wanted: Page| if page == wanted { room } else { 0 };
    let (flow_room, bottlenecks_room) = (room_for(Page::Flow), room_for(Page::Bottlenecks));
    let mut pass = Pass {
        cfd: vec![vec![0; days + 1]; STATES],
        wip: vec![0; days + 1],
        queues: vec![vec![0; days + 1]; STAGES],
        throughput: vec![0; days],
        finished: Vec::with_capacity(flow_room),
        in_progress: Vec::with_capacity(flow_room),
        efficiency: Vec::with_capacity(flow_room),
        waiting_now: Vec::with_capacity(bottlenecks_room),
        stage_total: vec![[0; STAGES]; slots],
        stage_examples: (0..STAGES)
            .map(|_| Vec::with_capacity(bottlenecks_room))
            .collect(),
        ..Pass::default()
    };
    let mut unmapped_at: HashMap<u32, usize> = HashMap::new();
    // Finished and in-progress items per kind (by declaration order), counted without hashing
    // and handed over as the pass's maps at the end.
    let mut kinds = KindCounts::default();
    let range_start = scope.from;
    let range_end = scope.as_of;
    visit_timelines(
        ix,
        mapping,
        scope,
        part,
        |i, timeline, facts| match timeline {
            Ok(timeline) => {
                pass.items += 1;
                let item = &ix.items[i];
                if item.out_of_order {
                    pass.out_of_order += 1;
                }
                if facts.before_creation {
                    pass.before_creation += 1;
                }
                if facts.repeated {
                    pass.repeated += 1;
                }
                match page {
                    Page::Flow => add_to_flow(ix, scope, &mut pass, &mut kinds, i, timeline),
                    Page::Bottlenecks => add_to_bottlenecks(
                        ix,
                        scope,
                        &mut pass,
                        i,
                        timeline,
                        range_start,
                        range_end,
                    ),
                }
            }
            Err(unmapped) => {
                pass.skipped += 1;
                if let Some(state) = unmapped {
                    match unmapped_at.get(&state) {
                        Some(&at) => pass.unmapped[at].1 += 1,
                        None => {
                            unmapped_at.insert(state, pass.unmapped.len());
                            pass.unmapped.push((state, 1));
                        }
                    }
                }
            }
        },
    );
    pass.kinds_finished = kinds.finished.map();
    pass.kinds_in_progress = kinds.in_progress.map();
    pass
}

/// Items counted per kind, by position in [`ItemKind::ALL`] (the declaration order).
#[derive(Debug, Default)]
struct PerKind([u32; ItemKind::ALL.len()]);

impl PerKind {
    fn add(&mut self, kind: ItemKind) {
        if let Some(n) = self.0.get_mut(kind as usize) {
            *n += 1;
        }
    }

    /// The kinds counted at least once, with their counts.
    fn map(&self) -> HashMap<ItemKind, u32> {
        ItemKind::ALL
            .iter()
            .zip(self.0)
            .filter(|(_, n)| *n > 0)
            .map(|(kind, n)| (*kind, n))
            .collect()
    }
}

/// The Flow page's counts per kind, of finished and of in-progress items.
#[derive(Debug, Default)]
struct KindCounts {
    finished: PerKind,
    in_progress: PerKind,
}

/// Calls `visit` with the timeline of every item in the scope's slice that exists at `as_of`,
/// or, for an item passing through an unmapped state, `Err` with that state.
pub fn each_timeline(
    ix: &WorkIndex,
    mapping: &Mapping,
    scope: &Scope,
    mut visit: impl FnMut(usize, Result<&Timeline, Option<u32>>),
) {
    visit_timelines(ix, mapping, scope, 0..ix.items.len(), |i, t, _| visit(i, t));
}

/// [`each_timeline`] over the items at `positions` only (each at most once, in range).
pub fn timelines_of(
    ix: &WorkIndex,
    mapping: &Mapping,
    scope: &Scope,
    positions: impl IntoIterator<Item = usize>,
    mut visit: impl FnMut(usize, Result<&Timeline, Option<u32>>),
) {
    visit_timelines(ix, mapping, scope, positions, |i, t, _| visit(i, t));
}

/// What the data notes count about an item's recorded changes, read in the same walk over them
/// as its timeline.
#[derive(Debug, Clone, Copy, Default)]
struct ChangeFacts {
    /// A change into the raw state the item was already in.
    repeated: bool,
    /// A change dated before the item's creation.
    before_creation: bool,
}

/// [`timelines_of`], with each item's [`ChangeFacts`].
fn visit_timelines(
    ix: &WorkIndex,
    mapping: &Mapping,
    scope: &Scope,
    positions: impl IntoIterator<Item = usize>,
    mut visit: impl FnMut(usize, Result<&Timeline, Option<u32>>, ChangeFacts),
) {
    let mut steps: Vec<(i64, Step)> = Vec::with_capacity(64);
    // One timeline's buffers for every item: no allocation per item.
    let mut timeline = Timeline::default();
    let mut scratch = TimelineScratch::default();
    for i in positions {
        if i >= ix.items.len() {
            continue;
        }
        if !scope.keeps(ix, i) {
            continue;
        }
        let item = &ix.items[i];
        if !scope.sees(item.created) {
            continue;
        }
        steps.clear();
        let mut unmapped = None;
        let events = ix.events_of(i);
        let mut facts = ChangeFacts {
            repeated: false,
            before_creation: events.first().is_some_and(|e| e.at < item.created),
        };
        let mut previous = item.initial_state;
        for e in events {
            match e.kind() {
                EventKind::State => {
                    let code = e.code();
                    facts.repeated |= code == previous;
                    previous = code;
                    let meaning = mapping.resolve_item(code, i, item.team, item.kind);
                    if meaning.is_none() && scope.sees(e.at) && unmapped.is_none() {
                        unmapped = Some(code);
                    }
                    steps.push((e.at, Step::State(meaning)));
                }
                EventKind::Flag => steps.push((e.at, Step::Flag(e.code() == 1))),
                EventKind::Review => {}
            }
        }
        let initial = mapping.resolve_item(item.initial_state, i, item.team, item.kind);
        if initial.is_none() {
            unmapped = unmapped.or(Some(item.initial_state));
        }
        // Questions recorded about the item: its decision and approval waits.
        let questions = scope.questions.of(i);
        if let Some(records) = questions {
            for &(asked, answered, reason) in records {
                steps.push((asked, Step::Question(reason, true)));
                if let Some(at) = answered {
                    steps.push((at, Step::Question(reason, false)));
                }
            }
            // Stable: ties keep the source's changes first, in their order.
            steps.sort_by_key(|s| s.0);
        }
        match derive_into(
            item.created,
            initial,
            &steps,
            scope.as_of,
            scope.rule,
            questions.is_some(),
            &mut timeline,
            &mut scratch,
        ) {
            Ok(()) => visit(i, Ok(&timeline), facts),
            Err(_) => visit(i, Err(unmapped), facts),
        }
    }
}

/// Position in [`FlowState::ALL`] (which lists the states in their declaration order).
fn state_index(flow: FlowState) -> usize {
    flow as usize
}

/// Adds an item's timeline to the Flow page's accumulators.
fn add_to_flow(
    ix: &WorkIndex,
    scope: &Scope,
    pass: &mut Pass,
    kinds: &mut KindCounts,
    i: usize,
    t: &Timeline,
) {
    let item = &ix.items[i];
    let (range_start, range_end) = (scope.from, scope.as_of);
    let last = t.segments.len().saturating_sub(1);
    // Cumulative flow: the state at the end of each day, i.e. the days whose last instant falls
    // in the segment — from the day it starts to the day it ends, excluded (half-open days).
    // The last segment lasts.
    for (n, s) in t.segments.iter().enumerate() {
        let from = scope.day_of(s.start);
        let to = if n == last {
            i64::MAX / 4
        } else {
            scope.day_of(s.end)
        };
        add_days(&mut pass.cfd[state_index(s.flow)], from, to);
    }
    // WIP: from the start of the cycle until it finishes (or is canceled).
    if let Some(start) = t.start {
        let end = t
            .finish
            .or(t.canceled)
            .map_or(i64::MAX / 4, |e| scope.day_of(e));
        add_days(&mut pass.wip, scope.day_of(start), end);
    }
    // Little's law terms: where the cycle time of finished items and the WIP time in the range
    // differ (see `LittlesLaw`).
    if let Some(start) = t.start {
        match t.finish.filter(|f| scope.in_range(*f)) {
            Some(_) => {
                if start < range_start {
                    pass.carried_in_ms += range_start - start;
                    pass.started_before += 1;
                }
            }
            None => {
                let end = t.finish.or(t.canceled).unwrap_or(range_end);
                let overlap = end.min(range_end) - start.max(range_start);
                if overlap > 0 {
                    pass.unfinished_ms += overlap;
                    if t.canceled.is_some() {
                        pass.canceled_in_range += 1;
                    }
                }
            }
        }
    }
    // Finished in the range.
    if let Some(finish) = t.finish.filter(|f| scope.in_range(*f)) {
        let day = scope.day_of(finish);
        if day >= 0 && (day as usize) < pass.throughput.len() {
            pass.throughput[day as usize] += 1;
        }
        pass.finished.push(Finished {
            item: i as u32,
            finish,
            cycle: t.start.map(|s| days(finish - s)),
            lead: days(finish - item.created),
        });
        kinds.finished.add(item.kind);
        if let Some(split) = t.cycle_split() {
            pass.efficiency.push(split);
        }
    }
    // In progress at the end of the range.
    if let (Some(start), None, None) = (t.start, t.finish, t.canceled) {
        if let Some(s) = t.segments.last() {
            if let Some(stage) = Stage::of(s.flow, s.reason) {
                pass.in_progress.push(InProgress {
                    item: i as u32,
                    stage,
                    age: days(scope.as_of - start),
                    since: s.start,
                });
                kinds.in_progress.add(item.kind);
                if t.segments.iter().any(|s| s.flow == FlowState::Done) {
                    pass.reopened += 1;
                }
            }
        }
    }
}

/// Adds an item's timeline to the Bottlenecks page's accumulators.
fn add_to_bottlenecks(
    ix: &WorkIndex,
    scope: &Scope,
    pass: &mut Pass,
    i: usize,
    t: &Timeline,
    range_start: i64,
    range_end: i64,
) {
    let item = &ix.items[i];
    let last = t.segments.len().saturating_sub(1);
    // Pull requests merged in the range.
    if let Some(finish) = t.finish.filter(|f| scope.in_range(*f)) {
        if item.kind == ItemKind::PullRequest {
            pass.pull_requests.push(pr_times(ix, i, t, finish));
        }
    }
    if let Some(s) = t.segments.last().filter(|s| s.flow == FlowState::Waiting) {
        pass.waiting_now.push((i as u32, s.start));
    }
    let slot = team_slot(ix, item.team);
    // Time in each stage inside the range.
    let mut per_stage = [0i64; STAGES];
    // The same stays counted whole, from when each began (the longest-waiting examples).
    let mut whole = [0i64; STAGES];
    // One walk over the segments, each's stage worked out once, for both.
    for (n, s) in t.segments.iter().enumerate() {
        let Some(stage) = Stage::of(s.flow, s.reason) else {
            continue;
        };
        // Queues: the waiting stage at the end of each day (half-open days, as cumulative flow).
        if stage.is_waiting() {
            let from = scope.day_of(s.start);
            let to = if n == last {
                i64::MAX / 4
            } else {
                scope.day_of(s.end)
            };
            add_days(&mut pass.queues[stage.index()], from, to);
        }
        let overlap = s.end.min(range_end) - s.start.max(range_start);
        if overlap > 0 {
            per_stage[stage.index()] += overlap;
            whole[stage.index()] += (s.end.min(range_end) - s.start).max(0);
        }
    }
    for (k, ms) in per_stage.iter().enumerate() {
        if *ms > 0 {
            pass.stage_total[slot][k] += ms;
            pass.stage_examples[k].push((i as u32, whole[k], *ms));
        }
    }
}

/// Coding → pickup → review → merge of a merged pull request, in ms. The reviews are read
/// from the item's changes where they stand (the first, and the last approval from the end),
/// not copied into a list of their own for every pull request.
fn pr_times(ix: &WorkIndex, i: usize, t: &Timeline, finish: i64) -> PrTimes {
    let item = &ix.items[i];
    // Ready for review: the workflow's first waiting (or done) state. A blocked flag on a draft
    // makes its time wait, but the draft is not ready for review because of it.
    let ready = t.ready.unwrap_or(finish);
    let review = |e: &&crate::graph::index::Event| {
        e.kind() == EventKind::Review && e.actor != item.author && e.at <= finish
    };
    let events = ix.events_of(i);
    let first_review = events.iter().find(review).map(|e| e.at.max(ready));
    let last_approval = events
        .iter()
        .rev()
        .filter(review)
        .find(|e| e.code() == VERDICT_APPROVED)
        .map(|e| e.at.max(ready));
    let review_end = last_approval.or(first_review.map(|_| finish));
    PrTimes {
        coding: Some(ready - item.created),
        pickup: first_review.map(|r| r - ready),
        review: match (first_review, review_end) {
            (Some(a), Some(b)) => Some(b.max(a) - a),
            _ => None,
        },
        merge: last_approval.map(|a| finish - a),
    }
}

/// Nearest-rank percentiles and the mean of a list of day counts (sorted in place).
pub fn percentiles(values: &mut [f64]) -> super::report::Percentiles {
    percentile::sort_values(values);
    percentiles_of_sorted(values)
}

/// [`percentiles`] of durations in ms, given in days: the ms are sorted as integers (cheaper than
/// comparing floating-point days) and read as days in that order. A day count is the ms divided
/// by a day, which keeps their order (equal days have the same bits), so every percentile and the
/// mean (summed in the same ascending order) are those of sorting the days themselves.
pub fn percentiles_of_ms(ms: &mut [i64]) -> super::report::Percentiles {
    ms.sort_unstable();
    let count = ms.len() as u32;
    let at = |p: f64| -> Option<f64> {
        if ms.is_empty() {
            return None;
        }
        let rank = ((p / 100.0) * ms.len() as f64).ceil().max(1.0) as usize;
        Some(days(ms[rank.min(ms.len()) - 1]))
    };
    super::report::Percentiles {
        count,
        p50: at(50.0),
        p85: at(85.0),
        p95: at(95.0),
        mean: (!ms.is_empty()).then(|| ms.iter().map(|v| days(*v)).sum::<f64>() / ms.len() as f64),
    }
}

/// [`percentiles`] of values already sorted ascending (the mean is summed in that order, as
/// [`percentiles`] sums it).
pub fn percentiles_of_sorted(values: &[f64]) -> super::report::Percentiles {
    let count = values.len() as u32;
    super::report::Percentiles {
        count,
        p50: percentile::nearest_rank(values, 50.0),
        p85: percentile::nearest_rank(values, 85.0),
        p95: percentile::nearest_rank(values, 95.0),
        mean: (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64),
    }
}

/// Item `i`'s flow state just before `as_of` — from its workflow state then (the last change
/// before `as_of`, or the state it was created in), not its state today. None when the item did
/// not exist yet or that state is not mapped. Blocked flags are ignored: they never make an item
/// done or canceled.
pub fn underlying_flow_at(
    ix: &WorkIndex,
    mapping: &Mapping,
    i: usize,
    as_of: i64,
) -> Option<FlowState> {
    let item = &ix.items[i];
    if item.created >= as_of {
        return None;
    }
    let events = ix.events_of(i);
    let seen = events.partition_point(|e| e.at < as_of);
    let state = events[..seen]
        .iter()
        .rev()
        .find(|e| e.kind() == EventKind::State)
        .map_or(item.initial_state, |e| e.code());
    mapping
        .resolve_item(state, i, item.team, item.kind)
        .map(|m| m.0)
}

/// Items' underlying states at the end of a scope's range ([`underlying_flow_at`] at `as_of`),
/// each worked out once, when first asked: the blocker clusters and the open blocking links of
/// one Bottlenecks page ask about many of the same items.
pub struct EndStates<'a> {
    ix: &'a WorkIndex,
    mapping: &'a Mapping,
    as_of: i64,
    /// Per item: 0 = not worked out yet, [`EndStates::CLOSED`], [`EndStates::OPEN`] or
    /// [`EndStates::NOT_YET`].
    known: Vec<u8>,
}

impl<'a> EndStates<'a> {
    /// Done or canceled at the end of the range.
    const CLOSED: u8 = 1;
    /// Made before the end of the range and neither done nor canceled then (or in a state the
    /// workflow map does not know).
    const OPEN: u8 = 2;
    /// Not made yet at the end of the range.
    const NOT_YET: u8 = 3;

    /// Nothing worked out yet, for the end of `scope`'s range.
    pub fn new(ix: &'a WorkIndex, mapping: &'a Mapping, scope: &Scope) -> EndStates<'a> {
        EndStates {
            ix,
            mapping,
            as_of: scope.as_of,
            known: vec![0; ix.items.len()],
        }
    }

    fn of(&mut self, i: u32) -> u8 {
        let Some(&known) = self.known.get(i as usize) else {
            return Self::NOT_YET;
        };
        if known != 0 {
            return known;
        }
        let state = if self.ix.items[i as usize].created >= self.as_of {
            Self::NOT_YET
        } else if matches!(
            underlying_flow_at(self.ix, self.mapping, i as usize, self.as_of),
            Some(FlowState::Done | FlowState::Canceled)
        ) {
            Self::CLOSED
        } else {
            Self::OPEN
        };
        self.known[i as usize] = state;
        state
    }

    /// Item `i` was done or canceled at the end of the range.
    pub fn closed(&mut self, i: u32) -> bool {
        self.of(i) == Self::CLOSED
    }

    /// Item `i` existed at the end of the range and was neither done nor canceled then.
    pub fn open(&mut self, i: u32) -> bool {
        self.of(i) == Self::OPEN
    }
}

/// For every item, the items that block it through a `blocks` link standing at the end of the
/// scope's range and that were still open then (neither done nor canceled at that moment, or in a
/// state the workflow map does not know). Blocker clusters and their drill-down both read this,
/// so they count the same items. Blockers outside the scope's slice count too. Only the items
/// `asked` accepts are looked at (the report asks about the items waiting at the end only).
pub fn open_blockers_at_end(
    ix: &WorkIndex,
    mapping: &Mapping,
    scope: &Scope,
    asked: impl Fn(u32) -> bool,
) -> HashMap<u32, Vec<u32>> {
    open_blockers_with(ix, scope, &mut EndStates::new(ix, mapping, scope), asked)
}

/// [`open_blockers_at_end`] with the end states worked out so far (and kept for the caller).
pub fn open_blockers_with(
    ix: &WorkIndex,
    scope: &Scope,
    states: &mut EndStates<'_>,
    asked: impl Fn(u32) -> bool,
) -> HashMap<u32, Vec<u32>> {
    let mut blockers_of: HashMap<u32, Vec<u32>> = HashMap::new();
    for link in &ix.links {
        if link.kind != LinkKind::Blocks
            || !scope.link_stands(link.created, link.removed)
            || !asked(link.to)
        {
            continue;
        }
        if states.open(link.from) {
            blockers_of.entry(link.to).or_default().push(link.from);
        }
    }
    blockers_of
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Percentiles of ms sorted as integers equal those of the same durations in days sorted as
    /// floating-point numbers, bit for bit (the mean too), on generated durations with many ties,
    /// durations a millisecond apart, one value and none.
    #[test]
    fn percentiles_of_ms_equal_those_of_the_days_sorted() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |spread: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % spread) as i64
        };
        let mut cases: Vec<Vec<i64>> = (1..60u64)
            .map(|k| {
                let spread = 1 + k * k * 7_919_000;
                (0..(k * 37) % 1_500).map(|_| next(spread)).collect()
            })
            .collect();
        cases.push(vec![]);
        cases.push(vec![3 * DAY_MS / 7]);
        cases.push((0..500).map(|k| DAY_MS + k % 3).collect());
        for ms in cases {
            let mut as_days: Vec<f64> = ms.iter().map(|v| days(*v)).collect();
            let expected = percentiles(&mut as_days);
            let got = percentiles_of_ms(&mut ms.clone());
            assert_eq!(got.count, expected.count);
            for (a, b) in [
                (got.p50, expected.p50),
                (got.p85, expected.p85),
                (got.p95, expected.p95),
                (got.mean, expected.mean),
            ] {
                assert_eq!(
                    a.map(f64::to_bits),
                    b.map(f64::to_bits),
                    "{} values",
                    ms.len()
                );
            }
        }
    }
}
