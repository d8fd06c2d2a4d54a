//! One person across sources: the recorded panjf2000/ants pull requests and merico.atlassian.net
//! issues (DevLake's rows) share nobody, so three real Jira accounts are edited (as
//! `tests/fixtures/PROVENANCE.md` allows for cases no recording has): one shows a full name that
//! is a GitHub login's (`barryz`, "Barry Z"), one a GitHub noreply address (`thinkgos`), one a
//! first name only ("TwiN"); and one GitHub user (`choleraehyq`) is given the address a Jira
//! account has in the recording. The strong matches are merged by the sync, the weak one is only
//! suggested; merges and splits by hand hold across later syncs.

use std::sync::Arc;

use baton_core::people::{self, MatchReason};
use baton_core::replay::github::{FakeGithub, Record};
use baton_core::replay::jira::FakeJira;
use baton_core::replay::ReplayServer;
use baton_core::sync::progress::RunStatus;
use serde_json::Value;

use crate::sync_support::*;

const PROJECTS: &[&str] = &["EE", "K5", "DZFNK0168"];

/// Gives the Jira account `account` another name and address wherever it appears: the issues'
/// people and the authors of their changes (the first mention of a login names it).
fn edit_account(jira: &FakeJira, account: &str, name: Option<&str>, email: Option<&str>) {
    let edit = |user: &mut Value| -> bool {
        if user.get("accountId").and_then(Value::as_str) != Some(account) {
            return false;
        }
        if let Some(name) = name {
            user["displayName"] = name.into();
        }
        if let Some(email) = email {
            user["emailAddress"] = email.into();
        }
        true
    };
    let mut data = jira.data();
    let mut edited = 0;
    for record in data.issues.iter_mut() {
        if let Some(fields) = record.issue.get_mut("fields") {
            for field in ["assignee", "reporter", "creator"] {
                if let Some(user) = fields.get_mut(field) {
                    edited += usize::from(edit(user));
                }
            }
        }
        for history in record.histories.iter_mut() {
            if let Some(user) = history.get_mut("author") {
                edit(user);
            }
        }
    }
    assert!(edited > 0, "the recording names {account}");
}

/// Gives the GitHub user `login` a public address wherever a recorded user object names them
/// (GitHub's user objects carry an optional `email`; DevLake's rows have none).
fn edit_github_email(gh: &FakeGithub, login: &str, email: &str) {
    fn walk(value: &mut Value, login: &str, email: &str) -> usize {
        match value {
            Value::Object(map) => {
                let mut edited = 0;
                if map.get("login").and_then(Value::as_str) == Some(login) {
                    map.insert("email".into(), email.into());
                    edited += 1;
                }
                edited
                    + map
                        .values_mut()
                        .map(|v| walk(v, login, email))
                        .sum::<usize>()
            }
            Value::Array(list) => list.iter_mut().map(|v| walk(v, login, email)).sum(),
            _ => 0,
        }
    }
    let mut data = gh.data();
    let data = &mut *data;
    let mut edited = 0;
    for record in data.issues.iter_mut().chain(data.pulls.iter_mut()) {
        let mut value: Value = serde_json::from_str(&record.json).unwrap();
        let here = walk(&mut value, login, email);
        if here > 0 {
            *record = Record::from_json(&value.to_string()).unwrap();
            edited += here;
        }
    }
    assert!(edited > 0, "the recording names {login}");
}

const BARRY: &str = "5ecfbd0c730ec90c1999cadf"; // "Dingding Zhang" in the recording
/// "Keon Amini", whose recorded address is keon.amini@merico.dev.
const KEON: &str = "62a2d08d1be00a0068af1945";
const THINKGOS: &str = "5ecfbd0ba04d9c0c220c18d8"; // "yanghui"
const TWIN: &str = "5ecfbd0aaa47a00c1997ea8e"; // "chao.cheng"

async fn servers() -> (ReplayServer, ReplayServer, Arc<FakeJira>) {
    let gh = Arc::new(FakeGithub::from_devlake(&fixtures(), GH_TOKEN).unwrap());
    let jira = Arc::new(FakeJira::from_devlake(&fixtures(), JIRA_EMAIL, JIRA_TOKEN).unwrap());
    edit_account(&jira, BARRY, Some("Barry Z"), None);
    edit_account(
        &jira,
        THINKGOS,
        None,
        Some("7496278+thinkgos@users.noreply.github.com"),
    );
    edit_account(&jira, TWIN, Some("TwiN"), None);
    // The GitHub user choleraehyq shows the address Keon Amini's Jira account has (as recorded),
    // written otherwise in case.
    edit_github_email(&gh, "choleraehyq", "Keon.Amini@merico.dev");
    (
        gh.serve().await.unwrap(),
        jira.clone().serve().await.unwrap(),
        jira,
    )
}

