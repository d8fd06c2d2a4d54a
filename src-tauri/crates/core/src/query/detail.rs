//! Everything about one item: fields, transition timeline, links (the detail drawer).

use std::collections::HashMap;

use serde::Serialize;
use specta::Type;

use crate::error::{CoreError, CoreResult};
use crate::graph::model::{
    FlowState, IntentKind, ItemKind, LinkKind, LinkOrigin, TransitionKind, WaitReason,
};
use crate::graph::text::LossyText;
use crate::graph::Workspace;
use crate::query::items::{rows_by_rowid, ItemRow};
use crate::time::to_rfc3339;

/// One entry of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TransitionEntry {
    pub kind: TransitionKind,
    pub from_state: Option<String>,
    pub to_state: String,
    /// The flow state `to_state` maps to (None for reviews and unmapped states).
    pub to_flow_state: Option<FlowState>,
    pub to_wait_reason: Option<WaitReason>,
    pub at: String,
    pub actor_name: Option<String>,
    pub actor_is_bot: bool,
}

/// Which end of a link the item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum LinkDirection {
    /// The item is the link's `from` end ("this blocks that").
    Outgoing,
    /// The item is the link's `to` end ("that blocks this").
    Incoming,
}

/// A link as seen from the item, with the item at the other end.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LinkedItem {
    pub direction: LinkDirection,
    pub kind: LinkKind,
    pub origin: LinkOrigin,
    pub confidence: f64,
    /// False once the source removed the link.
    pub open: bool,
    pub created_at: String,
    pub other_id: String,
    pub other_key: String,
    pub other_title: String,
    pub other_flow_state: FlowState,
    pub other_team_name: Option<String>,
    /// Where the source's record named the link, for links Baton read from text or a timeline
    /// (`pull request title`, `branch name`, `pull request description`, `commit message`,
    /// `cross-reference`…); `None` for a link the source reports as such.
    pub found_in: Option<String>,
}

/// The intent an item serves.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct IntentRef {
    pub id: String,
    pub kind: IntentKind,
    pub title: String,
}

/// Whether a pull request was approved by someone independent of its author and of who asked
/// for it (`docs/metrics.md`, "Independent review").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ReviewVerdict {
    /// Approved by a person other than the author and other than who asked for it.
    Independent,
    /// Approved only by the author, who asked for it, or a bot.
    NotIndependent,
    /// Nobody approved it.
    Unapproved,
}

/// A pull request's review, as the independent-review rule reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReviewInfo {
    pub verdict: ReviewVerdict,
    /// Who approved (the independent approver, else the one who did approve).
    pub approver: Option<String>,
    pub at: Option<String>,
}

/// The detail drawer.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ItemDetail {
    pub item: ItemRow,
    pub external_id: String,
    pub owner_name: Option<String>,
    pub author_name: Option<String>,
    pub author_is_bot: bool,
    pub provenance_confidence: f64,
    pub priority: Option<String>,
    pub started_at: Option<String>,
    pub intent: Option<IntentRef>,
    /// For pull requests: the independent-review rule's verdict.
    pub review: Option<ReviewInfo>,
    /// For AI-made work: who asked the agent for it, and how Baton knows.
    pub requester: Option<crate::provenance::Named<crate::graph::model::RequesterSignal>>,
    /// Who answers for it: the owner set in Baton, else who asked for it, else the person
    /// assigned at the source.
    pub accountable: Option<crate::provenance::Named<crate::provenance::AccountableVia>>,
    pub transitions: Vec<TransitionEntry>,
    pub links: Vec<LinkedItem>,
    /// Every decision about it, oldest first (revoked ones say by which decision).
    pub decisions: Vec<crate::decisions::DecisionView>,
}

/// Loads one item's detail. Text is read leniently (see [`LossyText`]).
pub async fn item_detail(ws: &Workspace, id: &str) -> CoreResult<ItemDetail> {
    item_detail_in(ws, id)
        .await
        .map_err(|err| err.in_file(ws.path()))
}

