//! Flow metrics: cycle and lead time, throughput, WIP, age, flow efficiency, cumulative flow,
//! time in stage, pull-request segments. Definitions: `docs/metrics.md`.

pub mod mapping;
pub mod timeline;
