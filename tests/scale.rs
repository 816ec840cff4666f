//! Issue 5 at test scale: the generator (determinism, validity and feasibility over many seeds,
//! the whale shape), the backend choice of `--solver auto` and the reason the report gives,
//! agreement of every backend on generated portfolios, and the time-limit status.

mod support;

use support::scratch::scratch;

use std::process::{Command, Output};

use capplan::analysis::whale::{current_contributions, whale_shape};
use capplan::analysis::{Status, solve, solve_chosen};
use capplan::formulation::formulate;
use capplan::generate::{DEFAULT_RESOURCES, Settings, generate};
use capplan::model::Instance;
use capplan::solve::{Backend, SIMPLEX_MAX_VARIABLES, SolverChoice, choose};

fn capplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_capplan")).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap()
}

fn settings(customers: usize, seed: u64, resources: &[&str]) -> Settings {
    Settings { customers, seed, resources: resources.iter().map(|r| r.to_string()).collect(), diversify: false }
}

fn generated(customers: usize, seed: u64) -> Instance {
    Instance::from_toml_str("generated.toml", &generate(&settings(customers, seed, &DEFAULT_RESOURCES))).unwrap()
}

#[test]
fn generator_is_deterministic_for_a_seed_and_differs_across_seeds() {
    let first = generate(&settings(300, 42, &DEFAULT_RESOURCES));
    assert_eq!(first, generate(&settings(300, 42, &DEFAULT_RESOURCES)));
    assert_ne!(first, generate(&settings(300, 43, &DEFAULT_RESOURCES)));
    // The command line writes the same bytes as the library, file or standard output.
    let dir = scratch("determinism");
    let path = dir.join("g.toml");
    let output = capplan(&["generate", "--customers", "300", "--seed", "42", "--output", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), first);
    let output = capplan(&["generate", "--customers", "300", "--seed", "42"]);
    assert_eq!(String::from_utf8(output.stdout).unwrap(), first);
}

/// Valid, feasible and bounded by construction: many seeds, sizes from 1 customer up, one to four
/// resources (custom ids included); each is solved to optimality by the backend auto picks.
#[test]
fn generated_instances_are_valid_and_feasible_for_many_seeds() {
    let resource_sets: [&[&str]; 4] =
        [&DEFAULT_RESOURCES, &["service"], &["sales", "engineering"], &["kam", "technicians", "service", "engineering"]];
    for seed in 0..80u64 {
        let customers = [1, 2, 3, 5, 17, 60][seed as usize % 6];
        let resources = resource_sets[(seed / 6) as usize % resource_sets.len()];
        let text = generate(&settings(customers, seed, resources));
        let instance = Instance::from_toml_str("generated.toml", &text).unwrap_or_else(|errors| panic!("seed {seed}: {errors}\n{text}"));
        let formulation = formulate(&instance);
        let choice = choose(SolverChoice::Auto, &formulation).unwrap();
        let report = solve_chosen(&instance, &formulation, &choice, None).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        assert_eq!(report.status, Status::Optimal, "seed {seed}, {customers} customers, {resources:?}\n{text}");
    }
}

/// `generate --diversify`: the segment shares and the value-share cap are in the file, they
/// take the model off the separable path to the engine, and from 40 customers up the instance
/// has an optimal plan.
#[test]
fn diversified_portfolios_are_valid_feasible_and_go_to_the_engine() {
    for (customers, seed) in [(40, 1), (40, 2), (40, 3), (60, 1), (60, 2), (60, 3), (120, 3)] {
        let text = generate(&Settings { diversify: true, ..settings(customers, seed, &DEFAULT_RESOURCES) });
        assert!(text.contains("max_share = { engineering = 0.6 }") && text.contains("min_share = { value = 0.2 }"));
        assert!(text.contains("[diversification]\nmax_customer_share = { value = "), "{customers}/{seed}");
        let instance = Instance::from_toml_str("generated.toml", &text).unwrap_or_else(|errors| panic!("{customers}/{seed}: {errors}"));
        let formulation = formulate(&instance);
        let choice = choose(SolverChoice::Auto, &formulation).unwrap();
        assert_eq!(choice.backend, Backend::Engine, "{customers}/{seed}");
        let report = solve_chosen(&instance, &formulation, &choice, None).unwrap_or_else(|e| panic!("{customers}/{seed}: {e}"));
        assert_eq!(report.status, Status::Optimal, "{customers} customers, seed {seed}");
    }
    // Without the flag the file is the one it always was.
    assert!(!generate(&settings(40, 1, &DEFAULT_RESOURCES)).contains("[diversification]"));
}

