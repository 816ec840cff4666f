//! The Limits report of `solve --sensitivity`, as Excel Solver's: for each allocation (customer x
//! resource hours), the fewest and the most hours it can have while every other decision of the
//! plan stays where the optimum put it, and the objective at each of those two points.
//!
//! "Every other decision" is every other allocation's hours and curve pieces and every expansion
//! option's hours bought. What moves with the allocation is only what the model derives from it:
//! its own curve pieces, its own shortfall below a soft expectation, and the model's bookkeeping
//! variables (the total value that value shares are shares of). The limit is the end of the
//! interval of hours over which the plan so changed still meets every constraint: shared ones
//! (capacity, segment limits, shares) as well as the allocation's own (floor, cap, hard
//! expectation, change limits, a forced value). It is found by one small LP per side over the
//! variables that move, with the allocation's pieces then checked in curve order.
//!
//! "The objective there" is the plan's objective with only this allocation moved, read off the
//! model's own curves: the plan's objective, plus the priority-weighted change of the
//! allocation's response value, minus the change in its hour cost, minus the change in its soft
//! expectation penalty. It is not a re-solve that lets the rest of the plan adapt (that is what
//! the sensitivity ranges and `sweep` answer); it is the value of the plan the planner gets by
//! changing this one cell, as in Excel.

use serde::Serialize;

use super::Plan;
use crate::formulation::{Formulation, LinearProgram, LpRow, LpVariable, Sense};
use crate::model::{ExpectationKind, Instance};
use crate::solve::session::Session;
use crate::solve::{LpOutcome, SolveError, session_outcome, solve_lp_with_duals};

/// One allocation's Limits row.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AllocationLimits {
    /// The customer id.
    pub customer: String,
    /// The resource id.
    pub resource: String,
    /// The planned hours (Excel's "value" of the variable cell).
    pub hours: f64,
    /// The fewest hours, with everything else held.
    pub lower: LimitPoint,
    /// The most hours, with everything else held; `None` when no constraint bounds them.
    pub upper: Option<LimitPoint>,
}

/// One end of an allocation's interval.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct LimitPoint {
    /// The allocation's hours at this end.
    pub hours: f64,
    /// The objective of the plan with this allocation at `hours` and everything else held
    /// (currency; Excel's "target result").
    pub objective: f64,
    /// Ids of the named constraints that stop the hours here, in the report's constraint order;
    /// empty at the lower end when the hours stop at zero.
    pub set_by: Vec<String>,
}

/// The Limits report of an optimal plan, one row per allocation in the plan's order; `None` when
/// `deadline` came first.
pub(crate) fn allocation_limits(
    instance: &Instance,
    formulation: &Formulation,
    plan: &Plan,
    deadline: Option<std::time::Instant>,
) -> Result<Option<Vec<AllocationLimits>>, SolveError> {
    let columns = formulation.lp.columns();
    // Each row's activity at the plan, once: a local LP holds what does not move with its
    // allocation as this less the part that does, instead of summing every held term of rows
    // such as a capacity or the total value (a term per customer) once per allocation.
    let activity: Vec<f64> = formulation
        .lp
        .rows
        .iter()
        .map(|row| row.terms.iter().map(|&(variable, coefficient)| coefficient * plan.lp.values[variable]).sum())
        .collect();
    let shared = formulation.total_value.map(|variable| SharedColumn::new(formulation, plan, &columns, &activity, variable));
    let resources = instance.resources.len();
    let mut rows = Vec::with_capacity(plan.allocations.len());
    for (index, allocation) in plan.allocations.iter().enumerate() {
        if super::past(deadline) {
            return Ok(None);
        }
        let (c, r) = (index / resources, index % resources);
        let whole = WholePlan { columns: &columns, activity: &activity, shared: shared.as_ref() };
        let local = Local::new(instance, formulation, plan, &whole, c, r);
        // One engine for both sides: the fewest hours are found warm from the most.
        let mut session = Session::new(&local.lp);
        let upper = local.end(&mut session, 1.0)?;
        let lower = local.end(&mut session, -1.0)?.unwrap_or(LimitEnd { hours: 0.0, set_by: Vec::new() });
        let point = |end: LimitEnd| LimitPoint { objective: local.objective_at(end.hours), hours: end.hours, set_by: end.set_by };
        rows.push(AllocationLimits {
            customer: allocation.customer.clone(),
            resource: allocation.resource.clone(),
            hours: allocation.hours,
            lower: point(lower),
            upper: upper.map(point),
        });
    }
    Ok(Some(rows))
}

