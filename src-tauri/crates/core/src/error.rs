//! Errors of the core, each with a stable machine-readable code the UI and CLI branch on.

use std::path::PathBuf;

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
    /// A stable code for the kind of error (`workspace_not_baton`, `not_found`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::NotAWorkspace { .. } => "workspace_not_baton",
            CoreError::Corrupt { .. } => "workspace_corrupt",
            CoreError::NewerSchema { .. } => "workspace_newer_schema",
            CoreError::AlreadyExists { .. } => "already_exists",
            CoreError::NotFound(_) => "not_found",
            CoreError::Invalid(_) => "invalid",
            CoreError::NoWorkspace => "no_workspace",
            CoreError::Io(_) => "io",
            CoreError::Db(_) => "database",
            CoreError::Migrate(_) => "migration",
        }
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
