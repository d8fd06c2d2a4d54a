//! The demo organisation: a deterministic, seeded generator of a believable work graph.
//!
//! `generate` is a pure function of [`DemoOptions`]: the same options give the same graph, byte
//! for byte. `build` writes it into a new workspace in one transaction.

mod cases;
mod descriptions;
mod files;
mod generate;
mod github;
mod linear;
mod names;
mod org;
pub(crate) mod rng;
mod titles;

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

use crate::error::{CoreError, CoreResult};
use crate::graph::model::{
    Identity, Intent, IntentOrigin, IntentRuleField, ItemFacet, Link, Person, Source,
    SourcedIntent, Team, Transition, WorkItem, WorkflowMap,
};
use crate::graph::repo::{self, decisions::DecisionRow};
use crate::graph::side::{DeclaredKey, SideFile, SideWriter};
use crate::graph::{Workspace, WriteOp, Writer};

pub use generate::generate;

/// The default size of the demo organisation.
pub const DEFAULT_ITEMS: u32 = 3_000;
/// The default seed.
pub const DEFAULT_SEED: u64 = 0xBA70_2026;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoOptions {
    /// About how many work items (issues and pull requests).
    pub items: u32,
    pub seed: u64,
    /// The last day of the generated history (ms since the epoch, any time of that day, UTC).
    /// The history covers the nine months before it.
    pub end: i64,
}

/// A generated organisation, ready to write.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DemoGraph {
    pub sources: Vec<Source>,
    pub teams: Vec<Team>,
    pub people: Vec<Person>,
    pub identities: Vec<Identity>,
    pub intents: Vec<Intent>,
    pub workflow_maps: Vec<WorkflowMap>,
    pub items: Vec<WorkItem>,
    pub transitions: Vec<Transition>,
    pub links: Vec<Link>,
    /// Decisions people took in Baton: the demo's questions asked in Baton that wait for a
    /// decider (some answered), see `cases::approvals`.
    pub decisions: Vec<DecisionRow>,
    /// Work filed twice and linked nowhere: (the later item, the earlier one) by id. Not
    /// written to the workspace; the duplicates engine's ground truth on the demo, with the
    /// duplicate links the sources hold.
    pub planted_duplicates: Vec<(String, String)>,
    /// The files each GitHub pull request touches, as the sync's mapping makes them of
    /// `/pulls/{n}/files` records (see `files`).
    pub paths: Vec<crate::graph::repo::item_paths::PathList>,
    /// Each repository's `CODEOWNERS`, as the sync's mapping reads it from the contents API.
    pub owners: Vec<crate::graph::repo::item_paths::RepoOwners>,
    /// Each item's description as plain text, as its source's mapping reads it (item id,
    /// text; see `descriptions`); stored summed up (`item_texts`), as a sync stores it.
    pub descriptions: Vec<(String, String)>,
    /// Reviews asked of people and teams and not given yet on open pull requests, as the real
    /// mapping reads them from the pull requests' timelines (`github`).
    pub review_requests: Vec<crate::graph::repo::review_requests::ReviewRequest>,
    /// GitHub repositories renamed partway through the history: their earlier items arrived
    /// under the name before, and the write adopts them as a sync adopts a renamed
    /// repository's items (`connectors::github::adoption`).
    pub github_renames: Vec<RepoRename>,
}

/// A GitHub repository renamed partway through the demo's history.
#[derive(Debug, Clone, PartialEq)]
pub struct RepoRename {
    /// The GitHub source.
    pub source_id: String,
    /// The repository: its numeric id and its name now.
    pub repo: crate::connectors::github::map::RepoIds,
    /// `owner/name` before the rename.
    pub before: String,
}

impl DemoGraph {
    /// How many rows writing this graph inserts.
    pub fn row_count(&self) -> u64 {
        (self.sources.len()
            + self.teams.len()
            + self.people.len()
            + self.identities.len()
            + self.intents.len()
            + self.workflow_maps.len()
            + self.items.len()
            + self.transitions.len()
            + self.links.len()
            + self.decisions.len()
            + self.owners.len()
            + self.descriptions.len()
            + self.paths.iter().map(|l| l.paths.len() + 1).sum::<usize>()) as u64
    }
}

/// Figures from writing a graph.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WriteStats {
    pub rows: u64,
    pub seconds: f64,
}

/// Writes a graph into a workspace in one transaction. (The graph is copied once, to be shared
/// with the writers of a large load's side files: [`create`] and [`build`] share theirs as it
/// is.)
pub async fn write(ws: &Workspace, graph: &DemoGraph) -> CoreResult<WriteStats> {
    let bulk = graph.row_count() >= INDEXES_AFTER_ROWS;
    write_as(ws, &Arc::new(graph.clone()), bulk).await
}

