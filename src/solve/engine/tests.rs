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
