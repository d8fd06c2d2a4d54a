//! The work index saved beside its workspace, so a fresh process opens in a fraction of the
//! time a build from SQLite takes.
//!
//! `acme.baton` has its snapshot in `acme.baton-index`. A snapshot is only ever a cache: it is
//! used when it proves current, and rebuilt otherwise.
//!
//! **What proves it current.** Its header carries the [`Stamp`] of the state it was built
//! from, read in the same read transaction as the rows: the workspace's `meta` row (uid, the
//! count of writes that changed what the index holds, and the random version each of them
//! set, see `migrations/20261204000007_index_snapshot.sql`), the largest item row id, the
//! row counts of teams, sources, intents, people and identities, and SQLite's schema version.
//! It is used only when every one of them equals the file's now, its format and the Baton version that
//! wrote it are this build's, its length is what its trailer says, and the CRC-32 of its bytes
//! matches. Every write made through Baton (any process) moves the version; a Baton that does
//! not know `meta` cannot open the file at all; an edit made by hand that adds or deletes
//! items or changes the small tables moves the stamp too. (An edit by hand that changes a row
//! in place is not seen until the next write through Baton: SQLite keeps no change counter in
//! WAL mode, and triggers would cost several microseconds per inserted row.)
//!
//! **Format** (little-endian throughout): a magic, the format version, then fixed-width
//! records and strings stored end to end, each array preceded by its length, and a trailer
//! (CRC-32 of everything before it, the file's length, an end magic). Nothing is parsed row by
//! row: arrays are read in large blocks and decoded in tight loops, strings are one buffer
//! per column checked as UTF-8 once. A count larger than the bytes left in the file, a code
//! outside its enum, or a position outside its table is damage, not a panic.
//!
//! **Writes** go to a temporary file in the same folder, renamed over the old snapshot once
//! complete, so a reader sees the old snapshot or the new one, never half of one. A workspace
//! opened read-only never writes one (it may read a current one).

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use sqlx::SqliteConnection;

use crate::error::{CoreError, CoreResult};
use crate::graph::column::TextColumn;
use crate::graph::index::{
    room, Assignment, Event, EventKind, IndexedItem, IndexedLink, IndexedSource, Named, StateKey,
    WorkIndex, NONE,
};
use crate::graph::model::{FlowState, ItemKind, LinkKind, Provenance, RequesterSignal, SourceKind};
use crate::graph::text::RepairedText;

/// The first bytes of every snapshot.
const MAGIC: &[u8; 8] = b"BATONIX\n";
/// The last bytes of every snapshot.
const END_MAGIC: &[u8; 8] = b"BATONEND";
/// The layout's version: bumped whenever what is written, or how the index is derived from
/// the rows, changes. (Snapshots of another Baton version are refused as well.)
///
/// 2: items' owner, requester (and its signal), agent and priority; the agents' names, the
/// identities (logins of people on sources) and the assignments; identities in the stamp.
/// 3: items' estimate.
pub const FORMAT_VERSION: u32 = 3;
/// Bytes after the checksummed part: CRC-32, total length, end magic.
const TRAILER: u64 = 4 + 8 + 8;
/// Bytes read from the file at a time.
const BLOCK: usize = 1 << 20;

/// The state of a workspace file a work index was built from (see the module's text).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stamp {
    /// The workspace's uid (empty when the file has no `meta` row: then nothing is trusted).
    pub uid: String,
    /// Writes through Baton that changed what the index holds.
    pub writes: i64,
    /// The random version the last of them set.
    pub version: String,
    pub max_item_rowid: i64,
    pub teams: i64,
    pub sources: i64,
    pub intents: i64,
    pub people: i64,
    pub identities: i64,
    /// SQLite's schema cookie (moves with any change to the schema).
    pub schema_version: i64,
}

