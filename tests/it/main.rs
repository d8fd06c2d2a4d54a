//! Cross-crate integration tests: one binary, one module per area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_arguments)]

mod approvals;
mod common;
mod conflicts;
mod conflicts_touches;
mod decisions_persist;
mod deps;
mod duplicates;
mod flow;
mod governance;
mod index_refresh;
mod intents;
mod link_sets;
mod people;
mod plans;
mod queries;
mod rules_rederive;
mod stable_ids_migrate;
mod sync_across_tools;
mod sync_file;
mod sync_github;
mod sync_github_lifecycle;
mod sync_gitlab;
mod sync_jira;
mod sync_jira_config;
mod sync_linear;
mod sync_runtime;
mod sync_servers;
mod sync_sources;
mod sync_support;
mod text_repair;
mod triage;
mod workspace_files;
mod write_layer;
