//! Cross-team dependencies: who blocks whom, blocked chains, cycles, the critical path to an
//! item or intent, items at risk from old blockers, and handoffs that never arrived.
//! Definitions: `docs/metrics.md` ("Dependencies"). Everything reads the in-memory index.

pub mod analysis;
pub mod critical;
pub mod graph;
pub mod view;

use std::sync::Arc;

use crate::error::CoreResult;
use crate::flow::{FlowFilter, Mapping, Scope};
use crate::graph::index::WorkIndex;
use crate::graph::repo;
use crate::graph::Workspace;

pub use analysis::*;
pub use critical::{critical_path, CriticalPath, CriticalStep, Target};
pub use view::{graph_view, GraphEdge, GraphNode, GraphRequest, GraphView};

/// Expected cycle time (days) of a team with no finished work to learn from: the 50th and 85th
/// percentiles used until the team has history (documented in `docs/metrics.md`).
pub const DEFAULT_P50_DAYS: f64 = 5.0;
pub const DEFAULT_P85_DAYS: f64 = 12.0;
/// How far back team cycle times are learned from.
pub const HISTORY_DAYS: i64 = 90;

/// The index, the per-item facts and the team percentiles the analyses need.
pub struct Context {
    pub ix: Arc<WorkIndex>,
    pub facts: graph::Facts,
}

/// Builds the context of a workspace, measured at `now` at the latest.
pub async fn context(ws: &Workspace, now: i64) -> CoreResult<Context> {
    let ix = ws.index().await?;
    let rows = repo::workflow_maps::list(ws.pool()).await?;
    let mapping = Mapping::build(&ix, &rows);
    let latest = ix
        .items
        .iter()
        .map(|i| i.updated)
        .max()
        .unwrap_or(now)
        .min(now);
    let to = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(latest)
        .unwrap_or_default()
        .date_naive();
    let from = to - chrono::Days::new(HISTORY_DAYS as u64 - 1);
    let filter = FlowFilter {
        from: Some(from.to_string()),
        to: Some(to.to_string()),
        ..FlowFilter::default()
    };
    let scope = Scope::resolve(&ix, &filter, now)?;
    let mut facts = graph::Facts::gather(&ix, &mapping, &scope);
    // Ages and waits are measured now; the states are those at the end of the data. As in a
    // flow range cut short by now, a link recorded at exactly now stands (the exclusive end is
    // the next millisecond).
    facts.horizon = now.saturating_add(1).max(facts.as_of);
    facts.as_of = now.max(facts.as_of);
    Ok(Context { ix, facts })
}

/// Every dependency analysis of a workspace.
pub async fn deps_report(ws: &Workspace, filter: &DepsFilter, now: i64) -> CoreResult<DepsReport> {
    let cx = context(ws, now).await?;
    let mut report = analyse(&cx.ix, &cx.facts, filter);
    fill_titles(ws, &mut report).await?;
    Ok(report)
}

async fn fill_titles(ws: &Workspace, report: &mut DepsReport) -> CoreResult<()> {
    let mut refs: Vec<&mut crate::flow::ItemRef> = Vec::new();
    for chain in report.chains.iter_mut() {
        refs.extend(chain.items.iter_mut().map(|i| &mut i.item));
    }
    for cycle in report.cycles.iter_mut() {
        refs.extend(cycle.items.iter_mut().map(|i| &mut i.item));
    }
    for risk in report.at_risk.iter_mut() {
        refs.push(&mut risk.item.item);
        refs.push(&mut risk.blocker.item);
    }
    for handoff in report.handoffs.iter_mut() {
        refs.push(&mut handoff.upstream.item);
        refs.push(&mut handoff.downstream.item);
    }
    crate::flow::titles(ws, refs).await
}

/// The critical path to an item or intent.
pub async fn deps_critical_path(
    ws: &Workspace,
    target: &Target,
    now: i64,
) -> CoreResult<CriticalPath> {
    let cx = context(ws, now).await?;
    let mut path = critical_path(&cx.ix, &cx.facts, target)?;
    crate::flow::titles(
        ws,
        path.steps.iter_mut().map(|s| &mut s.item.item).collect(),
    )
    .await?;
    Ok(path)
}

/// The item graph to draw.
pub async fn deps_graph(ws: &Workspace, request: &GraphRequest, now: i64) -> CoreResult<GraphView> {
    let cx = context(ws, now).await?;
    let mut view = graph_view(&cx.ix, &cx.facts, request)?;
    crate::flow::titles(ws, view.nodes.iter_mut().map(|n| &mut n.item).collect()).await?;
    Ok(view)
}
