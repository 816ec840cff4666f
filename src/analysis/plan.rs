//! The optimal plan in planner terms: hours, value and contribution per customer, utilisation per
//! resource, every named constraint with its shadow price, expectation gaps, change versus the
//! current hours.

use serde::Serialize;

use super::duals::Duals;
use crate::formulation::{ConstraintKind, Formulation, Sense};
use crate::model::{ExpectationKind, Instance, ShareBase, Source};

/// Tolerance, relative to the right-hand side, under which a constraint counts as binding.
pub const BINDING_TOLERANCE: f64 = 1e-7;

/// Changes (and shortfalls) smaller than this many hours are not moves: the reports print hours
/// to a tenth, and a change that prints as 0.0 is none.
pub const MOVE_THRESHOLD_HOURS: f64 = 0.05;
/// Shadow prices and costs smaller than this (currency) are zero to a planner: they print as
/// 0.00.
pub const PRICE_THRESHOLD: f64 = 0.005;

/// The optimal plan of an instance: every number the reports print, in planner terms.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Plan {
    /// Value - hour costs - expansion costs - shortfall penalties, plus what priority weights
    /// and a risk weight add (currency).
    pub objective: f64,
    /// The objective broken down: value, hour costs, expansion costs, penalties.
    pub totals: Totals,
    /// One entry per resource, in instance order: capacity, use and shadow price.
    pub resources: Vec<ResourceResult>,
    /// One entry per expansion option (bought or not), in resource order, then option order.
    pub expansions: Vec<ExpansionResult>,
    /// One entry per customer, in instance order: hours, value and contribution.
    pub customers: Vec<CustomerResult>,
    /// One entry per customer and resource (every pair, 0 hours included): customers in instance
    /// order, and for each its resources in instance order.
    pub allocations: Vec<Allocation>,
    /// One entry per segment, in instance order; empty when the instance declares none.
    pub segments: Vec<SegmentResult>,
    /// Every named limit of the plan with its shadow price, binding or not.
    pub constraints: Vec<ConstraintResult>,
    /// One entry per customer expectation (hard and soft), customers in instance order, then
    /// resources in instance order.
    pub expectations: Vec<ExpectationGap>,
    /// Present when the instance names a portfolio model.
    pub portfolio: Option<PortfolioResult>,
    /// Hours given only to raise the plan's total value while a share of that total binds (see
    /// [`Padding`]); empty when no share of the plan's own total binds.
    pub share_padding: Vec<Padding>,
    /// Allocations whose response was planned with the concave envelope of S-shaped judged
    /// points (`envelope = true`), with how much the envelope overstates their value; left out
    /// of the JSON when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub envelope_overstatements: Vec<EnvelopeOverstatement>,
    /// The plan's revenue risk, present only when the instance has `[risk]` scenarios: its
    /// contribution in each scenario, its CVaR, and what the risk weight adds to the objective.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk: Option<RiskResult>,
    /// Ranging and one-sided values, present only when asked for (`solve --sensitivity`;
    /// docs/sensitivity.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<super::ranging::Sensitivity>,
    /// The ranges of the capacity limits alone, for the opening screen of the text report
    /// (what one more hour is worth, for how many hours); filled by `solve` for models it can
    /// range quickly (a few re-solves per resource), empty otherwise.
    #[serde(skip)]
    pub capacity_ranges: Vec<super::ranging::ConstraintRange>,
    /// What the reports show first (the biggest moves, the costliest limits, the largest
    /// expectation gaps), chosen when the plan is solved; see [`Highlights`].
    #[serde(skip)]
    pub(crate) highlights: Highlights,
    /// The raw LP solution: values per LP variable, duals per LP row (internal rows included),
    /// reduced costs per LP variable. Kept for checks; reports do not print them.
    #[serde(skip)]
    #[doc(hidden)]
    pub lp: LpSolutionValues,
}

impl Plan {
    /// The range of `resource`'s capacity: from the sensitivity report when there is one, else
    /// from the capacity ranges `solve` computes for the opening screen; `None` when neither was
    /// computed.
    pub fn capacity_range(&self, resource: &str) -> Option<&super::ranging::ConstraintRange> {
        let of_resource = |range: &&super::ranging::ConstraintRange| matches!(&range.about, super::document::LimitKind::Capacity { resource: r } if r == resource);
        let from_sensitivity = self.sensitivity.as_ref().and_then(|sensitivity| sensitivity.constraints.iter().find(of_resource));
        from_sensitivity.or_else(|| self.capacity_ranges.iter().find(of_resource))
    }

    /// The allocations that move at least [`MOVE_THRESHOLD_HOURS`] from the current hours,
    /// biggest move first: by the change as printed (to 0.1 h), ties by customer and resource
    /// id, so that the order never depends on the solver.
    pub fn biggest_moves(&self) -> impl ExactSizeIterator<Item = &Allocation> + Clone {
        self.highlights.moves.iter().map(|&index| &self.allocations[index])
    }

    /// The limits other than capacity that hold the plan back: those with an exact total cost
    /// of at least [`PRICE_THRESHOLD`] first (largest first), then the others with a shadow price
    /// of at least that size, by the size of their price; ties by id.
    pub fn costliest_limits(&self) -> impl ExactSizeIterator<Item = &ConstraintResult> + Clone {
        self.highlights.costliest_limits.iter().map(|&index| &self.constraints[index])
    }

    /// The portfolio categories whose policy costs at least [`PRICE_THRESHOLD`], in the model's
    /// order.
    pub fn costly_policies(&self) -> impl ExactSizeIterator<Item = &CategoryResult> + Clone {
        let categories = self.portfolio.as_ref().map_or(&[][..], |portfolio| &portfolio.categories[..]);
        self.highlights.costly_policies.iter().map(move |&index| &categories[index])
    }

    /// The expectations the plan falls short of by at least [`MOVE_THRESHOLD_HOURS`], largest
    /// shortfall first; ties by customer and resource id.
    pub fn largest_gaps(&self) -> impl ExactSizeIterator<Item = &ExpectationGap> + Clone {
        self.highlights.largest_gaps.iter().map(|&index| &self.expectations[index])
    }

