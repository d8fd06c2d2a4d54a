//! Jira issues → work graph rows. Pure functions: no I/O.
//!
//! - Issue → item `jira:KEY`; kind from the issue type (bug/defect → defect, story/feature/epic →
//!   feature, ...); raw state = status name, seeded into the workflow mapping with its status
//!   category; owner = assignee, author = reporter (else creator); done time = resolution date.
//! - Changelog entries → transitions keyed `<history id>:<item position>`: `status` (state),
//!   `assignee`, `labels` (one transition per label added or removed), `Flagged` (flag).
//! - `issuelinks` → links, each once whichever issue lists it: Blocks (inward "is blocked by":
//!   the other issue blocks this one), Duplicate (outward "duplicates"), the rest `relates`
//!   (stored in key order, as it has no direction); `parent` and `subtasks` → parent links.

use std::collections::HashMap;

use crate::connectors::{parse_time, StateMeanings};
use crate::graph::model::{
    FlowState, ItemKind, Link, LinkKind, LinkOrigin, Transition, TransitionKind, WorkItem,
};
use crate::graph::repo::links::{LinkSet, Side};
use crate::ingest::write::{PageWrite, SeenPerson};
use crate::rules::eval::{ProvenanceFacts, Rules};

use super::model::{History, Issue, IssueLink, User};

/// The item id of an issue key.
pub fn item_id(key: &str) -> String {
    format!("jira:{key}")
}

/// The kind of an issue type.
pub fn kind_for(issue_type: &str) -> ItemKind {
    let t = issue_type.to_lowercase();
    let has = |w: &str| t.contains(w);
    if has("bug") || has("defect") || has("缺陷") || has("故障") {
        ItemKind::Defect
    } else if has("incident") || has("outage") {
        ItemKind::Incident
    } else if has("risk") || has("security") || has("vulnerab") {
        ItemKind::Risk
    } else if has("debt") || has("refactor") {
        ItemKind::Debt
    } else if has("story")
        || has("feature")
        || has("epic")
        || has("故事")
        || has("需求")
        || has("improvement")
    {
        ItemKind::Feature
    } else {
        ItemKind::Task
    }
}

/// What mapping needs besides the issue.
pub struct MapCtx<'a> {
    pub source_id: &'a str,
    pub site: &'a str,
    pub rules: &'a Rules,
    pub states: &'a mut StateMeanings,
    /// Status category keys by status name (from `/status`).
    pub categories: &'a HashMap<String, String>,
}

fn person(page: &mut PageWrite, source_id: &str, user: &User) -> Option<String> {
    let login = user.login()?.to_owned();
    Some(
        page.person(
            source_id,
            SeenPerson {
                display_name: user
                    .display_name
                    .clone()
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| login.clone()),
                login,
                is_bot: user.is_bot(),
            },
        ),
    )
}

/// Histories in time order (ties by numeric id), the order their transitions are stored in.
pub fn ordered(mut histories: Vec<History>) -> Vec<History> {
    histories.sort_by_key(|h| {
        (
            parse_time(&h.created).unwrap_or(0),
            h.id.parse::<i64>().unwrap_or(0),
        )
    });
    histories.dedup_by(|a, b| a.id == b.id);
    histories
}

