//! Multi-period plans (`[[periods]]`, `[change_limits]`): one program over every period, read
//! back per period. A one-period instance plans exactly as its single quarter; change limits
//! bind with the shadow prices a finite-difference re-solve gives; microlp agrees with the
//! default backend on the example; bad period input is reported where it was written; the
//! example solves in every format, with forces and sensitivity.

mod support;

use capplan::SolverChoice;
use capplan::analysis::Status;
use capplan::analysis::horizon::HorizonReport;
use capplan::formulation::LinearProgram;
use capplan::model::Instance;
use capplan::solve::{Backend, LpOutcome, solve_lp};
use support::cli::{capplan, stderr, stdout};

const EXAMPLE: &str = "instances/multi-quarter.toml";

fn root_file(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

fn example() -> Instance {
    capplan::read_instance(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(EXAMPLE)).expect("the example is valid")
}

fn solved(instance: &Instance, solver: SolverChoice, sensitivity: bool) -> HorizonReport {
    let report = capplan::solve_horizon(instance, solver, sensitivity).expect("the solve runs");
    assert_eq!(report.status, Status::Optimal);
    report
}

fn close(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + scale.abs())
}

fn optimum_with_rhs(lp: &LinearProgram, row: usize, delta: f64) -> Option<f64> {
    let mut changed = lp.clone();
    changed.rows[row].rhs += delta;
    match solve_lp(&changed, Backend::Engine).expect("the re-solve runs") {
        LpOutcome::Optimal { objective, .. } => Some(objective),
        _ => None,
    }
}

#[test]
fn issue14_one_period_instance_gives_the_single_quarter_plan() {
    // dsp.toml as it is, and with one customer's single-quarter change limit: that limit becomes
    // the first period's change limit against the current hours.
    let dsp = root_file("instances/dsp.toml");
    let with_change = dsp.replacen(
        "cap_hours = { engineering = 120 }",
        "cap_hours = { engineering = 120 }\nmax_change_hours = { sales = 10, engineering = 30 }",
        1,
    );
    assert_ne!(with_change, dsp, "m3's cap is where the change limit goes");
    for text in [dsp, with_change] {
        let single = capplan::parse_instance("dsp.toml", &text).unwrap();
        let one_period = capplan::parse_instance("dsp.toml", &format!("{text}\n[[periods]]\nid = \"q1\"\nlabel = \"2027-Q1\"\n")).unwrap();
        let quarter = capplan::solve(&single, SolverChoice::Auto).unwrap();
        let quarter = quarter.plan.as_ref().expect("dsp.toml is optimal");
        let horizon = solved(&one_period, SolverChoice::Auto, false);
        let horizon = horizon.plan.as_ref().unwrap();
        assert_eq!(horizon.periods.len(), 1);
        let period = &horizon.periods[0].plan;
        assert!(close(horizon.objective, quarter.objective, quarter.objective), "{} vs {}", horizon.objective, quarter.objective);
        assert!(close(horizon.totals.contribution, quarter.totals.contribution, quarter.objective));
        for (a, b) in period.allocations.iter().zip(&quarter.allocations) {
            assert!((a.hours - b.hours).abs() < 1e-6, "{}/{}: {} vs {}", a.customer, a.resource, a.hours, b.hours);
        }
        for (a, b) in period.resources.iter().zip(&quarter.resources) {
            assert!((a.shadow_price - b.shadow_price).abs() < 1e-6, "capacity[{}]: {} vs {}", a.resource, a.shadow_price, b.shadow_price);
        }
        // Every limit of the quarter is there with its period and its price; the change limits
        // are the horizon's own rows.
        let single_quarter: Vec<(String, f64)> =
            quarter.constraints.iter().filter(|c| !c.id.starts_with("max_")).map(|c| (c.id.replace(']', "@q1]"), c.shadow_price)).collect();
        let periodic: Vec<(String, f64)> = period.constraints.iter().map(|c| (c.id.clone(), c.shadow_price)).collect();
        assert_eq!(single_quarter.len(), periodic.len());
        for ((a, pa), (b, pb)) in single_quarter.iter().zip(&periodic) {
            assert_eq!(a, b);
            assert!((pa - pb).abs() < 1e-6, "{a}: {pa} vs {pb}");
        }
        for change in &horizon.change_limits {
            let id = change.id.replace("@q1]", "]");
            let own = quarter.constraints.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("{id} in the quarter's plan"));
            assert!((own.shadow_price - change.shadow_price).abs() < 1e-6, "{id}");
        }
    }
}

