//! Badly scaled data: hours in the thousands, values in the millions, penalties of 1e-3. Each
//! instance is solved by hand in its comment; the tests check that scaling (src/solve/scaling.rs)
//! lets both backends find the answer and that the report warns when the data are beyond what
//! scaling can repair.

mod support;

use capplan::analysis::{Status, solve};
use capplan::formulation::formulate;
use capplan::model::Instance;
use capplan::report::{Format, render};
use capplan::solve::Backend;
use capplan::solve::scaling::scale;

/// Relative accuracy of clarabel's answers on badly scaled data: its default stopping accuracy
/// is 1e-8 relative to the problem's largest numbers (docs/testing.md, tolerance policy).
const INTERIOR_POINT_ACCURACY: f64 = 1e-8;

/// One resource `eng` of 4,000 hours at no cost. Customer `a` returns 1,500,000 per hour up to
/// 3,000 hours; customer `b` returns 200,000 per hour without saturation and expects 2,500
/// hours, softly, at a penalty of `penalty` per hour short.
///
/// By hand: `a`'s hours are worth more, so `a` gets its 3,000 hours and `b` the other 1,000,
/// falling 1,500 hours short. Objective = 3,000 x 1.5e6 + 1,000 x 2e5 - 1,500 x penalty.
/// One more hour goes to `b`: it adds 2e5 and removes one hour of shortfall, so the capacity
/// price is 2e5 + penalty. Raising `b`'s expectation by one hour adds one hour of shortfall: its
/// price is -penalty.
fn millions_and_a_penalty(penalty: &str) -> Instance {
    let text = format!(
        r#"
[plan]
name = "badly scaled"
period = "2027-Q1"
currency = "EUR"

[[resources]]
id = "eng"
capacity_hours = 4000

[[customers]]
id = "a"
response.eng = {{ value_per_hour = 1500000, max_hours = 3000 }}

[[customers]]
id = "b"
response.eng = {{ value_per_hour = 200000 }}
expectations.eng = {{ hours = 2500, kind = "soft", penalty_per_hour = {penalty} }}
"#
    );
    Instance::from_toml_str("scaled.toml", &text).unwrap()
}

fn price(report: &capplan::analysis::SolveReport, id: &str) -> f64 {
    report.plan.as_ref().unwrap().constraints.iter().find(|c| c.id == id).unwrap().shadow_price
}

#[test]
fn penalty_of_a_thousandth_next_to_millions_keeps_its_shadow_price() {
    let instance = millions_and_a_penalty("0.001");
    let report = solve(&instance, Backend::Microlp).unwrap();
    assert_eq!(report.status, Status::Optimal);
    // 1.5e6 next to 1e-3 is 9.2 orders: beyond what clarabel resolves, so the report warns,
    // even though microlp gets every number exactly.
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    let plan = report.plan.as_ref().unwrap();
    assert_eq!(plan.objective, 4_699_999_998.5);
    assert_eq!(price(&report, "capacity[eng]"), 200_000.001);
    // Before duals were cleaned per row, this -0.001 was rounded to 0 next to the 1.5e6 values.
    assert_eq!(price(&report, "expectation[b/eng]"), -0.001);
    support::assert_all_checks(&instance, Backend::Microlp);
}

#[test]
fn interior_point_solves_badly_scaled_data_within_its_accuracy() {
    // Before scaling, clarabel's dual came back violating its rows by 1e-4 and the solve ended
    // in an internal error (exit 1).
    let instance = millions_and_a_penalty("0.001");
    let report = solve(&instance, Backend::Clarabel).unwrap();
    assert_eq!(report.status, Status::Optimal);
    let objective = report.plan.as_ref().unwrap().objective;
    assert!((objective - 4_699_999_998.5).abs() <= INTERIOR_POINT_ACCURACY * 4.7e9, "{objective}");
    let capacity = price(&report, "capacity[eng]");
    assert!((capacity - 200_000.001).abs() <= INTERIOR_POINT_ACCURACY * 2e5, "{capacity}");
    // The -0.001 is below clarabel's accuracy at this scale (1e-8 x 2e5 = 2e-3): it may read
    // as 0 but never as a positive price or one larger than the accuracy.
    let expectation = price(&report, "expectation[b/eng]");
    assert!((-0.001 - INTERIOR_POINT_ACCURACY * 2e5..=0.0).contains(&expectation), "{expectation}");
}

