//! Jira as it is configured, replayed from real recorded issues, statuses and changelogs:
//! `tests/fixtures/jira/devlake/` (merico.atlassian.net and a link-test site) for status
//! categories that bound what names say, a status name with different categories in different
//! projects, links of every type with the epic hierarchy and changelogs that do not say their
//! total; `jira/jirametrics/` (improvingflow.atlassian.net) for the Flagged field's history;
//! `jira/jira-timeline-report/` (bitovi-training.atlassian.net) for moved issues. Where no real
//! recording has a case, a real row is edited minimally, as `tests/fixtures/PROVENANCE.md`
//! lists.

use std::sync::Arc;
use std::time::Duration;

use baton_core::connectors::parse_time;
use baton_core::flow::{workflow_list, FlowFilter};
use baton_core::graph::model::FlowState;
use baton_core::replay::jira::{FakeJira, JiraRecord};
use baton_core::sync::progress::RunStatus;
use serde_json::{json, Value};

use crate::sync_support::*;

const PROJECTS: &[&str] = &["EE", "K5", "DZFNK0168"];
/// After every recorded time: what an edit makes an issue's `updated`.
const LATER: &str = "2026-03-01T18:00:00.000+0800";

fn fake() -> Arc<FakeJira> {
    Arc::new(FakeJira::from_devlake(&fixtures(), JIRA_EMAIL, JIRA_TOKEN).unwrap())
}

/// Edits the recorded issue `key` and marks it updated after the first sync.
fn edit(jira: &FakeJira, key: &str, change: impl FnOnce(&mut JiraRecord)) {
    let mut data = jira.data();
    let record = data.issues.iter_mut().find(|r| r.key == key).unwrap();
    change(record);
    record.issue["fields"]["updated"] = LATER.into();
    record.updated = parse_time(LATER).unwrap();
}

/// A real status row from `/status` (the recorded `_raw_jira_api_status.csv`), by id.
fn status_row(jira: &FakeJira, id: &str) -> Value {
    jira.data()
        .statuses
        .iter()
        .map(|s| serde_json::from_str::<Value>(s).unwrap())
        .find(|s| s["id"] == id)
        .unwrap()
}

#[tokio::test]
async fn status_categories_bound_what_names_say() {
    let jira = fake();
    // EE-24 sits in the site's real "Under review" status, whose category is To Do (new).
    let under_review = status_row(&jira, "10064");
    assert_eq!(under_review["statusCategory"]["key"], "new");
    edit(&jira, "EE-24", |r| {
        r.issue["fields"]["status"] = under_review
    });
    let server = jira.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_jira(&server.url(), JIRA_TOKEN, PROJECTS).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let state = |key: &'static str| {
        let h = &h;
        async move {
            h.strings(&format!(
                "SELECT raw_state || '|' || flow_state || '|' || COALESCE(wait_reason, '-') FROM items WHERE key = '{key}'"
            ))
            .await
            .remove(0)
        }
    };
    assert_eq!(
        state("K5-2").await,
        "To Do|new|-",
        "a To Do status is not started, though its name reads like a queue"
    );
    assert_eq!(
        state("EE-24").await,
        "Under review|new|-",
        "a name never moves a status of the To Do category out of New"
    );
    assert_eq!(state("EE-23").await, "已完成|done|-");
    let maps = h
        .strings("SELECT raw_state || '=' || flow_state FROM workflow_maps ORDER BY 1")
        .await;
    for expected in [
        "To Do=new",
        "Under review=new",
        "Selected for Development=new",
        "In Progress=active",
        "Blocked / On Hold=waiting",
        "已解决=active",
        "暂不修改=done",
    ] {
        assert!(
            maps.contains(&expected.to_owned()),
            "{expected}: a category that a name may refine, never overrule: {maps:?}"
        );
    }
}

