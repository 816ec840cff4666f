//! Analysis: from a solved LP back to the planner's terms.
//!
//! [`solve`] runs the whole chain (formulate, solve, duals) and returns a [`SolveReport`]: the
//! status, kept apart from the results, and for an optimal plan every number the reports print.
//!
//! The functions that take capplan's own machinery (a formulation, a solver choice, an engine
//! session, a bare linear program) are hidden from this documentation: they serve the command
//! line, the tests and the benchmarks. The crate root solves, ranges and applies scenarios
//! without them.

pub mod compare;
pub(crate) mod curve_order;
pub mod document;
// The dual solve and its checks on a bare linear program: machinery the engine's tests check
// against, not part of the library's API, and hidden from its documentation.
#[doc(hidden)]
pub mod duals;
pub mod force;
pub mod frontier;
pub mod horizon;
pub mod infeasibility;
pub mod limits;
pub(crate) mod parametric;
mod per_resource;
mod plan;
pub mod ranging;
pub mod sweep;
pub mod whale;

pub use per_resource::PerResource;
pub use plan::*;

use std::time::Instant;

use crate::formulation::{Formulation, formulate};
use crate::model::Instance;
use crate::solve::{Backend, Choice, LpOutcome, SolveError};

/// How the solve ended. Each status has its own exit code (see `docs/cli.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// A plan meets every constraint and no other plan is worth more.
    Optimal,
    /// No plan meets all constraints.
    Infeasible,
    /// The objective can grow without limit (an unlimited expansion option feeding a response
    /// that never saturates).
    Unbounded,
    /// `--time-limit` ran out before a plan and its shadow prices were proven optimal.
    #[serde(rename = "time_limit")]
    TimeLimit,
}

impl Status {
    /// The status as the JSON report writes it (`optimal`, `time_limit`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Status::Optimal => "optimal",
            Status::Infeasible => "infeasible",
            Status::Unbounded => "unbounded",
            Status::TimeLimit => "time_limit",
        }
    }

    /// The exit code of `capplan solve` for this status: 0 optimal, 3 infeasible, 4 unbounded, 5
    /// time limit (docs/cli.md, "Exit codes").
    pub fn exit_code(self) -> i32 {
        match self {
            Status::Optimal => 0,
            Status::Infeasible => 3,
            Status::Unbounded => 4,
            Status::TimeLimit => 5,
        }
    }
}

/// An analysis that `--time-limit` stopped before it finished. The plan and its shadow prices
/// are unaffected: a plan proven optimal stays optimal; what is missing is said in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CutShort {
    /// The exact cost of floors and expectations (`exact_cost`): the ones not yet re-solved are
    /// missing.
    PromisePrices,
    /// The exact cost of each category's policy (`policy_cost`): the ones not yet re-solved are
    /// missing.
    PolicyPrices,
    /// What the forces cost and who gives up hours (the unforced plan or the one-hour steps).
    Forces,
    /// The sensitivity report of `--sensitivity`: left out.
    Sensitivity,
    /// How far each resource's price holds, on the opening screen of the text report.
    CapacityRanges,
    /// The value curve of each capacity in the HTML report.
    ValueCurves,
    /// The infeasibility diagnosis: the conflict found so far, and the repair if it was found.
    Diagnosis,
}

impl CutShort {
    /// The name in JSON's `cut_short` list.
    pub fn name(self) -> &'static str {
        match self {
            CutShort::PromisePrices => "promise_prices",
            CutShort::PolicyPrices => "policy_prices",
            CutShort::Forces => "forces",
            CutShort::Sensitivity => "sensitivity",
            CutShort::CapacityRanges => "capacity_ranges",
            CutShort::ValueCurves => "value_curves",
            CutShort::Diagnosis => "diagnosis",
        }
    }
}

/// Whether `deadline` has passed.
pub(crate) fn past(deadline: Option<Instant>) -> bool {
    deadline.is_some_and(|deadline| Instant::now() >= deadline)
}

/// The analyses of an optimal plan beyond its solve and shadow prices, each a re-solve per
/// limit or category priced. Which ones run is decided where a command is built, by what its
/// report shows: `capplan solve` runs all of them, `capplan compare` none (its columns show
/// totals, utilisation, capacity prices and expectation gaps, which the plan's solve gives).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanAnalyses {
    /// The exact cost of each binding floor and of each soft expectation at stake
    /// (`exact_cost`); without it every `exact_cost` is `None`.
    pub promise_prices: bool,
    /// The exact cost of each category's policy (`policy_cost`); without it every `policy_cost`
    /// is `None`.
    pub policy_prices: bool,
}

impl PlanAnalyses {
    /// Every analysis: the plan as `capplan solve` reports it.
    pub const ALL: PlanAnalyses = PlanAnalyses { promise_prices: true, policy_prices: true };
    /// The plan and its shadow prices alone.
    pub const NONE: PlanAnalyses = PlanAnalyses { promise_prices: false, policy_prices: false };
}

