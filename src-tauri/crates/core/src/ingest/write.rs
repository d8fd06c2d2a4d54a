//! Writing one page of a sync: raw records, people, items, transitions, links, workflow
//! mappings, the run's figures and the stream's cursor, all in one transaction.
//!
//! Either the whole page is in the file or none of it is: a sync interrupted anywhere resumes
//! from the last committed cursor, and since every write is an upsert keyed by source ids (and
//! transitions are keyed by the source's event id), writing a page twice changes nothing.

use std::collections::{HashMap, HashSet};

use crate::graph::model::{Identity, Link, Person, Transition, WorkItem, WorkflowMap};
use crate::graph::repo::{self, links::LinkSet, raw_records::RawRecord, sync_cursors::Cursor};
use crate::graph::{ChangeKind, Workspace, WriteOp, Writer};
use crate::ingest::error::SyncError;

/// A person as a source shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct SeenPerson {
    pub login: String,
    pub display_name: String,
    pub is_bot: bool,
}

/// The id a login gets as a person when nobody merged it into another person.
pub fn person_id(source_id: &str, login: &str) -> String {
    format!("{source_id}:{login}")
}

/// Everything one page of a stream produces.
#[derive(Debug, Clone, Default)]
pub struct PageWrite {
    pub stream: String,
    pub raw: Vec<RawRecord>,
    /// People met on the page; items, transitions and links name them by [`person_id`].
    pub people: Vec<SeenPerson>,
    pub items: Vec<WorkItem>,
    /// May name items not on the page; those not stored are skipped (an event of an item that
    /// was never synced).
    pub transitions: Vec<Transition>,
    /// May name items not stored yet: they wait in `pending_links`.
    pub links: Vec<Link>,
    pub link_sets: Vec<LinkSet>,
    pub workflow_maps: Vec<WorkflowMap>,
    /// The stream's position after this page.
    pub cursor: Option<Cursor>,
    /// Other streams' positions written with the page (a pull request timeline's validator).
    pub cursors: Vec<(String, Cursor)>,
    /// Items whose state changes and blocked flags on this page are their whole history: what
    /// was stored of those is replaced (a lifecycle recomputed from a full timeline).
    pub lifecycles: Vec<String>,
}

impl PageWrite {
    /// A page of `stream`.
    pub fn new(stream: &str) -> PageWrite {
        PageWrite {
            stream: stream.to_owned(),
            ..PageWrite::default()
        }
    }

    /// Records a person (once per login).
    pub fn person(&mut self, source_id: &str, person: SeenPerson) -> String {
        let id = person_id(source_id, &person.login);
        if !self.people.iter().any(|p| p.login == person.login) {
            self.people.push(person);
        }
        id
    }
}

pub use crate::graph::repo::sync_runs::RunFigures;

/// What a committed page changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageOutcome {
    pub items: u64,
    pub transitions: u64,
    pub links: u64,
}

/// Writes `page` for `source_id` in one transaction, with the run's figures.
pub async fn commit_page(
    ws: &Workspace,
    source_id: &str,
    run_id: &str,
    figures: RunFigures,
    page: &PageWrite,
    now: i64,
) -> Result<PageOutcome, SyncError> {
    let (outcome, _) = ws
        .write(CommitPage {
            source_id,
            run_id,
            figures,
            page,
            now,
        })
        .await?;
    Ok(outcome)
}

/// The write of [`commit_page`].
struct CommitPage<'a> {
    source_id: &'a str,
    run_id: &'a str,
    figures: RunFigures,
    page: &'a PageWrite,
    now: i64,
}

