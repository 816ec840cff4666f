//! Reports of a multi-period plan: one printer per format (text, JSON, CSV, HTML), all reading
//! the same [`HorizonReport`] and nothing else (its header names the plan, resources and
//! customers). Each shows the horizon as a whole (contribution per period, what
//! one more hour of each resource is worth in each period, the change limits that bind) and then
//! each period's own plan.

use std::fmt::Write;

use serde::Serialize;

use super::format::{hours, money, percent};
use super::html::{Cell, card, number, open_page, table, text};
use super::svg::escape;
use super::table::{Table, paragraph};
use super::text::{Detail, TextOptions};
use crate::analysis::horizon::{HorizonPlan, HorizonReport, PeriodLabel, PeriodPlan};
use crate::analysis::{ConstraintResult, ExpectationGap, Plan, ResourceResult, SolveReport, Status, Totals};
use crate::model::AppliedScenario;

/// Shadow prices whose size is below this are printed as "-" (no value).
const PRICE_SHOWN: f64 = 0.005;

/// What every printer shows besides the report: the scenario applied, if any.
#[derive(Default, Clone, Copy)]
pub struct HorizonExtras<'a> {
    /// The scenario applied, if any.
    pub scenario: Option<&'a AppliedScenario>,
}

/// The warnings of every period (envelope curves, share padding), each with its period, and the
/// solve's own.
pub fn warnings(report: &HorizonReport) -> Vec<String> {
    let mut all: Vec<String> = report.warnings.clone();
    if let Some(plan) = &report.plan {
        for period in &plan.periods {
            let single = period_report(report, period);
            for warning in super::warnings(&single) {
                all.push(format!("{}: {warning}", period.label));
            }
        }
    }
    all
}

/// One period's plan as a single-quarter report, for what is worded per plan.
fn period_report(report: &HorizonReport, period: &PeriodPlan) -> SolveReport {
    SolveReport {
        header: report.header.clone(),
        status: Status::Optimal,
        backend: report.backend,
        solver_reason: report.solver_reason.clone(),
        plan: Some(period.plan.clone()),
        warnings: Vec::new(),
        cut_short: Vec::new(),
    }
}

/// One line of the totals: reads one amount of a period's (or the horizon's) totals.
type TotalOf = fn(&Totals) -> f64;

/// The lines of the table of totals by period, in every format.
const TOTALS: [(&str, TotalOf); 5] = [
    ("value", |t| t.value),
    ("hour cost", |t| t.hour_cost),
    ("expansion cost", |t| t.expansion_cost),
    ("penalties", |t| t.penalty_cost),
    ("contribution", |t| t.contribution),
];

/// A period's totals in one sentence, in every format.
fn totals_sentence(totals: &Totals, currency: &str) -> String {
    format!(
        "Contribution {} {currency}: value {}, hour cost {}, expansion cost {}, penalties {}.",
        money(totals.contribution),
        money(totals.value),
        money(totals.hour_cost),
        money(totals.expansion_cost),
        money(totals.penalty_cost)
    )
}

/// The limits of a period that bind with a price, in the plan's order.
fn priced_binding_limits(plan: &Plan) -> impl Iterator<Item = &ConstraintResult> {
    plan.constraints.iter().filter(|constraint| constraint.binding && constraint.shadow_price.abs() >= PRICE_SHOWN)
}

fn price(value: f64) -> String {
    if value.abs() < PRICE_SHOWN { "-".to_string() } else { money(value) }
}

