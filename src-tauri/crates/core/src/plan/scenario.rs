//! Scenarios: a named set of changes over the live graph, stored in the workspace (`scenarios`,
//! written only here, never by a sync) and evaluated as an **overlay**: the forecast reads the
//! in-memory index through the overlay (items removed, moved, added; dependencies added or
//! dropped; priorities; capacity by date), and the index itself is only ever borrowed to read.
//! Definitions in `docs/metrics.md` ("Scenarios").

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::decisions::bounded;
use crate::error::{CoreError, CoreResult};
use crate::graph::index::WorkIndex;
use crate::graph::repo::scenarios::{self as repo, ScenarioRow};
use crate::graph::{ChangeKind, Workspace, WriteOp, Writer};
use crate::time::DAY_MS;

/// The most changes one scenario holds.
pub const MAX_CHANGES: usize = 200;
/// The most items one "add scope" change adds.
pub const MAX_NEW_ITEMS: u32 = 1_000;

/// One change a scenario makes to the plan. Items are named by id (`jira:PAY-12`) or key
/// (`PAY-12`), teams by id or name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ScenarioChange {
    /// Work that does not exist yet: `items` new items for `team`, each `size` times an ordinary
    /// item (the team's pace is in ordinary items), in `intent` when given (then they are part
    /// of what its forecast waits for).
    AddScope {
        title: String,
        team: String,
        #[serde(default)]
        intent: Option<String>,
        items: u32,
        size: f64,
        #[serde(default, rename = "blockedBy")]
        blocked_by: Vec<String>,
        #[serde(default)]
        blocks: Vec<String>,
    },
    /// An open item taken out of the plan: nothing waits for it, nobody works on it.
    RemoveScope { item: String },
    /// A team works at `percent` of its usual pace from `from` to `to` (days, included):
    /// 0 is a holiday, 50 half the team, 150 a team half again as large.
    Capacity {
        team: String,
        from: String,
        to: String,
        percent: u32,
    },
    /// An open item handed to another team, which finishes it at its own pace.
    MoveWork { item: String, team: String },
    /// `blocked` cannot be finished before `blocker`.
    AddDependency { blocker: String, blocked: String },
    /// `blocked` no longer waits for `blocker`.
    RemoveDependency { blocker: String, blocked: String },
    /// These items go first in their teams' queues, in this order.
    Prioritize { items: Vec<String> },
    /// The item's risk is dealt with: it no longer waits for its blockers (they still have to be
    /// done, but not before it), and it is not listed among the risks.
    DeRisk { item: String },
}

/// A scenario as people see it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Scenario {
    pub id: String,
    pub name: String,
    pub notes: String,
    pub changes: Vec<ScenarioChange>,
    /// Edits so far (1 when created).
    pub version: u32,
    pub created_by: String,
    /// RFC 3339.
    pub created_at: String,
    pub updated_by: String,
    pub updated_at: String,
}

/// A scenario to create (no id) or to save over (its id, and the version the edit started
/// from: refused when someone saved in between).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", default)]
pub struct ScenarioInput {
    pub id: Option<String>,
    pub base_version: Option<u32>,
    pub name: String,
    pub notes: String,
    pub changes: Vec<ScenarioChange>,
}

#[derive(Serialize, Deserialize)]
struct Body {
    v: u32,
    changes: Vec<ScenarioChange>,
}

fn from_row(r: ScenarioRow) -> CoreResult<Scenario> {
    let body: Body = serde_json::from_str(&r.body).map_err(|e| {
        CoreError::Invalid(format!(
            "the stored scenario \"{}\" cannot be read: {e}",
            r.name
        ))
    })?;
    Ok(Scenario {
        id: r.id,
        name: r.name,
        notes: r.notes,
        changes: body.changes,
        version: u32::try_from(r.version).unwrap_or(u32::MAX),
        created_by: r.created_by,
        created_at: crate::time::to_rfc3339(r.created_at),
        updated_by: r.updated_by,
        updated_at: crate::time::to_rfc3339(r.updated_at),
    })
}

