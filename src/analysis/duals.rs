//! Shadow prices and reduced costs, computed by capplan itself for every backend.
//!
//! capplan's engine reads row duals from its basis ([`crate::solve::session`]); the separable
//! backend finds them on the way. For the other backends (microlp exposes no duals, and solver
//! crates disagree on sign conventions) capplan writes down the dual of its own LP and solves it
//! with the same backend. For the primal
//!
//! ```text
//! max c x + k   s.t.  a_i x (<=|>=|=) b_i,   l <= x <= u
//! ```
//!
//! the dual is
//!
//! ```text
//! min b y + u w - l z + k   s.t.  A' y + w - z = c,   w, z >= 0,
//!     y_i >= 0 for <= rows,  y_i <= 0 for >= rows,  y_i free for = rows
//! ```
//!
//! so `y_i` is the change of the optimal objective per +1 of row i's right-hand side *as
//! written*: positive for a binding `<=` limit whose loosening pays, negative for a binding `>=`
//! floor that costs. The reduced cost of variable j is `d_j = c_j - A_j' y`.

use std::time::Instant;

use crate::formulation::{LinearProgram, Sense};
use crate::solve::{Backend, LpOutcome, SolveError, solve_lp_until};

/// Dual values of an optimal LP.
#[derive(Debug, Clone, PartialEq)]
pub struct Duals {
    /// Per row: change of the optimal objective per +1 of the row's right-hand side.
    pub row_duals: Vec<f64>,
    /// Per variable: `c_j - A_j' y`.
    pub reduced_costs: Vec<f64>,
    /// The dual objective `b y + u w - l z + k`; equal to the primal optimum (strong duality).
    pub objective: f64,
}

/// The dual LP, written as a maximisation of the negated dual objective. Its first variables are
/// the row duals, in row order; its first rows are the columns of `lp`, in variable order.
pub(crate) fn dual_program(lp: &LinearProgram) -> LinearProgram {
    let mut dual = LinearProgram::default();
    for row in &lp.rows {
        let (lower, upper) = match row.sense {
            Sense::Le => (0.0, f64::INFINITY),
            Sense::Ge => (f64::NEG_INFINITY, 0.0),
            Sense::Eq => (f64::NEG_INFINITY, f64::INFINITY),
        };
        dual.add_variable(format!("dual[{}]", row.name), lower, upper, -row.rhs);
    }
    let columns = lp.columns();
    for (j, variable) in lp.variables.iter().enumerate() {
        let mut terms: Vec<(usize, f64)> = columns[j].clone();
        if variable.upper.is_finite() {
            let w = dual.add_variable(format!("upper[{}]", variable.name), 0.0, f64::INFINITY, -variable.upper);
            terms.push((w, 1.0));
        }
        // A lower bound of 0 needs no variable of its own: its multiplier is the surplus of a
        // `>=` row.
        let sense = if variable.lower == 0.0 {
            Sense::Ge
        } else if variable.lower.is_finite() {
            let z = dual.add_variable(format!("lower[{}]", variable.name), 0.0, f64::INFINITY, variable.lower);
            terms.push((z, -1.0));
            Sense::Eq
        } else {
            Sense::Eq
        };
        dual.rows.push(crate::formulation::LpRow { name: format!("column[{}]", variable.name), terms, sense, rhs: variable.objective });
    }
    dual
}

/// Computes row duals and reduced costs of an LP known to be optimal with objective
/// `primal_objective`.
pub fn compute_duals(lp: &LinearProgram, backend: Backend, primal_objective: f64) -> Result<Duals, SolveError> {
    compute_duals_until(lp, backend, primal_objective, None)?
        .ok_or_else(|| SolveError("no time limit was set, yet the dual solve ran out of time".into()))
}

