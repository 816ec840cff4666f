//! Running the `capplan` binary from tests.

use std::process::{Command, Output};

#[allow(unused_imports)]
pub use super::scratch::scratch;

/// Runs `capplan ARGS` in the repository root.
pub fn capplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_capplan")).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}
