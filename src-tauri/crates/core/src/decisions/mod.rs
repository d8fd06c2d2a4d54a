//! What people decided, layered over what the sources say.
//!
//! One table, `decisions`, holds every decision with its kind: an owner set, an item accepted,
//! rejected or deferred (until a date or until it changes), a duplicate confirmed or dismissed, a
//! handoff marked delivered, an intent linked, a conflicting change acknowledged or dismissed, a
//! note, the triage thresholds. Each row says who,
//! when, why, which items it covers and which earlier decision it supersedes. Rows are never
//! changed or deleted (the table refuses it), so the history is complete and undo is a decision
//! too: `revoked`, superseding the decision it takes back (and a revoked revoke reinstates).
//!
//! A sync never writes here. Readers layer the effective decisions ([`Overlay`]) over synced
//! facts: the effective owner is the decided one, else the source's.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{CoreError, CoreResult};
use crate::graph::repo::{self, decisions::DecisionRow};
use crate::graph::text::LossyText;
use crate::graph::{ChangeKind, Workspace, WriteOp, Writer};
use crate::time::to_rfc3339;

/// The payload schema this build writes.
pub const PAYLOAD_VERSION: u32 = 1;
/// The longest reason ("why") and note kept, in characters.
pub const MAX_TEXT: usize = 4_000;

/// What a decision decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// The accountable owner is this person.
    OwnerSet,
    /// The item is fine as it is (for the reasons it was listed for).
    Accepted,
    /// The work should not be done (close it, drop it).
    Rejected,
    /// Look again later: on a date, or when the item changes.
    Deferred,
    /// It duplicates another item.
    DuplicateConfirmed,
    /// It does not duplicate that item after all.
    DuplicateDismissed,
    /// The handoff from an upstream item did arrive (the downstream item is not waiting on it).
    HandoffDelivered,
    /// It serves this intent.
    IntentLinked,
    /// It deliberately serves no intent (maintenance, support, ...).
    IntentUnaligned,
    /// A note.
    Note,
    /// Takes back an earlier decision.
    Revoked,
    /// The triage thresholds of the workspace.
    ThresholdsSet,
    /// A question asked in Baton that waits for someone's decision or approval (see
    /// [`crate::approvals`]): the items it covers wait on it until it is answered.
    ApprovalRequested,
    /// The answer to a pending decision or approval (one asked in Baton, which it supersedes,
    /// or one a source shows, which it releases in Baton's view until the item changes).
    ApprovalAnswered,
    /// A flagged conflicting change is real and known (being handled): off Triage until the
    /// change (or one of the other changes of an overlap) changes, or another overlaps it.
    ConflictAcknowledged,
    /// A flagged conflicting change is not a problem: off Triage until the change (or one of
    /// the other changes of an overlap) changes, or another overlaps it.
    ConflictDismissed,
}

impl DecisionKind {
    /// Every kind.
    pub const ALL: &'static [DecisionKind] = &[
        DecisionKind::OwnerSet,
        DecisionKind::Accepted,
        DecisionKind::Rejected,
        DecisionKind::Deferred,
        DecisionKind::DuplicateConfirmed,
        DecisionKind::DuplicateDismissed,
        DecisionKind::HandoffDelivered,
        DecisionKind::IntentLinked,
        DecisionKind::IntentUnaligned,
        DecisionKind::Note,
        DecisionKind::Revoked,
        DecisionKind::ThresholdsSet,
        DecisionKind::ApprovalRequested,
        DecisionKind::ApprovalAnswered,
        DecisionKind::ConflictAcknowledged,
        DecisionKind::ConflictDismissed,
    ];

    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::OwnerSet => "owner_set",
            DecisionKind::Accepted => "accepted",
            DecisionKind::Rejected => "rejected",
            DecisionKind::Deferred => "deferred",
            DecisionKind::DuplicateConfirmed => "duplicate_confirmed",
            DecisionKind::DuplicateDismissed => "duplicate_dismissed",
            DecisionKind::HandoffDelivered => "handoff_delivered",
            DecisionKind::IntentLinked => "intent_linked",
            DecisionKind::IntentUnaligned => "intent_unaligned",
            DecisionKind::Note => "note",
            DecisionKind::Revoked => "revoked",
            DecisionKind::ThresholdsSet => "thresholds_set",
            DecisionKind::ApprovalRequested => "approval_requested",
            DecisionKind::ApprovalAnswered => "approval_answered",
            DecisionKind::ConflictAcknowledged => "conflict_acknowledged",
            DecisionKind::ConflictDismissed => "conflict_dismissed",
        }
    }

    /// From the stored text; `None` for a kind this build does not know (skipped by readers).
    pub fn parse(text: &str) -> Option<DecisionKind> {
        DecisionKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == text)
    }

    /// The slot a decision fills: a later decision of the same slot on the same item supersedes
    /// the earlier one. Notes fill none (they accumulate).
    fn slot(self) -> Option<&'static str> {
        match self {
            DecisionKind::OwnerSet => Some("owner"),
            DecisionKind::Accepted | DecisionKind::Rejected | DecisionKind::Deferred => {
                Some("outcome")
            }
            DecisionKind::DuplicateConfirmed | DecisionKind::DuplicateDismissed => {
                Some("duplicate")
            }
            DecisionKind::HandoffDelivered => Some("handoff"),
            DecisionKind::IntentLinked | DecisionKind::IntentUnaligned => Some("intent"),
            DecisionKind::ThresholdsSet => Some("thresholds"),
            DecisionKind::ConflictAcknowledged | DecisionKind::ConflictDismissed => {
                Some("conflict")
            }
            // Each question and answer is its own record (`crate::approvals` links them).
            DecisionKind::Note
            | DecisionKind::Revoked
            | DecisionKind::ApprovalRequested
            | DecisionKind::ApprovalAnswered => None,
        }
    }
}