#[tokio::test]
async fn a_status_name_with_different_categories_is_mapped_per_project() {
    let jira = fake();
    // The site's real team-managed "Review" (10153, in progress) belongs to K5's project. A
    // second team-managed project has its own "Review" in the Done category (the real row,
    // copied with another id, project and category).
    let review = status_row(&jira, "10153");
    assert_eq!(review["statusCategory"]["key"], "indeterminate");
    let mut done_review = review.clone();
    done_review["id"] = "10190".into();
    done_review["statusCategory"] = status_row(&jira, "10152")["statusCategory"].clone();
    done_review["scope"]["project"]["id"] = "10038".into();
    jira.data().statuses.push(done_review.to_string());
    edit(&jira, "K5-2", |r| {
        r.issue["fields"]["status"] = review.clone()
    });
    edit(&jira, "DZFNK0168-3", |r| {
        r.issue["fields"]["status"] = done_review.clone()
    });
    let server = jira.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_jira(&server.url(), JIRA_TOKEN, PROJECTS).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let flows = h
        .strings("SELECT key || ' ' || flow_state || ' ' || COALESCE(wait_reason, '-') FROM items WHERE raw_state = 'Review' ORDER BY key")
        .await;
    assert_eq!(
        flows,
        vec![
            "DZFNK0168-3 done -".to_owned(),
            "K5-2 waiting review".to_owned()
        ],
        "one name, two meanings: each project's own"
    );
    let rows: Vec<String> = workflow_list(&h.ws)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.raw_state == "Review" && !r.scope.is_empty())
        .map(|r| format!("{} {:?} {}", r.scope, r.flow_state, r.items_now))
        .collect();
    assert_eq!(
        rows,
        vec![
            "DZFNK0168 Some(Done) 1".to_owned(),
            "K5 Some(Waiting) 1".to_owned()
        ],
        "the workflow settings show each project's own mapping with its items"
    );
    // The flow metrics read each item's state through its project's own mapping.
    let (ix, mapping, _) = baton_core::flow::prepare(&h.ws, &FlowFilter::default(), NOW)
        .await
        .unwrap();
    for (key, expected) in [
        ("K5-2", FlowState::Waiting),
        ("DZFNK0168-3", FlowState::Done),
    ] {
        let i = ix.item_keys.iter().position(|k| k == key).unwrap();
        let item = &ix.items[i];
        assert_eq!(
            mapping
                .resolve_item(item.current_state, i, item.team, item.kind)
                .map(|m| m.0),
            Some(expected),
            "{key} in Review, as its project means it"
        );
    }
}

#[tokio::test]
async fn links_of_every_type_and_the_epic_hierarchy_become_edges() {
    let jira = fake();
    // A custom link type, known by its descriptions only: DZFNK0168-19 "depends on"
    // DZFNK0168-21 (the real Relates link between them, retyped on both ends).
    let dependency = json!({"id": "10400", "name": "Dependency", "inward": "is depended on by", "outward": "depends on"});
    for key in ["DZFNK0168-19", "DZFNK0168-21"] {
        let dependency = dependency.clone();
        edit(&jira, key, |r| {
            r.issue["fields"]["issuelinks"][0]["type"] = dependency;
        });
    }
    // Company-managed hierarchy: K5-3 names its epic K5-4 through the Epic Link field only
    // (the real record also has the newer `parent`; removed here).
    edit(&jira, "K5-3", |r| {
        r.issue["fields"].as_object_mut().unwrap().remove("parent");
    });
    let server = jira.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_jira(&server.url(), JIRA_TOKEN, PROJECTS).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let edges = h.key_links().await;
    for expected in [
        // Real: Blocks both ways, Duplicate, Cloners.
        "DZFNK0168-5 blocks DZFNK0168-1",
        "DZFNK0168-11 duplicates DZFNK0168-5",
        "DZFNK0168-4 relates DZFNK0168-11",
        // Edited: a custom type read by its outward/inward names.
        "DZFNK0168-21 blocks DZFNK0168-19",
        // Real sub-tasks (company-managed), listed by the parent and by each sub-task.
        "EE-1 parent EE-25",
        "EE-3 parent EE-37",
        // Edited: the Epic Link field alone.
        "K5-4 parent K5-3",
    ] {
        assert_eq!(
            edges.iter().filter(|e| *e == expected).count(),
            1,
            "{expected} once: {edges:?}"
        );
    }
    assert!(
        !edges.iter().any(|e| e.contains("DZFNK0168-19 relates")),
        "the retyped link is no longer a plain relation: {edges:?}"
    );
    // K5-2's epic K5-1 is not in the recorded data: it waits, named by its key.
    let pending = h
        .strings("SELECT from_item_id || ' ' || kind FROM pending_links ORDER BY 1")
        .await;
    assert!(
        pending.contains(&"jira:127.0.0.1/20707 parent".to_owned()),
        "the parent by Jira's id: {pending:?}"
    );
    assert!(
        pending.contains(&"jira:127.0.0.1/K5-1 parent".to_owned()),
        "the Epic Link by its key, resolved once K5-1 is synced: {pending:?}"
    );
}

