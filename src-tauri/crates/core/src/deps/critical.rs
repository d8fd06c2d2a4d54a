//! The critical path to an item or an intent, with P50 and P85 finish dates.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{CoreError, CoreResult};
use crate::graph::index::WorkIndex;
use crate::time::{to_rfc3339, DAY_MS};

use super::analysis::{dep_item, DepItem};
use super::graph::{slot, Facts};
use super::links::{Adjacency, DepGraph};

/// What to compute the critical path to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Target {
    Item {
        id: String,
    },
    /// Every item of the intent and of its descendants.
    Intent {
        id: String,
    },
}

/// One item on the path.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CriticalStep {
    pub item: DepItem,
    /// Days since its cycle started (or since creation if not started).
    pub age_days: f64,
    /// Expected days of work left, at the team's 50th and 85th percentile cycle times.
    pub remaining_p50_days: f64,
    pub remaining_p85_days: f64,
    /// Expected finish (RFC 3339), with everything upstream of it.
    pub finish_p50: String,
    pub finish_p85: String,
    /// True when the team's percentiles are the documented defaults.
    pub default_percentiles: bool,
}

/// The critical path and the forecast it gives.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CriticalPath {
    pub target_label: String,
    /// From the furthest upstream item to the target (P85 path).
    pub steps: Vec<CriticalStep>,
    /// Items the target depends on, directly or not (open and closed).
    pub upstream_items: u32,
    /// Of which still open.
    pub open_upstream_items: u32,
    /// The target's own items (one for an item; an intent's items and its descendants').
    pub target_items: u32,
    /// Of which still open.
    pub open_target_items: u32,
    pub finish_p50: String,
    pub finish_p85: String,
    /// Already delivered: nothing left.
    pub done: bool,
    /// Items upstream that depend on each other in a cycle (their order is unknown; each counts
    /// once and links inside the cycle are ignored).
    pub items_in_cycles: u32,
}

fn remaining(ix: &WorkIndex, facts: &Facts, i: u32, p85: bool) -> f64 {
    if facts.closed(i) {
        return 0.0;
    }
    let s = slot(ix, ix.items[i as usize].team);
    let expected = if p85 {
        facts.team_p85[s]
    } else {
        facts.team_p50[s]
    };
    match facts.start[i as usize] {
        Some(_) => facts.remaining_days(
            s,
            facts.age_days(ix, i),
            if p85 { 85.0 } else { 50.0 },
            expected,
        ),
        None => expected,
    }
}

/// The positions of the items of `target` (ascending) and its label.
pub(crate) fn resolve_target(ix: &WorkIndex, target: &Target) -> CoreResult<(Vec<u32>, String)> {
    Ok(match target {
        Target::Item { id } => {
            let i = ix
                .item_ids
                .iter()
                .position(|x| x == id.as_str())
                .ok_or_else(|| CoreError::NotFound(format!("item {id}")))?;
            (vec![i as u32], ix.item_keys[i].to_string())
        }
        Target::Intent { id } => {
            let at = ix
                .intents
                .iter()
                .position(|n| &n.id == id)
                .ok_or_else(|| CoreError::NotFound(format!("intent {id}")))?;
            let within = ix.intents_under(&[at as u32]);
            let items: Vec<u32> = (0..ix.items.len() as u32)
                .filter(|i| {
                    within
                        .get(ix.items[*i as usize].intent as usize)
                        .copied()
                        .unwrap_or(false)
                })
                .collect();
            (items, ix.intents[at].name.clone())
        }
    })
}

/// Computes the critical path to `target`.
pub fn critical_path(ix: &WorkIndex, facts: &Facts, target: &Target) -> CoreResult<CriticalPath> {
    Ok(critical_path_in(ix, facts, &DepGraph::build(ix, facts), target)?.0)
}

