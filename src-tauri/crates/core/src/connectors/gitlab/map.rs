//! GitLab records → work graph rows. Pure functions: no I/O.
//!
//! - Issue → item `gl:<host>/<project id>#<iid>` (GitLab's numeric project id, so a renamed or
//!   moved project keeps its items); `group/project#iid` is its key. Kind from the issue type
//!   (`incident`, `task`) or the labels, as GitHub's; raw state `open` or `closed`, with the
//!   close as a state change at `closed_at`. Owner: the first assignee.
//! - Merge request → item `gl:<host>/<project id>!<iid>` of kind `pull_request`, key
//!   `group/project!iid`, with the raw states of GitHub pull requests (`draft`, `open`,
//!   `review requested`, `changes requested`, `approved`, `merged`, `closed (unmerged)`), so the
//!   same workflow map gives them the same flow. Its history comes from its system notes
//!   (marked as draft / ready, review requested, approved / unapproved, merged, closed,
//!   reopened, assigned); its record as GitLab lists it now is the truth about its current state.
//!   "Closes #12" (GitLab's closing pattern) in its description → an `implements` link to the
//!   issue; Jira keys in its title, branch or description → `implements` links to them.
//! - An issue's or merge request's label history (`/issues/:iid/resource_label_events`,
//!   `/merge_requests/:iid/resource_label_events`) → `label` changes: an
//!   `add` is a change to the label's name, a `remove` a change from it (as GitHub's
//!   `labeled` / `unlabeled`), at the event's time, by its user. Events whose label was deleted
//!   since (`label: null`) say nothing and are left out.
//! - An issue's state history (`/issues/:iid/resource_state_events`, GitLab 13.2+) → `state`
//!   changes: `closed` (open → closed) and `reopened` (closed → open), in place of the close its
//!   record alone gives. Merge requests take theirs from their system notes, which say the same.
//! - Issue links (`/issues/:iid/links`): `blocks` / `is_blocked_by` → `blocks` edges,
//!   `relates_to` → `relates`.
//! - Milestones → intents (milestone), an issue's epic → an intent (initiative); an item serves
//!   its epic, else its milestone; its project, labels and epic are its intent-rule facets.
//!
//! Provenance follows GitHub's rules: a bot author (GitLab's project, group and service-account
//! bots) is automation unless a rule says more; labels, the description's co-author trailers and
//! markers are read by the same rules.

use crate::connectors::github::lifecycle::{
    Lifecycle, APPROVED, CHANGES_REQUESTED, CLOSED_UNMERGED, DRAFT, MERGED, OPEN, REVIEW_REQUESTED,
};
use crate::connectors::github::map::kind_for;
use crate::connectors::{crossref, end_of_day, parse_time, StateMeanings};
use crate::graph::model::{
    FlowState, IntentKind, IntentRuleField, ItemFacet, ItemKind, Link, LinkKind, LinkOrigin,
    SourceIntentLink, SourcedIntent, Transition, TransitionKind, WorkItem,
};
use crate::graph::repo::links::{LinkSet, Side};
use crate::ingest::write::{PageWrite, SeenPerson};
use crate::rules::eval::{ProvenanceFacts, ProvenanceVerdict, Rules};

use super::model::{
    Approvals, EpicRef, Issue, Label, LabelEvent, LinkedIssue, MergeRequest, Milestone, Note,
    StateEvent, User,
};

/// Where a GitLab link was found (`links.found_in`).
pub const FOUND_IN_DESCRIPTION: &str = "merge request description";
pub const FOUND_IN_TITLE: &str = "merge request title";
pub const FOUND_IN_BRANCH: &str = "branch name";
pub const FOUND_IN_ISSUE_LINKS: &str = "issue links";

/// An issue's raw states.
pub const ISSUE_OPEN: &str = "open";
pub const ISSUE_CLOSED: &str = "closed";

/// How the items of one project are named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectIds {
    /// The namespace of item ids (`gitlab.com`, a self-managed instance's host).
    pub ns: String,
    /// GitLab's numeric project id.
    pub project_id: i64,
    /// `group/subgroup/project` as GitLab spells it now.
    pub path: String,
}

impl ProjectIds {
    /// The item id of issue `iid` of this project.
    pub fn issue(&self, iid: i64) -> String {
        format!("gl:{}/{}#{iid}", self.ns, self.project_id)
    }

    /// The item id of merge request `iid` of this project.
    pub fn merge_request(&self, iid: i64) -> String {
        format!("gl:{}/{}!{iid}", self.ns, self.project_id)
    }

    /// The id of the issue a key (`group/project#N`) names: this project's item id when the
    /// key is of this project, else the key (qualified), which resolves once that project's
    /// issue is synced.
    pub fn of_key(&self, key: &str) -> String {
        match key.rsplit_once('#') {
            Some((path, number)) if path.eq_ignore_ascii_case(&self.path) => {
                match number.parse::<i64>() {
                    Ok(n) => self.issue(n),
                    Err(_) => key_ref(&self.ns, key),
                }
            }
            _ => key_ref(&self.ns, key),
        }
    }
}

/// How a key names an issue or merge request: `gl:<namespace>/group/project#N`.
pub fn key_ref(ns: &str, key: &str) -> String {
    format!("gl:{ns}/{key}")
}

/// What mapping needs besides the record.
pub struct MapCtx<'a> {
    pub source_id: &'a str,
    pub rules: &'a Rules,
    pub states: &'a mut StateMeanings,
    pub project: &'a ProjectIds,
}

/// The key of a record: its full reference, else the project's path and its number.
fn key_of(full: Option<&str>, path: &str, sep: char, iid: i64) -> String {
    match full.map(str::trim).filter(|f| f.contains(sep)) {
        Some(full) => full.to_owned(),
        None => format!("{path}{sep}{iid}"),
    }
}

/// The key of an issue (`group/project#12`).
pub fn issue_key(issue: &Issue, path: &str) -> String {
    key_of(
        issue.references.as_ref().and_then(|r| r.full.as_deref()),
        path,
        '#',
        issue.iid,
    )
}

/// The key of a merge request (`group/project!3`).
pub fn merge_request_key(mr: &MergeRequest, path: &str) -> String {
    key_of(
        mr.references.as_ref().and_then(|r| r.full.as_deref()),
        path,
        '!',
        mr.iid,
    )
}

/// The raw state of an issue.
pub fn issue_state(issue: &Issue) -> &'static str {
    if issue.state == "closed" {
        ISSUE_CLOSED
    } else {
        ISSUE_OPEN
    }
}

