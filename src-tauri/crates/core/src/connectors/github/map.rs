//! GitHub records → work graph rows. Pure functions: no I/O.
//!
//! - Issue → item `gh:<host>/<repository id>#N`: GitHub's numeric repository id, so a renamed
//!   or transferred repository keeps its items; `owner/repo#N` is the item's key, and names it
//!   (`gh:<host>/owner/repo#N`, see `item_keys`) in links to repositories not synced yet. Kind
//!   from the issue type or labels (bug → defect, ...); raw state `open`, `closed` or
//!   `closed (not planned)`.
//! - Pull request → item of kind `pull_request`; raw state `draft`, `open`, `merged` or
//!   `closed (unmerged)`; "closes #N" (and the other closing keywords) in its description → an
//!   `implements` link to the issue (origin inferred, confidence 0.9).
//! - Review → transition of kind `review` (`review:<id>`), verdict lower-cased.
//! - Issue event → transition (`ev:<id>`): closed/reopened/merged/ready_for_review/
//!   convert_to_draft are state changes (unless the item's lifecycle owns them, see
//!   [`super::lifecycle`]), labeled/unlabeled label changes, assigned/unassigned assignee
//!   changes; other event types are kept only as raw records.

use crate::connectors::{crossref, parse_time, StateMeanings};
use crate::graph::model::{
    IntentKind, IntentRuleField, ItemFacet, ItemKind, Link, LinkKind, LinkOrigin, SourceIntentLink,
    SourcedIntent, Transition, TransitionKind, WorkItem,
};
use crate::ingest::write::{PageWrite, RequesterFact, SeenPerson};
use crate::rules::eval::{ProvenanceFacts, ProvenanceVerdict, Rules};
use crate::rules::requester::{requester, RequestFacts};

use super::model::{Event, Issue, Label, Milestone, Pull, Review, User};

/// Where a GitHub link was found (`links.found_in`).
pub const FOUND_IN_DESCRIPTION: &str = "pull request description";
pub const FOUND_IN_DEPENDENCIES: &str = "dependencies";
pub const FOUND_IN_SUB_ISSUES: &str = "sub-issues";
pub const FOUND_IN_CROSS_REFERENCE: &str = "timeline: cross-reference";
pub const FOUND_IN_CLOSING_REFERENCE: &str = "timeline: cross-reference that closes";
pub const FOUND_IN_CONNECTED: &str = "timeline: connected";
/// GitHub's "Duplicate of #N" (a comment that marks the issue, or the "Mark as duplicate" menu).
pub const FOUND_IN_MARKED_DUPLICATE: &str = "timeline: marked as duplicate";
pub const FOUND_IN_TITLE: &str = "pull request title";
pub const FOUND_IN_BRANCH: &str = "branch name";
pub const FOUND_IN_COMMIT: &str = "commit message";

/// What mapping needs besides the record.
pub struct MapCtx<'a> {
    pub source_id: &'a str,
    pub rules: &'a Rules,
    pub states: &'a mut StateMeanings,
    /// The repository being synced.
    pub repo: &'a RepoIds,
}

/// How the items of one repository are named: by the repository's numeric id, which stays
/// when it is renamed or transferred.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoIds {
    /// The namespace of item ids (`github.com`, an Enterprise Server's host).
    pub ns: String,
    /// GitHub's numeric repository id.
    pub repo_id: i64,
    /// `owner/name` as GitHub spells it now.
    pub full_name: String,
}

impl RepoIds {
    /// The item id of issue or pull request `number` of this repository.
    pub fn item(&self, number: i64) -> String {
        format!("gh:{}/{}#{number}", self.ns, self.repo_id)
    }

    /// The id of the issue a key (`owner/repo#N`) names: this repository's item id when the key
    /// is of this repository, else the key (qualified), which resolves once that repository's
    /// item is synced.
    pub fn of_key(&self, key: &str) -> String {
        match key.rsplit_once('#') {
            Some((repo, number)) if repo.eq_ignore_ascii_case(&self.full_name) => {
                match number.parse::<i64>() {
                    Ok(n) => self.item(n),
                    Err(_) => key_ref(&self.ns, key),
                }
            }
            _ => key_ref(&self.ns, key),
        }
    }
}

