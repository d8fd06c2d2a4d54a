//! The sync runtime: runs a source's connector, records the run, reports progress, and keeps
//! one cancellable poller task per source on a schedule (see [`runtime`]).
//!
//! A run: take the source's [`lock`] and insert the run row (closing runs left "running" by a
//! stopped process, once its lock is known stale); read the token from the [`SecretStore`]; walk
//! the source's streams, committing each page with its cursor ([`write`]); end the row as
//! succeeded, failed (with the error's code and text) or canceled, and give the lock up.
//! Nothing fails silently: every failure ends up in `sync_runs` and in a `Finished` event; a
//! sync refused because another one of the source is going gets a `Finished` event only (the
//! going run is the history).

pub mod lock;
pub mod rederive;
pub mod runtime;
pub mod sources;

// The parts of a run the app and the command line name, under the one path they use.
pub use crate::connectors::SyncOptions;
pub use crate::ingest::{clock, error, new_id, progress, write};

use std::sync::atomic::Ordering;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::connectors::http::Http;
use crate::connectors::{Run, SourceScope, StateMeanings, StreamFailure};
use crate::graph::model::Source;
use crate::graph::repo::{self, sync_runs::SyncRun};
use crate::graph::Workspace;
use crate::secrets::{Secret, SecretStore};

use crate::ingest::clock::Clock;
use crate::ingest::error::{RunError, SyncError};
use crate::ingest::progress::{ProgressEmitter, ProgressSink, RunStatus};
use crate::ingest::write::RunFigures;
use crate::rules::eval::Rules;

/// What every run needs: the workspace, where tokens are, the clock, where progress goes.
#[derive(Clone)]
pub struct SyncContext {
    pub ws: Workspace,
    pub secrets: Arc<dyn SecretStore>,
    pub clock: Arc<dyn Clock>,
    pub progress: ProgressSink,
    pub options: SyncOptions,
}

impl std::fmt::Debug for SyncContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncContext")
            .field("workspace", &self.ws.path())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub struct RunReport {
    pub run_id: String,
    pub status: RunStatus,
    pub figures: RunFigures,
    /// (code, message) when it failed or was canceled.
    pub error: Option<(String, String)>,
}

/// A source's token, from the secret store.
pub fn stored_token(source: &Source, secrets: &dyn SecretStore) -> Result<Secret, SyncError> {
    let reference = source
        .secret_ref
        .clone()
        .unwrap_or_else(|| crate::secrets::reference_for(&source.id));
    secrets
        .get(&reference)?
        .filter(|t| !t.is_empty())
        .ok_or_else(|| SyncError::SecretMissing(source.name.clone()))
}

