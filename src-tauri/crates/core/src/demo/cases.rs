//! The demo's work that needs a decision: every case the Triage worklist lists shows up.
//!
//! Most come from the simulation itself (AI pull requests nobody reviews and that sit open for
//! weeks, new work nobody owns, blockers delivered that nobody picked up, items far older than
//! their team's usual cycle time). This phase, drawing from a random stream of its own, adds what
//! the simulation does not make:
//! - who asked the agents: Copilot's pull requests that fix a GitHub issue follow the issue's
//!   assignment to Copilot by the person who asked (an `assignee` change on the issue); Devin's
//!   name the person in their description and Copilot's other ones in their commits' trailers
//!   (recorded as the item's requester, see [`requesters`]); agents working on a developer's
//!   machine are asked by the pull request's author;
//! - agent pull requests whose owner is gone and that name nobody (no accountable human);
//! - agent pull requests approved only by the person who asked for them (self-reviewed);
//! - a few Jira items parked in a state no workflow map covers ([`UNMAPPED_STATE`]);
//! - a few Jira items waiting for a decision ([`DECISION_STATE`]) or an approval
//!   ([`APPROVAL_STATE`]) at their source, some of them for longer than the default policy allows;
//! - a few Jira items that another team's open work blocks, waiting for that team
//!   ([`DEPENDENCY_STATE`]), two of them for three weeks or more;
//! - one team that starts more backlog items in the last two weeks than the default WIP limit
//!   allows in progress;
//! - questions asked in Baton that wait for a decider, some overdue, some answered
//!   ([`approvals`]).

use std::collections::{BTreeMap, HashMap};

use super::names::{self, BOTS};
use super::rng::Rng;
use super::DemoGraph;
use crate::approvals::{self, AnswerOutcome, ApprovalKind, Decider, DeciderKind, DemoAsk};
use crate::graph::model::{
    FlowState, ItemKind, LinkKind, Provenance, Transition, TransitionKind, WaitReason,
};
use crate::graph::repo::decisions::DecisionRow;

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// A Jira state the demo's workflow map does not cover.
pub(crate) const UNMAPPED_STATE: &str = "Parked";
/// A Jira state that means waiting for a decision (inferred from its name).
pub(crate) const DECISION_STATE: &str = "Needs decision";
/// A Jira state that means waiting for another team (inferred from its name: "waiting for").
pub(crate) const DEPENDENCY_STATE: &str = "Waiting for Other Team";
/// The state work is started in, in Jira and Linear alike.
const STARTED_STATE: &str = "In Progress";
/// The default WIP limit a team of the demo goes over (`governance::policy::defaults`).
const WIP_LIMIT: usize = 15;
/// The Jira state of the demo's workflow that means waiting for an approval.
pub(crate) const APPROVAL_STATE: &str = "Awaiting Approval";

fn bot_id(bot: usize) -> String {
    format!("bot-{}", BOTS[bot].key)
}

/// Who asked the agents for the demo's pull requests, as the pull requests themselves say:
/// (item id, person id, signal). Devin writes "Requested by" in its description; Copilot's
/// commits carry the person as a co-author, except where the issue it fixes was assigned to it
/// (that assignment says who asked, and is read from the issue's changes).
pub(crate) fn requesters(g: &DemoGraph) -> Vec<(String, String, String)> {
    let (devin, copilot) = (bot_id(names::BOT_DEVIN), bot_id(names::BOT_COPILOT));
    let assigned_issue: std::collections::HashSet<&str> = g
        .links
        .iter()
        .filter(|l| l.kind == LinkKind::Implements && l.to_item_id.starts_with("gh:"))
        .map(|l| l.from_item_id.as_str())
        .collect();
    g.items
        .iter()
        .filter(|i| i.kind == ItemKind::PullRequest && i.provenance == Provenance::AiAgent)
        .filter_map(|i| {
            let owner = i.owner_id.clone()?;
            let author = i.author_id.as_deref()?;
            let signal = if author == devin {
                "pr_body"
            } else if author == copilot && !assigned_issue.contains(i.id.as_str()) {
                "co_author"
            } else {
                return None;
            };
            Some((i.id.clone(), owner, signal.to_owned()))
        })
        .collect()
}

