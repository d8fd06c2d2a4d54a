//! `workflow_maps`: what each raw state means as a flow state and wait reason, per source, team
//! ('' = every team), item kind ('' = every kind) and Jira project (`scope`, '' = every
//! project).

use sqlx::{Executor, Sqlite, SqliteConnection};

use crate::graph::model::{FlowState, ItemKind, WaitReason, WorkflowMap};

/// The stored form of a mapping's kind: '' for every kind.
pub fn kind_key(kind: Option<ItemKind>) -> &'static str {
    kind.map_or("", ItemKind::as_str)
}

/// Inserts mappings; a user's mapping is never replaced by an inferred one.
pub async fn upsert_many(conn: &mut SqliteConnection, maps: &[WorkflowMap]) -> sqlx::Result<u64> {
    super::insert_batched(
        conn,
        "INSERT INTO workflow_maps (source_id, team_id, item_kind, scope, raw_state, flow_state, wait_reason, origin) ",
        8,
        " ON CONFLICT (source_id, team_id, item_kind, scope, raw_state) DO UPDATE SET flow_state = excluded.flow_state,
             wait_reason = excluded.wait_reason, origin = excluded.origin
           WHERE workflow_maps.origin = 'inferred' OR excluded.origin = 'user'",
        maps,
        |b, m| {
            b.push_bind(m.source_id.as_str())
                .push_bind(m.team_id.as_str())
                .push_bind(kind_key(m.item_kind))
                .push_bind(m.scope.as_str())
                .push_bind(m.raw_state.as_str())
                .push_bind(m.flow_state.as_str())
                .push_bind(m.wait_reason.map(WaitReason::as_str))
                .push_bind(m.origin.as_str());
        },
    )
    .await
}

/// Every mapping of every source. A row whose kind this build does not know is left out (it
/// would otherwise read as the mapping of every kind).
pub async fn list(exec: impl Executor<'_, Database = Sqlite>) -> sqlx::Result<Vec<WorkflowMap>> {
    let rows = sqlx::query!(
        "SELECT source_id, team_id, item_kind, scope, raw_state, flow_state, wait_reason, origin
         FROM workflow_maps ORDER BY source_id, team_id, item_kind, scope, raw_state"
    )
    .fetch_all(exec)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let item_kind = match r.item_kind.as_str() {
                "" => None,
                other => Some(ItemKind::parse(other)?),
            };
            Some(WorkflowMap {
                source_id: r.source_id,
                team_id: r.team_id,
                item_kind,
                scope: r.scope,
                raw_state: r.raw_state,
                flow_state: FlowState::parse(&r.flow_state).unwrap_or(FlowState::New),
                wait_reason: r.wait_reason.as_deref().and_then(WaitReason::parse),
                origin: r.origin,
            })
        })
        .collect())
}

