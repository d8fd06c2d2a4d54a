//! The fixed shape of the demo organisation ("Acme"): its teams, where each tracks its work, how
//! fast each team's work flows, its goals and initiatives.

use super::titles::{self, Vocab};

/// The GitHub organisation, Jira site and Linear workspace name.
pub(crate) const ORG: &str = "acme";

/// GitHub's numeric id of the organisation's repository at `index` (in the order of [`TEAMS`]
/// and their `repos`): the demo's GitHub items are keyed by it, as a real sync keys them
/// (`connectors::github::map::RepoIds`), so a renamed repository keeps its items.
pub(crate) fn repo_id(index: usize) -> i64 {
    // Ids of the size github.com hands out now, spaced as repositories created over time are.
    418_230_117 + index as i64 * 7_919
}

/// A repository renamed partway through the demo's history: its items created before the
/// rename arrive under the name it had then, the later ones under its new name, and the sync's
/// adoption of a renamed repository makes them one repository's items (see
/// `demo::write`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rename {
    /// The repository's name before (without the organisation).
    pub before: &'static str,
    /// Its name after: one of its team's `repos`.
    pub after: &'static str,
    /// When, as a share of the demo's window (0 = its start, 1 = its end).
    pub at: f64,
}

/// The Platform team renamed `deploy-scripts` to `deploy-pipeline` a little after the middle of
/// the demo's nine months.
pub(crate) const RENAMED: Rename = Rename {
    before: "deploy-scripts",
    after: "deploy-pipeline",
    at: 0.55,
};

/// Where a team tracks its issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tracker {
    GitHub,
    Jira,
    Linear,
}

/// How work flows in a team: medians of log-normal waits, and the odds of each detour.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Flow {
    /// Backlog to committed (days).
    pub triage_days: f64,
    /// Committed to started (days).
    pub queue_days: f64,
    /// One stretch of active work (days).
    pub work_days: f64,
    /// Waiting in review (days).
    pub review_days: f64,
    /// Chance that a review sends the work back.
    pub rework: f64,
    /// Chance of a blocked period while active (Jira only).
    pub blocked: f64,
    /// Chance of a security review (Jira only) and its median wait (days).
    pub security: f64,
    pub security_days: f64,
    /// Chance of a sign-off step (Jira only) and its median wait (days).
    pub approval: f64,
    pub approval_days: f64,
    /// Median wait for a pull request review (hours).
    pub pr_review_hours: f64,
    /// Approvals a pull request needs before merging.
    pub approvals: u8,
}

/// A team.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TeamDef {
    pub slug: &'static str,
    pub name: &'static str,
    pub tracker: Tracker,
    /// Jira project key or Linear team key (unused for GitHub-tracked teams).
    pub project: &'static str,
    /// Repositories in the GitHub organisation; the first is the main one.
    pub repos: &'static [&'static str],
    /// Relative share of the organisation's work.
    pub weight: f64,
    pub flow: Flow,
    pub vocab: &'static Vocab,
}

const BASE: Flow = Flow {
    triage_days: 2.0,
    queue_days: 2.5,
    work_days: 2.0,
    review_days: 1.0,
    rework: 0.35,
    blocked: 0.12,
    security: 0.05,
    security_days: 1.5,
    approval: 0.08,
    approval_days: 1.0,
    pr_review_hours: 8.0,
    approvals: 1,
};

