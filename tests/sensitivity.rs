//! Ranging, one-sided values and sweeps on instances solved by hand (derivations in the
//! comments), and sweeps checked against independent re-solves of edited instances.

mod support;

use approx::assert_relative_eq;
use capplan::analysis::ranging::{ConstraintRange, OneSided, Sensitivity, solve_with_sensitivity};
use capplan::analysis::sweep::{Sweep, SweepError, SweepTarget, sweep};
use capplan::analysis::{Status, solve};
use capplan::model::Instance;
use capplan::solve::Backend;

const BACKENDS: [Backend; 2] = [Backend::Microlp, Backend::Clarabel];
const EPS: f64 = 1e-4;

const HEADER: &str = "[plan]\nname = \"hand\"\nperiod = \"2027-Q1\"\ncurrency = \"EUR\"\n";

fn instance(body: &str) -> Instance {
    Instance::from_toml_str("hand.toml", &format!("{HEADER}{body}")).unwrap()
}

fn tiny() -> Instance {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/instances/tiny.toml")).unwrap();
    Instance::from_toml_str("tiny.toml", &text).unwrap()
}

fn sensitivity_of(instance: &Instance, backend: Backend) -> Sensitivity {
    let report = solve_with_sensitivity(instance, backend).unwrap();
    assert_eq!(report.status, Status::Optimal);
    report.plan.unwrap().sensitivity.unwrap()
}

fn constraint<'a>(sensitivity: &'a Sensitivity, id: &str) -> &'a ConstraintRange {
    sensitivity.constraints.iter().find(|range| range.id == id).unwrap_or_else(|| panic!("no constraint {id}"))
}

fn assert_range(actual: Option<f64>, expected: Option<f64>, what: &str) {
    match (actual, expected) {
        (Some(a), Some(e)) => assert!((a - e).abs() <= EPS * (1.0 + e.abs()), "{what}: {a} != {e}"),
        (None, None) => {}
        _ => panic!("{what}: {actual:?} != {expected:?}"),
    }
}

fn assert_side(side: &OneSided, value: Option<f64>, over: Option<f64>, what: &str) {
    assert_range(side.value, value, &format!("{what} value"));
    assert_range(side.over, over, &format!("{what} over"));
}

/// tiny.toml (docs/worked-example.md). Engineering (100 h at 10 EUR/h): alpha nets 50/h up to
/// 70 h, beta 30/h plus 15/h of avoided penalty up to its expectation of 40 h, then 30/h up to 50
/// h, then 10/h. Alpha 70, beta 30: an engineering hour is worth 45 until beta reaches 40 h
/// (+10 h) and until beta has none left (-30 h). Service (80 h, free): alpha 50/h for 40 h then
/// 20/h for 40 h, beta 15/h with a floor of 20: alpha 60, beta 20; an hour is worth alpha's 20
/// until alpha saturates (+20 h) or drops to its first piece (-20 h). The floor costs 20 - 15 = 5
/// until beta has 40 h (+20 h, alpha down to its first piece) and down to 0 (-20 h; below, the
/// floor is slack). The expectation costs 15 per expected hour for ever up (the shortfall grows)
/// and for 10 h down (then beta meets it).
///
/// Values per hour: alpha's engineering hours return 60; they stay in the plan until 60 - 10 -
/// δ < 45, i.e. 5 down, and the plan gives alpha no more until its 71st hour (worth δ) beats
/// beta's 45 + 10, i.e. 55 up. Alpha's service (20 at the margin) stays until 20 - δ < 15 (5
/// down) and can take no more (beta's floor), so up is unlimited. Beta's engineering (40 + 15)
/// stays until it pays less than nothing, 45 down, and takes alpha's hours at 5 up. Beta's
/// service (15) takes alpha's second piece at 5 up and is held by its floor for ever down.
#[test]
fn tiny_ranges_match_the_hand_derivation() {
    for backend in BACKENDS {
        let sensitivity = sensitivity_of(&tiny(), backend);
        let expected = [
            ("capacity[engineering]", 45.0, Some(10.0), Some(30.0)),
            ("capacity[service]", 20.0, Some(20.0), Some(20.0)),
            ("floor[beta/service]", -5.0, Some(20.0), Some(20.0)),
            ("expectation[beta/engineering]", -15.0, None, Some(10.0)),
        ];
        for (id, price, increase, decrease) in expected {
            let range = constraint(&sensitivity, id);
            assert!(range.ranged && !range.kink, "{id}");
            assert_relative_eq!(range.shadow_price, price, epsilon = EPS);
            assert_range(range.allowable_increase, increase, id);
            assert_range(range.allowable_decrease, decrease, id);
            assert_side(&range.next_unit, Some(price), increase, id);
            assert_side(&range.last_unit, Some(price), decrease, id);
        }
        let allocations = [
            ("alpha", "engineering", Some(55.0), Some(5.0)),
            ("alpha", "service", None, Some(5.0)),
            ("beta", "engineering", Some(5.0), Some(45.0)),
            ("beta", "service", Some(5.0), None),
        ];
        for (customer, resource, increase, decrease) in allocations {
            let range = sensitivity.allocations.iter().find(|a| a.customer == customer && a.resource == resource).unwrap();
            assert_range(range.allowable_increase, increase, &format!("{customer}/{resource} increase ({backend})"));
            assert_range(range.allowable_decrease, decrease, &format!("{customer}/{resource} decrease ({backend})"));
        }
    }
}

