//! Fuzz target over scenario patches: the DSP example instance, fixed, patched by arbitrary
//! scenario text -> scenario reader -> patching -> validation of the patched instance ->
//! formulation.
//!
//! The property is "no panic, no hang": any scenario text is either refused with diagnostics
//! (which must print and name a file) or yields a patched instance that formulates.

#![no_main]

use capplan::formulation::formulate;
use capplan::model::apply_scenario;
use libfuzzer_sys::fuzz_target;

const INSTANCE: &str = include_str!("../../instances/dsp.toml");

fuzz_target!(|data: &[u8]| {
    let Ok(scenario) = std::str::from_utf8(data) else {
        return;
    };
    match apply_scenario("dsp.toml", INSTANCE, "fuzz-scenario.toml", scenario) {
        Ok((instance, applied)) => {
            let _ = applied.name.len();
            let formulation = formulate(&instance);
            assert_eq!(formulation.lp.rows.len(), formulation.kinds.len());
        }
        Err(errors) => {
            let printed = errors.to_string();
            assert!(printed.starts_with("error: "), "diagnostic without a prefix: {printed}");
            assert!(errors.0.iter().all(|d| !d.file.is_empty()), "diagnostic without a file: {printed}");
        }
    }
});
