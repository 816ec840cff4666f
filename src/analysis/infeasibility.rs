//! Infeasibility diagnosis: when no plan meets all constraints, which of the planner's limits
//! clash, and the least weighted change of limits that makes a plan possible.
//!
//! - **Conflict**: an irreducible infeasible subset (IIS) of the planner's named constraints,
//!   found by a deletion filter: each constraint in turn is dropped and the rest re-solved; it
//!   stays dropped if the rest is still infeasible, otherwise it is put back. What remains is
//!   infeasible, and dropping any one member makes it feasible. The candidates are every planner
//!   constraint, capacities and expansion limits included; the variable bounds (hours >= 0, the
//!   pieces of each response curve) and the internal `response` and `total_value` rows are
//!   part of the model and never dropped.
//! - **Relaxation**: an elastic LP. Each candidate row gets a violation variable >= 0 (two for
//!   an equality), measured in the row's own unit, and the weighted sum of violations is
//!   minimised (each unit weighs by the kind of row: `weight_per_unit`). The violations say which floors or expectations to
//!   lower, which caps to raise, or which capacity to add, and by how much.
//!
//! `--time-limit` bounds the diagnosis too: the deadline is passed into every re-solve
//! (capplan's engine stops at a pivot; microlp and clarabel are checked between solves). A
//! diagnosis stopped by it says so ([`Diagnosis::conflict_complete`],
//! [`Diagnosis::relaxation_complete`]) and keeps what it found: each constraint the filter had
//! already shown to be needed is certainly part of a minimal conflict.

use std::time::Instant;

use super::document::{DemandKind, Family, Finding, LimitKind, Owner, Unit};
use super::past;
use crate::formulation::{ConstraintKind, Formulation, LinearProgram, Sense};
use crate::model::{Instance, ShareBase};
use crate::solve::session::Session;
use crate::solve::{Backend, LpOutcome, SolveError, bare_lp_backend, session_outcome, solve_lp_until};

/// Why no plan exists, and what would make one possible. Its JSON form (with the wording of
/// the report layer) is written by `report::diagnosis`.
#[derive(Debug, Clone)]
pub struct Diagnosis {
    /// A minimal set of constraints that cannot all hold, in formulation order.
    pub conflict: Vec<ConflictMember>,
    /// What the conflict is about: one clash per resource it concerns, then each member no
    /// such clash covers. The printers word it (JSON: `summary`).
    pub findings: Vec<Finding>,
    /// The least weighted set of limit changes that makes a plan possible.
    pub relaxation: Vec<Relaxation>,
    /// The weighted sum of the changes (the elastic LP's optimum).
    pub relaxation_cost: f64,
    /// The optimal contribution of the instance with the relaxed limits (currency); `None` if
    /// that re-solve did not give an optimal plan (or `--time-limit` stopped it).
    pub relaxed_objective: Option<f64>,
    /// Whether `conflict` is a whole minimal set. `false` when `--time-limit` stopped the
    /// search: `conflict` then holds the members found so far (each certainly belongs to a
    /// minimal conflict) and `unchecked_constraints` counts the candidates not yet tested.
    pub conflict_complete: bool,
    /// Candidate constraints the search had not tested when `--time-limit` stopped it; 0 when
    /// the conflict is complete.
    pub unchecked_constraints: usize,
    /// Whether the least relaxation was found. `false` when `--time-limit` stopped it first:
    /// `relaxation` is then empty and `relaxation_cost` 0.
    pub relaxation_complete: bool,
}

impl Diagnosis {
    /// Whether `--time-limit` stopped any part of the diagnosis.
    pub fn is_complete(&self) -> bool {
        self.conflict_complete && self.relaxation_complete
    }
}

/// One constraint of a minimal conflict.
#[derive(Debug, Clone)]
pub struct ConflictMember {
    /// Stable id, e.g. `floor[m1/engineering]`.
    pub id: String,
    /// The kind of limit, as in `result.constraints[].family` (plus `force`).
    pub family: Family,
    /// The direction of the limit.
    pub sense: Sense,
    /// The limit as the planner wrote it: hours, or a share in [0, 1].
    pub limit: f64,
    /// `hour` or `share`.
    pub unit: Unit,
    /// What the limit is about (the printers word it; JSON: `meaning`).
    pub limit_kind: LimitKind,
}

