//! Configuring sources: "test connection" names what is wrong (bad token, missing scope, no
//! access, wrong URL, offline); team rules apply while mapping; progress has a start and an end.

use std::sync::Arc;

use baton_core::graph::model::{SourceKind, Team};
use baton_core::graph::repo::{self, team_rules::TeamRule};
use baton_core::replay::github::FakeGithub;
use baton_core::replay::jira::FakeJira;
use baton_core::replay::{Handler, ReplayServer, Reply};
use baton_core::secrets::Secret;
use baton_core::sync::clock::FakeClock;
use baton_core::sync::progress::SyncProgress;
use baton_core::sync::sources::{test_connection, SourceSpec};

use crate::sync_support::*;

fn github(url: &str, repos: &[&str]) -> SourceSpec {
    SourceSpec {
        kind: SourceKind::Github,
        name: "gh".into(),
        base_url: url.into(),
        scope: serde_json::json!({ "repos": repos }).to_string(),
        poll_interval_s: 600,
    }
}

fn jira(url: &str, projects: &[&str]) -> SourceSpec {
    SourceSpec {
        kind: SourceKind::Jira,
        name: "jira".into(),
        base_url: url.into(),
        scope: serde_json::json!({ "email": JIRA_EMAIL, "projects": projects }).to_string(),
        poll_interval_s: 600,
    }
}

async fn try_it(spec: &SourceSpec, token: &str) -> Result<String, (String, String)> {
    test_connection(
        spec,
        &Secret::new(token),
        &options(),
        Arc::new(FakeClock::new(NOW)),
    )
    .await
    .map_err(|err| (err.code().to_owned(), err.to_string()))
}

#[tokio::test]
async fn github_connection_tests_name_the_problem() {
    let gh = Arc::new(FakeGithub::from_devlake(&fixtures(), GH_TOKEN).unwrap());
    let server = gh.serve().await.unwrap();
    let ok = try_it(&github(&server.url(), &["panjf2000/ants"]), GH_TOKEN).await;
    assert_eq!(
        ok,
        Ok("signed in as baton-test (1 repositories checked)".to_owned())
    );

    let (code, message) = try_it(
        &github(&server.url(), &["panjf2000/ants"]),
        "ghp_wrong_token_123",
    )
    .await
    .unwrap_err();
    assert_eq!(code, "auth_bad_token");
    assert!(
        !message.contains("ghp_wrong_token_123"),
        "the token is not in the message: {message}"
    );

    let (code, message) = try_it(&github(&server.url(), &["acme/secret"]), GH_TOKEN)
        .await
        .unwrap_err();
    assert_eq!(code, "no_access", "{message}");
    assert!(
        message.contains("acme/secret"),
        "the message names the repository: {message}"
    );

    gh.fault(
        "/user",
        vec![Reply::json(200, r#"{"login":"baton-test"}"#)
            .header("x-oauth-scopes", "read:org, gist")],
    );
    let (code, message) = try_it(&github(&server.url(), &["panjf2000/ants"]), GH_TOKEN)
        .await
        .unwrap_err();
    assert_eq!(code, "auth_missing_scope");
    assert!(
        message.contains("`repo`"),
        "the message says which scope: {message}"
    );

    gh.fault(
        "ants/issues",
        vec![Reply::json(
            403,
            r#"{"message":"Resource not accessible by personal access token"}"#,
        )],
    );
    let (code, _) = try_it(&github(&server.url(), &["panjf2000/ants"]), GH_TOKEN)
        .await
        .unwrap_err();
    assert_eq!(
        code, "auth_missing_scope",
        "a fine-grained token without Issues: read"
    );

    let web: Handler = Arc::new(|_| {
        Reply::json(200, "<!DOCTYPE html><html><title>Sign in</title></html>")
            .header("content-type", "text/html")
    });
    let website = ReplayServer::start(web).await.unwrap();
    let (code, message) = try_it(&github(&website.url(), &["panjf2000/ants"]), GH_TOKEN)
        .await
        .unwrap_err();
    assert_eq!(code, "wrong_url", "{message}");

    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        format!("http://127.0.0.1:{port}")
    };
    let (code, _) = try_it(&github(&closed, &["panjf2000/ants"]), GH_TOKEN)
        .await
        .unwrap_err();
    assert_eq!(code, "offline", "nothing listens there");

    let (code, _) = try_it(&github(&server.url(), &["not a repo"]), GH_TOKEN)
        .await
        .unwrap_err();
    assert_eq!(
        code, "invalid_source",
        "the form is checked before any request"
    );
}

