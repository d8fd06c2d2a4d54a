//! `baton bench-governance FILE`: the Governance and Triage budgets on an existing workspace,
//! each printed against its budget with the CPU time beside the wall time and the machine's
//! load; exits 1 when one is missed. Governance: every policy on the whole index (≤ 100 ms),
//! and after a sync page the evaluation followed item by item (≤ 20 ms). Triage: the worklist
//! after a filter change (≤ 50 ms) and after a decision (≤ 20 ms). `baton bench` measures the
//! same figures on the workspace it generates.
//!
//! It writes to the file (sync pages that move items to other states, decisions): run it on a
//! workspace made for measuring (`baton demo --out big.baton --items 200000`).

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use baton_core::decisions::DecisionInput;
use baton_core::flow::Mapping;
use baton_core::governance::current::{self, Evaluation};
use baton_core::graph::model::{ItemKind, Provenance, Transition, TransitionKind};
use baton_core::graph::{repo, Workspace, WriteOp, Writer};
use baton_core::triage::{Reason, TriageDecision, TriageQuery, TriageShow, TriageSort};
use baton_core::CoreError;

use crate::bench_flow::{cpu_ms, cpu_since, median, median_of, ms_since, timed, Figure};

/// Options of `baton bench-governance`.
#[derive(Debug, clap::Args)]
pub struct BenchGovernanceArgs {
    /// The workspace to measure; it is written to (e.g. `baton demo --out big.baton --items
    /// 200000`).
    file: PathBuf,
    /// Rounds per figure (the median is reported).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
    runs: u32,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

/// Measures the figures; `Ok(false)` when one misses its budget.
pub async fn run(args: BenchGovernanceArgs) -> Result<bool, CoreError> {
    let ws = Workspace::open(&args.file).await?;
    let items = ws.index().await?.items.len();
    let now = baton_core::time::now_ms();
    let mut figures = governance_figures(&ws, now, args.runs).await?;
    figures.extend(triage_figures(&ws, now, args.runs).await?);
    figures.extend(triage_after_sync_pages(&ws, now, args.runs).await?);
    ws.close().await;
    crate::bench_plans::print_figures(
        "baton bench-governance",
        &args.file,
        items,
        args.runs,
        figures,
        args.json,
    )
}

/// Per source id: its states (raw, flow state, wait reason).
type SourceStates = std::collections::HashMap<String, Vec<(String, String, Option<String>)>>;

/// One sync page as a source would write it: each item moved to another state of its source
/// (the state, flow state and wait reason another item of that source is in), with the change
/// recorded a minute before `at`.
struct MovePage<'a> {
    items: &'a [String],
    states: &'a SourceStates,
    round: usize,
    at: i64,
}

impl WriteOp for MovePage<'_> {
    type Output = ();
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> Result<(), CoreError> {
        let mut changes = Vec::new();
        for (k, id) in self.items.iter().enumerate() {
            let (source, from): (String, String) =
                sqlx::query_as("SELECT source_id, raw_state FROM items WHERE id = ?1")
                    .bind(id)
                    .fetch_one(&mut *w.conn())
                    .await?;
            let Some(states) = self.states.get(&source) else {
                continue;
            };
            let Some((raw, flow, wait)) = (0..states.len())
                .map(|s| &states[(self.round * 7 + k + s) % states.len()])
                .find(|s| s.0 != from)
            else {
                continue;
            };
            let at = self.at - 60_000;
            sqlx::query(
                "UPDATE items SET raw_state = ?2, flow_state = ?3, wait_reason = ?4,
                   updated_at = MAX(updated_at + 1, ?5) WHERE id = ?1",
            )
            .bind(id)
            .bind(raw)
            .bind(flow)
            .bind(wait)
            .bind(at)
            .execute(&mut *w.conn())
            .await?;
            changes.push(Transition {
                item_id: id.clone(),
                event_id: format!("bench-governance-{}-{k}-{at}", self.round),
                kind: TransitionKind::State,
                from_state: Some(from),
                to_state: raw.clone(),
                at,
                actor_id: None,
            });
        }
        repo::transitions::insert_many(w.conn(), &changes).await?;
        w.items_changed(self.items.iter().cloned());
        Ok(())
    }
}