/// Every team. Payments is the slow one: most of its work waits days for a security review (the
/// demo's bottleneck), and every pull request needs two approvals.
pub(crate) const TEAMS: &[TeamDef] = &[
    TeamDef {
        slug: "payments",
        name: "Payments",
        tracker: Tracker::Jira,
        project: "PAY",
        repos: &["payments-api", "ledger-service", "payouts-worker"],
        weight: 1.15,
        flow: Flow {
            triage_days: 3.0,
            queue_days: 4.0,
            work_days: 3.0,
            review_days: 2.5,
            rework: 0.4,
            blocked: 0.22,
            security: 0.65,
            security_days: 8.0,
            approval: 0.3,
            approval_days: 2.0,
            pr_review_hours: 20.0,
            approvals: 2,
        },
        vocab: &titles::PAYMENTS,
    },
    TeamDef {
        slug: "checkout",
        name: "Checkout",
        tracker: Tracker::Jira,
        project: "CHK",
        repos: &["checkout-web", "cart-service", "pricing-engine"],
        weight: 1.1,
        flow: Flow {
            triage_days: 1.5,
            queue_days: 2.0,
            approval: 0.3,
            approval_days: 1.5,
            pr_review_hours: 6.0,
            ..BASE
        },
        vocab: &titles::CHECKOUT,
    },
    TeamDef {
        slug: "platform",
        name: "Platform",
        tracker: Tracker::GitHub,
        project: "",
        repos: &[
            "platform-infra",
            "deploy-pipeline",
            "terraform-modules",
            "service-mesh",
        ],
        weight: 1.0,
        flow: Flow {
            queue_days: 3.0,
            work_days: 2.5,
            review_days: 1.5,
            pr_review_hours: 10.0,
            ..BASE
        },
        vocab: &titles::PLATFORM,
    },
    TeamDef {
        slug: "mobile",
        name: "Mobile",
        tracker: Tracker::Linear,
        project: "MOB",
        repos: &["ios-app", "android-app", "mobile-bff"],
        weight: 1.0,
        flow: Flow {
            work_days: 2.5,
            pr_review_hours: 7.0,
            ..BASE
        },
        vocab: &titles::MOBILE,
    },
    TeamDef {
        slug: "identity",
        name: "Identity",
        tracker: Tracker::Jira,
        project: "IAM",
        repos: &["auth-service", "sso-gateway", "user-directory"],
        weight: 0.8,
        flow: Flow {
            triage_days: 3.0,
            queue_days: 3.0,
            work_days: 2.5,
            review_days: 1.5,
            security: 0.3,
            security_days: 2.0,
            approval: 0.1,
            pr_review_hours: 10.0,
            ..BASE
        },
        vocab: &titles::IDENTITY,
    },
    TeamDef {
        slug: "data",
        name: "Data",
        tracker: Tracker::Linear,
        project: "DATA",
        repos: &["data-pipelines", "warehouse-models", "event-collector"],
        weight: 0.9,
        flow: Flow {
            queue_days: 3.0,
            ..BASE
        },
        vocab: &titles::DATA,
    },
    TeamDef {
        slug: "growth",
        name: "Growth",
        tracker: Tracker::Linear,
        project: "GRO",
        repos: &["growth-experiments", "marketing-site", "referrals-service"],
        weight: 1.1,
        flow: Flow {
            triage_days: 1.0,
            queue_days: 1.5,
            work_days: 1.5,
            review_days: 0.6,
            rework: 0.25,
            pr_review_hours: 4.0,
            ..BASE
        },
        vocab: &titles::GROWTH,
    },
    TeamDef {
        slug: "security",
        name: "Security",
        tracker: Tracker::Jira,
        project: "SEC",
        repos: &["security-scanners", "secrets-broker", "waf-rules"],
        weight: 0.6,
        flow: Flow {
            work_days: 2.0,
            review_days: 1.2,
            security: 0.4,
            security_days: 2.0,
            approval: 0.15,
            pr_review_hours: 12.0,
            approvals: 2,
            ..BASE
        },
        vocab: &titles::SECURITY,
    },
];

/// Index of the Security team in [`TEAMS`] (it owns the hostile-looking ticket and reviews).
pub(crate) const SECURITY_TEAM: usize = 7;

/// A goal: the top of the intent tree.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GoalDef {
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// Its owner is this team's lead.
    pub owner_team: usize,
    /// Target date, in days after the end of the history.
    pub target_days: i64,
}

/// An initiative under a goal.
#[derive(Debug, Clone, Copy)]
pub(crate) struct InitiativeDef {
    pub id: &'static str,
    pub goal: usize,
    pub title: &'static str,
    pub description: &'static str,
    /// Teams contributing; the first owns it.
    pub teams: &'static [usize],
    /// What its items are about (used for some of their titles).
    pub themes: &'static [&'static str],
    /// Target date, in days after the end of the history (negative: overdue).
    pub target_days: i64,
}

pub(crate) const GOALS: &[GoalDef] = &[
    GoalDef {
        id: "goal-checkout-abandonment",
        title: "Cut checkout abandonment by 15%",
        description:
            "Fewer shoppers leave between cart and confirmation, measured on web and mobile.",
        owner_team: 1,
        target_days: 95,
    },
    GoalDef {
        id: "goal-pci-soc2",
        title: "Pass PCI DSS 4.0 and SOC 2 Type II audits",
        description: "Both audits closed with no major findings before the renewal deadline.",
        owner_team: 7,
        target_days: 60,
    },
    GoalDef {
        id: "goal-ship-safely",
        title: "Ship twice as often with half the incidents",
        description: "Deploy frequency doubles while change failure rate halves.",
        owner_team: 2,
        target_days: 150,
    },
];

