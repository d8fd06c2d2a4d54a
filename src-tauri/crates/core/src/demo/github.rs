//! The demo's pull requests arrive the way GitHub sends them. The simulation decides what
//! happens to each pull request (opened as a draft or not, reviews and their verdicts, back to
//! draft, merged or abandoned); this module writes that as GitHub records — the pull request as
//! `/pulls` lists it and its `/issues/{n}/timeline` (`ready_for_review`, `convert_to_draft`,
//! `review_requested`, `reviewed`, `merged`, `closed`) — and passes them through
//! [`lifecycle::pull_lifecycle`], the function a real sync maps them with. The demo's raw states,
//! state history and review actions of pull requests are what that mapping gives, and their
//! meanings are the ones it seeds (`lifecycle::seed_meanings`), so the demo cannot show a pull
//! request flow a real organisation would not.

use std::collections::HashMap;

use crate::connectors::github::graphql::{
    Actor, Connection, IssueNode, LabelName, Login, ProjectItem, ProjectRef, StatusValue,
    TimelineNode,
};
use crate::connectors::github::lifecycle;
use crate::connectors::github::map::FOUND_IN_TITLE;
use crate::connectors::github::model::{
    BranchRef, Issue, Pull, RequestedTeam, TimelineEvent, User,
};
use crate::connectors::{crossref, StateMeanings};
use crate::graph::model::{ItemKind, LinkKind, Transition, TransitionKind};
use crate::graph::repo::review_requests::ReviewRequest;
use crate::ingest::write::{person_id, PageWrite};

use super::generate::SRC_GITHUB;
use super::DemoGraph;

fn user(login: &str) -> User {
    User {
        login: login.to_owned(),
        kind: Some(
            if login.ends_with("[bot]") {
                "Bot"
            } else {
                "User"
            }
            .to_owned(),
        ),
        email: None,
    }
}

