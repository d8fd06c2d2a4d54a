//! `baton bench`: the work graph's benchmark on the demo workload.
//!
//! Builds the demo organisation at the requested size into a fresh file, then measures
//! generation, bulk insert throughput, workspace open time and query latency. Figures are wall
//! clock on this machine; each latency is the median of several runs unless marked "first".

use std::path::PathBuf;
use std::time::{Duration, Instant};

use baton_core::demo::{self, DemoOptions};
use baton_core::graph::model::FlowState;
use baton_core::graph::Workspace;
use baton_core::query::{self, ItemsQuery, SortDirection, SortField};
use baton_core::CoreError;
use serde::Serialize;

/// Options of `baton bench`.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Work items to generate (200,000 is the reference workload).
    #[arg(long, default_value_t = 200_000)]
    items: u32,
    /// Folder for the benchmark file (default: the system temp folder).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Runs per latency figure.
    #[arg(long, default_value_t = 7)]
    runs: u32,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Keep the workspace file afterwards.
    #[arg(long)]
    keep: bool,
}

#[derive(Debug, Serialize)]
struct Figure {
    name: String,
    value: f64,
    unit: &'static str,
    budget: Option<String>,
    ok: Option<bool>,
}

#[derive(Debug, Serialize)]
struct Report {
    items: usize,
    transitions: usize,
    links: usize,
    rows: u64,
    file_mib: f64,
    figures: Vec<Figure>,
}

fn leak_unit(unit: &str) -> &'static str {
    match unit {
        "ms" => "ms",
        "MiB" => "MiB",
        "x" => "x",
        _ => "",
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

async fn median_ms<F, Fut, T>(runs: u32, mut f: F) -> Result<f64, CoreError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, CoreError>>,
{
    let mut samples = Vec::with_capacity(runs as usize);
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        f().await?;
        samples.push(ms(started.elapsed()));
    }
    samples.sort_by(f64::total_cmp);
    Ok(samples[samples.len() / 2])
}

async fn first_ms<F, Fut, T>(f: F) -> Result<f64, CoreError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<T, CoreError>>,
{
    let started = Instant::now();
    f().await?;
    Ok(ms(started.elapsed()))
}

