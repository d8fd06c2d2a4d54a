//! The worklist's base: every item with a reason to be listed, found from the index and the
//! dependency facts before any decision is layered over it. Computed once per workspace state
//! (and per minute, as ages move), then shared by every question until something changes.

use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};

use crate::deps::graph::{slot, Facts};
use crate::flow::{Mapping, Stage};
use crate::graph::index::{EventKind, WorkIndex, NONE};
use crate::graph::model::{FlowState, ItemKind, Provenance, WorkflowMap};
use crate::provenance::{self, Requester, ReviewStatus, Signals};
use crate::time::{to_rfc3339, DAY_MS};

use super::{OtherItem, Reason, RowReason, Thresholds};

/// What the base was computed from: equal keys, equal bases.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Key {
    generation: u64,
    workflow: u64,
    /// The policy set (its stored text, hashed): violations are a reason.
    policies: u64,
    thresholds: Thresholds,
    minute: i64,
}

impl Key {
    /// The key of a computation over `ix` with these workflow rows and thresholds at `now`.
    pub fn new(
        ix: &WorkIndex,
        rows: &[WorkflowMap],
        policies: u64,
        thresholds: Thresholds,
        now: i64,
    ) -> Key {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for r in rows {
            (
                &r.source_id,
                &r.team_id,
                r.item_kind,
                &r.raw_state,
                r.flow_state,
                r.wait_reason,
            )
                .hash(&mut h);
        }
        Key {
            generation: ix.generation,
            workflow: h.finish(),
            policies,
            thresholds,
            minute: now.div_euclid(60_000),
        }
    }
}

impl Key {
    /// How many minutes `self` is ahead of `earlier` when everything but the minute is the same
    /// (`None` when anything else differs).
    pub fn minutes_after(&self, earlier: &Key) -> Option<i64> {
        let same = Key {
            minute: earlier.minute,
            ..*self
        };
        (same == *earlier).then(|| self.minute - earlier.minute)
    }
}

/// What new work lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Missing {
    pub team: bool,
    pub owner: bool,
    pub intent: bool,
    pub priority: bool,
}

impl Missing {
    /// True when something is missing.
    pub fn any(&self) -> bool {
        self.team || self.owner || self.intent || self.priority
    }
}

/// How an AI pull request lacks an independent review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewGap {
    /// Open and waiting for one (since it was ready for review).
    Waiting,
    /// Approved only by the author, who asked for it, or a bot.
    NotIndependent { approver: u32, role: Approver },
    /// Merged without one.
    Merged,
}

/// Who gave an approval that does not count as independent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approver {
    /// The person who asked the agent for it.
    Requester,
    /// The pull request's author.
    Author,
    /// A bot.
    Bot,
}

/// A reason found in the data (before decisions).
#[derive(Debug, Clone, PartialEq)]
pub enum BaseReason {
    AiNoAccountable {
        since: i64,
    },
    AiUnreviewed {
        since: i64,
        gap: ReviewGap,
    },
    AiIdle {
        since: i64,
        flow: FlowState,
        stage: Option<Stage>,
    },
    NewUntriaged {
        since: i64,
        missing: Missing,
    },
    /// The delivered upstream items: (item, delivered at).
    Handoff {
        upstreams: Vec<(u32, i64)>,
    },
    AgingPastP85 {
        since: i64,
        start: i64,
        p85: f64,
        default_p85: bool,
    },
    UnmappedState {
        since: i64,
        state: u32,
    },
    /// Violations now of blocking policies (the Governance page's): the titles, since the first.
    PolicyViolation {
        since: i64,
        policies: Vec<String>,
    },
    /// Looks like `other`, filed earlier by another team (score 0..1); since it was created.
    DuplicateCandidate {
        since: i64,
        other: u32,
        score: f64,
    },
    /// An open pull request the conflicting changes rules flag: the first flag in words, how
    /// many flags, the first other change of an overlap; since it was opened.
    ConflictingChange {
        since: i64,
        first: String,
        count: u32,
        other: Option<u32>,
    },
}

