//! capplan's engine against microlp on random LPs: the same status and optimum, a feasible
//! point, row duals that satisfy strong duality and complementary slackness; warm re-solves
//! after a changed right-hand side agree with a cold solve; ranges read from the optimal basis
//! agree with re-solves inside them; and whole instances agree with the
//! separable backend and microlp (tests/properties.rs generators).

use capplan::analysis::duals::duals_from_row_prices;
use capplan::formulation::{LinearProgram, LpRow, Sense};
use capplan::solve::session::{Session, SessionStatus};
use capplan::solve::{Backend, LpOutcome, solve_lp, solve_lp_with_duals};
use proptest::prelude::*;

/// Cases per property: `PROPTEST_CASES` when set (a longer run, docs/testing.md), else `default`.
fn cases_or(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(default)
}

/// A generated row: terms, sense (0 `<=`, 1 `>=`, 2 `=`) and right-hand side.
type GenRow = (Vec<(usize, i32)>, u8, i32);

#[derive(Debug, Clone)]
struct GenLp {
    /// (lower, upper, objective) per variable; bounds as integers, `None` infinite.
    variables: Vec<(Option<i32>, Option<i32>, i32)>,
    /// (terms, sense 0..3, rhs)
    rows: Vec<GenRow>,
}

fn lp_strategy() -> impl Strategy<Value = GenLp> {
    (1usize..7, 1usize..6).prop_flat_map(|(n, m)| {
        let variable = (proptest::option::weighted(0.85, -5i32..5), proptest::option::weighted(0.7, 0i32..15), -10i32..10).prop_map(
            |(lower, width, objective)| {
                let upper = match (lower, width) {
                    (Some(l), Some(w)) => Some(l + w),
                    (None, Some(w)) => Some(w - 5),
                    _ => None,
                };
                (lower, upper, objective)
            },
        );
        let row = (proptest::collection::vec((0..n, -4i32..5), 1..=n), 0u8..3, -10i32..30);
        (proptest::collection::vec(variable, n), proptest::collection::vec(row, m)).prop_map(|(variables, rows)| GenLp { variables, rows })
    })
}

fn build(generated: &GenLp) -> LinearProgram {
    let mut lp = LinearProgram::default();
    for (j, &(lower, upper, objective)) in generated.variables.iter().enumerate() {
        lp.add_variable(
            format!("x{j}"),
            lower.map_or(f64::NEG_INFINITY, f64::from),
            upper.map_or(f64::INFINITY, f64::from),
            f64::from(objective),
        );
    }
    for (i, (terms, sense, rhs)) in generated.rows.iter().enumerate() {
        let mut merged: Vec<(usize, f64)> = Vec::new();
        for &(j, a) in terms {
            if a == 0 {
                continue;
            }
            match merged.iter_mut().find(|(k, _)| *k == j) {
                Some(term) => term.1 += f64::from(a),
                None => merged.push((j, f64::from(a))),
            }
        }
        merged.retain(|&(_, a)| a != 0.0);
        let sense = [Sense::Le, Sense::Ge, Sense::Eq][*sense as usize];
        lp.rows.push(LpRow { name: format!("r{i}"), terms: merged, sense, rhs: f64::from(*rhs) });
    }
    lp
}

fn status_name(outcome: &LpOutcome) -> &'static str {
    match outcome {
        LpOutcome::Optimal { .. } => "optimal",
        LpOutcome::Infeasible => "infeasible",
        LpOutcome::Unbounded => "unbounded",
        LpOutcome::TimeLimit => "time limit",
    }
}

