//! Printers for `capplan sweep`: a text table, JSON, CSV, and an SVG chart of the value curve.

use std::fmt::Write;

use serde::Serialize;

use super::format::{grouped_number, hours, money, percent};
use super::table::Table;
use crate::analysis::sweep::{Sweep, SweepPoint, SweepSegment};
use crate::model::Instance;

/// A limit in its own unit: hours, or shares as percent.
fn limit_text(sweep: &Sweep, value: f64) -> String {
    if sweep.unit.is_hours() { format!("{} h", hours(value)) } else { percent(value) }
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

pub fn render_text(instance: &Instance, sweep: &Sweep) -> String {
    let currency = instance.plan.currency.as_str();
    let per = if sweep.unit.is_hours() { "hour" } else { "percentage point" };
    let mut out = String::new();
    let _ = writeln!(out, "capplan sweep: {} ({}, {}, {currency})", instance.plan.name, instance.plan.period, sweep.constraint);
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

#[derive(Serialize)]
struct JsonSweep<'a> {
    schema_version: u32,
    capplan_version: &'static str,
    plan: &'a str,
    period: &'a str,
    currency: &'a str,
    sweep: &'a Sweep,
}

pub fn render_json(instance: &Instance, sweep: &Sweep) -> String {
    let document = JsonSweep {
        schema_version: super::JSON_SCHEMA_VERSION,
        capplan_version: env!("CARGO_PKG_VERSION"),
        plan: &instance.plan.name,
        period: &instance.plan.period,
        currency: &instance.plan.currency,
        sweep,
    };
    let mut value = serde_json::to_value(&document).expect("sweep types serialise to JSON");
    super::json::round_numbers(&mut value);
    let mut text = serde_json::to_string_pretty(&value).expect("a JSON value prints");
    text.push('\n');
    text
}

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

/// About `count` round tick values covering `[low, high]`: steps of 1, 2 or 5 times a power of ten.
fn ticks(low: f64, high: f64, count: usize) -> (Vec<f64>, f64) {
    let span = (high - low).max(f64::MIN_POSITIVE);
    let raw = span / count as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * magnitude).find(|step| *step >= raw).unwrap_or(10.0 * magnitude);
    let first = (low / step).ceil() as i64;
    let last = (high / step).floor() as i64;
    ((first..=last).map(|k| k as f64 * step).collect(), step)
}

