//! Revenue risk (issue 14): scenarios with probabilities, the CVaR floor as exact linear
//! constraints, and the efficient frontier of `capplan frontier`.

mod support;

use capplan::analysis::frontier::{cvar_of, trace};
use capplan::{SolverChoice, parse_instance};
use support::cli::{capplan, stderr, stdout};

/// 10 sales hours between a safe customer (10 per hour) and a risky one (30 per hour, nothing at
/// all in the `bad` scenario); two scenarios of probability 1/2, CVaR at 50 %: the CVaR is the
/// contribution of `bad`. With x hours to `risky`: good = 100 + 20x, bad = 100 - 10x,
/// expected = 100 + 5x. A CVaR floor f gives x = (100 - f) / 10 and expected = 150 - f / 2.
fn two_scenarios(min_cvar: Option<f64>) -> String {
    let floor = min_cvar.map_or(String::new(), |f| format!("min_cvar = {f}\n"));
    format!(
        "[plan]\nname = \"risk\"\nperiod = \"2027-Q1\"\ncurrency = \"EUR\"\n\n\
         [[resources]]\nid = \"sales\"\ncapacity_hours = 10\n\n\
         [[customers]]\nid = \"safe\"\nresponse.sales = {{ value_per_hour = 10 }}\n\n\
         [[customers]]\nid = \"risky\"\nresponse.sales = {{ value_per_hour = 30 }}\n\n\
         [risk]\nconfidence = 0.5\n{floor}\n\
         [[risk.scenarios]]\nid = \"good\"\nprobability = 0.5\n\n\
         [[risk.scenarios]]\nid = \"bad\"\nprobability = 0.5\ncustomers = {{ risky = 0 }}\n"
    )
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + b.abs())
}

#[test]
fn issue14_cvar_of_a_discrete_distribution_is_the_tail_mean() {
    assert!(close(cvar_of(&[100.0, 200.0], &[0.5, 0.5], 0.75), 100.0));
    // Worst 75 %: all of 100 (0.5) and a quarter's weight of 200.
    assert!(close(cvar_of(&[100.0, 200.0], &[0.5, 0.5], 0.25), (0.5 * 100.0 + 0.25 * 200.0) / 0.75));
    assert!(close(cvar_of(&[200.0, 100.0], &[0.5, 0.5], 0.0), 150.0));
}

#[test]
fn issue14_cvar_floor_is_exact_on_a_hand_solved_two_scenario_case() {
    for solver in [SolverChoice::Auto, SolverChoice::Microlp, SolverChoice::Clarabel] {
        let instance = parse_instance("risk.toml", &two_scenarios(Some(60.0))).unwrap();
        let report = capplan::solve(&instance, solver).unwrap();
        let plan = report.plan.as_ref().expect("optimal");
        // x = 4: expected 100 + 5 * 4 = 120; reported values are expected values (risky's 30
        // per hour counts 15).
        assert!(close(plan.objective, 120.0), "{solver:?}: {}", plan.objective);
        let hours: Vec<f64> = plan.allocations.iter().map(|a| a.hours).collect();
        assert!(close(hours[0], 6.0) && close(hours[1], 4.0), "{hours:?}");
        assert!(close(plan.customers[1].value, 60.0), "{}", plan.customers[1].value);
        let floor = plan.constraints.iter().find(|c| c.id == "cvar_floor").expect("the CVaR floor is reported");
        assert!(floor.binding && close(floor.actual, 60.0));
        // expected = 150 - f / 2: one more EUR of floor costs half a EUR.
        assert!(close(floor.shadow_price, -0.5), "{}", floor.shadow_price);
        assert_eq!(floor.unit.name(), "currency");
        // No internal row reaches the report.
        assert!(plan.constraints.iter().all(|c| !c.id.starts_with("cvar_shortfall")));
    }
    // Without a floor the plan maximises the expectation: all 10 hours to risky.
    let free = parse_instance("risk.toml", &two_scenarios(None)).unwrap();
    let plan = capplan::solve(&free, SolverChoice::Auto).unwrap().plan.unwrap();
    assert!(close(plan.objective, 150.0));
}

#[test]
fn issue14_frontier_is_exact_between_the_hand_solved_extremes() {
    let instance = parse_instance("risk.toml", &two_scenarios(None)).unwrap();
    let frontier = trace(&instance, 5, SolverChoice::Auto).unwrap();
    assert_eq!(frontier.points.len(), 5);
    // Extremes: x = 10 (expected 150, CVaR 0) and x = 0 (expected 100, CVaR 100); between them
    // floors 25, 50, 75 with expected 150 - f / 2.
    for (point, floor) in frontier.points.iter().zip([0.0, 25.0, 50.0, 75.0, 100.0]) {
        assert!(close(point.cvar_contribution, floor), "{} vs {floor}", point.cvar_contribution);
        assert!(close(point.expected_contribution, 150.0 - floor / 2.0), "{}", point.expected_contribution);
        assert!(close(point.cvar_risk, -floor));
        assert!(close(point.scenario_contributions[1], floor));
    }
}

