//! Benchmarks of the sensitivity report (`solve --sensitivity`) and of sweeps on the example
//! instances, with microlp (ranges from re-solves) and capplan's engine (ranges from the optimal
//! basis, re-solves on degenerate sides only). Run with `cargo bench --bench sensitivity`; results are recorded in
//! docs/performance.md.

use std::hint::black_box;
use std::path::Path;

use capplan::analysis::ranging::solve_with_sensitivity;
use capplan::analysis::sweep::{SweepTarget, sweep};
use capplan::model::Instance;
use capplan::solve::Backend;
use criterion::{Criterion, criterion_group, criterion_main};

fn load(name: &str) -> Instance {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("instances").join(format!("{name}.toml"));
    Instance::from_toml_str(name, &std::fs::read_to_string(path).unwrap()).unwrap()
}

fn sensitivity(c: &mut Criterion) {
    let sweeps =
        [("tiny", "engineering", 0.0, 300.0), ("three-groups", "engineering", 1500.0, 3000.0), ("dsp", "engineering", 1000.0, 3000.0)];
    for (name, resource, from, to) in sweeps {
        let instance = load(name);
        let mut group = c.benchmark_group(name);
        group.bench_function("solve+sensitivity/microlp", |b| {
            b.iter(|| solve_with_sensitivity(black_box(&instance), Backend::Microlp).unwrap())
        });
        group.bench_function("solve+sensitivity/engine", |b| {
            b.iter(|| solve_with_sensitivity(black_box(&instance), Backend::Engine).unwrap())
        });
        group.bench_function(format!("sweep {resource} {from}..{to}/microlp"), |b| {
            b.iter(|| sweep(black_box(&instance), SweepTarget::Capacity(resource), from, to, Backend::Microlp).unwrap())
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(std::time::Duration::from_secs(3));
    targets = sensitivity
}
criterion_main!(benches);