/// The text report, every line within `options.width` columns.
pub fn render_text(report: &HorizonReport, extras: &HorizonExtras<'_>, options: &TextOptions) -> String {
    let width = options.width;
    let currency = report.header.currency();
    let mut out = String::new();
    let labels: Vec<&str> = report.periods.iter().map(|period| period.label.as_str()).collect();
    let resource_ids = &report.header.resource_ids;
    let _ = writeln!(out, "{}", report.header.plan.name());
    paragraph(&mut out, "", &format!("Multi-period plan: {} periods ({}), money in {currency}.", labels.len(), labels.join(", ")), width);
    if let Some(scenario) = extras.scenario {
        paragraph(&mut out, "", &format!("Scenario: {} ({})", scenario.name, scenario.file), width);
    }
    let _ = writeln!(out, "Status: {}", report.status.name());
    paragraph(&mut out, "", &format!("Solver: {} ({})", report.backend, report.solver_reason), width);
    for warning in warnings(report) {
        paragraph(&mut out, "Warning: ", &warning, width);
    }
    let Some(plan) = &report.plan else {
        out.push('\n');
        let why = match report.status {
            Status::Infeasible => "No plan meets every limit of every period and every change limit between them.",
            Status::Unbounded => "The objective grows without limit in some period.",
            _ => "The time limit ran out before a plan was proven optimal.",
        };
        paragraph(&mut out, "", why, width);
        if let Some(conflict) = report.conflict.as_ref().filter(|conflict| !conflict.limits.is_empty()) {
            let which = if conflict.complete {
                "These limits cannot all hold; drop or loosen any one of them"
            } else {
                "The search for the clashing limits was cut short; these take part"
            };
            paragraph(&mut out, "", &format!("{which}:"), width);
            for limit in &conflict.limits {
                let _ = writeln!(out, "  {limit}");
            }
        }
        return out;
    };
    out.push('\n');
    let _ = writeln!(out, "Contribution over the horizon: {} {currency}", money(plan.totals.contribution));
    // What the forces cost is the answer a forced run asks for: it comes before the details.
    if let Some(forces) = &plan.forces {
        out.push_str("\nForced allocations\n");
        let mut table = Table::new(&[("force", false), ("hours", true), ("unforced", true), (&format!("{currency}/h"), true)]);
        for force in &forces.forced {
            table.row(vec![force.id.clone(), hours(force.hours), hours(force.unforced_hours), price(force.shadow_price)]);
        }
        table.render_within(&mut out, width);
        paragraph(
            &mut out,
            "  ",
            &format!(
                "The forces cost {} {currency} over the horizon (unforced optimum {} {currency}).",
                money(forces.cost),
                money(forces.unforced_objective)
            ),
            width,
        );
        if !forces.moves.is_empty() {
            out.push_str("\nWho gives up or gains hours\n");
            let mut table = Table::new(&[
                ("period", false),
                ("customer", false),
                ("resource", false),
                ("unforced", true),
                ("forced", true),
                ("change", true),
            ])
            .keys(3);
            for step in forces.moves.iter().take(if options.detail == Detail::Full { usize::MAX } else { 10 }) {
                table.row(vec![
                    step.period.clone(),
                    step.customer.clone(),
                    step.resource.clone(),
                    hours(step.unforced_hours),
                    hours(step.forced_hours),
                    hours(step.change_hours),
                ]);
            }
            table.render_within(&mut out, width);
        }
    }

    out.push_str("\nBy period\n");
    let mut columns: Vec<(&str, bool)> = vec![("", false)];
    columns.extend(labels.iter().map(|label| (*label, true)));
    columns.push(("horizon", true));
    let mut table = Table::new(&columns);
    for (name, field) in TOTALS {
        let mut cells = vec![name.to_string()];
        cells.extend(plan.periods.iter().map(|period| money(field(&period.plan.totals))));
        cells.push(money(field(&plan.totals)));
        table.row(cells);
    }
    table.render_within(&mut out, width);

    out.push_str(&format!("\nWhat one more hour of capacity is worth ({currency} per hour, shadow price of capacity)\n"));
    let mut columns: Vec<(&str, bool)> = vec![("resource", false)];
    columns.extend(labels.iter().map(|label| (*label, true)));
    let mut table = Table::new(&columns);
    for (r, resource) in resource_ids.iter().enumerate() {
        let mut cells = vec![resource.clone()];
        cells.extend(plan.periods.iter().map(|period| price(period.plan.resources[r].shadow_price)));
        table.row(cells);
    }
    table.render_within(&mut out, width);
    for (r, resource) in resource_ids.iter().enumerate() {
        let best = plan
            .periods
            .iter()
            .map(|period| (period, period.plan.resources[r].shadow_price))
            .max_by(|a, b| a.1.total_cmp(&b.1).then(std::cmp::Ordering::Greater));
        if let Some((period, value)) = best
            && value >= PRICE_SHOWN
        {
            paragraph(
                &mut out,
                "  ",
                &format!("One more {resource} hour in {} is worth {} {currency}.", period.label, money(value)),
                width,
            );
        }
    }

    out.push_str("\nHours allocated (share of the period's available hours)\n");
    let mut columns: Vec<(&str, bool)> = vec![("resource", false)];
    columns.extend(labels.iter().map(|label| (*label, true)));
    let mut table = Table::new(&columns);
    for (r, resource) in resource_ids.iter().enumerate() {
        let mut cells = vec![resource.clone()];
        cells.extend(plan.periods.iter().map(|period| {
            let result = &period.plan.resources[r];
            format!("{} ({})", hours(result.allocated_hours), percent(result.utilisation))
        }));
        table.row(cells);
    }
    table.render_within(&mut out, width);

    change_limits_text(&mut out, plan, currency, width, options.detail);
    expectations_text(&mut out, plan, width);
    if let Some(ranges) = &plan.sensitivity {
        out.push_str("\nSensitivity: how far each limit's shadow price holds (binding limits)\n");
        let mut table =
            Table::new(&[("limit", false), ("rhs", true), (&format!("{currency} per unit"), true), ("increase", true), ("decrease", true)]);
        let reach = |value: Option<f64>| value.map_or("no end".to_string(), hours);
        for range in ranges.iter().filter(|range| range.shadow_price.abs() >= PRICE_SHOWN) {
            table.row(vec![
                range.id.clone(),
                hours(range.limit),
                money(range.shadow_price),
                reach(range.allowable_increase),
                reach(range.allowable_decrease),
            ]);
        }
        if table.is_empty() {
            out.push_str("  No limit has a shadow price.\n");
        } else {
            table.render_within(&mut out, width);
        }
    }
    if options.detail == Detail::Summary {
        return out;
    }

    out.push_str("\nHours per customer and period\n");
    let mut columns: Vec<(&str, bool)> = vec![("customer", false), ("resource", false), ("current", true)];
    columns.extend(labels.iter().map(|label| (*label, true)));
    let mut table = Table::new(&columns).keys(2);
    let resources = resource_ids.len();
    for (c, customer) in report.header.customers.iter().enumerate() {
        for (r, resource) in resource_ids.iter().enumerate() {
            let current = plan.periods.first().map_or(0.0, |period| period.plan.allocations[c * resources + r].current_hours);
            let mut cells = vec![customer.id.clone(), resource.clone(), hours(current)];
            cells.extend(plan.periods.iter().map(|period| hours(period.plan.allocations[c * resources + r].hours)));
            table.row(cells);
        }
    }
    table.render_within(&mut out, width);

    for period in &plan.periods {
        let _ = writeln!(out, "\n{} ({})", period.label, period.period);
        paragraph(&mut out, "  ", &totals_sentence(&period.plan.totals, currency), width);
        let bought: Vec<String> = period
            .plan
            .expansions
            .iter()
            .filter(|expansion| expansion.hours > 0.05)
            .map(|expansion| format!("{} h of {}/{}", hours(expansion.hours), expansion.resource, expansion.option))
            .collect();
        if !bought.is_empty() {
            paragraph(&mut out, "  ", &format!("Bought: {}.", bought.join(", ")), width);
        }
        let mut table =
            Table::new(&[("limit that binds", false), ("limit", true), ("actual", true), ("shadow price", true), ("per", false)]);
        for constraint in priced_binding_limits(&period.plan) {
            let shown = |value: f64| if constraint.unit.is_hours() { hours(value) } else { percent(value) };
            table.row(vec![
                constraint.id.clone(),
                shown(constraint.limit),
                shown(constraint.actual),
                money(constraint.shadow_price),
                constraint.unit.name().to_string(),
            ]);
        }
        if table.is_empty() {
            out.push_str("  No limit of this period binds with a price.\n");
        } else {
            table.render_within(&mut out, width);
        }
    }
    out
}

