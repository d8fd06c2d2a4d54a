//! Each policy on hand-made graphs whose answers are worked out by hand: working hours across
//! time zones and a daylight-saving change, the independent-review rule, WIP limits, waits,
//! security review, traceability, the handoff policy, and past compliance.

use super::eval::{self, Breach, Context};
use super::*;
use crate::flow::mapping::Mapping;
use crate::graph::index::{
    Event, EventKind, IndexedItem, IndexedLink, IndexedSource, Named, StateKey, WorkIndex,
    VERDICT_APPROVED,
};
use crate::graph::model::{FlowState, ItemKind, LinkKind, Provenance, SourceKind, WaitReason};

const H: i64 = 3_600_000;

fn ms(text: &str) -> i64 {
    crate::time::parse_rfc3339(text).unwrap()
}

const STATES: [&str; 7] = [
    "Backlog",
    "In Progress",
    "In Review",
    "Security Review",
    "Done",
    "To Do",
    "To decide",
];
const BACKLOG: u32 = 0;
const PROGRESS: u32 = 1;
const REVIEW: u32 = 2;
const SECURITY: u32 = 3;
const DONE: u32 = 4;
const QUEUE: u32 = 5;
const DECIDE: u32 = 6;

/// A graph under construction.
struct G {
    ix: WorkIndex,
}

impl G {
    fn new() -> G {
        let mut ix = WorkIndex::default();
        for (id, name) in [("t-ber", "Berlin"), ("t-ny", "New York")] {
            ix.teams.push(Named {
                id: id.into(),
                name: name.into(),
            });
        }
        ix.sources.push(IndexedSource {
            id: "gh".into(),
            name: "GitHub".into(),
            kind: SourceKind::Github,
        });
        for raw in STATES {
            ix.states.push(StateKey {
                source: 0,
                raw: raw.into(),
            });
        }
        for (name, bot) in [
            ("Ann", false),
            ("Bob", false),
            ("Cat", false),
            ("Copilot", true),
        ] {
            ix.people.push(Named {
                id: name.to_lowercase(),
                name: name.into(),
            });
            ix.people_is_bot.push(bot);
        }
        G { ix }
    }

    /// Adds an item created at `created` in state `initial`, with its changes: (at, state) for
    /// state changes, reviews as (at, actor) in `reviews`.
    #[allow(clippy::too_many_arguments)]
    fn item(
        &mut self,
        key: &str,
        kind: ItemKind,
        team: u32,
        provenance: Provenance,
        author: u32,
        created: i64,
        initial: u32,
        moves: &[(i64, u32)],
        reviews: &[(i64, u32)],
    ) -> u32 {
        let mut events: Vec<Event> = moves
            .iter()
            .map(|&(at, s)| Event::new(at, EventKind::State, s, NONE))
            .chain(
                reviews
                    .iter()
                    .map(|&(at, who)| Event::new(at, EventKind::Review, VERDICT_APPROVED, who)),
            )
            .collect();
        events.sort_by_key(|e| e.at);
        let current = moves.last().map_or(initial, |m| m.1);
        let flow = Mapping::build(&self.ix, &[])
            .resolve(current, team, kind)
            .map_or(FlowState::New, |m| m.0);
        let at = self.ix.items.len() as u32;
        self.ix.items.push(IndexedItem {
            rowid: i64::from(at),
            created,
            updated: created,
            team,
            source: 0,
            intent: NONE,
            author,
            owner: NONE,
            requester: NONE,
            requester_signal: None,
            agent: NONE,
            has_priority: true,
            estimate: None,
            kind,
            provenance,
            flow,
            initial_state: initial,
            current_state: current,
            first_event: self.ix.events.len() as u32,
            event_count: events.len() as u32,
            transition_rows: events.len() as u32,
            out_of_order: false,
        });
        self.ix.events.extend(events);
        self.ix.item_ids.push(&format!("gh:{key}")).unwrap();
        self.ix.item_keys.push(key).unwrap();
        self.ix
            .item_titles_folded
            .push(&key.to_lowercase())
            .unwrap();
        at
    }

