//! A fake Jira Cloud REST API over real recorded issues: `/search/jql` reads the JQL's project
//! list and `updated >= 'yyyy/MM/dd HH:mm'` (in the user's time zone, as Jira does), orders by
//! creation, pages with `nextPageToken`, embeds at most `embed_limit` changelog entries (the
//! newest, as Jira does) and serves the rest from `/issue/{key}/changelog`. It checks Basic
//! authentication and serves injected faults first.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{NaiveDateTime, TimeZone};
use serde_json::{json, Value};

use super::server::{Handler, ReplayServer, Reply, Request};
use crate::connectors::parse_time;

/// One issue with its whole changelog.
#[derive(Debug, Clone, PartialEq)]
pub struct JiraRecord {
    pub key: String,
    pub created: i64,
    pub updated: i64,
    pub issue: Value,
    /// Every history entry, oldest first.
    pub histories: Vec<Value>,
}

impl JiraRecord {
    /// From an issue's JSON (with or without an embedded changelog).
    pub fn from_json(text: &str) -> Option<JiraRecord> {
        let mut issue: Value = serde_json::from_str(text).ok()?;
        let time = |v: &Value, key: &str| {
            v.pointer(&format!("/fields/{key}"))
                .and_then(Value::as_str)
                .and_then(parse_time)
        };
        let created = time(&issue, "created")?;
        let updated = time(&issue, "updated").unwrap_or(created);
        let mut histories: Vec<Value> = issue
            .pointer("/changelog/histories")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        histories.sort_by_key(|h| {
            (
                h.get("created")
                    .and_then(Value::as_str)
                    .and_then(parse_time)
                    .unwrap_or(0),
                h.get("id")
                    .and_then(Value::as_str)
                    .and_then(|i| i.parse::<i64>().ok())
                    .unwrap_or(0),
            )
        });
        if let Some(object) = issue.as_object_mut() {
            object.remove("changelog");
        }
        Some(JiraRecord {
            key: issue.get("key")?.as_str()?.to_owned(),
            created,
            updated,
            issue,
            histories,
        })
    }
}

/// What the fake serves.
#[derive(Debug, Clone)]
pub struct JiraData {
    pub issues: Vec<JiraRecord>,
    /// `/status` entries (JSON texts).
    pub statuses: Vec<String>,
    /// Changelog entries embedded in search results (Jira: 100).
    pub embed_limit: usize,
    /// Entries per `/changelog` page.
    pub changelog_page: usize,
    /// `/field` entries (JSON texts); when empty, the fields the changelogs name (their
    /// `fieldId` and `field`).
    pub fields: Vec<String>,
    /// Answer `/field` with 404 (a site or proxy that does not list fields).
    pub hide_fields: bool,
    /// Leave `total` out of embedded changelogs (some answers do not say it).
    pub omit_changelog_total: bool,
}

impl Default for JiraData {
    fn default() -> Self {
        JiraData {
            issues: Vec::new(),
            statuses: Vec::new(),
            embed_limit: 100,
            changelog_page: 100,
            fields: Vec::new(),
            hide_fields: false,
            omit_changelog_total: false,
        }
    }
}

/// The fake site.
pub struct FakeJira {
    pub email: String,
    pub token: String,
    pub time_zone: String,
    data: Mutex<JiraData>,
    faults: Mutex<Vec<(String, VecDeque<Reply>)>>,
}

impl FakeJira {
    /// An empty site.
    pub fn new(email: &str, token: &str, time_zone: &str) -> FakeJira {
        FakeJira {
            email: email.to_owned(),
            token: token.to_owned(),
            time_zone: time_zone.to_owned(),
            data: Mutex::default(),
            faults: Mutex::default(),
        }
    }

    /// The issues, statuses and links recorded in DevLake's raw tables under `dir`.
    pub fn from_devlake(dir: &Path, email: &str, token: &str) -> std::io::Result<FakeJira> {
        let fake = FakeJira::new(email, token, "Asia/Shanghai");
        {
            let mut data = fake.data();
            let read = |name: &str| super::devlake::read(&dir.join("jira/devlake").join(name));
            for file in [
                "_raw_jira_api_issues.csv",
                "_raw_jira_api_issue_relationships.csv",
            ] {
                data.issues.extend(
                    read(file)?
                        .iter()
                        .filter_map(|r| JiraRecord::from_json(&r.data)),
                );
            }
            data.statuses = read("_raw_jira_api_status.csv")?
                .into_iter()
                .map(|r| r.data)
                .collect();
        }
        Ok(fake)
    }

