//! Decisions and approvals as work, on the Triage test graph plus two items a source shows as
//! waiting (an approval asked of its assignee, a decision of nobody in particular): what is
//! pending, its decider, due date and age; questions asked in Baton; answers that release the
//! items, are kept with who, when and why, and survive a sync; the log per team and intent; the
//! "waiting for a decision" figures against a hand-computed case.

use baton_core::approvals::{
    self, AnswerInput, AnswerOutcome, ApprovalKind, ApprovalOrigin, ApprovalQuery, ApprovalShow,
    DeciderKind, NewApproval,
};
use baton_core::decisions;
use baton_core::demo;
use baton_core::graph::model::*;
use baton_core::graph::repo::review_requests::ReviewRequest;
use baton_core::graph::Workspace;
use baton_core::ingest::write::PageWrite;

use baton_core::ingest::write::{commit_page, RunFigures};

use crate::triage::{change, graph, D, NOW};

/// Writes a page as a Jira sync would.
async fn jira_page(ws: &Workspace, page: &PageWrite) {
    commit_page(ws, "jira", "no-run", RunFigures::default(), page, NOW)
        .await
        .expect("page written");
}

const H: i64 = 3_600_000;
/// 2026-03-02T00:00:00Z, a Monday (the Triage graph's start).
const T0: i64 = NOW - 60 * D;
/// jira-approve waits for an approval since 2026-04-23 (Thursday) 10:00 UTC.
const APPROVE_SINCE: i64 = T0 + 52 * D + 10 * H;
/// jira-decide waits for a decision since 2026-04-21 (Tuesday) 09:00 UTC.
const DECIDE_SINCE: i64 = T0 + 50 * D + 9 * H;

fn waiting_item(id: &str, team: &str, owner: Option<&str>) -> WorkItem {
    let mut g = graph();
    let mut item = g
        .items
        .iter_mut()
        .find(|i| i.id == "jira-aging")
        .unwrap()
        .clone();
    item.id = id.into();
    item.external_id = id.into();
    item.key = id.to_uppercase();
    item.title = format!("Title of {id}");
    item.team_id = Some(team.into());
    item.owner_id = owner.map(Into::into);
    item.created_at = T0 + 30 * D;
    item
}

async fn workspace(dir: &std::path::Path) -> Workspace {
    let ws = Workspace::create(&dir.join("approvals.baton"))
        .await
        .unwrap();
    let mut g = graph();
    let mut approve = waiting_item("jira-approve", "pay", Some("ann"));
    approve.raw_state = "Awaiting approval".into();
    approve.flow_state = FlowState::Waiting;
    approve.wait_reason = Some(WaitReason::Approval);
    approve.updated_at = APPROVE_SINCE;
    let mut decide = waiting_item("jira-decide", "plat", None);
    decide.raw_state = "Needs decision".into();
    decide.flow_state = FlowState::Waiting;
    decide.wait_reason = Some(WaitReason::Decision);
    decide.updated_at = DECIDE_SINCE;
    g.items.push(approve);
    g.items.push(decide);
    let state = TransitionKind::State;
    g.transitions.extend([
        change(
            "jira-approve",
            1,
            state,
            Some("Backlog"),
            "In Progress",
            T0 + 31 * D,
            "ann",
        ),
        change(
            "jira-approve",
            2,
            state,
            Some("In Progress"),
            "Awaiting approval",
            APPROVE_SINCE,
            "ann",
        ),
        change(
            "jira-decide",
            1,
            state,
            Some("Backlog"),
            "In Progress",
            T0 + 31 * D,
            "bob",
        ),
        change(
            "jira-decide",
            2,
            state,
            Some("In Progress"),
            "Needs decision",
            DECIDE_SINCE,
            "bob",
        ),
    ]);
    demo::write(&ws, &g).await.unwrap();
    ws
}