/// The outcome of `capplan solve`.
#[derive(Debug, Clone)]
pub struct SolveReport {
    /// What the report is of: the plan header, the resources and customers by id and name.
    pub header: document::Header,
    /// How the solve ended; `plan` is present exactly when it is optimal.
    pub status: Status,
    /// The backend that solved the LP.
    pub backend: Backend,
    /// Why this backend ran (the `--solver auto` rule, or the caller's request).
    pub solver_reason: String,
    /// Present exactly when `status` is optimal.
    pub plan: Option<Plan>,
    /// Reasons to doubt the numbers the solver found (badly scaled data), as the solve layer words
    /// them; empty when none. The plan's own (envelope curves, share padding) are numbers in the
    /// plan: [`crate::report::warnings`] gives every warning worded.
    pub warnings: Vec<String>,
    /// The analyses `--time-limit` stopped before they finished, in [`CutShort`] order; empty
    /// when none was.
    pub cut_short: Vec<CutShort>,
}

impl SolveReport {
    /// Records that `--time-limit` stopped `analysis` (once, in order).
    pub fn note_cut_short(&mut self, analysis: CutShort) {
        if let Err(at) = self.cut_short.binary_search(&analysis) {
            self.cut_short.insert(at, analysis);
        }
    }
}

/// Formulates, solves and analyses an instance.
pub fn solve(instance: &Instance, backend: Backend) -> Result<SolveReport, SolveError> {
    let formulation = formulate(instance);
    solve_formulation(instance, &formulation, backend)
}

#[doc(hidden)]
/// As [`solve`], for a formulation already built (tests perturb right-hand sides this way).
pub fn solve_formulation(instance: &Instance, formulation: &Formulation, backend: Backend) -> Result<SolveReport, SolveError> {
    solve_chosen(instance, formulation, &Choice::requested(backend), None)
}

#[doc(hidden)]
/// As [`solve_formulation`], with the backend chosen by [`crate::solve::choose`] and an optional
/// deadline for the primal and dual solves together.
pub fn solve_chosen(
    instance: &Instance,
    formulation: &Formulation,
    choice: &Choice,
    deadline: Option<Instant>,
) -> Result<SolveReport, SolveError> {
    solve_chosen_on(instance, formulation, choice, PlanAnalyses::ALL, deadline, &mut None)
}

/// As [`solve_chosen`], keeping capplan's engine session in `session` for the caller: the plan,
/// its curve-order branches, the policy and the promise prices all solve on it, and a session
/// left there by an earlier solve of a program of the same shape (a scenario, a sweep step) is
/// brought to this one warm instead of solving from scratch. Other backends leave it alone.
/// `analyses`: the re-solves after the plan's ([`PlanAnalyses::ALL`] for the whole report).
pub(crate) fn solve_chosen_on(
    instance: &Instance,
    formulation: &Formulation,
    choice: &Choice,
    analyses: PlanAnalyses,
    deadline: Option<Instant>,
    session: &mut Option<crate::solve::session::Session>,
) -> Result<SolveReport, SolveError> {
    let backend = choice.backend;
    if backend == Backend::Engine {
        match session.as_mut() {
            Some(session) if session.same_shape(&formulation.lp) => session.update_to(&formulation.lp),
            _ => *session = Some(crate::solve::session::Session::new(&formulation.lp)),
        }
    }
    let warnings: Vec<String> = crate::solve::scaling::doubtful_scaling_warning(&formulation.lp).into_iter().collect();
    let header = document::Header::of(instance);
    let report = |status: Status, plan: Option<Plan>| SolveReport {
        header: header.clone(),
        status,
        backend,
        solver_reason: choice.reason.clone(),
        plan,
        warnings: warnings.clone(),
        cut_short: Vec::new(),
    };
    // Exact curves: the LP's pieces in curve order, by branching where value shares pull them
    // out of it (curve_order.rs). Prices are those of the branch where the optimum lies.
    let ordered = curve_order::solve_in_curve_order_on(formulation, backend, deadline, session.as_mut())?;
    let curve_order::OrderedSolve { outcome, row_prices, formulation: branch, branches, backend: dual_backend } = ordered;
    let exact = branch.as_ref().unwrap_or(formulation);
    match outcome {
        LpOutcome::Infeasible => Ok(report(Status::Infeasible, None)),
        LpOutcome::Unbounded => Ok(report(Status::Unbounded, None)),
        LpOutcome::TimeLimit => Ok(report(Status::TimeLimit, None)),
        LpOutcome::Optimal { values, objective } => {
            if let Some(session) = session.as_mut().filter(|_| backend == Backend::Engine) {
                keep_plan_basis(session, branches);
            }
            let duals = match row_prices {
                Some(row_prices) => duals::duals_from_row_prices(&exact.lp, row_prices, dual_backend, objective)?,
                None => match duals::compute_duals_until(&exact.lp, dual_backend, objective, deadline)? {
                    Some(duals) => duals,
                    // A plan without its shadow prices is not what `solve` promises.
                    None => return Ok(report(Status::TimeLimit, None)),
                },
            };
            let mut plan = plan::assemble(instance, formulation, &values, objective, &duals);
            if branches > 0 {
                plan.lp.exact_lp = Some(exact.lp.clone());
            }
            // The plan is proven optimal: what the deadline stops from here on is an analysis
            // the report says is missing, never the plan.
            let policies_whole = !analyses.policy_prices || price_policies(&mut plan, formulation, backend, deadline, session)?;
            let promises_whole = !analyses.promise_prices || plan::price_promises_on(&mut plan, formulation, backend, deadline, session)?;
            // Chosen once every number they rank is known: the reports show these first.
            plan.highlights = plan::Highlights::of(&plan);
            // The plan's own reasons for doubt (envelope curves, share padding) are in the plan
            // as numbers; the printers word them (`crate::report::warnings`).
            let mut solved = report(Status::Optimal, Some(plan));
            if !policies_whole {
                solved.note_cut_short(CutShort::PolicyPrices);
            }
            if !promises_whole {
                solved.note_cut_short(CutShort::PromisePrices);
            }
            Ok(solved)
        }
    }
}