/// [`write`], as a large load (`bulk`: secondary indexes built after the rows, foreign keys
/// checked once before the commit, some tables filled in side files on connections of their
/// own) or row by row.
pub(crate) async fn write_as(
    ws: &Workspace,
    graph: &Arc<DemoGraph>,
    bulk: bool,
) -> CoreResult<WriteStats> {
    let started = Instant::now();
    // The descriptions are summed up (`duplicates::text::describe`, pure CPU) on a thread of
    // their own while the rows before them go in.
    let shared = Arc::clone(graph);
    let texts =
        tokio::task::spawn_blocking(move || crate::ingest::write::item_texts(&shared.descriptions));
    // A large load checks its foreign keys once, before its commit, rather than row by row
    // (`Workspace::write_bulk`): the demo deletes and replaces no row another table refers to,
    // so the rows written are the same. Its items (with their descriptions and requesters) and
    // its transitions, most of its rows, are written into two side files, each by a task and a
    // connection of its own (so their values are bound, and their statements run, on other
    // threads than the other rows'), while the other rows go in, and copied in as they are
    // stored once filled (`graph::side`).
    if bulk {
        let declared = ws.foreign_keys(CHECKED_TABLES).await?;
        let shared = Arc::clone(graph);
        let checked = tokio::task::spawn_blocking(move || check_keys(&shared, &declared));
        let (items_side, items_writer) = ws.side_file("side_items", ITEMS_SIDE).await?;
        let (changes_side, changes_writer) = ws.side_file("side_changes", CHANGES_SIDE).await?;
        let (items_side, changes_side) = (Arc::new(items_side), Arc::new(changes_side));
        let runtime = tokio::runtime::Handle::current();
        let fill = |side: &Arc<SideFile>, writer: SideWriter, texts| {
            let (done, filled) = tokio::sync::oneshot::channel();
            let stop = StopOnDrop(writer.stop_flag());
            let (side, graph, runtime) = (Arc::clone(side), Arc::clone(graph), runtime.clone());
            let task = tokio::task::spawn_blocking(move || {
                let _ = done.send(fill_side(&side, writer, &graph, texts, &runtime));
            });
            ((stop, task), filled)
        };
        let (items_task, items_filled) = fill(&items_side, items_writer, Some(texts));
        let (changes_task, changes_filled) = fill(&changes_side, changes_writer, None);
        let op = WriteGraph {
            graph,
            rows: Rows::Beside(Sides {
                items: (&items_side, items_filled),
                changes: (&changes_side, changes_filled),
                checked,
            }),
        };
        // The write waits for each side file before it copies it in. A write that fails
        // first stops their filling (`StopOnDrop`, as does a load dropped half-way) and waits
        // for it to end, so its side files are gone when it returns.
        let written = ws
            .write_bulk_beside(op, &[&items_side, &changes_side], CHECKED_TABLES)
            .await;
        for (stop, task) in [items_task, changes_task] {
            drop(stop);
            let _ = task.await;
        }
        written?;
    } else {
        let op = WriteGraph {
            graph,
            rows: Rows::Here { texts },
        };
        ws.write(op).await?;
    }
    // A renamed repository's items that arrived under its earlier name follow it, as a sync's
    // adoption makes them (keys and URLs move to the new name; the old keys still name them).
    let now = graph.items.iter().map(|i| i.updated_at).max().unwrap_or(0);
    for rename in &graph.github_renames {
        let adoption = crate::connectors::github::adoption(
            &rename.source_id,
            &rename.repo,
            vec![rename.before.clone()],
        );
        crate::ingest::write::adopt_renamed(ws, &adoption, now)
            .await
            .map_err(|err| CoreError::Invalid(format!("adopting a renamed repository: {err}")))?;
    }
    Ok(WriteStats {
        rows: graph.row_count(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// A side file's filling, stopped when this is dropped (at its next statement).
struct StopOnDrop(Arc<std::sync::atomic::AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// The tables of a large load written into the side file of its items ([`fill_side`]), with
/// what is stored on the items themselves (their requesters), and copied in once the other
/// rows, which do not read them, are written.
const ITEMS_SIDE: &[&str] = &["items", "item_texts"];

/// The table of a large load written into the side file of its changes and copied in last.
const CHANGES_SIDE: &[&str] = &["transitions"];

/// The tables whose rows' keys a large load checks itself ([`check_keys`]), and the
/// workspace's check before the commit leaves out: the load writes no other rows into them than
/// those the check reads (the graph's, and those derived from it by the functions the write
/// uses: [`keyed_items`], [`facet_rows`], [`served_rows`]).
const CHECKED_TABLES: &[&str] = &[
    "items",
    "transitions",
    "links",
    "item_keys",
    "item_paths",
    "item_path_lists",
    "item_facets",
    "intent_links",
    "item_texts",
];

/// Writes the graph's rows of the tables of `side` into it, in one transaction, and builds
/// their indexes (blocking: on a thread of its own; `runtime` waits for the descriptions).
fn fill_side(
    side: &SideFile,
    writer: SideWriter,
    graph: &DemoGraph,
    mut texts: Option<Texts>,
    runtime: &tokio::runtime::Handle,
) -> CoreResult<()> {
    side.fill(writer, |w| {
        for table in side.tables() {
            match table.as_str() {
                "items" => {
                    let ordered = repo::in_key_order(&graph.items, |i| &i.id);
                    w.insert(&repo::items::UPSERT, &ordered, |b, i| {
                        repo::items::bind(b, i)
                    })?;
                    tracing::debug!("bulk load: items written in their side file");
                    if let Some(json) = requesters_json(graph)? {
                        w.execute(repo::items::SET_REQUESTERS, &json)?;
                    }
                }
                "item_texts" => {
                    let texts = texts.take().ok_or_else(|| {
                        CoreError::Invalid("the descriptions are written once".into())
                    })?;
                    let texts = runtime.block_on(texts).map_err(|err| {
                        CoreError::Invalid(format!("summing up the descriptions: {err}"))
                    })?;
                    let ordered = repo::in_key_order(&texts, |r| r.item_id.as_str());
                    w.insert(&repo::item_texts::SET, &ordered, |b, r| {
                        repo::item_texts::bind(b, r)
                    })?;
                    tracing::debug!("bulk load: descriptions written in the items' side file");
                }
                "transitions" => {
                    let numbered = repo::transitions::numbered(&graph.transitions);
                    let ordered = repo::transitions::in_key_order(&numbered);
                    w.insert(&repo::transitions::INSERT, &ordered, |b, row| {
                        repo::transitions::bind(b, row)
                    })?;
                    tracing::debug!("bulk load: transitions written in their side file");
                }
                other => {
                    return Err(CoreError::Invalid(format!(
                        "a demo load writes no side table {other}"
                    )))
                }
            };
        }
        Ok(())
    })
}

/// Fails unless every foreign key `declared` of the rows the load writes names a row the load
/// writes: what SQLite's check before the commit (`PRAGMA foreign_key_check`) would find, by a
/// look-up in a set of ids instead of one in the parent's index per row (2.9 million of them at
/// 200,000 items), on a thread of its own. The keys are those the schema declares
/// ([`Workspace::foreign_keys`]): one this check does not know fails the load rather than go
/// unchecked.
fn check_keys(graph: &DemoGraph, declared: &[DeclaredKey]) -> CoreResult<()> {
    type Ids<'a> = rustc_hash::FxHashSet<&'a str>;
    let items: Ids = graph.items.iter().map(|i| i.id.as_str()).collect();
    let people: Ids = graph.people.iter().map(|p| p.id.as_str()).collect();
    let teams: Ids = graph.teams.iter().map(|t| t.id.as_str()).collect();
    let sources: Ids = graph.sources.iter().map(|s| s.id.as_str()).collect();
    let intents: Ids = graph.intents.iter().map(|i| i.id.as_str()).collect();
    // (Set on the items once written: `set_requesters`.)
    let requesters = cases::requesters(graph);
    for key in declared {
        let unknown = || {
            CoreError::Invalid(format!(
                "the load cannot check the key {}.{} (names {}); nothing was written",
                key.table, key.column, key.parent
            ))
        };
        let parent = match (key.parent.as_str(), key.parent_column.as_deref()) {
            ("items", None | Some("id")) => &items,
            ("people", None | Some("id")) => &people,
            ("teams", None | Some("id")) => &teams,
            ("sources", None | Some("id")) => &sources,
            ("intents", None | Some("id")) => &intents,
            _ => return Err(unknown()),
        };
        let values: Box<dyn Iterator<Item = Option<&str>>> =
            match (key.table.as_str(), key.column.as_str()) {
                ("transitions", "item_id") => {
                    Box::new(graph.transitions.iter().map(|t| Some(t.item_id.as_str())))
                }
                ("transitions", "actor_id") => {
                    Box::new(graph.transitions.iter().map(|t| t.actor_id.as_deref()))
                }
                ("links", "from_item_id") => {
                    Box::new(graph.links.iter().map(|l| Some(l.from_item_id.as_str())))
                }
                ("links", "to_item_id") => {
                    Box::new(graph.links.iter().map(|l| Some(l.to_item_id.as_str())))
                }
                ("items", "source_id") => {
                    Box::new(graph.items.iter().map(|i| Some(i.source_id.as_str())))
                }
                ("items", "team_id") => Box::new(graph.items.iter().map(|i| i.team_id.as_deref())),
                ("items", "owner_id") => {
                    Box::new(graph.items.iter().map(|i| i.owner_id.as_deref()))
                }
                ("items", "author_id") => {
                    Box::new(graph.items.iter().map(|i| i.author_id.as_deref()))
                }
                ("items", "intent_id") => {
                    Box::new(graph.items.iter().map(|i| i.intent_id.as_deref()))
                }
                ("items", "requester_id") => Box::new(
                    requesters
                        .iter()
                        .map(|(_, person, _)| Some(person.as_str())),
                ),
                ("item_keys", "item_id") => {
                    Box::new(keyed_items(graph).map(|(_, i)| Some(i.id.as_str())))
                }
                ("item_paths", "item_id") => Box::new(
                    graph
                        .paths
                        .iter()
                        .flat_map(|l| l.paths.iter())
                        .map(|p| Some(p.item_id.as_str())),
                ),
                ("item_path_lists", "item_id") => {
                    Box::new(graph.paths.iter().map(|l| Some(l.item_id.as_str())))
                }
                ("item_facets", "item_id") => Box::new(facet_rows(graph).map(|(i, _, _)| Some(i))),
                ("intent_links", "item_id") => Box::new(served_rows(graph).map(|(i, _)| Some(i))),
                ("intent_links", "intent_id") => {
                    Box::new(served_rows(graph).map(|(_, intent)| Some(intent)))
                }
                // (`ingest::write::item_texts` keeps each description's item.)
                ("item_texts", "item_id") => Box::new(
                    graph
                        .descriptions
                        .iter()
                        .map(|(item, _)| Some(item.as_str())),
                ),
                _ => return Err(unknown()),
            };
        // A key that is NULL names nothing, as SQLite reads it. (An item's rows are written
        // one after the other: a value like the row before's is not looked up again.)
        let mut missing = 0;
        let mut before = None;
        for value in values.flatten() {
            if before != Some(value) && !parent.contains(value) {
                missing += 1;
                continue;
            }
            before = Some(value);
        }
        if missing > 0 {
            return Err(CoreError::Invalid(format!(
                "the write leaves {missing} foreign key(s) without their row (a row of {} names \
                 no row of {}); nothing was written",
                key.table, key.parent
            )));
        }
    }
    Ok(())
}

/// The side files of a large load: each, and word from its filling once it is done; and the
/// check of the keys of [`CHECKED_TABLES`].
struct Sides<'a> {
    items: (&'a SideFile, tokio::sync::oneshot::Receiver<CoreResult<()>>),
    changes: (&'a SideFile, tokio::sync::oneshot::Receiver<CoreResult<()>>),
    checked: tokio::task::JoinHandle<CoreResult<()>>,
}

/// Waits for a side file's filling, then copies its tables in.
async fn copy_side(
    w: &mut Writer<'_>,
    (side, filled): (&SideFile, tokio::sync::oneshot::Receiver<CoreResult<()>>),
) -> CoreResult<()> {
    filled
        .await
        .map_err(|_| CoreError::Invalid("a side file's writing stopped".into()))??;
    for table in side.tables() {
        side.copy_into(w.conn(), table).await?;
    }
    Ok(())
}

/// The GitHub items of the graph, each with its source's namespace: every key an item arrived
/// under names it in `item_keys`, as the mapping records it (`page.keys`), which lets a link,
/// or a renamed repository's old key, find the item.
fn keyed_items(graph: &DemoGraph) -> impl Iterator<Item = (std::rc::Rc<str>, &WorkItem)> + '_ {
    graph
        .sources
        .iter()
        .filter(|s| s.kind == crate::graph::model::SourceKind::Github)
        .flat_map(move |source| {
            let ns: std::rc::Rc<str> =
                crate::connectors::namespace(source.kind, &source.base_url).into();
            graph
                .items
                .iter()
                .filter(move |i| i.source_id == source.id)
                .map(move |i| (std::rc::Rc::clone(&ns), i))
        })
}

/// What intent rules match on, as the mappings read it (`item_facets` rows: item, field,
/// value): a Jira or Linear key's project, a GitHub key's repository, and the epic a Jira item
/// serves at its source.
fn facet_rows(graph: &DemoGraph) -> impl Iterator<Item = (&str, IntentRuleField, &str)> + '_ {
    let epic_keys: std::collections::HashMap<&str, &str> = graph
        .intents
        .iter()
        .filter_map(|i| Some((i.id.as_str(), i.source_key.as_deref()?)))
        .collect();
    graph.items.iter().flat_map(move |item| {
        let (field, value) = match item.key.split_once('#') {
            Some((repo, _)) => (IntentRuleField::Repository, repo),
            None => (
                IntentRuleField::Project,
                item.key.split('-').next().unwrap_or(&item.key),
            ),
        };
        let epic = item
            .intent_id
            .as_deref()
            .and_then(|i| epic_keys.get(i))
            .filter(|_| item.source_id == generate::SRC_JIRA);
        std::iter::once((item.id.as_str(), field, value))
            .chain(epic.map(|epic| (item.id.as_str(), IntentRuleField::Epic, *epic)))
    })
}

/// Each item's intent, as its source says it (`intent_links` rows: item, intent).
fn served_rows(graph: &DemoGraph) -> impl Iterator<Item = (&str, &str)> + '_ {
    graph
        .items
        .iter()
        .filter_map(|i| Some((i.id.as_str(), i.intent_id.as_deref()?)))
}

/// The descriptions of a load's items, being summed up on a thread of their own.
type Texts = tokio::task::JoinHandle<Vec<repo::item_texts::ItemText>>;

/// Writes the descriptions, summed up, once they are (after the items: only an item's is kept).
async fn write_texts(conn: &mut sqlx::SqliteConnection, texts: Texts) -> CoreResult<()> {
    let texts = texts
        .await
        .map_err(|err| CoreError::Invalid(format!("summing up the descriptions: {err}")))?;
    repo::item_texts::set_many(conn, &texts).await?;
    Ok(())
}

/// Sets who asked for each item (after the items).
async fn write_requesters(conn: &mut sqlx::SqliteConnection, graph: &DemoGraph) -> CoreResult<()> {
    if let Some(json) = requesters_json(graph)? {
        repo::items::set_requesters(conn, &json).await?;
    }
    Ok(())
}

/// Who asked for each item, as [`repo::items::set_requesters`] reads it (`None`: no one).
fn requesters_json(graph: &DemoGraph) -> CoreResult<Option<String>> {
    let requesters = cases::requesters(graph);
    if requesters.is_empty() {
        return Ok(None);
    }
    serde_json::to_string(&requesters)
        .map(Some)
        .map_err(|err| CoreError::Invalid(err.to_string()))
}

/// The write of [`write`].
struct WriteGraph<'a> {
    graph: &'a DemoGraph,
    rows: Rows<'a>,
}

/// Where a load's items, their descriptions and transitions come from.
enum Rows<'a> {
    /// Written by the load itself, the descriptions once summed up.
    Here { texts: Texts },
    /// Copied in from side files once other connections have filled them: a large load, whose
    /// bulk tables' secondary indexes are built after the rows.
    Beside(Sides<'a>),
}

impl WriteOp for WriteGraph<'_> {
    type Output = ();
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<()> {
        let WriteGraph { graph, rows } = self;
        // Into an empty workspace, a large load's bulk tables get their secondary indexes once
        // the rows are in (in this same transaction, so a load that stops half-way keeps them).
        let aside = if let Rows::Beside(_) = rows {
            repo::set_aside_indexes(w.conn(), BULK_TABLES).await?
        } else {
            repo::SetAside::default()
        };
        for source in &graph.sources {
            repo::sources::upsert(w.conn(), source).await?;
        }
        repo::teams::upsert_many(w.conn(), &graph.teams).await?;
        repo::people::upsert_many(w.conn(), &graph.people).await?;
        repo::identities::upsert_many(w.conn(), &graph.identities).await?;
        // Intents a source holds go through the sync's import (as its mapping reads them: id,
        // key, parent at the source); intents made in Baton are written as they are.
        let mut by_source: std::collections::BTreeMap<&str, Vec<SourcedIntent>> =
            std::collections::BTreeMap::new();
        let mut made_here = Vec::new();
        for i in &graph.intents {
            match (&i.source_id, &i.external_id) {
                (Some(source), Some(external)) if i.origin == IntentOrigin::Source => {
                    // A parent at the same source is the source's; one elsewhere (a GitHub
                    // milestone or a Linear project under a Jira epic) is placed by a person,
                    // below.
                    let parent = i
                        .parent_id
                        .as_deref()
                        .and_then(|p| graph.intents.iter().find(|x| x.id == p))
                        .filter(|p| p.source_id.as_deref() == Some(source.as_str()))
                        .and_then(|p| p.external_id.clone());
                    by_source.entry(source).or_default().push(SourcedIntent {
                        id: i.id.clone(),
                        external_id: external.clone(),
                        key: i.source_key.clone().unwrap_or_else(|| external.clone()),
                        parent,
                        kind: i.kind,
                        title: i.title.clone(),
                        description: i.description.clone(),
                        url: i.url.clone(),
                        owner_id: i.owner_id.clone(),
                        target_at: i.target_at,
                        priority: i.priority,
                        created_at: i.created_at,
                    });
                }
                _ => made_here.push(i.clone()),
            }
        }
        for (source, intents) in &by_source {
            repo::intents::import(w.conn(), source, intents).await?;
        }
        // Sibling order as generated (the import keeps a new intent's place at 0).
        for i in &graph.intents {
            sqlx::query("UPDATE intents SET position = ?2 WHERE id = ?1")
                .bind(&i.id)
                .bind(i.position)
                .execute(&mut *w.conn())
                .await?;
        }
        repo::intents::upsert_many(w.conn(), &made_here).await?;
        for i in &graph.intents {
            let Some(parent) = i.parent_id.as_deref() else {
                continue;
            };
            let elsewhere = graph
                .intents
                .iter()
                .find(|p| p.id == parent)
                .is_some_and(|p| p.source_id != i.source_id);
            if i.origin != IntentOrigin::Source || !elsewhere {
                continue;
            }
            let owner = graph
                .intents
                .iter()
                .find(|p| p.id == parent)
                .and_then(|p| p.owner_id.clone())
                .unwrap_or_else(|| "demo".into());
            sqlx::query("UPDATE intents SET parent_id = ?2 WHERE id = ?1")
                .bind(&i.id)
                .bind(parent)
                .execute(&mut *w.conn())
                .await?;
            repo::intents::insert_edit(
                &mut *w.conn(),
                &repo::intents::EditRow {
                    id: format!("edit-{}", i.id),
                    intent_id: i.id.clone(),
                    action: "edited".into(),
                    // A Linear project arrives as an initiative; its owner made it a milestone.
                    fields: if i.source_id.as_deref() == Some(generate::SRC_LINEAR) {
                        serde_json::json!({ "parent_id": parent, "kind": "milestone" })
                    } else {
                        serde_json::json!({ "parent_id": parent })
                    }
                    .to_string(),
                    actor: owner,
                    why: if i.source_id.as_deref() == Some(generate::SRC_LINEAR) {
                        "The Linear project delivers the initiative's Linear work.".into()
                    } else {
                        "The milestone delivers the initiative's GitHub work.".into()
                    },
                    created_at: i.created_at,
                },
            )
            .await?;
        }
        repo::workflow_maps::upsert_many(w.conn(), &graph.workflow_maps).await?;
        // (Row by row, the keys of the rows below need their items first.)
        if let Rows::Here { .. } = rows {
            repo::items::upsert_many(w.conn(), &graph.items).await?;
        }
        let keys: Vec<(String, String)> = keyed_items(graph)
            .map(|(ns, i)| {
                (
                    crate::connectors::github::map::key_ref(&ns, &i.key),
                    i.id.clone(),
                )
            })
            .collect();
        repo::item_keys::upsert_many(w.conn(), &keys).await?;
        tracing::debug!("bulk load: item keys written");
        if let Rows::Here { .. } = rows {
            repo::transitions::insert_many(w.conn(), &graph.transitions).await?;
        }
        repo::links::upsert_many(w.conn(), &graph.links).await?;
        tracing::debug!("bulk load: links written");
        repo::item_paths::set_lists(w.conn(), &graph.paths).await?;
        tracing::debug!("bulk load: file lists written");
        repo::item_paths::put_owners(w.conn(), &graph.owners).await?;
        repo::review_requests::insert(w.conn(), &graph.review_requests).await?;
        let facets: Vec<ItemFacet> = facet_rows(graph)
            .map(|(item_id, field, value)| ItemFacet {
                item_id: item_id.to_owned(),
                field,
                value: value.to_owned(),
            })
            .collect();
        repo::intents::set_facets(w.conn(), &[], &facets).await?;
        let served: Vec<(String, String)> = served_rows(graph)
            .map(|(item, intent)| (item.to_owned(), intent.to_owned()))
            .collect();
        let at = graph.items.iter().map(|i| i.updated_at).max().unwrap_or(0);
        repo::intents::set_source_intents(w.conn(), &served, at).await?;
        for d in &graph.decisions {
            repo::decisions::insert(&mut *w.conn(), d).await?;
        }
        tracing::debug!("bulk load: the workspace's rows written");
        match rows {
            Rows::Here { texts } => {
                write_texts(w.conn(), texts).await?;
                write_requesters(w.conn(), graph).await?;
                repo::restore_indexes(w.conn(), aside).await?;
            }
            Rows::Beside(Sides {
                items,
                changes,
                checked,
            }) => {
                // The bulk tables' indexes are built while the side files may still be filling
                // (none of them reads the side files' tables); then the side files come in, the
                // items first (what the transitions belong to).
                repo::restore_indexes(w.conn(), aside).await?;
                tracing::debug!("bulk load: the workspace's indexes built");
                copy_side(w, items).await?;
                tracing::debug!("bulk load: the items copied in");
                copy_side(w, changes).await?;
                tracing::debug!("bulk load: the transitions copied in");
                checked
                    .await
                    .map_err(|err| CoreError::Invalid(format!("checking the keys: {err}")))??;
            }
        }
        w.everything_changed();
        Ok(())
    }
}

/// From how many rows a load into an empty workspace builds the bulk tables' secondary indexes
/// after the rows: below it, dropping and building them again gains nothing worth rewriting the
/// schema for (about 9,000 demo items).
pub const INDEXES_AFTER_ROWS: u64 = 100_000;

/// The tables a demo writes most rows into, whose secondary indexes a load into an empty
/// workspace builds after the rows (`repo::set_aside_indexes`); those of the side files' tables
/// are built in the side files and copied in with their rows.
const BULK_TABLES: &[&str] = &[
    "links",
    "item_paths",
    "item_facets",
    "intent_links",
    "item_keys",
];

/// Generates the organisation and writes it into a new workspace at `path`.
pub async fn build(path: &Path, options: &DemoOptions) -> CoreResult<Workspace> {
    if path.exists() {
        return Err(CoreError::AlreadyExists {
            path: path.to_owned(),
        });
    }
    let graph = Arc::new(generate(options));
    let (ws, stats) = create(path, &graph).await?;
    tracing::info!(path = %path.display(), rows = stats.rows, seconds = stats.seconds, "demo workspace built");
    Ok(ws)
}

/// Writes a graph into a new workspace at `path` ([`write`]'s rows, in one transaction): written
/// in a scratch file beside `path` without SQLite's log and moved to `path` once complete
/// ([`Workspace::create_unlogged`]), so a load that fails or stops leaves nothing at `path`. The
/// time is the whole of it: the new file and its schema, the rows, the move, and the opening.
pub async fn create(path: &Path, graph: &Arc<DemoGraph>) -> CoreResult<(Workspace, WriteStats)> {
    let started = Instant::now();
    let new = Workspace::create_unlogged(path).await?;
    let bulk = graph.row_count() >= INDEXES_AFTER_ROWS;
    write_as(new.workspace(), graph, bulk).await?;
    let ws = new.finish().await?;
    Ok((
        ws,
        WriteStats {
            rows: graph.row_count(),
            seconds: started.elapsed().as_secs_f64(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row of every table of `ws` (but `meta`'s random stamp and the migrations' times), as
    /// text, table by table in name order, each table's rows sorted; and the schema.
    async fn every_row(ws: &Workspace) -> Vec<(String, Vec<String>)> {
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_schema WHERE type = 'table'
               AND name NOT IN ('meta', '_sqlx_migrations') ORDER BY name",
        )
        .fetch_all(ws.pool())
        .await
        .expect("tables");
        let mut all = Vec::new();
        for table in tables {
            let columns: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
                    .bind(&table)
                    .fetch_all(ws.pool())
                    .await
                    .expect("columns");
            let row = columns
                .iter()
                .map(|c| format!("quote(\"{c}\")"))
                .collect::<Vec<_>>()
                .join(" || '|' || ");
            let mut rows: Vec<String> =
                sqlx::query_scalar(&format!("SELECT {row} FROM \"{table}\""))
                    .fetch_all(ws.pool())
                    .await
                    .expect("rows");
            rows.sort();
            all.push((table, rows));
        }
        let schema: Vec<String> = sqlx::query_scalar(
            "SELECT type || ' ' || name || ' ' || ifnull(sql, '') FROM sqlite_schema ORDER BY name",
        )
        .fetch_all(ws.pool())
        .await
        .expect("schema");
        all.push(("sqlite_schema".into(), schema));
        all
    }

    async fn integrity(ws: &Workspace) -> String {
        sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(ws.pool())
            .await
            .expect("integrity check")
    }

    async fn page_size(ws: &Workspace) -> u32 {
        sqlx::query_scalar("PRAGMA page_size")
            .fetch_one(ws.pool())
            .await
            .expect("page size")
    }

    /// The large load (indexes after the rows, foreign keys checked once before the commit)
    /// writes the same rows, the same schema and the same figures as the load row by row,
    /// into a new workspace (of [`crate::graph::store::PAGE_SIZE`] pages, made unlogged or not)
    /// and into an older workspace of 4 KiB pages.
    #[tokio::test]
    async fn the_bulk_load_writes_what_the_load_row_by_row_writes() {
        let graph = Arc::new(generate(&DemoOptions {
            items: 1_500,
            seed: 11,
            end: 1_772_409_600_000,
        }));
        let dir = tempfile::tempdir().expect("temp dir");
        let mut written = Vec::new();
        for bulk in [false, true] {
            let ws = Workspace::create(&dir.path().join(format!("{bulk}.baton")))
                .await
                .expect("create");
            assert_eq!(
                page_size(&ws).await,
                crate::graph::store::PAGE_SIZE,
                "a new workspace's pages"
            );
            let stats = write_as(&ws, &graph, bulk).await.expect("write");
            assert_eq!(stats.rows, graph.row_count());
            let rows = every_row(&ws).await;
            assert_eq!(integrity(&ws).await, "ok");
            ws.close().await;
            written.push(rows);
        }
        // A new workspace filled in a scratch file without SQLite's log, then moved into place.
        let path = dir.path().join("new.baton");
        let (ws, stats) = create(&path, &graph).await.expect("create filled");
        assert_eq!(stats.rows, graph.row_count());
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(ws.pool())
            .await
            .expect("journal mode");
        assert_eq!(
            mode, "wal",
            "moved in place in WAL mode, like every workspace"
        );
        assert_eq!(integrity(&ws).await, "ok");
        let unlogged = every_row(&ws).await;
        assert_eq!(page_size(&ws).await, crate::graph::store::PAGE_SIZE);
        ws.close().await;
        assert!(
            scratch_files(dir.path()).is_empty(),
            "no scratch file is left"
        );
        // A workspace of an older Baton, made with SQLite's 4 KiB pages: it keeps them, and its
        // side files take them too.
        let older = dir.path().join("older.baton");
        {
            let pool = sqlx::sqlite::SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(
                    sqlx::sqlite::SqliteConnectOptions::new()
                        .filename(&older)
                        .create_if_missing(true)
                        .page_size(4_096)
                        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                        .foreign_keys(true),
                )
                .await
                .expect("an older file");
            crate::graph::store::MIGRATOR
                .run(&pool)
                .await
                .expect("its schema");
            pool.close().await;
        }
        let ws = Workspace::open(&older).await.expect("open the older file");
        write_as(&ws, &graph, true).await.expect("bulk write");
        let older_rows = every_row(&ws).await;
        assert_eq!(integrity(&ws).await, "ok");
        assert_eq!(page_size(&ws).await, 4_096, "an older file keeps its pages");
        ws.close().await;
        let (rows, bulk) = (&written[0], &written[1]);
        for ((table, a), (_, b)) in rows.iter().zip(&older_rows) {
            assert!(a == b, "{table}: the same rows written into the older file");
        }
        assert_eq!(rows.len(), unlogged.len(), "the same tables");
        for ((table, a), (_, b)) in rows.iter().zip(&unlogged) {
            assert!(a == b, "{table}: the same rows written unlogged");
        }
        assert!(
            rows.iter()
                .any(|(t, r)| t == "transitions" && r.len() > 10_000),
            "a load with many rows"
        );
        assert_eq!(rows.len(), bulk.len(), "the same tables");
        for ((table, a), (_, b)) in rows.iter().zip(bulk) {
            assert_eq!(a.len(), b.len(), "{table}: as many rows");
            assert!(a == b, "{table}: the same rows");
        }
    }

    /// A large load whose rows leave a key without its row fails, writes nothing and leaves
    /// no side file: whether the key is one the load checks itself (a change's item or actor,
    /// a link's end, an item's team or intent, a file list's or a file's item, a description's
    /// item) or one checked in the workspace before the commit (an identity's person).
    #[tokio::test]
    async fn a_bulk_load_with_a_broken_key_anywhere_fails_and_writes_nothing() {
        let graph = generate(&DemoOptions {
            items: 600,
            seed: 3,
            end: 1_772_409_600_000,
        });
        type Break = fn(&mut DemoGraph);
        let breaks: [(&str, Break); 9] = [
            ("a change's item", |g| {
                let mut t = g.transitions[0].clone();
                t.item_id = "no-such-item".into();
                g.transitions.push(t);
            }),
            ("a change's actor", |g| {
                let at = g.transitions.len() / 2;
                g.transitions[at].actor_id = Some("no-such-person".into());
            }),
            ("a link's end", |g| {
                let at = g.links.len() - 1;
                g.links[at].to_item_id = "no-such-item".into();
            }),
            ("an item's team", |g| {
                g.items[7].team_id = Some("no-such-team".into());
            }),
            ("an item's intent", |g| {
                let at = g.items.len() - 3;
                g.items[at].intent_id = Some("no-such-intent".into());
            }),
            ("an identity's person", |g| {
                g.identities[0].person_id = "no-such-person".into();
            }),
            ("a file list's item", |g| {
                g.paths[0].item_id = "no-such-item".into();
            }),
            ("a file's item", |g| {
                let at = g.paths.len() - 1;
                g.paths[at].paths[0].item_id = "no-such-item".into();
            }),
            ("a description's item", |g| {
                g.descriptions[1].0 = "no-such-item".into();
            }),
        ];
        let dir = tempfile::tempdir().expect("temp dir");
        for (round, (what, brk)) in breaks.into_iter().enumerate() {
            let mut broken = graph.clone();
            brk(&mut broken);
            let ws = Workspace::create(&dir.path().join(format!("{round}.baton")))
                .await
                .expect("create");
            let err = write_as(&ws, &Arc::new(broken), true)
                .await
                .expect_err(what);
            assert!(
                err.to_string().contains("without their row"),
                "{what}: {err}"
            );
            let items: i64 = sqlx::query_scalar("SELECT count(*) FROM items")
                .fetch_one(ws.pool())
                .await
                .expect("items");
            assert_eq!(items, 0, "{what}: nothing written");
            ws.close().await;
            let left: Vec<String> = scratch_files(dir.path())
                .into_iter()
                .filter(|f| f.ends_with(".side"))
                .collect();
            assert!(left.is_empty(), "{what}: no side file left: {left:?}");
        }
        // Unbroken, the same rows load.
        let ws = Workspace::create(&dir.path().join("whole.baton"))
            .await
            .expect("create");
        write_as(&ws, &Arc::new(graph.clone()), true)
            .await
            .expect("a whole load");
        ws.close().await;
    }

    /// The hidden scratch files a new workspace is filled in, left in `dir`.
    fn scratch_files(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .expect("read dir")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with('.'))
            .collect()
    }

    /// A new workspace whose load fails, or stops half-way (its future dropped, as when the app
    /// closes), leaves nothing at its path and no scratch file beside it; one whose path was
    /// taken while it was filled is not moved over what is there.
    #[tokio::test]
    async fn a_new_workspace_that_fails_or_stops_half_way_leaves_nothing_at_its_path() {
        let mut graph = generate(&DemoOptions {
            items: 1_500,
            seed: 5,
            end: 1_772_409_600_000,
        });
        let dir = tempfile::tempdir().expect("temp dir");

        // Stopped: the load's future is dropped at several points of its way (the schema, the
        // rows, the move), each a while after its scratch file appeared.
        let mut stopped = 0;
        for (round, polls) in [1u32, 5, 25, 100, 400].into_iter().enumerate() {
            let path = dir.path().join(format!("stopped-{round}.baton"));
            let shared = Arc::new(graph.clone());
            let mut load = Box::pin(create(&path, &shared));
            let mut seen = 0;
            let finished = loop {
                match tokio::time::timeout(std::time::Duration::from_millis(2), &mut load).await {
                    Ok(done) => break Some(done.expect("load")),
                    Err(_) if !scratch_files(dir.path()).is_empty() => {
                        seen += 1;
                        if seen >= polls {
                            break None;
                        }
                    }
                    Err(_) => {}
                }
            };
            drop(load);
            match finished {
                Some((ws, _)) => {
                    assert!(path.exists(), "a finished load is at its path");
                    ws.close().await;
                }
                // Stopped before its move, nothing is at the path; after it, all of it is.
                None if path.exists() => {
                    let ws = Workspace::open(&path).await.expect("moved in place");
                    let items: i64 = sqlx::query_scalar("SELECT count(*) FROM items")
                        .fetch_one(ws.pool())
                        .await
                        .expect("items");
                    assert_eq!(items as usize, graph.items.len(), "complete once moved");
                    ws.close().await;
                }
                None => stopped += 1,
            }
            assert!(scratch_files(dir.path()).is_empty(), "nor a scratch file");
        }
        assert!(stopped > 0, "some load was stopped before it finished");

        // Failed: a change of an item that does not exist breaks a foreign key.
        let mut broken = graph.transitions[0].clone();
        broken.item_id = "no-such-item".into();
        broken.event_id = "ev:orphan".into();
        graph.transitions.push(broken);
        let path = dir.path().join("failed.baton");
        let shared = Arc::new(graph.clone());
        assert!(create(&path, &shared).await.is_err(), "a broken key fails");
        assert!(!path.exists(), "a failed load leaves nothing at its path");
        assert!(scratch_files(dir.path()).is_empty(), "nor a scratch file");
        graph.transitions.pop();

        // Taken meanwhile: what is at the path stays as it was.
        let path = dir.path().join("taken.baton");
        let new = Workspace::create_unlogged(&path).await.expect("create");
        write(new.workspace(), &graph).await.expect("write");
        std::fs::write(&path, b"someone else's").expect("take the path");
        let err = new.finish().await.expect_err("not moved over another file");
        assert!(matches!(err, CoreError::AlreadyExists { .. }), "{err}");
        assert_eq!(std::fs::read(&path).expect("read"), b"someone else's");
        assert!(
            scratch_files(dir.path()).is_empty(),
            "no scratch file is left"
        );
    }
}
