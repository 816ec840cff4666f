//! The instance file exactly as written: serde structures, every value wrapped in its span.

use std::collections::BTreeMap;

use crate::input::Spanned;
use serde::Deserialize;

/// A table keyed by resource id (or `value` for share limits), e.g. `{ sales = 40 }`.
pub type RawTable = BTreeMap<Spanned<String>, Spanned<f64>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInstance {
    pub plan: Spanned<RawPlan>,
    #[serde(default)]
    pub resources: Vec<Spanned<RawResource>>,
    #[serde(default)]
    pub segments: Vec<Spanned<RawSegment>>,
    #[serde(default)]
    pub customers: Vec<Spanned<RawCustomer>>,
    pub diversification: Option<Spanned<RawDiversification>>,
    pub portfolio: Option<Spanned<RawPortfolio>>,
    /// A CSV file of further customers (docs/instance-format.md), relative to the instance file.
    pub customers_csv: Option<Spanned<String>>,
    /// The same in an xlsx workbook (its sheet `Customers`, else its first sheet).
    pub customers_xlsx: Option<Spanned<String>>,
    /// Revenue scenarios with probabilities, an optional CVaR floor and risk weight
    /// (docs/instance-format.md).
    pub risk: Option<Spanned<RawRisk>>,
}

/// `[risk]`: revenue scenarios, the confidence of the CVaR, an optional floor on it and an
/// optional weight of the CVaR risk in the objective.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRisk {
    /// The CVaR's confidence level, e.g. 0.9: the CVaR is the mean contribution of the worst 10 %.
    pub confidence: Spanned<f64>,
    /// The lowest CVaR of contribution a plan may have (currency).
    pub min_cvar: Option<Spanned<f64>>,
    /// The weight of the CVaR risk in the objective: the plan maximises expected contribution
    /// minus this times the CVaR risk (currency per currency).
    pub risk_weight: Option<Spanned<f64>>,
    #[serde(default)]
    pub scenarios: Vec<Spanned<RawRiskScenario>>,
}

/// `[[risk.scenarios]]`: one revenue outcome, its probability and its value multipliers.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRiskScenario {
    pub id: Spanned<String>,
    pub probability: Spanned<f64>,
    /// Value multipliers by segment id (1 = as the curves say).
    #[serde(default)]
    pub segments: BTreeMap<Spanned<String>, Spanned<f64>>,
    /// Value multipliers by customer id; a customer's own overrides its segment's.
    #[serde(default)]
    pub customers: BTreeMap<Spanned<String>, Spanned<f64>>,
}

/// `[portfolio] model = "krapfel"`: a built-in model by name, or a path to a model file
/// (relative to the instance file).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPortfolio {
    pub model: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlan {
    pub name: Spanned<String>,
    pub period: Spanned<String>,
    pub currency: Spanned<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawResource {
    pub id: Spanned<String>,
    pub name: Option<String>,
    pub capacity_hours: Spanned<f64>,
    pub cost_per_hour: Option<Spanned<f64>>,
    #[serde(default)]
    pub expansion: Vec<Spanned<RawExpansion>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExpansion {
    pub id: Spanned<String>,
    pub cost_per_hour: Spanned<f64>,
    pub max_hours: Option<Spanned<f64>>,
    /// `true`: `cost_per_hour` is paid on top of the resource's own cost per hour.
    pub cost_is_premium: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSegment {
    pub id: Spanned<String>,
    pub name: Option<String>,
    #[serde(default)]
    pub min_hours: RawTable,
    #[serde(default)]
    pub max_hours: RawTable,
    #[serde(default)]
    pub min_share: RawTable,
    #[serde(default)]
    pub max_share: RawTable,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCustomer {
    pub id: Spanned<String>,
    pub name: Option<String>,
    pub segment: Option<Spanned<String>>,
    #[serde(default)]
    pub current_hours: RawTable,
    #[serde(default)]
    pub floor_hours: RawTable,
    #[serde(default)]
    pub cap_hours: RawTable,
    #[serde(default)]
    pub max_share: RawTable,
    #[serde(default)]
    pub response: BTreeMap<Spanned<String>, Spanned<RawResponse>>,
    #[serde(default)]
    pub expectations: BTreeMap<Spanned<String>, Spanned<RawExpectation>>,
    /// Scores on the portfolio model's dimensions.
    #[serde(default)]
    pub scores: RawTable,
    /// Path dependence: how far hours may move from the current hours in one plan.
    #[serde(default)]
    pub max_change_hours: RawTable,
    #[serde(default)]
    pub max_change_fraction: RawTable,
    /// Multiplies the customer's response value in the objective; overrides the category's.
    pub priority_weight: Option<Spanned<f64>>,
}

/// Either `value_per_hour` (+ optional `max_hours`) or `points`; which one is checked in
/// validation so that the message can say what is wrong.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawResponse {
    pub value_per_hour: Option<Spanned<f64>>,
    pub max_hours: Option<Spanned<f64>>,
    /// Each point should be `[hours, value]`; the pair length is checked in validation so that a
    /// third number is refused rather than dropped.
    pub points: Option<Spanned<Vec<Spanned<Vec<f64>>>>>,
    /// `true`: judged points that are not concave (an S-shaped curve) are planned with their
    /// concave envelope, and the reports say how much that overstates the value.
    pub envelope: Option<Spanned<bool>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExpectationKind {
    Hard,
    Soft,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExpectation {
    pub hours: Spanned<f64>,
    /// Required unless the customer's portfolio category gives a default.
    pub kind: Option<Spanned<ExpectationKind>>,
    pub penalty_per_hour: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDiversification {
    #[serde(default)]
    pub max_customer_share: RawTable,
    /// What value shares are shares of: `"plan"`, `"current"` or a total in currency.
    pub value_share_base: Option<Spanned<RawValueShareBase>>,
}

/// `value_share_base = "current"` or `value_share_base = 2500000`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawValueShareBase {
    Word(String),
    Total(f64),
}