#[test]
fn issue14_change_limits_bind_and_their_duals_agree_with_finite_differences() {
    let instance = example();
    let report = solved(&instance, SolverChoice::Auto, false);
    let plan = report.plan.as_ref().unwrap();
    let binding: Vec<_> = plan.change_limits.iter().filter(|limit| limit.binding).collect();
    assert!(binding.len() >= 20, "only {} change limits bind", binding.len());
    let m2 = plan.change_limits.iter().find(|limit| limit.id == "max_increase[m2/engineering@q1]").expect("m2's ramp-up limit");
    assert!(m2.binding && m2.shadow_price > 1.0, "m2's engineering ramp-up binds and has a price: {m2:?}");
    assert!(binding.iter().any(|limit| limit.allowed_share.is_some()), "a share limit binds");
    assert!(binding.iter().any(|limit| limit.from_period.is_some()), "a limit between two periods binds");

    let lp = plan.lp.exact_lp.as_ref().expect("the program the plan solves");
    let base = plan.objective;
    let scale = base.abs();
    // The most valuable, and a spread of the others (every 7th), both directions.
    let mut rows: Vec<&str> = binding.iter().step_by(7).map(|limit| limit.id.as_str()).collect();
    rows.push("max_increase[m2/engineering@q1]");
    let mut exact = 0;
    for id in rows {
        let row = lp.rows.iter().position(|row| row.name == id).unwrap();
        let price = plan.lp.row_duals[row];
        let up = optimum_with_rhs(lp, row, 1.0);
        let down = optimum_with_rhs(lp, row, -1.0);
        if let Some(up) = up {
            assert!(up - base <= price + 1e-6 * (1.0 + scale), "{id}: v(b+1) - v(b) = {} exceeds the price {price}", up - base);
        }
        if let Some(down) = down {
            assert!(base - down >= price - 1e-6 * (1.0 + scale), "{id}: v(b) - v(b-1) = {} is below the price {price}", base - down);
        }
        if let (Some(up), Some(down)) = (up, down)
            && close(up - base, base - down, scale)
        {
            assert!(close(up - base, price, scale), "{id}: +1 hour changes the optimum by {} but the price is {price}", up - base);
            exact += 1;
        }
        let reported = plan.change_limits.iter().find(|limit| limit.id == id).unwrap();
        assert_eq!(reported.shadow_price, price, "{id}: the report's price is the program's dual");
    }
    assert!(exact >= 5, "only {exact} change limits confirmed exactly by finite differences");
}

#[test]
fn issue14_microlp_agrees_with_the_default_backend_on_the_example() {
    let instance = example();
    let engine = solved(&instance, SolverChoice::Auto, false);
    let microlp = solved(&instance, SolverChoice::Microlp, false);
    assert_eq!(engine.backend, Backend::Engine);
    assert_eq!(microlp.backend, Backend::Microlp);
    let (engine, microlp) = (engine.plan.unwrap(), microlp.plan.unwrap());
    assert!(close(engine.objective, microlp.objective, engine.objective), "engine {} vs microlp {}", engine.objective, microlp.objective);
    // The capacity prices of a non-degenerate optimum are unique: where a resource is priced,
    // both backends give the same price.
    for (a, b) in engine.periods.iter().zip(&microlp.periods) {
        for (x, y) in a.plan.resources.iter().zip(&b.plan.resources) {
            assert!(
                (x.shadow_price - y.shadow_price).abs() <= 1e-5 * (1.0 + x.shadow_price.abs()),
                "capacity[{}@{}]: engine {} vs microlp {}",
                x.resource,
                a.period,
                x.shadow_price,
                y.shadow_price
            );
        }
    }
    // Every value the report gives is what the curves give at the reported hours.
    for period in &engine.periods {
        let horizon = instance.horizon().unwrap();
        let p = horizon.period_index(&period.period).unwrap();
        let planned = horizon.period_instance(&instance, p);
        let resources = planned.resources().len();
        for (index, allocation) in period.plan.allocations.iter().enumerate() {
            let customer = &planned.customers()[index / resources];
            let value = customer.responses()[index % resources].value_at(allocation.hours);
            assert!((value - allocation.value).abs() < 1e-6 * (1.0 + value.abs()), "{}/{}", allocation.customer, allocation.resource);
        }
    }
}

