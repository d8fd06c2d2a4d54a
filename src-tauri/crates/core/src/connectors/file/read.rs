//! Reading a file source into [`FileItem`]s: Baton's JSON lines as they are, Jira's CSV export
//! and the states layout through their columns ([`FileColumns`]). A row that cannot be read
//! becomes a [`RowError`] with its line number; the others are read.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::{FileColumns, FileFormat, FileScope};
use crate::connectors::{iso, parse_time};
use crate::ingest::error::SyncError;

/// The largest file Baton imports (a 200,000-item Jira export is about 150 MB).
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// The first line of a Baton JSON lines file: what it is and which version of the format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileHeader {
    /// Always `"items"`.
    pub baton: String,
    /// The format's version (1).
    pub version: u32,
    /// When the file was written (RFC 3339), for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exported_at: Option<String>,
    /// Where it came from (the workspace's name), for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
}

/// One item of a file, in Baton's JSON lines format (one per line); CSV rows are read into it
/// too. Times are RFC 3339 text. Only `id`, `title`, `state` and `created` are required.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileItem {
    /// Stable in the file: re-importing updates the item with this id.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    pub title: String,
    /// `feature`, `defect`, `task`… or the tracker's word (`Bug`, `Story`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The current state, as the tracker names it; the workflow map gives its meaning.
    pub state: String,
    /// The tracker's category of the state (Jira's `To Do`, `In Progress`, `Done`), which
    /// bounds what the state's name may mean when Baton infers it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_category: Option<String>,
    pub created: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    /// When it was finished, when the file says so without a transition (Jira's `Resolved`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// Its estimate (story points, or the tracker's unit), when the file gives one.
    #[serde(
        default,
        alias = "story_points",
        alias = "points",
        skip_serializing_if = "Option::is_none"
    )]
    pub estimate: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<String>,
    /// `human`, `ai_agent` or `automation`; the provenance rules decide when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<String>,
    /// Which agent or automation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transitions: Vec<FileTransition>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<FileLink>,
}

/// A change of an item over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileTransition {
    pub at: String,
    /// `state` (the default), `flag` (`blocked`/`unblocked`), `assignee`, `label` or `review`.
    #[serde(default = "state_kind", skip_serializing_if = "is_state_kind")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    pub to: String,
    /// Who made the change (a login or a name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

fn state_kind() -> String {
    "state".into()
}

fn is_state_kind(kind: &str) -> bool {
    kind == "state"
}

/// A link from this item to another, read "this item <kind> `to`": `blocks`, `duplicates`,
/// `relates`, `parent` (this item is `to`'s parent), `implements`, `deploys`. `to` is the other
/// item's id or key in the same file, or a key Baton knows from another source (`PAY-12`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileLink {
    pub kind: String,
    pub to: String,
}

/// A row that could not be read.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RowError {
    /// The line of the file where the row starts (1 is the first line).
    pub line: u32,
    pub message: String,
}

/// A file read: its items with the line each starts on, and the rows that could not be read.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    pub items: Vec<(u32, FileItem)>,
    pub errors: Vec<RowError>,
    /// A CSV file's header row (empty for JSON lines).
    pub headers: Vec<String>,
}

/// Reads the file of `scope` from the disk.
pub async fn load(scope: &FileScope) -> Result<Vec<u8>, SyncError> {
    let path = std::path::Path::new(&scope.path);
    let meta = tokio::fs::metadata(path)
        .await
        .map_err(|err| SyncError::Config(format!("cannot read {}: {err}", scope.path)))?;
    if !meta.is_file() {
        return Err(SyncError::Config(format!("{} is not a file", scope.path)));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(SyncError::Config(format!(
            "{} is {} MB; Baton imports files up to {} MB",
            scope.path,
            meta.len() >> 20,
            MAX_FILE_BYTES >> 20
        )));
    }
    tokio::fs::read(path)
        .await
        .map_err(|err| SyncError::Config(format!("cannot read {}: {err}", scope.path)))
}