/// A decision to record about one item (what the app and `baton decide` send).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DecisionInput {
    /// The accountable owner: a person's id, login or name (someone not synced is kept by name).
    OwnerSet {
        owner: String,
    },
    Accepted,
    Rejected,
    /// Until a day (`YYYY-MM-DD`, the start of that day in UTC) or an instant (RFC 3339), and/or
    /// until the item changes.
    Deferred {
        until: Option<String>,
        #[serde(default)]
        until_change: bool,
    },
    /// Duplicates the item `of` (an item id).
    DuplicateConfirmed {
        of: String,
    },
    DuplicateDismissed {
        of: String,
    },
    /// The handoff from `upstream` (an item id that blocks this one) arrived.
    HandoffDelivered {
        upstream: String,
    },
    /// Serves the intent `intent` (an intent id).
    IntentLinked {
        intent: String,
    },
    /// Serves no intent, on purpose: `reason` says what it is (maintenance, support, ...).
    IntentUnaligned {
        reason: String,
    },
    Note {
        text: String,
    },
    /// The conflict of this change by `rule` with `other` (the other team's id; see
    /// `conflicts::live::ConflictView::other_id`) is known. For an overlap, `others` are the
    /// other changes the flag names (the answer holds while it names no other); an overlap's
    /// answer given on one other change names that change as `other` (as answers did when an
    /// overlap was one flag per other change).
    ConflictAcknowledged {
        rule: crate::conflicts::ConflictRule,
        other: Option<String>,
        #[serde(default)]
        others: Vec<String>,
    },
    /// That conflict is not a problem.
    ConflictDismissed {
        rule: crate::conflicts::ConflictRule,
        other: Option<String>,
        #[serde(default)]
        others: Vec<String>,
    },
}

impl DecisionInput {
    /// Its kind.
    pub fn kind(&self) -> DecisionKind {
        match self {
            DecisionInput::OwnerSet { .. } => DecisionKind::OwnerSet,
            DecisionInput::Accepted => DecisionKind::Accepted,
            DecisionInput::Rejected => DecisionKind::Rejected,
            DecisionInput::Deferred { .. } => DecisionKind::Deferred,
            DecisionInput::DuplicateConfirmed { .. } => DecisionKind::DuplicateConfirmed,
            DecisionInput::DuplicateDismissed { .. } => DecisionKind::DuplicateDismissed,
            DecisionInput::HandoffDelivered { .. } => DecisionKind::HandoffDelivered,
            DecisionInput::IntentLinked { .. } => DecisionKind::IntentLinked,
            DecisionInput::IntentUnaligned { .. } => DecisionKind::IntentUnaligned,
            DecisionInput::Note { .. } => DecisionKind::Note,
            DecisionInput::ConflictAcknowledged { .. } => DecisionKind::ConflictAcknowledged,
            DecisionInput::ConflictDismissed { .. } => DecisionKind::ConflictDismissed,
        }
    }
}

/// A decision about one item, with everything the write needs.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDecision {
    pub item_id: String,
    pub input: DecisionInput,
    /// Who decides.
    pub actor: String,
    pub why: String,
    /// The triage reasons (codes) it answers.
    pub reasons: Vec<String>,
    /// The item's update time and number of recorded changes now (see the migration).
    pub seen_updated_at: Option<i64>,
    pub seen_changes: Option<i64>,
    pub now: i64,
}

/// One decision as the app shows it (an item's history, the export).
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DecisionView {
    pub id: String,
    pub item_id: Option<String>,
    /// The stored kind (a kind this build does not know shows as stored, with `known` false).
    pub kind: String,
    pub known: bool,
    /// What it decided, in words ("Owner: Jane Doe", "Deferred until 2026-04-10").
    pub summary: String,
    pub actor: String,
    pub why: String,
    pub at: String,
    /// Every item it concerns (the item first).
    pub covers: Vec<String>,
    /// The triage reasons it answered.
    pub reasons: Vec<String>,
    pub supersedes: Option<String>,
    /// Taken back by a later `revoked` decision (that one's id).
    pub revoked_by: Option<String>,
    /// The kind-specific data, as stored (JSON text with its version `v`).
    pub payload: String,
}

/// The effective decisions about one item.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ItemDecisions {
    /// The decided owner: (person id when it is a known person, name as shown).
    pub owner: Option<(Option<String>, String)>,
    pub intent: Option<String>,
    /// Deliberately aligned to no intent: why (set only when `intent` is None by decision).
    pub unaligned: Option<String>,
    pub outcome: Option<Outcome>,
    /// Confirmed duplicate of this item.
    pub duplicate_of: Option<String>,
    /// Upstream items whose handoff was marked delivered.
    pub handoffs_delivered: Vec<String>,
    pub notes: u32,
}

/// An accept, reject or defer in force.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub id: String,
    pub kind: DecisionKind,
    pub at: i64,
    pub until: Option<i64>,
    pub until_change: bool,
    pub reasons: Vec<String>,
    pub seen_updated_at: Option<i64>,
    pub seen_changes: Option<i64>,
}