impl Stamp {
    /// Reads the stamp of the state `conn` sees (inside a read transaction, the same state as
    /// the rest of that transaction's reads).
    pub async fn read(conn: &mut SqliteConnection) -> CoreResult<Stamp> {
        let row = sqlx::query!(
            r#"SELECT
                (SELECT uid FROM meta WHERE id = 1) AS "uid: String",
                (SELECT writes FROM meta WHERE id = 1) AS "writes: i64",
                (SELECT version FROM meta WHERE id = 1) AS "version: String",
                (SELECT MAX(rowid) FROM items) AS "max_item_rowid: i64",
                (SELECT COUNT(*) FROM teams) AS "teams!: i64",
                (SELECT COUNT(*) FROM sources) AS "sources!: i64",
                (SELECT COUNT(*) FROM intents) AS "intents!: i64",
                (SELECT COUNT(*) FROM people) AS "people!: i64",
                (SELECT COUNT(*) FROM identities) AS "identities!: i64""#
        )
        .fetch_one(&mut *conn)
        .await?;
        // (A pragma: sqlx cannot check it at compile time.)
        let schema_version: i64 = sqlx::query_scalar("PRAGMA schema_version")
            .fetch_one(&mut *conn)
            .await?;
        Ok(Stamp {
            uid: row.uid.unwrap_or_default(),
            writes: row.writes.unwrap_or_default(),
            version: row.version.unwrap_or_default(),
            max_item_rowid: row.max_item_rowid.unwrap_or_default(),
            teams: row.teams,
            sources: row.sources,
            intents: row.intents,
            people: row.people,
            identities: row.identities,
            schema_version,
        })
    }

    /// Whether the stamp names a state that can be trusted at all (the file has its `meta`).
    pub fn is_known(&self) -> bool {
        !self.uid.is_empty() && !self.version.is_empty()
    }
}

/// Where the snapshot of the workspace at `workspace` lives: `acme.baton-index`.
pub fn path_for(workspace: &Path) -> PathBuf {
    let mut name = workspace.as_os_str().to_owned();
    name.push("-index");
    PathBuf::from(name)
}

/// Why a snapshot was not used.
#[derive(Debug)]
pub enum Unused {
    /// There is none.
    Missing,
    /// It was written for another state of the workspace (or by another Baton).
    Stale(String),
    /// It is damaged: cut short, garbage, or inconsistent.
    Damaged(String),
    /// It could not be read.
    Unreadable(std::io::Error),
}

impl std::fmt::Display for Unused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unused::Missing => f.write_str("there is no snapshot"),
            Unused::Stale(why) => write!(f, "the snapshot is stale: {why}"),
            Unused::Damaged(why) => write!(f, "the snapshot is damaged: {why}"),
            Unused::Unreadable(err) => write!(f, "the snapshot cannot be read: {err}"),
        }
    }
}

fn damaged(what: impl Into<String>) -> Unused {
    Unused::Damaged(what.into())
}

// ---------------------------------------------------------------------------------------------
// Writing

/// A writer that keeps the CRC-32 and the count of what passed through it.
struct Out<W: Write> {
    inner: W,
    crc: crc32fast::Hasher,
    written: u64,
}

impl<W: Write> Out<W> {
    fn bytes(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.crc.update(bytes);
        self.written += bytes.len() as u64;
        self.inner.write_all(bytes)
    }
    fn u8(&mut self, v: u8) -> std::io::Result<()> {
        self.bytes(&[v])
    }
    fn u32(&mut self, v: u32) -> std::io::Result<()> {
        self.bytes(&v.to_le_bytes())
    }
    fn u64(&mut self, v: u64) -> std::io::Result<()> {
        self.bytes(&v.to_le_bytes())
    }
    fn i64(&mut self, v: i64) -> std::io::Result<()> {
        self.bytes(&v.to_le_bytes())
    }
    fn text(&mut self, v: &str) -> std::io::Result<()> {
        self.u64(v.len() as u64)?;
        self.bytes(v.as_bytes())
    }
    /// A column: its count, its ends, its text.
    fn column(&mut self, c: &TextColumn) -> std::io::Result<()> {
        let (text, ends) = c.end_to_end();
        self.u64(ends.len() as u64)?;
        self.records(&ends, 4, |e, out| out.extend_from_slice(&e.to_le_bytes()))?;
        self.text(&text)
    }
    /// Strings as a column.
    fn strings<'s>(&mut self, values: impl Iterator<Item = &'s str>) -> std::io::Result<()> {
        let mut c = TextColumn::default();
        for v in values {
            c.push(v).map_err(std::io::Error::other)?;
        }
        self.column(&c)
    }
    /// Fixed-width records, encoded a block at a time (the count is written by the caller).
    fn records<T>(
        &mut self,
        rows: &[T],
        width: usize,
        mut encode: impl FnMut(&T, &mut Vec<u8>),
    ) -> std::io::Result<()> {
        let mut block = Vec::with_capacity(BLOCK);
        for chunk in rows.chunks((BLOCK / width).max(1)) {
            block.clear();
            for row in chunk {
                encode(row, &mut block);
            }
            self.bytes(&block)?;
        }
        Ok(())
    }
}

