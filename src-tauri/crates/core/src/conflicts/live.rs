//! Conflicts on the workspace's graph: the stored file lists of pull requests (and merge
//! requests), each repository's stored `CODEOWNERS`, the teams of the people who approved, and
//! people's owner rules, run through [`super::check`] one repository at a time (two changes
//! touch the same file only within one repository).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};
use specta::Type;

use super::codeowners::CodeOwners;
use super::{check, ConflictRule, OwnerRule, OwnerRules, PullFacts, SensitivePath};
use crate::error::CoreResult;
use crate::graph::index::{WorkIndex, NONE};
use crate::graph::model::{FlowState, ItemKind, Provenance};
use crate::graph::repo;
use crate::graph::Workspace;

/// An item as a conflict names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConflictItem {
    pub id: String,
    pub key: String,
    pub title: String,
    /// Its team's name.
    pub team: Option<String>,
    /// Made by an AI agent.
    pub ai: bool,
    pub open: bool,
}

/// One flag on one change, as pages and `baton conflicts` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConflictView {
    pub item: ConflictItem,
    pub rule: ConflictRule,
    /// The other team's id (whose code, whose review, or whose open changes it overlaps; for
    /// an overlap with changes of no team, none): with the change and the rule, what names
    /// this conflict in a decision.
    pub other_id: Option<String>,
    /// The other team, by name.
    pub other_team: Option<String>,
    /// The other changes it overlaps (overlapping; empty otherwise), in the repository's order.
    pub other_items: Vec<ConflictItem>,
    /// The paths concerned.
    pub paths: Vec<String>,
    /// In words, with the paths.
    pub reason: String,
    /// Acknowledged or dismissed by someone, while that answer holds (the change and, for an
    /// overlap, the other changes unchanged since, and no other one); such a conflict leaves
    /// Triage.
    pub answer: Option<super::answers::ConflictAnswer>,
}

/// Who changes whose code: changes by `from` (the author's team, "No team" when none) touching
/// paths `to` owns (see [`super::touches`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamTouch {
    pub from_team: String,
    pub to_team: String,
    /// Changes (pull requests, merge requests) of `from` touching `to`'s paths.
    pub changes: u32,
    /// Of those, the open ones.
    pub open: u32,
    /// Of those, the ones made by AI agents.
    pub ai: u32,
    /// Their keys (at most 20, newest first).
    pub keys: Vec<String>,
}

/// Every conflict of the workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ChangeConflictsReport {
    /// Flags on open changes, by change key then rule.
    pub conflicts: Vec<ConflictView>,
    /// Changes whose files were read.
    pub changes_read: u32,
    /// Of those, changes whose list the source cut short.
    pub truncated: u32,
    /// Repositories with a `CODEOWNERS` file read.
    pub repositories_with_owners: u32,
    /// Repositories read that have none.
    pub repositories_without_owners: u32,
    /// Who changes whose code (every change read, open or not), most changes first.
    pub touches: Vec<TeamTouch>,
}

/// The repository of a change from its key (`owner/repo#12`, `group/project!12`).
pub fn repository_of(key: &str) -> Option<&str> {
    key.rsplit_once('#')
        .or_else(|| key.rsplit_once('!'))
        .map(|(repo, _)| repo)
}

/// People's rules, or the defaults where they saved none.
pub async fn rules(ws: &Workspace) -> CoreResult<OwnerRules> {
    let mut rules = OwnerRules::defaults();
    rules.owners = repo::item_paths::owner_rules(ws.pool())
        .await?
        .into_iter()
        .map(|(owner, team)| OwnerRule { owner, team })
        .collect();
    let sensitive = repo::item_paths::sensitive_paths(ws.pool()).await?;
    // Saved (even all removed) they are the whole set; never saved, the defaults apply. (Rows
    // from before the set was marked saved count as saved.)
    let saved = repo::item_paths::sensitive_paths_saved(ws.pool()).await?;
    if saved.is_some() || !sensitive.is_empty() {
        rules.sensitive = sensitive
            .into_iter()
            .map(|(pattern, label, reviewer)| SensitivePath {
                pattern,
                label,
                reviewer,
            })
            .collect();
    }
    Ok(rules)
}

pub(crate) fn open(flow: FlowState) -> bool {
    !matches!(flow, FlowState::Done | FlowState::Canceled)
}

pub(crate) fn item_of(ix: &WorkIndex, i: usize) -> ConflictItem {
    let it = &ix.items[i];
    ConflictItem {
        id: ix.item_ids[i].to_owned(),
        key: ix.item_keys[i].to_owned(),
        title: ix.item_titles_folded.get(i).unwrap_or_default().to_owned(),
        team: (it.team != NONE)
            .then(|| ix.teams.get(it.team as usize).map(|t| t.name.clone()))
            .flatten(),
        ai: it.provenance == Provenance::AiAgent,
        open: open(it.flow),
    }
}

/// What the rules read from the workspace besides the index.
pub struct Inputs {
    pub rules: OwnerRules,
    /// Every stored path, as (item id, path).
    pub rows: Vec<(String, String)>,
    /// Items whose list the source cut short.
    pub truncated: HashSet<String>,
    /// Each repository's `CODEOWNERS` as last read.
    pub owner_files: Vec<repo::item_paths::RepoOwners>,
    /// (item id, team id) of each approval by someone of a team.
    pub approvals: Vec<(String, String)>,
    /// A digest of each person's team (the teams approvals are counted for).
    pub people: u64,
}

/// Reads [`Inputs`].
pub async fn inputs(ws: &Workspace) -> CoreResult<Inputs> {
    let rules = rules(ws).await?;
    let people = people_teams(ws).await?;
    let owner_files = repo::item_paths::owners(ws.pool()).await?;
    let (rows, truncated, approvals) = lists_of(ws, None).await?;
    Ok(Inputs {
        rules,
        rows,
        truncated,
        owner_files,
        approvals,
        people,
    })
}

/// The stored paths (item id, path), the changes whose list the source cut short, and the
/// approvals by team (item id, team id) of `items` (of every change when None).
type Lists = (
    Vec<(String, String)>,
    HashSet<String>,
    Vec<(String, String)>,
);

/// Reads the [`Lists`] of `items` (all when None).
async fn lists_of(ws: &Workspace, items: Option<&[String]>) -> CoreResult<Lists> {
    let mut conn = ws.pool().acquire().await?;
    let rows = repo::item_paths::paths_of_items(&mut conn, items).await?;
    drop(conn);
    let truncated: HashSet<String> = repo::item_paths::truncated_items(ws.pool())
        .await?
        .into_iter()
        .collect();
    const APPROVED: &str = "SELECT DISTINCT t.item_id, p.team_id
         FROM transitions t JOIN people p ON p.id = t.actor_id
         WHERE t.kind = 'review' AND t.to_state = 'approved' AND p.team_id IS NOT NULL";
    let approvals: Vec<(String, String)> = match items {
        None => {
            sqlx::query_as(&format!(
                "{APPROVED} AND t.item_id IN (SELECT item_id FROM item_path_lists)"
            ))
            .fetch_all(ws.pool())
            .await?
        }
        Some(items) => {
            let json = serde_json::to_string(items)
                .map_err(|err| crate::error::CoreError::Invalid(err.to_string()))?;
            sqlx::query_as(&format!(
                "{APPROVED} AND t.item_id IN (SELECT value FROM json_each(?1))"
            ))
            .bind(json)
            .fetch_all(ws.pool())
            .await?
        }
    };
    Ok((rows, truncated, approvals))
}

/// A digest of every person's team: an approval counts for its approver's team.
async fn people_teams(ws: &Workspace) -> CoreResult<u64> {
    let rows: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT id, team_id FROM people ORDER BY id")
            .fetch_all(ws.pool())
            .await?;
    let mut d = crate::graph::kept::Digest::default();
    for (id, team) in &rows {
        d.add(id.as_bytes());
        d.add(&[0]);
        d.add(team.as_deref().unwrap_or("").as_bytes());
        d.add(&[1]);
    }
    Ok(d.finish())
}

