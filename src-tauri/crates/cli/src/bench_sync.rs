//! `baton bench-sync`: the whole sync path (HTTP → parse → map → write) over a corpus scaled
//! from the real recorded GitHub rows, served by the fake GitHub on a loopback port; with
//! `--gitlab`, the same over the recorded GitLab rows and the fake GitLab; with `--linear`,
//! over the hand-made Linear workspace (scaled) and the fake Linear; or, with `--import FILE`,
//! a file source's import (read → parse → map → write).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use baton_core::connectors::github::GithubScope;
use baton_core::connectors::gitlab::GitlabScope;
use baton_core::connectors::linear::LinearScope;
use baton_core::connectors::SourceScope;
use baton_core::graph::Workspace;
use baton_core::replay::corpus::{self, CorpusOptions};
use baton_core::replay::github::FakeGithub;
use baton_core::replay::gitlab::FakeGitlab;
use baton_core::replay::linear::FakeLinear;
use baton_core::secrets::{MemorySecretStore, Secret};
use baton_core::sync::clock::SystemClock;
use baton_core::sync::progress::RunStatus;
use baton_core::sync::sources::{self, SourceInput};
use baton_core::sync::{run_source, SyncContext, SyncOptions};
use baton_core::CoreError;
use clap::Args;
use tokio_util::sync::CancellationToken;

/// `baton bench-sync`.
#[derive(Debug, Args)]
pub struct BenchSyncArgs {
    /// Issues and pull requests in the corpus.
    #[arg(long, default_value_t = 100_000)]
    items: usize,
    /// Generator seed.
    #[arg(long, default_value_t = CorpusOptions::default().seed)]
    seed: u64,
    /// The fixtures folder holding `github/devlake/*.csv`.
    #[arg(long, default_value = "tests/fixtures")]
    fixtures: PathBuf,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// Keep the synced workspace here (default: a temporary file, deleted).
    #[arg(long)]
    keep: Option<PathBuf>,
    /// Do not read pull requests' timelines (nor issues' GraphQL lifecycles): the sync without
    /// lifecycles, for comparison.
    #[arg(long)]
    no_timelines: bool,
    /// Only the sync with timelines (by default it runs, then the sync without them, for
    /// comparison).
    #[arg(long, conflicts_with = "no_timelines")]
    timelines_only: bool,
    /// GitHub list pages written in one transaction (when they name no common item); 1 writes
    /// each page alone, for comparison.
    #[arg(long, default_value_t = SyncOptions::default().pages_per_write)]
    pages_per_write: u32,
    /// Instead: sync a GitLab project scaled from the recorded gitlab.com rows, through the fake
    /// GitLab (issues, merge requests with their notes, issue links).
    #[arg(long)]
    gitlab: bool,
    /// Instead: sync a Linear workspace scaled from the hand-made one in
    /// `tests/fixtures/linear` (issues with their history and relations, projects and
    /// initiatives), through the fake Linear GraphQL API.
    #[arg(long)]
    linear: bool,
    /// Instead: import this file as a file source (e.g. what `baton export` wrote).
    #[arg(long)]
    import: Option<PathBuf>,
    /// The layout of the --import file.
    #[arg(long, value_enum, default_value = "jsonl")]
    format: crate::sync::FormatArg,
}

