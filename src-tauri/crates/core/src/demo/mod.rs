//! The demo organisation: a deterministic, seeded generator of a believable work graph.
//!
//! `generate` is a pure function of [`DemoOptions`]: the same options give the same graph, byte
//! for byte. `build` writes it into a new workspace in one transaction.

mod cases;
mod generate;
mod github;
mod names;
mod org;
pub(crate) mod rng;
mod titles;

use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use crate::error::{CoreError, CoreResult};
use crate::graph::model::{
    Identity, Intent, Link, Person, Source, Team, Transition, WorkItem, WorkflowMap,
};
use crate::graph::repo::{self, decisions::DecisionRow};
use crate::graph::{Workspace, WriteOp, Writer};

pub use generate::generate;

/// The default size of the demo organisation.
pub const DEFAULT_ITEMS: u32 = 3_000;
/// The default seed.
pub const DEFAULT_SEED: u64 = 0xBA70_2026;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoOptions {
    /// About how many work items (issues and pull requests).
    pub items: u32,
    pub seed: u64,
    /// The last day of the generated history (ms since the epoch, any time of that day, UTC).
    /// The history covers the nine months before it.
    pub end: i64,
}

/// A generated organisation, ready to write.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DemoGraph {
    pub sources: Vec<Source>,
    pub teams: Vec<Team>,
    pub people: Vec<Person>,
    pub identities: Vec<Identity>,
    pub intents: Vec<Intent>,
    pub workflow_maps: Vec<WorkflowMap>,
    pub items: Vec<WorkItem>,
    pub transitions: Vec<Transition>,
    pub links: Vec<Link>,
    /// Decisions people took in Baton: the demo's questions asked in Baton that wait for a
    /// decider (some answered), see `cases::approvals`.
    pub decisions: Vec<DecisionRow>,
    /// Work filed twice and linked nowhere: (the later item, the earlier one) by id. Not
    /// written to the workspace; the duplicates engine's ground truth on the demo, with the
    /// duplicate links the sources hold.
    pub planted_duplicates: Vec<(String, String)>,
}

impl DemoGraph {
    /// How many rows writing this graph inserts.
    pub fn row_count(&self) -> u64 {
        (self.sources.len()
            + self.teams.len()
            + self.people.len()
            + self.identities.len()
            + self.intents.len()
            + self.workflow_maps.len()
            + self.items.len()
            + self.transitions.len()
            + self.links.len()
            + self.decisions.len()) as u64
    }
}

/// Figures from writing a graph.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WriteStats {
    pub rows: u64,
    pub seconds: f64,
}

/// Writes a graph into a workspace in one transaction.
pub async fn write(ws: &Workspace, graph: &DemoGraph) -> CoreResult<WriteStats> {
    let started = Instant::now();
    ws.write(WriteGraph(graph)).await?;
    Ok(WriteStats {
        rows: graph.row_count(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The write of [`write`].
struct WriteGraph<'a>(&'a DemoGraph);

impl WriteOp for WriteGraph<'_> {
    type Output = ();
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<()> {
        let graph = self.0;
        for source in &graph.sources {
            repo::sources::upsert(w.conn(), source).await?;
        }
        repo::teams::upsert_many(w.conn(), &graph.teams).await?;
        repo::people::upsert_many(w.conn(), &graph.people).await?;
        repo::identities::upsert_many(w.conn(), &graph.identities).await?;
        repo::intents::upsert_many(w.conn(), &graph.intents).await?;
        repo::workflow_maps::upsert_many(w.conn(), &graph.workflow_maps).await?;
        repo::items::upsert_many(w.conn(), &graph.items).await?;
        repo::transitions::insert_many(w.conn(), &graph.transitions).await?;
        repo::links::upsert_many(w.conn(), &graph.links).await?;
        for d in &graph.decisions {
            repo::decisions::insert(&mut *w.conn(), d).await?;
        }
        let requesters = cases::requesters(graph);
        if !requesters.is_empty() {
            let json = serde_json::to_string(&requesters)
                .map_err(|err| CoreError::Invalid(err.to_string()))?;
            repo::items::set_requesters(w.conn(), &json).await?;
        }
        w.everything_changed();
        Ok(())
    }
}

/// Generates the organisation and writes it into a new workspace at `path`.
pub async fn build(path: &Path, options: &DemoOptions) -> CoreResult<Workspace> {
    let ws = Workspace::create(path).await?;
    let graph = generate(options);
    let stats = write(&ws, &graph).await?;
    tracing::info!(path = %path.display(), rows = stats.rows, seconds = stats.seconds, "demo workspace built");
    Ok(ws)
}
