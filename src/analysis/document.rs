//! The typed vocabulary of the report document: what a report is of (the plan header, the ids
//! and names of resources and customers), units, the limits a planner set (named by the ids of
//! what they are about), the findings of an infeasibility diagnosis and the repairs it proposes.
//! Analysis fills these with numbers and ids; the printers in `crate::report` put them into
//! words, so that no English is written below the report layer, and read nothing but them.

use serde::Serialize;

use crate::formulation::ConstraintKind;
use crate::model::{Instance, PlanHeader, ShareBase};

/// What a solve report is of: the instance's `[plan]` header and the resources and customers
/// it names, in instance order. Reports name them even when there is no plan (the JSON
/// `resource_ids` of an infeasible instance, the customer a partner view is for).
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// The `[plan]` header: name, period, currency, notes.
    pub plan: PlanHeader,
    /// The resource ids, in instance order: the keys of every per-resource object.
    pub resource_ids: Vec<String>,
    /// The customers, in instance order.
    pub customers: Vec<Named>,
}

impl Header {
    /// The header of `instance`.
    pub fn of(instance: &Instance) -> Header {
        Header {
            plan: instance.plan.clone(),
            resource_ids: instance.resources.iter().map(|resource| resource.id.clone()).collect(),
            customers: instance.customers.iter().map(|customer| Named { id: customer.id.clone(), name: customer.name.clone() }).collect(),
        }
    }

    /// The currency every money amount of the report is in.
    pub fn currency(&self) -> &str {
        self.plan.currency()
    }
}

/// An entity by its id and its display name (the id when the instance gives none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// The id the instance and the constraint names use.
    pub id: String,
    /// The display name.
    pub name: String,
}

/// The unit of a limit, a price's denominator, or a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub enum Unit {
    /// Hours in the planning period.
    #[serde(rename = "hour")]
    Hour,
    /// One percentage point (0.01) of a share: the denominator of a share's price.
    #[serde(rename = "percentage point")]
    PercentagePoint,
    /// A share as a fraction in [0, 1]: the unit of a share limit.
    #[serde(rename = "share")]
    Share,
    /// An amount in the plan's currency (the rows of value shares).
    #[serde(rename = "currency")]
    Currency,
}

impl Unit {
    /// The unit as JSON writes it.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Hour => "hour",
            Unit::PercentagePoint => "percentage point",
            Unit::Share => "share",
            Unit::Currency => "currency",
        }
    }

    /// True for hours; shares and their percentage points are fractions.
    pub fn is_hours(self) -> bool {
        self == Unit::Hour
    }

    /// The size of one unit in the limit's own scale: an hour is 1 h, a percentage point 0.01.
    pub fn step(self) -> f64 {
        match self {
            Unit::PercentagePoint => 0.01,
            _ => 1.0,
        }
    }
}

impl std::fmt::Display for Unit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The family of a constraint: the part of its id before the brackets, as a type. JSON writes
/// it as that same string (`"floor"`, `"share_cap"`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// A resource's capacity (`capacity[resource]`).
    Capacity,
    /// The most hours an expansion option can buy.
    ExpansionLimit,
    /// An internal row tying hours to curve pieces.
    Response,
    /// An internal row adding up the plan's total value.
    TotalValue,
    /// A customer's minimum hours of a resource.
    Floor,
    /// A customer's maximum hours of a resource.
    Cap,
    /// A customer's expected hours of a resource.
    Expectation,
    /// The most hours an allocation may rise against the current hours.
    MaxIncrease,
    /// The most hours an allocation may fall against the current hours.
    MaxDecrease,
    /// A customer's share of a resource's hours or of value (`share_cap[base/customer]`).
    ShareCap,
    /// A segment's minimum hours of a resource.
    SegmentMinHours,
    /// A segment's maximum hours of a resource.
    SegmentMaxHours,
    /// A segment's minimum share of a resource's hours or of value.
    SegmentMinShare,
    /// A segment's maximum share of a resource's hours or of value.
    SegmentMaxShare,
    /// An allocation forced to given hours (`--force`).
    Force,
    /// An internal row of the CVaR: a scenario's shortfall below the threshold.
    CvarShortfall,
    /// The floor on the plan's CVaR (`[risk] min_cvar`).
    CvarFloor,
}

