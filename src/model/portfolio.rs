//! Portfolio models: classification schemes read from data (models/*.toml), validated, and used
//! to put each customer in one category whose policy becomes limits in the plan.
//!
//! The built-in models are the files in `models/`, compiled into the binary so that
//! `model = "krapfel"` works from any directory; a user's own model is named by its path.

use std::ops::Range;
use std::path::Path;

use crate::input::Spanned;

use super::Resource;
use super::validate::{Rule, Validator};
use crate::diagnostic::{Diagnostic, InputErrors, SourceFile};
use crate::input::{ExpectationKind, RawCondition, RawModelFile, RawTable};

/// The models shipped in `models/`, by id.
pub const BUILT_IN_MODELS: &[(&str, &str)] = &[
    ("krapfel", include_str!("../../models/krapfel.toml")),
    ("relationship-spectrum", include_str!("../../models/relationship-spectrum.toml")),
    ("profitability", include_str!("../../models/profitability.toml")),
    ("asset-perspectives", include_str!("../../models/asset-perspectives.toml")),
    ("relationship-states", include_str!("../../models/relationship-states.toml")),
];

#[derive(Debug, Clone, PartialEq)]
/// A validated portfolio model: dimensions customers are scored on, derived indices, and
/// categories with the rules that assign them and the policy each prescribes.
pub struct PortfolioModel {
    /// The id an instance names it by (`krapfel`).
    pub id: String,
    /// The display name.
    pub name: String,
    /// What the model classifies by, in a sentence or two.
    pub description: String,
    /// The research the model comes from, if the file cites it.
    pub source: Option<String>,
    /// Where the model came from: `built-in` or the file path.
    pub origin: String,
    /// The scored dimensions, in the order a customer's `scores` list them.
    pub dimensions: Vec<Dimension>,
    /// Scores derived from the dimensions.
    pub indices: Vec<Index>,
    /// The categories, each with its rules and policy.
    pub categories: Vec<Category>,
}

#[derive(Debug, Clone, PartialEq)]
/// A dimension customers are scored on, with its scale.
pub struct Dimension {
    /// The dimension's id, as rules and reports name it.
    pub id: String,
    /// What a high score means.
    pub description: String,
    /// The lowest score on the scale.
    pub min: f64,
    /// The highest score on the scale.
    pub max: f64,
}

/// A derived score: the weighted mean of dimensions, reversed ones read as `min + max - score`.
#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    /// The index's id, as rules and reports name it.
    pub id: String,
    /// What the index measures.
    pub description: String,
    /// (dimension, weight, reversed)
    pub terms: Vec<(usize, f64, bool)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// A score a rule tests: a dimension or a derived index, by position.
pub enum ScoreRef {
    /// The dimension at this index of [`PortfolioModel::dimensions`].
    Dimension(usize),
    /// The index at this position of [`PortfolioModel::indices`].
    Index(usize),
}

/// `at_least <= score < below`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The score tested.
    pub score: ScoreRef,
    /// Inclusive lower threshold, if any.
    pub at_least: Option<f64>,
    /// Exclusive upper threshold, if any.
    pub below: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
/// A category of customers: the rules that put a customer in it and its policy.
pub struct Category {
    /// The category's id, as reports name it.
    pub id: String,
    /// What the category stands for and how to treat its customers.
    pub description: String,
    /// Alternatives (any), each a conjunction of conditions (all).
    pub rules: Vec<Vec<Condition>>,
    /// The limits the category gives its customers.
    pub policy: Policy,
}

/// A policy limit on one resource, with its position in the model file for messages.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyEntry {
    /// The resource id the entry is for.
    pub resource: String,
    /// The value: hours, a share or a fraction, as the field says.
    pub value: f64,
    /// Byte range of the entry in the model file.
    pub span: Range<usize>,
}

