//! A fake GitHub REST API over real recorded records: it filters by `since`, sorts, pages with
//! `Link` headers (next links use `/repositories/{id}/…` as github.com does), answers
//! `If-None-Match` with 304, checks the bearer token, and serves injected faults first.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;

use super::server::{Handler, ReplayServer, Reply, Request};
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
    base: Mutex<String>,
    /// Sorted orders of list endpoints, by (endpoint, since, descending), until the data changes.
    orders: Mutex<HashMap<OrderKey, Arc<Vec<usize>>>>,
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
            base: Mutex::default(),
            orders: Mutex::default(),
        }
    }

    /// A fake serving `data` (e.g. the benchmark corpus).
    pub fn with_data(token: &str, repo: &str, data: GithubData) -> FakeGithub {
        let fake = FakeGithub::new(token, repo);
        *fake.data() = data;
        fake
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

    /// The data, to change between polls.
    pub fn data(&self) -> MutexGuard<'_, GithubData> {
        if let Ok(mut orders) = self.orders.lock() {
            orders.clear();
        }
        self.data
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
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
        let data = self
            .data
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
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
                self.page(
                    request,
                    &path,
                    order
                        .iter()
                        .map(|&i| data.issues[i].json.as_str())
                        .collect(),
                )
            }
            "pulls" => {
                let order = self.order("pulls", &data.pulls, request, false);
                self.page(
                    request,
                    &path,
                    order.iter().map(|&i| data.pulls[i].json.as_str()).collect(),
                )
            }
            "issues/events" => {
                let mut events: Vec<&Record> = data.events.iter().collect();
                events.sort_by_key(|r| std::cmp::Reverse(r.id));
                self.page(
                    request,
                    &path,
                    events.into_iter().map(|r| r.json.as_str()).collect(),
                )
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
                    ["issues", _, "dependencies", "blocked_by"] => {
                        Some(list(&data.blocked_by, number(1)))
                    }
                    ["issues", _, "dependencies", "blocking"] => {
                        Some(list(&data.blocking, number(1)))
                    }
                    ["issues", _, "sub_issues"] => Some(list(&data.sub_issues, number(1))),
                    _ => None,
                };
                match (owned, parts.as_slice()) {
                    (Some(items), _) => {
                        self.page(request, &path, items.iter().map(String::as_str).collect())
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

    /// One page of `items` with `Link` and `ETag` headers.
    fn page(&self, request: &Request, local: &str, items: Vec<&str>) -> Reply {
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
        let slice: Vec<&str> = items.iter().skip(start).take(per_page).copied().collect();
        let mut body = String::with_capacity(slice.iter().map(|s| s.len() + 1).sum::<usize>() + 2);
        body.push('[');
        for (i, item) in slice.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push_str(item);
        }
        body.push(']');
        let etag = format!("W/\"{:016x}\"", fnv(body.as_bytes()));
        if request.header("if-none-match") == Some(etag.as_str()) {
            return Reply::empty(304).header("etag", etag);
        }
        let mut reply = Reply::json(200, body).header("etag", etag);
        let last = items.len().div_ceil(per_page).max(1);
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
