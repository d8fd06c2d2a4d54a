//! Jira issues → work graph rows. Pure functions: no I/O.
//!
//! - Issue → item `jira:<site>/<issue id>`: Jira's numeric id, so an issue that moves to another
//!   project (PAY-12 → OPS-7) stays one item; its keys, old and new, name it
//!   (`jira:<site>/PAY-12`). Kind from the issue type (bug/defect → defect, story/feature/epic →
//!   feature, ...); raw state = status name; owner = assignee, author = reporter (else creator);
//!   done time = resolution date.
//! - A status's meaning comes from its category (`new`, `indeterminate`, `done`), which its name
//!   may refine but never overrule ([`crate::flow::mapping::infer`]). A status name that stands
//!   for statuses of different categories (team-managed projects each have their own "Review")
//!   is mapped per project.
//! - Changelog entries → transitions keyed `<history id>:<item position>`: `status` (state),
//!   `assignee`, `labels` (one transition per label added or removed), the Flagged field (flag:
//!   blocked / unblocked). Fields are recognised by their id where the changelog gives it
//!   (names of custom fields may be translated or renamed). `Key` changes record the keys an
//!   issue had before it moved.
//! - `issuelinks` → links of every type, read from the type's outward and inward descriptions
//!   ("blocks" / "is blocked by", "duplicates", "clones", "depends on", "implements", "is child
//!   of", ...; anything else relates), each stored once whichever issue lists it; `parent`,
//!   `subtasks` and the company-managed Epic Link field → parent links.

use std::collections::{HashMap, HashSet};

use crate::connectors::{parse_time, StateMeanings};
use crate::graph::model::{
    FlowState, IntentKind, IntentRuleField, ItemFacet, ItemKind, Link, LinkKind, LinkOrigin,
    SourceIntentLink, SourcedIntent, Transition, TransitionKind, WorkItem,
};
use crate::graph::repo::links::{LinkSet, Side};
use crate::ingest::write::{PageWrite, SeenPerson};
use crate::rules::eval::{ProvenanceFacts, ProvenanceVerdict, Rules};

use super::model::{
    Fields, History, HistoryItem, Issue, IssueLink, Keyed, LinkType, Named, Status, User,
};

/// The item id of an issue: `jira:<namespace>/<Jira's numeric issue id>`.
pub fn item_id(ns: &str, issue_id: &str) -> String {
    format!("jira:{ns}/{issue_id}")
}

/// How a key names an issue: `jira:<namespace>/<KEY>` (see `item_keys`).
pub fn key_ref(ns: &str, key: &str) -> String {
    format!("jira:{ns}/{key}")
}

/// The id of an issue a record points at: its id when the record gives one, else its key.
pub fn target(ns: &str, issue: &Keyed) -> Option<String> {
    match issue.id.as_deref().filter(|id| !id.is_empty()) {
        Some(id) => Some(item_id(ns, id)),
        None if !issue.key.is_empty() => Some(key_ref(ns, &issue.key)),
        None => None,
    }
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

/// What `/status` says of the site's statuses.
#[derive(Debug, Clone, Default)]
pub struct Statuses {
    /// Category key by status id.
    by_id: HashMap<String, String>,
    /// Category key by status name, for names that are not ambiguous.
    by_name: HashMap<String, String>,
    /// Names shared by statuses of different categories (in different projects): mapped per
    /// project.
    ambiguous: HashSet<String>,
}

impl Statuses {
    /// From `/status`.
    pub fn new(statuses: &[Status]) -> Statuses {
        let mut by_id = HashMap::new();
        let mut categories: HashMap<&str, HashSet<&str>> = HashMap::new();
        for status in statuses {
            let Some(category) = status
                .status_category
                .as_ref()
                .and_then(|c| c.key.as_deref())
            else {
                continue;
            };
            if let Some(id) = &status.id {
                by_id.insert(id.clone(), category.to_owned());
            }
            categories
                .entry(status.name.as_str())
                .or_default()
                .insert(category);
        }
        let mut by_name = HashMap::new();
        let mut ambiguous = HashSet::new();
        for (name, set) in categories {
            if set.len() > 1 {
                ambiguous.insert(name.to_owned());
            } else if let Some(category) = set.into_iter().next() {
                by_name.insert(name.to_owned(), category.to_owned());
            }
        }
        Statuses {
            by_id,
            by_name,
            ambiguous,
        }
    }

    /// The category of a status: by its id, else by its name when the name is not ambiguous.
    pub fn category(&self, id: Option<&str>, name: &str) -> Option<&str> {
        id.and_then(|id| self.by_id.get(id))
            .or_else(|| self.by_name.get(name))
            .map(String::as_str)
    }

    /// Where a status name is mapped for an issue of `project`: the project when the name is
    /// ambiguous, else every project ('').
    pub fn scope<'a>(&self, name: &str, project: &'a str) -> &'a str {
        if self.ambiguous.contains(name) {
            project
        } else {
            ""
        }
    }

    /// True when statuses of different categories share `name`.
    pub fn is_ambiguous(&self, name: &str) -> bool {
        self.ambiguous.contains(name)
    }
}

