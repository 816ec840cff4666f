//! `capplan export`: write the instance's LP as a CPLEX LP or free MPS file for other solvers.

use std::io::Write;
use std::path::PathBuf;

use super::{EXIT_INPUT, EXIT_OK, load, write_atomically};
use crate::formulation::export::{ExportFormat, export};
use crate::formulation::formulate;

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// The instance file (TOML).
    pub instance: PathBuf,
    /// File format.
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Write the model to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub(super) fn run(args: &ExportArgs) -> i32 {
    let instance = match load(&args.instance) {
        Ok(instance) => instance,
        Err(code) => return code,
    };
    let formulation = formulate(&instance);
    let title = format!("capplan: {} ({})", instance.plan.name, instance.plan.period);
    let text = export(&formulation.lp, args.format, &title);
    let written = match &args.output {
        Some(path) => write_atomically(path, text.as_bytes()).map_err(|error| format!("cannot write {}: {error}", path.display())),
        None => std::io::stdout().write_all(text.as_bytes()).map_err(|error| format!("cannot write to standard output: {error}")),
    };
    match written {
        Ok(()) => EXIT_OK,
        Err(message) => {
            eprintln!("error: {message}");
            EXIT_INPUT
        }
    }
}
