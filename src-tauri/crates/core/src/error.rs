//! Errors of the core, each with a stable machine-readable code the UI and CLI branch on.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use specta::Type;

/// Declares [`ErrorCode`] from one list: each variant with its wire name.
macro_rules! error_codes {
    ($($(#[doc = $doc:literal])* $variant:ident => $name:literal,)+) => {
        /// Every kind of failure the app, the CLI and the UI can branch on. Crosses IPC as its
        /// snake_case name; the UI's `switch` over it is checked by the compiler.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
        pub enum ErrorCode {
            $($(#[doc = $doc])* #[serde(rename = $name)] $variant,)+
        }

        impl ErrorCode {
            /// Every code.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)+];

            /// The wire name (`workspace_not_baton`, ...).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $name,)+
                }
            }
        }
    };
}

error_codes! {
    /// The file is not a Baton workspace (not SQLite, or another application's database).
    WorkspaceNotBaton => "workspace_not_baton",
    /// The path is not a regular file (a folder, a named pipe, a device).
    WorkspaceNotAFile => "workspace_not_a_file",
    /// Another program is still creating the file.
    WorkspaceBeingCreated => "workspace_being_created",
    /// The workspace is damaged.
    WorkspaceCorrupt => "workspace_corrupt",
    /// The workspace was written by a newer Baton.
    WorkspaceNewerSchema => "workspace_newer_schema",
    /// The workspace is open read-only (the file or its folder cannot be written).
    WorkspaceReadOnly => "workspace_read_only",
    /// The workspace needs a migration, which a read-only open cannot apply.
    WorkspaceNeedsUpgrade => "workspace_needs_upgrade",
    /// Something by that name already exists.
    AlreadyExists => "already_exists",
    /// What was asked for does not exist.
    NotFound => "not_found",
    /// The request itself is wrong.
    Invalid => "invalid",
    /// No workspace is open.
    NoWorkspace => "no_workspace",
    /// A file could not be read or written.
    Io => "io",
    /// The database refused a statement.
    Database => "database",
    /// The schema could not be brought up to date.
    Migration => "migration",
    /// A bug or an impossible state inside Baton.
    Internal => "internal",
    /// The source refused the token.
    AuthBadToken => "auth_bad_token",
    /// The token lacks a permission.
    AuthMissingScope => "auth_missing_scope",
    /// The token cannot see the repository, organisation or project.
    NoAccess => "no_access",
    /// The address is not the source's API.
    WrongUrl => "wrong_url",
    /// The source cannot be reached.
    Offline => "offline",
    /// The source did not answer in time.
    Timeout => "timeout",
    /// The source's rate limit outlasted what a sync waits.
    RateLimited => "rate_limited",
    /// The source kept failing (5xx).
    ServerError => "server_error",
    /// The source refused the request (4xx).
    Refused => "refused",
    /// The source's answer could not be read.
    MalformedResponse => "malformed_response",
    /// The operation was canceled.
    Canceled => "canceled",
    /// A sync was stopped before it ended (Baton quit); the next one resumed from its last page.
    Interrupted => "interrupted",
    /// The system keychain cannot be used.
    KeychainUnavailable => "keychain_unavailable",
    /// The system keychain refused the operation.
    KeychainFailed => "keychain_failed",
    /// No token is stored for the source.
    SecretMissing => "secret_missing",
    /// The source's settings are incomplete or wrong.
    InvalidSource => "invalid_source",
    /// A next-page link or a redirect pointed away from the source's own address (scheme, host,
    /// port); it was not followed, so the token never went there.
    ForeignOrigin => "foreign_origin",
    /// Another process (or another run in this one) is syncing the same source right now.
    SyncInProgress => "sync_in_progress",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Anything that can go wrong in the core.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The file exists but is not a Baton workspace (not SQLite, or SQLite of another app).
    #[error("{} is not a Baton workspace: {detail}", path.display())]
    NotAWorkspace { path: PathBuf, detail: String },
    /// The path names something that is not a regular file: a folder, a named pipe, a device.
    #[error("{} is {what}, not a workspace file; choose a .baton file", path.display())]
    NotAFile { path: PathBuf, what: &'static str },
    /// Another program is still creating the file: it has no committed workspace in it yet.
    #[error(
        "{} is still being created by another program (or its creation was interrupted); try again in a moment",
        path.display()
    )]
    BeingCreated { path: PathBuf },
    /// The file is a Baton workspace but its contents are damaged. The path is empty only
    /// while the error travels up from a query that did not know it ([`CoreError::in_file`]).
    #[error("{} is damaged and cannot be read: {detail}", shown(path))]
    Corrupt { path: PathBuf, detail: String },
    /// The file was written by a newer Baton with a schema this build does not know.
    #[error(
        "{} was written by a newer version of Baton (schema {found}); this version reads schema {supported} and older. Update Baton to open it.",
        path.display()
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    /// The workspace is open read-only (the file or its folder cannot be written), and
    /// something tried to change it.
    #[error(
        "{} is open read-only (the file or its folder cannot be written), so it cannot be changed",
        shown(path)
    )]
    ReadOnly { path: PathBuf },
    /// The file was written by an older Baton and must be brought up to date before it can be
    /// read, which a read-only open cannot do.
    #[error(
        "{} was written by an older version of Baton and must be brought up to date before it can be read; open it once where it can be written",
        path.display()
    )]
    NeedsUpgrade { path: PathBuf },
    /// Creating a workspace where a file already exists.
    #[error("{} already exists; choose another name or open it instead", path.display())]
    AlreadyExists { path: PathBuf },
    /// A file or row that was asked for does not exist.
    #[error("{0} was not found")]
    NotFound(String),
    /// The request itself is wrong (bad filter, bad argument).
    #[error("{0}")]
    Invalid(String),
    /// No workspace is open.
    #[error("no workspace is open")]
    NoWorkspace,
    /// A file could not be read or written.
    #[error("{} could not be {action}: {source}", path.display())]
    File {
        path: PathBuf,
        /// "read", "written", "copied".
        action: &'static str,
        source: std::io::Error,
    },
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("database error: {0}")]
    Db(sqlx::Error),
    /// The scratch file of a bulk write (`graph::side`) refused a statement.
    #[error("database error (in a bulk write's side file): {0}")]
    SideDb(#[from] rusqlite::Error),
    #[error("could not bring the workspace schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// A path for a message; "the workspace" when the error did not learn which file it was.
fn shown(path: &Path) -> std::borrow::Cow<'_, str> {
    if path.as_os_str().is_empty() {
        "the workspace".into()
    } else {
        path.display().to_string().into()
    }
}

