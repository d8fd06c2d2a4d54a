//! The plan to take home: one self-contained HTML page (no script, no remote resource) with the
//! forecast of every open intent (through its dependencies) and of every team, their backtests,
//! and the definitions they follow. Every text from the workspace is escaped.

use std::fmt::Write as _;

use crate::error::CoreResult;
use crate::flow::{FlowFilter, Mapping};
use crate::graph::index::WorkIndex;

use super::compare::Comparison;
use super::scenario::Scenario;
use super::{compute, Forecast, ForecastSpec, Question};
use crate::decisions::DecisionView;

/// The forecast definitions, from `docs/metrics.md` (compiled in, so the report carries them).
const METRICS: &str = include_str!("../../../../../docs/metrics.md");

/// What the report is computed with.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    pub window_days: Option<u32>,
    pub trials: Option<u32>,
    pub seed: Option<u32>,
    /// Forecast as of the day after this one (`YYYY-MM-DD`); default today.
    pub as_of: Option<String>,
    pub utc_offset_minutes: i32,
}

/// Text made safe to place in HTML, in an element or in a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The forecast definitions of `docs/metrics.md` as HTML paragraphs and lists.
fn definitions() -> String {
    section_html("## Forecasts")
}

/// The section of `docs/metrics.md` under `heading` (`## Forecasts`) as HTML paragraphs and
/// lists, every text escaped.
pub(crate) fn section_html(heading: &str) -> String {
    let start = METRICS.find(heading).unwrap_or(METRICS.len());
    let section = &METRICS[start..];
    let end = section[2..].find("\n## ").map_or(section.len(), |e| e + 2);
    let mut html = String::new();
    for block in section[..end].split("\n\n") {
        let block = block.trim();
        if block.is_empty() || block.starts_with("<!--") && block.ends_with("-->") {
            continue;
        }
        let block: String = block
            .lines()
            .filter(|l| !l.trim_start().starts_with("<!--"))
            .collect::<Vec<_>>()
            .join("\n");
        let inline = |t: &str| {
            // **bold** and `code`, nothing else: the definitions use no other markup. Inside
            // a code span `**` is text (a path pattern's `**`).
            let mut out = String::new();
            let (mut bold, mut code) = (false, false);
            let escaped = escape(t);
            let mut rest = escaped.as_str();
            while !rest.is_empty() {
                if let Some(r) = rest.strip_prefix("**").filter(|_| !code) {
                    out.push_str(if bold { "</strong>" } else { "<strong>" });
                    bold = !bold;
                    rest = r;
                } else if let Some(r) = rest.strip_prefix('`') {
                    out.push_str(if code { "</code>" } else { "<code>" });
                    code = !code;
                    rest = r;
                } else {
                    let c = rest.chars().next().unwrap_or(' ');
                    out.push(c);
                    rest = &rest[c.len_utf8()..];
                }
            }
            if bold {
                out.push_str("</strong>");
            }
            if code {
                out.push_str("</code>");
            }
            out
        };
        if let Some(h) = block.strip_prefix("### ") {
            let _ = write!(html, "<h3>{}</h3>", inline(h));
        } else if let Some(h) = block.strip_prefix("## ") {
            let _ = write!(html, "<h2>{}</h2>", inline(h));
        } else if block.starts_with("- ") {
            html.push_str("<ul>");
            for item in block.split("\n- ") {
                let _ = write!(html, "<li>{}</li>", inline(item.trim_start_matches("- ")));
            }
            html.push_str("</ul>");
        } else {
            let _ = write!(html, "<p>{}</p>", inline(&block));
        }
    }
    html
}

/// A small inline SVG of the histogram.
fn sparkline(f: &Forecast) -> String {
    let max = f.histogram.iter().map(|b| b.trials).max().unwrap_or(0);
    if max == 0 {
        return String::new();
    }
    let n = f.histogram.len() as f64;
    let width = 180.0;
    let bar = width / n;
    let mut svg = format!(
        "<svg class=\"spark\" viewBox=\"0 0 {width} 30\" width=\"{width}\" height=\"30\" role=\"img\" aria-label=\"Histogram of {} trials\">",
        f.trials
    );
    for (at, b) in f.histogram.iter().enumerate() {
        let h = 28.0 * f64::from(b.trials) / f64::from(max);
        let _ = write!(
            svg,
            "<rect x=\"{:.2}\" y=\"{:.2}\" width=\"{:.2}\" height=\"{:.2}\"/>",
            at as f64 * bar,
            30.0 - h,
            (bar - 0.5).max(0.5),
            h
        );
    }
    svg.push_str("</svg>");
    svg
}

