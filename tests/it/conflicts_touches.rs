//! Who changes whose code, people's conflict rules and their answers to conflicts, on a
//! hand-made graph whose every number is known: the small graph (`common::small_graph`) with
//! two repositories, their `CODEOWNERS` and the files of its three pull requests.
//!
//! | pull request | team | state | made by | opened | files | owners of the files |
//! |---|---|---|---|---|---|---|
//! | gh-1 acme/pay#1 | Payments | merged | an agent | T0 | platform-lib/a.rs, src/x.rs | Platform, Payments |
//! | gh-2 acme/pay#2 | Payments | open | an agent | T0 + 1 day | platform-lib/b.rs | Platform |
//! | gh-3 acme/plat#3 | Platform | open (draft) | a person | T0 + 2 days | payments/refund.rs, README.md | Payments, Platform |
//!
//! Ann (Platform) approved gh-1.

use baton_core::conflicts::answers::{self, ConflictAnswerInput};
use baton_core::conflicts::rules::{self, SensitivePathRule};
use baton_core::conflicts::touches::{self, TouchesQuery};
use baton_core::conflicts::{live, ConflictRule};
use baton_core::demo::{self, DemoGraph};
use baton_core::deps::DepsFilter;
use baton_core::graph::repo::item_paths::{ItemPath, PathList, RepoOwners};
use baton_core::graph::{Workspace, WriteOp, Writer};
use baton_core::ingest::write::{commit_page, PageWrite, RunFigures};
use baton_core::triage::{self, Reason, TriageQuery};
use baton_core::CoreError;

use crate::common::{small_graph, DAY, T0};

const NOW: i64 = T0 + 10 * DAY;

fn list(item: &str, files: &[&str]) -> PathList {
    PathList {
        item_id: item.into(),
        files: files.len() as i64,
        truncated: false,
        read_for: T0,
        paths: files
            .iter()
            .map(|p| ItemPath {
                item_id: item.into(),
                path: (*p).into(),
                status: "modified".into(),
                additions: 1,
                deletions: 0,
                previous_path: None,
            })
            .collect(),
    }
}

fn owners(repository: &str, body: &str) -> RepoOwners {
    RepoOwners {
        source_id: "src-gh".into(),
        repository: repository.into(),
        location: Some(".github/CODEOWNERS".into()),
        body: body.into(),
        sha: None,
        read_at: T0,
    }
}

fn graph() -> DemoGraph {
    let mut g = small_graph();
    g.people
        .iter_mut()
        .filter(|p| p.id == "p-ann")
        .for_each(|p| p.team_id = Some("team-plat".into()));
    g.paths = vec![
        list("gh-1", &["platform-lib/a.rs", "src/x.rs"]),
        list("gh-2", &["platform-lib/b.rs"]),
        list("gh-3", &["README.md", "payments/refund.rs"]),
    ];
    g.owners = vec![
        owners(
            "acme/pay",
            "* @acme/payments\n/platform-lib/ @acme/platform\n",
        ),
        owners("acme/plat", "* @acme/platform\n/payments/ @acme/payments\n"),
    ];
    g
}

async fn workspace(dir: &std::path::Path) -> Workspace {
    let ws = Workspace::create(&dir.join("touches.baton")).await.unwrap();
    demo::write(&ws, &graph()).await.unwrap();
    ws
}

fn query(days: Option<u32>, teams: &[&str]) -> TouchesQuery {
    TouchesQuery {
        filter: DepsFilter {
            teams: teams.iter().map(|t| (*t).to_owned()).collect(),
            intents: Vec::new(),
        },
        days,
    }
}

/// (from, to, pull requests, open, by agents, not reviewed by the owners, paths) per pair.
type Row = (String, String, u32, u32, u32, u32, u32);

fn cells(r: &touches::TouchesReport) -> Vec<Row> {
    r.cells
        .iter()
        .map(|c| {
            (
                c.from_team.clone(),
                c.to_team.clone(),
                c.pulls,
                c.open,
                c.ai,
                c.unreviewed,
                c.paths,
            )
        })
        .collect()
}

fn row(from: &str, to: &str, n: [u32; 5]) -> Row {
    (from.into(), to.into(), n[0], n[1], n[2], n[3], n[4])
}