/// The sources an item set of a person comes from: `source name: count`.
async fn items_of(h: &Harness, person: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT s.name || ': ' || COUNT(DISTINCT i.id) FROM items i JOIN sources s ON s.id = i.source_id
         WHERE i.author_id = ?1 OR i.owner_id = ?1 GROUP BY s.name ORDER BY s.name",
    )
    .bind(person)
    .fetch_all(h.ws.pool())
    .await
    .unwrap()
}

async fn person_of(h: &Harness, source: &str, login: &str) -> String {
    sqlx::query_scalar("SELECT person_id FROM identities WHERE source_id = ? AND login = ?")
        .bind(source)
        .bind(login)
        .fetch_one(h.ws.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn the_same_person_on_github_and_jira_is_one_person_in_every_count() {
    let (gh, jira, fake_jira) = servers().await;
    let h = Harness::new().await;
    let github = h.add_github(&gh.url(), GH_TOKEN).await;
    let jira_source = h.add_jira(&jira.url(), JIRA_TOKEN, PROJECTS).await;
    assert_eq!(h.sync(&github).await.status, RunStatus::Succeeded);
    assert_eq!(h.sync(&jira_source).await.status, RunStatus::Succeeded);

    // Strong matches are merged by the sync: a full name, a noreply address.
    let barry = person_of(&h, &github, "barryz").await;
    assert_eq!(
        person_of(&h, &jira_source, BARRY).await,
        barry,
        "\"Barry Z\" is barryz"
    );
    let keon = person_of(&h, &github, "choleraehyq").await;
    assert_eq!(
        person_of(&h, &jira_source, KEON).await,
        keon,
        "one address on both sides is one person"
    );
    assert_eq!(
        items_of(&h, &keon).await,
        vec!["GitHub ants: 8".to_owned(), "Jira merico: 3".to_owned()],
        "K5-2, K5-3 and K5-4 (reported by Keon Amini) and choleraehyq's work count as one person's"
    );
    let thinkgos = person_of(&h, &github, "thinkgos").await;
    assert_eq!(
        person_of(&h, &jira_source, THINKGOS).await,
        thinkgos,
        "the noreply address names the login"
    );
    assert_eq!(
        items_of(&h, &barry).await,
        vec!["GitHub ants: 1".to_owned(), "Jira merico: 11".to_owned()],
        "one person's work in both tools counts as theirs"
    );
    let jira_barry = format!("{jira_source}:{BARRY}");
    assert_eq!(
        h.count(&format!(
            "SELECT COUNT(*) FROM items WHERE author_id = '{jira_barry}' OR owner_id = '{jira_barry}'"
        ))
        .await
        + h.count(&format!("SELECT COUNT(*) FROM people WHERE id = '{jira_barry}'"))
            .await,
        0,
        "nothing names the merged-away person"
    );

    // A first name alone is only suggested.
    let view = people::people_list(&h.ws).await.unwrap();
    let twin = person_of(&h, &github, "TwiN").await;
    let twin_jira = person_of(&h, &jira_source, TWIN).await;
    assert_ne!(twin, twin_jira, "a first name alone merges nobody");
    let suggested: Vec<(&str, &str, MatchReason, bool)> = view
        .matches
        .iter()
        .map(|m| {
            (
                m.keep_id.as_str(),
                m.other_id.as_str(),
                m.reason,
                m.automatic,
            )
        })
        .collect();
    assert!(
        suggested.contains(&(twin.as_str(), twin_jira.as_str(), MatchReason::Name, false))
            || suggested.contains(&(twin_jira.as_str(), twin.as_str(), MatchReason::Name, false)),
        "TwiN is suggested: {suggested:?}"
    );
    let listed = view.people.iter().find(|p| p.id == barry).unwrap();
    assert_eq!(listed.identities.len(), 2);
    assert_eq!(listed.items, 12);

    // By hand: merge the suggestion, split barryz.
    people::people_merge(&h.ws, &twin, &twin_jira)
        .await
        .unwrap();
    assert_eq!(person_of(&h, &jira_source, TWIN).await, twin);
    let made = people::people_split(&h.ws, &barry).await.unwrap();
    assert_eq!(made, vec![jira_barry.clone()]);
    assert_eq!(
        items_of(&h, &barry).await,
        vec!["GitHub ants: 1".to_owned()]
    );
    assert_eq!(
        items_of(&h, &jira_barry).await,
        vec!["Jira merico: 11".to_owned()]
    );

    // Later syncs keep both decisions: an issue of each changes at Jira, the sync merges again
    // what it finds strong, but not what the user split; the merged TwiN stays merged.
    {
        let mut data = fake_jira.data();
        for record in data.issues.iter_mut() {
            let assigned = record
                .issue
                .pointer("/fields/assignee/accountId")
                .and_then(Value::as_str)
                .map(str::to_owned);
            if matches!(assigned.as_deref(), Some(BARRY) | Some(TWIN)) {
                record.updated = NOW + 1_800_000;
                record.issue["fields"]["updated"] = "2026-03-02T00:30:00.000+0000".into();
            }
        }
    }
    h.clock.advance(std::time::Duration::from_secs(3_600));
    assert_eq!(h.sync(&jira_source).await.status, RunStatus::Succeeded);
    assert_eq!(
        person_of(&h, &jira_source, BARRY).await,
        jira_barry,
        "a split holds"
    );
    assert_eq!(
        person_of(&h, &jira_source, TWIN).await,
        twin,
        "a merge holds"
    );
    assert_eq!(
        items_of(&h, &jira_barry).await,
        vec!["Jira merico: 11".to_owned()]
    );
    assert_eq!(
        h.count(&format!(
            "SELECT COUNT(*) FROM items WHERE owner_id = '{twin_jira}' OR author_id = '{twin_jira}'"
        ))
        .await,
        0,
        "the sync names the merged person"
    );

    // Merging by hand again lifts the split.
    people::people_merge(&h.ws, &barry, &jira_barry)
        .await
        .unwrap();
    assert_eq!(
        h.count("SELECT COUNT(*) FROM person_splits").await,
        0,
        "the identities are no longer kept apart"
    );
}

#[tokio::test]
async fn reviews_asked_of_a_merged_person_are_asked_of_the_one_person() {
    let (gh, jira, _) = servers().await;
    let h = Harness::new().await;
    let github = h.add_github(&gh.url(), GH_TOKEN).await;
    let jira_source = h.add_jira(&jira.url(), JIRA_TOKEN, PROJECTS).await;
    assert_eq!(h.sync(&github).await.status, RunStatus::Succeeded);
    assert_eq!(h.sync(&jira_source).await.status, RunStatus::Succeeded);
    let twin = person_of(&h, &github, "TwiN").await;
    let twin_jira = person_of(&h, &jira_source, TWIN).await;
    let barry = person_of(&h, &github, "barryz").await;
    // A review of an open ants pull request asked of TwiN by barryz, as a sync writes it from a
    // `review_requested` timeline entry (DevLake's ants events hold none).
    sqlx::query(
        "INSERT INTO review_requests (item_id, reviewer, person_id, requested_at, requested_by)
         SELECT id, 'TwiN', ?1, 0, ?2 FROM items WHERE key = 'panjf2000/ants#211'",
    )
    .bind(&twin)
    .bind(&barry)
    .execute(h.ws.pool())
    .await
    .unwrap();
    let asked = || async {
        h.strings("SELECT reviewer || ' ' || COALESCE(person_id, '-') || ' ' || COALESCE(requested_by, '-') FROM review_requests")
            .await
    };
    assert_eq!(asked().await, vec![format!("TwiN {twin} {barry}")]);

    // Merged by hand, keeping the Jira person: the review is asked of them.
    people::people_merge(&h.ws, &twin_jira, &twin)
        .await
        .unwrap();
    assert_eq!(person_of(&h, &github, "TwiN").await, twin_jira);
    assert_eq!(
        asked().await,
        vec![format!("TwiN {twin_jira} {barry}")],
        "no review is asked of a person who no longer exists"
    );
    // Split again: the GitHub login's review goes back to the GitHub person.
    people::people_split(&h.ws, &twin_jira).await.unwrap();
    assert_eq!(
        asked().await,
        vec![format!(
            "TwiN {} {barry}",
            person_of(&h, &github, "TwiN").await
        )]
    );
    assert_ne!(person_of(&h, &github, "TwiN").await, twin_jira);
}
