//! Scenario files: every patch lands exactly where it says (checked field by field against the
//! base instance changed by hand), unknown ids and fields are errors located in the scenario
//! file, and the patched instance obeys every instance rule.

use capplan::model::{CurvePiece, ExpansionOption, ResponseCurve};
use capplan::model::{Expectation, ExpectationKind, Instance, ShareBase, apply_scenario};

fn tiny_text() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/instances/tiny.toml")).unwrap()
}

fn dsp_text() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/instances/dsp.toml")).unwrap()
}

fn patched(instance_text: &str, scenario: &str) -> Instance {
    match apply_scenario("base.toml", instance_text, "what-if.toml", scenario) {
        Ok((instance, _)) => instance,
        Err(errors) => panic!("scenario refused:\n{errors}"),
    }
}

fn errors(instance_text: &str, scenario: &str) -> String {
    match apply_scenario("base.toml", instance_text, "what-if.toml", scenario) {
        Ok(_) => panic!("scenario accepted"),
        Err(errors) => errors.to_string(),
    }
}

#[test]
fn every_kind_of_patch_is_applied_exactly_and_nothing_else_changes() {
    let base = Instance::from_toml_str("base.toml", &tiny_text()).unwrap();
    let instance = patched(
        &tiny_text(),
        r#"
[scenario]
name = "all fields"
description = "touches every kind of field"

[resources.engineering]
name = "Engineering team"
capacity_hours = 150
cost_per_hour = 12
expansion.contractors = { cost_per_hour = 90, max_hours = 40 }

[resources.service]
capacity_hours = 95.5

[customers.alpha]
name = "Alpha Valves AG"
current_hours = { service = 45 }
floor_hours = { engineering = 10 }
cap_hours = { service = 70 }
max_share = { value = 0.8 }
response.engineering = { value_per_hour = 55, max_hours = 60 }
expectations.service = { hours = 30, kind = "hard" }

[customers.beta]
unset = ["floor_hours.service", "expectations"]

[diversification]
max_customer_share = { engineering = 0.9 }

[[add_customers]]
id = "gamma"
current_hours = { service = 5 }
response.service = { points = [[0, 100], [10, 400]] }
"#,
    );

    let mut expected = base.clone();
    let engineering = &mut expected.resources[0];
    engineering.name = "Engineering team".into();
    engineering.capacity_hours = 150.0;
    engineering.cost_per_hour = 12.0;
    engineering.expansion =
        vec![ExpansionOption { id: "contractors".into(), cost_per_hour: 90.0, cost_is_premium: false, max_hours: Some(40.0) }];
    expected.resources[1].capacity_hours = 95.5;

    let alpha = &mut expected.customers[0];
    alpha.name = "Alpha Valves AG".into();
    alpha.current_hours[1] = 45.0;
    alpha.floor_hours[0] = Some(10.0);
    alpha.cap_hours[1] = Some(70.0);
    // Its own value cap, then the instance-wide engineering default, sorted by base.
    alpha.max_share = vec![(ShareBase::Resource(0), 0.9), (ShareBase::Value, 0.8)];
    alpha.responses[0] = ResponseCurve {
        value_at_zero: 0.0,
        pieces: vec![CurvePiece { value_per_hour: 55.0, length_hours: Some(60.0) }, CurvePiece { value_per_hour: 0.0, length_hours: None }],
    };
    alpha.expectations[1] = Some(Expectation { hours: 30.0, kind: ExpectationKind::Hard, penalty_per_hour: 0.0 });

    let beta = &mut expected.customers[1];
    beta.floor_hours[1] = None;
    beta.expectations = vec![None, None];
    beta.max_share = vec![(ShareBase::Resource(0), 0.9)];

    let mut gamma = expected.customers[1].clone();
    gamma.id = "gamma".into();
    gamma.name = "gamma".into();
    gamma.current_hours = vec![0.0, 5.0];
    gamma.floor_hours = vec![None, None];
    gamma.cap_hours = vec![None, None];
    gamma.responses = vec![
        ResponseCurve::flat(),
        ResponseCurve {
            value_at_zero: 100.0,
            pieces: vec![
                CurvePiece { value_per_hour: 30.0, length_hours: Some(10.0) },
                CurvePiece { value_per_hour: 0.0, length_hours: None },
            ],
        },
    ];
    expected.customers.push(gamma);

    assert_eq!(instance, expected);
}

