//! The sources' use cases, the same for the app's Sources screen and for `baton source …`:
//! list (with the last run and whether a sync runs now), add, edit, enable or disable, remove,
//! test a connection (with the stored token when none is given), history. They return view
//! types that cross IPC as they are.
//!
//! The token goes to the [`SecretStore`]; the row keeps only the name of the keychain entry.
//! When the app's [`Pollers`] are given, a change reloads them (and a removal cancels the
//! source's run); the command line has none.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use specta::Type;
use tokio_util::sync::CancellationToken;

use crate::connectors::http::Http;
use crate::connectors::{SourceScope, SyncOptions};
use crate::error::ErrorCode;
use crate::graph::model::{Source, SourceKind};
use crate::graph::repo::{self, sync_runs::SyncRun};
use crate::graph::{ChangeKind, Workspace, WriteOp, Writer};
use crate::ingest::clock::Clock;
use crate::ingest::error::{RunError, SyncError};
use crate::ingest::new_id;
use crate::ingest::progress::RunStatus;
use crate::secrets::{reference_for, Secret, SecretStore};
use crate::sync::runtime::Pollers;
use crate::sync::stored_token;

/// Default poll interval: every 10 minutes.
pub const DEFAULT_POLL_INTERVAL_MINUTES: u32 = 10;

/// The longest poll interval: a year.
pub const MAX_POLL_INTERVAL_MINUTES: u32 = 525_600;

/// What the add and edit forms (and `baton source add`) send.
#[derive(Debug, Clone, PartialEq, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SourceInput {
    pub name: String,
    /// GitHub: empty for github.com, else `https://HOST/api/v3`. Jira: the site URL.
    #[serde(default)]
    pub base_url: String,
    pub poll_interval_minutes: u32,
    /// Required when adding; when editing, none (or empty) keeps the stored token.
    #[serde(default)]
    pub token: Option<Secret>,
    /// What the source covers; its kind is the source's kind.
    pub scope: SourceScope,
}

impl SourceInput {
    /// The token typed in, if any.
    fn token(&self) -> Option<&Secret> {
        self.token.as_ref().filter(|t| !t.is_empty())
    }

    /// The input checked by the source's connector: name trimmed, scope and URL normalised.
    fn checked(&self) -> Result<Checked, SyncError> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(SyncError::Config("a source needs a name".into()));
        }
        let (scope, base_url) = self.scope.check(&self.base_url)?;
        if self.poll_interval_minutes == 0 {
            return Err(SyncError::Config("poll at most once a minute".into()));
        }
        if self.poll_interval_minutes > MAX_POLL_INTERVAL_MINUTES {
            return Err(SyncError::Config("poll at least once a year".into()));
        }
        Ok(Checked {
            name: name.to_owned(),
            base_url,
            scope,
            poll_interval_s: i64::from(self.poll_interval_minutes) * 60,
        })
    }
}

struct Checked {
    name: String,
    base_url: String,
    scope: SourceScope,
    poll_interval_s: i64,
}

/// A sync run as the history shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncRunView {
    pub id: String,
    /// RFC 3339.
    pub started_at: String,
    pub ended_at: Option<String>,
    pub status: RunStatus,
    pub pages: u32,
    pub items: u32,
    pub requests: u32,
    pub retries: u32,
    pub rate_limit_waits: u32,
    pub rate_limit_wait_seconds: f64,
    /// What kind of failure; `None` for a success, or for a code written by another version of
    /// Baton (the message still says what happened).
    pub error_code: Option<ErrorCode>,
    /// The permission the token lacked, when the failure is a missing one and said which.
    pub missing_scope: Option<String>,
    pub error: Option<String>,
}

impl From<SyncRun> for SyncRunView {
    fn from(r: SyncRun) -> Self {
        let (error_code, missing_scope) = r
            .error_code
            .as_deref()
            .map(RunError::read_stored_code)
            .unwrap_or_default();
        SyncRunView {
            id: r.id,
            started_at: crate::time::to_rfc3339(r.started_at),
            ended_at: r.ended_at.map(crate::time::to_rfc3339),
            status: RunStatus::parse(&r.status).unwrap_or(RunStatus::Failed),
            pages: count(r.pages),
            items: count(r.items),
            requests: count(r.requests),
            retries: count(r.retries),
            rate_limit_waits: count(r.rate_limit_waits),
            rate_limit_wait_seconds: r.rate_limit_wait_ms.max(0) as f64 / 1000.0,
            error_code,
            missing_scope,
            error: r.error,
        }
    }
}

fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// A source as the Sources screen shows it (never its token).
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SourceView {
    pub id: String,
    pub kind: SourceKind,
    pub name: String,
    pub base_url: String,
    /// What it covers; `None` for a kind this version cannot sync (the demo's Linear source) or
    /// a scope that cannot be read.
    pub scope: Option<SourceScope>,
    pub poll_interval_minutes: u32,
    pub enabled: bool,
    /// Generated demo data: never synced.
    pub synthetic: bool,
    /// A sync is running now.
    pub syncing: bool,
    pub last_run: Option<SyncRunView>,
    /// Streams (a repository's issues, a Jira project) whose last walk failed for good and that
    /// have not synced since, by stream.
    pub stream_errors: Vec<StreamErrorView>,
}

/// A stream that failed for good: the rest of its source syncs; it is tried again each run.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StreamErrorView {
    /// `issues:acme/web`, `pulls:acme/web`, `repo:acme/gone`, `issues:PAY`.
    pub stream: String,
    /// `None` for a code written by another version of Baton.
    pub error_code: Option<ErrorCode>,
    pub missing_scope: Option<String>,
    pub error: String,
    /// RFC 3339.
    pub failed_at: String,
}

/// The outcome of "test connection".
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionTest {
    pub ok: bool,
    /// Why it failed.
    pub code: Option<ErrorCode>,
    /// The permission the token lacks, when the failure is a missing one and says which.
    pub missing_scope: Option<String>,
    /// A sentence for the person (the account on success).
    pub message: String,
}

impl ConnectionTest {
    fn failed(err: &SyncError) -> ConnectionTest {
        ConnectionTest {
            ok: false,
            code: Some(err.kind()),
            missing_scope: err.missing_scope().map(str::to_owned),
            message: err.to_string(),
        }
    }
}

/// A source with its last run. `syncing`: ids of the sources with a sync in progress.
async fn view(ws: &Workspace, source: Source, syncing: &[String]) -> Result<SourceView, SyncError> {
    let last_run = repo::sync_runs::recent(ws.pool(), &source.id, 1)
        .await?
        .into_iter()
        .next()
        .map(SyncRunView::from);
    let stream_errors = repo::sync_cursors::errors(ws.pool(), &source.id)
        .await?
        .into_iter()
        .map(|e| {
            let (error_code, missing_scope) = RunError::read_stored_code(&e.error_code);
            StreamErrorView {
                stream: e.stream,
                error_code,
                missing_scope,
                error: e.error,
                failed_at: crate::time::to_rfc3339(e.failed_at),
            }
        })
        .collect();
    let scope = SourceScope::from_stored(source.kind, &source.scope)
        .inspect_err(|err| {
            if crate::connectors::syncable(source.kind) {
                tracing::warn!(source = %source.id, %err, "the source's scope cannot be read");
            }
        })
        .ok();
    Ok(SourceView {
        syncing: syncing.contains(&source.id),
        scope,
        poll_interval_minutes: u32::try_from(source.poll_interval_s / 60).unwrap_or(0),
        id: source.id,
        kind: source.kind,
        name: source.name,
        base_url: source.base_url,
        enabled: source.enabled,
        synthetic: source.synthetic,
        last_run,
        stream_errors,
    })
}

fn running(pollers: Option<&Pollers>) -> Vec<String> {
    pollers.map(Pollers::running).unwrap_or_default()
}

async fn reload(pollers: Option<&Pollers>) {
    if let Some(pollers) = pollers {
        if let Err(err) = pollers.reload().await {
            tracing::warn!(code = err.code(), %err, "could not reload the pollers");
        }
    }
}

/// Every source with its last run, by name.
pub async fn list(ws: &Workspace, pollers: Option<&Pollers>) -> Result<Vec<SourceView>, SyncError> {
    let syncing = running(pollers);
    let mut out = Vec::new();
    for source in repo::sources::list(ws.pool()).await? {
        out.push(view(ws, source, &syncing).await?);
    }
    Ok(out)
}

/// One source with its last run.
pub async fn show(
    ws: &Workspace,
    pollers: Option<&Pollers>,
    id: &str,
) -> Result<SourceView, SyncError> {
    let source = get(ws, id).await?;
    view(ws, source, &running(pollers)).await
}

