//! Force what-ifs and infeasibility diagnosis, on hand-solved numbers and on the examples.

mod support;

use approx::assert_relative_eq;
use capplan::analysis::force::{solve_forced, solve_what_if};
use capplan::analysis::infeasibility::{diagnose, relaxed_program};
use capplan::analysis::{Status, solve};
use capplan::formulation::force::Force;
use capplan::formulation::{Formulation, LinearProgram, formulate};
use capplan::model::{Instance, apply_scenario};
use capplan::solve::{Backend, LpOutcome, solve_lp};

fn example(name: &str) -> Instance {
    Instance::from_file(format!("{}/instances/{name}", env!("CARGO_MANIFEST_DIR")).as_ref()).unwrap()
}

fn force(instance: &Instance, spec: &str) -> Vec<Force> {
    vec![Force::parse(spec, instance).unwrap()]
}

/// tiny.toml, beta forced to 35 engineering hours (the optimum gives it 30).
///
/// Engineering capacity (100 h) is full, so alpha gives up the 5 hours: alpha is on its first
/// piece (60 EUR/h up to 70 h) and loses 5 x 60 = 300; beta gains 5 x 40 on its first piece
/// (40 EUR/h up to 50 h) = 200, plus 5 x 15 of soft-expectation penalty avoided (short of 40 h)
/// = 75. Hour costs are unchanged. Net -25: 6,950 -> 6,925. One forced hour more or less moves
/// the same way (35 h is on no bend): -60 + 40 + 15 = -5 per hour, the force row's shadow price.
#[test]
fn force_moves_the_allocation_exactly_and_costs_the_objective_difference() {
    let instance = example("tiny.toml");
    for backend in [Backend::Microlp, Backend::Clarabel, Backend::Engine, Backend::Separable] {
        let forced = solve_forced(&instance, &force(&instance, "beta/engineering=35"), backend).unwrap();
        let plan = forced.report.plan.as_ref().unwrap();
        let effect = forced.effect.as_ref().unwrap();
        assert_relative_eq!(plan.customers[1].hours[0], 35.0, epsilon = 1e-6);
        assert_relative_eq!(plan.customers[0].hours[0], 65.0, epsilon = 1e-6);
        let unforced = solve(&instance, backend).unwrap().plan.unwrap().objective;
        assert_relative_eq!(effect.unforced_objective, unforced, epsilon = 1e-6);
        assert_relative_eq!(effect.objective_change, plan.objective - unforced, epsilon = 1e-6);
        assert_relative_eq!(effect.objective_change, -25.0, epsilon = 1e-5);
        let forced_allocation = &effect.forces[0];
        assert_eq!(forced_allocation.id, "force[beta/engineering]");
        assert_relative_eq!(forced_allocation.unforced_hours, 30.0, epsilon = 1e-6);
        assert_relative_eq!(forced_allocation.shadow_price, -5.0, epsilon = 1e-5);
        assert_relative_eq!(forced_allocation.one_more_hour.unwrap(), -5.0, epsilon = 1e-5);
        assert_relative_eq!(forced_allocation.one_less_hour.unwrap(), 5.0, epsilon = 1e-5);
        // Who gives up hours: alpha, by exactly the 5 hours beta is given.
        let moves: Vec<(&str, &str, f64, bool)> = effect
            .moves
            .iter()
            .map(|m| (m.customer.as_str(), m.resource.as_str(), (m.change_hours * 1e6).round() / 1e6, m.forced))
            .collect();
        assert_eq!(moves, [("alpha", "engineering", -5.0, false), ("beta", "engineering", 5.0, true)], "{backend}");
        // The force row is priced like any other: duality holds for the forced LP.
        support::assert_feasible(&forced.formulation.lp, plan);
        support::assert_strong_duality(&forced.formulation.lp, plan);
        support::assert_complementary_slackness(&forced.formulation.lp, plan);
    }
}

