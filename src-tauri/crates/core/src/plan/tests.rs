//! Forecasts on hand-made graphs: the closed form of a constant pace, dependencies across
//! teams, cycles, the backtest on a known pace, seeds, and bad requests.

use super::*;
use crate::demo::rng::Rng;
use crate::graph::index::{
    Event, EventKind, IndexedItem, IndexedLink, IndexedSource, Named, StateKey, NONE,
};
use crate::graph::model::{FlowState, ItemKind, Provenance, SourceKind};

const STATES: [&str; 3] = ["Backlog", "In Progress", "Done"];
const BACKLOG: u32 = 0;
const PROGRESS: u32 = 1;
const DONE: u32 = 2;
const H: i64 = 3_600_000;

fn day(text: &str) -> i64 {
    crate::time::parse_rfc3339(&format!("{text}T00:00:00Z")).expect("a date")
}

struct G {
    ix: WorkIndex,
}

impl G {
    fn new() -> G {
        let mut ix = WorkIndex::default();
        for (id, name) in [("t-a", "Alpha"), ("t-b", "Beta")] {
            ix.teams.push(Named {
                id: id.into(),
                name: name.into(),
            });
        }
        ix.intents.push(Named {
            id: "i-refunds".into(),
            name: "Faster refunds".into(),
        });
        ix.intent_parents.push(None);
        ix.sources.push(IndexedSource {
            id: "jira".into(),
            name: "Jira".into(),
            kind: SourceKind::Jira,
        });
        for raw in STATES {
            ix.states.push(StateKey {
                source: 0,
                raw: raw.into(),
            });
        }
        G { ix }
    }

    /// An item of `team` (and `intent`, or NONE) created at `created`, started an hour later,
    /// and finished at `done` when given.
    fn item(&mut self, team: u32, intent: u32, created: i64, done: Option<i64>) -> u32 {
        let mut events = vec![Event::new(created + H, EventKind::State, PROGRESS, NONE)];
        if let Some(d) = done {
            events.push(Event::new(d, EventKind::State, DONE, NONE));
        }
        let current = if done.is_some() { DONE } else { PROGRESS };
        let at = self.ix.items.len() as u32;
        self.ix.items.push(IndexedItem {
            rowid: i64::from(at),
            created,
            updated: done.unwrap_or(created + H),
            team,
            source: 0,
            intent,
            author: NONE,
            owner: NONE,
            requester: NONE,
            requester_signal: None,
            agent: NONE,
            has_priority: true,
            estimate: None,
            kind: ItemKind::Feature,
            provenance: Provenance::Human,
            flow: if done.is_some() {
                FlowState::Done
            } else {
                FlowState::Active
            },
            initial_state: BACKLOG,
            current_state: current,
            first_event: self.ix.events.len() as u32,
            event_count: events.len() as u32,
            transition_rows: events.len() as u32,
            out_of_order: false,
        });
        self.ix.events.extend(events);
        let key = format!("K-{at}");
        self.ix.item_ids.push(&format!("jira:{key}")).expect("id");
        self.ix.item_keys.push(&key).expect("key");
        self.ix
            .item_titles_folded
            .push(&key.to_lowercase())
            .expect("title");
        at
    }

    /// `per_day` items of `team` finished at noon on each of the `days` days before `until`.
    fn history(
        &mut self,
        team: u32,
        intent: u32,
        until: i64,
        days: i64,
        per_day: &dyn Fn(i64) -> u32,
    ) {
        for d in 1..=days {
            let noon = until - d * DAY_MS + 12 * H;
            for _ in 0..per_day(d) {
                self.item(team, intent, noon - 3 * DAY_MS, Some(noon));
            }
        }
    }

    fn blocks(&mut self, blocker: u32, blocked: u32) {
        self.ix.links.push(IndexedLink {
            from: blocker,
            to: blocked,
            kind: LinkKind::Blocks,
            created: 0,
            removed: None,
        });
    }

    fn forecast(&self, spec: &ForecastSpec) -> CoreResult<Forecast> {
        let mapping = Mapping::build(&self.ix, &[]);
        compute(&self.ix, &mapping, spec, day("2026-06-01"))
    }
}

/// The range ends on 31 March 2026: the forecast starts on 1 April, its 90-day window is
/// 1 January to 31 March.
fn spec(question: Question) -> ForecastSpec {
    ForecastSpec {
        filter: FlowFilter {
            to: Some("2026-03-31".into()),
            teams: vec!["t-a".into()],
            ..FlowFilter::default()
        },
        question,
        ..ForecastSpec::default()
    }
}