/// What every allocation's small LP reads from the whole plan, computed once for the report.
#[derive(Clone, Copy)]
struct WholePlan<'w> {
    /// The full LP's columns.
    columns: &'w [Vec<(usize, f64)>],
    /// Each row's activity at the plan.
    activity: &'w [f64],
    shared: Option<&'w SharedColumn>,
}

/// The column of a variable that moves with every allocation (the total value that value shares
/// are shares of), read once for the whole report. Each of its rows that no other moving
/// variable touches (another customer's value-share row) holds everything but this variable,
/// the same for every allocation, and folds into one bound of it: the bound is computed here
/// once, and each allocation folds the list in row order without rebuilding and sorting the
/// column, a term per capped customer.
struct SharedColumn {
    variable: usize,
    /// Per row, the variable's coefficient there (`None`: not in the row).
    coefficient: Vec<Option<f64>>,
    /// The rows that fold into a bound when the variable moves alone in them, in row order.
    folds: Vec<Fold>,
    /// Rows where its coefficient is 0: local rows of every allocation, never a fold.
    unfolded: Vec<usize>,
}

impl SharedColumn {
    fn new(formulation: &Formulation, plan: &Plan, columns: &[Vec<(usize, f64)>], activity: &[f64], variable: usize) -> Self {
        let full = &formulation.lp;
        let mut coefficient = vec![None; full.rows.len()];
        let mut folds = Vec::new();
        let mut unfolded = Vec::new();
        for &(row, a) in &columns[variable] {
            if coefficient[row].is_some() {
                // A variable twice in one row: no fold, left to the general path.
                unfolded.push(row);
                continue;
            }
            coefficient[row] = Some(a);
            if a == 0.0 {
                unfolded.push(row);
                continue;
            }
            let rhs = local_rhs(&full.rows[row], activity[row], a * plan.lp.values[variable]);
            folds.push(Fold::new(formulation, row, rhs, a));
        }
        unfolded.sort_unstable();
        unfolded.dedup();
        folds.retain(|fold| unfolded.binary_search(&fold.row).is_err());
        SharedColumn { variable, coefficient, folds, unfolded }
    }
}

/// A row's right-hand side in an allocation's local LP: the full row's, less what stays held.
///
/// `activity` is the whole row at the plan and `moved` the part of it in the variables that move
/// with the allocation; the held part is their difference, so a row with a term per customer
/// (a capacity, the total value) is summed once for the report, not once per allocation.
/// A backend may leave the plan a rounding error outside a row; the right-hand side is then moved
/// out to the plan's own `moved`, so that the planned point stays feasible in the local LP (every
/// Limits interval holds the planned hours) instead of the local LP coming out infeasible.
fn local_rhs(row: &LpRow, activity: f64, moved: f64) -> f64 {
    let held = activity - moved;
    let rhs = row.rhs - held;
    match row.sense {
        Sense::Le => rhs.max(moved),
        Sense::Ge => rhs.min(moved),
        Sense::Eq => rhs,
    }
}

/// Which of a variable's bounds a row bounds when the variable is the row's only moving term.
///
/// Such a row is kept out of the local LP and folded into the variable's bounds instead (most
/// rows of an allocation: capacity, floor, cap, segment limits on hours; for the total value,
/// every other customer's value-share row), which keeps the LP a handful of rows. `a * x <= b`
/// caps `x` from above when `a > 0` and from below when `a < 0`; `>=` the other way round; `=`
/// pins it from both sides.
struct Sides {
    /// The row sets a lower bound.
    below: bool,
    /// The row sets an upper bound.
    above: bool,
}

impl Sides {
    fn of(sense: Sense, coefficient: f64) -> Self {
        let (below, above) = match sense {
            Sense::Eq => (true, true),
            Sense::Le => (coefficient < 0.0, coefficient > 0.0),
            Sense::Ge => (coefficient > 0.0, coefficient < 0.0),
        };
        Sides { below, above }
    }
}

/// One row folded into a bound of its only moving variable (see [`Sides`]).
struct Fold {
    /// The row of the full LP.
    row: usize,
    /// The bound it sets: its local right-hand side over the variable's coefficient.
    at: f64,
    sides: Sides,
    /// The planner wrote it (it may be named among the rows that set a limit).
    named: bool,
}

