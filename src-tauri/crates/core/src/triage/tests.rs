//! The worklist as it is found now against the way it was found before, on the demo
//! organisation: the policy reason from only the policies the worklist lists (instead of every
//! policy of the set evaluated, and the listed ones picked out), and the conflict reasons with
//! the positions of the changes looked up once each.

use super::*;
use crate::demo::{self, DemoOptions};
use crate::governance::{self, Rule, Severity};

/// 2026-03-31T17:00:00Z.
const END: i64 = 1_774_976_400_000;

/// The base as it was found before: every policy of the set evaluated on every item (the copy
/// the Governance page reads), then the violations of the enabled blocking policies but the
/// independent review picked out of them.
async fn base_of_the_whole_set(ws: &Workspace, now: i64) -> Base {
    let overlay = decisions::overlay(ws).await.unwrap();
    let inputs = BaseInputs::read(ws, Thresholds::of(&overlay), now)
        .await
        .unwrap();
    let cx = crate::deps::context(ws, now).await.unwrap();
    let mapping = crate::flow::Mapping::build(&cx.ix, &inputs.rows);
    let policies = governance::current::key(&inputs.set, &inputs.rows).unwrap();
    let found = governance::current::CurrentViolations::evaluate(
        &cx.ix,
        &mapping,
        &inputs.set,
        policies,
        now,
    )
    .unwrap();
    let mut violations: Vec<base::BlockingViolation> = found
        .breaches()
        .filter(|b| b.current)
        .filter_map(|b| {
            let p = inputs.set.policies.get(usize::from(b.policy))?;
            (p.enabled
                && p.severity == Severity::Blocking
                && !matches!(p.rule, Rule::IndependentReview))
            .then(|| (b.item, b.since, p.title.clone()))
        })
        .collect();
    violations.sort_by_key(|v| v.0);
    base::compute(
        &cx.ix,
        &cx.facts,
        &mapping,
        &violations,
        inputs.thresholds,
        now,
        inputs.key,
    )
}

/// The conflict reasons as they were found before: every id's position in a map, each
/// conflict's looked up.
fn conflict_reasons_looked_up_each(
    ix: &WorkIndex,
    report: &crate::conflicts::live::ChangeConflictsReport,
) -> HashMap<u32, BaseReason> {
    let pos: HashMap<&str, u32> = ix
        .item_ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id, i as u32))
        .collect();
    let mut out: HashMap<u32, BaseReason> = HashMap::new();
    for c in report.conflicts.iter().filter(|c| c.answer.is_none()) {
        let Some(&i) = pos.get(c.item.id.as_str()) else {
            continue;
        };
        match out.get_mut(&i) {
            Some(BaseReason::ConflictingChange { count, .. }) => *count += 1,
            _ => {
                out.insert(
                    i,
                    BaseReason::ConflictingChange {
                        since: ix.items[i as usize].created,
                        first: c.reason.clone(),
                        count: 1,
                        other: c
                            .other_items
                            .first()
                            .and_then(|o| pos.get(o.id.as_str()).copied()),
                    },
                );
            }
        }
    }
    out
}

fn count(l: &TriageList, reason: Reason) -> u32 {
    l.by_reason
        .iter()
        .find(|c| c.reason == reason)
        .map_or(0, |c| c.count)
}