/// Runs the benchmark.
pub async fn run(args: BenchArgs) -> Result<(), CoreError> {
    let dir = args.dir.clone().unwrap_or_else(std::env::temp_dir);
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!(
        "baton-bench-{}-{}.baton",
        args.items,
        std::process::id()
    ));
    let mut figures = Vec::new();
    let mut push = |name: &str, value: f64, unit: &'static str, budget: Option<(f64, bool)>| {
        figures.push(Figure {
            name: name.to_owned(),
            value,
            unit,
            budget: budget.map(|(b, higher)| format!("{} {b}", if higher { ">=" } else { "<=" })),
            ok: budget.map(|(b, higher)| if higher { value >= b } else { value <= b }),
        });
    };

    let options = DemoOptions {
        items: args.items,
        seed: demo::DEFAULT_SEED,
        end: baton_core::time::now_ms(),
    };
    let started = Instant::now();
    let graph = demo::generate(&options);
    let generation = started.elapsed();
    let rows = graph.row_count();
    push(
        "generate: rows/s",
        rows as f64 / generation.as_secs_f64(),
        "rows/s",
        None,
    );
    push("generate: time", ms(generation), "ms", None);

    let ws = Workspace::create(&path).await?;
    let stats = demo::write(&ws, &graph).await?;
    push(
        "insert: rows/s (one transaction)",
        rows as f64 / stats.seconds,
        "rows/s",
        Some((300_000.0, true)),
    );
    push("insert: time", stats.seconds * 1_000.0, "ms", None);
    let (items, transitions, links) = (
        graph.items.len(),
        graph.transitions.len(),
        graph.links.len(),
    );
    drop(graph);
    ws.close().await;
    let file_mib = std::fs::metadata(&path)
        .map(|m| m.len() as f64 / 1_048_576.0)
        .unwrap_or(0.0);

    let started = Instant::now();
    let ws = Workspace::open(&path).await?;
    push(
        "workspace open (file checks, pool, migrations)",
        ms(started.elapsed()),
        "ms",
        None,
    );
    let started = Instant::now();
    let index = ws.index().await?;
    push(
        "work index build (items and changes into memory)",
        ms(started.elapsed()),
        "ms",
        None,
    );
    push(
        "work index heap",
        index.heap_bytes() as f64 / 1_048_576.0,
        "MiB",
        None,
    );
    drop(index);

    push(
        "workspace_summary (first)",
        first_ms(|| query::workspace_summary(&ws)).await?,
        "ms",
        None,
    );
    push(
        "workspace_summary (median)",
        median_ms(args.runs, || query::workspace_summary(&ws)).await?,
        "ms",
        None,
    );

    let base = ItemsQuery {
        limit: 200,
        ..ItemsQuery::default()
    };
    push(
        "items_list first page, new sort (first)",
        first_ms(|| query::items_list(&ws, &base)).await?,
        "ms",
        None,
    );
    let mut offset = 0u32;
    let scroll = median_ms(args.runs, || {
        offset += 200;
        let q = ItemsQuery {
            offset,
            ..base.clone()
        };
        let ws = ws.clone();
        async move { query::items_list(&ws, &q).await }
    })
    .await?;
    push(
        "items_list next page, same sort (median)",
        scroll,
        "ms",
        None,
    );
    let deep = ItemsQuery {
        offset: (items as u32) / 2,
        ..base.clone()
    };
    push(
        "items_list page in the middle (median)",
        median_ms(args.runs, || query::items_list(&ws, &deep)).await?,
        "ms",
        None,
    );

    let by_title = ItemsQuery {
        sort: SortField::Title,
        direction: SortDirection::Asc,
        ..base.clone()
    };
    let filtered = ItemsQuery {
        states: vec![FlowState::Waiting, FlowState::Active],
        sort: SortField::Team,
        ..base.clone()
    };
    let text = ItemsQuery {
        text: Some("retry".into()),
        ..base.clone()
    };
    let mut variants = [by_title, filtered, text].into_iter().cycle();
    let new_sort = median_ms(args.runs, || {
        // The variants alternate, so every run misses the one-list cache and pays for the
        // filter and the sort.
        let q = variants.next().unwrap_or_default();
        let ws = ws.clone();
        async move { query::items_list(&ws, &q).await }
    })
    .await?;
    push(
        "items_list new filter or sort (median: title sort, state filter + team sort, text search)",
        new_sort,
        "ms",
        None,
    );

    let some_id = query::items_list(&ws, &base)
        .await?
        .rows
        .first()
        .map(|r| r.id.clone())
        .unwrap_or_default();
    push(
        "item_detail (median)",
        median_ms(args.runs, || query::item_detail(&ws, &some_id)).await?,
        "ms",
        None,
    );
    ws.close().await;

    // The flow figures, measured by a fresh process that only opens the file (so its memory is
    // a backend's, not the generator's).
    let exe = std::env::current_exe()?;
    let child = std::process::Command::new(exe)
        .arg("bench-flow")
        .arg(&path)
        .arg("--runs")
        .arg(args.runs.to_string())
        .output()?;
    if !child.status.success() {
        return Err(CoreError::Invalid(format!(
            "the flow benchmark failed: {}",
            String::from_utf8_lossy(&child.stderr)
        )));
    }
    let flow_figures: Vec<crate::bench_flow::Figure> = serde_json::from_slice(&child.stdout)
        .map_err(|e| CoreError::Invalid(format!("flow benchmark output: {e}")))?;
    for f in flow_figures {
        push(&f.name, f.value, leak_unit(&f.unit), f.budget);
    }

    if !args.keep {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }

    let report = Report {
        items,
        transitions,
        links,
        rows,
        file_mib,
        figures,
    };
    if args.json {
        let text =
            serde_json::to_string_pretty(&report).map_err(|e| CoreError::Invalid(e.to_string()))?;
        outln!("{text}");
    } else {
        outln!(
            "baton bench: {} items, {} transitions, {} links ({} rows, {:.0} MiB file){}",
            report.items,
            report.transitions,
            report.links,
            report.rows,
            report.file_mib,
            if args.keep {
                format!(" kept at {}", path.display())
            } else {
                String::new()
            }
        );
        for f in &report.figures {
            let verdict = match (f.ok, &f.budget) {
                (Some(true), Some(b)) => format!("  ok ({b})"),
                (Some(false), Some(b)) => format!("  OVER BUDGET ({b})"),
                _ => String::new(),
            };
            outln!("  {:<92} {:>14.1} {}{}", f.name, f.value, f.unit, verdict);
        }
    }
    if report.figures.iter().any(|f| f.ok == Some(false)) {
        return Err(CoreError::Invalid("a figure is outside its budget".into()));
    }
    Ok(())
}