async fn report(ws: &Workspace, show: ApprovalShow) -> approvals::ApprovalsReport {
    approvals::approvals_report(
        ws,
        &ApprovalQuery {
            show,
            ..ApprovalQuery::default()
        },
        NOW,
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn sources_show_pending_approvals_with_their_decider_due_date_and_age() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let r = report(&ws, ApprovalShow::Pending).await;
    let ids: Vec<&str> = r.approvals.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        ["src:jira-decide", "src:jira-approve"],
        "only the two items whose state means waiting for a decision or approval; the overdue one first"
    );
    let decide = &r.approvals[0];
    assert_eq!(decide.origin, ApprovalOrigin::Source);
    assert_eq!(decide.kind, ApprovalKind::Decision);
    assert_eq!(
        (decide.decider.kind, decide.decider.name.as_str()),
        (DeciderKind::Team, "Platform"),
        "nobody is assigned, so its team decides"
    );
    // 5 working days (40 hours, Mon-Fri 09-17 UTC) from Tuesday 09:00: Tue, Wed, Thu, Fri, Mon.
    assert_eq!(
        decide.due.as_deref(),
        Some("2026-04-27T17:00:00Z"),
        "due when the default decision-wait policy would be broken"
    );
    assert!(decide.overdue, "NOW (2026-05-01) is past the due date");
    assert_eq!(
        decide.waited_days, 9.6,
        "from Tuesday 09:00 to Friday 00:00 nine days later"
    );
    assert_eq!(decide.source_state.as_deref(), Some("Needs decision"));
    let approve = &r.approvals[1];
    assert_eq!(approve.kind, ApprovalKind::Approval);
    assert_eq!(
        (approve.decider.kind, approve.decider.name.as_str()),
        (DeciderKind::Person, "ANN"),
        "asked of its assignee"
    );
    assert_eq!(
        approve.due, None,
        "no default policy limits the wait for an approval"
    );
    assert!(!approve.overdue);
    assert_eq!(approve.waiting.len(), 1);
    assert_eq!(approve.waiting[0].key, "JIRA-APPROVE");
    assert_eq!((r.pending, r.overdue, r.answered), (2, 1, 0));
}