/// Governance: every policy on the whole index and the page's first answer; then, per round, a
/// sync page of 100 items moved to other states and the evaluation followed item by item (the
/// index following the page is measured apart: every page pays it), the page's answer after
/// it, and the page after a decision (which no policy reads: nothing is evaluated again).
/// Checks at the end that the followed violations are those of a whole evaluation.
pub(crate) async fn governance_figures(
    ws: &Workspace,
    now: i64,
    runs: u32,
) -> Result<Vec<Figure>, CoreError> {
    let set = baton_core::governance::load(ws).await?;
    let rows = repo::workflow_maps::list(ws.pool()).await?;
    let (mut whole, mut whole_cpu) = (Vec::new(), Vec::new());
    let mut breaches = 0;
    {
        let ix = ws.index().await?;
        let mapping = Mapping::build(&ix, &rows);
        for _ in 0..runs.max(1) {
            let cpu = cpu_ms();
            let started = Instant::now();
            let found = baton_core::governance::breaches(&ix, &mapping, &set, now)?;
            whole.push(ms_since(started));
            whole_cpu.push(cpu_since(cpu));
            breaches = found.iter().filter(|b| b.current).count();
        }
    }
    let cpu = cpu_ms();
    let started = Instant::now();
    let first = baton_core::governance::governance_report(ws, now).await?;
    let first_page = (ms_since(started), cpu_since(cpu));
    // Each round's page: 100 items spread over the index, picked before the rounds (an index
    // held here could not be followed in place).
    let (pages, states) = {
        let ix = ws.index().await?;
        let n = ix.item_ids.len();
        let pages: Vec<Vec<String>> = (0..runs.max(1) as usize)
            .map(|round| {
                (0..100)
                    .map(|k| {
                        ix.item_ids[(round * 7_907 + k * (n / 100).max(1)) % n.max(1)].to_owned()
                    })
                    .collect()
            })
            .collect();
        let found: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT DISTINCT source_id, raw_state, flow_state, wait_reason FROM items",
        )
        .fetch_all(ws.pool())
        .await?;
        let mut states = SourceStates::new();
        for (source, raw, flow, wait) in found {
            states.entry(source).or_default().push((raw, flow, wait));
        }
        (pages, states)
    };
    let (mut index_ms, mut index_cpu) = (Vec::new(), Vec::new());
    let (mut followed_ms, mut followed_cpu) = (Vec::new(), Vec::new());
    let (mut page_ms, mut page_cpu) = (Vec::new(), Vec::new());
    let (mut decided_ms, mut decided_cpu) = (Vec::new(), Vec::new());
    let mut evaluated = Vec::new();
    for (round, page) in pages.iter().enumerate() {
        ws.write(MovePage {
            items: page,
            states: &states,
            round,
            at: now,
        })
        .await?;
        let cpu = cpu_ms();
        let started = Instant::now();
        let ix = ws.index().await?;
        let mapping = Mapping::build(&ix, &rows);
        index_ms.push(ms_since(started));
        index_cpu.push(cpu_since(cpu));
        let cpu = cpu_ms();
        let started = Instant::now();
        let (_, how) = current::followed(ws, &ix, &mapping, &rows, &set, now).await?;
        followed_ms.push(ms_since(started));
        followed_cpu.push(cpu_since(cpu));
        drop((ix, mapping));
        match how {
            Evaluation::Followed { items } => evaluated.push(items as f64),
            Evaluation::Whole => {
                return Err(CoreError::Invalid(
                    "the violations were evaluated whole after a sync page".into(),
                ))
            }
        }
        let cpu = cpu_ms();
        let started = Instant::now();
        std::hint::black_box(baton_core::governance::governance_report(ws, now).await?);
        page_ms.push(ms_since(started));
        page_cpu.push(cpu_since(cpu));

        // A note on a violating item: a decision, which no policy reads.
        if let Some(v) = first.violations.get(round % first.violations.len().max(1)) {
            baton_core::decisions::record(
                ws,
                baton_core::decisions::NewDecision {
                    item_id: v.item_id.clone(),
                    input: DecisionInput::Note {
                        text: format!("bench round {round}"),
                    },
                    actor: "bench".into(),
                    why: String::new(),
                    reasons: Vec::new(),
                    seen_updated_at: None,
                    seen_changes: None,
                    now,
                },
            )
            .await?;
            let cpu = cpu_ms();
            let started = Instant::now();
            std::hint::black_box(baton_core::governance::governance_report(ws, now).await?);
            decided_ms.push(ms_since(started));
            decided_cpu.push(cpu_since(cpu));
        }
    }
    // The followed violations against a whole evaluation of the same index.
    let ix = ws.index().await?;
    let mapping = Mapping::build(&ix, &rows);
    let followed = baton_core::governance::governance_report(ws, now).await?;
    let overlay = baton_core::decisions::overlay(ws).await?;
    let fresh = baton_core::governance::report(&ix, &mapping, &set, Some(&overlay), now)?;
    if followed != fresh {
        return Err(CoreError::Invalid(format!(
            "the followed violations ({} now) differ from a whole evaluation ({} now)",
            followed.total, fresh.total
        )));
    }
    Ok(vec![
        timed(
            &format!(
                "governance: every enabled policy evaluated on the whole index ({breaches} violations now; median)"
            ),
            median(whole),
            median_of(&whole_cpu),
            Some((100.0, false)),
        ),
        timed(
            &format!(
                "governance: the Governance page, first answer (whole evaluation, counts, trend, {} listed)",
                first.violations.len()
            ),
            first_page.0,
            first_page.1,
            Some((100.0, false)),
        ),
        timed(
            "governance: the index following a sync page of 100 items moved to other states (median; every page pays it)",
            median(index_ms),
            median_of(&index_cpu),
            None,
        ),
        timed(
            &format!(
                "governance: every policy after that sync page, followed item by item ({:.0} items evaluated again; median)",
                median(evaluated)
            ),
            median(followed_ms),
            median_of(&followed_cpu),
            Some((20.0, false)),
        ),
        timed(
            "governance: the Governance page after that sync page (followed evaluation, counts, trend, listed; median)",
            median(page_ms),
            median_of(&page_cpu),
            None,
        ),
        timed(
            "governance: the Governance page after a decision (nothing evaluated again; median)",
            median(decided_ms),
            median_of(&decided_cpu),
            None,
        ),
    ])
}