    /// Every expectation, met or not, largest shortfall first; ties by customer and resource id.
    pub fn expectations_by_shortfall(&self) -> impl ExactSizeIterator<Item = &ExpectationGap> + Clone {
        self.highlights.expectations_by_shortfall.iter().map(|&index| &self.expectations[index])
    }

    /// Every customer, by how far its total planned hours (all resources) move from its total
    /// current hours, biggest first; ties by customer id.
    pub fn customers_by_change(&self) -> impl ExactSizeIterator<Item = &CustomerResult> + Clone {
        self.highlights.customers_by_change.iter().map(|&index| &self.customers[index])
    }
}

/// What the reports show first, chosen once by analysis so that every printer shows the same:
/// positions in the plan's own lists, in the order to show them. [`Highlights::of`] chooses them
/// from a plan whose exact costs are known; `solve` does so before it returns the plan. The
/// [`Plan`] methods of the same names read them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Highlights {
    /// Positions in `allocations`: [`Plan::biggest_moves`].
    pub moves: Vec<usize>,
    /// Positions in `constraints`: [`Plan::costliest_limits`].
    pub costliest_limits: Vec<usize>,
    /// Positions in `portfolio.categories`: [`Plan::costly_policies`].
    pub costly_policies: Vec<usize>,
    /// Positions in `expectations`: [`Plan::largest_gaps`].
    pub largest_gaps: Vec<usize>,
    /// Positions in `expectations`: [`Plan::expectations_by_shortfall`].
    pub expectations_by_shortfall: Vec<usize>,
    /// Positions in `customers`: [`Plan::customers_by_change`].
    pub customers_by_change: Vec<usize>,
    /// The whale curve's shares of the planned contributions.
    pub whale: super::whale::WhaleShape,
}

impl Highlights {
    /// The highlights of `plan`, from its numbers as they stand.
    pub(crate) fn of(plan: &Plan) -> Highlights {
        let mut moves: Vec<usize> =
            (0..plan.allocations.len()).filter(|&i| plan.allocations[i].change_hours.abs() >= MOVE_THRESHOLD_HOURS).collect();
        moves.sort_by(|&a, &b| {
            let (a, b) = (&plan.allocations[a], &plan.allocations[b]);
            biggest_move_first((a.change_hours, &a.customer, &a.resource), (b.change_hours, &b.customer, &b.resource))
        });

        let constraints = &plan.constraints;
        let mut costliest_limits: Vec<usize> =
            (0..constraints.len()).filter(|&i| constraints[i].exact_cost.is_some_and(|cost| cost >= PRICE_THRESHOLD)).collect();
        costliest_limits.sort_by(|&a, &b| {
            let (a, b) = (&constraints[a], &constraints[b]);
            b.exact_cost.unwrap_or(0.0).total_cmp(&a.exact_cost.unwrap_or(0.0)).then_with(|| a.id.cmp(&b.id))
        });
        let mut priced: Vec<usize> = (0..constraints.len())
            .filter(|&i| {
                let c = &constraints[i];
                c.family != super::document::Family::Capacity && c.exact_cost.is_none() && c.shadow_price.abs() >= PRICE_THRESHOLD
            })
            .collect();
        priced.sort_by(|&a, &b| {
            let (a, b) = (&constraints[a], &constraints[b]);
            b.shadow_price.abs().total_cmp(&a.shadow_price.abs()).then_with(|| a.id.cmp(&b.id))
        });
        costliest_limits.extend(priced);

        let costly_policies = plan.portfolio.as_ref().map_or_else(Vec::new, |portfolio| {
            (0..portfolio.categories.len())
                .filter(|&k| portfolio.categories[k].policy_cost.is_some_and(|cost| cost >= PRICE_THRESHOLD))
                .collect()
        });

        let expectations = &plan.expectations;
        let mut expectations_by_shortfall: Vec<usize> = (0..expectations.len()).collect();
        expectations_by_shortfall.sort_by(|&a, &b| {
            let (a, b) = (&expectations[a], &expectations[b]);
            b.shortfall_hours.total_cmp(&a.shortfall_hours).then_with(|| (&a.customer, &a.resource).cmp(&(&b.customer, &b.resource)))
        });
        let largest_gaps =
            expectations_by_shortfall.iter().copied().filter(|&i| expectations[i].shortfall_hours >= MOVE_THRESHOLD_HOURS).collect();

        let customers = &plan.customers;
        let change = |c: &CustomerResult| c.hours.iter().sum::<f64>() - c.current_hours.iter().sum::<f64>();
        let mut customers_by_change: Vec<usize> = (0..customers.len()).collect();
        customers_by_change.sort_by(|&a, &b| {
            let (a, b) = (&customers[a], &customers[b]);
            change(b).abs().total_cmp(&change(a).abs()).then_with(|| a.customer.cmp(&b.customer))
        });

        let contributions: Vec<f64> = customers.iter().map(|c| c.contribution).collect();
        Highlights {
            moves,
            costliest_limits,
            costly_policies,
            largest_gaps,
            expectations_by_shortfall,
            customers_by_change,
            whale: super::whale::whale_shape(&contributions),
        }
    }
}

#[doc(hidden)]
/// The LP's own solution, indexed by LP variable and row, for checks that work on the linear
/// program.
#[derive(Debug, Clone, Default)]
pub struct LpSolutionValues {
    /// The LP the values and duals belong to when it is not the formulation's own: the branch
    /// of the exact solve (curve pieces fixed at bends, analysis/curve_order.rs).
    pub exact_lp: Option<crate::formulation::LinearProgram>,
    /// Value of each LP variable, in the LP's variable order (hours, curve pieces, expansions,
    /// shortfalls).
    pub values: Vec<f64>,
    /// Dual of each LP row (internal rows included): change of the objective per +1 unit of the
    /// row's right-hand side (currency per row unit).
    pub row_duals: Vec<f64>,
    /// Reduced cost of each LP variable (currency per unit of the variable).
    pub reduced_costs: Vec<f64>,
    /// The dual objective; equal to the primal objective at an optimum (strong duality), up to the
    /// solver's tolerance (currency).
    pub dual_objective: f64,
}

