//! How the library's enums are spelled on the command line.
//!
//! The library types ([`Backend`], [`SolverChoice`], [`Format`], [`Audience`], [`Detail`],
//! [`Document`]) know nothing of argument parsing; the command line gives each its values and
//! help lines here, so that a library user does not inherit clap's traits on capplan's public
//! types.

use clap::ValueEnum;
use clap::builder::PossibleValue;

use crate::report::schema::Document;
use crate::report::{Audience, Detail, Format};
use crate::solve::{Backend, SolverChoice};

impl ValueEnum for Backend {
    fn value_variants<'a>() -> &'a [Self] {
        &[Backend::Engine, Backend::Microlp, Backend::Clarabel, Backend::Separable, Backend::Highs]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let help = match self {
            Backend::Microlp => "Simplex (microlp): vertex solutions",
            Backend::Clarabel => "Interior point (clarabel): faster on large models; solutions are not vertices",
            Backend::Separable => "capplan's exact solver for models coupled only by capacities",
            Backend::Engine => "capplan's simplex with a basis (pure Rust): vertex solutions, warm re-solves",
            Backend::Highs => "HiGHS (C++), only in builds with the cargo feature `highs`",
        };
        Some(PossibleValue::new(self.name()).help(help))
    }
}

impl ValueEnum for SolverChoice {
    fn value_variants<'a>() -> &'a [Self] {
        &[
            SolverChoice::Auto,
            SolverChoice::Microlp,
            SolverChoice::Clarabel,
            SolverChoice::Separable,
            SolverChoice::Engine,
            SolverChoice::Highs,
        ]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let (name, help) = match self {
            SolverChoice::Auto => ("auto", "Pick by the model's structure and size (see docs/cli.md)"),
            SolverChoice::Microlp => ("microlp", "Simplex (pure Rust): exact vertex solutions; slow on large models"),
            SolverChoice::Clarabel => ("clarabel", "Interior point (pure Rust): fast on large models; solutions are not vertices"),
            SolverChoice::Separable => ("separable", "capplan's exact solver for models coupled only by capacities"),
            SolverChoice::Engine => ("engine", "capplan's simplex with a basis (pure Rust): vertex solutions, warm re-solves"),
            SolverChoice::Highs => ("highs", "HiGHS (C++), in builds with the cargo feature `highs`"),
        };
        Some(PossibleValue::new(name).help(help))
    }
}

impl ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &[Format::Text, Format::Json, Format::Csv]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let (name, help) = match self {
            Format::Text => ("text", "Aligned tables and shadow prices in planner words"),
            Format::Json => ("json", "The full result, documented in docs/json-output.md"),
            Format::Csv => ("csv", "The plan table, one row per customer and resource"),
        };
        Some(PossibleValue::new(name).help(help))
    }
}

impl ValueEnum for Audience {
    fn value_variants<'a>() -> &'a [Self] {
        &[Audience::Internal, Audience::Partner]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let (name, help) = match self {
            Audience::Internal => ("internal", "The planner: everything"),
            Audience::Partner => ("partner", "One customer: its own hours and expectations, nothing internal"),
        };
        Some(PossibleValue::new(name).help(help))
    }
}

impl ValueEnum for Detail {
    fn value_variants<'a>() -> &'a [Self] {
        &[Detail::Summary, Detail::Full]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(match self {
            Detail::Summary => {
                PossibleValue::new("summary").help("The opening screen: status, contribution, prices, moves, costliest limits, gaps")
            }
            Detail::Full => PossibleValue::new("full").help("The opening screen, then every table grouped by subject"),
        })
    }
}

impl ValueEnum for Document {
    fn value_variants<'a>() -> &'a [Self] {
        &Document::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let help = match self {
            Document::Solve => "`capplan solve --format json` (with --sensitivity, --scenario, --force too)",
            Document::Partner => "`capplan solve --audience partner --format json`",
            Document::Compare => "`capplan compare --format json`",
            Document::Sweep => "`capplan sweep --format json`",
            Document::Frontier => "`capplan frontier --format json`",
            Document::Classify => "`capplan classify --format json`",
            Document::Horizon => "`capplan solve --format json` of a multi-period instance ([[periods]])",
            Document::Error => "The error report a failed run prints on standard error with `--format json`",
        };
        Some(PossibleValue::new(self.name()).help(help))
    }
}
