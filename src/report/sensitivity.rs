//! The text sensitivity report of `solve --sensitivity`: Excel-Solver-like tables for allocations
//! and constraints, then the one-sided values in planner words.

use std::fmt::Write;

use super::format::{hours, money, percent};
use super::table::{Table, paragraph, short_id, short_name};
use crate::analysis::document::LimitKind;
use crate::analysis::ranging::{ConstraintRange, OneSided, Sensitivity};

/// Prices closer than this (currency) read as the same in planner words.
const PRICE_THRESHOLD: f64 = 0.005;

/// An amount of a limit in its own unit: hours, or shares as percent.
fn amount(range: &ConstraintRange, value: f64) -> String {
    if range.unit.is_hours() { format!("{} h", hours(value)) } else { percent(value) }
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

pub fn render(out: &mut String, sensitivity: &Sensitivity, objective: f64, currency: &str, width: usize) {
    let _ = writeln!(out, "\nSensitivity report (ranges from the optimal basis or from re-solves; see docs/sensitivity.md)");

    let _ = writeln!(out, "\nAllocations: value per hour over which the plan stays optimal ({currency} per hour)");
    let mut table = Table::new(&[
        ("customer", false),
        ("resource", false),
        ("final hours", true),
        ("reduced cost", true),
        ("value/hour", true),
        ("allowable increase", true),
        ("allowable decrease", true),
    ])
    .keys(2);
    for allocation in &sensitivity.allocations {
        table.row(vec![
            short_name(&allocation.customer),
            short_name(&allocation.resource),
            hours(allocation.hours),
            money(allocation.reduced_cost),
            money(allocation.marginal_value),
            unlimited_or_money(allocation.allowable_increase),
            unlimited_or_money(allocation.allowable_decrease),
        ]);
    }
    table.render_within(out, width);

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
            format!("{} {}", short_id(&range.id), range.sense.symbol()),
            amount(range, range.actual),
            money(range.shadow_price),
            amount(range, range.limit),
            ranged(reach(range, range.allowable_increase)),
            ranged(reach(range, range.allowable_decrease)),
            ranged(side_value(&range.next_unit)),
            ranged(side_value(&range.last_unit)),
        ]);
    }
    table.render_within(out, width);
    let unranged: Vec<&str> = sensitivity.constraints.iter().filter(|range| !range.ranged).map(|range| range.id.as_str()).collect();
    if !unranged.is_empty() {
        let text = format!(
            "n/a: {}: {}.",
            unranged.join(", "),
            sensitivity.constraints.iter().find_map(|range| range.note).map_or("no range", super::words::unranged)
        );
        paragraph(out, "  ", &text, width);
    }

    limits_table(out, sensitivity, objective, currency, width);

    let _ = writeln!(out, "\nWhat one unit more or less is worth");
    let mut any = false;
    for range in sensitivity.constraints.iter().filter(|range| range.ranged) {
        let next = range.next_unit.value.unwrap_or(0.0);
        let last = range.last_unit.value.unwrap_or(0.0);
        let matters = range.kink || next.abs() >= PRICE_THRESHOLD || last.abs() >= PRICE_THRESHOLD;
        if matters {
            any = true;
            paragraph(out, "  - ", &words(range, currency), width);
        }
    }
    if !any {
        let _ = writeln!(out, "  no limit changes the objective in either direction");
    }
}

