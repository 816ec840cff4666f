//! capplan: capacity planning for B2B customer portfolios as a linear program.
//!
//! A quarter's capacity (sales, service, engineering hours) and a customer portfolio, written as a
//! TOML instance, become a linear program with minimum service levels, partner expectations and
//! diversification limits. capplan solves it and reports the optimal plan together with the
//! shadow price of every named constraint, so a planner sees which limits bind and what an hour,
//! a commitment or a cap is worth.
//!
//! The entry points a pipeline needs are at the crate root: [`read_instance`] or
//! [`parse_instance`] (or [`read_scenario`] for a what-if), then [`solve`](fn@solve) with a
//! [`SolverChoice`] ([`SolverChoice::Auto`] picks as `capplan solve` does) or
//! [`solve_with_sensitivity`], and [`to_json`] for the documented JSON report, or [`report::render`]
//! for text and CSV; [`export_lp`] writes the model for another solver. A multi-period instance
//! (`[[periods]]`) is solved with [`solve_horizon`] instead. They fail with one
//! [`Error`] type whose input problems carry their file, line, column and field.
//! [`report::schema::schema`] is the JSON Schema of the JSON report (what `capplan schema`
//! prints), for a pipeline that validates what it reads.
//!
//! What they work on: [`model`] is the validated instance (read through accessors: an
//! [`Instance`] only comes out of validation, so every number in it has been checked);
//! [`analysis`] holds what a solve finds (the plan, shadow prices, sensitivity, what-ifs);
//! [`report`] prints it. Inside, the pipeline runs one stage per module: the TOML reader keeps
//! where every value was written, validation builds the [`Instance`], the formulation names
//! every row of the LP (`capacity[engineering]`, `floor[m1/service]`), one adapter per solver
//! backend solves it, and analysis turns the solution into planner terms. Those stages are
//! capplan's own machinery and not part of this API.
//!
//! ```
//! let instance = capplan::parse_instance("example.toml", r#"
//!     [plan]
//!     name = "Example"
//!     period = "2027-Q1"
//!     currency = "EUR"
//!
//!     [[resources]]
//!     id = "engineering"
//!     capacity_hours = 100
//!
//!     [[customers]]
//!     id = "acme"
//!     response.engineering = { value_per_hour = 50, max_hours = 80 }
//! "#)?;
//! let report = capplan::solve(&instance, capplan::SolverChoice::Auto)?;
//! let plan = report.plan.as_ref().expect("an optimal plan");
//! // 80 hours at 50 EUR: the customer saturates before capacity runs out,
//! // so one more engineering hour is worth nothing.
//! assert!((plan.objective - 4000.0).abs() < 1e-6);
//! assert!(plan.resources[0].shadow_price.abs() < 1e-9);
//! # Ok::<(), capplan::Error>(())
//! ```

// Customers, resources and segments are indices into parallel per-entity arrays; index loops
// read more plainly than zipped iterators over three or four of them.
#![allow(clippy::needless_range_loop)]
#![warn(missing_docs)]

pub mod analysis;
pub mod error;
pub mod model;
pub mod report;

// capplan's own machinery: the command line, the reader, the LP, the solvers, the generator.
// Public only so that the `capplan` binary, the tests, the benchmarks and the fuzz targets can
// reach them; not part of the library's API, and hidden from its documentation.
#[doc(hidden)]
pub mod cli;
#[doc(hidden)]
pub mod diagnostic;
#[doc(hidden)]
pub mod formulation;
#[doc(hidden)]
pub mod generate;
#[doc(hidden)]
pub mod input;
#[doc(hidden)]
pub mod solve;

pub use analysis::SolveReport;
pub use diagnostic::Diagnostic;
pub use error::Error;
pub use formulation::export::ExportFormat;
pub use model::{AppliedScenario, Instance};
pub use solve::{Backend, SolverChoice};

/// Reads and validates an instance file; the path `-` reads standard input. The customers CSV
/// and the portfolio model file an instance names are read too, relative to the instance file.
pub fn read_instance(path: impl AsRef<std::path::Path>) -> Result<Instance, Error> {
    Ok(Instance::from_file(path.as_ref())?)
}

/// Reads and validates an instance from TOML text. `name` is the file name messages give; a
/// customers CSV or model file the text names is looked up relative to it.
pub fn parse_instance(name: &str, toml: &str) -> Result<Instance, Error> {
    Ok(Instance::from_toml_str(name, toml)?)
}

/// Solves an instance: builds the linear program, solves it with the backend `solver` stands
/// for ([`SolverChoice::Auto`]: the one `capplan solve` picks, and the report says why), and
/// computes the shadow prices. An infeasible or unbounded instance gives a report with that
/// status, not an error.
pub fn solve(instance: &Instance, solver: SolverChoice) -> Result<SolveReport, Error> {
    single_quarter(instance)?;
    let formulation = formulation::formulate(instance);
    let choice = solve::choose(solver, &formulation).map_err(Error::SolverUnavailable)?;
    Ok(analysis::solve_chosen(instance, &formulation, &choice, None)?)
}

