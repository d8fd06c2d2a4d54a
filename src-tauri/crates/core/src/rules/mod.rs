//! The rules a lead edits: which team an item belongs to (repository, project, component or
//! label → team) and who or what made it (bot logins, `Co-authored-by` trailers, labels → AI
//! agent or automation, with a confidence). Listing and editing them here serves the app and
//! the CLI alike; [`eval`] applies them while mapping a source's records.

pub mod eval;
pub mod requester;

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{CoreError, CoreResult};
use crate::graph::model::Provenance;
use crate::graph::repo::{self, provenance_rules::ProvenanceRule, team_rules::TeamRule};
use crate::graph::{ChangeKind, Workspace, WriteOp, Writer};

/// What a team rule matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum TeamRuleField {
    /// A GitHub repository (`owner/name`).
    Repo,
    /// A Jira project key.
    Project,
    /// A Jira component.
    Component,
    /// A label on the item.
    Label,
}

impl TeamRuleField {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            TeamRuleField::Repo => "repo",
            TeamRuleField::Project => "project",
            TeamRuleField::Component => "component",
            TeamRuleField::Label => "label",
        }
    }

    /// From the stored text.
    pub fn parse(text: &str) -> Option<TeamRuleField> {
        Some(match text {
            "repo" => TeamRuleField::Repo,
            "project" => TeamRuleField::Project,
            "component" => TeamRuleField::Component,
            "label" => TeamRuleField::Label,
            _ => return None,
        })
    }
}

/// What a provenance rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ProvenanceSignal {
    /// The login of the account that made the item (`copilot-swe-agent[bot]`).
    BotLogin,
    /// A `Co-authored-by:` trailer in the description or commits.
    CoAuthor,
    /// A label on the item.
    Label,
    /// A pattern in the description: the footer or session link an agent writes
    /// (`*generated with*claude code*`, `*app.devin.ai/sessions/*`).
    BodyMarker,
}

impl ProvenanceSignal {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            ProvenanceSignal::BotLogin => "bot_login",
            ProvenanceSignal::CoAuthor => "co_author",
            ProvenanceSignal::Label => "label",
            ProvenanceSignal::BodyMarker => "body_marker",
        }
    }

    /// From the stored text.
    pub fn parse(text: &str) -> Option<ProvenanceSignal> {
        Some(match text {
            "bot_login" => ProvenanceSignal::BotLogin,
            "co_author" => ProvenanceSignal::CoAuthor,
            "label" => ProvenanceSignal::Label,
            "body_marker" => ProvenanceSignal::BodyMarker,
            _ => return None,
        })
    }
}

/// A team rule as the app shows and edits it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamRuleView {
    /// Empty when saving a new rule.
    pub id: String,
    /// None: every source.
    pub source_id: Option<String>,
    pub field: TeamRuleField,
    /// Case-insensitive; `*` matches anything (`acme/pay*`).
    pub pattern: String,
    pub team_id: String,
    /// Lower runs first.
    pub priority: i32,
}

/// A provenance rule as the app shows and edits it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProvenanceRuleView {
    /// Empty when saving a new rule.
    pub id: String,
    pub signal: ProvenanceSignal,
    pub pattern: String,
    pub provenance: Provenance,
    pub agent: Option<String>,
    /// 0..1.
    pub confidence: f64,
    /// Shipped with Baton (editable all the same).
    pub builtin: bool,
}

/// Both rule lists.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RulesView {
    pub team: Vec<TeamRuleView>,
    pub provenance: Vec<ProvenanceRuleView>,
}

/// Every rule, in the order they are tried. Rows with a field or signal this build does not
/// know (written by a newer Baton) are left out rather than shown wrongly.
pub async fn rules_list(ws: &Workspace) -> CoreResult<RulesView> {
    let team = repo::team_rules::list(ws.pool()).await?;
    let provenance = repo::provenance_rules::list(ws.pool()).await?;
    Ok(RulesView {
        team: team
            .into_iter()
            .filter_map(|r| {
                Some(TeamRuleView {
                    field: TeamRuleField::parse(&r.field)?,
                    id: r.id,
                    source_id: r.source_id,
                    pattern: r.pattern,
                    team_id: r.team_id,
                    priority: i32::try_from(r.priority).unwrap_or(i32::MAX),
                })
            })
            .collect(),
        provenance: provenance
            .into_iter()
            .filter_map(|r| {
                Some(ProvenanceRuleView {
                    signal: ProvenanceSignal::parse(&r.signal)?,
                    id: r.id,
                    pattern: r.pattern,
                    provenance: r.provenance,
                    agent: r.agent,
                    confidence: r.confidence,
                    builtin: r.builtin,
                })
            })
            .collect(),
    })
}

