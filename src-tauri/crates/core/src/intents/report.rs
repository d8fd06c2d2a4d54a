//! The Intents page: the tree of goals → initiatives → milestones with the work that serves
//! each, unaligned work, and intent conflicts. Every figure is defined in `docs/metrics.md`
//! ("Intents"); the page reads only the in-memory index (one pass of the flow facts) plus the
//! intent rows, the deliberate non-alignments, the policy violations and the pending decisions.
//!
//! **Serves.** An item serves the intent it is linked to (`items.intent_id`: by hand, else by
//! rule, else by its source). A pull request linked to none serves the intent of an item it
//! implements, if it has one. An intent's figures cover the items that serve it or one of its
//! descendants.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::deps::graph::{slot, Facts};
use crate::error::CoreResult;
use crate::flow::report::ItemRef;
use crate::flow::{FlowFilter, Scope};
use crate::governance::current::CurrentViolations;
use crate::graph::index::{WorkIndex, NONE};
use crate::graph::model::{
    FlowState, Intent, IntentKind, IntentOrigin, ItemKind, LinkKind, Provenance,
};
use crate::graph::{repo, Workspace};
use crate::time::to_rfc3339;

/// A team carrying work in progress for more intents than this at once is spread thin.
pub const SPREAD_LIMIT: u32 = 3;
/// The most unaligned items listed (the counts cover them all).
const UNALIGNED_LISTED: usize = 200;
const DAY_MS: i64 = 86_400_000;

/// What the Intents page asks.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", default)]
pub struct IntentsQuery {
    /// The range whose finishes count as throughput and cycle times, and the items' filters
    /// (teams, sources, kinds, provenance).
    pub filter: FlowFilter,
    /// Show archived intents too.
    pub include_archived: bool,
}

/// A team or agent and how many items of the set it has.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Contributor {
    pub name: String,
    pub items: u32,
}

/// One intent with its figures (over the items that serve it or one of its descendants).
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct IntentNode {
    pub id: String,
    pub parent_id: Option<String>,
    /// Levels below a root (0 for a root).
    pub depth: u32,
    pub kind: IntentKind,
    pub title: String,
    /// What a list names it by ([`crate::query::IntentInfo::label`]).
    pub label: String,
    pub description: String,
    pub success_measure: String,
    pub origin: IntentOrigin,
    /// The source's name and the intent's key there (imported intents).
    pub source_name: Option<String>,
    pub source_key: Option<String>,
    pub url: String,
    pub owner: Option<String>,
    pub target_date: Option<String>,
    pub priority: Option<u32>,
    pub position: u32,
    pub archived: bool,
    /// Items that serve it directly, and with its descendants.
    pub direct_items: u32,
    pub items: u32,
    pub done: u32,
    pub canceled: u32,
    /// Done / (items − canceled); None without items.
    pub progress: Option<f64>,
    /// Its items (canceled ones left out) that have an estimate, and their estimates summed:
    /// all of them, and the done ones (story points, weight: the sources' unit).
    pub estimated: u32,
    pub points: f64,
    pub points_done: f64,
    /// points_done / points; None when none of its items has an estimate.
    pub points_progress: Option<f64>,
    /// Finished in the range.
    pub throughput: u32,
    /// Cycle time of the items finished in the range, median and 85th percentile (days).
    pub cycle_p50_days: Option<f64>,
    pub cycle_p85_days: Option<f64>,
    /// Active or waiting now.
    pub wip: u32,
    /// Age of the oldest item in progress (days since its cycle started).
    pub oldest_wip_days: Option<f64>,
    pub teams: Vec<Contributor>,
    pub agents: Vec<Contributor>,
    /// Items made by AI agents / items.
    pub ai_share: Option<f64>,
    /// Open items waiting on an open blocker (any team).
    pub blocked: u32,
    /// Open items at risk: an open blocker upstream is older than its team's P85 cycle time.
    pub at_risk: u32,
    /// Open blocking links into its open items.
    pub open_blocking_links: u32,
    /// Pending decisions and approvals its work waits on, or asked about it.
    pub pending_decisions: u32,
    /// Its items that break a policy now.
    pub policy_violations: u32,
    /// How its direct links were made.
    pub linked_by_source: u32,
    pub linked_by_rule: u32,
    pub linked_by_hand: u32,
}

/// Unaligned work of one team from one source.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UnalignedRow {
    pub team_id: Option<String>,
    pub team: String,
    pub source_id: String,
    pub source: String,
    /// Unaligned items in progress now, and finished in the range.
    pub wip: u32,
    pub throughput: u32,
    /// Of those, made by AI agents.
    pub ai_wip: u32,
    pub ai_throughput: u32,
}

/// A team's unaligned share.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UnalignedTeam {
    pub team_id: Option<String>,
    pub team: String,
    pub wip: u32,
    pub team_wip: u32,
    /// wip / team_wip (None when the team has nothing in progress).
    pub wip_share: Option<f64>,
    pub throughput: u32,
    pub team_throughput: u32,
    pub throughput_share: Option<f64>,
}

/// An unaligned item.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UnalignedItem {
    pub item: ItemRef,
    pub team: Option<String>,
    pub source: String,
    pub state: FlowState,
    pub provenance: Provenance,
    /// Days since its cycle started (since it was created when not started).
    pub age_days: f64,
}

