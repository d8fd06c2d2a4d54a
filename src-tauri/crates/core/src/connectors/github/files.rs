//! What pull requests touch and who owns what: `GET /repos/{o}/{r}/pulls/{n}/files` for each
//! pull request updated since its files were last read (incremental and resumable: the stored
//! list remembers the update it was read for), and the repository's `CODEOWNERS` through the
//! contents API.
//!
//! GitHub lists at most [`FILES_LIMIT`] files of a pull request (100 a page): past that the
//! list is cut, and the stored list says so (`truncated`). `CODEOWNERS` is read from the first
//! of [`LOCATIONS`] that exists, as GitHub reads it, again only after a push to the repository
//! (its `pushed_at`; once a day when GitHub does not say).

use base64::Engine as _;
use reqwest::Url;
use serde_json::value::RawValue;
use tokio::task::JoinSet;

use crate::conflicts::codeowners::LOCATIONS;
use crate::conflicts::FILES_LIMIT;
use crate::connectors::http::{endpoint, Http};
use crate::connectors::Run;
use crate::graph::repo;
use crate::graph::repo::item_paths::{ItemPath, PathList, RepoOwners};
use crate::ingest::error::SyncError;
use crate::ingest::write::PageWrite;

use super::model::{ContentFile, PullFile};

/// Files per page (GitHub's most).
const PER_PAGE: usize = 100;

/// The files of one pull request, as listed (at most [`FILES_LIMIT`]), raw values kept.
struct Listed {
    files: Vec<(PullFile, Box<RawValue>)>,
    /// The list reached GitHub's limit.
    truncated: bool,
}

async fn files_of(http: &Http, first: Url) -> Result<Listed, SyncError> {
    let mut files = Vec::new();
    let mut url = Some(first);
    let max_pages = FILES_LIMIT.div_ceil(PER_PAGE);
    let mut pages = 0;
    while let Some(at) = url.take() {
        let (values, response) = http.get_json::<Vec<Box<RawValue>>>(&at).await?;
        for value in values {
            match serde_json::from_str::<PullFile>(value.get()) {
                Ok(file) => files.push((file, value)),
                Err(err) => {
                    tracing::warn!(%err, "skipping a pull request file that does not read as one")
                }
            }
        }
        pages += 1;
        url = http.next_page(&response)?;
        if pages >= max_pages {
            // GitHub serves no page past its limit; a server that does is not followed.
            url = None;
        }
    }
    let truncated = files.len() >= FILES_LIMIT;
    files.truncate(FILES_LIMIT);
    Ok(Listed { files, truncated })
}

/// The most pull requests whose files one run reads per repository (newest updates first): a
/// first sync of a large repository spreads its backlog over several runs, within the rate
/// limit.
pub const LISTS_PER_RUN: i64 = 1_000;

/// How many pull requests' file lists go in one write: a quarter of the page size (25 with
/// pages of 100; a list is several rows), and never fewer than are read at once. A write has a
/// cost of its own, so lists are not written four at a time; an interrupted run reads at most
/// this many again.
pub fn lists_per_write(options: &crate::connectors::SyncOptions) -> usize {
    (options.page_size as usize / 4).max(options.review_concurrency.max(1))
}

/// Reads the files of the repository's pull requests updated since their files were read
/// (never read: all), [`lists_per_write`] pull requests a write (`review_concurrency` requests
/// at a time); the lists of the next pull requests are read while a write goes on.
pub(super) async fn sync_lists(
    run: &mut Run<'_>,
    root: &Url,
    repository: &str,
    stream: &str,
) -> Result<(), SyncError> {
    let stale = repo::item_paths::stale_lists(
        run.ws.pool(),
        &run.source.id,
        &format!("{repository}#"),
        LISTS_PER_RUN,
    )
    .await?;
    for part in stale.chunks(lists_per_write(run.options)) {
        run.check_cancel()?;
        let lists = fetch(run, root, part).await?;
        let mut page = PageWrite::new(stream);
        page.paths = lists;
        run.commit(page).await?;
    }
    Ok(())
}

/// The file lists of pull requests (id, key `owner/repo#n`, update time), a few requests at a
/// time. A pull request whose files cannot be read (gone since it was listed) keeps its stored
/// list; other failures stop the stream (what was committed stays).
async fn fetch(
    run: &Run<'_>,
    root: &Url,
    items: &[(String, String, i64)],
) -> Result<Vec<PathList>, SyncError> {
    let mut set: JoinSet<(usize, Result<Listed, SyncError>)> = JoinSet::new();
    let limit = run.options.review_concurrency.max(1);
    let mut pending = items.iter().enumerate();
    let mut results: Vec<Option<Listed>> = Vec::new();
    results.resize_with(items.len(), || None);
    loop {
        while set.len() < limit {
            let Some((i, item)) = pending.next() else {
                break;
            };
            let Some((repo, number)) = item.1.rsplit_once('#') else {
                continue;
            };
            let url = endpoint(
                root,
                &format!("repos/{repo}/pulls/{number}/files"),
                &[("per_page", PER_PAGE.to_string())],
            )?;
            let http = run.http.clone();
            set.spawn(async move { (i, files_of(&http, url).await) });
        }
        let Some(joined) = set.join_next().await else {
            break;
        };
        let (i, result) =
            joined.map_err(|err| SyncError::Config(format!("a file list fetch stopped: {err}")))?;
        match result {
            Ok(listed) => results[i] = Some(listed),
            Err(SyncError::NoAccess(detail)) => {
                tracing::info!(%detail, "a pull request's files are gone; its stored list is kept");
            }
            Err(err) => return Err(err),
        }
    }
    let mut out = Vec::new();
    for ((id, _, updated), listed) in items.iter().zip(results) {
        let Some(listed) = listed else {
            continue;
        };
        let files: Vec<PullFile> = listed.files.into_iter().map(|(f, _)| f).collect();
        out.push(map_files(id, *updated, &files, listed.truncated));
    }
    Ok(out)
}

