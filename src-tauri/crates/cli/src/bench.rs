//! `baton bench`: the work graph's benchmark on the demo workload.
//!
//! For each requested size (200,000 and 1,000,000 items unless `--sizes` says otherwise), builds
//! the demo organisation into a fresh file, then measures generation, bulk insert throughput
//! (alone and with every core busy, as when another build runs), workspace open time, query
//! latency, and, in a fresh process, the first Flow answer, the Flow, Bottlenecks and
//! dependency pages, memory, and the same Flow page computed by SQL. Figures are wall clock on
//! this machine; each latency is the median of several runs unless marked "first". Each figure
//! that has a budget ([`Budgets::for_items`]) is reported against it, and the command fails
//! when one is missed.

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
    /// Workspace sizes to measure, in items, comma-separated. A size is held to the budgets of
    /// 200,000 items when it is at most that, else to those of 1,000,000 (so CI can run a small
    /// size against the 200,000-item budgets).
    #[arg(long, alias = "items", value_delimiter = ',', default_values_t = [200_000u32, 1_000_000],
          value_parser = clap::value_parser!(u32).range(1..=2_000_000))]
    sizes: Vec<u32>,
    /// Folder for the benchmark file (default: the system temp folder).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Runs per latency figure.
    #[arg(long, default_value_t = 7)]
    runs: u32,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Keep the workspace files afterwards.
    #[arg(long)]
    keep: bool,
    /// Skip the bulk inserts with every core busy.
    #[arg(long)]
    no_load: bool,
    /// Bulk inserts per insert figure (alone, and with every core busy), each into a new file:
    /// the figure is their median (of an even count, the lower of the middle two), every run's
    /// rate shown beside it. (On a shared virtual machine, one load of 1,000,000 items can vary
    /// by a third from run to run with the host's speed.)
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=20))]
    insert_runs: u32,
    /// Measure only the generation and the bulk inserts (no index, pages or analyses).
    #[arg(long)]
    insert_only: bool,
}

/// What one size of workspace must achieve (issue 9, "Speed at scale").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budgets {
    /// The reference size these budgets are for.
    pub reference: u32,
    /// A fresh process's first Flow answer (open, index, Flow page), ms.
    pub first_flow_ms: f64,
    /// The Flow or Bottlenecks page after a filter change, ms.
    pub page_ms: f64,
    /// The dependency analyses, ms.
    pub deps_ms: f64,
    /// The backend's resident memory, MiB.
    pub memory_mib: f64,
    /// Bulk insert, rows per second (at least).
    pub insert_rows_s: f64,
}

impl Budgets {
    /// The budgets a workspace of `items` items is held to.
    pub fn for_items(items: usize) -> Budgets {
        if items <= 200_000 {
            Budgets {
                reference: 200_000,
                first_flow_ms: 300.0,
                page_ms: 20.0,
                deps_ms: 50.0,
                memory_mib: 160.0,
                insert_rows_s: 300_000.0,
            }
        } else {
            Budgets {
                reference: 1_000_000,
                first_flow_ms: 1_000.0,
                page_ms: 100.0,
                deps_ms: 300.0,
                memory_mib: 600.0,
                insert_rows_s: 300_000.0,
            }
        }
    }
}

#[derive(Debug, Serialize)]
struct Figure {
    name: String,
    value: f64,
    unit: &'static str,
    budget: Option<String>,
    ok: Option<bool>,
    /// CPU time of the same measurement, ms (flow figures; see `bench_flow`).
    cpu_ms: Option<f64>,
}

