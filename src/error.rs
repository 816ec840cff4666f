//! The error type of the library's entry points ([`crate::read_instance`],
//! [`crate::parse_instance`], [`crate::solve`](fn@crate::solve), [`crate::solve_with_sensitivity`]): what went
//! wrong, with the location of every problem found in the user's files.

use crate::diagnostic::{Diagnostic, InputErrors};
use crate::solve::SolveError;

/// Why an entry point of the library failed.
///
/// An infeasible or unbounded instance is not an error: [`crate::solve`](fn@crate::solve) returns a report whose
/// [`crate::analysis::SolveReport::status`] says so.
///
/// ```
/// let error = capplan::parse_instance("bad.toml", "[plan]\nname = 1\n").unwrap_err();
/// let problem = &error.problems()[0];
/// assert_eq!((problem.file.as_str(), problem.line, problem.column), ("bad.toml", 2, 8));
/// assert_eq!(problem.field, "plan.name");
/// assert_eq!(error.exit_code(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The instance, or a file it names (a customers CSV, a portfolio model), cannot be read or
    /// is invalid. Every problem is listed, each with its file, line, column and field.
    #[error("{}", InputErrors(.problems.clone()))]
    Input {
        /// The problems, in the order `capplan check` prints them.
        problems: Vec<Diagnostic>,
    },
    /// The solver asked for cannot solve this instance (the separable backend on a model with
    /// more than capacities shared) or is not in this build (HiGHS without the `highs` feature).
    #[error("error: {0}")]
    SolverUnavailable(String),
    /// The solver failed, or capplan could not confirm its answer (docs/cli.md, exit code 1).
    #[error("error: internal: {0}")]
    Solver(#[from] SolveError),
}

impl Error {
    /// The located problems of an [`Error::Input`]; empty for the other kinds.
    pub fn problems(&self) -> &[Diagnostic] {
        match self {
            Error::Input { problems } => problems,
            _ => &[],
        }
    }

    /// The exit code `capplan` gives the same failure: 2 for bad input or an unusable solver,
    /// 1 for an internal error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input { .. } | Error::SolverUnavailable(_) => 2,
            Error::Solver(_) => 1,
        }
    }
}

impl From<InputErrors> for Error {
    fn from(errors: InputErrors) -> Self {
        Error::Input { problems: errors.0 }
    }
}