#[tokio::test]
async fn who_changes_whose_code_counts_pull_requests_per_pair_over_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;

    let all = touches::report(&ws, &query(None, &[]), NOW).await.unwrap();
    assert_eq!(
        cells(&all),
        vec![
            row("Payments", "Platform", [2, 1, 2, 1, 2]),
            row("Platform", "Payments", [1, 1, 0, 1, 1]),
        ],
        "gh-1 and gh-2 change Platform's platform-lib/ (gh-1 approved by Ann of Platform); gh-3 \
         changes Payments' payments/; paths a team owns itself are not counted"
    );
    assert_eq!(
        (
            all.pulls_read,
            all.pulls_touching,
            all.repositories_with_owners
        ),
        (3, 3, 2)
    );
    assert_eq!(all.from, None, "no window");

    let recent = touches::report(&ws, &query(Some(9), &[]), NOW)
        .await
        .unwrap();
    assert_eq!(
        cells(&recent),
        vec![
            row("Payments", "Platform", [1, 1, 1, 1, 1]),
            row("Platform", "Payments", [1, 1, 0, 1, 1]),
        ],
        "gh-1 was opened at T0, before the last 9 days"
    );
    assert_eq!(recent.pulls_read, 2);
    assert_eq!(recent.from.as_deref(), Some("2026-03-03T00:00:00Z"));

    let nobody = touches::report(&ws, &query(None, &["team-none"]), NOW)
        .await
        .unwrap();
    assert!(
        nobody.cells.is_empty(),
        "a team filter keeps the pairs of the chosen teams"
    );
    let plat = touches::report(&ws, &query(None, &["team-plat"]), NOW)
        .await
        .unwrap();
    assert_eq!(plat.cells.len(), 2, "Platform is on one side of both pairs");

    assert!(
        matches!(
            touches::report(&ws, &query(Some(0), &[]), NOW).await,
            Err(CoreError::Invalid(_))
        ),
        "a window of 0 days is refused"
    );

    let drill = touches::pulls(&ws, &query(None, &[]), "team-pay", "team-plat", NOW)
        .await
        .unwrap();
    assert_eq!(drill.total, 2, "the drill-down lists what the cell counts");
    let listed: Vec<(&str, bool, &str, Vec<&str>)> = drill
        .pulls
        .iter()
        .map(|p| {
            (
                p.item.key.as_str(),
                p.reviewed,
                p.item.title.as_str(),
                p.paths.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        vec![
            (
                "acme/pay#2",
                false,
                "Title of acme/pay#2",
                vec!["platform-lib/b.rs"]
            ),
            (
                "acme/pay#1",
                true,
                "Title of acme/pay#1",
                vec!["platform-lib/a.rs"]
            ),
        ],
        "newest first, with the owning team's paths only, titles as written"
    );
    let none = touches::pulls(&ws, &query(None, &[]), "team-plat", "team-plat", NOW)
        .await
        .unwrap();
    assert_eq!((none.total, none.to_team.as_str()), (0, "Platform"));

    // `baton conflicts` lists the same pairs over every pull request.
    let report = live::compute(&ws).await.unwrap();
    let listed: Vec<(&str, &str, u32, u32, u32)> = report
        .touches
        .iter()
        .map(|t| {
            (
                t.from_team.as_str(),
                t.to_team.as_str(),
                t.changes,
                t.open,
                t.ai,
            )
        })
        .collect();
    assert_eq!(
        listed,
        vec![
            ("Payments", "Platform", 2, 1, 2),
            ("Platform", "Payments", 1, 1, 0)
        ]
    );
}

#[tokio::test]
async fn owner_rules_and_sensitive_paths_are_edited_and_the_conflicts_follow() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let view = rules::view(&ws).await.unwrap();
    assert!(view.sensitive_defaults && view.owner_rules.is_empty());
    let seen: Vec<(&str, u32, Option<&str>)> = view
        .seen_owners
        .iter()
        .map(|s| (s.owner.as_str(), s.repositories, s.team_name.as_deref()))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("@acme/payments", 2, Some("Payments")),
            ("@acme/platform", 2, Some("Platform"))
        ],
        "each owner the CODEOWNERS files name, mapped by its @org/<team> name"
    );

    // The security team's paths: gh-3 changes payments/refund.rs, sensitive by default and
    // owned by Payments, who did not approve it.
    let flags = |r: &live::ChangeConflictsReport, id: &str| -> Vec<ConflictRule> {
        r.conflicts
            .iter()
            .filter(|c| c.item.id == id)
            .map(|c| c.rule)
            .collect()
    };
    let before = live::compute(&ws).await.unwrap();
    assert!(flags(&before, "gh-3").contains(&ConflictRule::SensitiveUnreviewed));

    rules::set_sensitive_paths(&ws, &[], "lead", NOW)
        .await
        .unwrap();
    let none = live::compute(&ws).await.unwrap();
    assert!(
        !flags(&none, "gh-3").contains(&ConflictRule::SensitiveUnreviewed),
        "every sensitive path removed: none is sensitive, the defaults do not come back"
    );
    let view = rules::view(&ws).await.unwrap();
    assert!(!view.sensitive_defaults && view.sensitive.is_empty());
    assert_eq!(view.sensitive_updated_by.as_deref(), Some("lead"));

    rules::set_sensitive_paths(
        &ws,
        &[SensitivePathRule {
            pattern: "README.md".into(),
            label: "docs".into(),
            reviewer_team_id: Some("team-pay".into()),
        }],
        "lead",
        NOW,
    )
    .await
    .unwrap();
    let docs = live::compute(&ws).await.unwrap();
    let f = docs
        .conflicts
        .iter()
        .find(|c| c.item.id == "gh-3" && c.rule == ConflictRule::SensitiveUnreviewed)
        .expect("README.md now needs Payments' review");
    assert_eq!(f.other_team.as_deref(), Some("Payments"));
    assert!(
        matches!(
            rules::set_sensitive_paths(
                &ws,
                &[SensitivePathRule {
                    pattern: "a b".into(),
                    label: "x".into(),
                    reviewer_team_id: None,
                }],
                "lead",
                NOW,
            )
            .await,
            Err(CoreError::Invalid(_))
        ),
        "a pattern with a space is refused"
    );

    // @acme/platform is Payments by rule: Payments' platform-lib/ changes are its own code.
    rules::set_owner_rule(&ws, "@ACME/platform", Some("team-pay"), "lead", NOW)
        .await
        .unwrap();
    let moved = touches::report(&ws, &query(None, &[]), NOW).await.unwrap();
    assert_eq!(
        cells(&moved),
        vec![row("Platform", "Payments", [1, 1, 0, 1, 2])],
        "platform-lib/ is Payments' own code now; in acme/plat the catch-all (README.md) maps \
         to Payments too, so gh-3 touches two of its paths"
    );
    let view = rules::view(&ws).await.unwrap();
    assert_eq!(view.owner_rules.len(), 1);
    assert_eq!(
        (
            view.owner_rules[0].team_name.as_str(),
            view.owner_rules[0].updated_by.as_str()
        ),
        ("Payments", "lead")
    );
    rules::set_owner_rule(&ws, "@acme/platform", None, "lead", NOW)
        .await
        .unwrap();
    let back = touches::report(&ws, &query(None, &[]), NOW).await.unwrap();
    assert_eq!(
        cells(&back),
        vec![
            row("Payments", "Platform", [2, 1, 2, 1, 2]),
            row("Platform", "Payments", [1, 1, 0, 1, 1]),
        ],
        "the rule removed, the name decides again"
    );
    assert!(
        matches!(
            rules::set_owner_rule(&ws, "@acme/platform", Some("team-none"), "lead", NOW).await,
            Err(CoreError::NotFound(_))
        ),
        "a team that does not exist is refused"
    );
    assert!(
        matches!(
            rules::set_owner_rule(&ws, "platform", Some("team-pay"), "lead", NOW).await,
            Err(CoreError::Invalid(_))
        ),
        "an owner is @user, @org/team or an e-mail"
    );
}

