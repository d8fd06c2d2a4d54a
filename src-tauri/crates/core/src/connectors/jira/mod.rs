//! Jira Cloud: statuses (seeding the workflow mapping), custom fields, and issues with their
//! full changelogs and links, through `/rest/api/3/search/jql`.
//!
//! - `GET /rest/api/3/myself` gives the user's time zone: JQL dates have minute precision and
//!   are read in that zone.
//! - `GET /rest/api/3/status` gives every status with its category (`new`, `indeterminate`,
//!   `done`), from which the workflow mapping is seeded; names shared by statuses of different
//!   categories are mapped per project.
//! - `GET /rest/api/3/field` finds the Epic Link and Flagged fields by name (their ids differ
//!   per site); a site that does not answer is synced without them.
//! - Per project (stream `issues:<KEY>`; a scope with only a JQL filter has one stream,
//!   `issues`): `GET /rest/api/3/search/jql?jql=…&nextPageToken=…&expand=changelog` pages through
//!   issues matching `(project in ("KEY")) AND (user JQL) AND updated >= 'yyyy/MM/dd HH:mm'`,
//!   ordered by creation so pages do not shift while issues change. The lower bound is the
//!   watermark minus the overlap window, floored to the minute, in the user's zone. Paging stops
//!   when the token is missing, `isLast` is true, or a page is empty. A project that fails for
//!   good (deleted, access removed) keeps its error and the others go on.
//! - When an issue's embedded changelog holds fewer entries than `changelog.total`, or does not
//!   say its total, the whole history is read from `GET /rest/api/3/issue/{id}/changelog`
//!   (paged by `startAt`).

mod connector;
pub mod map;
pub mod model;

pub use self::connector::{JiraConnector, JiraScope};

use chrono::{DateTime, TimeZone, Utc};
use reqwest::Url;

use crate::connectors::http::{endpoint, root_of, Http};
use crate::connectors::{iso, namespace, next_watermark, parse_time, Run, WalkState};
use crate::graph::model::SourceKind;
use crate::graph::repo::raw_records::RawRecord;
use crate::graph::repo::sync_cursors::Cursor;
use crate::ingest::error::SyncError;
use crate::ingest::write::PageWrite;

use self::map::{CustomFields, MapCtx, Statuses};
use self::model::{ChangelogPage, FieldInfo, History, Issue, Myself, SearchPage, Status};

/// The issue fields asked for (plus the custom fields found through `/field`).
pub const FIELDS: &str = "summary,status,issuetype,priority,assignee,reporter,creator,created,updated,resolutiondate,labels,components,issuelinks,parent,subtasks,project,description";

/// The names of the fields that hold an issue's story points (its estimate).
pub const STORY_POINT_FIELDS: [&str; 2] = ["Story Points", "Story point estimate"];

/// The name of the issues stream of a scope without projects (a JQL filter only).
pub const ISSUES_STREAM: &str = "issues";

/// The issues stream of one project.
pub fn project_stream(project: &str) -> String {
    format!("{ISSUES_STREAM}:{project}")
}

impl JiraScope {
    /// The JQL of an incremental walk of every project of the scope: scope, filter and lower
    /// bound (already formatted).
    pub fn jql(&self, since: Option<&str>) -> String {
        let projects: Vec<&str> = self.projects.iter().map(String::as_str).collect();
        self.jql_for(&projects, since)
    }

    /// The JQL of an incremental walk of `projects` (none: the filter alone).
    pub fn jql_for(&self, projects: &[&str], since: Option<&str>) -> String {
        let mut parts = Vec::new();
        if !projects.is_empty() {
            let keys: Vec<String> = projects.iter().map(|p| format!("\"{p}\"")).collect();
            parts.push(format!("project in ({})", keys.join(", ")));
        }
        if let Some(filter) = self
            .jql
            .as_deref()
            .map(strip_order_by)
            .filter(|f| !f.trim().is_empty())
        {
            parts.push(format!("({})", filter.trim()));
        }
        if let Some(since) = since {
            parts.push(format!("updated >= '{since}'"));
        }
        format!("{} ORDER BY created ASC, key ASC", parts.join(" AND "))
    }
}