/// Every conflict of the workspace as the rules find it on `ix`, before the answers people
/// recorded (no `answer` set; titles as the index keeps them, folded): what Triage keeps
/// between questions, layering the answers at each one ([`super::answers::apply`]). Found once
/// per kept [`Grouped`].
pub async fn compute_unanswered(
    ws: &Workspace,
    ix: &WorkIndex,
) -> CoreResult<ChangeConflictsReport> {
    Ok(grouped(ws, ix).await?.unanswered(ix)?.1)
}

/// The conflicts before anyone's answers, as they are kept in memory between questions: in the
/// form they are kept in beside the workspace ([`encode_report`]: items by their position in
/// the index, every text once), about a tenth of the report's size, and read back whole when
/// asked ([`Unanswered::report`]). A report that names an item other than the index's (never
/// one [`assemble`] finds) is kept whole.
#[derive(Debug)]
pub enum Unanswered {
    Encoded(Vec<u8>),
    /// Kept whole, with each conflict's other changes by position, as [`Others`] reads them.
    Whole(ChangeConflictsReport, Vec<Vec<u8>>),
}

impl Unanswered {
    /// `report` as kept, for the index `ix` it was found on.
    pub fn of(report: &ChangeConflictsReport, ix: &WorkIndex) -> Unanswered {
        match encode_report(report, ix) {
            Some(mut bytes) => {
                bytes.shrink_to_fit();
                Unanswered::Encoded(bytes)
            }
            None => Unanswered::whole(report.clone(), ix),
        }
    }

    /// `report` kept whole, for the index `ix` (its other changes by position in `ix`; one
    /// `ix` does not have is left out of the [`Flag`]s).
    pub fn whole(report: ChangeConflictsReport, ix: &WorkIndex) -> Unanswered {
        let pos = positions(ix);
        let others = report
            .conflicts
            .iter()
            .map(|c| {
                c.other_items
                    .iter()
                    .filter_map(|o| pos.get(o.id.as_str()))
                    .flat_map(|i| i.to_le_bytes())
                    .collect()
            })
            .collect();
        Unanswered::Whole(report, others)
    }

    /// The report, read back for `ix`, the index it was kept for.
    pub fn report(&self, ix: &WorkIndex) -> CoreResult<ChangeConflictsReport> {
        match self {
            Unanswered::Whole(report, _) => Ok(report.clone()),
            Unanswered::Encoded(bytes) => decode_report(bytes, ix).ok_or_else(|| {
                crate::error::CoreError::Invalid(
                    "the conflicts kept in memory do not read back".into(),
                )
            }),
        }
    }

    /// Hands each conflict to `each` in order as a [`Flag`], read from the kept form without
    /// making the report (what Triage's reason needs). `ix` is the index they were kept for.
    pub fn flags<'a>(&'a self, ix: &WorkIndex, mut each: impl FnMut(Flag<'a>)) -> CoreResult<()> {
        match self {
            Unanswered::Encoded(bytes) => walk_flags(bytes, ix.items.len(), each),
            Unanswered::Whole(report, others) => {
                let pos = positions(ix);
                for (c, others) in report.conflicts.iter().zip(others) {
                    let Some(&item) = pos.get(c.item.id.as_str()) else {
                        continue;
                    };
                    each(Flag {
                        item,
                        rule: c.rule,
                        other_id: c.other_id.as_deref(),
                        others: Others(others),
                        reason: &c.reason,
                    });
                }
                Some(())
            }
        }
        .ok_or_else(|| {
            crate::error::CoreError::Invalid("the conflicts kept in memory do not read back".into())
        })
    }

    /// What is written beside the workspace (None: kept whole, it names another index's item).
    fn payload(&self) -> Option<&[u8]> {
        match self {
            Unanswered::Encoded(bytes) => Some(bytes),
            Unanswered::Whole(..) => None,
        }
    }
}

/// The kind of the kept file of the conflicts (`acme.baton-conflicts`, see
/// [`crate::graph::kept`]).
const KEPT_KIND: &str = "conflicts";
/// Its format: bumped whenever what is written, or how the rules find conflicts, changes.
const KEPT_FORMAT: u32 = 3;

/// A digest of what the rules read that a write can change without moving the workspace's
/// stamp: people's owner rules and sensitive paths, each repository's `CODEOWNERS` as read, and
/// the changes' file lists (their count, lengths, cuts and read times). The index, the items and
/// the approvals (transitions) move the stamp.
async fn kept_inputs(ws: &Workspace) -> CoreResult<u64> {
    let mut d = crate::graph::kept::Digest::default();
    d.add(format!("{:?}", rules(ws).await?).as_bytes());
    let owners: Vec<(String, String, String, i64, String, i64)> = sqlx::query_as(
        "SELECT source_id, repository, COALESCE(location, ''), length(body), COALESCE(sha, ''),
                read_at
         FROM repo_owners ORDER BY source_id, repository",
    )
    .fetch_all(ws.pool())
    .await?;
    d.add(format!("{owners:?}").as_bytes());
    let lists: (i64, f64, f64, f64) = sqlx::query_as(
        "SELECT COUNT(*), TOTAL(files), TOTAL(truncated), TOTAL(read_at) FROM item_path_lists",
    )
    .fetch_one(ws.pool())
    .await?;
    d.add(format!("{lists:?}").as_bytes());
    Ok(d.finish())
}

fn rule_code(rule: ConflictRule) -> u8 {
    match rule {
        ConflictRule::CrossOwnerUnreviewed => 0,
        ConflictRule::Overlapping => 1,
        ConflictRule::AiAcrossTeams => 2,
        ConflictRule::SensitiveUnreviewed => 3,
    }
}

fn rule_of(code: u8) -> Option<ConflictRule> {
    Some(match code {
        0 => ConflictRule::CrossOwnerUnreviewed,
        1 => ConflictRule::Overlapping,
        2 => ConflictRule::AiAcrossTeams,
        3 => ConflictRule::SensitiveUnreviewed,
        _ => return None,
    })
}

/// No string, no position.
const NO: u32 = u32::MAX;

/// The conflicts before answers, as kept beside the workspace: the items by their position in
/// `ix` (each is [`item_of`] that position, as [`assemble`] names them), every text once in a
/// table. None when a conflict carries an answer or names an item other than the index's.
fn encode_report(report: &ChangeConflictsReport, ix: &WorkIndex) -> Option<Vec<u8>> {
    let position = positions(ix);
    // Each position's item made once (a change is named by every overlap of its team's
    // changes), and every naming compared with it.
    let mut made: rustc_hash::FxHashMap<u32, ConflictItem> = rustc_hash::FxHashMap::default();
    let mut at = |item: &ConflictItem| -> Option<u32> {
        let &i = position.get(item.id.as_str())?;
        let known = made.entry(i).or_insert_with(|| item_of(ix, i as usize));
        (*known == *item).then_some(i)
    };
    let mut w = KeptWriter::default();
    w.body.len(report.conflicts.len());
    for c in &report.conflicts {
        if c.answer.is_some() {
            return None;
        }
        let item = at(&c.item)?;
        let others = c
            .other_items
            .iter()
            .map(&mut at)
            .collect::<Option<Vec<u32>>>()?;
        w.flag(
            item,
            c.rule,
            c.other_id.as_deref(),
            c.other_team.as_deref(),
            &others,
            &c.paths,
            &c.reason,
        );
    }
    Some(w.finish(report))
}

/// What [`encode_report`] writes for `assemble(ix, grouped)`, written from the groups without
/// making the report (its items, each overlap's hundreds of changes as items).
fn encode_grouped(ix: &WorkIndex, grouped: &Grouped) -> Vec<u8> {
    let teams = team_pairs(ix);
    let team_name = |id: &str| super::team_name(&teams, id);
    let flags = flags_of(ix, grouped);
    let mut w = KeptWriter::default();
    w.body.len(flags.len());
    for f in &flags {
        let others: Vec<u32> = f.others.iter().map(|&j| count(j)).collect();
        w.flag(
            count(f.item),
            f.rule,
            f.other,
            f.other.map(team_name).as_deref(),
            &others,
            &f.paths,
            f.reason,
        );
    }
    let rest = ChangeConflictsReport {
        conflicts: Vec::new(),
        changes_read: grouped.changes_read,
        truncated: grouped.truncated,
        repositories_with_owners: grouped.repositories_with_owners,
        repositories_without_owners: grouped.repositories_without_owners,
        touches: touches_of(ix, grouped),
    };
    w.finish(&rest)
}

