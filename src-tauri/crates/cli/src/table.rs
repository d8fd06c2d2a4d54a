//! Plain-text tables for the terminal.

use baton_core::flow::{BottleneckReport, FlowReport, Percentiles};
use baton_core::query::{Count, ItemsPage, WorkspaceSummary};

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

fn section(title: &str, counts: &[Count]) {
    println!("\n{title}");
    let width = counts
        .iter()
        .map(|c| c.label.chars().count())
        .max()
        .unwrap_or(0)
        .max(8);
    for c in counts {
        println!("  {:<width$}  {:>9}", c.label, thousands(c.count));
    }
}

/// Prints the summary.
pub fn print_summary(s: &WorkspaceSummary) {
    println!("Workspace {} ({})", s.name, s.path);
    if let Some(range) = &s.date_range {
        println!("Covers {} .. {}", range.from, range.to);
    }
    let t = &s.totals;
    println!(
        "\n  items {}  transitions {}  links {} (open blocking {})  teams {}  people {}  sources {}  intents {}",
        thousands(t.items),
        thousands(t.transitions),
        thousands(t.links),
        thousands(t.open_blocking_links),
        t.teams,
        thousands(t.people),
        t.sources,
        t.intents
    );
    println!(
        "  AI pull requests without human review: {} of {}",
        thousands(s.ai_prs_without_human_review),
        thousands(s.ai_prs)
    );
    section("By team", &s.by_team);
    section("By flow state", &s.by_flow_state);
    section("By kind", &s.by_kind);
    section("By source", &s.by_source);
    section("By provenance", &s.by_provenance);
}

/// Prints one page of items.
pub fn print_items(page: &ItemsPage) {
    println!(
        "{} items match; showing {} from {}",
        thousands(page.total),
        page.rows.len(),
        page.offset
    );
    for row in &page.rows {
        let title: String = row.title.chars().take(60).collect();
        println!(
            "{:<28} {:<9} {:<12} {:<10} {:<60} {}",
            row.key,
            row.flow_state.as_str(),
            row.kind.as_str(),
            row.team_name.as_deref().unwrap_or("-"),
            title,
            row.updated_at
        );
    }
}

fn days(value: Option<f64>) -> String {
    value.map_or("-".to_owned(), |d| format!("{d:.1}d"))
}

fn percentiles(name: &str, p: &Percentiles) {
    println!(
        "  {name:<14} n={:<7} p50 {:>7}  p85 {:>7}  p95 {:>7}  mean {:>7}",
        thousands(p.count),
        days(p.p50),
        days(p.p85),
        days(p.p95),
        days(p.mean)
    );
}

/// Prints the Flow page's numbers.
pub fn print_flow(r: &FlowReport) {
    println!(
        "Flow {} .. {} (as of {}, rule {:?}): {} items, {} skipped",
        r.range.from,
        r.range.to,
        r.range.as_of,
        r.range.rule,
        thousands(r.items),
        thousands(r.skipped)
    );
    percentiles("cycle time", &r.cycle_time);
    percentiles("lead time", &r.lead_time);
    for t in &r.cycle_time_by_team {
        percentiles(&t.team_name, &t.cycle_time);
    }
    let weeks: Vec<String> = r
        .throughput_weekly
        .iter()
        .map(|w| w.count.to_string())
        .collect();
    println!(
        "  throughput     {} finished; per week: {}",
        thousands(r.throughput_total),
        weeks.join(" ")
    );
    println!(
        "  WIP            {} in progress now; average {:.1} (Little: {:.2}/day x {} = {})",
        thousands(r.in_progress),
        r.littles_law.average_wip,
        r.littles_law.throughput_per_day,
        days(r.littles_law.average_cycle_days),
        r.littles_law
            .predicted_wip
            .map_or("-".into(), |w| format!("{w:.1}"))
    );
    println!(
        "  efficiency     {} ({:.0} active / {:.0} waiting days over {} items)",
        r.efficiency
            .aggregate
            .map_or("-".into(), |e| format!("{:.1}%", e * 100.0)),
        r.efficiency.active_days,
        r.efficiency.waiting_days,
        r.efficiency.count
    );
    for k in &r.distribution {
        println!(
            "  {:<14} finished {:>7}  in progress {:>7}",
            k.kind.as_str(),
            thousands(k.finished),
            thousands(k.in_progress)
        );
    }
    for n in &r.notes {
        println!("  note: {}", n.message);
    }
}

