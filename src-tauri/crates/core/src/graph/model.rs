//! The vocabulary of the work graph: what an item, a transition and a link are.
//!
//! Enumerations are stored as TEXT in SQLite (their `snake_case` names) and cross IPC the same way.

use serde::{Deserialize, Serialize};
use specta::Type;

/// Declares a TEXT-backed enumeration with `as_str`, `parse` and `ALL`.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored (and wire) name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses a stored name; `None` for anything else.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum! {
    /// The tool a source is.
    SourceKind {
        Github => "github",
        Jira => "jira",
        Gitlab => "gitlab",
        Linear => "linear",
        File => "file",
    }
}

text_enum! {
    /// What a work item is.
    ItemKind {
        Feature => "feature",
        Defect => "defect",
        Risk => "risk",
        Debt => "debt",
        Task => "task",
        PullRequest => "pull_request",
        Review => "review",
        Approval => "approval",
        Deployment => "deployment",
        Incident => "incident",
    }
}

text_enum! {
    /// Where an item is in its flow, whatever the source calls the state.
    FlowState {
        /// Not yet committed to (backlog, triage).
        New => "new",
        /// Committed to but nobody is working on it: it waits (see [`WaitReason`]).
        Waiting => "waiting",
        /// Someone is working on it.
        Active => "active",
        /// Delivered.
        Done => "done",
        /// Dropped without delivery.
        Canceled => "canceled",
    }
}

text_enum! {
    /// Why an item in a waiting state waits.
    WaitReason {
        Queue => "queue",
        Review => "review",
        Approval => "approval",
        Security => "security",
        Decision => "decision",
        Dependency => "dependency",
        Blocked => "blocked",
    }
}

text_enum! {
    /// Who made a work item.
    Provenance {
        Human => "human",
        AiAgent => "ai_agent",
        Automation => "automation",
    }
}

text_enum! {
    /// How Baton knows who asked an AI agent for a piece of work.
    RequesterSignal {
        /// A "Requested by @login" (or "Triggered by", "on behalf of"...) line of the description.
        PrBody => "pr_body",
        /// A person (not an agent) in a `Co-authored-by:` trailer of the agent's commits.
        CoAuthor => "co_author",
        /// The assignment that handed the issue the work fixes to the agent (who assigned it).
        Assignment => "assignment",
        /// A person made it with an agent's help (the author of AI-made work).
        Author => "author",
    }
}

text_enum! {
    /// The type of an edge between two items (read "from <kind> to").
    LinkKind {
        Blocks => "blocks",
        Duplicates => "duplicates",
        Relates => "relates",
        Parent => "parent",
        Implements => "implements",
        Deploys => "deploys",
    }
}

text_enum! {
    /// Where a link came from.
    LinkOrigin {
        Source => "source",
        Inferred => "inferred",
        Manual => "manual",
    }
}

text_enum! {
    /// What a transition records.
    TransitionKind {
        /// The item's state changed.
        State => "state",
        /// Someone reviewed a pull request (to_state is the verdict).
        Review => "review",
        /// The item was flagged (to_state "blocked") or unflagged ("unblocked") as blocked.
        Flag => "flag",
        /// The assignee changed (to_state is the new login, empty when unassigned).
        Assignee => "assignee",
        /// A label was added (to_state) or removed (from_state).
        Label => "label",
        /// The estimate (points) changed: from and to as numbers, empty when none (Linear).
        Estimate => "estimate",
        /// The project the item is in changed: from and to by name, empty when none (Linear).
        Project => "project",
        /// The cycle (sprint) the item is in changed: from and to by name or number (Linear).
        Cycle => "cycle",
    }
}

text_enum! {
    /// The level of an intent in the tree.
    IntentKind {
        Goal => "goal",
        Initiative => "initiative",
        Milestone => "milestone",
    }
}

text_enum! {
    /// Where an intent comes from.
    IntentOrigin {
        /// Imported from a source (a Jira epic or initiative, a GitHub milestone).
        Source => "source",
        /// Made in Baton.
        Baton => "baton",
    }
}

text_enum! {
    /// What an intent rule matches on (an item's facet).
    IntentRuleField {
        /// The key of the epic (or higher-level issue) the item sits under.
        Epic => "epic",
        /// The key of the item's parent.
        Parent => "parent",
        Label => "label",
        /// A Jira component.
        Component => "component",
        /// A repository (`owner/name`).
        Repository => "repository",
        /// A Jira project key.
        Project => "project",
        /// A file the change touches (a pull request's files), matched as a
        /// `CODEOWNERS` pattern.
        Path => "path",
    }
}

text_enum! {
    /// How an item was linked to an intent.
    LinkHow {
        /// The source says so (a parent epic or initiative, a milestone).
        Source => "source",
        /// An intent rule matched.
        Rule => "rule",
        /// A person linked it (a decision).
        Hand => "hand",
    }
}

/// A source row.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub id: String,
    pub kind: SourceKind,
    pub name: String,
    pub base_url: String,
    /// JSON text.
    pub scope: String,
    pub secret_ref: Option<String>,
    pub poll_interval_s: i64,
    pub enabled: bool,
    pub synthetic: bool,
    pub created_at: i64,
}

/// A team.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    pub id: String,
    pub name: String,
}

/// A person (possibly a bot).
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub id: String,
    pub display_name: String,
    pub team_id: Option<String>,
    pub is_bot: bool,
}