/// A day typed as `YYYY-MM-DD`.
fn day_text(text: &str, what: &str) -> CoreResult<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        CoreError::Invalid(format!("{what} must look like 2027-03-31, not \"{text}\""))
    })
}

/// Checks what can be checked without the graph (references are checked when evaluated: the
/// graph moves, and an item gone later makes the change inert, with a warning).
pub fn check_changes(changes: &[ScenarioChange]) -> CoreResult<()> {
    if changes.len() > MAX_CHANGES {
        return Err(CoreError::Invalid(format!(
            "a scenario holds at most {MAX_CHANGES} changes, not {}",
            changes.len()
        )));
    }
    let named = |text: &str, what: &str| -> CoreResult<()> {
        if text.trim().is_empty() {
            Err(CoreError::Invalid(format!("{what} is missing")))
        } else {
            bounded(text, what).map(|_| ())
        }
    };
    for (at, c) in changes.iter().enumerate() {
        let n = at + 1;
        match c {
            ScenarioChange::AddScope {
                title,
                team,
                items,
                size,
                blocked_by,
                blocks,
                ..
            } => {
                named(title, &format!("change {n}: the new work's title"))?;
                named(team, &format!("change {n}: the team"))?;
                if !(1..=MAX_NEW_ITEMS).contains(items) {
                    return Err(CoreError::Invalid(format!(
                        "change {n}: the number of new items must be between 1 and {MAX_NEW_ITEMS}, not {items}"
                    )));
                }
                if !size.is_finite() || !(0.1..=50.0).contains(size) {
                    return Err(CoreError::Invalid(format!(
                        "change {n}: the relative size must be between 0.1 and 50, not {size}"
                    )));
                }
                for r in blocked_by.iter().chain(blocks) {
                    named(r, &format!("change {n}: an item"))?;
                }
            }
            ScenarioChange::RemoveScope { item } | ScenarioChange::DeRisk { item } => {
                named(item, &format!("change {n}: the item"))?
            }
            ScenarioChange::Capacity {
                team,
                from,
                to,
                percent,
            } => {
                named(team, &format!("change {n}: the team"))?;
                let (f, t) = (
                    day_text(from, &format!("change {n}: the first day"))?,
                    day_text(to, &format!("change {n}: the last day"))?,
                );
                if t < f {
                    return Err(CoreError::Invalid(format!(
                        "change {n}: the last day ({to}) is before the first ({from})"
                    )));
                }
                if (t - f).num_days() > 3_650 {
                    return Err(CoreError::Invalid(format!(
                        "change {n}: a capacity change lasts at most ten years"
                    )));
                }
                if *percent > 500 {
                    return Err(CoreError::Invalid(format!(
                        "change {n}: the capacity must be between 0% and 500%, not {percent}%"
                    )));
                }
            }
            ScenarioChange::MoveWork { item, team } => {
                named(item, &format!("change {n}: the item"))?;
                named(team, &format!("change {n}: the team"))?;
            }
            ScenarioChange::AddDependency { blocker, blocked }
            | ScenarioChange::RemoveDependency { blocker, blocked } => {
                named(blocker, &format!("change {n}: the blocker"))?;
                named(blocked, &format!("change {n}: the blocked item"))?;
            }
            ScenarioChange::Prioritize { items } => {
                if items.is_empty() {
                    return Err(CoreError::Invalid(format!(
                        "change {n}: name at least one item to put first"
                    )));
                }
                for r in items {
                    named(r, &format!("change {n}: an item"))?;
                }
            }
        }
    }
    Ok(())
}

/// Every scenario of the workspace, by name.
pub async fn list(ws: &Workspace) -> CoreResult<Vec<Scenario>> {
    repo::list(ws.pool())
        .await?
        .into_iter()
        .map(from_row)
        .collect()
}

/// Creates or saves over a scenario, as `actor`, at `now`.
pub struct SaveScenario {
    pub input: ScenarioInput,
    pub actor: String,
    pub now: i64,
}

