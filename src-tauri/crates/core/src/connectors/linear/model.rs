//! The parts of Linear's GraphQL objects that Baton reads (field names as in Linear's schema,
//! `packages/sdk/src/schema.graphql`). Every field the mapping does not need is ignored, every
//! optional one defaults, and unknown values (a new workflow state type, a new relation type)
//! are kept as text, so a new Linear value never stops a sync.

use serde::{Deserialize, Deserializer};

/// A field that may come as `null` (GraphQL nulls a field it could not answer): its default.
fn null_default<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// `pageInfo` of a connection.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    #[serde(default)]
    pub has_next_page: bool,
    #[serde(default)]
    pub end_cursor: Option<String>,
}

/// A connection: its nodes and where the next page starts.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", bound(deserialize = "T: Deserialize<'de>"))]
pub struct Connection<T> {
    #[serde(default = "Vec::new", deserialize_with = "null_default")]
    pub nodes: Vec<T>,
    #[serde(default, deserialize_with = "null_default")]
    pub page_info: PageInfo,
}

impl<T> Default for Connection<T> {
    fn default() -> Self {
        Connection {
            nodes: Vec::new(),
            page_info: PageInfo::default(),
        }
    }
}

/// A user: a person, or an app (an agent) when `app` is true.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    /// The handle (`@jdoe`).
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// True for app users (agents and integrations).
    #[serde(default)]
    pub app: Option<bool>,
}

impl User {
    /// Whether the user is an app (an agent or an integration), not a person.
    pub fn is_app(&self) -> bool {
        self.app == Some(true)
    }

    /// The name people know the user by: the full name, else the handle, else the id.
    pub fn shown(&self) -> String {
        [self.name.as_deref(), self.display_name.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .find(|n| !n.is_empty())
            .unwrap_or(&self.id)
            .to_owned()
    }
}

/// A workflow state: its name and its type (`triage`, `backlog`, `unstarted`, `started`,
/// `completed`, `canceled`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct State {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub position: Option<f64>,
}

/// A team with its workflow states.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Team {
    pub id: String,
    /// `ENG`: the prefix of its issues' identifiers.
    pub key: String,
    #[serde(default)]
    pub name: String,
    #[serde(default, deserialize_with = "null_default")]
    pub states: Connection<State>,
}

/// A team as an issue names it.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TeamRef {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub key: String,
}

/// A label.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Label {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: String,
}

/// A project or cycle as an issue (or its history) names it.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Named {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    /// Cycles have a number and often no name.
    #[serde(default)]
    pub number: Option<f64>,
}

impl Named {
    /// How it is shown in a transition: its name, else `Cycle N`, else its id.
    pub fn shown(&self, what: &str) -> String {
        match (self.name.as_deref().map(str::trim), self.number) {
            (Some(name), _) if !name.is_empty() => name.to_owned(),
            (_, Some(n)) => format!("{what} {n}"),
            _ => self.id.clone(),
        }
    }
}

/// An issue another record points at.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct IssueRef {
    pub id: String,
    #[serde(default)]
    pub identifier: Option<String>,
}

/// A relation in `relations` (this issue is `issue`, the other one `relatedIssue`) or in
/// `inverseRelations` (this issue is `relatedIssue`, the other one `issue`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Relation {
    pub id: String,
    /// `blocks`, `duplicate`, `related`, `similar`.
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub issue: Option<IssueRef>,
    #[serde(default)]
    pub related_issue: Option<IssueRef>,
    #[serde(default)]
    pub created_at: Option<String>,
}

