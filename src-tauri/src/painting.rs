//! How the web view paints on a computer without a graphics device.
//!
//! WebKitGTK paints pages with Skia on the GPU. Where the machine has no GPU (no DRM render node,
//! as in a virtual machine or a remote desktop), OpenGL falls back to Mesa's llvmpipe, which
//! emulates a GPU on the CPU: every frame is then painted for a GPU and that GPU's work is done
//! again in software. On such a machine Baton asks WebKit to paint with Skia's CPU renderer
//! instead, which is what llvmpipe ends up doing anyway, without the emulation. Measured with
//! `tests/e2e/ui-bench.mjs` at 200,000 items on a 2-core machine without a GPU: the web
//! process's CPU for a Flow filter change fell from about 1,000 to 570-720 ms and the change
//! settled in 181-211 ms instead of 305-310 (see the README's UI figures).
//!
//! Where a render node exists the GPU paints, as before. A value the user set for the variable
//! is always kept.

use std::path::Path;

/// WebKitGTK's switch for Skia's CPU renderer.
pub const CPU_RENDERING: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";

/// Where Linux lists its DRM devices (render nodes are `renderD128` and up).
const DRM_DIR: &str = "/dev/dri";

/// What was decided at start, for the log (written once logging is up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Painting {
    /// A render node exists: WebKit paints on the GPU.
    Gpu,
    /// No render node: Baton asked for Skia's CPU renderer.
    CpuWithoutGpu,
    /// The user set the variable: left as set.
    AsSetByUser,
}

/// The decision, from whether the user set the variable and whether a render node exists.
pub fn choose(set_by_user: bool, has_render_node: bool) -> Painting {
    if set_by_user {
        Painting::AsSetByUser
    } else if has_render_node {
        Painting::Gpu
    } else {
        Painting::CpuWithoutGpu
    }
}

/// Whether `dir` holds a DRM render node. An unreadable or missing folder holds none.
pub fn has_render_node(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false)
}

/// Decides and, without a GPU, sets the variable. Called first thing in `run`, before any thread
/// or web process starts (they inherit the environment).
pub fn choose_for_this_machine() -> Painting {
    if !cfg!(target_os = "linux") {
        return Painting::Gpu;
    }
    let decided = choose(
        std::env::var_os(CPU_RENDERING).is_some(),
        has_render_node(Path::new(DRM_DIR)),
    );
    if decided == Painting::CpuWithoutGpu {
        std::env::set_var(CPU_RENDERING, "1");
    }
    decided
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cpu_paints_only_without_a_render_node_and_a_users_choice_is_kept() {
        assert_eq!(choose(false, false), Painting::CpuWithoutGpu);
        assert_eq!(choose(false, true), Painting::Gpu);
        assert_eq!(choose(true, false), Painting::AsSetByUser);
        assert_eq!(choose(true, true), Painting::AsSetByUser);
    }

    #[test]
    fn a_render_node_is_found_by_its_name_and_a_card_alone_is_not_one() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!has_render_node(&dir.path().join("missing")));
        assert!(!has_render_node(dir.path()));
        std::fs::write(dir.path().join("card0"), b"").unwrap();
        assert!(!has_render_node(dir.path()));
        std::fs::write(dir.path().join("renderD128"), b"").unwrap();
        assert!(has_render_node(dir.path()));
    }
}
