//! Every kind of source this version of Baton can sync, in one place: the [`Connector`] trait
//! each kind implements in its own folder (`github/`, `jira/`), and [`SourceScope`], the typed
//! scope of a source, which picks its connector.
//!
//! Adding a kind (`linear/` is the newest) means a folder with a `Connector`, a variant of
//! [`SourceScope`] and its arm in each `match` below (the compiler lists them). A kind without a
//! connector is refused with a sentence saying so, never handed to another kind's code.

use std::future::Future;

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::connectors::file::{FileConnector, FileScope};
use crate::connectors::github::{GithubConnector, GithubScope};
use crate::connectors::gitlab::{GitlabConnector, GitlabScope};
use crate::connectors::http::{check_base_url, Auth, Http, RateLimitStyle};
use crate::connectors::jira::{JiraConnector, JiraScope};
use crate::connectors::linear::{LinearConnector, LinearScope};
use crate::connectors::Run;
use crate::graph::model::SourceKind;
use crate::ingest::error::SyncError;
use crate::secrets::Secret;

/// What Baton knows of one kind of source: its scope and how to check it, how it
/// authenticates, how it signals rate limits, how it syncs and how a connection is tested.
pub trait Connector {
    /// What a source of this kind covers: its variant of [`SourceScope`].
    type Scope;
    /// The kind of source it syncs.
    const KIND: SourceKind;
    /// How the source signals rate limits.
    const RATE_LIMITS: RateLimitStyle;

    /// Checks a scope and the source's base URL, and returns both normalised (names trimmed,
    /// empty entries dropped, the URL without a trailing slash or the default one when empty).
    fn check(
        &self,
        scope: &Self::Scope,
        base_url: &str,
    ) -> Result<(Self::Scope, String), SyncError>;

    /// The credentials every request sends, from the source's token and scope.
    fn auth(&self, scope: &Self::Scope, token: Secret) -> Auth;

    /// Syncs every stream of the source, writing each page through `run`.
    fn sync(
        &self,
        run: &mut Run<'_>,
        scope: &Self::Scope,
    ) -> impl Future<Output = Result<(), SyncError>> + Send;

    /// Tries the settings without writing anything; a sentence naming the account on success.
    fn test_connection(
        &self,
        http: &Http,
        base_url: &str,
        scope: &Self::Scope,
    ) -> impl Future<Output = Result<String, SyncError>> + Send;
}

/// What a source covers, by kind. Crosses IPC tagged with its kind
/// (`{"kind": "github", "org": …, "repos": […]}`). In `sources.scope` only the kind's own part
/// is stored (`{"org": …, "repos": […]}`), the kind being in `sources.kind`: rows written before
/// this type existed read unchanged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum SourceScope {
    Github(GithubScope),
    Jira(JiraScope),
    File(FileScope),
    Gitlab(GitlabScope),
    Linear(LinearScope),
}

/// The kinds this version syncs.
pub const SYNCABLE: &[SourceKind] = &[
    GithubConnector::KIND,
    JiraConnector::KIND,
    FileConnector::KIND,
    GitlabConnector::KIND,
    LinearConnector::KIND,
];

/// True when this version can sync sources of `kind`.
pub fn syncable(kind: SourceKind) -> bool {
    SYNCABLE.contains(&kind)
}

/// The refusal for a kind this version cannot sync.
pub fn unsupported(kind: SourceKind) -> SyncError {
    let names: Vec<String> = SYNCABLE.iter().map(ToString::to_string).collect();
    let listed = match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.join(""),
    };
    SyncError::Config(format!(
        "{kind} sources cannot be synced by this version of Baton (it syncs {listed})"
    ))
}

fn decode<T: serde::de::DeserializeOwned>(kind: SourceKind, text: &str) -> Result<T, SyncError> {
    serde_json::from_str(text)
        .map_err(|err| SyncError::Config(format!("the {kind} scope is unreadable: {err}")))
}

impl SourceScope {
    /// The kind of source the scope belongs to.
    pub fn kind(&self) -> SourceKind {
        match self {
            SourceScope::Github(_) => GithubConnector::KIND,
            SourceScope::Jira(_) => JiraConnector::KIND,
            SourceScope::File(_) => FileConnector::KIND,
            SourceScope::Gitlab(_) => GitlabConnector::KIND,
            SourceScope::Linear(_) => LinearConnector::KIND,
        }
    }

