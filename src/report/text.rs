//! The text report: what a planner reads. An opening screen with the answers (status,
//! contribution, what an hour is worth and for how long, the biggest moves, the costliest limits
//! and promises, the largest expectation gaps), then the details grouped by subject, every line
//! within the width asked for (100 columns, or the terminal's).

use std::fmt::Write;

use super::format::{hours, money, percent};
use super::table::{Table, hanging, paragraph, short_id, short_name};
use crate::analysis::document::{Family, LimitKind, ShareOf};
use crate::analysis::{ConstraintResult, Plan, PortfolioResult, SolveReport, Status};
pub(super) use crate::analysis::{MOVE_THRESHOLD_HOURS, PRICE_THRESHOLD};
use crate::formulation::Sense;
use crate::model::{AppliedScenario, ExpectationKind};

/// The width of text reports when standard output is not a terminal.
pub const DEFAULT_WIDTH: usize = 100;

/// How much of the report to print (`--detail`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    /// The opening screen only: status, contribution, what an hour is worth, the biggest moves,
    /// the costliest limits and the largest expectation gaps.
    Summary,
    /// The opening screen, then every table grouped by subject.
    #[default]
    Full,
}

/// How the text report is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextOptions {
    /// Every line is at most this many characters.
    pub width: usize,
    /// How much of the text report to print: the opening screen alone, or everything.
    pub detail: Detail,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions { width: DEFAULT_WIDTH, detail: Detail::Full }
    }
}

/// Rows in each list of the opening screen.
const SUMMARY_ROWS: usize = 3;

pub fn render(report: &SolveReport) -> String {
    render_with(report, &TextOptions::default(), None)
}

/// The text report; `scenario` is named right under the plan's name when a scenario was applied.
pub fn render_with(report: &SolveReport, options: &TextOptions, scenario: Option<&AppliedScenario>) -> String {
    let width = options.width;
    let mut out = String::new();
    let plan_header = &report.header.plan;
    hanging(&mut out, &format!("capplan: {} ({}, {})", plan_header.name, plan_header.period, plan_header.currency), width);
    if let Some(scenario) = scenario {
        hanging(&mut out, &format!("Scenario: {} ({})", scenario.name, scenario.file), width);
        if let Some(description) = &scenario.description {
            paragraph(&mut out, "  ", description.trim(), width);
        }
    }
    // Reasons to doubt the numbers come before any of them.
    for warning in super::warnings(report) {
        paragraph(&mut out, "Warning: ", &warning, width);
    }
    if let Some(sentence) = super::cut_short_sentence(report) {
        paragraph(&mut out, "Cut short: ", &sentence, width);
    }
    let status_text = match report.status {
        Status::Optimal => None,
        Status::TimeLimit => Some((
            "Status: time limit. No plan is reported.",
            "The solver stopped before a plan was proven optimal. Allow more time with --time-limit, or let --solver \
             auto pick the fastest backend for this instance.",
        )),
        Status::Infeasible => Some((
            "Status: infeasible. No plan meets all constraints.",
            "Check that floors, hard expectations and segment minimums of each resource fit within its capacity, and \
             that no floor or expectation exceeds a cap or share cap.",
        )),
        Status::Unbounded => Some((
            "Status: unbounded. The value can grow without limit.",
            "An expansion option without max_hours feeds a response without saturation (value_per_hour without \
             max_hours) that returns more than the expansion costs. Give the option a max_hours or the response a \
             max_hours.",
        )),
    };
    let solver_line = format!("Solver: {}", report.backend);
    let reason_line = format!("Why this solver: {}", report.solver_reason);
    if let Some((headline, hint)) = status_text {
        hanging(&mut out, headline, width);
        hanging(&mut out, hint, width);
        hanging(&mut out, &solver_line, width);
        hanging(&mut out, &reason_line, width);
        return out;
    }
    let Some(plan) = &report.plan else {
        return out;
    };
    let currency = plan_header.currency.as_str();
    summary_section(&mut out, plan, currency, width);
    hanging(&mut out, &solver_line, width);
    hanging(&mut out, &reason_line, width);
    if options.detail == Detail::Summary {
        hanging(&mut out, "(summary only; --detail full prints every table)", width);
        return out;
    }

    let _ = writeln!(out, "\n== Resources ==");
    resources_section(&mut out, plan, currency, width);
    let _ = writeln!(out, "\n== Plan ==");
    plan_section(&mut out, plan, currency, width);
    if !plan.segments.is_empty() {
        segments_section(&mut out, plan, width);
    }
    changes_section(&mut out, plan, width);
    if let Some(portfolio) = &plan.portfolio {
        let _ = writeln!(out, "\n== Portfolio ==");
        portfolio_section(&mut out, portfolio, currency, width);
    }
    let _ = writeln!(out, "\n== Limits and what they are worth ==");
    binding_section(&mut out, plan, width);
    slack_section(&mut out, plan, width);
    words_section(&mut out, plan, currency, width);
    expectations_section(&mut out, plan, width);
    reduced_costs_section(&mut out, plan, currency, width);
    if let Some(sensitivity) = &plan.sensitivity {
        let _ = writeln!(out, "\n== Sensitivity ==");
        super::sensitivity::render(&mut out, sensitivity, plan.objective, currency, width);
    }
    out
}