/// Degenerate: capacity 100 h, customer a returns 50/h up to exactly 100 h, b 20/h up to 40 h.
/// a takes all 100 h and saturates exactly at capacity, so the value curve bends right there:
/// V(t) = 50 t up to 100, then 5000 + 20 (t - 100) up to 140, then flat. One more hour is worth
/// 20 (for 40 h), the last one was worth 50 (for 100 h, down to zero capacity, below which no
/// plan exists). Any price in [20, 50] is a valid shadow price; the report must show both sides.
#[test]
fn degenerate_capacity_reports_both_one_sided_values() {
    let instance = instance(
        r#"
[[resources]]
id = "engineering"
capacity_hours = 100

[[customers]]
id = "a"
response.engineering = { value_per_hour = 50, max_hours = 100 }

[[customers]]
id = "b"
response.engineering = { value_per_hour = 20, max_hours = 40 }
"#,
    );
    for backend in BACKENDS {
        let sensitivity = sensitivity_of(&instance, backend);
        let range = constraint(&sensitivity, "capacity[engineering]");
        assert!(range.kink, "{backend}: the kink must be reported");
        assert_side(&range.next_unit, Some(20.0), Some(40.0), "next");
        assert_side(&range.last_unit, Some(50.0), Some(100.0), "last");
        // The reported price holds only on the side whose value it is.
        let price = range.shadow_price;
        assert!((20.0 - EPS..=50.0 + EPS).contains(&price), "{price}");
        let expected_increase = if (price - 20.0).abs() < EPS { Some(40.0) } else { Some(0.0) };
        let expected_decrease = if (price - 50.0).abs() < EPS { Some(100.0) } else { Some(0.0) };
        assert_range(range.allowable_increase, expected_increase, "increase");
        assert_range(range.allowable_decrease, expected_decrease, "decrease");
        // a's hours stay while a beats b: 30 down; a already has every hour, so up is unlimited.
        let a = &sensitivity.allocations[0];
        assert_range(a.allowable_increase, None, "a up");
        assert_range(a.allowable_decrease, Some(30.0), "a down");
        let b = &sensitivity.allocations[1];
        assert_range(b.allowable_increase, Some(30.0), "b up");
        assert_range(b.allowable_decrease, None, "b down");
        assert!(support::assert_ranges_hold(&instance, backend) > 0);
    }
}

