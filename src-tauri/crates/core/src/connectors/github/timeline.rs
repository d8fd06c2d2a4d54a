//! Pull request timelines (`/repos/{o}/{r}/issues/{n}/timeline`), read for the pull requests a
//! walk of `/pulls` meets — those updated since the watermark — a few at a time. A timeline
//! replaces the pull request's review list (its `reviewed` entries are the reviews), so reading
//! it costs no request more than before, unless it runs over 100 entries.
//!
//! A timeline that fits on one page keeps its `ETag` in the cursor `timeline:owner/repo#N`,
//! written in the page's transaction: the next read is conditional, and a 304 (which does not
//! count against GitHub's rate limit) replays the timeline stored in `raw_records` (stream
//! `timelines`). A longer timeline grows at its end, which its first page's validator would not
//! show, so it is read in full every time.

use reqwest::Url;
use serde_json::value::RawValue;
use tokio::task::JoinSet;

use crate::connectors::http::{endpoint, Fetched, Http};
use crate::connectors::{EtagMemo, Run};
use crate::graph::repo::raw_records::RawRecord;
use crate::graph::repo::sync_cursors::Cursor;
use crate::graph::repo::{raw_records, sync_cursors};
use crate::ingest::error::SyncError;
use crate::ingest::write::PageWrite;

use super::model::TimelineEvent;

/// The raw record stream timelines are kept in (one record per pull request, keyed by its id).
pub const RAW_STREAM: &str = "timelines";

/// The most pages read of one timeline.
const MAX_PAGES: u32 = 100;

/// The cursor stream that keeps a pull request's timeline validator.
pub fn cursor_stream(key: &str) -> String {
    format!("timeline:{key}")
}

/// A pull request whose timeline is wanted.
pub struct Wanted<'a> {
    /// `owner/repo#N`.
    pub key: &'a str,
    pub number: i64,
    /// The pull request's id (its raw records' key).
    pub id: i64,
}

/// One answer.
enum Got {
    /// The entries as one JSON array (the raw record), read (parsed where the request ran, so
    /// the timelines of a page are parsed in parallel), and the validator when the timeline fit
    /// on one page.
    Fresh(String, Vec<TimelineEvent>, Option<EtagMemo>),
    NotModified,
}

async fn read(http: &Http, key: &str, url: Url, etag: Option<String>) -> Result<Got, SyncError> {
    let parse = |r: &crate::connectors::http::Response| {
        crate::connectors::http::parse_json::<Vec<Box<RawValue>>>(r)
    };
    let (mut entries, response) = match http.get(&url, etag.as_deref(), parse).await? {
        Fetched::NotModified => return Ok(Got::NotModified),
        Fetched::Fresh(entries, response) => (entries, response),
    };
    let mut next = http.next_page(&response)?;
    let memo = match next {
        None => response.header("etag").map(|etag| EtagMemo {
            url: url.to_string(),
            etag: etag.to_owned(),
        }),
        Some(_) => None,
    };
    let mut pages = 1;
    while let Some(at) = next.take() {
        let (more, response) = http.get_json::<Vec<Box<RawValue>>>(&at).await?;
        entries.extend(more);
        pages += 1;
        next = http.next_page(&response)?;
        if pages >= MAX_PAGES && next.is_some() {
            tracing::warn!(url = %crate::connectors::http::safe_url(&url), "a timeline kept going; read its first {MAX_PAGES} pages");
            next = None;
        }
    }
    Ok(Got::Fresh(
        join(&entries),
        parse_entries(key, &entries),
        memo,
    ))
}

fn parse_entries(key: &str, entries: &[Box<RawValue>]) -> Vec<TimelineEvent> {
    entries
        .iter()
        .filter_map(|value| {
            serde_json::from_str::<TimelineEvent>(value.get())
                .map_err(|err| tracing::warn!(%key, %err, "skipping a timeline entry that does not read as one"))
                .ok()
        })
        .collect()
}