/// Triage: the first worklist, the worklist after a filter change (6 filters), and a decision
/// recorded with the worklist asked again.
pub(crate) async fn triage_figures(
    ws: &Workspace,
    now: i64,
    runs: u32,
) -> Result<Vec<Figure>, CoreError> {
    let team = {
        let ix = ws.index().await?;
        let mut per_team = vec![0usize; ix.teams.len()];
        for item in &ix.items {
            if let Some(n) = per_team.get_mut(item.team as usize) {
                *n += 1;
            }
        }
        (0..ix.teams.len())
            .max_by_key(|t| per_team[*t])
            .map(|t| ix.teams[t].id.clone())
            .unwrap_or_default()
    };
    let cpu = cpu_ms();
    let started = Instant::now();
    let first = baton_core::triage::triage_list(ws, &TriageQuery::default(), now).await?;
    let first_ms = (ms_since(started), cpu_since(cpu));
    let reason = first
        .by_reason
        .iter()
        .max_by_key(|r| r.count)
        .map(|r| r.reason)
        .unwrap_or(Reason::AiUnreviewed);
    let queries = [
        TriageQuery::default(),
        TriageQuery {
            teams: vec![team],
            ..TriageQuery::default()
        },
        TriageQuery {
            reasons: vec![reason],
            ..TriageQuery::default()
        },
        TriageQuery {
            provenances: vec![Provenance::AiAgent],
            ..TriageQuery::default()
        },
        TriageQuery {
            sort: TriageSort::WaitingOnIt,
            ..TriageQuery::default()
        },
        TriageQuery {
            show: TriageShow::Decided,
            ..TriageQuery::default()
        },
    ];
    let (mut filtered, mut filtered_cpu) = (Vec::new(), Vec::new());
    for _ in 0..runs.max(1) {
        for q in &queries {
            let cpu = cpu_ms();
            let started = Instant::now();
            std::hint::black_box(baton_core::triage::triage_list(ws, q, now).await?);
            filtered.push(ms_since(started));
            filtered_cpu.push(cpu_since(cpu));
        }
    }
    // The clock's minute turns (ages move): the filter change answers from the kept base while
    // the new minute's is found in the background; then the first question over the new base.
    let (mut turned, mut turned_cpu, mut found, mut after_found) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for round in 1..=runs.max(1) {
        let at = now + i64::from(round) * 60_000;
        let q = &queries[round as usize % queries.len()];
        let cpu = cpu_ms();
        let started = Instant::now();
        std::hint::black_box(baton_core::triage::triage_list(ws, q, at).await?);
        turned.push(ms_since(started));
        turned_cpu.push(cpu_since(cpu));
        let started = Instant::now();
        baton_core::triage::settle(ws).await;
        found.push(ms_since(started));
        let started = Instant::now();
        std::hint::black_box(baton_core::triage::triage_list(ws, q, at).await?);
        after_found.push(ms_since(started));
    }
    // A decision recorded (the write), then the list as the page asks for it again (at the last
    // minute asked: the clock does not run back).
    let now = now + i64::from(runs.max(1)) * 60_000;
    let (mut decided, mut decided_cpu) = (Vec::new(), Vec::new());
    for round in 0..runs.max(1) as usize {
        let list = baton_core::triage::triage_list(ws, &TriageQuery::default(), now).await?;
        let Some(row) = list.rows.get(round % list.rows.len().max(1)) else {
            break;
        };
        let decision = TriageDecision {
            item_id: row.id.clone(),
            decision: DecisionInput::Accepted,
            why: "bench".into(),
        };
        let cpu = cpu_ms();
        let started = Instant::now();
        baton_core::triage::triage_decide(ws, &decision, "bench", now).await?;
        let after = baton_core::triage::triage_list(ws, &TriageQuery::default(), now).await?;
        decided.push(ms_since(started));
        decided_cpu.push(cpu_since(cpu));
        if after.rows.iter().any(|r| r.id == row.id) {
            return Err(CoreError::Invalid(format!(
                "the accepted item {} is still on the worklist",
                row.key
            )));
        }
    }
    Ok(vec![
        timed(
            &format!(
                "triage: first worklist, every reason found from the index ({} listed)",
                first.total
            ),
            first_ms.0,
            first_ms.1,
            None,
        ),
        timed(
            "triage: worklist with all reasons after a filter change (median of 6 filters x runs)",
            median(filtered),
            median_of(&filtered_cpu),
            Some((50.0, false)),
        ),
        timed(
            "triage: filter change as the clock's minute turns (median)",
            median(turned),
            median_of(&turned_cpu),
            Some((50.0, false)),
        ),
        timed(
            "triage: … the new minute's reasons found in the background, waited for (median)",
            median(found),
            None,
            None,
        ),
        timed(
            "triage: … the next filter change, over the new minute's reasons (median)",
            median(after_found),
            None,
            Some((50.0, false)),
        ),
        timed(
            "triage: decision recorded and the worklist updated (median)",
            median(decided),
            median_of(&decided_cpu),
            Some((20.0, false)),
        ),
    ])
}