#[test]
fn issue14_example_solves_identically_in_every_format() {
    let text = capplan(&["solve", EXAMPLE, "-q"]);
    assert_eq!(text.status.code(), Some(0), "{}", stderr(&text));
    let report = stdout(&text);
    assert!(report.lines().all(|line| line.chars().count() <= 100), "a text line is wider than 100 columns");
    for label in ["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"] {
        assert!(report.contains(label), "{label} in the text report");
    }
    assert!(report.contains("One more engineering hour in 2027-"), "the capacity price in planner words");
    assert_eq!(stdout(&capplan(&["solve", EXAMPLE, "-q"])), report, "identical input, identical report");

    let json = capplan(&["solve", EXAMPLE, "--format", "json", "-q"]);
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    let document: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(document["schema_version"], capplan::report::JSON_SCHEMA_VERSION);
    let periods = document["result"]["periods"].as_array().unwrap();
    assert_eq!(periods.len(), 4);
    assert_eq!(periods[2]["period"], "q3");
    assert_eq!(periods[2]["label"], "2027-Q3");
    let capacity = periods[2]["plan"]["constraints"].as_array().unwrap().iter().find(|c| c["id"] == "capacity[engineering@q3]");
    assert!(capacity.is_some(), "capacity[engineering@q3] among the third period's limits");
    assert!(document["result"]["change_limits"].as_array().is_some_and(|limits| !limits.is_empty()));

    let csv = capplan(&["solve", EXAMPLE, "--format", "csv", "-q"]);
    assert_eq!(csv.status.code(), Some(0));
    let csv = stdout(&csv);
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with("period,customer,"));
    assert_eq!(lines.count(), 4 * 41 * 3, "one row per period, customer and resource");
    assert!(csv.contains("\nq4,m1,"));

    let html = capplan(&["solve", EXAMPLE, "--format", "html", "-q"]);
    assert_eq!(html.status.code(), Some(0));
    let html = stdout(&html);
    for id in ["period-q1", "period-q2", "period-q3", "period-q4"] {
        assert!(html.contains(&format!("<section id=\"{id}\">")), "{id} section");
    }

    let export = capplan(&["export", EXAMPLE, "--format", "lp"]);
    assert_eq!(export.status.code(), Some(0), "{}", stderr(&export));
    assert!(stdout(&export).contains("capacity(engineering@q3)"), "the LP file names every period's rows");
}

/// Both CSV reports write their rows alike: a one-period instance's CSV is dsp.toml's, each line
/// after the period's column.
#[test]
fn issue14_one_period_csv_is_the_single_quarter_csv_after_the_period() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("one-period.toml");
    std::fs::write(&path, root_file("instances/dsp.toml") + "\n[[periods]]\nid = \"q1\"\nlabel = \"2027-Q1\"\n").unwrap();
    let single = capplan(&["solve", "instances/dsp.toml", "--format", "csv", "-q"]);
    let periodic = capplan(&["solve", path.to_str().unwrap(), "--format", "csv", "-q"]);
    assert_eq!(periodic.status.code(), Some(0), "{}", stderr(&periodic));
    let single = stdout(&single);
    let mut expected = String::from("period,");
    for (n, line) in single.lines().enumerate() {
        expected.push_str(&if n == 0 { format!("{line}\n") } else { format!("q1,{line}\n") });
    }
    assert!(single.lines().count() > 100, "dsp.toml plans every customer and resource");
    assert_eq!(stdout(&periodic), expected);
}