/// Binding change limits the summary shows, the most valuable first.
const SUMMARY_CHANGE_LIMITS: usize = 12;

fn change_limits_text(out: &mut String, plan: &HorizonPlan, currency: &str, width: usize, detail: Detail) {
    // The most valuable first in every detail, as in the HTML report: a planner reads the top.
    let mut binding: Vec<_> = plan.binding_change_limits().collect();
    if detail == Detail::Summary {
        out.push_str(&format!("\nCostliest change limits ({currency} per hour of allowed change)\n"));
    } else {
        out.push_str(&format!("\nChange limits that bind ({currency} per hour of allowed change)\n"));
    }
    let count = binding.len();
    if detail == Detail::Summary {
        binding.truncate(SUMMARY_CHANGE_LIMITS);
    }
    if binding.is_empty() {
        paragraph(out, "  ", &format!("None of the {} change limits binds.", plan.change_limits.len()), width);
        return;
    }
    let mut table =
        Table::new(&[("limit", false), ("before", true), ("after", true), ("change", true), ("allowed", true), ("worth", true)]);
    for limit in &binding {
        let worth = limit.worth();
        table.row(vec![
            limit.id.clone(),
            hours(limit.hours_before),
            hours(limit.hours),
            hours(limit.change_hours),
            hours(limit.allowed_hours),
            price(worth),
        ]);
    }
    table.render_within(out, width);
    paragraph(
        out,
        "  ",
        &format!(
            "{count} of {} change limits bind{}, the most valuable first. \"worth\": what one more hour of allowed increase (or decrease) adds to \
             the contribution over the horizon.",
            plan.change_limits.len(),
            if count > binding.len() {
                format!(" (the {} worth most shown; --detail full lists all)", binding.len())
            } else {
                String::new()
            }
        ),
        width,
    );
}