/// As [`compute_duals`], giving up at `deadline` (`Ok(None)`).
pub fn compute_duals_until(
    lp: &LinearProgram,
    backend: Backend,
    primal_objective: f64,
    deadline: Option<Instant>,
) -> Result<Option<Duals>, SolveError> {
    if backend == Backend::Engine {
        // The engine's basis gives the row duals with the primal: no dual LP.
        return match crate::solve::solve_lp_with_duals(lp, deadline)? {
            (LpOutcome::Optimal { .. }, Some(row_duals)) => Ok(Some(duals_from_row_prices(lp, row_duals, backend, primal_objective)?)),
            (LpOutcome::TimeLimit, _) => Ok(None),
            _ => Err(SolveError("the engine did not find again the optimum it is asked to price; this is numerical trouble".into())),
        };
    }
    let dual = dual_program(lp);
    let outcome = match backend {
        // microlp can cycle for ever on the free duals of equality rows (seen on a zero capacity
        // with a soft expectation: tests/regressions.rs), and on a few duals it reports the split
        // form unbounded; the free form is the fallback then.
        Backend::Microlp => match solve_lp_until(&dual.split_free_variables(), backend, deadline)? {
            LpOutcome::Optimal { values, objective } => LpOutcome::Optimal { values: dual.join_split_values(&values), objective },
            LpOutcome::TimeLimit => LpOutcome::TimeLimit,
            _ => solve_lp_until(&dual, backend, deadline)?,
        },
        _ => solve_lp_until(&dual, backend, deadline)?,
    };
    let values = match outcome {
        LpOutcome::Optimal { values, .. } => values,
        LpOutcome::TimeLimit => return Ok(None),
        other => {
            return Err(SolveError(format!(
                "the dual of an optimal plan came back {} from {backend}; this is numerical trouble, not a property of the plan",
                match other {
                    LpOutcome::Infeasible => "infeasible",
                    _ => "unbounded",
                }
            )));
        }
    };
    let scale = lp
        .variables
        .iter()
        .map(|variable| variable.objective.abs())
        .chain(lp.rows.iter().flat_map(|row| row.terms.iter().map(|(_, coefficient)| coefficient.abs())))
        .fold(1.0, f64::max);
    let clean = |value: f64, noise_scale: f64| if value.abs() <= 1e-9 * noise_scale { 0.0 } else { value };
    // Solver noise is relative to the numbers it worked with. A simplex vertex solves A'y = c on
    // its basis, so a row's dual is exact up to the size of c_j / a_ij over the row's own terms:
    // a penalty of 1e-3 next to values of 1e6 per hour keeps its -0.001. An interior-point
    // solution is only accurate relative to the whole problem, so its duals are cleaned at that
    // scale.
    let row_noise_scale = |row: &crate::formulation::LpRow| match backend {
        // Interior-point duals are accurate relative to the whole problem only.
        Backend::Clarabel => scale,
        // Vertex solutions (the simplex methods and the separable backend) are exact row by row.
        Backend::Microlp | Backend::Separable | Backend::Engine | Backend::Highs => row
            .terms
            .iter()
            .map(|&(j, a)| (lp.variables[j].objective / a).abs())
            .filter(|ratio| *ratio > 0.0 && ratio.is_finite())
            .reduce(f64::max)
            .unwrap_or(scale),
    };
    let row_duals: Vec<f64> =
        lp.rows.iter().zip(&values[..lp.rows.len()]).map(|(row, &value)| clean(value, row_noise_scale(row))).collect();
    let mut reduced_costs: Vec<f64> = lp.variables.iter().map(|variable| variable.objective).collect();
    for (row, dual_value) in lp.rows.iter().zip(&row_duals) {
        for &(variable, coefficient) in &row.terms {
            reduced_costs[variable] -= coefficient * dual_value;
        }
    }
    let reduced_costs = reduced_costs.into_iter().map(|value| clean(value, scale)).collect();
    let objective = -dual.objective_value(&values) + lp.objective_constant;
    let gap = (objective - primal_objective).abs();
    // The gap is judged against the size of the numbers involved: the optimum and the terms the
    // dual objective sums (b y, u w, l z). An optimum near 0 made of terms in the hundreds
    // carries their rounding, not its own.
    let term_size: f64 = dual.variables.iter().zip(&values).map(|(variable, value)| (variable.objective * value).abs()).sum();
    if gap > 1e-6 * primal_objective.abs().max(term_size).max(1.0) {
        return Err(SolveError(format!(
            "shadow prices failed the strong-duality check: primal {primal_objective}, dual {objective} ({backend}); the numbers are not trustworthy"
        )));
    }
    Ok(Some(Duals { row_duals, reduced_costs, objective }))
}

