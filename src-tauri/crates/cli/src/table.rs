//! The terminal text of `baton stats`, `items`, `flow`, `deps` and `source`: tables laid out by
//! comfy-table, every piece of source text escaped and bounded first ([`crate::term::cell`]).
//!
//! On a terminal a table fits the terminal's width: one line a row, long text (titles, team
//! names) cut with `…`, numbers right-aligned and never cut. Into a pipe or a file there is no
//! width limit beyond the bound of each cell ([`crate::term::MAX_CELL_WIDTH`] columns), so
//! scripts see whole rows. Tables carry no colour or bold.

use std::io::IsTerminal;

use baton_core::deps::{CriticalPath, DepItem, DepsReport};
use baton_core::flow::{BottleneckReport, FlowReport, Percentiles};
use baton_core::query::{Count, ItemsPage, WorkspaceSummary};
use comfy_table::{CellAlignment, ColumnConstraint, ContentArrangement, Row, Table};

use crate::term::cell;

/// How tables are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A terminal this many columns wide.
    Terminal(u16),
    /// A pipe or a file: only each cell is bounded.
    Plain,
}

impl Layout {
    /// The layout for stdout: its width when it is a terminal that says how wide it is.
    pub fn for_stdout() -> Layout {
        if std::io::stdout().is_terminal() {
            if let Some((_, columns)) = console::Term::stdout().size_checked() {
                if columns > 0 {
                    return Layout::Terminal(columns);
                }
            }
        }
        Layout::Plain
    }
}

/// Tables are indented under their section titles by this much.
const INDENT: &str = "  ";

/// One table: a header (optional) and rows, some columns right-aligned.
struct Grid {
    table: Table,
    layout: Layout,
    right: Vec<usize>,
    whole: Vec<usize>,
}

impl Grid {
    /// A table whose columns in `right` hold numbers (right-aligned, never cut). An empty
    /// `header` prints no header line.
    fn new(layout: Layout, header: &[&str], right: &[usize]) -> Grid {
        let mut table = Table::new();
        table.load_style(comfy_table::presets::NOTHING);
        match layout {
            Layout::Terminal(columns) => {
                table
                    .set_content_arrangement(ContentArrangement::Dynamic)
                    .set_width(columns.saturating_sub(INDENT.len() as u16).max(20));
            }
            Layout::Plain => {
                table.set_content_arrangement(ContentArrangement::Disabled);
            }
        }
        if !header.is_empty() {
            table.set_header(header.iter().map(|h| cell(h)).collect::<Vec<_>>());
        }
        Grid {
            table,
            layout,
            right: right.to_vec(),
            whole: Vec::new(),
        }
    }

    /// Marks short text columns (states, kinds, timestamps) that a terminal never cuts: the
    /// longer text columns give up their room first.
    fn whole(mut self, columns: &[usize]) -> Grid {
        self.whole = columns.to_vec();
        self
    }

    /// Adds a row; every cell is escaped and bounded.
    fn row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        let mut row = Row::from(
            cells
                .into_iter()
                .map(|c| cell(c.as_ref()))
                .collect::<Vec<_>>(),
        );
        if matches!(self.layout, Layout::Terminal(_)) {
            row.max_height(1);
        }
        self.table.add_row(row);
    }

    /// The table's lines, indented, without trailing spaces; nothing when it has no rows.
    fn render(mut self) -> String {
        if self.table.is_empty() {
            return String::new();
        }
        let count = self.table.column_count();
        for (index, column) in self.table.column_iter_mut().enumerate() {
            column.set_padding((0, if index + 1 == count { 0 } else { 2 }));
            if self.right.contains(&index) {
                column.set_cell_alignment(CellAlignment::Right);
            }
            if self.right.contains(&index) || self.whole.contains(&index) {
                column.set_constraint(ColumnConstraint::ContentWidth);
            }
        }
        self.table
            .lines()
            .map(|line| format!("{INDENT}{}\n", line.trim_end()))
            .collect()
    }
}

