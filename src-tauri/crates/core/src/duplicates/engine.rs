//! The candidate engine: which pairs of items have titles alike enough to be looked at, kept
//! between questions and brought up to date item by item after a sync page.
//!
//! Building reads every item's folded title from the in-memory index once: its words
//! ([`text::words`]), their document frequencies, a MinHash signature and its bands. Items whose
//! titles meet in a band bucket are compared exactly (IDF-weighted cosine of their words); pairs
//! at or above [`MIN_TEXT`] are kept with that similarity. Everything else a candidate's score
//! needs (teams, intents, links, times, decisions) is read when it is asked for, so a link or a
//! decision never needs the engine rebuilt.

use rustc_hash::{FxHashMap, FxHashSet};

use super::text::{self, BANDS};
use crate::flow::engine::in_parts;
use crate::graph::index::WorkIndex;
use crate::graph::model::{ItemKind, Provenance};

/// The least title similarity a pair needs to be kept.
pub const MIN_TEXT: f64 = 0.5;
/// A band bucket holding more items than this is too common a title to call anything a
/// duplicate of (template titles, "Bump dependencies"): its pairs are not compared.
pub const MAX_BUCKET: usize = 48;

/// What changed an item's candidacy: its row, its update time (a changed title moves it), team,
/// source, provenance and kind. Cheap: no text is read.
fn fingerprint(ix: &WorkIndex, i: usize) -> u64 {
    let item = &ix.items[i];
    let mut h = text::mix(item.rowid as u64);
    for part in [
        item.updated as u64,
        u64::from(item.team),
        u64::from(item.source),
        item.provenance as u64,
        item.kind as u64,
    ] {
        h = text::mix(h ^ part);
    }
    h
}

fn side(ix: &WorkIndex, i: usize) -> (u32, bool) {
    let item = &ix.items[i];
    (item.team, item.kind == ItemKind::PullRequest)
}

/// What an engine read back ([`Engine::decode`]) takes from the index it was kept for: each
/// item's fingerprint and side. Taken when the kept file is loaded, so that the engine can be
/// read later, after the index has moved on (and is then followed from there).
#[derive(Debug, Default)]
pub struct Basis {
    fingerprints: Vec<u64>,
    sides: Vec<(u32, bool)>,
}

impl Basis {
    pub fn of(ix: &WorkIndex) -> Basis {
        let n = ix.items.len();
        Basis {
            fingerprints: (0..n).map(|i| fingerprint(ix, i)).collect(),
            sides: (0..n).map(|i| side(ix, i)).collect(),
        }
    }

    /// How many items the index had.
    pub fn len(&self) -> usize {
        self.fingerprints.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fingerprints.is_empty()
    }
}

/// Whether an item can be a duplicate at all: automations (dependency updates, releases) and
/// reviews, approvals and deployments repeat by nature.
pub fn comparable(ix: &WorkIndex, i: usize) -> bool {
    let item = &ix.items[i];
    item.provenance != Provenance::Automation
        && !matches!(
            item.kind,
            ItemKind::Review | ItemKind::Approval | ItemKind::Deployment
        )
}

/// The engine's state (see the module's documentation).
#[derive(Debug, Default, Clone)]
pub struct Engine {
    /// Items seen (positions `0..len` of the index).
    len: usize,
    fingerprints: Vec<u64>,
    /// Each item's words (empty when not comparable).
    words: Vec<Vec<u64>>,
    /// Each item's team (or [`NONE`](crate::graph::index::NONE)) and whether it is a pull
    /// request: only items of two teams and of one nature are compared.
    sides: Vec<(u32, bool)>,
    /// Document frequency of each word over comparable items.
    df: FxHashMap<u64, u32>,
    docs: u32,
    buckets: Buckets,
    /// Pairs (smaller position first) at or above [`MIN_TEXT`], with their title similarity.
    pairs: FxHashMap<(u32, u32), f32>,
    /// While a build compares: each item's word weights (same order as its words) and their
    /// sum, worked out once from the finished word frequencies instead of for every pair.
    /// Empty otherwise (an update weighs with the frequencies of the moment).
    weighed: Vec<(Vec<f64>, f64)>,
    /// Loaded from a kept file ([`Engine::decode`]): `df` and `buckets` are not built yet
    /// (only an update reads them; [`Engine::index_words`] builds them first).
    unindexed: bool,
}

