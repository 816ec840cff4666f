//! The JSON document of `capplan classify`: each customer's portfolio category and why.

use serde::Serialize;

use super::json::NumbersById;

/// The document of `capplan classify --format json`.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "ClassifyReport")]
pub(super) struct JsonClassification<'a> {
    /// The layout version of this document (docs/json-output.md, "Versioning").
    #[schemars(schema_with = "super::schema::version")]
    schema_version: u32,
    /// The portfolio model's id, as in `[portfolio] model`.
    model: &'a str,
    /// The portfolio model's display name.
    model_name: &'a str,
    /// The classified customers, in instance order.
    customers: &'a [Classification<'a>],
}

/// One customer's portfolio category, with the scores that put it there.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct Classification<'a> {
    /// The customer id.
    pub(crate) customer: &'a str,
    /// The customer's display name.
    pub(crate) name: &'a str,
    /// The id of the category the customer falls in.
    pub(crate) category: &'a str,
    /// The customer's score per dimension of the model: dimension id -> score, in the model's
    /// order.
    scores: NumbersById<'a>,
    /// The matching rule with the scores and thresholds, in words.
    pub(crate) why: String,
}

impl<'a> Classification<'a> {
    /// One customer's row: its scores given as (dimension id, score) pairs in the model's order.
    pub(crate) fn new(customer: &'a str, name: &'a str, category: &'a str, scores: Vec<(&'a str, f64)>, why: String) -> Self {
        Classification { customer, name, category, scores: NumbersById(scores), why }
    }
}

/// The classification as one JSON document, with a final line break.
pub(crate) fn render_json(model: &str, model_name: &str, customers: &[Classification<'_>]) -> String {
    let document = JsonClassification { schema_version: super::JSON_SCHEMA_VERSION, model, model_name, customers };
    super::json::pretty(serde_json::to_value(&document).expect("classification serialises"))
}
