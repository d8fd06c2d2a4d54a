//! `baton scenario` and `baton plan`: scenarios saved from files, the comparison headless, and
//! the plan report as HTML and PDF, its pages rendered to images.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::baton;

use std::path::{Path, PathBuf};
use std::process::Command;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn demo(dir: &Path) -> PathBuf {
    let file = dir.join("plan.baton");
    let out = baton(&["demo", "--out", file.to_str().unwrap(), "--items", "1500"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    file
}

fn on_path(name: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file()))
}

#[test]
fn the_plan_compares_the_saved_scenarios_and_writes_the_report() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let ws = demo(dir.path());
    let w = ws.to_str().unwrap();
    let holiday = dir.path().join("holiday.json");
    std::fs::write(
        &holiday,
        r#"{"name": "<b>Winter</b> holidays", "changes": [{"type": "capacity", "team": "Payments", "from": "2026-12-21", "to": "2027-01-10", "percent": 0}]}"#,
    )
    .unwrap();
    let out = baton(&[
        "scenario",
        "save",
        w,
        holiday.to_str().unwrap(),
        "--as",
        "ana",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("version 1"));
    let out = baton(&["scenario", "list", w]);
    assert!(text(&out.stdout).contains("A holiday for Payments from 2026-12-21 to 2027-01-10"));

    let html = dir.path().join("plan.html");
    let out = baton(&[
        "plan",
        w,
        "--as-of",
        "2026-12-04",
        "--trials",
        "300",
        "--report",
        html.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Baseline"), "{stdout}");
    assert!(
        stdout.contains("back by"),
        "three weeks without Payments delay something: {stdout}"
    );
    let report = std::fs::read_to_string(&html).unwrap();
    assert!(report.contains("<h2>Scenarios compared</h2>"));
    assert!(report.contains("<h2>Risks</h2>"));
    assert!(report.contains("<h2>Decisions taken</h2>"));
    assert!(
        report.contains("&lt;b&gt;Winter&lt;/b&gt; holidays"),
        "names are escaped"
    );
    assert!(!report.contains("<b>Winter"));
    assert!(
        report.contains("Scenarios compared with the baseline"),
        "the definitions"
    );

    // A scenario the workspace does not hold is refused, naming it.
    let out = baton(&["plan", w, "--scenario", "Nope"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("Nope"));
}

#[test]
fn the_pdf_report_prints_with_chromium_and_its_pages_render() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let ws = demo(dir.path());
    let (html, pdf) = (dir.path().join("p.html"), dir.path().join("p.pdf"));
    let args = [
        "plan",
        ws.to_str().unwrap(),
        "--trials",
        "200",
        "--report",
        html.to_str().unwrap(),
        "--pdf",
        pdf.to_str().unwrap(),
    ];
    // Without a Chromium the CLI says so clearly (and still writes the HTML).
    let out = Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(args)
        .env("BATON_LOG", "warn")
        .env("BATON_CHROMIUM", dir.path().join("no-such-browser"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("no-such-browser"),
        "{}",
        text(&out.stderr)
    );
    assert!(html.is_file());

    // CI installs Chromium and poppler (.ci/setup); the PDF is printed and every page renders.
    assert!(
        on_path("chromium") && on_path("pdftoppm"),
        "this test needs chromium and pdftoppm (poppler-utils) on the PATH"
    );
    let out = baton(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let pages = dir.path().join("page");
    let out = Command::new("pdftoppm")
        .args([
            "-png",
            "-r",
            "40",
            pdf.to_str().unwrap(),
            pages.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut rendered: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    rendered.sort();
    assert!(rendered.len() >= 2, "the report has pages: {rendered:?}");
    for page in &rendered {
        let png = std::fs::read(page).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "{}", page.display());
        // A page with text compresses far less than a blank one (a blank A4 page at 40 dpi is
        // under 1 KB).
        assert!(
            png.len() > 3_000,
            "{} is blank ({} bytes)",
            page.display(),
            png.len()
        );
    }
}

#[test]
fn bench_plans_prints_the_three_figures_against_their_budgets_and_fails_when_one_is_over() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let ws = demo(dir.path());
    let out = baton(&["bench-plans", ws.to_str().unwrap(), "--runs", "1", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)));
    let figures = report["figures"].as_array().unwrap();
    let budgets: Vec<(String, f64)> = figures
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_owned(),
                f["budget"][0].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(figures.len(), 3, "{figures:?}");
    assert!(budgets[0].0.starts_with("plans: team forecast") && budgets[0].1 == 30.0);
    assert!(budgets[1].0.starts_with("plans: intent forecast") && budgets[1].1 == 200.0);
    assert!(
        budgets[2]
            .0
            .starts_with("plans: baseline and three scenarios")
            && budgets[2].1 == 1_000.0
    );
    assert!(figures.iter().all(|f| f["value"].as_f64().unwrap() > 0.0));
    assert!(!report["load"].as_str().unwrap().is_empty());
    // The figures over their budget are named, and the exit status says whether there are any.
    let over: Vec<&str> = figures
        .iter()
        .filter(|f| f["value"].as_f64().unwrap() > f["budget"][0].as_f64().unwrap())
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    let missed: Vec<&str> = report["missed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert_eq!(missed, over);
    assert_eq!(out.status.code(), Some(if over.is_empty() { 0 } else { 1 }));

    let out = baton(&["bench-plans", ws.to_str().unwrap(), "--runs", "1"]);
    let table = text(&out.stdout);
    assert!(
        table.contains("(<= 30 ms)") && table.contains("(<= 1000 ms)"),
        "{table}"
    );
    assert!(table.contains("load "), "{table}");
}