/// Decimals that tell ticks `step` apart.
fn tick_decimals(step: f64) -> usize {
    (-step.log10().floor()).max(0.0) as usize
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// An SVG line chart of the value curve: the objective over the limit, breakpoints marked, the
/// marginal value written on each piece when there is room, infeasible stretches shaded, the
/// current limit marked.
pub fn render_svg(instance: &Instance, sweep: &Sweep) -> String {
    const WIDTH: f64 = 900.0;
    const HEIGHT: f64 = 520.0;
    const LEFT: f64 = 110.0;
    const RIGHT: f64 = 30.0;
    const TOP: f64 = 60.0;
    const BOTTOM: f64 = 70.0;
    let currency = escape(&instance.plan.currency);
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let (mut low, mut high) = sweep
        .points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), point| (low.min(point.objective), high.max(point.objective)));
    if !low.is_finite() {
        (low, high) = (0.0, 1.0);
    }
    let pad = ((high - low) * 0.08).max(1.0);
    let (low, high) = (low - pad, high + pad);
    let x = |limit: f64| LEFT + (limit - sweep.from) / (sweep.to - sweep.from) * plot_width;
    let y = |objective: f64| TOP + (high - objective) / (high - low) * plot_height;
    let limit_label = |value: f64| if sweep.unit.is_hours() { hours(value) } else { percent(value) };
    let tick_label = |value: f64, step: f64| {
        if sweep.unit.is_hours() {
            grouped_number(value, tick_decimals(step))
        } else {
            format!("{} %", grouped_number(value * 100.0, tick_decimals(step * 100.0)))
        }
    };
    let unit = if sweep.unit.is_hours() { "hours" } else { "share" };

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(svg, r#"<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>"#);
    let _ = writeln!(
        svg,
        r#"<text x="{:.2}" y="28" font-size="16" text-anchor="middle">Value of {}: objective ({currency}) by limit ({unit})</text>"#,
        WIDTH / 2.0,
        escape(&sweep.constraint)
    );
    let _ = writeln!(
        svg,
        r##"<text x="{:.2}" y="46" text-anchor="middle" fill="#555">{}, {}</text>"##,
        WIDTH / 2.0,
        escape(&instance.plan.name),
        escape(&instance.plan.period)
    );
    for (from, to) in infeasible_stretches(sweep) {
        let _ = writeln!(
            svg,
            r##"<rect x="{:.2}" y="{TOP:.2}" width="{:.2}" height="{plot_height:.2}" fill="#e6e6e6"/><text x="{:.2}" y="{:.2}" text-anchor="middle" fill="#777">infeasible</text>"##,
            x(from),
            x(to) - x(from),
            (x(from) + x(to)) / 2.0,
            TOP + 20.0
        );
    }
    let (value_ticks, value_step) = ticks(low, high, 6);
    for tick in value_ticks {
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT:.2}" y1="{0:.2}" x2="{1:.2}" y2="{0:.2}" stroke="#ddd"/><text x="{2:.2}" y="{3:.2}" text-anchor="end">{4}</text>"##,
            y(tick),
            LEFT + plot_width,
            LEFT - 8.0,
            y(tick) + 4.0,
            grouped_number(tick, tick_decimals(value_step))
        );
    }
    let (limit_ticks, limit_step) = ticks(sweep.from, sweep.to, 8);
    for tick in limit_ticks {
        let _ = writeln!(
            svg,
            r##"<line x1="{0:.2}" y1="{1:.2}" x2="{0:.2}" y2="{2:.2}" stroke="#333"/><text x="{0:.2}" y="{3:.2}" text-anchor="middle">{4}</text>"##,
            x(tick),
            TOP + plot_height,
            TOP + plot_height + 6.0,
            TOP + plot_height + 22.0,
            tick_label(tick, limit_step)
        );
    }
    let _ = writeln!(
        svg,
        r##"<rect x="{LEFT:.2}" y="{TOP:.2}" width="{plot_width:.2}" height="{plot_height:.2}" fill="none" stroke="#333"/>"##
    );
    let _ = writeln!(
        svg,
        r#"<text x="{:.2}" y="{:.2}" text-anchor="middle">{} limit ({unit})</text>"#,
        LEFT + plot_width / 2.0,
        HEIGHT - 20.0,
        escape(&sweep.constraint)
    );
    let _ = writeln!(
        svg,
        r#"<text x="20" y="{0:.2}" text-anchor="middle" transform="rotate(-90 20 {0:.2})">objective ({currency})</text>"#,
        TOP + plot_height / 2.0
    );
    if !sweep.points.is_empty() {
        let path: Vec<String> = sweep.points.iter().map(|point| format!("{:.2},{:.2}", x(point.limit), y(point.objective))).collect();
        let _ = writeln!(svg, r##"<polyline points="{}" fill="none" stroke="#1f5fa8" stroke-width="2.5"/>"##, path.join(" "));
        for point in &sweep.points {
            let _ = writeln!(svg, r##"<circle cx="{:.2}" cy="{:.2}" r="3.5" fill="#1f5fa8"/>"##, x(point.limit), y(point.objective));
        }
        segment_labels(&mut svg, sweep, &x, &y);
    }
    if let Some(objective) = sweep.current_objective {
        let (cx, cy) = (x(sweep.current_limit), y(objective));
        let _ = writeln!(
            svg,
            r##"<line x1="{cx:.2}" y1="{TOP:.2}" x2="{cx:.2}" y2="{:.2}" stroke="#c0392b" stroke-dasharray="5,4"/><circle cx="{cx:.2}" cy="{cy:.2}" r="6" fill="none" stroke="#c0392b" stroke-width="2"/><text x="{:.2}" y="{:.2}" fill="#c0392b">current {}: {} {currency}</text>"##,
            TOP + plot_height,
            cx + 8.0,
            (cy + 20.0).min(TOP + plot_height - 8.0),
            limit_label(sweep.current_limit),
            money(objective)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// Writes each piece's marginal value at its middle when the piece is wide enough to carry it.
fn segment_labels(svg: &mut String, sweep: &Sweep, x: &dyn Fn(f64) -> f64, y: &dyn Fn(f64) -> f64) {
    let per = if sweep.unit.is_hours() { "/h" } else { "/pt" };
    for SweepSegment { from, to, objective_from, objective_to, marginal_value } in &sweep.segments {
        if x(*to) - x(*from) < 70.0 {
            continue;
        }
        let middle = SweepPoint { limit: (from + to) / 2.0, objective: (objective_from + objective_to) / 2.0 };
        let _ = writeln!(
            svg,
            r##"<text x="{:.2}" y="{:.2}" text-anchor="middle" fill="#1f5fa8">{}{per}</text>"##,
            x(middle.limit),
            y(middle.objective) - 10.0,
            money(*marginal_value)
        );
    }
}
