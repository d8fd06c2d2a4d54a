//! GitHub's GraphQL API, for what REST does not give a page at a time: for a page of issues, in
//! one request, each issue's Projects (v2) items with their Status, and its timeline (labels,
//! assignment, closes, cross-references, connected pull requests).
//!
//! What the public API offers (checked against GitHub's published schema, octokit/graphql-schema
//! @82ff2d47, July 2026): an issue's `projectItems` and, per item, the single-select field
//! `Status` with when it was last set (`updatedAt`) — its current value only. The schema has no
//! timeline entry for a Projects status change (`IssueTimelineItemsItemType` lists the classic
//! projects' events only); REST's issue events name `project_v2_item_status_changed` but without
//! the statuses. So a Projects status enters an issue's history once, when it was last set.
//!
//! Reading `projectItems` needs `read:project` (classic token) or Projects: read (fine-grained
//! token). Without it GitHub refuses the field; the page is asked again without it, and the
//! sync goes on with labels and assignment as the issues' signals (logged once per run).

use std::collections::HashMap;

use reqwest::Url;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::connectors::http::{safe_url, Http};
use crate::ingest::error::SyncError;

/// The GraphQL endpoint of an API root: `https://api.github.com/graphql`, and
/// `https://HOST/api/graphql` for an Enterprise Server whose REST root is `…/api/v3`.
pub fn endpoint(root: &Url) -> Result<Url, SyncError> {
    let path = root.path();
    let joined = match path.strip_suffix("/api/v3/") {
        Some(base) => {
            let mut url = root.clone();
            url.set_path(&format!("{base}/api/graphql"));
            Ok(url)
        }
        None => root.join("graphql"),
    };
    joined.map_err(|err| SyncError::Config(format!("no GraphQL address for {root}: {err}")))
}

/// A connection's nodes (GraphQL lists may hold nulls) and where the next page starts.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct Connection<T> {
    #[serde(default)]
    pub nodes: Vec<Option<T>>,
    #[serde(rename = "pageInfo", default)]
    pub page_info: Option<PageInfo>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct PageInfo {
    #[serde(rename = "hasNextPage", default)]
    pub has_next_page: bool,
    #[serde(rename = "endCursor", default)]
    pub end_cursor: Option<String>,
}

/// A project an item is in.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct ProjectRef {
    #[serde(default)]
    pub number: Option<i64>,
    #[serde(default)]
    pub title: Option<String>,
}

/// A single-select field's value (`Status`); other field types carry no `name`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct StatusValue {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(rename = "updatedAt", default)]
    pub updated_at: Option<String>,
}

