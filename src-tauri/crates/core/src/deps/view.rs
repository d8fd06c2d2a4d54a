//! The item graph as the Dependencies view draws it: nodes and edges, focused or not.

use std::collections::{HashSet, VecDeque};

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::CoreResult;
use crate::flow::{ItemRef, Stage};
use crate::graph::index::WorkIndex;
use crate::graph::model::{FlowState, LinkKind};
use crate::time::DAY_MS;

use super::analysis::DepsFilter;
use super::critical::{critical_path_in, Target};
use super::graph::Facts;
use super::links::DepGraph;

/// What part of the graph to draw.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", default)]
pub struct GraphRequest {
    /// Draw this item's neighbourhood (all link kinds, both directions); None draws the open
    /// blocking graph.
    pub focus: Option<String>,
    /// How many links away from the focus (1–6).
    pub hops: u32,
    pub filter: DepsFilter,
    /// Highlight the critical path to this target (its items are always drawn).
    pub critical: Option<Target>,
    /// At most this many nodes (default and maximum 2,000).
    pub max_nodes: u32,
}

/// One item.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct GraphNode {
    pub item: ItemRef,
    pub team_id: Option<String>,
    pub team_name: Option<String>,
    pub flow_state: FlowState,
    pub stage: Option<Stage>,
    pub age_days: f64,
    pub focus: bool,
    pub critical: bool,
}

/// One dependency, drawn from `from` to `to` as the link reads ("from blocks to").
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct GraphEdge {
    pub from: String,
    pub to: String,
    pub kind: LinkKind,
    /// Both ends still open (for blocks: still blocking).
    pub open: bool,
    pub age_days: f64,
    pub critical: bool,
}

/// What the view draws.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct GraphView {
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
    /// Nodes that qualified; more than drawn when `truncated`.
    pub total_nodes: u32,
    pub truncated: bool,
}

/// Builds the graph view.
pub fn graph_view(ix: &WorkIndex, facts: &Facts, request: &GraphRequest) -> CoreResult<GraphView> {
    graph_view_in(ix, facts, &DepGraph::build(ix, facts), request)
}

