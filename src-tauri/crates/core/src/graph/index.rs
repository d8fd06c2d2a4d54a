//! The in-memory index of a workspace: every item and every change in compact arrays.
//!
//! Built from SQLite when a workspace is first read after opening (or after a write), then
//! shared read-only. Lists, the summary and the flow metrics read it instead of running SQL over
//! millions of rows per question. About 90 bytes per item plus 16 per change. It is read in
//! one read transaction, so it is one consistent state of the file, named by its [`Stamp`];
//! `graph/snapshot.rs` saves it beside the file and loads it back when the stamp still holds.
//!
//! Text that is not valid UTF-8 is read with replacement characters (U+FFFD) and each such
//! value is noted in [`WorkIndex::repaired`] and the log: one bad row never makes the
//! workspace unreadable.

use std::collections::HashMap;

use std::borrow::Cow;

use sqlx::{Row, SqliteConnection};

use crate::error::{CoreError, CoreResult};
use crate::graph::column::TextColumn;
use crate::graph::model::{
    FlowState, ItemKind, LinkKind, Provenance, RequesterSignal, SourceKind, TransitionKind,
};
use crate::graph::snapshot::Stamp;
use crate::graph::text::{self, LossyText, RepairedText};

/// "No value" in a `u32` index column.
pub const NONE: u32 = u32::MAX;

/// The capacity a whole load gives an array of `n` values that refreshes append to: a 1/`part`
/// more (and a little). A sync page's changes, links, new items and renamed titles then go at
/// the end instead of copying the whole array into a larger one (whose old copy the allocator
/// keeps resident for a while: 24 MiB for the changes at 200,000 items). Room never written is
/// not resident memory.
pub(crate) fn room(n: usize, part: usize) -> usize {
    n + n / part + 64
}

/// Gives `v` the capacity [`room`] says (copying it when it has less).
fn leave_room<T>(v: &mut Vec<T>, part: usize) {
    let target = room(v.len(), part);
    if v.capacity() > target {
        v.shrink_to(target);
    } else {
        v.reserve_exact(target - v.len());
    }
}

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
    /// The assignee at the source (a person), or [`NONE`].
    pub owner: u32,
    /// Who asked an AI agent for it, as its own record says (a person), or [`NONE`]. The
    /// assignment that handed an issue to an agent is read from [`WorkIndex::assignments`].
    pub requester: u32,
    /// How the stored requester was found (None when there is none).
    pub requester_signal: Option<RequesterSignal>,
    /// Which agent or automation made it (a position in [`WorkIndex::agents`]), or [`NONE`].
    pub agent: u32,
    /// It has a priority ("No priority" and "None" count as none).
    pub has_priority: bool,
    /// Its estimate (story points, weight) as the source gives it, if any.
    pub estimate: Option<f32>,
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
    /// Its rows in `transitions` (all kinds, known or not).
    pub transition_rows: u32,
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

/// One change of one item, in 16 bytes (1.6 million of them at the benchmark size).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event {
    pub at: i64,
    /// The kind in the top two bits, the code below.
    tagged: u32,
    /// A person index, or [`NONE`].
    pub actor: u32,
}

impl Event {
    const CODE_BITS: u32 = 30;

    /// A change of `kind` with `code` (codes use at most 30 bits).
    pub fn new(at: i64, kind: EventKind, code: u32, actor: u32) -> Event {
        let tag = match kind {
            EventKind::State => 0,
            EventKind::Review => 1,
            EventKind::Flag => 2,
        };
        Event {
            at,
            tagged: (tag << Self::CODE_BITS) | (code & ((1 << Self::CODE_BITS) - 1)),
            actor,
        }
    }

    /// What the change records.
    pub fn kind(&self) -> EventKind {
        match self.tagged >> Self::CODE_BITS {
            0 => EventKind::State,
            1 => EventKind::Review,
            _ => EventKind::Flag,
        }
    }

    /// The state, verdict or flag (see [`EventKind`]).
    pub fn code(&self) -> u32 {
        self.tagged & ((1 << Self::CODE_BITS) - 1)
    }

    /// The kind and code as stored (for snapshots).
    pub(crate) fn tagged(&self) -> u32 {
        self.tagged
    }

    /// An event from its stored parts (for snapshots).
    pub(crate) fn from_parts(at: i64, tagged: u32, actor: u32) -> Event {
        Event { at, tagged, actor }
    }
}

/// The whole index.
#[derive(Debug, Default, Clone)]
pub struct WorkIndex {
    /// The workspace generation it was built at.
    pub generation: u64,
    /// The state of the file it holds (read in the same transaction as its rows).
    pub stamp: Stamp,
    /// Whether its last full load read the snapshot beside the file (true) or the file's rows
    /// (an index followed item by item since keeps the flag of that load).
    pub from_snapshot: bool,
    pub teams: Vec<Named>,
    pub sources: Vec<IndexedSource>,
    pub intents: Vec<Named>,
    /// The parent of each intent (a position in `intents`).
    pub intent_parents: Vec<Option<u32>>,
    pub people: Vec<Named>,
    pub people_is_bot: Vec<bool>,
    /// Names of the agents and automations items were made by (`provenance_agent`), interned.
    pub agents: Vec<Box<str>>,
    pub states: Vec<StateKey>,
    pub items: Vec<IndexedItem>,
    /// Per item (same position): id, key, and title folded to lower case.
    pub item_ids: TextColumn,
    pub item_keys: TextColumn,
    pub item_titles_folded: TextColumn,
    pub events: Vec<Event>,
    pub transition_rows: u64,
    pub link_rows: u64,
    /// `blocks` links the sources still report (rows, whatever the items' states; the
    /// figure pages show is `deps::graph::open_blocking_links`).
    pub standing_blocks_links: u64,
    /// Every link between two indexed items.
    pub links: Vec<IndexedLink>,
    /// Every change of assignee (who handed an item to whom), in no particular order.
    pub assignments: Vec<Assignment>,
    /// Events no item points to any more (left by incremental refreshes until compacted).
    pub stale_events: usize,
    /// Values whose text was not valid UTF-8, read with replacement characters.
    pub repaired: Vec<RepairedText>,
    pub(crate) dictionaries: Dictionaries,
    pub(crate) interner: StateInterner,
    /// What the item-by-item refreshes since the last whole load read again (derived, never
    /// saved): read models kept per generation follow only those items.
    pub(crate) recent: RecentChanges,
    /// Whether the items are in row id order (as a whole load reads them), as last worked out
    /// (derived, never saved; `None`: not yet). Item-by-item refreshes keep it up to date by
    /// looking at the positions they wrote, so finding items by row id needs no pass over every
    /// item.
    pub(crate) rowid_order: Option<bool>,
}

