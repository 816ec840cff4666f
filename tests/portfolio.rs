//! Issue 3, portfolio models as data: each shipped model classifies its example customers as
//! docs/portfolio-models.md says and turns category policies into named constraints; a
//! user-written model works; policy costs reconcile with the policy constraints' shadow prices;
//! path dependence limits hold; the partner view holds nothing internal; bad models and scores are
//! refused with their position.

mod support;

use support::scratch::scratch;

use std::path::Path;
use std::process::Command;

use approx::assert_relative_eq;
use capplan::analysis::{ConstraintResult, Outcome, Plan, Status, solve};
use capplan::model::{ExpectationKind, Instance, Source};
use capplan::solve::Backend;

fn example(name: &str) -> Instance {
    Instance::from_file(&Path::new(env!("CARGO_MANIFEST_DIR")).join("instances").join(name)).unwrap()
}

fn category_of<'a>(instance: &'a Instance, customer: &str) -> &'a str {
    let customer = &instance.customers()[instance.customer_index(customer).unwrap()];
    &instance.portfolio().as_ref().unwrap().categories[customer.category().unwrap()].id
}

fn optimal(instance: &Instance) -> Plan {
    let report = solve(instance, Backend::Microlp).unwrap();
    assert_eq!(report.status, Status::Optimal);
    report.plan.unwrap()
}

fn constraint<'a>(plan: &'a Plan, id: &str) -> &'a ConstraintResult {
    plan.constraints.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("no constraint {id}"))
}

const HEADER: &str = "[plan]\nname = \"portfolio test\"\nperiod = \"2027-Q1\"\ncurrency = \"EUR\"\n";
const RESOURCES: &str = "[[resources]]\nid = \"sales\"\ncapacity_hours = 1000\n\
    [[resources]]\nid = \"service\"\ncapacity_hours = 1000\n\
    [[resources]]\nid = \"engineering\"\ncapacity_hours = 1000\n";

