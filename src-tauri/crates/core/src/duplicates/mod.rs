//! Duplicate work: pairs of items, across teams, sources and kinds, that describe the same work.
//!
//! A **candidate** is a pair the data suggests: titles alike ([`engine`], MinHash buckets then
//! IDF-weighted cosine of the normalised words, [`text`]) and structural signals read from the
//! graph when asked (created close in time, the same intent, the same linked items). Each has a
//! score (0..1) and a plain explanation. Duplicate links at the source (Jira "Duplicate", GitHub
//! "Duplicate of #N") are **facts**, not candidates; they are also the ground truth that
//! [`evaluate`] measures the ranking against. People confirm a candidate (a `duplicate_confirmed`
//! decision and a manual `duplicates` link, which a sync never overwrites) or dismiss it (never
//! shown again unless either item changes). Definitions: `docs/metrics.md`, "Duplicates".

pub mod engine;
pub mod text;

use std::collections::{HashMap, HashSet};

use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::decisions::{self, DecisionInput, DecisionKind, NewDecision};
use crate::error::{CoreError, CoreResult};
use crate::graph::index::{WorkIndex, NONE};
use crate::graph::kept::{Dec, Enc};
use crate::graph::model::{FlowState, ItemKind, LinkKind, Provenance, SourceKind};
use crate::graph::repo;
use crate::graph::Workspace;
use crate::time::{to_rfc3339, DAY_MS};

pub use engine::Engine;

/// The least score a candidate needs to be listed.
pub const MIN_SCORE: f64 = 0.45;
/// Created this close (days) or closer: fully "close in time".
pub const CLOSE_DAYS: f64 = 3.0;
/// Created this far apart (days) or more: not close at all.
pub const FAR_DAYS: f64 = 60.0;
/// Weight of the title similarity in the score.
pub const W_TEXT: f64 = 0.5;
/// Weight of the description similarity (when both items have a description to compare;
/// otherwise the title's similarity stands in for it, so that an item without one is scored
/// as before descriptions were read).
pub const W_DESC: f64 = 0.2;
/// Weights of the structural signals (they add up to 1 with [`W_TEXT`]).
pub const W_TIME: f64 = 0.22;
pub const W_INTENT: f64 = 0.05;
pub const W_LINKED: f64 = 0.03;
/// Weight of the files two changes both touch (the share of their files in common, Jaccard),
/// added to the score of a pair of pull requests (capped at 1).
pub const W_FILES: f64 = 0.1;

/// The files changes touch, for the "same files touched" signal: per item id, the item's update
/// time its list was read at and its paths (interned, sorted). Only the changes of candidate
/// pairs of pull requests are read, and only again once they change.
#[derive(Debug, Clone, Default)]
pub struct FileSets {
    by_item: FxHashMap<String, (i64, Vec<u32>)>,
    names: Vec<String>,
    name_of: FxHashMap<String, u32>,
}

impl FileSets {
    /// Records an item's paths (read at its update time `updated`).
    pub fn set(&mut self, item: &str, updated: i64, paths: &[String]) {
        let mut ids: Vec<u32> = paths
            .iter()
            .map(|p| match self.name_of.get(p) {
                Some(&id) => id,
                None => {
                    let id = self.names.len() as u32;
                    self.names.push(p.clone());
                    self.name_of.insert(p.clone(), id);
                    id
                }
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        self.by_item.insert(item.to_owned(), (updated, ids));
    }

    /// Whether an item's list is known for its update time.
    fn current(&self, item: &str, updated: i64) -> bool {
        self.by_item.get(item).is_some_and(|(u, _)| *u == updated)
    }

    /// The paths both items touch, and their share of all the paths the two touch.
    fn shared(&self, a: &str, b: &str) -> (Vec<u32>, f64) {
        let (Some((_, x)), Some((_, y))) = (self.by_item.get(a), self.by_item.get(b)) else {
            return (Vec::new(), 0.0);
        };
        let (mut i, mut j, mut both) = (0, 0, Vec::new());
        while i < x.len() && j < y.len() {
            match x[i].cmp(&y[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    both.push(x[i]);
                    i += 1;
                    j += 1;
                }
            }
        }
        let union = x.len() + y.len() - both.len();
        let share = if union == 0 {
            0.0
        } else {
            both.len() as f64 / union as f64
        };
        (both, share)
    }

    fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", String::as_str)
    }
}

/// Reads into `files` the lists of the pull requests of the engine's pairs that it does not
/// hold for their current update.
pub async fn load_files(
    ws: &Workspace,
    ix: &WorkIndex,
    engine: &Engine,
    files: &mut FileSets,
) -> CoreResult<()> {
    load_files_of(ws, ix, engine, files, None).await
}

/// [`load_files`] for the pairs with an item marked in `only` (all pairs when None): after a
/// sync page, the lists of the other pairs are still those of their items' update times.
async fn load_files_of(
    ws: &Workspace,
    ix: &WorkIndex,
    engine: &Engine,
    files: &mut FileSets,
    only: Option<&[bool]>,
) -> CoreResult<()> {
    let n = ix.items.len();
    let marked = |i: u32| only.is_none_or(|m| m.get(i as usize).copied().unwrap_or(true));
    let mut wanted: Vec<String> = Vec::new();
    let mut updated_of: Vec<i64> = Vec::new();
    let mut seen: FxHashSet<u32> = FxHashSet::default();
    for ((a, b), _) in engine.pairs() {
        if !marked(a) && !marked(b) {
            continue;
        }
        let (au, bu) = (a as usize, b as usize);
        if au >= n || bu >= n {
            continue;
        }
        if ix.items[au].kind != ItemKind::PullRequest || ix.items[bu].kind != ItemKind::PullRequest
        {
            continue;
        }
        for i in [a, b] {
            let iu = i as usize;
            if seen.insert(i) && !files.current(&ix.item_ids[iu], ix.items[iu].updated) {
                wanted.push(ix.item_ids[iu].to_owned());
                updated_of.push(ix.items[iu].updated);
            }
        }
    }
    if wanted.is_empty() {
        return Ok(());
    }
    let mut conn = ws.pool().acquire().await?;
    let rows = repo::item_paths::paths_of_items(&mut conn, Some(&wanted)).await?;
    let mut by: HashMap<String, Vec<String>> = HashMap::new();
    for (item, path) in rows {
        by.entry(item).or_default().push(path);
    }
    for (id, updated) in wanted.iter().zip(updated_of) {
        files.set(id, updated, by.get(id).map_or(&[][..], Vec::as_slice));
    }
    Ok(())
}

/// What items' descriptions say, for the "descriptions alike" signal: per position, the summed-up
/// description (`item_texts`) or None (none stored). Only the items of the engine's pairs are
/// read; an item read again by a sync page is read again here.
#[derive(Debug, Clone, Default)]
pub struct Descriptions {
    by_item: FxHashMap<u32, Option<text::Described>>,
}

impl Descriptions {
    /// Records an item's description (None: it has none stored).
    pub fn set(&mut self, item: u32, described: Option<text::Described>) {
        self.by_item.insert(item, described);
    }

    /// How alike two items' descriptions are, when both have one to compare.
    pub fn similarity(&self, a: u32, b: u32) -> Option<f64> {
        let x = self.by_item.get(&a)?.as_ref()?;
        let y = self.by_item.get(&b)?.as_ref()?;
        text::description_similarity(x, y)
    }