#[test]
fn removing_a_customer_and_patching_segments_on_dsp() {
    let base = Instance::from_toml_str("base.toml", &dsp_text()).unwrap();
    let instance = patched(
        &dsp_text(),
        r#"
remove_customers = ["m3", "t08"]

[scenario]
name = "smaller"

[segments.new]
name = "New customers"
min_share = { sales = 0.12 }
min_hours = { engineering = 30 }

[segments.majors]
max_hours = { service = 400 }
"#,
    );
    let mut expected = base.clone();
    expected.customers.retain(|customer| customer.id != "m3" && customer.id != "t08");
    let new = expected.segments.iter_mut().find(|segment| segment.id == "new").unwrap();
    new.name = "New customers".into();
    new.min_share = vec![(ShareBase::Resource(0), 0.12)];
    new.min_hours[2] = Some(30.0);
    let majors = expected.segments.iter_mut().find(|segment| segment.id == "majors").unwrap();
    majors.max_hours[1] = Some(400.0);
    assert_eq!(instance, expected);
}

#[test]
fn the_example_scenarios_apply_to_dsp() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/instances/scenarios");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let (_, applied) = apply_scenario("dsp.toml", &dsp_text(), &path.display().to_string(), &text).unwrap();
        names.push(applied.name);
    }
    names.sort();
    assert_eq!(names, ["hire-engineer", "lose-m3", "m2-hard", "new-customer-push", "promise-engineering"]);
    let hire = std::fs::read_to_string(format!("{dir}/hire-engineer.toml")).unwrap();
    assert_eq!(patched(&dsp_text(), &hire).resources[2].capacity_hours, 1450.0);
}

#[test]
fn unknown_customer_in_a_patch_is_located_in_the_scenario_file() {
    let message = errors(&tiny_text(), "[scenario]\nname = \"x\"\n\n[customers.zeta]\nfloor_hours = { service = 5 }\n");
    assert_eq!(message, "error: what-if.toml:4:12: customers.zeta: unknown customer \"zeta\"; the customers are: alpha, beta");
}

#[test]
fn unknown_ids_everywhere_are_errors_with_their_positions() {
    let message = errors(
        &tiny_text(),
        "remove_customers = [\"omega\"]\n[scenario]\nname = \"x\"\n[resources.sales]\ncapacity_hours = 5\n[segments.big]\nname = \"b\"\n",
    );
    let lines: Vec<&str> = message.lines().collect();
    assert_eq!(lines.len(), 3, "{message}");
    assert!(lines[0].starts_with("error: what-if.toml:1:21: remove_customers: unknown customer \"omega\""), "{message}");
    assert!(lines[1].starts_with("error: what-if.toml:4:12: resources.sales: unknown resource \"sales\""), "{message}");
    assert!(lines[2].starts_with("error: what-if.toml:6:11: segments.big: unknown segment \"big\""), "{message}");
}

#[test]
fn unknown_field_in_a_patch_is_a_reading_error_in_the_scenario_file() {
    let message = errors(&tiny_text(), "[scenario]\nname = \"x\"\n\n[customers.alpha]\nfloor_hour = { service = 5 }\n");
    assert!(message.starts_with("error: what-if.toml:5:1: customers.alpha.floor_hour: unknown field `floor_hour`"), "{message}");
}

#[test]
fn a_missing_scenario_header_is_an_error() {
    let message = errors(&tiny_text(), "[resources.service]\ncapacity_hours = 5\n");
    assert!(message.contains("what-if.toml") && message.contains("missing field `scenario`"), "{message}");
}

#[test]
fn patched_values_go_through_instance_validation_located_in_the_scenario() {
    // A negative floor, an unknown resource in a table, and a floor above the instance's own
    // cap: the instance's rules, reported at the scenario's values.
    let message = errors(
        &tiny_text(),
        "[scenario]\nname = \"x\"\n[customers.alpha]\nfloor_hours = { service = -5, sales = 3 }\ncap_hours = { engineering = 20 }\n[customers.beta]\nfloor_hours = { engineering = 30 }\ncap_hours = { engineering = 25 }\n",
    );
    let lines: Vec<&str> = message.lines().collect();
    assert_eq!(
        lines,
        [
            "error: what-if.toml:4:27: customers[alpha].floor_hours.service: expected a number >= 0, found -5",
            "error: what-if.toml:4:31: customers[alpha].floor_hours.sales: unknown resource \"sales\"; the resources are: engineering, service",
            "error: what-if.toml:7:31: customers[beta].floor_hours.engineering: floor of 30 hours is above the cap of 25 hours for the same resource",
        ]
    );
}

