//! GitHub (github.com and Enterprise Server): issues, pull requests, reviews, issue events,
//! dependencies and sub-issues, per repository.
//!
//! Streams (cursor names) per repository `owner/repo`:
//! - `issues:owner/repo`: `GET /repos/{o}/{r}/issues?state=all&since=…&sort=updated&direction=asc`
//!   following `Link: rel="next"` verbatim; pull requests in it are skipped (the pulls stream owns
//!   them). For each issue whose `issue_dependencies_summary` / `sub_issues_summary` counts
//!   edges, `…/dependencies/blocked_by`, `…/dependencies/blocking` and `…/sub_issues` are read.
//! - `pulls:owner/repo`: `GET /repos/{o}/{r}/pulls?state=all&sort=updated&direction=desc`, stopping
//!   at the first pull request older than the watermark (minus the overlap); reviews of each.
//! - `events:owner/repo`: `GET /repos/{o}/{r}/issues/events`, newest first, stopping likewise.
//!
//! - `deployments:owner/repo`: the deployments of waiting workflow runs that wait for a required
//!   reviewer (`actions/runs?status=waiting`, then each run's `pending_deployments`), a snapshot
//!   written when it differs from what is stored ([`deployments`]).
//!
//! - `files:owner/repo` (with `change_files`, the default): after the streams, the files of each
//!   pull request updated since its files were last read (`GET /repos/{o}/{r}/pulls/{n}/files`,
//!   at most 3,000), 25 pull requests a write (a quarter of the page size), so an interrupted run resumes where it stopped;
//!   then the repository's `CODEOWNERS` (contents API, the first of `.github/CODEOWNERS`,
//!   `CODEOWNERS`, `docs/CODEOWNERS`), read again after a push ([`files`]).
//!
//! The first page of a walk is a conditional request when its URL is the one whose `ETag` was
//! saved: a 304 ends the stream without writing anything. A walk's watermark advances only when
//! its last page is committed; in between, the next URL is saved so a crash resumes mid-walk.
//! A walk that reads every page (`/issues`; the others without a watermark) asks for its next
//! page while the current one is mapped and written. Up to `pages_per_write` mapped pages go in
//! one write, with the cursor after the last ([`Held`]; a walk's first page alone, pages that
//! overlap apart).
//!
//! Requests go only to the API root's origin: a next link elsewhere stops the run with
//! `foreign_origin` before the page is committed (so it is never saved in a cursor), and a
//! saved next URL elsewhere (written by an older version) starts the walk afresh.
//!
//! Each repository is first looked up (`GET /repos/{o}/{r}`, or listed with its organisation)
//! for its numeric id: items are keyed by it, so a renamed or transferred repository keeps its
//! items; its streams' cursors follow it to its new name ([`adopt`]). A repository or stream
//! that fails for good (404, 410, 451, 403 access removed, 422 "pagination is limited") keeps
//! the error and the run goes on with the others. A 422 pagination limit on `/issues` restarts
//! the walk from the newest update it reached (a narrower `since`); on the newest-first streams
//! it ends the walk where GitHub stops, recording that older records were not read.

mod connector;
pub mod deployments;
pub mod files;
pub mod graphql;
pub mod lifecycle;
pub mod map;
pub mod model;
pub mod timeline;

pub use self::connector::{GithubConnector, GithubScope};

use reqwest::Url;
use serde_json::value::RawValue;
use tokio::task::JoinSet;

use crate::connectors::http::{endpoint, parse_json, root_of, Fetched, Http, Response};
use crate::connectors::{iso, namespace, next_watermark, parse_time, EtagMemo, Run, WalkState};
use crate::graph::model::{
    Link, LinkKind, LinkOrigin, SourceKind, Transition, TransitionKind, WorkItem,
};
use crate::graph::repo::links::{LinkSet, Side};
use crate::graph::repo::raw_records::RawRecord;
use crate::graph::repo::sync_cursors::Cursor;
use crate::ingest::error::SyncError;
use crate::ingest::write::{adopt_renamed, Adoption, PageWrite};

use self::map::{key_for, MapCtx, RepoIds, FOUND_IN_DEPENDENCIES, FOUND_IN_SUB_ISSUES};
use self::model::{Event, Issue, IssueRef, Pull, Repo, Review};

/// What the streams of a run share.
struct GithubRun {
    /// GitHub's GraphQL endpoint.
    graphql: Url,
    /// Issue lifecycles are read (GraphQL answers); off for the run after it refused.
    issue_lifecycles: bool,
    /// Projects statuses are asked for; off for the run once the token is refused them.
    projects: bool,
}

/// What the streams of one repository share in a run.
#[derive(Debug, Clone, Copy, Default)]
struct RepoSync {
    /// Every page of issues got its lifecycles: they own the issues' state changes, and
    /// `/issues/events` writes none of its own.
    issue_lifecycles: bool,
}

/// github.com's API.
pub const DEFAULT_API: &str = "https://api.github.com";

/// The API root (`https://api.github.com/`, `https://ghe.example.com/api/v3/`), with a trailing
/// slash so endpoints join under it.
pub fn api_root(base_url: &str) -> Result<Url, SyncError> {
    let base = if base_url.trim().is_empty() {
        DEFAULT_API
    } else {
        base_url.trim()
    };
    root_of(base)
}

fn parse_page(response: &crate::connectors::http::Response) -> Result<Vec<Box<RawValue>>, String> {
    parse_json::<Vec<Box<RawValue>>>(response)
}