/// Adds a source and stores its token; nothing is saved when the keychain refuses it.
pub async fn add(
    ws: &Workspace,
    secrets: &dyn SecretStore,
    pollers: Option<&Pollers>,
    input: &SourceInput,
    now: i64,
) -> Result<SourceView, SyncError> {
    let checked = input.checked()?;
    // A file is read from the disk: it has no token.
    let token = if checked.scope.needs_token() {
        Some(
            input
                .token()
                .ok_or_else(|| SyncError::Config("a source needs a token".into()))?,
        )
    } else {
        None
    };
    let id = new_id("src", now);
    let reference = reference_for(&id);
    let source = Source {
        id,
        kind: checked.scope.kind(),
        name: checked.name,
        base_url: checked.base_url,
        scope: checked.scope.to_stored(),
        secret_ref: token.is_some().then(|| reference.clone()),
        poll_interval_s: checked.poll_interval_s,
        enabled: true,
        synthetic: false,
        created_at: now,
    };
    // The token is stored inside the write: when the keychain refuses, nothing is saved.
    ws.write(SaveSource {
        source: &source,
        token: token.map(|t| (reference.as_str(), t, secrets)),
        unique_name: true,
    })
    .await?;
    tracing::info!(source = %source.id, kind = %source.kind, "source added");
    reload(pollers).await;
    view(ws, source, &[]).await
}

/// Saves a source's row (and its token, when given), refusing a name another source has.
struct SaveSource<'a> {
    source: &'a Source,
    token: Option<(&'a str, &'a Secret, &'a dyn SecretStore)>,
    unique_name: bool,
}

impl WriteOp for SaveSource<'_> {
    type Output = ();
    type Error = SyncError;

    async fn apply(self, w: &mut Writer<'_>) -> Result<(), SyncError> {
        let source = self.source;
        if self.unique_name
            && repo::sources::list(w.conn())
                .await?
                .iter()
                .any(|s| s.name == source.name && s.id != source.id)
        {
            return Err(SyncError::Config(format!(
                "a source named {:?} already exists",
                source.name
            )));
        }
        repo::sources::upsert(w.conn(), source).await?;
        if let Some((reference, token, secrets)) = self.token {
            secrets.set(reference, token)?;
        }
        w.changed(ChangeKind::Sources);
        Ok(())
    }
}

/// Changes a source's settings; a token in the input (when given) replaces the stored one.
pub async fn edit(
    ws: &Workspace,
    secrets: &dyn SecretStore,
    pollers: Option<&Pollers>,
    id: &str,
    input: &SourceInput,
) -> Result<SourceView, SyncError> {
    let checked = input.checked()?;
    let existing = get(ws, id).await?;
    if existing.synthetic {
        return Err(SyncError::Config(format!(
            "{} is generated demo data and cannot be edited",
            existing.name
        )));
    }
    if existing.kind != checked.scope.kind() {
        return Err(SyncError::Config(format!(
            "{} is a {} source; a source's kind cannot change (add a new source instead)",
            existing.name, existing.kind
        )));
    }
    let reference = existing
        .secret_ref
        .clone()
        .unwrap_or_else(|| reference_for(id));
    let source = Source {
        name: checked.name,
        base_url: checked.base_url,
        scope: checked.scope.to_stored(),
        poll_interval_s: checked.poll_interval_s,
        secret_ref: checked.scope.needs_token().then(|| reference.clone()),
        ..existing
    };
    let token = input.token().filter(|_| checked.scope.needs_token());
    ws.write(SaveSource {
        source: &source,
        token: token.map(|t| (reference.as_str(), t, secrets)),
        unique_name: true,
    })
    .await?;
    reload(pollers).await;
    view(ws, source, &running(pollers)).await
}

/// Turns polling on or off ("sync now" still works when it is off).
pub async fn set_enabled(
    ws: &Workspace,
    pollers: Option<&Pollers>,
    id: &str,
    enabled: bool,
) -> Result<SourceView, SyncError> {
    let mut source = get(ws, id).await?;
    source.enabled = enabled;
    ws.write(SaveSource {
        source: &source,
        token: None,
        unique_name: false,
    })
    .await?;
    reload(pollers).await;
    view(ws, source, &running(pollers)).await
}

/// Removes a source, everything synced from it, and its token; its run in progress (if any) is
/// canceled first.
pub async fn remove(
    ws: &Workspace,
    secrets: &dyn SecretStore,
    pollers: Option<&Pollers>,
    id: &str,
) -> Result<(), SyncError> {
    let existing = get(ws, id).await?;
    if let Some(pollers) = pollers {
        pollers.cancel(id);
    }
    ws.write(RemoveSource { id }).await?;
    if let Some(reference) = existing.secret_ref {
        if let Err(err) = secrets.delete(&reference) {
            tracing::warn!(source = %id, code = err.code(), "the source is removed but its keychain entry could not be deleted");
        }
    }
    reload(pollers).await;
    Ok(())
}

/// Deletes a source's row; everything synced from it goes with it (foreign keys cascade).
struct RemoveSource<'a> {
    id: &'a str,
}

impl WriteOp for RemoveSource<'_> {
    type Output = ();
    type Error = SyncError;

    async fn apply(self, w: &mut Writer<'_>) -> Result<(), SyncError> {
        if !repo::sources::delete(w.conn(), self.id).await? {
            return Err(SyncError::Config(format!("there is no source {}", self.id)));
        }
        w.changed(ChangeKind::Sources);
        w.changed(ChangeKind::SyncRuns);
        w.changed(ChangeKind::People);
        w.all_items_changed();
        Ok(())
    }
}