fn strip_order_by(jql: &str) -> &str {
    match jql.to_lowercase().find("order by") {
        Some(at) => &jql[..at],
        None => jql,
    }
}

/// A time as JQL wants it: `yyyy/MM/dd HH:mm` in the user's zone, floored to the minute. An
/// unknown zone is read as UTC minus a day, so nothing is missed (re-fetches are idempotent).
pub fn jql_time(ms: i64, zone: Option<&str>) -> String {
    let utc = DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default();
    match zone.and_then(|z| z.parse::<chrono_tz::Tz>().ok()) {
        Some(tz) => tz
            .from_utc_datetime(&utc.naive_utc())
            .format("%Y/%m/%d %H:%M")
            .to_string(),
        None => (utc - chrono::Duration::days(1))
            .format("%Y/%m/%d %H:%M")
            .to_string(),
    }
}

/// The site root (`https://acme.atlassian.net/`).
pub fn site_root(base_url: &str) -> Result<Url, SyncError> {
    root_of(base_url)
}

/// What every walk of a run shares.
struct Site<'a> {
    root: &'a Url,
    zone: Option<&'a str>,
    statuses: &'a Statuses,
    fields: &'a CustomFields,
    ns: &'a str,
}

/// Syncs the source: statuses and fields, then the issues of each project (or of the filter).
pub async fn sync(run: &mut Run<'_>, scope: &JiraScope) -> Result<(), SyncError> {
    let root = site_root(&run.source.base_url)?;
    run.http.bind_origin(&root)?;
    let (myself, _) = run
        .http
        .get_json::<Myself>(&endpoint(&root, "rest/api/3/myself", &[])?)
        .await?;
    let statuses = sync_statuses(run, &root).await?;
    let fields = custom_fields(&run.http, &root).await?;
    let ns = namespace(SourceKind::Jira, &run.source.base_url);
    let site = Site {
        root: &root,
        zone: myself.time_zone.as_deref(),
        statuses: &statuses,
        fields: &fields,
        ns: &ns,
    };
    if scope.projects.is_empty() {
        sync_issues(run, &site, scope, None).await?;
        run.stream_done();
        return Ok(());
    }
    for project in &scope.projects {
        run.check_cancel()?;
        match sync_issues(run, &site, scope, Some(project)).await {
            Ok(()) => run.stream_done(),
            Err(err) => run.stream_failed(&project_stream(project), err).await?,
        }
    }
    Ok(())
}

/// Reads every status, seeds the workflow mapping from names and categories (names shared by
/// statuses of different categories are seeded per project as issues meet them), and returns
/// what the mapping of issues needs.
async fn sync_statuses(run: &mut Run<'_>, root: &Url) -> Result<Statuses, SyncError> {
    let (values, _) = run
        .http
        .get_json::<Vec<Box<serde_json::value::RawValue>>>(&endpoint(
            root,
            "rest/api/3/status",
            &[],
        )?)
        .await?;
    let now = run.clock.now_ms();
    let mut page = PageWrite::new("statuses");
    let mut list = Vec::new();
    for value in values {
        let Ok(status) = serde_json::from_str::<Status>(value.get()) else {
            continue;
        };
        page.raw.push(RawRecord {
            source_id: run.source.id.clone(),
            stream: "statuses".into(),
            external_id: status.id.clone().unwrap_or_else(|| status.name.clone()),
            payload: value.get().to_owned(),
            fetched_at: now,
        });
        list.push(status);
    }
    let statuses = Statuses::new(&list);
    for status in &list {
        if !statuses.is_ambiguous(&status.name) {
            let category = status
                .status_category
                .as_ref()
                .and_then(|c| c.key.as_deref());
            run.states.resolve(&status.name, category);
        }
    }
    run.commit(page).await?;
    Ok(statuses)
}

