//! Connectors: one folder per kind of source (`github/`, `jira/`), each a [`Connector`] (scope,
//! authentication, rate-limit style, sync, connection test) with its client and the mapping of
//! the source's records to the work graph; [`kinds`] is the one place that maps a source's
//! [`SourceScope`] to its connector. They share [`Run`] (the run's HTTP client, rules, state
//! meanings and page writer), [`SyncOptions`] and the helpers here.
//!
//! Layering: connectors use `ingest` and `rules` below them and never `sync`, which runs them.

pub mod crossref;
pub mod file;
pub mod github;
pub mod gitlab;
pub mod http;
pub mod jira;
pub mod kinds;
pub mod linear;
pub mod link_sets;

pub use self::kinds::{syncable, Connector, SourceScope};

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::flow::mapping::{self, Meaning};
use crate::graph::model::{FlowState, ItemKind, Source, SourceKind, WorkflowMap};
use crate::graph::repo;
use crate::graph::Workspace;
use crate::ingest::clock::Clock;
use crate::ingest::error::{RunError, SyncError};
use crate::ingest::progress::ProgressEmitter;
use crate::ingest::write::{commit_prepared_page, record_stream_failure, PageWrite, RunFigures};
use crate::rules::eval::Rules;

use self::http::{Http, HttpOptions};

/// Tunables of a sync.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    pub http: HttpOptions,
    /// Items asked per page (`per_page`, `maxResults`).
    pub page_size: u32,
    /// How far before the watermark an incremental walk starts again, so that nothing changed
    /// around it (clock skew, minute-precision JQL) is missed. Re-fetched items are idempotent.
    pub overlap: Duration,
    /// Timelines (or review lists) fetched at once for a page of pull requests.
    pub review_concurrency: usize,
    /// Read lifecycles: GitHub pull request timelines (in place of their review lists) and
    /// issues' Projects statuses, labels and cross-references (GraphQL). Off, pull requests
    /// get their reviews and the repository's events only (the benchmark compares both).
    pub timelines: bool,
    /// Read what changes touch: the files of each pull request changed since the last sync
    /// (`/pulls/{n}/files`) and each repository's `CODEOWNERS` (GitHub), the changes of each
    /// merge request (GitLab).
    pub change_files: bool,
    /// List pages of a GitHub stream (issues, pull requests with their timelines, events)
    /// written in one transaction, when none writes an item another names (see
    /// `PageWrite::overlaps`): a write's fixed cost (its statements, its commit, the pages of
    /// the tables' upper levels it rewrites in the log) is paid once for them, and the rows of
    /// many pages land on the same pages of each table and index, which the log then holds once
    /// (their keys are spread over the whole table: the more rows a write has, the fewer pages
    /// it rewrites per row). A walk's first page is written alone. At least 1. 16 pages are
    /// 1,600 issues or pull requests with their timelines: a write of a few tenths of a second.
    pub pages_per_write: u32,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            http: HttpOptions::default(),
            page_size: 100,
            overlap: Duration::from_secs(5 * 60),
            review_concurrency: 4,
            timelines: true,
            change_files: true,
            pages_per_write: 16,
        }
    }
}

impl SyncOptions {
    /// The overlap in milliseconds.
    pub fn overlap_ms(&self) -> i64 {
        self.overlap.as_millis() as i64
    }
}

/// Parses the times sources send: RFC 3339 (`2021-03-28T08:08:12Z`) and Jira's
/// `2021-03-28T16:06:08.713+0800`. Milliseconds since the epoch.
pub fn parse_time(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.timestamp_millis());
    }
    DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z")
        .ok()
        .map(|t| t.timestamp_millis())
}

/// A `YYYY-MM-DD` date a source gives for a target or due day (Linear's `targetDate`, GitLab's
/// `due_date`), as the end of that day in UTC.
pub fn end_of_day(date: Option<&str>) -> Option<i64> {
    let date = chrono::NaiveDate::parse_from_str(date?.trim(), "%Y-%m-%d").ok()?;
    date.and_hms_opt(23, 59, 59)
        .map(|t| t.and_utc().timestamp_millis())
}