impl WriteOp for SaveScenario {
    type Output = Scenario;
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<Scenario> {
        let input = self.input;
        let name = bounded(&input.name, "the scenario's name")?;
        if name.is_empty() {
            return Err(CoreError::Invalid("a scenario needs a name".into()));
        }
        if name.chars().count() > 120 {
            return Err(CoreError::Invalid(
                "a scenario's name is at most 120 characters".into(),
            ));
        }
        let notes = bounded(&input.notes, "the scenario's notes")?;
        let actor = bounded(&self.actor, "the name of who plans")?;
        check_changes(&input.changes)?;
        let body = serde_json::to_string(&Body {
            v: 1,
            changes: input.changes.clone(),
        })
        .map_err(|e| CoreError::Invalid(format!("the scenario cannot be stored: {e}")))?;
        let existing = match &input.id {
            Some(id) => Some(
                repo::get(&mut *w.conn(), id)
                    .await?
                    .ok_or_else(|| CoreError::NotFound(format!("scenario {id}")))?,
            ),
            None => None,
        };
        if let Some(other) = repo::id_named(&mut *w.conn(), &name).await? {
            if Some(&other) != input.id.as_ref() {
                return Err(CoreError::Invalid(format!(
                    "a scenario named \"{name}\" exists already"
                )));
            }
        }
        let row = match existing {
            Some(old) => {
                if let Some(base) = input.base_version {
                    if i64::from(base) != old.version {
                        return Err(CoreError::Invalid(format!(
                            "\"{}\" was saved by {} since you opened it (version {} now, yours {base}): reopen it to see their changes",
                            old.name, old.updated_by, old.version
                        )));
                    }
                }
                ScenarioRow {
                    name,
                    notes,
                    body,
                    version: old.version + 1,
                    updated_by: actor,
                    updated_at: self.now,
                    ..old
                }
            }
            None => ScenarioRow {
                id: format!("scn-{}", &crate::decisions::new_decision_id(self.now)[4..]),
                name,
                notes,
                body,
                version: 1,
                created_by: actor.clone(),
                created_at: self.now,
                updated_by: actor,
                updated_at: self.now,
            },
        };
        repo::upsert(&mut *w.conn(), &row).await?;
        w.changed(ChangeKind::Plans);
        from_row(row)
    }
}

/// Removes a scenario.
pub struct DeleteScenario {
    pub id: String,
}

impl WriteOp for DeleteScenario {
    type Output = ();
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<()> {
        if !repo::delete(&mut *w.conn(), &self.id).await? {
            return Err(CoreError::NotFound(format!("scenario {}", self.id)));
        }
        w.changed(ChangeKind::Plans);
        Ok(())
    }
}

/// Creates or saves over a scenario.
pub async fn save(
    ws: &Workspace,
    input: ScenarioInput,
    actor: &str,
    now: i64,
) -> CoreResult<Scenario> {
    Ok(ws
        .write(SaveScenario {
            input,
            actor: actor.to_owned(),
            now,
        })
        .await?
        .0)
}

/// Removes a scenario.
pub async fn delete(ws: &Workspace, id: &str) -> CoreResult<()> {
    ws.write(DeleteScenario { id: id.to_owned() }).await?;
    Ok(())
}

/// New scope a scenario adds, resolved against the index.
#[derive(Debug, Clone)]
pub(crate) struct NewScope {
    pub title: String,
    /// Team slot.
    pub team: usize,
    /// Intent position.
    pub intent: Option<u32>,
    pub count: u32,
    /// Capacity units per item (`network::ITEM` = an ordinary item).
    pub size: u32,
    pub blocked_by: Vec<u32>,
    pub blocks: Vec<u32>,
}

/// A scenario resolved against the index: what the forecast reads instead of (or besides) the
/// index. Empty for the baseline.
#[derive(Debug, Clone, Default)]
pub(crate) struct Overlay {
    pub removed: HashSet<u32>,
    /// Item → team slot it is moved to.
    pub team: HashMap<u32, usize>,
    /// (blocker, blocked), positions of items (new scope is wired through `added`).
    pub added_deps: Vec<(u32, u32)>,
    pub dropped_deps: HashSet<(u32, u32)>,
    pub derisked: HashSet<u32>,
    /// Item → rank (0 first) in its team's queue.
    pub priority: HashMap<u32, u32>,
    /// (team slot, first instant, end instant exclusive, percent).
    pub capacity: Vec<(usize, i64, i64, u32)>,
    pub added: Vec<NewScope>,
    /// For each change of the scenario, the items and teams it names (to tell which intents it
    /// can move), and whether it resolved.
    pub touches: Vec<Touch>,
}