#[tokio::test]
async fn the_worklist_from_its_own_policies_is_the_one_from_the_whole_set() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.baton");
    let ws = demo::build(
        &path,
        &DemoOptions {
            items: 3_000,
            seed: demo::DEFAULT_SEED,
            end: END,
        },
    )
    .await
    .unwrap();
    let queries = [
        TriageQuery {
            limit: MAX_PAGE,
            ..TriageQuery::default()
        },
        TriageQuery {
            limit: MAX_PAGE,
            sort: TriageSort::WaitingOnIt,
            ..TriageQuery::default()
        },
        TriageQuery {
            limit: 50,
            offset: 100,
            reasons: vec![Reason::PolicyViolation, Reason::ConflictingChange],
            ..TriageQuery::default()
        },
    ];
    // The default set (one blocking policy besides the independent review), every policy made
    // blocking (each rule, the WIP limit too), then that with the security review switched off.
    for round in 0..3 {
        if round > 0 {
            let mut set = governance::load(&ws).await.unwrap();
            for p in &mut set.policies {
                p.severity = Severity::Blocking;
                if round == 2 && matches!(p.rule, Rule::SecurityReview) {
                    p.enabled = false;
                }
            }
            governance::save(&ws, set, END).await.unwrap();
        }
        let overlay = decisions::overlay(&ws).await.unwrap();
        let new = cached_base(&ws, Thresholds::of(&overlay), END)
            .await
            .unwrap();
        let old = base_of_the_whole_set(&ws, END).await;
        assert_eq!(old.key, new.key);
        assert_eq!(
            old.candidates, new.candidates,
            "round {round}: the same candidates, reasons and order"
        );
        let violations = new
            .candidates
            .iter()
            .filter(|c| {
                c.reasons
                    .iter()
                    .any(|r| r.reason() == Reason::PolicyViolation)
            })
            .count();
        assert!(
            violations > 0,
            "round {round}: the demo breaks blocking policies"
        );

        // The whole worklist: the new one against one answered from the old base (kept in a
        // workspace opened afresh, where the rest is found again).
        let fresh = Workspace::open_for_reading(&path).await.unwrap();
        let old = base_of_the_whole_set(&fresh, END).await;
        fresh.set_derived(BASE, Arc::new(old));
        for q in &queries {
            let listed = triage_list(&ws, q, END).await.unwrap();
            let before = triage_list(&fresh, q, END).await.unwrap();
            assert_eq!(listed, before, "round {round}: {q:?}");
        }
        let all = triage_list(&ws, &queries[0], END).await.unwrap();
        assert!(count(&all, Reason::PolicyViolation) > 0);
        assert!(count(&all, Reason::ConflictingChange) > 0);
        if round == 1 {
            let titles: std::collections::BTreeSet<&str> = all
                .rows
                .iter()
                .flat_map(|r| &r.reasons)
                .filter(|r| r.reason == Reason::PolicyViolation)
                .map(|r| r.detail.as_str())
                .collect();
            assert!(
                titles.len() > 1,
                "several blocking policies listed: {titles:?}"
            );
        }
        fresh.close().await;
    }

    // The conflict reasons, read from the kept form, as looked up for each conflict of the
    // report.
    let ix = ws.index().await.unwrap();
    let unanswered = crate::conflicts::live::unanswered_kept(&ws, &ix, false)
        .await
        .unwrap();
    let report = unanswered.report(&ix).unwrap();
    let none = crate::conflicts::answers::Stored::default();
    let reasons = conflict_reasons_of(&ix, &unanswered, &none).unwrap();
    assert!(reasons.len() > 1, "the demo has conflicting changes");
    assert!(
        reasons.values().any(|r| matches!(
            r,
            BaseReason::ConflictingChange { count, .. } if *count > 1
        )),
        "a change with several conflicts"
    );
    assert_eq!(reasons, conflict_reasons_looked_up_each(&ix, &report));
    ws.close().await;
}

