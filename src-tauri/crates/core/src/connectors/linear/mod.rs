//! Linear (GraphQL, `POST https://api.linear.app/graphql`): teams with their workflow states,
//! initiatives and projects (as intents), and issues with their history, relations and
//! parents. Queries use only fields of Linear's published schema
//! (`tests/fixtures/linear/schema.graphql`, checked by a test).
//!
//! - Teams (`teams` with `states`), every run: the states' types seed the workflow mapping; a
//!   scope's team keys that no team has are reported as failed streams (`team:KEY`).
//! - Intents (stream `intents`), every run: `initiatives` then `projects`, every page.
//!   A workspace without initiatives (or a token that cannot read them) syncs its projects.
//! - Issues (stream `issues`): `issues(filter: {updatedAt: {gt: …}, team: {key: {in: …}}},
//!   orderBy: updatedAt, includeArchived: true, first, after)`, each with its first page of
//!   `history`, `relations`, `inverseRelations` and labels; a longer nested list is read to its
//!   end with `issue(id) { history(after: …) }` (and the same for relations). The lower bound is
//!   the watermark minus the overlap window (none on a first sync). Pages follow
//!   `pageInfo { hasNextPage endCursor }`, the next one asked for as soon as its cursor is
//!   known; one write holds as many query pages as make the page size (four of 25 by default),
//!   with the cursor after the last, so an interrupted walk resumes after the last write. The
//!   watermark never passes the run's start.
//! - A 200 that carries `errors` beside its data (Linear answered in part) is written as far
//!   as it goes and reported: the run ends "finished with errors" naming each error, and the
//!   walk's watermark stays before the records concerned, so the next sync reads them again.
//!   A record that does not read as an issue is reported the same way.
//!
//! Rate limits: HTTP 400 with `RATELIMITED` (or 429) and the `X-RateLimit-*-Reset` headers in
//! epoch milliseconds ([`RateLimitStyle::Linear`](crate::connectors::http::RateLimitStyle)).

mod connector;
pub mod map;
pub mod model;

pub use self::connector::{LinearConnector, LinearScope, DEFAULT_URL};

use futures_util::stream::{self, StreamExt};
use reqwest::Url;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use tokio::task::JoinSet;

use crate::connectors::http::{root_of, safe_url, Http};
use crate::connectors::link_sets::IdleSets;
use crate::connectors::{iso, namespace, next_watermark, parse_time, Run, WalkState};
use crate::graph::model::SourceKind;
use crate::graph::repo::raw_records::RawRecord;
use crate::graph::repo::sync_cursors::Cursor;
use crate::ingest::error::SyncError;
use crate::ingest::write::PageWrite;

use self::map::{MapCtx, Workflow};
use self::model::{Connection, Initiative, Issue, PageInfo, Project, Team, Viewer};

/// Raw record streams (and cursor names).
pub const ISSUES_STREAM: &str = "issues";
pub const TEAMS_STREAM: &str = "teams";
pub const INTENTS_STREAM: &str = "intents";
pub const PROJECTS_STREAM: &str = "projects";
pub const INITIATIVES_STREAM: &str = "initiatives";

/// Linear refuses a query whose complexity is above 10,000 points. Its documented scoring: a
/// scalar field 0.1 point, an object 1, and a connection multiplies what it holds by its
/// `first` (50 when not given).
pub const MAX_COMPLEXITY: f64 = 10_000.0;
/// The largest page of issues asked for: with [`NESTED_FIRST`], a page of the issues query scores
/// about 8,900 points, within [`MAX_COMPLEXITY`] (checked by a test; 50 issues with 25 of each
/// nested list would score about 38,800 and be refused).
pub const MAX_PAGE: u32 = 25;
/// Nested lists read with each issue (the rest comes from follow-up queries, 100 at a time).
const NESTED_FIRST: u32 = 10;
/// The most pages read of one nested list or of a small list (teams, projects).
const MAX_LIST_PAGES: u32 = 1_000;

/// A user's fields.
const USER: &str = "id name displayName email app";

/// An `IssueHistory` entry's fields.
pub const HISTORY_FIELDS: &str = "id createdAt
  actor { id name displayName email app }
  fromState { id name type } toState { id name type }
  fromAssignee { id name displayName email app } toAssignee { id name displayName email app }
  fromAssigneeId toAssigneeId
  fromDelegate { id name displayName app } toDelegate { id name displayName app }
  fromEstimate toEstimate
  fromProject { id name } toProject { id name } fromProjectId toProjectId
  fromCycle { id name number } toCycle { id name number } fromCycleId toCycleId
  addedLabels { id name } removedLabels { id name }";

