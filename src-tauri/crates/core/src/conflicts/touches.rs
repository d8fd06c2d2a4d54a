//! Who changes whose code: for each pair of teams, the pull requests of the first (its author's
//! team) that touch paths the second owns, over a window of days and the Dependencies page's
//! filters, with the pull requests behind each pair. Definition: `docs/metrics.md`, "Who changes
//! whose code". A relation of its own, apart from blocking links: touching another team's code
//! blocks nobody, it is a risk (and a reason to talk).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use specta::Type;

use super::live::{self, item_of, ConflictItem, Grouped};
use crate::deps::DepsFilter;
use crate::error::{CoreError, CoreResult};
use crate::graph::index::WorkIndex;
use crate::graph::Workspace;
use crate::time::{to_rfc3339, DAY_MS};

/// The longest window, in days.
pub const MAX_DAYS: u32 = 3_660;
/// The most pull requests a drill-down lists (the count says how many there are).
pub const MAX_LISTED: usize = 500;

/// The question: pull requests opened in the last `days` days (all when `None`), of the page's
/// teams and intents.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TouchesQuery {
    /// Pairs where either team is one of these (empty: all); intents: pull requests serving
    /// one of them or an intent under it.
    #[serde(default)]
    pub filter: DepsFilter,
    /// The window, in days up to now (1 to [`MAX_DAYS`]); `None`: every pull request read.
    pub days: Option<u32>,
}

/// One team → team pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TouchCell {
    /// The authors' team ("" = no team).
    pub from_team_id: String,
    pub from_team: String,
    /// The team owning the paths.
    pub to_team_id: String,
    pub to_team: String,
    /// Pull requests of `from` touching `to`'s paths.
    pub pulls: u32,
    /// Of those, still open.
    pub open: u32,
    /// Of those, made by AI agents.
    pub ai: u32,
    /// Of those, approved by nobody of `to`.
    pub unreviewed: u32,
    /// Distinct paths of `to` they touched.
    pub paths: u32,
}

/// The Dependencies page's "Who changes whose code".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TouchesReport {
    /// The window's start (RFC 3339), `None` for every pull request.
    pub from: Option<String>,
    /// Now, the window's end.
    pub to: String,
    pub days: Option<u32>,
    /// Pairs, most pull requests first.
    pub cells: Vec<TouchCell>,
    /// Pull requests opened in the window (and of the chosen intents) whose files were read.
    pub pulls_read: u32,
    /// Of those, pull requests touching another team's paths (each once).
    pub pulls_touching: u32,
    /// Repositories with a `CODEOWNERS` file read, and without.
    pub repositories_with_owners: u32,
    pub repositories_without_owners: u32,
}

/// A pull request behind a pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TouchPull {
    pub item: ConflictItem,
    /// When it was opened (RFC 3339).
    pub created: String,
    /// The owning team's paths it touches (at most 20).
    pub paths: Vec<String>,
    pub paths_total: u32,
    /// Someone of the owning team approved it.
    pub reviewed: bool,
}

/// The pull requests behind one pair, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TouchPulls {
    pub from_team: String,
    pub to_team: String,
    /// How many there are ([`MAX_LISTED`] at most are listed).
    pub total: u32,
    pub pulls: Vec<TouchPull>,
}

/// Which pull requests count (resolved from a [`TouchesQuery`]).
pub struct TouchesScope {
    /// Opened at or after (ms); `None`: any time.
    since: Option<i64>,
    /// Intents kept (by index position), `None`: all.
    intents: Option<Vec<bool>>,
    /// Team ids kept ("" = no team), `None`: all.
    teams: Option<Vec<String>>,
}

impl TouchesScope {
    /// Every pull request read.
    pub fn all() -> TouchesScope {
        TouchesScope {
            since: None,
            intents: None,
            teams: None,
        }
    }