/// How a key names an issue or pull request: `gh:<namespace>/owner/repo#N`.
pub fn key_ref(ns: &str, key: &str) -> String {
    format!("gh:{ns}/{key}")
}

/// `owner/repo#N` from an `html_url` (`https://host/owner/repo/issues/N` or `/pull/N`), or from
/// the repository being synced when the URL says nothing usable.
pub fn key_for(html_url: &str, repo: &str, number: i64) -> String {
    let path = html_url
        .split_once("://")
        .map(|(_, rest)| rest.split_once('/').map(|(_, p)| p).unwrap_or(""))
        .unwrap_or("");
    let parts: Vec<&str> = path.split('/').collect();
    if parts.len() >= 4 && matches!(parts[2], "issues" | "pull" | "pulls") {
        return format!("{}/{}#{}", parts[0], parts[1], parts[3]);
    }
    format!("{repo}#{number}")
}

/// The raw state of an issue.
pub fn issue_state(issue: &Issue) -> String {
    match (issue.state.as_str(), issue.state_reason.as_deref()) {
        ("closed", Some("not_planned")) => "closed (not planned)".into(),
        ("closed", Some("duplicate")) => "closed (duplicate)".into(),
        (state, _) => state.to_owned(),
    }
}

/// The raw state of a pull request.
pub fn pull_state(pull: &Pull) -> String {
    if pull.merged_at.is_some() {
        "merged".into()
    } else if pull.state == "closed" {
        "closed (unmerged)".into()
    } else if pull.draft == Some(true) && pull.state == "open" {
        "draft".into()
    } else {
        pull.state.clone()
    }
}

/// The kind of an issue, from its issue type, else its labels.
pub fn kind_for(labels: &[Label], issue_type: Option<&str>) -> ItemKind {
    let mut names: Vec<String> = labels.iter().map(|l| l.name().to_lowercase()).collect();
    if let Some(t) = issue_type {
        names.insert(0, t.to_lowercase());
    }
    for name in &names {
        let has = |w: &str| name.contains(w);
        if has("bug") || has("defect") || has("regression") {
            return ItemKind::Defect;
        }
        if has("incident") || has("outage") {
            return ItemKind::Incident;
        }
        if has("security") || has("risk") || has("vulnerab") {
            return ItemKind::Risk;
        }
        if has("debt") || has("refactor") || has("chore") {
            return ItemKind::Debt;
        }
        if has("feature") || has("enhancement") || has("story") {
            return ItemKind::Feature;
        }
        if has("task") {
            return ItemKind::Task;
        }
    }
    ItemKind::Task
}

fn person(page: &mut PageWrite, source_id: &str, user: &User) -> String {
    page.person(
        source_id,
        SeenPerson {
            login: user.login.clone(),
            display_name: user.login.clone(),
            is_bot: user.is_bot(),
            email: user.email.clone(),
        },
    )
}

fn repo_of(key: &str) -> &str {
    key.split_once('#').map(|(r, _)| r).unwrap_or(key)
}

/// What the rules say of an issue or pull request `key` (`owner/repo#N`): its team (by
/// repository or label) and who made it (by its author's login, its description's co-author
/// trailers, its labels). Mapping and re-deriving after a rule change (`sync::rederive`) both use
/// it, so they cannot disagree.
pub fn rule_verdicts(
    rules: &Rules,
    key: &str,
    labels: &[Label],
    user: Option<&User>,
    body: Option<&str>,
) -> (Option<String>, ProvenanceVerdict) {
    let label_names: Vec<String> = labels.iter().map(|l| l.name().to_owned()).collect();
    let verdict = rules.provenance(&ProvenanceFacts {
        author: user.map(|u| u.login.as_str()),
        author_is_bot: user.is_some_and(User::is_bot),
        body,
        labels: &label_names,
    });
    let mut facts: Vec<(&str, &str)> = vec![("repo", repo_of(key))];
    facts.extend(label_names.iter().map(|l| ("label", l.as_str())));
    (rules.team_for(&facts), verdict)
}

