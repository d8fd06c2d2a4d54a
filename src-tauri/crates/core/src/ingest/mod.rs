//! What every sync run is made of, below the connectors and the rules: the errors a run can
//! end with ([`error::SyncError`]), the injected [`clock::Clock`], progress reports
//! ([`progress`]) and the page writer ([`write`]).
//!
//! Layers, each using only those before it: `graph` → `ingest` → `rules` → `connectors` (the
//! HTTP client, the [`crate::connectors::Run`] a connector writes through, one folder per kind
//! of source) → `sync` (runs, pollers, the sources' use cases). `sync` re-exports this module's
//! parts for the app and the command line.

pub mod clock;
pub mod error;
pub mod progress;
pub mod write;

use std::sync::atomic::{AtomicU64, Ordering};

static ID_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh id: `prefix-<time>-<counter>`, unique within a process and across restarts.
pub fn new_id(prefix: &str, now_ms: i64) -> String {
    let n = ID_COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}-{now_ms:x}-{:x}{n:x}", nanos & 0xfff)
}
