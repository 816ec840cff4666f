//! `capplan models`: the built-in portfolio models (and any model files named) with their
//! dimensions, categories and policies.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use super::{EXIT_INPUT, EXIT_OK};
use crate::model::portfolio::{self, Policy, PortfolioModel, format_score};
use crate::report::hours;

pub(super) fn run(files: &[PathBuf]) -> i32 {
    let mut models = portfolio::built_in_models();
    for file in files {
        // Every argument is a file: a bare name that could be a built-in id is made a path.
        let mut reference = file.display().to_string();
        if !reference.contains('/') && !reference.ends_with(".toml") {
            reference = format!("./{reference}");
        }
        match portfolio::load_model(&reference, Path::new("")) {
            Ok(loaded) => models.push(loaded.model),
            Err(portfolio::ModelLookupError::Invalid(errors)) => {
                eprintln!("{errors}");
                return EXIT_INPUT;
            }
            Err(portfolio::ModelLookupError::Unknown(message)) => {
                eprintln!("error: {}: {message}", file.display());
                return EXIT_INPUT;
            }
        }
    }
    let mut out = String::new();
    for model in &models {
        describe(&mut out, model);
    }
    match super::emit(None, &out) {
        Ok(()) => EXIT_OK,
        Err(code) => code,
    }
}

fn describe(out: &mut String, model: &PortfolioModel) {
    let _ = writeln!(out, "{} ({}): {}", model.id, model.origin, model.name);
    if !model.description.is_empty() {
        let _ = writeln!(out, "  {}", model.description);
    }
    if let Some(source) = &model.source {
        let _ = writeln!(out, "  source: {source}");
    }
    let dimensions: Vec<String> =
        model.dimensions.iter().map(|d| format!("{} ({} to {})", d.id, format_score(d.min), format_score(d.max))).collect();
    let _ = writeln!(out, "  scores: {}", dimensions.join(", "));
    for index in &model.indices {
        let _ = writeln!(out, "  derived: {} = {}", index.id, index.description);
    }
    for category in &model.categories {
        let _ = writeln!(out, "  - {}: {}", category.id, category.description);
        let policy = policy_summary(&category.policy);
        if !policy.is_empty() {
            let _ = writeln!(out, "      policy: {policy}");
        }
    }
    let _ = writeln!(out);
}

/// One line per policy, e.g. `cap engineering 5 % of capacity; expectations hard`.
pub(super) fn policy_summary(policy: &Policy) -> String {
    let mut parts = Vec::new();
    for entry in &policy.floor_hours {
        parts.push(format!("floor {} {} h", entry.resource, hours(entry.value)));
    }
    for entry in &policy.floor_share {
        parts.push(format!("floor {} {} % of capacity", entry.resource, format_score(entry.value * 100.0)));
    }
    for entry in &policy.cap_hours {
        parts.push(format!("cap {} {} h", entry.resource, hours(entry.value)));
    }
    for entry in &policy.cap_share {
        parts.push(format!("cap {} {} % of capacity", entry.resource, format_score(entry.value * 100.0)));
    }
    for entry in &policy.max_change_hours {
        parts.push(format!("change {} at most {} h", entry.resource, hours(entry.value)));
    }
    for entry in &policy.max_change_fraction {
        parts.push(format!("change {} at most {} % of current", entry.resource, format_score(entry.value * 100.0)));
    }
    if let Some(kind) = policy.expectations {
        parts.push(match (kind, policy.soft_penalty_per_hour) {
            (crate::model::ExpectationKind::Hard, _) => "expectations hard".to_string(),
            (crate::model::ExpectationKind::Soft, Some(penalty)) => format!("expectations soft ({} per hour short)", format_score(penalty)),
            (crate::model::ExpectationKind::Soft, None) => "expectations soft".to_string(),
        });
    }
    if let Some(weight) = policy.priority_weight {
        parts.push(format!("priority weight {}", format_score(weight)));
    }
    parts.join("; ")
}