/// Adds the cases (see the module) to a generated graph, keeping its invariants: changes in
/// time order per item, `updated_at` at the last change, current states from the last change.
pub(crate) fn add(g: &mut DemoGraph, seed: u64, end: i64) {
    let mut rng = Rng::stream(seed, 7);
    let (copilot, devin) = (bot_id(names::BOT_COPILOT), bot_id(names::BOT_DEVIN));
    let position: HashMap<String, usize> = g
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| (item.id.clone(), i))
        .collect();
    let mut last_change: Vec<i64> = g.items.iter().map(|i| i.created_at).collect();
    for t in &g.transitions {
        if let Some(&at) = position.get(&t.item_id) {
            last_change[at] = last_change[at].max(t.at);
        }
    }
    let mut extra: BTreeMap<usize, Vec<Transition>> = BTreeMap::new();

    // Agent pull requests still open whose owner left and that name nobody.
    for item in g.items.iter_mut() {
        let agent_pr = item.kind == ItemKind::PullRequest
            && item.provenance == Provenance::AiAgent
            && item
                .author_id
                .as_deref()
                .is_some_and(|a| a == copilot || a == devin)
            && item.flow_state != FlowState::Done
            && item.flow_state != FlowState::Canceled;
        if agent_pr && rng.chance(0.12) {
            item.owner_id = None;
        }
    }

    // The issue a Copilot pull request fixes was assigned to Copilot by the person who asked.
    let implements: HashMap<&str, &str> = g
        .links
        .iter()
        .filter(|l| l.kind == LinkKind::Implements && l.to_item_id.starts_with("gh:"))
        .map(|l| (l.from_item_id.as_str(), l.to_item_id.as_str()))
        .collect();
    for item in &g.items {
        if item.author_id.as_deref() != Some(copilot.as_str()) {
            continue;
        }
        let (Some(owner), Some(issue)) = (&item.owner_id, implements.get(item.id.as_str())) else {
            continue;
        };
        let Some(&at_issue) = position.get(*issue) else {
            continue;
        };
        let issue_created = g.items[at_issue].created_at;
        let at = (item.created_at - 20 * MINUTE).max(issue_created);
        extra.entry(at_issue).or_default().push(Transition {
            item_id: (*issue).to_owned(),
            event_id: format!("assign-{}", item.id),
            kind: TransitionKind::Assignee,
            from_state: None,
            to_state: BOTS[names::BOT_COPILOT].login.to_owned(),
            at,
            actor_id: Some(owner.clone()),
        });
    }

    // Open agent pull requests approved only by the person who asked for them (the owner of
    // an agent's pull request is who asked: the requester or the assigner above).
    for (at_item, item) in g.items.iter().enumerate() {
        let open = item.kind == ItemKind::PullRequest
            && item.provenance == Provenance::AiAgent
            && item.flow_state == FlowState::Waiting
            && item
                .author_id
                .as_deref()
                .is_some_and(|a| a == copilot || a == devin);
        let Some(asker) = &item.owner_id else {
            continue;
        };
        let at = last_change[at_item] + 2 * HOUR + rng.between(0, 20) * HOUR;
        if open && at < end && rng.chance(0.3) {
            extra.entry(at_item).or_default().push(Transition {
                item_id: item.id.clone(),
                event_id: format!("self-approve-{}", item.id),
                kind: TransitionKind::Review,
                from_state: None,
                to_state: "approved".into(),
                at,
                actor_id: Some(asker.clone()),
            });
        }
    }

    // A few Jira items parked in a state the workflow map does not know.
    let mut parked = 0;
    for (at_item, item) in g.items.iter().enumerate() {
        if parked >= 6 + g.items.len() / 2_000 {
            break;
        }
        let candidate = item.source_id == super::generate::SRC_JIRA
            && item.flow_state == FlowState::New
            && last_change[at_item] < end - 10 * DAY
            && item.created_at > end - 120 * DAY;
        if !candidate || !rng.chance(0.2) {
            continue;
        }
        let at = last_change[at_item] + DAY + rng.between(0, 5) * DAY;
        extra.entry(at_item).or_default().push(Transition {
            item_id: item.id.clone(),
            event_id: format!("park-{}", item.id),
            kind: TransitionKind::State,
            from_state: Some(item.raw_state.clone()),
            to_state: UNMAPPED_STATE.into(),
            at,
            actor_id: item.owner_id.clone().or_else(|| item.author_id.clone()),
        });
        parked += 1;
    }

    // A few Jira items committed to that stopped to wait for a product decision or for an
    // approval (every other one).
    let mut stopped = 0;
    for (at_item, item) in g.items.iter().enumerate() {
        if stopped >= 8 + g.items.len() / 500 {
            break;
        }
        let candidate = item.source_id == super::generate::SRC_JIRA
            && (item.flow_state == FlowState::Active
                || (item.flow_state == FlowState::Waiting
                    && item.wait_reason == Some(WaitReason::Queue)))
            && !extra.contains_key(&at_item)
            && last_change[at_item] < end - 3 * DAY;
        if !candidate || !rng.chance(0.5) {
            continue;
        }
        let state = if stopped % 2 == 0 {
            DECISION_STATE
        } else {
            APPROVAL_STATE
        };
        let latest = (end - 2 * DAY).min(last_change[at_item] + 20 * DAY);
        let at = rng.between(
            last_change[at_item] + HOUR,
            latest.max(last_change[at_item] + 2 * HOUR),
        );
        extra.entry(at_item).or_default().push(Transition {
            item_id: item.id.clone(),
            event_id: format!("await-{}", item.id),
            kind: TransitionKind::State,
            from_state: Some(item.raw_state.clone()),
            to_state: state.into(),
            at,
            actor_id: item.owner_id.clone().or_else(|| item.author_id.clone()),
        });
        stopped += 1;
    }

    // A few Jira items that another team's open work blocks (committed or started) stop to wait
    // for that team; the two that stopped moving longest ago, a month ago or as soon after as
    // they could, long enough to break the default ten-working-day limit.
    let team_of: HashMap<&str, Option<&str>> = g
        .items
        .iter()
        .map(|i| (i.id.as_str(), i.team_id.as_deref()))
        .collect();
    let open = |id: &str| {
        position.get(id).is_some_and(|&at| {
            !matches!(
                g.items[at].flow_state,
                FlowState::Done | FlowState::Canceled
            )
        })
    };
    let blocked_by_other_team: std::collections::HashSet<&str> = g
        .links
        .iter()
        .filter(|l| l.kind == LinkKind::Blocks && l.removed_at.is_none())
        .filter(|l| open(&l.from_item_id) && open(&l.to_item_id))
        .filter(|l| {
            let (a, b) = (
                team_of.get(l.from_item_id.as_str()).copied().flatten(),
                team_of.get(l.to_item_id.as_str()).copied().flatten(),
            );
            a.is_some() && b.is_some() && a != b
        })
        .map(|l| l.to_item_id.as_str())
        .collect();
    let mut candidates: Vec<usize> = g
        .items
        .iter()
        .enumerate()
        .filter(|(at_item, item)| {
            item.source_id == super::generate::SRC_JIRA
                && blocked_by_other_team.contains(item.id.as_str())
                && (item.flow_state == FlowState::Active
                    || item.flow_state == FlowState::New
                    || (item.flow_state == FlowState::Waiting
                        && item.wait_reason == Some(WaitReason::Queue)))
                && !extra.contains_key(at_item)
                && last_change[*at_item] < end - 3 * DAY
        })
        .map(|(at_item, _)| at_item)
        .collect();
    // The ones that stopped moving longest ago first.
    candidates.sort_by_key(|&at_item| (last_change[at_item], at_item));
    for (k, at_item) in candidates
        .into_iter()
        .take(3 + g.items.len() / 1_000)
        .enumerate()
    {
        let item = &g.items[at_item];
        let earliest = last_change[at_item] + HOUR;
        let at = if k < 2 {
            // As early as a month ago: over the limit in any working calendar when it could
            // stop that early.
            earliest.max(end - 30 * DAY)
        } else {
            rng.between(earliest, (end - 2 * DAY).max(earliest + HOUR))
        };
        extra.entry(at_item).or_default().push(Transition {
            item_id: item.id.clone(),
            event_id: format!("wait-other-team-{}", item.id),
            kind: TransitionKind::State,
            from_state: Some(item.raw_state.clone()),
            to_state: DEPENDENCY_STATE.into(),
            at,
            actor_id: item.owner_id.clone().or_else(|| item.author_id.clone()),
        });
    }

    // One team starts more than it can finish: over the last two weeks it pulls backlog items
    // into progress until it has more in progress than the default WIP limit allows.
    let active_now = |team: &str| {
        g.items
            .iter()
            .filter(|i| i.team_id.as_deref() == Some(team) && i.flow_state == FlowState::Active)
            .count()
    };
    let startable = |at_item: usize, item: &crate::graph::model::WorkItem| {
        matches!(
            item.source_id.as_str(),
            super::generate::SRC_JIRA | super::generate::SRC_LINEAR
        ) && item.kind != ItemKind::PullRequest
            && item.flow_state == FlowState::New
            && item.raw_state != UNMAPPED_STATE
            && !extra.contains_key(&at_item)
            && last_change[at_item] < end - 2 * DAY
    };
    let mut backlog: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (at_item, item) in g.items.iter().enumerate() {
        if let Some(team) = item.team_id.as_deref() {
            if startable(at_item, item) {
                backlog.entry(team).or_default().push(at_item);
            }
        }
    }
    let overloaded = backlog
        .iter()
        .map(|(team, items)| (items.len() + active_now(team), *team))
        .max()
        .map(|(_, team)| team.to_owned());
    if let Some(team) = overloaded {
        let needed = (WIP_LIMIT + 3).saturating_sub(active_now(&team));
        let chosen: Vec<usize> = backlog
            .get(team.as_str())
            .map(|items| items.iter().rev().take(needed).copied().collect())
            .unwrap_or_default();
        for at_item in chosen {
            let item = &g.items[at_item];
            let earliest = (last_change[at_item] + HOUR).max(end - 14 * DAY);
            let at = rng.between(earliest, (end - DAY).max(earliest + HOUR));
            extra.entry(at_item).or_default().push(Transition {
                item_id: item.id.clone(),
                event_id: format!("start-{}", item.id),
                kind: TransitionKind::State,
                from_state: Some(item.raw_state.clone()),
                to_state: STARTED_STATE.into(),
                at,
                actor_id: item.owner_id.clone().or_else(|| item.author_id.clone()),
            });
        }
    }

    // Apply: current state and update time follow the last change.
    for (&at_item, changes) in &extra {
        let item = &mut g.items[at_item];
        for t in changes {
            if t.kind == TransitionKind::State && t.at >= last_change[at_item] {
                item.raw_state = t.to_state.clone();
                if t.to_state == DECISION_STATE {
                    item.flow_state = FlowState::Waiting;
                    item.wait_reason = Some(WaitReason::Decision);
                } else if t.to_state == APPROVAL_STATE {
                    item.flow_state = FlowState::Waiting;
                    item.wait_reason = Some(WaitReason::Approval);
                } else if t.to_state == DEPENDENCY_STATE {
                    item.flow_state = FlowState::Waiting;
                    item.wait_reason = Some(WaitReason::Dependency);
                } else if t.to_state == STARTED_STATE {
                    item.flow_state = FlowState::Active;
                    item.wait_reason = None;
                    item.started_at = item.started_at.or(Some(t.at));
                } else {
                    item.flow_state = FlowState::New;
                    item.wait_reason = None;
                }
            }
            item.updated_at = item.updated_at.max(t.at);
        }
    }
    merge_in_time_order(g, extra);
}

