//! Solving a multi-period plan: the combined program of every period
//! ([`crate::formulation::horizon`]) solved once, with its curves exact (curve order), then read
//! back period by period into the same [`Plan`] a single quarter gets, plus the change limits
//! between periods with their shadow prices, forced allocations with what they cost, and the
//! ranges over which each limit's shadow price holds.

use std::time::Instant;

use serde::Serialize;

use super::duals::{self, Duals};
use super::{Plan, Status, Totals, curve_order, plan};
use crate::formulation::Sense;
use crate::formulation::horizon::{ChangeDirection, HorizonFormulation, PeriodForce, formulate_horizon, with_period};
use crate::model::Instance;
use crate::model::horizon::{ChangeAmount, Horizon};
use crate::solve::{Backend, Choice, LpOutcome, SolveError, SolverChoice};

/// The outcome of solving a multi-period instance.
#[derive(Debug, Clone)]
pub struct HorizonReport {
    /// How the solve ended; `plan` is present exactly when it is optimal.
    pub status: Status,
    /// The backend that solved the program.
    pub backend: Backend,
    /// Why this backend ran.
    pub solver_reason: String,
    /// Present exactly when `status` is optimal.
    pub plan: Option<HorizonPlan>,
    /// Reasons to doubt the numbers (badly scaled data); empty when none.
    pub warnings: Vec<String>,
    /// What the report is of: the plan header, the resources and customers by id and name.
    pub header: super::document::Header,
    /// The periods, in plan order, whatever the status.
    pub periods: Vec<PeriodLabel>,
    /// For an infeasible plan: the ids of a minimal set of limits that cannot hold together
    /// (every period's and the change limits), and whether the search for it finished.
    pub conflict: Option<HorizonConflict>,
}

/// A minimal set of clashing limits of an infeasible multi-period plan.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct HorizonConflict {
    /// The limits' ids (`cap[t17/engineering@q1]`, `max_decrease[t17/engineering@q1]`): drop
    /// any one and the rest can hold together.
    pub limits: Vec<String>,
    /// False when `--time-limit` stopped the search first: the ids are then those shown to be
    /// needed so far.
    pub complete: bool,
}

/// A period's id and label.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[schemars(rename = "HorizonPeriod")]
pub struct PeriodLabel {
    /// The period id (`q3`).
    pub period: String,
    /// The label (`2027-Q3`).
    pub label: String,
}

/// The optimal multi-period plan.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct HorizonPlan {
    /// The objective over the horizon: every period's objective added up (currency).
    pub objective: f64,
    /// Every period's totals added up (currency).
    pub totals: Totals,
    /// One entry per period, in plan order.
    pub periods: Vec<PeriodPlan>,
    /// Every change limit between consecutive periods (the first period against the current
    /// hours), in period, customer, resource order.
    pub change_limits: Vec<ChangeLimitResult>,
    /// Positions in `change_limits` of the limits that bind, in the order the reports list them;
    /// see [`HorizonPlan::binding_change_limits`].
    #[serde(skip)]
    pub(crate) binding_by_worth: Vec<usize>,
    /// The forced allocations and what they cost; absent without `--force`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forces: Option<HorizonForces>,
    /// The range over which each named limit's shadow price holds; present with `--sensitivity`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<Vec<LimitRange>>,
    /// Values and duals of the combined program, for checks.
    #[serde(skip)]
    pub lp: super::LpSolutionValues,
}

impl HorizonPlan {
    /// The change limits that bind, the most valuable first (by [`ChangeLimitResult::worth`]),
    /// ties by id: chosen once when the plan is solved, so that every printer lists them alike.
    pub fn binding_change_limits(&self) -> impl ExactSizeIterator<Item = &ChangeLimitResult> + Clone {
        self.binding_by_worth.iter().map(|&index| &self.change_limits[index])
    }
}

/// Positions of the binding limits of `limits`, most valuable first; ties by id, so that the
/// order never depends on the solver's.
fn binding_by_worth(limits: &[ChangeLimitResult]) -> Vec<usize> {
    let mut binding: Vec<usize> = (0..limits.len()).filter(|&i| limits[i].binding).collect();
    binding.sort_by(|&a, &b| {
        let (a, b) = (&limits[a], &limits[b]);
        b.worth().total_cmp(&a.worth()).then_with(|| a.id.cmp(&b.id))
    });
    binding
}

