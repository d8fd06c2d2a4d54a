//! The dependency graph the analyses read, kept between questions (`docs/architecture.md`,
//! "Dependencies"): the dependencies standing at the horizon, the open blocking graph with its
//! strongly connected components, and each item's links as adjacency lists. It depends only on
//! the index, the items' states (the facts) and which links stand at the horizon, so the
//! Dependencies page's questions after a filter change (or a minute later) read it instead of
//! walking every link again. What depends on the instant (ages, waits, which blockers are old)
//! is computed per question from it.

use std::sync::{Arc, Mutex, PoisonError};

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::graph::index::{WorkIndex, NONE};
use crate::graph::model::LinkKind;

use super::critical::{resolve_target, Target};
use super::graph::{dependencies, Dependency, Facts};
use crate::error::CoreResult;

/// The link kinds the critical path and the graph view follow.
pub const PATH_KINDS: [LinkKind; 3] = [LinkKind::Blocks, LinkKind::Parent, LinkKind::Implements];

/// Lists of items per item, in the order they were given (compressed rows: no allocation per
/// item).
#[derive(Debug, Default)]
pub struct Adjacency {
    start: Vec<u32>,
    items: Vec<u32>,
}

impl Adjacency {
    /// The lists of `n` items from (item, listed item) pairs, each list in the pairs' order.
    pub fn build(n: usize, pairs: impl Iterator<Item = (u32, u32)> + Clone) -> Adjacency {
        let mut start = vec![0u32; n + 1];
        for (i, _) in pairs.clone() {
            if (i as usize) < n {
                start[i as usize + 1] += 1;
            }
        }
        for k in 0..n {
            start[k + 1] += start[k];
        }
        let mut fill: Vec<u32> = start[..n].to_vec();
        let mut items = vec![0u32; start[n] as usize];
        for (i, x) in pairs {
            if let Some(at) = fill.get_mut(i as usize) {
                items[*at as usize] = x;
                *at += 1;
            }
        }
        Adjacency { start, items }
    }

    /// The items listed for `i` (none for an item out of range).
    pub fn of(&self, i: u32) -> &[u32] {
        let i = i as usize;
        match (self.start.get(i), self.start.get(i + 1)) {
            (Some(a), Some(b)) => &self.items[*a as usize..*b as usize],
            _ => &[],
        }
    }

    fn heap_bytes(&self) -> usize {
        (self.start.capacity() + self.items.capacity()) * 4
    }
}

/// The dependency graph at one horizon, for one state of the index and of the facts.
#[derive(Debug)]
pub struct DepGraph {
    /// The index generation and the facts it was built from ([`super::Context`]).
    pub(crate) generation: u64,
    pub(crate) epoch: u64,
    /// It holds for every horizon `h` with `lo < h <= hi`: no link is made or removed between.
    lo: i64,
    hi: i64,
    /// The `blocks` dependencies standing at the horizon, and the items blocking themselves.
    pub blocks: Vec<Dependency>,
    pub self_blocks: Vec<u32>,
    /// The `blocks`, `parent` and `implements` dependencies standing at the horizon.
    pub all: Vec<Dependency>,
    /// The open blocking links ([`super::graph::open_blocking_links`]).
    pub open: Vec<Dependency>,
    /// The open blocking graph, each node an item, in the order the links first name them.
    pub(crate) graph: DiGraph<u32, i64>,
    /// Each item's node in `graph` ([`NONE`] when it has no open blocking link).
    pub(crate) node_of: Vec<u32>,
    /// The strongly connected components of `graph`, in reverse topological order.
    pub(crate) components: Vec<Vec<NodeIndex>>,
    pub(crate) component_of: Vec<usize>,
    /// Each item's open blockers, in `open`'s order, and the items that have any (ascending).
    pub(crate) blockers: Adjacency,
    pub(crate) blocked: Vec<u32>,
    /// Each item's upstream items over `all`, in `all`'s order.
    pub(crate) upstream: Adjacency,
    /// Each item's neighbours over `all`, both directions.
    pub(crate) neighbours: Adjacency,
    /// The items of the open blocking graph, most open blocking links first (then position):
    /// (item, links).
    pub(crate) by_degree: Vec<(u32, u32)>,
    /// The targets last asked for, resolved (their items' positions and label): a page asks for
    /// the same one with its critical path and its graph.
    targets: Mutex<Vec<(Target, Resolved)>>,
}

/// A target's items' positions (ascending) and its label.
pub(crate) type Resolved = Arc<(Vec<u32>, String)>;

/// How many resolved targets a graph keeps.
const KEPT_TARGETS: usize = 8;

impl DepGraph {
    /// The graph of `ix` at `facts.horizon`, its items' states from `facts`.
    pub fn build(ix: &WorkIndex, facts: &Facts) -> DepGraph {
        DepGraph::build_at(ix, facts, 0)
    }