#[tokio::test]
async fn a_question_asked_in_baton_waits_until_answered_and_the_answer_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let asked_at = NOW - 3 * D;
    let id = approvals::ask(
        &ws,
        &NewApproval {
            kind: Some(ApprovalKind::Decision),
            question: "Ship payouts without the new ledger?".into(),
            decider: "cat".into(),
            waiting: vec!["jira-new-complete".into(), "jira-down".into()],
            due: Some("2026-04-30".into()),
            intent: Some("int-1".into()),
            why: "The ledger slips a month".into(),
            ..NewApproval::default()
        },
        "ann",
        asked_at,
    )
    .await
    .unwrap();
    let r = report(&ws, ApprovalShow::Pending).await;
    let a = r
        .approvals
        .iter()
        .find(|a| a.id == id)
        .expect("listed while pending");
    assert_eq!(a.origin, ApprovalOrigin::Baton);
    assert_eq!(
        (a.decider.kind, a.decider.id.as_deref()),
        (DeciderKind::Person, Some("cat"))
    );
    assert_eq!(a.asked_by.as_deref(), Some("ann"));
    assert_eq!(
        a.team_id.as_deref(),
        Some("pay"),
        "the first waiting item's team"
    );
    assert_eq!(a.intent_title.as_deref(), Some("Faster payouts"));
    assert!(
        a.overdue,
        "due 2026-04-30 00:00, asked of cat on the 28th, still pending on May 1st"
    );
    assert_eq!(a.waited_days, 3.0);
    let keys: Vec<&str> = a.waiting.iter().map(|w| w.key.as_str()).collect();
    assert_eq!(keys, ["JIRA-NEW-COMPLETE", "JIRA-DOWN"]);
    let pending = approvals::pending_for_item(&ws, "jira-down", NOW)
        .await
        .unwrap();
    assert_eq!(
        pending.len(),
        1,
        "the item's drawer says it waits on the question"
    );

    // A decision needs what was decided; then it is answered once.
    let bad = approvals::answer(
        &ws,
        &AnswerInput {
            approval: id.clone(),
            outcome: AnswerOutcome::Decided,
            answer: " ".into(),
            why: String::new(),
        },
        "cat",
        NOW - D,
    )
    .await;
    assert!(
        bad.is_err(),
        "a decision without what was decided is refused"
    );
    let answer_id = approvals::answer(
        &ws,
        &AnswerInput {
            approval: id.clone(),
            outcome: AnswerOutcome::Decided,
            answer: "Ship behind a flag".into(),
            why: "The old ledger copes for a month".into(),
        },
        "cat",
        NOW - D,
    )
    .await
    .unwrap();
    let again = approvals::answer(
        &ws,
        &AnswerInput {
            approval: id.clone(),
            outcome: AnswerOutcome::Approved,
            answer: String::new(),
            why: String::new(),
        },
        "bob",
        NOW,
    )
    .await;
    assert!(again.is_err(), "an answered question is not answered twice");
    assert!(
        approvals::pending_for_item(&ws, "jira-down", NOW)
            .await
            .unwrap()
            .is_empty(),
        "the answer releases the waiting items"
    );
    let log = report(&ws, ApprovalShow::Answered).await;
    let a = log
        .approvals
        .iter()
        .find(|a| a.id == id)
        .expect("in the log");
    let answer = a.answer.as_ref().unwrap();
    assert_eq!(
        (
            answer.by.as_str(),
            answer.answer.as_str(),
            answer.why.as_str(),
            answer.at.as_str()
        ),
        (
            "cat",
            "Ship behind a flag",
            "The old ledger copes for a month",
            "2026-04-30T00:00:00Z"
        )
    );
    assert_eq!(a.waited_days, 2.0, "asked to answered");
    assert!(!a.overdue, "answered questions are not overdue");
    // The item's history links the question and its answer.
    let history = decisions::decisions_list(&ws, Some("jira-down"))
        .await
        .unwrap();
    let summaries: Vec<&str> = history.iter().map(|d| d.summary.as_str()).collect();
    assert_eq!(
        summaries,
        [
            "Decision asked of CAT: Ship payouts without the new ledger?",
            "Decided: Ship behind a flag"
        ]
    );
    // Taking the answer back reopens the question.
    decisions::revoke(&ws, &answer_id, "cat", "asked the wrong team", NOW)
        .await
        .unwrap();
    assert_eq!(
        approvals::pending_for_item(&ws, "jira-down", NOW)
            .await
            .unwrap()
            .len(),
        1,
        "pending again once its answer is taken back"
    );
}

