//! Property tests over random small instances: every optimal plan is feasible, its shadow prices
//! satisfy strong duality and complementary slackness, finite-difference re-solves confirm them,
//! microlp and clarabel agree on status, objective, plan feasibility and every unique shadow price
//! (degenerate ones are compared as intervals), and reports are byte-identical across runs.

mod support;

use std::fmt::Write;

use capplan::analysis::{Status, solve};
use capplan::model::Instance;
use capplan::report::{Format, render};
use capplan::solve::Backend;
use proptest::prelude::*;

/// Cases per property: `PROPTEST_CASES` when set (a longer run, docs/testing.md), else `default`.
fn cases_or(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(default)
}

#[derive(Debug, Clone)]
struct GenResource {
    capacity: u32,
    cost: u32,
    expansion: Option<(u32, u32)>, // (max_hours, cost_per_hour)
}

#[derive(Debug, Clone)]
enum GenResponse {
    Linear {
        value_per_hour: i32,
        max_hours: Option<u32>,
    },
    /// Slopes (will be sorted descending) and lengths of the pieces.
    Points {
        start: u32,
        pieces: Vec<(i32, u32)>,
    },
    None,
}

#[derive(Debug, Clone)]
struct GenAllocation {
    current: u32,
    response: GenResponse,
    floor: Option<u32>,
    cap_above_floor: Option<u32>,
    expectation: Option<(u32, Option<u32>)>, // (hours, soft penalty; None = hard)
    share: Option<u32>,                      // percent
}

#[derive(Debug, Clone)]
struct GenCustomer {
    segment: usize,
    allocations: Vec<GenAllocation>,
    value_share: Option<u32>, // percent
}

#[derive(Debug, Clone)]
struct GenInstance {
    resources: Vec<GenResource>,
    customers: Vec<GenCustomer>,
    segments: usize,
    segment_min_hours: Option<(usize, usize, u32)>,
    segment_max_share: Option<(usize, usize, u32)>,
    /// Values per hour are multiplied by 10 to this power (0 or 3) while costs and penalties are
    /// not: values up to about 100,000 per hour next to costs of a few units. Values in the
    /// millions are beyond what clarabel's dual reliably resolves next to costs of 1 (it ends in
    /// an internal error, docs/testing.md); tests/numerics.rs covers them by hand.
    value_magnitude: u32,
}

fn resource() -> impl Strategy<Value = GenResource> {
    (10u32..200, 0u32..20, proptest::option::of((0u32..50, 5u32..90))).prop_map(|(capacity, cost, expansion)| GenResource {
        capacity,
        cost,
        expansion,
    })
}

fn response() -> impl Strategy<Value = GenResponse> {
    prop_oneof![
        (-10i32..90, proptest::option::of(5u32..100))
            .prop_map(|(value_per_hour, max_hours)| GenResponse::Linear { value_per_hour, max_hours }),
        (0u32..500, proptest::collection::vec((-10i32..120, 5u32..60), 1..4))
            .prop_map(|(start, pieces)| GenResponse::Points { start, pieces }),
        Just(GenResponse::None),
    ]
}

fn allocation() -> impl Strategy<Value = GenAllocation> {
    (
        0u32..60,
        response(),
        proptest::option::weighted(0.3, 0u32..25),
        proptest::option::weighted(0.3, 0u32..50),
        proptest::option::weighted(0.3, (0u32..40, proptest::option::of(0u32..50))),
        proptest::option::weighted(0.15, 30u32..100),
    )
        .prop_map(|(current, response, floor, cap_above_floor, expectation, share)| GenAllocation {
            current,
            response,
            floor,
            cap_above_floor,
            expectation,
            share,
        })
}