fn enum_code<T: PartialEq>(all: &[T], value: &T) -> u8 {
    all.iter().position(|v| v == value).unwrap_or(0) as u8
}

const ITEM_WIDTH: usize = 8 * 3 + 4 * 4 + 3 + 4 * 5 + 1 + 4 * 3 + 2 + 4;
const EVENT_WIDTH: usize = 16;
const LINK_WIDTH: usize = 4 + 4 + 1 + 8 + 8;
const ASSIGNMENT_WIDTH: usize = 4 + 8 + 4 + 4;
/// `removed` of a link that stands.
const STANDS: i64 = i64::MIN;

fn write_index<W: Write>(ix: &WorkIndex, stamp: &Stamp, out: &mut Out<W>) -> std::io::Result<()> {
    // Every field of the index named (no `..`), with where it goes: a field added to the index
    // does not compile until it is written below and read back in `read_body`, or said to be
    // derived. (A snapshot that dropped one would answer differently after a reopen.)
    let WorkIndex {
        generation: _,    // the opening's own count, given at load
        stamp: _,         // the header (the stamp given: the index's, or a copy's)
        from_snapshot: _, // set by `load`
        teams: _,
        sources: _,
        intents: _,
        intent_parents: _,
        people: _,
        people_is_bot: _,
        agents: _,
        states: _,
        items: _,
        item_ids: _,
        item_keys: _,
        item_titles_folded: _,
        events: _, // item by item, the ranges of refreshes compacted
        transition_rows: _,
        link_rows: _,
        standing_blocks_links: _,
        links: _,
        assignments: _,
        stale_events: _, // none once compacted
        repaired: _,
        dictionaries: _, // positions rebuilt at load; identities written (`identity_logins`)
        interner: _,     // rebuilt from `states` at load
        recent: _,       // derived: a loaded index starts its own list
        rowid_order: _,  // derived: worked out again when first needed
    } = ix;
    out.bytes(MAGIC)?;
    out.u32(FORMAT_VERSION)?;
    out.text(env!("CARGO_PKG_VERSION"))?;
    let s = stamp;
    out.text(&s.uid)?;
    out.i64(s.writes)?;
    out.text(&s.version)?;
    for v in [
        s.max_item_rowid,
        s.teams,
        s.sources,
        s.intents,
        s.people,
        s.identities,
        s.schema_version,
    ] {
        out.i64(v)?;
    }
    out.u64(ix.transition_rows)?;
    out.u64(ix.link_rows)?;
    out.u64(ix.standing_blocks_links)?;

    out.strings(ix.teams.iter().map(|t| t.id.as_str()))?;
    out.strings(ix.teams.iter().map(|t| t.name.as_str()))?;
    out.strings(ix.sources.iter().map(|t| t.id.as_str()))?;
    out.strings(ix.sources.iter().map(|t| t.name.as_str()))?;
    for source in &ix.sources {
        out.u8(enum_code(SourceKind::ALL, &source.kind))?;
    }
    out.strings(ix.intents.iter().map(|t| t.id.as_str()))?;
    out.strings(ix.intents.iter().map(|t| t.name.as_str()))?;
    for parent in &ix.intent_parents {
        out.u32(parent.unwrap_or(NONE))?;
    }
    out.strings(ix.people.iter().map(|t| t.id.as_str()))?;
    out.strings(ix.people.iter().map(|t| t.name.as_str()))?;
    for bot in &ix.people_is_bot {
        out.u8(u8::from(*bot))?;
    }
    out.strings(ix.agents.iter().map(|a| &**a))?;
    out.u64(ix.identity_rows() as u64)?;
    let logins = ix.identity_logins();
    out.strings(logins.iter().map(|l| l.1))?;
    for (source, _, person) in &logins {
        out.u32(*source)?;
        out.u32(*person)?;
    }
    out.strings(ix.states.iter().map(|s| s.raw.as_str()))?;
    for state in &ix.states {
        out.u32(state.source)?;
    }

    // Items, with their changes' ranges renumbered as they are written below: end to end, in
    // item order (ranges left behind by refreshes are not written).
    out.u64(ix.items.len() as u64)?;
    let mut next_event = 0u32;
    out.records(&ix.items, ITEM_WIDTH, |item, b| {
        // Every field named (no `..`): a field added to items does not compile until it has
        // its place here (and in `read_body`).
        let IndexedItem {
            rowid,
            created,
            updated,
            team,
            source,
            intent,
            author,
            owner,
            requester,
            requester_signal,
            agent,
            has_priority,
            estimate,
            kind,
            provenance,
            flow,
            initial_state,
            current_state,
            first_event: _,
            event_count,
            transition_rows,
            out_of_order,
        } = item;
        for v in [rowid, created, updated] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        for v in [team, source, intent, author] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        b.push(enum_code(ItemKind::ALL, kind));
        b.push(enum_code(Provenance::ALL, provenance));
        b.push(enum_code(FlowState::ALL, flow));
        for v in [
            *initial_state,
            *current_state,
            next_event,
            *event_count,
            *transition_rows,
        ] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        b.push(u8::from(*out_of_order));
        for v in [owner, requester, agent] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        // No signal is 0, a signal its code plus one.
        b.push(requester_signal.map_or(0, |s| enum_code(RequesterSignal::ALL, &s) + 1));
        b.push(u8::from(*has_priority));
        // No estimate is NaN (an estimate is finite).
        b.extend_from_slice(&estimate.unwrap_or(f32::NAN).to_le_bytes());
        next_event += event_count;
    })?;
    out.column(&ix.item_ids)?;
    out.column(&ix.item_keys)?;
    out.column(&ix.item_titles_folded)?;

    out.u64(u64::from(next_event))?;
    for i in 0..ix.items.len() {
        out.records(ix.events_of(i), EVENT_WIDTH, |e, b| {
            b.extend_from_slice(&e.at.to_le_bytes());
            b.extend_from_slice(&e.tagged().to_le_bytes());
            b.extend_from_slice(&e.actor.to_le_bytes());
        })?;
    }

    out.u64(ix.links.len() as u64)?;
    out.records(&ix.links, LINK_WIDTH, |l, b| {
        b.extend_from_slice(&l.from.to_le_bytes());
        b.extend_from_slice(&l.to.to_le_bytes());
        b.push(enum_code(LinkKind::ALL, &l.kind));
        b.extend_from_slice(&l.created.to_le_bytes());
        b.extend_from_slice(&l.removed.unwrap_or(STANDS).to_le_bytes());
    })?;

    out.u64(ix.assignments.len() as u64)?;
    out.records(&ix.assignments, ASSIGNMENT_WIDTH, |a, b| {
        b.extend_from_slice(&a.item.to_le_bytes());
        b.extend_from_slice(&a.at.to_le_bytes());
        b.extend_from_slice(&a.actor.to_le_bytes());
        b.extend_from_slice(&a.assignee.to_le_bytes());
    })?;

    out.strings(ix.repaired.iter().map(|r| r.table.as_str()))?;
    out.strings(ix.repaired.iter().map(|r| r.row.as_str()))?;
    out.strings(ix.repaired.iter().map(|r| r.column.as_str()))?;
    Ok(())
}