/// Custom fields Baton reads, by id (found through `/field`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomFields {
    /// Company-managed projects' Epic Link (its value is the epic's key).
    pub epic_link: Option<String>,
    /// Jira Software's Flagged field.
    pub flagged: Option<String>,
    /// The story point fields ("Story Points", "Story point estimate"), in the site's order.
    pub story_points: Vec<String>,
}

/// What mapping needs besides the issue.
pub struct MapCtx<'a> {
    pub source_id: &'a str,
    pub site: &'a str,
    /// The namespace of item ids (the site's host).
    pub ns: &'a str,
    pub rules: &'a Rules,
    pub states: &'a mut StateMeanings,
    pub statuses: &'a Statuses,
    pub fields: &'a CustomFields,
}

/// An issue's story points: the first of the story point fields holding a number (a number or
/// a numeric text), not negative.
fn story_points(fields: &CustomFields, f: &Fields) -> Option<f64> {
    fields.story_points.iter().find_map(|field| {
        let v = f.custom.get(field)?;
        v.as_f64()
            .or_else(|| v.as_str().and_then(|t| t.trim().parse::<f64>().ok()))
            .filter(|p| p.is_finite() && *p >= 0.0)
    })
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
                email: user.email_address.clone(),
            },
        ),
    )
}

/// What the rules say of an issue: its team (by project, component or label) and who made it
/// (by its reporter's name and its labels). Mapping and re-deriving after a rule change
/// (`sync::rederive`) both use it, so they cannot disagree.
pub fn rule_verdicts(rules: &Rules, issue: &Issue) -> (Option<String>, ProvenanceVerdict) {
    let f = &issue.fields;
    let project = project_of_issue(issue);
    let author = f.reporter.as_ref().or(f.creator.as_ref());
    let verdict = rules.provenance(&ProvenanceFacts {
        author: author.and_then(|u| u.display_name.as_deref().or(u.login())),
        author_is_bot: author.is_some_and(User::is_bot),
        body: None,
        labels: &f.labels,
    });
    let mut facts: Vec<(&str, &str)> = vec![("project", project.as_str())];
    facts.extend(f.components.iter().map(|c| ("component", c.name.as_str())));
    facts.extend(f.labels.iter().map(|l| ("label", l.as_str())));
    (rules.team_for(&facts), verdict)
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

/// Which changelog field an item changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Status,
    Assignee,
    Labels,
    Flagged,
    Key,
    Link,
    Other,
}

fn field_of(change: &HistoryItem, fields: &CustomFields) -> Field {
    if let Some(id) = change.field_id.as_deref().filter(|id| !id.is_empty()) {
        if fields.flagged.as_deref() == Some(id) {
            return Field::Flagged;
        }
        match id {
            "status" => return Field::Status,
            "assignee" => return Field::Assignee,
            "labels" => return Field::Labels,
            _ => {}
        }
    }
    match change.field.to_lowercase().as_str() {
        "status" => Field::Status,
        "assignee" => Field::Assignee,
        "labels" => Field::Labels,
        "flagged" => Field::Flagged,
        "key" => Field::Key,
        "link" => Field::Link,
        _ => Field::Other,
    }
}