#[tokio::test]
async fn an_answer_releases_a_source_approval_until_the_item_changes_and_survives_a_sync() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    approvals::answer(
        &ws,
        &AnswerInput {
            approval: "src:jira-approve".into(),
            outcome: AnswerOutcome::Approved,
            answer: String::new(),
            why: "Signed off in the weekly review".into(),
        },
        "ann",
        NOW - H,
    )
    .await
    .unwrap();
    let r = report(&ws, ApprovalShow::All).await;
    let a = r
        .approvals
        .iter()
        .find(|a| a.id == "src:jira-approve")
        .unwrap();
    assert_eq!(
        a.answer.as_ref().map(|x| x.outcome),
        Some(AnswerOutcome::Approved)
    );
    assert_eq!((r.pending, r.answered), (1, 1), "released in Baton's view");
    assert!(
        approvals::answer(
            &ws,
            &AnswerInput {
                approval: "src:jira-aging".into(),
                outcome: AnswerOutcome::Approved,
                answer: String::new(),
                why: String::new(),
            },
            "ann",
            NOW,
        )
        .await
        .is_err(),
        "an item that waits for nothing cannot be approved"
    );

    // A sync that rewrites the item as it was keeps the answer in force.
    let mut page = PageWrite::new("issues:jira");
    let before = baton_core::graph::repo::items::get(ws.pool(), "jira-approve")
        .await
        .unwrap()
        .unwrap();
    page.items = vec![before.clone()];
    jira_page(&ws, &page).await;
    let r = report(&ws, ApprovalShow::Pending).await;
    assert!(
        r.approvals.iter().all(|a| a.id != "src:jira-approve"),
        "a sync that changes nothing does not bring it back"
    );

    // New data at the source (a change recorded later) brings it back, unanswered.
    let mut changed = before;
    changed.updated_at = NOW - H / 2;
    let mut page = PageWrite::new("issues:jira");
    page.items = vec![changed];
    page.transitions = vec![change(
        "jira-approve",
        9,
        TransitionKind::Label,
        None,
        "needs-legal",
        NOW - H / 2,
        "bob",
    )];
    jira_page(&ws, &page).await;
    let r = report(&ws, ApprovalShow::Pending).await;
    let back = r.approvals.iter().find(|a| a.id == "src:jira-approve");
    assert!(
        back.is_some_and(|a| a.answer.is_none()),
        "it changed since the answer, so it waits again"
    );
}

#[tokio::test]
async fn the_log_is_per_team_and_intent_and_waiting_time_is_hand_computed() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let ask =
        |question: &str, waiting: &[&str], team: Option<&str>, intent: Option<&str>| NewApproval {
            kind: Some(ApprovalKind::Approval),
            question: question.into(),
            decider: "Platform".into(),
            decider_is_team: true,
            waiting: waiting.iter().map(|s| (*s).to_owned()).collect(),
            team: team.map(Into::into),
            intent: intent.map(Into::into),
            ..NewApproval::default()
        };
    // Two open items wait 2 days on the first (answered); one waits 4 days on the second
    // (pending); the third covers a done item only.
    let first = approvals::ask(
        &ws,
        &ask(
            "A",
            &["jira-new-complete", "jira-down"],
            Some("pay"),
            Some("int-1"),
        ),
        "ann",
        NOW - 4 * D,
    )
    .await
    .unwrap();
    approvals::ask(
        &ws,
        &ask("B", &["jira-aging"], Some("plat"), None),
        "bob",
        NOW - 4 * D,
    )
    .await
    .unwrap();
    approvals::ask(
        &ws,
        &ask("C", &["jira-up"], Some("plat"), None),
        "bob",
        NOW - D,
    )
    .await
    .unwrap();
    approvals::answer(
        &ws,
        &AnswerInput {
            approval: first.clone(),
            outcome: AnswerOutcome::Rejected,
            answer: "Not this quarter".into(),
            why: String::new(),
        },
        "bob",
        NOW - 2 * D,
    )
    .await
    .unwrap();
    let q = |teams: &[&str], intents: &[&str]| ApprovalQuery {
        teams: teams.iter().map(|s| (*s).to_owned()).collect(),
        intents: intents.iter().map(|s| (*s).to_owned()).collect(),
        show: ApprovalShow::Answered,
    };
    let by_intent = approvals::approvals_report(&ws, &q(&[], &["int-1"]), NOW)
        .await
        .unwrap();
    let ids: Vec<&str> = by_intent.approvals.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, [first.as_str()], "the intent's log");
    let plat = approvals::approvals_report(&ws, &q(&["plat"], &[]), NOW)
        .await
        .unwrap();
    assert!(
        plat.approvals.is_empty(),
        "Platform's questions are still pending"
    );
    assert_eq!(
        (plat.pending, plat.answered),
        (3, 0),
        "B, C and jira-decide's own"
    );

    let all = approvals::approvals_report(&ws, &ApprovalQuery::default(), NOW)
        .await
        .unwrap();
    let pay = all
        .by_team
        .iter()
        .find(|t| t.team_id.as_deref() == Some("pay"))
        .unwrap();
    // A: 2 days x 2 open items; jira-approve (a source's): 7.58 days x 1.
    let approve_days = (NOW - APPROVE_SINCE) as f64 / D as f64;
    assert_eq!(
        pay.item_days_waiting,
        ((4.0 + approve_days) * 10.0).round() / 10.0
    );
    assert_eq!(pay.median_answer_days, Some(2.0));
    assert_eq!((pay.pending, pay.answered), (1, 1));
    let plat = all
        .by_team
        .iter()
        .find(|t| t.team_id.as_deref() == Some("plat"))
        .unwrap();
    // B: 4 days x 1; C: its only item is done, so 0; jira-decide: 9.625 days x 1.
    assert_eq!(
        plat.item_days_waiting,
        ((4.0 + 9.625) * 10.0_f64).round() / 10.0
    );
    assert_eq!(plat.median_answer_days, None);
}

