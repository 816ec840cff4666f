//! Adapter from capplan's [`LinearProgram`] to good_lp, for the microlp, clarabel and (with the
//! cargo feature `highs`) HiGHS backends.

use good_lp::solvers::clarabel::clarabel;
use good_lp::solvers::microlp::microlp;
use good_lp::{Expression, ProblemVariables, ResolutionError, Solution, SolverModel, Variable, variable};

use super::{Backend, LpOutcome, SolveError};
use crate::formulation::{LinearProgram, Sense};

pub(super) fn solve(lp: &LinearProgram, backend: Backend) -> Result<LpOutcome, SolveError> {
    let mut variables = ProblemVariables::new();
    let handles: Vec<Variable> =
        lp.variables.iter().map(|definition| variables.add(variable().min(definition.lower).max(definition.upper))).collect();
    let mut objective = Expression::with_capacity(lp.variables.len());
    for (handle, definition) in handles.iter().zip(&lp.variables) {
        if definition.objective != 0.0 {
            objective.add_mul(definition.objective, *handle);
        }
    }
    let constraints: Vec<good_lp::Constraint> = lp
        .rows
        .iter()
        .filter(|row| !row.terms.is_empty())
        .map(|row| {
            let mut expression = Expression::with_capacity(row.terms.len());
            for &(index, coefficient) in &row.terms {
                expression.add_mul(coefficient, handles[index]);
            }
            match row.sense {
                Sense::Le => good_lp::constraint::leq(expression, row.rhs),
                Sense::Ge => good_lp::constraint::geq(expression, row.rhs),
                Sense::Eq => good_lp::constraint::eq(expression, row.rhs),
            }
        })
        .collect();
    let problem = variables.maximise(objective);

    let values = match backend {
        Backend::Microlp => {
            let result = problem.using(microlp).with_all(constraints).solve();
            match result {
                Ok(solution) => handles.iter().map(|&handle| solution.value(handle)).collect::<Vec<f64>>(),
                Err(error) => return map_error(error, backend),
            }
        }
        Backend::Clarabel => {
            let mut model = problem.using(clarabel);
            // The default gap tolerances (1e-8) left a 6e-6 relative duality gap on values in the
            // millions (tests/regressions.rs); interior-point iterations are cheap at this size.
            model.settings().tol_gap_abs(1e-10).tol_gap_rel(1e-10).tol_feas(1e-10);
            let result = model.with_all(constraints).solve();
            match result {
                Ok(solution) => {
                    use clarabel::solver::SolverStatus;
                    match solution.inner().status {
                        SolverStatus::Solved | SolverStatus::AlmostSolved => {}
                        // good_lp passes these on as a solution; a dual infeasibility
                        // certificate means the primal is unbounded.
                        SolverStatus::DualInfeasible | SolverStatus::AlmostDualInfeasible => return Ok(LpOutcome::Unbounded),
                        other => return Err(SolveError(format!("clarabel stopped with status {other:?}"))),
                    }
                    handles.iter().map(|&handle| solution.value(handle)).collect::<Vec<f64>>()
                }
                Err(error) => return map_error(error, backend),
            }
        }
        #[cfg(feature = "highs")]
        Backend::Highs => {
            let result = problem.using(good_lp::solvers::highs::highs).with_all(constraints).solve();
            match result {
                Ok(solution) => handles.iter().map(|&handle| solution.value(handle)).collect::<Vec<f64>>(),
                Err(error) => return map_error(error, backend),
            }
        }
        #[cfg(not(feature = "highs"))]
        Backend::Highs => return Err(SolveError("this capplan was built without HiGHS (cargo feature `highs`)".into())),
        Backend::Separable | Backend::Engine => {
            return Err(SolveError(format!("the {backend} backend does not go through good_lp")));
        }
    };
    let objective = lp.objective_value(&values);
    Ok(LpOutcome::Optimal { values, objective })
}

fn map_error(error: ResolutionError, backend: Backend) -> Result<LpOutcome, SolveError> {
    match error {
        ResolutionError::Infeasible => Ok(LpOutcome::Infeasible),
        ResolutionError::Unbounded => Ok(LpOutcome::Unbounded),
        other => Err(SolveError(format!("the {backend} solver failed: {other}"))),
    }
}