/// Keeps the plan's optimal basis on its session for the sensitivity report, which ranges from
/// it after the policy and promise prices have moved the session. Without branching the session
/// stands at that basis, the one a cold solve of the plan's program finds. A branching search
/// ends at the last branch it explored, and a warm re-solve at the branch where the optimum lies
/// may end at another optimal basis than a cold solve of that branch, with other ranges where
/// the plan is degenerate: nothing is kept then, and ranging loads the branch's program afresh.
fn keep_plan_basis(session: &mut crate::solve::session::Session, branches: usize) {
    session.forget_plan_basis();
    if branches == 0 {
        session.keep_plan_basis();
    }
}

/// The exact cost of each category's policy: the optimum without the constraints the policy set
/// minus the optimum with them, by one re-solve per category that set any. `false` when
/// `deadline` stopped it: the categories not priced by then keep no cost.
fn price_policies(
    plan: &mut Plan,
    formulation: &Formulation,
    backend: Backend,
    deadline: Option<Instant>,
    session: &mut Option<crate::solve::session::Session>,
) -> Result<bool, SolveError> {
    let Some(portfolio) = plan.portfolio.as_mut() else {
        return Ok(true);
    };
    // capplan's engine prices every policy warm on the plan's session: its rows are relaxed, the
    // model re-solved from the plan's basis, and the rows put back.
    let mut session = session.as_mut().filter(|_| backend == Backend::Engine);
    if let Some(session) = session.as_mut() {
        // The plan's branch (curve order) back to the formulation's own bounds.
        session.update_to(&formulation.lp);
    }
    for category in &mut portfolio.categories {
        if category.policy_constraints.is_empty() {
            continue;
        }
        // microlp and clarabel cannot be interrupted: the deadline is checked between solves.
        if past(deadline) {
            return Ok(false);
        }
        let dropped: std::collections::BTreeSet<&str> = category.policy_constraints.iter().map(String::as_str).collect();
        let outcome = match session.as_mut() {
            Some(session) => {
                let rows: Vec<usize> =
                    (0..formulation.lp.rows.len()).filter(|&i| dropped.contains(formulation.lp.rows[i].name.as_str())).collect();
                rows.iter().for_each(|&i| session.relax_row(i, true));
                let outcome = crate::solve::session_outcome(session, deadline)?.0;
                rows.iter().for_each(|&i| session.relax_row(i, false));
                outcome
            }
            None => {
                // The same model without the category's rows, so that every backend (the
                // separable one included) can solve it.
                let mut relaxed = formulation.clone();
                (relaxed.lp.rows, relaxed.kinds) = formulation
                    .lp
                    .rows
                    .iter()
                    .zip(&formulation.kinds)
                    .filter(|(row, _)| !dropped.contains(row.name.as_str()))
                    .map(|(row, kind)| (row.clone(), *kind))
                    .unzip();
                crate::solve::solve_formulation_lp(&relaxed, backend, deadline)?.0
            }
        };
        if outcome == LpOutcome::TimeLimit {
            return Ok(false);
        }
        category.policy_cost = match outcome {
            LpOutcome::Optimal { objective, .. } => Some(objective - plan.objective),
            // Dropping limits cannot make a feasible plan infeasible; it can make it unbounded
            // (a cap was all that held an unlimited expansion back): the policy's cost is then
            // not a number, and it is reported as missing.
            _ => None,
        };
    }
    Ok(true)
}
