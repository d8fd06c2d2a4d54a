//! What can stop a sync or a connection test, each with a stable code the UI and CLI branch on.
//!
//! Messages never contain a token: errors are built from statuses, URLs (which never carry a
//! token) and the source's own error text.

use crate::error::{CoreError, ErrorCode};
use crate::secrets::SecretError;

/// Anything that can go wrong talking to a source.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The source refused the credentials (HTTP 401).
    #[error("the token was refused: {0}")]
    BadToken(String),
    /// The token is valid but lacks a permission the call needs.
    #[error("the token lacks a permission: {0}")]
    MissingScope(String),
    /// The token is valid but cannot see this repository, organisation or project.
    #[error("no access: {0}")]
    NoAccess(String),
    /// The address answers, but not as the source's API.
    #[error("this address is not the expected API: {0}")]
    WrongUrl(String),
    /// The source could not be reached at all.
    #[error("cannot reach the source (offline?): {0}")]
    Offline(String),
    /// The source did not answer in time, even after retries.
    #[error("the source did not answer in time: {0}")]
    Timeout(String),
    /// The source kept refusing for rate limits beyond what a sync waits.
    #[error("rate limited: {0}")]
    RateLimited(String),
    /// The source kept failing (HTTP 5xx) after retries.
    #[error("the source failed (HTTP {status}): {detail}")]
    Server { status: u16, detail: String },
    /// Any other refusal (HTTP 4xx).
    #[error("the source refused the request (HTTP {status}): {detail}")]
    Refused { status: u16, detail: String },
    /// A response could not be read (HTML instead of JSON, truncated, wrong shape), even after
    /// retries.
    #[error("unreadable response: {0}")]
    Malformed(String),
    /// A next-page link or a redirect led to another origin than the source's; not followed.
    #[error("refused to leave the source's address: {0}")]
    ForeignOrigin(String),
    /// Another sync of the same source holds its lock (see `sync::lock`).
    #[error("{0}")]
    InProgress(String),
    /// The sync was canceled.
    #[error("canceled")]
    Canceled,
    /// The token could not be read from the keychain.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// The source has no token stored.
    #[error("no token is stored for source {0}; add it again or set its token")]
    SecretMissing(String),
    /// The source's settings are incomplete or wrong.
    #[error("{0}")]
    Config(String),
    /// Writing the workspace failed.
    #[error(transparent)]
    Core(#[from] CoreError),
}

impl From<sqlx::Error> for SyncError {
    fn from(err: sqlx::Error) -> Self {
        SyncError::Core(CoreError::from(err))
    }
}

impl SyncError {
    /// A stable code: `auth_bad_token`, `auth_missing_scope`, `no_access`, `wrong_url`,
    /// `offline`, `timeout`, `rate_limited`, `server_error`, `refused`, `malformed_response`,
    /// `foreign_origin`, `sync_in_progress`, `canceled`, `keychain_unavailable`,
    /// `keychain_failed`, `secret_missing`, `invalid_source`, or a [`CoreError`] code.
    pub fn code(&self) -> &'static str {
        self.kind().as_str()
    }

    /// The kind of error, for the UI and the CLI to branch on.
    pub fn kind(&self) -> ErrorCode {
        match self {
            SyncError::BadToken(_) => ErrorCode::AuthBadToken,
            SyncError::MissingScope(_) => ErrorCode::AuthMissingScope,
            SyncError::NoAccess(_) => ErrorCode::NoAccess,
            SyncError::WrongUrl(_) => ErrorCode::WrongUrl,
            SyncError::Offline(_) => ErrorCode::Offline,
            SyncError::Timeout(_) => ErrorCode::Timeout,
            SyncError::RateLimited(_) => ErrorCode::RateLimited,
            SyncError::Server { .. } => ErrorCode::ServerError,
            SyncError::Refused { .. } => ErrorCode::Refused,
            SyncError::Malformed(_) => ErrorCode::MalformedResponse,
            SyncError::ForeignOrigin(_) => ErrorCode::ForeignOrigin,
            SyncError::InProgress(_) => ErrorCode::SyncInProgress,
            SyncError::Canceled => ErrorCode::Canceled,
            SyncError::Secret(err) => err.kind(),
            SyncError::SecretMissing(_) => ErrorCode::SecretMissing,
            SyncError::Config(_) => ErrorCode::InvalidSource,
            SyncError::Core(err) => err.kind(),
        }
    }
}
