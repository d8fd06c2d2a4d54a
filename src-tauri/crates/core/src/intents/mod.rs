//! Intents: the goals, initiatives and milestones work serves, and how work is linked to them.
//!
//! Intents come from the sources (Jira epics and higher levels, GitHub milestones: imported by
//! the sync through `repo::intents::import`) or are made in Baton. What people do to them here
//! — create, edit, archive, reorder, add or remove a rule — is recorded in `intent_edits` with
//! who, when and why; a field people set is theirs, and a sync never overwrites it. Work is linked
//! by the source, by rules ([`rules`]) or by hand (a decision in `decisions`); the hand link wins,
//! then the rule, then the source. [`report`] builds the Intents page; [`brief`] the one-page
//! brief to share.

pub mod brief;
pub mod labels;
pub mod report;
pub mod rules;

use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::decisions::{self, DecisionInput, NewDecision};
use crate::error::{CoreError, CoreResult};
use crate::graph::model::{Intent, IntentKind, IntentRuleField};
use crate::graph::repo::{
    self,
    intents::{EditRow, IntentRuleRow},
};
use crate::graph::{ChangeKind, Workspace, WriteOp, Writer};

/// The longest title, and the longest other text, kept (characters).
const MAX_TITLE: usize = 300;
const MAX_TEXT: usize = 4_000;

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn new_id(prefix: &str, now: i64) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}-{now:x}-{nanos:x}-{n:x}")
}

fn bounded(text: &str, max: usize, what: &str) -> CoreResult<String> {
    let text = text.trim();
    if text.chars().count() > max {
        return Err(CoreError::Invalid(format!(
            "{what} is longer than {max} characters"
        )));
    }
    Ok(text.to_owned())
}

/// A goal, initiative or milestone as the form sends it (create and edit).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", default)]
pub struct IntentInput {
    pub title: String,
    pub kind: Option<IntentKind>,
    pub parent_id: Option<String>,
    pub description: String,
    pub success_measure: String,
    /// A person's id, login or name; None or empty: no owner.
    pub owner: Option<String>,
    /// `YYYY-MM-DD`.
    pub target_date: Option<String>,
    /// 1 is the highest.
    pub priority: Option<u32>,
}

fn parse_day(text: &str) -> CoreResult<i64> {
    let day = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| CoreError::Invalid(format!("{text} is not a day (YYYY-MM-DD)")))?;
    Ok(day
        .and_hms_opt(0, 0, 0)
        .map(|d| d.and_utc().timestamp_millis())
        .unwrap_or(0))
}

async fn person(w: &mut Writer<'_>, who: &str) -> CoreResult<String> {
    let id: Option<String> = sqlx::query_scalar(
        "SELECT p.id FROM people p WHERE p.id = ?1
         UNION ALL SELECT i.person_id FROM identities i WHERE i.login = ?1 COLLATE NOCASE
         UNION ALL SELECT p.id FROM people p WHERE p.display_name = ?1 COLLATE NOCASE
         LIMIT 1",
    )
    .bind(who)
    .fetch_optional(&mut *w.conn())
    .await?;
    id.ok_or_else(|| CoreError::NotFound(format!("person {who}")))
}

