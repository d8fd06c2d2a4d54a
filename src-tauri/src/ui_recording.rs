//! The answers the browser journey's mocked backend gives (`ui/e2e/recorded/`), recorded from
//! the real core, so that every number the journey shows and checks comes from Rust.
//!
//! `requests.json` is written by hand: the demo organisation to build (size, seed) and the
//! instant that is "now" for every answer (the journey fixes the page's clock to it), then every
//! request the journey makes, grouped by the writes applied before them (`after`, for example
//! the workflow mapping the journey changes). [`record_ui_answers`] builds the demo for each
//! group, applies its writes, answers each request by calling what the command calls, and writes
//! `answers.json`. CI runs it and fails when the committed file differs (as for the bindings).
//!
//! Each answer is what the command returns over IPC: the same core function with the same
//! arguments, serialized by serde, or the [`IpcError`] it fails with. Two departures (see
//! `ui/README.md`): `items_list` is recorded as the whole ordered list (the mock cuts the page the
//! UI asks for, as Rust does), its rows written once in `itemRows` and named by position (the
//! same rows come back in several orders); and the summary names a fixed path instead of the
//! recorder's temporary folder.
//!
//! At the size of a journey, the seeded demo has no open blocking chain longer than two items,
//! no self-blocking item, no state nobody mapped, no hostile state name and no milestone; the
//! journey checks how the UI shows each, so [`add_journey_cases`] adds them to the generated
//! organisation before it is written.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use baton_core::demo::{self, DemoGraph, DemoOptions};
use baton_core::graph::model::{
    FlowState, Intent, IntentKind, Link, LinkKind, LinkOrigin, Transition, TransitionKind,
};
use baton_core::graph::Workspace;
use baton_core::{deps, flow, query, triage};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::IpcError;

/// Where the request list and the answers live, from the shell crate.
const FOLDER: &str = "../ui/e2e/recorded";

/// The one state name no rule recognises: flow metrics leave out the items passing through it
/// until someone maps it.
const UNMAPPED_STATE: &str = "Parked";
/// A state name with markup in it (the UI must show it as text).
const HOSTILE_STATE: &str = "<img src=x onerror=alert(2)> \"QA\" & Co";
/// An intent title with markup in it.
const HOSTILE_INTENT: &str = "<img src=x onerror=alert(3)> \"Zero\" downtime & co";
/// The path the answers name instead of the recorder's temporary folder.
const SHOWN_PATH: &str = "/home/lead/Baton/acme-demo.baton";
/// The file name of the recorded workspace (the summary's `name` is its stem).
const FILE_NAME: &str = "acme-demo.baton";
/// Only `items_list` is ever larger than one page; pages are read at this size.
const PAGE: u32 = 1_000;
/// Commands that write: answered on their own copy of the workspace, and allowed in `after`.
const WRITES: &[&str] = &["workflow_set"];

/// `requests.json`.
#[derive(Debug, Deserialize)]
struct RequestFile {
    /// RFC 3339: the instant every answer is measured at, and the demo's last day.
    now: String,
    demo: DemoSpec,
    states: Vec<Group>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct DemoSpec {
    items: u32,
    seed: u64,
}

/// Requests answered after the same writes.
#[derive(Debug, Deserialize)]
struct Group {
    #[serde(default)]
    after: Vec<Request>,
    requests: Vec<Request>,
}

/// One command call, as the UI sends it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Request {
    cmd: String,
    #[serde(default = "empty_args")]
    args: Value,
}

fn empty_args() -> Value {
    Value::Object(serde_json::Map::new())
}

/// A command's outcome as the UI receives it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
enum Outcome {
    Ok(Value),
    Error(IpcError),
}

/// Reads the argument `name` as the command's parameter type (Tauri reads it the same way).
fn arg<T: DeserializeOwned>(req: &Request, name: &str) -> T {
    let value = req.args.get(name).cloned().unwrap_or_else(|| {
        panic!(
            "{} needs the argument `{name}` (in {})",
            req.cmd,
            serde_json::to_string(&req.args).unwrap_or_default()
        )
    });
    serde_json::from_value(value)
        .unwrap_or_else(|err| panic!("{}: the argument `{name}` does not parse: {err}", req.cmd))
}

