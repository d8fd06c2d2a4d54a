//! The dependency graph and the per-item facts the analyses read.

use crate::flow::engine::each_timeline;
use crate::flow::filter::link_stands_at;
use crate::flow::{percentile, Mapping, Scope, Stage};
use crate::graph::index::{WorkIndex, NONE};
use crate::graph::model::{FlowState, LinkKind};
use crate::time::DAY_MS;

use super::{DEFAULT_P50_DAYS, DEFAULT_P85_DAYS};

/// What the analyses need to know about every item, at `as_of`.
#[derive(Debug, Default)]
pub struct Facts {
    /// The instant ages are measured at.
    pub as_of: i64,
    /// The exclusive end of what the analyses see: links made before it stand (just after
    /// `as_of`, so what was recorded at exactly `as_of` counts).
    pub horizon: i64,
    /// Start of the current cycle (see flow's cycle time).
    pub start: Vec<Option<i64>>,
    /// When the item was delivered (last entry into done), if it is done.
    pub finish: Vec<Option<i64>>,
    /// The effective flow state now.
    pub flow: Vec<FlowState>,
    /// The stage now (None outside the flow: new, done, canceled).
    pub stage: Vec<Option<Stage>>,
    /// When the current effective state began.
    pub since: Vec<i64>,
    /// Per team slot (teams, then "no team"): cycle-time P50 and P85 in days, and how many
    /// finished items they come from (0 = the documented defaults).
    pub team_p50: Vec<f64>,
    pub team_p85: Vec<f64>,
    pub team_samples: Vec<u32>,
}

impl Facts {
    /// Derives the facts of every item, learning team cycle times over `scope`'s range.
    pub fn gather(ix: &WorkIndex, mapping: &Mapping, scope: &Scope) -> Facts {
        let n = ix.items.len();
        let mut facts = Facts {
            as_of: scope.as_of,
            horizon: scope.as_of,
            start: vec![None; n],
            finish: vec![None; n],
            flow: ix.items.iter().map(|i| i.flow).collect(),
            stage: vec![None; n],
            since: ix.items.iter().map(|i| i.updated).collect(),
            ..Facts::default()
        };
        let slots = ix.teams.len() + 1;
        let mut cycles: Vec<Vec<f64>> = vec![Vec::new(); slots];
        each_timeline(ix, mapping, scope, |i, timeline| {
            let Ok(t) = timeline else { return };
            facts.start[i] = t.start;
            facts.finish[i] = t.finish;
            if let Some(last) = t.segments.last() {
                facts.flow[i] = last.flow;
                facts.stage[i] = Stage::of(last.flow, last.reason);
                facts.since[i] = last.start;
            }
            if let (Some(s), Some(f)) = (t.start, t.finish) {
                if scope.in_range(f) {
                    cycles[slot(ix, ix.items[i].team)].push((f - s) as f64 / DAY_MS as f64);
                }
            }
        });
        for mut values in cycles {
            values.sort_by(f64::total_cmp);
            facts.team_samples.push(values.len() as u32);
            facts
                .team_p50
                .push(percentile::nearest_rank(&values, 50.0).unwrap_or(DEFAULT_P50_DAYS));
            facts
                .team_p85
                .push(percentile::nearest_rank(&values, 85.0).unwrap_or(DEFAULT_P85_DAYS));
        }
        facts
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

/// The slot of a team in per-team vectors (teams, then "no team").
pub fn slot(ix: &WorkIndex, team: u32) -> usize {
    if team == NONE {
        ix.teams.len()
    } else {
        team as usize
    }
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