/// A relation's fields, from `relations` (the other issue is `relatedIssue`).
pub const RELATION_FIELDS: &str = "id type createdAt relatedIssue { id identifier }";
/// A relation's fields, from `inverseRelations` (the other issue is `issue`).
pub const INVERSE_RELATION_FIELDS: &str = "id type createdAt issue { id identifier }";

/// The issues query.
pub fn issues_query() -> String {
    format!(
        "query BatonIssues($first: Int!, $after: String, $filter: IssueFilter) {{
  issues(first: $first, after: $after, filter: $filter, orderBy: updatedAt, includeArchived: true) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{
      id identifier previousIdentifiers title description url
      createdAt updatedAt startedAt completedAt canceledAt archivedAt
      priority priorityLabel estimate
      team {{ id key }}
      state {{ id name type }}
      creator {{ {USER} }} assignee {{ {USER} }} delegate {{ {USER} }}
      parent {{ id identifier }}
      project {{ id name }}
      cycle {{ id name number }}
      labels(first: 50) {{ nodes {{ id name }} }}
      history(first: {NESTED_FIRST}) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ {HISTORY_FIELDS} }} }}
      relations(first: {NESTED_FIRST}) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ {RELATION_FIELDS} }} }}
      inverseRelations(first: {NESTED_FIRST}) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ {INVERSE_RELATION_FIELDS} }} }}
    }}
  }}
}}"
    )
}

/// The query reading the rest of one issue's nested list (`history`, `relations`,
/// `inverseRelations`).
pub fn nested_query(field: &str) -> String {
    let fields = match field {
        "history" => HISTORY_FIELDS,
        "relations" => RELATION_FIELDS,
        _ => INVERSE_RELATION_FIELDS,
    };
    format!(
        "query BatonIssueMore($id: String!, $after: String) {{
  issue(id: $id) {{ {field}(first: 100, after: $after) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ {fields} }} }} }}
}}"
    )
}

/// The teams query (25 a page: each with up to 100 states keeps it within [`MAX_COMPLEXITY`]).
pub const TEAMS_QUERY: &str = "query BatonTeams($after: String) {
  teams(first: 25, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id key name states(first: 100) { pageInfo { hasNextPage endCursor } nodes { id name type position } } }
  }
}";

/// The initiatives query.
pub const INITIATIVES_QUERY: &str = "query BatonInitiatives($after: String) {
  initiatives(first: 50, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id name description url slugId createdAt updatedAt targetDate priority
            owner { id name displayName email app } parentInitiative { id } }
  }
}";

/// The projects query.
pub const PROJECTS_QUERY: &str = "query BatonProjects($after: String) {
  projects(first: 50, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id name description url slugId createdAt updatedAt targetDate priority
            lead { id name displayName email app } initiatives(first: 10) { nodes { id } } }
  }
}";

/// The connection test's query.
pub const VIEWER_QUERY: &str = "query BatonViewer {
  viewer { name email organization { name urlKey } }
  teams(first: 250) { nodes { id key name } }
}";

/// The GraphQL endpoint of a source's API root (`https://api.linear.app/graphql`).
pub fn endpoint(base_url: &str) -> Result<Url, SyncError> {
    let base = base_url.trim().trim_end_matches('/');
    let base = if base.is_empty() { DEFAULT_URL } else { base };
    let base = base.strip_suffix("/graphql").unwrap_or(base);
    root_of(base)?
        .join("graphql")
        .map_err(|err| SyncError::Config(format!("no GraphQL address for {base}: {err}")))
}

/// One error of a GraphQL answer.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct GraphqlError {
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub path: Option<Vec<Value>>,
    #[serde(default)]
    pub extensions: Option<Value>,
}

impl GraphqlError {
    /// `extensions.code` (or Linear's `extensions.type`).
    pub fn code(&self) -> Option<&str> {
        let x = self.extensions.as_ref()?;
        x.get("code")
            .or_else(|| x.get("type"))
            .and_then(Value::as_str)
    }

    /// The position in `issues.nodes` the error is about, when its path says.
    fn node_index(&self) -> Option<usize> {
        let path = self.path.as_ref()?;
        let at = path.iter().position(|p| p.as_str() == Some("nodes"))?;
        path.get(at + 1)?.as_u64().map(|n| n as usize)
    }