/// A time as GitHub writes it, to the millisecond (the demo's times are whole milliseconds).
fn iso(ms: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn entry(id: i64, event: &str, at: i64, actor: Option<&str>) -> TimelineEvent {
    TimelineEvent {
        id: Some(id),
        event: event.to_owned(),
        actor: actor.map(user),
        created_at: Some(iso(at)),
        ..TimelineEvent::default()
    }
}

/// Appends `event` to a timeline, numbered.
fn add(timeline: &mut Vec<TimelineEvent>, next_id: &mut i64, mut event: TimelineEvent) {
    event.id = Some(*next_id);
    *next_id += 1;
    timeline.push(event);
}

/// The demo's GitHub logins by person, and its people by the person id a GitHub mapping gives
/// a login ([`person_id`]).
fn github_people(g: &DemoGraph) -> (HashMap<String, String>, HashMap<String, String>) {
    let github = g.identities.iter().filter(|i| i.source_id == SRC_GITHUB);
    let login_of = github
        .clone()
        .map(|i| (i.person_id.clone(), i.login.clone()))
        .collect();
    let person_of = github
        .map(|i| (person_id(SRC_GITHUB, &i.login), i.person_id.clone()))
        .collect();
    (login_of, person_of)
}

/// Where each item's transitions are in `transitions`: contiguous and in time order (the
/// generator writes them so).
pub(super) fn history_ranges(transitions: &[Transition]) -> HashMap<String, (usize, usize)> {
    let mut ranges: HashMap<String, (usize, usize)> = HashMap::new();
    for (at, t) in transitions.iter().enumerate() {
        ranges
            .entry(t.item_id.clone())
            .and_modify(|r| r.1 = at + 1)
            .or_insert((at, at + 1));
    }
    ranges
}

/// Puts each item's mapped history where its simulated one was.
pub(super) fn replace_histories(g: &mut DemoGraph, replaced: &HashMap<String, Vec<Transition>>) {
    let mut transitions = Vec::with_capacity(g.transitions.len());
    let mut done: std::collections::HashSet<String> = std::collections::HashSet::new();
    for t in std::mem::take(&mut g.transitions) {
        match replaced.get(&t.item_id) {
            None => transitions.push(t),
            Some(rows) => {
                if done.insert(t.item_id.clone()) {
                    transitions.extend(rows.iter().cloned());
                }
            }
        }
    }
    g.transitions = transitions;
}

/// Replaces the simulated history of every GitHub pull request with what the real mapping makes
/// of its GitHub records, and adds the lifecycle's states to the workflow map.
pub(crate) fn through_the_github_mapping(g: &mut DemoGraph) {
    let (login_of, person_of) = github_people(g);
    let mut states = StateMeanings::default();
    for map in g
        .workflow_maps
        .iter()
        .filter(|m| m.source_id == SRC_GITHUB && m.item_kind.is_none())
    {
        states.seed(None, &map.raw_state, (map.flow_state, map.wait_reason));
    }
    states.take_fresh();
    lifecycle::seed_meanings(&mut states);

    // GitHub teams (the slug of the Baton team's name, as `@org/<slug>` maps to a team) and
    // their members' logins, to ask for reviews.
    let team_of_person: HashMap<String, String> = g
        .people
        .iter()
        .filter(|p| !p.is_bot)
        .filter_map(|p| Some((p.id.clone(), p.team_id.clone()?)))
        .collect();
    let slug_of: HashMap<&str, String> = g
        .teams
        .iter()
        .map(|t| (t.id.as_str(), t.name.to_lowercase().replace(' ', "-")))
        .collect();
    let mut mates: HashMap<&str, Vec<String>> = HashMap::new();
    for p in g.people.iter().filter(|p| !p.is_bot) {
        if let (Some(team), Some(login)) = (p.team_id.as_deref(), login_of.get(&p.id)) {
            mates.entry(team).or_default().push(login.clone());
        }
    }
    for list in mates.values_mut() {
        list.sort();
    }
    let ranges = history_ranges(&g.transitions);
    let mut replaced: HashMap<String, Vec<Transition>> = HashMap::new();
    let mut requests = Vec::new();
    let mut next_id: i64 = 1;
    for item in g
        .items
        .iter_mut()
        .filter(|i| i.source_id == SRC_GITHUB && i.kind == ItemKind::PullRequest)
    {
        let history = ranges
            .get(item.id.as_str())
            .map_or(&[][..], |&(from, to)| &g.transitions[from..to]);
        let login =
            |person: &Option<String>| person.as_deref().and_then(|p| login_of.get(p).cloned());
        let author = login(&item.author_id);
        let author_team = item
            .author_id
            .as_deref()
            .and_then(|p| team_of_person.get(p))
            .map(String::as_str);
        let number: i64 = item
            .key
            .rsplit_once('#')
            .and_then(|(_, n)| n.parse().ok())
            .unwrap_or_default();
        let mut timeline: Vec<TimelineEvent> = Vec::new();
        let mut merged_at = None;
        let mut closed_at = None;
        let mut previous: Option<&str> = None;
        for (i, t) in history.iter().enumerate() {
            let actor = login(&t.actor_id);
            let by = actor.as_deref();
            let tl = &mut timeline;
            match (t.kind, t.to_state.as_str()) {
                // Opened as a draft: the pull request says so; nothing happened yet.
                (TransitionKind::State, "draft") if i == 0 => {}
                (TransitionKind::State, "draft") => {
                    add(tl, &mut next_id, entry(0, "convert_to_draft", t.at, by));
                }
                (TransitionKind::State, "open") => {
                    if previous == Some("draft") {
                        add(tl, &mut next_id, entry(0, "ready_for_review", t.at, by));
                    }
                    // Ready for review: the author asks the first teammate who will review.
                    let reviewer = history[i..]
                        .iter()
                        .filter(|r| r.kind == TransitionKind::Review)
                        .find_map(|r| login(&r.actor_id))
                        .filter(|r| Some(r) != author.as_ref());
                    if let Some(reviewer) = reviewer {
                        let mut asked = entry(0, "review_requested", t.at, by);
                        asked.requested_reviewer = Some(user(&reviewer));
                        add(tl, &mut next_id, asked);
                    } else if history[i..]
                        .iter()
                        .all(|r| r.kind != TransitionKind::State || r.to_state == "open")
                    {
                        // Still waiting for its first review: someone was asked (every fourth
                        // time the author's team on GitHub, else a teammate), and has not
                        // answered yet.
                        let mut asked = entry(0, "review_requested", t.at, by);
                        let team = author_team.and_then(|t| slug_of.get(t));
                        let mate = author_team.and_then(|t| mates.get(t)).and_then(|list| {
                            let others: Vec<&String> = list
                                .iter()
                                .filter(|l| Some(*l) != author.as_ref())
                                .collect();
                            (!others.is_empty()).then(|| others[(number as usize) % others.len()])
                        });
                        match (team, mate) {
                            (Some(slug), _) if number % 4 == 0 => {
                                asked.requested_team = Some(RequestedTeam { slug: slug.clone() });
                            }
                            (_, Some(mate)) => asked.requested_reviewer = Some(user(mate)),
                            (Some(slug), None) => {
                                asked.requested_team = Some(RequestedTeam { slug: slug.clone() });
                            }
                            (None, None) => {}
                        }
                        if asked.requested_team.is_some() || asked.requested_reviewer.is_some() {
                            add(tl, &mut next_id, asked);
                        }
                    }
                }
                (TransitionKind::State, "merged") => {
                    add(tl, &mut next_id, entry(0, "merged", t.at, by));
                    add(tl, &mut next_id, entry(0, "closed", t.at, by));
                    merged_at = Some(t.at);
                    closed_at = Some(t.at);
                }
                (TransitionKind::State, _) => {
                    add(tl, &mut next_id, entry(0, "closed", t.at, by));
                    closed_at = Some(t.at);
                }
                (TransitionKind::Review, verdict) => {
                    let mut review = entry(0, "reviewed", t.at, None);
                    review.created_at = None;
                    review.submitted_at = Some(iso(t.at));
                    review.state = Some(verdict.to_owned());
                    review.user = by.map(user);
                    add(tl, &mut next_id, review);
                }
                _ => {}
            }
            if t.kind == TransitionKind::State {
                previous = Some(t.to_state.as_str());
            }
        }
        let open = closed_at.is_none();
        let pull = Pull {
            milestone: None,
            id: number,
            number,
            title: item.title.clone(),
            state: if open { "open" } else { "closed" }.to_owned(),
            html_url: item.url.clone(),
            user: author.as_deref().map(user),
            labels: Vec::new(),
            assignee: None,
            created_at: iso(item.created_at),
            updated_at: iso(item.updated_at),
            closed_at: closed_at.map(iso),
            merged_at: merged_at.map(iso),
            draft: Some(open && previous == Some("draft")),
            body: None,
            head: Some(BranchRef {
                name: format!("{}-{number}", author.as_deref().unwrap_or("branch")),
            }),
        };
        let mut page = PageWrite::new("demo");
        let lc = lifecycle::pull_lifecycle(&mut page, SRC_GITHUB, item, &pull, &timeline);
        let person = |id: Option<String>| id.and_then(|id| person_of.get(&id).cloned());
        let mut rows: Vec<Transition> = lc
            .changes
            .into_iter()
            .chain(lc.reviews)
            .map(|t| Transition {
                actor_id: person(t.actor_id),
                ..t
            })
            .collect();
        rows.sort_by_key(|t| t.at);
        requests.extend(lc.requests.into_iter().map(|r| ReviewRequest {
            person_id: person(r.person_id),
            requested_by: person(r.requested_by),
            ..r
        }));
        let (flow, reason) = states.flow_for(item.kind, &lc.raw_state, None);
        item.raw_state = lc.raw_state;
        item.flow_state = flow;
        item.wait_reason = reason;
        item.started_at = Some(item.created_at);
        item.done_at = merged_at;
        replaced.insert(item.id.clone(), rows);
    }
    replace_histories(g, &replaced);
    g.review_requests = requests;

    // A Jira key in a pull request's title is where the link to the issue it implements is found,
    // as the mapping reads it (`crossref::jira_keys_in`).
    let keys: HashMap<&str, &str> = g
        .items
        .iter()
        .map(|i| (i.id.as_str(), i.key.as_str()))
        .collect();
    let titles: HashMap<&str, &str> = g
        .items
        .iter()
        .filter(|i| i.source_id == SRC_GITHUB && i.kind == ItemKind::PullRequest)
        .map(|i| (i.id.as_str(), i.title.as_str()))
        .collect();
    let mut found: Vec<usize> = Vec::new();
    for (at, link) in g.links.iter().enumerate() {
        let (Some(title), Some(key)) = (
            titles.get(link.from_item_id.as_str()),
            keys.get(link.to_item_id.as_str()),
        ) else {
            continue;
        };
        if link.kind == LinkKind::Implements
            && crossref::jira_keys_in(title).iter().any(|k| k == key)
        {
            found.push(at);
        }
    }
    for at in found {
        g.links[at].found_in = Some(FOUND_IN_TITLE.to_owned());
    }

    for mut map in states.take_fresh() {
        map.source_id = SRC_GITHUB.to_owned();
        g.workflow_maps.push(map);
    }
}

/// The status label a GitHub-tracked team puts on an issue at each step of its workflow (the
/// labels the mapping recognises, see `lifecycle::label_signal`); none in the backlog.
fn status_label(raw_state: &str) -> Option<&'static str> {
    match raw_state {
        "Ready" => Some("status: ready"),
        "In progress" => Some("status: in progress"),
        "In review" => Some("status: in review"),
        _ => None,
    }
}

