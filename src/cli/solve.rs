//! `capplan solve`: solve an instance (optionally patched by a scenario, optionally with forced
//! allocations) and print or write the report.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::progress::Progress;
use std::io::IsTerminal;

use super::{EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, Failure, emit, emit_bytes, print_failure};
use crate::analysis::force::solve_what_if_on;
use crate::analysis::{CutShort, PlanAnalyses, ranging};
use crate::formulation::force::Force;
use crate::formulation::formulate;
use crate::model::{Instance, apply_scenario_file};
use crate::report::{self, Audience, Format, WhatIf};
use crate::solve::{SolverChoice, choose};

#[derive(clap::Args, Debug)]
pub struct SolveArgs {
    /// The instance file (TOML); `-` reads it from standard input.
    pub instance: PathBuf,
    /// Output format (xlsx: an Excel workbook, written with --output or to a standard output that
    /// is not a terminal).
    #[arg(long, value_enum, default_value_t = SolveFormat::Text)]
    pub format: SolveFormat,
    /// Write the report to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Solver backend; `auto` picks by the model's structure and size and the report says why.
    #[arg(long, value_enum, default_value_t = SolverChoice::Auto)]
    pub solver: SolverChoice,
    /// Stop after this many seconds: a plan not yet proven optimal gives status time_limit (exit
    /// code 5); an analysis not yet finished (sensitivity, promise prices, the diagnosis of an
    /// infeasible plan, ...) is cut short and the report says so.
    #[arg(long, value_name = "SECONDS", value_parser = parse_time_limit)]
    pub time_limit: Option<Duration>,
    /// Apply this scenario file (TOML, see docs/scenarios.md) to the instance before solving.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Fix one allocation at exactly these hours, e.g. m1/engineering=400 (repeatable); the
    /// report shows what it costs and who gives up hours.
    #[arg(long, value_name = "CUSTOMER/RESOURCE=HOURS")]
    pub force: Vec<String>,
    /// Who the report is for: `partner` shows one customer (--customer) its own hours and
    /// expectations and nothing internal (no values, costs, scores, categories or other customers).
    #[arg(long, value_enum, default_value_t = Audience::Internal)]
    pub audience: Audience,
    /// The customer of the partner view.
    #[arg(long, value_name = "ID")]
    pub customer: Option<String>,
    /// Add the sensitivity report: allowable increase and decrease of every limit and of every
    /// allocation's value per hour, one-sided values at kinks (costs extra solves).
    #[arg(long)]
    pub sensitivity: bool,
    /// How much of the text report to print: `summary` is the opening screen (status,
    /// contribution, what an hour is worth, biggest moves, costliest limits, largest gaps);
    /// `full` adds every table.
    #[arg(long, value_enum, default_value_t = report::Detail::Full)]
    pub detail: report::Detail,
    /// No progress display on standard error.
    #[arg(long, short)]
    pub quiet: bool,
}

/// The text layout: 100 columns, or the terminal's width when standard output is a terminal
/// and the report is not written to a file.
pub(super) fn text_options(detail: report::Detail, to_file: bool) -> report::TextOptions {
    let width = if !to_file && std::io::stdout().is_terminal() {
        console::Term::stdout().size_checked().map_or(report::DEFAULT_WIDTH, |(_, columns)| usize::from(columns).max(60))
    } else {
        report::DEFAULT_WIDTH
    };
    report::TextOptions { width, detail }
}

/// The output formats of `capplan solve`: the report formats, and the Excel workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SolveFormat {
    /// Aligned tables and shadow prices in planner words.
    Text,
    /// The full result, documented in docs/json-output.md.
    Json,
    /// The plan table, one row per customer and resource.
    Csv,
    /// An Excel workbook: sheets Plan, Resources, Constraints, Sensitivity and Limits.
    Xlsx,
    /// One self-contained HTML page: the summary, charts (value curve of each capacity, plan
    /// against current hours, expectation gaps, whale curve, utilisation) and sortable tables.
    Html,
}

impl SolveFormat {
    /// The text format of the report; `None` for the workbook.
    fn text(self) -> Option<Format> {
        match self {
            SolveFormat::Text => Some(Format::Text),
            SolveFormat::Json => Some(Format::Json),
            SolveFormat::Csv => Some(Format::Csv),
            SolveFormat::Xlsx | SolveFormat::Html => None,
        }
    }
}