fn new_rule_id(prefix: &str, given: &str) -> String {
    if given.is_empty() {
        crate::ingest::new_id(prefix, crate::time::now_ms())
    } else {
        given.to_owned()
    }
}

/// Adds or changes a team rule; returns its id. The team must exist.
pub async fn team_rule_save(ws: &Workspace, rule: &TeamRuleView) -> CoreResult<String> {
    let pattern = rule.pattern.trim();
    if pattern.is_empty() {
        return Err(CoreError::Invalid("a team rule needs a pattern".into()));
    }
    let row = TeamRule {
        id: new_rule_id("team-rule", &rule.id),
        source_id: rule.source_id.clone().filter(|s| !s.is_empty()),
        field: rule.field.as_str().to_owned(),
        pattern: pattern.to_owned(),
        team_id: rule.team_id.clone(),
        priority: i64::from(rule.priority),
    };
    let (id, _) = ws.write(SaveTeamRule(row)).await?;
    Ok(id)
}

struct SaveTeamRule(TeamRule);

impl WriteOp for SaveTeamRule {
    type Output = String;
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<String> {
        let row = self.0;
        if !repo::teams::list(w.conn())
            .await?
            .iter()
            .any(|t| t.id == row.team_id)
        {
            return Err(CoreError::Invalid(format!(
                "there is no team {}; create it first",
                row.team_id
            )));
        }
        if let Some(source) = &row.source_id {
            if repo::sources::get(w.conn(), source).await?.is_none() {
                return Err(CoreError::Invalid(format!("there is no source {source}")));
            }
        }
        repo::team_rules::upsert(w.conn(), &row).await?;
        w.changed(ChangeKind::Rules);
        Ok(row.id)
    }
}

/// Deletes a team rule.
pub async fn team_rule_delete(ws: &Workspace, id: &str) -> CoreResult<()> {
    ws.write(DeleteRule {
        id,
        provenance: false,
    })
    .await?;
    Ok(())
}

/// Adds or changes a provenance rule; returns its id.
pub async fn provenance_rule_save(ws: &Workspace, rule: &ProvenanceRuleView) -> CoreResult<String> {
    let pattern = rule.pattern.trim();
    if pattern.is_empty() || !(0.0..=1.0).contains(&rule.confidence) {
        return Err(CoreError::Invalid(
            "a provenance rule needs a pattern and a confidence between 0 and 1".into(),
        ));
    }
    if rule.provenance == Provenance::Human {
        return Err(CoreError::Invalid(
            "a provenance rule marks work as made by an AI agent or an automation".into(),
        ));
    }
    let row = ProvenanceRule {
        id: new_rule_id("provenance-rule", &rule.id),
        signal: rule.signal.as_str().to_owned(),
        pattern: pattern.to_owned(),
        provenance: rule.provenance,
        agent: rule
            .agent
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned),
        confidence: rule.confidence,
        builtin: rule.builtin,
    };
    let (id, _) = ws.write(SaveProvenanceRule(row)).await?;
    Ok(id)
}

struct SaveProvenanceRule(ProvenanceRule);

impl WriteOp for SaveProvenanceRule {
    type Output = String;
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<String> {
        repo::provenance_rules::upsert(w.conn(), &self.0).await?;
        w.changed(ChangeKind::Rules);
        Ok(self.0.id)
    }
}

/// Deletes a provenance rule.
pub async fn provenance_rule_delete(ws: &Workspace, id: &str) -> CoreResult<()> {
    ws.write(DeleteRule {
        id,
        provenance: true,
    })
    .await?;
    Ok(())
}

struct DeleteRule<'a> {
    id: &'a str,
    provenance: bool,
}

impl WriteOp for DeleteRule<'_> {
    type Output = ();
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<()> {
        let deleted = if self.provenance {
            repo::provenance_rules::delete(w.conn(), self.id).await?
        } else {
            repo::team_rules::delete(w.conn(), self.id).await?
        };
        if !deleted {
            return Err(CoreError::NotFound(format!("the rule {}", self.id)));
        }
        w.changed(ChangeKind::Rules);
        Ok(())
    }
}