impl Family {
    /// The family of a row of the model.
    pub fn of(kind: ConstraintKind) -> Family {
        match kind {
            ConstraintKind::Capacity { .. } => Family::Capacity,
            ConstraintKind::ExpansionLimit { .. } => Family::ExpansionLimit,
            ConstraintKind::Response { .. } => Family::Response,
            ConstraintKind::TotalValue => Family::TotalValue,
            ConstraintKind::Floor { .. } => Family::Floor,
            ConstraintKind::Cap { .. } => Family::Cap,
            ConstraintKind::Expectation { .. } => Family::Expectation,
            ConstraintKind::MaxIncrease { .. } => Family::MaxIncrease,
            ConstraintKind::MaxDecrease { .. } => Family::MaxDecrease,
            ConstraintKind::CustomerShare { .. } => Family::ShareCap,
            ConstraintKind::SegmentMinHours { .. } => Family::SegmentMinHours,
            ConstraintKind::SegmentMaxHours { .. } => Family::SegmentMaxHours,
            ConstraintKind::SegmentMinShare { .. } => Family::SegmentMinShare,
            ConstraintKind::SegmentMaxShare { .. } => Family::SegmentMaxShare,
            ConstraintKind::Force { .. } => Family::Force,
            ConstraintKind::CvarShortfall { .. } => Family::CvarShortfall,
            ConstraintKind::CvarFloor => Family::CvarFloor,
        }
    }

    /// The family as ids and JSON write it.
    pub fn name(self) -> &'static str {
        match self {
            Family::Capacity => "capacity",
            Family::ExpansionLimit => "expansion_limit",
            Family::Response => "response",
            Family::TotalValue => "total_value",
            Family::Floor => "floor",
            Family::Cap => "cap",
            Family::Expectation => "expectation",
            Family::MaxIncrease => "max_increase",
            Family::MaxDecrease => "max_decrease",
            Family::ShareCap => "share_cap",
            Family::SegmentMinHours => "segment_min_hours",
            Family::SegmentMaxHours => "segment_max_hours",
            Family::SegmentMinShare => "segment_min_share",
            Family::SegmentMaxShare => "segment_max_share",
            Family::Force => "force",
            Family::CvarShortfall => "cvar_shortfall",
            Family::CvarFloor => "cvar_floor",
        }
    }
}

impl std::fmt::Display for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One thing a customer's portfolio category prescribes for one resource (the alignment table).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Implication {
    /// The category's floor, in force.
    Floor {
        /// The floor (hours).
        hours: f64,
    },
    /// The category's floor, replaced by the customer's own.
    FloorOverridden {
        /// The category's floor (hours).
        default_hours: f64,
        /// The customer's own floor, which applies (hours).
        own_hours: f64,
    },
    /// The category's cap, in force.
    Cap {
        /// The cap (hours).
        hours: f64,
    },
    /// The category's cap, replaced by the customer's own.
    CapOverridden {
        /// The category's cap (hours).
        default_hours: f64,
        /// The customer's own cap, which applies (hours).
        own_hours: f64,
    },
    /// The category's limit on the change against the current hours.
    MaxChange {
        /// The most hours the allocation may move (hours).
        hours: f64,
    },
    /// The category's kind of expectation, in force (a soft one with its penalty per hour).
    Expectation {
        /// Hard or soft.
        kind: crate::model::ExpectationKind,
        /// The penalty per hour short (currency per hour; 0 for a hard expectation).
        penalty_per_hour: f64,
    },
    /// The category's kind of expectation, replaced by the customer's own.
    ExpectationOverridden {
        /// The category's kind.
        default: crate::model::ExpectationKind,
        /// The customer's own kind, which applies.
        own: crate::model::ExpectationKind,
    },
}

/// Why a limit has no exact range (the sensitivity report's `n/a`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unranged {
    /// A share of value, or of hours that include expansion: the share multiplies planned
    /// quantities, so the optimum is not piecewise linear in it.
    ShareScalesPlannedQuantities,
}

/// What a share limits the share of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareOf {
    /// The available hours of a resource (its id).
    Hours(String),
    /// The plan's total value.
    Value,
}