impl WriteOp for CommitPage<'_> {
    type Output = PageOutcome;
    type Error = SyncError;

    async fn apply(self, w: &mut Writer<'_>) -> Result<PageOutcome, SyncError> {
        let CommitPage {
            source_id,
            run_id,
            figures,
            page,
            now,
        } = self;
        let mut outcome = PageOutcome::default();

        repo::raw_records::upsert_many(w.conn(), &page.raw).await?;

        // People: a login that already has an identity keeps its person (identities may have been
        // merged); new logins get a person of their own.
        let mut rename: HashMap<String, String> = HashMap::new();
        if !page.people.is_empty() {
            let logins: Vec<&str> = page.people.iter().map(|p| p.login.as_str()).collect();
            let logins_json = serde_json::to_string(&logins).unwrap_or_else(|_| "[]".into());
            let known: HashMap<String, String> =
                repo::identities::resolve(w.conn(), source_id, &logins_json)
                    .await?
                    .into_iter()
                    .collect();
            let mut people = Vec::new();
            let mut identities = Vec::new();
            for seen in &page.people {
                let own = person_id(source_id, &seen.login);
                match known.get(&seen.login) {
                    Some(existing) if *existing != own => {
                        rename.insert(own, existing.clone());
                    }
                    Some(_) => people.push(Person {
                        id: own,
                        display_name: seen.display_name.clone(),
                        team_id: None,
                        is_bot: seen.is_bot,
                    }),
                    None => {
                        people.push(Person {
                            id: own.clone(),
                            display_name: seen.display_name.clone(),
                            team_id: None,
                            is_bot: seen.is_bot,
                        });
                        identities.push(Identity {
                            source_id: source_id.to_owned(),
                            login: seen.login.clone(),
                            person_id: own,
                        });
                    }
                }
            }
            repo::people::upsert_synced(w.conn(), &people).await?;
            repo::identities::insert_missing(w.conn(), &identities).await?;
        }
        let person = |id: &Option<String>| -> Option<String> {
            id.as_ref()
                .map(|id| rename.get(id).cloned().unwrap_or_else(|| id.clone()))
        };

        repo::workflow_maps::upsert_many(w.conn(), &page.workflow_maps).await?;

        let items: Vec<WorkItem> = page
            .items
            .iter()
            .map(|item| WorkItem {
                owner_id: person(&item.owner_id),
                author_id: person(&item.author_id),
                ..item.clone()
            })
            .collect();
        outcome.items = repo::items::upsert_many(w.conn(), &items).await?;

        // Transitions of items neither on this page nor stored are dropped (events of items outside
        // the synced scope).
        let on_page: HashSet<&str> = items.iter().map(|i| i.id.as_str()).collect();
        let mut elsewhere: Vec<&str> = page
            .transitions
            .iter()
            .map(|t| t.item_id.as_str())
            .filter(|id| !on_page.contains(id))
            .collect();
        elsewhere.sort_unstable();
        elsewhere.dedup();
        let stored: HashSet<String> = if elsewhere.is_empty() {
            HashSet::new()
        } else {
            let json = serde_json::to_string(&elsewhere).unwrap_or_else(|_| "[]".into());
            repo::items::existing(w.conn(), &json)
                .await?
                .into_iter()
                .collect()
        };
        if !page.lifecycles.is_empty() {
            let json = serde_json::to_string(&page.lifecycles).unwrap_or_else(|_| "[]".into());
            repo::transitions::delete_states_of(w.conn(), &json).await?;
        }
        let transitions: Vec<Transition> = page
            .transitions
            .iter()
            .filter(|t| on_page.contains(t.item_id.as_str()) || stored.contains(&t.item_id))
            .map(|t| Transition {
                actor_id: person(&t.actor_id),
                ..t.clone()
            })
            .collect();
        outcome.transitions = repo::transitions::insert_many(w.conn(), &transitions).await?;

        // Links: staged, retired when their item no longer lists them, then promoted once both
        // ends exist.
        repo::links::stage_pending(w.conn(), source_id, &page.links).await?;
        for set in &page.link_sets {
            repo::links::retire_missing(w.conn(), set, now).await?;
        }
        let mut touched: Vec<&str> = on_page.iter().copied().collect();
        for link in &page.links {
            touched.push(&link.from_item_id);
            touched.push(&link.to_item_id);
        }
        touched.sort_unstable();
        touched.dedup();
        if !touched.is_empty() {
            let json = serde_json::to_string(&touched).unwrap_or_else(|_| "[]".into());
            outcome.links = repo::links::promote_pending(w.conn(), &json).await?;
        }

        if let Some(cursor) = &page.cursor {
            repo::sync_cursors::put(w.conn(), source_id, &page.stream, cursor, now).await?;
        }
        for (stream, cursor) in &page.cursors {
            repo::sync_cursors::put(w.conn(), source_id, stream, cursor, now).await?;
        }
        repo::sync_runs::record_progress(w.conn(), run_id, &figures).await?;
        // What the in-memory index must read again: the page's items, the stored items it added
        // changes to, and both ends of its links.
        let changed: Vec<String> = touched
            .iter()
            .map(|id| (*id).to_owned())
            .chain(stored.iter().cloned())
            .collect();
        w.items_changed(changed);
        if !page.people.is_empty() {
            w.changed(ChangeKind::People);
        }
        if !page.workflow_maps.is_empty() {
            // Meanings inferred for states met for the first time.
            w.changed(ChangeKind::Workflow);
        }
        w.changed(ChangeKind::SyncRuns);
        Ok(outcome)
    }
}
