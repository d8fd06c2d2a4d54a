//! What Baton knows of a Jira Cloud source: its scope (the account's e-mail, project keys and/or
//! a JQL filter), the site URL, Basic authentication with the e-mail and an API token, Jira's
//! rate-limit signals, and where its sync and connection test are.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::connectors::http::{Auth, Http, RateLimitStyle};
use crate::connectors::kinds::Connector;
use crate::connectors::Run;
use crate::graph::model::SourceKind;
use crate::ingest::error::SyncError;
use crate::secrets::Secret;

use super::site_root;

/// What a Jira source covers (stored as the `scope` JSON of its row).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct JiraScope {
    /// The account's e-mail (the user half of Basic authentication; not a secret).
    #[serde(default)]
    pub email: String,
    /// Project keys...
    #[serde(default)]
    pub projects: Vec<String>,
    /// ...and/or a JQL filter.
    #[serde(default)]
    pub jql: Option<String>,
}

impl JiraScope {
    /// The scope with its text trimmed and empty entries dropped, checked: it says whose
    /// account and which issues, and each project is a key.
    pub fn checked(&self) -> Result<JiraScope, SyncError> {
        let email = self.email.trim().to_owned();
        let projects: Vec<String> = self
            .projects
            .iter()
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect();
        let jql = self
            .jql
            .as_deref()
            .map(str::trim)
            .filter(|j| !j.is_empty())
            .map(str::to_owned);
        if email.is_empty() {
            return Err(SyncError::Config(
                "a Jira source needs the account's e-mail".into(),
            ));
        }
        if projects.is_empty() && jql.is_none() {
            return Err(SyncError::Config(
                "a Jira source needs projects or a JQL filter".into(),
            ));
        }
        for project in &projects {
            if !project
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                return Err(SyncError::Config(format!(
                    "{project:?} is not a Jira project key"
                )));
            }
        }
        Ok(JiraScope {
            email,
            projects,
            jql,
        })
    }
}

/// Jira Cloud.
#[derive(Debug, Clone, Copy, Default)]
pub struct JiraConnector;

impl Connector for JiraConnector {
    type Scope = JiraScope;
    const KIND: SourceKind = SourceKind::Jira;
    const RATE_LIMITS: RateLimitStyle = RateLimitStyle::Jira;

    fn check(&self, scope: &JiraScope, base_url: &str) -> Result<(JiraScope, String), SyncError> {
        let scope = scope.checked()?;
        if base_url.trim().is_empty() {
            return Err(SyncError::Config(
                "a Jira source needs its site URL (https://YOUR-SITE.atlassian.net)".into(),
            ));
        }
        let root = site_root(base_url)?;
        Ok((scope, root.as_str().trim_end_matches('/').to_owned()))
    }

    fn auth(&self, scope: &JiraScope, token: Secret) -> Auth {
        Auth::Basic {
            user: scope.email.clone(),
            token,
        }
    }

    async fn sync(&self, run: &mut Run<'_>, scope: &JiraScope) -> Result<(), SyncError> {
        super::sync(run, scope).await
    }

    async fn test_connection(
        &self,
        http: &Http,
        base_url: &str,
        scope: &JiraScope,
    ) -> Result<String, SyncError> {
        super::test_connection(http, base_url, scope).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scope_is_cleaned_and_checked() {
        let scope = JiraScope {
            email: " lead@acme.com ".into(),
            projects: vec![" PAY".into(), String::new()],
            jql: Some("  ".into()),
        };
        let (clean, url) = JiraConnector
            .check(&scope, "https://acme.atlassian.net/")
            .unwrap();
        assert_eq!(
            clean,
            JiraScope {
                email: "lead@acme.com".into(),
                projects: vec!["PAY".into()],
                jql: None,
            }
        );
        assert_eq!(url, "https://acme.atlassian.net", "no trailing slash");
        assert!(
            JiraConnector.check(&scope, " ").is_err(),
            "a Jira source needs its site"
        );
        let no_email = JiraScope {
            email: String::new(),
            ..clean.clone()
        };
        assert!(JiraConnector
            .check(&no_email, "https://a.atlassian.net")
            .is_err());
        let bad_key = JiraScope {
            projects: vec!["PAY-1".into()],
            ..clean
        };
        assert!(JiraConnector
            .check(&bad_key, "https://a.atlassian.net")
            .is_err());
    }

    #[test]
    fn the_email_is_the_user_of_basic_authentication() {
        let scope = JiraScope {
            email: "lead@acme.com".into(),
            ..JiraScope::default()
        };
        match JiraConnector.auth(&scope, Secret::new("t")) {
            Auth::Basic { user, token } => {
                assert_eq!(user, "lead@acme.com");
                assert_eq!(token.expose(), "t");
            }
            other => panic!("Jira uses Basic authentication, not {other:?}"),
        }
    }
}
