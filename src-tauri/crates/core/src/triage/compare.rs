//! AI-made work compared with people's, side by side on the Flow page's filters: does AI output
//! turn into delivered value? Definitions: `docs/metrics.md` ("AI compared with human work").

use std::collections::HashMap;

use serde::Serialize;
use specta::Type;

use crate::error::CoreResult;
use crate::flow::engine::{each_timeline, percentiles};
use crate::flow::{FlowFilter, Percentiles, RangeInfo};
use crate::graph::index::{EventKind, NONE, VERDICT_CHANGES};
use crate::graph::model::{FlowState, ItemKind, Provenance};
use crate::graph::Workspace;
use crate::query::summary::provenance_label;
use crate::time::DAY_MS;

/// How long after delivery a reopening or a revert counts as rework.
pub const REWORK_DAYS: i64 = 30;

/// The figures of one provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct GroupFigures {
    pub provenance: Provenance,
    pub label: String,
    /// Items in the slice that exist by the end of the range.
    pub items: u32,
    /// Cycle time of the items finished in the range, in days.
    pub cycle_time: Percentiles,
    /// Pull requests opened in the range.
    pub pull_requests: u32,
    /// From ready for review to the first review action by someone other than the author, for
    /// pull requests opened in the range that have one, in days.
    pub time_to_first_review: Percentiles,
    /// Pull requests opened in the range, ready, with no review action yet.
    pub without_review: u32,
    /// Mean review rounds of pull requests merged in the range: changes requested + 1.
    pub review_rounds: Option<f64>,
    /// Pull requests merged and closed unmerged in the range.
    pub merged: u32,
    pub abandoned: u32,
    /// Shares of the pull requests closed in the range (merged + abandoned).
    pub merge_rate: Option<f64>,
    pub abandon_rate: Option<f64>,
    /// Items first delivered in the range.
    pub delivered: u32,
    /// Of those, reopened or reverted within [`REWORK_DAYS`] days.
    pub reworked: u32,
    pub rework_rate: Option<f64>,
    /// Items open at the end of the range.
    pub open: u32,
    /// Days since the last change of each open item.
    pub idle: Percentiles,
}

/// The comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AiComparison {
    pub range: RangeInfo,
    /// Human, AI agent, automation.
    pub groups: Vec<GroupFigures>,
    pub rework_days: u32,
}

#[derive(Default)]
struct Acc {
    items: u32,
    cycles: Vec<f64>,
    prs: u32,
    first_review: Vec<f64>,
    without_review: u32,
    rounds: Vec<f64>,
    merged: u32,
    abandoned: u32,
    delivered: u32,
    reworked: u32,
    open: u32,
    idle: Vec<f64>,
}

fn days(ms: i64) -> f64 {
    ms.max(0) as f64 / DAY_MS as f64
}

fn share(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) / f64::from(whole))
}

