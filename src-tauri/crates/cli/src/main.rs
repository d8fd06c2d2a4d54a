//! `baton`: the headless command-line tool over the same core as the app.
//!
//! `baton demo` builds the demo organisation at any size, `baton stats` and `baton items` print
//! what the Overview and the Work items table show, `baton triage` lists the Triage worklist and
//! `baton decide` records decisions on it, `baton bench` measures the work graph,
//! `baton sync` and `baton source` sync GitHub and Jira headless, `baton bench-sync` measures
//! the sync path. The reading commands (stats, items, flow, deps) open the workspace
//! read-only: they write nothing to it or beside it, and work on files that cannot be written.
//!
//! Everything is printed through [`term`]: escaped, bounded, colourless off a terminal, and quiet
//! when the reader of the output goes away.

/// mimalloc hands memory back to the system after the index load's large, short-lived buffers,
/// which glibc's allocator tends to keep (see docs/architecture.md, "Memory").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// First: its `outln!` macro is used by the modules below.
#[macro_use]
mod term;

mod approvals;
mod bench;
mod bench_flow;
mod bench_governance;
mod bench_plans;
mod bench_sync;
mod conflicts;
mod duplicates;
mod forecast;
mod intents;
mod plan;
mod policy;
mod rules;
mod sync;
mod table;
mod triage;

use std::path::PathBuf;
use std::process::ExitCode;