/// The Limits report, as Excel Solver's: each allocation moved alone with the rest of the plan
/// held, its fewest and most hours, and what the objective becomes there (as a change against
/// the plan's, which is what a planner compares; the workbook and JSON give it whole).
fn limits_table(out: &mut String, sensitivity: &Sensitivity, objective: f64, currency: &str, width: usize) {
    let heading = format!(
        "Limits: each allocation moved alone, the rest of the plan held; objective change against the plan's {} \
         {currency} (docs/sensitivity.md)",
        money(objective)
    );
    out.push('\n');
    paragraph(out, "", &heading, width);
    let mut table = Table::new(&[
        ("customer", false),
        ("resource", false),
        ("hours", true),
        ("lower", true),
        ("change", true),
        ("upper", true),
        ("change", true),
        ("set by (lower; upper)", false),
    ])
    .keys(2)
    .wrapping(7);
    let set_by =
        |ids: &[String]| if ids.is_empty() { "0 h".to_string() } else { ids.iter().map(|id| short_id(id)).collect::<Vec<_>>().join(", ") };
    for limits in &sensitivity.limits {
        let (upper, upper_change, upper_set_by) = match &limits.upper {
            Some(upper) => (hours(upper.hours), money(upper.objective - objective), set_by(&upper.set_by)),
            None => ("unlimited".to_string(), "-".to_string(), "nothing".to_string()),
        };
        table.row(vec![
            short_name(&limits.customer),
            short_name(&limits.resource),
            hours(limits.hours),
            hours(limits.lower.hours),
            money(limits.lower.objective - objective),
            upper,
            upper_change,
            format!("{}; {upper_set_by}", set_by(&limits.lower.set_by)),
        ]);
    }
    table.render_within(out, width);
    paragraph(out, "  ", "Set by 0 h: the hours cannot go below zero. Hours in h, changes in the plan's currency.", width);
}

/// "one more engineering hour" / "raising floor[m1/service] by one hour".
fn one_more(range: &ConstraintRange) -> String {
    let unit = if range.unit.is_hours() { "hour" } else { "percentage point" };
    match &range.about {
        LimitKind::Capacity { resource } => format!("one more {resource} hour"),
        _ => format!("one more {unit} of {}", range.id),
    }
}

fn one_less(range: &ConstraintRange) -> String {
    let unit = if range.unit.is_hours() { "hour" } else { "percentage point" };
    match &range.about {
        LimitKind::Capacity { resource } => format!("the last {resource} hour"),
        _ => format!("the last {unit} of {}", range.id),
    }
}

fn plural(range: &ConstraintRange) -> &'static str {
    if range.unit.is_hours() { "hours" } else { "percentage points" }
}

/// "for up to 10.0 more hours" / "for up to 30.0 hours less" / "however far it rises".
fn extent(range: &ConstraintRange, over: Option<f64>, upwards: bool) -> String {
    match over {
        None if upwards => "however far it rises".to_string(),
        None => "however far it falls".to_string(),
        Some(value) => {
            let amount = if range.unit.is_hours() { hours(value) } else { hours(value * 100.0) };
            if upwards {
                format!("for up to {amount} more {}", plural(range))
            } else {
                format!("for up to {amount} {} less", plural(range))
            }
        }
    }
}

/// "is worth 45.00 EUR" / "costs 5.00 EUR".
fn worth(value: f64, currency: &str, past: bool) -> String {
    match (value < -PRICE_THRESHOLD, past) {
        (false, false) => format!("is worth {} {currency}", money(value)),
        (false, true) => format!("was worth {} {currency}", money(value)),
        (true, false) => format!("costs {} {currency}", money(-value)),
        (true, true) => format!("cost {} {currency}", money(-value)),
    }
}

fn words(range: &ConstraintRange, currency: &str) -> String {
    let next = match range.next_unit.value {
        None => format!("{} is impossible: no plan meets every limit beyond {}", one_more(range), amount(range, range.limit)),
        Some(value) => format!("{} {}, {}", one_more(range), worth(value, currency, false), extent(range, range.next_unit.over, true)),
    };
    if !range.kink {
        return format!("{next}; the same holds per unit {}.", extent(range, range.last_unit.over, false).trim_start_matches("for "));
    }
    let last = match range.last_unit.value {
        None => format!("{} cannot go: no plan meets every limit below {}", one_less(range), amount(range, range.limit)),
        Some(value) => format!("{} {}, {}", one_less(range), worth(value, currency, true), extent(range, range.last_unit.over, false)),
    };
    let why = match (range.next_unit.value, range.last_unit.value) {
        (None, _) | (_, None) => "the limit sits exactly where the plan stops being possible".to_string(),
        (Some(next_value), Some(last_value)) if next_value < last_value => format!(
            "the plan sits exactly at a point where {} changes what it holds back: above it the extra units go to \
             less valuable work (or another limit binds), below it every unit lost comes out of work that pays more",
            range.id
        ),
        _ => format!("the plan sits exactly at a point where {} starts to bite harder", range.id),
    };
    format!("{next}; {last}: {why}. The reported shadow price {} is only one side of it.", money(range.shadow_price))
}
