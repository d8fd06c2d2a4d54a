//! A file source's sync: the file read into [`FileItem`]s, mapped to items, transitions and
//! links through the workflow map and the rules, and written in pages like any source's.
//!
//! Resumable: each page records where the walk is (the file's fingerprint and the next item);
//! a run killed half-way goes on from there when the file is unchanged. Incremental: a file
//! whose fingerprint is the one last imported to its end is not read again.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::read::{self, FileItem, RowError};
use super::{FileScope, ROWS_STREAM};
use crate::connectors::crossref::jira_key_ref;
use crate::connectors::jira::map::kind_for;
use crate::connectors::Run;
use crate::graph::model::{
    FlowState, ItemKind, Link, LinkKind, LinkOrigin, Provenance, Team, Transition, TransitionKind,
    WorkItem,
};
use crate::graph::repo::links::{LinkSet, Side};
use crate::graph::repo::raw_records::RawRecord;
use crate::graph::repo::sync_cursors::Cursor;
use crate::graph::repo::{self};
use crate::graph::write::{ChangeKind, WriteOp, Writer};
use crate::ingest::error::SyncError;
use crate::ingest::write::{PageWrite, SeenPerson};
use crate::rules::eval::{ProvenanceFacts, Rules};

/// Items written per page.
pub const PAGE_ITEMS: usize = 1_000;

/// Where an interrupted import is (`sync_cursors.page_token`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Resume {
    /// The fingerprint of the file being imported.
    file: String,
    /// The next item to write.
    next: usize,
}

/// What identifies a file's content: its CRC-32 and length.
pub fn fingerprint(bytes: &[u8]) -> String {
    format!("{:08x}-{}", crc32fast::hash(bytes), bytes.len())
}

/// The id of the item with id `id` in the file of source `source_id`.
pub fn item_id(source_id: &str, id: &str) -> String {
    format!("file:{source_id}/{id}")
}

/// The key reference of `key` in the file of source `source_id`.
fn key_ref(source_id: &str, key: &str) -> String {
    format!("file:{source_id}#{key}")
}

/// Imports the file of `scope` through `run`.
pub async fn sync(run: &mut Run<'_>, scope: &FileScope) -> Result<(), SyncError> {
    run.check_cancel()?;
    let bytes = read::load(scope).await?;
    let print = fingerprint(&bytes);
    let cursor = run.cursor(ROWS_STREAM).await?;
    if cursor.watermark.as_deref() == Some(print.as_str()) && cursor.page_token.is_none() {
        tracing::info!(path = %scope.path, "the file has not changed since it was last imported");
        run.stream_done();
        return Ok(());
    }
    let resume_at = cursor
        .page_token
        .as_deref()
        .and_then(|t| serde_json::from_str::<Resume>(t).ok())
        .filter(|r| r.file == print)
        .map_or(0, |r| r.next);
    let reading = read::read(&bytes, scope)?;
    drop(bytes);
    let teams = ensure_teams(run, &reading.items).await?;
    let source_id = run.source.id.clone();
    let graph = FileGraph::new(&source_id, &reading.items);
    let now = run.clock.now_ms();
    let total = reading.items.len();
    let mut start = resume_at.min(total);
    if resume_at > 0 {
        tracing::info!(from = resume_at, total, "resuming an interrupted import");
    }
    loop {
        run.check_cancel()?;
        let end = (start + PAGE_ITEMS).min(total);
        let mut page = PageWrite::new(ROWS_STREAM);
        for (_, item) in &reading.items[start..end] {
            let mut ctx = Ctx {
                source_id: &source_id,
                rules: &run.rules,
                teams: &teams,
                graph: &graph,
            };
            map_item(&mut page, &mut ctx, &mut run.states, item, now);
        }
        page.cursor = Some(if end == total {
            Cursor {
                watermark: Some(print.clone()),
                etag: None,
                page_token: None,
            }
        } else {
            Cursor {
                watermark: cursor.watermark.clone(),
                etag: None,
                page_token: serde_json::to_string(&Resume {
                    file: print.clone(),
                    next: end,
                })
                .ok(),
            }
        });
        run.commit(page).await?;
        if end == total {
            break;
        }
        start = end;
    }
    run.flush().await?;
    run.skipped.extend(describe(&reading.errors));
    if !reading.errors.is_empty() {
        tracing::warn!(
            rows = reading.errors.len(),
            "rows of the file could not be imported"
        );
    }
    run.stream_done();
    Ok(())
}