/// Common fields of issues and pull requests.
struct Common<'a> {
    key: String,
    number: i64,
    id: i64,
    kind: ItemKind,
    title: &'a str,
    raw_state: String,
    html_url: &'a str,
    user: Option<&'a User>,
    assignee: Option<&'a User>,
    labels: &'a [Label],
    body: Option<&'a str>,
    created_at: &'a str,
    updated_at: &'a str,
    closed_at: Option<&'a str>,
    started_at: Option<i64>,
    milestone: Option<&'a Milestone>,
}

fn item(page: &mut PageWrite, ctx: &mut MapCtx<'_>, c: Common<'_>) -> Option<WorkItem> {
    let created = parse_time(c.created_at)?;
    let updated = parse_time(c.updated_at).unwrap_or(created);
    let (flow, reason) = ctx.states.flow_for(c.kind, &c.raw_state, None);
    let author_id = c.user.map(|u| person(page, ctx.source_id, u));
    let owner_id = c.assignee.map(|u| person(page, ctx.source_id, u));
    let (team_id, verdict) = rule_verdicts(ctx.rules, &c.key, c.labels, c.user, c.body);
    // Who asked an agent for it, when its own text says so (see rules::requester).
    let texts: Vec<&str> = c.body.into_iter().collect();
    let request = RequestFacts {
        author: c.user.map(|u| u.login.as_str()),
        author_is_bot: c.user.is_some_and(User::is_bot),
        texts: &texts,
    };
    if let Some(found) = requester(ctx.rules, &verdict, &request) {
        let person_id = page.person(
            ctx.source_id,
            SeenPerson {
                login: found.login.clone(),
                display_name: found.login,
                is_bot: false,
                email: None,
            },
        );
        page.requesters.push(RequesterFact {
            item_id: ctx.repo.item(c.number),
            person_id,
            signal: found.signal.as_str(),
        });
    }
    let done = matches!(
        flow,
        crate::graph::model::FlowState::Done | crate::graph::model::FlowState::Canceled
    );
    let id = ctx.repo.item(c.number);
    page.keys.push((key_ref(&ctx.repo.ns, &c.key), id.clone()));
    page.descriptions
        .push((id.clone(), description_text(c.body).to_owned()));
    intent_facts(page, ctx, &id, &c, created);
    Some(WorkItem {
        id,
        source_id: ctx.source_id.to_owned(),
        external_id: c.id.to_string(),
        key: c.key.clone(),
        url: c.html_url.to_owned(),
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
        estimate: None,
        created_at: created,
        started_at: c.started_at,
        done_at: if done {
            c.closed_at.and_then(parse_time)
        } else {
            None
        },
        updated_at: updated,
    })
}

/// An issue's or pull request's description as plain text: its body (Markdown, read as text;
/// none is empty).
pub fn description_text(body: Option<&str>) -> &str {
    body.unwrap_or("")
}

/// Maps an issue (not a pull request) to an item.
pub fn map_issue(
    page: &mut PageWrite,
    ctx: &mut MapCtx<'_>,
    issue: &Issue,
    repo: &str,
) -> Option<WorkItem> {
    let key = key_for(&issue.html_url, repo, issue.number);
    item(
        page,
        ctx,
        Common {
            key,
            number: issue.number,
            id: issue.id,
            kind: kind_for(
                &issue.labels,
                issue.issue_type.as_ref().map(|t| t.name.as_str()),
            ),
            title: &issue.title,
            raw_state: issue_state(issue),
            html_url: &issue.html_url,
            user: issue.user.as_ref(),
            assignee: issue.assignee.as_ref(),
            labels: &issue.labels,
            body: issue.body.as_deref(),
            created_at: &issue.created_at,
            updated_at: &issue.updated_at,
            closed_at: issue.closed_at.as_deref(),
            started_at: None,
            milestone: issue.milestone.as_ref(),
        },
    )
}

