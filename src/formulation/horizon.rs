//! The linear program of a multi-period plan: each period's own formulation side by side (its
//! variables and rows named with `@period`, e.g. `capacity[engineering@q3]`), linked by the
//! change-limit rows between consecutive periods, the first against the current hours.
//!
//! A change limit is a row on the change of the hours, written as the planner means it:
//! `max_increase[m1/engineering@q2]` is `hours@q2 - hours@q1 <= allowed` and
//! `max_decrease[m1/engineering@q2]` is `hours@q2 - hours@q1 >= -allowed`, so that its shadow
//! price is, as for every row, the change of the optimum per +1 hour of its right-hand side.
//! A share limit (`max_increase_share = 0.5`) is the same row with the allowance `0.5 x hours
//! before` moved to the left-hand side.

use super::force::{Force, ForceSpecError};
use super::{ConstraintKind, Formulation, LinearProgram, LpRow, Sense, formulate};
use crate::model::Instance;
use crate::model::horizon::{ChangeAmount, Horizon};

/// The direction of a change limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeDirection {
    /// `max_increase`: hours may rise at most this far.
    Increase,
    /// `max_decrease`: hours may fall at most this far.
    Decrease,
}

impl ChangeDirection {
    /// The row family, the part of the id before the bracket.
    pub fn family(self) -> &'static str {
        match self {
            ChangeDirection::Increase => "max_increase",
            ChangeDirection::Decrease => "max_decrease",
        }
    }
}

/// One period's block of the combined program.
#[derive(Debug, Clone)]
pub struct PeriodBlock {
    /// The period's single-period instance ([`Horizon::period_instance`]).
    pub instance: Instance,
    /// The period's own formulation, its indices local to the block.
    pub formulation: Formulation,
    /// Index of the block's first variable in the combined program.
    pub first_variable: usize,
    /// Index of the block's first row in the combined program.
    pub first_row: usize,
}

impl PeriodBlock {
    /// The block's variables in the combined program.
    pub fn variables(&self) -> std::ops::Range<usize> {
        self.first_variable..self.first_variable + self.formulation.lp.variables.len()
    }
    /// The block's rows in the combined program.
    pub fn rows(&self) -> std::ops::Range<usize> {
        self.first_row..self.first_row + self.formulation.lp.rows.len()
    }
}

/// A change-limit row of the combined program.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChangeRow {
    /// Row index in the combined program.
    pub row: usize,
    /// The period the change leads into (0: from the current hours into the first period).
    pub period: usize,
    pub customer: usize,
    pub resource: usize,
    pub direction: ChangeDirection,
    pub amount: ChangeAmount,
}

/// A forced allocation in one period (`--force m1/engineering@q3=120`).
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodForce {
    pub period: usize,
    pub force: Force,
}

/// The combined program of a multi-period instance.
#[derive(Debug, Clone)]
pub struct HorizonFormulation {
    /// The whole program as one formulation: `hours`, `pieces`, `shortfall` indexed by
    /// `period x customers + customer`, `expansion` by `period x resources + resource`, so that
    /// the exact-curve solve (curve order) and the backends take it as they take one period.
    pub combined: Formulation,
    /// One block per period, in plan order.
    pub periods: Vec<PeriodBlock>,
    /// The change-limit rows, after every block's rows.
    pub change_rows: Vec<ChangeRow>,
    /// `(row, force)`: the rows fixing forced allocations, last.
    pub force_rows: Vec<(usize, PeriodForce)>,
}

/// `capacity[engineering]` with period `q3`: `capacity[engineering@q3]`; a name without brackets
/// gets them (`total_value[@q3]`).
pub fn with_period(name: &str, period: &str) -> String {
    match name.strip_suffix(']') {
        Some(inside) => format!("{inside}@{period}]"),
        None => format!("{name}[@{period}]"),
    }
}