    fn link(&mut self, from: u32, to: u32, kind: LinkKind) {
        self.ix.links.push(IndexedLink {
            from,
            to,
            kind,
            created: 0,
            removed: None,
        });
    }
}

fn only(rule: Rule, scope: Scope) -> PolicySet {
    PolicySet {
        policies: vec![Policy {
            name: "p".into(),
            title: "P".into(),
            enabled: true,
            severity: Severity::Blocking,
            scope,
            rule,
            version: 0,
        }],
        ..policy::defaults()
    }
}

fn zones(mut set: PolicySet) -> PolicySet {
    for (team, zone) in [("Berlin", "Europe/Berlin"), ("t-ny", "America/New_York")] {
        set.calendars.insert(
            team.into(),
            Calendar {
                zone: zone.into(),
                ..Calendar::default()
            },
        );
    }
    set
}

fn run(g: &G, set: &PolicySet, now: i64) -> Vec<Breach> {
    let mapping = Mapping::build(&g.ix, &[]);
    let cx = Context::new(&g.ix, &mapping, set).unwrap();
    let mut b = eval::breaches(&cx, now);
    b.sort_by_key(|b| (b.item, b.policy));
    b
}

fn keys(g: &G, breaches: &[Breach]) -> Vec<String> {
    breaches
        .iter()
        .filter(|b| b.current)
        .map(|b| g.ix.item_keys[b.item as usize].to_string())
        .collect()
}

#[test]
fn review_sla_counts_working_hours_in_each_teams_zone_across_a_clock_change() {
    let mut g = G::new();
    // Friday 2026-03-27 15:00 UTC: 16:00 in Berlin (UTC+1), 11:00 in New York (UTC-4 since
    // 8 March). Both wait for review from creation; the SLA is 2 working hours.
    let start = ms("2026-03-27T15:00:00Z");
    let ber = g.item(
        "ber",
        ItemKind::PullRequest,
        0,
        Provenance::Human,
        0,
        start,
        REVIEW,
        &[],
        &[],
    );
    let ny = g.item(
        "ny",
        ItemKind::PullRequest,
        1,
        Provenance::Human,
        0,
        start,
        REVIEW,
        &[],
        &[],
    );
    let set = zones(only(Rule::ReviewSla { hours: 2.0 }, Scope::default()));
    // New York: due the same day at 13:00 local = 17:00 UTC.
    assert!(
        run(&g, &set, ms("2026-03-27T16:59:00Z")).is_empty(),
        "nothing due yet"
    );
    let b = run(&g, &set, ms("2026-03-27T17:30:00Z"));
    assert_eq!(keys(&g, &b), vec!["ny"], "New York's clock ran out first");
    assert_eq!(b[0].item, ny);
    assert_eq!(b[0].since, ms("2026-03-27T17:00:00Z"));
    // Berlin: 1 h on Friday (16:00-17:00 CET), then Monday 09:00 CEST = 07:00 UTC (the clocks
    // went forward on Sunday) + 1 h = 08:00 UTC, not 09:00.
    let b = run(&g, &set, ms("2026-03-30T07:59:00Z"));
    assert_eq!(
        keys(&g, &b),
        vec!["ny"],
        "Berlin is not due before 08:00 UTC"
    );
    let b = run(&g, &set, ms("2026-03-30T08:01:00Z"));
    assert_eq!(keys(&g, &b), vec!["ber", "ny"]);
    assert_eq!(
        b.iter().find(|x| x.item == ber).unwrap().since,
        ms("2026-03-30T08:00:00Z")
    );
    // A first review by someone other than the author in time meets it; by the author it does not.
    let mut g2 = G::new();
    g2.item(
        "self",
        ItemKind::PullRequest,
        0,
        Provenance::Human,
        0,
        start,
        REVIEW,
        &[],
        &[(start + H, 0)],
    );
    g2.item(
        "ok",
        ItemKind::PullRequest,
        0,
        Provenance::Human,
        0,
        start,
        REVIEW,
        &[],
        &[(ms("2026-03-30T07:30:00Z"), 1)],
    );
    let b = run(&g2, &set, ms("2026-04-01T00:00:00Z"));
    assert_eq!(
        keys(&g2, &b),
        vec!["self"],
        "the author's own review is not a review"
    );
}