/// Maps a pull request to an item, and its closing keywords to `implements` links.
pub fn map_pull(
    page: &mut PageWrite,
    ctx: &mut MapCtx<'_>,
    pull: &Pull,
    repo: &str,
) -> Option<WorkItem> {
    let key = key_for(&pull.html_url, repo, pull.number);
    let item = item(
        page,
        ctx,
        Common {
            key: key.clone(),
            number: pull.number,
            id: pull.id,
            kind: ItemKind::PullRequest,
            title: &pull.title,
            raw_state: pull_state(pull),
            html_url: &pull.html_url,
            user: pull.user.as_ref(),
            assignee: pull.assignee.as_ref(),
            labels: &pull.labels,
            body: pull.body.as_deref(),
            created_at: &pull.created_at,
            updated_at: &pull.updated_at,
            closed_at: pull.merged_at.as_deref().or(pull.closed_at.as_deref()),
            started_at: parse_time(&pull.created_at),
            milestone: pull.milestone.as_ref(),
        },
    )?;
    for target in closing_refs(pull.body.as_deref().unwrap_or(""), repo_of(&key)) {
        page.links.push(Link {
            from_item_id: item.id.clone(),
            to_item_id: ctx.repo.of_key(&target),
            kind: LinkKind::Implements,
            origin: LinkOrigin::Inferred,
            confidence: 0.9,
            created_at: item.created_at,
            removed_at: None,
            found_in: Some(FOUND_IN_DESCRIPTION.to_owned()),
        });
    }
    // Jira keys named in the title, the branch or the description: the pull request implements
    // those issues (the first place a key is named is where it was found).
    let mut seen: Vec<String> = Vec::new();
    for (text, found_in) in [
        (pull.title.as_str(), FOUND_IN_TITLE),
        (
            pull.head.as_ref().map_or("", |h| h.name.as_str()),
            FOUND_IN_BRANCH,
        ),
        (pull.body.as_deref().unwrap_or(""), FOUND_IN_DESCRIPTION),
    ] {
        for key in crossref::jira_keys_in(text) {
            if seen.contains(&key) {
                continue;
            }
            page.links.push(Link {
                from_item_id: item.id.clone(),
                to_item_id: crossref::jira_key_ref(&key),
                kind: LinkKind::Implements,
                origin: LinkOrigin::Inferred,
                confidence: 0.8,
                created_at: item.created_at,
                removed_at: None,
                found_in: Some(found_in.to_owned()),
            });
            seen.push(key);
        }
    }
    Some(item)
}

/// A review as a transition of kind `review`; pending reviews (not submitted) are skipped.
pub fn map_review(
    page: &mut PageWrite,
    source_id: &str,
    item_id: &str,
    review: &Review,
) -> Option<Transition> {
    let at = parse_time(review.submitted_at.as_deref()?)?;
    let verdict = review.state.to_lowercase();
    if verdict == "pending" || verdict.is_empty() {
        return None;
    }
    Some(Transition {
        item_id: item_id.to_owned(),
        event_id: format!("review:{}", review.id),
        kind: TransitionKind::Review,
        from_state: None,
        to_state: verdict,
        at,
        actor_id: review.user.as_ref().map(|u| person(page, source_id, u)),
    })
}

/// Whose state changes come from lifecycles rather than from `/issues/events`.
#[derive(Debug, Clone, Copy, Default)]
pub struct LifecycleOwners {
    /// Pull requests' (from their timelines).
    pub pulls: bool,
    /// Issues' (from GraphQL).
    pub issues: bool,
}