/// A violation now of a blocking policy, for the worklist: (item, since, policy title).
pub type BlockingViolation = (u32, i64, String);

impl BaseReason {
    /// Its reason.
    pub fn reason(&self) -> Reason {
        match self {
            BaseReason::AiNoAccountable { .. } => Reason::AiNoAccountable,
            BaseReason::AiUnreviewed { .. } => Reason::AiUnreviewed,
            BaseReason::AiIdle { .. } => Reason::AiIdle,
            BaseReason::NewUntriaged { .. } => Reason::NewUntriaged,
            BaseReason::Handoff { .. } => Reason::HandoffUndelivered,
            BaseReason::AgingPastP85 { .. } => Reason::AgingPastP85,
            BaseReason::UnmappedState { .. } => Reason::UnmappedState,
            BaseReason::PolicyViolation { .. } => Reason::PolicyViolation,
            BaseReason::DuplicateCandidate { .. } => Reason::DuplicateCandidate,
            BaseReason::ConflictingChange { .. } => Reason::ConflictingChange,
        }
    }

    /// Since when it holds.
    pub fn since(&self) -> i64 {
        match self {
            BaseReason::AiNoAccountable { since }
            | BaseReason::AiUnreviewed { since, .. }
            | BaseReason::AiIdle { since, .. }
            | BaseReason::NewUntriaged { since, .. }
            | BaseReason::AgingPastP85 { since, .. }
            | BaseReason::UnmappedState { since, .. }
            | BaseReason::PolicyViolation { since, .. }
            | BaseReason::DuplicateCandidate { since, .. }
            | BaseReason::ConflictingChange { since, .. } => *since,
            BaseReason::Handoff { upstreams } => {
                upstreams.iter().map(|u| u.1).min().unwrap_or(i64::MAX)
            }
        }
    }
}

/// An item with at least one reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub item: u32,
    pub reasons: Vec<BaseReason>,
    pub requester: Option<Requester>,
    pub flow: FlowState,
    pub stage: Option<Stage>,
    pub waiting_on_it: u32,
}

/// Every candidate, in index order.
#[derive(Debug)]
pub struct Base {
    pub key: Key,
    pub candidates: Vec<Candidate>,
}

/// How many items a chain of waiting is followed for (the count of items waiting on one).
const MAX_DOWNSTREAM: usize = 10_000;

