//! Intent rules: an item one of whose facets (its epic, parent, labels, components, repository,
//! project, as its source's record says) or, for a change, one of whose files (its path rule)
//! matches a rule's pattern serves the rule's intent. The first rule by position wins. The same
//! function links items while syncing (a page's items, and the changes whose file lists the
//! page wrote), after a rule changes (every item) and in the preview, so they cannot disagree.
//!
//! A `path` rule's pattern is written as a `CODEOWNERS` line's (the syntax of sensitive paths,
//! [`crate::conflicts::codeowners::matches`]): `checkout/` (one name) takes every file under a
//! folder of that name wherever it sits; a pattern with a slash inside or in front is read from
//! the repository's root (`services/checkout/`, `/db/migrations/`); `*` and `?` match within one
//! folder or file name, `**` across folders (`**/checkout/`, `payments/**/refund*.rs`); `*.proto`
//! is any such file at any depth. Paths are compared as git stores them (case-sensitive), in
//! every repository of every source. It links the changes (pull requests; the sources that list
//! files) touching a matching file, not the issues they implement: an issue keeps the intent of
//! its own epic, parent or rules (`docs/metrics.md`, "Intents").

use std::collections::HashMap;

use sqlx::SqliteConnection;

use crate::conflicts::codeowners;
use crate::graph::model::IntentRuleField;
use crate::graph::repo::{self, intents::IntentRuleRow};
use crate::rules::eval::glob_match;

/// Whether `rule` matches an item with these facets (field, value) and file paths.
pub fn rule_matches(rule: &IntentRuleRow, facets: &[(&str, &str)], paths: &[&str]) -> bool {
    match rule.field {
        IntentRuleField::Path => paths.iter().any(|p| codeowners::matches(&rule.pattern, p)),
        field => facets
            .iter()
            .any(|(f, value)| *f == field.as_str() && glob_match(&rule.pattern, value)),
    }
}

/// The first rule (in `rules`' order) that matches one of `facets` (field, value) or, for a
/// path rule, one of `paths`.
pub fn first_match<'r>(
    rules: &'r [IntentRuleRow],
    facets: &[(&str, &str)],
    paths: &[&str],
) -> Option<&'r IntentRuleRow> {
    rules.iter().find(|rule| rule_matches(rule, facets, paths))
}

/// What `rules` link among `items` (every item with facets or files when None):
/// (item, rule, intent), by item id. Facets are read only when a rule is not a path rule, files
/// only when one is.
pub async fn matches(
    conn: &mut SqliteConnection,
    rules: &[IntentRuleRow],
    items: Option<&[String]>,
) -> sqlx::Result<Vec<(String, String, String)>> {
    if rules.is_empty() {
        return Ok(Vec::new());
    }
    let on_paths = rules.iter().any(|r| r.field == IntentRuleField::Path);
    let on_facets = rules.iter().any(|r| r.field != IntentRuleField::Path);
    let facets = if on_facets {
        repo::intents::facets(conn, items).await?
    } else {
        Vec::new()
    };
    let paths = if on_paths {
        repo::item_paths::paths_of_items(conn, items).await?
    } else {
        Vec::new()
    };
    #[derive(Default)]
    struct Facts<'a> {
        facets: Vec<(&'a str, &'a str)>,
        paths: Vec<&'a str>,
    }
    let mut by_item: HashMap<&str, Facts> = HashMap::new();
    for (item, field, value) in &facets {
        by_item
            .entry(item.as_str())
            .or_default()
            .facets
            .push((field.as_str(), value.as_str()));
    }
    for (item, path) in &paths {
        by_item
            .entry(item.as_str())
            .or_default()
            .paths
            .push(path.as_str());
    }
    let mut out: Vec<(String, String, String)> = by_item
        .into_iter()
        .filter_map(|(item, facts)| {
            let rule = first_match(rules, &facts.facets, &facts.paths)?;
            Some((item.to_owned(), rule.id.clone(), rule.intent_id.clone()))
        })
        .collect();
    out.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Links `items` (every item when None) by the stored rules and sets their effective intents;
