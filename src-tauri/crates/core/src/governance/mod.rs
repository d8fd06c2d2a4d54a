//! Governance: policies that check themselves across every source.
//!
//! A policy is typed data in the workspace ([`policy`]), with a scope, a severity and one rule;
//! time-based rules count working hours in each team's time zone ([`hours`]). [`eval`] runs the
//! enabled policies on the in-memory index: the violations now (each names the item, the policy,
//! the accountable person, since when and what would resolve it) and past compliance over a date
//! range. Definitions: `docs/metrics.md` ("Governance").

pub mod current;
pub mod eval;
pub mod hours;
pub mod policy;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::Serialize;
use specta::Type;

use crate::decisions::Overlay;
use crate::error::{CoreError, CoreResult};
use crate::flow::mapping::Mapping;
use crate::graph::index::{WorkIndex, NONE};
use crate::graph::repo::{self, policies::PolicyRow};
use crate::graph::write::{ChangeKind, WriteOp, Writer};
use crate::graph::Workspace;
use crate::provenance::{self, Signals};
use crate::time::{to_rfc3339, DAY_MS};

use self::current::CurrentViolations;
use self::eval::{Breach, Context};
pub use self::hours::Calendar;
pub use self::policy::{FileFormat, Policy, PolicySet, Rule, Scope, Severity};

/// At most this many violations are listed (the counts cover all of them).
pub const MAX_LISTED: usize = 500;
/// The weekly trend covers this many weeks up to now.
pub const TREND_WEEKS: i64 = 12;

/// The workspace's policy set: what was saved, or the defaults while nothing was.
pub async fn load(ws: &Workspace) -> CoreResult<PolicySet> {
    let rows = repo::policies::list(ws.pool()).await?;
    let calendars = repo::policies::calendars(ws.pool()).await?;
    from_rows(&rows, &calendars, ws.path())
}

fn from_rows(
    rows: &[PolicyRow],
    calendars: &[(String, String)],
    file: &std::path::Path,
) -> CoreResult<PolicySet> {
    let mut set = policy::defaults();
    let damaged = |what: &str, e: serde_json::Error| {
        CoreError::Invalid(format!(
            "The stored {what} in {} cannot be read: {e}",
            file.display()
        ))
    };
    if !rows.is_empty() {
        set.policies = rows
            .iter()
            .map(|r| {
                let mut p: Policy = serde_json::from_str(&r.body)
                    .map_err(|e| damaged(&format!("policy \"{}\"", r.name), e))?;
                p.version = u32::try_from(r.version).unwrap_or(u32::MAX);
                Ok(p)
            })
            .collect::<CoreResult<_>>()?;
    }
    for (team, body) in calendars {
        let cal: Calendar = serde_json::from_str(body)
            .map_err(|e| damaged(&format!("calendar of \"{team}\""), e))?;
        if team.is_empty() {
            set.calendar = cal;
        } else {
            set.calendars.insert(team.clone(), cal);
        }
    }
    Ok(set)
}

/// Saves a whole policy set (the editor's save and `baton policy import`): checked first; a
/// policy whose content changed gets the next version, an unchanged one keeps its own.
pub struct SavePolicySet {
    pub set: PolicySet,
    pub now: i64,
}

impl WriteOp for SavePolicySet {
    type Output = PolicySet;
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<PolicySet> {
        self.set.check()?;
        let before: BTreeMap<String, PolicyRow> = repo::policies::list(&mut *w.conn())
            .await?
            .into_iter()
            .map(|r| (r.name.clone(), r))
            .collect();
        let mut saved = self.set.clone();
        let mut rows = Vec::with_capacity(saved.policies.len());
        for (at, p) in saved.policies.iter_mut().enumerate() {
            p.version = 0;
            let body = serde_json::to_string(&*p)
                .map_err(|e| CoreError::Invalid(format!("policy \"{}\": {e}", p.name)))?;
            let version = match before.get(&p.name) {
                Some(old) if old.body == body => old.version,
                Some(old) => old.version + 1,
                None => 1,
            };
            p.version = u32::try_from(version).unwrap_or(u32::MAX);
            rows.push(PolicyRow {
                name: p.name.clone(),
                position: at as i64,
                version,
                body,
                updated_at: self.now,
            });
        }
        let mut calendars = vec![(
            String::new(),
            serde_json::to_string(&saved.calendar)
                .map_err(|e| CoreError::Invalid(format!("calendar: {e}")))?,
        )];
        for (team, cal) in &saved.calendars {
            calendars.push((
                team.clone(),
                serde_json::to_string(cal)
                    .map_err(|e| CoreError::Invalid(format!("calendar of {team}: {e}")))?,
            ));
        }
        repo::policies::replace(w.conn(), &rows, &calendars, self.now).await?;
        w.changed(ChangeKind::Policies);
        saved.format = policy::FORMAT;
        Ok(saved)
    }
}

