//! Policy violations now, kept up to date instead of evaluated again: after a change only the
//! items it touched (and the items linked to them, and the WIP limits of their teams) are
//! evaluated again, and as time passes only the items whose clocks may have run out. The
//! breaches kept are exactly those of [`super::breaches`] (a test checks it against a whole
//! evaluation after random changes). The Governance page, `baton policy check` and the Intents
//! page read the one copy a workspace keeps ([`followed`]); the Triage worklist's policy reason
//! follows its own copy of only the policies it lists ([`followed_in`]).

use std::sync::{Arc, Mutex};

use crate::error::{CoreError, CoreResult};
use crate::flow::mapping::Mapping;
use crate::graph::index::{WorkIndex, NONE};
use crate::graph::model::WorkflowMap;
use crate::graph::Workspace;

use super::eval::{every_item, per_item_policies, verdict, wip, Breach, Context};
use super::policy::{PolicySet, Rule};

/// Breaches now and past ones still counted (see [`super::eval::RECENT_MS`]), per item
/// position, as of [`CurrentViolations::now`].
#[derive(Debug, Clone, PartialEq)]
pub struct CurrentViolations {
    /// The index generation they were brought up to date with.
    pub generation: u64,
    /// What they judge by: the policy set and the workflow map (a hash of both, see [`key`]).
    pub policies: u64,
    /// The instant they hold at.
    pub now: i64,
    /// The breaches of the per-item policies, in item order (each item's in policy order).
    found: Vec<Breach>,
    /// The breaches of the WIP limits (current by definition).
    wip_found: Vec<Breach>,
    /// Current breaches of the per-item policies, per item.
    per_item: Vec<u16>,
    /// Current breaches of the WIP limits, per item.
    wip: Vec<u16>,
    /// When each item's per-item breaches may change with time alone (`i64::MAX`: never).
    recheck: Vec<i64>,
    /// The team each item was counted in (for WIP limits; [`NONE`] for none).
    teams: Vec<u32>,
}

/// How [`followed`] brought the violations up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evaluation {
    /// Every policy on every item: nothing was kept, the policies or the workflow map changed,
    /// the index was loaded again, or time went back.
    Whole,
    /// Only these many items were evaluated again (0: nothing changed since).
    Followed { items: usize },
}

/// What the violations judge by, hashed: the policy set (with its calendars) and the workflow
/// map rows. Equal keys, equal judgements of the same index.
pub fn key(set: &PolicySet, rows: &[WorkflowMap]) -> CoreResult<u64> {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    serde_json::to_string(set)
        .map_err(|e| CoreError::Invalid(e.to_string()))?
        .hash(&mut h);
    for r in rows {
        (
            &r.source_id,
            &r.team_id,
            r.item_kind,
            &r.raw_state,
            r.flow_state,
            r.wait_reason,
        )
            .hash(&mut h);
    }
    Ok(h.finish())
}

