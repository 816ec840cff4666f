//! The efficient frontier of revenue risk (`capplan frontier`): expected contribution against the
//! CVaR of contribution, traced exactly. The two extremes are solved first (the plan of most
//! expected contribution, with the best CVaR among such plans; the plan of best CVaR); the points
//! between are CVaR floors spaced evenly from one extreme's CVaR to the other's, each solved as
//! the instance's own linear program with `[risk] min_cvar` set to it, so that every point is a
//! real optimal plan with its shadow prices. The instance's own CVaR floor and risk weight are
//! left out: each point maximises the expected contribution alone under its floor.

use crate::analysis::{Plan, Status, curve_order, solve_chosen};
use crate::formulation::{ConstraintKind, Formulation, LpRow, Sense, add_cvar, formulate};
use crate::model::Instance;
use crate::solve::{Backend, LpOutcome, SolveError, SolverChoice, choose};

/// The CVaR floor of the last point is the best CVaR less this (relative to its size, at least
/// 1e-7 currency): solvers meet a floor to within their feasibility tolerance.
const FLOOR_SLACK: f64 = 1e-9;

/// One point of the frontier: an optimal plan under a CVaR floor.
#[derive(Debug, Clone)]
pub struct FrontierPoint {
    /// The CVaR floor the plan was solved under (currency).
    pub cvar_floor: f64,
    /// The plan's expected contribution (currency).
    pub expected_contribution: f64,
    /// The plan's objective (expected contribution plus what priority weights add).
    pub objective: f64,
    /// CVaR of contribution at the confidence: the mean contribution over the worst
    /// `1 - confidence` of the probability, computed from the plan's scenario contributions.
    pub cvar_contribution: f64,
    /// The risk measure: CVaR of the loss (minus the contribution), i.e. `-cvar_contribution`.
    /// It grows as the plan takes on more risk.
    pub cvar_risk: f64,
    /// The plan's contribution in each scenario, in the order of `[[risk.scenarios]]`.
    pub scenario_contributions: Vec<f64>,
    /// Hours per customer and resource, in the order of the plan's allocations.
    pub hours: Vec<f64>,
    /// The full plan.
    pub plan: Plan,
}

/// The frontier, from the plan of most expected contribution to the plan of least risk.
#[derive(Debug, Clone)]
pub struct Frontier {
    /// The `[plan]` header of the instance traced.
    pub header: crate::model::PlanHeader,
    /// The CVaR confidence level as a fraction: `0.8` averages the worst 20 % of the probability.
    pub confidence: f64,
    /// The probability of each of the `[[risk.scenarios]]`, in the order of `scenario_ids`.
    pub scenario_probabilities: Vec<f64>,
    /// The instance's own CVaR floor, which the points leave out; `None` when it sets none.
    pub own_min_cvar: Option<f64>,
    /// The instance's own risk weight, which the points leave out; `None` when it sets none.
    pub own_risk_weight: Option<f64>,
    /// `(id, name)` of every resource, in the instance's order.
    pub resources: Vec<(String, String)>,
    /// The ids of the `[[risk.scenarios]]`, in the instance's order: the order of every point's
    /// `scenario_contributions`.
    pub scenario_ids: Vec<String>,
    /// `customer/resource` of each entry of every point's `hours`.
    pub allocations: Vec<(String, String)>,
    /// The points, from the plan of most expected contribution to the plan of least risk.
    pub points: Vec<FrontierPoint>,
    /// The backend that solved every point.
    pub backend: Backend,
    /// Why this backend ran: the caller's request, or the `auto` rule that chose it.
    pub solver_reason: String,
}

/// Why no frontier could be traced.
#[derive(Debug)]
pub enum FrontierError {
    /// The instance has no `[risk]` scenarios.
    NoRisk,
    /// The plan without a CVaR floor is not optimal (infeasible, unbounded).
    NotOptimal(Status),
    /// A solver failed.
    Solve(SolveError),
    /// The solver asked for is not in this build or does not apply to the instance; the message
    /// says which and what to use.
    Unavailable(String),
}

impl std::fmt::Display for FrontierError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrontierError::NoRisk => {
                write!(f, "the instance has no [risk] scenarios: a frontier needs [[risk.scenarios]] with probabilities")
            }
            FrontierError::NotOptimal(status) => {
                write!(f, "the instance without a CVaR floor has no optimal plan (status {})", status.name())
            }
            FrontierError::Solve(error) => write!(f, "internal: {error}"),
            FrontierError::Unavailable(message) => write!(f, "{message}"),
        }
    }
}

impl From<SolveError> for FrontierError {
    fn from(error: SolveError) -> Self {
        FrontierError::Solve(error)
    }
}

/// The CVaR at `confidence` of a discrete distribution of contributions: the largest
/// `t - sum p[s] max(0, t - c[s]) / (1 - confidence)` over `t`, which is reached at one of the
/// contributions (the function is concave and piecewise linear with bends there).
pub fn cvar_of(contributions: &[f64], probabilities: &[f64], confidence: f64) -> f64 {
    let tail = 1.0 / (1.0 - confidence);
    contributions
        .iter()
        .map(|&t| t - tail * contributions.iter().zip(probabilities).map(|(&c, &p)| p * (t - c).max(0.0)).sum::<f64>())
        .fold(f64::NEG_INFINITY, f64::max)
}