/// Finds every candidate. `facts` are the dependency facts (effective states now, cycle starts,
/// team percentiles); `mapping` the workflow map.
pub fn compute(
    ix: &WorkIndex,
    facts: &Facts,
    mapping: &Mapping,
    violations: &[BlockingViolation],
    t: Thresholds,
    now: i64,
    key: Key,
) -> Base {
    let signals = Signals::gather(ix);
    let n = ix.items.len();
    let mut reasons: Vec<Vec<BaseReason>> = vec![Vec::new(); n];
    let mut requesters: Vec<Option<Requester>> = vec![None; n];
    let review_wait = (t.review_wait_days * DAY_MS as f64) as i64;
    let idle = (t.idle_days * DAY_MS as f64) as i64;
    let merged_window = i64::from(t.merged_window_days) * DAY_MS;
    let new_window = i64::from(t.new_work_days) * DAY_MS;

    for (i, item) in ix.items.iter().enumerate() {
        let flow = facts.flow[i];
        let open = !matches!(flow, FlowState::Done | FlowState::Canceled);
        let ai = item.provenance == Provenance::AiAgent;
        let requester = if ai {
            provenance::requester(ix, &signals, i)
        } else {
            None
        };
        requesters[i] = requester;
        let out = &mut reasons[i];

        // AI-made work nobody answers for (decisions may name an owner later).
        if ai && open && requester.is_none() {
            let owner = item.owner;
            let person_owner = owner != NONE
                && !ix
                    .people_is_bot
                    .get(owner as usize)
                    .copied()
                    .unwrap_or(true);
            if !person_owner {
                out.push(BaseReason::AiNoAccountable {
                    since: item.created,
                });
            }
        }

        // AI pull requests without an independent review.
        if ai && item.kind == ItemKind::PullRequest {
            let status = provenance::review_status(ix, i, requester, i64::MAX);
            match status {
                ReviewStatus::Independent { .. } => {}
                ReviewStatus::NotIndependent { approver, at } if open => {
                    let role = if ix
                        .people_is_bot
                        .get(approver as usize)
                        .copied()
                        .unwrap_or(false)
                    {
                        Approver::Bot
                    } else if approver == item.author {
                        Approver::Author
                    } else {
                        Approver::Requester
                    };
                    out.push(BaseReason::AiUnreviewed {
                        since: at,
                        gap: ReviewGap::NotIndependent { approver, role },
                    });
                }
                _ if open => {
                    if let Some(ready) = ready_for_review(ix, mapping, i) {
                        if now - ready > review_wait {
                            out.push(BaseReason::AiUnreviewed {
                                since: ready,
                                gap: ReviewGap::Waiting,
                            });
                        }
                    }
                }
                _ => {
                    if let Some(merged) = facts.finish[i].filter(|_| flow == FlowState::Done) {
                        if now - merged <= merged_window {
                            out.push(BaseReason::AiUnreviewed {
                                since: merged,
                                gap: ReviewGap::Merged,
                            });
                        }
                    }
                }
            }
        }

        // AI-made or automated work never started, or waiting, with no change for too long.
        if (ai || item.provenance == Provenance::Automation)
            && matches!(flow, FlowState::New | FlowState::Waiting)
        {
            let last_change = ix.events_of(i).last().map_or(item.created, |e| e.at);
            let since = facts.since[i].max(last_change).max(item.created);
            if now - since > idle {
                out.push(BaseReason::AiIdle {
                    since,
                    flow,
                    stage: facts.stage[i],
                });
            }
        }

        // New work nobody triaged.
        if flow == FlowState::New
            && item.kind != ItemKind::PullRequest
            && now - item.created <= new_window
        {
            let missing = Missing {
                team: item.team == NONE,
                owner: item.owner == NONE,
                intent: item.intent == NONE,
                priority: !item.has_priority,
            };
            if missing.any() {
                out.push(BaseReason::NewUntriaged {
                    since: item.created,
                    missing,
                });
            }
        }

        // In progress for longer than its team's 85th percentile.
        if let Some(start) = facts.start[i].filter(|_| open) {
            let s = slot(ix, item.team);
            let p85 = facts.team_p85[s];
            if facts.age_days(ix, i as u32) > p85 {
                out.push(BaseReason::AgingPastP85 {
                    since: start + (p85 * DAY_MS as f64) as i64,
                    start,
                    p85,
                    default_p85: facts.team_samples[s] == 0,
                });
            }
        }

        // Its current state is one the workflow map does not cover.
        if mapping
            .resolve(item.current_state, item.team, item.kind)
            .is_none()
        {
            let since = ix
                .events_of(i)
                .iter()
                .rev()
                .find(|e| e.kind() == EventKind::State && e.code() == item.current_state)
                .map_or(item.created, |e| e.at);
            out.push(BaseReason::UnmappedState {
                since,
                state: item.current_state,
            });
        }
    }

    // Violations now of blocking policies (the Governance page's evaluation).
    for (item, since, title) in violations {
        let Some(list) = reasons.get_mut(*item as usize) else {
            continue;
        };
        match list.iter_mut().find_map(|r| match r {
            BaseReason::PolicyViolation { since, policies } => Some((since, policies)),
            _ => None,
        }) {
            Some((first, policies)) => {
                *first = (*first).min(*since);
                if !policies.contains(title) {
                    policies.push(title.clone());
                }
            }
            None => list.push(BaseReason::PolicyViolation {
                since: *since,
                policies: vec![title.clone()],
            }),
        }
    }

    // Handoffs that never arrived (the Dependencies page's definition).
    for (d, delivered) in crate::deps::undelivered_handoffs(ix, facts) {
        let list = &mut reasons[d.after as usize];
        match list.iter_mut().find_map(|r| match r {
            BaseReason::Handoff { upstreams } => Some(upstreams),
            _ => None,
        }) {
            Some(upstreams) => upstreams.push((d.before, delivered)),
            None => list.push(BaseReason::Handoff {
                upstreams: vec![(d.before, delivered)],
            }),
        }
    }

    // Open items blocked by each candidate, directly or further down.
    let mut blocked_by: HashMap<u32, Vec<u32>> = HashMap::new();
    for d in crate::deps::open_blocking(ix, facts) {
        blocked_by.entry(d.before).or_default().push(d.after);
    }

    let candidates = reasons
        .into_iter()
        .enumerate()
        .filter(|(_, r)| !r.is_empty())
        .map(|(i, reasons)| Candidate {
            item: i as u32,
            reasons,
            requester: requesters[i],
            flow: facts.flow[i],
            stage: facts.stage[i],
            waiting_on_it: downstream(&blocked_by, i as u32),
        })
        .collect();
    Base { key, candidates }
}

