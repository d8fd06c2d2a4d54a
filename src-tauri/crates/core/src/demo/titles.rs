//! Work item titles: templates per kind, filled from each team's domain vocabulary.
//!
//! Placeholders: `{o}` a thing the team owns, `{c}` a condition, `{s}` a surface (service, screen,
//! tool), `{t}` a technology; an upper-case letter (`{O}`, `{S}`, `{T}`) capitalises the first
//! letter. No vocabulary entry contains markup: the one hostile-looking title is set on purpose by
//! the generator, nowhere else.

use super::rng::Rng;
use crate::graph::model::ItemKind;

/// The words a team's titles are made of.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Vocab {
    pub objects: &'static [&'static str],
    pub conditions: &'static [&'static str],
    pub surfaces: &'static [&'static str],
    pub techs: &'static [&'static str],
}

pub(crate) const PAYMENTS: Vocab = Vocab {
    objects: &[
        "webhook delivery",
        "refund processing",
        "payout batches",
        "3-D Secure challenges",
        "card tokenization",
        "settlement reports",
        "acquirer routing",
        "chargeback imports",
        "ledger reconciliation",
        "currency conversion",
        "SEPA Direct Debit mandates",
        "Apple Pay tokens",
        "idempotency keys",
        "payment intents",
        "fraud scoring",
        "merchant fee invoices",
    ],
    conditions: &[
        "the acquirer times out",
        "the amount is in JPY",
        "a refund is partial",
        "the webhook is retried",
        "the card has expired",
        "the merchant has no payout account",
        "two captures race",
        "the bank returns a soft decline",
        "settlement files arrive late",
        "the ledger is mid-rollover",
    ],
    surfaces: &[
        "the merchant dashboard",
        "the payments API",
        "the ledger service",
        "the payout worker",
        "the finance export",
        "the admin console",
    ],
    techs: &[
        "Postgres 16",
        "the 2025 acquirer API",
        "Kafka",
        "gRPC",
        "the shared retry library",
    ],
};

pub(crate) const CHECKOUT: Vocab = Vocab {
    objects: &[
        "cart totals",
        "promo codes",
        "shipping estimates",
        "address autocomplete",
        "guest checkout",
        "saved payment methods",
        "tax calculation",
        "order confirmation emails",
        "the one-page checkout",
        "gift cards",
        "inventory holds",
        "price rounding",
        "express checkout buttons",
        "delivery slots",
    ],
    conditions: &[
        "the cart has more than 50 lines",
        "a promo code expires mid-session",
        "the shopper switches currency",
        "the address is outside the EU",
        "stock runs out during payment",
        "the session times out",
        "the basket is restored on another device",
        "a gift card covers part of the order",
    ],
    surfaces: &[
        "the checkout page",
        "the cart drawer",
        "the order summary",
        "the pricing engine",
        "the cart service",
    ],
    techs: &[
        "React 19",
        "Next.js 15",
        "the pricing rules engine",
        "Redis 7",
    ],
};

pub(crate) const PLATFORM: Vocab = Vocab {
    objects: &[
        "the deploy pipeline",
        "Kubernetes node pools",
        "Terraform state",
        "log retention",
        "service mesh certificates",
        "build caches",
        "canary releases",
        "preview environments",
        "autoscaling policies",
        "the secrets rotation job",
        "on-call runbooks",
        "database failover",
        "cost allocation tags",
        "base container images",
    ],
    conditions: &[
        "a node is drained",
        "the build cache is cold",
        "two deploys overlap",
        "the certificate is renewed",
        "a region fails over",
        "the runner pool is exhausted",
        "a Helm chart pins an old version",
    ],
    surfaces: &[
        "the CI pipeline",
        "the production cluster",
        "the staging cluster",
        "the developer portal",
        "the observability stack",
    ],
    techs: &[
        "Kubernetes 1.31",
        "Terraform 1.9",
        "Argo CD",
        "OpenTelemetry",
        "GitHub Actions runners",
        "Karpenter",
    ],
};

