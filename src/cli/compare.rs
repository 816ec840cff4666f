//! `capplan compare`: solve the base instance and each scenario, and report them side by side.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::{EXIT_INPUT, EXIT_INTERNAL, emit, load, load_with_scenario};
use crate::analysis::Status;
use crate::analysis::compare::{CompareInput, compare, comparison_exit_code};
use crate::analysis::force::solve_what_if_on;
use crate::formulation::formulate;
use crate::report::{Format, render_comparison};
use crate::solve::{Backend, SolverChoice};

#[derive(clap::Args, Debug)]
pub struct CompareArgs {
    /// The base instance file (TOML).
    pub instance: PathBuf,
    /// Scenario files (TOML, see docs/scenarios.md), each applied to the base on its own.
    #[arg(required = true, value_name = "SCENARIO")]
    pub scenarios: Vec<PathBuf>,
    /// Output format: text (plans side by side), json (one document, see docs/scenarios.md) or
    /// csv (one long table: plan,status,measure,customer,resource,value,base_value,change).
    #[arg(long, value_enum, default_value_t = Format::Text, hide_possible_values = true)]
    pub format: Format,
    /// Write the report to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// LP backend; `auto` is capplan's engine for every column (it solves every model, so the
    /// header's "Solver" is true of all of them).
    #[arg(long, value_enum, default_value_t = SolverChoice::Auto)]
    pub solver: SolverChoice,
    /// Stop after this many seconds for all the plans together: a plan not yet proven optimal
    /// gets status time_limit (exit code 5 unless a plan is infeasible or unbounded); an analysis
    /// not yet finished (the diagnosis of an infeasible plan, promise prices) is cut short and
    /// the report says so.
    #[arg(long, value_name = "SECONDS", value_parser = super::solve::parse_time_limit)]
    pub time_limit: Option<Duration>,
}

pub(super) fn run(args: &CompareArgs) -> i32 {
    let base = match load(&args.instance, args.format == Format::Json) {
        Ok(instance) => instance,
        Err(code) => return code,
    };
    // Every file is read and checked before anything is solved, so that a typo in the last
    // scenario does not cost the solves of the others.
    let mut scenarios = Vec::with_capacity(args.scenarios.len());
    let mut failed = None;
    for path in &args.scenarios {
        match load_with_scenario(&args.instance, path, args.format == Format::Json) {
            Ok(loaded) => scenarios.push(loaded),
            Err(code) => failed = Some(code),
        }
    }
    if let Some(code) = failed {
        return code;
    }
    // The names head the columns; two columns with one name could not be told apart.
    for (index, (_, applied)) in scenarios.iter().enumerate() {
        if let Some((_, first)) = scenarios[..index].iter().find(|(_, other)| other.name == applied.name) {
            eprintln!(
                "error: {} and {} are both named {:?}; give each scenario its own [scenario] name",
                first.file, applied.file, applied.name
            );
            return EXIT_INPUT;
        }
        if applied.name == "base" {
            eprintln!("error: {}: the scenario name \"base\" is reserved for the instance as written", applied.file);
            return EXIT_INPUT;
        }
    }
    // One backend for every column, so that the header's "Solver" is true of all of them; a
    // backend this build lacks, or the separable one on a model it cannot solve, is a usage error.
    let backend = match args.solver {
        SolverChoice::Auto | SolverChoice::Engine => Backend::Engine,
        SolverChoice::Microlp => Backend::Microlp,
        SolverChoice::Clarabel => Backend::Clarabel,
        SolverChoice::Separable => Backend::Separable,
        SolverChoice::Highs => Backend::Highs,
    };
    // The deadline counts from here, as in `solve`: reading the files is not part of the solves.
    let deadline = args.time_limit.map(|limit| Instant::now() + limit);
    let mut solved = Vec::with_capacity(scenarios.len() + 1);
    // capplan's engine keeps one session across the columns: a scenario whose model has the
    // base's shape (changed capacities, floors, values) re-solves warm from the last basis.
    let mut session = None;
    for instance in std::iter::once(&base).chain(scenarios.iter().map(|(instance, _)| instance)) {
        let formulation = formulate(instance);
        let choice = match super::fixed_backend(backend, &formulation) {
            Ok(choice) => choice,
            Err(message) => {
                eprintln!("error: {message}");
                return EXIT_INPUT;
            }
        };
        match solve_what_if_on(instance, &formulation, &[], &choice, deadline, &mut session) {
            Ok(result) => solved.push(result),
            Err(error) => {
                eprintln!("error: internal: {error}");
                return EXIT_INTERNAL;
            }
        }
    }
    let mut inputs =
        vec![CompareInput { instance: &base, scenario: None, report: &solved[0].report, diagnosis: solved[0].diagnosis.as_ref() }];
    for ((instance, applied), result) in scenarios.iter().zip(&solved[1..]) {
        inputs.push(CompareInput {
            instance,
            scenario: Some(applied.clone()),
            report: &result.report,
            diagnosis: result.diagnosis.as_ref(),
        });
    }
    let comparison = compare(&inputs);
    let text = render_comparison(&comparison, args.format);
    if let Err(code) = emit(args.output.as_deref(), &text) {
        return code;
    }
    for plan in comparison.plans.iter().filter(|plan| plan.status != Status::Optimal) {
        eprintln!("capplan: {}: status {}: no optimal plan", plan.label, plan.status.name());
    }
    comparison_exit_code(&comparison)
}