/// The most pages read of one small list (dependencies, sub-issues, reviews, repositories):
/// a server whose next links never end cannot keep a sync going forever.
const MAX_LIST_PAGES: u32 = 1_000;

/// Every page of a list endpoint, parsed.
async fn fetch_all<T: serde::de::DeserializeOwned>(
    http: &Http,
    first: Url,
) -> Result<Vec<T>, SyncError> {
    let mut out = Vec::new();
    let mut url = Some(first);
    let mut pages = 0;
    while let Some(at) = url.take() {
        let (items, response) = http.get_json::<Vec<T>>(&at).await?;
        out.extend(items);
        pages += 1;
        url = http.next_page(&response)?;
        if pages >= MAX_LIST_PAGES && url.is_some() {
            tracing::warn!(url = %crate::connectors::http::safe_url(&at), "a list kept going; read its first {MAX_LIST_PAGES} pages");
            url = None;
        }
    }
    Ok(out)
}

/// Syncs every repository of the source. A repository that cannot be read (not found, access
/// removed) or a stream that fails for good keeps its error; the others go on.
pub async fn sync(run: &mut Run<'_>, scope: &GithubScope) -> Result<(), SyncError> {
    let root = api_root(&run.source.base_url)?;
    run.http.bind_origin(&root)?;
    let ns = namespace(SourceKind::Github, &run.source.base_url);
    let mut repos: Vec<(Option<String>, Repo)> = Vec::new();
    if scope.repos.is_empty() {
        let listed = list_org_repos(&run.http, &root, scope.org.as_deref().unwrap_or("")).await?;
        repos.extend(listed.into_iter().map(|r| (None, r)));
    } else {
        for name in &scope.repos {
            run.check_cancel()?;
            let url = endpoint(&root, &format!("repos/{name}"), &[])?;
            match run.http.get_json::<Repo>(&url).await {
                Ok((repo, _)) => repos.push((Some(name.clone()), repo)),
                Err(err) => run.stream_failed(&format!("repo:{name}"), err).await?,
            }
        }
    }
    lifecycle::seed_meanings(&mut run.states);
    let mut gh = GithubRun {
        graphql: graphql::endpoint(&root)?,
        issue_lifecycles: run.options.timelines,
        projects: true,
    };
    for (requested, repo) in &repos {
        run.check_cancel()?;
        let ids = RepoIds {
            ns: ns.clone(),
            repo_id: repo.id,
            full_name: repo.full_name.clone(),
        };
        adopt(run, &ids, requested.as_deref()).await?;
        let mut shared = RepoSync {
            issue_lifecycles: gh.issue_lifecycles,
        };
        for kind in Stream::ALL {
            match sync_stream(run, &mut gh, &mut shared, &root, &ids, kind).await {
                Ok(()) => run.stream_done(),
                Err(err) => {
                    let stream = format!("{}:{}", kind.name(), ids.full_name);
                    run.stream_failed(&stream, err).await?;
                }
            }
        }
        run.check_cancel()?;
        let stream = format!("deployments:{}", ids.full_name);
        match deployments::sync(run, &root, &ids, &stream).await {
            Ok(()) => run.stream_done(),
            Err(err) => run.stream_failed(&stream, err).await?,
        }
        if run.options.change_files {
            run.check_cancel()?;
            let stream = format!("files:{}", ids.full_name);
            match files::sync_lists(run, &root, &ids.full_name, &stream).await {
                Ok(()) => run.stream_done(),
                Err(err) => run.stream_failed(&stream, err).await?,
            }
            let stream = format!("codeowners:{}", ids.full_name);
            let now = run.clock.now_ms();
            let pushed = repo.pushed_at.as_deref().and_then(parse_time);
            match files::codeowners(run, &root, &ids.full_name, pushed, now).await {
                Ok(found) => {
                    if let Some(found) = found {
                        let mut page = PageWrite::new(&stream);
                        page.owners.push(found);
                        run.commit(page).await?;
                    }
                    run.stream_done();
                }
                Err(err) => run.stream_failed(&stream, err).await?,
            }
        }
    }
    Ok(())
}

/// The stream that remembers the name a repository (by id) had when it was last synced (in its
/// cursor's `watermark`: it walks nothing).
fn name_memo(repo_id: i64) -> String {
    format!("repo:{repo_id}")
}

/// Makes what was synced of a repository under other names its own: the items of workspaces
/// from before ids were stable (`gh:<host>/owner/repo#N`, see the migration
/// `20261204000003_jira_and_ids.sql`) take the repository's id, and the cursors of a renamed or
/// transferred repository move to its new name. The name it was synced under is remembered per
/// repository id, so this writes only when something changed.
async fn adopt(run: &mut Run<'_>, ids: &RepoIds, requested: Option<&str>) -> Result<(), SyncError> {
    let memo = run.cursor(&name_memo(ids.repo_id)).await?;
    let mut before: Vec<String> = Vec::new();
    for name in [memo.watermark.as_deref(), requested].into_iter().flatten() {
        if name != ids.full_name && !before.iter().any(|b| b == name) {
            before.push(name.to_owned());
        }
    }
    if memo.watermark.as_deref() == Some(ids.full_name.as_str()) && before.is_empty() {
        return Ok(());
    }
    let adoption = adoption(&run.source.id, ids, before);
    let renamed = adopt_renamed(run.ws, &adoption, run.clock.now_ms()).await?;
    if renamed > 0 {
        tracing::info!(repo = %ids.full_name, items = renamed, "items synced under an earlier name or id now follow the repository's id");
    }
    Ok(())
}