/// The opening screen: the answers a planner looks for first.
fn summary_section(out: &mut String, plan: &Plan, currency: &str, width: usize) {
    let _ = writeln!(out, "Status: optimal. Contribution {} {currency}", money(plan.totals.contribution));
    paragraph(
        out,
        "  = ",
        &format!(
            "value {} - hour costs {} - expansion {} - expectation penalties {}",
            money(plan.totals.value),
            money(plan.totals.hour_cost),
            money(plan.totals.expansion_cost),
            money(plan.totals.penalty_cost)
        ),
        width,
    );
    if plan.totals.priority_adjustment.abs() >= PRICE_THRESHOLD {
        paragraph(
            out,
            "  ",
            &format!(
                "The plan optimises {} {currency}: the contribution plus {} of priority weighting (category weights \
                 scale the value).",
                money(plan.objective),
                money(plan.totals.priority_adjustment)
            ),
            width,
        );
    }

    let _ = writeln!(out, "\nWhat one more hour is worth ({currency} per hour)");
    let mut table = Table::new(&[
        ("resource", false),
        ("used", true),
        ("available", true),
        ("use", true),
        ("1 more hour", true),
        ("price holds for", false),
    ]);
    for resource in &plan.resources {
        let holds = plan.capacity_range(&resource.resource).map_or_else(
            || "run --sensitivity".to_string(),
            |range| match (range.allowable_increase, range.allowable_decrease) {
                _ if !range.ranged => "n/a".to_string(),
                (up, down) => format!(
                    "{} / {}",
                    up.map_or_else(|| "any rise".to_string(), |value| format!("+{} h", hours(value))),
                    down.map_or_else(|| "any fall".to_string(), |value| format!("-{} h", hours(value)))
                ),
            },
        );
        table.row(vec![
            short_name(&resource.resource),
            hours(resource.allocated_hours),
            hours(resource.available_hours),
            percent(resource.utilisation),
            money(resource.shadow_price),
            holds,
        ]);
    }
    table.render_within(out, width);

    let moves = plan.biggest_moves();
    if moves.len() == 0 {
        let _ = writeln!(out, "\nBiggest moves: none, the plan keeps the current hours");
    } else {
        let _ = writeln!(out, "\nBiggest moves against the current plan ({} of {} moves)", moves.len().min(SUMMARY_ROWS), moves.len());
        moves_table(out, moves.take(SUMMARY_ROWS), width);
    }

    let costly = plan.costliest_limits();
    if costly.len() == 0 && plan.costly_policies().len() == 0 {
        let _ = writeln!(out, "\nLimits and promises that cost: none holds the plan back");
    } else {
        let _ = writeln!(out, "\nLimits and promises that cost most ({currency}; total from an exact re-solve)");
        let mut table = Table::new(&[("limit", false), ("per hour", true), ("total", true), ("reading", false)]).wrapping(3);
        for constraint in costly.take(SUMMARY_ROWS) {
            let (total, reading) = match constraint.exact_cost {
                Some(cost) if constraint.family == Family::Expectation && constraint.falls_short() => {
                    (money(cost), "meeting it in full would cost the total".to_string())
                }
                Some(cost) => (money(cost), "dropping it would gain the total".to_string()),
                None => ("-".to_string(), format!("per {} at the margin only", constraint.unit)),
            };
            table.row(vec![short_id(&constraint.id), money(constraint.shadow_price), total, reading]);
        }
        for category in plan.costly_policies() {
            table.row(vec![
                format!("{} policy", short_name(&category.category)),
                money(category.shadow_price_sum),
                money(category.policy_cost.unwrap_or(0.0)),
                format!("dropping its {} would gain the total", plural(category.policy_constraints.len(), "limit")),
            ]);
        }
        table.render_within(out, width);
    }

    let gaps = plan.largest_gaps();
    if plan.expectations.is_empty() {
    } else if gaps.len() == 0 {
        let _ = writeln!(out, "\nExpectation gaps: none, every expectation is met");
    } else {
        let _ = writeln!(out, "\nLargest expectation gaps ({} of {} short)", gaps.len().min(SUMMARY_ROWS), gaps.len());
        let mut table = Table::new(&[
            ("customer", false),
            ("resource", false),
            ("kind", false),
            ("expected", true),
            ("planned", true),
            ("short", true),
            ("penalty", true),
        ]);
        for gap in gaps.take(SUMMARY_ROWS) {
            table.row(vec![
                short_name(&gap.customer),
                short_name(&gap.resource),
                kind_word(gap.kind).to_string(),
                hours(gap.expected_hours),
                hours(gap.planned_hours),
                hours(gap.shortfall_hours),
                money(gap.penalty_cost),
            ]);
        }
        table.render_within(out, width);
    }
    let _ = writeln!(out);
}

