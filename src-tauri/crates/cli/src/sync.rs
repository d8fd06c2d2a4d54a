//! `baton sync` and `baton source …`: the same sync code as the app, headless, with a progress
//! line on a terminal. Tokens go to the system keychain (read from an environment variable or
//! stdin, never from the command line); `--token-env` lets a headless machine without a keychain
//! sync with a token from the environment for this run only.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use baton_core::graph::model::SourceKind;
use baton_core::graph::repo;
use baton_core::graph::Workspace;
use baton_core::secrets::{MemorySecretStore, Secret, SecretStore};
use baton_core::sync::clock::SystemClock;
use baton_core::sync::error::SyncError;
use baton_core::sync::progress::{RunStatus, SyncProgress};
use baton_core::sync::sources::{self, SourceSpec, DEFAULT_POLL_INTERVAL_S};
use baton_core::sync::{run_source, SyncContext, SyncOptions};
use baton_core::CoreError;
use clap::{Args, Subcommand, ValueEnum};
use tokio_util::sync::CancellationToken;

/// `baton sync`.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The workspace file.
    file: PathBuf,
    /// Only this source (name or id); default every enabled source.
    #[arg(long)]
    source: Option<String>,
    /// Read the source's token from this environment variable instead of the keychain (for
    /// headless machines; needs --source).
    #[arg(long, requires = "source")]
    token_env: Option<String>,
    /// Items per page (GitHub per_page, Jira maxResults).
    #[arg(long, default_value_t = 100)]
    page_size: u32,
}

/// The kind of source to add.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Github,
    Jira,
}

/// `baton source …`.
#[derive(Debug, Subcommand)]
pub enum SourceCommand {
    /// Add a GitHub or Jira Cloud source; the token goes to the system keychain.
    Add {
        file: PathBuf,
        #[arg(long, value_enum)]
        kind: KindArg,
        #[arg(long)]
        name: String,
        /// GitHub: the API root (default https://api.github.com; Enterprise:
        /// https://HOST/api/v3). Jira: the site, https://YOUR-SITE.atlassian.net.
        #[arg(long, default_value = "")]
        url: String,
        /// GitHub: a repository owner/name (repeatable)...
        #[arg(long = "repo")]
        repos: Vec<String>,
        /// ...or every repository of an organisation.
        #[arg(long)]
        org: Option<String>,
        /// Jira: the account's e-mail.
        #[arg(long)]
        email: Option<String>,
        /// Jira: a project key (repeatable)...
        #[arg(long = "project")]
        projects: Vec<String>,
        /// ...and/or a JQL filter.
        #[arg(long)]
        jql: Option<String>,
        /// Minutes between scheduled syncs in the app.
        #[arg(long, default_value_t = DEFAULT_POLL_INTERVAL_S / 60)]
        interval_minutes: i64,
        /// Read the token from this environment variable...
        #[arg(long, conflicts_with = "token_stdin")]
        token_env: Option<String>,
        /// ...or from standard input.
        #[arg(long)]
        token_stdin: bool,
        /// Skip the connection test before saving.
        #[arg(long)]
        no_test: bool,
        /// Do not store the token (for machines without a keychain): `baton sync` then needs
        /// `--token-env`.
        #[arg(long)]
        no_keychain: bool,
    },
    /// List the sources with their last sync.
    List { file: PathBuf },
    /// Remove a source, everything synced from it, and its token.
    Remove { file: PathBuf, name: String },
    /// Test a source's connection with its stored token.
    Test { file: PathBuf, name: String },
    /// Show a source's sync history.
    History {
        file: PathBuf,
        name: String,
        #[arg(long, default_value_t = 10)]
        limit: i64,
    },
}

fn sync_failed(err: SyncError) -> CoreError {
    match err {
        SyncError::Core(core) => core,
        other => CoreError::Invalid(format!("{} [{}]", other, other.code())),
    }
}

fn read_token(token_env: Option<&str>, token_stdin: bool) -> Result<Secret, CoreError> {
    if let Some(var) = token_env {
        let value = std::env::var(var).map_err(|_| {
            CoreError::Invalid(format!("the environment variable {var} is not set"))
        })?;
        return Ok(Secret::new(value));
    }
    if token_stdin {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        return Ok(Secret::new(text));
    }
    Err(CoreError::Invalid(
        "give the token with --token-env VAR or --token-stdin (never on the command line)".into(),
    ))
}

