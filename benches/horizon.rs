//! Benchmarks of a multi-period plan on `instances/multi-quarter.toml` (four quarters of the DSP
//! case): read + validate, formulate the combined program, solve it with shadow prices (capplan's
//! engine, as `--solver auto` picks, and microlp), the ranges of `--sensitivity`, and the text
//! and JSON reports. Run with `cargo bench --bench horizon`; results are in docs/performance.md.

use std::hint::black_box;
use std::path::Path;

use capplan::SolverChoice;
use capplan::formulation::horizon::formulate_horizon;
use capplan::model::Instance;
use capplan::report::horizon::{HorizonExtras, render_json, render_text};
use capplan::report::{DEFAULT_WIDTH, Detail, TextOptions};
use criterion::{Criterion, criterion_group, criterion_main};

fn horizon(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("instances/multi-quarter.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let instance = Instance::from_toml_str("multi-quarter.toml", &text).unwrap();
    let periods = instance.horizon().expect("the example lists periods");
    let mut group = c.benchmark_group("multi-quarter");
    group.bench_function("read+validate", |b| b.iter(|| Instance::from_toml_str("multi-quarter.toml", black_box(&text)).unwrap()));
    group.bench_function("formulate", |b| b.iter(|| formulate_horizon(black_box(&instance), periods, &[])));
    for (label, solver) in [("engine", SolverChoice::Auto), ("microlp", SolverChoice::Microlp)] {
        group.bench_function(format!("solve+duals/{label}"), |b| {
            b.iter(|| capplan::solve_horizon(black_box(&instance), solver, false).unwrap())
        });
    }
    group.bench_function("solve+sensitivity/engine", |b| {
        b.iter(|| capplan::solve_horizon(black_box(&instance), SolverChoice::Auto, true).unwrap())
    });
    let report = capplan::solve_horizon(&instance, SolverChoice::Auto, false).unwrap();
    let options = TextOptions { width: DEFAULT_WIDTH, detail: Detail::Full };
    group.bench_function("render/text", |b| b.iter(|| render_text(black_box(&report), &HorizonExtras::default(), &options)));
    group.bench_function("render/json", |b| b.iter(|| render_json(black_box(&report), &HorizonExtras::default())));
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(std::time::Duration::from_secs(2));
    targets = horizon
}
criterion_main!(benches);