/// A floor set at exactly the capacity: capacity 100 h, a must get 100 h (and wants them, 50/h).
/// Raising the floor or lowering the capacity leaves no feasible plan; lowering the floor
/// changes nothing however far (a keeps its hours), raising the capacity gives nothing (a is
/// saturated).
#[test]
fn limits_at_the_edge_of_feasibility_say_so() {
    let instance = instance(
        r#"
[[resources]]
id = "engineering"
capacity_hours = 100

[[customers]]
id = "a"
floor_hours = { engineering = 100 }
response.engineering = { value_per_hour = 50, max_hours = 100 }
"#,
    );
    for backend in BACKENDS {
        let sensitivity = sensitivity_of(&instance, backend);
        let floor = constraint(&sensitivity, "floor[a/engineering]");
        assert!(floor.kink);
        assert_side(&floor.next_unit, None, Some(0.0), "floor next");
        assert_side(&floor.last_unit, Some(0.0), None, "floor last");
        let capacity = constraint(&sensitivity, "capacity[engineering]");
        assert_side(&capacity.next_unit, Some(0.0), None, "capacity next");
        assert_side(&capacity.last_unit, None, Some(0.0), "capacity last");
    }
}

fn tiny_sweep(target: SweepTarget<'_>, from: f64, to: f64, backend: Backend) -> Sweep {
    sweep(&tiny(), target, from, to, backend).unwrap()
}

/// Breakpoints are where two tangent lines meet, so a backend's error in slopes is amplified
/// there: exact for the simplex, about 1e-5 relative for clarabel (whose duals are accurate to
/// about 1e-6 and whose breakpoints divide by the change of slope).
fn breakpoint_tolerance(backend: Backend) -> f64 {
    match backend {
        Backend::Clarabel => 1e-4,
        _ => EPS,
    }
}

fn assert_breaks(sweep: &Sweep, expected: &[(f64, f64, f64)], backend: Backend) {
    assert_eq!(sweep.segments.len(), expected.len(), "{:?}", sweep.segments);
    let tolerance = breakpoint_tolerance(backend);
    for (segment, &(from, to, slope)) in sweep.segments.iter().zip(expected) {
        assert_relative_eq!(segment.from, from, epsilon = EPS, max_relative = tolerance);
        assert_relative_eq!(segment.to, to, epsilon = EPS, max_relative = tolerance);
        assert_relative_eq!(segment.marginal_value, slope, epsilon = EPS, max_relative = tolerance);
    }
}

/// Engineering capacity of tiny.toml from 0 to 300 h: alpha's 50/h for 70 h, beta's 45/h (with
/// the penalty it avoids) for 40 h, beta's 30/h for 10 h, beta's 10/h for 50 h, then nothing.
/// At zero engineering: service 2,700 minus the full penalty 600 = 2,100.
#[test]
fn tiny_engineering_sweep_has_the_hand_breakpoints() {
    // The engine probes warm on one session (each step a right-hand-side change).
    for backend in [Backend::Microlp, Backend::Clarabel, Backend::Engine] {
        let result = tiny_sweep(SweepTarget::Capacity("engineering"), 0.0, 300.0, backend);
        assert_breaks(
            &result,
            &[(0.0, 70.0, 50.0), (70.0, 110.0, 45.0), (110.0, 120.0, 30.0), (120.0, 170.0, 10.0), (170.0, 300.0, 0.0)],
            backend,
        );
        assert_relative_eq!(result.points[0].objective, 2100.0, epsilon = EPS, max_relative = 1e-6);
        assert_relative_eq!(result.current_objective.unwrap(), 6950.0, epsilon = EPS, max_relative = 1e-6);
    }
}

