//! The JSON report: the full result for pipelines, layout documented in docs/json-output.md.

use serde::Serialize;

use super::WhatIf;
use crate::analysis::force::ForceEffect;
use crate::analysis::infeasibility::Diagnosis;
use crate::analysis::{Plan, SolveReport, Status};
use crate::model::AppliedScenario;

/// The document of `capplan solve --format json` (docs/json-output.md).
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "SolveReport")]
pub(super) struct JsonReport<'a> {
    /// The layout version of this document (docs/json-output.md, "Versioning").
    #[schemars(schema_with = "super::schema::version")]
    schema_version: u32,
    /// The version of capplan that wrote the document.
    capplan_version: &'static str,
    /// The `[plan]` header of the instance.
    plan: JsonHeader<'a>,
    /// How the solve ended; `result` is present exactly when it is `optimal`.
    status: Status,
    /// The backend that solved the LP.
    solver: &'static str,
    /// Why this backend ran: the `--solver` request, or the `auto` rule that chose it.
    solver_reason: &'a str,
    /// Resource ids in instance order: the keys, in this order, of every per-resource object.
    resource_ids: Vec<&'a str>,
    /// The optimal plan; null exactly when `status` is not `optimal`.
    result: Option<&'a Plan>,
    /// Reasons to doubt the numbers, in planner words; empty when there are none.
    warnings: Vec<String>,
    /// The analyses `--time-limit` stopped before they finished; empty when none was.
    cut_short: &'a [crate::analysis::CutShort],
    /// The scenario applied; present only with `--scenario`.
    #[serde(skip_serializing_if = "Option::is_none")]
    scenario: Option<&'a AppliedScenario>,
    /// What the forces cost and who gives up hours; present only with `--force` when the forced
    /// and the unforced plan are both optimal.
    #[serde(skip_serializing_if = "Option::is_none")]
    forces: Option<&'a ForceEffect>,
    /// The conflicting constraints and the least repair; present exactly when `status` is
    /// `infeasible`.
    #[serde(skip_serializing_if = "Option::is_none")]
    diagnosis: Option<&'a Diagnosis>,
}

/// The `[plan]` header of an instance.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "PlanHeader")]
struct JsonHeader<'a> {
    /// `plan.name` from the instance.
    name: &'a str,
    /// `plan.period` from the instance.
    period: &'a str,
    /// `plan.currency`: the currency of every money amount in the document.
    currency: &'a str,
    /// `plan.notes` from the instance; null when it has none.
    notes: Option<&'a str>,
}

pub fn render(report: &SolveReport) -> String {
    render_with(report, &WhatIf::default())
}

/// As [`render`], with the what-if parts after `cut_short` (the scenario applied, the effect of
/// forces, the diagnosis of an infeasible plan).
pub fn render_with(report: &SolveReport, what_if: &WhatIf<'_>) -> String {
    let header = &report.header.plan;
    let document = JsonReport {
        schema_version: super::JSON_SCHEMA_VERSION,
        capplan_version: env!("CARGO_PKG_VERSION"),
        plan: JsonHeader { name: &header.name, period: &header.period, currency: &header.currency, notes: header.notes.as_deref() },
        status: report.status,
        solver: report.backend.name(),
        solver_reason: &report.solver_reason,
        resource_ids: report.header.resource_ids.iter().map(String::as_str).collect(),
        result: report.plan.as_ref(),
        warnings: super::warnings(report),
        cut_short: &report.cut_short,
        scenario: what_if.scenario,
        forces: what_if.forces,
        diagnosis: what_if.diagnosis,
    };
    pretty(serde_json::to_value(&document).expect("report types serialise to JSON"))
}

/// Numbers keyed by id (scenario ids, score dimensions), written as one JSON object whose keys
/// keep the order given.
pub(super) struct NumbersById<'a>(pub(super) Vec<(&'a str, f64)>);

impl Serialize for NumbersById<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (id, number) in &self.0 {
            map.serialize_entry(id, number)?;
        }
        map.end()
    }
}

impl schemars::JsonSchema for NumbersById<'_> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "NumbersById".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "object", "additionalProperties": { "type": "number" } })
    }
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