/// tiny.toml, beta forced to 50 engineering hours: the bend of beta's judged curve (40 EUR/h up
/// to 50 h, 20 EUR/h after). One forced hour more: beta +20, alpha -60 = -40. One less: beta
/// -40, alpha +60 = +20. The shadow price is one of the two slopes; the re-solves give both.
/// Objective: alpha loses 20 x 60 = 1,200, beta gains 20 x 40 = 800 and avoids 10 x 15 = 150 of
/// penalty: -250.
#[test]
fn force_on_a_bend_reports_both_one_sided_values() {
    let instance = example("tiny.toml");
    let forced = solve_forced(&instance, &force(&instance, "beta/engineering=50"), Backend::Microlp).unwrap();
    let effect = forced.effect.unwrap();
    assert_relative_eq!(effect.objective_change, -250.0, epsilon = 1e-6);
    assert_relative_eq!(effect.forces[0].one_more_hour.unwrap(), -40.0, epsilon = 1e-6);
    assert_relative_eq!(effect.forces[0].one_less_hour.unwrap(), 20.0, epsilon = 1e-6);
    let price = effect.forces[0].shadow_price;
    assert!((-40.0 - 1e-6..=-20.0 + 1e-6).contains(&price), "shadow price {price} outside [-40, -20]");
}

/// The engine measures a force's effect warm on one session (one-hour steps as right-hand-side
/// changes, the unforced plan with the force rows relaxed); microlp re-solves each cold. Both
/// must give the same effect, on dsp.toml with two forces (one on a bend-free stretch, one
/// pulling hours from others).
#[test]
fn forces_measured_warm_on_the_engine_agree_with_cold_microlp() {
    let instance = example("dsp.toml");
    let specs = ["m2/engineering=360".to_string(), "t03/sales=10".to_string()];
    let forces = Force::parse_all(&specs, &instance).unwrap();
    let warm = solve_forced(&instance, &forces, Backend::Engine).unwrap().effect.expect("an effect");
    let cold = solve_forced(&instance, &forces, Backend::Microlp).unwrap().effect.expect("an effect");
    let scale = cold.unforced_objective.abs();
    assert_relative_eq!(warm.unforced_objective, cold.unforced_objective, max_relative = 1e-7);
    assert_relative_eq!(warm.forced_objective, cold.forced_objective, max_relative = 1e-7);
    for (w, c) in warm.forces.iter().zip(&cold.forces) {
        assert_eq!(w.id, c.id);
        assert_relative_eq!(w.unforced_hours, c.unforced_hours, epsilon = 1e-5 * (1.0 + c.unforced_hours));
        for (a, b) in [(w.one_more_hour, c.one_more_hour), (w.one_less_hour, c.one_less_hour)] {
            match (a, b) {
                (Some(a), Some(b)) => assert!((a - b).abs() <= 1e-6 * scale, "{}: {a} warm, {b} cold", w.id),
                (a, b) => assert_eq!(a.is_some(), b.is_some(), "{}", w.id),
            }
        }
    }
    // Who gives up hours can differ: the unforced optimum is degenerate on dsp.toml (hours of
    // equal value), and the warm re-solve lands on the optimum nearest the forced plan. Both sets
    // of moves end at the forced plan.
    for effect in [&warm, &cold] {
        assert!(effect.moves.iter().any(|m| m.forced && m.customer == "m2"));
    }
}

#[test]
fn malformed_and_unknown_force_specs_are_refused_with_the_reason() {
    let instance = example("tiny.toml");
    let message = |spec: &str| Force::parse(spec, &instance).unwrap_err().to_string();
    assert!(message("beta-engineering=5").contains("no '/' between customer and resource"));
    assert!(message("beta/engineering").contains("no '='"));
    assert!(message("beta/engineering=lots").contains("\"lots\" is not a number of hours"));
    assert!(message("beta/engineering=-1").contains("expected a finite number of hours >= 0"));
    assert!(message("zeta/engineering=5").contains("unknown customer \"zeta\"; the customers are: alpha, beta"));
    assert!(message("beta/design=5").contains("unknown resource \"design\"; the resources are: engineering, service"));
    let twice = Force::parse_all(&["beta/engineering=5".into(), "beta/engineering=6".into()], &instance).unwrap_err();
    assert!(twice.to_string().contains("beta/engineering is forced twice"));
}

