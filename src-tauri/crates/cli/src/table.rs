//! Plain-text tables for the terminal.

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
