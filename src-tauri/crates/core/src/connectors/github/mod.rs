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
//! The first page of a walk is a conditional request when its URL is the one whose `ETag` was
//! saved: a 304 ends the stream without writing anything. A walk's watermark advances only when
//! its last page is committed; in between, the next URL is saved so a crash resumes mid-walk.

pub mod map;
pub mod model;

use reqwest::Url;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use tokio::task::JoinSet;

use crate::connectors::http::{next_link, parse_json, Fetched, Http};
use crate::connectors::{iso, next_watermark, parse_time, EtagMemo, Run, WalkState};
use crate::graph::model::{Link, LinkKind, LinkOrigin, Transition, WorkItem};
use crate::graph::repo::links::{LinkSet, Side};
use crate::graph::repo::raw_records::RawRecord;
use crate::graph::repo::sync_cursors::Cursor;
use crate::sync::error::SyncError;
use crate::sync::write::PageWrite;

use self::map::{item_id, key_for, MapCtx};
use self::model::{Event, Issue, IssueRef, Pull, Repo, Review};

/// github.com's API.
pub const DEFAULT_API: &str = "https://api.github.com";

/// What a GitHub source covers (the `scope` JSON of its row).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GithubScope {
    /// Every repository of this organisation (or user)...
    #[serde(default)]
    pub org: Option<String>,
    /// ...or these repositories (`owner/name`).
    #[serde(default)]
    pub repos: Vec<String>,
}

impl GithubScope {
    /// Reads a scope, checking that it names something.
    pub fn parse(text: &str) -> Result<GithubScope, SyncError> {
        let scope: GithubScope = serde_json::from_str(text)
            .map_err(|err| SyncError::Config(format!("the GitHub scope is unreadable: {err}")))?;
        if scope.org.as_deref().unwrap_or("").trim().is_empty() && scope.repos.is_empty() {
            return Err(SyncError::Config(
                "a GitHub source needs an organisation or a list of repositories".into(),
            ));
        }
        for repo in &scope.repos {
            let parts: Vec<&str> = repo.split('/').collect();
            if parts.len() != 2 || parts.iter().any(|p| p.trim().is_empty()) {
                return Err(SyncError::Config(format!(
                    "{repo:?} is not a repository name like owner/name"
                )));
            }
        }
        Ok(scope)
    }
}

/// The API root (`https://api.github.com/`, `https://ghe.example.com/api/v3/`), with a trailing
/// slash so endpoints join under it.
pub fn api_root(base_url: &str) -> Result<Url, SyncError> {
    let base = if base_url.trim().is_empty() {
        DEFAULT_API
    } else {
        base_url.trim()
    };
    let mut url = Url::parse(base)
        .map_err(|err| SyncError::Config(format!("{base:?} is not a URL: {err}")))?;
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

fn endpoint(root: &Url, path: &str, query: &[(&str, String)]) -> Result<Url, SyncError> {
    let mut url = root
        .join(path.trim_start_matches('/'))
        .map_err(|err| SyncError::Config(format!("bad endpoint {path}: {err}")))?;
    if !query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (k, v) in query {
            pairs.append_pair(k, v);
        }
    }
    Ok(url)
}

fn parse_page(response: &crate::connectors::http::Response) -> Result<Vec<Box<RawValue>>, String> {
    parse_json::<Vec<Box<RawValue>>>(response)
}

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
        if pages < 1_000 {
            url = next_link(&response);
        }
    }
    Ok(out)
}

/// Syncs every repository of the source.
pub async fn sync(run: &mut Run<'_>) -> Result<(), SyncError> {
    let scope = GithubScope::parse(&run.source.scope)?;
    let root = api_root(&run.source.base_url)?;
    let repos = if scope.repos.is_empty() {
        list_org_repos(&run.http, &root, scope.org.as_deref().unwrap_or("")).await?
    } else {
        scope.repos.clone()
    };
    for repo in &repos {
        run.check_cancel()?;
        sync_issues(run, &root, repo).await?;
        sync_pulls(run, &root, repo).await?;
        sync_events(run, &root, repo).await?;
    }
    Ok(())
}