/// Reads `bytes` as the layout of `scope`.
pub fn read(bytes: &[u8], scope: &FileScope) -> Result<Reading, SyncError> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).map_err(
        |err| {
            SyncError::Malformed(format!(
                "{} is not UTF-8 text (byte {}); save it as UTF-8",
                scope.path,
                err.valid_up_to()
            ))
        },
    )?;
    match scope.format {
        FileFormat::BatonJsonl => Ok(read_jsonl(text)),
        FileFormat::JiraCsv | FileFormat::StatesCsv => read_csv(text, scope),
    }
}

fn read_jsonl(text: &str) -> Reading {
    let mut reading = Reading::default();
    for (n, line) in text.lines().enumerate() {
        let line_no = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        // Most lines are items: read straight into one (no tree of values built first). A line
        // that may be a header (it names `baton`, perhaps through an escape) or that does not
        // read as an item goes the long way, which says what it is and why it is refused.
        if !line.contains("baton") && !line.contains('\\') {
            if let Ok(item) = serde_json::from_str::<FileItem>(line) {
                match check_item(&item, None) {
                    Ok(()) => reading.items.push((line_no, item)),
                    Err(message) => reading.errors.push(RowError {
                        line: line_no,
                        message,
                    }),
                }
                continue;
            }
        }
        let value: serde_json::Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(err) => {
                reading.errors.push(RowError {
                    line: line_no,
                    message: format!("not JSON: {err}"),
                });
                continue;
            }
        };
        if value.get("baton").is_some() {
            match serde_json::from_value::<FileHeader>(value) {
                Ok(header) if header.baton == "items" && header.version <= 1 => {}
                Ok(header) => reading.errors.push(RowError {
                    line: line_no,
                    message: format!(
                        "a {:?} file of version {}; this Baton reads items files of version 1",
                        header.baton, header.version
                    ),
                }),
                Err(err) => reading.errors.push(RowError {
                    line: line_no,
                    message: format!("an unreadable header: {err}"),
                }),
            }
            continue;
        }
        match serde_json::from_value::<FileItem>(value) {
            Ok(item) => match check_item(&item, None) {
                Ok(()) => reading.items.push((line_no, item)),
                Err(message) => reading.errors.push(RowError {
                    line: line_no,
                    message,
                }),
            },
            Err(err) => reading.errors.push(RowError {
                line: line_no,
                message: format!("not an item: {err}"),
            }),
        }
    }
    reading
}

/// What every item needs: an id, a title, a state and readable times.
fn check_item(item: &FileItem, date_format: Option<&str>) -> Result<(), String> {
    if item.id.trim().is_empty() {
        return Err("the item has no id".into());
    }
    if item.state.trim().is_empty() {
        return Err(format!("{} has no state", item.id));
    }
    let times = [
        ("created", Some(&item.created)),
        ("updated", item.updated.as_ref()),
    ]
    .into_iter()
    .chain([("resolved", item.resolved.as_ref())])
    .chain(item.transitions.iter().map(|t| ("transition", Some(&t.at))));
    for (what, value) in times {
        if let Some(value) = value {
            if parse_date(value, date_format).is_none() {
                return Err(format!(
                    "{}: the {what} time {value:?} is not a date",
                    item.id
                ));
            }
        }
    }
    Ok(())
}

/// Milliseconds since the epoch of a date as files write them: RFC 3339, `2026-03-02 10:15[:00]`,
/// `2026-03-02`, Jira's `02/Mar/26 10:15 AM`, or `format` (chrono's) when given. Times without
/// an offset are read in UTC.
pub fn parse_date(text: &str, format: Option<&str>) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Some(format) = format {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Some(t.and_utc().timestamp_millis());
        }
        if let Ok(d) = NaiveDate::parse_from_str(text, format) {
            return d
                .and_hms_opt(0, 0, 0)
                .map(|t| t.and_utc().timestamp_millis());
        }
        return None;
    }
    if let Some(t) = parse_time(text) {
        return Some(t);
    }
    const DATE_TIMES: &[&str] = &[
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%d/%b/%y %I:%M %p",
        "%d/%b/%Y %I:%M %p",
        "%d/%b/%y %H:%M",
        "%d/%b/%Y %H:%M",
    ];
    for format in DATE_TIMES {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Some(t.and_utc().timestamp_millis());
        }
    }
    for format in ["%Y-%m-%d", "%d/%b/%y", "%d/%b/%Y", "%Y/%m/%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(text, format) {
            return d
                .and_hms_opt(0, 0, 0)
                .map(|t| t.and_utc().timestamp_millis());
        }
    }
    None
}