impl Fold {
    /// `rhs` is the row's local right-hand side ([`local_rhs`]), `coefficient` the variable's
    /// (nonzero) coefficient in it.
    fn new(formulation: &Formulation, row: usize, rhs: f64, coefficient: f64) -> Self {
        Fold {
            row,
            at: rhs / coefficient,
            sides: Sides::of(formulation.lp.rows[row].sense, coefficient),
            named: !formulation.kinds[row].is_internal(),
        }
    }
}

/// The bounds folded into one variable of the local LP, with the rows behind each.
struct Folded {
    lower: f64,
    lower_rows: Vec<usize>,
    upper: f64,
    upper_rows: Vec<usize>,
}

impl Folded {
    /// No bound folded in yet.
    fn open() -> Self {
        Folded { lower: f64::NEG_INFINITY, lower_rows: Vec::new(), upper: f64::INFINITY, upper_rows: Vec::new() }
    }

    /// Folds `fold` into the bounds on the sides it bounds.
    fn apply(&mut self, fold: &Fold) {
        if fold.sides.below {
            Self::tighten(&mut self.lower, &mut self.lower_rows, fold.at, fold.row, fold.named, 1.0);
        }
        if fold.sides.above {
            Self::tighten(&mut self.upper, &mut self.upper_rows, fold.at, fold.row, fold.named, -1.0);
        }
    }

    /// Makes `at` the bound if it is tighter (`direction` +1 for a lower bound, -1 for an upper),
    /// recording `row` beside it (and beside an equal bound: several limits set it at once).
    fn tighten(bound: &mut f64, rows: &mut Vec<usize>, at: f64, row: usize, named: bool, direction: f64) {
        let tie = 1e-9 * (1.0 + at.abs());
        if direction * (at - *bound) > tie || !bound.is_finite() {
            *bound = at;
            rows.clear();
        } else if (at - *bound).abs() > tie {
            return;
        }
        if named {
            rows.push(row);
        }
    }
}

/// An end found, before its objective is read.
struct LimitEnd {
    hours: f64,
    set_by: Vec<String>,
}

/// The plan as a small LP in the variables that move with one allocation, everything else fixed
/// at the optimum and moved into the right-hand sides.
struct Local<'a> {
    lp: LinearProgram,
    /// Row of the full LP behind each local row.
    origin: Vec<usize>,
    /// Per local variable, the bounds that rows with it as their only moving variable set, folded
    /// into its bounds to keep the LP small (see [`Sides`]).
    folded: Vec<Folded>,
    /// Local index of the allocation's hours; its pieces follow it, in curve order.
    pieces: usize,
    /// Local indices of its soft shortfall and of the total value, when the model has them.
    shortfall: Option<usize>,
    total_value: Option<usize>,
    /// The model has CVaR variables, which only an LP places.
    has_cvar: bool,
    formulation: &'a Formulation,
    curve: &'a crate::model::ResponseCurve,
    /// The planned hours, objective, priority weight, cost per hour and soft expectation.
    planned: f64,
    objective: f64,
    weight: f64,
    cost_per_hour: f64,
    soft: Option<(f64, f64)>,
}