/// An instance using a built-in model, one customer per (id, scores) pair.
fn with_model(model: &str, customers: &[(&str, &str)]) -> Instance {
    let mut text = format!("{HEADER}[portfolio]\nmodel = \"{model}\"\n{RESOURCES}");
    for (id, scores) in customers {
        text.push_str(&format!(
            "[[customers]]\nid = \"{id}\"\nscores = {{ {scores} }}\ncurrent_hours = {{ sales = 50, service = 50, engineering = 50 }}\n\
             response.sales = {{ value_per_hour = 20 }}\nresponse.service = {{ value_per_hour = 20 }}\nresponse.engineering = {{ value_per_hour = 20 }}\n"
        ));
    }
    Instance::from_toml_str("portfolio.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

// ------------------------------------------------------------------ shipped models

/// Krapfel on the DSP case: majors m1, m2 partners, m3 a rival, the prototype-loving t17 a
/// friend, a break-even account an acquaintance; policies become named constraints, and a
/// customer's own setting wins over its category's.
#[test]
fn krapfel_classifies_the_dsp_customers_and_sets_policy_constraints() {
    let instance = example("dsp-krapfel.toml");
    for (customer, category) in [
        ("m1", "partner"),
        ("m2", "partner"),
        ("m3", "rival"),
        ("t10", "partner"),
        ("t17", "friend"),
        ("t02", "acquaintance"),
        ("t04", "rival"),
    ] {
        assert_eq!(category_of(&instance, customer), category, "{customer}");
    }
    let plan = optimal(&instance);
    // Rival: engineering capped at 5 % of 1,000 hours.
    let cap = constraint(&plan, "cap[m3/engineering]");
    assert_eq!((cap.source, cap.category.as_deref(), cap.limit), (Source::Policy, Some("rival"), 50.0));
    // Partner t10 has no floor of its own: the partner service floor of 40 h applies.
    let floor = constraint(&plan, "floor[t10/service]");
    assert_eq!((floor.source, floor.limit), (Source::Policy, 40.0));
    // Partner t01 keeps its own floor of 12 h.
    let own = constraint(&plan, "floor[t01/service]");
    assert_eq!((own.source, own.limit), (Source::Instance, 12.0));
    // m1's expectation states no kind: the partner policy makes it hard.
    let m1 = &instance.customers()[instance.customer_index("m1").unwrap()];
    assert_eq!(m1.expectations()[2].unwrap().kind(), ExpectationKind::Hard);
    assert_eq!(constraint(&plan, "expectation[m1/engineering]").source, Source::Policy);
    // m2 states soft itself: the instance wins over the partner default.
    assert_eq!(constraint(&plan, "expectation[m2/engineering]").source, Source::Instance);
    // Acquaintances: engineering capped at 1 % of capacity, priority weight 0.9.
    assert_eq!(constraint(&plan, "cap[t02/engineering]").limit, 10.0);
    assert_eq!(plan.customers.iter().find(|c| c.customer == "t02").unwrap().priority_weight, 0.9);
}

/// Profitability on the three groups: A carriage trade (a3 passive), B bargain basement,
/// C aggressive with its service cut to 1.5 % of 7,700 hours; B's own service cap of 150 h wins
/// over the bargain-basement cap of 2 % (154 h).
#[test]
fn profitability_classifies_the_three_groups() {
    let instance = example("three-groups-profitability.toml");
    for (customer, category) in
        [("a1", "carriage-trade"), ("a3", "passive"), ("b1", "bargain-basement"), ("c1", "aggressive"), ("c6", "aggressive")]
    {
        assert_eq!(category_of(&instance, customer), category, "{customer}");
    }
    let plan = optimal(&instance);
    let cap = constraint(&plan, "cap[c1/service]");
    assert_eq!(cap.source, Source::Policy);
    assert_relative_eq!(cap.limit, 115.5);
    assert!(cap.binding);
    let own = constraint(&plan, "cap[b1/service]");
    assert_eq!((own.source, own.limit), (Source::Instance, 150.0));
}

/// The relationship spectrum reads the collaboration index: the mean of six scores with the
/// availability of alternatives reversed. (10 - 9 + 5 x 2) / 6 = 1.83: transactional;
/// (10 - 5 + 5 x 5) / 6 = 5: value-adding; (10 - 1 + 5 x 8) / 6 = 8.17: collaborative.
#[test]
fn relationship_spectrum_classifies_by_collaboration_index() {
    let score = |alternatives: u32, rest: u32| {
        format!(
            "alternatives = {alternatives}, dynamism = {rest}, importance = {rest}, complexity = {rest}, information_exchange = {rest}, operational_linkages = {rest}"
        )
    };
    let (low, middle, high) = (score(9, 2), score(5, 5), score(1, 8));
    let instance = with_model("relationship-spectrum", &[("low", &low), ("middle", &middle), ("high", &high)]);
    assert_eq!(category_of(&instance, "low"), "transactional");
    assert_eq!(category_of(&instance, "middle"), "value-adding");
    assert_eq!(category_of(&instance, "high"), "collaborative");
    let plan = optimal(&instance);
    // Collaborative: hard floors of 3 % of service and 2 % of engineering capacity.
    assert_eq!(constraint(&plan, "floor[high/service]").limit, 30.0);
    assert_eq!(constraint(&plan, "floor[high/engineering]").limit, 20.0);
    // Transactional: engineering capped at 1 %.
    assert_eq!(constraint(&plan, "cap[low/engineering]").limit, 10.0);
}

/// Asset perspectives: a high-potential customer reaches the network perspective only when
/// ready and willing; otherwise it is managed from the relationship perspective.
#[test]
fn asset_perspectives_network_only_for_ready_and_willing() {
    let instance = with_model(
        "asset-perspectives",
        &[
            ("ready", "potential = 8, ready_and_willing = 1"),
            ("not-ready", "potential = 8, ready_and_willing = 0"),
            ("middle", "potential = 5, ready_and_willing = 1"),
            ("small", "potential = 2, ready_and_willing = 1"),
        ],
    );
    assert_eq!(category_of(&instance, "ready"), "network");
    assert_eq!(category_of(&instance, "not-ready"), "relationship");
    assert_eq!(category_of(&instance, "middle"), "relationship");
    assert_eq!(category_of(&instance, "small"), "sales");
    let plan = optimal(&instance);
    assert_eq!(constraint(&plan, "floor[ready/engineering]").limit, 50.0);
    assert!(plan.constraints.iter().all(|c| c.id != "floor[not-ready/engineering]"));
    assert_eq!(constraint(&plan, "cap[small/engineering]").limit, 10.0);
}

/// Relationship states: new, trouble, growing, static (moves at most 20 % from the current 50 h:
/// between 40 and 60 h) and inert.
#[test]
fn relationship_states_classify_and_static_limits_change() {
    let instance = with_model(
        "relationship-states",
        &[
            ("new", "age_years = 0.5, growth = 0, satisfaction = 5"),
            ("trouble", "age_years = 5, growth = 20, satisfaction = 3"),
            ("growing", "age_years = 5, growth = 20, satisfaction = 7"),
            ("static", "age_years = 5, growth = 0, satisfaction = 7"),
            ("inert", "age_years = 5, growth = -30, satisfaction = 7"),
        ],
    );
    for id in ["new", "trouble", "growing", "static", "inert"] {
        assert_eq!(category_of(&instance, id), id);
    }
    let plan = optimal(&instance);
    assert_eq!(constraint(&plan, "max_increase[static/sales]").limit, 60.0);
    assert_eq!(constraint(&plan, "max_decrease[static/sales]").limit, 40.0);
    let static_sales = plan.allocations.iter().find(|a| a.customer == "static" && a.resource == "sales").unwrap().hours;
    assert!((40.0 - 1e-6..=60.0 + 1e-6).contains(&static_sales));
}

/// `capplan models` lists every built-in model with its categories.
#[test]
fn models_command_lists_every_built_in_model() {
    let output = Command::new(env!("CARGO_BIN_EXE_capplan")).arg("models").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    for needle in [
        "krapfel",
        "acquaintance",
        "rival",
        "friend",
        "partner",
        "relationship-spectrum",
        "collaborative",
        "profitability",
        "aggressive",
        "asset-perspectives",
        "network",
        "relationship-states",
        "inert",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
}

/// `capplan classify` says why: the scores against the thresholds of the matching rule.
#[test]
fn classify_command_explains_each_category() {
    let output = Command::new(env!("CARGO_BIN_EXE_capplan"))
        .args(["classify", "instances/dsp-krapfel.toml"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("m3        rival         value 8 >= 5 and commonality 3 < 5"), "{text}");
    let json = Command::new(env!("CARGO_BIN_EXE_capplan"))
        .args(["classify", "instances/tiers.toml", "--format", "json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["customers"][1]["category"], "silver");
    assert_eq!(value["customers"][1]["why"], "200 <= revenue 600 < 1000");
}

// ------------------------------------------------------------------ a user-written model

/// instances/tiers.toml with its own model file. Sales 120 h: epsilon returns 50/h but the bronze
/// policy lets its sales move at most 50 % from 40 h (so <= 60); gamma 30/h up to 60 h; delta
/// 25/h. Service 100 h: gamma's expectation of 45 h is hard (gold), delta's 50 h soft with 40/h at
/// risk (silver), epsilon 35/h capped at 10 h (bronze): gamma 45, delta 50, epsilon 5.
/// Objective 60x50 + 60x30 + 45x12 + 50x20 + 5x35 = 6,515.
/// Policy costs by hand: without gold's limits gamma drops to 30 h... no floor either, so service
/// goes delta 50, epsilon 10, delta 10 more, gamma 30: 1,910 against 1,715: 195. Without silver's
/// soft expectation: gamma 45, epsilon 10, delta 45: 1,790: 75. Without bronze's limits epsilon
/// takes all 120 sales hours at 50: 6,000 against 4,800: 1,200.
#[test]
fn user_written_model_classifies_and_prices_its_policies() {
    let instance = example("tiers.toml");
    assert_eq!(category_of(&instance, "gamma"), "gold");
    assert_eq!(category_of(&instance, "delta"), "silver");
    assert_eq!(category_of(&instance, "epsilon"), "bronze");
    let plan = optimal(&instance);
    assert_relative_eq!(plan.objective, 6515.0, epsilon = 1e-6);
    let costs: Vec<(String, Option<f64>)> =
        plan.portfolio.as_ref().unwrap().categories.iter().map(|c| (c.category.clone(), c.policy_cost)).collect();
    let cost = |id: &str| costs.iter().find(|(c, _)| c == id).unwrap().1.unwrap();
    assert_relative_eq!(cost("gold"), 195.0, epsilon = 1e-6);
    assert_relative_eq!(cost("silver"), 75.0, epsilon = 1e-6);
    assert_relative_eq!(cost("bronze"), 1200.0, epsilon = 1e-6);
    assert_eq!(constraint(&plan, "max_increase[epsilon/sales]").limit, 60.0);
}

// ------------------------------------------------------------------ costs and shadow prices

/// A policy floor whose cost is linear all the way down: service 80 h, alpha returns 50/h for
/// 40 h then 20/h, beta 15/h; the "key" category guarantees beta 20 service hours. Each floor
/// hour moves an hour from alpha (20) to beta (15): shadow price -5, valuation 5 x 20 = 100, and
/// the exact cost (re-solve without the floor) is the same 100.
#[test]
fn policy_cost_equals_shadow_price_valuation_when_linear() {
    let dir = scratch("linear-policy");
    std::fs::write(
        dir.join("key.toml"),
        "[model]\nid = \"key\"\nname = \"key accounts\"\n[[dimensions]]\nid = \"key\"\nmin = 0\nmax = 1\n\
         [[categories]]\nid = \"key\"\nwhen = [{ key = { at_least = 1 } }]\n[categories.policy]\nfloor_hours = { service = 20 }\n\
         [[categories]]\nid = \"other\"\nwhen = [{ key = { below = 1 } }]\n",
    )
    .unwrap();
    let text = format!(
        "{HEADER}[portfolio]\nmodel = \"key.toml\"\n[[resources]]\nid = \"service\"\ncapacity_hours = 80\n\
         [[customers]]\nid = \"alpha\"\nscores = {{ key = 0 }}\nresponse.service = {{ points = [[0, 0], [40, 2000], [80, 2800]] }}\n\
         [[customers]]\nid = \"beta\"\nscores = {{ key = 1 }}\nresponse.service = {{ value_per_hour = 15 }}\n"
    );
    let instance = Instance::from_toml_str(dir.join("instance.toml").to_str().unwrap(), &text).unwrap();
    let plan = optimal(&instance);
    assert_relative_eq!(constraint(&plan, "floor[beta/service]").shadow_price, -5.0, epsilon = 1e-9);
    let key = &plan.portfolio.as_ref().unwrap().categories[0];
    assert_relative_eq!(key.floor_valuation, 100.0, epsilon = 1e-9);
    assert_relative_eq!(key.policy_cost.unwrap(), 100.0, epsilon = 1e-6);
}

/// On every example with a portfolio model: a policy never has a negative cost, and a policy of
/// floors and expectations never costs more than its shadow-price valuation (concavity of the
/// optimum in the limits); the plans pass the duality and finite-difference checks.
#[test]
fn policy_costs_reconcile_with_shadow_prices_on_the_examples() {
    for name in ["dsp-krapfel.toml", "three-groups-profitability.toml", "tiers.toml"] {
        let instance = example(name);
        support::assert_all_checks(&instance, Backend::Microlp);
        let plan = optimal(&instance);
        for category in &plan.portfolio.as_ref().unwrap().categories {
            let Some(cost) = category.policy_cost else { continue };
            assert!(cost >= -1e-6, "{name} {}: negative cost {cost}", category.category);
            let only_floors = category.policy_constraints.iter().all(|id| constraint(&plan, id).sense == capplan::formulation::Sense::Ge);
            if only_floors {
                assert!(
                    cost <= category.floor_valuation + 1e-6,
                    "{name} {}: cost {cost} above valuation {}",
                    category.category,
                    category.floor_valuation
                );
            }
            let binding_priced = category.policy_constraints.iter().any(|id| constraint(&plan, id).shadow_price.abs() > 1e-9);
            if !binding_priced {
                assert!(cost.abs() <= 1e-6, "{name} {}: unpriced limits cost {cost}", category.category);
            }
        }
    }
}

// ------------------------------------------------------------------ path dependence

/// Instance-level change limits: current 50 h; at most 10 h more (absolute) and, on another
/// resource, at most 20 % less. a returns 40/h without limit on both, b 10/h; capacity 200 each.
/// Sales: a may rise only to 60 and b saturates at 100, so capacity is slack and the change
/// limit holds back a's full 40/h. Service: a takes everything but b's minimum of 40 h (20 % below
/// its 50), and that minimum costs 40 - 10 = 30 per hour.
#[test]
fn change_limits_from_the_instance_bind_and_price() {
    let text = format!(
        "{HEADER}[[resources]]\nid = \"sales\"\ncapacity_hours = 200\n[[resources]]\nid = \"service\"\ncapacity_hours = 200\n\
         [[customers]]\nid = \"a\"\ncurrent_hours = {{ sales = 50, service = 50 }}\nmax_change_hours = {{ sales = 10 }}\n\
         response.sales = {{ value_per_hour = 40 }}\nresponse.service = {{ value_per_hour = 40 }}\n\
         [[customers]]\nid = \"b\"\ncurrent_hours = {{ sales = 50, service = 50 }}\nmax_change_fraction = {{ service = 0.2 }}\n\
         response.sales = {{ value_per_hour = 10, max_hours = 100 }}\nresponse.service = {{ value_per_hour = 10 }}\n"
    );
    let instance = Instance::from_toml_str("change.toml", &text).unwrap();
    let plan = optimal(&instance);
    let hours = |c: &str, r: &str| plan.allocations.iter().find(|a| a.customer == c && a.resource == r).unwrap().hours;
    assert_relative_eq!(hours("a", "sales"), 60.0, epsilon = 1e-6);
    assert_relative_eq!(constraint(&plan, "max_increase[a/sales]").shadow_price, 40.0, epsilon = 1e-6);
    assert_relative_eq!(hours("b", "service"), 40.0, epsilon = 1e-6);
    assert_relative_eq!(constraint(&plan, "max_decrease[b/service]").shadow_price, -30.0, epsilon = 1e-6);
    assert_eq!(constraint(&plan, "max_increase[a/sales]").source, Source::Instance);
}

/// The outcome labels, at and around their thresholds (documented in docs/portfolio-models.md).
#[test]
fn outcome_labels_follow_the_documented_rule() {
    assert_eq!(Outcome::of(125.0, 100.0), Outcome::Build);
    assert_eq!(Outcome::of(124.0, 100.0), Outcome::Develop);
    assert_eq!(Outcome::of(105.0, 100.0), Outcome::Maintain);
    assert_eq!(Outcome::of(50.0, 100.0), Outcome::Maintain);
    assert_eq!(Outcome::of(49.0, 100.0), Outcome::Terminate);
    assert_eq!(Outcome::of(10.0, 0.0), Outcome::Build);
    assert_eq!(Outcome::of(0.0, 0.0), Outcome::Maintain);
}

// ------------------------------------------------------------------ the partner view

/// The partner view of m2 names m2's hours and expectations and nothing internal: no money, no
/// scores or categories, no model, no shadow prices, no plan name, no other customer.
#[test]
fn partner_view_contains_nothing_internal() {
    let instance = example("dsp-krapfel.toml");
    let others: Vec<String> =
        instance.customers().iter().filter(|c| c.id() != "m2").flat_map(|c| [c.id().to_string(), c.name().to_string()]).collect();
    for format in ["text", "json", "csv"] {
        let output = Command::new(env!("CARGO_BIN_EXE_capplan"))
            .args(["solve", "instances/dsp-krapfel.toml", "--audience", "partner", "--customer", "m2", "--format", format])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{format}");
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(text.contains("320"), "{format}: m2's expected engineering hours should be shown:\n{text}");
        let words: Vec<&str> = text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_')).collect();
        for other in &others {
            let leaked = if other.contains(' ') { text.contains(other.as_str()) } else { words.contains(&other.as_str()) };
            assert!(!leaked, "{format}: partner view of m2 mentions {other}:\n{text}");
        }
        // The document says who it is for; that word is not an internal category.
        let lower = text.to_lowercase().replace("\"audience\": \"partner\"", "");
        for internal in [
            "eur",
            "value",
            "contribution",
            "shadow",
            "cost",
            "penalty",
            "score",
            "commonality",
            "krapfel",
            "partner",
            "rival",
            "category",
            "dsp",
            "priority",
        ] {
            assert!(!lower.contains(internal), "{format}: partner view mentions {internal:?}:\n{text}");
        }
    }
}

/// The partner view needs exactly one known customer.
#[test]
fn partner_view_requires_a_known_customer() {
    for args in [vec!["--audience", "partner"], vec!["--audience", "partner", "--customer", "nobody"], vec!["--customer", "m2"]] {
        let output = Command::new(env!("CARGO_BIN_EXE_capplan"))
            .args(["solve", "instances/dsp-krapfel.toml"])
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8(output.stderr).unwrap().contains("customer"), "{args:?}");
    }
}

// ------------------------------------------------------------------ bad input

/// The diagnostics for an instance text (placed in `dir` so that relative model paths resolve).
fn errors_in(dir: &Path, text: &str) -> Vec<capplan::diagnostic::Diagnostic> {
    let path = dir.join("instance.toml");
    Instance::from_toml_str(path.to_str().unwrap(), text).expect_err("the instance should be refused").0
}

/// Line and column (1-based) of the first occurrence of `marker` in `text`.
fn position(text: &str, marker: &str) -> (usize, usize) {
    let at = text.find(marker).unwrap_or_else(|| panic!("{marker} not in text"));
    let line = text[..at].matches('\n').count() + 1;
    let column = text[..at].rsplit('\n').next().unwrap().chars().count() + 1;
    (line, column)
}

fn krapfel_instance(scores: &str) -> String {
    format!("{HEADER}[portfolio]\nmodel = \"krapfel\"\n{RESOURCES}[[customers]]\nid = \"m1\"\nscores = {{ {scores} }}\n")
}

/// An unknown model name is refused at the name, with the list of built-in models.
#[test]
fn rejects_unknown_model_name() {
    let text = format!("{HEADER}[portfolio]\nmodel = \"kraplef\"\n{RESOURCES}[[customers]]\nid = \"m1\"\n");
    let errors = errors_in(&scratch("unknown-model"), &text);
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].line, errors[0].column), position(&text, "\"kraplef\""));
    assert_eq!(errors[0].field, "portfolio.model");
    assert!(errors[0].message.contains("unknown portfolio model \"kraplef\""));
    assert!(errors[0].message.contains("krapfel, relationship-spectrum, profitability, asset-perspectives, relationship-states"));
}

/// A model path that does not exist is refused, saying where it was looked for.
#[test]
fn rejects_missing_model_file() {
    let text = format!("{HEADER}[portfolio]\nmodel = \"models/mine.toml\"\n{RESOURCES}[[customers]]\nid = \"m1\"\n");
    let errors = errors_in(&scratch("missing-model"), &text);
    assert!(errors[0].message.contains("model file") && errors[0].message.contains("not found"), "{}", errors[0]);
}

/// A score the model needs is missing.
#[test]
fn rejects_missing_score() {
    let text = krapfel_instance("value = 7");
    let errors = errors_in(&scratch("missing-score"), &text);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].line, errors[0].column), position(&text, "value = 7"));
    assert_eq!(errors[0].field, "customers[m1].scores");
    assert!(errors[0].message.contains("missing score commonality"), "{}", errors[0]);
}

