//! Paged, filtered, sorted lists of work items (the Work items table and `baton items`).
//!
//! The first request for a (filter, sort) pair computes the whole ordered list of row ids once
//! and keeps it; every further page of the same list is a primary-key lookup of its rows. So
//! scrolling through 200,000 rows never re-sorts them.

use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::{QueryBuilder, Row, Sqlite};

use crate::error::{CoreError, CoreResult};
use crate::graph::model::{FlowState, ItemKind, Provenance, SourceKind, WaitReason};
use crate::graph::Workspace;
use crate::time::to_rfc3339;

/// The largest page `items_list` returns.
pub const MAX_PAGE: u32 = 1_000;

/// Which column to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum SortField {
    Key,
    Title,
    Kind,
    Team,
    State,
    Source,
    Provenance,
    Created,
    #[default]
    Updated,
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum SortDirection {
    Asc,
    #[default]
    Desc,
}

/// A request for one page of items. Empty filter lists mean "any".
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", default)]
pub struct ItemsQuery {
    /// Team ids; the empty string selects items without a team.
    pub teams: Vec<String>,
    pub states: Vec<FlowState>,
    pub kinds: Vec<ItemKind>,
    /// Source ids.
    pub sources: Vec<String>,
    pub provenances: Vec<Provenance>,
    /// Case-insensitive substring of the key or title.
    pub text: Option<String>,
    pub sort: SortField,
    pub direction: SortDirection,
    pub offset: u32,
    /// At most [`MAX_PAGE`]; 0 means 100.
    pub limit: u32,
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ItemRow {
    pub id: String,
    pub key: String,
    pub title: String,
    pub url: String,
    pub kind: ItemKind,
    pub team_id: Option<String>,
    pub team_name: Option<String>,
    pub flow_state: FlowState,
    pub raw_state: String,
    pub wait_reason: Option<WaitReason>,
    pub provenance: Provenance,
    pub provenance_agent: Option<String>,
    pub source_id: String,
    pub source_name: String,
    pub source_kind: SourceKind,
    pub created_at: String,
    pub updated_at: String,
    pub done_at: Option<String>,
}

/// One page of the list.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ItemsPage {
    /// How many items match the filters (all pages).
    pub total: u32,
    pub offset: u32,
    pub rows: Vec<ItemRow>,
}

/// The ordered row ids of the last (filter, sort) asked for.
#[derive(Debug, Default)]
pub(crate) struct CachedOrder {
    key: Option<(ItemsQuery, u64)>,
    rowids: Vec<i64>,
}

impl ItemsQuery {
    /// The same list without its window: the key of the order cache.
    fn list_key(&self) -> ItemsQuery {
        ItemsQuery {
            offset: 0,
            limit: 0,
            text: self.text.as_ref().map(|t| t.trim().to_lowercase()),
            ..self.clone()
        }
    }
}

/// One page of items matching `query`.
pub async fn items_list(ws: &Workspace, query: &ItemsQuery) -> CoreResult<ItemsPage> {
    let limit = match query.limit {
        0 => 100,
        n if n > MAX_PAGE => {
            return Err(CoreError::Invalid(format!(
                "a page holds at most {MAX_PAGE} items"
            )))
        }
        n => n,
    };
    let key = (query.list_key(), ws.generation());
    let window: Vec<i64>;
    let total: usize;
    {
        let cached = ws.item_order().lock().await;
        if cached.key.as_ref() == Some(&key) {
            total = cached.rowids.len();
            window = slice(&cached.rowids, query.offset, limit);
        } else {
            drop(cached);
            let rowids = ordered_rowids(ws, &key.0).await?;
            total = rowids.len();
            window = slice(&rowids, query.offset, limit);
            *ws.item_order().lock().await = CachedOrder {
                key: Some(key),
                rowids,
            };
        }
    }
    let rows = rows_by_rowid(ws, &window).await?;
    Ok(ItemsPage {
        total: u32::try_from(total).unwrap_or(u32::MAX),
        offset: query.offset,
        rows,
    })
}

fn slice(rowids: &[i64], offset: u32, limit: u32) -> Vec<i64> {
    let start = (offset as usize).min(rowids.len());
    let end = start.saturating_add(limit as usize).min(rowids.len());
    rowids[start..end].to_vec()
}