impl<'a> Local<'a> {
    fn new(instance: &'a Instance, formulation: &'a Formulation, plan: &Plan, whole: &WholePlan, c: usize, r: usize) -> Self {
        let WholePlan { columns, activity, shared } = *whole;
        let values = &plan.lp.values;
        let mut moving = vec![formulation.hours[c][r]];
        moving.extend(&formulation.pieces[c][r]);
        moving.extend(formulation.shortfall[c][r]);
        moving.extend(formulation.total_value);
        if let Some(cvar) = &formulation.cvar {
            moving.push(cvar.var);
            moving.extend(&cvar.shortfalls);
        }
        // The moving variables' entries, by row and then in the row's own (variable) order: the
        // rows they touch and their local terms, without reading the rest of those rows.
        // The shared column's entries join only in the rows the allocation's own variables
        // touch (and where it cannot fold); its other rows fold from `shared.folds` below.
        let shared_local = shared.and_then(|shared| moving.iter().position(|&variable| variable == shared.variable));
        let is_shared = |variable: usize| shared_local.is_some() && shared.is_some_and(|shared| shared.variable == variable);
        let mut entries: Vec<(usize, usize, usize, f64)> = moving
            .iter()
            .enumerate()
            .filter(|&(_, &variable)| !is_shared(variable))
            .flat_map(|(local, &variable)| columns[variable].iter().map(move |&(row, coefficient)| (row, variable, local, coefficient)))
            .collect();
        // The rows where the shared variable is a term of the local LP rather than a fold.
        let mut joined: Vec<usize> = Vec::new();
        if let (Some(shared), Some(local)) = (shared, shared_local) {
            joined.extend(entries.iter().map(|&(row, ..)| row).filter(|&row| shared.coefficient[row].is_some()));
            joined.extend(&shared.unfolded);
            joined.sort_unstable();
            joined.dedup();
            for &row in &joined {
                if shared.unfolded.binary_search(&row).is_ok() {
                    // Rare (a zero coefficient, or the variable twice in the row): every entry.
                    let all = columns[shared.variable].iter().filter(|&&(r, _)| r == row);
                    entries.extend(all.map(|&(r, coefficient)| (r, shared.variable, local, coefficient)));
                } else if let Some(coefficient) = shared.coefficient[row] {
                    entries.push((row, shared.variable, local, coefficient));
                }
            }
        }
        entries.sort_unstable_by_key(|&(row, variable, _, _)| (row, variable));
        let full = &formulation.lp;
        let mut lp = LinearProgram::default();
        let mut folded: Vec<Folded> = Vec::with_capacity(moving.len());
        for &variable in &moving {
            let (value, bounds) = (values[variable], &full.variables[variable]);
            // The plan's own point is feasible, also where a backend left it a rounding error
            // outside a bound.
            lp.variables.push(LpVariable {
                name: bounds.name.clone(),
                lower: bounds.lower.min(value),
                upper: bounds.upper.max(value),
                objective: 0.0,
            });
            folded.push(Folded::open());
        }
        let mut origin = Vec::new();
        for group in entries.chunk_by(|a, b| a.0 == b.0) {
            let row = group[0].0;
            let original = &full.rows[row];
            let terms: Vec<(usize, f64)> = group.iter().map(|&(_, _, local, coefficient)| (local, coefficient)).collect();
            let moved: f64 = group.iter().map(|&(_, variable, _, coefficient)| coefficient * values[variable]).sum();
            let rhs = local_rhs(original, activity[row], moved);
            if let [(local, coefficient)] = terms[..]
                && coefficient != 0.0
            {
                folded[local].apply(&Fold::new(formulation, row, rhs, coefficient));
                continue;
            }
            origin.push(row);
            lp.rows.push(LpRow { name: original.name.clone(), terms, sense: original.sense, rhs });
        }
        if let (Some(shared), Some(local)) = (shared, shared_local) {
            for fold in shared.folds.iter().filter(|fold| joined.binary_search(&fold.row).is_err()) {
                folded[local].apply(fold);
            }
        }
        for (variable, entry) in lp.variables.iter_mut().zip(&folded) {
            variable.lower = variable.lower.max(entry.lower);
            variable.upper = variable.upper.min(entry.upper);
        }
        let customer = &instance.customers[c];
        let soft = customer.expectations[r].filter(|e| e.kind == ExpectationKind::Soft).map(|e| (e.hours, e.penalty_per_hour));
        let planned = plan.allocations[c * instance.resources.len() + r].hours;
        Local {
            lp,
            origin,
            folded,
            pieces: 1,
            shortfall: formulation.shortfall[c][r].map(|_| 1 + formulation.pieces[c][r].len()),
            total_value: formulation
                .total_value
                .map(|_| 1 + formulation.pieces[c][r].len() + usize::from(formulation.shortfall[c][r].is_some())),
            has_cvar: formulation.cvar.is_some(),
            formulation,
            curve: &customer.responses[r],
            planned,
            objective: plan.objective,
            weight: customer.priority_weight,
            cost_per_hour: instance.resources[r].cost_per_hour,
            soft,
        }
    }

