//! The engine on its own form (`A x - r = 0`), without presolve.

use super::*;

fn problem(columns: Vec<Vec<(usize, f64)>>, rows: usize, cost: Vec<f64>, lower: Vec<f64>, upper: Vec<f64>) -> Problem {
    Problem { columns, rows, cost, lower, upper }
}

#[test]
fn phase_one_finds_a_point_in_a_range_row() {
    // min x + y  s.t.  3 <= x + y <= 5, x - y = 1: x = 2, y = 1.
    let columns = vec![vec![(0, 1.0), (1, 1.0)], vec![(0, 1.0), (1, -1.0)]];
    let inf = f64::INFINITY;
    let mut engine = Engine::new(problem(columns, 2, vec![1.0, 1.0], vec![0.0, 0.0, 3.0, 1.0], vec![inf, inf, 5.0, 1.0]));
    assert_eq!(engine.solve(None), EngineStatus::Optimal);
    let x = engine.values();
    assert!((x[0] - 2.0).abs() < 1e-9 && (x[1] - 1.0).abs() < 1e-9, "{x:?}");
    let y = engine.row_duals();
    // d(min)/d(row bound): the range row's lower bound binds at 1 per unit.
    assert!((y[0] - 1.0).abs() < 1e-9, "{y:?}");
}

#[test]
fn singular_starting_point_is_repaired() {
    // Two identical columns: the kernel can never hold both.
    let columns = vec![vec![(0, 1.0), (1, 1.0)], vec![(0, 1.0), (1, 1.0)]];
    let inf = f64::INFINITY;
    let mut engine = Engine::new(problem(columns, 2, vec![-1.0, -2.0], vec![0.0, 0.0, -inf, -inf], vec![inf, inf, 4.0, 6.0]));
    assert_eq!(engine.solve(None), EngineStatus::Optimal);
    let x = engine.values();
    assert!((x[0] + x[1] - 4.0).abs() < 1e-9 && (2.0 * x[1] + x[0] - 8.0).abs() < 1e-9, "{x:?}");
}

/// Issue 9: a warm solve after a moved right-hand side updates the basic values by one `ftran`
/// and, from a basis known to be dual feasible, skips the pricing passes; each re-solve must
/// still reach the optimum a cold engine finds on the changed program, pass the full check, and
/// come back to the saved basis on `restore`.
#[test]
fn issue9_warm_solves_after_moved_bounds_match_cold_solves() {
    // min -3a - 2b - 4c - d  s.t.  a + b + c + d <= r0, a + 2c <= r1, b + c - d <= r2, 0 <= each <= 5.
    let columns = vec![vec![(0, 1.0), (1, 1.0)], vec![(0, 1.0), (2, 1.0)], vec![(0, 1.0), (1, 2.0), (2, 1.0)], vec![(0, 1.0), (2, -1.0)]];
    let cost = vec![-3.0, -2.0, -4.0, -1.0];
    let inf = f64::INFINITY;
    let program = |rhs: [f64; 3]| {
        problem(
            columns.clone(),
            3,
            cost.clone(),
            vec![0.0, 0.0, 0.0, 0.0, -inf, -inf, -inf],
            vec![5.0, 5.0, 5.0, 5.0, rhs[0], rhs[1], rhs[2]],
        )
    };
    let objective = |engine: &Engine| engine.values().iter().zip(&cost).map(|(x, c)| x * c).sum::<f64>();
    let mut rhs = [10.0, 8.0, 6.0];
    let mut warm = Engine::new(program(rhs));
    assert_eq!(warm.solve(None), EngineStatus::Optimal);
    let saved = warm.save();
    let saved_objective = objective(&warm);
    let moves = [(0, 9.0), (0, 7.0), (1, 6.0), (2, 2.0), (0, 12.0), (1, 3.0), (2, 0.0), (0, 4.0), (1, 8.0)];
    let mut warm_pivots = 0;
    for (row, value) in moves {
        rhs[row] = value;
        warm.set_bounds(4 + row, -inf, value);
        assert_eq!(warm.solve(None), EngineStatus::Optimal, "rhs {rhs:?}");
        warm_pivots += warm.iterations;
        assert!(warm.confirm_optimal(), "rhs {rhs:?}: the warm basis fails the full check");
        let mut cold = Engine::new(program(rhs));
        assert_eq!(cold.solve(None), EngineStatus::Optimal);
        assert!((objective(&warm) - objective(&cold)).abs() < 1e-9, "rhs {rhs:?}: {} warm, {} cold", objective(&warm), objective(&cold));
        for (i, (&activity, &bound)) in warm.activities().iter().zip(&rhs).enumerate() {
            let from_values: f64 =
                columns.iter().zip(warm.values()).map(|(column, x)| column.iter().filter(|e| e.0 == i).map(|e| e.1 * x).sum::<f64>()).sum();
            assert!((activity - from_values).abs() < 1e-9 && activity <= bound + 1e-9, "rhs {rhs:?}, row {i}: {activity} vs {from_values}");
        }
    }
    assert!(warm_pivots <= 3 * moves.len(), "{warm_pivots} pivots for {} moves", moves.len());
    warm.restore(&saved);
    assert_eq!(warm.solve(None), EngineStatus::Optimal);
    assert_eq!(warm.iterations, 0, "back at the saved optimum, a solve has nothing to do");
    assert!((objective(&warm) - saved_objective).abs() < 1e-12);
}