/// What one change names.
#[derive(Debug, Clone, Default)]
pub(crate) struct Touch {
    pub items: Vec<u32>,
    pub teams: Vec<usize>,
    pub intent: Option<u32>,
    pub resolved: bool,
    /// It changes the pace of `teams` (a capacity change): every network with a lane of one
    /// of them is reached. (Moving work or adding scope names a team too, but reaches a network
    /// only through its items or its intent.)
    pub pace: bool,
}

impl Overlay {
    /// The share of a team's pace (percent) on each day from `start` (day 1), up to the last day
    /// a capacity change of the team covers; changes that overlap multiply.
    pub(crate) fn scale(&self, team: usize, start: i64) -> Vec<u32> {
        let mut scale: Vec<u32> = Vec::new();
        for (t, from, to, percent) in &self.capacity {
            if *t != team || *to <= start {
                continue;
            }
            let first = ((from - start).max(0) / DAY_MS) as usize;
            let end = ((to - start + DAY_MS - 1) / DAY_MS) as usize;
            if scale.len() < end {
                scale.resize(end, 100);
            }
            for s in &mut scale[first..end] {
                *s = *s * percent / 100;
            }
        }
        scale
    }

    /// Resolves `changes` against the index (dates in the forecast's time zone, `offset_ms`),
    /// with their items already looked up (`items` holds every reference of `changes`, e.g. the
    /// lookup of the whole scenario when one of its changes is resolved alone).
    /// A change naming something the index does not hold (or no longer open) does nothing and
    /// is listed in the warnings.
    pub(crate) fn resolve_with(
        ix: &WorkIndex,
        changes: &[ScenarioChange],
        offset_ms: i64,
        items: &ItemLookup,
    ) -> (Overlay, Vec<String>) {
        let mut o = Overlay::default();
        let mut warnings = Vec::new();
        let team = |r: &str| team_slot(ix, r);
        let mut rank = 0u32;
        for (at, c) in changes.iter().enumerate() {
            let n = at + 1;
            let mut touch = Touch::default();
            let mut missing: Vec<String> = Vec::new();
            let item = |r: &str, touch: &mut Touch, missing: &mut Vec<String>| -> Option<u32> {
                let found = items.get(r);
                match found {
                    Some(i) => touch.items.push(i),
                    None => missing.push(format!("no item {r}")),
                }
                found
            };
            match c {
                ScenarioChange::AddScope {
                    title,
                    team: t,
                    intent,
                    items: count,
                    size,
                    blocked_by,
                    blocks,
                } => {
                    let slot = team(t);
                    let intent_at = intent.as_ref().and_then(|id| {
                        ix.intents
                            .iter()
                            .position(|x| &x.id == id || x.name.eq_ignore_ascii_case(id))
                            .map(|p| p as u32)
                    });
                    if intent.is_some() && intent_at.is_none() {
                        missing.push(format!("no intent {}", intent.as_deref().unwrap_or("")));
                    }
                    let before: Vec<u32> = blocked_by
                        .iter()
                        .filter_map(|r| item(r, &mut touch, &mut missing))
                        .collect();
                    let after: Vec<u32> = blocks
                        .iter()
                        .filter_map(|r| item(r, &mut touch, &mut missing))
                        .collect();
                    match slot {
                        Some(slot) => {
                            touch.teams.push(slot);
                            touch.intent = intent_at;
                            o.added.push(NewScope {
                                title: title.clone(),
                                team: slot,
                                intent: intent_at,
                                count: (*count).clamp(1, MAX_NEW_ITEMS),
                                size: (size * f64::from(super::network::ITEM)).round().max(1.0)
                                    as u32,
                                blocked_by: before,
                                blocks: after,
                            });
                        }
                        None => missing.push(format!("no team {t}")),
                    }
                }
                ScenarioChange::RemoveScope { item: r } => {
                    if let Some(i) = item(r, &mut touch, &mut missing) {
                        o.removed.insert(i);
                    }
                }
                ScenarioChange::Capacity {
                    team: t,
                    from,
                    to,
                    percent,
                } => {
                    let day = |text: &str| {
                        chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                            .ok()
                            .and_then(|d| d.and_hms_opt(0, 0, 0))
                            .map(|t| t.and_utc().timestamp_millis() - offset_ms)
                    };
                    match (team(t), day(from), day(to)) {
                        (Some(slot), Some(f), Some(l)) if l >= f => {
                            touch.teams.push(slot);
                            touch.pace = true;
                            o.capacity.push((slot, f, l + DAY_MS, (*percent).min(500)));
                        }
                        (None, _, _) => missing.push(format!("no team {t}")),
                        _ => missing.push(format!("the days {from} to {to}")),
                    }
                }
                ScenarioChange::MoveWork { item: r, team: t } => {
                    let i = item(r, &mut touch, &mut missing);
                    match (i, team(t)) {
                        (Some(i), Some(slot)) => {
                            touch.teams.push(slot);
                            o.team.insert(i, slot);
                        }
                        (_, None) => missing.push(format!("no team {t}")),
                        _ => {}
                    }
                }
                ScenarioChange::AddDependency { blocker, blocked } => {
                    if let (Some(b), Some(a)) = (
                        item(blocker, &mut touch, &mut missing),
                        item(blocked, &mut touch, &mut missing),
                    ) {
                        o.added_deps.push((b, a));
                    }
                }
                ScenarioChange::RemoveDependency { blocker, blocked } => {
                    if let (Some(b), Some(a)) = (
                        item(blocker, &mut touch, &mut missing),
                        item(blocked, &mut touch, &mut missing),
                    ) {
                        o.dropped_deps.insert((b, a));
                    }
                }
                ScenarioChange::Prioritize { items: list } => {
                    for r in list {
                        if let Some(i) = item(r, &mut touch, &mut missing) {
                            o.priority.entry(i).or_insert_with(|| {
                                rank += 1;
                                rank - 1
                            });
                        }
                    }
                }
                ScenarioChange::DeRisk { item: r } => {
                    if let Some(i) = item(r, &mut touch, &mut missing) {
                        o.derisked.insert(i);
                    }
                }
            }
            touch.resolved = missing.is_empty();
            if !missing.is_empty() {
                warnings.push(format!(
                    "Change {n} ({}) was left out: {}.",
                    describe_with(ix, c, items),
                    missing.join(", ")
                ));
            }
            o.touches.push(touch);
        }
        (o, warnings)
    }
}