/// One limit change of the least relaxation.
#[derive(Debug, Clone)]
pub struct Relaxation {
    /// Stable id of the constraint, e.g. `floor[m1/engineering]`.
    pub id: String,
    /// The kind of limit, as in `result.constraints[].family` (plus `force`).
    pub family: Family,
    /// The direction of the limit.
    pub sense: Sense,
    /// The row's right-hand side as built (hours; currency for value shares; for hour shares
    /// the row is `hours - share x expansion bought <= share x capacity`).
    pub row_limit: f64,
    /// The right-hand side that makes the plan possible.
    pub relaxed_row_limit: f64,
    /// `relaxed_row_limit - row_limit`: positive raises the limit, negative lowers it.
    pub change: f64,
    /// `hour` or `currency`: the unit of `row_limit` and `change`.
    pub unit: Unit,
    /// What one unit of this change costs in the elastic LP.
    pub weight_per_unit: f64,
    /// The limit to change: with `row_limit` and `relaxed_row_limit`, the repair "change this
    /// limit from X to Y" (the printers word it; JSON: `action`).
    pub limit_kind: LimitKind,
}

/// Weight per unit of violation in the elastic LP, by constraint family. Lowering a service
/// level the business set itself (floor, cap, segment and share limits) is the cheapest repair;
/// buying more of an existing expansion option (contractors, overtime) costs 1.5 per hour, hiring
/// capacity 2; breaking a contract with a customer (a hard expectation) or undoing a what-if the
/// planner asked for (a force) 4. Value shares are rows in currency: 100 currency weighs as much
/// as one hour.
pub(crate) fn weight_per_unit(kind: ConstraintKind) -> f64 {
    match kind {
        ConstraintKind::ExpansionLimit { .. } => 1.5,
        ConstraintKind::Capacity { .. } => 2.0,
        ConstraintKind::Expectation { .. } | ConstraintKind::Force { .. } => 4.0,
        ConstraintKind::CustomerShare { base: ShareBase::Value, .. }
        | ConstraintKind::SegmentMinShare { base: ShareBase::Value, .. }
        | ConstraintKind::SegmentMaxShare { base: ShareBase::Value, .. } => 0.01,
        _ => 1.0,
    }
}

/// The planner's constraints: every row that is not a modelling device.
fn candidate_rows(formulation: &Formulation) -> Vec<usize> {
    (0..formulation.kinds.len()).filter(|&row| !formulation.kinds[row].is_internal()).collect()
}

/// The LP with only the rows kept, and no objective: only feasibility matters.
fn feasibility_program(lp: &LinearProgram, keep: &[bool]) -> LinearProgram {
    let mut program = LinearProgram {
        variables: lp.variables.clone(),
        rows: lp.rows.iter().zip(keep).filter(|(_, keep)| **keep).map(|(row, _)| row.clone()).collect(),
        objective_constant: 0.0,
    };
    for variable in &mut program.variables {
        variable.objective = 0.0;
    }
    program
}

/// Answers "do the rows kept leave a plan?" for the diagnosis. With capplan's engine (`engine`,
/// and `separable`, whose bare programs the engine solves) every question goes to one session of
/// the feasibility program, every candidate row kept through presolve: a row dropped or put back
/// is one bound of its logical, and each answer is a warm re-solve from the last basis. Other
/// backends solve each question cold.
struct Feasibility<'a> {
    lp: &'a LinearProgram,
    backend: Backend,
    deadline: Option<Instant>,
    /// The session and which rows it has relaxed.
    warm: Option<(Session, Vec<bool>)>,
}