/// A person's login on one source.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    pub source_id: String,
    pub login: String,
    pub person_id: String,
}

/// A goal, initiative or milestone.
#[derive(Debug, Clone, PartialEq)]
pub struct Intent {
    pub id: String,
    pub parent_id: Option<String>,
    pub kind: IntentKind,
    pub title: String,
    pub description: String,
    pub owner_id: Option<String>,
    pub target_at: Option<i64>,
    pub created_at: i64,
    pub origin: IntentOrigin,
    /// The source it was imported from, and its id and key there (None when made in Baton).
    pub source_id: Option<String>,
    pub external_id: Option<String>,
    pub source_key: Option<String>,
    pub url: String,
    pub success_measure: String,
    /// 1 is the highest.
    pub priority: Option<i64>,
    /// Its order among its siblings.
    pub position: i64,
    pub archived_at: Option<i64>,
}

impl Intent {
    /// An intent made in Baton, with the fields every intent has.
    pub fn baton(id: &str, kind: IntentKind, title: &str, created_at: i64) -> Intent {
        Intent {
            id: id.to_owned(),
            parent_id: None,
            kind,
            title: title.to_owned(),
            description: String::new(),
            owner_id: None,
            target_at: None,
            created_at,
            origin: IntentOrigin::Baton,
            source_id: None,
            external_id: None,
            source_key: None,
            url: String::new(),
            success_measure: String::new(),
            priority: None,
            position: 0,
            archived_at: None,
        }
    }
}

/// An intent as a source's mapping reads it (a Jira epic or initiative, a GitHub milestone).
#[derive(Debug, Clone, PartialEq)]
pub struct SourcedIntent {
    /// Baton's id for it (the mapping derives it from the source's stable id).
    pub id: String,
    /// Its stable id at the source, and the key people know it by.
    pub external_id: String,
    pub key: String,
    /// Its parent's external id or key at the same source.
    pub parent: Option<String>,
    pub kind: IntentKind,
    pub title: String,
    pub description: String,
    pub url: String,
    pub owner_id: Option<String>,
    pub target_at: Option<i64>,
    /// 1 is the highest.
    pub priority: Option<i64>,
    pub created_at: i64,
}

/// An item's link to an intent as its source says it: `source_ref` is the intent's external id
/// or key at the item's source.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceIntentLink {
    pub item_id: String,
    pub source_ref: String,
}

/// A fact about an item that intent rules match on.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemFacet {
    pub item_id: String,
    pub field: IntentRuleField,
    pub value: String,
}

/// A work item as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkItem {
    pub id: String,
    pub source_id: String,
    pub external_id: String,
    pub key: String,
    pub url: String,
    pub kind: ItemKind,
    pub title: String,
    pub team_id: Option<String>,
    pub owner_id: Option<String>,
    pub author_id: Option<String>,
    pub provenance: Provenance,
    pub provenance_agent: Option<String>,
    pub provenance_confidence: f64,
    pub raw_state: String,
    pub flow_state: FlowState,
    pub wait_reason: Option<WaitReason>,
    pub intent_id: Option<String>,
    pub priority: Option<String>,
    /// The size the source gives it, in the source's unit (story points, weight); None when it
    /// gives none.
    pub estimate: Option<f64>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub done_at: Option<i64>,
    pub updated_at: i64,
}

/// A state change or review action on an item.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub item_id: String,
    /// The source's id for the event; (item_id, event_id) is unique.
    pub event_id: String,
    pub kind: TransitionKind,
    pub from_state: Option<String>,
    pub to_state: String,
    pub at: i64,
    pub actor_id: Option<String>,
}

/// A typed edge between two items.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub from_item_id: String,
    pub to_item_id: String,
    pub kind: LinkKind,
    pub origin: LinkOrigin,
    pub confidence: f64,
    pub created_at: i64,
    pub removed_at: Option<i64>,
    /// Where the link was found at its source: "dependencies", "sub-issues", "pull request
    /// description", "timeline: connected"... (`None` when not recorded).
    pub found_in: Option<String>,
}

/// One raw state's meaning on a source (and optionally one team, one kind of item).
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowMap {
    pub source_id: String,
    /// Empty for "every team".
    pub team_id: String,
    /// `None` for "every kind"; a kind for that kind's own meaning (an open pull request waits
    /// for review, an open issue is not started).
    pub item_kind: Option<ItemKind>,
    /// A Jira project key when a status name means different things in different projects;
    /// empty for "every project" (and for every other kind of source).
    pub scope: String,
    pub raw_state: String,
    pub flow_state: FlowState,
    pub wait_reason: Option<WaitReason>,
    /// "inferred" or "user".
    pub origin: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_enum_round_trips_through_its_stored_name() {
        for kind in ItemKind::ALL {
            assert_eq!(ItemKind::parse(kind.as_str()), Some(*kind));
        }
        for state in FlowState::ALL {
            assert_eq!(FlowState::parse(state.as_str()), Some(*state));
        }
        assert_eq!(WaitReason::parse("security"), Some(WaitReason::Security));
        assert_eq!(
            Provenance::parse("robot"),
            None,
            "unknown names are rejected, not defaulted"
        );
    }

    #[test]
    fn serde_names_match_stored_names() {
        let json = serde_json::to_string(&ItemKind::PullRequest).unwrap_or_default();
        assert_eq!(json, "\"pull_request\"");
    }
}
