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
    let message = stderr(&output);
    assert!(message.contains("CVaR floor"), "{message}");
    // It says what to use instead, and what it says works.
    assert!(message.contains("capplan sweep INSTANCE --constraint cvar_floor") && message.contains("capplan frontier"), "{message}");
    let weighted = dir.join("weight.toml");
    std::fs::write(&weighted, three_customers("risk_weight = 1\n")).unwrap();
    let output = capplan(&["solve", &weighted.display().to_string(), "--sensitivity"]);
    assert_eq!(output.status.code(), Some(2), "a risk weight is refused the same way");
    assert!(stderr(&output).contains("risk_weight"), "{}", stderr(&output));
}

#[test]
fn issue14_sweep_of_the_cvar_floor_is_in_money_and_matches_the_hand_solved_frontier() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("floor.toml");
    std::fs::write(&path, three_customers("min_cvar = 40\n")).unwrap();
    let path = path.display().to_string();
    let output = capplan(&["sweep", &path, "--constraint", "cvar_floor", "--from", "0", "--to", "120", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let json = &json["sweep"];
    assert_eq!(json["unit"], "currency", "{json}");
    // The frontier of the hand-solved case: 200 - f / 2 up to 80, 160 - 3 (f - 80) up to 100,
    // nothing beyond.
    let breakpoints: Vec<(f64, f64)> = json["points"]
        .as_array()
        .unwrap_or_else(|| panic!("{json}"))
        .iter()
        .map(|point| (point["limit"].as_f64().unwrap(), point["objective"].as_f64().unwrap()))
        .collect();
    for (limit, objective) in [(0.0, 200.0), (80.0, 160.0), (100.0, 100.0)] {
        assert!(breakpoints.iter().any(|&(l, o)| close(l, limit) && close(o, objective)), "{limit}: {breakpoints:?}");
    }
    let text = stdout(&capplan(&["sweep", &path, "--constraint", "cvar_floor", "--from", "0", "--to", "120"]));
    assert!(!text.contains(" h ") && text.contains("80.00"), "{text}");
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

/// 10 sales hours among three customers, two scenarios of probability 1/2, CVaR at 50 % (the
/// contribution of `bad`, never above `good`'s). Per hour, expected / bad: safe 10 / 10, mid
/// 16 / 8, risky 20 / 0. With risk weight λ an hour returns expected + λ x bad: risky 20, mid
/// 16 + 8λ, safe 10 + 10λ, so all 10 hours go to risky below λ = 0.5, to mid between 0.5 and 3,
/// to safe above 3. The frontier under a floor f: expected = 200 - f / 2 up to f = 80 (risky to
/// mid), then 160 - 3 (f - 80) up to f = 100 (mid to safe).
fn three_customers(risk_lines: &str) -> String {
    format!(
        "[plan]\nname = \"weight\"\nperiod = \"2027-Q1\"\ncurrency = \"EUR\"\n\n\
         [[resources]]\nid = \"sales\"\ncapacity_hours = 10\n\n\
         [[customers]]\nid = \"safe\"\nresponse.sales = {{ value_per_hour = 10 }}\n\n\
         [[customers]]\nid = \"mid\"\nresponse.sales = {{ value_per_hour = 16 }}\n\n\
         [[customers]]\nid = \"risky\"\nresponse.sales = {{ value_per_hour = 20 }}\n\n\
         [risk]\nconfidence = 0.5\n{risk_lines}\n\
         [[risk.scenarios]]\nid = \"good\"\nprobability = 0.5\ncustomers = {{ mid = 1.5, risky = 2 }}\n\n\
         [[risk.scenarios]]\nid = \"bad\"\nprobability = 0.5\ncustomers = {{ mid = 0.5, risky = 0 }}\n"
    )
}

#[test]
fn issue14_risk_weight_is_exact_on_a_hand_solved_case() {
    // (λ, hours of safe, mid, risky, expected contribution, CVaR of contribution)
    let cases = [(0.25, [0.0, 0.0, 10.0], 200.0, 0.0), (1.0, [0.0, 10.0, 0.0], 160.0, 80.0), (5.0, [10.0, 0.0, 0.0], 100.0, 100.0)];
    for solver in [SolverChoice::Auto, SolverChoice::Microlp, SolverChoice::Clarabel] {
        for (weight, hours, expected, cvar) in cases {
            let instance = parse_instance("weight.toml", &three_customers(&format!("risk_weight = {weight}\n"))).unwrap();
            assert_eq!(instance.risk().unwrap().risk_weight(), Some(weight));
            let report = capplan::solve(&instance, solver).unwrap();
            let plan = report.plan.as_ref().expect("optimal");
            let planned: Vec<f64> = plan.allocations.iter().map(|a| a.hours).collect();
            assert!(planned.iter().zip(hours).all(|(&a, b)| (a - b).abs() < 1e-5), "{solver:?} λ = {weight}: {planned:?}");
            assert!(close(plan.totals.contribution, expected), "{solver:?} λ = {weight}: {}", plan.totals.contribution);
            // The objective is expected contribution - λ x CVaR risk = expected + λ x CVaR.
            assert!(close(plan.objective, expected + weight * cvar), "{solver:?} λ = {weight}: {}", plan.objective);
            let risk = plan.risk.as_ref().expect("the plan reports its risk");
            assert!(close(risk.cvar_contribution, cvar) && close(risk.cvar_risk, -cvar), "{solver:?} λ = {weight}");
            assert!(close(risk.risk_weight, weight) && close(risk.risk_adjustment, weight * cvar));
            assert!(close(plan.objective, plan.totals.contribution + plan.totals.priority_adjustment + risk.risk_adjustment));
            // One more sales hour goes where the weighted objective is highest per hour.
            let price = plan.resources[0].shadow_price;
            let best_hour = [10.0 + 10.0 * weight, 16.0 + 8.0 * weight, 20.0_f64].into_iter().fold(f64::MIN, f64::max);
            assert!(close(price, best_hour), "{solver:?} λ = {weight}: capacity price {price}");
            let warnings = capplan::report::warnings(&report);
            assert!(warnings.iter().any(|w| w.contains(&format!("risk_weight = {weight}"))), "{warnings:?}");
        }
    }
    // No weight and a weight of 0 give the same plan, with its risk reported and no warning.
    let none = capplan::solve(&parse_instance("weight.toml", &three_customers("")).unwrap(), SolverChoice::Auto).unwrap();
    let zero = capplan::solve(&parse_instance("weight.toml", &three_customers("risk_weight = 0\n")).unwrap(), SolverChoice::Auto).unwrap();
    for report in [&none, &zero] {
        let plan = report.plan.as_ref().unwrap();
        assert!(close(plan.objective, 200.0) && close(plan.risk.as_ref().unwrap().risk_adjustment, 0.0));
        assert!(capplan::report::warnings(report).iter().all(|w| !w.contains("risk_weight")));
    }
}

#[test]
fn issue14_frontier_of_the_hand_solved_case_has_its_kink() {
    let instance = parse_instance("weight.toml", &three_customers("risk_weight = 2\nmin_cvar = 10\n")).unwrap();
    // The instance's own weight and floor are left out: floors 0, 20, ..., 100.
    let frontier = trace(&instance, 6, SolverChoice::Auto).unwrap();
    for (point, (floor, expected)) in
        frontier.points.iter().zip([(0.0, 200.0), (20.0, 190.0), (40.0, 180.0), (60.0, 170.0), (80.0, 160.0), (100.0, 100.0)])
    {
        assert!(close(point.cvar_contribution, floor), "{} vs {floor}", point.cvar_contribution);
        assert!(close(point.expected_contribution, expected), "{} vs {expected}", point.expected_contribution);
        assert!(close(point.objective, expected), "points maximise the expected contribution alone");
    }
}

#[test]
fn issue14_risk_weight_sweep_traces_points_on_the_frontier() {
    let instance = capplan::read_instance("instances/risk.toml").unwrap();
    let mut previous: Option<(f64, f64)> = None;
    for weight in [0.0, 0.05, 0.2, 0.5, 1.0, 2.0, 5.0, 20.0] {
        let weighted = instance.with_risk_weight(Some(weight)).unwrap();
        let plan = capplan::solve(&weighted, SolverChoice::Auto).unwrap().plan.unwrap();
        let risk = plan.risk.as_ref().unwrap();
        let (expected, cvar) = (plan.totals.contribution, risk.cvar_contribution);
        assert!(close(plan.objective, expected + weight * cvar), "λ = {weight}");
        // On the frontier: no plan with this CVaR or more has more expected contribution.
        let floor = cvar - 1e-9 * cvar.abs();
        let best = capplan::solve(&instance.with_min_cvar(Some(floor)).unwrap(), SolverChoice::Auto).unwrap().plan.unwrap();
        assert!(
            (best.totals.contribution - expected).abs() <= 1e-6 * expected.abs(),
            "λ = {weight}: {expected} below the frontier's {}",
            best.totals.contribution
        );
        // A heavier weight never buys less CVaR, nor keeps more expected contribution.
        if let Some((last_expected, last_cvar)) = previous {
            assert!(cvar >= last_cvar - 1e-6 * last_cvar.abs() && expected <= last_expected + 1e-6 * last_expected.abs(), "λ = {weight}");
        }
        previous = Some((expected, cvar));
    }
    // The sweep spans the frontier: from its first point to its last.
    let frontier = trace(&instance, 2, SolverChoice::Auto).unwrap();
    let (expected, cvar) = previous.unwrap();
    assert!(close(cvar, frontier.points[1].cvar_contribution), "λ = 20 reaches the best CVaR: {cvar}");
    assert!((expected - frontier.points[1].expected_contribution).abs() <= 1e-6 * expected);
    // The same plan from microlp at one weight.
    let weighted = instance.with_risk_weight(Some(0.5)).unwrap();
    let engine = capplan::solve(&weighted, SolverChoice::Auto).unwrap().plan.unwrap();
    let microlp = capplan::solve(&weighted, SolverChoice::Microlp).unwrap().plan.unwrap();
    assert!((engine.objective - microlp.objective).abs() <= 1e-6 * engine.objective.abs(), "{} vs {}", engine.objective, microlp.objective);
}

#[test]
fn issue14_risk_weight_is_validated_with_its_location() {
    for (weight, expected) in [("-0.5", "expected a number >= 0"), ("2e7", "at most 1e6"), ("\"high\"", "risk_weight")] {
        let text = three_customers(&format!("risk_weight = {weight}\n"));
        let error = parse_instance("weight.toml", &text).unwrap_err().to_string();
        assert!(error.contains(expected) && error.contains("weight.toml:"), "{weight}: {error}");
        if weight != "\"high\"" {
            assert!(error.contains("risk.risk_weight"), "{error}");
        }
    }
}

#[test]
fn issue14_risk_weight_is_said_in_every_report() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("weight.toml");
    std::fs::write(&path, three_customers("risk_weight = 1\n")).unwrap();
    let path = path.display().to_string();
    let said = "risk_weight = 1";
    let text = capplan(&["solve", &path]);
    assert_eq!(text.status.code(), Some(0), "{}", stderr(&text));
    assert!(stdout(&text).contains(said), "{}", stdout(&text));
    assert!(stdout(&text).lines().all(|line| line.chars().count() <= 100), "{}", stdout(&text));
    let json: serde_json::Value = serde_json::from_str(&stdout(&capplan(&["solve", &path, "--format", "json"]))).unwrap();
    assert!(json["warnings"].as_array().unwrap().iter().any(|w| w.as_str().unwrap().contains(said)));
    assert_eq!(json["result"]["risk"]["risk_weight"], 1.0);
    assert!(close(json["result"]["risk"]["cvar_contribution"].as_f64().unwrap(), 80.0));
    assert!(close(json["result"]["risk"]["risk_adjustment"].as_f64().unwrap(), 80.0));
    let csv = capplan(&["solve", &path, "--format", "csv"]);
    assert!(stderr(&csv).contains(said), "{}", stderr(&csv));
    let html = capplan(&["solve", &path, "--format", "html"]);
    assert!(stdout(&html).contains(said));
    let workbook = dir.path().join("weight.xlsx");
    let xlsx = capplan(&["solve", &path, "--format", "xlsx", "--output", &workbook.display().to_string()]);
    assert_eq!(xlsx.status.code(), Some(0), "{}", stderr(&xlsx));
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&workbook).unwrap();
    let found = book
        .sheet_names()
        .into_iter()
        .any(|sheet| book.worksheet_range(&sheet).unwrap().cells().any(|(_, _, cell)| cell.to_string().contains(said)));
    assert!(found, "the workbook says the risk weight");
}