pub(crate) const INITIATIVES: &[InitiativeDef] = &[
    InitiativeDef {
        id: "init-one-page-checkout",
        goal: 0,
        title: "One-page checkout on web and mobile",
        description: "Replace the three-step checkout with a single page.",
        teams: &[1, 3],
        themes: &[
            "the one-page checkout",
            "address autocomplete",
            "express checkout buttons",
            "guest checkout",
        ],
        target_days: 30,
    },
    InitiativeDef {
        id: "init-wallets",
        goal: 0,
        title: "Apple Pay and Google Pay everywhere",
        description: "Wallet payments on every surface that takes a card.",
        teams: &[0, 3, 1],
        themes: &[
            "Apple Pay tokens",
            "the Apple Pay sheet",
            "Google Pay tokens",
            "wallet button placement",
        ],
        target_days: -12,
    },
    InitiativeDef {
        id: "init-fewer-3ds-challenges",
        goal: 0,
        title: "Fewer, faster 3-D Secure challenges",
        description: "Frictionless flow for low-risk payments; challenges under 10 seconds.",
        teams: &[0, 1],
        themes: &[
            "3-D Secure challenges",
            "fraud scoring",
            "exemption requests",
            "acquirer routing",
        ],
        target_days: 45,
    },
    InitiativeDef {
        id: "init-tokenize-card-data",
        goal: 1,
        title: "Tokenize all stored card data",
        description: "No primary account number stored outside the vault.",
        teams: &[0, 7],
        themes: &[
            "card tokenization",
            "the card vault",
            "PAN redaction in logs",
            "key rotation",
        ],
        target_days: 20,
    },
    InitiativeDef {
        id: "init-sso-mfa",
        goal: 1,
        title: "SSO and MFA for every internal tool",
        description: "Every internal tool behind SSO, with phishing-resistant MFA.",
        teams: &[4, 7],
        themes: &[
            "SSO for internal tools",
            "MFA enrollment",
            "passkeys",
            "access reviews",
        ],
        target_days: 75,
    },
    InitiativeDef {
        id: "init-vuln-sla",
        goal: 1,
        title: "No critical vulnerability older than 30 days",
        description: "Scanner findings triaged in a day, criticals fixed within 30.",
        teams: &[7, 2],
        themes: &[
            "the vulnerability backlog",
            "dependency scanning",
            "base container images",
            "container image signing",
        ],
        target_days: 0,
    },
    InitiativeDef {
        id: "init-shared-pipeline",
        goal: 2,
        title: "Every service on the shared deploy pipeline",
        description: "Canary releases and automatic rollback for every service.",
        teams: &[2, 5, 4],
        themes: &[
            "the deploy pipeline",
            "canary releases",
            "automatic rollback",
            "preview environments",
        ],
        target_days: 120,
    },
    InitiativeDef {
        id: "init-self-serve-onboarding",
        goal: 2,
        title: "Self-serve onboarding experiments",
        description: "Weekly onboarding experiments without an engineering release.",
        teams: &[6, 5, 4],
        themes: &[
            "onboarding emails",
            "feature flags",
            "A/B test assignment",
            "signup conversion",
        ],
        target_days: 100,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_organisation_is_consistent() {
        assert_eq!(
            TEAMS[SECURITY_TEAM].slug, "security",
            "SECURITY_TEAM points at the Security team"
        );
        for goal in GOALS {
            assert!(
                goal.owner_team < TEAMS.len(),
                "{} is owned by a real team",
                goal.id
            );
        }
        for initiative in INITIATIVES {
            assert!(
                initiative.goal < GOALS.len(),
                "{} sits under a real goal",
                initiative.id
            );
            assert!(
                initiative.teams.iter().all(|t| *t < TEAMS.len()),
                "{} names real teams",
                initiative.id
            );
            assert!(!initiative.teams.is_empty() && !initiative.themes.is_empty());
        }
        for team in TEAMS {
            assert!(
                !team.repos.is_empty(),
                "{} has repositories for its pull requests",
                team.name
            );
            assert_eq!(
                team.tracker == Tracker::GitHub,
                team.project.is_empty(),
                "only GitHub teams lack a project key"
            );
        }
    }
}