/// The conflict reasons read from the conflicts as kept (changes by position, the answers asked
/// about each flag) are those of the whole report with the answers layered over it, looked up
/// conflict by conflict: with no answer, with answers that hold (on an overlap, on another
/// rule, given on each other change of an overlap one by one), with answers that no longer hold
/// (the change or an other change updated since, another change overlapping since), and with
/// the report kept whole instead of encoded.
#[tokio::test]
async fn conflict_reasons_from_the_kept_form_are_those_of_the_layered_report() {
    use crate::conflicts::answers::{ConflictAnswer, Given, Stored};
    use crate::conflicts::live::Unanswered;
    use crate::conflicts::ConflictRule;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.baton");
    let ws = demo::build(
        &path,
        &DemoOptions {
            items: 3_000,
            seed: demo::DEFAULT_SEED,
            end: END,
        },
    )
    .await
    .unwrap();
    let ix = ws.index().await.unwrap();
    let kept = crate::conflicts::live::unanswered_kept(&ws, &ix, false)
        .await
        .unwrap();
    assert!(
        matches!(*kept, Unanswered::Encoded(_)),
        "the demo's conflicts are kept encoded"
    );
    let report = kept.report(&ix).unwrap();
    let whole = Unanswered::whole(report.clone(), &ix);
    let position = |id: &str| ix.item_ids.iter().position(|x| x == id).unwrap();
    let updated = |id: &str| ix.items[position(id)].updated;
    let answer = |n: usize| ConflictAnswer {
        decision_id: format!("d{n}"),
        acknowledged: n.is_multiple_of(2),
        actor: "me".into(),
        at: "2026-03-31T17:00:00Z".into(),
        why: "known".into(),
    };
    type Named = Option<Vec<(String, i64)>>;
    let given = |n: usize, item_at: i64, other_at: Option<i64>, others: Named| Given {
        answer: answer(n),
        item_updated: item_at,
        other_updated: other_at,
        others: others.map(|o| o.into_iter().collect()),
    };
    let named = |c: &crate::conflicts::live::ConflictView| -> Named {
        (c.rule == ConflictRule::Overlapping).then(|| {
            c.other_items
                .iter()
                .map(|o| (o.id.clone(), updated(&o.id)))
                .collect()
        })
    };
    let latest = |c: &crate::conflicts::live::ConflictView| -> Option<i64> {
        c.other_items.iter().map(|o| updated(&o.id)).max()
    };
    let key = |c: &crate::conflicts::live::ConflictView| {
        (
            c.item.id.clone(),
            serde_json::to_value(c.rule)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned(),
            c.other_id.clone(),
        )
    };
    let overlaps: Vec<_> = report
        .conflicts
        .iter()
        .filter(|c| c.rule == ConflictRule::Overlapping)
        .collect();
    let others: Vec<_> = report
        .conflicts
        .iter()
        .filter(|c| c.rule != ConflictRule::Overlapping)
        .collect();
    assert!(
        overlaps.len() > 4 && others.len() > 4,
        "the demo has overlaps and other conflicts"
    );
    // Each change's first conflict answered (its reason moves to its next one, or it leaves
    // the list), some holding, some not.
    let mut holding = Stored::new();
    let mut stale = Stored::new();
    for (n, c) in overlaps
        .iter()
        .take(4)
        .chain(others.iter().take(4))
        .enumerate()
    {
        let other_at = latest(c);
        holding.insert(key(c), given(n, updated(&c.item.id), other_at, named(c)));
        // The change updated since; an other change updated since; one more change overlapping
        // since (the answer named one fewer).
        let mut others = named(c);
        let item_at = match (n % 3, others.as_mut()) {
            (1, Some(o)) => {
                o[0].1 -= 1;
                updated(&c.item.id)
            }
            (2, Some(o)) => {
                o.pop();
                updated(&c.item.id)
            }
            _ => updated(&c.item.id) - 1,
        };
        stale.insert(key(c), given(n, item_at, other_at, others));
    }
    // Overlaps answered one other change at a time (as answers were given when an overlap was
    // one flag per other change): they hold when every change has one that holds.
    let mut by_pair = Stored::new();
    let mut by_pair_short = Stored::new();
    for (n, c) in overlaps.iter().take(6).enumerate() {
        for (m, o) in c.other_items.iter().enumerate() {
            let (item, rule, _) = key(c);
            let pair = given(n, updated(&c.item.id), Some(updated(&o.id)), None);
            by_pair.insert(
                (item.clone(), rule.clone(), Some(o.id.clone())),
                pair.clone(),
            );
            if m > 0 {
                by_pair_short.insert((item, rule, Some(o.id.clone())), pair);
            }
        }
    }
    // Every conflict of one change answered: it leaves the list.
    let first = &report.conflicts[0];
    let mut all_of_one = Stored::new();
    for (n, c) in report
        .conflicts
        .iter()
        .filter(|c| c.item.id == first.item.id)
        .enumerate()
    {
        all_of_one.insert(key(c), given(n, updated(&c.item.id), latest(c), named(c)));
    }
    let mut mixed = holding.clone();
    mixed.extend(stale.iter().skip(2).map(|(k, v)| (k.clone(), v.clone())));
    for (name, answers) in [
        ("none", Stored::new()),
        ("holding", holding),
        ("stale", stale),
        ("all of one change", all_of_one),
        ("mixed", mixed),
        ("one other change at a time", by_pair),
        ("one other change at a time, one missing", by_pair_short),
    ] {
        let mut layered = report.clone();
        crate::conflicts::answers::layer(&ix, &mut layered, &answers);
        let expected = conflict_reasons_looked_up_each(&ix, &layered);
        assert_eq!(
            conflict_reasons_of(&ix, &kept, &answers).unwrap(),
            expected,
            "{name}: encoded"
        );
        assert_eq!(
            conflict_reasons_of(&ix, &whole, &answers).unwrap(),
            expected,
            "{name}: whole"
        );
        // The conflicts of a change apart from each other (every other one moved to the end):
        // the reason still counts them all, the first met first.
        let mut apart = report.clone();
        let (even, odd): (Vec<_>, Vec<_>) = apart
            .conflicts
            .drain(..)
            .enumerate()
            .partition(|(n, _)| n.is_multiple_of(2));
        apart.conflicts = even.into_iter().chain(odd).map(|(_, c)| c).collect();
        let mut layered = apart.clone();
        crate::conflicts::answers::layer(&ix, &mut layered, &answers);
        assert_eq!(
            conflict_reasons_of(&ix, &Unanswered::whole(apart, &ix), &answers).unwrap(),
            conflict_reasons_looked_up_each(&ix, &layered),
            "{name}: a change's conflicts apart"
        );
        let unanswered = conflict_reasons_looked_up_each(&ix, &report);
        if matches!(name, "stale" | "one other change at a time, one missing") {
            assert_eq!(expected, unanswered, "{name}: no answer holds");
        } else if name != "none" {
            assert_ne!(
                expected, unanswered,
                "{name}: the answers change the reasons"
            );
        }
    }
    ws.close().await;
}
