//! Configuring sources: add, edit, enable or disable, remove, test a connection. Used by the
//! app's Sources screen and by `baton source …`. The token goes to the [`SecretStore`]; the row
//! keeps only the name of the keychain entry.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::connectors::github::{self, GithubScope};
use crate::connectors::http::{Auth, Http, RateLimitStyle};
use crate::connectors::jira::{self, JiraScope};
use crate::graph::model::{Source, SourceKind};
use crate::graph::repo;
use crate::graph::{ChangeKind, Workspace, WriteOp, Writer};
use crate::ingest::clock::Clock;
use crate::ingest::error::SyncError;
use crate::secrets::{reference_for, Secret, SecretStore};
use crate::sync::{new_id, SyncOptions};

/// Default poll interval: every 10 minutes.
pub const DEFAULT_POLL_INTERVAL_S: i64 = 600;

/// A source as the person describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceSpec {
    pub kind: SourceKind,
    pub name: String,
    /// GitHub API root (empty: github.com) or Jira site URL.
    pub base_url: String,
    /// GitHub: `{"org": …}` or `{"repos": […]}`; Jira: `{"email", "projects", "jql"}`.
    pub scope: String,
    pub poll_interval_s: i64,
}

impl SourceSpec {
    /// Checks the spec and normalises its URL.
    pub fn validate(&self) -> Result<SourceSpec, SyncError> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(SyncError::Config("a source needs a name".into()));
        }
        let base_url = match self.kind {
            SourceKind::Github => {
                GithubScope::parse(&self.scope)?;
                let base = if self.base_url.trim().is_empty() {
                    github::DEFAULT_API
                } else {
                    self.base_url.trim()
                };
                github::api_root(base)?
                    .to_string()
                    .trim_end_matches('/')
                    .to_owned()
            }
            SourceKind::Jira => {
                JiraScope::parse(&self.scope)?;
                if self.base_url.trim().is_empty() {
                    return Err(SyncError::Config(
                        "a Jira source needs its site URL (https://YOUR-SITE.atlassian.net)".into(),
                    ));
                }
                jira::site_root(&self.base_url)?
                    .to_string()
                    .trim_end_matches('/')
                    .to_owned()
            }
            other => {
                return Err(SyncError::Config(format!(
                    "{other} sources cannot be added in this version"
                )))
            }
        };
        crate::connectors::http::check_base_url(&base_url)?;
        if self.poll_interval_s < 60 {
            return Err(SyncError::Config("poll at most once a minute".into()));
        }
        Ok(SourceSpec {
            name: name.to_owned(),
            base_url,
            ..self.clone()
        })
    }
}

/// Adds a source and stores its token.
pub async fn add(
    ws: &Workspace,
    secrets: &dyn SecretStore,
    spec: &SourceSpec,
    token: &Secret,
    now: i64,
) -> Result<Source, SyncError> {
    let spec = spec.validate()?;
    if token.is_empty() {
        return Err(SyncError::Config("a source needs a token".into()));
    }
    let id = new_id("src", now);
    let reference = reference_for(&id);
    let source = Source {
        id,
        kind: spec.kind,
        name: spec.name,
        base_url: spec.base_url,
        scope: spec.scope,
        secret_ref: Some(reference.clone()),
        poll_interval_s: spec.poll_interval_s,
        enabled: true,
        synthetic: false,
        created_at: now,
    };
    // The token is stored inside the write: when the keychain refuses, nothing is saved.
    ws.write(SaveSource {
        source: &source,
        token: Some((&reference, token, secrets)),
        unique_name: true,
    })
    .await?;
    tracing::info!(source = %source.id, kind = %source.kind, "source added");
    Ok(source)
}

/// Saves a source's row (and its token, when given), refusing a name another source has.
struct SaveSource<'a> {
    source: &'a Source,
    token: Option<(&'a str, &'a Secret, &'a dyn SecretStore)>,
    unique_name: bool,
}

impl WriteOp for SaveSource<'_> {
    type Output = ();
    type Error = SyncError;

    async fn apply(self, w: &mut Writer<'_>) -> Result<(), SyncError> {
        let source = self.source;
        if self.unique_name
            && repo::sources::list(w.conn())
                .await?
                .iter()
                .any(|s| s.name == source.name && s.id != source.id)
        {
            return Err(SyncError::Config(format!(
                "a source named {:?} already exists",
                source.name
            )));
        }
        repo::sources::upsert(w.conn(), source).await?;
        if let Some((reference, token, secrets)) = self.token {
            secrets.set(reference, token)?;
        }
        w.changed(ChangeKind::Sources);
        Ok(())
    }
}