#[tokio::test]
async fn a_team_managed_parent_field_alone_makes_the_epic_edge() {
    // Team-managed projects name an issue's epic in `parent` only (no Epic Link field): K5-3's
    // real record names K5-4 in both; its Epic Link (customfield_10014) is removed here.
    let jira = fake();
    edit(&jira, "K5-3", |r| {
        let fields = r.issue["fields"].as_object_mut().unwrap();
        assert_eq!(fields.remove("customfield_10014"), Some(json!("K5-4")));
        assert_eq!(fields["parent"]["key"], "K5-4");
    });
    let server = jira.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_jira(&server.url(), JIRA_TOKEN, PROJECTS).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let edges = h.key_links().await;
    assert_eq!(
        edges.iter().filter(|e| *e == "K5-4 parent K5-3").count(),
        1,
        "the epic is K5-3's parent by the parent field alone: {edges:?}"
    );
}

/// improvingflow.atlassian.net's Sample Project as jirametrics recorded it (SP-1, SP-2, SP-10).
fn jirametrics() -> Arc<FakeJira> {
    Arc::new(FakeJira::from_jirametrics(&fixtures(), JIRA_EMAIL, JIRA_TOKEN).unwrap())
}

/// bitovi-training.atlassian.net as jira-timeline-report kept it (53 issues of four projects).
fn timeline_report() -> Arc<FakeJira> {
    Arc::new(FakeJira::from_timeline_report(&fixtures(), JIRA_EMAIL, JIRA_TOKEN).unwrap())
}

const BITOVI: &[&str] = &["IMP", "ORDER", "PROMO", "STORE"];

/// The flag transitions of the item with `key`, as `event state`, in time order.
async fn flags(h: &Harness, key: &str) -> Vec<String> {
    h.strings(&format!(
        "SELECT event_id || ' ' || to_state FROM transitions WHERE kind = 'flag' \
         AND item_id = (SELECT id FROM items WHERE key = '{key}') ORDER BY at"
    ))
    .await
}

#[tokio::test]
async fn the_flagged_fields_history_becomes_blocked_time() {
    // Real Flagged history, as recorded: SP-10 was flagged on 6 September 2021 at 04:33:30
    // (history 10062, to "Impediment") and unflagged 25 s later (10064, to ""); SP-1 was
    // flagged on 29 August (10042) and still was when recorded (its Flagged field holds
    // Impediment). The site names the field Flagged (customfield_10021).
    let jira = jirametrics();
    let server = jira.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_jira(&server.url(), JIRA_TOKEN, &["SP"]).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(h.count("SELECT COUNT(*) FROM items").await, 3);
    assert_eq!(
        flags(&h, "SP-10").await,
        vec!["10062:0 blocked".to_owned(), "10064:0 unblocked".to_owned()],
        "the Flagged field's history flags the issue blocked, then clears it"
    );
    assert_eq!(flags(&h, "SP-1").await, vec!["10042:0 blocked".to_owned()]);
    assert!(flags(&h, "SP-2").await.is_empty());
    // In the flow, SP-1 (in progress since June) waits from the day it was flagged; SP-2 waits
    // in its queue throughout, and SP-10 is in progress from 29 August.
    let report = baton_core::flow::flow_report(
        &h.ws,
        &FlowFilter {
            from: Some("2021-08-28".into()),
            to: Some("2021-08-30".into()),
            ..FlowFilter::default()
        },
        parse_time("2021-09-01T00:00:00.000+0000").unwrap(),
    )
    .await
    .unwrap();
    let band = |state: FlowState| {
        report
            .cfd
            .iter()
            .find(|b| b.state == state)
            .unwrap()
            .counts
            .clone()
    };
    assert_eq!(
        band(FlowState::Waiting),
        vec![1, 2, 2],
        "the flag makes SP-1 wait from 29 August"
    );
    assert_eq!(band(FlowState::Active), vec![1, 1, 1]);
    assert_eq!(
        h.strings(
            "SELECT to_state FROM transitions WHERE kind = 'state' \
             AND item_id = (SELECT id FROM items WHERE key = 'SP-10') ORDER BY at"
        )
        .await,
        [
            "Selected for Development",
            "In Progress",
            "Selected for Development",
            "In Progress",
            "Review",
            "Done"
        ],
        "the flag is no state change; the statuses around it are all read"
    );
    let detail = baton_core::query::item_detail(&h.ws, &h.id_of("SP-10").await)
        .await
        .unwrap();
    assert!(
        detail
            .transitions
            .iter()
            .any(|t| t.kind == baton_core::graph::model::TransitionKind::Flag),
        "the item's history shows the flag"
    );
}

