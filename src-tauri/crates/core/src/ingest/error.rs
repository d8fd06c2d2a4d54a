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
    /// The token is valid but lacks a permission the call needs: `needed` names it when the
    /// source or the connector says which (`repo`, `Issues: read`), for the UI to show as is.
    #[error("the token lacks a permission{}: {detail}", needed.as_deref().map(|n| format!(" ({n})")).unwrap_or_default())]
    MissingScope {
        needed: Option<String>,
        detail: String,
    },
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
            SyncError::MissingScope { .. } => ErrorCode::AuthMissingScope,
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

    /// True when the error concerns only the repository or project being read and will not go
    /// away by asking again: it was not found or is gone (404, 410), access to it was removed
    /// or never granted (403, a missing permission), it is blocked for legal reasons (451), the
    /// source refuses the query for it (400, 409) or refuses to page further (422). Such a
    /// stream keeps the error and the run goes on with the others; anything else (a refused
    /// token, a server down, a rate limit, a cancel) stops the run.
    pub fn fails_for_good(&self) -> bool {
        match self {
            SyncError::NoAccess(_) | SyncError::MissingScope { .. } | SyncError::WrongUrl(_) => {
                true
            }
            SyncError::Refused { status, .. } => {
                matches!(status, 400 | 403 | 404 | 409 | 410 | 422 | 451)
            }
            _ => false,
        }
    }

    /// True for GitHub's refusal to page deeper into a list ("pagination is limited for this
    /// resource"): the walk must start again from a narrower window.
    pub fn is_pagination_limit(&self) -> bool {
        matches!(self, SyncError::Refused { status: 422, detail } if detail.to_lowercase().contains("pagination"))
    }

    /// The permission the token lacks, when the error is a missing one and says which.
    pub fn missing_scope(&self) -> Option<&str> {
        match self {
            SyncError::MissingScope { needed, .. } => needed.as_deref(),
            _ => None,
        }
    }
}

/// How a run ended when it did not succeed, as the history and the progress events tell it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunError {
    pub code: ErrorCode,
    /// The permission the token lacks, when the source or the connector said which.
    pub missing_scope: Option<String>,
    pub message: String,
}

impl RunError {
    /// The failure of a run that ended with `err`.
    pub fn of(err: &SyncError) -> RunError {
        match err {
            SyncError::Canceled => RunError {
                code: ErrorCode::Canceled,
                missing_scope: None,
                message: "the sync was canceled".into(),
            },
            other => RunError {
                code: other.kind(),
                missing_scope: other.missing_scope().map(str::to_owned),
                message: other.to_string(),
            },
        }
    }

    /// What `sync_runs.error_code` keeps: the code, followed for a missing permission that is
    /// known by `:` and the permission (`auth_missing_scope:repo`).
    pub fn stored_code(&self) -> String {
        match &self.missing_scope {
            Some(scope) => format!("{}:{scope}", self.code),
            None => self.code.as_str().to_owned(),
        }
    }

    /// Reads `sync_runs.error_code` back: the code, `None` for one this version does not know
    /// (written by another version), and the missing permission when it was kept.
    pub fn read_stored_code(text: &str) -> (Option<ErrorCode>, Option<String>) {
        let (name, scope) = match text.split_once(':') {
            Some((name, scope)) => (name, Some(scope.to_owned()).filter(|s| !s.is_empty())),
            None => (text, None),
        };
        let code = ErrorCode::ALL.iter().copied().find(|c| c.as_str() == name);
        (
            code,
            scope.filter(|_| code == Some(ErrorCode::AuthMissingScope)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_code_reads_back_with_its_missing_permission() {
        let err = SyncError::MissingScope {
            needed: Some("repo".into()),
            detail: "https://api.github.com/user: forbidden".into(),
        };
        let run = RunError::of(&err);
        assert_eq!(run.stored_code(), "auth_missing_scope:repo");
        assert_eq!(
            RunError::read_stored_code(&run.stored_code()),
            (Some(ErrorCode::AuthMissingScope), Some("repo".to_owned())),
            "the permission is kept as data, not parsed out of the message"
        );
        assert_eq!(
            RunError::read_stored_code("auth_bad_token"),
            (Some(ErrorCode::AuthBadToken), None)
        );
        assert_eq!(
            RunError::read_stored_code("interrupted"),
            (Some(ErrorCode::Interrupted), None),
            "what close_interrupted writes"
        );
        assert_eq!(
            RunError::read_stored_code("quota_exhausted"),
            (None, None),
            "a code from another version is unknown here, not an error"
        );
    }
}
