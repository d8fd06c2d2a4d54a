//! The in-memory index of a workspace: every item and every change in compact arrays.
//!
//! Built from SQLite when a workspace is first read after opening (or after a write), then
//! shared read-only. Lists, the summary and the flow metrics read it instead of running SQL over
//! millions of rows per question. About 80 bytes per item plus 24 per change.

use std::collections::HashMap;
use std::sync::Arc;

use std::borrow::Cow;

use sqlx::Row;

use crate::error::{CoreError, CoreResult};
use crate::graph::model::{FlowState, ItemKind, LinkKind, Provenance, SourceKind, TransitionKind};

/// "No value" in a `u32` index column.
pub const NONE: u32 = u32::MAX;

/// A team, source or intent as the index knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    pub id: String,
    pub name: String,
}

/// A source as the index knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedSource {
    pub id: String,
    pub name: String,
    pub kind: SourceKind,
}

/// A raw state of one source.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StateKey {
    pub source: u32,
    pub raw: String,
}

/// One item.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedItem {
    pub rowid: i64,
    pub created: i64,
    pub updated: i64,
    pub team: u32,
    pub source: u32,
    pub intent: u32,
    pub author: u32,
    pub kind: ItemKind,
    pub provenance: Provenance,
    /// The stored current flow state.
    pub flow: FlowState,
    /// The state it was created in (a [`StateKey`] index), or [`NONE`] when unknown (= New).
    pub initial_state: u32,
    /// The current raw state.
    pub current_state: u32,
    /// Its changes: `events[first_event .. first_event + event_count]`, in time order.
    pub first_event: u32,
    pub event_count: u32,
    /// The source recorded some of its changes out of time order (they are kept in time order).
    pub out_of_order: bool,
}

/// What an [`Event`] records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// `code` is the new state (a [`StateKey`] index).
    State,
    /// `code` is the verdict: [`VERDICT_APPROVED`], [`VERDICT_CHANGES`], [`VERDICT_COMMENTED`].
    Review,
    /// `code` is 1 when flagged as blocked, 0 when unflagged.
    Flag,
}

pub const VERDICT_OTHER: u32 = 0;
pub const VERDICT_APPROVED: u32 = 1;
pub const VERDICT_CHANGES: u32 = 2;
pub const VERDICT_COMMENTED: u32 = 3;

/// One change of one item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event {
    pub at: i64,
    pub code: u32,
    /// A person index, or [`NONE`].
    pub actor: u32,
    pub kind: EventKind,
}

/// The whole index.
#[derive(Debug, Default)]
pub struct WorkIndex {
    /// The workspace generation it was built at.
    pub generation: u64,
    pub teams: Vec<Named>,
    pub sources: Vec<IndexedSource>,
    pub intents: Vec<Named>,
    /// The parent of each intent (a position in `intents`).
    pub intent_parents: Vec<Option<u32>>,
    pub people: Vec<Named>,
    pub people_is_bot: Vec<bool>,
    pub states: Vec<StateKey>,
    pub items: Vec<IndexedItem>,
    /// Per item (same position): id, key, and title folded to lower case.
    pub item_ids: Vec<Box<str>>,
    pub item_keys: Vec<Box<str>>,
    pub item_titles_folded: Vec<Box<str>>,
    pub events: Vec<Event>,
    pub transition_rows: u64,
    pub link_rows: u64,
    pub open_blocking_links: u64,
    /// Every link between two indexed items.
    pub links: Vec<IndexedLink>,
}

/// A typed edge between two items (positions in [`WorkIndex::items`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IndexedLink {
    pub from: u32,
    pub to: u32,
    pub kind: LinkKind,
    pub created: i64,
    /// When the source removed it (None while it stands).
    pub removed: Option<i64>,
}

impl WorkIndex {
    /// The changes of item `i`.
    pub fn events_of(&self, i: usize) -> &[Event] {
        let item = &self.items[i];
        let start = item.first_event as usize;
        &self.events[start..start + item.event_count as usize]
    }

    /// Approximate heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        let strings: usize = self
            .item_ids
            .iter()
            .chain(&self.item_keys)
            .chain(&self.item_titles_folded)
            .map(|s| s.len() + 16)
            .sum();
        self.items.capacity() * std::mem::size_of::<IndexedItem>()
            + self.links.capacity() * std::mem::size_of::<IndexedLink>()
            + self.events.capacity() * std::mem::size_of::<Event>()
            + strings
    }
}

