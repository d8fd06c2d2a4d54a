//! `.ci/headless`, which `.ci/app` uses without a display: the screenshot command it prints
//! works when run as printed from another shell (the virtual display only accepts clients that
//! hold its X authority cookie, so a bare `DISPLAY=:99 import …` is refused).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

fn found(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Ends the process group `pgid` (the virtual display and what runs on it).
fn end_group(pgid: u32) {
    let _ = Command::new("kill")
        .args(["-TERM", "--", &format!("-{pgid}")])
        .status();
}

#[test]
fn the_printed_screenshot_command_works_as_printed() {
    // .ci/setup installs these for the tests; say so plainly where they are missing.
    for tool in ["xvfb-run", "xauth", "import", "identify"] {
        assert!(found(tool), "{tool} is missing: run .ci/setup");
    }
    let dir = tempfile::tempdir().unwrap();
    // A stand-in for Baton: any program that keeps the display open.
    let mut child = Command::new("bash")
        .arg(repository().join(".ci/headless"))
        .args(["sleep", "60"])
        .env_remove("DISPLAY")
        .env_remove("XAUTHORITY")
        .env("TMPDIR", dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap();
    let pgid = child.id();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let said = lines.next().unwrap().unwrap();
    let command = lines.next().unwrap().unwrap();
    assert!(said.contains("virtual X display"), "{said}");
    let command = command.trim().to_owned();
    assert!(
        command.starts_with("XAUTHORITY=") && command.contains(" DISPLAY=:"),
        "the command names the display and its authority: {command}"
    );
    let display = command
        .split_whitespace()
        .find_map(|w| w.strip_prefix("DISPLAY="))
        .unwrap()
        .to_owned();

    // Run the command as printed, in the temp folder, until the display is up.
    let png = dir.path().join("baton.png");
    let started = Instant::now();
    let mut last = String::new();
    while !png.exists() {
        let out = Command::new("sh")
            .args(["-c", &command])
            .current_dir(dir.path())
            .output()
            .unwrap();
        last = String::from_utf8_lossy(&out.stderr).into_owned();
        if out.status.success() {
            break;
        }
        if started.elapsed() > Duration::from_secs(20) {
            end_group(pgid);
            panic!("`{command}` failed for 20 s: {last}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    // A PNG of the whole virtual screen.
    let identified = Command::new("identify")
        .args(["-format", "%m %wx%h"])
        .arg(&png)
        .output()
        .unwrap();
    let identified = String::from_utf8_lossy(&identified.stdout).into_owned();

    // The same without the authority file is refused: that is why the command carries it.
    let bare = Command::new("import")
        .args(["-window", "root", "bare.png"])
        .current_dir(dir.path())
        .env("DISPLAY", &display)
        .env_remove("XAUTHORITY")
        .env("HOME", dir.path())
        .output()
        .unwrap();
    end_group(pgid);
    let _ = child.wait();
    // Leave no virtual display behind.
    let lock = PathBuf::from(format!("/tmp/.X{}-lock", display.trim_start_matches(':')));
    let ending = Instant::now();
    while lock.exists() && ending.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(100));
    }

    assert_eq!(
        identified, "PNG 1440x900",
        "the screenshot shows the screen ({last})"
    );
    assert!(
        !bare.status.success() || !dir.path().join("bare.png").exists(),
        "a client without the cookie is refused by the virtual display"
    );
}