/// Runs `baton source …`.
pub async fn source(command: SourceCommand) -> Result<(), CoreError> {
    let keychain = baton_keychain::Keychain;
    match command {
        SourceCommand::Add {
            file,
            kind,
            name,
            url,
            repos,
            org,
            email,
            projects,
            jql,
            interval_minutes,
            token_env,
            token_stdin,
            no_test,
            no_keychain,
        } => {
            let token = if no_keychain && token_env.is_none() && !token_stdin {
                Secret::new("unused")
            } else {
                read_token(token_env.as_deref(), token_stdin)?
            };
            let (kind, scope) = match kind {
                KindArg::Github => (
                    SourceKind::Github,
                    serde_json::json!({"org": org, "repos": repos}),
                ),
                KindArg::Jira => (
                    SourceKind::Jira,
                    serde_json::json!({"email": email.unwrap_or_default(), "projects": projects, "jql": jql}),
                ),
            };
            let spec = SourceSpec {
                kind,
                name,
                base_url: url,
                scope: scope.to_string(),
                poll_interval_s: interval_minutes * 60,
            };
            if !no_test {
                let said = sources::test_connection(
                    &spec,
                    &token,
                    &SyncOptions::default(),
                    Arc::new(SystemClock),
                )
                .await
                .map_err(sync_failed)?;
                println!("connection OK: {said}");
            }
            let ws = open_or_create(&file).await?;
            let throwaway = MemorySecretStore::new();
            let store: &dyn SecretStore = if no_keychain { &throwaway } else { &keychain };
            let added = sources::add(&ws, store, &spec, &token, baton_core::time::now_ms()).await;
            ws.close().await;
            let source = added.map_err(|err| match err {
                SyncError::Secret(inner) if inner.code() == "keychain_unavailable" => CoreError::Invalid(format!(
                    "{inner} [keychain_unavailable]; on a machine without a keychain add the source with --no-keychain and sync with --token-env VAR"
                )),
                other => sync_failed(other),
            })?;
            if no_keychain {
                println!("added {} ({}); no token stored: sync it with `baton sync FILE --source {:?} --token-env VAR`", source.name, source.id, source.name);
            } else {
                println!(
                    "added {} ({}), token stored in the system keychain",
                    source.name, source.id
                );
            }
        }
        SourceCommand::List { file } => {
            let ws = Workspace::open(&file).await?;
            for source in repo::sources::list(ws.pool()).await? {
                let last = repo::sync_runs::recent(ws.pool(), &source.id, 1).await?;
                let last = last
                    .first()
                    .map(|r| {
                        format!(
                            "last sync {} {}: {} pages, {} items{}",
                            baton_core::time::to_rfc3339(r.started_at),
                            r.status,
                            r.pages,
                            r.items,
                            r.error
                                .as_deref()
                                .map(|e| format!(" — {e}"))
                                .unwrap_or_default()
                        )
                    })
                    .unwrap_or_else(|| "never synced".into());
                println!(
                    "{:<24} {:<7} {:<8} {}  {}  [{}]",
                    source.name,
                    source.kind,
                    if source.enabled {
                        "enabled"
                    } else {
                        "disabled"
                    },
                    source.base_url,
                    source.scope,
                    last
                );
            }
            ws.close().await;
        }
        SourceCommand::Remove { file, name } => {
            let ws = Workspace::open(&file).await?;
            let source = sources::find(&ws, &name).await.map_err(sync_failed)?;
            sources::remove(&ws, &keychain, &source.id)
                .await
                .map_err(sync_failed)?;
            ws.close().await;
            println!("removed {}", source.name);
        }
        SourceCommand::Test { file, name } => {
            let ws = Workspace::open(&file).await?;
            let source = sources::find(&ws, &name).await.map_err(sync_failed)?;
            ws.close().await;
            let reference = source.secret_ref.clone().unwrap_or_default();
            let token = keychain
                .get(&reference)
                .map_err(|e| sync_failed(e.into()))?
                .ok_or_else(|| sync_failed(SyncError::SecretMissing(source.name.clone())))?;
            let spec = SourceSpec {
                kind: source.kind,
                name: source.name.clone(),
                base_url: source.base_url.clone(),
                scope: source.scope.clone(),
                poll_interval_s: source.poll_interval_s,
            };
            let said = sources::test_connection(
                &spec,
                &token,
                &SyncOptions::default(),
                Arc::new(SystemClock),
            )
            .await
            .map_err(sync_failed)?;
            println!("connection OK: {said}");
        }
        SourceCommand::History { file, name, limit } => {
            let ws = Workspace::open(&file).await?;
            let source = sources::find(&ws, &name).await.map_err(sync_failed)?;
            for r in repo::sync_runs::recent(ws.pool(), &source.id, limit).await? {
                println!(
                    "{}  {:<9} {:>5} pages {:>7} items {:>5} requests {:>3} retries {:>3} rate-limit waits ({} s){}",
                    baton_core::time::to_rfc3339(r.started_at),
                    r.status,
                    r.pages,
                    r.items,
                    r.requests,
                    r.retries,
                    r.rate_limit_waits,
                    r.rate_limit_wait_ms / 1000,
                    r.error.map(|e| format!("  {e}")).unwrap_or_default()
                );
            }
            ws.close().await;
        }
    }
    Ok(())
}

