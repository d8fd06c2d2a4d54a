//! The generator itself (see the module above).

use super::{DemoGraph, DemoOptions};

/// Generates the organisation described by `options`.
pub fn generate(options: &DemoOptions) -> DemoGraph {
    let _ = options;
    DemoGraph::default()
}