/// Every effective decision of a workspace: the layer readers put over synced facts.
#[derive(Debug, Clone, Default)]
pub struct Overlay {
    /// The table's state these were read at ([`repo::decisions::stamp`]).
    pub stamp: (i64, i64),
    pub items: HashMap<String, ItemDecisions>,
    /// The payload of the thresholds in force, if any were set.
    pub thresholds: Option<serde_json::Value>,
    /// How many decisions there are (all kinds, revoked ones included).
    pub rows: usize,
}

impl Overlay {
    /// The effective decisions of `rows` (in the order they were taken).
    pub fn from_rows(rows: &[DecisionRow]) -> Overlay {
        let revoked = revoked_ids(rows);
        let mut overlay = Overlay {
            rows: rows.len(),
            ..Overlay::default()
        };
        for row in rows {
            if revoked.contains(row.id.as_str()) {
                continue;
            }
            let Some(kind) = DecisionKind::parse(&row.kind) else {
                continue;
            };
            let payload: serde_json::Value =
                serde_json::from_str(&row.payload).unwrap_or(serde_json::Value::Null);
            let text = |key: &str| payload.get(key).and_then(|v| v.as_str()).map(str::to_owned);
            if kind == DecisionKind::ThresholdsSet {
                overlay.thresholds = payload.get("thresholds").cloned();
                continue;
            }
            let Some(item) = row.item_id.clone() else {
                continue;
            };
            let entry = overlay.items.entry(item).or_default();
            match kind {
                DecisionKind::OwnerSet => {
                    if let Some(name) = text("name") {
                        entry.owner = Some((text("personId"), name));
                    }
                }
                DecisionKind::IntentLinked => {
                    entry.intent = text("intent");
                    entry.unaligned = None;
                }
                DecisionKind::IntentUnaligned => {
                    entry.intent = None;
                    entry.unaligned = Some(text("reason").unwrap_or_default());
                }
                DecisionKind::Accepted | DecisionKind::Rejected | DecisionKind::Deferred => {
                    entry.outcome = Some(Outcome {
                        id: row.id.clone(),
                        kind,
                        at: row.created_at,
                        until: row.until_at,
                        until_change: payload
                            .get("untilChange")
                            .and_then(|v| v.as_bool())
                            .unwrap_or(false),
                        reasons: serde_json::from_str(&row.reasons).unwrap_or_default(),
                        seen_updated_at: row.seen_updated_at,
                        seen_changes: row.seen_changes,
                    })
                }
                DecisionKind::DuplicateConfirmed => entry.duplicate_of = text("of"),
                DecisionKind::DuplicateDismissed => {
                    if entry.duplicate_of == text("of") {
                        entry.duplicate_of = None;
                    }
                }
                DecisionKind::HandoffDelivered => {
                    if let Some(up) = text("upstream") {
                        if !entry.handoffs_delivered.contains(&up) {
                            entry.handoffs_delivered.push(up);
                        }
                    }
                }
                DecisionKind::Note => entry.notes += 1,
                DecisionKind::Revoked
                | DecisionKind::ThresholdsSet
                | DecisionKind::ApprovalRequested
                | DecisionKind::ApprovalAnswered
                // Read by `conflicts::answers` against the conflicts of the moment.
                | DecisionKind::ConflictAcknowledged
                | DecisionKind::ConflictDismissed => {}
            }
        }
        overlay
    }

    /// The effective decisions about an item (empty when there are none).
    pub fn item(&self, id: &str) -> Option<&ItemDecisions> {
        self.items.get(id)
    }
}

/// Ids of decisions taken back: a `revoked` decision that is not itself taken back revokes the
/// one it supersedes (so revoking a revoke reinstates the decision).
pub(crate) fn revoked_ids(rows: &[DecisionRow]) -> HashSet<&str> {
    let mut dead: HashSet<&str> = HashSet::new();
    for row in rows.iter().rev() {
        if dead.contains(row.id.as_str()) {
            continue;
        }
        if row.kind == DecisionKind::Revoked.as_str() {
            if let Some(target) = row.supersedes.as_deref() {
                dead.insert(target);
            }
        }
    }
    dead
}

/// Reads the effective decisions of a workspace.
pub async fn overlay(ws: &Workspace) -> CoreResult<Overlay> {
    let rows = repo::decisions::list(ws.pool()).await?;
    let stamp = repo::decisions::stamp(ws.pool()).await?;
    Ok(Overlay {
        stamp,
        ..Overlay::from_rows(&rows)
    })
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A new decision id: time-ordered, unique within the process and, through the clock's
/// nanoseconds, across processes writing the same file.
pub(crate) fn new_decision_id(now: i64) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("dec-{now:x}-{nanos:x}-{n:x}")
}

pub(crate) fn bounded(text: &str, what: &str) -> CoreResult<String> {
    let text = text.trim();
    if text.chars().count() > MAX_TEXT {
        return Err(CoreError::Invalid(format!(
            "{what} is longer than {MAX_TEXT} characters"
        )));
    }
    Ok(text.to_owned())
}

/// Parses a "deferred until": a day (the start of it in UTC) or an RFC 3339 instant.
pub fn parse_until(text: &str) -> CoreResult<i64> {
    let text = text.trim();
    if let Some(ms) = crate::time::parse_rfc3339(text) {
        return Ok(ms);
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp_millis())
        .ok_or_else(|| {
            CoreError::Invalid(format!(
                "\"{text}\" is not a date like 2026-04-10 (or a time like 2026-04-10T09:00:00Z)"
            ))
        })
}

