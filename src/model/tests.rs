//! Scenario patches land exactly where they say: each test applies a scenario, changes the base
//! instance by hand the same way (which needs the crate-private fields of the validated model),
//! and compares the two whole instances, so a patch that also changed anything else fails.

use super::*;
use crate::input::ExpectationKind;

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
