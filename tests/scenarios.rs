//! Scenario files: unknown ids and fields are errors located in the scenario file, and the
//! patched instance obeys every instance rule. That every patch lands exactly where it says is
//! checked inside the crate (`src/model/tests.rs`), where the validated fields can be written.

use capplan::model::{Instance, apply_scenario};

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
    assert_eq!(patched(&dsp_text(), &hire).resources()[2].capacity_hours(), 1450.0);
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
