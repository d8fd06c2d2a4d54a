//! Linear records → work graph rows. Pure functions: no I/O.
//!
//! - Issue → item `lin:<host>/<issue id>` (Linear's UUID, so an issue that moves to another
//!   team, ENG-12 → OPS-7, stays one item); its identifiers, old and new, name it
//!   (`lin:<host>/ENG-12`). Kind from its labels (bug → defect, feature → feature, ...); raw
//!   state = its workflow state's name; owner = assignee (the person responsible), author =
//!   creator; started, done and canceled times from `startedAt`, `completedAt`, `canceledAt`;
//!   estimate = `estimate` (points).
//! - A state's meaning comes from its type (`triage`, `backlog`, `unstarted` → not started;
//!   `started` → in progress; `completed` → done; `canceled` → canceled), which its name may
//!   refine inside the type like a Jira category ("In Review" of type `started` waits for
//!   review) but never overrule ([`crate::flow::mapping::infer`]). A state name that teams use
//!   with different types is mapped per team (scope = the team key).
//! - History entries (`IssueHistory`) → transitions keyed `<history id>:<field>`: state,
//!   assignee (by user id), estimate, project, cycle, and one per label added or removed.
//! - `relations` and `inverseRelations` → one edge per relation whichever side lists it:
//!   `blocks` → blocks, `duplicate` → duplicates, `related` / `similar` → relates (stored from the
//!   smaller id). `parent` → a parent link (from the parent).
//! - Projects and initiatives → intents (a project's first initiative is its parent); an issue
//!   serves its project.
//! - Delegation: an issue delegated to an agent (`delegate`, an app user) is AI-made work; the
//!   agent is its provenance agent, the assignee stays its owner (the person responsible), and
//!   who asked is the person who delegated it (its history), else the assignee, else the
//!   creator.

use std::collections::{HashMap, HashSet};

use crate::connectors::{end_of_day, parse_time, StateMeanings};
use crate::graph::model::{
    FlowState, IntentKind, IntentRuleField, ItemFacet, ItemKind, Link, LinkKind, LinkOrigin,
    Provenance, RequesterSignal, SourceIntentLink, SourcedIntent, Transition, TransitionKind,
    WorkItem,
};
use crate::graph::repo::links::{LinkSet, Side};
use crate::ingest::write::{PageWrite, RequesterFact, SeenPerson};
use crate::rules::eval::{ProvenanceFacts, ProvenanceVerdict, Rules};

use super::model::{History, Initiative, Issue, Project, Relation, State, Team, User};

/// Where a Linear link was found (`links.found_in`).
pub const FOUND_IN_RELATIONS: &str = "issue relations";
pub const FOUND_IN_PARENT: &str = "parent issue";

/// The confidence of provenance read from a delegation to an agent.
pub const DELEGATION_CONFIDENCE: f64 = 0.95;

/// The item id of an issue: `lin:<namespace>/<Linear's issue id>`.
pub fn item_id(ns: &str, issue_id: &str) -> String {
    format!("lin:{ns}/{issue_id}")
}

/// How an identifier names an issue: `lin:<namespace>/<ENG-12>`.
pub fn key_ref(ns: &str, identifier: &str) -> String {
    format!("lin:{ns}/{identifier}")
}

/// The intent id of a project.
pub fn project_intent_id(ns: &str, project_id: &str) -> String {
    format!("lin:{ns}/project/{project_id}")
}

/// The intent id of an initiative.
pub fn initiative_intent_id(ns: &str, initiative_id: &str) -> String {
    format!("lin:{ns}/initiative/{initiative_id}")
}

/// What the teams' workflow states say: each state's type, by id and by name, and the names
/// teams use with different types (mapped per team).
#[derive(Debug, Clone, Default)]
pub struct Workflow {
    by_id: HashMap<String, String>,
    by_name: HashMap<String, String>,
    ambiguous: HashSet<String>,
}