fn instance() -> impl Strategy<Value = GenInstance> {
    (1usize..=3, 1usize..=5, 0usize..=2).prop_flat_map(|(resources, customers, segments)| {
        let customer =
            (0..segments.max(1), proptest::collection::vec(allocation(), resources), proptest::option::weighted(0.15, 40u32..100))
                .prop_map(|(segment, allocations, value_share)| GenCustomer { segment, allocations, value_share });
        (
            proptest::collection::vec(resource(), resources),
            proptest::collection::vec(customer, customers),
            Just(segments),
            proptest::option::weighted(0.3, (0..segments.max(1), 0..resources, 0u32..40)),
            proptest::option::weighted(0.3, (0..segments.max(1), 0..resources, 30u32..100)),
            prop_oneof![3 => Just(0u32), 1 => Just(3u32)],
        )
            .prop_map(|(resources, customers, segments, segment_min_hours, segment_max_share, value_magnitude)| GenInstance {
                resources,
                customers,
                segments,
                segment_min_hours,
                segment_max_share,
                value_magnitude,
            })
    })
}

fn to_toml(generated: &GenInstance) -> String {
    let magnitude = 10i64.pow(generated.value_magnitude);
    let mut out = String::from("[plan]\nname = \"random\"\nperiod = \"2027-Q1\"\ncurrency = \"EUR\"\n\n");
    for (r, resource) in generated.resources.iter().enumerate() {
        let _ = writeln!(out, "[[resources]]\nid = \"r{r}\"\ncapacity_hours = {}\ncost_per_hour = {}", resource.capacity, resource.cost);
        if let Some((max_hours, cost)) = resource.expansion {
            // A premium over the resource's own cost, so that any generated price is valid.
            let _ = writeln!(
                out,
                "[[resources.expansion]]\nid = \"extra\"\nmax_hours = {max_hours}\ncost_per_hour = {cost}\ncost_is_premium = true"
            );
        }
        out.push('\n');
    }
    for s in 0..generated.segments {
        let _ = writeln!(out, "[[segments]]\nid = \"s{s}\"");
        if let Some((segment, r, hours)) = generated.segment_min_hours
            && segment == s
        {
            let _ = writeln!(out, "min_hours = {{ r{r} = {hours} }}");
        }
        if let Some((segment, r, percent)) = generated.segment_max_share
            && segment == s
        {
            let _ = writeln!(out, "max_share = {{ r{r} = {} }}", percent as f64 / 100.0);
        }
        out.push('\n');
    }
    for (c, customer) in generated.customers.iter().enumerate() {
        let _ = writeln!(out, "[[customers]]\nid = \"c{c}\"");
        if generated.segments > 0 {
            let _ = writeln!(out, "segment = \"s{}\"", customer.segment);
        }
        let table = |f: &dyn Fn(&GenAllocation) -> Option<String>| -> String {
            let entries: Vec<String> =
                customer.allocations.iter().enumerate().filter_map(|(r, a)| f(a).map(|v| format!("r{r} = {v}"))).collect();
            format!("{{ {} }}", entries.join(", "))
        };
        let _ = writeln!(out, "current_hours = {}", table(&|a| Some(a.current.to_string())));
        let _ = writeln!(out, "floor_hours = {}", table(&|a| a.floor.map(|f| f.to_string())));
        let _ = writeln!(out, "cap_hours = {}", table(&|a| a.cap_above_floor.map(|extra| (a.floor.unwrap_or(0) + extra).to_string())));
        let mut shares: Vec<String> =
            customer.allocations.iter().enumerate().filter_map(|(r, a)| a.share.map(|p| format!("r{r} = {}", p as f64 / 100.0))).collect();
        if let Some(percent) = customer.value_share {
            shares.push(format!("value = {}", percent as f64 / 100.0));
        }
        let _ = writeln!(out, "max_share = {{ {} }}", shares.join(", "));
        for (r, allocation) in customer.allocations.iter().enumerate() {
            match &allocation.response {
                GenResponse::Linear { value_per_hour, max_hours } => {
                    let max = max_hours.map(|m| format!(", max_hours = {m}")).unwrap_or_default();
                    let value_per_hour = *value_per_hour as i64 * magnitude;
                    let _ = writeln!(out, "response.r{r} = {{ value_per_hour = {value_per_hour}{max} }}");
                }
                GenResponse::Points { start, pieces } => {
                    let mut slopes: Vec<i32> = pieces.iter().map(|(slope, _)| *slope).collect();
                    slopes.sort_by(|a, b| b.cmp(a));
                    let (mut hours, mut value) = (0i64, *start as i64);
                    let mut points = vec![format!("[0, {}]", value * magnitude)];
                    for (slope, (_, length)) in slopes.iter().zip(pieces) {
                        hours += *length as i64;
                        value += *slope as i64 * *length as i64;
                        points.push(format!("[{hours}, {}]", value * magnitude));
                    }
                    let _ = writeln!(out, "response.r{r} = {{ points = [{}] }}", points.join(", "));
                }
                GenResponse::None => {}
            }
            if let Some((hours, penalty)) = allocation.expectation {
                let kind = match penalty {
                    Some(p) => format!("kind = \"soft\", penalty_per_hour = {p}"),
                    None => "kind = \"hard\"".to_string(),
                };
                let _ = writeln!(out, "expectations.r{r} = {{ hours = {hours}, {kind} }}");
            }
        }
        out.push('\n');
    }
    out
}