/// [`critical_path`] over `g`, the dependency graph of `ix` and `facts` at their horizon, with
/// the positions of the path's items (its steps, in order).
pub fn critical_path_in(
    ix: &WorkIndex,
    facts: &Facts,
    g: &DepGraph,
    target: &Target,
) -> CoreResult<(CriticalPath, Vec<u32>)> {
    let resolved = g.target(ix, target)?;
    let (targets, label): (&[u32], String) = (&resolved.0, resolved.1.clone());
    let before = &g.upstream;
    // Everything upstream of the targets.
    let mut upstream: HashSet<u32> = targets.iter().copied().collect();
    let mut stack: Vec<u32> = targets.to_vec();
    while let Some(i) = stack.pop() {
        for &b in before.of(i) {
            if upstream.insert(b) {
                stack.push(b);
            }
        }
    }
    // Earliest finish (days from now) of each upstream item, by depth-first evaluation; an edge
    // back into the item being evaluated (a cycle) is ignored.
    let mut memo: HashMap<u32, ([f64; 2], [Option<u32>; 2])> = HashMap::default();
    let mut in_cycle: HashSet<u32> = HashSet::default();
    fn finish(
        i: u32,
        ix: &WorkIndex,
        facts: &Facts,
        before: &Adjacency,
        memo: &mut HashMap<u32, ([f64; 2], [Option<u32>; 2])>,
        visiting: &mut HashSet<u32>,
        in_cycle: &mut HashSet<u32>,
    ) -> [f64; 2] {
        if let Some((ef, _)) = memo.get(&i) {
            return *ef;
        }
        visiting.insert(i);
        let mut ef = [0.0f64; 2];
        let mut via = [None; 2];
        for &b in before.of(i) {
            if visiting.contains(&b) {
                in_cycle.insert(b);
                in_cycle.insert(i);
                continue;
            }
            let up = finish(b, ix, facts, before, memo, visiting, in_cycle);
            for k in 0..2 {
                if up[k] > ef[k] || via[k].is_none() && up[k] >= ef[k] && up[k] > 0.0 {
                    ef[k] = up[k];
                    via[k] = Some(b);
                }
            }
        }
        visiting.remove(&i);
        let own = [
            remaining(ix, facts, i, false),
            remaining(ix, facts, i, true),
        ];
        let total = [ef[0] + own[0], ef[1] + own[1]];
        memo.insert(i, (total, via));
        total
    }
    let mut visiting = HashSet::default();
    let mut worst: Option<(u32, [f64; 2])> = None;
    for &t in targets {
        let ef = finish(
            t,
            ix,
            facts,
            before,
            &mut memo,
            &mut visiting,
            &mut in_cycle,
        );
        if worst.is_none_or(|(w, best)| ef[1] > best[1] || (ef[1] == best[1] && t < w)) {
            worst = Some((t, ef));
        }
    }
    let date = |days: f64| to_rfc3339(facts.as_of + (days * DAY_MS as f64) as i64);
    let Some((end, total)) = worst else {
        let empty = CriticalPath {
            target_label: label,
            steps: Vec::new(),
            upstream_items: 0,
            open_upstream_items: 0,
            target_items: targets.len() as u32,
            open_target_items: 0,
            finish_p50: date(0.0),
            finish_p85: date(0.0),
            done: true,
            items_in_cycles: 0,
        };
        return Ok((empty, Vec::new()));
    };
    // Walk the P85 path back from the target.
    let mut path = vec![end];
    let mut at = end;
    while let Some(prev) = memo.get(&at).and_then(|(_, via)| via[1]) {
        if path.contains(&prev) {
            break;
        }
        path.push(prev);
        at = prev;
    }
    path.reverse();
    let steps = path
        .iter()
        .map(|&i| {
            let (ef, _) = memo.get(&i).copied().unwrap_or(([0.0; 2], [None; 2]));
            let s = slot(ix, ix.items[i as usize].team);
            CriticalStep {
                item: dep_item(ix, facts, i),
                age_days: facts.age_days(ix, i),
                remaining_p50_days: remaining(ix, facts, i, false),
                remaining_p85_days: remaining(ix, facts, i, true),
                finish_p50: date(ef[0]),
                finish_p85: date(ef[1]),
                default_percentiles: facts.team_samples[s] == 0,
            }
        })
        .collect();
    let done = targets.iter().all(|t| facts.closed(*t));
    let mut sorted_targets = targets.to_vec();
    sorted_targets.sort_unstable();
    let found = CriticalPath {
        target_label: label,
        steps,
        upstream_items: (upstream.len() - targets.len().min(upstream.len())) as u32,
        open_upstream_items: upstream
            .iter()
            .filter(|i| !facts.closed(**i) && sorted_targets.binary_search(i).is_err())
            .count() as u32,
        target_items: targets.len() as u32,
        open_target_items: targets.iter().filter(|t| !facts.closed(**t)).count() as u32,
        finish_p50: date(total[0]),
        finish_p85: date(total[1]),
        done,
        items_in_cycles: in_cycle.len() as u32,
    };
    Ok((found, path))
}
