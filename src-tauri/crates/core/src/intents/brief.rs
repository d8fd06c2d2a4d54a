//! The intent brief: one self-contained HTML page (no script, no remote resource) about one
//! intent, to share with stakeholders — what it is, its progress and flow, who contributes,
//! what blocks it, its forecast, and the definitions of every number (from `docs/metrics.md`).
//! Every text from the workspace is escaped.

use std::fmt::Write as _;

use crate::error::{CoreError, CoreResult};
use crate::graph::Workspace;
use crate::plan::report::escape;
use crate::plan::{Forecast, ForecastSpec};

use super::report::{intents_report, IntentNode, IntentsQuery};

fn days(v: Option<f64>) -> String {
    v.map_or("–".into(), |d| format!("{d:.1} days"))
}

fn points(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn share(v: Option<f64>) -> String {
    v.map_or("–".into(), |s| format!("{:.0}%", s * 100.0))
}

/// The forecast of an intent for the page and the brief: its open items through the dependency
/// graph, each team at its own pace (`crate::plan`), 2,000 trials.
pub async fn intent_forecast(
    ws: &Workspace,
    query: &IntentsQuery,
    intent: &str,
    now: i64,
) -> CoreResult<Forecast> {
    crate::plan::forecast(
        ws,
        &ForecastSpec {
            filter: query.filter.clone(),
            intent: Some(intent.to_owned()),
            trials: Some(2_000),
            ..ForecastSpec::default()
        },
        now,
    )
    .await
}

/// The brief of intent `id`, as a whole HTML document.
pub async fn intent_brief(
    ws: &Workspace,
    query: &IntentsQuery,
    id: &str,
    now: i64,
) -> CoreResult<String> {
    let report = intents_report(
        ws,
        &IntentsQuery {
            include_archived: true,
            ..query.clone()
        },
        now,
    )
    .await?;
    let Some(node) = report.intents.iter().find(|n| n.id == id) else {
        return Err(CoreError::NotFound(format!("intent {id}")));
    };
    let forecast = intent_forecast(ws, query, id, now).await?;
    let children: Vec<&IntentNode> = report
        .intents
        .iter()
        .filter(|n| n.parent_id.as_deref() == Some(id))
        .collect();
    Ok(render(
        node,
        &children,
        &forecast,
        &report.range_from,
        &report.range_to,
    ))
}

fn render(n: &IntentNode, children: &[&IntentNode], f: &Forecast, from: &str, to: &str) -> String {
    let level = |c: u32| {
        f.levels
            .iter()
            .find(|l| l.confidence == c)
            .and_then(|l| l.date.clone())
            .unwrap_or_else(|| "–".into())
    };
    let mut facts = String::new();
    let mut row = |label: &str, value: String, what: &str| {
        let _ = write!(
            facts,
            "<tr><th>{}</th><td class=\"num\">{}</td><td class=\"muted\">{}</td></tr>",
            escape(label),
            escape(&value),
            escape(what)
        );
    };
    row(
        "Progress",
        format!(
            "{} ({} of {} items done)",
            share(n.progress),
            n.done,
            n.items.saturating_sub(n.canceled)
        ),
        "Done items / items that serve it, canceled ones left out.",
    );
    if n.points_progress.is_some() {
        row(
            "Progress in points",
            format!(
                "{} ({} of {} points done; {} of {} items estimated)",
                share(n.points_progress),
                points(n.points_done),
                points(n.points),
                n.estimated,
                n.items.saturating_sub(n.canceled)
            ),
            "Estimates of its done items / estimates of its items, canceled ones left out; items without an estimate are not counted.",
        );
    }
    row(
        "Throughput",
        format!("{} items", n.throughput),
        "Items that serve it finished in the range.",
    );
    row(
        "Cycle time P50 / P85",
        format!("{} / {}", days(n.cycle_p50_days), days(n.cycle_p85_days)),
        "From the start of each item's cycle to its finish, items finished in the range.",
    );
    row(
        "Work in progress",
        n.wip.to_string(),
        "Items active or waiting now.",
    );
    row(
        "Oldest item in progress",
        days(n.oldest_wip_days),
        "Days since the oldest item in progress started its cycle.",
    );
    row(
        "AI share",
        share(n.ai_share),
        "Items made by AI agents / items.",
    );
    row(
        "Blocked / at risk",
        format!("{} / {}", n.blocked, n.at_risk),
        "Open items waiting on an open blocker / with an open blocker upstream older than its team's P85 cycle time.",
    );
    row(
        "Pending decisions",
        n.pending_decisions.to_string(),
        "Questions not answered yet that its work waits on or that are asked about it.",
    );
    row(
        "Policy violations",
        n.policy_violations.to_string(),
        "Policies its items break now.",
    );
    row(
        "Forecast P50 / P85",
        format!("{} / {}", level(50), level(85)),
        "The day its open items and what they wait on are done in 50% / 85% of simulated futures.",
    );
    let contributors = |list: &[super::report::Contributor]| {
        if list.is_empty() {
            return "–".to_owned();
        }
        list.iter()
            .map(|c| format!("{} ({})", escape(&c.name), c.items))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut kids = String::new();
    for c in children {
        let _ = write!(
            kids,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&c.title),
            escape(&share(c.progress)),
            c.wip,
            c.throughput
        );
    }
    let mut html = String::new();
    let _ = write!(
        html,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
<title>Intent brief: {title}</title><style>{STYLE}</style></head><body>\
<header><p class=\"muted\">{kind} · {origin}</p><h1>{title}</h1>\
<p>{description}</p>\
<p><strong>Success measure:</strong> {measure}</p>\
<p class=\"muted\">Owner: {owner} · Target: {target} · Priority: {priority} · Range {from} to {to}</p></header>\
<section><h2>Figures</h2><table class=\"facts\"><tbody>{facts}</tbody></table></section>\
<section><h2>Who contributes</h2><p>Teams: {teams}</p><p>Agents: {agents}</p></section>\
{kids}\
<section class=\"defs\">{defs}</section></body></html>",
        title = escape(&n.title),
        kind = escape(n.kind.as_str()),
        origin = match (&n.source_name, &n.source_key) {
            (Some(s), Some(k)) => format!("from {} ({})", escape(s), escape(k)),
            _ => "made in Baton".to_owned(),
        },
        description = if n.description.is_empty() { "No description.".to_owned() } else { escape(&n.description) },
        measure = if n.success_measure.is_empty() { "none given".to_owned() } else { escape(&n.success_measure) },
        owner = escape(n.owner.as_deref().unwrap_or("none")),
        target = escape(n.target_date.as_deref().unwrap_or("none")),
        priority = n.priority.map_or("none".to_owned(), |p| p.to_string()),
        from = escape(from),
        to = escape(to),
        teams = contributors(&n.teams),
        agents = contributors(&n.agents),
        kids = if kids.is_empty() {
            String::new()
        } else {
            format!("<section><h2>Below it</h2><table><thead><tr><th>Intent</th><th>Progress</th><th>In progress</th><th>Throughput</th></tr></thead><tbody>{kids}</tbody></table></section>")
        },
        defs = crate::plan::report::section_html("## Intents"),
    );
    html
}

const STYLE: &str = "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1c1d21;margin:32px auto;max-width:900px;padding:0 24px}\
h1{font-size:24px;margin:0 0 8px}h2{font-size:18px;margin:28px 0 6px}h3{font-size:15px;margin:18px 0 4px}\
.muted{color:#5d6170}table{border-collapse:collapse;width:100%;margin-top:8px}\
th,td{border-bottom:1px solid #e3e4ea;padding:6px 8px;text-align:left;vertical-align:top}.num{font-variant-numeric:tabular-nums;white-space:nowrap}\
.defs{margin-top:36px;border-top:2px solid #e3e4ea;color:#33353d}\
.facts th{width:22%}.facts td.num{width:34%;white-space:normal}\
@page{size:A4;margin:12mm 14mm}\
@media print{body{font-size:11px;line-height:1.35;margin:0;max-width:none;padding:0}\
h1{font-size:20px}h2{font-size:14px;margin:12px 0 4px}h3{font-size:12px;margin:10px 0 2px}\
header p{margin:4px 0}th,td{padding:3px 6px}section p{margin:4px 0}\
.defs{break-before:page;margin-top:0;border-top:none}}";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::model::{IntentKind, IntentOrigin};
    use crate::plan::{ForecastMethod, Question};

    #[test]
    fn the_brief_escapes_every_text_and_carries_the_definitions() {
        let node = IntentNode {
            id: "i".into(),
            parent_id: None,
            depth: 0,
            kind: IntentKind::Goal,
            title: "<script>alert(1)</script>".into(),
            label: "<script>alert(1)</script>".into(),
            description: "a & b".into(),
            success_measure: "\"quoted\"".into(),
            origin: IntentOrigin::Baton,
            source_name: None,
            source_key: None,
            url: String::new(),
            owner: Some("<b>Ann</b>".into()),
            target_date: None,
            priority: Some(1),
            position: 0,
            archived: false,
            direct_items: 1,
            items: 1,
            done: 0,
            canceled: 0,
            progress: Some(0.0),
            estimated: 1,
            points: 5.0,
            points_done: 0.0,
            points_progress: Some(0.0),
            throughput: 0,
            cycle_p50_days: None,
            cycle_p85_days: None,
            wip: 1,
            oldest_wip_days: Some(2.0),
            teams: vec![],
            agents: vec![],
            ai_share: Some(0.0),
            blocked: 0,
            at_risk: 0,
            open_blocking_links: 0,
            pending_decisions: 0,
            policy_violations: 0,
            linked_by_source: 0,
            linked_by_rule: 0,
            linked_by_hand: 1,
        };
        let forecast = Forecast {
            question: Question::default(),
            method: ForecastMethod::Dependencies,
            label: String::new(),
            start: String::new(),
            window_from: String::new(),
            window_to: String::new(),
            window_days: 90,
            trials: 1,
            seed: 1,
            history_finished: 0,
            history_days_with_finish: 0,
            items: 0,
            horizon_days: 0,
            levels: vec![],
            histogram: vec![],
            beyond_limit: 0,
            backtest: None,
            teams: vec![],
            upstream_items: 0,
            items_in_cycles: 0,
            notes: vec![],
        };
        let html = render(&node, &[], &forecast, "2026-01-01", "2026-03-31");
        assert!(!html.contains("<script>"), "no markup from the workspace");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&lt;b&gt;Ann&lt;/b&gt;"));
        assert!(html.contains("a &amp; b"));
        assert!(
            html.contains("0 of 5 points done; 1 of 1 items estimated"),
            "progress in points where its items have estimates"
        );
        assert!(
            html.contains("Unaligned work"),
            "the Intents definitions of docs/metrics.md are in the page"
        );
    }
}