/// The Epic Link, Flagged and story point fields, by name (or untranslated name). A site that
/// does not list its fields is synced without them (logged): links and flags then come from what
/// the issues and their changelogs name plainly, and issues have no estimate.
async fn custom_fields(http: &Http, root: &Url) -> Result<CustomFields, SyncError> {
    let list = match http
        .get_json::<Vec<FieldInfo>>(&endpoint(root, "rest/api/3/field", &[])?)
        .await
    {
        Ok((list, _)) => list,
        Err(err) if err.fails_for_good() => {
            tracing::warn!(%err, "the site's fields could not be read; syncing without the Epic Link and Flagged fields");
            return Ok(CustomFields::default());
        }
        Err(err) => return Err(err),
    };
    let named = |wanted: &str, custom_type: Option<&str>| {
        list.iter()
            .find(|f| {
                f.schema
                    .as_ref()
                    .and_then(|s| s.custom.as_deref())
                    .is_some_and(|t| Some(t) == custom_type)
                    || f.name.eq_ignore_ascii_case(wanted)
                    || f.untranslated_name
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(wanted))
            })
            .map(|f| f.id.clone())
            .filter(|id| !id.is_empty())
    };
    // Story points: "Story Points" (company-managed projects, a plain number field) and "Story
    // point estimate" (team-managed ones); a site may have both, each issue uses one.
    let story_points: Vec<String> = list
        .iter()
        .filter(|f| {
            let name_is = |n: &str| {
                STORY_POINT_FIELDS
                    .iter()
                    .any(|w| n.trim().eq_ignore_ascii_case(w))
            };
            name_is(&f.name)
                || f.untranslated_name.as_deref().is_some_and(name_is)
                || f.schema
                    .as_ref()
                    .and_then(|s| s.custom.as_deref())
                    .is_some_and(|t| t == "com.pyxis.greenhopper.jira:jsw-story-points")
        })
        .map(|f| f.id.clone())
        .filter(|id| !id.is_empty())
        .collect();
    Ok(CustomFields {
        epic_link: named("Epic Link", Some("com.pyxis.greenhopper.jira:gh-epic-link")),
        // Its type is a plain multi-checkbox: only its name tells it apart.
        flagged: named("Flagged", None),
        story_points,
    })
}