/// Complementary slackness of row duals: a row with a non-zero dual binds, with the sign of
/// its sense.
fn assert_complementary(lp: &LinearProgram, values: &[f64], duals: &[f64]) {
    for (i, (row, &dual)) in lp.rows.iter().zip(duals).enumerate() {
        let activity = lp.row_activity(i, values);
        let slack = (activity - row.rhs).abs();
        if dual.abs() > 1e-7 {
            assert!(slack <= 1e-6 * (1.0 + row.rhs.abs()), "row {} has dual {dual} but slack {slack}", row.name);
        }
        match row.sense {
            Sense::Le => assert!(dual >= -1e-7, "<= row {} has dual {dual}", row.name),
            Sense::Ge => assert!(dual <= 1e-7, ">= row {} has dual {dual}", row.name),
            Sense::Eq => {}
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases_or(600), ..ProptestConfig::default() })]

    #[test]
    fn engine_agrees_with_microlp_on_random_lps(generated in lp_strategy()) {
        let lp = build(&generated);
        let (engine, duals) = solve_lp_with_duals(&lp, None).unwrap();
        // microlp can cycle on free variables; it gets them split.
        let split = lp.split_free_variables();
        let simplex = match solve_lp(&split, Backend::Microlp) {
            Ok(LpOutcome::Optimal { values, objective }) => LpOutcome::Optimal { values: lp.join_split_values(&values), objective },
            Ok(other) => other,
            Err(_) => return Ok(()),
        };
        prop_assert_eq!(status_name(&engine), status_name(&simplex), "{:?}", lp);
        if let (LpOutcome::Optimal { values, objective }, LpOutcome::Optimal { objective: reference, .. }) = (&engine, &simplex) {
            prop_assert!((objective - reference).abs() <= 1e-7 * (1.0 + reference.abs()), "engine {} microlp {}", objective, reference);
            prop_assert!(lp.max_violation(values) <= 1e-9, "violation {}", lp.max_violation(values));
            let duals = duals.expect("an optimum comes with its duals");
            // Strong duality and dual feasibility of the reduced costs.
            duals_from_row_prices(&lp, duals.clone(), Backend::Engine, *objective).unwrap();
            assert_complementary(&lp, values, &duals);
        }
    }

    #[test]
    fn warm_rhs_changes_agree_with_cold_solves(generated in lp_strategy(), changes in proptest::collection::vec((0usize..6, -8i32..8), 1..5)) {
        let mut lp = build(&generated);
        let mut session = Session::new(&lp);
        session.solve(None).unwrap();
        for (row, delta) in changes {
            let row = row % lp.rows.len();
            let rhs = lp.rows[row].rhs + f64::from(delta);
            lp.rows[row].rhs = rhs;
            session.set_rhs(row, rhs);
            let warm = session.solve(None).unwrap();
            let mut cold = Session::new(&lp);
            let cold_status = cold.solve(None).unwrap();
            prop_assert_eq!(warm, cold_status);
            if warm == SessionStatus::Optimal {
                let (a, b) = (session.objective(), cold.objective());
                prop_assert!((a - b).abs() <= 1e-7 * (1.0 + b.abs()), "warm {} cold {}", a, b);
                prop_assert!(lp.max_violation(&session.values()) <= 1e-9);
                let duals = session.row_duals();
                duals_from_row_prices(&lp, duals.clone(), Backend::Engine, a).unwrap();
                assert_complementary(&lp, &session.values(), &duals);
            }
        }
    }

    #[test]
    fn basis_ranges_agree_with_resolves(generated in lp_strategy()) {
        let lp = build(&generated);
        let mut session = Session::new(&lp);
        if session.solve(None).unwrap() != SessionStatus::Optimal {
            return Ok(());
        }
        let base = session.objective();
        let duals = session.row_duals();
        let values = session.values();
        let optimum = |lp: &LinearProgram| {
            let mut cold = Session::new(lp);
            (cold.solve(None).unwrap() == SessionStatus::Optimal).then(|| cold.objective())
        };
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * (1.0 + b.abs());
        // Within a right-hand side's range the objective follows the row's dual.
        for (row, &dual) in duals.iter().enumerate() {
            let Some((increase, decrease)) = session.rhs_range(&[(row, 1.0)]) else { continue };
            prop_assert!(increase >= 0.0 && decrease >= 0.0);
            for (reach, sign) in [(increase, 1.0), (decrease, -1.0)] {
                for fraction in [0.5, 1.0] {
                    let step = sign * fraction * reach.min(10.0);
                    let mut moved = lp.clone();
                    moved.rows[row].rhs += step;
                    let objective = optimum(&moved);
                    prop_assert!(objective.is_some(), "row {} infeasible at {} inside its range", row, step);
                    let expected = base + dual * step;
                    prop_assert!(close(objective.unwrap(), expected), "row {} moved by {}: {:?} expected {}", row, step, objective, expected);
                }
            }
        }
        // Within a cost's range the point stays optimal: the objective moves by the value.
        for (variable, &value) in values.iter().enumerate() {
            let (increase, decrease) = session.cost_range(variable).unwrap();
            prop_assert!(increase >= 0.0 && decrease >= 0.0);
            for (reach, sign) in [(increase, 1.0), (decrease, -1.0)] {
                for fraction in [0.5, 1.0] {
                    let delta = sign * fraction * reach.min(10.0);
                    let mut shifted = lp.clone();
                    shifted.variables[variable].objective += delta;
                    let objective = optimum(&shifted);
                    let expected = base + delta * value;
                    prop_assert!(
                        objective.is_some_and(|objective| close(objective, expected)),
                        "x{} shifted by {}: {:?} expected {}", variable, delta, objective, expected
                    );
                }
            }
        }
    }
}