/// An issue's item in a Projects (v2) project.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct ProjectItem {
    #[serde(default)]
    pub id: String,
    #[serde(rename = "isArchived", default)]
    pub is_archived: bool,
    #[serde(default)]
    pub project: Option<ProjectRef>,
    #[serde(default)]
    pub status: Option<StatusValue>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct Login {
    #[serde(default)]
    pub login: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct Actor {
    #[serde(default)]
    pub login: String,
    #[serde(rename = "__typename", default)]
    pub typename: String,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct LabelName {
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct RepoName {
    #[serde(rename = "nameWithOwner", default)]
    pub name_with_owner: String,
}

/// An issue or pull request a timeline entry refers to.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct RefSubject {
    #[serde(rename = "__typename", default)]
    pub typename: String,
    #[serde(default)]
    pub number: Option<i64>,
    #[serde(default)]
    pub repository: Option<RepoName>,
}

/// An entry of an issue's timeline, of the types asked for (other fields stay empty).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct TimelineNode {
    #[serde(rename = "__typename", default)]
    pub typename: String,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(rename = "createdAt", default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub actor: Option<Actor>,
    /// ClosedEvent: COMPLETED, NOT_PLANNED, DUPLICATE.
    #[serde(rename = "stateReason", default)]
    pub state_reason: Option<String>,
    #[serde(default)]
    pub label: Option<LabelName>,
    #[serde(default)]
    pub assignee: Option<Login>,
    /// CrossReferencedEvent: the reference closes this issue when the source is merged.
    #[serde(rename = "willCloseTarget", default)]
    pub will_close_target: Option<bool>,
    #[serde(default)]
    pub source: Option<RefSubject>,
    #[serde(default)]
    pub subject: Option<RefSubject>,
    /// (Un)MarkedAsDuplicateEvent: the issue (or pull request) the duplicate repeats.
    #[serde(default)]
    pub canonical: Option<RefSubject>,
    /// (Un)MarkedAsDuplicateEvent: the duplicate (this issue, or another one marked against it).
    #[serde(default)]
    pub duplicate: Option<RefSubject>,
}

/// What the query reads of one issue.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct IssueNode {
    #[serde(default)]
    pub number: i64,
    #[serde(rename = "projectItems", default)]
    pub project_items: Option<Connection<ProjectItem>>,
    #[serde(rename = "timelineItems", default)]
    pub timeline_items: Connection<TimelineNode>,
}

/// The timeline entries the lifecycle reads.
const TIMELINE_TYPES: &str = "CLOSED_EVENT, REOPENED_EVENT, LABELED_EVENT, UNLABELED_EVENT, \
     ASSIGNED_EVENT, UNASSIGNED_EVENT, CROSS_REFERENCED_EVENT, CONNECTED_EVENT, DISCONNECTED_EVENT, \
     MARKED_AS_DUPLICATE_EVENT, UNMARKED_AS_DUPLICATE_EVENT";

const TIMELINE_NODES: &str = "pageInfo { hasNextPage endCursor }
      nodes {
        __typename
        ... on ClosedEvent { id createdAt stateReason actor { __typename login } }
        ... on ReopenedEvent { id createdAt actor { __typename login } }
        ... on LabeledEvent { id createdAt label { name } actor { __typename login } }
        ... on UnlabeledEvent { id createdAt label { name } actor { __typename login } }
        ... on AssignedEvent { id createdAt actor { __typename login }
          assignee { ... on User { login } ... on Bot { login } ... on Mannequin { login } ... on Organization { login } } }
        ... on UnassignedEvent { id createdAt actor { __typename login }
          assignee { ... on User { login } ... on Bot { login } ... on Mannequin { login } ... on Organization { login } } }
        ... on CrossReferencedEvent { id createdAt willCloseTarget actor { __typename login }
          source { __typename ... on Issue { number repository { nameWithOwner } } ... on PullRequest { number repository { nameWithOwner } } } }
        ... on ConnectedEvent { id createdAt actor { __typename login }
          source { __typename ... on Issue { number repository { nameWithOwner } } ... on PullRequest { number repository { nameWithOwner } } }
          subject { __typename ... on Issue { number repository { nameWithOwner } } ... on PullRequest { number repository { nameWithOwner } } } }
        ... on DisconnectedEvent { id createdAt actor { __typename login }
          source { __typename ... on Issue { number repository { nameWithOwner } } ... on PullRequest { number repository { nameWithOwner } } }
          subject { __typename ... on Issue { number repository { nameWithOwner } } ... on PullRequest { number repository { nameWithOwner } } } }
        ... on MarkedAsDuplicateEvent { id createdAt actor { __typename login }
          canonical { __typename ... on Issue { number repository { nameWithOwner } } ... on PullRequest { number repository { nameWithOwner } } }
          duplicate { __typename ... on Issue { number repository { nameWithOwner } } ... on PullRequest { number repository { nameWithOwner } } } }
        ... on UnmarkedAsDuplicateEvent { id createdAt actor { __typename login }
          canonical { __typename ... on Issue { number repository { nameWithOwner } } ... on PullRequest { number repository { nameWithOwner } } }
          duplicate { __typename ... on Issue { number repository { nameWithOwner } } ... on PullRequest { number repository { nameWithOwner } } } }
      }";

const PROJECT_ITEMS: &str = "projectItems(first: 20) {
      nodes { id isArchived project { number title }
        status: fieldValueByName(name: \"Status\") {
          ... on ProjectV2ItemFieldSingleSelectValue { name updatedAt } } } }";

/// The query for a page of issues of `owner/name`: one alias per issue (`i<number>`).
pub fn issues_query(numbers: &[i64], with_projects: bool) -> String {
    let projects = if with_projects { PROJECT_ITEMS } else { "" };
    let mut query = String::from(
        "query($owner: String!, $name: String!) {\n  repository(owner: $owner, name: $name) {\n",
    );
    for number in numbers {
        query.push_str(&format!(
            "    i{number}: issue(number: {number}) {{ ...Lifecycle }}\n"
        ));
    }
    query.push_str("  }\n}\n");
    query.push_str(&format!(
        "fragment Lifecycle on Issue {{\n  number\n  {projects}\n  timelineItems(first: 100, itemTypes: [{TIMELINE_TYPES}]) {{\n      {TIMELINE_NODES}\n  }}\n}}\n"
    ));
    query
}