/// The items of each band key. Most keys hold one item (a title nobody else's resembles in that
/// band): those are kept as a plain key → item entry, and only keys shared by several items get
/// a list of their own (a list per key costs its header and an allocation, most of the memory
/// of 16 keys per item at 200,000 items). Within a key the items are in the order they were
/// added, as in a list per key.
#[derive(Debug, Default, Clone)]
pub struct Buckets {
    one: FxHashMap<u64, u32>,
    many: FxHashMap<u64, Vec<u32>>,
}

impl Buckets {
    /// Adds `item` to the bucket of `key` (last).
    pub fn push(&mut self, key: u64, item: u32) {
        if let Some(items) = self.many.get_mut(&key) {
            items.push(item);
        } else if let Some(first) = self.one.remove(&key) {
            self.many.insert(key, vec![first, item]);
        } else {
            self.one.insert(key, item);
        }
    }

    /// Takes every `item` out of the bucket of `key`.
    pub fn remove(&mut self, key: u64, item: u32) {
        if let Some(items) = self.many.get_mut(&key) {
            items.retain(|&x| x != item);
            match items.as_slice() {
                [] => {
                    self.many.remove(&key);
                }
                [only] => {
                    let only = *only;
                    self.many.remove(&key);
                    self.one.insert(key, only);
                }
                _ => {}
            }
        } else if self.one.get(&key) == Some(&item) {
            self.one.remove(&key);
        }
    }

    /// The items of `key`'s bucket (empty when none).
    pub fn get(&self, key: u64) -> &[u32] {
        if let Some(items) = self.many.get(&key) {
            return items;
        }
        self.one.get(&key).map_or(&[], std::slice::from_ref)
    }

    pub fn clear(&mut self) {
        self.one.clear();
        self.many.clear();
    }
}

/// Progress of a build: (items done, items in all).
pub type Progress<'a> = &'a mut (dyn FnMut(usize, usize) + Send);

impl Engine {
    /// Builds the engine over every item of `ix`, its items read and compared in parts on one
    /// thread per core (at least 16,384 items a part: `flow::engine::threads_for`).
    pub fn build(ix: &WorkIndex, progress: Progress<'_>) -> Engine {
        Engine::build_in_parts(
            ix,
            progress,
            crate::flow::engine::threads_for(ix.items.len()),
        )
    }

