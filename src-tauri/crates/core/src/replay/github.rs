//! A fake GitHub API over real recorded records: REST (it filters by `since`, sorts, pages with
//! `Link` headers — next links use `/repositories/{id}/…` as github.com does —, answers
//! `If-None-Match` with 304, checks the bearer token, and serves injected faults first) and the
//! GraphQL query Baton sends for a page of issues (their Projects items and timelines).
//!
//! Where a recording lacks a timeline, one is **assembled from the item's real recorded rows**:
//! a pull request's timeline from its issue events and its reviews (as `reviewed` entries), an
//! issue's GraphQL timeline from its issue events (each converted to the GraphQL event type it
//! is, its `node_id` as id). Projects items are never invented: a test gives them, or they come
//! from a recorded board ([`RecordedProject`]).

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;

use super::server::{BodyMode, Handler, ReplayServer, Reply, Request};
use crate::connectors::parse_time;

/// One record of a list endpoint, kept as the JSON text it is served as.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub id: i64,
    pub number: i64,
    pub created: i64,
    pub updated: i64,
    pub json: String,
}

impl Record {
    /// A record from an item's JSON (issue, pull request or event).
    pub fn from_json(json: &str) -> Option<Record> {
        let value: Value = serde_json::from_str(json).ok()?;
        let time = |key: &str| value.get(key).and_then(Value::as_str).and_then(parse_time);
        let created = time("created_at")?;
        Some(Record {
            id: value.get("id")?.as_i64()?,
            number: value
                .get("number")
                .and_then(Value::as_i64)
                .or_else(|| value.pointer("/issue/number").and_then(Value::as_i64))
                .unwrap_or(0),
            created,
            updated: time("updated_at").unwrap_or(created),
            json: json.to_owned(),
        })
    }
}

/// A Projects (v2) board as gr2m/github-project recorded it: its `Status` field's options and its
/// items, each as the last answer recorded about it gives it (a list, then the mutation that set
/// a field). The recorder normalised ids and dates (every time is 2022-02-02T12:00:00Z).
///
/// Baton asks about boards per issue (`projectItems`), not per board, so the fake assembles what
/// it answers from these real records: the REST issue (number, title, state, author, labels,
/// assignees, times and node id, all from the item's recorded `content`; its numeric id from its
/// normalised node id, since the recorder gave every `databaseId` the same value) and the GraphQL
/// issue node whose `projectItems` holds the recorded item, its `fieldValueByName(name:
/// "Status")` resolved as GitHub resolves it: the item's single-select value on the field named
/// `Status`, named by that field's recorded option. The recorder did not ask for the value's
/// `updatedAt`, so it is absent. Only issues are taken (the boards recorded hold no others).
#[derive(Debug, Clone, Default)]
pub struct RecordedProject {
    pub number: i64,
    pub title: String,
    /// The issues on the board, by number: (REST JSON, GraphQL issue node).
    pub items: std::collections::BTreeMap<i64, (String, Value)>,
}

impl RecordedProject {
    /// The repository the recorder made its issues in (its name normalised by the recorder).
    pub const REPO: &'static str = "github-project-fixtures/test-repository";

    /// The board recorded in `file`.
    pub fn read(file: &Path) -> std::io::Result<RecordedProject> {
        let invalid = |what: String| std::io::Error::new(std::io::ErrorKind::InvalidData, what);
        let text = std::fs::read_to_string(file)?;
        let exchanges: Vec<Value> = serde_json::from_str(&text)
            .map_err(|err| invalid(format!("{}: {err}", file.display())))?;
        let mut out = RecordedProject::default();
        let mut status_field: Option<String> = None;
        let mut options: HashMap<String, String> = HashMap::new();
        let mut nodes: Vec<&Value> = Vec::new();
        for exchange in &exchanges {
            if let Some(number) = exchange
                .pointer("/variables/number")
                .and_then(Value::as_i64)
            {
                out.number = number;
            }
            let Some(data) = exchange.pointer("/response/data/data") else {
                continue;
            };
            if let Some(project) = data.pointer("/userOrOrganization/projectV2") {
                if let Some(title) = project.get("title").and_then(Value::as_str) {
                    out.title = title.to_owned();
                }
                let fields = project.pointer("/fields/nodes").and_then(Value::as_array);
                for field in fields.into_iter().flatten() {
                    if field.get("name").and_then(Value::as_str) != Some("Status") {
                        continue;
                    }
                    status_field = field.get("id").and_then(Value::as_str).map(str::to_owned);
                    let choices = field.get("options").and_then(Value::as_array);
                    for option in choices.into_iter().flatten() {
                        if let (Some(id), Some(name)) = (
                            option.get("id").and_then(Value::as_str),
                            option.get("name").and_then(Value::as_str),
                        ) {
                            options.insert(id.to_owned(), name.to_owned());
                        }
                    }
                }
            }
            board_items(data, &mut nodes);
        }
        let status_field = status_field
            .ok_or_else(|| invalid(format!("{}: no Status field recorded", file.display())))?;
        for node in nodes {
            if node.get("type").and_then(Value::as_str) != Some("ISSUE") {
                continue;
            }
            let content = node.get("content").unwrap_or(&Value::Null);
            let Some(number) = content.get("number").and_then(Value::as_i64) else {
                continue;
            };
            let status = node
                .pointer("/fieldValues/nodes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find(|v| {
                    v.pointer("/field/id").and_then(Value::as_str) == Some(status_field.as_str())
                })
                .and_then(|v| v.get("optionId").and_then(Value::as_str))
                .and_then(|id| options.get(id))
                .map(|name| serde_json::json!({ "name": name }));
            let node_id = content.get("id").and_then(Value::as_str).unwrap_or("");
            let id = node_id
                .rsplit('_')
                .next()
                .and_then(|n| n.parse::<i64>().ok())
                .unwrap_or(number);
            let closed = content
                .get("closed")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let created = content.get("createdAt").cloned().unwrap_or(Value::Null);
            let names = |list: &str, key: &str| -> Vec<Value> {
                content
                    .pointer(&format!("/{list}/nodes"))
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|n| n.get(key).cloned())
                    .map(|v| serde_json::json!({ key: v }))
                    .collect()
            };
            let rest = serde_json::json!({
                "id": id,
                "node_id": node_id,
                "number": number,
                "title": content.get("title").cloned().unwrap_or(Value::Null),
                "html_url": content.get("url").cloned().unwrap_or(Value::Null),
                "state": if closed { "closed" } else { "open" },
                "user": { "login": content.pointer("/author/login").cloned().unwrap_or(Value::Null), "type": "User" },
                "labels": names("labels", "name"),
                "assignees": names("assignees", "login"),
                "created_at": created,
                "updated_at": created,
                "closed_at": content.get("closedAt").cloned().unwrap_or(Value::Null),
            });
            let graphql = serde_json::json!({
                "number": number,
                "projectItems": { "nodes": [{
                    "id": node.get("id").cloned().unwrap_or(Value::Null),
                    "isArchived": node.get("isArchived").cloned().unwrap_or(Value::Bool(false)),
                    "project": { "number": out.number, "title": out.title },
                    "status": status,
                }] },
                "timelineItems": { "pageInfo": { "hasNextPage": false, "endCursor": null }, "nodes": [] },
            });
            out.items.insert(number, (rest.to_string(), graphql));
        }
        Ok(out)
    }

    /// Serves the board's issues from `data`, in place of what it served of them before.
    pub fn serve_in(&self, data: &mut GithubData) {
        for (number, (rest, node)) in &self.items {
            data.issues.retain(|r| r.number != *number);
            if let Some(record) = Record::from_json(rest) {
                data.issues.push(record);
            }
            data.graphql.insert(*number, node.clone());
        }
    }
}

