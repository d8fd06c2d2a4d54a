//! Configuring sources: "test connection" names what is wrong (bad token, missing scope, no
//! access, wrong URL, offline); team rules apply while mapping; progress has a start and an end.

use std::sync::Arc;

use baton_core::connectors::github::GithubScope;
use baton_core::connectors::jira::JiraScope;
use baton_core::connectors::SourceScope;
use baton_core::graph::model::{Source, SourceKind, Team};
use baton_core::graph::repo::{self, team_rules::TeamRule};
use baton_core::replay::github::FakeGithub;
use baton_core::replay::jira::FakeJira;
use baton_core::replay::{Handler, ReplayServer, Reply};
use baton_core::secrets::{Secret, SecretStore};
use baton_core::sync::clock::FakeClock;
use baton_core::sync::progress::{RunStatus, SyncProgress};
use baton_core::sync::runtime::Pollers;
use baton_core::sync::sources::{self, test_connection, ConnectionTest, SourceInput};
use baton_core::ErrorCode;

use crate::sync_support::*;

fn github(url: &str, repos: &[&str]) -> SourceInput {
    github_input("gh", url, repos, "")
}

fn jira(url: &str, projects: &[&str]) -> SourceInput {
    jira_input("jira", url, projects, "")
}

async fn test_it(input: &SourceInput, token: &str) -> ConnectionTest {
    test_connection(
        input,
        &Secret::new(token),
        &options(),
        Arc::new(FakeClock::new(NOW)),
    )
    .await
}

