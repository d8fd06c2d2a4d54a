//! What the command-line tests share: running the built `baton`.

use std::process::{Command, Output};

/// Runs the built `baton` with `args`, logging only warnings, and returns what it printed.
pub fn baton(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(args)
        .env("BATON_LOG", "warn")
        .output()
        .unwrap()
}
