//! The Limits report of `solve --sensitivity` (Excel Solver's: each allocation's fewest and most
//! hours with the rest of the plan held, and the objective there): checked by hand on tiny.toml
//! and, on every allocation of the example instances, against an independent re-solve of the
//! full model with everything but that allocation fixed at the plan.

use capplan::analysis::Status;
use capplan::analysis::limits::AllocationLimits;
use capplan::analysis::ranging::solve_with_sensitivity;
use capplan::formulation::{Formulation, formulate};
use capplan::model::Instance;
use capplan::solve::{Backend, LpOutcome, solve_lp};

fn example(name: &str) -> Instance {
    // From the file, so that a model file named relative to it is found.
    Instance::from_file(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("instances").join(name)).unwrap()
}

fn close(found: f64, expected: f64, what: &str) {
    assert!((found - expected).abs() <= 1e-6 * (1.0 + expected.abs()), "{what}: {found} != {expected}");
}

/// tiny.toml, by hand (docs/worked-example.md has the plan: alpha 70 engineering and 60 service
/// hours, beta 30 and 20, objective 6,950 EUR; both capacities bind). With the rest held, no
/// allocation can grow (its capacity is used up), so every upper limit is the planned hours at
/// 6,950, set by the capacity. Downwards: alpha's engineering to 0 loses 70 x (60 - 10) = 3,500
/// (3,450); alpha's service to 0 loses its curve's 2,000 + 20 x 20 = 2,400 (4,550); beta's
/// engineering to 0 loses 30 x (40 - 10) = 900 and adds 30 h x 15 of penalty below its soft
/// expectation of 40 h (5,600); beta's service stops at its floor of 20 h.
#[test]
fn limits_of_tiny_are_the_hand_computed_ones() {
    let tiny = example("tiny.toml");
    for backend in [Backend::Engine, Backend::Microlp, Backend::Clarabel] {
        let report = solve_with_sensitivity(&tiny, backend).unwrap();
        let limits = report.plan.unwrap().sensitivity.unwrap().limits;
        let expected = [
            ("alpha", "engineering", 70.0, (0.0, 3450.0, vec![]), (70.0, "capacity[engineering]")),
            ("alpha", "service", 60.0, (0.0, 4550.0, vec![]), (60.0, "capacity[service]")),
            ("beta", "engineering", 30.0, (0.0, 5600.0, vec![]), (30.0, "capacity[engineering]")),
            ("beta", "service", 20.0, (20.0, 6950.0, vec!["floor[beta/service]"]), (20.0, "capacity[service]")),
        ];
        assert_eq!(limits.len(), expected.len());
        for (row, (customer, resource, hours, lower, upper)) in limits.iter().zip(expected) {
            let what = format!("{backend} {customer}/{resource}");
            assert_eq!((row.customer.as_str(), row.resource.as_str()), (customer, resource));
            close(row.hours, hours, &what);
            close(row.lower.hours, lower.0, &format!("{what} lower"));
            close(row.lower.objective, lower.1, &format!("{what} lower objective"));
            assert_eq!(row.lower.set_by, lower.2, "{what} lower set by");
            let top = row.upper.as_ref().unwrap();
            close(top.hours, upper.0, &format!("{what} upper"));
            close(top.objective, 6950.0, &format!("{what} upper objective"));
            assert_eq!(top.set_by, vec![upper.1.to_string()], "{what} upper set by");
        }
    }
}

/// The full model with every variable fixed at the plan except what moves with allocation
/// (c, r) (its hours, pieces and soft shortfall, and the total value), its hours fixed at
/// `hours`: the best objective there, or `None` when no plan has those hours.
fn resolve_held(formulation: &Formulation, values: &[f64], c: usize, r: usize, hours: f64) -> Option<f64> {
    let mut lp = formulation.lp.clone();
    let mut moving = vec![formulation.hours[c][r]];
    moving.extend(&formulation.pieces[c][r]);
    moving.extend(formulation.shortfall[c][r]);
    moving.extend(formulation.total_value);
    for (variable, bounds) in lp.variables.iter_mut().enumerate() {
        if !moving.contains(&variable) {
            // The plan's own value, widened by a rounding error so the held point stays feasible.
            bounds.lower = values[variable] - 1e-9 * (1.0 + values[variable].abs());
            bounds.upper = values[variable] + 1e-9 * (1.0 + values[variable].abs());
        }
    }
    lp.variables[formulation.hours[c][r]].lower = hours;
    lp.variables[formulation.hours[c][r]].upper = hours;
    match solve_lp(&lp, Backend::Microlp).unwrap() {
        LpOutcome::Optimal { objective, .. } => Some(objective),
        _ => None,
    }
}