    /// [`Engine::build`] with the items cut into `parts` parts: the same engine whatever the
    /// cut (an item's words and keys are its title's alone, and the pairs found are kept in
    /// item order, as one pass keeps them).
    pub(crate) fn build_in_parts(ix: &WorkIndex, progress: Progress<'_>, parts: usize) -> Engine {
        let n = ix.items.len();
        let mut e = Engine {
            len: n,
            fingerprints: Vec::with_capacity(n),
            words: Vec::with_capacity(n),
            sides: Vec::with_capacity(n),
            ..Engine::default()
        };
        // Each item's band keys, while the build compares (afterwards they are worked out from
        // an item's words when an update needs them: 136 bytes an item otherwise).
        let mut bands: Vec<Option<[u64; BANDS]>> = Vec::with_capacity(n);
        // Half of the progress is reading the titles, half comparing.
        let total = n * 2;
        // Each item's words and band keys are its title's alone: read in parts on one thread
        // per core, then counted and bucketed here in item order.
        let read = in_parts(n, parts, "baton-duplicates", |range| {
            range.map(|i| Engine::read(ix, i)).collect::<Vec<_>>()
        });
        for (i, (words, keys)) in read.into_iter().flatten().enumerate() {
            e.fingerprints.push(fingerprint(ix, i));
            if !words.is_empty() {
                e.docs += 1;
                for w in &words {
                    *e.df.entry(*w).or_insert(0) += 1;
                }
            }
            if let Some(keys) = &keys {
                for key in keys {
                    e.buckets.push(*key, i as u32);
                }
            }
            e.words.push(words);
            bands.push(keys);
            e.sides.push(side(ix, i));
            if i % 8_192 == 0 {
                progress(i, total);
            }
        }
        e.weighed = e
            .words
            .iter()
            .map(|words| {
                let weights: Vec<f64> = words.iter().map(|w| text::weight(e.idf(*w))).collect();
                let sum = weights.iter().sum();
                (weights, sum)
            })
            .collect();
        // Each item is compared with those after it that share a band, in parts on one thread
        // per core; the pairs found are kept in item order, as one pass keeps them. Every part
        // reports the items it compared, 8,192 at a time, through one lock (so the progress
        // told only grows).
        progress(n, total);
        let compared = std::sync::Mutex::new((n, progress));
        let found = in_parts(n, parts, "baton-duplicates", |range| {
            let mut found = Vec::new();
            let (end, mut since) = (range.end, 0);
            for i in range {
                found.extend(e.alike(i as u32, bands[i], None, false));
                since += 1;
                if since == 8_192 || i + 1 == end {
                    if let Ok(mut told) = compared.lock() {
                        let (done, progress) = &mut *told;
                        *done = (*done + since).min(total);
                        progress(*done, total);
                    }
                    since = 0;
                }
            }
            found
        });
        let progress = match compared.into_inner() {
            Ok((_, progress)) => progress,
            Err(poisoned) => poisoned.into_inner().1,
        };
        // Room for every pair at once: the map then grows the same way however the items
        // were cut, and holds its pairs in the same order.
        e.pairs.reserve(found.iter().map(Vec::len).sum());
        for part in found {
            e.pairs.extend(part);
        }
        progress(total, total);
        e.weighed = Vec::new();
        e
    }

    /// An item's words and band keys.
    fn read(ix: &WorkIndex, i: usize) -> (Vec<u64>, Option<[u64; BANDS]>) {
        if !comparable(ix, i) {
            return (Vec::new(), None);
        }
        let words = text::words(ix.item_titles_folded.get(i).unwrap_or(""));
        let keys = Engine::bands_of(&words);
        (words, keys)
    }

    /// The band keys of an item's words (None under two words: one word is too little to call
    /// two titles the same work). An item that cannot be compared has no words, so no keys.
    fn bands_of(words: &[u64]) -> Option<[u64; BANDS]> {
        if words.len() < 2 {
            return None;
        }
        let sig = text::signature(words);
        let mut keys = [0u64; BANDS];
        for (band, key) in keys.iter_mut().enumerate() {
            *key = text::band_key(&sig, band);
        }
        Some(keys)
    }

    /// Compares item `i` with the items it shares a bucket with (when `all` is false, only
    /// those after it) and keeps the pairs alike enough. `seen` holds the pairs already
    /// compared by an update that compares several items.
    fn compare_from(
        &mut self,
        i: u32,
        keys: Option<[u64; BANDS]>,
        seen: Option<&mut FxHashSet<(u32, u32)>>,
        all: bool,
    ) {
        let found = self.alike(i, keys, seen, all);
        self.pairs.extend(found);
    }

    /// The pairs of item `i` and the items it shares a bucket with (when `all` is false, only
    /// those after it) alike enough to keep, in the order of the other item's position; those
    /// already in `seen` are skipped, and the others added to it.
    fn alike(
        &self,
        i: u32,
        keys: Option<[u64; BANDS]>,
        seen: Option<&mut FxHashSet<(u32, u32)>>,
        all: bool,
    ) -> Vec<((u32, u32), f32)> {
        let Some(keys) = keys else {
            return Vec::new();
        };
        // The items sharing a band with `i`, each once.
        let mut others: Vec<u32> = Vec::new();
        for key in keys {
            let bucket = self.buckets.get(key);
            if bucket.len() > MAX_BUCKET {
                continue;
            }
            others.extend(bucket.iter().copied().filter(|&j| j != i && (all || j > i)));
        }
        others.sort_unstable();
        others.dedup();
        let mut seen = seen;
        let mut found: Vec<((u32, u32), f32)> = Vec::new();
        for j in others {
            if !self.may_pair(i as usize, j as usize) {
                continue;
            }
            let pair = (i.min(j), i.max(j));
            if let Some(seen) = seen.as_deref_mut() {
                if !seen.insert(pair) {
                    continue;
                }
            }
            let sim = self.similarity(i as usize, j as usize);
            if sim >= MIN_TEXT {
                found.push((pair, sim as f32));
            }
        }
        found
    }

