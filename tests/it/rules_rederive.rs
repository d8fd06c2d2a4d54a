//! Rules that re-derive: a team, provenance or intent rule added months after the items were
//! synced moves them, derived again from what their sync stored without a request to the sources;
//! the preview counts exactly what applying changes; and the graph is the one a sync from scratch
//! under the same rules gives. Recorded panjf2000/ants (GitHub) and merico.atlassian.net (Jira)
//! rows from DevLake.

use std::sync::Arc;
use std::time::Duration;

use baton_core::graph::model::{IntentRuleField, Provenance};
use baton_core::intents::{self, IntentInput, RuleInput};
use baton_core::query;
use baton_core::replay::github::FakeGithub;
use baton_core::replay::jira::FakeJira;
use baton_core::rules::{self, ProvenanceRuleView, ProvenanceSignal, TeamRuleField, TeamRuleView};
use baton_core::sync::progress::RunStatus;
use baton_core::sync::rederive;

use crate::sync_support::*;

const PROJECTS: &[&str] = &["EE", "K5", "DZFNK0168"];

/// Creates the teams and saves the rules: enhancements to Features, docs to Docs (and made by an
/// agent, by label), Jira project EE to Platform.
async fn save_rules(h: &Harness) -> Vec<String> {
    let mut ids = Vec::new();
    for (team, field, pattern, priority) in [
        ("Features", TeamRuleField::Label, "enhancement", 1),
        ("Docs", TeamRuleField::Label, "doc", 2),
        ("Platform", TeamRuleField::Project, "EE", 3),
    ] {
        let team = query::teams_create(&h.ws, team).await.unwrap();
        let id = rules::team_rule_save(
            &h.ws,
            &TeamRuleView {
                id: String::new(),
                source_id: None,
                field,
                pattern: pattern.into(),
                team_id: team.id,
                priority,
            },
        )
        .await
        .unwrap();
        ids.push(id);
    }
    rules::provenance_rule_save(
        &h.ws,
        &ProvenanceRuleView {
            id: String::new(),
            signal: ProvenanceSignal::Label,
            pattern: "doc".into(),
            provenance: Provenance::AiAgent,
            agent: Some("DocWriter".into()),
            confidence: 0.75,
            builtin: false,
        },
    )
    .await
    .unwrap();
    ids
}

/// Creates an intent served, by rule, by the `enhancement`-labelled GitHub items and the Jira
/// issues of project K5; each rule is previewed first. Returns how many items the previews said
/// the rules would link (and checks that adding each linked exactly that many).
async fn save_intent_rules(h: &Harness) -> u32 {
    let now = baton_core::time::now_ms();
    let goal = intents::create(
        &h.ws,
        &IntentInput {
            title: "Pool features".into(),
            ..IntentInput::default()
        },
        "ann",
        "",
        now,
    )
    .await
    .unwrap();
    let mut linked = 0;
    for (field, pattern) in [
        (IntentRuleField::Label, "enhancement"),
        (IntentRuleField::Project, "K5"),
    ] {
        let rule = RuleInput {
            intent_id: goal.clone(),
            field,
            pattern: pattern.into(),
        };
        let preview = intents::preview_rule(&h.ws, &rule).await.unwrap();
        let before = served(h).await;
        intents::add_rule(&h.ws, &rule, "ann", "", now)
            .await
            .unwrap();
        assert_eq!(
            served(h).await - before,
            i64::from(preview.linked),
            "adding the {pattern} rule links what its preview counted"
        );
        linked += preview.linked;
    }
    linked
}

/// How many items serve the intent the rules link to.
async fn served(h: &Harness) -> i64 {
    h.count(
        "SELECT COUNT(*) FROM items WHERE intent_id IN (SELECT id FROM intents WHERE title = 'Pool features')",
    )
    .await
}

/// Every synced item as `key intent` (the intent by its title).
async fn intents_of(h: &Harness) -> Vec<String> {
    h.strings(
        "SELECT i.key || ' ' || COALESCE(n.title, '-') FROM items i LEFT JOIN intents n ON n.id = i.intent_id
         ORDER BY i.key",
    )
    .await
}

/// Every synced item as `key team provenance agent`.
async fn derived(h: &Harness) -> Vec<String> {
    h.strings(
        "SELECT i.key || ' ' || COALESCE(t.name, '-') || ' ' || i.provenance || ' ' || COALESCE(i.provenance_agent, '-')
         FROM items i LEFT JOIN teams t ON t.id = i.team_id ORDER BY i.key",
    )
    .await
}

