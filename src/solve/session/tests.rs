//! Hand-solved LPs through the session: optimum, duals with capplan's sign, statuses, warm
//! re-solves after right-hand side, bound and cost changes.

use super::*;
use crate::formulation::{LpRow, Sense};

fn row(name: &str, terms: Vec<(usize, f64)>, sense: Sense, rhs: f64) -> LpRow {
    LpRow { name: name.into(), terms, sense, rhs }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-7 * (1.0 + b.abs())
}

/// max 3x + 2y  s.t.  x + y <= 4,  x + 3y <= 9,  0 <= x <= 3, y >= 0: x = 3, y = 1, duals 2, 0.
fn textbook() -> LinearProgram {
    let mut lp = LinearProgram::default();
    let x = lp.add_variable("x".into(), 0.0, 3.0, 3.0);
    let y = lp.add_variable("y".into(), 0.0, f64::INFINITY, 2.0);
    lp.rows.push(row("a", vec![(x, 1.0), (y, 1.0)], Sense::Le, 4.0));
    lp.rows.push(row("b", vec![(x, 1.0), (y, 3.0)], Sense::Le, 9.0));
    lp
}

#[test]
fn textbook_optimum_and_duals() {
    let mut session = Session::new(&textbook());
    assert_eq!(session.solve(None).unwrap(), SessionStatus::Optimal);
    let values = session.values();
    assert!(close(values[0], 3.0) && close(values[1], 1.0), "{values:?}");
    assert!(close(session.objective(), 11.0));
    let duals = session.row_duals();
    assert!(close(duals[0], 2.0) && close(duals[1], 0.0), "{duals:?}");
}

#[test]
fn binding_floor_has_a_negative_dual() {
    let mut lp = LinearProgram::default();
    let x = lp.add_variable("x".into(), 0.0, f64::INFINITY, -5.0);
    lp.rows.push(row("floor", vec![(x, 1.0)], Sense::Ge, 2.0));
    let mut session = Session::new(&lp);
    assert_eq!(session.solve(None).unwrap(), SessionStatus::Optimal);
    assert!(close(session.values()[0], 2.0));
    assert!(close(session.row_duals()[0], -5.0));
}

#[test]
fn infeasible_rows_are_reported_infeasible() {
    let mut lp = LinearProgram::default();
    let x = lp.add_variable("x".into(), 0.0, 10.0, 1.0);
    let y = lp.add_variable("y".into(), 0.0, 10.0, 1.0);
    lp.rows.push(row("sum_le", vec![(x, 1.0), (y, 1.0)], Sense::Le, 3.0));
    lp.rows.push(row("sum_ge", vec![(x, 1.0), (y, 1.0)], Sense::Ge, 5.0));
    let mut session = Session::new(&lp);
    assert_eq!(session.solve(None).unwrap(), SessionStatus::Infeasible);
}

#[test]
fn unbounded_direction_is_reported_unbounded() {
    let mut lp = LinearProgram::default();
    let x = lp.add_variable("x".into(), 0.0, f64::INFINITY, 1.0);
    let y = lp.add_variable("y".into(), 0.0, f64::INFINITY, 1.0);
    lp.rows.push(row("diff", vec![(x, 1.0), (y, -1.0)], Sense::Le, 2.0));
    let mut session = Session::new(&lp);
    assert_eq!(session.solve(None).unwrap(), SessionStatus::Unbounded);
}

#[test]
fn bounds_only_program_rests_each_variable_at_its_best_bound() {
    let mut lp = LinearProgram::default();
    lp.add_variable("up".into(), -1.0, 4.0, 2.0);
    lp.add_variable("down".into(), -3.0, 4.0, -1.0);
    lp.add_variable("free_no_cost".into(), f64::NEG_INFINITY, f64::INFINITY, 0.0);
    let mut session = Session::new(&lp);
    assert_eq!(session.solve(None).unwrap(), SessionStatus::Optimal);
    let values = session.values();
    assert!(close(values[0], 4.0) && close(values[1], -3.0), "{values:?}");
    assert!(close(session.objective(), 11.0));
}

