//! Link sets that cannot retire anything, left out of a page before it is written.
//!
//! A [`LinkSet`] retires the stored source links of one item that the item's record no longer
//! lists: the page's write looks up, for each set, the rows of the set's kinds that have the
//! item itself at the set's side (`repo::links::retire_missing_many`: a few statements for all
//! the page's sets). When no such row exists, the set matches nothing: so it is for every item
//! of a first sync, and for any item without links of those kinds (an issue's parent set when it
//! has no parent). [`IdleSets`] leaves those sets out of a page (Linear gives two per issue,
//! GitLab one), so the write does not look them up. (When each set was its own two statements,
//! on a first sync of 20,000 Linear issues they were 80,000 of the write's 84,500 statements.)
//!
//! What is stored is read on the reading pool (two queries per page: the stored keys among the
//! links' ends, the stored links at the items) while the walk's write before may still be in
//! flight, so every link the walk has handed over counts as stored: its earlier writes' and the
//! page's own (which the write stages before it applies the sets). A set one of them could
//! match, by its item's id or one of its keys (the keys the walk's pages gave, and the stored
//! ones), is kept. Links written meanwhile by another source's sync are not seen: two runs
//! that write the same items at once end in an order nobody chose anyway.

use std::collections::{HashMap, HashSet};

use crate::graph::model::LinkKind;
use crate::graph::repo;
use crate::graph::repo::links::{LinkSet, Side};
use crate::graph::Workspace;
use crate::ingest::error::SyncError;
use crate::ingest::write::PageWrite;

/// An end of a link: an item id (or a key naming one), the link's kind, and whether it is the
/// link's `from` end.
type End = (String, LinkKind, bool);

/// An end of a stored link (its kind `None` when Baton does not know it).
type StoredEnd = (String, Option<LinkKind>, bool);

/// A link as written: (from, to, kind).
type Edge = (String, String, LinkKind);

/// What one walk has handed over (see the module).
#[derive(Debug, Default)]
pub struct IdleSets {
    /// Every link the walk handed over, as written (ends are item ids or keys), by each end.
    named: HashMap<End, HashSet<Edge>>,
    /// Ends of those links that are stored keys, for the items the keys name.
    named_items: HashSet<End>,
    /// The keys the walk's pages gave, by the item they name.
    keys_of: HashMap<String, Vec<String>>,
    /// Every key known: the walk's pages' and the stored ones met among the links' ends.
    keys: HashSet<String>,
    /// Ends not yet looked up among the stored keys.
    unresolved: Vec<String>,
}

/// The ends a set retires links at: (kind, whether its item is the `from` end).
fn roles(set: &LinkSet) -> impl Iterator<Item = (LinkKind, bool)> + '_ {
    let sides: &[bool] = match set.side {
        Side::From => &[true],
        Side::To => &[false],
        Side::Either => &[true, false],
    };
    set.kinds
        .iter()
        .flat_map(move |kind| sides.iter().map(move |from| (*kind, *from)))
}

impl IdleSets {
    /// A walk that has handed nothing over yet.
    pub fn new() -> IdleSets {
        IdleSets::default()
    }

    /// Whether `set` keeps `edge` for sure: it lists it, as written, and neither end is a key
    /// (a key may name another item by the time the set is written).
    fn keeps(&self, set: &LinkSet, edge: &Edge) -> bool {
        !self.keys.contains(&edge.0) && !self.keys.contains(&edge.1) && set.keep.contains(edge)
    }

    /// Whether a link the walk handed over could be retired by `set`: one of its kinds, with
    /// the set's item (by its id or one of its keys) at the set's side, and not one the set
    /// keeps.
    fn named(&self, set: &LinkSet) -> bool {
        let keys = self.keys_of.get(&set.item_id);
        roles(set).any(|(kind, from)| {
            let end = (set.item_id.clone(), kind, from);
            self.named
                .get(&end)
                .is_some_and(|edges| edges.iter().any(|e| !self.keeps(set, e)))
                || self.named_items.contains(&end)
                || keys.is_some_and(|keys| {
                    keys.iter()
                        .any(|k| self.named.contains_key(&(k.clone(), kind, from)))
                })
        })
    }