/// Records a decision about an item; returns its id. Refuses decisions about items, people,
/// intents or links that do not exist, empty notes, and deferrals that end in the past.
pub async fn record(ws: &Workspace, decision: NewDecision) -> CoreResult<String> {
    let (id, _) = ws.write(Record(decision)).await?;
    Ok(id)
}

struct Record(NewDecision);

impl WriteOp for Record {
    type Output = String;
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<String> {
        let d = self.0;
        let actor = bounded(&d.actor, "the name of who decides")?;
        if actor.is_empty() {
            return Err(CoreError::Invalid("a decision needs who takes it".into()));
        }
        let why = bounded(&d.why, "the reason")?;
        let Some(this_item) = repo::items::get(w.conn(), &d.item_id).await? else {
            return Err(CoreError::NotFound(format!("item {}", d.item_id)));
        };
        let mut covers = vec![d.item_id.clone()];
        let mut until_at = None;
        let payload = match &d.input {
            DecisionInput::OwnerSet { owner } => {
                let owner = bounded(owner, "the owner's name")?;
                if owner.is_empty() {
                    return Err(CoreError::Invalid("name the owner".into()));
                }
                let person = find_person(w, &d.item_id, &owner).await?;
                let name = person
                    .as_ref()
                    .map_or(owner.clone(), |(_, name)| name.clone());
                serde_json::json!({ "v": PAYLOAD_VERSION, "personId": person.map(|p| p.0), "name": name })
            }
            DecisionInput::Accepted | DecisionInput::Rejected => {
                serde_json::json!({ "v": PAYLOAD_VERSION })
            }
            DecisionInput::Deferred {
                until,
                until_change,
            } => {
                let until = until
                    .as_deref()
                    .filter(|u| !u.trim().is_empty())
                    .map(parse_until)
                    .transpose()?;
                if until.is_none() && !until_change {
                    return Err(CoreError::Invalid(
                        "defer until a date, until the item changes, or both".into(),
                    ));
                }
                if let Some(t) = until.filter(|t| *t <= d.now) {
                    return Err(CoreError::Invalid(format!(
                        "{} is not in the future",
                        to_rfc3339(t)
                    )));
                }
                until_at = until;
                serde_json::json!({ "v": PAYLOAD_VERSION, "untilChange": until_change })
            }
            DecisionInput::DuplicateConfirmed { of } | DecisionInput::DuplicateDismissed { of } => {
                if of == &d.item_id {
                    return Err(CoreError::Invalid("an item cannot duplicate itself".into()));
                }
                let Some(other) = repo::items::get(w.conn(), of).await? else {
                    return Err(CoreError::NotFound(format!("item {of}")));
                };
                covers.push(of.clone());
                if matches!(d.input, DecisionInput::DuplicateConfirmed { .. }) {
                    // The confirmed duplicate becomes a fact of the graph: a manual link, which
                    // a sync never overwrites or removes (`repo::links`).
                    repo::links::upsert_manual(
                        w.conn(),
                        &crate::graph::model::Link {
                            from_item_id: d.item_id.clone(),
                            to_item_id: of.clone(),
                            kind: crate::graph::model::LinkKind::Duplicates,
                            origin: crate::graph::model::LinkOrigin::Manual,
                            confidence: 1.0,
                            created_at: d.now,
                            removed_at: None,
                            found_in: Some("confirmed in Baton".into()),
                        },
                    )
                    .await?;
                    w.items_changed([d.item_id.clone(), of.clone()]);
                }
                // Both items' update times: a dismissal holds while neither changes.
                serde_json::json!({
                    "v": PAYLOAD_VERSION,
                    "of": of,
                    "itemUpdatedAt": this_item.updated_at,
                    "ofUpdatedAt": other.updated_at,
                })
            }
            DecisionInput::HandoffDelivered { upstream } => {
                let blocks: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM links WHERE from_item_id = ?1 AND to_item_id = ?2 AND kind = 'blocks'",
                )
                .bind(upstream)
                .bind(&d.item_id)
                .fetch_one(&mut *w.conn())
                .await?;
                if blocks == 0 {
                    return Err(CoreError::Invalid(format!(
                        "{upstream} does not block {}: there is no handoff between them",
                        d.item_id
                    )));
                }
                covers.push(upstream.clone());
                serde_json::json!({ "v": PAYLOAD_VERSION, "upstream": upstream })
            }
            DecisionInput::IntentLinked { intent } => {
                let found: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM intents WHERE id = ?1")
                    .bind(intent)
                    .fetch_one(&mut *w.conn())
                    .await?;
                if found == 0 {
                    return Err(CoreError::NotFound(format!("intent {intent}")));
                }
                serde_json::json!({ "v": PAYLOAD_VERSION, "intent": intent })
            }
            DecisionInput::IntentUnaligned { reason } => {
                let reason = bounded(reason, "what the work is")?;
                if reason.is_empty() {
                    return Err(CoreError::Invalid(
                        "say what the work is (maintenance, support, ...)".into(),
                    ));
                }
                serde_json::json!({ "v": PAYLOAD_VERSION, "reason": reason })
            }
            DecisionInput::Note { text } => {
                let text = bounded(text, "a note")?;
                if text.is_empty() {
                    return Err(CoreError::Invalid("a note needs some text".into()));
                }
                serde_json::json!({ "v": PAYLOAD_VERSION, "text": text })
            }
            DecisionInput::ConflictAcknowledged {
                rule,
                other,
                others,
            }
            | DecisionInput::ConflictDismissed {
                rule,
                other,
                others,
            } => {
                // For an overlap, the other changes' update times too: the answer holds while
                // none of them changes (new commits or files move the update time).
                let overlap = *rule == crate::conflicts::ConflictRule::Overlapping;
                // An answer given on one other change names it as `other` (as answers did when
                // an overlap was one flag per other change); else `other` is a team.
                let one_change = overlap && others.is_empty();
                let named: Vec<&String> = match (overlap, one_change) {
                    (false, _) => Vec::new(),
                    (true, true) => other.iter().collect(),
                    (true, false) => others.iter().collect(),
                };
                let unnamed = || {
                    CoreError::Invalid("an overlap's answer names the changes it overlaps".into())
                };
                if one_change && named.is_empty() {
                    return Err(unnamed());
                }
                let mut other_updated: Option<i64> = None;
                let mut others_at = serde_json::Map::new();
                for o in named {
                    let Some(other) = repo::items::get(w.conn(), o).await? else {
                        return Err(if one_change {
                            unnamed()
                        } else {
                            CoreError::NotFound(format!("item {o}"))
                        });
                    };
                    covers.push(o.clone());
                    other_updated = other_updated.max(Some(other.updated_at));
                    others_at.insert(o.clone(), other.updated_at.into());
                }
                serde_json::json!({
                    "v": PAYLOAD_VERSION,
                    "rule": rule,
                    "other": other,
                    // Each other change of an overlap, with its update time then.
                    "others": (overlap && !others.is_empty()).then_some(others_at),
                    "itemUpdatedAt": this_item.updated_at,
                    "otherUpdatedAt": other_updated,
                })
            }
        };
        let kind = d.input.kind();
        // What this decision supersedes: the one in force in the same slot (the same upstream
        // item for handoffs, the same other item for duplicates).
        let rows = repo::decisions::list(&mut *w.conn()).await?;
        let revoked = revoked_ids(&rows);
        let covers_of = |row: &DecisionRow| -> Vec<String> {
            serde_json::from_str(&row.covers).unwrap_or_default()
        };
        let same_target = |row: &DecisionRow| match &d.input {
            DecisionInput::HandoffDelivered { upstream } => covers_of(row).contains(upstream),
            DecisionInput::DuplicateConfirmed { of } | DecisionInput::DuplicateDismissed { of } => {
                covers_of(row).contains(of)
            }
            DecisionInput::ConflictAcknowledged { rule, other, .. }
            | DecisionInput::ConflictDismissed { rule, other, .. } => {
                let p: serde_json::Value =
                    serde_json::from_str(&row.payload).unwrap_or(serde_json::Value::Null);
                p.get("rule") == serde_json::to_value(rule).ok().as_ref()
                    && p.get("other").and_then(|v| v.as_str()) == other.as_deref()
            }
            _ => true,
        };
        let supersedes = kind.slot().and_then(|slot| {
            rows.iter()
                .rev()
                .filter(|r| r.item_id.as_deref() == Some(d.item_id.as_str()))
                .filter(|r| !revoked.contains(r.id.as_str()))
                .find(|r| {
                    DecisionKind::parse(&r.kind).and_then(DecisionKind::slot) == Some(slot)
                        && same_target(r)
                })
                .map(|r| r.id.clone())
        });
        let id = new_decision_id(d.now);
        repo::decisions::insert(
            &mut *w.conn(),
            &DecisionRow {
                seq: 0,
                id: id.clone(),
                item_id: Some(d.item_id.clone()),
                kind: kind.as_str().to_owned(),
                covers: json_text(&covers),
                reasons: json_text(&d.reasons),
                supersedes,
                payload: payload.to_string(),
                actor,
                why,
                until_at,
                seen_updated_at: d.seen_updated_at,
                seen_changes: d.seen_changes,
                created_at: d.now,
            },
        )
        .await?;
        w.changed(ChangeKind::Decisions);
        if matches!(
            kind,
            DecisionKind::IntentLinked | DecisionKind::IntentUnaligned
        ) {
            follow_intent_decisions(w, &d.item_id).await?;
        }
        Ok(id)
    }
}