#[test]
fn a_constant_pace_gives_the_closed_form_dates_and_counts() {
    let mut g = G::new();
    let start = day("2026-04-01");
    g.history(0, NONE, start, 90, &|_| 2);
    for _ in 0..20 {
        g.item(0, NONE, day("2026-03-01"), None);
    }
    // Another team's work is not Alpha's.
    g.history(1, NONE, start, 90, &|_| 7);
    g.item(1, NONE, day("2026-03-01"), None);

    let when = g
        .forecast(&spec(Question::When { items: None }))
        .expect("forecast");
    assert_eq!(when.start, "2026-04-01");
    assert_eq!(
        (when.window_from.as_str(), when.window_to.as_str()),
        ("2026-01-01", "2026-03-31")
    );
    assert_eq!(when.items, 20);
    assert_eq!(when.history_finished, 180);
    assert_eq!(when.history_days_with_finish, 90);
    // 20 open items at 2 a day: done during the 10th day, 10 April, in every trial.
    for level in &when.levels {
        assert_eq!(level.days, Some(10), "{level:?}");
        assert_eq!(level.date.as_deref(), Some("2026-04-10"));
    }
    assert_eq!(
        when.histogram,
        vec![HistogramBar {
            from: 10,
            to: 10,
            trials: 10_000
        }]
    );
    assert_eq!(when.beyond_limit, 0);

    let by_date = g
        .forecast(&spec(Question::HowMany {
            date: "2026-04-07".into(),
        }))
        .expect("forecast");
    assert_eq!(by_date.horizon_days, 7);
    assert!(by_date.levels.iter().all(|l| l.items == Some(14)));

    // An explicit number of items.
    let five = g
        .forecast(&spec(Question::When { items: Some(5) }))
        .expect("forecast");
    assert!(five.levels.iter().all(|l| l.days == Some(3)));
}

#[test]
fn an_intent_waits_for_its_blockers_in_another_team_at_that_teams_pace() {
    let mut g = G::new();
    let start = day("2026-04-01");
    // Alpha finishes 5 items a day of the intent; Beta 1 item a day (of anything).
    g.history(0, 0, start, 90, &|_| 5);
    g.history(1, NONE, start, 90, &|_| 1);
    // The intent: a1 (blocked by Beta's b1, itself blocked by Beta's b2) and a2.
    let a1 = g.item(0, 0, day("2026-03-10"), None);
    let _a2 = g.item(0, 0, day("2026-03-11"), None);
    let b1 = g.item(1, NONE, day("2026-03-05"), None);
    let b2 = g.item(1, NONE, day("2026-03-01"), None);
    // Beta's other open work, older, not upstream of the intent: it is not simulated.
    let _other = g.item(1, NONE, day("2026-02-01"), None);
    g.blocks(b1, a1);
    g.blocks(b2, b1);
    let f = g
        .forecast(&ForecastSpec {
            intent: Some("i-refunds".into()),
            ..spec(Question::When { items: None })
        })
        .expect("forecast");
    assert_eq!(f.method, ForecastMethod::Dependencies);
    assert_eq!(f.label, "Faster refunds");
    assert_eq!((f.items, f.upstream_items), (2, 2));
    // b2 on day 1, b1 on day 2, a1 ready on day 3 and done then: 3 days, in every trial.
    assert!(f.levels.iter().all(|l| l.days == Some(3)), "{:?}", f.levels);
    let beta = f.teams.iter().find(|t| t.team == "Beta").expect("Beta");
    assert_eq!(
        (beta.items, beta.upstream_items, beta.whole_team_pace),
        (2, 2, false)
    );
    let alpha = f.teams.iter().find(|t| t.team == "Alpha").expect("Alpha");
    assert_eq!((alpha.items, alpha.whole_team_pace), (2, false));
}

#[test]
fn a_team_without_pace_on_the_intent_uses_its_whole_pace_and_says_so() {
    let mut g = G::new();
    let start = day("2026-04-01");
    g.history(0, NONE, start, 90, &|_| 1);
    g.item(0, 0, day("2026-03-10"), None);
    g.item(0, 0, day("2026-03-11"), None);
    let f = g
        .forecast(&ForecastSpec {
            intent: Some("i-refunds".into()),
            ..spec(Question::When { items: None })
        })
        .expect("forecast");
    assert!(f.teams[0].whole_team_pace);
    assert!(
        f.notes.iter().any(|n| n.contains("whole pace")),
        "{:?}",
        f.notes
    );
    assert!(f.levels.iter().all(|l| l.days == Some(2)));
}

#[test]
fn items_that_wait_on_each_other_in_a_cycle_are_still_forecast() {
    let mut g = G::new();
    let start = day("2026-04-01");
    g.history(0, 0, start, 90, &|_| 3);
    let c1 = g.item(0, 0, day("2026-03-10"), None);
    let c2 = g.item(0, 0, day("2026-03-11"), None);
    let c3 = g.item(0, 0, day("2026-03-12"), None);
    g.blocks(c1, c2);
    g.blocks(c2, c3);
    g.blocks(c3, c1);
    let f = g
        .forecast(&ForecastSpec {
            intent: Some("i-refunds".into()),
            ..spec(Question::When { items: None })
        })
        .expect("forecast");
    assert_eq!(f.items_in_cycles, 1);
    // One link of the cycle is ignored: a chain of three, a day each.
    assert!(f.levels.iter().all(|l| l.days == Some(3)), "{:?}", f.levels);
}