async fn try_it(input: &SourceInput, token: &str) -> Result<String, (String, String)> {
    let test = test_it(input, token).await;
    match test.code {
        None if test.ok => Ok(test.message),
        code => Err((
            code.map(|c| c.as_str().to_owned()).unwrap_or_default(),
            test.message,
        )),
    }
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

    // A classic token without any scope reads public repositories: what it can read decides,
    // not the names of its scopes.
    gh.fault(
        "/user",
        vec![Reply::json(200, r#"{"login":"baton-test"}"#).header("x-oauth-scopes", "")],
    );
    let test = test_it(&github(&server.url(), &["panjf2000/ants"]), GH_TOKEN).await;
    assert!(
        test.ok,
        "a token without scopes reading a public repository passes: {}",
        test.message
    );
    // Its scopes explain a repository it cannot read.
    gh.fault(
        "/user",
        vec![Reply::json(200, r#"{"login":"baton-test"}"#)
            .header("x-oauth-scopes", "read:org, gist")],
    );
    let test = test_it(&github(&server.url(), &["acme/secret"]), GH_TOKEN).await;
    assert_eq!(test.code, Some(ErrorCode::AuthMissingScope));
    assert_eq!(
        test.missing_scope.as_deref(),
        Some("repo (for private repositories)"),
        "the missing permission comes as data, not inside the sentence: {}",
        test.message
    );
    assert!(
        test.message.contains("read:org, gist") && test.message.contains("acme/secret"),
        "{}",
        test.message
    );

    gh.fault(
        "ants/issues",
        vec![Reply::json(
            403,
            r#"{"message":"Resource not accessible by personal access token"}"#,
        )],
    );
    let test = test_it(&github(&server.url(), &["panjf2000/ants"]), GH_TOKEN).await;
    assert_eq!(
        (test.code, test.missing_scope.as_deref()),
        (
            Some(ErrorCode::AuthMissingScope),
            Some("Issues: read and Pull requests: read")
        ),
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
        h.strings("SELECT team_id FROM items WHERE key = 'EE-1'")
            .await,
        vec!["team-fe".to_owned()],
        "a label rule of higher priority wins"
    );
    assert_eq!(
        h.strings("SELECT team_id FROM items WHERE key = 'EE-14'")
            .await,
        vec!["team-ee".to_owned()],
        "else the project's team"
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items WHERE key LIKE 'K5-%' AND team_id IS NOT NULL")
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

fn reference(id: &str) -> String {
    baton_core::secrets::reference_for(id)
}

fn clock() -> Arc<FakeClock> {
    Arc::new(FakeClock::new(NOW))
}

#[tokio::test]
async fn the_sources_use_cases_serve_the_app_and_the_command_line_alike() {
    let gh = Arc::new(FakeGithub::from_devlake(&fixtures(), GH_TOKEN).unwrap());
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let secrets = h.secrets.as_ref();

    let mut input = github_input(
        " ants ",
        &format!("{}/", server.url()),
        &["panjf2000/ants", " "],
        GH_TOKEN,
    );
    let added = sources::add(&h.ws, secrets, None, &input, NOW)
        .await
        .unwrap();
    assert_eq!(
        (added.kind, added.name.as_str(), added.base_url.as_str()),
        (SourceKind::Github, "ants", server.url().as_str()),
        "the name is trimmed and the URL loses its trailing slash"
    );
    assert_eq!(
        added.scope,
        Some(SourceScope::Github(GithubScope {
            org: None,
            repos: vec!["panjf2000/ants".into()],
        })),
        "the scope comes back typed, blank entries dropped"
    );
    assert!(added.enabled && !added.syncing && added.last_run.is_none());
    assert_eq!(
        h.strings("SELECT kind || ' ' || scope FROM sources").await,
        vec![r#"github {"org":null,"repos":["panjf2000/ants"]}"#.to_owned()],
        "the row keeps the format rows had before the scope was typed"
    );
    assert_eq!(
        secrets.get(&reference(&added.id)).unwrap(),
        Some(Secret::new(GH_TOKEN)),
        "the token is in the secret store"
    );

    let err = sources::add(&h.ws, secrets, None, &input, NOW)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorCode::InvalidSource);
    assert!(err.to_string().contains("already exists"), "{err}");

    // "Test connection" while editing: no token in the form means the stored one.
    input.name = "ants (edited)".into();
    input.token = None;
    let tested = sources::test_form(&h.ws, secrets, &input, Some(&added.id), &options(), clock())
        .await
        .unwrap();
    assert!(tested.ok && tested.code.is_none(), "{tested:?}");
    let err = sources::test_form(&h.ws, secrets, &input, None, &options(), clock())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "enter the token to test",
        "adding: nothing to test with"
    );
    let tested = sources::test_saved(&h.ws, secrets, &added.id, &options(), clock())
        .await
        .unwrap();
    assert!(tested.ok, "{tested:?}");

    let edited = sources::edit(&h.ws, secrets, None, &added.id, &input)
        .await
        .unwrap();
    assert_eq!(edited.name, "ants (edited)");
    assert_eq!(
        secrets.get(&reference(&added.id)).unwrap(),
        Some(Secret::new(GH_TOKEN)),
        "an edit without a token keeps the stored one"
    );

    let other = sources::add(
        &h.ws,
        secrets,
        None,
        &jira_input("jira", "https://acme.atlassian.net", &["PAY"], JIRA_TOKEN),
        NOW,
    )
    .await
    .unwrap();
    let err = sources::edit(&h.ws, secrets, None, &other.id, &input)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("kind cannot change"),
        "a Jira source does not become a GitHub one: {err}"
    );

    h.sync(&added.id).await;
    let listed = sources::list(&h.ws, None).await.unwrap();
    assert_eq!(
        listed.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["ants (edited)", "jira"],
        "by name"
    );
    let last = listed[0].last_run.clone().unwrap();
    assert_eq!(last.status, RunStatus::Succeeded);
    assert!(last.items > 0 && last.error_code.is_none(), "{last:?}");
    let history = sources::history(&h.ws, &added.id, 10).await.unwrap();
    assert_eq!(
        history,
        vec![last],
        "the history's newest run is the last run"
    );

    let disabled = sources::set_enabled(&h.ws, None, &added.id, false)
        .await
        .unwrap();
    assert!(!disabled.enabled);

    sources::remove(&h.ws, secrets, None, &added.id)
        .await
        .unwrap();
    assert_eq!(secrets.get(&reference(&added.id)).unwrap(), None);
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items").await,
        0,
        "what it synced goes with it"
    );
    let err = sources::history(&h.ws, &added.id, 10).await.unwrap_err();
    assert!(err.to_string().contains("there is no source"), "{err}");
}

#[tokio::test]
async fn the_list_says_which_source_is_syncing() {
    let gh = Arc::new(FakeGithub::from_devlake(&fixtures(), GH_TOKEN).unwrap());
    gh.fault("ants/issues", vec![Reply::hang()]);
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let id = h.add_github(&server.url(), GH_TOKEN).await;
    let pollers = Pollers::new(h.ctx.clone());
    pollers.sync_now(&id).await.unwrap();
    for _ in 0..500 {
        if !pollers.running().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let listed = sources::list(&h.ws, Some(&pollers)).await.unwrap();
    assert!(listed[0].syncing, "the poller's run shows");
    assert!(
        !sources::list(&h.ws, None).await.unwrap()[0].syncing,
        "without the app's pollers nothing is known to run"
    );
    pollers.shutdown().await;
    let listed = sources::list(&h.ws, Some(&pollers)).await.unwrap();
    assert!(!listed[0].syncing);
    let last = listed[0].last_run.clone().unwrap();
    assert_eq!(
        (last.status, last.error_code),
        (RunStatus::Canceled, Some(ErrorCode::Canceled))
    );
}

#[tokio::test]
async fn a_source_is_synced_only_by_its_own_kinds_connector() {
    let site = Arc::new(FakeJira::from_devlake(&fixtures(), JIRA_EMAIL, JIRA_TOKEN).unwrap());
    let server = site.serve().await.unwrap();
    let h = Harness::new().await;
    // A Linear source whose stored scope reads like a Jira one, pointed at a Jira site: it is
    // synced as Linear (every kind has its connector now), never as Jira.
    let id = "src-linear";
    let source = Source {
        id: id.into(),
        kind: SourceKind::Linear,
        name: "Linear".into(),
        base_url: server.url(),
        scope: serde_json::json!({"email": JIRA_EMAIL, "projects": ["EE"]}).to_string(),
        secret_ref: Some(reference(id)),
        poll_interval_s: 600,
        enabled: true,
        synthetic: false,
        created_at: NOW,
    };
    repo::sources::upsert(h.ws.pool(), &source).await.unwrap();
    h.secrets
        .set(&reference(id), &Secret::new(JIRA_TOKEN))
        .unwrap();

    let report = h.sync(id).await;
    assert_eq!(report.status, RunStatus::Failed, "{report:?}");
    let requests = server.requests();
    assert!(
        !requests.is_empty()
            && requests
                .iter()
                .all(|r| r.method == "POST" && r.path == "/graphql"),
        "only Linear's GraphQL endpoint was asked: {:?}",
        requests.iter().map(|r| &r.path).collect::<Vec<_>>()
    );
    assert_eq!(h.count("SELECT COUNT(*) FROM items").await, 0);
    assert!(
        baton_core::connectors::kinds::unsupported(SourceKind::Linear)
            .to_string()
            .ends_with("(it syncs github, jira, file, gitlab and linear)"),
        "a kind this version could not sync would be refused by a sentence listing what it syncs"
    );
}

#[tokio::test]
async fn a_run_that_lacks_a_permission_names_it_as_data() {
    let gh = Arc::new(FakeGithub::from_devlake(&fixtures(), GH_TOKEN).unwrap());
    gh.fault(
        "ants/issues",
        vec![Reply::json(
            403,
            r#"{"message":"Resource not accessible by personal access token"}"#,
        )
        .header("x-accepted-oauth-scopes", "repo")],
    );
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let id = h.add_github(&server.url(), GH_TOKEN).await;
    let report = h.sync(&id).await;
    assert_eq!(
        report.status,
        RunStatus::FinishedWithErrors,
        "the issues stream failed for good; pull requests and events synced"
    );

    let run = sources::history(&h.ws, &id, 1).await.unwrap().remove(0);
    assert_eq!(
        (run.error_code, run.missing_scope.as_deref()),
        (Some(ErrorCode::AuthMissingScope), Some("repo")),
        "the history names the permission: {:?}",
        run.error
    );
    let finished = h.events.lock().unwrap().iter().rev().find_map(|p| match p {
        SyncProgress::Finished {
            error_code,
            missing_scope,
            ..
        } => Some((*error_code, missing_scope.clone())),
        _ => None,
    });
    assert_eq!(
        finished,
        Some((Some(ErrorCode::AuthMissingScope), Some("repo".to_owned()))),
        "so does the end of the run as it happens"
    );
}

#[tokio::test]
async fn a_code_from_another_version_reads_as_unknown_with_its_message() {
    let h = Harness::new().await;
    let id = h
        .add(&github_input(
            "gh",
            "https://api.github.com",
            &["acme/web"],
            GH_TOKEN,
        ))
        .await;
    let mut conn = h.ws.pool().acquire().await.unwrap();
    repo::sync_runs::upsert(
        &mut *conn,
        &repo::sync_runs::SyncRun {
            id: "run-future".into(),
            source_id: id.clone(),
            started_at: NOW,
            ended_at: Some(NOW + 1_000),
            status: "failed".into(),
            pages: 0,
            items: 0,
            rate_limit_waits: 0,
            rate_limit_wait_ms: 0,
            requests: 1,
            retries: 0,
            error_code: Some("quota_exhausted".into()),
            error: Some("the monthly quota is used up".into()),
        },
    )
    .await
    .unwrap();
    drop(conn);
    let run = sources::history(&h.ws, &id, 5).await.unwrap().remove(0);
    assert_eq!(run.error_code, None, "a code this version does not know");
    assert_eq!(
        run.error.as_deref(),
        Some("the monthly quota is used up"),
        "the message still says what happened"
    );
}

#[tokio::test]
async fn settings_that_do_not_hold_are_refused_before_any_request() {
    let h = Harness::new().await;
    let mut jira = jira_input("jira", "", &["PAY"], JIRA_TOKEN);
    let err = sources::add(&h.ws, h.secrets.as_ref(), None, &jira, NOW)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("site URL"), "{err}");
    jira.base_url = "https://acme.atlassian.net".into();
    jira.scope = SourceScope::Jira(JiraScope {
        email: " ".into(),
        projects: vec!["PAY".into()],
        jql: None,
    });
    let err = sources::add(&h.ws, h.secrets.as_ref(), None, &jira, NOW)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("e-mail"), "{err}");
    let mut gh = github_input("gh", "", &["acme/web"], "");
    let err = sources::add(&h.ws, h.secrets.as_ref(), None, &gh, NOW)
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "a source needs a token");
    gh.token = Some(Secret::new(GH_TOKEN));
    gh.poll_interval_minutes = 0;
    let err = sources::add(&h.ws, h.secrets.as_ref(), None, &gh, NOW)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("once a minute"), "{err}");
    assert_eq!(h.count("SELECT COUNT(*) FROM sources").await, 0);
}