/// A vertex where three rows meet in two dimensions: degenerate; the simplex must still end.
#[test]
fn degenerate_vertex_terminates_with_strong_duality() {
    let mut lp = LinearProgram::default();
    let x = lp.add_variable("x".into(), 0.0, f64::INFINITY, 1.0);
    let y = lp.add_variable("y".into(), 0.0, f64::INFINITY, 1.0);
    lp.rows.push(row("a", vec![(x, 1.0), (y, 1.0)], Sense::Le, 2.0));
    lp.rows.push(row("b", vec![(x, 1.0), (y, -1.0)], Sense::Le, 0.0));
    lp.rows.push(row("c", vec![(x, -1.0), (y, 1.0)], Sense::Le, 0.0));
    lp.rows.push(row("d", vec![(x, 2.0), (y, 1.0)], Sense::Le, 3.0));
    let mut session = Session::new(&lp);
    assert_eq!(session.solve(None).unwrap(), SessionStatus::Optimal);
    assert!(close(session.objective(), 2.0));
    let duals = session.row_duals();
    let dual_objective: f64 = lp.rows.iter().zip(&duals).map(|(r, y)| r.rhs * y).sum();
    assert!(close(dual_objective, 2.0), "{duals:?}");
}

/// An equality row defining a variable (hours = sum of pieces) is substituted away by presolve;
/// its value and its dual come back from postsolve.
#[test]
fn substituted_definition_row_gets_its_value_and_dual_back() {
    let mut lp = LinearProgram::default();
    let hours = lp.add_variable("hours".into(), 0.0, f64::INFINITY, -10.0);
    let first = lp.add_variable("piece1".into(), 0.0, 5.0, 50.0);
    let second = lp.add_variable("piece2".into(), 0.0, 10.0, 20.0);
    lp.rows.push(row("capacity", vec![(hours, 1.0)], Sense::Le, 8.0));
    lp.rows.push(row("response", vec![(hours, 1.0), (first, -1.0), (second, -1.0)], Sense::Eq, 0.0));
    lp.rows.push(row("floor", vec![(hours, 1.0)], Sense::Ge, 1.0));
    let mut session = Session::new(&lp);
    assert_eq!(session.engine_size().0, 2, "the response row is substituted away");
    assert_eq!(session.solve(None).unwrap(), SessionStatus::Optimal);
    let values = session.values();
    assert!(close(values[hours], 8.0) && close(values[first], 5.0) && close(values[second], 3.0), "{values:?}");
    let duals = session.row_duals();
    // The capacity hour is worth the second piece's 20 minus the 10 it costs.
    assert!(close(duals[0], 10.0), "{duals:?}");
    // The response row prices an hour on the curve: reduced cost of hours -10 - 10 + 20 = 0.
    assert!(close(duals[1], -20.0), "{duals:?}");
    assert!(close(duals[2], 0.0));
}

#[test]
fn equality_rows_with_a_free_variable() {
    // max x - 2 z  s.t. x + z = 4, x - z <= 1, z free: x = 2.5, z = 1.5, objective -0.5.
    let mut lp = LinearProgram::default();
    let x = lp.add_variable("x".into(), 0.0, 10.0, 1.0);
    let z = lp.add_variable("z".into(), f64::NEG_INFINITY, f64::INFINITY, -2.0);
    lp.rows.push(row("sum", vec![(x, 1.0), (z, 1.0)], Sense::Eq, 4.0));
    lp.rows.push(row("diff", vec![(x, 1.0), (z, -1.0)], Sense::Le, 1.0));
    let mut session = Session::new(&lp);
    assert_eq!(session.solve(None).unwrap(), SessionStatus::Optimal);
    let values = session.values();
    assert!(close(values[x], 2.5) && close(values[z], 1.5), "{values:?}");
    let duals = session.row_duals();
    let dual_objective: f64 = lp.rows.iter().zip(&duals).map(|(r, y)| r.rhs * y).sum();
    assert!(close(dual_objective, -0.5), "{duals:?}");
}

#[test]
fn warm_rhs_change_resolves_with_the_dual_simplex() {
    let mut session = Session::new(&textbook());
    session.solve(None).unwrap();
    // Tighter first row: x + y <= 2 -> x = 2, y = 0, objective 6.
    session.set_rhs(0, 2.0);
    assert_eq!(session.solve(None).unwrap(), SessionStatus::Optimal);
    assert!(close(session.objective(), 6.0), "{}", session.objective());
    assert!(session.iterations() <= 3, "warm re-solve took {} pivots", session.iterations());
    // Back, and a cost change: y worth 4.
    session.set_rhs(0, 4.0);
    session.set_objective(1, 4.0);
    assert_eq!(session.solve(None).unwrap(), SessionStatus::Optimal);
    let cold = {
        let mut lp = textbook();
        lp.variables[1].objective = 4.0;
        let mut fresh = Session::new(&lp);
        fresh.solve(None).unwrap();
        fresh.objective()
    };
    assert!(close(session.objective(), cold), "{} vs {cold}", session.objective());
}

