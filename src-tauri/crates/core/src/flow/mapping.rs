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

/// The meaning a state's name alone suggests: the first rule of [`NAME_RULES`] whose every word
/// appears in it, or `None`.
pub fn infer_name(name: &str) -> Option<Meaning> {
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
    None
}

/// A status category as trackers state it (Jira's `statusCategory.key`, Linear's workflow
/// state `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// Not started (Jira `new`, "To Do"; Linear `triage`, `backlog`, `unstarted`).
    New,
    /// Started, not finished (Jira `indeterminate`, "In Progress"; Linear `started`).
    Indeterminate,
    /// Finished (Jira `done`; Linear `completed`).
    Done,
    /// Dropped (Linear `canceled`).
    Canceled,
}

impl Category {
    /// Reads a category key or name; `None` for anything else (Jira's `undefined` included).
    pub fn parse(text: &str) -> Option<Category> {
        match text.trim().to_lowercase().as_str() {
            "new" | "to do" | "todo" | "triage" | "backlog" | "unstarted" => Some(Category::New),
            "indeterminate" | "in progress" | "started" => Some(Category::Indeterminate),
            "done" | "completed" => Some(Category::Done),
            "canceled" | "cancelled" => Some(Category::Canceled),
            _ => None,
        }
    }
}

/// Infers a raw state's meaning from its name and optional status category.
///
/// The category is the tracker's own statement and bounds what the name may say: a name may
/// refine it, never overrule it.
/// - `new` ("To Do"): always New, whatever the name ("Selected for Development", "Under
///   review" in a to-do category are not started).
/// - `indeterminate` ("In Progress"): the name's Active or Waiting meaning ("In Review" waits
///   for review, "Blocked" waits blocked), else Active; a name that says done or canceled does
///   not move it out of progress.
/// - `done`: Canceled when the name says so ("Won't Do"), else Done.
/// - `canceled` (Linear): Canceled, whatever the name ("Duplicate" included).
///
/// Without a category the name decides; a name no rule recognises stays unmapped (`None`).
pub fn infer(name: &str, category: Option<&str>) -> Option<Meaning> {
    let named = infer_name(name);
    match category.and_then(Category::parse) {
        Some(Category::New) => Some((FlowState::New, None)),
        Some(Category::Indeterminate) => Some(match named {
            Some(meaning @ (FlowState::Active | FlowState::Waiting, _)) => meaning,
            _ => (FlowState::Active, None),
        }),
        Some(Category::Done) => Some(match named {
            Some(meaning @ (FlowState::Canceled, _)) => meaning,
            _ => (FlowState::Done, None),
        }),
        Some(Category::Canceled) => Some((FlowState::Canceled, None)),
        None => named,
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

/// The Jira project of an issue key (`PAY` of `PAY-12`), the scope its statuses are mapped in.
pub fn project_of(key: &str) -> &str {
    match key.rsplit_once('-') {
        Some((project, number))
            if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) =>
        {
            project
        }
        _ => "",
    }
}

/// The meaning of every raw state of a workspace, per team, per kind of item and per Jira
/// project where one has its own (a status name that means different things in different
/// projects).
///
/// The most specific mapping wins: the item's team and kind, its team (every kind), its
/// project, its kind (every team), then the mapping every team and kind share.
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
    /// (state, scope) → meaning, where a project maps a state differently.
    by_scope: HashMap<(u32, u32), Option<Meaning>>,
    /// Per item: its scope (a position in the scopes met in `by_scope`), or [`NONE`]. Empty
    /// when no project has a mapping of its own.
    item_scope: Vec<u32>,
    /// The meaning per state and team slot (the teams, then "no team"), `slots` a state, for
    /// every state whose meaning depends on nothing but the team: no kind and no project maps
    /// it differently (`per_team[state]` is then true). Read instead of the maps in the hot
    /// loops (`resolve_item`); empty for a mapping not made by [`Mapping::build`].
    dense: Vec<Option<Meaning>>,
    per_team: Vec<bool>,
    slots: usize,
    /// The same per state, team slot and kind of item (`ItemKind::ALL.len()` a slot), for every
    /// state a kind maps its own way but no project does (`per_kind[state]` is then true).
    kind_dense: Vec<Option<Meaning>>,
    per_kind: Vec<bool>,
    /// By state: its row in `kind_dense` (`u32::MAX` for a state without one).
    kind_row: Vec<u32>,
}

