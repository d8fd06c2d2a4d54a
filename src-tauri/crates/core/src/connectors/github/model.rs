//! The parts of GitHub's REST records that Baton reads. Every field the mapping does not need is
//! ignored, every optional one defaults, and unknown state or event names are kept as text, so a
//! new GitHub value never stops a sync.

use serde::Deserialize;

use crate::connectors::http::lenient_count_or_zero;

/// A user or bot.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct User {
    pub login: String,
    /// "User", "Bot", "Organization".
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// The public e-mail address, when GitHub includes it (rarely in lists).
    #[serde(default)]
    pub email: Option<String>,
}

impl User {
    /// True for bot accounts (`type: Bot`, or a `[bot]` login).
    pub fn is_bot(&self) -> bool {
        is_bot_account(self.kind.as_deref(), &self.login)
    }
}

/// True for a bot account: GitHub's `type` is `Bot`, or the login ends with `[bot]`.
pub fn is_bot_account(kind: Option<&str>, login: &str) -> bool {
    kind == Some("Bot") || login.ends_with("[bot]")
}

/// A label (REST gives objects; a bare string is accepted too).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Label {
    Object { name: String },
    Name(String),
}

impl Label {
    pub fn name(&self) -> &str {
        match self {
            Label::Object { name } | Label::Name(name) => name,
        }
    }
}

/// `issue_dependencies_summary`.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Default)]
pub struct DependencySummary {
    #[serde(default, deserialize_with = "lenient_count_or_zero")]
    pub total_blocked_by: u64,
    #[serde(default, deserialize_with = "lenient_count_or_zero")]
    pub total_blocking: u64,
}

/// `sub_issues_summary`.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Default)]
pub struct SubIssueSummary {
    #[serde(default, deserialize_with = "lenient_count_or_zero")]
    pub total: u64,
}

/// An issue type (`type` on issues of organisations that use them).
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct IssueType {
    pub name: String,
}

/// An issue from `/repos/{o}/{r}/issues` (pull requests carry `pull_request`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct Issue {
    pub id: i64,
    pub number: i64,
    #[serde(default)]
    pub milestone: Option<Milestone>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub state_reason: Option<String>,
    #[serde(default)]
    pub html_url: String,
    #[serde(default)]
    pub user: Option<User>,
    #[serde(default)]
    pub labels: Vec<Label>,
    #[serde(default)]
    pub assignee: Option<User>,
    pub created_at: String,
    pub updated_at: String,
    #[serde(default)]
    pub closed_at: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub pull_request: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    pub issue_dependencies_summary: Option<DependencySummary>,
    #[serde(default)]
    pub sub_issues_summary: Option<SubIssueSummary>,
    #[serde(rename = "type", default)]
    pub issue_type: Option<IssueType>,
}

/// A pull request from `/repos/{o}/{r}/pulls`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Pull {
    #[serde(default)]
    pub milestone: Option<Milestone>,
    pub id: i64,
    pub number: i64,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub html_url: String,
    #[serde(default)]
    pub user: Option<User>,
    #[serde(default)]
    pub labels: Vec<Label>,
    #[serde(default)]
    pub assignee: Option<User>,
    pub created_at: String,
    pub updated_at: String,
    #[serde(default)]
    pub closed_at: Option<String>,
    #[serde(default)]
    pub merged_at: Option<String>,
    #[serde(default)]
    pub draft: Option<bool>,
    #[serde(default)]
    pub body: Option<String>,
    /// The branch the pull request merges from.
    #[serde(default)]
    pub head: Option<BranchRef>,
}

/// A pull request's branch (`head`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct BranchRef {
    #[serde(rename = "ref", default)]
    pub name: String,
}

/// A file of `/pulls/{n}/files`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct PullFile {
    pub filename: String,
    /// `added`, `removed`, `modified`, `renamed`, `copied`, `changed`, `unchanged`.
    #[serde(default)]
    pub status: String,
    #[serde(default, deserialize_with = "lenient_count_or_zero")]
    pub additions: u64,
    #[serde(default, deserialize_with = "lenient_count_or_zero")]
    pub deletions: u64,
    #[serde(default)]
    pub previous_filename: Option<String>,
}

/// A file of the contents API (`/repos/{o}/{r}/contents/{path}`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct ContentFile {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub path: String,
    #[serde(default)]
    pub sha: Option<String>,
    /// `base64` (files up to 1 MB); other encodings (`none` for larger files) carry no text.
    #[serde(default)]
    pub encoding: Option<String>,
    #[serde(default)]
    pub content: Option<String>,
}

