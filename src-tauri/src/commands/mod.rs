//! Thin typed commands, one file per domain: validate, call core, return a DTO.

pub mod app;
pub mod items;
pub mod settings;
pub mod workspace;