#[test]
fn issue14_frontier_html_is_self_contained_and_renders_in_chromium() {
    use support::browser::{chromium, external_references, rendered_dom, screenshot};
    let dir = tempfile::TempDir::new().unwrap();
    let page = dir.path().join("frontier.html");
    let output = capplan(&["frontier", "instances/risk.toml", "--points", "6", "--format", "html", "--output", page.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(external_references(&html), Vec::<String>::new(), "the page fetches nothing");
    assert_eq!(
        capplan(&["frontier", "instances/risk.toml", "--points", "6", "--format", "html"]).stdout,
        html.as_bytes(),
        "identical input, identical page (and --output writes what standard output gets)"
    );
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&capplan(&["frontier", "instances/risk.toml", "--points", "6", "--format", "json"]))).unwrap();
    let points = json["points"].as_array().unwrap();
    // Every point is on the page: its dot in the chart and its row in the table, with the
    // JSON's numbers.
    let check = |page: &str, what: &str| {
        assert!(page.contains("class=\"chart frontier\""), "{what}: the frontier chart");
        let chart = page.split("class=\"chart frontier\"").nth(1).unwrap().split("</figure>").next().unwrap();
        assert_eq!(chart.matches("<circle").count(), points.len(), "{what}: one dot per point");
        let table =
            page.split("id=\"points\"").nth(1).unwrap_or_else(|| panic!("{what}: no points table")).split("</table>").next().unwrap();
        let rows: Vec<&str> = table.split("<tr>").skip(2).collect();
        assert_eq!(rows.len(), points.len(), "{what}: one row per point");
        for (k, (row, point)) in rows.iter().zip(points).enumerate() {
            assert!(chart.contains(&format!("<title>point {}: expected contribution", k + 1)), "{what}: dot {} is labelled", k + 1);
            for key in ["cvar_floor", "expected_contribution", "cvar_contribution", "cvar_risk"] {
                let shown = capplan::report::money(point[key].as_f64().unwrap());
                assert!(row.contains(&format!(">{shown}<")), "{what}: point {} {key} {shown}", k + 1);
            }
        }
        // Allocations shift along the frontier: small multiples and the table of moves.
        assert!(page.matches("class=\"chart shift\"").count() >= 3, "{what}: small multiples of the moves");
        assert!(page.contains("id=\"moves\""), "{what}: the table of moves");
    };
    check(&html, "page");
    // The allocation that moves most in the JSON is in the moves table.
    let moved = |a: &serde_json::Value| {
        let hours: Vec<f64> = points.iter().map(|p| p["allocations"][a.as_u64().unwrap() as usize]["hours"].as_f64().unwrap()).collect();
        hours.iter().copied().fold(f64::MIN, f64::max) - hours.iter().copied().fold(f64::MAX, f64::min)
    };
    let count = points[0]["allocations"].as_array().unwrap().len();
    let most = (0..count).max_by(|&a, &b| moved(&a.into()).total_cmp(&moved(&b.into()))).unwrap();
    let allocation = &points[0]["allocations"][most];
    let first_row = html.split("id=\"moves\"").nth(1).unwrap().split("<tr>").nth(2).unwrap();
    assert!(first_row.contains(&format!(">{}<", allocation["customer"].as_str().unwrap())), "{first_row}");

    let Some(browser) = chromium() else {
        eprintln!("SKIPPED: no Chromium installed (apt-get install chromium); the page was checked without a browser");
        return;
    };
    let dom = rendered_dom(&browser, &page);
    check(&dom, "as Chromium shows it");
    assert_eq!(external_references(&dom), Vec::<String>::new(), "nothing external after the script ran");
    let shot = dir.path().join("frontier.png");
    screenshot(&browser, &page, &shot);
    assert!(std::fs::metadata(&shot).unwrap().len() > 20_000, "the screenshot shows a page");
}

