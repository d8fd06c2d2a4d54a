//! Workflow mapping: what each raw state of a source means as a flow state and wait reason.
//!
//! Defaults are inferred from the state's name and, when the source has one, its status
//! category (Jira's `new`, `indeterminate`, `done`). The rules are data ([`NAME_RULES`]): the
//! first rule whose every word appears in the normalised name wins. A name no rule recognises
//! stays unmapped; the metrics leave out items that pass through it and say so.

use std::collections::HashMap;

use crate::graph::index::{WorkIndex, NONE};
use crate::graph::model::{FlowState, ItemKind, WaitReason, WorkflowMap};

/// A mapping's meaning: the flow state and, for waiting states, why it waits.
pub type Meaning = (FlowState, Option<WaitReason>);

/// Name rules, in priority order: (words that must all appear, flow state, wait reason).
/// Words are matched against the lower-cased name with punctuation turned into spaces, as
/// whole words or word prefixes ending in `*`.
pub const NAME_RULES: &[(&[&str], FlowState, Option<WaitReason>)] = &[
    // Dropped work first: "Closed (won't do)" is not done.
    (&["won't"], FlowState::Canceled, None),
    (&["wont"], FlowState::Canceled, None),
    (&["cancel*"], FlowState::Canceled, None),
    (&["not", "planned"], FlowState::Canceled, None),
    (&["reject*"], FlowState::Canceled, None),
    (&["declin*"], FlowState::Canceled, None),
    (&["abandon*"], FlowState::Canceled, None),
    (&["obsolete"], FlowState::Canceled, None),
    (&["duplicate"], FlowState::Canceled, None),
    (&["invalid"], FlowState::Canceled, None),
    (&["closed", "unmerged"], FlowState::Canceled, None),
    // Waiting, by reason. Checked before "done"/"in progress" so "Blocked (in progress)" waits.
    (&["block*"], FlowState::Waiting, Some(WaitReason::Blocked)),
    (&["impeded"], FlowState::Waiting, Some(WaitReason::Blocked)),
    (
        &["on", "hold"],
        FlowState::Waiting,
        Some(WaitReason::Blocked),
    ),
    (&["secur*"], FlowState::Waiting, Some(WaitReason::Security)),
    (
        &["pentest*"],
        FlowState::Waiting,
        Some(WaitReason::Security),
    ),
    (&["approv*"], FlowState::Waiting, Some(WaitReason::Approval)),
    (
        &["sign", "off"],
        FlowState::Waiting,
        Some(WaitReason::Approval),
    ),
    (&["signoff"], FlowState::Waiting, Some(WaitReason::Approval)),
    (&["review*"], FlowState::Waiting, Some(WaitReason::Review)),
    (
        &["decision*"],
        FlowState::Waiting,
        Some(WaitReason::Decision),
    ),
    (&["decide*"], FlowState::Waiting, Some(WaitReason::Decision)),
    (
        &["dependenc*"],
        FlowState::Waiting,
        Some(WaitReason::Dependency),
    ),
    (
        &["waiting", "on"],
        FlowState::Waiting,
        Some(WaitReason::Dependency),
    ),
    (
        &["waiting", "for"],
        FlowState::Waiting,
        Some(WaitReason::Dependency),
    ),
    (
        &["external"],
        FlowState::Waiting,
        Some(WaitReason::Dependency),
    ),
    (&["ready"], FlowState::Waiting, Some(WaitReason::Queue)),
    (&["selected"], FlowState::Waiting, Some(WaitReason::Queue)),
    (&["todo"], FlowState::Waiting, Some(WaitReason::Queue)),
    (&["to", "do"], FlowState::Waiting, Some(WaitReason::Queue)),
    (&["next", "up"], FlowState::Waiting, Some(WaitReason::Queue)),
    (&["queue*"], FlowState::Waiting, Some(WaitReason::Queue)),
    (&["pending"], FlowState::Waiting, Some(WaitReason::Queue)),
    (&["awaiting"], FlowState::Waiting, Some(WaitReason::Queue)),
    (&["waiting"], FlowState::Waiting, Some(WaitReason::Queue)),
    (&["committed"], FlowState::Waiting, Some(WaitReason::Queue)),
    // Delivered.
    (&["done"], FlowState::Done, None),
    (&["merged"], FlowState::Done, None),
    (&["resolved"], FlowState::Done, None),
    (&["complete*"], FlowState::Done, None),
    (&["released"], FlowState::Done, None),
    (&["shipped"], FlowState::Done, None),
    (&["deployed"], FlowState::Done, None),
    (&["fixed"], FlowState::Done, None),
    (&["closed"], FlowState::Done, None),
    (&["已完成"], FlowState::Done, None),
    (&["完成"], FlowState::Done, None),
    // Being worked on.
    (&["progress"], FlowState::Active, None),
    (&["doing"], FlowState::Active, None),
    (&["develop*"], FlowState::Active, None),
    (&["implement*"], FlowState::Active, None),
    (&["coding"], FlowState::Active, None),
    (&["wip"], FlowState::Active, None),
    (&["draft"], FlowState::Active, None),
    (&["testing"], FlowState::Active, None),
    (&["qa"], FlowState::Active, None),
    (&["started"], FlowState::Active, None),
    (&["active"], FlowState::Active, None),
    (&["working"], FlowState::Active, None),
    (&["进行中"], FlowState::Active, None),
    // Not committed to yet.
    (&["backlog"], FlowState::New, None),
    (&["new"], FlowState::New, None),
    (&["triage*"], FlowState::New, None),
    (&["icebox"], FlowState::New, None),
    (&["idea*"], FlowState::New, None),
    (&["open"], FlowState::New, None),
    (&["opened"], FlowState::New, None),
    (&["reopened"], FlowState::New, None),
    (&["proposed"], FlowState::New, None),
    (&["待办"], FlowState::New, None),
];

