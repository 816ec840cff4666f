//! Benchmarks at scale on generated portfolios (`capplan generate`, seed 1) of 1,000, 10,000 and
//! 100,000 customers: formulation, solve with shadow prices per backend, each report, and the
//! whole in-process run (formulate + solve + text report) that the targets in
//! docs/performance.md are about. Peak heap memory of that whole run is measured with a counting
//! allocator and printed once per size.
//!
//! Run with `cargo bench --bench scale` (add `--features highs` for HiGHS); a size alone with
//! `cargo bench --bench scale -- n=10000/`. Combinations that would take minutes per sample are
//! skipped (see `runs_in_reasonable_time`).

use std::hint::black_box;
use std::time::Duration;

use capplan::analysis::solve_chosen;
use capplan::formulation::formulate;
use capplan::generate::{DEFAULT_RESOURCES, Settings, generate};
use capplan::model::Instance;
use capplan::report::{Format, render};
use capplan::solve::{Backend, Choice, SolverChoice, choose};
use criterion::{Criterion, criterion_group, criterion_main};

#[path = "../tests/support/counting_allocator.rs"]
mod counting_allocator;

use counting_allocator::peak_bytes_during;

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

/// Measured once on this machine (docs/performance.md): microlp needs about 10 s for primal and
/// dual at 1,000 customers and grows about quadratically; clarabel about 19 s at 10,000, so
/// minutes at 100,000; HiGHS about 230 s for the primal alone at 10,000. Ten samples of those
/// would take from ten minutes to hours, so they are left out.
fn runs_in_reasonable_time(backend: Backend, customers: usize) -> bool {
    match backend {
        Backend::Microlp | Backend::Highs => customers <= 1_000,
        Backend::Clarabel | Backend::Engine => customers <= 10_000,
        Backend::Separable => true,
    }
}

fn instance(customers: usize) -> Instance {
    let settings = Settings { customers, seed: 1, resources: DEFAULT_RESOURCES.map(String::from).to_vec(), diversify: false };
    Instance::from_toml_str("generated.toml", &generate(&settings)).expect("generated instances are valid")
}

fn scale(c: &mut Criterion) {
    for customers in SIZES {
        let instance = instance(customers);
        let formulation = formulate(&instance);
        let auto = choose(SolverChoice::Auto, &formulation).unwrap();

        let (peak, whole) =
            peak_bytes_during(|| render(&solve_chosen(&instance, &formulate(&instance), &auto, None).unwrap(), Format::Text));
        drop(whole);
        eprintln!(
            "n={customers}: {} LP variables, {} rows; auto picks {}; peak heap of formulate + solve + text report: {:.1} MiB",
            formulation.lp.variables.len(),
            formulation.lp.rows.len(),
            auto.backend,
            peak as f64 / (1024.0 * 1024.0)
        );

        let mut group = c.benchmark_group(format!("n={customers}"));
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(if customers >= 100_000 { 30 } else { 5 }));
        group.bench_function("formulate", |b| b.iter(|| formulate(black_box(&instance))));
        for backend in [Backend::Separable, Backend::Engine, Backend::Clarabel, Backend::Microlp, Backend::Highs] {
            if !backend.is_built() || !runs_in_reasonable_time(backend, customers) {
                continue;
            }
            let choice = Choice::requested(backend);
            group.bench_function(format!("solve+duals/{backend}"), |b| {
                b.iter(|| solve_chosen(black_box(&instance), &formulation, &choice, None).unwrap())
            });
        }
        let report = solve_chosen(&instance, &formulation, &auto, None).unwrap();
        for (label, format) in [("text", Format::Text), ("json", Format::Json), ("csv", Format::Csv)] {
            group.bench_function(format!("report/{label}"), |b| b.iter(|| render(black_box(&report), format)));
        }
        group.bench_function("formulate+solve+text/auto", |b| {
            b.iter(|| {
                let formulation = formulate(black_box(&instance));
                let report = solve_chosen(&instance, &formulation, &auto, None).unwrap();
                render(&report, Format::Text)
            })
        });
        group.finish();
    }
}

criterion_group!(benches, scale);
criterion_main!(benches);
