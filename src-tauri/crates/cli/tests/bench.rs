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
            "--insert-runs",
            "3",
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
    // The insert figure is the median of its three runs, each run's rate named beside it.
    let insert = find("insert: rows/s (one transaction)");
    let name = insert["name"].as_str().unwrap();
    let (_, shown) = name
        .split_once(", median of 3: ")
        .unwrap_or_else(|| panic!("the runs are shown: {name}"));
    let mut runs: Vec<f64> = shown
        .split(" / ")
        .map(|r| r.replace(',', "").parse().unwrap())
        .collect();
    assert_eq!(runs.len(), 3, "{name}");
    runs.sort_by(f64::total_cmp);
    let value = insert["value"].as_f64().unwrap();
    assert!(
        (value - runs[1]).abs() <= 0.5,
        "{value} is the median of {runs:?}"
    );
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

/// `baton bench-sync` for each source added after GitHub and Jira: GitLab and Linear through
/// their fake APIs, and a file source's import of Baton's JSON lines and of a states CSV (whose
/// columns it takes from the header row, as the add form suggests). Each syncs every item and
/// says PASS exactly when its rate is at least 5,000 items/s (small sizes here: the figures of
/// record are taken with a release build, docs/connectors.md).
#[test]
fn bench_sync_runs_for_each_new_source_and_judges_its_rate() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures");
    let jsonl = dir.path().join("items.jsonl");
    let mut lines = vec![r#"{"baton":"items","version":1}"#.to_owned()];
    for n in 0..300 {
        lines.push(format!(
            r#"{{"id":"J-{n}","title":"Item {n}","state":"Done","created":"2026-01-05T09:00:00Z","transitions":[{{"at":"2026-01-06T09:00:00Z","from":"To Do","to":"Done"}}]}}"#
        ));
    }
    std::fs::write(&jsonl, lines.join("\n")).unwrap();
    let csv = dir.path().join("flow.csv");
    let mut rows = vec!["ID,Title,Team,Backlog,Doing,Done".to_owned()];
    for n in 0..250 {
        rows.push(format!(
            "S-{n},Item {n},T{},2026-01-05,2026-01-06,{}",
            n % 3,
            if n % 2 == 0 { "2026-01-09" } else { "" }
        ));
    }
    std::fs::write(&csv, rows.join("\n")).unwrap();
    let fixtures = fixtures.to_str().unwrap();
    for (args, items) in [
        (
            vec!["--gitlab", "--items", "200", "--fixtures", fixtures],
            200,
        ),
        (
            vec!["--linear", "--items", "100", "--fixtures", fixtures],
            100,
        ),
        (vec!["--import", jsonl.to_str().unwrap()], 300),
        (
            vec!["--import", csv.to_str().unwrap(), "--format", "states-csv"],
            250,
        ),
    ] {
        let run = Command::new(env!("CARGO_BIN_EXE_baton"))
            .arg("bench-sync")
            .args(&args)
            .arg("--json")
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&run.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}: {run:?}"));
        let synced = report["items"].as_u64().unwrap();
        assert!(
            synced as usize * 10 >= items * 9 && synced as usize * 10 <= items * 13,
            "{args:?}: every item synced, about {items}: {report}"
        );
        let rate = report["items_per_second"].as_f64().unwrap();
        assert!(rate > 0.0, "{args:?}: {report}");
        assert_eq!(report["pass"], rate >= 5_000.0, "{args:?}: {report}");
        assert!(report["load_average"].is_string(), "{args:?}: {report}");
    }
}
