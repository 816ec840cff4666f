//! The infeasibility diagnosis in planner words: what each conflicting limit means, the clash
//! per resource, and each repair ("lower m1's engineering floor by 20 h (from 60 h to 40 h)").
//! Every printer (text, JSON, compare) words a diagnosis through here.

use serde_json::{Value, json};

use super::format::{hours, money, percent};
use crate::analysis::document::{DemandKind, Finding, LimitKind, Owner, ShareOf, Unit};
use crate::analysis::infeasibility::{ConflictMember, Diagnosis, Relaxation};

/// The diagnosis as JSON: the layout of docs/json-output.md (`conflict[].meaning`, `summary`,
/// `relaxation[].action` are the wording of this module).
pub fn to_json(diagnosis: &Diagnosis) -> Value {
    let conflict: Vec<Value> = diagnosis
        .conflict
        .iter()
        .map(|member| {
            json!({
                "id": member.id,
                "family": member.family,
                "sense": member.sense,
                "limit": member.limit,
                "unit": member.unit,
                "meaning": meaning(member),
            })
        })
        .collect();
    let relaxation: Vec<Value> = diagnosis
        .relaxation
        .iter()
        .map(|relaxation| {
            json!({
                "id": relaxation.id,
                "family": relaxation.family,
                "sense": relaxation.sense,
                "row_limit": relaxation.row_limit,
                "relaxed_row_limit": relaxation.relaxed_row_limit,
                "change": relaxation.change,
                "unit": relaxation.unit,
                "weight_per_unit": relaxation.weight_per_unit,
                "action": action(relaxation),
            })
        })
        .collect();
    json!({
        "conflict": conflict,
        "summary": summary(diagnosis),
        "relaxation": relaxation,
        "relaxation_cost": diagnosis.relaxation_cost,
        "relaxed_objective": diagnosis.relaxed_objective,
    })
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
pub fn meaning(member: &ConflictMember) -> String {
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