/// A score outside its dimension's range is refused at the score.
#[test]
fn rejects_score_out_of_range() {
    let text = krapfel_instance("value = 12, commonality = 3");
    let errors = errors_in(&scratch("score-range"), &text);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].line, errors[0].column), position(&text, "12,"));
    assert_eq!(errors[0].field, "customers[m1].scores.value");
    assert!(errors[0].message.contains("expected a score from 0 to 10"), "{}", errors[0]);
}

/// A score name the model does not have.
#[test]
fn rejects_unknown_score() {
    let text = krapfel_instance("value = 7, commonality = 3, loyalty = 9");
    let errors = errors_in(&scratch("unknown-score"), &text);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].line, errors[0].column), position(&text, "loyalty"));
    assert!(errors[0].message.contains("unknown score \"loyalty\""));
}

/// Scores without a model have nothing to classify with.
#[test]
fn rejects_scores_without_a_model() {
    let text = format!("{HEADER}{RESOURCES}[[customers]]\nid = \"m1\"\nscores = {{ value = 7 }}\n");
    let errors = errors_in(&scratch("no-model"), &text);
    assert!(errors[0].message.contains("scores need a portfolio model"), "{}", errors[0]);
}

/// A model with a gap: scores that meet no rule.
#[test]
fn rejects_scores_in_no_category() {
    let dir = scratch("no-category");
    std::fs::write(
        dir.join("gap.toml"),
        "[model]\nid = \"gap\"\nname = \"gap\"\n[[dimensions]]\nid = \"size\"\nmin = 0\nmax = 10\n\
         [[categories]]\nid = \"small\"\nwhen = [{ size = { below = 3 } }]\n[[categories]]\nid = \"large\"\nwhen = [{ size = { at_least = 7 } }]\n",
    )
    .unwrap();
    let text = format!("{HEADER}[portfolio]\nmodel = \"gap.toml\"\n{RESOURCES}[[customers]]\nid = \"m1\"\nscores = {{ size = 5 }}\n");
    let errors = errors_in(&dir, &text);
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].line, errors[0].column), position(&text, "size = 5"));
    assert!(errors[0].message.contains("put the customer in no category of the gap model (small, large)"), "{}", errors[0]);
}

