//! GitLab (gitlab.com and self-managed, REST v4): issues and merge requests of each project of
//! the scope, with merge requests' system notes (their history), issues' links and label and
//! state histories.
//!
//! - Projects: a group's (`GET /groups/:path/projects?include_subgroups=true&order_by=id&
//!   pagination=keyset`, archived ones left out; offset pages when keyset ones are refused or
//!   ignored) and/or the scope's paths (`GET /projects/:path`), keyed by GitLab's numeric id
//!   so a renamed or moved project keeps its items. A project that cannot be read keeps its
//!   error and the others go on.
//! - Streams (cursor names) per project `group/project`: `issues:group/project` and
//!   `merge_requests:group/project`: `GET /projects/:id/{issues|merge_requests}?scope=all&
//!   order_by=created_at&sort=asc&updated_after=…`, ordered by creation so pages do not shift
//!   while records change (a record updated during the walk is fetched again next time: the
//!   watermark never passes the run's start). `updated_after` is the watermark minus the
//!   overlap window; a first sync has none. Issues are asked for keyset pages
//!   (`pagination=keyset`, GitLab 18.3+), whose only next-page signal is `Link: rel="next"`;
//!   merge requests, and instances that ignore the request (they answer with `X-Page` /
//!   `X-Next-Page`), page by offset: `Link: rel="next"`, else `X-Next-Page`. A 405 "Keyset
//!   pagination is not yet available" starts the walk again with offset pages, remembered for
//!   the rest of the run; a refused offset past the instance's limit starts it again with
//!   keyset pages. Pages stop at an empty page or a keyset page without `rel="next"`.
//!   Every page's next URL is saved with the page, so an interrupted walk resumes where it was.
//!   The next page, with its records' lists (below), is read while the page before is mapped
//!   and written.
//! - Per merge request: `GET …/merge_requests/:iid/notes?sort=asc&order_by=created_at`, whose
//!   system notes give its lifecycle (see [`map`]). Per issue: `GET …/issues/:iid/links` and
//!   `GET …/issues/:iid/resource_label_events` (its label history, as `label` changes) and
//!   `GET …/issues/:iid/resource_state_events` (its closes and reopenings, as `state` changes),
//!   one list after the other; for either, a 404 or 403 (an instance without the endpoint)
//!   reads as none.
//!   Per merge request, also `GET …/merge_requests/:iid/resource_label_events` (its label
//!   history, as for an issue); per open one that is not a draft, `GET …/merge_requests/:iid/approvals`
//!   (whose approvals stand now, and how many its rules still want; a 404 or 403 reads as none).
//!   Read [`DETAIL_CONCURRENCY`] at a time, and only for records whose `updated_at` moved since
//!   the last sync stored them (an unchanged record keeps its stored list: see [`details`]).
//!
//! Requests go only to the instance's origin. Rate limits: `RateLimit-*` headers and a 429's
//! `Retry-After` ([`RateLimitStyle::Gitlab`](crate::connectors::http::RateLimitStyle)).

mod connector;
pub mod map;
pub mod model;

pub use self::connector::{GitlabConnector, GitlabScope, DEFAULT_URL};

use futures_util::stream::{self, StreamExt};
use reqwest::Url;
use serde_json::value::RawValue;
use tokio::task::JoinSet;

use crate::connectors::http::{endpoint, root_of, Http, Response};
use crate::connectors::link_sets::IdleSets;
use crate::connectors::{iso, namespace, next_watermark, parse_time, Run, WalkState};
use crate::graph::model::{SourceKind, Transition, TransitionKind, WorkItem};
use crate::graph::repo::raw_records::RawRecord;
use crate::graph::repo::sync_cursors::Cursor;
use crate::graph::Workspace;
use crate::ingest::error::SyncError;
use crate::ingest::write::PageWrite;

use self::map::{MapCtx, ProjectIds};
use self::model::{
    Approvals, CurrentUser, Issue, LabelEvent, LinkedIssue, MergeRequest, Note, Project, StateEvent,
};

/// Raw record streams.
pub const ISSUES_STREAM: &str = "issues";
pub const MERGE_REQUESTS_STREAM: &str = "merge_requests";
pub const NOTES_STREAM: &str = "merge_request_notes";
pub const LINKS_STREAM: &str = "issue_links";
/// An issue's `/resource_label_events` (`[]` when the instance answered 404 or 403).
pub const LABEL_EVENTS_STREAM: &str = "issue_label_events";
/// An issue's `/resource_state_events` (`[]` when the instance answered 404 or 403).
pub const STATE_EVENTS_STREAM: &str = "issue_state_events";
/// A merge request's `/resource_label_events` (`[]` when the instance answered 404 or 403).
pub const MR_LABEL_EVENTS_STREAM: &str = "merge_request_label_events";
/// An open merge request's `/approvals` answer, stored as a one-value list (`[]` when the
/// instance answered 404).
pub const APPROVALS_STREAM: &str = "merge_request_approvals";

/// The most pages read of one small list (notes, links, a group's projects).
const MAX_LIST_PAGES: u32 = 1_000;

/// The API root (`https://gitlab.com/api/v4/`).
pub fn api_root(base_url: &str) -> Result<Url, SyncError> {
    let base = base_url.trim().trim_end_matches('/');
    let base = if base.is_empty() { DEFAULT_URL } else { base };
    let base = base.strip_suffix("/api/v4").unwrap_or(base);
    root_of(&format!("{base}/api/v4"))
}

/// A path as one URL segment (`acme%2Fapi`), as GitLab's `:id` takes it.
pub fn encode_path(path: &str) -> String {
    url::form_urlencoded::byte_serialize(path.as_bytes()).collect()
}