/// The value curve of each resource's capacity from half to one and a half times the capacity,
/// for the HTML report.
fn capacity_curves(
    instance: &Instance,
    formulation: &crate::formulation::Formulation,
    backend: crate::solve::Backend,
    deadline: Option<Instant>,
) -> Option<Vec<(String, Result<crate::analysis::sweep::Sweep, String>)>> {
    use crate::analysis::sweep::{SweepError, SweepTarget, sweep};
    let backend = crate::solve::bare_lp_backend(backend, &formulation.lp);
    // A sweep cannot be interrupted: the deadline is checked before each resource's, and the
    // curves are left out when it passes (the HTML report says so).
    instance
        .resources
        .iter()
        .map(|resource| {
            if crate::analysis::past(deadline) {
                return None;
            }
            let capacity = resource.capacity_hours;
            let (from, to) = if capacity > 0.0 { (capacity * 0.5, capacity * 1.5) } else { (0.0, 10.0) };
            let curve = sweep(instance, SweepTarget::Capacity(&resource.id), from, to, backend).map_err(|error| match error {
                SweepError::Unbounded => "the plan is unbounded wherever it is feasible".to_string(),
                SweepError::Input(message) => message,
                SweepError::Solve(error) => error.to_string(),
            });
            Some((resource.id.clone(), curve))
        })
        .collect()
}

pub(super) fn parse_time_limit(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text.parse().map_err(|_| format!("expected a number of seconds, found {text:?}"))?;
    if !(seconds > 0.0 && seconds.is_finite()) {
        return Err(format!("expected a number of seconds > 0, found {text}"));
    }
    super::time_limit_from_seconds(seconds, text)
}

