//! `baton bench`: every budgeted figure is reported against its budget, the Flow page computed
//! by SQL on the same file is compared in the same run, and the exit status says whether a
//! figure missed its budget (checked against the figures the run printed, whatever they are).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

#[test]
fn bench_reports_each_budget_and_exits_1_exactly_when_a_figure_misses_one() {
    let dir = tempfile::tempdir().unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_baton"))
        .args([
            "bench",
            "--sizes",
            "2000",
            "--runs",
            "1",
            "--no-load",
            "--json",
        ])
        .arg("--dir")
        .arg(dir.path())
        .output()
        .unwrap();
    let reports: Vec<serde_json::Value> =
        serde_json::from_slice(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"));
    assert_eq!(reports.len(), 1);
    let report = &reports[0];
    assert_eq!(report["items"], 2000);
    assert_eq!(
        report["budgets_of"], 200_000,
        "a small size is held to the 200,000-item budgets"
    );
    let figures = report["figures"].as_array().unwrap();
    let names: Vec<&str> = figures
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    let find = |part: &str| {
        figures
            .iter()
            .find(|f| f["name"].as_str().unwrap().contains(part))
            .unwrap_or_else(|| panic!("no {part} figure in {names:?}"))
    };
    // Each budget of the issue, for this size.
    for (part, budget) in [
        ("insert: rows/s (one transaction)", ">= 300000"),
        ("open to first Flow answer", "<= 300"),
        ("whole Flow page after a filter change", "<= 20"),
        ("whole Bottlenecks page after a filter change", "<= 20"),
        ("deps: page after a filter change", "<= 50"),
        ("backend resident memory after open + Flow", "<= 160"),
    ] {
        let f = find(part);
        assert_eq!(f["budget"], budget, "{part}");
        let value = f["value"].as_f64().unwrap();
        let within = if budget.starts_with(">=") {
            value >= budget[3..].parse::<f64>().unwrap()
        } else {
            value <= budget[3..].parse::<f64>().unwrap()
        };
        assert_eq!(f["ok"], within, "{part}: {value} against {budget}");
    }
    // The same run computes the Flow page's questions by SQL on the same file and gives the ratio.
    for part in [
        "flow: SQL, 365 days: time in state",
        "flow: SQL, 365 days: cycle-time percentiles",
        "flow: SQL, 365 days: cumulative flow",
        "flow: in memory, 365 days",
    ] {
        assert!(find(part)["value"].as_f64().unwrap() > 0.0, "{part}");
    }
    let ratio = find("SQL total / in-memory total");
    assert_eq!(ratio["unit"], "x");
    assert!(ratio["value"].as_f64().unwrap() > 0.0);
    // The exit status: 0 when every budgeted figure is within it, 1 (not an error's 2) else,
    // with the missed figures named on stderr.
    let over: Vec<&str> = figures
        .iter()
        .filter(|f| f["ok"] == false)
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(
        run.status.code(),
        Some(if over.is_empty() { 0 } else { 1 }),
        "{over:?} {stderr}"
    );
    for name in &over {
        assert!(stderr.contains(name), "{name} is named: {stderr}");
    }
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "the benchmark files are removed"
    );
}