/// The LP with the internal rows and only the given planner rows.
fn subset(formulation: &Formulation, rows: &[usize]) -> LinearProgram {
    let mut lp = formulation.lp.clone();
    lp.rows = (0..formulation.lp.rows.len())
        .filter(|row| formulation.kinds[*row].is_internal() || rows.contains(row))
        .map(|row| formulation.lp.rows[row].clone())
        .collect();
    lp
}

fn feasible(lp: &LinearProgram) -> bool {
    !matches!(solve_lp(lp, Backend::Microlp).unwrap(), LpOutcome::Infeasible)
}

/// The conflict is infeasible on its own, and dropping any one member makes the rest feasible;
/// the relaxation gives an optimal plan whose value the diagnosis reports.
fn assert_minimal_conflict_and_feasible_relaxation(instance: &Instance) -> capplan::analysis::infeasibility::Diagnosis {
    let formulation = formulate(instance);
    let diagnosis = diagnose(instance, &formulation, Backend::Microlp).unwrap();
    let rows: Vec<usize> =
        diagnosis.conflict.iter().map(|member| formulation.lp.rows.iter().position(|row| row.name == member.id).unwrap()).collect();
    assert!(!feasible(&subset(&formulation, &rows)), "the conflict set is feasible on its own");
    for (at, member) in diagnosis.conflict.iter().enumerate() {
        let mut without = rows.clone();
        without.remove(at);
        assert!(feasible(&subset(&formulation, &without)), "dropping {} leaves the rest infeasible: not minimal", member.id);
    }
    let mut change = vec![0.0; formulation.lp.rows.len()];
    for relaxation in &diagnosis.relaxation {
        let row = formulation.lp.rows.iter().position(|row| row.name == relaxation.id).unwrap();
        change[row] = relaxation.change;
    }
    match solve_lp(&relaxed_program(&formulation.lp, &change), Backend::Microlp).unwrap() {
        LpOutcome::Optimal { objective, .. } => assert_relative_eq!(objective, diagnosis.relaxed_objective.unwrap(), epsilon = 1e-6),
        other => panic!("the relaxed instance is {other:?}, not optimal"),
    }
    diagnosis
}

