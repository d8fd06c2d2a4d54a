//! Derived answers kept beside the workspace, so a fresh process loads them instead of
//! computing them again: the duplicate candidates (`acme.baton-duplicates`) and the conflicting
//! changes (`acme.baton-conflicts`), each in a file of its own next to the index snapshot
//! (`acme.baton-index`, see [`super::snapshot`]).
//!
//! Like the index snapshot, such a file is only ever a cache. Its header names the state it was
//! computed from: the [`Stamp`] of the workspace (uid, count and random version of the writes
//! that changed what the index holds, largest item row id, row counts of the small tables, schema
//! version), a digest of what else the answer read that a write can change without moving the
//! stamp (for conflicts: owner rules, sensitive paths, `CODEOWNERS` files, file lists), and a
//! check of the index positions it speaks of (the item count and a sum over their row ids). It
//! is used only when all of them equal the workspace's now, its kind, format and the Baton
//! version that wrote it are this build's, its length is what its trailer says and the CRC-32 of
//! its bytes matches; a stale or damaged file is computed again (and written again), never
//! trusted. Writes go to a temporary file renamed over the old one.
//!
//! Layout (little-endian): magic `BATONKP\n`, the kind (8 bytes), the format version (u32),
//! the Baton version (text), the stamp, the digest (u64), the position check (u64 count, u64
//! sum), the payload (u64 length, bytes), then the CRC-32 of all before it (u32), the file's
//! length (u64) and `BATONEND`.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::index::WorkIndex;
use super::snapshot::{Stamp, Unused};
use crate::error::{CoreError, CoreResult};

const MAGIC: &[u8; 8] = b"BATONKP\n";
const END_MAGIC: &[u8; 8] = b"BATONEND";
/// CRC-32, total length, end magic.
const TRAILER: usize = 4 + 8 + 8;

/// Where the kept answer of `kind` for the workspace at `workspace` lives: `acme.baton-<kind>`.
pub fn path_for(workspace: &Path, kind: &str) -> PathBuf {
    let mut name = workspace.as_os_str().to_owned();
    name.push("-");
    name.push(kind);
    PathBuf::from(name)
}

/// What a kept answer must have been computed from to be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub stamp: Stamp,
    /// A digest of the other inputs (0 when there are none).
    pub inputs: u64,
    /// The index's item count and the sum of its items' row ids (the positions it speaks of).
    pub items: u64,
    pub rowids: u64,
}

impl Key {
    /// The key of an answer computed on `ix` (whose stamp it takes) with `inputs`.
    pub fn of(ix: &WorkIndex, inputs: u64) -> Key {
        Key {
            stamp: ix.stamp.clone(),
            inputs,
            items: ix.items.len() as u64,
            rowids: ix
                .items
                .iter()
                .fold(0u64, |s, i| s.wrapping_add(i.rowid as u64)),
        }
    }
}

/// A 64-bit FNV-1a digest of byte strings (stable across processes and builds).
#[derive(Debug, Clone, Copy)]
pub struct Digest(u64);

impl Default for Digest {
    fn default() -> Digest {
        Digest(0xcbf2_9ce4_8422_2325)
    }
}