/// The positions each refresh of an index read again (its items and the far ends of their
/// links), newest last, since the whole load at `from`. Bounded: the oldest refreshes are
/// forgotten, and `from` moves past them.
#[derive(Debug, Default, Clone)]
pub(crate) struct RecentChanges {
    /// The generation from which every refresh is listed (None: none is, nothing is followed).
    from: Option<u64>,
    refreshes: Vec<(u64, Vec<u32>)>,
}

/// Refreshes and positions [`RecentChanges`] keeps at most.
const RECENT_REFRESHES: usize = 64;
const RECENT_POSITIONS: usize = 50_000;

/// Positions of the small tables' ids.
#[derive(Debug, Default, Clone)]
pub(crate) struct Dictionaries {
    team_of: HashMap<String, u32>,
    source_of: HashMap<String, u32>,
    intent_of: HashMap<String, u32>,
    person_of: HashMap<String, u32>,
    agent_of: HashMap<Box<str>, u32>,
    /// (source position, login) → person position, from `identities`.
    login_of: HashMap<(u32, String), u32>,
    /// Rows of `identities` read (some may name no known person).
    identity_rows: usize,
}

/// An item was assigned to someone (an assignee change of the source).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assignment {
    pub item: u32,
    pub at: i64,
    /// Who assigned it, or [`NONE`].
    pub actor: u32,
    /// Whom it was assigned to (the login's person on the item's source), or [`NONE`] when it was
    /// unassigned or the login is not a known person.
    pub assignee: u32,
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
    /// The positions of the items that may differ between the index of generation `generation`
    /// and this one (sorted, each once): None when that is not known (a whole load since, or
    /// too many changes), then everything may have.
    pub fn changed_since(&self, generation: u64) -> Option<Vec<u32>> {
        let from = self.recent.from?;
        if generation < from || generation > self.generation {
            return None;
        }
        let mut out: Vec<u32> = self
            .recent
            .refreshes
            .iter()
            .filter(|(g, _)| *g > generation)
            .flat_map(|(_, p)| p.iter().copied())
            .collect();
        out.sort_unstable();
        out.dedup();
        Some(out)
    }

    /// Starts the list of refreshes at a whole load of generation `generation`.
    pub(crate) fn loaded_at(&mut self, generation: u64) {
        self.recent = RecentChanges {
            from: Some(generation),
            refreshes: Vec::new(),
        };
    }

    /// Notes that the refresh to `generation` read `positions` again.
    fn refreshed(&mut self, generation: u64, positions: Vec<u32>) {
        let r = &mut self.recent;
        r.refreshes.push((generation, positions));
        while r.refreshes.len() > RECENT_REFRESHES
            || r.refreshes.iter().map(|(_, p)| p.len()).sum::<usize>() > RECENT_POSITIONS
        {
            let (g, _) = r.refreshes.remove(0);
            r.from = r.from.map(|f| f.max(g));
        }
    }
    /// The changes of item `i`.
    pub fn events_of(&self, i: usize) -> &[Event] {
        let item = &self.items[i];
        let start = item.first_event as usize;
        &self.events[start..start + item.event_count as usize]
    }

    /// The positions of the items whose id `wanted` accepts, by id (one pass over the ids).
    pub fn positions_of(&self, wanted: impl Fn(&str) -> bool) -> HashMap<&str, usize> {
        self.item_ids
            .iter()
            .enumerate()
            .filter(|(_, id)| wanted(id))
            .map(|(i, id)| (id, i))
            .collect()
    }

    /// For each intent, whether it or one of its ancestors is among `chosen` (intent
    /// positions).
    pub fn intents_under(&self, chosen: &[u32]) -> Vec<bool> {
        (0..self.intents.len())
            .map(|mut at| {
                // The tree is shallow; the bound only guards against a parent loop in bad data.
                for _ in 0..64 {
                    if chosen.contains(&(at as u32)) {
                        return true;
                    }
                    match self.intent_parents.get(at).copied().flatten() {
                        Some(parent) => at = parent as usize,
                        None => return false,
                    }
                }
                false
            })
            .collect()
    }

    /// Approximate heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        let strings = self.item_ids.heap_bytes()
            + self.item_keys.heap_bytes()
            + self.item_titles_folded.heap_bytes();
        self.items.capacity() * std::mem::size_of::<IndexedItem>()
            + self.links.capacity() * std::mem::size_of::<IndexedLink>()
            + self.events.capacity() * std::mem::size_of::<Event>()
            + strings
    }
}

impl WorkIndex {
    /// The logins of `identities` that name a known person: (source position, login, person
    /// position), sorted by source and login. Assignee changes are resolved through them.
    pub fn identity_logins(&self) -> Vec<(u32, &str, u32)> {
        let mut logins: Vec<(u32, &str, u32)> = self
            .dictionaries
            .login_of
            .iter()
            .map(|((source, login), &person)| (*source, login.as_str(), person))
            .collect();
        logins.sort_unstable();
        logins
    }