#[derive(Debug, Serialize)]
struct Report {
    /// The reference size whose budgets apply.
    budgets_of: u32,
    /// The machine's load average (1, 5, 15 minutes) when the size finished.
    load: String,
    /// Where the workspace file was kept (with `--keep`).
    kept: Option<String>,
    items: usize,
    transitions: usize,
    links: usize,
    rows: u64,
    /// What [`Report::rows`] counts (the insert figures are these rows per second).
    rows_are: &'static str,
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

/// The median of `values` (of an even count, the lower of the middle two) and, for more than
/// one value, what to add to the figure's name to show them all, in the order they came:
/// `, median of 3: 512,306 / 690,341 / 480,112`.
fn median_of(values: &[f64]) -> (f64, String) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let median = sorted
        .get(sorted.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or(0.0);
    if values.len() < 2 {
        return (median, String::new());
    }
    // (Rates: whole, positive, below 2^32; `as` saturates.)
    let each: Vec<String> = values
        .iter()
        .map(|v| crate::table::thousands(v.round() as u32))
        .collect();
    (
        median,
        format!(", median of {}: {}", values.len(), each.join(" / ")),
    )
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

/// Spins one thread per core until dropped: the competition of another build.
struct BusyCores {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl BusyCores {
    fn start() -> BusyCores {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let threads = (0..cores)
            .map(|_| {
                let stop = stop.clone();
                std::thread::spawn(move || {
                    let mut x = 0u64;
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        for _ in 0..10_000 {
                            x = std::hint::black_box(
                                x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1),
                            );
                        }
                    }
                })
            })
            .collect();
        BusyCores { stop, threads }
    }
}

impl Drop for BusyCores {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// The machine's load average, as `uptime` shows it (Linux; empty elsewhere).
pub(crate) fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn remove_workspace(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm", "-index", "-duplicates", "-conflicts"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// The budget `f` is held to at a size with these budgets: its own where it is one set per size
/// (or the size is the 200,000-item reference); none where it was set for the 200,000-item
/// workspace only (Triage, Intents, Governance, Plans, Duplicates) and the workspace is bigger.
fn applies(budgets: &Budgets, f: &crate::bench_flow::Figure) -> Option<(f64, bool)> {
    if f.sized || budgets.reference == 200_000 {
        f.budget
    } else {
        None
    }
}

/// The figures of `reports` outside their budget, each named with its size.
fn missed(reports: &[Report]) -> Vec<String> {
    reports
        .iter()
        .flat_map(|report| {
            report
                .figures
                .iter()
                .filter(|f| f.ok == Some(false))
                .map(|f| format!("{} items: {}", report.items, f.name))
        })
        .collect()
}

/// Runs the benchmark at every requested size; `Ok(false)` (exit status 1) when a figure misses
/// its budget, after every size is reported.
pub async fn run(args: BenchArgs) -> Result<bool, CoreError> {
    let mut reports = Vec::new();
    for &items in &args.sizes {
        let report = run_size(&args, items).await?;
        if !args.json {
            print_report(&report);
        }
        reports.push(report);
    }
    if args.json {
        let text = serde_json::to_string_pretty(&reports)
            .map_err(|e| CoreError::Invalid(e.to_string()))?;
        outln!("{text}");
    }
    let missed = missed(&reports);
    if !missed.is_empty() {
        crate::term::err_line(&format!(
            "{} figure(s) outside their budget: {}",
            missed.len(),
            missed.join("; ")
        ));
    }
    Ok(missed.is_empty())
}

/// What the insert figures count as a row: the records [`demo::DemoGraph::row_count`] counts.
const ROWS_ARE: &str = "one per source, team, person, identity, intent, workflow map, item, \
     transition, link, decision, repository's owners, description and file of a pull request, \
     and one per pull request's file list; each item's facets and source intent link, written in \
     the same transaction, are not counted";

fn print_report(report: &Report) {
    outln!(
        "baton bench: {} items, {} transitions, {} links ({} rows, {:.0} MiB file), budgets of {} items, load {}{}",
        report.items,
        report.transitions,
        report.links,
        report.rows,
        report.file_mib,
        report.budgets_of,
        report.load,
        report
            .kept
            .as_ref()
            .map(|k| format!(", kept at {k}"))
            .unwrap_or_default()
    );
    outln!(
        "  rows (what the insert figures count): {}",
        report.rows_are
    );
    for f in &report.figures {
        let verdict = match (f.ok, &f.budget) {
            (Some(true), Some(b)) => format!("  ok ({b})"),
            (Some(false), Some(b)) => format!("  OVER BUDGET ({b})"),
            _ => String::new(),
        };
        let cpu = f
            .cpu_ms
            .map(|c| format!("  (CPU {c:.1} ms)"))
            .unwrap_or_default();
        outln!(
            "  {:<92} {:>14.1} {}{}{}",
            f.name,
            f.value,
            f.unit,
            verdict,
            cpu
        );
    }
}

/// Measures one size.
async fn run_size(args: &BenchArgs, items: u32) -> Result<Report, CoreError> {
    let budgets = Budgets::for_items(items as usize);
    let dir = args.dir.clone().unwrap_or_else(std::env::temp_dir);
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("baton-bench-{items}-{}.baton", std::process::id()));
    remove_workspace(&path);
    let mut figures = Vec::new();
    let mut push = |name: &str, value: f64, unit: &'static str, budget: Option<(f64, bool)>| {
        figures.push(Figure {
            name: name.to_owned(),
            value,
            unit,
            budget: budget.map(|(b, higher)| format!("{} {b}", if higher { ">=" } else { "<=" })),
            ok: budget.map(|(b, higher)| if higher { value >= b } else { value <= b }),
            cpu_ms: None,
        });
    };