    /// The scope of a query at `now`; refuses a window out of range.
    pub fn of(ix: &WorkIndex, q: &TouchesQuery, now: i64) -> CoreResult<TouchesScope> {
        if let Some(d) = q.days {
            if !(1..=MAX_DAYS).contains(&d) {
                return Err(CoreError::Invalid(format!(
                    "the window is {d} days: choose 1 to {MAX_DAYS}"
                )));
            }
        }
        let intents = (!q.filter.intents.is_empty()).then(|| {
            let chosen: Vec<u32> = q
                .filter
                .intents
                .iter()
                .filter_map(|id| ix.intents.iter().position(|n| &n.id == id))
                .map(|p| p as u32)
                .collect();
            ix.intents_under(&chosen)
        });
        Ok(TouchesScope {
            since: q.days.map(|d| now - i64::from(d) * DAY_MS),
            intents,
            teams: (!q.filter.teams.is_empty()).then(|| q.filter.teams.clone()),
        })
    }

    fn pull(&self, ix: &WorkIndex, i: usize) -> bool {
        let it = &ix.items[i];
        self.since.is_none_or(|s| it.created >= s)
            && self
                .intents
                .as_ref()
                .is_none_or(|ok| ok.get(it.intent as usize).copied().unwrap_or(false))
    }

    fn pair(&self, from: &str, to: &str) -> bool {
        self.teams
            .as_ref()
            .is_none_or(|t| t.iter().any(|x| x == from || x == to))
    }
}

/// A pull request counted in a pair.
pub struct Counted {
    /// Its position in the index.
    pub at: usize,
    pub open: bool,
    pub ai: bool,
    pub reviewed: bool,
    /// The owning team's paths it touches.
    pub paths: Vec<String>,
}

/// A pair with its pull requests.
pub struct Pair {
    pub from_id: String,
    pub from_name: String,
    pub to_id: String,
    pub to_name: String,
    pub pulls: Vec<Counted>,
}

