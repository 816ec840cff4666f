//! Printers for `capplan sweep`: a text table, JSON, CSV, and an SVG chart of the value curve.

use std::fmt::Write;

use serde::Serialize;

use super::format::{hours, money, percent};
use super::table::Table;
use crate::analysis::document::Unit;
use crate::analysis::sweep::Sweep;

/// A limit in its own unit: hours, shares as percent, or money (a CVaR floor).
fn limit_text(sweep: &Sweep, value: f64) -> String {
    match sweep.unit {
        Unit::PercentagePoint => percent(value),
        Unit::Currency => money(value),
        _ => format!("{} h", hours(value)),
    }
}

/// The stretches of `[from, to]` where no plan is feasible.
fn infeasible_stretches(sweep: &Sweep) -> Vec<(f64, f64)> {
    match (sweep.feasible_from, sweep.feasible_to) {
        (Some(low), Some(high)) => {
            let mut stretches = Vec::new();
            if low > sweep.from {
                stretches.push((sweep.from, low));
            }
            if high < sweep.to {
                stretches.push((high, sweep.to));
            }
            stretches
        }
        _ => vec![(sweep.from, sweep.to)],
    }
}

/// The sweep as text: the breakpoints and the marginal value on each piece, infeasible stretches
/// marked.
pub fn render_text(sweep: &Sweep) -> String {
    let header = &sweep.header;
    let currency = header.currency.as_str();
    let per = match sweep.unit {
        Unit::PercentagePoint => "percentage point",
        Unit::Currency => "currency unit",
        _ => "hour",
    };
    let mut out = String::new();
    let _ = writeln!(out, "capplan sweep: {} ({}, {}, {currency})", header.name, header.period, sweep.constraint);
    let text = format!(
        "Limit {} {} swept from {} to {}; the objective is exact between the points below (straight lines).",
        sweep.constraint,
        sweep.sense.symbol(),
        limit_text(sweep, sweep.from),
        limit_text(sweep, sweep.to)
    );
    super::table::hanging(&mut out, &text, super::text::DEFAULT_WIDTH);
    match sweep.current_objective {
        Some(objective) => {
            let _ = writeln!(out, "Current limit: {}, objective {} {currency}", limit_text(sweep, sweep.current_limit), money(objective));
        }
        None => {
            let _ = writeln!(out, "Current limit: {} (outside the feasible part of the sweep)", limit_text(sweep, sweep.current_limit));
        }
    }
    for (from, to) in infeasible_stretches(sweep) {
        let _ = writeln!(out, "Infeasible from {} to {}: no plan meets every limit there.", limit_text(sweep, from), limit_text(sweep, to));
    }
    if sweep.points.is_empty() {
        return out;
    }
    let _ = writeln!(out, "\nBreakpoints");
    let mut table = Table::new(&[("limit", true), (&format!("objective ({currency})"), true)]);
    for point in &sweep.points {
        table.row(vec![limit_text(sweep, point.limit), money(point.objective)]);
    }
    table.render_within(&mut out, super::text::DEFAULT_WIDTH);
    let _ = writeln!(out, "\nSegments");
    let mut table = Table::new(&[
        ("from", true),
        ("to", true),
        (&format!("objective from ({currency})"), true),
        (&format!("objective to ({currency})"), true),
        (&format!("marginal value ({currency} per {per})"), true),
    ]);
    for segment in &sweep.segments {
        table.row(vec![
            limit_text(sweep, segment.from),
            limit_text(sweep, segment.to),
            money(segment.objective_from),
            money(segment.objective_to),
            money(segment.marginal_value),
        ]);
    }
    table.render_within(&mut out, super::text::DEFAULT_WIDTH);
    out
}

/// The document of `capplan sweep --format json` (docs/sensitivity.md, "capplan sweep").
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "SweepReport")]
pub(super) struct JsonSweep<'a> {
    /// The layout version of this document (docs/json-output.md, "Versioning").
    #[schemars(schema_with = "super::schema::version")]
    schema_version: u32,
    /// The version of capplan that wrote the document.
    capplan_version: &'static str,
    /// `plan.name` from the instance.
    plan: &'a str,
    /// `plan.period` from the instance.
    period: &'a str,
    /// `plan.currency`: the currency of every money amount in the document.
    currency: &'a str,
    /// The exact value curve of the swept limit.
    sweep: &'a Sweep,
}

/// The sweep as one JSON document (`capplan schema sweep`), with a final line break.
pub fn render_json(sweep: &Sweep) -> String {
    let header = &sweep.header;
    let document = JsonSweep {
        schema_version: super::JSON_SCHEMA_VERSION,
        capplan_version: env!("CARGO_PKG_VERSION"),
        plan: &header.name,
        period: &header.period,
        currency: &header.currency,
        sweep,
    };
    let mut value = serde_json::to_value(&document).expect("sweep types serialise to JSON");
    super::json::round_numbers(&mut value);
    let mut text = serde_json::to_string_pretty(&value).expect("a JSON value prints");
    text.push('\n');
    text
}

/// The header row of the sweep's CSV: one row per piece and per infeasible stretch.
pub const CSV_HEADER: &str = "limit_from,limit_to,status,objective_from,objective_to,marginal_value";

/// One row per piece of the curve and per infeasible stretch, in limit order.
pub fn render_csv(sweep: &Sweep) -> String {
    use super::csv::number;
    let mut rows: Vec<(f64, String)> = Vec::new();
    for (from, to) in infeasible_stretches(sweep) {
        rows.push((from, format!("{},{},infeasible,,,", number(from), number(to))));
    }
    for segment in &sweep.segments {
        rows.push((
            segment.from,
            format!(
                "{},{},optimal,{},{},{}",
                number(segment.from),
                number(segment.to),
                number(segment.objective_from),
                number(segment.objective_to),
                number(segment.marginal_value)
            ),
        ));
    }
    // A feasible part that is a single point has no piece; it still gets a row.
    if sweep.segments.is_empty()
        && let Some(point) = sweep.points.first()
    {
        rows.push((
            point.limit,
            format!("{},{},optimal,{},{},", number(point.limit), number(point.limit), number(point.objective), number(point.objective)),
        ));
    }
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out = String::from(CSV_HEADER);
    out.push('\n');
    for (_, row) in rows {
        out.push_str(&row);
        out.push('\n');
    }
    out
}

/// An SVG chart of the value curve (see [`super::svg::value_curve`]): the objective over the
/// limit with its breakpoints, the value per unit on each piece as a step chart with its value
/// written where it fits, infeasible stretches shaded, the current limit marked.
pub fn render_svg(sweep: &Sweep) -> String {
    let header = &sweep.header;
    let title = format!("Value of {}: {} ({})", sweep.constraint, header.name, header.period);
    super::svg::value_curve(sweep, &header.currency, &title, 900.0)
}
