//! Policy violations now, per item, kept up to date instead of evaluated again: after a change
//! only the items it touched (and the items linked to them, and the WIP limits of their teams)
//! are evaluated again, and as time passes only the items whose clocks may have run out. The
//! counts are exactly those of [`super::breaches`] (`current` breaches per item); a test checks
//! it against a whole evaluation after changes.

use crate::error::CoreResult;
use crate::flow::mapping::Mapping;
use crate::graph::index::{WorkIndex, NONE};

use super::eval::{item_breaches, per_item_policies, wip, Breach, Context};
use super::policy::{PolicySet, Rule};

/// Current violations per item position, as of [`CurrentViolations::now`].
#[derive(Debug, Clone, PartialEq)]
pub struct CurrentViolations {
    /// The index generation they were brought up to date with.
    pub generation: u64,
    /// The policy set they judge (a hash of it).
    pub policies: u64,
    /// The instant they hold at.
    pub now: i64,
    /// Current breaches of the per-item policies, per item.
    per_item: Vec<u16>,
    /// Current breaches of the WIP limits, per item.
    wip: Vec<u16>,
    /// When each item's per-item breaches may change with time alone (`i64::MAX`: never).
    recheck: Vec<i64>,
    /// The team each item was counted in (for WIP limits; [`NONE`] for none).
    teams: Vec<u32>,
}

impl CurrentViolations {
    /// Evaluates every enabled policy on every item.
    pub fn evaluate(
        ix: &WorkIndex,
        mapping: &Mapping,
        set: &PolicySet,
        policies: u64,
        now: i64,
    ) -> CoreResult<CurrentViolations> {
        let n = ix.items.len();
        let mut out = CurrentViolations {
            generation: ix.generation,
            policies,
            now,
            per_item: vec![0; n],
            wip: vec![0; n],
            recheck: vec![i64::MAX; n],
            teams: ix.items.iter().map(|i| i.team).collect(),
        };
        let cx = Context::new(ix, mapping, set)?;
        out.items_again(&cx, 0..n, now);
        out.wip_again(&cx, None, now);
        Ok(out)
    }

    /// Current violations of item `i` (0 for an item it does not know).
    pub fn of(&self, i: u32) -> u32 {
        let i = i as usize;
        u32::from(self.per_item.get(i).copied().unwrap_or(0))
            + u32::from(self.wip.get(i).copied().unwrap_or(0))
    }

    /// Brought up to date with `ix` at `now`, when the items that changed since the index they
    /// hold are known (`changed`, positions) and time has not gone back; false when they must
    /// be evaluated again.
    pub fn follow(
        &mut self,
        ix: &WorkIndex,
        mapping: &Mapping,
        set: &PolicySet,
        changed: &[u32],
        now: i64,
    ) -> CoreResult<bool> {
        if now < self.now || ix.items.len() < self.per_item.len() {
            return Ok(false);
        }
        let n = ix.items.len();
        let old = self.per_item.len();
        self.per_item.resize(n, 0);
        self.wip.resize(n, 0);
        self.recheck.resize(n, i64::MAX);
        self.teams.resize(n, NONE);
        // The items changed, the ones linked to them (blocking, traced work, reviews asked of
        // the issue a pull request implements), the new ones, and those whose clocks ran out.
        let mut touched = vec![false; n];
        for &i in changed {
            if let Some(t) = touched.get_mut(i as usize) {
                *t = true;
            }
        }
        let mut again = touched.clone();
        for link in &ix.links {
            let (a, b) = (link.from as usize, link.to as usize);
            if a < n && b < n {
                if touched[a] {
                    again[b] = true;
                }
                if touched[b] {
                    again[a] = true;
                }
            }
        }
        for (i, a) in again.iter_mut().enumerate() {
            if i >= old || self.recheck[i] <= now {
                *a = true;
            }
        }
        let positions: Vec<usize> = (0..n).filter(|i| again[*i]).collect();
        let has_wip = set
            .policies
            .iter()
            .any(|p| p.enabled && matches!(p.rule, Rule::WipLimit { .. }));
        if positions.is_empty() {
            self.generation = ix.generation;
            self.now = now;
            return Ok(true);
        }
        let cx = Context::new(ix, mapping, set)?;
        self.items_again(&cx, positions.iter().copied(), now);
        if has_wip {
            // The WIP limits of the teams the items were and are in.
            let mut teams = vec![false; ix.teams.len()];
            for &i in &positions {
                for t in [self.teams[i], ix.items[i].team] {
                    if let Some(on) = teams.get_mut(t as usize) {
                        *on = true;
                    }
                }
            }
            self.wip_again(&cx, Some(&teams), now);
        }
        for &i in &positions {
            self.teams[i] = ix.items[i].team;
        }
        self.generation = ix.generation;
        self.now = now;
        Ok(true)
    }

    fn items_again(&mut self, cx: &Context<'_>, positions: impl Iterator<Item = usize>, now: i64) {
        let per_item = per_item_policies(cx);
        let mut found: Vec<Breach> = Vec::new();
        for i in positions {
            found.clear();
            self.recheck[i] = if per_item.is_empty() {
                i64::MAX
            } else {
                item_breaches(cx, &per_item, i, now, &mut found)
            };
            self.per_item[i] = found.iter().filter(|b| b.current).count() as u16;
        }
    }

    /// The WIP limits evaluated again for `teams` (by position; every team when None).
    fn wip_again(&mut self, cx: &Context<'_>, teams: Option<&[bool]>, now: i64) {
        let ix = cx.ix;
        let within = |t: u32| {
            t != NONE && teams.is_none_or(|on| on.get(t as usize).copied().unwrap_or(false))
        };
        for (i, item) in ix.items.iter().enumerate() {
            if within(item.team) || within(self.teams[i]) {
                self.wip[i] = 0;
            }
        }
        let mut found: Vec<Breach> = Vec::new();
        for (at, c) in cx.policies.iter().enumerate() {
            if let (true, Rule::WipLimit { limit, .. }) = (c.policy.enabled, &c.policy.rule) {
                wip(cx, c, at as u16, *limit, now, teams, &mut found);
            }
        }
        for b in found {
            if b.current {
                self.wip[b.item as usize] += 1;
            }
        }
    }
}
