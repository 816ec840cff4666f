//! Revenue risk (`[risk]`): scenarios of what each customer's value turns out to be, with
//! probabilities, the confidence of the CVaR measured on contribution, an optional floor on
//! that CVaR and an optional risk weight. The plan maximises the expected contribution minus
//! the risk weight times the CVaR risk; the CVaR, and so both the floor and the weighted
//! objective, are linear (Rockafellar-Uryasev, see src/formulation/mod.rs).

use std::collections::BTreeMap;

use crate::input::Spanned;

use super::validate::{Rule, Validator};
use super::{Customer, Segment};
use crate::input::RawRisk;

/// The `[risk]` section, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Risk {
    /// The CVaR's confidence level in [0, 1): the CVaR is the mean contribution over the worst
    /// `1 - confidence` of the probability.
    pub(crate) confidence: f64,
    /// The lowest CVaR of contribution a plan may have (currency), if any.
    pub(crate) min_cvar: Option<f64>,
    /// `λ >= 0` of the objective `expected contribution - λ x CVaR risk`, if the instance sets
    /// one (the CVaR risk is minus the CVaR of contribution).
    pub(crate) risk_weight: Option<f64>,
    pub(crate) scenarios: Vec<RiskScenario>,
    /// Per customer: the probability-weighted multiplier. The customer's response curves in the
    /// instance are already multiplied by it, so that every value the reports show is expected.
    pub(crate) expected_multipliers: Vec<f64>,
}

/// One revenue outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskScenario {
    pub(crate) id: String,
    pub(crate) probability: f64,
    /// Per customer: the multiplier of the value its curves give as written (>= 0).
    pub(crate) multipliers: Vec<f64>,
}

impl Risk {
    /// The CVaR's confidence level.
    pub fn confidence(&self) -> f64 {
        self.confidence
    }
    /// The CVaR floor, if the instance sets one.
    pub fn min_cvar(&self) -> Option<f64> {
        self.min_cvar
    }
    /// The risk weight `λ` of the objective `expected contribution - λ x CVaR risk`, if any.
    pub fn risk_weight(&self) -> Option<f64> {
        self.risk_weight
    }
    /// The risk weight the objective carries: `λ`, or 0 without one.
    pub fn weight(&self) -> f64 {
        self.risk_weight.unwrap_or(0.0)
    }
    /// The scenarios, in file order.
    pub fn scenarios(&self) -> &[RiskScenario] {
        &self.scenarios
    }
    /// What customer `customer`'s (expected) value is multiplied by in scenario `scenario`.
    pub fn value_ratio(&self, scenario: usize, customer: usize) -> f64 {
        let expected = self.expected_multipliers[customer];
        // Multipliers are >= 0, so an expectation of 0 means every scenario with weight gives 0.
        if expected > 0.0 { self.scenarios[scenario].multipliers[customer] / expected } else { 0.0 }
    }
    /// A copy with the CVaR floor set to `floor` (or removed) and no risk weight: one point of
    /// the frontier, which maximises the expected contribution alone.
    pub fn with_min_cvar(&self, floor: Option<f64>) -> Risk {
        Risk { min_cvar: floor, risk_weight: None, ..self.clone() }
    }
    /// A copy with the risk weight set to `weight` (or removed), the floor kept.
    pub fn with_risk_weight(&self, weight: Option<f64>) -> Risk {
        Risk { risk_weight: weight, ..self.clone() }
    }
}

impl RiskScenario {
    /// The scenario's id.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// Its probability.
    pub fn probability(&self) -> f64 {
        self.probability
    }
    /// Per customer: the value multiplier against the curves as written.
    pub fn multipliers(&self) -> &[f64] {
        &self.multipliers
    }
}

/// The largest risk weight accepted: far below it the plan is already the one of best CVaR, and
/// above it the expected contribution drowns in the solver's rounding.
const MAX_RISK_WEIGHT: f64 = 1e6;

/// Probabilities must add up to 1 within this (planners write 0.333).
const PROBABILITY_TOLERANCE: f64 = 1e-6;