/// The raw state of a merge request as GitLab lists it (without its notes: `open` or
/// `review requested` from its reviewers).
pub fn merge_request_state(mr: &MergeRequest) -> &'static str {
    if mr.merged_at.is_some() || mr.state == "merged" {
        MERGED
    } else if mr.state == "closed" {
        CLOSED_UNMERGED
    } else if mr.is_draft() {
        DRAFT
    } else if !mr.reviewers.is_empty() {
        REVIEW_REQUESTED
    } else {
        OPEN
    }
}

fn person(page: &mut PageWrite, source_id: &str, user: &User) -> String {
    page.person(
        source_id,
        SeenPerson {
            login: user.username.clone(),
            display_name: user
                .name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| user.username.clone()),
            is_bot: user.is_bot(),
            email: None,
        },
    )
}

fn project_of(key: &str) -> &str {
    key.rsplit_once(['#', '!']).map(|(p, _)| p).unwrap_or(key)
}

/// What the rules say of an issue or merge request `key`: its team (by project path or
/// label) and who made it (by its author's username, its description's co-author trailers and
/// markers, its labels). Mapping and re-deriving after a rule change both use it.
pub fn rule_verdicts(
    rules: &Rules,
    key: &str,
    labels: &[Label],
    author: Option<&User>,
    body: Option<&str>,
) -> (Option<String>, ProvenanceVerdict) {
    let label_names: Vec<String> = labels.iter().map(|l| l.name().to_owned()).collect();
    let verdict = rules.provenance(&ProvenanceFacts {
        author: author.map(|u| u.username.as_str()),
        author_is_bot: author.is_some_and(User::is_bot),
        body,
        labels: &label_names,
    });
    let mut facts: Vec<(&str, &str)> = vec![("repo", project_of(key))];
    facts.extend(label_names.iter().map(|l| ("label", l.as_str())));
    (rules.team_for(&facts), verdict)
}

struct Common<'a> {
    id: String,
    external_id: i64,
    key: String,
    kind: ItemKind,
    title: &'a str,
    raw_state: String,
    web_url: &'a str,
    author: Option<&'a User>,
    owner: Option<&'a User>,
    labels: &'a [Label],
    body: Option<&'a str>,
    created_at: &'a str,
    updated_at: &'a str,
    done_at: Option<&'a str>,
    started_at: Option<i64>,
    /// The issue's weight (merge requests have none).
    estimate: Option<f64>,
    milestone: Option<&'a Milestone>,
    /// The issue's epic (merge requests have none).
    epic: Option<&'a EpicRef>,
}

fn item(page: &mut PageWrite, ctx: &mut MapCtx<'_>, c: Common<'_>) -> Option<WorkItem> {
    let created = parse_time(c.created_at)?;
    let updated = parse_time(c.updated_at).unwrap_or(created);
    let (flow, reason) = ctx.states.flow_for(c.kind, &c.raw_state, None);
    let author_id = c.author.map(|u| person(page, ctx.source_id, u));
    let owner_id = c.owner.map(|u| person(page, ctx.source_id, u));
    let (team_id, verdict) = rule_verdicts(ctx.rules, &c.key, c.labels, c.author, c.body);
    let done = matches!(flow, FlowState::Done | FlowState::Canceled);
    page.keys
        .push((key_ref(&ctx.project.ns, &c.key), c.id.clone()));
    page.descriptions
        .push((c.id.clone(), description_text(c.body).to_owned()));
    intent_facts(page, ctx, &c, created);
    Some(WorkItem {
        id: c.id,
        source_id: ctx.source_id.to_owned(),
        external_id: c.external_id.to_string(),
        key: c.key,
        url: c.web_url.to_owned(),
        kind: c.kind,
        title: c.title.to_owned(),
        team_id,
        owner_id,
        author_id,
        provenance: verdict.provenance,
        provenance_agent: verdict.agent,
        provenance_confidence: verdict.confidence,
        raw_state: c.raw_state,
        flow_state: flow,
        wait_reason: reason,
        intent_id: None,
        priority: None,
        estimate: c.estimate.filter(|w| w.is_finite() && *w >= 0.0),
        created_at: created,
        started_at: c.started_at,
        done_at: if done {
            c.done_at.and_then(parse_time)
        } else {
            None
        },
        updated_at: updated,
    })
}

/// Where a GitLab page names a group's or project's thing: `https://host/groups/g/-/epics/5`
/// → (`g`, `5`); `https://host/g/p/-/milestones/3` → (`g/p`, `3`).
fn path_and_number<'u>(url: &'u str, what: &str) -> Option<(&'u str, &'u str)> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let (_, path) = rest.split_once('/')?;
    let (owner, number) = path.split_once(&format!("/-/{what}/"))?;
    let owner = owner.strip_prefix("groups/").unwrap_or(owner);
    let number = number.trim_end_matches('/');
    (!owner.is_empty() && !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
        .then_some((owner, number))
}

/// An epic's key as GitLab writes its reference (`group&5`).
pub fn epic_key(epic: &EpicRef) -> String {
    match path_and_number(&epic.url, "epics") {
        Some((group, number)) => format!("{group}&{number}"),
        None => format!("&{}", epic.iid),
    }
}

/// A milestone's key as GitLab writes its reference (`group%12`, `group/project%3`).
pub fn milestone_key(m: &Milestone) -> String {
    match path_and_number(&m.web_url, "milestones") {
        Some((owner, number)) => format!("{owner}%{number}"),
        None => format!("%{}", m.iid),
    }
}