/// [`graph_view`] over `g`, the dependency graph of `ix` and `facts` at their horizon.
pub fn graph_view_in(
    ix: &WorkIndex,
    facts: &Facts,
    g: &DepGraph,
    request: &GraphRequest,
) -> CoreResult<GraphView> {
    let max = if request.max_nodes == 0 {
        2_000
    } else {
        request.max_nodes.min(2_000)
    } as usize;
    let critical_items: Vec<u32> = match &request.critical {
        Some(target) => critical_path_in(ix, facts, g, target)?.1,
        None => Vec::new(),
    };
    let keep_team = |i: u32| {
        request.filter.teams.is_empty()
            || request.filter.teams.iter().any(|t| {
                ix.teams
                    .get(ix.items[i as usize].team as usize)
                    .map_or(t.is_empty(), |x| &x.id == t)
            })
    };
    let keep_intent = |i: u32| {
        request.filter.intents.is_empty()
            || ix
                .intents
                .get(ix.items[i as usize].intent as usize)
                .is_some_and(|n| request.filter.intents.contains(&n.id))
    };

    let focus = match &request.focus {
        Some(id) => Some(
            ix.item_ids
                .iter()
                .position(|x| x == id.as_str())
                .ok_or_else(|| crate::CoreError::NotFound(format!("item {id}")))?
                as u32,
        ),
        None => None,
    };
    let mut chosen: Vec<u32> = Vec::new();
    let mut seen: HashSet<u32> = HashSet::new();
    let total;
    match focus {
        Some(f) => {
            let hops = request.hops.clamp(1, 6);
            let mut queue = VecDeque::from([(f, 0u32)]);
            let mut next: Vec<u32> = Vec::new();
            seen.insert(f);
            while let Some((i, depth)) = queue.pop_front() {
                chosen.push(i);
                if depth == hops {
                    continue;
                }
                next.clear();
                next.extend_from_slice(g.neighbours.of(i));
                next.sort_unstable();
                for &n in &next {
                    if seen.insert(n) {
                        queue.push_back((n, depth + 1));
                    }
                }
            }
            total = chosen.len();
        }
        None => {
            // Most open blocking links first (the graph keeps them in that order).
            chosen = g
                .by_degree
                .iter()
                .map(|(i, _)| *i)
                .filter(|i| keep_team(*i) && keep_intent(*i))
                .collect();
            total = chosen.len();
            // With a filter, the items at the other end of the kept items' open blocking links
            // are drawn too (after them), so a team's links to other teams stay visible.
            if !request.filter.teams.is_empty() || !request.filter.intents.is_empty() {
                let kept: HashSet<u32> = chosen.iter().copied().collect();
                let mut others: Vec<u32> = g
                    .open
                    .iter()
                    .filter_map(
                        |d| match (kept.contains(&d.before), kept.contains(&d.after)) {
                            (true, false) => Some(d.after),
                            (false, true) => Some(d.before),
                            _ => None,
                        },
                    )
                    .collect();
                others.sort_unstable();
                others.dedup();
                chosen.extend(others);
            }
        }
    }
    // The critical path first, then the rest up to the limit.
    let mut nodes_order: Vec<u32> = critical_items.clone();
    nodes_order.extend(chosen.iter().filter(|i| !critical_items.contains(i)));
    let truncated = nodes_order.len() > max;
    nodes_order.truncate(max);
    let drawn: HashSet<u32> = nodes_order.iter().copied().collect();
    let critical_set: HashSet<u32> = critical_items.iter().copied().collect();
    let nodes = nodes_order
        .iter()
        .map(|&i| {
            let item = &ix.items[i as usize];
            let team = ix.teams.get(item.team as usize);
            GraphNode {
                item: ItemRef {
                    id: ix.item_ids[i as usize].to_string(),
                    key: ix.item_keys[i as usize].to_string(),
                    title: String::new(),
                },
                team_id: team.map(|t| t.id.clone()),
                team_name: team.map(|t| t.name.clone()),
                flow_state: facts.flow[i as usize],
                stage: facts.stage[i as usize],
                age_days: facts.age_days(ix, i),
                focus: Some(i) == focus,
                critical: critical_set.contains(&i),
            }
        })
        .collect();
    let on_path: HashSet<(u32, u32)> = critical_items.windows(2).map(|w| (w[0], w[1])).collect();
    // The dependencies between drawn items, in `all`'s order (sorted by the item before): each
    // drawn item's links to drawn items, found by search instead of a walk over every link.
    let mut between: Vec<usize> = Vec::new();
    for &i in &nodes_order {
        let from = g.all.partition_point(|d| d.before < i);
        let to = g.all.partition_point(|d| d.before <= i);
        between.extend((from..to).filter(|k| drawn.contains(&g.all[*k].after)));
    }
    between.sort_unstable();
    between.dedup();
    let edges = between
        .iter()
        .map(|k| &g.all[*k])
        .map(|d| {
            // Drawn as the link reads: a parent link from the parent to its child.
            let (from, to) = if d.kind == LinkKind::Parent {
                (d.after, d.before)
            } else {
                (d.before, d.after)
            };
            GraphEdge {
                from: ix.item_ids[from as usize].to_string(),
                to: ix.item_ids[to as usize].to_string(),
                kind: d.kind,
                open: !facts.closed(d.before) && !facts.closed(d.after),
                age_days: (facts.as_of - d.created).max(0) as f64 / DAY_MS as f64,
                critical: on_path.contains(&(d.before, d.after)),
            }
        })
        .collect();
    Ok(GraphView {
        nodes,
        edges,
        total_nodes: total.max(drawn.len()) as u32,
        truncated,
    })
}