impl Digest {
    /// Adds `bytes`, then a separator (so `"ab", "c"` and `"a", "bc"` differ).
    pub fn add(&mut self, bytes: &[u8]) {
        for b in bytes.iter().chain(std::iter::once(&0xffu8)) {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    pub fn finish(self) -> u64 {
        self.0
    }
}

/// Little-endian writer of a payload.
#[derive(Debug, Default)]
pub struct Enc {
    pub buf: Vec<u8>,
}

impl Enc {
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }
    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn i64(&mut self, v: i64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn f32(&mut self, v: f32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn f64(&mut self, v: f64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    /// A count (u64).
    pub fn len(&mut self, n: usize) {
        self.u64(n as u64);
    }
    pub fn bytes(&mut self, v: &[u8]) {
        self.len(v.len());
        self.buf.extend_from_slice(v);
    }
    pub fn text(&mut self, v: &str) {
        self.bytes(v.as_bytes());
    }
}

/// Little-endian reader of a payload: every read is None past the end (damage, not a panic).
#[derive(Debug)]
pub struct Dec<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Dec<'a> {
    pub fn new(data: &'a [u8]) -> Dec<'a> {
        Dec { data, at: 0 }
    }
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let out = self.data.get(self.at..end)?;
        self.at = end;
        Some(out)
    }
    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }
    pub fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    /// `n` little-endian `u32`s, borrowed from the payload as their bytes.
    pub fn u32s(&mut self, n: usize) -> Option<&'a [u8]> {
        self.take(n.checked_mul(4)?)
    }
    pub fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.array()?))
    }
    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.array()?))
    }
    pub fn i64(&mut self) -> Option<i64> {
        Some(i64::from_le_bytes(self.array()?))
    }
    pub fn f32(&mut self) -> Option<f32> {
        Some(f32::from_le_bytes(self.array()?))
    }
    pub fn f64(&mut self) -> Option<f64> {
        Some(f64::from_le_bytes(self.array()?))
    }
    /// A count of elements at least `each` bytes long: None when the bytes left cannot hold
    /// them.
    pub fn len(&mut self, each: usize) -> Option<usize> {
        let n = usize::try_from(self.u64()?).ok()?;
        (n.checked_mul(each.max(1))? <= self.data.len() - self.at).then_some(n)
    }
    pub fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.len(1)?;
        self.take(n)
    }
    pub fn text(&mut self) -> Option<String> {
        self.str().map(str::to_owned)
    }
    /// A text, borrowed from the payload.
    pub fn str(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes()?).ok()
    }
    /// How many bytes were read.
    pub fn position(&self) -> usize {
        self.at
    }
    /// Whether every byte was read.
    pub fn done(&self) -> bool {
        self.at == self.data.len()
    }
}

fn kind_bytes(kind: &str) -> [u8; 8] {
    let mut out = [b' '; 8];
    for (o, b) in out.iter_mut().zip(kind.bytes()) {
        *o = b;
    }
    out
}

fn put_stamp(e: &mut Enc, s: &Stamp) {
    e.text(&s.uid);
    e.i64(s.writes);
    e.text(&s.version);
    for v in [
        s.max_item_rowid,
        s.teams,
        s.sources,
        s.intents,
        s.people,
        s.identities,
        s.schema_version,
    ] {
        e.i64(v);
    }
}

fn get_stamp(d: &mut Dec<'_>) -> Option<Stamp> {
    Some(Stamp {
        uid: d.text()?,
        writes: d.i64()?,
        version: d.text()?,
        max_item_rowid: d.i64()?,
        teams: d.i64()?,
        sources: d.i64()?,
        intents: d.i64()?,
        people: d.i64()?,
        identities: d.i64()?,
        schema_version: d.i64()?,
    })
}

/// The whole file of a kept answer (see the module's text).
pub fn encode(kind: &str, format: u32, key: &Key, payload: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(payload.len() + 256);
    // (Writing into a `Vec` does not fail.)
    let _ = write_file(&mut bytes, kind, format, key, payload);
    bytes
}

/// Writes the file of a kept answer ([`encode`]'s bytes) to `out` in three writes: the header,
/// the payload as it is, the trailer. The checksum is taken as they go, so the payload is
/// never copied (at 200,000 items the duplicates' is ~50 MB).
fn write_file<W: Write>(
    out: &mut W,
    kind: &str,
    format: u32,
    key: &Key,
    payload: &[u8],
) -> std::io::Result<()> {
    let mut head = Enc {
        buf: Vec::with_capacity(256),
    };
    head.buf.extend_from_slice(MAGIC);
    head.buf.extend_from_slice(&kind_bytes(kind));
    head.u32(format);
    head.text(env!("CARGO_PKG_VERSION"));
    put_stamp(&mut head, &key.stamp);
    head.u64(key.inputs);
    head.u64(key.items);
    head.u64(key.rowids);
    head.len(payload.len());
    let mut crc = crc32fast::Hasher::new();
    crc.update(&head.buf);
    crc.update(payload);
    let total = (head.buf.len() + payload.len() + TRAILER) as u64;
    let mut tail = Enc {
        buf: Vec::with_capacity(TRAILER),
    };
    tail.u32(crc.finalize());
    tail.u64(total);
    tail.buf.extend_from_slice(END_MAGIC);
    out.write_all(&head.buf)?;
    out.write_all(payload)?;
    out.write_all(&tail.buf)
}

