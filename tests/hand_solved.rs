//! Instances solved by hand, with their known optimum, plan and shadow prices. The derivations
//! are in the comments (and, for tiny.toml, in docs/worked-example.md).

use approx::assert_relative_eq;
use capplan::analysis::{Plan, Status, solve};
use capplan::model::Instance;
use capplan::solve::Backend;

const BACKENDS: [Backend; 2] = [Backend::Microlp, Backend::Clarabel];
/// clarabel's interior-point answers are accurate to about 1e-8 relative; microlp's are exact
/// up to rounding. One tolerance covers both.
const EPS: f64 = 1e-5;
const REL: f64 = 1e-7;

fn plan_of(text: &str, backend: Backend) -> Plan {
    let instance = Instance::from_toml_str("hand.toml", text).unwrap();
    let report = solve(&instance, backend).unwrap();
    assert_eq!(report.status, Status::Optimal);
    report.plan.unwrap()
}

fn price(plan: &Plan, id: &str) -> f64 {
    plan.constraints.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("no constraint {id}")).shadow_price
}

fn hours(plan: &Plan, customer: &str, resource: &str) -> f64 {
    plan.allocations.iter().find(|a| a.customer == customer && a.resource == resource).unwrap().hours
}

fn reduced_cost(plan: &Plan, customer: &str, resource: &str) -> f64 {
    plan.allocations.iter().find(|a| a.customer == customer && a.resource == resource).unwrap().reduced_cost
}

const HEADER: &str = "[plan]\nname = \"hand\"\nperiod = \"2027-Q1\"\ncurrency = \"EUR\"\n";

