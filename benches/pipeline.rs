//! Benchmarks of each pipeline stage on the example instances: read + validate, formulate, solve
//! (with shadow prices) per backend, and render each report format.
//! Run with `cargo bench --bench pipeline`; results are recorded in docs/performance.md.

use std::hint::black_box;
use std::path::Path;

use capplan::analysis::solve;
use capplan::formulation::formulate;
use capplan::model::Instance;
use capplan::report::{Format, render};
use capplan::solve::Backend;
use criterion::{Criterion, criterion_group, criterion_main};

fn pipeline(c: &mut Criterion) {
    for name in ["tiny", "three-groups", "dsp"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("instances").join(format!("{name}.toml"));
        let text = std::fs::read_to_string(&path).unwrap();
        let instance = Instance::from_toml_str(name, &text).unwrap();
        let mut group = c.benchmark_group(name);
        group.bench_function("read+validate", |b| b.iter(|| Instance::from_toml_str(name, black_box(&text)).unwrap()));
        group.bench_function("formulate", |b| b.iter(|| formulate(black_box(&instance))));
        for backend in [Backend::Microlp, Backend::Clarabel] {
            group.bench_function(format!("solve+duals/{backend}"), |b| b.iter(|| solve(black_box(&instance), backend).unwrap()));
        }
        let report = solve(&instance, Backend::Microlp).unwrap();
        for (label, format) in [("text", Format::Text), ("json", Format::Json), ("csv", Format::Csv)] {
            group.bench_function(format!("render/{label}"), |b| b.iter(|| render(black_box(&report), format)));
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(2));
    targets = pipeline
}
criterion_main!(benches);
