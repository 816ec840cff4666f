//! Analysis: from a solved LP back to the planner's terms.
//!
//! [`solve`] runs the whole chain (formulate, solve, duals) and returns a [`SolveReport`]: the
//! status, kept apart from the results, and for an optimal plan every number the reports print.

pub mod compare;
pub mod duals;
pub mod force;
pub mod infeasibility;
mod plan;

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
            let mut plan = plan::assemble(instance, formulation, &values, objective, &duals);
            price_policies(&mut plan, formulation, backend)?;
            Ok(SolveReport { status: Status::Optimal, backend, plan: Some(plan) })
        }
    }
}

/// The exact cost of each category's policy: the optimum without the constraints the policy set
/// minus the optimum with them, by one re-solve per category that set any.
fn price_policies(plan: &mut Plan, formulation: &Formulation, backend: Backend) -> Result<(), SolveError> {
    let Some(portfolio) = plan.portfolio.as_mut() else {
        return Ok(());
    };
    for category in &mut portfolio.categories {
        if category.policy_constraints.is_empty() {
            continue;
        }
        let mut relaxed = formulation.lp.clone();
        relaxed.rows.retain(|row| !category.policy_constraints.contains(&row.name));
        category.policy_cost = match solve_lp(&relaxed, backend)? {
            LpOutcome::Optimal { objective, .. } => Some(objective - plan.objective),
            // Dropping limits cannot make a feasible plan infeasible; it can make it unbounded
            // (a cap was all that held an unlimited expansion back): the policy's cost is then
            // not a number, and it is reported as missing.
            _ => None,
        };
    }
    Ok(())
}