/// The teams the file names, by lower-case name → id; those the workspace does not have yet are
/// created (a team column names teams).
async fn ensure_teams(
    run: &Run<'_>,
    items: &[(u32, FileItem)],
) -> Result<HashMap<String, String>, SyncError> {
    let mut known: HashMap<String, String> = repo::teams::list(run.ws.pool())
        .await?
        .into_iter()
        .map(|t| (t.name.to_lowercase(), t.id))
        .collect();
    let mut fresh: Vec<Team> = Vec::new();
    for name in items.iter().filter_map(|(_, i)| i.team.as_deref()) {
        let name = name.trim();
        if name.is_empty() || known.contains_key(&name.to_lowercase()) {
            continue;
        }
        let id = format!("team-{}", slug(name));
        known.insert(name.to_lowercase(), id.clone());
        fresh.push(Team {
            id,
            name: name.to_owned(),
        });
    }
    if !fresh.is_empty() {
        tracing::info!(teams = fresh.len(), "teams named by the file created");
        run.ws.write(CreateTeams(fresh)).await?;
    }
    Ok(known)
}

fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_owned();
    if out.is_empty() {
        format!("{:08x}", crc32fast::hash(name.as_bytes()))
    } else {
        out
    }
}

struct CreateTeams(Vec<Team>);

impl WriteOp for CreateTeams {
    type Output = ();
    type Error = SyncError;

    async fn apply(self, w: &mut Writer<'_>) -> Result<(), SyncError> {
        repo::teams::upsert_many(w.conn(), &self.0).await?;
        w.changed(ChangeKind::Teams);
        Ok(())
    }
}

/// The links of the whole file, resolved to item ids where the other end is in the file, and
/// every item's outgoing links (what a re-import keeps).
struct FileGraph {
    /// The file's ids and keys → item ids.
    ends: HashMap<String, String>,
    /// Item id → its outgoing source links (from, to, kind).
    outgoing: HashMap<String, Vec<(String, String, LinkKind)>>,
}

impl FileGraph {
    fn new(source_id: &str, items: &[(u32, FileItem)]) -> FileGraph {
        let mut ends = HashMap::new();
        for (_, item) in items {
            let id = item_id(source_id, &item.id);
            if let Some(key) = &item.key {
                ends.insert(key.clone(), id.clone());
            }
            ends.insert(item.id.clone(), id);
        }
        let mut graph = FileGraph {
            ends,
            outgoing: HashMap::new(),
        };
        let mut seen = HashSet::new();
        for (_, item) in items {
            let this = item_id(source_id, &item.id);
            for link in &item.links {
                let Some((kind, this_first)) = link_kind(&link.kind) else {
                    continue;
                };
                let other = graph.end(source_id, &link.to);
                let (from, to) = if this_first {
                    (this.clone(), other)
                } else {
                    (other, this.clone())
                };
                if from == to || !seen.insert((from.clone(), to.clone(), kind)) {
                    continue;
                }
                graph
                    .outgoing
                    .entry(from.clone())
                    .or_default()
                    .push((from, to, kind));
            }
        }
        graph
    }

    /// A link end: the item of the file it names, else a key Baton may know from another
    /// source (a Jira key names the issue across tools), else the file's own key reference.
    fn end(&self, source_id: &str, text: &str) -> String {
        let text = text.trim();
        if let Some(id) = self.ends.get(text) {
            return id.clone();
        }
        if looks_like_jira_key(text) {
            return jira_key_ref(text);
        }
        key_ref(source_id, text)
    }
}

