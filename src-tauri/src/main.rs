//! The Baton desktop app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// mimalloc gives memory back to the system after the work index's short-lived load buffers
/// better than glibc's allocator (see docs/architecture.md, "Memory").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    baton_lib::run();
}