impl Validator<'_> {
    /// Validates `[risk]` and multiplies each customer's curves by its expected multiplier.
    pub(super) fn risk(&mut self, raw: &Spanned<RawRisk>, customers: &mut [Customer], segments: &[Segment]) -> Option<Risk> {
        let section = raw.get_ref();
        let confidence = *section.confidence.get_ref();
        if !(0.0..1.0).contains(&confidence) {
            self.error(
                section.confidence.span(),
                "risk.confidence",
                format!("expected a confidence level >= 0 and < 1 (0.9: the CVaR is the mean of the worst 10 %), found {confidence}"),
            );
        }
        let min_cvar = section.min_cvar.as_ref().map(|floor| self.number(floor, "risk.min_cvar", Rule::Finite));
        let risk_weight = section.risk_weight.as_ref().map(|weight| {
            let value = self.number(weight, "risk.risk_weight", Rule::NonNegative);
            if value > MAX_RISK_WEIGHT {
                self.error(
                    weight.span(),
                    "risk.risk_weight",
                    format!(
                        "expected a risk weight of at most {MAX_RISK_WEIGHT:e} (currency of expected contribution given up \
                         per currency of CVaR risk), found {value}; for the plan of least risk set min_cvar instead"
                    ),
                );
            }
            value
        });
        if section.scenarios.is_empty() {
            self.error(raw.span(), "risk.scenarios", "expected at least one [[risk.scenarios]] with an id and a probability");
            return None;
        }
        self.unique(section.scenarios.iter().map(|s| &s.get_ref().id), "risk scenario", "risk.scenarios.id");
        let customer_index: BTreeMap<&str, usize> = customers.iter().enumerate().map(|(i, c)| (c.id.as_str(), i)).collect();
        let mut scenarios = Vec::with_capacity(section.scenarios.len());
        let mut total = 0.0;
        for scenario in &section.scenarios {
            let scenario = scenario.get_ref();
            let id = self.id(&scenario.id, "risk.scenarios.id");
            let field = format!("risk.scenarios[{id}]");
            let probability = *scenario.probability.get_ref();
            if !(probability > 0.0 && probability <= 1.0) {
                self.error(
                    scenario.probability.span(),
                    format!("{field}.probability"),
                    format!("expected a probability > 0 and <= 1, found {probability}"),
                );
            }
            total += probability;
            let mut by_segment = vec![None; segments.len()];
            for (key, multiplier) in &scenario.segments {
                let value = self.number(multiplier, &format!("{field}.segments.{}", key.get_ref()), Rule::NonNegative);
                match segments.iter().position(|segment| segment.id == *key.get_ref()) {
                    Some(segment) => by_segment[segment] = Some(value),
                    None => self.error(key.span(), format!("{field}.segments"), format!("unknown segment {:?}", key.get_ref())),
                }
            }
            let mut multipliers: Vec<f64> =
                customers.iter().map(|customer| customer.segment.and_then(|segment| by_segment[segment]).unwrap_or(1.0)).collect();
            for (key, multiplier) in &scenario.customers {
                let value = self.number(multiplier, &format!("{field}.customers.{}", key.get_ref()), Rule::NonNegative);
                match customer_index.get(key.get_ref().as_str()) {
                    Some(&customer) => multipliers[customer] = value,
                    None => self.error(key.span(), format!("{field}.customers"), format!("unknown customer {:?}", key.get_ref())),
                }
            }
            scenarios.push(RiskScenario { id, probability, multipliers });
        }
        if (total - 1.0).abs() > PROBABILITY_TOLERANCE {
            self.error(raw.span(), "risk.scenarios.probability", format!("the scenarios' probabilities add up to {total}, expected 1"));
        }
        let expected_multipliers: Vec<f64> = (0..customers.len())
            .map(|customer| scenarios.iter().map(|scenario| scenario.probability * scenario.multipliers[customer]).sum())
            .collect();
        for (customer, &expected) in customers.iter_mut().zip(&expected_multipliers) {
            if expected == 1.0 {
                continue;
            }
            for curve in customer.responses.iter_mut().chain(customer.judged_responses.iter_mut().flatten()) {
                curve.value_at_zero *= expected;
                for piece in &mut curve.pieces {
                    piece.value_per_hour *= expected;
                }
            }
        }
        Some(Risk { confidence, min_cvar, risk_weight, scenarios, expected_multipliers })
    }
}