    /// As the run's report shows it.
    pub fn describe(&self) -> String {
        let path = self
            .path
            .as_ref()
            .map(|p| {
                p.iter()
                    .map(|s| match s {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(".")
            })
            .filter(|p| !p.is_empty());
        match (self.code(), path) {
            (Some(code), Some(path)) => format!("{} ({code}, at {path})", self.message),
            (Some(code), None) => format!("{} ({code})", self.message),
            (None, Some(path)) => format!("{} (at {path})", self.message),
            (None, None) => self.message.clone(),
        }
    }
}

#[derive(Debug, Deserialize)]
struct Envelope {
    #[serde(default)]
    data: Option<Box<RawValue>>,
    #[serde(default)]
    errors: Vec<GraphqlError>,
}

/// The error a GraphQL answer without data stands for.
fn refusal(url: &Url, errors: &[GraphqlError]) -> SyncError {
    let detail = format!(
        "{}: {}",
        safe_url(url),
        errors
            .iter()
            .map(GraphqlError::describe)
            .collect::<Vec<_>>()
            .join("; ")
    );
    let has = |code: &str| {
        errors
            .iter()
            .any(|e| e.code().is_some_and(|c| c.eq_ignore_ascii_case(code)))
    };
    if has("RATELIMITED") {
        SyncError::RateLimited(detail)
    } else if has("AUTHENTICATION_ERROR") {
        SyncError::BadToken(detail)
    } else if has("FORBIDDEN") {
        SyncError::NoAccess(detail)
    } else {
        SyncError::Refused {
            status: 400,
            detail,
        }
    }
}

/// Runs a query: its data (read as `T`) and the errors that came beside it. An answer with
/// errors and no data is an error.
pub async fn query<T: serde::de::DeserializeOwned>(
    http: &Http,
    url: &Url,
    query: &str,
    variables: Value,
) -> Result<(T, Vec<GraphqlError>), SyncError> {
    let body = json!({ "query": query, "variables": variables });
    let (envelope, _) = http.post_json::<Envelope>(url, &body).await?;
    let data = envelope
        .data
        .filter(|d| d.get().trim() != "null")
        .ok_or_else(|| {
            if envelope.errors.is_empty() {
                SyncError::Malformed(format!(
                    "{}: an answer with neither data nor errors",
                    safe_url(url)
                ))
            } else {
                refusal(url, &envelope.errors)
            }
        })?;
    let value = serde_json::from_str::<T>(data.get()).map_err(|err| {
        if envelope.errors.is_empty() {
            SyncError::Malformed(format!(
                "{}: the data is not what was asked for ({err})",
                safe_url(url)
            ))
        } else {
            refusal(url, &envelope.errors)
        }
    })?;
    Ok((value, envelope.errors))
}

/// A connection whose nodes are kept as sent (a node may be null in a partial answer).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawConnection {
    #[serde(default)]
    nodes: Vec<Option<Box<RawValue>>>,
    #[serde(default)]
    page_info: PageInfo,
}

/// Every page of a small top-level list (`teams`, `projects`, `initiatives`), as raw nodes,
/// with the errors that came beside them.
async fn read_all(
    http: &Http,
    url: &Url,
    field: &str,
    query_text: &str,
) -> Result<(Vec<Box<RawValue>>, Vec<GraphqlError>), SyncError> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..MAX_LIST_PAGES {
        let (mut data, errs) = query::<std::collections::HashMap<String, Option<RawConnection>>>(
            http,
            url,
            query_text,
            json!({ "after": after }),
        )
        .await?;
        errors.extend(errs);
        let Some(conn) = data.remove(field).flatten() else {
            break;
        };
        out.extend(conn.nodes.into_iter().flatten());
        match conn
            .page_info
            .end_cursor
            .filter(|_| conn.page_info.has_next_page)
        {
            Some(next) => after = Some(next),
            None => return Ok((out, errors)),
        }
    }
    tracing::warn!(%field, "a list kept going; read its first {MAX_LIST_PAGES} pages");
    Ok((out, errors))
}

fn raw(run: &Run<'_>, stream: &str, id: &str, payload: &str, now: i64) -> RawRecord {
    RawRecord {
        source_id: run.source.id.clone(),
        stream: stream.to_owned(),
        external_id: id.to_owned(),
        payload: payload.to_owned(),
        fetched_at: now,
    }
}

/// Syncs the source: teams and states, intents, then issues.
pub async fn sync(run: &mut Run<'_>, scope: &LinearScope) -> Result<(), SyncError> {
    let url = endpoint(&run.source.base_url)?;
    run.http.bind_origin(&url)?;
    let ns = namespace(SourceKind::Linear, &run.source.base_url);
    let teams = sync_teams(run, &url, scope).await?;
    let workflow = Workflow::new(&teams);
    map::seed_states(&mut run.states, &workflow, &teams);
    run.check_cancel()?;
    match sync_intents(run, &url, &ns).await {
        Ok(()) => run.stream_done(),
        Err(err) => run.stream_failed(INTENTS_STREAM, err).await?,
    }
    run.check_cancel()?;
    match walk_issues(run, &url, &ns, scope, &workflow).await {
        Ok(()) => run.stream_done(),
        Err(err) => run.stream_failed(ISSUES_STREAM, err).await?,
    }
    Ok(())
}