    /// How many items' descriptions it holds (with a description or without).
    pub fn len(&self) -> usize {
        self.by_item.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.by_item.is_empty()
    }
}

/// Reads into `descs` the descriptions of every item of the engine's pairs.
pub async fn load_descriptions(
    ws: &Workspace,
    ix: &WorkIndex,
    engine: &Engine,
    descs: &mut Descriptions,
) -> CoreResult<()> {
    load_descriptions_of(ws, ix, engine, descs, None, None).await
}

/// Every stored description summed up, as a whole build reads them: (item row id, word count,
/// signature).
type PackedTexts = Vec<(i64, i64, Vec<u8>)>;

/// Reads every stored description (for a whole build) on a task of its own, so that SQLite's
/// work and the decoding overlap the engine's build on another core.
fn read_all_descriptions(ws: &Workspace) -> tokio::task::JoinHandle<CoreResult<PackedTexts>> {
    let ws = ws.clone();
    tokio::spawn(async move { all_descriptions(&ws).await })
}

/// Every stored description summed up (one scan, packed in texts of 8,192 rows).
async fn all_descriptions(ws: &Workspace) -> CoreResult<PackedTexts> {
    let mut conn = ws.pool().acquire().await?;
    Ok(repo::item_texts::all_packed(&mut conn, text::DESC_SCHEME).await?)
}

/// [`load_descriptions`] for the pairs with an item marked in `only` (all pairs when None):
/// marked items are read again, the others only when not held yet (an unchanged item newly
/// paired with a changed one).
async fn load_descriptions_of(
    ws: &Workspace,
    ix: &WorkIndex,
    engine: &Engine,
    descs: &mut Descriptions,
    only: Option<&[bool]>,
    prefetched: Option<PackedTexts>,
) -> CoreResult<()> {
    let n = ix.items.len();
    let marked = |i: u32| only.is_none_or(|m| m.get(i as usize).copied().unwrap_or(true));
    let mut wanted = vec![false; n];
    let mut any = false;
    for ((a, b), _) in engine.pairs() {
        if !marked(a) && !marked(b) {
            continue;
        }
        for i in [a, b] {
            if (i as usize) < n && (marked(i) || !descs.by_item.contains_key(&i)) {
                wanted[i as usize] = true;
                any = true;
            }
        }
    }
    match only {
        None => descs.by_item.clear(),
        // What is held of a marked item may be stale even if it is in no pair now (it may pair
        // again later, unmarked): dropped.
        Some(mask) => {
            for (i, m) in mask.iter().enumerate() {
                if *m {
                    descs.by_item.remove(&(i as u32));
                }
            }
        }
    }
    if !any {
        return Ok(());
    }
    let ids: Vec<&str> = wanted
        .iter()
        .enumerate()
        .filter(|(_, w)| **w)
        .map(|(i, _)| &ix.item_ids[i])
        .collect();
    // A whole build reads every row (one scan, packed in texts) rather than naming most
    // items; a sync page names its few.
    let packed = match prefetched {
        Some(rows) => Some(rows),
        None if only.is_none() || ids.len() > n / 4 => Some(all_descriptions(ws).await?),
        None => None,
    };
    let rows: Vec<(i64, Option<String>, i64, Vec<u8>)> = if let Some(rows) = packed {
        rows.into_iter()
            .map(|(rowid, words, sig)| (rowid, None, words, sig))
            .collect()
    } else {
        let mut conn = ws.pool().acquire().await?;
        repo::item_texts::of_items(&mut conn, Some(&ids), text::DESC_SCHEME)
            .await?
            .into_iter()
            .map(|(rowid, id, words, sig)| (rowid, Some(id), words, sig))
            .collect()
    };
    // Positions by row id (the index holds items in row id order; otherwise a map).
    let ordered = ix.items.windows(2).all(|w| w[0].rowid < w[1].rowid);
    let by_rowid: FxHashMap<i64, u32> = if ordered {
        FxHashMap::default()
    } else {
        ix.items
            .iter()
            .enumerate()
            .map(|(i, item)| (item.rowid, i as u32))
            .collect()
    };
    // By row id (unique among the items the index holds); an id read with the row is checked.
    let position = |rowid: i64, id: Option<&str>| -> Option<u32> {
        let at = if ordered {
            let at = ix.items.partition_point(|i| i.rowid < rowid);
            (ix.items.get(at).is_some_and(|i| i.rowid == rowid)).then_some(at as u32)?
        } else {
            *by_rowid.get(&rowid)?
        };
        id.is_none_or(|id| ix.item_ids.get(at as usize) == Some(id))
            .then_some(at)
    };
    for (i, w) in wanted.iter().enumerate() {
        if *w {
            descs.by_item.insert(i as u32, None);
        }
    }
    for (rowid, id, words, sig) in rows {
        let Some(at) = position(rowid, id.as_deref()) else {
            continue;
        };
        if wanted[at as usize] {
            descs
                .by_item
                .insert(at, text::Described::from_stored(words, &sig));
        }
    }
    Ok(())
}

/// A scored pair (positions in the index, smaller first).
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub a: u32,
    pub b: u32,
    pub score: f64,
    pub text: f64,
    /// How alike the two descriptions are (None: either has none to compare).
    pub description: Option<f64>,
    /// |created a − created b| in days.
    pub days_apart: f64,
    pub same_intent: bool,
    /// Items linked to both (positions).
    pub shared: Vec<u32>,
    /// A duplicates link between them stands (a fact; listed only when evaluating).
    pub linked: bool,
    /// Files both touch (path names, at most 3) and their share of the two's files.
    pub same_files: Vec<String>,
    pub files_share: f64,
}

/// What the ranking leaves out (see [`rank`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct RankOptions {
    /// Keep pairs a duplicates link already joins (to measure the ranking against them).
    pub keep_linked: bool,
}

/// Whether two items make a pair worth showing: filed by two teams (an item with no team counts
/// as its own), and of the same nature: a pull request pairs with a pull request (a pull
/// request and an issue alike is an implementation, not a duplicate). One team holding two
/// alike items, in one tracker or two, is that team's own backlog to tidy: it knows both, while
/// duplicated work is the work two teams do without knowing of each other.
fn across(ix: &WorkIndex, a: usize, b: usize) -> bool {
    let (x, y) = (&ix.items[a], &ix.items[b]);
    (x.team != y.team || x.team == NONE)
        && ((x.kind == ItemKind::PullRequest) == (y.kind == ItemKind::PullRequest))
}

/// Links between items, for the structural signals and exclusions.
struct Graph {
    /// Linked items of the items in the engine's pairs (others are never asked about).
    neighbours: FxHashMap<u32, Vec<u32>>,
    /// Pairs (smaller first) joined by a standing link other than duplicates.
    linked: FxHashSet<(u32, u32)>,
    /// Pairs joined by a standing duplicates link.
    duplicates: FxHashSet<(u32, u32)>,
    /// Pull requests (of the engine's pairs) that implement a tracked item: compared through
    /// that item.
    implementing: FxHashSet<u32>,
}

impl Graph {
    /// The links that concern `relevant` items: one pass over the links, nothing built for the
    /// others (a sync page's update stays within its budget at 200,000 items).
    fn of(ix: &WorkIndex, relevant: &[bool]) -> Graph {
        let n = ix.items.len();
        let mut g = Graph {
            neighbours: FxHashMap::default(),
            linked: FxHashSet::default(),
            duplicates: FxHashSet::default(),
            implementing: FxHashSet::default(),
        };
        let wanted = |i: u32| relevant.get(i as usize).copied().unwrap_or(false);
        for l in &ix.links {
            if l.removed.is_some() || l.from == l.to || l.from as usize >= n || l.to as usize >= n {
                continue;
            }
            let (rf, rt) = (wanted(l.from), wanted(l.to));
            if !rf && !rt {
                continue;
            }
            let pair = (l.from.min(l.to), l.from.max(l.to));
            if l.kind == LinkKind::Duplicates {
                g.duplicates.insert(pair);
                continue;
            }
            g.linked.insert(pair);
            if rf {
                g.neighbours.entry(l.from).or_default().push(l.to);
            }
            if rt {
                g.neighbours.entry(l.to).or_default().push(l.from);
            }
            if rf && l.kind == LinkKind::Implements {
                g.implementing.insert(l.from);
            }
        }
        for list in g.neighbours.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
        g
    }

