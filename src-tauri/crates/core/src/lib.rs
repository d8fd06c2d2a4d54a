//! `baton-core`: every rule of Baton's domain, with no dependency on Tauri.
//!
//! - [`graph`]: the work graph (model, SQLite store, one repository module per table);
//! - [`query`]: read models for the app and the CLI (workspace summary, item lists, item detail);
//! - [`demo`]: the deterministic demo organisation;
//! - [`sync`]: the sync runtime (pollers, runs, progress, page writes) and [`connectors`]
//!   (GitHub, Jira Cloud); [`secrets`]: where tokens live;
//! - [`time`]: conversions between stored milliseconds and RFC 3339.

pub mod connectors;
pub mod demo;
pub mod deps;
pub mod error;
pub mod flow;
pub mod graph;
pub mod query;
pub mod replay;
pub mod rules;
pub mod secrets;
pub mod sync;
pub mod time;

pub use error::{CoreError, CoreResult, ErrorCode};