/// Moves an item's update time, as a sync of new commits would.
struct Touch<'a>(&'a str, i64);

impl WriteOp for Touch<'_> {
    type Output = ();
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> Result<(), CoreError> {
        sqlx::query("UPDATE items SET updated_at = ?2 WHERE id = ?1")
            .bind(self.0)
            .bind(self.1)
            .execute(&mut *w.conn())
            .await?;
        w.items_changed([self.0]);
        Ok(())
    }
}

fn conflicting(l: &triage::TriageList) -> Vec<String> {
    l.rows
        .iter()
        .filter(|r| {
            r.reasons
                .iter()
                .any(|x| x.reason == Reason::ConflictingChange)
        })
        .map(|r| r.id.clone())
        .collect()
}

#[tokio::test]
async fn a_dismissed_conflict_leaves_triage_until_the_pull_request_changes() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let q = TriageQuery {
        reasons: vec![Reason::ConflictingChange],
        limit: 1000,
        ..TriageQuery::default()
    };
    let listed = triage::triage_list(&ws, &q, NOW).await.unwrap();
    assert!(conflicting(&listed).contains(&"gh-2".to_owned()));
    let report = live::compute(&ws).await.unwrap();
    let own: Vec<_> = report
        .conflicts
        .iter()
        .filter(|c| c.item.id == "gh-2")
        .collect();
    assert_eq!(own.len(), 1, "{own:?}");
    assert_eq!(
        (own[0].rule, own[0].other_id.as_deref()),
        (ConflictRule::CrossOwnerUnreviewed, Some("team-plat"))
    );

    let id = answers::answer(
        &ws,
        &ConflictAnswerInput {
            item: "gh-2".into(),
            rule: ConflictRule::CrossOwnerUnreviewed,
            other: Some("team-plat".into()),
            acknowledge: false,
            why: "platform-lib is vendored; Platform agreed".into(),
        },
        "lead",
        NOW,
    )
    .await
    .unwrap();
    let report = live::compute(&ws).await.unwrap();
    let answered = report
        .conflicts
        .iter()
        .find(|c| c.item.id == "gh-2")
        .and_then(|c| c.answer.clone())
        .expect("the drawer shows the answer");
    assert_eq!(
        (
            answered.acknowledged,
            answered.actor.as_str(),
            answered.why.as_str(),
            answered.decision_id.as_str()
        ),
        (
            false,
            "lead",
            "platform-lib is vendored; Platform agreed",
            id.as_str()
        )
    );
    let listed = triage::triage_list(&ws, &q, NOW).await.unwrap();
    assert!(
        !conflicting(&listed).contains(&"gh-2".to_owned()),
        "dismissed: off the Triage list"
    );
    let decisions = baton_core::decisions::decisions_list(&ws, Some("gh-2"))
        .await
        .unwrap();
    assert_eq!(
        decisions.last().map(|d| d.summary.as_str()),
        Some("Conflict dismissed: another team's code, not reviewed by it (Platform)"),
        "recorded like every decision, with who, when and why"
    );
    assert!(
        matches!(
            answers::answer(
                &ws,
                &ConflictAnswerInput {
                    item: "gh-2".into(),
                    rule: ConflictRule::Overlapping,
                    other: None,
                    acknowledge: true,
                    why: String::new(),
                },
                "lead",
                NOW,
            )
            .await,
            Err(CoreError::NotFound(_))
        ),
        "only a flagged conflict can be answered"
    );

    // New commits move the pull request's update time: the conflict is back.
    ws.write(Touch("gh-2", NOW)).await.unwrap();
    let listed = triage::triage_list(&ws, &q, NOW).await.unwrap();
    assert!(
        conflicting(&listed).contains(&"gh-2".to_owned()),
        "the pull request changed since the dismissal"
    );
    let report = live::compute(&ws).await.unwrap();
    assert!(report.conflicts.iter().all(|c| c.answer.is_none()));

    // Acknowledged again, then taken back: back at once.
    let id = answers::answer(
        &ws,
        &ConflictAnswerInput {
            item: "gh-2".into(),
            rule: ConflictRule::CrossOwnerUnreviewed,
            other: Some("team-plat".into()),
            acknowledge: true,
            why: "Platform reviews it Monday".into(),
        },
        "lead",
        NOW,
    )
    .await
    .unwrap();
    assert!(
        !conflicting(&triage::triage_list(&ws, &q, NOW).await.unwrap())
            .contains(&"gh-2".to_owned())
    );
    baton_core::decisions::revoke(&ws, &id, "lead", "", NOW)
        .await
        .unwrap();
    assert!(
        conflicting(&triage::triage_list(&ws, &q, NOW).await.unwrap()).contains(&"gh-2".to_owned())
    );
}