#[test]
fn the_backtest_of_a_known_random_pace_holds_about_as_often_as_it_claims() {
    let mut g = G::new();
    let start = day("2026-04-01");
    // 400 days of a pace drawn uniformly from 0 to 4 items a day.
    let mut rng = Rng::new(11);
    let paces: Vec<u32> = (0..=400).map(|_| rng.below(5) as u32).collect();
    g.history(0, NONE, start, 400, &|d| paces[d as usize]);
    for _ in 0..40 {
        g.item(0, NONE, day("2026-03-01"), None);
    }
    let f = g
        .forecast(&spec(Question::When { items: None }))
        .expect("forecast");
    let b = f.backtest.expect("a backtest");
    // 40 items at 2 a day on average: the median forecast is about 20 days.
    assert!((17..=23).contains(&b.horizon_days), "{}", b.horizon_days);
    assert_eq!(b.checks.len(), 8);
    // The 85% figure is a floor met in about 85% of the checks; the 50% one in about half.
    assert!(b.held_p85 >= 6, "{b:?}");
    assert!((2..=7).contains(&b.held_p50), "{b:?}");
    for c in &b.checks {
        assert!(c.p85 <= c.p50);
        // Each check's horizon is `horizon_days` of a 0–4 pace.
        assert!(c.actual <= 4 * b.horizon_days);
    }
    assert!(b.checks.windows(2).all(|w| w[0].date < w[1].date));
}

#[test]
fn a_seed_reproduces_its_forecast_and_another_seed_may_not() {
    let mut g = G::new();
    let start = day("2026-04-01");
    g.history(0, NONE, start, 90, &|d| (d % 4) as u32);
    for _ in 0..30 {
        g.item(0, NONE, day("2026-03-01"), None);
    }
    let one = g
        .forecast(&spec(Question::When { items: None }))
        .expect("forecast");
    let again = g
        .forecast(&spec(Question::When { items: None }))
        .expect("forecast");
    assert_eq!(one, again);
    let other = g
        .forecast(&ForecastSpec {
            seed: Some(2),
            ..spec(Question::When { items: None })
        })
        .expect("forecast");
    assert_ne!(one.histogram, other.histogram);
    assert_eq!(other.seed, 2);
}

#[test]
fn without_history_there_is_no_forecast_and_a_note_says_why() {
    let mut g = G::new();
    g.item(0, NONE, day("2026-03-01"), None);
    let f = g
        .forecast(&spec(Question::When { items: None }))
        .expect("forecast");
    assert!(f.levels.is_empty());
    assert!(f.backtest.is_none());
    assert!(f.notes[0].contains("no pace"), "{:?}", f.notes);
}

#[test]
fn bad_requests_are_refused_with_a_clear_message() {
    let g = G::new();
    let err = |s: ForecastSpec| g.forecast(&s).expect_err("refused").to_string();
    assert!(err(ForecastSpec {
        window_days: Some(3),
        ..spec(Question::When { items: None })
    })
    .contains("between 7 and 730"));
    assert!(err(ForecastSpec {
        trials: Some(10),
        ..spec(Question::When { items: None })
    })
    .contains("between 100 and 100000"));
    assert!(err(spec(Question::HowMany {
        date: "next week".into()
    }))
    .contains("2027-03-31"));
    assert!(err(spec(Question::HowMany {
        date: "2026-03-01".into()
    }))
    .contains("2026-04-01"));
    assert!(err(ForecastSpec {
        intent: Some("nope".into()),
        ..spec(Question::When { items: None })
    })
    .contains("nope"));
}

