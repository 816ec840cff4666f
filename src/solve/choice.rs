//! Which backend solves a formulation: the planner's `--solver` choice, and the rule behind
//! `auto`, with the reason in words for the report.
//!
//! `auto` takes the separable backend whenever it applies (it is exact and the fastest by far);
//! otherwise capplan's own engine (a simplex with a basis: vertex solutions, duals and ranges
//! from the basis, warm re-solves; docs/solvers.md). microlp, clarabel and HiGHS stay available
//! by name.

use super::Backend;
use super::separable;
use crate::formulation::Formulation;

/// Up to this many LP variables an analysis that must use microlp or clarabel prefers microlp
/// (exact vertices). On capplan-shaped models microlp takes about 1.6 s at 12,000 variables and
/// grows about quadratically, clarabel about 0.12 s; at 3,000 variables both stay near 0.1 s.
pub const SIMPLEX_MAX_VARIABLES: usize = 3_000;

/// The `--solver` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SolverChoice {
    /// Pick by the model's structure and size (see docs/cli.md).
    Auto,
    /// Simplex (pure Rust): exact vertex solutions; slow on large models.
    Microlp,
    /// Interior point (pure Rust): fast on large models; solutions are not vertices.
    Clarabel,
    /// capplan's exact solver for models coupled only by capacities.
    Separable,
    /// capplan's simplex with a basis (pure Rust): vertex solutions, warm re-solves.
    Engine,
    /// HiGHS (C++), in builds with the cargo feature `highs`.
    Highs,
}

/// The backend that will run, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub backend: Backend,
    pub reason: String,
}

impl Choice {
    /// A backend named by the caller.
    pub fn requested(backend: Backend) -> Choice {
        Choice { backend, reason: format!("requested with --solver {backend}") }
    }
}

/// Resolves a `--solver` value for a formulation. `Err` is a usage problem (a backend this build
/// lacks, or the separable backend requested for a model it cannot solve).
pub fn choose(choice: SolverChoice, formulation: &Formulation) -> Result<Choice, String> {
    let requested = match choice {
        SolverChoice::Auto => return Ok(auto(formulation)),
        SolverChoice::Microlp => Backend::Microlp,
        SolverChoice::Clarabel => Backend::Clarabel,
        SolverChoice::Separable => {
            if let Err(why) = separable::applicability(formulation) {
                return Err(format!("--solver separable does not apply to this instance: {why}; use --solver auto, microlp or clarabel"));
            }
            Backend::Separable
        }
        SolverChoice::Engine => Backend::Engine,
        SolverChoice::Highs => Backend::Highs,
    };
    if !requested.is_built() {
        return Err(format!(
            "--solver {requested}: this capplan was built without it; rebuild with `cargo build --release --features {requested}` (needs cmake and a C++ compiler)"
        ));
    }
    Ok(Choice::requested(requested))
}

fn auto(formulation: &Formulation) -> Choice {
    let why_not_separable = match separable::applicability(formulation) {
        Ok(()) => {
            return Choice {
                backend: Backend::Separable,
                reason: "auto: the only limits shared by customers are the resource capacities, so the plan splits per \
                         resource and is solved exactly by filling the most valuable hours first"
                    .to_string(),
            };
        }
        Err(why) => why,
    };
    Choice {
        backend: Backend::Engine,
        reason: format!("auto: {why_not_separable}; capplan's simplex engine, exact vertex solution with its basis"),
    }
}