/// Makes the item's hand link follow the intent decisions in force (linked to an intent,
/// deliberately to none, or no hand link when the last one was taken back), and its effective
/// intent with it (`items.intent_id`, see `repo::intents::resolve`).
pub(crate) async fn follow_intent_decisions(w: &mut Writer<'_>, item_id: &str) -> CoreResult<()> {
    let rows: Vec<DecisionRow> = repo::decisions::list(&mut *w.conn())
        .await?
        .into_iter()
        .filter(|r| r.item_id.as_deref() == Some(item_id))
        .collect();
    let overlay = Overlay::from_rows(&rows);
    let revoked = revoked_ids(&rows);
    let latest = rows
        .iter()
        .rev()
        .filter(|r| !revoked.contains(r.id.as_str()))
        .find(|r| {
            matches!(
                DecisionKind::parse(&r.kind),
                Some(DecisionKind::IntentLinked | DecisionKind::IntentUnaligned)
            )
        });
    let link = match (overlay.item(item_id), latest) {
        (Some(e), Some(row)) if e.intent.is_some() || e.unaligned.is_some() => {
            Some(repo::intents::HandLink {
                intent_id: e.intent.clone(),
                unaligned: e.unaligned.clone(),
                decision_id: row.id.clone(),
                actor: row.actor.clone(),
                at: row.created_at,
            })
        }
        _ => None,
    };
    repo::intents::set_hand_link(w.conn(), item_id, link.as_ref()).await?;
    let changed = repo::intents::resolve(w.conn(), Some(&[item_id.to_owned()])).await?;
    if !changed.is_empty() {
        w.items_changed(changed);
    }
    Ok(())
}