    /// The end of the interval on one side (`sign` +1: the most hours, -1: the fewest); `None`
    /// when the hours can grow without bound (or, downwards, never happens: hours stop at 0).
    fn end(&self, session: &mut Session, sign: f64) -> Result<Option<LimitEnd>, SolveError> {
        if let Some(end) = self.end_from_bounds(sign) {
            return Ok(Some(end));
        }
        session.set_objective(0, sign);
        let (outcome, duals) = session_outcome(session, None)?;
        let (values, duals) = match (outcome, duals) {
            (LpOutcome::Optimal { values, .. }, Some(duals)) => (values, duals),
            (LpOutcome::Unbounded, _) => return Ok(None),
            (outcome, _) => {
                return Err(SolveError(format!(
                    "the Limits report of {} found the plan's own point {outcome:?}",
                    self.lp.variables[0].name
                )));
            }
        };
        let found = values[0];
        if self.in_curve_order(found, &values) || self.feasible_in_curve_order(found)? {
            let set_by = self.set_by(&values, &duals, sign, session.program());
            return Ok(Some(LimitEnd { hours: found, set_by }));
        }
        // The LP reached past the curve by filling a flatter piece before a steeper one (a value
        // share it could meet with less value): the end in curve order is found piece by piece.
        self.walk_in_curve_order(sign)
    }

    /// The end on one side with the pieces in curve order: from the piece the planned hours
    /// lie on, one LP per piece with the pieces before it full and those after it empty, on to the
    /// next piece while the end reaches the bend.
    fn walk_in_curve_order(&self, sign: f64) -> Result<Option<LimitEnd>, SolveError> {
        let starts: Vec<f64> = self
            .curve
            .pieces
            .iter()
            .scan(0.0, |start, piece| {
                let here = *start;
                *start += piece.length_hours.unwrap_or(f64::INFINITY);
                Some(here)
            })
            .collect();
        let tolerance = crate::model::BREAKPOINT_TOLERANCE * (1.0 + self.planned);
        let mut piece = if sign > 0.0 {
            self.curve.next_piece_at(self.planned)
        } else {
            // The piece the last planned hour lies on.
            starts.iter().rposition(|&start| start < self.planned - tolerance).unwrap_or(0)
        };
        let mut found: Option<LimitEnd> = None;
        loop {
            let mut segment = self.lp.clone();
            segment.variables[0].objective = sign;
            for k in 0..starts.len() {
                let length = self.curve.pieces[k].length_hours.unwrap_or(f64::INFINITY);
                let bounds = &mut segment.variables[self.pieces + k];
                let (lower, upper) = match k.cmp(&piece) {
                    std::cmp::Ordering::Less => (length, length),
                    std::cmp::Ordering::Equal => (0.0, length),
                    std::cmp::Ordering::Greater => (0.0, 0.0),
                };
                // Within the bounds folded in from the piece's own rows; crossed bounds leave
                // no plan on this piece.
                (bounds.lower, bounds.upper) = (lower.max(bounds.lower), upper.min(bounds.upper));
            }
            let (outcome, duals) = solve_lp_with_duals(&segment, None)?;
            let (values, duals) = match (outcome, duals) {
                (LpOutcome::Optimal { values, .. }, Some(duals)) => (values, duals),
                (LpOutcome::Unbounded, _) => return Ok(None),
                // No plan on this piece: the end is the bend the previous piece reached.
                _ => return Ok(found),
            };
            let hours = values[0];
            found = Some(LimitEnd { hours, set_by: self.set_by(&values, &duals, sign, &segment) });
            let length = self.curve.pieces[piece].length_hours.unwrap_or(f64::INFINITY);
            let at_bend = if sign > 0.0 {
                hours >= starts[piece] + length - tolerance && piece + 1 < starts.len()
            } else {
                hours <= starts[piece] + tolerance && piece > 0
            };
            if !at_bend {
                return Ok(found);
            }
            piece = if sign > 0.0 { piece + 1 } else { piece - 1 };
        }
    }

