//! `baton`: the headless command-line tool over the same core as the app.
//!
//! `baton demo` builds the demo organisation at any size, `baton stats` and `baton items` print
//! what the Overview and the Work items table show, `baton bench` measures the work graph,
//! `baton sync` and `baton source` sync GitHub and Jira headless, `baton bench-sync` measures
//! the sync path. The reading commands (stats, items, flow, deps) open the workspace
//! read-only: they write nothing to it or beside it, and work on files that cannot be written.
#![allow(clippy::print_stdout, clippy::print_stderr)]

/// mimalloc hands memory back to the system after the index load's large, short-lived buffers,
/// which glibc's allocator tends to keep (see docs/architecture.md, "Memory").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod bench;
mod bench_flow;
mod bench_sync;
mod sync;
mod table;

use std::path::PathBuf;
use std::process::ExitCode;

use baton_core::demo::{self, DemoOptions};
use baton_core::flow::{self, CycleRule, FlowFilter};
use baton_core::graph::model::{FlowState, ItemKind, Provenance};
use baton_core::graph::Workspace;
use baton_core::query::{self, ItemsQuery, SortDirection, SortField};
use baton_core::CoreError;
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "baton",
    version,
    about = "Baton: flow, bottlenecks and cross-team dependencies from one local work graph"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the demo organisation into a new workspace file.
    Demo {
        /// The workspace file to create (must not exist).
        #[arg(long)]
        out: PathBuf,
        /// About how many work items to generate.
        #[arg(long, default_value_t = demo::DEFAULT_ITEMS)]
        items: u32,
        /// Generator seed: the same seed, size and end date give the same organisation.
        #[arg(long, default_value_t = demo::DEFAULT_SEED)]
        seed: u64,
        /// Last day of the generated history (YYYY-MM-DD, UTC); default today.
        #[arg(long)]
        end: Option<String>,
    },
    /// Print the workspace summary (what the Overview shows).
    Stats {
        file: PathBuf,
        /// Print JSON (the same structure the app receives).
        #[arg(long)]
        json: bool,
    },
    /// List work items with the Work items table's filters.
    Items {
        file: PathBuf,
        /// Team id (repeatable); "" selects items without a team.
        #[arg(long = "team")]
        teams: Vec<String>,
        /// Flow state (repeatable).
        #[arg(long = "state")]
        states: Vec<FlowStateArg>,
        /// Kind (repeatable).
        #[arg(long = "kind")]
        kinds: Vec<KindArg>,
        /// Source id (repeatable).
        #[arg(long = "source")]
        sources: Vec<String>,
        /// Provenance (repeatable).
        #[arg(long = "provenance")]
        provenances: Vec<ProvenanceArg>,
        /// Case-insensitive text in the key or title.
        #[arg(long)]
        text: Option<String>,
        #[arg(long, value_enum, default_value_t = SortArg::Updated)]
        sort: SortArg,
        /// Sort ascending (default descending).
        #[arg(long)]
        asc: bool,
        #[arg(long, default_value_t = 0)]
        offset: u32,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// Print the flow metrics (what the Flow page shows; with --bottlenecks, that page too).
    Flow {
        file: PathBuf,
        /// First day (YYYY-MM-DD); default 89 days before --to.
        #[arg(long)]
        from: Option<String>,
        /// Last day, included (YYYY-MM-DD); default the day of the latest change.
        #[arg(long)]
        to: Option<String>,
        /// The last N days up to today (instead of --from/--to).
        #[arg(long)]
        last_days: Option<u32>,
        /// Team id or name (repeatable).
        #[arg(long = "team")]
        teams: Vec<String>,
        /// Source id (repeatable).
        #[arg(long = "source")]
        sources: Vec<String>,
        /// Kind (repeatable).
        #[arg(long = "kind")]
        kinds: Vec<KindArg>,
        /// Provenance (repeatable).
        #[arg(long = "provenance")]
        provenances: Vec<ProvenanceArg>,
        /// Intent id (repeatable; includes its descendants).
        #[arg(long = "intent")]
        intents: Vec<String>,
        /// Cycle rule for reopened work.
        #[arg(long, value_enum, default_value_t = RuleArg::LastEntry)]
        rule: RuleArg,
        /// Count days in this UTC offset, e.g. +02:00 or -05:00.
        #[arg(long, default_value = "+00:00", allow_hyphen_values = true)]
        utc_offset: String,
        /// Also print the Bottlenecks page.
        #[arg(long)]
        bottlenecks: bool,
        #[arg(long)]
        json: bool,
    },
    /// Print the dependency analyses (what the Dependencies page shows).
    Deps {
        file: PathBuf,
        /// Team id or name (repeatable): keep rows involving its items.
        #[arg(long = "team")]
        teams: Vec<String>,
        /// Intent id (repeatable).
        #[arg(long = "intent")]
        intents: Vec<String>,
        /// Also print the critical path to this item id.
        #[arg(long)]
        critical_item: Option<String>,
        /// Also print the critical path to this intent id.
        #[arg(long)]
        critical_intent: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Measure generation, insert throughput, open time and query latency.
    Bench(bench::BenchArgs),
    /// (Used by `baton bench`.) Measure the flow figures on an existing file, as JSON.
    #[command(hide = true)]
    BenchFlow {
        file: PathBuf,
        #[arg(long, default_value_t = 5)]
        runs: u32,
    },
    /// Sync sources (every enabled one, or --source NAME) with the app's sync code.
    Sync(sync::SyncArgs),
    /// Configure sources: add, list, remove, test, history.
    #[command(subcommand)]
    Source(sync::SourceCommand),
    /// Measure the sync path (HTTP → parse → map → write) over a scaled corpus.
    BenchSync(bench_sync::BenchSyncArgs),
}

macro_rules! value_enum_for {
    ($arg:ident => $core:ident { $($variant:ident),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy, ValueEnum)]
        #[value(rename_all = "snake_case")]
        enum $arg { $($variant),+ }
        impl From<$arg> for $core {
            fn from(value: $arg) -> $core {
                match value { $($arg::$variant => $core::$variant),+ }
            }
        }
    };
}

