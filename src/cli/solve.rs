//! `capplan solve`: solve an instance and print or write the report.

use std::io::Write;
use std::path::PathBuf;

use super::{EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, load, write_atomically};
use crate::analysis;
use crate::report::{self, Audience, Format};
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
    /// LP backend.
    #[arg(long, value_enum, default_value_t = Backend::Microlp)]
    pub solver: Backend,
    /// Who the report is for: `partner` shows one customer (--customer) its own hours and
    /// expectations and nothing internal (no values, costs, scores, categories or other customers).
    #[arg(long, value_enum, default_value_t = Audience::Internal)]
    pub audience: Audience,
    /// The customer of the partner view.
    #[arg(long, value_name = "ID")]
    pub customer: Option<String>,
}

pub(super) fn run(args: &SolveArgs) -> i32 {
    let instance = match load(&args.instance) {
        Ok(instance) => instance,
        Err(code) => return code,
    };
    let partner = match (args.audience, &args.customer) {
        (Audience::Partner, Some(id)) => match instance.customer_index(id) {
            Some(customer) => Some(customer),
            None => {
                eprintln!("error: --customer {id:?} is not a customer of {}", args.instance.display());
                return EXIT_INPUT;
            }
        },
        (Audience::Partner, None) => {
            eprintln!("error: the partner view is for one customer: add --customer ID");
            return EXIT_INPUT;
        }
        (Audience::Internal, Some(_)) => {
            eprintln!("error: --customer goes with --audience partner");
            return EXIT_INPUT;
        }
        (Audience::Internal, None) => None,
    };
    let report = match analysis::solve(&instance, args.solver) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: internal: {error}");
            return EXIT_INTERNAL;
        }
    };
    let text = match args.audience {
        Audience::Internal => report::render(&instance, &report, args.format),
        Audience::Partner => report::render_partner(&instance, &report, partner.expect("checked above"), args.format),
    };
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