/// Work that serves no intent.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UnalignedReport {
    /// Items in progress now and finished in the range that serve no intent (deliberately
    /// unaligned ones excluded).
    pub wip: u32,
    pub throughput: u32,
    /// All items in progress and finished in the range, for the shares.
    pub all_wip: u32,
    pub all_throughput: u32,
    pub rows: Vec<UnalignedRow>,
    pub teams: Vec<UnalignedTeam>,
    /// Items people marked as serving no intent on purpose (maintenance, support…).
    pub on_purpose: u32,
    /// The open unaligned items, oldest first (at most 200).
    pub items: Vec<UnalignedItem>,
    pub items_total: u32,
}

/// A team whose work in progress serves too many intents at once.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SpreadConflict {
    pub team: String,
    pub intents: u32,
    pub wip: u32,
    /// The intents, most items in progress first.
    pub intent_titles: Vec<String>,
}

/// Work of one intent waiting on work of another.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WaitConflict {
    pub waiting_id: String,
    pub waiting: String,
    pub blocking_id: String,
    pub blocking: String,
    /// Open blocking links from the blocking intent's items to the waiting intent's.
    pub links: u32,
    /// The blocking intent's work waits on the waiting intent's work too.
    pub mutual: bool,
}

/// A higher-priority intent of one team waiting on a lower-priority intent's work of another.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PriorityConflict {
    pub waiting_id: String,
    pub waiting: String,
    pub waiting_priority: u32,
    pub waiting_team: String,
    pub blocking_id: String,
    pub blocking: String,
    pub blocking_priority: u32,
    pub blocking_team: String,
    pub links: u32,
}

/// Intent conflicts.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConflictsReport {
    pub spread_limit: u32,
    pub spread: Vec<SpreadConflict>,
    pub waits: Vec<WaitConflict>,
    pub priorities: Vec<PriorityConflict>,
}

/// The Intents page.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct IntentsReport {
    pub as_of: String,
    pub range_from: String,
    pub range_to: String,
    /// The intents, depth first, siblings in their order.
    pub intents: Vec<IntentNode>,
    pub archived: u32,
    pub unaligned: UnalignedReport,
    pub conflicts: ConflictsReport,
    /// Some item of the page has an estimate (story points, weight), so progress is also
    /// counted in points; when false, in items only.
    pub points_available: bool,
}

/// What the page needs besides the index.
pub struct Extras {
    pub intents: Vec<Intent>,
    pub source_names: HashMap<String, String>,
    pub owner_names: HashMap<String, String>,
    /// Items deliberately aligned to no intent (positions).
    pub on_purpose: HashSet<u32>,
    /// Policy violations now, per item position.
    pub violations: Arc<CurrentViolations>,
    /// Pending questions: the intent they are about (position) and the items waiting (positions).
    pub pending: Vec<(Option<u32>, Vec<u32>)>,
    /// How each item is linked: (source, rule, hand) per item position.
    pub how: HashMap<u32, u8>,
}

/// Link kinds in [`Extras::how`].
pub const HOW_SOURCE: u8 = 1;
pub const HOW_RULE: u8 = 2;
pub const HOW_HAND: u8 = 4;

fn day(t: i64, offset: i64) -> String {
    to_rfc3339(t + offset).chars().take(10).collect()
}

/// The intent each item serves (a position in `ix.intents`, or [`NONE`]): its own, else for a
/// pull request without one, that of an item it implements.
pub fn serving(ix: &WorkIndex, as_of: i64) -> Vec<u32> {
    serving_through(ix, as_of, &implements_to_intents(ix))
}

/// The implements links (positions in `ix.links`, in their order) that may give a pull
/// request without an intent the intent of the item it implements: what [`serving`] looks at,
/// whatever the instant (each link's standing at it is checked there). Depends only on the
/// index, so the page keeps it per index generation.
pub fn implements_to_intents(ix: &WorkIndex) -> Vec<u32> {
    ix.links
        .iter()
        .enumerate()
        .filter(|(_, link)| {
            link.kind == LinkKind::Implements
                && ix.items[link.from as usize].kind == ItemKind::PullRequest
                && ix.items[link.from as usize].intent == NONE
                && ix.items[link.to as usize].intent != NONE
        })
        .map(|(k, _)| k as u32)
        .collect()
}

/// [`serving`] through `links`, the links [`implements_to_intents`] found in `ix`.
fn serving_through(ix: &WorkIndex, as_of: i64, links: &[u32]) -> Vec<u32> {
    let mut out: Vec<u32> = ix.items.iter().map(|i| i.intent).collect();
    for &k in links {
        let link = &ix.links[k as usize];
        if !crate::flow::filter::link_stands_at(link.created, link.removed, as_of) {
            continue;
        }
        let (pr, issue) = (link.from as usize, link.to as usize);
        if out[pr] == NONE {
            out[pr] = ix.items[issue].intent;
        }
    }
    out
}

/// The page, from the index, the facts of every item and the extras.
pub fn compute(
    ix: &WorkIndex,
    facts: &Facts,
    scope: &Scope,
    extras: &Extras,
    query: &IntentsQuery,
) -> IntentsReport {
    let prepared = Prepared::of(ix, facts, scope, serving(ix, scope.as_of));
    compute_prepared(ix, facts, scope, extras, query, prepared)
}

/// What the page works out from the index and the facts alone (none of the extras): what each
/// item serves, which items are in the slice, the open blocking links and the items at risk.
/// [`intents_report`] works it out on the facts' thread while the extras are read.
struct Prepared {
    /// What each item serves ([`serving`] at the scope's end).
    serves: Vec<u32>,
    /// Whether each item is in the page's slice.
    kept: Vec<bool>,
    open_links: Vec<crate::deps::graph::Dependency>,
    /// Per item: its open blocking links in.
    blockers: Vec<u32>,
    at_risk: Vec<bool>,
}