/// What a process that never asked before finds on the same file: the conflicts list and who
/// changes whose code.
async fn fresh(ws: &Workspace) -> (live::ChangeConflictsReport, touches::TouchesReport) {
    let other = Workspace::open(ws.path()).await.unwrap();
    let out = (
        live::compute(&other).await.unwrap(),
        touches::report(&other, &query(None, &[]), NOW)
            .await
            .unwrap(),
    );
    other.close().await;
    out
}

async fn asked(ws: &Workspace) -> (live::ChangeConflictsReport, touches::TouchesReport) {
    (
        live::compute(ws).await.unwrap(),
        touches::report(ws, &query(None, &[]), NOW).await.unwrap(),
    )
}

fn flagged(r: &live::ChangeConflictsReport) -> Vec<(String, ConflictRule)> {
    r.conflicts
        .iter()
        .map(|c| (c.item.id.clone(), c.rule))
        .collect()
}

/// The file lists, `CODEOWNERS` and rules are read once and kept between questions; a sync
/// page of new file lists, or of a new `CODEOWNERS`, is seen at the next question, and what
/// is kept always equals what a fresh process finds.
#[tokio::test]
async fn kept_conflicts_follow_a_sync_page_of_files_and_codeowners() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let first = asked(&ws).await;
    assert!(flagged(&first.0).contains(&("gh-2".into(), ConflictRule::CrossOwnerUnreviewed)));
    assert!(cells(&first.1).contains(&row("Payments", "Platform", [2, 1, 2, 1, 2])));
    assert_eq!(asked(&ws).await, first, "asked again, nothing changed");
    assert_eq!(fresh(&ws).await, first);

    // gh-2 now changes only Payments' own code: its flag and its touch go.
    let mut page = PageWrite::new("files:acme/pay");
    page.paths = vec![list("gh-2", &["src/y.rs"])];
    commit_page(&ws, "src-gh", "no-run", RunFigures::default(), &page, NOW)
        .await
        .unwrap();
    let moved = asked(&ws).await;
    assert!(
        !flagged(&moved.0).iter().any(|(id, _)| id == "gh-2"),
        "{:?}",
        flagged(&moved.0)
    );
    assert!(cells(&moved.1).contains(&row("Payments", "Platform", [1, 0, 1, 0, 1])));
    assert_eq!(fresh(&ws).await, moved);

    // The repository's CODEOWNERS gives src/ to Platform: gh-2 touches Platform again.
    let mut page = PageWrite::new("owners:acme/pay");
    page.owners = vec![owners(
        "acme/pay",
        "* @acme/payments\n/platform-lib/ @acme/platform\n/src/ @acme/platform\n",
    )];
    commit_page(&ws, "src-gh", "no-run", RunFigures::default(), &page, NOW)
        .await
        .unwrap();
    let owned = asked(&ws).await;
    assert!(flagged(&owned.0).contains(&("gh-2".into(), ConflictRule::CrossOwnerUnreviewed)));
    assert_eq!(fresh(&ws).await, owned);
    assert_ne!(owned, moved);
}

