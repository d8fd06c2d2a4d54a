//! `baton bench-plans FILE`: the three Plans budgets on an existing workspace (a team's
//! forecast, an intent's forecast through its dependencies, the baseline and three scenarios
//! compared), each printed against its budget with the CPU time beside the wall time and the
//! machine's load; exits 1 when one is missed. `baton bench` measures the same three figures on
//! the workspace it generates (`bench_flow::forecasts`).

use std::path::{Path, PathBuf};

use baton_core::flow::FlowFilter;
use baton_core::graph::Workspace;
use baton_core::CoreError;
use serde::Serialize;

use crate::bench_flow::{forecasts, Figure};

/// Options of `baton bench-plans`.
#[derive(Debug, clap::Args)]
pub struct BenchPlansArgs {
    /// The workspace to measure (e.g. `baton demo --out big.baton --items 200000`).
    file: PathBuf,
    /// Runs per figure (the median is reported).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
    runs: u32,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

/// Measures the three figures; `Ok(false)` when one misses its budget.
pub async fn run(args: BenchPlansArgs) -> Result<bool, CoreError> {
    let ws = Workspace::open_for_reading(&args.file).await?;
    let now = baton_core::time::now_ms();
    let (ix, mapping, _) = baton_core::flow::prepare(&ws, &FlowFilter::default(), now).await?;
    let figures = forecasts(&ix, &mapping, now, args.runs)?;
    ws.close().await;
    print_figures(
        "baton bench-plans",
        &args.file,
        ix.items.len(),
        args.runs,
        figures,
        args.json,
    )
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    file: String,
    items: usize,
    /// The machine's load average (1, 5, 15 minutes) after the runs.
    load: String,
    runs: u32,
    figures: Vec<Figure>,
    /// Figures over their budget.
    missed: Vec<String>,
}

/// Prints the figures measured on `file` (a table, or JSON), each against its budget with the
/// CPU time beside the wall time and the machine's load; `Ok(false)` when one is over.
pub(crate) fn print_figures(
    title: &str,
    file: &Path,
    items: usize,
    runs: u32,
    figures: Vec<Figure>,
    json: bool,
) -> Result<bool, CoreError> {
    let over = |f: &Figure| {
        f.budget.is_some_and(|(limit, at_least)| {
            if at_least {
                f.value < limit
            } else {
                f.value > limit
            }
        })
    };
    let report = Report {
        file: file.display().to_string(),
        items,
        load: crate::bench::load_average(),
        runs,
        missed: figures
            .iter()
            .filter(|f| over(f))
            .map(|f| f.name.clone())
            .collect(),
        figures,
    };
    if json {
        crate::print_json(&report)?;
    } else {
        outln!(
            "{title}: {} ({} items), median of {} runs, load {}",
            report.file,
            report.items,
            report.runs,
            report.load
        );
        for f in &report.figures {
            let verdict = match f.budget {
                Some((limit, _)) if over(f) => format!("OVER BUDGET (<= {limit} {})", f.unit),
                Some((limit, _)) => format!("ok (<= {limit} {})", f.unit),
                None => String::new(),
            };
            let cpu = f
                .cpu_ms
                .map(|c| format!("  (CPU {c:.1} ms)"))
                .unwrap_or_default();
            outln!(
                "  {:<100} {:>9.1} {}  {verdict}{cpu}",
                f.name,
                f.value,
                f.unit
            );
        }
    }
    Ok(report.missed.is_empty())
}
