//! The JSON Schema (draft 2020-12) of every JSON document capplan writes, as `capplan schema`
//! prints it. The schemas are generated from the report types themselves (`schemars`), so that
//! a field added to a serialised type is in the schema by its `#[derive(JsonSchema)]` alone.

use schemars::generate::SchemaSettings;
use schemars::{Schema, SchemaGenerator};

/// A JSON document capplan writes; each has its own schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    /// `capplan solve --format json`, with `--sensitivity`, `--scenario` and `--force` too
    /// (docs/json-output.md).
    Solve,
    /// `capplan solve --audience partner --customer ID --format json`.
    Partner,
    /// `capplan compare --format json` (docs/scenarios.md).
    Compare,
    /// `capplan sweep --format json` (docs/sensitivity.md).
    Sweep,
    /// `capplan frontier --format json` (docs/cli.md).
    Frontier,
    /// `capplan classify --format json`.
    Classify,
    /// `capplan solve --format json` of a multi-period instance (`[[periods]]`;
    /// docs/json-output.md, "Multi-period plans").
    Horizon,
    /// What a failed run prints on standard error with `--format json` (docs/cli.md, "Errors as
    /// JSON").
    Error,
}

impl Document {
    /// Every document, in the order of the combined schema's `anyOf`.
    pub const ALL: [Document; 8] = [
        Document::Solve,
        Document::Partner,
        Document::Compare,
        Document::Sweep,
        Document::Frontier,
        Document::Classify,
        Document::Horizon,
        Document::Error,
    ];

    /// The name `capplan schema NAME` takes.
    pub fn name(self) -> &'static str {
        match self {
            Document::Solve => "solve",
            Document::Partner => "partner",
            Document::Compare => "compare",
            Document::Sweep => "sweep",
            Document::Frontier => "frontier",
            Document::Classify => "classify",
            Document::Horizon => "horizon",
            Document::Error => "error",
        }
    }

    /// A reference to the document's schema, added to `generator`'s definitions.
    fn reference(self, generator: &mut SchemaGenerator) -> Schema {
        match self {
            Document::Solve => generator.subschema_for::<super::json::JsonReport<'static>>(),
            Document::Partner => generator.subschema_for::<super::partner::PartnerDocument<'static>>(),
            Document::Compare => generator.subschema_for::<super::compare::JsonComparison<'static>>(),
            Document::Sweep => generator.subschema_for::<super::sweep::JsonSweep<'static>>(),
            Document::Frontier => generator.subschema_for::<super::frontier::JsonFrontier<'static>>(),
            Document::Classify => generator.subschema_for::<super::classify::JsonClassification<'static>>(),
            Document::Horizon => generator.subschema_for::<super::horizon::JsonHorizon<'static>>(),
            Document::Error => generator.subschema_for::<super::failure::JsonFailure<'static>>(),
        }
    }

    /// The document's schema on its own: its root is the document, its types under `$defs`.
    fn root(self) -> Schema {
        let generator = settings().into_generator();
        match self {
            Document::Solve => generator.into_root_schema_for::<super::json::JsonReport<'static>>(),
            Document::Partner => generator.into_root_schema_for::<super::partner::PartnerDocument<'static>>(),
            Document::Compare => generator.into_root_schema_for::<super::compare::JsonComparison<'static>>(),
            Document::Sweep => generator.into_root_schema_for::<super::sweep::JsonSweep<'static>>(),
            Document::Frontier => generator.into_root_schema_for::<super::frontier::JsonFrontier<'static>>(),
            Document::Classify => generator.into_root_schema_for::<super::classify::JsonClassification<'static>>(),
            Document::Horizon => generator.into_root_schema_for::<super::horizon::JsonHorizon<'static>>(),
            Document::Error => generator.into_root_schema_for::<super::failure::JsonFailure<'static>>(),
        }
    }
}

/// Draft 2020-12, describing what capplan writes (a field serde leaves out when empty is not
/// required; every other field is).
fn settings() -> SchemaSettings {
    SchemaSettings::draft2020_12().for_serialize()
}

/// The schema of `document`, or with `None` one schema for every document: its root accepts any
/// of them (`anyOf`, one `$ref` per document into `$defs`).
///
/// ```
/// use capplan::report::schema::{Document, schema};
/// let solve = schema(Some(Document::Solve));
/// assert_eq!(solve["$schema"], "https://json-schema.org/draft/2020-12/schema");
/// assert_eq!(solve["properties"]["schema_version"]["const"], capplan::report::JSON_SCHEMA_VERSION);
/// assert_eq!(schema(None)["anyOf"].as_array().map(Vec::len), Some(Document::ALL.len()));
/// ```
pub fn schema(document: Option<Document>) -> serde_json::Value {
    let schema = match document {
        Some(document) => document.root(),
        None => {
            let mut generator = settings().into_generator();
            let any_of: Vec<Schema> = Document::ALL.iter().map(|document| document.reference(&mut generator)).collect();
            let definitions = generator.take_definitions(true);
            schemars::json_schema!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "title": "capplan JSON documents",
                "description": format!(
                    "Every JSON document capplan {} writes, schema_version {}: the solve report, the partner view, \
                     compare, sweep, frontier, classify, the multi-period solve report, and the error report on standard error.",
                    env!("CARGO_PKG_VERSION"),
                    super::JSON_SCHEMA_VERSION
                ),
                "anyOf": any_of,
                "$defs": definitions,
            })
        }
    };
    schema.to_value()
}

/// [`schema`] pretty-printed, with a final line break.
pub fn render(document: Option<Document>) -> String {
    let mut text = serde_json::to_string_pretty(&schema(document)).expect("a schema prints");
    text.push('\n');
    text
}

/// The schema of every document's `schema_version`: the version this build writes, exactly.
pub(super) fn version(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({
        "description": "The layout version of the document (docs/json-output.md, \"Versioning\").",
        "type": "integer",
        "const": super::JSON_SCHEMA_VERSION,
    })
}