/// What a category prescribes. Resource names are checked against the instance when the model
/// is used (a model does not know the instance's resources).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Policy {
    /// Minimum hours per resource.
    pub floor_hours: Vec<PolicyEntry>,
    /// Maximum hours per resource.
    pub cap_hours: Vec<PolicyEntry>,
    /// Minimum hours as a share of the resource's capacity.
    pub floor_share: Vec<PolicyEntry>,
    /// Maximum hours as a share of the resource's capacity.
    pub cap_share: Vec<PolicyEntry>,
    /// Whether the customers' expectations are hard or soft.
    pub expectations: Option<ExpectationKind>,
    /// Penalty per hour short of a soft expectation.
    pub soft_penalty_per_hour: Option<f64>,
    /// Weight of the customers' value in the objective.
    pub priority_weight: Option<f64>,
    /// How many hours the plan may move from the current hours.
    pub max_change_hours: Vec<PolicyEntry>,
    /// How far the plan may move, as a fraction of the current hours.
    pub max_change_fraction: Vec<PolicyEntry>,
}

impl Policy {
    /// Whether the policy prescribes nothing.
    pub fn is_empty(&self) -> bool {
        *self == Policy::default()
    }

    /// Every resource-keyed entry with the field it came from.
    pub fn entries(&self) -> impl Iterator<Item = (&'static str, &PolicyEntry)> {
        let tables: [(&'static str, &Vec<PolicyEntry>); 6] = [
            ("floor_hours", &self.floor_hours),
            ("cap_hours", &self.cap_hours),
            ("floor_share", &self.floor_share),
            ("cap_share", &self.cap_share),
            ("max_change_hours", &self.max_change_hours),
            ("max_change_fraction", &self.max_change_fraction),
        ];
        tables.into_iter().flat_map(|(field, entries)| entries.iter().map(move |entry| (field, entry)))
    }

    /// The value of a table for one resource id.
    pub fn get(entries: &[PolicyEntry], resource: &str) -> Option<f64> {
        entries.iter().find(|entry| entry.resource == resource).map(|entry| entry.value)
    }

    /// The floor the policy gives a customer on `resource`, in hours: the larger of its
    /// `floor_hours` and its `floor_share` of the resource's capacity.
    pub fn floor_hours_for(&self, resource: &Resource) -> Option<f64> {
        let by_share = Self::get(&self.floor_share, &resource.id).map(|share| share * resource.capacity_hours);
        [Self::get(&self.floor_hours, &resource.id), by_share].into_iter().flatten().reduce(f64::max)
    }

    /// The cap the policy gives a customer on `resource`, in hours: the smaller of its
    /// `cap_hours` and its `cap_share` of the resource's capacity.
    pub fn cap_hours_for(&self, resource: &Resource) -> Option<f64> {
        let by_share = Self::get(&self.cap_share, &resource.id).map(|share| share * resource.capacity_hours);
        [Self::get(&self.cap_hours, &resource.id), by_share].into_iter().flatten().reduce(f64::min)
    }
}

/// A loaded model and the source file it was read from (for messages about its policies).
#[derive(Debug, Clone)]
pub struct LoadedModel {
    /// The validated model.
    pub model: PortfolioModel,
    /// The file it was read from.
    pub source: SourceFile,
}

/// Why a model reference could not be resolved.
pub enum ModelLookupError {
    /// Neither a built-in name nor an existing file.
    Unknown(String),
    /// The model file has problems, located in it.
    Invalid(InputErrors),
}

/// Resolves `model = "..."`: a built-in id, else a path relative to `base_dir`.
pub fn load_model(reference: &str, base_dir: &Path) -> Result<LoadedModel, ModelLookupError> {
    if let Some((id, text)) = BUILT_IN_MODELS.iter().find(|(id, _)| *id == reference) {
        let source = SourceFile::new(format!("models/{id}.toml"), *text);
        return parse_and_validate(source, "built-in").map_err(ModelLookupError::Invalid);
    }
    let looks_like_path = reference.contains('/') || reference.contains('\\') || reference.ends_with(".toml");
    let path = base_dir.join(reference);
    // Anything at the path is read (a device or a directory is refused by the reader, with the
    // reason), so that only a path with nothing there is reported as not found.
    if looks_like_path && path.exists() {
        let text = crate::input::limits::read_bounded(&path, crate::input::limits::FileKind::Model)
            .map_err(|message| ModelLookupError::Unknown(format!("{}: {message}", path.display())))?;
        let display = path.display().to_string();
        return parse_and_validate(SourceFile::new(display.clone(), text), &display).map_err(ModelLookupError::Invalid);
    }
    let known: Vec<&str> = BUILT_IN_MODELS.iter().map(|(id, _)| *id).collect();
    Err(ModelLookupError::Unknown(if looks_like_path {
        format!(
            "model file {} not found (paths are relative to the instance file); the built-in models are: {}",
            path.display(),
            known.join(", ")
        )
    } else {
        format!("unknown portfolio model {reference:?}; the built-in models are: {} (or give the path of a model file)", known.join(", "))
    }))
}

/// All built-in models, validated (for `capplan models`).
pub fn built_in_models() -> Vec<PortfolioModel> {
    BUILT_IN_MODELS
        .iter()
        .map(|(id, text)| {
            parse_and_validate(SourceFile::new(format!("models/{id}.toml"), *text), "built-in")
                .unwrap_or_else(|errors| panic!("built-in model {id} is invalid: {errors}"))
                .model
        })
        .collect()
}

/// Reads and validates a portfolio model from TOML text; `path` is used in messages only.
pub fn model_from_toml_str(path: &str, text: &str) -> Result<PortfolioModel, InputErrors> {
    parse_and_validate(SourceFile::new(path, text), path).map(|loaded| loaded.model)
}

fn parse_and_validate(source: SourceFile, origin: &str) -> Result<LoadedModel, InputErrors> {
    let raw = crate::input::parse_model(&source)?;
    let mut validator = Validator::new(&source);
    let model = validate_model(&mut validator, &raw, origin);
    validator.finish(model).map(|model| LoadedModel { model, source })
}

fn validate_model(v: &mut Validator, raw: &RawModelFile, origin: &str) -> PortfolioModel {
    let header = raw.model.get_ref();
    let id = v.id(&header.id, "model.id");
    let name = v.non_empty(&header.name, "model.name");

    if raw.dimensions.is_empty() {
        v.error(raw.model.span(), "dimensions", "at least one [[dimensions]] table is required");
    }
    v.unique(raw.dimensions.iter().map(|d| &d.get_ref().id).chain(raw.indices.iter().map(|i| &i.get_ref().id)), "score", "dimensions.id");
    let dimensions: Vec<Dimension> = raw
        .dimensions
        .iter()
        .map(|dimension| {
            let dimension = dimension.get_ref();
            let id = v.id(&dimension.id, "dimensions.id");
            let field = format!("dimensions[{id}]");
            let min = v.number(&dimension.min, &format!("{field}.min"), Rule::Finite);
            let max = v.number(&dimension.max, &format!("{field}.max"), Rule::Finite);
            if max <= min {
                v.error(dimension.max.span(), format!("{field}.max"), format!("max {max} must be above min {min}"));
            }
            Dimension { id, description: dimension.description.clone().unwrap_or_default(), min, max }
        })
        .collect();
    let dimension_ids: Vec<String> = dimensions.iter().map(|d| d.id.clone()).collect();

    let indices: Vec<Index> = raw
        .indices
        .iter()
        .map(|index| {
            let index = index.get_ref();
            let id = v.id(&index.id, "indices.id");
            let field = format!("indices[{id}]");
            let mut terms = Vec::new();
            for (key, weight) in &index.weights {
                let weight = v.number(weight, &format!("{field}.weights.{}", key.get_ref()), Rule::NonNegative);
                match dimension_ids.iter().position(|d| d == key.get_ref()) {
                    Some(d) => terms.push((d, weight, index.reversed.iter().any(|r| r.get_ref() == key.get_ref()))),
                    None => v.error(
                        key.span(),
                        format!("{field}.weights.{}", key.get_ref()),
                        format!("unknown dimension {:?}; the dimensions are: {}", key.get_ref(), dimension_ids.join(", ")),
                    ),
                }
            }
            for reversed in &index.reversed {
                if !index.weights.keys().any(|key| key.get_ref() == reversed.get_ref()) {
                    v.error(
                        reversed.span(),
                        format!("{field}.reversed"),
                        format!("{:?} is not weighted in this index", reversed.get_ref()),
                    );
                }
            }
            if terms.iter().map(|(_, w, _)| w).sum::<f64>() <= 0.0 && !index.weights.is_empty() {
                v.error(index.id.span(), format!("{field}.weights"), "the weights must not all be 0");
            }
            Index { id, description: index.description.clone().unwrap_or_default(), terms }
        })
        .collect();
    let index_ids: Vec<String> = indices.iter().map(|i| i.id.clone()).collect();

    if raw.categories.is_empty() {
        v.error(raw.model.span(), "categories", "at least one [[categories]] table is required");
    }
    v.unique(raw.categories.iter().map(|c| &c.get_ref().id), "category", "categories.id");
    let categories = raw
        .categories
        .iter()
        .map(|category| {
            let category = category.get_ref();
            let id = v.id(&category.id, "categories.id");
            let field = format!("categories[{id}]");
            if category.when.get_ref().is_empty() {
                v.error(
                    category.when.span(),
                    format!("{field}.when"),
                    "expected at least one rule table, e.g. when = [{ value = { at_least = 5 } }]",
                );
            }
            let rules = category
                .when
                .get_ref()
                .iter()
                .map(|table| {
                    table
                        .iter()
                        .filter_map(|(key, condition)| {
                            let score = if let Some(d) = dimension_ids.iter().position(|d| d == key.get_ref()) {
                                ScoreRef::Dimension(d)
                            } else if let Some(i) = index_ids.iter().position(|i| i == key.get_ref()) {
                                ScoreRef::Index(i)
                            } else {
                                let known: Vec<&str> = dimension_ids.iter().chain(&index_ids).map(String::as_str).collect();
                                v.error(
                                    key.span(),
                                    format!("{field}.when.{}", key.get_ref()),
                                    format!("unknown score {:?}; the model's scores are: {}", key.get_ref(), known.join(", ")),
                                );
                                return None;
                            };
                            Some(condition_of(v, condition, score, &format!("{field}.when.{}", key.get_ref())))
                        })
                        .collect::<Vec<Condition>>()
                })
                // Conditions in the model's score order, so explanations read like the model.
                .map(|mut rule| {
                    rule.sort_by_key(|condition| match condition.score {
                        ScoreRef::Dimension(d) => (0, d),
                        ScoreRef::Index(i) => (1, i),
                    });
                    rule
                })
                .collect();
            let policy =
                category.policy.as_ref().map(|policy| validate_policy(v, policy.get_ref(), &format!("{field}.policy"))).unwrap_or_default();
            Category { id, description: category.description.clone().unwrap_or_default(), rules, policy }
        })
        .collect();

    PortfolioModel {
        id,
        name,
        description: header.description.clone().unwrap_or_default(),
        source: header.source.clone(),
        origin: origin.to_string(),
        dimensions,
        indices,
        categories,
    }
}

fn condition_of(v: &mut Validator, condition: &Spanned<RawCondition>, score: ScoreRef, field: &str) -> Condition {
    let raw = condition.get_ref();
    let at_least = raw.at_least.as_ref().map(|value| v.number(value, &format!("{field}.at_least"), Rule::Finite));
    let below = raw.below.as_ref().map(|value| v.number(value, &format!("{field}.below"), Rule::Finite));
    match (at_least, below) {
        (None, None) => v.error(condition.span(), field, "expected at_least, below or both"),
        (Some(low), Some(high)) if high <= low => v.error(condition.span(), field, format!("below {high} must be above at_least {low}")),
        _ => {}
    }
    Condition { score, at_least, below }
}

fn validate_policy(v: &mut Validator, raw: &crate::input::RawPolicy, field: &str) -> Policy {
    let mut entries = |table: &RawTable, name: &str, rule: Rule| -> Vec<PolicyEntry> {
        table
            .iter()
            .map(|(key, value)| PolicyEntry {
                resource: key.get_ref().clone(),
                value: v.number(value, &format!("{field}.{name}.{}", key.get_ref()), rule),
                span: key.span(),
            })
            .collect()
    };
    let floor_hours = entries(&raw.floor_hours, "floor_hours", Rule::NonNegative);
    let cap_hours = entries(&raw.cap_hours, "cap_hours", Rule::NonNegative);
    let floor_share = entries(&raw.floor_share, "floor_share", Rule::Share);
    let cap_share = entries(&raw.cap_share, "cap_share", Rule::Share);
    let max_change_hours = entries(&raw.max_change_hours, "max_change_hours", Rule::NonNegative);
    let max_change_fraction = entries(&raw.max_change_fraction, "max_change_fraction", Rule::NonNegative);
    Policy {
        floor_hours,
        cap_hours,
        floor_share,
        cap_share,
        expectations: raw.expectations.as_ref().map(|kind| *kind.get_ref()),
        soft_penalty_per_hour: raw
            .soft_penalty_per_hour
            .as_ref()
            .map(|p| v.number(p, &format!("{field}.soft_penalty_per_hour"), Rule::NonNegative)),
        priority_weight: raw.priority_weight.as_ref().map(|w| v.number(w, &format!("{field}.priority_weight"), Rule::NonNegative)),
        max_change_hours,
        max_change_fraction,
    }
}

impl PortfolioModel {
    /// Every score (dimensions, then indices) from the dimension scores.
    pub fn all_scores(&self, dimension_scores: &[f64]) -> Vec<f64> {
        let mut scores = dimension_scores.to_vec();
        for index in &self.indices {
            let total_weight: f64 = index.terms.iter().map(|(_, w, _)| w).sum();
            let weighted: f64 = index
                .terms
                .iter()
                .map(|&(d, weight, reversed)| {
                    let dimension = &self.dimensions[d];
                    let score = dimension_scores[d];
                    weight * if reversed { dimension.min + dimension.max - score } else { score }
                })
                .sum();
            scores.push(if total_weight > 0.0 { weighted / total_weight } else { 0.0 });
        }
        scores
    }