/// The names Jira's CSV export gives the story point fields.
const JIRA_ESTIMATE_COLUMNS: [&str; 4] = [
    "Custom field (Story Points)",
    "Custom field (Story point estimate)",
    "Story Points",
    "Story point estimate",
];

/// A cell's number: digits with a decimal point or comma (`3`, `2.5`, `2,5`), not negative.
fn number(text: &str) -> Option<f64> {
    let t = text.trim().replace(',', ".");
    t.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0)
}

/// The columns of a Jira CSV export, where a scope leaves them empty.
fn jira_defaults(c: &FileColumns) -> FileColumns {
    let or = |given: &Option<String>, default: &str| {
        Some(given.clone().unwrap_or_else(|| default.to_owned()))
    };
    FileColumns {
        id: or(&c.id, "Issue id"),
        key: or(&c.key, "Issue key"),
        title: or(&c.title, "Summary"),
        item_type: or(&c.item_type, "Issue Type"),
        team: c.team.clone(),
        state: or(&c.state, "Status"),
        created: or(&c.created, "Created"),
        updated: or(&c.updated, "Updated"),
        resolved: or(&c.resolved, "Resolved"),
        owner: or(&c.owner, "Assignee"),
        author: or(&c.author, "Reporter"),
        priority: or(&c.priority, "Priority"),
        estimate: c.estimate.clone(),
        labels: or(&c.labels, "Labels"),
        parent: or(&c.parent, "Parent id"),
        states: Vec::new(),
        date_format: c.date_format.clone(),
    }
}

/// A CSV header row: where each name is (a name may repeat: Jira's `Labels`).
struct Header {
    names: Vec<String>,
    at: HashMap<String, Vec<usize>>,
}

impl Header {
    fn new(record: &csv::StringRecord) -> Header {
        let names: Vec<String> = record.iter().map(|h| h.trim().to_owned()).collect();
        let mut at: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, name) in names.iter().enumerate() {
            at.entry(name.to_lowercase()).or_default().push(i);
        }
        Header { names, at }
    }

    fn find(&self, name: &str) -> Option<&[usize]> {
        self.at.get(&name.trim().to_lowercase()).map(Vec::as_slice)
    }

    /// The column named `name`, or an error naming the header row's columns.
    fn require(&self, name: &str, what: &str) -> Result<usize, SyncError> {
        self.find(name)
            .and_then(|at| at.first().copied())
            .ok_or_else(|| {
                SyncError::Config(format!(
                    "the file has no {name:?} column for the {what} (its columns: {})",
                    self.names.join(", ")
                ))
            })
    }

    /// The column named by an optional field, checked when given.
    fn optional(&self, name: &Option<String>, what: &str) -> Result<Option<usize>, SyncError> {
        name.as_deref().map(|n| self.require(n, what)).transpose()
    }
}

/// Where each field is in the rows of a CSV file.
struct Layout {
    id: usize,
    key: Option<usize>,
    title: Option<usize>,
    kind: Option<usize>,
    team: Option<usize>,
    state: Option<usize>,
    created: Option<usize>,
    updated: Option<usize>,
    resolved: Option<usize>,
    owner: Option<usize>,
    author: Option<usize>,
    priority: Option<usize>,
    estimate: Option<usize>,
    labels: Vec<usize>,
    components: Vec<usize>,
    parent: Option<usize>,
    states: Vec<(String, usize)>,
    /// Jira's `Status Category`.
    category: Option<usize>,
    /// Jira's `Outward issue link (Blocks)` columns: (kind, column).
    outward: Vec<(String, usize)>,
}

