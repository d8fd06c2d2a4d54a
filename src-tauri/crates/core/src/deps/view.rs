//! The item graph as the Dependencies view draws it: nodes and edges, focused or not.

use std::collections::{HashMap, HashSet, VecDeque};

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::CoreResult;
use crate::flow::{ItemRef, Stage};
use crate::graph::index::WorkIndex;
use crate::graph::model::{FlowState, LinkKind};
use crate::time::DAY_MS;

use super::analysis::{open_blocking, DepsFilter};
use super::critical::{critical_path, Target};
use super::graph::{dependencies, Facts};

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
    let max = if request.max_nodes == 0 {
        2_000
    } else {
        request.max_nodes.min(2_000)
    } as usize;
    let kinds = [LinkKind::Blocks, LinkKind::Parent, LinkKind::Implements];
    let (deps, _) = dependencies(ix, facts.horizon, &kinds);
    let mut neighbours: HashMap<u32, Vec<u32>> = HashMap::new();
    for d in &deps {
        neighbours.entry(d.before).or_default().push(d.after);
        neighbours.entry(d.after).or_default().push(d.before);
    }
    let critical_items: Vec<u32> = match &request.critical {
        Some(target) => critical_path(ix, facts, target)?
            .steps
            .iter()
            .filter_map(|s| {
                ix.item_ids
                    .iter()
                    .position(|id| id == s.item.item.id)
                    .map(|p| p as u32)
            })
            .collect(),
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
            seen.insert(f);
            while let Some((i, depth)) = queue.pop_front() {
                chosen.push(i);
                if depth == hops {
                    continue;
                }
                let mut next: Vec<u32> = neighbours.get(&i).cloned().unwrap_or_default();
                next.sort_unstable();
                for n in next {
                    if seen.insert(n) {
                        queue.push_back((n, depth + 1));
                    }
                }
            }
            total = chosen.len();
        }
        None => {
            let mut degree: HashMap<u32, u32> = HashMap::new();
            for d in open_blocking(ix, facts) {
                for i in [d.before, d.after] {
                    *degree.entry(i).or_default() += 1;
                }
            }
            let mut candidates: Vec<(u32, u32)> = degree
                .iter()
                .map(|(i, d)| (*i, *d))
                .filter(|(i, _)| keep_team(*i) && keep_intent(*i))
                .collect();
            candidates.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            total = candidates.len();
            chosen = candidates.into_iter().map(|(i, _)| i).collect();
            // With a filter, the items at the other end of the kept items' open blocking links
            // are drawn too (after them), so a team's links to other teams stay visible.
            if !request.filter.teams.is_empty() || !request.filter.intents.is_empty() {
                let kept: HashSet<u32> = chosen.iter().copied().collect();
                let mut others: Vec<u32> = open_blocking(ix, facts)
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
    let edges = deps
        .iter()
        .filter(|d| drawn.contains(&d.before) && drawn.contains(&d.after))
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
