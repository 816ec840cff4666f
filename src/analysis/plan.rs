//! The optimal plan in planner terms: hours, value and contribution per customer, utilisation per
//! resource, every named constraint with its shadow price, expectation gaps, change versus the
//! current hours.

use serde::Serialize;

use super::duals::Duals;
use crate::formulation::{ConstraintKind, Formulation, Sense};
use crate::model::{ExpectationKind, Instance, ShareBase};

/// Tolerance, relative to the right-hand side, under which a constraint counts as binding.
pub const BINDING_TOLERANCE: f64 = 1e-7;

#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Value - hour costs - expansion costs - shortfall penalties (currency).
    pub objective: f64,
    pub totals: Totals,
    pub resources: Vec<ResourceResult>,
    pub expansions: Vec<ExpansionResult>,
    pub customers: Vec<CustomerResult>,
    pub allocations: Vec<Allocation>,
    pub segments: Vec<SegmentResult>,
    pub constraints: Vec<ConstraintResult>,
    pub expectations: Vec<ExpectationGap>,
    /// Ranging and one-sided values, present only when asked for (`solve --sensitivity`;
    /// docs/sensitivity.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<super::ranging::Sensitivity>,
    /// The raw LP solution: values per LP variable, duals per LP row (internal rows included),
    /// reduced costs per LP variable. Kept for checks; reports do not print them.
    #[serde(skip)]
    pub lp: LpSolutionValues,
}