use baton_core::demo::{self, DemoOptions};
use baton_core::flow::{self, CycleRule, FlowFilter};
use baton_core::graph::model::{FlowState, ItemKind, Provenance};
use baton_core::graph::Workspace;
use baton_core::query::{self, ItemsQuery, SortDirection, SortField};
use baton_core::CoreError;
use clap::{Parser, Subcommand, ValueEnum};
use table::Layout;

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
        /// About how many work items to generate (1 to 2,000,000).
        #[arg(long, default_value_t = demo::DEFAULT_ITEMS,
              value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_DEMO_ITEMS)))]
        items: u32,
        /// Generator seed: the same seed, size and end date give the same organisation.
        #[arg(long, default_value_t = demo::DEFAULT_SEED)]
        seed: u64,
        /// Last day of the generated history (YYYY-MM-DD, UTC, 1971-01-01 to 9999-12-31); default
        /// today.
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
        /// Intent id (repeatable): items linked to it or to an intent under it.
        #[arg(long = "intent")]
        intents: Vec<String>,
        /// Case-insensitive text in the key or title.
        #[arg(long)]
        text: Option<String>,
        /// Only AI-made pull requests without an independent review (the Overview's count).
        #[arg(long)]
        without_independent_review: bool,
        #[arg(long, value_enum, default_value_t = SortArg::Updated)]
        sort: SortArg,
        /// Sort ascending (default descending).
        #[arg(long)]
        asc: bool,
        #[arg(long, default_value_t = 0)]
        offset: u32,
        /// Rows to show (1 to 1,000).
        #[arg(long, default_value_t = 50,
              value_parser = clap::value_parser!(u32).range(1..=i64::from(query::items::MAX_PAGE)))]
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
        /// The last N days up to today (instead of --from/--to; 1 to 3,660).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=flow::filter::MAX_DAYS))]
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
        /// Count days in this UTC offset, e.g. +02:00 or -05:00 (-14:00 to +14:00).
        #[arg(long, default_value = "+00:00", allow_hyphen_values = true, value_parser = parse_offset)]
        utc_offset: i32,
        /// Count days in this IANA time zone instead (e.g. Europe/Berlin): its offset at the
        /// end of the range.
        #[arg(long, conflicts_with = "utc_offset")]
        time_zone: Option<String>,
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
    /// List candidate duplicate work: pairs of items two teams may both be doing, with a score
    /// and why, and each team's duplicated work (what the Duplicates page shows).
    Duplicates(duplicates::DuplicatesArgs),
    /// List conflicting changes: open pull requests changing another team's code without its
    /// review, overlapping another team's or an agent's, agents' changes across teams, sensitive
    /// paths without the required review; and who changes whose code.
    Conflicts(conflicts::ConflictsArgs),
    /// List the Triage worklist: items that need a decision, each with why (what the Triage
    /// page shows); --compare-days N compares AI-made work with people's instead.
    Triage(triage::TriageArgs),
    /// Record a decision about an item (owner, accept, reject, defer, duplicate, intent,
    /// handoff delivered, note) or take one back (--undo).
    Decide(triage::DecideArgs),
    /// List every decision, oldest first (the export of the decisions).
    Decisions(triage::DecisionsArgs),
    /// List pending decisions and approvals (asked in Baton, or shown by the sources) with who
    /// decides, the waiting items, the due date and the age; --log lists the answered ones.
    Approvals(approvals::ApprovalsArgs),
    /// Ask a question in Baton that items wait on: a decision or an approval, of a person or a
    /// team.
    Ask(approvals::AskArgs),
    /// Answer a pending decision or approval (who, when, what and why), releasing its items.
    Answer(approvals::AnswerArgs),
    /// Forecast when a team's or an intent's open work will be done (or how many items by a
    /// date): Monte Carlo over daily throughput, with a backtest.
    Forecast(forecast::ForecastArgs),
    /// Write every item, with its changes and links, as Baton's JSON lines (what a file
    /// source imports: `baton source add --kind file --format jsonl`).
    Export {
        /// The workspace file.
        file: PathBuf,
        /// Where to write; `-` for standard output.
        #[arg(long)]
        out: PathBuf,
    },
    /// The Intents page: goals, initiatives and milestones with their progress, flow and risks,
    /// unaligned work and intent conflicts.
    Intents(intents::IntentsArgs),
    /// One intent (show, with its forecast or its brief), or link work to one (by rule or hand).
    #[command(subcommand)]
    Intent(intents::IntentCommand),
    /// Compare scenarios with the baseline and write the plan to take home (HTML, PDF):
    /// scenarios compared, forecasts, decisions taken, risks and definitions.
    Plan(plan::PlanArgs),
    /// Scenarios: list, save from a JSON file, remove.
    #[command(subcommand)]
    Scenario(plan::ScenarioCommand),
    /// Policies: check (a pipeline's gate: exit 1 when a blocking policy is violated), list,
    /// export and import as TOML or JSON.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Team and provenance rules: list, add, remove; apply changed rules to the items synced
    /// before (`rederive`: the count of items that change is shown before anything is written).
    #[command(subcommand)]
    Rules(rules::RulesCommand),
    /// Measure generation, insert throughput, open time, query latency and the Flow, Bottlenecks
    /// and dependency pages against their budgets at 200,000 and 1,000,000 items; exit 1 when one
    /// is missed.
    Bench(bench::BenchArgs),
    /// (Used by `baton bench`.) Measure the flow figures on an existing file, as JSON.
    #[command(hide = true)]
    BenchFlow {
        file: PathBuf,
        #[arg(long, default_value_t = 5)]
        runs: u32,
        /// Only the way to the first Flow answer (open, index, answer), with its parts.
        #[arg(long)]
        first_only: bool,
        /// Only the Intents page's figures (after the open and the index).
        #[arg(long, conflicts_with = "first_only")]
        intents_only: bool,
        /// Only the duplicates figures (after the open and the index).
        #[arg(long, conflicts_with_all = ["first_only", "intents_only"])]
        duplicates_only: bool,
        /// Only the conflicting-changes figures (the conflicts list, who changes whose code,
        /// its drill-down).
        #[arg(long, conflicts_with_all = ["first_only", "intents_only", "duplicates_only"])]
        conflicts_only: bool,
        /// Only the Dependencies page's figures (after the open and the index).
        #[arg(long, conflicts_with_all = ["first_only", "intents_only", "duplicates_only", "conflicts_only"])]
        deps_only: bool,
        /// Only the Flow and Bottlenecks pages after a filter change (after the open, the index
        /// and a sync page's refresh): the figures to profile the flow engine with.
        #[arg(long, conflicts_with_all = ["first_only", "intents_only", "duplicates_only", "conflicts_only", "deps_only"])]
        pages_only: bool,
    },
    /// (Used by `baton bench`.) Measure a fresh process's first Triage worklist on an
    /// existing file, as JSON.
    #[command(hide = true)]
    BenchTriageFirst { file: PathBuf },
    /// Sync sources (every enabled one, or --source NAME) with the app's sync code.
    Sync(sync::SyncArgs),
    /// Configure sources: add, list, remove, test, history.
    #[command(subcommand)]
    Source(sync::SourceCommand),
    /// Measure the sync path (HTTP → parse → map → write) over a scaled corpus.
    BenchSync(bench_sync::BenchSyncArgs),
    /// Measure the Governance and Triage budgets on a workspace (it writes to it): every policy
    /// on the whole index (≤ 100 ms) and followed after a sync page (≤ 20 ms), the worklist
    /// after a filter change (≤ 50 ms) and after a decision (≤ 20 ms); exit 1 when one is
    /// missed.
    BenchGovernance(bench_governance::BenchGovernanceArgs),
    /// Measure the Plans budgets on a workspace: a team's forecast (≤ 30 ms), an intent's
    /// through its dependencies (≤ 200 ms), three scenarios compared (≤ 1 s); exit 1 when one
    /// is missed.
    BenchPlans(bench_plans::BenchPlansArgs),
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
value_enum_for!(SortArg => SortField { Key, Title, Kind, Team, State, Source, Provenance, Created, Updated, StateSince });