/// How many items `item` blocks, directly or further down the open blocking graph.
fn downstream(blocked_by: &HashMap<u32, Vec<u32>>, item: u32) -> u32 {
    let Some(first) = blocked_by.get(&item) else {
        return 0;
    };
    let mut seen: std::collections::HashSet<u32> = std::collections::HashSet::new();
    let mut queue: VecDeque<u32> = first.iter().copied().collect();
    while let Some(next) = queue.pop_front() {
        if next == item || !seen.insert(next) || seen.len() >= MAX_DOWNSTREAM {
            continue;
        }
        if let Some(more) = blocked_by.get(&next) {
            queue.extend(more.iter().copied());
        }
    }
    seen.len() as u32
}

/// When a pull request was first ready for review: its first entry into a waiting state (or its
/// creation, when it was opened for review). `None` while it has never been (a draft).
fn ready_for_review(ix: &WorkIndex, mapping: &Mapping, i: usize) -> Option<i64> {
    let item = &ix.items[i];
    let waiting = |state: u32| {
        mapping
            .resolve(state, item.team, item.kind)
            .is_some_and(|m| m.0 == FlowState::Waiting || m.0 == FlowState::Done)
    };
    if waiting(item.initial_state) {
        return Some(item.created);
    }
    ix.events_of(i)
        .iter()
        .find(|e| e.kind() == EventKind::State && waiting(e.code()))
        .map(|e| e.at.max(item.created))
}

fn days_text(ms: i64) -> String {
    let d = ms.max(0) as f64 / DAY_MS as f64;
    if d < 1.0 {
        let h = (ms.max(0) as f64 / 3_600_000.0).round() as i64;
        format!("{h} hour{}", if h == 1 { "" } else { "s" })
    } else if d < 10.0 {
        format!("{d:.1} days")
    } else {
        format!("{} days", d.round() as i64)
    }
}

fn stage_words(flow: FlowState, stage: Option<Stage>) -> String {
    match (flow, stage) {
        (FlowState::New, _) => "Not started".into(),
        (_, Some(Stage::Review)) => "Waiting for review".into(),
        (_, Some(Stage::Queue)) => "Waiting in a queue".into(),
        (_, Some(Stage::Approval)) => "Waiting for approval".into(),
        (_, Some(Stage::Security)) => "Waiting for a security review".into(),
        (_, Some(Stage::Decision)) => "Waiting for a decision".into(),
        (_, Some(Stage::Dependency)) => "Waiting on a dependency".into(),
        (_, Some(Stage::Blocked)) => "Blocked".into(),
        _ => "Waiting".into(),
    }
}

