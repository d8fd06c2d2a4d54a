//! A fake GitLab REST v4 API over real recorded rows (DevLake's gitlab.com
//! `gitlab-data/snowflake_spend` issues, merge requests and merge request notes, served
//! unmodified): `/projects/:id/{issues,merge_requests}` filter by `updated_after` (on or after,
//! as GitLab documents), order by creation and page by `page`/`per_page` with GitLab's `Link`,
//! `X-Next-Page`, `X-Page`, `X-Per-Page` and `RateLimit-*` headers, or (issues and a group's
//! projects, `pagination=keyset`) by GitLab's keyset pages, refused or ignored as a test sets
//! ([`KeysetSupport`]), with GitLab.com's offset limit when a test sets one; notes are served per merge
//! request, issue links and label and state events (paged) per issue, approvals per merge
//! request where a test gives them. It can also serve gitlab.kitware.com's `utils/rust-gitlab` project, its issue
//! #6 and that issue's label event, as the Rust `gitlab` crate recorded them
//! ([`FakeGitlab::from_rust_gitlab`]), and gitlab.com's `forgejo/test_repo` with its issues'
//! recorded state events, as Forgejo's migration tests recorded them
//! ([`FakeGitlab::from_forgejo`]). It checks the token (`Authorization: Bearer` or
//! `PRIVATE-TOKEN`) and serves injected faults first. The envelopes are ours, built from
//! GitLab's documentation; the records are real.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{json, Value};

use super::server::{Handler, ReplayServer, Reply, Request};
use crate::connectors::parse_time;

/// The id the recorded rows carry (DevLake rewrote gitlab.com's).
pub const PROJECT_ID: i64 = 12_345_678;
/// The recorded project's path.
pub const PROJECT_PATH: &str = "gitlab-data/snowflake_spend";

/// What the fake serves.
#[derive(Debug, Clone, Default)]
pub struct GitlabData {
    /// The project (`/projects/:id`).
    pub project: Value,
    pub issues: Vec<Value>,
    pub merge_requests: Vec<Value>,
    /// Notes by merge request iid, oldest first.
    pub notes: HashMap<i64, Vec<Value>>,
    /// Issue links by issue iid.
    pub links: HashMap<i64, Vec<Value>>,
    /// `resource_label_events` by issue iid, oldest first (none: `[]`).
    pub label_events: HashMap<i64, Vec<Value>>,
    /// `resource_state_events` by issue iid, oldest first (none: `[]`).
    pub state_events: HashMap<i64, Vec<Value>>,
    /// `resource_label_events` by merge request iid, oldest first (none: `[]`).
    pub mr_label_events: HashMap<i64, Vec<Value>>,
    /// `/approvals` answers by merge request iid; a merge request without one answers 404
    /// (none recorded).
    pub approvals: HashMap<i64, Value>,
    /// Leave the `Link` header out of offset pages (they then say only `X-Next-Page`).
    pub no_link_header: bool,
    /// How `pagination=keyset` is answered on a group's projects and a project's issues.
    pub keyset: KeysetSupport,
    /// GitLab's limit on offset pages of lists that have keyset pages (50,000 records on
    /// gitlab.com): an offset request of a group's projects or a project's issues past it
    /// (`page × per_page` above it) is refused with GitLab's 405.
    pub offset_limit: Option<usize>,
}

/// How the fake answers a request for keyset pages (`pagination=keyset`), as GitLab's code
/// does (`lib/api/helpers/pagination_strategies.rb`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum KeysetSupport {
    /// Keyset pages: a project's issues ordered by `created_at` (GitLab 18.3+, an opaque
    /// `cursor`, `Link: rel="next"` only while records remain), a group's projects ordered by
    /// `id` (`id_after`, `Link: rel="next"` on every page that is not empty, so the walk ends
    /// with an empty page). No `X-Page`, `X-Next-Page`, `X-Per-Page` or `X-Total`.
    #[default]
    Pages,
    /// `405 {"error":"Keyset pagination is not yet available for this type of request"}`.
    Refused,
    /// The parameter ignored: offset pages, as for any other request.
    Ignored,
}