#[tokio::test]
async fn a_flagged_field_under_a_translated_name_is_known_by_its_id() {
    // The same real history on a site whose language names the field otherwise: the changelog
    // shows a field's name as it was then, `/field` also gives its untranslated name. Edited in
    // memory: the field's name only (no recording of a translated site has a Flagged entry).
    let jira = jirametrics();
    {
        let mut data = jira.data();
        data.fields = vec![
            json!({"id": "customfield_10021", "name": "已标记", "untranslatedName": "Flagged", "custom": true}).to_string(),
        ];
        for record in &mut data.issues {
            for history in &mut record.histories {
                for item in history["items"].as_array_mut().into_iter().flatten() {
                    if item["fieldId"] == "customfield_10021" {
                        item["field"] = "已标记".into();
                    }
                }
            }
        }
    }
    let server = jira.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_jira(&server.url(), JIRA_TOKEN, &["SP"]).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        flags(&h, "SP-10").await,
        vec!["10062:0 blocked".to_owned(), "10064:0 unblocked".to_owned()],
        "the Flagged field, known by its id whatever its name, flags the issue blocked"
    );
}

/// Issues that moved between bitovi-training's projects in 2023, as their recorded `Key`
/// entries say: (old key, key now, the move's history entry).
const MOVES: &[(&str, &str, &str)] = &[
    ("IMP-88", "PROMO-1", "11508"),
    ("IMP-7", "ORDER-15", "10886"),
    ("ORDER-9", "IMP-74", "10790"),
    ("ORDER-10", "IMP-73", "10789"),
];

#[tokio::test]
async fn moved_issues_are_still_named_by_their_old_keys() {
    // Real moves: each of these issues' changelog holds the `project` and `Key` entries Jira
    // wrote when it moved (e.g. IMP-88 became PROMO-1 on 8 September 2023).
    let jira = timeline_report();
    let server = jira.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_jira(&server.url(), JIRA_TOKEN, BITOVI).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(h.count("SELECT COUNT(*) FROM items").await, 53);
    for (old, now, move_id) in MOVES {
        let id = h.id_of(now).await;
        assert_eq!(
            h.strings(&format!(
                "SELECT item_id FROM item_keys WHERE ref LIKE '%/{old}'"
            ))
            .await,
            vec![id.clone()],
            "{old} still names {now}"
        );
        assert_eq!(
            h.count(&format!("SELECT COUNT(*) FROM items WHERE key = '{old}'"))
                .await,
            0,
            "no item under the old key {old}"
        );
        assert_eq!(
            h.count(&format!(
                "SELECT COUNT(*) FROM transitions WHERE item_id = '{id}' AND event_id LIKE '{move_id}:%'"
            ))
            .await,
            0,
            "the move of {now} is no state change"
        );
    }
}