    fn shared(&self, a: usize, b: usize) -> Vec<u32> {
        let none = Vec::new();
        let x = self.neighbours.get(&(a as u32)).unwrap_or(&none);
        let y = self.neighbours.get(&(b as u32)).unwrap_or(&none);
        let (mut i, mut j, mut out) = (0, 0, Vec::new());
        while i < x.len() && j < y.len() {
            match x[i].cmp(&y[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    out.push(x[i]);
                    i += 1;
                    j += 1;
                }
            }
        }
        out
    }
}

/// How close in time two creation instants are (1 within [`CLOSE_DAYS`], 0 past [`FAR_DAYS`]).
pub fn closeness(days_apart: f64) -> f64 {
    if days_apart <= CLOSE_DAYS {
        1.0
    } else if days_apart >= FAR_DAYS {
        0.0
    } else {
        1.0 - (days_apart - CLOSE_DAYS) / (FAR_DAYS - CLOSE_DAYS)
    }
}

/// Every candidate of the engine, scored and sorted (best first; ties by item id), without the
/// files signal (see [`rank_with`]).
pub fn rank(ix: &WorkIndex, engine: &Engine, opts: RankOptions) -> Vec<Scored> {
    rank_with(ix, engine, opts, None, None)
}

/// [`rank`] with the files changes touch (pairs of pull requests sharing files score higher)
/// and the items' descriptions.
pub fn rank_with(
    ix: &WorkIndex,
    engine: &Engine,
    opts: RankOptions,
    files: Option<&FileSets>,
    descs: Option<&Descriptions>,
) -> Vec<Scored> {
    let mut out = score(ix, engine, opts, files, descs, None);
    sort_ranked(ix, &mut out);
    out
}

/// The ranking of [`rank_with`] (default options) brought up to date from `previous`, the
/// ranking of an earlier generation of the same engine, when only the items marked in
/// `affected` may have changed: their pairs are scored again, every other pair keeps its place.
/// Equal to ranking afresh as long as `affected` holds every item whose row, text, files or
/// links changed and every item linked to one of them (a pair's shared neighbours and links
/// are read from both items' links).
pub fn rerank(
    ix: &WorkIndex,
    engine: &Engine,
    files: Option<&FileSets>,
    descs: Option<&Descriptions>,
    previous: &[Scored],
    affected: &[bool],
) -> Vec<Scored> {
    let hit = |i: u32| affected.get(i as usize).copied().unwrap_or(true);
    let mut out = score(
        ix,
        engine,
        RankOptions::default(),
        files,
        descs,
        Some(affected),
    );
    out.extend(previous.iter().filter(|s| !hit(s.a) && !hit(s.b)).cloned());
    sort_ranked(ix, &mut out);
    out
}

/// Best first; ties by the items' ids.
fn sort_ranked(ix: &WorkIndex, out: &mut [Scored]) {
    out.sort_by(|p, q| {
        q.score
            .total_cmp(&p.score)
            .then_with(|| ix.item_ids[p.a as usize].cmp(&ix.item_ids[q.a as usize]))
            .then_with(|| ix.item_ids[p.b as usize].cmp(&ix.item_ids[q.b as usize]))
    });
}

/// The engine's pairs scored, unsorted: all of them, or (with `only`) those with an item marked.
fn score(
    ix: &WorkIndex,
    engine: &Engine,
    opts: RankOptions,
    files: Option<&FileSets>,
    descs: Option<&Descriptions>,
    only: Option<&[bool]>,
) -> Vec<Scored> {
    let n = ix.items.len();
    let wanted = |a: u32, b: u32| {
        only.is_none_or(|m| {
            m.get(a as usize).copied().unwrap_or(true) || m.get(b as usize).copied().unwrap_or(true)
        })
    };
    let mut relevant = vec![false; n];
    for ((a, b), _) in engine.pairs() {
        if !wanted(a, b) {
            continue;
        }
        for i in [a, b] {
            if let Some(r) = relevant.get_mut(i as usize) {
                *r = true;
            }
        }
    }
    let g = Graph::of(ix, &relevant);
    let mut out: Vec<Scored> = Vec::new();
    for ((a, b), sim) in engine.pairs() {
        if !wanted(a, b) {
            continue;
        }
        let (au, bu) = (a as usize, b as usize);
        if au >= n || bu >= n {
            continue;
        }
        if !across(ix, au, bu) {
            continue;
        }
        if g.implementing.contains(&a) || g.implementing.contains(&b) || g.linked.contains(&(a, b))
        {
            continue;
        }
        let linked = g.duplicates.contains(&(a, b));
        if linked && !opts.keep_linked {
            continue;
        }
        let (x, y) = (&ix.items[au], &ix.items[bu]);
        let days_apart = (x.created - y.created).abs() as f64 / DAY_MS as f64;
        let same_intent = x.intent != NONE && x.intent == y.intent;
        let shared = g.shared(au, bu);
        let text = f64::from(sim);
        let (both, files_share) = match files {
            Some(f) if x.kind == ItemKind::PullRequest && y.kind == ItemKind::PullRequest => {
                f.shared(&ix.item_ids[au], &ix.item_ids[bu])
            }
            _ => (Vec::new(), 0.0),
        };
        let description = descs.and_then(|d| d.similarity(a, b));
        let told = description.unwrap_or(text);
        // Squared: titles nearly the same stand well apart from titles sharing a template.
        let score = W_TEXT * text * text
            + W_DESC * told * told
            + W_TIME * closeness(days_apart)
            + if same_intent { W_INTENT } else { 0.0 }
            + if shared.is_empty() { 0.0 } else { W_LINKED }
            + W_FILES * files_share;
        if score < MIN_SCORE {
            continue;
        }
        out.push(Scored {
            a,
            b,
            score: score.min(1.0),
            text,
            description,
            days_apart,
            same_intent,
            shared,
            linked,
            same_files: files.map_or_else(Vec::new, |f| {
                both.iter().take(3).map(|&p| f.name(p).to_owned()).collect()
            }),
            files_share,
        });
    }
    out
}

/// Ranking quality against known duplicates.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    /// Known duplicate pairs (both items indexed).
    pub known: usize,
    /// Candidates ranked (known pairs included).
    pub ranked: usize,
    /// Share of the first 20 (100) ranked pairs that are known duplicates (over fewer when
    /// fewer are ranked; `None` when none are).
    pub precision_at_20: Option<f64>,
    pub precision_at_100: Option<f64>,
    /// Share of known pairs that are ranked at all.
    pub recall: Option<f64>,
}

/// Measures the ranking against `known` pairs (item ids; order within a pair does not matter):
/// precision of the first 20 and 100 candidates and recall over all of them.
pub fn evaluate(ix: &WorkIndex, engine: &Engine, known: &[(String, String)]) -> Evaluation {
    evaluate_with(ix, engine, known, None, None)
}

/// [`evaluate`] of the workspace's candidates as the page ranks them (the files of its pull
/// requests and its items' descriptions read).
pub async fn evaluate_in(ws: &Workspace, known: &[(String, String)]) -> CoreResult<Evaluation> {
    let (ix, engine, _) = engine_for(ws, &mut |_, _| {}).await?;
    let mut files = FileSets::default();
    load_files(ws, &ix, &engine, &mut files).await?;
    let mut descs = Descriptions::default();
    load_descriptions(ws, &ix, &engine, &mut descs).await?;
    Ok(evaluate_with(
        ix.as_ref(),
        engine.as_ref(),
        known,
        Some(&files),
        Some(&descs),
    ))
}