#[test]
fn relaxed_row_and_bound_changes_resolve_warm() {
    let mut session = Session::new(&textbook());
    session.solve(None).unwrap();
    session.relax_row(0, true);
    assert_eq!(session.solve(None).unwrap(), SessionStatus::Optimal);
    // Without the first row: x = 3, y = 2 (x + 3y <= 9), objective 13.
    assert!(close(session.objective(), 13.0), "{}", session.objective());
    assert!(close(session.row_duals()[0], 0.0));
    session.set_bounds(0, 0.0, 0.0);
    assert_eq!(session.solve(None).unwrap(), SessionStatus::Optimal);
    assert!(close(session.objective(), 6.0), "{}", session.objective());
    session.set_bounds(0, 5.0, 6.0);
    session.relax_row(0, false);
    assert_eq!(session.solve(None).unwrap(), SessionStatus::Infeasible);
}

#[test]
fn a_past_deadline_stops_before_the_first_pivot() {
    let mut session = Session::new(&textbook());
    let status = session.solve(Some(Instant::now() - std::time::Duration::from_millis(1))).unwrap();
    assert_eq!(status, SessionStatus::TimeLimit);
    assert_eq!(session.solve(None).unwrap(), SessionStatus::Optimal);
}

fn close_range(range: (f64, f64), expected: (f64, f64)) -> bool {
    let same = |a: f64, b: f64| (a.is_infinite() && b.is_infinite() && a.signum() == b.signum()) || close(a, b);
    same(range.0, expected.0) && same(range.1, expected.1)
}

/// textbook: `a` binds (y and b's slack basic): y = 1 + delta keeps b feasible up to +1, and
/// y >= 0 down to -1; `b` is slack by 3.
#[test]
fn rhs_ranges_of_the_textbook_basis() {
    let mut session = Session::new(&textbook());
    assert_eq!(session.solve(None).unwrap(), SessionStatus::Optimal);
    let a = session.rhs_range(&[(0, 1.0)]).unwrap();
    assert!(close_range(a, (1.0, 1.0)), "{a:?}");
    let b = session.rhs_range(&[(1, 1.0)]).unwrap();
    assert!(close_range(b, (f64::INFINITY, 3.0)), "{b:?}");
    // Both rows moved together, b twice as fast: y = 1 + d, 3 + 3(1 + d) <= 9 + 2d gives d <= 3.
    let both = session.rhs_range(&[(0, 1.0), (1, 2.0)]).unwrap();
    assert!(close_range(both, (3.0, 1.0)), "{both:?}");
}

/// textbook: x (at its upper bound, reduced cost 3 - 2 = 1) stays at 3 down to a value per
/// unit of 2; y (basic) stays optimal while 0 <= c_y <= 3.
#[test]
fn cost_ranges_of_the_textbook_basis() {
    let mut session = Session::new(&textbook());
    assert_eq!(session.solve(None).unwrap(), SessionStatus::Optimal);
    let x = session.cost_range(0).unwrap();
    assert!(close_range(x, (f64::INFINITY, 1.0)), "{x:?}");
    let y = session.cost_range(1).unwrap();
    assert!(close_range(y, (1.0, 2.0)), "{y:?}");
}

/// A substituted variable (`h = p1 + p2`, presolve removes `h` and its row) is ranged through
/// the pieces its cost was spread on: max h - 2 p2 with p1 <= 2, p2 <= 3 and h <= 4 is
/// max p1 - p2 on the pieces, 2 at p1 = 2, p2 = 0; h's coefficient can fall by 1 (p1 then
/// worth nothing) and rise by 1 (p2 then worth taking).
#[test]
fn cost_range_of_a_substituted_variable() {
    let mut lp = LinearProgram::default();
    let p1 = lp.add_variable("p1".into(), 0.0, 2.0, 0.0);
    let p2 = lp.add_variable("p2".into(), 0.0, 3.0, -2.0);
    let h = lp.add_variable("h".into(), 0.0, 10.0, 1.0);
    lp.rows.push(row("define", vec![(h, 1.0), (p1, -1.0), (p2, -1.0)], Sense::Eq, 0.0));
    lp.rows.push(row("cap", vec![(h, 1.0)], Sense::Le, 4.0));
    let mut session = Session::new(&lp);
    assert_eq!(session.solve(None).unwrap(), SessionStatus::Optimal);
    assert_eq!(session.variable_is_basic(h), None, "presolve substitutes h");
    let values = session.values();
    assert!(close(values[h], 2.0) && close(values[p1], 2.0) && close(values[p2], 0.0), "{values:?}");
    let range = session.cost_range(h).unwrap();
    assert!(close_range(range, (1.0, 1.0)), "{range:?}");
    // The cap is slack by 2: it can fall by 2 and rise for ever.
    let cap = session.rhs_range(&[(1, 1.0)]).unwrap();
    assert!(close_range(cap, (f64::INFINITY, 2.0)), "{cap:?}");
}