fn level(f: &Forecast, confidence: u32) -> String {
    match f.levels.iter().find(|l| l.confidence == confidence) {
        None => "–".into(),
        Some(l) => match (l.days, &l.date) {
            (Some(0), _) => "nothing left".into(),
            (Some(d), Some(date)) => format!("{date} <span class=\"muted\">({d} d)</span>"),
            _ => "beyond ten years".into(),
        },
    }
}

fn backtest(f: &Forecast) -> String {
    match &f.backtest {
        Some(b) if !b.checks.is_empty() => format!(
            "{} of {} <span class=\"muted\">(50%: {} of {})</span>",
            b.held_p85,
            b.checks.len(),
            b.held_p50,
            b.checks.len()
        ),
        _ => "no past check".into(),
    }
}

fn row(html: &mut String, name: &str, f: &Forecast) {
    let notes: String = f
        .notes
        .iter()
        .map(|n| format!("<div class=\"note\">{}</div>", escape(n)))
        .collect();
    let _ = write!(
        html,
        "<tr><td>{}{notes}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        escape(name),
        f.items,
        f.upstream_items,
        level(f, 50),
        level(f, 85),
        level(f, 95),
        sparkline(f),
        backtest(f),
    );
}

const HEAD: &str = "<th>Open items</th><th>Upstream</th><th>50%</th><th>85%</th><th>95%</th><th>Trials</th><th>Backtest: 85% held</th>";

/// What a plan report shows besides the forecasts: the scenarios compared with the baseline
/// (the plan follows `followed`, a column of the comparison; 0 is the baseline), the scenarios
/// as stored (who, when, changes) and the decisions taken.
#[derive(Debug, Clone, Default)]
pub struct PlanExtras {
    pub comparison: Option<Comparison>,
    pub followed: usize,
    pub scenarios: Vec<Scenario>,
    pub decisions: Vec<DecisionView>,
}

/// The most decisions a report lists (the latest).
const DECISIONS_SHOWN: usize = 100;

fn finish_text(f: Option<&super::compare::Finish>) -> String {
    match f {
        None => "no date".into(),
        Some(f) => match &f.date {
            None => "nothing left".into(),
            Some(d) => format!("{d} <span class=\"muted\">({} d)</span>", f.days),
        },
    }
}

fn delta_text(d: Option<i32>) -> String {
    match d {
        None | Some(0) => String::new(),
        Some(d) if d < 0 => format!(" <span class=\"earlier\">\u{2212}{} d</span>", -d),
        Some(d) => format!(" <span class=\"later\">+{d} d</span>"),
    }
}