/// Writes the kept form of the conflicts: every text once in a table, then the flags by index
/// positions and text numbers, then the counts and who changes whose code.
#[derive(Default)]
struct KeptWriter {
    body: crate::graph::kept::Enc,
    strings: Vec<String>,
    ids: HashMap<String, u32>,
}

impl KeptWriter {
    fn put(&mut self, t: &str) -> u32 {
        if let Some(&id) = self.ids.get(t) {
            return id;
        }
        let id = count(self.strings.len());
        self.strings.push(t.to_owned());
        self.ids.insert(t.to_owned(), id);
        id
    }

    #[allow(clippy::too_many_arguments)]
    fn flag(
        &mut self,
        item: u32,
        rule: ConflictRule,
        other: Option<&str>,
        other_team: Option<&str>,
        others: &[u32],
        paths: &[impl AsRef<str>],
        reason: &str,
    ) {
        self.body.u32(item);
        self.body.u8(rule_code(rule));
        for t in [other, other_team] {
            let n = t.map_or(NO, |t| self.put(t));
            self.body.u32(n);
        }
        self.body.len(others.len());
        for &o in others {
            self.body.u32(o);
        }
        self.body.len(paths.len());
        for p in paths {
            let n = self.put(p.as_ref());
            self.body.u32(n);
        }
        let n = self.put(reason);
        self.body.u32(n);
    }

    /// The whole payload, with `report`'s counts and who changes whose code after the flags.
    fn finish(mut self, report: &ChangeConflictsReport) -> Vec<u8> {
        for n in [
            report.changes_read,
            report.truncated,
            report.repositories_with_owners,
            report.repositories_without_owners,
        ] {
            self.body.u32(n);
        }
        self.body.len(report.touches.len());
        for t in &report.touches {
            self.body.text(&t.from_team);
            self.body.text(&t.to_team);
            self.body.u32(t.changes);
            self.body.u32(t.open);
            self.body.u32(t.ai);
            self.body.len(t.keys.len());
            for k in &t.keys {
                self.body.text(k);
            }
        }
        let mut out = crate::graph::kept::Enc::default();
        out.len(self.strings.len());
        for t in &self.strings {
            out.text(t);
        }
        out.buf.extend_from_slice(&self.body.buf);
        out.buf
    }
}

/// What [`encode_report`] wrote, for the index `ix` (None: damaged).
fn decode_report(payload: &[u8], ix: &WorkIndex) -> Option<ChangeConflictsReport> {
    let mut d = crate::graph::kept::Dec::new(payload);
    let strings = (0..d.len(8)?)
        .map(|_| d.text())
        .collect::<Option<Vec<String>>>()?;
    let text = |id: u32| -> Option<Option<String>> {
        if id == NO {
            return Some(None);
        }
        strings.get(id as usize).cloned().map(Some)
    };
    let n = ix.items.len();
    let item = |i: u32| ((i as usize) < n).then(|| item_of(ix, i as usize));
    let count = d.len(25)?;
    let mut conflicts = Vec::with_capacity(count);
    for _ in 0..count {
        let it = item(d.u32()?)?;
        let rule = rule_of(d.u8()?)?;
        let other_id = text(d.u32()?)?;
        let other_team = text(d.u32()?)?;
        let other_items = (0..d.len(4)?)
            .map(|_| item(d.u32()?))
            .collect::<Option<Vec<ConflictItem>>>()?;
        let paths = (0..d.len(4)?)
            .map(|_| text(d.u32()?).flatten())
            .collect::<Option<Vec<String>>>()?;
        let reason = text(d.u32()?).flatten()?;
        conflicts.push(ConflictView {
            item: it,
            rule,
            other_id,
            other_team,
            other_items,
            paths,
            reason,
            answer: None,
        });
    }
    let (changes_read, truncated, with, without) = (d.u32()?, d.u32()?, d.u32()?, d.u32()?);
    let touches = (0..d.len(36)?)
        .map(|_| {
            Some(TeamTouch {
                from_team: d.text()?,
                to_team: d.text()?,
                changes: d.u32()?,
                open: d.u32()?,
                ai: d.u32()?,
                keys: (0..d.len(8)?)
                    .map(|_| d.text())
                    .collect::<Option<Vec<String>>>()?,
            })
        })
        .collect::<Option<Vec<TeamTouch>>>()?;
    d.done().then_some(ChangeConflictsReport {
        conflicts,
        changes_read,
        truncated,
        repositories_with_owners: with,
        repositories_without_owners: without,
        touches,
    })
}

/// One conflict before answers as Triage's reason reads it: borrowed from the kept form, the
/// items by their position in the index (no strings made).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag<'a> {
    /// The flagged change.
    pub item: u32,
    pub rule: ConflictRule,
    /// [`ConflictView::other_id`].
    pub other_id: Option<&'a str>,
    /// The other changes of an overlap.
    pub others: Others<'a>,
    pub reason: &'a str,
}

/// The other changes of a [`Flag`], by position in the index: little-endian `u32`s as kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Others<'a>(&'a [u8]);

impl<'a> Others<'a> {
    /// Their positions, in order.
    pub fn iter(self) -> impl Iterator<Item = u32> + 'a {
        self.0
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// The first of them.
    pub fn first(self) -> Option<u32> {
        self.iter().next()
    }
}

/// Each item's position in `ix`, by id.
fn positions(ix: &WorkIndex) -> rustc_hash::FxHashMap<&str, u32> {
    ix.item_ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id, i as u32))
        .collect()
}

/// Reads what [`encode_report`] wrote for an index of `items` items, handing each conflict to
/// `each` in order as a [`Flag`], without making the report: every byte is checked as
/// [`decode_report`] checks it (None: damaged), but only the conflicts' positions, rules and
/// the texts' places are read.
fn walk_flags<'a>(payload: &'a [u8], items: usize, mut each: impl FnMut(Flag<'a>)) -> Option<()> {
    let mut d = crate::graph::kept::Dec::new(payload);
    let strings = (0..d.len(8)?)
        .map(|_| d.str())
        .collect::<Option<Vec<&str>>>()?;
    let text = |id: u32| -> Option<Option<&'a str>> {
        if id == NO {
            return Some(None);
        }
        strings.get(id as usize).copied().map(Some)
    };
    let item = |i: u32| ((i as usize) < items).then_some(i);
    for _ in 0..d.len(25)? {
        let at = item(d.u32()?)?;
        let rule = rule_of(d.u8()?)?;
        let other_id = text(d.u32()?)?;
        text(d.u32()?)?;
        let n = d.len(4)?;
        let others = d.u32s(n)?;
        if Others(others).iter().any(|i| item(i).is_none()) {
            return None;
        }
        for _ in 0..d.len(4)? {
            text(d.u32()?)??;
        }
        let reason = text(d.u32()?)??;
        each(Flag {
            item: at,
            rule,
            other_id,
            others: Others(others),
            reason,
        });
    }
    for _ in 0..4 {
        d.u32()?;
    }
    for _ in 0..d.len(36)? {
        d.str()?;
        d.str()?;
        for _ in 0..3 {
            d.u32()?;
        }
        for _ in 0..d.len(8)? {
            d.str()?;
        }
    }
    d.done().then_some(())
}

