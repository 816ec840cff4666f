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
