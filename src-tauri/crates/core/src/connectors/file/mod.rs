//! File sources: work that lives in a file people already have, imported as a source like any
//! other (runs, history, errors, re-derivation), read from the disk instead of an API.
//!
//! Three layouts ([`FileFormat`]):
//! - Baton's own JSON lines (`baton-items`, one [`FileItem`] per line, documented in
//!   `docs/connectors.md`): what `baton export` writes, so data moves between workspaces;
//! - Jira's CSV export ("Export issues → CSV (all fields)");
//! - one row per item with one column per workflow state holding the date the item entered it
//!   (the layout flow analytics tools commonly accept).
//!
//! Every layout is read into [`FileItem`]s ([`read`]), then mapped to the work graph ([`map`])
//! through the workflow map and the rules, as the API connectors' records are. Re-importing a
//! file updates the items it imported before (ids come from the file's id column), a row that
//! cannot be read is reported with its line number and the others are imported.

pub mod export;
pub mod map;
pub mod read;

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::connectors::http::{Auth, Http, RateLimitStyle};
use crate::connectors::kinds::Connector;
use crate::connectors::Run;
use crate::graph::model::SourceKind;
use crate::ingest::error::SyncError;
use crate::secrets::Secret;

pub use self::read::{FileItem, FileLink, FileTransition};

/// The layout of a file source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    /// Baton's JSON lines (`baton export`).
    BatonJsonl,
    /// Jira's CSV export.
    JiraCsv,
    /// One row per item, one column per state with the date the item entered it.
    StatesCsv,
}

impl FileFormat {
    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            FileFormat::BatonJsonl => "Baton JSON lines",
            FileFormat::JiraCsv => "Jira CSV export",
            FileFormat::StatesCsv => "CSV, one column per state",
        }
    }
}

/// Which column of a CSV file holds what. Empty fields take the layout's default (Jira's
/// export names its columns; a states file's are guessed by [`read::preview`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct FileColumns {
    /// The item's stable id in the file (required): re-importing updates the item with it.
    #[serde(default)]
    pub id: Option<String>,
    /// The key people know it by (`PAY-12`); the id when absent.
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    /// The type of work (`Bug`, `Story`, `feature`…).
    #[serde(default)]
    pub item_type: Option<String>,
    /// The team's name; a team of that name is created when the workspace has none.
    #[serde(default)]
    pub team: Option<String>,
    /// The current state (Jira: `Status`). A states file's current state is the last state
    /// column with a date.
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub created: Option<String>,
    #[serde(default)]
    pub updated: Option<String>,
    /// When the item was finished (Jira: `Resolved`).
    #[serde(default)]
    pub resolved: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub priority: Option<String>,
    /// The item's estimate in story points (or the tracker's unit); Jira's export names it
    /// `Custom field (Story Points)` or `Custom field (Story point estimate)`.
    #[serde(default)]
    pub estimate: Option<String>,
    /// Every column of this name is a label (Jira repeats `Labels`).
    #[serde(default)]
    pub labels: Option<String>,
    /// The parent's id or key.
    #[serde(default)]
    pub parent: Option<String>,
    /// A states file's state columns, in workflow order.
    #[serde(default)]
    pub states: Vec<String>,
    /// How dates are written when Baton cannot tell (`%d/%m/%Y`, chrono's format), read in UTC.
    #[serde(default)]
    pub date_format: Option<String>,
}

/// What a file source reads (stored as the `scope` JSON of its row).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct FileScope {
    /// The file's absolute path on this computer.
    pub path: String,
    pub format: FileFormat,
    /// Boxed: a scope crosses the app in an enum whose other variants are small.
    #[serde(default)]
    pub columns: Box<FileColumns>,
}

impl FileScope {
    /// The scope checked for saving: [`FileScope::normalised`], and a states file names its
    /// state columns.
    pub fn checked(&self) -> Result<FileScope, SyncError> {
        let scope = self.normalised()?;
        if scope.format == FileFormat::StatesCsv && scope.columns.states.is_empty() {
            return Err(SyncError::Config(
                "choose the columns that hold the date each state was entered".into(),
            ));
        }
        Ok(scope)
    }

