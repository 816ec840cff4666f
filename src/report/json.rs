//! The JSON report: the full result for pipelines, layout documented in docs/json-output.md.

use serde::Serialize;

use crate::analysis::{Plan, SolveReport, Status};
use crate::model::Instance;

#[derive(Serialize)]
struct JsonReport<'a> {
    schema_version: u32,
    capplan_version: &'static str,
    plan: JsonHeader<'a>,
    status: Status,
    solver: &'static str,
    solver_reason: &'a str,
    /// Resource ids in instance order: the order of every per-resource array.
    resource_ids: Vec<&'a str>,
    result: Option<&'a Plan>,
    /// Reasons to doubt the numbers; empty when there are none.
    warnings: Vec<String>,
    /// The analyses `--time-limit` stopped before they finished; empty when none was.
    cut_short: &'a [crate::analysis::CutShort],
}

#[derive(Serialize)]
struct JsonHeader<'a> {
    name: &'a str,
    period: &'a str,
    currency: &'a str,
    notes: Option<&'a str>,
}

pub fn render(instance: &Instance, report: &SolveReport) -> String {
    render_with(instance, report, Vec::new())
}

/// As [`render`], with extra top-level fields after `result` (the scenario applied, the effect
/// of forces, the diagnosis of an infeasible plan).
pub fn render_with(instance: &Instance, report: &SolveReport, extras: Vec<(&str, serde_json::Value)>) -> String {
    let header = &instance.plan;
    let document = JsonReport {
        schema_version: super::JSON_SCHEMA_VERSION,
        capplan_version: env!("CARGO_PKG_VERSION"),
        plan: JsonHeader { name: &header.name, period: &header.period, currency: &header.currency, notes: header.notes.as_deref() },
        status: report.status,
        solver: report.backend.name(),
        solver_reason: &report.solver_reason,
        resource_ids: instance.resources.iter().map(|resource| resource.id.as_str()).collect(),
        result: report.plan.as_ref(),
        warnings: super::warnings(report, &header.currency),
        cut_short: &report.cut_short,
    };
    let mut value = serde_json::to_value(&document).expect("report types serialise to JSON");
    if let serde_json::Value::Object(map) = &mut value {
        for (key, extra) in extras {
            map.insert(key.to_string(), extra);
        }
    }
    pretty(value)
}

/// Pretty-prints a document with rounded numbers and a final line break.
pub(super) fn pretty(mut value: serde_json::Value) -> String {
    round_numbers(&mut value);
    let mut text = serde_json::to_string_pretty(&value).expect("a JSON value prints");
    text.push('\n');
    text
}

/// Rounds every float to 9 decimals and turns -0 into 0, so that
/// solver noise (0.30000000000000004, -1e-17) never reaches a pipeline and identical input gives
/// identical bytes.
pub(super) fn round_numbers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(number) => {
            if let Some(float) = number.as_f64().filter(|_| !number.is_i64() && !number.is_u64()) {
                let rounded = (float * 1e9).round() / 1e9;
                let rounded = if rounded == 0.0 { 0.0 } else { rounded };
                if let Some(new) = serde_json::Number::from_f64(rounded) {
                    *number = new;
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(round_numbers),
        serde_json::Value::Object(map) => map.values_mut().for_each(round_numbers),
        _ => {}
    }
}
