//! The dependency analyses: team matrix, blocked chains, cycles, at-risk items, handoffs.

use std::collections::HashMap;

use petgraph::graph::NodeIndex;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::flow::{ItemRef, Stage};
use crate::graph::index::{WorkIndex, NONE};
use crate::graph::model::{FlowState, LinkKind};
use crate::time::{to_rfc3339, DAY_MS};

use super::graph::{dependencies, slot, Dependency, Facts};
use super::links::{Adjacency, DepGraph};

/// The most chains, cycles, risks and handoffs a report lists (counts say how many exist).
pub const MAX_ROWS: usize = 200;
/// How many links upstream the at-risk search looks for an old blocker (documented in
/// `docs/metrics.md`, shown on the Dependencies page).
pub const AT_RISK_MAX_DEPTH: u32 = 32;

/// Which part of the graph to show. Analyses run on the whole graph; rows are kept when an
/// item of a chosen team (or intent) is involved. Empty lists mean "all".
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", default)]
pub struct DepsFilter {
    /// Team ids ("" = items without a team).
    pub teams: Vec<String>,
    /// Intent ids (with their descendants).
    pub intents: Vec<String>,
}

/// An item in a dependency row.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DepItem {
    pub item: ItemRef,
    pub team_id: Option<String>,
    pub team_name: Option<String>,
    pub flow_state: FlowState,
    pub stage: Option<Stage>,
}

/// Open blocking links from one team's items to another team's.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamDependency {
    pub blocker_team_id: String,
    pub blocker_team: String,
    pub blocked_team_id: String,
    pub blocked_team: String,
    pub open_links: u32,
    /// Σ days each link has been blocking.
    pub total_days: f64,
    pub oldest_days: f64,
    /// Median age of the links, in days.
    pub median_days: f64,
}

/// A chain of open blockers, the first item blocking the second, and so on.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Chain {
    pub items: Vec<DepItem>,
    /// Σ over the chain's links of how long each has been blocking, in days.
    pub waiting_days: f64,
    /// Teams the chain crosses.
    pub teams: u32,
}

/// An open blocking link that is part of no chain: its blocker is not blocked by an open link and
/// the item it blocks blocks nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SingleLink {
    pub blocker: DepItem,
    pub blocked: DepItem,
    /// How long the link has been blocking, in days.
    pub days: f64,
}

/// Items that (transitively) depend on each other.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Cycle {
    pub items: Vec<DepItem>,
    /// True for one item linked to itself.
    pub self_link: bool,
}

/// An open item with an open upstream blocker older than its team's usual cycle time.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AtRisk {
    pub item: DepItem,
    pub blocker: DepItem,
    /// How many links upstream the blocker is (1 = it blocks the item directly).
    pub distance: u32,
    pub blocker_age_days: f64,
    /// The blocker team's 85th-percentile cycle time, in days.
    pub threshold_days: f64,
    /// True when the threshold is the documented default (the team has no finished work).
    pub default_threshold: bool,
}

/// An upstream item delivered while the item it blocks still waits on it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Handoff {
    pub upstream: DepItem,
    pub downstream: DepItem,
    /// When the upstream item was delivered (RFC 3339).
    pub delivered_at: String,
    pub days_waiting: f64,
}

/// A team's place in the dependency map.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamNode {
    pub team_id: String,
    pub team_name: String,
    /// Open blocking links from this team's items to other teams'.
    pub blocking: u32,
    /// Open blocking links from other teams' items to this team's.
    pub blocked: u32,
    pub cycle_p50_days: f64,
    pub cycle_p85_days: f64,
    pub default_percentiles: bool,
}

/// Every dependency analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DepsReport {
    pub as_of: String,
    pub teams: Vec<TeamNode>,
    /// Open blocking links between teams (a team blocking itself included).
    pub matrix: Vec<TeamDependency>,
    pub open_blocking_links: u32,
    pub chains: Vec<Chain>,
    /// Chains found (the longest [`MAX_ROWS`] are listed).
    pub chains_total: u32,
    /// Open blocking links that belong to no chain, oldest first.
    pub single_links: Vec<SingleLink>,
    pub single_links_total: u32,
    pub cycles: Vec<Cycle>,
    pub cycles_total: u32,
    pub at_risk: Vec<AtRisk>,
    pub at_risk_total: u32,
    pub handoffs: Vec<Handoff>,
    pub handoffs_total: u32,
    /// How many links upstream the at-risk search looks ([`AT_RISK_MAX_DEPTH`]).
    pub at_risk_max_depth: u32,
}