/// A review from `/pulls/{n}/reviews`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Review {
    pub id: i64,
    #[serde(default)]
    pub user: Option<User>,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub submitted_at: Option<String>,
}

/// The issue an event belongs to.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct EventIssue {
    pub number: i64,
    #[serde(default)]
    pub html_url: String,
    #[serde(default)]
    pub pull_request: Option<serde::de::IgnoredAny>,
}

/// An event from `/repos/{o}/{r}/issues/events`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Event {
    pub id: i64,
    #[serde(default)]
    pub event: String,
    #[serde(default)]
    pub actor: Option<User>,
    pub created_at: String,
    #[serde(default)]
    pub state_reason: Option<String>,
    #[serde(default)]
    pub label: Option<Label>,
    #[serde(default)]
    pub assignee: Option<User>,
    #[serde(default)]
    pub issue: Option<EventIssue>,
}

/// An issue as the dependency and sub-issue endpoints list it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct IssueRef {
    pub number: i64,
    #[serde(default)]
    pub html_url: String,
}

/// A repository from `/orgs/{org}/repos` or `/repos/{owner}/{name}`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Repo {
    /// GitHub's numeric id: it stays when the repository is renamed or transferred.
    pub id: i64,
    pub full_name: String,
    #[serde(default)]
    pub archived: bool,
    /// The last push to any branch: `CODEOWNERS` cannot have changed without one.
    #[serde(default)]
    pub pushed_at: Option<String>,
}

/// An id that is read when it is a number and ignored otherwise (timeline entries without an
/// issue-event id, such as cross-references and commits, have none).
fn lenient_id<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Option<i64>, D::Error> {
    let value = Option::<serde_json::Value>::deserialize(de)?;
    Ok(value.and_then(|v| v.as_i64()))
}

/// The review a `review_dismissed` entry dismissed.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct DismissedReview {
    /// The review's verdict before it was dismissed (`approved`, `changes_requested`).
    #[serde(default)]
    pub state: String,
    #[serde(default, deserialize_with = "lenient_id")]
    pub review_id: Option<i64>,
}

/// The issue or pull request a `cross-referenced` entry comes from.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct SourceIssue {
    pub number: i64,
    #[serde(default)]
    pub html_url: String,
    #[serde(default)]
    pub pull_request: Option<serde::de::IgnoredAny>,
}

/// Where a `cross-referenced` entry comes from.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct CrossReferenceSource {
    #[serde(default)]
    pub issue: Option<SourceIssue>,
}

/// An entry of `/repos/{o}/{r}/issues/{n}/timeline`: an issue event (with the id
/// `/issues/events` gives it), a review (`reviewed`, with the review's id), a cross-reference,
/// a commit, a comment... Only what the lifecycle reads is kept.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct TimelineEvent {
    #[serde(default, deserialize_with = "lenient_id")]
    pub id: Option<i64>,
    #[serde(default)]
    pub event: String,
    #[serde(default)]
    pub actor: Option<User>,
    /// The reviewer of a `reviewed` entry.
    #[serde(default)]
    pub user: Option<User>,
    #[serde(default)]
    pub created_at: Option<String>,
    /// When a `reviewed` entry was submitted (it has no `created_at`).
    #[serde(default)]
    pub submitted_at: Option<String>,
    /// A review's verdict, lower case (`approved`, `changes_requested`, `commented`,
    /// `dismissed`).
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub label: Option<Label>,
    #[serde(default)]
    pub dismissed_review: Option<DismissedReview>,
    #[serde(default)]
    pub source: Option<CrossReferenceSource>,
    /// Whose review a `review_requested` / `review_request_removed` entry asks for: a person...
    #[serde(default)]
    pub requested_reviewer: Option<User>,
    /// ...or a team.
    #[serde(default)]
    pub requested_team: Option<RequestedTeam>,
    /// A `committed` entry's commit message.
    #[serde(default)]
    pub message: Option<String>,
}

/// A team asked to review.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct RequestedTeam {
    #[serde(default)]
    pub slug: String,
}

impl TimelineEvent {
    /// When it happened: `submitted_at` for a review, `created_at` otherwise.
    pub fn at(&self) -> Option<&str> {
        self.created_at.as_deref().or(self.submitted_at.as_deref())
    }
}

/// A repository milestone, as issues and pull requests carry it.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
pub struct Milestone {
    #[serde(default)]
    pub id: i64,
    #[serde(default)]
    pub number: i64,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub html_url: String,
    #[serde(default)]
    pub due_on: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
}