/// Inserts each item's extra changes among its own, in time order (an item's changes are one
/// run in `g.transitions`; equal times keep the original first).
fn merge_in_time_order(g: &mut DemoGraph, mut extra: BTreeMap<usize, Vec<Transition>>) {
    let mut by_item: HashMap<String, Vec<Transition>> = HashMap::new();
    for (at_item, mut list) in std::mem::take(&mut extra) {
        list.sort_by_key(|t| t.at);
        by_item.insert(g.items[at_item].id.clone(), list);
    }
    let old = std::mem::take(&mut g.transitions);
    let mut out = Vec::with_capacity(old.len() + by_item.values().map(Vec::len).sum::<usize>());
    let mut run: Vec<Transition> = Vec::new();
    let flush = |run: &mut Vec<Transition>,
                 out: &mut Vec<Transition>,
                 by_item: &mut HashMap<String, Vec<Transition>>| {
        let Some(first) = run.first() else { return };
        let mut extras = by_item
            .remove(&first.item_id)
            .unwrap_or_default()
            .into_iter()
            .peekable();
        for t in run.drain(..) {
            while extras.peek().is_some_and(|e| e.at < t.at) {
                out.extend(extras.next());
            }
            out.push(t);
        }
        out.extend(extras);
    };
    for t in old {
        if run.first().is_some_and(|f| f.item_id != t.item_id) {
            flush(&mut run, &mut out, &mut by_item);
        }
        run.push(t);
    }
    flush(&mut run, &mut out, &mut by_item);
    // Items without changes of their own (none in the demo) get theirs at the end.
    let mut rest: Vec<Transition> = by_item.into_values().flatten().collect();
    rest.sort_by(|a, b| a.item_id.cmp(&b.item_id).then(a.at.cmp(&b.at)));
    out.extend(rest);
    g.transitions = out;
}

