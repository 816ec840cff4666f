//! `capplan export`: write the instance's LP as a CPLEX LP or free MPS file for other solvers,
//! or its customers as a customers CSV (the layout `customers_csv` reads).

use std::path::PathBuf;

use super::{EXIT_INPUT, EXIT_OK, emit, load};
use crate::formulation::export::ExportFormat;
use crate::input::customers_csv::write_customers_csv;

/// What `capplan export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportKind {
    /// CPLEX LP: readable, one row per line (wrapped).
    Lp,
    /// Free MPS: column-oriented, the names exactly as in capplan's reports.
    Mps,
    /// The instance's customers in the customers CSV layout (docs/instance-format.md).
    CustomersCsv,
}

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// The instance file (TOML); `-` reads it from standard input.
    pub instance: PathBuf,
    /// File format.
    #[arg(long, value_enum)]
    pub format: ExportKind,
    /// Write the model to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub(super) fn run(args: &ExportArgs) -> i32 {
    let instance = match load(&args.instance, false) {
        Ok(instance) => instance,
        Err(code) => return code,
    };
    let lp_format = match args.format {
        ExportKind::Lp => ExportFormat::Lp,
        ExportKind::Mps => ExportFormat::Mps,
        ExportKind::CustomersCsv => {
            let text = match write_customers_csv(&instance) {
                Ok(text) => text,
                Err(message) => {
                    eprintln!("error: {message}");
                    return EXIT_INPUT;
                }
            };
            return emit(args.output.as_deref(), &text).map_or_else(|code| code, |()| EXIT_OK);
        }
    };
    let text = crate::export_lp(&instance, lp_format);
    emit(args.output.as_deref(), &text).map_or_else(|code| code, |()| EXIT_OK)
}