/// Runs the filter and the sort once, returning every matching row id in order.
async fn ordered_rowids(ws: &Workspace, q: &ItemsQuery) -> CoreResult<Vec<i64>> {
    let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT i.rowid FROM items i");
    let joins_team = q.sort == SortField::Team;
    let joins_source = q.sort == SortField::Source;
    if joins_team {
        sql.push(" LEFT JOIN teams t ON t.id = i.team_id");
    }
    if joins_source {
        sql.push(" JOIN sources s ON s.id = i.source_id");
    }
    sql.push(" WHERE 1 = 1");
    if !q.teams.is_empty() {
        let with_none = q.teams.iter().any(String::is_empty);
        sql.push(" AND (i.team_id IN (");
        let mut list = sql.separated(", ");
        for team in &q.teams {
            list.push_bind(team.clone());
        }
        sql.push(")");
        if with_none {
            sql.push(" OR i.team_id IS NULL");
        }
        sql.push(")");
    }
    push_in(
        &mut sql,
        "i.flow_state",
        q.states.iter().map(|s| s.as_str()),
    );
    push_in(&mut sql, "i.kind", q.kinds.iter().map(|k| k.as_str()));
    push_in(
        &mut sql,
        "i.source_id",
        q.sources.iter().map(String::as_str),
    );
    push_in(
        &mut sql,
        "i.provenance",
        q.provenances.iter().map(|p| p.as_str()),
    );
    if let Some(text) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        // instr() rather than LIKE: no wildcard characters to escape in what the user typed.
        sql.push(" AND (instr(lower(i.title), ")
            .push_bind(text.to_lowercase())
            .push(") > 0");
        sql.push(" OR instr(lower(i.key), ")
            .push_bind(text.to_lowercase())
            .push(") > 0)");
    }
    let column = match q.sort {
        SortField::Key => "i.key",
        SortField::Title => "i.title COLLATE NOCASE",
        SortField::Kind => "i.kind",
        SortField::Team => "t.name",
        SortField::State => "i.flow_state",
        SortField::Source => "s.name",
        SortField::Provenance => "i.provenance",
        SortField::Created => "i.created_at",
        SortField::Updated => "i.updated_at",
    };
    let direction = match q.direction {
        SortDirection::Asc => "ASC",
        SortDirection::Desc => "DESC",
    };
    // Ties break on the row id so pages never overlap or skip.
    sql.push(format!(
        " ORDER BY {column} {direction}, i.rowid {direction}"
    ));
    let rows = sql.build().fetch_all(ws.pool()).await?;
    Ok(rows.iter().map(|r| r.get::<i64, _>(0)).collect())
}

fn push_in<'a>(
    sql: &mut QueryBuilder<'a, Sqlite>,
    column: &str,
    values: impl Iterator<Item = &'a str>,
) {
    let values: Vec<&str> = values.collect();
    if values.is_empty() {
        return;
    }
    sql.push(format!(" AND {column} IN ("));
    let mut list = sql.separated(", ");
    for value in values {
        list.push_bind(value);
    }
    sql.push(")");
}

/// Loads rows by row id, keeping the order of `rowids`.
pub(crate) async fn rows_by_rowid(ws: &Workspace, rowids: &[i64]) -> CoreResult<Vec<ItemRow>> {
    if rowids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = serde_json::to_string(rowids).map_err(|e| CoreError::Invalid(e.to_string()))?;
    let rows = sqlx::query!(
        r#"SELECT i.id AS "id!", i.key, i.title, i.url, i.kind, i.team_id, t.name AS "team_name?",
                  i.flow_state, i.raw_state, i.wait_reason, i.provenance, i.provenance_agent, i.source_id,
                  s.name AS source_name, s.kind AS source_kind, i.created_at, i.updated_at, i.done_at
           FROM json_each(?1) j JOIN items i ON i.rowid = j.value
           JOIN sources s ON s.id = i.source_id LEFT JOIN teams t ON t.id = i.team_id
           ORDER BY j.key"#,
        ids
    )
    .fetch_all(ws.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ItemRow {
            id: r.id,
            key: r.key,
            title: r.title,
            url: r.url,
            kind: ItemKind::parse(&r.kind).unwrap_or(ItemKind::Task),
            team_id: r.team_id,
            team_name: r.team_name,
            flow_state: FlowState::parse(&r.flow_state).unwrap_or(FlowState::New),
            raw_state: r.raw_state,
            wait_reason: r.wait_reason.as_deref().and_then(WaitReason::parse),
            provenance: Provenance::parse(&r.provenance).unwrap_or(Provenance::Human),
            provenance_agent: r.provenance_agent,
            source_id: r.source_id,
            source_name: r.source_name,
            source_kind: SourceKind::parse(&r.source_kind).unwrap_or(SourceKind::File),
            created_at: to_rfc3339(r.created_at),
            updated_at: to_rfc3339(r.updated_at),
            done_at: r.done_at.map(to_rfc3339),
        })
        .collect())
}