/// tiny.toml. Engineering (100 h, 10 EUR/h): alpha nets 50/h up to 70 h, beta nets 30/h up to
/// 50 h plus 15/h of avoided penalty up to its expectation of 40 h. Alpha takes 70, beta 30:
/// the marginal hour goes to beta at 40 - 10 + 15 = 45. Service (80 h): alpha returns 50/h then
/// 20/h, beta 15/h with a floor of 20: beta 20, alpha 60, marginal hour alpha's 20/h; the floor
/// costs 20 - 15 = 5 per hour. Objective 4200 + 1200 - 1000 - 150 + 2400 + 300 = 6950.
#[test]
fn tiny_example_matches_the_hand_solution() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/instances/tiny.toml")).unwrap();
    for backend in BACKENDS {
        let plan = plan_of(&text, backend);
        assert_relative_eq!(plan.objective, 6950.0, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(hours(&plan, "alpha", "engineering"), 70.0, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(hours(&plan, "beta", "engineering"), 30.0, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(hours(&plan, "alpha", "service"), 60.0, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(hours(&plan, "beta", "service"), 20.0, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(price(&plan, "capacity[engineering]"), 45.0, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(price(&plan, "capacity[service]"), 20.0, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(price(&plan, "floor[beta/service]"), -5.0, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(price(&plan, "expectation[beta/engineering]"), -15.0, epsilon = EPS, max_relative = REL);
        // Alpha is saturated: its next hour returns 0, costs 10 and uses a 45 EUR hour.
        assert_relative_eq!(reduced_cost(&plan, "alpha", "engineering"), -55.0, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(reduced_cost(&plan, "beta", "service"), -5.0, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(reduced_cost(&plan, "beta", "engineering"), 0.0, epsilon = EPS, max_relative = REL);
        let gap = &plan.expectations[0];
        assert_relative_eq!(gap.shortfall_hours, 10.0, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(gap.penalty_cost, 150.0, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(plan.totals.value, 8100.0, epsilon = EPS, max_relative = REL);
    }
}

/// Share of a resource. 100 h; a returns 50/h, b 30/h; a may have at most 60 % of the hours.
/// a 60, b 40, objective 4200; an hour is worth b's 30; the cap holds a at 20/h below its value,
/// so one percentage point more (one hour) is worth 20.
#[test]
fn customer_share_cap_of_hours() {
    let text = format!(
        "{HEADER}[[resources]]\nid = \"eng\"\ncapacity_hours = 100\n\
         [[customers]]\nid = \"a\"\nmax_share = {{ eng = 0.6 }}\nresponse.eng = {{ value_per_hour = 50 }}\n\
         [[customers]]\nid = \"b\"\nresponse.eng = {{ value_per_hour = 30 }}\n"
    );
    for backend in BACKENDS {
        let plan = plan_of(&text, backend);
        assert_relative_eq!(plan.objective, 4200.0, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(hours(&plan, "a", "eng"), 60.0, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(price(&plan, "capacity[eng]"), 30.0, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(price(&plan, "share_cap[eng/a]"), 20.0, epsilon = EPS, max_relative = REL);
    }
}

/// Share of value. 100 h; a returns 50/h, b 30/h; a's value at most half the total:
/// 50 a <= 30 (100 - a) gives a = 37.5, b = 62.5, objective 3750.
/// Per point of share s: a = 3000 s / (50 - 20 s)... at s = 0.5 the derivative of the objective
/// 30*100 + 20 a(s) is 20 * a'(s) = 20 * 150000 / 40^2 = 1875 per unit share, 18.75 per point.
#[test]
fn customer_share_cap_of_value() {
    let text = format!(
        "{HEADER}[[resources]]\nid = \"eng\"\ncapacity_hours = 100\n\
         [[customers]]\nid = \"a\"\nmax_share = {{ value = 0.5 }}\nresponse.eng = {{ value_per_hour = 50 }}\n\
         [[customers]]\nid = \"b\"\nresponse.eng = {{ value_per_hour = 30 }}\n"
    );
    for backend in BACKENDS {
        let plan = plan_of(&text, backend);
        assert_relative_eq!(plan.objective, 3750.0, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(hours(&plan, "a", "eng"), 37.5, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(price(&plan, "share_cap[value/a]"), 18.75, epsilon = 1e-4, max_relative = 1e-6);
    }
}

/// Expansion. 50 h of capacity plus up to 30 contractor hours at 20/h; a returns 50/h without
/// limit: buy all 30, objective 80 * 50 - 30 * 20 = 3400. A base hour is worth 50 (it adds an
/// hour for a); the contractor limit is worth 50 - 20 = 30 per hour.
#[test]
fn expansion_is_bought_when_it_pays() {
    let text = format!(
        "{HEADER}[[resources]]\nid = \"eng\"\ncapacity_hours = 50\n\
         [[resources.expansion]]\nid = \"contractors\"\nmax_hours = 30\ncost_per_hour = 20\n\
         [[customers]]\nid = \"a\"\nresponse.eng = {{ value_per_hour = 50 }}\n"
    );
    for backend in BACKENDS {
        let plan = plan_of(&text, backend);
        assert_relative_eq!(plan.objective, 3400.0, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(plan.expansions[0].hours, 30.0, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(price(&plan, "capacity[eng]"), 50.0, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(price(&plan, "expansion_limit[eng/contractors]"), 30.0, epsilon = EPS, max_relative = REL);
    }
}

/// A hard expectation and a cap. 100 h; a returns 50/h capped at 30 h; b returns 20/h and
/// expects 80 h (hard). b needs 80, so a gets 20 (below its cap, which is then slack): objective
/// 20*50 + 80*20 = 2600. An hour is worth a's 50; b's expectation costs 50 - 20 = 30 per hour.
#[test]
fn hard_expectation_binds_and_prices() {
    let text = format!(
        "{HEADER}[[resources]]\nid = \"eng\"\ncapacity_hours = 100\n\
         [[customers]]\nid = \"a\"\ncap_hours = {{ eng = 30 }}\nresponse.eng = {{ value_per_hour = 50 }}\n\
         [[customers]]\nid = \"b\"\nresponse.eng = {{ value_per_hour = 20 }}\nexpectations.eng = {{ hours = 80, kind = \"hard\" }}\n"
    );
    for backend in BACKENDS {
        let plan = plan_of(&text, backend);
        assert_relative_eq!(plan.objective, 2600.0, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(price(&plan, "capacity[eng]"), 50.0, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(price(&plan, "expectation[b/eng]"), -30.0, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(price(&plan, "cap[a/eng]"), 0.0, epsilon = EPS, max_relative = REL);
        assert!(!plan.constraints.iter().find(|c| c.id == "cap[a/eng]").unwrap().binding);
    }
}

/// A cap that binds: a returns 50/h capped at 30 h, b 20/h; 100 h. a 30, b 70, objective 2900;
/// an hour is worth b's 20; the cap costs 50 - 20 = 30 per hour, and a's reduced cost shows it.
#[test]
fn binding_cap_shows_in_reduced_cost() {
    let text = format!(
        "{HEADER}[[resources]]\nid = \"eng\"\ncapacity_hours = 100\n\
         [[customers]]\nid = \"a\"\ncap_hours = {{ eng = 30 }}\nresponse.eng = {{ value_per_hour = 50 }}\n\
         [[customers]]\nid = \"b\"\nresponse.eng = {{ value_per_hour = 20 }}\n"
    );
    for backend in BACKENDS {
        let plan = plan_of(&text, backend);
        assert_relative_eq!(plan.objective, 2900.0, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(price(&plan, "cap[a/eng]"), 30.0, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(reduced_cost(&plan, "a", "eng"), 30.0, epsilon = EPS, max_relative = REL);
    }
}

/// Segment floor in hours and a segment minimum share. 100 h; x (segment big) returns 40/h,
/// y (segment new) returns 10/h; the new segment gets at least 25 % of the hours.
/// y 25, x 75, objective 3250; the share floor costs 30 per hour, 30 per percentage point.
#[test]
fn segment_minimum_share_binds() {
    let text = format!(
        "{HEADER}[[resources]]\nid = \"sales\"\ncapacity_hours = 100\n\
         [[segments]]\nid = \"big\"\n[[segments]]\nid = \"new\"\nmin_share = {{ sales = 0.25 }}\n\
         [[customers]]\nid = \"x\"\nsegment = \"big\"\nresponse.sales = {{ value_per_hour = 40 }}\n\
         [[customers]]\nid = \"y\"\nsegment = \"new\"\nresponse.sales = {{ value_per_hour = 10 }}\n"
    );
    for backend in BACKENDS {
        let plan = plan_of(&text, backend);
        assert_relative_eq!(plan.objective, 3250.0, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(hours(&plan, "y", "sales"), 25.0, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(price(&plan, "segment_min_share[sales/new]"), -30.0, epsilon = EPS, max_relative = REL);
        assert_relative_eq!(price(&plan, "capacity[sales]"), 40.0, epsilon = EPS, max_relative = REL);
    }
}

/// Floors that need more hours than there are: no plan exists, for either backend.
#[test]
fn floors_above_capacity_are_infeasible() {
    let text = format!(
        "{HEADER}[[resources]]\nid = \"eng\"\ncapacity_hours = 100\n\
         [[customers]]\nid = \"a\"\nfloor_hours = {{ eng = 60 }}\n\
         [[customers]]\nid = \"b\"\nfloor_hours = {{ eng = 60 }}\n"
    );
    let instance = Instance::from_toml_str("hand.toml", &text).unwrap();
    for backend in BACKENDS {
        let report = solve(&instance, backend).unwrap();
        assert_eq!(report.status, Status::Infeasible, "{backend}");
        assert!(report.plan.is_none());
    }
}

/// Unlimited contractors feeding a response that never saturates: unbounded, for either
/// backend (clarabel through good_lp would report this as solved if capplan did not check).
#[test]
fn unlimited_expansion_with_unsaturated_response_is_unbounded() {
    let text = format!(
        "{HEADER}[[resources]]\nid = \"eng\"\ncapacity_hours = 10\n\
         [[resources.expansion]]\nid = \"contractors\"\ncost_per_hour = 20\n\
         [[customers]]\nid = \"a\"\nresponse.eng = {{ value_per_hour = 50 }}\n"
    );
    let instance = Instance::from_toml_str("hand.toml", &text).unwrap();
    for backend in BACKENDS {
        let report = solve(&instance, backend).unwrap();
        assert_eq!(report.status, Status::Unbounded, "{backend}");
        assert!(report.plan.is_none());
    }
}

/// A falling response keeps falling beyond its last point (it does not flatten out again).
#[test]
fn falling_curve_keeps_falling_beyond_last_point() {
    let text = format!(
        "{HEADER}[[resources]]\nid = \"svc\"\ncapacity_hours = 100\n\
         [[customers]]\nid = \"a\"\nfloor_hours = {{ svc = 60 }}\nresponse.svc = {{ points = [[0, 0], [20, 400], [40, 300]] }}\n"
    );
    let plan = plan_of(&text, Backend::Microlp);
    // 400 at 20 h, then -5/h: 300 at 40 h, 200 at 60 h.
    assert_relative_eq!(plan.objective, 200.0, epsilon = EPS, max_relative = REL);
}