/// A question the demo asks: (kind, question, context, answer when answered).
type Question = (
    ApprovalKind,
    &'static str,
    &'static str,
    Option<(AnswerOutcome, &'static str)>,
);

/// The demo's questions asked in Baton.
const QUESTIONS: &[Question] = &[
    (
        ApprovalKind::Decision,
        "Ship the new checkout without the fraud-score migration?",
        "The migration needs a maintenance window we do not have before the release.",
        None,
    ),
    (
        ApprovalKind::Approval,
        "Approve the production release of the public API v3",
        "Load tests passed; two partners asked for it by the end of the month.",
        None,
    ),
    (
        ApprovalKind::Decision,
        "Which message broker do the teams standardise on?",
        "Three teams are about to build consumers; each picked a different one.",
        None,
    ),
    (
        ApprovalKind::Approval,
        "Exception to the code freeze for the login fix",
        "Customers on older phones cannot sign in.",
        None,
    ),
    (
        ApprovalKind::Decision,
        "Keep the legacy CSV export in the next release?",
        "Eleven customers still use it every week.",
        None,
    ),
    (
        ApprovalKind::Approval,
        "Grant the analytics agent read access to the data warehouse",
        "The agent's pull requests need production-like data to test against.",
        None,
    ),
    (
        ApprovalKind::Decision,
        "Retire the v1 webhooks this quarter?",
        "Support for v1 costs a day a week.",
        Some((
            AnswerOutcome::Decided,
            "Yes: announce now, switch off at the end of next quarter",
        )),
    ),
    (
        ApprovalKind::Approval,
        "Approve the new on-call rota",
        "",
        Some((AnswerOutcome::Approved, "")),
    ),
    (
        ApprovalKind::Decision,
        "Build or buy the feature-flag service?",
        "Two vendors quoted; the platform team estimates six weeks to build.",
        Some((
            AnswerOutcome::Decided,
            "Buy: the cheaper vendor, for one year",
        )),
    ),
    (
        ApprovalKind::Approval,
        "Approve storing session replays for 90 days",
        "Privacy review pending.",
        Some((
            AnswerOutcome::Rejected,
            "30 days at most, and only with consent",
        )),
    ),
];

/// Questions asked in Baton that items wait on, each asked of a person in another team (the
/// owner of the intent it is about when it has one) or of a team, some past their due date and
/// some answered: the Decisions page's pending list and log.
pub(crate) fn approvals(g: &DemoGraph, seed: u64, end: i64) -> Vec<DecisionRow> {
    let mut rng = Rng::stream(seed, 8);
    let humans: Vec<&crate::graph::model::Person> = g
        .people
        .iter()
        .filter(|p| !p.is_bot && p.team_id.is_some())
        .collect();
    let mut rows = Vec::new();
    if g.teams.is_empty() || humans.is_empty() {
        return rows;
    }
    for (n, (kind, question, why, answer)) in QUESTIONS.iter().enumerate() {
        let team = &g.teams[n % g.teams.len()];
        let open: Vec<&crate::graph::model::WorkItem> = g
            .items
            .iter()
            .filter(|i| i.team_id.as_deref() == Some(team.id.as_str()))
            .filter(|i| matches!(i.flow_state, FlowState::Waiting | FlowState::Active))
            .filter(|i| i.kind != ItemKind::PullRequest)
            .collect();
        if open.is_empty() {
            continue;
        }
        let first = rng.below(open.len());
        let count = 1 + rng.below(3);
        let waiting: Vec<String> = (0..count)
            .map(|k| open[(first + k * 7) % open.len()].id.clone())
            .fold(Vec::new(), |mut acc, id| {
                if !acc.contains(&id) {
                    acc.push(id);
                }
                acc
            });
        let intent = open[first].intent_id.clone();
        let intent_owner = intent
            .as_ref()
            .and_then(|id| g.intents.iter().find(|x| &x.id == id))
            .and_then(|x| x.owner_id.as_ref())
            .and_then(|o| humans.iter().find(|p| &p.id == o));
        let decider = if n % 4 == 3 {
            let other = &g.teams[(n + 3) % g.teams.len()];
            Decider {
                kind: DeciderKind::Team,
                id: Some(other.id.clone()),
                name: other.name.clone(),
            }
        } else {
            let person = intent_owner.copied().unwrap_or_else(|| {
                let others: Vec<&&crate::graph::model::Person> = humans
                    .iter()
                    .filter(|p| p.team_id.as_deref() != Some(team.id.as_str()))
                    .collect();
                if others.is_empty() {
                    humans[n % humans.len()]
                } else {
                    others[rng.below(others.len())]
                }
            });
            Decider {
                kind: DeciderKind::Person,
                id: Some(person.id.clone()),
                name: person.display_name.clone(),
            }
        };
        let asker = humans
            .iter()
            .find(|p| p.team_id.as_deref() == Some(team.id.as_str()))
            .map_or("A lead", |p| p.display_name.as_str());
        let at = end - (2 + rng.below(25) as i64) * DAY - rng.between(0, 8) * HOUR;
        // Every third has no due date of its own (the decision policy's deadline applies).
        let due = (n % 3 != 2).then(|| at + (3 + rng.below(12) as i64) * DAY);
        let id = format!("dec-demo-ask-{n:02}");
        let request = approvals::demo_request(DemoAsk {
            id: &id,
            kind: *kind,
            question,
            decider: decider.clone(),
            waiting,
            team: Some(team.id.clone()),
            intent,
            due,
            actor: asker,
            why,
            at,
        });
        // A team answers through one of its people.
        let by = match decider.kind {
            DeciderKind::Person => decider.name.clone(),
            DeciderKind::Team => humans
                .iter()
                .find(|p| p.team_id == decider.id)
                .map_or_else(|| decider.name.clone(), |p| p.display_name.clone()),
        };
        let answered = answer.map(|(outcome, text)| {
            let when = (at + (1 + rng.below(6) as i64) * DAY).min(end - HOUR);
            approvals::demo_answer(
                &format!("dec-demo-answer-{n:02}"),
                &request,
                outcome,
                text,
                &by,
                when,
            )
        });
        rows.push(request);
        rows.extend(answered);
    }
    rows
}
