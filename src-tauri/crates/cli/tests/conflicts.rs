//! `baton conflicts` headless: the rules editor (owners → teams, sensitive paths) and an answer
//! to one conflict, as Settings → Conflicts and the item drawer do, on a 600-item demo.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::baton;

use std::path::Path;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = baton(args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn demo(dir: &Path) -> String {
    let file = dir.join("conflicts.baton");
    let out = baton(&["demo", "--out", file.to_str().unwrap(), "--items", "600"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    file.to_str().unwrap().to_owned()
}

#[test]
fn rules_are_edited_and_a_conflict_is_dismissed_headless() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let w = demo(dir.path());
    let rules = json(&["conflicts", &w, "--rules", "--json"]);
    assert_eq!(rules["sensitiveDefaults"], true, "nobody saved a set yet");
    assert!(
        rules["seenOwners"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["owner"] == "@acme/platform" && o["teamName"] == "Platform"),
        "owners map by their @org/<team> name: {rules}"
    );

    let out = baton(&[
        "conflicts",
        &w,
        "--map-owner",
        "@acme/platform=security",
        "--sensitive",
        "**/db/=database@Data",
        "--as",
        "lead",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rules = json(&["conflicts", &w, "--rules", "--json"]);
    assert_eq!(rules["ownerRules"][0]["teamName"], "Security");
    assert_eq!(rules["ownerRules"][0]["updatedBy"], "lead");
    assert_eq!(rules["sensitiveDefaults"], false);
    assert_eq!(
        rules["sensitive"].as_array().unwrap().len(),
        1,
        "the set is replaced"
    );
    assert_eq!(rules["sensitive"][0]["reviewerTeamId"], "team-data");

    let out = baton(&["conflicts", &w, "--map-owner", "@acme/platform=Nobody"]);
    assert!(!out.status.success(), "an unknown team is refused");

    let report = json(&["conflicts", &w, "--json"]);
    let first = report["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["answer"].is_null())
        .expect("the demo has conflicts")
        .clone();
    let item = first["item"]["id"].as_str().unwrap();
    let rule = first["rule"].as_str().unwrap();
    let mut args = vec![
        "conflicts",
        &w,
        "--dismiss",
        item,
        "--rule",
        rule,
        "--why",
        "known",
        "--as",
        "lead",
    ];
    if let Some(other) = first["otherId"].as_str() {
        args.extend(["--other", other]);
    }
    let out = baton(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = json(&["conflicts", &w, "--json"]);
    let answered = report["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["item"]["id"] == first["item"]["id"]
                && c["rule"] == first["rule"]
                && c["otherId"] == first["otherId"]
        })
        .expect("still flagged, with its answer");
    assert_eq!(answered["answer"]["acknowledged"], false);
    assert_eq!(answered["answer"]["why"], "known");
    let decisions = json(&["decisions", &w, "--item", item, "--json"]);
    assert!(
        decisions
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["kind"] == "conflict_dismissed" && d["actor"] == "lead"),
        "recorded as a decision: {decisions}"
    );
}