/// The other team's overlap flag of `item`, as the report lists it now.
fn overlap_of<'r>(
    r: &'r live::ChangeConflictsReport,
    item: &str,
    team: Option<&str>,
) -> &'r live::ConflictView {
    r.conflicts
        .iter()
        .find(|c| {
            c.item.id == item
                && c.rule == ConflictRule::Overlapping
                && c.other_id.as_deref() == team
        })
        .expect("the overlap is still flagged")
}

/// Answers every flag of `item` (acknowledged), the way the drawer does.
async fn answer_all(ws: &Workspace, item: &str) {
    let report = live::compute(ws).await.unwrap();
    for c in report
        .conflicts
        .iter()
        .filter(|c| c.item.id == item && c.answer.is_none())
    {
        answers::answer(
            ws,
            &ConflictAnswerInput {
                item: item.into(),
                rule: c.rule,
                other: c.other_id.clone(),
                acknowledge: true,
                why: "the teams talk at Monday's sync".into(),
            },
            "lead",
            DEMO_END,
        )
        .await
        .unwrap();
    }
}

const DEMO_END: i64 = 1_774_976_400_000;

/// An overlap is one flag per other team, naming every open change of that team on the same
/// files or module; answered, it holds while none of those changes moves and no other change
/// of that team comes to overlap, and answers given one other change at a time (as they were
/// when an overlap was one flag per other change) hold while each holds.
#[tokio::test]
async fn an_overlap_answered_holds_until_one_of_its_changes_moves_or_another_overlaps() {
    use baton_core::decisions::{self, DecisionInput, NewDecision};
    use baton_core::graph::model::{FlowState, ItemKind};
    let dir = tempfile::tempdir().unwrap();
    let ws = crate::common::demo_workspace(dir.path(), 3_000, DEMO_END).await;
    let q = TriageQuery {
        reasons: vec![Reason::ConflictingChange],
        limit: 1000,
        ..TriageQuery::default()
    };
    // A change whose overlap with one team names two changes or more, and an open change of
    // that team in the same repository that does not overlap it yet (whose files were read).
    let report = live::compute(&ws).await.unwrap();
    let ix = ws.index().await.unwrap();
    let open_pulls_of = |team: &str, repository: &str| -> Vec<String> {
        (0..ix.items.len())
            .filter(|&i| {
                let it = &ix.items[i];
                it.kind == ItemKind::PullRequest
                    && !matches!(it.flow, FlowState::Done | FlowState::Canceled)
                    && ix.teams.get(it.team as usize).is_some_and(|t| t.id == team)
                    && live::repository_of(&ix.item_keys[i]) == Some(repository)
            })
            .map(|i| ix.item_ids[i].to_owned())
            .collect()
    };
    let mut chosen = None;
    for c in report
        .conflicts
        .iter()
        .filter(|c| c.rule == ConflictRule::Overlapping)
    {
        let (Some(team), Some(repository)) =
            (c.other_id.as_deref(), live::repository_of(&c.item.key))
        else {
            continue;
        };
        if c.other_items.len() < 2 {
            continue;
        }
        for y in open_pulls_of(team, repository) {
            let listed = baton_core::graph::repo::item_paths::paths_of(ws.pool(), &y)
                .await
                .unwrap();
            if !listed.is_empty() && y != c.item.id && c.other_items.iter().all(|o| o.id != y) {
                chosen = Some((c.clone(), y, listed));
                break;
            }
        }
        if chosen.is_some() {
            break;
        }
    }
    drop(ix);
    let (flag, newcomer, newcomer_paths) = chosen.expect("the demo has such a change");
    let (x, team) = (flag.item.id.clone(), flag.other_id.clone());
    assert!(
        flag.other_items.iter().all(|o| o.team == flag.other_team),
        "the flag names the other team's changes: {flag:?}"
    );
    assert!(
        flag.reason.starts_with(&format!(
            "Open at the same time as {} changes of ",
            flag.other_items.len()
        )),
        "{}",
        flag.reason
    );

    // Every flag of the change answered: it leaves Triage; the decision says with whom.
    assert!(conflicting(&triage::triage_list(&ws, &q, DEMO_END).await.unwrap()).contains(&x));
    answer_all(&ws, &x).await;
    assert!(!conflicting(&triage::triage_list(&ws, &q, DEMO_END).await.unwrap()).contains(&x));
    let report = live::compute(&ws).await.unwrap();
    assert!(overlap_of(&report, &x, team.as_deref()).answer.is_some());
    let summaries: Vec<String> = decisions::decisions_list(&ws, Some(&x))
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.summary)
        .collect();
    let said = format!(
        "Conflict acknowledged: overlaps other open changes ({})",
        flag.other_team.clone().unwrap_or_default()
    );
    assert!(summaries.contains(&said), "{said} in {summaries:?}");

    // One of the other changes moves: that answer no longer holds, the others do.
    let moved = flag.other_items[1].id.clone();
    let at = ws
        .index()
        .await
        .unwrap()
        .item_ids
        .iter()
        .position(|id| id == moved)
        .unwrap();
    let was = ws.index().await.unwrap().items[at].updated;
    ws.write(Touch(&moved, was + 1)).await.unwrap();
    let report = live::compute(&ws).await.unwrap();
    assert!(overlap_of(&report, &x, team.as_deref()).answer.is_none());
    assert!(
        report
            .conflicts
            .iter()
            .filter(
                |c| c.item.id == x && (c.rule, &c.other_id) != (ConflictRule::Overlapping, &team)
            )
            .all(|c| c.answer.is_some()),
        "the change's other answers hold"
    );
    assert!(conflicting(&triage::triage_list(&ws, &q, DEMO_END).await.unwrap()).contains(&x));
    answer_all(&ws, &x).await;
    assert!(!conflicting(&triage::triage_list(&ws, &q, DEMO_END).await.unwrap()).contains(&x));

    // Another change of that team comes to touch the same files: the flag names it too, and
    // the answer, given before it overlapped, no longer holds.
    let mut files: Vec<String> = newcomer_paths.iter().map(|p| p.path.clone()).collect();
    files.push(flag.paths[0].clone());
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    files_page(&ws, &newcomer, &files).await;
    let report = live::compute(&ws).await.unwrap();
    let grown = overlap_of(&report, &x, team.as_deref());
    assert!(
        grown.other_items.iter().any(|o| o.id == newcomer),
        "{grown:?}"
    );
    assert!(grown.answer.is_none());
    assert!(conflicts_listed(&ws, &q, &x).await);

    // Answered one other change at a time (the way answers were recorded before): holds once
    // every change it names has one.
    let others: Vec<String> = grown.other_items.iter().map(|o| o.id.clone()).collect();
    for (n, o) in others.iter().enumerate() {
        decisions::record(
            &ws,
            NewDecision {
                item_id: x.clone(),
                input: DecisionInput::ConflictDismissed {
                    rule: ConflictRule::Overlapping,
                    other: Some(o.clone()),
                    others: Vec::new(),
                },
                actor: "lead".into(),
                why: "answered pair by pair".into(),
                reasons: vec!["conflicting_change".into()],
                seen_updated_at: None,
                seen_changes: None,
                now: DEMO_END,
            },
        )
        .await
        .unwrap();
        let report = live::compute(&ws).await.unwrap();
        let answer = &overlap_of(&report, &x, team.as_deref()).answer;
        assert_eq!(
            answer.is_some(),
            n + 1 == others.len(),
            "{n} of {}",
            others.len()
        );
    }
    assert!(!conflicts_listed(&ws, &q, &x).await);

    // An overlap's answer that names no change (through the generic decision input) is refused.
    let unnamed = decisions::record(
        &ws,
        NewDecision {
            item_id: x.clone(),
            input: DecisionInput::ConflictAcknowledged {
                rule: ConflictRule::Overlapping,
                other: team.clone(),
                others: Vec::new(),
            },
            actor: "lead".into(),
            why: String::new(),
            reasons: Vec::new(),
            seen_updated_at: None,
            seen_changes: None,
            now: DEMO_END,
        },
    )
    .await;
    assert!(
        matches!(&unnamed, Err(CoreError::Invalid(m)) if m.contains("names the changes")),
        "{unnamed:?}"
    );
    ws.close().await;
}