fn outcome<T: Serialize>(result: Result<T, baton_core::CoreError>) -> Outcome {
    match result {
        Ok(value) => Outcome::Ok(serde_json::to_value(value).expect("answers serialize")),
        Err(err) => Outcome::Error(IpcError::from(err)),
    }
}

/// Answers one request with the core function its command calls (see `commands/*.rs`), at the
/// instant `now`.
async fn answer(ws: &Workspace, req: &Request, now: i64) -> Outcome {
    match req.cmd.as_str() {
        "workspace_summary" => outcome(query::workspace_summary(ws).await),
        "intents_list" => outcome(query::intents_list(ws).await),
        "teams_list" => outcome(query::teams_list(ws).await),
        "people_list" => outcome(baton_core::people::people_list(ws).await),
        "item_detail" => outcome(query::item_detail(ws, &arg::<String>(req, "id")).await),
        "items_list" => outcome(whole_list(ws, arg(req, "query")).await),
        "flow_report" => outcome(flow::flow_report(ws, &arg(req, "filter"), now).await),
        "flow_bottlenecks" => outcome(flow::bottleneck_report(ws, &arg(req, "filter"), now).await),
        "flow_items" => {
            outcome(flow::flow_items(ws, &arg(req, "filter"), &arg(req, "selection"), now).await)
        }
        "workflow_list" => outcome(flow::workflow_list(ws).await),
        "workflow_set" => outcome(flow::workflow_set(ws, &arg(req, "change")).await),
        "deps_report" => outcome(deps::deps_report(ws, &arg(req, "filter"), now).await),
        "overview_attention" => outcome(deps::attention(ws, now).await),
        "overview_attention_items" => {
            outcome(deps::attention_items(ws, arg(req, "list"), now).await)
        }
        "deps_graph" => outcome(deps::deps_graph(ws, &arg(req, "request"), now).await),
        "deps_critical_path" => {
            outcome(deps::deps_critical_path(ws, &arg(req, "target"), now).await)
        }
        "triage_list" => outcome(triage::triage_list(ws, &arg(req, "query"), now).await),
        "duplicates_report" => outcome(
            baton_core::duplicates::report(ws, &arg(req, "query"), now, &mut |_, _| {}).await,
        ),
        "conflicts_report" => outcome(baton_core::conflicts::live::compute(ws).await),
        "conflicts_item" => outcome(
            baton_core::conflicts::live::item_changes(ws, &arg::<String>(req, "itemId")).await,
        ),
        "conflicts_touches" => {
            outcome(baton_core::conflicts::touches::report(ws, &arg(req, "query"), now).await)
        }
        "conflicts_touch_pulls" => outcome(
            baton_core::conflicts::touches::pulls(
                ws,
                &arg(req, "query"),
                &arg::<String>(req, "fromTeamId"),
                &arg::<String>(req, "toTeamId"),
                now,
            )
            .await,
        ),
        "conflicts_rules" => outcome(baton_core::conflicts::rules::view(ws).await),
        "triage_thresholds_get" => outcome(triage::thresholds_get(ws).await),
        "triage_compare" => outcome(triage::ai_comparison(ws, &arg(req, "filter"), now).await),
        "approvals_report" => {
            outcome(baton_core::approvals::approvals_report(ws, &arg(req, "query"), now).await)
        }
        "approvals_for_item" => outcome(
            baton_core::approvals::pending_for_item(ws, &arg::<String>(req, "itemId"), now).await,
        ),
        "intents_report" => {
            outcome(baton_core::intents::report::intents_report(ws, &arg(req, "query"), now).await)
        }
        "decisions_list" => outcome(
            baton_core::decisions::decisions_list(
                ws,
                arg::<Option<String>>(req, "itemId").as_deref(),
            )
            .await,
        ),
        other => panic!(
            "the recorder does not answer `{other}`: it is simulated by ui/e2e/mock-backend.js, \
             or add it to ui_recording::answer"
        ),
    }
}

