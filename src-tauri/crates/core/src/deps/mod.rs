//! Cross-team dependencies: who blocks whom, blocked chains, cycles, the critical path to an
//! item or intent, items at risk from old blockers, and handoffs that never arrived.
//! Definitions: `docs/metrics.md` ("Dependencies"). Everything reads the in-memory index.

pub mod analysis;
pub mod attention;
pub mod critical;
pub mod graph;
pub mod links;
pub mod view;

use std::sync::Arc;

use crate::error::CoreResult;
use crate::flow::{FlowFilter, Mapping, Scope};
use crate::graph::index::WorkIndex;
use crate::graph::repo;
use crate::graph::Workspace;

pub use analysis::*;
pub use attention::{
    attention, attention_items, Attention, AttentionItem, AttentionItems, AttentionList,
    WaitingReasonCount,
};
pub use critical::{critical_path, critical_path_in, CriticalPath, CriticalStep, Target};
pub use links::DepGraph;
pub use view::{graph_view, graph_view_in, GraphEdge, GraphNode, GraphRequest, GraphView};

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
    /// Which gathering of the facts these are (the kept [`DepGraph`] is that of one).
    epoch: u64,
}

/// What the dependency questions keep between them (`Workspace::derived`): the facts of every
/// item, brought up to date with the index item by item ([`WorkIndex::changed_since`],
/// [`graph::Facts::follow`]) instead of gathered again, and the dependency graph at the last
/// horizon ([`DepGraph`]), built again only when the index, the facts or the links standing at
/// the horizon change. Every answer equals one computed afresh (`tests/it/deps.rs`).
#[derive(Default)]
struct Kept {
    facts: Option<KeptFacts>,
    graph: Option<Arc<DepGraph>>,
    /// Counts the gatherings (and followings that changed something) of the facts.
    epochs: u64,
    /// The latest `updated` of the index's items, per index generation.
    latest: Option<(u64, Option<i64>)>,
}

struct KeptFacts {
    /// The workflow map and range the facts were gathered over.
    key: u64,
    generation: u64,
    /// The range's `as_of` (before the context moves it to the question's instant).
    as_of: i64,
    facts: graph::Facts,
    epoch: u64,
}

const KEPT: &str = "deps-context";

fn kept(ws: &Workspace) -> Arc<std::sync::Mutex<Kept>> {
    ws.derived_slot(KEPT)
}

/// The range team cycle times are learnt over: the [`HISTORY_DAYS`] up to the day of the latest
/// change (no later than `now`).
fn history(latest_updated: Option<i64>, now: i64) -> FlowFilter {
    let latest = latest_updated.unwrap_or(now).min(now);
    let to = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(latest)
        .unwrap_or_default()
        .date_naive();
    let from = to - chrono::Days::new(HISTORY_DAYS as u64 - 1);
    FlowFilter {
        from: Some(from.to_string()),
        to: Some(to.to_string()),
        ..FlowFilter::default()
    }
}

/// Ages and waits are measured now; the states are those at the end of the data. As in a flow
/// range cut short by now, a link recorded at exactly now stands (the exclusive end is the next
/// millisecond).
fn measured_now(facts: &mut graph::Facts, now: i64) {
    facts.horizon = now.saturating_add(1).max(facts.as_of);
    facts.as_of = now.max(facts.as_of);
}