/// [`compute_unanswered`], or (with `look_beside`, when this process kept none yet) the
/// conflicts a previous process kept beside the workspace for exactly this state. Conflicts
/// computed here are written beside the workspace (in the background) when they hold the
/// file's state. Returns them as kept in memory ([`Unanswered`]): a loaded file is checked
/// whole ([`walk_flags`]) but the report is not made (Triage's reason reads the kept form;
/// pages that show the conflicts read it back with [`Unanswered::report`]).
pub async fn unanswered_kept(
    ws: &Workspace,
    ix: &Arc<WorkIndex>,
    look_beside: bool,
) -> CoreResult<Arc<Unanswered>> {
    let known = ix.stamp.is_known();
    let inputs = if known {
        Some(kept_inputs(ws).await?)
    } else {
        None
    };
    let path = crate::graph::kept::path_for(ws.path(), KEPT_KIND);
    if let (true, Some(inputs)) = (look_beside, inputs) {
        let (path, ix) = (path.clone(), ix.clone());
        let started = std::time::Instant::now();
        let loaded = tokio::task::spawn_blocking(move || {
            let key = crate::graph::kept::Key::of(&ix, inputs);
            let payload = crate::graph::kept::load(&path, KEPT_KIND, KEPT_FORMAT, &key)?;
            let mut conflicts = 0usize;
            walk_flags(&payload, ix.items.len(), |_| conflicts += 1).ok_or_else(|| {
                crate::graph::snapshot::Unused::Damaged("the conflicts payload".into())
            })?;
            Ok((Arc::new(Unanswered::Encoded(payload)), conflicts))
        })
        .await;
        match loaded {
            Ok(Ok(loaded)) => {
                tracing::debug!(
                    ms = started.elapsed().as_millis() as u64,
                    conflicts = loaded.1,
                    "conflicts loaded from beside the workspace"
                );
                return Ok(loaded.0);
            }
            Ok(Err(crate::graph::snapshot::Unused::Missing)) => {}
            Ok(Err(why)) => {
                tracing::info!(%why, "the kept conflicts are not used; computing them");
            }
            Err(err) => tracing::warn!(%err, "loading the kept conflicts stopped"),
        }
    }
    let kept = grouped(ws, ix).await?.kept_unanswered(ix);
    if let (false, Some(inputs)) = (ws.is_read_only(), inputs) {
        // Kept only when nothing moved while they were computed.
        let mut conn = ws.pool().acquire().await?;
        let now = crate::graph::snapshot::Stamp::read(&mut conn).await?;
        drop(conn);
        if now == ix.stamp && kept_inputs(ws).await? == inputs {
            let key = crate::graph::kept::Key::of(ix, inputs);
            let kept = kept.clone();
            // At once the first time in a process, else once quiet (a sync writes in bursts,
            // and each page's conflicts would be written only to be replaced).
            let delay = if look_beside {
                std::time::Duration::ZERO
            } else {
                KEEP_WHEN_QUIET
            };
            crate::graph::kept::schedule(ws, KEEPING, delay, move |pace| {
                // Made only once no question is being answered.
                pace.wait()?;
                let Some(payload) = kept.payload() else {
                    tracing::warn!("the conflicts do not name the index's items; not kept");
                    return Ok(());
                };
                Ok(crate::graph::kept::save_paced(
                    &path,
                    KEPT_KIND,
                    KEPT_FORMAT,
                    &key,
                    payload,
                    pace,
                )?)
            });
        }
    }
    Ok(kept)
}

/// How long after a computation that was not the process's first the conflicts are written
/// beside the workspace (a later computation in the meantime writes its own instead).
const KEEP_WHEN_QUIET: std::time::Duration = std::time::Duration::from_secs(15);

/// The slot of the conflicts' writes beside the workspace (see [`crate::graph::kept::schedule`]).
const KEEPING: &str = "conflicts-keeping";

/// Writes the conflicts scheduled to be kept beside the workspace now, and waits for every
/// write under way (see [`unanswered_kept`]).
pub async fn settle_keeping(ws: &Workspace) {
    crate::graph::kept::settle(ws, KEEPING, crate::graph::kept::Waiting::WriteNow).await;
}

/// A repository's conflicts as the rules find them, found the first time they are asked.
type Checked = Arc<OnceLock<FoundSet>>;

/// A repository's conflicts on its open changes, as kept with its group: [`super::Conflict`]s
/// with the changes by their place in the group's `pulls` and the paths by their place in the
/// change's files, their numbers and texts each in one buffer (a few allocations per
/// repository, not several per flag: kept for as long as the grouping, they would otherwise
/// hold on to the pages of everything the rules made and dropped around them).
#[derive(Default)]
struct FoundSet {
    flags: Vec<Found>,
    numbers: Vec<u32>,
    text: String,
    /// Paths written out, for a flag naming one that is not among its change's files.
    named: Vec<String>,
}

/// One conflict of a [`FoundSet`]: ranges into its buffers.
struct Found {
    pull: u32,
    rule: ConflictRule,
    other: Option<(u32, u32)>,
    others: (u32, u32),
    /// In `numbers` (places in the change's files), or in `named` when `named_paths`.
    paths: (u32, u32),
    named_paths: bool,
    reason: (u32, u32),
}

impl FoundSet {
    /// The conflicts the rules find on `g`'s open changes (a change that closes is one the
    /// index reads again with another state: its repository is grouped again).
    fn of(g: &RepoChanges, rules: &OwnerRules, teams: &[(String, String)]) -> FoundSet {
        let place: HashMap<&str, u32> = g
            .pulls
            .iter()
            .enumerate()
            .map(|(k, p)| (p.id.as_str(), count(k)))
            .collect();
        let found: Vec<super::Conflict> = check(&g.pulls, &g.owners, rules, teams)
            .into_iter()
            .filter(|c| {
                place
                    .get(c.pull.as_str())
                    .and_then(|&k| g.pulls.get(k as usize))
                    .is_some_and(|p| p.open)
            })
            .collect();
        let mut set = FoundSet {
            flags: Vec::with_capacity(found.len()),
            numbers: Vec::with_capacity(found.iter().map(|c| c.others.len() + c.paths.len()).sum()),
            text: String::with_capacity(
                found
                    .iter()
                    .map(|c| c.reason.len() + c.other.as_ref().map_or(0, String::len))
                    .sum(),
            ),
            named: Vec::new(),
        };
        // Each change's files by place, for its flags (which come one after the other).
        let mut in_files: (Option<u32>, HashMap<&str, u32>) = (None, HashMap::new());
        for c in &found {
            let Some(&pull) = place.get(c.pull.as_str()) else {
                continue;
            };
            let others = set.numbers(
                c.others
                    .iter()
                    .filter_map(|o| place.get(o.as_str()).copied()),
            );
            if in_files.0 != Some(pull) {
                let files = g.pulls.get(pull as usize).map_or(&[][..], |p| &p.files[..]);
                in_files = (
                    Some(pull),
                    files
                        .iter()
                        .enumerate()
                        .map(|(k, f)| (f.as_str(), count(k)))
                        .collect(),
                );
            }
            let own: Option<Vec<u32>> = c
                .paths
                .iter()
                .map(|p| in_files.1.get(p.as_str()).copied())
                .collect();
            let (paths, named_paths) = match own {
                Some(own) => (set.numbers(own), false),
                None => {
                    let from = count(set.named.len());
                    set.named.extend(c.paths.iter().cloned());
                    ((from, count(set.named.len())), true)
                }
            };
            let other = c.other.as_deref().map(|t| set.text(t));
            let reason = set.text(&c.reason);
            set.flags.push(Found {
                pull,
                rule: c.rule,
                other,
                others,
                paths,
                named_paths,
                reason,
            });
        }
        set
    }

    fn numbers(&mut self, n: impl IntoIterator<Item = u32>) -> (u32, u32) {
        let from = count(self.numbers.len());
        self.numbers.extend(n);
        (from, count(self.numbers.len()))
    }

    fn text(&mut self, t: &str) -> (u32, u32) {
        let from = count(self.text.len());
        self.text.push_str(t);
        (from, count(self.text.len()))
    }

    fn numbers_at(&self, (from, to): (u32, u32)) -> &[u32] {
        self.numbers
            .get(from as usize..to as usize)
            .unwrap_or_default()
    }

    fn text_at(&self, (from, to): (u32, u32)) -> &str {
        self.text
            .get(from as usize..to as usize)
            .unwrap_or_default()
    }

    /// The paths of `f`, whose change's files are `files`.
    fn paths<'a>(&'a self, f: &Found, files: &'a [String]) -> Vec<&'a str> {
        if f.named_paths {
            let (from, to) = f.paths;
            return self
                .named
                .get(from as usize..to as usize)
                .unwrap_or_default()
                .iter()
                .map(String::as_str)
                .collect();
        }
        self.numbers_at(f.paths)
            .iter()
            .filter_map(|&k| files.get(k as usize).map(String::as_str))
            .collect()
    }
}

/// One flag on an open change, as read from the groups (by index positions), in the report's
/// order once sorted ([`flags_of`]).
struct FlagAt<'a> {
    item: usize,
    rule: ConflictRule,
    other: Option<&'a str>,
    others: Vec<usize>,
    paths: Vec<&'a str>,
    reason: &'a str,
}

