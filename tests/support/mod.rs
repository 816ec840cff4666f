//! Checks shared by the property tests and the example-instance tests: a reported plan must be
//! feasible, its shadow prices must satisfy strong duality and complementary slackness, and
//! re-solving with a right-hand side moved by one unit must agree with the reported price.

#![allow(dead_code)]

pub mod browser;
pub mod cli;
pub mod scratch;

use capplan::analysis::{Plan, Status, solve_formulation};
use capplan::formulation::{Formulation, LinearProgram, Sense};
use capplan::model::Instance;
use capplan::solve::{Backend, LpOutcome, solve_lp};

/// Relative tolerance for comparisons of objective values.
pub const TOLERANCE: f64 = 1e-6;

fn close(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= TOLERANCE * (1.0 + scale.abs())
}

/// A scale for tolerances: the largest objective coefficient or right-hand side in the LP.
fn lp_scale(lp: &LinearProgram) -> f64 {
    lp.variables.iter().map(|v| v.objective.abs()).chain(lp.rows.iter().map(|r| r.rhs.abs())).fold(1.0, f64::max)
}

/// Solves and returns the formulation and plan; panics unless the status is optimal.
pub fn solve_optimal(instance: &Instance, backend: Backend) -> (Formulation, Plan) {
    let formulation = capplan::formulation::formulate(instance);
    let report = solve_formulation(instance, &formulation, backend).expect("solve succeeds");
    assert_eq!(report.status, Status::Optimal, "instance {} is not optimal", instance.plan().name());
    (formulation, report.plan.expect("optimal has a plan"))
}

/// The plan satisfies every row and bound.
pub fn assert_feasible(lp: &LinearProgram, plan: &Plan) {
    let violation = lp.max_violation(&plan.lp.values);
    assert!(violation <= 1e-6, "plan violates the constraints by {violation}");
}

/// Strong duality and dual feasibility, recomputed from the reported row duals alone:
/// with d = c - A'y, the dual objective is b'y + sum over finite upper bounds of u max(d, 0)
/// - sum over finite lower bounds of l max(-d, 0) + constant, and must equal the optimum.
pub fn assert_strong_duality(lp: &LinearProgram, plan: &Plan) {
    let y = &plan.lp.row_duals;
    let scale = lp_scale(lp);
    for (row, dual) in lp.rows.iter().zip(y) {
        match row.sense {
            Sense::Le => assert!(*dual >= -TOLERANCE * scale, "{}: <= row with negative dual {dual}", row.name),
            Sense::Ge => assert!(*dual <= TOLERANCE * scale, "{}: >= row with positive dual {dual}", row.name),
            Sense::Eq => {}
        }
    }
    let mut reduced: Vec<f64> = lp.variables.iter().map(|v| v.objective).collect();
    for (row, dual) in lp.rows.iter().zip(y) {
        for &(j, a) in &row.terms {
            reduced[j] -= a * dual;
        }
    }
    let mut dual_objective = lp.objective_constant + lp.rows.iter().zip(y).map(|(row, dual)| row.rhs * dual).sum::<f64>();
    for (variable, d) in lp.variables.iter().zip(&reduced) {
        if variable.upper.is_finite() {
            dual_objective += variable.upper * d.max(0.0);
        } else {
            assert!(*d <= TOLERANCE * scale, "{}: unbounded above but reduced cost {d} > 0", variable.name);
        }
        if variable.lower.is_finite() {
            dual_objective -= variable.lower * (-d).max(0.0);
        } else {
            assert!(*d >= -TOLERANCE * scale, "{}: unbounded below but reduced cost {d} < 0", variable.name);
        }
    }
    assert!(
        close(dual_objective, plan.objective, plan.objective.abs().max(scale)),
        "strong duality fails: primal {} dual {dual_objective}",
        plan.objective
    );
    for (reported, recomputed) in plan.lp.reduced_costs.iter().zip(&reduced) {
        assert!(close(*reported, *recomputed, scale), "reported reduced cost {reported} != c - A'y = {recomputed}");
    }
}

