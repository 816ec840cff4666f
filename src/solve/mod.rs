//! Solving a [`LinearProgram`]: one adapter per backend, behind one function.
//!
//! The status is data ([`LpOutcome`]), never inferred from a missing value, and each adapter
//! checks what its solver crate reports rather than trusting it: clarabel through good_lp turns
//! an unbounded problem into a "success", so its own status is read here.
//!
//! `choice` picks a backend for `--solver auto`; [`separable`] is capplan's own exact solver for
//! models whose only coupling rows are the capacities; a time limit turns into
//! [`LpOutcome::TimeLimit`], never into an optimum.

mod choice;
pub mod engine;
mod good_lp_adapter;
pub mod scaling;
pub mod separable;
pub mod session;

use std::fmt;
use std::time::Instant;

pub use choice::{Choice, SIMPLEX_MAX_VARIABLES, SolverChoice, choose};

use crate::formulation::{Formulation, LinearProgram, Sense};

/// A solver backend. microlp, clarabel and separable are pure Rust and always built; HiGHS only
/// with the cargo feature `highs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// Simplex (microlp): vertex solutions.
    Microlp,
    /// Interior point (clarabel): faster on large models; solutions are not vertices.
    Clarabel,
    /// capplan's exact solver for models coupled only by capacities (see [`separable`]).
    Separable,
    /// capplan's simplex with a basis (see [`engine`] and [`session`]): vertex solutions, duals
    /// and ranges from the basis, warm re-solves.
    Engine,
    /// HiGHS (C++), only in builds with the cargo feature `highs`.
    Highs,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Microlp => "microlp",
            Backend::Clarabel => "clarabel",
            Backend::Separable => "separable",
            Backend::Engine => "engine",
            Backend::Highs => "highs",
        }
    }

    /// Whether this build can run the backend.
    pub fn is_built(self) -> bool {
        self != Backend::Highs || cfg!(feature = "highs")
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a solve ended.
#[derive(Debug, Clone, PartialEq)]
pub enum LpOutcome {
    Optimal {
        values: Vec<f64>,
        objective: f64,
    },
    Infeasible,
    Unbounded,
    /// The time limit ran out before the solver proved a plan optimal.
    TimeLimit,
}

/// The solver failed for a reason other than infeasibility or unboundedness (numerical trouble,
/// an internal error of the solver crate). capplan reports it as an internal error, exit code 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SolveError(pub String);

impl fmt::Display for SolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SolveError {}

/// The backend that solves a bare LP for `backend`: the separable backend solves capplan
/// formulations only, so a program an analysis builds goes to the general backend `auto` would
/// pick for its size.
pub fn bare_lp_backend(backend: Backend, _lp: &LinearProgram) -> Backend {
    match backend {
        Backend::Separable => Backend::Engine,
        other => other,
    }
}

/// Largest model (LP variables) on which clarabel's infeasible or unbounded claims are confirmed
/// with the simplex method; microlp needs about 10 s at 18,000 variables.
pub const CONFIRMATION_MAX_VARIABLES: usize = 10_000;

/// Feasibility tolerance used to accept a solver's point, relative to the size of the numbers.
pub const FEASIBILITY_TOLERANCE: f64 = 1e-6;

/// Solves `lp` with `backend`. A row without terms is checked here (`0 <= 5` holds, `0 >= 5`
/// makes the problem infeasible) because solvers differ in how they take empty rows.
///
/// The separable backend solves capplan formulations, not bare LPs; the auxiliary programs that
/// analyses build (forced re-solves, conflict search, elastic repairs) go to the general backend
/// `auto` would pick for their size.
pub fn solve_lp(lp: &LinearProgram, backend: Backend) -> Result<LpOutcome, SolveError> {
    solve_lp_until(lp, backend, None)
}

/// Rows without terms and crossed bounds, which every backend takes differently: `true` when
/// they alone make the program infeasible.
fn trivially_infeasible(lp: &LinearProgram) -> bool {
    for row in lp.rows.iter().filter(|row| row.terms.is_empty()) {
        let holds = match row.sense {
            Sense::Le => 0.0 <= row.rhs + FEASIBILITY_TOLERANCE,
            Sense::Ge => 0.0 >= row.rhs - FEASIBILITY_TOLERANCE,
            Sense::Eq => row.rhs.abs() <= FEASIBILITY_TOLERANCE,
        };
        if !holds {
            return true;
        }
    }
    lp.variables.iter().any(|variable| variable.lower > variable.upper)
}

/// Solves `lp` with capplan's engine, giving up at `deadline`: the outcome and, for an optimum,
/// the row duals read from the basis (capplan's sign convention).
pub fn solve_lp_with_duals(lp: &LinearProgram, deadline: Option<Instant>) -> Result<(LpOutcome, Option<Vec<f64>>), SolveError> {
    if trivially_infeasible(lp) {
        return Ok((LpOutcome::Infeasible, None));
    }
    let started = Instant::now();
    let mut session = session::Session::new(lp);
    let result = session_outcome(&mut session, deadline);
    if std::env::var_os("CAPPLAN_ENGINE_TRACE").is_some() {
        let (rows, columns, kernel) = session.engine_size();
        eprintln!(
            "engine: {} x {} -> {rows} x {columns}, kernel {kernel}, {} pivots, {:.3} s",
            lp.rows.len(),
            lp.variables.len(),
            session.iterations(),
            started.elapsed().as_secs_f64()
        );
    }
    result
}

/// Solves a loaded session and reads its outcome and row duals, checking the point.
pub fn session_outcome(session: &mut session::Session, deadline: Option<Instant>) -> Result<(LpOutcome, Option<Vec<f64>>), SolveError> {
    use session::SessionStatus;
    let status = session.solve(deadline).map_err(|failure| SolveError(format!("the engine failed: {}", failure.0)))?;
    Ok(match status {
        SessionStatus::Infeasible => (LpOutcome::Infeasible, None),
        SessionStatus::Unbounded => (LpOutcome::Unbounded, None),
        SessionStatus::TimeLimit => (LpOutcome::TimeLimit, None),
        SessionStatus::Optimal => {
            let values = session.values();
            check_violation(session.max_violation(&values), Backend::Engine)?;
            let objective = session.program().objective_value(&values);
            (LpOutcome::Optimal { values, objective }, Some(session.row_duals()))
        }
    })
}

/// As [`solve_lp`], giving up at `deadline` with [`LpOutcome::TimeLimit`]. capplan's engine
/// checks the deadline at every pivot; microlp, clarabel and HiGHS cannot be interrupted, so the
/// deadline is checked before they start and a solve they began runs to its end.
pub fn solve_lp_until(lp: &LinearProgram, backend: Backend, deadline: Option<Instant>) -> Result<LpOutcome, SolveError> {
    let backend = bare_lp_backend(backend, lp);
    if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
        return Ok(LpOutcome::TimeLimit);
    }
    if backend == Backend::Engine {
        return Ok(solve_lp_with_duals(lp, deadline)?.0);
    }
    if trivially_infeasible(lp) {
        return Ok(LpOutcome::Infeasible);
    }
    // A solver crate that panics (singular matrices have been seen to do that) must not take
    // the program down: the planner gets an internal error with the message instead.
    // A badly scaled model is solved in scaled form and its point mapped back (see scaling.rs).
    let scaled = scaling::scale(lp);
    let backend_lp = scaled.as_ref().map_or(lp, |(scaled_lp, _)| scaled_lp);
    let outcome = std::panic::catch_unwind(|| good_lp_adapter::solve(backend_lp, backend)).unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown panic".to_string());
        Err(SolveError(format!("the {backend} solver failed internally: {message}")))
    })?;
    // clarabel has been seen to return a certificate of unboundedness for a plan whose hours
    // are all capped (tests/regressions.rs). An infeasible or unbounded claim from it is
    // confirmed with the simplex before it becomes a status; a contradiction is an internal error,
    // never a misreported status.
    // The simplex grows about quadratically with the model: beyond CONFIRMATION_MAX_VARIABLES
    // the confirmation would take longer than any planner waits, and clarabel's claim stands.
    if backend == Backend::Clarabel && !matches!(outcome, LpOutcome::Optimal { .. }) && lp.variables.len() <= CONFIRMATION_MAX_VARIABLES {
        confirm_with_simplex(backend_lp, &outcome)?;
    }
    let outcome = match (outcome, &scaled) {
        (LpOutcome::Optimal { values, .. }, Some((_, scaling))) => {
            let values = scaling.unscale_values(&values);
            let objective = lp.objective_value(&values);
            LpOutcome::Optimal { values, objective }
        }
        (outcome, _) => outcome,
    };
    if let LpOutcome::Optimal { values, .. } = &outcome {
        check_point(lp, values, backend)?;
    }
    Ok(outcome)
}