#[derive(Debug, Clone, Default)]
pub struct LpSolutionValues {
    pub values: Vec<f64>,
    pub row_duals: Vec<f64>,
    pub reduced_costs: Vec<f64>,
    pub dual_objective: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    /// Response value of all hours (currency).
    pub value: f64,
    /// Cost of the hours allocated (currency).
    pub hour_cost: f64,
    pub expansion_cost: f64,
    pub penalty_cost: f64,
    /// Same as the objective.
    pub contribution: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResourceResult {
    pub resource: String,
    pub name: String,
    pub capacity_hours: f64,
    pub expansion_hours: f64,
    /// capacity + expansion bought.
    pub available_hours: f64,
    pub allocated_hours: f64,
    pub current_hours: f64,
    /// allocated / available (0 when nothing is available).
    pub utilisation: f64,
    pub cost_per_hour: f64,
    /// Shadow price of `capacity[resource]`: currency per extra hour of capacity.
    pub shadow_price: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExpansionResult {
    pub resource: String,
    pub option: String,
    pub hours: f64,
    pub max_hours: Option<f64>,
    pub cost_per_hour: f64,
    pub cost: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CustomerResult {
    pub customer: String,
    pub name: String,
    pub segment: Option<String>,
    /// Hours per resource, in the instance's resource order.
    pub hours: Vec<f64>,
    pub current_hours: Vec<f64>,
    /// Response value of the planned hours (currency).
    pub value: f64,
    pub hour_cost: f64,
    pub penalty_cost: f64,
    /// value - hour_cost - penalty_cost.
    pub contribution: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Allocation {
    pub customer: String,
    pub resource: String,
    pub hours: f64,
    pub current_hours: f64,
    /// hours - current_hours.
    pub change_hours: f64,
    /// Response value of these hours, value at zero hours included (currency).
    pub value: f64,
    /// Value of the next hour on the response curve (currency per hour).
    pub marginal_value: f64,
    /// Net return of the next hour: its marginal value plus any soft-expectation penalty it
    /// avoids, minus its cost per hour and the shadow prices of the shared limits it uses
    /// (capacity, shares, segment limits), ignoring this allocation's own floor, cap and hard
    /// expectation (currency per hour). Negative: an hour would have to return that much more
    /// before the plan gives more (at zero, at a floor, or at a bend of the response curve).
    /// Positive: the allocation is held down by its own cap or its own share cap of the resource,
    /// which costs that much per hour. Zero: the allocation is where it should be.
    pub reduced_cost: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SegmentResult {
    pub segment: String,
    pub name: String,
    pub customers: usize,
    pub hours: Vec<f64>,
    pub value: f64,
    pub contribution: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConstraintResult {
    /// Stable id, e.g. `floor[m1/service]`.
    pub id: String,
    pub family: &'static str,
    pub sense: Sense,
    /// The limit as the planner wrote it: hours, or a share in [0, 1].
    pub limit: f64,
    /// The plan's value of the limited quantity, in the same unit as `limit`.
    pub actual: f64,
    /// How far the plan is from the limit (>= 0), same unit.
    pub slack: f64,
    pub binding: bool,
    /// Change of the optimal objective per +1 unit of `limit` (currency per hour; for shares,
    /// currency per percentage point).
    pub shadow_price: f64,
    /// "hour" or "percentage point".
    pub unit: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExpectationGap {
    pub customer: String,
    pub resource: String,
    pub kind: ExpectationKind,
    pub expected_hours: f64,
    pub planned_hours: f64,
    pub current_hours: f64,
    /// max(0, expected - planned).
    pub shortfall_hours: f64,
    pub penalty_per_hour: f64,
    pub penalty_cost: f64,
}

pub(super) fn assemble(instance: &Instance, formulation: &Formulation, values: &[f64], objective: f64, duals: &Duals) -> Plan {
    let value_of = |variable: usize| values[variable];
    let resource_count = instance.resources.len();

    let hours: Vec<Vec<f64>> = formulation.hours.iter().map(|row| row.iter().map(|&v| value_of(v).max(0.0)).collect()).collect();
    // value[c][r]: value at zero + value of the pieces the LP filled.
    let allocation_value: Vec<Vec<f64>> = instance
        .customers
        .iter()
        .enumerate()
        .map(|(c, customer)| {
            (0..resource_count)
                .map(|r| {
                    let curve = &customer.responses[r];
                    curve.value_at_zero
                        + curve
                            .pieces
                            .iter()
                            .zip(&formulation.pieces[c][r])
                            .map(|(piece, &v)| piece.value_per_hour * value_of(v))
                            .sum::<f64>()
                })
                .collect()
        })
        .collect();

    let expansion_hours: Vec<f64> = formulation.expansion.iter().map(|options| options.iter().map(|&v| value_of(v)).sum()).collect();
    let available: Vec<f64> =
        instance.resources.iter().zip(&expansion_hours).map(|(resource, extra)| resource.capacity_hours + extra).collect();

    let columns = formulation.lp.columns();
    let mut customers = Vec::new();
    let mut allocations = Vec::new();
    let mut expectations = Vec::new();
    for (c, customer) in instance.customers.iter().enumerate() {
        let mut penalty_cost = 0.0;
        for r in 0..resource_count {
            if let Some(expectation) = customer.expectations[r] {
                let shortfall_hours =
                    formulation.shortfall[c][r].map_or_else(|| (expectation.hours - hours[c][r]).max(0.0), |v| value_of(v).max(0.0));
                let cost = shortfall_hours * expectation.penalty_per_hour;
                penalty_cost += cost;
                expectations.push(ExpectationGap {
                    customer: customer.id.clone(),
                    resource: instance.resources[r].id.clone(),
                    kind: expectation.kind,
                    expected_hours: expectation.hours,
                    planned_hours: hours[c][r],
                    current_hours: customer.current_hours[r],
                    shortfall_hours,
                    penalty_per_hour: expectation.penalty_per_hour,
                    penalty_cost: cost,
                });
            }
        }
        let value: f64 = allocation_value[c].iter().sum();
        let hour_cost: f64 = (0..resource_count).map(|r| hours[c][r] * instance.resources[r].cost_per_hour).sum();
        customers.push(CustomerResult {
            customer: customer.id.clone(),
            name: customer.name.clone(),
            segment: customer.segment.map(|s| instance.segments[s].id.clone()),
            hours: hours[c].clone(),
            current_hours: customer.current_hours.clone(),
            value,
            hour_cost,
            penalty_cost,
            contribution: value - hour_cost - penalty_cost,
        });
        for r in 0..resource_count {
            let hours_variable = formulation.hours[c][r];
            // The prices of the shared rows this hour uses (capacity, value shares, segment limits).
            // The allocation's own rows are left out: its response row is replaced by the curve's
            // next piece, a soft expectation by the penalty the hour avoids, and its floor, cap,
            // hours share cap and hard expectation are the limits whose cost the reduced cost
            // reveals.
            let shared_price: f64 = columns[hours_variable]
                .iter()
                .filter(|(row, _)| match formulation.kinds[*row] {
                    ConstraintKind::Response { customer, resource }
                    | ConstraintKind::Floor { customer, resource }
                    | ConstraintKind::Cap { customer, resource }
                    | ConstraintKind::Expectation { customer, resource } => (customer, resource) != (c, r),
                    ConstraintKind::CustomerShare { customer, base: ShareBase::Resource(resource) } => (customer, resource) != (c, r),
                    _ => true,
                })
                .map(|&(row, coefficient)| coefficient * duals.row_duals[row])
                .sum();
            let marginal_value = customer.responses[r].marginal_value_at(hours[c][r]);
            let penalty_avoided = match customer.expectations[r] {
                Some(expectation)
                    if expectation.kind == ExpectationKind::Soft
                        && hours[c][r] < expectation.hours - crate::model::BREAKPOINT_TOLERANCE * (1.0 + expectation.hours) =>
                {
                    expectation.penalty_per_hour
                }
                _ => 0.0,
            };
            let reduced_cost = marginal_value + penalty_avoided - instance.resources[r].cost_per_hour - shared_price;
            allocations.push(Allocation {
                customer: customer.id.clone(),
                resource: instance.resources[r].id.clone(),
                hours: hours[c][r],
                current_hours: customer.current_hours[r],
                change_hours: hours[c][r] - customer.current_hours[r],
                value: allocation_value[c][r],
                marginal_value,
                reduced_cost: tidy(reduced_cost),
            });
        }
    }

    let capacity_dual = |r: usize| formulation.row_of(ConstraintKind::Capacity { resource: r }).map_or(0.0, |row| duals.row_duals[row]);
    let resources = instance
        .resources
        .iter()
        .enumerate()
        .map(|(r, resource)| {
            let allocated: f64 = hours.iter().map(|row| row[r]).sum();
            ResourceResult {
                resource: resource.id.clone(),
                name: resource.name.clone(),
                capacity_hours: resource.capacity_hours,
                expansion_hours: expansion_hours[r],
                available_hours: available[r],
                allocated_hours: allocated,
                current_hours: instance.customers.iter().map(|customer| customer.current_hours[r]).sum(),
                utilisation: if available[r] > 0.0 { allocated / available[r] } else { 0.0 },
                cost_per_hour: resource.cost_per_hour,
                shadow_price: capacity_dual(r),
            }
        })
        .collect();

    let mut expansions = Vec::new();
    for (r, resource) in instance.resources.iter().enumerate() {
        for (o, option) in resource.expansion.iter().enumerate() {
            let bought = value_of(formulation.expansion[r][o]).max(0.0);
            expansions.push(ExpansionResult {
                resource: resource.id.clone(),
                option: option.id.clone(),
                hours: bought,
                max_hours: option.max_hours,
                cost_per_hour: option.cost_per_hour,
                cost: bought * option.cost_per_hour,
            });
        }
    }

    let segments = instance
        .segments
        .iter()
        .enumerate()
        .map(|(s, segment)| {
            let members: Vec<usize> = (0..instance.customers.len()).filter(|&c| instance.customers[c].segment == Some(s)).collect();
            SegmentResult {
                segment: segment.id.clone(),
                name: segment.name.clone(),
                customers: members.len(),
                hours: (0..resource_count).map(|r| members.iter().map(|&c| hours[c][r]).sum()).collect(),
                value: members.iter().map(|&c| customers[c].value).sum(),
                contribution: members.iter().map(|&c| customers[c].contribution).sum(),
            }
        })
        .collect();

    let total_value: f64 = customers.iter().map(|customer| customer.value).sum();
    let constraints = formulation
        .kinds
        .iter()
        .enumerate()
        .filter(|(_, kind)| !kind.is_internal())
        .map(|(row, kind)| constraint_result(instance, formulation, *kind, row, values, duals, &available, total_value))
        .collect();

    let totals = Totals {
        value: total_value,
        hour_cost: customers.iter().map(|customer| customer.hour_cost).sum(),
        expansion_cost: expansions.iter().map(|expansion| expansion.cost).sum(),
        penalty_cost: customers.iter().map(|customer| customer.penalty_cost).sum(),
        contribution: objective,
    };

    Plan {
        objective,
        totals,
        resources,
        expansions,
        customers,
        allocations,
        segments,
        constraints,
        expectations,
        sensitivity: None,
        lp: LpSolutionValues {
            values: values.to_vec(),
            row_duals: duals.row_duals.clone(),
            reduced_costs: duals.reduced_costs.clone(),
            dual_objective: duals.objective,
        },
    }
}

#[allow(clippy::too_many_arguments)]
fn constraint_result(
    instance: &Instance,
    formulation: &Formulation,
    kind: ConstraintKind,
    row: usize,
    values: &[f64],
    duals: &Duals,
    available: &[f64],
    total_value: f64,
) -> ConstraintResult {
    let lp_row = &formulation.lp.rows[row];
    let dual = duals.row_duals[row];
    let activity = formulation.lp.row_activity(row, values);
    let share = match kind {
        ConstraintKind::CustomerShare { customer, base } => {
            Some((base, instance.customers[customer].max_share.iter().find(|(b, _)| *b == base).map_or(0.0, |(_, s)| *s)))
        }
        ConstraintKind::SegmentMinShare { segment, base } => {
            Some((base, instance.segments[segment].min_share.iter().find(|(b, _)| *b == base).map_or(0.0, |(_, s)| *s)))
        }
        ConstraintKind::SegmentMaxShare { segment, base } => {
            Some((base, instance.segments[segment].max_share.iter().find(|(b, _)| *b == base).map_or(0.0, |(_, s)| *s)))
        }
        _ => None,
    };
    // A soft expectation's row is `hours + shortfall >= expected`; the planner compares the
    // expected hours with the planned hours alone.
    let activity = match kind {
        ConstraintKind::Expectation { customer, resource } => match formulation.shortfall[customer][resource] {
            Some(shortfall) => activity - values[shortfall],
            None => activity,
        },
        _ => activity,
    };
    let (limit, actual, shadow_price, unit) = match share {
        None => (lp_row.rhs, activity, dual, "hour"),
        Some((base, share)) => {
            let base_amount = match base {
                ShareBase::Resource(r) => available[r],
                ShareBase::Value => total_value,
            };
            // The row is `part - share * base <= 0` up to constants, so its activity minus its
            // right-hand side is `part - share * base`; the part follows.
            let part = activity - lp_row.rhs + share * base_amount;
            let actual = if base_amount.abs() > 0.0 { part / base_amount } else { 0.0 };
            // d objective / d share = dual * base; per percentage point, divide by 100.
            (share, actual, dual * base_amount / 100.0, "percentage point")
        }
    };
    let slack = match lp_row.sense {
        Sense::Le => limit - actual,
        Sense::Ge => actual - limit,
        Sense::Eq => (actual - limit).abs(),
    }
    .max(0.0);
    let binding = if share.is_some() {
        let raw_slack = match lp_row.sense {
            Sense::Le => lp_row.rhs - activity,
            Sense::Ge => activity - lp_row.rhs,
            Sense::Eq => 0.0,
        };
        raw_slack <= BINDING_TOLERANCE * (1.0 + lp_row.rhs.abs().max(activity.abs()))
    } else {
        slack <= BINDING_TOLERANCE * (1.0 + limit.abs())
    };
    ConstraintResult {
        id: lp_row.name.clone(),
        family: kind.family(),
        sense: lp_row.sense,
        limit,
        actual,
        slack: if binding { 0.0 } else { slack },
        binding,
        shadow_price: tidy(shadow_price),
        unit,
    }
}

/// Turns -0.0 into 0.0 so that reports never print "-0.00".
fn tidy(value: f64) -> f64 {
    if value == 0.0 { 0.0 } else { value }
}
