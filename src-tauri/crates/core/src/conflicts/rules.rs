//! People's conflict rules: which `CODEOWNERS` owner is which Baton team (`owner_rules`) and
//! which paths are sensitive, with the team whose review they need (`sensitive_paths`). They
//! are people's decisions: a sync never writes them, and every edit says who and when. The
//! conflicts are computed from them at each question, so an edit shows at once.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use specta::Type;

use super::codeowners::{is_owner, CodeOwners};
use super::live;
use super::OwnerRules;
use crate::error::{CoreError, CoreResult};
use crate::graph::repo;
use crate::graph::{ChangeKind, Workspace, WriteOp, Writer};
use crate::time::to_rfc3339;

/// The longest pattern, label or owner kept, in characters.
pub const MAX_TEXT: usize = 300;

/// A team as the rules name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RuleTeam {
    pub id: String,
    pub name: String,
}

/// An owner → team rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OwnerRuleView {
    /// As written in `CODEOWNERS` (`@acme/payments`, `@jdoe`, an e-mail).
    pub owner: String,
    pub team_id: String,
    pub team_name: String,
    pub updated_by: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// A sensitive path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SensitivePathRule {
    /// A `CODEOWNERS`-style pattern (`**/payments/`, `/db/migrations/`).
    pub pattern: String,
    /// What it is ("security", "payments", "migrations").
    pub label: String,
    /// The team whose review it needs; `None`: the team owning the path.
    pub reviewer_team_id: Option<String>,
}

/// An owner named in a repository's `CODEOWNERS`, and the team it maps to now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SeenOwner {
    pub owner: String,
    /// Repositories whose `CODEOWNERS` names it.
    pub repositories: u32,
    /// The team it maps to (by a rule, or by its `@org/<team>` name), `None`: no team.
    pub team_id: Option<String>,
    pub team_name: Option<String>,
    /// Mapped by a person's rule (not by its name).
    pub by_rule: bool,
}

/// Everything the rules editor shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConflictRulesView {
    pub owner_rules: Vec<OwnerRuleView>,
    /// The sensitive paths in force.
    pub sensitive: Vec<SensitivePathRule>,
    /// They are the defaults (nobody saved a set yet).
    pub sensitive_defaults: bool,
    /// Who last saved the sensitive paths and when (RFC 3339).
    pub sensitive_updated_by: Option<String>,
    pub sensitive_updated_at: Option<String>,
    /// Every owner the stored `CODEOWNERS` files name, by owner.
    pub seen_owners: Vec<SeenOwner>,
    /// The workspace's teams, by name.
    pub teams: Vec<RuleTeam>,
}

/// The rules in force, the owners seen and the teams.
pub async fn view(ws: &Workspace) -> CoreResult<ConflictRulesView> {
    let mut teams: Vec<RuleTeam> =
        sqlx::query_as::<_, (String, String)>("SELECT id, name FROM teams")
            .fetch_all(ws.pool())
            .await?
            .into_iter()
            .map(|(id, name)| RuleTeam { id, name })
            .collect();
    teams.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.id.cmp(&b.id))
    });
    let name_of = |id: &str| {
        teams
            .iter()
            .find(|t| t.id == id)
            .map_or(id.to_owned(), |t| t.name.clone())
    };
    let owner_rules: Vec<OwnerRuleView> = repo::item_paths::owner_rules_full(ws.pool())
        .await?
        .into_iter()
        .map(|(owner, team_id, updated_by, at)| OwnerRuleView {
            owner,
            team_name: name_of(&team_id),
            team_id,
            updated_by,
            updated_at: to_rfc3339(at),
        })
        .collect();
    let rules: OwnerRules = live::rules(ws).await?;
    let saved = repo::item_paths::sensitive_paths_saved(ws.pool()).await?;
    let stored = repo::item_paths::sensitive_paths(ws.pool()).await?;
    let sensitive_defaults = saved.is_none() && stored.is_empty();
    let pairs: Vec<(String, String)> = teams
        .iter()
        .map(|t| (t.id.clone(), t.name.clone()))
        .collect();
    let mut seen: BTreeMap<String, (String, BTreeSet<String>)> = BTreeMap::new();
    for f in repo::item_paths::owners(ws.pool()).await? {
        if f.location.is_none() {
            continue;
        }
        for rule in CodeOwners::parse(&f.body).rules {
            for owner in rule.owners {
                seen.entry(owner.to_lowercase())
                    .or_insert_with(|| (owner.clone(), BTreeSet::new()))
                    .1
                    .insert(format!("{}\u{0}{}", f.source_id, f.repository));
            }
        }
    }
    let seen_owners = seen
        .into_values()
        .map(|(owner, repos)| {
            let team_id = rules.team_of(&owner, &pairs);
            SeenOwner {
                by_rule: rules
                    .owners
                    .iter()
                    .any(|r| r.owner.eq_ignore_ascii_case(&owner)),
                team_name: team_id.as_deref().map(name_of),
                team_id,
                repositories: u32::try_from(repos.len()).unwrap_or(u32::MAX),
                owner,
            }
        })
        .collect();
    Ok(ConflictRulesView {
        owner_rules,
        sensitive: rules
            .sensitive
            .into_iter()
            .map(|s| SensitivePathRule {
                pattern: s.pattern,
                label: s.label,
                reviewer_team_id: s.reviewer,
            })
            .collect(),
        sensitive_defaults,
        sensitive_updated_by: saved.as_ref().map(|s| s.0.clone()),
        sensitive_updated_at: saved.map(|s| to_rfc3339(s.1)),
        seen_owners,
        teams,
    })
}