/// A degenerate basis ranges 0 on its degenerate side: x <= 2 and x + y <= 2 both bind at
/// x = 2, y = 0 (max x), so one of them holds a basic slack at 0.
#[test]
fn degenerate_basis_ranges_zero_on_one_side() {
    let mut lp = LinearProgram::default();
    let x = lp.add_variable("x".into(), 0.0, f64::INFINITY, 1.0);
    let y = lp.add_variable("y".into(), 0.0, f64::INFINITY, 0.0);
    lp.rows.push(row("alone", vec![(x, 1.0)], Sense::Le, 2.0));
    lp.rows.push(row("sum", vec![(x, 1.0), (y, 1.0)], Sense::Le, 2.0));
    let mut session = Session::new(&lp);
    assert_eq!(session.solve(None).unwrap(), SessionStatus::Optimal);
    let ranges = [session.rhs_range(&[(0, 1.0)]).unwrap(), session.rhs_range(&[(1, 1.0)]).unwrap()];
    assert!(ranges.iter().any(|&(increase, decrease)| increase == 0.0 || decrease == 0.0), "{ranges:?}");
}

#[test]
fn ranging_needs_an_optimal_solve() {
    let mut session = Session::new(&textbook());
    assert_eq!(session.rhs_range(&[(0, 1.0)]), None);
    assert_eq!(session.cost_range(0), None);
}

/// max 3h - p2  s.t.  h = p1 + p2 (presolve substitutes h), force: h = 1 (a singleton equality
/// presolve would substitute too), p1 <= 2, p2 <= 5. Relaxing the force must free h: optimum
/// h = 7 (p1 = 2, p2 = 5), 3*7 - 5 = 16. Before presolve kept relaxed rows, the reload after
/// relaxing a substituted row substituted it again and kept enforcing it (objective 3).
fn forced_definition() -> LinearProgram {
    let mut lp = LinearProgram::default();
    let h = lp.add_variable("h".into(), 0.0, f64::INFINITY, 3.0);
    let p1 = lp.add_variable("p1".into(), 0.0, 2.0, 0.0);
    let p2 = lp.add_variable("p2".into(), 0.0, 5.0, -1.0);
    lp.rows.push(row("force", vec![(h, 1.0)], Sense::Eq, 1.0));
    lp.rows.push(row("define", vec![(h, 1.0), (p1, -1.0), (p2, -1.0)], Sense::Eq, 0.0));
    lp
}

#[test]
fn relaxing_a_row_presolve_substituted_really_drops_it() {
    let mut session = Session::new(&forced_definition());
    assert_eq!(session.solve(None).unwrap(), SessionStatus::Optimal);
    assert!(close(session.objective(), 3.0), "{}", session.objective());
    session.relax_row(0, true);
    assert_eq!(session.solve(None).unwrap(), SessionStatus::Optimal);
    assert!(close(session.objective(), 16.0), "{}", session.objective());
    session.relax_row(0, false);
    assert_eq!(session.solve(None).unwrap(), SessionStatus::Optimal);
    assert!(close(session.objective(), 3.0), "{}", session.objective());
}

#[test]
fn kept_rows_change_and_relax_without_a_reload() {
    let mut session = Session::keeping(&forced_definition(), &[0]);
    assert_eq!(session.solve(None).unwrap(), SessionStatus::Optimal);
    assert!(close(session.objective(), 3.0));
    // h = 4: p1 = 2, p2 = 2: 12 - 2 = 10.
    session.set_rhs(0, 4.0);
    assert_eq!(session.solve(None).unwrap(), SessionStatus::Optimal);
    assert!(close(session.objective(), 10.0), "{}", session.objective());
    session.relax_row(0, true);
    assert_eq!(session.solve(None).unwrap(), SessionStatus::Optimal);
    assert!(close(session.objective(), 16.0), "{}", session.objective());
    assert_eq!(session.reloads, 0);
}
