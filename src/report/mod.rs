//! Reports: one printer per output format, all reading the same [`SolveReport`].

mod csv;
mod format;
mod json;
mod sensitivity;
pub mod sweep;
mod table;
mod text;

pub use format::{hours, money, percent};

use crate::analysis::SolveReport;
use crate::model::Instance;

/// Output formats of `capplan solve`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
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
        Format::Csv => csv::render(instance, report),
    }
}

/// The version of the JSON output's layout; raised on any incompatible change.
pub const JSON_SCHEMA_VERSION: u32 = 1;