/// The cursor name of a project's stream.
pub fn stream_name(kind: &str, path: &str) -> String {
    format!("{kind}:{path}")
}

/// The next page: `Link: rel="next"` (checked against the origin), else `X-Next-Page` on the
/// same URL; `None` when neither says there is one.
fn next_of(http: &Http, response: &Response, url: &Url) -> Result<Option<Url>, SyncError> {
    if let Some(next) = http.next_page(response)? {
        return Ok(Some(next));
    }
    let Some(page) = response
        .header("x-next-page")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .and_then(|p| p.parse::<u64>().ok())
    else {
        return Ok(None);
    };
    let mut next = url.clone();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "page")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    next.query_pairs_mut()
        .clear()
        .extend_pairs(pairs)
        .append_pair("page", &page.to_string());
    Ok(Some(next))
}

/// Whether `url` asks for keyset pages (`pagination=keyset`).
fn asks_keyset(url: &Url) -> bool {
    url.query_pairs()
        .any(|(k, v)| k == "pagination" && v == "keyset")
}

/// Whether an answer is an offset page: GitLab's offset pagination always sends `X-Page` and
/// `X-Next-Page` (empty on the last page), its keyset pagination neither (nor `X-Total`).
fn is_offset_answer(response: &Response) -> bool {
    response.header("x-next-page").is_some() || response.header("x-page").is_some()
}

/// The next page of the list at `url` as its answer says, and whether the answer ignored a
/// keyset request (an instance that does not know keyset pages for this list answers with
/// offset pages). In keyset mode the only next-page signal is `Link: rel="next"`: no link, no
/// next page. Otherwise [`next_of`].
fn next_in(http: &Http, response: &Response, url: &Url) -> Result<(Option<Url>, bool), SyncError> {
    if !asks_keyset(url) {
        return Ok((next_of(http, response, url)?, false));
    }
    if is_offset_answer(response) {
        return Ok((next_of(http, response, url)?, true));
    }
    Ok((http.next_page(response)?, false))
}

/// Why GitLab refused a page for its pagination, read from its refusal (HTTP 405 in GitLab's
/// code; a 400 with the same words is read alike).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PagingRefusal {
    /// `Keyset pagination is not yet available for this type of request`: this list, or this
    /// ordering, has no keyset pages on this instance.
    KeysetUnavailable,
    /// `Offset pagination has a maximum allowed offset of 50000 for requests that return
    /// objects of type Project. Remaining records can be retrieved using keyset pagination.`
    OffsetLimit,
}

fn paging_refusal(err: &SyncError) -> Option<PagingRefusal> {
    let detail = match err {
        SyncError::Refused {
            status: 400 | 405,
            detail,
        }
        // The first GitLab versions with keyset pages refused the others with a 501.
        | SyncError::Server {
            status: 501,
            detail,
        } => detail,
        _ => return None,
    };
    let detail = detail.to_lowercase();
    if detail.contains("keyset pagination is not yet available") {
        Some(PagingRefusal::KeysetUnavailable)
    } else if detail.contains("maximum allowed offset") {
        Some(PagingRefusal::OffsetLimit)
    } else {
        None
    }
}

/// The first page of the list at `url` (the same filters and ordering), asked with keyset
/// pages or with offset pages.
fn first_page_of(url: &Url, keyset: bool) -> Url {
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !matches!(&**k, "page" | "pagination" | "cursor" | "id_after"))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut first = url.clone();
    {
        let mut query = first.query_pairs_mut();
        query.clear().extend_pairs(pairs);
        if keyset {
            query.append_pair("pagination", "keyset");
        }
    }
    first
}

/// Where a walk of a list goes on after GitLab refused `url` for its pagination: the first
/// page with offset pages when keyset pages are unavailable, the first page with keyset pages
/// when offset pages went past the instance's limit; `None` when the refusal is not one of
/// these (or does not fit how `url` asked).
fn restart_after(err: &SyncError, url: &Url) -> Option<(Url, bool)> {
    match (paging_refusal(err)?, asks_keyset(url)) {
        (PagingRefusal::KeysetUnavailable, true) => Some((first_page_of(url, false), false)),
        (PagingRefusal::OffsetLimit, false) => Some((first_page_of(url, true), true)),
        _ => None,
    }
}

/// How many times one walk may start again for a pagination refusal (keyset → offset →
/// keyset is the most that makes sense).
const MAX_PAGING_RESTARTS: u32 = 2;

/// The list endpoints Baton asks keyset pages of: a group's projects (`order_by=id`, the
/// ordering GitLab documents keyset pages for on projects lists) and a project's issues
/// (`order_by=created_at`, keyset since GitLab 18.3). Merge requests are not asked: GitLab
/// documents no keyset pages for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Listing {
    GroupProjects,
    Issues,
}

/// The listings whose keyset pages this run found unavailable (refused with a 405, or answered
/// with offset pages): asked with offset pages for the rest of the run, so that a group of many
/// projects spends at most one refusal per listing, not one per project or page.
#[derive(Debug, Default)]
struct Paging {
    offset_only: std::collections::HashSet<Listing>,
}

impl Paging {
    fn keyset(&self, listing: Listing) -> bool {
        !self.offset_only.contains(&listing)
    }

    fn offset_from_now(&mut self, listing: Listing, why: &str) {
        if self.offset_only.insert(listing) {
            tracing::debug!(
                ?listing,
                why,
                "GitLab gives no keyset pages here; offset pages for the rest of the run"
            );
        }
    }

    fn keyset_from_now(&mut self, listing: Listing) {
        self.offset_only.remove(&listing);
    }

