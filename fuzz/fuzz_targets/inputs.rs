//! Fuzz target over every kind of file capplan reads and the command line's value parsers. The
//! first byte picks the kind, the rest is the text:
//!
//! - 0: an instance file (reader, size and value limits, validation, formulation);
//! - 1: a scenario file applied to the DSP example (reader, patching, validation, formulation);
//! - 2: a portfolio model file (reader, validation);
//! - 3: a customers CSV appended to the tiny example's two customers (CSV reader, validation);
//! - 4: a command line, one argument per line (clap with every value parser: `--time-limit`,
//!   `--customers`, formats, solvers, ...);
//! - 5: `--force` specs against the tiny example, one per line.
//!
//! The property is "no panic, no hang": every input is either refused with diagnostics that
//! print and name a file, or is accepted.

#![no_main]

use capplan::diagnostic::InputErrors;
use capplan::formulation::force::Force;
use capplan::formulation::formulate;
use capplan::model::{Instance, apply_scenario};
use libfuzzer_sys::fuzz_target;

const DSP: &str = include_str!("../../instances/dsp.toml");
const TINY: &str = include_str!("../../instances/tiny.toml");

fn refused_properly(errors: &InputErrors, file: &str) {
    let printed = errors.to_string();
    assert!(printed.starts_with("error: "), "diagnostic without a prefix: {printed}");
    assert!(errors.0.iter().all(|d| !d.file.is_empty()), "diagnostic without a file: {printed}");
    assert!(errors.0.iter().any(|d| d.file.contains(file)), "no diagnostic names {file}: {printed}");
}

fn formulates(instance: &Instance) {
    let formulation = formulate(instance);
    assert_eq!(formulation.lp.rows.len(), formulation.kinds.len());
}

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    match kind % 6 {
        0 => match Instance::from_toml_str("fuzz.toml", text) {
            Ok(instance) => formulates(&instance),
            Err(errors) => refused_properly(&errors, "fuzz.toml"),
        },
        1 => match apply_scenario("dsp.toml", DSP, "fuzz-scenario.toml", text) {
            Ok((instance, _)) => formulates(&instance),
            Err(errors) => refused_properly(&errors, ".toml"),
        },
        2 => {
            if let Err(errors) = capplan::model::portfolio::model_from_toml_str("fuzz-model.toml", text) {
                refused_properly(&errors, "fuzz-model.toml");
            }
        }
        3 => match capplan::input::customers_csv::instance_with_csv_text("tiny.toml", TINY, "fuzz.csv", text) {
            Ok(instance) => formulates(&instance),
            Err(errors) => refused_properly(&errors, ""),
        },
        4 => {
            let args: Vec<String> = text.lines().map(str::to_string).collect();
            if let Err(message) = capplan::cli::check_arguments(&args) {
                assert!(!message.is_empty());
            }
        }
        _ => {
            let instance = Instance::from_toml_str("tiny.toml", TINY).expect("the tiny example is valid");
            let specs: Vec<String> = text.lines().map(str::to_string).collect();
            if let Ok(forces) = Force::parse_all(&specs, &instance) {
                for force in &forces {
                    assert!(force.hours.is_finite() && force.hours >= 0.0);
                    assert!(!capplan::model::is_too_small_to_compute_with(force.hours));
                }
            }
        }
    }
});
