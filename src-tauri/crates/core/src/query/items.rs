//! Paged, filtered, sorted lists of work items (the Work items table and `baton items`).
//!
//! The first request for a (filter, sort) pair computes the whole ordered list of row ids once
//! and keeps it; every further page of the same list is a primary-key lookup of its rows. So
//! scrolling through 200,000 rows never re-sorts them.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{CoreError, CoreResult};
use crate::graph::index::{EventKind, WorkIndex, NONE};
use crate::graph::model::{FlowState, ItemKind, Provenance, SourceKind, WaitReason};
use crate::graph::store::OrderCache;
use crate::graph::text::LossyText;
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
    /// When the item entered its current state (how long it has been there).
    StateSince,
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
    /// Intent ids: items linked to the intent or to one under it (the Flow filter's rule).
    pub intents: Vec<String>,
    /// Case-insensitive substring of the key or title.
    pub text: Option<String>,
    /// Only AI-made pull requests without an independent review (the Overview's count: see
    /// `docs/metrics.md`, "AI pull requests without independent review").
    pub without_independent_review: bool,
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
    /// When it entered its current state (its last recorded state change, or its creation):
    /// for a waiting item, since when it has waited there.
    pub state_since: String,
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
    let list = query.list_key();
    let key = (format!("{list:?}"), ws.generation());
    let window: Vec<i64>;
    let total: usize;
    {
        let cached = ws.item_order().lock().await;
        if cached.key.as_ref() == Some(&key) {
            total = cached.rowids.len();
            window = slice(&cached.rowids, query.offset, limit);
        } else {
            drop(cached);
            let rowids = ordered_rowids(ws, &list).await?;
            total = rowids.len();
            window = slice(&rowids, query.offset, limit);
            *ws.item_order().lock().await = OrderCache {
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

/// Runs the filter and the sort once over the in-memory index, returning every matching row id
/// in order.
async fn ordered_rowids(ws: &Workspace, q: &ItemsQuery) -> CoreResult<Vec<i64>> {
    let ix = ws.index().await?;
    Ok(filter_and_sort(&ix, q))
}

/// The alphabetical rank of each name (by position), 1-based; 0 is kept for "none".
fn name_ranks<'a>(names: impl Iterator<Item = &'a str>) -> Vec<u32> {
    let names: Vec<&str> = names.collect();
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by_key(|&i| names[i]);
    let mut rank = vec![0; names.len()];
    for (r, i) in order.into_iter().enumerate() {
        rank[i] = r as u32 + 1;
    }
    rank
}

fn rank_of(rank: &[u32], at: u32) -> u32 {
    rank.get(at as usize).copied().unwrap_or(0)
}

/// Whether `haystack` contains `needle` (already lower case), ignoring ASCII case.
fn contains_ascii_folded(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

fn positions(wanted: &[String], names: impl Iterator<Item = String>) -> Vec<u32> {
    let names: Vec<String> = names.collect();
    wanted
        .iter()
        .map(|w| {
            if w.is_empty() {
                NONE
            } else {
                names
                    .iter()
                    .position(|n| n == w)
                    .map_or(NONE - 1, |p| p as u32)
            }
        })
        .collect()
}

fn filter_and_sort(ix: &WorkIndex, q: &ItemsQuery) -> Vec<i64> {
    let teams = positions(&q.teams, ix.teams.iter().map(|t| t.id.clone()));
    let sources = positions(&q.sources, ix.sources.iter().map(|s| s.id.clone()));
    let text = q
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase);
    let intents: Option<Vec<bool>> = (!q.intents.is_empty()).then(|| {
        let chosen: Vec<u32> = q
            .intents
            .iter()
            .filter_map(|id| ix.intents.iter().position(|n| &n.id == id))
            .map(|p| p as u32)
            .collect();
        ix.intents_under(&chosen)
    });
    let signals = q
        .without_independent_review
        .then(|| crate::provenance::Signals::gather(ix));
    let mut hits: Vec<u32> = (0..ix.items.len() as u32)
        .filter(|&i| {
            let item = &ix.items[i as usize];
            signals
                .as_ref()
                .is_none_or(|s| crate::provenance::lacks_independent_review(ix, s, i as usize))
                && (teams.is_empty() || teams.contains(&item.team))
                && (q.states.is_empty() || q.states.contains(&item.flow))
                && (q.kinds.is_empty() || q.kinds.contains(&item.kind))
                && (sources.is_empty() || sources.contains(&item.source))
                && (q.provenances.is_empty() || q.provenances.contains(&item.provenance))
                && intents
                    .as_ref()
                    .is_none_or(|ok| ok.get(item.intent as usize).copied().unwrap_or(false))
                && text.as_deref().is_none_or(|t| {
                    ix.item_titles_folded[i as usize].contains(t)
                        || contains_ascii_folded(&ix.item_keys[i as usize], t)
                })
        })
        .collect();
    let rowid = |i: &u32| ix.items[*i as usize].rowid;
    // Ties break on the row id so pages never overlap or skip.
    match q.sort {
        SortField::Key => hits.sort_by(|a, b| {
            ix.item_keys[*a as usize]
                .cmp(&ix.item_keys[*b as usize])
                .then(rowid(a).cmp(&rowid(b)))
        }),
        SortField::Title => hits.sort_by(|a, b| {
            ix.item_titles_folded[*a as usize]
                .cmp(&ix.item_titles_folded[*b as usize])
                .then(rowid(a).cmp(&rowid(b)))
        }),
        SortField::Kind => hits.sort_by_key(|i| (ix.items[*i as usize].kind.as_str(), rowid(i))),
        SortField::Team => {
            let rank = name_ranks(ix.teams.iter().map(|t| t.name.as_str()));
            hits.sort_by_key(|i| (rank_of(&rank, ix.items[*i as usize].team), rowid(i)))
        }
        SortField::State => hits.sort_by_key(|i| (ix.items[*i as usize].flow, rowid(i))),
        SortField::Source => {
            let rank = name_ranks(ix.sources.iter().map(|s| s.name.as_str()));
            hits.sort_by_key(|i| (rank_of(&rank, ix.items[*i as usize].source), rowid(i)))
        }
        SortField::Provenance => {
            hits.sort_by_key(|i| (ix.items[*i as usize].provenance.as_str(), rowid(i)))
        }
        SortField::Created => hits.sort_by_key(|i| (ix.items[*i as usize].created, rowid(i))),
        SortField::Updated => hits.sort_by_key(|i| (ix.items[*i as usize].updated, rowid(i))),
        SortField::StateSince => {
            hits.sort_by_cached_key(|i| (state_since(ix, *i as usize), rowid(i)))
        }
    }
    if q.direction == SortDirection::Desc {
        hits.reverse();
    }
    hits.into_iter()
        .map(|i| ix.items[i as usize].rowid)
        .collect()
}

/// When item `pos` entered its current state: its last recorded state change, or its creation.
fn state_since(ix: &WorkIndex, pos: usize) -> i64 {
    ix.events_of(pos)
        .iter()
        .rev()
        .find(|e| e.kind() == EventKind::State)
        .map_or(ix.items[pos].created, |e| e.at)
}

/// Loads rows by row id, keeping the order of `rowids`.
pub(crate) async fn rows_by_rowid(ws: &Workspace, rowids: &[i64]) -> CoreResult<Vec<ItemRow>> {
    if rowids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = serde_json::to_string(rowids).map_err(|e| CoreError::Invalid(e.to_string()))?;
    // Text is read leniently: a value that is not valid UTF-8 shows with U+FFFD (the index
    // load notes which rows those are) rather than failing the page.
    let rows = sqlx::query!(
        r#"SELECT i.id AS "id!: LossyText", i.key AS "key: LossyText", i.title AS "title: LossyText",
                  i.url AS "url: LossyText", i.kind AS "kind: LossyText", i.team_id AS "team_id: LossyText",
                  t.name AS "team_name?: LossyText", i.flow_state AS "flow_state: LossyText",
                  i.raw_state AS "raw_state: LossyText", i.wait_reason AS "wait_reason: LossyText",
                  i.provenance AS "provenance: LossyText", i.provenance_agent AS "provenance_agent: LossyText",
                  i.source_id AS "source_id: LossyText", s.name AS "source_name: LossyText",
                  s.kind AS "source_kind: LossyText", i.created_at, i.updated_at, i.done_at
           FROM json_each(?1) j JOIN items i ON i.rowid = j.value
           JOIN sources s ON s.id = i.source_id LEFT JOIN teams t ON t.id = i.team_id
           ORDER BY j.key"#,
        ids
    )
    .fetch_all(ws.pool())
    .await
    .map_err(|err| CoreError::from(err).in_file(ws.path()))?;
    // When each item entered its current state, from the index (its last state change), by id.
    let ix = ws.index().await?;
    let wanted: std::collections::HashSet<i64> = rowids.iter().copied().collect();
    let mut since: std::collections::HashMap<&str, i64> = std::collections::HashMap::new();
    for (pos, item) in ix.items.iter().enumerate() {
        if wanted.contains(&item.rowid) {
            since.insert(&ix.item_ids[pos], state_since(&ix, pos));
        }
    }
    Ok(rows
        .into_iter()
        .map(|r| (since.get(r.id.text.as_str()).copied(), r))
        .map(|(since, r)| ItemRow {
            id: r.id.text,
            key: r.key.text,
            title: r.title.text,
            url: r.url.text,
            kind: ItemKind::parse(&r.kind.text).unwrap_or(ItemKind::Task),
            team_id: r.team_id.map(|t| t.text),
            team_name: r.team_name.map(|t| t.text),
            flow_state: FlowState::parse(&r.flow_state.text).unwrap_or(FlowState::New),
            raw_state: r.raw_state.text,
            wait_reason: r
                .wait_reason
                .as_ref()
                .and_then(|w| WaitReason::parse(&w.text)),
            provenance: Provenance::parse(&r.provenance.text).unwrap_or(Provenance::Human),
            provenance_agent: r.provenance_agent.map(|a| a.text),
            source_id: r.source_id.text,
            source_name: r.source_name.text,
            source_kind: SourceKind::parse(&r.source_kind.text).unwrap_or(SourceKind::File),
            created_at: to_rfc3339(r.created_at),
            updated_at: to_rfc3339(r.updated_at),
            state_since: to_rfc3339(since.unwrap_or(r.created_at)),
            done_at: r.done_at.map(to_rfc3339),
        })
        .collect())
}