    /// Reads a stored scope (`sources.scope`) of a source of `kind`, as stored: nothing is
    /// checked (a generated demo source's scope reads too). Kinds this version cannot sync are
    /// refused.
    pub fn from_stored(kind: SourceKind, text: &str) -> Result<SourceScope, SyncError> {
        match kind {
            SourceKind::Github => decode(kind, text).map(SourceScope::Github),
            SourceKind::Jira => decode(kind, text).map(SourceScope::Jira),
            SourceKind::File => decode(kind, text).map(SourceScope::File),
            SourceKind::Gitlab => decode(kind, text).map(SourceScope::Gitlab),
            SourceKind::Linear => decode(kind, text).map(SourceScope::Linear),
        }
    }

    /// The text stored in `sources.scope`: the kind's own part, untagged.
    pub fn to_stored(&self) -> String {
        let value = match self {
            SourceScope::Github(scope) => serde_json::to_string(scope),
            SourceScope::Jira(scope) => serde_json::to_string(scope),
            SourceScope::File(scope) => serde_json::to_string(scope),
            SourceScope::Gitlab(scope) => serde_json::to_string(scope),
            SourceScope::Linear(scope) => serde_json::to_string(scope),
        };
        // Plain structs of strings always serialize.
        value.unwrap_or_default()
    }

    /// Checks the scope with the source's base URL; both normalised (see [`Connector::check`]).
    /// Whatever the kind, the URL must be https (plain http only on a loopback address); a file
    /// has no URL.
    pub fn check(&self, base_url: &str) -> Result<(SourceScope, String), SyncError> {
        let (scope, url) = self.check_for_kind(base_url)?;
        if self.needs_token() {
            check_base_url(&url)?;
        }
        Ok((scope, url))
    }

    /// Whether the source is reached over the network with a token (a file is not).
    pub fn needs_token(&self) -> bool {
        !matches!(self, SourceScope::File(_))
    }

    fn check_for_kind(&self, base_url: &str) -> Result<(SourceScope, String), SyncError> {
        match self {
            SourceScope::Github(scope) => GithubConnector
                .check(scope, base_url)
                .map(|(s, url)| (SourceScope::Github(s), url)),
            SourceScope::Jira(scope) => JiraConnector
                .check(scope, base_url)
                .map(|(s, url)| (SourceScope::Jira(s), url)),
            SourceScope::File(scope) => FileConnector
                .check(scope, base_url)
                .map(|(s, url)| (SourceScope::File(s), url)),
            SourceScope::Gitlab(scope) => GitlabConnector
                .check(scope, base_url)
                .map(|(s, url)| (SourceScope::Gitlab(s), url)),
            SourceScope::Linear(scope) => LinearConnector
                .check(scope, base_url)
                .map(|(s, url)| (SourceScope::Linear(s), url)),
        }
    }

    /// The credentials of a source with this scope and `token`.
    pub fn auth(&self, token: Secret) -> Auth {
        match self {
            SourceScope::Github(scope) => GithubConnector.auth(scope, token),
            SourceScope::Jira(scope) => JiraConnector.auth(scope, token),
            SourceScope::File(scope) => FileConnector.auth(scope, token),
            SourceScope::Gitlab(scope) => GitlabConnector.auth(scope, token),
            SourceScope::Linear(scope) => LinearConnector.auth(scope, token),
        }
    }

    /// How the source signals rate limits.
    pub fn rate_limits(&self) -> RateLimitStyle {
        match self {
            SourceScope::Github(_) => GithubConnector::RATE_LIMITS,
            SourceScope::Jira(_) => JiraConnector::RATE_LIMITS,
            SourceScope::File(_) => FileConnector::RATE_LIMITS,
            SourceScope::Gitlab(_) => GitlabConnector::RATE_LIMITS,
            SourceScope::Linear(_) => LinearConnector::RATE_LIMITS,
        }
    }

    /// Syncs the source through its connector.
    pub async fn sync(&self, run: &mut Run<'_>) -> Result<(), SyncError> {
        match self {
            SourceScope::Github(scope) => GithubConnector.sync(run, scope).await,
            SourceScope::Jira(scope) => JiraConnector.sync(run, scope).await,
            SourceScope::File(scope) => FileConnector.sync(run, scope).await,
            SourceScope::Gitlab(scope) => GitlabConnector.sync(run, scope).await,
            SourceScope::Linear(scope) => LinearConnector.sync(run, scope).await,
        }
    }