    fn may_pair(&self, a: usize, b: usize) -> bool {
        let ((ta, pa), (tb, pb)) = (self.sides[a], self.sides[b]);
        (ta != tb || ta == crate::graph::index::NONE) && pa == pb
    }

    /// Inverse document frequency of a word: rare words weigh more.
    pub fn idf(&self, word: u64) -> f64 {
        let df = f64::from(self.df.get(&word).copied().unwrap_or(0));
        ((f64::from(self.docs) + 1.0) / (df + 1.0)).ln() + 1.0
    }

    /// The title similarity of two items (0..1).
    pub fn similarity(&self, a: usize, b: usize) -> f64 {
        let (Some(wa), Some(wb)) = (self.words.get(a), self.words.get(b)) else {
            return 0.0;
        };
        if let (Some((weights, na)), Some((_, nb))) = (self.weighed.get(a), self.weighed.get(b)) {
            return text::similarity_from(text::common_weight(wa, weights, wb), *na, *nb);
        }
        text::weighted_cosine(wa, wb, |w| self.idf(w))
    }

    /// Brings the engine up to date with `ix` (same workspace, later generation): items whose
    /// title, team, source, provenance or kind changed, and new items, are read and compared
    /// again. Word frequencies follow the changed items. Returns the positions of the items
    /// re-read (ascending), or None for an index with fewer items than the engine (items
    /// deleted): it needs [`Engine::build`].
    pub fn update(&mut self, ix: &WorkIndex) -> Option<Vec<u32>> {
        let n = ix.items.len();
        if n < self.len {
            return None;
        }
        self.index_words();
        let mut changed: Vec<u32> = Vec::new();
        for i in 0..n {
            let fp = fingerprint(ix, i);
            if i >= self.len {
                self.fingerprints.push(fp);
                self.words.push(Vec::new());
                self.sides.push(side(ix, i));
                changed.push(i as u32);
            } else if self.fingerprints[i] != fp {
                self.fingerprints[i] = fp;
                self.sides[i] = side(ix, i);
                changed.push(i as u32);
            }
        }
        self.len = n;
        if changed.is_empty() {
            return Some(changed);
        }
        // Take the changed items out.
        for &i in &changed {
            let iu = i as usize;
            if !self.words[iu].is_empty() {
                self.docs = self.docs.saturating_sub(1);
                for w in &self.words[iu] {
                    if let Some(c) = self.df.get_mut(w) {
                        *c = c.saturating_sub(1);
                    }
                }
            }
            if let Some(keys) = Engine::bands_of(&self.words[iu]) {
                for key in keys {
                    self.buckets.remove(key, i);
                }
            }
        }
        let changed_set: FxHashSet<u32> = changed.iter().copied().collect();
        self.pairs
            .retain(|(a, b), _| !changed_set.contains(a) && !changed_set.contains(b));
        // Put them back as they are now.
        for &i in &changed {
            let (words, keys) = Engine::read(ix, i as usize);
            if !words.is_empty() {
                self.docs += 1;
                for w in &words {
                    *self.df.entry(*w).or_insert(0) += 1;
                }
            }
            if let Some(keys) = &keys {
                for key in keys {
                    self.buckets.push(*key, i);
                }
            }
            self.words[i as usize] = words;
        }
        let mut seen = FxHashSet::default();
        for &i in &changed {
            let keys = Engine::bands_of(&self.words[i as usize]);
            self.compare_from(i, keys, Some(&mut seen), true);
        }
        Some(changed)
    }