/// Service capacity of tiny.toml from 0 to 100 h: beta's floor needs 20 h, so below 20 no plan
/// exists; then alpha's 50/h for 40 h and 20/h for 40 h. V(20) = 6,950 - 2,700 + 300 = 4,550.
#[test]
fn sweep_keeps_infeasible_stretches_apart() {
    let result = tiny_sweep(SweepTarget::Capacity("service"), 0.0, 100.0, Backend::Microlp);
    assert_relative_eq!(result.feasible_from.unwrap(), 20.0, epsilon = EPS);
    assert_relative_eq!(result.feasible_to.unwrap(), 100.0, epsilon = EPS);
    assert_breaks(&result, &[(20.0, 60.0, 50.0), (60.0, 100.0, 20.0)], Backend::Microlp);
    assert_relative_eq!(result.points[0].objective, 4550.0, epsilon = EPS, max_relative = 1e-6);
    // Wholly below the floor: nothing feasible, and no made-up zero curve.
    let none = tiny_sweep(SweepTarget::Capacity("service"), 0.0, 10.0, Backend::Microlp);
    assert!(none.feasible_from.is_none() && none.points.is_empty() && none.segments.is_empty());
}

/// A share: sales 100 h, `big` returns 50/h, `small` (segment new) 10/h, both up to 100 h; new
/// must get at least a share t of sales hours. V(t) = 100 (1 - t) 50 + 100 t 10 = 5000 - 4000 t
/// on [0, 1], i.e. -40 EUR per percentage point; below 0 the share is slack (V = 5000); above
/// 1 no plan exists.
#[test]
fn share_sweep_and_range_are_in_share_units() {
    let instance = instance(
        r#"
[[resources]]
id = "sales"
capacity_hours = 100

[[segments]]
id = "old"

[[segments]]
id = "new"
min_share = { sales = 0.2 }

[[customers]]
id = "big"
segment = "old"
response.sales = { value_per_hour = 50, max_hours = 100 }

[[customers]]
id = "small"
segment = "new"
response.sales = { value_per_hour = 10, max_hours = 100 }
"#,
    );
    let id = "segment_min_share[sales/new]";
    for backend in BACKENDS {
        let result = sweep(&instance, SweepTarget::Constraint(id), -0.5, 1.5, backend).unwrap();
        assert_eq!(result.unit, capplan::analysis::document::Unit::PercentagePoint);
        assert_relative_eq!(result.feasible_to.unwrap(), 1.0, epsilon = EPS);
        assert_breaks(&result, &[(-0.5, 0.0, 0.0), (0.0, 1.0, -40.0)], backend);
        assert_relative_eq!(result.current_objective.unwrap(), 4200.0, epsilon = EPS, max_relative = 1e-6);

        let sensitivity = sensitivity_of(&instance, backend);
        let range = constraint(&sensitivity, id);
        assert_relative_eq!(range.shadow_price, -40.0, epsilon = EPS);
        assert_side(&range.next_unit, Some(-40.0), Some(0.8), "share next");
        assert_side(&range.last_unit, Some(-40.0), Some(0.2), "share last");
    }
}

#[test]
fn sweep_rejects_what_it_cannot_sweep() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/instances/dsp.toml")).unwrap();
    let dsp = Instance::from_toml_str("dsp.toml", &text).unwrap();
    let unknown = sweep(&dsp, SweepTarget::Constraint("floor[nobody/sales]"), 0.0, 10.0, Backend::Microlp).unwrap_err();
    assert!(matches!(&unknown, SweepError::Input(message) if message.contains("floor[m1/sales]")), "{unknown:?}");
    let value_share = sweep(&dsp, SweepTarget::Constraint("share_cap[value/m1]"), 0.1, 0.5, Backend::Microlp).unwrap_err();
    assert!(matches!(&value_share, SweepError::Input(message) if message.contains("not piecewise linear")), "{value_share:?}");
    let backwards = sweep(&dsp, SweepTarget::Capacity("sales"), 10.0, 5.0, Backend::Microlp).unwrap_err();
    assert!(matches!(backwards, SweepError::Input(_)));
    let resource = sweep(&dsp, SweepTarget::Capacity("marketing"), 0.0, 5.0, Backend::Microlp).unwrap_err();
    assert!(matches!(&resource, SweepError::Input(message) if message.contains("sales, service, engineering")), "{resource:?}");
}

