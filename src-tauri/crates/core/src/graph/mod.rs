//! The work graph: its model and its SQLite store.

pub mod column;
pub mod index;
pub mod kept;
pub mod model;
pub mod pace;
pub mod repo;
pub(crate) mod side;
pub mod snapshot;
pub mod store;
pub mod text;
pub mod write;

pub use model::*;
pub use store::{NewWorkspace, Workspace};
pub use write::{ChangeKind, Changes, WriteOp, Writer};