impl CoreError {
    /// The kind of error, for the UI and the CLI to branch on.
    pub fn kind(&self) -> ErrorCode {
        match self {
            CoreError::NotAWorkspace { .. } => ErrorCode::WorkspaceNotBaton,
            CoreError::NotAFile { .. } => ErrorCode::WorkspaceNotAFile,
            CoreError::BeingCreated { .. } => ErrorCode::WorkspaceBeingCreated,
            CoreError::Corrupt { .. } => ErrorCode::WorkspaceCorrupt,
            CoreError::NewerSchema { .. } => ErrorCode::WorkspaceNewerSchema,
            CoreError::ReadOnly { .. } => ErrorCode::WorkspaceReadOnly,
            CoreError::NeedsUpgrade { .. } => ErrorCode::WorkspaceNeedsUpgrade,
            CoreError::AlreadyExists { .. } => ErrorCode::AlreadyExists,
            CoreError::NotFound(_) => ErrorCode::NotFound,
            CoreError::Invalid(_) => ErrorCode::Invalid,
            CoreError::NoWorkspace => ErrorCode::NoWorkspace,
            CoreError::File { .. } | CoreError::Io(_) => ErrorCode::Io,
            CoreError::Db(_) | CoreError::SideDb(_) => ErrorCode::Database,
            CoreError::Migrate(_) => ErrorCode::Migration,
        }
    }

    /// [`CoreError::kind`] as its wire name (`workspace_not_baton`, `not_found`, ...).
    pub fn code(&self) -> &'static str {
        self.kind().as_str()
    }

    /// Names `path` in an error that came up from SQLite without knowing its file (a damaged
    /// page met by a query, a write refused by a read-only connection).
    pub fn in_file(self, path: &Path) -> CoreError {
        match self {
            CoreError::Corrupt { path: p, detail } if p.as_os_str().is_empty() => {
                CoreError::Corrupt {
                    path: path.to_owned(),
                    detail,
                }
            }
            CoreError::ReadOnly { path: p } if p.as_os_str().is_empty() => CoreError::ReadOnly {
                path: path.to_owned(),
            },
            other => other,
        }
    }
}

impl From<sqlx::Error> for CoreError {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err {
            // The primary result code is the low byte of the (extended) code SQLite reports.
            let primary = db
                .code()
                .and_then(|code| code.parse::<i32>().ok())
                .map(|code| code & 0xff);
            match primary {
                // SQLITE_CORRUPT (11) and SQLITE_NOTADB (26) mean the file is damaged, whatever
                // query hit it.
                Some(11) | Some(26) => {
                    return CoreError::Corrupt {
                        path: PathBuf::new(),
                        detail: db.message().to_owned(),
                    }
                }
                // SQLITE_READONLY (8): a write on a read-only connection or file.
                Some(8) => {
                    return CoreError::ReadOnly {
                        path: PathBuf::new(),
                    }
                }
                _ => {}
            }
        }
        CoreError::Db(err)
    }
}

/// Result with [`CoreError`].
pub type CoreResult<T> = Result<T, CoreError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_one_wire_name() {
        let mut names: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(code).unwrap_or_default();
            assert_eq!(json, format!("\"{code}\""), "serde and as_str agree");
        }
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(names.len(), before, "no two codes share a name");
    }

    #[test]
    fn errors_from_queries_learn_their_file() {
        let err = CoreError::Corrupt {
            path: PathBuf::new(),
            detail: "database disk image is malformed".into(),
        };
        assert!(
            err.to_string().starts_with("the workspace is damaged"),
            "no empty name before the sentence: {err}"
        );
        let named = err.in_file(Path::new("/data/acme.baton"));
        assert!(
            named.to_string().starts_with("/data/acme.baton is damaged"),
            "{named}"
        );
        let kept = CoreError::Corrupt {
            path: PathBuf::from("/a.baton"),
            detail: String::new(),
        }
        .in_file(Path::new("/b.baton"));
        assert!(
            kept.to_string().starts_with("/a.baton"),
            "a known path is kept: {kept}"
        );
        let ro = CoreError::ReadOnly {
            path: PathBuf::new(),
        }
        .in_file(Path::new("/x.baton"));
        assert_eq!(ro.code(), "workspace_read_only");
        assert!(ro.to_string().contains("/x.baton"), "{ro}");
    }
}
