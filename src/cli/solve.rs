//! `capplan solve`: solve an instance and print or write the report.

use std::io::Write;
use std::path::PathBuf;

use super::{EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, load, write_atomically};
use crate::analysis;
use crate::report::{self, Format};
use crate::solve::Backend;

#[derive(clap::Args, Debug)]
pub struct SolveArgs {
    /// The instance file (TOML).
    pub instance: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Add the sensitivity report: allowable increase and decrease of every limit and of every
    /// allocation's value per hour, one-sided values at kinks (costs extra solves).
    #[arg(long)]
    pub sensitivity: bool,
    /// LP backend.
    #[arg(long, value_enum, default_value_t = Backend::Microlp)]
    pub solver: Backend,
}

pub(super) fn run(args: &SolveArgs) -> i32 {
    let instance = match load(&args.instance) {
        Ok(instance) => instance,
        Err(code) => return code,
    };
    let solved = if args.sensitivity {
        analysis::ranging::solve_with_sensitivity(&instance, args.solver)
    } else {
        analysis::solve(&instance, args.solver)
    };
    let report = match solved {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: internal: {error}");
            return EXIT_INTERNAL;
        }
    };
    let text = report::render(&instance, &report, args.format);
    let written = match &args.output {
        Some(path) => write_atomically(path, text.as_bytes()).map_err(|error| format!("cannot write {}: {error}", path.display())),
        None => std::io::stdout().write_all(text.as_bytes()).map_err(|error| format!("cannot write to standard output: {error}")),
    };
    if let Err(message) = written {
        eprintln!("error: {message}");
        return EXIT_INPUT;
    }
    let code = report.status.exit_code();
    if code != EXIT_OK && (args.output.is_some() || args.format != Format::Text) {
        // Pipelines reading JSON or CSV still learn the status on stderr.
        let status = serde_json::to_value(report.status).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        eprintln!("capplan: status {status}: no optimal plan");
    }
    code
}
