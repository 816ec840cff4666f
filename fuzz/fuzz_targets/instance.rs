//! Fuzz target over the whole input path: TOML text -> reader -> validator -> formulation, and for
//! small valid instances the solve, the dual and every report format.
//!
//! The property is "no panic, no hang": any byte string is either refused with diagnostics (which
//! must print) or becomes a plan or a status. Solving is limited to small LPs so that the fuzzer
//! keeps thousands of executions per second.

#![no_main]

use capplan::analysis;
use capplan::formulation::formulate;
use capplan::model::Instance;
use capplan::report::{Format, render};
use capplan::solve::Backend;
use libfuzzer_sys::fuzz_target;

/// Largest LP (variables) that is also solved; the examples in instances/ stay below it only for
/// tiny.toml, so most of the time goes to the reader and validator.
const MAX_SOLVED_VARIABLES: usize = 40;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let instance = match Instance::from_toml_str("fuzz.toml", text) {
        Ok(instance) => instance,
        Err(errors) => {
            let printed = errors.to_string();
            assert!(printed.starts_with("error: fuzz.toml"), "diagnostic without a file: {printed}");
            return;
        }
    };
    let formulation = formulate(&instance);
    if formulation.lp.variables.len() > MAX_SOLVED_VARIABLES {
        return;
    }
    // An internal error (exit 1) is an allowed outcome; a panic is not.
    if let Ok(report) = analysis::solve(&instance, Backend::Microlp) {
        for format in [Format::Text, Format::Json, Format::Csv] {
            let _ = render(&report, format);
        }
    }
});