/// The board items (objects with `content` and `fieldValues`) anywhere in a recorded answer, in
/// the order they appear.
fn board_items<'v>(value: &'v Value, out: &mut Vec<&'v Value>) {
    match value {
        Value::Object(map) => {
            if map.contains_key("content") && map.contains_key("fieldValues") {
                out.push(value);
                return;
            }
            for child in map.values() {
                board_items(child, out);
            }
        }
        Value::Array(list) => {
            for child in list {
                board_items(child, out);
            }
        }
        _ => {}
    }
}

/// What the fake serves.
#[derive(Debug, Clone, Default)]
pub struct GithubData {
    /// `/issues` (issues and pull requests as issues).
    pub issues: Vec<Record>,
    pub pulls: Vec<Record>,
    pub events: Vec<Record>,
    /// Reviews by pull request number (JSON texts).
    pub reviews: HashMap<i64, Vec<String>>,
    /// Issue references by issue number.
    pub blocked_by: HashMap<i64, Vec<String>>,
    pub blocking: HashMap<i64, Vec<String>>,
    pub sub_issues: HashMap<i64, Vec<String>>,
    /// Timeline entries by issue or pull request number (JSON texts); a number without one is
    /// assembled from `events` and `reviews`.
    pub timelines: HashMap<i64, Vec<String>>,
    /// GraphQL issue nodes by number (what `issue(number:)` answers); an issue without one is
    /// assembled from `events`, with no Projects items.
    pub graphql: HashMap<i64, Value>,
    /// `/pulls/{n}/files` by pull request number (file JSON texts), paged like the real API;
    /// a number without a list answers an empty one.
    pub files: HashMap<i64, Vec<String>>,
    /// Contents-API answers by path (`.github/CODEOWNERS`); a path without one answers 404.
    pub contents: HashMap<String, String>,
    /// Refuse the `projectItems` field, as GitHub does for a token without `read:project`.
    pub projects_denied: bool,
    /// Workflow runs waiting (`actions/runs?status=waiting`, run JSON texts), paged like the real
    /// API inside `{"total_count", "workflow_runs"}`; other statuses answer an empty list.
    pub waiting_runs: Vec<String>,
    /// `actions/runs/{id}/pending_deployments` by run id (a JSON array text); a run without one
    /// answers 404.
    pub pending_deployments: HashMap<i64, String>,
}

/// What api.github.com answered about waiting workflow runs, as recorded in `dir`
/// (`tests/fixtures/github/environment-approval/`): the runs of
/// `GET-repos-owner-repo-actions-runs.json` and each run's pending deployments (the `data` of
/// `GET-repos-owner-repo-actions-runs-<id>-pending_deployments.json`), as JSON texts.
pub type RecordedRuns = (Vec<String>, HashMap<i64, String>);

/// Reads [`RecordedRuns`] from `dir`.
pub fn recorded_waiting_runs(dir: &Path) -> std::io::Result<RecordedRuns> {
    let invalid = |what: String| std::io::Error::new(std::io::ErrorKind::InvalidData, what);
    let read = |name: &str| -> std::io::Result<Value> {
        let file = dir.join(name);
        let text = std::fs::read_to_string(&file)?;
        serde_json::from_str(&text).map_err(|err| invalid(format!("{}: {err}", file.display())))
    };
    let list = read("GET-repos-owner-repo-actions-runs.json")?;
    let runs: Vec<Value> = list
        .pointer("/data/workflow_runs")
        .and_then(Value::as_array)
        .cloned()
        .ok_or_else(|| invalid("no workflow_runs recorded".into()))?;
    let mut pending = HashMap::new();
    for run in &runs {
        let Some(id) = run.get("id").and_then(Value::as_i64) else {
            continue;
        };
        let name = format!("GET-repos-owner-repo-actions-runs-{id}-pending_deployments.json");
        if let Some(data) = read(&name)?.get("data") {
            pending.insert(id, data.to_string());
        }
    }
    Ok((runs.iter().map(Value::to_string).collect(), pending))
}

/// An answer of api.github.com as hub4j/github-api's WireMock recorder kept it
/// (`mappings/*.json`: `{"request": …, "response": {"status", "body", "headers"}}`): its status,
/// its body as sent and its headers (names lower-cased, as HTTP/2 sends them).
pub fn recorded_wiremock_reply(file: &Path) -> std::io::Result<Reply> {
    let invalid = |what: String| std::io::Error::new(std::io::ErrorKind::InvalidData, what);
    let text = std::fs::read_to_string(file)?;
    let mapping: Value =
        serde_json::from_str(&text).map_err(|err| invalid(format!("{}: {err}", file.display())))?;
    let response = mapping
        .get("response")
        .ok_or_else(|| invalid(format!("{}: no response recorded", file.display())))?;
    let status = response
        .get("status")
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())
        .ok_or_else(|| invalid(format!("{}: no status recorded", file.display())))?;
    let body = response
        .get("body")
        .and_then(Value::as_str)
        .unwrap_or("")
        .as_bytes()
        .to_vec();
    let headers = response
        .get("headers")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(name, value)| Some((name.to_lowercase(), value.as_str()?.to_owned())))
        .collect();
    Ok(Reply {
        status,
        headers,
        body,
        mode: BodyMode::Whole,
    })
}