impl<'a> Feasibility<'a> {
    fn new(formulation: &'a Formulation, backend: Backend, deadline: Option<Instant>) -> Feasibility<'a> {
        let lp = &formulation.lp;
        // Crossed variable bounds are for the cold path's own checks to decide.
        let crossed = lp.variables.iter().any(|variable| variable.lower > variable.upper);
        let warm = (bare_lp_backend(backend, lp) == Backend::Engine && !crossed).then(|| {
            let program = feasibility_program(lp, &vec![true; lp.rows.len()]);
            (Session::keeping(&program, &candidate_rows(formulation)), vec![false; lp.rows.len()])
        });
        Feasibility { lp, backend, deadline, warm }
    }

    /// Whether the rows kept leave a plan; `None` when the deadline came first.
    fn is_feasible(&mut self, keep: &[bool]) -> Result<Option<bool>, SolveError> {
        let outcome = match self.warm.as_mut() {
            Some((session, relaxed)) => {
                if past(self.deadline) {
                    return Ok(None);
                }
                for (row, (&keep, relaxed)) in keep.iter().zip(relaxed.iter_mut()).enumerate() {
                    if *relaxed == keep {
                        *relaxed = !keep;
                        session.relax_row(row, !keep);
                    }
                }
                // A row without terms is decided by arithmetic (as for a cold solve).
                let empty_row_fails =
                    self.lp.rows.iter().zip(keep).any(|(row, &keep)| keep && row.terms.is_empty() && !empty_row_holds(row));
                if empty_row_fails { LpOutcome::Infeasible } else { session_outcome(session, self.deadline)?.0 }
            }
            None => solve_lp_until(&feasibility_program(self.lp, keep), self.backend, self.deadline)?,
        };
        Ok(match outcome {
            LpOutcome::TimeLimit => None,
            outcome => Some(outcome != LpOutcome::Infeasible),
        })
    }
}

/// Whether a row without terms holds (`0 <= 5` does, `0 >= 5` does not).
fn empty_row_holds(row: &crate::formulation::LpRow) -> bool {
    let tolerance = crate::solve::FEASIBILITY_TOLERANCE;
    match row.sense {
        Sense::Le => 0.0 <= row.rhs + tolerance,
        Sense::Ge => 0.0 >= row.rhs - tolerance,
        Sense::Eq => row.rhs.abs() <= tolerance,
    }
}

/// What the deletion filter found by the time it ended.
struct Filtered {
    /// Row indices: an irreducible infeasible subset when `unchecked` is 0, otherwise the
    /// members shown to be needed so far.
    rows: Vec<usize>,
    /// Candidates the filter had not tested when the deadline came.
    unchecked: usize,
}

/// The deletion filter on a formulation known to be infeasible, stopping at `deadline`.
/// Invariant: the rows kept are infeasible. A row put back is needed by every infeasible subset
/// of them, so it is in the final conflict whenever the filter stops.
fn deletion_filter(formulation: &Formulation, feasibility: &mut Feasibility) -> Result<Filtered, SolveError> {
    let lp = &formulation.lp;
    let mut keep = vec![true; lp.rows.len()];
    let candidates = candidate_rows(formulation);
    let mut needed = Vec::new();
    for (tested, &row) in candidates.iter().enumerate() {
        keep[row] = false;
        match feasibility.is_feasible(&keep)? {
            Some(true) => {
                keep[row] = true;
                needed.push(row);
            }
            Some(false) => {}
            None => return Ok(Filtered { rows: needed, unchecked: candidates.len() - tested }),
        }
    }
    Ok(Filtered { rows: needed, unchecked: 0 })
}

/// The elastic LP: every candidate row may be violated at a weighted price. Returns the
/// violation of each row (positive: the limit must rise; negative: it must fall) and the
/// weighted total; `None` when `deadline` came first.
pub(crate) fn least_relaxation_until(
    formulation: &Formulation,
    backend: Backend,
    deadline: Option<Instant>,
) -> Result<Option<(Vec<f64>, f64)>, SolveError> {
    let mut elastic = feasibility_program(&formulation.lp, &vec![true; formulation.lp.rows.len()]);
    // (row, variable, direction): direction +1 raises the row's limit, -1 lowers it.
    let mut violations: Vec<(usize, usize, f64)> = Vec::new();
    for row in candidate_rows(formulation) {
        let weight = weight_per_unit(formulation.kinds[row]);
        let name = elastic.rows[row].name.clone();
        let directions: &[f64] = match elastic.rows[row].sense {
            Sense::Le => &[1.0],
            Sense::Ge => &[-1.0],
            Sense::Eq => &[1.0, -1.0],
        };
        for &direction in directions {
            let variable = elastic.add_variable(format!("violation[{name}]{direction:+}"), 0.0, f64::INFINITY, -weight);
            // a x - v <= b lets a x reach b + v (the limit rises by v); a x + v >= b lets it
            // fall to b - v.
            elastic.rows[row].terms.push((variable, -direction));
            violations.push((row, variable, direction));
        }
    }
    let values = match solve_lp_until(&elastic, backend, deadline)? {
        LpOutcome::Optimal { values, .. } => values,
        LpOutcome::TimeLimit => return Ok(None),
        other => return Err(SolveError(format!("the elastic LP of an infeasible plan came back {other:?}; this is numerical trouble"))),
    };
    // An interior-point solution spreads tiny violations over many rows; a violation whose share
    // of the total is solver noise is not a change the planner needs to make.
    let weighted = |row: usize, variable: usize| values[variable].max(0.0) * weight_per_unit(formulation.kinds[row]);
    let total: f64 = violations.iter().map(|&(row, variable, _)| weighted(row, variable)).sum();
    let mut change = vec![0.0; formulation.lp.rows.len()];
    let mut cost = 0.0;
    for (row, variable, direction) in violations {
        let amount = values[variable].max(0.0);
        let noise = amount <= 1e-7 * (1.0 + formulation.lp.rows[row].rhs.abs()) || weighted(row, variable) <= 1e-6 * (1.0 + total);
        if !noise {
            change[row] += direction * amount;
            cost += weighted(row, variable);
        }
    }
    Ok(Some((change, cost)))
}

#[doc(hidden)]
/// The LP with each row's limit moved by `change` (the violations of the elastic LP, which `diagnose` solves).
pub fn relaxed_program(lp: &LinearProgram, change: &[f64]) -> LinearProgram {
    let mut relaxed = lp.clone();
    for (row, delta) in relaxed.rows.iter_mut().zip(change) {
        row.rhs += delta;
    }
    relaxed
}

#[doc(hidden)]
/// Diagnoses an infeasible formulation of `instance`.
pub fn diagnose(instance: &Instance, formulation: &Formulation, backend: Backend) -> Result<Diagnosis, SolveError> {
    diagnose_until(instance, formulation, backend, None)
}

#[doc(hidden)]
/// As [`diagnose`], stopping at `deadline` with what was found by then (see
/// [`Diagnosis::conflict_complete`] and [`Diagnosis::relaxation_complete`]).
pub fn diagnose_until(
    instance: &Instance,
    formulation: &Formulation,
    backend: Backend,
    deadline: Option<Instant>,
) -> Result<Diagnosis, SolveError> {
    let candidates = candidate_rows(formulation).len();
    let cut_short = |conflict: Vec<ConflictMember>, findings: Vec<Finding>, unchecked: usize| Diagnosis {
        conflict,
        findings,
        relaxation: Vec::new(),
        relaxation_cost: 0.0,
        relaxed_objective: None,
        conflict_complete: unchecked == 0,
        unchecked_constraints: unchecked,
        relaxation_complete: false,
    };
    // The LP relaxation has a plan, the exact model (values from the curves, curve_order.rs)
    // has none: only the value shares can be at fault, and they are what the planner is told.
    let mut feasibility = Feasibility::new(formulation, backend, deadline);
    match feasibility.is_feasible(&vec![true; formulation.lp.rows.len()])? {
        None => return Ok(cut_short(Vec::new(), Vec::new(), candidates)),
        Some(true) => {
            let rows: Vec<usize> = (0..formulation.kinds.len()).filter(|&row| is_value_share(formulation.kinds[row])).collect();
            let conflict: Vec<ConflictMember> = rows.iter().map(|&row| conflict_member(instance, formulation, row)).collect();
            let findings = vec![Finding::ValueSharesOnCurves];
            return Ok(Diagnosis {
                conflict,
                findings,
                relaxation: Vec::new(),
                relaxation_cost: 0.0,
                relaxed_objective: None,
                conflict_complete: true,
                unchecked_constraints: 0,
                relaxation_complete: true,
            });
        }
        Some(false) => {}
    }
    let filtered = deletion_filter(formulation, &mut feasibility)?;
    let conflict: Vec<ConflictMember> = filtered.rows.iter().map(|&row| conflict_member(instance, formulation, row)).collect();
    if filtered.unchecked > 0 {
        // Part of a conflict: a clash per resource would add up only some of the demands, so
        // each member found is its own finding.
        let findings = (0..conflict.len()).map(Finding::Member).collect();
        return Ok(cut_short(conflict, findings, filtered.unchecked));
    }
    let findings = summarise(instance, formulation, &filtered.rows);

    let Some((change, relaxation_cost)) = least_relaxation_until(formulation, backend, deadline)? else {
        return Ok(cut_short(conflict, findings, 0));
    };
    let relaxation = (0..formulation.lp.rows.len())
        .filter(|&row| change[row] != 0.0)
        .map(|row| {
            let kind = formulation.kinds[row];
            let lp_row = &formulation.lp.rows[row];
            let unit = if is_value_share(kind) { Unit::Currency } else { Unit::Hour };
            Relaxation {
                id: lp_row.name.clone(),
                family: Family::of(kind),
                sense: lp_row.sense,
                row_limit: lp_row.rhs,
                relaxed_row_limit: lp_row.rhs + change[row],
                change: change[row],
                unit,
                weight_per_unit: weight_per_unit(kind),
                limit_kind: LimitKind::of(instance, kind),
            }
        })
        .collect();
    // The relaxed plan's worth is a courtesy: stopped by the deadline, it is just not given.
    let relaxed_objective = match solve_lp_until(&relaxed_program(&formulation.lp, &change), backend, deadline)? {
        LpOutcome::Optimal { objective, .. } => Some(objective),
        _ => None,
    };
    Ok(Diagnosis {
        conflict,
        findings,
        relaxation,
        relaxation_cost,
        relaxed_objective,
        conflict_complete: true,
        unchecked_constraints: 0,
        relaxation_complete: true,
    })
}

/// The diagnosis of a force above every hour the resource can supply (capacity plus every
/// expansion limit, `reach`), decided by arithmetic: the force, the capacity and the expansion
/// limits conflict, and the least change is capacity for the hours beyond reach. The LP is not
/// solved, because such a force can be far beyond what a solver resolves (1e15 h).
pub(crate) fn diagnose_force_beyond_reach(instance: &Instance, formulation: &Formulation, force_row: usize, reach: f64) -> Diagnosis {
    let ConstraintKind::Force { resource, .. } = formulation.kinds[force_row] else { unreachable!("a force row") };
    let rows: Vec<usize> = (0..formulation.kinds.len())
        .filter(|&row| match formulation.kinds[row] {
            ConstraintKind::Capacity { resource: r } | ConstraintKind::ExpansionLimit { resource: r, .. } => r == resource,
            _ => row == force_row,
        })
        .collect();
    let conflict: Vec<ConflictMember> = rows.iter().map(|&row| conflict_member(instance, formulation, row)).collect();
    let forced = formulation.lp.rows[force_row].rhs;
    let findings =
        vec![Finding::ForceBeyondReach { resource: instance.resources[resource].id.clone(), forced_hours: forced, reach_hours: reach }];
    let capacity_row = formulation.row_of(ConstraintKind::Capacity { resource });
    let relaxation: Vec<Relaxation> = capacity_row
        .map(|row| {
            let kind = formulation.kinds[row];
            let lp_row = &formulation.lp.rows[row];
            let change = forced - reach;
            Relaxation {
                id: lp_row.name.clone(),
                family: Family::of(kind),
                sense: lp_row.sense,
                row_limit: lp_row.rhs,
                relaxed_row_limit: lp_row.rhs + change,
                change,
                unit: Unit::Hour,
                weight_per_unit: weight_per_unit(kind),
                limit_kind: LimitKind::of(instance, kind),
            }
        })
        .into_iter()
        .collect();
    let relaxation_cost = relaxation.iter().map(|r| r.change * r.weight_per_unit).sum();
    Diagnosis {
        conflict,
        findings,
        relaxation,
        relaxation_cost,
        relaxed_objective: None,
        conflict_complete: true,
        unchecked_constraints: 0,
        relaxation_complete: true,
    }
}

fn is_value_share(kind: ConstraintKind) -> bool {
    matches!(
        kind,
        ConstraintKind::CustomerShare { base: ShareBase::Value, .. }
            | ConstraintKind::SegmentMinShare { base: ShareBase::Value, .. }
            | ConstraintKind::SegmentMaxShare { base: ShareBase::Value, .. }
    )
}

fn conflict_member(instance: &Instance, formulation: &Formulation, row: usize) -> ConflictMember {
    let kind = formulation.kinds[row];
    let lp_row = &formulation.lp.rows[row];
    let (limit, unit) = match kind.share(instance) {
        Some((_, share)) => (share, Unit::Share),
        None if kind == ConstraintKind::CvarFloor => (lp_row.rhs, Unit::Currency),
        None => (lp_row.rhs, Unit::Hour),
    };
    ConflictMember {
        id: lp_row.name.clone(),
        family: Family::of(kind),
        sense: lp_row.sense,
        limit,
        unit,
        limit_kind: LimitKind::of(instance, kind),
    }
}

/// The classic clash, as a planner sees it: the hours some limits require of a resource against
/// the hours it has. Members that no such clash covers are findings of their own.
fn summarise(instance: &Instance, formulation: &Formulation, rows: &[usize]) -> Vec<Finding> {
    let mut covered = vec![false; rows.len()];
    let mut findings = Vec::new();
    for r in 0..instance.resources.len() {
        let Some(capacity_at) = rows.iter().position(|&row| formulation.kinds[row] == ConstraintKind::Capacity { resource: r }) else {
            continue;
        };
        // Least hours each allocation needs, and each segment, by the members' lower limits.
        let mut allocation_need = vec![0.0_f64; instance.customers.len()];
        let mut segment_need = vec![0.0_f64; instance.segments.len()];
        let mut demanding: Vec<usize> = Vec::new();
        for (at, &row) in rows.iter().enumerate() {
            match formulation.kinds[row] {
                ConstraintKind::Floor { customer, resource }
                | ConstraintKind::Expectation { customer, resource }
                | ConstraintKind::Force { customer, resource }
                | ConstraintKind::MaxDecrease { customer, resource }
                    if resource == r =>
                {
                    allocation_need[customer] = allocation_need[customer].max(formulation.lp.rows[row].rhs);
                    demanding.push(at);
                }
                ConstraintKind::SegmentMinHours { segment, resource } if resource == r => {
                    segment_need[segment] = segment_need[segment].max(formulation.lp.rows[row].rhs);
                    demanding.push(at);
                }
                _ => {}
            }
        }
        if demanding.is_empty() {
            continue;
        }
        let mut need = 0.0;
        for (s, &segment_minimum) in segment_need.iter().enumerate() {
            let members_need: f64 =
                (0..instance.customers.len()).filter(|&c| instance.customers[c].segment == Some(s)).map(|c| allocation_need[c]).sum();
            need += segment_minimum.max(members_need);
        }
        need += (0..instance.customers.len()).filter(|&c| instance.customers[c].segment.is_none()).map(|c| allocation_need[c]).sum::<f64>();

        let mut demands: Vec<DemandKind> = Vec::new();
        let mut owners: Vec<Owner> = Vec::new();
        for &at in &demanding {
            let (demand, owner) = match formulation.kinds[rows[at]] {
                ConstraintKind::Floor { customer, .. } => (DemandKind::Floors, Owner::Customer(instance.customers[customer].id.clone())),
                ConstraintKind::Expectation { customer, .. } => {
                    (DemandKind::HardExpectations, Owner::Customer(instance.customers[customer].id.clone()))
                }
                ConstraintKind::Force { customer, .. } => {
                    (DemandKind::ForcedHours, Owner::Customer(instance.customers[customer].id.clone()))
                }
                ConstraintKind::MaxDecrease { customer, .. } => {
                    (DemandKind::ChangeLimits, Owner::Customer(instance.customers[customer].id.clone()))
                }
                ConstraintKind::SegmentMinHours { segment, .. } => {
                    (DemandKind::SegmentMinimums, Owner::Segment(instance.segments[segment].id.clone()))
                }
                _ => unreachable!("only lower limits are demanding"),
            };
            if !demands.contains(&demand) {
                demands.push(demand);
            }
            if !owners.contains(&owner) {
                owners.push(owner);
            }
            covered[at] = true;
        }
        covered[capacity_at] = true;
        let mut expansions = Vec::new();
        for (at, &row) in rows.iter().enumerate() {
            if let ConstraintKind::ExpansionLimit { resource, option } = formulation.kinds[row]
                && resource == r
            {
                expansions.push((instance.resources[r].expansion[option].id.clone(), formulation.lp.rows[row].rhs));
                covered[at] = true;
            }
        }
        findings.push(Finding::ResourceClash {
            resource: instance.resources[r].id.clone(),
            demands,
            owners,
            needed_hours: need,
            capacity_hours: instance.resources[r].capacity_hours,
            expansions,
        });
    }
    for (at, done) in covered.iter().enumerate() {
        if !done {
            findings.push(Finding::Member(at));
        }
    }
    findings
}