    /// Rows of `identities` read (some may name no known person); with the people, what a
    /// refresh checks to know whether the people it holds are still the file's.
    pub fn identity_rows(&self) -> usize {
        self.dictionaries.identity_rows
    }

    /// Rebuilds what is derived from the lists (the positions of ids and agents, the interned
    /// state names), after the lists were loaded from a snapshot; the identities are given as
    /// saved (`login_of`: (source position, login) → person position).
    pub(crate) fn rebuild_lookups(
        &mut self,
        identity_rows: usize,
        login_of: HashMap<(u32, String), u32>,
    ) {
        let positions = |ids: &mut dyn Iterator<Item = &str>| -> HashMap<String, u32> {
            ids.enumerate()
                .map(|(i, id)| (id.to_owned(), i as u32))
                .collect()
        };
        self.dictionaries = Dictionaries {
            team_of: positions(&mut self.teams.iter().map(|t| t.id.as_str())),
            source_of: positions(&mut self.sources.iter().map(|t| t.id.as_str())),
            intent_of: positions(&mut self.intents.iter().map(|t| t.id.as_str())),
            person_of: positions(&mut self.people.iter().map(|t| t.id.as_str())),
            agent_of: self
                .agents
                .iter()
                .enumerate()
                .map(|(i, name)| (name.clone(), i as u32))
                .collect(),
            login_of,
            identity_rows,
        };
        let mut interner = StateInterner::default();
        for (i, state) in self.states.iter().enumerate() {
            interner
                .by_source
                .entry(state.source)
                .or_default()
                .entry(state.raw.clone())
                .or_insert(i as u32);
        }
        self.interner = interner;
    }
}

fn position(list: &HashMap<String, u32>, key: Option<&str>) -> u32 {
    key.and_then(|k| list.get(k).copied()).unwrap_or(NONE)
}

fn intern_agent(d: &mut Dictionaries, agents: &mut Vec<Box<str>>, name: &str) -> u32 {
    if let Some(&at) = d.agent_of.get(name) {
        return at;
    }
    let at = agents.len() as u32;
    agents.push(name.into());
    d.agent_of.insert(name.into(), at);
    at
}

/// Interns raw state names per source, allocating only for names not seen before.
#[derive(Debug, Default, Clone)]
pub(crate) struct StateInterner {
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
const CHUNK_ITEMS: i64 = 10000;

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
    owner_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    requester_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    requester_signal: Option<Cow<'a, str>>,
    #[serde(borrow)]
    provenance_agent: Option<Cow<'a, str>>,
    has_priority: bool,
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
    estimate: Option<f64>,
}

/// One change inside an item's JSON array.
#[derive(serde::Deserialize)]
struct ChangeTuple<'a> {
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

/// Calls `f` with each element of a JSON array as it is parsed.
fn for_each_row<'de, T: serde::Deserialize<'de>>(
    json: &'de str,
    f: impl FnMut(T),
) -> serde_json::Result<()> {
    struct EachRow<F, T>(F, std::marker::PhantomData<T>);
    impl<'de, T: serde::Deserialize<'de>, F: FnMut(T)> serde::de::Visitor<'de> for EachRow<F, T> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an array of rows")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
            while let Some(row) = seq.next_element::<T>()? {
                (self.0)(row);
            }
            Ok(())
        }
    }
    let mut de = serde_json::Deserializer::from_str(json);
    serde::Deserializer::deserialize_seq(&mut de, EachRow(f, std::marker::PhantomData))?;
    de.end()
}

fn damaged(table: &str, err: &serde_json::Error) -> CoreError {
    CoreError::Corrupt {
        path: std::path::PathBuf::new(),
        detail: format!("unreadable {table} rows: {err}"),
    }
}

/// The item rows of a JSON array query, ingested into `ix` (updated in place when `item_of`
/// knows the id, appended otherwise).
fn ingest_items(
    ix: &mut WorkIndex,
    json: &str,
    item_of: Option<&HashMap<String, u32>>,
) -> CoreResult<Vec<u32>> {
    let rows: Vec<ItemTuple<'_>> =
        serde_json::from_str(json).map_err(|err| damaged("items", &err))?;
    let mut touched = Vec::with_capacity(rows.len());
    match item_of {
        // A refresh: room for the new items only, a little at a time. (Reserving room for every
        // row read again doubled the whole array for a sync page: 17.6 MiB at 200,000 items.)
        Some(known) => {
            let new = rows
                .iter()
                .filter(|r| !known.contains_key(r.id.as_ref()))
                .count();
            if ix.items.capacity() - ix.items.len() < new {
                ix.items.reserve_exact(new.max(ix.items.len() / 64));
            }
        }
        None => ix.items.reserve(rows.len()),
    }
    for row in rows {
        let source = position(&ix.dictionaries.source_of, Some(&row.source_id));
        let current_state = ix.interner.intern(&mut ix.states, source, &row.raw_state);
        let item = IndexedItem {
            rowid: row.rowid,
            created: row.created_at,
            updated: row.updated_at,
            team: position(&ix.dictionaries.team_of, row.team_id.as_deref()),
            source,
            intent: position(&ix.dictionaries.intent_of, row.intent_id.as_deref()),
            author: position(&ix.dictionaries.person_of, row.author_id.as_deref()),
            owner: position(&ix.dictionaries.person_of, row.owner_id.as_deref()),
            requester: position(&ix.dictionaries.person_of, row.requester_id.as_deref()),
            requester_signal: row
                .requester_signal
                .as_deref()
                .and_then(RequesterSignal::parse),
            agent: match row.provenance_agent.as_deref() {
                Some(name) => intern_agent(&mut ix.dictionaries, &mut ix.agents, name),
                None => NONE,
            },
            has_priority: row.has_priority,
            estimate: row.estimate.filter(|e| e.is_finite()).map(|e| e as f32),
            kind: ItemKind::parse(&row.kind).unwrap_or(ItemKind::Task),
            provenance: Provenance::parse(&row.provenance).unwrap_or(Provenance::Human),
            flow: FlowState::parse(&row.flow_state).unwrap_or(FlowState::New),
            initial_state: current_state,
            current_state,
            first_event: 0,
            event_count: 0,
            transition_rows: 0,
            out_of_order: false,
        };
        match item_of.and_then(|m| m.get(row.id.as_ref())) {
            Some(&at) => {
                let old = &ix.items[at as usize];
                // The changes are reloaded separately; keep them until then.
                let kept = (
                    old.first_event,
                    old.event_count,
                    old.transition_rows,
                    old.initial_state,
                    old.out_of_order,
                );
                ix.items[at as usize] = IndexedItem {
                    first_event: kept.0,
                    event_count: kept.1,
                    transition_rows: kept.2,
                    initial_state: kept.3,
                    out_of_order: kept.4,
                    ..item
                };
                ix.item_keys.set(at as usize, &row.key)?;
                ix.item_titles_folded
                    .set(at as usize, &row.title.to_lowercase())?;
                touched.push(at);
            }
            None => {
                touched.push(ix.items.len() as u32);
                ix.item_ids.push(&row.id)?;
                ix.item_keys.push(&row.key)?;
                ix.item_titles_folded.push(&row.title.to_lowercase())?;
                ix.items.push(item);
            }
        }
    }
    Ok(touched)
}