/// The fields of `input` as they would be stored on `base`.
async fn applied(w: &mut Writer<'_>, base: &Intent, input: &IntentInput) -> CoreResult<Intent> {
    let title = bounded(&input.title, MAX_TITLE, "the title")?;
    if title.is_empty() {
        return Err(CoreError::Invalid("an intent needs a title".into()));
    }
    let mut next = base.clone();
    next.title = title;
    next.kind = input.kind.unwrap_or(base.kind);
    next.description = bounded(&input.description, MAX_TEXT, "the description")?;
    next.success_measure = bounded(&input.success_measure, MAX_TEXT, "the success measure")?;
    next.owner_id = match input.owner.as_deref().map(str::trim) {
        Some(who) if !who.is_empty() => Some(person(w, who).await?),
        _ => None,
    };
    next.target_at = match input.target_date.as_deref().map(str::trim) {
        Some(day) if !day.is_empty() => Some(parse_day(day)?),
        _ => None,
    };
    next.priority = match input.priority {
        Some(0) => {
            return Err(CoreError::Invalid(
                "priorities start at 1 (the highest)".into(),
            ))
        }
        p => p.map(i64::from),
    };
    let parent = input.parent_id.as_deref().filter(|p| !p.is_empty());
    if let Some(parent) = parent {
        // No intent may sit under itself or one of its descendants.
        let mut at = Some(parent.to_owned());
        while let Some(id) = at {
            if id == base.id {
                return Err(CoreError::Invalid(
                    "an intent cannot sit under itself or one of its own".into(),
                ));
            }
            let row = repo::intents::get(&mut *w.conn(), &id).await?;
            let Some(row) = row else {
                return Err(CoreError::NotFound(format!("intent {id}")));
            };
            at = row.parent_id;
        }
    }
    next.parent_id = parent.map(str::to_owned);
    Ok(next)
}

/// The fields that differ between two versions of an intent, as a JSON object (the edit).
fn diff(before: &Intent, after: &Intent) -> serde_json::Map<String, serde_json::Value> {
    let mut out = serde_json::Map::new();
    let mut put = |field: &str, changed: bool, value: serde_json::Value| {
        if changed {
            out.insert(field.to_owned(), value);
        }
    };
    put(
        "title",
        before.title != after.title,
        after.title.clone().into(),
    );
    put(
        "kind",
        before.kind != after.kind,
        after.kind.as_str().into(),
    );
    put(
        "description",
        before.description != after.description,
        after.description.clone().into(),
    );
    put(
        "success_measure",
        before.success_measure != after.success_measure,
        after.success_measure.clone().into(),
    );
    put(
        "owner_id",
        before.owner_id != after.owner_id,
        after.owner_id.clone().into(),
    );
    put(
        "target_at",
        before.target_at != after.target_at,
        after.target_at.into(),
    );
    put(
        "priority",
        before.priority != after.priority,
        after.priority.into(),
    );
    put(
        "parent_id",
        before.parent_id != after.parent_id,
        after.parent_id.clone().into(),
    );
    out
}

struct Save {
    id: Option<String>,
    input: IntentInput,
    actor: String,
    why: String,
    now: i64,
}

impl WriteOp for Save {
    type Output = String;
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<String> {
        let actor = actor_of(&self.actor)?;
        let why = bounded(&self.why, MAX_TEXT, "the reason")?;
        let (before, action) = match &self.id {
            Some(id) => match repo::intents::get(&mut *w.conn(), id).await? {
                Some(row) => (row, "edited"),
                None => return Err(CoreError::NotFound(format!("intent {id}"))),
            },
            None => {
                let kind = self.input.kind.unwrap_or(IntentKind::Initiative);
                let mut fresh = Intent::baton(&new_id("intent", self.now), kind, "", self.now);
                fresh.position = sqlx::query_scalar::<_, i64>(
                    "SELECT COALESCE(MAX(position), -1) + 1 FROM intents WHERE parent_id IS ?1",
                )
                .bind(self.input.parent_id.as_deref().filter(|p| !p.is_empty()))
                .fetch_one(&mut *w.conn())
                .await?;
                (fresh, "created")
            }
        };
        let after = applied(w, &before, &self.input).await?;
        let fields = if action == "created" {
            let mut all = diff(&Intent::baton(&after.id, after.kind, "", 0), &after);
            all.insert("title".into(), after.title.clone().into());
            all
        } else {
            diff(&before, &after)
        };
        if fields.is_empty() {
            return Ok(after.id);
        }
        repo::intents::upsert(&mut *w.conn(), &after).await?;
        repo::intents::insert_edit(
            &mut *w.conn(),
            &EditRow {
                id: new_id("edit", self.now),
                intent_id: after.id.clone(),
                action: action.into(),
                fields: serde_json::Value::Object(fields).to_string(),
                actor,
                why,
                created_at: self.now,
            },
        )
        .await?;
        w.changed(ChangeKind::Intents);
        Ok(after.id)
    }
}