async fn conflicts_listed(ws: &Workspace, q: &TriageQuery, item: &str) -> bool {
    conflicting(&triage::triage_list(ws, q, DEMO_END).await.unwrap()).contains(&item.to_owned())
}

/// A sync page of its source giving `item` the file list `files` (the item not on the page).
async fn files_page(ws: &Workspace, item: &str, files: &[&str]) {
    let source: String = sqlx::query_scalar("SELECT source_id FROM items WHERE id = ?1")
        .bind(item)
        .fetch_one(ws.pool())
        .await
        .unwrap();
    let mut page = PageWrite::new(&format!("files:{item}"));
    page.paths = vec![list(item, files)];
    write_page(ws, &source, &page).await;
}

/// Writes `page` of `source` as a sync page outside a run, at the demo's end.
async fn write_page(ws: &Workspace, source: &str, page: &PageWrite) {
    commit_page(ws, source, "no-run", RunFigures::default(), page, DEMO_END)
        .await
        .unwrap();
}

/// An approval of `.0` by the person `.1`, as a sync page records a review.
struct Approve<'a>(&'a str, &'a str, i64);

impl WriteOp for Approve<'_> {
    type Output = ();
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> Result<(), CoreError> {
        sqlx::query(
            "INSERT INTO transitions (item_id, event_id, kind, to_state, at, actor_id)
             VALUES (?1, 'approval-by-test', 'review', 'approved', ?3, ?2)",
        )
        .bind(self.0)
        .bind(self.1)
        .bind(self.2)
        .execute(&mut *w.conn())
        .await?;
        w.items_changed([self.0]);
        Ok(())
    }
}