fn objective_with_capacity(instance: &Instance, resource: usize, capacity: f64) -> Option<f64> {
    let edited = instance.with_capacity_hours(resource, capacity).expect("a valid capacity");
    solve(&edited, Backend::Microlp).unwrap().plan.map(|plan| plan.objective)
}

/// The engine's warm parametric steps give three-groups.toml's engineering curve as microlp's
/// cold re-solves do: the same breakpoints and slopes.
#[test]
fn three_groups_sweep_warm_on_the_engine_matches_cold_microlp() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/instances/three-groups.toml")).unwrap();
    let instance = Instance::from_toml_str("three-groups.toml", &text).unwrap();
    let warm = sweep(&instance, SweepTarget::Capacity("engineering"), 1500.0, 3000.0, Backend::Engine).unwrap();
    let cold = sweep(&instance, SweepTarget::Capacity("engineering"), 1500.0, 3000.0, Backend::Microlp).unwrap();
    assert_eq!(warm.segments.len(), cold.segments.len(), "{:?}\n{:?}", warm.segments, cold.segments);
    for (w, c) in warm.segments.iter().zip(&cold.segments) {
        assert_relative_eq!(w.from, c.from, epsilon = 1e-6, max_relative = 1e-7);
        assert_relative_eq!(w.to, c.to, epsilon = 1e-6, max_relative = 1e-7);
        assert_relative_eq!(w.marginal_value, c.marginal_value, epsilon = 1e-6, max_relative = 1e-7);
        assert_relative_eq!(w.objective_from, c.objective_from, max_relative = 1e-9);
    }
}

/// Sweep breakpoints against independent re-solves of the instance with its capacity edited:
/// at each breakpoint and at each midpoint the objective is the curve's (so the curve is
/// straight between breakpoints), and across each interior breakpoint the slope changes.
#[test]
fn three_groups_engineering_sweep_matches_independent_resolves() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/instances/three-groups.toml")).unwrap();
    let instance = Instance::from_toml_str("three-groups.toml", &text).unwrap();
    let r = instance.resources().iter().position(|resource| resource.id() == "engineering").unwrap();
    let result = sweep(&instance, SweepTarget::Capacity("engineering"), 1500.0, 3000.0, Backend::Microlp).unwrap();
    assert!(result.segments.len() >= 3, "expected a curve with bends: {:?}", result.segments);
    let scale = 1e-7 * result.points.iter().map(|p| p.objective.abs()).fold(1.0, f64::max);
    for point in &result.points {
        let resolved = objective_with_capacity(&instance, r, point.limit).expect("feasible at a breakpoint");
        assert!((resolved - point.objective).abs() <= scale, "at {}: curve {} re-solve {resolved}", point.limit, point.objective);
    }
    for segment in &result.segments {
        let middle = 0.5 * (segment.from + segment.to);
        let resolved = objective_with_capacity(&instance, r, middle).unwrap();
        let interpolated = 0.5 * (segment.objective_from + segment.objective_to);
        assert!((resolved - interpolated).abs() <= scale, "midpoint {middle}: re-solve {resolved}, interpolation {interpolated}");
    }
    for pair in result.segments.windows(2) {
        let (left, right) = (&pair[0], &pair[1]);
        let at = left.to;
        let step = 0.25 * (left.to - left.from).min(right.to - right.from);
        let value = objective_with_capacity(&instance, r, at).unwrap();
        let before = (value - objective_with_capacity(&instance, r, at - step).unwrap()) / step;
        let after = (objective_with_capacity(&instance, r, at + step).unwrap() - value) / step;
        assert!(
            (before - left.marginal_value).abs() <= 1e-5 * (1.0 + before.abs()),
            "left slope at {at}: {before} vs {}",
            left.marginal_value
        );
        assert!(
            (after - right.marginal_value).abs() <= 1e-5 * (1.0 + after.abs()),
            "right slope at {at}: {after} vs {}",
            right.marginal_value
        );
        assert!(before - after > 1e-6, "no bend at {at}: {before} then {after}");
    }
}