/// One entry of an issue's history: one or more property changes by one actor.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct History {
    pub id: String,
    pub created_at: String,
    #[serde(default)]
    pub actor: Option<User>,
    #[serde(default)]
    pub from_state: Option<State>,
    #[serde(default)]
    pub to_state: Option<State>,
    #[serde(default)]
    pub from_assignee: Option<User>,
    #[serde(default)]
    pub to_assignee: Option<User>,
    /// Set by the schema when the assignee changed (the users may be left out).
    #[serde(default)]
    pub from_assignee_id: Option<String>,
    #[serde(default)]
    pub to_assignee_id: Option<String>,
    #[serde(default)]
    pub from_delegate: Option<User>,
    #[serde(default)]
    pub to_delegate: Option<User>,
    #[serde(default)]
    pub from_estimate: Option<f64>,
    #[serde(default)]
    pub to_estimate: Option<f64>,
    #[serde(default)]
    pub from_project: Option<Named>,
    #[serde(default)]
    pub to_project: Option<Named>,
    #[serde(default)]
    pub from_project_id: Option<String>,
    #[serde(default)]
    pub to_project_id: Option<String>,
    #[serde(default)]
    pub from_cycle: Option<Named>,
    #[serde(default)]
    pub to_cycle: Option<Named>,
    #[serde(default)]
    pub from_cycle_id: Option<String>,
    #[serde(default)]
    pub to_cycle_id: Option<String>,
    #[serde(default)]
    pub added_labels: Option<Vec<Label>>,
    #[serde(default)]
    pub removed_labels: Option<Vec<Label>>,
}

/// An issue as the issues query reads it.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Issue {
    pub id: String,
    /// `ENG-123`.
    pub identifier: String,
    #[serde(default, deserialize_with = "null_default")]
    pub previous_identifiers: Vec<String>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub url: String,
    pub created_at: String,
    #[serde(default)]
    pub updated_at: String,
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub completed_at: Option<String>,
    #[serde(default)]
    pub canceled_at: Option<String>,
    #[serde(default)]
    pub archived_at: Option<String>,
    /// 0 none, 1 urgent, 2 high, 3 medium, 4 low.
    #[serde(default)]
    pub priority: Option<f64>,
    #[serde(default)]
    pub priority_label: Option<String>,
    /// Points (the team's estimate scale).
    #[serde(default)]
    pub estimate: Option<f64>,
    #[serde(default)]
    pub team: Option<TeamRef>,
    #[serde(default)]
    pub state: Option<State>,
    #[serde(default)]
    pub creator: Option<User>,
    #[serde(default)]
    pub assignee: Option<User>,
    /// The agent the issue is delegated to (the assignee stays the person responsible).
    #[serde(default)]
    pub delegate: Option<User>,
    #[serde(default)]
    pub parent: Option<IssueRef>,
    #[serde(default)]
    pub project: Option<Named>,
    #[serde(default)]
    pub cycle: Option<Named>,
    #[serde(default, deserialize_with = "null_default")]
    pub labels: Connection<Label>,
    #[serde(default, deserialize_with = "null_default")]
    pub history: Connection<History>,
    #[serde(default, deserialize_with = "null_default")]
    pub relations: Connection<Relation>,
    #[serde(default, deserialize_with = "null_default")]
    pub inverse_relations: Connection<Relation>,
}

impl Issue {
    /// The key of the team it is in (`ENG` of `ENG-123`).
    pub fn team_key(&self) -> String {
        match &self.team {
            Some(team) if !team.key.is_empty() => team.key.clone(),
            _ => self
                .identifier
                .rsplit_once('-')
                .map(|(k, _)| k.to_owned())
                .unwrap_or_default(),
        }
    }
}

/// An initiative as a project names it.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct InitiativeRef {
    pub id: String,
}

/// A project (imported as an intent).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub slug_id: Option<String>,
    pub created_at: String,
    #[serde(default)]
    pub updated_at: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub target_date: Option<String>,
    /// 0 none, 1 urgent ... 4 low.
    #[serde(default)]
    pub priority: Option<f64>,
    #[serde(default)]
    pub lead: Option<User>,
    #[serde(default, deserialize_with = "null_default")]
    pub initiatives: Connection<InitiativeRef>,
}

/// An initiative (imported as an intent).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Initiative {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub slug_id: Option<String>,
    pub created_at: String,
    #[serde(default)]
    pub updated_at: String,
    #[serde(default)]
    pub target_date: Option<String>,
    #[serde(default)]
    pub priority: Option<f64>,
    #[serde(default)]
    pub owner: Option<User>,
    #[serde(default)]
    pub parent_initiative: Option<InitiativeRef>,
}

/// `viewer` with its organization, for the connection test.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Viewer {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub organization: Option<Organization>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub url_key: Option<String>,
}
