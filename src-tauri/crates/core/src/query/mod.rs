//! Read models: what the app and the CLI show, computed in one place.
//!
//! Every type here crosses IPC (camelCase, no 64-bit integers, times as RFC 3339 strings) and is
//! printed by the CLI's `--json`, so both show the same numbers.

pub mod detail;
pub mod intents;
pub mod items;
pub mod summary;
pub mod teams;

pub use detail::{
    item_detail, ItemDetail, LinkDirection, LinkedItem, ReviewInfo, ReviewVerdict, TransitionEntry,
};
pub use intents::{intents_list, IntentInfo};
pub use items::{items_list, ItemRow, ItemsPage, ItemsQuery, SortDirection, SortField};
pub use summary::{workspace_summary, Count, DateRange, TeamStates, Totals, WorkspaceSummary};
pub use teams::{team_exists, teams_create, teams_list, TeamInfo};