/// Every pair of the scope, most pull requests first (then by names); each pull request with
/// the owning team's paths it touches when `paths` is set (else none: only counted).
pub fn matrix(ix: &WorkIndex, grouped: &Grouped, scope: &TouchesScope, paths: bool) -> Vec<Pair> {
    let names: HashMap<&str, &str> = ix
        .teams
        .iter()
        .map(|t| (t.id.as_str(), t.name.as_str()))
        .collect();
    let mut pairs: BTreeMap<(String, String), Vec<Counted>> = BTreeMap::new();
    for (g, touched) in grouped.groups.iter().zip(&grouped.touched) {
        for ((pull, &i), touched) in g.pulls.iter().zip(&g.members).zip(touched.iter()) {
            if touched.is_empty() || !scope.pull(ix, i) {
                continue;
            }
            let from = pull.team.clone().unwrap_or_default();
            for (to, touched_paths) in touched {
                if !scope.pair(&from, to) {
                    continue;
                }
                pairs
                    .entry((from.clone(), to.clone()))
                    .or_default()
                    .push(Counted {
                        at: i,
                        open: pull.open,
                        ai: pull.ai,
                        reviewed: pull.approved_by.contains(to),
                        paths: if paths {
                            touched_paths
                                .iter()
                                .filter_map(|&p| pull.files.get(p as usize).cloned())
                                .collect()
                        } else {
                            Vec::new()
                        },
                    });
            }
        }
    }
    let name = |id: &str| -> String {
        if id.is_empty() {
            "No team".to_owned()
        } else {
            names.get(id).map_or(id.to_owned(), |n| (*n).to_owned())
        }
    };
    let mut out: Vec<Pair> = pairs
        .into_iter()
        .map(|((from, to), pulls)| Pair {
            from_name: name(&from),
            to_name: name(&to),
            from_id: from,
            to_id: to,
            pulls,
        })
        .collect();
    out.sort_by(|a, b| {
        b.pulls
            .len()
            .cmp(&a.pulls.len())
            .then(a.from_name.cmp(&b.from_name))
            .then(a.to_name.cmp(&b.to_name))
    });
    out
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// [`report`] over data already read and grouped.
pub fn assemble(
    ix: &WorkIndex,
    grouped: &Grouped,
    q: &TouchesQuery,
    now: i64,
) -> CoreResult<TouchesReport> {
    let scope = TouchesScope::of(ix, q, now)?;
    let pulls_read = grouped
        .groups
        .iter()
        .flat_map(|g| g.members.iter())
        .filter(|&&i| scope.pull(ix, i))
        .count();
    let pairs = matrix(ix, grouped, &scope, true);
    let mut touching: Vec<usize> = pairs
        .iter()
        .flat_map(|p| p.pulls.iter().map(|c| c.at))
        .collect();
    touching.sort_unstable();
    touching.dedup();
    let cells = pairs
        .iter()
        .map(|p| {
            let mut paths: Vec<&String> = p.pulls.iter().flat_map(|c| c.paths.iter()).collect();
            paths.sort_unstable();
            paths.dedup();
            TouchCell {
                from_team_id: p.from_id.clone(),
                from_team: p.from_name.clone(),
                to_team_id: p.to_id.clone(),
                to_team: p.to_name.clone(),
                pulls: count(p.pulls.len()),
                open: count(p.pulls.iter().filter(|c| c.open).count()),
                ai: count(p.pulls.iter().filter(|c| c.ai).count()),
                unreviewed: count(p.pulls.iter().filter(|c| !c.reviewed).count()),
                paths: count(paths.len()),
            }
        })
        .collect();
    Ok(TouchesReport {
        from: scope.since.map(to_rfc3339),
        to: to_rfc3339(now),
        days: q.days,
        cells,
        pulls_read: count(pulls_read),
        pulls_touching: count(touching.len()),
        repositories_with_owners: grouped.repositories_with_owners,
        repositories_without_owners: grouped.repositories_without_owners,
    })
}

/// Who changes whose code over the query's window and filters, at `now`.
pub async fn report(ws: &Workspace, q: &TouchesQuery, now: i64) -> CoreResult<TouchesReport> {
    let ix = ws.index().await?;
    let grouped = live::grouped(ws, &ix).await?;
    assemble(&ix, &grouped, q, now)
}

/// The pull requests behind the pair `from` → `to` ("" = no team) of the query, newest first,
/// with their titles as written.
pub async fn pulls(
    ws: &Workspace,
    q: &TouchesQuery,
    from: &str,
    to: &str,
    now: i64,
) -> CoreResult<TouchPulls> {
    let ix = ws.index().await?;
    let grouped = live::grouped(ws, &ix).await?;
    let mut list = pulls_of(&ix, &grouped, q, from, to, now)?;
    let ids: Vec<&str> = list.pulls.iter().map(|p| p.item.id.as_str()).collect();
    let titles = crate::graph::repo::items::titles(ws.pool(), &ids).await?;
    for p in &mut list.pulls {
        if let Some(t) = titles.get(&p.item.id) {
            p.item.title = t.clone();
        }
    }
    Ok(list)
}

/// [`pulls`] over data already read (titles as the index keeps them, folded).
pub fn pulls_of(
    ix: &WorkIndex,
    grouped: &Grouped,
    q: &TouchesQuery,
    from: &str,
    to: &str,
    now: i64,
) -> CoreResult<TouchPulls> {
    // The drill-down keeps the window and the intents, not the team filter: it names its pair.
    let scope = TouchesScope {
        teams: None,
        ..TouchesScope::of(ix, q, now)?
    };
    let pair = matrix(ix, grouped, &scope, true)
        .into_iter()
        .find(|p| p.from_id == from && p.to_id == to);
    let team_name = |id: &str| -> String {
        if id.is_empty() {
            return "No team".to_owned();
        }
        ix.teams
            .iter()
            .find(|t| t.id == id)
            .map_or(id.to_owned(), |t| t.name.clone())
    };
    let Some(pair) = pair else {
        return Ok(TouchPulls {
            from_team: team_name(from),
            to_team: team_name(to),
            total: 0,
            pulls: Vec::new(),
        });
    };
    let mut pulls = pair.pulls;
    pulls.sort_by(|a, b| {
        ix.items[b.at]
            .created
            .cmp(&ix.items[a.at].created)
            .then(ix.item_keys[a.at].cmp(&ix.item_keys[b.at]))
    });
    let total = count(pulls.len());
    let listed = pulls
        .into_iter()
        .take(MAX_LISTED)
        .map(|c| TouchPull {
            item: item_of(ix, c.at),
            created: to_rfc3339(ix.items[c.at].created),
            paths_total: count(c.paths.len()),
            paths: c.paths.into_iter().take(20).collect(),
            reviewed: c.reviewed,
        })
        .collect();
    Ok(TouchPulls {
        from_team: pair.from_name,
        to_team: pair.to_name,
        total,
        pulls: listed,
    })
}
