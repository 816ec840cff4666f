//! The comparison report of `capplan compare`: plans side by side as text, JSON or CSV.

use std::fmt::Write;

use serde::Serialize;

use super::format::{hours, money, percent};
use super::table::Table;
use super::{Format, json};
use crate::analysis::MOVE_THRESHOLD_HOURS;
use crate::analysis::Status;
use crate::analysis::compare::{ComparedPlan, Comparison};
use crate::solve::Backend;

/// Renders a comparison; its header (the unpatched instance's) names the report.
pub fn render_comparison(comparison: &Comparison, format: Format) -> String {
    match format {
        Format::Text => text(comparison, comparison.backend),
        Format::Json => json_document(comparison, comparison.backend),
        Format::Csv => csv(comparison),
    }
}

/// The status in words: its JSON name, `time_limit` read as "time limit".
/// The width of the text comparison.
const WIDTH: usize = super::text::DEFAULT_WIDTH;

fn status_word(status: Status) -> String {
    status.name().replace('_', " ")
}

fn text(comparison: &Comparison, backend: Backend) -> String {
    let mut out = String::new();
    let header = &comparison.header.plan;
    let currency = header.currency.as_str();
    let _ = writeln!(out, "capplan compare: {} ({}, {currency})", header.name, header.period);
    let _ = writeln!(out, "Solver: {backend}");
    let _ = writeln!(out, "Plans: base (the instance as written) and {} scenario(s)", comparison.plans.len() - 1);
    for plan in &comparison.plans[1..] {
        if let Some(scenario) = &plan.scenario {
            let description = scenario.description.as_deref().map(|d| format!(": {}", d.trim())).unwrap_or_default();
            super::table::paragraph(&mut out, "  - ", &format!("{} ({}){description}", scenario.name, scenario.file), WIDTH);
        }
    }
    for plan in comparison.plans.iter().filter(|plan| !plan.cut_short.is_empty()) {
        let missing: Vec<&str> = plan.cut_short.iter().map(|&analysis| super::words::cut_short(analysis)).collect();
        let text = format!("{}: --time-limit ran out before {}: {}.", plan.label, "every analysis finished", missing.join("; "));
        super::table::paragraph(&mut out, "Cut short: ", &text, WIDTH);
    }

    let labels: Vec<&str> = comparison.plans.iter().map(|plan| plan.label.as_str()).collect();
    let columns = |first: &'static str| -> Vec<(&str, bool)> {
        let mut columns: Vec<(&str, bool)> = vec![(first, false)];
        columns.extend(labels.iter().map(|label| (*label, true)));
        columns
    };
    let optional_money = |value: Option<f64>| value.map_or_else(|| "-".to_string(), money);

    let _ = writeln!(out, "\nTotals ({currency})");
    let mut table = Table::new(&columns("measure"));
    let row = |name: &str, cell: &dyn Fn(&ComparedPlan) -> String| {
        let mut cells = vec![name.to_string()];
        cells.extend(comparison.plans.iter().map(cell));
        cells
    };
    table.row(row("status", &|plan| status_word(plan.status)));
    table.row(row("contribution", &|plan| optional_money(plan.objective)));
    let base_objective = comparison.plans[0].objective;
    table.row(row("change vs base", &|plan| match (plan.objective, base_objective) {
        (Some(objective), Some(base)) => signed(money(objective - base), objective - base),
        _ => "-".to_string(),
    }));
    table.row(row("value", &|plan| optional_money(plan.value)));
    table.row(row("hour costs", &|plan| optional_money(plan.hour_cost)));
    table.row(row("expansion costs", &|plan| optional_money(plan.expansion_cost)));
    table.row(row("expectation penalties", &|plan| optional_money(plan.penalty_cost)));
    table.render_within(&mut out, WIDTH);

    let resource_ids: Vec<&str> = comparison.header.resource_ids.iter().map(String::as_str).collect();
    let resource_cell = |plan: &ComparedPlan, id: &str, cell: &dyn Fn(&crate::analysis::compare::ComparedResource) -> String| {
        plan.resources.iter().find(|r| r.resource == id).map_or_else(|| "-".to_string(), cell)
    };
    let _ = writeln!(out, "\nUtilisation (allocated of available hours)");
    let mut table = Table::new(&columns("resource"));
    for id in &resource_ids {
        table.row(row(id, &|plan| resource_cell(plan, id, &|r| format!("{} of {}", percent(r.utilisation), hours(r.available_hours)))));
    }
    table.render_within(&mut out, WIDTH);
    let _ = writeln!(out, "\nOne more hour is worth ({currency}, shadow price of the capacity)");
    let mut table = Table::new(&columns("resource"));
    for id in &resource_ids {
        table.row(row(id, &|plan| resource_cell(plan, id, &|r| money(r.shadow_price))));
    }
    table.render_within(&mut out, WIDTH);

    let mut expectations: Vec<(String, String)> = Vec::new();
    for plan in &comparison.plans {
        for gap in &plan.expectations {
            let key = (gap.customer.clone(), gap.resource.clone());
            if !expectations.contains(&key) {
                expectations.push(key);
            }
        }
    }
    if !expectations.is_empty() {
        let _ = writeln!(out, "\nExpectation gaps (hours short of what the customer expects; planned / expected)");
        let mut table = Table::new(&columns("customer/resource"));
        for (customer, resource) in &expectations {
            table.row(row(&format!("{customer}/{resource}"), &|plan| {
                plan.expectations.iter().find(|gap| &gap.customer == customer && &gap.resource == resource).map_or_else(
                    || "-".to_string(),
                    |gap| format!("{} ({} / {})", hours(gap.shortfall_hours), hours(gap.planned_hours), hours(gap.expected_hours)),
                )
            }));
        }
        table.render_within(&mut out, WIDTH);
    }

    for plan in comparison.plans.iter().filter(|plan| plan.diagnosis.is_some()) {
        let diagnosis = plan.diagnosis.as_ref().expect("filtered");
        let _ = writeln!(out, "\nWhy {} has no plan (details: capplan solve with this scenario)", plan.label);
        if let Some(incomplete) = super::diagnosis::incomplete_words(diagnosis) {
            super::table::paragraph(&mut out, "  ", &incomplete, WIDTH);
        }
        for sentence in super::diagnosis::summary(diagnosis) {
            super::table::paragraph(&mut out, "  - ", &sentence, WIDTH);
        }
        for relaxation in &diagnosis.relaxation {
            let text = format!("Least repair: {}.", super::diagnosis::action(relaxation));
            super::table::paragraph(&mut out, "  - ", &text, WIDTH);
        }
    }

    for changes in &comparison.changes {
        let _ = writeln!(out, "\nHour changes: {} against base (biggest moves first)", changes.label);
        if !changes.comparable {
            let _ = writeln!(out, "  none to show: the base or the scenario has no optimal plan");
            continue;
        }
        let mut table = Table::new(&[
            ("customer", false),
            ("resource", false),
            ("base", true),
            (changes.label.as_str(), true),
            ("change", true),
            ("customer is", false),
        ]);
        for change in changes.moves.iter().filter(|m| m.change_hours.abs() >= MOVE_THRESHOLD_HOURS) {
            table.row(vec![
                change.customer.clone(),
                change.resource.clone(),
                hours(change.base_hours),
                hours(change.scenario_hours),
                signed(hours(change.change_hours), change.change_hours),
                change.customer_status.to_string(),
            ]);
        }
        if table.is_empty() {
            let _ = writeln!(out, "  none: the scenario keeps the base plan's hours");
        } else {
            table.render_within(&mut out, WIDTH);
        }
    }
    out
}