/// Builds the program of a multi-period instance: every period's formulation, the change limits
/// between consecutive periods, and rows fixing `forces`.
pub fn formulate_horizon(instance: &Instance, horizon: &Horizon, forces: &[PeriodForce]) -> HorizonFormulation {
    let mut lp = LinearProgram::default();
    let mut kinds = Vec::new();
    let mut blocks = Vec::with_capacity(horizon.periods.len());
    let (customers, resources) = (instance.customers.len(), instance.resources.len());
    let mut hours = Vec::with_capacity(customers * horizon.periods.len());
    let mut pieces = Vec::with_capacity(customers * horizon.periods.len());
    let mut shortfall = Vec::with_capacity(customers * horizon.periods.len());
    let mut expansion = Vec::with_capacity(resources * horizon.periods.len());
    for p in 0..horizon.periods.len() {
        let period_instance = horizon.period_instance(instance, p);
        let formulation = formulate(&period_instance);
        let period_id = horizon.periods[p].id.as_str();
        let first_variable = lp.variables.len();
        let first_row = lp.rows.len();
        let shift = |variable: usize| variable + first_variable;
        for variable in &formulation.lp.variables {
            lp.add_variable(with_period(&variable.name, period_id), variable.lower, variable.upper, variable.objective);
        }
        for row in &formulation.lp.rows {
            lp.rows.push(LpRow {
                name: with_period(&row.name, period_id),
                terms: row.terms.iter().map(|&(variable, coefficient)| (shift(variable), coefficient)).collect(),
                sense: row.sense,
                rhs: row.rhs,
            });
        }
        lp.objective_constant += formulation.lp.objective_constant;
        kinds.extend(formulation.kinds.iter().copied());
        hours.extend(formulation.hours.iter().map(|row| row.iter().map(|&v| shift(v)).collect::<Vec<_>>()));
        pieces.extend(formulation.pieces.iter().map(|per_resource| {
            per_resource.iter().map(|per_piece| per_piece.iter().map(|&v| shift(v)).collect::<Vec<_>>()).collect::<Vec<_>>()
        }));
        shortfall.extend(formulation.shortfall.iter().map(|row| row.iter().map(|v| v.map(shift)).collect::<Vec<_>>()));
        expansion.extend(formulation.expansion.iter().map(|row| row.iter().map(|&v| shift(v)).collect::<Vec<_>>()));
        blocks.push(PeriodBlock { instance: period_instance, formulation, first_variable, first_row });
    }

    let mut change_rows = Vec::new();
    for p in 0..horizon.periods.len() {
        let period_id = horizon.periods[p].id.as_str();
        for (c, customer) in instance.customers.iter().enumerate() {
            for r in 0..resources {
                let limit = horizon.change_limits[c][r];
                let now = hours[p * customers + c][r];
                let before = (p > 0).then(|| hours[(p - 1) * customers + c][r]);
                let current = customer.current_hours[r];
                let name = |direction: ChangeDirection| {
                    format!("{}[{}/{}@{period_id}]", direction.family(), customer.id, instance.resources[r].id)
                };
                for (direction, amount) in
                    [(ChangeDirection::Increase, limit.max_increase), (ChangeDirection::Decrease, limit.max_decrease)]
                {
                    let Some(amount) = amount else { continue };
                    let sign = if direction == ChangeDirection::Increase { 1.0 } else { -1.0 };
                    let sense = if direction == ChangeDirection::Increase { Sense::Le } else { Sense::Ge };
                    // now - before (<= | >=) sign x allowance, the allowance of a share moved left.
                    let (terms, rhs) = match (before, amount) {
                        (None, amount) => (vec![(now, 1.0)], current + sign * amount.hours_after(current)),
                        (Some(before), ChangeAmount::Hours(allowed)) => (vec![(now, 1.0), (before, -1.0)], sign * allowed),
                        (Some(before), ChangeAmount::Share(share)) => (vec![(now, 1.0), (before, -(1.0 + sign * share))], 0.0),
                    };
                    // A decrease limit that allows every hour to go is no limit: hours are >= 0.
                    let vacuous = direction == ChangeDirection::Decrease
                        && match (before, amount) {
                            (None, _) => rhs <= 0.0,
                            (Some(_), ChangeAmount::Share(share)) => share >= 1.0,
                            (Some(_), ChangeAmount::Hours(_)) => false,
                        };
                    if vacuous {
                        continue;
                    }
                    change_rows.push(ChangeRow { row: lp.rows.len(), period: p, customer: c, resource: r, direction, amount });
                    lp.rows.push(LpRow { name: name(direction), terms, sense, rhs });
                    let kind = match direction {
                        ChangeDirection::Increase => ConstraintKind::MaxIncrease { customer: c, resource: r },
                        ChangeDirection::Decrease => ConstraintKind::MaxDecrease { customer: c, resource: r },
                    };
                    kinds.push(kind);
                }
            }
        }
    }

    let mut force_rows = Vec::new();
    for force in forces {
        let (c, r) = (force.force.customer, force.force.resource);
        let name = format!("force[{}/{}@{}]", instance.customers[c].id, instance.resources[r].id, horizon.periods[force.period].id);
        force_rows.push((lp.rows.len(), force.clone()));
        lp.rows.push(LpRow { name, terms: vec![(hours[force.period * customers + c][r], 1.0)], sense: Sense::Eq, rhs: force.force.hours });
        kinds.push(ConstraintKind::Force { customer: c, resource: r });
    }

    let combined = Formulation { lp, kinds, hours, pieces, expansion, shortfall, total_value: None, cvar: None };
    HorizonFormulation { combined, periods: blocks, change_rows, force_rows }
}