/// The scenarios compared, the risks of the plan followed, the scenarios and decisions.
fn extras_html(extras: &PlanExtras) -> String {
    let mut html = String::new();
    if let Some(c) = &extras.comparison {
        let followed = c
            .columns
            .get(extras.followed)
            .map_or("Baseline", |c| c.name.as_str());
        let _ = write!(
            html,
            "<section><h2>Scenarios compared</h2><p class=\"muted\">Finish dates at 85% confidence (50% below), each column simulated with the same {} trials and seed {}; the difference from the baseline in days. This plan follows: <strong>{}</strong>. See \"Scenarios compared with the baseline\".</p>",
            c.trials,
            c.seed,
            escape(followed)
        );
        if !c.explanations.is_empty() {
            html.push_str("<ul class=\"explain\">");
            for e in &c.explanations {
                let _ = write!(html, "<li>{}</li>", escape(&e.text));
            }
            html.push_str("</ul>");
        }
        html.push_str("<table><thead><tr><th>Intent</th>");
        for col in &c.columns {
            let changes: String = col
                .changes
                .iter()
                .map(|t| format!("<div class=\"muted small\">{}</div>", escape(t)))
                .collect();
            let warnings: String = col
                .warnings
                .iter()
                .map(|t| format!("<div class=\"note\">{}</div>", escape(t)))
                .collect();
            let _ = write!(html, "<th>{}{changes}{warnings}</th>", escape(&col.name));
        }
        html.push_str("</tr></thead><tbody>");
        for row in &c.intents {
            let _ = write!(html, "<tr><td>{}</td>", escape(&row.name));
            for cell in &row.cells {
                let bottleneck = cell
                    .bottleneck
                    .as_ref()
                    .map(|b| {
                        format!(
                            "<div class=\"muted small\">bottleneck: {} ({}%)</div>",
                            escape(&b.team),
                            b.share
                        )
                    })
                    .unwrap_or_default();
                let _ = write!(
                    html,
                    "<td>{}{}<div class=\"muted small\">50%: {}</div>{bottleneck}</td>",
                    finish_text(cell.p85.as_ref()),
                    delta_text(cell.delta_p85),
                    finish_text(cell.p50.as_ref()),
                );
            }
            html.push_str("</tr>");
        }
        if c.intents.is_empty() {
            let _ = write!(
                html,
                "<tr><td colspan=\"{}\">No intent has open items.</td></tr>",
                c.columns.len() + 1
            );
        }
        html.push_str("</tbody></table>");
        // WIP per team.
        html.push_str("<h3>WIP per team</h3><table><thead><tr><th>Team</th>");
        for col in &c.columns {
            let _ = write!(html, "<th>{}</th>", escape(&col.name));
        }
        html.push_str("</tr></thead><tbody>");
        for t in &c.teams {
            let _ = write!(html, "<tr><td>{}</td>", escape(&t.team));
            for cell in &t.cells {
                let _ = write!(
                    html,
                    "<td class=\"num\">{} <span class=\"muted\">of {} open</span></td>",
                    cell.wip, cell.open
                );
            }
            html.push_str("</tr>");
        }
        html.push_str("</tbody></table></section>");

        // Risks and critical paths of the plan followed.
        let _ = write!(
            html,
            "<section><h2>Risks</h2><p class=\"muted\">Of the plan followed ({}): each intent's critical path (the share of trials each item was on it) and what may slip. See \"Critical path and bottleneck team (scenarios)\".</p><table><thead><tr><th>Intent</th><th>Critical path</th><th>Risks</th></tr></thead><tbody>",
            escape(followed)
        );
        for row in &c.intents {
            let Some(cell) = row.cells.get(extras.followed) else {
                continue;
            };
            let path: Vec<String> = cell
                .critical_path
                .iter()
                .map(|s| {
                    format!(
                        "{} <span class=\"muted\">{} · {} · {}%</span>",
                        escape(&s.item.key),
                        escape(&s.item.title),
                        escape(&s.team),
                        s.share
                    )
                })
                .collect();
            let risks: String = if cell.risks.is_empty() {
                "<span class=\"muted\">none found</span>".into()
            } else {
                cell.risks
                    .iter()
                    .map(|r| format!("<div>{}</div>", escape(r)))
                    .collect()
            };
            let _ = write!(
                html,
                "<tr><td>{}</td><td>{}</td><td>{risks}</td></tr>",
                escape(&row.name),
                if path.is_empty() {
                    "<span class=\"muted\">no path</span>".to_string()
                } else {
                    path.join(" \u{2192} ")
                }
            );
        }
        html.push_str("</tbody></table></section>");
    }

    // Decisions taken: the scenarios (who made them, when) and the decisions recorded.
    html.push_str("<section><h2>Decisions taken</h2>");
    if !extras.scenarios.is_empty() {
        html.push_str("<h3>Scenarios</h3><table><thead><tr><th>Scenario</th><th>Changes</th><th>Created</th><th>Last saved</th></tr></thead><tbody>");
        for s in &extras.scenarios {
            let _ = write!(
                html,
                "<tr><td>{}{}</td><td class=\"num\">{}</td><td>{} <span class=\"muted\">{}</span></td><td>{} <span class=\"muted\">{} (version {})</span></td></tr>",
                escape(&s.name),
                if s.notes.is_empty() {
                    String::new()
                } else {
                    format!("<div class=\"muted small\">{}</div>", escape(&s.notes))
                },
                s.changes.len(),
                escape(&s.created_by),
                escape(&s.created_at),
                escape(&s.updated_by),
                escape(&s.updated_at),
                s.version
            );
        }
        html.push_str("</tbody></table>");
    }
    let live: Vec<&DecisionView> = extras
        .decisions
        .iter()
        .filter(|d| d.revoked_by.is_none() && d.kind != "revoked")
        .collect();
    if live.is_empty() {
        html.push_str("<p class=\"muted\">No decision recorded in this workspace.</p>");
    } else {
        let _ = write!(
            html,
            "<h3>Decisions</h3><p class=\"muted\">The latest {} of {} decisions in force, newest first.</p><table><thead><tr><th>When</th><th>Who</th><th>What</th><th>Why</th><th>Item</th></tr></thead><tbody>",
            live.len().min(DECISIONS_SHOWN),
            live.len()
        );
        for d in live.iter().rev().take(DECISIONS_SHOWN) {
            let _ = write!(
                html,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&d.at),
                escape(&d.actor),
                escape(&d.summary),
                escape(&d.why),
                escape(d.item_id.as_deref().unwrap_or(""))
            );
        }
        html.push_str("</tbody></table>");
    }
    html.push_str("</section>");
    html
}

/// The report of every open intent and every team of the workspace `name`.
pub fn report_html(
    ix: &WorkIndex,
    mapping: &Mapping,
    name: &str,
    options: &ReportOptions,
    now: i64,
) -> CoreResult<String> {
    plan_report_html(ix, mapping, name, options, &PlanExtras::default(), now)
}