/// Writes the snapshot of `ix` for the workspace at `workspace`: into a temporary file beside
/// it, renamed over the previous snapshot once complete. Returns the snapshot's size in bytes.
pub fn save(ix: &WorkIndex, workspace: &Path) -> CoreResult<u64> {
    save_as(ix, &ix.stamp, workspace)
}

/// [`save`] under another stamp: the snapshot of a copy of the workspace whose rows are the
/// ones `ix` was built from (a planning session's `VACUUM INTO`), under the copy's own stamp.
pub fn save_as(ix: &WorkIndex, stamp: &Stamp, workspace: &Path) -> CoreResult<u64> {
    save_paced(ix, stamp, workspace, &super::pace::Pace::unpaced())
}

/// [`save_as`], the writer giving way to the foreground's questions between blocks
/// ([`super::pace`]); a write stopped meanwhile leaves the old snapshot in place.
pub fn save_paced(
    ix: &WorkIndex,
    stamp: &Stamp,
    workspace: &Path,
    pace: &super::pace::Pace,
) -> CoreResult<u64> {
    if !stamp.is_known() {
        return Err(CoreError::Invalid(format!(
            "the work index of {} has no data version to save it under",
            workspace.display()
        )));
    }
    let target = path_for(workspace);
    let folder = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let failed = |source: std::io::Error| CoreError::File {
        path: target.clone(),
        action: "written",
        source,
    };
    // Nothing encoded while a question is being answered.
    pace.wait().map_err(failed)?;
    let temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(folder)
        .map_err(failed)?;
    let mut out = Out {
        inner: BufWriter::with_capacity(BLOCK, super::pace::Paced::new(temp.as_file(), pace)),
        crc: crc32fast::Hasher::new(),
        written: 0,
    };
    write_index(ix, stamp, &mut out).map_err(failed)?;
    let body = out.written;
    let crc = out.crc.clone().finalize();
    let total = body + TRAILER;
    out.inner.write_all(&crc.to_le_bytes()).map_err(failed)?;
    out.inner.write_all(&total.to_le_bytes()).map_err(failed)?;
    out.inner.write_all(END_MAGIC).map_err(failed)?;
    out.inner.flush().map_err(failed)?;
    drop(out);
    temp.persist(&target).map_err(|err| failed(err.error))?;
    Ok(total)
}