    /// Where a walk of `listing` at `url` starts again after `err` ([`restart_after`]), with the
    /// mode it now asks for remembered for the rest of the run and the restart counted in
    /// `restarts`; `None` when `err` is not a pagination refusal that fits, or the walk already
    /// started again [`MAX_PAGING_RESTARTS`] times.
    fn restart(
        &mut self,
        listing: Option<Listing>,
        err: &SyncError,
        url: &Url,
        restarts: &mut u32,
    ) -> Option<(Url, bool)> {
        if *restarts >= MAX_PAGING_RESTARTS {
            return None;
        }
        let (again, keyset) = restart_after(err, url)?;
        *restarts += 1;
        if let Some(listing) = listing {
            if keyset {
                self.keyset_from_now(listing);
            } else {
                self.offset_from_now(listing, "refused (405)");
            }
        }
        Some((again, keyset))
    }
}

/// Every page of a small list.
async fn fetch_all<T: serde::de::DeserializeOwned>(
    http: &Http,
    first: Url,
) -> Result<Vec<T>, SyncError> {
    let mut out = Vec::new();
    let mut url = Some(first);
    let mut pages = 0;
    while let Some(at) = url.take() {
        let (items, response) = http.get_json::<Vec<T>>(&at).await?;
        let empty = items.is_empty();
        out.extend(items);
        pages += 1;
        url = if empty {
            None
        } else {
            next_in(http, &response, &at)?.0
        };
        if pages >= MAX_LIST_PAGES && url.is_some() {
            tracing::warn!(url = %crate::connectors::http::safe_url(&at), "a list kept going; read its first {MAX_LIST_PAGES} pages");
            url = None;
        }
    }
    Ok(out)
}

/// Per-record lists (a merge request's notes, an issue's links) read at once. GitLab.com
/// allows an authenticated user 2,000 API requests a minute (about 33 a second): at a typical
/// 100-250 ms a request, 8 in flight stay near that rate, and the client holds every request
/// when `RateLimit-Remaining` runs low or a 429 says to wait
/// ([`RateLimitStyle::Gitlab`](crate::connectors::http::RateLimitStyle)). Self-managed
/// instances have no limit unless their admins set one.
pub const DETAIL_CONCURRENCY: usize = 8;

/// How a per-record list is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Every page of a list.
    List,
    /// Every page of a list; none when the instance answers 404 or 403 (see [`readable`]).
    ListIfReadable,
    /// One object as a one-value list (see [`fetch_one`]).
    Object,
}

impl Shape {
    fn of(detail_stream: &str) -> Shape {
        match detail_stream {
            APPROVALS_STREAM => Shape::Object,
            LABEL_EVENTS_STREAM | MR_LABEL_EVENTS_STREAM | STATE_EVENTS_STREAM => {
                Shape::ListIfReadable
            }
            _ => Shape::List,
        }
    }
}

/// A list as read, or none when the instance answers 404 or 403: an endpoint older instances
/// lack (label events came in GitLab 11.3, state events in 13.2) or one the token may not
/// read. The record still syncs, without what that list would say.
fn readable(read: Result<Vec<Box<RawValue>>, SyncError>) -> Result<Vec<Box<RawValue>>, SyncError> {
    match read {
        Err(SyncError::NoAccess(why)) | Err(SyncError::MissingScope { detail: why, .. }) => {
            tracing::debug!(%why, "a per-record list cannot be read; it says nothing");
            Ok(Vec::new())
        }
        other => other,
    }
}

/// One object read as a one-value list (a merge request's `/approvals`); none when the instance
/// answers 404 or 403 (a GitLab without the endpoint, approvals not licensed, or a token that may
/// not see them): the notes then say what they say alone, and the merge request still syncs.
async fn fetch_one(http: &Http, url: Url) -> Result<Vec<Box<RawValue>>, SyncError> {
    match http.get_json::<Box<RawValue>>(&url).await {
        Ok((value, _)) => Ok(vec![value]),
        Err(SyncError::NoAccess(why)) | Err(SyncError::MissingScope { detail: why, .. }) => {
            tracing::debug!(%why, "no approvals answer; the notes alone say who approved");
            Ok(Vec::new())
        }
        Err(err) => Err(err),
    }
}

/// Every page of each list (or each one object), `concurrency` at a time, in order.
async fn fetch_each(
    http: &Http,
    urls: Vec<Url>,
    concurrency: usize,
    shape: Shape,
) -> Vec<Result<Vec<Box<RawValue>>, SyncError>> {
    stream::iter(urls)
        .map(|url| async move {
            match shape {
                Shape::Object => fetch_one(http, url).await,
                Shape::List => fetch_all::<Box<RawValue>>(http, url).await,
                Shape::ListIfReadable => readable(fetch_all::<Box<RawValue>>(http, url).await),
            }
        })
        .buffered(concurrency)
        .collect()
        .await
}

/// A record's update time, as stored with its raw record.
#[derive(serde::Deserialize)]
struct Stamp {
    #[serde(default)]
    updated_at: String,
}

/// One record's per-record list: read now, or the one stored by an earlier sync.
enum Detail {
    Fetched(Vec<Box<RawValue>>),
    Stored(Vec<Box<RawValue>>),
}

impl Detail {
    fn values(&self) -> &[Box<RawValue>] {
        match self {
            Detail::Fetched(v) | Detail::Stored(v) => v,
        }
    }
}

