//! What a policy is: typed data with a scope, a severity and one rule; the default set; and the
//! readable file (TOML or JSON) that moves a set between workspaces. Definitions of each rule:
//! `docs/metrics.md` ("Governance").

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use specta::Type;

use super::hours::Calendar;
use crate::error::{CoreError, CoreResult};
use crate::graph::model::{ItemKind, Provenance, WaitReason};

/// The version of the policy file format (and of a stored policy's body) this build writes.
pub const FORMAT: u32 = 1;

/// How serious a violation is. `blocking` makes `baton policy check` fail.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Type,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Blocking,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Blocking => "blocking",
        }
    }
}

/// Which items a policy looks at. Every list that is not empty must match (an empty list
/// matches everything). Teams, sources and intents are given by id or by name (names make a
/// set portable between workspaces); an intent includes the intents under it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
#[serde(default, deny_unknown_fields)]
pub struct Scope {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<ItemKind>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub provenance: Vec<Provenance>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub intents: Vec<String>,
}

/// What a policy checks. The building blocks a user's own policies are made of too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Rule {
    /// The first review (by anyone but the author) comes within `hours` working hours of the
    /// item becoming ready for review: its first entry into a state that waits for review (a
    /// pull request without one: its creation).
    ReviewSla { hours: f64 },
    /// AI-made pull requests are approved by a person independent of the agent and of who asked
    /// for them before they are merged (`provenance::review_status`, the Triage definition).
    IndependentReview,
    /// At most `limit` items of one team in progress (active), or in the raw state `state`
    /// when given.
    WipLimit {
        limit: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state: Option<String>,
    },
    /// No item waits for `reason` (queue, review, approval, security, decision, dependency =
    /// another team, blocked) longer than `hours` working hours at a stretch.
    MaxWait { reason: WaitReason, hours: f64 },
    /// Items in scope pass through a security review state before they are done.
    SecurityReview,
    /// A merged pull request is linked to a work item (traceability).
    LinkedWorkItem,
    /// No item is done while it still blocks an open item (the handoff policy).
    DoneWhileBlocking,
}

impl Rule {
    /// The rule's wire name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Rule::ReviewSla { .. } => "review_sla",
            Rule::IndependentReview => "independent_review",
            Rule::WipLimit { .. } => "wip_limit",
            Rule::MaxWait { .. } => "max_wait",
            Rule::SecurityReview => "security_review",
            Rule::LinkedWorkItem => "linked_work_item",
            Rule::DoneWhileBlocking => "done_while_blocking",
        }
    }
}

fn yes() -> bool {
    true
}

/// One policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Unique in the set: lower case letters, digits and dashes ("review-sla").
    pub name: String,
    /// What people read.
    pub title: String,
    /// Switched on (off: kept, not evaluated).
    #[serde(default = "yes")]
    pub enabled: bool,
    pub severity: Severity,
    #[serde(default)]
    pub scope: Scope,
    pub rule: Rule,
    /// How many times it was saved in this workspace (0: never, a default). Ignored on import.
    #[serde(default)]
    pub version: u32,
}

fn format_version() -> u32 {
    FORMAT
}

/// A workspace's policies with the calendars their clocks run on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct PolicySet {
    /// The file format's version.
    #[serde(default = "format_version")]
    pub format: u32,
    /// The calendar of every team without its own.
    #[serde(default)]
    pub calendar: Calendar,
    /// Calendars by team (id or name).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub calendars: BTreeMap<String, Calendar>,
    pub policies: Vec<Policy>,
}

const HOURS_PER_DAY: f64 = 8.0;

fn policy(name: &str, title: &str, severity: Severity, scope: Scope, rule: Rule) -> Policy {
    Policy {
        name: name.into(),
        title: title.into(),
        enabled: true,
        severity,
        scope,
        rule,
        version: 0,
    }
}

