//! The parts of GitLab's REST v4 records that Baton reads. Every field the mapping does not need
//! is ignored, every optional one defaults, and unknown states are kept as text, so a new GitLab
//! value never stops a sync.

use serde::Deserialize;

pub use crate::connectors::github::model::Label;

/// A user (`author`, `assignees`, `reviewers`, a note's author).
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct User {
    #[serde(default)]
    pub id: Option<i64>,
    pub username: String,
    #[serde(default)]
    pub name: Option<String>,
    /// Set on bot users by newer GitLab versions.
    #[serde(default)]
    pub bot: Option<bool>,
}

impl User {
    /// True for bots: `bot: true`, GitLab's project, group and service-account token users
    /// (`project_123_bot_…`, `group_9_bot_…`, `service_account_…`), the support and alert
    /// bots, and `[bot]` names.
    pub fn is_bot(&self) -> bool {
        let name = self.username.to_lowercase();
        self.bot == Some(true)
            || ((name.starts_with("project_") || name.starts_with("group_"))
                && name.contains("_bot"))
            || name.starts_with("service_account_")
            || matches!(name.as_str(), "support-bot" | "alert-bot" | "ghost")
            || name.ends_with("[bot]")
    }
}

/// A milestone (a project's or a group's): an intent its issues and merge requests serve.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
pub struct Milestone {
    /// GitLab's instance-wide id (project and group milestones share one id space).
    #[serde(default)]
    pub id: i64,
    /// Its number in its project or group.
    #[serde(default)]
    pub iid: i64,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub due_date: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub web_url: String,
}

/// The epic an issue sits under (GitLab Premium; `null` elsewhere): an initiative.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
pub struct EpicRef {
    /// GitLab's instance-wide id.
    #[serde(default)]
    pub id: i64,
    /// Its number in its group.
    #[serde(default)]
    pub iid: i64,
    #[serde(default)]
    pub title: String,
    /// Its page (`https://gitlab.com/groups/g/-/epics/5`).
    #[serde(default)]
    pub url: String,
}

/// `references`: how GitLab names the record (`group/project#12`, `group/project!3`).
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
pub struct References {
    #[serde(default)]
    pub full: Option<String>,
}

/// An issue from `/projects/:id/issues`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Issue {
    /// GitLab's instance-wide id.
    pub id: i64,
    /// The issue's number in its project.
    pub iid: i64,
    #[serde(default)]
    pub project_id: Option<i64>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// `opened`, `closed`.
    #[serde(default)]
    pub state: String,
    pub created_at: String,
    #[serde(default)]
    pub updated_at: String,
    #[serde(default)]
    pub closed_at: Option<String>,
    #[serde(default)]
    pub closed_by: Option<User>,
    #[serde(default)]
    pub labels: Vec<Label>,
    #[serde(default)]
    pub assignees: Vec<User>,
    #[serde(default)]
    pub assignee: Option<User>,
    #[serde(default)]
    pub author: Option<User>,
    #[serde(default)]
    pub milestone: Option<Milestone>,
    #[serde(default)]
    pub epic: Option<EpicRef>,
    #[serde(default)]
    pub web_url: String,
    #[serde(default)]
    pub references: Option<References>,
    /// `issue`, `incident`, `test_case`, `task`.
    #[serde(default)]
    pub issue_type: Option<String>,
    /// The issue's weight (GitLab Premium; null when unset or on Free): its estimate.
    #[serde(default)]
    pub weight: Option<f64>,
}

/// A merge request from `/projects/:id/merge_requests`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct MergeRequest {
    pub id: i64,
    pub iid: i64,
    #[serde(default)]
    pub project_id: Option<i64>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// `opened`, `closed`, `locked`, `merged`.
    #[serde(default)]
    pub state: String,
    pub created_at: String,
    #[serde(default)]
    pub updated_at: String,
    #[serde(default)]
    pub merged_at: Option<String>,
    #[serde(default)]
    pub closed_at: Option<String>,
    #[serde(default)]
    pub draft: Option<bool>,
    /// The older name of `draft` (GitLab before 14.0 sends only this).
    #[serde(default)]
    pub work_in_progress: Option<bool>,
    #[serde(default)]
    pub labels: Vec<Label>,
    #[serde(default)]
    pub assignees: Vec<User>,
    #[serde(default)]
    pub assignee: Option<User>,
    #[serde(default)]
    pub reviewers: Vec<User>,
    #[serde(default)]
    pub author: Option<User>,
    #[serde(default)]
    pub merged_by: Option<User>,
    #[serde(default)]
    pub milestone: Option<Milestone>,
    #[serde(default)]
    pub source_branch: String,
    #[serde(default)]
    pub web_url: String,
    #[serde(default)]
    pub references: Option<References>,
}

impl MergeRequest {
    /// Whether it is a draft now.
    pub fn is_draft(&self) -> bool {
        self.draft.or(self.work_in_progress).unwrap_or(false)
    }
}

/// A note (comment or system note) of a merge request.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Note {
    pub id: i64,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub author: Option<User>,
    pub created_at: String,
    /// True for notes GitLab writes itself ("approved this merge request", "merged").
    #[serde(default)]
    pub system: bool,
}

/// A merge request's approvals now (`/projects/:id/merge_requests/:iid/approvals`): who has
/// approved it and how many approvals its rules still want. Free-tier instances answer it too
/// (`approvals_left` 0 when no rule asks for any).
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
pub struct Approvals {
    /// The approvals that stand (a reset or an unapproval takes one away).
    #[serde(default)]
    pub approved_by: Vec<Approver>,
    /// Approvals the rules still want; absent on old instances.
    #[serde(default)]
    pub approvals_left: Option<i64>,
}

/// One entry of `approved_by`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Approver {
    pub user: User,
}

/// A project (`/projects/:id`, `/groups/:id/projects`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Project {
    pub id: i64,
    pub path_with_namespace: String,
    #[serde(default)]
    pub archived: Option<bool>,
}

/// An issue linked to another (`/projects/:id/issues/:iid/links`): the other issue, with the
/// link's type as seen from the issue asked about.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct LinkedIssue {
    pub iid: i64,
    #[serde(default)]
    pub project_id: Option<i64>,
    #[serde(default)]
    pub references: Option<References>,
    #[serde(default)]
    pub web_url: String,
    /// `relates_to`, `blocks`, `is_blocked_by`.
    #[serde(default)]
    pub link_type: String,
    #[serde(default)]
    pub link_created_at: Option<String>,
}

/// One entry of an issue's label history (`/projects/:id/issues/:iid/resource_label_events`):
/// a label added or removed, by whom and when. `label` is `null` once the label itself was
/// deleted.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct LabelEvent {
    pub id: i64,
    pub created_at: String,
    #[serde(default)]
    pub user: Option<User>,
    #[serde(default)]
    pub label: Option<Label>,
    /// `add` or `remove`.
    #[serde(default)]
    pub action: String,
}

/// One entry of an issue's state history (`/projects/:id/issues/:iid/resource_state_events`,
/// GitLab 13.2 and later): the state it was put in, by whom and when.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct StateEvent {
    pub id: i64,
    pub created_at: String,
    #[serde(default)]
    pub user: Option<User>,
    /// `closed`, `reopened` (issues); `merged`, `locked` and `opened` are merge requests' too.
    #[serde(default)]
    pub state: String,
}

/// `/user`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct CurrentUser {
    pub username: String,
    #[serde(default)]
    pub name: Option<String>,
}
