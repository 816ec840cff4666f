//! `--time-limit` bounds the whole run, not only the plan's solve: the analyses after it
//! (sensitivity, promise and policy prices, the infeasibility diagnosis) stop at the deadline, and
//! the report says what was cut short. A plan proven optimal stays optimal.
//!
//! No test here measures time. Each gives a deadline that has already passed when the analysis
//! starts and checks the structure of what comes back. The CLI tests use `--solver separable`:
//! that backend runs the plan's solve to its end whatever the deadline (docs/cli.md), so a
//! deadline of a nanosecond passes after the plan and before every analysis.

mod support;

use std::path::Path;
use std::time::Instant;

use capplan::analysis::infeasibility::{diagnose, diagnose_until};
use capplan::analysis::{CutShort, Status, ranging, solve_chosen};
use capplan::formulation::formulate;
use capplan::model::Instance;
use capplan::solve::{Backend, Choice};
use support::cli::{capplan, scratch, stderr, stdout};

const INFEASIBLE: &str = "instances/infeasible/engineering-promises.toml";

/// The text with every run of white space one space: sentences wrapped at 100 columns read whole.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn json(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_str(&stdout(output)).unwrap_or_else(|error| panic!("{error}: {}", stderr(output)))
}

#[test]
fn issue11_time_limit_bounds_the_infeasibility_diagnosis() {
    let instance = Instance::from_file(Path::new(INFEASIBLE)).unwrap();
    let formulation = formulate(&instance);
    let candidates = formulation.kinds.iter().filter(|kind| !kind.is_internal()).count();
    let stopped = diagnose_until(&instance, &formulation, Backend::Engine, Some(Instant::now())).unwrap();
    assert!(!stopped.conflict_complete && !stopped.relaxation_complete && !stopped.is_complete());
    assert!(stopped.conflict.is_empty() && stopped.relaxation.is_empty() && stopped.relaxed_objective.is_none());
    assert_eq!(stopped.unchecked_constraints, candidates);
    // Without a deadline the same diagnosis is whole: the four limits of the file's comment.
    let whole = diagnose(&instance, &formulation, Backend::Engine).unwrap();
    assert!(whole.is_complete() && whole.unchecked_constraints == 0);
    assert_eq!(whole.conflict.len(), 4);
    assert!(!whole.relaxation.is_empty());
}

#[test]
fn issue11_an_infeasible_run_cut_short_in_its_diagnosis_exits_three_and_says_so() {
    let args = ["solve", INFEASIBLE, "--solver", "separable", "--time-limit", "1e-9"];
    let output = capplan(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["status"], "infeasible");
    assert_eq!(report["cut_short"], serde_json::json!(["diagnosis"]));
    let diagnosis = &report["diagnosis"];
    assert_eq!(diagnosis["conflict_complete"], false);
    assert_eq!(diagnosis["relaxation_complete"], false);
    assert!(diagnosis["unchecked_constraints"].as_u64().unwrap() > 0);
    assert_eq!(diagnosis["relaxation"], serde_json::json!([]));

    let text = capplan(&args);
    assert_eq!(text.status.code(), Some(3));
    let text = stdout(&text);
    assert!(flat(&text).contains("Cut short: --time-limit ran out before every analysis finished: the infeasibility"), "{text}");
    assert!(flat(&text).contains("The diagnosis is incomplete (--time-limit ran out)"), "{text}");
    assert!(flat(&text).contains("Not found: --time-limit ran out first."), "{text}");
    assert!(text.lines().all(|line| line.chars().count() <= 100), "{text}");

    // Without the limit nothing is cut short, and JSON says so with an empty list.
    let whole = json(&capplan(&["solve", INFEASIBLE, "--solver", "separable", "--format", "json"]));
    assert_eq!(whole["cut_short"], serde_json::json!([]));
    assert_eq!(whole["diagnosis"]["conflict_complete"], true);
    assert_eq!(whole["diagnosis"]["conflict"].as_array().unwrap().len(), 4);
}

#[test]
fn issue9_time_limit_cuts_sensitivity_short_and_the_plan_stays_optimal() {
    let args = ["solve", "instances/tiers.toml", "--solver", "separable", "--time-limit", "1e-9", "--sensitivity"];
    let output = capplan(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["status"], "optimal");
    assert!(report["result"].is_object());
    assert!(report["result"].get("sensitivity").is_none());
    let cut_short: Vec<&str> = report["cut_short"].as_array().unwrap().iter().map(|name| name.as_str().unwrap()).collect();
    assert!(cut_short.contains(&"sensitivity") && cut_short.contains(&"promise_prices"), "{cut_short:?}");

    let text = capplan(&args);
    assert_eq!(text.status.code(), Some(0));
    let text = stdout(&text);
    assert!(flat(&text).contains("the sensitivity report is left out"), "{text}");
    assert!(flat(&text).contains("The plan and its shadow prices are proven optimal."), "{text}");
    assert!(!text.contains("== Sensitivity =="), "{text}");
    assert!(text.lines().all(|line| line.chars().count() <= 100), "{text}");
}