/// Complementary slackness: a row with slack has a zero dual; a variable strictly inside its
/// bounds has a zero reduced cost.
pub fn assert_complementary_slackness(lp: &LinearProgram, plan: &Plan) {
    let x = &plan.lp.values;
    let scale = lp_scale(lp);
    let xscale = x.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    for (index, (row, dual)) in lp.rows.iter().zip(&plan.lp.row_duals).enumerate() {
        let slack = (lp.row_activity(index, x) - row.rhs).abs();
        assert!(slack * dual.abs() <= 1e-5 * (1.0 + scale) * (1.0 + xscale), "{}: slack {slack} with dual {dual}", row.name);
    }
    for (j, variable) in lp.variables.iter().enumerate() {
        let d = plan.lp.reduced_costs[j];
        let gap_low = if variable.lower.is_finite() { (x[j] - variable.lower).abs() } else { f64::INFINITY };
        let gap_high = if variable.upper.is_finite() { (variable.upper - x[j]).abs() } else { f64::INFINITY };
        let gap = if d > 0.0 { gap_high } else { gap_low };
        if d.abs() > TOLERANCE * scale {
            assert!(
                gap * d.abs() <= 1e-5 * (1.0 + scale) * (1.0 + xscale),
                "{}: reduced cost {d} but {} from its bound",
                variable.name,
                gap
            );
        }
    }
}

fn optimum_with_rhs(lp: &LinearProgram, row: usize, delta: f64, backend: Backend) -> Option<f64> {
    let mut changed = lp.clone();
    changed.rows[row].rhs += delta;
    match solve_lp(&changed, backend).expect("re-solve runs") {
        LpOutcome::Optimal { objective, .. } => Some(objective),
        _ => None,
    }
}

/// Finite differences: the optimal value is concave in each right-hand side, so
/// `v(b+1) - v(b) <= shadow price <= v(b) - v(b-1)`; where the two differences agree, the
/// hour stays inside the price's valid range and the shadow price must equal them.
/// Returns how many rows were confirmed by an exact equality.
pub fn assert_finite_differences(formulation: &Formulation, plan: &Plan, rows: impl Iterator<Item = usize>, backend: Backend) -> usize {
    let lp = &formulation.lp;
    let base = plan.objective;
    let scale = base.abs().max(lp_scale(lp));
    let mut exact = 0;
    for row in rows {
        let price = plan.lp.row_duals[row];
        let name = &lp.rows[row].name;
        let up = optimum_with_rhs(lp, row, 1.0, backend);
        let down = optimum_with_rhs(lp, row, -1.0, backend);
        if let Some(up) = up {
            assert!(
                up - base <= price + TOLERANCE * (1.0 + scale),
                "{name}: v(b+1) - v(b) = {} exceeds the shadow price {price}",
                up - base
            );
        }
        if let Some(down) = down {
            assert!(
                base - down >= price - TOLERANCE * (1.0 + scale),
                "{name}: v(b) - v(b-1) = {} is below the shadow price {price}",
                base - down
            );
        }
        if let (Some(up), Some(down)) = (up, down)
            && close(up - base, base - down, scale)
        {
            assert!(close(up - base, price, scale), "{name}: +1 changes the objective by {} but the shadow price is {price}", up - base);
            exact += 1;
        }
    }
    exact
}