/// instances/infeasible/engineering-promises.toml: m1's floor (700 h) and the contracts of m2 (640 h) and m3
/// (500 h) need 1,840 engineering hours; there are 1,500. The cheapest repair lowers the floor
/// (weight 1 per hour) by the 340 h missing, rather than adding capacity (2) or breaking a
/// contract (4).
#[test]
fn infeasible_floors_example_has_its_documented_conflict_and_repair() {
    let instance = example("infeasible/engineering-promises.toml");
    assert_eq!(solve(&instance, Backend::Microlp).unwrap().status, Status::Infeasible);
    let diagnosis = assert_minimal_conflict_and_feasible_relaxation(&instance);
    let ids: Vec<&str> = diagnosis.conflict.iter().map(|member| member.id.as_str()).collect();
    assert_eq!(ids, ["capacity[engineering]", "floor[m1/engineering]", "expectation[m2/engineering]", "expectation[m3/engineering]"]);
    assert_eq!(
        capplan::report::diagnosis::summary(&diagnosis),
        ["Engineering floors and hard expectations for m1, m2 and m3 need 1,840.0 h; capacity is 1,500.0 h."]
    );
    // The finding is numbers and ids; the sentence above is the report's wording of it.
    match &diagnosis.findings[..] {
        [capplan::analysis::document::Finding::ResourceClash { resource, needed_hours, capacity_hours, .. }] => {
            assert_eq!(resource, "engineering");
            assert_relative_eq!(*needed_hours, 1840.0, epsilon = 1e-9);
            assert_relative_eq!(*capacity_hours, 1500.0, epsilon = 1e-9);
        }
        other => panic!("expected one resource clash, found {other:?}"),
    }
    assert_eq!(
        capplan::report::diagnosis::action(&diagnosis.relaxation[0]),
        "lower m1's engineering floor by 340.0 h (from 700.0 h to 360.0 h)"
    );
    assert_eq!(diagnosis.relaxation.len(), 1);
    assert_eq!(diagnosis.relaxation[0].id, "floor[m1/engineering]");
    assert_relative_eq!(diagnosis.relaxation[0].change, -340.0, epsilon = 1e-6);
    assert_relative_eq!(diagnosis.relaxation_cost, 340.0, epsilon = 1e-6);
    // Dropping any member from the whole instance also gives a plan: the instance has no
    // second conflict.
    let formulation = formulate(&instance);
    for member in &diagnosis.conflict {
        let mut lp = formulation.lp.clone();
        lp.rows.retain(|row| row.name != member.id);
        assert!(feasible(&lp), "the instance without {} is still infeasible", member.id);
    }
}

/// The promise-engineering scenario on dsp.toml: three contracts (400 + 450 + 500 h) against
/// 1,000 h of engineers and 300 h of contractors. The cheapest repair buys 50 h more of
/// contractors (weight 1.5 per hour, against 2 for capacity and 4 for a contract).
#[test]
fn promise_engineering_scenario_conflict_is_minimal_and_its_repair_works() {
    let dsp = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/instances/dsp.toml")).unwrap();
    let scenario = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/instances/scenarios/promise-engineering.toml")).unwrap();
    let (instance, _) = apply_scenario("dsp.toml", &dsp, "promise-engineering.toml", &scenario).unwrap();
    let diagnosis = assert_minimal_conflict_and_feasible_relaxation(&instance);
    let ids: Vec<&str> = diagnosis.conflict.iter().map(|member| member.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "capacity[engineering]",
            "expansion_limit[engineering/contractors]",
            "expectation[m1/engineering]",
            "expectation[m2/engineering]",
            "expectation[m3/engineering]"
        ]
    );
    assert_eq!(diagnosis.relaxation.len(), 1);
    assert_eq!(diagnosis.relaxation[0].id, "expansion_limit[engineering/contractors]");
    assert_relative_eq!(diagnosis.relaxation[0].change, 50.0, epsilon = 1e-6);
}

/// A force that cannot be met is diagnosed like any other limit.
#[test]
fn an_impossible_force_is_part_of_the_conflict() {
    let instance = example("tiny.toml");
    let formulation = capplan::formulation::formulate(&instance);
    let choice = capplan::solve::Choice::requested(Backend::Microlp);
    let solved = solve_what_if(&instance, &formulation, &force(&instance, "beta/engineering=500"), &choice, None).unwrap();
    assert_eq!(solved.report.status, Status::Infeasible);
    let diagnosis = solved.diagnosis.unwrap();
    let ids: Vec<&str> = diagnosis.conflict.iter().map(|member| member.id.as_str()).collect();
    assert_eq!(ids, ["capacity[engineering]", "force[beta/engineering]"]);
    // Capacity weighs 2 per hour, a force 4: the repair adds the 400 hours of capacity.
    assert_eq!(diagnosis.relaxation[0].id, "capacity[engineering]");
    assert_relative_eq!(diagnosis.relaxation[0].change, 400.0, epsilon = 1e-6);
}