#[tokio::test]
async fn bad_questions_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let ok = NewApproval {
        question: "Q?".into(),
        decider: "ann".into(),
        waiting: vec!["jira-down".into()],
        ..NewApproval::default()
    };
    let cases = [
        (
            NewApproval {
                question: " ".into(),
                ..ok.clone()
            },
            "no question",
        ),
        (
            NewApproval {
                decider: String::new(),
                ..ok.clone()
            },
            "no decider",
        ),
        (
            NewApproval {
                decider: "nobody".into(),
                decider_is_team: true,
                ..ok.clone()
            },
            "no such team",
        ),
        (
            NewApproval {
                waiting: vec!["nope".into()],
                ..ok.clone()
            },
            "no such item",
        ),
        (
            NewApproval {
                intent: Some("nope".into()),
                ..ok.clone()
            },
            "no such intent",
        ),
        (
            NewApproval {
                due: Some("2026-01-01".into()),
                ..ok.clone()
            },
            "due in the past",
        ),
        (
            NewApproval {
                due: Some("soon".into()),
                ..ok.clone()
            },
            "not a date",
        ),
    ];
    for (input, why) in cases {
        assert!(
            approvals::ask(&ws, &input, "ann", NOW).await.is_err(),
            "{why}"
        );
    }
    assert!(
        approvals::ask(&ws, &ok, "ann", NOW).await.is_ok(),
        "the valid one is kept"
    );
    assert!(
        approvals::answer(
            &ws,
            &AnswerInput {
                approval: "dec-nope".into(),
                outcome: AnswerOutcome::Approved,
                answer: String::new(),
                why: String::new(),
            },
            "ann",
            NOW,
        )
        .await
        .is_err(),
        "an unknown question cannot be answered"
    );
}