/// The query for the next page of one issue's timeline.
pub fn timeline_page_query() -> String {
    format!(
        "query($owner: String!, $name: String!, $number: Int!, $after: String) {{\n  repository(owner: $owner, name: $name) {{\n    issue(number: $number) {{\n      timelineItems(first: 100, after: $after, itemTypes: [{TIMELINE_TYPES}]) {{\n      {TIMELINE_NODES}\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// An error GraphQL reported.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct GraphqlError {
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub path: Vec<Value>,
}

impl GraphqlError {
    /// The token may not read Projects (the field `projectItems` was refused).
    fn denies_projects(&self) -> bool {
        let about_projects = self.message.contains("projectItems")
            || self.message.to_lowercase().contains("project")
            || self.path.iter().any(|p| p.as_str() == Some("projectItems"));
        let refused = matches!(
            self.kind.as_deref(),
            Some("INSUFFICIENT_SCOPES") | Some("FORBIDDEN") | Some("NOT_FOUND")
        );
        about_projects && (refused || self.kind.is_none())
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
struct Answer {
    /// Kept as its text: a page of issues reads each node straight from it (and keeps the
    /// node's text as its raw record) without building a tree of the whole answer first.
    #[serde(default)]
    data: Option<Box<RawValue>>,
    #[serde(default)]
    errors: Vec<GraphqlError>,
}

/// What GraphQL said about a page of issues.
#[derive(Debug, Default)]
pub struct IssuesAnswer {
    /// Each issue asked for that GraphQL returned: its node, and the node's JSON (kept raw).
    pub issues: HashMap<i64, (IssueNode, String)>,
    /// The token may not read Projects: ask again without them.
    pub projects_denied: bool,
    /// Errors about the answer that did not stop it (logged).
    pub errors: Vec<GraphqlError>,
}

fn errors_text(errors: &[GraphqlError]) -> String {
    errors
        .iter()
        .take(3)
        .map(|e| match &e.kind {
            Some(kind) => format!("{kind}: {}", e.message),
            None => e.message.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Posts a query; GitHub's refusal of the whole query comes back as an error.
async fn post(http: &Http, url: &Url, body: Value) -> Result<Answer, SyncError> {
    let (answer, response) = http.post_json::<Answer>(url, &body).await?;
    if let Some(limited) = answer
        .errors
        .iter()
        .find(|e| e.kind.as_deref() == Some("RATE_LIMITED"))
    {
        let resets = response
            .header("x-ratelimit-reset")
            .unwrap_or("an unknown time");
        return Err(SyncError::RateLimited(format!(
            "{}: GitHub's GraphQL rate limit is spent ({}); it resets at {resets} (epoch seconds); this sync stops here and the next one resumes from the last saved page",
            safe_url(url),
            limited.message
        )));
    }
    Ok(answer)
}

/// Reads the lifecycle of a page of issues of `repo` (`owner/name`).
pub async fn issues(
    http: &Http,
    url: &Url,
    repo: &str,
    numbers: &[i64],
    with_projects: bool,
) -> Result<IssuesAnswer, SyncError> {
    let (owner, name) = repo.split_once('/').unwrap_or((repo, ""));
    let body = serde_json::json!({
        "query": issues_query(numbers, with_projects),
        "variables": { "owner": owner, "name": name },
    });
    let answer = post(http, url, body).await?;
    let mut out = IssuesAnswer {
        projects_denied: with_projects && answer.errors.iter().any(GraphqlError::denies_projects),
        ..IssuesAnswer::default()
    };
    /// `data`: the repository's issues by alias (`i44`), each a node or null.
    #[derive(Deserialize)]
    struct Data {
        #[serde(default)]
        repository: Option<HashMap<String, Option<Box<RawValue>>>>,
    }
    let repository = match answer.data.as_deref() {
        Some(data) => {
            serde_json::from_str::<Data>(data.get())
                .map_err(|err| {
                    SyncError::Malformed(format!(
                        "{}: GitHub's GraphQL answer for {repo} does not read as issues ({err})",
                        safe_url(url)
                    ))
                })?
                .repository
        }
        None => None,
    };
    let Some(mut repository) = repository else {
        if out.projects_denied {
            return Ok(out);
        }
        return Err(SyncError::Malformed(format!(
            "{}: GitHub's GraphQL API gave no data for {repo} ({})",
            safe_url(url),
            errors_text(&answer.errors)
        )));
    };
    for number in numbers {
        let Some(value) = repository.remove(&format!("i{number}")).flatten() else {
            continue;
        };
        match serde_json::from_str::<IssueNode>(value.get()) {
            Ok(node) => {
                out.issues
                    .insert(*number, (node, String::from(value.get())));
            }
            Err(err) => {
                tracing::warn!(repo, number, %err, "skipping an issue's GraphQL node that does not read as one");
            }
        }
    }
    out.errors = answer.errors;
    Ok(out)
}

/// The rest of an issue's timeline after `after` (issues with more than 100 entries).
pub async fn timeline_rest(
    http: &Http,
    url: &Url,
    repo: &str,
    number: i64,
    mut after: Option<String>,
) -> Result<Vec<Option<TimelineNode>>, SyncError> {
    const MAX_PAGES: usize = 100;
    let (owner, name) = repo.split_once('/').unwrap_or((repo, ""));
    let mut nodes = Vec::new();
    for _ in 0..MAX_PAGES {
        let Some(cursor) = after.take() else { break };
        let body = serde_json::json!({
            "query": timeline_page_query(),
            "variables": { "owner": owner, "name": name, "number": number, "after": cursor },
        });
        let answer = post(http, url, body).await?;
        let page: Option<Connection<TimelineNode>> = answer
            .data
            .as_deref()
            .and_then(|d| serde_json::from_str::<Value>(d.get()).ok())
            .and_then(|mut d| {
                d.pointer_mut("/repository/issue/timelineItems")
                    .map(Value::take)
            })
            .and_then(|v| serde_json::from_value(v).ok());
        let Some(page) = page else {
            return Err(SyncError::Malformed(format!(
                "{}: GitHub's GraphQL API gave no timeline page for {repo}#{number} ({})",
                safe_url(url),
                errors_text(&answer.errors)
            )));
        };
        nodes.extend(page.nodes);
        after = page
            .page_info
            .filter(|p| p.has_next_page)
            .and_then(|p| p.end_cursor);
    }
    Ok(nodes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_of_github_com_and_of_an_enterprise_server() {
        let at = |root: &str| endpoint(&Url::parse(root).unwrap()).unwrap().to_string();
        assert_eq!(
            at("https://api.github.com/"),
            "https://api.github.com/graphql"
        );
        assert_eq!(
            at("https://ghe.acme.com/api/v3/"),
            "https://ghe.acme.com/api/graphql",
            "an Enterprise Server answers GraphQL beside its REST root, not under it"
        );
        assert_eq!(
            at("http://127.0.0.1:4000/"),
            "http://127.0.0.1:4000/graphql"
        );
    }

    #[test]
    fn a_page_of_issues_is_one_query_with_an_alias_per_issue() {
        let query = issues_query(&[44, 7], true);
        assert!(query.contains("i44: issue(number: 44) { ...Lifecycle }"));
        assert!(query.contains("i7: issue(number: 7) { ...Lifecycle }"));
        assert!(query.contains("fieldValueByName(name: \"Status\")"));
        assert!(!issues_query(&[44], false).contains("projectItems"));
        assert_eq!(query.matches('{').count(), query.matches('}').count());
    }

    #[test]
    fn a_refused_projects_field_is_recognised() {
        let scopes = GraphqlError {
            kind: Some("INSUFFICIENT_SCOPES".into()),
            message: "Your token has not been granted the required scopes to execute this query. The 'projectItems' field requires one of the following scopes: ['read:project'], but your token has only been granted the: ['repo'] scopes.".into(),
            path: Vec::new(),
        };
        assert!(scopes.denies_projects());
        let other = GraphqlError {
            kind: Some("NOT_FOUND".into()),
            message: "Could not resolve to an Issue with the number of 9.".into(),
            path: vec![Value::from("repository"), Value::from("i9")],
        };
        assert!(
            !other.denies_projects(),
            "a missing issue is not about projects"
        );
    }
}