/// The default set: the policies every workspace starts with, each editable and switchable.
pub fn defaults() -> PolicySet {
    let prs = Scope {
        kinds: vec![ItemKind::PullRequest],
        ..Scope::default()
    };
    let wait = |reason: WaitReason, days: f64, title: &str| {
        policy(
            &format!("max-wait-{}", reason.as_str()),
            title,
            Severity::Warning,
            Scope::default(),
            Rule::MaxWait {
                reason,
                hours: days * HOURS_PER_DAY,
            },
        )
    };
    PolicySet {
        format: FORMAT,
        calendar: Calendar::default(),
        calendars: BTreeMap::new(),
        policies: vec![
            policy(
                "review-sla",
                "First review within 8 working hours",
                Severity::Warning,
                Scope::default(),
                Rule::ReviewSla { hours: 8.0 },
            ),
            policy(
                "ai-independent-review",
                "AI-made pull requests need an independent human review before merge",
                Severity::Blocking,
                Scope {
                    provenance: vec![Provenance::AiAgent],
                    ..prs.clone()
                },
                Rule::IndependentReview,
            ),
            policy(
                "wip-limit",
                "At most 15 items in progress per team",
                Severity::Warning,
                Scope::default(),
                Rule::WipLimit {
                    limit: 15,
                    state: None,
                },
            ),
            wait(
                WaitReason::Queue,
                10.0,
                "No wait in a queue over 10 working days",
            ),
            wait(
                WaitReason::Review,
                3.0,
                "No wait for review over 3 working days",
            ),
            wait(
                WaitReason::Decision,
                5.0,
                "No wait for a decision over 5 working days",
            ),
            wait(
                WaitReason::Security,
                5.0,
                "No wait for security over 5 working days",
            ),
            wait(
                WaitReason::Dependency,
                10.0,
                "No wait for another team over 10 working days",
            ),
            policy(
                "security-review",
                "Risks and incidents pass a security review before done",
                Severity::Blocking,
                Scope {
                    kinds: vec![ItemKind::Risk, ItemKind::Incident],
                    ..Scope::default()
                },
                Rule::SecurityReview,
            ),
            policy(
                "linked-work-item",
                "No merge without a linked work item",
                Severity::Warning,
                prs,
                Rule::LinkedWorkItem,
            ),
            policy(
                "handoff",
                "No item done while it still blocks open items",
                Severity::Warning,
                Scope::default(),
                Rule::DoneWhileBlocking,
            ),
        ],
    }
}

/// The line (1-based) of byte offset `at` in `text`.
fn line_of(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].matches('\n').count() + 1
}

/// The line where a policy named `name` is written (for errors found after parsing).
fn line_of_name(text: &str, name: &str) -> Option<usize> {
    let quoted = format!("\"{name}\"");
    text.find(&quoted).map(|at| line_of(text, at))
}

/// How a policy file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Toml,
    Json,
}

impl FileFormat {
    /// From a file name: `.json` is JSON, anything else TOML.
    pub fn of_path(path: &std::path::Path) -> FileFormat {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => FileFormat::Json,
            _ => FileFormat::Toml,
        }
    }
}