fn layout(header: &Header, format: FileFormat, given: &FileColumns) -> Result<Layout, SyncError> {
    let jira = format == FileFormat::JiraCsv;
    let category = if jira {
        header
            .find("Status Category")
            .and_then(|a| a.first().copied())
    } else {
        None
    };
    let columns = if jira {
        jira_defaults(given)
    } else {
        given.clone()
    };
    let id_name = columns
        .id
        .clone()
        .ok_or_else(|| SyncError::Config("choose the column that holds each item's id".into()))?;
    // The columns of Jira's export that a person did not name are skipped when the export
    // leaves them out; a column a person named must exist.
    let soft = |name: &Option<String>, what: &str| -> Result<Option<usize>, SyncError> {
        if jira && given.field(what).is_none() {
            Ok(name
                .as_deref()
                .and_then(|n| header.find(n))
                .and_then(|a| a.first().copied()))
        } else {
            header.optional(name, what)
        }
    };
    let mut states = Vec::new();
    for name in &columns.states {
        states.push((name.clone(), header.require(name, "state dates")?));
    }
    let mut outward = Vec::new();
    if jira {
        for (i, name) in header.names.iter().enumerate() {
            let lower = name.to_lowercase();
            if let Some(rest) = lower.strip_prefix("outward issue link (") {
                let kind = rest.trim_end_matches(')').trim();
                let kind = match kind {
                    "blocks" => "blocks",
                    "duplicate" => "duplicates",
                    "cloners" | "relates" => "relates",
                    _ => "relates",
                };
                outward.push((kind.to_owned(), i));
            }
        }
    }
    Ok(Layout {
        id: header.require(&id_name, "id")?,
        key: soft(&columns.key, "key")?,
        title: soft(&columns.title, "title")?,
        kind: soft(&columns.item_type, "kind")?,
        team: soft(&columns.team, "team")?,
        state: soft(&columns.state, "state")?,
        created: soft(&columns.created, "created")?,
        updated: soft(&columns.updated, "updated")?,
        resolved: soft(&columns.resolved, "resolved")?,
        owner: soft(&columns.owner, "owner")?,
        author: soft(&columns.author, "author")?,
        priority: soft(&columns.priority, "priority")?,
        estimate: match (&columns.estimate, jira) {
            // Jira names the field after the site's custom field.
            (None, true) => JIRA_ESTIMATE_COLUMNS
                .iter()
                .find_map(|n| header.find(n).and_then(|a| a.first().copied())),
            _ => soft(&columns.estimate, "estimate")?,
        },
        labels: columns
            .labels
            .as_deref()
            .and_then(|l| header.find(l))
            .map(<[usize]>::to_vec)
            .unwrap_or_default(),
        components: if jira {
            header
                .find("Component/s")
                .map(<[usize]>::to_vec)
                .unwrap_or_default()
        } else {
            Vec::new()
        },
        parent: soft(&columns.parent, "parent")?,
        states,
        category,
        outward,
    })
}

impl FileColumns {
    /// A field by the name [`layout`] uses for it.
    fn field(&self, what: &str) -> Option<String> {
        match what {
            "key" => self.key.clone(),
            "title" => self.title.clone(),
            "kind" => self.item_type.clone(),
            "team" => self.team.clone(),
            "state" => self.state.clone(),
            "created" => self.created.clone(),
            "updated" => self.updated.clone(),
            "resolved" => self.resolved.clone(),
            "owner" => self.owner.clone(),
            "author" => self.author.clone(),
            "priority" => self.priority.clone(),
            "estimate" => self.estimate.clone(),
            "parent" => self.parent.clone(),
            _ => None,
        }
    }
}

