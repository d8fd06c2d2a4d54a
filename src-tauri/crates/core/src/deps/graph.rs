//! The dependency graph and the per-item facts the analyses read.

use std::sync::Arc;

use crate::flow::engine::timelines_of;
use crate::flow::filter::link_stands_at;
use crate::flow::{percentile, Mapping, Scope, Stage};
use crate::graph::index::{WorkIndex, NONE};
use crate::graph::model::{FlowState, LinkKind};
use crate::time::DAY_MS;

use super::{DEFAULT_P50_DAYS, DEFAULT_P85_DAYS};

/// What the analyses need to know about every item, at `as_of`. The per-item vectors are
/// shared: a clone (the same facts measured at another instant) copies none of them, and they
/// are copied on write only while another clone still reads them.
#[derive(Debug, Default, Clone)]
pub struct Facts {
    /// The instant ages are measured at.
    pub as_of: i64,
    /// The exclusive end of what the analyses see: links made before it stand (just after
    /// `as_of`, so what was recorded at exactly `as_of` counts).
    pub horizon: i64,
    /// Start of the current cycle (see flow's cycle time).
    pub start: Arc<Vec<Option<i64>>>,
    /// When the item was delivered (last entry into done), if it is done.
    pub finish: Arc<Vec<Option<i64>>>,
    /// The effective flow state now.
    pub flow: Arc<Vec<FlowState>>,
    /// The stage now (None outside the flow: new, done, canceled).
    pub stage: Arc<Vec<Option<Stage>>>,
    /// When the current effective state began.
    pub since: Arc<Vec<i64>>,
    /// Per team slot (teams, then "no team"): cycle-time P50 and P85 in days, and how many
    /// finished items they come from (0 = the documented defaults).
    pub team_p50: Vec<f64>,
    pub team_p85: Vec<f64>,
    pub team_samples: Vec<u32>,
    /// Per team slot: the cycle times (days) the percentiles come from, shortest first.
    pub team_cycles: Vec<Vec<f64>>,
    /// The start of the range the team cycle times were learnt over.
    pub cycles_from: i64,
    /// Per item: the team slot whose `team_cycles` hold its cycle time, or [`NONE`] when it
    /// finished outside the range (or has not finished). What [`Facts::follow`] takes out of
    /// the sorted cycle times when the item is derived again, instead of learning them anew.
    pub cycle_slot: Arc<Vec<u32>>,
    /// The items made, or changed last, at or after `as_of` (ascending): the only ones whose
    /// facts can change without a change of their own as `as_of` moves on. [`Facts::follow`]
    /// derives them again without looking at every item. `None`: not worked out.
    pub late: Option<Arc<Vec<u32>>>,
}

/// From how many items [`Facts::gather`] derives them on two threads.
const SPLIT_FROM: usize = 20_000;

/// Whether the item at `i` was made, or last changed, at or after `at`.
fn is_late(ix: &WorkIndex, i: usize, at: i64) -> bool {
    ix.items[i].created >= at || ix.events_of(i).last().is_some_and(|e| e.at >= at)
}

/// The items among `candidates` (ascending) made, or last changed, at or after `at`.
fn late_items(ix: &WorkIndex, at: i64, candidates: impl Iterator<Item = usize>) -> Vec<u32> {
    candidates
        .filter(|&i| is_late(ix, i, at))
        .map(|i| i as u32)
        .collect()
}

impl Facts {
    /// Derives the facts of every item, learning team cycle times over `scope`'s range.
    pub fn gather(ix: &WorkIndex, mapping: &Mapping, scope: &Scope) -> Facts {
        let mut facts = Facts {
            as_of: scope.as_of,
            horizon: scope.as_of,
            ..Facts::default()
        };
        let parts = if ix.items.len() >= SPLIT_FROM { 2 } else { 1 };
        facts.derive_all(ix, mapping, scope, parts);
        facts.learn_cycles(ix, scope);
        facts.late = Some(Arc::new(late_items(ix, scope.as_of, 0..ix.items.len())));
        facts
    }