/// [`evaluate`] with the files and descriptions signals.
pub fn evaluate_with(
    ix: &WorkIndex,
    engine: &Engine,
    known: &[(String, String)],
    files: Option<&FileSets>,
    descs: Option<&Descriptions>,
) -> Evaluation {
    let pos: HashMap<&str, u32> = ix
        .item_ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id, i as u32))
        .collect();
    let truth: HashSet<(u32, u32)> = known
        .iter()
        .filter_map(|(x, y)| {
            let (a, b) = (*pos.get(x.as_str())?, *pos.get(y.as_str())?);
            (a != b).then_some((a.min(b), a.max(b)))
        })
        .collect();
    let ranked = rank_with(ix, engine, RankOptions { keep_linked: true }, files, descs);
    let hits = |k: usize| {
        let top = &ranked[..k.min(ranked.len())];
        (!top.is_empty()).then(|| {
            top.iter().filter(|s| truth.contains(&(s.a, s.b))).count() as f64 / top.len() as f64
        })
    };
    let found = ranked
        .iter()
        .filter(|s| truth.contains(&(s.a, s.b)))
        .count();
    Evaluation {
        known: truth.len(),
        ranked: ranked.len(),
        precision_at_20: hits(20),
        precision_at_100: hits(100),
        recall: (!truth.is_empty()).then(|| found as f64 / truth.len() as f64),
    }
}

