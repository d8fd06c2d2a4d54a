//! The one error type that crosses IPC.

use baton_core::{CoreError, ErrorCode};
use serde::Serialize;
use specta::Type;

/// An error as the UI sees it: it branches on `code` (a typed enum, so its `switch` is checked
/// by the compiler), shows `message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct IpcError {
    /// Stable machine-readable kind.
    pub code: ErrorCode,
    /// A sentence for people.
    pub message: String,
}

impl IpcError {
    /// An error with a code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> IpcError {
        IpcError {
            code,
            message: message.into(),
        }
    }
}

impl From<CoreError> for IpcError {
    fn from(err: CoreError) -> Self {
        tracing::warn!(code = err.code(), error = %err, "command failed");
        IpcError::new(err.kind(), err.to_string())
    }
}

impl From<baton_core::sync::error::SyncError> for IpcError {
    fn from(err: baton_core::sync::error::SyncError) -> Self {
        tracing::warn!(code = err.code(), error = %err, "command failed");
        IpcError::new(err.kind(), err.to_string())
    }
}

/// Result of every command.
pub type IpcResult<T> = Result<T, IpcError>;