    /// Tests a connection through the source's connector.
    pub async fn test_connection(&self, http: &Http, base_url: &str) -> Result<String, SyncError> {
        match self {
            SourceScope::Github(scope) => {
                GithubConnector.test_connection(http, base_url, scope).await
            }
            SourceScope::Jira(scope) => JiraConnector.test_connection(http, base_url, scope).await,
            SourceScope::File(scope) => FileConnector.test_connection(http, base_url, scope).await,
            SourceScope::Gitlab(scope) => {
                GitlabConnector.test_connection(http, base_url, scope).await
            }
            SourceScope::Linear(scope) => {
                LinearConnector.test_connection(http, base_url, scope).await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn github() -> SourceScope {
        SourceScope::Github(GithubScope {
            org: None,
            repos: vec!["acme/web".into(), "acme/api".into()],
        })
    }

    fn jira() -> SourceScope {
        SourceScope::Jira(JiraScope {
            email: "lead@acme.com".into(),
            projects: vec!["PAY".into()],
            jql: Some("labels = platform".into()),
        })
    }

    fn file() -> SourceScope {
        SourceScope::File(FileScope {
            path: "/data/export.csv".into(),
            format: crate::connectors::file::FileFormat::JiraCsv,
            columns: Default::default(),
        })
    }

    fn gitlab() -> SourceScope {
        SourceScope::Gitlab(GitlabScope {
            group: Some("gitlab-data".into()),
            projects: vec!["gitlab-data/snowflake_spend".into()],
        })
    }

    fn linear() -> SourceScope {
        SourceScope::Linear(LinearScope {
            teams: vec!["ENG".into()],
            oauth: false,
        })
    }

    #[test]
    fn a_scope_crosses_ipc_tagged_with_its_kind_and_reads_back() {
        let json = serde_json::to_value(github()).unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({"kind": "github", "org": null, "repos": ["acme/web", "acme/api"]}),
            "the kind tags the scope on the wire"
        );
        for scope in [github(), jira(), file(), gitlab(), linear()] {
            let text = serde_json::to_string(&scope).unwrap_or_default();
            let back: Option<SourceScope> = serde_json::from_str(&text).ok();
            assert_eq!(back.as_ref(), Some(&scope), "{text} reads back");
        }
    }

    #[test]
    fn stored_scopes_keep_the_format_of_existing_rows() {
        for scope in [github(), jira(), file(), gitlab(), linear()] {
            let stored = scope.to_stored();
            assert!(
                !stored.contains("\"kind\""),
                "the kind stays in its column: {stored}"
            );
            let back = SourceScope::from_stored(scope.kind(), &stored).ok();
            assert_eq!(back.as_ref(), Some(&scope), "{stored} reads back");
        }
        // Rows as the app and the CLI wrote them before the scope was typed.
        let old_github = r#"{"org":"acme","repos":[]}"#;
        assert_eq!(
            SourceScope::from_stored(SourceKind::Github, old_github).ok(),
            Some(SourceScope::Github(GithubScope {
                org: Some("acme".into()),
                repos: vec![],
            }))
        );
        let old_jira = r#"{"email":"lead@acme.com","projects":["PAY"],"jql":null}"#;
        assert_eq!(
            SourceScope::from_stored(SourceKind::Jira, old_jira).ok(),
            Some(SourceScope::Jira(JiraScope {
                email: "lead@acme.com".into(),
                projects: vec!["PAY".into()],
                jql: None,
            }))
        );
    }

    #[test]
    fn every_kind_has_a_connector_and_the_demo_linear_scope_reads() {
        for kind in SourceKind::ALL {
            assert!(syncable(*kind), "{kind} is syncable");
        }
        // The demo's generated Linear source stores its workspace beside its teams.
        let demo = r#"{"workspace":"acme","teams":["MOB","GRO"]}"#;
        assert_eq!(
            SourceScope::from_stored(SourceKind::Linear, demo).ok(),
            Some(SourceScope::Linear(LinearScope {
                teams: vec!["MOB".into(), "GRO".into()],
                oauth: false,
            }))
        );
        let message = unsupported(SourceKind::Linear).to_string();
        assert!(
            message.contains("github, jira, file, gitlab and linear"),
            "the refusal lists what this version syncs: {message}"
        );
    }

    #[test]
    fn every_syncable_kind_has_its_scope() {
        for scope in [github(), jira(), file(), gitlab(), linear()] {
            assert!(syncable(scope.kind()), "{} is syncable", scope.kind());
        }
        assert_eq!(SYNCABLE.len(), 5, "one scope variant per syncable kind");
    }
}