/// The standing duplicates links of an index, as item id pairs (the facts).
pub fn linked_pairs(ix: &WorkIndex) -> Vec<(String, String)> {
    ix.links
        .iter()
        .filter(|l| l.kind == LinkKind::Duplicates && l.removed.is_none() && l.from != l.to)
        .map(|l| {
            (
                ix.item_ids[l.from as usize].to_owned(),
                ix.item_ids[l.to as usize].to_owned(),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The engine kept between questions
// ---------------------------------------------------------------------------------------------

/// The engine as last brought up to date, with the index generation it has seen.
#[derive(Debug, Default)]
struct Kept {
    /// The kept file beside the workspace was looked at (or must not be: [`forget`]).
    looked_beside: bool,
    generation: Option<u64>,
    engine: Arc<Engine>,
    /// Its candidates ranked (default options), for the same generation.
    ranked: Arc<Vec<Scored>>,
    /// The files of the pull requests of its pairs.
    files: FileSets,
    /// The descriptions of the items of its pairs.
    descs: Descriptions,
    /// Loaded from beside the workspace for `generation` with only its ranking read (what
    /// Triage's reason needs): the whole payload, whose engine, files and descriptions are read
    /// the first time they are needed ([`read_rest`]). Until then those three are empty.
    unread: Option<Unread>,
}

/// A kept payload of which only the ranking was read.
#[derive(Debug)]
struct Unread {
    payload: Arc<Vec<u8>>,
    /// Where the rest begins.
    rest: usize,
    /// What reading the engine takes from the index it was kept for.
    basis: engine::Basis,
}

/// The items whose candidate pairs may score differently after `changed` items were read
/// again: those items and every item linked to one of them (a link added or removed changes the
/// shared neighbours and the links of both its ends), as a mask over the index's positions.
fn affected_by(ix: &WorkIndex, changed: impl Iterator<Item = u32>) -> Vec<bool> {
    let n = ix.items.len();
    let mut seeds = vec![false; n];
    for i in changed {
        if let Some(s) = seeds.get_mut(i as usize) {
            *s = true;
        }
    }
    let mut out = seeds.clone();
    for l in &ix.links {
        let (f, t) = (l.from as usize, l.to as usize);
        if f >= n || t >= n {
            continue;
        }
        if seeds[f] || seeds[t] {
            out[f] = true;
            out[t] = true;
        }
    }
    out
}

/// The engine brought up to date for a workspace's index, with its ranked candidates.
#[derive(Debug, Clone)]
pub struct Current {
    pub ix: Arc<WorkIndex>,
    pub engine: Arc<Engine>,
    /// Every candidate (pairs the sources link left out), best first.
    pub ranked: Arc<Vec<Scored>>,
    pub computed: Computed,
}

/// How the engine answered a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Computed {
    /// Nothing changed since the last question.
    Cached,
    /// Changed items were re-read and compared.
    Incremental,
    /// Every item was read and compared.
    Full,
}

/// The engine for the workspace's index now: kept from the last question, brought up to date
/// item by item, or built (with `progress`) the first time and after items were deleted.
pub async fn engine_for(
    ws: &Workspace,
    progress: engine::Progress<'_>,
) -> CoreResult<(Arc<WorkIndex>, Arc<Engine>, Computed)> {
    let c = current(ws, progress).await?;
    Ok((c.ix, c.engine, c.computed))
}

/// Where the engine and its ranking are kept (`Workspace::derived`).
const NAME: &str = "duplicates";

/// Lets go of the kept engine and ranking: the next question builds them whole (what a
/// benchmark of the whole build needs).
pub fn forget(ws: &Workspace) {
    ws.set_derived(
        NAME,
        Arc::new(Mutex::new(Kept {
            looked_beside: true,
            ..Kept::default()
        })),
    );
}

// ---------------------------------------------------------------------------------------------
// The engine kept beside the workspace
// ---------------------------------------------------------------------------------------------

/// The kind of the kept file (`acme.baton-duplicates`, see [`crate::graph::kept`]).
const KEPT_KIND: &str = "duplicates";
/// The kept file's format: bumped whenever what is written, or how the candidates are found or
/// scored, changes (a file of another format is computed again).
const KEPT_FORMAT: u32 = 2;

fn put_scored(e: &mut Enc, s: &Scored) {
    e.u32(s.a);
    e.u32(s.b);
    e.f64(s.score);
    e.f64(s.text);
    match s.description {
        None => e.u8(0),
        Some(d) => {
            e.u8(1);
            e.f64(d);
        }
    }
    e.f64(s.days_apart);
    e.u8(u8::from(s.same_intent) | (u8::from(s.linked) << 1));
    e.len(s.shared.len());
    for x in &s.shared {
        e.u32(*x);
    }
    e.len(s.same_files.len());
    for f in &s.same_files {
        e.text(f);
    }
    e.f64(s.files_share);
}

fn get_scored(d: &mut Dec<'_>, n: usize) -> Option<Scored> {
    let (a, b) = (d.u32()?, d.u32()?);
    if a as usize >= n || b as usize >= n {
        return None;
    }
    let (score, text) = (d.f64()?, d.f64()?);
    let description = match d.u8()? {
        0 => None,
        1 => Some(d.f64()?),
        _ => return None,
    };
    let days_apart = d.f64()?;
    let flags = d.u8()?;
    let shared = (0..d.len(4)?)
        .map(|_| d.u32().filter(|x| (*x as usize) < n))
        .collect::<Option<Vec<u32>>>()?;
    let same_files = (0..d.len(8)?)
        .map(|_| d.text())
        .collect::<Option<Vec<String>>>()?;
    Some(Scored {
        a,
        b,
        score,
        text,
        description,
        days_apart,
        same_intent: flags & 1 != 0,
        shared,
        linked: flags & 2 != 0,
        same_files,
        files_share: d.f64()?,
    })
}

/// The payload of the kept file: its ranked candidates first (all Triage's reason reads, see
/// [`decode_ranked`]), then the engine, the files and descriptions of its pairs.
fn encode_kept(
    engine: &Engine,
    files: &FileSets,
    descs: &Descriptions,
    ranked: &[Scored],
) -> Vec<u8> {
    let mut e = Enc::default();
    e.len(ranked.len());
    for s in ranked {
        put_scored(&mut e, s);
    }
    // The rest's size is known: reserved at once (see `Engine::encoded_len`).
    let files_len = 8
        + files.names.iter().map(|n| 8 + n.len()).sum::<usize>()
        + 8
        + files
            .by_item
            .iter()
            .map(|(id, (_, paths))| 8 + id.len() + 8 + 8 + 4 * paths.len())
            .sum::<usize>();
    let descs_len = 8 + descs
        .by_item
        .values()
        .map(|d| 4 + 1 + d.as_ref().map_or(0, |d| 4 + d.sig.len()))
        .sum::<usize>();
    let rest = engine.encoded_len() + files_len + descs_len;
    let before = e.buf.len();
    e.buf.reserve_exact(rest);
    engine.encode(&mut e);
    e.len(files.names.len());
    for name in &files.names {
        e.text(name);
    }
    let mut by_item: Vec<(&String, &(i64, Vec<u32>))> = files.by_item.iter().collect();
    by_item.sort_unstable_by(|x, y| x.0.cmp(y.0));
    e.len(by_item.len());
    for (id, (updated, paths)) in by_item {
        e.text(id);
        e.i64(*updated);
        e.len(paths.len());
        for p in paths {
            e.u32(*p);
        }
    }
    let mut described: Vec<(&u32, &Option<text::Described>)> = descs.by_item.iter().collect();
    described.sort_unstable_by_key(|(i, _)| **i);
    e.len(described.len());
    for (i, d) in described {
        e.u32(*i);
        match d {
            None => e.u8(0),
            Some(d) => {
                e.u8(1);
                e.u32(d.words);
                e.buf.extend_from_slice(&d.sig);
            }
        }
    }
    debug_assert_eq!(
        e.buf.len() - before,
        rest,
        "the size reserved is the size written"
    );
    e.buf
}

/// The ranked candidates [`encode_kept`] wrote first, for an index of `n` items, and where the
/// rest begins (None: damaged).
fn decode_ranked(payload: &[u8], n: usize) -> Option<(Vec<Scored>, usize)> {
    let mut d = Dec::new(payload);
    let ranked = (0..d.len(40)?)
        .map(|_| get_scored(&mut d, n))
        .collect::<Option<Vec<Scored>>>()?;
    Some((ranked, d.position()))
}

/// The rest of what [`encode_kept`] wrote (`rest`: after the ranked candidates), for the index
/// whose [`engine::Basis`] it was kept for (None: damaged).
fn decode_rest(rest: &[u8], basis: engine::Basis) -> Option<(Engine, FileSets, Descriptions)> {
    let n = basis.len();
    let mut d = Dec::new(rest);
    let engine = Engine::decode(&mut d, basis)?;
    let mut files = FileSets::default();
    for _ in 0..d.len(8)? {
        let name = d.text()?;
        files.name_of.insert(name.clone(), files.names.len() as u32);
        files.names.push(name);
    }
    for _ in 0..d.len(24)? {
        let id = d.text()?;
        let updated = d.i64()?;
        let paths = (0..d.len(4)?)
            .map(|_| d.u32().filter(|p| (*p as usize) < files.names.len()))
            .collect::<Option<Vec<u32>>>()?;
        files.by_item.insert(id, (updated, paths));
    }
    let mut descs = Descriptions::default();
    for _ in 0..d.len(5)? {
        let i = d.u32().filter(|i| (*i as usize) < n)?;
        let described = match d.u8()? {
            0 => None,
            1 => {
                let words = d.u32()?;
                let mut sig = [0u8; text::DESC_HASHES];
                for b in &mut sig {
                    *b = d.u8()?;
                }
                Some(text::Described { words, sig })
            }
            _ => return None,
        };
        descs.by_item.insert(i, described);
    }
    d.done().then_some((engine, files, descs))
}

/// The ranked candidates kept beside the workspace for `ix`'s state, with the whole payload
/// (the rest is read when needed, [`read_rest`]), if there is a kept file that holds exactly
/// that state (else None: they are computed).
async fn load_beside(ws: &Workspace, ix: &Arc<WorkIndex>) -> Option<(Vec<Scored>, Unread)> {
    if !ix.stamp.is_known() {
        return None;
    }
    let path = crate::graph::kept::path_for(ws.path(), KEPT_KIND);
    let ix = ix.clone();
    let started = Instant::now();
    let loaded = tokio::task::spawn_blocking(move || {
        let key = crate::graph::kept::Key::of(&ix, 0);
        let payload = crate::graph::kept::load(&path, KEPT_KIND, KEPT_FORMAT, &key)?;
        let (ranked, rest) = decode_ranked(&payload, ix.items.len()).ok_or_else(|| {
            crate::graph::snapshot::Unused::Damaged("the duplicates payload".into())
        })?;
        let unread = Unread {
            payload: Arc::new(payload),
            rest,
            basis: engine::Basis::of(&ix),
        };
        Ok((ranked, unread))
    })
    .await
    .ok()?;
    match loaded {
        Ok(kept) => {
            tracing::debug!(
                ms = started.elapsed().as_millis() as u64,
                candidates = kept.0.len(),
                "duplicate candidates loaded from beside the workspace"
            );
            Some(kept)
        }
        Err(crate::graph::snapshot::Unused::Missing) => None,
        Err(why) => {
            tracing::info!(%why, "the kept duplicate candidates are not used; computing them");
            None
        }
    }
}

/// The first time this process asks, the ranked candidates a previous one kept beside the
/// workspace for exactly `ix`'s state, put in the slot with the rest of the file unread.
async fn look_beside(ws: &Workspace, ix: &Arc<WorkIndex>, kept: &Mutex<Kept>) -> CoreResult<()> {
    let first = kept
        .lock()
        .map(|mut slot| {
            let first = !slot.looked_beside && slot.generation.is_none();
            slot.looked_beside = true;
            first
        })
        .unwrap_or(false);
    if !first {
        return Ok(());
    }
    if let Some((ranked, unread)) = load_beside(ws, ix).await {
        let mut slot = kept
            .lock()
            .map_err(|_| CoreError::Invalid("the duplicates engine was poisoned".into()))?;
        if slot.generation.is_none() {
            slot.engine = Arc::default();
            slot.files = FileSets::default();
            slot.descs = Descriptions::default();
            slot.ranked = Arc::new(ranked);
            slot.unread = Some(unread);
            slot.generation = Some(ix.generation);
        }
    }
    Ok(())
}

/// Reads the engine, files and descriptions of a payload loaded with only its ranking read
/// ([`look_beside`]), against the index it was loaded for (the slot's generation, which the
/// engine is then followed from). Damaged: the slot is emptied, and the candidates are
/// computed.
async fn read_rest(kept: &Arc<Mutex<Kept>>) -> CoreResult<()> {
    let unread = kept
        .lock()
        .map_err(|_| CoreError::Invalid("the duplicates engine was poisoned".into()))?
        .unread
        .is_some();
    if !unread {
        return Ok(());
    }
    let kept = kept.clone();
    // Read holding the slot, so that no question sees the engine before it is read.
    tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let mut slot = kept
            .lock()
            .map_err(|_| CoreError::Invalid("the duplicates engine was poisoned".into()))?;
        let Some(Unread {
            payload,
            rest,
            basis,
        }) = slot.unread.take()
        else {
            return Ok(());
        };
        match payload
            .get(rest..)
            .and_then(|rest| decode_rest(rest, basis))
        {
            Some((engine, files, descs)) => {
                slot.engine = Arc::new(engine);
                slot.files = files;
                slot.descs = descs;
                tracing::debug!(
                    ms = started.elapsed().as_millis() as u64,
                    "duplicates engine read from beside the workspace"
                );
            }
            None => {
                tracing::info!("the kept duplicates engine does not read back; computing it");
                slot.generation = None;
                slot.ranked = Arc::default();
            }
        }
        Ok(())
    })
    .await
    .map_err(|err| CoreError::Invalid(format!("reading the duplicates engine stopped: {err}")))?
}

/// A payload to write beside the workspace: as it was read, or made from the engine.
enum Payload {
    Read(Arc<Vec<u8>>),
    Made(Vec<u8>),
}

/// Writes the engine kept for `generation` beside the workspace (at `path`, for `key`), unless
/// the slot moved on since.
fn save_beside(
    slot: &Mutex<Kept>,
    generation: u64,
    path: &std::path::Path,
    key: &crate::graph::kept::Key,
    pace: &crate::graph::pace::Pace,
) -> CoreResult<bool> {
    // Encoded (holding the slot) only once no question is being answered.
    pace.wait()?;
    let payload = {
        let Ok(kept) = slot.lock() else {
            return Ok(false);
        };
        if kept.generation != Some(generation) {
            return Ok(false);
        }
        match &kept.unread {
            // Loaded for this state and not read further: written as it was read.
            Some(unread) => Payload::Read(unread.payload.clone()),
            None => Payload::Made(encode_kept(
                &kept.engine,
                &kept.files,
                &kept.descs,
                &kept.ranked,
            )),
        }
    };
    let payload: &[u8] = match &payload {
        Payload::Read(p) => p,
        Payload::Made(p) => p,
    };
    crate::graph::kept::save_paced(path, KEPT_KIND, KEPT_FORMAT, key, payload, pace)?;
    Ok(true)
}

/// Writes the candidates kept in memory beside the workspace now, when they hold the file's
/// state now (what a fresh process then loads instead of computing them). Returns whether it
/// wrote them. A read-only workspace writes nothing.
pub async fn keep_beside(ws: &Workspace) -> CoreResult<bool> {
    let ix = ws.index().await?;
    if ws.is_read_only() || !ix.stamp.is_known() || !holds_now(ws, &ix).await? {
        return Ok(false);
    }
    settle_keeping(ws).await;
    let slot = ws.derived_slot::<Mutex<Kept>>(NAME);
    let path = crate::graph::kept::path_for(ws.path(), KEPT_KIND);
    let key = crate::graph::kept::Key::of(&ix, 0);
    let generation = ix.generation;
    tokio::task::spawn_blocking(move || {
        save_beside(
            &slot,
            generation,
            &path,
            &key,
            &crate::graph::pace::Pace::unpaced(),
        )
    })
    .await
    .map_err(|err| CoreError::Invalid(format!("keeping the duplicates stopped: {err}")))?
}

/// Whether `ix` holds the workspace file's state now (no write since it was read).
async fn holds_now(ws: &Workspace, ix: &WorkIndex) -> CoreResult<bool> {
    let mut conn = ws.pool().acquire().await?;
    Ok(crate::graph::snapshot::Stamp::read(&mut conn).await? == ix.stamp)
}

/// After the candidates were computed for `ix`: writes them beside the workspace after `delay`
/// (in the background, holding no clone of the workspace), unless they moved on by then.
async fn schedule_keep(ws: &Workspace, ix: &WorkIndex, delay: std::time::Duration) {
    if ws.is_read_only() || !ix.stamp.is_known() || !matches!(holds_now(ws, ix).await, Ok(true)) {
        return;
    }
    let slot = ws.derived_slot::<Mutex<Kept>>(NAME);
    let path = crate::graph::kept::path_for(ws.path(), KEPT_KIND);
    let key = crate::graph::kept::Key::of(ix, 0);
    let generation = ix.generation;
    crate::graph::kept::schedule(ws, KEEPING, delay, move |pace| {
        save_beside(&slot, generation, &path, &key, pace).map(|_| ())
    });
}

/// The slot of the duplicates' writes beside the workspace (see [`crate::graph::kept::schedule`]).
const KEEPING: &str = "duplicates-keeping";

/// Stops the writes beside the workspace still waiting, and waits for those writing.
async fn settle_keeping(ws: &Workspace) {
    crate::graph::kept::settle(ws, KEEPING, crate::graph::kept::Waiting::Drop).await;
}

/// [`engine_for`] with the ranked candidates, kept per index generation (links and items change
/// only with it; decisions are applied to the ranking by each question).
pub async fn current(ws: &Workspace, progress: engine::Progress<'_>) -> CoreResult<Current> {
    let ix = ws.index().await?;
    let kept = ws.derived_slot::<Mutex<Kept>>(NAME);
    // Nothing kept in this process yet: what a previous one kept beside the workspace, when it
    // holds exactly this state; then the engine that was left unread.
    look_beside(ws, &ix, &kept).await?;
    read_rest(&kept).await?;
    {
        let slot = kept
            .lock()
            .map_err(|_| CoreError::Invalid("the duplicates engine was poisoned".into()))?;
        if slot.generation == Some(ix.generation) {
            return Ok(Current {
                ix,
                engine: slot.engine.clone(),
                ranked: slot.ranked.clone(),
                computed: Computed::Cached,
            });
        }
    }
    // The engine is brought up to date outside the lock's await points: the files of its pairs
    // are read from the workspace between two holds of the lock.
    let (mut engine, mut files, mut descs, generation, previous) = {
        let mut slot = kept
            .lock()
            .map_err(|_| CoreError::Invalid("the duplicates engine was poisoned".into()))?;
        // Taken, not shared, so that bringing it up to date does not copy it; a question
        // failing half-way leaves a slot that rebuilds.
        let generation = slot.generation.take();
        (
            std::mem::take(&mut slot.engine),
            std::mem::take(&mut slot.files),
            std::mem::take(&mut slot.descs),
            generation,
            std::mem::take(&mut slot.ranked),
        )
    };
    let started = Instant::now();
    let mut how = Computed::Incremental;
    // The items whose pairs are scored again (None: all of them).
    let mut affected = None;
    match generation {
        Some(generation) => match Arc::make_mut(&mut engine).update(&ix) {
            Some(read) => {
                affected = ix
                    .changed_since(generation)
                    .map(|since| affected_by(&ix, since.into_iter().chain(read)));
            }
            None => how = Computed::Full,
        },
        None => how = Computed::Full,
    }
    let mut prefetched = None;
    if how == Computed::Full {
        let reading = read_all_descriptions(ws);
        engine = Arc::new(Engine::build(&ix, progress));
        affected = None;
        prefetched = Some(reading.await.map_err(|err| {
            CoreError::Invalid(format!("reading the descriptions stopped: {err}"))
        })??);
    }
    load_files_of(ws, &ix, &engine, &mut files, affected.as_deref()).await?;
    load_descriptions_of(
        ws,
        &ix,
        &engine,
        &mut descs,
        affected.as_deref(),
        prefetched,
    )
    .await?;
    let ranked = Arc::new(match &affected {
        Some(affected) => rerank(
            &ix,
            &engine,
            Some(&files),
            Some(&descs),
            &previous,
            affected,
        ),
        None => rank_with(
            &ix,
            &engine,
            RankOptions::default(),
            Some(&files),
            Some(&descs),
        ),
    });
    let out = {
        let mut slot = kept
            .lock()
            .map_err(|_| CoreError::Invalid("the duplicates engine was poisoned".into()))?;
        slot.engine = engine;
        slot.files = files;
        slot.descs = descs;
        slot.ranked = ranked;
        slot.generation = Some(ix.generation);
        tracing::debug!(
            items = ix.items.len(),
            ?how,
            ms = started.elapsed().as_millis() as u64,
            "duplicate candidates brought up to date"
        );
        Current {
            ix,
            engine: slot.engine.clone(),
            ranked: slot.ranked.clone(),
            computed: how,
        }
    };
    // Kept beside the workspace: at once after a whole build, once quiet after an update.
    let delay = match how {
        Computed::Full => std::time::Duration::ZERO,
        _ => KEEP_WHEN_QUIET,
    };
    schedule_keep(ws, &out.ix, delay).await;
    Ok(out)
}

/// How long after an update the candidates are written beside the workspace (a later update
/// in the meantime writes its own instead).
const KEEP_WHEN_QUIET: std::time::Duration = std::time::Duration::from_secs(15);

// ---------------------------------------------------------------------------------------------
// What people decided
// ---------------------------------------------------------------------------------------------

/// A pair's decision in force.
#[derive(Debug, Clone, PartialEq)]
pub struct PairDecision {
    pub confirmed: bool,
    pub id: String,
    pub actor: String,
    pub at: i64,
    /// The items' update times when it was taken (for a dismissal: it holds while both are
    /// unchanged).
    pub seen: HashMap<String, i64>,
}

/// The duplicate decisions in force, per unordered pair of item ids.
pub async fn pair_decisions(ws: &Workspace) -> CoreResult<HashMap<(String, String), PairDecision>> {
    let rows = repo::decisions::list(ws.pool()).await?;
    let revoked = decisions::revoked_ids(&rows);
    let mut out = HashMap::new();
    for row in &rows {
        if revoked.contains(row.id.as_str()) {
            continue;
        }
        let confirmed = match DecisionKind::parse(&row.kind) {
            Some(DecisionKind::DuplicateConfirmed) => true,
            Some(DecisionKind::DuplicateDismissed) => false,
            _ => continue,
        };
        let Some(item) = row.item_id.clone() else {
            continue;
        };
        let payload: serde_json::Value =
            serde_json::from_str(&row.payload).unwrap_or(serde_json::Value::Null);
        let Some(of) = payload
            .get("of")
            .and_then(|v| v.as_str())
            .map(str::to_owned)
        else {
            continue;
        };
        let mut seen = HashMap::new();
        if let Some(t) = payload.get("itemUpdatedAt").and_then(|v| v.as_i64()) {
            seen.insert(item.clone(), t);
        }
        if let Some(t) = payload.get("ofUpdatedAt").and_then(|v| v.as_i64()) {
            seen.insert(of.clone(), t);
        }
        let key = if item <= of { (item, of) } else { (of, item) };
        out.insert(
            key,
            PairDecision {
                confirmed,
                id: row.id.clone(),
                actor: row.actor.clone(),
                at: row.created_at,
                seen,
            },
        );
    }
    Ok(out)
}

/// Whether a dismissal still holds: both items unchanged since.
fn dismissal_holds(d: &PairDecision, ix: &WorkIndex, a: usize, b: usize) -> bool {
    [a, b]
        .iter()
        .all(|&i| d.seen.get(&ix.item_ids[i]).copied() == Some(ix.items[i].updated))
}

// ---------------------------------------------------------------------------------------------
// The Duplicates page
// ---------------------------------------------------------------------------------------------

/// One side of a pair.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PairItem {
    pub id: String,
    pub key: String,
    pub title: String,
    pub kind: ItemKind,
    pub team: Option<String>,
    pub source: String,
    pub source_kind: SourceKind,
    pub provenance: Provenance,
    pub flow: FlowState,
    pub created_at: String,
}

