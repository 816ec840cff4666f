//! Scenario comparison: the base plan and each scenario's plan side by side (status, totals,
//! utilisation and shadow price per resource, expectation shortfalls), and each scenario's hour
//! changes against the base, biggest moves first.
//!
//! A scenario without an optimal plan keeps its column, with its status and no numbers; an
//! infeasible one also keeps its diagnosis.

use std::collections::HashMap;

use serde::Serialize;

use super::infeasibility::Diagnosis;
use super::{Plan, PlanAnalyses, SolveReport, Status};
use crate::model::{AppliedScenario, Instance};

/// Changes smaller than this many hours are solver noise, not moves.
const MOVE_THRESHOLD_HOURS: f64 = 1e-6;

/// The analyses each plan of a comparison is solved with: none beyond the plan's solve. A
/// column shows its status, totals, utilisation and the shadow price of each capacity, its
/// expectation gaps and its hours, all given by the plan and its shadow prices; the exact costs
/// of promises and policies (a re-solve per floor, expectation or category, at a tight capacity
/// often a curve-order branch each) are in no format of the comparison.
pub const COLUMN_ANALYSES: PlanAnalyses = PlanAnalyses::NONE;

/// Every plan of a comparison side by side, and each scenario's hour changes against the base.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Comparison {
    /// What the comparison is of: the base instance's header (the JSON report writes its own
    /// `plan` and `resource_ids` from it).
    #[serde(skip)]
    pub header: super::document::Header,
    /// The backend that solved the base (`capplan compare` solves every column with it).
    #[serde(skip)]
    pub backend: crate::solve::Backend,
    /// The base first, then the scenarios in the order given.
    pub plans: Vec<ComparedPlan>,
    /// Per scenario (the base has none), in the order of `plans[1..]`.
    pub changes: Vec<ScenarioChanges>,
}

/// One plan of a comparison: the base or one scenario, with its totals, resources and expectations.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ComparedPlan {
    /// `"base"` or the scenario's name.
    pub label: String,
    /// The scenario; `None` for the base.
    pub scenario: Option<AppliedScenario>,
    /// How this plan's solve ended.
    pub status: Status,
    /// The remaining numbers are `None` (JSON null) unless the status is optimal.
    pub objective: Option<f64>,
    /// Response value of the planned hours (currency); `None` without an optimal plan.
    pub value: Option<f64>,
    /// Cost of the planned hours (currency); `None` without an optimal plan.
    pub hour_cost: Option<f64>,
    /// What the bought expansion hours add to the hour costs (currency); `None` without an optimal
    /// plan.
    pub expansion_cost: Option<f64>,
    /// Soft-expectation shortfall penalties (currency); `None` without an optimal plan.
    pub penalty_cost: Option<f64>,
    /// One per resource, in instance order; empty without a plan.
    pub resources: Vec<ComparedResource>,
    /// One per expectation of the (patched) instance; empty without a plan.
    pub expectations: Vec<ComparedGap>,
    /// Why the plan is infeasible; present exactly when the status is infeasible.
    pub diagnosis: Option<Diagnosis>,
    /// The analyses of this plan `--time-limit` stopped before they finished (the diagnosis of an
    /// infeasible plan); empty when none was.
    pub cut_short: Vec<super::CutShort>,
}

/// One resource of a compared plan.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ComparedResource {
    /// The resource id.
    pub resource: String,
    /// Capacity plus expansion bought (hours).
    pub available_hours: f64,
    /// Hours the plan gives customers (hours).
    pub allocated_hours: f64,
    /// `allocated_hours / available_hours` (0 when nothing is available).
    pub utilisation: f64,
    /// Shadow price of `capacity[resource]` (currency per hour).
    pub shadow_price: f64,
}

/// One expectation of a compared plan.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ComparedGap {
    /// The customer id.
    pub customer: String,
    /// The resource id.
    pub resource: String,
    /// The hours the customer expects.
    pub expected_hours: f64,
    /// The hours the plan gives.
    pub planned_hours: f64,
    /// `max(0, expected_hours - planned_hours)`.
    pub shortfall_hours: f64,
}

/// One scenario's hour changes against the base plan.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ScenarioChanges {
    /// The scenario's label, as in its plan's `label`.
    pub label: String,
    /// False when the base or the scenario has no optimal plan; `moves` is then empty.
    pub comparable: bool,
    /// Allocations whose hours differ from the base, biggest moves first.
    pub moves: Vec<HourChange>,
}

/// One allocation whose hours differ between the base plan and a scenario's.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct HourChange {
    /// The customer id.
    pub customer: String,
    /// The resource id.
    pub resource: String,
    /// 0 for a customer the scenario adds.
    pub base_hours: f64,
    /// 0 for a customer the scenario removes.
    pub scenario_hours: f64,
    /// `scenario_hours - base_hours`: negative for hours the scenario takes away.
    pub change_hours: f64,
    /// `"added"`, `"removed"` or `"kept"`: whether the customer is new in the scenario, gone
    /// from it, or in both.
    pub customer_status: &'static str,
}

/// One plan to compare: the (patched) instance, its scenario (none for the base), its solve.
pub struct CompareInput<'a> {
    /// The instance solved: the base, or the base with the scenario applied.
    pub instance: &'a Instance,
    /// The scenario applied; `None` for the base.
    pub scenario: Option<AppliedScenario>,
    /// The instance's solve report.
    pub report: &'a SolveReport,
    /// The diagnosis of an infeasible report.
    pub diagnosis: Option<&'a Diagnosis>,
}

