//! Duplicates on real recorded data: DevLake's Jira link-test rows (a Jira Server test instance
//! whose issues carry Duplicate, Blocks, Cloners and Relates links) synced through the real Jira
//! connector, then the duplicates engine measured against the Duplicate links the sync wrote.
//! The summaries of those rows are long filler text in Chinese that differs between issues in
//! places; one Duplicate link joins two issues both synced (the others point outside the
//! recorded project). The test holds what that data can show (the link arrives as a fact, facts
//! are never candidates, the figures are reported), not a precision one pair cannot support.

use std::collections::HashSet;
use std::sync::Arc;

use baton_core::duplicates::{self, DuplicatesQuery};
use baton_core::replay::jira::FakeJira;
use baton_core::sync::progress::RunStatus;

use crate::sync_support::*;

#[tokio::test]
async fn real_jira_duplicate_links_are_facts_and_the_ground_truth() {
    let jira = Arc::new(FakeJira::from_devlake(&fixtures(), JIRA_EMAIL, JIRA_TOKEN).unwrap());
    let server = jira.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_jira(&server.url(), JIRA_TOKEN, &["DZFNK0168"]).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);

    let ix = h.ws.index().await.unwrap();
    let linked = duplicates::linked_pairs(&ix);
    assert!(
        !linked.is_empty(),
        "the recorded Duplicate links arrive as duplicates links"
    );
    let (ix, engine, _) = duplicates::engine_for(&h.ws, &mut |_, _| {}).await.unwrap();
    let e = duplicates::evaluate_in(&h.ws, &linked).await.unwrap();
    let titles_only = duplicates::evaluate(&ix, &engine, &linked);
    eprintln!(
        "replayed Jira (DevLake link-test rows): {e:?}; titles and structure only {titles_only:?}"
    );
    assert_eq!(
        e.known, 1,
        "one Duplicate link joins two issues of the project"
    );
    assert_eq!(
        e.known,
        linked.len(),
        "every linked pair has both items synced"
    );

    // A linked pair is never a candidate.
    let page = duplicates::report(
        &h.ws,
        &DuplicatesQuery::default(),
        baton_core::time::now_ms(),
        &mut |_, _| {},
    )
    .await
    .unwrap();
    let facts: HashSet<(String, String)> = linked
        .iter()
        .flat_map(|(a, b)| [(a.clone(), b.clone()), (b.clone(), a.clone())])
        .collect();
    assert!(page
        .pairs
        .iter()
        .all(|p| !facts.contains(&(p.a.id.clone(), p.b.id.clone()))));
    assert_eq!(page.linked_at_source as usize, linked.len());
}

/// The stored summary of an item's description (`item_texts`): words and signature.
async fn stored_text(ws: &baton_core::graph::Workspace, key: &str) -> (i64, Vec<u8>) {
    sqlx::query_as(
        "SELECT t.words, t.signature FROM item_texts t JOIN items i ON i.id = t.item_id
         WHERE i.key = ?1",
    )
    .bind(key)
    .fetch_one(ws.pool())
    .await
    .unwrap()
}

/// A recorded record's JSON from a DevLake fixture (`data` column), found by `pick`.
fn recorded(file: &str, pick: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    let mut reader = csv::Reader::from_path(fixtures().join(file)).unwrap();
    let headers = reader.headers().unwrap().clone();
    let at = headers.iter().position(|h| h == "data").unwrap();
    reader
        .records()
        .filter_map(|r| r.ok())
        .filter_map(|r| serde_json::from_str(r.get(at)?).ok())
        .find(|v| pick(v))
        .unwrap()
}