/// 12345 -> "12,345".
pub fn thousands(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn section(out: &mut String, layout: Layout, title: &str, counts: &[Count]) {
    out.push('\n');
    out.push_str(title);
    out.push('\n');
    let mut grid = Grid::new(layout, &[], &[1]);
    for c in counts {
        grid.row([c.label.clone(), thousands(c.count)]);
    }
    out.push_str(&grid.render());
}

/// The summary (what the Overview shows).
pub fn summary(s: &WorkspaceSummary, layout: Layout) -> String {
    let mut out = format!("Workspace {} ({})\n", cell(&s.name), cell(&s.path));
    if let Some(range) = &s.date_range {
        out.push_str(&format!(
            "Covers {} .. {}\n",
            cell(&range.from),
            cell(&range.to)
        ));
    }
    let t = &s.totals;
    out.push_str(&format!(
        "\n  items {}  transitions {}  links {} (open blocking {})  teams {}  people {}  sources {}  intents {}\n",
        thousands(t.items),
        thousands(t.transitions),
        thousands(t.links),
        thousands(t.open_blocking_links),
        thousands(t.teams),
        thousands(t.people),
        thousands(t.sources),
        thousands(t.intents)
    ));
    out.push_str(&format!(
        "  AI pull requests without independent review: {} of {}\n",
        thousands(s.ai_prs_without_independent_review),
        thousands(s.ai_prs)
    ));
    section(&mut out, layout, "By team", &s.by_team);
    section(&mut out, layout, "By flow state", &s.by_flow_state);
    section(&mut out, layout, "By kind", &s.by_kind);
    section(&mut out, layout, "By source", &s.by_source);
    section(&mut out, layout, "By provenance", &s.by_provenance);
    out
}

/// One page of items.
pub fn items(page: &ItemsPage, layout: Layout) -> String {
    let mut out = format!(
        "{} items match; showing {} from {}\n",
        thousands(page.total),
        page.rows.len(),
        page.offset
    );
    let mut grid = Grid::new(
        layout,
        &["key", "state", "kind", "team", "title", "updated"],
        &[],
    )
    .whole(&[1, 2, 5]);
    for row in &page.rows {
        grid.row([
            row.key.as_str(),
            row.flow_state.as_str(),
            row.kind.as_str(),
            row.team_name.as_deref().unwrap_or("-"),
            row.title.as_str(),
            row.updated_at.as_str(),
        ]);
    }
    out.push_str(&grid.render());
    out
}

fn days(value: Option<f64>) -> String {
    value.map_or("-".to_owned(), |d| format!("{d:.1}d"))
}

fn percentile_grid(layout: Layout) -> Grid {
    Grid::new(
        layout,
        &["", "n", "p50", "p85", "p95", "mean"],
        &[1, 2, 3, 4, 5],
    )
}

fn percentile_row(grid: &mut Grid, name: &str, p: &Percentiles) {
    grid.row([
        name.to_owned(),
        thousands(p.count),
        days(p.p50),
        days(p.p85),
        days(p.p95),
        days(p.mean),
    ]);
}

/// The Flow page's numbers.
pub fn flow(r: &FlowReport, layout: Layout) -> String {
    let mut out = format!(
        "Flow {} .. {} (as of {}, rule {:?}): {} items, {} skipped\n\n",
        cell(&r.range.from),
        cell(&r.range.to),
        cell(&r.range.as_of),
        r.range.rule,
        thousands(r.items),
        thousands(r.skipped)
    );
    let mut grid = percentile_grid(layout);
    percentile_row(&mut grid, "cycle time", &r.cycle_time);
    percentile_row(&mut grid, "lead time", &r.lead_time);
    for t in &r.cycle_time_by_team {
        percentile_row(&mut grid, &t.team_name, &t.cycle_time);
    }
    out.push_str(&grid.render());
    let weeks: Vec<String> = r
        .throughput_weekly
        .iter()
        .map(|w| w.count.to_string())
        .collect();
    out.push_str(&format!(
        "\n  throughput   {} finished; per week: {}\n",
        thousands(r.throughput_total),
        weeks.join(" ")
    ));
    out.push_str(&format!(
        "  WIP          {} in progress now; average {:.1} (Little: {:.2}/day x {} = {})\n",
        thousands(r.in_progress),
        r.littles_law.average_wip,
        r.littles_law.throughput_per_day,
        days(r.littles_law.average_cycle_days),
        r.littles_law
            .predicted_wip
            .map_or("-".into(), |w| format!("{w:.1}"))
    ));
    let law = &r.littles_law;
    if let (Some(gap), true) = (law.gap, law.large_gap) {
        out.push_str(&format!(
            "  Little gap   {:+.0}%: {} finished items started before the range ({:+.1} on the \
             Little side); {} in progress at the end ({} reopened) and {} canceled after starting \
             ({:+.1} on the WIP side); daily sampling {:+.1}\n",
            gap * 100.0,
            thousands(law.started_before),
            law.carried_in_wip,
            thousands(law.open_at_end),
            thousands(law.reopened),
            thousands(law.canceled),
            law.unfinished_wip,
            law.sampling
        ));
    }
    out.push_str(&format!(
        "  efficiency   {} ({:.0} active / {:.0} waiting days over {} items)\n\n",
        r.efficiency
            .aggregate
            .map_or("-".into(), |e| format!("{:.1}%", e * 100.0)),
        r.efficiency.active_days,
        r.efficiency.waiting_days,
        thousands(r.efficiency.count)
    ));
    let mut grid = Grid::new(layout, &["kind", "finished", "in progress"], &[1, 2]);
    for k in &r.distribution {
        grid.row([
            k.kind.as_str().to_owned(),
            thousands(k.finished),
            thousands(k.in_progress),
        ]);
    }
    out.push_str(&grid.render());
    for n in &r.notes {
        out.push_str(&format!("  note: {}\n", cell(&n.message)));
    }
    out
}

fn lower_debug(value: &impl std::fmt::Debug) -> String {
    format!("{value:?}").to_lowercase()
}

/// The Bottlenecks page's numbers.
pub fn bottlenecks(r: &BottleneckReport, layout: Layout) -> String {
    let mut out = format!(
        "\nWhere work waits ({} .. {})\n",
        cell(&r.range.from),
        cell(&r.range.to)
    );
    let mut grid = Grid::new(layout, &["stage", "days", "share", "items"], &[1, 2, 3]);
    for w in &r.wait_reasons {
        grid.row([
            lower_debug(&w.stage),
            format!("{:.0}", w.total_days),
            format!("{:.1}%", w.share * 100.0),
            thousands(w.items),
        ]);
    }
    out.push_str(&grid.render());

    out.push_str("\nMedian days in stage per team\n");
    let mut header = vec!["team".to_owned()];
    header.extend(r.stages.iter().map(lower_debug));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let numbers: Vec<usize> = (1..header.len()).collect();
    let mut grid = Grid::new(layout, &header, &numbers);
    for t in &r.matrix {
        let mut row = vec![t.team_name.clone()];
        row.extend(t.cells.iter().map(|c| days(c.median_days)));
        grid.row(row);
    }
    out.push_str(&grid.render());

    out.push_str("\nBlocked now, by blocking team\n");
    let mut grid = Grid::new(layout, &["team", "items", "days waiting"], &[1, 2]);
    for c in &r.blocker_clusters {
        grid.row([
            c.team_name.clone(),
            thousands(c.blocked_items),
            format!("{:.0}", c.blocked_days),
        ]);
    }
    out.push_str(&grid.render());

    out.push_str(&format!(
        "\nPull requests merged: {}\n",
        thousands(r.pull_requests)
    ));
    let mut grid = percentile_grid(layout);
    for s in &r.pr_segments {
        percentile_row(&mut grid, &s.segment, &s.days);
    }
    out.push_str(&grid.render());
    out
}

fn dep(d: &DepItem) -> String {
    format!(
        "{} ({})",
        d.item.key,
        d.team_name.as_deref().unwrap_or("no team")
    )
}

/// The dependency analyses.
pub fn deps(r: &DepsReport, layout: Layout) -> String {
    let mut out = format!(
        "Dependencies as of {}: {} open blocking links\n",
        cell(&r.as_of),
        thousands(r.open_blocking_links)
    );
    out.push_str("\nWho blocks whom (open links, first 30)\n");
    let mut grid = Grid::new(
        layout,
        &[
            "blocking team",
            "",
            "blocked team",
            "links",
            "oldest",
            "median",
        ],
        &[3, 4, 5],
    )
    .whole(&[1]);
    for c in r.matrix.iter().take(30) {
        grid.row([
            c.blocker_team.clone(),
            "->".to_owned(),
            c.blocked_team.clone(),
            thousands(c.open_links),
            days(Some(c.oldest_days)),
            days(Some(c.median_days)),
        ]);
    }
    out.push_str(&grid.render());

    out.push_str(&format!(
        "\nLongest blocked chains ({} chains of two links or more; first 10)\n",
        thousands(r.chains_total)
    ));
    let mut grid = Grid::new(layout, &["items", "days waiting", "chain"], &[0, 1]);
    for c in r.chains.iter().take(10) {
        let keys: Vec<String> = c.items.iter().map(dep).collect();
        grid.row([
            thousands(u32::try_from(c.items.len()).unwrap_or(u32::MAX)),
            format!("{:.0}", c.waiting_days),
            keys.join(" -> "),
        ]);
    }
    out.push_str(&grid.render());

    out.push_str(&format!(
        "\nSingle blocking links ({}; in no chain; first 10)\n",
        thousands(r.single_links_total)
    ));
    let mut grid = Grid::new(layout, &["blocker", "", "blocked", "days"], &[3]).whole(&[1]);
    for l in r.single_links.iter().take(10) {
        grid.row([
            dep(&l.blocker),
            "->".to_owned(),
            dep(&l.blocked),
            days(Some(l.days)),
        ]);
    }
    out.push_str(&grid.render());

    out.push_str("\nCycles\n");
    let mut grid = Grid::new(layout, &[], &[]);
    for c in &r.cycles {
        let keys: Vec<String> = c.items.iter().map(dep).collect();
        let mut text = keys.join(" -> ");
        if c.self_link {
            text.push_str(" (blocks itself)");
        }
        grid.row([text]);
    }
    out.push_str(&grid.render());

    out.push_str(&format!(
        "\nAt risk ({} items; blockers searched up to {} links upstream; first 10)\n",
        thousands(r.at_risk_total),
        r.at_risk_max_depth
    ));
    let mut grid = Grid::new(
        layout,
        &["item", "waits on", "links up", "blocker age", "team P85"],
        &[2, 3, 4],
    );
    for a in r.at_risk.iter().take(10) {
        grid.row([
            dep(&a.item),
            dep(&a.blocker),
            a.distance.to_string(),
            days(Some(a.blocker_age_days)),
            days(Some(a.threshold_days)),
        ]);
    }
    out.push_str(&grid.render());

    out.push_str(&format!(
        "\nHandoffs that never arrived ({}; first 10)\n",
        thousands(r.handoffs_total)
    ));
    let mut grid = Grid::new(layout, &["delivered", "days ago", "still waits"], &[1]);
    for h in r.handoffs.iter().take(10) {
        grid.row([
            dep(&h.upstream),
            days(Some(h.days_waiting)),
            dep(&h.downstream),
        ]);
    }
    out.push_str(&grid.render());
    out
}

/// A critical path.
pub fn critical_path(p: &CriticalPath, layout: Layout) -> String {
    let mut out = format!(
        "\nCritical path to {}: P50 {}  P85 {} ({} items upstream, {} open)\n",
        cell(&p.target_label),
        cell(&p.finish_p50),
        cell(&p.finish_p85),
        thousands(p.upstream_items),
        thousands(p.open_upstream_items)
    );
    let mut grid = Grid::new(
        layout,
        &["item", "age", "left P50", "left P85", "finish P85"],
        &[1, 2, 3],
    )
    .whole(&[4]);
    for s in &p.steps {
        grid.row([
            dep(&s.item),
            days(Some(s.age_days)),
            days(Some(s.remaining_p50_days)),
            days(Some(s.remaining_p85_days)),
            s.finish_p85.clone(),
        ]);
    }
    out.push_str(&grid.render());
    out
}

/// A table for other commands (`baton source list`, `history`): `right` are the numeric
/// columns, `whole` the short text columns a terminal never cuts.
pub fn plain_table<S: AsRef<str>>(
    layout: Layout,
    header: &[&str],
    (right, whole): (&[usize], &[usize]),
    rows: impl IntoIterator<Item = Vec<S>>,
) -> String {
    let mut grid = Grid::new(layout, header, right).whole(whole);
    for row in rows {
        grid.row(row);
    }
    grid.render()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::{width, MAX_CELL_WIDTH};

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    fn sample(rows: &[[&str; 3]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
            .collect()
    }

    #[test]
    fn numbers_are_right_aligned_and_text_left_aligned() {
        let text = plain_table(
            Layout::Plain,
            &["team", "items", "note"],
            (&[1], &[]),
            sample(&[["Payments", "7", "a"], ["Platform", "1,234", "b"]]),
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "  team      items  note");
        assert_eq!(lines[1], "  Payments      7  a");
        assert_eq!(lines[2], "  Platform  1,234  b");
    }

    #[test]
    fn plain_output_bounds_each_cell_and_escapes_it() {
        let long = "t".repeat(70_000);
        let text = plain_table(
            Layout::Plain,
            &["title", "n"],
            (&[1], &[]),
            vec![vec![long.as_str(), "1"], vec!["\u{1b}]0;owned\u{7}x", "2"]],
        );
        for line in text.lines() {
            assert!(
                width(line) <= 2 + MAX_CELL_WIDTH + 2 + 1,
                "a line is bounded: {} columns",
                width(line)
            );
            assert!(!line.chars().any(crate::term::is_hostile), "{line:?}");
        }
        assert!(text.contains("\\e]0;owned\\ax"), "{text}");
        assert!(text.contains(&format!("{}…", "t".repeat(MAX_CELL_WIDTH - 1))));
    }

    #[test]
    fn a_terminal_table_fits_the_width_one_line_a_row() {
        let title = "A rather long title about retrying payments that keeps going and going";
        let text = plain_table(
            Layout::Terminal(60),
            &["key", "title", "items"],
            (&[2], &[0]),
            sample(&[["PAY-1", title, "12,345"], ["PAY-22", "short", "7"]]),
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "one line a row: {text}");
        for line in &lines {
            assert!(width(line) <= 60, "fits 60 columns: {line:?}");
        }
        assert!(lines[1].contains('…'), "the long title is cut: {text}");
        assert!(
            lines[1].ends_with("12,345"),
            "numbers are never cut: {text}"
        );
        assert!(lines[2].ends_with("     7"), "and right-aligned: {text}");
    }

    #[test]
    fn wide_characters_are_cut_by_display_width() {
        let title = "日本語".repeat(40);
        let text = plain_table(
            Layout::Terminal(40),
            &["key", "title"],
            (&[], &[]),
            vec![vec!["K-1".to_owned(), title]],
        );
        for line in text.lines() {
            assert!(width(line) <= 40, "{line:?} is {} columns", width(line));
        }
        assert!(text.contains("日本語"), "{text}");
    }

    #[test]
    fn an_empty_table_prints_nothing() {
        let text = plain_table(Layout::Plain, &["a"], (&[], &[]), Vec::<Vec<String>>::new());
        assert_eq!(text, "");
    }
}