/// Saves a policy set; returns it as stored (with versions).
pub async fn save(ws: &Workspace, set: PolicySet, now: i64) -> CoreResult<PolicySet> {
    Ok(ws.write(SavePolicySet { set, now }).await?.0)
}

/// One violation now.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Violation {
    pub policy: String,
    pub policy_title: String,
    pub severity: Severity,
    pub item_id: String,
    pub item_key: String,
    /// The item's team name (None: no team).
    pub team: Option<String>,
    /// Who answers for it (`provenance::accountable`); None when nobody does.
    pub accountable: Option<String>,
    /// Since when the policy has not held (RFC 3339).
    pub since: String,
    pub age_days: f64,
    /// What would resolve it.
    pub resolve: String,
}

/// Violations of one policy.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PolicyCount {
    pub policy: String,
    pub title: String,
    pub severity: Severity,
    pub enabled: bool,
    pub violations: u32,
}

/// Violations of one team's items.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamCount {
    /// The team's name ("No team" for items without one).
    pub team: String,
    pub violations: u32,
}

/// New violations in one week, per policy.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ViolationWeek {
    /// The week's Monday (YYYY-MM-DD, UTC).
    pub week: String,
    /// Per policy (the same order as `byPolicy`), breaches that began that week.
    pub counts: Vec<u32>,
}

/// What the Governance page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct GovernanceReport {
    pub as_of: String,
    /// Violations now, and how many are of a blocking policy.
    pub total: u32,
    pub blocking: u32,
    pub by_policy: Vec<PolicyCount>,
    pub by_team: Vec<TeamCount>,
    pub weekly: Vec<ViolationWeek>,
    /// The violations, blocking first, then oldest first (at most [`MAX_LISTED`]).
    pub violations: Vec<Violation>,
}

fn resolve_text(ix: &WorkIndex, set: &PolicySet, b: &Breach, signals: &Signals<'_>) -> String {
    let p = &set.policies[b.policy as usize];
    let i = b.item as usize;
    match &p.rule {
        Rule::ReviewSla { hours } => format!(
            "A first review by someone other than the author (due within {hours} working hours)"
        ),
        Rule::IndependentReview => {
            let asker = provenance::requester(ix, signals, i)
                .map(|r| provenance::person_name(ix, r.person))
                .filter(|n| !n.is_empty());
            match asker {
                Some(name) => format!(
                    "An approval by a person other than the agent and {name}, who asked for it"
                ),
                None => "An approval by a person other than the agent and who asked for it".into(),
            }
        }
        Rule::WipLimit { limit, state } => {
            let team = ix
                .teams
                .get(ix.items[i].team as usize)
                .map_or("the team", |t| t.name.as_str());
            let what = state
                .as_deref()
                .map_or("in progress".to_owned(), |s| format!("in \"{s}\""));
            format!(
                "Finish or stop {} of {team}'s {} items {what} (limit {limit})",
                b.figure.saturating_sub(*limit),
                b.figure
            )
        }
        Rule::MaxWait { reason, hours } => format!(
            "Move it on from waiting for {} (at most {hours} working hours)",
            match reason {
                crate::graph::model::WaitReason::Dependency => "another team",
                other => other.as_str(),
            }
        ),
        Rule::SecurityReview => {
            "A security review: take it back through a security review state before done".into()
        }
        Rule::LinkedWorkItem => "Link it to the work item it implements".into(),
        Rule::DoneWhileBlocking => {
            let blocked = ix.item_keys.get(b.figure as usize).unwrap_or("");
            format!("Finish or hand over {blocked}, which it still blocks, or remove the link")
        }
    }
}

/// The Monday (UTC) of the week of `at`, in ms.
fn week_of(at: i64) -> i64 {
    let day = at.div_euclid(DAY_MS);
    // 1970-01-01 was a Thursday: Monday is 3 days before.
    let monday = day - (day + 3).rem_euclid(7);
    monday * DAY_MS
}

/// The breaches of the enabled policies now, evaluated on the index.
pub fn breaches(
    ix: &WorkIndex,
    mapping: &Mapping,
    set: &PolicySet,
    now: i64,
) -> CoreResult<Vec<Breach>> {
    let cx = Context::new(ix, mapping, set)?;
    Ok(eval::breaches(&cx, now))
}

