//! The text report: what a planner reads. Aligned tables, then shadow prices in planner words.

use std::fmt::Write;

use super::format::{hours, money, percent};
use super::table::Table;
use crate::analysis::{ConstraintResult, Plan, PortfolioResult, SolveReport, Status};
use crate::formulation::Sense;
use crate::model::{ExpectationKind, Instance};

/// Changes smaller than this many hours are not listed as moves.
const MOVE_THRESHOLD_HOURS: f64 = 0.05;
/// Shadow prices smaller than this (currency) are treated as zero in planner words.
const PRICE_THRESHOLD: f64 = 0.005;

pub fn render(instance: &Instance, report: &SolveReport) -> String {
    let mut out = String::new();
    let plan_header = &instance.plan;
    let _ = writeln!(out, "capplan: {} ({}, {})", plan_header.name, plan_header.period, plan_header.currency);
    let _ = writeln!(out, "Solver: {}", report.backend);
    let _ = writeln!(out, "Why this solver: {}", report.solver_reason);
    for warning in &report.warnings {
        out.push_str(&wrap_words(&format!("Warning: {warning}"), "  "));
    }
    match report.status {
        Status::Optimal => {}
        Status::TimeLimit => {
            let _ = writeln!(out, "Status: time limit. The solver stopped before a plan was proven optimal; no plan is reported.");
            let _ = writeln!(out, "Allow more time with --time-limit, or let --solver auto pick the fastest backend for this instance.");
            return out;
        }
        Status::Infeasible => {
            let _ = writeln!(out, "Status: infeasible. No plan meets all constraints.");
            let _ = writeln!(
                out,
                "Check that floors, hard expectations and segment minimums of each resource fit within its capacity, \
                 and that no floor or expectation exceeds a cap or share cap."
            );
            return out;
        }
        Status::Unbounded => {
            let _ = writeln!(out, "Status: unbounded. The value can grow without limit.");
            let _ = writeln!(
                out,
                "An expansion option without max_hours feeds a response without saturation (value_per_hour without max_hours) \
                 that returns more than the expansion costs. Give the option a max_hours or the response a max_hours."
            );
            return out;
        }
    }
    let Some(plan) = &report.plan else {
        return out;
    };
    let currency = plan_header.currency.as_str();
    let _ = writeln!(out, "Status: optimal");
    let _ = writeln!(out);
    if plan.totals.priority_adjustment.abs() >= PRICE_THRESHOLD {
        let _ = writeln!(
            out,
            "Objective: {} {currency} = contribution {} + priority weighting {} (category priority weights scale the value the plan optimises)",
            money(plan.objective),
            money(plan.totals.contribution),
            money(plan.totals.priority_adjustment)
        );
        let _ = writeln!(out, "Contribution: {} {currency}", money(plan.totals.contribution));
    } else {
        let _ = writeln!(out, "Contribution (objective): {} {currency}", money(plan.objective));
    }
    let _ = writeln!(
        out,
        "  = value {} - hour costs {} - expansion {} - expectation penalties {}",
        money(plan.totals.value),
        money(plan.totals.hour_cost),
        money(plan.totals.expansion_cost),
        money(plan.totals.penalty_cost)
    );

    resources_section(&mut out, plan, currency);
    plan_section(&mut out, instance, plan);
    if !instance.segments.is_empty() {
        segments_section(&mut out, instance, plan);
    }
    if let Some(portfolio) = &plan.portfolio {
        portfolio_section(&mut out, portfolio, currency);
    }
    binding_section(&mut out, plan);
    words_section(&mut out, plan, currency);
    expectations_section(&mut out, plan);
    changes_section(&mut out, plan);
    reduced_costs_section(&mut out, plan, currency);
    if let Some(sensitivity) = &plan.sensitivity {
        super::sensitivity::render(&mut out, sensitivity, currency);
    }
    out
}

fn resources_section(out: &mut String, plan: &Plan, currency: &str) {
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
            resource.resource.clone(),
            hours(resource.capacity_hours),
            hours(resource.expansion_hours),
            hours(resource.available_hours),
            hours(resource.allocated_hours),
            hours(resource.current_hours),
            percent(resource.utilisation),
            money(resource.shadow_price),
        ]);
    }
    table.render(out);
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
                expansion.resource.clone(),
                expansion.option.clone(),
                hours(expansion.hours),
                expansion.max_hours.map_or("unlimited".to_string(), hours),
                money(expansion.cost_per_hour),
                money(expansion.cost),
            ]);
        }
        table.render(out);
    }
}