/// Runs one sync of one source to its end, recording it in `sync_runs`. A failure is returned
/// in the report (and recorded), not as an `Err`: `Err` is only for a source that does not
/// exist, a workspace that cannot record the run at all, or a sync of the source already going
/// (here or in another process: [`SyncError::InProgress`], code `sync_in_progress`, nothing
/// recorded).
#[tracing::instrument(skip_all, fields(source = %source_id))]
pub async fn run_source(
    ctx: &SyncContext,
    source_id: &str,
    cancel: CancellationToken,
) -> Result<RunReport, SyncError> {
    let ws = &ctx.ws;
    // A planning session's copy is frozen: numbers must not move while people decide.
    if let Some((session, from, _)) = repo::scenarios::session_self(ws.pool()).await? {
        return Err(SyncError::Config(format!(
            "this file is the frozen copy of planning session {session} (of {from}): it is never synced; sync the workspace it was copied from"
        )));
    }
    let source = repo::sources::get(ws.pool(), source_id)
        .await?
        .ok_or_else(|| SyncError::Config(format!("there is no source {source_id}")))?;
    let started_at = ctx.clock.now_ms();
    let run_id = new_id("run", started_at);
    let mut row = SyncRun {
        id: run_id.clone(),
        source_id: source.id.clone(),
        started_at,
        ended_at: None,
        status: RunStatus::Running.as_str().into(),
        pages: 0,
        items: 0,
        rate_limit_waits: 0,
        rate_limit_wait_ms: 0,
        requests: 0,
        retries: 0,
        error_code: None,
        error: None,
    };
    let emitter = Arc::new(ProgressEmitter::new(
        ctx.progress.clone(),
        ctx.clock.clone(),
        &source.id,
        &run_id,
    ));
    let lock = match lock::start_run(ws, &source.name, &row, &cancel).await {
        Ok(lock) => lock,
        Err(err) => {
            if let SyncError::InProgress(message) = &err {
                tracing::info!(%message, "sync refused: another sync of this source is going");
                emitter.finished(
                    RunStatus::Failed,
                    &RunFigures::default(),
                    Some(RunError::of(&err)),
                );
            }
            return Err(err);
        }
    };
    if lock.interrupted() > 0 {
        tracing::warn!(
            interrupted = lock.interrupted(),
            "earlier runs were interrupted; resuming from their last page"
        );
    }
    emitter.started();
    tracing::info!(run = %run_id, name = %source.name, "sync started");

    let mut figures = RunFigures::default();
    let mut streams = StreamsOutcome::default();
    let outcome = walk_source(
        ctx,
        &source,
        &run_id,
        started_at,
        &emitter,
        lock.cancel_token(),
        &mut figures,
        &mut streams,
    )
    .await;
    let outcome = lock.outcome(outcome);
    // People met on this source may be people already known from another: merge the strong
    // matches (an e-mail address, a full name) before the run ends.
    if figures.pages > 0 {
        match crate::people::match_automatically(ws).await {
            Ok(0) => {}
            Ok(merged) => tracing::info!(merged, "people matched across sources"),
            Err(err) => tracing::warn!(%err, "matching people across sources failed"),
        }
    }

    let (status, failure) = match &outcome {
        Ok(()) if streams.failures.is_empty() && streams.skipped.is_empty() => {
            (RunStatus::Succeeded, None)
        }
        // Some records could not be read; the others were imported.
        Ok(()) if streams.failures.is_empty() => (
            RunStatus::FinishedWithErrors,
            Some(streams.skipped_summary()),
        ),
        // Some repositories or projects failed for good: the run says which. When nothing else
        // synced, the run failed.
        Ok(()) => (
            if streams.done == 0 {
                RunStatus::Failed
            } else {
                RunStatus::FinishedWithErrors
            },
            Some(streams.summary()),
        ),
        Err(err @ SyncError::Canceled) => (RunStatus::Canceled, Some(RunError::of(err))),
        Err(err) => (RunStatus::Failed, Some(RunError::of(err))),
    };
    let error = failure
        .as_ref()
        .map(|f| (f.code.as_str().to_owned(), f.message.clone()));
    row.ended_at = Some(ctx.clock.now_ms());
    row.status = status.as_str().into();
    row.pages = figures.pages;
    row.items = figures.items;
    row.requests = figures.requests;
    row.retries = figures.retries;
    row.rate_limit_waits = figures.rate_limit_waits;
    row.rate_limit_wait_ms = figures.rate_limit_wait_ms;
    row.error_code = failure.as_ref().map(RunError::stored_code);
    row.error = error.as_ref().map(|(_, message)| message.clone());
    lock.finish(ws, &row).await?;
    match &error {
        None => {
            tracing::info!(run = %run_id, pages = figures.pages, items = figures.items, "sync succeeded")
        }
        Some((code, message)) => {
            tracing::warn!(run = %run_id, %code, %message, "sync did not succeed")
        }
    }
    emitter.finished(status, &figures, failure);
    Ok(RunReport {
        run_id,
        status,
        figures,
        error,
    })
}

/// The streams of a run that went to its end: how many synced, which failed for good.
#[derive(Debug, Default)]
struct StreamsOutcome {
    done: u32,
    failures: Vec<StreamFailure>,
    /// Records that could not be imported, each saying where and why (see `Run::skipped`).
    skipped: Vec<String>,
}

/// Skipped records a run's message lists; it says how many more there are.
const SKIPPED_LISTED: usize = 5;

