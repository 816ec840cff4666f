//! The whale curve of a portfolio: how the contribution splits between the most profitable 20 %
//! of customers, the middle 70 % and the least profitable 10 % (shared/domain.md: 150-300 %,
//! about break even, and a loss of 50-200 % of the total in real portfolios).

use crate::model::{ExpectationKind, Instance};

/// Each customer's contribution with its *current* hours: response value minus the cost of the
/// hours minus the penalty of any soft expectation the current hours fall short of.
pub fn current_contributions(instance: &Instance) -> Vec<f64> {
    instance
        .customers
        .iter()
        .map(|customer| {
            (0..instance.resources.len())
                .map(|r| {
                    let hours = customer.current_hours[r];
                    let penalty = match customer.expectations[r] {
                        Some(expectation) if expectation.kind == ExpectationKind::Soft => {
                            (expectation.hours - hours).max(0.0) * expectation.penalty_per_hour
                        }
                        _ => 0.0,
                    };
                    customer.responses[r].value_at(hours) - hours * instance.resources[r].cost_per_hour - penalty
                })
                .sum()
        })
        .collect()
}

/// Shares of the total contribution, as fractions (2.0 is 200 %).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct WhaleShape {
    /// The customers' contributions added up (currency).
    pub total: f64,
    /// The most profitable 20 % of customers (rounded to whole customers).
    pub top_20: f64,
    /// The customers between the top 20 % and the bottom 10 %.
    pub middle_70: f64,
    /// The least profitable 10 %.
    pub bottom_10: f64,
}

/// The whale-curve shares of a list of customer contributions.
pub fn whale_shape(contributions: &[f64]) -> WhaleShape {
    let mut sorted = contributions.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let count = sorted.len();
    let top = ((count as f64) * 0.2).round() as usize;
    let bottom = ((count as f64) * 0.1).round() as usize;
    let total: f64 = sorted.iter().sum();
    let sum = |slice: &[f64]| slice.iter().sum::<f64>() / total;
    WhaleShape {
        total,
        top_20: sum(&sorted[..top]),
        middle_70: sum(&sorted[top..count - bottom]),
        bottom_10: sum(&sorted[count - bottom..]),
    }
}