/// What an issue or merge request says about intents. Its project and labels are what intent
/// rules match (and its epic's key, for rules on epics). Its milestone is an intent (kind
/// milestone) and its epic an initiative, both imported; it serves its epic when it has one (the
/// goal it is part of), else its milestone (the release it is planned for).
fn intent_facts(page: &mut PageWrite, ctx: &MapCtx<'_>, c: &Common<'_>, created: i64) {
    let facet = |field: IntentRuleField, value: &str| ItemFacet {
        item_id: c.id.clone(),
        field,
        value: value.to_owned(),
    };
    page.intent_facts_for.push(c.id.clone());
    page.facets
        .push(facet(IntentRuleField::Repository, project_of(&c.key)));
    for l in c.labels {
        page.facets.push(facet(IntentRuleField::Label, l.name()));
    }
    let mut serves = None;
    if let Some(m) = c.milestone.filter(|m| m.id != 0) {
        let external = format!("milestone/{}", m.id);
        if !page.intents.iter().any(|i| i.external_id == external) {
            page.intents.push(SourcedIntent {
                id: format!("gl:{}/milestone/{}", ctx.project.ns, m.id),
                external_id: external.clone(),
                key: milestone_key(m),
                parent: None,
                kind: IntentKind::Milestone,
                title: m.title.clone(),
                description: m.description.clone().unwrap_or_default(),
                url: m.web_url.clone(),
                owner_id: None,
                target_at: end_of_day(m.due_date.as_deref()),
                priority: None,
                created_at: m
                    .created_at
                    .as_deref()
                    .and_then(parse_time)
                    .unwrap_or(created),
            });
        }
        serves = Some(external);
    }
    if let Some(e) = c.epic.filter(|e| e.id != 0) {
        let key = epic_key(e);
        page.facets.push(facet(IntentRuleField::Epic, &key));
        let external = format!("epic/{}", e.id);
        if !page.intents.iter().any(|i| i.external_id == external) {
            page.intents.push(SourcedIntent {
                id: format!("gl:{}/epic/{}", ctx.project.ns, e.id),
                external_id: external.clone(),
                key,
                parent: None,
                kind: IntentKind::Initiative,
                title: e.title.clone(),
                description: String::new(),
                url: e.url.clone(),
                owner_id: None,
                target_at: None,
                priority: None,
                created_at: created,
            });
        }
        serves = Some(external);
    }
    if let Some(source_ref) = serves {
        page.intent_links.push(SourceIntentLink {
            item_id: c.id.clone(),
            source_ref,
        });
    }
}

/// An issue's or merge request's description as plain text (Markdown, read as text; none is
/// empty).
pub fn description_text(description: Option<&str>) -> &str {
    description.unwrap_or("")
}

/// Maps an issue to an item, with its lifecycle (its close, when closed): the state changes
/// replace what is stored of the issue.
pub fn map_issue(
    page: &mut PageWrite,
    ctx: &mut MapCtx<'_>,
    issue: &Issue,
) -> Option<(WorkItem, Lifecycle)> {
    let key = issue_key(issue, &ctx.project.path);
    let raw_state = issue_state(issue);
    let item = item(
        page,
        ctx,
        Common {
            id: ctx.project.issue(issue.iid),
            external_id: issue.id,
            key,
            kind: kind_for(&issue.labels, issue.issue_type.as_deref()),
            title: &issue.title,
            raw_state: raw_state.to_owned(),
            web_url: &issue.web_url,
            author: issue.author.as_ref(),
            owner: issue.assignees.first().or(issue.assignee.as_ref()),
            labels: &issue.labels,
            body: issue.description.as_deref(),
            created_at: &issue.created_at,
            updated_at: &issue.updated_at,
            done_at: issue.closed_at.as_deref(),
            started_at: None,
            estimate: issue.weight,
            milestone: issue.milestone.as_ref(),
            epic: issue.epic.as_ref(),
        },
    )?;
    let mut changes = Vec::new();
    if raw_state == ISSUE_CLOSED {
        let at = issue
            .closed_at
            .as_deref()
            .and_then(parse_time)
            .unwrap_or(item.updated_at);
        let actor = issue
            .closed_by
            .as_ref()
            .map(|u| person(page, ctx.source_id, u));
        changes.push(Transition {
            item_id: item.id.clone(),
            event_id: "listed:closed".into(),
            kind: TransitionKind::State,
            from_state: Some(ISSUE_OPEN.into()),
            to_state: ISSUE_CLOSED.into(),
            at,
            actor_id: actor,
        });
    }
    Some((
        item,
        Lifecycle {
            raw_state: raw_state.to_owned(),
            changes,
            reviews: Vec::new(),
            links: Vec::new(),
            requests: Vec::new(),
        },
    ))
}

/// Maps a merge request to an item, and its closing pattern and Jira keys to `implements`
/// links.
pub fn map_merge_request(
    page: &mut PageWrite,
    ctx: &mut MapCtx<'_>,
    mr: &MergeRequest,
) -> Option<WorkItem> {
    let key = merge_request_key(mr, &ctx.project.path);
    let item = item(
        page,
        ctx,
        Common {
            id: ctx.project.merge_request(mr.iid),
            external_id: mr.id,
            key: key.clone(),
            kind: ItemKind::PullRequest,
            title: &mr.title,
            raw_state: merge_request_state(mr).to_owned(),
            web_url: &mr.web_url,
            author: mr.author.as_ref(),
            owner: mr.assignees.first().or(mr.assignee.as_ref()),
            labels: &mr.labels,
            body: mr.description.as_deref(),
            created_at: &mr.created_at,
            updated_at: &mr.updated_at,
            done_at: mr.merged_at.as_deref().or(mr.closed_at.as_deref()),
            started_at: parse_time(&mr.created_at),
            estimate: None,
            milestone: mr.milestone.as_ref(),
            epic: None,
        },
    )?;
    let host_path = web_host(&mr.web_url);
    for target in closing_refs(
        mr.description.as_deref().unwrap_or(""),
        project_of(&key),
        &host_path,
    ) {
        page.links.push(Link {
            from_item_id: item.id.clone(),
            to_item_id: ctx.project.of_key(&target),
            kind: LinkKind::Implements,
            origin: LinkOrigin::Inferred,
            confidence: 0.9,
            created_at: item.created_at,
            removed_at: None,
            found_in: Some(FOUND_IN_DESCRIPTION.to_owned()),
        });
    }
    let mut seen: Vec<String> = Vec::new();
    for (text, found_in) in [
        (mr.title.as_str(), FOUND_IN_TITLE),
        (mr.source_branch.as_str(), FOUND_IN_BRANCH),
        (
            mr.description.as_deref().unwrap_or(""),
            FOUND_IN_DESCRIPTION,
        ),
    ] {
        for jira in crossref::jira_keys_in(text) {
            if seen.contains(&jira) {
                continue;
            }
            page.links.push(Link {
                from_item_id: item.id.clone(),
                to_item_id: crossref::jira_key_ref(&jira),
                kind: LinkKind::Implements,
                origin: LinkOrigin::Inferred,
                confidence: 0.8,
                created_at: item.created_at,
                removed_at: None,
                found_in: Some(found_in.to_owned()),
            });
            seen.push(jira);
        }
    }
    Some(item)
}

/// `https://host` of a web URL (`https://gitlab.com/group/project/-/merge_requests/1`).
fn web_host(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.split('/').next().unwrap_or("");
            format!("{scheme}://{host}")
        }
        None => String::new(),
    }
}

