//! Benchmarks of the what-if commands: applying a scenario, the force what-if, and the
//! infeasibility diagnosis (deletion filter + elastic LP), on the examples.
//! Run with `cargo bench --bench what_if`; results are recorded in docs/performance.md.

use std::hint::black_box;

use capplan::analysis::force::solve_forced;
use capplan::analysis::infeasibility::diagnose;
use capplan::formulation::force::Force;
use capplan::formulation::formulate;
use capplan::model::{Instance, apply_scenario};
use capplan::solve::Backend;
use criterion::{Criterion, criterion_group, criterion_main};

fn read(relative: &str) -> String {
    std::fs::read_to_string(format!("{}/{relative}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn what_if(c: &mut Criterion) {
    let dsp = read("instances/dsp.toml");
    let push = read("instances/scenarios/new-customer-push.toml");
    let promise = read("instances/scenarios/promise-engineering.toml");
    let mut group = c.benchmark_group("what-if");
    group.bench_function("dsp/apply new-customer-push", |b| {
        b.iter(|| apply_scenario("dsp.toml", black_box(&dsp), "push.toml", black_box(&push)).unwrap())
    });

    let base = Instance::from_toml_str("dsp.toml", &dsp).unwrap();
    let forces = vec![Force::parse("m2/engineering=360", &base).unwrap()];
    group.bench_function("dsp/force m2 engineering=360", |b| b.iter(|| solve_forced(black_box(&base), &forces, Backend::Microlp).unwrap()));

    let floors =
        Instance::from_toml_str("infeasible/engineering-promises.toml", &read("instances/infeasible/engineering-promises.toml")).unwrap();
    let formulation = formulate(&floors);
    group.bench_function("engineering-promises/diagnose", |b| {
        b.iter(|| diagnose(black_box(&floors), &formulation, Backend::Microlp).unwrap())
    });

    let (promised, _) = apply_scenario("dsp.toml", &dsp, "promise.toml", &promise).unwrap();
    let formulation = formulate(&promised);
    group.bench_function("dsp+promise-engineering/diagnose", |b| {
        b.iter(|| diagnose(black_box(&promised), &formulation, Backend::Microlp).unwrap())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(std::time::Duration::from_secs(3));
    targets = what_if
}
criterion_main!(benches);
