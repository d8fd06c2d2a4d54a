//! Who asked for AI-made work, who answers for it, and whether a person independent of both
//! reviewed it — read from the in-memory index and the decisions. Definitions:
//! `docs/metrics.md` ("Who asked for it", "Accountable human", "Independent review").
//!
//! The mapping stores the requester an item's own record names (`items.requester_id`, see
//! `rules::requester`); what needs other rows is derived here: the assignment that handed the
//! issue a pull request fixes to an agent, and the person who authored AI-made work.

use std::collections::HashMap;

use serde::Serialize;
use specta::Type;

use crate::decisions::ItemDecisions;
use crate::graph::index::{Assignment, EventKind, WorkIndex, NONE, VERDICT_APPROVED};
use crate::graph::model::{ItemKind, LinkKind, Provenance, RequesterSignal};

/// How long after an assignment to an agent the agent's pull request may open and still be its
/// answer (the assignment comes first; an hour allows for clocks that disagree).
const ASSIGNMENT_SLACK_MS: i64 = 3_600_000;

/// Who asked for an item: a person position and the signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requester {
    pub person: u32,
    pub signal: RequesterSignal,
}

/// What the index says about assignments and `implements` links, gathered once per question.
pub struct Signals<'a> {
    assignments: HashMap<u32, Vec<&'a Assignment>>,
    /// Pull request → the items it implements.
    implements: HashMap<u32, Vec<u32>>,
}

impl<'a> Signals<'a> {
    /// Gathers the assignments and `implements` links of the index.
    pub fn gather(ix: &'a WorkIndex) -> Signals<'a> {
        Signals::gather_for(ix, None)
    }

    /// None gathered: what a question that asks [`requester`] of no item needs.
    pub fn none() -> Signals<'a> {
        Signals {
            assignments: HashMap::new(),
            implements: HashMap::new(),
        }
    }

    /// The same, enough to answer [`requester`] for the items of `wanted` only (by position;
    /// every item when None): their `implements` links, and the assignments of them and of the
    /// items they implement.
    pub fn gather_for(ix: &'a WorkIndex, wanted: Option<&[bool]>) -> Signals<'a> {
        let wants = |i: u32| wanted.is_none_or(|w| w.get(i as usize).copied().unwrap_or(false));
        let mut implements: HashMap<u32, Vec<u32>> = HashMap::new();
        for l in &ix.links {
            if l.kind == LinkKind::Implements && l.removed.is_none() && wants(l.from) {
                implements.entry(l.from).or_default().push(l.to);
            }
        }
        let targets: Option<std::collections::HashSet<u32>> =
            wanted.map(|_| implements.values().flatten().copied().collect());
        let mut assignments: HashMap<u32, Vec<&Assignment>> = HashMap::new();
        for a in &ix.assignments {
            if wants(a.item) || targets.as_ref().is_some_and(|t| t.contains(&a.item)) {
                assignments.entry(a.item).or_default().push(a);
            }
        }
        Signals {
            assignments,
            implements,
        }
    }
}

fn is_bot(ix: &WorkIndex, person: u32) -> bool {
    ix.people_is_bot
        .get(person as usize)
        .copied()
        .unwrap_or(false)
}

/// Who asked for AI-made item `i`, in this order: what its own record says (stored by the
/// mapping); the person who assigned the item, or an issue it implements, to an agent (the last
/// such assignment before it was created); the person who authored it with an agent's help.
/// `None` for work that is not AI-made, or when nothing says.
pub fn requester(ix: &WorkIndex, signals: &Signals<'_>, i: usize) -> Option<Requester> {
    let item = &ix.items[i];
    if item.provenance != Provenance::AiAgent {
        return None;
    }
    if item.requester != NONE {
        return Some(Requester {
            person: item.requester,
            signal: item.requester_signal.unwrap_or(RequesterSignal::PrBody),
        });
    }
    let own = std::iter::once(i as u32);
    let fixed = signals
        .implements
        .get(&(i as u32))
        .into_iter()
        .flatten()
        .copied();
    let handed = own
        .chain(fixed)
        .flat_map(|target| signals.assignments.get(&target).into_iter().flatten())
        .filter(|a| {
            a.assignee != NONE
                && is_bot(ix, a.assignee)
                && a.actor != NONE
                && !is_bot(ix, a.actor)
                && a.at <= item.created + ASSIGNMENT_SLACK_MS
        })
        .max_by_key(|a| a.at);
    if let Some(a) = handed {
        return Some(Requester {
            person: a.actor,
            signal: RequesterSignal::Assignment,
        });
    }
    (item.author != NONE && !is_bot(ix, item.author)).then_some(Requester {
        person: item.author,
        signal: RequesterSignal::Author,
    })
}

/// Whether an AI-made pull request was reviewed independently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewStatus {
    /// A person other than the agent (the author) and other than who asked for it approved it.
    Independent { approver: u32, at: i64 },
    /// Approved, but only by the author, who asked for it, or a bot.
    NotIndependent { approver: u32, at: i64 },
    /// Nobody approved it.
    Unapproved,
}