/// Every row of the list (all its pages, in order): the mock cuts the page the UI asks for.
async fn whole_list(
    ws: &Workspace,
    query: query::ItemsQuery,
) -> Result<query::ItemsPage, baton_core::CoreError> {
    assert!(
        query.offset == 0 && query.limit == 0,
        "items_list requests name no offset or limit: the whole list is recorded"
    );
    let mut all = query::items_list(
        ws,
        &query::ItemsQuery {
            limit: PAGE,
            ..query.clone()
        },
    )
    .await?;
    while (all.rows.len() as u32) < all.total {
        let next = query::items_list(
            ws,
            &query::ItemsQuery {
                offset: all.rows.len() as u32,
                limit: PAGE,
                ..query.clone()
            },
        )
        .await?;
        if next.rows.is_empty() {
            break;
        }
        all.rows.extend(next.rows);
    }
    Ok(all)
}

/// Adds to the generated organisation what the journey checks and the demo does not have: a
/// state nobody mapped and a state with markup in its name (each passed through by a few
/// finished items), a chain of five open items of five teams each blocking the next, an item
/// that blocks itself, and a milestone with markup in its title.
fn add_journey_cases(graph: &mut DemoGraph) {
    detour(graph, "src-jira", UNMAPPED_STATE, 7);
    detour(graph, "src-linear", HOSTILE_STATE, 5);

    // Open items with a team and no link yet, one per team, in the generator's order.
    let linked: BTreeSet<&str> = graph
        .links
        .iter()
        .flat_map(|l| [l.from_item_id.as_str(), l.to_item_id.as_str()])
        .collect();
    let mut teams = BTreeSet::new();
    let lonely: Vec<(String, i64)> = graph
        .items
        .iter()
        .filter(|i| {
            matches!(i.flow_state, FlowState::Waiting | FlowState::Active)
                && !linked.contains(i.id.as_str())
                && i.team_id.as_ref().is_some_and(|t| teams.insert(t.clone()))
        })
        .map(|i| (i.id.clone(), i.created_at))
        .take(6)
        .collect();
    assert_eq!(lonely.len(), 6, "six teams have an open item with no link");
    let blocks = |(from, a): &(String, i64), (to, b): &(String, i64)| Link {
        from_item_id: from.clone(),
        to_item_id: to.clone(),
        kind: LinkKind::Blocks,
        origin: LinkOrigin::Source,
        confidence: 1.0,
        created_at: *a.max(b),
        removed_at: None,
        found_in: None,
    };
    for pair in lonely[..5].windows(2) {
        graph.links.push(blocks(&pair[0], &pair[1]));
    }
    graph.links.push(blocks(&lonely[5], &lonely[5]));

    let parent = graph
        .intents
        .iter()
        .find(|i| i.kind == IntentKind::Initiative)
        .expect("the demo has initiatives");
    let milestone = Intent {
        parent_id: Some(parent.id.clone()),
        description: "A milestone whose title carries markup.".into(),
        target_at: parent.target_at,
        ..Intent::baton(
            "milestone-hostile-title",
            IntentKind::Milestone,
            HOSTILE_INTENT,
            parent.created_at,
        )
    };
    graph.intents.push(milestone);
}

