//! The HTML report (`solve --format html`): one self-contained page, readable on a laptop and
//! printable. The summary first (status, contribution, what an hour is worth and for how long,
//! the biggest moves, the costliest limits and promises, the largest expectation gaps), then
//! inline SVG charts (the value curve of each resource's capacity, plan against current hours,
//! expectation gaps, the whale curve of contribution, utilisation), then the tables, sortable by
//! a few lines of inline script and readable without it, and the sensitivity report.
//!
//! Nothing is fetched: no external script, stylesheet, font or image.

use std::fmt::Write;

use super::format::{hours, money, percent};
use super::svg::{self, Bar, escape};
use super::text::PRICE_THRESHOLD;
use super::whatif::WhatIf;
use crate::analysis::document::Family;
use crate::analysis::sweep::Sweep;
use crate::analysis::{Plan, SolveReport, Status};

/// What the page shows beyond the solve report: the value curve of each resource's capacity
/// (`None` where it could not be drawn, with the reason).
pub struct HtmlExtras<'a> {
    /// The what-if parts of the solve: scenario, forces, diagnosis.
    pub what_if: WhatIf<'a>,
    /// Per resource id, the exact value curve of its capacity, or why it could not be drawn.
    pub value_curves: Vec<(String, Result<Sweep, String>)>,
}

const STYLE: &str = r#"
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #222;
  max-width: 1240px; margin: 0 auto; padding: 16px 24px 48px; line-height: 1.4; }