/// All checks on one generated instance: both backends agree on the status; for an optimal
/// plan, microlp's plan passes feasibility, strong duality, complementary slackness and finite
/// differences, and clarabel agrees with it (objective, feasibility, unique shadow prices).
fn check_generated(generated: &GenInstance) -> support::CrossCheck {
    let text = to_toml(generated);
    let instance = Instance::from_toml_str("random.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let simplex = solve(&instance, Backend::Microlp).unwrap_or_else(|e| panic!("microlp: {e}\n{text}"));
    let interior = match solve(&instance, Backend::Clarabel) {
        Ok(report) => report,
        // capplan refuses a clarabel answer it cannot back (a status the simplex contradicts, a
        // point outside the 1e-5 feasibility bound, a duality gap) with an internal error, exit
        // 1: never a wrong number. Such refusals are counted and reported by the long run
        // (docs/testing.md), not hidden; microlp must have solved the instance.
        Err(_) => return support::CrossCheck { clarabel_refused: 1, ..support::CrossCheck::default() },
    };
    assert_eq!(simplex.status, interior.status, "backends disagree on status\n{text}");
    assert!(simplex.status != Status::Unbounded, "every variable is bounded here\n{text}");
    if simplex.status != Status::Optimal {
        return support::CrossCheck::default();
    }
    support::assert_all_checks(&instance, Backend::Microlp);
    support::assert_backends_agree(&instance)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases_or(256), ..ProptestConfig::default() })]

    /// Every optimal plan passes feasibility, strong duality, complementary slackness and the
    /// finite-difference check, and the two backends agree; infeasible instances are infeasible
    /// for both.
    #[test]
    fn shadow_prices_pass_duality_and_finite_differences(generated in instance()) {
        check_generated(&generated);
    }

    /// The same input gives byte-identical reports in every format.
    #[test]
    fn reports_are_deterministic(generated in instance()) {
        let text = to_toml(&generated);
        let instance = Instance::from_toml_str("random.toml", &text).unwrap();
        let first = solve(&instance, Backend::Microlp).unwrap();
        let again = solve(&Instance::from_toml_str("random.toml", &text).unwrap(), Backend::Microlp).unwrap();
        for format in [Format::Text, Format::Json, Format::Csv] {
            prop_assert_eq!(render(&first, format), render(&again, format));
        }
    }
}