/// The repositories of an organisation (or of a user, when the name is not an organisation).
async fn list_org_repos(http: &Http, root: &Url, org: &str) -> Result<Vec<String>, SyncError> {
    let query = [("per_page", "100".to_owned()), ("type", "all".to_owned())];
    let repos: Vec<Repo> =
        match fetch_all(http, endpoint(root, &format!("orgs/{org}/repos"), &query)?).await {
            Err(SyncError::NoAccess(_)) => {
                fetch_all(http, endpoint(root, &format!("users/{org}/repos"), &query)?).await?
            }
            other => other?,
        };
    Ok(repos
        .into_iter()
        .filter(|r| !r.archived)
        .map(|r| r.full_name)
        .collect())
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
    cursor: &Cursor,
    fresh: impl FnOnce(Option<i64>) -> Result<(Url, Option<i64>), SyncError>,
) -> Result<WalkStart, SyncError> {
    let watermark = cursor.watermark.as_deref().and_then(parse_time);
    let memo = EtagMemo::parse(cursor.etag.as_deref());
    if let Some(walk) = WalkState::parse(cursor.page_token.as_deref()) {
        if let Ok(url) = Url::parse(&walk.next) {
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

async fn sync_issues(run: &mut Run<'_>, root: &Url, repo: &str) -> Result<(), SyncError> {
    let stream = format!("issues:{repo}");
    let cursor = run.cursor(&stream).await?;
    let overlap = run.options.overlap_ms();
    let per_page = run.options.page_size.to_string();
    let mut start = start_walk(&cursor, |watermark| {
        let since = watermark.map(|w| w - overlap);
        let mut query = vec![
            ("state", "all".to_owned()),
            ("sort", "updated".to_owned()),
            ("direction", "asc".to_owned()),
            ("per_page", per_page.clone()),
        ];
        if let Some(since) = since {
            query.push(("since", iso(since)));
        }
        Ok((
            endpoint(root, &format!("repos/{repo}/issues"), &query)?,
            since,
        ))
    })?;
    let mut url = start.url.clone();
    let mut first = true;
    loop {
        run.check_cancel()?;
        let Some((values, response)) = fetch_page(run, &start, &url, first).await? else {
            tracing::debug!(%stream, "not modified");
            return Ok(());
        };
        if first && !start.resumed {
            remember_first(&mut start.walk, &url, &response);
        }
        first = false;
        let now = run.clock.now_ms();
        let next = next_link(&response);
        let mut page = PageWrite::new(&stream);
        for value in values {
            let issue: Issue = match serde_json::from_str(value.get()) {
                Ok(issue) => issue,
                Err(err) => {
                    tracing::warn!(%stream, %err, "skipping an issue that does not read as one");
                    continue;
                }
            };
            if let Some(updated) = parse_time(&issue.updated_at) {
                start.walk.high = Some(start.walk.high.map_or(updated, |h| h.max(updated)));
            }
            if issue.pull_request.is_some() {
                // The pulls stream keeps the pull request's own (fuller) record.
                continue;
            }
            page.raw.push(raw(run, "issues", issue.id, &value, now));
            let mut ctx = MapCtx {
                source_id: &run.source.id,
                rules: &run.rules,
                states: &mut run.states,
            };
            let Some(item) = map::map_issue(&mut page, &mut ctx, &issue, repo) else {
                continue;
            };
            issue_edges(run, root, &issue, &item, &mut page).await?;
            page.items.push(item);
        }
        page.cursor = Some(cursor_after(
            &cursor,
            &start.walk,
            next.as_ref(),
            start.watermark,
            run.started_at,
        ));
        run.commit(page).await?;
        match next {
            Some(next) => url = next,
            None => return Ok(()),
        }
    }
}

/// Dependencies and sub-issues of an issue whose summaries say it has some; the summaries also
/// say when it has none left, which retires stored edges.
async fn issue_edges(
    run: &Run<'_>,
    root: &Url,
    issue: &Issue,
    item: &WorkItem,
    page: &mut PageWrite,
) -> Result<(), SyncError> {
    let repo = item.key.split_once('#').map(|(r, _)| r).unwrap_or("");
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
    };
    let other = |r: &IssueRef| item_id(&key_for(&r.html_url, repo, r.number));
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
                other_prefix: "gh:".into(),
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
            other_prefix: "gh:".into(),
            keep: links
                .iter()
                .map(|l| (l.from_item_id.clone(), l.to_item_id.clone(), l.kind))
                .collect(),
        });
        page.links.extend(links);
    }
    Ok(())
}