/// The payload of a kept answer's file `bytes` when it was written for `key` by this build
/// (`kind`, `format`), else why not.
pub fn decode<'a>(bytes: &'a [u8], kind: &str, format: u32, key: &Key) -> Result<&'a [u8], Unused> {
    let range = payload_range(bytes, kind, format, key)?;
    Ok(&bytes[range])
}

/// Where [`decode`]'s payload lies in `bytes`.
fn payload_range(
    bytes: &[u8],
    kind: &str,
    format: u32,
    key: &Key,
) -> Result<std::ops::Range<usize>, Unused> {
    let damaged = |why: &str| Unused::Damaged(why.to_owned());
    if bytes.len() < MAGIC.len() + TRAILER || &bytes[..MAGIC.len()] != MAGIC {
        return Err(damaged("not a kept answer"));
    }
    let body = bytes.len() - TRAILER;
    let mut t = Dec::new(&bytes[body..]);
    let (crc, total) = (t.u32(), t.u64());
    if &bytes[bytes.len() - END_MAGIC.len()..] != END_MAGIC || total != Some(bytes.len() as u64) {
        return Err(damaged("cut short"));
    }
    if crc != Some(crc32fast::hash(&bytes[..body])) {
        return Err(damaged("checksum mismatch"));
    }
    let mut d = Dec::new(&bytes[MAGIC.len()..body]);
    if d.take(8) != Some(&kind_bytes(kind)[..]) {
        return Err(damaged("another kind of answer"));
    }
    if d.u32() != Some(format) {
        return Err(Unused::Stale("another format".into()));
    }
    if d.text().as_deref() != Some(env!("CARGO_PKG_VERSION")) {
        return Err(Unused::Stale("written by another Baton".into()));
    }
    let stamp = get_stamp(&mut d).ok_or_else(|| damaged("header"))?;
    if stamp != key.stamp {
        return Err(Unused::Stale("the workspace changed since".into()));
    }
    if d.u64() != Some(key.inputs) {
        return Err(Unused::Stale(
            "what it was computed from changed since".into(),
        ));
    }
    if d.u64() != Some(key.items) || d.u64() != Some(key.rowids) {
        return Err(Unused::Stale("the index holds other items".into()));
    }
    let payload = d.bytes().ok_or_else(|| damaged("payload"))?;
    if !d.done() {
        return Err(damaged("bytes after the payload"));
    }
    // (The reader `d` reads the body, which starts after the magic.)
    let start = MAGIC.len() + d.position() - payload.len();
    Ok(start..start + payload.len())
}

/// Reads the kept answer at `path` (see [`decode`]).
pub fn load(path: &Path, kind: &str, format: u32, key: &Key) -> Result<Vec<u8>, Unused> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Err(Unused::Missing),
        Err(err) => return Err(Unused::Unreadable(err)),
    };
    // The payload is cut out of the bytes read rather than copied (a second ~50 MB at 200,000
    // items for the duplicates).
    let range = payload_range(&bytes, kind, format, key)?;
    let mut bytes = bytes;
    bytes.truncate(range.end);
    bytes.drain(..range.start);
    Ok(bytes)
}

/// Writes a kept answer to `path`: to a temporary file in the same folder, renamed over the
/// old one once complete.
pub fn save(
    path: &Path,
    kind: &str,
    format: u32,
    key: &Key,
    payload: &[u8],
) -> std::io::Result<()> {
    save_paced(
        path,
        kind,
        format,
        key,
        payload,
        &super::pace::Pace::unpaced(),
    )
}

