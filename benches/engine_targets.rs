//! Benchmarks of issue 9's targets on generated portfolios with diversification
//! (`capplan generate --diversify`): `solve --sensitivity` at 200 and 1,000 customers, the plain
//! solve at 1,000 and 10,000, `compare` with four capacity scenarios and one `--force` each
//! against one solve of the same model. Every model goes to capplan's engine (`auto`).
//!
//! Run with `nice cargo bench --bench engine_targets` (the 10,000-customer group takes many
//! minutes: `cargo bench --bench engine_targets -- n=1000/` for the smaller ones); HiGHS on the
//! same models is run beside it by `benches/highs_targets.py` on the files `capplan export`
//! writes. Results are recorded in docs/performance.md.

use std::hint::black_box;
use std::time::Duration;

use capplan::analysis::compare::{COLUMN_ANALYSES, CompareInput, compare};
use capplan::analysis::force::{solve_forced_until, solve_what_if_on};
use capplan::analysis::ranging::solve_with_sensitivity;
use capplan::analysis::solve_chosen;
use capplan::formulation::force::Force;
use capplan::formulation::formulate;
use capplan::generate::{Settings, generate};
use capplan::model::Instance;
use capplan::solve::{Backend, SolverChoice, choose};
use criterion::{Criterion, criterion_group, criterion_main};

fn diversified(customers: usize) -> Instance {
    let settings = Settings { diversify: true, ..Settings::new(customers, 3) };
    Instance::from_toml_str("generated.toml", &generate(&settings)).unwrap()
}

/// One solve as `capplan solve` does it (formulate, auto, plan with promise prices).
fn solve_once(instance: &Instance) -> f64 {
    let formulation = formulate(instance);
    let choice = choose(SolverChoice::Auto, &formulation).unwrap();
    solve_chosen(instance, &formulation, &choice, None).unwrap().plan.expect("optimal").objective
}

/// The base and four scenarios (engineering capacity at 90, 95, 105 and 110 %), solved as
/// `capplan compare` does (one engine session across the columns, the analyses its columns
/// show), and compared.
fn compare_four(instance: &Instance, scenarios: &[Instance]) -> usize {
    let mut session = None;
    let mut solved = Vec::new();
    for each in std::iter::once(instance).chain(scenarios) {
        let formulation = formulate(each);
        let choice = choose(SolverChoice::Engine, &formulation).unwrap();
        solved.push(solve_what_if_on(each, &formulation, &[], &choice, COLUMN_ANALYSES, None, &mut session).unwrap());
    }
    let inputs: Vec<CompareInput<'_>> = std::iter::once(instance)
        .chain(scenarios)
        .zip(&solved)
        .map(|(each, result)| CompareInput { instance: each, scenario: None, report: &result.report, diagnosis: None })
        .collect();
    compare(&inputs).changes.len()
}

fn targets(c: &mut Criterion) {
    for (customers, samples, measure) in [(200, 10, 5), (1000, 10, 20), (10_000, 10, 60)] {
        let instance = diversified(customers);
        let engineering = instance.resource_index("engineering").unwrap();
        let capacity = instance.resources()[engineering].capacity_hours();
        let scenarios: Vec<Instance> =
            [0.9, 0.95, 1.05, 1.1].iter().map(|f| instance.with_capacity_hours(engineering, f * capacity).unwrap()).collect();
        // A force on the first customer's engineering: 10 hours more than its optimal plan gives.
        let formulation = formulate(&instance);
        let choice = choose(SolverChoice::Auto, &formulation).unwrap();
        assert_eq!(choice.backend, Backend::Engine);
        let plan = solve_chosen(&instance, &formulation, &choice, None).unwrap().plan.unwrap();
        let force = Force { customer: 0, resource: engineering, hours: plan.customers[0].hours[engineering] + 10.0 };

        let mut group = c.benchmark_group(format!("n={customers}"));
        group.sample_size(samples).measurement_time(Duration::from_secs(measure));
        group.bench_function("solve", |b| b.iter(|| solve_once(black_box(&instance))));
        if customers <= 1000 {
            group
                .bench_function("solve+sensitivity", |b| b.iter(|| solve_with_sensitivity(black_box(&instance), Backend::Engine).unwrap()));
        }
        group.bench_function("compare 4 scenarios", |b| b.iter(|| compare_four(black_box(&instance), &scenarios)));
        group.bench_function("force", |b| {
            b.iter(|| solve_forced_until(black_box(&instance), &[force], &choice, None).unwrap().effect.expect("an effect"))
        });
        group.finish();
    }
}

criterion_group!(benches, targets);
criterion_main!(benches);