pub(crate) const MOBILE: Vocab = Vocab {
    objects: &[
        "push notifications",
        "offline mode",
        "biometric login",
        "deep links",
        "the order tracking screen",
        "in-app reviews",
        "dark mode",
        "image caching",
        "crash reporting",
        "app start time",
        "the onboarding carousel",
        "the Apple Pay sheet",
        "home screen widgets",
    ],
    conditions: &[
        "the app resumes from background",
        "the device is offline",
        "the screen rotates",
        "notification permission is denied",
        "the session token expires",
        "a deep link opens a logged-out app",
        "Android kills the activity",
        "the font size is set to largest",
    ],
    surfaces: &[
        "the iOS app",
        "the Android app",
        "the mobile BFF",
        "the home screen",
        "the settings screen",
    ],
    techs: &[
        "the new design system",
        "Kotlin Multiplatform",
        "the shared networking module",
        "Firebase Crashlytics",
    ],
};

pub(crate) const IDENTITY: Vocab = Vocab {
    objects: &[
        "SSO login",
        "SCIM provisioning",
        "password reset",
        "MFA enrollment",
        "session management",
        "OAuth refresh tokens",
        "passkeys",
        "role-based access",
        "audit logs",
        "account lockout",
        "SAML metadata",
        "user invitations",
        "service accounts",
    ],
    conditions: &[
        "the IdP clock drifts",
        "a user belongs to two orgs",
        "a refresh token is reused",
        "SCIM sends a partial update",
        "the session cookie grows too large",
        "MFA is reset by support",
        "the invite link is opened twice",
    ],
    surfaces: &[
        "the login page",
        "the auth service",
        "the SSO gateway",
        "the admin console",
        "the user directory",
    ],
    techs: &[
        "OpenID Connect",
        "WebAuthn",
        "the new token signer",
        "Argon2id",
    ],
};

pub(crate) const DATA: Vocab = Vocab {
    objects: &[
        "the orders pipeline",
        "dbt models",
        "event schemas",
        "the revenue dashboard",
        "late-arriving events",
        "data quality checks",
        "the customer 360 table",
        "warehouse costs",
        "PII masking",
        "backfills",
        "the attribution model",
        "freshness alerts",
        "the churn score",
    ],
    conditions: &[
        "events arrive out of order",
        "a schema field is renamed",
        "the nightly load overlaps a backfill",
        "a partition is empty",
        "the source sends duplicates",
        "timezones cross midnight",
    ],
    surfaces: &[
        "the warehouse",
        "the event collector",
        "Looker",
        "the data catalog",
        "the ingestion pipeline",
    ],
    techs: &[
        "dbt 1.8",
        "Airflow",
        "BigQuery",
        "Kafka Connect",
        "Iceberg tables",
    ],
};

pub(crate) const GROWTH: Vocab = Vocab {
    objects: &[
        "referral rewards",
        "the pricing page experiment",
        "onboarding emails",
        "signup conversion",
        "feature flags",
        "A/B test assignment",
        "the landing page",
        "trial reminders",
        "UTM attribution",
        "the invite flow",
        "paywall copy",
        "win-back campaigns",
    ],
    conditions: &[
        "a user signs up with SSO",
        "the experiment is paused",
        "the cookie banner is declined",
        "a referral code is reused",
        "the trial ends on a weekend",
        "the visitor arrives from a partner link",
    ],
    surfaces: &[
        "the marketing site",
        "the signup flow",
        "the referrals service",
        "the experiment dashboard",
        "lifecycle emails",
    ],
    techs: &["the feature flag service", "Segment", "Braze", "Next.js 15"],
};

pub(crate) const SECURITY: Vocab = Vocab {
    objects: &[
        "dependency scanning",
        "secret detection",
        "WAF rules",
        "the vulnerability backlog",
        "TLS configuration",
        "SSO for internal tools",
        "container image signing",
        "pen test findings",
        "access reviews",
        "the bug bounty intake",
        "S3 bucket policies",
        "audit evidence",
    ],
    conditions: &[
        "a scanner reports a false positive",
        "a secret is committed to a fork",
        "the WAF blocks a partner IP",
        "an image is unsigned",
        "a CVE lands on a Friday",
        "a contractor's access expires",
    ],
    surfaces: &[
        "the security scanners",
        "the secrets broker",
        "the WAF",
        "the SOC 2 evidence folder",
        "the CI pipeline",
    ],
    techs: &["Trivy", "Sigstore cosign", "Vault", "Semgrep", "GuardDuty"],
};

const FEATURE: &[&str] = &[
    "Add {o} to {s}",
    "Support {o} in {s}",
    "Show {o} in {s}",
    "Let admins configure {o}",
    "Expose {o} through the public API",
    "Backfill {o} for existing customers",
    "Roll out {o} to every region",
    "Add an audit trail for {o}",
    "Make {o} configurable per tenant",
    "New: {o} in {s}",
];

