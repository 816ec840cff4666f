//! Reports: one printer per output format, all reading the same [`SolveReport`].

pub(crate) mod classify;
mod compare;
mod csv;
pub mod diagnosis;
pub(crate) mod failure;
mod format;
pub mod frontier;
pub mod horizon;
pub mod html;
mod json;
mod partner;
pub mod schema;
mod sensitivity;
pub mod svg;
pub mod sweep;
pub mod table;
mod text;
mod whatif;
pub mod words;
pub mod xlsx;

pub use compare::render_comparison;
pub(crate) use csv::field as csv_field;
pub use format::{hours, money, percent};
pub use table::{Table, paragraph, short_id, short_name};
pub use text::{DEFAULT_WIDTH, Detail, TextOptions, plural};
pub use whatif::{WhatIf, render_what_if};
pub use words::warnings;

use crate::analysis::SolveReport;
use crate::model::Instance;

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

/// Renders a solve report in the given format. The output is a pure function of its inputs:
/// the same instance and report give byte-identical text.
pub fn render(instance: &Instance, report: &SolveReport, format: Format) -> String {
    match format {
        Format::Text => text::render(instance, report),
        Format::Json => json::render(instance, report),
        Format::Csv => csv::render(report),
    }
}

/// What `--time-limit` cut short, in one sentence for the text and HTML reports; `None` when it
/// cut nothing short.
pub fn cut_short_sentence(report: &SolveReport) -> Option<String> {
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

/// Renders the partner view of one customer (see [`Audience::Partner`]).
pub fn render_partner(instance: &Instance, report: &SolveReport, customer: usize, format: Format) -> String {
    match format {
        Format::Text => partner::render_text(instance, report, customer),
        Format::Json => partner::render_json(instance, report, customer),
        Format::Csv => partner::render_csv(instance, report, customer),
    }
}

/// The version of the JSON output's layout; raised on any incompatible change.
pub const JSON_SCHEMA_VERSION: u32 = 3;