/// A signal behind a candidate's score.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Signal {
    /// Titles alike: the similarity, 0..1.
    TitlesAlike { similarity: f64 },
    /// Descriptions alike: the similarity, 0..1 (only when both items have one to compare).
    DescriptionsAlike { similarity: f64 },
    /// Created this many days apart (0..).
    CloseInTime { days: f64 },
    /// Both under this intent.
    SameIntent { intent: String },
    /// Both linked to these items (keys).
    SameLinkedItems { keys: Vec<String> },
    /// Both touch these files (at most 3 named); `share`: the files in common over all the
    /// files the two touch, 0..1.
    SameFiles { paths: Vec<String>, share: f64 },
}

/// A candidate pair as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DuplicatePair {
    /// The earlier-created item first.
    pub a: PairItem,
    pub b: PairItem,
    /// 0..1 (see `docs/metrics.md`).
    pub score: f64,
    pub signals: Vec<Signal>,
    /// The signals in words ("titles 86% alike; both under the intent 'Faster refunds'").
    pub explanation: String,
}

/// Duplicated work of one team.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamDuplication {
    pub team: String,
    /// Its items that duplicate another (a source link or a confirmed decision).
    pub items: u32,
    /// Days those items were in progress (cycle start to delivery, or to now).
    pub days: f64,
    /// Open candidates involving its items.
    pub candidates: u32,
}