/// The namespace of a source's item ids and keys: the host of its URL, lower case, without port
/// (`acme.atlassian.net`, `ghe.acme.com`), and `github.com` for github.com's API (an empty URL
/// or `api.github.com`). Item ids are `<prefix>:<namespace>/<the source's stable id>`, so two
/// sites never share an id, and two sources of one site (two Jira sources of different
/// projects) name the same issue alike. The migration `20261204000003_jira_and_ids.sql`
/// computes the same namespace in SQL.
pub fn namespace(kind: SourceKind, base_url: &str) -> String {
    let text = base_url.trim();
    let host = reqwest::Url::parse(text)
        .ok()
        .and_then(|url| url.host_str().map(str::to_lowercase))
        .unwrap_or_default();
    match kind {
        SourceKind::Github if host.is_empty() || host == "api.github.com" => "github.com".into(),
        _ => host,
    }
}

/// Milliseconds as `2026-03-02T10:15:00Z` (what GitHub's `since` takes).
pub fn iso(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// (scope, kind or every kind, raw state): what a [`StateMeanings`] entry is for.
type StateKey = (String, Option<ItemKind>, String);

/// What each raw state of the source means, from `workflow_maps`, inferred (and recorded for
/// the page writer) the first time a state is met. Mappings of every team only. A kind of item
/// may have its own meaning of a state (an open pull request waits for review, an open issue is
/// not started), which wins over the meaning of every kind; a Jira project may have its own
/// meaning of a status name (`scope`, '' for every project).
#[derive(Debug, Clone, Default)]
pub struct StateMeanings {
    source_id: String,
    /// (scope, kind or every kind, raw state) → (meaning, set by a person).
    known: HashMap<StateKey, (Option<Meaning>, bool)>,
    fresh: Vec<WorkflowMap>,
}

impl StateMeanings {
    /// Loads the source's mappings that apply to every team.
    pub async fn load(ws: &Workspace, source_id: &str) -> Result<StateMeanings, SyncError> {
        let known = repo::workflow_maps::list(ws.pool())
            .await?
            .into_iter()
            .filter(|m| m.source_id == source_id && m.team_id.is_empty())
            .map(|m| {
                (
                    (m.scope, m.item_kind, m.raw_state),
                    (Some((m.flow_state, m.wait_reason)), m.origin == "user"),
                )
            })
            .collect();
        Ok(StateMeanings {
            source_id: source_id.to_owned(),
            known,
            fresh: Vec::new(),
        })
    }

    /// The meaning of `raw` for every kind and project (category: the tracker's status
    /// category), inferring and recording it when new; `None` when nothing recognises it (the
    /// state stays unmapped).
    pub fn resolve(&mut self, raw: &str, category: Option<&str>) -> Option<Meaning> {
        self.resolve_in("", raw, category)
    }

    /// The meaning of `raw` in `scope` (a Jira project key, or '' for every project), inferring
    /// and recording it when new. A scope without its own row falls back to nothing: a scoped
    /// state is always inferred from its own category.
    pub fn resolve_in(
        &mut self,
        scope: &str,
        raw: &str,
        category: Option<&str>,
    ) -> Option<Meaning> {
        let key = (scope.to_owned(), None, raw.to_owned());
        if let Some((known, _)) = self.known.get(&key) {
            return *known;
        }
        let inferred = mapping::infer(raw, category);
        if let Some(meaning) = inferred {
            self.record(scope, None, raw, meaning);
        }
        self.known.insert(key, (inferred, false));
        inferred
    }

    /// The meaning of `raw` for an item of `kind`: the kind's own meaning when the map has one,
    /// else the meaning of every kind (see [`StateMeanings::resolve`]).
    pub fn resolve_for(
        &mut self,
        kind: ItemKind,
        raw: &str,
        category: Option<&str>,
    ) -> Option<Meaning> {
        if let Some((known, _)) = self.known.get(&(String::new(), Some(kind), raw.to_owned())) {
            return *known;
        }
        self.resolve(raw, category)
    }

    /// Records what a connector knows `raw` means for `kind` (`None`: every kind), unless the
    /// map already says something about it — a person's choice, or an earlier seed. A kind's
    /// own meaning is not seeded over a person's mapping of the state for every kind.
    pub fn seed(&mut self, kind: Option<ItemKind>, raw: &str, meaning: Meaning) {
        let key = (String::new(), kind, raw.to_owned());
        if self.known.contains_key(&key) {
            return;
        }
        if kind.is_some()
            && self
                .known
                .get(&(String::new(), None, raw.to_owned()))
                .is_some_and(|(_, by_person)| *by_person)
        {
            return;
        }
        self.record("", kind, raw, meaning);
        self.known.insert(key, (Some(meaning), false));
    }

    fn record(&mut self, scope: &str, kind: Option<ItemKind>, raw: &str, (flow, reason): Meaning) {
        self.fresh.push(WorkflowMap {
            source_id: self.source_id.clone(),
            team_id: String::new(),
            item_kind: kind,
            scope: scope.to_owned(),
            raw_state: raw.to_owned(),
            flow_state: flow,
            wait_reason: reason,
            origin: "inferred".into(),
        });
    }

    /// The flow state of `raw` for every kind (New when unmapped).
    pub fn flow(&mut self, raw: &str, category: Option<&str>) -> Meaning {
        self.resolve(raw, category)
            .unwrap_or((FlowState::New, None))
    }

    /// The flow state of `raw` for an item of `kind` (New when unmapped).
    pub fn flow_for(&mut self, kind: ItemKind, raw: &str, category: Option<&str>) -> Meaning {
        self.resolve_for(kind, raw, category)
            .unwrap_or((FlowState::New, None))
    }

    /// The flow state of `raw` in `scope` (New when unmapped).
    pub fn flow_in(&mut self, scope: &str, raw: &str, category: Option<&str>) -> Meaning {
        self.resolve_in(scope, raw, category)
            .unwrap_or((FlowState::New, None))
    }

    /// Mappings inferred since the last call, for the next page to write.
    pub fn take_fresh(&mut self) -> Vec<WorkflowMap> {
        std::mem::take(&mut self.fresh)
    }
}

/// A page being written while the next one is fetched.
type PendingCommit = (String, tokio::task::JoinHandle<Result<(), SyncError>>);

/// One sync run of one source, as the connectors see it.
///
/// Pages are written one at a time, in order, each in its own transaction; the write of a page
/// overlaps the fetching and mapping of the next. Dropping the run (an aborted task) aborts the
/// write in flight, which then rolls back as a whole.
pub struct Run<'a> {
    pub ws: &'a Workspace,
    pub source: &'a Source,
    pub run_id: String,
    pub http: Http,
    pub clock: Arc<dyn Clock>,
    pub rules: Rules,
    pub states: StateMeanings,
    pub options: &'a SyncOptions,
    pub figures: RunFigures,
    pub progress: &'a ProgressEmitter,
    /// When the run started (ms, on the run's clock).
    pub started_at: i64,
    /// Streams that failed for good while the run went on (see [`Run::stream_failed`]).
    pub failures: Vec<StreamFailure>,
    /// Streams walked to their end.
    pub streams_done: u32,
    /// Records the source gave that could not be imported, each saying where it is and why
    /// (a file's bad rows); the others were. The run then ends "finished with errors".
    pub skipped: Vec<String>,
    pending: Option<PendingCommit>,
    /// How the page pipeline went (see [`Pipeline`]).
    pub pipeline: Pipeline,
}