fn normalise(name: &str) -> Vec<String> {
    name.to_lowercase()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '\'' || !c.is_ascii() {
                c
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

fn word_matches(pattern: &str, word: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => word.starts_with(prefix),
        None => word == pattern,
    }
}

/// Infers a raw state's meaning from its name and optional status category.
///
/// The name decides when a rule recognises it; otherwise the category does (`new` → New,
/// `indeterminate` → Active, `done` → Done); otherwise the state is unmapped (`None`).
pub fn infer(name: &str, category: Option<&str>) -> Option<Meaning> {
    let words = normalise(name);
    let joined = words.join(" ");
    for (pattern, flow, reason) in NAME_RULES {
        let all = pattern.iter().all(|p| {
            if p.is_ascii() {
                words.iter().any(|w| word_matches(p, w))
            } else {
                joined.contains(p)
            }
        });
        if all {
            return Some((*flow, *reason));
        }
    }
    match category.map(str::to_lowercase).as_deref() {
        Some("new") | Some("to do") | Some("todo") => Some((FlowState::New, None)),
        Some("indeterminate") | Some("in progress") => Some((FlowState::Active, None)),
        Some("done") => Some((FlowState::Done, None)),
        _ => None,
    }
}

/// Where a state's meaning comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A row of `workflow_maps` made by a person.
    User,
    /// A row of `workflow_maps` seeded by a connector or the demo (from names and categories).
    Seeded,
    /// No row: inferred from the name just now.
    Inferred,
    /// No row, and the name says nothing: unmapped.
    Unmapped,
}

/// The meaning of every raw state of a workspace, per team and per kind of item where a team or
/// a kind has its own.
///
/// The most specific mapping wins: the item's team and kind, its team (every kind), its kind
/// (every team), then the mapping every team and kind share.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    /// By state (a [`crate::graph::index::StateKey`] index): the meaning for every team and kind.
    default: Vec<(Option<Meaning>, Origin)>,
    /// (state, team) → meaning, where a team maps a state differently (every kind).
    by_team: HashMap<(u32, u32), Option<Meaning>>,
    /// (state, kind) → meaning, where a kind of item maps a state differently (every team).
    by_kind: HashMap<(u32, ItemKind), Option<Meaning>>,
    /// (state, team, kind) → meaning.
    by_team_kind: HashMap<(u32, u32, ItemKind), Option<Meaning>>,
    /// By state: whether some kind has its own meaning of it (skips the lookups otherwise).
    kinded: Vec<bool>,
}