#[test]
fn independent_review_uses_the_triage_definition() {
    let mut g = G::new();
    let t = ms("2026-03-02T10:00:00Z");
    let now = t + 10 * 24 * H;
    // Copilot's PRs; Ann asked for both (their description says so).
    let own = g.item(
        "self-approved",
        ItemKind::PullRequest,
        0,
        Provenance::AiAgent,
        3,
        t,
        REVIEW,
        &[],
        &[(t + H, 0)],
    );
    let fine = g.item(
        "independent",
        ItemKind::PullRequest,
        0,
        Provenance::AiAgent,
        3,
        t,
        REVIEW,
        &[],
        &[(t + H, 2)],
    );
    let human = g.item(
        "human",
        ItemKind::PullRequest,
        0,
        Provenance::Human,
        0,
        t,
        REVIEW,
        &[],
        &[],
    );
    for i in [own, fine] {
        g.ix.items[i as usize].requester = 0;
    }
    let set = only(
        Rule::IndependentReview,
        Scope {
            provenance: vec![Provenance::AiAgent],
            ..Scope::default()
        },
    );
    let b = run(&g, &set, now);
    assert_eq!(
        keys(&g, &b),
        vec!["self-approved"],
        "approved only by who asked for it"
    );
    let _ = human;
    let mapping = Mapping::build(&g.ix, &[]);
    let report = report(&g.ix, &mapping, &set, None, now).unwrap();
    let v = &report.violations[0];
    assert_eq!(
        v.accountable.as_deref(),
        Some("Ann"),
        "who asked for it answers for it"
    );
    assert!(v.resolve.contains("Ann"), "{}", v.resolve);
    assert_eq!(report.blocking, 1);
}

#[test]
fn wip_limit_names_the_items_over_it_per_team() {
    let mut g = G::new();
    let t = ms("2026-03-02T10:00:00Z");
    for (n, team) in [(0, 0), (1, 0), (2, 0), (3, 1)] {
        g.item(
            &format!("w{n}"),
            ItemKind::Task,
            team,
            Provenance::Human,
            0,
            t,
            BACKLOG,
            &[(t + n * H, PROGRESS)],
            &[],
        );
    }
    let set = only(
        Rule::WipLimit {
            limit: 2,
            state: None,
        },
        Scope::default(),
    );
    let b = run(&g, &set, t + 24 * H);
    assert_eq!(
        keys(&g, &b),
        vec!["w2"],
        "Berlin has 3 in progress: the latest is over"
    );
    assert_eq!((b[0].figure, b[0].since), (3, t + 2 * H));
    let by_state = only(
        Rule::WipLimit {
            limit: 1,
            state: Some("in progress".into()),
        },
        Scope {
            teams: vec!["New York".into()],
            ..Scope::default()
        },
    );
    assert!(
        run(&g, &by_state, t + 24 * H).is_empty(),
        "New York has one"
    );
}

#[test]
fn maximum_wait_counts_the_current_stretch_in_working_hours() {
    let mut g = G::new();
    // Monday 2026-03-02 09:00 UTC: into "To decide"; 5 working days (40 h) later is the
    // end of Friday, 2026-03-06 17:00 UTC.
    let t = ms("2026-03-02T09:00:00Z");
    g.item(
        "dec",
        ItemKind::Feature,
        0,
        Provenance::Human,
        0,
        t - H,
        BACKLOG,
        &[(t, DECIDE)],
        &[],
    );
    g.item(
        "q",
        ItemKind::Feature,
        0,
        Provenance::Human,
        0,
        t - H,
        BACKLOG,
        &[(t, QUEUE)],
        &[],
    );
    let mut set = only(
        Rule::MaxWait {
            reason: WaitReason::Decision,
            hours: 40.0,
        },
        Scope::default(),
    );
    set.calendars.clear();
    assert!(run(&g, &set, ms("2026-03-06T16:59:00Z")).is_empty());
    let b = run(&g, &set, ms("2026-03-06T17:01:00Z"));
    assert_eq!(keys(&g, &b), vec!["dec"], "only the decision wait is over");
    assert_eq!(b[0].since, ms("2026-03-06T17:00:00Z"));
}

