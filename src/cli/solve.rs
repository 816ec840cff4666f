//! `capplan solve`: solve an instance (optionally patched by a scenario, optionally with forced
//! allocations) and print or write the report.

use std::path::PathBuf;

use super::{EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, emit, load, load_with_scenario};
use crate::analysis::force::solve_what_if;
use crate::formulation::force::Force;
use crate::report::{self, Audience, Format, WhatIf};
use crate::solve::Backend;

#[derive(clap::Args, Debug)]
pub struct SolveArgs {
    /// The instance file (TOML).
    pub instance: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// LP backend.
    #[arg(long, value_enum, default_value_t = Backend::Microlp)]
    pub solver: Backend,
    /// Apply this scenario file (TOML, see docs/scenarios.md) to the instance before solving.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Fix one allocation at exactly these hours, e.g. m1/engineering=400 (repeatable); the
    /// report shows what it costs and who gives up hours.
    #[arg(long, value_name = "CUSTOMER/RESOURCE=HOURS")]
    pub force: Vec<String>,
    /// Who the report is for: `partner` shows one customer (--customer) its own hours and
    /// expectations and nothing internal (no values, costs, scores, categories or other customers).
    #[arg(long, value_enum, default_value_t = Audience::Internal)]
    pub audience: Audience,
    /// The customer of the partner view.
    #[arg(long, value_name = "ID")]
    pub customer: Option<String>,
}

pub(super) fn run(args: &SolveArgs) -> i32 {
    let loaded = match &args.scenario {
        Some(scenario) => load_with_scenario(&args.instance, scenario).map(|(instance, applied)| (instance, Some(applied))),
        None => load(&args.instance).map(|instance| (instance, None)),
    };
    let (instance, scenario) = match loaded {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let partner = match (args.audience, &args.customer) {
        (Audience::Partner, Some(id)) => match instance.customer_index(id) {
            Some(customer) => Some(customer),
            None => {
                eprintln!("error: --customer {id:?} is not a customer of {}", args.instance.display());
                return EXIT_INPUT;
            }
        },
        (Audience::Partner, None) => {
            eprintln!("error: the partner view is for one customer: add --customer ID");
            return EXIT_INPUT;
        }
        (Audience::Internal, Some(_)) => {
            eprintln!("error: --customer goes with --audience partner");
            return EXIT_INPUT;
        }
        (Audience::Internal, None) => None,
    };
    let forces = match Force::parse_all(&args.force, &instance) {
        Ok(forces) => forces,
        Err(error) => {
            eprintln!("error: {error}");
            return EXIT_INPUT;
        }
    };
    let solved = match solve_what_if(&instance, &forces, args.solver) {
        Ok(solved) => solved,
        Err(error) => {
            eprintln!("error: internal: {error}");
            return EXIT_INTERNAL;
        }
    };
    let report = &solved.report;
    let text = match partner {
        None => {
            let what_if = WhatIf { scenario: scenario.as_ref(), forces: solved.forces.as_ref(), diagnosis: solved.diagnosis.as_ref() };
            report::render_what_if(&instance, report, &what_if, args.format)
        }
        // The partner view leaves out scenarios, forces and diagnoses: they are internal.
        Some(customer) => report::render_partner(&instance, report, customer, args.format),
    };
    if let Err(code) = emit(args.output.as_deref(), &text) {
        return code;
    }
    let code = report.status.exit_code();
    if code != EXIT_OK && (args.output.is_some() || args.format != Format::Text) {
        // Pipelines reading JSON or CSV still learn the status on stderr.
        let status = serde_json::to_value(report.status).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        eprintln!("capplan: status {status}: no optimal plan");
    }
    code
}