/// The Excel-style ranges and one-sided values of the examples agree with re-solves.
#[test]
fn example_ranges_hold_under_resolves() {
    for name in ["tiny.toml", "three-groups.toml"] {
        let text = std::fs::read_to_string(format!("{}/instances/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let instance = Instance::from_toml_str(name, &text).unwrap();
        let confirmed = support::assert_ranges_hold(&instance, Backend::Microlp);
        assert!(confirmed >= 10, "{name}: only {confirmed} confirmations");
    }
}

/// Solving without --sensitivity does not pay for ranging.
#[test]
fn plain_solve_has_no_sensitivity() {
    let report = solve(&tiny(), Backend::Microlp).unwrap();
    assert!(report.plan.unwrap().sensitivity.is_none());
}

/// Issue 10 item 6: `--sensitivity` once said an expectation's "one unit more" held for 5.7e-5 h
/// with no kink where `sweep` put the bend 30 h further. On dsp.toml, each expectation's one-sided
/// values and their reach must be the slope and the end of the sweep's piece on that side of the
/// limit, with the engine (ranged from its basis, re-solving only on degenerate sides).
#[test]
fn issue10_expectation_bend_is_found() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/instances/dsp.toml")).unwrap();
    let instance = Instance::from_toml_str("instances/dsp.toml", &text).unwrap();
    let mut checked = 0;
    for backend in [Backend::Engine] {
        let sensitivity = sensitivity_of(&instance, backend);
        for range in sensitivity.constraints.iter().filter(|range| range.family == capplan::analysis::document::Family::Expectation) {
            let (from, to) = ((range.limit - 150.0).max(0.0), range.limit + 150.0);
            let curve = sweep(&instance, SweepTarget::Constraint(&range.id), from, to, backend).unwrap();
            let tolerance = 1e-6 * (1.0 + range.limit);
            let above = curve.segments.iter().find(|piece| piece.from <= range.limit + tolerance && piece.to > range.limit + tolerance);
            let below = curve.segments.iter().find(|piece| piece.from < range.limit - tolerance && piece.to >= range.limit - tolerance);
            for (side, piece, reach, name) in [
                (&range.next_unit, above, above.map(|piece| piece.to - range.limit), "one unit more"),
                (&range.last_unit, below, below.map(|piece| range.limit - piece.from), "one unit less"),
            ] {
                let (Some(piece), Some(reach)) = (piece, reach) else { continue };
                let what = format!("{} ({backend:?}) {name}", range.id);
                assert_range(side.value, Some(piece.marginal_value), &what);
                // A piece that runs to the sweep's end may go on beyond it.
                let ends_inside = piece.to < to - tolerance && piece.from > from + tolerance;
                if ends_inside {
                    assert_range(side.over, Some(reach), &format!("{what} reach"));
                } else {
                    assert!(side.over.is_none_or(|over| over >= reach - EPS), "{what}: holds for {:?}, the sweep for {reach}", side.over);
                }
                checked += 1;
            }
            let bend_here = above.zip(below).is_none_or(|(a, b)| (a.marginal_value - b.marginal_value).abs() > EPS);
            assert_eq!(range.kink, bend_here, "{} ({backend:?}): kink", range.id);
        }
    }
    assert!(checked >= 4, "only {checked} sides checked");
    // The bend of expectation[m2/engineering] (a soft 320 h one) is 34 h up, at 354 h.
    let m2 = constraint(&sensitivity_of(&instance, Backend::Engine), "expectation[m2/engineering]").clone();
    assert_side(&m2.next_unit, Some(m2.shadow_price), Some(34.0), "expectation[m2/engineering] one unit more");
}