/// Where a run's time went between the connector and the page writer: how long the connector
/// waited for the previous page's write before handing over the next (the writer is the
/// bottleneck), and how long the writer had nothing to write (the connector is). Logged at the
/// end of a run (`BATON_LOG=baton_core=debug`).
#[derive(Debug, Default, Clone)]
pub struct Pipeline {
    /// Time spent in [`Run::commit`] and [`Run::flush`] waiting for a write to end.
    pub waited_for_writer: std::time::Duration,
    /// Time between the end of a page's write and the start of the next one.
    pub writer_idle: std::time::Duration,
    /// When the last write ended (set by the write itself).
    last_write_end: Arc<std::sync::Mutex<Option<std::time::Instant>>>,
}

/// A stream (one repository's issues, one Jira project) that failed for good during a run.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamFailure {
    pub stream: String,
    pub error: RunError,
}

impl Drop for Run<'_> {
    fn drop(&mut self) {
        if let Some((_, handle)) = self.pending.take() {
            handle.abort();
        }
    }
}

impl<'a> Run<'a> {
    /// A run with nothing written yet.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        ws: &'a Workspace,
        source: &'a Source,
        run_id: String,
        http: Http,
        clock: Arc<dyn Clock>,
        rules: Rules,
        states: StateMeanings,
        options: &'a SyncOptions,
        progress: &'a ProgressEmitter,
        started_at: i64,
    ) -> Run<'a> {
        Run {
            ws,
            source,
            run_id,
            http,
            clock,
            rules,
            states,
            options,
            figures: RunFigures::default(),
            progress,
            started_at,
            failures: Vec::new(),
            streams_done: 0,
            skipped: Vec::new(),
            pending: None,
            pipeline: Pipeline::default(),
        }
    }

    /// Notes that a stream was walked to its end.
    pub fn stream_done(&mut self) {
        self.streams_done += 1;
    }

    /// A stream stopped with `err`. When the error concerns only that stream and will not go
    /// away by asking again ([`SyncError::fails_for_good`]: not found, gone, access removed,
    /// a pagination limit), the stream keeps the error, its walk in progress is dropped so the
    /// next run starts it again from its watermark, and the run goes on with the other streams
    /// (it ends "finished with errors"). Any other error is returned: it stops the run.
    pub async fn stream_failed(&mut self, stream: &str, err: SyncError) -> Result<(), SyncError> {
        if !err.fails_for_good() {
            return Err(err);
        }
        self.flush().await?;
        let error = RunError::of(&err);
        tracing::warn!(%stream, code = %error.code, message = %error.message, "a stream failed for good; the other streams go on");
        let now = self.clock.now_ms();
        record_stream_failure(
            self.ws,
            &self.source.id,
            stream,
            &error.stored_code(),
            &error.message,
            now,
        )
        .await?;
        self.failures.push(StreamFailure {
            stream: stream.to_owned(),
            error,
        });
        Ok(())
    }

    /// Starts writing a page (see [`commit_prepared_page`]) with the run's figures, once the
    /// previous page is written; reports progress when it is.
    pub async fn commit(&mut self, mut page: PageWrite) -> Result<(), SyncError> {
        // The page's CPU work that needs no database is done here, while the page before is
        // still being written, rather than inside its own write.
        let prepared = crate::ingest::write::PreparedPage::of(&page);
        self.flush().await?;
        if self.http.cancel_token().is_cancelled() {
            return Err(SyncError::Canceled);
        }
        page.workflow_maps.extend(self.states.take_fresh());
        let stats = self.http.stats();
        use std::sync::atomic::Ordering::Relaxed;
        self.figures.pages += 1;
        self.figures.items += page.items.len() as i64;
        self.figures.requests = stats.requests.load(Relaxed) as i64;
        self.figures.retries = stats.retries.load(Relaxed) as i64;
        self.figures.rate_limit_waits = stats.rate_limit_waits.load(Relaxed) as i64;
        self.figures.rate_limit_wait_ms = stats.rate_limit_wait_ms.load(Relaxed) as i64;
        let now = self.clock.now_ms();
        let (ws, source_id, run_id, figures) = (
            self.ws.clone(),
            self.source.id.clone(),
            self.run_id.clone(),
            self.figures,
        );
        let stream = page.stream.clone();
        let ended = self.pipeline.last_write_end.clone();
        if let Ok(Some(end)) = ended.lock().map(|e| *e) {
            self.pipeline.writer_idle += end.elapsed();
        }
        let handle = tokio::spawn(async move {
            let written =
                commit_prepared_page(&ws, &source_id, &run_id, figures, (&page, &prepared), now)
                    .await
                    .map(|_| ());
            if let Ok(mut end) = ended.lock() {
                *end = Some(std::time::Instant::now());
            }
            written
        });
        self.pending = Some((stream, handle));
        Ok(())
    }

    /// Waits until every page handed to [`Run::commit`] is written.
    pub async fn flush(&mut self) -> Result<(), SyncError> {
        if let Some((stream, handle)) = self.pending.take() {
            let waiting = std::time::Instant::now();
            let written = handle.await;
            self.pipeline.waited_for_writer += waiting.elapsed();
            written.map_err(|err| SyncError::Config(format!("a page write stopped: {err}")))??;
            self.progress.page(&stream, &self.figures);
        }
        Ok(())
    }

    /// The source's cursor for `stream` (after every pending page is written).
    pub async fn cursor(&mut self, stream: &str) -> Result<repo::sync_cursors::Cursor, SyncError> {
        self.flush().await?;
        Ok(repo::sync_cursors::get(self.ws.pool(), &self.source.id, stream).await?)
    }

    /// Fails with `Canceled` once the run is canceled.
    pub fn check_cancel(&self) -> Result<(), SyncError> {
        if self.http.cancel_token().is_cancelled() {
            return Err(SyncError::Canceled);
        }
        Ok(())
    }
}