/// An answer of api.github.com as PyGithub's tests recorded it (`tests/ReplayData/*.txt`: per
/// request a block of ten lines, scheme, method, host, port, path, request headers, request
/// body, status, response headers as a Python list of `(name, value)` pairs, response body as
/// received; blocks end with an empty line): the first answer to `method` `path`, with its
/// status, its headers (names lower-cased; `content-length`, `content-encoding`,
/// `transfer-encoding` and `connection` left out, as they describe the bytes that crossed the
/// wire, which the replay server frames itself) and its body as recorded.
pub fn recorded_pygithub_reply(file: &Path, method: &str, path: &str) -> std::io::Result<Reply> {
    let invalid = |what: String| std::io::Error::new(std::io::ErrorKind::InvalidData, what);
    let text = std::fs::read_to_string(file)?;
    let lines: Vec<&str> = text.lines().collect();
    let at = (3..lines.len())
        .find(|&i| lines[i] == path && lines[i - 3] == method)
        .ok_or_else(|| invalid(format!("{}: no {method} {path} recorded", file.display())))?;
    let line = |offset: usize| {
        lines
            .get(at + offset)
            .copied()
            .ok_or_else(|| invalid(format!("{}: {method} {path} is cut short", file.display())))
    };
    let status = line(3)?
        .trim()
        .parse::<u16>()
        .map_err(|err| invalid(format!("{}: status: {err}", file.display())))?;
    let strings = python_strings(line(4)?)
        .ok_or_else(|| invalid(format!("{}: unreadable headers", file.display())))?;
    if strings.len() % 2 != 0 {
        return Err(invalid(format!("{}: headers not in pairs", file.display())));
    }
    let headers = strings
        .chunks(2)
        .map(|pair| (pair[0].to_lowercase(), pair[1].clone()))
        .filter(|(name, _)| {
            !matches!(
                name.as_str(),
                "content-length" | "content-encoding" | "transfer-encoding" | "connection"
            )
        })
        .collect();
    Ok(Reply {
        status,
        headers,
        body: line(5)?.as_bytes().to_vec(),
        mode: BodyMode::Whole,
    })
}

/// The quoted strings of a Python literal (`[('Date', 'Mon, …'), ('Csp', "default-src 'none'")]`),
/// in order; `None` if a string is not closed.
fn python_strings(literal: &str) -> Option<Vec<String>> {
    let mut strings = Vec::new();
    let mut chars = literal.chars();
    while let Some(c) = chars.next() {
        if c != '\'' && c != '"' {
            continue;
        }
        let mut text = String::new();
        loop {
            match chars.next()? {
                '\\' => text.push(chars.next()?),
                end if end == c => break,
                other => text.push(other),
            }
        }
        strings.push(text);
    }
    Some(strings)
}

/// (endpoint and sort, `since`, descending).
type OrderKey = (String, Option<i64>, bool);

/// The fake API.
pub struct FakeGithub {
    pub token: String,
    /// `owner/name` of the one repository served (see [`FakeGithub::rename`]).
    repo: Mutex<String>,
    /// Names it had before: GitHub answers them with a permanent redirect to
    /// `/repositories/{id}`.
    former: Mutex<Vec<String>>,
    pub repo_id: u64,
    data: Mutex<GithubData>,
    faults: Mutex<Vec<(String, VecDeque<Reply>)>>,
    /// Standing answers, by endpoint under the repository (see [`FakeGithub::refuse`]).
    refusals: Mutex<Vec<(String, Reply)>>,
    base: Mutex<String>,
    /// Sorted orders of list endpoints, by (endpoint, since, descending), until the data changes.
    orders: Mutex<HashMap<OrderKey, Arc<Vec<usize>>>>,
    /// The records of each issue number, until the data changes.
    numbers: Mutex<Option<Arc<ByNumber>>>,
}

/// Which issue numbers are served, and the events of each (positions in `GithubData::events`),
/// so answering about one issue does not scan every record.
#[derive(Debug, Default)]
struct ByNumber {
    issues: std::collections::HashSet<i64>,
    events: HashMap<i64, Vec<usize>>,
}

impl ByNumber {
    fn of(data: &GithubData) -> ByNumber {
        let mut events: HashMap<i64, Vec<usize>> = HashMap::new();
        for (i, record) in data.events.iter().enumerate() {
            events.entry(record.number).or_default().push(i);
        }
        ByNumber {
            issues: data.issues.iter().map(|r| r.number).collect(),
            events,
        }
    }

    /// The events of issue `number`, in the order recorded.
    fn events<'d>(&'d self, data: &'d GithubData, number: i64) -> impl Iterator<Item = &'d Record> {
        self.events
            .get(&number)
            .into_iter()
            .flatten()
            .filter_map(move |&i| data.events.get(i))
    }
}

impl FakeGithub {
    /// An empty repository.
    pub fn new(token: &str, repo: &str) -> FakeGithub {
        FakeGithub {
            token: token.to_owned(),
            repo: Mutex::new(repo.to_owned()),
            former: Mutex::default(),
            repo_id: 1_300_192,
            data: Mutex::default(),
            faults: Mutex::default(),
            refusals: Mutex::default(),
            base: Mutex::default(),
            orders: Mutex::default(),
            numbers: Mutex::default(),
        }
    }

    /// A fake serving `data` (e.g. the benchmark corpus).
    pub fn with_data(token: &str, repo: &str, data: GithubData) -> FakeGithub {
        let fake = FakeGithub::new(token, repo);
        *fake.data() = data;
        fake
    }

    /// The same fake with another repository id (several repositories served together need
    /// their own, for their `/repositories/{id}/…` next links).
    pub fn with_repo_id(mut self, id: u64) -> FakeGithub {
        self.repo_id = id;
        self
    }