/// The source's latest runs, newest first (`limit` between 1 and 1,000).
pub async fn history(ws: &Workspace, id: &str, limit: u32) -> Result<Vec<SyncRunView>, SyncError> {
    get(ws, id).await?;
    let runs = repo::sync_runs::recent(ws.pool(), id, i64::from(limit.clamp(1, 1_000))).await?;
    Ok(runs.into_iter().map(SyncRunView::from).collect())
}

/// One source.
pub async fn get(ws: &Workspace, id: &str) -> Result<Source, SyncError> {
    repo::sources::get(ws.pool(), id)
        .await?
        .ok_or_else(|| SyncError::Config(format!("there is no source {id}")))
}

/// A source by name or id.
pub async fn find(ws: &Workspace, name_or_id: &str) -> Result<Source, SyncError> {
    repo::sources::list(ws.pool())
        .await?
        .into_iter()
        .find(|s| s.name == name_or_id || s.id == name_or_id)
        .ok_or_else(|| SyncError::Config(format!("there is no source named {name_or_id:?}")))
}

/// Tries settings and a token against the source without writing anything: a sentence naming
/// the account on success, a coded failure (bad token, missing permission, no access, wrong
/// URL, offline, settings that do not hold) otherwise.
pub async fn test_connection(
    input: &SourceInput,
    token: &Secret,
    options: &SyncOptions,
    clock: Arc<dyn Clock>,
) -> ConnectionTest {
    match try_connection(input, token, options, clock).await {
        Ok(message) => ConnectionTest {
            ok: true,
            code: None,
            missing_scope: None,
            message,
        },
        Err(err) => ConnectionTest::failed(&err),
    }
}

async fn try_connection(
    input: &SourceInput,
    token: &Secret,
    options: &SyncOptions,
    clock: Arc<dyn Clock>,
) -> Result<String, SyncError> {
    // The name does not matter to a test; everything else is checked as when saving.
    let checked = SourceInput {
        name: "connection test".into(),
        ..input.clone()
    }
    .checked()?;
    if token.is_empty() && checked.scope.needs_token() {
        return Err(SyncError::Config("enter the token to test".into()));
    }
    // A connection test should answer quickly: fewer retries and no long rate-limit waits.
    let mut http_options = options.http.clone();
    http_options.max_retries = http_options.max_retries.min(1);
    http_options.max_rate_limit_waits = 0;
    let http = Http::new(
        checked.scope.auth(token.clone()),
        http_options,
        checked.scope.rate_limits(),
        clock,
        CancellationToken::new(),
    )?;
    checked
        .scope
        .test_connection(&http, &checked.base_url)
        .await
}

/// "Test connection" of the add and edit forms: with the form's token, else (when editing,
/// `id` given) the stored token of that source.
pub async fn test_form(
    ws: &Workspace,
    secrets: &dyn SecretStore,
    input: &SourceInput,
    id: Option<&str>,
    options: &SyncOptions,
    clock: Arc<dyn Clock>,
) -> Result<ConnectionTest, SyncError> {
    let token = match (input.token(), id) {
        _ if !input.scope.needs_token() => Secret::new(""),
        (Some(token), _) => token.clone(),
        (None, Some(id)) => stored_token(&get(ws, id).await?, secrets)?,
        (None, None) => return Err(SyncError::Config("enter the token to test".into())),
    };
    Ok(test_connection(input, &token, options, clock).await)
}

/// Tests a saved source's connection with its stored settings and token (`baton source test`).
pub async fn test_saved(
    ws: &Workspace,
    secrets: &dyn SecretStore,
    id: &str,
    options: &SyncOptions,
    clock: Arc<dyn Clock>,
) -> Result<ConnectionTest, SyncError> {
    let source = get(ws, id).await?;
    if source.synthetic {
        return Err(SyncError::Config(format!(
            "{} is generated demo data and has no connection",
            source.name
        )));
    }
    let input = SourceInput {
        name: source.name.clone(),
        base_url: source.base_url.clone(),
        poll_interval_minutes: u32::try_from(source.poll_interval_s / 60)
            .unwrap_or(DEFAULT_POLL_INTERVAL_MINUTES)
            .clamp(1, MAX_POLL_INTERVAL_MINUTES),
        token: None,
        scope: SourceScope::from_stored(source.kind, &source.scope)?,
    };
    let token = if input.scope.needs_token() {
        stored_token(&source, secrets)?
    } else {
        Secret::new("")
    };
    Ok(test_connection(&input, &token, options, clock).await)
}