/// Reads every team with its states (those of the scope), writes them as raw records and
/// returns them. A scope's team key no team has is a failed stream.
async fn sync_teams(
    run: &mut Run<'_>,
    url: &Url,
    scope: &LinearScope,
) -> Result<Vec<Team>, SyncError> {
    let (values, errors) = read_all(&run.http, url, "teams", TEAMS_QUERY).await?;
    let now = run.clock.now_ms();
    let mut page = PageWrite::new(TEAMS_STREAM);
    let mut teams = Vec::new();
    for value in values {
        let team: Team = match serde_json::from_str(value.get()) {
            Ok(team) => team,
            Err(err) => {
                run.skipped
                    .push(format!("a team that does not read as one: {err}"));
                continue;
            }
        };
        if !scope.teams.is_empty()
            && !scope
                .teams
                .iter()
                .any(|k| k.eq_ignore_ascii_case(&team.key))
        {
            continue;
        }
        page.raw
            .push(raw(run, TEAMS_STREAM, &team.id, value.get(), now));
        teams.push(team);
    }
    for e in &errors {
        run.skipped.push(format!(
            "Linear answered the teams in part: {}",
            e.describe()
        ));
    }
    run.commit(page).await?;
    for key in &scope.teams {
        if !teams.iter().any(|t| t.key.eq_ignore_ascii_case(key)) {
            run.stream_failed(
                &format!("team:{key}"),
                SyncError::NoAccess(format!(
                    "the team {key} was not found, or the token cannot see it"
                )),
            )
            .await?;
        }
    }
    Ok(teams)
}

/// Imports initiatives and projects as intents.
async fn sync_intents(run: &mut Run<'_>, url: &Url, ns: &str) -> Result<(), SyncError> {
    let initiatives = match read_all(&run.http, url, "initiatives", INITIATIVES_QUERY).await {
        Ok(found) => found,
        Err(err) if err.fails_for_good() => {
            tracing::warn!(%err, "Linear's initiatives could not be read; syncing projects without them");
            (Vec::new(), Vec::new())
        }
        Err(err) => return Err(err),
    };
    let projects = read_all(&run.http, url, "projects", PROJECTS_QUERY).await?;
    let now = run.clock.now_ms();
    let mut page = PageWrite::new(INTENTS_STREAM);
    for value in &initiatives.0 {
        match serde_json::from_str::<Initiative>(value.get()) {
            Ok(i) => {
                page.raw
                    .push(raw(run, INITIATIVES_STREAM, &i.id, value.get(), now));
                if let Some(intent) = map::initiative_intent(&mut page, &run.source.id, ns, &i) {
                    page.intents.push(intent);
                }
            }
            Err(err) => run
                .skipped
                .push(format!("an initiative that does not read as one: {err}")),
        }
    }
    for value in &projects.0 {
        match serde_json::from_str::<Project>(value.get()) {
            Ok(p) => {
                page.raw
                    .push(raw(run, PROJECTS_STREAM, &p.id, value.get(), now));
                if let Some(intent) = map::project_intent(&mut page, &run.source.id, ns, &p) {
                    page.intents.push(intent);
                }
            }
            Err(err) => run
                .skipped
                .push(format!("a project that does not read as one: {err}")),
        }
    }
    for e in initiatives.1.iter().chain(&projects.1) {
        run.skipped.push(format!(
            "Linear answered the projects and initiatives in part: {}",
            e.describe()
        ));
    }
    run.commit(page).await
}

/// The rest of an issue's nested list after `after`.
async fn read_nested(
    http: &Http,
    url: &Url,
    issue_id: &str,
    field: &str,
    mut after: Option<String>,
) -> Result<Vec<Value>, SyncError> {
    let text = nested_query(field);
    let mut out = Vec::new();
    for _ in 0..MAX_LIST_PAGES {
        #[derive(Deserialize)]
        struct Data {
            issue: Option<std::collections::HashMap<String, Connection<Value>>>,
        }
        let (data, errors) =
            query::<Data>(http, url, &text, json!({ "id": issue_id, "after": after })).await?;
        if let Some(e) = errors.first() {
            // A nested list answered in part cannot be told complete: the issue is read again.
            return Err(SyncError::Malformed(format!(
                "{}: the {field} of an issue came back in part: {}",
                safe_url(url),
                e.describe()
            )));
        }
        let Some(conn) = data.issue.and_then(|mut i| i.remove(field)) else {
            break;
        };
        out.extend(conn.nodes);
        match conn
            .page_info
            .end_cursor
            .filter(|_| conn.page_info.has_next_page)
        {
            Some(next) => after = Some(next),
            None => return Ok(out),
        }
    }
    Ok(out)
}