/// The objective broken down (currency, in the plan's currency).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Totals {
    /// Response value of all hours (currency).
    pub value: f64,
    /// Cost of the hours allocated (currency).
    pub hour_cost: f64,
    /// What the bought expansion hours add on top of the hour costs (currency).
    pub expansion_cost: f64,
    /// Shortfall penalties of the soft expectations the plan does not meet (currency).
    pub penalty_cost: f64,
    /// value - hour_cost - expansion_cost - penalty_cost.
    pub contribution: f64,
    /// What priority weights add to the objective: the sum over customers of
    /// (weight - 1) x value. The objective is contribution + priority_adjustment.
    pub priority_adjustment: f64,
}

/// The revenue risk of a plan (`[risk]`): contributions per scenario and their CVaR.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RiskResult {
    /// The CVaR's confidence level as a fraction: `0.8` averages the worst 20 % of the
    /// probability.
    pub confidence: f64,
    /// The CVaR of contribution: the mean contribution over the worst `1 - confidence` of the
    /// probability (currency).
    pub cvar_contribution: f64,
    /// The risk measure: minus `cvar_contribution`, the CVaR of the loss (currency).
    pub cvar_risk: f64,
    /// The instance's `risk_weight` λ; 0 without one.
    pub risk_weight: f64,
    /// What the risk weight adds to the objective: `-λ x cvar_risk` (currency). The objective is
    /// `totals.contribution + totals.priority_adjustment + risk_adjustment`.
    pub risk_adjustment: f64,
    /// One entry per `[[risk.scenarios]]`, in the instance's order.
    pub scenarios: Vec<ScenarioContribution>,
}

/// A plan's contribution in one revenue scenario.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ScenarioContribution {
    /// The scenario id.
    pub scenario: String,
    /// Its probability.
    pub probability: f64,
    /// The plan's contribution if the scenario happens: each customer's value times the
    /// scenario's multiplier over the expected one, less every cost (currency).
    pub contribution: f64,
}

impl RiskResult {
    /// The risk of a plan whose customers and totals are given.
    fn of(risk: &crate::model::Risk, customers: &[CustomerResult], totals: &Totals) -> RiskResult {
        let costs = totals.hour_cost + totals.expansion_cost + totals.penalty_cost;
        let contributions: Vec<f64> = (0..risk.scenarios().len())
            .map(|s| customers.iter().enumerate().map(|(c, customer)| risk.value_ratio(s, c) * customer.value).sum::<f64>() - costs)
            .collect();
        let probabilities: Vec<f64> = risk.scenarios().iter().map(|scenario| scenario.probability()).collect();
        let cvar = super::frontier::cvar_of(&contributions, &probabilities, risk.confidence());
        RiskResult {
            confidence: risk.confidence(),
            cvar_contribution: cvar,
            cvar_risk: -cvar,
            risk_weight: risk.weight(),
            risk_adjustment: risk.weight() * cvar,
            scenarios: risk
                .scenarios()
                .iter()
                .zip(contributions)
                .map(|(scenario, contribution)| ScenarioContribution {
                    scenario: scenario.id().to_string(),
                    probability: scenario.probability(),
                    contribution,
                })
                .collect(),
        }
    }
}

/// One resource in the plan.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ResourceResult {
    /// The resource id.
    pub resource: String,
    /// The resource's display name (the id when the instance gives none).
    pub name: String,
    /// The instance's capacity of the resource (hours).
    pub capacity_hours: f64,
    /// Expansion hours bought, all options together (hours).
    pub expansion_hours: f64,
    /// capacity + expansion bought.
    pub available_hours: f64,
    /// Hours the plan gives customers, all customers together (hours).
    pub allocated_hours: f64,
    /// The customers' current hours of the resource, added up (hours).
    pub current_hours: f64,
    /// allocated / available (0 when nothing is available).
    pub utilisation: f64,
    /// The resource's own cost per hour (currency per hour).
    pub cost_per_hour: f64,
    /// Shadow price of `capacity[resource]`: currency per extra hour of capacity.
    pub shadow_price: f64,
}

/// One expansion option of a resource (contractors, overtime) and how much of it the plan buys.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ExpansionResult {
    /// The resource id.
    pub resource: String,
    /// The option id.
    pub option: String,
    /// Hours of the option bought (hours, >= 0).
    pub hours: f64,
    /// The most hours the option offers; `None`: unlimited.
    pub max_hours: Option<f64>,
    /// The option's rate as the instance gives it (currency per hour).
    pub cost_per_hour: f64,
    /// Whether that rate is paid on top of the resource's own cost per hour.
    pub cost_is_premium: bool,
    /// What one bought hour costs in total: the rate, or the own cost plus the premium.
    pub total_cost_per_hour: f64,
    /// What the bought hours add to the hour costs, which already price them at the resource's
    /// own rate: hours x (total cost per hour - own cost per hour) (currency).
    pub cost: f64,
}

/// One customer in the plan.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CustomerResult {
    /// The customer id.
    pub customer: String,
    /// The customer's display name (the id when the instance gives none).
    pub name: String,
    /// The customer's segment id; `None` when the instance declares no segments.
    pub segment: Option<String>,
    /// Planned hours per resource (JSON: an object keyed by resource id).
    pub hours: super::PerResource,
    /// The instance's current hours per resource (JSON: an object keyed by resource id).
    pub current_hours: super::PerResource,
    /// Response value of the planned hours (currency).
    pub value: f64,
    /// Cost of the customer's planned hours at each resource's cost per hour (currency).
    pub hour_cost: f64,
    /// The customer's soft-expectation shortfall penalties (currency).
    pub penalty_cost: f64,
    /// value - hour_cost - penalty_cost.
    pub contribution: f64,
    /// The customer's portfolio category, if the instance names a model.
    pub category: Option<String>,
    /// The plan read against the current hours (see [`Outcome`]).
    pub outcome: Outcome,
    /// Multiplier of the customer's value in the objective (1 = neutral).
    pub priority_weight: f64,
}

/// Order of hour changes in every report: biggest change first (as printed), ties broken by
/// customer and resource id so that the order never depends on the solver. Each argument is
/// (change in hours, customer id, resource id).
pub(crate) fn biggest_move_first(a: (f64, &str, &str), b: (f64, &str, &str)) -> std::cmp::Ordering {
    // Changes are compared as printed (to 0.1 hour): clarabel's 19.9999999 and 20.0000001 are a
    // tie, broken the same way whatever the backend.
    let printed = |change: f64| (change.abs() * 10.0).round();
    printed(b.0).total_cmp(&printed(a.0)).then_with(|| a.1.cmp(b.1)).then_with(|| a.2.cmp(b.2))
}