impl PolicySet {
    /// Checks the set: names unique and well formed, numbers in range, calendars valid, a
    /// format this build reads. `line` finds where a named thing is written, for the message.
    fn check_with(&self, line: &dyn Fn(&str) -> Option<usize>) -> CoreResult<()> {
        let at = |name: &str| match line(name) {
            Some(n) => format!(" (line {n})"),
            None => String::new(),
        };
        if self.format > FORMAT {
            return Err(CoreError::Invalid(format!(
                "The policy set is format {}, newer than this Baton reads ({FORMAT}); update Baton",
                self.format
            )));
        }
        let mut seen = std::collections::HashSet::new();
        for p in &self.policies {
            let bad = |what: String| {
                CoreError::Invalid(format!("Policy \"{}\"{}: {what}", p.name, at(&p.name)))
            };
            if p.name.is_empty()
                || !p
                    .name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                return Err(bad(
                    "a name is lower case letters, digits and dashes (\"review-sla\")".into(),
                ));
            }
            if !seen.insert(p.name.as_str()) {
                return Err(bad("two policies have this name".into()));
            }
            if p.title.trim().is_empty() {
                return Err(bad("the title is empty".into()));
            }
            match &p.rule {
                Rule::ReviewSla { hours } | Rule::MaxWait { hours, .. }
                    if !(hours.is_finite() && *hours > 0.0 && *hours <= 100_000.0) =>
                {
                    return Err(bad(format!(
                        "hours is {hours}; give a number of working hours above 0"
                    )));
                }
                Rule::WipLimit { limit, .. } if *limit == 0 => {
                    return Err(bad("limit is 0; give at least 1".into()));
                }
                _ => {}
            }
        }
        self.calendar.compile("every team")?;
        for (team, cal) in &self.calendars {
            cal.compile(&format!("team \"{team}\"{}", at(team)))?;
        }
        Ok(())
    }

    /// Checks the set (see the file reader for errors with lines).
    pub fn check(&self) -> CoreResult<()> {
        self.check_with(&|_| None)
    }

    /// Reads a policy file's text. Errors name `origin` (the file) and the line.
    pub fn parse(text: &str, format: FileFormat, origin: &str) -> CoreResult<PolicySet> {
        let set: PolicySet = match format {
            FileFormat::Toml => toml::from_str(text).map_err(|e| {
                let line = e.span().map(|s| line_of(text, s.start));
                CoreError::Invalid(format!(
                    "{origin}{}: {}",
                    line.map(|l| format!(", line {l}")).unwrap_or_default(),
                    e.message()
                ))
            })?,
            FileFormat::Json => serde_json::from_str(text)
                .map_err(|e| CoreError::Invalid(format!("{origin}, line {}: {e}", e.line())))?,
        };
        set.check_with(&|name| line_of_name(text, name))
            .map_err(|e| CoreError::Invalid(format!("{origin}: {e}")))?;
        Ok(set)
    }

    /// The set as a readable file.
    pub fn to_text(&self, format: FileFormat) -> CoreResult<String> {
        match format {
            FileFormat::Toml => toml::to_string_pretty(self)
                .map_err(|e| CoreError::Invalid(format!("the policy set cannot be written: {e}"))),
            FileFormat::Json => serde_json::to_string_pretty(self)
                .map(|mut s| {
                    s.push('\n');
                    s
                })
                .map_err(|e| CoreError::Invalid(format!("the policy set cannot be written: {e}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid_and_cover_every_rule() {
        let set = defaults();
        set.check().unwrap();
        let mut types: Vec<_> = set.policies.iter().map(|p| p.rule.type_name()).collect();
        types.sort_unstable();
        types.dedup();
        assert_eq!(types.len(), 7, "every rule has a default: {types:?}");
    }

    #[test]
    fn toml_and_json_round_trip() {
        let mut set = defaults();
        set.calendars.insert(
            "Payments".into(),
            Calendar {
                zone: "Europe/Berlin".into(),
                holidays: vec!["2026-12-25".into()],
                ..Calendar::default()
            },
        );
        set.policies[0].enabled = false;
        for format in [FileFormat::Toml, FileFormat::Json] {
            let text = set.to_text(format).unwrap();
            let back = PolicySet::parse(&text, format, "policies").unwrap();
            assert_eq!(back, set, "{format:?} reads back what it wrote:\n{text}");
        }
    }

    #[test]
    fn bad_files_name_the_line() {
        let text = "format = 1\n\n[[policies]]\nname = \"x\"\ntitle = \"X\"\nseverity = \"loud\"\n[policies.rule]\ntype = \"linked_work_item\"\n";
        let err = PolicySet::parse(text, FileFormat::Toml, "team.toml")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("team.toml, line 6") && err.contains("loud"),
            "the bad severity's line: {err}"
        );
        let unknown = "[[policies]]\nname = \"x\"\ntitle = \"X\"\nseverity = \"info\"\n[policies.rule]\ntype = \"review_sla\"\nhours = 8\n[policies.scope]\nteam = [\"a\"]\n";
        let err = PolicySet::parse(unknown, FileFormat::Toml, "f.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 9") && err.contains("team"), "{err}");
        let zero = "[[policies]]\nname = \"wip\"\ntitle = \"W\"\nseverity = \"info\"\nrule = { type = \"wip_limit\", limit = 0 }\n";
        let err = PolicySet::parse(zero, FileFormat::Toml, "f.toml")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("\"wip\" (line 2)") && err.contains("limit is 0"),
            "{err}"
        );
        let json = "{\n  \"policies\": [\n    {\"name\": \"a\", \"title\": \"A\", \"severity\": \"info\",\n     \"rule\": {\"type\": \"max_wait\", \"reason\": \"lunch\", \"hours\": 1}}\n  ]\n}\n";
        let err = PolicySet::parse(json, FileFormat::Json, "f.json")
            .unwrap_err()
            .to_string();
        assert!(err.contains("f.json, line 4"), "{err}");
    }
}
