//! Teams as the rules screen lists and creates them.

use serde::Serialize;
use specta::Type;

use crate::error::{CoreError, CoreResult};
use crate::graph::model::Team;
use crate::graph::{repo, ChangeKind, Workspace, WriteOp, Writer};

/// A team with its size.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamInfo {
    pub id: String,
    pub name: String,
    /// Items assigned to it now.
    pub items: u32,
}

/// Every team, by name, including teams that have no items yet.
pub async fn teams_list(ws: &Workspace) -> CoreResult<Vec<TeamInfo>> {
    let ix = ws.index().await?;
    let mut counts = vec![0u32; ix.teams.len()];
    for item in &ix.items {
        if let Some(n) = counts.get_mut(item.team as usize) {
            *n += 1;
        }
    }
    Ok(ix
        .teams
        .iter()
        .zip(counts)
        .map(|(t, items)| TeamInfo {
            id: t.id.clone(),
            name: t.name.clone(),
            items,
        })
        .collect())
}

/// Creates a team named `name` (trimmed; names are unique, ignoring case).
pub async fn teams_create(ws: &Workspace, name: &str) -> CoreResult<TeamInfo> {
    let name = name.trim();
    if name.is_empty() {
        return Err(CoreError::Invalid("a team needs a name".into()));
    }
    if name.chars().count() > 80 {
        return Err(CoreError::Invalid(
            "a team name has at most 80 characters".into(),
        ));
    }
    let (team, _) = ws.write(CreateTeam { name }).await?;
    Ok(TeamInfo {
        id: team.id,
        name: team.name,
        items: 0,
    })
}

/// The write of [`teams_create`]: the name is checked against the teams inside the transaction.
struct CreateTeam<'a> {
    name: &'a str,
}

impl WriteOp for CreateTeam<'_> {
    type Output = Team;
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<Team> {
        let name = self.name;
        let existing = repo::teams::list(w.conn()).await?;
        if existing.iter().any(|t| t.name.eq_ignore_ascii_case(name)) {
            return Err(CoreError::Invalid(format!(
                "there is already a team called {name}"
            )));
        }
        let slug: String = name
            .to_lowercase()
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect::<String>()
            .split('-')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        let base = format!("team-{}", if slug.is_empty() { "unnamed" } else { &slug });
        let mut id = base.clone();
        let mut n = 2;
        while existing.iter().any(|t| t.id == id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        let team = Team {
            id,
            name: name.to_owned(),
        };
        repo::teams::upsert_many(w.conn(), std::slice::from_ref(&team)).await?;
        w.changed(ChangeKind::Teams);
        Ok(team)
    }
}

/// Whether a team id exists.
pub async fn team_exists(ws: &Workspace, id: &str) -> CoreResult<bool> {
    Ok(repo::teams::list(ws.pool())
        .await?
        .iter()
        .any(|t| t.id == id))
}