impl CurrentViolations {
    /// Evaluates every enabled policy on every item; `policies` is the [`key`] they judge by.
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
            found: Vec::new(),
            wip_found: Vec::new(),
            per_item: vec![0; n],
            wip: vec![0; n],
            recheck: vec![i64::MAX; n],
            teams: ix.items.iter().map(|i| i.team).collect(),
        };
        let cx = Context::new(ix, mapping, set)?;
        let every = every_item(&cx, now);
        (out.found, out.recheck, out.per_item) = (every.found, every.recheck, every.current);
        out.wip_again(&cx, None, now);
        Ok(out)
    }

    /// Current violations of item `i` (0 for an item it does not know).
    pub fn of(&self, i: u32) -> u32 {
        let i = i as usize;
        u32::from(self.per_item.get(i).copied().unwrap_or(0))
            + u32::from(self.wip.get(i).copied().unwrap_or(0))
    }

    /// Every breach kept: the per-item policies' in item order, then the WIP limits'. The same
    /// set as [`super::breaches`] at [`CurrentViolations::now`], not always in its order.
    pub fn breaches(&self) -> impl Iterator<Item = &Breach> {
        self.found.iter().chain(self.wip_found.iter())
    }

    /// Brought up to date with `ix` at `now`, when the items that changed since the index they
    /// hold are known (`changed`, positions) and time has not gone back; `Ok(None)` when they
    /// must be evaluated again, else how many items were evaluated again.
    pub fn follow(
        &mut self,
        ix: &WorkIndex,
        mapping: &Mapping,
        set: &PolicySet,
        changed: &[u32],
        now: i64,
    ) -> CoreResult<Option<usize>> {
        if now < self.now || ix.items.len() < self.per_item.len() {
            return Ok(None);
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
        if positions.is_empty() {
            self.generation = ix.generation;
            self.now = now;
            return Ok(Some(0));
        }
        let has_wip = set
            .policies
            .iter()
            .any(|p| p.enabled && matches!(p.rule, Rule::WipLimit { .. }));
        let cx = Context::for_items(ix, mapping, set, &again)?;
        let fresh = self.items_again(&cx, positions.iter().copied(), now);
        // The kept breaches of the items evaluated again give way to the fresh ones, in item
        // order (a stable sort keeps each item's in policy order).
        self.found.retain(|b| !again[b.item as usize]);
        self.found.extend(fresh);
        self.found.sort_by_key(|b| b.item);
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
        Ok(Some(positions.len()))
    }

    /// Evaluates the per-item policies again on `positions`: their counts and recheck times,
    /// and the breaches found (returned, in item order).
    fn items_again(
        &mut self,
        cx: &Context<'_>,
        positions: impl Iterator<Item = usize>,
        now: i64,
    ) -> Vec<Breach> {
        let per_item = per_item_policies(cx);
        let mut found: Vec<Breach> = Vec::new();
        for i in positions {
            (self.recheck[i], self.per_item[i]) = if per_item.is_empty() {
                (i64::MAX, 0)
            } else {
                verdict(cx, &per_item, i, now, &mut found)
            };
        }
        found
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
        let kept_teams = &self.teams;
        self.wip_found.retain(|b| {
            let i = b.item as usize;
            !(within(kept_teams[i]) || within(ix.items[i].team))
        });
        let mut found: Vec<Breach> = Vec::new();
        for (at, c) in cx.policies.iter().enumerate() {
            if let (true, Rule::WipLimit { limit, .. }) = (c.policy.enabled, &c.policy.rule) {
                wip(cx, c, at as u16, *limit, now, teams, &mut found);
            }
        }
        for b in &found {
            if b.current {
                self.wip[b.item as usize] += 1;
            }
        }
        self.wip_found.extend(found);
    }
}

/// The copy of the violations a workspace keeps between questions.
#[derive(Default)]
struct Kept(Option<Arc<CurrentViolations>>);

const KEPT: &str = "governance-current";

/// The violations now of the workspace's index under `set` and the workflow map `rows`: the
/// workspace's copy followed item by item when it judges by the same policies and workflow map
/// and the index's changes since are known, else every policy evaluated on every item. After a
/// sync page the items it wrote (and those linked to them) are evaluated again; a decision
/// changes no item the policies read, so nothing is (an intent linked by hand rewrites its item,
/// which is); an edited policy set or workflow map evaluates everything again.
pub async fn followed(
    ws: &Workspace,
    ix: &WorkIndex,
    mapping: &Mapping,
    rows: &[WorkflowMap],
    set: &PolicySet,
    now: i64,
) -> CoreResult<(Arc<CurrentViolations>, Evaluation)> {
    followed_in(ws, KEPT, ix, mapping, rows, set, now).await
}

/// [`followed`], with the copy kept under `name` instead of the workspace's one: for a reader
/// that judges by a part of the set only (the Triage worklist's blocking policies), so that it
/// and the pages that judge by the whole set each follow their own copy instead of evaluating
/// everything again in turn.
pub async fn followed_in(
    ws: &Workspace,
    name: &'static str,
    ix: &WorkIndex,
    mapping: &Mapping,
    rows: &[WorkflowMap],
    set: &PolicySet,
    now: i64,
) -> CoreResult<(Arc<CurrentViolations>, Evaluation)> {
    let policies = key(set, rows)?;
    let kept = ws.derived_slot::<Mutex<Kept>>(name);
    let held = kept.lock().ok().and_then(|mut k| k.0.take());
    let mut current = None;
    if let Some(mut v) = held.filter(|v| v.policies == policies) {
        if let Some(changed) = ix.changed_since(v.generation) {
            // A question asked a moment before the last one answers as of the last one.
            let at = if now < v.now && v.now - now < 60_000 {
                v.now
            } else {
                now
            };
            if let Some(items) = Arc::make_mut(&mut v).follow(ix, mapping, set, &changed, at)? {
                current = Some((v, Evaluation::Followed { items }));
            }
        }
    }
    let (current, how) = match current {
        Some(c) => c,
        None => (
            Arc::new(CurrentViolations::evaluate(
                ix, mapping, set, policies, now,
            )?),
            Evaluation::Whole,
        ),
    };
    if let Ok(mut k) = kept.lock() {
        k.0 = Some(current.clone());
    }
    Ok((current, how))
}
