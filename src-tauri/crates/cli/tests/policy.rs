//! `baton policy`: the gate's exit codes, list, and import/export round trips between
//! workspaces, and bad policy files refused with the line named.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::baton;

use std::path::{Path, PathBuf};
use std::process::Output;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn demo(dir: &Path, name: &str) -> PathBuf {
    let file = dir.join(name);
    let out = baton(&["demo", "--out", file.to_str().unwrap(), "--items", "600"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    file
}

fn import(ws: &Path, policies: &Path) -> Output {
    baton(&[
        "policy",
        "import",
        ws.to_str().unwrap(),
        policies.to_str().unwrap(),
    ])
}

#[test]
fn the_gate_exits_one_on_a_blocking_violation_and_zero_otherwise() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let ws = demo(dir.path(), "gate.baton");
    let w = ws.to_str().unwrap();
    // One blocking policy every demo team breaks: at most one item in progress.
    let strict = dir.path().join("strict.toml");
    std::fs::write(
        &strict,
        "[[policies]]\nname = \"one-at-a-time\"\ntitle = \"One item in progress\"\nseverity = \"blocking\"\nrule = { type = \"wip_limit\", limit = 1 }\n\n[[policies]]\nname = \"quiet\"\ntitle = \"Informational\"\nseverity = \"info\"\nrule = { type = \"wip_limit\", limit = 1 }\n",
    )
    .unwrap();
    let out = import(&ws, &strict);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = baton(&["policy", "check", w]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a blocking violation fails the gate: {}",
        text(&out.stdout)
    );
    assert!(text(&out.stdout).contains("FAILED"));
    let out = baton(&["policy", "check", w, "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["failed"], true);
    let first = &json["report"]["violations"][0];
    assert_eq!(first["policy"], "one-at-a-time");
    assert!(
        first["resolve"].as_str().unwrap().contains("limit 1"),
        "{first}"
    );
    // Only the informational policy: violations, but nothing blocks.
    let out = baton(&["policy", "check", w, "--policy", "quiet"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("passed"));
    // A policy that does not exist is an error (2), naming it.
    let out = baton(&["policy", "check", w, "--policy", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("\"nope\""),
        "{}",
        text(&out.stderr)
    );
    // Switched off, it blocks nothing.
    std::fs::write(
        &strict,
        std::fs::read_to_string(&strict).unwrap().replace(
            "severity = \"blocking\"",
            "severity = \"blocking\"\nenabled = false",
        ),
    )
    .unwrap();
    assert!(import(&ws, &strict).status.success());
    assert_eq!(baton(&["policy", "check", w]).status.code(), Some(0));
}

#[test]
fn export_and_import_round_trip_between_workspaces() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let a = demo(dir.path(), "a.baton");
    let b = demo(dir.path(), "b.baton");
    for ext in ["toml", "json"] {
        let first = dir.path().join(format!("first.{ext}"));
        let out = baton(&[
            "policy",
            "export",
            a.to_str().unwrap(),
            "--out",
            first.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        // Edit it as a person would: switch one off, add a team calendar.
        let mut edited = std::fs::read_to_string(&first).unwrap();
        if ext == "toml" {
            edited = edited.replacen("enabled = true", "enabled = false", 1);
            edited.push_str("\n[calendars.Payments]\nzone = \"Europe/Berlin\"\ndays = [\"mon\", \"tue\"]\nstart = \"08:00\"\nend = \"16:00\"\nholidays = [\"2026-12-24\"]\n");
        } else {
            edited = edited.replacen("\"enabled\": true", "\"enabled\": false", 1);
        }
        std::fs::write(&first, &edited).unwrap();
        let out = import(&b, &first);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let second = dir.path().join(format!("second.{ext}"));
        let out = baton(&[
            "policy",
            "export",
            b.to_str().unwrap(),
            "--out",
            second.to_str().unwrap(),
        ]);
        assert!(out.status.success());
        let reread = |p: &Path| -> serde_json::Value {
            let t = std::fs::read_to_string(p).unwrap();
            let mut v: serde_json::Value = if ext == "toml" {
                toml::from_str(&t).unwrap()
            } else {
                serde_json::from_str(&t).unwrap()
            };
            // Versions count saves in each workspace; the rest must come back as written.
            for p in v["policies"].as_array_mut().unwrap() {
                p.as_object_mut().unwrap().remove("version");
            }
            v
        };
        assert_eq!(
            reread(&second),
            reread(&first),
            "{ext}: what was imported exports the same"
        );
        let listed = text(&baton(&["policy", "list", b.to_str().unwrap()]).stdout);
        assert!(
            listed.lines().next().unwrap().contains(" off "),
            "the first policy is off: {listed}"
        );
    }
}

#[test]
fn bad_policy_files_are_refused_naming_the_file_and_line() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let ws = demo(dir.path(), "bad.baton");
    let before = text(&baton(&["policy", "export", ws.to_str().unwrap()]).stdout);
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[[policies]]\nname = \"sla\"\ntitle = \"SLA\"\nseverity = \"info\"\nrule = { type = \"review_sla\", hours = \"eight\" }\n",
    )
    .unwrap();
    let out = import(&ws, &bad);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("bad.toml, line 5"), "{err}");
    let zone = dir.path().join("zone.json");
    std::fs::write(
        &zone,
        "{\n  \"calendars\": {\n    \"Payments\": {\"zone\": \"Europe/Atlantis\"}\n  },\n  \"policies\": []\n}\n",
    )
    .unwrap();
    let err = text(&import(&ws, &zone).stderr);
    assert!(
        err.contains("zone.json") && err.contains("Europe/Atlantis") && err.contains("line 3"),
        "{err}"
    );
    assert_eq!(
        text(&baton(&["policy", "export", ws.to_str().unwrap()]).stdout),
        before,
        "a refused file changes nothing"
    );
}
