//! Benchmarks of refusing hostile input: how long capplan takes to say no to an instance over a
//! size limit (docs/instance-format.md, "Limits"), and what scaling a badly scaled model costs.
//! Run with `cargo bench --bench limits`; results are recorded in docs/performance.md.

use std::fmt::Write;
use std::hint::black_box;

use capplan::analysis::solve;
use capplan::formulation::formulate;
use capplan::input::limits::{MAX_CUSTOMERS, MAX_FILE_BYTES};
use capplan::model::Instance;
use capplan::solve::Backend;
use capplan::solve::scaling::scale;
use criterion::{Criterion, criterion_group, criterion_main};

const HEADER: &str =
    "[plan]\nname = \"bench\"\nperiod = \"2027-Q1\"\ncurrency = \"EUR\"\n[[resources]]\nid = \"eng\"\ncapacity_hours = 100\n";

fn refusals(c: &mut Criterion) {
    let mut group = c.benchmark_group("refuse");

    let oversized = std::env::temp_dir().join(format!("capplan-bench-oversized-{}.toml", std::process::id()));
    let mut text = format!("{HEADER}#");
    text.extend(std::iter::repeat_n('x', MAX_FILE_BYTES as usize));
    std::fs::write(&oversized, &text).unwrap();
    group.bench_function("file over 64 MiB", |b| b.iter(|| Instance::from_file(black_box(&oversized)).unwrap_err()));
    group.bench_function("/dev/zero", |b| b.iter(|| Instance::from_file(black_box("/dev/zero".as_ref())).unwrap_err()));

    let mut customers = String::from(HEADER);
    for index in 0..=MAX_CUSTOMERS {
        let _ = writeln!(customers, "[[customers]]\nid = \"c{index}\"\nresponse.eng = {{ value_per_hour = 10 }}");
    }
    group.bench_function("20,001 customers", |b| b.iter(|| Instance::from_toml_str("big", black_box(&customers)).unwrap_err()));

    let depth = 100_000;
    let nested = format!("{HEADER}notes = {}{}\n", "[".repeat(depth), "]".repeat(depth));
    group.bench_function("100,000 nested arrays", |b| b.iter(|| Instance::from_toml_str("deep", black_box(&nested)).unwrap_err()));
    group.finish();
    let _ = std::fs::remove_file(&oversized);
}

/// Scaling runs only on badly scaled models; this is its cost on the DSP example's LP, forced by
/// multiplying one value per hour by 1e7 so that the spread exceeds the threshold.
fn scaling(c: &mut Criterion) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("instances/dsp.toml");
    let instance = Instance::from_file(&path).unwrap();
    let mut lp = formulate(&instance).lp;
    lp.variables[0].objective *= 1e7;
    assert!(scale(&lp).is_some());
    let mut group = c.benchmark_group("scaling");
    group.bench_function("scale dsp LP", |b| b.iter(|| scale(black_box(&lp))));
    group.bench_function("solve+duals/microlp dsp (unscaled)", |b| b.iter(|| solve(black_box(&instance), Backend::Microlp).unwrap()));
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(std::time::Duration::from_secs(2));
    targets = refusals, scaling
}
criterion_main!(benches);
