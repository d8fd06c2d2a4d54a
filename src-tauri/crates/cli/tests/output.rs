//! What `baton` prints, run as a user runs it: hostile and huge text from sources is escaped and
//! bounded in every table, a reader that goes away ends the command quietly, logs carry no
//! colour off a terminal, and out-of-range arguments are refused with a message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, OnceLock};

use baton_core::replay::github::FakeGithub;
use baton_core::replay::{Handler, ReplayServer};

/// Terminal controls, bidi overrides and isolates, as a hostile source would send them.
const HOSTILE: &str =
    "\u{1b}[31mRED\u{1b}]0;pwned\u{7}\r\0\u{8}\u{9b}2J\u{202E}evil\u{2066}x\u{200F}\u{85}";
/// How `HOSTILE` is shown.
const SHOWN: &str =
    "\\e[31mRED\\e]0;pwned\\a\\r\\0\\b\\u{9B}2J\\u{202E}evil\\u{2066}x\\u{200F}\\u{85}";
/// The widest a cell is printed into a pipe (`term::MAX_CELL_WIDTH`).
const MAX_CELL_WIDTH: usize = 120;

fn baton(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_baton"));
    command
        .args(args)
        .env("BATON_LOG", "warn")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR");
    command
}

fn run(args: &[&str]) -> Output {
    baton(args).output().unwrap()
}

fn is_hostile(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{9}' | '\u{B}'..='\u{1F}' | '\u{7F}'..='\u{9F}' | '\u{200E}' | '\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{61C}')
}

/// A demo workspace (made once), and a copy whose team names, newest titles and source names
/// are 70,000 characters long and start with terminal controls, with a failed sync on record
/// whose error is hostile too. They live under cargo's target/tmp.
fn workspaces() -> (&'static Path, &'static Path) {
    static FILES: OnceLock<(tempfile::TempDir, PathBuf, PathBuf)> = OnceLock::new();
    let (_, plain, hostile) = FILES.get_or_init(|| {
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        let plain = dir.path().join("plain.baton");
        let out = run(&[
            "demo",
            "--out",
            plain.to_str().unwrap(),
            "--items",
            "1200",
            "--end",
            "2026-03-01",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let hostile = dir.path().join("hostile.baton");
        std::fs::copy(&plain, &hostile).unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(make_hostile(&hostile));
        (dir, plain, hostile)
    });
    (plain, hostile)
}

async fn make_hostile(path: &Path) {
    use sqlx::ConnectOptions;
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .connect()
        .await
        .unwrap();
    let long = |fill: &str| format!("{HOSTILE}{}", fill.repeat(70_000));
    for (sql, text) in [
        ("UPDATE teams SET name = ?1 || id", long("T")),
        (
            "UPDATE items SET title = ?1 WHERE id IN \
             (SELECT id FROM items ORDER BY updated_at DESC LIMIT 5)",
            long("t"),
        ),
        ("UPDATE sources SET name = ?1 || id", long("S")),
        (
            "INSERT INTO sync_runs (id, source_id, started_at, ended_at, status, error, error_code) \
             SELECT 'run-1', id, 1772000000000, 1772000001000, 'failed', ?1, 'http' \
             FROM sources ORDER BY id LIMIT 1",
            long("E"),
        ),
    ] {
        sqlx::query(sql).bind(text).execute(&mut conn).await.unwrap();
    }
}

fn first_source_id(path: &Path) -> String {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        use sqlx::ConnectOptions;
        let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(path)
            .connect()
            .await
            .unwrap();
        sqlx::query_scalar("SELECT id FROM sources ORDER BY id LIMIT 1")
            .fetch_one(&mut conn)
            .await
            .unwrap()
    })
}