/// The fake instance.
pub struct FakeGitlab {
    pub token: String,
    data: Mutex<GitlabData>,
    faults: Mutex<Vec<(String, VecDeque<Reply>)>>,
    /// The records do not change (the benchmark): their creation order is computed once, as
    /// GitLab's database keeps an index on it, instead of sorting the whole corpus per page.
    frozen: bool,
    orders: Mutex<Option<Arc<(ListOrder, ListOrder)>>>,
}

/// A list's records in creation order (ties by id): each one's creation time and id, update
/// time and position.
#[derive(Debug, Default)]
struct ListOrder {
    keys: Vec<(i64, i64)>,
    updated: Vec<i64>,
    at: Vec<usize>,
}

impl ListOrder {
    fn of(records: &[Value]) -> ListOrder {
        let mut keyed: Vec<(i64, i64, i64, usize)> = records
            .iter()
            .enumerate()
            .map(|(i, r)| {
                (
                    time_of(r, "created_at"),
                    r.get("id").and_then(Value::as_i64).unwrap_or(0),
                    time_of(r, "updated_at"),
                    i,
                )
            })
            .collect();
        keyed.sort_unstable();
        ListOrder {
            keys: keyed.iter().map(|k| (k.0, k.1)).collect(),
            updated: keyed.iter().map(|k| k.2).collect(),
            at: keyed.iter().map(|k| k.3).collect(),
        }
    }
}

fn time_of(value: &Value, key: &str) -> i64 {
    value
        .get(key)
        .and_then(Value::as_str)
        .and_then(parse_time)
        .unwrap_or(0)
}

impl FakeGitlab {
    /// An empty instance.
    pub fn new(token: &str) -> FakeGitlab {
        FakeGitlab {
            token: token.to_owned(),
            data: Mutex::default(),
            faults: Mutex::default(),
            frozen: false,
            orders: Mutex::default(),
        }
    }

    /// The issues' and merge requests' creation orders: computed once for a frozen corpus,
    /// else per request (the tests change the data between polls).
    fn orders(&self, data: &GitlabData) -> Arc<(ListOrder, ListOrder)> {
        if let Ok(cache) = self.orders.lock() {
            if let Some(found) = cache.as_ref().filter(|_| self.frozen) {
                return found.clone();
            }
        }
        let orders = Arc::new((
            ListOrder::of(&data.issues),
            ListOrder::of(&data.merge_requests),
        ));
        if self.frozen {
            if let Ok(mut cache) = self.orders.lock() {
                *cache = Some(orders.clone());
            }
        }
        orders
    }

    /// The issues, merge requests and notes recorded in DevLake's raw tables under `dir`.
    pub fn from_devlake(dir: &Path, token: &str) -> std::io::Result<FakeGitlab> {
        let fake = FakeGitlab::new(token);
        {
            let mut data = fake.data();
            let read = |name: &str| super::devlake::read(&dir.join("gitlab/devlake").join(name));
            let parse = |text: &str| serde_json::from_str::<Value>(text).ok();
            data.project = json!({
                "id": PROJECT_ID,
                "path_with_namespace": PROJECT_PATH,
                "web_url": format!("https://gitlab.com/{PROJECT_PATH}"),
                "archived": false,
            });
            data.issues = read("_raw_gitlab_api_issues.csv")?
                .iter()
                .filter_map(|r| parse(&r.data))
                .collect();
            data.merge_requests = read("_raw_gitlab_api_merge_requests.csv")?
                .iter()
                .filter_map(|r| parse(&r.data))
                .collect();
            for row in read("_raw_gitlab_api_merge_request_notes.csv")? {
                let Some(note) = parse(&row.data) else {
                    continue;
                };
                let iid = parse(&row.input)
                    .and_then(|i| i.get("Iid").and_then(Value::as_i64))
                    .or_else(|| note.get("noteable_iid").and_then(Value::as_i64))
                    .unwrap_or(0);
                data.notes.entry(iid).or_default().push(note);
            }
        }
        Ok(fake)
    }