#[test]
fn security_review_linked_work_and_handoff() {
    let mut g = G::new();
    let t = ms("2026-03-02T09:00:00Z");
    let now = t + 5 * 24 * H;
    g.item(
        "risk-skipped",
        ItemKind::Risk,
        0,
        Provenance::Human,
        0,
        t,
        PROGRESS,
        &[(t + H, DONE)],
        &[],
    );
    g.item(
        "risk-reviewed",
        ItemKind::Risk,
        0,
        Provenance::Human,
        0,
        t,
        PROGRESS,
        &[(t + H, SECURITY), (t + 2 * H, DONE)],
        &[],
    );
    g.item(
        "task",
        ItemKind::Task,
        0,
        Provenance::Human,
        0,
        t,
        PROGRESS,
        &[(t + H, DONE)],
        &[],
    );
    let set = only(
        Rule::SecurityReview,
        Scope {
            kinds: vec![ItemKind::Risk],
            ..Scope::default()
        },
    );
    assert_eq!(keys(&g, &run(&g, &set, now)), vec!["risk-skipped"]);

    let mut g = G::new();
    let pr = g.item(
        "pr-lone",
        ItemKind::PullRequest,
        0,
        Provenance::Human,
        0,
        t,
        REVIEW,
        &[(t + H, DONE)],
        &[],
    );
    let pr2 = g.item(
        "pr-traced",
        ItemKind::PullRequest,
        0,
        Provenance::Human,
        0,
        t,
        REVIEW,
        &[(t + H, DONE)],
        &[],
    );
    let open_pr = g.item(
        "pr-open",
        ItemKind::PullRequest,
        0,
        Provenance::Human,
        0,
        t,
        REVIEW,
        &[],
        &[],
    );
    let feature = g.item(
        "feature",
        ItemKind::Feature,
        0,
        Provenance::Human,
        0,
        t,
        PROGRESS,
        &[],
        &[],
    );
    let other_pr = g.item(
        "pr-other",
        ItemKind::PullRequest,
        0,
        Provenance::Human,
        0,
        t,
        REVIEW,
        &[],
        &[],
    );
    g.link(pr2, feature, LinkKind::Implements);
    g.link(pr, other_pr, LinkKind::Relates);
    let _ = open_pr;
    let set = only(Rule::LinkedWorkItem, Scope::default());
    assert_eq!(
        keys(&g, &run(&g, &set, now)),
        vec!["pr-lone"],
        "a link to another pull request is not a work item"
    );

    let mut g = G::new();
    let up = g.item(
        "up",
        ItemKind::Feature,
        0,
        Provenance::Human,
        0,
        t,
        PROGRESS,
        &[(t + H, DONE)],
        &[],
    );
    let down = g.item(
        "down",
        ItemKind::Feature,
        1,
        Provenance::Human,
        0,
        t,
        BACKLOG,
        &[],
        &[],
    );
    let up2 = g.item(
        "up-ok",
        ItemKind::Feature,
        0,
        Provenance::Human,
        0,
        t,
        PROGRESS,
        &[(t + H, DONE)],
        &[],
    );
    let down2 = g.item(
        "down-done",
        ItemKind::Feature,
        1,
        Provenance::Human,
        0,
        t,
        PROGRESS,
        &[(t + 3 * H, DONE)],
        &[],
    );
    g.link(up, down, LinkKind::Blocks);
    g.link(up2, down2, LinkKind::Blocks);
    let set = only(Rule::DoneWhileBlocking, Scope::default());
    let b = run(&g, &set, now);
    assert_eq!(keys(&g, &b), vec!["up"]);
    assert_eq!(b[0].figure, down, "it names the open item it blocks");
    let mapping = Mapping::build(&g.ix, &[]);
    let r = report(&g.ix, &mapping, &set, None, now).unwrap();
    assert!(
        r.violations[0].resolve.contains("down"),
        "{}",
        r.violations[0].resolve
    );
    assert_eq!(r.by_team[0].team, "Berlin");
}