/// What makes the items and cursors of repository `ids`, synced under the names `before` (and
/// under its name as an id, from before ids were stable), its own ([`adopt_renamed`]).
pub(crate) fn adoption(source_id: &str, ids: &RepoIds, before: Vec<String>) -> Adoption {
    let id_prefix = format!("gh:{}/{}#", ids.ns, ids.repo_id);
    Adoption {
        source_id: source_id.to_owned(),
        item_prefixes: before
            .iter()
            .chain(std::iter::once(&ids.full_name))
            .map(|name| (format!("gh:{}/{name}#", ids.ns), id_prefix.clone()))
            .collect(),
        id_prefix,
        ref_prefix: format!("gh:{}/", ids.ns),
        old_names: before,
        current_name: ids.full_name.clone(),
        memo_stream: name_memo(ids.repo_id),
    }
}

/// The repositories of an organisation (or of a user, when the name is not an organisation).
async fn list_org_repos(http: &Http, root: &Url, org: &str) -> Result<Vec<Repo>, SyncError> {
    let query = [("per_page", "100".to_owned()), ("type", "all".to_owned())];
    let repos: Vec<Repo> =
        match fetch_all(http, endpoint(root, &format!("orgs/{org}/repos"), &query)?).await {
            Err(SyncError::NoAccess(_)) => {
                fetch_all(http, endpoint(root, &format!("users/{org}/repos"), &query)?).await?
            }
            other => other?,
        };
    Ok(repos.into_iter().filter(|r| !r.archived).collect())
}

/// Where a walk starts or resumes.
struct WalkStart {
    url: Url,
    walk: WalkState,
    resumed: bool,
    watermark: Option<i64>,
    memo: Option<EtagMemo>,
}

fn start_walk(
    http: &Http,
    cursor: &Cursor,
    fresh: impl FnOnce(Option<i64>) -> Result<(Url, Option<i64>), SyncError>,
) -> Result<WalkStart, SyncError> {
    let watermark = cursor.watermark.as_deref().and_then(parse_time);
    let memo = EtagMemo::parse(cursor.etag.as_deref());
    if let Some(walk) = WalkState::parse(cursor.page_token.as_deref()) {
        let saved = Url::parse(&walk.next).ok();
        if let Some(url) = saved.filter(|url| http.is_own(url)) {
            return Ok(WalkStart {
                url,
                walk,
                resumed: true,
                watermark,
                memo,
            });
        }
    }
    let (url, since) = fresh(watermark)?;
    Ok(WalkStart {
        url,
        walk: WalkState {
            since,
            ..WalkState::default()
        },
        resumed: false,
        watermark,
        memo,
    })
}

/// The cursor after a page: mid-walk, the next URL; at the end, the new watermark and the first
/// page's validator.
fn cursor_after(
    previous: &Cursor,
    walk: &WalkState,
    next: Option<&Url>,
    watermark: Option<i64>,
    run_started: i64,
) -> Cursor {
    match next {
        Some(next) => Cursor {
            watermark: previous.watermark.clone(),
            etag: previous.etag.clone(),
            page_token: Some(
                WalkState {
                    next: next.to_string(),
                    ..walk.clone()
                }
                .to_text(),
            ),
        },
        None => Cursor {
            watermark: next_watermark(walk.high, watermark, run_started).map(iso),
            etag: walk
                .first
                .as_ref()
                .map(EtagMemo::to_text)
                .or_else(|| previous.etag.clone()),
            page_token: None,
        },
    }
}

/// A page of a walk as fetched: its records and response, `None` on 304.
type PageAnswer = Result<Option<(Vec<Box<RawValue>>, Response)>, SyncError>;

/// Fetches one page of a walk: conditional on the first page of a fresh walk. `None` on 304.
async fn fetch_page(
    run: &Run<'_>,
    start: &WalkStart,
    url: &Url,
    first: bool,
) -> Result<Option<(Vec<Box<RawValue>>, crate::connectors::http::Response)>, SyncError> {
    let etag = start
        .memo
        .as_ref()
        .filter(|m| first && !start.resumed && m.url == url.as_str())
        .map(|m| m.etag.clone());
    match run.http.get(url, etag.as_deref(), parse_page).await? {
        Fetched::NotModified => Ok(None),
        Fetched::Fresh(values, response) => Ok(Some((values, *response))),
    }
}

fn remember_first(walk: &mut WalkState, url: &Url, response: &crate::connectors::http::Response) {
    if walk.first.is_none() {
        walk.first = response.header("etag").map(|etag| EtagMemo {
            url: url.to_string(),
            etag: etag.to_owned(),
        });
    }
}

fn raw(run: &Run<'_>, stream: &str, id: i64, payload: &RawValue, now: i64) -> RawRecord {
    RawRecord {
        source_id: run.source.id.clone(),
        stream: stream.to_owned(),
        external_id: id.to_string(),
        payload: payload.get().to_owned(),
        fetched_at: now,
    }
}

/// The three streams of a repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stream {
    /// `/issues`, oldest update first, from `since` (pull requests in it are skipped).
    Issues,
    /// `/pulls`, newest update first, until the watermark.
    Pulls,
    /// `/issues/events`, newest first, until the watermark.
    Events,
}

impl Stream {
    const ALL: [Stream; 3] = [Stream::Issues, Stream::Pulls, Stream::Events];