fn plan_section(out: &mut String, instance: &Instance, plan: &Plan) {
    let _ = writeln!(out, "\nPlan (hours per customer and resource; money in {})", instance.plan.currency);
    let mut columns: Vec<(&str, bool)> = vec![("customer", false)];
    if !instance.segments.is_empty() {
        columns.push(("segment", false));
    }
    let with_portfolio = plan.portfolio.is_some();
    if with_portfolio {
        columns.extend([("category", false), ("outcome", false)]);
    }
    for resource in &instance.resources {
        columns.push((resource.id.as_str(), true));
    }
    columns.extend([("value", true), ("cost", true), ("penalty", true), ("contribution", true)]);
    let mut table = Table::new(&columns);
    for customer in &plan.customers {
        let mut row = vec![customer.customer.clone()];
        if !instance.segments.is_empty() {
            row.push(customer.segment.clone().unwrap_or_default());
        }
        if with_portfolio {
            row.extend([customer.category.clone().unwrap_or_default(), customer.outcome.label().to_string()]);
        }
        row.extend(customer.hours.iter().map(|&h| hours(h)));
        row.extend([money(customer.value), money(customer.hour_cost), money(customer.penalty_cost), money(customer.contribution)]);
        table.row(row);
    }
    let mut total = vec!["total".to_string()];
    if !instance.segments.is_empty() {
        total.push(String::new());
    }
    if with_portfolio {
        total.extend([String::new(), String::new()]);
    }
    total.extend(plan.resources.iter().map(|resource| hours(resource.allocated_hours)));
    total.extend([
        money(plan.totals.value),
        money(plan.totals.hour_cost),
        money(plan.totals.penalty_cost),
        money(plan.totals.value - plan.totals.hour_cost - plan.totals.penalty_cost),
    ]);
    table.row(total);
    table.render(out);
}

fn segments_section(out: &mut String, instance: &Instance, plan: &Plan) {
    let _ = writeln!(out, "\nSegments");
    let mut columns: Vec<(&str, bool)> = vec![("segment", false), ("customers", true)];
    for resource in &instance.resources {
        columns.push((resource.id.as_str(), true));
    }
    columns.extend([("value", true), ("value share", true), ("contribution", true)]);
    let mut table = Table::new(&columns);
    for segment in &plan.segments {
        let mut row = vec![segment.segment.clone(), segment.customers.to_string()];
        row.extend(segment.hours.iter().map(|&h| hours(h)));
        let share = if plan.totals.value.abs() > 0.0 { segment.value / plan.totals.value } else { 0.0 };
        row.extend([money(segment.value), percent(share), money(segment.contribution)]);
        table.row(row);
    }
    table.render(out);
}

fn limit_text(constraint: &ConstraintResult) -> String {
    match constraint.unit {
        "hour" => format!("{} h", hours(constraint.limit)),
        "currency" => money(constraint.limit),
        _ => percent(constraint.limit),
    }
}

fn actual_text(constraint: &ConstraintResult) -> String {
    match constraint.unit {
        "hour" => format!("{} h", hours(constraint.actual)),
        "currency" => money(constraint.actual),
        _ => percent(constraint.actual),
    }
}

fn binding_section(out: &mut String, plan: &Plan) {
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
            constraint.id.clone(),
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
        table.render(out);
    }
}

fn words_section(out: &mut String, plan: &Plan, currency: &str) {
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
        if constraint.family == "capacity" || constraint.shadow_price.abs() < PRICE_THRESHOLD {
            continue;
        }
        lines.push(constraint_words(constraint, currency));
    }
    for line in lines {
        let _ = writeln!(out, "  - {line}");
    }
}