impl Prepared {
    fn of(ix: &WorkIndex, facts: &Facts, scope: &Scope, serves: Vec<u32>) -> Prepared {
        let kept: Vec<bool> = (0..ix.items.len())
            .map(|i| ix.items[i].created < scope.as_of && scope.keeps(ix, i))
            .collect();
        // Blocking: open blocking links, and at-risk items (the Dependencies page's definition).
        let open_links = crate::deps::analysis::open_blocking(ix, facts);
        let mut blockers = vec![0u32; ix.items.len()];
        for d in &open_links {
            if let Some(b) = blockers.get_mut(d.after as usize) {
                *b += 1;
            }
        }
        let mut at_risk = vec![false; ix.items.len()];
        for i in crate::deps::analysis::at_risk_items(ix, facts, &open_links) {
            if let Some(r) = at_risk.get_mut(i as usize) {
                *r = true;
            }
        }
        Prepared {
            serves,
            kept,
            open_links,
            blockers,
            at_risk,
        }
    }
}

/// [`compute`] with what it works out from the facts alone given.
fn compute_prepared(
    ix: &WorkIndex,
    facts: &Facts,
    scope: &Scope,
    extras: &Extras,
    query: &IntentsQuery,
    prepared: Prepared,
) -> IntentsReport {
    let Prepared {
        serves,
        kept,
        open_links,
        blockers,
        at_risk,
    } = prepared;
    let n_intents = ix.intents.len();
    // Ancestors of each intent (itself first).
    let chain = |mut at: u32| -> Vec<u32> {
        let mut out = Vec::new();
        while at != NONE && (at as usize) < n_intents && out.len() <= n_intents {
            out.push(at);
            at = ix.intent_parents[at as usize].unwrap_or(NONE);
        }
        out
    };
    let chains: Vec<Vec<u32>> = (0..n_intents as u32).map(chain).collect();
    // Whether each item is in the page's slice, worked out once (three passes ask).
    let in_set = |i: usize| kept[i];
    let open = |i: usize| !facts.closed(i as u32);
    let wip = |i: usize| matches!(facts.flow[i], FlowState::Active | FlowState::Waiting);
    let finished_in_range = |i: usize| {
        facts.finish[i].is_some_and(|f| f >= scope.from && f < scope.as_of)
            && facts.flow[i] == FlowState::Done
    };

    // Per intent: counts by team slot and by agent in vectors (a handful of each).
    let team_slots = ix.teams.len() + 1;
    #[derive(Default, Clone)]
    struct Acc {
        direct: u32,
        items: u32,
        done: u32,
        canceled: u32,
        throughput: u32,
        cycles: Vec<f64>,
        wip: u32,
        oldest: Option<f64>,
        teams: Vec<u32>,
        agents: Vec<u32>,
        ai: u32,
        blocked: u32,
        at_risk: u32,
        links_in: u32,
        violations: u32,
        pending: HashSet<usize>,
        by_source: u32,
        by_rule: u32,
        by_hand: u32,
        estimated: u32,
        points: f64,
        points_done: f64,
    }
    // How each item is linked, by position (a flag per item: the map's hashing for every item
    // that serves an intent cost more than the rest of the pass).
    let mut how = vec![0u8; ix.items.len()];
    for (&i, &h) in &extras.how {
        if let Some(slot) = how.get_mut(i as usize) {
            *slot = h;
        }
    }
    let mut points_available = false;
    let mut acc = vec![
        Acc {
            teams: vec![0; team_slots],
            agents: vec![0; ix.agents.len()],
            ..Acc::default()
        };
        n_intents
    ];
    for (i, &at) in serves.iter().enumerate() {
        if at == NONE || at as usize >= n_intents || !in_set(i) {
            continue;
        }
        let item = &ix.items[i];
        if item.intent == at {
            let a = &mut acc[at as usize];
            a.direct += 1;
            let how = how[i];
            if how & HOW_HAND != 0 {
                a.by_hand += 1;
            } else if how & HOW_RULE != 0 {
                a.by_rule += 1;
            } else {
                a.by_source += 1;
            }
        }
        let is_wip = wip(i);
        let finished = finished_in_range(i);
        let age = if is_wip {
            facts.age_days(ix, i as u32)
        } else {
            0.0
        };
        let cycle = if finished {
            facts.start[i]
                .zip(facts.finish[i])
                .map(|(s, f)| (f - s).max(0) as f64 / DAY_MS as f64)
        } else {
            None
        };
        let is_open = open(i);
        let links_in = if is_open { blockers[i] } else { 0 };
        let blocked = links_in > 0;
        let risky = is_open && at_risk[i];
        let violations = extras.violations.of(i as u32);
        let team = slot(ix, item.team);
        let estimate = item
            .estimate
            .map(f64::from)
            .filter(|_| facts.flow[i] != FlowState::Canceled);
        let done = facts.flow[i] == FlowState::Done;
        points_available |= estimate.is_some();
        for &up in &chains[at as usize] {
            let a = &mut acc[up as usize];
            a.items += 1;
            match facts.flow[i] {
                FlowState::Done => a.done += 1,
                FlowState::Canceled => a.canceled += 1,
                _ => {}
            }
            if finished {
                a.throughput += 1;
            }
            if let Some(c) = cycle {
                a.cycles.push(c);
            }
            if is_wip {
                a.wip += 1;
                a.oldest = Some(a.oldest.map_or(age, |o: f64| o.max(age)));
            }
            a.teams[team] += 1;
            if let Some(g) = a.agents.get_mut(item.agent as usize) {
                *g += 1;
            }
            if item.provenance == Provenance::AiAgent {
                a.ai += 1;
            }
            if blocked {
                a.blocked += 1;
            }
            if risky {
                a.at_risk += 1;
            }
            a.links_in += links_in;
            a.violations += violations;
            if let Some(e) = estimate {
                a.estimated += 1;
                a.points += e;
                if done {
                    a.points_done += e;
                }
            }
        }
    }
    for (q, (intent, waiting)) in extras.pending.iter().enumerate() {
        let mut hit: HashSet<u32> = HashSet::new();
        if let Some(at) = intent {
            hit.extend(chains.get(*at as usize).into_iter().flatten());
        }
        for &w in waiting {
            let at = serves[w as usize];
            if at != NONE && (at as usize) < n_intents {
                hit.extend(&chains[at as usize]);
            }
        }
        for at in hit {
            acc[at as usize].pending.insert(q);
        }
    }

    // The tree: depth first, siblings in their order (the rows come in position order).
    let position_of: HashMap<&str, usize> = ix
        .intents
        .iter()
        .enumerate()
        .map(|(k, n)| (n.id.as_str(), k))
        .collect();
    let rows: HashMap<&str, &Intent> = extras.intents.iter().map(|i| (i.id.as_str(), i)).collect();
    let mut children: HashMap<Option<&str>, Vec<&Intent>> = HashMap::new();
    for intent in &extras.intents {
        let parent = intent.parent_id.as_deref().filter(|p| rows.contains_key(p));
        children.entry(parent).or_default().push(intent);
    }
    let mut order: Vec<(&Intent, u32)> = Vec::new();
    let mut stack: Vec<(&Intent, u32)> = children
        .get(&None)
        .map(|c| c.iter().rev().map(|i| (*i, 0)).collect())
        .unwrap_or_default();
    let mut seen: HashSet<&str> = HashSet::new();
    while let Some((intent, depth)) = stack.pop() {
        if !seen.insert(intent.id.as_str()) {
            continue;
        }
        order.push((intent, depth));
        if let Some(kids) = children.get(&Some(intent.id.as_str())) {
            stack.extend(kids.iter().rev().map(|k| (*k, depth + 1)));
        }
    }
    let archived = extras
        .intents
        .iter()
        .filter(|i| i.archived_at.is_some())
        .count() as u32;
    let labels: HashMap<&str, String> = extras
        .intents
        .iter()
        .map(|i| i.id.as_str())
        .zip(super::labels::intent_labels_by(&extras.intents, |id| {
            extras.source_names.get(id).map(String::as_str)
        }))
        .collect();
    let mut nodes = Vec::new();
    for (intent, depth) in order {
        let hidden_by = |i: &Intent| -> bool {
            // Archived itself or under an archived intent.
            let mut at = Some(i);
            while let Some(x) = at {
                if x.archived_at.is_some() {
                    return true;
                }
                at = x.parent_id.as_deref().and_then(|p| rows.get(p).copied());
            }
            false
        };
        if !query.include_archived && hidden_by(intent) {
            continue;
        }
        // Each intent is listed once (`seen`): its counts are taken, not copied.
        let mut a = position_of
            .get(intent.id.as_str())
            .map(|k| std::mem::take(&mut acc[*k]))
            .unwrap_or_default();
        // Two percentiles of the cycles: each value put in its place, not the whole list sorted.
        let cycle_p50_days = crate::flow::percentile::nearest_rank_unsorted(&mut a.cycles, 50.0);
        let cycle_p85_days = crate::flow::percentile::nearest_rank_unsorted(&mut a.cycles, 85.0);
        let named = |m: &[u32], name: &dyn Fn(u32) -> String| {
            let mut v: Vec<Contributor> = m
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(k, n)| Contributor {
                    name: name(k as u32),
                    items: *n,
                })
                .collect();
            v.sort_by(|x, y| y.items.cmp(&x.items).then(x.name.cmp(&y.name)));
            v
        };
        let counted = a.items.saturating_sub(a.canceled);
        nodes.push(IntentNode {
            id: intent.id.clone(),
            parent_id: intent.parent_id.clone(),
            depth,
            kind: intent.kind,
            title: intent.title.clone(),
            label: labels
                .get(intent.id.as_str())
                .cloned()
                .unwrap_or_else(|| intent.title.clone()),
            description: intent.description.clone(),
            success_measure: intent.success_measure.clone(),
            origin: intent.origin,
            source_name: intent
                .source_id
                .as_ref()
                .and_then(|s| extras.source_names.get(s).cloned()),
            source_key: intent.source_key.clone(),
            url: intent.url.clone(),
            owner: intent.owner_id.as_ref().map(|o| {
                extras
                    .owner_names
                    .get(o)
                    .cloned()
                    .unwrap_or_else(|| o.clone())
            }),
            target_date: intent.target_at.map(|t| day(t, 0)),
            priority: intent.priority.and_then(|p| u32::try_from(p).ok()),
            position: u32::try_from(intent.position).unwrap_or(0),
            archived: intent.archived_at.is_some(),
            direct_items: a.direct,
            items: a.items,
            done: a.done,
            canceled: a.canceled,
            progress: (counted > 0).then(|| f64::from(a.done) / f64::from(counted)),
            estimated: a.estimated,
            points: a.points,
            points_done: a.points_done,
            points_progress: (a.estimated > 0 && a.points > 0.0).then(|| a.points_done / a.points),
            throughput: a.throughput,
            cycle_p50_days,
            cycle_p85_days,
            wip: a.wip,
            oldest_wip_days: a.oldest,
            teams: named(&a.teams, &|t| {
                ix.teams
                    .get(t as usize)
                    .map_or("No team".to_owned(), |n| n.name.clone())
            }),
            agents: named(&a.agents, &|g| {
                ix.agents
                    .get(g as usize)
                    .map_or(String::new(), |n| n.to_string())
            }),
            ai_share: (a.items > 0).then(|| f64::from(a.ai) / f64::from(a.items)),
            blocked: a.blocked,
            at_risk: a.at_risk,
            open_blocking_links: a.links_in,
            pending_decisions: a.pending.len() as u32,
            policy_violations: a.violations,
            linked_by_source: a.by_source,
            linked_by_rule: a.by_rule,
            linked_by_hand: a.by_hand,
        });
    }

    let unaligned = unaligned(
        ix,
        facts,
        scope,
        extras,
        &serves,
        &in_set,
        &wip,
        &finished_in_range,
    );
    let conflicts = conflicts(ix, &serves, &in_set, &wip, &open_links, facts, extras);
    IntentsReport {
        as_of: to_rfc3339(scope.as_of),
        range_from: day(scope.from, scope.offset_ms),
        range_to: day(scope.as_of - 1, scope.offset_ms),
        intents: nodes,
        archived,
        unaligned,
        conflicts,
        points_available,
    }
}