    /// Notes what `page` hands over and removes its link sets that cannot retire anything: no
    /// source link stored, nor any the walk handed over, has the set's item at the set's side
    /// with one of its kinds, except links the set keeps. How many it removed. Call it with each
    /// page of the walk, in order, just before it is committed.
    pub async fn drop_idle(
        &mut self,
        ws: &Workspace,
        page: &mut PageWrite,
    ) -> Result<usize, SyncError> {
        for (key, id) in &page.keys {
            self.keys_of
                .entry(id.clone())
                .or_default()
                .push(key.clone());
            self.keys.insert(key.clone());
        }
        let links = page
            .links
            .iter()
            .map(|l| (&l.from_item_id, &l.to_item_id, l.kind))
            .chain(
                page.link_sets
                    .iter()
                    .flat_map(|s| s.keep.iter().map(|(from, to, kind)| (from, to, *kind))),
            );
        for (from, to, kind) in links {
            let edge: Edge = (from.clone(), to.clone(), kind);
            for end in [(from.clone(), kind, true), (to.clone(), kind, false)] {
                let fresh = !self.named.contains_key(&end);
                if fresh {
                    self.unresolved.push(end.0.clone());
                }
                self.named.entry(end).or_default().insert(edge.clone());
            }
        }
        if page.link_sets.is_empty() {
            return Ok(0);
        }
        let mut conn = ws.pool().acquire().await?;
        if !self.unresolved.is_empty() {
            // Ends that are keys stand for the items the stored keys name.
            let mut texts: Vec<String> = std::mem::take(&mut self.unresolved);
            texts.sort_unstable();
            texts.dedup();
            let Ok(json) = serde_json::to_string(&texts) else {
                return Ok(0);
            };
            let mut items: HashMap<String, Vec<String>> = HashMap::new();
            for (key, item) in repo::item_keys::resolve(&mut conn, &json).await? {
                items.entry(key).or_default().push(item);
            }
            for (end, kind, from) in self.named.keys() {
                for item in items.get(end).into_iter().flatten() {
                    self.named_items.insert((item.clone(), *kind, *from));
                }
            }
            self.keys.extend(items.into_keys());
        }
        let mut unnamed: Vec<&str> = page
            .link_sets
            .iter()
            .filter(|s| !self.named(s))
            .map(|s| s.item_id.as_str())
            .collect();
        if unnamed.is_empty() {
            return Ok(0);
        }
        unnamed.sort_unstable();
        unnamed.dedup();
        let Ok(json) = serde_json::to_string(&unnamed) else {
            return Ok(0);
        };
        // The stored source links at those items; a kind Baton does not know counts as any.
        let mut stored: HashMap<StoredEnd, Vec<(String, String)>> = HashMap::new();
        for (from, to, kind) in repo::links::source_links_of(&mut conn, &json).await? {
            let kind = LinkKind::parse(&kind);
            let edge = (from.clone(), to.clone());
            stored
                .entry((from, kind, true))
                .or_default()
                .push(edge.clone());
            stored.entry((to, kind, false)).or_default().push(edge);
        }
        let before = page.link_sets.len();
        let known = &*self;
        page.link_sets.retain(|set| {
            known.named(set)
                || roles(set).any(|(kind, from)| {
                    let listed = stored
                        .get(&(set.item_id.clone(), Some(kind), from))
                        .into_iter()
                        .flatten()
                        .any(|(f, t)| !known.keeps(set, &(f.clone(), t.clone(), kind)));
                    listed || stored.contains_key(&(set.item_id.clone(), None, from))
                })
        });
        Ok(before - page.link_sets.len())
    }
}