/// Every flag on an open change of `grouped` (each group's conflicts found the first time they
/// are asked), by change key, rule and reason (then in group order): the report's conflicts.
fn flags_of<'a>(ix: &WorkIndex, grouped: &'a Grouped) -> Vec<FlagAt<'a>> {
    let teams = team_pairs(ix);
    let mut out = Vec::new();
    for (g, checked) in grouped.groups.iter().zip(&grouped.checked) {
        let set = checked.get_or_init(|| FoundSet::of(g, &grouped.rules, &teams));
        for f in &set.flags {
            let (Some(&i), Some(pull)) =
                (g.members.get(f.pull as usize), g.pulls.get(f.pull as usize))
            else {
                continue;
            };
            if !open(ix.items[i].flow) {
                continue;
            }
            out.push(FlagAt {
                item: i,
                rule: f.rule,
                other: f.other.map(|t| set.text_at(t)),
                others: set
                    .numbers_at(f.others)
                    .iter()
                    .filter_map(|&k| g.members.get(k as usize).copied())
                    .collect(),
                paths: set.paths(f, &pull.files),
                reason: set.text_at(f.reason),
            });
        }
    }
    out.sort_by(|a, b| {
        ix.item_keys[a.item]
            .cmp(&ix.item_keys[b.item])
            .then(a.rule.cmp(&b.rule))
            .then(a.reason.cmp(b.reason))
    });
    out
}

/// What the rules read, grouped by repository against one index, with what each change
/// touches: kept between questions ([`grouped`]) so that the conflicts list, Triage's reason,
/// who changes whose code and its drill-down read the stored file lists once, not at each
/// question.
pub struct Grouped {
    /// The index generation the positions in `groups` belong to.
    pub generation: u64,
    pub rules: OwnerRules,
    /// By source and repository.
    pub groups: Vec<Arc<RepoChanges>>,
    /// Per group, per pull request (in `groups` order): the other teams whose paths it
    /// touches, with the paths' positions in its files ([`touched_teams`]).
    pub touched: Vec<Arc<Vec<Touched>>>,
    /// Per group: its conflicts as the rules find them, found the first time they are asked
    /// (and carried over with the group when a sync page leaves its repository alone).
    checked: Vec<Checked>,
    /// The changes grouped (pull requests whose files were read).
    pub changes_read: u32,
    /// Of them, those whose list the source cut short.
    pub truncated: u32,
    pub repositories_with_owners: u32,
    pub repositories_without_owners: u32,
    /// How it was made: None, from every stored list; Some(n), by following the grouping
    /// before it through a sync page, n repositories grouped again ([`Grouped::follow`]).
    pub regrouped: Option<u32>,
    /// What it was read from that the index does not say changed: each repository's
    /// `CODEOWNERS` as read, and people's teams ([`people_teams`]).
    owner_files: Vec<repo::item_paths::RepoOwners>,
    people: u64,
    unanswered: OnceLock<Arc<Unanswered>>,
}