#[allow(clippy::too_many_arguments)]
fn unaligned(
    ix: &WorkIndex,
    facts: &Facts,
    _scope: &Scope,
    extras: &Extras,
    serves: &[u32],
    in_set: &dyn Fn(usize) -> bool,
    wip: &dyn Fn(usize) -> bool,
    finished: &dyn Fn(usize) -> bool,
) -> UnalignedReport {
    let slots = ix.teams.len() + 1;
    let mut team_wip = vec![0u32; slots];
    let mut team_tp = vec![0u32; slots];
    let mut un_wip = vec![0u32; slots];
    let mut un_tp = vec![0u32; slots];
    // A row per (team slot, source), by position (no hashing per item).
    let sources = ix.sources.len();
    let mut rows: Vec<Option<UnalignedRow>> = (0..slots * sources).map(|_| None).collect();
    let mut report = UnalignedReport {
        wip: 0,
        throughput: 0,
        all_wip: 0,
        all_throughput: 0,
        rows: Vec::new(),
        teams: Vec::new(),
        on_purpose: 0,
        items: Vec::new(),
        items_total: 0,
    };
    let mut listed: Vec<(f64, u32)> = Vec::new();
    let mut on_purpose = vec![false; ix.items.len()];
    for &i in &extras.on_purpose {
        if let Some(slot) = on_purpose.get_mut(i as usize) {
            *slot = true;
        }
    }
    for (i, &serve) in serves.iter().enumerate() {
        if !in_set(i) {
            continue;
        }
        let item = &ix.items[i];
        let s = slot(ix, item.team);
        let (w, f) = (wip(i), finished(i));
        if w {
            team_wip[s] += 1;
            report.all_wip += 1;
        }
        if f {
            team_tp[s] += 1;
            report.all_throughput += 1;
        }
        if serve != NONE {
            continue;
        }
        if on_purpose[i] {
            report.on_purpose += 1;
            continue;
        }
        let ai = item.provenance == Provenance::AiAgent;
        if w || f {
            let row =
                rows[s * sources + item.source as usize].get_or_insert_with(|| UnalignedRow {
                    team_id: ix.teams.get(item.team as usize).map(|t| t.id.clone()),
                    team: ix
                        .teams
                        .get(item.team as usize)
                        .map_or("No team".to_owned(), |t| t.name.clone()),
                    source_id: ix.sources[item.source as usize].id.clone(),
                    source: ix.sources[item.source as usize].name.clone(),
                    wip: 0,
                    throughput: 0,
                    ai_wip: 0,
                    ai_throughput: 0,
                });
            if w {
                row.wip += 1;
                row.ai_wip += u32::from(ai);
                un_wip[s] += 1;
                report.wip += 1;
            }
            if f {
                row.throughput += 1;
                row.ai_throughput += u32::from(ai);
                un_tp[s] += 1;
                report.throughput += 1;
            }
        }
        if !facts.closed(i as u32) {
            listed.push((facts.age_days(ix, i as u32), i as u32));
        }
    }
    let mut rows: Vec<UnalignedRow> = rows.into_iter().flatten().collect();
    rows.sort_by(|a, b| {
        (b.wip + b.throughput)
            .cmp(&(a.wip + a.throughput))
            .then(a.team.cmp(&b.team))
            .then(a.source.cmp(&b.source))
    });
    report.rows = rows;
    let share = |a: u32, b: u32| (b > 0).then(|| f64::from(a) / f64::from(b));
    for s in 0..slots {
        if team_wip[s] == 0 && team_tp[s] == 0 {
            continue;
        }
        report.teams.push(UnalignedTeam {
            team_id: ix.teams.get(s).map(|t| t.id.clone()),
            team: ix
                .teams
                .get(s)
                .map_or("No team".to_owned(), |t| t.name.clone()),
            wip: un_wip[s],
            team_wip: team_wip[s],
            wip_share: share(un_wip[s], team_wip[s]),
            throughput: un_tp[s],
            team_throughput: team_tp[s],
            throughput_share: share(un_tp[s], team_tp[s]),
        });
    }
    report.teams.sort_by(|a, b| {
        b.wip_share
            .unwrap_or(0.0)
            .total_cmp(&a.wip_share.unwrap_or(0.0))
            .then(a.team.cmp(&b.team))
    });
    // The oldest only are picked and sorted (an item is listed once, so they are the ones a
    // sort of them all puts first).
    report.items_total = listed.len() as u32;
    report.items = crate::flow::percentile::first_sorted(&mut listed, UNALIGNED_LISTED, |a, b| {
        b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
    })
    .iter()
    .map(|&(age, i)| {
        let item = &ix.items[i as usize];
        UnalignedItem {
            item: ItemRef {
                id: ix.item_ids[i as usize].to_string(),
                key: ix.item_keys[i as usize].to_string(),
                title: String::new(),
            },
            team: ix.teams.get(item.team as usize).map(|t| t.name.clone()),
            source: ix.sources[item.source as usize].name.clone(),
            state: facts.flow[i as usize],
            provenance: item.provenance,
            age_days: age,
        }
    })
    .collect();
    report
}