/// Builds the comparison; `plans[0]` is the base.
pub fn compare(plans: &[CompareInput<'_>]) -> Comparison {
    let compared: Vec<ComparedPlan> = plans.iter().map(compared_plan).collect();
    let base = &plans[0];
    let changes = plans[1..]
        .iter()
        .zip(&compared[1..])
        .map(|(scenario, column)| match (&base.report.plan, &scenario.report.plan) {
            (Some(base_plan), Some(scenario_plan)) => ScenarioChanges {
                label: column.label.clone(),
                comparable: true,
                moves: hour_changes(base.instance, base_plan, scenario.instance, scenario_plan),
            },
            _ => ScenarioChanges { label: column.label.clone(), comparable: false, moves: Vec::new() },
        })
        .collect();
    Comparison { header: base.report.header.clone(), backend: base.report.backend, plans: compared, changes }
}

fn compared_plan(input: &CompareInput<'_>) -> ComparedPlan {
    let label = input.scenario.as_ref().map_or_else(|| "base".to_string(), |scenario| scenario.name.clone());
    let plan = input.report.plan.as_ref();
    ComparedPlan {
        label,
        scenario: input.scenario.clone(),
        status: input.report.status,
        objective: plan.map(|p| p.objective),
        value: plan.map(|p| p.totals.value),
        hour_cost: plan.map(|p| p.totals.hour_cost),
        expansion_cost: plan.map(|p| p.totals.expansion_cost),
        penalty_cost: plan.map(|p| p.totals.penalty_cost),
        resources: plan.map_or_else(Vec::new, |p| {
            p.resources
                .iter()
                .map(|r| ComparedResource {
                    resource: r.resource.clone(),
                    available_hours: r.available_hours,
                    allocated_hours: r.allocated_hours,
                    utilisation: r.utilisation,
                    shadow_price: r.shadow_price,
                })
                .collect()
        }),
        diagnosis: input.diagnosis.cloned(),
        cut_short: input.report.cut_short.clone(),
        expectations: plan.map_or_else(Vec::new, |p| {
            p.expectations
                .iter()
                .map(|gap| ComparedGap {
                    customer: gap.customer.clone(),
                    resource: gap.resource.clone(),
                    expected_hours: gap.expected_hours,
                    planned_hours: gap.planned_hours,
                    shortfall_hours: gap.shortfall_hours,
                })
                .collect()
        }),
    }
}

/// Hours per (customer, resource) of the scenario against the base, matched by id: a customer
/// only in one of them counts 0 hours in the other.
fn hour_changes(base: &Instance, base_plan: &Plan, scenario: &Instance, scenario_plan: &Plan) -> Vec<HourChange> {
    let mut changes = Vec::new();
    // Ids to indices once: a search per allocation made the comparison quadratic in customers.
    fn index_of(instance: &Instance) -> HashMap<&str, usize> {
        instance.customers.iter().enumerate().map(|(c, customer)| (customer.id.as_str(), c)).collect()
    }
    let (base_index, scenario_index) = (index_of(base), index_of(scenario));
    let hours_in = |instance: &Instance, index: &HashMap<&str, usize>, plan: &Plan, customer: &str, resource: &str| -> Option<f64> {
        let c = *index.get(customer)?;
        let r = instance.resource_index(resource)?;
        Some(plan.customers[c].hours[r])
    };
    let mut push = |customer: &str, resource: &str, status: &'static str| {
        let base_hours = hours_in(base, &base_index, base_plan, customer, resource).unwrap_or(0.0);
        let scenario_hours = hours_in(scenario, &scenario_index, scenario_plan, customer, resource).unwrap_or(0.0);
        let change_hours = scenario_hours - base_hours;
        if change_hours.abs() > MOVE_THRESHOLD_HOURS * (1.0 + base_hours.abs()) {
            changes.push(HourChange {
                customer: customer.to_string(),
                resource: resource.to_string(),
                base_hours,
                scenario_hours,
                change_hours,
                customer_status: status,
            });
        }
    };
    for customer in &base.customers {
        let status = if scenario_index.contains_key(customer.id.as_str()) { "kept" } else { "removed" };
        for resource in &base.resources {
            push(&customer.id, &resource.id, status);
        }
    }
    for customer in scenario.customers.iter().filter(|c| !base_index.contains_key(c.id.as_str())) {
        for resource in &scenario.resources {
            push(&customer.id, &resource.id, "added");
        }
    }
    // Sizes are compared as the JSON report writes them (nine decimals), and ties broken by
    // customer and resource, so that the order never depends on the solver's last digits (a
    // column re-solved warm from another basis).
    let size = |change: &HourChange| (change.change_hours.abs() * 1e9).round();
    changes.sort_by(|a, b| size(b).total_cmp(&size(a)).then_with(|| a.customer.cmp(&b.customer)).then_with(|| a.resource.cmp(&b.resource)));
    changes
}

/// The exit code of a comparison: 3 if any plan is infeasible, else 4 if any is unbounded,
/// else 5 if `--time-limit` stopped any plan's solve, else 0.
pub(crate) fn comparison_exit_code(comparison: &Comparison) -> i32 {
    let statuses: Vec<Status> = comparison.plans.iter().map(|plan| plan.status).collect();
    if statuses.contains(&Status::Infeasible) {
        Status::Infeasible.exit_code()
    } else if statuses.contains(&Status::Unbounded) {
        Status::Unbounded.exit_code()
    } else if statuses.contains(&Status::TimeLimit) {
        Status::TimeLimit.exit_code()
    } else {
        Status::Optimal.exit_code()
    }
}