fn position(list: &HashMap<String, u32>, key: Option<&str>) -> u32 {
    key.and_then(|k| list.get(k).copied()).unwrap_or(NONE)
}

/// Interns raw state names per source, allocating only for names not seen before.
#[derive(Default)]
struct StateInterner {
    by_source: HashMap<u32, HashMap<String, u32>>,
}

impl StateInterner {
    fn intern(&mut self, states: &mut Vec<StateKey>, source: u32, raw: &str) -> u32 {
        let names = self.by_source.entry(source).or_default();
        if let Some(&id) = names.get(raw) {
            return id;
        }
        let id = states.len() as u32;
        states.push(StateKey {
            source,
            raw: raw.to_owned(),
        });
        names.insert(raw.to_owned(), id);
        id
    }
}

fn verdict(text: &str) -> u32 {
    match text {
        "approved" => VERDICT_APPROVED,
        "changes_requested" => VERDICT_CHANGES,
        "commented" => VERDICT_COMMENTED,
        _ => VERDICT_OTHER,
    }
}

/// Items (and their changes) read per query.
const CHUNK_ITEMS: i64 = 25_000;

/// An `items` row as the loader reads it.
#[derive(serde::Deserialize)]
struct ItemTuple<'a> {
    rowid: i64,
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    key: Cow<'a, str>,
    #[serde(borrow)]
    title: Cow<'a, str>,
    #[serde(borrow)]
    source_id: Cow<'a, str>,
    #[serde(borrow)]
    team_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    intent_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    author_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    provenance: Cow<'a, str>,
    #[serde(borrow)]
    flow_state: Cow<'a, str>,
    #[serde(borrow)]
    raw_state: Cow<'a, str>,
    created_at: i64,
    updated_at: i64,
}

/// A `transitions` row as the loader reads it.
#[derive(serde::Deserialize)]
struct TransitionTuple<'a> {
    #[serde(borrow)]
    item_id: Cow<'a, str>,
    at: i64,
    seq: i64,
    #[serde(borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    from_state: Option<Cow<'a, str>>,
    #[serde(borrow)]
    to_state: Cow<'a, str>,
    #[serde(borrow)]
    actor_id: Option<Cow<'a, str>>,
}

/// A `links` row as the loader reads it.
#[derive(serde::Deserialize)]
struct LinkTuple<'a> {
    #[serde(borrow)]
    from: Cow<'a, str>,
    #[serde(borrow)]
    to: Cow<'a, str>,
    #[serde(borrow)]
    kind: Cow<'a, str>,
    created_at: i64,
    removed_at: Option<i64>,
}

fn damaged(table: &str, err: &serde_json::Error) -> CoreError {
    CoreError::Corrupt {
        path: std::path::PathBuf::new(),
        detail: format!("unreadable {table} rows: {err}"),
    }
}