/// Prints the Bottlenecks page's numbers.
pub fn print_bottlenecks(r: &BottleneckReport) {
    println!("\nWhere work waits ({} .. {})", r.range.from, r.range.to);
    for w in &r.wait_reasons {
        println!(
            "  {:<12} {:>10.0} days  {:>5.1}%  {} items",
            format!("{:?}", w.stage).to_lowercase(),
            w.total_days,
            w.share * 100.0,
            thousands(w.items)
        );
    }
    println!("\nMedian days in stage per team");
    let header: Vec<String> = r
        .stages
        .iter()
        .map(|s| format!("{:>10}", format!("{s:?}").to_lowercase()))
        .collect();
    println!("  {:<12}{}", "", header.join(""));
    for t in &r.matrix {
        let cells: Vec<String> = t
            .cells
            .iter()
            .map(|c| format!("{:>10}", days(c.median_days)))
            .collect();
        println!("  {:<12}{}", t.team_name, cells.join(""));
    }
    println!("\nBlocked now, by blocking team");
    for c in &r.blocker_clusters {
        println!(
            "  {:<12} {} items, {:.0} days waiting",
            c.team_name, c.blocked_items, c.blocked_days
        );
    }
    println!("\nPull requests merged: {}", thousands(r.pull_requests));
    for s in &r.pr_segments {
        percentiles(&s.segment, &s.days);
    }
}

fn dep(d: &baton_core::deps::DepItem) -> String {
    format!(
        "{} ({})",
        d.item.key,
        d.team_name.as_deref().unwrap_or("no team")
    )
}

/// Prints the dependency analyses.
pub fn print_deps(r: &baton_core::deps::DepsReport) {
    println!(
        "Dependencies as of {}: {} open blocking links",
        r.as_of,
        thousands(r.open_blocking_links)
    );
    println!("\nWho blocks whom (open links, oldest days)");
    for c in r.matrix.iter().take(30) {
        println!(
            "  {:<12} -> {:<12} {:>6} links  oldest {:>6.1}d  median {:>6.1}d",
            c.blocker_team, c.blocked_team, c.open_links, c.oldest_days, c.median_days
        );
    }
    println!("\nLongest blocked chains");
    for c in r.chains.iter().take(10) {
        let keys: Vec<String> = c.items.iter().map(dep).collect();
        println!(
            "  {} items, {:.0} days waiting: {}",
            c.items.len(),
            c.waiting_days,
            keys.join(" -> ")
        );
    }
    println!("\nCycles");
    for c in &r.cycles {
        let keys: Vec<String> = c.items.iter().map(dep).collect();
        println!(
            "  {}{}",
            keys.join(" -> "),
            if c.self_link { " (blocks itself)" } else { "" }
        );
    }
    println!("\nAt risk ({} items; first 10)", r.at_risk_total);
    for a in r.at_risk.iter().take(10) {
        println!(
            "  {} waits on {} ({} links up): {:.1}d old, team P85 {:.1}d",
            dep(&a.item),
            dep(&a.blocker),
            a.distance,
            a.blocker_age_days,
            a.threshold_days
        );
    }
    println!(
        "\nHandoffs that never arrived ({}; first 10)",
        r.handoffs_total
    );
    for h in r.handoffs.iter().take(10) {
        println!(
            "  {} delivered {:.1}d ago, {} still waits",
            dep(&h.upstream),
            h.days_waiting,
            dep(&h.downstream)
        );
    }
}

/// Prints a critical path.
pub fn print_critical_path(p: &baton_core::deps::CriticalPath) {
    println!(
        "\nCritical path to {}: P50 {}  P85 {} ({} items upstream, {} open)",
        p.target_label, p.finish_p50, p.finish_p85, p.upstream_items, p.open_upstream_items
    );
    for s in &p.steps {
        println!(
            "  {:<32} age {:>6.1}d  left P50 {:>5.1}d P85 {:>5.1}d  finish P85 {}",
            dep(&s.item),
            s.age_days,
            s.remaining_p50_days,
            s.remaining_p85_days,
            s.finish_p85
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_groups_digits() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1000), "1,000");
        assert_eq!(super::thousands(1_234_567), "1,234,567");
    }
}