/// Walks the issues of one project (or of the scope's filter) from its cursor.
async fn sync_issues(
    run: &mut Run<'_>,
    site: &Site<'_>,
    scope: &JiraScope,
    project: Option<&str>,
) -> Result<(), SyncError> {
    let stream = project.map_or_else(|| ISSUES_STREAM.to_owned(), project_stream);
    let projects: Vec<&str> = project.into_iter().collect();
    let cursor = run.cursor(&stream).await?;
    let watermark = cursor.watermark.as_deref().and_then(parse_time);
    let overlap = run.options.overlap_ms();
    let (mut walk, mut resumed) = match WalkState::parse(cursor.page_token.as_deref()) {
        Some(walk) => (walk, true),
        None => (
            WalkState {
                since: watermark.map(|w| w - overlap),
                ..WalkState::default()
            },
            false,
        ),
    };
    let fields = [
        Some(FIELDS),
        site.fields.epic_link.as_deref(),
        site.fields.flagged.as_deref(),
    ]
    .into_iter()
    .flatten()
    .chain(site.fields.story_points.iter().map(String::as_str))
    .collect::<Vec<_>>()
    .join(",");
    let mut pages = 0u32;
    loop {
        run.check_cancel()?;
        let jql = scope.jql_for(
            &projects,
            walk.since.map(|s| jql_time(s, site.zone)).as_deref(),
        );
        let mut query = vec![
            ("jql", jql),
            ("maxResults", run.options.page_size.to_string()),
            ("fields", fields.clone()),
            ("expand", "changelog".to_owned()),
        ];
        if resumed || pages > 0 {
            query.push(("nextPageToken", walk.next.clone()));
        }
        let url = endpoint(site.root, "rest/api/3/search/jql", &query)?;
        let page_result = run.http.get_json::<SearchPage>(&url).await;
        let (search, _) = match page_result {
            Err(SyncError::Refused { status: 400, .. }) if resumed && pages == 0 => {
                // A saved page token expired: walk again from the watermark.
                tracing::info!(%stream, "saved Jira page token refused; restarting the walk");
                walk = WalkState {
                    since: watermark.map(|w| w - overlap),
                    ..WalkState::default()
                };
                resumed = false;
                continue;
            }
            other => other?,
        };
        pages += 1;
        let now = run.clock.now_ms();
        let mut page = PageWrite::new(&stream);
        let empty = search.issues.is_empty();
        for value in &search.issues {
            let issue: Issue = match serde_json::from_str(value.get()) {
                Ok(issue) => issue,
                Err(err) => {
                    tracing::warn!(%err, "skipping an issue that does not read as one");
                    continue;
                }
            };
            page.raw.push(RawRecord {
                source_id: run.source.id.clone(),
                stream: ISSUES_STREAM.into(),
                external_id: issue.id.clone(),
                payload: value.get().to_owned(),
                fetched_at: now,
            });
            if let Some(updated) = issue.fields.updated.as_deref().and_then(parse_time) {
                walk.high = Some(walk.high.map_or(updated, |h| h.max(updated)));
            }
            let histories = full_changelog(&run.http, site.root, &issue).await?;
            let mut ctx = MapCtx {
                source_id: &run.source.id,
                site: site.root.as_str(),
                ns: site.ns,
                rules: &run.rules,
                states: &mut run.states,
                statuses: site.statuses,
                fields: site.fields,
            };
            if let Some(item) = map::map_issue(&mut page, &mut ctx, &issue, &histories) {
                page.items.push(item);
            }
        }
        let next = search
            .next_page_token
            .clone()
            .filter(|t| !t.is_empty() && search.is_last != Some(true) && !empty && pages < 100_000);
        page.cursor = Some(match &next {
            Some(token) => Cursor {
                watermark: cursor.watermark.clone(),
                etag: None,
                page_token: Some(
                    WalkState {
                        next: token.clone(),
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
        run.commit(page).await?;
        match next {
            Some(token) => walk.next = token,
            None => return Ok(()),
        }
    }
}

/// The most pages of one issue's changelog read (100 entries each): a `total` that never comes
/// cannot keep a sync going forever.
const MAX_CHANGELOG_PAGES: u32 = 1_000;

/// An issue's whole history: the embedded changelog when it says it is complete (its `total`
/// is no more than the entries it holds), else every page of `/issue/{id}/changelog`: a
/// changelog that does not say its total, or holds fewer entries than it, is read in full. The
/// server's `total` only says whether to look further; it sizes nothing and bounds nothing
/// beyond [`MAX_CHANGELOG_PAGES`].
async fn full_changelog(http: &Http, root: &Url, issue: &Issue) -> Result<Vec<History>, SyncError> {
    let embedded = issue.changelog.clone().unwrap_or_default();
    let held = embedded.histories.len() as u64;
    if embedded.total.is_some_and(|total| total <= held) {
        return Ok(map::ordered(embedded.histories));
    }
    let mut all = Vec::new();
    let mut start_at = 0u64;
    let mut pages = 0u32;
    // By id: the path stays the same when the issue moves to another project.
    let path = if issue.id.is_empty() {
        format!("rest/api/3/issue/{}/changelog", issue.key)
    } else {
        format!("rest/api/3/issue/{}/changelog", issue.id)
    };
    loop {
        let url = endpoint(
            root,
            &path,
            &[
                ("startAt", start_at.to_string()),
                ("maxResults", "100".to_owned()),
            ],
        )?;
        let (page, _) = http.get_json::<ChangelogPage>(&url).await?;
        let got = page.values.len() as u64;
        all.extend(page.values);
        start_at = start_at.saturating_add(got);
        pages += 1;
        let done =
            page.is_last == Some(true) || got == 0 || page.total.is_some_and(|t| start_at >= t);
        if done {
            break;
        }
        if pages >= MAX_CHANGELOG_PAGES {
            tracing::warn!(issue = %issue.key, "a changelog kept going; read its first {MAX_CHANGELOG_PAGES} pages");
            break;
        }
    }
    all.extend(embedded.histories);
    Ok(map::ordered(all))
}

/// Checks the site, the credentials and the scope without writing anything.
pub async fn test_connection(
    http: &Http,
    base_url: &str,
    scope: &JiraScope,
) -> Result<String, SyncError> {
    let root = site_root(base_url)?;
    http.bind_origin(&root)?;
    let me = match http
        .get_json::<Myself>(&endpoint(&root, "rest/api/3/myself", &[])?)
        .await
    {
        Ok((me, _)) => me,
        Err(SyncError::NoAccess(_))
        | Err(SyncError::Malformed(_))
        | Err(SyncError::WrongUrl(_))
        | Err(SyncError::Refused { status: 410, .. }) => {
            return Err(SyncError::WrongUrl(format!(
            "{} does not answer like a Jira Cloud site (expected https://YOUR-SITE.atlassian.net)",
            crate::connectors::http::safe_url(&root)
        )))
        }
        Err(err) => return Err(err),
    };
    for project in &scope.projects {
        http.get_json::<serde_json::Value>(&endpoint(
            &root,
            &format!("rest/api/3/project/{project}"),
            &[],
        )?)
        .await
        .map_err(|err| match err {
            SyncError::NoAccess(_) => SyncError::NoAccess(format!(
                "the project {project} was not found, or this account cannot browse it"
            )),
            other => other,
        })?;
    }
    let url = endpoint(
        &root,
        "rest/api/3/search/jql",
        &[
            ("jql", scope.jql(None)),
            ("maxResults", "1".to_owned()),
            ("fields", "summary".to_owned()),
        ],
    )?;
    http.get_json::<serde_json::Value>(&url)
        .await
        .map_err(|err| match err {
            SyncError::Refused {
                status: 400,
                detail,
            } => SyncError::Config(format!("the JQL filter is not valid: {detail}")),
            other => other,
        })?;
    Ok(format!(
        "signed in as {} (time zone {})",
        me.display_name.unwrap_or_else(|| scope.email.clone()),
        me.time_zone.unwrap_or_else(|| "unknown".into())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jql_dates_are_minutes_in_the_users_zone() {
        // 2021-03-28T08:06:08Z is 16:06 in Shanghai.
        assert_eq!(
            jql_time(1_616_918_768_713, Some("Asia/Shanghai")),
            "2021/03/28 16:06"
        );
        assert_eq!(
            jql_time(1_616_918_768_713, Some("Nowhere/Else")),
            "2021/03/27 08:06",
            "unknown zones fall back a day"
        );
    }

    #[test]
    fn the_scope_becomes_one_jql() {
        let scope = JiraScope {
            email: "a@b.c".into(),
            projects: vec!["PAY".into(), "OPS".into()],
            jql: Some("labels = x ORDER BY rank".into()),
        };
        assert_eq!(
            scope.jql(Some("2021/03/28 16:06")),
            "project in (\"PAY\", \"OPS\") AND (labels = x) AND updated >= '2021/03/28 16:06' ORDER BY created ASC, key ASC",
            "the user's ORDER BY is replaced by a stable order"
        );
    }
}