    fn score_value(&self, score: ScoreRef, all: &[f64]) -> f64 {
        match score {
            ScoreRef::Dimension(d) => all[d],
            ScoreRef::Index(i) => all[self.dimensions.len() + i],
        }
    }

    /// The id of a dimension or index.
    pub fn score_id(&self, score: ScoreRef) -> &str {
        match score {
            ScoreRef::Dimension(d) => &self.dimensions[d].id,
            ScoreRef::Index(i) => &self.indices[i].id,
        }
    }

    fn holds(&self, condition: &Condition, all: &[f64]) -> bool {
        let value = self.score_value(condition.score, all);
        condition.at_least.is_none_or(|low| value >= low) && condition.below.is_none_or(|high| value < high)
    }

    /// The categories whose rules the scores meet (exactly one for a well-formed model).
    pub fn matching_categories(&self, dimension_scores: &[f64]) -> Vec<usize> {
        let all = self.all_scores(dimension_scores);
        (0..self.categories.len())
            .filter(|&c| self.categories[c].rules.iter().any(|rule| rule.iter().all(|condition| self.holds(condition, &all))))
            .collect()
    }

    /// Why the scores put a customer in `category`: the rule that matched, with the scores and
    /// thresholds, e.g. `value 8 >= 5 and commonality 7 >= 5`.
    pub fn explain(&self, category: usize, dimension_scores: &[f64]) -> String {
        let all = self.all_scores(dimension_scores);
        let Some(rule) = self.categories[category].rules.iter().find(|rule| rule.iter().all(|c| self.holds(c, &all))) else {
            return "no rule matches".to_string();
        };
        rule.iter()
            .map(|condition| {
                let value = format_score(self.score_value(condition.score, &all));
                let id = self.score_id(condition.score);
                match (condition.at_least, condition.below) {
                    (Some(low), Some(high)) => format!("{} <= {id} {value} < {}", format_score(low), format_score(high)),
                    (Some(low), None) => format!("{id} {value} >= {}", format_score(low)),
                    (None, Some(high)) => format!("{id} {value} < {}", format_score(high)),
                    (None, None) => format!("{id} {value}"),
                }
            })
            .collect::<Vec<_>>()
            .join(" and ")
    }

    /// The position of the category with this id.
    pub fn category_index(&self, id: &str) -> Option<usize> {
        self.categories.iter().position(|category| category.id == id)
    }
}

/// Scores print without trailing zeros: 7, 6.5, 6.333.
pub fn format_score(value: f64) -> String {
    let text = format!("{value:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0".to_string() } else { text.to_string() }
}

/// A diagnostic in the model file for a policy naming a resource the instance does not have.
pub fn check_policy_resources(loaded: &LoadedModel, resource_ids: &[String]) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for category in &loaded.model.categories {
        for (field, entry) in category.policy.entries() {
            if !resource_ids.contains(&entry.resource) {
                errors.push(loaded.source.diagnostic(
                    entry.span.clone(),
                    format!("categories[{}].policy.{field}.{}", category.id, entry.resource),
                    format!(
                        "the policy names resource {:?}, which this instance does not have; the instance's resources are: {}",
                        entry.resource,
                        resource_ids.join(", ")
                    ),
                ));
            }
        }
    }
    errors
}