    pub(crate) fn build_at(ix: &WorkIndex, facts: &Facts, epoch: u64) -> DepGraph {
        let horizon = facts.horizon;
        let n = ix.items.len();
        let (blocks, self_blocks) = dependencies(ix, horizon, &[LinkKind::Blocks]);
        let (all, _) = dependencies(ix, horizon, &PATH_KINDS);
        let (mut lo, mut hi) = (i64::MIN, i64::MAX);
        for link in &ix.links {
            if !PATH_KINDS.contains(&link.kind) {
                continue;
            }
            for t in std::iter::once(link.created).chain(link.removed) {
                if t < horizon {
                    lo = lo.max(t);
                } else {
                    hi = hi.min(t);
                }
            }
        }
        let open: Vec<Dependency> = blocks
            .iter()
            .filter(|d| !facts.closed(d.before) && !facts.closed(d.after))
            .copied()
            .collect();

        let mut graph: DiGraph<u32, i64> = DiGraph::with_capacity(0, open.len());
        let mut node_of = vec![NONE; n];
        let mut node = |g: &mut DiGraph<u32, i64>, i: u32| {
            let at = &mut node_of[i as usize];
            if *at == NONE {
                *at = g.add_node(i).index() as u32;
            }
            NodeIndex::new(*at as usize)
        };
        for d in &open {
            let (a, b) = (node(&mut graph, d.before), node(&mut graph, d.after));
            graph.add_edge(a, b, d.created);
        }
        let components = tarjan_scc(&graph);
        let mut component_of = vec![0usize; graph.node_count()];
        for (c, members) in components.iter().enumerate() {
            for m in members {
                component_of[m.index()] = c;
            }
        }

        let blockers = Adjacency::build(n, open.iter().map(|d| (d.after, d.before)));
        let mut blocked: Vec<u32> = open.iter().map(|d| d.after).collect();
        blocked.sort_unstable();
        blocked.dedup();
        let upstream = Adjacency::build(n, all.iter().map(|d| (d.after, d.before)));
        let neighbours = Adjacency::build(
            n,
            all.iter()
                .flat_map(|d| [(d.before, d.after), (d.after, d.before)]),
        );
        let mut degree = vec![0u32; graph.node_count()];
        for d in &open {
            degree[node_of[d.before as usize] as usize] += 1;
            degree[node_of[d.after as usize] as usize] += 1;
        }
        let mut by_degree: Vec<(u32, u32)> = graph
            .node_indices()
            .map(|k| (graph[k], degree[k.index()]))
            .collect();
        by_degree.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        DepGraph {
            generation: ix.generation,
            epoch,
            lo,
            hi,
            blocks,
            self_blocks,
            all,
            open,
            graph,
            node_of,
            components,
            component_of,
            blockers,
            blocked,
            upstream,
            neighbours,
            by_degree,
            targets: Mutex::new(Vec::new()),
        }
    }

    /// The positions of `target`'s items (ascending) and its label, kept for the next question.
    pub(crate) fn target(&self, ix: &WorkIndex, target: &Target) -> CoreResult<Resolved> {
        let mut kept = self.targets.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, found)) = kept.iter().find(|(t, _)| t == target) {
            return Ok(found.clone());
        }
        let found = Arc::new(resolve_target(ix, target)?);
        if kept.len() >= KEPT_TARGETS {
            kept.remove(0);
        }
        kept.push((target.clone(), found.clone()));
        Ok(found)
    }

    /// Whether it is the graph of `ix` and of the facts of `epoch` at `horizon`.
    pub(crate) fn holds(&self, generation: u64, epoch: u64, horizon: i64) -> bool {
        self.generation == generation
            && self.epoch == epoch
            && self.lo < horizon
            && horizon <= self.hi
    }

    /// The node of item `i` in the open blocking graph.
    pub(crate) fn node(&self, i: u32) -> Option<NodeIndex> {
        self.node_of
            .get(i as usize)
            .filter(|k| **k != NONE)
            .map(|k| NodeIndex::new(*k as usize))
    }

    /// Approximate heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        let deps = (self.blocks.capacity() + self.all.capacity() + self.open.capacity())
            * std::mem::size_of::<Dependency>();
        let graph = self.graph.node_count() * 16 + self.graph.edge_count() * 32;
        deps + graph
            + self.node_of.capacity() * 4
            + self.component_of.capacity() * 8
            + self
                .components
                .iter()
                .map(|c| c.capacity() * 4 + 24)
                .sum::<usize>()
            + self.blockers.heap_bytes()
            + self.upstream.heap_bytes()
            + self.neighbours.heap_bytes()
            + self.blocked.capacity() * 4
            + self.by_degree.capacity() * 8
    }
}