    /// [`Facts::derive`] of every item, the items cut into `parts` runs derived on as many
    /// threads: an item's facts are read from its own timeline alone, so they are the same
    /// whatever the cut (`tests`).
    fn derive_all(&mut self, ix: &WorkIndex, mapping: &Mapping, scope: &Scope, parts: usize) {
        let n = ix.items.len();
        let parts = parts.clamp(1, n.max(1));
        if parts == 1 {
            return self.derive(ix, mapping, scope, 0..n);
        }
        let mut start = vec![None; n];
        let mut finish = vec![None; n];
        let mut flow: Vec<FlowState> = ix.items.iter().map(|it| it.flow).collect();
        let mut stage = vec![None; n];
        let mut since: Vec<i64> = ix.items.iter().map(|it| it.updated).collect();
        let each = n.div_ceil(parts);
        std::thread::scope(|threads| {
            let runs = start
                .chunks_mut(each)
                .zip(finish.chunks_mut(each))
                .zip(flow.chunks_mut(each))
                .zip(stage.chunks_mut(each))
                .zip(since.chunks_mut(each))
                .enumerate();
            let mut handles = Vec::new();
            let mut first = None;
            for (k, ((((start, finish), flow), stage), since)) in runs {
                let run = move || {
                    let from = k * each;
                    let to = from + start.len();
                    timelines_of(ix, mapping, scope, from..to, |i, timeline| {
                        let Ok(t) = timeline else { return };
                        let at = i - from;
                        start[at] = t.start;
                        finish[at] = t.finish;
                        if let Some(last) = t.segments.last() {
                            flow[at] = last.flow;
                            stage[at] = Stage::of(last.flow, last.reason);
                            since[at] = last.start;
                        }
                    });
                };
                // The first run on this thread, the others on threads of their own.
                if k == 0 {
                    first = Some(run);
                } else {
                    handles.push(threads.spawn(run));
                }
            }
            if let Some(mut run) = first {
                run();
            }
            for h in handles {
                // A run that panicked panics here, as one thread deriving every item would.
                if let Err(panic) = h.join() {
                    std::panic::resume_unwind(panic);
                }
            }
        });
        self.start = Arc::new(start);
        self.finish = Arc::new(finish);
        self.flow = Arc::new(flow);
        self.stage = Arc::new(stage);
        self.since = Arc::new(since);
    }

    /// Facts gathered over the same slice and range start (`scope`, whose `as_of` may have moved
    /// on), brought up to date with `ix` after the items at `changed` changed: their timelines
    /// and those of new items, and of items with changes at or after the facts' `as_of`, are
    /// derived again; the team cycle times are learnt again. Equal to [`Facts::gather`]
    /// (`tests`). Returns whether any item's facts or the team cycle times were derived again
    /// (when not, every per-item fact is as it was).
    pub fn follow(
        &mut self,
        ix: &WorkIndex,
        mapping: &Mapping,
        scope: &Scope,
        changed: &[u32],
    ) -> bool {
        let old = self.flow.len();
        let since = self.as_of;
        let slots = ix.teams.len() + 1;
        let mut again: Vec<usize> = changed
            .iter()
            .map(|i| *i as usize)
            .filter(|i| *i < old)
            .collect();
        // The items whose timelines reach past the old `as_of`: among those that did not
        // change, the ones late then (the same events; `as_of` only moves on), else every item.
        let late_then = self.late.take().filter(|_| scope.as_of >= since);
        match &late_then {
            Some(late) => again.extend(
                late.iter()
                    .map(|i| *i as usize)
                    .filter(|&i| i < old && is_late(ix, i, since)),
            ),
            None => again.extend((0..old).filter(|&i| is_late(ix, i, since))),
        }
        again.sort_unstable();
        again.dedup();
        again.extend(old..ix.items.len());
        // Late at the new `as_of` (not before the old one): among those derived again (the
        // ones late then, the changed and the new, ascending).
        self.late = Some(Arc::new(match late_then {
            Some(_) => late_items(ix, scope.as_of, again.iter().copied()),
            None => late_items(ix, scope.as_of, 0..ix.items.len()),
        }));
        self.as_of = scope.as_of;
        self.horizon = scope.as_of;
        // Nothing derived again: every finish is unchanged and before the old as_of (a later
        // change would have been derived again), so the same ones fall in the range (same
        // start, a later end) and the team cycle times stand.
        let learn = !again.is_empty() || scope.from != self.cycles_from;
        // The cycle times of the items derived again, as they were counted: taken out of their
        // team's sorted times, their new ones put in (the same range start; every other item's
        // finish is before the old `as_of`, so it counts as it did). Else learnt anew.
        let relearn = scope.from != self.cycles_from
            || self.team_cycles.len() != slots
            || self.cycle_slot.len() != old;
        let gone: Vec<(u32, f64)> = if relearn {
            Vec::new()
        } else {
            again
                .iter()
                .filter(|&&i| i < old)
                .filter_map(|&i| {
                    let s = self.cycle_slot[i];
                    let (start, finish) = (self.start[i]?, self.finish[i]?);
                    (s != NONE).then(|| (s, cycle_days(start, finish)))
                })
                .collect()
        };
        if !again.is_empty() || self.flow.len() != ix.items.len() {
            self.derive(ix, mapping, scope, again.iter().copied());
        }
        if learn && (relearn || !self.follow_cycles(ix, scope, gone, &again)) {
            self.learn_cycles(ix, scope);
        }
        learn
    }

