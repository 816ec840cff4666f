//! SVG charts, written directly: the value curve of a limit (objective and value per hour over
//! the limit, the current point marked), paired horizontal bars (plan against current hours),
//! single bars (expectation gaps, utilisation) and the whale curve of contribution.
//!
//! Why hand-written: the charts are a few dozen elements each, they must be byte-identical for
//! identical input, carry no script or font, and place their labels so that no line crosses them;
//! a charting crate would add a dependency tree for less control over exactly that.

use std::fmt::Write;

use super::format::{grouped_number, hours, money, percent};
use crate::analysis::sweep::Sweep;

/// Text that is safe inside SVG and HTML.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// About `count` round tick values covering `[low, high]`: steps of 1, 2 or 5 times a power of ten.
pub fn ticks(low: f64, high: f64, count: usize) -> (Vec<f64>, f64) {
    let span = (high - low).max(1e-9);
    let raw = span / count as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * magnitude).find(|step| *step >= raw).unwrap_or(10.0 * magnitude);
    let first = (low / step).ceil() as i64;
    let last = (high / step).floor() as i64;
    ((first..=last).map(|k| k as f64 * step).collect(), step)
}

/// Decimals that tell ticks `step` apart.
pub fn tick_decimals(step: f64) -> usize {
    (-step.log10().floor()).max(0.0) as usize
}

/// Width of a label in pixels at 12 px sans-serif (a generous average).
pub(super) fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * 7.0
}

/// A linear map from data to pixels.
#[derive(Clone, Copy)]
pub(super) struct Scale {
    from: (f64, f64),
    to: (f64, f64),
}

impl Scale {
    pub(super) fn new(low: f64, high: f64, pixel_low: f64, pixel_high: f64) -> Scale {
        let high = if high > low { high } else { low + 1.0 };
        Scale { from: (low, high), to: (pixel_low, pixel_high) }
    }

    pub(super) fn at(&self, value: f64) -> f64 {
        self.to.0 + (value - self.from.0) / (self.from.1 - self.from.0) * (self.to.1 - self.to.0)
    }
}

pub(super) fn open_svg(svg: &mut String, width: f64, height: f64, title: &str) {
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12" role="img" aria-label="{}">"#,
        escape(title)
    );
    let _ = writeln!(svg, "<title>{}</title>", escape(title));
    let _ = writeln!(svg, r#"<rect width="{width}" height="{height}" fill="white"/>"#);
}

pub(super) const BLUE: &str = "#1f5fa8";
pub(super) const RED: &str = "#c0392b";
pub(super) const GREY: &str = "#9aa5b1";

/// The part of a sweep a chart shows: all of it, or, when the bends sit in a small part of a
/// long sweep, that part with a margin (the straight rest is said in words under the chart).
fn shown_range(sweep: &Sweep) -> (f64, f64) {
    let (from, to) = (sweep.from, sweep.to);
    let bends: Vec<f64> = sweep.points.iter().map(|point| point.limit).filter(|&limit| limit > from && limit < to).collect();
    let (Some(&first), Some(&last)) = (bends.first(), bends.last()) else {
        return (from, to);
    };
    let mut low = first.min(sweep.current_limit.max(from));
    let mut high = last.max(sweep.current_limit.min(to));
    // Bends over a fifth of the sweep or more are drawn on the whole of it.
    if high - low >= 0.2 * (to - from) {
        return (from, to);
    }
    let span = (high - low).max((to - from) * 0.02);
    low = (low - span * 0.5).max(from);
    high = (high + span * 0.5).min(to);
    (low, high)
}