async fn item_detail_in(ws: &Workspace, id: &str) -> CoreResult<ItemDetail> {
    let pool = ws.pool();
    let head = sqlx::query!(
        r#"SELECT i.rowid AS "rowid!: i64", i.external_id AS "external_id: LossyText",
                  i.author_id AS "author_id: LossyText", o.display_name AS "owner_name?: LossyText",
                  a.display_name AS "author_name?: LossyText", COALESCE(a.is_bot, 0) AS "author_is_bot!: bool",
                  i.provenance_confidence, i.priority AS "priority: LossyText", i.started_at,
                  i.kind AS "kind: LossyText", i.source_id AS "source_id: LossyText",
                  i.team_id AS "team_id: LossyText",
                  n.id AS "intent_id?: LossyText", n.kind AS "intent_kind?: LossyText",
                  n.title AS "intent_title?: LossyText"
           FROM items i
           LEFT JOIN people o ON o.id = i.owner_id
           LEFT JOIN people a ON a.id = i.author_id
           LEFT JOIN intents n ON n.id = i.intent_id
           WHERE i.id = ?"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| CoreError::NotFound(format!("item {id}")))?;

    let item = rows_by_rowid(ws, &[head.rowid])
        .await?
        .pop()
        .ok_or_else(|| CoreError::NotFound(format!("item {id}")))?;

    let team_id = head.team_id.as_ref().map(|t| t.text.as_str());
    // A Jira project's own mapping of a status applies to its issues.
    let project = crate::flow::mapping::project_of(&item.key).to_owned();
    let transitions = sqlx::query!(
        r#"SELECT t.kind AS "kind: LossyText", t.from_state AS "from_state: LossyText",
                  t.to_state AS "to_state: LossyText", t.at, t.actor_id AS "actor_id: LossyText",
                  p.display_name AS "actor_name?: LossyText",
                  COALESCE(p.is_bot, 0) AS "actor_is_bot!: bool",
                  m.flow_state AS "flow_state?: LossyText",
                  m.wait_reason AS "wait_reason?: LossyText"
           FROM transitions t
           LEFT JOIN people p ON p.id = t.actor_id
           LEFT JOIN workflow_maps m ON t.kind = 'state' AND m.source_id = ?2 AND m.raw_state = t.to_state
                AND (m.team_id, m.item_kind, m.scope) = (
                    SELECT w.team_id, w.item_kind, w.scope FROM workflow_maps w
                    WHERE w.source_id = ?2 AND w.raw_state = t.to_state
                      AND w.team_id IN ('', COALESCE(?3, '')) AND w.item_kind IN ('', ?4)
                      AND (w.scope = '' OR (w.team_id = '' AND w.item_kind = '' AND w.scope = ?5))
                    ORDER BY CASE WHEN w.team_id <> '' AND w.item_kind <> '' THEN 0 WHEN w.team_id <> '' THEN 1
                                  WHEN w.scope <> '' THEN 2 WHEN w.item_kind <> '' THEN 3 ELSE 4 END LIMIT 1)
           WHERE t.item_id = ?1 ORDER BY t.at, t.seq"#,
        id,
        head.source_id.text,
        team_id,
        head.kind.text,
        project
    )
    .fetch_all(pool)
    .await?;

    let timeline = transitions
        .into_iter()
        .filter_map(|t| {
            // Kinds this build does not know are left out of the timeline.
            let kind = TransitionKind::parse(&t.kind.text)?;
            Some(TransitionEntry {
                kind,
                from_state: t.from_state.map(|s| s.text),
                to_state: t.to_state.text,
                to_flow_state: t.flow_state.and_then(|s| FlowState::parse(&s.text)),
                to_wait_reason: t.wait_reason.and_then(|w| WaitReason::parse(&w.text)),
                at: to_rfc3339(t.at),
                actor_name: t.actor_name.map(|n| n.text),
                actor_is_bot: t.actor_is_bot,
            })
        })
        .collect();

    // Where each of the item's links was found (a separate read: the column is sparse).
    let found_in: HashMap<(String, String, String), String> =
        sqlx::query_as::<_, (String, String, String, String)>(
            "SELECT from_item_id, to_item_id, kind, found_in FROM links
         WHERE (from_item_id = ?1 OR to_item_id = ?1) AND found_in IS NOT NULL",
        )
        .bind(id)
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|(from, to, kind, found)| ((from, to, kind), found))
        .collect();
    let links = sqlx::query!(
        r#"SELECT l.from_item_id AS "from_item_id: LossyText", l.to_item_id AS "to_item_id: LossyText",
                  l.kind AS "kind: LossyText", l.origin AS "origin: LossyText", l.confidence, l.created_at,
                  l.removed_at, o.id AS "other_id!: LossyText", o.key AS "other_key: LossyText",
                  o.title AS "other_title: LossyText", o.flow_state AS "other_flow_state: LossyText",
                  t.name AS "other_team?: LossyText"
           FROM links l
           JOIN items o ON o.id = CASE WHEN l.from_item_id = ?1 THEN l.to_item_id ELSE l.from_item_id END
           LEFT JOIN teams t ON t.id = o.team_id
           WHERE l.from_item_id = ?1 OR l.to_item_id = ?1
           ORDER BY l.kind, l.created_at"#,
        id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|l| LinkedItem {
        found_in: found_in
            .get(&(l.from_item_id.text.clone(), l.to_item_id.text.clone(), l.kind.text.clone()))
            .cloned(),
        direction: if l.from_item_id.text == id { LinkDirection::Outgoing } else { LinkDirection::Incoming },
        kind: LinkKind::parse(&l.kind.text).unwrap_or(LinkKind::Relates),
        origin: LinkOrigin::parse(&l.origin.text).unwrap_or(LinkOrigin::Source),
        confidence: l.confidence,
        open: l.removed_at.is_none(),
        created_at: to_rfc3339(l.created_at),
        other_id: l.other_id.text,
        other_key: l.other_key.text,
        other_title: l.other_title.text,
        other_flow_state: FlowState::parse(&l.other_flow_state.text).unwrap_or(FlowState::New),
        other_team_name: l.other_team.map(|t| t.text),
    })
    .collect();

    let is_pr = ItemKind::parse(&head.kind.text) == Some(ItemKind::PullRequest);
    let decisions = crate::decisions::decisions_list(ws, Some(id)).await?;
    let overlay = crate::decisions::overlay(ws).await?;
    let ix = ws.index().await?;
    let (mut review, mut requester, mut accountable) = (None, None, None);
    if let Some(at) = ix.item_ids.iter().position(|x| x == id) {
        let signals = crate::provenance::Signals::gather(&ix);
        let asker = crate::provenance::requester(&ix, &signals, at);
        requester = asker.map(|r| crate::provenance::Named {
            name: crate::provenance::person_name(&ix, r.person),
            via: r.signal,
        });
        accountable = crate::provenance::accountable(&ix, at, asker, overlay.item(id))
            .map(|(name, via)| crate::provenance::Named { name, via });
        if is_pr {
            use crate::provenance::ReviewStatus;
            let name = |p: u32| crate::provenance::person_name(&ix, p);
            review = Some(
                match crate::provenance::review_status(&ix, at, asker, i64::MAX) {
                    ReviewStatus::Independent { approver, at } => ReviewInfo {
                        verdict: ReviewVerdict::Independent,
                        approver: Some(name(approver)),
                        at: Some(to_rfc3339(at)),
                    },
                    ReviewStatus::NotIndependent { approver, at } => ReviewInfo {
                        verdict: ReviewVerdict::NotIndependent,
                        approver: Some(name(approver)),
                        at: Some(to_rfc3339(at)),
                    },
                    ReviewStatus::Unapproved => ReviewInfo {
                        verdict: ReviewVerdict::Unapproved,
                        approver: None,
                        at: None,
                    },
                },
            );
        }
    }
    Ok(ItemDetail {
        item,
        external_id: head.external_id.text,
        owner_name: head.owner_name.map(|n| n.text),
        author_name: head.author_name.map(|n| n.text),
        author_is_bot: head.author_is_bot,
        provenance_confidence: head.provenance_confidence,
        priority: head.priority.map(|p| p.text),
        started_at: head.started_at.map(to_rfc3339),
        intent: match (head.intent_id, head.intent_kind, head.intent_title) {
            (Some(id), Some(kind), Some(title)) => Some(IntentRef {
                id: id.text,
                kind: IntentKind::parse(&kind.text).unwrap_or(IntentKind::Initiative),
                title: title.text,
            }),
            _ => None,
        },
        review,
        requester,
        accountable,
        transitions: timeline,
        links,
        decisions,
    })
}