/// Refuses a solver's point that violates the LP. Interior-point points sit a little inside or
/// outside the bounds; accept what the solver's own tolerance explains, refuse anything worse.
fn check_point(lp: &LinearProgram, values: &[f64], backend: Backend) -> Result<(), SolveError> {
    check_violation(lp.max_violation(values), backend)
}

/// As [`check_point`], for the violation already measured.
fn check_violation(violation: f64, backend: Backend) -> Result<(), SolveError> {
    if violation > 1e-5 {
        return Err(SolveError(format!(
            "the {backend} solver returned a point that violates the constraints by {violation:.3e} (relative); the result is not trustworthy"
        )));
    }
    Ok(())
}

/// Solves a formulation with `backend`. The separable backend reads the structure and also
/// returns the row duals it finds on the way; the LP backends return `None` for them.
pub fn solve_formulation_lp(
    formulation: &Formulation,
    backend: Backend,
    deadline: Option<Instant>,
) -> Result<(LpOutcome, Option<Vec<f64>>), SolveError> {
    if backend == Backend::Engine {
        return solve_lp_with_duals(&formulation.lp, deadline);
    }
    if backend != Backend::Separable {
        return Ok((solve_lp_until(&formulation.lp, backend, deadline)?, None));
    }
    if let Err(reason) = separable::applicability(formulation) {
        return Err(SolveError(format!("the separable backend does not apply: {reason}")));
    }
    Ok(match separable::solve(formulation) {
        separable::SeparableOutcome::Infeasible => (LpOutcome::Infeasible, None),
        separable::SeparableOutcome::Unbounded => (LpOutcome::Unbounded, None),
        separable::SeparableOutcome::Optimal { values, row_duals } => {
            check_point(&formulation.lp, &values, backend)?;
            let objective = formulation.lp.objective_value(&values);
            (LpOutcome::Optimal { values, objective }, Some(row_duals))
        }
    })
}

/// Checks a status claimed by clarabel against microlp; an error when they differ.
/// microlp gets the program with free variables split, on which it cannot cycle.
fn confirm_with_simplex(lp: &LinearProgram, claimed: &LpOutcome) -> Result<(), SolveError> {
    let split = lp.split_free_variables();
    let simplex = std::panic::catch_unwind(|| good_lp_adapter::solve(&split, Backend::Microlp))
        .map_err(|_| SolveError("the microlp solver failed internally while confirming clarabel's status".to_string()))??;
    let name = |outcome: &LpOutcome| match outcome {
        LpOutcome::Optimal { .. } => "optimal",
        LpOutcome::Infeasible => "infeasible",
        LpOutcome::Unbounded => "unbounded",
        LpOutcome::TimeLimit => "stopped at the time limit",
    };
    if std::mem::discriminant(&simplex) == std::mem::discriminant(claimed) {
        Ok(())
    } else {
        Err(SolveError(format!(
            "the clarabel solver reported the problem {}, but the simplex method finds it {}; clarabel's answer is not trustworthy here (try --solver microlp)",
            name(claimed),
            name(&simplex)
        )))
    }
}