/// What the plan means for a customer, read off its total planned hours against its total
/// current hours (all resources together):
///
/// | outcome | rule |
/// |---|---|
/// | build | planned >= 1.25 x current, or current is 0 and planned > 0 |
/// | develop | 1.05 x current < planned < 1.25 x current |
/// | maintain | 0.5 x current <= planned <= 1.05 x current (or both 0) |
/// | terminate | planned < 0.5 x current: a cut to a managed exit or a transactional minimum |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Planned hours at least 1.25 x current (or new hours where there were none).
    Build,
    /// Planned hours above 1.05 x and below 1.25 x current.
    Develop,
    /// Planned hours between 0.5 x and 1.05 x current, or both 0.
    Maintain,
    /// Planned hours below 0.5 x current.
    Terminate,
}

impl Outcome {
    /// Planned over current hours from which the outcome is [`Outcome::Build`].
    pub const BUILD_RATIO: f64 = 1.25;
    /// Planned over current hours above which (and below [`Outcome::BUILD_RATIO`]) the outcome is
    /// [`Outcome::Develop`].
    pub const DEVELOP_RATIO: f64 = 1.05;
    /// Planned over current hours below which the outcome is [`Outcome::Terminate`].
    pub const TERMINATE_RATIO: f64 = 0.5;

    /// The outcome of `planned_hours` against `current_hours` (a customer's totals over all
    /// resources). Differences within 0.01 h of zero current hours count as none.
    pub fn of(planned_hours: f64, current_hours: f64) -> Outcome {
        // A hundredth of an hour is solver noise, not a change of course.
        let tolerance = 0.01;
        if current_hours <= tolerance {
            return if planned_hours > tolerance { Outcome::Build } else { Outcome::Maintain };
        }
        let ratio = planned_hours / current_hours;
        if ratio >= Self::BUILD_RATIO {
            Outcome::Build
        } else if ratio > Self::DEVELOP_RATIO {
            Outcome::Develop
        } else if ratio >= Self::TERMINATE_RATIO {
            Outcome::Maintain
        } else {
            Outcome::Terminate
        }
    }

    /// The outcome's name, as JSON writes it: `build`, `develop`, `maintain` or `terminate`.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Build => "build",
            Outcome::Develop => "develop",
            Outcome::Maintain => "maintain",
            Outcome::Terminate => "terminate",
        }
    }
}

/// Portfolio view of the plan: each category's policy and what it costs, and the alignment of
/// the customer's expectations, the plan and the category's prescription.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PortfolioResult {
    /// The portfolio model's id.
    pub model: String,
    /// The portfolio model's display name.
    pub model_name: String,
    /// One entry per category of the model, in the model's order.
    pub categories: Vec<CategoryResult>,
    /// One row per customer and resource: expectation, plan and the category's prescription side by
    /// side.
    pub alignment: Vec<AlignmentRow>,
}

/// One category of the portfolio model, its customers and what its policy costs.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CategoryResult {
    /// The category id.
    pub category: String,
    /// The category's description from the model.
    pub description: String,
    /// Ids of the customers in the category, in instance order.
    pub customers: Vec<String>,
    /// Ids of the constraints the category's policy set (customers' own settings excluded).
    pub policy_constraints: Vec<String>,
    /// How many of `policy_constraints` bind in the plan.
    pub binding_policy_constraints: usize,
    /// Sum of the absolute shadow prices of the policy's hour limits: what loosening each of
    /// them by one hour is worth, added up (currency per hour).
    pub shadow_price_sum: f64,
    /// Sum over the policy's `>=` limits (floors, expectations, change limits downwards) of
    /// |shadow price| x limit: by concavity of the optimum in the limits, the exact cost of
    /// those limits never exceeds it (currency).
    pub floor_valuation: f64,
    /// Objective without the policy's constraints minus objective with them: what the policy
    /// costs this period. `None` when the plan without them was not solved (no policy rows, or
    /// `--time-limit` stopped the pricing first: [`super::CutShort::PolicyPrices`]).
    pub policy_cost: Option<f64>,
}

/// One customer and resource: what the customer expects, what the plan gives, and what its category
/// prescribes.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AlignmentRow {
    /// The customer id.
    pub customer: String,
    /// The customer's category; `None` when it has none.
    pub category: Option<String>,
    /// The resource id.
    pub resource: String,
    /// What the customer expects (its own view), if it said.
    pub expected_hours: Option<f64>,
    /// Whether the expectation is hard or soft; `None` without one.
    pub expectation_kind: Option<ExpectationKind>,
    /// The customer's current hours of the resource.
    pub current_hours: f64,
    /// The hours the plan gives.
    pub planned_hours: f64,
    /// planned - expected.
    pub gap_hours: Option<f64>,
    /// The effective floor and cap, with where each came from.
    pub floor_hours: Option<f64>,
    /// Where the floor came from: the instance or the category's policy; `None` without a floor.
    pub floor_source: Option<Source>,
    /// The effective cap (hours); `None` without one.
    pub cap_hours: Option<f64>,
    /// Where the cap came from; `None` without a cap.
    pub cap_source: Option<Source>,
    /// What the seller's category implies for this resource, in order (floor, cap, change limit,
    /// expectation), with the defaults a customer's own setting replaced; empty for nothing.
    /// JSON writes it in words (`category_implies`, worded by the report layer).
    #[serde(serialize_with = "crate::report::words::serialize_category_implies")]
    #[schemars(with = "String")]
    pub category_implies: Vec<super::document::Implication>,
    /// A limit the category's policy set binds this allocation.
    pub policy_binds: bool,
}

/// One customer and resource: the cell of the plan table.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Allocation {
    /// The customer id.
    pub customer: String,
    /// The resource id.
    pub resource: String,
    /// The planned hours.
    pub hours: f64,
    /// The customer's current hours of the resource.
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