/// Maps a page of issue events to transitions. A pull request's `closed` event that comes with
/// a `merged` event at the same instant is not a separate state change. The state changes and
/// blocked flags of items whose lifecycle is read (`owned`) are left to it; their label and
/// assignee changes are kept.
pub fn map_events(
    page: &mut PageWrite,
    source_id: &str,
    events: &[Event],
    repo: &RepoIds,
    owned: LifecycleOwners,
) -> Vec<Transition> {
    let merged: std::collections::HashSet<(i64, &str)> = events
        .iter()
        .filter(|e| e.event == "merged")
        .filter_map(|e| Some((e.issue.as_ref()?.number, e.created_at.as_str())))
        .collect();
    let mut out = Vec::new();
    for event in events {
        let Some(issue) = &event.issue else { continue };
        let Some(at) = parse_time(&event.created_at) else {
            continue;
        };
        let is_pull = issue.pull_request.is_some();
        let states_owned = if is_pull { owned.pulls } else { owned.issues };
        let item = repo.item(issue.number);
        let actor = event.actor.as_ref().map(|u| person(page, source_id, u));
        let (kind, from, to) = match event.event.as_str() {
            "closed" | "reopened" | "merged" | "ready_for_review" | "convert_to_draft"
                if states_owned =>
            {
                continue
            }
            "closed" if is_pull => {
                if merged.contains(&(issue.number, event.created_at.as_str())) {
                    continue;
                }
                (
                    TransitionKind::State,
                    Some("open"),
                    "closed (unmerged)".to_owned(),
                )
            }
            "closed" => {
                let to = match event.state_reason.as_deref() {
                    Some("not_planned") => "closed (not planned)",
                    Some("duplicate") => "closed (duplicate)",
                    _ => "closed",
                };
                (TransitionKind::State, Some("open"), to.to_owned())
            }
            "reopened" => (TransitionKind::State, Some("closed"), "open".to_owned()),
            "merged" => (TransitionKind::State, Some("open"), "merged".to_owned()),
            "ready_for_review" => (TransitionKind::State, Some("draft"), "open".to_owned()),
            "convert_to_draft" => (TransitionKind::State, Some("open"), "draft".to_owned()),
            "labeled" | "unlabeled" => {
                let Some(label) = &event.label else { continue };
                let added = event.event == "labeled";
                // Without a lifecycle, a blocked label is a blocked flag here.
                if !states_owned
                    && super::lifecycle::label_signal(label.name())
                        == Some(super::lifecycle::LabelSignal::Blocked)
                {
                    out.push(Transition {
                        item_id: item.clone(),
                        event_id: format!("ev:{}:flag", event.id),
                        kind: TransitionKind::Flag,
                        from_state: None,
                        to_state: if added { "blocked" } else { "unblocked" }.to_owned(),
                        at,
                        actor_id: actor.clone(),
                    });
                }
                if added {
                    (TransitionKind::Label, None, label.name().to_owned())
                } else {
                    out.push(Transition {
                        item_id: item,
                        event_id: format!("ev:{}", event.id),
                        kind: TransitionKind::Label,
                        from_state: Some(label.name().to_owned()),
                        to_state: String::new(),
                        at,
                        actor_id: actor,
                    });
                    continue;
                }
            }
            "assigned" => match &event.assignee {
                Some(user) => {
                    // The assignee is a person of the source (a bot when it is an agent), so
                    // an issue handed to an agent says so.
                    person(page, source_id, user);
                    (TransitionKind::Assignee, None, user.login.clone())
                }
                None => continue,
            },
            "unassigned" => (TransitionKind::Assignee, None, String::new()),
            // Mentions, subscriptions, renames, pushes... and event types GitHub adds later.
            _ => continue,
        };
        out.push(Transition {
            item_id: item,
            event_id: format!("ev:{}", event.id),
            kind,
            from_state: from.map(str::to_owned),
            to_state: to,
            at,
            actor_id: actor,
        });
    }
    out
}

/// Issues a description closes with GitHub's keywords ("closes #12", "Fixes: acme/api#3",
/// "resolves https://github.com/acme/api/issues/4"), as `owner/repo#N` keys.
pub fn closing_refs(body: &str, repo: &str) -> Vec<String> {
    const KEYWORDS: &[&str] = &[
        "close", "closes", "closed", "fix", "fixes", "fixed", "resolve", "resolves", "resolved",
    ];
    let lower = body.to_lowercase();
    let bytes = lower.as_bytes();
    let mut found = Vec::new();
    let mut word_start = None;
    let mut i = 0;
    while i <= bytes.len() {
        let c = bytes.get(i).copied().unwrap_or(b' ');
        if c.is_ascii_alphabetic() {
            word_start.get_or_insert(i);
        } else if let Some(start) = word_start.take() {
            let word = &lower[start..i];
            if KEYWORDS.contains(&word) {
                let rest = lower[i..].trim_start_matches(':').trim_start();
                let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
                let token: String = rest
                    .chars()
                    .take_while(|c| !c.is_whitespace() && *c != ',' && *c != ')' && *c != ';')
                    .collect();
                let token = token.trim_end_matches('.');
                if let Some(key) = reference(token, repo) {
                    if !found.contains(&key) {
                        found.push(key);
                    }
                }
            }
        }
        i += 1;
    }
    found
}