    /// The issues jirametrics recorded from improvingflow.atlassian.net (`jira/jirametrics/`
    /// under `dir`): each `SP-*.json` is one issue as `GET /rest/api/2/issue/{key}?expand=changelog`
    /// answered, and `sample_statuses.json` that site's `GET /rest/api/2/project/SP/statuses`
    /// answer, whose statuses (each once) the fake serves as `/status`. The site's user is in
    /// Etc/GMT.
    pub fn from_jirametrics(dir: &Path, email: &str, token: &str) -> std::io::Result<FakeJira> {
        let fake = FakeJira::new(email, token, "Etc/GMT");
        let folder = dir.join("jira/jirametrics");
        let mut names: Vec<String> = std::fs::read_dir(&folder)?
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.starts_with("SP-") && n.ends_with(".json"))
            .collect();
        names.sort();
        {
            let mut data = fake.data();
            for name in names {
                let text = std::fs::read_to_string(folder.join(&name))?;
                let record = JiraRecord::from_json(&text).ok_or_else(|| invalid(&name))?;
                data.issues.push(record);
            }
            let text = std::fs::read_to_string(folder.join("sample_statuses.json"))?;
            let by_type: Vec<Value> =
                serde_json::from_str(&text).map_err(|_| invalid("sample_statuses.json"))?;
            let mut seen = std::collections::HashSet::new();
            for status in by_type
                .iter()
                .filter_map(|t| t.get("statuses").and_then(Value::as_array))
                .flatten()
            {
                if seen.insert(status.get("id").cloned()) {
                    data.statuses.push(status.to_string());
                }
            }
        }
        Ok(fake)
    }

    /// The issues jira-timeline-report kept of bitovi-training.atlassian.net
    /// (`jira/jira-timeline-report/` under `dir`): `bitovi-training.json` holds each issue as
    /// `/rest/api/3/search` gave it in 2024, but with its fields renamed by their display names and
    /// its whole changelog (the `/changelog` pages' `values`) as a list; the fake names the
    /// fields by their ids again from the site's recorded `GET /rest/api/3/field` answer
    /// (`bitovi-training-fields.json`, also served as `/field`) and embeds the changelog as a
    /// search answer does. Fields the tool did not ask for (`updated`, `project`, `assignee`...)
    /// stay absent. `/status` serves the status objects the issues carry (each once). The
    /// site's users are in America/Chicago.
    pub fn from_timeline_report(dir: &Path, email: &str, token: &str) -> std::io::Result<FakeJira> {
        let fake = FakeJira::new(email, token, "America/Chicago");
        let folder = dir.join("jira/jira-timeline-report");
        let read = |name: &str| -> std::io::Result<Value> {
            let text = std::fs::read_to_string(folder.join(name))?;
            serde_json::from_str(&text).map_err(|_| invalid(name))
        };
        let fields = read("bitovi-training-fields.json")?;
        let fields = fields.as_array().cloned().unwrap_or_default();
        let id_of: std::collections::HashMap<&str, &str> = fields
            .iter()
            .filter_map(|f| Some((f.get("name")?.as_str()?, f.get("id")?.as_str()?)))
            .collect();
        let issues = read("bitovi-training.json")?;
        {
            let mut data = fake.data();
            let mut statuses = std::collections::BTreeMap::new();
            for kept in issues.as_array().into_iter().flatten() {
                let mut issue = kept.clone();
                let named = issue
                    .get("fields")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                let mut by_id = serde_json::Map::new();
                for (name, value) in named {
                    let id = id_of.get(name.as_str()).copied().unwrap_or(name.as_str());
                    by_id.insert(id.to_owned(), value);
                }
                for status in [
                    by_id.get("status"),
                    by_id
                        .get("parent")
                        .and_then(|p| p.pointer("/fields/status")),
                ]
                .into_iter()
                .flatten()
                {
                    if let Some(id) = status.get("id").and_then(Value::as_str) {
                        statuses
                            .entry(id.to_owned())
                            .or_insert_with(|| status.to_string());
                    }
                }
                issue["fields"] = Value::Object(by_id);
                let histories = issue.get("changelog").cloned().unwrap_or(json!([]));
                issue["changelog"] = json!({"histories": histories});
                let key = issue
                    .get("key")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_owned();
                let record =
                    JiraRecord::from_json(&issue.to_string()).ok_or_else(|| invalid(&key))?;
                data.issues.push(record);
            }
            data.statuses = statuses.into_values().collect();
            data.fields = fields.iter().map(Value::to_string).collect();
        }
        Ok(fake)
    }

    /// The data, to change between polls.
    pub fn data(&self) -> MutexGuard<'_, JiraData> {
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

    /// Answers one request.
    pub fn answer(&self, request: &Request) -> Reply {
        let expected = format!(
            "Basic {}",
            base64(format!("{}:{}", self.email, self.token).as_bytes())
        );
        if request.header("authorization") != Some(expected.as_str()) {
            return Reply::json(
                401,
                r#"{"errorMessages":["You are not authenticated. Authentication required to perform this operation."]}"#,
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
        let data = self.data().clone();
        let path = request.path.trim_start_matches('/');
        match path {
            "rest/api/3/myself" => Reply::json(
                200,
                json!({"displayName": "Baton Test", "timeZone": self.time_zone}).to_string(),
            ),
            "rest/api/3/status" => Reply::json(200, format!("[{}]", data.statuses.join(","))),
            "rest/api/3/field" if data.hide_fields => {
                Reply::json(404, r#"{"errorMessages":["Not found"]}"#)
            }
            "rest/api/3/field" => Reply::json(200, format!("[{}]", fields_of(&data).join(","))),
            "rest/api/3/search/jql" => self.search(request, &data),
            "rest/api/3/search" => Reply::json(
                410,
                r#"{"errorMessages":["The requested API has been removed. Please migrate to the /rest/api/3/search/jql API."]}"#,
            ),
            _ => {
                if let Some(project) = path.strip_prefix("rest/api/3/project/") {
                    return if data
                        .issues
                        .iter()
                        .any(|i| i.key.starts_with(&format!("{project}-")))
                    {
                        Reply::json(200, json!({"key": project}).to_string())
                    } else {
                        Reply::json(404, json!({"errorMessages": [format!("No project could be found with key '{project}'.")]}).to_string())
                    };
                }
                if let Some(id_or_key) = path
                    .strip_prefix("rest/api/3/issue/")
                    .and_then(|p| p.strip_suffix("/changelog"))
                {
                    return self.changelog(request, &data, id_or_key);
                }
                Reply::json(404, r#"{"errorMessages":["Not found"]}"#)
            }
        }
    }

    fn search(&self, request: &Request, data: &JiraData) -> Reply {
        let jql = request.param("jql").unwrap_or("");
        let since = jql_since(jql, &self.time_zone);
        let projects = jql_projects(jql);
        // Jira refuses a JQL that names a project that does not exist (or that the account
        // cannot browse).
        if let Some(unknown) = projects.iter().find(|p| {
            !data
                .issues
                .iter()
                .any(|r| r.key.starts_with(&format!("{p}-")))
        }) {
            return Reply::json(
                400,
                json!({"errorMessages": [format!("The value '{unknown}' does not exist for the field 'project'.")], "warningMessages": []}).to_string(),
            );
        }
        let mut chosen: Vec<&JiraRecord> = data
            .issues
            .iter()
            .filter(|r| since.is_none_or(|s| r.updated >= s))
            .filter(|r| {
                projects.is_empty() || projects.iter().any(|p| r.key.starts_with(&format!("{p}-")))
            })
            .collect();
        chosen.sort_by(|a, b| (a.created, &a.key).cmp(&(b.created, &b.key)));
        let max: usize = request
            .param("maxResults")
            .and_then(|m| m.parse().ok())
            .unwrap_or(50)
            .clamp(1, 100);
        let start = match request.param("nextPageToken") {
            None => 0,
            Some(token) => match token
                .strip_prefix("tok-")
                .and_then(|t| t.parse::<usize>().ok())
            {
                Some(offset) => offset,
                None => {
                    return Reply::json(
                        400,
                        r#"{"errorMessages":["The provided next page token is invalid or expired."]}"#,
                    )
                }
            },
        };
        let page: Vec<Value> = chosen
            .iter()
            .skip(start)
            .take(max)
            .map(|r| {
                let mut issue = r.issue.clone();
                let embedded: Vec<Value> = r
                    .histories
                    .iter()
                    .rev()
                    .take(data.embed_limit)
                    .cloned()
                    .collect();
                issue["changelog"] = if data.omit_changelog_total {
                    json!({"startAt": 0, "maxResults": embedded.len(), "histories": embedded})
                } else {
                    json!({
                        "startAt": 0,
                        "maxResults": embedded.len(),
                        "total": r.histories.len(),
                        "histories": embedded,
                    })
                };
                issue
            })
            .collect();
        let end = start.saturating_add(page.len());
        let mut body = json!({"issues": page, "isLast": end >= chosen.len()});
        if end < chosen.len() {
            body["nextPageToken"] = json!(format!("tok-{end}"));
        }
        Reply::json(200, body.to_string())
    }

    fn changelog(&self, request: &Request, data: &JiraData, id_or_key: &str) -> Reply {
        let Some(record) = data.issues.iter().find(|r| {
            r.key == id_or_key || r.issue.get("id").and_then(Value::as_str) == Some(id_or_key)
        }) else {
            return Reply::json(
                404,
                r#"{"errorMessages":["Issue does not exist or you do not have permission to see it."]}"#,
            );
        };
        let start: usize = request
            .param("startAt")
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let max: usize = request
            .param("maxResults")
            .and_then(|m| m.parse().ok())
            .unwrap_or(100)
            .min(data.changelog_page)
            .max(1);
        let values: Vec<Value> = record
            .histories
            .iter()
            .skip(start)
            .take(max)
            .cloned()
            .collect();
        let is_last = start.saturating_add(values.len()) >= record.histories.len();
        Reply::json(
            200,
            json!({"startAt": start, "maxResults": max, "total": record.histories.len(), "isLast": is_last, "values": values}).to_string(),
        )
    }
}

fn invalid(name: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!("{name}: not a recorded Jira answer"),
    )
}

/// The `/field` list: the data's own, else one entry per field the changelogs name (`fieldId`
/// and `field` of real history items; custom fields only carry both on Cloud).
fn fields_of(data: &JiraData) -> Vec<String> {
    if !data.fields.is_empty() {
        return data.fields.clone();
    }
    let mut seen = std::collections::BTreeMap::new();
    for record in &data.issues {
        for history in &record.histories {
            for item in history
                .get("items")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let (Some(id), Some(name)) = (
                    item.get("fieldId").and_then(Value::as_str),
                    item.get("field").and_then(Value::as_str),
                ) {
                    seen.entry(id.to_owned()).or_insert_with(|| name.to_owned());
                }
            }
        }
    }
    seen.into_iter()
        .map(|(id, name)| {
            json!({"id": id, "name": name, "custom": id.starts_with("customfield_")}).to_string()
        })
        .collect()
}

/// The lower bound of `updated >= 'yyyy/MM/dd HH:mm'`, read in `zone`.
fn jql_since(jql: &str, zone: &str) -> Option<i64> {
    let at = jql.find("updated >= '")? + "updated >= '".len();
    let text = jql.get(at..at + 16)?;
    let naive = NaiveDateTime::parse_from_str(text, "%Y/%m/%d %H:%M").ok()?;
    let tz: chrono_tz::Tz = zone.parse().ok()?;
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.timestamp_millis())
}

/// The keys of `project in ("A", "B")`.
fn jql_projects(jql: &str) -> Vec<String> {
    let Some(at) = jql.find("project in (") else {
        return Vec::new();
    };
    let rest = &jql[at + "project in (".len()..];
    let list = rest.split(')').next().unwrap_or("");
    list.split(',')
        .map(|p| p.trim().trim_matches('"').to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Standard base64 (for the Basic credentials the fake expects).
pub fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(base64(b"a@b.c:tok"), "YUBiLmM6dG9r");
        assert_eq!(base64(b"ab"), "YWI=");
    }

    #[test]
    fn jql_bounds_are_read_in_the_users_zone() {
        let since = jql_since(
            "project in (\"EE\") AND updated >= '2021/03/28 16:06' ORDER BY created ASC",
            "Asia/Shanghai",
        );
        assert_eq!(since, Some(1_616_918_760_000));
        assert_eq!(
            jql_projects("project in (\"EE\", \"K5\") AND x"),
            vec!["EE", "K5"]
        );
    }
}
