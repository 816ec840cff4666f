//! The command line: argument parsing, dispatch, exit codes, and writing output safely.
//!
//! Exit codes are a contract (docs/cli.md): 0 optimal (or a valid instance for `check`),
//! 1 internal error, 2 bad input or usage, 3 infeasible, 4 unbounded.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

mod check;
mod solve;
mod sweep;

use crate::model::Instance;

pub const EXIT_OK: i32 = 0;
pub const EXIT_INTERNAL: i32 = 1;
pub const EXIT_INPUT: i32 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "capplan",
    version,
    about = "Capacity planning for B2B customer portfolios: a quarter's hours, allocated by linear programming",
    long_about = "capplan reads a planning instance (TOML: resources with capacity, customers with response curves, \
floors, caps, expectations and diversification limits), solves the linear program, and reports the optimal plan \
with the shadow price of every limit.",
    after_help = "Examples:\n  capplan check instances/dsp.toml\n  capplan solve instances/dsp.toml\n  capplan solve instances/dsp.toml --format json --output plan.json\n\nExit codes: 0 optimal, 1 internal error, 2 bad input or usage, 3 infeasible, 4 unbounded."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Solve an instance and report the optimal plan and shadow prices.
    #[command(
        after_help = "Examples:\n  capplan solve instances/tiny.toml\n  capplan solve instances/dsp.toml --format json --output plan.json\n  capplan solve instances/dsp.toml --format csv > plan.csv\n  capplan solve instances/tiny.toml --sensitivity\n\nExit codes: 0 optimal, 1 internal error, 2 bad input or usage, 3 infeasible, 4 unbounded."
    )]
    Solve(solve::SolveArgs),
    /// The exact value curve of one limit: breakpoints and marginal value per piece.
    #[command(
        after_help = "Examples:\n  capplan sweep instances/dsp.toml --resource engineering --from 1000 --to 3000\n  capplan sweep instances/dsp.toml --constraint 'floor[m1/service]' --from 0 --to 400 --format csv\n  capplan sweep instances/tiny.toml --resource service --from 0 --to 200 --svg service.svg\n\nThe curve is exact: its breakpoints come from re-solves at the intersections of supporting lines, not from a grid.\nExit codes: 0 swept (infeasible stretches are shown as such), 1 internal error, 2 bad input or usage, 4 unbounded."
    )]
    Sweep(sweep::SweepArgs),
    /// Validate an instance without solving it.
    #[command(
        after_help = "Example:\n  capplan check instances/dsp.toml\n\nExit codes: 0 valid, 2 invalid (each problem printed with file:line:column)."
    )]
    Check {
        /// The instance file (TOML).
        instance: PathBuf,
    },
}

/// Runs the command line and returns the process exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { EXIT_INPUT } else { EXIT_OK };
            let _ = error.print();
            return code;
        }
    };
    match cli.command {
        Command::Check { instance } => check::run(&instance),
        Command::Solve(args) => solve::run(&args),
        Command::Sweep(args) => sweep::run(&args),
    }
}

/// Reads and validates an instance; on failure prints every problem and returns exit code 2.
pub(crate) fn load(path: &Path) -> Result<Instance, i32> {
    Instance::from_file(path).map_err(|errors| {
        eprintln!("{errors}");
        EXIT_INPUT
    })
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`, so that a
/// failure never leaves a half-written report where a previous one was.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let directory = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let file_name = path.file_name().ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file path"))?;
    let temporary = directory.join(format!(".{}.capplan-{}.tmp", file_name.to_string_lossy(), std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}
