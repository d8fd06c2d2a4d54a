//! Replaying real recorded API data from a loopback server, for the connector tests and the sync
//! benchmark: the [`server`], readers of Apache DevLake's raw tables ([`devlake`]), fake
//! [`github`], [`jira`] and [`gitlab`] APIs that serve those records the way the real APIs page and
//! filter them, a fake [`linear`] API over a hand-made workspace (no public recording of Linear's
//! API that qualifies was found), and the scaled benchmark [`corpus`]. Nothing here talks to the
//! network beyond `127.0.0.1`.

pub mod corpus;
pub mod devlake;
pub mod github;
pub mod gitlab;
pub mod jira;
pub mod linear;
pub mod server;

pub use server::{BodyMode, Handler, ReplayServer, Reply, Request};