fn kind_word(kind: ExpectationKind) -> &'static str {
    match kind {
        ExpectationKind::Hard => "hard",
        ExpectationKind::Soft => "soft",
    }
}

fn signed_hours(change: f64) -> String {
    format!("{}{}", if change > 0.0 { "+" } else { "" }, hours(change))
}

fn resources_section(out: &mut String, plan: &Plan, currency: &str, width: usize) {
    let _ = writeln!(out, "\nResources (hours)");
    let mut table = Table::new(&[
        ("resource", false),
        ("capacity", true),
        ("expansion", true),
        ("available", true),
        ("allocated", true),
        ("current", true),
        ("utilisation", true),
        (&format!("1 more hour ({currency})"), true),
    ]);
    for resource in &plan.resources {
        table.row(vec![
            short_name(&resource.resource),
            hours(resource.capacity_hours),
            hours(resource.expansion_hours),
            hours(resource.available_hours),
            hours(resource.allocated_hours),
            hours(resource.current_hours),
            percent(resource.utilisation),
            money(resource.shadow_price),
        ]);
    }
    table.render_within(out, width);
    let bought: Vec<_> = plan.expansions.iter().filter(|e| e.hours > MOVE_THRESHOLD_HOURS).collect();
    if !bought.is_empty() {
        let _ = writeln!(out, "\nExpansion bought");
        let mut table = Table::new(&[
            ("resource", false),
            ("option", false),
            ("hours", true),
            ("max hours", true),
            ("cost/hour", true),
            ("cost", true),
        ]);
        for expansion in bought {
            table.row(vec![
                short_name(&expansion.resource),
                short_name(&expansion.option),
                hours(expansion.hours),
                expansion.max_hours.map_or("unlimited".to_string(), hours),
                money(expansion.cost_per_hour),
                money(expansion.cost),
            ]);
        }
        table.render_within(out, width);
    }
}