fn expectations_text(out: &mut String, plan: &HorizonPlan, width: usize) {
    let Some(first) = plan.periods.first() else { return };
    if first.plan.expectations.is_empty() {
        return;
    }
    out.push_str("\nExpectations per period (planned of expected hours)\n");
    let mut columns: Vec<(&str, bool)> = vec![("customer", false), ("resource", false), ("kind", false)];
    let labels: Vec<&str> = plan.periods.iter().map(|period| period.label.as_str()).collect();
    columns.extend(labels.iter().map(|label| (*label, true)));
    let mut table = Table::new(&columns).keys(2);
    for (e, gap) in first.plan.expectations.iter().enumerate() {
        let mut cells = vec![gap.customer.clone(), gap.resource.clone(), kind_name(gap)];
        cells.extend(plan.periods.iter().map(|period| {
            let gap = &period.plan.expectations[e];
            format!("{} of {}", hours(gap.planned_hours), hours(gap.expected_hours))
        }));
        table.row(cells);
    }
    table.render_within(out, width);
}

/// The document of `capplan solve --format json` for a multi-period instance
/// (docs/json-output.md, "Multi-period plans").
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "HorizonReport")]
pub(super) struct JsonHorizon<'a> {
    /// The layout version of this document (docs/json-output.md, "Versioning").
    #[schemars(schema_with = "super::schema::version")]
    schema_version: u32,
    /// The version of capplan that wrote the document.
    capplan_version: &'static str,
    /// The `[plan]` header of the instance.
    plan: JsonHorizonHeader<'a>,
    /// The periods in plan order: the key `period` of every entry of `result.periods`.
    periods: &'a [PeriodLabel],
    /// How the solve ended; `result` is present exactly when it is `optimal`.
    status: Status,
    /// The backend that solved the program.
    solver: &'static str,
    /// Why this backend ran.
    solver_reason: &'a str,
    /// Resource ids in instance order: the keys, in this order, of every per-resource object.
    resource_ids: Vec<&'a str>,
    /// The optimal plan over the horizon; null exactly when `status` is not `optimal`.
    result: Option<&'a HorizonPlan>,
    /// Reasons to doubt the numbers, in planner words, each period's with its label first.
    warnings: Vec<String>,
    /// The scenario applied; present only with `--scenario`.
    #[serde(skip_serializing_if = "Option::is_none")]
    scenario: Option<&'a AppliedScenario>,
    /// A minimal set of clashing limits; present exactly when `status` is `infeasible`.
    #[serde(skip_serializing_if = "Option::is_none")]
    conflict: Option<&'a crate::analysis::horizon::HorizonConflict>,
}