const DEFECT: &[&str] = &[
    "Retry {o} when {c}",
    "Errors in {o} when {c}",
    "Crash in {s} when {c}",
    "Wrong totals in {o} when {c}",
    "{O}: duplicate events when {c}",
    "{O} broken when {c}",
    "Timeouts in {s} when {c}",
    "Regression: {o} after the last release",
    "Flaky behaviour in {o} when {c}",
    "{S} returns 500 when {c}",
];

const TASK: &[&str] = &[
    "Migrate {o} to {t}",
    "Write a runbook for {o}",
    "Add alerting for {o}",
    "Upgrade {s} to {t}",
    "Load test {o}",
    "Document {o} for the support team",
    "Spike: evaluate {t} for {o}",
    "Add dashboards for {o}",
];

const DEBT: &[&str] = &[
    "Remove the legacy {o} code path",
    "Replace hand-rolled {o} with {t}",
    "Delete the feature flag for {o}",
    "Split {o} out of {s}",
    "Raise test coverage for {o}",
    "Clean up dead config in {s}",
    "Consolidate retries in {o}",
];

const RISK: &[&str] = &[
    "No rollback plan for {o}",
    "Single point of failure in {s}",
    "Audit access to {o}",
    "{T} end of life affects {o}",
    "Unencrypted personal data in {o}",
    "Capacity risk: {s} close to its limits",
    "Vendor contract renewal puts {o} at risk",
];

/// Pull requests that implement no tracked issue.
const PULL_REQUEST: &[&str] = &[
    "Add {o} to {s}",
    "Fix {o} when {c}",
    "Refactor {o}",
    "Add tests for {o}",
    "Improve logging in {s}",
    "Handle {c} in {o}",
    "Bump {t} in {s}",
    "Tidy up {o} error messages",
];

/// Extra templates for pull requests opened by AI coding agents.
const AI_PULL_REQUEST: &[&str] = &[
    "Add unit tests for {o}",
    "Fix lint warnings in {s}",
    "Update the README for {o}",
    "Increase test coverage of {o}",
    "Fix flaky test in {o}",
];

/// Fills `template` into `out`, drawing words from `vocab` (and `objects` for `{o}`).
fn fill(out: &mut String, template: &str, vocab: &Vocab, objects: &[&str], rng: &mut Rng) {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let tag = rest.as_bytes().get(open + 1).copied().unwrap_or(b'?');
        let word = match tag.to_ascii_lowercase() {
            b'o' => *rng.pick(objects),
            b'c' => *rng.pick(vocab.conditions),
            b's' => *rng.pick(vocab.surfaces),
            b't' => *rng.pick(vocab.techs),
            _ => "",
        };
        if tag.is_ascii_uppercase() {
            push_capitalised(out, word);
        } else {
            out.push_str(word);
        }
        rest = rest.get(open + 3..).unwrap_or("");
    }
    out.push_str(rest);
}

/// Appends `word` with its first letter in upper case.
fn push_capitalised(out: &mut String, word: &str) {
    let mut chars = word.chars();
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
        out.push_str(chars.as_str());
    }
}

/// A tracker issue's title. `focus` (an initiative's themes) replaces the team's objects when given.
pub(crate) fn issue(
    kind: ItemKind,
    vocab: &Vocab,
    focus: Option<&[&str]>,
    rng: &mut Rng,
) -> String {
    let templates = match kind {
        ItemKind::Feature => FEATURE,
        ItemKind::Defect => DEFECT,
        ItemKind::Debt => DEBT,
        ItemKind::Risk => RISK,
        _ => TASK,
    };
    let template = *rng.pick(templates);
    let mut out = String::with_capacity(64);
    fill(
        &mut out,
        template,
        vocab,
        focus.unwrap_or(vocab.objects),
        rng,
    );
    out
}

/// A title for a pull request that implements no tracked issue.
pub(crate) fn pull_request(vocab: &Vocab, ai: bool, rng: &mut Rng) -> String {
    let templates = if ai && rng.chance(0.5) {
        AI_PULL_REQUEST
    } else {
        PULL_REQUEST
    };
    let template = *rng.pick(templates);
    let mut out = String::with_capacity(64);
    fill(&mut out, template, vocab, vocab.objects, rng);
    out
}