/// One item's changes (a JSON array of change rows) appended to `ix.events` as its new range.
/// `grow_gently` (for refreshes) grows the array by a little at a time instead of doubling it.
fn ingest_changes(
    ix: &mut WorkIndex,
    item: u32,
    json: &str,
    staged: &mut Vec<(i64, i64, Event, u32)>,
    grow_gently: bool,
) -> CoreResult<()> {
    staged.clear();
    let source = ix.items[item as usize].source;
    let source_id = ix.sources.get(source as usize).map(|s| s.id.as_str());
    let mut rows = 0u32;
    let (interner, states, person_of, login_of, assignments) = (
        &mut ix.interner,
        &mut ix.states,
        &ix.dictionaries.person_of,
        &ix.dictionaries.login_of,
        &mut ix.assignments,
    );
    for_each_row(json, |change: ChangeTuple<'_>| {
        rows += 1;
        let Some(kind) = TransitionKind::parse(&change.kind) else {
            return;
        };
        let actor = position(person_of, change.actor_id.as_deref());
        let mut left = NONE;
        let (kind, code) = match kind {
            TransitionKind::State => {
                if let Some(from) = change.from_state.as_deref() {
                    left = interner.intern(states, source, from);
                }
                (
                    EventKind::State,
                    interner.intern(states, source, &change.to_state),
                )
            }
            TransitionKind::Review => (EventKind::Review, verdict(&change.to_state)),
            TransitionKind::Flag => (EventKind::Flag, u32::from(change.to_state == "blocked")),
            TransitionKind::Assignee => {
                // The assignee is named by its login on the item's source: its identity says
                // whose it is (else a login that is a person of its own, `source:login`).
                let login = change.to_state.trim();
                let assignee = match source_id {
                    Some(source_id) if !login.is_empty() => login_of
                        .get(&(source, login.to_owned()))
                        .or_else(|| person_of.get(&format!("{source_id}:{login}")))
                        .copied()
                        .unwrap_or(NONE),
                    _ => NONE,
                };
                assignments.push(Assignment {
                    item,
                    at: change.at,
                    actor,
                    assignee,
                });
                return;
            }
            TransitionKind::Label
            | TransitionKind::Estimate
            | TransitionKind::Project
            | TransitionKind::Cycle => return,
        };
        staged.push((
            change.at,
            change.seq,
            Event::new(change.at, kind, code, actor),
            left,
        ));
    })
    .map_err(|err| damaged("transitions", &err))?;
    staged.sort_unstable_by_key(|s| (s.0, s.1));
    if grow_gently && ix.events.capacity() - ix.events.len() < staged.len() {
        // Grow by a little at a time: doubling a 24 MiB array for a sync page would waste most of it.
        let headroom = (ix.events.len() / 16).max(staged.len());
        ix.events.reserve_exact(headroom);
    }
    let first_event = ix.events.len() as u32;
    let rec = &mut ix.items[item as usize];
    ix.transition_rows = ix.transition_rows - u64::from(rec.transition_rows) + u64::from(rows);
    ix.stale_events += rec.event_count as usize;
    rec.transition_rows = rows;
    rec.first_event = first_event;
    rec.event_count = staged.len() as u32;
    // In time order the source's recording order (seq) should also increase.
    rec.out_of_order = staged.windows(2).any(|w| w[1].1 < w[0].1);
    // Created in the state its earliest state change left (New when the source did not say);
    // an item that never changed state was created in its current state.
    rec.initial_state = staged
        .iter()
        .find(|s| s.2.kind() == EventKind::State)
        .map_or(rec.current_state, |first| first.3);
    ix.events.extend(staged.iter().map(|s| s.2));
    Ok(())
}

