//! `capplan solve` of a multi-period instance (`[[periods]]`): one program over every period,
//! reported per period and over the horizon, with `--force CUSTOMER/RESOURCE@PERIOD=HOURS` and
//! `--sensitivity`.

use std::time::Instant;

use super::solve::{SolveArgs, SolveFormat, text_options};
use super::{EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, Failure, emit, print_failure};
use crate::analysis::horizon::{choose, solve_horizon};
use crate::formulation::horizon::PeriodForce;
use crate::model::{AppliedScenario, Instance};
use crate::report::Audience;
use crate::report::horizon::{HorizonExtras, render_csv, render_html, render_json, render_text};

pub(super) fn run(args: &SolveArgs, instance: &Instance, scenario: Option<&AppliedScenario>, deadline: Option<Instant>) -> i32 {
    let json = args.format == SolveFormat::Json;
    let fail = |code: i32, message: &str| {
        print_failure(json, code, Failure::Message(message));
        code
    };
    let horizon = instance.horizon().expect("called for a multi-period instance");
    if args.audience == Audience::Partner || args.customer.is_some() {
        return fail(EXIT_INPUT, "the partner view is of one quarter; a multi-period instance has no partner view yet");
    }
    if args.format == SolveFormat::Xlsx {
        return fail(EXIT_INPUT, "the xlsx workbook is of one quarter; a multi-period plan is written as text, json, csv or html");
    }
    let forces = match PeriodForce::parse_all(&args.force, instance, horizon) {
        Ok(forces) => forces,
        Err(error) => return fail(EXIT_INPUT, &error.to_string()),
    };
    if args.sensitivity && !forces.is_empty() {
        return fail(EXIT_INPUT, "--sensitivity ranges the plan as the instance defines it; run it without --force");
    }
    let choice = match choose(args.solver) {
        Ok(choice) => choice,
        Err(message) => return fail(EXIT_INPUT, &message),
    };
    let report = match solve_horizon(instance, horizon, &forces, &choice, args.sensitivity, deadline) {
        Ok(report) => report,
        Err(error) => return fail(EXIT_INTERNAL, &format!("internal: {error}")),
    };
    let extras = HorizonExtras { scenario };
    let text = match args.format {
        SolveFormat::Text => render_text(&report, &extras, &text_options(args.detail, args.output.is_some())),
        SolveFormat::Json => render_json(&report, &extras),
        SolveFormat::Csv => render_csv(&report),
        SolveFormat::Html => render_html(&report, &extras),
        SolveFormat::Xlsx => unreachable!("refused above"),
    };
    if let Err(code) = emit(args.output.as_deref(), &text) {
        return code;
    }
    if args.format == SolveFormat::Csv {
        for warning in crate::report::horizon::warnings(&report) {
            eprintln!("capplan: warning: {warning}");
        }
    }
    let code = report.status.exit_code();
    if code != EXIT_OK && (args.output.is_some() || args.format != SolveFormat::Text) {
        eprintln!("capplan: status {}: no optimal plan", report.status.name());
    }
    code
}