/// Changes a source's settings; a new token (when given) replaces the stored one.
pub async fn edit(
    ws: &Workspace,
    secrets: &dyn SecretStore,
    id: &str,
    spec: &SourceSpec,
    token: Option<&Secret>,
) -> Result<Source, SyncError> {
    let spec = spec.validate()?;
    let existing = get(ws, id).await?;
    if existing.kind != spec.kind {
        return Err(SyncError::Config(
            "a source's kind cannot change; add a new source instead".into(),
        ));
    }
    let reference = existing
        .secret_ref
        .clone()
        .unwrap_or_else(|| reference_for(id));
    let source = Source {
        name: spec.name,
        base_url: spec.base_url,
        scope: spec.scope,
        poll_interval_s: spec.poll_interval_s,
        secret_ref: Some(reference.clone()),
        ..existing
    };
    ws.write(SaveSource {
        source: &source,
        token: token
            .filter(|t| !t.is_empty())
            .map(|t| (reference.as_str(), t, secrets)),
        unique_name: true,
    })
    .await?;
    Ok(source)
}

/// Turns polling on or off.
pub async fn set_enabled(ws: &Workspace, id: &str, enabled: bool) -> Result<(), SyncError> {
    let mut source = get(ws, id).await?;
    source.enabled = enabled;
    ws.write(SaveSource {
        source: &source,
        token: None,
        unique_name: false,
    })
    .await?;
    Ok(())
}

/// Removes a source, everything synced from it, and its token.
pub async fn remove(ws: &Workspace, secrets: &dyn SecretStore, id: &str) -> Result<(), SyncError> {
    let existing = get(ws, id).await?;
    ws.write(RemoveSource { id }).await?;
    if let Some(reference) = existing.secret_ref {
        if let Err(err) = secrets.delete(&reference) {
            tracing::warn!(source = %id, code = err.code(), "the source is removed but its keychain entry could not be deleted");
        }
    }
    Ok(())
}

/// Deletes a source's row; everything synced from it goes with it (foreign keys cascade).
struct RemoveSource<'a> {
    id: &'a str,
}

impl WriteOp for RemoveSource<'_> {
    type Output = ();
    type Error = SyncError;

    async fn apply(self, w: &mut Writer<'_>) -> Result<(), SyncError> {
        if !repo::sources::delete(w.conn(), self.id).await? {
            return Err(SyncError::Config(format!("there is no source {}", self.id)));
        }
        w.changed(ChangeKind::Sources);
        w.changed(ChangeKind::SyncRuns);
        w.changed(ChangeKind::People);
        w.all_items_changed();
        Ok(())
    }
}

/// One source.
pub async fn get(ws: &Workspace, id: &str) -> Result<Source, SyncError> {
    repo::sources::get(ws.pool(), id)
        .await?
        .ok_or_else(|| SyncError::Config(format!("there is no source {id}")))
}

/// A source by name or id.
pub async fn find(ws: &Workspace, name_or_id: &str) -> Result<Source, SyncError> {
    repo::sources::list(ws.pool())
        .await?
        .into_iter()
        .find(|s| s.name == name_or_id || s.id == name_or_id)
        .ok_or_else(|| SyncError::Config(format!("there is no source named {name_or_id:?}")))
}

/// Tries a spec and token against the source without writing anything: a sentence naming the
/// account on success, a coded error (bad token, missing scope, no access, wrong URL, offline)
/// otherwise.
pub async fn test_connection(
    spec: &SourceSpec,
    token: &Secret,
    options: &SyncOptions,
    clock: Arc<dyn Clock>,
) -> Result<String, SyncError> {
    let spec = spec.validate()?;
    // A connection test should answer quickly: fewer retries and no long rate-limit waits.
    let mut http_options = options.http.clone();
    http_options.max_retries = http_options.max_retries.min(1);
    http_options.max_rate_limit_waits = 0;
    match spec.kind {
        SourceKind::Github => {
            let scope = GithubScope::parse(&spec.scope)?;
            let http = Http::new(
                Auth::Bearer(token.clone()),
                http_options,
                RateLimitStyle::Github,
                clock,
                CancellationToken::new(),
            )?;
            github::test_connection(&http, &spec.base_url, &scope).await
        }
        SourceKind::Jira => {
            let scope = JiraScope::parse(&spec.scope)?;
            let auth = Auth::Basic {
                user: scope.email.clone(),
                token: token.clone(),
            };
            let http = Http::new(
                auth,
                http_options,
                RateLimitStyle::Jira,
                clock,
                CancellationToken::new(),
            )?;
            jira::test_connection(&http, &spec.base_url, &scope).await
        }
        other => Err(SyncError::Config(format!(
            "{other} sources cannot be tested in this version"
        ))),
    }
}