#[tokio::test]
async fn jira_connection_tests_name_the_problem() {
    let site = Arc::new(FakeJira::from_devlake(&fixtures(), JIRA_EMAIL, JIRA_TOKEN).unwrap());
    let server = site.serve().await.unwrap();
    let ok = try_it(&jira(&server.url(), &["EE"]), JIRA_TOKEN)
        .await
        .unwrap();
    assert!(
        ok.contains("Baton Test") && ok.contains("Asia/Shanghai"),
        "{ok}"
    );
    let (code, _) = try_it(&jira(&server.url(), &["EE"]), "nope")
        .await
        .unwrap_err();
    assert_eq!(code, "auth_bad_token");
    let (code, message) = try_it(&jira(&server.url(), &["NOPE"]), JIRA_TOKEN)
        .await
        .unwrap_err();
    assert_eq!(code, "no_access");
    assert!(message.contains("NOPE"), "{message}");
    let web: Handler = Arc::new(|_| Reply::json(404, "<html>Not a Jira</html>"));
    let website = ReplayServer::start(web).await.unwrap();
    let (code, _) = try_it(&jira(&website.url(), &["EE"]), JIRA_TOKEN)
        .await
        .unwrap_err();
    assert_eq!(code, "wrong_url");
}

#[tokio::test]
async fn team_rules_assign_items_while_mapping() {
    let gh = Arc::new(FakeGithub::from_devlake(&fixtures(), GH_TOKEN).unwrap());
    let gh_server = gh.serve().await.unwrap();
    let site = Arc::new(FakeJira::from_devlake(&fixtures(), JIRA_EMAIL, JIRA_TOKEN).unwrap());
    let jira_server = site.serve().await.unwrap();
    let h = Harness::new().await;
    {
        let mut conn = h.ws.pool().acquire().await.unwrap();
        repo::teams::upsert_many(
            &mut conn,
            &[
                Team {
                    id: "team-core".into(),
                    name: "Core".into(),
                },
                Team {
                    id: "team-ee".into(),
                    name: "EE".into(),
                },
                Team {
                    id: "team-fe".into(),
                    name: "Front end".into(),
                },
            ],
        )
        .await
        .unwrap();
    }
    for (id, field, pattern, team, priority) in [
        ("r1", "repo", "panjf2000/*", "team-core", 100),
        ("r2", "label", "frontEnd", "team-fe", 10),
        ("r3", "project", "EE", "team-ee", 100),
    ] {
        let rule = TeamRule {
            id: id.into(),
            source_id: None,
            field: field.into(),
            pattern: pattern.into(),
            team_id: team.into(),
            priority,
        };
        repo::team_rules::upsert(h.ws.pool(), &rule).await.unwrap();
    }
    let gh_source = h.add_github(&gh_server.url(), GH_TOKEN).await;
    let jira_source = h
        .add_jira(&jira_server.url(), JIRA_TOKEN, &["EE", "K5"])
        .await;
    h.sync(&gh_source).await;
    h.sync(&jira_source).await;
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items WHERE id LIKE 'gh:%' AND team_id IS NOT 'team-core'")
            .await,
        0,
        "every item of the repository goes to the repository's team"
    );
    assert_eq!(
        h.strings("SELECT team_id FROM items WHERE id = 'jira:EE-1'")
            .await,
        vec!["team-fe".to_owned()],
        "a label rule of higher priority wins"
    );
    assert_eq!(
        h.strings("SELECT team_id FROM items WHERE id = 'jira:EE-14'")
            .await,
        vec!["team-ee".to_owned()],
        "else the project's team"
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items WHERE id LIKE 'jira:K5-%' AND team_id IS NOT NULL")
            .await,
        0,
        "no rule, no team"
    );
    let events = h.events.lock().unwrap().clone();
    assert!(
        matches!(events.first(), Some(SyncProgress::Started { .. })),
        "progress starts with Started"
    );
    assert!(
        matches!(events.last(), Some(SyncProgress::Finished { .. })),
        "and ends with Finished"
    );
}
