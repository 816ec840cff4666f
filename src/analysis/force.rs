//! The force what-if: solve with some allocations fixed, solve without, and say what the forces
//! cost and who gives up hours to make room. [`solve_what_if`] is the whole `capplan solve`:
//! forces if any, and a diagnosis when no plan exists.

use serde::Serialize;

use super::infeasibility::{Diagnosis, diagnose_until};
use super::{CutShort, SolveReport, Status, solve_chosen};
use crate::formulation::force::{Force, add_forces};
use crate::formulation::{ConstraintKind, Formulation, formulate};
use crate::model::Instance;
use std::time::Instant;

use crate::solve::{Backend, Choice, LpOutcome, SolveError, solve_lp_until};

/// Changes smaller than this many hours are solver noise, not moves.
const MOVE_THRESHOLD_HOURS: f64 = 1e-6;

/// What the forces did to an optimal plan.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ForceEffect {
    /// One entry per force, in the order given.
    pub forces: Vec<ForcedAllocation>,
    /// The optimal contribution without the forces (currency).
    pub unforced_objective: f64,
    /// The optimal contribution with them (currency).
    pub forced_objective: f64,
    /// `forced_objective - unforced_objective` (<= 0): what the forces cost, negated.
    pub objective_change: f64,
    /// Every allocation whose hours differ between the two plans, biggest moves first.
    pub moves: Vec<Move>,
}

/// One forced allocation: its row, its hours, and what one forced hour is worth.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ForcedAllocation {
    /// Stable id of the row, e.g. `force[m1/engineering]`.
    pub id: String,
    /// The customer id.
    pub customer: String,
    /// The resource id.
    pub resource: String,
    /// The hours the force fixes.
    pub hours: f64,
    /// The hours the unforced optimal plan gives.
    pub unforced_hours: f64,
    /// Shadow price of the force row: change of the optimal contribution per extra forced hour
    /// (currency per hour), valid at the margin.
    pub shadow_price: f64,
    /// Measured by re-solving: the change of the optimal contribution when one more hour is
    /// forced (currency); `None` when no plan exists then.
    pub one_more_hour: Option<f64>,
    /// Measured by re-solving: the change when one hour less is forced (currency); `None` when
    /// fewer than one hour is forced or no plan exists then. Differs from `-one_more_hour` when
    /// the forced hours sit on a bend (a response-curve breakpoint, an expectation, a limit).
    pub one_less_hour: Option<f64>,
}

/// One allocation whose hours differ between the plan without forces and the forced plan.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Move {
    /// The customer id.
    pub customer: String,
    /// The resource id.
    pub resource: String,
    /// The hours the plan without forces gives.
    pub unforced_hours: f64,
    /// The hours the forced plan gives.
    pub forced_hours: f64,
    /// `forced_hours - unforced_hours`: negative for those who give up hours.
    pub change_hours: f64,
    /// Whether this allocation is one of the forced ones.
    pub forced: bool,
}

/// The outcome of a solve with forces.
#[derive(Debug, Clone)]
pub struct ForcedSolve {
    /// The solve with the forces, as any other report.
    pub report: SolveReport,
    /// The formulation with the force rows (diagnosis of an infeasible force needs it).
    pub formulation: Formulation,
    /// Present when both the forced and the unforced plan are optimal.
    pub effect: Option<ForceEffect>,
}

/// Solves `instance` with `forces` and, when that has an optimal plan, without them.
pub fn solve_forced(instance: &Instance, forces: &[Force], backend: Backend) -> Result<ForcedSolve, SolveError> {
    solve_forced_until(instance, forces, &Choice::requested(backend), None)
}