    /// Builds the word frequencies and the band buckets of an engine loaded from a kept file
    /// from its items' words (what a build counts as it reads them).
    fn index_words(&mut self) {
        if !self.unindexed {
            return;
        }
        self.unindexed = false;
        self.df.clear();
        self.buckets.clear();
        self.docs = 0;
        for (i, words) in self.words.iter().enumerate() {
            if !words.is_empty() {
                self.docs += 1;
                for w in words {
                    *self.df.entry(*w).or_insert(0) += 1;
                }
            }
            if let Some(keys) = Engine::bands_of(words) {
                for key in keys {
                    self.buckets.push(key, i as u32);
                }
            }
        }
    }

    /// Writes what [`Engine::decode`] reads back: each item's words and bands and the pairs
    /// (the fingerprints and sides are the index's, worked out again on load; the bands, the
    /// frequencies and buckets are worked out from the words when an update needs them).
    pub fn encode(&self, e: &mut crate::graph::kept::Enc) {
        e.len(self.len);
        for words in &self.words {
            e.len(words.len());
            for w in words {
                e.u64(*w);
            }
        }
        for words in &self.words {
            match Engine::bands_of(words) {
                None => e.u8(0),
                Some(keys) => {
                    e.u8(1);
                    for k in keys {
                        e.u64(k);
                    }
                }
            }
        }
        // In pair order, so that equal engines write equal bytes.
        let mut pairs: Vec<((u32, u32), f32)> = self.pairs().collect();
        pairs.sort_unstable_by_key(|(p, _)| *p);
        e.len(pairs.len());
        for ((a, b), sim) in pairs {
            e.u32(a);
            e.u32(b);
            e.f32(sim);
        }
    }

    /// How many bytes [`Engine::encode`] writes: its buffer is made that large at once rather
    /// than grown by doubling, which held up to twice the payload while it was copied (the
    /// engine is most of the duplicates' kept payload, ~50 MB at 200,000 items).
    pub fn encoded_len(&self) -> usize {
        let words: usize = self.words.iter().map(|w| 8 + 8 * w.len()).sum();
        let bands: usize = self
            .words
            .iter()
            .map(|w| if w.len() < 2 { 1 } else { 1 + 8 * BANDS })
            .sum();
        8 + words + bands + 8 + 12 * self.pairs.len()
    }

    /// The engine [`Engine::encode`] wrote, for the index whose [`Basis`] it was kept for
    /// (None: damaged, or of another size than the index).
    pub fn decode(d: &mut crate::graph::kept::Dec<'_>, basis: Basis) -> Option<Engine> {
        let n = d.len(9)?;
        if n != basis.fingerprints.len() {
            return None;
        }
        let mut e = Engine {
            len: n,
            fingerprints: basis.fingerprints,
            words: Vec::with_capacity(n),
            sides: basis.sides,
            unindexed: true,
            ..Engine::default()
        };
        for _ in 0..n {
            let k = d.len(8)?;
            let mut words = Vec::with_capacity(k);
            for _ in 0..k {
                words.push(d.u64()?);
            }
            e.words.push(words);
        }
        // The band keys are written for a reader that keeps them; this one works them out from
        // the words when an update needs them, and only checks that they are there.
        for words in &e.words {
            match d.u8()? {
                0 if words.len() < 2 => {}
                1 if words.len() >= 2 => {
                    for _ in 0..BANDS {
                        d.u64()?;
                    }
                }
                _ => return None,
            }
        }
        let pairs = d.len(12)?;
        e.pairs.reserve(pairs);
        for _ in 0..pairs {
            let (a, b, sim) = (d.u32()?, d.u32()?, d.f32()?);
            if a >= b || b as usize >= n {
                return None;
            }
            e.pairs.insert((a, b), sim);
        }
        Some(e)
    }

    /// The pairs kept, with their title similarity.
    pub fn pairs(&self) -> impl Iterator<Item = ((u32, u32), f32)> + '_ {
        self.pairs.iter().map(|(k, v)| (*k, *v))
    }

    /// How many items it has read.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it has read no item.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}