/// Issues a description closes with GitLab's default closing pattern ("Closes #12",
/// "fixes group/project#3", "Resolves https://gitlab.com/group/project/-/issues/4",
/// "Implements #5"), as `group/project#N` keys. URLs count only on the instance's own host.
pub fn closing_refs(body: &str, project: &str, host: &str) -> Vec<String> {
    const KEYWORDS: &[&str] = &[
        "close",
        "closes",
        "closed",
        "closing",
        "fix",
        "fixes",
        "fixed",
        "fixing",
        "resolve",
        "resolves",
        "resolved",
        "resolving",
        "implement",
        "implements",
        "implemented",
        "implementing",
    ];
    let lower = body.to_lowercase();
    let mut found = Vec::new();
    let mut word_start = None;
    let bytes = lower.as_bytes();
    for i in 0..=bytes.len() {
        let c = bytes.get(i).copied().unwrap_or(b' ');
        if c.is_ascii_alphabetic() {
            word_start.get_or_insert(i);
            continue;
        }
        let Some(start) = word_start.take() else {
            continue;
        };
        if !KEYWORDS.contains(&&lower[start..i]) {
            continue;
        }
        // The original text (paths keep their case) after the keyword; "issue"/"issues" may
        // stand between ("Closes issue #1"); several references may follow, separated by
        // commas and "and".
        let mut rest = body
            .get(i..)
            .unwrap_or("")
            .trim_start_matches(':')
            .trim_start();
        for filler in ["issues ", "issue "] {
            if rest.to_lowercase().starts_with(filler) {
                rest = &rest[filler.len()..];
            }
        }
        for token in rest.split(|c: char| c.is_whitespace() || c == ',') {
            if token.is_empty() || token.eq_ignore_ascii_case("and") {
                continue;
            }
            let token = token.trim_end_matches(['.', ')', ';']);
            match reference(token, project, host) {
                Some(key) => {
                    if !found.contains(&key) {
                        found.push(key);
                    }
                }
                None => break,
            }
        }
    }
    found
}

fn reference(token: &str, project: &str, host: &str) -> Option<String> {
    if let Some(number) = token.strip_prefix('#') {
        let n: u64 = number.parse().ok()?;
        return Some(format!("{project}#{n}"));
    }
    if !host.is_empty() && token.to_lowercase().starts_with(&host.to_lowercase()) {
        let path = token.get(host.len()..)?.trim_start_matches('/');
        let (path, number) = path.split_once("/-/issues/")?;
        let n: u64 = number.trim_end_matches('/').parse().ok()?;
        return Some(format!("{path}#{n}"));
    }
    let (other, number) = token.split_once('#')?;
    let n: u64 = number.parse().ok()?;
    let valid = other.contains('/')
        && other
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.'));
    valid.then(|| format!("{other}#{n}"))
}

/// Records the meanings of the raw states GitLab issues and merge requests take, which names
/// alone cannot say (see [`crate::connectors::github::lifecycle::seed_meanings`], which this
/// shares: merge requests and pull requests flow alike).
pub fn seed_meanings(states: &mut StateMeanings) {
    crate::connectors::github::lifecycle::seed_meanings(states);
}

/// What a system note of a merge request says happened.
#[derive(Debug, Clone, PartialEq)]
enum NoteEvent {
    Draft,
    Ready,
    ReviewRequested(Vec<String>),
    ReviewRemoved(Vec<String>),
    Approved,
    Unapproved,
    ApprovalsReset,
    ChangesRequested,
    Merged,
    Closed,
    Reopened,
    Assigned { to: Vec<String>, from: Vec<String> },
}

/// `@a, @b and @c` → `[a, b, c]` (lower case).
fn mentions(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == ',')
        .filter_map(|w| w.strip_prefix('@'))
        .map(|w| w.trim_end_matches('.').to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Reads a system note's body (GitLab's wordings from 11.x to 17.x).
fn note_event(body: &str) -> Option<NoteEvent> {
    let text = body.trim();
    let lower = text.to_lowercase();
    let plain = lower.replace("**", "");
    Some(match plain.as_str() {
        "merged" => NoteEvent::Merged,
        "closed" => NoteEvent::Closed,
        "reopened" => NoteEvent::Reopened,
        "approved this merge request" => NoteEvent::Approved,
        "unapproved this merge request" => NoteEvent::Unapproved,
        "requested changes" => NoteEvent::ChangesRequested,
        p if p.starts_with("marked as a work in progress")
            || p.starts_with("marked this merge request as draft")
            || p.starts_with("marked as draft") =>
        {
            NoteEvent::Draft
        }
        p if p.starts_with("unmarked as a work in progress")
            || p.starts_with("marked this merge request as ready")
            || p.starts_with("marked as ready") =>
        {
            NoteEvent::Ready
        }
        p if p.starts_with("reset approvals") => NoteEvent::ApprovalsReset,
        p if p.starts_with("requested review from ") => {
            // "requested review from @a and removed review request for @b"
            let (add, remove) = match p.split_once("removed review request for") {
                Some((a, r)) => (a, r),
                None => (p, ""),
            };
            let removed = mentions(remove);
            if removed.is_empty() {
                NoteEvent::ReviewRequested(mentions(add))
            } else {
                // Both in one note: the requests win (GitLab writes the removal second).
                let mut added = mentions(add);
                added.retain(|a| !removed.contains(a));
                NoteEvent::ReviewRequested(added)
            }
        }
        p if p.starts_with("removed review request for ") => NoteEvent::ReviewRemoved(mentions(p)),
        p if p.starts_with("assigned to ") || p.starts_with("unassigned ") => {
            let (to, from) = match p.split_once("unassigned") {
                Some((a, u)) => (mentions(a), mentions(u)),
                None => (mentions(p), Vec::new()),
            };
            NoteEvent::Assigned { to, from }
        }
        _ => return None,
    })
}