/// Link rows (a JSON array) appended to `ix.links`; links whose ends are not indexed are left out.
/// Returns how many rows it left out (an end that is no item, a kind this build does not know:
/// neither can be written through the schema).
fn ingest_links(
    ix: &mut WorkIndex,
    json: &str,
    item_of: &HashMap<String, u32>,
) -> CoreResult<usize> {
    let rows: Vec<LinkTuple<'_>> =
        serde_json::from_str(json).map_err(|err| damaged("links", &err))?;
    let mut left_out = 0;
    for row in rows {
        let (Some(&from), Some(&to), Some(kind)) = (
            item_of.get(row.from.as_ref()),
            item_of.get(row.to.as_ref()),
            LinkKind::parse(&row.kind),
        ) else {
            left_out += 1;
            continue;
        };
        ix.links.push(IndexedLink {
            from,
            to,
            kind,
            created: row.created_at,
            removed: row.removed_at,
        });
    }
    ix.standing_blocks_links = ix
        .links
        .iter()
        .filter(|l| l.kind == LinkKind::Blocks && l.removed.is_none())
        .count() as u64;
    Ok(left_out)
}

/// The small tables.
async fn load_dictionaries(conn: &mut SqliteConnection, ix: &mut WorkIndex) -> CoreResult<()> {
    let d = &mut ix.dictionaries;
    let repairs = &mut ix.repaired;
    // The id first (noted under its own, repaired, text), then the name.
    let mut named = |row: &sqlx::sqlite::SqliteRow, table: &'static str, name: &'static str| {
        let id = row.try_get::<LossyText, _>(0)?;
        let shown = id.text.clone();
        let id = id.noted(repairs, table, &shown, "id");
        let name = row
            .try_get::<LossyText, _>(1)?
            .noted(repairs, table, &id, name);
        Ok::<_, CoreError>(Named { id, name })
    };
    for row in sqlx::query("SELECT id, name FROM teams ORDER BY name")
        .fetch_all(&mut *conn)
        .await?
    {
        let team = named(&row, "teams", "name")?;
        d.team_of.insert(team.id.clone(), ix.teams.len() as u32);
        ix.teams.push(team);
    }
    for row in sqlx::query("SELECT id, name, kind FROM sources ORDER BY name")
        .fetch_all(&mut *conn)
        .await?
    {
        let source = named(&row, "sources", "name")?;
        d.source_of
            .insert(source.id.clone(), ix.sources.len() as u32);
        let kind =
            SourceKind::parse(&row.try_get::<LossyText, _>(2)?.text).unwrap_or(SourceKind::File);
        ix.sources.push(IndexedSource {
            id: source.id,
            name: source.name,
            kind,
        });
    }
    let mut parents: Vec<Option<String>> = Vec::new();
    for row in sqlx::query("SELECT id, title, parent_id FROM intents ORDER BY created_at, id")
        .fetch_all(&mut *conn)
        .await?
    {
        let intent = named(&row, "intents", "title")?;
        d.intent_of
            .insert(intent.id.clone(), ix.intents.len() as u32);
        ix.intents.push(intent);
        parents.push(row.try_get::<Option<LossyText>, _>(2)?.map(|p| p.text));
    }
    ix.intent_parents = parents
        .iter()
        .map(|p| p.as_deref().and_then(|p| d.intent_of.get(p).copied()))
        .collect();
    for row in sqlx::query("SELECT id, display_name, is_bot FROM people")
        .fetch_all(&mut *conn)
        .await?
    {
        let person = named(&row, "people", "display_name")?;
        d.person_of
            .insert(person.id.clone(), ix.people.len() as u32);
        ix.people.push(person);
        ix.people_is_bot.push(row.try_get::<bool, _>(2)?);
    }
    for row in sqlx::query("SELECT source_id, login, person_id FROM identities")
        .fetch_all(&mut *conn)
        .await?
    {
        d.identity_rows += 1;
        let source = row.try_get::<LossyText, _>(0)?.text;
        let login = row.try_get::<LossyText, _>(1)?.text;
        let person = row.try_get::<LossyText, _>(2)?.text;
        if let (Some(&source), Some(&person)) = (d.source_of.get(&source), d.person_of.get(&person))
        {
            d.login_of.insert((source, login), person);
        }
    }
    Ok(())
}

/// How many rows the small tables hold: (teams, sources, intents, people + identities).
async fn dictionary_sizes(conn: &mut SqliteConnection) -> CoreResult<(i64, i64, i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM teams), (SELECT COUNT(*) FROM sources), (SELECT COUNT(*) FROM intents),
                (SELECT COUNT(*) FROM people) + (SELECT COUNT(*) FROM identities)",
    )
    .fetch_one(&mut *conn)
    .await?)
}

const ITEM_COLUMNS: &str =
    "json_array(rowid, id, key, title, source_id, team_id, intent_id, author_id, owner_id, requester_id,
    requester_signal, provenance_agent,
    json(CASE WHEN priority IS NULL OR trim(priority) = '' OR lower(trim(priority)) IN ('no priority', 'none')
         THEN 'false' ELSE 'true' END),
    kind, provenance, flow_state, raw_state, created_at, updated_at, estimate)";
const CHANGE_COLUMNS: &str =
    "json_group_array(json_array(at, seq, kind, from_state, to_state, actor_id))";
const LINK_COLUMNS: &str =
    "json_group_array(json_array(from_item_id, to_item_id, kind, created_at, removed_at))";

/// The text columns of each table the index reads, to say which value was repaired.
const ITEM_TEXT: &[&str] = &[
    "id",
    "key",
    "title",
    "source_id",
    "team_id",
    "intent_id",
    "author_id",
    "owner_id",
    "requester_id",
    "requester_signal",
    "provenance_agent",
    "kind",
    "provenance",
    "flow_state",
    "raw_state",
];
const CHANGE_TEXT: &[&str] = &["item_id", "kind", "from_state", "to_state", "actor_id"];
const LINK_TEXT: &[&str] = &["from_item_id", "to_item_id", "kind"];

