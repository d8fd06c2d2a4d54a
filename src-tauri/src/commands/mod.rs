//! Thin typed commands, one file per domain: validate, call core, return a DTO.

pub mod app;
pub mod approvals;
pub mod conflicts;
pub mod deps;
pub mod duplicates;
pub mod export;
pub mod flow;
pub mod governance;
pub mod intents;
pub mod items;
pub mod people;
pub mod plan;
pub mod rules;
pub mod settings;
pub mod sources;
pub mod triage;
pub mod workflow;
pub mod workspace;