/// A reason in words, measured at `now`.
pub fn describe(ix: &WorkIndex, r: &BaseReason, now: i64) -> RowReason {
    let since = r.since();
    let mut other = None;
    let detail = match r {
        BaseReason::AiNoAccountable { .. } => {
            "Made by an AI agent; nobody asked for it in its record, no one is assigned, and no owner is set in Baton".into()
        }
        BaseReason::AiUnreviewed { gap, .. } => match gap {
            ReviewGap::Waiting => format!(
                "Waiting {} for an independent review",
                days_text(now - since)
            ),
            ReviewGap::NotIndependent { approver, role } => {
                let who = provenance::person_name(ix, *approver);
                match role {
                    Approver::Bot => {
                        format!("Approved only by a bot ({who}), not by an independent person")
                    }
                    Approver::Author => format!("Approved only by {who}, who made it"),
                    Approver::Requester => {
                        format!("Approved only by {who}, who asked for it (self-reviewed)")
                    }
                }
            }
            ReviewGap::Merged => format!(
                "Merged {} ago without an independent review",
                days_text(now - since)
            ),
        },
        BaseReason::AiIdle { flow, stage, .. } => format!(
            "{} with no change for {}",
            stage_words(*flow, *stage),
            days_text(now - since)
        ),
        BaseReason::NewUntriaged { missing, .. } => {
            let mut parts = Vec::new();
            if missing.team {
                parts.push("no team");
            }
            if missing.owner {
                parts.push("no owner");
            }
            if missing.intent {
                parts.push("no intent");
            }
            if missing.priority {
                parts.push("no priority");
            }
            let mut text = parts.join(", ");
            if let Some(first) = text.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            text
        }
        BaseReason::Handoff { upstreams } => {
            let keys: Vec<String> = upstreams
                .iter()
                .map(|(u, _)| ix.item_keys[*u as usize].to_string())
                .collect();
            if let Some((u, _)) = upstreams.first() {
                other = Some(OtherItem {
                    id: ix.item_ids[*u as usize].to_string(),
                    key: ix.item_keys[*u as usize].to_string(),
                });
            }
            format!(
                "{} was delivered {} ago; nobody picked the work up",
                keys.join(", "),
                days_text(now - since)
            )
        }
        BaseReason::AgingPastP85 {
            start,
            p85,
            default_p85,
            ..
        } => {
            format!(
                "In progress {}; the team's 85th-percentile cycle time is {:.1} days{}",
                days_text(now - start),
                p85,
                if *default_p85 {
                    " (the default: the team has no finished work to learn from)"
                } else {
                    ""
                }
            )
        }
        BaseReason::UnmappedState { state, .. } => {
            let key = ix.states.get(*state as usize);
            let source = key.and_then(|k| ix.sources.get(k.source as usize));
            format!(
                "State \u{201c}{}\u{201d} of {} is not in the workflow map",
                key.map_or("", |k| k.raw.as_str()),
                source.map_or("its source", |s| s.name.as_str())
            )
        }
        BaseReason::DuplicateCandidate { other: o, score, .. } => {
            let i = *o as usize;
            other = Some(OtherItem {
                id: ix.item_ids[i].to_string(),
                key: ix.item_keys[i].to_string(),
            });
            let team = ix
                .teams
                .get(ix.items[i].team as usize)
                .map_or("no team", |t| t.name.as_str());
            format!(
                "Looks like {} ({team}), filed earlier: {:.0}% alike (see Duplicates)",
                &ix.item_keys[i],
                score * 100.0
            )
        }
        BaseReason::ConflictingChange {
            first,
            count,
            other: o,
            ..
        } => {
            if let Some(o) = o {
                let i = *o as usize;
                other = Some(OtherItem {
                    id: ix.item_ids[i].to_string(),
                    key: ix.item_keys[i].to_string(),
                });
            }
            if *count > 1 {
                format!(
                    "{first} (and {} more conflict{}; see the item)",
                    count - 1,
                    if *count == 2 { "" } else { "s" }
                )
            } else {
                first.clone()
            }
        }
        BaseReason::PolicyViolation { policies, .. } => format!(
            "Breaks {} for {} (blocking; see Governance)",
            policies
                .iter()
                .map(|t| format!("\u{201c}{t}\u{201d}"))
                .collect::<Vec<_>>()
                .join(", "),
            days_text(now - since)
        ),
    };
    RowReason {
        reason: r.reason(),
        since: to_rfc3339(since),
        days: (now - since).max(0) as f64 / DAY_MS as f64,
        detail,
        other,
    }
}