/// Whether a row involving these items passes the filter.
struct Keep {
    teams: Option<Vec<u32>>,
    intents: Option<Vec<bool>>,
}

impl Keep {
    fn new(ix: &WorkIndex, filter: &DepsFilter) -> Keep {
        let teams = (!filter.teams.is_empty()).then(|| {
            filter
                .teams
                .iter()
                .filter_map(|t| {
                    if t.is_empty() {
                        Some(NONE)
                    } else {
                        ix.teams.iter().position(|x| &x.id == t).map(|p| p as u32)
                    }
                })
                .collect()
        });
        let intents = (!filter.intents.is_empty()).then(|| {
            let chosen: Vec<u32> = filter
                .intents
                .iter()
                .filter_map(|id| {
                    ix.intents
                        .iter()
                        .position(|n| &n.id == id)
                        .map(|p| p as u32)
                })
                .collect();
            ix.intents_under(&chosen)
        });
        Keep { teams, intents }
    }

    fn item(&self, ix: &WorkIndex, i: u32) -> bool {
        let item = &ix.items[i as usize];
        self.teams.as_ref().is_none_or(|t| t.contains(&item.team))
            && self
                .intents
                .as_ref()
                .is_none_or(|ok| ok.get(item.intent as usize).copied().unwrap_or(false))
    }

    fn any(&self, ix: &WorkIndex, items: impl IntoIterator<Item = u32>) -> bool {
        items.into_iter().any(|i| self.item(ix, i))
    }
}

/// An item as a row shows it.
pub fn dep_item(ix: &WorkIndex, facts: &Facts, i: u32) -> DepItem {
    let item = &ix.items[i as usize];
    let team = ix.teams.get(item.team as usize);
    DepItem {
        item: ItemRef {
            id: ix.item_ids[i as usize].to_string(),
            key: ix.item_keys[i as usize].to_string(),
            title: String::new(),
        },
        team_id: team.map(|t| t.id.clone()),
        team_name: team.map(|t| t.name.clone()),
        flow_state: facts.flow[i as usize],
        stage: facts.stage[i as usize],
    }
}

fn days(ms: i64) -> f64 {
    ms.max(0) as f64 / DAY_MS as f64
}

/// Open blocking links at the facts' horizon ([`super::graph::open_blocking_links`], the one
/// definition).
pub fn open_blocking(ix: &WorkIndex, facts: &Facts) -> Vec<Dependency> {
    super::graph::open_blocking_links(ix, facts.horizon, |i| facts.closed(i))
}

/// Handoffs that never arrived (`docs/metrics.md`, "Handoffs that never arrived"): each
/// blocking dependency whose upstream item is done while its downstream item is neither done nor
/// canceled, more than a day after the delivery, and the downstream item either still waits as
/// blocked or on a dependency, or has not moved since. With the delivery time. The one
/// definition: the Dependencies page, Triage and the Overview's attention tile all read it.
pub fn undelivered_handoffs(ix: &WorkIndex, facts: &Facts) -> Vec<(Dependency, i64)> {
    let (all_blocks, _) = dependencies(ix, facts.horizon, &[LinkKind::Blocks]);
    handoffs_of(&all_blocks, facts)
}

/// [`undelivered_handoffs`] among `blocks`, the `blocks` dependencies standing at the facts'
/// horizon.
fn handoffs_of(blocks: &[Dependency], facts: &Facts) -> Vec<(Dependency, i64)> {
    let as_of = facts.as_of;
    let mut out = Vec::new();
    for &d in blocks {
        let (u, w) = (d.before as usize, d.after as usize);
        let Some(delivered) = facts.finish[u].filter(|_| facts.flow[u] == FlowState::Done) else {
            continue;
        };
        if facts.closed(d.after) || as_of - delivered <= DAY_MS {
            continue;
        }
        let still_blocked = matches!(facts.stage[w], Some(Stage::Blocked | Stage::Dependency));
        let not_moved = facts.since[w] <= delivered;
        if still_blocked || not_moved {
            out.push((d, delivered));
        }
    }
    out
}

/// Runs every analysis.
pub fn analyse(ix: &WorkIndex, facts: &Facts, filter: &DepsFilter) -> DepsReport {
    analyse_in(ix, facts, &DepGraph::build(ix, facts), filter)
}