fn conflicts(
    ix: &WorkIndex,
    serves: &[u32],
    in_set: &dyn Fn(usize) -> bool,
    wip: &dyn Fn(usize) -> bool,
    open_links: &[crate::deps::graph::Dependency],
    _facts: &Facts,
    extras: &Extras,
) -> ConflictsReport {
    let title = |at: u32| {
        ix.intents
            .get(at as usize)
            .map_or(String::new(), |n| n.name.clone())
    };
    // Spread: distinct intents among each team's work in progress.
    let slots = ix.teams.len() + 1;
    // Per team slot, items in progress per intent served (counted by position: no hashing per
    // item); an intent past the index's (none should be) is counted apart.
    let n_intents = ix.intents.len();
    let mut per_team: Vec<Vec<u32>> = vec![vec![0; n_intents]; slots];
    let mut beyond: Vec<HashMap<u32, u32>> = vec![HashMap::new(); slots];
    let mut team_wip = vec![0u32; slots];
    for (i, &serve) in serves.iter().enumerate() {
        if !in_set(i) || !wip(i) {
            continue;
        }
        let s = slot(ix, ix.items[i].team);
        team_wip[s] += 1;
        if serve != NONE {
            match per_team[s].get_mut(serve as usize) {
                Some(n) => *n += 1,
                None => *beyond[s].entry(serve).or_default() += 1,
            }
        }
    }
    let mut spread = Vec::new();
    for (s, counts) in per_team.iter().enumerate() {
        let mut listed: Vec<(u32, u32)> = counts
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(at, n)| (at as u32, *n))
            .chain(beyond[s].iter().map(|(at, n)| (*at, *n)))
            .collect();
        if s == ix.teams.len() || listed.len() as u32 <= SPREAD_LIMIT {
            continue;
        }
        listed.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        spread.push(SpreadConflict {
            team: ix.teams[s].name.clone(),
            intents: listed.len() as u32,
            wip: team_wip[s],
            intent_titles: listed.into_iter().map(|(at, _)| title(at)).collect(),
        });
    }
    spread.sort_by(|a, b| b.intents.cmp(&a.intents).then(a.team.cmp(&b.team)));

    // Waits: open blocking links between items of two intents (blocker's → blocked's).
    let mut waits: HashMap<(u32, u32), u32> = HashMap::new();
    let mut team_pairs: HashMap<(u32, u32), HashMap<(u32, u32), u32>> = HashMap::new();
    for d in open_links {
        let (b, a) = (d.before as usize, d.after as usize);
        if !in_set(a) && !in_set(b) {
            continue;
        }
        let (from, to) = (serves[b], serves[a]);
        if from == NONE || to == NONE || from == to {
            continue;
        }
        *waits.entry((to, from)).or_default() += 1;
        let teams = (ix.items[a].team, ix.items[b].team);
        if teams.0 != teams.1 {
            *team_pairs
                .entry((to, from))
                .or_default()
                .entry(teams)
                .or_default() += 1;
        }
    }
    let mut wait_list: Vec<WaitConflict> = waits
        .iter()
        .map(|((waiting, blocking), links)| WaitConflict {
            waiting_id: ix.intents[*waiting as usize].id.clone(),
            waiting: title(*waiting),
            blocking_id: ix.intents[*blocking as usize].id.clone(),
            blocking: title(*blocking),
            links: *links,
            mutual: waits.contains_key(&(*blocking, *waiting)),
        })
        .collect();
    wait_list.sort_by(|a, b| {
        b.mutual
            .cmp(&a.mutual)
            .then(b.links.cmp(&a.links))
            .then(a.waiting.cmp(&b.waiting))
            .then(a.blocking.cmp(&b.blocking))
    });

    // Priorities: a higher-priority intent waiting on a lower-priority one's work, across teams.
    let priority: HashMap<&str, u32> = extras
        .intents
        .iter()
        .filter_map(|i| Some((i.id.as_str(), u32::try_from(i.priority?).ok()?)))
        .collect();
    let team_name = |t: u32| {
        ix.teams
            .get(t as usize)
            .map_or("No team".to_owned(), |n| n.name.clone())
    };
    let mut priorities = Vec::new();
    for ((waiting, blocking), pairs) in &team_pairs {
        let (w_id, b_id) = (
            ix.intents[*waiting as usize].id.as_str(),
            ix.intents[*blocking as usize].id.as_str(),
        );
        let (Some(&wp), Some(&bp)) = (priority.get(w_id), priority.get(b_id)) else {
            continue;
        };
        if wp >= bp {
            continue;
        }
        let Some(((wt, bt), links)) = pairs.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        else {
            continue;
        };
        priorities.push(PriorityConflict {
            waiting_id: w_id.to_owned(),
            waiting: title(*waiting),
            waiting_priority: wp,
            waiting_team: team_name(*wt),
            blocking_id: b_id.to_owned(),
            blocking: title(*blocking),
            blocking_priority: bp,
            blocking_team: team_name(*bt),
            links: *links,
        });
    }
    priorities.sort_by(|a, b| {
        (b.blocking_priority - b.waiting_priority)
            .cmp(&(a.blocking_priority - a.waiting_priority))
            .then(a.waiting.cmp(&b.waiting))
            .then(a.blocking.cmp(&b.blocking))
    });
    ConflictsReport {
        spread_limit: SPREAD_LIMIT,
        spread,
        waits: wait_list,
        priorities,
    }
}