fn json_text(values: &[String]) -> String {
    serde_json::to_string(values).unwrap_or_else(|_| "[]".into())
}

/// A person named by id, login (on the item's source, then any) or display name (ignoring
/// case): (id, display name). `None` when nobody matches: the owner is kept by name.
pub(crate) async fn find_person(
    w: &mut Writer<'_>,
    item_id: &str,
    who: &str,
) -> CoreResult<Option<(String, String)>> {
    let row: Option<(LossyText, LossyText)> = sqlx::query_as(
        "SELECT p.id, p.display_name FROM people p WHERE p.id = ?1
         UNION ALL
         SELECT p.id, p.display_name FROM identities i JOIN people p ON p.id = i.person_id
           WHERE i.login = ?1 COLLATE NOCASE
             AND i.source_id = COALESCE((SELECT source_id FROM items WHERE id = ?2), i.source_id)
         UNION ALL
         SELECT p.id, p.display_name FROM identities i JOIN people p ON p.id = i.person_id
           WHERE i.login = ?1 COLLATE NOCASE
         UNION ALL
         SELECT p.id, p.display_name FROM people p WHERE p.display_name = ?1 COLLATE NOCASE
         LIMIT 1",
    )
    .bind(who)
    .bind(item_id)
    .fetch_optional(&mut *w.conn())
    .await?;
    Ok(row.map(|(id, name)| (id.text, name.text)))
}

/// Takes back a decision (undo): records a `revoked` decision superseding it. Revoking a
/// `revoked` decision reinstates what it took back. Returns the new decision's id.
pub async fn revoke(
    ws: &Workspace,
    decision_id: &str,
    actor: &str,
    why: &str,
    now: i64,
) -> CoreResult<String> {
    let (id, _) = ws
        .write(Revoke {
            decision_id,
            actor,
            why,
            now,
        })
        .await?;
    Ok(id)
}

struct Revoke<'a> {
    decision_id: &'a str,
    actor: &'a str,
    why: &'a str,
    now: i64,
}

impl WriteOp for Revoke<'_> {
    type Output = String;
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<String> {
        let actor = bounded(self.actor, "the name of who decides")?;
        if actor.is_empty() {
            return Err(CoreError::Invalid("a decision needs who takes it".into()));
        }
        let rows = repo::decisions::list(&mut *w.conn()).await?;
        let Some(target) = rows.iter().find(|r| r.id == self.decision_id) else {
            return Err(CoreError::NotFound(format!(
                "decision {}",
                self.decision_id
            )));
        };
        if revoked_ids(&rows).contains(target.id.as_str()) {
            return Err(CoreError::Invalid(format!(
                "decision {} is already taken back",
                self.decision_id
            )));
        }
        if target.kind == DecisionKind::DuplicateConfirmed.as_str() {
            // Taking a confirmation back takes its manual link back (a source link stays).
            let payload: serde_json::Value =
                serde_json::from_str(&target.payload).unwrap_or(serde_json::Value::Null);
            if let (Some(item), Some(of)) = (
                target.item_id.clone(),
                payload
                    .get("of")
                    .and_then(|v| v.as_str())
                    .map(str::to_owned),
            ) {
                repo::links::remove_manual(w.conn(), &item, &of, "duplicates", self.now).await?;
                w.items_changed([item, of]);
            }
        }
        let id = new_decision_id(self.now);
        repo::decisions::insert(
            &mut *w.conn(),
            &DecisionRow {
                seq: 0,
                id: id.clone(),
                item_id: target.item_id.clone(),
                kind: DecisionKind::Revoked.as_str().to_owned(),
                covers: target.covers.clone(),
                reasons: "[]".into(),
                supersedes: Some(target.id.clone()),
                payload: serde_json::json!({ "v": PAYLOAD_VERSION }).to_string(),
                actor,
                why: bounded(self.why, "the reason")?,
                until_at: None,
                seen_updated_at: None,
                seen_changes: None,
                created_at: self.now,
            },
        )
        .await?;
        w.changed(ChangeKind::Decisions);
        let intent_kinds = [
            Some(DecisionKind::IntentLinked),
            Some(DecisionKind::IntentUnaligned),
            Some(DecisionKind::Revoked),
        ];
        if let Some(item) = target.item_id.as_deref() {
            if intent_kinds.contains(&DecisionKind::parse(&target.kind)) {
                follow_intent_decisions(w, item).await?;
            }
        }
        Ok(id)
    }
}

/// Records workspace-wide thresholds (a JSON object, validated by the caller).
pub async fn record_thresholds(
    ws: &Workspace,
    thresholds: serde_json::Value,
    actor: &str,
    why: &str,
    now: i64,
) -> CoreResult<String> {
    let (id, _) = ws
        .write(Thresholds {
            thresholds,
            actor,
            why,
            now,
        })
        .await?;
    Ok(id)
}

struct Thresholds<'a> {
    thresholds: serde_json::Value,
    actor: &'a str,
    why: &'a str,
    now: i64,
}