#[test]
fn issue14_frontier_of_the_example_is_monotone_with_at_least_five_points() {
    let instance = capplan::read_instance("instances/risk.toml").unwrap();
    let frontier = trace(&instance, 6, SolverChoice::Auto).unwrap();
    assert!(frontier.points.len() >= 5);
    let best = capplan::solve(&instance, SolverChoice::Auto).unwrap().plan.unwrap();
    assert!(close(frontier.points[0].objective, best.objective));
    let probabilities: Vec<f64> = instance.risk().unwrap().scenarios().iter().map(|s| s.probability()).collect();
    for point in &frontier.points {
        // Each point meets its floor, and its CVaR is that of its own scenario contributions.
        assert!(point.cvar_contribution >= point.cvar_floor - 1e-6 * point.cvar_floor.abs());
        assert!(close(point.cvar_contribution, cvar_of(&point.scenario_contributions, &probabilities, 0.8)));
    }
    // Points go from most risk to least: as the risk allowed grows, expected contribution does not fall.
    let mut by_risk: Vec<_> = frontier.points.iter().collect();
    by_risk.sort_by(|a, b| a.cvar_risk.total_cmp(&b.cvar_risk));
    for pair in by_risk.windows(2) {
        assert!(pair[1].expected_contribution >= pair[0].expected_contribution - 1e-6 * pair[0].expected_contribution.abs());
    }
    // The frontier is not flat on the example: protection costs expected contribution.
    let first = &frontier.points[0];
    let last = frontier.points.last().unwrap();
    assert!(last.cvar_contribution > first.cvar_contribution + 1.0 && first.expected_contribution > last.expected_contribution + 1.0);
}

#[test]
fn issue14_frontier_command_writes_points_with_expected_contribution_and_cvar_risk() {
    let output = capplan(&["frontier", "instances/risk.toml", "--points", "5", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["confidence"], 0.8);
    let points = json["points"].as_array().unwrap();
    assert_eq!(points.len(), 5);
    for point in points {
        assert!(point["expected_contribution"].is_number() && point["cvar_risk"].is_number());
        assert!(point["allocations"].as_array().unwrap().len() == 16 * 3);
    }
    let text = capplan(&["frontier", "instances/risk.toml"]);
    assert_eq!(text.status.code(), Some(0));
    let text = stdout(&text);
    assert!(text.contains("Point 1 -> 2"), "{text}");
    assert!(text.lines().all(|line| line.chars().count() <= 100), "{text}");
    let csv = capplan(&["frontier", "instances/risk.toml", "--format", "csv"]);
    assert_eq!(stdout(&csv).lines().count(), 1 + 6);
    let none = capplan(&["frontier", "instances/tiny.toml"]);
    assert_eq!(none.status.code(), Some(2));
    assert!(stderr(&none).contains("no [risk] scenarios"));
}

#[test]
fn issue14_risk_scenarios_are_validated_with_their_location() {
    let bad = two_scenarios(None).replace("probability = 0.5\ncustomers", "probability = 0.4\ncustomers");
    let error = parse_instance("risk.toml", &bad).unwrap_err().to_string();
    assert!(error.contains("add up to 0.9"), "{error}");
    let unknown = two_scenarios(None).replace("customers = { risky = 0 }", "customers = { nobody = 0 }");
    let error = parse_instance("risk.toml", &unknown).unwrap_err().to_string();
    assert!(error.contains("unknown customer \"nobody\"") && error.contains("risk.toml:"), "{error}");
    let confidence = two_scenarios(None).replace("confidence = 0.5", "confidence = 1");
    assert!(parse_instance("risk.toml", &confidence).unwrap_err().to_string().contains("confidence"));
}

#[test]
fn issue14_sensitivity_with_a_cvar_floor_is_refused_not_an_internal_error() {
    let dir = support::cli::scratch("risk-sensitivity");
    let path = dir.join("floor.toml");
    std::fs::write(&path, two_scenarios(Some(60.0))).unwrap();
    let output = capplan(&["solve", &path.display().to_string(), "--sensitivity"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("CVaR floor"), "{}", stderr(&output));
}

#[test]
fn issue14_an_unreachable_cvar_floor_is_infeasible_and_diagnosed_in_money() {
    // The best CVaR of the two-scenario case is 100 (all hours to `safe`).
    let dir = support::cli::scratch("risk-infeasible");
    let path = dir.join("floor.toml");
    std::fs::write(&path, two_scenarios(Some(1000.0))).unwrap();
    let output = capplan(&["solve", &path.display().to_string()]);
    assert_eq!(output.status.code(), Some(3));
    let text = stdout(&output);
    assert!(text.contains("the CVaR of contribution must be at least 1,000.00"), "{text}");
    assert!(!text.contains("1,000.0 h"), "{text}");
}

#[test]
fn issue14_customers_csv_export_of_expected_values_is_refused() {
    // The validated curves are expected values; written out they would be multiplied twice.
    let output = capplan(&["export", "instances/risk.toml", "--format", "customers-csv"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("[risk]"), "{}", stderr(&output));
    assert!(stdout(&output).is_empty());
}