fn signed(text: String, value: f64) -> String {
    if value > 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') { format!("+{text}") } else { text }
}

/// The document of `capplan compare --format json` (docs/scenarios.md, "Comparing scenarios").
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "CompareReport")]
pub(super) struct JsonComparison<'a> {
    /// The layout version of this document (docs/json-output.md, "Versioning").
    #[schemars(schema_with = "super::schema::version")]
    schema_version: u32,
    /// The version of capplan that wrote the document.
    capplan_version: &'static str,
    /// The base instance's `[plan]` header.
    plan: JsonHeader<'a>,
    /// The backend that solved every plan.
    solver: &'static str,
    /// The base instance's resource ids, in instance order.
    resource_ids: Vec<&'a str>,
    /// The plans side by side, and each scenario's hour changes against the base.
    comparison: &'a Comparison,
}

/// The `[plan]` header of the base instance.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "CompareHeader")]
struct JsonHeader<'a> {
    /// `plan.name` from the instance.
    name: &'a str,
    /// `plan.period` from the instance.
    period: &'a str,
    /// `plan.currency`: the currency of every money amount in the document.
    currency: &'a str,
}

fn json_document(comparison: &Comparison, backend: Backend) -> String {
    let header = &comparison.header;
    let document = JsonComparison {
        schema_version: super::JSON_SCHEMA_VERSION,
        capplan_version: env!("CARGO_PKG_VERSION"),
        plan: JsonHeader { name: header.plan.name(), period: header.plan.period(), currency: header.plan.currency() },
        solver: backend.name(),
        resource_ids: header.resource_ids.iter().map(String::as_str).collect(),
        comparison,
    };
    let value = serde_json::to_value(&document).expect("comparison types serialise to JSON");
    json::pretty(value)
}