/// GitLab's and Linear's tokens go where GitHub's and Jira's do: into the secret store (the
/// system keychain in the app), never into the workspace; a sync reads them from there (the
/// fake APIs refuse any other), an edit without a token keeps them, and removing the source
/// deletes them. A file source has none.
#[tokio::test]
async fn gitlab_and_linear_tokens_live_in_the_keychain_and_never_in_the_workspace() {
    use baton_core::replay::gitlab::FakeGitlab;
    use baton_core::replay::linear::FakeLinear;
    let gl = Arc::new(FakeGitlab::from_devlake(&fixtures(), GL_TOKEN).unwrap());
    let gl_server = gl.serve().await.unwrap();
    let lin = Arc::new(FakeLinear::from_fixture(&fixtures(), LIN_TOKEN).unwrap());
    let lin_server = lin.serve().await.unwrap();
    let h = Harness::new().await;
    let secrets = h.secrets.as_ref();
    for (mut input, token) in [
        (
            gitlab_input(
                "gl",
                &gl_server.url(),
                None,
                &["gitlab-data/snowflake_spend"],
                GL_TOKEN,
            ),
            GL_TOKEN,
        ),
        (
            linear_input("lin", &lin_server.url(), &[], false, LIN_TOKEN),
            LIN_TOKEN,
        ),
    ] {
        let added = sources::add(&h.ws, secrets, None, &input, NOW)
            .await
            .unwrap();
        assert_eq!(
            secrets.get(&reference(&added.id)).unwrap(),
            Some(Secret::new(token)),
            "{}: the token is in the secret store",
            added.name
        );
        let report = h.sync(&added.id).await;
        assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
        input.token = None;
        sources::edit(&h.ws, secrets, None, &added.id, &input)
            .await
            .unwrap();
        assert_eq!(
            secrets.get(&reference(&added.id)).unwrap(),
            Some(Secret::new(token)),
            "an edit without a token keeps it"
        );
    }
    // Nowhere in the workspace: not in its sources, runs, cursors or raw records.
    for sql in [
        "SELECT COUNT(*) FROM sources WHERE scope LIKE '%' || ?1 || '%' OR base_url LIKE '%' || ?1 || '%' OR secret_ref LIKE '%' || ?1 || '%'",
        "SELECT COUNT(*) FROM sync_runs WHERE coalesce(error, '') LIKE '%' || ?1 || '%'",
        "SELECT COUNT(*) FROM sync_cursors WHERE coalesce(page_token, '') || coalesce(watermark, '') LIKE '%' || ?1 || '%'",
        "SELECT COUNT(*) FROM raw_records WHERE payload LIKE '%' || ?1 || '%'",
    ] {
        for token in [GL_TOKEN, LIN_TOKEN] {
            let found: i64 = sqlx::query_scalar(sql)
                .bind(token)
                .fetch_one(h.ws.pool())
                .await
                .unwrap();
            assert_eq!(found, 0, "{sql}");
        }
    }
    for listed in sources::list(&h.ws, None).await.unwrap() {
        sources::remove(&h.ws, secrets, None, &listed.id)
            .await
            .unwrap();
        assert_eq!(
            secrets.get(&reference(&listed.id)).unwrap(),
            None,
            "{}: removed with its source",
            listed.name
        );
    }
}
