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
    let e = duplicates::evaluate(&ix, &engine, &linked);
    eprintln!("replayed Jira (DevLake link-test rows): {e:?}");
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