/// [`save`], giving way to the foreground's questions before it starts and between blocks
/// ([`super::pace`]); a write stopped meanwhile leaves the old file in place.
pub fn save_paced(
    path: &Path,
    kind: &str,
    format: u32,
    key: &Key,
    payload: &[u8],
    pace: &super::pace::Pace,
) -> std::io::Result<()> {
    pace.wait()?;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
    let mut tmp = tempfile::NamedTempFile::new_in(dir.unwrap_or_else(|| Path::new(".")))?;
    write_file(
        &mut super::pace::Paced::new(tmp.as_file_mut(), pace),
        kind,
        format,
        key,
        payload,
    )?;
    tmp.as_file().sync_data()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A write beside the workspace scheduled and not known to be over.
struct Pending {
    /// Drops it while it waits (a later write replaces it).
    stop: tokio_util::sync::CancellationToken,
    /// Writes it now rather than once its delay is over.
    hurry: tokio_util::sync::CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

/// The writes of one kind of kept answer scheduled in a workspace: a slot of its derived state,
/// named by the caller (one name per kind).
type Scheduled = std::sync::Mutex<Vec<Pending>>;

/// Runs `write` (blocking work: encoding and [`save_paced`] with the [`Pace`] it is given) on a
/// blocking thread after `delay`, in the background, giving way to the foreground's questions
/// (see [`super::pace`]; not once hurried). One of the same `writes` slot still waiting is
/// dropped: the later answer replaces it (one writing finishes on its own). A failed write is
/// logged, never an error: the file is only a cache.
///
/// [`Pace`]: super::pace::Pace
pub(crate) fn schedule(
    ws: &super::Workspace,
    writes: &'static str,
    delay: std::time::Duration,
    write: impl FnOnce(&super::pace::Pace) -> CoreResult<()> + Send + 'static,
) {
    let (stop, hurry) = (
        tokio_util::sync::CancellationToken::new(),
        tokio_util::sync::CancellationToken::new(),
    );
    let (stopped, hurried) = (stop.clone(), hurry.clone());
    let pace = super::pace::Pace::giving_way(ws.foreground(), stop.clone(), Some(hurry.clone()));
    let task = tokio::spawn(async move {
        tokio::select! {
            biased;
            () = stopped.cancelled() => return,
            () = hurried.cancelled() => {}
            () = tokio::time::sleep(delay) => {}
        }
        match tokio::task::spawn_blocking(move || write(&pace)).await {
            Ok(Err(CoreError::Io(err))) if super::pace::is_stopped(&err) => {
                tracing::debug!(writes, "a write beside the workspace stopped: superseded");
            }
            Ok(Err(err)) => {
                tracing::warn!(%err, writes, "an answer could not be kept beside the workspace")
            }
            Err(err) => {
                tracing::warn!(%err, writes, "keeping an answer beside the workspace stopped")
            }
            Ok(Ok(())) => {}
        }
    });
    if let Ok(mut pending) = ws.derived_slot::<Scheduled>(writes).lock() {
        for p in pending.iter() {
            p.stop.cancel();
        }
        pending.retain(|p| !p.task.is_finished());
        pending.push(Pending { stop, hurry, task });
    }
}

/// What [`settle`] does with a write still waiting for its delay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Waiting {
    /// Drop it (the caller writes the answer itself).
    Drop,
    /// Write it now.
    WriteNow,
}

/// Deals with the writes of the `writes` slot still waiting (see [`Waiting`]) and waits for
/// every write under way.
pub(crate) async fn settle(ws: &super::Workspace, writes: &'static str, waiting: Waiting) {
    let pending = ws
        .derived_slot::<Scheduled>(writes)
        .lock()
        .map(|mut p| std::mem::take(&mut *p))
        .unwrap_or_default();
    for p in pending {
        match waiting {
            Waiting::Drop => p.stop.cancel(),
            Waiting::WriteNow => p.hurry.cancel(),
        }
        // One waiting for the foreground to be idle sees it now.
        ws.foreground().wake();
        if let Err(err) = p.task.await {
            tracing::warn!(%err, writes, "keeping an answer beside the workspace stopped");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Key {
        Key {
            stamp: Stamp {
                uid: "u".into(),
                writes: 3,
                version: "v".into(),
                max_item_rowid: 10,
                ..Stamp::default()
            },
            inputs: 7,
            items: 10,
            rowids: 55,
        }
    }

    #[test]
    fn a_kept_answer_is_used_only_for_its_state_and_intact() {
        let file = encode("test", 1, &key(), b"payload");
        assert_eq!(decode(&file, "test", 1, &key()).ok(), Some(&b"payload"[..]));
        let mut other = key();
        other.stamp.writes = 4;
        assert!(matches!(
            decode(&file, "test", 1, &other),
            Err(Unused::Stale(_))
        ));
        other = key();
        other.inputs = 8;
        assert!(matches!(
            decode(&file, "test", 1, &other),
            Err(Unused::Stale(_))
        ));
        other = key();
        other.rowids = 56;
        assert!(matches!(
            decode(&file, "test", 1, &other),
            Err(Unused::Stale(_))
        ));
        assert!(matches!(
            decode(&file, "test", 2, &key()),
            Err(Unused::Stale(_))
        ));
        assert!(matches!(
            decode(&file, "other", 1, &key()),
            Err(Unused::Damaged(_))
        ));
        for at in [0, 9, 20, file.len() / 2, file.len() - 30, file.len() - 1] {
            let mut bad = file.clone();
            bad[at] ^= 0x20;
            assert!(
                decode(&bad, "test", 1, &key()).is_err(),
                "a byte changed at {at} is damage"
            );
        }
        for cut in [0, 5, file.len() / 2, file.len() - 1] {
            assert!(
                decode(&file[..cut], "test", 1, &key()).is_err(),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn a_saved_answer_is_the_encoded_bytes_and_loads_its_payload() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.baton-test");
        let payload: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        save(&path, "test", 1, &key(), &payload).unwrap();
        let written = std::fs::read(&path).unwrap();
        assert_eq!(written, encode("test", 1, &key(), &payload));
        // The layout the module describes: the payload after its length, the CRC-32 of all
        // before the trailer, the file's length, the end magic.
        let body = written.len() - TRAILER;
        let at = body - payload.len();
        assert_eq!(&written[at..body], &payload[..]);
        assert_eq!(
            &written[at - 8..at],
            &(payload.len() as u64).to_le_bytes()[..]
        );
        assert_eq!(
            &written[body..body + 4],
            &crc32fast::hash(&written[..body]).to_le_bytes()[..]
        );
        assert_eq!(
            &written[body + 4..body + 12],
            &(written.len() as u64).to_le_bytes()[..]
        );
        assert_eq!(&written[body + 12..], END_MAGIC);
        assert_eq!(load(&path, "test", 1, &key()).ok(), Some(payload.clone()));
        // Damaged on disk: not used.
        let mut bad = written.clone();
        bad[at + 10] ^= 1;
        std::fs::write(&path, &bad).unwrap();
        assert!(matches!(
            load(&path, "test", 1, &key()),
            Err(Unused::Damaged(_))
        ));
        assert!(matches!(
            load(&dir.path().join("none"), "test", 1, &key()),
            Err(Unused::Missing)
        ));
    }

    #[test]
    fn a_reader_refuses_counts_the_bytes_cannot_hold() {
        let mut e = Enc::default();
        e.len(1_000);
        e.u32(1);
        let mut d = Dec::new(&e.buf);
        assert_eq!(d.len(4), None);
        let mut d = Dec::new(&e.buf);
        assert_eq!(d.bytes(), None);
        let mut e = Enc::default();
        e.text("abc");
        e.f64(0.5);
        let mut d = Dec::new(&e.buf);
        assert_eq!(d.text().as_deref(), Some("abc"));
        assert_eq!(d.f64(), Some(0.5));
        assert!(d.done());
        assert_eq!(d.u8(), None);
    }
}