/// A merge request's lifecycle from its system notes (any order; read by time), ending in its
/// state as GitLab lists it now. Approvals and requested changes are also review actions
/// (kind `review`, `review:<note id>`); assignments are assignee changes. `approvals`, GitLab's
/// answer about an open merge request's approvals now (`answer`, when read), decides between `approved`
/// and waiting for review: approved when someone other than its author has approved it and its
/// rules want no more approvals (see [`approved_now`]).
pub fn merge_request_lifecycle(
    page: &mut PageWrite,
    source_id: &str,
    item: &WorkItem,
    mr: &MergeRequest,
    notes: &[Note],
    answer: Option<&Approvals>,
) -> Lifecycle {
    let mut events: Vec<(i64, i64, &Note, NoteEvent)> = notes
        .iter()
        .filter(|n| n.system)
        .filter_map(|n| Some((parse_time(&n.created_at)?, n.id, n, note_event(&n.body)?)))
        .collect();
    events.sort_by_key(|(at, id, _, _)| (*at, *id));
    let author = mr.author.as_ref().map(|u| u.username.to_lowercase());
    // Created as a draft when its first draft change made it ready.
    let mut draft = events
        .iter()
        .find_map(|(_, _, _, e)| match e {
            NoteEvent::Ready => Some(true),
            NoteEvent::Draft => Some(false),
            _ => None,
        })
        .unwrap_or(mr.is_draft() && mr.merged_at.is_none());
    let mut reviewers: Vec<String> = Vec::new();
    let mut approvals: Vec<String> = Vec::new();
    let mut rework: Vec<String> = Vec::new();
    let (mut merged, mut closed) = (false, false);
    let state_of = |draft: bool,
                    merged: bool,
                    closed: bool,
                    reviewers: &[String],
                    approvals: &[String],
                    rework: &[String]| {
        if merged {
            MERGED
        } else if closed {
            CLOSED_UNMERGED
        } else if draft {
            DRAFT
        } else if !rework.is_empty() {
            CHANGES_REQUESTED
        } else if !approvals.is_empty() {
            APPROVED
        } else if !reviewers.is_empty() {
            REVIEW_REQUESTED
        } else {
            OPEN
        }
    };
    let mut state = state_of(draft, false, false, &[], &[], &[]).to_owned();
    let mut changes: Vec<Transition> = Vec::new();
    let mut reviews: Vec<Transition> = Vec::new();
    let to = |changes: &mut Vec<Transition>,
              state: &mut String,
              next: &str,
              event_id: String,
              at: i64,
              actor: Option<String>| {
        if state.as_str() == next {
            return;
        }
        changes.push(Transition {
            item_id: item.id.clone(),
            event_id,
            kind: TransitionKind::State,
            from_state: Some(state.clone()),
            to_state: next.to_owned(),
            at,
            actor_id: actor,
        });
        *state = next.to_owned();
    };
    for (at, id, note, event) in &events {
        let by = note.author.as_ref().map(|u| u.username.to_lowercase());
        let actor = note.author.as_ref().map(|u| person(page, source_id, u));
        let mut review = |verdict: &str| {
            reviews.push(Transition {
                item_id: item.id.clone(),
                event_id: format!("review:{id}"),
                kind: TransitionKind::Review,
                from_state: None,
                to_state: verdict.to_owned(),
                at: *at,
                actor_id: actor.clone(),
            });
        };
        match event {
            NoteEvent::Draft => draft = true,
            NoteEvent::Ready => draft = false,
            NoteEvent::ReviewRequested(who) => {
                for w in who {
                    if !reviewers.contains(w) {
                        reviewers.push(w.clone());
                    }
                    // A new request after changes were asked: the reviewer looks again.
                    rework.retain(|r| r != w);
                }
            }
            NoteEvent::ReviewRemoved(who) => reviewers.retain(|r| !who.contains(r)),
            NoteEvent::Approved => {
                review("approved");
                if let Some(by) = by.clone().filter(|b| Some(b) != author.as_ref()) {
                    if !approvals.contains(&by) {
                        approvals.push(by.clone());
                    }
                    rework.retain(|r| *r != by);
                }
            }
            NoteEvent::Unapproved => {
                review("unapproved");
                if let Some(by) = &by {
                    approvals.retain(|a| a != by);
                }
            }
            NoteEvent::ApprovalsReset => approvals.clear(),
            NoteEvent::ChangesRequested => {
                review("changes_requested");
                if let Some(by) = by.clone() {
                    approvals.retain(|a| *a != by);
                    if !rework.contains(&by) {
                        rework.push(by);
                    }
                }
            }
            NoteEvent::Merged => merged = true,
            NoteEvent::Closed => closed = true,
            NoteEvent::Reopened => closed = false,
            NoteEvent::Assigned { to: added, from } => {
                for (login, event) in added
                    .iter()
                    .map(|a| (a.clone(), format!("assign:{id}:{a}")))
                    .chain(
                        from.iter()
                            .filter(|_| added.is_empty())
                            .map(|f| (String::new(), format!("assign:{id}:-{f}"))),
                    )
                {
                    changes.push(Transition {
                        item_id: item.id.clone(),
                        event_id: event,
                        kind: TransitionKind::Assignee,
                        from_state: None,
                        to_state: login,
                        at: *at,
                        actor_id: actor.clone(),
                    });
                }
                continue;
            }
        }
        let next = state_of(draft, merged, closed, &reviewers, &approvals, &rework);
        to(
            &mut changes,
            &mut state,
            next,
            format!("note:{id}"),
            *at,
            actor.clone(),
        );
    }
    // The merge request as GitLab lists it now is the truth about open, draft, merged, closed.
    let listed = merge_request_state(mr);
    let raw_state = match listed {
        OPEN | REVIEW_REQUESTED
            if matches!(
                state.as_str(),
                REVIEW_REQUESTED | CHANGES_REQUESTED | APPROVED
            ) =>
        {
            state.clone()
        }
        other => other.to_owned(),
    };
    // Its approvals as GitLab lists them now are the truth about whose approvals stand
    // (instances that keep approval notes from the token, approvals reset by a push, rules
    // that want more than one): requested changes stay until their reviewer approves.
    let raw_state = match answer.map(|a| approved_now(a, author.as_deref())) {
        Some(now) if matches!(raw_state.as_str(), OPEN | REVIEW_REQUESTED | APPROVED) => {
            if now {
                APPROVED.to_owned()
            } else if raw_state == APPROVED {
                if reviewers.is_empty() && mr.reviewers.is_empty() {
                    OPEN.to_owned()
                } else {
                    REVIEW_REQUESTED.to_owned()
                }
            } else {
                raw_state
            }
        }
        _ => raw_state,
    };
    let when = mr
        .merged_at
        .as_deref()
        .or(mr.closed_at.as_deref())
        .and_then(parse_time)
        .or_else(|| parse_time(&mr.updated_at))
        .unwrap_or(item.updated_at);
    to(
        &mut changes,
        &mut state,
        &raw_state,
        format!("listed:{raw_state}"),
        when,
        None,
    );
    Lifecycle {
        raw_state,
        changes,
        reviews,
        links: Vec::new(),
        requests: Vec::new(),
    }
}

/// Whether an `/approvals` answer says the merge request is approved now: someone other than its
/// author (`author`, lower case) has approved it, and its rules want no more approvals.
pub fn approved_now(approvals: &Approvals, author: Option<&str>) -> bool {
    let standing = approvals
        .approved_by
        .iter()
        .any(|a| Some(a.user.username.to_lowercase().as_str()) != author);
    standing && approvals.approvals_left.unwrap_or(0) <= 0
}