#[test]
fn the_report_lists_every_open_intent_and_team_with_its_forecast_as_safe_html() {
    let mut g = G::new();
    g.ix.intents[0].name = "<img src=x onerror=alert(1)> refunds".into();
    let start = day("2026-04-01");
    g.history(0, 0, start, 90, &|_| 2);
    for _ in 0..20 {
        g.item(0, 0, day("2026-03-01"), None);
    }
    let mapping = Mapping::build(&g.ix, &[]);
    let html = report::report_html(
        &g.ix,
        &mapping,
        "acme & co",
        &report::ReportOptions {
            as_of: Some("2026-03-31".into()),
            ..report::ReportOptions::default()
        },
        day("2026-06-01"),
    )
    .expect("report");
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains("<title>Plan: acme &amp; co</title>"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt; refunds"));
    assert!(!html.contains("<img"));
    assert!(!html.contains("<script"));
    // 20 open items at 2 a day: the 10th day, 10 April, for the intent and for Alpha.
    assert_eq!(
        html.matches("2026-04-10 <span class=\"muted\">(10 d)</span>")
            .count(),
        6
    );
    assert!(html.contains("<td>Alpha</td>") || html.contains("<td>Alpha<"));
    // Beta has nothing open: not listed.
    assert!(!html.contains(">Beta<"));
    assert!(html.contains("Backtest: how far to trust it"));
}

#[test]
fn the_histogram_keeps_the_widths_no_trial_landed_in() {
    let bar = |from, to, trials| HistogramBar { from, to, trials };
    // 29, then nothing until 32: 30 and 31 are bars of 0, not left out.
    assert_eq!(
        histogram(&[29, 32, 32, 33]),
        vec![
            bar(29, 29, 1),
            bar(30, 30, 0),
            bar(31, 31, 0),
            bar(32, 32, 2),
            bar(33, 33, 1)
        ]
    );
    // Wider than the most bars: equal widths from the least outcome, the empty ones kept, and
    // every trial counted once.
    let spread: Vec<u32> = vec![0, 1, 2, 200, 201, 240];
    let bars = histogram(&spread);
    assert!(
        bars.len() as u32 <= HISTOGRAM_BARS + 1,
        "{} bars",
        bars.len()
    );
    assert!(
        bars.windows(2).all(|w| w[1].from == w[0].to + 1),
        "{bars:?}"
    );
    assert!(bars
        .iter()
        .all(|b| b.to - b.from == bars[0].to - bars[0].from));
    assert_eq!(bars[0].from, 0);
    assert!(bars.last().is_some_and(|b| b.from <= 240 && 240 <= b.to));
    assert_eq!(bars.iter().map(|b| b.trials).sum::<u32>(), 6);
    assert!(bars.iter().any(|b| b.trials == 0));
    assert!(histogram(&[]).is_empty());
    assert_eq!(histogram(&[7, 7]), vec![bar(7, 7, 2)]);
}

mod scenarios {
    //! Scenarios compared with the baseline on hand-made graphs whose paces are constant, so
    //! every trial gives the same day and each difference can be worked out by hand.

    use super::*;
    use crate::plan::compare::{compare_on, CompareSpec, Comparison};
    use crate::plan::scenario::{Scenario, ScenarioChange};

    struct Case {
        g: G,
        a1: u32,
        b: [u32; 3],
        c1: u32,
    }

    /// Alpha finishes 5 items a day of "Faster refunds"; Beta one item a day (of anything).
    /// The intent's a1 (Alpha) waits for b1, b2 and b3 (Beta, independent); a2 (Alpha) waits
    /// for nothing. A second intent, "Ledger", has c1 (Alpha) waiting for b3.
    /// Baseline: Beta finishes b1, b2, b3 on days 1, 2, 3; a1 is ready on day 4 and done then.
    /// Ledger's forecast holds only c1 and b3 (what it waits for): b3 on day 1, c1 on day 2.
    fn case() -> Case {
        let mut g = G::new();
        g.ix.intents.push(Named {
            id: "i-ledger".into(),
            name: "Ledger".into(),
        });
        g.ix.intent_parents.push(None);
        let start = day("2026-04-01");
        g.history(0, 0, start, 90, &|_| 5);
        g.history(1, NONE, start, 90, &|_| 1);
        let a1 = g.item(0, 0, day("2026-03-10"), None);
        let _a2 = g.item(0, 0, day("2026-03-11"), None);
        let b = [
            g.item(1, NONE, day("2026-03-01"), None),
            g.item(1, NONE, day("2026-03-02"), None),
            g.item(1, NONE, day("2026-03-03"), None),
        ];
        for x in b {
            g.blocks(x, a1);
        }
        let c1 = g.item(0, 1, day("2026-03-12"), None);
        g.blocks(b[2], c1);
        Case { g, a1, b, c1 }
    }

    fn key(g: &G, i: u32) -> String {
        g.ix.item_keys.get(i as usize).expect("key").to_owned()
    }

    fn scenario(name: &str, changes: Vec<ScenarioChange>) -> Scenario {
        Scenario {
            id: format!("s-{name}"),
            name: name.into(),
            notes: String::new(),
            changes,
            version: 1,
            created_by: "lead".into(),
            created_at: String::new(),
            updated_by: "lead".into(),
            updated_at: String::new(),
        }
    }

    fn compare(g: &G, scenarios: &[Scenario]) -> Comparison {
        let mapping = Mapping::build(&g.ix, &[]);
        compare_on(
            &g.ix,
            &mapping,
            &CompareSpec {
                filter: FlowFilter {
                    to: Some("2026-03-31".into()),
                    ..FlowFilter::default()
                },
                trials: Some(200),
                ..CompareSpec::default()
            },
            scenarios,
            day("2026-06-01"),
            &[],
        )
        .expect("comparison")
    }

    fn p85(c: &Comparison, intent: &str, column: usize) -> Option<u32> {
        let row = c.intents.iter().find(|r| r.name == intent).expect("intent");
        row.cells[column].p85.as_ref().map(|f| f.days)
    }

    #[test]
    fn the_baseline_column_is_the_plans_page_forecast() {
        let c = case();
        let cmp = compare(&c.g, &[]);
        assert_eq!(p85(&cmp, "Faster refunds", 0), Some(4));
        assert_eq!(p85(&cmp, "Ledger", 0), Some(2));
        let page =
            c.g.forecast(&ForecastSpec {
                intent: Some("i-refunds".into()),
                trials: Some(200),
                ..spec(Question::When { items: None })
            })
            .expect("forecast");
        let level = page.levels.iter().find(|l| l.confidence == 85).expect("85");
        assert_eq!(
            level.days,
            Some(4),
            "the comparison's baseline and the page's forecast are one computation"
        );
        let row = &cmp.intents[0].cells[0];
        // Beta's queue holds 3 of the 4 days of the critical path (b3, then a1).
        let b = row.bottleneck.as_ref().expect("a bottleneck");
        assert_eq!((b.team.as_str(), b.share, b.days), ("Beta", 75, 3.0));
        assert_eq!(row.critical_length, 2);
        assert_eq!(row.critical_path[1].item.key, key(&c.g, c.a1));
        assert_eq!(row.critical_path[0].team, "Beta");
        assert!(
            row.risks
                .iter()
                .any(|r| r.contains("waits for") && r.contains("of Beta")),
            "a wait on another team on the critical path is a risk: {:?}",
            row.risks
        );
    }

    #[test]
    fn moving_a_blocker_to_a_faster_team_brings_the_intent_forward_and_says_so() {
        let c = case();
        let b3 = key(&c.g, c.b[2]);
        let s = scenario(
            "Hand over",
            vec![ScenarioChange::MoveWork {
                item: b3.clone(),
                team: "Alpha".into(),
            }],
        );
        let cmp = compare(&c.g, &[s]);
        // Alpha finishes b3 on day 1; Beta b1 and b2 on days 1 and 2; a1 on day 3.
        assert_eq!(p85(&cmp, "Faster refunds", 1), Some(3));
        let row = cmp
            .intents
            .iter()
            .find(|r| r.name == "Faster refunds")
            .expect("row");
        assert_eq!(row.cells[1].delta_p85, Some(-1));
        // Ledger's b3 is done on day 1 by either team: nothing moves, and nothing is said.
        assert_eq!(p85(&cmp, "Ledger", 1), Some(2));
        let ledger = cmp
            .intents
            .iter()
            .find(|r| r.name == "Ledger")
            .expect("row");
        assert_eq!(ledger.cells[1].delta_p85, Some(0));
        let text: Vec<&str> = cmp.explanations.iter().map(|e| e.text.as_str()).collect();
        assert!(
            text.contains(&format!(
                "Moving {b3} to Alpha brings \u{201c}Faster refunds\u{201d} forward by 1 day at P85 (2026-04-04 \u{2192} 2026-04-03)."
            )
            .as_str()),
            "{text:?}"
        );
        assert!(!text.iter().any(|t| t.contains("Ledger")), "{text:?}");
        // WIP follows the item: Beta had 3 started items, Alpha 3 (a1, a2, c1).
        let team = |name: &str| cmp.teams.iter().find(|t| t.team == name).expect("team");
        assert_eq!(
            (team("Beta").cells[0].wip, team("Beta").cells[1].wip),
            (3, 2)
        );
        assert_eq!(
            (team("Alpha").cells[0].wip, team("Alpha").cells[1].wip),
            (3, 4)
        );
    }

    #[test]
    fn changes_outside_an_intents_network_leave_its_forecast_as_the_baselines() {
        // Random paces, so the trials differ and any change that did reach the network shows.
        let mut g = G::new();
        g.ix.teams.push(Named {
            id: "t-c".into(),
            name: "Gamma".into(),
        });
        let start = day("2026-04-01");
        g.history(0, 0, start, 90, &|d| ((d * 7 + 3) % 5) as u32);
        g.history(1, NONE, start, 90, &|d| ((d * 3 + 1) % 4) as u32);
        g.history(2, NONE, start, 90, &|d| ((d * 5) % 3) as u32);
        let a: Vec<u32> = (0..8)
            .map(|k| g.item(0, 0, day("2026-03-10") + k * H, None))
            .collect();
        let b: Vec<u32> = (0..5)
            .map(|k| g.item(1, NONE, day("2026-03-01") + k * H, None))
            .collect();
        for (k, x) in b.iter().enumerate() {
            g.blocks(*x, a[k]);
        }
        // Nobody in "Faster refunds" waits for these.
        let outside_b = g.item(1, NONE, day("2026-03-05"), None);
        let outside_c = g.item(2, NONE, day("2026-03-05"), None);
        g.blocks(outside_c, outside_b);
        let elsewhere = vec![
            ScenarioChange::MoveWork {
                item: key(&g, outside_c),
                team: "Beta".into(),
            },
            ScenarioChange::MoveWork {
                item: key(&g, outside_b),
                team: "Gamma".into(),
            },
            ScenarioChange::AddScope {
                title: "Other work".into(),
                team: "Beta".into(),
                intent: None,
                items: 5,
                size: 2.0,
                blocked_by: vec![key(&g, outside_b)],
                blocks: Vec::new(),
            },
            ScenarioChange::DeRisk {
                item: key(&g, outside_b),
            },
        ];
        // The same changes with Beta's pace "changed" to 100%: this reaches the network, so
        // the intent is simulated again, with the changes elsewhere in the overlay.
        let mut simulated = elsewhere.clone();
        simulated.push(ScenarioChange::Capacity {
            team: "Beta".into(),
            from: "2026-04-01".into(),
            to: "2026-04-30".into(),
            percent: 100,
        });
        let slower = vec![ScenarioChange::Capacity {
            team: "Beta".into(),
            from: "2026-04-01".into(),
            to: "2026-04-30".into(),
            percent: 50,
        }];
        let cmp = compare(
            &g,
            &[
                scenario("elsewhere", elsewhere),
                scenario("simulated", simulated),
                scenario("slower", slower),
            ],
        );
        let row = cmp
            .intents
            .iter()
            .find(|r| r.name == "Faster refunds")
            .expect("row");
        let base = &row.cells[0];
        assert!(base.p85.is_some());
        for c in [1, 2] {
            let cell = &row.cells[c];
            assert_eq!(
                (&cell.p50, &cell.p85, &cell.critical_path, &cell.bottleneck),
                (&base.p50, &base.p85, &base.critical_path, &base.bottleneck),
                "column {c}"
            );
            assert_eq!(cell.delta_p85, Some(0));
        }
        assert!(
            row.cells[3].delta_p85.is_some_and(|d| d > 0),
            "Beta at half pace pushes it back: {:?}",
            row.cells[3]
        );
    }

    #[test]
    fn capacity_scope_dependencies_and_risk_changes_move_the_dates_as_worked_out() {
        let c = case();
        let k = |i: u32| key(&c.g, i);
        let cases: Vec<(&str, ScenarioChange, u32, u32)> = vec![
            // Beta on holiday on days 1-2: b1..b3 on days 3-5, a1 on day 6; Ledger's b3 on
            // day 3, c1 on day 4.
            (
                "holiday",
                ScenarioChange::Capacity {
                    team: "Beta".into(),
                    from: "2026-04-01".into(),
                    to: "2026-04-02".into(),
                    percent: 0,
                },
                6,
                4,
            ),
            // Beta at 50% for ten days: an item every two days; b3 on day 6, a1 day 7;
            // Ledger's b3 on day 2, c1 on day 3.
            (
                "half",
                ScenarioChange::Capacity {
                    team: "t-b".into(),
                    from: "2026-04-01".into(),
                    to: "2026-04-10".into(),
                    percent: 50,
                },
                7,
                3,
            ),
            // Two more items (of Beta, each one and a half times the usual) that a1 waits
            // for: Beta needs 3 + 3 = 6 days, a1 is done on day 7. Ledger is untouched.
            (
                "scope",
                ScenarioChange::AddScope {
                    title: "Refund API".into(),
                    team: "Beta".into(),
                    intent: None,
                    items: 2,
                    size: 1.5,
                    blocked_by: Vec::new(),
                    blocks: vec![k(c.a1)],
                },
                7,
                2,
            ),
            // b2 out of the plan: Beta does b1, b3 on days 1, 2; a1 day 3.
            (
                "drop",
                ScenarioChange::RemoveScope { item: k(c.b[1]) },
                3,
                2,
            ),
            // a1 no longer waits for b1: b2, b3 on days 1, 2; a1 day 3.
            (
                "unlink",
                ScenarioChange::RemoveDependency {
                    blocker: k(c.b[0]),
                    blocked: k(c.a1),
                },
                3,
                2,
            ),
            // c1 waits for a1 too: Ledger now waits for all of Beta's work and a1, day 5.
            (
                "link",
                ScenarioChange::AddDependency {
                    blocker: k(c.a1),
                    blocked: k(c.c1),
                },
                4,
                5,
            ),
            // a1 de-risked: it waits for nothing and is done on day 1.
            ("derisk", ScenarioChange::DeRisk { item: k(c.a1) }, 1, 2),
        ];
        let scenarios: Vec<Scenario> = cases
            .iter()
            .take(6)
            .map(|(name, change, _, _)| scenario(name, vec![change.clone()]))
            .collect();
        let cmp = compare(&c.g, &scenarios);
        let rest: Vec<Scenario> = cases
            .iter()
            .skip(6)
            .map(|(name, change, _, _)| scenario(name, vec![change.clone()]))
            .collect();
        let cmp2 = compare(&c.g, &rest);
        for (at, (name, _, refunds, ledger)) in cases.iter().enumerate() {
            let (cmp, col) = if at < 6 {
                (&cmp, at + 1)
            } else {
                (&cmp2, at - 5)
            };
            assert_eq!(
                (p85(cmp, "Faster refunds", col), p85(cmp, "Ledger", col)),
                (Some(*refunds), Some(*ledger)),
                "{name}"
            );
        }
        // A change that cannot reach an intent leaves it exactly as it was (the same dice).
        let ledger = cmp
            .intents
            .iter()
            .find(|r| r.name == "Ledger")
            .expect("row");
        assert_eq!(ledger.cells[3].delta_p85, Some(0), "new scope for a1 only");
        assert!(!cmp
            .explanations
            .iter()
            .any(|e| e.scenario == "scope" && e.intent == "Ledger"));
        let holiday = cmp
            .explanations
            .iter()
            .find(|e| e.scenario == "holiday" && e.intent == "Faster refunds")
            .expect("explained");
        assert_eq!(
            holiday.text,
            "A holiday for Beta from 2026-04-01 to 2026-04-02 pushes \u{201c}Faster refunds\u{201d} back by 2 days at P85 (2026-04-04 \u{2192} 2026-04-06)."
        );
        // New scope shows on the critical path as such, and counts as open work of Beta.
        let refunds = cmp
            .intents
            .iter()
            .find(|r| r.name == "Faster refunds")
            .expect("row");
        assert!(refunds.cells[3]
            .critical_path
            .iter()
            .any(|s| s.added && s.item.title == "Refund API"));
        let beta = cmp.teams.iter().find(|t| t.team == "Beta").expect("Beta");
        assert_eq!(beta.cells[3].open, beta.cells[0].open + 2);
        // The de-risked item is not a risk any more.
        let derisked = &cmp2
            .intents
            .iter()
            .find(|r| r.name == "Faster refunds")
            .expect("row")
            .cells[1];
        assert!(derisked.risks.is_empty(), "{:?}", derisked.risks);
    }

    #[test]
    fn several_changes_are_explained_one_by_one_and_unknown_references_are_named() {
        let c = case();
        let k = |i: u32| key(&c.g, i);
        let s = scenario(
            "Plan B",
            vec![
                ScenarioChange::MoveWork {
                    item: k(c.b[2]),
                    team: "Alpha".into(),
                },
                ScenarioChange::RemoveScope { item: k(c.b[1]) },
                ScenarioChange::RemoveScope {
                    item: "NOPE-1".into(),
                },
            ],
        );
        let cmp = compare(&c.g, &[s]);
        // b3 by Alpha on day 1, b1 by Beta on day 1: a1 ready and done on day 2.
        assert_eq!(p85(&cmp, "Faster refunds", 1), Some(2));
        let e = cmp
            .explanations
            .iter()
            .find(|e| e.intent == "Faster refunds")
            .expect("explained");
        assert_eq!(e.days, -2);
        assert!(
            e.text.starts_with(
                "\u{201c}Plan B\u{201d} brings \u{201c}Faster refunds\u{201d} forward by 2 days"
            ),
            "{}",
            e.text
        );
        assert!(
            e.text
                .contains(&format!("Moving {} to Alpha alone: -1 days", k(c.b[2]))),
            "{}",
            e.text
        );
        assert_eq!(cmp.columns[1].warnings.len(), 1);
        assert!(cmp.columns[1].warnings[0].contains("no item NOPE-1"));
    }

    #[test]
    fn putting_an_item_first_changes_the_order_a_team_works_in() {
        // Refunds: a1 waits for Beta's b1 and b2; a2 waits for Alpha's x, which waits for
        // Beta's newest item b3. Beta (one a day) takes the oldest first: b1, b2, b3 on days
        // 1-3, x on day 4, a2 on day 5. With b3 first: b3, b1, b2 on days 1-3, x on day 2,
        // a2 on day 3, a1 on day 4.
        let mut g = G::new();
        let start = day("2026-04-01");
        g.history(0, 0, start, 90, &|_| 5);
        g.history(1, NONE, start, 90, &|_| 1);
        let a1 = g.item(0, 0, day("2026-03-10"), None);
        let a2 = g.item(0, 0, day("2026-03-11"), None);
        let x = g.item(0, NONE, day("2026-03-11"), None);
        let b1 = g.item(1, NONE, day("2026-03-01"), None);
        let b2 = g.item(1, NONE, day("2026-03-02"), None);
        let b3 = g.item(1, NONE, day("2026-03-05"), None);
        g.blocks(b1, a1);
        g.blocks(b2, a1);
        g.blocks(x, a2);
        g.blocks(b3, x);
        let first = scenario(
            "first",
            vec![ScenarioChange::Prioritize {
                items: vec![key(&g, b3)],
            }],
        );
        let cmp = compare(&g, &[first]);
        assert_eq!(p85(&cmp, "Faster refunds", 0), Some(5));
        assert_eq!(p85(&cmp, "Faster refunds", 1), Some(4));
        assert_eq!(
            cmp.explanations[0].text,
            format!(
                "Putting {} first brings \u{201c}Faster refunds\u{201d} forward by 1 day at P85 (2026-04-05 \u{2192} 2026-04-04).",
                key(&g, b3)
            )
        );
    }

    #[test]
    fn more_capacity_never_reads_as_a_delay_because_each_team_keeps_its_dice() {
        // Random paces (0 to 4 a day for Alpha, 0 to 2 for Beta). Each team draws its days from
        // its own dice, the same in every column, so giving Beta more people can only bring
        // the intent forward (or leave it), whatever the seed.
        let mut g = G::new();
        let start = day("2026-04-01");
        let mut rng = Rng::new(5);
        let alpha: Vec<u32> = (0..=90).map(|_| rng.below(5) as u32).collect();
        let beta: Vec<u32> = (0..=90).map(|_| rng.below(3) as u32).collect();
        g.history(0, 0, start, 90, &|d| alpha[d as usize]);
        g.history(1, NONE, start, 90, &|d| beta[d as usize]);
        for k in 0..30 {
            let a = g.item(0, 0, day("2026-03-01") + i64::from(k) * H, None);
            let b = g.item(1, NONE, day("2026-02-01") + i64::from(k) * H, None);
            g.blocks(b, a);
        }
        for seed in 1..=5 {
            let more = scenario(
                "more",
                vec![ScenarioChange::Capacity {
                    team: "Beta".into(),
                    from: "2026-04-01".into(),
                    to: "2027-04-01".into(),
                    percent: 150,
                }],
            );
            let mapping = Mapping::build(&g.ix, &[]);
            let cmp = compare_on(
                &g.ix,
                &mapping,
                &CompareSpec {
                    filter: FlowFilter {
                        to: Some("2026-03-31".into()),
                        ..FlowFilter::default()
                    },
                    trials: Some(500),
                    seed: Some(seed),
                    ..CompareSpec::default()
                },
                &[more],
                day("2026-06-01"),
                &[],
            )
            .expect("comparison");
            let cell = &cmp.intents[0].cells[1];
            assert!(cell.delta_p85.expect("dated") < 0, "seed {seed}: {cell:?}");
            assert!(cell.delta_p50.expect("dated") < 0, "seed {seed}: {cell:?}");
        }
    }

    /// The intents are compared on several workers at once: the comparison (every column,
    /// critical path, bottleneck and explanation, in order) is the one worked out intent after
    /// intent on one, whatever the number of workers.
    #[tokio::test]
    async fn intents_compared_on_several_cores_give_the_comparison_made_one_after_the_other() {
        use crate::demo::{self, DemoOptions};
        use crate::graph::model::FlowState;
        use crate::graph::Workspace;
        use crate::plan::compare::compare_on_cores;
        /// 2026-03-31T17:00:00Z, the demo's end.
        const END: i64 = 1_774_976_400_000;
        let dir = tempfile::tempdir().expect("dir");
        let ws = Workspace::create(&dir.path().join("d.baton"))
            .await
            .expect("workspace");
        let graph = demo::generate(&DemoOptions {
            items: 4_000,
            seed: demo::DEFAULT_SEED,
            end: END,
        });
        demo::write(&ws, &graph).await.expect("demo");
        let spec = CompareSpec {
            trials: Some(300),
            ..CompareSpec::default()
        };
        let (ix, mapping, _) = crate::flow::prepare(&ws, &spec.filter, END)
            .await
            .expect("index");
        let open: Vec<usize> = (0..ix.items.len())
            .filter(|i| !matches!(ix.items[*i].flow, FlowState::Done | FlowState::Canceled))
            .collect();
        let key = |i: usize| ix.item_keys.get(i).unwrap_or("").to_owned();
        let team = |t: usize| ix.teams[t].name.clone();
        let day = |d: i64| crate::time::to_rfc3339(END + d * 86_400_000)[..10].to_owned();
        let scenarios = vec![
            scenario(
                "hand over",
                open.iter()
                    .filter(|i| ix.items[**i].team == 0)
                    .take(8)
                    .map(|i| ScenarioChange::MoveWork {
                        item: key(*i),
                        team: team(1),
                    })
                    .collect(),
            ),
            scenario(
                "holidays",
                (0..ix.teams.len())
                    .map(|t| ScenarioChange::Capacity {
                        team: team(t),
                        from: day(7),
                        to: day(27),
                        percent: 0,
                    })
                    .collect(),
            ),
            scenario(
                "two changes",
                vec![
                    ScenarioChange::Capacity {
                        team: team(2),
                        from: day(1),
                        to: day(40),
                        percent: 20,
                    },
                    ScenarioChange::AddScope {
                        title: "New scope".into(),
                        team: team(2),
                        intent: ix.intents.first().map(|n| n.id.clone()),
                        items: 12,
                        size: 1.0,
                        blocked_by: Vec::new(),
                        blocks: Vec::new(),
                    },
                ],
            ),
        ];
        let one = compare_on_cores(&ix, &mapping, &spec, &scenarios, END, &[], 1).expect("one");
        assert!(one.intents.len() >= 3, "{} intents", one.intents.len());
        assert!(
            !one.explanations.is_empty(),
            "the scenarios move some intent"
        );
        assert!(one
            .intents
            .iter()
            .any(|r| r.cells.iter().any(|c| c.bottleneck.is_some())));
        for threads in [2, 3, 8] {
            let many = compare_on_cores(&ix, &mapping, &spec, &scenarios, END, &[], threads)
                .expect("many");
            assert_eq!(many, one, "{threads} workers");
        }
        ws.close().await;
    }
}