    /// The scope with the path trimmed and absolute and blank columns dropped: enough to read
    /// the file for a preview, which guesses the columns not named yet.
    pub fn normalised(&self) -> Result<FileScope, SyncError> {
        let path = self.path.trim();
        if path.is_empty() {
            return Err(SyncError::Config(
                "a file source needs the file's path".into(),
            ));
        }
        if !std::path::Path::new(path).is_absolute() {
            return Err(SyncError::Config(format!(
                "{path:?} is not an absolute path; give the whole path of the file"
            )));
        }
        let blank = |c: &Option<String>| {
            c.as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
        };
        let c = &self.columns;
        let columns = FileColumns {
            id: blank(&c.id),
            key: blank(&c.key),
            title: blank(&c.title),
            item_type: blank(&c.item_type),
            team: blank(&c.team),
            state: blank(&c.state),
            created: blank(&c.created),
            updated: blank(&c.updated),
            resolved: blank(&c.resolved),
            owner: blank(&c.owner),
            author: blank(&c.author),
            priority: blank(&c.priority),
            estimate: blank(&c.estimate),
            labels: blank(&c.labels),
            parent: blank(&c.parent),
            states: c
                .states
                .iter()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
            date_format: blank(&c.date_format),
        };
        Ok(FileScope {
            path: path.to_owned(),
            format: self.format,
            columns: Box::new(columns),
        })
    }
}

/// A file on this computer.
#[derive(Debug, Clone, Copy, Default)]
pub struct FileConnector;

/// The one stream of a file source.
pub const ROWS_STREAM: &str = "rows";

impl Connector for FileConnector {
    type Scope = FileScope;
    const KIND: SourceKind = SourceKind::File;
    const RATE_LIMITS: RateLimitStyle = RateLimitStyle::Github;

    fn check(&self, scope: &FileScope, _base_url: &str) -> Result<(FileScope, String), SyncError> {
        // A file has no address: the URL is always empty.
        Ok((scope.checked()?, String::new()))
    }

    fn auth(&self, _scope: &FileScope, _token: Secret) -> Auth {
        Auth::None
    }

    async fn sync(&self, run: &mut Run<'_>, scope: &FileScope) -> Result<(), SyncError> {
        map::sync(run, scope).await
    }

    async fn test_connection(
        &self,
        _http: &Http,
        _base_url: &str,
        scope: &FileScope,
    ) -> Result<String, SyncError> {
        let preview = read::preview(scope).await?;
        let errors = preview.errors_total;
        Ok(format!(
            "{} readable as {}: {} item{}{}",
            scope.path,
            scope.format.label(),
            preview.items_total,
            if preview.items_total == 1 { "" } else { "s" },
            if errors == 0 {
                String::new()
            } else {
                format!(
                    ", {errors} row{} with errors (the first: line {}: {})",
                    if errors == 1 { "" } else { "s" },
                    preview.errors.first().map_or(0, |e| e.line),
                    preview.errors.first().map_or("", |e| e.message.as_str())
                )
            }
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATES: &str = "ID,Title,Team,Backlog,Doing,Done\nA-1,Refund,Payments,2026-01-05,2026-01-06,2026-01-08\nA-2,Copy,Checkout,2026-01-07,,\n";

    #[test]
    fn a_states_file_is_previewed_before_its_columns_are_chosen_but_not_saved_without_them() {
        let scope = FileScope {
            path: "/data/flow.csv".into(),
            format: FileFormat::StatesCsv,
            columns: Box::default(),
        };
        let refused = scope
            .checked()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(refused.contains("choose the columns"), "{refused}");
        let preview = scope
            .normalised()
            .and_then(|s| read::preview_bytes(STATES.as_bytes(), &s));
        let preview = preview.map_err(|e| e.to_string());
        let Ok(preview) = preview else {
            panic!("the preview reads the file: {preview:?}");
        };
        assert_eq!(preview.columns.id.as_deref(), Some("ID"));
        assert_eq!(preview.columns.team.as_deref(), Some("Team"));
        assert_eq!(
            preview.columns.states,
            ["Backlog", "Doing", "Done"],
            "the dated columns"
        );
        assert_eq!(preview.items_total, 2);
        assert_eq!(preview.items[0].state, "Done");
        assert_eq!(preview.items[1].state, "Backlog");
        assert_eq!(preview.errors_total, 0);
    }
}