/// Completes an issue's nested lists that have more pages, in place.
async fn complete(http: &Http, url: &Url, issue: &mut Value) -> Result<(), SyncError> {
    let id = issue
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    for field in ["history", "relations", "inverseRelations"] {
        let Some(conn) = issue.get_mut(field).filter(|c| c.is_object()) else {
            continue;
        };
        let info: PageInfo = conn
            .get("pageInfo")
            .cloned()
            .and_then(|p| serde_json::from_value(p).ok())
            .unwrap_or_default();
        let Some(after) = info.end_cursor.filter(|_| info.has_next_page) else {
            continue;
        };
        let more = read_nested(http, url, &id, field, Some(after)).await?;
        if let Some(nodes) = conn.get_mut("nodes").and_then(Value::as_array_mut) {
            nodes.extend(more);
        }
        conn["pageInfo"] = json!({ "hasNextPage": false, "endCursor": null });
    }
    Ok(())
}

/// The issues query's filter.
fn filter(scope: &LinearScope, since: Option<i64>) -> Value {
    let mut filter = serde_json::Map::new();
    if let Some(since) = since {
        filter.insert("updatedAt".into(), json!({ "gt": iso(since) }));
    }
    if !scope.teams.is_empty() {
        filter.insert("team".into(), json!({ "key": { "in": scope.teams } }));
    }
    if filter.is_empty() {
        Value::Null
    } else {
        Value::Object(filter)
    }
}

fn lower(cap: &mut Option<i64>, at: i64) {
    *cap = Some(cap.map_or(at, |c| c.min(at)));
}

/// Issues of a page whose nested lists are completed at once (each with its own follow-up
/// queries, in order).
const FOLLOW_UP_CONCURRENCY: usize = 4;

/// A node of a page of issues, as read.
enum Read<'a> {
    /// Null in a partial answer (or completed later).
    Missing,
    NotJson(String),
    /// Complete as sent: the issue and its JSON text.
    Whole(Box<Issue>, &'a str),
    /// Completed by follow-up queries (or not readable as an issue).
    Completed(Value),
}

/// Whether a nested list of `issue` has more than its first page.
fn has_more(issue: &Issue) -> bool {
    issue.history.page_info.has_next_page
        || issue.relations.page_info.has_next_page
        || issue.inverse_relations.page_info.has_next_page
}

/// A page of the issues query.
#[derive(Deserialize)]
struct IssuesData {
    issues: Option<RawConnection>,
}

/// The answer to one page of the issues query.
type IssuesAnswer = Result<(IssuesData, Vec<GraphqlError>), SyncError>;

/// Asks for the page of issues after `after`.
async fn issues_answer(
    http: &Http,
    url: &Url,
    text: &str,
    first: u32,
    after: Option<String>,
    filter: &Value,
) -> IssuesAnswer {
    query::<IssuesData>(
        http,
        url,
        text,
        json!({ "first": first, "after": after, "filter": filter }),
    )
    .await
}

/// The cursor of the page after `conn` (the `pages`-th of the walk), when there is one: an
/// empty page, or an empty cursor, ends the walk (as does a walk that never ends).
fn next_cursor(conn: &RawConnection, pages: u32) -> Option<String> {
    conn.page_info.end_cursor.clone().filter(|c| {
        conn.page_info.has_next_page && !c.is_empty() && !conn.nodes.is_empty() && pages < 100_000
    })
}