/// The most items `baton demo` generates.
const MAX_DEMO_ITEMS: u32 = 2_000_000;

fn main() -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_env("BATON_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let colour = term::stderr_colour();
    console::set_colors_enabled_stderr(colour);
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(|| term::LogWriter)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            term::err_line(&format!("error: cannot start: {err}"));
            return ExitCode::FAILURE;
        }
    };
    let file = cli.command.workspace_file().map(PathBuf::from);
    let result = runtime.block_on(run(cli.command));
    let written = term::finish();
    match (result, written) {
        (Ok(true), Ok(())) => ExitCode::SUCCESS,
        // A gate that did not pass (`baton policy check`): its output says why.
        (Ok(false), Ok(())) => ExitCode::from(1),
        (Err(err), _) => {
            // A damaged page met by a query does not know its file; the command does.
            let err = match &file {
                Some(file) => err.in_file(file),
                None => err,
            };
            term::err_line(&format!("error: {err}"));
            ExitCode::from(2)
        }
        (Ok(_), Err(err)) => {
            term::err_line(&format!("error: {err}"));
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
            Command::Triage(args) => Some(args.file()),
            Command::Duplicates(args) => Some(args.file()),
            Command::Conflicts(args) => Some(args.file()),
            Command::Decide(args) => Some(args.file()),
            Command::Decisions(args) => Some(args.file()),
            Command::Approvals(args) => Some(args.file()),
            Command::Ask(args) => Some(args.file()),
            Command::Answer(args) => Some(args.file()),
            Command::Policy(command) => Some(command.file()),
            Command::Rules(command) => Some(command.file()),
            Command::Forecast(args) => Some(args.file()),
            Command::Export { file, .. } => Some(file),
            Command::Intents(args) => Some(args.file()),
            Command::Intent(command) => Some(command.file()),
            Command::Plan(args) => Some(args.file()),
            Command::Scenario(command) => Some(command.file()),
            _ => None,
        }
    }
}

/// Runs a command; `Ok(false)` when it ran but a gate did not pass.
async fn run(command: Command) -> Result<bool, CoreError> {
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
            // The workspace is left as the app leaves one it has opened: the Triage worklist's
            // duplicate candidates and conflicting changes kept beside it, so the app's first
            // Overview loads them instead of finding them again (`graph::kept`).
            let now = baton_core::time::now_ms();
            let query = baton_core::triage::TriageQuery::default();
            baton_core::triage::triage_list(&ws, &query, now).await?;
            baton_core::triage::keep_beside(&ws).await?;
            ws.close().await;
            outln!(
                "built {}: {} items, {} transitions, {} links, {} teams",
                term::cell(&out.display().to_string()),
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
                outln!(
                    "{}",
                    table::summary(&summary, Layout::for_stdout()).trim_end()
                );
            }
        }
        Command::Items {
            file,
            teams,
            states,
            kinds,
            sources,
            provenances,
            intents,
            text,
            without_independent_review,
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
                intents,
                text,
                without_independent_review,
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
                outln!("{}", table::items(&page, Layout::for_stdout()).trim_end());
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
            time_zone,
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
                utc_offset_minutes: utc_offset,
                time_zone,
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
                let layout = Layout::for_stdout();
                let mut text = table::flow(&report, layout);
                if let Some(b) = bottleneck {
                    text.push_str(&table::bottlenecks(&b, layout));
                }
                outln!("{}", text.trim_end());
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
                let layout = Layout::for_stdout();
                let mut text = table::deps(&report, layout);
                if let Some(p) = path {
                    text.push_str(&table::critical_path(&p, layout));
                }
                outln!("{}", text.trim_end());
            }
        }
        Command::Triage(args) => triage::triage(args).await?,
        Command::Duplicates(args) => duplicates::run(args).await?,
        Command::Conflicts(args) => conflicts::run(args).await?,
        Command::Decide(args) => triage::decide(args).await?,
        Command::Decisions(args) => triage::decisions(args).await?,
        Command::Approvals(args) => approvals::list(args).await?,
        Command::Ask(args) => approvals::ask(args).await?,
        Command::Answer(args) => approvals::answer(args).await?,
        Command::Forecast(args) => forecast::forecast(args).await?,
        Command::Export { file, out } => export(&file, &out).await?,
        Command::Intents(args) => intents::list(args).await?,
        Command::Intent(command) => intents::run(command).await?,
        Command::Plan(args) => plan::plan(args).await?,
        Command::Scenario(command) => plan::scenario_command(command).await?,
        Command::BenchFlow {
            file,
            runs,
            first_only,
            intents_only,
            duplicates_only,
            conflicts_only,
            deps_only,
            pages_only,
        } => print_json(
            &bench_flow::run(
                &file,
                runs,
                first_only,
                intents_only,
                duplicates_only,
                conflicts_only,
                deps_only,
                pages_only,
            )
            .await?,
        )?,
        Command::BenchTriageFirst { file } => print_json(&bench_flow::triage_first(&file).await?)?,
        Command::Sync(args) => sync::sync(args).await?,
        Command::Source(command) => sync::source(command).await?,
        Command::BenchSync(args) => bench_sync::run(args).await?,
        Command::Bench(args) => return bench::run(args).await,
        Command::BenchPlans(args) => return bench_plans::run(args).await,
        Command::BenchGovernance(args) => return bench_governance::run(args).await,
        Command::Policy(command) => return policy::run(command).await,
        Command::Rules(command) => return rules::run(command).await,
    }
    Ok(true)
}

