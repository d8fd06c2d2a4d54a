//! PDF through a headless Chromium: the plan report and the intent brief are self-contained
//! HTML documents; printing one to PDF is Chromium's `--print-to-pdf`, found on the PATH (or
//! named by BATON_CHROMIUM). The CLI (`baton plan --pdf`, `baton intent show --pdf`) and the
//! app's PDF exports call the same two functions.

use std::path::{Path, PathBuf};

use crate::error::{CoreError, CoreResult};

/// The Chromium to print with: BATON_CHROMIUM, else the first of the usual names on the PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("BATON_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in [
            "chromium",
            "chromium-browser",
            "google-chrome",
            "google-chrome-stable",
        ] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Whether this process runs as root (Chromium's sandbox refuses root).
fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(2) == Some("0"))
        })
        .unwrap_or(false)
}

/// Prints the HTML document `html` to `pdf` with a headless Chromium (no network: Baton's
/// reports and briefs are self-contained and their CSP allows nothing remote).
pub fn print_pdf(html: &Path, pdf: &Path) -> CoreResult<()> {
    let browser = chromium().ok_or_else(|| {
        CoreError::Invalid(
            "no Chromium found to print the PDF (looked for chromium, chromium-browser, google-chrome on the PATH; set BATON_CHROMIUM to its path). The HTML was written."
                .into(),
        )
    })?;
    let html = std::fs::canonicalize(html).map_err(|source| CoreError::File {
        path: html.to_path_buf(),
        action: "read",
        source,
    })?;
    let target = if pdf.is_absolute() {
        pdf.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(pdf))
            .unwrap_or_else(|_| pdf.to_path_buf())
    };
    let profile = tempfile::tempdir().map_err(|source| CoreError::File {
        path: std::env::temp_dir(),
        action: "written",
        source,
    })?;
    let mut cmd = std::process::Command::new(&browser);
    cmd.arg("--headless")
        .arg("--disable-gpu")
        .arg("--no-first-run")
        .arg("--no-pdf-header-footer")
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", target.display()))
        .arg(format!("file://{}", html.display()));
    if is_root() {
        cmd.arg("--no-sandbox");
    }
    let out = cmd.output().map_err(|source| CoreError::File {
        path: browser.clone(),
        action: "run",
        source,
    })?;
    let written = std::fs::metadata(&target).map(|m| m.len()).unwrap_or(0);
    if !out.status.success() || written == 0 {
        return Err(CoreError::Invalid(format!(
            "{} could not print the PDF ({}): {}",
            browser.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        )));
    }
    Ok(())
}

/// The PDF of an HTML document given as text: written to a temporary folder, printed there by
/// [`print_pdf`], and read back (the folder is removed).
pub fn pdf_of_html(html: &str) -> CoreResult<Vec<u8>> {
    let dir = tempfile::tempdir().map_err(|source| CoreError::File {
        path: std::env::temp_dir(),
        action: "written",
        source,
    })?;
    let (page, pdf) = (
        dir.path().join("document.html"),
        dir.path().join("document.pdf"),
    );
    std::fs::write(&page, html).map_err(|source| CoreError::File {
        path: page.clone(),
        action: "written",
        source,
    })?;
    print_pdf(&page, &pdf)?;
    std::fs::read(&pdf).map_err(|source| CoreError::File {
        path: pdf,
        action: "read",
        source,
    })
}
