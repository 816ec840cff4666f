//! The HTML page of `capplan frontier --format html`: one self-contained file in the style of the
//! solve report (src/report/html.rs). The frontier chart (expected contribution against CVaR
//! risk, every exact point marked and numbered), the table of points with the price of each step
//! of protection, and how allocations shift along the frontier: small multiples of the hours of
//! the allocations that move most, per resource, and the table of every allocation that moves.
//!
//! Nothing is fetched: no external script, stylesheet, font or image.

use std::fmt::Write;

use super::format::{grouped_number, hours, money, percent};
use super::html::{Cell, SCRIPT, card, number, open_page, table, text};
use super::svg::{BLUE, GREY, RED, Scale, escape, open_svg, tick_decimals, ticks};
use crate::analysis::frontier::Frontier;

/// An allocation moves along the frontier when its hours differ by this much between two points
/// (the text report's threshold: what prints as 0.1 h).
const MOVE_HOURS: f64 = 0.05;

/// Small multiples drawn per resource: the allocations of the resource that move most.
const MULTIPLES_PER_RESOURCE: usize = 6;

/// The small multiples sit three or four to a row on a laptop.
const MULTIPLES_STYLE: &str = ".grid.multiples { grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); }\n";

/// The page for one frontier.
pub fn render(frontier: &Frontier) -> String {
    let header = &frontier.header;
    let currency = header.currency();
    let mut out = String::new();
    open_page(&mut out, &format!("capplan frontier: {}", header.name()), MULTIPLES_STYLE);
    let _ = writeln!(out, "<h1>Efficient frontier: {}</h1>", escape(header.name()));
    let _ = writeln!(
        out,
        r#"<p class="meta">{} &middot; money in {} &middot; solver {} ({})</p>"#,
        escape(header.period()),
        escape(currency),
        escape(frontier.backend.name()),
        escape(&frontier.solver_reason)
    );
    let scenarios: Vec<String> = frontier
        .scenario_ids
        .iter()
        .zip(&frontier.scenario_probabilities)
        .map(|(id, &probability)| format!("{id} ({})", percent(probability)))
        .collect();
    let _ = writeln!(
        out,
        "<p>Risk is measured by the <strong>CVaR of contribution at {} confidence</strong>: the mean contribution \
         over the worst {} of the probability, over the revenue scenarios {}. The <strong>CVaR risk</strong> is minus \
         that CVaR (the CVaR of the loss): it grows as the plan takes more risk. Each point is an optimal plan of the \
         instance that maximises the expected contribution under the CVaR floor shown.</p>",
        percent(frontier.confidence),
        percent(1.0 - frontier.confidence),
        escape(&scenarios.join(", "))
    );
    if let Some(note) = super::frontier::own_limits_left_out(frontier) {
        let _ = writeln!(out, r#"<p class="note">{}</p>"#, escape(&note));
    }
    let (Some(first), Some(last)) = (frontier.points.first(), frontier.points.last()) else {
        let _ = writeln!(out, "<p>No points.</p>\n</body>\n</html>");
        return out;
    };
    out.push_str(r#"<section id="summary"><div class="cards">"#);
    card(&mut out, "Points", &frontier.points.len().to_string(), "");
    card(&mut out, &format!("Most expected contribution ({currency})"), &money(first.expected_contribution), "");
    card(&mut out, &format!("Its CVaR of contribution ({currency})"), &money(first.cvar_contribution), "");
    card(&mut out, &format!("Best CVaR of contribution ({currency})"), &money(last.cvar_contribution), "");
    card(&mut out, &format!("Its expected contribution ({currency})"), &money(last.expected_contribution), "");
    out.push_str("</div>\n");
    let given_up = first.expected_contribution - last.expected_contribution;
    let gained = last.cvar_contribution - first.cvar_contribution;
    if gained > 0.005 {
        let _ = writeln!(
            out,
            "<p>Full protection costs {} {currency} of expected contribution for {} {currency} more CVaR of \
             contribution: {} {currency} given up per {currency} of CVaR on average.</p>",
            money(given_up),
            money(gained),
            grouped_number(given_up / gained, 3)
        );
    } else {
        let _ =
            writeln!(out, "<p>The frontier is a single plan: no plan has a better CVaR than the plan of most expected contribution.</p>");
    }
    out.push_str("</section>\n");

    let _ = writeln!(out, "<h2>The frontier</h2>");
    let _ = writeln!(out, r#"<figure class="chart frontier">{}</figure>"#, frontier_chart(frontier, currency, 960.0));
    let _ = writeln!(
        out,
        r#"<p class="note">Each dot is an exact point: an optimal plan, numbered as in the table below. The lines only join the points; the frontier itself is concave, so between two points it lies on or above the line (<code>--points</code> traces more of it).</p>"#
    );

    let _ = writeln!(out, "<h2>Points</h2>");
    let _ = writeln!(
        out,
        r#"<p class="note">From the plan of most expected contribution (point 1) to the plan of least risk, money in {currency}. <strong>expected</strong>: expected contribution; <strong>CVaR</strong>: CVaR of contribution; <strong>given up</strong>: expected contribution given up against point 1; <strong>price</strong> of protection: expected contribution given up per {currency} of CVaR gained since the point before (a <code>[risk] risk_weight</code> above it prefers this point to the one before); <strong>if</strong> a scenario: the plan's contribution in it.</p>"#
    );
    points_table(&mut out, frontier);

    let _ = writeln!(out, "<h2>How allocations shift along the frontier</h2>");
    shifts(&mut out, frontier);
    let _ = writeln!(out, "<script>{SCRIPT}</script>\n</body>\n</html>");
    out
}

fn points_table(out: &mut String, frontier: &Frontier) {
    let first = &frontier.points[0];
    let rows: Vec<Vec<Cell>> = frontier
        .points
        .iter()
        .enumerate()
        .map(|(index, point)| {
            let price = match index.checked_sub(1).map(|before| &frontier.points[before]) {
                Some(before) if point.cvar_contribution - before.cvar_contribution > 1e-6 => {
                    let rate =
                        (before.expected_contribution - point.expected_contribution) / (point.cvar_contribution - before.cvar_contribution);
                    number(rate, grouped_number(rate, 3))
                }
                _ => number(0.0, "-".to_string()),
            };
            let mut row = vec![
                number(index as f64 + 1.0, (index + 1).to_string()),
                number(point.cvar_floor, money(point.cvar_floor)),
                number(point.expected_contribution, money(point.expected_contribution)),
                number(point.cvar_contribution, money(point.cvar_contribution)),
                number(point.cvar_risk, money(point.cvar_risk)),
                number(
                    first.expected_contribution - point.expected_contribution,
                    money(first.expected_contribution - point.expected_contribution),
                ),
                price,
            ];
            row.extend(point.scenario_contributions.iter().map(|&value| number(value, money(value))));
            row
        })
        .collect();
    let titles: Vec<String> = ["point", "CVaR floor", "expected", "CVaR", "CVaR risk", "given up", "price"]
        .into_iter()
        .map(String::from)
        .chain(frontier.scenario_ids.iter().map(|id| format!("if {}", super::table::shorten(id, 18))))
        .collect();
    let headers: Vec<(&str, bool)> = titles.iter().map(|title| (title.as_str(), true)).collect();
    table(out, "points", &headers, rows, true);
}

/// The frontier: expected contribution (up) against CVaR risk (right), each point a dot with its
/// number.
fn frontier_chart(frontier: &Frontier, currency: &str, width: f64) -> String {
    const LEFT: f64 = 110.0;
    const RIGHT: f64 = 40.0;
    let (top, bottom, height) = (56.0, 380.0, 440.0);
    let risks: Vec<f64> = frontier.points.iter().map(|point| point.cvar_risk).collect();
    let values: Vec<f64> = frontier.points.iter().map(|point| point.expected_contribution).collect();
    let (x_low, x_high) = padded(&risks);
    let (y_low, y_high) = padded(&values);
    let x = Scale::new(x_low, x_high, LEFT, width - RIGHT);
    let y = Scale::new(y_low, y_high, bottom, top);
    let title = "Expected contribution against CVaR risk";
    let mut svg = String::new();
    open_svg(&mut svg, width, height, title);
    let _ = writeln!(svg, r#"<text x="8" y="20" font-size="15" font-weight="bold">{}</text>"#, escape(title));
    let _ = writeln!(
        svg,
        r##"<text x="8" y="38" fill="#555">Up: more expected contribution. Right: more risk (a lower CVaR of contribution at {} confidence).</text>"##,
        escape(&percent(frontier.confidence))
    );
    let (x_ticks, x_step) = ticks(x_low, x_high, ((width - LEFT - RIGHT) / 120.0).max(2.0) as usize);
    for tick in x_ticks {
        let _ = writeln!(
            svg,
            r##"<line x1="{0:.1}" y1="{top}" x2="{0:.1}" y2="{bottom}" stroke="#e3e3e3"/><text x="{0:.1}" y="{1}" text-anchor="middle" fill="#555">{2}</text>"##,
            x.at(tick),
            bottom + 16.0,
            grouped_number(tick, tick_decimals(x_step))
        );
    }
    let (y_ticks, y_step) = ticks(y_low, y_high, 6);
    for tick in y_ticks {
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{0:.1}" x2="{1:.1}" y2="{0:.1}" stroke="#e3e3e3"/><text x="{2}" y="{3:.1}" text-anchor="end" fill="#555">{4}</text>"##,
            y.at(tick),
            width - RIGHT,
            LEFT - 6.0,
            y.at(tick) + 4.0,
            grouped_number(tick, tick_decimals(y_step))
        );
    }
    let _ = writeln!(
        svg,
        r#"<text x="{:.1}" y="{}" text-anchor="middle">CVaR risk ({}) = minus the CVaR of contribution</text>"#,
        (LEFT + width - RIGHT) / 2.0,
        bottom + 36.0,
        escape(currency)
    );
    let _ = writeln!(
        svg,
        r#"<text x="16" y="{0:.1}" text-anchor="middle" transform="rotate(-90 16 {0:.1})">expected contribution ({1})</text>"#,
        (top + bottom) / 2.0,
        escape(currency)
    );
    let _ = writeln!(
        svg,
        r##"<rect x="{LEFT}" y="{top}" width="{:.1}" height="{}" fill="none" stroke="#555"/>"##,
        width - RIGHT - LEFT,
        bottom - top
    );
    let mut by_risk: Vec<usize> = (0..frontier.points.len()).collect();
    by_risk.sort_by(|&a, &b| risks[a].total_cmp(&risks[b]).then(a.cmp(&b)));
    let path: Vec<String> = by_risk.iter().map(|&k| format!("{:.1},{:.1}", x.at(risks[k]), y.at(values[k]))).collect();
    let _ = writeln!(svg, r#"<polyline points="{}" fill="none" stroke="{BLUE}" stroke-width="2"/>"#, path.join(" "));
    // Labels go above and left of their dot, out of the way of a rising, concave line; a label
    // that would sit on the one before it moves below and right of its dot instead.
    let mut last_label: Option<(f64, f64)> = None;
    for &k in &by_risk {
        let (cx, cy) = (x.at(risks[k]), y.at(values[k]));
        let point = &frontier.points[k];
        let _ = writeln!(
            svg,
            r#"<circle cx="{cx:.1}" cy="{cy:.1}" r="5" fill="{RED}"><title>point {}: expected contribution {} {currency}, CVaR of contribution {} {currency}, CVaR risk {} {currency}</title></circle>"#,
            k + 1,
            money(point.expected_contribution),
            money(point.cvar_contribution),
            money(point.cvar_risk),
            currency = escape(currency)
        );
        let mut label = (cx - 8.0, cy - 9.0, "end");
        if let Some((lx, ly)) = last_label
            && (label.0 - lx).abs() < 22.0
            && (label.1 - ly).abs() < 14.0
        {
            label = (cx + 8.0, cy + 17.0, "start");
        }
        let _ =
            writeln!(svg, r#"<text x="{:.1}" y="{:.1}" text-anchor="{}" font-weight="bold">{}</text>"#, label.0, label.1, label.2, k + 1);
        last_label = Some((label.0, label.1));
    }
    svg.push_str("</svg>\n");
    svg
}

/// `[low, high]` of `values` with a margin of 8 % (at least 1) on each side, so that dots and
/// their labels stay inside the frame.
fn padded(values: &[f64]) -> (f64, f64) {
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let margin = ((high - low) * 0.08).max(1.0);
    (low - margin, high + margin)
}

/// One allocation's hours at every point, and how far they range.
struct Shift {
    allocation: usize,
    hours: Vec<f64>,
    range: f64,
}

fn shifts(out: &mut String, frontier: &Frontier) {
    let count = frontier.points.len();
    let mut moving: Vec<Shift> = (0..frontier.allocations.len())
        .map(|allocation| {
            let hours: Vec<f64> = frontier.points.iter().map(|point| point.hours[allocation]).collect();
            let low = hours.iter().copied().fold(f64::INFINITY, f64::min);
            let high = hours.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            Shift { allocation, hours, range: high - low }
        })
        .filter(|shift| shift.range >= MOVE_HOURS)
        .collect();
    if moving.is_empty() {
        let _ = writeln!(out, "<p>No allocation moves by 0.1 h or more between the points.</p>");
        return;
    }
    // Biggest range first; ties by customer and resource id, so that the order never depends on
    // the solver.
    moving.sort_by(|a, b| {
        let (ca, ra) = &frontier.allocations[a.allocation];
        let (cb, rb) = &frontier.allocations[b.allocation];
        (b.range * 10.0).round().total_cmp(&(a.range * 10.0).round()).then_with(|| ca.cmp(cb)).then_with(|| ra.cmp(rb))
    });
    let _ = writeln!(
        out,
        r#"<p class="note">{} allocation{} move{} by 0.1 h or more between the points. Per resource, the hours of those that move most at each point, from point 1 (most expected contribution) to point {count} (least risk); the table lists every one.</p>"#,
        moving.len(),
        if moving.len() == 1 { "" } else { "s" },
        if moving.len() == 1 { "s" } else { "" }
    );
    for (resource_id, resource_name) in &frontier.resources {
        let of_resource: Vec<&Shift> = moving.iter().filter(|shift| &frontier.allocations[shift.allocation].1 == resource_id).collect();
        if of_resource.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "<h3>{} <span class=\"note\">({} allocation{} moving)</span></h3>",
            escape(resource_name),
            of_resource.len(),
            if of_resource.len() == 1 { "" } else { "s" }
        );
        out.push_str(r#"<div class="grid multiples">"#);
        for shift in of_resource.iter().take(MULTIPLES_PER_RESOURCE) {
            let (customer, resource_id) = &frontier.allocations[shift.allocation];
            let _ = writeln!(
                out,
                r#"<figure class="chart shift">{}</figure>"#,
                hours_chart(&format!("{customer} / {resource_id}"), &shift.hours, 300.0)
            );
        }
        out.push_str("</div>\n");
        if of_resource.len() > MULTIPLES_PER_RESOURCE {
            let _ = writeln!(out, r#"<p class="note">... and {} more in the table below.</p>"#, of_resource.len() - MULTIPLES_PER_RESOURCE);
        }
    }
    let _ = writeln!(out, "<h3>Every allocation that moves</h3>");
    let rows: Vec<Vec<Cell>> = moving
        .iter()
        .map(|shift| {
            let (customer, resource) = &frontier.allocations[shift.allocation];
            let mut row = vec![text(customer.clone()), text(resource.clone())];
            row.extend(shift.hours.iter().map(|&h| number(h, hours(h))));
            let change = shift.hours[count - 1] - shift.hours[0];
            row.push(number(change, format!("{}{}", if change > 0.0 { "+" } else { "" }, hours(change))));
            row.push(number(shift.range, hours(shift.range)));
            row
        })
        .collect();
    let titles: Vec<String> = ["customer".to_string(), "resource".to_string()]
        .into_iter()
        .chain((1..=count).map(|k| format!("point {k} (h)")))
        .chain(["change 1 to last (h)".to_string(), "range (h)".to_string()])
        .collect();
    let headers: Vec<(&str, bool)> = titles.iter().enumerate().map(|(index, title)| (title.as_str(), index >= 2)).collect();
    table(out, "moves", &headers, rows, true);
}

/// One allocation's hours at each point of the frontier: a small line chart with every point
/// marked and the first and last hours written.
fn hours_chart(title: &str, values: &[f64], width: f64) -> String {
    const LEFT: f64 = 56.0;
    const RIGHT: f64 = 56.0;
    let (top, bottom, height) = (34.0, 118.0, 150.0);
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let margin = ((high - low) * 0.12).max(0.5);
    let (low, high) = ((low - margin).max(0.0), high + margin);
    let last = values.len().saturating_sub(1).max(1) as f64;
    let x = Scale::new(0.0, last, LEFT, width - RIGHT);
    let y = Scale::new(low, high, bottom, top);
    let mut svg = String::new();
    open_svg(&mut svg, width, height, title);
    let _ = writeln!(svg, r#"<text x="8" y="18" font-size="13" font-weight="bold">{}</text>"#, escape(&super::table::shorten(title, 40)));
    let (fewest, most) = (values.iter().copied().fold(f64::INFINITY, f64::min), values.iter().copied().fold(f64::NEG_INFINITY, f64::max));
    let _ = writeln!(
        svg,
        r##"<text x="{:.1}" y="18" text-anchor="end" fill="#555" font-size="11">{} to {} h</text>"##,
        width - 8.0,
        hours(fewest),
        hours(most)
    );
    // No value axis: the hours at the two ends are written beside them, the rest are in the
    // dots' tooltips and the table.
    let _ = writeln!(
        svg,
        r##"<line x1="{LEFT}" y1="{top}" x2="{LEFT}" y2="{bottom}" stroke="#e3e3e3"/><line x1="{0:.1}" y1="{top}" x2="{0:.1}" y2="{bottom}" stroke="#e3e3e3"/>"##,
        width - RIGHT
    );
    for (k, _) in values.iter().enumerate() {
        let _ = writeln!(
            svg,
            r##"<text x="{:.1}" y="{}" text-anchor="middle" fill="#555" font-size="11">{}</text>"##,
            x.at(k as f64),
            bottom + 14.0,
            k + 1
        );
    }
    let _ = writeln!(
        svg,
        r##"<text x="{:.1}" y="{}" text-anchor="middle" fill="#555" font-size="11">point</text>"##,
        (LEFT + width - RIGHT) / 2.0,
        bottom + 28.0
    );
    let path: Vec<String> = values.iter().enumerate().map(|(k, &v)| format!("{:.1},{:.1}", x.at(k as f64), y.at(v))).collect();
    let _ = writeln!(svg, r#"<polyline points="{}" fill="none" stroke="{BLUE}" stroke-width="2"/>"#, path.join(" "));
    for (k, &v) in values.iter().enumerate() {
        let _ = writeln!(
            svg,
            r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{BLUE}"><title>point {}: {} h</title></circle>"#,
            x.at(k as f64),
            y.at(v),
            k + 1,
            hours(v)
        );
    }
    if let (Some(&first), Some(&final_hours)) = (values.first(), values.last()) {
        let _ = writeln!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="#333" font-size="11">{}</text>"##,
            LEFT - 6.0,
            y.at(first) + 4.0,
            hours(first)
        );
        let _ = writeln!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" fill="#333" font-size="11">{}</text>"##,
            width - RIGHT + 6.0,
            y.at(final_hours) + 4.0,
            hours(final_hours)
        );
    }
    let _ = writeln!(svg, r#"<line x1="{LEFT}" y1="{bottom}" x2="{:.1}" y2="{bottom}" stroke="{GREY}"/>"#, width - RIGHT);
    svg.push_str("</svg>\n");
    svg
}