/// Text built by SQLite (a JSON array of rows), and whether some of its bytes were not UTF-8.
/// SQLite copies a value's bytes into a JSON string as they are, and invalid UTF-8 never
/// swallows ASCII, so replacing the bad bytes leaves the JSON intact with U+FFFD in the value.
fn json_text(bytes: Vec<u8>) -> (String, bool) {
    match String::from_utf8(bytes) {
        Ok(text) => (text, false),
        Err(err) => (String::from_utf8_lossy(err.as_bytes()).into_owned(), true),
    }
}

/// Notes which values of `columns` are not valid UTF-8 in `table`'s rows matching `filter`
/// (with `?1` bound to `bind`), naming each row by `key` (an SQL expression). Runs only after
/// a query's text needed repair.
async fn note_bad_text(
    conn: &mut SqliteConnection,
    repairs: &mut Vec<RepairedText>,
    table: &'static str,
    key: &str,
    columns: &[&'static str],
    filter: &str,
    bind: &str,
) -> CoreResult<()> {
    let sql = format!(
        "SELECT {key}, {} FROM {table} WHERE {filter}",
        columns.join(", ")
    );
    for row in sqlx::query(&sql).bind(bind).fetch_all(&mut *conn).await? {
        let id = row
            .try_get::<Option<LossyText>, _>(0)?
            .unwrap_or_default()
            .text;
        for (at, column) in columns.iter().enumerate() {
            if let Some(bytes) = row.try_get::<Option<&[u8]>, _>(at + 1)? {
                if std::str::from_utf8(bytes).is_err() {
                    text::note(repairs, table, &id, column);
                }
            }
        }
    }
    Ok(())
}

/// Ingests an items JSON chunk (see [`ingest_items`]), noting repaired text when it had some.
async fn ingest_item_chunk(
    conn: &mut SqliteConnection,
    ix: &mut WorkIndex,
    bytes: Vec<u8>,
    item_of: Option<&HashMap<String, u32>>,
) -> CoreResult<Vec<u32>> {
    let (json, repaired) = json_text(bytes);
    let touched = ingest_items(ix, &json, item_of)?;
    if repaired {
        let rowids: Vec<i64> = touched
            .iter()
            .map(|&i| ix.items[i as usize].rowid)
            .collect();
        let bind =
            serde_json::to_string(&rowids).map_err(|err| CoreError::Invalid(err.to_string()))?;
        note_bad_text(
            conn,
            &mut ix.repaired,
            "items",
            "id",
            ITEM_TEXT,
            "rowid IN (SELECT value FROM json_each(?1))",
            &bind,
        )
        .await?;
    }
    Ok(touched)
}

/// Notes the repaired text of the changes of `items` (whose JSON needed repair).
async fn note_bad_changes(
    conn: &mut SqliteConnection,
    repairs: &mut Vec<RepairedText>,
    items: &[String],
) -> CoreResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    let bind = serde_json::to_string(items).map_err(|err| CoreError::Invalid(err.to_string()))?;
    note_bad_text(
        conn,
        repairs,
        "transitions",
        "item_id || ' ' || event_id",
        CHANGE_TEXT,
        "item_id IN (SELECT value FROM json_each(?1))",
        &bind,
    )
    .await
}

/// Reads the whole index from the workspace's database. `conn` is inside a read transaction
/// whose state `stamp` names (so the index is one state of the file, and says which).
pub async fn load(
    conn: &mut SqliteConnection,
    generation: u64,
    stamp: Stamp,
) -> CoreResult<WorkIndex> {
    let mut ix = WorkIndex {
        generation,
        stamp,
        ..WorkIndex::default()
    };
    ix.loaded_at(generation);
    load_dictionaries(conn, &mut ix).await?;

    // Rows are read as JSON arrays built by SQLite, a chunk at a time: one value per chunk
    // instead of one per column and row, which is several times faster through sqlx.
    let (min_rowid, max_rowid): (Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT MIN(rowid), MAX(rowid) FROM items")
            .fetch_one(&mut *conn)
            .await?;
    let (min_rowid, max_rowid) = (min_rowid.unwrap_or(0), max_rowid.unwrap_or(-1));
    let mut low = min_rowid;
    let items_sql = format!(
        "SELECT json_group_array({ITEM_COLUMNS}) FROM items WHERE rowid >= ?1 AND rowid < ?2"
    );
    while low <= max_rowid {
        let high = low.saturating_add(CHUNK_ITEMS);
        let json: Vec<u8> = sqlx::query_scalar(&items_sql)
            .bind(low)
            .bind(high)
            .fetch_one(&mut *conn)
            .await?;
        low = high;
        ingest_item_chunk(conn, &mut ix, json, None).await?;
    }
    let item_of: HashMap<String, u32> = ix
        .item_ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.to_string(), i as u32))
        .collect();

    // Changes: one row per item, its changes as a small JSON array built by SQLite. Rows stream
    // from SQLite's thread while this one parses them, and no buffer is ever large (which
    // keeps the memory the allocators hold on to after the load small).
    let mut staged: Vec<(i64, i64, Event, u32)> = Vec::with_capacity(64);
    let changes_sql = format!("SELECT item_id, {CHANGE_COLUMNS} FROM transitions GROUP BY item_id");
    let mut rows = sqlx::query(&changes_sql).fetch(&mut *conn);
    let mut repaired_changes = Vec::new();
    while let Some(row) = futures_util::TryStreamExt::try_next(&mut rows).await? {
        let id = row.try_get::<LossyText, _>(0)?;
        let Some(&item) = item_of.get(&id.text) else {
            continue;
        };
        let json: &[u8] = row.try_get(1)?;
        match std::str::from_utf8(json) {
            Ok(json) => ingest_changes(&mut ix, item, json, &mut staged, false)?,
            Err(_) => {
                let (json, _) = json_text(json.to_vec());
                ingest_changes(&mut ix, item, &json, &mut staged, false)?;
                repaired_changes.push(id.text);
            }
        }
    }
    drop(rows);
    note_bad_changes(conn, &mut ix.repaired, &repaired_changes).await?;
    leave_room(&mut ix.items, 64);
    leave_room(&mut ix.assignments, 16);
    leave_room(&mut ix.events, 16);
    ix.item_ids.shrink_to_fit();
    ix.item_keys.shrink_to_fit();
    ix.item_titles_folded.leave_room(64);

    let json: Vec<u8> = sqlx::query_scalar(&format!("SELECT {LINK_COLUMNS} FROM links"))
        .fetch_one(&mut *conn)
        .await?;
    let (json, repaired) = json_text(json);
    ingest_links(&mut ix, &json, &item_of)?;
    if repaired {
        note_bad_text(
            conn,
            &mut ix.repaired,
            "links",
            "from_item_id || ' -> ' || to_item_id",
            LINK_TEXT,
            "?1 = ?1",
            "",
        )
        .await?;
    }
    leave_room(&mut ix.links, 16);
    ix.link_rows = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM links")
        .fetch_one(&mut *conn)
        .await? as u64;
    tracing::debug!(
        items = ix.items.len(),
        events = ix.events.len(),
        heap_mib = ix.heap_bytes() / 1_048_576,
        "index loaded"
    );
    Ok(ix)
}