/// One period of the plan.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PeriodPlan {
    /// The period id (`q3`), which constraint ids carry after `@`.
    pub period: String,
    /// The period as the reports title it (`2027-Q3`).
    pub label: String,
    /// The period's plan, exactly as a single quarter's (docs/json-output.md), its constraint
    /// ids with the period (`capacity[engineering@q3]`) and its shadow prices those of the
    /// whole horizon's program. `current_hours` and `change_hours` are against the customers'
    /// current hours, not the period before.
    pub plan: Plan,
}

/// One change limit between consecutive periods.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ChangeLimitResult {
    /// Stable id, e.g. `max_increase[m1/engineering@q2]`.
    pub id: String,
    /// `max_increase` or `max_decrease`.
    pub direction: ChangeDirection,
    /// The period the change leads into.
    pub period: String,
    /// The period before; `None` for the first period, whose change is against the current hours.
    pub from_period: Option<String>,
    /// The customer id.
    pub customer: String,
    /// The resource id.
    pub resource: String,
    /// The hours before: the period before's plan, or the current hours (hours).
    pub hours_before: f64,
    /// The hours the plan gives in `period` (hours).
    pub hours: f64,
    /// hours - hours_before (hours).
    pub change_hours: f64,
    /// How far the hours may move this way: the hours given, or the share given times
    /// `hours_before` (hours, >= 0).
    pub allowed_hours: f64,
    /// The share of `hours_before` the limit allows, when it is given as a share.
    pub allowed_share: Option<f64>,
    /// The limit as a row on `change_hours`: `<=` allowed for an increase, `>=` -allowed for a
    /// decrease.
    pub sense: Sense,
    /// The right-hand side of that row: +allowed_hours or -allowed_hours.
    pub limit: f64,
    /// Whether the change sits on the limit.
    pub binding: bool,
    /// Change of the optimal objective over the horizon per +1 hour of `limit` (currency per
    /// hour): >= 0 for an increase limit, <= 0 for a decrease limit (one more hour of allowed
    /// decrease is worth minus this).
    pub shadow_price: f64,
}

impl ChangeLimitResult {
    /// What one more hour of allowed change is worth (currency per hour, >= 0 at an optimum): the
    /// shadow price of an increase limit, minus that of a decrease limit (whose row is
    /// `change >= -allowed`).
    pub fn worth(&self) -> f64 {
        if self.sense == Sense::Ge { -self.shadow_price } else { self.shadow_price }
    }
}

/// The forced allocations of `--force CUSTOMER/RESOURCE@PERIOD=HOURS` and what they cost.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct HorizonForces {
    /// The objective over the horizon without the forces (currency).
    pub unforced_objective: f64,
    /// unforced_objective - the forced plan's objective, >= 0 (currency).
    pub cost: f64,
    /// One entry per force, in the order given.
    pub forced: Vec<HorizonForced>,
    /// The allocations the forces move by more than 0.05 h, biggest move first.
    pub moves: Vec<HorizonMove>,
}

/// One forced allocation.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct HorizonForced {
    /// `force[m1/engineering@q3]`.
    pub id: String,
    /// The period id.
    pub period: String,
    /// The customer id.
    pub customer: String,
    /// The resource id.
    pub resource: String,
    /// The forced hours.
    pub hours: f64,
    /// The hours without the forces.
    pub unforced_hours: f64,
    /// Change of the objective per +1 forced hour (currency per hour).
    pub shadow_price: f64,
}

/// One allocation the forces move.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct HorizonMove {
    /// The period id.
    pub period: String,
    /// The customer id.
    pub customer: String,
    /// The resource id.
    pub resource: String,
    /// Hours without the forces.
    pub unforced_hours: f64,
    /// Hours with them.
    pub forced_hours: f64,
    /// forced_hours - unforced_hours.
    pub change_hours: f64,
}

