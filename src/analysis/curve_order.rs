//! Exact response curves under value shares: the LP fills curve pieces in order, or capplan
//! branches until it does.
//!
//! The LP writes a customer's value as `sum of slope x hours on piece k`. The objective alone
//! fills the pieces of a concave curve in order (the steeper first), but a row that counts value
//! against the plan — a value share, or a customer whose priority weight 0 leaves its pieces
//! without objective — can make the LP fill a flat piece before a steep one: the hours then
//! "return" a value the curve does not give, and the optimum is that of a relaxation. After each
//! solve capplan rewrites every allocation's pieces in curve order; if that point is still
//! feasible and as good, it is the exact optimum. Otherwise it branches on the first allocation
//! whose pieces are out of order, at the end of the first piece left unfilled: one branch keeps
//! the hours at or below that bend (later pieces empty), the other at or above it (earlier pieces
//! full). Each branch is the same LP with tighter piece bounds, so its optimum bounds every plan
//! below it; the best plan whose pieces are in order is the exact optimum of the documented
//! model (depth-first, pruned by that bound). Shadow prices are those of the LP of the branch
//! where the optimum lies, i.e. of the exact model around the optimal plan.

use std::time::Instant;

use crate::formulation::{Formulation, LinearProgram};
use crate::solve::session::Session;
use crate::solve::{Backend, LpOutcome, SolveError, session_outcome, solve_formulation_lp};

/// Branches explored before capplan gives up and says so (an internal error, never a wrong plan).
pub const MAX_BRANCH_NODES: usize = 4096;

/// The exact solve: the outcome, the prices a backend found itself (separable), and the
/// formulation of the branch where the optimum lies (the root when no branching was needed).
pub struct OrderedSolve {
    /// How the solve of the branch where the optimum lies ended.
    pub outcome: LpOutcome,
    /// The row duals the backend found itself, per LP row of `formulation` (the separable backend's
    /// exact fill); `None`: the duals are computed from the solution.
    pub row_prices: Option<Vec<f64>>,
    /// The formulation of the branch where the result lies (the root's, with curve pieces fixed
    /// at their bends where branching was needed); `None` when that is the formulation given (no
    /// branching, or none of the branches feasible): a copy of a 100,000-customer formulation took
    /// 180 MB.
    pub formulation: Option<Formulation>,
    /// LPs solved beyond the first (0 when the pieces came out in order).
    pub branches: usize,
    /// The backend that solved the branch where the optimum lies (its duals are computed with
    /// it): the one asked for, except that branches are solved by the simplex method where
    /// clarabel was asked for and the model is small enough, because a branch fixes curve pieces
    /// at their full length, bounds that leave an interior-point method no interior.
    pub backend: Backend,
}

/// The best branch so far: its formulation, values, objective and row prices (when the backend
/// gave them).
type Incumbent = (Formulation, Vec<f64>, f64, Option<Vec<f64>>);

/// Solves `formulation` with its response curves exact (see the module documentation).
pub fn solve_in_curve_order(formulation: &Formulation, backend: Backend, deadline: Option<Instant>) -> Result<OrderedSolve, SolveError> {
    let mut session = (backend == Backend::Engine).then(|| Session::new(&formulation.lp));
    solve_in_curve_order_on(formulation, backend, deadline, session.as_mut())
}

/// As [`solve_in_curve_order`], on `session` when the backend is capplan's engine: a session of
/// a program of the formulation's shape ([`Session::same_shape`]), brought to it warm. The
/// session is left at the branch where the optimum lies.
pub fn solve_in_curve_order_on(
    formulation: &Formulation,
    backend: Backend,
    deadline: Option<Instant>,
    session: Option<&mut Session>,
) -> Result<OrderedSolve, SolveError> {
    search(formulation, backend, deadline, session, false)
}