/// The same random instances without the limits that couple customers (segment limits, value
/// shares, hours share caps of an expandable resource): the separable backend applies to these.
fn capacities_only(mut generated: GenInstance) -> GenInstance {
    generated.segment_min_hours = None;
    generated.segment_max_share = None;
    for customer in &mut generated.customers {
        customer.value_share = None;
        for (allocation, resource) in customer.allocations.iter_mut().zip(&generated.resources) {
            if resource.expansion.is_some() {
                allocation.share = None;
            }
        }
    }
    generated
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases_or(256), ..ProptestConfig::default() })]

    /// The separable backend finds the simplex's status and optimum, and its shadow prices pass
    /// strong duality, complementary slackness and finite differences re-solved by the simplex.
    #[test]
    fn separable_backend_agrees_with_simplex(generated in instance()) {
        let text = to_toml(&capacities_only(generated));
        let instance = Instance::from_toml_str("random.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let formulation = capplan::formulation::formulate(&instance);
        prop_assert!(capplan::solve::separable::applicability(&formulation).is_ok());
        let simplex = solve(&instance, Backend::Microlp).unwrap();
        let separable = solve(&instance, Backend::Separable).unwrap_or_else(|e| panic!("{e}\n{text}"));
        prop_assert_eq!(simplex.status, separable.status, "status differs\n{}", text);
        if simplex.status == Status::Optimal {
            let a = simplex.plan.as_ref().unwrap().objective;
            let b = separable.plan.as_ref().unwrap().objective;
            prop_assert!((a - b).abs() <= 1e-7 * (1.0 + a.abs()), "objectives differ: microlp {} separable {}\n{}", a, b, text);
            let (formulation, plan) = support::solve_optimal(&instance, Backend::Separable);
            support::assert_feasible(&formulation.lp, &plan);
            support::assert_strong_duality(&formulation.lp, &plan);
            support::assert_complementary_slackness(&formulation.lp, &plan);
            let rows = (0..formulation.lp.rows.len()).filter(|&row| !formulation.kinds[row].is_internal());
            support::assert_finite_differences(&formulation, &plan, rows, Backend::Microlp);
        }
    }
}

/// Guards against a vacuous property: over a fixed set of seeds, most generated instances must
/// be optimal and most shadow prices must be confirmed exactly by finite differences.
#[test]
fn property_generator_produces_informative_instances() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]));
    let (mut optimal, mut infeasible, mut exact, mut nonzero_prices) = (0, 0, 0, 0);
    let (mut unique, mut degenerate) = (0, 0);
    for _ in 0..60 {
        let generated = instance().new_tree(&mut runner).unwrap().current();
        let instance = Instance::from_toml_str("random.toml", &to_toml(&generated)).unwrap();
        let report = solve(&instance, Backend::Microlp).unwrap();
        match report.status {
            Status::Optimal => {
                optimal += 1;
                nonzero_prices += report.plan.unwrap().constraints.iter().filter(|c| c.shadow_price != 0.0).count();
                exact += support::assert_all_checks(&instance, Backend::Microlp);
                let found = support::assert_backends_agree(&instance);
                unique += found.unique_prices;
                degenerate += found.degenerate_prices;
            }
            Status::Infeasible => infeasible += 1,
            Status::Unbounded | Status::TimeLimit => unreachable!(),
        }
    }
    eprintln!(
        "optimal {optimal}, infeasible {infeasible}, non-zero shadow prices {nonzero_prices}, exact finite-difference confirmations {exact}, \
         cross-backend: {unique} unique prices agreed, {degenerate} degenerate prices in range"
    );
    assert!(optimal >= 30, "only {optimal} of 60 instances optimal");
    assert!(infeasible >= 1, "the generator should also reach infeasible instances");
    assert!(nonzero_prices >= 40, "only {nonzero_prices} non-zero shadow prices");
    assert!(exact >= 100, "only {exact} exact finite-difference confirmations");
    // Both kinds of cross-backend comparison must actually happen.
    assert!(unique >= 100, "only {unique} unique prices compared across backends");
    assert!(degenerate >= 1, "no degenerate price met; the interval comparison is untested");
}