    /// Brings the team cycle times up to date after the items at `again` (every item from
    /// `old` on among them) were derived again, `gone` their cycle times as counted before (team slot,
    /// days): each team's sorted times with those taken out and the new ones merged in, the
    /// same as [`Facts::learn_cycles`] sorts (`tests`). False when a time to take out is not
    /// there (then nothing is changed and the caller learns them anew).
    fn follow_cycles(
        &mut self,
        ix: &WorkIndex,
        scope: &Scope,
        gone: Vec<(u32, f64)>,
        again: &[usize],
    ) -> bool {
        let slots = self.team_cycles.len();
        let mut out: Vec<Vec<f64>> = vec![Vec::new(); slots];
        let mut put: Vec<Vec<f64>> = vec![Vec::new(); slots];
        for (s, days) in gone {
            let Some(o) = out.get_mut(s as usize) else {
                return false;
            };
            o.push(days);
        }
        let n = ix.items.len();
        let cycle_slot = Arc::make_mut(&mut self.cycle_slot);
        cycle_slot.resize(n, NONE);
        for &i in again.iter().filter(|&&i| i < n) {
            cycle_slot[i] = NONE;
            if let (Some(s), Some(f)) = (self.start[i], self.finish[i]) {
                if scope.in_range(f) {
                    let at = slot(ix, ix.items[i].team);
                    cycle_slot[i] = at as u32;
                    put[at].push(cycle_days(s, f));
                }
            }
        }
        let mut merged = Vec::with_capacity(slots);
        for (s, (mut gone, mut put)) in out.into_iter().zip(put).enumerate() {
            if gone.is_empty() && put.is_empty() {
                merged.push(None);
                continue;
            }
            gone.sort_by(f64::total_cmp);
            put.sort_by(f64::total_cmp);
            match merge_sorted(&self.team_cycles[s], &gone, &put) {
                Some(values) => merged.push(Some(values)),
                None => return false,
            }
        }
        for (s, values) in merged.into_iter().enumerate() {
            if let Some(values) = values {
                self.team_samples[s] = values.len() as u32;
                self.team_p50[s] =
                    percentile::nearest_rank(&values, 50.0).unwrap_or(DEFAULT_P50_DAYS);
                self.team_p85[s] =
                    percentile::nearest_rank(&values, 85.0).unwrap_or(DEFAULT_P85_DAYS);
                self.team_cycles[s] = values;
            }
        }
        true
    }

    /// The facts of the items at `positions` (ascending, new ones last) derived from their
    /// timelines; the vectors grow to the index's length.
    fn derive(
        &mut self,
        ix: &WorkIndex,
        mapping: &Mapping,
        scope: &Scope,
        positions: impl IntoIterator<Item = usize> + Clone,
    ) {
        let n = ix.items.len();
        let start = Arc::make_mut(&mut self.start);
        let finish = Arc::make_mut(&mut self.finish);
        let flow = Arc::make_mut(&mut self.flow);
        let stage = Arc::make_mut(&mut self.stage);
        let since = Arc::make_mut(&mut self.since);
        start.resize(n, None);
        finish.resize(n, None);
        flow.resize(n, FlowState::New);
        stage.resize(n, None);
        since.resize(n, 0);
        for i in positions.clone() {
            if i < n {
                start[i] = None;
                finish[i] = None;
                flow[i] = ix.items[i].flow;
                stage[i] = None;
                since[i] = ix.items[i].updated;
            }
        }
        timelines_of(ix, mapping, scope, positions, |i, timeline| {
            let Ok(t) = timeline else { return };
            start[i] = t.start;
            finish[i] = t.finish;
            if let Some(last) = t.segments.last() {
                flow[i] = last.flow;
                stage[i] = Stage::of(last.flow, last.reason);
                since[i] = last.start;
            }
        });
    }