/// How far a named limit's right-hand side may move with its shadow price unchanged.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LimitRange {
    /// The limit's id, with its period (`capacity[engineering@q3]`).
    pub id: String,
    /// The period the limit belongs to.
    pub period: String,
    /// The limit's right-hand side as written (hours, or a share in [0, 1] for a share limit).
    pub limit: f64,
    /// The shadow price (currency per unit of `limit`).
    pub shadow_price: f64,
    /// How far the limit may rise with that price (same unit; `None`: without end).
    pub allowable_increase: Option<f64>,
    /// How far it may fall with that price (`None`: without end).
    pub allowable_decrease: Option<f64>,
}

/// The backend for a multi-period program: `auto` is capplan's engine (the change limits couple
/// the periods, so the separable backend never applies).
#[doc(hidden)]
pub fn choose(choice: SolverChoice) -> Result<Choice, String> {
    let backend = match choice {
        SolverChoice::Auto => {
            return Ok(Choice {
                backend: Backend::Engine,
                reason: "auto: the change limits link each customer's hours across the periods; capplan's simplex engine, exact \
                         vertex solution with its basis"
                    .to_string(),
            });
        }
        SolverChoice::Separable => {
            return Err("--solver separable does not apply to a multi-period instance: the change limits link the periods; use \
                        --solver auto, engine, microlp or clarabel"
                .to_string());
        }
        SolverChoice::Microlp => Backend::Microlp,
        SolverChoice::Clarabel => Backend::Clarabel,
        SolverChoice::Engine => Backend::Engine,
        SolverChoice::Highs => Backend::Highs,
    };
    if !backend.is_built() {
        return Err(format!(
            "--solver {backend}: this capplan was built without it; rebuild with `cargo build --release --features {backend}` (needs \
             cmake and a C++ compiler)"
        ));
    }
    Ok(Choice::requested(backend))
}

/// Solves a multi-period instance with the backend of `choice`, with `forces` fixed, and the
/// ranges of every limit when `sensitivity` is set.
#[doc(hidden)]
pub fn solve_horizon(
    instance: &Instance,
    horizon: &Horizon,
    forces: &[PeriodForce],
    choice: &Choice,
    sensitivity: bool,
    deadline: Option<Instant>,
) -> Result<HorizonReport, SolveError> {
    let formulation = formulate_horizon(instance, horizon, forces);
    let mut report = solve_formulated(instance, horizon, &formulation, choice, deadline)?;
    if !forces.is_empty()
        && let Some(forced) = report.plan.as_mut()
    {
        let unforced = solve_formulated(instance, horizon, &formulate_horizon(instance, horizon, &[]), choice, deadline)?;
        if let Some(unforced) = unforced.plan {
            forced.forces = Some(force_effect(instance, horizon, &formulation, forced, &unforced));
        }
    }
    if sensitivity && let Some(plan) = report.plan.as_mut() {
        plan.sensitivity = Some(limit_ranges(&formulation, plan)?);
    }
    Ok(report)
}

/// Solves a combined program already built.
#[doc(hidden)]
pub fn solve_formulated(
    instance: &Instance,
    horizon: &Horizon,
    formulation: &HorizonFormulation,
    choice: &Choice,
    deadline: Option<Instant>,
) -> Result<HorizonReport, SolveError> {
    let backend = choice.backend;
    let warnings: Vec<String> = crate::solve::scaling::doubtful_scaling_warning(&formulation.combined.lp).into_iter().collect();
    let report = |status: Status, plan: Option<HorizonPlan>| HorizonReport {
        status,
        backend,
        solver_reason: choice.reason.clone(),
        plan,
        warnings: warnings.clone(),
        header: super::document::Header::of(instance),
        periods: horizon.periods.iter().map(|period| PeriodLabel { period: period.id.clone(), label: period.label.clone() }).collect(),
        conflict: None,
    };
    let ordered = curve_order::solve_in_curve_order(&formulation.combined, backend, deadline)?;
    let curve_order::OrderedSolve { outcome, row_prices, formulation: branch, backend: dual_backend, .. } = ordered;
    let exact = branch.as_ref().unwrap_or(&formulation.combined);
    let (values, objective) = match outcome {
        LpOutcome::Infeasible => {
            let (rows, complete) = super::infeasibility::conflict_rows(&formulation.combined, backend, deadline)?;
            let limits = rows.iter().map(|&row| formulation.combined.lp.rows[row].name.clone()).collect();
            return Ok(HorizonReport { conflict: Some(HorizonConflict { limits, complete }), ..report(Status::Infeasible, None) });
        }
        LpOutcome::Unbounded => return Ok(report(Status::Unbounded, None)),
        LpOutcome::TimeLimit => return Ok(report(Status::TimeLimit, None)),
        LpOutcome::Optimal { values, objective } => (values, objective),
    };
    let duals = match row_prices {
        Some(row_prices) => duals::duals_from_row_prices(&exact.lp, row_prices, dual_backend, objective)?,
        None => match duals::compute_duals_until(&exact.lp, dual_backend, objective, deadline)? {
            Some(duals) => duals,
            None => return Ok(report(Status::TimeLimit, None)),
        },
    };
    let plan = assemble(instance, horizon, formulation, exact, &values, objective, &duals);
    Ok(report(Status::Optimal, Some(plan)))
}