/// `baton bench-sync --import FILE`: one file source's import, timed.
/// Adds `input` to a fresh workspace in a temporary folder and times one sync of it (the
/// folder is removed after); the run's report and its seconds. A run that does not succeed is
/// an error naming `what`.
async fn timed_sync(
    what: &str,
    input: &SourceInput,
) -> Result<(baton_core::sync::RunReport, f64), CoreError> {
    let dir = std::env::temp_dir().join(format!("baton-bench-{what}-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("bench.baton");
    let _ = std::fs::remove_file(&path);
    let ws = Workspace::create(&path).await?;
    let secrets = Arc::new(MemorySecretStore::new());
    let source = sources::add(
        &ws,
        secrets.as_ref(),
        None,
        input,
        baton_core::time::now_ms(),
    )
    .await
    .map_err(|e| CoreError::Invalid(e.to_string()))?;
    let ctx = SyncContext {
        ws: ws.clone(),
        secrets,
        clock: Arc::new(SystemClock),
        progress: baton_core::sync::progress::silent(),
        options: SyncOptions::default(),
    };
    let timer = Instant::now();
    let report = run_source(&ctx, &source.id, CancellationToken::new())
        .await
        .map_err(|e| CoreError::Invalid(e.to_string()))?;
    let seconds = timer.elapsed().as_secs_f64();
    ws.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    if report.status != RunStatus::Succeeded {
        return Err(CoreError::Invalid(format!(
            "the benchmark {what} failed: {:?}",
            report.error
        )));
    }
    Ok((report, seconds))
}

async fn run_import(args: &BenchSyncArgs, file: &std::path::Path) -> Result<(), CoreError> {
    let mut scope =
        crate::sync::file_scope(Some(file.to_path_buf()), args.format, &[], Vec::new(), None)?;
    if scope.format == baton_core::connectors::file::FileFormat::StatesCsv {
        // A states file names no columns of its own: take those the add form would suggest
        // (guessed from its header row and first rows), as a person adding it would.
        let preview = baton_core::connectors::file::read::preview(&scope)
            .await
            .map_err(|e| CoreError::Invalid(e.to_string()))?;
        *scope.columns = preview.columns;
    }
    let input = SourceInput {
        name: "bench".into(),
        base_url: String::new(),
        poll_interval_minutes: 10,
        token: None,
        scope: SourceScope::File(scope),
    };
    let bytes = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0) as f64 / 1_048_576.0;
    let (report, seconds) = timed_sync("import", &input).await?;
    let items = report.figures.items;
    let rate = items as f64 / seconds;
    if args.json {
        outln!(
            "{}",
            serde_json::json!({
                "file": file.display().to_string(), "file_mib": bytes, "items": items,
                "pages": report.figures.pages, "seconds": seconds, "items_per_second": rate,
                "pass": rate >= TARGET_ITEMS_PER_SECOND, "load_average": crate::bench::load_average()
            })
        );
    } else {
        outln!(
            "path: {} ({bytes:.0} MiB) → read → parse → map → SQLite (one transaction per page)",
            file.display()
        );
        outln!(
            "imported {} items in {} pages in {:.1} s: {:.0} items/s, {} (target ≥ 5,000)",
            items,
            report.figures.pages,
            seconds,
            rate,
            verdict(rate)
        );
    }
    Ok(())
}

/// Prints a sync through a fake server: its corpus, its path and its figures (or JSON).
fn print_fake_sync(
    json: bool,
    report: &baton_core::sync::RunReport,
    seconds: f64,
    corpus: &str,
    corpus_line: &str,
    path: &str,
) {
    let f = &report.figures;
    let rate = f.items as f64 / seconds;
    if json {
        outln!(
            "{}",
            serde_json::json!({
                "corpus": corpus, "items": f.items, "pages": f.pages, "requests": f.requests,
                "seconds": seconds, "items_per_second": rate, "pass": rate >= TARGET_ITEMS_PER_SECOND,
                "load_average": crate::bench::load_average()
            })
        );
    } else {
        outln!("corpus: {corpus_line}");
        outln!("path: {path}");
        outln!(
            "synced {} items in {} pages ({} requests) in {:.1} s: {:.0} items/s, {} (target ≥ 5,000)",
            f.items,
            f.pages,
            f.requests,
            seconds,
            rate,
            verdict(rate)
        );
    }
}

/// `baton bench-sync --gitlab`: a GitLab source's sync over the scaled corpus, timed.
async fn run_gitlab(args: &BenchSyncArgs) -> Result<(), CoreError> {
    let token = "bench-token";
    let started = Instant::now();
    let fake = Arc::new(
        FakeGitlab::scaled(&args.fixtures, token, args.items).map_err(|err| {
            CoreError::Invalid(format!("cannot read the fixtures in {}: {err} (run from the repository root or pass --fixtures)", args.fixtures.display()))
        })?,
    );
    let generated = started.elapsed().as_secs_f64();
    let server = fake.serve().await?;
    let input = SourceInput {
        name: "bench".into(),
        base_url: server.url(),
        poll_interval_minutes: 10,
        token: Some(Secret::new(token)),
        scope: SourceScope::Gitlab(GitlabScope {
            group: None,
            projects: vec![baton_core::replay::gitlab::PROJECT_PATH.into()],
        }),
    };
    let (report, seconds) = timed_sync("gitlab", &input).await?;
    print_fake_sync(
        args.json,
        &report,
        seconds,
        "scaled from DevLake's real gitlab.com gitlab-data/snowflake_spend rows (ids offset, times shifted)",
        &format!("{} issues and merge requests SCALED from DevLake's real gitlab.com rows (ids offset, times shifted); generated in {generated:.1} s", report.figures.items),
        "fake GitLab on 127.0.0.1 → HTTP (lists of 100, each merge request's notes and each issue's links and label history, 8 at a time; the next page with its lists read while one is mapped) → parse → map → SQLite (one transaction per page)",
    );
    Ok(())
}

/// `baton bench-sync --linear`: a Linear source's sync over the scaled hand-made workspace,
/// timed.
async fn run_linear(args: &BenchSyncArgs) -> Result<(), CoreError> {
    let token = "lin_api_bench";
    let started = Instant::now();
    let fake = Arc::new(
        FakeLinear::scaled(&args.fixtures, token, args.items).map_err(|err| {
            CoreError::Invalid(format!("cannot read the fixtures in {}: {err} (run from the repository root or pass --fixtures)", args.fixtures.display()))
        })?,
    );
    let generated = started.elapsed().as_secs_f64();
    let server = fake.serve().await?;
    let input = SourceInput {
        name: "bench".into(),
        base_url: server.url(),
        poll_interval_minutes: 10,
        token: Some(Secret::new(token)),
        scope: SourceScope::Linear(LinearScope::default()),
    };
    let (report, seconds) = timed_sync("linear", &input).await?;
    print_fake_sync(
        args.json,
        &report,
        seconds,
        "scaled from the hand-made Linear workspace in tests/fixtures/linear (ids and identifiers offset, times shifted); not recorded from Linear",
        &format!("{} issues SCALED from the hand-made Linear workspace (not recorded data; ids offset, times shifted); generated in {generated:.1} s", report.figures.items),
        "fake Linear GraphQL on 127.0.0.1 → HTTP (pages of 25 issues with the first 10 of their history and relations, within Linear's 10,000-point query complexity; follow-ups for longer lists, 4 at a time; the next page asked for while one is mapped) → parse → map → SQLite (one transaction per four query pages)",
    );
    Ok(())
}

/// The sync benchmarks' mark: items a second, wall time.
const TARGET_ITEMS_PER_SECOND: f64 = 5_000.0;

/// "PASS" or "FAIL" against the mark.
fn verdict(rate: f64) -> &'static str {
    if rate >= TARGET_ITEMS_PER_SECOND {
        "PASS"
    } else {
        "FAIL"
    }
}