/// The depth-first search of [`solve_in_curve_order_on`]. `root_loaded`: the session already
/// stands at `formulation` (the caller changed or relaxed its rows to get there, and `formulation`
/// describes that program), so the root is solved as it stands and only the branches' piece
/// bounds are brought to the session.
fn search(
    formulation: &Formulation,
    backend: Backend,
    deadline: Option<Instant>,
    mut session: Option<&mut Session>,
    root_loaded: bool,
) -> Result<OrderedSolve, SolveError> {
    // capplan's engine keeps one session for the root and every branch: a branch differs from
    // its parent only in piece bounds, and re-solves warm from the parent's basis.
    let mut solve_node = |node: &Formulation, backend: Backend, root: bool| -> Result<(LpOutcome, Option<Vec<f64>>), SolveError> {
        match session.as_mut() {
            Some(session) => {
                match (root, root_loaded) {
                    (true, true) => {}
                    (true, false) => session.update_to(&node.lp),
                    (false, _) => session.update_bounds_to(&node.lp),
                }
                session_outcome(session, deadline)
            }
            None => solve_formulation_lp(node, backend, deadline),
        }
    };
    let (outcome, row_prices) = solve_node(formulation, backend, true)?;
    let LpOutcome::Optimal { values, objective } = outcome else {
        return Ok(OrderedSolve { outcome, row_prices, formulation: None, branches: 0, backend });
    };
    let first = match in_order(formulation, values, objective) {
        Ok(values) => {
            return Ok(OrderedSolve {
                outcome: LpOutcome::Optimal { values, objective },
                row_prices,
                formulation: None,
                branches: 0,
                backend,
            });
        }
        Err(split) => split,
    };
    let small = formulation.lp.variables.len() <= crate::solve::SIMPLEX_MAX_VARIABLES;
    let backend = if backend == Backend::Clarabel && small { Backend::Microlp } else { backend };

    let mut incumbent: Option<Incumbent> = None;
    let mut stack: Vec<Formulation> = branches(formulation, first).into_iter().rev().collect();
    let mut solved = 0;
    while let Some(node) = stack.pop() {
        solved += 1;
        if solved > MAX_BRANCH_NODES {
            return Err(SolveError(format!(
                "value shares made the response curves need more than {MAX_BRANCH_NODES} branches to be exact; \
                 capplan does not report the relaxed plan (a share of a fixed base, [diversification] \
                 value_share_base = \"current\", usually needs fewer)"
            )));
        }
        let (outcome, prices) = solve_node(&node, backend, false)?;
        let (values, objective) = match outcome {
            LpOutcome::Optimal { values, objective } => (values, objective),
            LpOutcome::Infeasible => continue,
            // A branch only tightens bounds of a bounded relaxation; the rest cannot happen
            // unless time ran out.
            LpOutcome::TimeLimit => {
                return Ok(OrderedSolve {
                    outcome: LpOutcome::TimeLimit,
                    row_prices: None,
                    formulation: Some(node),
                    branches: solved,
                    backend,
                });
            }
            LpOutcome::Unbounded => {
                return Ok(OrderedSolve {
                    outcome: LpOutcome::Unbounded,
                    row_prices: None,
                    formulation: Some(node),
                    branches: solved,
                    backend,
                });
            }
        };
        if let Some((_, _, best, _)) = &incumbent
            && objective <= *best + 1e-9 * best.abs().max(1.0)
        {
            continue;
        }
        match in_order(&node, values, objective) {
            Ok(values) => incumbent = Some((node, values, objective, prices)),
            Err(split) => stack.extend(branches(&node, split).into_iter().rev()),
        }
    }
    Ok(match incumbent {
        Some((node, values, objective, prices)) => OrderedSolve {
            outcome: LpOutcome::Optimal { values, objective },
            row_prices: prices,
            formulation: Some(node),
            branches: solved,
            backend,
        },
        // Every branch is infeasible: no plan meets the shares once values come from the curves.
        None => OrderedSolve { outcome: LpOutcome::Infeasible, row_prices: None, formulation: None, branches: solved, backend },
    })
}

/// Re-solves a session warm, from its last basis, with the curves exact: the warm optimum when
/// its pieces are in curve order, else the branching solve of [`solve_in_curve_order`], its
/// branches warm on the same session. The program solved is the session's own as the caller
/// changed it (right-hand sides, bounds, rows relaxed away); `formulation`, of the session's
/// shape, gives its curve pieces, and is copied only when branching is needed. The session's
/// bounds are those it had on entry again on return. Only the outcome is returned (the analyses
/// that re-solve want the optimum, not prices).
pub fn resolve_warm(session: &mut Session, formulation: &Formulation, deadline: Option<Instant>) -> Result<LpOutcome, SolveError> {
    let (outcome, _) = session_outcome(session, deadline)?;
    let LpOutcome::Optimal { values, objective } = outcome else {
        return Ok(outcome);
    };
    let lp = session.program();
    if let Ok(values) = in_order_of(formulation, lp, |point| session.max_violation(point), values, objective) {
        return Ok(LpOutcome::Optimal { values, objective });
    }
    // The program as it stands, for the branches: its rows in force and its bounds (the rows'
    // constraint kinds are not read by the search).
    let mut root = formulation.clone();
    root.lp = session.active_program();
    let ordered = search(&root, Backend::Engine, deadline, Some(&mut *session), true);
    // Bounds only: the rows stand as the caller set them (a step, a row relaxed away).
    session.update_bounds_to(&root.lp);
    Ok(ordered?.outcome)
}

/// Where to branch: the allocation (customer, resource) and the piece whose end is the bend.
#[derive(Debug, Clone, Copy)]
struct Split {
    customer: usize,
    resource: usize,
    piece: usize,
}

/// The LP point with every allocation's pieces rewritten in curve order, if that point is still
/// feasible and as good; otherwise the first out-of-order allocation to branch on.
fn in_order(formulation: &Formulation, values: Vec<f64>, objective: f64) -> Result<Vec<f64>, Split> {
    in_order_of(formulation, &formulation.lp, |point| formulation.lp.max_violation(point), values, objective)
}