/// Walks the issues from the cursor.
async fn walk_issues(
    run: &mut Run<'_>,
    url: &Url,
    ns: &str,
    scope: &LinearScope,
    workflow: &Workflow,
) -> Result<(), SyncError> {
    let cursor = run.cursor(ISSUES_STREAM).await?;
    let watermark = cursor.watermark.as_deref().and_then(parse_time);
    let (mut walk, mut after) = match WalkState::parse(cursor.page_token.as_deref()) {
        Some(walk) => {
            let after = Some(walk.next.clone()).filter(|n| !n.is_empty());
            (walk, after)
        }
        None => (
            WalkState {
                since: watermark.map(|w| w - run.options.overlap_ms()),
                ..WalkState::default()
            },
            None,
        ),
    };
    let first = run.options.page_size.clamp(1, MAX_PAGE);
    let text = std::sync::Arc::new(issues_query());
    let page_filter = filter(scope, walk.since);
    let mut pages = 0u32;
    // Query pages are small (Linear's complexity limit): several go in one write, as many as
    // make the page size asked for (one when it is 25 or less).
    let per_write = run.options.page_size.max(first) as usize;
    let mut batch: Option<PageWrite> = None;
    let mut batch_ids: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut batched = 0usize;
    // Link sets of issues no link names are left out of the writes (see `IdleSets`).
    let mut idle = IdleSets::new();
    // The next page, asked for as soon as this one's cursor is known: it is read while this
    // page's follow-ups run and it is mapped and written (the same queries, one more in flight).
    let mut ahead: JoinSet<(Option<String>, IssuesAnswer)> = JoinSet::new();
    loop {
        run.check_cancel()?;
        let answer = match ahead.join_next().await {
            Some(Ok((at, answer))) if at == after => answer,
            _ => issues_answer(&run.http, url, &text, first, after.clone(), &page_filter).await,
        };
        let (data, errors) = answer?;
        pages += 1;
        let conn = data.issues.ok_or_else(|| {
            SyncError::Malformed(format!("{}: an answer without its issues", safe_url(url)))
        })?;
        if let Some(next) = next_cursor(&conn, pages) {
            let (http, url, text, filter) = (
                run.http.clone(),
                url.clone(),
                text.clone(),
                page_filter.clone(),
            );
            ahead.spawn(async move {
                let answer =
                    issues_answer(&http, &url, &text, first, Some(next.clone()), &filter).await;
                (Some(next), answer)
            });
        }
        let now = run.clock.now_ms();
        // Where the walk may not pass if something of this page is missing: before the page.
        let floor = walk.high.or(walk.since).unwrap_or(0);
        let mut updated: Vec<Option<i64>> = Vec::new();
        // Each node read once, straight into an issue; only one with a nested list longer than
        // the first page goes through a JSON tree, to be completed by follow-up queries (those
        // of the page run a few at a time) and stored whole.
        let mut read: Vec<Read<'_>> = Vec::with_capacity(conn.nodes.len());
        let mut longer: Vec<(usize, Value)> = Vec::new();
        for (i, node) in conn.nodes.iter().enumerate() {
            let Some(node) = node else {
                read.push(Read::Missing);
                continue;
            };
            match serde_json::from_str::<Issue>(node.get()) {
                Ok(issue) if !has_more(&issue) => {
                    read.push(Read::Whole(Box::new(issue), node.get()))
                }
                _ => match serde_json::from_str::<Value>(node.get()) {
                    Ok(value) => {
                        longer.push((i, value));
                        read.push(Read::Missing);
                    }
                    Err(err) => read.push(Read::NotJson(err.to_string())),
                },
            }
        }
        let completed: Vec<Result<(usize, Value), SyncError>> = stream::iter(longer)
            .map(|(i, mut value)| {
                let http = &run.http;
                async move {
                    complete(http, url, &mut value).await?;
                    Ok((i, value))
                }
            })
            .buffered(FOLLOW_UP_CONCURRENCY)
            .collect()
            .await;
        for done in completed {
            let (i, value) = done?;
            read[i] = Read::Completed(value);
        }
        // An issue met again (updated while the walk ran) goes in a write after the one
        // holding its earlier answer.
        let ids: Vec<String> = read
            .iter()
            .filter_map(|node| match node {
                Read::Whole(issue, _) => Some(issue.id.clone()),
                Read::Completed(value) => {
                    value.get("id").and_then(Value::as_str).map(str::to_owned)
                }
                Read::Missing | Read::NotJson(_) => None,
            })
            .collect();
        if ids.iter().any(|id| batch_ids.contains(id)) {
            if let Some(mut earlier) = batch.take() {
                idle.drop_idle(run.ws, &mut earlier).await?;
                run.commit(earlier).await?;
            }
            batch_ids.clear();
            batched = 0;
        }
        batch_ids.extend(ids);
        batched += conn.nodes.len();
        let page = batch.get_or_insert_with(|| PageWrite::new(ISSUES_STREAM));
        for (i, node) in read.into_iter().enumerate() {
            let (issue, payload) = match node {
                Read::Missing => {
                    updated.push(None);
                    continue;
                }
                Read::NotJson(err) => {
                    run.skipped.push(format!(
                        "issue {i} of page {pages} is not JSON Baton can read: {err}"
                    ));
                    lower(&mut walk.cap, floor);
                    updated.push(None);
                    continue;
                }
                Read::Whole(issue, text) => (*issue, text.to_owned()),
                Read::Completed(value) => match serde_json::from_value::<Issue>(value.clone()) {
                    Ok(issue) => (issue, value.to_string()),
                    Err(err) => {
                        let named = value
                            .get("identifier")
                            .and_then(Value::as_str)
                            .map(|k| format!("issue {k}"))
                            .unwrap_or_else(|| format!("issue {i} of page {pages}"));
                        run.skipped
                            .push(format!("{named} does not read as a Linear issue: {err}"));
                        lower(&mut walk.cap, floor);
                        updated.push(None);
                        continue;
                    }
                },
            };
            let at = parse_time(&issue.updated_at);
            updated.push(at);
            if let Some(at) = at {
                walk.high = Some(walk.high.map_or(at, |h| h.max(at)));
            }
            page.raw
                .push(raw(run, ISSUES_STREAM, &issue.id, &payload, now));
            let mut ctx = MapCtx {
                source_id: &run.source.id,
                ns,
                rules: &run.rules,
                states: &mut run.states,
                workflow,
            };
            if let Some(item) = map::map_issue(page, &mut ctx, &issue) {
                page.items.push(item);
            }
        }
        // Linear answered in part: say so, and keep the watermark before what is missing.
        for e in &errors {
            run.skipped.push(format!(
                "Linear answered page {pages} of issues in part: {}",
                e.describe()
            ));
            let at = e
                .node_index()
                .and_then(|n| updated.get(n).copied().flatten())
                .map(|at| at - 1)
                .unwrap_or(floor);
            lower(&mut walk.cap, at);
        }
        if conn.nodes.iter().any(Option::is_none) && errors.is_empty() {
            run.skipped.push(format!(
                "Linear left out {} issue(s) of page {pages} without saying why",
                conn.nodes.iter().filter(|n| n.is_none()).count()
            ));
            lower(&mut walk.cap, floor);
        }
        let next = next_cursor(&conn, pages);
        page.cursor = Some(match &next {
            Some(next) => Cursor {
                watermark: cursor.watermark.clone(),
                etag: None,
                page_token: Some(
                    WalkState {
                        next: next.clone(),
                        ..walk.clone()
                    }
                    .to_text(),
                ),
            },
            None => {
                let high = match (walk.high, walk.cap) {
                    (Some(h), Some(c)) => Some(h.min(c)),
                    (h, _) => h,
                };
                Cursor {
                    watermark: next_watermark(high, watermark, run.started_at).map(iso),
                    etag: None,
                    page_token: None,
                }
            }
        });
        // A write holds the query pages read since the last one, up to the page size asked
        // for, with the cursor after the last of them.
        if next.is_none() || batched >= per_write {
            if let Some(mut full) = batch.take() {
                idle.drop_idle(run.ws, &mut full).await?;
                run.commit(full).await?;
            }
            batch_ids.clear();
            batched = 0;
        }
        match next {
            Some(next) => after = Some(next),
            None => return Ok(()),
        }
    }
}