/// The `[plan]` header of a multi-period instance.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "HorizonHeader")]
struct JsonHorizonHeader<'a> {
    /// `plan.name` from the instance.
    name: &'a str,
    /// `plan.period` from the instance: the horizon as a whole (`2027`).
    period: &'a str,
    /// `plan.currency`: the currency of every money amount in the document.
    currency: &'a str,
    /// `plan.notes` from the instance; null when it has none.
    notes: Option<&'a str>,
}

/// The JSON report.
pub fn render_json(report: &HorizonReport, extras: &HorizonExtras<'_>) -> String {
    let header = &report.header.plan;
    let document = JsonHorizon {
        schema_version: super::JSON_SCHEMA_VERSION,
        capplan_version: env!("CARGO_PKG_VERSION"),
        plan: JsonHorizonHeader { name: header.name(), period: header.period(), currency: header.currency(), notes: header.notes() },
        periods: &report.periods,
        status: report.status,
        solver: report.backend.name(),
        solver_reason: &report.solver_reason,
        resource_ids: report.header.resource_ids.iter().map(String::as_str).collect(),
        result: report.plan.as_ref(),
        warnings: warnings(report),
        scenario: extras.scenario,
        conflict: report.conflict.as_ref(),
    };
    super::json::pretty(serde_json::to_value(&document).expect("report types serialise to JSON"))
}

/// The CSV header: the single-quarter plan table's, after a `period` column.
pub fn csv_header() -> String {
    format!("period,{}", super::csv::HEADER)
}

/// The CSV report: one row per period, customer and resource; the header alone without a plan.
pub fn render_csv(report: &HorizonReport) -> String {
    let mut out = csv_header();
    out.push('\n');
    if let Some(plan) = &report.plan {
        for period in &plan.periods {
            super::csv::write_rows(&mut out, &period.plan, Some(&period.period));
        }
    }
    out
}

/// The period links above the horizon's summary sit apart; the rest is the solve page's style.
const NAV_STYLE: &str = "nav a { margin-right: 12px; }\n";