async fn open_or_create(file: &std::path::Path) -> Result<Workspace, CoreError> {
    if file.exists() {
        Workspace::open(file).await
    } else {
        Workspace::create(file).await
    }
}

/// A one-line progress display on stderr (only on a terminal).
struct ProgressLine {
    terminal: bool,
    names: Vec<(String, String)>,
    width: Mutex<usize>,
}

impl ProgressLine {
    fn show(&self, progress: &SyncProgress) {
        if !self.terminal {
            return;
        }
        let name = |id: &str| {
            self.names
                .iter()
                .find(|(i, _)| i == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_else(|| id.to_owned())
        };
        let text = match progress {
            SyncProgress::Started { source_id, .. } => format!("{}: starting", name(source_id)),
            SyncProgress::Progress {
                source_id,
                stream,
                pages,
                items,
                ..
            } => {
                let spin = ["|", "/", "-", "\\"][*pages as usize % 4];
                format!(
                    "{} {spin} {stream}: {pages} pages, {items} items",
                    name(source_id)
                )
            }
            SyncProgress::Waiting {
                source_id,
                rate_limit,
                seconds,
                reason,
                ..
            } => format!(
                "{}: waiting {:.0} s ({}{})",
                name(source_id),
                seconds,
                if *rate_limit {
                    "rate limit: "
                } else {
                    "retry: "
                },
                reason.chars().take(60).collect::<String>()
            ),
            SyncProgress::Finished { .. } => String::new(),
        };
        let mut width = self.width.lock().unwrap_or_else(|p| p.into_inner());
        let pad = width.saturating_sub(text.chars().count());
        eprint!("\r{text}{}", " ".repeat(pad));
        if text.is_empty() {
            eprint!("\r");
        }
        let _ = std::io::stderr().flush();
        *width = text.chars().count();
    }
}

/// Runs `baton sync`. Fails (exit 2) when any source's sync failed.
pub async fn sync(args: SyncArgs) -> Result<(), CoreError> {
    let ws = Workspace::open(&args.file).await?;
    let all = repo::sources::list(ws.pool()).await?;
    let chosen: Vec<_> = match &args.source {
        Some(name) => vec![sources::find(&ws, name).await.map_err(sync_failed)?],
        None => all
            .into_iter()
            .filter(|s| {
                s.enabled && !s.synthetic && matches!(s.kind, SourceKind::Github | SourceKind::Jira)
            })
            .collect(),
    };
    if chosen.is_empty() {
        println!("no source to sync: add one with `baton source add`");
        ws.close().await;
        return Ok(());
    }
    let secrets: Arc<dyn SecretStore> = match &args.token_env {
        Some(var) => {
            let memory = MemorySecretStore::new();
            let token = read_token(Some(var), false)?;
            for source in &chosen {
                memory
                    .set(source.secret_ref.as_deref().unwrap_or_default(), &token)
                    .map_err(|e| sync_failed(e.into()))?;
            }
            Arc::new(memory)
        }
        None => Arc::new(baton_keychain::Keychain),
    };
    let line = Arc::new(ProgressLine {
        terminal: std::io::stderr().is_terminal(),
        names: chosen
            .iter()
            .map(|s| (s.id.clone(), s.name.clone()))
            .collect(),
        width: Mutex::new(0),
    });
    let sink_line = line.clone();
    let ctx = SyncContext {
        ws: ws.clone(),
        secrets,
        clock: Arc::new(SystemClock),
        progress: Arc::new(move |p| sink_line.show(&p)),
        options: SyncOptions {
            page_size: args.page_size,
            ..SyncOptions::default()
        },
    };
    let cancel = CancellationToken::new();
    let ctrl_c = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            ctrl_c.cancel();
        }
    });
    let mut failed = Vec::new();
    for source in &chosen {
        let report = run_source(&ctx, &source.id, cancel.child_token())
            .await
            .map_err(sync_failed)?;
        line.show(&SyncProgress::Finished {
            source_id: source.id.clone(),
            run_id: report.run_id.clone(),
            status: report.status,
            pages: 0,
            items: 0,
            error_code: None,
            error: None,
        });
        let f = report.figures;
        println!(
            "{}: {} — {} pages, {} items, {} requests, {} retries, {} rate-limit waits",
            source.name,
            report.status.as_str(),
            f.pages,
            f.items,
            f.requests,
            f.retries,
            f.rate_limit_waits
        );
        if report.status != RunStatus::Succeeded {
            let (code, message) = report.error.unwrap_or_default();
            println!("  {message} [{code}]");
            failed.push(source.name.clone());
        }
    }
    ws.close().await;
    if failed.is_empty() {
        Ok(())
    } else {
        Err(CoreError::Invalid(format!(
            "the sync of {} did not succeed",
            failed.join(", ")
        )))
    }
}