/// What the page keeps between questions (`Workspace::derived`), brought up to date with the
/// index item by item ([`WorkIndex::changed_since`]) rather than computed again: the flow facts of
/// every item for one filter and range start. (The policy violations now per item are the
/// workspace's copy, [`crate::governance::current::followed`].) It does not hold the index
/// itself (a shared index could not be refreshed in place).
#[derive(Default)]
struct PageCache {
    facts: Option<(u64, u64, Facts)>,
    /// [`implements_to_intents`] for one index.
    implements: Option<(IndexKey, Arc<Vec<u32>>)>,
}

/// An index's generation, item and link counts.
type IndexKey = (u64, usize, usize);

const PAGE_CACHE: &str = "intents-page";

fn hash_of(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// The facts the page's cache holds (taken out: they are put back once the page is computed).
fn held_facts(ws: &Workspace) -> Option<(u64, u64, Facts)> {
    ws.derived::<std::sync::Mutex<PageCache>>(PAGE_CACHE)
        .and_then(|c| c.lock().ok().and_then(|mut c| c.facts.take()))
}

/// The flow facts of every item over `scope`: `held` (the page's cache) when it holds them for
/// the same filter, range start and workflow map (followed item by item), else gathered.
fn facts_for(
    held: Option<(u64, u64, Facts)>,
    ix: &WorkIndex,
    mapping: &crate::flow::Mapping,
    scope: &Scope,
    key: u64,
) -> Facts {
    if let Some((k, generation, mut facts)) = held {
        if k == key && facts.as_of <= scope.as_of {
            if let Some(changed) = ix.changed_since(generation) {
                facts.follow(ix, mapping, scope, &changed);
                return facts;
            }
        }
    }
    Facts::gather(ix, mapping, scope)
}

/// The page's cache, made when missing.
fn page_cache(ws: &Workspace) -> Arc<std::sync::Mutex<PageCache>> {
    ws.derived_slot(PAGE_CACHE)
}

/// [`implements_to_intents`] of `ix`: the page's kept list when it was found in the same index,
/// else found (and kept).
fn implements_of(ws: &Workspace, ix: &WorkIndex) -> Arc<Vec<u32>> {
    let key = (ix.generation, ix.items.len(), ix.links.len());
    let cache = page_cache(ws);
    if let Some(kept) = cache.lock().ok().and_then(|c| {
        c.implements
            .as_ref()
            .filter(|(at, _)| *at == key)
            .map(|(_, links)| links.clone())
    }) {
        return kept;
    }
    let links = Arc::new(implements_to_intents(ix));
    if let Ok(mut c) = cache.lock() {
        c.implements = Some((key, links.clone()));
    }
    links
}

/// Puts the facts back for the next question.
fn keep_facts(ws: &Workspace, ix: &WorkIndex, key: u64, facts: Facts) {
    let cache = page_cache(ws);
    if let Ok(mut c) = cache.lock() {
        c.facts = Some((key, ix.generation, facts));
    };
}

/// Gathers what the page needs from the workspace, then [`compute`]s it.
pub async fn intents_report(
    ws: &Workspace,
    query: &IntentsQuery,
    now: i64,
) -> CoreResult<IntentsReport> {
    let started = std::time::Instant::now();
    let ix = ws.index().await?;
    let rows = repo::workflow_maps::list(ws.pool()).await?;
    let mapping = Arc::new(crate::flow::Mapping::build(&ix, &rows));
    let scope = Arc::new(Scope::resolve_after(
        &ix,
        &query.filter,
        now,
        crate::flow::latest_updated(ws, &ix),
    )?);
    let key = hash_of(&format!(
        "{rows:?}|{}|{}|{:?}",
        serde_json::to_string(&query.filter).unwrap_or_default(),
        scope.from,
        scope.rule
    ));
    let indexed = started.elapsed();
    // The facts (computing) on a thread of their own while the extras are read (mostly
    // waiting on SQLite and following the policy violations): the two overlap on two cores.
    // With the facts, what the page works out from them alone (`Prepared`).
    let gathering = {
        let (held, ix, mapping, scope) =
            (held_facts(ws), ix.clone(), mapping.clone(), scope.clone());
        let implements = implements_of(ws, &ix);
        tokio::task::spawn_blocking(move || {
            let started = std::time::Instant::now();
            let facts = facts_for(held, &ix, &mapping, &scope, key);
            let serves = serving_through(&ix, scope.as_of, &implements);
            let prepared = Prepared::of(&ix, &facts, &scope, serves);
            (facts, prepared, started.elapsed())
        })
    };
    let extras = extras(ws, &ix, &mapping, &rows, now).await;
    let extra = started.elapsed();
    let (facts, prepared, facts_took) = gathering
        .await
        .map_err(|e| crate::CoreError::Invalid(format!("the Intents page's facts: {e}")))?;
    let extras = extras?;
    let gathered = started.elapsed();
    let mut report = compute_prepared(&ix, &facts, &scope, &extras, query, prepared);
    keep_facts(ws, &ix, key, facts);
    let computed = started.elapsed();
    let refs: Vec<&mut ItemRef> = report
        .unaligned
        .items
        .iter_mut()
        .map(|u| &mut u.item)
        .collect();
    crate::flow::titles(ws, refs).await?;
    tracing::debug!(
        index_ms = indexed.as_secs_f64() * 1e3,
        facts_ms = facts_took.as_secs_f64() * 1e3,
        extras_ms = (extra - indexed).as_secs_f64() * 1e3,
        both_ms = (gathered - indexed).as_secs_f64() * 1e3,
        compute_ms = (computed - gathered).as_secs_f64() * 1e3,
        total_ms = started.elapsed().as_secs_f64() * 1e3,
        "intents page"
    );
    Ok(report)
}

/// Policy violations now per item: the workspace's copy, followed item by item when the
/// policies and the workflow map are the same and the index's changes since are known, else
/// every policy evaluated again ([`crate::governance::current::followed`]).
async fn violations_now(
    ws: &Workspace,
    ix: &WorkIndex,
    mapping: &crate::flow::Mapping,
    rows: &[crate::graph::model::WorkflowMap],
    now: i64,
) -> CoreResult<Arc<CurrentViolations>> {
    let set = crate::governance::load(ws).await?;
    let (current, _) =
        crate::governance::current::followed(ws, ix, mapping, rows, &set, now).await?;
    Ok(current)
}

/// The position of the item with row id `rowid` (items are indexed in row id order; checked).
fn position_of_rowid(ix: &WorkIndex, rowid: i64) -> Option<u32> {
    let at = ix.items.partition_point(|i| i.rowid < rowid);
    if ix.items.get(at).is_some_and(|i| i.rowid == rowid) {
        return Some(at as u32);
    }
    ix.items
        .iter()
        .position(|i| i.rowid == rowid)
        .map(|p| p as u32)
}

/// The intents, their owners' names and how the items are linked (hand and rule links, by
/// position; the hand links to no intent), as [`extras`] reads them.
type LinkRows = (
    Vec<Intent>,
    Vec<(String, String)>,
    HashMap<u32, u8>,
    HashSet<u32>,
);

async fn link_rows(ws: &Workspace, ix: &WorkIndex) -> CoreResult<LinkRows> {
    let intents = repo::intents::list(ws.pool()).await?;
    let owners: Vec<(String, String)> = sqlx::query_as(
        "SELECT p.id, p.display_name FROM people p WHERE p.id IN (SELECT owner_id FROM intents)",
    )
    .fetch_all(ws.pool())
    .await?;
    // Only the hand and rule links are read (by the items' row ids, which find their positions
    // without a map of every id): an item linked directly with neither is linked by its source
    // (most links, which the index already says). A hand link to no intent is "unaligned on
    // purpose".
    let mut how: HashMap<u32, u8> = HashMap::new();
    let mut on_purpose: HashSet<u32> = HashSet::new();
    let rows: Vec<(i64, String, bool)> = sqlx::query_as(
        "SELECT i.rowid, l.how, l.intent_id IS NULL FROM intent_links l JOIN items i ON i.id = l.item_id
         WHERE l.how IN ('hand', 'rule')",
    )
    .fetch_all(ws.pool())
    .await?;
    for (rowid, kind, no_intent) in rows {
        let Some(at) = position_of_rowid(ix, rowid) else {
            continue;
        };
        if kind == "hand" && no_intent {
            on_purpose.insert(at);
        }
        *how.entry(at).or_default() |= match kind.as_str() {
            "hand" => HOW_HAND,
            "rule" => HOW_RULE,
            _ => HOW_SOURCE,
        };
    }
    Ok((intents, owners, how, on_purpose))
}

/// The rows, violations and pending questions [`compute`] needs (`mapping` made from `maps`,
/// the workflow map's rows).
pub async fn extras(
    ws: &Workspace,
    ix: &WorkIndex,
    mapping: &crate::flow::Mapping,
    maps: &[crate::graph::model::WorkflowMap],
    now: i64,
) -> CoreResult<Extras> {
    let started = std::time::Instant::now();
    // Three independent reads, asked together: the rows (on SQLite's threads), the violations
    // followed (mostly computing) and the pending questions overlap instead of queueing. Each
    // says when it was done (ms from the start: they overlap).
    let ms = || started.elapsed().as_secs_f64() * 1e3;
    let (
        ((intents, owners, how, on_purpose), rows_ms),
        (violations, violations_ms),
        (open, pending_ms),
    ) = tokio::try_join!(
        async { Ok::<_, crate::CoreError>((link_rows(ws, ix).await?, ms())) },
        async { Ok((violations_now(ws, ix, mapping, maps, now).await?, ms())) },
        async {
            Ok((
                crate::approvals::pending_refs(ws, ix, mapping, maps).await?,
                ms(),
            ))
        },
    )?;
    let source_names: HashMap<String, String> = ix
        .sources
        .iter()
        .map(|s| (s.id.clone(), s.name.clone()))
        .collect();
    let intent_at: HashMap<&str, u32> = ix
        .intents
        .iter()
        .enumerate()
        .map(|(k, n)| (n.id.as_str(), k as u32))
        .collect();
    let pending = open
        .into_iter()
        .map(|(intent, waiting)| {
            (
                intent.as_deref().and_then(|i| intent_at.get(i).copied()),
                waiting,
            )
        })
        .collect();
    tracing::debug!(
        rows_ms,
        violations_ms,
        pending_ms,
        total_ms = started.elapsed().as_secs_f64() * 1e3,
        "intents page extras (each from the start: they overlap)"
    );
    Ok(Extras {
        intents,
        source_names,
        owner_names: owners.into_iter().collect(),
        on_purpose,
        violations,
        pending,
        how,
    })
}
