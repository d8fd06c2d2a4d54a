//! Errors of the core, each with a stable machine-readable code the UI and CLI branch on.

use std::path::PathBuf;

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
    /// The workspace is damaged.
    WorkspaceCorrupt => "workspace_corrupt",
    /// The workspace was written by a newer Baton.
    WorkspaceNewerSchema => "workspace_newer_schema",
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
    /// The file is a Baton workspace but its contents are damaged.
    #[error("{} is damaged and cannot be read: {detail}", path.display())]
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
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("database error: {0}")]
    Db(sqlx::Error),
    #[error("could not bring the workspace schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl CoreError {
    /// The kind of error, for the UI and the CLI to branch on.
    pub fn kind(&self) -> ErrorCode {
        match self {
            CoreError::NotAWorkspace { .. } => ErrorCode::WorkspaceNotBaton,
            CoreError::Corrupt { .. } => ErrorCode::WorkspaceCorrupt,
            CoreError::NewerSchema { .. } => ErrorCode::WorkspaceNewerSchema,
            CoreError::AlreadyExists { .. } => ErrorCode::AlreadyExists,
            CoreError::NotFound(_) => ErrorCode::NotFound,
            CoreError::Invalid(_) => ErrorCode::Invalid,
            CoreError::NoWorkspace => ErrorCode::NoWorkspace,
            CoreError::Io(_) => ErrorCode::Io,
            CoreError::Db(_) => ErrorCode::Database,
            CoreError::Migrate(_) => ErrorCode::Migration,
        }
    }

    /// [`CoreError::kind`] as its wire name (`workspace_not_baton`, `not_found`, ...).
    pub fn code(&self) -> &'static str {
        self.kind().as_str()
    }
}

impl From<sqlx::Error> for CoreError {
    fn from(err: sqlx::Error) -> Self {
        // SQLITE_CORRUPT (11) and SQLITE_NOTADB (26) mean the file is damaged, whatever query hit it.
        if let sqlx::Error::Database(db) = &err {
            if matches!(db.code().as_deref(), Some("11") | Some("26")) {
                return CoreError::Corrupt {
                    path: PathBuf::new(),
                    detail: db.message().to_owned(),
                };
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
}