/// Runs every analysis over `g`, the dependency graph of `ix` and `facts` at their horizon
/// (kept between questions, [`super::dep_graph`]).
pub fn analyse_in(ix: &WorkIndex, facts: &Facts, g: &DepGraph, filter: &DepsFilter) -> DepsReport {
    let keep = Keep::new(ix, filter);
    let open = &g.open;
    let as_of = facts.as_of;

    // Team × team matrix.
    let mut cells: HashMap<(usize, usize), Vec<f64>> = HashMap::new();
    for d in open {
        if !keep.any(ix, [d.before, d.after]) {
            continue;
        }
        let from = slot(ix, ix.items[d.before as usize].team);
        let to = slot(ix, ix.items[d.after as usize].team);
        cells
            .entry((from, to))
            .or_default()
            .push(days(as_of - d.created));
    }
    let team_name = |s: usize| {
        ix.teams
            .get(s)
            .map_or(("".to_owned(), "No team".to_owned()), |t| {
                (t.id.clone(), t.name.clone())
            })
    };
    let mut matrix: Vec<TeamDependency> = cells
        .into_iter()
        .map(|((from, to), mut ages)| {
            ages.sort_by(f64::total_cmp);
            let (blocker_team_id, blocker_team) = team_name(from);
            let (blocked_team_id, blocked_team) = team_name(to);
            TeamDependency {
                blocker_team_id,
                blocker_team,
                blocked_team_id,
                blocked_team,
                open_links: ages.len() as u32,
                total_days: ages.iter().sum(),
                oldest_days: ages.last().copied().unwrap_or(0.0),
                median_days: crate::flow::percentile::nearest_rank(&ages, 50.0).unwrap_or(0.0),
            }
        })
        .collect();
    matrix.sort_by(|a, b| {
        b.open_links
            .cmp(&a.open_links)
            .then(a.blocker_team.cmp(&b.blocker_team))
            .then(a.blocked_team.cmp(&b.blocked_team))
    });

    let slots = ix.teams.len() + 1;
    let mut blocking = vec![0u32; slots];
    let mut blocked = vec![0u32; slots];
    for d in open {
        let (from, to) = (
            slot(ix, ix.items[d.before as usize].team),
            slot(ix, ix.items[d.after as usize].team),
        );
        if from != to {
            blocking[from] += 1;
            blocked[to] += 1;
        }
    }
    let teams = (0..slots)
        .filter(|s| *s < ix.teams.len() || blocking[*s] + blocked[*s] > 0)
        .map(|s| {
            let (team_id, team_name) = team_name(s);
            TeamNode {
                team_id,
                team_name,
                blocking: blocking[s],
                blocked: blocked[s],
                cycle_p50_days: facts.team_p50[s],
                cycle_p85_days: facts.team_p85[s],
                default_percentiles: facts.team_samples[s] == 0,
            }
        })
        .collect();

    // The open blocking graph, for cycles and chains.
    let (graph, components, component_of) = (&g.graph, &g.components, &g.component_of);

    // Cycles: components of more than one item, and items blocking themselves.
    let self_links = &g.self_blocks;
    let mut cycles: Vec<Cycle> = components
        .iter()
        .filter(|members| members.len() > 1)
        .map(|members| {
            let mut items: Vec<u32> = members.iter().map(|n| graph[*n]).collect();
            items.sort_unstable();
            items
        })
        .filter(|items| keep.any(ix, items.iter().copied()))
        .map(|items| Cycle {
            items: items.iter().map(|i| dep_item(ix, facts, *i)).collect(),
            self_link: false,
        })
        .collect();
    cycles.extend(
        self_links
            .iter()
            .filter(|i| !facts.closed(**i) && keep.item(ix, **i))
            .map(|i| Cycle {
                items: vec![dep_item(ix, facts, *i)],
                self_link: true,
            }),
    );
    cycles.sort_by(|a, b| {
        b.items
            .len()
            .cmp(&a.items.len())
            .then(a.items[0].item.key.cmp(&b.items[0].item.key))
    });

    // Chains: the longest path ending at each item, over the graph with cycles condensed away
    // (a link inside a cycle is never part of a chain). Processed in topological order:
    // tarjan_scc returns components in reverse topological order.
    let mut best: Vec<(u32, f64, Option<NodeIndex>)> = vec![(0, 0.0, None); graph.node_count()];
    for members in components.iter().rev() {
        for &n in members {
            for edge in graph.edges_directed(n, petgraph::Direction::Incoming) {
                use petgraph::visit::EdgeRef;
                let from = edge.source();
                if component_of[from.index()] == component_of[n.index()] {
                    continue;
                }
                let (len, wait, _) = best[from.index()];
                let candidate = (len + 1, wait + days(as_of - *edge.weight()));
                if (candidate.0, candidate.1) > (best[n.index()].0, best[n.index()].1) {
                    best[n.index()] = (candidate.0, candidate.1, Some(from));
                }
            }
        }
    }
    // A chain ends where nothing it reaches is blocked further along it.
    let mut ends: Vec<NodeIndex> = graph
        .node_indices()
        .filter(|n| best[n.index()].0 >= 2)
        .filter(|n| {
            graph
                .neighbors_directed(*n, petgraph::Direction::Outgoing)
                .all(|next| best[next.index()].2 != Some(*n))
        })
        .collect();
    ends.sort_by(|a, b| {
        let (x, y) = (&best[a.index()], &best[b.index()]);
        y.0.cmp(&x.0)
            .then(y.1.total_cmp(&x.1))
            .then(graph[*a].cmp(&graph[*b]))
    });
    let mut chains = Vec::new();
    let mut chains_found = 0u32;
    for end in ends {
        let mut path = vec![graph[end]];
        let mut at = end;
        while let Some(prev) = best[at.index()].2 {
            path.push(graph[prev]);
            at = prev;
        }
        path.reverse();
        if !keep.any(ix, path.iter().copied()) {
            continue;
        }
        chains_found += 1;
        if chains.len() >= MAX_ROWS {
            continue;
        }
        let mut team_set: Vec<u32> = path.iter().map(|i| ix.items[*i as usize].team).collect();
        team_set.sort_unstable();
        team_set.dedup();
        chains.push(Chain {
            items: path.iter().map(|i| dep_item(ix, facts, *i)).collect(),
            waiting_days: best[end.index()].1,
            teams: team_set.len() as u32,
        });
    }

    // Single blocking links: one item blocks one other and nothing else is chained to either
    // (a chain needs two links). Links inside a cycle are never single: their ends are blocked
    // and blocking.
    let mut single_links: Vec<SingleLink> = open
        .iter()
        .filter(|d| {
            let (Some(a), Some(b)) = (g.node(d.before), g.node(d.after)) else {
                return false;
            };
            graph
                .neighbors_directed(a, petgraph::Direction::Incoming)
                .next()
                .is_none()
                && graph
                    .neighbors_directed(b, petgraph::Direction::Outgoing)
                    .next()
                    .is_none()
                && keep.any(ix, [d.before, d.after])
        })
        .map(|d| SingleLink {
            blocker: dep_item(ix, facts, d.before),
            blocked: dep_item(ix, facts, d.after),
            days: days(as_of - d.created),
        })
        .collect();
    single_links.sort_by(|a, b| {
        b.days
            .total_cmp(&a.days)
            .then(a.blocker.item.key.cmp(&b.blocker.item.key))
            .then(a.blocked.item.key.cmp(&b.blocked.item.key))
    });
    let single_links_total = single_links.len() as u32;
    single_links.truncate(MAX_ROWS);

    // At risk: an open item with an open upstream blocker (direct or further up the chain)
    // older than the blocker team's 85th-percentile cycle time. The nearest such blocker is
    // reported.
    let mut at_risk = Vec::new();
    // Every item the search meets has an open blocking link: a node of the graph.
    let marks = g.graph.node_count();
    let mark = |i: u32| g.node_of[i as usize] as usize;
    for (item, b, distance) in at_risk_in(ix, facts, &g.blockers, &g.blocked, marks, mark) {
        if !keep.any(ix, [item, b]) {
            continue;
        }
        let s = slot(ix, ix.items[b as usize].team);
        at_risk.push(AtRisk {
            item: dep_item(ix, facts, item),
            blocker: dep_item(ix, facts, b),
            distance,
            blocker_age_days: facts.age_days(ix, b),
            threshold_days: facts.team_p85[s],
            default_threshold: facts.team_samples[s] == 0,
        });
    }
    at_risk.sort_by(|a, b| {
        (b.blocker_age_days - b.threshold_days).total_cmp(&(a.blocker_age_days - a.threshold_days))
    });
    let at_risk_total = at_risk.len() as u32;
    at_risk.truncate(MAX_ROWS);

    // Handoffs that never arrived: the upstream item is done, the downstream item is neither
    // done nor canceled, more than a day has passed, and the downstream item either still
    // waits as blocked or on a dependency, or has not moved since the delivery.
    let mut handoffs = Vec::new();
    for (d, delivered) in handoffs_of(&g.blocks, facts) {
        if !keep.any(ix, [d.before, d.after]) {
            continue;
        }
        handoffs.push(Handoff {
            upstream: dep_item(ix, facts, d.before),
            downstream: dep_item(ix, facts, d.after),
            delivered_at: to_rfc3339(delivered),
            days_waiting: days(as_of - delivered),
        });
    }
    handoffs.sort_by(|a, b| b.days_waiting.total_cmp(&a.days_waiting));
    let handoffs_total = handoffs.len() as u32;
    handoffs.truncate(MAX_ROWS);

    let chains_total = chains_found;
    let cycles_total = cycles.len() as u32;
    cycles.truncate(MAX_ROWS);
    DepsReport {
        as_of: to_rfc3339(as_of),
        teams,
        matrix,
        open_blocking_links: open.len() as u32,
        chains,
        chains_total,
        single_links,
        single_links_total,
        cycles,
        cycles_total,
        at_risk,
        at_risk_total,
        handoffs,
        handoffs_total,
        at_risk_max_depth: AT_RISK_MAX_DEPTH,
    }
}

