//! `baton sync` and `baton source …`: the same sync code as the app, headless, with a progress
//! line (indicatif) on a terminal. Tokens go to the system keychain (read from an environment variable or
//! stdin, never from the command line); `--token-env` lets a headless machine without a keychain
//! sync with a token from the environment for this run only.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

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
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio_util::sync::CancellationToken;

use crate::table::{self, Layout};
use crate::term::cell;

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
    /// Items per page (GitHub per_page, Jira maxResults; 1 to 100).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=100))]
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
        /// Minutes between scheduled syncs in the app (1 to 525,600, a year).
        #[arg(long, default_value_t = DEFAULT_POLL_INTERVAL_S / 60,
              value_parser = clap::value_parser!(i64).range(1..=525_600))]
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
        /// Runs to show (1 to 1,000).
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(i64).range(1..=1_000))]
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
                outln!("connection OK: {}", cell(&said));
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
                outln!("added {} ({}); no token stored: sync it with `baton sync FILE --source {:?} --token-env VAR`", cell(&source.name), cell(&source.id), cell(&source.name));
            } else {
                outln!(
                    "added {} ({}), token stored in the system keychain",
                    cell(&source.name),
                    cell(&source.id)
                );
            }
        }
        SourceCommand::List { file } => {
            let ws = Workspace::open(&file).await?;
            let mut rows = Vec::new();
            for source in repo::sources::list(ws.pool()).await? {
                let last = repo::sync_runs::recent(ws.pool(), &source.id, 1).await?;
                let last = last
                    .first()
                    .map(|r| {
                        format!(
                            "{} {}: {} pages, {} items{}",
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
                rows.push(vec![
                    source.name,
                    source.kind.to_string(),
                    if source.enabled {
                        "enabled"
                    } else {
                        "disabled"
                    }
                    .to_owned(),
                    source.base_url,
                    source.scope,
                    last,
                ]);
            }
            ws.close().await;
            let header = ["name", "kind", "state", "url", "scope", "last sync"];
            let text = table::plain_table(Layout::for_stdout(), &header, (&[], &[1, 2]), rows);
            outln!("{}", text.trim_end());
        }
        SourceCommand::Remove { file, name } => {
            let ws = Workspace::open(&file).await?;
            let source = sources::find(&ws, &name).await.map_err(sync_failed)?;
            sources::remove(&ws, &keychain, &source.id)
                .await
                .map_err(sync_failed)?;
            ws.close().await;
            outln!("removed {}", cell(&source.name));
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
            outln!("connection OK: {}", cell(&said));
        }
        SourceCommand::History { file, name, limit } => {
            let ws = Workspace::open(&file).await?;
            let source = sources::find(&ws, &name).await.map_err(sync_failed)?;
            let runs = repo::sync_runs::recent(ws.pool(), &source.id, limit).await?;
            ws.close().await;
            let header = [
                "started", "status", "pages", "items", "requests", "retries", "waits", "waited",
                "error",
            ];
            let rows = runs.into_iter().map(|r| {
                vec![
                    baton_core::time::to_rfc3339(r.started_at),
                    r.status.to_string(),
                    r.pages.to_string(),
                    r.items.to_string(),
                    r.requests.to_string(),
                    r.retries.to_string(),
                    r.rate_limit_waits.to_string(),
                    format!("{} s", r.rate_limit_wait_ms / 1000),
                    r.error.unwrap_or_default(),
                ]
            });
            let text = table::plain_table(
                Layout::for_stdout(),
                &header,
                (&[2, 3, 4, 5, 6, 7], &[0, 1]),
                rows,
            );
            outln!("{}", text.trim_end());
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

/// The progress line on stderr: an indicatif spinner, drawn only when stderr is a terminal
/// (indicatif draws nothing otherwise), without colour. Source names, streams and server
/// reasons are escaped and bounded before they reach it.
struct ProgressLine {
    names: Vec<(String, String)>,
    bar: Mutex<Option<ProgressBar>>,
}

impl ProgressLine {
    fn new(names: Vec<(String, String)>) -> ProgressLine {
        ProgressLine {
            names,
            bar: Mutex::new(None),
        }
    }

    /// The text of the line for one event; None when the line should go.
    fn message(&self, progress: &SyncProgress) -> Option<String> {
        let name = |id: &str| {
            cell(
                self.names
                    .iter()
                    .find(|(i, _)| i == id)
                    .map_or(id, |(_, n)| n.as_str()),
            )
        };
        match progress {
            SyncProgress::Started { source_id, .. } => {
                Some(format!("{}: starting", name(source_id)))
            }
            SyncProgress::Progress {
                source_id,
                stream,
                pages,
                items,
                ..
            } => Some(format!(
                "{} {}: {pages} pages, {items} items",
                name(source_id),
                cell(stream)
            )),
            SyncProgress::Waiting {
                source_id,
                rate_limit,
                seconds,
                reason,
                ..
            } => Some(format!(
                "{}: waiting {:.0} s ({}{})",
                name(source_id),
                seconds,
                if *rate_limit {
                    "rate limit: "
                } else {
                    "retry: "
                },
                crate::term::fit(&crate::term::escape(reason), 60)
            )),
            SyncProgress::Finished { .. } => None,
        }
    }

    fn show(&self, progress: &SyncProgress) {
        let message = self.message(progress);
        let mut bar = self.bar.lock().unwrap_or_else(|p| p.into_inner());
        match message {
            Some(text) => {
                let line = bar.get_or_insert_with(|| {
                    let target = if std::io::stderr().is_terminal() {
                        ProgressDrawTarget::stderr()
                    } else {
                        ProgressDrawTarget::hidden()
                    };
                    let line = ProgressBar::with_draw_target(None, target);
                    if let Ok(style) = ProgressStyle::with_template("{spinner} {wide_msg}") {
                        line.set_style(style.tick_chars("|/-\\ "));
                    }
                    line.enable_steady_tick(Duration::from_millis(120));
                    crate::term::set_progress(Some(line.clone()));
                    line
                });
                line.set_message(text);
            }
            None => {
                if let Some(line) = bar.take() {
                    crate::term::set_progress(None);
                    line.finish_and_clear();
                }
            }
        }
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
        outln!("no source to sync: add one with `baton source add`");
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
    let line = Arc::new(ProgressLine::new(
        chosen
            .iter()
            .map(|s| (s.id.clone(), s.name.clone()))
            .collect(),
    ));
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
        outln!(
            "{}: {} — {} pages, {} items, {} requests, {} retries, {} rate-limit waits",
            cell(&source.name),
            report.status.as_str(),
            f.pages,
            f.items,
            f.requests,
            f.retries,
            f.rate_limit_waits
        );
        if report.status != RunStatus::Succeeded {
            let (code, message) = report.error.unwrap_or_default();
            outln!("  {} [{}]", cell(&message), cell(&code));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_progress_line_shows_source_text_escaped_and_bounded() {
        let line = ProgressLine::new(vec![("s1".into(), "acme\u{1b}]0;x\u{7}".into())]);
        let progress = line
            .message(&SyncProgress::Progress {
                source_id: "s1".into(),
                run_id: "r".into(),
                stream: "issues:\u{202E}evil\r".into(),
                pages: 3,
                items: 250,
            })
            .expect("a line");
        assert_eq!(
            progress,
            "acme\\e]0;x\\a issues:\\u{202E}evil\\r: 3 pages, 250 items"
        );
        let waiting = line
            .message(&SyncProgress::Waiting {
                source_id: "s1".into(),
                run_id: "r".into(),
                rate_limit: true,
                seconds: 61.0,
                until: String::new(),
                reason: format!("\u{9b}2J{}", "x".repeat(10_000)),
            })
            .expect("a line");
        assert!(
            waiting.starts_with("acme\\e]0;x\\a: waiting 61 s (rate limit: \\u{9B}2Jxxx"),
            "{waiting}"
        );
        assert!(
            waiting.ends_with("…)") && waiting.chars().count() < 120,
            "{waiting}"
        );
        assert!(!waiting.chars().any(crate::term::is_hostile));
        let finished = SyncProgress::Finished {
            source_id: "s1".into(),
            run_id: "r".into(),
            status: RunStatus::Succeeded,
            pages: 0,
            items: 0,
            error_code: None,
            error: None,
        };
        assert_eq!(line.message(&finished), None, "the line goes at the end");
    }
}