    let options = DemoOptions {
        items,
        seed: demo::DEFAULT_SEED,
        end: baton_core::time::now_ms(),
    };
    let started = Instant::now();
    let graph = std::sync::Arc::new(demo::generate(&options));
    let generation = started.elapsed();
    let rows = graph.row_count();
    push(
        "generate: rows/s",
        rows as f64 / generation.as_secs_f64(),
        "rows/s",
        None,
    );
    push("generate: time", ms(generation), "ms", None);

    // A new workspace filled with the rows, as `baton demo` and the app's demo make it (the
    // figures count the whole of it: the file and its schema, the rows, the move into place).
    // The first is the workspace measured below; the other runs write files of their own.
    let again = path.with_extension("again.baton");
    let mut alone = Vec::new();
    let mut per_cpu = Vec::new();
    for run in 0..args.insert_runs {
        let target = if run == 0 { &path } else { &again };
        remove_workspace(target);
        let cpu_start = crate::bench_flow::cpu_ms();
        let (ws, stats) = demo::create(target, &graph).await?;
        let cpu = crate::bench_flow::cpu_since(cpu_start);
        ws.close().await;
        if run > 0 {
            remove_workspace(target);
        }
        alone.push(stats.seconds);
        if let Some(cpu) = cpu {
            per_cpu.push(rows as f64 / (cpu / 1_000.0).max(1e-9));
        }
    }
    let rates = |seconds: &[f64]| -> Vec<f64> {
        seconds.iter().map(|s| rows as f64 / s.max(1e-9)).collect()
    };
    let (rate, runs) = median_of(&rates(&alone));
    push(
        &format!("insert: rows/s (one transaction){runs}"),
        rate,
        "rows/s",
        Some((budgets.insert_rows_s, true)),
    );
    // (The time of the median rate's run.)
    push(
        "insert: time",
        rows as f64 / rate.max(1e-9) * 1_000.0,
        "ms",
        None,
    );
    if !per_cpu.is_empty() {
        let (rate, runs) = median_of(&per_cpu);
        push(
            &format!("insert: rows/s of CPU time (what an idle core would do){runs}"),
            rate,
            "rows/s",
            None,
        );
    }

