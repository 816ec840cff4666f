//! `capplan sweep`: the exact value curve of one limit over an interval, as a table, JSON, CSV
//! or an SVG chart.

use std::path::PathBuf;

use super::{EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, load, write_atomically};
use crate::analysis::sweep::{SweepError, SweepTarget, sweep};
use crate::report::{self, Format};
use crate::solve::Backend;

#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("limit").required(true).args(["resource", "constraint"])))]
pub struct SweepArgs {
    /// The instance file (TOML).
    pub instance: PathBuf,
    /// Sweep the capacity of this resource, everywhere it appears (its capacity row and the
    /// hours-share limits of the resource, which scale with it).
    #[arg(long, value_name = "RESOURCE")]
    pub resource: Option<String>,
    /// Sweep the limit of this named constraint alone, e.g. 'floor[m1/service]' (hours) or
    /// 'segment_min_share[sales/new]' (a share: --from 0.02 --to 0.2).
    #[arg(long, value_name = "ID")]
    pub constraint: Option<String>,
    /// Lowest limit of the sweep (hours, or a share in [0, 1]).
    #[arg(long, allow_negative_numbers = true)]
    pub from: f64,
    /// Highest limit of the sweep.
    #[arg(long, allow_negative_numbers = true)]
    pub to: f64,
    /// Output format (csv: one row per piece of the curve and per infeasible stretch).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write an SVG chart of the curve to this file (atomically).
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// LP backend.
    #[arg(long, value_enum, default_value_t = Backend::Microlp)]
    pub solver: Backend,
}

pub(super) fn run(args: &SweepArgs) -> i32 {
    let instance = match load(&args.instance, args.format == Format::Json) {
        Ok(instance) => instance,
        Err(code) => return code,
    };
    // A backend this build lacks (or separable where it does not apply) is a usage error, found
    // before any solve; microlp and clarabel always apply.
    if !matches!(args.solver, Backend::Microlp | Backend::Clarabel)
        && let Err(message) = super::fixed_backend(args.solver, &crate::formulation::formulate(&instance))
    {
        eprintln!("error: {message}");
        return EXIT_INPUT;
    }
    let target = match (&args.resource, &args.constraint) {
        (Some(resource), _) => SweepTarget::Capacity(resource),
        (None, Some(constraint)) => SweepTarget::Constraint(constraint),
        (None, None) => unreachable!("clap requires --resource or --constraint"),
    };
    let result = match sweep(&instance, target, args.from, args.to, args.solver) {
        Ok(result) => result,
        Err(SweepError::Input(message)) => {
            eprintln!("error: {}: {message}", args.instance.display());
            return EXIT_INPUT;
        }
        Err(SweepError::Unbounded) => {
            eprintln!("capplan: status unbounded: the value can grow without limit wherever a plan exists; nothing to sweep");
            return crate::analysis::Status::Unbounded.exit_code();
        }
        Err(SweepError::Solve(error)) => {
            eprintln!("error: internal: {error}");
            return EXIT_INTERNAL;
        }
    };
    if let Some(path) = &args.svg
        && let Err(error) = write_atomically(path, report::sweep::render_svg(&result).as_bytes())
    {
        eprintln!("error: cannot write {}: {error}", path.display());
        return EXIT_INPUT;
    }
    let text = match args.format {
        Format::Text => report::sweep::render_text(&result),
        Format::Json => report::sweep::render_json(&result),
        Format::Csv => report::sweep::render_csv(&result),
    };
    if let Err(code) = super::emit(args.output.as_deref(), &text) {
        return code;
    }
    EXIT_OK
}