    /// Each team's cycle times over `scope`'s range, from the items' starts and finishes.
    fn learn_cycles(&mut self, ix: &WorkIndex, scope: &Scope) {
        let slots = ix.teams.len() + 1;
        let mut cycles: Vec<Vec<f64>> = vec![Vec::new(); slots];
        let mut cycle_slot = vec![NONE; self.start.len()];
        for (i, (s, f)) in self.start.iter().zip(self.finish.iter()).enumerate() {
            if let (Some(s), Some(f)) = (s, f) {
                if scope.in_range(*f) {
                    let at = slot(ix, ix.items[i].team);
                    cycle_slot[i] = at as u32;
                    cycles[at].push(cycle_days(*s, *f));
                }
            }
        }
        self.cycle_slot = Arc::new(cycle_slot);
        self.cycles_from = scope.from;
        self.team_samples.clear();
        self.team_p50.clear();
        self.team_p85.clear();
        self.team_cycles.clear();
        for mut values in cycles {
            values.sort_by(f64::total_cmp);
            self.team_samples.push(values.len() as u32);
            self.team_p50
                .push(percentile::nearest_rank(&values, 50.0).unwrap_or(DEFAULT_P50_DAYS));
            self.team_p85
                .push(percentile::nearest_rank(&values, 85.0).unwrap_or(DEFAULT_P85_DAYS));
            self.team_cycles.push(values);
        }
    }

    /// Expected days left for an open item of team slot `s` that has been in its cycle for
    /// `age` days, at percentile `q` (50 or 85) whose team value is `expected`. Younger than
    /// that: the percentile minus the age. As old or older: conditional on having lasted that
    /// long, the `q` percentile of how much longer the team's finished items that took longer
    /// than `age` went on; when none took that long, another `expected` (never "finished now").
    pub fn remaining_days(&self, s: usize, age: f64, q: f64, expected: f64) -> f64 {
        if age < expected {
            return expected - age;
        }
        // The cycle times are sorted: those longer than `age` are the tail, and how much longer
        // each went on keeps their order, so the percentile is the tail's less the age.
        let cycles = self.team_cycles.get(s).map_or(&[][..], |c| &c[..]);
        let longer = &cycles[cycles.partition_point(|d| *d <= age)..];
        percentile::nearest_rank(longer, q).map_or(expected, |d| d - age)
    }

    /// Whether item `i` is finished or dropped.
    pub fn closed(&self, i: u32) -> bool {
        matches!(self.flow[i as usize], FlowState::Done | FlowState::Canceled)
    }

    /// Days since the item's cycle started, or since it was created if it has not started.
    pub fn age_days(&self, ix: &WorkIndex, i: u32) -> f64 {
        let from = self.start[i as usize].unwrap_or(ix.items[i as usize].created);
        (self.as_of - from).max(0) as f64 / DAY_MS as f64
    }
}

/// A cycle time in days, from its start and finish.
fn cycle_days(start: i64, finish: i64) -> f64 {
    (finish - start) as f64 / DAY_MS as f64
}

/// `values` (sorted by `f64::total_cmp`) without `gone` and with `put` (both sorted the same
/// way), sorted: None when a value of `gone` is not in `values`.
fn merge_sorted(values: &[f64], gone: &[f64], put: &[f64]) -> Option<Vec<f64>> {
    let mut out = Vec::with_capacity((values.len() + put.len()).saturating_sub(gone.len()));
    let (mut g, mut p) = (0, 0);
    for &v in values {
        if g < gone.len() {
            match gone[g].total_cmp(&v) {
                std::cmp::Ordering::Less => return None,
                std::cmp::Ordering::Equal => {
                    g += 1;
                    continue;
                }
                std::cmp::Ordering::Greater => {}
            }
        }
        while p < put.len() && put[p].total_cmp(&v).is_lt() {
            out.push(put[p]);
            p += 1;
        }
        out.push(v);
    }
    if g < gone.len() {
        return None;
    }
    out.extend_from_slice(&put[p..]);
    Some(out)
}