#[test]
fn issue9_sensitivity_past_its_deadline_is_left_out_not_half_given() {
    let instance = Instance::from_file(Path::new("instances/tiny.toml")).unwrap();
    let formulation = formulate(&instance);
    let report = solve_chosen(&instance, &formulation, &Choice::requested(Backend::Engine), None).unwrap();
    let plan = report.plan.as_ref().unwrap();
    assert!(ranging::sensitivity(&instance, &formulation, plan, Backend::Engine, Some(Instant::now())).unwrap().is_none());
    assert!(ranging::sensitivity(&instance, &formulation, plan, Backend::Engine, None).unwrap().is_some());
}

#[test]
fn issue9_promise_and_policy_prices_past_the_deadline_are_missing_and_said_to_be() {
    // separable solves the plan whatever the deadline; pricing then finds it past. tiers.toml
    // names a portfolio model whose categories set floors.
    let instance = Instance::from_file(Path::new("instances/tiers.toml")).unwrap();
    let formulation = formulate(&instance);
    let choice = Choice::requested(Backend::Separable);
    let stopped = solve_chosen(&instance, &formulation, &choice, Some(Instant::now())).unwrap();
    assert_eq!(stopped.status, Status::Optimal);
    assert!(stopped.cut_short.contains(&CutShort::PromisePrices), "{:?}", stopped.cut_short);
    let plan = stopped.plan.as_ref().unwrap();
    assert!(
        plan.constraints
            .iter()
            .filter(|c| c.binding && c.family == capplan::analysis::document::Family::Floor)
            .all(|c| c.exact_cost.is_none())
    );
    let portfolio = plan.portfolio.as_ref().expect("tiers.toml names a portfolio model");
    assert!(stopped.cut_short.contains(&CutShort::PolicyPrices));
    assert!(portfolio.categories.iter().all(|category| category.policy_cost.is_none()));
    let whole = solve_chosen(&instance, &formulation, &choice, None).unwrap();
    assert!(whole.cut_short.is_empty());
    let whole_plan = whole.plan.as_ref().unwrap();
    assert!(whole_plan.constraints.iter().any(|c| c.exact_cost.is_some()));
    assert!(whole_plan.portfolio.as_ref().unwrap().categories.iter().any(|category| category.policy_cost.is_some()));
}

#[test]
fn issue9_compare_takes_a_time_limit_and_says_what_it_cut_short() {
    // tiny.toml has 100 engineering hours; the scenario promises alpha 120.
    let dir = scratch("compare-time-limit");
    let path = dir.join("promise.toml");
    std::fs::write(&path, "[scenario]\nname = \"promise-engineering\"\n\n[customers.alpha]\nfloor_hours = { engineering = 120 }\n")
        .unwrap();
    let scenario = path.to_str().unwrap();
    let args = ["compare", "instances/tiny.toml", scenario, "--solver", "separable", "--time-limit", "1e-9"];
    let output = capplan(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let report = json(&output);
    let plans = report["comparison"]["plans"].as_array().unwrap();
    let infeasible = plans.iter().find(|plan| plan["status"] == "infeasible").expect("the scenario is infeasible");
    assert_eq!(infeasible["cut_short"], serde_json::json!(["diagnosis"]));
    assert_eq!(infeasible["diagnosis"]["conflict_complete"], false);
    let text = stdout(&capplan(&args));
    assert!(flat(&text).contains("Cut short: promise-engineering: --time-limit ran out"), "{text}");
    assert!(flat(&text).contains("The diagnosis is incomplete"), "{text}");
    assert!(text.lines().all(|line| line.chars().count() <= 100), "{text}");
}

#[test]
fn issue9_force_effects_past_the_deadline_are_left_out_not_misread() {
    // The forced plan (separable: solved whatever the deadline) is the report; the one-hour steps
    // after it find the deadline past, and a step not solved must not read "no feasible plan".
    let args = ["solve", "instances/tiny.toml", "--solver", "separable", "--force", "beta/engineering=35", "--time-limit", "1e-9"];
    let output = capplan(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["status"], "optimal");
    assert!(report.get("forces").is_none(), "{report}");
    let cut_short: Vec<&str> = report["cut_short"].as_array().unwrap().iter().map(|name| name.as_str().unwrap()).collect();
    assert!(cut_short.contains(&"forces"), "{cut_short:?}");
    let text = stdout(&capplan(&args));
    assert!(flat(&text).contains("what the forces cost is missing"), "{text}");
    assert!(!text.contains("leaves no feasible plan"), "{text}");
    // Without the limit the effect is there.
    let whole =
        json(&capplan(&["solve", "instances/tiny.toml", "--solver", "separable", "--force", "beta/engineering=35", "--format", "json"]));
    assert!(whole["forces"].is_object() && whole["cut_short"] == serde_json::json!([]));
}

#[test]
fn issue9_compare_whose_solves_run_out_exits_five() {
    // capplan's engine checks the deadline before its first pivot: a nanosecond has passed.
    let args = ["compare", "instances/tiny.toml", "tests/data/tiny-more-service.toml", "--time-limit", "1e-9", "--format", "json"];
    let output = capplan(&args);
    assert_eq!(output.status.code(), Some(5), "{}", stderr(&output));
    let report = json(&output);
    let plans = report["comparison"]["plans"].as_array().unwrap();
    assert!(plans.iter().all(|plan| plan["status"] == "time_limit" && plan["objective"].is_null()), "{plans:?}");
    assert!(stderr(&output).contains("capplan: base: status time_limit: no optimal plan"));
}
