//! `baton demo` leaves its workspace as the app leaves one it has opened: the Triage worklist's
//! duplicate candidates and conflicting changes kept beside it, so the app's first Overview
//! loads them instead of finding them again; and what is kept lists what finding them lists.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::baton;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The worklist as `baton triage --json` prints it, without what moves with the clock (its
/// moment, ages, and the details that name them).
fn worklist(file: &str) -> serde_json::Value {
    let out = baton(&["triage", file, "--json", "--limit", "500"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    list.as_object_mut().unwrap().remove("asOf");
    for row in list["rows"].as_array_mut().unwrap() {
        row.as_object_mut().unwrap().remove("ageDays");
        for reason in row["reasons"].as_array_mut().unwrap() {
            let reason = reason.as_object_mut().unwrap();
            reason.remove("days");
            reason.remove("detail");
        }
    }
    list
}

#[test]
fn a_demo_keeps_its_triage_answers_beside_it_and_they_list_what_finding_them_lists() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let file = dir.path().join("kept.baton");
    let w = file.to_str().unwrap();
    let out = baton(&["demo", "--out", w, "--items", "1500"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let kept =
        ["duplicates", "conflicts"].map(|kind| dir.path().join(format!("kept.baton-{kind}")));
    for path in &kept {
        let len = std::fs::metadata(path)
            .unwrap_or_else(|e| panic!("{} was not kept: {e}", path.display()))
            .len();
        assert!(len > 0, "{} is empty", path.display());
    }

    let loaded = worklist(w);
    let reasons = loaded["byReason"].as_array().unwrap();
    let count = |reason: &str| {
        reasons
            .iter()
            .find(|r| r["reason"] == reason)
            .map_or(0, |r| r["count"].as_u64().unwrap())
    };
    assert!(loaded["total"].as_u64().unwrap() > 0, "{loaded}");
    assert!(
        count("duplicate_candidate") > 0 && count("conflicting_change") > 0,
        "the demo lists duplicate candidates and conflicting changes: {reasons:?}"
    );

    // Without what was kept, the same worklist is found again.
    for path in &kept {
        std::fs::remove_file(path).unwrap();
    }
    assert_eq!(worklist(w), loaded);
}