/// The whale curve of shared/domain.md, measured on the *current* hours of a generated portfolio
/// of 1,000 customers (today's profitability, before any replanning): the top 20 % make 150-300 %
/// of the total contribution, the middle 70 % about break even (within +-25 %), the bottom 10 %
/// lose 50-200 %. The optimal plan must do better than today.
#[test]
fn generated_portfolio_has_the_whale_curve_shape() {
    for seed in [1, 2, 3] {
        let instance = generated(1_000, seed);
        let shape = whale_shape(&current_contributions(&instance));
        assert!(shape.total > 0.0);
        assert!((1.5..=3.0).contains(&shape.top_20), "seed {seed}: top 20 % make {:.2}", shape.top_20);
        assert!((-0.25..=0.25).contains(&shape.middle_70), "seed {seed}: middle 70 % make {:.2}", shape.middle_70);
        assert!((-2.0..=-0.5).contains(&shape.bottom_10), "seed {seed}: bottom 10 % make {:.2}", shape.bottom_10);
        let plan = solve(&instance, Backend::Separable).unwrap().plan.unwrap();
        assert!(plan.objective > shape.total, "the optimal plan {} should beat today's {}", plan.objective, shape.total);
    }
}

#[test]
fn generate_refuses_bad_resource_ids_and_counts() {
    for (args, expected) in [
        (vec!["--customers", "10", "--seed", "1", "--resources", "sales,value"], "reserved"),
        (vec!["--customers", "10", "--seed", "1", "--resources", "sales,sales"], "twice"),
        (vec!["--customers", "10", "--seed", "1", "--resources", "sales,-x"], "starting with a letter or digit"),
        (vec!["--customers", "0", "--seed", "1"], "--customers"),
    ] {
        let output = capplan(&[&["generate"], args.as_slice()].concat());
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let message = String::from_utf8(output.stderr).unwrap();
        assert!(message.contains(expected), "{args:?}: {message}");
    }
}