/// Builds the context of a workspace, measured at `now` at the latest: the facts kept from the
/// last question, followed to the index's generation, when they were gathered over the same
/// workflow map and range; else gathered. Equal to [`fresh_context`].
pub async fn context(ws: &Workspace, now: i64) -> CoreResult<Context> {
    let ix = ws.index().await?;
    let rows = repo::workflow_maps::list(ws.pool()).await?;
    let kept = kept(ws);
    // Held while the facts are followed or gathered: questions asked together wait for one
    // gathering instead of each making its own.
    let mut k = kept
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let latest = match k.latest {
        Some((generation, latest)) if generation == ix.generation => latest,
        _ => {
            let latest = ix.items.iter().map(|i| i.updated).max();
            k.latest = Some((ix.generation, latest));
            latest
        }
    };
    let filter = history(latest, now);
    let scope = Scope::resolve_after(&ix, &filter, now, latest)?;
    let key = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        format!("{rows:?}|{:?}|{:?}", filter.from, filter.to).hash(&mut h);
        h.finish()
    };
    let held = k
        .facts
        .take()
        .filter(|f| f.key == key && f.as_of <= scope.as_of);
    let mut current = None;
    if let Some(mut f) = held {
        if f.generation == ix.generation && f.as_of == scope.as_of {
            current = Some(f);
        } else if let Some(changed) = ix.changed_since(f.generation) {
            let mapping = Mapping::build(&ix, &rows);
            f.facts.as_of = f.as_of;
            f.facts.horizon = f.as_of;
            if f.facts.follow(&ix, &mapping, &scope, &changed) {
                k.epochs += 1;
                f.epoch = k.epochs;
            }
            f.generation = ix.generation;
            f.as_of = f.facts.as_of;
            current = Some(f);
        }
    }
    let current = match current {
        Some(f) => f,
        None => {
            let mapping = Mapping::build(&ix, &rows);
            let facts = graph::Facts::gather(&ix, &mapping, &scope);
            k.epochs += 1;
            KeptFacts {
                key,
                generation: ix.generation,
                as_of: facts.as_of,
                facts,
                epoch: k.epochs,
            }
        }
    };
    let mut facts = current.facts.clone();
    let epoch = current.epoch;
    k.facts = Some(current);
    drop(k);
    measured_now(&mut facts, now);
    Ok(Context { ix, facts, epoch })
}

/// The context of a workspace computed afresh, every item's facts gathered again.
pub async fn fresh_context(ws: &Workspace, now: i64) -> CoreResult<Context> {
    let ix = ws.index().await?;
    let rows = repo::workflow_maps::list(ws.pool()).await?;
    let mapping = Mapping::build(&ix, &rows);
    let latest = ix.items.iter().map(|i| i.updated).max();
    let scope = Scope::resolve(&ix, &history(latest, now), now)?;
    let mut facts = graph::Facts::gather(&ix, &mapping, &scope);
    measured_now(&mut facts, now);
    Ok(Context {
        ix,
        facts,
        epoch: 0,
    })
}

/// The dependency graph of a context, kept from the last question when it is that of the same
/// index, facts and standing links; else built (and kept).
pub fn dep_graph(ws: &Workspace, cx: &Context) -> Arc<DepGraph> {
    if cx.epoch == 0 {
        // Facts gathered afresh: nothing kept is theirs.
        return Arc::new(DepGraph::build(&cx.ix, &cx.facts));
    }
    let kept = kept(ws);
    // Held while the graph is built: questions asked together build it once.
    let mut k = kept
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(g) = k
        .graph
        .as_ref()
        .filter(|g| g.holds(cx.ix.generation, cx.epoch, cx.facts.horizon))
    {
        return g.clone();
    }
    let g = Arc::new(DepGraph::build_at(&cx.ix, &cx.facts, cx.epoch));
    k.graph = Some(g.clone());
    g
}

/// Every dependency analysis of a workspace.
pub async fn deps_report(ws: &Workspace, filter: &DepsFilter, now: i64) -> CoreResult<DepsReport> {
    let cx = context(ws, now).await?;
    let g = dep_graph(ws, &cx);
    let mut report = analyse_in(&cx.ix, &cx.facts, &g, filter);
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
    let g = dep_graph(ws, &cx);
    let (mut path, _) = critical_path_in(&cx.ix, &cx.facts, &g, target)?;
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
    let g = dep_graph(ws, &cx);
    let mut view = graph_view_in(&cx.ix, &cx.facts, &g, request)?;
    crate::flow::titles(ws, view.nodes.iter_mut().map(|n| &mut n.item).collect()).await?;
    Ok(view)
}