/// The comparison over `filter` (its provenance list is ignored: every provenance is shown).
pub async fn ai_comparison(
    ws: &Workspace,
    filter: &FlowFilter,
    now: i64,
) -> CoreResult<AiComparison> {
    let filter = FlowFilter {
        provenances: Vec::new(),
        ..filter.clone()
    };
    let (ix, mapping, scope) = crate::flow::prepare(ws, &filter, now).await?;
    let (from, to) = (scope.from, scope.as_of);
    let in_range = |t: i64| from <= t && t < to;

    // Reverts: a pull request titled `Revert "<title>"` reverts the merged one titled <title>.
    let mut reverts: HashMap<&str, Vec<i64>> = HashMap::new();
    for (i, item) in ix.items.iter().enumerate() {
        if item.kind != ItemKind::PullRequest {
            continue;
        }
        let title = &ix.item_titles_folded[i];
        if let Some(inner) = title
            .strip_prefix("revert \"")
            .and_then(|t| t.strip_suffix('"'))
        {
            reverts.entry(inner).or_default().push(item.created);
        }
    }

    let mut acc: Vec<Acc> = (0..Provenance::ALL.len()).map(|_| Acc::default()).collect();
    each_timeline(&ix, &mapping, &scope, |i, timeline| {
        let Ok(t) = timeline else { return };
        let item = &ix.items[i];
        let g = &mut acc[Provenance::ALL
            .iter()
            .position(|p| *p == item.provenance)
            .unwrap_or(0)];
        g.items += 1;
        if let (Some(s), Some(f)) = (t.start, t.finish) {
            if in_range(f) {
                g.cycles.push(days(f - s));
            }
        }
        let events = ix.events_of(i);
        if item.kind == ItemKind::PullRequest {
            let ready = t
                .segments
                .iter()
                .find(|s| matches!(s.flow, FlowState::Waiting | FlowState::Done))
                .map(|s| s.start);
            if in_range(item.created) {
                g.prs += 1;
                let first = events.iter().find(|e| {
                    e.kind() == EventKind::Review && e.actor != NONE && e.actor != item.author
                });
                match (ready, first) {
                    (Some(r), Some(e)) => g.first_review.push(days(e.at - r)),
                    (Some(_), None) => g.without_review += 1,
                    _ => {}
                }
            }
            if let Some(f) = t.finish.filter(|f| in_range(*f)) {
                g.merged += 1;
                let changes = events
                    .iter()
                    .filter(|e| {
                        e.kind() == EventKind::Review
                            && e.code() == VERDICT_CHANGES
                            && e.actor != item.author
                            && e.at <= f
                    })
                    .count();
                g.rounds.push(changes as f64 + 1.0);
            }
            if t.canceled.is_some_and(in_range) {
                g.abandoned += 1;
            }
        }
        // Rework: the first delivery, then a move out of done (or a revert) within the window.
        let mut first_done = None;
        let mut reopened = false;
        for e in events.iter().filter(|e| e.kind() == EventKind::State) {
            let flow = mapping.resolve(e.code(), item.team, item.kind).map(|m| m.0);
            match (first_done, flow) {
                (None, Some(FlowState::Done)) => first_done = Some(e.at),
                (Some(f), Some(state))
                    if !matches!(state, FlowState::Done | FlowState::Canceled)
                        && e.at - f <= REWORK_DAYS * DAY_MS =>
                {
                    reopened = true;
                    break;
                }
                _ => {}
            }
        }
        if let Some(f) = first_done.filter(|f| in_range(*f)) {
            g.delivered += 1;
            let reverted = item.kind == ItemKind::PullRequest
                && reverts.get(&ix.item_titles_folded[i]).is_some_and(|list| {
                    list.iter()
                        .any(|c| *c >= f && *c - f <= REWORK_DAYS * DAY_MS)
                });
            if reopened || reverted {
                g.reworked += 1;
            }
        }
        if t.segments
            .last()
            .is_some_and(|s| !matches!(s.flow, FlowState::Done | FlowState::Canceled))
        {
            g.open += 1;
            let last = events
                .iter()
                .filter(|e| e.at < to)
                .map(|e| e.at)
                .next_back()
                .unwrap_or(item.created);
            g.idle.push(days(to - last.max(item.created)));
        }
    });

    let range = crate::flow::range_info(&scope);
    let groups = Provenance::ALL
        .iter()
        .zip(acc)
        .map(|(p, mut a)| {
            let closed = a.merged + a.abandoned;
            GroupFigures {
                provenance: *p,
                label: provenance_label(*p).into(),
                items: a.items,
                cycle_time: percentiles(&mut a.cycles),
                pull_requests: a.prs,
                time_to_first_review: percentiles(&mut a.first_review),
                without_review: a.without_review,
                review_rounds: (!a.rounds.is_empty())
                    .then(|| a.rounds.iter().sum::<f64>() / a.rounds.len() as f64),
                merged: a.merged,
                abandoned: a.abandoned,
                merge_rate: share(a.merged, closed),
                abandon_rate: share(a.abandoned, closed),
                delivered: a.delivered,
                reworked: a.reworked,
                rework_rate: share(a.reworked, a.delivered),
                open: a.open,
                idle: percentiles(&mut a.idle),
            }
        })
        .collect();
    Ok(AiComparison {
        range,
        groups,
        rework_days: REWORK_DAYS as u32,
    })
}