fn actor_of(actor: &str) -> CoreResult<String> {
    let actor = bounded(actor, MAX_TITLE, "the name of who decides")?;
    if actor.is_empty() {
        return Err(CoreError::Invalid("an edit needs who makes it".into()));
    }
    Ok(actor)
}

/// Makes a goal, initiative or milestone in Baton; returns its id.
pub async fn create(
    ws: &Workspace,
    input: &IntentInput,
    actor: &str,
    why: &str,
    now: i64,
) -> CoreResult<String> {
    let (id, _) = ws
        .write(Save {
            id: None,
            input: input.clone(),
            actor: actor.into(),
            why: why.into(),
            now,
        })
        .await?;
    Ok(id)
}

/// Edits an intent (made in Baton or imported): the fields that change become the person's, kept
/// over what a sync says from then on.
pub async fn edit(
    ws: &Workspace,
    id: &str,
    input: &IntentInput,
    actor: &str,
    why: &str,
    now: i64,
) -> CoreResult<()> {
    ws.write(Save {
        id: Some(id.to_owned()),
        input: input.clone(),
        actor: actor.into(),
        why: why.into(),
        now,
    })
    .await?;
    Ok(())
}

struct Archive<'a> {
    id: &'a str,
    archived: bool,
    actor: &'a str,
    why: &'a str,
    now: i64,
}

impl WriteOp for Archive<'_> {
    type Output = ();
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<()> {
        let actor = actor_of(self.actor)?;
        let Some(mut intent) = repo::intents::get(&mut *w.conn(), self.id).await? else {
            return Err(CoreError::NotFound(format!("intent {}", self.id)));
        };
        if intent.archived_at.is_some() == self.archived {
            return Ok(());
        }
        intent.archived_at = self.archived.then_some(self.now);
        repo::intents::upsert(&mut *w.conn(), &intent).await?;
        repo::intents::insert_edit(
            &mut *w.conn(),
            &EditRow {
                id: new_id("edit", self.now),
                intent_id: intent.id.clone(),
                action: if self.archived {
                    "archived"
                } else {
                    "restored"
                }
                .into(),
                fields: serde_json::json!({ "archived_at": intent.archived_at }).to_string(),
                actor,
                why: bounded(self.why, MAX_TEXT, "the reason")?,
                created_at: self.now,
            },
        )
        .await?;
        w.changed(ChangeKind::Intents);
        Ok(())
    }
}

/// Archives an intent (or restores it): it leaves the tree, its links stay.
pub async fn archive(
    ws: &Workspace,
    id: &str,
    archived: bool,
    actor: &str,
    why: &str,
    now: i64,
) -> CoreResult<()> {
    ws.write(Archive {
        id,
        archived,
        actor,
        why,
        now,
    })
    .await?;
    Ok(())
}

struct Reorder<'a> {
    ids: &'a [String],
    actor: &'a str,
    now: i64,
}

impl WriteOp for Reorder<'_> {
    type Output = ();
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<()> {
        let actor = actor_of(self.actor)?;
        let mut parent: Option<Option<String>> = None;
        for (at, id) in self.ids.iter().enumerate() {
            let Some(mut intent) = repo::intents::get(&mut *w.conn(), id).await? else {
                return Err(CoreError::NotFound(format!("intent {id}")));
            };
            match &parent {
                None => parent = Some(intent.parent_id.clone()),
                Some(p) if *p != intent.parent_id => {
                    return Err(CoreError::Invalid(
                        "only intents under the same parent can be put in order".into(),
                    ))
                }
                Some(_) => {}
            }
            if intent.position == at as i64 {
                continue;
            }
            intent.position = at as i64;
            repo::intents::upsert(&mut *w.conn(), &intent).await?;
            repo::intents::insert_edit(
                &mut *w.conn(),
                &EditRow {
                    id: new_id("edit", self.now),
                    intent_id: intent.id.clone(),
                    action: "reordered".into(),
                    fields: serde_json::json!({ "position": at }).to_string(),
                    actor: actor.clone(),
                    why: String::new(),
                    created_at: self.now,
                },
            )
            .await?;
            w.changed(ChangeKind::Intents);
        }
        Ok(())
    }
}

