//! The force what-if: solve with some allocations fixed, solve without, and say what the forces
//! cost and who gives up hours to make room. [`solve_what_if`] is the whole `capplan solve`:
//! forces if any, and a diagnosis when no plan exists.

use serde::Serialize;

use super::curve_order::{resolve_warm, solve_in_curve_order};
use super::infeasibility::{Diagnosis, diagnose_until};
use super::{CutShort, PlanAnalyses, SolveReport, Status, past, solve_chosen_on};
use crate::formulation::force::{Force, add_forces};
use crate::formulation::{ConstraintKind, Formulation, formulate};
use crate::model::Instance;
use std::time::Instant;

use crate::solve::session::Session;
use crate::solve::{Backend, Choice, LpOutcome, SolveError, bare_lp_backend};

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

#[doc(hidden)]
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
    let force_rows: Vec<usize> = forces
        .iter()
        .map(|force| formulation.row_of(ConstraintKind::Force { customer: force.customer, resource: force.resource }).expect("a force row"))
        .collect();
    // capplan's engine solves the forced plan and measures its effect on one session, loaded
    // once with the force rows kept through presolve: the steps and the unforced optimum start
    // from the plan's basis instead of a second cold solve.
    let mut session = (backend == Backend::Engine).then(|| Session::keeping(&formulation.lp, &force_rows));
    let mut report = solve_chosen_on(instance, &formulation, choice, PlanAnalyses::ALL, deadline, &mut session)?;
    let Some(forced_plan) = &report.plan else {
        return Ok(ForcedSolve { report, formulation, effect: None });
    };
    let mut measure = Measure::new(&formulation, &force_rows, backend, deadline, session);
    let mut stopped = false;
    let mut forced_allocations = Vec::with_capacity(forces.len());
    for (force, &row) in forces.iter().zip(&force_rows) {
        let kind = ConstraintKind::Force { customer: force.customer, resource: force.resource };
        let id = kind.id(instance);
        let shadow_price = forced_plan.constraints.iter().find(|c| c.id == id).map_or(0.0, |c| c.shadow_price);
        let mut step = |delta: f64| -> Result<Option<f64>, SolveError> {
            Ok(match measure.with_rhs(row, force.hours + delta)? {
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
        forced_allocations.push(ForcedAllocation {
            id,
            customer: instance.customers[force.customer].id.clone(),
            resource: instance.resources[force.resource].id.clone(),
            hours: force.hours,
            unforced_hours: 0.0,
            shadow_price,
            one_more_hour,
            one_less_hour,
        });
    }
    let unforced = measure.without_rows(&force_rows, &unforced_formulation)?;
    stopped |= unforced == LpOutcome::TimeLimit;
    let effect = match unforced {
        LpOutcome::Optimal { values, objective: unforced_objective } => {
            let unforced_hours = |customer: usize, resource: usize| values[unforced_formulation.hours[customer][resource]].max(0.0);
            for (allocation, force) in forced_allocations.iter_mut().zip(forces) {
                allocation.unforced_hours = unforced_hours(force.customer, force.resource);
            }
            // The plan's allocations run customer by customer, resource by resource.
            let resource_count = instance.resources.len();
            let mut moves: Vec<Move> = forced_plan
                .allocations
                .iter()
                .enumerate()
                .map(|(index, forced)| (forced, index / resource_count, index % resource_count))
                .map(|(forced, customer, resource)| (forced, customer, resource, unforced_hours(customer, resource)))
                .filter(|&(forced, _, _, unforced)| (forced.hours - unforced).abs() > MOVE_THRESHOLD_HOURS * (1.0 + unforced))
                .map(|(forced, customer, resource, unforced)| Move {
                    customer: forced.customer.clone(),
                    resource: forced.resource.clone(),
                    unforced_hours: unforced,
                    forced_hours: forced.hours,
                    change_hours: forced.hours - unforced,
                    forced: forces.iter().any(|force| (force.customer, force.resource) == (customer, resource)),
                })
                .collect();
            moves.sort_by(|a, b| {
                super::biggest_move_first((a.change_hours, &a.customer, &a.resource), (b.change_hours, &b.customer, &b.resource))
            });
            Some(ForceEffect {
                forces: forced_allocations,
                unforced_objective,
                forced_objective: forced_plan.objective,
                objective_change: forced_plan.objective - unforced_objective,
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

/// The re-solves that measure a force's effect: the one-hour steps of each force row and the
/// optimum without the forces, every one with exact curves (curve order).
///
/// When the re-solves go to capplan's engine (`engine`, and `separable` whose bare programs the
/// engine solves), they all run warm on one session of the forced program: a step changes one
/// right-hand side, the unforced optimum relaxes the force rows. Other backends re-solve cold.
struct Measure<'a> {
    formulation: &'a Formulation,
    /// The formulation as the session stands (the step's right-hand side), for the curve-order
    /// check and its fallback.
    stepped: Formulation,
    session: Option<Session>,
    backend: Backend,
    deadline: Option<Instant>,
}

impl<'a> Measure<'a> {
    /// `rows`: the force rows, which the session keeps through presolve so that stepping and
    /// relaxing them stays warm.
    /// `plan_session`: the session the forced plan was solved on, when it keeps `rows`.
    fn new(
        formulation: &'a Formulation,
        rows: &[usize],
        backend: Backend,
        deadline: Option<Instant>,
        plan_session: Option<Session>,
    ) -> Measure<'a> {
        let warm = bare_lp_backend(backend, &formulation.lp) == Backend::Engine;
        let session = match plan_session {
            Some(mut session) if warm => {
                // The plan's branch (curve order) back to the formulation's own bounds.
                session.update_to(&formulation.lp);
                Some(session)
            }
            _ => warm.then(|| Session::keeping(&formulation.lp, rows)),
        };
        Measure { formulation, stepped: formulation.clone(), session, backend, deadline }
    }

    /// The exact optimum with row `row`'s right-hand side at `rhs` (every other as formulated).
    fn with_rhs(&mut self, row: usize, rhs: f64) -> Result<LpOutcome, SolveError> {
        if past(self.deadline) {
            return Ok(LpOutcome::TimeLimit);
        }
        let original = self.formulation.lp.rows[row].rhs;
        self.stepped.lp.rows[row].rhs = rhs;
        let outcome = match self.session.as_mut() {
            Some(session) => {
                session.set_rhs(row, rhs);
                let outcome = resolve_warm(session, &self.stepped, self.deadline);
                session.set_rhs(row, original);
                outcome?
            }
            None => {
                let backend = bare_lp_backend(self.backend, &self.stepped.lp);
                solve_in_curve_order(&self.stepped, backend, self.deadline)?.outcome
            }
        };
        self.stepped.lp.rows[row].rhs = original;
        Ok(outcome)
    }

    /// The exact optimum of `without`: the formulation less the rows `rows`.
    fn without_rows(&mut self, rows: &[usize], without: &Formulation) -> Result<LpOutcome, SolveError> {
        if past(self.deadline) {
            return Ok(LpOutcome::TimeLimit);
        }
        match self.session.as_mut() {
            Some(session) => {
                rows.iter().for_each(|&row| session.relax_row(row, true));
                let outcome = resolve_warm(session, without, self.deadline);
                rows.iter().for_each(|&row| session.relax_row(row, false));
                outcome
            }
            // The unforced model as `solve` would solve it (the separable backend included).
            None => Ok(solve_in_curve_order(without, self.backend, self.deadline)?.outcome),
        }
    }
}

/// A solve with every what-if part it needs: the forces' effect when there are forces, and the
/// diagnosis when no plan exists. What the hidden `solve_what_if` functions return.
#[doc(hidden)]
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

#[doc(hidden)]
/// Solves `instance` with `forces` (possibly none); an infeasible result is diagnosed.
pub fn solve_what_if(
    instance: &Instance,
    formulation: &Formulation,
    forces: &[Force],
    choice: &Choice,
    deadline: Option<Instant>,
) -> Result<WhatIfSolve, SolveError> {
    solve_what_if_on(instance, formulation, forces, choice, PlanAnalyses::ALL, deadline, &mut None)
}

#[doc(hidden)]
/// As [`solve_what_if`]; without forces the plan solves on `session` (a session left there by
/// the solve of a model of the same shape is brought to this one warm), so that `compare` solves
/// each scenario of the base's shape warm from the previous column's basis.
///
/// `analyses`: the re-solves after the plan's, for a plan without forces; `compare` asks for
/// none. A forced plan is the report of `capplan solve --force`, with every analysis.
pub fn solve_what_if_on(
    instance: &Instance,
    formulation: &Formulation,
    forces: &[Force],
    choice: &Choice,
    analyses: PlanAnalyses,
    deadline: Option<Instant>,
    session: &mut Option<Session>,
) -> Result<WhatIfSolve, SolveError> {
    let backend = choice.backend;
    if let Some((force, reach)) = forces.iter().find_map(|force| force.beyond_reach(instance).map(|reach| (force, reach))) {
        let mut forced = formulation.clone();
        add_forces(&mut forced, instance, forces);
        let row = forced.row_of(ConstraintKind::Force { customer: force.customer, resource: force.resource }).expect("a force row");
        let diagnosis = super::infeasibility::diagnose_force_beyond_reach(instance, &forced, row, reach);
        let report = SolveReport {
            header: super::document::Header::of(instance),
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
        (super::solve_chosen_on(instance, formulation, choice, analyses, deadline, session)?, None, None)
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
