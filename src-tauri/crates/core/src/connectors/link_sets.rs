//! Link sets that cannot retire anything, left out of a page before it is written.
//!
//! A [`LinkSet`](crate::graph::repo::links::LinkSet) retires the stored source links of one item
//! that the item's record no longer lists: one `UPDATE links` and one `DELETE FROM
//! pending_links` in the page's write, each matching rows that have the item itself as an end.
//! When no row of `links` or `pending_links` has the item as an end, both match nothing: so it is
//! for every item of a first sync, and for any item without links. [`IdleSets`] leaves those sets
//! out of a page (Linear and GitLab give one or two per issue: on a first sync of 20,000 Linear
//! issues they were 80,000 of the write's 84,500 statements).
//!
//! What is stored is read on the reading pool (one query per write) while the walk's write
//! before may still be in flight, so every link the walk has handed over counts as stored: its
//! earlier writes' and the page's own (which the write stages before it applies the sets). An
//! item one of them names, by its id or by one of its keys (the keys the walk's pages gave, and
//! the stored ones), keeps its sets. Links written meanwhile by another source's sync are not
//! seen: two runs that write the same items at once end in an order nobody chose anyway.

use std::collections::{HashMap, HashSet};

use crate::graph::repo;
use crate::graph::Workspace;
use crate::ingest::error::SyncError;
use crate::ingest::write::PageWrite;

/// What one walk has handed over (see the module).
#[derive(Debug, Default)]
pub struct IdleSets {
    /// Every end of a link the walk handed over, as written (an item id or a key).
    named: HashSet<String>,
    /// The items stored keys among those ends name.
    named_items: HashSet<String>,
    /// The keys the walk's pages gave, by the item they name.
    keys_of: HashMap<String, Vec<String>>,
    /// Ends not yet looked up among the stored keys.
    unresolved: Vec<String>,
}

impl IdleSets {
    /// A walk that has handed nothing over yet.
    pub fn new() -> IdleSets {
        IdleSets::default()
    }

    /// Whether a link handed over by the walk names `item_id`.
    fn named(&self, item_id: &str) -> bool {
        self.named.contains(item_id)
            || self.named_items.contains(item_id)
            || self
                .keys_of
                .get(item_id)
                .is_some_and(|keys| keys.iter().any(|k| self.named.contains(k)))
    }

    /// Notes what `page` hands over and removes its link sets that cannot retire anything (their
    /// item is an end of no stored link nor of any link the walk handed over); how many.
    /// Call it with each page of the walk, in order, just before it is committed.
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
        }
        let ends = page
            .links
            .iter()
            .flat_map(|l| [&l.from_item_id, &l.to_item_id])
            .chain(
                page.link_sets
                    .iter()
                    .flat_map(|s| s.keep.iter().flat_map(|(from, to, _)| [from, to])),
            );
        for end in ends {
            if self.named.insert(end.clone()) {
                self.unresolved.push(end.clone());
            }
        }
        if page.link_sets.is_empty() {
            return Ok(0);
        }
        let mut conn = ws.pool().acquire().await?;
        if !self.unresolved.is_empty() {
            // Ends that are keys stand for the items the stored keys name.
            let Ok(json) = serde_json::to_string(&self.unresolved) else {
                return Ok(0);
            };
            let found = repo::item_keys::resolve(&mut conn, &json).await?;
            self.named_items
                .extend(found.into_iter().map(|(_, item)| item));
            self.unresolved.clear();
        }
        let mut unnamed: Vec<&str> = page
            .link_sets
            .iter()
            .map(|s| s.item_id.as_str())
            .filter(|id| !self.named(id))
            .collect();
        if unnamed.is_empty() {
            return Ok(0);
        }
        unnamed.sort_unstable();
        unnamed.dedup();
        let Ok(json) = serde_json::to_string(&unnamed) else {
            return Ok(0);
        };
        let linked: HashSet<String> = repo::links::ends_among(&mut conn, &json)
            .await?
            .into_iter()
            .collect();
        let idle: HashSet<String> = unnamed
            .into_iter()
            .filter(|id| !linked.contains(*id))
            .map(str::to_owned)
            .collect();
        let before = page.link_sets.len();
        page.link_sets.retain(|s| !idle.contains(&s.item_id));
        Ok(before - page.link_sets.len())
    }
}