fn plan_section(out: &mut String, plan: &Plan, currency: &str, width: usize) {
    let _ = writeln!(out, "\nHours per customer and resource");
    let mut columns: Vec<(&str, bool)> = vec![("customer", false)];
    if !plan.segments.is_empty() {
        columns.push(("segment", false));
    }
    let with_portfolio = plan.portfolio.is_some();
    if with_portfolio {
        columns.extend([("category", false), ("outcome", false)]);
    }
    let resource_names: Vec<String> = plan.resources.iter().map(|resource| short_name(&resource.resource)).collect();
    for name in &resource_names {
        columns.push((name.as_str(), true));
    }
    let mut table = Table::new(&columns);
    for customer in &plan.customers {
        let mut row = vec![short_name(&customer.customer)];
        if !plan.segments.is_empty() {
            row.push(short_name(customer.segment.as_deref().unwrap_or_default()));
        }
        if with_portfolio {
            row.extend([short_name(customer.category.as_deref().unwrap_or_default()), customer.outcome.label().to_string()]);
        }
        row.extend(customer.hours.iter().map(|&h| hours(h)));
        table.row(row);
    }
    let mut total = vec!["total".to_string()];
    if !plan.segments.is_empty() {
        total.push(String::new());
    }
    if with_portfolio {
        total.extend([String::new(), String::new()]);
    }
    total.extend(plan.resources.iter().map(|resource| hours(resource.allocated_hours)));
    table.row(total);
    table.render_within(out, width);

    let _ = writeln!(out, "\nValue per customer ({currency}; contribution = value - hour cost - penalty)");
    let mut table = Table::new(&[("customer", false), ("value", true), ("hour cost", true), ("penalty", true), ("contribution", true)]);
    for customer in &plan.customers {
        table.row(vec![
            short_name(&customer.customer),
            money(customer.value),
            money(customer.hour_cost),
            money(customer.penalty_cost),
            money(customer.contribution),
        ]);
    }
    table.row(vec![
        "total".to_string(),
        money(plan.totals.value),
        money(plan.totals.hour_cost),
        money(plan.totals.penalty_cost),
        money(plan.totals.value - plan.totals.hour_cost - plan.totals.penalty_cost),
    ]);
    table.render_within(out, width);
}

fn segments_section(out: &mut String, plan: &Plan, width: usize) {
    let _ = writeln!(out, "\nSegments");
    let mut columns: Vec<(&str, bool)> = vec![("segment", false), ("customers", true)];
    for resource in &plan.resources {
        columns.push((resource.resource.as_str(), true));
    }
    columns.extend([("value", true), ("value share", true), ("contribution", true)]);
    let mut table = Table::new(&columns);
    for segment in &plan.segments {
        let mut row = vec![short_name(&segment.segment), segment.customers.to_string()];
        row.extend(segment.hours.iter().map(|&h| hours(h)));
        let share = if plan.totals.value.abs() > 0.0 { segment.value / plan.totals.value } else { 0.0 };
        row.extend([money(segment.value), percent(share), money(segment.contribution)]);
        table.row(row);
    }
    table.render_within(out, width);
}

fn limit_text(constraint: &ConstraintResult) -> String {
    match constraint.unit {
        crate::analysis::document::Unit::Hour => format!("{} h", hours(constraint.limit)),
        crate::analysis::document::Unit::Currency => money(constraint.limit),
        _ => percent(constraint.limit),
    }
}

fn actual_text(constraint: &ConstraintResult) -> String {
    match constraint.unit {
        crate::analysis::document::Unit::Hour => format!("{} h", hours(constraint.actual)),
        crate::analysis::document::Unit::Currency => money(constraint.actual),
        _ => percent(constraint.actual),
    }
}

