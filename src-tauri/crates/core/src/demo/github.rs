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

use crate::connectors::github::lifecycle;
use crate::connectors::github::map::FOUND_IN_TITLE;
use crate::connectors::github::model::{BranchRef, Pull, TimelineEvent, User};
use crate::connectors::{crossref, StateMeanings};
use crate::graph::model::{ItemKind, LinkKind, Transition, TransitionKind};
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

/// Replaces the simulated history of every GitHub pull request with what the real mapping makes
/// of its GitHub records, and adds the lifecycle's states to the workflow map.
pub(crate) fn through_the_github_mapping(g: &mut DemoGraph) {
    let login_of: HashMap<&str, &str> = g
        .identities
        .iter()
        .filter(|i| i.source_id == SRC_GITHUB)
        .map(|i| (i.person_id.as_str(), i.login.as_str()))
        .collect();
    let person_of: HashMap<String, String> = g
        .identities
        .iter()
        .filter(|i| i.source_id == SRC_GITHUB)
        .map(|i| (person_id(SRC_GITHUB, &i.login), i.person_id.clone()))
        .collect();
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

    // Each item's transitions are contiguous and in time order (the generator writes them so).
    let mut ranges: HashMap<&str, (usize, usize)> = HashMap::new();
    for (at, t) in g.transitions.iter().enumerate() {
        ranges
            .entry(t.item_id.as_str())
            .and_modify(|r| r.1 = at + 1)
            .or_insert((at, at + 1));
    }
    let mut replaced: HashMap<String, Vec<Transition>> = HashMap::new();
    let mut next_id: i64 = 1;
    for item in g
        .items
        .iter_mut()
        .filter(|i| i.source_id == SRC_GITHUB && i.kind == ItemKind::PullRequest)
    {
        let history = ranges
            .get(item.id.as_str())
            .map_or(&[][..], |&(from, to)| &g.transitions[from..to]);
        let login = |person: &Option<String>| {
            person
                .as_deref()
                .and_then(|p| login_of.get(p).copied())
                .map(str::to_owned)
        };
        let author = login(&item.author_id);
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
        let number = item
            .key
            .rsplit_once('#')
            .and_then(|(_, n)| n.parse().ok())
            .unwrap_or_default();
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
        let (flow, reason) = states.flow_for(item.kind, &lc.raw_state, None);
        item.raw_state = lc.raw_state;
        item.flow_state = flow;
        item.wait_reason = reason;
        item.started_at = Some(item.created_at);
        item.done_at = merged_at;
        replaced.insert(item.id.clone(), rows);
    }
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
}