/// Sends `count` finished items of `source` through `state` just before their last change.
fn detour(graph: &mut DemoGraph, source: &str, state: &str, count: usize) {
    let chosen: Vec<String> = graph
        .items
        .iter()
        .filter(|i| i.source_id == source && i.flow_state == FlowState::Done)
        .step_by(9)
        .take(count)
        .map(|i| i.id.clone())
        .collect();
    assert_eq!(chosen.len(), count, "{source} has {count} finished items");
    for id in &chosen {
        let states: Vec<usize> = graph
            .transitions
            .iter()
            .enumerate()
            .filter(|(_, t)| &t.item_id == id && t.kind == TransitionKind::State)
            .map(|(k, _)| k)
            .collect();
        let [.., before, last] = states[..] else {
            panic!("{id} has two state changes");
        };
        let (from, at) = {
            let (b, l) = (&graph.transitions[before], &graph.transitions[last]);
            (l.from_state.clone(), b.at + (l.at - b.at) / 2)
        };
        let actor = graph.transitions[last].actor_id.clone();
        graph.transitions[last].from_state = Some(state.to_owned());
        graph.transitions.insert(
            last,
            Transition {
                item_id: id.clone(),
                event_id: "journey-detour".into(),
                kind: TransitionKind::State,
                from_state: from,
                to_state: state.to_owned(),
                at,
                actor_id: actor,
            },
        );
    }
}

/// Replaces every string equal to `from` (the temporary path) with `to`.
fn replace_string(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::String(s) if s == from => *s = to.to_owned(),
        Value::Array(list) => list.iter_mut().for_each(|v| replace_string(v, from, to)),
        Value::Object(map) => map.values_mut().for_each(|v| replace_string(v, from, to)),
        _ => {}
    }
}

/// A workspace holding the demo graph, with `after` applied.
async fn workspace(
    dir: &Path,
    n: usize,
    graph: &DemoGraph,
    after: &[Request],
    now: i64,
) -> Workspace {
    let folder = dir.join(format!("state-{n}"));
    std::fs::create_dir_all(&folder).expect("temporary folder");
    let ws = Workspace::create(&folder.join(FILE_NAME))
        .await
        .expect("workspace created");
    demo::write(&ws, graph).await.expect("demo written");
    for write in after {
        assert!(
            WRITES.contains(&write.cmd.as_str()),
            "`after` holds writes only ({} is not one)",
            write.cmd
        );
        if let Outcome::Error(err) = answer(&ws, write, now).await {
            panic!("the write {write:?} failed: {err:?}");
        }
    }
    ws
}

/// Answers every request of `requests.json` and returns the text of `answers.json`.
async fn record(requests: &str) -> String {
    let file: RequestFile = serde_json::from_str(requests).expect("requests.json parses");
    let now = chrono::DateTime::parse_from_rfc3339(&file.now)
        .expect("`now` is an RFC 3339 instant")
        .timestamp_millis();
    let mut graph = demo::generate(&DemoOptions {
        items: file.demo.items,
        seed: file.demo.seed,
        end: now,
    });
    add_journey_cases(&mut graph);
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut answers = Table::default();
    let mut rows = Table::default();
    let mut groups = Vec::new();
    let mut copies = 0;
    for group in &file.states {
        copies += 1;
        let ws = workspace(dir.path(), copies, &graph, &group.after, now).await;
        let shown = ws.path().display().to_string();
        let mut lines = Vec::new();
        for req in &group.requests {
            let result = if WRITES.contains(&req.cmd.as_str()) {
                copies += 1;
                let scratch = workspace(dir.path(), copies, &graph, &group.after, now).await;
                let result = answer(&scratch, req, now).await;
                scratch.close().await;
                result
            } else {
                answer(&ws, req, now).await
            };
            let mut value = serde_json::to_value(&result).expect("answers serialize");
            replace_string(&mut value, &shown, SHOWN_PATH);
            if req.cmd == "items_list" {
                if let Some(Value::Array(list)) = value.pointer_mut("/ok/rows") {
                    for row in list.iter_mut() {
                        *row = Value::from(rows.add(row));
                    }
                }
            }
            let at = answers.add(&value);
            lines.push(format!(
                "{{\"cmd\":{},\"args\":{},\"answer\":{at}}}",
                serde_json::to_string(&req.cmd).expect("text"),
                serde_json::to_string(&req.args).expect("arguments serialize")
            ));
        }
        ws.close().await;
        groups.push(format!(
            "{{\"after\":{},\"requests\":[\n{}\n]}}",
            serde_json::to_string(&group.after).expect("writes serialize"),
            lines.join(",\n")
        ));
    }
    format!(
        "{{\"generatedBy\":\"cargo test -p baton --lib record_ui_answers\",\"now\":{},\"demo\":{},\n\"flowFilterDefault\":{},\n\"states\":[\n{}\n],\n\"answers\":[\n{}\n],\n\"itemRows\":[\n{}\n]}}\n",
        serde_json::to_string(&file.now).expect("text"),
        serde_json::to_string(&file.demo).expect("demo serializes"),
        // What `flow_filter_get` returns before a filter was saved (simulated by the mock).
        serde_json::to_string(&flow::FlowFilter::default()).expect("filter serializes"),
        groups.join(",\n"),
        answers.texts.join(",\n"),
        rows.texts.join(",\n")
    )
}