/// One limit a planner set, by kind, with the ids of the customer, segment, resource or
/// expansion option it is about. Internal rows of the model have no such kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitKind {
    /// The capacity of a resource.
    Capacity {
        /// The resource id.
        resource: String,
    },
    /// The most hours an expansion option offers (`max_hours`).
    ExpansionLimit {
        /// The resource id.
        resource: String,
        /// The expansion option id.
        option: String,
    },
    /// A customer's floor: the least hours of a resource it must get.
    Floor {
        /// The customer id.
        customer: String,
        /// The resource id.
        resource: String,
    },
    /// A customer's cap: the most hours of a resource it may get.
    Cap {
        /// The customer id.
        customer: String,
        /// The resource id.
        resource: String,
    },
    /// A customer's hard expectation: hours of a resource the plan must give.
    HardExpectation {
        /// The customer id.
        customer: String,
        /// The resource id.
        resource: String,
    },
    /// The least hours of a resource a segment's customers must get together.
    SegmentMinHours {
        /// The segment id.
        segment: String,
        /// The resource id.
        resource: String,
    },
    /// The most hours of a resource a segment's customers may get together.
    SegmentMaxHours {
        /// The segment id.
        segment: String,
        /// The resource id.
        resource: String,
    },
    /// An allocation fixed by `--force`.
    Force {
        /// The customer id.
        customer: String,
        /// The resource id.
        resource: String,
    },
    /// The most a customer's hours of a resource may rise above its current hours.
    MaxIncrease {
        /// The customer id.
        customer: String,
        /// The resource id.
        resource: String,
    },
    /// The most a customer's hours of a resource may fall below its current hours.
    MaxDecrease {
        /// The customer id.
        customer: String,
        /// The resource id.
        resource: String,
    },
    /// The most a customer may have of a resource's available hours or of the plan's value.
    CustomerShareCap {
        /// The customer id.
        customer: String,
        /// What the share is of.
        of: ShareOf,
    },
    /// The least share a segment's customers must have together.
    SegmentMinShare {
        /// The segment id.
        segment: String,
        /// What the share is of.
        of: ShareOf,
    },
    /// The most share a segment's customers may have together.
    SegmentMaxShare {
        /// The segment id.
        segment: String,
        /// What the share is of.
        of: ShareOf,
    },
    /// The floor on the CVaR of contribution (`[risk] min_cvar`), in currency.
    CvarFloor,
    /// A modelling row (response curve, total value): named by its id only.
    Internal {
        /// The row's id, e.g. `response[m1/sales/2]`.
        id: String,
    },
}

impl LimitKind {
    /// The limit a constraint kind stands for, with the ids of `instance`.
    pub fn of(instance: &Instance, kind: ConstraintKind) -> LimitKind {
        let customer = |c: usize| instance.customers[c].id.clone();
        let resource = |r: usize| instance.resources[r].id.clone();
        let segment = |s: usize| instance.segments[s].id.clone();
        let of = |base: ShareBase| match base {
            ShareBase::Resource(r) => ShareOf::Hours(resource(r)),
            ShareBase::Value => ShareOf::Value,
        };
        match kind {
            ConstraintKind::Capacity { resource: r } => LimitKind::Capacity { resource: resource(r) },
            ConstraintKind::ExpansionLimit { resource: r, option } => {
                LimitKind::ExpansionLimit { resource: resource(r), option: instance.resources[r].expansion[option].id.clone() }
            }
            ConstraintKind::Floor { customer: c, resource: r } => LimitKind::Floor { customer: customer(c), resource: resource(r) },
            ConstraintKind::Cap { customer: c, resource: r } => LimitKind::Cap { customer: customer(c), resource: resource(r) },
            ConstraintKind::Expectation { customer: c, resource: r } => {
                LimitKind::HardExpectation { customer: customer(c), resource: resource(r) }
            }
            ConstraintKind::SegmentMinHours { segment: s, resource: r } => {
                LimitKind::SegmentMinHours { segment: segment(s), resource: resource(r) }
            }
            ConstraintKind::SegmentMaxHours { segment: s, resource: r } => {
                LimitKind::SegmentMaxHours { segment: segment(s), resource: resource(r) }
            }
            ConstraintKind::Force { customer: c, resource: r } => LimitKind::Force { customer: customer(c), resource: resource(r) },
            ConstraintKind::MaxIncrease { customer: c, resource: r } => {
                LimitKind::MaxIncrease { customer: customer(c), resource: resource(r) }
            }
            ConstraintKind::MaxDecrease { customer: c, resource: r } => {
                LimitKind::MaxDecrease { customer: customer(c), resource: resource(r) }
            }
            ConstraintKind::CustomerShare { customer: c, base } => LimitKind::CustomerShareCap { customer: customer(c), of: of(base) },
            ConstraintKind::SegmentMinShare { segment: s, base } => LimitKind::SegmentMinShare { segment: segment(s), of: of(base) },
            ConstraintKind::SegmentMaxShare { segment: s, base } => LimitKind::SegmentMaxShare { segment: segment(s), of: of(base) },
            ConstraintKind::CvarFloor => LimitKind::CvarFloor,
            ConstraintKind::Response { .. } | ConstraintKind::TotalValue | ConstraintKind::CvarShortfall { .. } => {
                LimitKind::Internal { id: kind.id(instance) }
            }
        }
    }
}