// ---------------------------------------------------------------------------------------------
// Reading

/// A reader that keeps the CRC-32 of what it read and refuses to read past the checksummed
/// part.
struct In<R: Read> {
    inner: R,
    crc: crc32fast::Hasher,
    /// Bytes of the checksummed part not read yet.
    left: u64,
    block: Vec<u8>,
}

impl<R: Read> In<R> {
    fn exact(&mut self, n: usize) -> Result<&[u8], Unused> {
        if n as u64 > self.left {
            return Err(damaged("a length runs past the end of the file"));
        }
        self.block.resize(n, 0);
        self.inner
            .read_exact(&mut self.block)
            .map_err(Unused::Unreadable)?;
        self.left -= n as u64;
        self.crc.update(&self.block);
        Ok(&self.block)
    }
    fn u8(&mut self) -> Result<u8, Unused> {
        Ok(self.exact(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, Unused> {
        let b = self.exact(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Result<u64, Unused> {
        let b = self.exact(8)?;
        Ok(u64::from_le_bytes(eight(b)))
    }
    fn i64(&mut self) -> Result<i64, Unused> {
        Ok(self.u64()? as i64)
    }
    /// A count of `width`-byte records that must fit in what is left of the file.
    fn count(&mut self, width: usize) -> Result<usize, Unused> {
        let n = self.u64()?;
        if n.saturating_mul(width.max(1) as u64) > self.left {
            return Err(damaged(format!(
                "{n} records do not fit in the {} bytes left",
                self.left
            )));
        }
        Ok(n as usize)
    }
    fn text(&mut self) -> Result<String, Unused> {
        let n = self.count(1)?;
        // Room for values replaced later (`index::room`); room never written is not resident.
        let mut bytes = Vec::with_capacity(room(n, 64));
        bytes.resize(n, 0u8);
        self.inner
            .read_exact(&mut bytes)
            .map_err(Unused::Unreadable)?;
        self.left -= n as u64;
        self.crc.update(&bytes);
        String::from_utf8(bytes).map_err(|_| damaged("text that is not UTF-8"))
    }
    /// `n` fixed-width records, read a block at a time and decoded by `decode`.
    fn records(
        &mut self,
        n: usize,
        width: usize,
        mut decode: impl FnMut(&[u8]) -> Result<(), Unused>,
    ) -> Result<(), Unused> {
        let per_block = (BLOCK / width).max(1);
        let mut left = n;
        while left > 0 {
            let take = left.min(per_block);
            let bytes = self.exact(take * width)?;
            for record in bytes.chunks_exact(width) {
                decode(record)?;
            }
            left -= take;
        }
        Ok(())
    }
    fn column(&mut self) -> Result<TextColumn, Unused> {
        let n = self.count(4)?;
        let mut ends = Vec::with_capacity(n);
        self.records(n, 4, |b| {
            ends.push(u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
            Ok(())
        })?;
        let text = self.text()?;
        TextColumn::from_ends(text, &ends).ok_or_else(|| damaged("a text column's ends"))
    }
    fn strings(&mut self) -> Result<Vec<String>, Unused> {
        Ok(self.column()?.iter().map(str::to_owned).collect())
    }
}

fn eight(b: &[u8]) -> [u8; 8] {
    [b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]
}
fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}
fn i64_at(b: &[u8], at: usize) -> i64 {
    i64::from_le_bytes(eight(&b[at..at + 8]))
}
fn decode_enum<T: Copy>(all: &[T], code: u8, what: &str) -> Result<T, Unused> {
    all.get(code as usize)
        .copied()
        .ok_or_else(|| damaged(format!("an unknown {what} code {code}")))
}
/// A position that must be below `len` (or [`NONE`] when `none_ok`).
fn position(v: u32, len: usize, none_ok: bool, what: &str) -> Result<u32, Unused> {
    if (v as usize) < len || (none_ok && v == NONE) {
        Ok(v)
    } else {
        Err(damaged(format!("{what} {v} out of range ({len})")))
    }
}

/// Loads the snapshot of the workspace at `workspace` if it holds the state `expected`
/// (read from the file just before). `generation` is the workspace's current generation.
pub fn load(workspace: &Path, expected: &Stamp, generation: u64) -> Result<WorkIndex, Unused> {
    if !expected.is_known() {
        return Err(Unused::Stale(
            "the workspace has no data version (no meta row)".into(),
        ));
    }
    let path = path_for(workspace);
    let mut file = match File::open(&path) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Err(Unused::Missing),
        Err(err) => return Err(Unused::Unreadable(err)),
    };
    let len = file.metadata().map_err(Unused::Unreadable)?.len();
    if len < MAGIC.len() as u64 + TRAILER {
        return Err(damaged(format!("cut short ({len} bytes)")));
    }
    // The trailer first: a file cut short or grown is refused before anything is read.
    file.seek(SeekFrom::End(-(TRAILER as i64)))
        .map_err(Unused::Unreadable)?;
    let mut trailer = [0u8; TRAILER as usize];
    file.read_exact(&mut trailer).map_err(Unused::Unreadable)?;
    if &trailer[12..20] != END_MAGIC {
        return Err(damaged("no end marker (cut short or not a snapshot)"));
    }
    let crc = u32_at(&trailer, 0);
    if i64_at(&trailer, 4) as u64 != len {
        return Err(damaged(format!(
            "its trailer says {} bytes, the file has {len}",
            i64_at(&trailer, 4)
        )));
    }
    file.seek(SeekFrom::Start(0)).map_err(Unused::Unreadable)?;
    let mut r = In {
        inner: BufReader::with_capacity(BLOCK, file),
        crc: crc32fast::Hasher::new(),
        left: len - TRAILER,
        block: Vec::with_capacity(BLOCK),
    };
    if r.exact(MAGIC.len())? != MAGIC {
        return Err(damaged("not a Baton index snapshot"));
    }
    let format = r.u32()?;
    if format != FORMAT_VERSION {
        return Err(Unused::Stale(format!(
            "format {format}, this build reads {FORMAT_VERSION}"
        )));
    }
    let build = r.text()?;
    if build != env!("CARGO_PKG_VERSION") {
        return Err(Unused::Stale(format!(
            "written by Baton {build}, this is {}",
            env!("CARGO_PKG_VERSION")
        )));
    }
    let stamp = Stamp {
        uid: r.text()?,
        writes: r.i64()?,
        version: r.text()?,
        max_item_rowid: r.i64()?,
        teams: r.i64()?,
        sources: r.i64()?,
        intents: r.i64()?,
        people: r.i64()?,
        identities: r.i64()?,
        schema_version: r.i64()?,
    };
    if &stamp != expected {
        return Err(Unused::Stale(format!(
            "it holds write {} of {} ({}), the file is at write {} of {} ({})",
            stamp.writes, stamp.uid, stamp.version, expected.writes, expected.uid, expected.version
        )));
    }
    let (mut ix, identities) = read_body(&mut r, stamp, generation)?;
    if r.left != 0 {
        return Err(damaged(format!("{} bytes after the last array", r.left)));
    }
    if r.crc.clone().finalize() != crc {
        return Err(damaged("its checksum does not match its bytes"));
    }
    ix.rebuild_lookups(identities.0, identities.1);
    ix.from_snapshot = true;
    Ok(ix)
}

/// The identities a snapshot holds: the rows read, and (source, login) → person.
type Identities = (usize, HashMap<(u32, String), u32>);

fn read_body<R: Read>(
    r: &mut In<R>,
    stamp: Stamp,
    generation: u64,
) -> Result<(WorkIndex, Identities), Unused> {
    let mut ix = WorkIndex {
        generation,
        stamp,
        ..WorkIndex::default()
    };
    ix.loaded_at(generation);
    ix.transition_rows = r.u64()?;
    ix.link_rows = r.u64()?;
    ix.standing_blocks_links = r.u64()?;

    let named = |ids: Vec<String>, names: Vec<String>, what: &str| {
        if ids.len() != names.len() {
            return Err(damaged(format!(
                "{what}: {} ids, {} names",
                ids.len(),
                names.len()
            )));
        }
        Ok(ids
            .into_iter()
            .zip(names)
            .map(|(id, name)| Named { id, name })
            .collect::<Vec<_>>())
    };
    let (ids, names) = (r.strings()?, r.strings()?);
    ix.teams = named(ids, names, "teams")?;
    let (ids, names) = (r.strings()?, r.strings()?);
    let sources = named(ids, names, "sources")?;
    ix.sources = Vec::with_capacity(sources.len());
    for s in sources {
        let kind = decode_enum(SourceKind::ALL, r.u8()?, "source kind")?;
        ix.sources.push(IndexedSource {
            id: s.id,
            name: s.name,
            kind,
        });
    }
    let (ids, names) = (r.strings()?, r.strings()?);
    ix.intents = named(ids, names, "intents")?;
    for _ in 0..ix.intents.len() {
        let parent = position(r.u32()?, ix.intents.len(), true, "intent parent")?;
        ix.intent_parents.push((parent != NONE).then_some(parent));
    }
    let (ids, names) = (r.strings()?, r.strings()?);
    ix.people = named(ids, names, "people")?;
    for _ in 0..ix.people.len() {
        ix.people_is_bot.push(r.u8()? != 0);
    }
    ix.agents = r
        .strings()?
        .into_iter()
        .map(String::into_boxed_str)
        .collect();
    let identity_rows = usize::try_from(r.u64()?)
        .map_err(|_| damaged("a count of identities too large for this machine"))?;
    let logins = r.strings()?;
    let mut login_of = HashMap::with_capacity(logins.len());
    for login in logins {
        let source = position(r.u32()?, ix.sources.len(), false, "identity source")?;
        let person = position(r.u32()?, ix.people.len(), false, "identity person")?;
        login_of.insert((source, login), person);
    }
    let raws = r.strings()?;
    ix.states = Vec::with_capacity(raws.len());
    for raw in raws {
        let source = position(r.u32()?, ix.sources.len(), true, "state source")?;
        ix.states.push(StateKey { source, raw });
    }

    let n_items = r.count(ITEM_WIDTH)?;
    let (teams, sources, intents, people, states, agents) = (
        ix.teams.len(),
        ix.sources.len(),
        ix.intents.len(),
        ix.people.len(),
        ix.states.len(),
        ix.agents.len(),
    );
    let mut items = Vec::with_capacity(room(n_items, 64));
    let mut next_event = 0u64;
    r.records(n_items, ITEM_WIDTH, |b| {
        let first_event = u32_at(b, 51);
        let event_count = u32_at(b, 55);
        if u64::from(first_event) != next_event {
            return Err(damaged("item changes out of order"));
        }
        next_event += u64::from(event_count);
        items.push(IndexedItem {
            rowid: i64_at(b, 0),
            created: i64_at(b, 8),
            updated: i64_at(b, 16),
            team: position(u32_at(b, 24), teams, true, "team")?,
            source: position(u32_at(b, 28), sources, true, "source")?,
            intent: position(u32_at(b, 32), intents, true, "intent")?,
            author: position(u32_at(b, 36), people, true, "person")?,
            kind: decode_enum(ItemKind::ALL, b[40], "item kind")?,
            provenance: decode_enum(Provenance::ALL, b[41], "provenance")?,
            flow: decode_enum(FlowState::ALL, b[42], "flow state")?,
            initial_state: position(u32_at(b, 43), states, true, "state")?,
            current_state: position(u32_at(b, 47), states, true, "state")?,
            first_event,
            event_count,
            transition_rows: u32_at(b, 59),
            out_of_order: b[63] != 0,
            owner: position(u32_at(b, 64), people, true, "owner")?,
            requester: position(u32_at(b, 68), people, true, "requester")?,
            agent: position(u32_at(b, 72), agents, true, "agent")?,
            requester_signal: match b[76] {
                0 => None,
                code => Some(decode_enum(
                    RequesterSignal::ALL,
                    code - 1,
                    "requester signal",
                )?),
            },
            has_priority: b[77] != 0,
            estimate: Some(f32::from_le_bytes([b[78], b[79], b[80], b[81]]))
                .filter(|e| e.is_finite()),
        });
        Ok(())
    })?;
    ix.items = items;
    ix.item_ids = r.column()?;
    ix.item_keys = r.column()?;
    ix.item_titles_folded = r.column()?;
    for (what, c) in [
        ("ids", &ix.item_ids),
        ("keys", &ix.item_keys),
        ("titles", &ix.item_titles_folded),
    ] {
        if c.len() != n_items {
            return Err(damaged(format!(
                "{} item {what} for {n_items} items",
                c.len()
            )));
        }
    }

    let n_events = r.count(EVENT_WIDTH)?;
    if n_events as u64 != next_event {
        return Err(damaged(format!(
            "{n_events} changes, the items name {next_event}"
        )));
    }
    let mut events = Vec::with_capacity(room(n_events, 16));
    r.records(n_events, EVENT_WIDTH, |b| {
        let actor = position(u32_at(b, 12), people, true, "actor")?;
        let event = Event::from_parts(i64_at(b, 0), u32_at(b, 8), actor);
        if event.kind() == EventKind::State {
            position(event.code(), states, true, "state")?;
        }
        events.push(event);
        Ok(())
    })?;
    ix.events = events;

    let n_links = r.count(LINK_WIDTH)?;
    let mut links = Vec::with_capacity(room(n_links, 16));
    r.records(n_links, LINK_WIDTH, |b| {
        let removed = i64_at(b, 17);
        links.push(IndexedLink {
            from: position(u32_at(b, 0), n_items, false, "link end")?,
            to: position(u32_at(b, 4), n_items, false, "link end")?,
            kind: decode_enum(LinkKind::ALL, b[8], "link kind")?,
            created: i64_at(b, 9),
            removed: (removed != STANDS).then_some(removed),
        });
        Ok(())
    })?;
    ix.links = links;

    let n_assignments = r.count(ASSIGNMENT_WIDTH)?;
    let mut assignments = Vec::with_capacity(n_assignments);
    r.records(n_assignments, ASSIGNMENT_WIDTH, |b| {
        assignments.push(Assignment {
            item: position(u32_at(b, 0), n_items, false, "assigned item")?,
            at: i64_at(b, 4),
            actor: position(u32_at(b, 12), people, true, "assigner")?,
            assignee: position(u32_at(b, 16), people, true, "assignee")?,
        });
        Ok(())
    })?;
    ix.assignments = assignments;

    let (tables, rows, columns) = (r.strings()?, r.strings()?, r.strings()?);
    if tables.len() != rows.len() || rows.len() != columns.len() {
        return Err(damaged("repaired text notes of different lengths"));
    }
    ix.repaired = tables
        .into_iter()
        .zip(rows)
        .zip(columns)
        .map(|((table, row), column)| RepairedText { table, row, column })
        .collect();
    Ok((ix, (identity_rows, login_of)))
}