    /// gitlab.kitware.com's `utils/rust-gitlab` (project 855) as the Rust `gitlab` crate
    /// recorded it (`gitlab/rust-gitlab/` under `dir`): the project, its issue #6 and the first
    /// entry of that issue's `resource_label_events`, each served as recorded.
    pub fn from_rust_gitlab(dir: &Path, token: &str) -> std::io::Result<FakeGitlab> {
        let read = |name: &str| -> std::io::Result<Value> {
            let text = std::fs::read_to_string(dir.join("gitlab/rust-gitlab").join(name))?;
            serde_json::from_str(&text)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
        };
        let fake = FakeGitlab::new(token);
        {
            let mut data = fake.data();
            data.project = read("project.json")?;
            let issue = read("issue.json")?;
            let iid = issue.get("iid").and_then(Value::as_i64).unwrap_or(0);
            data.issues.push(issue);
            data.label_events
                .insert(iid, vec![read("resource_label_event.json")?]);
        }
        Ok(fake)
    }

    /// gitlab.com's `forgejo/test_repo` (project 61363672) as Forgejo's migration tests recorded
    /// it (`gitlab/forgejo/` under `dir`; each file a recorded answer: headers, an empty line,
    /// the body): the project, its four issues (from the two recorded list pages), and the
    /// recorded `resource_state_events` of issues #2 (one `closed`) and #3 (none). The lists
    /// not recorded (other issues' state events, every label history and link list) are served
    /// empty, as the envelopes are.
    pub fn from_forgejo(dir: &Path, token: &str) -> std::io::Result<FakeGitlab> {
        let read = |name: &str| -> std::io::Result<Value> {
            let text = std::fs::read_to_string(dir.join("gitlab/forgejo").join(name))?;
            let body = recorded_body(&text).ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::InvalidData, "no body after the headers")
            })?;
            serde_json::from_str(body)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
        };
        let list = |value: Value| match value {
            Value::Array(values) => values,
            _ => Vec::new(),
        };
        let fake = FakeGitlab::new(token);
        {
            let mut data = fake.data();
            data.project = read("project.txt")?;
            data.issues = list(read("issues-page-1.txt")?);
            data.issues.extend(list(read("issues-page-2.txt")?));
            data.state_events
                .insert(2, list(read("issue-2-resource_state_events.txt")?));
            data.state_events
                .insert(3, list(read("issue-3-resource_state_events.txt")?));
        }
        Ok(fake)
    }

    /// The data, to change between polls.
    pub fn data(&self) -> MutexGuard<'_, GitlabData> {
        self.data
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Replies served, in order, to the next requests whose path contains `path_part`.
    pub fn fault(&self, path_part: &str, replies: Vec<Reply>) {
        if let Ok(mut faults) = self.faults.lock() {
            faults.push((path_part.to_owned(), replies.into()));
        }
    }

    /// Starts a loopback server answering as this fake.
    pub async fn serve(self: &Arc<Self>) -> std::io::Result<ReplayServer> {
        let fake = self.clone();
        let handler: Handler = Arc::new(move |request| fake.answer(request));
        ReplayServer::start(handler).await
    }

    fn authorised(&self, request: &Request) -> bool {
        let bearer = format!("Bearer {}", self.token);
        request.header("authorization") == Some(bearer.as_str())
            || request.header("private-token") == Some(self.token.as_str())
    }

    /// Answers one request.
    pub fn answer(&self, request: &Request) -> Reply {
        if !self.authorised(request) {
            return Reply::json(401, r#"{"message":"401 Unauthorized"}"#);
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
        // Read under the lock, cloning only what is answered (the benchmark's corpus is large).
        let data = self.data();
        let Some(path) = request.path.strip_prefix("/api/v4/") else {
            return Reply::json(404, r#"{"error":"404 Not Found"}"#);
        };
        let parts: Vec<&str> = path.split('/').collect();
        let project_id = data.project.get("id").and_then(Value::as_i64).unwrap_or(0);
        let project_path = data
            .project
            .get("path_with_namespace")
            .and_then(Value::as_str)
            .unwrap_or("");
        let is_project = |p: &str| {
            p == project_id.to_string() || p.replace("%2F", "/").replace("%2f", "/") == project_path
        };
        let not_found = |what: &str| {
            Reply::json(
                404,
                json!({"message": format!("404 {what} Not Found")}).to_string(),
            )
        };
        match parts.as_slice() {
            ["user"] => Reply::json(
                200,
                r#"{"id":1,"username":"baton-test","name":"Baton Test"}"#,
            ),
            ["groups", group]
                if project_path.starts_with(&format!("{}/", group.replace("%2F", "/"))) =>
            {
                Reply::json(
                    200,
                    json!({"id": 4347861, "full_path": group.replace("%2F", "/")}).to_string(),
                )
            }
            ["groups", group, "projects"]
                if project_path.starts_with(&format!("{}/", group.replace("%2F", "/"))) =>
            {
                match Self::paging(request, &data) {
                    Paging::Keyset => {
                        let after = request
                            .param("id_after")
                            .and_then(|a| a.parse::<i64>().ok())
                            .unwrap_or(i64::MIN);
                        let listed: Vec<&Value> = Some(&data.project)
                            .filter(|_| project_id > after)
                            .into_iter()
                            .collect();
                        projects_keyset_page(request, &listed)
                    }
                    Paging::Refused(reply) => reply,
                    Paging::Offset => self.page_of(request, &[&data.project], &data),
                }
            }
            ["groups", ..] => not_found("Group"),
            ["projects", p] if is_project(p) => Reply::json(200, data.project.to_string()),
            ["projects", p, kind]
                if is_project(p) && (*kind == "issues" || *kind == "merge_requests") =>
            {
                let orders = self.orders(&data);
                let (records, order) = if *kind == "issues" {
                    (&data.issues, &orders.0)
                } else {
                    (&data.merge_requests, &orders.1)
                };
                let since = request.param("updated_after").and_then(parse_time);
                if *kind == "issues" {
                    match Self::paging(request, &data) {
                        Paging::Keyset => {
                            return issues_keyset_page(request, records, order, since)
                        }
                        Paging::Refused(reply) => return reply,
                        Paging::Offset => {}
                    }
                }
                let chosen: Vec<&Value> = order
                    .at
                    .iter()
                    .zip(&order.updated)
                    .filter(|(_, updated)| since.is_none_or(|s| **updated >= s))
                    .map(|(i, _)| &records[*i])
                    .collect();
                self.page_of(request, &chosen, &data)
            }
            ["projects", p, "merge_requests", iid, "notes"] if is_project(p) => {
                let iid: i64 = iid.parse().unwrap_or(0);
                let mut notes: Vec<&Value> = data
                    .notes
                    .get(&iid)
                    .map(|n| n.iter().collect())
                    .unwrap_or_default();
                notes.sort_by_key(|n| {
                    (
                        time_of(n, "created_at"),
                        n.get("id").and_then(Value::as_i64).unwrap_or(0),
                    )
                });
                self.page_of(request, &notes, &data)
            }
            ["projects", p, "merge_requests", iid, "approvals"] if is_project(p) => {
                let iid: i64 = iid.parse().unwrap_or(0);
                match data.approvals.get(&iid) {
                    Some(answer) => Reply::json(200, answer.to_string()),
                    None => not_found("Approvals"),
                }
            }
            ["projects", p, "issues", iid, "resource_label_events"] if is_project(p) => {
                let iid: i64 = iid.parse().unwrap_or(0);
                let events: Vec<&Value> = data
                    .label_events
                    .get(&iid)
                    .map(|e| e.iter().collect())
                    .unwrap_or_default();
                self.page_of(request, &events, &data)
            }
            ["projects", p, "merge_requests", iid, "resource_label_events"] if is_project(p) => {
                let iid: i64 = iid.parse().unwrap_or(0);
                let events: Vec<&Value> = data
                    .mr_label_events
                    .get(&iid)
                    .map(|e| e.iter().collect())
                    .unwrap_or_default();
                self.page_of(request, &events, &data)
            }
            ["projects", p, "issues", iid, "resource_state_events"] if is_project(p) => {
                let iid: i64 = iid.parse().unwrap_or(0);
                let events: Vec<&Value> = data
                    .state_events
                    .get(&iid)
                    .map(|e| e.iter().collect())
                    .unwrap_or_default();
                self.page_of(request, &events, &data)
            }
            ["projects", p, "issues", iid, "links"] if is_project(p) => {
                let iid: i64 = iid.parse().unwrap_or(0);
                Reply::json(
                    200,
                    Value::from(data.links.get(&iid).cloned().unwrap_or_default()).to_string(),
                )
            }
            ["projects", ..] => not_found("Project"),
            _ => Reply::json(404, r#"{"error":"404 Not Found"}"#),
        }
    }

    /// How a request of a list that has keyset pages (a group's projects, a project's issues)
    /// is answered: keyset pages when asked and given; GitLab's 405 when asked and refused, or
    /// when offset pages go past [`GitlabData::offset_limit`]; else offset pages.
    fn paging(request: &Request, data: &GitlabData) -> Paging {
        let keyset = request.param("pagination") == Some("keyset");
        // GitLab gives issues keyset pages only for the orderings it indexes.
        let ordered = if request.path.ends_with("/projects") {
            request.param("order_by") == Some("id")
        } else {
            matches!(
                request.param("order_by"),
                Some("created_at" | "updated_at" | "id")
            )
        };
        match (keyset, data.keyset) {
            (true, KeysetSupport::Pages) if ordered => return Paging::Keyset,
            (true, KeysetSupport::Refused) => {
                return Paging::Refused(Reply::json(
                    405,
                    r#"{"error":"Keyset pagination is not yet available for this type of request"}"#,
                ))
            }
            _ => {}
        }
        let number = |name: &str, default: usize| {
            request
                .param(name)
                .and_then(|p| p.parse::<usize>().ok())
                .unwrap_or(default)
        };
        let offset = number("page", 1).saturating_mul(number("per_page", 20).clamp(1, 100));
        match data.offset_limit {
            Some(limit) if offset > limit => {
                let kind = if request.path.ends_with("/projects") {
                    "Project"
                } else {
                    "Issue"
                };
                Paging::Refused(Reply::json(
                    405,
                    json!({"error": format!(
                        "Offset pagination has a maximum allowed offset of {limit} for requests that return objects of type {kind}. Remaining records can be retrieved using keyset pagination."
                    )})
                    .to_string(),
                ))
            }
            _ => Paging::Offset,
        }
    }

    /// One page of `records` by `page` and `per_page` (20 by default, 100 at most), with
    /// GitLab's pagination and rate-limit headers.
    fn page_of(&self, request: &Request, records: &[&Value], data: &GitlabData) -> Reply {
        let per_page = request
            .param("per_page")
            .and_then(|p| p.parse::<usize>().ok())
            .unwrap_or(20)
            .clamp(1, 100);
        let page = request
            .param("page")
            .and_then(|p| p.parse::<usize>().ok())
            .unwrap_or(1)
            .max(1);
        let total = records.len();
        let start = (page - 1).saturating_mul(per_page).min(total);
        let end = (start + per_page).min(total);
        let parts: Vec<String> = records[start..end].iter().map(|r| r.to_string()).collect();
        let body = format!("[{}]", parts.join(","));
        let has_next = end < total;
        let mut reply = Reply::json(200, body)
            .header("x-page", page.to_string())
            .header("x-per-page", per_page.to_string())
            .header("x-total", total.to_string())
            .header(
                "x-next-page",
                if has_next {
                    (page + 1).to_string()
                } else {
                    String::new()
                },
            )
            .header("ratelimit-limit", "2000")
            .header("ratelimit-remaining", "1999")
            .header("ratelimit-name", "throttle_authenticated_api");
        if has_next && !data.no_link_header {
            reply = reply.header("link", next_link(request, "page", (page + 1).to_string()));
        }
        reply
    }
}

/// How one list request is answered (see [`FakeGitlab::paging`]).
enum Paging {
    Keyset,
    Refused(Reply),
    Offset,
}

fn per_page_of(request: &Request) -> usize {
    request
        .param("per_page")
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(20)
        .clamp(1, 100)
}

/// A keyset answer: `records` as the body, GitLab's rate-limit headers, and, when `next` gives
/// a position parameter and its value, `Link: rel="next"` to the same request with it.
fn keyset_reply(request: &Request, records: &[&Value], next: Option<(&str, String)>) -> Reply {
    let parts: Vec<String> = records.iter().map(|r| r.to_string()).collect();
    let mut reply = Reply::json(200, format!("[{}]", parts.join(",")))
        .header("ratelimit-limit", "2000")
        .header("ratelimit-remaining", "1999")
        .header("ratelimit-name", "throttle_authenticated_api");
    if let Some((name, value)) = next {
        reply = reply.header("link", next_link(request, name, value));
    }
    reply
}

/// A `Link` header's value pointing at the same request with `name` set to `value` (the next
/// page's number, cursor or last id), as GitLab writes it.
fn next_link(request: &Request, name: &str, value: String) -> String {
    let host = request.header("host").unwrap_or("127.0.0.1");
    let mut query: Vec<(String, String)> = request
        .query
        .iter()
        .filter(|(k, _)| k != name)
        .cloned()
        .collect();
    query.push((name.to_owned(), value));
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(query)
        .finish();
    format!("<http://{host}{}?{query}>; rel=\"next\"", request.path)
}

/// A keyset page of a group's projects ordered by id (GitLab's `Keyset::Pager`): a link to the
/// page after the last id whenever the page is not empty.
fn projects_keyset_page(request: &Request, listed: &[&Value]) -> Reply {
    let page: Vec<&Value> = listed.iter().take(per_page_of(request)).copied().collect();
    let next = page
        .last()
        .and_then(|p| p.get("id").and_then(Value::as_i64))
        .map(|id| ("id_after", id.to_string()));
    keyset_reply(request, &page, next)
}

/// A project's issues ordered by creation (ties by id), updated on or after `since`, from
/// after the request's `cursor` (GitLab's `CursorPager`): an opaque cursor (base64 of the last
/// record's creation time and id, as GitLab's is of its ordering values) and a link only while
/// records remain.
fn issues_keyset_page(
    request: &Request,
    records: &[Value],
    order: &ListOrder,
    since: Option<i64>,
) -> Reply {
    use base64::Engine as _;
    let engine = base64::engine::general_purpose::STANDARD;
    let after: Option<(i64, i64)> = request
        .param("cursor")
        .and_then(|c| engine.decode(c).ok())
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .and_then(|v| {
            let created = v.get("created_at")?.as_str()?.parse().ok()?;
            let id = v.get("id")?.as_str()?.parse().ok()?;
            Some((created, id))
        });
    let start = after.map_or(0, |a| order.keys.partition_point(|k| *k <= a));
    let per_page = per_page_of(request);
    let mut picked: Vec<usize> = Vec::with_capacity(per_page + 1);
    for i in start..order.keys.len() {
        if since.is_none_or(|s| order.updated[i] >= s) {
            picked.push(i);
            if picked.len() > per_page {
                break;
            }
        }
    }
    let more = picked.len() > per_page;
    picked.truncate(per_page);
    let page: Vec<&Value> = picked.iter().map(|i| &records[order.at[*i]]).collect();
    let next = picked.last().filter(|_| more).map(|i| {
        let (created, id) = order.keys[*i];
        let cursor = json!({"created_at": created.to_string(), "id": id.to_string(), "_kd": "n"});
        ("cursor", engine.encode(cursor.to_string()))
    });
    keyset_reply(request, &page, next)
}

/// The body of an answer recorded as Forgejo's mock server writes it: `Name: value` header
/// lines, an empty line, then the body.
pub fn recorded_body(text: &str) -> Option<&str> {
    text.split_once("\n\n").map(|(_, body)| body)
}

/// Shifts an RFC 3339 time by `ms` (unreadable times stay as they are).
fn shifted(value: &mut Value, key: &str, ms: i64) {
    let Some(at) = value.get(key).and_then(Value::as_str).and_then(parse_time) else {
        return;
    };
    if let Some(t) = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(at + ms) {
        value[key] = t
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
            .into();
    }
}

/// A copy of a recorded issue or merge request as copy `k`: ids and iids offset, its
/// references and URL renamed, its times moved `k` minutes later.
fn cloned(record: &Value, k: i64, sep: &str) -> Value {
    let mut copy = record.clone();
    let iid = record.get("iid").and_then(Value::as_i64).unwrap_or(0);
    let new_iid = iid + k * 100;
    if let Some(id) = record.get("id").and_then(Value::as_i64) {
        copy["id"] = (id + k * 1_000_000_000).into();
    }
    copy["iid"] = new_iid.into();
    let rename = |text: &str| match text.rsplit_once(sep) {
        Some((head, _)) => format!("{head}{sep}{new_iid}"),
        None => text.to_owned(),
    };
    if let Some(full) = record.pointer("/references/full").and_then(Value::as_str) {
        copy["references"]["full"] = rename(full).into();
    }
    let url_sep = if sep == "#" {
        "/-/issues/"
    } else {
        "/-/merge_requests/"
    };
    if let Some(url) = record.get("web_url").and_then(Value::as_str) {
        if let Some((head, _)) = url.rsplit_once(url_sep) {
            copy["web_url"] = format!("{head}{url_sep}{new_iid}").into();
        }
    }
    for key in ["created_at", "updated_at", "closed_at", "merged_at"] {
        shifted(&mut copy, key, k * 60_000);
    }
    copy
}

impl FakeGitlab {
    /// About `items` issues and merge requests **scaled from** the recorded rows (for the sync
    /// benchmark): copies with offset ids and iids and times moved a minute per copy, each merge
    /// request with a copy of its recorded notes.
    pub fn scaled(dir: &Path, token: &str, items: usize) -> std::io::Result<FakeGitlab> {
        let recorded = FakeGitlab::from_devlake(dir, token)?;
        let mut fake = FakeGitlab::new(token);
        fake.frozen = true;
        {
            let source = recorded.data().clone();
            let mut data = fake.data();
            data.project = source.project.clone();
            let per_copy = (source.issues.len() + source.merge_requests.len()).max(1);
            let copies = items.div_ceil(per_copy) as i64;
            for k in 0..copies {
                data.issues
                    .extend(source.issues.iter().map(|r| cloned(r, k, "#")));
                for mr in &source.merge_requests {
                    let copy = cloned(mr, k, "!");
                    let iid = mr.get("iid").and_then(Value::as_i64).unwrap_or(0);
                    let notes: Vec<Value> = source
                        .notes
                        .get(&iid)
                        .map(|notes| {
                            notes
                                .iter()
                                .map(|n| {
                                    let mut n = n.clone();
                                    if let Some(id) = n.get("id").and_then(Value::as_i64) {
                                        n["id"] = (id + k * 1_000_000_000).into();
                                    }
                                    shifted(&mut n, "created_at", k * 60_000);
                                    n
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    data.notes.insert(iid + k * 100, notes);
                    data.merge_requests.push(copy);
                }
            }
        }
        Ok(fake)
    }
}