/// All checks on one instance, for one backend. Returns the count of exact finite-difference
/// confirmations.
pub fn assert_all_checks(instance: &Instance, backend: Backend) -> usize {
    let (mut formulation, plan) = solve_optimal(instance, backend);
    // Where value shares made the solve branch to keep the curves exact, the prices are those
    // of the branch's LP (curve pieces fixed at bends); every check is on that LP.
    if let Some(exact) = &plan.lp.exact_lp {
        formulation.lp = exact.clone();
    }
    assert_feasible(&formulation.lp, &plan);
    assert_strong_duality(&formulation.lp, &plan);
    assert_complementary_slackness(&formulation.lp, &plan);
    // Reported planner-facing prices of hour rows are the raw row duals.
    for constraint in plan.constraints.iter().filter(|c| c.unit.is_hours()) {
        let row = formulation.lp.rows.iter().position(|r| r.name == constraint.id).unwrap();
        assert_eq!(constraint.shadow_price, plan.lp.row_duals[row], "{}", constraint.id);
    }
    let rows = (0..formulation.lp.rows.len()).filter(|&row| !formulation.kinds[row].is_internal());
    assert_finite_differences(&formulation, &plan, rows, backend)
}

/// The value of one more hour of capacity of resource `r` and the loss of one hour less, by
/// re-solving (with microlp) with the capacity moved by one hour either way.
pub fn one_sided_capacity_values(formulation: &Formulation, r: usize, objective: f64) -> (f64, f64) {
    let row =
        formulation.row_of(capplan::formulation::ConstraintKind::Capacity { resource: r }).expect("every resource has a capacity row");
    let up = optimum_with_rhs(&formulation.lp, row, 1.0, Backend::Microlp).expect("more capacity stays feasible");
    let down = optimum_with_rhs(&formulation.lp, row, -1.0, Backend::Microlp).unwrap_or(f64::NEG_INFINITY);
    (up - objective, objective - down)
}

/// Relative tolerance for comparing an interior-point (clarabel) answer with a simplex one:
/// clarabel stops at a relative accuracy of about 1e-8 of the problem's largest numbers, and its
/// dual is solved separately, so its prices carry the error of two solves.
pub const CROSS_BACKEND_TOLERANCE: f64 = 1e-5;

/// Largest violation (relative, as `LinearProgram::max_violation`) of an interior-point plan that
/// capplan accepts: the bound checked in `solve_lp`.
pub const INTERIOR_POINT_FEASIBILITY: f64 = 1e-5;

/// What the cross-backend check found on one instance.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CrossCheck {
    /// Rows whose shadow price is unique (equal one-sided finite differences), compared exactly.
    pub unique_prices: usize,
    /// Rows at a kink of the optimal value (degenerate: a range of valid duals); both backends'
    /// prices were checked to lie in the range instead.
    pub degenerate_prices: usize,
    /// 1 when capplan refused clarabel's answer with an internal error (a status the simplex
    /// contradicts, a point outside the feasibility bound, a duality gap) while microlp solved
    /// the instance.
    pub clarabel_refused: usize,
}