/// A pull request title for the issue it implements, in one of the styles teams use.
pub(crate) fn implementing(
    issue_key: &str,
    issue_title: &str,
    issue_kind: ItemKind,
    tracker_key: bool,
    rng: &mut Rng,
) -> String {
    let mut out = String::with_capacity(issue_title.len() + 16);
    let roll = rng.f64();
    if tracker_key && roll < 0.45 {
        out.push_str(issue_key);
        out.push_str(": ");
        out.push_str(issue_title);
    } else if roll < 0.8 {
        out.push_str(match issue_kind {
            ItemKind::Defect | ItemKind::Risk => "fix: ",
            ItemKind::Debt => "refactor: ",
            ItemKind::Task => "chore: ",
            _ => "feat: ",
        });
        push_lowercased_first(&mut out, issue_title);
    } else {
        out.push_str(issue_title);
    }
    out
}

/// Appends `text` with its first letter lowered, unless the first word is an acronym ("SSO").
fn push_lowercased_first(out: &mut String, text: &str) {
    let mut chars = text.chars();
    match (chars.next(), chars.clone().next()) {
        (Some(first), Some(second)) if second.is_lowercase() => {
            out.extend(first.to_lowercase());
            out.push_str(chars.as_str());
        }
        _ => out.push_str(text),
    }
}

/// A second team's title for work another team already filed.
pub(crate) fn duplicate_of(title: &str, team_name: &str, rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => title.to_owned(),
        1 => format!("[{team_name}] {title}"),
        2 => format!("{title} (reported again)"),
        _ => format!("Investigate: {title}"),
    }
}

/// Words another team would use instead (whole words, first match only).
const RESTATE: &[(&str, &str)] = &[
    ("Add", "Implement"),
    ("Support", "Allow"),
    ("Show", "Display"),
    ("Errors", "Failures"),
    ("Crash", "Crashes"),
    ("Timeouts", "Slow responses"),
    ("Retry", "Automatically retry"),
    ("Migrate", "Move"),
    ("Write", "Create"),
    ("Upgrade", "Update"),
    ("Remove", "Drop"),
    ("Replace", "Swap"),
    ("Wrong", "Incorrect"),
    ("broken", "failing"),
    ("Audit", "Review"),
    ("Document", "Write docs for"),
    ("configurable", "adjustable"),
];

/// Another team's wording of the same work: a verb or adjective swapped for a synonym, an
/// article dropped, sometimes a tag or a request-style opening.
pub(crate) fn restated(title: &str, rng: &mut Rng) -> String {
    let mut words: Vec<String> = title.split(' ').map(str::to_owned).collect();
    let mut swapped_verb = false;
    if let Some((at, w)) = words
        .iter_mut()
        .enumerate()
        .find(|(_, w)| RESTATE.iter().any(|(from, _)| w.as_str() == *from))
    {
        if let Some((_, to)) = RESTATE.iter().find(|(from, _)| w.as_str() == *from) {
            *w = (*to).to_owned();
            swapped_verb = at == 0;
        }
    }
    if rng.chance(0.5) {
        if let Some(at) = words.iter().position(|w| w == "the") {
            words.remove(at);
        }
    }
    let body = words.join(" ");
    match rng.below(5) {
        0 => format!("Request: {body}"),
        1 if swapped_verb => format!("We need to {}", lower_first(&body)),
        2 => format!("{body} (from customer escalation)"),
        _ => body,
    }
}

fn lower_first(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_lowercased_first(&mut out, text);
    out
}

const NPM: &[&str] = &[
    "axios",
    "react-dom",
    "typescript",
    "eslint",
    "next",
    "@types/node",
    "vite",
    "zod",
    "jest",
    "webpack",
];
const GO: &[&str] = &[
    "github.com/aws/aws-sdk-go-v2",
    "google.golang.org/grpc",
    "github.com/stretchr/testify",
    "golang.org/x/net",
];
const PYTHON: &[&str] = &["urllib3", "requests", "sqlalchemy", "pydantic", "boto3"];
const IMAGES: &[&str] = &["node", "python", "golang", "postgres", "nginx"];
const DIRS: &[&str] = &["/", "/web", "/services/api", "/tools"];

