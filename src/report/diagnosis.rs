//! The infeasibility diagnosis in planner words: what each conflicting limit means, the clash
//! per resource, and each repair ("lower m1's engineering floor by 20 h (from 60 h to 40 h)").
//! Every printer (text, JSON, compare) words a diagnosis through here.

use serde::Serialize;

use super::format::{hours, money, percent};
use crate::analysis::document::{DemandKind, Finding, LimitKind, Owner, ShareOf, Unit};
use crate::analysis::infeasibility::{ConflictMember, Diagnosis, Relaxation};
use crate::formulation::Sense;

/// The diagnosis as the JSON reports write it (docs/json-output.md, `diagnosis`): the numbers of
/// [`Diagnosis`] with the wording of this module (`conflict[].meaning`, `summary`,
/// `relaxation[].action`).
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "Diagnosis")]
struct WordedDiagnosis<'a> {
    /// A minimal set of constraints that cannot all hold together (without any one of them the
    /// others can), in the order of `result.constraints` of a solved instance.
    conflict: Vec<WordedConflictMember<'a>>,
    /// The conflict in planner words.
    summary: Vec<String>,
    /// The least weighted set of limit changes that makes a plan possible.
    relaxation: Vec<WordedRelaxation<'a>>,
    /// The weighted sum of the changes (`weight_per_unit` x |`change`|, summed).
    relaxation_cost: f64,
    /// The optimal contribution with the relaxed limits (currency); null if that plan is
    /// unbounded or `--time-limit` stopped its solve.
    relaxed_objective: Option<f64>,
    /// `true` when `conflict` is a whole minimal set; `false` when `--time-limit` stopped the
    /// search (`conflict` then lists the members found so far).
    conflict_complete: bool,
    /// The candidate constraints the search had not tested when `--time-limit` stopped it; 0
    /// when `conflict_complete`.
    unchecked_constraints: usize,
    /// `false` when `--time-limit` stopped the diagnosis before the least relaxation was found:
    /// `relaxation` is then empty and `relaxation_cost` 0.
    relaxation_complete: bool,
}

/// One constraint of the conflict.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "ConflictMember")]
struct WordedConflictMember<'a> {
    /// Constraint id, as in `result.constraints[].id`, e.g. `floor[m1/engineering]`.
    id: &'a str,
    /// As in `result.constraints[].family` (plus `force`).
    family: &'a str,
    /// The direction of the limit.
    sense: Sense,
    /// The limit as the planner wrote it: hours, or a share as a fraction.
    limit: f64,
    /// `hour` or `share`: the unit of `limit`.
    unit: Unit,
    /// The limit in planner words.
    meaning: String,
}

/// One limit change of the least relaxation.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "Relaxation")]
struct WordedRelaxation<'a> {
    /// Constraint id, as in `result.constraints[].id`.
    id: &'a str,
    /// As in `result.constraints[].family` (plus `force`).
    family: &'a str,
    /// The direction of the limit.
    sense: Sense,
    /// The constraint's right-hand side as built: hours; currency for shares of value; for
    /// shares of hours the hours the share allows of the capacity.
    row_limit: f64,
    /// The right-hand side that makes a plan possible, in the unit of `row_limit`.
    relaxed_row_limit: f64,
    /// `relaxed_row_limit - row_limit`: positive raises the limit, negative lowers it.
    change: f64,
    /// `hour` or `currency`: the unit of `row_limit`, `relaxed_row_limit` and `change`.
    unit: Unit,
    /// The weight of one unit of this change in the elastic LP.
    weight_per_unit: f64,
    /// The change in planner words.
    action: String,
}

impl<'a> WordedDiagnosis<'a> {
    fn of(diagnosis: &'a Diagnosis) -> Self {
        WordedDiagnosis {
            conflict: diagnosis
                .conflict
                .iter()
                .map(|member| WordedConflictMember {
                    id: &member.id,
                    family: member.family.name(),
                    sense: member.sense,
                    limit: member.limit,
                    unit: member.unit,
                    meaning: meaning(member),
                })
                .collect(),
            summary: summary(diagnosis),
            relaxation: diagnosis
                .relaxation
                .iter()
                .map(|relaxation| WordedRelaxation {
                    id: &relaxation.id,
                    family: relaxation.family.name(),
                    sense: relaxation.sense,
                    row_limit: relaxation.row_limit,
                    relaxed_row_limit: relaxation.relaxed_row_limit,
                    change: relaxation.change,
                    unit: relaxation.unit,
                    weight_per_unit: relaxation.weight_per_unit,
                    action: action(relaxation),
                })
                .collect(),
            relaxation_cost: diagnosis.relaxation_cost,
            relaxed_objective: diagnosis.relaxed_objective,
            conflict_complete: diagnosis.conflict_complete,
            unchecked_constraints: diagnosis.unchecked_constraints,
            relaxation_complete: diagnosis.relaxation_complete,
        }
    }
}