/// The multi-period page is built of the solve page's parts: its style sheet (the period links'
/// spacing after it), its cards and its tables, so that a change to them changes both pages.
#[test]
fn issue14_multi_period_page_uses_the_solve_page_style_and_tables() {
    let style = |page: &str| page[page.find("<style>").unwrap() + "<style>".len()..page.find("</style>").unwrap()].to_string();
    let single = stdout(&capplan(&["solve", "instances/dsp.toml", "--format", "html", "-q"]));
    let multi = stdout(&capplan(&["solve", EXAMPLE, "--format", "html", "-q"]));
    let (single_style, multi_style) = (style(&single), style(&multi));
    assert!(single_style.contains(".status-optimal") && single_style.contains("th.n"), "{single_style}");
    assert!(multi_style.starts_with(&single_style), "the solve page's style sheet, whole:\n{multi_style}");
    assert!(multi.contains(r#"<div class="value status-optimal">optimal</div>"#), "the status card as the solve page's");
    let tables = multi.matches("<table").count();
    assert!(tables > 10, "{tables} tables");
    assert_eq!(multi.matches("<thead>").count(), tables, "every table with the solve page's header row");
    for id in ["by-period", "capacity-prices", "change-limits", "change-limits-more", "hours-per-customer", "resources-q3", "limits-q4"] {
        assert!(multi.contains(&format!("<table id=\"{id}\">")), "table {id}");
    }
    assert!(multi.contains(r#"<td class="n" data-v="#), "numbers carry their value, as on the solve page");
}

#[test]
fn issue14_force_takes_a_period() {
    let forced = capplan(&["solve", EXAMPLE, "--force", "m3/engineering@q3=100", "--format", "json", "-q"]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    let document: serde_json::Value = serde_json::from_str(&stdout(&forced)).unwrap();
    let forces = &document["result"]["forces"];
    assert_eq!(forces["forced"][0]["id"], "force[m3/engineering@q3]");
    assert!(forces["cost"].as_f64().unwrap() >= 0.0);
    let q3 = &document["result"]["periods"][2]["plan"]["allocations"];
    let m3 = q3.as_array().unwrap().iter().find(|a| a["customer"] == "m3" && a["resource"] == "engineering").unwrap();
    assert!((m3["hours"].as_f64().unwrap() - 100.0).abs() < 1e-6);

    let without_period = capplan(&["solve", EXAMPLE, "--force", "m3/engineering=100", "-q"]);
    assert_eq!(without_period.status.code(), Some(2));
    assert!(stderr(&without_period).contains("m1/engineering@q4=120"), "{}", stderr(&without_period));
    let unknown = capplan(&["solve", EXAMPLE, "--force", "m3/engineering@q5=100", "-q"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("unknown period \"q5\""), "{}", stderr(&unknown));
}

#[test]
fn issue14_sensitivity_ranges_each_period_and_the_prices_hold_within_them() {
    let instance = example();
    let report = solved(&instance, SolverChoice::Auto, true);
    let plan = report.plan.as_ref().unwrap();
    let ranges = plan.sensitivity.as_ref().expect("ranged");
    let lp = plan.lp.exact_lp.as_ref().unwrap();
    let base = plan.objective;
    let mut checked = 0;
    for id in ["capacity[engineering@q1]", "capacity[engineering@q2]", "capacity[engineering@q3]", "max_increase[m2/engineering@q1]"] {
        let range = ranges.iter().find(|range| range.id == id).unwrap_or_else(|| panic!("{id} ranged"));
        let row = lp.rows.iter().position(|row| row.name == id).unwrap();
        for (reach, sign) in [(range.allowable_increase, 1.0), (range.allowable_decrease, -1.0)] {
            let Some(reach) = reach.or(Some(50.0)).filter(|reach| *reach > 1e-6) else { continue };
            let step = sign * reach.min(50.0) / 2.0;
            let moved = optimum_with_rhs(lp, row, step).expect("feasible within the range");
            assert!(
                close(moved - base, range.shadow_price * step, base),
                "{id}: {step:+} h gives {} not {}",
                moved - base,
                range.shadow_price * step
            );
            checked += 1;
        }
    }
    assert!(checked >= 4, "{checked} ranges checked");
    let json = capplan(&["solve", EXAMPLE, "--sensitivity", "--format", "json", "-q"]);
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    let document: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert!(document["result"]["sensitivity"].as_array().is_some_and(|ranges| ranges.iter().any(|r| r["period"] == "q3")));
}

/// The diagnostic for `text` (the example with one thing broken).
fn diagnostics(text: &str) -> Vec<capplan::Diagnostic> {
    capplan::parse_instance("bad.toml", text).expect_err("the broken instance is refused").problems().to_vec()
}

/// 1-based line and column where `rest`, a tail of `text`, starts.
fn position(text: &str, rest: &str) -> (usize, usize) {
    let at = text.len() - rest.len();
    let line = text[..at].matches('\n').count() + 1;
    let column = at - text[..at].rfind('\n').map_or(0, |newline| newline + 1) + 1;
    (line, column)
}

#[test]
fn issue14_bad_period_input_gives_located_errors() {
    let good = root_file(EXAMPLE);
    let cases: Vec<(&str, &str, &str, &str, &str)> = vec![
        // (replace, with, located at, field, message part)
        (
            "capacity_hours = { engineering = 1300 }",
            "capacity_hours = { engineerin = 1300 }",
            "engineerin",
            "periods[q4].capacity_hours.engineerin",
            "unknown resource",
        ),
        (
            "capacity_hours = { engineering = 1300 }",
            "capacity_hours = { engineering = -5 }",
            "-5",
            "periods[q4].capacity_hours.engineering",
            ">= 0",
        ),
        ("[periods.customers.m3]", "[periods.customers.m33]", "m33", "periods[q4].customers.m33", "unknown customer"),
        ("id = \"q4\"", "id = \"q3\"", "\"q3\"\nlabel = \"2027-Q4\"", "periods.id", "duplicate period"),
        (
            "max_decrease_share = { sales = 0.4,",
            "max_decrease_share = { sales = 1.4,",
            "1.4",
            "change_limits.max_decrease_share.sales",
            "between 0 and 1",
        ),
        (
            "[change_limits.customers.m1]\nmax_increase_hours = { engineering = 260 }",
            "[change_limits.customers.m1]\nmax_increase_hours = { engineering = 260 }\nmax_increase_share = { engineering = 0.5 }",
            "0.5 }",
            "change_limits.customers.m1.max_increase_share.engineering",
            "not both",
        ),
        (
            "[periods.customers.t12]\nvalue_multiplier = 1.1",
            "[periods.customers.t12]\nexpectation_hours = { sales = 10 }",
            "10 }",
            "periods[q4].customers.t12.expectation_hours.sales",
            "no expectation",
        ),
        (
            "[periods.customers.t14]\nvalue_multiplier = 1.1",
            "[periods.customers.t14]\nvalue_multplier = 1.1",
            "value_multplier",
            "",
            "unknown field",
        ),
    ];
    for (replace, with, at, field, message) in cases {
        assert!(good.contains(replace), "{replace:?} in the example");
        // The last occurrence: the fourth quarter's tables come last.
        let index = good.rfind(replace).unwrap();
        let text = format!("{}{with}{}", &good[..index], &good[index + replace.len()..]);
        let problems = diagnostics(&text);
        let found = problems.iter().find(|p| p.message.contains(message)).unwrap_or_else(|| panic!("{message:?} among {problems:?}"));
        // Where the broken value is: the first `at` from the edit on.
        let (line, column) = position(&text[..], &text[index + text[index..].find(at).unwrap()..]);
        assert_eq!((found.file.as_str(), found.line, found.column), ("bad.toml", line, column), "{message}: {found:?}");
        if !field.is_empty() {
            assert_eq!(found.field, field, "{message}");
        }
    }
    // Change limits need periods.
    let single = root_file("instances/dsp.toml") + "\n[change_limits]\nmax_increase_hours = { sales = 10 }\n";
    let problems = diagnostics(&single);
    assert_eq!(problems[0].field, "change_limits");
    let header = single.find("[change_limits]").unwrap();
    assert_eq!(problems[0].line, position(&single, &single[header..]).0, "at the [change_limits] header: {problems:?}");
    // The command line says the same and exits with 2.
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, good.replacen("id = \"q4\"", "id = \"q3\"", 1)).unwrap();
    let output = capplan(&["solve", path.to_str().unwrap(), "-q"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("periods.id: duplicate period id \"q3\""), "{}", stderr(&output));
}

#[test]
fn issue14_single_quarter_commands_refuse_a_multi_period_instance() {
    for args in [
        vec!["sweep", EXAMPLE, "--resource", "engineering", "--from", "900", "--to", "1100"],
        vec!["compare", EXAMPLE, "instances/multi-quarter-scenarios/late-hire.toml"],
    ] {
        let output = capplan(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(stderr(&output).contains("lists [[periods]]"), "{args:?}: {}", stderr(&output));
    }
    let error = capplan::solve(&example(), SolverChoice::Auto).expect_err("the library refuses too");
    assert_eq!(error.exit_code(), 2);
}

#[test]
fn issue14_scenario_changes_one_period() {
    let scenario = "instances/multi-quarter-scenarios/late-hire.toml";
    let (patched, applied) = capplan::read_scenario(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(EXAMPLE),
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(scenario),
    )
    .expect("the scenario applies");
    assert_eq!(applied.name, "late-hire");
    let base = example();
    let (horizon, base_horizon) = (patched.horizon().unwrap(), base.horizon().unwrap());
    let engineering = patched.resource_index("engineering").unwrap();
    assert_eq!(horizon.periods()[3].capacity_hours()[engineering], 1150.0);
    assert_eq!(horizon.periods()[2].capacity_hours(), base_horizon.periods()[2].capacity_hours(), "other periods as they were");
    let q4 = horizon.period_instance(&patched, 3);
    let m2 = q4.customer_index("m2").unwrap();
    assert_eq!(q4.customers()[m2].expectations()[engineering].unwrap().hours(), 420.0);
    let q3 = horizon.period_instance(&patched, 2);
    assert_eq!(q3.customers()[m2].expectations()[engineering].unwrap().hours(), 360.0);

    let output = capplan(&["solve", EXAMPLE, "--scenario", scenario, "--format", "json", "-q"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let document: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(document["scenario"]["name"], "late-hire");
    let unpatched = solved(&base, SolverChoice::Auto, false).plan.unwrap().objective;
    let objective = document["result"]["objective"].as_f64().unwrap();
    assert!(objective < unpatched, "fewer engineering hours and a larger ask cost: {objective} vs {unpatched}");

    // A scenario names only periods the instance has, and says where it went wrong.
    let dir = tempfile::TempDir::new().unwrap();
    let bad = dir.path().join("bad-period.toml");
    std::fs::write(&bad, "[scenario]\nname = \"typo\"\n\n[periods.q5]\ncapacity_hours = { engineering = 900 }\n").unwrap();
    let output = capplan(&["solve", EXAMPLE, "--scenario", bad.to_str().unwrap(), "-q"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("bad-period.toml:4:10: periods.q5: unknown period \"q5\""), "{}", stderr(&output));
}

#[test]
fn issue14_infeasible_horizon_names_the_clashing_limits() {
    // Without the example's permission to wind t17 and t34 down at once, their caps clash with
    // the 40 % a quarter the portfolio-wide decrease limit allows.
    let good = root_file(EXAMPLE);
    let text = &good[..good.find("# Being wound down").expect("the wind-down overrides")];
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("no-wind-down.toml");
    std::fs::write(&path, text).unwrap();
    let output = capplan(&["solve", path.to_str().unwrap(), "-q"]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let report = stdout(&output);
    assert!(report.contains("These limits cannot all hold"), "{report}");
    assert!(report.contains("max_decrease[t17/engineering@q1]") && report.contains("cap[t17/engineering@"), "{report}");
    let json = capplan(&["solve", path.to_str().unwrap(), "--format", "json", "-q"]);
    assert_eq!(json.status.code(), Some(3));
    let document: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(document["status"], "infeasible");
    assert!(document["result"].is_null());
    assert_eq!(document["conflict"]["complete"], true);
    let limits: Vec<&str> = document["conflict"]["limits"].as_array().unwrap().iter().map(|id| id.as_str().unwrap()).collect();
    // Minimal: dropping any one lets the rest hold.
    let instance = capplan::parse_instance("no-wind-down.toml", text).unwrap();
    let formulation = capplan::formulation::horizon::formulate_horizon(&instance, instance.horizon().unwrap(), &[]);
    let lp = &formulation.combined.lp;
    for dropped in &limits {
        let subset = LinearProgram {
            variables: lp.variables.clone(),
            rows: lp.rows.iter().filter(|row| limits.contains(&row.name.as_str()) && row.name != *dropped).cloned().collect(),
            objective_constant: 0.0,
        };
        assert!(
            matches!(solve_lp(&subset, Backend::Engine).unwrap(), LpOutcome::Optimal { .. } | LpOutcome::Unbounded),
            "without {dropped}"
        );
    }
    let together = LinearProgram {
        variables: lp.variables.clone(),
        rows: lp.rows.iter().filter(|row| limits.contains(&row.name.as_str())).cloned().collect(),
        objective_constant: 0.0,
    };
    assert_eq!(solve_lp(&together, Backend::Engine).unwrap(), LpOutcome::Infeasible, "the limits clash by themselves");
}

#[test]
fn issue14_a_period_can_replace_a_response_curve() {
    let dsp = root_file("instances/dsp.toml");
    let periods = "\n[[periods]]\nid = \"q1\"\n\n[[periods]]\nid = \"q2\"\n\n[periods.customers.m3]\n\
                   response.engineering = { value_per_hour = 400, max_hours = 150 }  # a tooling project in Q2\n";
    let instance = capplan::parse_instance("two.toml", &format!("{dsp}{periods}")).unwrap();
    let report = solved(&instance, SolverChoice::Auto, false);
    let plan = report.plan.unwrap();
    let horizon = instance.horizon().unwrap();
    let m3 = instance.customer_index("m3").unwrap();
    let engineering = instance.resource_index("engineering").unwrap();
    let resources = instance.resources().len();
    let (q1, q2) =
        (&plan.periods[0].plan.allocations[m3 * resources + engineering], &plan.periods[1].plan.allocations[m3 * resources + engineering]);
    let own = &instance.customers()[m3].responses()[engineering];
    assert!((q1.value - own.value_at(q1.hours)).abs() < 1e-6, "Q1 plans with m3's own curve");
    let second = horizon.period_instance(&instance, 1);
    let replaced = &second.customers()[m3].responses()[engineering];
    assert!(
        (q2.value - replaced.value_at(q2.hours)).abs() < 1e-6 && (q2.value - 400.0 * q2.hours.min(150.0)).abs() < 1e-6,
        "Q2 plans with its own"
    );
    assert!(q2.hours > q1.hours, "the richer Q2 curve draws hours: {} vs {}", q2.hours, q1.hours);

    // A period's curve is checked like a customer's: judged points that are not concave are
    // refused where they were written.
    let s_shaped =
        "\n[[periods]]\nid = \"q1\"\n\n[periods.customers.m3]\nresponse.engineering = { points = [[0, 0], [20, 100], [40, 2000]] }\n";
    let text = format!("{dsp}{s_shaped}");
    let problems = diagnostics(&text);
    let problem = problems
        .iter()
        .find(|p| p.field.starts_with("periods[q1].customers.m3.response.engineering"))
        .unwrap_or_else(|| panic!("{problems:?}"));
    assert_eq!(problem.line, text.lines().count(), "{problem:?}");
}

/// Answers first on a multi-period text report: a forced run says what the forces cost before the
/// period tables, and the binding change limits are listed the most valuable first.
#[test]
fn issue14_text_report_puts_the_force_cost_first_and_the_costliest_change_limits_on_top() {
    let output = capplan(&["solve", "instances/multi-quarter.toml", "--force", "m1/engineering@q3=360"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let forced = text.find("\nForced allocations\n").expect("the forces are reported");
    let by_period = text.find("\nBy period\n").expect("the period table is reported");
    assert!(forced < by_period, "the cost of the forces comes before the period tables:\n{text}");
    assert!(text[..by_period].contains("The forces cost 7,600.00 EUR over the horizon"), "{text}");

    let section = text.split("\nChange limits that bind").nth(1).expect("binding change limits are listed");
    let worths: Vec<f64> = section
        .lines()
        .skip(3)
        .take_while(|line| line.starts_with("  max_"))
        // "-": worth less than a cent per hour.
        .map(|line| match line.split_whitespace().last().unwrap() {
            "-" => 0.0,
            worth => worth.replace(',', "").parse().unwrap(),
        })
        .collect();
    assert!(worths.len() > 12, "the full report lists every binding change limit: {}", worths.len());
    assert!(worths.windows(2).all(|pair| pair[0] >= pair[1]), "most valuable first: {worths:?}");
}
