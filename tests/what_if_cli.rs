//! The what-if commands as a contract: `solve --scenario`, `solve --force`, `compare`, and the
//! diagnosis of infeasible plans, with their exit codes and formats.

mod support;

use support::cli::{capplan, scratch, stderr, stdout};

const FEASIBLE_SCENARIOS: [&str; 4] = [
    "instances/scenarios/hire-engineer.toml",
    "instances/scenarios/lose-m3.toml",
    "instances/scenarios/m2-hard-expectation.toml",
    "instances/scenarios/new-customer-push.toml",
];

#[test]
fn solve_with_a_scenario_names_it_in_text_and_json() {
    let text = capplan(&["solve", "instances/dsp.toml", "--scenario", "instances/scenarios/hire-engineer.toml"]);
    assert_eq!(text.status.code(), Some(0), "{}", stderr(&text));
    let report = stdout(&text);
    assert!(report.lines().nth(1).unwrap().starts_with("Scenario: hire-engineer (instances/scenarios/hire-engineer.toml)"), "{report}");
    assert!(report.contains("engineering   1,450.0"), "{report}");
    let json = capplan(&["solve", "instances/dsp.toml", "--scenario", "instances/scenarios/lose-m3.toml", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(value["schema_version"], capplan::report::JSON_SCHEMA_VERSION);
    assert_eq!(value["scenario"]["name"], "lose-m3");
    assert_eq!(value["scenario"]["file"], "instances/scenarios/lose-m3.toml");
    assert!(value["result"]["customers"].as_array().unwrap().iter().all(|c| c["customer"] != "m3"));
}

#[test]
fn a_scenario_naming_an_unknown_customer_exits_two_with_its_position() {
    let dir = scratch("unknown-customer");
    let path = dir.join("typo.toml");
    std::fs::write(&path, "[scenario]\nname = \"typo\"\n\n[customers.m4]\nfloor_hours = { engineering = 200 }\n").unwrap();
    let output = capplan(&["solve", "instances/dsp.toml", "--scenario", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).is_empty());
    let message = stderr(&output);
    assert!(message.starts_with(&format!("error: {}:4:12: customers.m4: unknown customer \"m4\"", path.display())), "{message}");
    let compare = capplan(&["compare", "instances/dsp.toml", "instances/scenarios/lose-m3.toml", path.to_str().unwrap()]);
    assert_eq!(compare.status.code(), Some(2));
    assert!(stdout(&compare).is_empty());
}

#[test]
fn force_shows_who_gives_up_hours_and_bad_specs_exit_two() {
    let output = capplan(&["solve", "instances/tiny.toml", "--force", "beta/engineering=35"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.contains("The forces cost 25.00 EUR: the contribution falls from 6,950.00 to 6,925.00 EUR."), "{text}");
    assert!(text.contains("alpha     engineering            70.0    65.0    -5.0"), "{text}");
    let json = capplan(&["solve", "instances/tiny.toml", "--force", "beta/engineering=35", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(value["forces"]["objective_change"], -25.0);
    assert_eq!(value["forces"]["forces"][0]["shadow_price"], -5.0);
    let row = value["result"]["constraints"].as_array().unwrap().iter().find(|c| c["id"] == "force[beta/engineering]").unwrap().clone();
    assert_eq!(row["sense"], "=");
    for spec in ["beta/engineering", "beta-engineering=3", "zeta/engineering=3", "beta/design=3", "beta/engineering=-2"] {
        let output = capplan(&["solve", "instances/tiny.toml", "--force", spec]);
        assert_eq!(output.status.code(), Some(2), "{spec}");
        assert!(stderr(&output).starts_with(&format!("error: invalid --force {spec:?}")), "{}", stderr(&output));
    }
}

#[test]
fn infeasible_instance_is_diagnosed_in_text_and_json_and_exits_three() {
    let text = capplan(&["solve", "instances/infeasible/engineering-promises.toml"]);
    assert_eq!(text.status.code(), Some(3));
    // Sentences wrap at 100 columns: read them with the line breaks as spaces.
    let report = stdout(&text).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        report.contains("Engineering floors and hard expectations for m1, m2 and m3 need 1,840.0 h; capacity is 1,500.0 h."),
        "{report}"
    );
    assert!(report.contains("Lower m1's engineering floor by 340.0 h (from 700.0 h to 360.0 h)"), "{report}");
    let json = capplan(&["solve", "instances/infeasible/engineering-promises.toml", "--format", "json"]);
    assert_eq!(json.status.code(), Some(3));
    let value: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert!(value["result"].is_null());
    let ids: Vec<&str> = value["diagnosis"]["conflict"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["capacity[engineering]", "floor[m1/engineering]", "expectation[m2/engineering]", "expectation[m3/engineering]"]);
    assert_eq!(value["diagnosis"]["relaxation"][0]["change"], -340.0);
    // An optimal plan has no diagnosis.
    let optimal: serde_json::Value =
        serde_json::from_str(&stdout(&capplan(&["solve", "instances/tiny.toml", "--format", "json"]))).unwrap();
    assert!(optimal.get("diagnosis").is_none());
}

#[test]
fn compare_dsp_scenarios_side_by_side_exits_zero() {
    let mut args = vec!["compare", "instances/dsp.toml"];
    args.extend(FEASIBLE_SCENARIOS);
    let output = capplan(&args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let header = text.lines().find(|line| line.trim_start().starts_with("measure")).unwrap();
    let columns: Vec<&str> = header.split_whitespace().collect();
    assert_eq!(columns, ["measure", "base", "hire-engineer", "lose-m3", "m2-hard", "new-customer-push"]);
    assert!(text.contains("change vs base"), "{text}");
    assert!(text.contains("Hour changes: lose-m3 against base (biggest moves first)"));
    assert!(text.contains("m3        sales        150.0      0.0  -150.0  removed"), "{text}");
    assert!(text.contains("n4        sales         0.0               40.0   +40.0  added"), "{text}");

    let mut json_args = args.clone();
    json_args.extend(["--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&capplan(&json_args))).unwrap();
    assert_eq!(value["schema_version"], capplan::report::JSON_SCHEMA_VERSION);
    let plans = value["comparison"]["plans"].as_array().unwrap();
    assert_eq!(plans.len(), 5);
    assert_eq!(plans[0]["label"], "base");
    assert!(plans.iter().all(|plan| plan["status"] == "optimal"));
    // Each scenario's moves are sorted by size, and lose-m3's biggest are m3's 150-hour rows.
    for changes in value["comparison"]["changes"].as_array().unwrap() {
        let sizes: Vec<f64> = changes["moves"].as_array().unwrap().iter().map(|m| m["change_hours"].as_f64().unwrap().abs()).collect();
        assert!(sizes.windows(2).all(|pair| pair[0] >= pair[1]), "{sizes:?}");
    }
    assert_eq!(value["comparison"]["changes"][1]["moves"][0]["customer"], "m3");
    // The base column equals a plain solve.
    let solve: serde_json::Value = serde_json::from_str(&stdout(&capplan(&["solve", "instances/dsp.toml", "--format", "json"]))).unwrap();
    assert_eq!(plans[0]["objective"], solve["result"]["objective"]);

    let mut csv_args = args.clone();
    csv_args.extend(["--format", "csv"]);
    let csv = stdout(&capplan(&csv_args));
    assert_eq!(csv.lines().next().unwrap(), "plan,status,measure,customer,resource,value,base_value,change");
    assert!(csv.lines().any(|line| line.starts_with("lose-m3,optimal,hours,m3,sales,0.000000,150.000000,-150.000000")), "{csv}");
}

#[test]
fn compare_with_an_infeasible_scenario_keeps_its_column_and_exits_three() {
    let dir = scratch("compare-infeasible");
    let target = dir.join("compare.json");
    let output = capplan(&[
        "compare",
        "instances/dsp.toml",
        "instances/scenarios/hire-engineer.toml",
        "instances/scenarios/promise-engineering.toml",
        "--format",
        "json",
        "--output",
        target.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(3));
    assert!(stdout(&output).is_empty());
    assert!(stderr(&output).contains("capplan: promise-engineering: status infeasible: no optimal plan"), "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    let plans = value["comparison"]["plans"].as_array().unwrap();
    assert_eq!(plans[1]["status"], "optimal");
    assert_eq!(plans[2]["status"], "infeasible");
    assert!(plans[2]["objective"].is_null());
    assert_eq!(value["comparison"]["changes"][1]["comparable"], false);
    let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");

    let text = stdout(&capplan(&["compare", "instances/dsp.toml", "instances/scenarios/promise-engineering.toml"]));
    assert!(text.lines().any(|line| line.split_whitespace().collect::<Vec<_>>() == ["status", "optimal", "infeasible"]), "{text}");
}

#[test]
fn compare_output_is_byte_identical_for_identical_input() {
    for format in ["text", "json", "csv"] {
        let args = ["compare", "instances/tiny.toml", "tests/data/tiny-more-service.toml", "--format", format];
        let first = capplan(&args);
        let second = capplan(&args);
        assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
        assert_eq!(first.stdout, second.stdout, "{format}");
    }
}

#[test]
fn compare_needs_at_least_one_scenario_with_distinct_names() {
    assert_eq!(capplan(&["compare", "instances/dsp.toml"]).status.code(), Some(2));
    let twice = capplan(&["compare", "instances/dsp.toml", "instances/scenarios/lose-m3.toml", "instances/scenarios/lose-m3.toml"]);
    assert_eq!(twice.status.code(), Some(2));
    assert!(stderr(&twice).contains("are both named \"lose-m3\""), "{}", stderr(&twice));
}

#[test]
fn compare_says_why_an_infeasible_scenario_has_no_plan() {
    let output = capplan(&["compare", "instances/dsp.toml", "instances/scenarios/promise-engineering.toml"]);
    assert_eq!(output.status.code(), Some(3));
    let text = stdout(&output);
    assert!(text.contains("Why promise-engineering has no plan"), "{text}");
    assert!(text.contains("Least repair: allow 50.0 h more of contractors for engineering (from 300.0 h to 350.0 h)."), "{text}");
    let json = capplan(&["compare", "instances/dsp.toml", "instances/scenarios/promise-engineering.toml", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert!(value["comparison"]["plans"][0]["diagnosis"].is_null());
    assert_eq!(value["comparison"]["plans"][1]["diagnosis"]["relaxation"][0]["id"], "expansion_limit[engineering/contractors]");
}

#[test]
fn forces_are_resolved_against_the_patched_instance() {
    let removed =
        capplan(&["solve", "instances/dsp.toml", "--scenario", "instances/scenarios/lose-m3.toml", "--force", "m3/engineering=5"]);
    assert_eq!(removed.status.code(), Some(2));
    assert!(stderr(&removed).contains("unknown customer \"m3\""), "{}", stderr(&removed));
    let added = capplan(&[
        "solve",
        "instances/dsp.toml",
        "--scenario",
        "instances/scenarios/new-customer-push.toml",
        "--force",
        "n4/engineering=10",
    ]);
    assert_eq!(added.status.code(), Some(0), "{}", stderr(&added));
    let text = stdout(&added);
    assert!(text.contains("Scenario: new-customer-push"), "{text}");
    assert!(text.contains("n4 gets exactly 10.0 engineering hours (the plan without forces gives 25.0 h)."), "{text}");
}

#[test]
fn compare_help_has_examples_and_the_exit_code_rule() {
    let output = capplan(&["compare", "--help"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.contains("Examples:\n  capplan compare instances/dsp.toml"), "{text}");
    assert!(text.contains("3 some plan is infeasible"), "{text}");
    let solve = stdout(&capplan(&["solve", "--help"]));
    assert!(solve.contains("--scenario <FILE>") && solve.contains("--force <CUSTOMER/RESOURCE=HOURS>"), "{solve}");
}