/// Puts sibling intents in this order (the first is first).
pub async fn reorder(ws: &Workspace, ids: &[String], actor: &str, now: i64) -> CoreResult<()> {
    ws.write(Reorder { ids, actor, now }).await?;
    Ok(())
}

/// A rule to link work to an intent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RuleInput {
    pub intent_id: String,
    pub field: IntentRuleField,
    /// Case-insensitive; `*` stands for any run of characters. For `path`: a `CODEOWNERS`
    /// pattern over the files a change touches (`services/checkout/`, `/db/migrations/`,
    /// `*.proto`; case-sensitive), see [`rules`].
    pub pattern: String,
}

/// One item a rule would link (or links).
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RuleMatch {
    pub item_id: String,
    pub key: String,
    /// The intent it serves now (its title), if any.
    pub intent_now: Option<String>,
    /// It stays where it is: a person linked it by hand, or an earlier rule takes it.
    pub kept: bool,
}

/// What a rule would link, before it is added.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RulePreview {
    /// Items whose facets (for a path rule: files) match the pattern.
    pub matched: u32,
    /// Of those, items the rule would link (no hand link, no earlier rule takes them).
    pub linked: u32,
    /// Of the linked, items that serve another intent now (by source or a later rule).
    pub moved: u32,
    /// Of the linked, items that serve no intent now.
    pub newly_aligned: u32,
    /// Matched items a person linked by hand, or an earlier rule takes: they stay.
    pub kept: u32,
    /// The first matched items, by key.
    pub examples: Vec<RuleMatch>,
}

const PREVIEW_EXAMPLES: usize = 25;

fn check_rule(input: &RuleInput) -> CoreResult<String> {
    let pattern = bounded(&input.pattern, MAX_TITLE, "the pattern")?;
    if pattern.is_empty() || pattern.chars().all(|c| c == '*') {
        return Err(CoreError::Invalid(
            "a rule needs a pattern that is not only `*`".into(),
        ));
    }
    if input.field == IntentRuleField::Path && pattern.chars().all(|c| matches!(c, '*' | '/' | '?'))
    {
        return Err(CoreError::Invalid(
            "a path rule needs a folder or a file name (services/checkout/, *.proto), not every file"
                .into(),
        ));
    }
    Ok(pattern)
}