/// Removes one mapping row (a team's, a kind's or a project's own mapping, typically).
pub async fn delete(
    exec: impl Executor<'_, Database = Sqlite>,
    source_id: &str,
    team_id: &str,
    item_kind: Option<ItemKind>,
    scope: &str,
    raw_state: &str,
) -> sqlx::Result<bool> {
    let kind = kind_key(item_kind);
    let done = sqlx::query!(
        "DELETE FROM workflow_maps
         WHERE source_id = ? AND team_id = ? AND item_kind = ? AND scope = ? AND raw_state = ?",
        source_id,
        team_id,
        kind,
        scope,
        raw_state
    )
    .execute(exec)
    .await?;
    Ok(done.rows_affected() > 0)
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

    use crate::graph::Workspace;

    /// The migration that keys the map by kind.
    const BY_KIND: i64 = 20261204000002;

    #[tokio::test]
    async fn an_older_workspace_keeps_its_map_and_its_open_pull_requests_wait_for_review() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.baton");
        // A workspace as the version before this migration wrote it.
        let all = sqlx::migrate!("./migrations");
        let older = sqlx::migrate::Migrator {
            migrations: Cow::Owned(
                all.migrations
                    .iter()
                    .filter(|m| m.version < BY_KIND)
                    .cloned()
                    .collect(),
            ),
            ..sqlx::migrate!("./migrations")
        };
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(
                SqliteConnectOptions::new()
                    .filename(&path)
                    .create_if_missing(true)
                    .foreign_keys(true),
            )
            .await
            .unwrap();
        older.run(&pool).await.unwrap();
        sqlx::raw_sql(
            "INSERT INTO sources (id, kind, name, base_url, scope, created_at) VALUES
                ('gh', 'github', 'acme', '', '{}', 0),
                ('gh2', 'github', 'other', '', '{}', 0),
                ('jira', 'jira', 'jira', '', '{}', 0);
             INSERT INTO teams (id, name) VALUES ('t1', 'Payments');
             INSERT INTO workflow_maps (source_id, team_id, raw_state, flow_state, wait_reason, origin) VALUES
                ('gh', '', 'open', 'new', NULL, 'inferred'),
                ('gh', '', 'merged', 'done', NULL, 'inferred'),
                ('gh', 't1', 'open', 'active', NULL, 'user'),
                ('gh2', '', 'open', 'active', NULL, 'user'),
                ('jira', '', 'open', 'new', NULL, 'user');
             INSERT INTO items (id, source_id, external_id, key, url, kind, title, team_id, provenance,
                                raw_state, flow_state, created_at, updated_at) VALUES
                ('gh:a#1', 'gh', '1', 'a#1', '', 'pull_request', 'pr', NULL, 'human', 'open', 'new', 0, 0),
                ('gh:a#2', 'gh', '2', 'a#2', '', 'task', 'issue', NULL, 'human', 'open', 'new', 0, 0),
                ('gh:a#3', 'gh', '3', 'a#3', '', 'pull_request', 'pr of t1', 't1', 'human', 'open', 'active', 0, 0),
                ('gh2:b#1', 'gh2', '1', 'b#1', '', 'pull_request', 'pr', NULL, 'human', 'open', 'active', 0, 0),
                ('jira:J-1', 'jira', '1', 'J-1', '', 'pull_request', 'odd', NULL, 'human', 'open', 'new', 0, 0);",
        )
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;

        let ws = Workspace::open(&path).await.unwrap();
        let mut maps = super::list(ws.pool()).await.unwrap();
        maps.sort_by(|a, b| {
            (&a.source_id, &a.team_id, a.item_kind, &a.raw_state).cmp(&(
                &b.source_id,
                &b.team_id,
                b.item_kind,
                &b.raw_state,
            ))
        });
        let seen: Vec<String> = maps
            .iter()
            .map(|m| {
                format!(
                    "{}/{}/{}/{}={}{}:{}",
                    m.source_id,
                    m.team_id,
                    super::kind_key(m.item_kind),
                    m.raw_state,
                    m.flow_state,
                    m.wait_reason.map(|r| format!("({r})")).unwrap_or_default(),
                    m.origin
                )
            })
            .collect();
        assert_eq!(
            seen,
            vec![
                "gh///merged=done:inferred",
                "gh///open=new:inferred",
                "gh//pull_request/open=waiting(review):inferred",
                "gh/t1//open=active:user",
                "gh2///open=active:user",
                "jira///open=new:user",
            ],
            "every row is kept as the mapping of every kind; GitHub sources get the pull requests' \
             own meaning of open, unless a person mapped open for every kind (gh2); Jira gets none"
        );
        let states: Vec<(String, String, Option<String>)> =
            sqlx::query_as("SELECT key, flow_state, wait_reason FROM items ORDER BY key")
                .fetch_all(ws.pool())
                .await
                .unwrap();
        assert_eq!(
            states,
            vec![
                ("J-1".into(), "new".into(), None),
                ("a#1".into(), "waiting".into(), Some("review".into())),
                ("a#2".into(), "new".into(), None),
                ("a#3".into(), "active".into(), None),
                ("b#1".into(), "active".into(), None),
            ],
            "an open pull request now waits for review; an open issue is still new; a team's own \
             mapping still wins over the kind's"
        );
        let found_in: Vec<(String,)> =
            sqlx::query_as("SELECT name FROM pragma_table_info('links') WHERE name = 'found_in'")
                .fetch_all(ws.pool())
                .await
                .unwrap();
        assert_eq!(found_in.len(), 1, "links record where they were found");
        ws.close().await;
    }
}