fn looks_like_jira_key(text: &str) -> bool {
    let Some((project, number)) = text.split_once('-') else {
        return false;
    };
    !project.is_empty()
        && project
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_uppercase())
        && project
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit())
}

/// A link kind of the file, and whether this item is the link's `from` end.
pub fn link_kind(text: &str) -> Option<(LinkKind, bool)> {
    match text.trim().to_lowercase().as_str() {
        "child_of" => Some((LinkKind::Parent, false)),
        "blocked_by" => Some((LinkKind::Blocks, false)),
        other => LinkKind::parse(other).map(|k| (k, true)),
    }
}

struct Ctx<'a> {
    source_id: &'a str,
    rules: &'a Rules,
    teams: &'a HashMap<String, String>,
    graph: &'a FileGraph,
}

fn person(page: &mut PageWrite, source_id: &str, name: Option<&str>) -> Option<String> {
    let name = name.map(str::trim).filter(|n| !n.is_empty())?;
    Some(page.person(
        source_id,
        SeenPerson {
            login: name.to_owned(),
            display_name: name.to_owned(),
            is_bot: name.ends_with("[bot]"),
            email: name.contains('@').then(|| name.to_owned()),
        },
    ))
}

/// The kind of an item from the file's word: Baton's own (`defect`) or a tracker's (`Bug`).
pub fn kind_of(text: Option<&str>) -> ItemKind {
    let text = text.unwrap_or("").trim();
    ItemKind::parse(&text.to_lowercase()).unwrap_or_else(|| kind_for(text))
}

/// What the rules say of an item of the file: its team (by its team column, else by the team
/// rules on its project, components and labels) and who made it (its provenance column, else
/// the provenance rules on its author and labels). Import and re-derivation both use it.
pub fn verdicts(
    rules: &Rules,
    teams: &HashMap<String, String>,
    item: &FileItem,
) -> (Option<String>, Provenance, Option<String>, f64) {
    let team = match item
        .team
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(name) => teams.get(&name.to_lowercase()).cloned(),
        None => {
            let project = item
                .key
                .as_deref()
                .and_then(|k| k.split_once('-'))
                .map(|(p, _)| p.to_owned())
                .unwrap_or_default();
            let mut facts: Vec<(&str, &str)> = vec![("project", project.as_str())];
            facts.extend(item.components.iter().map(|c| ("component", c.as_str())));
            facts.extend(item.labels.iter().map(|l| ("label", l.as_str())));
            rules.team_for(&facts)
        }
    };
    match item.provenance.as_deref().and_then(Provenance::parse) {
        Some(p) => (team, p, item.agent.clone(), 1.0),
        None => {
            let v = rules.provenance(&ProvenanceFacts {
                author: item.author.as_deref(),
                author_is_bot: item.author.as_deref().is_some_and(|a| a.ends_with("[bot]")),
                body: None,
                labels: &item.labels,
            });
            (team, v.provenance, v.agent, v.confidence)
        }
    }
}