/// What `input` would link if it were added (after the existing rules), nothing written.
pub async fn preview_rule(ws: &Workspace, input: &RuleInput) -> CoreResult<RulePreview> {
    let pattern = check_rule(input)?;
    let mut conn = ws.pool().acquire().await?;
    if repo::intents::get(&mut *conn, &input.intent_id)
        .await?
        .is_none()
    {
        return Err(CoreError::NotFound(format!("intent {}", input.intent_id)));
    }
    let candidate = IntentRuleRow {
        id: String::new(),
        intent_id: input.intent_id.clone(),
        field: input.field,
        pattern,
        position: i64::MAX,
        actor: String::new(),
        why: String::new(),
        created_at: 0,
    };
    let alone = rules::matches(&mut conn, std::slice::from_ref(&candidate), None).await?;
    let existing = repo::intents::rules(&mut *conn).await?;
    let with_existing = rules::matches(&mut conn, &existing, None).await?;
    let taken: std::collections::HashSet<&str> =
        with_existing.iter().map(|(i, _, _)| i.as_str()).collect();
    let item_ids: Vec<String> = alone.iter().map(|(i, _, _)| i.clone()).collect();
    let links = repo::intents::links(&mut conn, Some(&item_ids)).await?;
    let hand: std::collections::HashSet<&str> = links
        .iter()
        .filter(|l| l.how == "hand")
        .map(|l| l.item_id.as_str())
        .collect();
    type Now = (String, Option<String>, Option<String>);
    let now_of: std::collections::HashMap<String, Now> = {
        let json = serde_json::to_string(&item_ids).unwrap_or_else(|_| "[]".into());
        let rows: Vec<(String, String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT i.id, i.key, n.title, i.intent_id FROM items i
             LEFT JOIN intents n ON n.id = i.intent_id
             WHERE i.id IN (SELECT value FROM json_each(?1))",
        )
        .bind(json)
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter()
            .map(|(i, k, t, n)| (i, (k, t, n)))
            .collect()
    };
    let mut preview = RulePreview {
        matched: alone.len() as u32,
        linked: 0,
        moved: 0,
        newly_aligned: 0,
        kept: 0,
        examples: Vec::new(),
    };
    let mut examples = Vec::new();
    for (item, _, _) in &alone {
        let kept = hand.contains(item.as_str()) || taken.contains(item.as_str());
        let (key, intent_now, intent_id) = now_of.get(item).cloned().unwrap_or_default();
        if kept {
            preview.kept += 1;
        } else {
            preview.linked += 1;
            match &intent_id {
                None => preview.newly_aligned += 1,
                Some(id) if *id != input.intent_id => preview.moved += 1,
                Some(_) => {}
            }
        }
        examples.push(RuleMatch {
            item_id: item.clone(),
            key,
            intent_now,
            kept,
        });
    }
    examples.sort_by(|a, b| a.key.cmp(&b.key));
    examples.truncate(PREVIEW_EXAMPLES);
    preview.examples = examples;
    Ok(preview)
}

struct AddRule<'a> {
    input: &'a RuleInput,
    actor: &'a str,
    why: &'a str,
    now: i64,
}

impl WriteOp for AddRule<'_> {
    type Output = String;
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<String> {
        let actor = actor_of(self.actor)?;
        let pattern = check_rule(self.input)?;
        if repo::intents::get(&mut *w.conn(), &self.input.intent_id)
            .await?
            .is_none()
        {
            return Err(CoreError::NotFound(format!(
                "intent {}",
                self.input.intent_id
            )));
        }
        let position: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(position), -1) + 1 FROM intent_rules")
                .fetch_one(&mut *w.conn())
                .await?;
        let rule = IntentRuleRow {
            id: new_id("rule", self.now),
            intent_id: self.input.intent_id.clone(),
            field: self.input.field,
            pattern,
            position,
            actor: actor.clone(),
            why: bounded(self.why, MAX_TEXT, "the reason")?,
            created_at: self.now,
        };
        repo::intents::insert_rule(&mut *w.conn(), &rule).await?;
        record_rule_edit(w, &rule, "rule_added", &actor, self.now).await?;
        let changed = rules::apply(w.conn(), None, self.now).await?;
        w.items_changed(changed);
        w.changed(ChangeKind::Intents);
        Ok(rule.id)
    }
}

async fn record_rule_edit(
    w: &mut Writer<'_>,
    rule: &IntentRuleRow,
    action: &str,
    actor: &str,
    now: i64,
) -> CoreResult<()> {
    repo::intents::insert_edit(
        &mut *w.conn(),
        &EditRow {
            id: new_id("edit", now),
            intent_id: rule.intent_id.clone(),
            action: action.into(),
            fields: serde_json::json!({ "rule": { "id": rule.id, "field": rule.field.as_str(), "pattern": rule.pattern } })
                .to_string(),
            actor: actor.into(),
            why: rule.why.clone(),
            created_at: now,
        },
    )
    .await?;
    Ok(())
}

/// Adds a rule (after the existing ones) and links every item it matches; returns its id.
pub async fn add_rule(
    ws: &Workspace,
    input: &RuleInput,
    actor: &str,
    why: &str,
    now: i64,
) -> CoreResult<String> {
    let (id, _) = ws
        .write(AddRule {
            input,
            actor,
            why,
            now,
        })
        .await?;
    Ok(id)
}

