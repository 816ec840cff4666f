//! A budgeting pipeline's use of capplan as a library: read an instance, solve it with the
//! solver `capplan solve` would pick, and print the numbers a budget needs as one JSON object
//! (the plan's contribution, what one more hour of each resource is worth, and the hours per
//! customer and resource, keyed by id).
//!
//! ```sh
//! cargo run --example budget_pipeline -- instances/dsp.toml
//! ```
//!
//! Exit codes as `capplan solve`: 0 optimal, 1 internal error, 2 bad input, 3 infeasible,
//! 4 unbounded, 5 time limit.

use std::collections::BTreeMap;

use serde_json::json;

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| "instances/dsp.toml".to_string());
    match run(&path) {
        Ok(code) => std::process::exit(code),
        Err(error) => {
            // Input problems print one per line, each with file, line, column and field.
            eprintln!("{error}");
            std::process::exit(error.exit_code());
        }
    }
}

fn run(path: &str) -> Result<i32, capplan::Error> {
    let instance = capplan::read_instance(path)?;
    let report = capplan::solve(&instance, capplan::SolverChoice::Auto)?;
    let Some(plan) = &report.plan else {
        println!("{}", json!({ "plan": instance.plan().name(), "status": report.status.name() }));
        return Ok(report.status.exit_code());
    };
    let shadow_prices: BTreeMap<&str, f64> =
        plan.resources.iter().map(|resource| (resource.resource.as_str(), resource.shadow_price)).collect();
    let mut hours: BTreeMap<&str, BTreeMap<&str, f64>> = BTreeMap::new();
    for allocation in &plan.allocations {
        hours.entry(allocation.customer.as_str()).or_default().insert(allocation.resource.as_str(), allocation.hours);
    }
    let binding: Vec<&str> = plan.constraints.iter().filter(|c| c.binding).map(|c| c.id.as_str()).collect();
    let document = json!({
        "plan": instance.plan().name(),
        "period": instance.plan().period(),
        "currency": instance.plan().currency(),
        "status": report.status.name(),
        "solver": report.backend.to_string(),
        "contribution": plan.totals.contribution,
        "shadow_price_per_hour": shadow_prices,
        "binding_constraints": binding,
        "hours": hours,
    });
    println!("{}", serde_json::to_string_pretty(&document).expect("a JSON value serialises"));
    Ok(0)
}