fn read_csv(text: &str, scope: &FileScope) -> Result<Reading, SyncError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header = Header::new(
        reader
            .headers()
            .map_err(|err| SyncError::Malformed(format!("the header row is unreadable: {err}")))?,
    );
    let layout = layout(&header, scope.format, &scope.columns)?;
    let format = scope.columns.date_format.as_deref();
    let mut reading = Reading {
        headers: header.names.clone(),
        ..Reading::default()
    };
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(err) => {
                let line = err.position().map_or(0, |p| p.line());
                reading.errors.push(RowError {
                    line: u32::try_from(line).unwrap_or(u32::MAX),
                    message: format!("unreadable CSV: {err}"),
                });
                continue;
            }
        };
        let line = u32::try_from(record.position().map_or(0, |p| p.line())).unwrap_or(u32::MAX);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        match row_item(&record, &layout, scope.format, format) {
            Ok(item) => match check_item(&item, format) {
                Ok(()) => reading.items.push((line, normalise_times(item, format))),
                Err(message) => reading.errors.push(RowError { line, message }),
            },
            Err(message) => reading.errors.push(RowError { line, message }),
        }
    }
    Ok(reading)
}

/// The item with its times written as RFC 3339 (what JSON lines hold), once they are known to
/// parse.
fn normalise_times(mut item: FileItem, format: Option<&str>) -> FileItem {
    let fix = |t: &mut String| {
        if let Some(ms) = parse_date(t, format) {
            *t = iso(ms);
        }
    };
    fix(&mut item.created);
    if let Some(t) = item.updated.as_mut() {
        fix(t);
    }
    if let Some(t) = item.resolved.as_mut() {
        fix(t);
    }
    for t in &mut item.transitions {
        fix(&mut t.at);
    }
    item
}

fn cell(record: &csv::StringRecord, at: Option<usize>) -> Option<String> {
    at.and_then(|i| record.get(i))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

fn row_item(
    record: &csv::StringRecord,
    layout: &Layout,
    format: FileFormat,
    date_format: Option<&str>,
) -> Result<FileItem, String> {
    let id = cell(record, Some(layout.id)).ok_or("the id is empty")?;
    let key = cell(record, layout.key);
    let mut transitions = Vec::new();
    let mut state = cell(record, layout.state);
    let mut created = cell(record, layout.created);
    if format == FileFormat::StatesCsv {
        // Every state column with a date is a step; the steps in time order (columns' order on
        // a tie) are the item's history, the last its state now.
        let mut steps: Vec<(i64, usize, &str, String)> = Vec::new();
        for (n, (name, at)) in layout.states.iter().enumerate() {
            if let Some(value) = cell(record, Some(*at)) {
                let ms = parse_date(&value, date_format).ok_or_else(|| {
                    format!("{id}: {value:?} in the {name:?} column is not a date")
                })?;
                steps.push((ms, n, name, value));
            }
        }
        steps.sort_by_key(|s| (s.0, s.1));
        let Some(first) = steps.first() else {
            return Err(format!("{id} has no date in any state column"));
        };
        if created.is_none() {
            created = Some(first.3.clone());
        }
        let mut from: Option<String> = None;
        for (_, _, name, value) in &steps {
            transitions.push(FileTransition {
                at: value.clone(),
                kind: state_kind(),
                from: from.clone(),
                to: (*name).to_owned(),
                by: None,
            });
            from = Some((*name).to_owned());
        }
        if state.is_none() {
            state = from;
        }
    }
    let state = state.ok_or_else(|| format!("{id} has no state"))?;
    let created = created.ok_or_else(|| format!("{id} has no creation date"))?;
    let resolved = cell(record, layout.resolved);
    let many = |columns: &[usize]| -> Vec<String> {
        columns
            .iter()
            .filter_map(|i| cell(record, Some(*i)))
            .flat_map(|v| {
                v.split([',', ';'])
                    .map(|s| s.trim().to_owned())
                    .collect::<Vec<_>>()
            })
            .filter(|v| !v.is_empty())
            .collect()
    };
    let mut links: Vec<FileLink> = Vec::new();
    if let Some(parent) = cell(record, layout.parent) {
        // This item is the child: the link is written from the parent's row.
        links.push(FileLink {
            kind: "child_of".into(),
            to: parent,
        });
    }
    for (kind, at) in &layout.outward {
        if let Some(other) = cell(record, Some(*at)) {
            links.push(FileLink {
                kind: kind.clone(),
                to: other,
            });
        }
    }
    Ok(FileItem {
        title: cell(record, layout.title).unwrap_or_else(|| key.clone().unwrap_or(id.clone())),
        id,
        key,
        kind: cell(record, layout.kind),
        state,
        state_category: cell(record, layout.category),
        created,
        updated: cell(record, layout.updated),
        resolved,
        url: None,
        team: cell(record, layout.team),
        owner: cell(record, layout.owner),
        author: cell(record, layout.author),
        priority: cell(record, layout.priority),
        estimate: cell(record, layout.estimate).and_then(|v| number(&v)),
        labels: many(&layout.labels),
        components: many(&layout.components),
        provenance: None,
        agent: None,
        transitions,
        links,
    })
}

/// A file read before it is added: its columns, a guess of which is which, the first items
/// as Baton reads them, and the rows it cannot read.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FilePreview {
    pub format: FileFormat,
    /// A CSV file's columns (empty for JSON lines).
    pub headers: Vec<String>,
    /// The columns as given, with the empty ones guessed from the header row.
    pub columns: FileColumns,
    /// The first items, as they would be imported.
    pub items: Vec<PreviewItem>,
    pub items_total: u32,
    /// The first rows that cannot be read, with their line numbers.
    pub errors: Vec<RowError>,
    pub errors_total: u32,
}

