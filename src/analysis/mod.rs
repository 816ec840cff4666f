//! Analysis: from a solved LP back to the planner's terms.
//!
//! [`solve`] runs the whole chain (formulate, solve, duals) and returns a [`SolveReport`]: the
//! status, kept apart from the results, and for an optimal plan every number the reports print.

pub mod duals;
pub mod parametric;
mod plan;
pub mod ranging;
pub mod sweep;

pub use plan::*;

use crate::formulation::{Formulation, formulate};
use crate::model::Instance;
use crate::solve::{Backend, LpOutcome, SolveError, solve_lp};

/// How the solve ended. Each status has its own exit code (see `docs/cli.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// A plan meets every constraint and no other plan is worth more.
    Optimal,
    /// No plan meets all constraints.
    Infeasible,
    /// The objective can grow without limit (an unlimited expansion option feeding a response
    /// that never saturates).
    Unbounded,
}

impl Status {
    pub fn exit_code(self) -> i32 {
        match self {
            Status::Optimal => 0,
            Status::Infeasible => 3,
            Status::Unbounded => 4,
        }
    }
}

/// The outcome of `capplan solve`.
#[derive(Debug, Clone)]
pub struct SolveReport {
    pub status: Status,
    pub backend: Backend,
    /// Present exactly when `status` is optimal.
    pub plan: Option<Plan>,
}

/// Formulates, solves and analyses an instance.
pub fn solve(instance: &Instance, backend: Backend) -> Result<SolveReport, SolveError> {
    let formulation = formulate(instance);
    solve_formulation(instance, &formulation, backend)
}

/// As [`solve`], for a formulation already built (tests perturb right-hand sides this way).
pub fn solve_formulation(instance: &Instance, formulation: &Formulation, backend: Backend) -> Result<SolveReport, SolveError> {
    match solve_lp(&formulation.lp, backend)? {
        LpOutcome::Infeasible => Ok(SolveReport { status: Status::Infeasible, backend, plan: None }),
        LpOutcome::Unbounded => Ok(SolveReport { status: Status::Unbounded, backend, plan: None }),
        LpOutcome::Optimal { values, objective } => {
            let duals = duals::compute_duals(&formulation.lp, backend, objective)?;
            let plan = plan::assemble(instance, formulation, &values, objective, &duals);
            Ok(SolveReport { status: Status::Optimal, backend, plan: Some(plan) })
        }
    }
}