#[tokio::test]
async fn the_demo_has_pending_decisions_with_deciders_and_a_log() {
    let dir = tempfile::tempdir().unwrap();
    let end = NOW;
    let ws = crate::common::demo_workspace(dir.path(), 3_000, end).await;
    let r = approvals::approvals_report(
        &ws,
        &ApprovalQuery {
            show: ApprovalShow::All,
            ..ApprovalQuery::default()
        },
        end,
    )
    .await
    .unwrap();
    let from = |o: ApprovalOrigin| r.approvals.iter().filter(move |a| a.origin == o);
    assert!(
        from(ApprovalOrigin::Baton)
            .filter(|a| a.answer.is_none())
            .count()
            >= 5,
        "questions asked in Baton pending"
    );
    assert!(
        from(ApprovalOrigin::Baton)
            .filter(|a| a.answer.is_some())
            .count()
            >= 3,
        "and answered"
    );
    assert!(
        from(ApprovalOrigin::Source).any(|a| a.kind == ApprovalKind::Approval),
        "Jira approvals"
    );
    assert!(
        from(ApprovalOrigin::Source).any(|a| a.kind == ApprovalKind::Decision),
        "Jira decisions"
    );
    assert!(r
        .approvals
        .iter()
        .any(|a| a.decider.kind == DeciderKind::Team));
    // GitHub reviews asked and not given, through the real mapping: of people and of teams
    // (the demo's GitHub teams are its Baton teams), each waiting on one open pull request.
    let reviews: Vec<_> = from(ApprovalOrigin::ReviewRequest).collect();
    assert!(
        reviews
            .iter()
            .any(|a| a.decider.kind == DeciderKind::Person && a.decider.id.is_some()),
        "reviews asked of people"
    );
    assert!(
        reviews
            .iter()
            .any(|a| a.decider.kind == DeciderKind::Team && a.decider.id.is_some()),
        "reviews asked of teams, mapped to Baton teams"
    );
    assert!(reviews.iter().all(|a| a.kind == ApprovalKind::Approval
        && a.question.starts_with("Review of ")
        && a.waiting.len() == 1
        && a.waiting[0].open
        && a.due.is_some()));
    assert!(
        r.approvals.iter().all(|a| !a.decider.name.is_empty()),
        "every one has a decider"
    );
    assert!(r.overdue > 0, "some are overdue");
}

/// The demo organisation breaks every default policy: the Governance page has something to show
/// for each, and the Triage page its blocking ones.
#[tokio::test]
async fn the_demo_breaks_the_default_policies() {
    let dir = tempfile::tempdir().unwrap();
    let ws = crate::common::demo_workspace(dir.path(), 3_000, NOW).await;
    let report = baton_core::governance::governance_report(&ws, NOW)
        .await
        .unwrap();
    assert_eq!(
        report.by_policy.len(),
        baton_core::governance::policy::defaults().policies.len()
    );
    for p in &report.by_policy {
        assert!(
            p.violations > 0,
            "the demo breaks \"{}\" ({})",
            p.title,
            p.policy
        );
    }
}

/// "Waiting for a decision" in the flow metrics comes from the records where an item has them:
/// jira-aging (active) waits 4 days on a question asked in Baton, so the Bottlenecks page counts
/// 4 days of it in the Approval stage (the question asks for an approval), from the record;
/// jira-decide, with no record, waits for a decision as its state says, since it entered it.
#[tokio::test]
async fn flow_waits_for_decisions_come_from_the_records_where_they_exist() {
    use baton_core::flow::{self, report::Stage, FlowFilter};
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let filter = FlowFilter {
        last_days: Some(30),
        ..FlowFilter::default()
    };
    let whole_days = |r: &baton_core::flow::report::BottleneckReport, stage: Stage, id: &str| {
        r.wait_reasons
            .iter()
            .find(|w| w.stage == stage)
            .and_then(|w| w.examples.iter().find(|e| e.item.id == id))
            // Measured to one millisecond after now.
            .map(|e| (e.days * 1_000.0).round() / 1_000.0)
    };
    let before = flow::bottleneck_report(&ws, &filter, NOW).await.unwrap();
    assert_eq!(whole_days(&before, Stage::Approval, "jira-aging"), None);
    approvals::ask(
        &ws,
        &NewApproval {
            kind: Some(ApprovalKind::Approval),
            question: "Ship it as it is?".into(),
            decider: "Platform".into(),
            decider_is_team: true,
            waiting: vec!["jira-aging".into()],
            ..NewApproval::default()
        },
        "bob",
        NOW - 4 * D,
    )
    .await
    .unwrap();
    let after = flow::bottleneck_report(&ws, &filter, NOW).await.unwrap();
    assert_eq!(
        whole_days(&after, Stage::Approval, "jira-aging"),
        Some(4.0),
        "asked 4 days ago, still pending: 4 days waiting for an approval, from the record"
    );
    let decide = (NOW - DECIDE_SINCE) as f64 / D as f64;
    assert_eq!(
        whole_days(&after, Stage::Decision, "jira-decide"),
        Some((decide * 1_000.0).round() / 1_000.0),
        "no record: its state says since when it waits for a decision (9.6 days)"
    );
}