/// Checks the API, the token and the scope without writing anything.
pub async fn test_connection(
    http: &Http,
    base_url: &str,
    scope: &LinearScope,
) -> Result<String, SyncError> {
    let url = endpoint(base_url)?;
    http.bind_origin(&url)?;
    #[derive(Deserialize)]
    struct Data {
        viewer: Viewer,
        #[serde(default)]
        teams: Connection<model::TeamRef>,
    }
    let (data, _) = match query::<Data>(http, &url, VIEWER_QUERY, json!({})).await {
        Ok(found) => found,
        Err(SyncError::NoAccess(_))
        | Err(SyncError::Malformed(_))
        | Err(SyncError::WrongUrl(_))
        | Err(SyncError::Refused { status: 410, .. }) => {
            return Err(SyncError::WrongUrl(format!(
                "{} does not answer like Linear's API (use https://api.linear.app)",
                safe_url(&url)
            )))
        }
        Err(err) => return Err(err),
    };
    for key in &scope.teams {
        if !data
            .teams
            .nodes
            .iter()
            .any(|t| t.key.eq_ignore_ascii_case(key))
        {
            return Err(SyncError::NoAccess(format!(
                "the team {key} was not found, or the token cannot see it"
            )));
        }
    }
    let who = data
        .viewer
        .name
        .filter(|n| !n.trim().is_empty())
        .or(data.viewer.email)
        .unwrap_or_else(|| "an unnamed user".into());
    let org = data
        .viewer
        .organization
        .map(|o| format!(" in {}", o.name))
        .unwrap_or_default();
    let teams = if scope.teams.is_empty() {
        format!("{} teams visible", data.teams.nodes.len())
    } else {
        format!("teams {}", scope.teams.join(", "))
    };
    Ok(format!("signed in as {who}{org} ({teams})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_is_under_the_api_root() {
        assert_eq!(
            endpoint("").unwrap().as_str(),
            "https://api.linear.app/graphql"
        );
        assert_eq!(
            endpoint("http://127.0.0.1:9/graphql").unwrap().as_str(),
            "http://127.0.0.1:9/graphql"
        );
    }

    #[test]
    fn a_first_sync_has_no_filter_and_a_scoped_one_names_its_teams() {
        let all = LinearScope::default();
        assert_eq!(filter(&all, None), Value::Null);
        let scoped = LinearScope {
            teams: vec!["ENG".into()],
            oauth: false,
        };
        assert_eq!(
            filter(&scoped, Some(1_772_409_600_000)),
            json!({"updatedAt": {"gt": "2026-03-02T00:00:00Z"}, "team": {"key": {"in": ["ENG"]}}})
        );
    }

    /// A query's complexity by Linear's documented scoring (a scalar 0.1, an object 1, a
    /// connection's contents times its `first`; `$first` is `page`), for every field asked.
    fn complexity(text: &str, page: u32) -> f64 {
        let mut tokens: Vec<String> = Vec::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '(' {
                let mut args = String::from("(");
                for a in chars.by_ref() {
                    args.push(a);
                    if a == ')' {
                        break;
                    }
                }
                tokens.push(args);
            } else if c == '{' || c == '}' {
                tokens.push(c.to_string());
            } else if c.is_alphanumeric() || c == '_' {
                let mut name = c.to_string();
                while let Some(n) = chars.peek().filter(|n| n.is_alphanumeric() || **n == '_') {
                    name.push(*n);
                    chars.next();
                }
                tokens.push(name);
            }
        }
        fn selection(tokens: &[String], mut i: usize, page: u32) -> (f64, usize) {
            let mut cost = 0.0;
            while i < tokens.len() {
                if tokens[i] == "}" {
                    return (cost, i + 1);
                }
                i += 1;
                let args = tokens.get(i).filter(|t| t.starts_with('(')).cloned();
                if args.is_some() {
                    i += 1;
                }
                if tokens.get(i).map(String::as_str) == Some("{") {
                    let (inner, next) = selection(tokens, i + 1, page);
                    i = next;
                    let first = args.as_deref().and_then(|a| {
                        let at = a.find("first:")? + "first:".len();
                        let word: String = a[at..]
                            .trim_start()
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '$')
                            .collect();
                        if word == "$first" {
                            Some(page)
                        } else {
                            word.parse().ok()
                        }
                    });
                    cost += 1.0 + f64::from(first.unwrap_or(1)) * inner;
                } else {
                    cost += 0.1;
                }
            }
            (cost, i)
        }
        // The operation's own selection set: from its first brace.
        let start = tokens.iter().position(|t| t == "{").unwrap_or(0);
        selection(&tokens, start + 1, page).0
    }

    #[test]
    fn every_query_fits_linears_complexity_limit() {
        let issues = complexity(&issues_query(), MAX_PAGE);
        assert!(
            issues <= MAX_COMPLEXITY,
            "a page of {MAX_PAGE} issues scores {issues:.0} points"
        );
        assert!(
            complexity(&issues_query(), 50) > MAX_COMPLEXITY,
            "the scoring counts nested lists: 50 issues with theirs would be refused"
        );
        for field in ["history", "relations", "inverseRelations"] {
            let more = complexity(&nested_query(field), 0);
            assert!(more <= MAX_COMPLEXITY, "{field}: {more:.0}");
        }
        for query in [TEAMS_QUERY, INITIATIVES_QUERY, PROJECTS_QUERY, VIEWER_QUERY] {
            let cost = complexity(query, 0);
            assert!(cost <= MAX_COMPLEXITY, "{cost:.0}: {query}");
        }
    }

    #[test]
    fn errors_say_where_they_are() {
        let e: GraphqlError = serde_json::from_value(json!({
            "message": "Cannot read history",
            "path": ["issues", "nodes", 3, "history"],
            "extensions": {"code": "INTERNAL_SERVER_ERROR"}
        }))
        .unwrap();
        assert_eq!(e.node_index(), Some(3));
        assert_eq!(
            e.describe(),
            "Cannot read history (INTERNAL_SERVER_ERROR, at issues.nodes.3.history)"
        );
    }
}