#[test]
fn past_compliance_matches_a_hand_computed_case() {
    let mut g = G::new();
    // Review SLA of 8 working hours, UTC calendar. Ready on Monday 2026-03-02 09:00.
    let t = ms("2026-03-02T09:00:00Z");
    // In range (March): on time (4 h), on time (8 h exactly), late (Tuesday 10:00 = 9 h),
    // never reviewed (due Monday 17:00, now is April): 2 of 4 met.
    g.item(
        "on-time",
        ItemKind::PullRequest,
        0,
        Provenance::Human,
        0,
        t,
        REVIEW,
        &[],
        &[(t + 4 * H, 1)],
    );
    g.item(
        "exactly",
        ItemKind::PullRequest,
        0,
        Provenance::Human,
        0,
        t,
        REVIEW,
        &[],
        &[(t + 8 * H, 1)],
    );
    g.item(
        "late",
        ItemKind::PullRequest,
        0,
        Provenance::Human,
        0,
        t,
        REVIEW,
        &[],
        &[(t + 25 * H, 1)],
    );
    g.item(
        "never",
        ItemKind::PullRequest,
        0,
        Provenance::Human,
        0,
        t,
        REVIEW,
        &[],
        &[],
    );
    // Outside the range (February): left out.
    g.item(
        "february",
        ItemKind::PullRequest,
        0,
        Provenance::Human,
        0,
        t - 20 * 24 * H,
        REVIEW,
        &[],
        &[],
    );
    // Not for review at all: left out.
    g.item(
        "task",
        ItemKind::Task,
        0,
        Provenance::Human,
        0,
        t,
        PROGRESS,
        &[],
        &[],
    );
    let mut set = only(Rule::ReviewSla { hours: 8.0 }, Scope::default());
    set.calendars.clear();
    let mapping = Mapping::build(&g.ix, &[]);
    let c = compliance(
        &g.ix,
        &mapping,
        &set,
        ms("2026-03-01T00:00:00Z"),
        ms("2026-04-01T00:00:00Z"),
        ms("2026-04-02T00:00:00Z"),
    )
    .unwrap();
    assert_eq!((c[0].concerned, c[0].met), (4, 2));
    assert_eq!(c[0].share, Some(0.5));
    let missed: Vec<_> = c[0].missed.iter().map(|m| m.item_key.as_str()).collect();
    assert_eq!(missed, vec!["late", "never"], "both were due Monday 17:00");
    assert_eq!(c[0].missed[0].since, "2026-03-02T17:00:00Z");
}

#[test]
fn disabled_policies_are_not_evaluated_and_finished_breaches_age_out() {
    let mut g = G::new();
    let t = ms("2026-01-05T09:00:00Z");
    g.item(
        "old",
        ItemKind::PullRequest,
        0,
        Provenance::Human,
        0,
        t,
        REVIEW,
        &[(t + H, DONE)],
        &[],
    );
    let mut set = only(Rule::LinkedWorkItem, Scope::default());
    let b = run(&g, &set, t + 10 * 24 * H);
    assert_eq!(keys(&g, &b), vec!["old"]);
    let b = run(&g, &set, t + 40 * 24 * H);
    assert!(
        keys(&g, &b).is_empty() && b.len() == 1,
        "a past breach, no longer current"
    );
    set.policies[0].enabled = false;
    assert!(run(&g, &set, t + 10 * 24 * H).is_empty());
}

