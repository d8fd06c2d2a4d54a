//! A workspace's items, with their changes and links, written as Baton's JSON lines (the
//! format a file source reads: see [`super::read::FileItem`]), so work moves between
//! workspaces and tools. The first line is a [`FileHeader`].

use std::collections::HashMap;
use std::io::Write;

use super::read::{FileHeader, FileItem, FileLink, FileTransition};
use crate::error::CoreError;
use crate::graph::Workspace;

/// What an export wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportFigures {
    pub items: u64,
    pub transitions: u64,
    pub links: u64,
}

/// Writes every item of `ws` to `out` as JSON lines, items in id order.
pub async fn export_items(
    ws: &Workspace,
    name: &str,
    now: i64,
    out: &mut impl Write,
) -> Result<ExportFigures, CoreError> {
    let pool = ws.pool();
    let people: HashMap<String, String> =
        sqlx::query!(r#"SELECT id AS "id!", display_name FROM people"#)
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|r| (r.id, r.display_name))
            .collect();
    let name_of =
        |id: Option<&String>| -> Option<String> { id.and_then(|id| people.get(id)).cloned() };

    let mut transitions: HashMap<String, Vec<FileTransition>> = HashMap::new();
    for t in sqlx::query!(
        r#"SELECT item_id AS "item_id!", kind, from_state, to_state, at, actor_id
           FROM transitions ORDER BY item_id, at, seq, event_id"#
    )
    .fetch_all(pool)
    .await?
    {
        transitions
            .entry(t.item_id)
            .or_default()
            .push(FileTransition {
                at: iso(t.at),
                kind: t.kind,
                from: t.from_state,
                to: t.to_state,
                by: name_of(t.actor_id.as_ref()),
            });
    }
    let mut links: HashMap<String, Vec<FileLink>> = HashMap::new();
    for l in sqlx::query!(
        r#"SELECT from_item_id AS "from_item_id!", to_item_id AS "to_item_id!", kind
           FROM links WHERE removed_at IS NULL ORDER BY from_item_id, to_item_id, kind"#
    )
    .fetch_all(pool)
    .await?
    {
        links.entry(l.from_item_id).or_default().push(FileLink {
            kind: l.kind,
            to: l.to_item_id,
        });
    }
    let items = sqlx::query!(
        r#"SELECT i.id AS "id!", i.key, i.url, i.kind, i.title, t.name AS "team?",
                  i.owner_id, i.author_id, i.provenance, i.provenance_agent, i.raw_state,
                  i.priority, i.estimate, i.created_at, i.done_at, i.updated_at
           FROM items i LEFT JOIN teams t ON t.id = i.team_id
           ORDER BY i.id"#
    )
    .fetch_all(pool)
    .await?;

    let io = |err: std::io::Error| CoreError::Invalid(format!("cannot write the export: {err}"));
    let header = FileHeader {
        baton: "items".into(),
        version: 1,
        exported_at: Some(iso(now)),
        workspace: Some(name.to_owned()),
    };
    writeln!(out, "{}", line(&header)).map_err(io)?;
    let mut figures = ExportFigures::default();
    for i in items {
        let item_transitions = transitions.remove(&i.id).unwrap_or_default();
        let item_links = links.remove(&i.id).unwrap_or_default();
        figures.items += 1;
        figures.transitions += item_transitions.len() as u64;
        figures.links += item_links.len() as u64;
        let item = FileItem {
            key: Some(i.key).filter(|k| *k != i.id),
            title: i.title,
            kind: Some(i.kind),
            state: i.raw_state,
            state_category: None,
            created: iso(i.created_at),
            updated: Some(iso(i.updated_at)),
            resolved: i.done_at.map(iso),
            url: Some(i.url).filter(|u| !u.is_empty()),
            team: i.team,
            owner: name_of(i.owner_id.as_ref()),
            author: name_of(i.author_id.as_ref()),
            priority: i.priority,
            estimate: i.estimate,
            labels: Vec::new(),
            components: Vec::new(),
            provenance: Some(i.provenance),
            agent: i.provenance_agent,
            transitions: item_transitions,
            links: item_links,
            id: i.id,
        };
        writeln!(out, "{}", line(&item)).map_err(io)?;
    }
    out.flush().map_err(io)?;
    Ok(figures)
}

/// Milliseconds as RFC 3339 to the millisecond (an export loses nothing).
fn iso(ms: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// One JSON line.
fn line<T: serde::Serialize>(value: &T) -> String {
    // Plain structs of strings and numbers always serialize.
    serde_json::to_string(value).unwrap_or_default()
}