/// returns the items whose effective intent changed.
pub async fn apply(
    conn: &mut SqliteConnection,
    items: Option<&[String]>,
    now: i64,
) -> sqlx::Result<Vec<String>> {
    let rules = repo::intents::rules(&mut *conn).await?;
    let links = matches(conn, &rules, items).await?;
    repo::intents::set_rule_links(conn, items, &links, now).await?;
    repo::intents::resolve(conn, items).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::model::IntentRuleField;

    fn rule(id: &str, field: IntentRuleField, pattern: &str, intent: &str) -> IntentRuleRow {
        IntentRuleRow {
            id: id.into(),
            intent_id: intent.into(),
            field,
            pattern: pattern.into(),
            position: 0,
            actor: "ann".into(),
            why: String::new(),
            created_at: 0,
        }
    }

    #[test]
    fn the_first_rule_that_matches_any_facet_wins() {
        let rules = vec![
            rule("r1", IntentRuleField::Label, "checkout-*", "i-checkout"),
            rule("r2", IntentRuleField::Repository, "acme/pay*", "i-pay"),
            rule("r3", IntentRuleField::Project, "PAY", "i-other"),
        ];
        let hit = first_match(
            &rules,
            &[("repository", "acme/payments"), ("label", "Checkout-v2")],
            &[],
        );
        assert_eq!(
            hit.map(|r| r.id.as_str()),
            Some("r1"),
            "rules are tried in order, and a label matches case-insensitively"
        );
        let hit = first_match(&rules, &[("project", "PAY")], &[]);
        assert_eq!(hit.map(|r| r.id.as_str()), Some("r3"));
        assert!(
            first_match(&rules, &[("component", "acme/payments")], &[]).is_none(),
            "a pattern only matches its own field"
        );
        assert!(
            first_match(&rules, &[("project", "PAYMENTS")], &[]).is_none(),
            "no implicit wildcard"
        );
    }

    #[test]
    fn a_path_rule_matches_the_files_of_a_change_as_codeowners_does() {
        let rules = vec![
            rule("r1", IntentRuleField::Path, "payments/", "i-pay"),
            rule("r2", IntentRuleField::Path, "/db/migrations/", "i-data"),
            rule("r3", IntentRuleField::Path, "*.proto", "i-api"),
            rule("r4", IntentRuleField::Repository, "acme/*", "i-repo"),
        ];
        let id = |facets: &[(&str, &str)], paths: &[&str]| {
            first_match(&rules, facets, paths).map(|r| r.id.clone())
        };
        assert_eq!(
            id(&[], &["README.md", "services/x/src/payments/refund.rs"]),
            Some("r1".into()),
            "a folder pattern takes every file under that folder, wherever it sits"
        );
        assert_eq!(
            id(&[], &["src/payments-v2/refund.rs"]),
            None,
            "a folder is a whole name, not a string prefix"
        );
        let anchored = vec![rule("r5", IntentRuleField::Path, "src/payments/", "i-pay")];
        assert!(
            first_match(&anchored, &[], &["src/payments/a.rs"]).is_some()
                && first_match(&anchored, &[], &["api/src/payments/a.rs"]).is_none(),
            "a slash inside the pattern reads it from the repository's root"
        );
        assert_eq!(id(&[], &["db/migrations/0042.sql"]), Some("r2".into()));
        assert_eq!(
            id(&[], &["legacy/db/migrations/0042.sql"]),
            None,
            "a leading / anchors the folder at the repository's root"
        );
        assert_eq!(
            id(&[], &["api/v1/ledger.proto"]),
            Some("r3".into()),
            "*.proto: any such file at any depth"
        );
        assert_eq!(
            id(&[], &["src/PAYMENTS/refund.rs"]),
            None,
            "paths compare as git stores them, case and all"
        );
        assert_eq!(
            id(&[("repository", "acme/pay")], &["src/payments/a.rs"]),
            Some("r1".into()),
            "the first rule by position wins, path rules included"
        );
        assert_eq!(
            id(&[("repository", "acme/pay")], &[]),
            Some("r4".into()),
            "an item without files is matched on its facets alone"
        );
        assert!(
            id(&[("path", "src/payments/a.rs")], &[]).is_none(),
            "a path rule reads files, never a facet named path"
        );
    }
}