value_enum_for!(FlowStateArg => FlowState { New, Waiting, Active, Done, Canceled });
value_enum_for!(KindArg => ItemKind { Feature, Defect, Risk, Debt, Task, PullRequest, Review, Approval, Deployment, Incident });
value_enum_for!(ProvenanceArg => Provenance { Human, AiAgent, Automation });
value_enum_for!(RuleArg => CycleRule { LastEntry, FirstEntry });
value_enum_for!(SortArg => SortField { Key, Title, Kind, Team, State, Source, Provenance, Created, Updated });

fn main() -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_env("BATON_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start: {err}");
            return ExitCode::FAILURE;
        }
    };
    let file = cli.command.workspace_file().map(PathBuf::from);
    match runtime.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // A damaged page met by a query does not know its file; the command does.
            let err = match &file {
                Some(file) => err.in_file(file),
                None => err,
            };
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}

impl Command {
    /// The workspace a reading command reads.
    fn workspace_file(&self) -> Option<&std::path::Path> {
        match self {
            Command::Stats { file, .. }
            | Command::Items { file, .. }
            | Command::Flow { file, .. }
            | Command::Deps { file, .. } => Some(file),
            _ => None,
        }
    }
}

async fn run(command: Command) -> Result<(), CoreError> {
    match command {
        Command::Demo {
            out,
            items,
            seed,
            end,
        } => {
            let end = match end {
                Some(day) => parse_day(&day)?,
                None => baton_core::time::now_ms(),
            };
            let ws = demo::build(&out, &DemoOptions { items, seed, end }).await?;
            let summary = query::workspace_summary(&ws).await?;
            ws.close().await;
            println!(
                "built {}: {} items, {} transitions, {} links, {} teams",
                out.display(),
                table::thousands(summary.totals.items),
                table::thousands(summary.totals.transitions),
                table::thousands(summary.totals.links),
                summary.totals.teams
            );
        }
        Command::Stats { file, json } => {
            let ws = Workspace::open_for_reading(&file).await?;
            let summary = query::workspace_summary(&ws).await?;
            ws.close().await;
            if json {
                print_json(&summary)?;
            } else {
                table::print_summary(&summary);
            }
        }
        Command::Items {
            file,
            teams,
            states,
            kinds,
            sources,
            provenances,
            text,
            sort,
            asc,
            offset,
            limit,
            json,
        } => {
            let ws = Workspace::open_for_reading(&file).await?;
            let query = ItemsQuery {
                teams,
                states: states.into_iter().map(Into::into).collect(),
                kinds: kinds.into_iter().map(Into::into).collect(),
                sources,
                provenances: provenances.into_iter().map(Into::into).collect(),
                text,
                sort: sort.into(),
                direction: if asc {
                    SortDirection::Asc
                } else {
                    SortDirection::Desc
                },
                offset,
                limit,
            };
            let page = query::items_list(&ws, &query).await?;
            ws.close().await;
            if json {
                print_json(&page)?;
            } else {
                table::print_items(&page);
            }
        }
        Command::Flow {
            file,
            from,
            to,
            last_days,
            teams,
            sources,
            kinds,
            provenances,
            intents,
            rule,
            utc_offset,
            bottlenecks,
            json,
        } => {
            let ws = Workspace::open_for_reading(&file).await?;
            let ix = ws.index().await?;
            // Teams may be given by id or by name.
            let teams = teams
                .into_iter()
                .map(|t| {
                    ix.teams
                        .iter()
                        .find(|x| x.name.eq_ignore_ascii_case(&t))
                        .map_or(t, |x| x.id.clone())
                })
                .collect();
            let filter = FlowFilter {
                from,
                to,
                last_days,
                teams,
                sources,
                kinds: kinds.into_iter().map(Into::into).collect(),
                provenances: provenances.into_iter().map(Into::into).collect(),
                intents,
                rule: rule.into(),
                utc_offset_minutes: parse_offset(&utc_offset)?,
            };
            let now = baton_core::time::now_ms();
            let report = flow::flow_report(&ws, &filter, now).await?;
            let bottleneck = if bottlenecks {
                Some(flow::bottleneck_report(&ws, &filter, now).await?)
            } else {
                None
            };
            ws.close().await;
            if json {
                match bottleneck {
                    Some(b) => {
                        print_json(&serde_json::json!({ "flow": report, "bottlenecks": b }))?
                    }
                    None => print_json(&report)?,
                }
            } else {
                table::print_flow(&report);
                if let Some(b) = bottleneck {
                    table::print_bottlenecks(&b);
                }
            }
        }
        Command::Deps {
            file,
            teams,
            intents,
            critical_item,
            critical_intent,
            json,
        } => {
            let ws = Workspace::open_for_reading(&file).await?;
            let ix = ws.index().await?;
            let teams = teams
                .into_iter()
                .map(|t| {
                    ix.teams
                        .iter()
                        .find(|x| x.name.eq_ignore_ascii_case(&t))
                        .map_or(t, |x| x.id.clone())
                })
                .collect();
            let now = baton_core::time::now_ms();
            let report = baton_core::deps::deps_report(
                &ws,
                &baton_core::deps::DepsFilter { teams, intents },
                now,
            )
            .await?;
            let target = match (critical_item, critical_intent) {
                (Some(id), _) => Some(baton_core::deps::Target::Item { id }),
                (None, Some(id)) => Some(baton_core::deps::Target::Intent { id }),
                (None, None) => None,
            };
            let path = match &target {
                Some(t) => Some(baton_core::deps::deps_critical_path(&ws, t, now).await?),
                None => None,
            };
            ws.close().await;
            if json {
                print_json(&serde_json::json!({ "report": report, "criticalPath": path }))?;
            } else {
                table::print_deps(&report);
                if let Some(p) = path {
                    table::print_critical_path(&p);
                }
            }
        }
        Command::Bench(args) => bench::run(args).await?,
        Command::BenchFlow { file, runs } => print_json(&bench_flow::run(&file, runs).await?)?,
        Command::Sync(args) => sync::sync(args).await?,
        Command::Source(command) => sync::source(command).await?,
        Command::BenchSync(args) => bench_sync::run(args).await?,
    }
    Ok(())
}

fn parse_day(day: &str) -> Result<i64, CoreError> {
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .map(|t| t.and_utc().timestamp_millis())
        .ok_or_else(|| CoreError::Invalid(format!("--end {day}: expected a date like 2026-11-23")))
}

fn parse_offset(text: &str) -> Result<i32, CoreError> {
    let bad = || CoreError::Invalid(format!("--utc-offset {text}: expected +HH:MM or -HH:MM"));
    let (sign, rest) = match text.chars().next() {
        Some('+') => (1, &text[1..]),
        Some('-') => (-1, &text[1..]),
        _ => return Err(bad()),
    };
    let (h, m) = rest.split_once(':').ok_or_else(bad)?;
    let h: i32 = h.parse().map_err(|_| bad())?;
    let m: i32 = m.parse().map_err(|_| bad())?;
    Ok(sign * (h * 60 + m))
}

fn print_json(value: &impl serde::Serialize) -> Result<(), CoreError> {
    let text =
        serde_json::to_string_pretty(value).map_err(|err| CoreError::Invalid(err.to_string()))?;
    println!("{text}");
    Ok(())
}