/// As [`in_order`], for the program `lp` of the formulation's shape, whose violation at a point
/// `violation` measures (a session's, without the rows it relaxed).
fn in_order_of(
    formulation: &Formulation,
    lp: &LinearProgram,
    violation: impl Fn(&[f64]) -> f64,
    values: Vec<f64>,
    objective: f64,
) -> Result<Vec<f64>, Split> {
    let mut ordered = values.clone();
    let mut first_split = None;
    for (customer, per_resource) in formulation.pieces.iter().enumerate() {
        for (resource, pieces) in per_resource.iter().enumerate() {
            let hours = values[formulation.hours[customer][resource]].max(0.0);
            // Solver noise on the pieces is relative to the allocation's hours.
            let tolerance = 1e-7 * (1.0 + hours);
            let mut remaining = hours;
            let mut unfilled = None;
            for (k, &variable) in pieces.iter().enumerate() {
                let bounds = &lp.variables[variable];
                let had = values[variable];
                if had > tolerance
                    && let Some(short) = unfilled
                    && first_split.is_none()
                {
                    first_split = Some(Split { customer, resource, piece: short });
                }
                if unfilled.is_none() && bounds.upper.is_finite() && had < bounds.upper - tolerance {
                    unfilled = Some(k);
                }
                let fill = remaining.min(bounds.upper).max(bounds.lower);
                ordered[variable] = fill;
                remaining -= fill;
            }
        }
    }
    if ordered == values {
        return Ok(values);
    }
    // The rewritten point may carry the solver's own rounding, not more.
    let allowed = (2.0 * violation(&values)).max(1e-9);
    let feasible = violation(&ordered) <= allowed;
    let as_good = lp.objective_value(&ordered) >= objective - 1e-9 * objective.abs().max(1.0);
    match first_split {
        _ if feasible && as_good => Ok(ordered),
        // Out of order by no more than noise: the solver's own point stands.
        None => Ok(values),
        Some(split) => Err(split),
    }
}

/// The two branches at a split: hours at most the end of the piece (every later piece empty),
/// and at least it (this piece and every earlier one full).
fn branches(formulation: &Formulation, split: Split) -> [Formulation; 2] {
    let pieces = &formulation.pieces[split.customer][split.resource];
    let mut below = formulation.clone();
    for &variable in &pieces[split.piece + 1..] {
        below.lp.variables[variable].upper = 0.0;
        below.lp.variables[variable].lower = 0.0;
    }
    let mut above = formulation.clone();
    for &variable in &pieces[..=split.piece] {
        let upper = above.lp.variables[variable].upper;
        above.lp.variables[variable].lower = upper;
    }
    [below, above]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formulation::{ConstraintKind, formulate};
    use crate::generate::{Settings, generate};
    use crate::model::Instance;

    /// Issue 9: a warm re-solve out of curve order branches on the plan's own session (no cold
    /// reload); each floor dropped that way must reach the optimum a cold branching solve of the
    /// model without that floor reaches.
    #[test]
    fn issue9_warm_branching_matches_a_cold_solve() {
        let settings = Settings { diversify: true, ..Settings::new(200, 3) };
        let instance = Instance::from_toml_str("generated.toml", &generate(&settings)).unwrap();
        let engineering = instance.resource_index("engineering").unwrap();
        let tight = instance.resources()[engineering].capacity_hours() * 0.9;
        let instance = instance.with_capacity_hours(engineering, tight).unwrap();
        let formulation = formulate(&instance);
        let mut session = Session::new(&formulation.lp);
        let root = solve_in_curve_order_on(&formulation, Backend::Engine, None, Some(&mut session)).unwrap();
        assert!(matches!(root.outcome, LpOutcome::Optimal { .. }));
        session.update_to(&formulation.lp);
        let floors: Vec<usize> =
            (0..formulation.kinds.len()).filter(|&i| matches!(formulation.kinds[i], ConstraintKind::Floor { .. })).collect();
        assert!(!floors.is_empty());
        let mut branched = 0;
        for row in floors {
            session.relax_row(row, true);
            if let (LpOutcome::Optimal { values, objective }, _) = session_outcome(&mut session, None).unwrap() {
                let lp = session.program();
                branched += usize::from(in_order_of(&formulation, lp, |point| session.max_violation(point), values, objective).is_err());
            }
            let warm = resolve_warm(&mut session, &formulation, None).unwrap();
            session.relax_row(row, false);
            let mut without = formulation.clone();
            without.lp.rows.remove(row);
            without.kinds.remove(row);
            let cold = solve_in_curve_order(&without, Backend::Engine, None).unwrap().outcome;
            match (warm, cold) {
                (LpOutcome::Optimal { objective: warm, .. }, LpOutcome::Optimal { objective: cold, .. }) => {
                    assert!((warm - cold).abs() <= 1e-7 * cold.abs().max(1.0), "floor row {row}: warm {warm} cold {cold}");
                }
                (warm, cold) => assert_eq!(warm, cold, "floor row {row}"),
            }
            // The session is back at the plan's program: its bounds as formulated.
            assert!(
                session.program().variables.iter().zip(&formulation.lp.variables).all(|(a, b)| a.lower == b.lower && a.upper == b.upper)
            );
        }
        assert!(branched > 0, "no floor's re-solve needed branching: the test does not reach the warm branches");
    }
}