/// The project an issue is in now.
fn project_of_issue(issue: &Issue) -> String {
    issue
        .fields
        .project
        .as_ref()
        .map(|p| p.key.clone())
        .filter(|k| !k.is_empty())
        .unwrap_or_else(|| crate::flow::mapping::project_of(&issue.key).to_owned())
}

/// An issue's description as plain text: a string as it is (API v2's wiki markup, read as
/// text), an Atlassian Document Format tree flattened (the text of its text nodes; mentions,
/// emoji, dates, statuses and cards by their text, label or address; a line break after each
/// block); none or anything else is empty. Marks (links, bold) are dropped with the markup.
pub fn description_text(description: Option<&serde_json::Value>) -> String {
    use serde_json::Value;
    fn walk(node: &Value, out: &mut String, depth: usize) {
        if depth > 64 {
            return;
        }
        let Some(obj) = node.as_object() else {
            return;
        };
        let kind = obj.get("type").and_then(Value::as_str).unwrap_or("");
        let attr = |name: &str| {
            obj.get("attrs")
                .and_then(|a| a.get(name))
                .and_then(Value::as_str)
        };
        match kind {
            "text" => {
                if let Some(t) = obj.get("text").and_then(Value::as_str) {
                    out.push_str(t);
                }
            }
            "hardBreak" | "rule" => out.push('\n'),
            "mention" | "emoji" | "status" => {
                if let Some(t) = attr("text").or_else(|| attr("shortName")) {
                    out.push_str(t);
                }
            }
            "inlineCard" | "blockCard" | "embedCard" => {
                if let Some(t) = attr("url") {
                    out.push_str(t);
                }
            }
            _ => {}
        }
        if let Some(children) = obj.get("content").and_then(Value::as_array) {
            for child in children {
                walk(child, out, depth + 1);
            }
        }
        if matches!(
            kind,
            "paragraph"
                | "heading"
                | "codeBlock"
                | "blockquote"
                | "listItem"
                | "tableCell"
                | "tableHeader"
                | "panel"
                | "mediaSingle"
                | "expand"
        ) && !out.ends_with('\n')
        {
            out.push('\n');
        }
    }
    match description {
        Some(Value::String(text)) => text.clone(),
        Some(node @ Value::Object(_)) => {
            let mut out = String::new();
            walk(node, &mut out, 0);
            out.trim_end().to_owned()
        }
        _ => String::new(),
    }
}