#[tokio::test]
async fn a_saved_set_is_versioned_per_policy_and_announced() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::create(&dir.path().join("p.baton"))
        .await
        .unwrap();
    let set = load(&ws).await.unwrap();
    assert_eq!(set, policy::defaults(), "nothing saved: the defaults");
    let mut rx = ws.subscribe();
    let saved = save(&ws, set.clone(), 1).await.unwrap();
    assert!(saved.policies.iter().all(|p| p.version == 1));
    assert!(
        rx.recv().await.unwrap().has(ChangeKind::Policies),
        "the write is announced"
    );
    let mut edited = saved.clone();
    edited.policies[0].enabled = false;
    edited.policies.remove(1);
    edited.calendars.insert(
        "Berlin".into(),
        Calendar {
            zone: "Europe/Berlin".into(),
            ..Calendar::default()
        },
    );
    save(&ws, edited.clone(), 2).await.unwrap();
    let back = load(&ws).await.unwrap();
    assert_eq!(
        back.policies.len(),
        set.policies.len() - 1,
        "a removed policy is gone"
    );
    assert_eq!(
        back.policies[0].version, 2,
        "the edited one has a new version"
    );
    assert!(!back.policies[0].enabled);
    assert_eq!(
        back.policies[1].version, 1,
        "an unchanged one keeps its version"
    );
    assert_eq!(back.calendars["Berlin"].zone, "Europe/Berlin");
    let mut bad = back.clone();
    bad.policies[1].name = bad.policies[0].name.clone();
    let err = save(&ws, bad, 3).await.unwrap_err().to_string();
    assert!(err.contains("two policies have this name"), "{err}");
    assert_eq!(
        load(&ws).await.unwrap(),
        back,
        "a refused set writes nothing"
    );
    ws.close().await;
}

/// Every item's verdict judged in parts on several threads is the one a single pass gives:
/// the same breaches in the same order, the same recheck instants and counts, for any cut
/// (parts of unequal length, more parts than cores), with every policy switched on.
#[tokio::test]
async fn every_item_judged_in_parts_is_judged_as_in_one_pass() {
    let dir = tempfile::tempdir().expect("temp dir");
    let end = 1_774_976_400_000;
    let ws = crate::demo::build(
        &dir.path().join("d.baton"),
        &crate::demo::DemoOptions {
            items: 2_000,
            seed: crate::demo::DEFAULT_SEED,
            end,
        },
    )
    .await
    .expect("demo");
    let mut set = load(&ws).await.expect("policies");
    for p in &mut set.policies {
        p.enabled = true;
    }
    let ix = ws.index().await.expect("index");
    let rows = crate::graph::repo::workflow_maps::list(ws.pool())
        .await
        .expect("maps");
    let mapping = Mapping::build(&ix, &rows);
    let cx = Context::new(&ix, &mapping, &set).expect("context");
    let one = eval::every_item_in_parts(&cx, end, 1);
    assert_eq!(one.recheck.len(), ix.items.len());
    assert!(
        one.found.iter().any(|b| b.current) && one.found.iter().any(|b| !b.current),
        "current and past breaches"
    );
    assert!(one.recheck.iter().any(|r| *r < i64::MAX), "clocks running");
    for parts in [2, 3, 7, 64] {
        let cut = eval::every_item_in_parts(&cx, end, parts);
        assert_eq!(
            cut.found, one.found,
            "{parts} parts: the breaches, in order"
        );
        assert_eq!(cut.recheck, one.recheck, "{parts} parts: recheck instants");
        assert_eq!(cut.current, one.current, "{parts} parts: current counts");
    }
    let counted: usize = one.current.iter().map(|c| usize::from(*c)).sum();
    assert_eq!(
        counted,
        one.found.iter().filter(|b| b.current).count(),
        "each item counts its own current breaches"
    );
    drop(cx);
    drop(ix);
    ws.close().await;
}
