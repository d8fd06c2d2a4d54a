//! `baton-core`: every rule of Baton's domain, with no dependency on Tauri.
//!
//! - [`graph`]: the work graph (model, SQLite store, one repository module per table);
//! - [`query`]: read models for the app and the CLI (workspace summary, item lists, item detail);
//! - [`demo`]: the deterministic demo organisation;
//! - acting on the work: [`decisions`] (what people decided, one append-only table layered over
//!   synced facts), [`provenance`] (who asked for AI-made work, who answers for it, independent
//!   review), [`triage`] (the worklist of items that need a decision);
//! - [`governance`]: policies that check themselves (violations now, past compliance), with
//!   each team's working hours;
//! - syncing, in layers that each use only the ones before them: [`ingest`] (what a run is
//!   made of: its errors, clock, progress and page writer) → [`rules`] (team and provenance
//!   rules) → [`connectors`] (the HTTP client, the run a connector writes through, one folder per
//!   kind of source and the one place that maps a kind to its connector) → [`sync`] (runs,
//!   pollers, the sources' use cases); [`secrets`]: where tokens live;
//! - [`time`]: conversions between stored milliseconds and RFC 3339.

pub mod approvals;
pub mod conflicts;
pub mod connectors;
pub mod decisions;
pub mod demo;
pub mod deps;
pub mod duplicates;
pub mod error;
pub mod flow;
pub mod governance;
pub mod graph;
pub mod ingest;
pub mod intents;
pub mod pdf;
pub mod people;
pub mod plan;
pub mod provenance;
pub mod query;
pub mod replay;
pub mod rules;
pub mod secrets;
pub mod sync;
pub mod time;
pub mod triage;

pub use error::{CoreError, CoreResult, ErrorCode};

#[cfg(test)]
mod layering {
    //! The sync layers depend one way: `ingest` → `rules` → `connectors` → `sync`, and nothing
    //! below them (the graph, flow metrics, queries) reaches up into them.

    use std::path::{Path, PathBuf};

    /// Every `crate::<module>` a module's files name (in code, comments aside), and how many
    /// files it has.
    fn uses(module: &str) -> (usize, Vec<(PathBuf, String)>) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = vec![root.join(format!("{module}.rs"))];
        let mut dirs = vec![root.join(module)];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files.push(path);
                }
            }
        }
        files.retain(|f| f.exists());
        let mut found = Vec::new();
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap_or_default();
            for line in text.lines() {
                let code = line.split("//").next().unwrap_or("");
                for (at, _) in code.match_indices("crate::") {
                    let name: String = code[at + 7..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    found.push((file.clone(), name));
                }
            }
        }
        (files.len(), found)
    }

    #[test]
    fn sync_layers_depend_one_way() {
        let above: &[(&str, &[&str])] = &[
            ("ingest", &["rules", "connectors", "sync", "replay"]),
            ("rules", &["connectors", "sync", "replay"]),
            ("connectors", &["sync", "replay"]),
            // The graph is the bottom: nothing it uses is computed from it.
            (
                "graph",
                &[
                    "ingest",
                    "rules",
                    "connectors",
                    "sync",
                    "query",
                    "flow",
                    "deps",
                    "demo",
                ],
            ),
            ("flow", &["ingest", "rules", "connectors", "sync"]),
            (
                "query",
                &["ingest", "rules", "connectors", "sync", "triage"],
            ),
            ("error", &["ingest", "rules", "connectors", "sync"]),
            ("secrets", &["ingest", "rules", "connectors", "sync"]),
            // What people decide, and what is read over it, never reaches into syncing.
            (
                "decisions",
                &[
                    "ingest",
                    "rules",
                    "connectors",
                    "sync",
                    "triage",
                    "provenance",
                ],
            ),
            (
                "provenance",
                &["ingest", "rules", "connectors", "sync", "triage", "query"],
            ),
            ("triage", &["ingest", "rules", "connectors", "sync"]),
            // Policies read the graph, the flow mapping and who answers for work; nothing
            // below them reads policies.
            (
                "governance",
                &["ingest", "rules", "connectors", "sync", "triage", "query"],
            ),
            // Forecasts read the graph, flow and dependencies; nothing reads plans.
            (
                "plan",
                &["ingest", "rules", "connectors", "sync", "triage", "query"],
            ),
        ];
        let mut wrong = Vec::new();
        for (module, forbidden) in above {
            let (files, used) = uses(module);
            assert!(files > 0, "the module {module} has files");
            for (file, name) in used {
                if forbidden.contains(&name.as_str()) {
                    wrong.push(format!("{} uses crate::{name}", file.display()));
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "a lower layer reaches up (an import circle):\n{}",
            wrong.join("\n")
        );
    }
}