/// Triage after sync pages: each a page of 100 pull requests of one repository (as the GitHub
/// connector pages, one repository at a time: here the largest one's), then the worklist as the
/// page asks for it again (the conflicts follow the page, reading that repository again). Run
/// after the memory figures: each page makes an index generation.
pub(crate) async fn triage_after_sync_pages(
    ws: &Workspace,
    now: i64,
    runs: u32,
) -> Result<Vec<Figure>, CoreError> {
    let now = now + i64::from(runs.max(1)) * 60_000;
    let pages: Vec<Vec<String>> = {
        let ix = ws.index().await?;
        let mut by_repository: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, item) in ix.items.iter().enumerate() {
            if item.kind == ItemKind::PullRequest {
                if let Some(r) = baton_core::conflicts::live::repository_of(&ix.item_keys[i]) {
                    by_repository.entry(r).or_default().push(i);
                }
            }
        }
        let mut largest = by_repository
            .into_values()
            .max_by_key(Vec::len)
            .unwrap_or_default();
        largest.sort_by_key(|&i| std::cmp::Reverse(ix.items[i].updated));
        largest
            .chunks(100)
            .take(runs.max(1) as usize)
            .map(|c| c.iter().map(|&i| ix.item_ids[i].to_owned()).collect())
            .collect()
    };
    let (mut paged, mut paged_cpu) = (Vec::new(), Vec::new());
    for page in &pages {
        ws.write(crate::bench_flow::TouchItems(page)).await?;
        let cpu = cpu_ms();
        let started = Instant::now();
        std::hint::black_box(
            baton_core::triage::triage_list(ws, &TriageQuery::default(), now).await?,
        );
        paged.push(ms_since(started));
        paged_cpu.push(cpu_since(cpu));
    }
    Ok(vec![timed(
        "triage: worklist after a sync page of 100 pull requests of one repository (the conflicts followed; median)",
        median(paged),
        median_of(&paged_cpu),
        None,
    )])
}