// A diagnosis is written worded wherever it appears in JSON (solve, compare): its schema is the
// worded form's.
impl Serialize for Diagnosis {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        WordedDiagnosis::of(self).serialize(serializer)
    }
}

impl schemars::JsonSchema for Diagnosis {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        WordedDiagnosis::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        WordedDiagnosis::json_schema(generator)
    }
}

/// What `--time-limit` left out of a diagnosis, in planner words; `None` for a complete one.
pub(crate) fn incomplete_words(diagnosis: &Diagnosis) -> Option<String> {
    if diagnosis.is_complete() {
        return None;
    }
    let conflict = match (diagnosis.conflict_complete, diagnosis.conflict.len()) {
        (true, _) => "the conflict below is complete, but the least change was not found".to_string(),
        (false, 0) => format!(
            "no conflicting constraint was confirmed ({} not yet checked) and the least change was not found",
            diagnosis.unchecked_constraints
        ),
        (false, 1) => format!(
            "the conflicting constraint below belongs to a minimal conflict, {} more were not yet checked, \
             and the least change was not found",
            diagnosis.unchecked_constraints
        ),
        (false, found) => format!(
            "the {found} conflicting constraints below belong to a minimal conflict, {} more were not yet \
             checked, and the least change was not found",
            diagnosis.unchecked_constraints
        ),
    };
    Some(format!("The diagnosis is incomplete (--time-limit ran out): {conflict}."))
}

/// The conflict in planner words: one sentence per resource clash, then one for each member no
/// such sentence covers.
pub fn summary(diagnosis: &Diagnosis) -> Vec<String> {
    diagnosis.findings.iter().map(|finding| finding_words(diagnosis, finding)).collect()
}

fn finding_words(diagnosis: &Diagnosis, finding: &Finding) -> String {
    match finding {
        Finding::ResourceClash { resource, demands, owners, needed_hours, capacity_hours, expansions } => {
            let mut supply = format!("capacity is {} h", hours(*capacity_hours));
            for (option, limit) in expansions {
                supply.push_str(&format!(" plus at most {} h of {option}", hours(*limit)));
            }
            let demands: Vec<&str> = demands.iter().map(|demand| demand_words(*demand)).collect();
            let owners: Vec<String> = owners
                .iter()
                .map(|owner| match owner {
                    Owner::Customer(id) => id.clone(),
                    Owner::Segment(id) => format!("segment {id}"),
                })
                .collect();
            format!(
                "{} {} for {} need {} h; {supply}.",
                capitalised(resource),
                join_words(&demands),
                join_words(&owners.iter().map(String::as_str).collect::<Vec<_>>()),
                hours(*needed_hours)
            )
        }
        Finding::Member(at) => {
            let member = &diagnosis.conflict[*at];
            format!("{}: {}.", member.id, meaning(member))
        }
        Finding::ValueSharesOnCurves => "No plan meets the value shares once each customer's value is read from its response \
                                         curve (the limits on hours alone leave room for a plan); loosen a value share or the \
                                         floors and expectations that hold its customers' hours up."
            .to_string(),
        Finding::ForceBeyondReach { resource, forced_hours, reach_hours } => format!(
            "{} hours are forced, and {resource} can supply at most {} h (capacity and every expansion option together).",
            hours(*forced_hours),
            hours(*reach_hours)
        ),
    }
}

fn demand_words(demand: DemandKind) -> &'static str {
    match demand {
        DemandKind::Floors => "floors",
        DemandKind::HardExpectations => "hard expectations",
        DemandKind::ForcedHours => "forced hours",
        DemandKind::ChangeLimits => "change limits",
        DemandKind::SegmentMinimums => "segment minimums",
    }
}

/// The share a share row limits, as the planner wrote it.
fn share_words(of: &ShareOf) -> String {
    match of {
        ShareOf::Hours(resource) => format!("the available {resource} hours"),
        ShareOf::Value => "the total value".to_string(),
    }
}

