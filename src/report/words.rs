//! Planner words for what analysis records as numbers and types: the warnings a plan carries
//! (curves planned with their envelope, a share met by padding), what a category implies for an
//! allocation, and what `--time-limit` cut short. Every printer words these the same way by
//! calling this module; analysis writes none of it.

use super::format::{hours, money};
use crate::analysis::document::{Implication, Unranged};
use crate::analysis::{CutShort, Plan, SolveReport};
use crate::model::ExpectationKind;

/// Every warning of a solve, worded: the solve layer's (badly scaled data), then the plan's own
/// (envelope curves, share padding, then an objective that weighs revenue risk). The text, HTML,
/// xlsx and JSON reports and the CSV's standard error all list these.
pub fn warnings(report: &SolveReport) -> Vec<String> {
    let currency = report.header.currency();
    let mut all = report.warnings.clone();
    if let Some(plan) = &report.plan {
        all.extend(envelope_warning(plan, currency));
        all.extend(padding_warning(plan, currency));
        all.extend(risk_weight_warning(plan, currency));
    }
    all
}

/// The envelopes in one sentence, if any curve was planned with one.
fn envelope_warning(plan: &Plan, currency: &str) -> Option<String> {
    if plan.envelope_overstatements.is_empty() {
        return None;
    }
    let total: f64 = plan.envelope_overstatements.iter().map(|entry| entry.overstatement).sum();
    let each: Vec<String> = plan
        .envelope_overstatements
        .iter()
        .map(|entry| {
            format!(
                "{}/{} at {} h: {} {currency} (envelope {}, judged points {})",
                entry.customer,
                entry.resource,
                hours(entry.hours),
                money(entry.overstatement),
                money(entry.envelope_value),
                money(entry.judged_value),
            )
        })
        .collect();
    Some(format!(
        "S-shaped judged curves planned with their concave envelope (envelope = true); the envelope overstates \
         value at the planned hours by {} {currency} in all: {}",
        money(total),
        each.join("; "),
    ))
}

/// The padding in one sentence, if there is any.
fn padding_warning(plan: &Plan, currency: &str) -> Option<String> {
    let first = plan.share_padding.first()?;
    let padded: f64 = plan.share_padding.iter().map(|padding| padding.hours_above_lower_limits).sum();
    Some(format!(
        "share limit met by padding: {} is met partly by giving {} h to {} allocation{} (e.g. {}/{}, whose last \
         hour returns {} {currency}) only to raise the plan's total value; a share of a fixed total \
         ([diversification] value_share_base = \"current\") cannot be met this way",
        first.shares.join(", "),
        hours(padded),
        plan.share_padding.len(),
        if plan.share_padding.len() == 1 { "" } else { "s" },
        first.customer,
        first.resource,
        money(first.last_hour_return),
    ))
}

/// The risk weight in words, if the objective carries one: the objective, so every shadow
/// price, is then not contribution alone.
fn risk_weight_warning(plan: &Plan, currency: &str) -> Option<String> {
    let risk = plan.risk.as_ref().filter(|risk| risk.risk_weight > 0.0)?;
    let weight = risk.risk_weight;
    let priority = if plan.totals.priority_adjustment.abs() >= 0.005 {
        format!(" + priority weighting {}", money(plan.totals.priority_adjustment))
    } else {
        String::new()
    };
    Some(format!(
        "the objective weighs revenue risk ([risk] risk_weight = {weight}): the plan maximises expected contribution - \
         {weight} x CVaR risk, that is expected contribution + {weight} x CVaR of contribution (at {} confidence): {} + \
         {weight} x {}{priority} = {} {currency}. Shadow prices and reduced costs are in units of that objective: an \
         hour that adds 1 {currency} to the contribution in every scenario is worth {} there",
        super::format::percent(risk.confidence),
        money(plan.totals.contribution),
        money(risk.cvar_contribution),
        money(plan.objective),
        1.0 + weight,
    ))
}

fn kind_word(kind: ExpectationKind) -> &'static str {
    match kind {
        ExpectationKind::Hard => "hard",
        ExpectationKind::Soft => "soft",
    }
}

/// What a category implies for one allocation, e.g. "floor 40.0 h; expectation hard"; "-" for
/// nothing.
pub fn category_implies(implies: &[Implication]) -> String {
    if implies.is_empty() {
        return "-".to_string();
    }
    let words: Vec<String> = implies
        .iter()
        .map(|implication| match *implication {
            Implication::Floor { hours: floor } => format!("floor {} h", hours(floor)),
            Implication::FloorOverridden { default_hours, own_hours } => {
                format!("floor {} h overridden by the customer's own {} h", hours(default_hours), hours(own_hours))
            }
            Implication::Cap { hours: cap } => format!("cap {} h", hours(cap)),
            Implication::CapOverridden { default_hours, own_hours } => {
                format!("cap {} h overridden by the customer's own {} h", hours(default_hours), hours(own_hours))
            }
            Implication::MaxChange { hours: change } => format!("change at most {} h", hours(change)),
            Implication::Expectation { kind: ExpectationKind::Hard, .. } => "expectation hard".to_string(),
            Implication::Expectation { kind: ExpectationKind::Soft, penalty_per_hour } => {
                format!("expectation soft ({}/h at risk)", money(penalty_per_hour))
            }
            Implication::ExpectationOverridden { default, own } => {
                format!("expectation {} overridden by the customer's own {}", kind_word(default), kind_word(own))
            }
        })
        .collect();
    words.join("; ")
}

/// JSON's `category_implies`: the words of [`category_implies`], so that the JSON layout keeps its
/// string.
pub fn serialize_category_implies<S: serde::Serializer>(implies: &[Implication], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&category_implies(implies))
}

/// Why a limit has no range, in planner words.
pub fn unranged(why: Unranged) -> &'static str {
    match why {
        Unranged::ShareScalesPlannedQuantities => {
            "the share multiplies planned quantities (value, or hours that include expansion), so the value curve is not \
             piecewise linear in it and no exact range exists"
        }
    }
}

impl std::fmt::Display for Unranged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(unranged(*self))
    }
}

/// JSON's `note` of a range: the words of [`unranged`], or null.
pub fn serialize_unranged<S: serde::Serializer>(why: &Option<Unranged>, serializer: S) -> Result<S::Ok, S::Error> {
    match why {
        Some(why) => serializer.serialize_str(unranged(*why)),
        None => serializer.serialize_none(),
    }
}

/// What is missing, in planner words, when `--time-limit` stopped an analysis.
pub fn cut_short(analysis: CutShort) -> &'static str {
    match analysis {
        CutShort::PromisePrices => "the exact cost of some floors and expectations is missing",
        CutShort::PolicyPrices => "the exact cost of some category policies is missing",
        CutShort::Forces => "what the forces cost is missing",
        CutShort::Sensitivity => "the sensitivity report is left out",
        CutShort::CapacityRanges => "how far each resource's price holds is left out",
        CutShort::ValueCurves => "the value curves of the capacities are left out",
        CutShort::Diagnosis => "the infeasibility diagnosis is incomplete",
    }
}