/// The long run of the cross-checks (docs/testing.md): `CAPPLAN_LONG_CASES` random instances
/// (default 5,000) from a fixed seed, with shrinking of a failure as in the short run.
#[test]
#[ignore = "long run, minutes: cargo test --release --test properties -- --ignored"]
fn long_run_cross_checks() {
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let cases = std::env::var("CAPPLAN_LONG_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(5_000);
    let config = Config { cases, failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[11; 32]));
    let totals = std::cell::Cell::new((0usize, 0usize, 0usize, 0usize));
    runner
        .run(&instance(), |generated| {
            let found = check_generated(&generated);
            let (optimal, unique, degenerate, refused) = totals.get();
            let optimal = optimal + usize::from(found.unique_prices + found.degenerate_prices > 0);
            totals.set((optimal, unique + found.unique_prices, degenerate + found.degenerate_prices, refused + found.clarabel_refused));
            Ok(())
        })
        .unwrap();
    let (optimal, unique, degenerate, refused) = totals.get();
    eprintln!(
        "{cases} cases: {optimal} optimal with checked prices, {unique} unique prices agreed, {degenerate} degenerate prices in range, \
         {refused} clarabel answers refused (internal error) where microlp solved"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases_or(24), ..ProptestConfig::default() })]

    /// Ranging agrees with re-solves on random instances: moving an hour limit half-way through
    /// (and to the end of) each one-sided range changes the objective by that side's value per
    /// hour, beyond a finite range it no longer does, and shifting an allocation's value per hour
    /// within its range keeps the plan optimal (see `support::assert_ranges_hold`).
    #[test]
    fn ranges_agree_with_resolves(generated in instance()) {
        let text = to_toml(&generated);
        let instance = Instance::from_toml_str("random.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        support::assert_ranges_hold(&instance, Backend::Microlp);
    }

    /// The same on capplan's engine: ranges from its optimal basis, re-solves on the engine.
    #[test]
    fn ranges_agree_with_resolves_on_engine(generated in instance()) {
        let text = to_toml(&generated);
        let instance = Instance::from_toml_str("random.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        support::assert_ranges_hold(&instance, Backend::Engine);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases_or(128), ..ProptestConfig::default() })]

    /// capplan's engine (the backend `auto` picks off the separable path) agrees with microlp on
    /// status and optimum, and its plan passes feasibility, strong duality, complementary
    /// slackness and finite differences with duals read straight from its basis; on models
    /// coupled only by capacities it agrees with the separable backend too.
    #[test]
    fn engine_agrees_with_simplex_and_separable(generated in instance(), capacities_only_too in any::<bool>()) {
        let generated = if capacities_only_too { capacities_only(generated) } else { generated };
        let text = to_toml(&generated);
        let instance = Instance::from_toml_str("random.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let simplex = solve(&instance, Backend::Microlp).unwrap_or_else(|e| panic!("microlp: {e}\n{text}"));
        let engine = solve(&instance, Backend::Engine).unwrap_or_else(|e| panic!("engine: {e}\n{text}"));
        prop_assert_eq!(simplex.status, engine.status, "{}", text);
        if engine.status == Status::Optimal {
            let (a, b) = (simplex.plan.as_ref().unwrap().objective, engine.plan.as_ref().unwrap().objective);
            prop_assert!((a - b).abs() <= 1e-7 * (1.0 + a.abs()), "microlp {} engine {}\n{}", a, b, text);
            support::assert_all_checks(&instance, Backend::Engine);
            if capacities_only_too {
                let separable = solve(&instance, Backend::Separable).unwrap_or_else(|e| panic!("separable: {e}\n{text}"));
                let c = separable.plan.as_ref().unwrap().objective;
                prop_assert!((c - b).abs() <= 1e-7 * (1.0 + c.abs()), "separable {} engine {}\n{}", c, b, text);
            }
        }
    }
}