/// Reads the whole index from the workspace's database.
pub async fn load(pool: &sqlx::SqlitePool, generation: u64) -> CoreResult<WorkIndex> {
    let mut ix = WorkIndex {
        generation,
        ..WorkIndex::default()
    };

    let mut team_of = HashMap::new();
    for row in sqlx::query("SELECT id, name FROM teams ORDER BY name")
        .fetch_all(pool)
        .await?
    {
        team_of.insert(row.get::<String, _>(0), ix.teams.len() as u32);
        ix.teams.push(Named {
            id: row.get(0),
            name: row.get(1),
        });
    }
    let mut source_of = HashMap::new();
    for row in sqlx::query("SELECT id, name, kind FROM sources ORDER BY name")
        .fetch_all(pool)
        .await?
    {
        source_of.insert(row.get::<String, _>(0), ix.sources.len() as u32);
        let kind = SourceKind::parse(row.get::<&str, _>(2)).unwrap_or(SourceKind::File);
        ix.sources.push(IndexedSource {
            id: row.get(0),
            name: row.get(1),
            kind,
        });
    }
    let mut intent_of = HashMap::new();
    let mut parents: Vec<Option<String>> = Vec::new();
    for row in sqlx::query("SELECT id, title, parent_id FROM intents ORDER BY created_at, id")
        .fetch_all(pool)
        .await?
    {
        intent_of.insert(row.get::<String, _>(0), ix.intents.len() as u32);
        ix.intents.push(Named {
            id: row.get(0),
            name: row.get(1),
        });
        parents.push(row.get(2));
    }
    ix.intent_parents = parents
        .iter()
        .map(|p| p.as_deref().and_then(|p| intent_of.get(p).copied()))
        .collect();
    let mut person_of = HashMap::new();
    for row in sqlx::query("SELECT id, display_name, is_bot FROM people")
        .fetch_all(pool)
        .await?
    {
        person_of.insert(row.get::<String, _>(0), ix.people.len() as u32);
        ix.people.push(Named {
            id: row.get(0),
            name: row.get(1),
        });
        ix.people_is_bot.push(row.get::<bool, _>(2));
    }

    let mut interner = StateInterner::default();

    // Rows are read as JSON arrays built by SQLite, a chunk at a time: one value per chunk
    // instead of one per column and row, which is several times faster through sqlx.
    let mut item_of: HashMap<Box<str>, u32> = HashMap::new();
    let (min_rowid, max_rowid): (Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT MIN(rowid), MAX(rowid) FROM items")
            .fetch_one(pool)
            .await?;
    let (min_rowid, max_rowid) = (min_rowid.unwrap_or(0), max_rowid.unwrap_or(-1));
    let mut low = min_rowid;
    while low <= max_rowid {
        let high = low.saturating_add(CHUNK_ITEMS);
        let json: String = sqlx::query_scalar(
            "SELECT json_group_array(json_array(rowid, id, key, title, source_id, team_id, intent_id, author_id,
                    kind, provenance, flow_state, raw_state, created_at, updated_at))
             FROM items WHERE rowid >= ?1 AND rowid < ?2",
        )
        .bind(low)
        .bind(high)
        .fetch_one(pool)
        .await?;
        low = high;
        let rows: Vec<ItemTuple<'_>> =
            serde_json::from_str(&json).map_err(|err| damaged("items", &err))?;
        ix.items.reserve(rows.len());
        for row in rows {
            let source = position(&source_of, Some(&row.source_id));
            let current_state = interner.intern(&mut ix.states, source, &row.raw_state);
            let id: Box<str> = row.id.as_ref().into();
            item_of.insert(id.clone(), ix.items.len() as u32);
            ix.item_ids.push(id);
            ix.item_keys.push(row.key.as_ref().into());
            ix.item_titles_folded.push(row.title.to_lowercase().into());
            ix.items.push(IndexedItem {
                rowid: row.rowid,
                created: row.created_at,
                updated: row.updated_at,
                team: position(&team_of, row.team_id.as_deref()),
                source,
                intent: position(&intent_of, row.intent_id.as_deref()),
                author: position(&person_of, row.author_id.as_deref()),
                kind: ItemKind::parse(&row.kind).unwrap_or(ItemKind::Task),
                provenance: Provenance::parse(&row.provenance).unwrap_or(Provenance::Human),
                flow: FlowState::parse(&row.flow_state).unwrap_or(FlowState::New),
                initial_state: NONE,
                current_state,
                first_event: 0,
                event_count: 0,
                out_of_order: false,
            });
        }
    }

    // Changes, in chunks of items (ranges of the transitions key). Each item's changes are
    // then sorted by time.
    let mut staged: Vec<(u32, i64, i64, Event)> = Vec::new();
    // (item, at, seq, the state it left: a StateKey index or NONE) of every state change.
    let mut left: Vec<(u32, i64, i64, u32)> = Vec::new();
    let mut sorted_ids: Vec<&str> = ix.item_ids.iter().map(AsRef::as_ref).collect();
    sorted_ids.sort_unstable();
    let bounds: Vec<String> = sorted_ids
        .iter()
        .step_by(CHUNK_ITEMS as usize)
        .skip(1)
        .map(|s| (*s).to_owned())
        .collect();
    drop(sorted_ids);
    for chunk in 0..=bounds.len() {
        let from = if chunk == 0 {
            ""
        } else {
            bounds[chunk - 1].as_str()
        };
        let to = bounds.get(chunk).map(String::as_str);
        let json: String = sqlx::query_scalar(
            "SELECT json_group_array(json_array(item_id, at, seq, kind, from_state, to_state, actor_id))
             FROM transitions WHERE item_id >= ?1 AND (?2 IS NULL OR item_id < ?2)",
        )
        .bind(from)
        .bind(to)
        .fetch_one(pool)
        .await?;
        let rows: Vec<TransitionTuple<'_>> =
            serde_json::from_str(&json).map_err(|err| damaged("transitions", &err))?;
        ix.transition_rows += rows.len() as u64;
        staged.reserve(rows.len());
        let mut current: Option<(&str, u32)> = None;
        for row in &rows {
            let item = match current {
                Some((id, i)) if id == row.item_id.as_ref() => i,
                _ => {
                    let Some(&i) = item_of.get(row.item_id.as_ref()) else {
                        continue;
                    };
                    current = Some((row.item_id.as_ref(), i));
                    i
                }
            };
            let Some(kind) = TransitionKind::parse(&row.kind) else {
                continue;
            };
            let actor = position(&person_of, row.actor_id.as_deref());
            let (kind, code) = match kind {
                TransitionKind::State => {
                    let source = ix.items[item as usize].source;
                    let from = match row.from_state.as_deref() {
                        Some(from) => interner.intern(&mut ix.states, source, from),
                        None => NONE,
                    };
                    left.push((item, row.at, row.seq, from));
                    (
                        EventKind::State,
                        interner.intern(&mut ix.states, source, &row.to_state),
                    )
                }
                TransitionKind::Review => (EventKind::Review, verdict(&row.to_state)),
                TransitionKind::Flag => (EventKind::Flag, u32::from(row.to_state == "blocked")),
                TransitionKind::Assignee | TransitionKind::Label => continue,
            };
            staged.push((
                item,
                row.at,
                row.seq,
                Event {
                    at: row.at,
                    code,
                    actor,
                    kind,
                },
            ));
        }
    }

    staged.sort_unstable_by_key(|(item, at, seq, _)| (*item, *at, *seq));
    ix.events.reserve_exact(staged.len());
    let mut start = 0usize;
    while start < staged.len() {
        let item = staged[start].0;
        let end = start + staged[start..].iter().take_while(|s| s.0 == item).count();
        let rec = &mut ix.items[item as usize];
        rec.first_event = ix.events.len() as u32;
        rec.event_count = (end - start) as u32;
        // In time order the source's recording order (seq) should also increase.
        rec.out_of_order = staged[start..end].windows(2).any(|w| w[1].2 < w[0].2);
        ix.events.extend(staged[start..end].iter().map(|s| s.3));
        start = end;
    }
    drop(staged);

    // The state an item was created in: the one its earliest state change left (New when the
    // source did not say); an item that never changed state was created in its current state.
    for item in ix.items.iter_mut() {
        item.initial_state = item.current_state;
    }
    left.sort_unstable_by_key(|(item, at, seq, _)| (*item, *at, *seq));
    let mut seen = NONE;
    for (item, _, _, from) in left {
        if item != seen {
            seen = item;
            ix.items[item as usize].initial_state = from;
        }
    }

    let json: String = sqlx::query_scalar(
        "SELECT json_group_array(json_array(from_item_id, to_item_id, kind, created_at, removed_at)) FROM links",
    )
    .fetch_one(pool)
    .await?;
    let rows: Vec<LinkTuple<'_>> =
        serde_json::from_str(&json).map_err(|err| damaged("links", &err))?;
    ix.link_rows = rows.len() as u64;
    for row in rows {
        let (Some(&from), Some(&to), Some(kind)) = (
            item_of.get(row.from.as_ref()),
            item_of.get(row.to.as_ref()),
            LinkKind::parse(&row.kind),
        ) else {
            continue;
        };
        if kind == LinkKind::Blocks && row.removed_at.is_none() {
            ix.open_blocking_links += 1;
        }
        ix.links.push(IndexedLink {
            from,
            to,
            kind,
            created: row.created_at,
            removed: row.removed_at,
        });
    }
    tracing::debug!(
        items = ix.items.len(),
        events = ix.events.len(),
        heap_mib = ix.heap_bytes() / 1_048_576,
        "index loaded"
    );
    Ok(ix)
}

/// Shared handle to an index.
pub type SharedIndex = Arc<WorkIndex>;