fn binding_section(out: &mut String, plan: &Plan, width: usize) {
    let _ = writeln!(out, "\nBinding constraints (the plan sits on these limits)");
    let mut table = Table::new(&[
        ("constraint", false),
        ("sense", false),
        ("limit", true),
        ("actual", true),
        ("shadow price", true),
        ("per", false),
        ("set by", false),
    ]);
    for constraint in plan.constraints.iter().filter(|c| c.binding) {
        table.row(vec![
            short_id(&constraint.id),
            constraint.sense.symbol().to_string(),
            limit_text(constraint),
            actual_text(constraint),
            money(constraint.shadow_price),
            constraint.unit.to_string(),
            set_by(constraint),
        ]);
    }
    if table.is_empty() {
        let _ = writeln!(out, "  none: no limit binds");
    } else {
        table.render_within(out, width);
    }
}

/// Limits that do not bind, with how far the plan is from each (the room left).
fn slack_section(out: &mut String, plan: &Plan, width: usize) {
    let loose: Vec<&ConstraintResult> = plan.constraints.iter().filter(|c| !c.binding).collect();
    if loose.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nLimits with room left (not binding; slack = distance from the limit)");
    let mut table =
        Table::new(&[("constraint", false), ("sense", false), ("limit", true), ("actual", true), ("slack", true), ("set by", false)]);
    for constraint in loose {
        let slack = match constraint.unit {
            crate::analysis::document::Unit::Hour => format!("{} h", hours(constraint.slack)),
            crate::analysis::document::Unit::Currency => money(constraint.slack),
            _ => percent(constraint.slack),
        };
        table.row(vec![
            short_id(&constraint.id),
            constraint.sense.symbol().to_string(),
            limit_text(constraint),
            actual_text(constraint),
            slack,
            set_by(constraint),
        ]);
    }
    table.render_within(out, width);
}

fn words_section(out: &mut String, plan: &Plan, currency: &str, width: usize) {
    let _ = writeln!(out, "\nWhat the limits are worth (shadow prices, valid at the margin)");
    let mut lines = Vec::new();
    for resource in &plan.resources {
        let price = resource.shadow_price;
        let id = &resource.resource;
        lines.push(if price.abs() >= PRICE_THRESHOLD {
            format!("One more {id} hour is worth {} {currency}.", money(price))
        } else if resource.utilisation >= 1.0 - 1e-9 {
            format!(
                "All {} {id} hours are used, yet one more would add nothing: the best use of an extra hour returns no more than it costs.",
                hours(resource.available_hours)
            )
        } else {
            format!(
                "One more {id} hour is worth nothing: {} of {} available hours are used.",
                hours(resource.allocated_hours),
                hours(resource.available_hours)
            )
        });
    }
    for constraint in &plan.constraints {
        if constraint.family == Family::Capacity || constraint.shadow_price.abs() < PRICE_THRESHOLD {
            continue;
        }
        lines.push(constraint_words(constraint, currency));
    }
    for line in lines {
        paragraph(out, "  - ", &line, width);
    }
}