fn map_item(
    page: &mut PageWrite,
    ctx: &mut Ctx<'_>,
    states: &mut crate::connectors::StateMeanings,
    item: &FileItem,
    now: i64,
) {
    let source_id = ctx.source_id;
    let id = item_id(source_id, &item.id);
    let kind = kind_of(item.kind.as_deref());
    // Rows were checked when read: their times parse.
    let time = |t: &str| read::parse_date(t, None);
    let Some(created) = time(&item.created) else {
        return;
    };
    let (flow, reason) = states.flow_for(kind, &item.state, item.state_category.as_deref());

    let mut ordered: Vec<&super::FileTransition> = item.transitions.iter().collect();
    // Each time read once (a stable sort, as `sort_by_key`, which read both times of every
    // comparison).
    ordered.sort_by_cached_key(|t| time(&t.at));
    let mut started = None;
    let mut last_done = None;
    let mut last_at = created;
    for t in ordered {
        let Some(at) = time(&t.at) else { continue };
        last_at = last_at.max(at);
        let kind_of_change = TransitionKind::parse(&t.kind).unwrap_or(TransitionKind::State);
        if kind_of_change == TransitionKind::State {
            if let Some(from) = &t.from {
                states.resolve_for(kind, from, None);
            }
            match states.resolve_for(kind, &t.to, None).map(|m| m.0) {
                Some(FlowState::Active) if started.is_none() => started = Some(at),
                Some(FlowState::Done | FlowState::Canceled) => last_done = Some(at),
                _ => {}
            }
        }
        let actor_id = person(page, source_id, t.by.as_deref());
        page.transitions.push(Transition {
            item_id: id.clone(),
            event_id: format!("{}:{at}:{}", kind_of_change.as_str(), t.to),
            kind: kind_of_change,
            from_state: t.from.clone(),
            to_state: t.to.clone(),
            at,
            actor_id,
        });
    }
    // The file holds the item's whole history: what a re-import no longer lists goes.
    page.lifecycles.push(id.clone());

    let (team_id, provenance, agent, confidence) = verdicts(ctx.rules, ctx.teams, item);
    let finished = matches!(flow, FlowState::Done | FlowState::Canceled);
    let updated = item
        .updated
        .as_deref()
        .and_then(time)
        .unwrap_or(last_at)
        .max(created);
    let key = item.key.clone().unwrap_or_else(|| item.id.clone());
    page.keys.push((key_ref(source_id, &key), id.clone()));
    page.keys.push((key_ref(source_id, &item.id), id.clone()));
    if looks_like_jira_key(&key) {
        page.keys.push((jira_key_ref(&key), id.clone()));
    }

    let outgoing = ctx.graph.outgoing.get(&id).cloned().unwrap_or_default();
    for (from, to, kind) in &outgoing {
        page.links.push(Link {
            from_item_id: from.clone(),
            to_item_id: to.clone(),
            kind: *kind,
            origin: LinkOrigin::Source,
            confidence: 1.0,
            created_at: created,
            removed_at: None,
            found_in: Some("file".into()),
        });
    }
    page.link_sets.push(LinkSet {
        item_id: id.clone(),
        kinds: LinkKind::ALL.to_vec(),
        side: Side::From,
        other_prefix: format!("file:{source_id}/"),
        keep: outgoing,
    });

    let author_id = person(page, source_id, item.author.as_deref());
    let owner_id = person(page, source_id, item.owner.as_deref());
    page.raw.push(RawRecord {
        source_id: source_id.to_owned(),
        stream: ROWS_STREAM.into(),
        external_id: item.id.clone(),
        payload: serde_json::to_string(item).unwrap_or_default(),
        fetched_at: now,
    });
    page.items.push(WorkItem {
        id,
        source_id: source_id.to_owned(),
        external_id: item.id.clone(),
        key,
        url: item.url.clone().unwrap_or_default(),
        kind,
        title: item.title.clone(),
        team_id,
        owner_id,
        author_id,
        provenance,
        provenance_agent: agent,
        provenance_confidence: confidence,
        raw_state: item.state.clone(),
        flow_state: flow,
        wait_reason: reason,
        intent_id: None,
        priority: item.priority.clone().filter(|p| !p.trim().is_empty()),
        estimate: item.estimate.filter(|e| e.is_finite() && *e >= 0.0),
        created_at: created,
        started_at: started,
        done_at: if finished {
            item.resolved
                .as_deref()
                .and_then(time)
                .or(last_done)
                .or(Some(updated))
        } else {
            None
        },
        updated_at: updated,
    });
}

/// The rows of a reading that could not be imported, as a run lists them.
pub fn describe(errors: &[RowError]) -> Vec<String> {
    errors
        .iter()
        .map(|e| format!("line {}: {}", e.line, e.message))
        .collect()
}