/// One sentence per constraint with a non-zero shadow price, in the planner's terms.
fn constraint_words(constraint: &ConstraintResult, currency: &str) -> String {
    let price = money(constraint.shadow_price.abs());
    let (subject, object) = split_id(&constraint.id);
    match constraint.family {
        "expansion_limit" => format!("One more hour of {object} for {} would be worth {price} {currency} net of its cost.", subject),
        "floor" => format!(
            "The floor of {} {} hours for {subject} costs {price} {currency} per hour: lowering it by one hour would gain {price} {currency}.",
            hours(constraint.limit),
            object
        ),
        "cap" => format!(
            "The cap of {} {} hours for {subject} costs {price} {currency} per hour: allowing one more hour would be worth {price} {currency}.",
            hours(constraint.limit),
            object
        ),
        // Short of a soft expectation, the price per hour is the penalty: what meeting it costs
        // is the exact re-solve's total.
        "expectation" if constraint.actual < constraint.limit - 1e-7 * (1.0 + constraint.limit) => format!(
            "{subject} gets {} of the {} {object} hours it expects: each hour short puts {price} {currency} at risk{}.",
            hours(constraint.actual),
            hours(constraint.limit),
            match constraint.exact_cost {
                Some(cost) => format!("; meeting the expectation in full would cost {} {currency}", money(cost)),
                None => String::new(),
            }
        ),
        "expectation" => format!(
            "Honouring {subject}'s expectation of {} {} hours costs {price} {currency} per hour at the margin{}.",
            hours(constraint.limit),
            object,
            match constraint.exact_cost {
                Some(cost) if cost > 0.0 => format!(", {} {currency} in total", money(cost)),
                _ => String::new(),
            }
        ),
        "share_cap" => {
            let base = if subject == "value" { "value".to_string() } else { format!("{} hours", subject) };
            format!(
                "Raising {object}'s cap on its share of {base} ({}) by one percentage point would be worth {price} {currency}.",
                percent(constraint.limit)
            )
        }
        "max_increase" => format!(
            "Letting {subject}'s {object} hours rise one hour beyond the change limit ({} h) would be worth {price} {currency}.",
            hours(constraint.limit)
        ),
        "max_decrease" => format!(
            "The limit on how far {subject}'s {object} hours may fall (to {} h) costs {price} {currency} per hour.",
            hours(constraint.limit)
        ),
        "segment_min_hours" | "segment_max_hours" => {
            let (what, direction) = if constraint.sense == Sense::Ge { ("minimum", "lowering") } else { ("maximum", "raising") };
            format!(
                "The {what} of {} {} hours for segment {subject} costs {price} {currency} per hour: {direction} it by one hour would gain {price} {currency}.",
                hours(constraint.limit),
                object
            )
        }
        "segment_min_share" | "segment_max_share" => {
            let base = if subject == "value" { "value".to_string() } else { format!("{} hours", subject) };
            let (what, direction) = if constraint.sense == Sense::Ge { ("minimum", "lowering") } else { ("maximum", "raising") };
            format!(
                "The {what} share of {base} for segment {object} ({}) binds: {direction} it by one percentage point would gain {price} {currency}.",
                percent(constraint.limit)
            )
        }
        "force" if constraint.shadow_price < 0.0 => format!(
            "Forcing {subject} to {} {object} hours costs {price} {currency} per further forced hour at the margin.",
            hours(constraint.limit)
        ),
        "force" => format!(
            "Forcing {subject} to {} {object} hours holds it below what pays: each further forced hour would gain {price} {currency} at the margin.",
            hours(constraint.limit)
        ),
        "cvar_floor" => format!(
            "The CVaR floor of {} {currency} binds: raising it by 1 {currency} costs {price} {currency} of expected contribution.",
            money(constraint.limit)
        ),
        _ => format!("{}: {} {currency} per {}.", constraint.id, money(constraint.shadow_price), constraint.unit),
    }
}

/// `floor[m1/service]` -> ("m1", "service").
fn split_id(id: &str) -> (String, String) {
    let inner = id.split_once('[').map_or("", |(_, rest)| rest.trim_end_matches(']'));
    let (a, b) = inner.split_once('/').unwrap_or((inner, ""));
    (a.to_string(), b.to_string())
}

fn expectations_section(out: &mut String, plan: &Plan) {
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
            gap.customer.clone(),
            gap.resource.clone(),
            match gap.kind {
                ExpectationKind::Hard => "hard".to_string(),
                ExpectationKind::Soft => "soft".to_string(),
            },
            hours(gap.expected_hours),
            hours(gap.current_hours),
            hours(gap.planned_hours),
            hours(gap.shortfall_hours),
            money(gap.penalty_cost),
        ]);
    }
    table.render(out);
}

fn changes_section(out: &mut String, plan: &Plan) {
    let _ = writeln!(out, "\nChange versus current hours (biggest moves first)");
    let mut moves: Vec<_> = plan.allocations.iter().filter(|a| a.change_hours.abs() >= MOVE_THRESHOLD_HOURS).collect();
    moves.sort_by(|a, b| {
        crate::analysis::biggest_move_first((a.change_hours, &a.customer, &a.resource), (b.change_hours, &b.customer, &b.resource))
    });
    if moves.is_empty() {
        let _ = writeln!(out, "  none: the plan keeps the current hours");
        return;
    }
    let mut table = Table::new(&[("customer", false), ("resource", false), ("current", true), ("planned", true), ("change", true)]);
    for allocation in moves {
        table.row(vec![
            allocation.customer.clone(),
            allocation.resource.clone(),
            hours(allocation.current_hours),
            hours(allocation.hours),
            format!("{}{}", if allocation.change_hours > 0.0 { "+" } else { "" }, hours(allocation.change_hours)),
        ]);
    }
    table.render(out);
}