/// Hours in the tens of thousands with costs of a thousandth per hour and floors.
///
/// `service` has 40,000 hours at 0.004 per hour. `a` returns 0.01 per hour up to 30,000 hours
/// and must get at least 25,000; `b` returns 0.006 per hour without limit. By hand: `a` takes
/// 30,000 hours (net 0.006 each), `b` the other 10,000 (net 0.002 each): objective
/// 30,000 x 0.006 + 10,000 x 0.002 = 200. One more hour goes to `b`: price 0.006 (its value;
/// the hour cost is paid by the allocation, not by the capacity). The floor of 25,000 does not
/// bind: price 0.
#[test]
fn tens_of_thousands_of_hours_at_a_thousandth_solve_exactly() {
    let text = r#"
[plan]
name = "small money, many hours"
period = "2027-Q1"
currency = "EUR"

[[resources]]
id = "service"
capacity_hours = 40000
cost_per_hour = 0.004

[[customers]]
id = "a"
floor_hours = { service = 25000 }
response.service = { value_per_hour = 0.01, max_hours = 30000 }

[[customers]]
id = "b"
response.service = { value_per_hour = 0.006 }
"#;
    let instance = Instance::from_toml_str("hours.toml", text).unwrap();
    for backend in [Backend::Microlp, Backend::Clarabel] {
        let report = solve(&instance, backend).unwrap();
        let plan = report.plan.as_ref().unwrap();
        assert!((plan.objective - 200.0).abs() <= 1e-6, "{backend}: {}", plan.objective);
        assert!((price(&report, "capacity[service]") - 0.002).abs() <= 1e-9, "{backend}: {}", price(&report, "capacity[service]"));
        assert!(price(&report, "floor[a/service]").abs() <= 1e-9, "{backend}");
    }
    support::assert_all_checks(&instance, Backend::Microlp);
}

#[test]
fn data_beyond_what_solvers_resolve_is_reported_with_a_warning() {
    // Values of 1.5e6 per hour next to a penalty of 1e-3: the objective spans 9.2 orders of
    // magnitude, more than the 8 that clarabel's accuracy resolves.
    let instance = millions_and_a_penalty("0.001");
    let report = solve(&instance, Backend::Clarabel).unwrap();
    assert_eq!(report.status, Status::Optimal);
    assert_eq!(report.warnings.len(), 1);
    assert!(
        report.warnings[0]
            .starts_with("badly scaled data: the values per hour, costs and penalties span 9.2 orders of magnitude, more than the 8"),
        "{}",
        report.warnings[0]
    );
    let text = render(&report, Format::Text);
    // The warning heads the report, before the status and every number.
    let warning_line = text.lines().position(|line| line.starts_with("Warning: badly scaled data"));
    let status_line = text.lines().position(|line| line.starts_with("Status:"));
    assert!(warning_line.is_some() && warning_line < status_line, "{text}");
    let json: serde_json::Value = serde_json::from_str(&render(&report, Format::Json)).unwrap();
    assert_eq!(json["warnings"][0], report.warnings[0].as_str());
}

#[test]
fn example_instances_are_solved_unscaled_and_without_warnings() {
    // Their reports in README.md and docs/ were written before scaling existed; scaling must not
    // touch a well-scaled model.
    for path in ["instances/tiny.toml", "instances/dsp.toml", "instances/three-groups.toml"] {
        let instance = Instance::from_file(path.as_ref()).unwrap();
        assert!(scale(&formulate(&instance).lp).is_none(), "{path} is rescaled");
        let report = solve(&instance, Backend::Microlp).unwrap();
        assert!(report.warnings.is_empty(), "{path}: {:?}", report.warnings);
        let json: serde_json::Value = serde_json::from_str(&render(&report, Format::Json)).unwrap();
        assert_eq!(json["warnings"], serde_json::json!([]));
    }
}