#[test]
fn unset_of_something_not_set_and_patching_a_removed_customer_are_errors() {
    let message = errors(
        &tiny_text(),
        "remove_customers = [\"beta\"]\n[scenario]\nname = \"x\"\n[customers.alpha]\nunset = [\"floor_hours.service\", \"colour\"]\n[customers.beta]\nname = \"b\"\n",
    );
    assert!(
        message
            .contains("what-if.toml:5:10: customers.alpha.unset: nothing to unset: customers.alpha.floor_hours has no entry \"service\""),
        "{message}"
    );
    assert!(message.contains("what-if.toml:5:33: customers.alpha.unset: cannot unset \"colour\""), "{message}");
    assert!(message.contains("what-if.toml:6:12: customers.beta: customer \"beta\" is removed by remove_customers"), "{message}");
}

#[test]
fn a_new_expansion_option_needs_a_price() {
    let message = errors(&tiny_text(), "[scenario]\nname = \"x\"\n[resources.service.expansion.overtime]\nmax_hours = 10\n");
    assert!(
        message.contains("what-if.toml:3:1: resources.service.expansion.overtime.cost_per_hour: missing field `cost_per_hour`"),
        "{message}"
    );
}

#[test]
fn errors_in_the_instance_stay_located_in_the_instance() {
    let broken = tiny_text().replace("capacity_hours = 80", "capacity_hours = -80");
    let message = errors(&broken, "[scenario]\nname = \"x\"\n");
    assert!(message.starts_with("error: base.toml:17:18: resources[service].capacity_hours: expected a number >= 0"), "{message}");
}

#[test]
fn expansion_options_and_new_segments_are_patched_exactly() {
    let base = Instance::from_toml_str("base.toml", &dsp_text()).unwrap();
    let instance = patched(
        &dsp_text(),
        r#"
[scenario]
name = "options"

[resources.engineering.expansion.contractors]
max_hours = 500

[resources.service]
remove_expansion = ["overtime"]

[resources.sales.expansion.freelancers]
cost_per_hour = 95

[[add_segments]]
id = "marine"
min_hours = { sales = 10 }

[customers.t01]
segment = "marine"
"#,
    );
    let mut expected = base.clone();
    expected.resources[2].expansion[0].max_hours = Some(500.0);
    expected.resources[1].expansion.clear();
    expected.resources[0].expansion.push(ExpansionOption {
        id: "freelancers".into(),
        cost_per_hour: 95.0,
        cost_is_premium: false,
        max_hours: None,
    });
    let mut marine = expected.segments[0].clone();
    marine.id = "marine".into();
    marine.name = "marine".into();
    marine.min_hours = vec![Some(10.0), None, None];
    marine.max_hours = vec![None, None, None];
    marine.min_share = Vec::new();
    marine.max_share = Vec::new();
    expected.segments.push(marine);
    let t01 = expected.customers.iter_mut().find(|c| c.id == "t01").unwrap();
    t01.segment = Some(expected.segments.len() - 1);
    assert_eq!(instance, expected);

    let unlimited = patched(&dsp_text(), "[scenario]\nname = \"u\"\n[resources.engineering.expansion.contractors]\nunlimited = true\n");
    assert_eq!(unlimited.resources[2].expansion[0].max_hours, None);
}

#[test]
fn a_duplicate_added_customer_names_the_file_and_line_of_the_first() {
    let message = errors(
        &tiny_text(),
        "[scenario]\nname = \"x\"\n[[add_customers]]\nid = \"alpha\"\n[[add_customers]]\nid = \"new\"\n[[add_customers]]\nid = \"new\"\n",
    );
    let lines: Vec<&str> = message.lines().collect();
    assert_eq!(
        lines,
        [
            "error: what-if.toml:4:6: customers.id: duplicate customer id \"alpha\" (first defined on line 20 of base.toml)",
            "error: what-if.toml:8:6: customers.id: duplicate customer id \"new\" (first defined on line 6)",
        ]
    );
}