/// A version like `5.3.2`, plus a later one.
fn versions(rng: &mut Rng) -> (String, String) {
    let major = rng.between(1, 18);
    let minor = rng.between(0, 30);
    let patch = rng.between(0, 12);
    let from = format!("{major}.{minor}.{patch}");
    let to = match rng.below(3) {
        0 => format!("{major}.{minor}.{}", patch + rng.between(1, 4)),
        1 => format!("{major}.{}.0", minor + rng.between(1, 3)),
        _ => format!("{}.0.0", major + 1),
    };
    (from, to)
}

/// The title a dependency updater gives its pull request.
pub(crate) fn dependency_update(renovate: bool, rng: &mut Rng) -> String {
    let (from, to) = versions(rng);
    if renovate {
        match rng.below(3) {
            0 => format!("chore(deps): update dependency {} to v{to}", rng.pick(NPM)),
            1 => {
                let module = rng.pick(GO);
                format!(
                    "fix(deps): update module {module} to v1.{}.{}",
                    rng.between(2, 40),
                    rng.between(0, 9)
                )
            }
            _ => format!(
                "chore(deps): update {} docker tag to v{to}",
                rng.pick(IMAGES)
            ),
        }
    } else {
        let package = if rng.chance(0.7) {
            *rng.pick(NPM)
        } else {
            *rng.pick(PYTHON)
        };
        let dir = *rng.pick(DIRS);
        if dir == "/" {
            format!("Bump {package} from {from} to {to}")
        } else {
            format!("Bump {package} from {from} to {to} in {dir}")
        }
    }
}

/// Linear's URL slug for a title: lower case, words joined by dashes, at most about 60 characters.
pub(crate) fn slug(title: &str) -> String {
    let mut out = String::with_capacity(title.len().min(64));
    let mut dash = false;
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                if out.len() >= 56 {
                    break;
                }
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [&Vocab; 8] = [
        &PAYMENTS, &CHECKOUT, &PLATFORM, &MOBILE, &IDENTITY, &DATA, &GROWTH, &SECURITY,
    ];

    #[test]
    fn templates_fill_every_placeholder() {
        let mut rng = Rng::new(3);
        for vocab in ALL {
            for kind in [
                ItemKind::Feature,
                ItemKind::Defect,
                ItemKind::Task,
                ItemKind::Debt,
                ItemKind::Risk,
            ] {
                for _ in 0..50 {
                    let title = issue(kind, vocab, None, &mut rng);
                    assert!(
                        !title.contains('{') && !title.contains('}'),
                        "no placeholder is left in {title:?}"
                    );
                    assert!(
                        !title.chars().next().is_some_and(char::is_lowercase),
                        "titles start upper-case: {title:?}"
                    );
                }
            }
            let pr = pull_request(vocab, true, &mut rng);
            assert!(
                !pr.contains('{'),
                "pull request titles are filled too: {pr:?}"
            );
        }
    }

    #[test]
    fn no_vocabulary_contains_markup() {
        let templates = [
            FEATURE,
            DEFECT,
            TASK,
            DEBT,
            RISK,
            PULL_REQUEST,
            AI_PULL_REQUEST,
        ];
        for vocab in ALL {
            for word in vocab
                .objects
                .iter()
                .chain(vocab.conditions)
                .chain(vocab.surfaces)
                .chain(vocab.techs)
            {
                assert!(
                    !word.contains('<') && !word.contains('>'),
                    "only the generator's one hostile title has markup"
                );
            }
        }
        for t in templates.iter().flat_map(|t| t.iter()) {
            assert!(!t.contains('<'), "templates carry no markup: {t}");
        }
    }

    #[test]
    fn slugs_look_like_linear_urls() {
        assert_eq!(
            slug("Retry webhook delivery when the acquirer times out"),
            "retry-webhook-delivery-when-the-acquirer-times-out"
        );
        assert_eq!(
            slug("A/B test assignment: 3-D Secure!"),
            "a-b-test-assignment-3-d-secure"
        );
        assert!(slug(&"word ".repeat(40)).len() <= 60, "long titles are cut");
    }

    #[test]
    fn implementing_titles_keep_acronyms() {
        let mut rng = Rng::new(9);
        for _ in 0..20 {
            let t = implementing(
                "IAM-7",
                "SSO login broken when the IdP clock drifts",
                ItemKind::Defect,
                false,
                &mut rng,
            );
            assert!(t.contains("SSO login"), "an acronym is not lowered: {t}");
        }
    }
}