/// One sentence per constraint with a non-zero shadow price, in the planner's terms.
fn constraint_words(constraint: &ConstraintResult, currency: &str) -> String {
    let price = money(constraint.shadow_price.abs());
    let (subject, object) = subject_and_object(&constraint.about);
    match constraint.family {
        Family::ExpansionLimit => format!("One more hour of {object} for {} would be worth {price} {currency} net of its cost.", subject),
        Family::Floor => format!(
            "The floor of {} {} hours for {subject} costs {price} {currency} per hour: lowering it by one hour would gain {price} {currency}.",
            hours(constraint.limit),
            object
        ),
        Family::Cap => format!(
            "The cap of {} {} hours for {subject} costs {price} {currency} per hour: allowing one more hour would be worth {price} {currency}.",
            hours(constraint.limit),
            object
        ),
        // Short of a soft expectation, the price per hour is the penalty: what meeting it costs
        // is the exact re-solve's total.
        Family::Expectation if constraint.falls_short() => format!(
            "{subject} gets {} of the {} {object} hours it expects: each hour short puts {price} {currency} at risk{}.",
            hours(constraint.actual),
            hours(constraint.limit),
            match constraint.exact_cost {
                Some(cost) => format!("; meeting the expectation in full would cost {} {currency}", money(cost)),
                None => String::new(),
            }
        ),
        Family::Expectation => format!(
            "Honouring {subject}'s expectation of {} {} hours costs {price} {currency} per hour at the margin{}.",
            hours(constraint.limit),
            object,
            match constraint.exact_cost {
                Some(cost) if cost > 0.0 => format!(", {} {currency} in total", money(cost)),
                _ => String::new(),
            }
        ),
        Family::ShareCap => {
            let base = if subject == "value" { "value".to_string() } else { format!("{} hours", subject) };
            format!(
                "Raising {object}'s cap on its share of {base} ({}) by one percentage point would be worth {price} {currency}.",
                percent(constraint.limit)
            )
        }
        Family::MaxIncrease => format!(
            "Letting {subject}'s {object} hours rise one hour beyond the change limit ({} h) would be worth {price} {currency}.",
            hours(constraint.limit)
        ),
        Family::MaxDecrease => format!(
            "The limit on how far {subject}'s {object} hours may fall (to {} h) costs {price} {currency} per hour.",
            hours(constraint.limit)
        ),
        Family::SegmentMinHours | Family::SegmentMaxHours => {
            let (what, direction) = if constraint.sense == Sense::Ge { ("minimum", "lowering") } else { ("maximum", "raising") };
            format!(
                "The {what} of {} {} hours for segment {subject} costs {price} {currency} per hour: {direction} it by one hour would gain {price} {currency}.",
                hours(constraint.limit),
                object
            )
        }
        Family::SegmentMinShare | Family::SegmentMaxShare => {
            let base = if subject == "value" { "value".to_string() } else { format!("{} hours", subject) };
            let (what, direction) = if constraint.sense == Sense::Ge { ("minimum", "lowering") } else { ("maximum", "raising") };
            format!(
                "The {what} share of {base} for segment {object} ({}) binds: {direction} it by one percentage point would gain {price} {currency}.",
                percent(constraint.limit)
            )
        }
        Family::Force if constraint.shadow_price < 0.0 => format!(
            "Forcing {subject} to {} {object} hours costs {price} {currency} per further forced hour at the margin.",
            hours(constraint.limit)
        ),
        Family::Force => format!(
            "Forcing {subject} to {} {object} hours holds it below what pays: each further forced hour would gain {price} {currency} at the margin.",
            hours(constraint.limit)
        ),
        Family::CvarFloor => format!(
            "The CVaR floor of {} {currency} binds: raising it by 1 {currency} costs {price} {currency} of expected contribution.",
            money(constraint.limit)
        ),
        _ => format!("{}: {} {currency} per {}.", constraint.id, money(constraint.shadow_price), constraint.unit),
    }
}

/// The two things a limit is about, in the order its id names them: floor[m1/service] is about
/// ("m1", "service"), share_cap[value/m1] about ("value", "m1").
fn subject_and_object(about: &LimitKind) -> (String, String) {
    let base = |of: &ShareOf| match of {
        ShareOf::Hours(resource) => resource.clone(),
        ShareOf::Value => "value".to_string(),
    };
    match about {
        LimitKind::Capacity { resource } => (resource.clone(), String::new()),
        LimitKind::ExpansionLimit { resource, option } => (resource.clone(), option.clone()),
        LimitKind::Floor { customer, resource }
        | LimitKind::Cap { customer, resource }
        | LimitKind::HardExpectation { customer, resource }
        | LimitKind::Force { customer, resource }
        | LimitKind::MaxIncrease { customer, resource }
        | LimitKind::MaxDecrease { customer, resource } => (customer.clone(), resource.clone()),
        LimitKind::SegmentMinHours { segment, resource } | LimitKind::SegmentMaxHours { segment, resource } => {
            (segment.clone(), resource.clone())
        }
        LimitKind::CustomerShareCap { customer, of } => (base(of), customer.clone()),
        LimitKind::SegmentMinShare { segment, of } | LimitKind::SegmentMaxShare { segment, of } => (base(of), segment.clone()),
        LimitKind::CvarFloor | LimitKind::Internal { .. } => (String::new(), String::new()),
    }
}