/// An item of a preview.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PreviewItem {
    pub line: u32,
    pub id: String,
    pub key: String,
    pub title: String,
    pub kind: Option<String>,
    pub state: String,
    pub team: Option<String>,
    pub created: String,
    /// How many changes of state the row gives.
    pub transitions: u32,
}

/// Items and errors a preview lists.
const PREVIEW_ROWS: usize = 20;

/// Reads the file of `scope` as it would be imported; a states file that maps no column yet is
/// read through the columns guessed from its header row (and returned, for the form).
pub async fn preview(scope: &FileScope) -> Result<FilePreview, SyncError> {
    let bytes = load(scope).await?;
    preview_bytes(&bytes, scope)
}

/// [`preview`] of bytes already read.
pub fn preview_bytes(bytes: &[u8], scope: &FileScope) -> Result<FilePreview, SyncError> {
    let mut scope = scope.clone();
    let mut headers = Vec::new();
    if scope.format != FileFormat::BatonJsonl {
        let text = String::from_utf8_lossy(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let header = reader
            .headers()
            .map_err(|err| SyncError::Malformed(format!("the header row is unreadable: {err}")))?
            .clone();
        headers = header.iter().map(|h| h.trim().to_owned()).collect();
        // Jira's export has its own column names (the import takes the same defaults). A
        // states file's columns are guessed while none is mapped (a file just chosen); once the
        // person (or the command line) maps some, the preview reads that mapping as it is, as
        // the import will: a column left empty stays empty.
        if scope.format == FileFormat::JiraCsv || maps_nothing(&scope.columns) {
            let sample: Vec<csv::StringRecord> = reader.records().take(200).flatten().collect();
            *scope.columns = guess(&headers, &sample, scope.format, &scope.columns);
        }
    }
    let reading = if scope.format == FileFormat::StatesCsv && scope.columns.states.is_empty() {
        Reading {
            errors: vec![RowError {
                line: 1,
                message: "no column holds dates: choose the state columns".into(),
            }],
            ..Reading::default()
        }
    } else {
        read(bytes, &scope)?
    };
    Ok(FilePreview {
        format: scope.format,
        headers,
        items: reading
            .items
            .iter()
            .take(PREVIEW_ROWS)
            .map(|(line, item)| PreviewItem {
                line: *line,
                id: item.id.clone(),
                key: item.key.clone().unwrap_or_else(|| item.id.clone()),
                title: item.title.clone(),
                kind: item.kind.clone(),
                state: item.state.clone(),
                team: item.team.clone(),
                created: item.created.clone(),
                transitions: item.transitions.len() as u32,
            })
            .collect(),
        items_total: reading.items.len() as u32,
        errors_total: reading.errors.len() as u32,
        errors: reading.errors.into_iter().take(PREVIEW_ROWS).collect(),
        columns: *scope.columns,
    })
}

/// True when no column is mapped yet (a date format alone maps none).
fn maps_nothing(c: &FileColumns) -> bool {
    [
        &c.id,
        &c.key,
        &c.title,
        &c.item_type,
        &c.team,
        &c.state,
        &c.created,
        &c.updated,
        &c.resolved,
        &c.owner,
        &c.author,
        &c.priority,
        &c.estimate,
        &c.labels,
        &c.parent,
    ]
    .iter()
    .all(|c| c.is_none())
        && c.states.is_empty()
}

/// The columns of a CSV file, as given, with the empty ones guessed: by name (`id`, `key`,
/// `title`/`summary`/`name`, `type`/`kind`, `team`, `status`/`state`, `created`…), and for a
/// states file, the columns whose cells are dates, in the file's order.
fn guess(
    headers: &[String],
    sample: &[csv::StringRecord],
    format: FileFormat,
    given: &FileColumns,
) -> FileColumns {
    if format == FileFormat::JiraCsv {
        return jira_defaults(given);
    }
    let find = |names: &[&str]| -> Option<String> {
        names
            .iter()
            .find_map(|n| headers.iter().find(|h| h.eq_ignore_ascii_case(n)).cloned())
    };
    let pick = |given: &Option<String>, names: &[&str]| given.clone().or_else(|| find(names));
    let mut columns = FileColumns {
        id: pick(
            &given.id,
            &["id", "item id", "issue id", "key", "issue key", "#"],
        ),
        key: pick(&given.key, &["key", "issue key"]),
        title: pick(&given.title, &["title", "summary", "name"]),
        item_type: pick(
            &given.item_type,
            &["kind", "type", "issue type", "work item type"],
        ),
        team: pick(&given.team, &["team", "squad"]),
        state: given.state.clone(),
        created: given.created.clone(),
        updated: pick(&given.updated, &["updated"]),
        resolved: given.resolved.clone(),
        owner: pick(&given.owner, &["owner", "assignee"]),
        author: pick(&given.author, &["author", "reporter", "creator"]),
        priority: pick(&given.priority, &["priority"]),
        estimate: pick(
            &given.estimate,
            &[
                "estimate",
                "story points",
                "story point estimate",
                "points",
                "weight",
            ],
        ),
        labels: pick(&given.labels, &["labels", "tags"]),
        parent: pick(&given.parent, &["parent", "parent id", "epic"]),
        states: given.states.clone(),
        date_format: given.date_format.clone(),
    };
    if columns.key == columns.id {
        columns.key = None;
    }
    if columns.states.is_empty() {
        let named: Vec<&Option<String>> = vec![
            &columns.id,
            &columns.key,
            &columns.title,
            &columns.item_type,
            &columns.team,
            &columns.updated,
            &columns.owner,
            &columns.author,
            &columns.priority,
            &columns.estimate,
            &columns.labels,
            &columns.parent,
        ];
        let format = given.date_format.as_deref();
        columns.states = headers
            .iter()
            .enumerate()
            .filter(|(_, h)| !named.iter().any(|n| n.as_deref() == Some(h.as_str())))
            .filter(|(i, _)| {
                let cells: Vec<&str> = sample
                    .iter()
                    .filter_map(|r| r.get(*i))
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .collect();
                !cells.is_empty()
                    && cells
                        .iter()
                        .filter(|c| parse_date(c, format).is_some())
                        .count()
                        * 10
                        >= cells.len() * 9
            })
            .map(|(_, h)| h.clone())
            .collect();
    }
    columns
}