fn assemble(
    instance: &Instance,
    horizon: &Horizon,
    formulation: &HorizonFormulation,
    exact: &crate::formulation::Formulation,
    values: &[f64],
    objective: f64,
    duals: &Duals,
) -> HorizonPlan {
    let periods: Vec<PeriodPlan> = formulation
        .periods
        .iter()
        .zip(&horizon.periods)
        .map(|(block, period)| {
            let block_values = &values[block.variables()];
            let block_objective = block.formulation.lp.objective_value(block_values);
            let block_duals = Duals {
                row_duals: duals.row_duals[block.rows()].to_vec(),
                reduced_costs: duals.reduced_costs[block.variables()].to_vec(),
                objective: block_objective,
            };
            let mut plan = plan::assemble(&block.instance, &block.formulation, block_values, block_objective, &block_duals);
            for constraint in &mut plan.constraints {
                constraint.id = with_period(&constraint.id, &period.id);
            }
            PeriodPlan { period: period.id.clone(), label: period.label.clone(), plan }
        })
        .collect();

    let hours_of = |p: usize, c: usize, r: usize| values[formulation.combined.hours[p * instance.customers.len() + c][r]].max(0.0);
    let change_limits: Vec<ChangeLimitResult> = formulation
        .change_rows
        .iter()
        .map(|change| {
            let (p, c, r) = (change.period, change.customer, change.resource);
            let hours_before = if p == 0 { instance.customers[c].current_hours[r] } else { hours_of(p - 1, c, r) };
            let hours = hours_of(p, c, r);
            let allowed_hours = change.amount.hours_after(hours_before);
            let sign = if change.direction == ChangeDirection::Increase { 1.0 } else { -1.0 };
            let limit = sign * allowed_hours;
            let change_hours = hours - hours_before;
            let binding = (change_hours - limit).abs() <= plan::BINDING_TOLERANCE * (1.0 + hours_before.abs() + allowed_hours);
            ChangeLimitResult {
                id: exact.lp.rows[change.row].name.clone(),
                direction: change.direction,
                period: horizon.periods[p].id.clone(),
                from_period: (p > 0).then(|| horizon.periods[p - 1].id.clone()),
                customer: instance.customers[c].id.clone(),
                resource: instance.resources[r].id.clone(),
                hours_before,
                hours,
                change_hours,
                allowed_hours,
                allowed_share: match change.amount {
                    ChangeAmount::Share(share) => Some(share),
                    ChangeAmount::Hours(_) => None,
                },
                sense: exact.lp.rows[change.row].sense,
                limit,
                binding,
                shadow_price: duals.row_duals[change.row],
            }
        })
        .collect();

    let sum = |field: fn(&Totals) -> f64| periods.iter().map(|period| field(&period.plan.totals)).sum::<f64>();
    let totals = Totals {
        value: sum(|t| t.value),
        hour_cost: sum(|t| t.hour_cost),
        expansion_cost: sum(|t| t.expansion_cost),
        penalty_cost: sum(|t| t.penalty_cost),
        contribution: sum(|t| t.contribution),
        priority_adjustment: sum(|t| t.priority_adjustment),
    };
    HorizonPlan {
        objective,
        totals,
        periods,
        binding_by_worth: binding_by_worth(&change_limits),
        change_limits,
        forces: None,
        sensitivity: None,
        lp: super::LpSolutionValues {
            exact_lp: Some(exact.lp.clone()),
            values: values.to_vec(),
            row_duals: duals.row_duals.clone(),
            reduced_costs: duals.reduced_costs.clone(),
            dual_objective: duals.objective,
        },
    }
}