/// Brings `ix` up to date for the items `ids` (written since it was built): their rows, their
/// changes and the links touching them are read again; nothing else is. Returns false when the
/// change cannot be applied incrementally (an item was deleted, a team, source, intent or person
/// was added or removed): the caller rebuilds the whole index. `conn` is inside a read
/// transaction whose state `stamp` names; the index takes that stamp.
pub async fn refresh(
    conn: &mut SqliteConnection,
    ix: &mut WorkIndex,
    ids: &[String],
    generation: u64,
    stamp: Stamp,
) -> CoreResult<bool> {
    let (teams, sources, intents, people) = dictionary_sizes(conn).await?;
    if (teams, sources, intents, people)
        != (
            ix.teams.len() as i64,
            ix.sources.len() as i64,
            ix.intents.len() as i64,
            (ix.people.len() + ix.dictionaries.identity_rows) as i64,
        )
    {
        return Ok(false);
    }
    let ids_json = serde_json::to_string(ids).map_err(|err| CoreError::Invalid(err.to_string()))?;
    let json: Vec<u8> = sqlx::query_scalar(&format!(
        "SELECT json_group_array({ITEM_COLUMNS}) FROM items WHERE id IN (SELECT value FROM json_each(?1))"
    ))
    .bind(&ids_json)
    .fetch_one(&mut *conn)
    .await?;
    let links_json: Vec<u8> = sqlx::query_scalar(&format!(
        "SELECT {LINK_COLUMNS} FROM links
         WHERE from_item_id IN (SELECT value FROM json_each(?1)) OR to_item_id IN (SELECT value FROM json_each(?1))"
    ))
    .bind(&ids_json)
    .fetch_one(&mut *conn)
    .await?;
    let (links_json, links_repaired) = json_text(links_json);
    // Positions of the ids involved (the items and the far ends of their links), in one pass
    // over the index's ids rather than a map of all of them.
    let mut wanted: std::collections::HashSet<String> = ids.iter().cloned().collect();
    let link_rows: Vec<LinkTuple<'_>> =
        serde_json::from_str(&links_json).map_err(|err| damaged("links", &err))?;
    for row in &link_rows {
        wanted.insert(row.from.to_string());
        wanted.insert(row.to.to_string());
    }
    let links_now = link_rows.len() as u64;
    drop(link_rows);
    let ordered = in_rowid_order(ix);
    ix.rowid_order = Some(ordered);
    let mut item_of = positions_of(conn, ix, &wanted).await?;
    // Notes about the rows read again are made again (or not, when they are now whole).
    let again: std::collections::HashSet<&str> = ids.iter().map(String::as_str).collect();
    ix.repaired.retain(|r| match r.table.as_str() {
        "items" => !again.contains(r.row.as_str()),
        "transitions" => !r.row.split(' ').next().is_some_and(|id| again.contains(id)),
        "links" => !r.row.split(" -> ").any(|id| again.contains(id)),
        _ => true,
    });
    let touched = ingest_item_chunk(conn, ix, json, Some(&item_of)).await?;
    // Only pairs of neighbours with a position written can have left row id order.
    let still = |i: usize| {
        let rowid = ix.items[i].rowid;
        (i == 0 || ix.items[i - 1].rowid < rowid)
            && ix.items.get(i + 1).is_none_or(|next| rowid < next.rowid)
    };
    ix.rowid_order = Some(ordered && touched.iter().all(|&i| still(i as usize)));
    if touched.len() != ids.len() {
        // Some of them are gone at the source.
        return Ok(false);
    }
    for &i in &touched {
        item_of
            .entry(ix.item_ids[i as usize].to_string())
            .or_insert(i);
    }
    let mut staged = Vec::with_capacity(64);
    // Their assignments are read again with their changes. (A flag per position: a set's
    // hashing cost more than the rest of a one-item refresh.)
    let mut is_touched = vec![false; ix.items.len()];
    for &i in &touched {
        if let Some(t) = is_touched.get_mut(i as usize) {
            *t = true;
        }
    }
    let touched_at = |i: u32| is_touched.get(i as usize).copied().unwrap_or(false);
    ix.assignments.retain(|a| !touched_at(a.item));
    let rows = sqlx::query(&format!(
        "SELECT item_id, {CHANGE_COLUMNS} FROM transitions WHERE item_id IN (SELECT value FROM json_each(?1)) GROUP BY item_id"
    ))
    .bind(&ids_json)
    .fetch_all(&mut *conn)
    .await?;
    let mut with_changes = std::collections::HashSet::new();
    let mut repaired_changes = Vec::new();
    for row in &rows {
        let id = row.try_get::<LossyText, _>(0)?;
        let Some(&item) = item_of.get(&id.text) else {
            continue;
        };
        let (json, repaired) = json_text(row.try_get::<Vec<u8>, _>(1)?);
        ingest_changes(ix, item, &json, &mut staged, true)?;
        if repaired {
            repaired_changes.push(id.text);
        }
        with_changes.insert(item);
    }
    note_bad_changes(conn, &mut ix.repaired, &repaired_changes).await?;
    for &i in &touched {
        if !with_changes.contains(&i) {
            ingest_changes(ix, i, "[]", &mut staged, true)?;
        }
    }
    // Links touching the items: dropped, then read again.
    let links_before = ix.links.len();
    ix.links
        .retain(|l| !touched_at(l.from) && !touched_at(l.to));
    let links_then = (links_before - ix.links.len()) as u64;
    let left_out = ingest_links(ix, &links_json, &item_of)?;
    if links_repaired {
        note_bad_text(
            conn,
            &mut ix.repaired,
            "links",
            "from_item_id || ' -> ' || to_item_id",
            LINK_TEXT,
            "from_item_id IN (SELECT value FROM json_each(?1)) OR to_item_id IN (SELECT value FROM json_each(?1))",
            &ids_json,
        )
        .await?;
    }
    // The rows touching the items before went, those now came: the other rows are as they
    // were. (Each row is indexed: both its ends are items and its kind one the schema allows.
    // Should one not be, the table is counted.)
    ix.link_rows = if left_out == 0 {
        (ix.link_rows + links_now).saturating_sub(links_then)
    } else {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM links")
            .fetch_one(&mut *conn)
            .await? as u64
    };
    // Old ranges of changes are garbage; compact once they are half the array.
    if ix.stale_events * 2 > ix.events.len() {
        compact(ix);
    }
    let mut read_again: Vec<u32> = item_of.values().copied().collect();
    read_again.sort_unstable();
    read_again.dedup();
    ix.refreshed(generation, read_again);
    ix.generation = generation;
    ix.stamp = stamp;
    Ok(true)
}