fn expectations_section(out: &mut String, plan: &Plan, width: usize) {
    if plan.expectations.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nPartner expectations (what the customer expects vs what the plan gives)");
    let mut table = Table::new(&[
        ("customer", false),
        ("resource", false),
        ("kind", false),
        ("expected", true),
        ("current", true),
        ("planned", true),
        ("shortfall", true),
        ("penalty", true),
    ]);
    for gap in &plan.expectations {
        table.row(vec![
            short_name(&gap.customer),
            short_name(&gap.resource),
            kind_word(gap.kind).to_string(),
            hours(gap.expected_hours),
            hours(gap.current_hours),
            hours(gap.planned_hours),
            hours(gap.shortfall_hours),
            money(gap.penalty_cost),
        ]);
    }
    table.render_within(out, width);
}

fn changes_section(out: &mut String, plan: &Plan, width: usize) {
    let _ = writeln!(out, "\nChange versus current hours (biggest moves first)");
    let moves = plan.biggest_moves();
    if moves.len() == 0 {
        let _ = writeln!(out, "  none: the plan keeps the current hours");
        return;
    }
    moves_table(out, moves, width);
}

fn moves_table<'a>(out: &mut String, moves: impl Iterator<Item = &'a crate::analysis::Allocation>, width: usize) {
    let mut table = Table::new(&[("customer", false), ("resource", false), ("current", true), ("planned", true), ("change", true)]);
    for allocation in moves {
        table.row(vec![
            short_name(&allocation.customer),
            short_name(&allocation.resource),
            hours(allocation.current_hours),
            hours(allocation.hours),
            signed_hours(allocation.change_hours),
        ]);
    }
    table.render_within(out, width);
}

fn reduced_costs_section(out: &mut String, plan: &Plan, currency: &str, width: usize) {
    let _ = writeln!(out, "\nReduced costs (allocations held at zero, a floor, a bend or a cap; {currency} per hour)");
    paragraph(
        out,
        "  ",
        "Negative: an hour must return that much more before the plan gives more hours. Positive: the allocation is \
         held down by its own cap or share cap, which costs that much per hour.",
        width,
    );
    let mut table = Table::new(&[
        ("customer", false),
        ("resource", false),
        ("hours", true),
        ("next hour returns", true),
        ("reduced cost", true),
        ("held", false),
    ]);
    for allocation in plan.allocations.iter().filter(|a| a.reduced_cost.abs() >= PRICE_THRESHOLD) {
        table.row(vec![
            short_name(&allocation.customer),
            short_name(&allocation.resource),
            hours(allocation.hours),
            money(allocation.marginal_value),
            money(allocation.reduced_cost),
            if allocation.reduced_cost < 0.0 { "below its return" } else { "by its cap" }.to_string(),
        ]);
    }
    if table.is_empty() {
        let _ = writeln!(out, "  none");
    } else {
        table.render_within(out, width);
    }
}

/// Who set a limit: the instance, or the policy of a portfolio category.
fn set_by(constraint: &ConstraintResult) -> String {
    match &constraint.category {
        Some(category) => format!("{category} policy"),
        None => "instance".to_string(),
    }
}