#[tokio::test]
async fn a_moved_issue_stays_one_item_and_its_old_key_still_names_it() {
    // ORDER-10 became IMP-73 on 9 May 2023 (history 10789). The first sync sees it as it was
    // before the move, rebuilt in memory from its own record: the key the move entry says it
    // had, in project Order, with the history before the move. The second sync sees the
    // record as kept.
    let jira = timeline_report();
    let recorded = jira
        .data()
        .issues
        .iter()
        .find(|r| r.key == "IMP-73")
        .unwrap()
        .clone();
    let moved_at = parse_time("2023-05-09T09:56:33.153-0500").unwrap();
    {
        let mut data = jira.data();
        let record = data.issues.iter_mut().find(|r| r.key == "IMP-73").unwrap();
        record.key = "ORDER-10".into();
        record.issue["key"] = "ORDER-10".into();
        record.histories.retain(|h| {
            h["created"]
                .as_str()
                .and_then(parse_time)
                .is_some_and(|at| at < moved_at)
        });
    }
    let before: Vec<String> = jira
        .data()
        .issues
        .iter()
        .find(|r| r.key == "ORDER-10")
        .unwrap()
        .histories
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(!before.is_empty());
    let server = jira.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_jira(&server.url(), JIRA_TOKEN, BITOVI).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let items = h.count("SELECT COUNT(*) FROM items").await;
    let id = h.id_of("ORDER-10").await;
    let list = before
        .iter()
        .map(|b| format!("'{b}'"))
        .collect::<Vec<_>>()
        .join(",");
    let kept = format!(
        "SELECT event_id || ' ' || kind || ' ' || to_state FROM transitions \
         WHERE item_id = '{id}' AND substr(event_id, 1, instr(event_id, ':') - 1) IN ({list}) ORDER BY event_id"
    );
    let first = h.strings(&kept).await;
    assert!(!first.is_empty());
    {
        let mut data = jira.data();
        let record = data
            .issues
            .iter_mut()
            .find(|r| r.key == "ORDER-10")
            .unwrap();
        *record = recorded;
    }
    h.clock.advance(Duration::from_secs(600));
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items").await,
        items,
        "the moved issue updated its item; no second one"
    );
    assert_eq!(h.id_of("IMP-73").await, id, "the same item, by Jira's id");
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items WHERE key = 'ORDER-10'")
            .await,
        0
    );
    assert_eq!(
        h.strings(&kept).await,
        first,
        "its history before the move stays with it"
    );
    assert_eq!(
        h.strings("SELECT item_id FROM item_keys WHERE ref LIKE '%/ORDER-10'")
            .await,
        vec![id.clone()],
        "the old key still names it"
    );
}

#[tokio::test]
async fn a_changelog_that_does_not_say_its_total_is_read_in_full() {
    let jira = fake();
    {
        let mut data = jira.data();
        data.embed_limit = 5;
        data.changelog_page = 10;
        data.omit_changelog_total = true;
    }
    let recorded = jira
        .data()
        .issues
        .iter()
        .find(|r| r.key == "EE-17")
        .unwrap()
        .histories
        .len();
    let server = jira.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_jira(&server.url(), JIRA_TOKEN, PROJECTS).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let histories = h
        .count("SELECT COUNT(DISTINCT substr(event_id, 1, instr(event_id, ':') - 1)) FROM transitions WHERE item_id = (SELECT id FROM items WHERE key = 'EE-17') AND kind IN ('state', 'assignee')")
        .await;
    let with_changes = jira
        .data()
        .issues
        .iter()
        .find(|r| r.key == "EE-17")
        .unwrap()
        .histories
        .iter()
        .filter(|h| {
            h["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["field"] == "status" || i["field"] == "assignee")
        })
        .count() as i64;
    assert!(recorded > 5);
    assert_eq!(
        histories, with_changes,
        "every history entry, not only the five embedded: nothing is lost silently"
    );
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.path == "/rest/api/3/issue/10079/changelog"),
        "the full changelog was read"
    );
}

#[tokio::test]
async fn a_project_that_fails_for_good_does_not_stop_the_others() {
    let jira = fake();
    let server = jira.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h
        .add_jira(
            &server.url(),
            JIRA_TOKEN,
            &["GONE", "EE", "K5", "DZFNK0168"],
        )
        .await;
    let report = h.sync(&source).await;
    assert_eq!(
        report.status,
        RunStatus::FinishedWithErrors,
        "{:?}",
        report.error
    );
    let (code, message) = report.error.unwrap();
    assert_eq!(code, "refused");
    assert!(
        message.contains("1 of 4 streams failed") && message.contains("issues:GONE"),
        "{message}"
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items").await,
        jira.data().issues.len() as i64,
        "the other projects synced"
    );
    let errors = h
        .strings(
            "SELECT stream || ' ' || error_code FROM sync_cursors WHERE error_code IS NOT NULL",
        )
        .await;
    assert_eq!(errors, vec!["issues:GONE refused".to_owned()]);
    let view = baton_core::sync::sources::list(&h.ws, None)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(view.stream_errors.len(), 1);
    assert!(
        view.stream_errors[0]
            .error
            .contains("The value 'GONE' does not exist"),
        "Jira's own words: {:?}",
        view.stream_errors[0]
    );
    assert_eq!(view.last_run.unwrap().status, RunStatus::FinishedWithErrors);
}