/// A team slot named by id or name (case-insensitive).
fn team_slot(ix: &WorkIndex, r: &str) -> Option<usize> {
    let r = r.trim();
    ix.teams
        .iter()
        .position(|t| t.id == r || t.name.eq_ignore_ascii_case(r))
}

/// Item ids and keys a scenario names, resolved in one pass over the index: the first item
/// whose id or key it is (for the overlay), and the first whose id it is (for the words).
pub(crate) struct ItemLookup {
    found: HashMap<String, u32>,
    by_id: HashMap<String, u32>,
}

impl ItemLookup {
    pub(crate) fn new(ix: &WorkIndex, changes: &[ScenarioChange]) -> ItemLookup {
        let mut wanted: HashSet<&str> = HashSet::new();
        for c in changes {
            for r in references(c) {
                wanted.insert(r.trim());
            }
        }
        let mut found = HashMap::new();
        let mut by_id = HashMap::new();
        if !wanted.is_empty() {
            for i in 0..ix.items.len() {
                if let Some(id) = ix.item_ids.get(i).filter(|id| wanted.contains(id)) {
                    by_id.entry(id.to_owned()).or_insert(i as u32);
                }
                for text in [ix.item_ids.get(i), ix.item_keys.get(i)]
                    .into_iter()
                    .flatten()
                {
                    if wanted.contains(text) {
                        found.entry(text.to_owned()).or_insert(i as u32);
                    }
                }
            }
        }
        ItemLookup { found, by_id }
    }