/// The value curve of a limit in two panels over the same limit axis: the objective (with each
/// breakpoint and the current point), and the value of one more unit on each piece, a step
/// chart on which every bend is a visible step and each piece carries its value where it fits.
pub fn value_curve(sweep: &Sweep, currency: &str, title: &str, width: f64) -> String {
    const LEFT: f64 = 100.0;
    const RIGHT: f64 = 24.0;
    let top_panel = (56.0, 236.0);
    let bottom_panel = (276.0, 416.0);
    let height = 476.0;
    let plot_right = width - RIGHT;
    let hours_unit = sweep.unit != crate::analysis::document::Unit::PercentagePoint;
    let per = match sweep.unit {
        crate::analysis::document::Unit::PercentagePoint => "pt",
        crate::analysis::document::Unit::Currency => "unit",
        _ => "h",
    };
    let limit_label = |value: f64| match sweep.unit {
        crate::analysis::document::Unit::PercentagePoint => percent(value),
        crate::analysis::document::Unit::Currency => money(value),
        _ => format!("{} h", hours(value)),
    };
    let (low, high) = shown_range(sweep);
    let x = Scale::new(low, high, LEFT, plot_right);

    let mut svg = String::new();
    open_svg(&mut svg, width, height, title);
    let _ = writeln!(svg, r#"<text x="{LEFT}" y="20" font-size="15" font-weight="bold">{}</text>"#, escape(title));
    let current = match sweep.current_objective {
        Some(objective) => format!("current: {}, objective {} {currency}", limit_label(sweep.current_limit), money(objective)),
        None => format!("current: {} (outside the feasible part)", limit_label(sweep.current_limit)),
    };
    let _ = writeln!(svg, r##"<text x="{LEFT}" y="40" fill="{RED}">● {}</text>"##, escape(&current));

    // Objective panel.
    let visible: Vec<(f64, f64)> = curve_within(sweep, low, high);
    let (mut y_low, mut y_high) =
        visible.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &(_, objective)| (lo.min(objective), hi.max(objective)));
    if !y_low.is_finite() {
        (y_low, y_high) = (0.0, 1.0);
    }
    let pad = ((y_high - y_low) * 0.1).max(1.0);
    let y = Scale::new(y_low - pad, y_high + pad, top_panel.1, top_panel.0);
    let (value_ticks, value_step) = ticks(y_low - pad, y_high + pad, 4);
    for tick in value_ticks {
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{0:.1}" x2="{plot_right}" y2="{0:.1}" stroke="#e3e3e3"/><text x="{1}" y="{2:.1}" text-anchor="end">{3}</text>"##,
            y.at(tick),
            LEFT - 6.0,
            y.at(tick) + 4.0,
            grouped_number(tick, tick_decimals(value_step))
        );
    }
    let _ = writeln!(
        svg,
        r#"<text x="16" y="{0:.1}" text-anchor="middle" transform="rotate(-90 16 {0:.1})">objective ({1})</text>"#,
        (top_panel.0 + top_panel.1) / 2.0,
        escape(currency)
    );
    infeasible_shading(&mut svg, sweep, &x, top_panel, low, high);
    if visible.len() >= 2 {
        let path: Vec<String> = visible.iter().map(|&(limit, objective)| format!("{:.1},{:.1}", x.at(limit), y.at(objective))).collect();
        let _ = writeln!(svg, r#"<polyline points="{}" fill="none" stroke="{BLUE}" stroke-width="2.5"/>"#, path.join(" "));
    }
    for point in sweep.points.iter().filter(|point| point.limit >= low && point.limit <= high) {
        let _ = writeln!(svg, r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{BLUE}"/>"#, x.at(point.limit), y.at(point.objective));
    }
    let _ = writeln!(
        svg,
        r##"<rect x="{LEFT}" y="{}" width="{:.1}" height="{}" fill="none" stroke="#555"/>"##,
        top_panel.0,
        plot_right - LEFT,
        top_panel.1 - top_panel.0
    );

    // Value-per-unit panel: a step per piece.
    let pieces: Vec<_> = sweep.segments.iter().filter(|piece| piece.to > low && piece.from < high).collect();
    let (mut v_low, mut v_high) =
        pieces.iter().fold((0.0_f64, f64::NEG_INFINITY), |(lo, hi), piece| (lo.min(piece.marginal_value), hi.max(piece.marginal_value)));
    if !v_high.is_finite() || v_high <= v_low {
        v_high = v_low + 1.0;
    }
    // Headroom for the label above the highest step.
    let v_pad = (v_high - v_low) * 0.22;
    v_low = v_low.min(0.0);
    let v = Scale::new(v_low, v_high + v_pad, bottom_panel.1, bottom_panel.0);
    let (v_ticks, v_step) = ticks(v_low, v_high + v_pad, 3);
    for tick in v_ticks {
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{0:.1}" x2="{plot_right}" y2="{0:.1}" stroke="#e3e3e3"/><text x="{1}" y="{2:.1}" text-anchor="end">{3}</text>"##,
            v.at(tick),
            LEFT - 6.0,
            v.at(tick) + 4.0,
            grouped_number(tick, tick_decimals(v_step).max(if v_step < 1.0 { 2 } else { 0 }))
        );
    }
    let _ = writeln!(
        svg,
        r#"<text x="16" y="{0:.1}" text-anchor="middle" transform="rotate(-90 16 {0:.1})">per {per} ({1})</text>"#,
        (bottom_panel.0 + bottom_panel.1) / 2.0,
        escape(currency)
    );
    infeasible_shading(&mut svg, sweep, &x, bottom_panel, low, high);
    let mut steps = Vec::new();
    for piece in &pieces {
        let (from, to) = (piece.from.max(low), piece.to.min(high));
        steps.push(format!("{:.1},{:.1} {:.1},{:.1}", x.at(from), v.at(piece.marginal_value), x.at(to), v.at(piece.marginal_value)));
    }
    if !steps.is_empty() {
        let _ = writeln!(svg, r#"<polyline points="{}" fill="none" stroke="{BLUE}" stroke-width="2.5"/>"#, steps.join(" "));
    }
    // Each label sits above its own step and within its width: the step to its left is higher
    // and ends at the label's left edge, the one to its right is lower, so no line crosses it.
    for piece in &pieces {
        let (from, to) = (piece.from.max(low), piece.to.min(high));
        let label = format!("{}/{per}", money(piece.marginal_value));
        let room = x.at(to) - x.at(from);
        let middle = (x.at(from) + x.at(to)) / 2.0;
        let step_y = v.at(piece.marginal_value);
        if room >= text_width(&label) + 6.0 {
            let _ = writeln!(
                svg,
                r#"<text x="{middle:.1}" y="{:.1}" text-anchor="middle" fill="{BLUE}">{}</text>"#,
                step_y - 6.0,
                escape(&label)
            );
        } else if room >= 15.0 && bottom_panel.1 - step_y >= text_width(&label) + 8.0 {
            // A narrow piece: upright under its own step, where no line runs.
            let _ = writeln!(
                svg,
                r#"<text x="{0:.1}" y="{1:.1}" text-anchor="end" fill="{BLUE}" transform="rotate(-90 {0:.1} {1:.1})">{2}</text>"#,
                middle + 4.0,
                step_y + 4.0,
                escape(&label)
            );
        }
    }
    let _ = writeln!(
        svg,
        r##"<rect x="{LEFT}" y="{}" width="{:.1}" height="{}" fill="none" stroke="#555"/>"##,
        bottom_panel.0,
        plot_right - LEFT,
        bottom_panel.1 - bottom_panel.0
    );

    // The limit axis under both panels.
    let (limit_ticks, limit_step) = ticks(low, high, ((plot_right - LEFT) / 110.0).max(3.0) as usize);
    for tick in limit_ticks {
        let label = if hours_unit {
            grouped_number(tick, tick_decimals(limit_step))
        } else {
            format!("{} %", grouped_number(tick * 100.0, tick_decimals(limit_step * 100.0)))
        };
        let _ = writeln!(
            svg,
            r##"<line x1="{0:.1}" y1="{1}" x2="{0:.1}" y2="{2}" stroke="#555"/><text x="{0:.1}" y="{3}" text-anchor="middle">{4}</text>"##,
            x.at(tick),
            bottom_panel.1,
            bottom_panel.1 + 5.0,
            bottom_panel.1 + 19.0,
            label
        );
    }
    let axis = match sweep.unit {
        crate::analysis::document::Unit::PercentagePoint => "limit (share)",
        crate::analysis::document::Unit::Currency => "limit (currency)",
        _ => "limit (hours)",
    };
    let _ =
        writeln!(svg, r#"<text x="{:.1}" y="{}" text-anchor="middle">{}</text>"#, (LEFT + plot_right) / 2.0, bottom_panel.1 + 38.0, axis);

    // The current point: a dashed line through the objective panel (which carries no text) and a
    // mark on the limit axis, so that no line crosses a piece's label.
    if sweep.current_limit >= low && sweep.current_limit <= high {
        let cx = x.at(sweep.current_limit);
        let _ = writeln!(
            svg,
            r#"<line x1="{cx:.1}" y1="{}" x2="{cx:.1}" y2="{}" stroke="{RED}" stroke-dasharray="4,4"/>"#,
            top_panel.0, top_panel.1
        );
        let _ = writeln!(svg, r#"<path d="M{cx:.1},{0:.1} l-6,9 h12 z" fill="{RED}"/>"#, bottom_panel.1 - 9.0);
        if let Some(objective) = sweep.current_objective {
            let _ =
                writeln!(svg, r#"<circle cx="{cx:.1}" cy="{:.1}" r="6" fill="none" stroke="{RED}" stroke-width="2.5"/>"#, y.at(objective));
        }
    }
    // What the chart leaves out of a long sweep.
    let mut notes = Vec::new();
    if low > sweep.from {
        notes.push(format!("from {} to {}", limit_label(sweep.from), limit_label(low)));
    }
    if high < sweep.to {
        notes.push(format!("from {} to {}", limit_label(high), limit_label(sweep.to)));
    }
    if !notes.is_empty() {
        let _ = writeln!(
            svg,
            r##"<text x="{LEFT}" y="{}" fill="#555">Not drawn (straight, no bend): {}.</text>"##,
            height - 6.0,
            escape(&notes.join("; "))
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// The curve's points within `[low, high]`, with the ends cut at the edges.
fn curve_within(sweep: &Sweep, low: f64, high: f64) -> Vec<(f64, f64)> {
    let mut points = Vec::new();
    for piece in &sweep.segments {
        if piece.to < low || piece.from > high {
            continue;
        }
        let at = |limit: f64| {
            piece.objective_from + (limit - piece.from) * (piece.objective_to - piece.objective_from) / (piece.to - piece.from).max(1e-12)
        };
        let (from, to) = (piece.from.max(low), piece.to.min(high));
        if points.last().is_none_or(|&(last, _): &(f64, f64)| (last - from).abs() > 1e-9) {
            points.push((from, at(from)));
        }
        points.push((to, at(to)));
    }
    if points.is_empty() {
        points.extend(sweep.points.iter().filter(|p| p.limit >= low && p.limit <= high).map(|p| (p.limit, p.objective)));
    }
    points
}

fn infeasible_shading(svg: &mut String, sweep: &Sweep, x: &Scale, panel: (f64, f64), low: f64, high: f64) {
    let stretches: Vec<(f64, f64)> = match (sweep.feasible_from, sweep.feasible_to) {
        (Some(from), Some(to)) => [(sweep.from, from), (to, sweep.to)].into_iter().filter(|(a, b)| b > a).collect(),
        _ => vec![(sweep.from, sweep.to)],
    };
    for (from, to) in stretches {
        let (from, to) = (from.max(low), to.min(high));
        if to <= from {
            continue;
        }
        let _ = writeln!(
            svg,
            r##"<rect x="{:.1}" y="{}" width="{:.1}" height="{}" fill="#ececec"/><text x="{:.1}" y="{}" text-anchor="middle" fill="#777">infeasible</text>"##,
            x.at(from),
            panel.0,
            x.at(to) - x.at(from),
            panel.1 - panel.0,
            (x.at(from) + x.at(to)) / 2.0,
            panel.0 + 16.0
        );
    }
}

/// One row of a bar chart: its label, its value and, for paired bars, a second value drawn
/// thinner behind it (the current hours against the plan).
pub struct Bar {
    /// The row's label, left of the bar.
    pub label: String,
    /// The bar's length, in the chart's unit (hours or currency).
    pub value: f64,
    /// A second value drawn thinner behind the bar; `None` for a single bar.
    pub other: Option<f64>,
    /// The text written after the bar.
    pub note: String,
}

/// Horizontal bars, one row per entry, with a zero line; negative values go left of it.
/// `legend` names the main and the other bar.
pub fn bars(title: &str, rows: &[Bar], legend: Option<(&str, &str)>, unit: &str, width: f64) -> String {
    const ROW: f64 = 20.0;
    let label_width = rows.iter().map(|row| text_width(&row.label)).fold(60.0_f64, f64::max).min(200.0) + 10.0;
    let note_width = rows.iter().map(|row| text_width(&row.note)).fold(40.0_f64, f64::max) + 10.0;
    let top = if legend.is_some() { 52.0 } else { 36.0 };
    let height = top + ROW * rows.len() as f64 + 36.0;
    let (mut low, mut high) = rows.iter().fold((0.0_f64, 0.0_f64), |(lo, hi), row| {
        let other = row.other.unwrap_or(row.value);
        (lo.min(row.value).min(other), hi.max(row.value).max(other))
    });
    if high <= low {
        high = low + 1.0;
    }
    if low < 0.0 {
        low *= 1.05;
    }
    let x = Scale::new(low, high * 1.02, label_width, width - note_width);
    let mut svg = String::new();
    open_svg(&mut svg, width, height, title);
    let _ = writeln!(svg, r#"<text x="8" y="20" font-size="15" font-weight="bold">{}</text>"#, escape(title));
    if let Some((main, other)) = legend {
        let _ = writeln!(
            svg,
            r#"<rect x="8" y="30" width="12" height="10" fill="{BLUE}"/><text x="24" y="39">{}</text><rect x="{2:.1}" y="33" width="12" height="4" fill="{GREY}"/><text x="{3:.1}" y="39">{1}</text>"#,
            escape(main),
            escape(other),
            34.0 + text_width(main),
            50.0 + text_width(main)
        );
    }
    let (axis_ticks, step) = ticks(low, high, ((width - label_width - note_width) / 90.0).max(2.0) as usize);
    let bottom = top + ROW * rows.len() as f64;
    for tick in axis_ticks {
        let _ = writeln!(
            svg,
            r##"<line x1="{0:.1}" y1="{1}" x2="{0:.1}" y2="{2}" stroke="#e3e3e3"/><text x="{0:.1}" y="{3}" text-anchor="middle" fill="#555">{4}</text>"##,
            x.at(tick),
            top - 4.0,
            bottom,
            bottom + 16.0,
            grouped_number(tick, tick_decimals(step))
        );
    }
    let _ = writeln!(
        svg,
        r##"<text x="{:.1}" y="{}" text-anchor="middle" fill="#555">{}</text>"##,
        x.at((low + high) / 2.0),
        bottom + 32.0,
        escape(unit)
    );
    for (index, row) in rows.iter().enumerate() {
        let y = top + ROW * index as f64;
        let zero = x.at(0.0);
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            label_width - 6.0,
            y + 14.0,
            escape(&super::table::shorten(&row.label, 28))
        );
        if let Some(other) = row.other {
            let (a, b) = (zero.min(x.at(other)), zero.max(x.at(other)));
            let _ = writeln!(svg, r#"<rect x="{a:.1}" y="{:.1}" width="{:.1}" height="4" fill="{GREY}"/>"#, y + 14.0, (b - a).max(0.5));
        }
        let (a, b) = (zero.min(x.at(row.value)), zero.max(x.at(row.value)));
        let fill = if row.value < 0.0 { RED } else { BLUE };
        let _ = writeln!(svg, r#"<rect x="{a:.1}" y="{:.1}" width="{:.1}" height="10" fill="{fill}"/>"#, y + 3.0, (b - a).max(0.5));
        let _ =
            writeln!(svg, r##"<text x="{:.1}" y="{:.1}" fill="#333">{}</text>"##, width - note_width + 6.0, y + 13.0, escape(&row.note));
    }
    let _ = writeln!(svg, r##"<line x1="{0:.1}" y1="{1}" x2="{0:.1}" y2="{2}" stroke="#555"/>"##, x.at(0.0), top - 4.0, bottom);
    svg.push_str("</svg>\n");
    svg
}

/// The whale curve: cumulative share of the total contribution against the share of customers,
/// most profitable first; the curve rises above 100 % and falls back to it when the least
/// profitable customers lose money.
pub fn whale_curve(title: &str, contributions: &[f64], width: f64) -> String {
    const LEFT: f64 = 70.0;
    const RIGHT: f64 = 24.0;
    let (top, bottom) = (48.0, 300.0);
    let height = 350.0;
    let mut sorted = contributions.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let total: f64 = sorted.iter().sum();
    let mut cumulative = vec![(0.0, 0.0)];
    let mut running = 0.0;
    for (index, value) in sorted.iter().enumerate() {
        running += value;
        let share = if total.abs() > 0.0 { running / total } else { 0.0 };
        cumulative.push(((index + 1) as f64 / sorted.len().max(1) as f64, share));
    }
    let peak = cumulative.iter().map(|&(_, share)| share).fold(1.0_f64, f64::max);
    let trough = cumulative.iter().map(|&(_, share)| share).fold(0.0_f64, f64::min);
    let x = Scale::new(0.0, 1.0, LEFT, width - RIGHT);
    let y = Scale::new(trough, peak * 1.08, bottom, top);
    let mut svg = String::new();
    open_svg(&mut svg, width, height, title);
    let _ = writeln!(svg, r#"<text x="8" y="20" font-size="15" font-weight="bold">{}</text>"#, escape(title));
    let (peak_at, peak_share) =
        cumulative.iter().copied().fold((0.0, f64::NEG_INFINITY), |best, point| if point.1 > best.1 { point } else { best });
    let _ = writeln!(
        svg,
        r##"<text x="8" y="38" fill="#555">Peak {} of the total with the best {} of customers; the total is 100 %.</text>"##,
        percent(peak_share),
        percent(peak_at)
    );
    let (y_ticks, y_step) = ticks(trough, peak * 1.08, 5);
    for tick in y_ticks {
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{0:.1}" x2="{1:.1}" y2="{0:.1}" stroke="#e3e3e3"/><text x="{2}" y="{3:.1}" text-anchor="end">{4} %</text>"##,
            y.at(tick),
            width - RIGHT,
            LEFT - 6.0,
            y.at(tick) + 4.0,
            grouped_number(tick * 100.0, tick_decimals(y_step * 100.0))
        );
    }
    for tick in [0.0, 0.2, 0.4, 0.6, 0.8, 1.0] {
        let _ = writeln!(
            svg,
            r##"<text x="{:.1}" y="{}" text-anchor="middle" fill="#555">{} %</text>"##,
            x.at(tick),
            bottom + 16.0,
            grouped_number(tick * 100.0, 0)
        );
    }
    let _ = writeln!(
        svg,
        r#"<text x="{:.1}" y="{}" text-anchor="middle">customers, most profitable first</text>"#,
        (LEFT + width - RIGHT) / 2.0,
        bottom + 34.0
    );
    let _ = writeln!(
        svg,
        r##"<line x1="{LEFT}" y1="{0:.1}" x2="{1:.1}" y2="{0:.1}" stroke="#555" stroke-dasharray="3,3"/>"##,
        y.at(1.0),
        width - RIGHT
    );
    let path: Vec<String> = cumulative.iter().map(|&(share, value)| format!("{:.1},{:.1}", x.at(share), y.at(value))).collect();
    let _ = writeln!(svg, r#"<polyline points="{}" fill="none" stroke="{BLUE}" stroke-width="2.5"/>"#, path.join(" "));
    let _ = writeln!(svg, r#"<circle cx="{:.1}" cy="{:.1}" r="4" fill="{RED}"/>"#, x.at(peak_at), y.at(peak_share));
    let _ = writeln!(
        svg,
        r##"<rect x="{LEFT}" y="{top}" width="{:.1}" height="{}" fill="none" stroke="#555"/>"##,
        width - RIGHT - LEFT,
        bottom - top
    );
    svg.push_str("</svg>\n");
    svg
}