/// Kinds of item a slot of [`Mapping::kind_dense`] holds.
const KINDS: usize = ItemKind::ALL.len();

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
        // Scopes by (source, project key).
        let mut scope_of: HashMap<(u32, &str), u32> = HashMap::new();
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
                (None, None) if !row.scope.is_empty() => {
                    let next = scope_of.len() as u32;
                    let scope = *scope_of.entry((source, row.scope.as_str())).or_insert(next);
                    mapping.by_scope.insert((state, scope), meaning);
                }
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
        if !scope_of.is_empty() {
            mapping.item_scope = ix
                .items
                .iter()
                .zip(ix.item_keys.iter())
                .map(|(item, key)| {
                    scope_of
                        .get(&(item.source, project_of(key)))
                        .copied()
                        .unwrap_or(NONE)
                })
                .collect();
        }
        mapping.default = default;
        mapping.fill_dense(ix.teams.len());
        mapping
    }

    /// Fills the dense table of the states whose meaning depends on the team alone.
    fn fill_dense(&mut self, teams: usize) {
        let states = self.default.len();
        let slots = teams + 1;
        let mut scoped = vec![false; states];
        for (state, _) in self.by_scope.keys() {
            if let Some(s) = scoped.get_mut(*state as usize) {
                *s = true;
            }
        }
        let per_team: Vec<bool> = (0..states)
            .map(|s| !self.kinded.get(s).copied().unwrap_or(false) && !scoped[s])
            .collect();
        let per_kind: Vec<bool> = (0..states)
            .map(|s| self.kinded.get(s).copied().unwrap_or(false) && !scoped[s])
            .collect();
        let mut kind_dense = vec![None; per_kind.iter().filter(|k| **k).count() * slots * KINDS];
        let mut at = 0;
        let mut kind_row = vec![u32::MAX; states];
        for (state, kinded) in per_kind.iter().enumerate() {
            if !kinded {
                continue;
            }
            kind_row[state] = at as u32;
            for slot in 0..slots {
                let team = if slot == teams { NONE } else { slot as u32 };
                for (k, kind) in ItemKind::ALL.iter().enumerate() {
                    // No project maps this state: the item itself changes nothing.
                    kind_dense[(at * slots + slot) * KINDS + k] =
                        self.resolve_by_maps(state as u32, NONE as usize, team, *kind);
                }
            }
            at += 1;
        }
        let mut dense = vec![None; states * slots];
        for (state, simple) in per_team.iter().enumerate() {
            if !simple {
                continue;
            }
            for slot in 0..slots {
                let team = if slot == teams { NONE } else { slot as u32 };
                // No kind and no project maps this state: any kind gives the same answer.
                dense[state * slots + slot] =
                    self.resolve_by_maps(state as u32, NONE as usize, team, ItemKind::Task);
            }
        }
        self.dense = dense;
        self.per_team = per_team;
        self.slots = slots;
        self.kind_dense = kind_dense;
        self.kind_row = kind_row;
        self.per_kind = per_kind;
    }

    /// The meaning of `state` for an item of `team` and `kind`, without project mappings.
    /// [`NONE`] (a state the source did not name) means New.
    pub fn resolve(&self, state: u32, team: u32, kind: ItemKind) -> Option<Meaning> {
        self.resolve_item(state, NONE as usize, team, kind)
    }

    /// The meaning of `state` for the item at position `item` (of `team` and `kind`): the
    /// team's own mapping for the kind, the team's, the item's project's, the kind's, then the
    /// shared one. [`NONE`] (a state the source did not name) means New.
    ///
    /// Asked for every change of every item a flow pass reads: the common case (a state mapped
    /// the same way for every kind, read from the dense table) is inlined into the pass, the
    /// rest is a call ([`Mapping::resolve_rest`]).
    #[inline(always)]
    pub fn resolve_item(
        &self,
        state: u32,
        item: usize,
        team: u32,
        kind: ItemKind,
    ) -> Option<Meaning> {
        if state == NONE {
            return Some((FlowState::New, None));
        }
        if self.per_team.get(state as usize).copied().unwrap_or(false) {
            // A team past the known ones (or none) is mapped as no team, as by the maps.
            let slot = (team as usize).min(self.slots - 1);
            return self.dense[state as usize * self.slots + slot];
        }
        self.resolve_rest(state, item, team, kind)
    }

    /// [`Mapping::resolve_item`] of a state the dense table per team does not hold.
    #[inline(never)]
    fn resolve_rest(&self, state: u32, item: usize, team: u32, kind: ItemKind) -> Option<Meaning> {
        if self.per_kind.get(state as usize).copied().unwrap_or(false) {
            let slot = (team as usize).min(self.slots - 1);
            let row = self.kind_row[state as usize] as usize;
            return self.kind_dense[(row * self.slots + slot) * KINDS + kind as usize];
        }
        self.resolve_by_maps(state, item, team, kind)
    }

    /// [`Mapping::resolve_item`] by the maps, without the dense table: the same answer, slower
    /// (what a test compares the table with).
    pub fn resolve_by_maps(
        &self,
        state: u32,
        item: usize,
        team: u32,
        kind: ItemKind,
    ) -> Option<Meaning> {
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
        if let Some(&scope) = self.item_scope.get(item) {
            if scope != NONE {
                if let Some(meaning) = self.by_scope.get(&(state, scope)) {
                    return *meaning;
                }
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
    fn a_category_bounds_what_a_name_may_say() {
        assert_eq!(
            infer("Under review", Some("new")),
            Some((New, None)),
            "a to-do status is not started, whatever its name"
        );
        assert_eq!(
            infer("Selected for Development", Some("new")),
            Some((New, None))
        );
        assert_eq!(
            infer("Blocked / On Hold", Some("indeterminate")),
            Some((Waiting, Some(WaitReason::Blocked))),
            "a name refines progress into a wait"
        );
        assert_eq!(
            infer("已解决", Some("indeterminate")),
            Some((Active, None)),
            "a name that says done does not finish an in-progress status"
        );
        assert_eq!(
            infer("Invalid", Some("indeterminate")),
            Some((Active, None)),
            "nor cancel it"
        );
        assert_eq!(infer("Won't Do", Some("done")), Some((Canceled, None)));
        assert_eq!(
            infer("Review", Some("done")),
            Some((Done, None)),
            "a done status is finished, whatever its name"
        );
        assert_eq!(
            infer("Ready", Some("undefined")),
            Some((Waiting, Some(WaitReason::Queue))),
            "an unknown category leaves the name to decide"
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
            scope: String::new(),
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
    fn projects_come_from_issue_keys() {
        assert_eq!(project_of("PAY-12"), "PAY");
        assert_eq!(project_of("DZFNK0168-5"), "DZFNK0168");
        assert_eq!(project_of("acme/web#12"), "");
        assert_eq!(project_of("PAY-"), "");
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
