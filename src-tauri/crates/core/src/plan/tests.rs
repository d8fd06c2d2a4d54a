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