/// The per-record list (`detail_stream`) of each record of a page, given as (GitLab id,
/// `updated_at`, URL of its list). A record whose `updated_at` is the one stored by an earlier
/// sync (in `main_stream`) keeps its stored list: what these lists hold cannot change without
/// moving the record's `updated_at` (GitLab adds a system note to the record for every
/// approval, review request, state change and issue link, on both issues of a link, and a note
/// touches its record, and so does adding or removing a label, closing or reopening). The
/// others are read, [`DETAIL_CONCURRENCY`] at a time (one object each when `detail_stream` is
/// [`APPROVALS_STREAM`]).
async fn details(
    (ws, source, http): (&Workspace, &str, &Http),
    main_stream: &str,
    detail_stream: &str,
    records: Vec<(i64, &str, Url)>,
) -> Result<Vec<Detail>, SyncError> {
    let ids: Vec<String> = records.iter().map(|(id, _, _)| id.to_string()).collect();
    let pool = ws.pool();
    let stamps: std::collections::HashMap<String, String> =
        crate::graph::repo::raw_records::get_many(pool, source, main_stream, &ids)
            .await?
            .into_iter()
            .filter_map(|(id, json)| {
                Some((id, serde_json::from_str::<Stamp>(&json).ok()?.updated_at))
            })
            .collect();
    let unchanged: Vec<String> = records
        .iter()
        .filter(|(id, updated, _)| {
            !updated.is_empty() && stamps.get(&id.to_string()).map(String::as_str) == Some(*updated)
        })
        .map(|(id, _, _)| id.to_string())
        .collect();
    let mut stored: std::collections::HashMap<String, Vec<Box<RawValue>>> =
        crate::graph::repo::raw_records::get_many(pool, source, detail_stream, &unchanged)
            .await?
            .into_iter()
            .filter_map(|(id, json)| Some((id, serde_json::from_str(&json).ok()?)))
            .collect();
    let mut wanted = Vec::new();
    let mut out: Vec<Option<Detail>> = Vec::with_capacity(records.len());
    for (id, _, url) in records {
        match stored.remove(&id.to_string()) {
            Some(values) => out.push(Some(Detail::Stored(values))),
            None => {
                wanted.push(url);
                out.push(None);
            }
        }
    }
    let kept = out.len() - wanted.len();
    if kept > 0 {
        tracing::debug!(%detail_stream, kept, read = wanted.len(), "unchanged records keep their stored lists");
    }
    let mut fetched = fetch_each(http, wanted, DETAIL_CONCURRENCY, Shape::of(detail_stream))
        .await
        .into_iter();
    out.into_iter()
        .map(|slot| match slot {
            Some(detail) => Ok(detail),
            None => fetched
                .next()
                .ok_or_else(|| SyncError::Config("a per-record list went missing".into()))?
                .map(Detail::Fetched),
        })
        .collect()
}