/// The slot of a team in per-team vectors (teams, then "no team").
pub fn slot(ix: &WorkIndex, team: u32) -> usize {
    if team == NONE {
        ix.teams.len()
    } else {
        team as usize
    }
}

/// **Open blocking links**, defined here once and counted by every page that shows the figure
/// (Overview, Dependencies, Bottlenecks), `baton stats`, `baton deps` and `docs/metrics.md`: the
/// `blocks` dependencies standing at `horizon` (exclusive) whose blocker is neither done nor
/// canceled and whose blocked item is still open (neither done nor canceled), `closed` telling
/// which items are done or canceled. The same pair of items linked twice counts once; an item
/// linked to itself is not a link between two items.
pub fn open_blocking_links(
    ix: &WorkIndex,
    horizon: i64,
    closed: impl Fn(u32) -> bool,
) -> Vec<Dependency> {
    let (deps, _) = dependencies(ix, horizon, &[LinkKind::Blocks]);
    deps.into_iter()
        .filter(|d| !closed(d.before) && !closed(d.after))
        .collect()
}

/// How many [`open_blocking_links`] there are, without listing them: the same links (standing
/// `blocks` links between two items, neither `closed`, each pair of items once), kept as one
/// number a pair and sorted as integers to count each pair once. `closed` is asked only about
/// the ends of standing links. What the Bottlenecks page shows.
pub fn count_open_blocking_links(
    ix: &WorkIndex,
    horizon: i64,
    mut closed: impl FnMut(u32) -> bool,
) -> usize {
    let mut pairs: Vec<u64> = Vec::new();
    for link in &ix.links {
        if link.kind != LinkKind::Blocks
            || link.from == link.to
            || !link_stands_at(link.created, link.removed, horizon)
            || closed(link.from)
            || closed(link.to)
        {
            continue;
        }
        pairs.push((u64::from(link.from) << 32) | u64::from(link.to));
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs.len()
}

/// Whether an item's stored current state is done or canceled: the states the Overview and
/// `baton stats` read, kept in step with the workflow map (the dependency analyses derive the
/// same states from each item's timeline).
pub fn closed_now(ix: &WorkIndex, i: u32) -> bool {
    matches!(
        ix.items[i as usize].flow,
        FlowState::Done | FlowState::Canceled
    )
}

/// "`before` must finish before `after` can": one edge of the dependency graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dependency {
    pub before: u32,
    pub after: u32,
    pub kind: LinkKind,
    pub created: i64,
}

/// The dependencies standing at `as_of`: `blocks` (the blocker first), `parent` (the children
/// before their parent) and `implements` (the pull request before the issue it closes). The
/// same dependency seen twice (e.g. from both ends) is kept once; self-links are returned apart.
pub fn dependencies(ix: &WorkIndex, as_of: i64, kinds: &[LinkKind]) -> (Vec<Dependency>, Vec<u32>) {
    let mut out = Vec::new();
    let mut selfs = Vec::new();
    for link in &ix.links {
        if !kinds.contains(&link.kind) || !link_stands_at(link.created, link.removed, as_of) {
            continue;
        }
        let (before, after) = match link.kind {
            LinkKind::Parent => (link.to, link.from),
            _ => (link.from, link.to),
        };
        if before == after {
            selfs.push(before);
            continue;
        }
        out.push(Dependency {
            before,
            after,
            kind: link.kind,
            created: link.created,
        });
    }
    out.sort_by_key(|d| (d.before, d.after, d.created));
    out.dedup_by_key(|d| (d.before, d.after));
    selfs.sort_unstable();
    selfs.dedup();
    (out, selfs)
}

#[cfg(test)]
mod remaining_tests {
    use super::Facts;

    fn facts(cycles: Vec<f64>) -> Facts {
        Facts {
            team_cycles: vec![cycles],
            ..Facts::default()
        }
    }

    #[test]
    fn an_item_younger_than_the_percentile_has_the_rest_of_it_left() {
        assert_eq!(
            facts(vec![2.0, 4.0, 10.0]).remaining_days(0, 3.0, 85.0, 10.0),
            7.0
        );
    }

