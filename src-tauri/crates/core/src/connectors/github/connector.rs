//! What Baton knows of a GitHub source: its scope (an organisation or a list of repositories),
//! the API root (github.com or an Enterprise Server), Bearer authentication, GitHub's rate-limit
//! signals, and where its sync and connection test are.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::connectors::http::{Auth, Http, RateLimitStyle};
use crate::connectors::kinds::Connector;
use crate::connectors::Run;
use crate::graph::model::SourceKind;
use crate::ingest::error::SyncError;
use crate::secrets::Secret;

use super::api_root;

/// What a GitHub source covers (stored as the `scope` JSON of its row).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct GithubScope {
    /// Every repository of this organisation (or user)...
    #[serde(default)]
    pub org: Option<String>,
    /// ...or these repositories (`owner/name`).
    #[serde(default)]
    pub repos: Vec<String>,
}

impl GithubScope {
    /// The scope with names trimmed and empty ones dropped, checked: it names an organisation
    /// or repositories, and each repository reads `owner/name`.
    pub fn checked(&self) -> Result<GithubScope, SyncError> {
        let org = self
            .org
            .as_deref()
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_owned);
        let repos: Vec<String> = self
            .repos
            .iter()
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .collect();
        if org.is_none() && repos.is_empty() {
            return Err(SyncError::Config(
                "a GitHub source needs an organisation or a list of repositories".into(),
            ));
        }
        for repo in &repos {
            let parts: Vec<&str> = repo.split('/').collect();
            if parts.len() != 2 || parts.iter().any(|p| p.trim().is_empty()) {
                return Err(SyncError::Config(format!(
                    "{repo:?} is not a repository name like owner/name"
                )));
            }
        }
        Ok(GithubScope { org, repos })
    }
}

/// GitHub (github.com and Enterprise Server).
#[derive(Debug, Clone, Copy, Default)]
pub struct GithubConnector;

impl Connector for GithubConnector {
    type Scope = GithubScope;
    const KIND: SourceKind = SourceKind::Github;
    const RATE_LIMITS: RateLimitStyle = RateLimitStyle::Github;

    fn check(
        &self,
        scope: &GithubScope,
        base_url: &str,
    ) -> Result<(GithubScope, String), SyncError> {
        let scope = scope.checked()?;
        // An empty URL is github.com's API.
        let root = api_root(base_url)?;
        Ok((scope, root.as_str().trim_end_matches('/').to_owned()))
    }

    fn auth(&self, _scope: &GithubScope, token: Secret) -> Auth {
        Auth::Bearer(token)
    }

    async fn sync(&self, run: &mut Run<'_>, scope: &GithubScope) -> Result<(), SyncError> {
        super::sync(run, scope).await
    }

    async fn test_connection(
        &self,
        http: &Http,
        base_url: &str,
        scope: &GithubScope,
    ) -> Result<String, SyncError> {
        super::test_connection(http, base_url, scope).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connectors::github::DEFAULT_API;

    #[test]
    fn the_scope_is_cleaned_and_checked() {
        let scope = GithubScope {
            org: Some("  ".into()),
            repos: vec![" acme/web ".into(), String::new()],
        };
        let (clean, url) = GithubConnector.check(&scope, "").unwrap();
        assert_eq!(
            clean,
            GithubScope {
                org: None,
                repos: vec!["acme/web".into()],
            },
            "blank names are dropped, the others trimmed"
        );
        assert_eq!(url, DEFAULT_API, "an empty URL means github.com");
        let bad = GithubScope {
            org: None,
            repos: vec!["acme".into()],
        };
        assert!(GithubConnector.check(&bad, "").is_err(), "owner/name only");
        assert!(
            GithubConnector.check(&GithubScope::default(), "").is_err(),
            "an organisation or repositories"
        );
    }
}