/// The positions in the index of the items with these ids (those it holds), read from the
/// workspace as [`positions_of`] does: by their row ids, not by hashing every id of the index.
pub async fn positions_by_id(
    ws: &crate::graph::Workspace,
    ix: &WorkIndex,
    wanted: &std::collections::HashSet<String>,
) -> CoreResult<HashMap<String, u32>> {
    let mut conn = ws.pool().acquire().await?;
    positions_of(&mut conn, ix, wanted).await
}

/// The positions in the index of the items with these ids (those it holds), found by their
/// row ids (items are indexed in row id order) instead of hashing every id of the index; an id
/// whose row is not where its row id says, or that the file no longer holds, is looked for among
/// every id.
async fn positions_of(
    conn: &mut SqliteConnection,
    ix: &WorkIndex,
    wanted: &std::collections::HashSet<String>,
) -> CoreResult<HashMap<String, u32>> {
    // In row id order (a full load reads them so, new items come after); otherwise every id is
    // looked at.
    if !in_rowid_order(ix) {
        return Ok(ix
            .item_ids
            .iter()
            .enumerate()
            .filter(|(_, id)| wanted.contains(*id))
            .map(|(i, id)| (id.to_string(), i as u32))
            .collect());
    }
    let ids: Vec<&str> = wanted.iter().map(String::as_str).collect();
    let json = serde_json::to_string(&ids).map_err(|err| CoreError::Invalid(err.to_string()))?;
    let rows: Vec<(LossyText, i64)> =
        sqlx::query_as("SELECT i.id, i.rowid FROM json_each(?1) j JOIN items i ON i.id = j.value")
            .bind(json)
            .fetch_all(&mut *conn)
            .await?;
    let mut out: HashMap<String, u32> = HashMap::with_capacity(rows.len());
    let mut astray: std::collections::HashSet<&str> = wanted.iter().map(String::as_str).collect();
    for (id, rowid) in &rows {
        let at = ix.items.partition_point(|i| i.rowid < *rowid);
        if ix.items.get(at).is_some_and(|i| i.rowid == *rowid)
            && ix.item_ids.get(at) == Some(id.text.as_str())
        {
            astray.remove(id.text.as_str());
            out.insert(id.text.clone(), at as u32);
        } else if at == ix.items.len() {
            // Written after every item the index holds: a new item, not in it yet.
            astray.remove(id.text.as_str());
        }
    }
    // Ids the file no longer holds, or held under another row id: the index may still hold
    // them (what the scan of every id found before).
    if !astray.is_empty() {
        for (i, id) in ix.item_ids.iter().enumerate() {
            if astray.contains(id) {
                out.insert(id.to_string(), i as u32);
            }
        }
    }
    Ok(out)
}

/// Whether the items are in row id order: as the index last worked it out, else checked (a
/// few comparisons per item).
fn in_rowid_order(ix: &WorkIndex) -> bool {
    ix.rowid_order
        .unwrap_or_else(|| ix.items.windows(2).all(|w| w[0].rowid < w[1].rowid))
}

/// Rewrites `events` without the ranges no item points to any more.
fn compact(ix: &mut WorkIndex) {
    let mut events = Vec::with_capacity(room(ix.events.len() - ix.stale_events, 16));
    for item in ix.items.iter_mut() {
        let start = item.first_event as usize;
        let range = start..start + item.event_count as usize;
        item.first_event = events.len() as u32;
        events.extend_from_slice(&ix.events[range]);
    }
    ix.events = events;
    ix.stale_events = 0;
}