impl Grouped {
    /// Groups what was read against `ix`.
    pub fn of(ix: &WorkIndex, inputs: Inputs) -> Grouped {
        let Inputs {
            rules,
            rows,
            truncated,
            owner_files,
            approvals,
            people,
        } = inputs;
        let teams = team_pairs(ix);
        let position: HashMap<&str, usize> = ix
            .item_ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id, i))
            .collect();
        let groups = groups(ix, &position, rows, &truncated, &owner_files, &approvals);
        let touched = groups
            .iter()
            .map(|g| Arc::new(touched_of(g, &rules, &teams)))
            .collect();
        let groups = groups.into_iter().map(Arc::new).collect();
        Grouped::assembled(ix, rules, groups, touched, None, owner_files, people)
    }

    /// A grouping of `groups` (in order, with what each touches), its counts summed up.
    fn assembled(
        ix: &WorkIndex,
        rules: OwnerRules,
        groups: Vec<Arc<RepoChanges>>,
        touched: Vec<Arc<Vec<Touched>>>,
        checked: Option<Vec<Checked>>,
        owner_files: Vec<repo::item_paths::RepoOwners>,
        people: u64,
    ) -> Grouped {
        let pulls = || groups.iter().flat_map(|g| g.pulls.iter());
        let with = owner_files.iter().filter(|f| f.location.is_some()).count();
        Grouped {
            generation: ix.generation,
            changes_read: count(pulls().count()),
            truncated: count(pulls().filter(|p| p.files_truncated).count()),
            repositories_with_owners: count(with),
            repositories_without_owners: count(owner_files.len() - with),
            checked: checked.unwrap_or_else(|| groups.iter().map(|_| Arc::default()).collect()),
            rules,
            groups,
            touched,
            regrouped: None,
            owner_files,
            people,
            unanswered: OnceLock::new(),
        }
    }

    /// `before` (grouped against an earlier index) brought up to `ix`, reading again only the
    /// repositories a write since may have changed: those of the items `written` names (their
    /// rows, changes, approvals and file lists: a sync page lists the changes whose lists it
    /// wrote), where they are now and where they were; of the items the index read again whose
    /// facts the rules read moved (repository, source, kind, team, made by an agent, open) or
    /// that are changes it did not group; and those whose `CODEOWNERS` differs from what
    /// `before` read. (The index also reads again the items at the other end of a written
    /// item's links: unchanged, their repositories are left alone.) The other groups, with what
    /// they touch and their conflicts, are carried over. None when that cannot be told (the
    /// index was built again, people's owner rules, sensitive paths or someone's team changed)
    /// or most repositories moved: then everything is read again. What it makes is what [`Grouped::of`] makes from every stored list
    /// (`a_grouping_followed_through_sync_pages_is_the_one_read_afresh`).
    pub async fn follow(
        ws: &Workspace,
        before: &Grouped,
        ix: &WorkIndex,
        written: &[String],
    ) -> CoreResult<Option<Grouped>> {
        let Some(changed) = ix.changed_since(before.generation) else {
            return Ok(None);
        };
        let rules = rules(ws).await?;
        if rules != before.rules || people_teams(ws).await? != before.people {
            return Ok(None);
        }
        let owner_files = repo::item_paths::owners(ws.pool()).await?;
        type RepoKey<'a> = (&'a str, &'a str);
        let mut moved: HashSet<(String, String)> = HashSet::new();
        {
            let of = |files: &[repo::item_paths::RepoOwners]| -> HashMap<(String, String), repo::item_paths::RepoOwners> {
                files
                    .iter()
                    .map(|f| ((f.source_id.clone(), f.repository.clone()), f.clone()))
                    .collect()
            };
            let (was, now) = (of(&before.owner_files), of(&owner_files));
            for (key, f) in &now {
                if was.get(key) != Some(f) {
                    moved.insert(key.clone());
                }
            }
            moved.extend(was.keys().filter(|k| !now.contains_key(*k)).cloned());
        }
        // Where each change grouped before was: (group, place in it).
        let mut group_of: rustc_hash::FxHashMap<usize, (usize, usize)> =
            rustc_hash::FxHashMap::default();
        for (g, r) in before.groups.iter().enumerate() {
            group_of.extend(r.members.iter().enumerate().map(|(k, &i)| (i, (g, k))));
        }
        let written: HashSet<&str> = written.iter().map(String::as_str).collect();
        let at_written: Vec<usize> = ix
            .positions_of(|id| written.contains(id))
            .into_values()
            .collect();
        let moves = |at: usize, moved: &mut HashSet<(String, String)>| {
            if let Some(&(g, _)) = group_of.get(&at) {
                let r = &before.groups[g];
                moved.insert((r.source_id.clone(), r.repository.clone()));
            }
            if let Some(key) = pull_repository(ix, at) {
                moved.insert((key.0.to_owned(), key.1.to_owned()));
            }
        };
        for &at in &at_written {
            moves(at, &mut moved);
        }
        for &at in &changed {
            let at = at as usize;
            let same = match group_of.get(&at) {
                Some(&(g, k)) => {
                    let (r, pull) = (&before.groups[g], &before.groups[g].pulls[k]);
                    let it = &ix.items[at];
                    pull_repository(ix, at) == Some((&r.source_id, &r.repository))
                        && ix.item_keys[at] == pull.key
                        && team_id(ix, at) == pull.team.as_deref()
                        && (it.provenance == Provenance::AiAgent) == pull.ai
                        && open(it.flow) == pull.open
                }
                // A change the grouping did not have: read (its files may be stored).
                None => pull_repository(ix, at).is_none(),
            };
            if !same {
                moves(at, &mut moved);
            }
        }
        if moved.len() * 2 > before.groups.len().max(1) {
            return Ok(None);
        }
        // A few repositories: looked up without making strings.
        let moved: Vec<(String, String)> = moved.into_iter().collect();
        let moved_of = |key: RepoKey<'_>| moved.iter().any(|(s, r)| s == key.0 && r == key.1);
        // Every change of those repositories the index knows, whether or not its files were
        // read (a change whose list was read since is one the index read again).
        let started = std::time::Instant::now();
        let position: HashMap<&str, usize> = (0..ix.items.len())
            .filter(|&i| pull_repository(ix, i).is_some_and(moved_of))
            .map(|i| (&ix.item_ids[i], i))
            .collect();
        let ids: Vec<String> = position.keys().map(|id| (*id).to_owned()).collect();
        let found_ms = started.elapsed().as_secs_f64() * 1e3;
        let (rows, truncated, approvals) = if ids.is_empty() {
            Lists::default()
        } else {
            lists_of(ws, Some(&ids)).await?
        };
        let read_ms = started.elapsed().as_secs_f64() * 1e3 - found_ms;
        let teams = team_pairs(ix);
        let fresh = groups(ix, &position, rows, &truncated, &owner_files, &approvals);
        let regrouped = count(fresh.len());
        let mut all: Vec<(Arc<RepoChanges>, Arc<Vec<Touched>>, Checked)> = before
            .groups
            .iter()
            .zip(&before.touched)
            .zip(&before.checked)
            .filter(|((g, _), _)| !moved_of((&g.source_id, &g.repository)))
            .map(|((g, t), c)| (g.clone(), t.clone(), c.clone()))
            .collect();
        for g in fresh {
            let touched = Arc::new(touched_of(&g, &rules, &teams));
            all.push((Arc::new(g), touched, Arc::default()));
        }
        all.sort_by(|a, b| {
            (a.0.source_id.as_str(), a.0.repository.as_str())
                .cmp(&(b.0.source_id.as_str(), b.0.repository.as_str()))
        });
        let mut groups = Vec::with_capacity(all.len());
        let mut touched = Vec::with_capacity(all.len());
        let mut checked = Vec::with_capacity(all.len());
        for (g, t, c) in all {
            groups.push(g);
            touched.push(t);
            checked.push(c);
        }
        let mut out = Grouped::assembled(
            ix,
            rules,
            groups,
            touched,
            Some(checked),
            owner_files,
            before.people,
        );
        out.regrouped = Some(regrouped);
        tracing::debug!(
            changes = ids.len(),
            found_ms,
            read_ms,
            grouped_ms = started.elapsed().as_secs_f64() * 1e3 - found_ms - read_ms,
            "conflicts: repositories read again"
        );
        Ok(Some(out))
    }

    /// The conflicts before anyone's answers as kept ([`Unanswered`]), found the first time
    /// they are asked. `ix` must be the index this was grouped against.
    pub fn kept_unanswered(&self, ix: &WorkIndex) -> Arc<Unanswered> {
        self.unanswered
            .get_or_init(|| {
                let started = std::time::Instant::now();
                let mut bytes = encode_grouped(ix, self);
                bytes.shrink_to_fit();
                tracing::debug!(
                    ms = started.elapsed().as_secs_f64() * 1e3,
                    bytes = bytes.len(),
                    "conflicts: found and kept"
                );
                Arc::new(Unanswered::Encoded(bytes))
            })
            .clone()
    }

    /// The conflicts before anyone's answers, found the first time they are asked, as kept and
    /// whole. `ix` must be the index this was grouped against.
    pub fn unanswered(
        &self,
        ix: &WorkIndex,
    ) -> CoreResult<(Arc<Unanswered>, ChangeConflictsReport)> {
        let mut found = None;
        let kept = self
            .unanswered
            .get_or_init(|| {
                let report = assemble(ix, self);
                let kept = Unanswered::of(&report, ix);
                found = Some(report);
                Arc::new(kept)
            })
            .clone();
        let report = match found {
            Some(report) => report,
            None => kept.report(ix)?,
        };
        Ok((kept, report))
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn team_pairs(ix: &WorkIndex) -> Vec<(String, String)> {
    ix.teams
        .iter()
        .map(|t| (t.id.clone(), t.name.clone()))
        .collect()
}

/// The kept [`Grouped`] and what tells whether it still holds.
struct KeptGrouped {
    changes: tokio::sync::broadcast::Receiver<crate::graph::write::Changes>,
    grouped: Arc<Grouped>,
}

/// What the writes since a grouping was kept leave of it.
enum Since {
    /// Nothing it reads changed.
    Holds,
    /// Items, their file lists, `CODEOWNERS` or people may have changed: it is followed
    /// ([`Grouped::follow`]), with the ids of the items the writes listed.
    Moved(Vec<String>),
    /// Something else it reads changed (teams, sources, rules, the workflow, owner rules):
    /// read again.
    Stale,
}

impl KeptGrouped {
    /// What the writes seen since leave of the grouping kept, asked on an index of
    /// `generation`: decisions (answers are layered apart), policies and plans leave it as it
    /// is; a sync page's items and lists move it.
    fn since(&mut self, generation: u64) -> Since {
        use crate::graph::write::ChangeKind;
        use tokio::sync::broadcast::error::TryRecvError;
        let mut moved = generation != self.grouped.generation;
        let mut written: Vec<String> = Vec::new();
        loop {
            match self.changes.try_recv() {
                Ok(c) => {
                    if c.all_items {
                        return Since::Stale;
                    }
                    written.extend(c.item_ids);
                    for k in &c.kinds {
                        match k {
                            ChangeKind::Decisions | ChangeKind::Policies | ChangeKind::Plans => {}
                            ChangeKind::Items
                            | ChangeKind::SyncRuns
                            | ChangeKind::People
                            | ChangeKind::Intents => moved = true,
                            _ => return Since::Stale,
                        }
                    }
                }
                Err(TryRecvError::Empty) => {
                    return if moved || !written.is_empty() {
                        Since::Moved(written)
                    } else {
                        Since::Holds
                    };
                }
                Err(TryRecvError::Lagged(_) | TryRecvError::Closed) => return Since::Stale,
            }
        }
    }
}

/// What the rules read, grouped against `ix`: kept while nothing it is read from changed (the
/// index, file lists, `CODEOWNERS`, approvals, owner rules and sensitive paths), followed
/// through a sync page ([`Grouped::follow`]), else read again and kept. One reader at a time
/// reads; the others wait for its result.
pub async fn grouped(ws: &Workspace, ix: &WorkIndex) -> CoreResult<Arc<Grouped>> {
    const NAME: &str = "conflicts-grouped";
    type Slot = tokio::sync::Mutex<Option<KeptGrouped>>;
    let slot = ws.derived_slot::<Slot>(NAME);
    let mut kept = slot.lock().await;
    if let Some(k) = kept.as_mut() {
        match k.since(ix.generation) {
            Since::Holds => return Ok(k.grouped.clone()),
            Since::Moved(written) => {
                let started = std::time::Instant::now();
                if let Some(followed) = Grouped::follow(ws, &k.grouped, ix, &written).await? {
                    tracing::debug!(
                        regrouped = followed.regrouped,
                        groups = followed.groups.len(),
                        ms = started.elapsed().as_secs_f64() * 1e3,
                        "conflicts: grouping followed"
                    );
                    k.grouped = Arc::new(followed);
                    return Ok(k.grouped.clone());
                }
            }
            Since::Stale => {}
        }
    }
    // Subscribed before reading: a write while reading is seen at the next question.
    let changes = ws.subscribe();
    let started = std::time::Instant::now();
    let read = inputs(ws).await?;
    let rows = read.rows.len();
    let read_ms = started.elapsed().as_secs_f64() * 1e3;
    let grouped = Arc::new(Grouped::of(ix, read));
    tracing::debug!(
        rows,
        read_ms,
        grouped_ms = started.elapsed().as_secs_f64() * 1e3 - read_ms,
        "conflicts: inputs read and grouped"
    );
    *kept = Some(KeptGrouped {
        changes,
        grouped: grouped.clone(),
    });
    Ok(grouped)
}

/// Computes every conflict of the workspace (see the module's note), with the dismissals and
/// acknowledgements people recorded ([`super::answers`]).
pub async fn compute(ws: &Workspace) -> CoreResult<ChangeConflictsReport> {
    let ix = ws.index().await?;
    let mut report = compute_unanswered(ws, &ix).await?;
    super::answers::apply(ws, &ix, &mut report).await?;
    // The index keeps titles folded to lower case: pages show them as written.
    let mut ids: Vec<&str> = report
        .conflicts
        .iter()
        .flat_map(|c| {
            std::iter::once(c.item.id.as_str()).chain(c.other_items.iter().map(|o| o.id.as_str()))
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let titles = repo::items::titles(ws.pool(), &ids).await?;
    for c in &mut report.conflicts {
        if let Some(t) = titles.get(&c.item.id) {
            c.item.title = t.clone();
        }
        for o in &mut c.other_items {
            if let Some(t) = titles.get(&o.id) {
                o.title = t.clone();
            }
        }
    }
    Ok(report)
}

/// The changes of one repository with their facts, and its `CODEOWNERS`.
pub struct RepoChanges {
    pub source_id: String,
    pub repository: String,
    pub owners: CodeOwners,
    /// Positions in the index, one per pull, in the same order as `pulls`.
    pub members: Vec<usize>,
    pub pulls: Vec<PullFacts>,
}

/// The changes whose files were read, grouped by repository (two changes touch the same file
/// only within one repository), each with the facts the rules read.
/// `position` gives the index position of the items `rows` may name (others are left out).
pub fn groups(
    ix: &WorkIndex,
    position: &HashMap<&str, usize>,
    rows: Vec<(String, String)>,
    truncated: &HashSet<String>,
    owner_files: &[repo::item_paths::RepoOwners],
    approvals: &[(String, String)],
) -> Vec<RepoChanges> {
    let mut files: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (item, path) in rows {
        if let Some(&i) = position.get(item.as_str()) {
            files.entry(i).or_default().push(path);
        }
    }
    let mut approved: HashMap<&str, BTreeSet<String>> = HashMap::new();
    for (item, team) in approvals {
        approved
            .entry(item.as_str())
            .or_default()
            .insert(team.clone());
    }
    let mut parsed: HashMap<(String, String), CodeOwners> = owner_files
        .iter()
        .filter(|f| f.location.is_some())
        .map(|f| {
            (
                (f.source_id.clone(), f.repository.clone()),
                CodeOwners::parse(&f.body),
            )
        })
        .collect();
    let mut by_repo: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for &i in files.keys() {
        let Some((source, repository)) = pull_repository(ix, i) else {
            continue;
        };
        by_repo
            .entry((source.to_owned(), repository.to_owned()))
            .or_default()
            .push(i);
    }
    by_repo
        .into_iter()
        .map(|((source_id, repository), members)| {
            let owners = parsed
                .remove(&(source_id.clone(), repository.clone()))
                .unwrap_or_default();
            let pulls = members
                .iter()
                .map(|&i| {
                    let it = &ix.items[i];
                    let id = ix.item_ids[i].to_owned();
                    PullFacts {
                        key: ix.item_keys[i].to_owned(),
                        team: team_id(ix, i).map(str::to_owned),
                        ai: it.provenance == Provenance::AiAgent,
                        open: open(it.flow),
                        files: files.remove(&i).unwrap_or_default(),
                        files_truncated: truncated.contains(&id),
                        approved_by: approved.get(id.as_str()).cloned().unwrap_or_default(),
                        id,
                    }
                })
                .collect();
            RepoChanges {
                source_id,
                repository,
                owners,
                members,
                pulls,
            }
        })
        .collect()
}

/// The source id and repository of the item at `i` when it is a pull request (or merge
/// request) whose key names its repository: the group it belongs to.
fn pull_repository(ix: &WorkIndex, i: usize) -> Option<(&str, &str)> {
    let it = ix.items.get(i)?;
    if it.kind != ItemKind::PullRequest {
        return None;
    }
    let repository = repository_of(ix.item_keys.get(i)?)?;
    let source = ix
        .sources
        .get(it.source as usize)
        .map_or("", |s| s.id.as_str());
    Some((source, repository))
}

/// The id of the team of the item at `i`, if it has one.
fn team_id(ix: &WorkIndex, i: usize) -> Option<&str> {
    let team = ix.items.get(i)?.team;
    if team == NONE {
        return None;
    }
    ix.teams.get(team as usize).map(|t| t.id.as_str())
}

/// What each change of `g` touches of other teams' code ([`touched_teams`]), in order.
fn touched_of(g: &RepoChanges, rules: &OwnerRules, teams: &[(String, String)]) -> Vec<Touched> {
    g.pulls
        .iter()
        .map(|p| touched_teams(p, &g.owners, rules, teams))
        .collect()
}

/// Other teams a change touches, by team id, each with the positions of its paths in the
/// change's files.
pub type Touched = Vec<(String, Vec<u32>)>;

/// The teams whose paths a change touches, other than its author's team, each with the paths
/// (positions in `pull.files`; by the `CODEOWNERS` reading and the owner rules, see
/// [`OwnerRules::team_of`]), by team id.
pub fn touched_teams(
    pull: &PullFacts,
    owners: &CodeOwners,
    rules: &OwnerRules,
    teams: &[(String, String)],
) -> Touched {
    let mut out: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (at, path) in pull.files.iter().enumerate() {
        let Some(rule) = owners.rule_for(path) else {
            continue;
        };
        let at = u32::try_from(at).unwrap_or(u32::MAX);
        for owner in &rule.owners {
            if let Some(team) = rules.team_of(owner, teams) {
                if Some(&team) != pull.team.as_ref() {
                    let paths = out.entry(team).or_default();
                    if paths.last() != Some(&at) {
                        paths.push(at);
                    }
                }
            }
        }
    }
    out.into_iter().collect()
}

/// [`compute`] over data already read and grouped.
fn assemble(ix: &WorkIndex, grouped: &Grouped) -> ChangeConflictsReport {
    let teams = team_pairs(ix);
    let team_name = |id: &str| super::team_name(&teams, id);
    // Each change named by overlaps made once (it is named by every overlap of its team's).
    let mut made: rustc_hash::FxHashMap<usize, ConflictItem> = rustc_hash::FxHashMap::default();
    let conflicts = flags_of(ix, grouped)
        .into_iter()
        .map(|f| {
            let other_items = f
                .others
                .iter()
                .map(|&j| made.entry(j).or_insert_with(|| item_of(ix, j)).clone())
                .collect();
            ConflictView {
                item: item_of(ix, f.item),
                rule: f.rule,
                other_id: f.other.map(str::to_owned),
                other_team: f.other.map(team_name),
                other_items,
                paths: f.paths.iter().map(|p| (*p).to_owned()).collect(),
                reason: f.reason.to_owned(),
                answer: None,
            }
        })
        .collect();
    ChangeConflictsReport {
        conflicts,
        changes_read: grouped.changes_read,
        truncated: grouped.truncated,
        repositories_with_owners: grouped.repositories_with_owners,
        repositories_without_owners: grouped.repositories_without_owners,
        touches: touches_of(ix, grouped),
    }
}

/// Who changes whose code, every change of `grouped` counted (the report's `touches`).
fn touches_of(ix: &WorkIndex, grouped: &Grouped) -> Vec<TeamTouch> {
    let matrix = super::touches::matrix(ix, grouped, &super::touches::TouchesScope::all(), false);
    let mut touches: Vec<TeamTouch> = matrix
        .into_iter()
        .map(|cell| {
            let mut keys: Vec<(i64, String)> = cell
                .pulls
                .iter()
                .map(|p| (ix.items[p.at].created, ix.item_keys[p.at].to_owned()))
                .collect();
            keys.sort_by(|a, b| b.cmp(a));
            TeamTouch {
                from_team: cell.from_name,
                to_team: cell.to_name,
                changes: u32::try_from(cell.pulls.len()).unwrap_or(u32::MAX),
                open: u32::try_from(cell.pulls.iter().filter(|p| p.open).count())
                    .unwrap_or(u32::MAX),
                ai: u32::try_from(cell.pulls.iter().filter(|p| p.ai).count()).unwrap_or(u32::MAX),
                keys: keys.into_iter().take(20).map(|(_, k)| k).collect(),
            }
        })
        .collect();
    touches.sort_by(|a, b| {
        b.changes
            .cmp(&a.changes)
            .then(a.from_team.cmp(&b.from_team))
            .then(a.to_team.cmp(&b.to_team))
    });
    touches
}

/// The conflicts of one item (the flags on it: an overlap is flagged on both changes).
pub fn of_item<'a>(report: &'a ChangeConflictsReport, item_id: &str) -> Vec<&'a ConflictView> {
    report
        .conflicts
        .iter()
        .filter(|c| c.item.id == item_id)
        .collect()
}

/// A file a change touches, as the drawer lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ChangedFile {
    pub path: String,
    /// `added`, `removed`, `modified`, `renamed`, …, as the source says.
    pub status: String,
    pub additions: u32,
    pub deletions: u32,
    /// The old name of a renamed file.
    pub previous_path: Option<String>,
    /// Its owners in the repository's `CODEOWNERS` (as written), empty when none.
    pub owners: Vec<String>,
}