    fn get(&self, r: &str) -> Option<u32> {
        self.found.get(r.trim()).copied()
    }
}

/// The items a change names.
fn references(c: &ScenarioChange) -> Vec<&str> {
    match c {
        ScenarioChange::AddScope {
            blocked_by, blocks, ..
        } => blocked_by
            .iter()
            .chain(blocks)
            .map(String::as_str)
            .collect(),
        ScenarioChange::RemoveScope { item }
        | ScenarioChange::DeRisk { item }
        | ScenarioChange::MoveWork { item, .. } => vec![item.as_str()],
        ScenarioChange::AddDependency { blocker, blocked }
        | ScenarioChange::RemoveDependency { blocker, blocked } => {
            vec![blocker.as_str(), blocked.as_str()]
        }
        ScenarioChange::Prioritize { items } => items.iter().map(String::as_str).collect(),
        ScenarioChange::Capacity { .. } => Vec::new(),
    }
}

/// An item as people name it: its key when the index has it (under the id `r`), else what
/// the scenario says.
fn item_name(ix: &WorkIndex, items: &ItemLookup, r: &str) -> String {
    let r = r.trim();
    if let Some(at) = items.by_id.get(r) {
        if let Some(key) = ix.item_keys.get(*at as usize) {
            if !key.is_empty() {
                return key.to_owned();
            }
        }
    }
    r.to_owned()
}

fn team_name(ix: &WorkIndex, r: &str) -> String {
    team_slot(ix, r).map_or_else(|| r.trim().to_owned(), |s| ix.teams[s].name.clone())
}

/// A change in words, as the subject of a sentence ("Moving PAY-12 to Checkout").
pub fn describe(ix: &WorkIndex, c: &ScenarioChange) -> String {
    describe_with(ix, c, &ItemLookup::new(ix, std::slice::from_ref(c)))
}

/// [`describe`] with the items already looked up (`items` holds every reference of `c`).
pub(crate) fn describe_with(ix: &WorkIndex, c: &ScenarioChange, items: &ItemLookup) -> String {
    let item_name = |r: &str| item_name(ix, items, r);
    let list = |rs: &[String]| {
        rs.iter()
            .map(|r| item_name(r))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match c {
        ScenarioChange::AddScope {
            title,
            team,
            items,
            size,
            ..
        } => {
            let what = if *items == 1 { "item" } else { "items" };
            let sized = if (*size - 1.0).abs() < f64::EPSILON {
                String::new()
            } else {
                format!(" of {size} times the usual size")
            };
            format!(
                "Adding {items} {what}{sized} of \u{201c}{title}\u{201d} to {}",
                team_name(ix, team)
            )
        }
        ScenarioChange::RemoveScope { item } => {
            format!("Taking {} out of the plan", item_name(item))
        }
        ScenarioChange::Capacity {
            team,
            from,
            to,
            percent: 0,
        } => format!("A holiday for {} from {from} to {to}", team_name(ix, team)),
        ScenarioChange::Capacity {
            team,
            from,
            to,
            percent,
        } => format!(
            "{} working at {percent}% from {from} to {to}",
            team_name(ix, team)
        ),
        ScenarioChange::MoveWork { item, team } => {
            format!("Moving {} to {}", item_name(item), team_name(ix, team))
        }
        ScenarioChange::AddDependency { blocker, blocked } => format!(
            "Making {} wait for {}",
            item_name(blocked),
            item_name(blocker)
        ),
        ScenarioChange::RemoveDependency { blocker, blocked } => format!(
            "Letting {} go ahead without {}",
            item_name(blocked),
            item_name(blocker)
        ),
        ScenarioChange::Prioritize { items } => format!("Putting {} first", list(items)),
        ScenarioChange::DeRisk { item } => format!("De-risking {}", item_name(item)),
    }
}