/// microlp and clarabel agree on one optimal instance: the objective, the feasibility of both
/// plans, and every planner-facing shadow price where the dual is unique.
///
/// Uniqueness is detected with one-sided finite differences from microlp re-solves: the optimal
/// value is concave in each right-hand side, so when `v(b+1) - v(b)` equals `v(b) - v(b-1)` it
/// is linear around `b`, the dual of that row is unique, and both backends must report it.
/// Otherwise `b` sits at a kink and any price in `[v(b+1) - v(b), v(b) - v(b-1)]` is a valid
/// dual (the backends may pick different vertices of the dual); both must lie in that range.
pub fn assert_backends_agree(instance: &Instance) -> CrossCheck {
    let (formulation, simplex) = solve_optimal(instance, Backend::Microlp);
    let (_, interior) = solve_optimal(instance, Backend::Clarabel);
    // Plans found by branching (exact curves under value shares) are checked on the LP of their
    // branch; where the two backends ended in different branches only the optimum is compared.
    let lp = simplex.lp.exact_lp.as_ref().unwrap_or(&formulation.lp);
    if simplex.lp.exact_lp != interior.lp.exact_lp {
        let scale = simplex.objective.abs().max(lp_scale(lp));
        assert!((simplex.objective - interior.objective).abs() <= CROSS_BACKEND_TOLERANCE * (1.0 + scale), "objectives differ");
        return CrossCheck::default();
    }
    let scale = simplex.objective.abs().max(lp_scale(lp));
    let agree = |a: f64, b: f64| (a - b).abs() <= CROSS_BACKEND_TOLERANCE * (1.0 + scale);
    assert!(
        agree(simplex.objective, interior.objective),
        "objectives differ: microlp {} clarabel {}",
        simplex.objective,
        interior.objective
    );
    assert_feasible(lp, &simplex);
    // An interior-point point is accepted by solve_lp up to 1e-5 (relative) outside a bound.
    let violation = lp.max_violation(&interior.lp.values);
    assert!(violation <= INTERIOR_POINT_FEASIBILITY, "clarabel's plan violates the constraints by {violation}");
    let mut found = CrossCheck::default();
    for row in (0..lp.rows.len()).filter(|&row| !formulation.kinds[row].is_internal()) {
        let name = &lp.rows[row].name;
        let (a, b) = (simplex.lp.row_duals[row], interior.lp.row_duals[row]);
        let up = optimum_with_rhs(lp, row, 1.0, Backend::Microlp).map(|v| v - simplex.objective);
        let down = optimum_with_rhs(lp, row, -1.0, Backend::Microlp).map(|v| simplex.objective - v);
        match (up, down) {
            (Some(up), Some(down)) if close(up, down, scale) => {
                assert!(agree(a, b), "{name}: unique shadow price {up}, but microlp says {a} and clarabel {b}");
                found.unique_prices += 1;
            }
            (up, down) => {
                let low = up.unwrap_or(f64::NEG_INFINITY) - CROSS_BACKEND_TOLERANCE * (1.0 + scale);
                let high = down.unwrap_or(f64::INFINITY) + CROSS_BACKEND_TOLERANCE * (1.0 + scale);
                for (backend, price) in [("microlp", a), ("clarabel", b)] {
                    assert!((low..=high).contains(&price), "{name}: {backend}'s shadow price {price} is outside [{up:?}, {down:?}]");
                }
                found.degenerate_prices += 1;
            }
        }
    }
    found
}

fn optimum_with_shift(lp: &LinearProgram, variable: usize, delta: f64, backend: Backend) -> f64 {
    let mut changed = lp.clone();
    changed.variables[variable].objective += delta;
    match solve_lp(&changed, backend).expect("re-solve runs") {
        LpOutcome::Optimal { objective, .. } => objective,
        other => panic!("shifting {} by {delta} gave {other:?}", lp.variables[variable].name),
    }
}