struct RemoveRule<'a> {
    id: &'a str,
    actor: &'a str,
    now: i64,
}

impl WriteOp for RemoveRule<'_> {
    type Output = ();
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<()> {
        let actor = actor_of(self.actor)?;
        let rules = repo::intents::rules(&mut *w.conn()).await?;
        let Some(rule) = rules.into_iter().find(|r| r.id == self.id) else {
            return Err(CoreError::NotFound(format!("rule {}", self.id)));
        };
        repo::intents::delete_rule(&mut *w.conn(), &rule.id).await?;
        record_rule_edit(w, &rule, "rule_removed", &actor, self.now).await?;
        let changed = rules::apply(w.conn(), None, self.now).await?;
        w.items_changed(changed);
        w.changed(ChangeKind::Intents);
        Ok(())
    }
}

/// Removes a rule: the items it linked fall back to their source link, if any.
pub async fn remove_rule(ws: &Workspace, id: &str, actor: &str, now: i64) -> CoreResult<()> {
    ws.write(RemoveRule { id, actor, now }).await?;
    Ok(())
}

/// One rule as the page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RuleView {
    pub id: String,
    pub intent_id: String,
    pub field: IntentRuleField,
    pub pattern: String,
    pub actor: String,
    pub why: String,
    pub at: String,
    /// Items it links now.
    pub linked: u32,
}

/// Every rule, in the order they are tried.
pub async fn rules_list(ws: &Workspace) -> CoreResult<Vec<RuleView>> {
    let mut conn = ws.pool().acquire().await?;
    let rows = repo::intents::rules(&mut *conn).await?;
    let links = repo::intents::rule_links(&mut conn).await?;
    Ok(rows
        .into_iter()
        .map(|r| RuleView {
            linked: links.values().filter(|(rule, _)| *rule == r.id).count() as u32,
            id: r.id,
            intent_id: r.intent_id,
            field: r.field,
            pattern: r.pattern,
            actor: r.actor,
            why: r.why,
            at: crate::time::to_rfc3339(r.created_at),
        })
        .collect())
}

/// Where a person links items: to an intent, or deliberately to none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LinkTarget {
    Intent {
        id: String,
    },
    /// Serves no intent on purpose: `reason` says what it is (maintenance, support, ...).
    Unaligned {
        reason: String,
    },
}

/// Links items by hand: one decision per item (who, when, why), which wins over rules and the
/// source and is never overwritten by a sync. Returns the decisions' ids.
pub async fn link(
    ws: &Workspace,
    item_ids: &[String],
    target: &LinkTarget,
    actor: &str,
    why: &str,
    now: i64,
) -> CoreResult<Vec<String>> {
    if item_ids.is_empty() {
        return Err(CoreError::Invalid("choose the items to link".into()));
    }
    let input = match target {
        LinkTarget::Intent { id } => DecisionInput::IntentLinked { intent: id.clone() },
        LinkTarget::Unaligned { reason } => DecisionInput::IntentUnaligned {
            reason: reason.clone(),
        },
    };
    let mut out = Vec::with_capacity(item_ids.len());
    for item in item_ids {
        let seen: Option<(i64, i64)> = sqlx::query_as(
            "SELECT updated_at, (SELECT COUNT(*) FROM transitions t WHERE t.item_id = items.id)
             FROM items WHERE id = ?1",
        )
        .bind(item)
        .fetch_optional(ws.pool())
        .await?;
        out.push(
            decisions::record(
                ws,
                NewDecision {
                    item_id: item.clone(),
                    input: input.clone(),
                    actor: actor.to_owned(),
                    why: why.to_owned(),
                    reasons: Vec::new(),
                    seen_updated_at: seen.map(|s| s.0),
                    seen_changes: seen.map(|s| s.1),
                    now,
                },
            )
            .await?,
        );
    }
    Ok(out)
}
