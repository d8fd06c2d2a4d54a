//! The one error type that crosses IPC.

use baton_core::CoreError;
use serde::Serialize;
use specta::Type;

/// An error as the UI sees it: it branches on `code`, shows `message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct IpcError {
    /// Stable machine-readable kind: `workspace_not_baton`, `workspace_not_a_file`,
    /// `workspace_being_created`, `workspace_corrupt`, `workspace_newer_schema`,
    /// `workspace_read_only`, `workspace_needs_upgrade`, `already_exists`, `not_found`,
    /// `invalid`, `no_workspace`, `io`,
    /// `database`, `migration`, `internal`; for sources: `auth_bad_token`, `auth_missing_scope`,
    /// `no_access`, `wrong_url`, `offline`, `timeout`, `rate_limited`, `server_error`, `refused`,
    /// `malformed_response`, `canceled`, `keychain_unavailable`, `keychain_failed`,
    /// `secret_missing`, `invalid_source`.
    pub code: String,
    /// A sentence for people.
    pub message: String,
}

impl IpcError {
    /// An error with a code and message.
    pub fn new(code: &str, message: impl Into<String>) -> IpcError {
        IpcError {
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

impl From<CoreError> for IpcError {
    fn from(err: CoreError) -> Self {
        tracing::warn!(code = err.code(), error = %err, "command failed");
        IpcError::new(err.code(), err.to_string())
    }
}

impl From<baton_core::sync::error::SyncError> for IpcError {
    fn from(err: baton_core::sync::error::SyncError) -> Self {
        tracing::warn!(code = err.code(), error = %err, "command failed");
        IpcError::new(err.code(), err.to_string())
    }
}

/// Result of every command.
pub type IpcResult<T> = Result<T, IpcError>;