#[tokio::test]
async fn real_jira_descriptions_reach_the_engine() {
    let jira = Arc::new(FakeJira::from_devlake(&fixtures(), JIRA_EMAIL, JIRA_TOKEN).unwrap());
    let server = jira.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_jira(&server.url(), JIRA_TOKEN, &["DZFNK0168"]).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);

    // What the sync stored of DZFNK0168-1's recorded description is what it says.
    let record = recorded("jira/devlake/_raw_jira_api_issue_relationships.csv", |v| {
        v["key"] == "DZFNK0168-1"
    });
    let text = record["fields"]["description"].as_str().unwrap();
    let expected = duplicates::text::describe(text);
    let (words, signature) = stored_text(&h.ws, "DZFNK0168-1").await;
    assert!(
        expected.words >= 5,
        "the recorded description says something"
    );
    assert_eq!(words, i64::from(expected.words));
    assert_eq!(signature, expected.sig.to_vec());

    // The recorded issues repeat one filler text: their pairs are compared by it too.
    let c = duplicates::current(&h.ws, &mut |_, _| {}).await.unwrap();
    assert!(!c.ranked.is_empty(), "the filler titles pair up");
    assert!(
        c.ranked
            .iter()
            .all(|s| s.description.is_some_and(|d| d > 0.8)),
        "every pair's descriptions are compared, and alike: {:?}",
        c.ranked.iter().map(|s| s.description).collect::<Vec<_>>()
    );
    let page = duplicates::report(
        &h.ws,
        &DuplicatesQuery::default(),
        baton_core::time::now_ms(),
        &mut |_, _| {},
    )
    .await
    .unwrap();
    assert!(
        page.pairs
            .iter()
            .all(|p| p.explanation.contains("descriptions ")),
        "{:?}",
        page.pairs
            .iter()
            .map(|p| &p.explanation)
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_real_github_pull_request_description_reaches_the_engine() {
    use baton_core::graph::model::*;
    use baton_core::ingest::write::{commit_page, PageWrite, RunFigures};
    use baton_core::replay::github::FakeGithub;

    let gh = Arc::new(FakeGithub::from_devlake(&fixtures(), GH_TOKEN).unwrap());
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_github(&server.url(), GH_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);

    // Pull request #19 as recorded: its body (Go source comments about a leaking Ticker).
    let record = recorded("github/devlake/_raw_github_api_pull_requests.csv", |v| {
        v["number"] == 19
    });
    let body = record["body"].as_str().unwrap().to_owned();
    let (words, _) = stored_text(&h.ws, "panjf2000/ants#19").await;
    assert_eq!(
        words,
        i64::from(duplicates::text::describe(&body).words),
        "the synced pull request's body is stored summed up"
    );

    // Another team's pull request, retitled, telling the same: a candidate whose explanation
    // says the descriptions are the same.
    let (id, created): (String, i64) =
        sqlx::query_as("SELECT id, created_at FROM items WHERE key = 'panjf2000/ants#19'")
            .fetch_one(h.ws.pool())
            .await
            .unwrap();
    let mut page = PageWrite::new("hand");
    page.items.push(WorkItem {
        id: "hand-19".into(),
        source_id: source.clone(),
        external_id: "hand-19".into(),
        key: "other/ants#1".into(),
        url: String::new(),
        kind: ItemKind::PullRequest,
        title: "Fix possible memory leak of the Ticker".into(),
        team_id: None,
        owner_id: None,
        author_id: None,
        provenance: Provenance::Human,
        provenance_agent: None,
        provenance_confidence: 1.0,
        raw_state: "open".into(),
        flow_state: FlowState::Waiting,
        wait_reason: None,
        intent_id: None,
        priority: None,
        estimate: None,
        created_at: created + 86_400_000,
        started_at: None,
        done_at: None,
        updated_at: created + 86_400_000,
    });
    page.descriptions.push(("hand-19".into(), body));
    commit_page(
        &h.ws,
        &source,
        "no-run",
        RunFigures::default(),
        &page,
        created,
    )
    .await
    .unwrap();
    let page = duplicates::report(
        &h.ws,
        &DuplicatesQuery::default(),
        baton_core::time::now_ms(),
        &mut |_, _| {},
    )
    .await
    .unwrap();
    let pair = page
        .pairs
        .iter()
        .find(|p| [&p.a.id, &p.b.id] == [&id, &"hand-19".to_owned()])
        .unwrap_or_else(|| panic!("a candidate: {:?}", page.pairs));
    assert!(
        pair.explanation.contains("descriptions 100% alike"),
        "{}",
        pair.explanation
    );
}