/// An issue's or merge request's label history as `label` changes (see the module's notes),
/// oldest first as GitLab lists them.
pub fn label_changes(
    page: &mut PageWrite,
    source_id: &str,
    item_id: &str,
    events: &[LabelEvent],
) -> Vec<Transition> {
    let mut out = Vec::with_capacity(events.len());
    for event in events {
        let (Some(label), Some(at)) = (&event.label, parse_time(&event.created_at)) else {
            continue;
        };
        let name = label.name().to_owned();
        let (from_state, to_state) = match event.action.as_str() {
            "add" => (None, name),
            "remove" => (Some(name), String::new()),
            _ => continue,
        };
        out.push(Transition {
            item_id: item_id.to_owned(),
            event_id: format!("label:{}", event.id),
            kind: TransitionKind::Label,
            from_state,
            to_state,
            at,
            actor_id: event.user.as_ref().map(|u| person(page, source_id, u)),
        });
    }
    out
}

/// An issue's state history (`resource_state_events`, oldest first) in place of the close its
/// record alone gives (`listed:closed`): each `closed` a change from `open` to `closed`, each
/// `reopened` one back to `open`, event `state:<id>`, at its time, by its user. States an issue
/// cannot take (a merge request's `merged`, `locked`) and unreadable times are left out. When
/// no event is left, or the last one does not leave the issue in the state GitLab lists it in
/// now (a history cut short), the record's own close is kept as well.
pub fn issue_state_changes(
    page: &mut PageWrite,
    source_id: &str,
    lc: &mut Lifecycle,
    item_id: &str,
    events: &[StateEvent],
) {
    let mut changes = Vec::with_capacity(events.len());
    let mut state = ISSUE_OPEN;
    for event in events {
        let Some(at) = parse_time(&event.created_at) else {
            continue;
        };
        let to = match event.state.as_str() {
            "closed" => ISSUE_CLOSED,
            "reopened" => ISSUE_OPEN,
            _ => continue,
        };
        changes.push(Transition {
            item_id: item_id.to_owned(),
            event_id: format!("state:{}", event.id),
            kind: TransitionKind::State,
            from_state: Some(state.into()),
            to_state: to.into(),
            at,
            actor_id: event.user.as_ref().map(|u| person(page, source_id, u)),
        });
        state = to;
    }
    if changes.is_empty() {
        return;
    }
    if state == lc.raw_state {
        lc.changes
            .retain(|t| !(t.kind == TransitionKind::State && t.event_id.starts_with("listed:")));
    }
    lc.changes.extend(changes);
    lc.changes.sort_by_key(|t| t.at);
}

