//! Progress on standard error for long runs: a spinner naming the stage and the elapsed time.
//!
//! Shown only when standard error is a terminal, the run is large enough to take a noticeable
//! time, and `--quiet` is not given; pipelines and tests never see it.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Instance files below this size (about 2,000 generated customers) are read, solved and
/// reported too fast for a spinner to help.
pub const MIN_BYTES_FOR_PROGRESS: u64 = 1_000_000;

pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A spinner for a run on an instance file of `instance_bytes` bytes, if one is useful.
    pub fn new(quiet: bool, instance_bytes: u64) -> Progress {
        if quiet || instance_bytes < MIN_BYTES_FOR_PROGRESS || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}").unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress(Some(bar))
    }

    /// Names the stage now running.
    pub fn stage(&self, message: &str) {
        if let Some(bar) = &self.0 {
            bar.set_message(message.to_string());
        }
    }

    /// Removes the spinner so that the report or messages that follow start on a clean line.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
