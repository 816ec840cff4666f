//! The command line: argument parsing, dispatch, exit codes, and writing output safely.
//!
//! Exit codes are a contract (docs/cli.md): 0 optimal (or a valid instance for `check`),
//! 1 internal error, 2 bad input or usage, 3 infeasible, 4 unbounded, 5 time limit reached.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

/// `eprintln!` for the command line's messages: standard error may be closed or full
/// (`2>&-`, `2>/dev/full`), and the standard macro panics then. A message that cannot be shown
/// is dropped; the exit code still says what happened. Defined before the command modules so
/// that theirs is this one.
macro_rules! eprintln {
    ($($argument:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($argument)*);
    }};
}

mod check;
mod classify;
mod compare;
mod export;
mod frontier;
mod generate;
mod models;
mod progress;
mod schema;
mod solve;
mod sweep;
mod values;

use crate::formulation::Formulation;
use crate::model::{AppliedScenario, Instance, apply_scenario_file};
use crate::solve::{Backend, Choice, SolverChoice, choose};

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
    after_help = "Examples:\n  capplan check instances/dsp.toml\n  capplan solve instances/dsp.toml\n  capplan solve instances/dsp.toml --format json --output plan.json\n  capplan compare instances/dsp.toml instances/scenarios/hire-engineer.toml instances/scenarios/lose-m3.toml\n\nExit codes: 0 optimal, 1 internal error, 2 bad input or usage, 3 infeasible, 4 unbounded, 5 time limit reached."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Solve an instance and report the optimal plan and shadow prices.
    #[command(
        after_help = "Examples:\n  capplan solve instances/tiny.toml\n  capplan solve instances/dsp.toml --format json --output plan.json\n  capplan solve instances/dsp.toml --format csv > plan.csv\n  capplan solve instances/dsp.toml --scenario instances/scenarios/hire-engineer.toml\n  capplan solve instances/dsp.toml --force m2/engineering=360\n  capplan solve instances/tiny.toml --sensitivity\n\nExit codes: 0 optimal, 1 internal error, 2 bad input or usage, 3 infeasible, 4 unbounded, 5 time limit reached."
    )]
    Solve(solve::SolveArgs),
    /// Solve an instance and scenarios of it, and show the plans side by side.
    #[command(
        after_help = "Examples:\n  capplan compare instances/dsp.toml instances/scenarios/hire-engineer.toml\n  capplan compare instances/dsp.toml instances/scenarios/*.toml --format csv --output compare.csv\n\nExit codes: 0 every plan is optimal, 1 internal error, 2 bad input or usage, 3 some plan is infeasible, 4 some plan is unbounded (and none infeasible)."
    )]
    Compare(compare::CompareArgs),
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
    /// List the portfolio models (built-in, and any model files given) with their categories.
    #[command(
        after_help = "Examples:\n  capplan models\n  capplan models my-model.toml\n\nExit codes: 0 listed, 2 a model file is invalid."
    )]
    Models {
        /// Model files to validate and list after the built-in ones.
        files: Vec<PathBuf>,
    },
    /// Print each customer's portfolio category and why (scores against thresholds).
    #[command(
        after_help = "Example:\n  capplan classify instances/dsp-krapfel.toml\n\nExit codes: 0 classified, 2 bad input or no portfolio model."
    )]
    Classify {
        /// The instance file (TOML), naming a portfolio model.
        instance: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = crate::report::Format::Text)]
        format: crate::report::Format,
    },
    /// Write a synthetic instance: a realistic portfolio for tests and benchmarks.
    #[command(
        after_help = "Examples:\n  capplan generate --customers 1000 --seed 7 --output portfolio.toml\n  capplan generate --customers 50 --seed 1 --resources sales,service\n\nExit codes: 0 written, 2 bad usage or the file cannot be written."
    )]
    Generate(generate::GenerateArgs),
    /// Write the instance's linear program as an LP or MPS file, for other solvers.
    #[command(
        after_help = "Examples:\n  capplan export instances/dsp.toml --format lp --output dsp.lp\n  capplan export instances/dsp.toml --format mps > dsp.mps\n\nExit codes: 0 written, 2 bad input or usage, or the file cannot be written."
    )]
    Export(export::ExportArgs),
    /// The efficient frontier of revenue risk: expected contribution against CVaR, point by point.
    #[command(
        after_help = "Examples:\n  capplan frontier instances/risk.toml\n  capplan frontier instances/risk.toml --points 8 --format json --output frontier.json\n  capplan frontier instances/risk.toml --format html --output frontier.html\n\nEach point is an optimal plan under a CVaR floor, from the plan of most expected contribution to the plan of least risk.\nExit codes: 0 traced, 1 internal error, 2 bad input or usage (no [risk] scenarios), 3 infeasible, 4 unbounded."
    )]
    Frontier(frontier::FrontierArgs),
    /// Print the JSON Schema (draft 2020-12) of capplan's JSON documents.
    #[command(
        after_help = "Examples:\n  capplan schema > capplan.schema.json\n  capplan schema solve --output solve.schema.json\n\nWithout a document name: one schema that accepts every document (anyOf), each document's schema under $defs.\nExit codes: 0 printed, 2 bad usage or the file cannot be written."
    )]
    Schema(schema::SchemaArgs),
}

