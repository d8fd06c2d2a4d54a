//! The parts of Jira Cloud's REST records that Baton reads; everything else is ignored and every
//! field is optional, so a new status, link type or changelog field never stops a sync.

use serde::Deserialize;

use crate::connectors::http::{lenient_count, lenient_count_or_zero};

/// A user (Cloud has `accountId`; Server data has `name`/`key`).
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct User {
    #[serde(default)]
    pub account_id: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub account_type: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub key: Option<String>,
    /// Shown only when the account's privacy settings allow it.
    #[serde(default)]
    pub email_address: Option<String>,
}

impl User {
    /// The most stable identifier the record has.
    pub fn login(&self) -> Option<&str> {
        [&self.account_id, &self.name, &self.key, &self.display_name]
            .into_iter()
            .filter_map(|v| v.as_deref())
            .find(|v| !v.trim().is_empty())
    }

    /// True for app (bot) accounts.
    pub fn is_bot(&self) -> bool {
        self.account_type.as_deref() == Some("app")
    }
}

/// A status category.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
pub struct Category {
    #[serde(default)]
    pub key: Option<String>,
}

/// A status as issues and `/status` show it.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub status_category: Option<Category>,
    /// Set for a team-managed project's own status.
    #[serde(default)]
    pub scope: Option<StatusScope>,
}

/// Where a status belongs: `{"type": "PROJECT", "project": {"id": "10022"}}`.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
pub struct StatusScope {
    #[serde(default)]
    pub project: Option<Keyed>,
}

/// Something with a name (issue type, priority, component).
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
pub struct Named {
    #[serde(default)]
    pub name: String,
    /// An issue type's level in the site's hierarchy (sub-task -1, standard 0, epic 1,
    /// initiative and above 2+), when the site sends it.
    #[serde(default, rename = "hierarchyLevel")]
    pub hierarchy_level: Option<i64>,
}

/// Something with a key (project, parent, sub-task, linked issue), and its numeric id when the
/// record gives it.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
pub struct Keyed {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub key: String,
    /// The few fields Jira sends with a parent (its issue type says whether it is an epic).
    #[serde(default)]
    pub fields: Option<KeyedFields>,
}

/// The fields Jira sends with a parent issue.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
pub struct KeyedFields {
    #[serde(default)]
    pub issuetype: Option<Named>,
    #[serde(default)]
    pub summary: Option<String>,
}

/// A link type.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
pub struct LinkType {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub inward: Option<String>,
    #[serde(default)]
    pub outward: Option<String>,
}

/// One of an issue's links.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct IssueLink {
    #[serde(default)]
    pub id: String,
    #[serde(rename = "type", default)]
    pub link_type: LinkType,
    #[serde(default)]
    pub inward_issue: Option<Keyed>,
    #[serde(default)]
    pub outward_issue: Option<Keyed>,
}

/// The fields Baton reads.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
pub struct Fields {
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub status: Option<Status>,
    #[serde(default)]
    pub issuetype: Option<Named>,
    #[serde(default)]
    pub priority: Option<Named>,
    #[serde(default)]
    pub assignee: Option<User>,
    #[serde(default)]
    pub reporter: Option<User>,
    #[serde(default)]
    pub creator: Option<User>,
    #[serde(default)]
    pub created: Option<String>,
    #[serde(default)]
    pub updated: Option<String>,
    #[serde(default)]
    pub resolutiondate: Option<String>,
    #[serde(default)]
    pub labels: Vec<String>,
    #[serde(default)]
    pub components: Vec<Named>,
    #[serde(default)]
    pub issuelinks: Vec<IssueLink>,
    #[serde(default)]
    pub parent: Option<Keyed>,
    #[serde(default)]
    pub subtasks: Vec<Keyed>,
    #[serde(default)]
    pub project: Option<Keyed>,
    /// Plain text (API v2, Server) or an Atlassian Document Format tree (API v3, Cloud).
    #[serde(default)]
    pub description: Option<serde_json::Value>,
    /// Custom fields Baton reads by id (the epic link, the flag), found through `/field`.
    #[serde(flatten)]
    pub custom: std::collections::HashMap<String, serde_json::Value>,
}

/// One changed field in a history entry. `field` is the field's name as shown then (custom
/// fields' names may be translated or renamed); `fieldId` (Cloud) is stable.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct HistoryItem {
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub field_id: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub from_string: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub to_string: Option<String>,
}

/// A changelog entry: one author's changes at one time.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
pub struct History {
    pub id: String,
    #[serde(default)]
    pub author: Option<User>,
    #[serde(default)]
    pub created: String,
    #[serde(default)]
    pub items: Vec<HistoryItem>,
}

/// The changelog embedded by `expand=changelog` (possibly only the newest entries).
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Changelog {
    #[serde(default, deserialize_with = "lenient_count")]
    pub total: Option<u64>,
    #[serde(default)]
    pub histories: Vec<History>,
}

/// An issue from `/search/jql`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Issue {
    pub id: String,
    pub key: String,
    #[serde(default)]
    pub fields: Fields,
    #[serde(default)]
    pub changelog: Option<Changelog>,
}

/// A page of `/search/jql`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchPage {
    pub issues: Vec<Box<serde_json::value::RawValue>>,
    #[serde(default)]
    pub next_page_token: Option<String>,
    #[serde(default)]
    pub is_last: Option<bool>,
}

/// A page of `/issue/{key}/changelog`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ChangelogPage {
    #[serde(default, deserialize_with = "lenient_count_or_zero")]
    pub start_at: u64,
    #[serde(default, deserialize_with = "lenient_count")]
    pub total: Option<u64>,
    #[serde(default)]
    pub is_last: Option<bool>,
    #[serde(default)]
    pub values: Vec<History>,
}

/// A field from `/rest/api/3/field` (system and custom).
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct FieldInfo {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// The name before translation (custom fields).
    #[serde(default)]
    pub untranslated_name: Option<String>,
    #[serde(default)]
    pub schema: Option<FieldSchema>,
}

/// A field's type.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
pub struct FieldSchema {
    /// The custom field type (`com.pyxis.greenhopper.jira:gh-epic-link`).
    #[serde(default)]
    pub custom: Option<String>,
}

/// `/myself`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Myself {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub time_zone: Option<String>,
}