async fn synced(h: &Harness, gh_url: &str, jira_url: &str) {
    let github = h.add_github(gh_url, GH_TOKEN).await;
    let jira = h.add_jira(jira_url, JIRA_TOKEN, PROJECTS).await;
    assert_eq!(h.sync(&github).await.status, RunStatus::Succeeded);
    assert_eq!(h.sync(&jira).await.status, RunStatus::Succeeded);
}

#[tokio::test]
async fn changed_rules_move_items_synced_months_ago_as_a_fresh_sync_would() {
    let gh = Arc::new(FakeGithub::from_devlake(&fixtures(), GH_TOKEN).unwrap());
    let jira = Arc::new(FakeJira::from_devlake(&fixtures(), JIRA_EMAIL, JIRA_TOKEN).unwrap());
    let (gh_server, jira_server) = (gh.serve().await.unwrap(), jira.serve().await.unwrap());

    // Synced first, the rules written three months later.
    let old = Harness::new().await;
    synced(&old, &gh_server.url(), &jira_server.url()).await;
    let before = derived(&old).await;
    old.clock.advance(Duration::from_secs(90 * 86_400));
    let requests = old
        .count("SELECT COALESCE(SUM(requests), 0) FROM sync_runs")
        .await;
    let rule_ids = save_rules(&old).await;
    assert_eq!(
        derived(&old).await,
        before,
        "saving a rule changes no item by itself"
    );

    let preview = rederive::preview(&old.ws).await.unwrap();
    assert!(!preview.applied);
    assert!(
        preview.team_changed > 0 && preview.provenance_changed > 0,
        "{preview:?}"
    );
    assert_eq!(derived(&old).await, before, "a preview writes nothing");
    assert!(
        preview
            .examples
            .iter()
            .any(|e| e.team_after.as_deref() == Some("Features"))
            || preview.examples.len() == 20,
        "the preview lists the items it moves: {:?}",
        preview.examples
    );
    let applied = rederive::apply(&old.ws).await.unwrap();
    assert!(applied.applied);
    assert_eq!(
        (
            applied.checked,
            applied.changed,
            applied.team_changed,
            applied.provenance_changed
        ),
        (
            preview.checked,
            preview.changed,
            preview.team_changed,
            preview.provenance_changed
        ),
        "applying changes exactly what the preview counted"
    );
    assert_eq!(
        old.count("SELECT COALESCE(SUM(requests), 0) FROM sync_runs")
            .await,
        requests,
        "nothing was fetched again"
    );

    // An intent rule added now links the items synced three months ago, as its preview said.
    let aligned_before = intents_of(&old).await;
    let linked = save_intent_rules(&old).await;
    assert!(linked > 0, "the intent rules link items synced before");
    assert_eq!(
        old.count("SELECT COALESCE(SUM(requests), 0) FROM sync_runs")
            .await,
        requests,
        "nothing was fetched again for the intent rules either"
    );

    // A sync from scratch under the same rules gives the same graph.
    let fresh = Harness::new().await;
    save_rules(&fresh).await;
    assert_eq!(
        save_intent_rules(&fresh).await,
        0,
        "before a sync, nothing to link"
    );
    synced(&fresh, &gh_server.url(), &jira_server.url()).await;
    let aligned = intents_of(&old).await;
    assert_same(
        &aligned,
        &intents_of(&fresh).await,
        "intents linked after the sync = linked while syncing from scratch",
    );
    assert_eq!(
        aligned
            .iter()
            .zip(&aligned_before)
            .filter(|(a, b)| a != b)
            .count() as u32,
        linked,
        "the items the intent previews counted are the ones that moved"
    );
    let moved = derived(&old).await;
    assert_same(
        &moved,
        &derived(&fresh).await,
        "re-derived = synced from scratch",
    );
    let changed_rows = moved.iter().zip(&before).filter(|(a, b)| a != b).count();
    assert_eq!(
        changed_rows as u32, applied.changed,
        "the count shown is the number of items that moved"
    );
    assert!(
        moved
            .iter()
            .any(|r| r.starts_with("EE-") && r.contains(" Platform ")),
        "Jira issues move too"
    );
    assert!(
        moved.iter().any(|r| r.contains(" Docs ai_agent DocWriter")),
        "provenance re-derives with the team"
    );

    // Nothing left to change; a removed rule moves its items back out.
    assert_eq!(rederive::preview(&old.ws).await.unwrap().changed, 0);
    rules::team_rule_delete(&old.ws, &rule_ids[2])
        .await
        .unwrap();
    let back = rederive::preview(&old.ws).await.unwrap();
    let platform = moved.iter().filter(|r| r.contains(" Platform ")).count();
    assert_eq!(
        back.team_changed as usize, platform,
        "every EE issue leaves Platform"
    );
}