impl Mapping {
    /// Builds the mapping of the index's states from `workflow_maps` rows; states without a
    /// row are inferred from their names.
    pub fn build(ix: &WorkIndex, rows: &[WorkflowMap]) -> Mapping {
        let source_of: HashMap<&str, u32> = ix
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i as u32))
            .collect();
        let team_of: HashMap<&str, u32> = ix
            .teams
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.as_str(), i as u32))
            .collect();
        let state_of: HashMap<(u32, &str), u32> = ix
            .states
            .iter()
            .enumerate()
            .map(|(i, k)| ((k.source, k.raw.as_str()), i as u32))
            .collect();
        let mut default: Vec<(Option<Meaning>, Origin)> = ix
            .states
            .iter()
            .map(|k| match infer(&k.raw, None) {
                Some(meaning) => (Some(meaning), Origin::Inferred),
                None => (None, Origin::Unmapped),
            })
            .collect();
        let mut mapping = Mapping {
            kinded: vec![false; ix.states.len()],
            ..Mapping::default()
        };
        for row in rows {
            let Some(&source) = source_of.get(row.source_id.as_str()) else {
                continue;
            };
            let Some(&state) = state_of.get(&(source, row.raw_state.as_str())) else {
                continue;
            };
            let meaning = Some((
                row.flow_state,
                if row.flow_state == FlowState::Waiting {
                    row.wait_reason
                } else {
                    None
                },
            ));
            let origin = if row.origin == "user" {
                Origin::User
            } else {
                Origin::Seeded
            };
            let team = if row.team_id.is_empty() {
                None
            } else {
                match team_of.get(row.team_id.as_str()) {
                    Some(&team) => Some(team),
                    // A team that no longer exists maps nothing.
                    None => continue,
                }
            };
            match (team, row.item_kind) {
                (None, None) => default[state as usize] = (meaning, origin),
                (Some(team), None) => {
                    mapping.by_team.insert((state, team), meaning);
                }
                (None, Some(kind)) => {
                    mapping.kinded[state as usize] = true;
                    mapping.by_kind.insert((state, kind), meaning);
                }
                (Some(team), Some(kind)) => {
                    mapping.kinded[state as usize] = true;
                    mapping.by_team_kind.insert((state, team, kind), meaning);
                }
            }
        }
        mapping.default = default;
        mapping
    }

    /// The meaning of `state` for an item of `team` and `kind`. [`NONE`] (a state the source
    /// did not name) means New.
    pub fn resolve(&self, state: u32, team: u32, kind: ItemKind) -> Option<Meaning> {
        if state == NONE {
            return Some((FlowState::New, None));
        }
        let kinded = self.kinded.get(state as usize).copied().unwrap_or(false);
        if kinded && !self.by_team_kind.is_empty() {
            if let Some(meaning) = self.by_team_kind.get(&(state, team, kind)) {
                return *meaning;
            }
        }
        if !self.by_team.is_empty() {
            if let Some(meaning) = self.by_team.get(&(state, team)) {
                return *meaning;
            }
        }
        if kinded {
            if let Some(meaning) = self.by_kind.get(&(state, kind)) {
                return *meaning;
            }
        }
        self.default.get(state as usize).and_then(|(m, _)| *m)
    }

    /// The meaning of `state` shared by every team and kind (without overrides).
    pub fn shared(&self, state: u32) -> Option<Meaning> {
        self.default.get(state as usize).and_then(|(m, _)| *m)
    }

    /// Where the default meaning of `state` comes from.
    pub fn origin(&self, state: u32) -> Origin {
        self.default
            .get(state as usize)
            .map_or(Origin::Unmapped, |(_, o)| *o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use FlowState::*;

    fn meaning(name: &str) -> Option<Meaning> {
        infer(name, None)
    }

    #[test]
    fn common_state_names_map_as_the_issue_lists() {
        assert_eq!(
            meaning("In Review"),
            Some((Waiting, Some(WaitReason::Review)))
        );
        assert_eq!(
            meaning("Blocked"),
            Some((Waiting, Some(WaitReason::Blocked)))
        );
        assert_eq!(
            meaning("Awaiting approval"),
            Some((Waiting, Some(WaitReason::Approval))),
            "approval beats plain awaiting"
        );
        assert_eq!(
            meaning("Security review"),
            Some((Waiting, Some(WaitReason::Security))),
            "security beats review"
        );
        assert_eq!(meaning("In Progress"), Some((Active, None)));
        assert_eq!(
            meaning("in_progress"),
            Some((Active, None)),
            "underscores are separators"
        );
        assert_eq!(meaning("Backlog"), Some((New, None)));
        assert_eq!(
            meaning("Selected for Development"),
            Some((Waiting, Some(WaitReason::Queue)))
        );
        assert_eq!(meaning("To Do"), Some((Waiting, Some(WaitReason::Queue))));
        assert_eq!(meaning("Done"), Some((Done, None)));
        assert_eq!(meaning("merged"), Some((Done, None)));
        assert_eq!(
            meaning("Won't Do"),
            Some((Canceled, None)),
            "won't do is dropped, not done"
        );
        assert_eq!(meaning("closed (not planned)"), Some((Canceled, None)));
        assert_eq!(
            meaning("Needs product decision"),
            Some((Waiting, Some(WaitReason::Decision)))
        );
        assert_eq!(
            meaning("Waiting on vendor"),
            Some((Waiting, Some(WaitReason::Dependency)))
        );
        assert_eq!(
            meaning("已完成"),
            Some((Done, None)),
            "Jira sites in other languages"
        );
    }

    #[test]
    fn categories_decide_when_the_name_does_not() {
        assert_eq!(infer("Estimation", Some("new")), Some((New, None)));
        assert_eq!(
            infer("Building", Some("indeterminate")),
            Some((Active, None))
        );
        assert_eq!(infer("Gone live", Some("done")), Some((Done, None)));
        assert_eq!(
            infer("In Review", Some("indeterminate")),
            Some((Waiting, Some(WaitReason::Review))),
            "a recognised name beats the category"
        );
    }

    #[test]
    fn a_kind_or_a_team_may_mean_a_state_its_own_way() {
        use crate::graph::index::{IndexedSource, Named, StateKey};
        use crate::graph::model::SourceKind;
        let mut ix = WorkIndex::default();
        ix.sources.push(IndexedSource {
            id: "gh".into(),
            name: "acme".into(),
            kind: SourceKind::Github,
        });
        ix.teams.push(Named {
            id: "t1".into(),
            name: "Payments".into(),
        });
        ix.states.push(StateKey {
            source: 0,
            raw: "open".into(),
        });
        ix.states.push(StateKey {
            source: 0,
            raw: "merged".into(),
        });
        let row = |team: &str, kind: Option<ItemKind>, flow: FlowState, reason| WorkflowMap {
            source_id: "gh".into(),
            team_id: team.into(),
            item_kind: kind,
            raw_state: "open".into(),
            flow_state: flow,
            wait_reason: reason,
            origin: "inferred".into(),
        };
        let pr = Some(ItemKind::PullRequest);
        let rows = vec![
            row("", None, New, None),
            row("", pr, Waiting, Some(WaitReason::Review)),
            row("t1", None, Active, None),
        ];
        let m = Mapping::build(&ix, &rows);
        assert_eq!(m.resolve(0, NONE, ItemKind::Task), Some((New, None)));
        assert_eq!(
            m.resolve(0, NONE, ItemKind::PullRequest),
            Some((Waiting, Some(WaitReason::Review))),
            "an open pull request waits for review, an open issue is new"
        );
        assert_eq!(
            m.resolve(0, 0, ItemKind::PullRequest),
            Some((Active, None)),
            "a team's own mapping of every kind beats a kind's mapping of every team"
        );
        let mut with_both = rows.clone();
        with_both.push(row("t1", pr, Waiting, Some(WaitReason::Approval)));
        let m = Mapping::build(&ix, &with_both);
        assert_eq!(
            m.resolve(0, 0, ItemKind::PullRequest),
            Some((Waiting, Some(WaitReason::Approval))),
            "the team's mapping for the kind beats every other"
        );
        assert_eq!(m.resolve(0, 0, ItemKind::Task), Some((Active, None)));
        assert_eq!(
            m.resolve(1, 0, ItemKind::PullRequest),
            Some((Done, None)),
            "states without rows are still inferred from their names"
        );
        assert_eq!(
            m.shared(0),
            Some((New, None)),
            "the shared meaning is unchanged"
        );
    }

    #[test]
    fn unknown_names_stay_unmapped() {
        assert_eq!(meaning("Foo"), None);
        assert_eq!(meaning(""), None);
        assert_eq!(
            meaning("Reviewing-ish"),
            Some((Waiting, Some(WaitReason::Review))),
            "word prefixes match"
        );
        assert_eq!(
            meaning("Preview"),
            None,
            "words match from their start only"
        );
    }
}