    /// The end without an LP, where the rows that bound the hours alone (folded into their
    /// bounds) decide it: the point at that bound, with the pieces in curve order, the shortfall
    /// and the total value as they follow, meets every other row with room to spare. `None`
    /// when it does not (another row stops the hours first, or binds there too) or cannot be
    /// told without an LP.
    fn end_from_bounds(&self, sign: f64) -> Option<LimitEnd> {
        if self.has_cvar {
            return None;
        }
        let bounds = &self.lp.variables[0];
        let hours = if sign > 0.0 { bounds.upper } else { bounds.lower };
        if !hours.is_finite() {
            return None;
        }
        let mut point = vec![0.0; self.lp.variables.len()];
        point[0] = hours;
        for (k, piece) in self.fill(hours).into_iter().enumerate() {
            point[self.pieces + k] = piece;
        }
        if let Some(shortfall) = self.shortfall {
            point[shortfall] = self.soft.map_or(0.0, |(expected, _)| (expected - hours).max(0.0));
        }
        if let Some(total) = self.total_value {
            // The total value follows from its defining row, `total - sum of values = constant`.
            let (row, _) = self
                .lp
                .rows
                .iter()
                .zip(&self.origin)
                .find(|(_, origin)| matches!(self.formulation.kinds[**origin], crate::formulation::ConstraintKind::TotalValue))?;
            let coefficient = row.terms.iter().find(|&&(j, _)| j == total)?.1;
            let others: f64 = row.terms.iter().filter(|&&(j, _)| j != total).map(|&(j, a)| a * point[j]).sum();
            point[total] = (row.rhs - others) / coefficient;
        }
        let within = |value: f64, lower: f64, upper: f64| {
            let tolerance = 1e-9 * (1.0 + value.abs());
            value >= lower - tolerance && value <= upper + tolerance
        };
        if !self.lp.variables.iter().zip(&point).all(|(variable, &value)| within(value, variable.lower, variable.upper)) {
            return None;
        }
        for (row, &origin) in self.lp.rows.iter().zip(&self.origin) {
            let activity: f64 = row.terms.iter().map(|&(j, a)| a * point[j]).sum();
            let scale: f64 = 1.0 + row.rhs.abs() + row.terms.iter().map(|&(j, a)| (a * point[j]).abs()).sum::<f64>();
            let slack = match row.sense {
                Sense::Le => row.rhs - activity,
                Sense::Ge => activity - row.rhs,
                Sense::Eq => -(activity - row.rhs).abs(),
            };
            let tolerance = 1e-9 * scale;
            let internal = self.formulation.kinds[origin].is_internal();
            // A planner's row that is tight here may stop the hours too: the LP says which.
            if slack < -tolerance || (!internal && slack <= tolerance) {
                return None;
            }
        }
        let entry = &self.folded[0];
        let near = |bound: f64| (hours - bound).abs() <= 1e-9 * (1.0 + bound.abs());
        let mut set_by: Vec<usize> = match sign > 0.0 {
            true if near(entry.upper) => entry.upper_rows.clone(),
            false if near(entry.lower) => entry.lower_rows.clone(),
            _ => Vec::new(),
        };
        set_by.sort_unstable();
        Some(LimitEnd { hours, set_by: set_by.into_iter().map(|row| self.formulation.lp.rows[row].name.clone()).collect() })
    }

    /// The allocation's pieces filled in curve order at `hours`.
    fn fill(&self, hours: f64) -> Vec<f64> {
        let mut remaining = hours.max(0.0);
        self.curve
            .pieces
            .iter()
            .map(|piece| {
                let used = piece.length_hours.map_or(remaining, |length| remaining.min(length));
                remaining -= used;
                used
            })
            .collect()
    }

    fn in_curve_order(&self, hours: f64, values: &[f64]) -> bool {
        let tolerance = 1e-7 * (1.0 + hours.abs());
        self.fill(hours).iter().enumerate().all(|(k, &piece)| (values[self.pieces + k] - piece).abs() <= tolerance)
    }

    /// The local LP with the hours and pieces pinned in curve order at `hours`.
    fn pinned(&self, hours: f64) -> LinearProgram {
        let mut pinned = self.lp.clone();
        for (k, piece) in std::iter::once(hours).chain(self.fill(hours)).enumerate() {
            let bounds = &mut pinned.variables[k];
            // Outside a folded bound the pinned point has no plan: crossed bounds say so.
            (bounds.lower, bounds.upper) = (piece.max(bounds.lower), piece.min(bounds.upper));
        }
        pinned
    }

    fn feasible_in_curve_order(&self, hours: f64) -> Result<bool, SolveError> {
        Ok(matches!(solve_lp_with_duals(&self.pinned(hours), None)?.0, LpOutcome::Optimal { .. }))
    }