/// Distinct JSON values, each written once and referred to by position.
#[derive(Default)]
struct Table {
    texts: Vec<String>,
    index: BTreeMap<String, usize>,
}

impl Table {
    /// The position of `value`, added if it is new.
    fn add(&mut self, value: &Value) -> usize {
        let text = serde_json::to_string(value).expect("answers serialize");
        let next = self.texts.len();
        let at = *self.index.entry(text.clone()).or_insert(next);
        if at == next {
            self.texts.push(text);
        }
        at
    }
}

/// Regenerates `ui/e2e/recorded/answers.json`; CI runs it and fails when the committed file
/// differs.
#[tokio::test]
async fn record_ui_answers() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join(FOLDER);
    let requests =
        std::fs::read_to_string(folder.join("requests.json")).expect("requests.json is readable");
    let text = record(&requests).await;
    let parsed: Value = serde_json::from_str(&text).expect("answers.json is JSON");
    assert!(
        parsed["answers"].as_array().is_some_and(|a| !a.is_empty()),
        "some answers were recorded"
    );
    std::fs::write(folder.join("answers.json"), text).expect("answers.json written");
}

mod tests {
    use super::*;

    fn graph() -> DemoGraph {
        let mut graph = demo::generate(&DemoOptions {
            items: 600,
            seed: demo::DEFAULT_SEED,
            end: 1_780_315_200_000,
        });
        add_journey_cases(&mut graph);
        graph
    }

    #[test]
    fn the_journey_cases_are_added_to_the_demo() {
        let g = graph();
        let into = |state: &str| g.transitions.iter().filter(|t| t.to_state == state).count();
        assert_eq!(
            into(UNMAPPED_STATE),
            7,
            "seven Jira items pass through Parked"
        );
        assert_eq!(
            into(HOSTILE_STATE),
            5,
            "five Linear items pass through the hostile state"
        );
        assert_eq!(
            g.links
                .iter()
                .filter(|l| l.from_item_id == l.to_item_id)
                .count(),
            1,
            "one item blocks itself"
        );
        let added: Vec<&Link> = g.links.iter().rev().skip(1).take(4).collect();
        assert!(
            added
                .windows(2)
                .all(|w| w[1].to_item_id == w[0].from_item_id),
            "four links join five items into one chain"
        );
        assert!(
            g.intents
                .iter()
                .any(|i| i.kind == IntentKind::Milestone && i.title == HOSTILE_INTENT),
            "a milestone carries markup"
        );
    }

    #[test]
    fn a_detour_keeps_each_history_a_chain_of_states() {
        let g = graph();
        for t in g
            .transitions
            .iter()
            .filter(|t| t.to_state == UNMAPPED_STATE)
        {
            let next = g
                .transitions
                .iter()
                .filter(|n| n.item_id == t.item_id && n.kind == TransitionKind::State)
                .find(|n| n.from_state.as_deref() == Some(UNMAPPED_STATE))
                .expect("the item leaves the detour");
            assert!(next.at > t.at, "the detour comes before the last change");
        }
    }
}
