//! What Baton knows of a GitLab source (gitlab.com or self-managed): its scope (a group, with
//! its subgroups, and/or project paths), the instance URL, a personal, project or group access
//! token sent as `Authorization: Bearer` (GitLab takes it for every token kind), GitLab's
//! rate-limit signals, and where its sync and connection test are.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::connectors::http::{root_of, Auth, Http, RateLimitStyle};
use crate::connectors::kinds::Connector;
use crate::connectors::Run;
use crate::graph::model::SourceKind;
use crate::ingest::error::SyncError;
use crate::secrets::Secret;

/// gitlab.com.
pub const DEFAULT_URL: &str = "https://gitlab.com";

/// What a GitLab source covers (stored as the `scope` JSON of its row).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct GitlabScope {
    /// A group's full path (`gitlab-org`, `acme/platform`): every project in it and its
    /// subgroups...
    #[serde(default)]
    pub group: Option<String>,
    /// ...and/or projects by full path (`acme/platform/api`).
    #[serde(default)]
    pub projects: Vec<String>,
}

fn is_path(text: &str) -> bool {
    !text.is_empty()
        && !text.starts_with('/')
        && !text.ends_with('/')
        && !text.contains("//")
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '/' | '-' | '_' | '.'))
}

impl GitlabScope {
    /// The scope with its text trimmed (and a pasted `https://gitlab.com/` prefix dropped) and
    /// empty entries dropped, checked: it names a group or projects, each a path.
    pub fn checked(&self, base_url: &str) -> Result<GitlabScope, SyncError> {
        let clean = |text: &str| {
            let text = text.trim();
            let text = text
                .strip_prefix(base_url.trim().trim_end_matches('/'))
                .filter(|_| !base_url.trim().is_empty())
                .unwrap_or(text);
            text.trim_matches('/').trim().to_owned()
        };
        let group = self.group.as_deref().map(clean).filter(|g| !g.is_empty());
        let mut projects: Vec<String> = Vec::new();
        for project in self.projects.iter().map(|p| clean(p)) {
            if !project.is_empty() && !projects.contains(&project) {
                projects.push(project);
            }
        }
        if group.is_none() && projects.is_empty() {
            return Err(SyncError::Config(
                "a GitLab source needs a group or projects".into(),
            ));
        }
        if let Some(group) = group.as_deref().filter(|g| !is_path(g)) {
            return Err(SyncError::Config(format!(
                "{group:?} is not a GitLab group path (like acme or acme/platform)"
            )));
        }
        for project in &projects {
            if !is_path(project) || !project.contains('/') {
                return Err(SyncError::Config(format!(
                    "{project:?} is not a GitLab project path (like acme/api or acme/platform/api)"
                )));
            }
        }
        Ok(GitlabScope { group, projects })
    }
}

/// GitLab (gitlab.com and self-managed).
#[derive(Debug, Clone, Copy, Default)]
pub struct GitlabConnector;

impl Connector for GitlabConnector {
    type Scope = GitlabScope;
    const KIND: SourceKind = SourceKind::Gitlab;
    const RATE_LIMITS: RateLimitStyle = RateLimitStyle::Gitlab;

    fn check(
        &self,
        scope: &GitlabScope,
        base_url: &str,
    ) -> Result<(GitlabScope, String), SyncError> {
        let url = if base_url.trim().is_empty() {
            DEFAULT_URL.to_owned()
        } else {
            let root = root_of(base_url.trim())?;
            let text = root.as_str().trim_end_matches('/');
            // Pasted with the API's path: the instance is what is kept.
            text.strip_suffix("/api/v4").unwrap_or(text).to_owned()
        };
        let scope = scope.checked(&url)?;
        Ok((scope, url))
    }

    fn auth(&self, _scope: &GitlabScope, token: Secret) -> Auth {
        Auth::Bearer(token)
    }

    async fn sync(&self, run: &mut Run<'_>, scope: &GitlabScope) -> Result<(), SyncError> {
        super::sync(run, scope).await
    }

    async fn test_connection(
        &self,
        http: &Http,
        base_url: &str,
        scope: &GitlabScope,
    ) -> Result<String, SyncError> {
        super::test_connection(http, base_url, scope).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scope_is_cleaned_and_checked() {
        let scope = GitlabScope {
            group: Some("  ".into()),
            projects: vec![
                " gitlab-data/snowflake_spend ".into(),
                "https://gitlab.com/acme/platform/api/".into(),
                String::new(),
            ],
        };
        let (clean, url) = GitlabConnector.check(&scope, "").unwrap();
        assert_eq!(url, "https://gitlab.com", "gitlab.com by default");
        assert_eq!(
            clean,
            GitlabScope {
                group: None,
                projects: vec![
                    "gitlab-data/snowflake_spend".into(),
                    "acme/platform/api".into()
                ],
            }
        );
        let (_, url) = GitlabConnector
            .check(&clean, "https://git.acme.com/api/v4/")
            .unwrap();
        assert_eq!(
            url, "https://git.acme.com",
            "the instance, not its API path"
        );
        assert!(GitlabConnector.check(&GitlabScope::default(), "").is_err());
        let lone = GitlabScope {
            group: None,
            projects: vec!["api".into()],
        };
        assert!(
            GitlabConnector.check(&lone, "").is_err(),
            "a project path has its namespace"
        );
        let group = GitlabScope {
            group: Some("acme/platform".into()),
            projects: vec![],
        };
        assert!(GitlabConnector.check(&group, "").is_ok());
    }

    #[test]
    fn tokens_go_as_bearer() {
        match GitlabConnector.auth(&GitlabScope::default(), Secret::new("glpat-x")) {
            Auth::Bearer(token) => assert_eq!(token.expose(), "glpat-x"),
            other => panic!("GitLab takes a bearer token, not {other:?}"),
        }
    }
}