/// The HTML report: one self-contained page, the horizon first, then one section per period.
pub fn render_html(report: &HorizonReport, extras: &HorizonExtras<'_>) -> String {
    let currency = report.header.currency();
    let labels: Vec<&str> = report.periods.iter().map(|period| period.label.as_str()).collect();
    let resource_ids = &report.header.resource_ids;
    let mut out = String::new();
    open_page(&mut out, report.header.plan.name(), NAV_STYLE);
    let _ = writeln!(out, "<h1>{}</h1>", escape(report.header.plan.name()));
    let _ = writeln!(
        out,
        "<p class=\"meta\">Multi-period plan, {} periods ({}); money in {}. Solver: {} ({}).</p>",
        labels.len(),
        escape(&labels.join(", ")),
        escape(currency),
        report.backend,
        escape(&report.solver_reason)
    );
    if let Some(scenario) = extras.scenario {
        let _ = writeln!(out, "<p class=\"meta\">Scenario: {} ({})</p>", escape(&scenario.name), escape(&scenario.file));
    }
    for warning in warnings(report) {
        let _ = writeln!(out, "<p class=\"warning\">{}</p>", escape(&warning));
    }
    let Some(plan) = &report.plan else {
        let _ = writeln!(out, "<p class=\"warning\">Status: {}. No optimal plan.</p>", report.status.name());
        if let Some(conflict) = report.conflict.as_ref().filter(|conflict| !conflict.limits.is_empty()) {
            out.push_str("<p>These limits cannot all hold together:</p>\n<ul>\n");
            for limit in &conflict.limits {
                let _ = writeln!(out, "<li>{}</li>", escape(limit));
            }
            out.push_str("</ul>\n");
        }
        out.push_str("</body>\n</html>\n");
        return out;
    };
    out.push_str("<nav>");
    out.push_str("<a href=\"#horizon\">Horizon</a>");
    for period in &plan.periods {
        let _ = write!(out, "<a href=\"#period-{}\">{}</a>", escape(&period.period), escape(&period.label));
    }
    out.push_str("</nav>\n");

    out.push_str("<section id=\"horizon\">\n<div class=\"cards\">");
    card(&mut out, "Status", report.status.name(), "status-optimal");
    card(&mut out, &format!("Contribution over the horizon ({currency})"), &money(plan.totals.contribution), "");
    for period in &plan.periods {
        card(&mut out, &format!("{} contribution", period.label), &money(period.plan.totals.contribution), "");
    }
    out.push_str("</div>\n");

    out.push_str("<h2>By period</h2>\n");
    let mut headers: Vec<(&str, bool)> = vec![("", false)];
    headers.extend(labels.iter().map(|label| (*label, true)));
    headers.push(("horizon", true));
    let amount = |value: f64| number(value, money(value));
    let rows = TOTALS
        .iter()
        .map(|(name, field)| {
            let mut row = vec![text(*name)];
            row.extend(plan.periods.iter().map(|period| amount(field(&period.plan.totals))));
            row.push(amount(field(&plan.totals)));
            row
        })
        .collect();
    table(&mut out, "by-period", &headers, rows, false);

    let _ = writeln!(out, "<h2>What one more hour of capacity is worth ({} per hour)</h2>", escape(currency));
    let mut headers: Vec<(&str, bool)> = vec![("resource", false)];
    headers.extend(labels.iter().map(|label| (*label, true)));
    let per_resource = |of: &dyn Fn(&ResourceResult) -> Cell| -> Vec<Vec<Cell>> {
        (0..resource_ids.len())
            .map(|r| {
                let mut row = vec![text(plan.periods[0].plan.resources[r].name.clone())];
                row.extend(plan.periods.iter().map(|period| of(&period.plan.resources[r])));
                row
            })
            .collect()
    };
    table(&mut out, "capacity-prices", &headers, per_resource(&|result| price_cell(result.shadow_price)), false);
    out.push_str(
        "<p class=\"note\">The shadow price of capacity[resource@period]: what one more hour of the resource in that \
                  period adds to the contribution over the horizon (- : nothing, the resource has hours to spare).</p>\n",
    );
    out.push_str("<h2>Hours allocated (share of the period's available hours)</h2>\n");
    let allocated = |result: &ResourceResult| {
        let shown = format!("{} of {} ({})", hours(result.allocated_hours), hours(result.available_hours), percent(result.utilisation));
        number(result.allocated_hours, shown)
    };
    table(&mut out, "hours-allocated", &headers, per_resource(&allocated), false);

    change_limits_html(&mut out, plan);

    if let Some(forces) = &plan.forces {
        let _ = writeln!(
            out,
            "<h2>Forced allocations</h2>\n<p>The forces cost {} {} over the horizon.</p>",
            escape(&money(forces.cost)),
            escape(currency)
        );
        let rows = forces
            .forced
            .iter()
            .map(|force| {
                vec![text(force.id.clone()), hours_cell(force.hours), hours_cell(force.unforced_hours), price_cell(force.shadow_price)]
            })
            .collect();
        table(&mut out, "forces", &[("force", false), ("hours", true), ("unforced", true), ("shadow price", true)], rows, false);
    }

    if let Some(ranges) = &plan.sensitivity {
        out.push_str(
            "<h2>Sensitivity: how far each shadow price holds</h2>\n<p class=\"note\">Limits with a price, every period: the \
             right-hand side may rise or fall this far with the price unchanged (from the optimal basis).</p>\n",
        );
        let reach = |value: Option<f64>| value.map_or_else(|| number(f64::MAX, "no end".to_string()), hours_cell);
        let rows = ranges
            .iter()
            .filter(|range| range.shadow_price.abs() >= PRICE_SHOWN)
            .map(|range| {
                vec![
                    text(range.id.clone()),
                    hours_cell(range.limit),
                    amount(range.shadow_price),
                    reach(range.allowable_increase),
                    reach(range.allowable_decrease),
                ]
            })
            .collect();
        table(
            &mut out,
            "sensitivity",
            &[
                ("limit", false),
                ("right-hand side", true),
                ("shadow price", true),
                ("allowable increase", true),
                ("allowable decrease", true),
            ],
            rows,
            false,
        );
    }
    out.push_str("<h2>Hours per customer and period</h2>\n");
    let mut headers: Vec<(&str, bool)> = vec![("customer", false), ("resource", false), ("current", true)];
    headers.extend(labels.iter().map(|label| (*label, true)));
    let resources = resource_ids.len();
    let mut rows = Vec::new();
    for (c, customer) in report.header.customers.iter().enumerate() {
        for (r, resource) in resource_ids.iter().enumerate() {
            let mut row = vec![
                text(customer.id.clone()),
                text(resource.clone()),
                hours_cell(plan.periods[0].plan.allocations[c * resources + r].current_hours),
            ];
            row.extend(plan.periods.iter().map(|period| hours_cell(period.plan.allocations[c * resources + r].hours)));
            rows.push(row);
        }
    }
    table(&mut out, "hours-per-customer", &headers, rows, false);
    out.push_str("</section>\n");

    for period in &plan.periods {
        period_html(&mut out, period, currency);
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn hours_cell(value: f64) -> Cell {
    number(value, hours(value))
}

fn price_cell(value: f64) -> Cell {
    number(value, price(value))
}

/// The binding change limits, the [`SUMMARY_CHANGE_LIMITS`] worth most in view, the others
/// folded away below them.
fn change_limits_html(out: &mut String, plan: &HorizonPlan) {
    let binding: Vec<_> = plan.binding_change_limits().collect();
    let _ = writeln!(out, "<h2>Change limits that bind ({} of {})</h2>", binding.len(), plan.change_limits.len());
    let shown = binding.len().min(SUMMARY_CHANGE_LIMITS);
    for (id, limits) in [("change-limits", &binding[..shown]), ("change-limits-more", &binding[shown..])] {
        if limits.is_empty() {
            continue;
        }
        let folded = id == "change-limits-more";
        if folded {
            let _ = writeln!(out, "<details><summary>The other {} binding change limits</summary>", limits.len());
        }
        let rows = limits
            .iter()
            .map(|limit| {
                vec![
                    text(limit.id.clone()),
                    hours_cell(limit.hours_before),
                    hours_cell(limit.hours),
                    hours_cell(limit.change_hours),
                    hours_cell(limit.allowed_hours),
                    price_cell(limit.worth()),
                ]
            })
            .collect();
        table(
            out,
            id,
            &[("limit", false), ("hours before", true), ("hours", true), ("change", true), ("allowed", true), ("worth per hour", true)],
            rows,
            false,
        );
        if folded {
            out.push_str("</details>\n");
        }
    }
    if !binding.is_empty() {
        out.push_str(
            "<p class=\"note\">Most valuable first. Worth per hour: what one more hour of allowed increase (or decrease) between \
                      the two periods adds to the contribution over the horizon.</p>\n",
        );
    }
}

/// One period's section: its totals, resources, the limits that bind with a price, and its
/// expectations.
fn period_html(out: &mut String, period: &PeriodPlan, currency: &str) {
    let _ = writeln!(
        out,
        "<section id=\"period-{}\">\n<h2>{} ({})</h2>",
        escape(&period.period),
        escape(&period.label),
        escape(&period.period)
    );
    let _ = writeln!(out, "<p>{}</p>", escape(&totals_sentence(&period.plan.totals, currency)));
    out.push_str("<h3>Resources</h3>\n");
    let rows = period
        .plan
        .resources
        .iter()
        .map(|result| {
            vec![
                text(result.name.clone()),
                hours_cell(result.capacity_hours),
                hours_cell(result.expansion_hours),
                hours_cell(result.allocated_hours),
                number(result.utilisation, percent(result.utilisation)),
                number(result.cost_per_hour, money(result.cost_per_hour)),
                price_cell(result.shadow_price),
            ]
        })
        .collect();
    table(
        out,
        &format!("resources-{}", period.period),
        &[
            ("resource", false),
            ("capacity", true),
            ("bought", true),
            ("allocated", true),
            ("utilisation", true),
            ("cost per hour", true),
            ("shadow price", true),
        ],
        rows,
        false,
    );
    out.push_str("<h3>Limits that bind</h3>\n");
    let rows = priced_binding_limits(&period.plan)
        .map(|constraint| {
            let shown = |value: f64| number(value, if constraint.unit.is_hours() { hours(value) } else { percent(value) });
            vec![
                text(constraint.id.clone()),
                shown(constraint.limit),
                shown(constraint.actual),
                number(constraint.shadow_price, money(constraint.shadow_price)),
                text(constraint.unit.name()),
            ]
        })
        .collect();
    table(
        out,
        &format!("limits-{}", period.period),
        &[("limit", false), ("limit", true), ("actual", true), ("shadow price", true), ("per", false)],
        rows,
        false,
    );
    if !period.plan.expectations.is_empty() {
        out.push_str("<h3>Expectations</h3>\n");
        let rows = period.plan.expectations.iter().map(expectation_row).collect();
        table(
            out,
            &format!("expectations-{}", period.period),
            &[("customer", false), ("resource", false), ("kind", false), ("expected", true), ("planned", true), ("penalty", true)],
            rows,
            false,
        );
    }
    out.push_str("</section>\n");
}

fn expectation_row(gap: &ExpectationGap) -> Vec<Cell> {
    vec![
        text(gap.customer.clone()),
        text(gap.resource.clone()),
        text(kind_name(gap)),
        hours_cell(gap.expected_hours),
        hours_cell(gap.planned_hours),
        number(gap.penalty_cost, money(gap.penalty_cost)),
    ]
}

/// `hard` or `soft`, as the instance writes it.
fn kind_name(gap: &ExpectationGap) -> String {
    format!("{:?}", gap.kind).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::SolverChoice;

    fn example() -> HorizonReport {
        let instance =
            crate::model::Instance::from_file(std::path::Path::new("instances/multi-quarter.toml")).expect("the example is valid");
        crate::solve_horizon(&instance, SolverChoice::Auto, false).expect("the example solves")
    }

    /// The first binding change limit each printer lists: the text report's first table row and
    /// the HTML page's.
    fn first_listed(report: &HorizonReport) -> (String, String) {
        let text = render_text(report, &HorizonExtras::default(), &TextOptions::default());
        let table = text.split("\nChange limits that bind").nth(1).expect("binding change limits are listed");
        let in_text = table.lines().nth(3).unwrap().split_whitespace().next().unwrap().to_string();
        let page = render_html(report, &HorizonExtras::default());
        let table = page.split("<table id=\"change-limits\">").nth(1).expect("the page lists them");
        let in_page = table.split("<tbody>\n<tr><td>").nth(1).unwrap().split('<').next().unwrap().to_string();
        (in_text, in_page)
    }

    /// Issue 14: the order of the binding change limits is analysis's, chosen once: every binding
    /// limit, most valuable first, and the printers list them in that order, whatever it is.
    #[test]
    fn issue14_printers_list_the_change_limits_in_the_order_analysis_chose() {
        let mut report = example();
        let plan = report.plan.as_mut().expect("optimal");
        let listed: Vec<&crate::analysis::horizon::ChangeLimitResult> = plan.binding_change_limits().collect();
        assert_eq!(listed.len(), plan.change_limits.iter().filter(|limit| limit.binding).count());
        assert!(listed.len() > SUMMARY_CHANGE_LIMITS, "the example binds more change limits than the summary shows");
        assert!(listed.iter().all(|limit| limit.binding && limit.worth() >= 0.0));
        assert!(listed.windows(2).all(|pair| pair[0].worth() >= pair[1].worth()), "most valuable first");
        let (first, last) = (listed[0].id.clone(), listed.last().unwrap().id.clone());
        assert_ne!(first, last);

        assert_eq!(first_listed(&report), (first.clone(), first));
        report.plan.as_mut().unwrap().binding_by_worth.reverse();
        assert_eq!(first_listed(&report), (last.clone(), last));
    }
}
