//! The reading commands (stats, items, flow, deps) against workspace files as they come: they
//! write nothing to the file or beside it, work on files that cannot be written, refuse what is
//! not a file at once, and name the file in every error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const READING: [&[&str]; 5] = [
    &["stats"],
    &["stats", "--json"],
    &["items", "--limit", "5"],
    &["flow", "--bottlenecks"],
    &["deps"],
];

fn baton() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_baton"));
    // The default log level: any warning would reach stderr.
    command.env_remove("BATON_LOG").env_remove("NO_COLOR");
    command
}

/// Runs a command with a deadline: nothing may wait forever.
fn run(mut command: Command) -> Output {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("{command:?} did not finish");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// A demo workspace no process has open: built by `baton demo`, then copied.
fn workspace(dir: &Path) -> PathBuf {
    let built = dir.join("built.baton");
    let mut demo = baton();
    demo.args(["demo", "--items", "300", "--end", "2026-03-01", "--out"])
        .arg(&built);
    let out = run(demo);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = dir.join("acme.baton");
    std::fs::copy(&built, &path).unwrap();
    path
}

/// The file's bytes and which files lie beside it.
fn state(path: &Path) -> (Vec<u8>, Vec<String>) {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let mut beside: Vec<String> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&name) && *n != name)
        .collect();
    beside.sort();
    (std::fs::read(path).unwrap(), beside)
}

fn assert_reads_cleanly(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{what}: nothing on stderr (no warnings, no colours): {:?}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.stdout.is_empty(), "{what}: prints its answer");
}

#[test]
fn reading_commands_write_nothing_to_the_workspace_or_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = workspace(dir.path());
    let before = state(&path);
    assert!(before.1.is_empty(), "a closed file has nothing beside it");
    for args in READING {
        let mut command = baton();
        command.args(args).arg(&path);
        assert_reads_cleanly(&run(command), &args.join(" "));
        assert_eq!(
            state(&path),
            before,
            "`baton {}` changed nothing and left nothing beside the file",
            args.join(" ")
        );
    }
}

/// The effective user id, from `id -u`.
fn user_id() -> Option<u32> {
    let out = Command::new("id").arg("-u").output().ok()?;
    String::from_utf8(out.stdout).ok()?.trim().parse().ok()
}

/// A command that runs `baton` as a user the file permissions apply to: this user when it is
/// not root; as root (which ignores permissions) the `nobody` user through `setpriv`. None when
/// neither is possible here.
fn baton_as_someone_bound_by_permissions() -> Option<Command> {
    match user_id()? {
        0 => {
            let mut probe = Command::new("setpriv");
            probe
                .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
                .arg(env!("CARGO_BIN_EXE_baton"))
                .arg("--version");
            if !probe.output().ok()?.status.success() {
                return None;
            }
            let mut command = Command::new("setpriv");
            command
                .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
                .arg(env!("CARGO_BIN_EXE_baton"))
                .env_remove("BATON_LOG")
                .env_remove("NO_COLOR");
            Some(command)
        }
        _ => Some(baton()),
    }
}

#[test]
fn reading_commands_work_on_a_file_nobody_can_write() {
    use std::os::unix::fs::PermissionsExt;
    let Some(_) = baton_as_someone_bound_by_permissions() else {
        println!(
            "skipped: running as root without `setpriv`, so no process here is bound by file \
             permissions; the read-only open itself is tested by \
             reading_commands_write_nothing_to_the_workspace_or_beside_it and the core tests"
        );
        return;
    };
    let root = tempfile::tempdir().unwrap();
    std::fs::set_permissions(root.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    // A read-only file in a folder that can be written, then in a read-only folder.
    for folder_mode in [0o777, 0o555] {
        let dir = root.path().join(format!("folder-{folder_mode:o}"));
        std::fs::create_dir(&dir).unwrap();
        let path = workspace(&dir);
        std::fs::remove_file(dir.join("built.baton")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(folder_mode)).unwrap();
        let before = state(&path);
        for args in READING {
            let mut command = baton_as_someone_bound_by_permissions().unwrap();
            command.args(args).arg(&path);
            assert_reads_cleanly(
                &run(command),
                &format!("baton {} (folder {folder_mode:o})", args.join(" ")),
            );
            assert_eq!(
                state(&path),
                before,
                "no log or index left beside a read-only file (folder {folder_mode:o})"
            );
        }
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn paths_that_are_not_workspace_files_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.baton");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let folder = dir.path().join("folder.baton");
    std::fs::create_dir(&folder).unwrap();
    for (path, what) in [
        (fifo.as_path(), "a named pipe"),
        (folder.as_path(), "a folder"),
        (Path::new("/dev/zero"), "a device"),
    ] {
        let mut command = baton();
        command.arg("stats").arg(path);
        let out = run(command);
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(what) && stderr.contains(&path.display().to_string()),
            "says what {} is: {stderr}",
            path.display()
        );
    }
}

#[test]
fn a_damaged_workspace_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = workspace(dir.path());
    // Garbage over every page past the first quarter, where the rows (and the index snapshot
    // `stats` starts from) are; the schema pages at the start are intact. (A narrower band
    // missed everything `stats` reads once the schema grew.)
    let mut bytes = std::fs::read(&path).unwrap();
    // (Pages of the size the header names: bytes 16-17, big-endian, 1 for 65,536.)
    let size = match u16::from_be_bytes([bytes[16], bytes[17]]) {
        1 => 65_536,
        size => usize::from(size),
    };
    let pages = bytes.len() / size;
    for page in pages / 4..pages {
        for (i, b) in bytes[page * size..(page + 1) * size].iter_mut().enumerate() {
            *b = (i * 7 % 253) as u8 ^ 0x5a;
        }
    }
    std::fs::write(&path, &bytes).unwrap();
    let mut command = baton();
    command.arg("stats").arg(&path);
    let out = run(command);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{} is damaged", path.display())),
        "the error names the file: {stderr}"
    );
}