    #[test]
    fn an_item_older_than_the_percentile_is_forecast_from_its_age_never_as_finished_now() {
        let f = facts(vec![2.0, 4.0, 10.0, 20.0, 30.0, 50.0]);
        // 25 days old, past the team's P85 of 12: of the finished items that took longer than
        // 25 days (30 and 50), half were done within 5 more days, 85% within 25 more.
        assert_eq!(f.remaining_days(0, 25.0, 50.0, 12.0), 5.0);
        assert_eq!(f.remaining_days(0, 25.0, 85.0, 12.0), 25.0);
        // Older than anything the team ever finished: at least another cycle, not zero.
        assert_eq!(f.remaining_days(0, 60.0, 85.0, 12.0), 12.0);
        assert!(f.remaining_days(0, 12.0, 85.0, 12.0) > 0.0);
    }
}

#[cfg(test)]
mod count_tests {
    use crate::demo::{self, DemoOptions};
    use crate::graph::model::{FlowState, LinkKind};

    /// The count of open blocking links equals the length of their list, at horizons before,
    /// during and after the generated work, with closed told by the stored states and by a rule
    /// that closes every third item; the generated links include pairs linked twice, removed
    /// links and links made after some horizons.
    #[tokio::test]
    async fn counting_open_blocking_links_equals_listing_them() {
        let dir = tempfile::tempdir().unwrap();
        let end = 1_774_976_400_000;
        let ws = demo::build(
            &dir.path().join("d.baton"),
            &DemoOptions {
                items: 3_000,
                seed: demo::DEFAULT_SEED,
                end,
            },
        )
        .await
        .unwrap();
        let ix = ws.index().await.unwrap();
        assert!(ix.links.iter().any(|l| l.kind == LinkKind::Blocks));
        let day = super::DAY_MS;
        let mut some = 0;
        for horizon in [
            end - 400 * day,
            end - 90 * day,
            end - 7 * day,
            end,
            i64::MAX,
        ] {
            let stored = |i: u32| {
                matches!(
                    ix.items[i as usize].flow,
                    FlowState::Done | FlowState::Canceled
                )
            };
            let third = |i: u32| i.is_multiple_of(3);
            for closed in [&stored as &dyn Fn(u32) -> bool, &third, &|_| false] {
                let listed = super::open_blocking_links(&ix, horizon, closed).len();
                assert_eq!(
                    super::count_open_blocking_links(&ix, horizon, closed),
                    listed,
                    "horizon {horizon}"
                );
                some += listed;
            }
        }
        assert!(some > 0, "some blocking links are open");
    }
}

#[cfg(test)]
mod split_tests {
    use super::Facts;
    use crate::demo::{self, DemoOptions};
    use crate::flow::{Mapping, Scope};

    /// Every item's facts derived in runs on several threads are those one thread derives, for
    /// any cut (runs of unequal length, more runs than cores).
    #[tokio::test]
    async fn facts_derived_on_several_threads_are_those_of_one() {
        let dir = tempfile::tempdir().unwrap();
        let end = 1_774_976_400_000;
        let ws = demo::build(
            &dir.path().join("d.baton"),
            &DemoOptions {
                items: 2_000,
                seed: demo::DEFAULT_SEED,
                end,
            },
        )
        .await
        .unwrap();
        let ix = ws.index().await.unwrap();
        let rows = crate::graph::repo::workflow_maps::list(ws.pool())
            .await
            .unwrap();
        let mapping = Mapping::build(&ix, &rows);
        let latest = ix.items.iter().map(|i| i.updated).max();
        let scope = Scope::resolve(&ix, &super::super::history(latest, end), end).unwrap();
        let derived = |parts: usize| {
            let mut f = Facts {
                as_of: scope.as_of,
                horizon: scope.as_of,
                ..Facts::default()
            };
            f.derive_all(&ix, &mapping, &scope, parts);
            f
        };
        let one = derived(1);
        assert!(one.start.iter().any(Option::is_some) && one.finish.iter().any(Option::is_some));
        for parts in [2, 3, 7, 64] {
            let f = derived(parts);
            assert_eq!(f.start, one.start, "{parts} runs: starts");
            assert_eq!(f.finish, one.finish, "{parts} runs: finishes");
            assert_eq!(f.flow, one.flow, "{parts} runs: states");
            assert_eq!(f.stage, one.stage, "{parts} runs: stages");
            assert_eq!(f.since, one.since, "{parts} runs: since");
        }
        drop(ix);
        ws.close().await;
    }
}