/// **At risk** (defined once, for the Dependencies and Intents pages): each open item with an
/// open blocker upstream (direct or further up the chain, at most [`AT_RISK_MAX_DEPTH`] links)
/// older than the blocker team's 85th-percentile cycle time, with the nearest such blocker and
/// its distance: (item, blocker, distance), items in position order.
pub fn at_risk_links(ix: &WorkIndex, facts: &Facts, open: &[Dependency]) -> Vec<(u32, u32, u32)> {
    let blockers = Adjacency::build(ix.items.len(), open.iter().map(|d| (d.after, d.before)));
    let mut blocked: Vec<u32> = open.iter().map(|d| d.after).collect();
    blocked.sort_unstable();
    blocked.dedup();
    at_risk_in(ix, facts, &blockers, &blocked, ix.items.len(), |i| {
        i as usize
    })
}

/// [`at_risk_links`] over each item's open blockers (`blockers`, in the open links' order) and
/// the items that have any (`blocked`, ascending); `mark` numbers the items the search can meet
/// (every item with an open blocking link) below `marks`.
fn at_risk_in(
    ix: &WorkIndex,
    facts: &Facts,
    blockers: &Adjacency,
    blocked: &[u32],
    marks: usize,
    mark: impl Fn(u32) -> usize,
) -> Vec<(u32, u32, u32)> {
    let old = |b: u32| {
        let s = slot(ix, ix.items[b as usize].team);
        facts.age_days(ix, b) > facts.team_p85[s]
    };
    let mut out = Vec::new();
    // The search an item was last seen by (its position in `blocked`, plus one): no set to
    // clear between searches.
    let mut seen_by = vec![0u32; marks];
    let (mut frontier, mut next): (Vec<u32>, Vec<u32>) = (Vec::new(), Vec::new());
    for (k, &item) in blocked.iter().enumerate() {
        let search = k as u32 + 1;
        // Breadth-first upstream, nearest first.
        seen_by[mark(item)] = search;
        frontier.clear();
        frontier.push(item);
        let mut found = None;
        let mut distance = 0u32;
        while found.is_none() && !frontier.is_empty() && distance < AT_RISK_MAX_DEPTH {
            distance += 1;
            next.clear();
            for &f in &frontier {
                for &b in blockers.of(f) {
                    if seen_by[mark(b)] == search {
                        continue;
                    }
                    seen_by[mark(b)] = search;
                    if found.is_none() && old(b) {
                        found = Some(b);
                    }
                    next.push(b);
                }
            }
            std::mem::swap(&mut frontier, &mut next);
        }
        if let Some(b) = found {
            out.push((item, b, distance));
        }
    }
    out
}

/// The items [`at_risk_links`] finds at risk.
pub fn at_risk_items(ix: &WorkIndex, facts: &Facts, open: &[Dependency]) -> Vec<u32> {
    at_risk_links(ix, facts, open)
        .into_iter()
        .map(|(item, _, _)| item)
        .collect()
}
