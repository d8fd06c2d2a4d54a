//! What lists call each intent: its title, told apart from others of the same title by where
//! it comes from (a Jira initiative and the Linear project of one name), then by its key there.

use crate::error::CoreResult;
use crate::graph::model::Intent;
use crate::graph::{repo, Workspace};

/// Each intent's label ([`labels`]) by its id.
pub async fn intent_labels(
    ws: &Workspace,
) -> CoreResult<std::collections::HashMap<String, String>> {
    let ix = ws.index().await?;
    let intents = repo::intents::list(ws.pool()).await?;
    Ok(intents
        .iter()
        .map(|i| i.id.clone())
        .zip(labels_of(&ix, &intents))
        .collect())
}

/// [`labels`] of `intents`, their sources named as the index names them.
pub(crate) fn labels_of(ix: &crate::graph::index::WorkIndex, intents: &[Intent]) -> Vec<String> {
    let source_names: std::collections::HashMap<&str, &str> = ix
        .sources
        .iter()
        .map(|s| (s.id.as_str(), s.name.as_str()))
        .collect();
    intent_labels_by(intents, |id| source_names.get(id).copied())
}

/// [`labels`] of `intents`, each source's name as `source_name` gives it for its id.
pub(crate) fn intent_labels_by<'a>(
    intents: &'a [Intent],
    source_name: impl Fn(&str) -> Option<&'a str>,
) -> Vec<String> {
    labels(
        &intents
            .iter()
            .map(|i| Naming {
                title: &i.title,
                source: i.source_id.as_deref().and_then(&source_name),
                key: i.source_key.as_deref().unwrap_or(&i.id),
            })
            .collect::<Vec<_>>(),
    )
}

/// What [`labels`] reads of an intent.
pub struct Naming<'a> {
    pub title: &'a str,
    /// The name of the source it came from (None: made in Baton).
    pub source: Option<&'a str>,
    /// Its key in that source (its id when it has none).
    pub key: &'a str,
}

/// Each intent's label, in order: its title when no other intent has it; else
/// the title and where it comes from ("title · Acme Jira", "title · made in Baton"); and when
/// two of those are still alike (one source, one title), their keys there too ("title · Acme
/// Jira · EPIC-7").
pub fn labels(intents: &[Naming<'_>]) -> Vec<String> {
    use std::collections::HashMap;
    let mut titles: HashMap<&str, u32> = HashMap::new();
    for n in intents {
        *titles.entry(n.title).or_default() += 1;
    }
    let with_source: Vec<String> = intents
        .iter()
        .map(|n| {
            if titles.get(n.title).copied().unwrap_or(0) > 1 {
                format!("{} \u{b7} {}", n.title, n.source.unwrap_or("made in Baton"))
            } else {
                n.title.to_owned()
            }
        })
        .collect();
    let mut alike: HashMap<&str, u32> = HashMap::new();
    for label in &with_source {
        *alike.entry(label.as_str()).or_default() += 1;
    }
    with_source
        .iter()
        .zip(intents)
        .map(|(label, n)| {
            if alike.get(label.as_str()).copied().unwrap_or(0) > 1 {
                format!("{label} \u{b7} {}", n.key)
            } else {
                label.clone()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naming<'a>(title: &'a str, source: Option<&'a str>, key: &'a str) -> Naming<'a> {
        Naming { title, source, key }
    }

    #[test]
    fn a_title_no_other_intent_has_is_its_label() {
        assert_eq!(
            labels(&[
                naming("Wallets", Some("Acme Jira"), "EPIC-2"),
                naming("Checkout", Some("Acme Jira"), "EPIC-1"),
            ]),
            vec!["Wallets", "Checkout"]
        );
    }

    #[test]
    fn intents_with_one_title_are_told_apart_by_source_then_key() {
        assert_eq!(
            labels(&[
                naming("One-page checkout", Some("Acme Jira"), "EPIC-1"),
                naming(
                    "One-page checkout",
                    Some("Acme Linear"),
                    "one-page-checkout"
                ),
                naming("One-page checkout", None, "intent-9"),
                naming("Wallets", Some("Acme Jira"), "EPIC-2"),
                naming("Wallets", Some("Acme Jira"), "EPIC-3"),
                naming("Wallets", Some("Acme Linear"), "wallets"),
            ]),
            vec![
                "One-page checkout \u{b7} Acme Jira",
                "One-page checkout \u{b7} Acme Linear",
                "One-page checkout \u{b7} made in Baton",
                "Wallets \u{b7} Acme Jira \u{b7} EPIC-2",
                "Wallets \u{b7} Acme Jira \u{b7} EPIC-3",
                "Wallets \u{b7} Acme Linear",
            ]
        );
    }
}