/// The Duplicates page.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DuplicatesReport {
    pub as_of: String,
    /// Open candidates in all (the page holds the first `limit`).
    pub total: u32,
    pub pairs: Vec<DuplicatePair>,
    /// Duplicate pairs the sources link (facts).
    pub linked_at_source: u32,
    /// Pairs people confirmed / dismissed (dismissals still holding).
    pub confirmed: u32,
    pub dismissed: u32,
    pub teams: Vec<TeamDuplication>,
    /// How the candidates were brought up to date for this answer.
    pub computed: Computed,
    pub items_compared: u32,
}

/// What the page asks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", default)]
pub struct DuplicatesQuery {
    /// Only pairs with an item of this team (a team id or name).
    pub team: Option<String>,
    /// How many pairs (default 50, at most 500).
    pub limit: u32,
}

/// Item positions of open candidates: listed, not linked, not decided (dismissals that hold).
fn open_candidates<'a>(
    ix: &WorkIndex,
    ranked: &'a [Scored],
    decided: &HashMap<(String, String), PairDecision>,
) -> Vec<&'a Scored> {
    // Most pairs involve no decided item: those are told without building their key.
    let involved: std::collections::HashSet<&str> = decided
        .keys()
        .flat_map(|(x, y)| [x.as_str(), y.as_str()])
        .collect();
    ranked
        .iter()
        .filter(|s| {
            let (x, y) = (&ix.item_ids[s.a as usize], &ix.item_ids[s.b as usize]);
            if !involved.contains(x) || !involved.contains(y) {
                return true;
            }
            let (x, y) = (x.to_string(), y.to_string());
            let key = if x <= y { (x, y) } else { (y, x) };
            match decided.get(&key) {
                None => true,
                Some(d) if d.confirmed => false,
                Some(d) => !dismissal_holds(d, ix, s.a as usize, s.b as usize),
            }
        })
        .collect()
}

/// The ranked candidates for the index now: as kept, or as loaded from beside the workspace
/// with the rest of the file left unread (a fresh process's first worklist reads nothing
/// else), else from [`current`].
async fn ranked_now(ws: &Workspace) -> CoreResult<(Arc<WorkIndex>, Arc<Vec<Scored>>)> {
    let ix = ws.index().await?;
    let kept = ws.derived_slot::<Mutex<Kept>>(NAME);
    look_beside(ws, &ix, &kept).await?;
    if let Ok(slot) = kept.lock() {
        if slot.generation == Some(ix.generation) {
            let ranked = slot.ranked.clone();
            drop(slot);
            return Ok((ix, ranked));
        }
    }
    let c = current(ws, &mut |_, _| {}).await?;
    Ok((c.ix, c.ranked))
}

/// Open candidates per item (positions), for the Triage reason.
pub async fn open_by_item(ws: &Workspace) -> CoreResult<HashMap<u32, Vec<(u32, f64)>>> {
    let (ix, ranked) = ranked_now(ws).await?;
    let decided = pair_decisions(ws).await?;
    let mut out: HashMap<u32, Vec<(u32, f64)>> = HashMap::new();
    for s in open_candidates(&ix, &ranked, &decided) {
        out.entry(s.a).or_default().push((s.b, s.score));
        out.entry(s.b).or_default().push((s.a, s.score));
    }
    Ok(out)
}

fn percent(x: f64) -> String {
    format!("{:.0}%", (x * 100.0).round())
}

