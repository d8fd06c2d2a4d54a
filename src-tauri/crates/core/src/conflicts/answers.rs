//! People's answers to flagged conflicts: acknowledged (real, known, being handled) or
//! dismissed (not a problem), each a decision with who, when and why (`decisions`, never
//! written by a sync). An answer names its conflict by the change, the rule and the other team,
//! and holds while the change keeps the update time it had when answered: new commits or files
//! (which move the update time at the source) bring the conflict back. An overlap's answer
//! also records the other team's changes it named, each with its update time: it holds while
//! the flag names none but those and each keeps its update time. (Answers given when an overlap was one flag per
//! other change name that change: such answers hold on a flag whose every change has one that
//! still holds.)

use std::collections::{HashMap, HashSet};

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
    let Some(flag) = report
        .conflicts
        .iter()
        .find(|c| c.item.id == input.item && c.rule == input.rule && c.other_id == input.other)
    else {
        return Err(CoreError::NotFound(format!(
            "a conflict of {} by that rule (it may have been resolved since)",
            input.item
        )));
    };
    let others: Vec<String> = flag.other_items.iter().map(|o| o.id.clone()).collect();
    let decision = if input.acknowledge {
        DecisionInput::ConflictAcknowledged {
            rule: input.rule,
            other: input.other.clone(),
            others,
        }
    } else {
        DecisionInput::ConflictDismissed {
            rule: input.rule,
            other: input.other.clone(),
            others,
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

/// An answer as recorded, with what it was given on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Given {
    pub answer: ConflictAnswer,
    /// The change's update time then.
    pub item_updated: i64,
    /// The other change's update time then, for an answer given on one other change (the
    /// latest of the other changes', for an overlap's).
    pub other_updated: Option<i64>,
    /// The other changes an overlap's answer named, each with its update time then (None:
    /// another rule, or an answer given on one other change).
    pub others: Option<HashMap<String, i64>>,
}

/// The answers in force, by (item, rule, other).
pub type Stored = HashMap<(String, String, Option<String>), Given>;

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
        let others = p.get("others").and_then(|v| v.as_object()).map(|named| {
            named
                .iter()
                .filter_map(|(id, at)| Some((id.clone(), at.as_i64()?)))
                .collect()
        });
        out.insert(
            key,
            Given {
                answer: ConflictAnswer {
                    decision_id: row.id.clone(),
                    acknowledged,
                    actor: row.actor.clone(),
                    at: to_rfc3339(row.created_at),
                    why: row.why.clone(),
                },
                item_updated: p.get("itemUpdatedAt").and_then(|v| v.as_i64()).unwrap_or(0),
                other_updated: p.get("otherUpdatedAt").and_then(|v| v.as_i64()),
                others,
            },
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

/// The answer that holds on the conflict of `item` (updated at `item_at`) by `rule` with
/// `other`, whose other changes are `others` (id, update time), if one does (see the module).
fn holding<'s>(
    answers: &'s Stored,
    (item, item_at): (&str, Option<i64>),
    rule: ConflictRule,
    other: Option<&str>,
    others: &[(&str, Option<i64>)],
) -> Option<&'s ConflictAnswer> {
    let code = rule_code(rule);
    let given = answers.get(&(item.to_owned(), code.clone(), other.map(str::to_owned)));
    if let Some(g) = given.filter(|g| item_at == Some(g.item_updated)) {
        let holds = match &g.others {
            // None but the changes it named, each as it was then.
            Some(named) => others
                .iter()
                .all(|(id, at)| at.is_some() && named.get(*id).copied() == *at),
            None => rule != ConflictRule::Overlapping,
        };
        if holds {
            return Some(&g.answer);
        }
    }
    // Answers given on one other change each: the latest, when every change has one that holds.
    if rule != ConflictRule::Overlapping || others.is_empty() {
        return None;
    }
    let mut latest: Option<&ConflictAnswer> = None;
    for (id, at) in others {
        let g = answers.get(&(item.to_owned(), code.clone(), Some((*id).to_owned())))?;
        if g.others.is_some() || item_at != Some(g.item_updated) || *at != g.other_updated {
            return None;
        }
        if latest.is_none_or(|l| g.answer.at > l.at) {
            latest = Some(&g.answer);
        }
    }
    latest
}