/// An allocation whose last hours lose money while a value share of the plan's own total binds:
/// the plan gives them to lift the total the share is measured against, not for what they
/// return. A share of a fixed total (`value_share_base`) cannot be met this way.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Padding {
    /// The customer id.
    pub customer: String,
    /// The resource id.
    pub resource: String,
    /// The planned hours.
    pub hours: f64,
    /// Hours above the allocation's own lower limits (floor, hard expectation, change limit).
    pub hours_above_lower_limits: f64,
    /// What the last hour adds to the objective: weighted marginal value, plus any soft
    /// penalty it avoids, minus the cost per hour (currency per hour, < 0).
    pub last_hour_return: f64,
    /// The binding value shares of the plan's total.
    pub shares: Vec<String>,
}

/// One allocation planned with a concave envelope: the value the plan counts at its hours (the
/// envelope's) against the value the judged points themselves give there.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EnvelopeOverstatement {
    /// The customer id.
    pub customer: String,
    /// The resource id.
    pub resource: String,
    /// The planned hours.
    pub hours: f64,
    /// The envelope's value at the planned hours: what the plan counts (currency).
    pub envelope_value: f64,
    /// The judged points' own piecewise-linear value at the planned hours (currency).
    pub judged_value: f64,
    /// envelope_value - judged_value (>= 0).
    pub overstatement: f64,
}

/// Every allocation whose curve is the concave envelope of judged points, in instance order.
fn envelope_overstatements(instance: &Instance, allocations: &[Allocation]) -> Vec<EnvelopeOverstatement> {
    let resources = instance.resources.len();
    let mut found = Vec::new();
    for (index, allocation) in allocations.iter().enumerate() {
        let customer = &instance.customers[index / resources];
        let resource = index % resources;
        let Some(judged) = &customer.judged_responses[resource] else {
            continue;
        };
        let envelope_value = customer.responses[resource].value_at(allocation.hours);
        let judged_value = judged.value_at(allocation.hours);
        found.push(EnvelopeOverstatement {
            customer: allocation.customer.clone(),
            resource: allocation.resource.clone(),
            hours: allocation.hours,
            envelope_value,
            judged_value,
            // The envelope lies on or above the points; rounding must not show a negative.
            overstatement: (envelope_value - judged_value).max(0.0),
        });
    }
    found
}

/// One segment of customers and what the plan gives it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SegmentResult {
    /// The segment id.
    pub segment: String,
    /// The segment's display name (the id when the instance gives none).
    pub name: String,
    /// How many customers are in the segment.
    pub customers: usize,
    /// The segment's planned hours per resource, its customers' added up (hours).
    pub hours: super::PerResource,
    /// The segment's customers' `value`, added up (currency).
    pub value: f64,
    /// The segment's customers' `contribution`, added up (currency).
    pub contribution: f64,
}

/// One named limit of the plan (capacity, floor, cap, expectation, share, segment or change limit)
/// with its shadow price.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ConstraintResult {
    /// Stable id, e.g. `floor[m1/service]`.
    pub id: String,
    /// The kind of limit, the part of `id` before the bracket: `capacity`, `floor`, `cap`,
    /// `expectation`, `share_cap`, `max_increase`, `segment_min_hours` and so on.
    pub family: super::document::Family,
    /// What the limit is about, by the ids of its customer, segment, resource or option (the
    /// printers word it from this; JSON has the id).
    #[serde(skip)]
    pub about: super::document::LimitKind,
    /// The direction of the limit.
    pub sense: Sense,
    /// The limit as the planner wrote it: hours, or a share in [0, 1].
    pub limit: f64,
    /// The plan's value of the limited quantity, in the same unit as `limit`.
    pub actual: f64,
    /// How far the plan is from the limit (>= 0), same unit.
    pub slack: f64,
    /// Whether the limit holds with equality (within [`BINDING_TOLERANCE`] of its right-hand side).
    pub binding: bool,
    /// Change of the optimal objective per +1 unit of `limit` (currency per hour; for shares,
    /// currency per percentage point).
    pub shadow_price: f64,
    /// `hour` or `percentage point`: the denominator of `shadow_price`.
    pub unit: super::document::Unit,
    /// `policy` when the customer's portfolio category set this limit (or, for an expectation,
    /// its kind), `instance` otherwise.
    pub source: Source,
    /// The category whose policy set it.
    pub category: Option<String>,
    /// For floors and expectations (hard or soft): the drop in the optimal objective caused by
    /// honouring the limit, >= 0, by an exact re-solve (currency). A binding floor or hard
    /// expectation: the optimum without it minus the optimum with it (what dropping it would
    /// gain). A soft expectation: the optimum as planned minus the optimum with the expectation
    /// met in full (what meeting it would cost; 0 when the plan meets it). 0 for a limit that
    /// does not bind. `None` for other limits, when meeting a soft expectation is impossible,
    /// when dropping a limit leaves the plan unbounded, beyond the re-solve budget (200 per plan
    /// up to 3,000 LP variables, proportionally fewer above), or when
    /// `--time-limit` stopped the pricing first ([`super::CutShort::PromisePrices`]).
    pub exact_cost: Option<f64>,
}

impl ConstraintResult {
    /// Whether the plan's value falls short of the limit (beyond [`BINDING_TOLERANCE`]): a soft
    /// expectation the plan does not meet in full.
    pub fn falls_short(&self) -> bool {
        self.actual < self.limit - BINDING_TOLERANCE * (1.0 + self.limit)
    }
}

/// Re-solves spent on [`ConstraintResult::exact_cost`] at most, per plan, for a model of up to
/// [`crate::solve::SIMPLEX_MAX_VARIABLES`] LP variables; a larger model gets proportionally fewer
/// (200 x 3,000 / its variables, so none beyond 600,000 variables), so that pricing promises
/// never costs many times the plan. The budget depends on the model only: identical input, identical
/// report.
pub(crate) const MAX_EXACT_COST_SOLVES: usize = 200;

/// The re-solves [`price_promises_on`] may spend on a model with `variables` LP variables.
pub(crate) fn exact_cost_budget(variables: usize) -> usize {
    let small = crate::solve::SIMPLEX_MAX_VARIABLES;
    if variables <= small { MAX_EXACT_COST_SOLVES } else { MAX_EXACT_COST_SOLVES * small / variables }
}