/// The sensitivity report agrees with independent re-solves: for every hour limit, moving it
/// half-way through each one-sided range changes the objective by that side's value per unit,
/// at the end of a finite range still does, and half as far again beyond the end no longer does
/// (the curve bends there); the Excel-style allowable increase and decrease are those ranges
/// when the reported price is that side's value, else 0. For every allocation, shifting its
/// value per hour within its range keeps the plan's own line, and beyond it another plan does
/// better. Returns the number of confirmations.
pub fn assert_ranges_hold(instance: &Instance, backend: Backend) -> usize {
    let formulation = capplan::formulation::formulate(instance);
    let report = capplan::analysis::ranging::solve_with_sensitivity(instance, backend).expect("solve with sensitivity succeeds");
    let Some(plan) = report.plan else {
        return 0;
    };
    let sensitivity = plan.sensitivity.as_ref().expect("sensitivity requested");
    // Ranges of a plan found by branching (exact curves under value shares) are those of the
    // branch's LP.
    let lp = plan.lp.exact_lp.as_ref().unwrap_or(&formulation.lp);
    let base = plan.objective;
    let scale = base.abs().max(lp_scale(lp));
    let mut confirmed = 0;
    for range in sensitivity.constraints.iter().filter(|range| range.ranged && range.unit.is_hours()) {
        let row = lp.rows.iter().position(|r| r.name == range.id).unwrap();
        for (side, sign) in [(&range.next_unit, 1.0), (&range.last_unit, -1.0)] {
            let Some(value) = side.value else {
                // No plan beyond the limit on this side.
                assert!(
                    optimum_with_rhs(lp, row, sign * 1e-3 * (1.0 + lp.rows[row].rhs.abs()), backend).is_none(),
                    "{}: said infeasible beyond",
                    range.id
                );
                continue;
            };
            let reach = side.over.unwrap_or(20.0);
            if reach <= 1e-6 {
                continue;
            }
            for fraction in [0.5, 1.0] {
                let step = sign * fraction * reach;
                let moved = optimum_with_rhs(lp, row, step, backend).unwrap_or_else(|| panic!("{}: infeasible inside its range", range.id));
                assert!(
                    close(moved, base + value * step, scale),
                    "{}: moved by {step}, objective {moved}, expected {}",
                    range.id,
                    base + value * step
                );
                confirmed += 1;
            }
            if side.over.is_some() {
                // Beyond the range the curve bends down (concavity): it never rises above the line.
                // The bend is only observable when it moves the objective by more than the
                // tolerance; a range of a ten-thousandth of an hour on values of 1e5 per hour
                // does not, and is then confirmed by the equalities inside it alone.
                let step = sign * 1.5 * reach;
                if let Some(moved) = optimum_with_rhs(lp, row, step, backend) {
                    assert!(
                        moved <= base + value * step + TOLERANCE * (1.0 + scale),
                        "{}: the value {value} is exceeded at {step}, beyond its range",
                        range.id
                    );
                    if moved < base + value * step - TOLERANCE * (1.0 + scale) {
                        confirmed += 1;
                    }
                }
            }
        }
        for (allowable, side) in [(range.allowable_increase, &range.next_unit), (range.allowable_decrease, &range.last_unit)] {
            // Prices compare relative to their own size: a floor that costs 1 EUR per hour
            // differs from one that costs nothing even on an objective of millions.
            let expected = match side.value {
                Some(value) if close(value, range.shadow_price, value.abs().max(range.shadow_price.abs())) => side.over,
                _ => Some(0.0),
            };
            assert_eq!(allowable, expected, "{}: allowable range does not follow from the one-sided values", range.id);
        }
    }
    let hours_variables: Vec<usize> = formulation.hours.iter().flatten().copied().collect();
    for (allocation, &variable) in sensitivity.allocations.iter().zip(&hours_variables) {
        let planned = plan.lp.values[variable];
        for (allowable, sign) in [(allocation.allowable_increase, 1.0), (allocation.allowable_decrease, -1.0)] {
            let reach = allowable.unwrap_or(20.0);
            if reach <= 1e-6 {
                continue;
            }
            let delta = sign * 0.5 * reach;
            let shifted = optimum_with_shift(lp, variable, delta, backend);
            assert!(close(shifted, base + delta * planned, scale), "{}: shift {delta} changes the plan", lp.variables[variable].name);
            if allowable.is_some() {
                // Beyond the range another plan does better (the optimum is convex in the value
                // per hour): never worse than the plan's own line, and better by a measurable
                // amount wherever the range is wide enough to show it.
                let delta = sign * 1.5 * reach;
                let shifted = optimum_with_shift(lp, variable, delta, backend);
                assert!(
                    shifted >= base + delta * planned - TOLERANCE * (1.0 + scale),
                    "{}: the optimum falls below the plan's own line at {delta}",
                    lp.variables[variable].name
                );
                if shifted > base + delta * planned + TOLERANCE * (1.0 + scale) {
                    confirmed += 1;
                }
            }
            confirmed += 1;
        }
    }
    confirmed
}
