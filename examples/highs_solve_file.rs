//! Solves an LP or MPS file written by `capplan export` with HiGHS itself (its own file reader,
//! not capplan's LP), and prints the model status, the optimal objective and the time HiGHS
//! took. Used for docs/performance.md: an independent check of the exported model, and HiGHS's
//! time on exactly the model capplan solves. An MPS file is the minimisation form: its objective
//! is minus capplan's.
//!
//! `cargo run --release --features highs --example highs_solve_file -- model.mps`

use std::ffi::CString;
use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: highs_solve_file FILE.mps|FILE.lp");
        std::process::exit(2);
    };
    let file = CString::new(path.clone()).expect("a path without NUL bytes");
    let output_flag = CString::new("output_flag").unwrap();
    // SAFETY: the handle is created, used and destroyed here only, and every string passed is a
    // NUL-terminated CString that outlives the call.
    unsafe {
        let highs = highs_sys::Highs_create();
        highs_sys::Highs_setBoolOptionValue(highs, output_flag.as_ptr(), 0);
        let read_started = Instant::now();
        if highs_sys::Highs_readModel(highs, file.as_ptr()) != 0 {
            eprintln!("HiGHS could not read {path}");
            highs_sys::Highs_destroy(highs);
            std::process::exit(1);
        }
        let read = read_started.elapsed();
        let started = Instant::now();
        let run_status = highs_sys::Highs_run(highs);
        let solve = started.elapsed();
        // Model status 7 is kHighsModelStatusOptimal in HiGHS's C API.
        let model_status = highs_sys::Highs_getModelStatus(highs);
        let objective = highs_sys::Highs_getObjectiveValue(highs);
        println!(
            "{path}: run status {run_status}, model status {model_status}{}, objective {objective:.6}, read {:.3} s, solve {:.3} s",
            if model_status == 7 { " (optimal)" } else { "" },
            read.as_secs_f64(),
            solve.as_secs_f64()
        );
        highs_sys::Highs_destroy(highs);
    }
}
