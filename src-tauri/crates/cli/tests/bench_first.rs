//! `baton bench-flow FILE --first-only`: a fresh process's way to its first Flow answer, in parts,
//! read from the snapshot `baton demo` leaves beside the file, and nothing else measured.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

#[test]
fn first_only_measures_the_way_to_the_first_flow_answer_from_the_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("first.baton");
    let file = file.to_str().unwrap();
    let made = Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(["demo", "--out", file, "--items", "400"])
        .output()
        .unwrap();
    assert!(made.status.success(), "{made:?}");
    let run = Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(["bench-flow", file, "--runs", "1", "--first-only"])
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    let figures: Vec<serde_json::Value> = serde_json::from_slice(&run.stdout).unwrap();
    let names: Vec<&str> = figures
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    let value = |part: &str, unit: &str| {
        figures
            .iter()
            .find(|f| f["name"].as_str().unwrap().contains(part) && f["unit"] == unit)
            .unwrap_or_else(|| panic!("no {part} figure in {names:?}"))["value"]
            .as_f64()
            .unwrap()
    };
    assert_eq!(
        names.len(),
        7,
        "open, index ready, first answer, resident and peak memory at two moments; no SQL comparison: {names:?}"
    );
    assert!(
        names.iter().all(|n| !n.contains("NO SNAPSHOT"))
            && names.iter().any(|n| n.contains("index from its snapshot")),
        "the index comes from the snapshot baton demo saved: {names:?}"
    );
    let (open, ready, answer) = (
        value("workspace open", "ms"),
        value("open to index ready", "ms"),
        value("open to first Flow answer", "ms"),
    );
    assert!(
        0.0 <= open && open <= ready && ready <= answer,
        "each part includes the one before: {open} ≤ {ready} ≤ {answer}"
    );
    let (at_index, at_answer) = (
        value("peak memory at index ready", "MiB"),
        value("peak memory at first Flow answer", "MiB"),
    );
    assert!(
        at_index > 0.0 && at_index <= at_answer,
        "peak memory only grows: {at_index} ≤ {at_answer}"
    );
}