/// A walk through a paged stream that was interrupted: where to go on, and what it had seen.
/// Saved as JSON in `sync_cursors.page_token` after every page of an unfinished walk.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WalkState {
    /// The next page: a URL (GitHub) or a page token (Jira).
    pub next: String,
    /// The newest `updated` time seen so far in this walk (ms).
    pub high: Option<i64>,
    /// The lower bound the walk started from (ms), kept so a resumed walk uses the same one.
    pub since: Option<i64>,
    /// The first page's validator, stored with the watermark once the walk completes.
    pub first: Option<EtagMemo>,
    /// The latest watermark the walk may leave (ms): set when the source answered a record only
    /// in part (Linear's partial GraphQL errors), so that the next walk fetches it again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<i64>,
}

/// A validator for one URL: sent as `If-None-Match` when the same URL is fetched again.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EtagMemo {
    pub url: String,
    pub etag: String,
}

impl WalkState {
    /// Reads a saved walk.
    pub fn parse(text: Option<&str>) -> Option<WalkState> {
        serde_json::from_str(text?).ok()
    }

    /// As saved.
    pub fn to_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl EtagMemo {
    /// Reads a saved validator.
    pub fn parse(text: Option<&str>) -> Option<EtagMemo> {
        serde_json::from_str(text?).ok()
    }

    /// As saved.
    pub fn to_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The watermark a completed walk leaves: the newest update it saw, but never later than the
/// run's start, so that anything changed while the walk ran is fetched again next time.
pub fn next_watermark(high: Option<i64>, previous: Option<i64>, run_started: i64) -> Option<i64> {
    match high {
        Some(high) => Some(high.min(run_started).max(previous.unwrap_or(i64::MIN))),
        None => previous,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_time_formats_parse() {
        assert_eq!(
            parse_time("2021-03-28T08:06:08.713Z"),
            Some(1_616_918_768_713)
        );
        assert_eq!(
            parse_time("2021-03-28T16:06:08.713+0800"),
            Some(1_616_918_768_713),
            "Jira's offset without a colon"
        );
        assert_eq!(parse_time("soon"), None);
    }

    #[test]
    fn namespaces_are_hosts() {
        assert_eq!(namespace(SourceKind::Github, ""), "github.com");
        assert_eq!(
            namespace(SourceKind::Github, "https://api.github.com"),
            "github.com"
        );
        assert_eq!(
            namespace(SourceKind::Github, "https://GHE.acme.com:8443/api/v3"),
            "ghe.acme.com"
        );
        assert_eq!(
            namespace(SourceKind::Jira, "https://acme.atlassian.net/"),
            "acme.atlassian.net"
        );
        assert_eq!(
            namespace(SourceKind::Jira, "http://127.0.0.1:39123"),
            "127.0.0.1",
            "ports are not part of it: the tests' fake servers change port"
        );
    }

    #[test]
    fn the_watermark_never_passes_the_run_start() {
        assert_eq!(
            next_watermark(Some(500), Some(100), 400),
            Some(400),
            "changes during the walk are fetched again"
        );
        assert_eq!(next_watermark(Some(300), Some(100), 400), Some(300));
        assert_eq!(
            next_watermark(None, Some(100), 400),
            Some(100),
            "an empty walk keeps the old watermark"
        );
        assert_eq!(
            next_watermark(Some(50), Some(100), 400),
            Some(100),
            "never moves backwards"
        );
    }
}
