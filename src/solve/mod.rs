//! Solving a [`LinearProgram`]: one adapter per backend, behind one function.
//!
//! The status is data ([`LpOutcome`]), never inferred from a missing value, and each adapter
//! checks what its solver crate reports rather than trusting it: clarabel through good_lp turns
//! an unbounded problem into a "success", so its own status is read here.

mod good_lp_adapter;
pub mod scaling;

use std::fmt;

use crate::formulation::{LinearProgram, Sense};

/// A solver backend. Both are pure Rust and always built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// Simplex (microlp): vertex solutions, the default.
    Microlp,
    /// Interior point (clarabel): faster on large models; solutions are not vertices.
    Clarabel,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Microlp => "microlp",
            Backend::Clarabel => "clarabel",
        }
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
    Optimal { values: Vec<f64>, objective: f64 },
    Infeasible,
    Unbounded,
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

/// Feasibility tolerance used to accept a solver's point, relative to the size of the numbers.
pub const FEASIBILITY_TOLERANCE: f64 = 1e-6;

/// Solves `lp` with `backend`. A row without terms is checked here (`0 <= 5` holds, `0 >= 5`
/// makes the problem infeasible) because solvers differ in how they take empty rows.
pub fn solve_lp(lp: &LinearProgram, backend: Backend) -> Result<LpOutcome, SolveError> {
    for row in lp.rows.iter().filter(|row| row.terms.is_empty()) {
        let holds = match row.sense {
            Sense::Le => 0.0 <= row.rhs + FEASIBILITY_TOLERANCE,
            Sense::Ge => 0.0 >= row.rhs - FEASIBILITY_TOLERANCE,
            Sense::Eq => row.rhs.abs() <= FEASIBILITY_TOLERANCE,
        };
        if !holds {
            return Ok(LpOutcome::Infeasible);
        }
    }
    for variable in &lp.variables {
        if variable.lower > variable.upper {
            return Ok(LpOutcome::Infeasible);
        }
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
    if backend == Backend::Clarabel && !matches!(outcome, LpOutcome::Optimal { .. }) {
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
        let violation = lp.max_violation(values);
        // Interior-point points sit a little inside or outside the bounds; accept what the
        // solver's own tolerance explains, refuse anything worse.
        if violation > 1e-5 {
            return Err(SolveError(format!(
                "the {backend} solver returned a point that violates the constraints by {violation:.3e} (relative); the result is not trustworthy"
            )));
        }
    }
    Ok(outcome)
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
