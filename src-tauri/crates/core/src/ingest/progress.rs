//! Progress of sync runs, as a tagged enum sent through a callback: the shell turns it into a
//! typed Tauri event, the CLI into a progress bar. Page progress is throttled (at most one
//! event per [`THROTTLE_MS`]); starts, waits and ends always go through.

use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::ErrorCode;
use crate::graph::repo::sync_runs::RunFigures;
use crate::ingest::clock::Clock;
use crate::ingest::error::RunError;

/// Minimum time between two page-progress events of one run.
pub const THROTTLE_MS: i64 = 500;

/// How a run ended (or that it still runs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Running,
    Succeeded,
    Failed,
    Canceled,
    /// The run went to its end, but some repositories or projects failed for good (not found,
    /// gone, access removed, a pagination limit): their streams keep the error, the rest synced.
    FinishedWithErrors,
}

impl RunStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed => "failed",
            RunStatus::Canceled => "canceled",
            RunStatus::FinishedWithErrors => "finished_with_errors",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<RunStatus> {
        match text {
            "running" => Some(RunStatus::Running),
            "succeeded" => Some(RunStatus::Succeeded),
            "failed" => Some(RunStatus::Failed),
            "canceled" => Some(RunStatus::Canceled),
            "finished_with_errors" => Some(RunStatus::FinishedWithErrors),
            _ => None,
        }
    }
}

/// One step of a sync run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum SyncProgress {
    /// A run began.
    #[serde(rename_all = "camelCase")]
    Started { source_id: String, run_id: String },
    /// Pages were written.
    #[serde(rename_all = "camelCase")]
    Progress {
        source_id: String,
        run_id: String,
        /// The stream being walked (`issues:acme/pay`, `pulls:acme/pay`, `issues`...).
        stream: String,
        pages: u32,
        items: u32,
    },
    /// The run waits: a rate limit, or a backoff before a retry.
    #[serde(rename_all = "camelCase")]
    Waiting {
        source_id: String,
        run_id: String,
        rate_limit: bool,
        seconds: f64,
        /// When the wait ends (RFC 3339).
        until: String,
        reason: String,
    },
    /// A run ended.
    #[serde(rename_all = "camelCase")]
    Finished {
        source_id: String,
        run_id: String,
        status: RunStatus,
        pages: u32,
        items: u32,
        error_code: Option<ErrorCode>,
        /// The permission the token lacks, when the failure is a missing one and says which.
        missing_scope: Option<String>,
        error: Option<String>,
    },
}

/// Where progress goes.
pub type ProgressSink = Arc<dyn Fn(SyncProgress) + Send + Sync>;

/// A sink that drops everything.
pub fn silent() -> ProgressSink {
    Arc::new(|_| {})
}

/// Sends one run's progress, throttling page events.
pub struct ProgressEmitter {
    sink: ProgressSink,
    clock: Arc<dyn Clock>,
    source_id: String,
    run_id: String,
    last_page: Mutex<Option<i64>>,
}

impl ProgressEmitter {
    /// An emitter for one run.
    pub fn new(
        sink: ProgressSink,
        clock: Arc<dyn Clock>,
        source_id: &str,
        run_id: &str,
    ) -> ProgressEmitter {
        ProgressEmitter {
            sink,
            clock,
            source_id: source_id.to_owned(),
            run_id: run_id.to_owned(),
            last_page: Mutex::new(None),
        }
    }

    /// The run began.
    pub fn started(&self) {
        (self.sink)(SyncProgress::Started {
            source_id: self.source_id.clone(),
            run_id: self.run_id.clone(),
        });
    }

    /// A page was written (throttled).
    pub fn page(&self, stream: &str, figures: &RunFigures) {
        let now = self.clock.now_ms();
        if let Ok(mut last) = self.last_page.lock() {
            if last.is_some_and(|at| now - at < THROTTLE_MS) {
                return;
            }
            *last = Some(now);
        }
        (self.sink)(SyncProgress::Progress {
            source_id: self.source_id.clone(),
            run_id: self.run_id.clone(),
            stream: stream.to_owned(),
            pages: figures.pages as u32,
            items: figures.items as u32,
        });
    }

    /// The run waits.
    pub fn waiting(&self, rate_limit: bool, seconds: f64, until_ms: i64, reason: &str) {
        (self.sink)(SyncProgress::Waiting {
            source_id: self.source_id.clone(),
            run_id: self.run_id.clone(),
            rate_limit,
            seconds,
            until: crate::time::to_rfc3339(until_ms),
            reason: reason.to_owned(),
        });
    }

    /// The run ended.
    pub fn finished(&self, status: RunStatus, figures: &RunFigures, failure: Option<RunError>) {
        let (error_code, missing_scope, error) = match failure {
            Some(f) => (Some(f.code), f.missing_scope, Some(f.message)),
            None => (None, None, None),
        };
        (self.sink)(SyncProgress::Finished {
            source_id: self.source_id.clone(),
            run_id: self.run_id.clone(),
            status,
            pages: figures.pages as u32,
            items: figures.items as u32,
            error_code,
            missing_scope,
            error,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::clock::FakeClock;
    use std::time::Duration;

    #[test]
    fn page_events_are_throttled_but_ends_are_not() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink_seen = seen.clone();
        let clock = Arc::new(FakeClock::new(0));
        let emitter = ProgressEmitter::new(
            Arc::new(move |p| sink_seen.lock().map(|mut s| s.push(p)).unwrap_or(())),
            clock.clone(),
            "s",
            "r",
        );
        let figures = RunFigures::default();
        for _ in 0..10 {
            emitter.page("issues", &figures);
        }
        clock.advance(Duration::from_millis(600));
        emitter.page("issues", &figures);
        emitter.finished(RunStatus::Succeeded, &figures, None);
        let count = seen.lock().map(|s| s.len()).unwrap_or(0);
        assert_eq!(
            count, 3,
            "ten pages in one instant make one event; the end always shows"
        );
    }
}