    fn name(self) -> &'static str {
        match self {
            Stream::Issues => "issues",
            Stream::Pulls => "pulls",
            Stream::Events => "events",
        }
    }

    /// The first page of a fresh walk that starts at `since`.
    fn first_page(
        self,
        root: &Url,
        repo: &str,
        per_page: &str,
        since: Option<i64>,
    ) -> Result<Url, SyncError> {
        let per_page = ("per_page", per_page.to_owned());
        let listed = |direction: &str| {
            vec![
                ("state", "all".to_owned()),
                ("sort", "updated".to_owned()),
                ("direction", direction.to_owned()),
                per_page.clone(),
            ]
        };
        match self {
            Stream::Issues => {
                let mut query = listed("asc");
                if let Some(since) = since {
                    query.push(("since", iso(since)));
                }
                endpoint(root, &format!("repos/{repo}/issues"), &query)
            }
            Stream::Pulls => endpoint(root, &format!("repos/{repo}/pulls"), &listed("desc")),
            Stream::Events => endpoint(
                root,
                &format!("repos/{repo}/issues/events"),
                std::slice::from_ref(&per_page),
            ),
        }
    }
}

/// List pages of a walk held to be written together (see `SyncOptions::pages_per_write`).
#[derive(Default)]
struct Held {
    page: Option<PageWrite>,
    pages: u32,
    /// Pages handed over in this walk.
    seen: u32,
}

impl Held {
    /// Hands a mapped page (with the cursor after it) over: it joins the pages held unless they
    /// overlap ([`PageWrite::overlaps`]: those held are written first); they are written
    /// together once `pages_per_write` are held, or when it is the walk's `last`. The walk's
    /// first page is written alone, so that the writer starts at once.
    async fn add(
        &mut self,
        run: &mut Run<'_>,
        page: PageWrite,
        last: bool,
    ) -> Result<(), SyncError> {
        self.seen += 1;
        let per_write = if self.seen == 1 {
            1
        } else {
            run.options.pages_per_write.max(1)
        };
        let page = match self.page.take() {
            Some(mut held) if !held.overlaps(&page) => {
                held.absorb(page);
                self.pages += 1;
                held
            }
            Some(held) => {
                run.commit(held).await?;
                self.pages = 1;
                page
            }
            None => {
                self.pages = 1;
                page
            }
        };
        if last || self.pages >= per_write {
            self.pages = 0;
            run.commit(page).await
        } else {
            self.page = Some(page);
            Ok(())
        }
    }

    /// Writes the pages held.
    async fn write(&mut self, run: &mut Run<'_>) -> Result<(), SyncError> {
        self.pages = 0;
        match self.page.take() {
            Some(page) => run.commit(page).await,
            None => Ok(()),
        }
    }
}

/// Walks one stream of a repository from its cursor (see [`walk_stream`]). Pages mapped
/// before a failure are written, as they would have been one by one.
async fn sync_stream(
    run: &mut Run<'_>,
    gh: &mut GithubRun,
    shared: &mut RepoSync,
    root: &Url,
    ids: &RepoIds,
    kind: Stream,
) -> Result<(), SyncError> {
    let mut held = Held::default();
    let walked = walk_stream(run, (gh, shared), root, ids, kind, &mut held).await;
    let written = held.write(run).await;
    walked.and(written)
}

