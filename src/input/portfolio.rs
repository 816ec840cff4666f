//! A portfolio model file (models/*.toml) exactly as written: dimensions, derived indices,
//! categories with their rules and policies, every value with its span.

use std::collections::BTreeMap;

use crate::input::Spanned;
use serde::Deserialize;

use super::{ExpectationKind, RawTable};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawModelFile {
    pub model: Spanned<RawModelHeader>,
    #[serde(default)]
    pub dimensions: Vec<Spanned<RawDimension>>,
    #[serde(default)]
    pub indices: Vec<Spanned<RawIndex>>,
    #[serde(default)]
    pub categories: Vec<Spanned<RawCategory>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawModelHeader {
    pub id: Spanned<String>,
    pub name: Spanned<String>,
    pub description: Option<String>,
    pub source: Option<String>,
}

/// A score the planner gives each customer, e.g. `value` from 0 to 10.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDimension {
    pub id: Spanned<String>,
    pub description: Option<String>,
    pub min: Spanned<f64>,
    pub max: Spanned<f64>,
}

/// A score derived from dimensions: the weighted mean, with some dimensions read in reverse
/// (`min + max - score`), e.g. "availability of alternatives" counting against collaboration.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIndex {
    pub id: Spanned<String>,
    pub description: Option<String>,
    pub weights: RawTable,
    #[serde(default)]
    pub reversed: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCategory {
    pub id: Spanned<String>,
    pub description: Option<String>,
    /// Alternatives: the customer is in the category when any one table matches, and a table
    /// matches when every score in it is within its bounds.
    pub when: Spanned<Vec<BTreeMap<Spanned<String>, Spanned<RawCondition>>>>,
    pub policy: Option<Spanned<RawPolicy>>,
}

/// `{ at_least = 5 }`, `{ below = 5 }` or both: a half-open interval, so that neighbouring
/// cells never overlap at their common threshold.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCondition {
    pub at_least: Option<Spanned<f64>>,
    pub below: Option<Spanned<f64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    #[serde(default)]
    pub floor_hours: RawTable,
    #[serde(default)]
    pub cap_hours: RawTable,
    /// Floors and caps as shares of the resource's capacity hours.
    #[serde(default)]
    pub floor_share: RawTable,
    #[serde(default)]
    pub cap_share: RawTable,
    /// The kind given to the customer's expectations that do not state one.
    pub expectations: Option<Spanned<ExpectationKind>>,
    /// Penalty per hour of shortfall for soft expectations that do not state one.
    pub soft_penalty_per_hour: Option<Spanned<f64>>,
    /// Multiplies the customer's response value in the objective (1 = neutral).
    pub priority_weight: Option<Spanned<f64>>,
    /// How far hours may move from the current hours, in hours or as a fraction of them.
    #[serde(default)]
    pub max_change_hours: RawTable,
    #[serde(default)]
    pub max_change_fraction: RawTable,
}