/// What one change touches and its conflicts (the item drawer's section).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ItemChanges {
    /// Its files were read from the source (false: never read, or not a change).
    pub read: bool,
    pub files: Vec<ChangedFile>,
    /// The source listed only part of them (GitHub: 3,000 at most).
    pub truncated: bool,
    /// Where the repository's `CODEOWNERS` was read from, if it has one.
    pub codeowners: Option<String>,
    /// Its conflicts (an overlap is flagged on both changes: each names the other).
    pub conflicts: Vec<ConflictView>,
}

/// The files an item touches, their owners, and its conflicts.
pub async fn item_changes(ws: &Workspace, item_id: &str) -> CoreResult<ItemChanges> {
    let list = repo::item_paths::list_of(ws.pool(), item_id).await?;
    let Some((_, truncated)) = list else {
        return Ok(ItemChanges {
            read: false,
            files: Vec::new(),
            truncated: false,
            codeowners: None,
            conflicts: Vec::new(),
        });
    };
    let paths = repo::item_paths::paths_of(ws.pool(), item_id).await?;
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT source_id, key FROM items WHERE id = ?1")
            .bind(item_id)
            .fetch_optional(ws.pool())
            .await?;
    let owners_file = match &row {
        Some((source, key)) => match repository_of(key) {
            Some(repository) => repo::item_paths::owners_of(ws.pool(), source, repository).await?,
            None => None,
        },
        None => None,
    };
    let parsed = owners_file
        .as_ref()
        .filter(|f| f.location.is_some())
        .map(|f| CodeOwners::parse(&f.body));
    let files = paths
        .into_iter()
        .map(|p| ChangedFile {
            owners: parsed
                .as_ref()
                .map(|o| o.owners_of(&p.path).to_vec())
                .unwrap_or_default(),
            path: p.path,
            status: p.status,
            additions: u32::try_from(p.additions).unwrap_or(u32::MAX),
            deletions: u32::try_from(p.deletions).unwrap_or(u32::MAX),
            previous_path: p.previous_path,
        })
        .collect();
    let report = compute(ws).await?;
    let conflicts = report
        .conflicts
        .into_iter()
        .filter(|c| c.item.id == item_id)
        .collect();
    Ok(ItemChanges {
        read: true,
        files,
        truncated,
        codeowners: owners_file.and_then(|f| f.location),
        conflicts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{self, DemoOptions};

    /// The demo organisation of `items` items, ending on a fixed day, in `dir`.
    async fn demo_workspace(dir: &std::path::Path, items: u32) -> Workspace {
        demo::build(
            &dir.join("d.baton"),
            &DemoOptions {
                items,
                seed: demo::DEFAULT_SEED,
                end: 1_774_976_400_000,
            },
        )
        .await
        .unwrap()
    }

    /// What [`walk_flags`] reads is the report [`decode_report`] reads, conflict by conflict,
    /// and it refuses exactly the payloads that one refuses (cut short at every length of its
    /// first part, every hundredth byte changed).
    #[tokio::test]
    async fn flags_walked_from_the_kept_form_are_the_decoded_reports_conflicts() {
        let dir = tempfile::tempdir().unwrap();
        let ws = demo_workspace(dir.path(), 1_500).await;
        let ix = ws.index().await.unwrap();
        let report = compute_unanswered(&ws, &ix).await.unwrap();
        assert!(report.conflicts.len() > 10, "the demo has conflicts");
        let payload = encode_report(&report, &ix).expect("names the index's items");
        let position = |id: &str| ix.item_ids.iter().position(|x| x == id).unwrap() as u32;
        let mut flags = Vec::new();
        walk_flags(&payload, ix.items.len(), |f| {
            flags.push((
                f.item,
                f.rule,
                f.other_id,
                f.others.iter().collect(),
                f.reason,
            ))
        })
        .expect("reads back");
        type Read<'r> = (u32, ConflictRule, Option<&'r str>, Vec<u32>, &'r str);
        let expected: Vec<Read<'_>> = report
            .conflicts
            .iter()
            .map(|c| {
                (
                    position(&c.item.id),
                    c.rule,
                    c.other_id.as_deref(),
                    c.other_items.iter().map(|o| position(&o.id)).collect(),
                    c.reason.as_str(),
                )
            })
            .collect();
        assert!(
            expected.iter().any(|f| f.3.len() > 1),
            "the demo has overlaps with several changes"
        );
        assert_eq!(flags, expected);
        // The report kept whole reads the same flags.
        let whole = Unanswered::whole(report.clone(), &ix);
        let mut from_whole: Vec<Read<'_>> = Vec::new();
        whole
            .flags(&ix, |f| {
                from_whole.push((
                    f.item,
                    f.rule,
                    f.other_id,
                    f.others.iter().collect(),
                    f.reason,
                ))
            })
            .unwrap();
        assert_eq!(from_whole, expected);
        let same = |bytes: &[u8], what: &str| {
            assert_eq!(
                walk_flags(bytes, ix.items.len(), |_| {}).is_some(),
                decode_report(bytes, &ix).is_some(),
                "{what}"
            );
        };
        for cut in (0..payload.len()).step_by(97).chain([payload.len() - 1]) {
            same(&payload[..cut], &format!("cut at {cut}"));
            assert!(walk_flags(&payload[..cut], ix.items.len(), |_| {}).is_none());
        }
        for at in (0..payload.len()).step_by(100) {
            let mut changed = payload.clone();
            changed[at] ^= 0xa5;
            same(&changed, &format!("byte {at} changed"));
        }
        // Positions past the index's end are refused.
        assert!(walk_flags(&payload, 1, |_| {}).is_none());
        drop(ix);
        ws.close().await;
    }

    /// The kept form written from the groups without making the report is, byte for byte, the
    /// report's, on a fresh grouping and on one whose conflicts were found before.
    #[tokio::test]
    async fn the_kept_form_written_from_the_groups_is_the_reports() {
        let dir = tempfile::tempdir().unwrap();
        let ws = demo_workspace(dir.path(), 3_000).await;
        let ix = ws.index().await.unwrap();
        let grouped = Grouped::of(&ix, inputs(&ws).await.unwrap());
        let direct = encode_grouped(&ix, &grouped);
        let report = assemble(&ix, &grouped);
        assert!(
            report.conflicts.iter().any(|c| c.other_items.len() > 1),
            "the demo has overlaps with several changes"
        );
        assert!(!report.touches.is_empty());
        assert_eq!(Some(direct), encode_report(&report, &ix));
        let fresh = Grouped::of(&ix, inputs(&ws).await.unwrap());
        assert_eq!(
            fresh.kept_unanswered(&ix).payload(),
            encode_report(&report, &ix).as_deref()
        );
        drop(ix);
        ws.close().await;
    }
}