/// A model whose rules overlap: scores that meet two.
#[test]
fn rejects_scores_in_two_categories() {
    let dir = scratch("two-categories");
    std::fs::write(
        dir.join("overlap.toml"),
        "[model]\nid = \"overlap\"\nname = \"overlap\"\n[[dimensions]]\nid = \"size\"\nmin = 0\nmax = 10\n\
         [[categories]]\nid = \"small\"\nwhen = [{ size = { below = 6 } }]\n[[categories]]\nid = \"large\"\nwhen = [{ size = { at_least = 4 } }]\n",
    )
    .unwrap();
    let text = format!("{HEADER}[portfolio]\nmodel = \"overlap.toml\"\n{RESOURCES}[[customers]]\nid = \"m1\"\nscores = {{ size = 5 }}\n");
    let errors = errors_in(&dir, &text);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].message.contains("in 2 categories of the overlap model at once (small, large)"), "{}", errors[0]);
}

/// A policy naming a resource the instance lacks is refused in the model file, at the key.
#[test]
fn rejects_policy_naming_unknown_resource() {
    let dir = scratch("policy-resource");
    let model = "[model]\nid = \"m\"\nname = \"m\"\n[[dimensions]]\nid = \"size\"\nmin = 0\nmax = 10\n\
                 [[categories]]\nid = \"all\"\nwhen = [{ size = { at_least = 0 } }]\n[categories.policy]\ncap_hours = { technicians = 5 }\n";
    std::fs::write(dir.join("m.toml"), model).unwrap();
    let text = format!("{HEADER}[portfolio]\nmodel = \"m.toml\"\n{RESOURCES}[[customers]]\nid = \"m1\"\nscores = {{ size = 5 }}\n");
    let errors = errors_in(&dir, &text);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].file.ends_with("m.toml"), "{}", errors[0]);
    assert_eq!((errors[0].line, errors[0].column), position(model, "technicians"));
    assert_eq!(errors[0].field, "categories[all].policy.cap_hours.technicians");
    assert!(errors[0].message.contains("which this instance does not have"));
}