/// `--end`: noon UTC of a day from 1971-01-01 to 9999-12-31 (the history before it must
/// not fall before 1970, and RFC 3339 has four-digit years).
/// `baton export`: the workspace's items as JSON lines, to a file (written whole, then moved
/// into place) or to standard output.
async fn export(file: &std::path::Path, out: &std::path::Path) -> Result<(), CoreError> {
    let ws = Workspace::open_for_reading(file).await?;
    let name = file
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let now = chrono::Utc::now().timestamp_millis();
    let mut bytes = Vec::new();
    let written =
        baton_core::connectors::file::export::export_items(&ws, &name, now, &mut bytes).await;
    ws.close().await;
    let figures = written?;
    if out == std::path::Path::new("-") {
        outln!("{}", String::from_utf8_lossy(&bytes).trim_end());
        return Ok(());
    }
    let folder = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut temp = tempfile::NamedTempFile::new_in(&folder)?;
    std::io::Write::write_all(&mut temp, &bytes)?;
    temp.persist(out).map_err(|err| CoreError::Io(err.error))?;
    outln!(
        "wrote {}: {} items, {} changes, {} links",
        term::cell(&out.display().to_string()),
        figures.items,
        figures.transitions,
        figures.links
    );
    Ok(())
}

fn parse_day(day: &str) -> Result<i64, CoreError> {
    let bad = || {
        CoreError::Invalid(format!(
            "--end {}: expected a date from 1971-01-01 to 9999-12-31, like 2026-11-23",
            term::cell(day)
        ))
    };
    let date = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| bad())?;
    if !(1971..=9999).contains(&chrono::Datelike::year(&date)) {
        return Err(bad());
    }
    date.and_hms_opt(12, 0, 0)
        .map(|t| t.and_utc().timestamp_millis())
        .ok_or_else(bad)
}

