//! `capplan frontier`: trace the efficient frontier of expected contribution against the CVaR of
//! contribution of an instance with `[risk]` scenarios, and print or write it.

use std::path::PathBuf;

use super::{EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, Failure, emit, load, print_failure};
use crate::analysis::frontier::{FrontierError, trace};
use crate::report::Format;
use crate::solve::SolverChoice;

#[derive(clap::Args, Debug)]
pub struct FrontierArgs {
    /// The instance file (TOML) with `[risk]` scenarios; `-` reads it from standard input.
    pub instance: PathBuf,
    /// How many points, from the plan of most expected contribution to the plan of least risk
    /// (at least 2).
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u32).range(2..=200))]
    pub points: u32,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FrontierFormat::Text)]
    pub format: FrontierFormat,
    /// Write the report to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Solver backend; `auto` picks by the model's structure and size.
    #[arg(long, value_enum, default_value_t = SolverChoice::Auto)]
    pub solver: SolverChoice,
}

/// The output formats of `capplan frontier`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FrontierFormat {
    /// The table of points and the allocations that move between them.
    Text,
    /// Every point with its scenario contributions and allocations (docs/cli.md).
    Json,
    /// One row per point: the risk numbers, scenario contributions and hours per allocation.
    Csv,
    /// One self-contained page: the frontier chart, the points and how allocations shift.
    Html,
}

pub(super) fn run(args: &FrontierArgs) -> i32 {
    let json = args.format == FrontierFormat::Json;
    let instance = match load(&args.instance, json) {
        Ok(instance) => instance,
        Err(code) => return code,
    };
    let frontier = match trace(&instance, args.points as usize, args.solver) {
        Ok(frontier) => frontier,
        Err(error) => {
            let code = match &error {
                FrontierError::NoRisk | FrontierError::Unavailable(_) => EXIT_INPUT,
                FrontierError::NotOptimal(status) => status.exit_code(),
                FrontierError::Solve(_) => EXIT_INTERNAL,
            };
            print_failure(json, code, Failure::Message(&error.to_string()));
            return code;
        }
    };
    let text = match args.format {
        FrontierFormat::Text => crate::report::frontier::render(&frontier, Format::Text),
        FrontierFormat::Json => crate::report::frontier::render(&frontier, Format::Json),
        FrontierFormat::Csv => crate::report::frontier::render(&frontier, Format::Csv),
        FrontierFormat::Html => crate::report::frontier_html::render(&frontier),
    };
    emit(args.output.as_deref(), &text).map_or_else(|code| code, |()| EXIT_OK)
}