/// Walks one stream of a repository from its cursor: each page is fetched (the first one
/// conditionally), mapped, and committed with the cursor (several pages a write, see [`Held`]),
/// until the last page, a 304, or (for the newest-first streams) the first record older than
/// where the walk started.
async fn walk_stream(
    run: &mut Run<'_>,
    (gh, shared): (&mut GithubRun, &mut RepoSync),
    root: &Url,
    ids: &RepoIds,
    kind: Stream,
    held: &mut Held,
) -> Result<(), SyncError> {
    let repo = ids.full_name.as_str();
    let stream = format!("{}:{repo}", kind.name());
    let cursor = run.cursor(&stream).await?;
    let overlap = run.options.overlap_ms();
    let per_page = run.options.page_size.to_string();
    let mut start = start_walk(&run.http, &cursor, |watermark| {
        let since = watermark.map(|w| w - overlap);
        Ok((kind.first_page(root, repo, &per_page, since)?, since))
    })?;
    let stop_at = match kind {
        Stream::Issues => None,
        Stream::Pulls | Stream::Events => start.walk.since,
    };
    let mut url = start.url.clone();
    let mut first = true;
    // A walk that reads every page (`/issues` always; the newest-first ones when there is no
    // watermark to stop at) asks for its next page while this one is mapped, its timelines and
    // lifecycles read and its write prepared: the same requests, one more in flight. A walk
    // that may stop at its watermark never asks for a page it might not need.
    let reads_every_page = match kind {
        Stream::Issues => true,
        Stream::Pulls | Stream::Events => stop_at.is_none(),
    };
    let mut ahead: JoinSet<(Url, PageAnswer)> = JoinSet::new();
    loop {
        run.check_cancel()?;
        let answer = match ahead.join_next().await {
            Some(Ok((at, answer))) if at == url => answer,
            _ => fetch_page(run, &start, &url, first).await,
        };
        let fetched = match answer {
            Err(err) if err.is_pagination_limit() && (!first || start.resumed) => match kind {
                Stream::Issues => {
                    // Oldest update first: everything up to the newest update reached was
                    // read. Walk on from there, a narrower window GitHub pages through.
                    let reached = start.walk.high;
                    if reached.is_none() || reached <= start.walk.since {
                        return Err(err);
                    }
                    tracing::info!(%stream, "GitHub limits how deep a list pages; walking on from the newest update reached");
                    url = kind.first_page(root, repo, &per_page, reached)?;
                    start.walk.since = reached;
                    first = false;
                    continue;
                }
                Stream::Pulls | Stream::Events => {
                    // Newest first: nothing older can be listed. The walk ends here (the next
                    // run starts from what it reached, not from this page) and the stream says
                    // what was not read.
                    let mut page = PageWrite::new(&stream);
                    page.cursor = Some(cursor_after(
                        &cursor,
                        &start.walk,
                        None,
                        start.watermark,
                        run.started_at,
                    ));
                    held.add(run, page, true).await?;
                    return Err(SyncError::Refused {
                        status: 422,
                        detail: format!(
                            "GitHub stops listing {} of {repo} past this page (pagination is limited), so older ones changed since the last sync were not read: {err}",
                            kind.name()
                        ),
                    });
                }
            },
            other => other?,
        };
        let Some((values, response)) = fetched else {
            tracing::debug!(%stream, "not modified");
            return Ok(());
        };
        if first && !start.resumed {
            remember_first(&mut start.walk, &url, &response);
        }
        first = false;
        let now = run.clock.now_ms();
        let mut next = run.http.next_page(&response)?;
        if let Some(at) = next.as_ref().filter(|_| reads_every_page) {
            let (http, at) = (run.http.clone(), at.clone());
            ahead.spawn(async move {
                // Not the walk's first page: never conditional (see `fetch_page`).
                let answer = match http.get(&at, None, parse_page).await {
                    Ok(Fetched::Fresh(values, response)) => Ok(Some((values, *response))),
                    Ok(Fetched::NotModified) => Ok(None),
                    Err(err) => Err(err),
                };
                (at, answer)
            });
        }
        let mut page = PageWrite::new(&stream);
        let walk = &mut start.walk;
        let reached_watermark = match kind {
            Stream::Issues => {
                issues_page(run, (gh, shared), root, ids, values, now, walk, &mut page).await?
            }
            Stream::Pulls => {
                pulls_page(run, root, ids, values, now, (walk, stop_at), &mut page).await?
            }
            Stream::Events => {
                events_page(run, *shared, ids, values, now, (walk, stop_at), &mut page)
            }
        };
        if reached_watermark {
            next = None;
        }
        page.cursor = Some(cursor_after(
            &cursor,
            &start.walk,
            next.as_ref(),
            start.watermark,
            run.started_at,
        ));
        held.add(run, page, next.is_none()).await?;
        match next {
            Some(next) => url = next,
            None => return Ok(()),
        }
    }
}

/// A record of a page, or `None` (logged) when it does not read as one.
fn read<T: serde::de::DeserializeOwned>(stream: &str, what: &str, value: &RawValue) -> Option<T> {
    serde_json::from_str(value.get())
        .map_err(|err| tracing::warn!(%stream, %err, "skipping {what} that does not read as one"))
        .ok()
}

/// Notes a record's time in the walk; false when it is older than `stop_at` (a newest-first
/// walk has then reached its watermark: everything after it is older still).
fn note(walk: &mut WalkState, stop_at: Option<i64>, at: Option<i64>) -> bool {
    if let (Some(stop), Some(at)) = (stop_at, at) {
        if at < stop {
            return false;
        }
    }
    if let Some(at) = at {
        walk.high = Some(walk.high.map_or(at, |h| h.max(at)));
    }
    true
}

/// The records of a page of a newest-first stream that are not older than the walk's stop, with
/// their JSON, noted in the walk; and whether the page reached the stop.
fn down_to_watermark<T: serde::de::DeserializeOwned>(
    stream: &str,
    what: &str,
    values: Vec<Box<RawValue>>,
    (walk, stop_at): (&mut WalkState, Option<i64>),
    time: impl Fn(&T) -> &str,
) -> (Vec<(T, Box<RawValue>)>, bool) {
    let mut reached = false;
    let mut records = Vec::with_capacity(values.len());
    for value in values {
        let Some(record) = read::<T>(stream, what, &value) else {
            continue;
        };
        if note(walk, stop_at, parse_time(time(&record))) {
            records.push((record, value));
        } else {
            reached = true;
        }
    }
    (records, reached)
}

/// Maps a page of `/issues` (but its pull requests, which the pulls stream keeps in their
/// fuller form), with each issue's dependencies and sub-issues, and the page's lifecycles
/// (Projects statuses, labels, assignment, cross-references) from one GraphQL request.
#[allow(clippy::too_many_arguments)]
async fn issues_page(
    run: &mut Run<'_>,
    (gh, shared): (&mut GithubRun, &mut RepoSync),
    root: &Url,
    ids: &RepoIds,
    values: Vec<Box<RawValue>>,
    now: i64,
    walk: &mut WalkState,
    page: &mut PageWrite,
) -> Result<bool, SyncError> {
    let mut mapped: Vec<(Issue, WorkItem)> = Vec::new();
    for value in values {
        let Some(issue) = read::<Issue>(&page.stream, "an issue", &value) else {
            continue;
        };
        note(walk, None, parse_time(&issue.updated_at));
        if issue.pull_request.is_some() {
            continue;
        }
        page.raw.push(raw(run, "issues", issue.id, &value, now));
        let mut ctx = MapCtx {
            source_id: &run.source.id,
            rules: &run.rules,
            states: &mut run.states,
            repo: ids,
        };
        let Some(item) = map::map_issue(page, &mut ctx, &issue, &ids.full_name) else {
            continue;
        };
        issue_edges(run, root, ids, &issue, &item, page).await?;
        mapped.push((issue, item));
    }
    if gh.issue_lifecycles && !mapped.is_empty() {
        match issue_lifecycles(run, gh, &ids.full_name, &mut mapped, now, page).await {
            Ok(()) => {}
            Err(err) if degrades(&err) => {
                tracing::warn!(repo = %ids.full_name, %err, "GitHub's GraphQL API did not answer: issues keep their open/closed states only, for this run");
                gh.issue_lifecycles = false;
                shared.issue_lifecycles = false;
            }
            Err(err) => return Err(err),
        }
    }
    page.items = mapped.into_iter().map(|(_, item)| item).collect();
    Ok(false)
}

