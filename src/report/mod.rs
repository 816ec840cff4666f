//! Reports: one printer per output format, all reading the same [`SolveReport`].

pub(crate) mod classify;
mod compare;
mod csv;
pub mod diagnosis;
pub(crate) mod failure;
mod format;
pub(crate) mod frontier;
pub(crate) mod frontier_html;
pub(crate) mod html;
mod json;
mod partner;
pub mod schema;
mod sensitivity;
pub(crate) mod svg;
pub(crate) mod sweep;
pub(crate) mod table;
mod text;
mod whatif;
pub(crate) mod words;
pub(crate) mod xlsx;

pub use compare::render_comparison;
pub(crate) use csv::field as csv_field;
pub use format::{hours, money, percent};
pub(crate) use table::{Table, paragraph, short_name};
pub(crate) use text::plural;
pub use text::{DEFAULT_WIDTH, Detail, TextOptions};
pub use whatif::{WhatIf, render_what_if};
pub use words::warnings;

use crate::analysis::SolveReport;

/// Output formats of `capplan solve`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned tables and shadow prices in planner words.
    Text,
    /// The full result, documented in docs/json-output.md.
    Json,
    /// The plan table, one row per customer and resource.
    Csv,
}

/// Renders a solve report in the given format. The output is a pure function of the report: the
/// same report gives byte-identical text.
pub fn render(report: &SolveReport, format: Format) -> String {
    match format {
        Format::Text => text::render(report),
        Format::Json => json::render(report),
        Format::Csv => csv::render(report),
    }
}

/// What `--time-limit` cut short, in one sentence for the text and HTML reports; `None` when it
/// cut nothing short.
pub(crate) fn cut_short_sentence(report: &SolveReport) -> Option<String> {
    if report.cut_short.is_empty() {
        return None;
    }
    let missing: Vec<&str> = report.cut_short.iter().map(|&analysis| words::cut_short(analysis)).collect();
    let plan = if report.status == crate::analysis::Status::Optimal { " The plan and its shadow prices are proven optimal." } else { "" };
    Some(format!("--time-limit ran out before every analysis finished: {}.{plan} Allow more time for the rest.", missing.join("; ")))
}

/// Who a report is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The planner: everything.
    Internal,
    /// One customer: its own hours and expectations, nothing internal.
    Partner,
}

/// Renders the partner view of one customer (see [`Audience::Partner`]); `customer` is its
/// position in the instance (and in `report.header.customers`).
pub fn render_partner(report: &SolveReport, customer: usize, format: Format) -> String {
    match format {
        Format::Text => partner::render_text(report, customer),
        Format::Json => partner::render_json(report, customer),
        Format::Csv => partner::render_csv(report, customer),
    }
}

/// The version of the JSON output's layout; raised on any incompatible change.
pub const JSON_SCHEMA_VERSION: u32 = 2;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::Backend;

    fn dsp_report() -> SolveReport {
        let instance = crate::model::Instance::from_file(std::path::Path::new("instances/dsp.toml")).expect("dsp.toml is valid");
        crate::analysis::solve(&instance, Backend::Microlp).expect("dsp.toml solves")
    }

    /// Issue 12: the printers read the report document alone. What a printer prints of the plan
    /// header and of the opening screen's selections changes with the document, and with nothing
    /// else.
    #[test]
    fn issue12_printers_read_only_the_report_document() {
        let mut report = dsp_report();
        report.header.plan.name = "Renamed plan".to_string();
        report.header.plan.currency = "CHF".to_string();
        let text = render(&report, Format::Text);
        assert!(text.starts_with("capplan: Renamed plan (2027-Q1, CHF)"), "{text}");
        let json: serde_json::Value = serde_json::from_str(&render(&report, Format::Json)).unwrap();
        assert_eq!(json["plan"]["name"], "Renamed plan");
        assert_eq!(json["plan"]["currency"], "CHF");
        let page = html::render(&report, &html::HtmlExtras { what_if: WhatIf::default(), value_curves: Vec::new() });
        assert!(page.contains("<h1>Renamed plan</h1>"));

        // The opening screen lists the moves in the order analysis chose: reversed there, they
        // come out reversed.
        let plan = report.plan.as_mut().unwrap();
        assert!(plan.highlights.moves.len() > 3, "dsp.toml's plan moves more than three allocations");
        let first = plan.allocations[plan.highlights.moves[0]].customer.clone();
        let last = plan.allocations[*plan.highlights.moves.last().unwrap()].customer.clone();
        assert_ne!(first, last);
        let opening_move = |text: &str| {
            let table = text.split("Biggest moves against the current plan").nth(1).unwrap();
            table.lines().nth(3).unwrap().split_whitespace().next().unwrap().to_string()
        };
        assert_eq!(opening_move(&render(&report, Format::Text)), first);
        report.plan.as_mut().unwrap().highlights.moves.reverse();
        assert_eq!(opening_move(&render(&report, Format::Text)), last);
    }

    /// The highlights rank as documented: moves by size of change, limits with an exact cost
    /// before those with a price only, gaps by shortfall.
    #[test]
    fn issue12_highlights_rank_as_documented() {
        let report = dsp_report();
        let plan = report.plan.as_ref().unwrap();
        let moves: Vec<f64> = plan.biggest_moves().map(|a| a.change_hours.abs()).collect();
        assert!(moves.windows(2).all(|pair| (pair[0] * 10.0).round() >= (pair[1] * 10.0).round()), "{moves:?}");
        assert!(moves.iter().all(|&change| change >= crate::analysis::MOVE_THRESHOLD_HOURS));
        let costs: Vec<Option<f64>> = plan.costliest_limits().map(|c| c.exact_cost).collect();
        let priced = costs.iter().position(Option::is_none).unwrap_or(costs.len());
        assert!(costs[priced..].iter().all(Option::is_none), "exact costs first: {costs:?}");
        assert!(costs[..priced].windows(2).all(|pair| pair[0] >= pair[1]), "{costs:?}");
        let gaps: Vec<f64> = plan.largest_gaps().map(|gap| gap.shortfall_hours).collect();
        assert!(gaps.windows(2).all(|pair| pair[0] >= pair[1]), "{gaps:?}");
        assert_eq!(plan.expectations_by_shortfall().len(), plan.expectations.len());
        assert_eq!(plan.customers_by_change().len(), plan.customers.len());
    }
}