/// The Governance page's report, every policy evaluated on every item.
pub fn report(
    ix: &WorkIndex,
    mapping: &Mapping,
    set: &PolicySet,
    overlay: Option<&Overlay>,
    now: i64,
) -> CoreResult<GovernanceReport> {
    let current = CurrentViolations::evaluate(ix, mapping, set, 0, now)?;
    Ok(report_of(ix, set, &current, overlay))
}

/// The Governance page's report from violations already evaluated (as of their `now`): counts,
/// trend and the listed violations with who answers for them. Equal violations, equal reports.
pub fn report_of(
    ix: &WorkIndex,
    set: &PolicySet,
    found: &CurrentViolations,
    overlay: Option<&Overlay>,
) -> GovernanceReport {
    let now = found.now;
    let mut current: Vec<&Breach> = found.breaches().filter(|b| b.current).collect();
    let mut by_policy: Vec<PolicyCount> = set
        .policies
        .iter()
        .map(|p| PolicyCount {
            policy: p.name.clone(),
            title: p.title.clone(),
            severity: p.severity,
            enabled: p.enabled,
            violations: 0,
        })
        .collect();
    let mut by_team: Vec<u32> = vec![0; ix.teams.len()];
    let mut no_team = 0;
    let mut blocking = 0;
    for b in &current {
        by_policy[b.policy as usize].violations += 1;
        match by_team.get_mut(ix.items[b.item as usize].team as usize) {
            Some(n) => *n += 1,
            None => no_team += 1,
        }
        if set.policies[b.policy as usize].severity == Severity::Blocking {
            blocking += 1;
        }
    }
    let mut named: BTreeMap<String, u32> = BTreeMap::new();
    for (t, n) in by_team.iter().enumerate() {
        if *n > 0 {
            *named.entry(ix.teams[t].name.clone()).or_default() += n;
        }
    }
    if no_team > 0 {
        *named.entry("No team".to_owned()).or_default() += no_team;
    }
    let mut by_team: Vec<TeamCount> = named
        .into_iter()
        .map(|(team, violations)| TeamCount { team, violations })
        .collect();
    by_team.sort_by(|a, b| b.violations.cmp(&a.violations).then(a.team.cmp(&b.team)));
    let this_week = week_of(now);
    let first_week = this_week - (TREND_WEEKS - 1) * 7 * DAY_MS;
    let mut weekly: Vec<ViolationWeek> = (0..TREND_WEEKS)
        .map(|w| ViolationWeek {
            week: to_rfc3339(first_week + w * 7 * DAY_MS)
                .chars()
                .take(10)
                .collect(),
            counts: vec![0; set.policies.len()],
        })
        .collect();
    for b in found.breaches() {
        let week = week_of(b.since);
        if (first_week..=this_week).contains(&week) {
            let at = ((week - first_week) / (7 * DAY_MS)) as usize;
            weekly[at].counts[b.policy as usize] += 1;
        }
    }
    // Blocking first, then oldest first; the item and the policy settle ties, so the order
    // does not depend on how the breaches were found.
    current.sort_by_key(|b| {
        (
            std::cmp::Reverse(set.policies[b.policy as usize].severity),
            b.since,
            b.item,
            b.policy,
        )
    });
    current.truncate(MAX_LISTED);
    let mut wanted = vec![false; ix.items.len()];
    for b in &current {
        wanted[b.item as usize] = true;
    }
    let signals = Signals::gather_for(ix, Some(&wanted));
    let violations = current
        .iter()
        .map(|b| violation(ix, set, b, &signals, overlay, now))
        .collect();
    GovernanceReport {
        as_of: to_rfc3339(now),
        total: found.breaches().filter(|b| b.current).count() as u32,
        blocking,
        by_policy,
        by_team,
        weekly,
        violations,
    }
}

fn violation(
    ix: &WorkIndex,
    set: &PolicySet,
    b: &Breach,
    signals: &Signals<'_>,
    overlay: Option<&Overlay>,
    now: i64,
) -> Violation {
    let p = &set.policies[b.policy as usize];
    let i = b.item as usize;
    let item = &ix.items[i];
    let id = ix.item_ids[i].to_string();
    let asker = provenance::requester(ix, signals, i);
    let decided = overlay.and_then(|o| o.item(&id));
    Violation {
        policy: p.name.clone(),
        policy_title: p.title.clone(),
        severity: p.severity,
        item_key: ix.item_keys[i].to_string(),
        item_id: id,
        team: (item.team != NONE)
            .then(|| ix.teams.get(item.team as usize).map(|t| t.name.clone()))
            .flatten(),
        accountable: provenance::accountable(ix, i, asker, decided).map(|(name, _)| name),
        since: to_rfc3339(b.since),
        age_days: ((now - b.since).max(0) as f64 / DAY_MS as f64 * 10.0).round() / 10.0,
        resolve: resolve_text(ix, set, b, signals),
    }
}

