//! `capplan solve`: solve an instance and print or write the report.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::progress::Progress;
use super::{EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, write_atomically};
use crate::analysis;
use crate::formulation::formulate;
use crate::model::Instance;
use crate::report::{self, Format};
use crate::solve::{SolverChoice, choose};

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
    /// Solver backend; `auto` picks by the model's structure and size and the report says why.
    #[arg(long, value_enum, default_value_t = SolverChoice::Auto)]
    pub solver: SolverChoice,
    /// Stop the solve after this many seconds; the report then says no plan was proven optimal
    /// (status time_limit, exit code 5).
    #[arg(long, value_name = "SECONDS", value_parser = parse_time_limit)]
    pub time_limit: Option<Duration>,
    /// No progress display on standard error.
    #[arg(long, short)]
    pub quiet: bool,
}

fn parse_time_limit(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text.parse().map_err(|_| format!("expected a number of seconds, found {text:?}"))?;
    if !(seconds > 0.0 && seconds.is_finite()) {
        return Err(format!("expected a number of seconds > 0, found {text}"));
    }
    Duration::try_from_secs_f64(seconds).map_err(|error| format!("{text} seconds: {error}"))
}

pub(super) fn run(args: &SolveArgs) -> i32 {
    let instance_bytes = std::fs::metadata(&args.instance).map_or(0, |metadata| metadata.len());
    let progress = Progress::new(args.quiet, instance_bytes);
    progress.stage("reading the instance");
    let loaded = Instance::from_file(&args.instance);
    // The spinner goes before any message, so that messages start on a clean line.
    if loaded.is_err() {
        progress.finish();
    }
    let instance = match loaded {
        Ok(instance) => instance,
        Err(errors) => {
            eprintln!("{errors}");
            return EXIT_INPUT;
        }
    };
    // The deadline counts from here: reading the instance is not part of the solve.
    let deadline = args.time_limit.map(|limit| Instant::now() + limit);
    progress.stage("building the linear program");
    let formulation = formulate(&instance);
    let choice = match choose(args.solver, &formulation) {
        Ok(choice) => choice,
        Err(message) => {
            progress.finish();
            eprintln!("error: {message}");
            return EXIT_INPUT;
        }
    };
    progress.stage(&format!(
        "solving with {} ({} variables, {} rows)",
        choice.backend,
        formulation.lp.variables.len(),
        formulation.lp.rows.len()
    ));
    let solved = analysis::solve_chosen(&instance, &formulation, &choice, deadline);
    let report = match solved {
        Ok(report) => report,
        Err(error) => {
            progress.finish();
            eprintln!("error: internal: {error}");
            return EXIT_INTERNAL;
        }
    };
    progress.stage("writing the report");
    let text = report::render(&instance, &report, args.format);
    progress.finish();
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
