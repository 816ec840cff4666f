//! Progress on standard error for long runs: a spinner naming the stage and the elapsed time.
//!
//! Shown only when standard error is a terminal, the run is large enough to take a noticeable
//! time, and `--quiet` is not given; pipelines and tests never see it.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Runs below this many customers finish too fast for a spinner to help.
pub const MIN_CUSTOMERS_FOR_PROGRESS: usize = 2_000;

pub struct Progress(Option<ProgressBar>);

impl Progress {
    pub fn new(quiet: bool, customers: usize) -> Progress {
        if quiet || customers < MIN_CUSTOMERS_FOR_PROGRESS || !std::io::stderr().is_terminal() {
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