/// Whether `engine` carries duals and reduced costs for its current factor; asserts they are a
/// fresh pricing of its own basis and costs.
fn carried_is_fresh(engine: &mut Engine, step: usize) -> bool {
    let Some(carried) = engine.dual_state.clone() else { return false };
    if carried.factor != engine.factor_id || engine.factor.as_ref().is_none_or(|factor| factor.eta_count() >= REFACTOR_EVERY) {
        return false;
    }
    let y = engine.scaled_row_duals();
    for (i, (&a, &b)) in carried.y.iter().zip(&y).enumerate() {
        assert!((a - b).abs() <= 1e-9 * (1.0 + b.abs()), "step {step}, row {i}: carried dual {a}, fresh {b}");
    }
    for j in (0..engine.x.len()).filter(|&j| !engine.is_basic(j)) {
        let (d, size) = engine.reduced_cost(j, engine.cost_of(j), &y);
        let c = carried.reduced[j].0;
        assert!((c - d).abs() <= 1e-9 * (1.0 + size), "step {step}, variable {j}: carried reduced cost {c}, fresh {d}");
    }
    true
}

/// Issue 9: the row duals and reduced costs a warm solve starts from are carried between solves
/// (priced once per factor, updated through dual pivots, one entry recomputed when a nonbasic's
/// cost changes) and the end-of-walk confirmation prices only what moved since the last full
/// check. Through a run of moved bounds, changed costs (of basic and nonbasic variables), saves
/// and restores: every warm solve reaches a cold engine's optimum, with the same row duals where
/// it holds the same basis; the carried state always equals a fresh pricing of the engine's own
/// basis; the cheap confirmation answers as the full pass does; and a basis made wrong by a cost
/// change is caught by it.
#[test]
fn issue9_carried_duals_stay_those_of_the_basis_through_moved_bounds_and_costs() {
    let inf = f64::INFINITY;
    // min c'x  s.t.  four rows over six boxed columns (rows as `<=` limits).
    let columns = vec![
        vec![(0, 1.0), (1, 2.0)],
        vec![(0, 1.0), (2, 1.0), (3, 1.0)],
        vec![(1, 1.0), (2, 3.0)],
        vec![(0, 2.0), (3, -1.0)],
        vec![(1, 1.0), (2, 1.0), (3, 2.0)],
        vec![(0, 1.0), (1, 1.0), (2, 1.0), (3, 1.0)],
    ];
    let mut cost = vec![-3.0, -2.0, -4.0, -1.0, -2.5, -1.5];
    let mut lower = vec![0.0; 6];
    let mut upper = vec![4.0, 5.0, 3.0, 6.0, 4.0, 5.0];
    let mut rhs = [9.0, 8.0, 10.0, 7.0];
    let program = |cost: &[f64], lower: &[f64], upper: &[f64], rhs: &[f64; 4]| {
        let mut l = lower.to_vec();
        let mut u = upper.to_vec();
        l.extend([-inf; 4]);
        u.extend(rhs.iter().copied());
        problem(columns.clone(), 4, cost.to_vec(), l, u)
    };
    let objective = |engine: &Engine, cost: &[f64]| engine.values().iter().zip(cost).map(|(x, c)| x * c).sum::<f64>();
    let mut warm = Engine::new(program(&cost, &lower, &upper, &rhs));
    assert_eq!(warm.solve(None), EngineStatus::Optimal);
    let mut saved = warm.save();
    let mut saved_program = (cost.clone(), lower.clone(), upper.clone(), rhs);
    let mut state: u64 = 12345;
    let mut next = |bound: u64| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) % bound
    };
    let (mut carried_compared, mut duals_compared, mut cheap_confirms, mut cost_changes) = (0, 0, 0, 0);
    for step in 0..600 {
        // One to three changes before each solve: a cost changed and a bound moved together
        // send the dual simplex off from the carried state with the changed entry.
        for _ in 0..1 + next(3) {
            match next(10) {
                0..=4 => {
                    let row = next(4) as usize;
                    rhs[row] = 1.0 + next(120) as f64 / 10.0;
                    warm.set_bounds(6 + row, -inf, rhs[row]);
                }
                5 | 6 => {
                    let j = next(6) as usize;
                    let width = next(60) as f64 / 10.0;
                    lower[j] = (next(20) as f64 / 10.0).min(width);
                    upper[j] = width.max(lower[j]);
                    warm.set_bounds(j, lower[j], upper[j]);
                }
                7 | 8 => {
                    let j = next(6) as usize;
                    cost[j] = -(next(50) as f64) / 10.0;
                    warm.set_cost(j, cost[j]);
                    cost_changes += 1;
                }
                _ => {
                    if next(2) == 0 {
                        saved = warm.save();
                        saved_program = (cost.clone(), lower.clone(), upper.clone(), rhs);
                    } else {
                        warm.restore(&saved);
                        (cost, lower, upper, rhs) = saved_program.clone();
                    }
                }
            }
        }
        // What the dual simplex will start from, after the changes.
        carried_compared += usize::from(carried_is_fresh(&mut warm, step));
        let mut cold = Engine::new(program(&cost, &lower, &upper, &rhs));
        let status = cold.solve(None);
        assert_eq!(warm.solve(None), status, "step {step}");
        if status != EngineStatus::Optimal {
            continue;
        }
        carried_compared += usize::from(carried_is_fresh(&mut warm, step));
        // The cheap confirmation answers as the full pass does.
        if warm.unconfirmed && warm.checked.is_some() {
            let y = warm.scaled_row_duals();
            assert_eq!(warm.dual_feasible_since_check(&y), warm.dual_feasible(&y), "step {step}");
            cheap_confirms += 1;
        }
        assert!(warm.confirm_optimal(), "step {step}: the warm basis fails the check");
        let (w, c) = (objective(&warm, &cost), objective(&cold, &cost));
        assert!((w - c).abs() < 1e-9 * (1.0 + c.abs()), "step {step}: objective {w} warm, {c} cold");
        let basis = |engine: &Engine| {
            let mut basis = engine.basis().to_vec();
            basis.sort_unstable();
            basis
        };
        if basis(&warm) == basis(&cold) {
            for (i, (a, b)) in warm.row_duals().into_iter().zip(cold.row_duals()).enumerate() {
                assert!((a - b).abs() < 1e-9 * (1.0 + b.abs()), "step {step}, row {i}: dual {a} warm, {b} cold");
            }
            duals_compared += 1;
        }
    }
    assert!(
        carried_compared > 50 && duals_compared > 50 && cheap_confirms > 5 && cost_changes > 20,
        "{carried_compared} carried states, {duals_compared} duals, {cheap_confirms} cheap confirmations, {cost_changes} cost changes compared"
    );

    // A basis made wrong under the confirmation's feet: a nonbasic's cost changed so that it
    // should enter, with the solve's verdict left standing. The cheap check must see it.
    let mut engine =
        Engine::new(program(&[-3.0, -2.0, -4.0, -1.0, -2.5, -1.5], &[0.0; 6], &[4.0, 5.0, 3.0, 6.0, 4.0, 5.0], &[9.0, 8.0, 10.0, 7.0]));
    assert_eq!(engine.solve(None), EngineStatus::Optimal);
    let _ = engine.save();
    assert!(engine.checked.is_some(), "the optimum is the reference of the cheap check");
    let at_lower = (0..6)
        .find(|&j| !engine.is_basic(j) && engine.x[j] == engine.problem.lower[j] && engine.problem.upper[j] > engine.problem.lower[j]);
    let at_upper = (0..6)
        .find(|&j| !engine.is_basic(j) && engine.x[j] == engine.problem.upper[j] && engine.problem.upper[j] > engine.problem.lower[j]);
    let (j, wrong_cost) = match (at_lower, at_upper) {
        (Some(j), _) => (j, -100.0),
        (None, Some(j)) => (j, 100.0),
        _ => panic!("no nonbasic structural to make attractive"),
    };
    let restart = engine.save();
    engine.set_cost(j, wrong_cost);
    engine.unconfirmed = true;
    assert!(!engine.confirm_optimal(), "the cheap check passed a basis whose variable {j} should enter");
    // The same through the duals: a basic structural's cost changed (each sign tried) moves `y`,
    // and the basis it leaves dual infeasible must fail the cheap check as the full pass fails it.
    let mut caught = 0;
    let basics: Vec<usize> = (0..6).filter(|&b| engine.is_basic(b)).collect();
    for b in basics {
        for wrong in [-1000.0, 1000.0] {
            engine.restore(&restart);
            engine.set_cost(b, wrong);
            engine.unconfirmed = true;
            let y = engine.scaled_row_duals();
            let full = engine.dual_feasible(&y);
            assert_eq!(engine.confirm_optimal(), full, "basic {b} at cost {wrong}");
            caught += usize::from(!full);
        }
    }
    assert!(caught > 0, "no basic cost change made the basis wrong: the test does not reach the duals' path");
}