/// A conflicting limit in planner words ("m1 must get at least 60 engineering hours (floor)").
pub(crate) fn meaning(member: &ConflictMember) -> String {
    let h = hours(member.limit);
    let share = if member.unit == Unit::Share { percent(member.limit) } else { h.clone() };
    match &member.limit_kind {
        LimitKind::CustomerShareCap { customer, of } => format!("{customer} may get at most {share} of {}", share_words(of)),
        LimitKind::SegmentMinShare { segment, of } => format!("segment {segment} must get at least {share} of {}", share_words(of)),
        LimitKind::SegmentMaxShare { segment, of } => format!("segment {segment} may get at most {share} of {}", share_words(of)),
        LimitKind::Capacity { resource } => format!("{resource} capacity is {h} h"),
        LimitKind::ExpansionLimit { resource, option } => format!("at most {h} h of {option} can be bought for {resource}"),
        LimitKind::Floor { customer, resource } => format!("{customer} must get at least {h} {resource} hours (floor)"),
        LimitKind::Cap { customer, resource } => format!("{customer} may get at most {h} {resource} hours (cap)"),
        LimitKind::HardExpectation { customer, resource } => {
            format!("{customer} expects at least {h} {resource} hours (hard expectation)")
        }
        LimitKind::SegmentMinHours { segment, resource } => format!("segment {segment} must get at least {h} {resource} hours"),
        LimitKind::SegmentMaxHours { segment, resource } => format!("segment {segment} may get at most {h} {resource} hours"),
        LimitKind::Force { customer, resource } => format!("{customer} is forced to exactly {h} {resource} hours"),
        LimitKind::MaxIncrease { customer, resource } => {
            format!("{customer} may rise to at most {h} {resource} hours (change limit)")
        }
        LimitKind::MaxDecrease { customer, resource } => {
            format!("{customer} must keep at least {h} {resource} hours (change limit)")
        }
        LimitKind::CvarFloor => format!("the CVaR of contribution must be at least {}", money(member.limit)),
        LimitKind::Internal { id } => id.clone(),
    }
}

/// A repair in planner words ("lower m1's engineering floor by 20 h (from 60 h to 40 h)").
pub fn action(relaxation: &Relaxation) -> String {
    let change = relaxation.change;
    let by = hours(change.abs());
    let from_to = format!("from {} h to {} h", hours(relaxation.row_limit), hours(relaxation.relaxed_row_limit));
    let amount = || if relaxation.unit == Unit::Currency { money(change.abs()) } else { format!("{} h", hours(change.abs())) };
    match &relaxation.limit_kind {
        LimitKind::Capacity { resource } => format!("add {by} h of {resource} capacity ({from_to})"),
        LimitKind::ExpansionLimit { resource, option } => format!("allow {by} h more of {option} for {resource} ({from_to})"),
        LimitKind::Floor { customer, resource } => format!("lower {customer}'s {resource} floor by {by} h ({from_to})"),
        LimitKind::Cap { customer, resource } => format!("raise {customer}'s {resource} cap by {by} h ({from_to})"),
        LimitKind::HardExpectation { customer, resource } => {
            format!("lower {customer}'s hard {resource} expectation by {by} h ({from_to})")
        }
        LimitKind::Force { customer, resource } => {
            format!("{} the hours forced on {customer} for {resource} by {by} h ({from_to})", if change > 0.0 { "raise" } else { "lower" })
        }
        LimitKind::SegmentMinHours { segment, resource } => {
            format!("lower segment {segment}'s minimum of {resource} hours by {by} h ({from_to})")
        }
        LimitKind::MaxIncrease { customer, resource } => {
            format!("let {customer}'s {resource} hours rise {by} h beyond its change limit ({from_to})")
        }
        LimitKind::MaxDecrease { customer, resource } => {
            format!("let {customer}'s {resource} hours fall {by} h below its change limit ({from_to})")
        }
        LimitKind::SegmentMaxHours { segment, resource } => {
            format!("raise segment {segment}'s maximum of {resource} hours by {by} h ({from_to})")
        }
        LimitKind::CustomerShareCap { customer, of } => {
            format!("let {customer} exceed its share cap of {} by {}", share_words(of), amount())
        }
        LimitKind::SegmentMinShare { segment, of } => {
            format!("let segment {segment} fall short of its minimum share of {} by {}", share_words(of), amount())
        }
        LimitKind::SegmentMaxShare { segment, of } => {
            format!("let segment {segment} exceed its maximum share of {} by {}", share_words(of), amount())
        }
        LimitKind::CvarFloor => format!(
            "lower the CVaR floor by {} (from {} to {})",
            money(change.abs()),
            money(relaxation.row_limit),
            money(relaxation.relaxed_row_limit)
        ),
        LimitKind::Internal { id } => id.clone(),
    }
}

pub(super) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

/// `a`, `a and b`, `a, b and c`.
fn join_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