/// The plan report: the scenarios compared, risks and decisions (`extras`), then the forecast of
/// every open intent and every team of the workspace `name`, and the definitions.
pub fn plan_report_html(
    ix: &WorkIndex,
    mapping: &Mapping,
    name: &str,
    options: &ReportOptions,
    extras: &PlanExtras,
    now: i64,
) -> CoreResult<String> {
    let filter = FlowFilter {
        to: options.as_of.clone(),
        utc_offset_minutes: options.utc_offset_minutes,
        ..FlowFilter::default()
    };
    let base = ForecastSpec {
        filter: filter.clone(),
        intent: None,
        question: Question::When { items: None },
        window_days: options.window_days,
        trials: options.trials,
        seed: options.seed,
    };
    let mut intents = String::new();
    let mut first: Option<Forecast> = None;
    for intent in &ix.intents {
        let f = compute(
            ix,
            mapping,
            &ForecastSpec {
                intent: Some(intent.id.clone()),
                ..base.clone()
            },
            now,
        )?;
        if f.items == 0 {
            continue;
        }
        row(&mut intents, &intent.name, &f);
        first.get_or_insert(f);
    }
    let mut teams = String::new();
    for team in &ix.teams {
        let f = compute(
            ix,
            mapping,
            &ForecastSpec {
                filter: FlowFilter {
                    teams: vec![team.id.clone()],
                    ..filter.clone()
                },
                ..base.clone()
            },
            now,
        )?;
        if f.items == 0 {
            continue;
        }
        row(&mut teams, &team.name, &f);
        first.get_or_insert(f);
    }
    let setup = match &first {
        Some(f) => format!(
            "Forecasts from {} · history {} to {} ({} days) · {} trials, seed {}",
            f.start, f.window_from, f.window_to, f.window_days, f.trials, f.seed
        ),
        None => "Nothing is open: there is nothing to forecast.".into(),
    };
    let mut html = String::new();
    let _ = write!(
        html,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
<title>Plan: {name}</title><style>{STYLE}</style></head><body>\
<header><h1>Plan: {name}</h1><p class=\"muted\">{setup}. Made by Baton from the workspace's own delivery history.</p></header>\
{extras}<section><h2>Intents</h2><p class=\"muted\">Each intent's open items and what they wait on, every team at its own pace (see \"Intent forecast through dependencies\").</p>\
<table><thead><tr><th>Intent</th>{HEAD}</tr></thead><tbody>{intents}</tbody></table></section>\
<section><h2>Teams</h2><p class=\"muted\">Each team's open items at the team's pace.</p>\
<table><thead><tr><th>Team</th>{HEAD}</tr></thead><tbody>{teams}</tbody></table></section>\
<section class=\"defs\">{defs}</section></body></html>",
        name = escape(name),
        setup = escape(&setup),
        intents = if intents.is_empty() { "<tr><td colspan=\"8\">No intent has open items.</td></tr>".into() } else { intents },
        teams = if teams.is_empty() { "<tr><td colspan=\"8\">No team has open items.</td></tr>".into() } else { teams },
        defs = definitions(),
        extras = extras_html(extras),
    );
    Ok(html)
}

const STYLE: &str = "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1c1d21;margin:32px auto;max-width:1100px;padding:0 24px}\
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 6px}h3{font-size:15px;margin:18px 0 4px}\
.muted{color:#5d6170}table{border-collapse:collapse;width:100%;margin-top:8px}\
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #dfe1e7;vertical-align:top}\
th{font-size:12px;color:#5d6170;font-weight:600}.num{text-align:right;font-variant-numeric:tabular-nums}\
.note{color:#9a5b00;font-size:12px;max-width:420px}.spark rect{fill:#4f5bd5}\
.small{font-size:12px}.earlier{color:#1d7a3a;font-weight:600}.later{color:#b42318;font-weight:600}.explain li{margin:2px 0}\
.defs{margin-top:36px;border-top:1px solid #dfe1e7;font-size:13px}code{font-size:12px;background:#f0f1f4;padding:0 3px;border-radius:3px}\
@media print{body{margin:0;max-width:none}tr{break-inside:avoid}h2,h3{break-after:avoid}}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_escaped() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\"\u{1b}[31m"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;\u{fffd}[31m"
        );
    }

    #[test]
    fn the_definitions_are_the_forecast_section_of_the_metrics_document() {
        let d = definitions();
        assert!(
            d.contains("<h3>Forecast (Monte Carlo over daily throughput)</h3>"),
            "{d}"
        );
        assert!(d.contains("<h3>Backtest: how far to trust it</h3>"));
        assert!(!d.contains("<!--"));
        assert!(!d.contains("Governance"));
    }
}