/// The explanation of a candidate, in words.
pub fn explain(signals: &[Signal]) -> String {
    signals
        .iter()
        .map(|s| match s {
            Signal::TitlesAlike { similarity } => format!("titles {} alike", percent(*similarity)),
            Signal::DescriptionsAlike { similarity } => {
                format!("descriptions {} alike", percent(*similarity))
            }
            Signal::CloseInTime { days } if *days < 1.0 => "created the same day".to_string(),
            Signal::CloseInTime { days } => {
                let d = days.round() as i64;
                format!("created {d} day{} apart", if d == 1 { "" } else { "s" })
            }
            Signal::SameIntent { intent } => format!("both under the intent '{intent}'"),
            Signal::SameLinkedItems { keys } => format!("both linked to {}", keys.join(", ")),
            Signal::SameFiles { paths, share } => format!(
                "both touch {} ({} of their files in common)",
                paths.join(", "),
                percent(*share)
            ),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn signals_of(ix: &WorkIndex, s: &Scored) -> Vec<Signal> {
    let mut out = vec![Signal::TitlesAlike {
        similarity: (s.text * 100.0).round() / 100.0,
    }];
    if let Some(d) = s.description {
        out.push(Signal::DescriptionsAlike {
            similarity: (d * 100.0).round() / 100.0,
        });
    }
    if s.days_apart < FAR_DAYS {
        out.push(Signal::CloseInTime {
            days: (s.days_apart * 10.0).round() / 10.0,
        });
    }
    if s.same_intent {
        let intent = ix.items[s.a as usize].intent as usize;
        if let Some(named) = ix.intents.get(intent) {
            out.push(Signal::SameIntent {
                intent: named.name.clone(),
            });
        }
    }
    if !s.same_files.is_empty() {
        out.push(Signal::SameFiles {
            paths: s.same_files.clone(),
            share: (s.files_share * 100.0).round() / 100.0,
        });
    }
    if !s.shared.is_empty() {
        out.push(Signal::SameLinkedItems {
            keys: s
                .shared
                .iter()
                .take(3)
                .map(|i| ix.item_keys[*i as usize].to_owned())
                .collect(),
        });
    }
    out
}

fn pair_item(ix: &WorkIndex, i: usize) -> PairItem {
    let item = &ix.items[i];
    let source = ix.sources.get(item.source as usize);
    PairItem {
        id: ix.item_ids[i].to_owned(),
        key: ix.item_keys[i].to_owned(),
        title: String::new(),
        kind: item.kind,
        team: ix.teams.get(item.team as usize).map(|t| t.name.clone()),
        source: source.map(|s| s.name.clone()).unwrap_or_default(),
        source_kind: source.map_or(SourceKind::File, |s| s.kind),
        provenance: item.provenance,
        flow: item.flow,
        created_at: to_rfc3339(item.created),
    }
}

/// Duplicated work per team: for every item that duplicates another (the `from` end of a
/// standing duplicates link, at the source or confirmed in Baton), one item and the days it was
/// in progress, from the start of its cycle to its delivery or to `now` (none if never started).
fn team_duplication(
    ix: &WorkIndex,
    facts: &crate::deps::graph::Facts,
    open: &[&Scored],
    now: i64,
) -> Vec<TeamDuplication> {
    let mut by_team: HashMap<u32, (u32, f64, u32)> = HashMap::new();
    let mut counted: HashSet<u32> = HashSet::new();
    for l in &ix.links {
        if l.kind != LinkKind::Duplicates || l.removed.is_some() || l.from == l.to {
            continue;
        }
        if !counted.insert(l.from) {
            continue;
        }
        let i = l.from as usize;
        let days = match facts.start.get(i).copied().flatten() {
            Some(start) => {
                let end = facts.finish.get(i).copied().flatten().unwrap_or(now);
                (end - start).max(0) as f64 / DAY_MS as f64
            }
            None => 0.0,
        };
        let e = by_team.entry(ix.items[i].team).or_default();
        e.0 += 1;
        e.1 += days;
    }
    for s in open {
        let (ta, tb) = (ix.items[s.a as usize].team, ix.items[s.b as usize].team);
        by_team.entry(ta).or_default().2 += 1;
        if tb != ta {
            by_team.entry(tb).or_default().2 += 1;
        }
    }
    let mut out: Vec<TeamDuplication> = by_team
        .into_iter()
        .map(|(t, (items, days, candidates))| TeamDuplication {
            team: ix
                .teams
                .get(t as usize)
                .map_or_else(|| "No team".to_string(), |n| n.name.clone()),
            items,
            days: (days * 10.0).round() / 10.0,
            candidates,
        })
        .collect();
    out.sort_by(|x, y| {
        y.days
            .total_cmp(&x.days)
            .then(y.items.cmp(&x.items))
            .then(x.team.cmp(&y.team))
    });
    out
}

/// The Duplicates page, measured at `now`; `progress` hears of a full build.
pub async fn report(
    ws: &Workspace,
    q: &DuplicatesQuery,
    now: i64,
    progress: engine::Progress<'_>,
) -> CoreResult<DuplicatesReport> {
    let limit = match q.limit {
        0 => 50,
        n if n > 500 => return Err(CoreError::Invalid("a page holds at most 500 pairs".into())),
        n => n,
    } as usize;
    let Current {
        ix,
        engine,
        ranked,
        computed,
    } = current(ws, progress).await?;
    let cx = crate::deps::context(ws, now).await?;
    let decided = pair_decisions(ws).await?;
    let open = open_candidates(&ix, &ranked, &decided);
    let team = match q.team.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => Some(
            ix.teams
                .iter()
                .position(|n| n.id == t || n.name.eq_ignore_ascii_case(t))
                .ok_or_else(|| CoreError::NotFound(format!("team {t}")))? as u32,
        ),
    };
    let shown: Vec<&&Scored> = open
        .iter()
        .filter(|s| {
            team.is_none_or(|t| {
                ix.items[s.a as usize].team == t || ix.items[s.b as usize].team == t
            })
        })
        .collect();
    let mut pairs: Vec<DuplicatePair> = shown
        .iter()
        .take(limit)
        .map(|s| {
            let (first, second) =
                if ix.items[s.a as usize].created <= ix.items[s.b as usize].created {
                    (s.a, s.b)
                } else {
                    (s.b, s.a)
                };
            let signals = signals_of(&ix, s);
            DuplicatePair {
                a: pair_item(&ix, first as usize),
                b: pair_item(&ix, second as usize),
                score: (s.score * 100.0).round() / 100.0,
                explanation: explain(&signals),
                signals,
            }
        })
        .collect();
    let mut refs: Vec<crate::flow::ItemRef> = pairs
        .iter()
        .flat_map(|p| [&p.a, &p.b])
        .map(|i| crate::flow::ItemRef {
            id: i.id.clone(),
            key: i.key.clone(),
            title: String::new(),
        })
        .collect();
    crate::flow::titles(ws, refs.iter_mut().collect()).await?;
    let titles: HashMap<String, String> = refs.into_iter().map(|r| (r.id, r.title)).collect();
    for p in &mut pairs {
        for side in [&mut p.a, &mut p.b] {
            if let Some(t) = titles.get(&side.id) {
                side.title = t.clone();
            }
        }
    }
    let confirmed = decided.values().filter(|d| d.confirmed).count();
    let dismissed = decided.values().filter(|d| !d.confirmed).count();
    Ok(DuplicatesReport {
        as_of: to_rfc3339(now),
        total: u32::try_from(shown.len()).unwrap_or(u32::MAX),
        pairs,
        linked_at_source: u32::try_from(
            ix.links
                .iter()
                .filter(|l| l.kind == LinkKind::Duplicates && l.removed.is_none())
                .count()
                .saturating_sub(confirmed),
        )
        .unwrap_or(u32::MAX),
        confirmed: u32::try_from(confirmed).unwrap_or(u32::MAX),
        dismissed: u32::try_from(dismissed).unwrap_or(u32::MAX),
        teams: team_duplication(&ix, &cx.facts, &open, now),
        computed,
        items_compared: u32::try_from(engine.len()).unwrap_or(u32::MAX),
    })
}

/// A person's answer about a candidate pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PairAnswer {
    /// The item that duplicates the other (for a confirmation, the `from` end of the link).
    pub item: String,
    pub of: String,
    /// Confirm (true) or dismiss (false).
    pub confirm: bool,
    #[serde(default)]
    pub why: String,
}

/// Confirms or dismisses a pair: records the decision (a confirmation also writes a manual
/// `duplicates` link from `item` to `of`). Returns the decision's id.
pub async fn answer(ws: &Workspace, a: &PairAnswer, actor: &str, now: i64) -> CoreResult<String> {
    let input = if a.confirm {
        DecisionInput::DuplicateConfirmed { of: a.of.clone() }
    } else {
        DecisionInput::DuplicateDismissed { of: a.of.clone() }
    };
    decisions::record(
        ws,
        NewDecision {
            item_id: a.item.clone(),
            input,
            actor: actor.to_owned(),
            why: a.why.clone(),
            reasons: vec!["duplicate_candidate".into()],
            seen_updated_at: None,
            seen_changes: None,
            now,
        },
    )
    .await
}

#[cfg(test)]
mod tests;