impl Workflow {
    /// From the teams' states.
    pub fn new(teams: &[Team]) -> Workflow {
        let mut by_id = HashMap::new();
        let mut types: HashMap<&str, HashSet<&str>> = HashMap::new();
        for state in teams.iter().flat_map(|t| &t.states.nodes) {
            if state.kind.is_empty() {
                continue;
            }
            if let Some(id) = &state.id {
                by_id.insert(id.clone(), state.kind.clone());
            }
            types
                .entry(state.name.as_str())
                .or_default()
                .insert(state.kind.as_str());
        }
        let mut by_name = HashMap::new();
        let mut ambiguous = HashSet::new();
        for (name, set) in types {
            if set.len() > 1 {
                ambiguous.insert(name.to_owned());
            } else if let Some(kind) = set.into_iter().next() {
                by_name.insert(name.to_owned(), kind.to_owned());
            }
        }
        Workflow {
            by_id,
            by_name,
            ambiguous,
        }
    }

    /// The type of a state: as the record says, else by its id, else by its name when the
    /// name is not ambiguous.
    pub fn kind_of<'a>(&'a self, state: &'a State) -> Option<&'a str> {
        Some(state.kind.as_str())
            .filter(|k| !k.is_empty())
            .or_else(|| {
                state
                    .id
                    .as_ref()
                    .and_then(|id| self.by_id.get(id))
                    .map(String::as_str)
            })
            .or_else(|| self.by_name.get(&state.name).map(String::as_str))
    }

    /// Where a state name is mapped for an issue of `team`: the team when teams use the name
    /// with different types, else every team ('').
    pub fn scope<'a>(&self, name: &str, team: &'a str) -> &'a str {
        if self.ambiguous.contains(name) {
            team
        } else {
            ""
        }
    }

    /// Whether teams use `name` with different types.
    pub fn is_ambiguous(&self, name: &str) -> bool {
        self.ambiguous.contains(name)
    }
}

/// Seeds the mapping with every team's states (names teams share with different types are
/// mapped per team, as issues meet them).
pub fn seed_states(states: &mut StateMeanings, workflow: &Workflow, teams: &[Team]) {
    for team in teams {
        for state in &team.states.nodes {
            if state.name.is_empty() {
                continue;
            }
            let scope = workflow.scope(&state.name, &team.key);
            states.resolve_in(scope, &state.name, workflow.kind_of(state));
        }
    }
}

/// What mapping needs besides the record.
pub struct MapCtx<'a> {
    pub source_id: &'a str,
    /// The namespace of ids (the API's host).
    pub ns: &'a str,
    pub rules: &'a Rules,
    pub states: &'a mut StateMeanings,
    pub workflow: &'a Workflow,
}

/// The kind of an issue, from its labels: the first label that names a kind other than a task.
pub fn kind_for(labels: &[String]) -> ItemKind {
    labels
        .iter()
        .map(|l| crate::connectors::jira::map::kind_for(l))
        .find(|k| *k != ItemKind::Task)
        .unwrap_or(ItemKind::Task)
}

fn person(page: &mut PageWrite, source_id: &str, user: &User) -> String {
    page.person(
        source_id,
        SeenPerson {
            login: user.id.clone(),
            display_name: user.shown(),
            is_bot: user.is_app(),
            email: user.email.clone().filter(|e| !e.trim().is_empty()),
        },
    )
}

/// What the rules say of an issue: its team (by team key or label) and who made it (by its
/// creator's handle, its description's co-author trailers and markers, its labels), then its
/// delegation: an issue delegated to an agent is AI-made work by that agent. Mapping and
/// re-deriving after a rule change (`sync::rederive`) both use it, so they cannot disagree.
pub fn rule_verdicts(rules: &Rules, issue: &Issue) -> (Option<String>, ProvenanceVerdict) {
    let labels: Vec<String> = issue.labels.nodes.iter().map(|l| l.name.clone()).collect();
    let creator = issue.creator.as_ref();
    let mut verdict = rules.provenance(&ProvenanceFacts {
        author: creator.map(|u| u.display_name.as_deref().unwrap_or(u.id.as_str())),
        author_is_bot: creator.is_some_and(User::is_app),
        body: issue.description.as_deref(),
        labels: &labels,
    });
    if let Some(agent) = &issue.delegate {
        let rule_says_agent = verdict.provenance == Provenance::AiAgent && verdict.agent.is_some();
        if !rule_says_agent {
            verdict = ProvenanceVerdict {
                provenance: Provenance::AiAgent,
                agent: Some(agent.shown()),
                confidence: DELEGATION_CONFIDENCE.max(
                    if verdict.provenance == Provenance::AiAgent {
                        verdict.confidence
                    } else {
                        0.0
                    },
                ),
            };
        }
    }
    let team = issue.team_key();
    let mut facts: Vec<(&str, &str)> = vec![("project", team.as_str())];
    facts.extend(labels.iter().map(|l| ("label", l.as_str())));
    (rules.team_for(&facts), verdict)
}