/// A GraphQL failure that turns lifecycles off for the run rather than stopping it: GraphQL is
/// refused or answers nonsense. Rate limits, outages and cancels stop the run (it resumes).
fn degrades(err: &SyncError) -> bool {
    matches!(
        err,
        SyncError::NoAccess(_)
            | SyncError::Refused { .. }
            | SyncError::Malformed(_)
            | SyncError::MissingScope { .. }
    )
}

/// The lifecycles of a page of issues, from one GraphQL request (and more for timelines longer
/// than 100 entries).
async fn issue_lifecycles(
    run: &mut Run<'_>,
    gh: &mut GithubRun,
    repo: &str,
    mapped: &mut [(Issue, WorkItem)],
    now: i64,
    page: &mut PageWrite,
) -> Result<(), SyncError> {
    let numbers: Vec<i64> = mapped.iter().map(|(issue, _)| issue.number).collect();
    let mut answer = graphql::issues(&run.http, &gh.graphql, repo, &numbers, gh.projects).await?;
    if answer.projects_denied {
        tracing::warn!(%repo, "the token may not read Projects (it needs read:project, or Projects: read for a fine-grained token): issues use labels and assignment instead of Projects statuses, for this run");
        gh.projects = false;
        if answer.issues.is_empty() {
            answer = graphql::issues(&run.http, &gh.graphql, repo, &numbers, false).await?;
        }
    }
    for error in &answer.errors {
        tracing::debug!(%repo, kind = ?error.kind, message = %error.message, "GraphQL reported");
    }
    for (issue, item) in mapped.iter_mut() {
        let Some((mut node, json)) = answer.issues.remove(&issue.number) else {
            continue;
        };
        let more = node
            .timeline_items
            .page_info
            .as_ref()
            .filter(|p| p.has_next_page)
            .and_then(|p| p.end_cursor.clone());
        if more.is_some() {
            let rest =
                graphql::timeline_rest(&run.http, &gh.graphql, repo, issue.number, more).await?;
            node.timeline_items.nodes.extend(rest);
        }
        page.raw.push(RawRecord {
            source_id: run.source.id.clone(),
            stream: "issue_lifecycles".to_owned(),
            external_id: issue.id.to_string(),
            payload: json,
            fetched_at: now,
        });
        let lc =
            lifecycle::issue_lifecycle(page, &mut run.states, &run.source.id, item, issue, &node);
        apply(run, item, lc, page);
    }
    Ok(())
}

/// Puts a lifecycle on its item and page: the item's state, its history (replacing what is
/// stored), its reviews and links.
fn apply(run: &mut Run<'_>, item: &mut WorkItem, lc: lifecycle::Lifecycle, page: &mut PageWrite) {
    // Every state met gets its meaning recorded (inferred when new), not only the current one.
    for change in lc
        .changes
        .iter()
        .filter(|t| t.kind == TransitionKind::State)
    {
        run.states.resolve_for(item.kind, &change.to_state, None);
        if let Some(from) = &change.from_state {
            run.states.resolve_for(item.kind, from, None);
        }
    }
    let (flow, reason) = run.states.flow_for(item.kind, &lc.raw_state, None);
    item.raw_state = lc.raw_state;
    item.flow_state = flow;
    item.wait_reason = reason;
    page.lifecycles.push(item.id.clone());
    page.transitions.extend(lc.changes);
    page.transitions.extend(lc.reviews);
    page.links.extend(lc.links);
    page.review_requests.extend(lc.requests);
}