impl StreamsOutcome {
    /// The run's error when records were skipped: how many, and the first few with where
    /// they are and why.
    fn skipped_summary(&self) -> RunError {
        let n = self.skipped.len();
        let listed: Vec<&str> = self
            .skipped
            .iter()
            .take(SKIPPED_LISTED)
            .map(String::as_str)
            .collect();
        let more = n.saturating_sub(SKIPPED_LISTED);
        RunError {
            code: crate::error::ErrorCode::MalformedResponse,
            missing_scope: None,
            message: format!(
                "{n} record{} could not be imported (the others were): {}{}",
                if n == 1 { "" } else { "s" },
                listed.join("; "),
                if more > 0 {
                    format!("; and {more} more")
                } else {
                    String::new()
                }
            ),
        }
    }

    /// The run's error when streams failed: the first failure's code (and missing permission),
    /// and a message naming every failed stream.
    fn summary(&self) -> RunError {
        let first = self
            .failures
            .first()
            .map(|f| f.error.clone())
            .unwrap_or(RunError {
                code: crate::error::ErrorCode::Refused,
                missing_scope: None,
                message: String::new(),
            });
        let total = self.failures.len() as u32 + self.done;
        let listed: Vec<String> = self
            .failures
            .iter()
            .map(|f| format!("{}: {}", f.stream, f.error.message))
            .collect();
        RunError {
            message: format!(
                "{} of {total} streams failed and were skipped (the others synced): {}",
                self.failures.len(),
                listed.join("; ")
            ),
            ..first
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn walk_source(
    ctx: &SyncContext,
    source: &Source,
    run_id: &str,
    started_at: i64,
    emitter: &Arc<ProgressEmitter>,
    cancel: CancellationToken,
    figures: &mut RunFigures,
    streams: &mut StreamsOutcome,
) -> Result<(), SyncError> {
    if source.synthetic {
        return Err(SyncError::Config(format!(
            "{} is generated demo data and is never synced",
            source.name
        )));
    }
    // The source's kind picks its connector; a kind without one is refused here.
    let (scope, _) =
        SourceScope::from_stored(source.kind, &source.scope)?.check(&source.base_url)?;
    let token = if scope.needs_token() {
        stored_token(source, ctx.secrets.as_ref())?
    } else {
        crate::secrets::Secret::new("")
    };
    let auth = scope.auth(token);
    let observer_emitter = emitter.clone();
    let http = Http::new(
        auth,
        ctx.options.http.clone(),
        scope.rate_limits(),
        ctx.clock.clone(),
        cancel,
    )?
    .with_observer(Arc::new(move |notice| {
        observer_emitter.waiting(
            notice.rate_limit,
            notice.duration.as_secs_f64(),
            notice.until_ms,
            &notice.reason,
        );
    }));
    let mut run = Run::new(
        &ctx.ws,
        source,
        run_id.to_owned(),
        http,
        ctx.clock.clone(),
        Rules::load(&ctx.ws, &source.id).await?,
        StateMeanings::load(&ctx.ws, &source.id).await?,
        &ctx.options,
        emitter,
        started_at,
    );
    let result = scope.sync(&mut run).await;
    // The last page's write finishes even when a later step failed: it is good data.
    let flushed = run.flush().await;
    let result = match (result, flushed) {
        (Ok(()), flushed) => flushed,
        (Err(err), _) => Err(err),
    };
    tracing::debug!(
        pages = run.figures.pages,
        waited_for_writer_ms = run.pipeline.waited_for_writer.as_millis() as u64,
        writer_idle_ms = run.pipeline.writer_idle.as_millis() as u64,
        "page pipeline"
    );
    // Figures include the requests of a failed last page.
    let stats = run.http.stats();
    run.figures.requests = stats.requests.load(Ordering::Relaxed) as i64;
    run.figures.retries = stats.retries.load(Ordering::Relaxed) as i64;
    run.figures.rate_limit_waits = stats.rate_limit_waits.load(Ordering::Relaxed) as i64;
    run.figures.rate_limit_wait_ms = stats.rate_limit_wait_ms.load(Ordering::Relaxed) as i64;
    *figures = run.figures;
    streams.done = run.streams_done;
    streams.failures = std::mem::take(&mut run.failures);
    streams.skipped = std::mem::take(&mut run.skipped);
    result
}