/// As [`solve`](fn@solve), with the sensitivity report (allowable increases and decreases, one-sided
/// values; docs/sensitivity.md) in `plan.sensitivity` when the plan is optimal.
///
/// ```
/// let instance = capplan::read_instance("instances/tiny.toml")?;
/// let report = capplan::solve_with_sensitivity(&instance, capplan::SolverChoice::Auto)?;
/// let ranges = report.plan.as_ref().and_then(|plan| plan.sensitivity.as_ref()).expect("ranged");
/// assert_eq!(ranges.constraints[0].id, "capacity[engineering]");
/// # Ok::<(), capplan::Error>(())
/// ```
pub fn solve_with_sensitivity(instance: &Instance, solver: SolverChoice) -> Result<SolveReport, Error> {
    single_quarter(instance)?;
    let formulation = formulation::formulate(instance);
    let choice = solve::choose(solver, &formulation).map_err(Error::SolverUnavailable)?;
    let mut session = None;
    let mut report = analysis::solve_chosen_on(instance, &formulation, &choice, analysis::PlanAnalyses::ALL, None, &mut session)?;
    if let Some(plan) = report.plan.as_mut() {
        plan.sensitivity = analysis::ranging::sensitivity_on(instance, &formulation, plan, choice.backend, None, session.as_mut())?;
    }
    Ok(report)
}

/// A multi-period instance is solved with [`solve_horizon`], never as its first quarter.
fn single_quarter(instance: &Instance) -> Result<(), Error> {
    match instance.horizon() {
        Some(_) => Err(Error::SolverUnavailable(
            "this instance lists [[periods]]: solve it with capplan::solve_horizon (capplan solve does)".to_string(),
        )),
        None => Ok(()),
    }
}

/// Solves a multi-period instance (`[[periods]]`, docs/instance-format.md): one linear program
/// over every period, linked by the change limits, read back per period. `sensitivity` adds the
/// range over which each limit's shadow price holds. A single-quarter instance is refused.
///
/// ```
/// let instance = capplan::read_instance("instances/multi-quarter.toml")?;
/// let report = capplan::solve_horizon(&instance, capplan::SolverChoice::Auto, false)?;
/// let plan = report.plan.as_ref().expect("an optimal plan");
/// assert_eq!(plan.periods.len(), 4);
/// assert_eq!(plan.periods[2].plan.constraints[0].id, "capacity[sales@q3]");
/// # Ok::<(), capplan::Error>(())
/// ```
pub fn solve_horizon(instance: &Instance, solver: SolverChoice, sensitivity: bool) -> Result<analysis::horizon::HorizonReport, Error> {
    let Some(horizon) = instance.horizon() else {
        return Err(Error::SolverUnavailable("this instance has no [[periods]]: solve it with capplan::solve".to_string()));
    };
    let choice = analysis::horizon::choose(solver).map_err(Error::SolverUnavailable)?;
    Ok(analysis::horizon::solve_horizon(instance, horizon, &[], &choice, sensitivity, None)?)
}

/// Reads an instance file and applies a scenario file to it (docs/scenarios.md): the what-if
/// instance, validated like any other, and what the scenario is called.
///
/// ```
/// let (instance, scenario) = capplan::read_scenario(
///     "instances/dsp.toml",
///     "instances/scenarios/hire-engineer.toml",
/// )?;
/// let base = capplan::read_instance("instances/dsp.toml")?;
/// assert!(instance.resources()[2].capacity_hours() > base.resources()[2].capacity_hours());
/// assert!(!scenario.name.is_empty());
/// # Ok::<(), capplan::Error>(())
/// ```
pub fn read_scenario(
    instance: impl AsRef<std::path::Path>,
    scenario: impl AsRef<std::path::Path>,
) -> Result<(Instance, AppliedScenario), Error> {
    Ok(model::apply_scenario_file(instance.as_ref(), scenario.as_ref())?)
}

/// The instance's linear program as a CPLEX LP or free MPS file, exactly as `capplan export`
/// writes it: rows named as in the reports, readable by HiGHS, GLPK and Clp (docs/cli.md).
pub fn export_lp(instance: &Instance, format: ExportFormat) -> String {
    if let Some(horizon) = instance.horizon() {
        // Every period's rows and variables, named with `@period`, and the change limits.
        let formulation = formulation::horizon::formulate_horizon(instance, horizon, &[]);
        let title = format!("capplan: {} ({}, {} periods)", instance.plan().name(), instance.plan().period(), horizon.periods().len());
        return formulation::export::export(&formulation.combined.lp, format, &title);
    }
    let formulation = formulation::formulate(instance);
    let title = format!("capplan: {} ({})", instance.plan().name(), instance.plan().period());
    formulation::export::export(&formulation.lp, format, &title)
}

/// The JSON report of a solve, exactly as `capplan solve --format json` prints it
/// (docs/json-output.md).
pub fn to_json(report: &SolveReport) -> String {
    report::render(report, report::Format::Json)
}

// The README's library example is compiled and run as a doc test.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