/// The review status of pull request `i` (see [`ReviewStatus`]), up to `as_of`.
pub fn review_status(
    ix: &WorkIndex,
    i: usize,
    requester: Option<Requester>,
    as_of: i64,
) -> ReviewStatus {
    let item = &ix.items[i];
    let asker = requester.map_or(NONE, |r| r.person);
    let mut other = None;
    for e in ix.events_of(i) {
        if e.at >= as_of || e.kind() != EventKind::Review || e.code() != VERDICT_APPROVED {
            continue;
        }
        if e.actor == NONE {
            continue;
        }
        if !is_bot(ix, e.actor) && e.actor != item.author && e.actor != asker {
            return ReviewStatus::Independent {
                approver: e.actor,
                at: e.at,
            };
        }
        other.get_or_insert(ReviewStatus::NotIndependent {
            approver: e.actor,
            at: e.at,
        });
    }
    other.unwrap_or(ReviewStatus::Unapproved)
}

/// Whether item `i` is an AI-made pull request without an independent review (the Overview's
/// count and its list): open or merged, not closed unmerged.
pub fn lacks_independent_review(ix: &WorkIndex, signals: &Signals<'_>, i: usize) -> bool {
    let item = &ix.items[i];
    if item.kind != ItemKind::PullRequest
        || item.provenance != Provenance::AiAgent
        || item.flow == crate::graph::model::FlowState::Canceled
    {
        return false;
    }
    let asker = requester(ix, signals, i);
    !matches!(
        review_status(ix, i, asker, i64::MAX),
        ReviewStatus::Independent { .. }
    )
}

/// Someone an item names, with how Baton knows.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Named<V> {
    pub name: String,
    pub via: V,
}

/// Who answers for an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum AccountableVia {
    /// The owner set in Baton (a decision).
    Decision,
    /// Who asked the agent for it.
    Requester,
    /// The person assigned at the source.
    SourceOwner,
}

/// The accountable human of an item: the owner set in Baton, else (for AI-made work) who asked
/// for it, else the person assigned at the source when that is a person (not a bot). The name
/// as shown, with how it was found.
pub fn accountable(
    ix: &WorkIndex,
    i: usize,
    requester: Option<Requester>,
    decided: Option<&ItemDecisions>,
) -> Option<(String, AccountableVia)> {
    if let Some((_, name)) = decided.and_then(|d| d.owner.as_ref()) {
        return Some((name.clone(), AccountableVia::Decision));
    }
    if let Some(r) = requester {
        return Some((person_name(ix, r.person), AccountableVia::Requester));
    }
    let owner = ix.items[i].owner;
    (owner != NONE && !is_bot(ix, owner))
        .then(|| (person_name(ix, owner), AccountableVia::SourceOwner))
}

/// A person's display name ("" for none).
pub fn person_name(ix: &WorkIndex, person: u32) -> String {
    ix.people
        .get(person as usize)
        .map(|p| p.name.clone())
        .unwrap_or_default()
}

/// The count the Overview shows: AI-made pull requests (open or merged) without an
/// independent review, and all AI-made pull requests that are open or merged.
pub fn unreviewed_ai_pull_requests(ix: &WorkIndex) -> (u32, u32) {
    let signals = Signals::gather(ix);
    let mut all = 0;
    let mut unreviewed = 0;
    for (i, item) in ix.items.iter().enumerate() {
        if item.kind == ItemKind::PullRequest
            && item.provenance == Provenance::AiAgent
            && item.flow != crate::graph::model::FlowState::Canceled
        {
            all += 1;
            if lacks_independent_review(ix, &signals, i) {
                unreviewed += 1;
            }
        }
    }
    (unreviewed, all)
}
