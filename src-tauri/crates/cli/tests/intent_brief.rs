//! `baton intent show --brief --pdf`: an intent's one-page brief as HTML and PDF (printed by
//! the same Chromium code as the plan report), its pages rendered to images.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::baton;

use std::path::PathBuf;
use std::process::Command;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn on_path(name: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file()))
}

#[test]
fn the_brief_prints_to_pdf_with_chromium_and_its_page_renders() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let ws = dir.path().join("brief.baton");
    let out = baton(&["demo", "--out", ws.to_str().unwrap(), "--items", "1500"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (html, pdf) = (dir.path().join("b.html"), dir.path().join("b.pdf"));
    let args = [
        "intent",
        "show",
        ws.to_str().unwrap(),
        "init-wallets",
        "--brief",
        html.to_str().unwrap(),
        "--pdf",
        pdf.to_str().unwrap(),
    ];

    // --pdf prints the brief: without --brief it is refused.
    let out = baton(&[
        "intent",
        "show",
        ws.to_str().unwrap(),
        "init-wallets",
        "--pdf",
        pdf.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--brief"),
        "{}",
        text(&out.stderr)
    );

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

    assert!(
        on_path("chromium") && on_path("pdftoppm"),
        "this test needs chromium and pdftoppm (poppler-utils) on the PATH"
    );
    let out = baton(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("Progress in points"),
        "the demo's Jira work carries story points"
    );
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
    assert!(!rendered.is_empty(), "the brief has a page");
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
    // The brief itself fits its first page; the definitions follow from the second.
    let first = Command::new("pdftotext")
        .args(["-f", "1", "-l", "1", pdf.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    assert!(first.status.success(), "{}", text(&first.stderr));
    let first = text(&first.stdout);
    assert!(
        first.contains("Forecast P50 / P85") && first.contains("Who contributes"),
        "every figure and the contributors on the first page: {first}"
    );
    assert!(
        !first.contains("Which items serve an intent"),
        "the definitions start on a page of their own: {first}"
    );
    assert!(rendered.len() >= 2, "the definitions follow the brief");
}