/// The interior-point backend finds the same conflicts and repairs; its tiny spread-out
/// violations are not reported as changes.
#[test]
fn clarabel_and_the_warm_engine_diagnose_the_examples_like_microlp() {
    // The engine answers every question of the deletion filter warm on one session (a dropped
    // row is a freed logical); microlp solves each cold. The filter is deterministic given the
    // answers, so the conflicts must be the same.
    let dsp = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/instances/dsp.toml")).unwrap();
    let scenario = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/instances/scenarios/promise-engineering.toml")).unwrap();
    let (promised, _) = apply_scenario("dsp.toml", &dsp, "promise-engineering.toml", &scenario).unwrap();
    for instance in [example("infeasible/engineering-promises.toml"), promised] {
        let formulation = formulate(&instance);
        let simplex = diagnose(&instance, &formulation, Backend::Microlp).unwrap();
        let ids = |diagnosis: &capplan::analysis::infeasibility::Diagnosis| -> Vec<String> {
            diagnosis.conflict.iter().map(|member| member.id.clone()).collect()
        };
        for backend in [Backend::Clarabel, Backend::Engine, Backend::Separable] {
            let other = diagnose(&instance, &formulation, backend).unwrap();
            assert_eq!(ids(&other), ids(&simplex), "{backend}");
            assert_eq!(other.relaxation.len(), 1, "{backend}: {:?}", other.relaxation);
            assert_eq!(other.relaxation[0].id, simplex.relaxation[0].id, "{backend}");
            assert_relative_eq!(other.relaxation[0].change, simplex.relaxation[0].change, epsilon = 1e-4);
            assert_relative_eq!(other.relaxed_objective.unwrap(), simplex.relaxed_objective.unwrap(), max_relative = 1e-6);
        }
    }
}

/// `compare` solves every column on one engine session: a scenario of the base's shape re-solves
/// warm from the previous column's basis (the others load their own), with the analyses its
/// columns show. Each column must be what a solve of its own gives: status, objective, every
/// shadow price; the exact costs, which no column shows, are left out.
#[test]
fn compare_columns_solved_warm_on_one_session_match_their_own_solves() {
    use capplan::analysis::compare::COLUMN_ANALYSES;
    use capplan::analysis::force::solve_what_if_on;
    use capplan::solve::Choice;
    let dsp = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/instances/dsp.toml")).unwrap();
    let mut instances = vec![example("dsp.toml")];
    for name in ["hire-engineer", "lose-m3", "m2-hard-expectation", "new-customer-push", "promise-engineering", "hire-engineer"] {
        let path = format!("{}/instances/scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
        let scenario = std::fs::read_to_string(path).unwrap();
        instances.push(apply_scenario("dsp.toml", &dsp, "scenario.toml", &scenario).unwrap().0);
    }
    let choice = Choice::requested(Backend::Engine);
    let mut session = None;
    for instance in &instances {
        let formulation = formulate(instance);
        let warm = solve_what_if_on(instance, &formulation, &[], &choice, COLUMN_ANALYSES, None, &mut session).unwrap();
        let cold = solve_what_if(instance, &formulation, &[], &choice, None).unwrap();
        assert_eq!(warm.report.status, cold.report.status);
        let (Some(warm_plan), Some(cold_plan)) = (&warm.report.plan, &cold.report.plan) else { continue };
        let scale = 1e-7 * cold_plan.objective.abs().max(1.0);
        assert!((warm_plan.objective - cold_plan.objective).abs() <= scale, "{} warm, {} cold", warm_plan.objective, cold_plan.objective);
        for (w, c) in warm_plan.constraints.iter().zip(&cold_plan.constraints) {
            assert_eq!(w.id, c.id);
            assert!(
                (w.shadow_price - c.shadow_price).abs() <= 1e-6 * (1.0 + c.shadow_price.abs()),
                "{}: {} vs {}",
                w.id,
                w.shadow_price,
                c.shadow_price
            );
            assert_eq!(w.exact_cost, None, "{}", w.id);
        }
    }
}