/// Dependencies and sub-issues of an issue whose summaries say it has some; the summaries also
/// say when it has none left, which retires stored edges.
async fn issue_edges(
    run: &Run<'_>,
    root: &Url,
    ids: &RepoIds,
    issue: &Issue,
    item: &WorkItem,
    page: &mut PageWrite,
) -> Result<(), SyncError> {
    let repo = ids.full_name.as_str();
    let base = format!("repos/{repo}/issues/{}", issue.number);
    let per_page = [("per_page", "100".to_owned())];
    let link = |from: String, to: String, kind: LinkKind| Link {
        from_item_id: from,
        to_item_id: to,
        kind,
        origin: LinkOrigin::Source,
        confidence: 1.0,
        created_at: item.updated_at,
        removed_at: None,
        found_in: Some(
            match kind {
                LinkKind::Parent => FOUND_IN_SUB_ISSUES,
                _ => FOUND_IN_DEPENDENCIES,
            }
            .to_owned(),
        ),
    };
    let other = |r: &IssueRef| ids.of_key(&key_for(&r.html_url, repo, r.number));
    let prefix = format!("gh:{}/", ids.ns);
    if let Some(summary) = issue.issue_dependencies_summary {
        for (side, total, path) in [
            (
                Side::To,
                summary.total_blocked_by,
                "dependencies/blocked_by",
            ),
            (Side::From, summary.total_blocking, "dependencies/blocking"),
        ] {
            let refs: Vec<IssueRef> = if total > 0 {
                fetch_all(
                    &run.http,
                    endpoint(root, &format!("{base}/{path}"), &per_page)?,
                )
                .await?
            } else {
                Vec::new()
            };
            let links: Vec<Link> = refs
                .iter()
                .map(|r| match side {
                    Side::To => link(other(r), item.id.clone(), LinkKind::Blocks),
                    _ => link(item.id.clone(), other(r), LinkKind::Blocks),
                })
                .collect();
            page.link_sets.push(LinkSet {
                item_id: item.id.clone(),
                kinds: vec![LinkKind::Blocks],
                side,
                other_prefix: prefix.clone(),
                keep: links
                    .iter()
                    .map(|l| (l.from_item_id.clone(), l.to_item_id.clone(), l.kind))
                    .collect(),
            });
            page.links.extend(links);
        }
    }
    if let Some(summary) = issue.sub_issues_summary {
        let refs: Vec<IssueRef> = if summary.total > 0 {
            fetch_all(
                &run.http,
                endpoint(root, &format!("{base}/sub_issues"), &per_page)?,
            )
            .await?
        } else {
            Vec::new()
        };
        let links: Vec<Link> = refs
            .iter()
            .map(|r| link(item.id.clone(), other(r), LinkKind::Parent))
            .collect();
        page.link_sets.push(LinkSet {
            item_id: item.id.clone(),
            kinds: vec![LinkKind::Parent],
            side: Side::From,
            other_prefix: prefix.clone(),
            keep: links
                .iter()
                .map(|l| (l.from_item_id.clone(), l.to_item_id.clone(), l.kind))
                .collect(),
        });
        page.links.extend(links);
    }
    Ok(())
}

/// Maps a page of `/pulls` with each pull request's lifecycle from its timeline (or, with
/// timelines off, its reviews); true once it reached the watermark.
async fn pulls_page(
    run: &mut Run<'_>,
    root: &Url,
    ids: &RepoIds,
    values: Vec<Box<RawValue>>,
    now: i64,
    (walk, stop_at): (&mut WalkState, Option<i64>),
    page: &mut PageWrite,
) -> Result<bool, SyncError> {
    let (records, reached) = down_to_watermark::<Pull>(
        &page.stream,
        "a pull request",
        values,
        (walk, stop_at),
        |pull| &pull.updated_at,
    );
    let mut pulls: Vec<(Pull, WorkItem)> = Vec::new();
    for (pull, value) in records {
        page.raw.push(raw(run, "pulls", pull.id, &value, now));
        let mut ctx = MapCtx {
            source_id: &run.source.id,
            rules: &run.rules,
            states: &mut run.states,
            repo: ids,
        };
        if let Some(item) = map::map_pull(page, &mut ctx, &pull, &ids.full_name) {
            pulls.push((pull, item));
        }
    }
    if run.options.timelines {
        let wanted: Vec<timeline::Wanted<'_>> = pulls
            .iter()
            .map(|(pull, item)| timeline::Wanted {
                key: &item.key,
                number: pull.number,
                id: pull.id,
            })
            .collect();
        let timelines = timeline::fetch(run, root, &ids.full_name, &wanted, now, page).await?;
        drop(wanted);
        for ((pull, item), events) in pulls.iter_mut().zip(timelines) {
            if let Some(events) = events {
                let lc = lifecycle::pull_lifecycle(page, &run.source.id, item, pull, &events);
                apply(run, item, lc, page);
            }
        }
    } else {
        let items: Vec<WorkItem> = pulls.iter().map(|(_, item)| item.clone()).collect();
        let reviews = fetch_reviews(run, root, &items).await?;
        for (item_id, list) in reviews {
            for (review, value) in list {
                page.raw.push(raw(run, "reviews", review.id, &value, now));
                if let Some(t) = map::map_review(page, &run.source.id, &item_id, &review) {
                    page.transitions.push(t);
                }
            }
        }
    }
    page.items = pulls.into_iter().map(|(_, item)| item).collect();
    Ok(reached)
}

type ReviewList = Vec<(Review, Box<RawValue>)>;

/// The reviews of each pull request, a few requests at a time (`review_concurrency`).
async fn fetch_reviews(
    run: &Run<'_>,
    root: &Url,
    pulls: &[WorkItem],
) -> Result<Vec<(String, ReviewList)>, SyncError> {
    let mut out = Vec::with_capacity(pulls.len());
    let mut pending = pulls.iter().enumerate();
    let mut set: JoinSet<(usize, Result<ReviewList, SyncError>)> = JoinSet::new();
    let limit = run.options.review_concurrency.max(1);
    let mut results: Vec<Option<ReviewList>> = vec![None; pulls.len()];
    loop {
        while set.len() < limit {
            let Some((i, item)) = pending.next() else {
                break;
            };
            let (repo, number) = item.key.split_once('#').unwrap_or(("", ""));
            let url = endpoint(
                root,
                &format!("repos/{repo}/pulls/{number}/reviews"),
                &[("per_page", "100".to_owned())],
            )?;
            let http = run.http.clone();
            set.spawn(async move { (i, reviews_of(&http, url).await) });
        }
        let Some(joined) = set.join_next().await else {
            break;
        };
        let (i, result) =
            joined.map_err(|err| SyncError::Config(format!("a review fetch stopped: {err}")))?;
        results[i] = Some(result?);
    }
    for (item, list) in pulls.iter().zip(results) {
        out.push((item.id.clone(), list.unwrap_or_default()));
    }
    Ok(out)
}

