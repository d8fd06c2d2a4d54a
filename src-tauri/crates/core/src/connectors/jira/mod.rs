//! Jira Cloud.
use serde::{Deserialize, Serialize};
use crate::connectors::Run;
use crate::sync::error::SyncError;

/// What a Jira source covers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JiraScope {
    pub email: String,
    #[serde(default)]
    pub projects: Vec<String>,
    #[serde(default)]
    pub jql: Option<String>,
}

impl JiraScope {
    pub fn parse(text: &str) -> Result<JiraScope, SyncError> {
        serde_json::from_str(text).map_err(|err| SyncError::Config(format!("the Jira scope is unreadable: {err}")))
    }
}

pub async fn sync(_run: &mut Run<'_>) -> Result<(), SyncError> {
    Ok(())
}