    if !args.no_load {
        // The same rows into other files while every core is busy (another build running).
        let loaded = path.with_extension("load.baton");
        let mut busy_seconds = Vec::new();
        for _ in 0..args.insert_runs {
            remove_workspace(&loaded);
            let busy = BusyCores::start();
            let created = demo::create(&loaded, &graph).await;
            drop(busy);
            let stats = match created {
                Ok((ws, stats)) => {
                    ws.close().await;
                    Ok(stats)
                }
                Err(err) => Err(err),
            };
            remove_workspace(&loaded);
            busy_seconds.push(stats?.seconds);
        }
        let (rate, runs) = median_of(&rates(&busy_seconds));
        push(
            &format!("insert: rows/s with every core busy (as with another build running){runs}"),
            rate,
            "rows/s",
            Some((budgets.insert_rows_s, true)),
        );
    }
    let (items, transitions, links) = (
        graph.items.len(),
        graph.transitions.len(),
        graph.links.len(),
    );
    drop(graph);
    let file_mib = std::fs::metadata(&path)
        .map(|m| m.len() as f64 / 1_048_576.0)
        .unwrap_or(0.0);
    if args.insert_only {
        remove_workspace(&path);
        return Ok(Report {
            kept: None,
            budgets_of: budgets.reference,
            load: load_average(),
            items,
            transitions,
            links,
            rows,
            rows_are: ROWS_ARE,
            file_mib,
            figures,
        });
    }

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
        "work index build from the rows (no snapshot yet)",
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
    let started = Instant::now();
    ws.save_index_snapshot().await?;
    push(
        "work index snapshot save",
        ms(started.elapsed()),
        "ms",
        None,
    );
    push(
        "work index snapshot size",
        std::fs::metadata(baton_core::graph::snapshot::path_for(&path))
            .map(|m| m.len() as f64 / 1_048_576.0)
            .unwrap_or(0.0),
        "MiB",
        None,
    );

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
    // a backend's, not the generator's, and its first answer is a fresh process's).
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
    let cpus: Vec<Option<f64>> = flow_figures.iter().map(|f| f.cpu_ms).collect();
    for f in flow_figures {
        push(&f.name, f.value, leak_unit(&f.unit), applies(&budgets, &f));
    }
    let first = figures.len() - cpus.len();
    for (f, cpu) in figures[first..].iter_mut().zip(cpus) {
        f.cpu_ms = cpu;
    }

    // A fresh process's first Triage worklist, with what the flow process kept beside the file.
    let child = std::process::Command::new(std::env::current_exe()?)
        .arg("bench-triage-first")
        .arg(&path)
        .output()?;
    if !child.status.success() {
        return Err(CoreError::Invalid(format!(
            "the first-worklist benchmark failed: {}",
            String::from_utf8_lossy(&child.stderr)
        )));
    }
    let triage_figures: Vec<crate::bench_flow::Figure> = serde_json::from_slice(&child.stdout)
        .map_err(|e| CoreError::Invalid(format!("first-worklist benchmark output: {e}")))?;
    for f in triage_figures {
        let budget = applies(&budgets, &f);
        figures.push(Figure {
            budget: budget.map(|(b, higher)| format!("{} {b}", if higher { ">=" } else { "<=" })),
            ok: budget.map(|(b, higher)| if higher { f.value >= b } else { f.value <= b }),
            unit: leak_unit(&f.unit),
            name: f.name,
            value: f.value,
            cpu_ms: f.cpu_ms,
        });
    }