/// Every end of every allocation on `name`: the re-solve with the rest held gives the objective
/// the report read off the curves, a step past the end has no plan, and the constraints that
/// set it are constraints of the report.
fn check_against_resolves(name: &str) {
    let instance = example(name);
    let report = solve_with_sensitivity(&instance, Backend::Engine).unwrap();
    assert_eq!(report.status, Status::Optimal, "{name}");
    let plan = report.plan.unwrap();
    let limits: &[AllocationLimits] = &plan.sensitivity.as_ref().unwrap().limits;
    assert_eq!(limits.len(), plan.allocations.len(), "{name}");
    let formulation = formulate(&instance);
    let resources = instance.resources().len();
    let ids: Vec<&str> = plan.constraints.iter().map(|constraint| constraint.id.as_str()).collect();
    for (index, row) in limits.iter().enumerate() {
        let (c, r) = (index / resources, index % resources);
        let what = format!("{name} {}/{}", row.customer, row.resource);
        assert!(row.lower.hours <= row.hours + 1e-9 && row.lower.hours >= 0.0, "{what}: lower {}", row.lower.hours);
        let lower = resolve_held(&formulation, &plan.lp.values, c, r, row.lower.hours).unwrap_or_else(|| panic!("{what}: lower"));
        close(row.lower.objective, lower, &format!("{what} lower objective"));
        let step = 1e-3 * (1.0 + row.hours);
        if row.lower.hours > step {
            assert!(resolve_held(&formulation, &plan.lp.values, c, r, row.lower.hours - step).is_none(), "{what}: below the lower end");
            assert!(!row.lower.set_by.is_empty(), "{what}: a lower end above 0 is set by a constraint");
        }
        let upper = row.upper.as_ref().unwrap_or_else(|| panic!("{what}: capacity bounds every allocation"));
        assert!(upper.hours >= row.hours - 1e-9, "{what}: upper {}", upper.hours);
        let at = resolve_held(&formulation, &plan.lp.values, c, r, upper.hours).unwrap_or_else(|| panic!("{what}: upper"));
        close(upper.objective, at, &format!("{what} upper objective"));
        assert!(resolve_held(&formulation, &plan.lp.values, c, r, upper.hours + step).is_none(), "{what}: above the upper end");
        for id in row.lower.set_by.iter().chain(&upper.set_by) {
            assert!(ids.contains(&id.as_str()), "{what}: {id} is not a constraint of the report");
        }
    }
}

#[test]
fn limits_of_dsp_match_resolves_with_the_rest_of_the_plan_held() {
    check_against_resolves("dsp.toml");
}

/// three-groups.toml has value shares: the ends must keep each allocation's curve pieces in order.
#[test]
fn limits_under_value_shares_match_resolves_with_the_rest_of_the_plan_held() {
    check_against_resolves("three-groups.toml");
}

/// dsp-krapfel.toml: a segment's minimum share of sales hours and a customer share of value.
#[test]
fn limits_under_segment_shares_match_resolves_with_the_rest_of_the_plan_held() {
    check_against_resolves("dsp-krapfel.toml");
}

/// A value share of a fixed total, by hand: a's curve returns 100 EUR/h for 10 h, then 10 EUR/h;
/// its value may be at most 30 % of 10,000 EUR, so it stops at 1,000 + 10 x 200 = 3,000 EUR, at
/// 210 h (each hour costs 1 EUR); b takes its cap of 500 h at 5 - 1 = 4 EUR/h; 290 service hours
/// stay free. Objective 2,790 + 2,000 = 4,790. With the rest held, a cannot pass 210 h: the share
/// stops it (an LP free to fill a's flat piece first would let it reach 291 h with less value, a
/// point the curve does not have). Down to 0 h, a loses 3,000 - 210 = 2,790 (2,000); b down to 0
/// loses 2,000 (2,790).
#[test]
fn limits_under_a_value_share_keep_the_curve_in_order() {
    let text = r#"
[plan]
name = "value cap"
period = "2027-Q1"
currency = "EUR"

[[resources]]
id = "service"
capacity_hours = 1000
cost_per_hour = 1

[diversification]
value_share_base = 10000

[[customers]]
id = "a"
name = "A"
current_hours = { service = 100 }
max_share = { value = 0.3 }
response.service = { points = [[0, 0], [10, 1000], [300, 3900]] }

[[customers]]
id = "b"
name = "B"
current_hours = { service = 100 }
cap_hours = { service = 500 }
response.service = { value_per_hour = 5 }
"#;
    let instance = Instance::from_toml_str("value-cap.toml", text).unwrap();
    for backend in [Backend::Engine, Backend::Microlp] {
        let report = solve_with_sensitivity(&instance, backend).unwrap();
        let plan = report.plan.unwrap();
        close(plan.objective, 4790.0, "objective");
        let limits = &plan.sensitivity.as_ref().unwrap().limits;
        let (a, b) = (&limits[0], &limits[1]);
        close(a.hours, 210.0, "a hours");
        close(a.lower.hours, 0.0, "a lower");
        close(a.lower.objective, 2000.0, "a lower objective");
        let top = a.upper.as_ref().unwrap();
        close(top.hours, 210.0, "a upper");
        close(top.objective, 4790.0, "a upper objective");
        assert_eq!(top.set_by, ["share_cap[value/a]"]);
        close(b.lower.objective, 2790.0, "b lower objective");
        let top = b.upper.as_ref().unwrap();
        close(top.hours, 500.0, "b upper");
        assert_eq!(top.set_by, ["cap[b/service]"]);
    }
}

/// The other examples: revenue-risk scenarios (no CVaR floor), the profitability groups, tiers.
#[test]
fn limits_of_the_other_examples_match_resolves_with_the_rest_of_the_plan_held() {
    for name in ["risk.toml", "three-groups-profitability.toml", "tiers.toml", "tiny.toml"] {
        check_against_resolves(name);
    }
}