impl WriteOp for Thresholds<'_> {
    type Output = String;
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<String> {
        let actor = bounded(self.actor, "the name of who decides")?;
        if actor.is_empty() {
            return Err(CoreError::Invalid("a decision needs who takes it".into()));
        }
        let rows = repo::decisions::list(&mut *w.conn()).await?;
        let revoked = revoked_ids(&rows);
        let supersedes = rows
            .iter()
            .rev()
            .find(|r| {
                r.kind == DecisionKind::ThresholdsSet.as_str() && !revoked.contains(r.id.as_str())
            })
            .map(|r| r.id.clone());
        let id = new_decision_id(self.now);
        repo::decisions::insert(
            &mut *w.conn(),
            &DecisionRow {
                seq: 0,
                id: id.clone(),
                item_id: None,
                kind: DecisionKind::ThresholdsSet.as_str().to_owned(),
                covers: "[]".into(),
                reasons: "[]".into(),
                supersedes,
                payload: serde_json::json!({ "v": PAYLOAD_VERSION, "thresholds": self.thresholds })
                    .to_string(),
                actor,
                why: bounded(self.why, "the reason")?,
                until_at: None,
                seen_updated_at: None,
                seen_changes: None,
                created_at: self.now,
            },
        )
        .await?;
        w.changed(ChangeKind::Decisions);
        Ok(id)
    }
}

/// Every decision (or those covering `item`), oldest first, in words.
pub async fn decisions_list(ws: &Workspace, item: Option<&str>) -> CoreResult<Vec<DecisionView>> {
    let rows = repo::decisions::list(ws.pool()).await?;
    let mut revoked_by: HashMap<&str, &str> = HashMap::new();
    {
        let dead = revoked_ids(&rows);
        for row in &rows {
            if row.kind == DecisionKind::Revoked.as_str() && !dead.contains(row.id.as_str()) {
                if let Some(target) = row.supersedes.as_deref() {
                    revoked_by.insert(target, row.id.as_str());
                }
            }
        }
    }
    let names = intent_and_item_names(ws).await?;
    Ok(rows
        .iter()
        .filter(|row| {
            item.is_none_or(|id| {
                row.item_id.as_deref() == Some(id)
                    || serde_json::from_str::<Vec<String>>(&row.covers)
                        .is_ok_and(|c| c.iter().any(|x| x == id))
            })
        })
        .map(|row| {
            let kind = DecisionKind::parse(&row.kind);
            let payload: serde_json::Value =
                serde_json::from_str(&row.payload).unwrap_or(serde_json::Value::Null);
            DecisionView {
                id: row.id.clone(),
                item_id: row.item_id.clone(),
                kind: row.kind.clone(),
                known: kind.is_some(),
                summary: summary(kind, row, &payload, &rows, &names),
                actor: row.actor.clone(),
                why: row.why.clone(),
                at: to_rfc3339(row.created_at),
                covers: serde_json::from_str(&row.covers).unwrap_or_default(),
                reasons: serde_json::from_str(&row.reasons).unwrap_or_default(),
                supersedes: row.supersedes.clone(),
                revoked_by: revoked_by.get(row.id.as_str()).map(|s| (*s).to_owned()),
                payload: row.payload.clone(),
            }
        })
        .collect())
}

/// Keys of items and titles of intents decisions name, to say them in words.
async fn intent_and_item_names(ws: &Workspace) -> CoreResult<HashMap<String, String>> {
    let rows: Vec<(LossyText, LossyText)> = sqlx::query_as(
        "SELECT id, title FROM intents
         UNION ALL
         SELECT id, name FROM teams
         UNION ALL
         SELECT i.id, i.key FROM items i
           WHERE i.id IN (SELECT value FROM decisions d, json_each(d.covers))",
    )
    .fetch_all(ws.pool())
    .await?;
    Ok(rows.into_iter().map(|(a, b)| (a.text, b.text)).collect())
}