    /// The pull requests recorded with their timelines in `dir` (`pulls-<name>.json` beside
    /// `timeline-<name>.json`, a single pull request each) that belong to `repo`.
    pub fn from_recorded_pulls(dir: &Path, token: &str, repo: &str) -> std::io::Result<FakeGithub> {
        let fake = FakeGithub::new(token, repo);
        {
            let mut data = fake.data();
            let mut names: Vec<_> = std::fs::read_dir(dir)?
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("pulls-") && n.ends_with(".json"))
                .collect();
            names.sort();
            for name in names {
                let text = std::fs::read_to_string(dir.join(&name))?;
                let Some(record) = Record::from_json(&text) else {
                    continue;
                };
                let pull: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                let html = pull.get("html_url").and_then(Value::as_str).unwrap_or("");
                if !html.contains(&format!("/{repo}/pull/")) {
                    continue;
                }
                let timeline = dir.join(name.replacen("pulls-", "timeline-", 1));
                let entries: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(timeline)?)
                    .map_err(|err| std::io::Error::new(std::io::ErrorKind::InvalidData, err))?;
                data.timelines.insert(
                    record.number,
                    entries.iter().map(|e| e.to_string()).collect(),
                );
                data.pulls.push(record);
            }
        }
        Ok(fake)
    }

    /// The repository of a Projects (v2) board recorded by gr2m/github-project
    /// (`github/github-project/<test>/fixtures.json`): `github-project-fixtures/test-repository`,
    /// its issues and pull requests as the board's items show them, each with its board item.
    /// See [`RecordedProject`] for what is recorded and what is assembled.
    pub fn from_recorded_project(file: &Path, token: &str) -> std::io::Result<FakeGithub> {
        let project = RecordedProject::read(file)?;
        let fake = FakeGithub::new(token, RecordedProject::REPO);
        project.serve_in(&mut fake.data());
        Ok(fake)
    }

    /// The repository `github-api-test-org/github-api` (id 206888201) as hub4j/github-api's
    /// tests recorded it in 2019 (`github/hub4j-github-api/`): pull request #272, created and
    /// closed unmerged by its test (its record as GitHub gave it after the close), and the page of
    /// the repository's `/issues/events` that holds #272's `closed` event (30 real events, of
    /// other pull requests too, which are not served themselves). #272's timeline is assembled
    /// from its events, as for DevLake's rows.
    pub fn from_hub4j(dir: &Path, token: &str) -> std::io::Result<FakeGithub> {
        let invalid = |what: String| std::io::Error::new(std::io::ErrorKind::InvalidData, what);
        let fake =
            FakeGithub::new(token, "github-api-test-org/github-api").with_repo_id(206_888_201);
        {
            let mut data = fake.data();
            let read = |name: &str| std::fs::read_to_string(dir.join(name));
            let pull = read(
                "repos_github-api-test-org_github-api_pulls_272-64929638-544b-4052-8139-da249d59952e.json",
            )?;
            data.pulls
                .push(Record::from_json(&pull).ok_or_else(|| invalid("pull request #272".into()))?);
            let page = read(
                "repositories_206888201_issues_events-2b6f606b-278c-47b2-99ff-9036f43b0f68.json",
            )?;
            let events: Vec<Value> = serde_json::from_str(&page)
                .map_err(|err| invalid(format!("the events page: {err}")))?;
            data.events = events
                .iter()
                .filter_map(|e| Record::from_json(&e.to_string()))
                .collect();
        }
        Ok(fake)
    }

    /// The same repository two years later, as `hub4j-test-org/github-api` (the organisation
    /// renamed), from hub4j's recordings of 24 July 2021 (`github/hub4j-github-api/`): pull
    /// request #434 as the request closing it unmerged answered, and its `/issues/434/events`
    /// as read a second before (one `review_requested`), served as its timeline.
    pub fn from_hub4j_2021(dir: &Path, token: &str) -> std::io::Result<FakeGithub> {
        let invalid = |what: String| std::io::Error::new(std::io::ErrorKind::InvalidData, what);
        let fake = FakeGithub::new(token, "hub4j-test-org/github-api").with_repo_id(206_888_201);
        {
            let mut data = fake.data();
            let pull = std::fs::read_to_string(
                dir.join("repos_hub4j-test-org_github-api_pulls_434-10.json"),
            )?;
            let record =
                Record::from_json(&pull).ok_or_else(|| invalid("pull request #434".into()))?;
            let events: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(
                dir.join("repos_hub4j-test-org_github-api_issues_434_events-9.json"),
            )?)
            .map_err(|err| invalid(format!("#434's events: {err}")))?;
            data.timelines
                .insert(record.number, events.iter().map(Value::to_string).collect());
            data.pulls.push(record);
        }
        Ok(fake)
    }

    /// The repository recorded in DevLake's raw tables under `dir` (`github/devlake/*.csv`).
    pub fn from_devlake(dir: &Path, token: &str) -> std::io::Result<FakeGithub> {
        let mut fake = FakeGithub::new(token, "panjf2000/ants");
        let mut repo_id = fake.repo_id;
        {
            let mut data = fake.data();
            let read = |name: &str| super::devlake::read(&dir.join("github/devlake").join(name));
            data.issues = read("_raw_github_api_issues.csv")?
                .iter()
                .filter_map(|r| Record::from_json(&r.data))
                .collect();
            data.pulls = read("_raw_github_api_pull_requests.csv")?
                .iter()
                .filter_map(|r| Record::from_json(&r.data))
                .collect();
            data.events = read("_raw_github_api_events.csv")?
                .iter()
                .filter_map(|r| Record::from_json(&r.data))
                .collect();
            // The repository's real id, as its pull requests give it.
            if let Some(id) = data.pulls.iter().find_map(|r| {
                serde_json::from_str::<Value>(&r.json)
                    .ok()?
                    .pointer("/base/repo/id")?
                    .as_u64()
            }) {
                repo_id = id;
            }
            for row in read("_raw_github_api_pull_request_reviews.csv")? {
                let number = serde_json::from_str::<Value>(&row.input)
                    .ok()
                    .and_then(|v| v.get("Number").and_then(Value::as_i64))
                    .unwrap_or(0);
                data.reviews.entry(number).or_default().push(row.data);
            }
        }
        fake.repo_id = repo_id;
        Ok(fake)
    }

    /// The repository this fake serves, when `path` is one of its REST paths or a GraphQL
    /// request about it.
    pub fn owns(&self, request: &Request) -> bool {
        if request.path.trim_start_matches('/') == "graphql" {
            return self.graphql_repo(request).as_deref() == Some(self.repo().as_str());
        }
        !self.local_path(&request.path).starts_with("__unknown/")
    }

    /// The `owner/name` a GraphQL request asks about.
    fn graphql_repo(&self, request: &Request) -> Option<String> {
        let body: Value = serde_json::from_slice(&request.body).ok()?;
        let vars = body.get("variables")?;
        Some(format!(
            "{}/{}",
            vars.get("owner")?.as_str()?,
            vars.get("name")?.as_str()?
        ))
    }

    /// A pull request's or issue's timeline: recorded, else assembled from its events (and a
    /// pull request's reviews as `reviewed` entries), in time order.
    fn timeline_of(data: &GithubData, by: &ByNumber, number: i64) -> Vec<String> {
        if let Some(recorded) = data.timelines.get(&number) {
            return recorded.clone();
        }
        let mut entries: Vec<(String, Value)> = Vec::new();
        for record in by.events(data, number) {
            let Ok(mut event) = serde_json::from_str::<Value>(&record.json) else {
                continue;
            };
            if let Some(object) = event.as_object_mut() {
                object.remove("issue");
            }
            let at = event
                .get("created_at")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            entries.push((at, event));
        }
        for text in data.reviews.get(&number).into_iter().flatten() {
            let Ok(mut review) = serde_json::from_str::<Value>(text) else {
                continue;
            };
            if let Some(object) = review.as_object_mut() {
                object.insert("event".into(), Value::from("reviewed"));
                let state = object
                    .get("state")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_lowercase();
                object.insert("state".into(), Value::from(state));
            }
            let at = review
                .get("submitted_at")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            entries.push((at, review));
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.into_iter().map(|(_, e)| e.to_string()).collect()
    }

    /// An issue's GraphQL node: given, else assembled from its recorded events.
    fn issue_node(data: &GithubData, by: &ByNumber, number: i64) -> Option<Value> {
        if let Some(node) = data.graphql.get(&number) {
            return Some(node.clone());
        }
        if !by.issues.contains(&number) {
            return None;
        }
        let mut nodes: Vec<(String, Value)> = Vec::new();
        for record in by.events(data, number) {
            let Ok(event) = serde_json::from_str::<Value>(&record.json) else {
                continue;
            };
            let typename = match event.get("event").and_then(Value::as_str) {
                Some("closed") => "ClosedEvent",
                Some("reopened") => "ReopenedEvent",
                Some("labeled") => "LabeledEvent",
                Some("unlabeled") => "UnlabeledEvent",
                Some("assigned") => "AssignedEvent",
                Some("unassigned") => "UnassignedEvent",
                _ => continue,
            };
            let at = event
                .get("created_at")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            let actor = event.get("actor").map(|a| {
                serde_json::json!({
                    "__typename": if a.get("type").and_then(Value::as_str) == Some("Bot") { "Bot" } else { "User" },
                    "login": a.get("login").cloned().unwrap_or(Value::Null),
                })
            });
            let mut node = serde_json::json!({
                "__typename": typename,
                "id": event.get("node_id").cloned().unwrap_or(Value::Null),
                "createdAt": at,
                "actor": actor,
            });
            match typename {
                "ClosedEvent" => {
                    node["stateReason"] = event
                        .get("state_reason")
                        .and_then(Value::as_str)
                        .map_or(Value::Null, |r| Value::from(r.to_uppercase()));
                }
                "LabeledEvent" | "UnlabeledEvent" => {
                    node["label"] = serde_json::json!({
                        "name": event.pointer("/label/name").cloned().unwrap_or(Value::Null)
                    });
                }
                "AssignedEvent" | "UnassignedEvent" => {
                    node["assignee"] = serde_json::json!({
                        "login": event.pointer("/assignee/login").cloned().unwrap_or(Value::Null)
                    });
                }
                _ => {}
            }
            nodes.push((at, node));
        }
        nodes.sort_by(|a, b| a.0.cmp(&b.0));
        Some(serde_json::json!({
            "number": number,
            "projectItems": { "nodes": [] },
            "timelineItems": {
                "pageInfo": { "hasNextPage": false, "endCursor": null },
                "nodes": nodes.into_iter().map(|(_, n)| n).collect::<Vec<_>>(),
            },
        }))
    }

    /// Answers the GraphQL queries Baton sends: a page of issues (`i<N>: issue(number: N)`
    /// aliases) or the next page of one issue's timeline (`$number`, `$after`).
    fn answer_graphql(&self, request: &Request, data: &GithubData, by: &ByNumber) -> Reply {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let query = body.get("query").and_then(Value::as_str).unwrap_or("");
        let vars = body.get("variables").cloned().unwrap_or(Value::Null);
        let asks_projects = query.contains("projectItems");
        if asks_projects && data.projects_denied {
            return Reply::json(
                200,
                r#"{"errors":[{"type":"INSUFFICIENT_SCOPES","locations":[{"line":1,"column":1}],"message":"Your token has not been granted the required scopes to execute this query. The 'projectItems' field requires one of the following scopes: ['read:project'], but your token has only been granted the: ['repo'] scopes. Please modify your token's scopes at: https://github.com/settings/tokens."}]}"#,
            );
        }
        const PAGE: usize = 100;
        let page_of = |nodes: Vec<Value>, from: usize| {
            let more = nodes.len() > from + PAGE;
            let slice: Vec<Value> = nodes.into_iter().skip(from).take(PAGE).collect();
            serde_json::json!({
                "pageInfo": { "hasNextPage": more, "endCursor": more.then(|| (from + PAGE).to_string()) },
                "nodes": slice,
            })
        };
        if let Some(number) = vars.get("number").and_then(Value::as_i64) {
            let from: usize = vars
                .get("after")
                .and_then(Value::as_str)
                .and_then(|a| a.parse().ok())
                .unwrap_or(0);
            let nodes: Vec<Value> = FakeGithub::issue_node(data, by, number)
                .and_then(|mut n| n.pointer_mut("/timelineItems/nodes").map(Value::take))
                .and_then(|n| match n {
                    Value::Array(nodes) => Some(nodes),
                    _ => None,
                })
                .unwrap_or_default();
            let answer = serde_json::json!({
                "data": { "repository": { "issue": { "timelineItems": page_of(nodes, from) } } }
            });
            return Reply::json(200, answer.to_string());
        }
        let mut repository = serde_json::Map::new();
        let mut errors = Vec::new();
        for part in query.split("issue(number: ").skip(1) {
            let Some(number) = part
                .split(')')
                .next()
                .and_then(|n| n.trim().parse::<i64>().ok())
            else {
                continue;
            };
            match FakeGithub::issue_node(data, by, number) {
                Some(mut node) => {
                    let nodes: Vec<Value> =
                        match node.pointer_mut("/timelineItems/nodes").map(Value::take) {
                            Some(Value::Array(nodes)) => nodes,
                            _ => Vec::new(),
                        };
                    node["timelineItems"] = page_of(nodes, 0);
                    if !asks_projects {
                        if let Some(object) = node.as_object_mut() {
                            object.remove("projectItems");
                        }
                    }
                    repository.insert(format!("i{number}"), node);
                }
                None => {
                    repository.insert(format!("i{number}"), Value::Null);
                    errors.push(serde_json::json!({
                        "type": "NOT_FOUND",
                        "path": ["repository", format!("i{number}")],
                        "message": format!("Could not resolve to an Issue with the number of {number}."),
                    }));
                }
            }
        }
        let mut answer = serde_json::json!({ "data": { "repository": repository } });
        if !errors.is_empty() {
            answer["errors"] = Value::from(errors);
        }
        Reply::json(200, answer.to_string())
    }

    /// The data, to change between polls.
    pub fn data(&self) -> MutexGuard<'_, GithubData> {
        // Cleared while holding the data: an answer (which builds them under the same lock)
        // cannot put back what it derived from the data as it was.
        let data = self
            .data
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Ok(mut orders) = self.orders.lock() {
            orders.clear();
        }
        if let Ok(mut numbers) = self.numbers.lock() {
            *numbers = None;
        }
        data
    }

    /// Adds an entry (a recorded `committed` entry, say) at the end of a pull request's or
    /// issue's timeline, the one recorded or assembled from its events.
    pub fn push_timeline_entry(&self, number: i64, entry: &Value) {
        let mut data = self.data();
        let by = ByNumber::of(&data);
        let mut entries = FakeGithub::timeline_of(&data, &by, number);
        entries.push(entry.to_string());
        data.timelines.insert(number, entries);
    }

    /// `owner/name` of the repository now.
    pub fn repo(&self) -> String {
        self.repo.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// Renames (or transfers) the repository, as GitHub does: its id stays; the records' URLs
    /// and `full_name`s say the new name; the old name answers with a permanent redirect to
    /// `/repositories/{id}`.
    pub fn rename(&self, new_name: &str) {
        let old = self.repo();
        let edit = |json: &str| {
            json.replace(&format!("/{old}/"), &format!("/{new_name}/"))
                .replace(&format!("/{old}\""), &format!("/{new_name}\""))
                .replace(&format!("\"{old}\""), &format!("\"{new_name}\""))
        };
        {
            let mut guard = self.data();
            let data = &mut *guard;
            for record in data
                .issues
                .iter_mut()
                .chain(data.pulls.iter_mut())
                .chain(data.events.iter_mut())
            {
                record.json = edit(&record.json);
            }
            for list in data
                .reviews
                .values_mut()
                .chain(data.blocked_by.values_mut())
                .chain(data.blocking.values_mut())
                .chain(data.sub_issues.values_mut())
            {
                for json in list.iter_mut() {
                    *json = edit(json);
                }
            }
        }
        if let Ok(mut former) = self.former.lock() {
            former.push(old);
        }
        if let Ok(mut repo) = self.repo.lock() {
            *repo = new_name.to_owned();
        }
    }

    /// Replies served, in order, to the next requests whose path contains `path_part`.
    pub fn fault(&self, path_part: &str, replies: Vec<Reply>) {
        if let Ok(mut faults) = self.faults.lock() {
            faults.push((path_part.to_owned(), replies.into()));
        }
    }

    /// GitHub's standing answer to one endpoint under the repository (`issues` for
    /// `/repos/{o}/{r}/issues` and `/repositories/{id}/issues`, whatever the query), served to
    /// every request of exactly that endpoint: e.g. the 410 of a repository whose issues are
    /// turned off. Paths below it (`issues/4/timeline`) are answered as before.
    pub fn refuse(&self, endpoint: &str, reply: Reply) {
        if let Ok(mut refusals) = self.refusals.lock() {
            refusals.push((endpoint.to_owned(), reply));
        }
    }

    /// Sets the server address next links point at (when serving through another handler).
    pub fn set_base(&self, url: &str) {
        if let Ok(mut base) = self.base.lock() {
            *base = url.to_owned();
        }
    }

    /// Starts a loopback server answering as this fake.
    pub async fn serve(self: &Arc<Self>) -> std::io::Result<ReplayServer> {
        let fake = self.clone();
        let handler: Handler = Arc::new(move |request| fake.answer(request));
        let server = ReplayServer::start(handler).await?;
        if let Ok(mut base) = self.base.lock() {
            *base = server.url();
        }
        Ok(server)
    }

    /// Answers one request.
    pub fn answer(&self, request: &Request) -> Reply {
        if request.header("authorization") != Some(&format!("Bearer {}", self.token)) {
            return Reply::json(
                401,
                r#"{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}"#,
            );
        }
        if let Ok(mut faults) = self.faults.lock() {
            if let Some((_, queue)) = faults
                .iter_mut()
                .find(|(part, q)| request.path.contains(part.as_str()) && !q.is_empty())
            {
                if let Some(reply) = queue.pop_front() {
                    return reply;
                }
            }
        }
        // A former name: a permanent redirect to the repository by id (as github.com answers).
        if let Some(rest) = self.former_path(&request.path) {
            let base = self.base.lock().map(|b| b.clone()).unwrap_or_default();
            let location = format!("{base}/repositories/{}{rest}", self.repo_id);
            return Reply::json(
                301,
                format!(r#"{{"message":"Moved Permanently","url":"{location}"}}"#),
            )
            .header("location", &location);
        }
        let path = self.local_path(&request.path);
        let refused = self.refusals.lock().ok().and_then(|refusals| {
            refusals
                .iter()
                .find(|(endpoint, _)| *endpoint == path)
                .map(|(_, reply)| reply.clone())
        });
        if let Some(reply) = refused {
            return reply;
        }
        let data = self
            .data
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let by = self.by_number(&data);
        if request.method == "POST" && request.path.trim_start_matches('/') == "graphql" {
            return self
                .answer_graphql(request, &data, &by)
                .header("x-ratelimit-limit", "5000")
                .header("x-ratelimit-remaining", "4999")
                .header("x-ratelimit-reset", "1893456000")
                .header("x-ratelimit-resource", "graphql");
        }
        let reply = match path.as_str() {
            "user" => Reply::json(200, r#"{"login":"baton-test","id":1,"type":"User"}"#)
                .header("x-oauth-scopes", "repo, read:org"),
            "__org_repos" => Reply::json(
                200,
                format!(
                    r#"[{{"id":{},"full_name":"{}","archived":false}}]"#,
                    self.repo_id,
                    self.repo()
                ),
            ),
            "issues" => {
                let order = self.order("issues", &data.issues, request, true);
                self.page(request, &path, order.len(), |k| {
                    data.issues[order[k]].json.as_str()
                })
            }
            "pulls" => {
                let order = self.order("pulls", &data.pulls, request, false);
                self.page(request, &path, order.len(), |k| {
                    data.pulls[order[k]].json.as_str()
                })
            }
            "issues/events" => {
                let mut events: Vec<&Record> = data.events.iter().collect();
                events.sort_by_key(|r| std::cmp::Reverse(r.id));
                self.page(request, &path, events.len(), |k| events[k].json.as_str())
            }
            other => {
                let parts: Vec<&str> = other.split('/').collect();
                let number = |i: usize| {
                    parts
                        .get(i)
                        .and_then(|n| n.parse::<i64>().ok())
                        .unwrap_or(0)
                };
                let list = |map: &'_ HashMap<i64, Vec<String>>, n: i64| -> Vec<String> {
                    map.get(&n).cloned().unwrap_or_default()
                };
                let owned = match parts.as_slice() {
                    ["pulls", _, "reviews"] => Some(list(&data.reviews, number(1))),
                    ["pulls", _, "files"] => Some(list(&data.files, number(1))),
                    ["issues", _, "timeline"] => {
                        Some(FakeGithub::timeline_of(&data, &by, number(1)))
                    }
                    ["issues", _, "dependencies", "blocked_by"] => {
                        Some(list(&data.blocked_by, number(1)))
                    }
                    ["issues", _, "dependencies", "blocking"] => {
                        Some(list(&data.blocking, number(1)))
                    }
                    ["issues", _, "sub_issues"] => Some(list(&data.sub_issues, number(1))),
                    _ => None,
                };
                if parts.as_slice() == ["actions", "runs"] {
                    let waiting = request.param("status") == Some("waiting");
                    let total = if waiting { data.waiting_runs.len() } else { 0 };
                    return self
                        .page_in(
                            request,
                            &path,
                            total,
                            |k| data.waiting_runs[k].as_str(),
                            Some("workflow_runs"),
                        )
                        .header("x-ratelimit-limit", "5000")
                        .header("x-ratelimit-remaining", "4999")
                        .header("x-ratelimit-reset", "1893456000");
                }
                if let ["actions", "runs", _, "pending_deployments"] = parts.as_slice() {
                    return match data.pending_deployments.get(&number(2)) {
                        Some(json) => Reply::json(200, json.clone()),
                        None => Reply::json(404, r#"{"message":"Not Found"}"#),
                    }
                    .header("x-ratelimit-limit", "5000")
                    .header("x-ratelimit-remaining", "4999")
                    .header("x-ratelimit-reset", "1893456000");
                }
                if let Some(file) = other.strip_prefix("contents/") {
                    return match data.contents.get(file) {
                        Some(json) => Reply::json(200, json.clone()),
                        None => Reply::json(404, r#"{"message":"Not Found"}"#),
                    }
                    .header("x-ratelimit-limit", "5000")
                    .header("x-ratelimit-remaining", "4999")
                    .header("x-ratelimit-reset", "1893456000");
                }
                match (owned, parts.as_slice()) {
                    (Some(items), _) => {
                        self.page(request, &path, items.len(), |k| items[k].as_str())
                    }
                    (None, [""]) => Reply::json(
                        200,
                        format!(r#"{{"full_name":"{}","id":{}}}"#, self.repo(), self.repo_id),
                    ),
                    (None, _) => Reply::json(404, r#"{"message":"Not Found"}"#),
                }
            }
        };
        reply
            .header("x-ratelimit-limit", "5000")
            .header("x-ratelimit-remaining", "4999")
            .header("x-ratelimit-reset", "1893456000")
    }

    /// The records by issue number, built once per version of the data.
    fn by_number(&self, data: &GithubData) -> Arc<ByNumber> {
        let mut cached = self
            .numbers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        cached
            .get_or_insert_with(|| Arc::new(ByNumber::of(data)))
            .clone()
    }

    /// The rest of a path under a former name of the repository (`""`, `/issues`), if it is one.
    fn former_path(&self, path: &str) -> Option<String> {
        let path = path.trim_start_matches('/');
        let former = self.former.lock().ok()?;
        former.iter().find_map(|name| {
            let rest = path.strip_prefix(&format!("repos/{name}"))?;
            (rest.is_empty() || rest.starts_with('/')).then(|| rest.to_owned())
        })
    }

    /// The path under the repository (`issues`, `pulls/4/reviews`), or the top-level path.
    fn local_path(&self, path: &str) -> String {
        let path = path.trim_start_matches('/');
        let repo_prefix = format!("repos/{}", self.repo());
        let id_prefix = format!("repositories/{}", self.repo_id);
        for prefix in [repo_prefix.as_str(), id_prefix.as_str()] {
            if let Some(rest) = path.strip_prefix(prefix) {
                return rest.trim_start_matches('/').to_owned();
            }
        }
        if let Some(org) = path
            .strip_prefix("orgs/")
            .and_then(|p| p.strip_suffix("/repos"))
        {
            if self.repo().starts_with(&format!("{org}/")) {
                return "__org_repos".into();
            }
        }
        if path == "user" {
            return "user".into();
        }
        format!("__unknown/{path}")
    }

    /// The order a list request sees its records in (filtered by `since` for issues).
    fn order(
        &self,
        endpoint: &str,
        records: &[Record],
        request: &Request,
        issues: bool,
    ) -> Arc<Vec<usize>> {
        let since = if issues {
            request.param("since").and_then(parse_time)
        } else {
            None
        };
        let by_updated = request.param("sort") == Some("updated");
        let desc = request.param("direction").map_or(!issues, |d| d == "desc");
        let key = (format!("{endpoint}:{by_updated}"), since, desc);
        if let Some(order) = self.orders.lock().ok().and_then(|o| o.get(&key).cloned()) {
            return order;
        }
        let mut order: Vec<usize> = (0..records.len())
            .filter(|&i| since.is_none_or(|s| records[i].updated >= s))
            .collect();
        order.sort_by(|&a, &b| {
            let k = |r: &Record| {
                if by_updated {
                    (r.updated, r.id)
                } else {
                    (r.created, r.id)
                }
            };
            let (a, b) = (k(&records[a]), k(&records[b]));
            if desc {
                b.cmp(&a)
            } else {
                a.cmp(&b)
            }
        });
        let order = Arc::new(order);
        if let Ok(mut orders) = self.orders.lock() {
            orders.insert(key, order.clone());
        }
        order
    }

    /// One page of a list of `total` records (`item(k)` the JSON of the k-th) with `Link` and
    /// `ETag` headers. Only the page's records are looked at.
    fn page<'d>(
        &self,
        request: &Request,
        local: &str,
        total: usize,
        item: impl Fn(usize) -> &'d str,
    ) -> Reply {
        self.page_in(request, local, total, item, None)
    }

    /// [`FakeGithub::page`], the list inside an object under `wrap` (with `total_count`) when
    /// given, as `actions/runs` answers.
    fn page_in<'d>(
        &self,
        request: &Request,
        local: &str,
        total: usize,
        item: impl Fn(usize) -> &'d str,
        wrap: Option<&str>,
    ) -> Reply {
        let per_page: usize = request
            .param("per_page")
            .and_then(|p| p.parse().ok())
            .unwrap_or(30)
            .clamp(1, 100);
        let page: usize = request
            .param("page")
            .and_then(|p| p.parse().ok())
            .unwrap_or(1)
            .max(1);
        let start = (page - 1).saturating_mul(per_page);
        let slice: Vec<&str> = (start.min(total)..start.saturating_add(per_page).min(total))
            .map(item)
            .collect();
        let mut body = String::with_capacity(slice.iter().map(|s| s.len() + 1).sum::<usize>() + 2);
        body.push('[');
        for (i, item) in slice.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push_str(item);
        }
        body.push(']');
        if let Some(key) = wrap {
            body = format!(r#"{{"total_count":{total},"{key}":{body}}}"#);
        }
        // CRC-32 (hardware-assisted) and the length: FNV over every byte served was 4% of the
        // sync benchmark's CPU.
        let etag = format!(
            "W/\"{:08x}{:08x}\"",
            crc32fast::hash(body.as_bytes()),
            body.len() as u32
        );
        if request.header("if-none-match") == Some(etag.as_str()) {
            return Reply::empty(304).header("etag", etag);
        }
        let mut reply = Reply::json(200, body).header("etag", etag);
        let last = total.div_ceil(per_page).max(1);
        if page < last {
            let base = self.base.lock().map(|b| b.clone()).unwrap_or_default();
            let mut query: Vec<(String, String)> = request
                .query
                .iter()
                .filter(|(k, _)| k != "page")
                .cloned()
                .collect();
            query.push(("page".into(), (page + 1).to_string()));
            let encoded: String = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(query)
                .finish();
            let mut last_query: Vec<(String, String)> = request
                .query
                .iter()
                .filter(|(k, _)| k != "page")
                .cloned()
                .collect();
            last_query.push(("page".into(), last.to_string()));
            let last_encoded: String = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(last_query)
                .finish();
            reply = reply.header(
                "link",
                format!(
                    "<{base}/repositories/{id}/{local}?{encoded}>; rel=\"next\", <{base}/repositories/{id}/{local}?{last_encoded}>; rel=\"last\"",
                    id = self.repo_id
                ),
            );
        }
        reply
    }
}

/// FNV-1a: a stable hash for ETags.
pub fn fnv(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// Several fake repositories served together on one loopback server (an organisation replayed
/// from recordings of several repositories): each request goes to the repository it names.
pub struct FakeOrg {
    pub token: String,
    pub org: String,
    pub repos: Vec<Arc<FakeGithub>>,
    /// Recorded answers about repositories it does not hold, by `owner/name`: what
    /// `GET /repos/{owner}/{name}` answers (else GitHub's plain 404).
    missing: Mutex<Vec<(String, Reply)>>,
}

impl FakeOrg {
    /// An organisation of these repositories (each with its own repository id).
    pub fn new(token: &str, org: &str, repos: Vec<FakeGithub>) -> FakeOrg {
        FakeOrg {
            token: token.to_owned(),
            org: org.to_owned(),
            repos: repos
                .into_iter()
                .enumerate()
                .map(|(i, fake)| Arc::new(fake.with_repo_id(2_000_000 + i as u64)))
                .collect(),
            missing: Mutex::default(),
        }
    }

    /// Answers `GET /repos/{repo}` (a repository it does not hold) with `reply`, e.g. a recorded
    /// 404 of api.github.com ([`recorded_wiremock_reply`]).
    pub fn answer_missing(&self, repo: &str, reply: Reply) {
        if let Ok(mut missing) = self.missing.lock() {
            missing.push((repo.to_owned(), reply));
        }
    }

    /// The repository named `owner/name`.
    pub fn repo(&self, name: &str) -> Option<&Arc<FakeGithub>> {
        self.repos.iter().find(|r| r.repo() == name)
    }

    /// Answers one request.
    pub fn answer(&self, request: &Request) -> Reply {
        if request.header("authorization") != Some(&format!("Bearer {}", self.token)) {
            return Reply::json(
                401,
                r#"{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}"#,
            );
        }
        let path = request.path.trim_start_matches('/');
        if path == format!("orgs/{}/repos", self.org) {
            let list: Vec<Value> = self
                .repos
                .iter()
                .map(|r| serde_json::json!({ "id": r.repo_id, "full_name": r.repo, "archived": false }))
                .collect();
            return Reply::json(200, Value::from(list).to_string());
        }
        if path == "user" {
            return Reply::json(200, r#"{"login":"baton-test","id":1,"type":"User"}"#)
                .header("x-oauth-scopes", "repo, read:org, read:project");
        }
        match self.repos.iter().find(|r| r.owns(request)) {
            Some(repo) => repo.answer(request),
            None => {
                let recorded = self.missing.lock().ok().and_then(|missing| {
                    missing
                        .iter()
                        .find(|(repo, _)| path == format!("repos/{repo}"))
                        .map(|(_, reply)| reply.clone())
                });
                recorded.unwrap_or_else(|| Reply::json(404, r#"{"message":"Not Found"}"#))
            }
        }
    }

    /// Starts a loopback server answering as this organisation.
    pub async fn serve(self: &Arc<Self>) -> std::io::Result<ReplayServer> {
        let org = self.clone();
        let handler: Handler = Arc::new(move |request| org.answer(request));
        let server = ReplayServer::start(handler).await?;
        for repo in &self.repos {
            repo.set_base(&server.url());
        }
        Ok(server)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(path: &str) -> Request {
        Request {
            method: "GET".into(),
            path: path.into(),
            query: Vec::new(),
            headers: vec![("authorization".into(), "Bearer t".into())],
            body: Vec::new(),
        }
    }

    #[test]
    fn a_recorded_404_is_served_as_recorded_for_its_repository_only() {
        let file = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../tests/fixtures/github/hub4j-github-api/8-r_a_test-message.json");
        let recorded = recorded_wiremock_reply(&file).expect("recorded");
        assert_eq!(recorded.status, 404);
        assert_eq!(
            String::from_utf8_lossy(&recorded.body),
            r#"{"message":"Not Found","documentation_url":"https://docs.github.com/rest/reference/repos#get-a-repository"}"#
        );
        let header = |reply: &Reply, name: &str| {
            reply
                .headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(
            header(&recorded, "x-github-request-id").as_deref(),
            Some("187F:32E7C9:14E6BD1:187C555:67656B38")
        );
        assert_eq!(
            header(&recorded, "x-ratelimit-remaining").as_deref(),
            Some("4476")
        );

        let org = FakeOrg::new("t", "replay", vec![FakeGithub::new("t", "acme/web")]);
        org.answer_missing("Alaurant/test-message", recorded.clone());
        assert_eq!(org.answer(&get("/repos/Alaurant/test-message")), recorded);
        let other = org.answer(&get("/repos/acme/gone"));
        assert_eq!(other.status, 404);
        assert_ne!(
            other, recorded,
            "another missing repository gets the plain 404"
        );
        assert_eq!(org.answer(&get("/repos/acme/web")).status, 200);
    }

    #[test]
    fn a_recorded_pygithub_answer_keeps_its_status_headers_and_body() {
        let file = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../tests/fixtures/github/pygithub-pr1720/Repository.testCreateIssue.txt");
        let recorded = recorded_pygithub_reply(&file, "POST", "/repos/ahmad88me/PyGithub/issues")
            .expect("recorded");
        assert_eq!(recorded.status, 410);
        assert_eq!(
            String::from_utf8_lossy(&recorded.body),
            r#"{"message":"Issues are disabled for this repo","documentation_url":"https://docs.github.com/v3/issues/"}"#
        );
        let header = |name: &str| {
            recorded
                .headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(
            header("x-github-request-id"),
            Some("C884:DBD9:67C03E7:794264C:5F847044")
        );
        assert_eq!(header("status"), Some("410 Gone"));
        assert_eq!(
            header("content-security-policy"),
            Some("default-src 'none'")
        );
        assert_eq!(
            header("content-length"),
            None,
            "the server frames the body itself"
        );
        assert_eq!(recorded.headers.len(), 21);
        assert!(
            recorded_pygithub_reply(&file, "GET", "/repos/ahmad88me/PyGithub/issues").is_err(),
            "only what was recorded"
        );
    }

    #[test]
    fn a_standing_refusal_answers_its_endpoint_only_on_every_request() {
        let fake = FakeGithub::new("t", "acme/web").with_repo_id(7);
        fake.refuse("issues", Reply::empty(410));
        for path in ["/repos/acme/web/issues", "/repositories/7/issues"] {
            for _ in 0..2 {
                assert_eq!(fake.answer(&get(path)).status, 410, "{path}");
            }
        }
        assert_eq!(fake.answer(&get("/repos/acme/web/pulls")).status, 200);
        assert_ne!(
            fake.answer(&get("/repos/acme/web/issues/events")).status,
            410,
            "a path below the endpoint is answered as before"
        );
    }
}