/// Duals from row prices a backend found itself (the separable backend): reduced costs
/// `c - A'y`, and the dual objective `b y + sum of u max(d, 0) - sum of l max(-d, 0) + k`, which
/// must equal the primal optimum and must not need a positive reduced cost on a variable without
/// an upper bound (or a negative one without a lower bound).
pub fn duals_from_row_prices(
    lp: &LinearProgram,
    row_duals: Vec<f64>,
    backend: Backend,
    primal_objective: f64,
) -> Result<Duals, SolveError> {
    // Noise is relative to the numbers each value is computed from: a row's price to the row's
    // own objective ratios, a reduced cost to the terms of its own column. One scale for the
    // whole program would call a 10 EUR/h reduced cost noise next to a 2e9 EUR/h narrow piece.
    let row_scale = |row: &crate::formulation::LpRow| {
        row.terms.iter().map(|&(j, a)| (lp.variables[j].objective / a).abs()).filter(|ratio| ratio.is_finite()).fold(1.0, f64::max)
    };
    let row_duals: Vec<f64> =
        lp.rows.iter().zip(row_duals).map(|(row, value)| if value.abs() <= 1e-9 * row_scale(row) { 0.0 } else { value }).collect();
    let mut reduced_costs: Vec<f64> = lp.variables.iter().map(|variable| variable.objective).collect();
    let mut column_scale: Vec<f64> = lp.variables.iter().map(|variable| variable.objective.abs().max(1.0)).collect();
    let mut objective = lp.objective_constant;
    for (row, dual_value) in lp.rows.iter().zip(&row_duals) {
        objective += row.rhs * dual_value;
        for &(variable, coefficient) in &row.terms {
            reduced_costs[variable] -= coefficient * dual_value;
            column_scale[variable] = column_scale[variable].max((coefficient * dual_value).abs());
        }
    }
    let reduced_costs: Vec<f64> =
        reduced_costs.into_iter().zip(&column_scale).map(|(value, &size)| if value.abs() <= 1e-9 * size { 0.0 } else { value }).collect();
    for ((variable, &reduced), &size) in lp.variables.iter().zip(&reduced_costs).zip(&column_scale) {
        let needs_upper = reduced > 1e-7 * size;
        let needs_lower = reduced < -1e-7 * size;
        if (needs_upper && !variable.upper.is_finite()) || (needs_lower && !variable.lower.is_finite()) {
            return Err(SolveError(format!(
                "shadow prices from {backend} are not dual feasible at {} (reduced cost {reduced}); the numbers are not trustworthy",
                variable.name
            )));
        }
        if needs_upper {
            objective += variable.upper * reduced;
        } else if needs_lower {
            objective += variable.lower * reduced;
        }
    }
    let gap = (objective - primal_objective).abs();
    if gap > 1e-6 * primal_objective.abs().max(1.0) {
        return Err(SolveError(format!(
            "shadow prices failed the strong-duality check: primal {primal_objective}, dual {objective} ({backend}); the numbers are not trustworthy"
        )));
    }
    Ok(Duals { row_duals, reduced_costs, objective })
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    /// max 3x + 2y  s.t.  x + y <= 4,  x + 3y <= 9,  x <= 3 (bound),  x, y >= 0.
    /// Optimum x = 3, y = 1, objective 11 (the second row is slack: 6 < 9); duals: first row 2,
    /// second 0; x at its bound has reduced cost 3 - 2 = 1. Non-degenerate, so the duals are
    /// unique and both backends must find them.
    #[test]
    fn textbook_duals_have_the_documented_sign() {
        let mut lp = LinearProgram::default();
        let x = lp.add_variable("x".into(), 0.0, 3.0, 3.0);
        let y = lp.add_variable("y".into(), 0.0, f64::INFINITY, 2.0);
        lp.rows.push(crate::formulation::LpRow { name: "a".into(), terms: vec![(x, 1.0), (y, 1.0)], sense: Sense::Le, rhs: 4.0 });
        lp.rows.push(crate::formulation::LpRow { name: "b".into(), terms: vec![(x, 1.0), (y, 3.0)], sense: Sense::Le, rhs: 9.0 });
        for backend in [Backend::Microlp, Backend::Clarabel] {
            let duals = compute_duals(&lp, backend, 11.0).unwrap();
            assert_relative_eq!(duals.row_duals[0], 2.0, epsilon = 1e-6);
            assert_relative_eq!(duals.row_duals[1], 0.0, epsilon = 1e-6);
            assert_relative_eq!(duals.reduced_costs[x], 1.0, epsilon = 1e-6);
            assert_relative_eq!(duals.reduced_costs[y], 0.0, epsilon = 1e-6);
        }
    }

    /// A `>=` row that binds has a negative shadow price: raising the floor costs.
    #[test]
    fn binding_floor_has_negative_shadow_price() {
        let mut lp = LinearProgram::default();
        let x = lp.add_variable("x".into(), 0.0, f64::INFINITY, -5.0);
        lp.rows.push(crate::formulation::LpRow { name: "floor".into(), terms: vec![(x, 1.0)], sense: Sense::Ge, rhs: 2.0 });
        let duals = compute_duals(&lp, Backend::Microlp, -10.0).unwrap();
        assert_relative_eq!(duals.row_duals[0], -5.0, epsilon = 1e-9);
    }
}
