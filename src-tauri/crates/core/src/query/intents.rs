//! The intents (goals, initiatives, milestones) as filters and targets list them.

use serde::Serialize;
use specta::Type;

use crate::error::CoreResult;
use crate::graph::model::IntentKind;
use crate::graph::{repo, Workspace};

/// One intent.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct IntentInfo {
    pub id: String,
    pub parent_id: Option<String>,
    pub kind: IntentKind,
    pub title: String,
    /// What a list names it by: its title, followed by where it comes from when another intent
    /// has the same title ("One-page checkout · Acme Linear"; "· made in Baton"), and by its
    /// key there when that is still not enough ([`crate::intents::labels::labels`]).
    pub label: String,
    /// Items linked to it directly.
    pub items: u32,
    /// Items linked to it or to one of its descendants.
    pub items_with_descendants: u32,
}

/// Every intent, parents before children.
pub async fn intents_list(ws: &Workspace) -> CoreResult<Vec<IntentInfo>> {
    let ix = ws.index().await?;
    let intents = repo::intents::list(ws.pool()).await?;
    let mut direct = vec![0u32; ix.intents.len()];
    for item in &ix.items {
        if let Some(n) = direct.get_mut(item.intent as usize) {
            *n += 1;
        }
    }
    let labels = crate::intents::labels::labels_of(&ix, &intents);
    Ok(intents
        .into_iter()
        .zip(labels)
        .map(|(intent, label)| {
            let at = ix.intents.iter().position(|n| n.id == intent.id);
            let (items, items_with_descendants) = match at {
                Some(at) => {
                    let under = ix.intents_under(&[at as u32]);
                    (
                        direct[at],
                        under
                            .iter()
                            .zip(&direct)
                            .filter(|(u, _)| **u)
                            .map(|(_, n)| n)
                            .sum(),
                    )
                }
                None => (0, 0),
            };
            IntentInfo {
                id: intent.id,
                parent_id: intent.parent_id,
                kind: intent.kind,
                label,
                title: intent.title,
                items,
                items_with_descendants,
            }
        })
        .collect())
}