/// Traces the frontier with `points` points (at least 2).
pub fn trace(instance: &Instance, points: usize, solver: SolverChoice) -> Result<Frontier, FrontierError> {
    let risk = instance.risk().ok_or(FrontierError::NoRisk)?;
    let free = instance.with_min_cvar(None).ok_or(FrontierError::NoRisk)?;
    // The plan of most expected contribution, through the ordinary solve.
    let formulation = formulate(&free);
    let choice = choose(solver, &formulation).map_err(FrontierError::Unavailable)?;
    let best = solve_chosen(&free, &formulation, &choice, None)?;
    let Some(best_plan) = best.plan else { return Err(FrontierError::NotOptimal(best.status)) };

    // The extremes of the CVaR, on the model with the CVaR variables.
    let mut with_cvar = formulation.clone();
    let columns = add_cvar(&free, &mut with_cvar);
    let cvar_backend = choose(solver, &with_cvar).map_err(FrontierError::Unavailable)?.backend;
    // Best CVaR among the plans of most expected objective: keep the objective at its optimum.
    let mut at_best = with_cvar.clone();
    let objective_terms: Vec<(usize, f64)> =
        at_best.lp.variables.iter().enumerate().filter(|(_, v)| v.objective != 0.0).map(|(j, v)| (j, v.objective)).collect();
    let keep = best_plan.objective - at_best.lp.objective_constant - slack(best_plan.objective);
    at_best.lp.rows.push(LpRow { name: "objective_kept".into(), terms: objective_terms, sense: Sense::Ge, rhs: keep });
    // An internal row: the reports never see this LP.
    at_best.kinds.push(ConstraintKind::CvarShortfall { scenario: 0 });
    let low = maximise_cvar(&mut at_best, &columns.cvar_terms, cvar_backend)?;
    let high = maximise_cvar(&mut with_cvar, &columns.cvar_terms, cvar_backend)?;
    let high = high.max(low);

    let count = points.max(2);
    let mut traced = Vec::with_capacity(count);
    let mut last_choice = choice;
    for k in 0..count {
        let floor = if k + 1 == count {
            high - slack(high)
        } else {
            (low + (high - low) * k as f64 / (count - 1) as f64 - slack(low)).min(high - slack(high))
        };
        let bounded = instance.with_min_cvar(Some(floor)).expect("the instance has [risk]");
        let formulation = formulate(&bounded);
        let choice = choose(solver, &formulation).map_err(FrontierError::Unavailable)?;
        let report = solve_chosen(&bounded, &formulation, &choice, None)?;
        let Some(plan) = report.plan else { return Err(FrontierError::NotOptimal(report.status)) };
        let measured = plan.risk.as_ref().expect("a plan of an instance with [risk] measures its risk");
        traced.push(FrontierPoint {
            cvar_floor: floor,
            expected_contribution: plan.totals.contribution,
            objective: plan.objective,
            cvar_contribution: measured.cvar_contribution,
            cvar_risk: measured.cvar_risk,
            scenario_contributions: measured.scenarios.iter().map(|scenario| scenario.contribution).collect(),
            hours: plan.allocations.iter().map(|a| a.hours).collect(),
            plan,
        });
        last_choice = choice;
    }
    Ok(Frontier {
        header: instance.plan.clone(),
        scenario_probabilities: risk.scenarios().iter().map(|s| s.probability()).collect(),
        own_min_cvar: risk.min_cvar(),
        own_risk_weight: risk.risk_weight(),
        resources: instance.resources().iter().map(|r| (r.id().to_string(), r.name().to_string())).collect(),
        confidence: risk.confidence(),
        scenario_ids: risk.scenarios().iter().map(|s| s.id().to_string()).collect(),
        allocations: best_plan.allocations.iter().map(|a| (a.customer.clone(), a.resource.clone())).collect(),
        points: traced,
        backend: last_choice.backend,
        solver_reason: last_choice.reason,
    })
}

fn slack(amount: f64) -> f64 {
    FLOOR_SLACK * amount.abs().max(100.0)
}

/// The largest CVaR the formulation allows: its objective replaced by the CVaR terms, solved
/// with the curves kept in order.
fn maximise_cvar(formulation: &mut Formulation, cvar_terms: &[(usize, f64)], backend: Backend) -> Result<f64, FrontierError> {
    for variable in &mut formulation.lp.variables {
        variable.objective = 0.0;
    }
    formulation.lp.objective_constant = 0.0;
    for &(variable, coefficient) in cvar_terms {
        formulation.lp.variables[variable].objective = coefficient;
    }
    match curve_order::solve_in_curve_order(formulation, backend, None)?.outcome {
        LpOutcome::Optimal { objective, .. } => Ok(objective),
        LpOutcome::Infeasible => Err(FrontierError::NotOptimal(Status::Infeasible)),
        LpOutcome::Unbounded => Err(FrontierError::NotOptimal(Status::Unbounded)),
        LpOutcome::TimeLimit => Err(FrontierError::NotOptimal(Status::TimeLimit)),
    }
}