impl PeriodForce {
    /// Parses `CUSTOMER/RESOURCE@PERIOD=HOURS`, e.g. `m1/engineering@q3=120`.
    pub fn parse(spec: &str, instance: &Instance, horizon: &Horizon) -> Result<PeriodForce, ForceSpecError> {
        let example = horizon.periods.last().map_or("q1", |period| period.id.as_str());
        let (target, hours) = spec.split_once('=').unwrap_or((spec, ""));
        let Some((allocation, period_id)) = target.split_once('@') else {
            return Err(ForceSpecError(format!(
                "invalid --force {spec:?}: a multi-period plan forces an allocation in one period; expected \
                 CUSTOMER/RESOURCE@PERIOD=HOURS, for example m1/engineering@{example}=120"
            )));
        };
        let period_id = period_id.trim();
        let period = horizon.period_index(period_id).ok_or_else(|| {
            let known: Vec<&str> = horizon.periods.iter().map(|period| period.id.as_str()).collect();
            ForceSpecError(format!("invalid --force {spec:?}: unknown period {period_id:?}; the periods are: {}", known.join(", ")))
        })?;
        let force = Force::parse(&format!("{allocation}={hours}"), instance)
            .map_err(|error| ForceSpecError(error.0.replace(&format!("{allocation}={hours}"), spec)))?;
        Ok(PeriodForce { period, force })
    }

    /// Parses every spec; the same allocation forced twice in one period is an error.
    pub fn parse_all(specs: &[String], instance: &Instance, horizon: &Horizon) -> Result<Vec<PeriodForce>, ForceSpecError> {
        let mut forces: Vec<PeriodForce> = Vec::with_capacity(specs.len());
        for spec in specs {
            let force = PeriodForce::parse(spec, instance, horizon)?;
            if forces.iter().any(|other| {
                (other.period, other.force.customer, other.force.resource) == (force.period, force.force.customer, force.force.resource)
            }) {
                return Err(ForceSpecError(format!(
                    "invalid --force {spec:?}: the allocation is forced twice in period {}",
                    horizon.periods[force.period].id
                )));
            }
            forces.push(force);
        }
        Ok(forces)
    }
}