/// Which lower limits a resource clash is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DemandKind {
    /// Customers' floors.
    Floors,
    /// Customers' hard expectations.
    HardExpectations,
    /// Allocations fixed by `--force`.
    ForcedHours,
    /// Customers' limits on how far their hours may fall below the current hours.
    ChangeLimits,
    /// Segments' least hours.
    SegmentMinimums,
}

/// Who a demanding limit belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// A customer, by id.
    Customer(String),
    /// A segment, by id.
    Segment(String),
}

/// One finding of an infeasibility diagnosis, in numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum Finding {
    /// The lower limits on one resource need more hours than it can supply.
    ResourceClash {
        /// The resource id.
        resource: String,
        /// The kinds of lower limits that clash, in [`DemandKind`] order.
        demands: Vec<DemandKind>,
        /// Whose limits they are.
        owners: Vec<Owner>,
        /// The least hours the demanding limits need together.
        needed_hours: f64,
        /// The resource's capacity (hours).
        capacity_hours: f64,
        /// Expansion options in the conflict: option id and the hours it can add at most.
        expansions: Vec<(String, f64)>,
    },
    /// A member of the conflict no resource clash covers (index into `Diagnosis::conflict`).
    Member(usize),
    /// The limits on hours leave room for a plan; the value shares, read from the response
    /// curves, do not.
    ValueSharesOnCurves,
    /// A force above every hour the resource can supply.
    ForceBeyondReach {
        /// The resource id.
        resource: String,
        /// The hours the force fixes.
        forced_hours: f64,
        /// The most hours the resource can supply: capacity plus every expansion option.
        reach_hours: f64,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    /// JSON keeps writing the family strings the ids use: the enum must not change the layout.
    #[test]
    fn family_names_are_the_id_prefixes_and_the_json_strings() {
        let kinds = [
            ConstraintKind::Capacity { resource: 0 },
            ConstraintKind::ExpansionLimit { resource: 0, option: 0 },
            ConstraintKind::Response { customer: 0, resource: 0 },
            ConstraintKind::TotalValue,
            ConstraintKind::Floor { customer: 0, resource: 0 },
            ConstraintKind::Cap { customer: 0, resource: 0 },
            ConstraintKind::Expectation { customer: 0, resource: 0 },
            ConstraintKind::MaxIncrease { customer: 0, resource: 0 },
            ConstraintKind::MaxDecrease { customer: 0, resource: 0 },
            ConstraintKind::CustomerShare { customer: 0, base: ShareBase::Value },
            ConstraintKind::SegmentMinHours { segment: 0, resource: 0 },
            ConstraintKind::SegmentMaxHours { segment: 0, resource: 0 },
            ConstraintKind::SegmentMinShare { segment: 0, base: ShareBase::Value },
            ConstraintKind::SegmentMaxShare { segment: 0, base: ShareBase::Value },
            ConstraintKind::Force { customer: 0, resource: 0 },
            ConstraintKind::CvarShortfall { scenario: 0 },
            ConstraintKind::CvarFloor,
        ];
        for kind in kinds {
            let family = Family::of(kind);
            assert_eq!(family.name(), kind.family());
            assert_eq!(serde_json::to_value(family).unwrap(), serde_json::Value::String(kind.family().to_string()));
        }
    }
}