fn summary(
    kind: Option<DecisionKind>,
    row: &DecisionRow,
    payload: &serde_json::Value,
    rows: &[DecisionRow],
    names: &HashMap<String, String>,
) -> String {
    let text = |key: &str| payload.get(key).and_then(|v| v.as_str()).unwrap_or("");
    let name_of = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_owned());
    match kind {
        None => format!("{} (recorded by a newer Baton)", row.kind),
        Some(DecisionKind::OwnerSet) => format!("Owner: {}", text("name")),
        Some(DecisionKind::Accepted) => "Accepted".into(),
        Some(DecisionKind::Rejected) => "Rejected".into(),
        Some(DecisionKind::Deferred) => {
            let change = payload
                .get("untilChange")
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            match (row.until_at, change) {
                (Some(t), true) => format!(
                    "Deferred until {} or until it changes",
                    &to_rfc3339(t)[..10]
                ),
                (Some(t), false) => format!("Deferred until {}", &to_rfc3339(t)[..10]),
                _ => "Deferred until it changes".into(),
            }
        }
        Some(DecisionKind::DuplicateConfirmed) => {
            format!("Duplicate of {}", name_of(text("of")))
        }
        Some(DecisionKind::DuplicateDismissed) => {
            format!("Not a duplicate of {}", name_of(text("of")))
        }
        Some(DecisionKind::HandoffDelivered) => {
            format!("Handoff from {} delivered", name_of(text("upstream")))
        }
        Some(DecisionKind::IntentLinked) => format!("Serves {}", name_of(text("intent"))),
        Some(DecisionKind::IntentUnaligned) => {
            format!("Serves no intent on purpose: {}", text("reason"))
        }
        Some(DecisionKind::Note) => format!("Note: {}", text("text")),
        Some(DecisionKind::Revoked) => {
            let target = row
                .supersedes
                .as_deref()
                .and_then(|id| rows.iter().find(|r| r.id == id));
            match target {
                Some(t) => format!("Took back: {}", {
                    let p: serde_json::Value =
                        serde_json::from_str(&t.payload).unwrap_or(serde_json::Value::Null);
                    summary(DecisionKind::parse(&t.kind), t, &p, rows, names)
                }),
                None => "Took back a decision".into(),
            }
        }
        Some(DecisionKind::ThresholdsSet) => "Triage thresholds changed".into(),
        Some(DecisionKind::ApprovalRequested) => {
            let decider = payload
                .get("decider")
                .and_then(|d| d.get("name"))
                .and_then(|v| v.as_str())
                .unwrap_or("");
            let what = if text("kind") == "approval" {
                "Approval"
            } else {
                "Decision"
            };
            format!("{what} asked of {decider}: {}", text("question"))
        }
        Some(DecisionKind::ConflictAcknowledged | DecisionKind::ConflictDismissed) => {
            let what = if kind == Some(DecisionKind::ConflictAcknowledged) {
                "Conflict acknowledged"
            } else {
                "Conflict dismissed"
            };
            let rule = match text("rule") {
                "cross_owner_unreviewed" => "another team's code, not reviewed by it",
                "overlapping" => "overlaps other open changes",
                "ai_across_teams" => "agent change across teams",
                "sensitive_unreviewed" => "sensitive path, required review missing",
                other => other,
            };
            match text("other") {
                "" => format!("{what}: {rule}"),
                other => format!("{what}: {rule} ({})", name_of(other)),
            }
        }
        Some(DecisionKind::ApprovalAnswered) => {
            let answer = text("answer");
            let verdict = match text("outcome") {
                "approved" => "Approved",
                "rejected" => "Rejected",
                _ => "Decided",
            };
            if answer.is_empty() {
                verdict.into()
            } else {
                format!("{verdict}: {answer}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        seq: i64,
        id: &str,
        kind: &str,
        item: &str,
        payload: &str,
        sup: Option<&str>,
    ) -> DecisionRow {
        DecisionRow {
            seq,
            id: id.into(),
            item_id: Some(item.into()),
            kind: kind.into(),
            covers: format!("[\"{item}\"]"),
            reasons: "[]".into(),
            supersedes: sup.map(Into::into),
            payload: payload.into(),
            actor: "lead".into(),
            why: String::new(),
            until_at: None,
            seen_updated_at: None,
            seen_changes: None,
            created_at: seq,
        }
    }

    #[test]
    fn the_latest_decision_of_a_slot_wins_and_a_revoke_restores_the_one_before() {
        let rows = vec![
            row(1, "a", "owner_set", "x", r#"{"v":1,"name":"Ann"}"#, None),
            row(
                2,
                "b",
                "owner_set",
                "x",
                r#"{"v":1,"name":"Bob"}"#,
                Some("a"),
            ),
            row(3, "c", "note", "x", r#"{"v":1,"text":"hi"}"#, None),
        ];
        let o = Overlay::from_rows(&rows);
        assert_eq!(
            o.item("x")
                .and_then(|d| d.owner.clone())
                .map(|o| o.1)
                .as_deref(),
            Some("Bob")
        );
        let mut undone = rows.clone();
        undone.push(row(4, "d", "revoked", "x", r#"{"v":1}"#, Some("b")));
        let o = Overlay::from_rows(&undone);
        assert_eq!(
            o.item("x")
                .and_then(|d| d.owner.clone())
                .map(|o| o.1)
                .as_deref(),
            Some("Ann"),
            "taking back the second owner leaves the first in force"
        );
        undone.push(row(5, "e", "revoked", "x", r#"{"v":1}"#, Some("d")));
        let o = Overlay::from_rows(&undone);
        assert_eq!(
            o.item("x")
                .and_then(|d| d.owner.clone())
                .map(|o| o.1)
                .as_deref(),
            Some("Bob"),
            "taking back the take-back reinstates it"
        );
        assert_eq!(o.item("x").map(|d| d.notes), Some(1));
    }

    #[test]
    fn unknown_kinds_are_skipped_and_a_dismissal_clears_its_duplicate() {
        let rows = vec![
            row(1, "a", "policy_waived", "x", "{}", None),
            row(
                2,
                "b",
                "duplicate_confirmed",
                "x",
                r#"{"v":1,"of":"y"}"#,
                None,
            ),
            row(
                3,
                "c",
                "duplicate_dismissed",
                "x",
                r#"{"v":1,"of":"z"}"#,
                None,
            ),
        ];
        let o = Overlay::from_rows(&rows);
        assert_eq!(
            o.item("x").and_then(|d| d.duplicate_of.clone()).as_deref(),
            Some("y"),
            "dismissing another item leaves the confirmed one"
        );
        let mut more = rows.clone();
        more.push(row(
            4,
            "d",
            "duplicate_dismissed",
            "x",
            r#"{"v":1,"of":"y"}"#,
            None,
        ));
        assert_eq!(
            Overlay::from_rows(&more)
                .item("x")
                .and_then(|d| d.duplicate_of.clone()),
            None
        );
    }

    #[test]
    fn until_takes_days_and_instants() {
        assert_eq!(parse_until("1970-01-02").ok(), Some(86_400_000));
        assert_eq!(parse_until("1970-01-01T01:00:00+01:00").ok(), Some(0));
        assert!(parse_until("next week").is_err());
    }
}