/// One customer expectation against the plan.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ExpectationGap {
    /// The customer id.
    pub customer: String,
    /// The resource id.
    pub resource: String,
    /// Hard (a constraint) or soft (a penalty per hour short).
    pub kind: ExpectationKind,
    /// The hours the customer expects.
    pub expected_hours: f64,
    /// The hours the plan gives.
    pub planned_hours: f64,
    /// The customer's current hours of the resource.
    pub current_hours: f64,
    /// max(0, expected - planned).
    pub shortfall_hours: f64,
    /// The penalty per hour short of a soft expectation (currency per hour); 0 for a hard one.
    pub penalty_per_hour: f64,
    /// `shortfall_hours` x `penalty_per_hour` (currency).
    pub penalty_cost: f64,
}

pub(super) fn assemble(instance: &Instance, formulation: &Formulation, values: &[f64], objective: f64, duals: &Duals) -> Plan {
    let value_of = |variable: usize| values[variable];
    let resource_count = instance.resources.len();
    let resource_ids: std::sync::Arc<[String]> = instance.resources.iter().map(|resource| resource.id.clone()).collect();

    let hours: Vec<Vec<f64>> = formulation.hours.iter().map(|row| row.iter().map(|&v| value_of(v).max(0.0)).collect()).collect();
    // value[c][r]: the curve's value at the planned hours. Read from the curve, not from the
    // pieces the LP filled: where pieces carry no objective (a priority weight of 0) or a value
    // share pulls them, the LP may fill them out of order, and only the curve says what the
    // hours really return.
    let allocation_value: Vec<Vec<f64>> = instance
        .customers
        .iter()
        .enumerate()
        .map(|(c, customer)| (0..resource_count).map(|r| customer.responses[r].value_at(hours[c][r])).collect())
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
            hours: super::PerResource::new(resource_ids.clone(), hours[c].clone()),
            current_hours: super::PerResource::new(resource_ids.clone(), customer.current_hours.clone()),
            value,
            hour_cost,
            penalty_cost,
            contribution: value - hour_cost - penalty_cost,
            category: customer.category.and_then(|k| instance.portfolio.as_ref().map(|model| model.categories[k].id.clone())),
            outcome: Outcome::of(hours[c].iter().sum(), customer.current_hours.iter().sum()),
            priority_weight: customer.priority_weight,
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
                    | ConstraintKind::Expectation { customer, resource }
                    | ConstraintKind::MaxIncrease { customer, resource }
                    | ConstraintKind::MaxDecrease { customer, resource }
                    | ConstraintKind::Force { customer, resource } => (customer, resource) != (c, r),
                    ConstraintKind::CustomerShare { customer, base: ShareBase::Resource(resource) } => (customer, resource) != (c, r),
                    _ => true,
                })
                .map(|&(row, coefficient)| coefficient * duals.row_duals[row])
                .sum::<f64>()
                // The next hour also enters, through the piece of the curve it falls on, every
                // row that counts value: value shares and the total value they are shares of.
                + formulation.pieces[c][r].get(customer.responses[r].next_piece_at(hours[c][r])).map_or(0.0, |&piece| {
                    columns[piece]
                        .iter()
                        .filter(|(row, _)| !matches!(formulation.kinds[*row], ConstraintKind::Response { .. }))
                        .map(|&(row, coefficient)| coefficient * duals.row_duals[row])
                        .sum::<f64>()
                });
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
            let reduced_cost =
                customer.priority_weight * marginal_value + penalty_avoided - instance.resources[r].cost_per_hour - shared_price;
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
                cost_is_premium: option.cost_is_premium,
                total_cost_per_hour: resource.cost_per_hour + resource.expansion_extra_cost_per_hour(option),
                cost: bought * resource.expansion_extra_cost_per_hour(option),
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
                hours: super::PerResource::new(
                    resource_ids.clone(),
                    (0..resource_count).map(|r| members.iter().map(|&c| hours[c][r]).sum()).collect(),
                ),
                value: members.iter().map(|&c| customers[c].value).sum(),
                contribution: members.iter().map(|&c| customers[c].contribution).sum(),
            }
        })
        .collect();

    let total_value: f64 = customers.iter().map(|customer| customer.value).sum();
    let constraints: Vec<ConstraintResult> = formulation
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
        contribution: 0.0,
        priority_adjustment: customers.iter().map(|customer| (customer.priority_weight - 1.0) * customer.value).sum(),
    };
    let totals = Totals { contribution: totals.value - totals.hour_cost - totals.expansion_cost - totals.penalty_cost, ..totals };
    let portfolio = instance.portfolio.as_ref().map(|model| portfolio_result(instance, model, formulation, &constraints, &customers));
    let share_padding = padding(instance, formulation, &constraints, &hours);
    let envelope_overstatements = envelope_overstatements(instance, &allocations);
    let risk = instance.risk.as_ref().map(|risk| RiskResult::of(risk, &customers, &totals));

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
        portfolio,
        share_padding,
        envelope_overstatements,
        risk,
        sensitivity: None,
        capacity_ranges: Vec::new(),
        highlights: Highlights::default(),
        lp: LpSolutionValues {
            exact_lp: None,
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
    let share = kind.share(instance);
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
        // The CVaR floor is money: one more currency unit of floor.
        None if kind == ConstraintKind::CvarFloor => (lp_row.rhs, activity, dual, super::document::Unit::Currency),
        None => (lp_row.rhs, activity, dual, super::document::Unit::Hour),
        Some((base, share)) => {
            let base_amount = match base {
                ShareBase::Resource(r) => available[r],
                ShareBase::Value => match instance.value_share_base {
                    crate::model::ValueShareBase::Fixed { total, .. } => total,
                    crate::model::ValueShareBase::Plan => total_value,
                },
            };
            // The row is `part - share * base <= 0` up to constants, so its activity minus its
            // right-hand side is `part - share * base`; the part follows.
            let part = activity - lp_row.rhs + share * base_amount;
            let actual = if base_amount.abs() > 0.0 { part / base_amount } else { 0.0 };
            // d objective / d share = dual * base; per percentage point, divide by 100.
            (share, actual, dual * base_amount / 100.0, super::document::Unit::PercentagePoint)
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
    let source = kind.source(instance);
    let category = match (source, kind.customer()) {
        (Source::Policy, Some(customer)) => {
            instance.customers[customer].category.and_then(|k| instance.portfolio.as_ref().map(|model| model.categories[k].id.clone()))
        }
        _ => None,
    };
    ConstraintResult {
        source,
        category,
        id: lp_row.name.clone(),
        family: super::document::Family::of(kind),
        about: super::document::LimitKind::of(instance, kind),
        sense: lp_row.sense,
        limit,
        actual,
        slack: if binding { 0.0 } else { slack },
        binding,
        shadow_price: tidy(shadow_price),
        unit,
        exact_cost: None,
    }
}

/// Fills [`ConstraintResult::exact_cost`] for every floor and expectation, by exact re-solves
/// (response curves in order, as the plan itself) of the formulation the plan was solved from,
/// on the plan's engine session when there is one (warm from the plan's basis; see
/// [`super::solve_chosen_on`]).
///
/// `false` when `deadline` stopped it: the floors and expectations not priced by then keep
/// `exact_cost` `None`.
pub(crate) fn price_promises_on(
    plan: &mut Plan,
    formulation: &Formulation,
    backend: crate::solve::Backend,
    deadline: Option<std::time::Instant>,
    plan_session: &mut Option<crate::solve::session::Session>,
) -> Result<bool, crate::solve::SolveError> {
    use crate::solve::LpOutcome;
    let optimum = plan.objective;
    let rows: Vec<(usize, usize)> = formulation
        .kinds
        .iter()
        .enumerate()
        .filter(|(_, kind)| !kind.is_internal())
        .enumerate()
        .map(|(position, (row, _))| (position, row))
        .collect();
    let mut solves = 0;
    // capplan's engine re-solves each promise warm on one session, from the plan's basis.
    let engine = backend == crate::solve::Backend::Engine;
    if engine && plan_session.is_none() {
        *plan_session = Some(crate::solve::session::Session::new(&formulation.lp));
    }
    let mut session = plan_session.as_mut().filter(|_| engine);
    if let Some(session) = session.as_mut() {
        // The plan's branch (curve order) back to the formulation's own bounds.
        session.update_to(&formulation.lp);
    }
    for (position, row) in rows {
        let kind = formulation.kinds[row];
        let constraint = &plan.constraints[position];
        let soft_shortfall = match kind {
            ConstraintKind::Expectation { customer, resource } => formulation.shortfall[customer][resource],
            ConstraintKind::Floor { .. } => None,
            _ => continue,
        };
        let at_stake = match soft_shortfall {
            Some(shortfall) => plan.lp.values[shortfall] > BINDING_TOLERANCE * (1.0 + constraint.limit.abs()),
            None => constraint.binding,
        };
        if !at_stake {
            plan.constraints[position].exact_cost = Some(0.0);
            continue;
        }
        if solves == exact_cost_budget(formulation.lp.variables.len()) {
            continue;
        }
        // microlp and clarabel cannot be interrupted: the deadline is checked between solves.
        if super::past(deadline) {
            return Ok(false);
        }
        solves += 1;
        let outcome = match session.as_mut() {
            // On the session the expectation is made hard by holding its shortfall at 0, a floor
            // dropped by relaxing its row: no copy of the formulation.
            Some(session) => {
                match soft_shortfall {
                    Some(shortfall) => session.set_bounds(shortfall, 0.0, 0.0),
                    None => session.relax_row(row, true),
                }
                let outcome = crate::analysis::curve_order::resolve_warm(session, formulation, deadline)?;
                match soft_shortfall {
                    Some(shortfall) => session.set_bounds(shortfall, 0.0, f64::INFINITY),
                    None => session.relax_row(row, false),
                }
                outcome
            }
            None => {
                let mut changed = formulation.clone();
                match soft_shortfall {
                    // Met in full: the expectation made hard (its shortfall out of the row, and
                    // held at 0), which every backend reads the same way.
                    Some(shortfall) => {
                        changed.lp.variables[shortfall].upper = 0.0;
                        changed.lp.rows[row].terms.retain(|&(variable, _)| variable != shortfall);
                        if let ConstraintKind::Expectation { customer, resource } = kind {
                            changed.shortfall[customer][resource] = None;
                        }
                    }
                    None => {
                        changed.lp.rows.remove(row);
                        changed.kinds.remove(row);
                    }
                }
                crate::analysis::curve_order::solve_in_curve_order(&changed, backend, deadline)?.outcome
            }
        };
        if outcome == LpOutcome::TimeLimit {
            return Ok(false);
        }
        let other = match outcome {
            LpOutcome::Optimal { objective, .. } => Some(objective),
            _ => None,
        };
        // Concavity makes the cost >= 0; a negative residue is solver rounding.
        plan.constraints[position].exact_cost = other.map(|other| {
            let cost = if soft_shortfall.is_some() { optimum - other } else { other - optimum };
            tidy(if cost.abs() <= 1e-9 * optimum.abs().max(1.0) { 0.0 } else { cost.max(0.0) })
        });
    }
    Ok(true)
}

/// Allocations given loss-making hours while a value share of the plan's own total binds.
fn padding(instance: &Instance, formulation: &Formulation, constraints: &[ConstraintResult], hours: &[Vec<f64>]) -> Vec<Padding> {
    if instance.value_share_base != crate::model::ValueShareBase::Plan {
        return Vec::new();
    }
    let shares: Vec<String> = formulation
        .kinds
        .iter()
        .filter(|kind| !kind.is_internal())
        .zip(constraints)
        .filter(|(kind, constraint)| {
            matches!(
                kind,
                ConstraintKind::CustomerShare { base: ShareBase::Value, .. }
                    | ConstraintKind::SegmentMaxShare { base: ShareBase::Value, .. }
            ) && constraint.binding
                && constraint.shadow_price != 0.0
        })
        .map(|(_, constraint)| constraint.id.clone())
        .collect();
    if shares.is_empty() {
        return Vec::new();
    }
    let rhs_of = |kind: ConstraintKind| formulation.row_of(kind).map(|row| formulation.lp.rows[row].rhs);
    let mut padded = Vec::new();
    for (c, customer) in instance.customers.iter().enumerate() {
        for (r, resource) in instance.resources.iter().enumerate() {
            let planned = hours[c][r];
            let hard_expectation = customer.expectations[r].filter(|e| e.kind == ExpectationKind::Hard).map(|e| e.hours);
            let lower = [
                customer.floor_hours[r],
                hard_expectation,
                rhs_of(ConstraintKind::MaxDecrease { customer: c, resource: r }),
                rhs_of(ConstraintKind::Force { customer: c, resource: r }),
            ]
            .into_iter()
            .flatten()
            .fold(0.0, f64::max);
            let above = planned - lower;
            if above <= crate::model::BREAKPOINT_TOLERANCE * (1.0 + planned) {
                continue;
            }
            let penalty = match customer.expectations[r] {
                Some(e) if e.kind == ExpectationKind::Soft && planned <= e.hours * (1.0 + crate::model::BREAKPOINT_TOLERANCE) => {
                    e.penalty_per_hour
                }
                _ => 0.0,
            };
            let last_hour_return =
                customer.priority_weight * customer.responses[r].marginal_value_before(planned) + penalty - resource.cost_per_hour;
            if last_hour_return < -1e-9 * (1.0 + resource.cost_per_hour) {
                padded.push(Padding {
                    customer: customer.id.clone(),
                    resource: resource.id.clone(),
                    hours: planned,
                    hours_above_lower_limits: above,
                    last_hour_return,
                    shares: shares.clone(),
                });
            }
        }
    }
    padded
}

/// Turns -0.0 into 0.0 so that reports never print "-0.00".
fn tidy(value: f64) -> f64 {
    if value == 0.0 { 0.0 } else { value }
}

fn portfolio_result(
    instance: &Instance,
    model: &crate::model::portfolio::PortfolioModel,
    formulation: &Formulation,
    constraints: &[ConstraintResult],
    customers: &[CustomerResult],
) -> PortfolioResult {
    // The allocations held by a binding limit that a category's policy set, in one pass:
    // `constraints` follows the formulation's planner rows, and every limit a policy sets is a
    // per-allocation row.
    let held_by_policy: std::collections::BTreeSet<(usize, usize)> = formulation
        .kinds
        .iter()
        .filter(|kind| !kind.is_internal())
        .zip(constraints)
        .filter(|(_, constraint)| constraint.binding && constraint.source == Source::Policy)
        .filter_map(|(kind, _)| match *kind {
            ConstraintKind::Floor { customer, resource }
            | ConstraintKind::Cap { customer, resource }
            | ConstraintKind::Expectation { customer, resource }
            | ConstraintKind::MaxIncrease { customer, resource }
            | ConstraintKind::MaxDecrease { customer, resource } => Some((customer, resource)),
            _ => None,
        })
        .collect();
    let categories = model
        .categories
        .iter()
        .map(|category| {
            let policy_rows: Vec<&ConstraintResult> =
                constraints.iter().filter(|c| c.category.as_deref() == Some(category.id.as_str())).collect();
            CategoryResult {
                category: category.id.clone(),
                description: category.description.clone(),
                customers: customers
                    .iter()
                    .filter(|c| c.category.as_deref() == Some(category.id.as_str()))
                    .map(|c| c.customer.clone())
                    .collect(),
                policy_constraints: policy_rows.iter().map(|c| c.id.clone()).collect(),
                binding_policy_constraints: policy_rows.iter().filter(|c| c.binding).count(),
                shadow_price_sum: policy_rows.iter().filter(|c| c.unit.is_hours()).map(|c| c.shadow_price.abs()).sum(),
                floor_valuation: policy_rows.iter().filter(|c| c.sense == Sense::Ge).map(|c| (c.shadow_price * c.limit).abs()).sum(),
                policy_cost: None,
            }
        })
        .collect();
    let mut alignment = Vec::new();
    for (c, customer) in instance.customers.iter().enumerate() {
        let policy = customer.category.map(|k| &model.categories[k].policy);
        for (r, resource) in instance.resources.iter().enumerate() {
            let expectation = customer.expectations[r];
            let policy_names_resource = policy.is_some_and(|policy| policy.entries().any(|(_, entry)| entry.resource == resource.id));
            // A row where the customer said what it expects, or its category prescribes something.
            if expectation.is_none() && !policy_names_resource {
                continue;
            }
            let planned = customers[c].hours[r];
            use super::document::Implication;
            let mut implies = Vec::new();
            let category_floor = policy.and_then(|p| p.floor_hours_for(resource));
            let category_cap = policy.and_then(|p| p.cap_hours_for(resource));
            match (customer.sources.floor[r], customer.floor_hours[r], category_floor) {
                (Source::Policy, Some(floor), _) => implies.push(Implication::Floor { hours: floor }),
                (Source::Instance, Some(own), Some(default)) => {
                    implies.push(Implication::FloorOverridden { default_hours: default, own_hours: own })
                }
                _ => {}
            }
            match (customer.sources.cap[r], customer.cap_hours[r], category_cap) {
                (Source::Policy, Some(cap), _) => implies.push(Implication::Cap { hours: cap }),
                (Source::Instance, Some(own), Some(default)) => {
                    implies.push(Implication::CapOverridden { default_hours: default, own_hours: own })
                }
                _ => {}
            }
            if customer.sources.max_change[r] == Source::Policy
                && let Some(change) = customer.max_change_hours[r]
            {
                implies.push(Implication::MaxChange { hours: change });
            }
            match (expectation, customer.sources.expectation_kind[r], policy.and_then(|p| p.expectations)) {
                (Some(expectation), Source::Policy, _) => {
                    implies.push(Implication::Expectation { kind: expectation.kind, penalty_per_hour: expectation.penalty_per_hour })
                }
                (Some(expectation), Source::Instance, Some(default)) if default != expectation.kind => {
                    implies.push(Implication::ExpectationOverridden { default, own: expectation.kind })
                }
                _ => {}
            }
            let policy_binds = held_by_policy.contains(&(c, r));
            alignment.push(AlignmentRow {
                policy_binds,
                customer: customer.id.clone(),
                category: customers[c].category.clone(),
                resource: resource.id.clone(),
                expected_hours: expectation.map(|e| e.hours),
                expectation_kind: expectation.map(|e| e.kind),
                current_hours: customer.current_hours[r],
                planned_hours: planned,
                gap_hours: expectation.map(|e| planned - e.hours),
                floor_hours: customer.floor_hours[r],
                floor_source: customer.floor_hours[r].map(|_| customer.sources.floor[r]),
                cap_hours: customer.cap_hours[r],
                cap_source: customer.cap_hours[r].map(|_| customer.sources.cap[r]),
                category_implies: implies,
            });
        }
    }
    PortfolioResult { model: model.id.clone(), model_name: model.name.clone(), categories, alignment }
}
