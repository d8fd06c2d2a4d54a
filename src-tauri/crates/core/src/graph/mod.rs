//! The work graph: its model and its SQLite store.

pub mod index;
pub mod model;
pub mod repo;
pub mod store;

pub use model::*;
pub use store::Workspace;