/// The longest run of `c` in `text`.
fn longest_run(text: &str, c: char) -> usize {
    let mut best = 0;
    let mut run = 0;
    for x in text.chars() {
        run = if x == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

#[test]
fn hostile_and_huge_text_is_escaped_and_bounded_in_every_table() {
    let (_, hostile) = workspaces();
    let file = hostile.to_str().unwrap();
    let source = first_source_id(hostile);
    let commands: Vec<Vec<&str>> = vec![
        vec!["stats", file],
        vec!["items", file],
        vec!["flow", file, "--bottlenecks"],
        vec!["deps", file],
        vec!["source", "list", file],
        vec!["source", "history", file, &source],
    ];
    for args in commands {
        let what = args.join(" ");
        let out = run(&args);
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{what} succeeds: {stderr}");
        assert!(
            stderr.is_empty(),
            "{what} prints nothing on stderr: {stderr}"
        );
        let raw: Vec<char> = stdout.chars().filter(|&c| is_hostile(c)).collect();
        assert!(
            raw.is_empty(),
            "{what} passes no control character: {raw:?}"
        );
        assert!(
            stdout.contains(SHOWN),
            "{what} shows the text escaped:\n{stdout}"
        );
        for fill in ['T', 't', 'S', 'E'] {
            let run = longest_run(&stdout, fill);
            assert!(
                run < MAX_CELL_WIDTH,
                "{what}: a 70,000-character text is cut to one cell ({run} columns)"
            );
        }
        assert!(
            stdout.contains('…'),
            "{what} marks the cut with an ellipsis"
        );
        let widest = stdout.lines().map(|l| l.chars().count()).max().unwrap();
        assert!(widest < 1_000, "{what}: every line is bounded ({widest})");
    }
}

fn holds_string_starting(value: &serde_json::Value, start: &str) -> bool {
    match value {
        serde_json::Value::String(s) => s.starts_with(start),
        serde_json::Value::Array(list) => list.iter().any(|v| holds_string_starting(v, start)),
        serde_json::Value::Object(map) => map.values().any(|v| holds_string_starting(v, start)),
        _ => false,
    }
}

#[test]
fn json_output_escapes_what_a_terminal_obeys_and_keeps_the_text() {
    let (_, hostile) = workspaces();
    let file = hostile.to_str().unwrap();
    for args in [
        vec!["stats", file, "--json"],
        vec!["items", file, "--json"],
        vec!["flow", file, "--json"],
        vec!["deps", file, "--json"],
    ] {
        let what = args.join(" ");
        let out = run(&args);
        assert!(
            out.status.success(),
            "{what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let raw: Vec<char> = text.chars().filter(|&c| is_hostile(c)).collect();
        assert!(
            raw.is_empty(),
            "{what}: raw JSON text is terminal-safe: {raw:?}"
        );
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(
            holds_string_starting(&value, HOSTILE),
            "{what}: the parsed values hold the original text"
        );
    }
    let out = run(&["items", file, "--json", "--limit", "1"]);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let title = value["rows"][0]["title"].as_str().unwrap();
    assert_eq!(
        title,
        format!("{HOSTILE}{}", "t".repeat(70_000)),
        "JSON is not cut"
    );
}

#[test]
fn a_reader_that_goes_away_ends_baton_quietly() {
    let (plain, _) = workspaces();
    let file = plain.to_str().unwrap();
    let commands: Vec<Vec<&str>> = vec![
        vec!["stats", file],
        vec!["items", file, "--limit", "1000"],
        vec!["items", file, "--limit", "1000", "--json"],
        vec!["flow", file, "--bottlenecks"],
        vec!["deps", file],
        vec!["source", "list", file],
        vec!["--help"],
    ];
    for args in &commands {
        // The reader reads one line, as `head -1` does, then goes away; and a reader that
        // goes away before anything is written.
        for read_first_line in [true, false] {
            let what = format!("{} (read a line first: {read_first_line})", args.join(" "));
            let mut child = baton(args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let stdout = child.stdout.take().unwrap();
            if read_first_line {
                let mut line = String::new();
                BufReader::new(stdout).read_line(&mut line).unwrap();
                assert!(!line.is_empty(), "{what}: the first line arrives");
            } else {
                drop(stdout);
            }
            let out = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(0), "{what} exits 0: {stderr}");
            assert!(stderr.is_empty(), "{what} says nothing on stderr: {stderr}");
        }
    }
}

#[test]
fn log_lines_carry_colour_only_when_asked_for_off_a_terminal() {
    let (plain, _) = workspaces();
    let file = plain.to_str().unwrap();
    let stderr_of = |vars: &[(&str, &str)]| {
        let mut command = baton(&["stats", file]);
        command.env("BATON_LOG", "info");
        for (k, v) in vars {
            command.env(k, v);
        }
        let out = command.output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stderr).unwrap()
    };
    let piped = stderr_of(&[]);
    assert!(
        piped.contains("workspace opened"),
        "there are log lines: {piped}"
    );
    assert!(
        !piped.contains('\u{1b}'),
        "no colour into a pipe: {piped:?}"
    );
    let forced = stderr_of(&[("CLICOLOR_FORCE", "1")]);
    assert!(
        forced.contains('\u{1b}'),
        "CLICOLOR_FORCE colours: {forced:?}"
    );
    let refused = stderr_of(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(!refused.contains('\u{1b}'), "NO_COLOR wins: {refused:?}");
}

#[test]
fn out_of_range_arguments_are_refused_with_a_message() {
    let (plain, _) = workspaces();
    let file = plain.to_str().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let new_file = out_dir.path().join("new.baton");
    let new_file = new_file.to_str().unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["flow", file, "--utc-offset", "+99:00"],
            "-14:00 to +14:00",
        ),
        (
            vec!["flow", file, "--utc-offset", "-25:00"],
            "-14:00 to +14:00",
        ),
        (
            vec!["flow", file, "--utc-offset", "+05:75"],
            "-14:00 to +14:00",
        ),
        (
            vec!["flow", file, "--utc-offset", "+99999999999:00"],
            "-14:00 to +14:00",
        ),
        (
            vec!["flow", file, "--last-days", "99999999999"],
            "--last-days",
        ),
        (vec!["flow", file, "--last-days", "0"], "--last-days"),
        (vec!["items", file, "--limit", "0"], "--limit"),
        (vec!["demo", "--out", new_file, "--items", "0"], "--items"),
        (
            vec!["demo", "--out", new_file, "--end", "99999-01-01"],
            "1971-01-01 to 9999-12-31",
        ),
        (
            vec!["demo", "--out", new_file, "--end", "1900-01-01"],
            "1971-01-01 to 9999-12-31",
        ),
    ];
    for (args, says) in cases {
        let what = args.join(" ");
        let out = run(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{what} is refused: {stderr}");
        assert!(stderr.contains(says), "{what} says why ({says}): {stderr}");
        assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    }
    assert!(
        !Path::new(new_file).exists(),
        "a refused demo writes no file"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_of_a_hostile_source_name_prints_it_escaped_and_no_progress_off_a_terminal() {
    const TOKEN: &str = "ghp_OUTPUTtestToken";
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures");
    let fake = Arc::new(FakeGithub::from_devlake(&fixtures, TOKEN).unwrap());
    let answer = fake.clone();
    let handler: Handler = Arc::new(move |r| answer.answer(r));
    let server = ReplayServer::start(handler).await.unwrap();
    fake.set_base(&server.url());

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sync.baton");
    let file = file.to_str().unwrap().to_owned();
    let name = "ants\u{1b}[2J\u{202E}";
    let url = server.url();
    let added = tokio::task::spawn_blocking({
        let file = file.clone();
        move || {
            run(&[
                "source",
                "add",
                &file,
                "--kind",
                "github",
                "--name",
                name,
                "--url",
                &url,
                "--repo",
                "panjf2000/ants",
                "--no-test",
                "--no-keychain",
            ])
        }
    })
    .await
    .unwrap();
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let added = String::from_utf8(added.stdout).unwrap();
    assert!(added.contains("ants\\e[2J\\u{202E}"), "{added}");

    let synced = tokio::task::spawn_blocking(move || {
        let mut command = baton(&[
            "sync",
            &file,
            "--source",
            name,
            "--token-env",
            "BATON_TEST_TOKEN",
        ]);
        command.env("BATON_TEST_TOKEN", TOKEN);
        command.output().unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8(synced.stdout).unwrap();
    let stderr = String::from_utf8(synced.stderr).unwrap();
    assert!(synced.status.success(), "{stderr}");
    assert!(
        stdout.starts_with("ants\\e[2J\\u{202E}: succeeded"),
        "the summary names the source escaped: {stdout}"
    );
    assert!(!stdout.chars().any(is_hostile), "{stdout:?}");
    assert!(
        stderr.is_empty(),
        "no progress line off a terminal: {stderr:?}"
    );
}

/// The number after `before` in `text` (thousands separators dropped).
fn number_after(text: &str, before: &str) -> u64 {
    let at = text
        .find(before)
        .unwrap_or_else(|| panic!("{before:?} is not in:\n{text}"))
        + before.len();
    let digits: String = text[at..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(char::is_ascii_digit)
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no number after {before:?} in:\n{text}"))
}

#[test]
fn stats_and_deps_print_the_same_open_blocking_links() {
    let (plain, _) = workspaces();
    let file = plain.to_str().unwrap();
    let stats = run(&["stats", file]);
    assert!(
        stats.status.success(),
        "{}",
        String::from_utf8_lossy(&stats.stderr)
    );
    let deps = run(&["deps", file]);
    assert!(
        deps.status.success(),
        "{}",
        String::from_utf8_lossy(&deps.stderr)
    );
    let stats = String::from_utf8_lossy(&stats.stdout);
    let deps = String::from_utf8_lossy(&deps.stdout);
    let from_stats = number_after(&stats, "(open blocking");
    let deps_line = deps.lines().next().unwrap_or_default();
    let from_deps = number_after(deps_line, ": ");
    assert!(from_stats > 0, "the demo has open blocking links:\n{stats}");
    assert_eq!(
        from_stats, from_deps,
        "`baton stats` and `baton deps` count open blocking links the same way"
    );
}