fn force_effect(
    instance: &Instance,
    horizon: &Horizon,
    formulation: &HorizonFormulation,
    forced: &HorizonPlan,
    unforced: &HorizonPlan,
) -> HorizonForces {
    let customers = instance.customers.len();
    let hours =
        |plan: &HorizonPlan, p: usize, c: usize, r: usize| plan.lp.values[formulation.combined.hours[p * customers + c][r]].max(0.0);
    let forced_list = formulation
        .force_rows
        .iter()
        .map(|(row, force)| {
            let (p, c, r) = (force.period, force.force.customer, force.force.resource);
            HorizonForced {
                id: formulation.combined.lp.rows[*row].name.clone(),
                period: horizon.periods[p].id.clone(),
                customer: instance.customers[c].id.clone(),
                resource: instance.resources[r].id.clone(),
                hours: force.force.hours,
                unforced_hours: hours(unforced, p, c, r),
                shadow_price: forced.lp.row_duals[*row],
            }
        })
        .collect();
    let mut moves = Vec::new();
    for p in 0..horizon.periods.len() {
        for c in 0..customers {
            for r in 0..instance.resources.len() {
                let (before, after) = (hours(unforced, p, c, r), hours(forced, p, c, r));
                if (after - before).abs() > 0.05 {
                    moves.push(HorizonMove {
                        period: horizon.periods[p].id.clone(),
                        customer: instance.customers[c].id.clone(),
                        resource: instance.resources[r].id.clone(),
                        unforced_hours: before,
                        forced_hours: after,
                        change_hours: after - before,
                    });
                }
            }
        }
    }
    moves.sort_by(|a, b| {
        b.change_hours
            .abs()
            .total_cmp(&a.change_hours.abs())
            .then_with(|| (&a.period, &a.customer, &a.resource).cmp(&(&b.period, &b.customer, &b.resource)))
    });
    HorizonForces {
        unforced_objective: unforced.objective,
        cost: (unforced.objective - forced.objective).max(0.0),
        forced: forced_list,
        moves,
    }
}

/// The basis ranges of every named limit of the combined program: capacities, floors, caps,
/// expectations, shares and segment limits of each period, and the change limits. The engine
/// re-solves the exact program of the plan and reads each range off its optimal basis; within
/// it the shadow price holds (it may hold further: a degenerate basis gives a range of 0 on
/// one side).
fn limit_ranges(formulation: &HorizonFormulation, plan: &HorizonPlan) -> Result<Vec<LimitRange>, SolveError> {
    let lp = plan.lp.exact_lp.as_ref().unwrap_or(&formulation.combined.lp);
    let mut session = crate::solve::session::Session::new(lp);
    match session.solve(None).map_err(|failure| SolveError(format!("the engine failed: {}", failure.0)))? {
        crate::solve::session::SessionStatus::Optimal => {}
        _ => return Err(SolveError("the engine did not find again the optimum it is asked to range".into())),
    }
    let row_duals = session.row_duals();
    let period_of_row = |row: usize| -> Option<usize> { formulation.periods.iter().position(|block| block.rows().contains(&row)) };
    let mut ranges = Vec::new();
    for (row, kind) in formulation.combined.kinds.iter().enumerate() {
        if kind.is_internal() {
            continue;
        }
        let period = match period_of_row(row) {
            Some(p) => p,
            None => formulation
                .change_rows
                .iter()
                .find(|change| change.row == row)
                .map(|change| change.period)
                .or_else(|| formulation.force_rows.iter().find(|(r, _)| *r == row).map(|(_, force)| force.period))
                .unwrap_or(0),
        };
        let (increase, decrease) = session.rhs_range(&[(row, 1.0)]).unwrap_or((0.0, 0.0));
        let finite = |reach: f64| reach.is_finite().then_some(reach);
        let lp_row = &lp.rows[row];
        let id_period = plan.periods[period].period.clone();
        ranges.push(LimitRange {
            id: lp_row.name.clone(),
            period: id_period,
            limit: lp_row.rhs,
            shadow_price: row_duals[row],
            allowable_increase: finite(increase),
            allowable_decrease: finite(decrease),
        });
    }
    Ok(ranges)
}