/// Syncs every project of the source.
pub async fn sync(run: &mut Run<'_>, scope: &GitlabScope) -> Result<(), SyncError> {
    let root = api_root(&run.source.base_url)?;
    run.http.bind_origin(&root)?;
    let ns = namespace(SourceKind::Gitlab, &run.source.base_url);
    map::seed_meanings(&mut run.states);
    let mut projects: Vec<Project> = Vec::new();
    let mut paging = Paging::default();
    if let Some(group) = &scope.group {
        let url = endpoint(
            &root,
            &format!("groups/{}/projects", encode_path(group)),
            &[
                ("include_subgroups", "true".to_owned()),
                ("archived", "false".to_owned()),
                ("order_by", "id".to_owned()),
                ("sort", "asc".to_owned()),
                ("per_page", "100".to_owned()),
                ("pagination", "keyset".to_owned()),
            ],
        )?;
        match group_projects(&run.http, url, &mut paging).await {
            Ok(listed) => projects.extend(listed),
            Err(err) => run.stream_failed(&format!("group:{group}"), err).await?,
        }
    }
    for path in &scope.projects {
        run.check_cancel()?;
        let url = endpoint(&root, &format!("projects/{}", encode_path(path)), &[])?;
        match run.http.get_json::<Project>(&url).await {
            Ok((project, _)) => projects.push(project),
            Err(err) => {
                let stream = stream_name(ISSUES_STREAM, path);
                run.stream_failed(&stream, err).await?
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    projects.retain(|p| seen.insert(p.id) && p.archived != Some(true));
    for project in projects {
        let ids = ProjectIds {
            ns: ns.clone(),
            project_id: project.id,
            path: project.path_with_namespace.clone(),
        };
        for kind in [ISSUES_STREAM, MERGE_REQUESTS_STREAM] {
            run.check_cancel()?;
            match walk(run, &root, &ids, kind, &mut paging).await {
                Ok(()) => run.stream_done(),
                Err(err) => {
                    run.stream_failed(&stream_name(kind, &ids.path), err)
                        .await?
                }
            }
        }
    }
    Ok(())
}

/// A group's projects (every page), asked with keyset pages (`url` asks them) and read again
/// with offset pages when GitLab refuses those (405), or the other way round when offset pages
/// go past its limit. An instance that ignores the keyset request answers with offset pages,
/// which are followed as such.
async fn group_projects(
    http: &Http,
    first: Url,
    paging: &mut Paging,
) -> Result<Vec<Project>, SyncError> {
    let mut url = first_page_of(&first, paging.keyset(Listing::GroupProjects));
    let mut restarts = 0;
    loop {
        match fetch_all::<Project>(http, url.clone()).await {
            Ok(listed) => return Ok(listed),
            Err(err) => {
                match paging.restart(Some(Listing::GroupProjects), &err, &url, &mut restarts) {
                    Some((again, _)) => url = again,
                    None => return Err(err),
                }
            }
        }
    }
}

/// The first URL of a fresh walk (with `pagination=keyset` when `keyset`).
fn first_url(
    root: &Url,
    ids: &ProjectIds,
    kind: &str,
    page_size: u32,
    since: Option<i64>,
    keyset: bool,
) -> Result<Url, SyncError> {
    let mut query = vec![
        ("scope", "all".to_owned()),
        ("order_by", "created_at".to_owned()),
        ("sort", "asc".to_owned()),
        ("per_page", page_size.clamp(1, 100).to_string()),
    ];
    if let Some(since) = since {
        query.push(("updated_after", iso(since)));
    }
    if keyset {
        query.push(("pagination", "keyset".to_owned()));
    }
    endpoint(root, &format!("projects/{}/{kind}", ids.project_id), &query)
}

/// The listing a stream's pages come from, when Baton asks it for keyset pages.
fn listing_of(kind: &str) -> Option<Listing> {
    (kind == ISSUES_STREAM).then_some(Listing::Issues)
}

/// Walks one stream of one project from its cursor.
async fn walk(
    run: &mut Run<'_>,
    root: &Url,
    ids: &ProjectIds,
    kind: &str,
    paging: &mut Paging,
) -> Result<(), SyncError> {
    let listing = listing_of(kind);
    let stream = stream_name(kind, &ids.path);
    let cursor = run.cursor(&stream).await?;
    let watermark = cursor.watermark.as_deref().and_then(parse_time);
    let saved = WalkState::parse(cursor.page_token.as_deref()).and_then(|walk| {
        let url = Url::parse(&walk.next).ok()?;
        run.http.is_own(&url).then_some((url, walk))
    });
    let (mut url, mut walk) = match saved {
        Some(found) => found,
        None => {
            let since = watermark.map(|w| w - run.options.overlap_ms());
            let keyset = listing.is_some_and(|l| paging.keyset(l));
            (
                first_url(root, ids, kind, run.options.page_size, since, keyset)?,
                WalkState {
                    since,
                    ..WalkState::default()
                },
            )
        }
    };
    let mut pages = 0u32;
    // Link sets of issues no link names are left out of the writes (see `IdleSets`).
    let mut idle = IdleSets::new();
    // The next page, with its records' lists, is read while this one is mapped and written:
    // the same requests, a page ahead.
    let mut ahead: JoinSet<(Url, Result<ReadPage, SyncError>)> = JoinSet::new();
    let reader = PageReader {
        ws: run.ws.clone(),
        source_id: run.source.id.clone(),
        http: run.http.clone(),
        root: root.clone(),
        project_id: ids.project_id,
        kind: if kind == ISSUES_STREAM {
            ISSUES_STREAM
        } else {
            MERGE_REQUESTS_STREAM
        },
    };
    let mut restarts = 0;
    loop {
        run.check_cancel()?;
        let read = match ahead.join_next().await {
            Some(Ok((at, read))) if at == url => read,
            _ => reader.read(&url).await,
        };
        let read = match read {
            Ok(read) => read,
            // GitLab refused the page for its pagination: the walk starts again from the first
            // page of the same list (same `updated_after`), in the other mode. Pages already
            // written stay; their records come again unchanged and keep their stored lists.
            Err(err) => match paging.restart(listing, &err, &url, &mut restarts) {
                Some((again, keyset)) => {
                    tracing::debug!(%stream, keyset, "GitLab refused a page for its pagination; the walk starts again");
                    // The pages written so far land first, so that their records, listed
                    // again, find their stored lists.
                    run.flush().await?;
                    url = again;
                    continue;
                }
                None => return Err(err),
            },
        };
        if read.ignored_keyset {
            if let Some(listing) = listing {
                paging.offset_from_now(listing, "answered with offset pages");
            }
        }
        pages += 1;
        let next = read.next.clone().filter(|_| pages < 100_000);
        if let Some(at) = &next {
            let (reader, at) = (reader.clone(), at.clone());
            ahead.spawn(async move {
                let read = reader.read(&at).await;
                (at, read)
            });
        }
        let mut page = PageWrite::new(&stream);
        if kind == ISSUES_STREAM {
            issues_page(run, ids, read, &mut walk, &mut page)?;
        } else {
            merge_requests_page(run, ids, read, &mut walk, &mut page)?;
        }
        page.cursor = Some(match &next {
            Some(next) => Cursor {
                watermark: cursor.watermark.clone(),
                etag: None,
                page_token: Some(
                    WalkState {
                        next: next.to_string(),
                        ..walk.clone()
                    }
                    .to_text(),
                ),
            },
            None => Cursor {
                watermark: next_watermark(walk.high, watermark, run.started_at).map(iso),
                etag: None,
                page_token: None,
            },
        });
        idle.drop_idle(run.ws, &mut page).await?;
        run.commit(page).await?;
        match next {
            Some(next) => url = next,
            None => return Ok(()),
        }
    }
}

/// What a record of a list is known by before it is read in full.
#[derive(serde::Deserialize)]
struct RecordKey {
    id: i64,
    iid: i64,
    #[serde(default)]
    updated_at: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    draft: Option<bool>,
    #[serde(default)]
    work_in_progress: Option<bool>,
}

impl RecordKey {
    /// An open merge request that is not a draft: the ones whose approvals are read.
    fn awaits_approval(&self) -> bool {
        self.state == "opened" && !self.draft.or(self.work_in_progress).unwrap_or(false)
    }
}

/// A page of a walk as read: its records, the next page (none after an empty one), the
/// per-record list of each record that has an id (`None` for one that does not), each
/// record's label history, for a merge request page each open merge request's approvals
/// (`None` for the others), and for an issue page each issue's state history.
struct ReadPage {
    values: Vec<Box<RawValue>>,
    next: Option<Url>,
    /// Asked for keyset pages, answered with offset pages (see [`next_in`]).
    ignored_keyset: bool,
    details: Vec<Option<Detail>>,
    approvals: Vec<Option<Detail>>,
    label_events: Vec<Option<Detail>>,
    state_events: Vec<Option<Detail>>,
}

/// Reads pages of one stream of one project, with their records' lists: what a walk needs
/// that writes nothing, so the next page can be read while the walk maps the one before.
#[derive(Clone)]
struct PageReader {
    ws: Workspace,
    source_id: String,
    http: Http,
    root: Url,
    project_id: i64,
    /// [`ISSUES_STREAM`] or [`MERGE_REQUESTS_STREAM`].
    kind: &'static str,
}

impl PageReader {
    /// The URL of a record's list: an issue's links, a merge request's notes.
    fn detail_url(&self, iid: i64) -> Result<Url, SyncError> {
        if self.kind == ISSUES_STREAM {
            endpoint(
                &self.root,
                &format!("projects/{}/issues/{iid}/links", self.project_id),
                &[],
            )
        } else {
            endpoint(
                &self.root,
                &format!("projects/{}/merge_requests/{iid}/notes", self.project_id),
                &[
                    ("sort", "asc".to_owned()),
                    ("order_by", "created_at".to_owned()),
                    ("per_page", "100".to_owned()),
                ],
            )
        }
    }

    /// Each `wanted` record's list from `stream` at the URL `url` names (stored when the record
    /// did not change, else read: see [`details`]), lined up with `keys`; `None` where a key is
    /// missing or not wanted.
    async fn lists(
        &self,
        keys: &[Option<RecordKey>],
        stream: &str,
        wanted: impl Fn(&RecordKey) -> bool,
        url: impl Fn(&RecordKey) -> Result<Url, SyncError>,
    ) -> Result<Vec<Option<Detail>>, SyncError> {
        let records = keys
            .iter()
            .flatten()
            .filter(|key| wanted(key))
            .map(|key| Ok((key.id, key.updated_at.as_str(), url(key)?)))
            .collect::<Result<Vec<_>, SyncError>>()?;
        let mut found = details(
            (&self.ws, &self.source_id, &self.http),
            self.kind,
            stream,
            records,
        )
        .await?
        .into_iter();
        Ok(keys
            .iter()
            .map(|key| {
                key.as_ref()
                    .filter(|key| wanted(key))
                    .and_then(|_| found.next())
            })
            .collect())
    }

    /// The page at `url`: stored lists for records that did not change, else read (see
    /// [`details`]).
    async fn read(&self, url: &Url) -> Result<ReadPage, SyncError> {
        let (values, response) = self.http.get_json::<Vec<Box<RawValue>>>(url).await?;
        // An empty page ends the walk, whatever its headers say.
        let (next, ignored_keyset) = if values.is_empty() {
            (None, asks_keyset(url) && is_offset_answer(&response))
        } else {
            next_in(&self.http, &response, url)?
        };
        let keys: Vec<Option<RecordKey>> = values
            .iter()
            .map(|v| serde_json::from_str::<RecordKey>(v.get()).ok())
            .collect();
        let every = |_: &RecordKey| true;
        let detail_stream = if self.kind == ISSUES_STREAM {
            LINKS_STREAM
        } else {
            NOTES_STREAM
        };
        let lists = self
            .lists(&keys, detail_stream, every, |key| self.detail_url(key.iid))
            .await?;
        // Each record's label history, and an issue's state history (one list after the
        // other, so no more than DETAIL_CONCURRENCY requests are in flight).
        let events = |stream: &'static str, path: &'static str| {
            self.lists(&keys, stream, every, move |key| {
                endpoint(
                    &self.root,
                    &format!(
                        "projects/{}/{}/{}/{path}",
                        self.project_id, self.kind, key.iid
                    ),
                    &[("per_page", "100".to_owned())],
                )
            })
        };
        let (label_events, state_events) = if self.kind == ISSUES_STREAM {
            (
                events(LABEL_EVENTS_STREAM, "resource_label_events").await?,
                events(STATE_EVENTS_STREAM, "resource_state_events").await?,
            )
        } else {
            (
                events(MR_LABEL_EVENTS_STREAM, "resource_label_events").await?,
                Vec::new(),
            )
        };
        let approvals = if self.kind == MERGE_REQUESTS_STREAM {
            self.lists(&keys, APPROVALS_STREAM, RecordKey::awaits_approval, |key| {
                endpoint(
                    &self.root,
                    &format!(
                        "projects/{}/merge_requests/{}/approvals",
                        self.project_id, key.iid
                    ),
                    &[],
                )
            })
            .await?
        } else {
            Vec::new()
        };
        Ok(ReadPage {
            values,
            next,
            ignored_keyset,
            details: lists,
            approvals,
            label_events,
            state_events,
        })
    }
}

/// The list read with record `i` of a page.
fn detail_of(details: &mut [Option<Detail>], i: usize) -> Result<Detail, SyncError> {
    details
        .get_mut(i)
        .and_then(Option::take)
        .ok_or_else(|| SyncError::Config("a per-record list went missing".into()))
}

fn raw(run: &Run<'_>, stream: &str, id: i64, payload: &str, now: i64) -> RawRecord {
    RawRecord {
        source_id: run.source.id.clone(),
        stream: stream.to_owned(),
        external_id: id.to_string(),
        payload: payload.to_owned(),
        fetched_at: now,
    }
}

fn read<T: serde::de::DeserializeOwned>(what: &str, value: &RawValue) -> Option<T> {
    match serde_json::from_str(value.get()) {
        Ok(found) => Some(found),
        Err(err) => {
            tracing::warn!(%err, "skipping a {what} that does not read as one");
            None
        }
    }
}

fn note_high(walk: &mut WalkState, updated: &str) {
    if let Some(at) = parse_time(updated) {
        walk.high = Some(walk.high.map_or(at, |h| h.max(at)));
    }
}

/// Items' state changes are recomputed in full: every state met gets its meaning.
fn apply(
    run: &mut Run<'_>,
    item: &mut WorkItem,
    lc: crate::connectors::github::lifecycle::Lifecycle,
    page: &mut PageWrite,
) {
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
}

/// A record's label history (its `resource_label_events` list, read or stored) as label
/// changes of its item; entries that cannot be read are left out.
fn label_history(
    page: &mut PageWrite,
    source_id: &str,
    item_id: &str,
    labelled: &Detail,
) -> Vec<Transition> {
    let events: Vec<LabelEvent> = labelled
        .values()
        .iter()
        .filter_map(|v| read::<LabelEvent>("GitLab label event", v))
        .collect();
    map::label_changes(page, source_id, item_id, &events)
}

/// A JSON array of raw values, as stored for a list read per record.
fn join(values: &[Box<RawValue>]) -> String {
    let parts: Vec<&str> = values.iter().map(|v| v.get()).collect();
    format!("[{}]", parts.join(","))
}

fn issues_page(
    run: &mut Run<'_>,
    ids: &ProjectIds,
    read_page: ReadPage,
    walk: &mut WalkState,
    page: &mut PageWrite,
) -> Result<(), SyncError> {
    let now = run.clock.now_ms();
    let ReadPage {
        values,
        mut details,
        mut label_events,
        mut state_events,
        ..
    } = read_page;
    for (i, value) in values.iter().enumerate() {
        let Some(issue) = read::<Issue>("GitLab issue", value) else {
            continue;
        };
        // Each issue's links, label and state histories: stored ones for issues that did not
        // change, else read.
        let links = detail_of(&mut details, i)?;
        let labelled = detail_of(&mut label_events, i)?;
        let stated = detail_of(&mut state_events, i)?;
        page.raw
            .push(raw(run, ISSUES_STREAM, issue.id, value.get(), now));
        if let Detail::Fetched(values) = &links {
            page.raw
                .push(raw(run, LINKS_STREAM, issue.id, &join(values), now));
        }
        if let Detail::Fetched(values) = &labelled {
            page.raw
                .push(raw(run, LABEL_EVENTS_STREAM, issue.id, &join(values), now));
        }
        if let Detail::Fetched(values) = &stated {
            page.raw
                .push(raw(run, STATE_EVENTS_STREAM, issue.id, &join(values), now));
        }
        note_high(walk, &issue.updated_at);
        let mut ctx = MapCtx {
            source_id: &run.source.id,
            rules: &run.rules,
            states: &mut run.states,
            project: ids,
        };
        let Some((mut item, mut lc)) = map::map_issue(page, &mut ctx, &issue) else {
            continue;
        };
        lc.changes
            .extend(label_history(page, &run.source.id, &item.id, &labelled));
        let states: Vec<StateEvent> = stated
            .values()
            .iter()
            .filter_map(|v| read::<StateEvent>("GitLab state event", v))
            .collect();
        map::issue_state_changes(page, &run.source.id, &mut lc, &item.id, &states);
        apply(run, &mut item, lc, page);
        let linked: Vec<LinkedIssue> = links
            .values()
            .iter()
            .filter_map(|v| read::<LinkedIssue>("GitLab issue link", v))
            .collect();
        let (edges, set) = map::issue_links(&item, ids, &linked);
        page.links.extend(edges);
        page.link_sets.push(set);
        page.items.push(item);
    }
    Ok(())
}

fn merge_requests_page(
    run: &mut Run<'_>,
    ids: &ProjectIds,
    read_page: ReadPage,
    walk: &mut WalkState,
    page: &mut PageWrite,
) -> Result<(), SyncError> {
    let now = run.clock.now_ms();
    let ReadPage {
        values,
        mut details,
        mut approvals,
        mut label_events,
        ..
    } = read_page;
    for (i, value) in values.iter().enumerate() {
        let Some(mr) = read::<MergeRequest>("GitLab merge request", value) else {
            continue;
        };
        // An open merge request's approvals now (read with its notes, or stored with them).
        let approved = approvals.get_mut(i).and_then(Option::take);
        if let Some(Detail::Fetched(values)) = &approved {
            page.raw
                .push(raw(run, APPROVALS_STREAM, mr.id, &join(values), now));
        }
        let approved: Option<Approvals> = approved
            .as_ref()
            .and_then(|a| a.values().first())
            .and_then(|v| read::<Approvals>("GitLab approvals answer", v));
        // Each merge request's notes: stored ones for merge requests that did not change, else
        // read.
        let notes = detail_of(&mut details, i)?;
        let labelled = detail_of(&mut label_events, i)?;
        page.raw
            .push(raw(run, MERGE_REQUESTS_STREAM, mr.id, value.get(), now));
        if let Detail::Fetched(values) = &notes {
            page.raw
                .push(raw(run, NOTES_STREAM, mr.id, &join(values), now));
        }
        if let Detail::Fetched(values) = &labelled {
            page.raw
                .push(raw(run, MR_LABEL_EVENTS_STREAM, mr.id, &join(values), now));
        }
        note_high(walk, &mr.updated_at);
        let mut ctx = MapCtx {
            source_id: &run.source.id,
            rules: &run.rules,
            states: &mut run.states,
            project: ids,
        };
        let Some(mut item) = map::map_merge_request(page, &mut ctx, &mr) else {
            continue;
        };
        let notes: Vec<Note> = notes
            .values()
            .iter()
            .filter_map(|v| read::<Note>("GitLab note", v))
            .collect();
        let mut lc = map::merge_request_lifecycle(
            page,
            &run.source.id,
            &item,
            &mr,
            &notes,
            approved.as_ref(),
        );
        lc.changes
            .extend(label_history(page, &run.source.id, &item.id, &labelled));
        apply(run, &mut item, lc, page);
        page.items.push(item);
    }
    Ok(())
}

/// Checks the instance, the token and the scope without writing anything.
pub async fn test_connection(
    http: &Http,
    base_url: &str,
    scope: &GitlabScope,
) -> Result<String, SyncError> {
    let root = api_root(base_url)?;
    http.bind_origin(&root)?;
    let user = match http
        .get_json::<CurrentUser>(&endpoint(&root, "user", &[])?)
        .await
    {
        Ok((user, _)) => user,
        Err(SyncError::NoAccess(_)) | Err(SyncError::Malformed(_)) => {
            return Err(SyncError::WrongUrl(format!(
                "{} does not answer like the GitLab API (use the instance's address, like https://gitlab.com or https://gitlab.acme.com)",
                crate::connectors::http::safe_url(&root)
            )))
        }
        Err(err) => return Err(err),
    };
    let mut checked = 0;
    if let Some(group) = &scope.group {
        http.get_json::<serde_json::Value>(&endpoint(
            &root,
            &format!("groups/{}", encode_path(group)),
            &[],
        )?)
        .await
        .map_err(|err| match err {
            SyncError::NoAccess(_) => SyncError::NoAccess(format!(
                "the group {group} was not found, or the token cannot see it"
            )),
            other => other,
        })?;
        checked += 1;
    }
    for path in scope.projects.iter().take(5) {
        let url = endpoint(
            &root,
            &format!("projects/{}/issues", encode_path(path)),
            &[("per_page", "1".to_owned())],
        )?;
        http.get_json::<serde_json::Value>(&url)
            .await
            .map_err(|err| match err {
                SyncError::NoAccess(_) => SyncError::NoAccess(format!(
                    "the project {path} was not found, or the token cannot see it (it needs the read_api scope)"
                )),
                other => other,
            })?;
        checked += 1;
    }
    Ok(format!(
        "signed in as {} ({checked} {} checked)",
        user.name
            .filter(|n| !n.trim().is_empty())
            .map(|n| format!("{n} (@{})", user.username))
            .unwrap_or(user.username),
        if checked == 1 {
            "scope entry"
        } else {
            "scope entries"
        }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_root_is_under_the_instance() {
        assert_eq!(api_root("").unwrap().as_str(), "https://gitlab.com/api/v4/");
        assert_eq!(
            api_root("https://git.acme.com/api/v4/").unwrap().as_str(),
            "https://git.acme.com/api/v4/"
        );
        assert_eq!(encode_path("acme/platform/api"), "acme%2Fplatform%2Fapi");
    }

    fn refused(status: u16, body: &str) -> SyncError {
        SyncError::Refused {
            status,
            detail: format!("https://gitlab.com/api/v4/projects/1/issues: {body}"),
        }
    }

    #[test]
    fn gitlabs_pagination_refusals_say_where_a_walk_goes_on() {
        let keyset = Url::parse(
            "https://gitlab.com/api/v4/projects/1/issues?scope=all&order_by=created_at&pagination=keyset&cursor=eyJpZCI6IjEifQ%3D%3D",
        )
        .unwrap();
        let offset = Url::parse(
            "https://gitlab.com/api/v4/projects/1/issues?scope=all&order_by=created_at&page=501",
        )
        .unwrap();
        // GitLab's words (lib/api/helpers/pagination_strategies.rb), as 405; a 400 reads alike.
        let unavailable = refused(
            405,
            "Keyset pagination is not yet available for this type of request",
        );
        let limit = refused(
            400,
            "Offset pagination has a maximum allowed offset of 50000 for requests that return objects of type Project. Remaining records can be retrieved using keyset pagination.",
        );
        assert_eq!(
            paging_refusal(&unavailable),
            Some(PagingRefusal::KeysetUnavailable)
        );
        assert_eq!(paging_refusal(&limit), Some(PagingRefusal::OffsetLimit));
        assert_eq!(
            paging_refusal(&refused(405, "405 Method Not Allowed")),
            None
        );
        assert_eq!(
            paging_refusal(&SyncError::Server {
                status: 501,
                detail: "Keyset pagination is not yet available for this type of request".into()
            }),
            Some(PagingRefusal::KeysetUnavailable)
        );
        assert_eq!(
            paging_refusal(&refused(
                403,
                "Keyset pagination is not yet available for this type of request"
            )),
            None
        );
        let (again, as_keyset) = restart_after(&unavailable, &keyset).unwrap();
        assert!(!as_keyset);
        assert_eq!(
            again.as_str(),
            "https://gitlab.com/api/v4/projects/1/issues?scope=all&order_by=created_at"
        );
        let (again, as_keyset) = restart_after(&limit, &offset).unwrap();
        assert!(as_keyset);
        assert_eq!(
            again.as_str(),
            "https://gitlab.com/api/v4/projects/1/issues?scope=all&order_by=created_at&pagination=keyset"
        );
        // A refusal that does not fit how the page was asked is an error as it is.
        assert!(restart_after(&unavailable, &offset).is_none());
        assert!(restart_after(&limit, &keyset).is_none());
    }

    #[test]
    fn a_listing_found_without_keyset_pages_is_asked_for_offset_pages_until_told_otherwise() {
        let mut paging = Paging::default();
        assert!(paging.keyset(Listing::Issues));
        paging.offset_from_now(Listing::Issues, "refused (405)");
        assert!(!paging.keyset(Listing::Issues));
        assert!(paging.keyset(Listing::GroupProjects), "per listing");
        paging.keyset_from_now(Listing::Issues);
        assert!(paging.keyset(Listing::Issues));
    }
}