/// auto takes the separable backend when only capacities couple customers; otherwise capplan's
/// engine at every size, with or without HiGHS built.
#[test]
fn auto_picks_as_documented_and_says_why() {
    let tiny = formulate(&generated(20, 1));
    let choice = choose(SolverChoice::Auto, &tiny).unwrap();
    assert_eq!(choice.backend, Backend::Separable);
    assert!(choice.reason.contains("only limits shared by customers are the resource capacities"), "{}", choice.reason);

    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("instances/three-groups.toml");
    let coupled = formulate(&Instance::from_file(&path).unwrap());
    assert!(coupled.lp.variables.len() <= SIMPLEX_MAX_VARIABLES);
    let choice = choose(SolverChoice::Auto, &coupled).unwrap();
    assert_eq!(choice.backend, Backend::Engine);
    assert!(choice.reason.contains("simplex engine"), "{}", choice.reason);
    assert!(choice.reason.contains("couple"), "{}", choice.reason);

    // The same coupled model made large: a value share on one customer of a big portfolio.
    let mut text = generate(&settings(400, 1, &DEFAULT_RESOURCES));
    text = text.replacen("segment = \"", "max_share = { value = 0.5 }\nsegment = \"", 1);
    let big = formulate(&Instance::from_toml_str("big.toml", &text).unwrap());
    assert!(big.lp.variables.len() > SIMPLEX_MAX_VARIABLES);
    let choice = choose(SolverChoice::Auto, &big).unwrap();
    assert_eq!(choice.backend, Backend::Engine);
    assert!(choice.reason.contains("simplex engine"), "{}", choice.reason);
    assert!(choose(SolverChoice::Separable, &big).unwrap_err().contains("value share"));

    // The report says it, in text and JSON.
    let output = capplan(&["solve", "instances/three-groups.toml", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(json["solver_reason"].as_str().unwrap().starts_with("auto: "));
    let output = capplan(&["solve", "instances/tiny.toml", "--solver", "clarabel"]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("Solver: clarabel\nWhy this solver: requested with --solver clarabel\n"), "{text}");
}

#[test]
fn unavailable_or_inapplicable_solver_is_a_usage_error() {
    let output = capplan(&["solve", "instances/three-groups.toml", "--solver", "separable"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8(output.stderr).unwrap().contains("--solver separable does not apply"));
    if !Backend::Highs.is_built() {
        let output = capplan(&["solve", "instances/tiny.toml", "--solver", "highs"]);
        assert_eq!(output.status.code(), Some(2));
        assert!(String::from_utf8(output.stderr).unwrap().contains("--features highs"));
    }
}

/// Every backend on the same generated portfolios: the same optimum (relative 1e-6), the same
/// capacity shadow prices (absolute 1e-4 per hour, a non-degenerate margin here), and shadow
/// prices that pass strong duality and complementary slackness with each.
#[test]
fn backends_agree_on_generated_portfolios() {
    for seed in [5, 6] {
        let instance = generated(40, seed);
        let reference = support::solve_optimal(&instance, Backend::Separable).1;
        for backend in [Backend::Microlp, Backend::Clarabel, Backend::Highs] {
            if !backend.is_built() {
                continue;
            }
            let (formulation, plan) = support::solve_optimal(&instance, backend);
            assert!((plan.objective - reference.objective).abs() <= 1e-6 * reference.objective.abs(), "{backend} seed {seed}");
            support::assert_feasible(&formulation.lp, &plan);
            support::assert_strong_duality(&formulation.lp, &plan);
            for (ours, theirs) in reference.resources.iter().zip(&plan.resources) {
                assert!(
                    (ours.shadow_price - theirs.shadow_price).abs() <= 1e-4,
                    "{backend} {}: {} vs {}",
                    ours.resource,
                    ours.shadow_price,
                    theirs.shadow_price
                );
            }
        }
    }
}

/// The separable backend reports infeasible and unbounded instances as such (hand-made: floors
/// above capacity; an unlimited expansion feeding a response that never saturates).
#[test]
fn separable_backend_reports_infeasible_and_unbounded() {
    let header = "[plan]\nname = \"x\"\nperiod = \"q\"\ncurrency = \"EUR\"\n";
    // Two floors of 60 hours on 100 hours of capacity: infeasible.
    let infeasible = format!(
        "{header}[[resources]]\nid = \"s\"\ncapacity_hours = 100\n[[customers]]\nid = \"a\"\nfloor_hours = {{ s = 60 }}\n[[customers]]\nid = \"b\"\nfloor_hours = {{ s = 60 }}\n"
    );
    // 50 per hour without saturation, unlimited contractors at 30 per hour: unbounded.
    let unbounded = format!(
        "{header}[[resources]]\nid = \"s\"\ncapacity_hours = 100\n[[resources.expansion]]\nid = \"c\"\ncost_per_hour = 30\n[[customers]]\nid = \"a\"\nresponse.s = {{ value_per_hour = 50 }}\n"
    );
    for (text, expected) in [(infeasible, Status::Infeasible), (unbounded, Status::Unbounded)] {
        let instance = Instance::from_toml_str("x.toml", &text).unwrap();
        assert_eq!(solve(&instance, Backend::Separable).unwrap().status, expected);
        assert_eq!(solve(&instance, Backend::Microlp).unwrap().status, expected);
    }
}

/// A solve stopped by --time-limit is never reported as optimal: status time_limit, no plan,
/// exit code 5, in JSON and text. microlp needs seconds on 1,000 generated customers; the limit
/// is a tenth of a second.
#[test]
fn time_limit_stops_the_solve_with_its_own_status() {
    let dir = scratch("time-limit");
    let path = dir.join("g.toml");
    let written = capplan(&["generate", "--customers", "1000", "--seed", "1", "--output", path.to_str().unwrap()]);
    assert_eq!(written.status.code(), Some(0));
    let path = path.to_str().unwrap();
    let output = capplan(&["solve", path, "--solver", "microlp", "--time-limit", "0.1", "--format", "json"]);
    assert_eq!(output.status.code(), Some(5), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["status"], "time_limit");
    assert!(json["result"].is_null());
    assert!(String::from_utf8(output.stderr).unwrap().contains("capplan: status time_limit: no optimal plan"));
    let output = capplan(&["solve", path, "--solver", "microlp", "--time-limit", "0.1"]);
    assert_eq!(output.status.code(), Some(5));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("Status: time limit.") && !text.contains("optimal plan") && !text.contains("Contribution"), "{text}");
    // A limit the solve fits in changes nothing.
    let output = capplan(&["solve", path, "--time-limit", "60"]);
    assert_eq!(output.status.code(), Some(0));
    for bad in ["0", "-1", "soon"] {
        assert_eq!(capplan(&["solve", path, "--time-limit", bad]).status.code(), Some(2), "{bad}");
    }
}