/// An invalid model file is reported in the model file, and the CLI exits with 2.
#[test]
fn invalid_model_file_exits_two_with_its_position() {
    let dir = scratch("invalid-model");
    std::fs::write(dir.join("bad.toml"), "[model]\nid = \"bad\"\nname = \"bad\"\n[[dimensions]]\nid = \"size\"\nmin = 10\nmax = 0\n")
        .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_capplan")).args(["models", dir.join("bad.toml").to_str().unwrap()]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("bad.toml:7:7: dimensions[size].max: max 0 must be above min 10"), "{stderr}");
}

/// A scenario can change a customer's scores; the customer is classified again and its new
/// category's policy applies (m3 turns from rival to partner and loses the rival engineering
/// cap), and a scenario can swap the portfolio model.
#[test]
fn scenario_rescores_a_customer_and_swaps_the_model() {
    let dir = scratch("scenario-scores");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scenario = dir.join("m3-partner.toml");
    std::fs::write(&scenario, "[scenario]\nname = \"m3 becomes a partner\"\n[customers.m3]\nscores = { commonality = 7 }\n").unwrap();
    let (instance, _) = capplan::model::apply_scenario_file(&root.join("instances/dsp-krapfel.toml"), &scenario).unwrap();
    assert_eq!(category_of(&instance, "m3"), "partner");
    let plan = optimal(&instance);
    assert!(plan.constraints.iter().all(|c| c.id != "cap[m3/engineering]"));

    let swap = dir.join("swap.toml");
    std::fs::write(&swap, "[scenario]\nname = \"no model\"\n[portfolio]\nmodel = \"nonexistent-model\"\n").unwrap();
    let errors = capplan::model::apply_scenario_file(&root.join("instances/dsp-krapfel.toml"), &swap).unwrap_err();
    assert!(errors.0[0].message.contains("unknown portfolio model \"nonexistent-model\""), "{errors}");
}
