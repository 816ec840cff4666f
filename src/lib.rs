//! capplan: capacity planning for B2B customer portfolios as a linear program.
//!
//! A quarter's capacity (sales, service, engineering hours) and a customer portfolio, written as a
//! TOML instance, become a linear program with minimum service levels, partner expectations and
//! diversification limits. capplan solves it and reports the optimal plan together with the
//! shadow price of every named constraint, so a planner sees which limits bind and what an hour,
//! a commitment or a cap is worth.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`input`]: TOML text -> raw structures that remember where every value was written.
//! 2. [`model`]: validation -> [`model::Instance`], the only type the later stages accept.
//! 3. [`formulation`]: the LP, every row named (`capacity[engineering]`, `floor[m1/service]`).
//! 4. [`solve`](mod@solve): one adapter per backend (separable, microlp, clarabel, optional HiGHS), the
//!    `--solver auto` choice, time limits; statuses as data.
//! 5. [`analysis`]: duals computed by capplan itself, then the plan in planner terms.
//! 6. [`report`]: text, JSON and CSV printers.
//!
//! Beside the pipeline: [`generate`] writes synthetic instances, and
//! [`formulation::export`] writes the LP in the LP and MPS file formats.
//!
//! The entry points a pipeline needs are at the crate root: [`read_instance`] or
//! [`parse_instance`], then [`solve`](fn@solve) with a [`SolverChoice`] ([`SolverChoice::Auto`] picks as
//! `capplan solve` does), and [`to_json`] for the documented JSON report. They fail with one
//! [`Error`] type whose input problems carry their file, line, column and field.
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

pub mod analysis;
pub mod cli;
pub mod diagnostic;
pub mod error;
pub mod formulation;
pub mod generate;
pub mod input;
pub mod model;
pub mod report;
pub mod solve;

pub use analysis::SolveReport;
pub use diagnostic::Diagnostic;
pub use error::Error;
pub use model::Instance;
pub use solve::SolverChoice;

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
    let formulation = formulation::formulate(instance);
    let choice = solve::choose(solver, &formulation).map_err(Error::SolverUnavailable)?;
    let mut report = analysis::solve_chosen(instance, &formulation, &choice, None)?;
    if let Some(plan) = report.plan.as_mut() {
        plan.sensitivity = Some(analysis::ranging::sensitivity(instance, &formulation, plan, choice.backend)?);
    }
    Ok(report)
}

/// The JSON report of a solve, exactly as `capplan solve --format json` prints it
/// (docs/json-output.md).
pub fn to_json(instance: &Instance, report: &SolveReport) -> String {
    report::render(instance, report, report::Format::Json)
}

// The README's library example is compiled and run as a doc test.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
