//! People's answers to flagged conflicts: acknowledged (real, known, being handled) or
//! dismissed (not a problem), each a decision with who, when and why (`decisions`, never
//! written by a sync). An answer names its conflict by the change, the rule and the other team
//! or change, and holds while the change — and, for an overlap, the other change — keeps the
//! update time it had when answered: new commits or files (which move the update time at the
//! source) bring the conflict back.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use specta::Type;

use super::live::{ChangeConflictsReport, Flag};
use super::ConflictRule;
use crate::decisions::{self, DecisionInput, DecisionKind, NewDecision};
use crate::error::{CoreError, CoreResult};
use crate::graph::index::WorkIndex;
use crate::graph::repo;
use crate::graph::Workspace;
use crate::time::to_rfc3339;

/// An answer in force on a conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConflictAnswer {
    /// The decision's id (to take it back).
    pub decision_id: String,
    /// Acknowledged (true) or dismissed (false).
    pub acknowledged: bool,
    pub actor: String,
    /// When (RFC 3339).
    pub at: String,
    pub why: String,
}

/// What a person answers about one conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConflictAnswerInput {
    /// The flagged change.
    pub item: String,
    pub rule: ConflictRule,
    /// `ConflictView::other_id`.
    pub other: Option<String>,
    /// Acknowledge (true) or dismiss (false).
    pub acknowledge: bool,
    pub why: String,
}

/// Records the answer as a decision; returns its id.
pub async fn answer(
    ws: &Workspace,
    input: &ConflictAnswerInput,
    actor: &str,
    now: i64,
) -> CoreResult<String> {
    let ix = ws.index().await?;
    let report = super::live::compute_unanswered(ws, &ix).await?;
    let flagged = report
        .conflicts
        .iter()
        .any(|c| c.item.id == input.item && c.rule == input.rule && c.other_id == input.other);
    if !flagged {
        return Err(CoreError::NotFound(format!(
            "a conflict of {} by that rule (it may have been resolved since)",
            input.item
        )));
    }
    let decision = if input.acknowledge {
        DecisionInput::ConflictAcknowledged {
            rule: input.rule,
            other: input.other.clone(),
        }
    } else {
        DecisionInput::ConflictDismissed {
            rule: input.rule,
            other: input.other.clone(),
        }
    };
    decisions::record(
        ws,
        NewDecision {
            item_id: input.item.clone(),
            input: decision,
            actor: actor.to_owned(),
            why: input.why.clone(),
            reasons: vec!["conflicting_change".to_owned()],
            seen_updated_at: None,
            seen_changes: None,
            now,
        },
    )
    .await
}

/// A stored answer: (item, rule, other) → (answer, the item's and the other's update times).
pub type Stored = HashMap<(String, String, Option<String>), (ConflictAnswer, i64, Option<i64>)>;

/// The answers in force (not taken back, the latest of each conflict).
pub async fn stored(ws: &Workspace) -> CoreResult<Stored> {
    let rows = repo::decisions::list(ws.pool()).await?;
    let revoked = decisions::revoked_ids(&rows);
    let mut out: Stored = HashMap::new();
    for row in &rows {
        let acknowledged = match DecisionKind::parse(&row.kind) {
            Some(DecisionKind::ConflictAcknowledged) => true,
            Some(DecisionKind::ConflictDismissed) => false,
            _ => continue,
        };
        let Some(item) = row.item_id.clone() else {
            continue;
        };
        let p: serde_json::Value =
            serde_json::from_str(&row.payload).unwrap_or(serde_json::Value::Null);
        let rule = p
            .get("rule")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned();
        let other = p.get("other").and_then(|v| v.as_str()).map(str::to_owned);
        let key = (item, rule, other);
        // A taken-back answer leaves the one before it (if any) in force.
        if revoked.contains(row.id.as_str()) {
            continue;
        }
        let item_updated = p.get("itemUpdatedAt").and_then(|v| v.as_i64()).unwrap_or(0);
        let other_updated = p.get("otherUpdatedAt").and_then(|v| v.as_i64());
        out.insert(
            key,
            (
                ConflictAnswer {
                    decision_id: row.id.clone(),
                    acknowledged,
                    actor: row.actor.clone(),
                    at: to_rfc3339(row.created_at),
                    why: row.why.clone(),
                },
                item_updated,
                other_updated,
            ),
        );
    }
    Ok(out)
}

fn rule_code(rule: ConflictRule) -> String {
    serde_json::to_value(rule)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Sets `answer` on each conflict of the report whose answer still holds (see the module).
pub fn layer(ix: &WorkIndex, report: &mut ChangeConflictsReport, answers: &Stored) {
    if answers.is_empty() {
        return;
    }
    let wanted: std::collections::HashSet<&str> = report
        .conflicts
        .iter()
        .flat_map(|c| {
            std::iter::once(c.item.id.as_str()).chain(c.other_item.as_ref().map(|o| o.id.as_str()))
        })
        .collect();
    let at: HashMap<String, i64> = ix
        .item_ids
        .iter()
        .enumerate()
        .filter(|(_, id)| wanted.contains(*id))
        .map(|(i, id)| (id.to_owned(), ix.items[i].updated))
        .collect();
    let updated = |id: &str| at.get(id).copied();
    for c in &mut report.conflicts {
        let key = (c.item.id.clone(), rule_code(c.rule), c.other_id.clone());
        let Some((answer, item_at, other_at)) = answers.get(&key) else {
            continue;
        };
        let same_item = updated(&c.item.id) == Some(*item_at);
        let same_other = match (other_at, &c.other_item) {
            (Some(at), Some(o)) => updated(&o.id) == Some(*at),
            _ => true,
        };
        if same_item && same_other {
            c.answer = Some(answer.clone());
        }
    }
}

/// The answers in force, asked about conflicts read as [`Flag`]s (items by position): whether
/// one holds, decided as [`layer`] decides it.
pub struct Holding<'s> {
    answers: &'s Stored,
    /// The changes with an answer (most have none: their conflicts are not looked up).
    items: std::collections::HashSet<&'s str>,
}

impl<'s> Holding<'s> {
    pub fn of(answers: &'s Stored) -> Holding<'s> {
        Holding {
            answers,
            items: answers.keys().map(|(item, _, _)| item.as_str()).collect(),
        }
    }

    /// Whether an answer holds on `flag` (its change and, for an overlap, the other change
    /// unchanged since), on `ix`, the index the flag's positions belong to.
    pub fn answered(&self, ix: &WorkIndex, flag: &Flag<'_>) -> bool {
        let Some(id) = ix.item_ids.get(flag.item as usize) else {
            return false;
        };
        if !self.items.contains(id) {
            return false;
        }
        let key = (
            id.to_owned(),
            rule_code(flag.rule),
            flag.other_id.map(str::to_owned),
        );
        let Some((_, item_at, other_at)) = self.answers.get(&key) else {
            return false;
        };
        let updated = |i: u32| ix.items.get(i as usize).map(|it| it.updated);
        let same_item = updated(flag.item) == Some(*item_at);
        let same_other = match (other_at, flag.other_item) {
            (Some(at), Some(o)) => updated(o) == Some(*at),
            _ => true,
        };
        same_item && same_other
    }
}

/// Reads the answers and layers them over `report`.
pub async fn apply(
    ws: &Workspace,
    ix: &WorkIndex,
    report: &mut ChangeConflictsReport,
) -> CoreResult<()> {
    let answers = stored(ws).await?;
    layer(ix, report, &answers);
    Ok(())
}