fn portfolio_section(out: &mut String, portfolio: &PortfolioResult, currency: &str, width: usize) {
    out.push('\n');
    hanging(out, &format!("Portfolio model {}: {}", portfolio.model, portfolio.model_name), width);
    paragraph(
        out,
        "  ",
        "(policy cost: exact, from a re-solve without the category's limits; floor valuation: shadow price x limit \
         over its floors and expectations, which the cost of those never exceeds)",
        width,
    );
    let mut table = Table::new(&[
        ("category", false),
        ("customers", true),
        ("policy limits", true),
        ("binding", true),
        ("prices per hour", true),
        ("floor valuation", true),
        ("policy cost", true),
    ]);
    for category in &portfolio.categories {
        table.row(vec![
            short_name(&category.category),
            category.customers.len().to_string(),
            category.policy_constraints.len().to_string(),
            category.binding_policy_constraints.to_string(),
            money(category.shadow_price_sum),
            money(category.floor_valuation),
            category.policy_cost.map_or("-".to_string(), money),
        ]);
    }
    table.render_within(out, width);
    for category in &portfolio.categories {
        match category.policy_cost {
            Some(cost) if cost >= PRICE_THRESHOLD => paragraph(
                out,
                "  - ",
                &format!(
                    "The {} policy costs {} {currency} this quarter: without the {} it sets, the plan would be worth \
                     that much more. At the margin its binding limits are worth {} {currency} per hour together.",
                    category.category,
                    money(cost),
                    plural(category.policy_constraints.len(), "limit"),
                    money(category.shadow_price_sum)
                ),
                width,
            ),
            Some(_) => paragraph(
                out,
                "  - ",
                &format!("The {} policy costs nothing this quarter: none of its limits holds the plan back.", category.category),
                width,
            ),
            None if category.policy_constraints.is_empty() => {}
            None => paragraph(
                out,
                "  - ",
                &format!("The {} policy's cost cannot be stated: without its limits the plan would be unbounded.", category.category),
                width,
            ),
        }
    }

    out.push('\n');
    super::table::hanging(
        out,
        "Alignment (what the customer expects, what the plan gives, what its category implies; rows with an \
         expectation or a binding category limit)",
        width,
    );
    let mut table = Table::new(&[
        ("customer", false),
        ("category", false),
        ("resource", false),
        ("expects", true),
        ("current", true),
        ("planned", true),
        ("gap", true),
        ("category implies", false),
    ])
    .keys(3)
    .wrapping(7);
    let shown: Vec<_> = portfolio.alignment.iter().filter(|row| row.expected_hours.is_some() || row.policy_binds).collect();
    for row in &shown {
        table.row(vec![
            short_name(&row.customer),
            short_name(row.category.as_deref().unwrap_or_default()),
            short_name(&row.resource),
            row.expected_hours.map_or("-".to_string(), |e| {
                format!(
                    "{} ({})",
                    hours(e),
                    match row.expectation_kind {
                        Some(ExpectationKind::Hard) => "hard",
                        _ => "soft",
                    }
                )
            }),
            hours(row.current_hours),
            hours(row.planned_hours),
            row.gap_hours.map_or("-".to_string(), |gap| format!("{}{}", if gap > 0.0 { "+" } else { "" }, hours(gap))),
            super::words::category_implies(&row.category_implies),
        ]);
    }
    if table.is_empty() {
        let _ = writeln!(out, "  none: no customer states an expectation and no category limit binds");
    } else {
        table.render_within(out, width);
    }
    let hidden = portfolio.alignment.len() - shown.len();
    if hidden > 0 {
        paragraph(
            out,
            "  ",
            &format!("({hidden} more rows where the category prescribes a limit that does not bind; all rows are in the JSON report)"),
            width,
        );
    }
}

/// `3 limits`, `1 limit`.
pub fn plural(count: usize, noun: &str) -> String {
    format!("{count} {noun}{}", if count == 1 { "" } else { "s" })
}
