//! The demo's Linear issues arrive the way Linear's GraphQL API sends them. The simulation
//! decides what happens to each issue (its steps through the team's workflow, who works on it,
//! its links); this module writes that as the nodes the Linear connector receives — each team
//! with its workflow states and their types (`backlog`, `unstarted`, `started`, `completed`,
//! `canceled`), each issue with its state, creator, assignee, labels (its kind), priority, the
//! agent it is delegated to (AI-made work), its history (state changes, the assignment when work
//! starts, the delegation), its relations (`blocks`, `related`, `duplicate`) and its parent — and
//! passes them through [`map::map_issue`], the function a real sync maps them with. The demo's
//! Linear items (kind, raw state and meaning, owner, author, provenance, dates, priority), their
//! state history and their links are what that mapping gives, and the meanings of the Linear
//! states are the ones it infers from their types, so the demo cannot show a Linear flow a real
//! organisation would not. The item ids stay the demo's (`lin:<KEY>`), as the GitHub demo's do:
//! the mapping's ids are translated back.
//!
//! Linear work serves the initiative it belongs to through a Linear project: each initiative
//! with Linear work has one (named after it, led by the initiative's owner, due when it is),
//! imported through [`map::project_intent`] as a real sync imports projects, and placed under the
//! initiative as one of its milestones by its owner in Baton (Linear knows nothing of the Jira
//! epic above it). Each issue
//! names its project, and serves it because the mapping links it there.

use std::collections::{HashMap, HashSet};

use crate::connectors::linear::map::{self, MapCtx, Workflow};
use crate::connectors::linear::model::{
    Connection, History, Issue, IssueRef, Label, Named, PageInfo, Project, Relation, State, Team,
    TeamRef, User,
};
use crate::connectors::StateMeanings;
use crate::graph::model::{
    FlowState, Intent, IntentKind, IntentOrigin, ItemKind, Link, LinkKind, LinkOrigin, Provenance,
    Transition, TransitionKind, WorkItem,
};
use crate::ingest::write::{person_id, PageWrite};
use crate::rules::eval::Rules;

use super::generate::SRC_LINEAR;
use super::DemoGraph;

/// The namespace of the mapping's ids (the API's host).
const NS: &str = "api.linear.app";

/// The workflow states every demo Linear team has, with their Linear types.
const STATES: &[(&str, &str)] = &[
    ("Backlog", "backlog"),
    ("Todo", "unstarted"),
    ("In Progress", "started"),
    ("In Review", "started"),
    ("Done", "completed"),
    ("Canceled", "canceled"),
    ("Duplicate", "canceled"),
];

fn state(name: &str) -> State {
    State {
        id: None,
        name: name.to_owned(),
        kind: STATES
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, t)| t)
            .to_owned(),
        position: None,
    }
}

fn connection<T>(nodes: Vec<T>) -> Connection<T> {
    Connection {
        nodes,
        page_info: PageInfo::default(),
    }
}

/// A time as Linear writes it (to the millisecond).
fn iso(ms: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The label a team puts on an issue of a kind (what `map::kind_for` reads back); none for a
/// plain task.
fn kind_label(kind: ItemKind) -> Option<&'static str> {
    match kind {
        ItemKind::Feature => Some("Feature"),
        ItemKind::Defect => Some("Bug"),
        ItemKind::Debt => Some("Tech Debt"),
        ItemKind::Risk => Some("Risk"),
        ItemKind::Incident => Some("Incident"),
        _ => None,
    }
}

/// Linear's priority number for its label.
fn priority_number(label: Option<&str>) -> f64 {
    match label {
        Some("Urgent") => 1.0,
        Some("High") => 2.0,
        Some("Medium") => 3.0,
        Some("Low") => 4.0,
        _ => 0.0,
    }
}

/// The Linear relation type of a demo link between two Linear issues, if Linear has one.
fn relation_type(kind: LinkKind) -> Option<&'static str> {
    match kind {
        LinkKind::Blocks => Some("blocks"),
        LinkKind::Relates => Some("related"),
        LinkKind::Duplicates => Some("duplicate"),
        _ => None,
    }
}

