//! Intent rules: an item one of whose facets (its epic, parent, labels, components, repository,
//! project, as its source's record says) matches a rule's pattern serves the rule's intent. The
//! first rule by position wins. The same function links items while syncing (a page's items),
//! after a rule changes (every item) and in the preview, so they cannot disagree.

use std::collections::HashMap;

use sqlx::SqliteConnection;

use crate::graph::repo::{self, intents::IntentRuleRow};
use crate::rules::eval::glob_match;

/// The first rule (in `rules`' order) one of `facets` (field, value) matches.
pub fn first_match<'r>(
    rules: &'r [IntentRuleRow],
    facets: &[(&str, &str)],
) -> Option<&'r IntentRuleRow> {
    rules.iter().find(|rule| {
        facets
            .iter()
            .any(|(field, value)| *field == rule.field.as_str() && glob_match(&rule.pattern, value))
    })
}

/// What `rules` link among `items` (every item with facets when None): (item, rule, intent).
pub async fn matches(
    conn: &mut SqliteConnection,
    rules: &[IntentRuleRow],
    items: Option<&[String]>,
) -> sqlx::Result<Vec<(String, String, String)>> {
    if rules.is_empty() {
        return Ok(Vec::new());
    }
    let facets = repo::intents::facets(conn, items).await?;
    let mut by_item: HashMap<&str, Vec<(&str, &str)>> = HashMap::new();
    let mut order: Vec<&str> = Vec::new();
    for (item, field, value) in &facets {
        let entry = by_item.entry(item.as_str()).or_insert_with(|| {
            order.push(item.as_str());
            Vec::new()
        });
        entry.push((field.as_str(), value.as_str()));
    }
    Ok(order
        .into_iter()
        .filter_map(|item| {
            let rule = first_match(rules, by_item.get(item)?)?;
            Some((item.to_owned(), rule.id.clone(), rule.intent_id.clone()))
        })
        .collect())
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
        );
        assert_eq!(
            hit.map(|r| r.id.as_str()),
            Some("r1"),
            "rules are tried in order, and a label matches case-insensitively"
        );
        let hit = first_match(&rules, &[("project", "PAY")]);
        assert_eq!(hit.map(|r| r.id.as_str()), Some("r3"));
        assert!(
            first_match(&rules, &[("component", "acme/payments")]).is_none(),
            "a pattern only matches its own field"
        );
        assert!(
            first_match(&rules, &[("project", "PAYMENTS")]).is_none(),
            "no implicit wildcard"
        );
    }
}