fn reduced_costs_section(out: &mut String, plan: &Plan, currency: &str) {
    let _ = writeln!(out, "\nReduced costs (allocations held at zero, a floor or a cap; {currency} per hour)");
    let mut table = Table::new(&[
        ("customer", false),
        ("resource", false),
        ("hours", true),
        ("next hour returns", true),
        ("reduced cost", true),
        ("reading", false),
    ]);
    for allocation in plan.allocations.iter().filter(|a| a.reduced_cost.abs() >= PRICE_THRESHOLD) {
        let reading = if allocation.reduced_cost < 0.0 {
            format!("an hour must return {} more to get more hours", money(-allocation.reduced_cost))
        } else {
            format!("held down by its cap or share cap, which costs {} per hour", money(allocation.reduced_cost))
        };
        table.row(vec![
            allocation.customer.clone(),
            allocation.resource.clone(),
            hours(allocation.hours),
            money(allocation.marginal_value),
            money(allocation.reduced_cost),
            reading,
        ]);
    }
    if table.is_empty() {
        let _ = writeln!(out, "  none");
    } else {
        table.render(out);
    }
}

/// Who set a limit: the instance, or the policy of a portfolio category.
fn set_by(constraint: &ConstraintResult) -> String {
    match &constraint.category {
        Some(category) => format!("{category} policy"),
        None => "instance".to_string(),
    }
}

fn portfolio_section(out: &mut String, portfolio: &PortfolioResult, currency: &str) {
    let _ = writeln!(out, "\nPortfolio model {}: {}", portfolio.model, portfolio.model_name);
    let _ = writeln!(
        out,
        "  (policy cost: exact, from a re-solve without the category's limits; floor valuation: shadow price x limit over its floors \
         and expectations, which the cost of those never exceeds)"
    );
    let mut table = Table::new(&[
        ("category", false),
        ("customers", true),
        ("policy limits", true),
        ("binding", true),
        ("shadow prices (per hour)", true),
        ("floor valuation", true),
        ("policy cost", true),
    ]);
    for category in &portfolio.categories {
        table.row(vec![
            category.category.clone(),
            category.customers.len().to_string(),
            category.policy_constraints.len().to_string(),
            category.binding_policy_constraints.to_string(),
            money(category.shadow_price_sum),
            money(category.floor_valuation),
            category.policy_cost.map_or("-".to_string(), money),
        ]);
    }
    table.render(out);
    for category in &portfolio.categories {
        match category.policy_cost {
            Some(cost) if cost >= PRICE_THRESHOLD => {
                let _ = writeln!(
                    out,
                    "  - The {} policy costs {} {currency} this quarter: without the {} it sets, the plan would be worth that much more. \
                     At the margin its binding limits are worth {} {currency} per hour together.",
                    category.category,
                    money(cost),
                    plural(category.policy_constraints.len(), "limit"),
                    money(category.shadow_price_sum)
                );
            }
            Some(_) => {
                let _ = writeln!(
                    out,
                    "  - The {} policy costs nothing this quarter: none of its limits holds the plan back.",
                    category.category
                );
            }
            None if category.policy_constraints.is_empty() => {}
            None => {
                let _ = writeln!(
                    out,
                    "  - The {} policy's cost cannot be stated: without its limits the plan would be unbounded.",
                    category.category
                );
            }
        }
    }

    let _ = writeln!(
        out,
        "\nAlignment (what the customer expects, what the plan gives, what its category implies; rows with an expectation or a binding category limit)"
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
    ]);
    let shown: Vec<_> = portfolio.alignment.iter().filter(|row| row.expected_hours.is_some() || row.policy_binds).collect();
    for row in &shown {
        table.row(vec![
            row.customer.clone(),
            row.category.clone().unwrap_or_default(),
            row.resource.clone(),
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
            row.category_implies.clone(),
        ]);
    }
    if table.is_empty() {
        let _ = writeln!(out, "  none: no customer states an expectation and no category limit binds");
    } else {
        table.render(out);
    }
    let hidden = portfolio.alignment.len() - shown.len();
    if hidden > 0 {
        let _ = writeln!(
            out,
            "  ({hidden} more rows where the category prescribes a limit that does not bind; all rows are in the JSON report)"
        );
    }
}

/// `3 limits`, `1 limit`.
pub fn plural(count: usize, noun: &str) -> String {
    format!("{count} {noun}{}", if count == 1 { "" } else { "s" })
}

/// `text` broken at spaces into lines of at most 100 columns, continuation lines indented, each
/// line ended: the text report stays readable in a terminal. A word longer than a line stays
/// whole.
pub(crate) fn wrap_words(text: &str, indent: &str) -> String {
    const WIDTH: usize = 100;
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let candidate = if line.is_empty() { word.chars().count() } else { line.chars().count() + 1 + word.chars().count() };
        if candidate > WIDTH && !line.trim().is_empty() {
            out.push_str(line.trim_end());
            out.push('\n');
            line = format!("{indent}{word}");
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}
