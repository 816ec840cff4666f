//! Which backend solves a formulation: the planner's `--solver` choice, and the rule behind
//! `auto`, with the reason in words for the report.
//!
//! `auto` takes the separable backend whenever it applies (it is exact and the fastest by far);
//! otherwise the microlp simplex up to [`SIMPLEX_MAX_VARIABLES`] LP variables (vertex solutions,
//! exact numbers) and the clarabel interior-point method above that, where the simplex grows
//! about quadratically. HiGHS is never picked by `auto`, even when built: on capplan's generated
//! portfolios it measured slower than clarabel (1.05 s against 0.74 s at 1,000 customers, 230 s
//! for the primal alone against 19 s for primal and dual at 10,000; docs/performance.md).

use super::Backend;
use super::separable;
use crate::formulation::Formulation;

/// Above this many LP variables `auto` prefers clarabel to microlp. On capplan-shaped models
/// microlp takes about 1.6 s at 12,000 variables and grows about quadratically, clarabel about
/// 0.12 s; at 3,000 variables both stay near 0.1 s, and microlp's exact vertices read better.
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
    let variables = formulation.lp.variables.len();
    if variables <= SIMPLEX_MAX_VARIABLES {
        Choice {
            backend: Backend::Microlp,
            reason: format!(
                "auto: {why_not_separable}; {variables} LP variables, at most {SIMPLEX_MAX_VARIABLES}: simplex, exact vertex solution"
            ),
        }
    } else {
        Choice {
            backend: Backend::Clarabel,
            reason: format!(
                "auto: {why_not_separable}; {variables} LP variables, more than {SIMPLEX_MAX_VARIABLES}: interior point, faster on large models"
            ),
        }
    }
}