/// The Governance page's report for an open workspace: the violations the workspace keeps,
/// followed item by item since the last question ([`current::followed`]).
pub async fn governance_report(ws: &Workspace, now: i64) -> CoreResult<GovernanceReport> {
    let ix = ws.index().await?;
    let rows = repo::workflow_maps::list(ws.pool()).await?;
    let mapping = Mapping::build(&ix, &rows);
    let set = load(ws).await?;
    let (found, _) = current::followed(ws, &ix, &mapping, &rows, &set, now).await?;
    let overlay = crate::decisions::overlay(ws).await?;
    Ok(report_of(&ix, &set, &found, Some(&overlay)))
}

/// What `baton policy check` found.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    /// A blocking policy is violated: the gate fails.
    pub failed: bool,
    pub report: GovernanceReport,
}

/// Checks a workspace against its policies, or only the one named `only`.
pub async fn check(ws: &Workspace, only: Option<&str>, now: i64) -> CoreResult<CheckResult> {
    let mut set = load(ws).await?;
    if let Some(name) = only {
        if !set.policies.iter().any(|p| p.name == name) {
            let names: Vec<_> = set.policies.iter().map(|p| p.name.as_str()).collect();
            return Err(CoreError::NotFound(format!(
                "The policy \"{name}\" (the policies of {} are: {})",
                ws.path().display(),
                names.join(", ")
            )));
        }
        for p in &mut set.policies {
            p.enabled = p.name == name;
        }
    }
    let ix = ws.index().await?;
    let rows = repo::workflow_maps::list(ws.pool()).await?;
    let mapping = Mapping::build(&ix, &rows);
    let overlay = crate::decisions::overlay(ws).await?;
    let report = match only {
        // One policy alone judges by another set than the page's: evaluated on its own.
        Some(_) => report(&ix, &mapping, &set, Some(&overlay), now)?,
        None => {
            let (found, _) = current::followed(ws, &ix, &mapping, &rows, &set, now).await?;
            report_of(&ix, &set, &found, Some(&overlay))
        }
    };
    Ok(CheckResult {
        failed: report.blocking > 0,
        report,
    })
}

/// One policy's past compliance.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PolicyCompliance {
    pub policy: String,
    pub title: String,
    /// Items the policy concerned in the range, and those that met it.
    pub concerned: u32,
    pub met: u32,
    /// met / concerned (None when it concerned none).
    pub share: Option<f64>,
    /// The items that did not meet it (at most 100): id, key, since when.
    pub missed: Vec<MissedItem>,
}

/// An item that did not meet a policy.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MissedItem {
    pub item_id: String,
    pub item_key: String,
    pub since: String,
}

/// Past compliance over `[from, to)` (ms), as of `now`.
pub fn compliance(
    ix: &WorkIndex,
    mapping: &Mapping,
    set: &PolicySet,
    from: i64,
    to: i64,
    now: i64,
) -> CoreResult<Vec<PolicyCompliance>> {
    let cx = Context::new(ix, mapping, set)?;
    Ok(eval::compliance(&cx, from, to, now)
        .into_iter()
        .map(|c| {
            let p = &set.policies[c.policy as usize];
            PolicyCompliance {
                policy: p.name.clone(),
                title: p.title.clone(),
                concerned: c.concerned,
                met: c.met,
                share: (c.concerned > 0).then(|| f64::from(c.met) / f64::from(c.concerned)),
                missed: c
                    .missed
                    .iter()
                    .take(100)
                    .map(|&(i, since)| MissedItem {
                        item_id: ix.item_ids[i as usize].to_string(),
                        item_key: ix.item_keys[i as usize].to_string(),
                        since: to_rfc3339(since),
                    })
                    .collect(),
            }
        })
        .collect())
}

/// Past compliance for an open workspace.
pub async fn compliance_report(
    ws: &Workspace,
    from: i64,
    to: i64,
    now: i64,
) -> CoreResult<Vec<PolicyCompliance>> {
    let ix = ws.index().await?;
    let rows = repo::workflow_maps::list(ws.pool()).await?;
    let mapping = Mapping::build(&ix, &rows);
    let set = load(ws).await?;
    compliance(&ix, &mapping, &set, from, to, now)
}