/// Parses a command line (`args` without the program name) as `capplan` would, every value
/// parser included, without running it: `Err` is the usage message. For the fuzzer and tests.
pub fn check_arguments(args: &[String]) -> Result<(), String> {
    Cli::try_parse_from(std::iter::once("capplan".to_string()).chain(args.iter().cloned())).map(drop).map_err(|error| error.to_string())
}

/// Runs the command line and returns the process exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { EXIT_INPUT } else { EXIT_OK };
            // `--help > /dev/full` must not claim success.
            return match error.print() {
                Ok(()) => code,
                Err(_) => EXIT_INPUT,
            };
        }
    };
    match cli.command {
        Command::Check { instance } => check::run(&instance),
        Command::Solve(args) => solve::run(&args),
        Command::Models { files } => models::run(&files),
        Command::Classify { instance, format } => classify::run(&instance, format),
        Command::Compare(args) => compare::run(&args),
        Command::Generate(args) => generate::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Frontier(args) => frontier::run(&args),
        Command::Sweep(args) => sweep::run(&args),
        Command::Schema(args) => schema::run(&args),
    }
}

/// Reads and validates an instance; on failure prints every problem (as one JSON object with
/// `json`, see [`print_failure`]) and returns exit code 2.
pub(crate) fn load(path: &Path, json: bool) -> Result<Instance, i32> {
    Instance::from_file(path).map_err(|errors| {
        print_failure(json, EXIT_INPUT, Failure::Input(&errors));
        EXIT_INPUT
    })
}

/// Reads an instance and applies a scenario to it; on failure prints every problem (as with
/// [`load`]) and returns exit code 2.
pub(crate) fn load_with_scenario(instance: &Path, scenario: &Path, json: bool) -> Result<(Instance, AppliedScenario), i32> {
    apply_scenario_file(instance, scenario).map_err(|errors| {
        print_failure(json, EXIT_INPUT, Failure::Input(&errors));
        EXIT_INPUT
    })
}

/// Writes a report to `output` (atomically) or to standard output; on failure prints the reason
/// and returns exit code 2.
pub(crate) fn emit(output: Option<&Path>, text: &str) -> Result<(), i32> {
    emit_bytes(output, text.as_bytes())
}

/// As [`emit`], for a binary report (an xlsx workbook).
pub(crate) fn emit_bytes(output: Option<&Path>, bytes: &[u8]) -> Result<(), i32> {
    let written = match output {
        Some(path) => write_atomically(path, bytes).map_err(|error| format!("cannot write {}: {error}", path.display())),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(bytes).and_then(|()| stdout.flush()).map_err(|error| format!("cannot write to standard output: {error}"))
        }
    };
    written.map_err(|message| {
        eprintln!("error: {message}");
        EXIT_INPUT
    })
}

/// Writes `bytes` to `path` atomically: to a temporary file beside it, then renamed over it, so
/// that a failure never leaves a half-written report where a previous one was.
///
/// The temporary file is created by the `tempfile` crate with a random name and `O_EXCL`, so no
/// one can plant a symbolic link under its name in advance; it is removed when a step fails, and
/// on SIGINT, SIGTERM or SIGHUP while it exists (see `remove_pending_on_signal`). Refused before
/// anything is written: a target that exists and is not a regular file (`/dev/null`, a
/// directory, a pipe; it would be replaced by a regular file), and any file this run has read
/// (the instance, a scenario, a model file, the customers CSV or workbook).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let refuse = |why: &str| Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, why.to_string()));
    if let Ok(existing) = std::fs::metadata(path) {
        if !existing.is_file() {
            return refuse("it exists and is not a regular file (a device, a directory or a pipe); give the path of a file");
        }
        if crate::input::was_read(&existing) {
            return refuse(
                "capplan reads this file in this run (the instance, a scenario, a model file or the customers table); give another path",
            );
        }
    }
    let directory = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let file_name = path.file_name().ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file path"))?;
    let prefix = format!(".{}.", file_name.to_string_lossy());
    remove_pending_on_signal();
    // Created and registered under the lock, so that a signal between the two cannot miss it.
    let mut registering = pending();
    let mut temporary = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".capplan.tmp")
        // The mode new files get (0666 less the umask), not tempfile's private 0600: the report
        // is meant to be read like any file the user writes.
        .permissions(std::fs::Permissions::from_mode(0o666))
        .tempfile_in(directory)?;
    let temporary_path = temporary.path().to_path_buf();
    registering.push(temporary_path.clone());
    drop(registering);
    let written = temporary.write_all(bytes).and_then(|()| temporary.as_file().sync_all());
    // The rename happens under the lock, so that the signal handler either removes the
    // temporary file before it is renamed or finds it renamed.
    let mut pending = pending();
    let result = written.and_then(|()| temporary.persist(path).map(drop).map_err(|error| error.error));
    pending.retain(|pending_path| pending_path != &temporary_path);
    result
}