    let kept = args.keep.then(|| path.display().to_string());
    if !args.keep {
        remove_workspace(&path);
    }
    Ok(Report {
        kept,
        budgets_of: budgets.reference,
        load: load_average(),
        items,
        transitions,
        links,
        rows,
        rows_are: ROWS_ARE,
        file_mib,
        figures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_size_is_held_to_the_budgets_of_the_reference_size_at_or_above_it() {
        assert_eq!(Budgets::for_items(2_000).reference, 200_000);
        assert_eq!(Budgets::for_items(200_000).first_flow_ms, 300.0);
        assert_eq!(Budgets::for_items(200_001).reference, 1_000_000);
        let big = Budgets::for_items(1_000_000);
        assert_eq!(
            (big.first_flow_ms, big.page_ms, big.deps_ms, big.memory_mib),
            (1_000.0, 100.0, 300.0, 600.0)
        );
        assert_eq!(Budgets::for_items(2_000_000).reference, 1_000_000);
    }

    #[test]
    fn budgets_set_for_200000_items_only_do_not_hold_a_bigger_workspace() {
        let figure = |sized: bool| crate::bench_flow::Figure {
            name: "a figure".into(),
            value: 5_000.0,
            unit: "ms".into(),
            budget: Some((50.0, false)),
            cpu_ms: None,
            sized,
        };
        let (small, big) = (Budgets::for_items(200_000), Budgets::for_items(1_000_000));
        // A page budget of this issue's: held at both sizes.
        assert_eq!(applies(&small, &figure(true)), Some((50.0, false)));
        assert_eq!(applies(&big, &figure(true)), Some((50.0, false)));
        // Triage, Intents, Governance, Plans: at the 200,000-item reference only.
        assert_eq!(applies(&small, &figure(false)), Some((50.0, false)));
        assert_eq!(applies(&big, &figure(false)), None);
    }

    #[test]
    fn every_figure_outside_its_budget_is_named_with_its_size() {
        let figure = |name: &str, ok: Option<bool>| Figure {
            name: name.into(),
            value: 1.0,
            unit: "ms",
            budget: ok.map(|_| "<= 1".into()),
            ok,
            cpu_ms: None,
        };
        let report = |items: usize, figures: Vec<Figure>| Report {
            budgets_of: Budgets::for_items(items).reference,
            load: String::new(),
            kept: None,
            items,
            transitions: 0,
            links: 0,
            rows: 0,
            rows_are: ROWS_ARE,
            file_mib: 0.0,
            figures,
        };
        let within = vec![
            report(200_000, vec![figure("a", Some(true)), figure("b", None)]),
            report(1_000_000, vec![figure("a", Some(true))]),
        ];
        assert!(missed(&within).is_empty());
        let over = vec![
            report(
                200_000,
                vec![figure("a", Some(true)), figure("b", Some(false))],
            ),
            report(1_000_000, vec![figure("a", Some(false)), figure("c", None)]),
        ];
        assert_eq!(
            missed(&over),
            ["200000 items: b", "1000000 items: a"],
            "a miss at either size is reported"
        );
    }

    #[test]
    fn sizes_are_a_comma_separated_list_defaulting_to_both_reference_sizes() {
        use clap::Parser;
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            bench: BenchArgs,
        }
        let cli = Cli::try_parse_from(["bench"]).unwrap();
        assert_eq!(cli.bench.sizes, vec![200_000, 1_000_000]);
        let cli = Cli::try_parse_from(["bench", "--sizes", "2000,5000"]).unwrap();
        assert_eq!(cli.bench.sizes, vec![2_000, 5_000]);
        assert!(Cli::try_parse_from(["bench", "--sizes", "0"]).is_err());
    }

    #[test]
    fn an_insert_figure_is_the_median_of_its_runs_each_run_shown() {
        // Odd count: the middle one; the runs in the order they came.
        let (median, runs) = median_of(&[512_306.4, 690_341.3, 480_111.9]);
        assert_eq!(median, 512_306.4);
        assert_eq!(runs, ", median of 3: 512,306 / 690,341 / 480,112");
        // Even count: the lower of the middle two (a rate is not flattered).
        let (median, _) = median_of(&[400.0, 100.0, 300.0, 200.0]);
        assert_eq!(median, 200.0);
        // One run: itself, nothing added to the name.
        assert_eq!(median_of(&[355_025.0]), (355_025.0, String::new()));
        use clap::Parser;
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            bench: BenchArgs,
        }
        assert_eq!(Cli::try_parse_from(["bench"]).unwrap().bench.insert_runs, 3);
        assert!(Cli::try_parse_from(["bench", "--insert-runs", "0"]).is_err());
    }
}