pub const CSV_HEADER: &str = "plan,status,measure,customer,resource,value,base_value,change";

/// Long format: one row per plan and measure; `base_value` and `change` compare with the base.
fn csv(comparison: &Comparison) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push('\n');
    let base = &comparison.plans[0];
    let mut line = |plan: &ComparedPlan, measure: &str, customer: &str, resource: &str, value: Option<f64>, base_value: Option<f64>| {
        let change = value.zip(base_value).map(|(value, base_value)| value - base_value);
        let _ = writeln!(
            out,
            "{},{},{measure},{},{},{},{},{}",
            super::csv::field(&plan.label),
            status_word(plan.status),
            super::csv::field(customer),
            super::csv::field(resource),
            optional_number(value),
            optional_number(base_value),
            optional_number(change)
        );
    };
    for plan in &comparison.plans {
        line(plan, "contribution", "", "", plan.objective, base.objective);
        line(plan, "value", "", "", plan.value, base.value);
        line(plan, "hour_cost", "", "", plan.hour_cost, base.hour_cost);
        line(plan, "expansion_cost", "", "", plan.expansion_cost, base.expansion_cost);
        line(plan, "penalty_cost", "", "", plan.penalty_cost, base.penalty_cost);
        for resource in &plan.resources {
            let in_base = base.resources.iter().find(|r| r.resource == resource.resource);
            line(plan, "utilisation", "", &resource.resource, Some(resource.utilisation), in_base.map(|r| r.utilisation));
            line(plan, "shadow_price", "", &resource.resource, Some(resource.shadow_price), in_base.map(|r| r.shadow_price));
        }
        for gap in &plan.expectations {
            let in_base = base.expectations.iter().find(|g| g.customer == gap.customer && g.resource == gap.resource);
            line(plan, "shortfall_hours", &gap.customer, &gap.resource, Some(gap.shortfall_hours), in_base.map(|g| g.shortfall_hours));
        }
    }
    for (plan, changes) in comparison.plans[1..].iter().zip(&comparison.changes) {
        for change in &changes.moves {
            line(plan, "hours", &change.customer, &change.resource, Some(change.scenario_hours), Some(change.base_hours));
        }
    }
    out
}

fn optional_number(value: Option<f64>) -> String {
    value.map_or_else(String::new, super::csv::number)
}