pub(super) fn run(args: &SolveArgs) -> i32 {
    let instance_bytes = std::fs::metadata(&args.instance).map_or(0, |metadata| metadata.len());
    let progress = Progress::new(args.quiet, instance_bytes);
    // Every message goes after the spinner is gone, so that it starts on a clean line.
    let json = args.format == SolveFormat::Json;
    let fail = |code: i32, failure: Failure<'_>| {
        progress.finish();
        print_failure(json, code, failure);
        code
    };
    let fail_with = |code: i32, message: &str| fail(code, Failure::Message(message));
    if args.format == SolveFormat::Xlsx && args.output.is_none() && std::io::stdout().is_terminal() {
        return fail_with(
            EXIT_INPUT,
            "an xlsx workbook is binary and standard output is a terminal: add --output FILE.xlsx, or redirect standard output to a file",
        );
    }
    if matches!(args.format, SolveFormat::Xlsx | SolveFormat::Html) && args.audience == Audience::Partner {
        return fail_with(EXIT_INPUT, "the xlsx and html reports are internal; the partner view is text, json or csv");
    }
    progress.stage("reading the instance");
    let loaded = match &args.scenario {
        Some(scenario) => apply_scenario_file(&args.instance, scenario).map(|(instance, applied)| (instance, Some(applied))),
        None => Instance::from_file(&args.instance).map(|instance| (instance, None)),
    };
    let (instance, scenario) = match loaded {
        Ok(loaded) => loaded,
        Err(errors) => return fail(EXIT_INPUT, Failure::Input(&errors)),
    };
    if instance.horizon().is_some() {
        progress.finish();
        let deadline = args.time_limit.map(|limit| Instant::now() + limit);
        return super::horizon::run(args, &instance, scenario.as_ref(), deadline);
    }
    let partner = match (args.audience, &args.customer) {
        (Audience::Partner, Some(id)) => match instance.customer_index(id) {
            Some(customer) => Some(customer),
            None => return fail_with(EXIT_INPUT, &format!("--customer {id:?} is not a customer of {}", args.instance.display())),
        },
        (Audience::Partner, None) => return fail_with(EXIT_INPUT, "the partner view is for one customer: add --customer ID"),
        (Audience::Internal, Some(_)) => return fail_with(EXIT_INPUT, "--customer goes with --audience partner"),
        (Audience::Internal, None) => None,
    };
    let forces = match Force::parse_all(&args.force, &instance) {
        Ok(forces) => forces,
        Err(error) => return fail_with(EXIT_INPUT, &error.to_string()),
    };
    if args.sensitivity && !forces.is_empty() {
        return fail_with(EXIT_INPUT, "--sensitivity ranges the plan as the instance defines it; run it without --force");
    }
    if args.sensitivity && instance.risk().is_some_and(|risk| risk.min_cvar().is_some() || risk.weight() > 0.0) {
        // A limit's range is exact on the CVaR rows (the opening screen ranges capacities this
        // way), but an allocation's value per hour also enters every scenario's contribution in
        // those rows: its range is not the ranging of one objective coefficient, and no exact
        // one is computed.
        return fail_with(
            EXIT_INPUT,
            "--sensitivity does not range an instance with a CVaR floor or a risk weight ([risk] min_cvar, risk_weight): \
             an allocation's value per hour counts in every revenue scenario's contribution as well as in the objective, \
             and its range would not be exact. What to use instead: the plain solve report gives the cvar_floor's shadow \
             price and how far each capacity's price holds; `capplan sweep INSTANCE --constraint cvar_floor --from A --to \
             B` gives the exact value curve of the floor; `capplan frontier INSTANCE` traces every level of protection \
             with its plan; and --sensitivity on the instance without min_cvar and risk_weight ranges everything else",
        );
    }
    // The deadline counts from here: reading the instance is not part of the solve.
    let deadline = args.time_limit.map(|limit| Instant::now() + limit);
    progress.stage("building the linear program");
    let formulation = formulate(&instance);
    let choice = match choose(args.solver, &formulation) {
        Ok(choice) => choice,
        Err(message) => return fail_with(EXIT_INPUT, &message.to_string()),
    };
    progress.stage(&format!(
        "solving with {} ({} variables, {} rows)",
        choice.backend,
        formulation.lp.variables.len(),
        formulation.lp.rows.len()
    ));
    // The plan's engine session: the ranging below starts from the plan's own basis on it.
    let mut session = None;
    let mut solved = match solve_what_if_on(&instance, &formulation, &forces, &choice, PlanAnalyses::ALL, deadline, &mut session) {
        Ok(solved) => solved,
        Err(error) => return fail_with(EXIT_INTERNAL, &format!("internal: {error}")),
    };
    if args.sensitivity
        && let Some(plan) = solved.report.plan.as_mut()
    {
        progress.stage("ranging every limit and allocation");
        match ranging::sensitivity_on(&instance, &formulation, plan, choice.backend, deadline, session.as_mut()) {
            Ok(Some(sensitivity)) => plan.sensitivity = Some(sensitivity),
            Ok(None) => solved.report.note_cut_short(CutShort::Sensitivity),
            Err(error) => return fail_with(EXIT_INTERNAL, &format!("internal: {error}")),
        }
    }
    // The opening screen says for how many hours each resource's price holds: the capacity
    // ranges, a few re-solves per resource, for models the simplex solves quickly.
    if !args.sensitivity
        && matches!(args.format, SolveFormat::Text | SolveFormat::Html)
        && formulation.lp.variables.len() <= crate::solve::SIMPLEX_MAX_VARIABLES
        && let Some(plan) = solved.report.plan.as_mut()
        && solved.forces.is_none()
    {
        if crate::analysis::past(deadline) {
            solved.report.note_cut_short(CutShort::CapacityRanges);
        } else {
            progress.stage("ranging the capacities");
            match ranging::capacity_ranges(&instance, &formulation, plan, choice.backend, deadline, session.as_mut()) {
                Ok(Some(ranges)) => plan.capacity_ranges = ranges,
                Ok(None) => solved.report.note_cut_short(CutShort::CapacityRanges),
                Err(error) => return fail_with(EXIT_INTERNAL, &format!("internal: {error}")),
            }
        }
    }
    let mut value_curves = Vec::new();
    if args.format == SolveFormat::Html && partner.is_none() && solved.report.plan.is_some() && forces.is_empty() {
        progress.stage("drawing the value curve of each capacity");
        match capacity_curves(&instance, &formulation, choice.backend, deadline) {
            Some(curves) => value_curves = curves,
            None => solved.report.note_cut_short(CutShort::ValueCurves),
        }
    }
    progress.stage("writing the report");
    let report = &solved.report;
    let written = match (partner, args.format.text()) {
        (None, Some(format)) => {
            let what_if = WhatIf { scenario: scenario.as_ref(), forces: solved.forces.as_ref(), diagnosis: solved.diagnosis.as_ref() };
            let options = text_options(args.detail, args.output.is_some());
            let text = report::render_what_if(report, &what_if, format, &options);
            progress.finish();
            emit(args.output.as_deref(), &text)
        }
        // The partner view leaves out scenarios, forces and diagnoses: they are internal.
        (Some(customer), Some(format)) => {
            let text = report::render_partner(report, customer, format);
            progress.finish();
            emit(args.output.as_deref(), &text)
        }
        (_, None) if args.format == SolveFormat::Html => {
            let what_if = WhatIf { scenario: scenario.as_ref(), forces: solved.forces.as_ref(), diagnosis: solved.diagnosis.as_ref() };
            let page = report::html::render(report, &report::html::HtmlExtras { what_if, value_curves });
            progress.finish();
            emit(args.output.as_deref(), &page)
        }
        (_, None) => match report::xlsx::render(report) {
            Ok(bytes) => {
                progress.finish();
                emit_bytes(args.output.as_deref(), &bytes)
            }
            Err(error) => return fail_with(EXIT_INTERNAL, &format!("internal: cannot build the xlsx workbook: {error}")),
        },
    };
    if let Err(code) = written {
        return code;
    }
    if args.format == SolveFormat::Csv {
        // The CSV is the plan table alone; its warnings go where a pipeline's reader sees them.
        for warning in crate::report::warnings(report) {
            eprintln!("capplan: warning: {warning}");
        }
    }
    let code = report.status.exit_code();
    if code != EXIT_OK && (args.output.is_some() || args.format != SolveFormat::Text) {
        // Pipelines reading JSON or CSV still learn the status on stderr.
        eprintln!("capplan: status {}: no optimal plan", report.status.name());
    }
    code
}