fn text(value: &str, what: &str) -> CoreResult<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(CoreError::Invalid(format!("{what} is empty")));
    }
    if value.chars().count() > MAX_TEXT {
        return Err(CoreError::Invalid(format!(
            "{what} is longer than {MAX_TEXT} characters"
        )));
    }
    if value.chars().any(char::is_control) {
        return Err(CoreError::Invalid(format!("{what} has control characters")));
    }
    Ok(value.to_owned())
}

async fn team_exists(w: &mut Writer<'_>, id: &str) -> CoreResult<()> {
    let found: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM teams WHERE id = ?1")
        .bind(id)
        .fetch_one(&mut *w.conn())
        .await?;
    if found == 0 {
        return Err(CoreError::NotFound(format!("team {id}")));
    }
    Ok(())
}

/// Maps `owner` to the team `team` (`None`: removes its rule, so its `@org/<team>` name
/// decides again).
pub async fn set_owner_rule(
    ws: &Workspace,
    owner: &str,
    team: Option<&str>,
    actor: &str,
    now: i64,
) -> CoreResult<()> {
    ws.write(SetOwner {
        owner,
        team,
        actor,
        now,
    })
    .await?;
    Ok(())
}

struct SetOwner<'a> {
    owner: &'a str,
    team: Option<&'a str>,
    actor: &'a str,
    now: i64,
}

impl WriteOp for SetOwner<'_> {
    type Output = ();
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<()> {
        let owner = text(self.owner, "the owner")?;
        if owner.contains(char::is_whitespace) || !is_owner(&owner) {
            return Err(CoreError::Invalid(format!(
                "\"{owner}\" is not a CODEOWNERS owner (@user, @org/team or an e-mail)"
            )));
        }
        let actor = text(self.actor, "the name of who edits")?;
        if let Some(team) = self.team {
            team_exists(w, team).await?;
        }
        repo::item_paths::set_owner_rule(&mut *w.conn(), &owner, self.team, &actor, self.now)
            .await?;
        w.changed(ChangeKind::ConflictRules);
        Ok(())
    }
}

/// Replaces the sensitive paths with `paths` (which may be empty: then no path is sensitive;
/// the defaults never come back by themselves).
pub async fn set_sensitive_paths(
    ws: &Workspace,
    paths: &[SensitivePathRule],
    actor: &str,
    now: i64,
) -> CoreResult<()> {
    ws.write(SetSensitive { paths, actor, now }).await?;
    Ok(())
}

struct SetSensitive<'a> {
    paths: &'a [SensitivePathRule],
    actor: &'a str,
    now: i64,
}

impl WriteOp for SetSensitive<'_> {
    type Output = ();
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<()> {
        let actor = text(self.actor, "the name of who edits")?;
        let mut rows: Vec<(String, String, Option<String>)> = Vec::new();
        for p in self.paths {
            let pattern = text(&p.pattern, "a sensitive path's pattern")?;
            if pattern.contains(char::is_whitespace)
                || pattern.starts_with('!')
                || pattern.contains(['[', ']'])
            {
                return Err(CoreError::Invalid(format!(
                    "\"{pattern}\": a pattern has no spaces, no ! and no [ ] (as in CODEOWNERS)"
                )));
            }
            if rows.iter().any(|r| r.0 == pattern) {
                return Err(CoreError::Invalid(format!("\"{pattern}\" is listed twice")));
            }
            let label = text(&p.label, &format!("the label of \"{pattern}\""))?;
            if let Some(team) = p.reviewer_team_id.as_deref() {
                team_exists(w, team).await?;
            }
            rows.push((pattern, label, p.reviewer_team_id.clone()));
        }
        repo::item_paths::set_sensitive_paths(w.conn(), &rows, &actor, self.now).await?;
        w.changed(ChangeKind::ConflictRules);
        Ok(())
    }
}