h1 { font-size: 1.5em; margin-bottom: 0.1em; }
h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; }
h3 { font-size: 1.02em; margin: 1.1em 0 0.4em; }
.meta { color: #555; margin-top: 0; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
.card { border: 1px solid #d0d7de; border-radius: 6px; padding: 6px 12px; flex: 1 1 130px; }
.card .label { color: #555; font-size: 0.85em; }
.card .value { font-size: 1.25em; font-weight: 600; white-space: nowrap; }
.scroll { overflow-x: auto; max-width: 100%; }
.status-optimal { color: #1a7f37; }
.status-other { color: #c0392b; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 8px 24px; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 0.88em; }
th, td { padding: 3px 8px; border-bottom: 1px solid #e5e5e5; text-align: left; vertical-align: top; white-space: nowrap; }
td.wrap { white-space: normal; min-width: 10em; }
th { background: #f3f5f7; position: sticky; top: 0; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.sortable th { cursor: pointer; }
table.sortable th::after { content: " \2195"; color: #aaa; font-size: 0.8em; }
.note { color: #555; font-size: 0.9em; }
svg { max-width: 100%; height: auto; }
figure { margin: 8px 0 16px; }
.warning { background: #fff4e5; border-left: 4px solid #e67e22; padding: 6px 10px; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  figure, table { break-inside: avoid; }
  th { position: static; }
  .scroll { overflow: visible; }
  table.sortable th::after { content: ""; }
}
"#;

/// Sorts a table by the clicked column: numbers by the value in `data-v`, text as text.
pub(super) const SCRIPT: &str = r#"
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, column) {
    th.addEventListener("click", function () {
      var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      var up = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      var key = function (row) { var cell = row.cells[column]; var v = cell.getAttribute("data-v");
        return v === null ? cell.textContent : parseFloat(v); };
      rows.sort(function (a, b) { var x = key(a), y = key(b);
        var order = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y));
        return up ? order : -order; });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
"#;

/// A cell: text, or a number shown formatted and sorted by its value.
pub(super) enum Cell {
    Text(String),
    /// Text that may wrap over several lines (a meaning, a reading).
    Prose(String),
    Number(f64, String),
}

fn prose(value: impl Into<String>) -> Cell {
    Cell::Prose(value.into())
}

pub(super) fn text(value: impl Into<String>) -> Cell {
    Cell::Text(value.into())
}

pub(super) fn number(value: f64, shown: String) -> Cell {
    Cell::Number(value, shown)
}

/// A table in a horizontally scrolling box; `id` may carry an instance's ids (a period's).
pub(super) fn table(out: &mut String, id: &str, headers: &[(&str, bool)], rows: Vec<Vec<Cell>>, sortable: bool) {
    let _ = writeln!(out, r#"<div class="scroll"><table id="{}"{}>"#, escape(id), if sortable { r#" class="sortable""# } else { "" });
    out.push_str("<thead><tr>");
    for (header, numeric) in headers {
        let _ = write!(out, r#"<th{}>{}</th>"#, if *numeric { r#" class="n""# } else { "" }, escape(header));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            match cell {
                Cell::Text(value) => {
                    let _ = write!(out, "<td>{}</td>", escape(&value));
                }
                Cell::Prose(value) => {
                    let _ = write!(out, r#"<td class="wrap">{}</td>"#, escape(&value));
                }
                Cell::Number(value, shown) => {
                    // The sort key in exponent form when huge ("unlimited" sorts as f64::MAX), not
                    // as 309 digits.
                    let key = if !value.is_finite() {
                        "0".to_string()
                    } else if value.abs() >= 1e15 {
                        format!("{value:e}")
                    } else {
                        value.to_string()
                    };
                    let _ = write!(out, r#"<td class="n" data-v="{key}">{}</td>"#, escape(&shown));
                }
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
}

fn signed(value: f64) -> String {
    format!("{}{}", if value > 0.0 { "+" } else { "" }, hours(value))
}

/// The head of every capplan page, up to the opening of its body: the shared style sheet, then
/// what the page adds to it.
pub(super) fn open_page(out: &mut String, title: &str, extra_style: &str) {
    let _ = writeln!(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">");
    let _ = writeln!(out, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    let _ = writeln!(out, "<title>{}</title>\n<style>{STYLE}{extra_style}</style>\n</head>\n<body>", escape(title));
}

/// The page for one solve.
pub fn render(report: &SolveReport, extras: &HtmlExtras<'_>) -> String {
    let header = &report.header.plan;
    let currency = header.currency.as_str();
    let mut out = String::new();
    open_page(&mut out, &format!("capplan: {}", header.name), "");
    let _ = writeln!(out, "<h1>{}</h1>", escape(&header.name));
    let _ = writeln!(
        out,
        r#"<p class="meta">{} &middot; money in {} &middot; solver {} ({})</p>"#,
        escape(&header.period),
        escape(currency),
        escape(report.backend.name()),
        escape(&report.solver_reason)
    );
    if let Some(scenario) = extras.what_if.scenario {
        let _ = writeln!(
            out,
            r#"<p class="meta">Scenario <strong>{}</strong> ({}){}</p>"#,
            escape(&scenario.name),
            escape(&scenario.file),
            scenario.description.as_ref().map_or(String::new(), |d| format!(": {}", escape(d.trim())))
        );
    }
    for warning in super::warnings(report) {
        let _ = writeln!(out, r#"<p class="warning">Warning: {}</p>"#, escape(&warning));
    }
    if let Some(sentence) = super::cut_short_sentence(report) {
        let _ = writeln!(out, r#"<p class="warning">Cut short: {}</p>"#, escape(&sentence));
    }
    match (&report.plan, report.status) {
        (Some(plan), Status::Optimal) => optimal(&mut out, plan, extras, currency),
        _ => not_optimal(&mut out, report, extras, currency),
    }
    let _ = writeln!(out, "<script>{SCRIPT}</script>\n</body>\n</html>");
    out
}

fn not_optimal(out: &mut String, report: &SolveReport, extras: &HtmlExtras<'_>, currency: &str) {
    let _ = writeln!(
        out,
        r#"<div class="cards"><div class="card"><div class="label">Status</div><div class="value status-other">{}</div></div></div>"#,
        report.status.name()
    );
    let what = match report.status {
        Status::Infeasible => "No plan meets all constraints.",
        Status::Unbounded => {
            "The value can grow without limit: an expansion option without max_hours feeds a response that never saturates."
        }
        Status::TimeLimit => "The solver stopped before a plan was proven optimal; no plan is reported.",
        Status::Optimal => "",
    };
    let _ = writeln!(out, "<p>{}</p>", escape(what));
    if let Some(diagnosis) = extras.what_if.diagnosis {
        let _ = writeln!(out, "<h2>Why no plan exists</h2>\n<ul>");
        for sentence in super::diagnosis::summary(diagnosis) {
            let _ = writeln!(out, "<li>{}</li>", escape(&sentence));
        }
        let _ = writeln!(out, "</ul>\n<h3>Conflicting constraints (a minimal set)</h3>");
        let rows = diagnosis
            .conflict
            .iter()
            .map(|member| vec![text(member.id.clone()), text(member.sense.symbol()), prose(super::diagnosis::meaning(member))])
            .collect();
        table(out, "conflict", &[("constraint", false), ("sense", false), ("meaning", false)], rows, false);
        let _ = writeln!(out, "<h3>Least change that makes a plan possible</h3>\n<ul>");
        for relaxation in &diagnosis.relaxation {
            let _ = writeln!(
                out,
                "<li>{} <span class=\"note\">[{}]</span></li>",
                escape(&super::diagnosis::action(relaxation)),
                escape(&relaxation.id)
            );
        }
        let _ = writeln!(out, "</ul>");
        if let Some(objective) = diagnosis.relaxed_objective {
            let _ = writeln!(out, "<p>With these changes the best plan is worth {} {}.</p>", money(objective), escape(currency));
        }
    }
}

pub(super) fn card(out: &mut String, label: &str, value: &str, class: &str) {
    let _ = writeln!(
        out,
        r#"<div class="card"><div class="label">{}</div><div class="value {class}">{}</div></div>"#,
        escape(label),
        escape(value)
    );
}

fn optimal(out: &mut String, plan: &Plan, extras: &HtmlExtras<'_>, currency: &str) {
    // Summary.
    out.push_str(r#"<section id="summary"><div class="cards">"#);
    card(out, "Status", "optimal", "status-optimal");
    card(out, &format!("Contribution ({currency})"), &money(plan.totals.contribution), "");
    card(out, "Value", &money(plan.totals.value), "");
    card(out, "Hour costs", &money(plan.totals.hour_cost), "");
    card(out, "Expansion", &money(plan.totals.expansion_cost), "");
    card(out, "Expectation penalties", &money(plan.totals.penalty_cost), "");
    out.push_str("</div>\n");
    if plan.totals.priority_adjustment.abs() >= PRICE_THRESHOLD {
        let _ = writeln!(
            out,
            r#"<p class="note">The plan optimises {} {currency}: the contribution plus {} of priority weighting.</p>"#,
            money(plan.objective),
            money(plan.totals.priority_adjustment)
        );
    }
    let _ = writeln!(out, "<h2>What one more hour is worth</h2>");
    let rows = plan
        .resources
        .iter()
        .map(|resource| {
            let range = plan.capacity_range(&resource.resource);
            let side = |value: Option<f64>, sign: &str, none: &str| match range {
                Some(range) if range.ranged => value.map_or_else(|| none.to_string(), |value| format!("{sign}{} h", hours(value))),
                Some(_) => "n/a".to_string(),
                None => "with --sensitivity".to_string(),
            };
            vec![
                text(resource.resource.clone()),
                number(resource.allocated_hours, hours(resource.allocated_hours)),
                number(resource.available_hours, hours(resource.available_hours)),
                number(resource.utilisation, percent(resource.utilisation)),
                number(resource.shadow_price, money(resource.shadow_price)),
                text(side(range.and_then(|r| r.allowable_increase), "+", "any rise")),
                text(side(range.and_then(|r| r.allowable_decrease), "-", "any fall")),
            ]
        })
        .collect();
    table(
        out,
        "resources",
        &[
            ("resource", false),
            ("used (h)", true),
            ("available (h)", true),
            ("utilisation", true),
            (&format!("1 more hour ({currency})"), true),
            ("price holds up", true),
            ("and down", true),
        ],
        rows,
        false,
    );

    let moves = plan.biggest_moves();
    let _ = writeln!(out, "<div class=\"grid\"><div>\n<h3>Biggest moves against the current plan ({} moves)</h3>", moves.len());
    let rows = moves
        .take(8)
        .map(|a| {
            vec![
                text(a.customer.clone()),
                text(a.resource.clone()),
                number(a.current_hours, hours(a.current_hours)),
                number(a.hours, hours(a.hours)),
                number(a.change_hours, signed(a.change_hours)),
            ]
        })
        .collect();
    table(out, "moves", &[("customer", false), ("resource", false), ("current", true), ("planned", true), ("change", true)], rows, false);
    let _ = writeln!(out, "</div><div>\n<h3>Limits and promises that cost most ({currency})</h3>");
    let rows = plan
        .costliest_limits()
        .take(8)
        .map(|c| {
            let (total, reading) = match c.exact_cost {
                Some(cost) if c.family == Family::Expectation && c.falls_short() => (number(cost, money(cost)), "to meet in full"),
                Some(cost) => (number(cost, money(cost)), "gain if dropped"),
                None => (number(0.0, "-".to_string()), "margin only"),
            };
            vec![text(c.id.clone()), number(c.shadow_price, money(c.shadow_price)), total, text(reading)]
        })
        .collect();
    table(out, "costly", &[("limit", false), ("per hour", true), ("total (exact)", true), ("reading", false)], rows, false);
    let _ = writeln!(out, "</div></div>");
    let gaps = plan.largest_gaps();
    if !plan.expectations.is_empty() {
        let _ = writeln!(out, "<h3>Largest expectation gaps ({} of {} expectations short)</h3>", gaps.len(), plan.expectations.len());
        if gaps.len() == 0 {
            let _ = writeln!(out, "<p>Every expectation is met.</p>");
        } else {
            let rows = gaps
                .take(8)
                .map(|g| {
                    vec![
                        text(g.customer.clone()),
                        text(g.resource.clone()),
                        number(g.expected_hours, hours(g.expected_hours)),
                        number(g.planned_hours, hours(g.planned_hours)),
                        number(g.shortfall_hours, hours(g.shortfall_hours)),
                        number(g.penalty_cost, money(g.penalty_cost)),
                    ]
                })
                .collect();
            table(
                out,
                "gaps",
                &[("customer", false), ("resource", false), ("expected", true), ("planned", true), ("short", true), ("penalty", true)],
                rows,
                false,
            );
        }
    }
    out.push_str("</section>\n");

    charts(out, plan, extras, currency);
    tables(out, plan, currency);
    if let Some(sensitivity) = &plan.sensitivity {
        sensitivity_section(out, sensitivity, plan.objective, currency);
    }
}

fn charts(out: &mut String, plan: &Plan, extras: &HtmlExtras<'_>, currency: &str) {
    let _ = writeln!(out, "<section id=\"charts\">\n<h2>Charts</h2>");
    let _ = writeln!(out, "<h3>Value of each resource's capacity</h3>");
    if extras.value_curves.is_empty() {
        let _ = writeln!(out, r#"<p class="note">Not drawn: the curves are of the plan without forces.</p>"#);
    }
    for (resource, curve) in &extras.value_curves {
        match curve {
            Ok(sweep) => {
                let title = format!("Value of {resource} capacity");
                let _ = writeln!(out, "<figure class=\"chart value-curve\">{}</figure>", svg::value_curve(sweep, currency, &title, 900.0));
            }
            Err(why) => {
                let _ = writeln!(out, r#"<p class="note">{}: no curve ({}).</p>"#, escape(resource), escape(why));
            }
        }
    }

    // Plan against current hours per customer, biggest moves first.
    let customers = plan.customers_by_change();
    let total = |hours: &[f64]| hours.iter().sum::<f64>();
    let rows: Vec<Bar> = customers
        .clone()
        .take(30)
        .map(|c| {
            let (planned, current) = (total(&c.hours), total(&c.current_hours));
            Bar { label: c.customer.clone(), value: planned, other: Some(current), note: signed(planned - current) }
        })
        .collect();
    let shown = if customers.len() > rows.len() {
        format!(" (the {} biggest moves of {} customers)", rows.len(), customers.len())
    } else {
        String::new()
    };
    let title = format!("Planned against current hours per customer{shown}");
    let _ = writeln!(
        out,
        "<figure class=\"chart moves\">{}</figure>",
        svg::bars(&title, &rows, Some(("planned", "current")), "hours, all resources", 900.0)
    );

    // Expectation gaps.
    if !plan.expectations.is_empty() {
        let rows: Vec<Bar> = plan
            .expectations_by_shortfall()
            .take(30)
            .map(|g| Bar {
                label: format!("{}/{}", g.customer, g.resource),
                value: g.planned_hours - g.expected_hours,
                other: None,
                note: format!("{} of {} h", hours(g.planned_hours), hours(g.expected_hours)),
            })
            .collect();
        let _ = writeln!(
            out,
            "<figure class=\"chart gaps\">{}</figure>",
            svg::bars("Expectation gaps: planned minus expected hours (left of zero: short)", &rows, None, "hours", 900.0)
        );
    }

    // Whale curve and utilisation.
    let contributions: Vec<f64> = plan.customers.iter().map(|c| c.contribution).collect();
    let _ = writeln!(
        out,
        "<div class=\"grid\"><figure class=\"chart whale\">{}</figure>",
        svg::whale_curve("Whale curve of planned contribution", &contributions, 520.0)
    );
    let rows: Vec<Bar> = plan
        .resources
        .iter()
        .map(|r| Bar {
            label: r.resource.clone(),
            value: r.utilisation * 100.0,
            other: None,
            note: format!("{} of {} h", hours(r.allocated_hours), hours(r.available_hours)),
        })
        .collect();
    let _ = writeln!(
        out,
        "<figure class=\"chart utilisation\">{}</figure></div>",
        svg::bars("Utilisation", &rows, None, "% of available hours", 520.0)
    );
    let whale = plan.highlights.whale;
    let _ = writeln!(
        out,
        r#"<p class="note">With the plan, the most profitable 20 % of customers give {} of the total contribution, the middle 70 % {}, the least profitable 10 % {}{}.</p>"#,
        percent(whale.top_20),
        percent(whale.middle_70),
        percent(whale.bottom_10),
        if plan.customers.len() < 10 { " (few customers: the shares are coarse)" } else { "" }
    );
    out.push_str("</section>\n");
}

fn tables(out: &mut String, plan: &Plan, currency: &str) {
    let _ = writeln!(out, "<section id=\"tables\">\n<h2>Plan</h2>\n<p class=\"note\">Click a column to sort.</p>");
    let mut headers: Vec<(String, bool)> = vec![("customer".into(), false), ("name".into(), false)];
    if !plan.segments.is_empty() {
        headers.push(("segment".into(), false));
    }
    if plan.portfolio.is_some() {
        headers.extend([("category".into(), false), ("outcome".into(), false)]);
    }
    headers.extend(plan.resources.iter().map(|r| (format!("{} (h)", r.resource), true)));
    headers.extend([("value".into(), true), ("hour cost".into(), true), ("penalty".into(), true), ("contribution".into(), true)]);
    let rows = plan
        .customers
        .iter()
        .map(|c| {
            let mut row = vec![text(c.customer.clone()), prose(c.name.clone())];
            if !plan.segments.is_empty() {
                row.push(text(c.segment.clone().unwrap_or_default()));
            }
            if plan.portfolio.is_some() {
                row.extend([text(c.category.clone().unwrap_or_default()), text(c.outcome.label())]);
            }
            row.extend(c.hours.iter().map(|&h| number(h, hours(h))));
            row.extend([
                number(c.value, money(c.value)),
                number(c.hour_cost, money(c.hour_cost)),
                number(c.penalty_cost, money(c.penalty_cost)),
                number(c.contribution, money(c.contribution)),
            ]);
            row
        })
        .collect();
    let headers: Vec<(&str, bool)> = headers.iter().map(|(h, n)| (h.as_str(), *n)).collect();
    table(out, "plan", &headers, rows, true);

    let _ = writeln!(
        out,
        "<h2>Limits</h2>\n<p class=\"note\">Shadow price: {currency} per hour (shares: per percentage point) of one unit more of the limit. Slack: how far the plan is from a limit that does not bind.</p>"
    );
    let rows = plan
        .constraints
        .iter()
        .map(|c| {
            let amount = |value: f64| match c.unit {
                crate::analysis::document::Unit::Hour => hours(value),
                crate::analysis::document::Unit::Currency => money(value),
                _ => percent(value),
            };
            vec![
                text(c.id.clone()),
                text(c.sense.symbol()),
                number(c.limit, amount(c.limit)),
                number(c.actual, amount(c.actual)),
                number(c.slack, amount(c.slack)),
                text(if c.binding { "yes" } else { "" }),
                number(c.shadow_price, money(c.shadow_price)),
                c.exact_cost.map_or_else(|| number(0.0, "-".into()), |cost| number(cost, money(cost))),
                text(c.category.as_ref().map_or("instance".to_string(), |category| format!("{category} policy"))),
            ]
        })
        .collect();
    table(
        out,
        "constraints",
        &[
            ("constraint", false),
            ("sense", false),
            ("limit", true),
            ("actual", true),
            ("slack", true),
            ("binding", false),
            ("shadow price", true),
            ("exact cost", true),
            ("set by", false),
        ],
        rows,
        true,
    );
    let _ = writeln!(out, "<h2>Allocations</h2>");
    let rows = plan
        .allocations
        .iter()
        .map(|a| {
            vec![
                text(a.customer.clone()),
                text(a.resource.clone()),
                number(a.current_hours, hours(a.current_hours)),
                number(a.hours, hours(a.hours)),
                number(a.change_hours, signed(a.change_hours)),
                number(a.marginal_value, money(a.marginal_value)),
                number(a.reduced_cost, money(a.reduced_cost)),
            ]
        })
        .collect();
    table(
        out,
        "allocations",
        &[
            ("customer", false),
            ("resource", false),
            ("current", true),
            ("planned", true),
            ("change", true),
            ("next hour returns", true),
            ("reduced cost", true),
        ],
        rows,
        true,
    );
    out.push_str("</section>\n");
}

fn sensitivity_section(out: &mut String, sensitivity: &crate::analysis::ranging::Sensitivity, objective: f64, currency: &str) {
    let _ = writeln!(out, "<section id=\"sensitivity\">\n<h2>Sensitivity report</h2>");
    let _ = writeln!(
        out,
        "<p class=\"note\">Ranges from the plan's optimal basis where the plan came from capplan's engine, else from re-solves of its LP; {currency} per hour or per percentage point.</p>\n<h3>Constraints</h3>"
    );
    let optional = |value: Option<f64>, show: &dyn Fn(f64) -> String| {
        value.map_or_else(|| number(f64::MAX, "unlimited".into()), |v| number(v, show(v)))
    };
    let rows = sensitivity
        .constraints
        .iter()
        .map(|range| {
            let amount = |value: f64| if range.unit.is_hours() { format!("{} h", hours(value)) } else { percent(value) };
            vec![
                text(format!("{} {}", range.id, range.sense.symbol())),
                number(range.actual, amount(range.actual)),
                number(range.shadow_price, money(range.shadow_price)),
                number(range.limit, amount(range.limit)),
                if range.ranged { optional(range.allowable_increase, &amount) } else { text("n/a") },
                if range.ranged { optional(range.allowable_decrease, &amount) } else { text("n/a") },
                // An unranged limit has no one-sided values: n/a, as in the text report, not
                // "infeasible".
                if range.ranged { range.next_unit.value.map_or_else(|| text("infeasible"), |v| number(v, money(v))) } else { text("n/a") },
                if range.ranged { range.last_unit.value.map_or_else(|| text("infeasible"), |v| number(v, money(v))) } else { text("n/a") },
            ]
        })
        .collect();
    table(
        out,
        "sensitivity-constraints",
        &[
            ("constraint", false),
            ("final value", true),
            ("shadow price", true),
            ("limit", true),
            ("allowable increase", true),
            ("allowable decrease", true),
            ("1 unit more", true),
            ("1 unit less", true),
        ],
        rows,
        true,
    );
    let _ = writeln!(out, "<h3>Allocations: value per hour over which the plan stays optimal</h3>");
    let rows = sensitivity
        .allocations
        .iter()
        .map(|a| {
            vec![
                text(a.customer.clone()),
                text(a.resource.clone()),
                number(a.hours, hours(a.hours)),
                number(a.reduced_cost, money(a.reduced_cost)),
                number(a.marginal_value, money(a.marginal_value)),
                optional(a.allowable_increase, &money),
                optional(a.allowable_decrease, &money),
            ]
        })
        .collect();
    table(
        out,
        "sensitivity-allocations",
        &[
            ("customer", false),
            ("resource", false),
            ("final hours", true),
            ("reduced cost", true),
            ("value/hour", true),
            ("allowable increase", true),
            ("allowable decrease", true),
        ],
        rows,
        true,
    );
    limits_table(out, sensitivity, objective, currency);
    out.push_str("</section>\n");
}

/// The Limits report, as Excel Solver's: each allocation moved alone with the rest of the plan
/// held, its fewest and most hours, the objective there and the constraints that stop it.
fn limits_table(out: &mut String, sensitivity: &crate::analysis::ranging::Sensitivity, objective: f64, currency: &str) {
    let _ = writeln!(
        out,
        "<h3>Limits: each allocation moved alone, the rest of the plan held</h3>\n<p class=\"note\">As Excel Solver's Limits report: the fewest and the most hours an allocation can have while every other allocation and expansion stays as planned, and the objective there, read off the model's own curves, as its change against the plan's {} {currency} (the JSON report and the workbook give it whole). Set by -: the hours stop at 0 h, as they are never negative.</p>",
        money(objective)
    );
    let set_by = |ids: &[String]| prose(if ids.is_empty() { "-".to_string() } else { ids.join(", ") });
    let rows = sensitivity
        .limits
        .iter()
        .map(|limits| {
            let change = |at: f64| number(at - objective, money(at - objective));
            let mut row = vec![
                text(limits.customer.clone()),
                text(limits.resource.clone()),
                number(limits.hours, hours(limits.hours)),
                number(limits.lower.hours, hours(limits.lower.hours)),
                change(limits.lower.objective),
                set_by(&limits.lower.set_by),
            ];
            match &limits.upper {
                Some(upper) => row.extend([number(upper.hours, hours(upper.hours)), change(upper.objective), set_by(&upper.set_by)]),
                None => row.extend([number(f64::MAX, "unlimited".into()), text("-"), text("-")]),
            }
            row
        })
        .collect();
    table(
        out,
        "sensitivity-limits",
        &[
            ("customer", false),
            ("resource", false),
            ("hours", true),
            ("lower (h)", true),
            ("objective change", true),
            ("set by", false),
            ("upper (h)", true),
            ("objective change", true),
            ("set by", false),
        ],
        rows,
        true,
    );
}