/// The stored list of a pull request's files as `/pulls/{n}/files` gave them (`read_for`: the
/// pull request's update time it was read for).
pub fn map_files(item_id: &str, read_for: i64, files: &[PullFile], truncated: bool) -> PathList {
    let paths: Vec<ItemPath> = files
        .iter()
        .map(|f| ItemPath {
            item_id: item_id.to_owned(),
            path: f.filename.clone(),
            status: if f.status.is_empty() {
                "modified".to_owned()
            } else {
                f.status.clone()
            },
            additions: i64::try_from(f.additions).unwrap_or(i64::MAX),
            deletions: i64::try_from(f.deletions).unwrap_or(i64::MAX),
            previous_path: f.previous_filename.clone(),
        })
        .collect();
    PathList {
        item_id: item_id.to_owned(),
        files: i64::try_from(paths.len()).unwrap_or(i64::MAX),
        truncated,
        read_for,
        paths,
    }
}

/// The `CODEOWNERS` a contents-API answer holds, to store.
pub fn map_codeowners(
    source_id: &str,
    repository: &str,
    location: &str,
    file: &ContentFile,
    now: i64,
) -> Option<RepoOwners> {
    let body = decode_content(file)?;
    Some(RepoOwners {
        source_id: source_id.to_owned(),
        repository: repository.to_owned(),
        location: Some(location.to_owned()),
        body,
        sha: file.sha.clone(),
        read_at: now,
    })
}

/// Decodes the text of a contents-API file (`base64`, with GitHub's line breaks).
pub fn decode_content(file: &ContentFile) -> Option<String> {
    if file.encoding.as_deref() != Some("base64") {
        return None;
    }
    let packed: String = file
        .content
        .as_deref()?
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(packed)
        .ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// How often a repository whose last push time is unknown has its `CODEOWNERS` read again.
pub const OWNERS_REREAD_MS: i64 = 24 * 60 * 60 * 1000;

/// Reads the repository's `CODEOWNERS` (the first location that exists) and returns it to
/// store, or `None` when what is stored is still current: nothing was pushed since it was read
/// (`pushed`, the repository's `pushed_at`; unknown: read at most once a day).
pub(super) async fn codeowners(
    run: &Run<'_>,
    root: &Url,
    repository: &str,
    pushed: Option<i64>,
    now: i64,
) -> Result<Option<RepoOwners>, SyncError> {
    let stored = repo::item_paths::owners_of(run.ws.pool(), &run.source.id, repository).await?;
    if let Some(stored) = &stored {
        let current = match pushed {
            Some(pushed) => pushed <= stored.read_at,
            None => now - stored.read_at < OWNERS_REREAD_MS,
        };
        if current {
            return Ok(None);
        }
    }
    for location in LOCATIONS {
        let url = endpoint(
            root,
            &format!("repos/{repository}/contents/{location}"),
            &[],
        )?;
        let file = match run.http.get_json::<ContentFile>(&url).await {
            Ok((file, _)) => file,
            Err(SyncError::NoAccess(_)) => continue,
            Err(err) => return Err(err),
        };
        if file.kind != "file" {
            continue;
        }
        let Some(found) = map_codeowners(&run.source.id, repository, location, &file, now) else {
            tracing::warn!(%repository, location, "a CODEOWNERS file that is not base64 text (over 1 MB?) is skipped");
            continue;
        };
        return Ok(Some(found));
    }
    Ok(Some(RepoOwners {
        source_id: run.source.id.clone(),
        repository: repository.to_owned(),
        location: None,
        body: String::new(),
        sha: None,
        read_at: now,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_holds_a_quarter_of_a_page_of_lists_and_never_fewer_than_are_read_at_once() {
        let options = crate::connectors::SyncOptions::default();
        assert_eq!(lists_per_write(&options), 25, "pages of 100");
        let small = crate::connectors::SyncOptions {
            page_size: 10,
            ..options
        };
        assert_eq!(lists_per_write(&small), small.review_concurrency);
    }

    #[test]
    fn contents_are_base64_with_line_breaks() {
        let file = ContentFile {
            kind: "file".into(),
            path: "CODEOWNERS".into(),
            sha: None,
            encoding: Some("base64".into()),
            content: Some("KiBAYWNt\nZS9wbGF0Zm9ybQo=\n".into()),
        };
        assert_eq!(decode_content(&file).as_deref(), Some("* @acme/platform\n"));
        let large = ContentFile {
            encoding: Some("none".into()),
            ..file
        };
        assert_eq!(
            decode_content(&large),
            None,
            "files over 1 MB come without content"
        );
    }
}