/// Maps an issue with its full changelog.
pub fn map_issue(
    page: &mut PageWrite,
    ctx: &mut MapCtx<'_>,
    issue: &Issue,
    histories: &[History],
) -> Option<WorkItem> {
    let f = &issue.fields;
    let id = item_id(&issue.key);
    let created = parse_time(f.created.as_deref()?)?;
    let updated = f.updated.as_deref().and_then(parse_time).unwrap_or(created);
    let status = f.status.clone().unwrap_or_default();
    let category = status
        .status_category
        .as_ref()
        .and_then(|c| c.key.clone())
        .or_else(|| ctx.categories.get(&status.name).cloned());
    let (flow, reason) = ctx.states.flow(&status.name, category.as_deref());

    let mut started = None;
    let mut last_done = None;
    let mut link_times: HashMap<String, i64> = HashMap::new();
    for history in histories {
        let Some(at) = parse_time(&history.created) else {
            continue;
        };
        let actor = history
            .author
            .as_ref()
            .and_then(|u| person(page, ctx.source_id, u));
        for (n, change) in history.items.iter().enumerate() {
            let event_id = format!("{}:{n}", history.id);
            let field = change.field.to_lowercase();
            let mut push = |kind, from: Option<String>, to: String, event_id: String| {
                page.transitions.push(Transition {
                    item_id: id.clone(),
                    event_id,
                    kind,
                    from_state: from,
                    to_state: to,
                    at,
                    actor_id: actor.clone(),
                });
            };
            match field.as_str() {
                "status" => {
                    let to = change.to_string.clone().unwrap_or_default();
                    let category = ctx.categories.get(&to).cloned();
                    let meaning = ctx.states.resolve(&to, category.as_deref());
                    if let Some(from) = &change.from_string {
                        let category = ctx.categories.get(from).cloned();
                        ctx.states.resolve(from, category.as_deref());
                    }
                    match meaning.map(|m| m.0) {
                        Some(FlowState::Active) if started.is_none() => started = Some(at),
                        Some(FlowState::Done) | Some(FlowState::Canceled) => last_done = Some(at),
                        _ => {}
                    }
                    push(
                        TransitionKind::State,
                        change.from_string.clone(),
                        to,
                        event_id,
                    );
                }
                "assignee" => {
                    let to = change
                        .to
                        .clone()
                        .or_else(|| change.to_string.clone())
                        .unwrap_or_default();
                    push(
                        TransitionKind::Assignee,
                        change.from.clone().or_else(|| change.from_string.clone()),
                        to,
                        event_id,
                    );
                }
                "labels" => {
                    let before: Vec<&str> = change
                        .from_string
                        .as_deref()
                        .unwrap_or("")
                        .split_whitespace()
                        .collect();
                    let after: Vec<&str> = change
                        .to_string
                        .as_deref()
                        .unwrap_or("")
                        .split_whitespace()
                        .collect();
                    for added in after.iter().filter(|l| !before.contains(l)) {
                        push(
                            TransitionKind::Label,
                            None,
                            (*added).to_owned(),
                            format!("{event_id}:+{added}"),
                        );
                    }
                    for removed in before.iter().filter(|l| !after.contains(l)) {
                        push(
                            TransitionKind::Label,
                            Some((*removed).to_owned()),
                            String::new(),
                            format!("{event_id}:-{removed}"),
                        );
                    }
                }
                "flagged" => {
                    let flagged = change
                        .to_string
                        .as_deref()
                        .is_some_and(|t| !t.trim().is_empty());
                    push(
                        TransitionKind::Flag,
                        None,
                        if flagged { "blocked" } else { "unblocked" }.to_owned(),
                        event_id,
                    );
                }
                "link" => {
                    if let Some(text) = &change.to_string {
                        if let Some(other) = text.split_whitespace().last() {
                            link_times.entry(other.to_owned()).or_insert(at);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    let author = f.reporter.as_ref().or(f.creator.as_ref());
    let author_id = author.and_then(|u| person(page, ctx.source_id, u));
    let owner_id = f
        .assignee
        .as_ref()
        .and_then(|u| person(page, ctx.source_id, u));
    let verdict = ctx.rules.provenance(&ProvenanceFacts {
        author: author.and_then(|u| u.display_name.as_deref().or(u.login())),
        author_is_bot: author.is_some_and(User::is_bot),
        body: None,
        labels: &f.labels,
    });
    let project = f
        .project
        .as_ref()
        .map(|p| p.key.clone())
        .unwrap_or_else(|| issue.key.split('-').next().unwrap_or("").to_owned());
    let mut facts: Vec<(&str, &str)> = vec![("project", project.as_str())];
    facts.extend(f.components.iter().map(|c| ("component", c.name.as_str())));
    facts.extend(f.labels.iter().map(|l| ("label", l.as_str())));
    let finished = matches!(flow, FlowState::Done | FlowState::Canceled);

    links(page, &id, issue, &link_times, created);

    Some(WorkItem {
        id: id.clone(),
        source_id: ctx.source_id.to_owned(),
        external_id: issue.id.clone(),
        key: issue.key.clone(),
        url: format!("{}/browse/{}", ctx.site.trim_end_matches('/'), issue.key),
        kind: kind_for(f.issuetype.as_ref().map(|t| t.name.as_str()).unwrap_or("")),
        title: f.summary.clone().unwrap_or_default(),
        team_id: ctx.rules.team_for(&facts),
        owner_id,
        author_id,
        provenance: verdict.provenance,
        provenance_agent: verdict.agent,
        provenance_confidence: verdict.confidence,
        raw_state: status.name.clone(),
        flow_state: flow,
        wait_reason: reason,
        intent_id: None,
        priority: f
            .priority
            .as_ref()
            .map(|p| p.name.clone())
            .filter(|p| !p.is_empty()),
        created_at: created,
        started_at: started,
        done_at: if finished {
            f.resolutiondate
                .as_deref()
                .and_then(parse_time)
                .or(last_done)
        } else {
            None
        },
        updated_at: updated,
    })
}

/// The edge one `issuelinks` entry stands for, seen from issue `this`.
pub fn edge(this: &str, link: &IssueLink) -> Option<(String, String, LinkKind)> {
    let name = link.link_type.name.to_lowercase();
    let (other, outward) = match (&link.outward_issue, &link.inward_issue) {
        (Some(o), _) => (item_id(&o.key), true),
        (None, Some(i)) => (item_id(&i.key), false),
        (None, None) => return None,
    };
    let kind = if name.contains("block") {
        LinkKind::Blocks
    } else if name.contains("duplicat") {
        LinkKind::Duplicates
    } else {
        LinkKind::Relates
    };
    Some(match kind {
        LinkKind::Relates => {
            // No direction: one row in key order, whichever end lists it.
            if *this <= *other.as_str() {
                (this.to_owned(), other, kind)
            } else {
                (other, this.to_owned(), kind)
            }
        }
        _ if outward => (this.to_owned(), other, kind),
        _ => (other, this.to_owned(), kind),
    })
}

fn links(
    page: &mut PageWrite,
    id: &str,
    issue: &Issue,
    link_times: &HashMap<String, i64>,
    created: i64,
) {
    let f = &issue.fields;
    let mut keep = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut add = |page: &mut PageWrite,
                   from: String,
                   to: String,
                   kind: LinkKind,
                   keep: &mut Vec<(String, String, LinkKind)>| {
        if !seen.insert((from.clone(), to.clone(), kind)) {
            return;
        }
        let other = if from == id { &to } else { &from };
        let at = link_times
            .get(other.trim_start_matches("jira:"))
            .copied()
            .unwrap_or(created);
        keep.push((from.clone(), to.clone(), kind));
        page.links.push(Link {
            from_item_id: from,
            to_item_id: to,
            kind,
            origin: LinkOrigin::Source,
            confidence: 1.0,
            created_at: at,
            removed_at: None,
            found_in: None,
        });
    };
    for link in &f.issuelinks {
        if let Some((from, to, kind)) = edge(id, link) {
            add(page, from, to, kind, &mut keep);
        }
    }
    page.link_sets.push(LinkSet {
        item_id: id.to_owned(),
        kinds: vec![LinkKind::Blocks, LinkKind::Duplicates, LinkKind::Relates],
        side: Side::Either,
        other_prefix: "jira:".into(),
        keep,
    });
    let mut parents = Vec::new();
    if let Some(parent) = f.parent.as_ref().filter(|p| !p.key.is_empty()) {
        add(
            page,
            item_id(&parent.key),
            id.to_owned(),
            LinkKind::Parent,
            &mut parents,
        );
    }
    page.link_sets.push(LinkSet {
        item_id: id.to_owned(),
        kinds: vec![LinkKind::Parent],
        side: Side::To,
        other_prefix: "jira:".into(),
        keep: parents,
    });
    let mut children = Vec::new();
    for sub in f.subtasks.iter().filter(|s| !s.key.is_empty()) {
        add(
            page,
            id.to_owned(),
            item_id(&sub.key),
            LinkKind::Parent,
            &mut children,
        );
    }
    page.link_sets.push(LinkSet {
        item_id: id.to_owned(),
        kinds: vec![LinkKind::Parent],
        side: Side::From,
        other_prefix: "jira:".into(),
        keep: children,
    });
}

#[cfg(test)]
mod tests {
    use super::super::model::{Keyed, LinkType};
    use super::*;

    fn link(name: &str, inward: Option<&str>, outward: Option<&str>) -> IssueLink {
        IssueLink {
            id: "1".into(),
            link_type: LinkType {
                name: name.into(),
                inward: None,
                outward: None,
            },
            inward_issue: inward.map(|k| Keyed { key: k.into() }),
            outward_issue: outward.map(|k| Keyed { key: k.into() }),
        }
    }

    #[test]
    fn a_link_is_the_same_edge_from_both_ends() {
        // A lists "is blocked by B" (inward B); B lists "blocks A" (outward A).
        let from_a = edge("jira:A-1", &link("Blocks", Some("B-1"), None));
        let from_b = edge("jira:B-1", &link("Blocks", None, Some("A-1")));
        assert_eq!(
            from_a,
            Some(("jira:B-1".into(), "jira:A-1".into(), LinkKind::Blocks)),
            "inward issue blocks this one"
        );
        assert_eq!(from_a, from_b, "both ends describe one edge");
        let relates_a = edge("jira:A-1", &link("Relates", None, Some("B-1")));
        let relates_b = edge("jira:B-1", &link("Relates", Some("A-1"), None));
        assert_eq!(
            relates_a, relates_b,
            "undirected links are stored once, in key order"
        );
    }

    #[test]
    fn issue_types_in_several_languages() {
        assert_eq!(kind_for("Bug"), ItemKind::Defect);
        assert_eq!(kind_for("缺陷"), ItemKind::Defect);
        assert_eq!(kind_for("故事"), ItemKind::Feature);
        assert_eq!(kind_for("Sub-task"), ItemKind::Task);
    }
}