/// What one half of the issues maps to: (position, item, state history, the intent the mapping
/// links it to) per issue, the links found, the meanings inferred.
#[derive(Default)]
struct Mapped {
    items: Vec<(usize, WorkItem, Vec<Transition>, Option<String>)>,
    links: Vec<Link>,
    fresh: Vec<crate::graph::model::WorkflowMap>,
}

/// Replaces every Linear item, its state history and its Linear-to-Linear links with what the
/// Linear mapping makes of the nodes Linear would send for it; the Linear states' meanings in
/// the workflow map with the ones the mapping infers from their types.
pub(crate) fn through_the_linear_mapping(g: &mut DemoGraph) {
    // People: the Linear user id of each demo person is their Linear login.
    let mut login_of: HashMap<&str, &str> = HashMap::new();
    let mut person_of: HashMap<String, String> = HashMap::new();
    for i in g.identities.iter().filter(|i| i.source_id == SRC_LINEAR) {
        login_of.insert(i.person_id.as_str(), i.login.as_str());
        person_of.insert(person_id(SRC_LINEAR, &i.login), i.person_id.clone());
    }
    let names: HashMap<&str, &str> = g
        .people
        .iter()
        .map(|p| (p.id.as_str(), p.display_name.as_str()))
        .collect();
    let user = |person: &str| -> Option<User> {
        let login = login_of.get(person)?;
        Some(User {
            id: (*login).to_owned(),
            name: names.get(person).map(|n| (*n).to_owned()),
            display_name: Some((*login).to_owned()),
            email: None,
            app: Some(false),
        })
    };

    let person = |id: Option<String>| id.map(|id| person_of.get(&id).cloned().unwrap_or(id));
    let is_linear = |i: &WorkItem| i.source_id == SRC_LINEAR;
    let linear: Vec<usize> = (0..g.items.len())
        .filter(|&i| is_linear(&g.items[i]))
        .collect();
    if linear.is_empty() {
        return;
    }
    let team_keys: HashSet<String> = linear
        .iter()
        .filter_map(|&i| g.items[i].key.rsplit_once('-').map(|(k, _)| k.to_owned()))
        .collect();
    let mut team_keys: Vec<String> = team_keys.into_iter().collect();
    team_keys.sort();
    let teams: Vec<Team> = team_keys
        .iter()
        .map(|key| Team {
            id: format!("team-{key}"),
            key: key.clone(),
            name: key.clone(),
            states: connection(STATES.iter().map(|(n, _)| state(n)).collect()),
        })
        .collect();
    let workflow = Workflow::new(&teams);
    let mut states = StateMeanings::default();
    map::seed_states(&mut states, &workflow, &teams);
    let rules = Rules::default();

    // The Linear project of each initiative with Linear work, as Linear sends it, and the
    // intent a sync imports it as (under the initiative, where its owner placed it).
    let mut project_of: HashMap<String, Named> = HashMap::new();
    let mut served: Vec<&str> = linear
        .iter()
        .filter_map(|&i| g.items[i].intent_id.as_deref())
        .collect();
    served.sort_unstable();
    served.dedup();
    let mut projects: Vec<Intent> = Vec::new();
    {
        let mut page = PageWrite::new("demo");
        for initiative in served {
            let Some(parent) = g.intents.iter().find(|x| x.id == initiative) else {
                continue;
            };
            let slug = initiative.trim_start_matches("init-");
            let project = Project {
                id: format!("project-{slug}"),
                name: parent.title.clone(),
                description: Some(parent.description.clone()),
                url: format!("https://linear.app/acme/project/{slug}"),
                slug_id: Some(slug.to_owned()),
                created_at: iso(parent.created_at),
                updated_at: iso(parent.created_at),
                target_date: parent.target_at.map(|at| {
                    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(at)
                        .unwrap_or_default()
                        .format("%Y-%m-%d")
                        .to_string()
                }),
                priority: parent.priority.map(|p| p.clamp(1, 4) as f64),
                lead: parent.owner_id.as_deref().and_then(user),
                initiatives: connection(Vec::new()),
            };
            let Some(sourced) = map::project_intent(&mut page, SRC_LINEAR, NS, &project) else {
                continue;
            };
            project_of.insert(
                initiative.to_owned(),
                Named {
                    id: project.id.clone(),
                    name: Some(project.name.clone()),
                    number: None,
                },
            );
            // Its owner placed it under the initiative and made it one of the initiative's
            // milestones in Baton (edits a sync keeps; the import says Initiative).
            projects.push(Intent {
                id: sourced.id,
                parent_id: Some(initiative.to_owned()),
                kind: IntentKind::Milestone,
                title: sourced.title,
                description: sourced.description,
                owner_id: person(sourced.owner_id),
                target_at: sourced.target_at,
                created_at: sourced.created_at,
                origin: IntentOrigin::Source,
                source_id: Some(SRC_LINEAR.to_owned()),
                external_id: Some(sourced.external_id),
                source_key: Some(sourced.key),
                url: sourced.url,
                success_measure: String::new(),
                priority: sourced.priority,
                position: 0,
                archived_at: None,
            });
        }
    }

    // The demo's id of each Linear issue by the mapping's, and Linear's id by the demo's.
    let uuid_of: HashMap<String, String> = linear
        .iter()
        .map(|&i| (g.items[i].id.clone(), g.items[i].external_id.clone()))
        .collect();
    let demo_id_of: HashMap<String, String> = linear
        .iter()
        .map(|&i| {
            let item = &g.items[i];
            (map::item_id(NS, &item.external_id), item.id.clone())
        })
        .collect();
    let key_of: HashMap<String, String> = linear
        .iter()
        .map(|&i| (g.items[i].id.clone(), g.items[i].key.clone()))
        .collect();

    // Links between two Linear issues: relations (listed on the issue they start from) and
    // parents (named by the child).
    let mut relations: HashMap<String, Vec<Relation>> = HashMap::new();
    let mut parent: HashMap<String, IssueRef> = HashMap::new();
    let mut replaced_links: Vec<usize> = Vec::new();
    for (at, l) in g.links.iter().enumerate() {
        let (Some(from), Some(to)) = (uuid_of.get(&l.from_item_id), uuid_of.get(&l.to_item_id))
        else {
            continue;
        };
        if l.origin != LinkOrigin::Source || l.removed_at.is_some() {
            continue;
        }
        if l.kind == LinkKind::Parent {
            parent.insert(
                l.to_item_id.clone(),
                IssueRef {
                    id: from.clone(),
                    identifier: key_of.get(&l.from_item_id).cloned(),
                },
            );
            replaced_links.push(at);
        } else if let Some(kind) = relation_type(l.kind) {
            relations
                .entry(l.from_item_id.clone())
                .or_default()
                .push(Relation {
                    id: format!("rel-{at}"),
                    kind: kind.to_owned(),
                    issue: Some(IssueRef {
                        id: from.clone(),
                        identifier: None,
                    }),
                    related_issue: Some(IssueRef {
                        id: to.clone(),
                        identifier: None,
                    }),
                    created_at: Some(iso(l.created_at)),
                });
            replaced_links.push(at);
        }
    }

    let ranges = super::github::history_ranges(&g.transitions);
    // Mapped in two halves side by side (the demo's generation uses every core); each half
    // has its own page and a copy of the seeded meanings, and the results are put back in the
    // items' order, so the graph does not depend on how the work was split.
    let seeded = states.clone();
    let graph: &DemoGraph = g;
    let map_chunk = |chunk: &[usize]| -> Mapped {
        let mut states = seeded.clone();
        let mut page = PageWrite::new("demo");
        let mut out = Mapped::default();
        for &at in chunk {
            let mut next_history: u64 = 1;
            let item = &graph.items[at];
            let history = ranges
                .get(item.id.as_str())
                .map_or(&[][..], |&(from, to)| &graph.transitions[from..to]);
            let mut nodes: Vec<History> = Vec::new();
            let mut previous: Option<&str> = None;
            let mut assigned = false;
            let agent = (item.provenance == Provenance::AiAgent)
                .then_some(item.provenance_agent.as_deref())
                .flatten()
                .map(|name| User {
                    id: format!("agent-{}", name.to_lowercase().replace(' ', "-")),
                    name: Some(name.to_owned()),
                    display_name: Some(name.to_lowercase().replace(' ', "-")),
                    email: None,
                    app: Some(true),
                });
            // Delegated to its agent when it was made, by its author (who asked for it).
            if let Some(agent) = &agent {
                nodes.push(History {
                    id: format!("{at}-{next_history}"),
                    created_at: iso(item.created_at),
                    actor: item.author_id.as_deref().and_then(user),
                    to_delegate: Some(agent.clone()),
                    ..History::default()
                });
                next_history += 1;
            }
            for t in history.iter().filter(|t| t.kind == TransitionKind::State) {
                let mut h = History {
                    id: format!("{at}-{next_history}"),
                    created_at: iso(t.at),
                    actor: t.actor_id.as_deref().and_then(user),
                    from_state: previous.map(state),
                    to_state: Some(state(&t.to_state)),
                    ..History::default()
                };
                next_history += 1;
                // Whoever starts it is assigned then (the person responsible).
                if !assigned && matches!(t.to_state.as_str(), "In Progress" | "In Review") {
                    if let Some(owner) = item.owner_id.as_deref().and_then(user) {
                        h.to_assignee = Some(owner);
                        assigned = true;
                    }
                }
                nodes.push(h);
                previous = Some(t.to_state.as_str());
            }
            let done = matches!(item.flow_state, FlowState::Done);
            let canceled = matches!(item.flow_state, FlowState::Canceled);
            let issue = Issue {
                id: item.external_id.clone(),
                identifier: item.key.clone(),
                previous_identifiers: Vec::new(),
                title: item.title.clone(),
                description: None,
                url: item.url.clone(),
                created_at: iso(item.created_at),
                updated_at: iso(item.updated_at),
                started_at: item.started_at.map(iso),
                completed_at: item.done_at.filter(|_| done).map(iso),
                // Linear stamps when it was canceled: when it entered its canceled state.
                canceled_at: history
                    .iter()
                    .rev()
                    .find(|t| t.kind == TransitionKind::State)
                    .map(|t| t.at)
                    .filter(|_| canceled)
                    .map(iso),
                archived_at: None,
                priority: Some(priority_number(item.priority.as_deref())),
                priority_label: item.priority.clone(),
                estimate: item.estimate,
                team: item.key.rsplit_once('-').map(|(k, _)| TeamRef {
                    id: Some(format!("team-{k}")),
                    key: k.to_owned(),
                }),
                state: Some(state(&item.raw_state)),
                creator: item.author_id.as_deref().and_then(user),
                assignee: item.owner_id.as_deref().and_then(user),
                delegate: agent,
                parent: parent.get(&item.id).cloned(),
                project: item
                    .intent_id
                    .as_deref()
                    .and_then(|i| project_of.get(i))
                    .cloned(),
                cycle: None,
                labels: connection(
                    kind_label(item.kind)
                        .map(|name| Label {
                            id: None,
                            name: name.to_owned(),
                        })
                        .into_iter()
                        .collect(),
                ),
                history: connection(nodes),
                relations: connection(relations.get(&item.id).cloned().unwrap_or_default()),
                inverse_relations: connection(Vec::new()),
            };
            page.transitions.clear();
            let mut ctx = MapCtx {
                source_id: SRC_LINEAR,
                ns: NS,
                rules: &rules,
                states: &mut states,
                workflow: &workflow,
            };
            let Some(mapped) = map::map_issue(&mut page, &mut ctx, &issue) else {
                continue;
            };
            // The mapping's state changes; what else the simulation recorded (blocked flags,
            // reviews) stays. The assignment rows the mapping also gives are left out: the
            // demo's other sources record no assignment changes either.
            let mut rows: Vec<Transition> = page
                .transitions
                .drain(..)
                .filter(|t| t.kind == TransitionKind::State)
                .map(|t| Transition {
                    item_id: item.id.clone(),
                    actor_id: person(t.actor_id),
                    ..t
                })
                .chain(
                    history
                        .iter()
                        .filter(|t| t.kind != TransitionKind::State)
                        .cloned(),
                )
                .collect();
            rows.sort_by_key(|t| t.at);
            // Only what links need is kept of the page: the rest is the sync's business.
            // The intent it serves: the project the mapping links it to.
            let intent = page
                .intent_links
                .drain(..)
                .find(|l| l.item_id == mapped.id)
                .map(|l| map::project_intent_id(NS, &l.source_ref));
            page.descriptions.clear();
            page.keys.clear();
            page.facets.clear();
            page.intent_facts_for.clear();
            page.link_sets.clear();
            page.requesters.clear();
            page.people.clear();
            out.items.push((at, mapped, rows, intent));
        }
        out.links = page.links;
        out.fresh = states.take_fresh();
        out
    };
    let (first, second) = linear.split_at(linear.len() / 2);
    let (a, b) = std::thread::scope(|s| {
        let other = s.spawn(|| map_chunk(second));
        let mine = map_chunk(first);
        (mine, other.join())
    });
    let b = b.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    let mut replaced: HashMap<String, Vec<Transition>> = HashMap::new();
    let mut mapped_links: Vec<Link> = Vec::new();
    let mut fresh = Vec::new();
    for part in [a, b] {
        for (at, mapped, rows, intent) in part.items {
            let item = &mut g.items[at];
            replaced.insert(item.id.clone(), rows);
            let demo_team = item.team_id.take();
            *item = WorkItem {
                id: item.id.clone(),
                key: item.key.clone(),
                team_id: mapped.team_id.or(demo_team),
                intent_id: intent,
                owner_id: person(mapped.owner_id),
                author_id: person(mapped.author_id),
                ..mapped
            };
        }
        mapped_links.extend(part.links);
        fresh.extend(part.fresh);
    }
    super::github::replace_histories(g, &replaced);
    g.intents.extend(projects);

    // Links as the mapping gives them, with the demo's ids.
    let mut links: Vec<Link> = mapped_links
        .into_iter()
        .filter_map(|l| {
            Some(Link {
                from_item_id: demo_id_of.get(&l.from_item_id)?.clone(),
                to_item_id: demo_id_of.get(&l.to_item_id)?.clone(),
                ..l
            })
        })
        .collect();
    let gone: HashSet<usize> = replaced_links.into_iter().collect();
    let mut kept: Vec<Link> = std::mem::take(&mut g.links)
        .into_iter()
        .enumerate()
        .filter(|(at, _)| !gone.contains(at))
        .map(|(_, l)| l)
        .collect();
    kept.append(&mut links);
    g.links = kept;

    // The Linear states' meanings are the mapping's.
    g.workflow_maps.retain(|m| m.source_id != SRC_LINEAR);
    let mut seen: HashSet<(String, String)> = HashSet::new();
    for mut m in states.take_fresh().into_iter().chain(fresh) {
        if !seen.insert((m.scope.clone(), m.raw_state.clone())) {
            continue;
        }
        m.source_id = SRC_LINEAR.to_owned();
        g.workflow_maps.push(m);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{generate, DemoOptions, DEFAULT_SEED};

    /// 2026-03-31T17:00:00Z.
    const END: i64 = 1_774_976_400_000;

    fn demo() -> DemoGraph {
        generate(&DemoOptions {
            items: 3_000,
            seed: DEFAULT_SEED,
            end: END,
        })
    }

    #[test]
    fn demo_linear_work_serves_linear_projects_placed_under_their_initiatives() {
        let g = demo();
        let by_id: HashMap<&str, &Intent> = g.intents.iter().map(|i| (i.id.as_str(), i)).collect();
        let projects: Vec<&Intent> = g
            .intents
            .iter()
            .filter(|i| i.source_id.as_deref() == Some(SRC_LINEAR))
            .collect();
        assert!(
            projects.len() >= 3,
            "initiatives with Linear work have a Linear project each, got {}",
            projects.len()
        );
        for p in &projects {
            assert!(
                p.id.starts_with("lin:api.linear.app/project/"),
                "the Linear mapping's id: {}",
                p.id
            );
            let parent = p.parent_id.as_deref().and_then(|id| by_id.get(id));
            assert_eq!(
                parent.map(|x| (x.kind, x.source_id.as_deref())),
                Some((
                    IntentKind::Initiative,
                    Some(super::super::generate::SRC_JIRA)
                )),
                "{} is placed under its initiative (a Jira epic)",
                p.id
            );
            let parent = parent.copied().unwrap_or(p);
            assert_eq!(p.title, parent.title, "named after the initiative");
            assert_eq!(p.target_at.is_some(), parent.target_at.is_some());
            assert!(
                p.target_at.unwrap_or(0) >= parent.target_at.unwrap_or(0),
                "due at the end of the initiative's due day"
            );
        }
        let mut served = 0;
        for item in g.items.iter().filter(|i| i.source_id == SRC_LINEAR) {
            let Some(intent) = item.intent_id.as_deref() else {
                continue;
            };
            served += 1;
            assert_eq!(
                by_id.get(intent).and_then(|i| i.source_id.as_deref()),
                Some(SRC_LINEAR),
                "{} serves its Linear project, as the mapping links it, not the Jira epic",
                item.key
            );
        }
        assert!(served > 50, "Linear work serves intents: {served}");
        // Jira work still serves the epics themselves.
        assert!(g
            .items
            .iter()
            .any(|i| i.source_id == super::super::generate::SRC_JIRA
                && i.intent_id
                    .as_deref()
                    .and_then(|x| by_id.get(x))
                    .map(|x| x.kind)
                    == Some(IntentKind::Initiative)));
    }

    #[test]
    fn demo_linear_items_are_what_the_linear_mapping_gives() {
        let g = demo();
        let linear: Vec<&WorkItem> = g
            .items
            .iter()
            .filter(|i| i.source_id == SRC_LINEAR)
            .collect();
        assert!(
            linear.len() > 300,
            "the demo has Linear work: {}",
            linear.len()
        );

        // The states' meanings are the ones the mapping infers from their Linear types.
        let maps: HashMap<&str, (FlowState, Option<crate::graph::model::WaitReason>)> = g
            .workflow_maps
            .iter()
            .filter(|m| m.source_id == SRC_LINEAR)
            .map(|m| (m.raw_state.as_str(), (m.flow_state, m.wait_reason)))
            .collect();
        for (name, kind) in STATES {
            assert_eq!(
                maps.get(name).copied(),
                crate::flow::mapping::infer(name, Some(kind)),
                "{name} ({kind}) means what the mapping infers"
            );
        }

        // Every item: the meaning of its state, its kind from its label, its dates, its
        // delegation, and its state changes keyed as the mapping keys them.
        let ranges = super::super::github::history_ranges(&g.transitions);
        for item in &linear {
            assert_eq!(
                Some((item.flow_state, item.wait_reason)),
                maps.get(item.raw_state.as_str()).copied(),
                "{}: its state's meaning",
                item.id
            );
            assert_eq!(
                map::kind_for(
                    &kind_label(item.kind)
                        .map(str::to_owned)
                        .into_iter()
                        .collect::<Vec<_>>()
                ),
                item.kind,
                "{}: its kind is what its label says",
                item.id
            );
            if item.provenance == Provenance::AiAgent {
                assert_eq!(
                    item.provenance_confidence,
                    map::DELEGATION_CONFIDENCE,
                    "{}: AI-made work is read from its delegation",
                    item.id
                );
                assert!(item.provenance_agent.is_some());
            }
            let (from, to) = ranges.get(item.id.as_str()).copied().unwrap_or((0, 0));
            let states: Vec<&Transition> = g.transitions[from..to]
                .iter()
                .filter(|t| t.kind == TransitionKind::State)
                .collect();
            assert!(
                states.iter().all(|t| t.event_id.ends_with(":state")),
                "{}: state changes come from its history entries",
                item.id
            );
            if let Some(last) = states.last() {
                assert_eq!(
                    last.to_state, item.raw_state,
                    "{}: its state is its last change",
                    item.id
                );
            }
            if matches!(item.flow_state, FlowState::Done | FlowState::Canceled) {
                assert_eq!(item.done_at, states.last().map(|t| t.at), "{}", item.id);
            }
        }

        // Links between two Linear issues are the relations and parents the mapping reads.
        let is_linear: HashSet<&str> = linear.iter().map(|i| i.id.as_str()).collect();
        let between: Vec<&Link> = g
            .links
            .iter()
            .filter(|l| {
                l.origin == LinkOrigin::Source
                    && is_linear.contains(l.from_item_id.as_str())
                    && is_linear.contains(l.to_item_id.as_str())
            })
            .collect();
        assert!(!between.is_empty(), "Linear issues are linked");
        for l in between {
            let expected = if l.kind == LinkKind::Parent {
                map::FOUND_IN_PARENT
            } else {
                map::FOUND_IN_RELATIONS
            };
            assert_eq!(l.found_in.as_deref(), Some(expected), "{l:?}");
        }
    }

    #[test]
    fn one_issue_node_maps_to_the_demo_item() {
        // The node the demo writes for one AI-made issue, mapped again by hand: the same item.
        let g = demo();
        let item = g
            .items
            .iter()
            .find(|i| {
                i.source_id == SRC_LINEAR
                    && i.provenance == Provenance::AiAgent
                    && i.flow_state == FlowState::Done
            })
            .expect("an AI-made Linear issue done");
        let teams = vec![Team {
            id: "t".into(),
            key: item.key.rsplit_once('-').map_or("", |(k, _)| k).into(),
            name: String::new(),
            states: connection(STATES.iter().map(|(n, _)| state(n)).collect()),
        }];
        let workflow = Workflow::new(&teams);
        let mut states = StateMeanings::default();
        map::seed_states(&mut states, &workflow, &teams);
        let rules = Rules::default();
        let issue = Issue {
            id: item.external_id.clone(),
            identifier: item.key.clone(),
            title: item.title.clone(),
            url: item.url.clone(),
            created_at: iso(item.created_at),
            updated_at: iso(item.updated_at),
            started_at: item.started_at.map(iso),
            completed_at: item.done_at.map(iso),
            state: Some(state(&item.raw_state)),
            delegate: Some(User {
                id: "agent".into(),
                name: item.provenance_agent.clone(),
                app: Some(true),
                ..User::default()
            }),
            labels: connection(
                kind_label(item.kind)
                    .map(|n| Label {
                        id: None,
                        name: n.into(),
                    })
                    .into_iter()
                    .collect(),
            ),
            ..Issue::default()
        };
        let mut page = PageWrite::new("t");
        let mapped = map::map_issue(
            &mut page,
            &mut MapCtx {
                source_id: SRC_LINEAR,
                ns: NS,
                rules: &rules,
                states: &mut states,
                workflow: &workflow,
            },
            &issue,
        )
        .expect("mapped");
        assert_eq!(
            (
                mapped.kind,
                mapped.raw_state.as_str(),
                mapped.flow_state,
                mapped.provenance,
                mapped.provenance_agent.as_deref(),
                mapped.done_at,
                mapped.started_at
            ),
            (
                item.kind,
                item.raw_state.as_str(),
                item.flow_state,
                item.provenance,
                item.provenance_agent.as_deref(),
                item.done_at,
                item.started_at
            )
        );
    }
}