fn reference(token: &str, repo: &str) -> Option<String> {
    if let Some(number) = token.strip_prefix('#') {
        let n: u64 = number.parse().ok()?;
        return Some(format!("{repo}#{n}"));
    }
    if let Some((other, number)) = token.split_once('#') {
        let n: u64 = number.parse().ok()?;
        if other.split('/').count() == 2 && !other.contains(':') {
            return Some(format!("{other}#{n}"));
        }
        return None;
    }
    if token.starts_with("http") {
        let key = key_for(token, repo, 0);
        let (_, n) = key.split_once('#')?;
        return (n != "0" && n.parse::<u64>().is_ok()).then_some(key);
    }
    None
}

/// What an issue or pull request says about intents: its milestone is an intent (a milestone of
/// the repository) that it serves; its repository and labels are what intent rules match.
fn intent_facts(page: &mut PageWrite, ctx: &MapCtx<'_>, id: &str, c: &Common<'_>, created: i64) {
    let facet = |field: IntentRuleField, value: &str| ItemFacet {
        item_id: id.to_owned(),
        field,
        value: value.to_owned(),
    };
    page.intent_facts_for.push(id.to_owned());
    page.facets
        .push(facet(IntentRuleField::Repository, repo_of(&c.key)));
    for l in c.labels {
        page.facets.push(facet(IntentRuleField::Label, l.name()));
    }
    let Some(m) = c.milestone.filter(|m| m.id != 0) else {
        return;
    };
    let external = m.id.to_string();
    if !page.intents.iter().any(|i| i.external_id == external) {
        page.intents.push(SourcedIntent {
            id: format!(
                "gh:{}/{}/milestone/{}",
                ctx.repo.ns, ctx.repo.repo_id, m.number
            ),
            external_id: external.clone(),
            key: format!("{} milestone {}", repo_of(&c.key), m.number),
            parent: None,
            kind: IntentKind::Milestone,
            title: m.title.clone(),
            description: m.description.clone().unwrap_or_default(),
            url: m.html_url.clone(),
            owner_id: None,
            target_at: m.due_on.as_deref().and_then(parse_time),
            priority: None,
            created_at: m
                .created_at
                .as_deref()
                .and_then(parse_time)
                .unwrap_or(created),
        });
    }
    page.intent_links.push(SourceIntentLink {
        item_id: id.to_owned(),
        source_ref: external,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_from_the_html_url() {
        assert_eq!(
            key_for("https://github.com/panjf2000/ants/pull/4", "x/y", 9),
            "panjf2000/ants#4"
        );
        assert_eq!(
            key_for("https://ghe.acme.com/team/api/issues/12", "x/y", 9),
            "team/api#12"
        );
        assert_eq!(
            key_for("", "acme/pay", 9),
            "acme/pay#9",
            "the synced repo is the fallback"
        );
    }

    #[test]
    fn items_are_named_by_the_repository_id() {
        let repo = RepoIds {
            ns: "github.com".into(),
            repo_id: 134_018_330,
            full_name: "panjf2000/ants".into(),
        };
        assert_eq!(repo.item(4), "gh:github.com/134018330#4");
        assert_eq!(
            repo.of_key("PanJF2000/ants#4"),
            "gh:github.com/134018330#4",
            "names are case-insensitive"
        );
        assert_eq!(
            repo.of_key("acme/api#3"),
            "gh:github.com/acme/api#3",
            "another repository's issue is named by its key until it is synced"
        );
    }

    #[test]
    fn closing_keywords_in_every_form() {
        let body = "Closes #12, fixes: acme/api#3 and resolves https://github.com/acme/web/issues/4.\nRefs #99. FIXED #12";
        assert_eq!(
            closing_refs(body, "acme/pay"),
            vec!["acme/pay#12", "acme/api#3", "acme/web#4"],
            "plain mentions (Refs #99) are not closing references, repeats count once"
        );
        assert!(closing_refs("prefix#12 closes nothing", "a/b").is_empty());
    }

    #[test]
    fn labels_and_types_decide_kinds() {
        let labels = vec![Label::Name("Type: Bug".into())];
        assert_eq!(kind_for(&labels, None), ItemKind::Defect);
        assert_eq!(kind_for(&[], Some("Feature")), ItemKind::Feature);
        assert_eq!(kind_for(&[], None), ItemKind::Task);
    }
}
