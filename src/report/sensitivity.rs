//! The text sensitivity report of `solve --sensitivity`: Excel-Solver-like tables for allocations
//! and constraints, then the one-sided values in planner words.

use std::fmt::Write;

use super::format::{hours, money, percent};
use super::table::Table;
use crate::analysis::ranging::{ConstraintRange, OneSided, Sensitivity};

/// Prices closer than this (currency) read as the same in planner words.
const PRICE_THRESHOLD: f64 = 0.005;

/// An amount of a limit in its own unit: hours, or shares as percent.
fn amount(range: &ConstraintRange, value: f64) -> String {
    if range.unit == "hour" { format!("{} h", hours(value)) } else { percent(value) }
}

fn reach(range: &ConstraintRange, over: Option<f64>) -> String {
    over.map_or_else(|| "unlimited".to_string(), |value| amount(range, value))
}

fn side_value(side: &OneSided) -> String {
    side.value.map_or_else(|| "infeasible".to_string(), money)
}

fn unlimited_or_money(value: Option<f64>) -> String {
    value.map_or_else(|| "unlimited".to_string(), money)
}

pub fn render(out: &mut String, sensitivity: &Sensitivity, currency: &str) {
    let _ = writeln!(out, "\nSensitivity report (every range from re-solves of the plan's LP; see docs/sensitivity.md)");

    let _ = writeln!(out, "\nAllocations: value per hour over which the plan stays optimal ({currency} per hour)");
    let mut table = Table::new(&[
        ("customer", false),
        ("resource", false),
        ("final hours", true),
        ("reduced cost", true),
        ("value/hour", true),
        ("allowable increase", true),
        ("allowable decrease", true),
    ]);
    for allocation in &sensitivity.allocations {
        table.row(vec![
            allocation.customer.clone(),
            allocation.resource.clone(),
            hours(allocation.hours),
            money(allocation.reduced_cost),
            money(allocation.marginal_value),
            unlimited_or_money(allocation.allowable_increase),
            unlimited_or_money(allocation.allowable_decrease),
        ]);
    }
    table.render(out);

    let _ = writeln!(out, "\nConstraints: limit over which the shadow price holds ({currency} per hour or per percentage point)");
    let mut table = Table::new(&[
        ("constraint", false),
        ("final value", true),
        ("shadow price", true),
        ("limit", true),
        ("allowable increase", true),
        ("allowable decrease", true),
        ("1 unit more", true),
        ("1 unit less", true),
    ]);
    for range in &sensitivity.constraints {
        let ranged = |text: String| if range.ranged { text } else { "n/a".to_string() };
        table.row(vec![
            format!("{} {}", range.id, range.sense.symbol()),
            amount(range, range.actual),
            money(range.shadow_price),
            amount(range, range.limit),
            ranged(reach(range, range.allowable_increase)),
            ranged(reach(range, range.allowable_decrease)),
            ranged(side_value(&range.next_unit)),
            ranged(side_value(&range.last_unit)),
        ]);
    }
    table.render(out);
    let unranged: Vec<&str> = sensitivity.constraints.iter().filter(|range| !range.ranged).map(|range| range.id.as_str()).collect();
    if !unranged.is_empty() {
        let _ = writeln!(
            out,
            "  n/a: {}: {}.",
            unranged.join(", "),
            sensitivity.constraints.iter().find_map(|range| range.note).unwrap_or("no range")
        );
    }

    let _ = writeln!(out, "\nWhat one unit more or less is worth");
    let mut any = false;
    for range in sensitivity.constraints.iter().filter(|range| range.ranged) {
        let next = range.next_unit.value.unwrap_or(0.0);
        let last = range.last_unit.value.unwrap_or(0.0);
        let matters = range.kink || next.abs() >= PRICE_THRESHOLD || last.abs() >= PRICE_THRESHOLD;
        if matters {
            any = true;
            let _ = writeln!(out, "  - {}", words(range, currency));
        }
    }
    if !any {
        let _ = writeln!(out, "  no limit changes the objective in either direction");
    }
}

/// "one more engineering hour" / "raising floor[m1/service] by one hour".
fn one_more(range: &ConstraintRange) -> String {
    let unit = if range.unit == "hour" { "hour" } else { "percentage point" };
    match range.id.strip_prefix("capacity[").and_then(|rest| rest.strip_suffix(']')) {
        Some(resource) => format!("one more {resource} hour"),
        None => format!("one more {unit} of {}", range.id),
    }
}

fn one_less(range: &ConstraintRange) -> String {
    let unit = if range.unit == "hour" { "hour" } else { "percentage point" };
    match range.id.strip_prefix("capacity[").and_then(|rest| rest.strip_suffix(']')) {
        Some(resource) => format!("the last {resource} hour"),
        None => format!("the last {unit} of {}", range.id),
    }
}

fn plural(range: &ConstraintRange) -> &'static str {
    if range.unit == "hour" { "hours" } else { "percentage points" }
}

fn extent(range: &ConstraintRange, over: Option<f64>, direction: &str) -> String {
    match over {
        None => format!("for any amount {direction}"),
        Some(value) => {
            let amount = if range.unit == "hour" { hours(value) } else { hours(value * 100.0) };
            format!("up to {amount} {direction} {}", plural(range))
        }
    }
}

fn words(range: &ConstraintRange, currency: &str) -> String {
    let next = match range.next_unit.value {
        None => format!("{} is impossible: no plan meets every limit beyond {}", one_more(range), amount(range, range.limit)),
        Some(value) => format!("{} is worth {} {currency}, {}", one_more(range), money(value), extent(range, range.next_unit.over, "more")),
    };
    let last = match range.last_unit.value {
        None => format!("{} cannot go: no plan meets every limit below {}", one_less(range), amount(range, range.limit)),
        Some(value) => {
            format!("{} was worth {} {currency}, {}", one_less(range), money(value), extent(range, range.last_unit.over, "less"))
        }
    };
    if !range.kink {
        return format!("{next}; {}", extent_less_words(range));
    }
    let why = match (range.next_unit.value, range.last_unit.value) {
        (None, _) | (_, None) => "the limit sits exactly where the plan stops being possible".to_string(),
        (Some(next_value), Some(last_value)) if next_value.abs() < last_value.abs() => format!(
            "the plan sits exactly at a point where {} stops being what holds it back: beyond it another limit or \
             saturation takes over, below it every unit lost comes out of work that pays",
            range.id
        ),
        _ => format!(
            "the plan sits exactly at a point where {} starts to bite harder: beyond it the plan has to give up \
             more for each unit than it gains below it",
            range.id
        ),
    };
    format!("{next}; {last}: {why}. The reported shadow price {} is only one side of it.", money(range.shadow_price))
}

/// The decrease side in words when both sides agree.
fn extent_less_words(range: &ConstraintRange) -> String {
    format!("and the same per unit {}", extent(range, range.last_unit.over, "less"))
}