/// `--utc-offset`: `+HH:MM` or `-HH:MM` from -14:00 to +14:00, minutes 00 to 59, in minutes.
fn parse_offset(text: &str) -> Result<i32, String> {
    let bad = || {
        format!(
            "expected +HH:MM or -HH:MM from -14:00 to +14:00 with minutes 00 to 59, not {}",
            term::cell(text)
        )
    };
    let (sign, rest) = match text.as_bytes().first() {
        Some(b'+') => (1, &text[1..]),
        Some(b'-') => (-1, &text[1..]),
        _ => return Err(bad()),
    };
    let (h, m) = rest.split_once(':').ok_or_else(bad)?;
    let digits = |s: &str, most: usize| {
        (1..=most).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(h, 2) || m.len() != 2 || !digits(m, 2) {
        return Err(bad());
    }
    let h: i32 = h.parse().map_err(|_| bad())?;
    let m: i32 = m.parse().map_err(|_| bad())?;
    if m > 59 || h * 60 + m > 14 * 60 {
        return Err(bad());
    }
    Ok(sign * (h * 60 + m))
}

pub(crate) fn print_json(value: &impl serde::Serialize) -> Result<(), CoreError> {
    term::out_json(value).map_err(|err| CoreError::Invalid(format!("cannot write JSON: {err}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_offsets_are_refused_outside_fourteen_hours_and_sixty_minutes() {
        assert_eq!(parse_offset("+00:00"), Ok(0));
        assert_eq!(parse_offset("+05:30"), Ok(330));
        assert_eq!(parse_offset("-05:45"), Ok(-345));
        assert_eq!(parse_offset("+5:30"), Ok(330));
        assert_eq!(parse_offset("+14:00"), Ok(840));
        assert_eq!(parse_offset("-14:00"), Ok(-840));
        for bad in [
            "+99:00",
            "-25:00",
            "+14:01",
            "-14:30",
            "+05:75",
            "+05:60",
            "+05:5",
            "+99999999999:00",
            "+2147483647:00",
            "+00:99999999999",
            "+-5:00",
            "++5:00",
            "+5",
            "05:00",
            "",
            "+",
            "+ 5:00",
            "+05:00:00",
            "+０５:００",
        ] {
            let refused = parse_offset(bad).expect_err(bad);
            assert!(refused.contains("-14:00 to +14:00"), "{bad}: {refused}");
        }
    }

    #[test]
    fn demo_end_days_outside_the_supported_years_are_refused() {
        assert!(parse_day("2026-11-23").is_ok());
        assert!(parse_day("1971-01-01").is_ok());
        assert!(parse_day("9999-12-31").is_ok());
        for bad in [
            "1970-06-01",
            "0001-01-01",
            "10000-01-01",
            "+99999-01-01",
            "2026-02-30",
            "x",
        ] {
            let refused = parse_day(bad).expect_err(bad).to_string();
            assert!(
                refused.contains("1971-01-01 to 9999-12-31"),
                "{bad}: {refused}"
            );
        }
    }

    #[test]
    fn numeric_arguments_are_checked_by_the_parser() {
        let refused = |args: &[&str]| {
            let mut all = vec!["baton"];
            all.extend_from_slice(args);
            Cli::try_parse_from(all)
                .expect_err(&args.join(" "))
                .to_string()
        };
        assert!(refused(&["demo", "--out", "x", "--items", "0"]).contains("--items"));
        assert!(refused(&["demo", "--out", "x", "--items", "4294967296"]).contains("--items"));
        assert!(refused(&["items", "f", "--limit", "0"]).contains("--limit"));
        assert!(refused(&["items", "f", "--limit", "1001"]).contains("--limit"));
        assert!(refused(&["flow", "f", "--last-days", "0"]).contains("--last-days"));
        assert!(refused(&["flow", "f", "--last-days", "4294967295"]).contains("--last-days"));
        assert!(refused(&["flow", "f", "--utc-offset", "+99:00"]).contains("+14:00"));
        assert!(refused(&["flow", "f", "--utc-offset", "-25:00"]).contains("+14:00"));
        assert!(refused(&["source", "history", "f", "s", "--limit=-1"]).contains("--limit"));
        assert!(refused(&["sync", "f", "--page-size", "0"]).contains("--page-size"));
        let minutes = "153722867280912931";
        assert!(refused(&[
            "source",
            "add",
            "f",
            "--kind",
            "github",
            "--name",
            "n",
            "--interval-minutes",
            minutes
        ])
        .contains("--interval-minutes"));
        assert!(Cli::try_parse_from(["baton", "flow", "f", "--utc-offset", "-05:00"]).is_ok());
        assert!(Cli::try_parse_from(["baton", "items", "f", "--limit", "1000"]).is_ok());
    }

    #[test]
    fn days_are_counted_in_a_named_zone_or_an_offset_not_both() {
        let parsed = Cli::try_parse_from(["baton", "flow", "f", "--time-zone", "Europe/Berlin"]);
        assert!(
            matches!(&parsed, Ok(Cli { command: Command::Flow { time_zone: Some(z), .. }, .. }) if z == "Europe/Berlin"),
            "{parsed:?}"
        );
        assert!(
            Cli::try_parse_from([
                "baton",
                "flow",
                "f",
                "--time-zone",
                "Europe/Berlin",
                "--utc-offset",
                "+01:00"
            ])
            .is_err(),
            "a zone and an offset together are refused"
        );
        let items = Cli::try_parse_from([
            "baton",
            "items",
            "f",
            "--intent",
            "g1",
            "--sort",
            "state_since",
        ]);
        assert!(
            matches!(&items, Ok(Cli { command: Command::Items { intents, sort: SortArg::StateSince, .. }, .. }) if intents == &["g1".to_string()]),
            "{items:?}"
        );
    }
}