#[test]
fn issue14_risk_weight_prices_pass_the_duality_checks_and_agree_across_backends() {
    for weight in ["0.25", "1", "5"] {
        let instance = parse_instance("weight.toml", &three_customers(&format!("risk_weight = {weight}\nmin_cvar = 5\n"))).unwrap();
        support::assert_all_checks(&instance, capplan::solve::Backend::Microlp);
        support::assert_all_checks(&instance, capplan::solve::Backend::Engine);
        support::assert_backends_agree(&instance);
    }
    let example = capplan::read_instance("instances/risk.toml").unwrap().with_risk_weight(Some(1.0)).unwrap();
    support::assert_all_checks(&example, capplan::solve::Backend::Engine);
}

/// The LP-level ranging is exact on the CVaR rows (the opening screen ranges capacities on them):
/// every limit's range and every hour-objective range hold against re-solves, with capplan's
/// engine and, on the floors, microlp (whose simplex did not return on one re-solve of the
/// weighted objective without a floor). What `solve --sensitivity` refuses is the planner's
/// reading of an allocation's range, which these numbers do not give.
#[test]
fn issue14_ranging_of_the_cvar_lp_holds_against_resolves() {
    use capplan::solve::Backend;
    let cases: [(&str, &[Backend]); 3] = [
        ("min_cvar = 40\n", &[Backend::Engine, Backend::Microlp]),
        ("risk_weight = 1\n", &[Backend::Engine]),
        ("risk_weight = 0.25\nmin_cvar = 90\n", &[Backend::Engine, Backend::Microlp]),
    ];
    for (risk_lines, backends) in cases {
        let instance = parse_instance("weight.toml", &three_customers(risk_lines)).unwrap();
        for &backend in backends {
            let confirmed = support::assert_ranges_hold(&instance, backend);
            assert!(confirmed > 0, "{risk_lines} {backend:?}: nothing confirmed");
        }
    }
}