/// Temporary files being written by [`write_atomically`].
fn pending() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    static PENDING: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
    PENDING.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// From the first write on, SIGINT, SIGTERM and SIGHUP remove the temporary files being written
/// and end the process with 128 + the signal's number (the shell's convention), instead of
/// leaving a half-written `.FILE.*.capplan.tmp` beside the target. `signal-hook` runs the
/// handling on a thread of its own, so the cleanup is ordinary code rather than a signal handler
/// restricted to async-signal-safe calls.
fn remove_pending_on_signal() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let pending = pending();
                for path in pending.iter() {
                    let _ = std::fs::remove_file(path);
                }
                std::process::exit(128 + signal);
            }
        });
    });
}

/// The longest `--time-limit` taken, in seconds (about 31 years): longer is surely a typo, and
/// far longer could not be represented as a duration at all.
pub const MAX_TIME_LIMIT_SECONDS: f64 = 1e9;

/// A time limit of `seconds` (already known to be a finite number > 0), as given in `text`.
pub(crate) fn time_limit_from_seconds(seconds: f64, text: &str) -> Result<std::time::Duration, String> {
    if seconds > MAX_TIME_LIMIT_SECONDS {
        return Err(format!("expected at most {MAX_TIME_LIMIT_SECONDS:e} seconds, found {text}"));
    }
    // Within the bound above the conversion cannot fail; the message is for completeness.
    std::time::Duration::try_from_secs_f64(seconds).map_err(|_| format!("expected a number of seconds > 0, found {text}"))
}

/// Resolves `--solver` for a command without an `auto` choice (compare, sweep): a backend this
/// build lacks, or the separable one on a model it cannot solve, is a usage error whose advice
/// names only backends the command takes.
pub(crate) fn fixed_backend(backend: Backend, formulation: &Formulation) -> Result<Choice, String> {
    if backend == Backend::Separable
        && let Err(why) = crate::solve::separable::applicability(formulation)
    {
        return Err(format!("--solver separable does not apply to this instance: {why}; use --solver microlp or clarabel"));
    }
    let requested = match backend {
        Backend::Microlp => SolverChoice::Microlp,
        Backend::Clarabel => SolverChoice::Clarabel,
        Backend::Separable => SolverChoice::Separable,
        Backend::Engine => SolverChoice::Engine,
        Backend::Highs => SolverChoice::Highs,
    };
    choose(requested, formulation)
}

/// Why a run failed, as printed on standard error.
pub(crate) enum Failure<'a> {
    /// Problems in the input files, each located.
    Input(&'a crate::diagnostic::InputErrors),
    /// Anything else (usage, an internal error): one message, without the `error: ` prefix.
    Message(&'a str),
}

/// Prints a failure on standard error: `error: ...` lines, or with `json` one JSON object on one
/// line (docs/cli.md, "Errors as JSON"): `{"exit_code": N, "errors": [{"file", "line",
/// "column", "field", "message"}, ...]}`, where `file`, `line`, `column` and `field` are null
/// when they do not apply.
pub(crate) fn print_failure(json: bool, exit_code: i32, failure: Failure<'_>) {
    if !json {
        match failure {
            Failure::Input(errors) => eprintln!("{errors}"),
            Failure::Message(message) => eprintln!("error: {message}"),
        }
        return;
    }
    use crate::report::failure::{JsonError, render};
    let errors: Vec<JsonError> = match failure {
        Failure::Input(errors) => errors.0.iter().map(|d| JsonError::new(Some(&d.file), d.line, d.column, &d.field, &d.message)).collect(),
        Failure::Message(message) => vec![JsonError::new(None, 0, 0, "", message)],
    };
    eprintln!("{}", render(exit_code, errors));
}