/// Histories in time order (ties by id), without repeats: the order their transitions are
/// stored in.
pub fn ordered(mut histories: Vec<History>) -> Vec<History> {
    histories.sort_by(|a, b| {
        (parse_time(&a.created_at).unwrap_or(0), &a.id)
            .cmp(&(parse_time(&b.created_at).unwrap_or(0), &b.id))
    });
    histories.dedup_by(|a, b| a.id == b.id);
    histories
}

/// A number as a transition shows it (`3`, `0.5`), empty when none.
fn number(n: Option<f64>) -> String {
    match n {
        Some(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", n as i64),
        Some(n) => n.to_string(),
        None => String::new(),
    }
}

/// An issue's description as plain text (Linear's Markdown, read as text; none is empty).
pub fn description_text(description: Option<&str>) -> &str {
    description.unwrap_or("")
}

/// Maps an issue (its history, relations and inverse relations complete) to an item, with its
/// transitions, links, keys, people, requester and intent facts on `page`.
pub fn map_issue(page: &mut PageWrite, ctx: &mut MapCtx<'_>, issue: &Issue) -> Option<WorkItem> {
    let created = parse_time(&issue.created_at)?;
    let updated = parse_time(&issue.updated_at).unwrap_or(created);
    let id = item_id(ctx.ns, &issue.id);
    page.descriptions.push((
        id.clone(),
        description_text(issue.description.as_deref()).to_owned(),
    ));
    let team = issue.team_key();
    let state = issue.state.clone().unwrap_or_default();
    let raw_state = state.name.clone();
    let (flow, reason) = if raw_state.is_empty() {
        (FlowState::New, None)
    } else {
        let scope = ctx.workflow.scope(&raw_state, &team);
        let kind = ctx.workflow.kind_of(&state).map(str::to_owned);
        ctx.states.flow_in(scope, &raw_state, kind.as_deref())
    };

    // History → transitions.
    let histories = ordered(issue.history.nodes.clone());
    let mut delegated_by: Option<String> = None;
    for h in &histories {
        let Some(at) = parse_time(&h.created_at) else {
            continue;
        };
        let actor = h.actor.as_ref().map(|u| person(page, ctx.source_id, u));
        let mut changes: Vec<Transition> = Vec::new();
        let mut push = |kind: TransitionKind, from: Option<String>, to: String, field: &str| {
            changes.push(Transition {
                item_id: id.clone(),
                event_id: format!("{}:{field}", h.id),
                kind,
                from_state: from,
                to_state: to,
                at,
                actor_id: actor.clone(),
            });
        };
        if let Some(to) = h.to_state.as_ref().filter(|s| !s.name.is_empty()) {
            for s in [Some(to), h.from_state.as_ref()].into_iter().flatten() {
                if s.name.is_empty() {
                    continue;
                }
                let scope = ctx.workflow.scope(&s.name, &team).to_owned();
                let kind = ctx.workflow.kind_of(s).map(str::to_owned);
                ctx.states.resolve_in(&scope, &s.name, kind.as_deref());
            }
            push(
                TransitionKind::State,
                h.from_state
                    .as_ref()
                    .map(|s| s.name.clone())
                    .filter(|n| !n.is_empty()),
                to.name.clone(),
                "state",
            );
        }
        let from_assignee = h
            .from_assignee
            .as_ref()
            .map(|u| u.id.clone())
            .or_else(|| h.from_assignee_id.clone());
        let to_assignee = h
            .to_assignee
            .as_ref()
            .map(|u| u.id.clone())
            .or_else(|| h.to_assignee_id.clone());
        if from_assignee != to_assignee {
            push(
                TransitionKind::Assignee,
                from_assignee,
                to_assignee.unwrap_or_default(),
                "assignee",
            );
        }
        if h.from_estimate != h.to_estimate {
            push(
                TransitionKind::Estimate,
                h.from_estimate.map(|n| number(Some(n))),
                number(h.to_estimate),
                "estimate",
            );
        }
        let project_of = |n: &Option<super::model::Named>, id: &Option<String>| {
            n.as_ref()
                .map(|p| p.shown("Project"))
                .or_else(|| id.clone())
        };
        let (from_project, to_project) = (
            project_of(&h.from_project, &h.from_project_id),
            project_of(&h.to_project, &h.to_project_id),
        );
        if from_project != to_project {
            push(
                TransitionKind::Project,
                from_project,
                to_project.unwrap_or_default(),
                "project",
            );
        }
        let cycle_of = |n: &Option<super::model::Named>, id: &Option<String>| {
            n.as_ref().map(|c| c.shown("Cycle")).or_else(|| id.clone())
        };
        let (from_cycle, to_cycle) = (
            cycle_of(&h.from_cycle, &h.from_cycle_id),
            cycle_of(&h.to_cycle, &h.to_cycle_id),
        );
        if from_cycle != to_cycle {
            push(
                TransitionKind::Cycle,
                from_cycle,
                to_cycle.unwrap_or_default(),
                "cycle",
            );
        }
        for label in h.added_labels.iter().flatten() {
            let tag = label.id.as_deref().unwrap_or(&label.name);
            push(
                TransitionKind::Label,
                None,
                label.name.clone(),
                &format!("label:+{tag}"),
            );
        }
        for label in h.removed_labels.iter().flatten() {
            let tag = label.id.as_deref().unwrap_or(&label.name);
            push(
                TransitionKind::Label,
                Some(label.name.clone()),
                String::new(),
                &format!("label:-{tag}"),
            );
        }
        page.transitions.extend(changes);
        if let Some(user) = &h.to_assignee {
            person(page, ctx.source_id, user);
        }
        // Who handed the issue to its agent: the last person who delegated it to the agent
        // it is delegated to now.
        if let (Some(to), Some(now)) = (&h.to_delegate, &issue.delegate) {
            if to.id == now.id {
                if let Some(actor) = h.actor.as_ref().filter(|a| !a.is_app()) {
                    delegated_by = Some(person(page, ctx.source_id, actor));
                }
            }
        }
    }

    // Keys: the identifier now, and the ones it had before it moved.
    let mut keys: Vec<String> = std::iter::once(issue.identifier.clone())
        .chain(issue.previous_identifiers.iter().cloned())
        .filter(|k| !k.is_empty())
        .map(|k| key_ref(ctx.ns, &k))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    page.keys.extend(keys.into_iter().map(|k| (k, id.clone())));

    let author_id = issue
        .creator
        .as_ref()
        .map(|u| person(page, ctx.source_id, u));
    let owner_id = issue
        .assignee
        .as_ref()
        .map(|u| person(page, ctx.source_id, u));
    if let Some(agent) = &issue.delegate {
        person(page, ctx.source_id, agent);
    }
    let (team_id, verdict) = rule_verdicts(ctx.rules, issue);

    // Who asked the agent: who delegated it, else the person responsible, else its creator.
    if verdict.provenance == Provenance::AiAgent && issue.delegate.is_some() {
        let asker = delegated_by
            .map(|p| (p, RequesterSignal::Assignment))
            .or_else(|| {
                issue
                    .assignee
                    .as_ref()
                    .filter(|u| !u.is_app())
                    .map(|u| (person(page, ctx.source_id, u), RequesterSignal::Assignment))
            })
            .or_else(|| {
                issue
                    .creator
                    .as_ref()
                    .filter(|u| !u.is_app())
                    .map(|u| (person(page, ctx.source_id, u), RequesterSignal::Author))
            });
        if let Some((person_id, signal)) = asker {
            page.requesters.push(RequesterFact {
                item_id: id.clone(),
                person_id,
                signal: signal.as_str(),
            });
        }
    }

    links(page, ctx.ns, &id, issue);
    intent_facts(page, &id, issue, &team);

    let labels: Vec<String> = issue.labels.nodes.iter().map(|l| l.name.clone()).collect();
    let finished = matches!(flow, FlowState::Done | FlowState::Canceled);
    let done_at = match flow {
        FlowState::Canceled => issue
            .canceled_at
            .as_deref()
            .or(issue.completed_at.as_deref()),
        _ => issue
            .completed_at
            .as_deref()
            .or(issue.canceled_at.as_deref()),
    }
    .and_then(parse_time);
    Some(WorkItem {
        id: id.clone(),
        source_id: ctx.source_id.to_owned(),
        external_id: issue.id.clone(),
        key: issue.identifier.clone(),
        url: issue.url.clone(),
        kind: kind_for(&labels),
        title: issue.title.clone(),
        team_id,
        owner_id,
        author_id,
        provenance: verdict.provenance,
        provenance_agent: verdict.agent,
        provenance_confidence: verdict.confidence,
        raw_state,
        flow_state: flow,
        wait_reason: reason,
        intent_id: None,
        priority: issue
            .priority_label
            .clone()
            .filter(|p| !p.is_empty() && issue.priority.unwrap_or(0.0) > 0.0),
        // Points on the team's estimate scale (Linear sends none when the team does not estimate).
        estimate: issue.estimate.filter(|e| e.is_finite() && *e >= 0.0),
        created_at: created,
        started_at: issue.started_at.as_deref().and_then(parse_time),
        done_at: if finished {
            done_at.or(Some(updated))
        } else {
            None
        },
        updated_at: updated,
    })
}

/// The edge a relation stands for, read from the issue that lists it (`inverse`: it is in
/// that issue's `inverseRelations`): (from, to, kind). Both sides of one relation give the
/// same edge.
pub fn relation_edge(
    ns: &str,
    this: &str,
    r: &Relation,
    inverse: bool,
) -> Option<(String, String, LinkKind)> {
    let other = if inverse {
        r.issue.as_ref()?
    } else {
        r.related_issue.as_ref()?
    };
    let other = item_id(ns, &other.id);
    let this = this.to_owned();
    // In `relations` this issue is the relation's subject ("this blocks other"); in
    // `inverseRelations` the other one is.
    let (subject, object) = if inverse {
        (other, this)
    } else {
        (this, other)
    };
    Some(match r.kind.as_str() {
        "blocks" => (subject, object, LinkKind::Blocks),
        "duplicate" => (subject, object, LinkKind::Duplicates),
        _ => {
            // Undirected (related, similar, and any type Linear adds): once, smaller id first.
            if subject <= object {
                (subject, object, LinkKind::Relates)
            } else {
                (object, subject, LinkKind::Relates)
            }
        }
    })
}

fn links(page: &mut PageWrite, ns: &str, id: &str, issue: &Issue) {
    let created = parse_time(&issue.created_at).unwrap_or(0);
    let mut keep = Vec::new();
    let listed = issue
        .relations
        .nodes
        .iter()
        .map(|r| (r, false))
        .chain(issue.inverse_relations.nodes.iter().map(|r| (r, true)));
    for (r, inverse) in listed {
        let Some((from, to, kind)) = relation_edge(ns, id, r, inverse) else {
            continue;
        };
        if keep.contains(&(from.clone(), to.clone(), kind)) {
            continue;
        }
        keep.push((from.clone(), to.clone(), kind));
        page.links.push(Link {
            from_item_id: from,
            to_item_id: to,
            kind,
            origin: LinkOrigin::Source,
            confidence: 1.0,
            created_at: r
                .created_at
                .as_deref()
                .and_then(parse_time)
                .unwrap_or(created),
            removed_at: None,
            found_in: Some(FOUND_IN_RELATIONS.to_owned()),
        });
    }
    page.link_sets.push(LinkSet {
        item_id: id.to_owned(),
        kinds: vec![LinkKind::Blocks, LinkKind::Duplicates, LinkKind::Relates],
        side: Side::Either,
        other_prefix: "lin:".into(),
        keep,
    });
    // The parent: only the child says which parent it has.
    let mut parents = Vec::new();
    if let Some(parent) = &issue.parent {
        let parent_id = item_id(ns, &parent.id);
        parents.push((parent_id.clone(), id.to_owned(), LinkKind::Parent));
        page.links.push(Link {
            from_item_id: parent_id,
            to_item_id: id.to_owned(),
            kind: LinkKind::Parent,
            origin: LinkOrigin::Source,
            confidence: 1.0,
            created_at: created,
            removed_at: None,
            found_in: Some(FOUND_IN_PARENT.to_owned()),
        });
    }
    page.link_sets.push(LinkSet {
        item_id: id.to_owned(),
        kinds: vec![LinkKind::Parent],
        side: Side::To,
        other_prefix: "lin:".into(),
        keep: parents,
    });
}

/// What an issue says about intents: it serves its project; its team key, labels and parent
/// are what intent rules match.
fn intent_facts(page: &mut PageWrite, id: &str, issue: &Issue, team: &str) {
    let facet = |field: IntentRuleField, value: &str| ItemFacet {
        item_id: id.to_owned(),
        field,
        value: value.to_owned(),
    };
    page.intent_facts_for.push(id.to_owned());
    if !team.is_empty() {
        page.facets.push(facet(IntentRuleField::Project, team));
    }
    for l in &issue.labels.nodes {
        page.facets.push(facet(IntentRuleField::Label, &l.name));
    }
    if let Some(identifier) = issue.parent.as_ref().and_then(|p| p.identifier.as_deref()) {
        page.facets.push(facet(IntentRuleField::Parent, identifier));
    }
    if let Some(project) = &issue.project {
        page.intent_links.push(SourceIntentLink {
            item_id: id.to_owned(),
            source_ref: project.id.clone(),
        });
    }
}

/// A Linear priority (0 none, 1 urgent ... 4 low) as an intent priority (1 is the highest).
fn priority_rank(p: Option<f64>) -> Option<i64> {
    match p {
        Some(p) if (1.0..=4.0).contains(&p) => Some(p as i64),
        _ => None,
    }
}

/// An initiative as an intent (a goal; its parent initiative is its parent).
pub fn initiative_intent(
    page: &mut PageWrite,
    source_id: &str,
    ns: &str,
    i: &Initiative,
) -> Option<SourcedIntent> {
    let created = parse_time(&i.created_at)?;
    let owner_id = i.owner.as_ref().map(|u| person(page, source_id, u));
    Some(SourcedIntent {
        id: initiative_intent_id(ns, &i.id),
        external_id: i.id.clone(),
        key: i.slug_id.clone().unwrap_or_else(|| i.name.clone()),
        parent: i.parent_initiative.as_ref().map(|p| p.id.clone()),
        kind: IntentKind::Goal,
        title: i.name.clone(),
        description: i.description.clone().unwrap_or_default(),
        url: i.url.clone(),
        owner_id,
        target_at: end_of_day(i.target_date.as_deref()),
        priority: priority_rank(i.priority),
        created_at: created,
    })
}

/// A project as an intent (an initiative in Baton's tree; its first Linear initiative is its
/// parent).
pub fn project_intent(
    page: &mut PageWrite,
    source_id: &str,
    ns: &str,
    p: &Project,
) -> Option<SourcedIntent> {
    let created = parse_time(&p.created_at)?;
    let owner_id = p.lead.as_ref().map(|u| person(page, source_id, u));
    Some(SourcedIntent {
        id: project_intent_id(ns, &p.id),
        external_id: p.id.clone(),
        key: p.slug_id.clone().unwrap_or_else(|| p.name.clone()),
        parent: p.initiatives.nodes.first().map(|i| i.id.clone()),
        kind: IntentKind::Initiative,
        title: p.name.clone(),
        description: p.description.clone().unwrap_or_default(),
        url: p.url.clone(),
        owner_id,
        target_at: end_of_day(p.target_date.as_deref()),
        priority: priority_rank(p.priority),
        created_at: created,
    })
}

#[cfg(test)]
mod tests {
    use super::super::model::{Connection, IssueRef, TeamRef};
    use super::*;

    fn relation(kind: &str, issue: &str, related: &str) -> Relation {
        Relation {
            id: "r1".into(),
            kind: kind.into(),
            issue: Some(IssueRef {
                id: issue.into(),
                identifier: None,
            }),
            related_issue: Some(IssueRef {
                id: related.into(),
                identifier: None,
            }),
            created_at: None,
        }
    }

    #[test]
    fn a_relation_is_one_edge_from_both_sides() {
        let ns = "api.linear.app";
        for (kind, expected) in [
            ("blocks", LinkKind::Blocks),
            ("duplicate", LinkKind::Duplicates),
            ("related", LinkKind::Relates),
            ("similar", LinkKind::Relates),
        ] {
            // "a blocks b": a lists it in relations, b in inverseRelations.
            let r = relation(kind, "b-uuid", "a-uuid");
            let r = Relation {
                issue: r.related_issue.clone(),
                related_issue: r.issue.clone(),
                ..r
            };
            let from_a = relation_edge(ns, &item_id(ns, "a-uuid"), &r, false);
            let from_b = relation_edge(ns, &item_id(ns, "b-uuid"), &r, true);
            assert_eq!(from_a, from_b, "{kind}: both sides give one edge");
            assert_eq!(from_a.map(|e| e.2), Some(expected));
        }
        let e = relation_edge(ns, &item_id(ns, "a"), &relation("blocks", "a", "b"), false);
        assert_eq!(
            e,
            Some((item_id(ns, "a"), item_id(ns, "b"), LinkKind::Blocks)),
            "the issue listing it in `relations` is the one that blocks"
        );
    }

    #[test]
    fn state_types_bound_what_names_say() {
        use crate::flow::mapping::infer;
        use crate::graph::model::WaitReason;
        assert_eq!(
            infer("In Review", Some("started")),
            Some((FlowState::Waiting, Some(WaitReason::Review))),
            "a name refines inside its type"
        );
        assert_eq!(
            infer("Todo", Some("unstarted")),
            Some((FlowState::New, None))
        );
        assert_eq!(
            infer("Triage", Some("triage")),
            Some((FlowState::New, None))
        );
        assert_eq!(
            infer("Shipped", Some("completed")),
            Some((FlowState::Done, None))
        );
        assert_eq!(
            infer("Duplicate", Some("canceled")),
            Some((FlowState::Canceled, None))
        );
        assert_eq!(
            infer("Done", Some("canceled")),
            Some((FlowState::Canceled, None)),
            "a name never overrules its type"
        );
        assert_eq!(
            infer("Released", Some("started")),
            Some((FlowState::Active, None)),
            "a done-sounding name inside `started` stays in progress"
        );
    }

    #[test]
    fn state_names_with_different_types_are_mapped_per_team() {
        let state = |name: &str, kind: &str| State {
            id: Some(format!("{name}-{kind}")),
            name: name.into(),
            kind: kind.into(),
            position: None,
        };
        let team = |key: &str, states: Vec<State>| Team {
            id: key.into(),
            key: key.into(),
            name: key.into(),
            states: Connection {
                nodes: states,
                ..Connection::default()
            },
        };
        let wf = Workflow::new(&[
            team(
                "ENG",
                vec![state("Review", "started"), state("Todo", "unstarted")],
            ),
            team(
                "OPS",
                vec![state("Review", "completed"), state("Todo", "unstarted")],
            ),
        ]);
        assert!(wf.is_ambiguous("Review"));
        assert_eq!(wf.scope("Review", "OPS"), "OPS");
        assert_eq!(wf.scope("Todo", "OPS"), "");
        let named = State {
            id: None,
            name: "Todo".into(),
            kind: String::new(),
            position: None,
        };
        assert_eq!(wf.kind_of(&named), Some("unstarted"));
    }

    #[test]
    fn delegation_to_an_agent_is_ai_made_work() {
        let issue = Issue {
            id: "i".into(),
            identifier: "ENG-1".into(),
            created_at: "2026-01-01T00:00:00Z".into(),
            team: Some(TeamRef {
                id: None,
                key: "ENG".into(),
            }),
            delegate: Some(User {
                id: "agent".into(),
                name: Some("Cursor".into()),
                app: Some(true),
                ..User::default()
            }),
            ..Issue::default()
        };
        let (_, v) = rule_verdicts(&Rules::default(), &issue);
        assert_eq!(v.provenance, Provenance::AiAgent);
        assert_eq!(v.agent.as_deref(), Some("Cursor"));
        let plain = Issue {
            delegate: None,
            ..issue
        };
        assert_eq!(
            rule_verdicts(&Rules::default(), &plain).1.provenance,
            Provenance::Human
        );
    }
}