async fn sync_pulls(run: &mut Run<'_>, root: &Url, repo: &str) -> Result<(), SyncError> {
    let stream = format!("pulls:{repo}");
    let cursor = run.cursor(&stream).await?;
    let overlap = run.options.overlap_ms();
    let per_page = run.options.page_size.to_string();
    let mut start = start_walk(&cursor, |watermark| {
        let query = vec![
            ("state", "all".to_owned()),
            ("sort", "updated".to_owned()),
            ("direction", "desc".to_owned()),
            ("per_page", per_page.clone()),
        ];
        Ok((
            endpoint(root, &format!("repos/{repo}/pulls"), &query)?,
            watermark.map(|w| w - overlap),
        ))
    })?;
    let stop_at = start.walk.since;
    let mut url = start.url.clone();
    let mut first = true;
    loop {
        run.check_cancel()?;
        let Some((values, response)) = fetch_page(run, &start, &url, first).await? else {
            tracing::debug!(%stream, "not modified");
            return Ok(());
        };
        if first && !start.resumed {
            remember_first(&mut start.walk, &url, &response);
        }
        first = false;
        let now = run.clock.now_ms();
        let mut next = next_link(&response);
        let mut page = PageWrite::new(&stream);
        let mut pulls = Vec::new();
        for value in values {
            let pull: Pull = match serde_json::from_str(value.get()) {
                Ok(pull) => pull,
                Err(err) => {
                    tracing::warn!(%stream, %err, "skipping a pull request that does not read as one");
                    continue;
                }
            };
            let updated = parse_time(&pull.updated_at);
            if let (Some(stop), Some(updated)) = (stop_at, updated) {
                if updated < stop {
                    // Sorted newest first: everything after this is older than the watermark.
                    next = None;
                    continue;
                }
            }
            if let Some(updated) = updated {
                start.walk.high = Some(start.walk.high.map_or(updated, |h| h.max(updated)));
            }
            page.raw.push(raw(run, "pulls", pull.id, &value, now));
            let mut ctx = MapCtx {
                source_id: &run.source.id,
                rules: &run.rules,
                states: &mut run.states,
            };
            if let Some(item) = map::map_pull(&mut page, &mut ctx, &pull, repo) {
                pulls.push(item);
            }
        }
        let reviews = fetch_reviews(run, root, &pulls).await?;
        for (item_id, list) in reviews {
            for (review, value) in list {
                page.raw.push(raw(run, "reviews", review.id, &value, now));
                if let Some(t) = map::map_review(&mut page, &run.source.id, &item_id, &review) {
                    page.transitions.push(t);
                }
            }
        }
        page.items = pulls;
        page.cursor = Some(cursor_after(
            &cursor,
            &start.walk,
            next.as_ref(),
            start.watermark,
            run.started_at,
        ));
        run.commit(page).await?;
        match next {
            Some(next) => url = next,
            None => return Ok(()),
        }
    }
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
    let mut out = Vec::new();
    let mut url = Some(first);
    while let Some(at) = url.take() {
        let (values, response) = http.get_json::<Vec<Box<RawValue>>>(&at).await?;
        for value in values {
            match serde_json::from_str::<Review>(value.get()) {
                Ok(review) => out.push((review, value)),
                Err(err) => tracing::warn!(%err, "skipping a review that does not read as one"),
            }
        }
        url = next_link(&response);
    }
    Ok(out)
}

async fn sync_events(run: &mut Run<'_>, root: &Url, repo: &str) -> Result<(), SyncError> {
    let stream = format!("events:{repo}");
    let cursor = run.cursor(&stream).await?;
    let overlap = run.options.overlap_ms();
    let per_page = run.options.page_size.to_string();
    let mut start = start_walk(&cursor, |watermark| {
        let query = vec![("per_page", per_page.clone())];
        Ok((
            endpoint(root, &format!("repos/{repo}/issues/events"), &query)?,
            watermark.map(|w| w - overlap),
        ))
    })?;
    let stop_at = start.walk.since;
    let mut url = start.url.clone();
    let mut first = true;
    loop {
        run.check_cancel()?;
        let Some((values, response)) = fetch_page(run, &start, &url, first).await? else {
            tracing::debug!(%stream, "not modified");
            return Ok(());
        };
        if first && !start.resumed {
            remember_first(&mut start.walk, &url, &response);
        }
        first = false;
        let now = run.clock.now_ms();
        let mut next = next_link(&response);
        let mut page = PageWrite::new(&stream);
        let mut events = Vec::new();
        for value in values {
            let event: Event = match serde_json::from_str(value.get()) {
                Ok(event) => event,
                Err(err) => {
                    tracing::warn!(%stream, %err, "skipping an event that does not read as one");
                    continue;
                }
            };
            let at = parse_time(&event.created_at);
            if let (Some(stop), Some(at)) = (stop_at, at) {
                if at < stop {
                    next = None;
                    continue;
                }
            }
            if let Some(at) = at {
                start.walk.high = Some(start.walk.high.map_or(at, |h| h.max(at)));
            }
            page.raw.push(raw(run, "events", event.id, &value, now));
            events.push(event);
        }
        let transitions: Vec<Transition> =
            map::map_events(&mut page, &run.source.id, &events, repo);
        page.transitions = transitions;
        page.cursor = Some(cursor_after(
            &cursor,
            &start.walk,
            next.as_ref(),
            start.watermark,
            run.started_at,
        ));
        run.commit(page).await?;
        match next {
            Some(next) => url = next,
            None => return Ok(()),
        }
    }
}

/// Checks a token and a scope without writing anything: who the token is, whether it may read
/// the repositories. Returns a sentence naming the account.
pub async fn test_connection(
    http: &Http,
    base_url: &str,
    scope: &GithubScope,
) -> Result<String, SyncError> {
    let root = api_root(base_url)?;
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
    if let Some(scopes) = response.header("x-oauth-scopes") {
        let has = |s: &str| scopes.split(',').any(|x| x.trim() == s);
        if !has("repo") && !has("public_repo") {
            return Err(SyncError::MissingScope(format!(
                "the token has the scopes [{scopes}]; it needs `repo` (or `public_repo` for public repositories only)"
            )));
        }
    }
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
        http.get_json::<serde_json::Value>(&url).await.map_err(|err| match err {
            SyncError::NoAccess(_) => SyncError::NoAccess(format!("the repository {repo} was not found, or the token cannot see it")),
            SyncError::MissingScope(detail) => SyncError::MissingScope(format!("{repo}: the token may not read issues ({detail}); grant Issues and Pull requests: read")),
            other => other,
        })?;
    }
    Ok(format!(
        "signed in as {} ({} repositories checked)",
        user.login,
        repos.len()
    ))
}
