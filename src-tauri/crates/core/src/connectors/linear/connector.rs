//! What Baton knows of a Linear source: its scope (team keys, or every team the key can see),
//! the API URL (`https://api.linear.app`, configurable so tests can replay), the token — a
//! personal API key sent bare (`Authorization: lin_api_…`) or an OAuth access token sent as
//! `Bearer` — Linear's rate-limit signals, and where its sync and connection test are.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::connectors::http::{root_of, Auth, Http, RateLimitStyle};
use crate::connectors::kinds::Connector;
use crate::connectors::Run;
use crate::graph::model::SourceKind;
use crate::ingest::error::SyncError;
use crate::secrets::Secret;

/// Linear's API.
pub const DEFAULT_URL: &str = "https://api.linear.app";

/// What a Linear source covers (stored as the `scope` JSON of its row).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct LinearScope {
    /// Team keys (`ENG`, `PAY`); empty: every team the token can see.
    #[serde(default)]
    pub teams: Vec<String>,
    /// True when the token is an OAuth access token (sent as `Bearer`); false for a personal
    /// API key (sent bare, as Linear asks). A token starting `lin_oauth_` is sent as `Bearer`
    /// either way.
    #[serde(default)]
    pub oauth: bool,
}

impl LinearScope {
    /// The scope with its team keys trimmed, upper-cased and deduplicated, checked: each is a
    /// team key (letters, digits, `_`).
    pub fn checked(&self) -> Result<LinearScope, SyncError> {
        let mut teams: Vec<String> = Vec::new();
        for team in self.teams.iter().map(|t| t.trim().to_uppercase()) {
            if team.is_empty() || teams.contains(&team) {
                continue;
            }
            if !team.chars().all(|c| c.is_alphanumeric() || c == '_') {
                return Err(SyncError::Config(format!(
                    "{team:?} is not a Linear team key (like ENG: the prefix of its issues' identifiers)"
                )));
            }
            teams.push(team);
        }
        Ok(LinearScope {
            teams,
            oauth: self.oauth,
        })
    }
}

/// Linear.
#[derive(Debug, Clone, Copy, Default)]
pub struct LinearConnector;

impl Connector for LinearConnector {
    type Scope = LinearScope;
    const KIND: SourceKind = SourceKind::Linear;
    const RATE_LIMITS: RateLimitStyle = RateLimitStyle::Linear;

    fn check(
        &self,
        scope: &LinearScope,
        base_url: &str,
    ) -> Result<(LinearScope, String), SyncError> {
        let url = if base_url.trim().is_empty() {
            DEFAULT_URL.to_owned()
        } else {
            let root = root_of(base_url.trim())?;
            let text = root.as_str().trim_end_matches('/');
            // Pasted with the endpoint's path: the API's root is what is kept.
            text.strip_suffix("/graphql").unwrap_or(text).to_owned()
        };
        Ok((scope.checked()?, url))
    }

    fn auth(&self, scope: &LinearScope, token: Secret) -> Auth {
        if scope.oauth || token.expose().trim_start().starts_with("lin_oauth_") {
            Auth::Bearer(token)
        } else {
            Auth::Plain(token)
        }
    }

    async fn sync(&self, run: &mut Run<'_>, scope: &LinearScope) -> Result<(), SyncError> {
        super::sync(run, scope).await
    }

    async fn test_connection(
        &self,
        http: &Http,
        base_url: &str,
        scope: &LinearScope,
    ) -> Result<String, SyncError> {
        super::test_connection(http, base_url, scope).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scope_is_cleaned_and_checked() {
        let scope = LinearScope {
            teams: vec![" eng".into(), "ENG".into(), String::new(), "Pay".into()],
            oauth: false,
        };
        let (clean, url) = LinearConnector.check(&scope, "").unwrap();
        assert_eq!(url, DEFAULT_URL, "Linear's API by default");
        assert_eq!(clean.teams, vec!["ENG".to_owned(), "PAY".to_owned()]);
        let (_, url) = LinearConnector
            .check(&clean, "http://127.0.0.1:4000/graphql")
            .unwrap();
        assert_eq!(
            url, "http://127.0.0.1:4000",
            "the API root, not its endpoint"
        );
        let bad = LinearScope {
            teams: vec!["ENG-12".into()],
            oauth: false,
        };
        assert!(LinearConnector.check(&bad, "").is_err());
        assert!(
            LinearConnector.check(&LinearScope::default(), "").is_ok(),
            "no team: every team the key can see"
        );
    }

    #[test]
    fn api_keys_go_bare_and_oauth_tokens_as_bearer() {
        let key = LinearScope::default();
        match LinearConnector.auth(&key, Secret::new("lin_api_x")) {
            Auth::Plain(token) => assert_eq!(token.expose(), "lin_api_x"),
            other => panic!("a personal API key is sent without a scheme, not {other:?}"),
        }
        let oauth = LinearScope {
            oauth: true,
            ..LinearScope::default()
        };
        assert!(matches!(
            LinearConnector.auth(&oauth, Secret::new("t")),
            Auth::Bearer(_)
        ));
        assert!(
            matches!(
                LinearConnector.auth(&key, Secret::new("lin_oauth_abc")),
                Auth::Bearer(_)
            ),
            "an OAuth token is recognised by its prefix"
        );
    }
}