/// As [`solve_forced`], stopping at `deadline`: the forced solve is the plan (status
/// `time_limit` when it runs out); the unforced solve and the one-hour steps are the effect,
/// which the deadline cuts short ([`CutShort::Forces`]) without touching the plan.
pub fn solve_forced_until(
    instance: &Instance,
    forces: &[Force],
    choice: &Choice,
    deadline: Option<Instant>,
) -> Result<ForcedSolve, SolveError> {
    let backend = choice.backend;
    let unforced_formulation = formulate(instance);
    let mut formulation = unforced_formulation.clone();
    add_forces(&mut formulation, instance, forces);
    let mut report = solve_chosen(instance, &formulation, choice, deadline)?;
    let Some(forced_plan) = &report.plan else {
        return Ok(ForcedSolve { report, formulation, effect: None });
    };
    let unforced = solve_chosen(instance, &unforced_formulation, choice, deadline)?;
    let mut stopped = unforced.status == Status::TimeLimit;
    let effect = match (&unforced.status, &unforced.plan) {
        (Status::Optimal, Some(unforced_plan)) => {
            let forced_allocations = forces
                .iter()
                .map(|force| -> Result<ForcedAllocation, SolveError> {
                    let kind = ConstraintKind::Force { customer: force.customer, resource: force.resource };
                    let id = kind.id(instance);
                    let shadow_price = forced_plan.constraints.iter().find(|c| c.id == id).map_or(0.0, |c| c.shadow_price);
                    let row = formulation.row_of(kind).expect("every force has its row");
                    let mut step = |delta: f64| -> Result<Option<f64>, SolveError> {
                        let mut lp = formulation.lp.clone();
                        lp.rows[row].rhs += delta;
                        Ok(match solve_lp_until(&lp, backend, deadline)? {
                            LpOutcome::Optimal { objective, .. } => Some(objective - forced_plan.objective),
                            LpOutcome::TimeLimit => {
                                stopped = true;
                                None
                            }
                            _ => None,
                        })
                    };
                    let one_more_hour = step(1.0)?;
                    let one_less_hour = if force.hours >= 1.0 { step(-1.0)? } else { None };
                    Ok(ForcedAllocation {
                        id,
                        customer: instance.customers[force.customer].id.clone(),
                        resource: instance.resources[force.resource].id.clone(),
                        hours: force.hours,
                        unforced_hours: unforced_plan.customers[force.customer].hours[force.resource],
                        shadow_price,
                        one_more_hour,
                        one_less_hour,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let mut moves: Vec<Move> = forced_plan
                .allocations
                .iter()
                .zip(&unforced_plan.allocations)
                .filter(|(forced, unforced)| (forced.hours - unforced.hours).abs() > MOVE_THRESHOLD_HOURS * (1.0 + unforced.hours))
                .map(|(forced, unforced)| Move {
                    customer: forced.customer.clone(),
                    resource: forced.resource.clone(),
                    unforced_hours: unforced.hours,
                    forced_hours: forced.hours,
                    change_hours: forced.hours - unforced.hours,
                    forced: forces.iter().any(|force| {
                        instance.customers[force.customer].id == forced.customer && instance.resources[force.resource].id == forced.resource
                    }),
                })
                .collect();
            moves.sort_by(|a, b| {
                super::biggest_move_first((a.change_hours, &a.customer, &a.resource), (b.change_hours, &b.customer, &b.resource))
            });
            Some(ForceEffect {
                forces: forced_allocations,
                unforced_objective: unforced_plan.objective,
                forced_objective: forced_plan.objective,
                objective_change: forced_plan.objective - unforced_plan.objective,
                moves,
            })
        }
        _ => None,
    };
    // A step the deadline stopped is no measurement: `None` would read "no feasible plan", so
    // the effect is left out whole and the report says it was cut short.
    let effect = if stopped { None } else { effect };
    if stopped {
        report.note_cut_short(CutShort::Forces);
    }
    Ok(ForcedSolve { report, formulation, effect })
}

/// A solve with every what-if part it needs: the forces' effect when there are forces, and the
/// diagnosis when no plan exists.
#[derive(Debug, Clone)]
pub struct WhatIfSolve {
    /// The solve report of the forced (and scenario-patched) instance.
    pub report: SolveReport,
    /// What the forces cost; `None` without forces, when the forced or the unforced plan is not
    /// optimal, or when `--time-limit` stopped it.
    pub forces: Option<ForceEffect>,
    /// Why no plan exists; present when the status is infeasible.
    pub diagnosis: Option<Diagnosis>,
}

/// Solves `instance` with `forces` (possibly none); an infeasible result is diagnosed.
pub fn solve_what_if(
    instance: &Instance,
    formulation: &Formulation,
    forces: &[Force],
    choice: &Choice,
    deadline: Option<Instant>,
) -> Result<WhatIfSolve, SolveError> {
    let backend = choice.backend;
    if let Some((force, reach)) = forces.iter().find_map(|force| force.beyond_reach(instance).map(|reach| (force, reach))) {
        let mut forced = formulation.clone();
        add_forces(&mut forced, instance, forces);
        let row = forced.row_of(ConstraintKind::Force { customer: force.customer, resource: force.resource }).expect("a force row");
        let diagnosis = super::infeasibility::diagnose_force_beyond_reach(instance, &forced, row, reach);
        let report = SolveReport {
            status: Status::Infeasible,
            backend,
            solver_reason: choice.reason.clone(),
            plan: None,
            warnings: crate::solve::scaling::doubtful_scaling_warning(&formulation.lp).into_iter().collect(),
            cut_short: Vec::new(),
        };
        return Ok(WhatIfSolve { report, forces: None, diagnosis: Some(diagnosis) });
    }
    let (report, forced_formulation, effect) = if forces.is_empty() {
        (super::solve_chosen(instance, formulation, choice, deadline)?, None, None)
    } else {
        let forced = solve_forced_until(instance, forces, choice, deadline)?;
        (forced.report, Some(forced.formulation), forced.effect)
    };
    let mut report = report;
    let diagnosis = match report.status {
        Status::Infeasible => {
            let diagnosis = diagnose_until(instance, forced_formulation.as_ref().unwrap_or(formulation), backend, deadline)?;
            if !diagnosis.is_complete() {
                report.note_cut_short(CutShort::Diagnosis);
            }
            Some(diagnosis)
        }
        _ => None,
    };
    Ok(WhatIfSolve { report, forces: effect, diagnosis })
}
