//! A fake Linear GraphQL API (`POST /graphql`) over a hand-made workspace
//! (`tests/fixtures/linear/workspace.json`, shaped from Linear's published schema: no public
//! recording of Linear's API that qualifies was found, see `tests/fixtures/README.md`). It answers
//! Baton's operations by name (`BatonTeams`, `BatonInitiatives`, `BatonProjects`, `BatonIssues`,
//! `BatonIssueMore`, `BatonViewer`) the way Linear documents them: `issues` filtered by
//! `updatedAt.gt` and `team.key.in`, ordered by `updatedAt`, paged by `first`/`after` with
//! `pageInfo { hasNextPage endCursor }` (the cursor is an opaque token naming the last node);
//! nested lists (`history`, `relations`, `inverseRelations`) paged by the `first` the query asks
//! for and read further with `issue(id)`. It checks the `Authorization` header (a personal API key
//! bare, an OAuth token as `Bearer`), sends `X-RateLimit-*` headers (resets in epoch milliseconds),
//! serves injected faults first and can answer chosen issues in part (a 200 with `errors` beside
//! the data).

use std::collections::{HashSet, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{json, Map, Value};

use super::server::{Handler, ReplayServer, Reply, Request};
use crate::connectors::parse_time;

/// What the fake serves.
#[derive(Debug, Clone, Default)]
pub struct LinearData {
    pub viewer: Value,
    pub teams: Vec<Value>,
    pub initiatives: Vec<Value>,
    pub projects: Vec<Value>,
    /// Issues with their nested lists complete (`{"nodes": [...]}`).
    pub issues: Vec<Value>,
    /// Identifiers of issues whose history is answered as null with an error beside it.
    pub partial_history: HashSet<String>,
    /// Answer initiatives with a FORBIDDEN error (a plan without them).
    pub no_initiatives: bool,
}

/// The fake API.
pub struct FakeLinear {
    /// The token expected.
    pub token: String,
    /// Whether it is an OAuth token (expected as `Bearer`).
    pub oauth: bool,
    data: Mutex<LinearData>,
    faults: Mutex<Vec<(String, VecDeque<Reply>)>>,
    /// The clock the reset headers are relative to (ms).
    pub now_ms: i64,
    /// The issues do not change (the benchmark): their order is computed once.
    frozen: bool,
    order: Mutex<Option<Arc<Order>>>,
    /// A frozen corpus's issue nodes as answered, by (position in `data.issues`, the `first`
    /// of each nested list asked for): the same JSON text, built once.
    nodes: Mutex<NodeTexts>,
}

/// Issue nodes as answered, by (position in `data.issues`, `first` of each nested list).
type NodeTexts = std::collections::HashMap<(usize, [usize; 3]), Arc<str>>;

fn time_of(value: &Value, key: &str) -> i64 {
    value
        .get(key)
        .and_then(Value::as_str)
        .and_then(parse_time)
        .unwrap_or(0)
}

/// The `first: N` a query asks of `field` (`history(first: 25)`), if it says.
fn first_of(query: &str, field: &str) -> Option<usize> {
    let at = query.find(&format!("{field}(first: "))? + field.len() + "(first: ".len();
    let digits: String = query[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// A page of `nodes` after the node named by `after` (a cursor is `c:<id>`).
fn page(nodes: &[Value], first: usize, after: Option<&str>) -> Value {
    let start = after
        .and_then(|a| a.strip_prefix("c:"))
        .and_then(|id| {
            nodes
                .iter()
                .position(|n| n.get("id").and_then(Value::as_str) == Some(id))
        })
        .map_or(0, |i| i + 1);
    let taken: Vec<Value> = nodes
        .iter()
        .skip(start)
        .take(first.max(1))
        .cloned()
        .collect();
    let has_next = start + taken.len() < nodes.len();
    let end = taken
        .last()
        .and_then(|n| n.get("id").and_then(Value::as_str))
        .map(|id| format!("c:{id}"));
    json!({ "nodes": taken, "pageInfo": { "hasNextPage": has_next, "endCursor": end } })
}

impl FakeLinear {
    /// An empty workspace.
    pub fn new(token: &str, oauth: bool) -> FakeLinear {
        FakeLinear {
            token: token.to_owned(),
            oauth,
            data: Mutex::default(),
            faults: Mutex::default(),
            now_ms: 1_772_409_600_000,
            frozen: false,
            order: Mutex::default(),
            nodes: Mutex::default(),
        }
    }

    /// The hand-made workspace under `dir` (`linear/workspace.json`).
    pub fn from_fixture(dir: &Path, token: &str) -> std::io::Result<FakeLinear> {
        let text = std::fs::read_to_string(dir.join("linear/workspace.json"))?;
        let doc: Value = serde_json::from_str(&text)
            .map_err(|err| std::io::Error::new(std::io::ErrorKind::InvalidData, err))?;
        let list = |key: &str| {
            doc.get(key)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let fake = FakeLinear::new(token, false);
        {
            let mut data = fake.data();
            data.viewer = doc.get("viewer").cloned().unwrap_or(Value::Null);
            data.teams = list("teams");
            data.initiatives = list("initiatives");
            data.projects = list("projects");
            data.issues = list("issues");
        }
        Ok(fake)
    }

    /// The workspace's issues cloned `copies` times over (ids, identifiers and times offset), for
    /// the benchmark: `copies * 16` issues with their histories and relations.
    pub fn scaled(dir: &Path, token: &str, items: usize) -> std::io::Result<FakeLinear> {
        let mut fake = FakeLinear::from_fixture(dir, token)?;
        fake.frozen = true;
        {
            let mut data = fake.data();
            let base = std::mem::take(&mut data.issues);
            let mut out = Vec::with_capacity(items);
            let mut copy = 0usize;
            while out.len() < items {
                for issue in &base {
                    if out.len() >= items {
                        break;
                    }
                    out.push(renamed(issue, copy));
                }
                copy += 1;
            }
            data.issues = out;
        }
        fake.prepare(&crate::connectors::linear::issues_query());
        Ok(fake)
    }

    /// Writes every issue node of a frozen corpus as the issues query `text` asks for them,
    /// before any request (the benchmark times Baton's side, not the fake's): pages of that
    /// query are then answered from these texts, the same bytes as built on demand.
    fn prepare(&self, text: &str) {
        if !self.frozen {
            return;
        }
        let firsts = nested_firsts(text);
        let built: NodeTexts = {
            let data = self.data();
            if !data.partial_history.is_empty() {
                return;
            }
            data.issues
                .iter()
                .enumerate()
                .map(|(at, issue)| {
                    let text: Arc<str> =
                        Value::Object(issue_node(issue, firsts)).to_string().into();
                    ((at, firsts), text)
                })
                .collect()
        };
        if let Ok(mut cache) = self.nodes.lock() {
            cache.extend(built);
        }
    }

    /// The data, to change between polls.
    pub fn data(&self) -> MutexGuard<'_, LinearData> {
        self.data
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Replies served, in order, to the next requests of operation `operation`
    /// (`BatonIssues`, ...).
    pub fn fault(&self, operation: &str, replies: Vec<Reply>) {
        if let Ok(mut faults) = self.faults.lock() {
            faults.push((operation.to_owned(), replies.into()));
        }
    }

    /// Starts a loopback server answering as this fake.
    pub async fn serve(self: &Arc<Self>) -> std::io::Result<ReplayServer> {
        let fake = self.clone();
        let handler: Handler = Arc::new(move |request| fake.answer(request));
        ReplayServer::start(handler).await
    }

    fn authorised(&self, request: &Request) -> bool {
        let expected = if self.oauth {
            format!("Bearer {}", self.token)
        } else {
            self.token.clone()
        };
        request.header("authorization") == Some(expected.as_str())
    }

    fn limits(&self, reply: Reply) -> Reply {
        let reset = (self.now_ms + 3_600_000).to_string();
        reply
            .header("x-ratelimit-requests-limit", "5000")
            .header("x-ratelimit-requests-remaining", "4990")
            .header("x-ratelimit-requests-reset", reset.clone())
            .header("x-ratelimit-complexity-limit", "3000000")
            .header("x-ratelimit-complexity-remaining", "2990000")
            .header("x-ratelimit-complexity-reset", reset)
    }

    /// Answers one request.
    pub fn answer(&self, request: &Request) -> Reply {
        if request.method != "POST" || request.path != "/graphql" {
            return Reply::json(404, r#"{"errors":[{"message":"Not found"}]}"#);
        }
        if !self.authorised(request) {
            return Reply::json(
                401,
                r#"{"errors":[{"message":"Authentication required, not authenticated","extensions":{"code":"AUTHENTICATION_ERROR","type":"authentication error","userPresentableMessage":"You need to authenticate to access this operation."}}]}"#,
            );
        }
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let text = body.get("query").and_then(Value::as_str).unwrap_or("");
        let variables = body.get("variables").cloned().unwrap_or(Value::Null);
        let operation = text
            .split_whitespace()
            .nth(1)
            .map(|name| name.split('(').next().unwrap_or(name))
            .unwrap_or("");
        if let Ok(mut faults) = self.faults.lock() {
            if let Some((_, queue)) = faults
                .iter_mut()
                .find(|(op, q)| op == operation && !q.is_empty())
            {
                if let Some(reply) = queue.pop_front() {
                    return reply;
                }
            }
        }
        let data = self.data();
        let after = variables.get("after").and_then(Value::as_str);
        let answer = match operation {
            "BatonViewer" => json!({
                "data": {
                    "viewer": data.viewer,
                    "teams": { "nodes": data.teams.iter().map(|t| json!({"id": t["id"], "key": t["key"], "name": t["name"]})).collect::<Vec<_>>() },
                }
            }),
            "BatonTeams" => {
                let first = first_of(text, "teams").unwrap_or(50);
                json!({ "data": { "teams": page(&data.teams, first, after) } })
            }
            "BatonProjects" => json!({ "data": { "projects": page(&data.projects, 50, after) } }),
            "BatonInitiatives" if data.no_initiatives => json!({
                "data": null,
                "errors": [{ "message": "Initiatives are not enabled for this workspace", "extensions": { "code": "FORBIDDEN" } }]
            }),
            "BatonInitiatives" => {
                json!({ "data": { "initiatives": page(&data.initiatives, 50, after) } })
            }
            "BatonIssues" => {
                return self.limits(Reply::json(200, self.issues(&data, text, &variables)))
            }
            "BatonIssueMore" => {
                let id = variables.get("id").and_then(Value::as_str).unwrap_or("");
                let field = ["history", "inverseRelations", "relations"]
                    .into_iter()
                    .find(|f| text.contains(&format!("{f}(first:")))
                    .unwrap_or("history");
                let first = first_of(text, field).unwrap_or(50);
                let order = self.order(&data);
                let found = order
                    .place
                    .get(id)
                    .and_then(|p| order.at.get(*p))
                    .and_then(|i| data.issues.get(*i));
                match found {
                    Some(issue) => {
                        let nodes = issue[field]["nodes"]
                            .as_array()
                            .map(Vec::as_slice)
                            .unwrap_or_default();
                        json!({ "data": { "issue": { field: page(nodes, first, after) } } })
                    }
                    None => json!({
                        "data": null,
                        "errors": [{ "message": "Entity not found: Issue", "extensions": { "code": "INVALID_INPUT" } }]
                    }),
                }
            }
            _ => {
                return Reply::json(
                    400,
                    json!({"errors": [{"message": format!("Unknown operation {operation}"), "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}]}).to_string(),
                )
            }
        };
        self.limits(Reply::json(200, answer.to_string()))
    }

    /// The issues in `updatedAt` order (ties by id): positions in `data.issues`, their update
    /// times, and each id's place in that order. Computed once for a frozen (benchmark) corpus.
    fn order(&self, data: &LinearData) -> Arc<Order> {
        if let Ok(cache) = self.order.lock() {
            if let Some(order) = cache.as_ref().filter(|_| self.frozen) {
                return order.clone();
            }
        }
        let mut idx: Vec<(i64, &str, usize)> = data
            .issues
            .iter()
            .enumerate()
            .map(|(i, v)| (time_of(v, "updatedAt"), v["id"].as_str().unwrap_or(""), i))
            .collect();
        idx.sort_unstable();
        let order = Arc::new(Order {
            updated: idx.iter().map(|(t, _, _)| *t).collect(),
            at: idx.iter().map(|(_, _, i)| *i).collect(),
            place: idx
                .iter()
                .enumerate()
                .map(|(p, (_, id, _))| ((*id).to_owned(), p))
                .collect(),
        });
        if let Ok(mut cache) = self.order.lock() {
            *cache = Some(order.clone());
        }
        order
    }

    fn issues(&self, data: &LinearData, text: &str, variables: &Value) -> String {
        let filter = variables.get("filter").cloned().unwrap_or(Value::Null);
        let since = filter
            .pointer("/updatedAt/gt")
            .and_then(Value::as_str)
            .and_then(parse_time);
        let teams: Option<Vec<String>> = filter
            .pointer("/team/key/in")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            });
        let first = variables
            .get("first")
            .and_then(Value::as_u64)
            .unwrap_or(50)
            .max(1) as usize;
        let after = variables.get("after").and_then(Value::as_str);
        let order = self.order(data);
        let lower = since.map_or(0, |s| order.updated.partition_point(|t| *t <= s));
        let start = after
            .and_then(|a| a.strip_prefix("c:"))
            .and_then(|id| order.place.get(id))
            .map_or(lower, |p| (p + 1).max(lower));
        let wanted = |i: usize| {
            teams.as_ref().is_none_or(|keys| {
                let key = data.issues[i].pointer("/team/key").and_then(Value::as_str);
                keys.iter().any(|k| Some(k.as_str()) == key)
            })
        };
        let mut chosen: Vec<(usize, &Value)> = Vec::new();
        let mut has_next = false;
        for &i in &order.at[start.min(order.at.len())..] {
            if !wanted(i) {
                continue;
            }
            if chosen.len() == first {
                has_next = true;
                break;
            }
            chosen.push((i, &data.issues[i]));
        }
        let end = chosen
            .last()
            .and_then(|(_, n)| n["id"].as_str())
            .map(|id| format!("c:{id}"));
        let firsts = nested_firsts(text);
        let mut nodes: Vec<Arc<str>> = Vec::with_capacity(chosen.len());
        let mut errors = Vec::new();
        for (n, (at, issue)) in chosen.iter().enumerate() {
            let cached = self.frozen && data.partial_history.is_empty();
            if cached {
                if let Some(node) = self
                    .nodes
                    .lock()
                    .ok()
                    .and_then(|c| c.get(&(*at, firsts)).cloned())
                {
                    nodes.push(node);
                    continue;
                }
            }
            let mut node = issue_node(issue, firsts);
            let identifier = issue["identifier"].as_str().unwrap_or("");
            if data.partial_history.contains(identifier) {
                node.insert("history".into(), Value::Null);
                errors.push(json!({
                    "message": format!("Could not load the history of {identifier}"),
                    "path": ["issues", "nodes", n, "history"],
                    "extensions": { "code": "INTERNAL_SERVER_ERROR" }
                }));
            }
            let node: Arc<str> = Value::Object(node).to_string().into();
            if cached {
                if let Ok(mut cache) = self.nodes.lock() {
                    cache.insert((*at, firsts), node.clone());
                }
            }
            nodes.push(node);
        }
        // The answer with its nodes written in: the same text as serialising it with them.
        let mut answer = json!({
            "data": { "issues": { "nodes": [], "pageInfo": { "hasNextPage": has_next, "endCursor": end } } }
        });
        if !errors.is_empty() {
            answer["errors"] = Value::Array(errors);
        }
        let shell = answer.to_string();
        let slot = shell
            .find("\"nodes\":[]")
            .map_or(shell.len(), |at| at + "\"nodes\":[".len());
        let mut body =
            String::with_capacity(shell.len() + nodes.iter().map(|n| n.len() + 1).sum::<usize>());
        body.push_str(&shell[..slot]);
        for (i, node) in nodes.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push_str(node);
        }
        body.push_str(&shell[slot..]);
        body
    }
}

/// An issue as a page of the issues query answers it: its own fields, then its nested lists
/// cut to the `first` of each asked for (`history`, `relations`, `inverseRelations`; only what
/// is answered is copied).
fn issue_node(issue: &Value, firsts: [usize; 3]) -> Map<String, Value> {
    const NESTED: [&str; 4] = ["history", "relations", "inverseRelations", "labels"];
    let mut node: Map<String, Value> = issue
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, _)| !NESTED.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    for (field, nested_first) in ["history", "relations", "inverseRelations"]
        .into_iter()
        .zip(firsts)
    {
        let all = issue[field]["nodes"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        node.insert(field.into(), page(all, nested_first, None));
    }
    let labels = issue["labels"]["nodes"].clone();
    node.insert("labels".into(), json!({ "nodes": labels }));
    node
}

/// The `first` of each nested list (`history`, `relations`, `inverseRelations`) a query asks.
fn nested_firsts(text: &str) -> [usize; 3] {
    ["history", "relations", "inverseRelations"].map(|field| first_of(text, field).unwrap_or(50))
}

/// The issues in update order (see [`FakeLinear::order`]).
#[derive(Debug, Default)]
struct Order {
    updated: Vec<i64>,
    at: Vec<usize>,
    place: std::collections::HashMap<String, usize>,
}

/// Issue `issue` as its `copy`-th clone: ids, identifiers and the ids it points at offset, times
/// shifted by `copy` minutes.
fn renamed(issue: &Value, copy: usize) -> Value {
    if copy == 0 {
        return issue.clone();
    }
    let mut text = issue.to_string();
    let shift = |t: &str| -> Option<String> {
        let at = parse_time(t)? + (copy as i64) * 60_000;
        chrono::DateTime::<chrono::Utc>::from_timestamp_millis(at)
            .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
    };
    // Ids: issue, history and relation ids carry the copy number.
    for prefix in ["\"iss-", "\"h-", "\"rel-"] {
        text = text.replace(prefix, &format!("{prefix}{copy}-"));
    }
    let mut value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    fn walk(v: &mut Value, f: &dyn Fn(&str) -> Option<String>, copy: usize) {
        match v {
            Value::Object(map) => {
                for (k, val) in map.iter_mut() {
                    match (k.as_str(), &*val) {
                        (
                            "createdAt" | "updatedAt" | "startedAt" | "completedAt" | "canceledAt",
                            Value::String(s),
                        ) => {
                            if let Some(t) = f(s) {
                                *val = Value::String(t);
                            }
                        }
                        ("identifier", Value::String(s)) => {
                            *val = Value::String(offset_identifier(s, copy));
                        }
                        ("previousIdentifiers", Value::Array(list)) => {
                            *val = Value::Array(
                                list.iter()
                                    .map(|i| match i {
                                        Value::String(s) => {
                                            Value::String(offset_identifier(s, copy))
                                        }
                                        other => other.clone(),
                                    })
                                    .collect(),
                            );
                        }
                        _ => walk(val, f, copy),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| walk(i, f, copy)),
            _ => {}
        }
    }
    walk(&mut value, &shift, copy);
    value
}

/// `ENG-7` as its `copy`-th clone (`ENG-107`).
fn offset_identifier(identifier: &str, copy: usize) -> String {
    match identifier.rsplit_once('-') {
        Some((team, n)) => match n.parse::<usize>() {
            Ok(n) => format!("{team}-{}", n + 100 * copy),
            Err(_) => identifier.to_owned(),
        },
        None => identifier.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixtures() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures")
    }

    fn issues_request(token: &str, first: u32, after: Option<&str>) -> Request {
        let body = json!({
            "query": crate::connectors::linear::issues_query(),
            "variables": { "first": first, "after": after, "filter": Value::Null },
        });
        Request {
            method: "POST".into(),
            path: "/graphql".into(),
            query: Vec::new(),
            headers: vec![("authorization".into(), token.into())],
            body: body.to_string().into_bytes(),
        }
    }

    /// The benchmark's fake answers a page of issues from nodes it wrote once: the same bytes as
    /// a fake that builds every answer afresh, for every page, asked once or again.
    #[test]
    fn a_frozen_corpus_answers_the_same_bytes_as_one_built_afresh() {
        let frozen = FakeLinear::scaled(&fixtures(), "t", 120).unwrap();
        let fresh = FakeLinear::new("t", false);
        {
            let (from, mut to) = (frozen.data(), fresh.data());
            to.viewer = from.viewer.clone();
            to.teams = from.teams.clone();
            to.issues = from.issues.clone();
        }
        for round in 0..2 {
            let mut after: Option<String> = None;
            let mut pages = 0;
            loop {
                let request = issues_request("t", 25, after.as_deref());
                let (a, b) = (frozen.answer(&request), fresh.answer(&request));
                assert_eq!(a.status, 200);
                assert_eq!(
                    String::from_utf8_lossy(&a.body),
                    String::from_utf8_lossy(&b.body),
                    "page {pages}, round {round}"
                );
                assert_eq!(a.headers, b.headers);
                pages += 1;
                let page: Value = serde_json::from_slice(&a.body).unwrap();
                let info = &page["data"]["issues"]["pageInfo"];
                if info["hasNextPage"] != Value::Bool(true) {
                    break;
                }
                after = info["endCursor"].as_str().map(str::to_owned);
            }
            assert_eq!(pages, 5, "120 issues in pages of 25");
        }
    }
}