/// A GitHub pull request of Payments as the sync writes it with its lifecycle: the reviews
/// still asked for given as (reviewer, person, requested at).
async fn github_pull(ws: &Workspace, merged: bool, asked: &[(&str, Option<&str>, i64)]) {
    let mut g = graph();
    let mut pull = g
        .items
        .iter_mut()
        .find(|i| i.id == "gh-pr-waiting")
        .unwrap()
        .clone();
    pull.id = "gh-pr-rr".into();
    pull.external_id = "gh-pr-rr".into();
    pull.key = "acme/pay#9".into();
    pull.title = "Retry <b>payments</b>".into();
    pull.provenance = Provenance::Human;
    pull.provenance_agent = None;
    pull.author_id = Some("ann".into());
    pull.team_id = Some("pay".into());
    pull.raw_state = if merged { "merged" } else { "open" }.into();
    pull.flow_state = if merged {
        FlowState::Done
    } else {
        FlowState::Waiting
    };
    pull.wait_reason = (!merged).then_some(WaitReason::Review);
    pull.updated_at = NOW - 2 * H;
    let mut page = PageWrite::new("pulls:acme/pay");
    page.lifecycles = vec![pull.id.clone()];
    page.review_requests = asked
        .iter()
        .map(|(who, person, at)| ReviewRequest {
            item_id: pull.id.clone(),
            reviewer: (*who).into(),
            person_id: person.map(Into::into),
            requested_at: *at,
            requested_by: Some("ann".into()),
        })
        .collect();
    page.items = vec![pull];
    commit_page(ws, "gh", "no-run", RunFigures::default(), &page, NOW)
        .await
        .expect("page written");
}