/// An issue's links as edges (`blocks`, `relates`), and the set that retires the ones no longer
/// listed. Links to issues of other projects name them by key until synced.
pub fn issue_links(
    item: &WorkItem,
    project: &ProjectIds,
    linked: &[LinkedIssue],
) -> (Vec<Link>, LinkSet) {
    let mut links = Vec::new();
    for other in linked {
        let other_id = match other.project_id {
            Some(pid) if pid == project.project_id => project.issue(other.iid),
            _ => {
                let key = other
                    .references
                    .as_ref()
                    .and_then(|r| r.full.clone())
                    .filter(|f| f.contains('#'))
                    .unwrap_or_else(|| {
                        let path = other
                            .web_url
                            .split_once("://")
                            .and_then(|(_, r)| r.split_once('/'))
                            .and_then(|(_, p)| p.split_once("/-/issues/"))
                            .map(|(p, _)| p.to_owned())
                            .unwrap_or_default();
                        format!("{path}#{}", other.iid)
                    });
                key_ref(&project.ns, &key)
            }
        };
        let (from, to, kind) = match other.link_type.as_str() {
            "blocks" => (item.id.clone(), other_id, LinkKind::Blocks),
            "is_blocked_by" => (other_id, item.id.clone(), LinkKind::Blocks),
            _ => {
                // One edge per pair whichever side lists it: from the smaller id.
                let (a, b) = if item.id <= other_id {
                    (item.id.clone(), other_id)
                } else {
                    (other_id, item.id.clone())
                };
                (a, b, LinkKind::Relates)
            }
        };
        links.push(Link {
            from_item_id: from,
            to_item_id: to,
            kind,
            origin: LinkOrigin::Source,
            confidence: 1.0,
            created_at: other
                .link_created_at
                .as_deref()
                .and_then(parse_time)
                .unwrap_or(item.created_at),
            removed_at: None,
            found_in: Some(FOUND_IN_ISSUE_LINKS.to_owned()),
        });
    }
    let set = LinkSet {
        item_id: item.id.clone(),
        kinds: vec![LinkKind::Blocks, LinkKind::Relates],
        side: Side::Either,
        other_prefix: "gl:".into(),
        keep: links
            .iter()
            .map(|l| (l.from_item_id.clone(), l.to_item_id.clone(), l.kind))
            .collect(),
    };
    (links, set)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// gitlab.com's real `/approvals` answer for gitlab-org/gitlab-foss!27117 (danger-js's nock
    /// recording, `tests/fixtures/gitlab/danger-js/`): approved by reprazent and dbalexandre,
    /// none left to give.
    fn recorded_approvals() -> Approvals {
        let recorded: serde_json::Value = serde_json::from_str(include_str!(
            "../../../../../../tests/fixtures/gitlab/danger-js/getMergeRequestApprovals.json"
        ))
        .unwrap();
        serde_json::from_value(recorded[0]["response"].clone()).unwrap()
    }

    /// gitlab.kitware.com's real label event (the Rust `gitlab` crate's recording,
    /// `tests/fixtures/gitlab/rust-gitlab/`): brad.king added `area:doc` to utils/rust-gitlab#6.
    fn recorded_label_event() -> serde_json::Value {
        serde_json::from_str(include_str!(
            "../../../../../../tests/fixtures/gitlab/rust-gitlab/resource_label_event.json"
        ))
        .unwrap()
    }

    /// gitlab.com's real state event (Forgejo's recording, `tests/fixtures/gitlab/forgejo/`):
    /// mkobel closed forgejo/test_repo#2 at 2024-09-03T14:43:10.947Z.
    fn recorded_state_event() -> serde_json::Value {
        let text = include_str!(
            "../../../../../../tests/fixtures/gitlab/forgejo/issue-2-resource_state_events.txt"
        );
        let body = text.split_once("\n\n").map(|(_, b)| b).unwrap();
        let list: serde_json::Value = serde_json::from_str(body).unwrap();
        list[0].clone()
    }

    /// A lifecycle as `map_issue` gives it for an issue in `raw_state`: a closed one with its
    /// record's close.
    fn listed(item: &str, raw_state: &str) -> Lifecycle {
        let changes = if raw_state == ISSUE_CLOSED {
            vec![Transition {
                item_id: item.into(),
                event_id: "listed:closed".into(),
                kind: TransitionKind::State,
                from_state: Some(ISSUE_OPEN.into()),
                to_state: ISSUE_CLOSED.into(),
                at: 1_725_374_590_906,
                actor_id: None,
            }]
        } else {
            Vec::new()
        };
        Lifecycle {
            raw_state: raw_state.into(),
            changes,
            reviews: Vec::new(),
            links: Vec::new(),
            requests: Vec::new(),
        }
    }

    /// A lifecycle's state changes as (event, from, to, at).
    fn state_seen(lc: &Lifecycle) -> Vec<(String, String, String, i64)> {
        lc.changes
            .iter()
            .map(|t| {
                assert_eq!(t.kind, TransitionKind::State);
                (
                    t.event_id.clone(),
                    t.from_state.clone().unwrap_or_default(),
                    t.to_state.clone(),
                    t.at,
                )
            })
            .collect()
    }

    #[test]
    fn state_events_replace_the_listed_close_unless_they_end_elsewhere() {
        let item = "gl:gitlab.com/61363672#2";
        let closed = recorded_state_event();
        // The same event edited in memory (no recording has them): a reopening a day later, a
        // merge request's `merged` (an issue cannot take it) and an unreadable time.
        let mut reopened = closed.clone();
        reopened["id"] = 241_837_963.into();
        reopened["state"] = "reopened".into();
        reopened["created_at"] = "2024-09-04T14:43:10.947Z".into();
        let mut merged = closed.clone();
        merged["id"] = 241_837_964.into();
        merged["state"] = "merged".into();
        let mut garbled = closed.clone();
        garbled["id"] = 241_837_965.into();
        garbled["created_at"] = "yesterday".into();
        let parse = |v: &[&serde_json::Value]| -> Vec<StateEvent> {
            v.iter()
                .map(|e| serde_json::from_value((*e).clone()).unwrap())
                .collect()
        };
        let close = (
            "state:241837962".to_owned(),
            "open".to_owned(),
            "closed".to_owned(),
            1_725_374_590_947,
        );
        let reopen = (
            "state:241837963".to_owned(),
            "closed".to_owned(),
            "open".to_owned(),
            1_725_460_990_947,
        );
        let mut page = PageWrite::new("issues:forgejo/test_repo");

        // Closed, as recorded: the event replaces the record's close.
        let mut lc = listed(item, ISSUE_CLOSED);
        issue_state_changes(&mut page, "src", &mut lc, item, &parse(&[&closed]));
        assert_eq!(state_seen(&lc), vec![close.clone()]);
        assert!(lc.changes[0].actor_id.is_some(), "by mkobel");

        // Closed then reopened, and open now: both changes; what an issue cannot be is left out.
        let mut lc = listed(item, ISSUE_OPEN);
        let events = parse(&[&closed, &merged, &garbled, &reopened]);
        issue_state_changes(&mut page, "src", &mut lc, item, &events);
        assert_eq!(state_seen(&lc), vec![close.clone(), reopen.clone()]);

        // Closed now but the history ends reopened (cut short): the record's close stays too.
        let mut lc = listed(item, ISSUE_CLOSED);
        issue_state_changes(
            &mut page,
            "src",
            &mut lc,
            item,
            &parse(&[&closed, &reopened]),
        );
        let listed_close = (
            "listed:closed".to_owned(),
            "open".to_owned(),
            "closed".to_owned(),
            1_725_374_590_906,
        );
        assert_eq!(state_seen(&lc), vec![listed_close.clone(), close, reopen]);

        // No history (none answered, or only what an issue cannot be): the record's close.
        for events in [Vec::new(), parse(&[&merged])] {
            let mut lc = listed(item, ISSUE_CLOSED);
            issue_state_changes(&mut page, "src", &mut lc, item, &events);
            assert_eq!(state_seen(&lc), vec![listed_close.clone()]);
        }
    }

    #[test]
    fn label_events_are_label_changes_and_deleted_labels_say_nothing() {
        let item = "gl:gitlab.kitware.com/855#6";
        let added = recorded_label_event();
        // The same event edited in memory (no recording has them): its removal, a later one
        // whose label was deleted since (GitLab then lists `label: null`), and an action GitLab
        // may add later.
        let mut removed = added.clone();
        removed["id"] = 10946.into();
        removed["action"] = "remove".into();
        removed["created_at"] = "2019-07-18T10:00:00.000-04:00".into();
        let mut deleted = added.clone();
        deleted["id"] = 10947.into();
        deleted["label"] = serde_json::Value::Null;
        let mut unknown = added.clone();
        unknown["id"] = 10948.into();
        unknown["action"] = "rename".into();
        let events: Vec<LabelEvent> = [added, removed, deleted, unknown]
            .into_iter()
            .map(|e| serde_json::from_value(e).unwrap())
            .collect();
        let mut page = PageWrite::new("issues:utils/rust-gitlab");
        let changes = label_changes(&mut page, "src", item, &events);
        let seen: Vec<(&str, Option<&str>, &str, i64)> = changes
            .iter()
            .map(|t| {
                assert_eq!(t.kind, TransitionKind::Label);
                assert_eq!(t.item_id, item);
                assert!(t.actor_id.is_some(), "by brad.king");
                (
                    t.event_id.as_str(),
                    t.from_state.as_deref(),
                    t.to_state.as_str(),
                    t.at,
                )
            })
            .collect();
        assert_eq!(
            seen,
            vec![
                ("label:10945", None, "area:doc", 1_563_371_628_937),
                ("label:10946", Some("area:doc"), "", 1_563_458_400_000),
            ]
        );
    }

    #[test]
    fn an_approvals_answer_counts_others_approvals_and_the_rules_wants() {
        let answer = recorded_approvals();
        assert_eq!(answer.approvals_left, Some(0));
        assert!(
            approved_now(&answer, Some("smcgivern")),
            "its author's view"
        );
        assert!(
            approved_now(&answer, Some("reprazent")),
            "an author's own approval aside, dbalexandre's stands"
        );
        // Edited in memory: only the author's own approval left.
        let mut own = answer.clone();
        own.approved_by.truncate(1);
        assert!(!approved_now(&own, Some("reprazent")));
        assert!(approved_now(&own, None), "an author unknown: it counts");
        // Edited in memory: the rules want one more.
        let mut short = answer.clone();
        short.approvals_left = Some(1);
        assert!(!approved_now(&short, Some("smcgivern")));
        // Edited in memory: nobody has approved (a Free instance's answer: none wanted).
        let mut none = answer;
        none.approved_by.clear();
        assert!(!approved_now(&none, Some("smcgivern")));
    }

    #[test]
    fn epics_and_milestones_are_named_by_their_gitlab_references() {
        let epic = EpicRef {
            id: 901,
            iid: 5,
            title: "Spend dashboards".into(),
            url: "https://gitlab.com/groups/gitlab-data/analytics/-/epics/5".into(),
        };
        assert_eq!(epic_key(&epic), "gitlab-data/analytics&5");
        let project_milestone = Milestone {
            iid: 3,
            web_url: "https://gitlab.example.com/g/p/-/milestones/3".into(),
            ..Milestone::default()
        };
        assert_eq!(milestone_key(&project_milestone), "g/p%3");
        let bare = Milestone {
            iid: 7,
            web_url: "https://gitlab.com/g/p/-/milestones/x7".into(),
            ..Milestone::default()
        };
        assert_eq!(
            milestone_key(&bare),
            "%7",
            "an unreadable page keeps GitLab's number"
        );
        assert_eq!(end_of_day(Some("2019-07-02")), Some(1_562_111_999_000));
        assert_eq!(end_of_day(Some("July 2nd")), None);
    }

    /// An issue under an epic (GitLab Premium) serves the epic, an initiative; its milestone
    /// is imported too. Without an epic (the recorded `"epic": null`) it serves its milestone.
    #[test]
    fn an_issue_serves_its_epic_else_its_milestone() {
        let record = |epic: serde_json::Value| -> Issue {
            serde_json::from_value(serde_json::json!({
                "id": 22097949, "iid": 1, "project_id": 12345678, "title": "Spend package docs",
                "state": "opened", "created_at": "2019-06-20T15:04:58.946Z",
                "updated_at": "2019-06-28T14:32:05.434Z",
                "labels": ["Documentation"],
                "milestone": {"id": 887728, "iid": 12, "group_id": 4347861, "title": "19.12",
                  "due_date": "2019-07-02", "created_at": "2019-05-27T20:04:12.296Z",
                  "web_url": "https://gitlab.com/groups/gitlab-data/-/milestones/12"},
                "epic": epic,
                "references": {"full": "gitlab-data/snowflake_spend#1"},
                "web_url": "https://gitlab.com/gitlab-data/snowflake_spend/-/issues/1"
            }))
            .unwrap()
        };
        let project = ProjectIds {
            ns: "gitlab.com".into(),
            project_id: 12345678,
            path: "gitlab-data/snowflake_spend".into(),
        };
        let rules = Rules::default();
        let mut states = StateMeanings::default();
        let mut map = |issue: &Issue| {
            let mut page = PageWrite::new("issues:gitlab-data/snowflake_spend");
            let mut ctx = MapCtx {
                source_id: "src-gl",
                rules: &rules,
                states: &mut states,
                project: &project,
            };
            map_issue(&mut page, &mut ctx, issue).expect("mapped");
            page
        };

        let plain = map(&record(serde_json::Value::Null));
        assert_eq!(plain.intent_facts_for, vec!["gl:gitlab.com/12345678#1"]);
        let intents: Vec<_> = plain
            .intents
            .iter()
            .map(|i| (i.id.as_str(), i.key.as_str(), i.kind, i.title.as_str()))
            .collect();
        assert_eq!(
            intents,
            vec![(
                "gl:gitlab.com/milestone/887728",
                "gitlab-data%12",
                IntentKind::Milestone,
                "19.12"
            )]
        );
        assert_eq!(plain.intent_links[0].source_ref, "milestone/887728");
        let facets: Vec<_> = plain
            .facets
            .iter()
            .map(|f| (f.field, f.value.as_str()))
            .collect();
        assert_eq!(
            facets,
            vec![
                (IntentRuleField::Repository, "gitlab-data/snowflake_spend"),
                (IntentRuleField::Label, "Documentation"),
            ]
        );

        let under_epic = map(&record(serde_json::json!({
            "id": 901, "iid": 5, "title": "Spend dashboards", "group_id": 4347861,
            "url": "https://gitlab.com/groups/gitlab-data/-/epics/5"
        })));
        let epic = under_epic
            .intents
            .iter()
            .find(|i| i.kind == IntentKind::Initiative)
            .expect("the epic is an initiative");
        assert_eq!(
            (epic.id.as_str(), epic.key.as_str(), epic.title.as_str()),
            (
                "gl:gitlab.com/epic/901",
                "gitlab-data&5",
                "Spend dashboards"
            )
        );
        assert_eq!(under_epic.intents.len(), 2, "the milestone is imported too");
        assert_eq!(
            under_epic
                .intent_links
                .iter()
                .map(|l| l.source_ref.as_str())
                .collect::<Vec<_>>(),
            vec!["epic/901"],
            "it serves the goal it is part of"
        );
        assert!(under_epic
            .facets
            .iter()
            .any(|f| f.field == IntentRuleField::Epic && f.value == "gitlab-data&5"));
    }

    #[test]
    fn gitlab_closing_patterns_name_issues() {
        assert_eq!(
            closing_refs(
                "Closes #1, #2 and group/sub/other#3\nFixes https://gitlab.com/g/p/-/issues/9.",
                "g/p",
                "https://gitlab.com"
            ),
            vec!["g/p#1", "g/p#2", "group/sub/other#3", "g/p#9"]
        );
        assert_eq!(
            closing_refs("Resolves issue #4", "g/p", "https://gitlab.com"),
            vec!["g/p#4"]
        );
        assert!(closing_refs("see #4; closes nothing", "g/p", "").is_empty());
    }

    #[test]
    fn system_notes_read_across_gitlab_versions() {
        assert_eq!(
            note_event("unmarked as a **Work In Progress**"),
            Some(NoteEvent::Ready)
        );
        assert_eq!(
            note_event("marked this merge request as **draft**"),
            Some(NoteEvent::Draft)
        );
        assert_eq!(
            note_event("requested review from @Alice and @bob"),
            Some(NoteEvent::ReviewRequested(vec![
                "alice".into(),
                "bob".into()
            ]))
        );
        assert_eq!(
            note_event("assigned to @tayloramurphy and unassigned @emilie"),
            Some(NoteEvent::Assigned {
                to: vec!["tayloramurphy".into()],
                from: vec!["emilie".into()]
            })
        );
        assert_eq!(note_event("added 1 commit"), None);
    }
}