/// One timed GitHub sync of the bench corpus.
struct GithubRun {
    items: i64,
    pages: i64,
    requests: i64,
    seconds: f64,
    rate: f64,
    file_mib: f64,
    cpu_ms: Option<f64>,
}

/// Syncs the fake GitHub at `url` into a fresh workspace, with or without timelines, timed
/// (wall and this process's CPU). `keep`: the workspace goes to `--keep` (when given) after.
async fn github_run(
    args: &BenchSyncArgs,
    url: &str,
    token: &str,
    timelines: bool,
    keep: bool,
) -> Result<GithubRun, CoreError> {
    let dir = std::env::temp_dir().join(format!(
        "baton-bench-sync-{}-{timelines}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("bench.baton");
    let _ = std::fs::remove_file(&path);
    let ws = Workspace::create(&path).await?;
    let secrets = Arc::new(MemorySecretStore::new());
    let input = SourceInput {
        name: "bench".into(),
        base_url: url.to_owned(),
        poll_interval_minutes: 10,
        token: Some(Secret::new(token)),
        scope: SourceScope::Github(GithubScope {
            org: None,
            repos: vec!["panjf2000/ants".into()],
        }),
    };
    let source = sources::add(
        &ws,
        secrets.as_ref(),
        None,
        &input,
        baton_core::time::now_ms(),
    )
    .await
    .map_err(|e| CoreError::Invalid(e.to_string()))?;
    let ctx = SyncContext {
        ws: ws.clone(),
        secrets,
        clock: Arc::new(SystemClock),
        progress: baton_core::sync::progress::silent(),
        options: SyncOptions {
            timelines,
            pages_per_write: args.pages_per_write.max(1),
            ..SyncOptions::default()
        },
    };
    let timer = Instant::now();
    let cpu_start = crate::bench_flow::cpu_ms();
    let report = run_source(&ctx, &source.id, CancellationToken::new())
        .await
        .map_err(|e| CoreError::Invalid(e.to_string()))?;
    let seconds = timer.elapsed().as_secs_f64();
    let cpu_ms = crate::bench_flow::cpu_since(cpu_start);
    if report.status != RunStatus::Succeeded {
        return Err(CoreError::Invalid(format!(
            "the benchmark sync failed: {:?}",
            report.error
        )));
    }
    let file_mib = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) as f64 / 1_048_576.0;
    ws.close().await;
    if let (true, Some(keep)) = (keep, &args.keep) {
        std::fs::rename(&path, keep)?;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let items = report.figures.items;
    Ok(GithubRun {
        items,
        pages: report.figures.pages,
        requests: report.figures.requests,
        seconds,
        rate: items as f64 / seconds,
        file_mib,
        cpu_ms,
    })
}

/// Runs the benchmark and prints the figure.
pub async fn run(args: BenchSyncArgs) -> Result<(), CoreError> {
    if let Some(file) = &args.import {
        return run_import(&args, file).await;
    }
    if args.gitlab {
        return run_gitlab(&args).await;
    }
    if args.linear {
        return run_linear(&args).await;
    }
    let options = CorpusOptions {
        items: args.items,
        seed: args.seed,
        ..CorpusOptions::default()
    };
    let started = Instant::now();
    let data = corpus::github(&args.fixtures, &options).map_err(|err| {
        CoreError::Invalid(format!("cannot read the fixtures in {}: {err} (run from the repository root or pass --fixtures)", args.fixtures.display()))
    })?;
    let bytes: usize = data
        .issues
        .iter()
        .chain(&data.pulls)
        .map(|r| r.json.len())
        .sum();
    let generated = started.elapsed().as_secs_f64();
    let token = "bench-token";
    let fake = Arc::new(FakeGithub::with_data(token, "panjf2000/ants", data));
    let server = fake.serve().await?;
    // With timelines (the sync as it runs), then without them (for comparison), each into a
    // fresh workspace from the same corpus and server; `--no-timelines` runs only the second.
    let modes: &[bool] = if args.no_timelines {
        &[false]
    } else if args.timelines_only {
        &[true]
    } else {
        &[true, false]
    };
    if !args.json {
        outln!("corpus: {} issues and pull requests SCALED from DevLake's real panjf2000/ants rows (ids offset, times shifted, seed {:#x}); {:.0} MiB of JSON; generated in {:.1} s", args.items, args.seed, bytes as f64 / 1_048_576.0, generated);
        outln!("path: fake GitHub on 127.0.0.1 → HTTP → parse → map → SQLite (up to {} list pages a transaction)", args.pages_per_write.max(1));
    }
    let mut runs = Vec::new();
    let mut all_pass = true;
    for (i, &timelines) in modes.iter().enumerate() {
        // `--keep` keeps the first run's workspace.
        let run = github_run(&args, &server.url(), token, timelines, i == 0).await?;
        all_pass &= run.rate >= TARGET_ITEMS_PER_SECOND;
        if args.json {
            runs.push(serde_json::json!({
                "timelines": timelines, "items": run.items, "pages": run.pages, "requests": run.requests,
                "seconds": run.seconds, "items_per_second": run.rate, "workspace_mib": run.file_mib,
                "cpu_ms": run.cpu_ms, "cpu_ms_per_item": run.cpu_ms.map(|c| c / run.items.max(1) as f64),
                "pass": run.rate >= TARGET_ITEMS_PER_SECOND, "load_average": crate::bench::load_average()
            }));
        } else {
            let with = if timelines {
                "with timelines   "
            } else {
                "without timelines"
            };
            outln!(
                "{with}: synced {} items in {} pages ({} requests) in {:.1} s: {:.0} items/s, {} (target ≥ 5,000); workspace {:.0} MiB",
                run.items, run.pages, run.requests, run.seconds, run.rate, verdict(run.rate), run.file_mib
            );
            if let Some(cpu) = run.cpu_ms {
                outln!(
                    "{with}: CPU (this process: the sync and the fake server) {:.1} s, {:.3} ms per item; load average {}",
                    cpu / 1_000.0,
                    cpu / run.items.max(1) as f64,
                    crate::bench::load_average()
                );
            }
        }
    }
    if args.json {
        outln!(
            "{}",
            serde_json::json!({
                "corpus": "scaled from DevLake's real panjf2000/ants rows (ids offset, times shifted, fixed seed)",
                "seed": args.seed, "json_mib": bytes as f64 / 1_048_576.0,
                "target_items_per_second": TARGET_ITEMS_PER_SECOND, "pass": all_pass, "runs": runs
            })
        );
    } else if modes.len() > 1 {
        outln!(
            "{} (wall time on this machine, load average {})",
            if all_pass {
                "PASS: with and without timelines at ≥ 5,000 items/s"
            } else {
                "FAIL: not every run at ≥ 5,000 items/s"
            },
            crate::bench::load_average()
        );
    }
    Ok(())
}