#[tokio::test]
async fn reviews_asked_at_the_source_are_pending_approvals_until_answered_and_not_approval_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("approvals.baton");
    let ws = workspace(dir.path()).await;
    let before = report(&ws, ApprovalShow::Pending).await;
    let waits_before = {
        let ix = ws.index().await.unwrap();
        approvals::question_waits(&ws, &ix).await.unwrap().items()
    };
    let asked = NOW - 10 * H;
    github_pull(
        &ws,
        false,
        &[
            ("bob", Some("bob"), asked),
            ("team:payments", None, asked),
            ("team:ghosts", None, NOW - 5 * H),
        ],
    )
    .await;
    let r = report(&ws, ApprovalShow::Pending).await;
    let reviews: Vec<_> = r
        .approvals
        .iter()
        .filter(|a| a.origin == ApprovalOrigin::ReviewRequest)
        .collect();
    assert_eq!(reviews.len(), 3, "{reviews:#?}");
    assert_eq!(r.pending, before.pending + 3);
    let bob = reviews
        .iter()
        .find(|a| a.id == "rr:gh-pr-rr|bob")
        .expect("bob's request");
    assert_eq!(bob.kind, ApprovalKind::Approval);
    assert_eq!(
        bob.question, "Review of acme/pay#9: Retry <b>payments</b>",
        "the title is kept as text"
    );
    assert_eq!(
        (
            bob.decider.kind,
            bob.decider.id.as_deref(),
            bob.decider.name.as_str()
        ),
        (DeciderKind::Person, Some("bob"), "BOB")
    );
    assert_eq!(bob.asked_at, baton_core::time::to_rfc3339(asked));
    assert_eq!(bob.team_id.as_deref(), Some("pay"));
    assert_eq!(bob.waiting.len(), 1);
    assert_eq!(bob.waiting[0].id, "gh-pr-rr");
    assert!(
        bob.due
            .as_deref()
            .is_some_and(|d| d > bob.asked_at.as_str()),
        "due by the default review SLA, after the request: {:?}",
        bob.due
    );
    let team = reviews
        .iter()
        .find(|a| a.id == "rr:gh-pr-rr|team:payments")
        .unwrap();
    assert_eq!(
        (
            team.decider.kind,
            team.decider.id.as_deref(),
            team.decider.name.as_str()
        ),
        (DeciderKind::Team, Some("pay"), "Payments"),
        "@acme/payments is the Baton team of that name"
    );
    let ghosts = reviews
        .iter()
        .find(|a| a.id == "rr:gh-pr-rr|team:ghosts")
        .unwrap();
    assert_eq!(
        (
            ghosts.decider.kind,
            ghosts.decider.id.as_deref(),
            ghosts.decider.name.as_str()
        ),
        (DeciderKind::Team, None, "@acme/ghosts"),
        "a GitHub team no Baton team matches is shown by its name"
    );
    let team_figures = |r: &approvals::ApprovalsReport| {
        r.by_team
            .iter()
            .find(|t| t.team_id.as_deref() == Some("pay"))
            .map(|t| t.item_days_waiting)
    };
    assert_eq!(
        team_figures(&r),
        team_figures(&before),
        "a review asked is review time, not time waiting for a decision or an approval"
    );

    // Answered in Baton: released; no question record for the flow metrics.
    approvals::answer(
        &ws,
        &AnswerInput {
            approval: "rr:gh-pr-rr|bob".into(),
            outcome: AnswerOutcome::Approved,
            answer: String::new(),
            why: "Reviewed in the call".into(),
        },
        "ann",
        NOW - H,
    )
    .await
    .unwrap();
    let ix = ws.index().await.unwrap();
    assert_eq!(
        approvals::question_waits(&ws, &ix).await.unwrap().items(),
        waits_before,
        "answering a review request adds no approval wait to the flow metrics"
    );
    drop(ix);
    let r = report(&ws, ApprovalShow::All).await;
    let answered = r
        .approvals
        .iter()
        .find(|a| a.id == "rr:gh-pr-rr|bob")
        .unwrap();
    assert_eq!(
        answered.answer.as_ref().map(|a| (a.outcome, a.by.as_str())),
        Some((AnswerOutcome::Approved, "ann"))
    );
    assert_eq!(r.pending, before.pending + 2);

    // A restart, then a sync that reads the same timeline: the answer stays.
    drop(ws);
    let ws = Workspace::open(&path).await.unwrap();
    github_pull(
        &ws,
        false,
        &[
            ("bob", Some("bob"), asked),
            ("team:payments", None, asked),
            ("team:ghosts", None, NOW - 5 * H),
        ],
    )
    .await;
    let r = report(&ws, ApprovalShow::Pending).await;
    assert!(
        r.approvals.iter().all(|a| a.id != "rr:gh-pr-rr|bob"),
        "the same request stays answered across a restart and a sync"
    );
    assert_eq!(r.pending, before.pending + 2);

    // Asked again at the source: pending again; the request removed there: gone.
    github_pull(&ws, false, &[("bob", Some("bob"), NOW - 3 * H)]).await;
    let r = report(&ws, ApprovalShow::Pending).await;
    let again = r.approvals.iter().find(|a| a.id == "rr:gh-pr-rr|bob");
    assert!(
        again.is_some_and(
            |a| a.answer.is_none() && a.asked_at == baton_core::time::to_rfc3339(NOW - 3 * H)
        ),
        "asked again, it waits again: {again:#?}"
    );
    assert_eq!(
        r.pending,
        before.pending + 1,
        "the team requests are no longer asked"
    );
    // Merged: nobody is asked.
    github_pull(&ws, true, &[]).await;
    let r = report(&ws, ApprovalShow::Pending).await;
    assert_eq!(r.pending, before.pending);
    assert!(r
        .approvals
        .iter()
        .all(|a| a.origin != ApprovalOrigin::ReviewRequest));
}