/// A person moved to another team (what a team edit or a rule does).
struct MovePerson<'a>(&'a str, &'a str);

impl WriteOp for MovePerson<'_> {
    type Output = ();
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> Result<(), CoreError> {
        sqlx::query("UPDATE people SET team_id = ?2 WHERE id = ?1")
            .bind(self.0)
            .bind(self.1)
            .execute(&mut *w.conn())
            .await?;
        w.changed(baton_core::graph::write::ChangeKind::People);
        Ok(())
    }
}

/// How the kept grouping was last made: None from every stored list, Some(n) followed through
/// writes, n repositories grouped again.
async fn regrouped(ws: &Workspace) -> Option<u32> {
    let ix = ws.index().await.unwrap();
    live::grouped(ws, &ix).await.unwrap().regrouped
}

/// After a sync page, the conflicts' grouping is followed: only the repositories of the changes
/// the page wrote (their rows, changes, approvals, file lists) or whose `CODEOWNERS` it wrote are
/// read and checked again; and what that makes is, at every step, what a fresh process finds from
/// every stored list. A change of someone's team or of the owner rules reads everything again.
#[tokio::test]
async fn a_grouping_followed_through_sync_pages_is_the_one_read_afresh() {
    use baton_core::graph::model::{FlowState, ItemKind, Provenance};
    let dir = tempfile::tempdir().unwrap();
    let ws = crate::common::demo_workspace(dir.path(), 3_000, DEMO_END).await;
    let first = asked(&ws).await;
    assert_eq!(
        regrouped(&ws).await,
        None,
        "the first grouping reads every list"
    );
    assert_eq!(fresh(&ws).await, first);
    let ix = ws.index().await.unwrap();
    let repositories = live::grouped(&ws, &ix).await.unwrap().groups.len();
    assert!(repositories >= 4, "{repositories} repositories");

    // 1. A page of file lists: an open change takes the files of an open change of another team
    // (or one an agent made) in its repository, without the change itself on the page: an
    // overlap appears.
    let open_pull = |i: usize| {
        let it = &ix.items[i];
        it.kind == ItemKind::PullRequest
            && !matches!(it.flow, FlowState::Done | FlowState::Canceled)
    };
    let mut pair = None;
    'found: for a in (0..ix.items.len()).filter(|&i| open_pull(i)) {
        for b in (0..ix.items.len()).filter(|&i| open_pull(i)) {
            let ai = |i: usize| ix.items[i].provenance == Provenance::AiAgent;
            if a != b
                && (ix.items[a].team != ix.items[b].team || ai(a) || ai(b))
                && live::repository_of(&ix.item_keys[a]) == live::repository_of(&ix.item_keys[b])
            {
                let b_files =
                    baton_core::graph::repo::item_paths::paths_of(ws.pool(), &ix.item_ids[b])
                        .await
                        .unwrap();
                let overlapped = first.0.conflicts.iter().any(|c| {
                    c.item.id == ix.item_ids[a]
                        && c.other_items.iter().any(|o| o.id == ix.item_ids[b])
                });
                if !b_files.is_empty() && !overlapped {
                    pair = Some((
                        ix.item_ids[a].to_owned(),
                        ix.item_ids[b].to_owned(),
                        b_files,
                    ));
                    break 'found;
                }
            }
        }
    }
    let (a, b, b_files) = pair.expect("the demo has two such open changes in one repository");
    let files: Vec<&str> = b_files.iter().map(|p| p.path.as_str()).collect();
    files_page(&ws, &a, &files).await;
    let listed = asked(&ws).await;
    assert_eq!(
        regrouped(&ws).await,
        Some(1),
        "one repository grouped again"
    );
    assert!(
        listed.0.conflicts.iter().any(|c| c.item.id == a
            && c.rule == ConflictRule::Overlapping
            && c.other_items.iter().any(|o| o.id == b)),
        "the new overlap is found"
    );
    assert_eq!(fresh(&ws).await, listed);

    // 2. An approval by the owning team of a change flagged for changing its code unreviewed.
    let flag = listed
        .0
        .conflicts
        .iter()
        .find(|c| c.rule == ConflictRule::CrossOwnerUnreviewed && c.other_id.is_some())
        .expect("the demo has a change of another team's code without its review")
        .clone();
    let approver: String = sqlx::query_scalar("SELECT id FROM people WHERE team_id = ?1 LIMIT 1")
        .bind(flag.other_id.as_deref())
        .fetch_one(ws.pool())
        .await
        .unwrap();
    ws.write(Approve(&flag.item.id, &approver, DEMO_END))
        .await
        .unwrap();
    let approved = asked(&ws).await;
    assert_eq!(
        regrouped(&ws).await,
        Some(1),
        "one repository grouped again"
    );
    assert!(!approved
        .0
        .conflicts
        .iter()
        .any(|c| c.item.id == flag.item.id
            && c.rule == ConflictRule::CrossOwnerUnreviewed
            && c.other_id == flag.other_id));
    assert_eq!(fresh(&ws).await, approved);

    // 3. The CODEOWNERS of a repository with a change flagged for changing another team's code,
    // read again: nobody a team maps to owns anything there now.
    let owned_flag = approved
        .0
        .conflicts
        .iter()
        .find(|c| c.rule == ConflictRule::CrossOwnerUnreviewed)
        .expect("another change of another team's code");
    let owner_repository = live::repository_of(&owned_flag.item.key)
        .unwrap()
        .to_owned();
    let owner_source: String = sqlx::query_scalar("SELECT source_id FROM items WHERE id = ?1")
        .bind(&owned_flag.item.id)
        .fetch_one(ws.pool())
        .await
        .unwrap();
    let mut page = PageWrite::new("owners:last");
    page.owners = vec![RepoOwners {
        source_id: owner_source.clone(),
        repository: owner_repository.clone(),
        location: Some(".github/CODEOWNERS".into()),
        body: "* @nobody-maps-to-a-team\n".into(),
        sha: None,
        read_at: DEMO_END,
    }];
    write_page(&ws, &owner_source, &page).await;
    let owned = asked(&ws).await;
    assert_eq!(
        regrouped(&ws).await,
        Some(1),
        "one repository grouped again"
    );
    assert_ne!(owned, approved, "the repository's owners moved its flags");
    assert_eq!(fresh(&ws).await, owned);

    // 4. A write that touches no change (an issue's update): nothing grouped again.
    let issue = (0..ix.items.len())
        .find(|&i| ix.items[i].kind != ItemKind::PullRequest)
        .map(|i| (ix.item_ids[i].to_owned(), ix.items[i].updated))
        .unwrap();
    ws.write(Touch(&issue.0, issue.1 + 1)).await.unwrap();
    let touched = asked(&ws).await;
    assert_eq!(regrouped(&ws).await, Some(0));
    assert_eq!(touched, owned);
    assert_eq!(fresh(&ws).await, touched);

    // 5. The approver moves to another team: every approval may count otherwise, all is read.
    let other_team = ix
        .teams
        .iter()
        .find(|t| Some(&t.id) != flag.other_id.as_ref())
        .unwrap()
        .id
        .clone();
    ws.write(MovePerson(&approver, &other_team)).await.unwrap();
    let moved = asked(&ws).await;
    assert_eq!(regrouped(&ws).await, None);
    assert!(
        moved.0.conflicts.iter().any(|c| c.item.id == flag.item.id
            && c.rule == ConflictRule::CrossOwnerUnreviewed
            && c.other_id == flag.other_id),
        "the approval no longer counts for the owners"
    );
    assert_eq!(fresh(&ws).await, moved);
    drop(ix);
    ws.close().await;
}