/// Sets `answer` on each conflict of the report whose answer still holds (see the module).
pub fn layer(ix: &WorkIndex, report: &mut ChangeConflictsReport, answers: &Stored) {
    if answers.is_empty() {
        return;
    }
    let answered = &Holding::of(answers).items;
    let wanted: HashSet<&str> = report
        .conflicts
        .iter()
        .filter(|c| answered.contains(c.item.id.as_str()))
        .flat_map(|c| {
            std::iter::once(c.item.id.as_str()).chain(c.other_items.iter().map(|o| o.id.as_str()))
        })
        .collect();
    let at = ix.positions_of(|id| wanted.contains(id));
    let updated = |id: &str| at.get(id).map(|&i| ix.items[i].updated);
    for c in &mut report.conflicts {
        if !answered.contains(c.item.id.as_str()) {
            continue;
        }
        let others: Vec<(&str, Option<i64>)> = c
            .other_items
            .iter()
            .map(|o| (o.id.as_str(), updated(&o.id)))
            .collect();
        c.answer = holding(
            answers,
            (&c.item.id, updated(&c.item.id)),
            c.rule,
            c.other_id.as_deref(),
            &others,
        )
        .cloned();
    }
}

/// The answers in force, asked about conflicts read as [`Flag`]s (items by position): whether
/// one holds, decided as [`layer`] decides it.
pub struct Holding<'s> {
    answers: &'s Stored,
    /// The changes with an answer (most have none: their conflicts are not looked up).
    items: HashSet<&'s str>,
}

impl<'s> Holding<'s> {
    pub fn of(answers: &'s Stored) -> Holding<'s> {
        Holding {
            answers,
            items: answers.keys().map(|(item, _, _)| item.as_str()).collect(),
        }
    }

    /// Whether an answer holds on `flag` (see the module), on `ix`, the index the flag's
    /// positions belong to.
    pub fn answered(&self, ix: &WorkIndex, flag: &Flag<'_>) -> bool {
        let Some(id) = ix.item_ids.get(flag.item as usize) else {
            return false;
        };
        if !self.items.contains(id) {
            return false;
        }
        let updated = |i: u32| ix.items.get(i as usize).map(|it| it.updated);
        let others: Vec<(&str, Option<i64>)> = flag
            .others
            .iter()
            .filter_map(|o| Some((ix.item_ids.get(o as usize)?, updated(o))))
            .collect();
        holding(
            self.answers,
            (id, updated(flag.item)),
            flag.rule,
            flag.other_id,
            &others,
        )
        .is_some()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn given(others: Option<&[(&str, i64)]>, other_updated: Option<i64>) -> Given {
        Given {
            answer: ConflictAnswer {
                decision_id: "d1".into(),
                acknowledged: true,
                actor: "lead".into(),
                at: "2026-04-01T10:00:00Z".into(),
                why: String::new(),
            },
            item_updated: 100,
            other_updated,
            others: others.map(|o| o.iter().map(|(id, at)| ((*id).to_owned(), *at)).collect()),
        }
    }

    fn key(other: &str) -> (String, String, Option<String>) {
        ("x".into(), "overlapping".into(), Some(other.into()))
    }

    /// An overlap's answer holds while the flag names none but the changes it named, each
    /// with the update time it had; answers given one other change at a time hold while every
    /// change the flag names has one that holds.
    #[test]
    fn an_overlaps_answer_holds_on_the_changes_it_named_as_they_were() {
        let mut answers = Stored::new();
        answers.insert(
            key("team-pay"),
            given(Some(&[("a", 10), ("b", 20)]), Some(20)),
        );
        let holds = |item_at: i64, others: &[(&str, Option<i64>)]| {
            holding(
                &answers,
                ("x", Some(item_at)),
                ConflictRule::Overlapping,
                Some("team-pay"),
                others,
            )
            .is_some()
        };
        assert!(
            holds(100, &[("a", Some(10)), ("b", Some(20))]),
            "as answered"
        );
        assert!(holds(100, &[("b", Some(20))]), "one of them closed since");
        assert!(
            !holds(101, &[("a", Some(10)), ("b", Some(20))]),
            "the change moved"
        );
        assert!(
            !holds(100, &[("a", Some(11)), ("b", Some(20))]),
            "one of them moved"
        );
        assert!(
            !holds(100, &[("a", Some(15)), ("b", Some(20))]),
            "moved, even to before the latest of them"
        );
        assert!(
            !holds(100, &[("a", Some(10)), ("b", Some(20)), ("c", Some(5))]),
            "another change overlaps since"
        );

        // Given pair by pair (an answer naming the other change, with its update time).
        let mut answers = Stored::new();
        answers.insert(key("a"), given(None, Some(10)));
        answers.insert(key("b"), given(None, Some(20)));
        let holds = |others: &[(&str, Option<i64>)]| {
            holding(
                &answers,
                ("x", Some(100)),
                ConflictRule::Overlapping,
                Some("team-pay"),
                others,
            )
            .is_some()
        };
        assert!(holds(&[("a", Some(10)), ("b", Some(20))]));
        assert!(holds(&[("a", Some(10))]));
        assert!(!holds(&[("a", Some(10)), ("b", Some(21))]));
        assert!(!holds(&[("a", Some(10)), ("c", Some(20))]));
        assert!(!holds(&[]), "no change named, nothing to hold on");
    }
}