/// Maps an issue with its full changelog.
pub fn map_issue(
    page: &mut PageWrite,
    ctx: &mut MapCtx<'_>,
    issue: &Issue,
    histories: &[History],
) -> Option<WorkItem> {
    let f = &issue.fields;
    let id = item_id(ctx.ns, &issue.id);
    let created = parse_time(f.created.as_deref()?)?;
    let updated = f.updated.as_deref().and_then(parse_time).unwrap_or(created);
    page.descriptions
        .push((id.clone(), description_text(f.description.as_ref())));
    let project = project_of_issue(issue);
    let status = f.status.clone().unwrap_or_default();
    let category = ctx
        .statuses
        .category(status.id.as_deref(), &status.name)
        .map(str::to_owned)
        .or_else(|| status.status_category.as_ref().and_then(|c| c.key.clone()));
    let scope = ctx.statuses.scope(&status.name, &project).to_owned();
    let (flow, reason) = ctx
        .states
        .flow_in(&scope, &status.name, category.as_deref());

    let mut started = None;
    let mut last_done = None;
    let mut link_times: HashMap<String, i64> = HashMap::new();
    let mut keys = vec![key_ref(ctx.ns, &issue.key)];
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
            match field_of(change, ctx.fields) {
                Field::Status => {
                    let to = change.to_string.clone().unwrap_or_default();
                    let category = ctx.statuses.category(change.to.as_deref(), &to);
                    let scope = ctx.statuses.scope(&to, &project);
                    let meaning = ctx.states.resolve_in(scope, &to, category);
                    if let Some(from) = &change.from_string {
                        let category = ctx.statuses.category(change.from.as_deref(), from);
                        let scope = ctx.statuses.scope(from, &project);
                        ctx.states.resolve_in(scope, from, category);
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
                Field::Assignee => {
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
                Field::Labels => {
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
                Field::Flagged => {
                    // Flagging sets a value ("Impediment"); unflagging clears it.
                    let flagged = change
                        .to_string
                        .as_deref()
                        .or(change.to.as_deref())
                        .is_some_and(|t| !t.trim().is_empty() && t.trim() != "[]");
                    push(
                        TransitionKind::Flag,
                        None,
                        if flagged { "blocked" } else { "unblocked" }.to_owned(),
                        event_id,
                    );
                }
                Field::Key => {
                    // The issue moved: its old key still names it.
                    for old in [&change.from_string, &change.from].into_iter().flatten() {
                        if !old.is_empty() && *old != issue.key {
                            keys.push(key_ref(ctx.ns, old));
                        }
                    }
                }
                Field::Link => {
                    if let Some(text) = &change.to_string {
                        if let Some(other) = text.split_whitespace().last() {
                            link_times.entry(other.to_owned()).or_insert(at);
                        }
                    }
                }
                Field::Other => {}
            }
        }
    }
    // Every key also names the issue across tools (a pull request that mentions it).
    let prefix = key_ref(ctx.ns, "");
    let anywhere: Vec<String> = keys
        .iter()
        .filter_map(|k| k.strip_prefix(&prefix))
        .map(crate::connectors::crossref::jira_key_ref)
        .collect();
    keys.extend(anywhere);
    keys.sort_unstable();
    keys.dedup();
    page.keys
        .extend(keys.into_iter().map(|key| (key, id.clone())));

    let author = f.reporter.as_ref().or(f.creator.as_ref());
    let author_id = author.and_then(|u| person(page, ctx.source_id, u));
    let owner_id = f
        .assignee
        .as_ref()
        .and_then(|u| person(page, ctx.source_id, u));
    let (team_id, verdict) = rule_verdicts(ctx.rules, issue);
    let finished = matches!(flow, FlowState::Done | FlowState::Canceled);

    links(page, ctx, &id, issue, &link_times, created);
    intent_facts(page, ctx, &id, issue, owner_id.clone(), created);

    Some(WorkItem {
        id: id.clone(),
        source_id: ctx.source_id.to_owned(),
        external_id: issue.id.clone(),
        key: issue.key.clone(),
        url: format!("{}/browse/{}", ctx.site.trim_end_matches('/'), issue.key),
        kind: kind_for(f.issuetype.as_ref().map(|t| t.name.as_str()).unwrap_or("")),
        title: f.summary.clone().unwrap_or_default(),
        team_id,
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
        estimate: story_points(ctx.fields, f),
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

/// What a link type means, read as "this issue <description> the other": the kind, and whether
/// this issue is the link's `from` end (false: the other one is).
///
/// Jira names each type's two directions (`outward` "blocks", `inward` "is blocked by"); custom
/// types are read the same way, by their descriptions, then by their name.
pub fn relation(link_type: &LinkType, outward: bool) -> (LinkKind, bool) {
    let said = if outward {
        link_type.outward.as_deref()
    } else {
        link_type.inward.as_deref()
    }
    .unwrap_or("")
    .to_lowercase();
    let said = said.trim();
    // Passive forms first: "is blocked by" holds "block".
    const PHRASES: &[(&str, LinkKind, bool)] = &[
        ("is blocked by", LinkKind::Blocks, false),
        ("blocked by", LinkKind::Blocks, false),
        ("is depended on by", LinkKind::Blocks, true),
        ("is a dependency of", LinkKind::Blocks, true),
        ("is a prerequisite of", LinkKind::Blocks, true),
        ("is required by", LinkKind::Blocks, true),
        ("depends on", LinkKind::Blocks, false),
        ("is dependent on", LinkKind::Blocks, false),
        ("requires", LinkKind::Blocks, false),
        ("blocks", LinkKind::Blocks, true),
        ("is a blocker of", LinkKind::Blocks, true),
        ("is duplicated by", LinkKind::Duplicates, false),
        ("duplicates", LinkKind::Duplicates, true),
        ("is a duplicate of", LinkKind::Duplicates, true),
        ("is implemented by", LinkKind::Implements, false),
        ("implements", LinkKind::Implements, true),
        ("is a child of", LinkKind::Parent, false),
        ("is child of", LinkKind::Parent, false),
        ("is a parent of", LinkKind::Parent, true),
        ("is parent of", LinkKind::Parent, true),
        ("is deployed by", LinkKind::Deploys, false),
        ("deploys", LinkKind::Deploys, true),
    ];
    for (phrase, kind, this_first) in PHRASES {
        if said == *phrase || said.starts_with(&format!("{phrase} ")) {
            return (*kind, *this_first);
        }
    }
    // A type whose descriptions say nothing known: by its name, outward as its direction.
    let name = link_type.name.to_lowercase();
    if name.contains("block") || name.contains("depend") {
        (LinkKind::Blocks, outward)
    } else if name.contains("duplicat") {
        (LinkKind::Duplicates, outward)
    } else {
        // "relates to", "clones" / "is cloned by", "causes", "split to"...: related, no order.
        (LinkKind::Relates, true)
    }
}

/// The edge one `issuelinks` entry stands for, seen from issue `this` (an item id).
pub fn edge(ns: &str, this: &str, link: &IssueLink) -> Option<(String, String, LinkKind)> {
    let (other, outward) = match (&link.outward_issue, &link.inward_issue) {
        (Some(o), _) => (target(ns, o)?, true),
        (None, Some(i)) => (target(ns, i)?, false),
        (None, None) => return None,
    };
    let (kind, this_first) = relation(&link.link_type, outward);
    Some(match kind {
        LinkKind::Relates => {
            // No direction: one row in id order, whichever end lists it.
            if *this <= *other.as_str() {
                (this.to_owned(), other, kind)
            } else {
                (other, this.to_owned(), kind)
            }
        }
        _ if this_first => (this.to_owned(), other, kind),
        _ => (other, this.to_owned(), kind),
    })
}

fn links(
    page: &mut PageWrite,
    ctx: &MapCtx<'_>,
    id: &str,
    issue: &Issue,
    link_times: &HashMap<String, i64>,
    created: i64,
) {
    let f = &issue.fields;
    let ns = ctx.ns;
    let mut seen = HashSet::new();
    let mut add = |page: &mut PageWrite,
                   (from, to, kind): (String, String, LinkKind),
                   other_key: &str,
                   keep: &mut Vec<(String, String, LinkKind)>| {
        if !seen.insert((from.clone(), to.clone(), kind)) {
            return;
        }
        let at = link_times.get(other_key).copied().unwrap_or(created);
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
    let prefix = format!("jira:{ns}/");
    // Issue links, of every type. Parent-like types are kept with the parent links below.
    let mut keep = Vec::new();
    let mut typed_parents = Vec::new();
    for link in &f.issuelinks {
        let Some(e) = edge(ns, id, link) else {
            continue;
        };
        let other_key = link
            .outward_issue
            .as_ref()
            .or(link.inward_issue.as_ref())
            .map(|o| o.key.as_str())
            .unwrap_or("");
        if e.2 == LinkKind::Parent {
            typed_parents.push((e, other_key.to_owned()));
        } else {
            add(page, e, other_key, &mut keep);
        }
    }
    page.link_sets.push(LinkSet {
        item_id: id.to_owned(),
        kinds: vec![
            LinkKind::Blocks,
            LinkKind::Duplicates,
            LinkKind::Relates,
            LinkKind::Implements,
            LinkKind::Deploys,
        ],
        side: Side::Either,
        other_prefix: prefix.clone(),
        keep,
    });
    // Parents: the parent field (sub-tasks; team-managed hierarchy; epics on Cloud), the
    // company-managed Epic Link, and parent-like link types.
    let mut parents = Vec::new();
    let mut children = Vec::new();
    if let Some(parent) = f.parent.as_ref() {
        if let Some(parent_id) = target(ns, parent) {
            add(
                page,
                (parent_id, id.to_owned(), LinkKind::Parent),
                &parent.key,
                &mut parents,
            );
        }
    }
    if let Some(epic) = ctx
        .fields
        .epic_link
        .as_deref()
        .and_then(|field| f.custom.get(field))
        .and_then(epic_key)
    {
        add(
            page,
            (key_ref(ns, &epic), id.to_owned(), LinkKind::Parent),
            &epic,
            &mut parents,
        );
    }
    for sub in &f.subtasks {
        if let Some(sub_id) = target(ns, sub) {
            add(
                page,
                (id.to_owned(), sub_id, LinkKind::Parent),
                &sub.key,
                &mut children,
            );
        }
    }
    for (e, other_key) in typed_parents {
        if e.0 == id {
            add(page, e, &other_key, &mut children);
        } else {
            add(page, e, &other_key, &mut parents);
        }
    }
    // Only the child side says which parents an issue has: a parent lists its sub-tasks, not
    // the children of an epic or of a team-managed parent, so its list retires nothing.
    page.link_sets.push(LinkSet {
        item_id: id.to_owned(),
        kinds: vec![LinkKind::Parent],
        side: Side::To,
        other_prefix: prefix,
        keep: parents,
    });
}

/// The epic key an Epic Link value holds (a key; some sites send an object with a key).
fn epic_key(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(key) if !key.trim().is_empty() => Some(key.trim().to_owned()),
        serde_json::Value::Object(map) => map
            .get("key")
            .and_then(|k| k.as_str())
            .filter(|k| !k.is_empty())
            .map(str::to_owned),
        _ => None,
    }
}

/// An issue type's level: the site's `hierarchyLevel` when sent, else from its name (Epic 1,
/// Initiative 2, anything else 0).
fn level_of(issue_type: Option<&Named>) -> i64 {
    match issue_type {
        Some(t) => t.hierarchy_level.unwrap_or_else(|| {
            let name = t.name.to_lowercase();
            if name.contains("initiative") {
                2
            } else if name.contains("epic") || name.contains("史诗") {
                1
            } else {
                0
            }
        }),
        None => 0,
    }
}

/// A Jira priority name as an intent priority (1 is the highest).
fn priority_rank(name: &str) -> Option<i64> {
    match name.trim().to_lowercase().as_str() {
        "highest" | "blocker" => Some(1),
        "high" | "critical" => Some(2),
        "medium" | "major" => Some(3),
        "low" | "minor" => Some(4),
        "lowest" | "trivial" => Some(5),
        _ => None,
    }
}

/// What an issue says about intents: an epic or a higher-level issue (initiative) is an intent
/// (its parent at the source is its parent intent) and serves itself; any other issue serves the
/// epic or initiative its parent field or Epic Link names. Its facets (project, components,
/// labels, parent, epic) are what intent rules match.
fn intent_facts(
    page: &mut PageWrite,
    ctx: &MapCtx<'_>,
    id: &str,
    issue: &Issue,
    owner_id: Option<String>,
    created: i64,
) {
    let f = &issue.fields;
    let facet = |field: IntentRuleField, value: &str| ItemFacet {
        item_id: id.to_owned(),
        field,
        value: value.to_owned(),
    };
    page.intent_facts_for.push(id.to_owned());
    page.facets
        .push(facet(IntentRuleField::Project, &project_of_issue(issue)));
    for c in &f.components {
        page.facets.push(facet(IntentRuleField::Component, &c.name));
    }
    for l in &f.labels {
        page.facets.push(facet(IntentRuleField::Label, l));
    }
    let level = level_of(f.issuetype.as_ref());
    let parent_level = f
        .parent
        .as_ref()
        .map(|p| level_of(p.fields.as_ref().and_then(|x| x.issuetype.as_ref())));
    if let Some(parent) = &f.parent {
        page.facets
            .push(facet(IntentRuleField::Parent, &parent.key));
    }
    let epic_link = ctx
        .fields
        .epic_link
        .as_deref()
        .and_then(|field| f.custom.get(field))
        .and_then(epic_key);
    if level >= 1 {
        page.intents.push(SourcedIntent {
            id: id.to_owned(),
            external_id: issue.id.clone(),
            key: issue.key.clone(),
            parent: f
                .parent
                .as_ref()
                .filter(|_| parent_level.unwrap_or(0) > level)
                .map(|p| p.id.clone().unwrap_or_else(|| p.key.clone())),
            kind: if level >= 2 {
                IntentKind::Goal
            } else {
                IntentKind::Initiative
            },
            title: f.summary.clone().unwrap_or_else(|| issue.key.clone()),
            description: String::new(),
            url: format!("{}/browse/{}", ctx.site.trim_end_matches('/'), issue.key),
            owner_id,
            target_at: None,
            priority: f.priority.as_ref().and_then(|p| priority_rank(&p.name)),
            created_at: created,
        });
        page.intent_links.push(SourceIntentLink {
            item_id: id.to_owned(),
            source_ref: issue.id.clone(),
        });
        page.facets.push(facet(IntentRuleField::Epic, &issue.key));
        return;
    }
    // The epic (or higher level) it sits under: its parent when that is one, else its Epic Link.
    let served = match (&f.parent, parent_level) {
        (Some(p), Some(l)) if l >= 1 => {
            Some((p.id.clone().unwrap_or_else(|| p.key.clone()), p.key.clone()))
        }
        _ => epic_link.map(|k| (k.clone(), k)),
    };
    if let Some((reference, key)) = served {
        page.facets.push(facet(IntentRuleField::Epic, &key));
        page.intent_links.push(SourceIntentLink {
            item_id: id.to_owned(),
            source_ref: reference,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::{Category, Keyed, LinkType};
    use super::*;

    fn kind(name: &str, outward: &str, inward: &str) -> LinkType {
        LinkType {
            name: name.into(),
            inward: Some(inward.into()),
            outward: Some(outward.into()),
        }
    }

    fn link(link_type: LinkType, inward: Option<&str>, outward: Option<&str>) -> IssueLink {
        let keyed = |id: &str| Keyed {
            id: Some(id.into()),
            key: format!("K-{id}"),
            fields: None,
        };
        IssueLink {
            id: "1".into(),
            link_type,
            inward_issue: inward.map(keyed),
            outward_issue: outward.map(keyed),
        }
    }

    #[test]
    fn a_link_is_the_same_edge_from_both_ends() {
        let blocks = || kind("Blocks", "blocks", "is blocked by");
        // A lists "is blocked by B" (inward B); B lists "blocks A" (outward A).
        let from_a = edge("s", "jira:s/1", &link(blocks(), Some("2"), None));
        let from_b = edge("s", "jira:s/2", &link(blocks(), None, Some("1")));
        assert_eq!(
            from_a,
            Some(("jira:s/2".into(), "jira:s/1".into(), LinkKind::Blocks)),
            "inward issue blocks this one"
        );
        assert_eq!(from_a, from_b, "both ends describe one edge");
        let relates = || kind("Relates", "relates to", "relates to");
        assert_eq!(
            edge("s", "jira:s/1", &link(relates(), None, Some("2"))),
            edge("s", "jira:s/2", &link(relates(), Some("1"), None)),
            "undirected links are stored once, in id order"
        );
    }

    #[test]
    fn descriptions_are_read_as_plain_text_from_a_string_or_a_document_tree() {
        let adf = serde_json::json!({
            "type": "doc", "version": 1,
            "content": [
                { "type": "heading", "attrs": { "level": 2 },
                  "content": [{ "type": "text", "text": "Refunds fail" }] },
                { "type": "paragraph", "content": [
                    { "type": "text", "text": "Ask " },
                    { "type": "mention", "attrs": { "id": "5b10", "text": "@Ann" } },
                    { "type": "text", "text": " about <script>alert(1)</script>",
                      "marks": [{ "type": "strong" }] },
                    { "type": "hardBreak" },
                    { "type": "inlineCard", "attrs": { "url": "https://example.com/x" } }
                ] },
                { "type": "bulletList", "content": [
                    { "type": "listItem", "content": [
                        { "type": "paragraph", "content": [{ "type": "text", "text": "one" }] }
                    ] }
                ] },
                { "type": "codeBlock", "content": [{ "type": "text", "text": "x = 1" }] }
            ]
        });
        assert_eq!(
            description_text(Some(&adf)),
            "Refunds fail\nAsk @Ann about <script>alert(1)</script>\nhttps://example.com/x\none\nx = 1",
            "text nodes in order, a line per block; markup in the text stays text"
        );
        let wiki = serde_json::json!("h2. Refunds *fail*");
        assert_eq!(description_text(Some(&wiki)), "h2. Refunds *fail*");
        assert_eq!(description_text(None), "");
        assert_eq!(description_text(Some(&serde_json::json!(12))), "");
    }

    #[test]
    fn link_types_are_read_by_their_descriptions() {
        let cases = [
            (
                kind("Duplicate", "duplicates", "is duplicated by"),
                true,
                (LinkKind::Duplicates, true),
            ),
            (
                kind("Duplicate", "duplicates", "is duplicated by"),
                false,
                (LinkKind::Duplicates, false),
            ),
            (
                kind("Cloners", "clones", "is cloned by"),
                true,
                (LinkKind::Relates, true),
            ),
            (
                kind("Dependency", "depends on", "is depended on by"),
                true,
                (LinkKind::Blocks, false),
            ),
            (
                kind("Dependency", "depends on", "is depended on by"),
                false,
                (LinkKind::Blocks, true),
            ),
            (
                kind("Hierarchy", "is parent of", "is child of"),
                false,
                (LinkKind::Parent, false),
            ),
            (
                kind("Polaris work item link", "implements", "is implemented by"),
                true,
                (LinkKind::Implements, true),
            ),
            (
                kind("Gating", "gates", "is gated by"),
                true,
                (LinkKind::Relates, true),
            ),
            (
                kind("Blocker", "stops", "is stopped by"),
                false,
                (LinkKind::Blocks, false),
            ),
        ];
        for (link_type, outward, expected) in cases {
            assert_eq!(
                relation(&link_type, outward),
                expected,
                "{} ({})",
                link_type.name,
                if outward { "outward" } else { "inward" }
            );
        }
    }

    #[test]
    fn ambiguous_status_names_are_mapped_per_project() {
        let status = |id: &str, name: &str, category: &str| Status {
            id: Some(id.into()),
            name: name.into(),
            status_category: Some(Category {
                key: Some(category.into()),
            }),
            scope: None,
        };
        let statuses = Statuses::new(&[
            status("3", "Review", "indeterminate"),
            status("10153", "Review", "done"),
            status("10033", "To Do", "new"),
            status("10150", "To Do", "new"),
        ]);
        assert!(statuses.is_ambiguous("Review"));
        assert_eq!(statuses.scope("Review", "K5"), "K5");
        assert_eq!(
            statuses.scope("To Do", "K5"),
            "",
            "the same category everywhere: one mapping"
        );
        assert_eq!(statuses.category(Some("10153"), "Review"), Some("done"));
        assert_eq!(
            statuses.category(None, "Review"),
            None,
            "an ambiguous name says nothing by itself"
        );
        assert_eq!(statuses.category(None, "To Do"), Some("new"));
    }

    #[test]
    fn issue_types_in_several_languages() {
        assert_eq!(kind_for("Bug"), ItemKind::Defect);
        assert_eq!(kind_for("缺陷"), ItemKind::Defect);
        assert_eq!(kind_for("故事"), ItemKind::Feature);
        assert_eq!(kind_for("Sub-task"), ItemKind::Task);
    }
}