async fn reviews_of(http: &Http, first: Url) -> Result<ReviewList, SyncError> {
    let values: Vec<Box<RawValue>> = fetch_all(http, first).await?;
    Ok(values
        .into_iter()
        .filter_map(|value| match serde_json::from_str::<Review>(value.get()) {
            Ok(review) => Some((review, value)),
            Err(err) => {
                tracing::warn!(%err, "skipping a review that does not read as one");
                None
            }
        })
        .collect())
}

/// Maps a page of `/issues/events`; true once it reached the watermark. State changes (and
/// blocked flags) of pull requests come from their timelines, and those of issues from their
/// lifecycles when GraphQL answered: the events of those items add their labels and assignees.
fn events_page(
    run: &Run<'_>,
    shared: RepoSync,
    ids: &RepoIds,
    values: Vec<Box<RawValue>>,
    now: i64,
    (walk, stop_at): (&mut WalkState, Option<i64>),
    page: &mut PageWrite,
) -> bool {
    let (records, reached) =
        down_to_watermark::<Event>(&page.stream, "an event", values, (walk, stop_at), |event| {
            &event.created_at
        });
    let mut events = Vec::new();
    for (event, value) in records {
        page.raw.push(raw(run, "events", event.id, &value, now));
        events.push(event);
    }
    let owned = map::LifecycleOwners {
        pulls: run.options.timelines,
        issues: shared.issue_lifecycles,
    };
    let transitions: Vec<Transition> = map::map_events(page, &run.source.id, &events, ids, owned);
    page.transitions = transitions;
    reached
}

/// Checks a token and a scope without writing anything: who the token is, and what it can
/// actually read: one issue of each of up to five of the repositories (a classic token without
/// any scope reads public repositories; its scopes only explain a refusal). Returns a sentence
/// naming the account.
pub async fn test_connection(
    http: &Http,
    base_url: &str,
    scope: &GithubScope,
) -> Result<String, SyncError> {
    let root = api_root(base_url)?;
    http.bind_origin(&root)?;
    let user_url = endpoint(&root, "user", &[])?;
    let (user, response) = match http.get_json::<model::User>(&user_url).await {
        Ok(found) => found,
        Err(SyncError::NoAccess(_)) | Err(SyncError::Malformed(_)) => {
            return Err(SyncError::WrongUrl(format!(
                "{} does not answer like the GitHub API (for GitHub Enterprise use https://HOST/api/v3)",
                crate::connectors::http::safe_url(&root)
            )))
        }
        Err(err) => return Err(err),
    };
    // What a classic token's scopes say is not what it can read: without any scope it reads
    // every public repository. So the scopes only explain a refusal below.
    let scopes = response.header("x-oauth-scopes").map(str::to_owned);
    let lacks_repo = scopes
        .as_deref()
        .is_some_and(|s| !s.split(',').any(|x| x.trim() == "repo"));
    let repos: Vec<String> = if scope.repos.is_empty() {
        let org = scope.org.clone().unwrap_or_default();
        let query = [("per_page", "5".to_owned())];
        let listed: Vec<Repo> = match http
            .get_json::<Vec<Repo>>(&endpoint(&root, &format!("orgs/{org}/repos"), &query)?)
            .await
        {
            Ok((repos, _)) => repos,
            Err(SyncError::NoAccess(_)) => {
                http.get_json::<Vec<Repo>>(&endpoint(&root, &format!("users/{org}/repos"), &query)?)
                    .await
                    .map_err(|err| match err {
                        SyncError::NoAccess(_) => SyncError::NoAccess(format!(
                            "the organisation {org} was not found, or the token cannot see it"
                        )),
                        other => other,
                    })?
                    .0
            }
            Err(err) => return Err(err),
        };
        listed.into_iter().map(|r| r.full_name).take(3).collect()
    } else {
        scope.repos.iter().take(5).cloned().collect()
    };
    for repo in &repos {
        let url = endpoint(
            &root,
            &format!("repos/{repo}/issues"),
            &[("per_page", "1".to_owned()), ("state", "all".to_owned())],
        )?;
        http.get_json::<serde_json::Value>(&url)
            .await
            .map_err(|err| match err {
                SyncError::NoAccess(_) if lacks_repo => SyncError::MissingScope {
                    needed: Some("repo (for private repositories)".into()),
                    detail: format!(
                        "the repository {repo} was not found: it does not exist, or it is private and the token's scopes [{}] do not include repo",
                        scopes.as_deref().unwrap_or("")
                    ),
                },
                SyncError::NoAccess(_) => SyncError::NoAccess(format!(
                    "the repository {repo} was not found, or the token cannot see it"
                )),
                SyncError::MissingScope { detail, .. } => SyncError::MissingScope {
                    needed: Some("Issues: read and Pull requests: read".into()),
                    detail: format!("{repo}: the token may not read issues ({detail})"),
                },
                other => other,
            })?;
    }
    Ok(format!(
        "signed in as {} ({} repositories checked)",
        user.login,
        repos.len()
    ))
}