    /// Ids of the named constraints that stop the hours at an optimum of `lp` (the local LP with
    /// the objective `sign` on the hours): the rows with a price, and the rows folded into a bound
    /// that a variable sits on with a reduced cost, in the full LP's row order.
    fn set_by(&self, values: &[f64], duals: &[f64], sign: f64, lp: &LinearProgram) -> Vec<String> {
        let tolerance = 1e-9;
        let mut rows: Vec<usize> = (0..lp.rows.len())
            .filter(|&local| duals[local].abs() > tolerance && !self.formulation.kinds[self.origin[local]].is_internal())
            .map(|local| self.origin[local])
            .collect();
        let mut reduced: Vec<f64> = (0..lp.variables.len()).map(|j| if j == 0 { sign } else { 0.0 }).collect();
        for (row, &dual) in lp.rows.iter().zip(duals) {
            for &(j, coefficient) in &row.terms {
                reduced[j] -= coefficient * dual;
            }
        }
        for (j, entry) in self.folded.iter().enumerate() {
            let near = |bound: f64| bound.is_finite() && (values[j] - bound).abs() <= 1e-9 * (1.0 + bound.abs());
            if reduced[j] < -tolerance && near(entry.lower) {
                rows.extend(&entry.lower_rows);
            }
            if reduced[j] > tolerance && near(entry.upper) {
                rows.extend(&entry.upper_rows);
            }
        }
        rows.sort_unstable();
        rows.dedup();
        rows.into_iter().map(|row| self.formulation.lp.rows[row].name.clone()).collect()
    }

    /// The objective with this allocation at `hours` and the rest of the plan held, from the
    /// model's own curves.
    fn objective_at(&self, hours: f64) -> f64 {
        let shortfall = |at: f64| self.soft.map_or(0.0, |(expected, penalty)| penalty * (expected - at).max(0.0));
        let change = self.weight * (self.curve.value_at(hours) - self.curve.value_at(self.planned))
            - self.cost_per_hour * (hours - self.planned)
            - (shortfall(hours) - shortfall(self.planned));
        let objective = self.objective + change;
        // The end at the planned hours reads exactly the plan's objective.
        if (hours - self.planned).abs() <= 1e-12 * (1.0 + hours.abs()) { self.objective } else { objective }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(sense: Sense, rhs: f64) -> LpRow {
        LpRow { name: "row".to_string(), terms: Vec::new(), sense, rhs }
    }

    /// The local right-hand side is the full row's less the held part, and a plan a rounding
    /// error outside the row stays feasible in the local LP (the Limits interval holds it).
    #[test]
    fn issue9_local_rhs_holds_the_rest_and_keeps_the_plan_feasible() {
        // A plan inside each row: 2 of its activity moves and the rest is held, so what moves
        // has the row's right-hand side less the held part (10 - 5, 10 - 10, 10 - 8).
        assert_eq!(local_rhs(&row(Sense::Le, 10.0), 7.0, 2.0), 5.0);
        assert_eq!(local_rhs(&row(Sense::Ge, 10.0), 12.0, 2.0), 0.0);
        assert_eq!(local_rhs(&row(Sense::Eq, 10.0), 10.0, 2.0), 2.0);
        // The plan over a `<=` row (activity 10.5 against 10): the moved part's 2 stays feasible.
        assert_eq!(local_rhs(&row(Sense::Le, 10.0), 10.5, 2.0), 2.0);
        // Under a `>=` row (activity 9.5 against 10): likewise.
        assert_eq!(local_rhs(&row(Sense::Ge, 10.0), 9.5, 2.0), 2.0);
        // An equality is never moved: it pins what moves where the row says.
        assert_eq!(local_rhs(&row(Sense::Eq, 10.0), 10.5, 2.0), 1.5);
    }

    /// `a x <= b` caps x above for a > 0 and below for a < 0, `>=` the other way, `=` both.
    #[test]
    fn issue9_sides_of_a_single_variable_row() {
        let sides = |sense, a| {
            let Sides { below, above } = Sides::of(sense, a);
            (below, above)
        };
        assert_eq!(sides(Sense::Le, 2.0), (false, true));
        assert_eq!(sides(Sense::Le, -2.0), (true, false));
        assert_eq!(sides(Sense::Ge, 2.0), (true, false));
        assert_eq!(sides(Sense::Ge, -2.0), (false, true));
        assert_eq!(sides(Sense::Eq, 2.0), (true, true));
        assert_eq!(sides(Sense::Eq, -2.0), (true, true));
    }
}
