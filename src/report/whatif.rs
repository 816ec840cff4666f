//! What-if additions to the solve report: which scenario was applied, what forced allocations
//! cost and who gave up hours, and why an infeasible plan has no solution. Each is added to the
//! ordinary report of the format asked for.

use std::fmt::Write;

use super::format::{hours, money};
use super::table::Table;
use super::table::{paragraph, short_id, short_name};
use super::text::TextOptions;
use super::{Format, json};
use crate::analysis::SolveReport;
use crate::analysis::document::Unit;
use crate::analysis::force::{ForceEffect, ForcedAllocation};
use crate::analysis::infeasibility::Diagnosis;
use crate::analysis::{MOVE_THRESHOLD_HOURS, PRICE_THRESHOLD};
use crate::model::AppliedScenario;

/// The what-if context of one solve; every part is optional.
#[derive(Debug, Clone, Copy, Default)]
pub struct WhatIf<'a> {
    /// The scenario applied (`--scenario`).
    pub scenario: Option<&'a AppliedScenario>,
    /// What the forces cost (`--force`).
    pub forces: Option<&'a ForceEffect>,
    /// Why no plan exists, for an infeasible plan.
    pub diagnosis: Option<&'a Diagnosis>,
}

/// The solve report in `format`, with the what-if parts; `options` lay out the text report. CSV
/// is the plan table alone.
pub fn render_what_if(report: &SolveReport, what_if: &WhatIf<'_>, format: Format, options: &TextOptions) -> String {
    match format {
        Format::Text => text(report, what_if, options),
        Format::Json => json::render_with(report, what_if),
        Format::Csv => super::render(report, Format::Csv),
    }
}

fn text(report: &SolveReport, what_if: &WhatIf<'_>, options: &TextOptions) -> String {
    // The scenario goes right under the plan's name, where a reader looks first.
    let mut out = super::text::render_with(report, options, what_if.scenario);
    let currency = report.header.currency();
    let width = options.width;
    if let Some(effect) = what_if.forces {
        forces_section(&mut out, effect, currency, width);
    }
    if let Some(diagnosis) = what_if.diagnosis {
        diagnosis_section(&mut out, diagnosis, currency, width);
    }
    out
}

fn forces_section(out: &mut String, effect: &ForceEffect, currency: &str, width: usize) {
    let _ = writeln!(out, "\nForced allocations (what-if)");
    for force in &effect.forces {
        let text = format!(
            "{} gets exactly {} {} hours (the plan without forces gives {} h).",
            force.customer,
            hours(force.hours),
            force.resource,
            hours(force.unforced_hours)
        );
        paragraph(out, "  - ", &text, width);
    }
    let cost = -effect.objective_change;
    let text = if cost.abs() < PRICE_THRESHOLD {
        format!("The forces cost nothing: the contribution stays at {} {currency}.", money(effect.forced_objective))
    } else {
        format!(
            "The forces cost {} {currency}: the contribution falls from {} to {} {currency}.",
            money(cost),
            money(effect.unforced_objective),
            money(effect.forced_objective)
        )
    };
    paragraph(out, "  - ", &text, width);
    for force in &effect.forces {
        let text = format!(
            "{}/{}: shadow price of {} is {} {currency} per hour; {}",
            force.customer,
            force.resource,
            force.id,
            money(force.shadow_price),
            one_hour_words(force, currency)
        );
        paragraph(out, "  - ", &text, width);
    }
    out.push('\n');
    super::table::hanging(out, "Who gives up hours to make room (forced plan against the plan without forces, biggest moves first)", width);
    let mut table = Table::new(&[
        ("customer", false),
        ("resource", false),
        ("without forces", true),
        ("forced", true),
        ("change", true),
        ("note", false),
    ]);
    for change in effect.moves.iter().filter(|m| m.change_hours.abs() >= MOVE_THRESHOLD_HOURS) {
        table.row(vec![
            short_name(&change.customer),
            short_name(&change.resource),
            hours(change.unforced_hours),
            hours(change.forced_hours),
            signed_hours(change.change_hours),
            if change.forced { "forced".to_string() } else { String::new() },
        ]);
    }
    if table.is_empty() {
        let _ = writeln!(out, "  none: the forces match the plan without them");
    } else {
        table.render_within(out, width);
    }
}

fn diagnosis_section(out: &mut String, diagnosis: &Diagnosis, currency: &str, width: usize) {
    let _ = writeln!(out, "\nWhy no plan exists");
    if let Some(incomplete) = super::diagnosis::incomplete_words(diagnosis) {
        paragraph(out, "  ", &incomplete, width);
    }
    for sentence in super::diagnosis::summary(diagnosis) {
        paragraph(out, "  - ", &sentence, width);
    }
    // A search stopped before it confirmed any member has no table to show; the sentence
    // above says so.
    if !diagnosis.conflict.is_empty() || diagnosis.conflict_complete {
        conflict_table(out, diagnosis, width);
    }
    let _ = writeln!(out, "\nLeast change that makes a plan possible (weighted; see docs/scenarios.md)");
    if !diagnosis.relaxation_complete {
        paragraph(out, "  ", "Not found: --time-limit ran out first.", width);
        return;
    }
    for relaxation in &diagnosis.relaxation {
        let text = format!("{} [{}]", capitalised(&super::diagnosis::action(relaxation)), relaxation.id);
        paragraph(out, "  - ", &text, width);
    }
    match diagnosis.relaxed_objective {
        Some(objective) => {
            let _ = writeln!(out, "  With these changes the best plan is worth {} {currency}.", money(objective));
        }
        None => {
            // No optimal re-solve: unbounded, or not attempted (a force beyond any solver's reach,
            // or value shares the curves cannot meet).
            paragraph(out, "  ", "With these changes a plan exists; its best contribution was not computed.", width);
        }
    }
}

/// The conflicting constraints, whole or as found so far.
fn conflict_table(out: &mut String, diagnosis: &Diagnosis, width: usize) {
    out.push('\n');
    let heading = if diagnosis.conflict_complete {
        "Conflicting constraints (a minimal set: these cannot all hold together; without any one of them, the others can)"
    } else {
        "Conflicting constraints found so far (partial: each belongs to a minimal set that cannot hold together)"
    };
    super::table::hanging(out, heading, width);
    let mut table = Table::new(&[("constraint", false), ("sense", false), ("limit", true), ("meaning", false)]).wrapping(3);
    for member in &diagnosis.conflict {
        let limit = match member.unit {
            Unit::Share => super::format::percent(member.limit),
            Unit::Currency => super::format::money(member.limit),
            _ => format!("{} h", hours(member.limit)),
        };
        table.row(vec![short_id(&member.id), member.sense.symbol().to_string(), limit, super::diagnosis::meaning(member)]);
    }
    table.render_within(out, width);
}

/// The measured one-sided values in planner words: one forced hour more, one less.
fn one_hour_words(force: &ForcedAllocation, currency: &str) -> String {
    let effect = |change: f64| {
        if change.abs() < PRICE_THRESHOLD {
            "changes nothing".to_string()
        } else if change < 0.0 {
            format!("costs {} {currency}", money(-change))
        } else {
            format!("gains {} {currency}", money(change))
        }
    };
    let more = force.one_more_hour.map_or_else(|| "leaves no feasible plan".to_string(), effect);
    match force.one_less_hour {
        Some(less) => format!("forcing one hour more {more}, one hour less {}.", effect(less)),
        None => format!("forcing one hour more {more}."),
    }
}

fn signed_hours(change: f64) -> String {
    format!("{}{}", if change > 0.0 { "+" } else { "" }, hours(change))
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}