/// The timelines of `wanted`, in order (`None` where the pull request has none to read), read
/// `run.options.review_concurrency` at a time. Fresh timelines go into `page` as raw records with
/// their validators.
pub async fn fetch(
    run: &Run<'_>,
    root: &Url,
    repo: &str,
    wanted: &[Wanted<'_>],
    now: i64,
    page: &mut PageWrite,
) -> Result<Vec<Option<Vec<TimelineEvent>>>, SyncError> {
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let streams: Vec<String> = wanted.iter().map(|w| cursor_stream(w.key)).collect();
    let streams_json = serde_json::to_string(&streams).unwrap_or_else(|_| "[]".into());
    // Validators of earlier pages still being written are missed at worst (a full read).
    let memos = sync_cursors::get_many(run.ws.pool(), &run.source.id, &streams_json).await?;
    let mut urls = Vec::with_capacity(wanted.len());
    for w in wanted {
        urls.push(endpoint(
            root,
            &format!("repos/{repo}/issues/{}/timeline", w.number),
            &[("per_page", "100".to_owned())],
        )?);
    }
    let etag_for = |i: usize| {
        memos
            .get(&streams[i])
            .and_then(|c| EtagMemo::parse(c.etag.as_deref()))
            .filter(|m| m.url == urls[i].as_str())
            .map(|m| m.etag)
    };
    let limit = run.options.review_concurrency.max(1);
    let mut got: Vec<Option<Got>> = (0..wanted.len()).map(|_| None).collect();
    let mut pending = 0..wanted.len();
    let mut set: JoinSet<(usize, Result<Got, SyncError>)> = JoinSet::new();
    loop {
        while set.len() < limit {
            let Some(i) = pending.next() else { break };
            let (http, url, etag) = (run.http.clone(), urls[i].clone(), etag_for(i));
            let key = wanted[i].key.to_owned();
            set.spawn(async move { (i, read(&http, &key, url, etag).await) });
        }
        let Some(joined) = set.join_next().await else {
            break;
        };
        let (i, result) =
            joined.map_err(|err| SyncError::Config(format!("a timeline fetch stopped: {err}")))?;
        got[i] = Some(result?);
    }
    let mut out = Vec::with_capacity(wanted.len());
    for (i, (w, answer)) in wanted.iter().zip(got).enumerate() {
        let fresh = |payload: String, memo: Option<EtagMemo>, page: &mut PageWrite| {
            page.raw.push(RawRecord {
                source_id: run.source.id.clone(),
                stream: RAW_STREAM.to_owned(),
                external_id: w.id.to_string(),
                payload,
                fetched_at: now,
            });
            page.cursors.push((
                streams[i].clone(),
                Cursor {
                    etag: memo.as_ref().map(EtagMemo::to_text),
                    ..Cursor::default()
                },
            ));
        };
        let entries = match answer {
            Some(Got::Fresh(payload, events, memo)) => {
                fresh(payload, memo, page);
                Some(events)
            }
            Some(Got::NotModified) => {
                let stored =
                    raw_records::get(run.ws.pool(), &run.source.id, RAW_STREAM, &w.id.to_string())
                        .await?;
                match stored.and_then(|text| serde_json::from_str::<Vec<Box<RawValue>>>(&text).ok())
                {
                    Some(entries) => Some(parse_entries(w.key, &entries)),
                    None => {
                        // The stored copy is gone: read it again, unconditionally.
                        match read(&run.http, w.key, urls[i].clone(), None).await? {
                            Got::Fresh(payload, events, memo) => {
                                fresh(payload, memo, page);
                                Some(events)
                            }
                            Got::NotModified => None,
                        }
                    }
                }
            }
            None => None,
        };
        out.push(entries);
    }
    Ok(out)
}

/// A timeline's entries as one JSON array (its raw record).
fn join(entries: &[Box<RawValue>]) -> String {
    let mut text =
        String::with_capacity(entries.iter().map(|e| e.get().len() + 1).sum::<usize>() + 2);
    text.push('[');
    for (i, entry) in entries.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(entry.get());
    }
    text.push(']');
    text
}