/// The project board the demo's GitHub issues are on, and the name of its Status option for a
/// step of the team's workflow (the board's options are the workflow's steps).
const BOARD: &str = "Platform board";

/// Replaces the simulated history of every GitHub issue with what the real mapping makes of the
/// records GitHub would give for it (`lifecycle::issue_lifecycle`): its timeline as the GraphQL
/// query reads it (status labels added and removed at each step, the assignment when work
/// starts, the close with its reason) and its item on a Projects board whose Status is the step
/// it is at now, set when it got there. GitHub gives a board status's current value only, so the
/// demo's issues have no richer history than a real organisation's: their steps before the last
/// one come from the labels.
pub(crate) fn through_the_github_issue_mapping(g: &mut DemoGraph) {
    let (login_of, person_of) = github_people(g);
    let mut states = StateMeanings::default();
    for map in g.workflow_maps.iter().filter(|m| m.source_id == SRC_GITHUB) {
        states.seed(
            map.item_kind,
            &map.raw_state,
            (map.flow_state, map.wait_reason),
        );
    }
    states.take_fresh();

    let ranges = history_ranges(&g.transitions);
    let mut replaced: HashMap<String, Vec<Transition>> = HashMap::new();
    let mut next_id: i64 = 1;
    for item in g
        .items
        .iter_mut()
        .filter(|i| i.source_id == SRC_GITHUB && i.kind != ItemKind::PullRequest)
    {
        let history = ranges
            .get(item.id.as_str())
            .map_or(&[][..], |&(from, to)| &g.transitions[from..to]);
        let login =
            |person: &Option<String>| person.as_deref().and_then(|p| login_of.get(p).cloned());
        let actor = |login: Option<String>| {
            login.map(|login| Actor {
                typename: if login.ends_with("[bot]") {
                    "Bot"
                } else {
                    "User"
                }
                .to_owned(),
                login,
            })
        };
        let mut node_of = |typename: &str, at: i64, by: Option<String>| {
            next_id += 1;
            TimelineNode {
                typename: typename.to_owned(),
                id: Some(format!("demo-issue-event-{next_id}")),
                created_at: Some(iso(at)),
                actor: actor(by),
                ..TimelineNode::default()
            }
        };
        let owner = login(&item.owner_id);
        let mut timeline: Vec<TimelineNode> = Vec::new();
        let mut label: Option<&'static str> = None;
        let mut assigned = false;
        let mut closed: Option<(i64, &'static str)> = None;
        let mut last_step: Option<(i64, String)> = None;
        let mut assignee_changes: Vec<Transition> = Vec::new();
        for t in history {
            if t.kind != TransitionKind::State {
                // Assignment changes (who asked an agent) stay as they are: the timeline's
                // `assigned` entries, which the lifecycle does not turn into states.
                assignee_changes.push(t.clone());
                continue;
            }
            let by = login(&t.actor_id);
            match t.to_state.as_str() {
                "Done" => closed = Some((t.at, "COMPLETED")),
                "Closed as not planned" => closed = Some((t.at, "NOT_PLANNED")),
                step => {
                    if closed.take().is_some() {
                        timeline.push(node_of("ReopenedEvent", t.at, by.clone()));
                    }
                    let wanted = status_label(step);
                    if wanted != label {
                        if let Some(old) = label {
                            let mut off = node_of("UnlabeledEvent", t.at, by.clone());
                            off.label = Some(LabelName {
                                name: old.to_owned(),
                            });
                            timeline.push(off);
                        }
                        if let Some(new) = wanted {
                            let mut on = node_of("LabeledEvent", t.at, by.clone());
                            on.label = Some(LabelName {
                                name: new.to_owned(),
                            });
                            timeline.push(on);
                        }
                        label = wanted;
                    }
                    if step == "In progress" && !assigned {
                        if let Some(who) = owner.clone().or_else(|| by.clone()) {
                            let mut a = node_of("AssignedEvent", t.at, by.clone());
                            a.assignee = Some(Login { login: Some(who) });
                            timeline.push(a);
                            assigned = true;
                        }
                    }
                    last_step = Some((t.at, step.to_owned()));
                    continue;
                }
            }
            if let Some((at, reason)) = closed {
                let mut c = node_of("ClosedEvent", at, by);
                c.state_reason = Some(reason.to_owned());
                timeline.push(c);
            }
        }
        // The board shows the step the issue is at (or Done once closed), set when it got there.
        let board_status = match closed {
            Some((at, "COMPLETED")) => Some((at, "Done".to_owned())),
            Some(_) => None,
            None => last_step.clone(),
        };
        let project_items = board_status.map(|(at, name)| Connection {
            nodes: vec![Some(ProjectItem {
                id: format!("demo-board-item-{}", item.id),
                is_archived: false,
                project: Some(ProjectRef {
                    number: Some(1),
                    title: Some(BOARD.to_owned()),
                }),
                status: Some(StatusValue {
                    name: Some(name),
                    updated_at: Some(iso(at)),
                }),
            })],
            page_info: None,
        });
        let number = item
            .key
            .rsplit_once('#')
            .and_then(|(_, n)| n.parse().ok())
            .unwrap_or_default();
        let issue = Issue {
            id: number,
            number,
            title: item.title.clone(),
            state: if closed.is_some() { "closed" } else { "open" }.to_owned(),
            state_reason: closed.map(|(_, reason)| reason.to_lowercase()),
            html_url: item.url.clone(),
            user: login(&item.author_id).as_deref().map(user),
            assignee: owner.as_deref().filter(|_| assigned).map(user),
            created_at: iso(item.created_at),
            updated_at: iso(item.updated_at),
            closed_at: closed.map(|(at, _)| iso(at)),
            ..Issue::default()
        };
        let node = IssueNode {
            number,
            project_items,
            timeline_items: Connection {
                nodes: timeline.into_iter().map(Some).collect(),
                page_info: None,
            },
        };
        let mut page = PageWrite::new("demo");
        let lc =
            lifecycle::issue_lifecycle(&mut page, &mut states, SRC_GITHUB, item, &issue, &node);
        let person = |id: Option<String>| id.and_then(|id| person_of.get(&id).cloned());
        let mut rows: Vec<Transition> = lc
            .changes
            .into_iter()
            .map(|t| Transition {
                actor_id: person(t.actor_id),
                ..t
            })
            .chain(assignee_changes)
            .collect();
        rows.sort_by_key(|t| t.at);
        let (flow, reason) = states.flow_for(item.kind, &lc.raw_state, None);
        item.raw_state = lc.raw_state;
        item.flow_state = flow;
        item.wait_reason = reason;
        // What the real mapping sets (`map::map_issue`): no start time of its own; done when
        // closed as completed.
        item.started_at = None;
        item.done_at = match closed {
            Some((at, "COMPLETED")) => Some(at),
            _ => None,
        };
        replaced.insert(item.id.clone(), rows);
    }
    replace_histories(g, &replaced);
    for mut map in states.take_fresh() {
        map.source_id = SRC_GITHUB.to_owned();
        g.workflow_maps.push(map);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::demo::{DemoOptions, DEFAULT_ITEMS, DEFAULT_SEED};
    use crate::graph::model::{FlowState, WaitReason};

    #[test]
    fn demo_pull_requests_have_the_states_and_meanings_a_real_sync_gives() {
        let g = crate::demo::generate(&DemoOptions {
            items: DEFAULT_ITEMS,
            seed: DEFAULT_SEED,
            end: 1_772_409_600_000,
        });
        let lifecycle_states: BTreeSet<&str> = [
            lifecycle::DRAFT,
            lifecycle::OPEN,
            lifecycle::REVIEW_REQUESTED,
            lifecycle::CHANGES_REQUESTED,
            lifecycle::APPROVED,
            lifecycle::MERGED,
            lifecycle::CLOSED_UNMERGED,
        ]
        .into();
        let pulls: BTreeSet<&str> = g
            .items
            .iter()
            .filter(|i| i.kind == ItemKind::PullRequest)
            .map(|i| i.id.as_str())
            .collect();
        let now: BTreeSet<&str> = g
            .items
            .iter()
            .filter(|i| i.kind == ItemKind::PullRequest)
            .map(|i| i.raw_state.as_str())
            .collect();
        assert!(
            now.is_subset(&lifecycle_states),
            "only the lifecycle's states: {now:?}"
        );
        let met: BTreeSet<&str> = g
            .transitions
            .iter()
            .filter(|t| t.kind == TransitionKind::State && pulls.contains(t.item_id.as_str()))
            .map(|t| t.to_state.as_str())
            .collect();
        assert_eq!(
            met, lifecycle_states,
            "every state of a real pull request's life is met, and no other"
        );
        let meaning = |raw: &str| {
            g.workflow_maps
                .iter()
                .filter(|m| m.source_id == SRC_GITHUB && m.raw_state == raw)
                .find(|m| m.item_kind == Some(ItemKind::PullRequest) || m.item_kind.is_none())
                .map(|m| (m.flow_state, m.wait_reason))
        };
        assert_eq!(
            meaning(lifecycle::APPROVED),
            Some((FlowState::Waiting, Some(WaitReason::Queue))),
            "approved waits to be merged, as the mapping seeds it"
        );
        assert_eq!(
            meaning(lifecycle::CHANGES_REQUESTED),
            Some((FlowState::Active, None))
        );
        assert!(
            g.links
                .iter()
                .any(|l| l.found_in.as_deref() == Some(FOUND_IN_TITLE)),
            "Jira keys in pull request titles are where their links are found"
        );
        let person_ids: BTreeSet<&str> = g.people.iter().map(|p| p.id.as_str()).collect();
        assert!(
            g.transitions
                .iter()
                .filter(|t| pulls.contains(t.item_id.as_str()))
                .filter_map(|t| t.actor_id.as_deref())
                .all(|a| person_ids.contains(a)),
            "actors are the demo's people"
        );
    }

    #[test]
    fn demo_issues_have_only_what_github_gives_a_board_status_once_labels_before() {
        let g = crate::demo::generate(&DemoOptions {
            items: 3_000,
            seed: DEFAULT_SEED,
            end: 1_772_409_600_000,
        });
        let issues: BTreeSet<&str> = g
            .items
            .iter()
            .filter(|i| i.source_id == SRC_GITHUB && i.kind != ItemKind::PullRequest)
            .map(|i| i.id.as_str())
            .collect();
        assert!(
            issues.len() > 50,
            "the demo has GitHub issues: {}",
            issues.len()
        );
        // A board status enters an issue's history once, as its last state (GitHub gives the
        // current value only); the steps before it come from labels, assignment and closing.
        let board = ["Backlog", "Ready", "In progress", "In review", "Done"];
        let mut by_item: HashMap<&str, Vec<&Transition>> = HashMap::new();
        for t in g
            .transitions
            .iter()
            .filter(|t| t.kind == TransitionKind::State && issues.contains(t.item_id.as_str()))
        {
            by_item.entry(t.item_id.as_str()).or_default().push(t);
        }
        let mut labelled = 0;
        let mut on_board = 0;
        for (item, states) in &by_item {
            for (at, t) in states.iter().enumerate() {
                let to = t.to_state.as_str();
                if board.contains(&to) {
                    assert_eq!(at + 1, states.len(), "{item}: a board status only last");
                    on_board += 1;
                    continue;
                }
                assert!(
                    to == lifecycle::OPEN
                        || to.starts_with("closed")
                        || to.starts_with(lifecycle::LABEL_PREFIX)
                        || to == lifecycle::ASSIGNED,
                    "{item}: {to} is not a state a GitHub issue's records give"
                );
                if to.starts_with(lifecycle::LABEL_PREFIX) {
                    labelled += 1;
                }
            }
        }
        assert!(on_board > 0 && labelled > 0);
        // Open issues are where their board says, and mean what the map says.
        let meaning = |raw: &str| {
            g.workflow_maps
                .iter()
                .filter(|m| m.source_id == SRC_GITHUB && m.raw_state == raw)
                .find(|m| m.item_kind.is_none())
                .map(|m| (m.flow_state, m.wait_reason))
        };
        assert_eq!(meaning(lifecycle::OPEN), Some((FlowState::New, None)));
        assert_eq!(
            meaning("label: status: in review"),
            Some((FlowState::Waiting, Some(WaitReason::Review)))
        );
        let in_review = g
            .items
            .iter()
            .filter(|i| issues.contains(i.id.as_str()) && i.raw_state == "In review")
            .count();
        assert!(in_review > 0, "some issues wait for review on the board");
    }
}
